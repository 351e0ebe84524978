#!/usr/bin/env bash
# Makes Gradescope's autograder zip. Gradescope unzips it into /autograder/source, runs
# setup.sh from there once, and copies run_autograder to /autograder/run_autograder. The zip
# holds: setup.sh, run_autograder, threadlab/ (the sources: the files git knows in this
# checkout, committed or not), reference/ (the reference solutions, to warm the cache),
# rust-version, and exercises (the exercises to expect, one id a line).
#
#   classroom/gradescope/make-autograder.sh autograder.zip                 # every exercise found
#   classroom/gradescope/make-autograder.sh autograder.zip foobar zero-even-odd
set -euo pipefail

if [ $# -lt 1 ]; then
    echo "usage: $0 OUT.zip [EXERCISE ...]" >&2
    exit 2
fi
out="$(realpath -m "$1")"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/threadlab" "$stage/reference"
cp "$here/setup.sh" "$here/run_autograder" "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard \
    | grep -zv -e '^classroom/class-report.png$' -e '\.ipynb_checkpoints/' \
    | xargs -0 -r tar -cf - --ignore-failed-read 2>/dev/null) | tar -xf - -C "$stage/threadlab"
cp "$repo"/notebooks/solutions/*.rs "$stage/reference/"
sed -n 's/^rust-version *= *"\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n1 > "$stage/rust-version"
: > "$stage/exercises"
for id in "$@"; do
    echo "$id" >> "$stage/exercises"
done

rm -f "$out"
# Python's zipfile rather than zip(1), which a fresh machine may not have; it keeps each file's
# mode, so Gradescope's unzip restores run_autograder's and setup.sh's exec bits.
(cd "$stage" && python3 - "$out" setup.sh run_autograder threadlab reference rust-version exercises <<'PY'
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
