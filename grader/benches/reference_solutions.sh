#!/usr/bin/env bash
# Time to a verdict for right solutions: `threadlab-grader check` with its defaults, three times
# each (the first may compile the submission), the report's duration_ms and the load average
# before each. For grader/BENCHMARKS.md.
#
#   grader/benches/reference_solutions.sh [--corpus] [SOLUTION.rs ...]
# With no file: the reference solutions (notebooks/solutions/*.rs, the exercise is the file's
# name); --corpus adds every corpus file that expects a pass (tests/grader/corpus/EXERCISE/*.rs).
# Needs the release binary ($CARGO_TARGET_DIR/release/threadlab-grader, from build_release).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
grader="$CARGO_TARGET_DIR/release/threadlab-grader"
corpus=""
if [ "${1:-}" = "--corpus" ]; then
    corpus=1
    shift
fi
solutions=("$@")
if [ ${#solutions[@]} -eq 0 ]; then
    solutions=(notebooks/solutions/*.rs)
    if [ -n "$corpus" ]; then
        mapfile -t right < <(grep -l '^// expect: pass' tests/grader/corpus/*/*.rs | sort)
        solutions+=("${right[@]}")
    fi
fi
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[\"$1\"])"; }
printf '| solution | verdict | runs | ms (1st / 2nd / 3rd) | load before |\n|---|---|---:|---|---|\n'
for solution in "${solutions[@]}"; do
    # A corpus file answers the exercise its folder is named after; a reference solution the one
    # its file is named after.
    case "$solution" in
        tests/grader/corpus/*) exercise=$(basename "$(dirname "$solution")") ;;
        *) exercise=$(basename "$solution" .rs) ;;
    esac
    times=() loads=() verdict="" runs=""
    for _ in 1 2 3; do
        loads+=("$(cut -d' ' -f1 /proc/loadavg)")
        report=$("$grader" check --exercise "$exercise" "$solution" --json || true)
        verdict=$(field verdict <<<"$report")
        runs=$(field runs <<<"$report")
        times+=("$(field duration_ms <<<"$report")")
    done
    printf '| %s | %s | %s | %s / %s / %s | %s |\n' "$solution" "$verdict" "$runs" "${times[@]}" "${loads[*]}"
done
