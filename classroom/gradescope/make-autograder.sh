#!/usr/bin/env bash
# Makes Gradescope's autograder zip. Gradescope unzips it into /autograder/source, runs
# setup.sh from there once, and copies run_autograder to /autograder/run_autograder. The zip
# holds: setup.sh, run_autograder, authored.sh, threadlab/ (the sources: the files git knows in
# this checkout, committed or not), reference/ (the reference solutions, to warm the cache),
# rust-version, exercises (the exercises to expect, one id a line), and authored/ (exercises
# written outside the grader: sets/NAME/ per --exercise-set, files/NAME.rs per --exercise-file;
# a set's solutions/*.rs join reference/).
#
#   classroom/gradescope/make-autograder.sh autograder.zip                 # every exercise found
#   classroom/gradescope/make-autograder.sh autograder.zip foobar zero-even-odd
#   classroom/gradescope/make-autograder.sh --exercise-set my-set autograder.zip ping-pong
set -euo pipefail

usage() {
    echo "usage: $0 [--exercise-set DIR]... [--exercise-file FILE]... OUT.zip [EXERCISE ...]" >&2
    exit 2
}
sets=()
files=()
positional=()
while [ $# -gt 0 ]; do
    case "$1" in
        --exercise-set) [ $# -ge 2 ] || usage; sets+=("$(realpath -e "$2")"); shift 2 ;;
        --exercise-set=*) sets+=("$(realpath -e "${1#*=}")"); shift ;;
        --exercise-file) [ $# -ge 2 ] || usage; files+=("$(realpath -e "$2")"); shift 2 ;;
        --exercise-file=*) files+=("$(realpath -e "${1#*=}")"); shift ;;
        -h|--help) usage ;;
        -*) echo "unknown option $1" >&2; usage ;;
        *) positional+=("$1"); shift ;;
    esac
done
set -- "${positional[@]+"${positional[@]}"}"
if [ $# -lt 1 ]; then
    usage
fi
out="$(realpath -m "$1")"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/threadlab" "$stage/reference"
cp "$here/setup.sh" "$here/run_autograder" "$here/authored.sh" "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard \
    | grep -zv -e '^classroom/class-report.png$' -e '\.ipynb_checkpoints/' \
    | xargs -0 -r tar -cf - --ignore-failed-read 2>/dev/null) | tar -xf - -C "$stage/threadlab"
cp "$repo"/notebooks/solutions/*.rs "$stage/reference/"
# Authored exercises keep their file names (a grader names them by id, not by file); two with
# the same name would overwrite each other, so that is refused.
mkdir -p "$stage/authored/sets" "$stage/authored/files"
for set_dir in "${sets[@]+"${sets[@]}"}"; do
    target="$stage/authored/sets/$(basename "$set_dir")"
    [ ! -e "$target" ] || { echo "two exercise sets are named $(basename "$set_dir")" >&2; exit 2; }
    mkdir -p "$target"
    (cd "$set_dir" && find . -name .ipynb_checkpoints -prune -o -type f -print0 \
        | xargs -0 -r tar -cf -) | tar -xf - -C "$target"
    if compgen -G "$set_dir/solutions/*.rs" > /dev/null; then
        cp "$set_dir"/solutions/*.rs "$stage/reference/"
    fi
done
for file in "${files[@]+"${files[@]}"}"; do
    target="$stage/authored/files/$(basename "$file")"
    [ ! -e "$target" ] || { echo "two exercise files are named $(basename "$file")" >&2; exit 2; }
    cp "$file" "$target"
done
sed -n 's/^rust-version *= *"\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n1 > "$stage/rust-version"
: > "$stage/exercises"
for id in "$@"; do
    echo "$id" >> "$stage/exercises"
done

rm -f "$out"
# Python's zipfile rather than zip(1), which a fresh machine may not have; it keeps each file's
# mode, so Gradescope's unzip restores run_autograder's and setup.sh's exec bits.
(cd "$stage" && python3 - "$out" setup.sh run_autograder authored.sh threadlab reference rust-version exercises authored <<'PY'
import os, sys, zipfile
out, *tops = sys.argv[1:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    for top in tops:
        if not os.path.isdir(top):
            archive.write(top)
            continue
        for root, dirs, files in os.walk(top):
            dirs.sort()
            for name in sorted(files):
                archive.write(os.path.join(root, name))
PY
)
echo "$out"
