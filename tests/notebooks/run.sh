#!/usr/bin/env bash
# Runs the notebook tests: every course notebook executed through the real kernel (nbclient), the
# key outputs of each lesson, the committed outputs' cleanliness, and the exercises' check cells
# with the reference solutions and with wrong ones.
#
# Usage: tests/notebooks/run.sh [pytest args...]
#   Build first: source scripts/env.sh && build_release (with the same CARGO_TARGET_DIR).
#   THREADLAB_KERNEL=/path/to/threadlab-kernel overrides the binary; its kernelspec is installed
#   into a temporary prefix put first on JUPYTER_PATH (nothing of the user's set-up changes).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
source scripts/env.sh

release_kernel
kernel="$THREADLAB_KERNEL"

venv="$(scripts/setup-python.sh | tail -n 1)"

# Compile the bundled crates once, outside any cell's timeout.
"$kernel" prebuild

exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/notebooks "$@"
