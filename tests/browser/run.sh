#!/usr/bin/env bash
# Runs the browser tests: a real JupyterLab (the lab venv of scripts/start.sh) driven by Debian's
# headless Chromium through Playwright, with the release kernel.
#
# Usage: tests/browser/run.sh [pytest args...]   (build first: source scripts/env.sh && build_release)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
source scripts/env.sh

release_kernel
kernel="$THREADLAB_KERNEL"
chromium="${THREADLAB_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "no Chromium at $chromium: scripts/setup-system.sh installs Debian's (as root), or set THREADLAB_CHROMIUM" >&2
  exit 1
fi

venv="$(scripts/setup-python.sh --lab | tail -n 1)"
"$kernel" prebuild
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/browser "$@"
