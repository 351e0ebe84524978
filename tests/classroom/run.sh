#!/usr/bin/env bash
# Runs the classroom tests: a real nbgrader cycle on the course template (classroom/nbgrader/)
# through the real kernel.
#
# Usage: tests/classroom/run.sh [pytest args...]
#   Build first: source scripts/env.sh && build_release (with the same CARGO_TARGET_DIR).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
source scripts/env.sh

release_kernel
kernel="$THREADLAB_KERNEL"

venv="$(scripts/setup-python.sh | tail -n 1)"
"$kernel" prebuild
# nbgrader's subprocesses find the kernelspec the tests install through JUPYTER_PATH, and
# nbgrader itself through the venv.
export PATH="$venv/bin:$PATH"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/classroom "$@"
