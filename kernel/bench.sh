#!/usr/bin/env bash
# Benchmarks threadlab-kernel against evcxr_jupyter 0.22 on this machine, in one run, and puts the
# table into kernel/BENCHMARKS.md. evcxr_jupyter is installed with `cargo install` into
# ~/.cache/threadlab/evcxr_jupyter (outside the repo) the first time.
#
# Usage: kernel/bench.sh [--threadlab-only] [--rounds N]
#   --threadlab-only: measure threadlab-kernel alone (no evcxr_jupyter install, ~20 min cold on
#   2 cores); the table in BENCHMARKS.md then has its column only.
set -euo pipefail
only=""
if [ "${1:-}" = "--threadlab-only" ]; then
  only=1
  shift
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/env.sh

# The same package set as start.sh and test.sh (building the kernel alone resolves features
# differently and would rebuild most of the tree).
build_release
kernel="$CARGO_TARGET_DIR/release/threadlab-kernel"

evcxr_root="$THREADLAB_CACHE/evcxr_jupyter"
if [ -z "$only" ] && [ ! -x "$evcxr_root/bin/evcxr_jupyter" ]; then
  echo "==> cargo install evcxr_jupyter 0.22.0 into $evcxr_root (once)"
  env -u CARGO_TARGET_DIR cargo install evcxr_jupyter --version 0.22.0 --locked \
    --root "$evcxr_root" --target-dir "$evcxr_root/target"
fi

venv="$(scripts/setup-python.sh | tail -n 1)"
"$kernel" prebuild
bundle="$("$kernel" bundle-dir)/threading"

table="$(mktemp)"
evcxr_args=()
if [ -z "$only" ]; then
  evcxr_args=(--evcxr "$evcxr_root/bin/evcxr_jupyter" --bundle "$bundle")
fi
"$venv/bin/python" kernel/bench.py --threadlab "$kernel" "${evcxr_args[@]}" --markdown "$table" "$@"

# Replace the table between the markers in BENCHMARKS.md.
python3 - "$table" kernel/BENCHMARKS.md <<'PY'
import sys, pathlib
table = pathlib.Path(sys.argv[1]).read_text()
doc = pathlib.Path(sys.argv[2])
text = doc.read_text()
start, end = "<!-- bench:start -->\n", "<!-- bench:end -->"
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
doc.write_text(head + start + table + end + tail)
PY
rm -f "$table"
echo "Updated kernel/BENCHMARKS.md"
