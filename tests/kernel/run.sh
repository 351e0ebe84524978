#!/usr/bin/env bash
# Runs the kernel's Python tests: the jupyter_kernel_test suite, the protocol tests over real
# sockets, and notebook execution through nbclient, against the release binary.
#
# Usage: tests/kernel/run.sh [pytest args...]
#   Build first: source scripts/env.sh && build_release (with the same CARGO_TARGET_DIR).
#   THREADLAB_KERNEL=/path/to/threadlab-kernel overrides the binary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
source scripts/env.sh

release_kernel
kernel="$THREADLAB_KERNEL"

# evcxr links cells with mold when it is installed (about 1.5x faster); install it if we can.
if ! command -v mold >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get install -y -qq mold >/dev/null 2>&1 || echo "note: could not install mold; cells link more slowly" >&2
fi

venv="$(scripts/setup-python.sh | tail -n 1)"

# Compile the bundled crates once, outside any test's timeout.
"$kernel" prebuild

exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/kernel "$@"
