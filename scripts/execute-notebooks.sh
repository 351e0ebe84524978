#!/usr/bin/env bash
# Re-executes the course notebooks in place through the threadlab kernel, so their stored
# outputs come from a real, clean run. A notebook with an error (or unexpected stderr) is not
# written. Usage: scripts/execute-notebooks.sh [notebooks/NN-name.ipynb ...]
#
# The kernel comes from the installed kernelspec `threadlab`, or from THREADLAB_KERNEL (a binary)
# when set; by default the release build in CARGO_TARGET_DIR is used if it exists.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/env.sh
if [ -z "${THREADLAB_KERNEL:-}" ] && [ -x "$CARGO_TARGET_DIR/release/threadlab-kernel" ]; then
  export THREADLAB_KERNEL="$CARGO_TARGET_DIR/release/threadlab-kernel"
fi
venv="$(scripts/setup-python.sh | tail -n 1)"
exec "$venv/bin/python" tests/notebooks/execute_notebooks.py "$@"
