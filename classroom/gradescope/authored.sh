# Sourced by setup.sh and run_autograder: the grader's options for the authored exercises that
# make-autograder.sh packed into the zip (`source/authored/sets/NAME/` for each --exercise-set,
# `source/authored/files/NAME.rs` for each --exercise-file). Sets `authored_args`.
#
# authored_args_for SOURCE
authored_args_for() {
    local source="$1" entry
    authored_args=()
    for entry in "$source"/authored/sets/*/; do
        [ -d "$entry" ] && authored_args+=(--exercise-set "${entry%/}")
    done
    for entry in "$source"/authored/files/*.rs; do
        [ -f "$entry" ] && authored_args+=(--exercise-file "$entry")
    done
    return 0
}
