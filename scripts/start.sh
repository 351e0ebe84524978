#!/usr/bin/env bash
# The README's main command: builds the kernel, installs it and JupyterLab into the project venv
# (.venv), prebuilds the bundled crates, and opens JupyterLab on notebooks/.
#
# Usage: scripts/start.sh [jupyter lab options...]
#   Headless (a server, a container): scripts/start.sh --no-browser --ip 0.0.0.0
#   and open the printed http://...?token=... address from your browser.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
source scripts/env.sh

scripts/setup-system.sh

echo "==> building threadlab-kernel and threadlab-grader (release, the build scripts/test.sh reuses)"
build_release
kernel="$CARGO_TARGET_DIR/release/threadlab-kernel"

echo "==> setting up the Python environment with JupyterLab"
venv="$(scripts/setup-python.sh --lab | tail -n 1)"

echo "==> installing the kernelspec into $venv"
"$kernel" install --prefix "$venv"

echo "==> compiling the bundled crates once (later sessions reuse them)"
"$kernel" prebuild

args=("$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [[ " ${args[*]-} " != *" --no-browser "* ]] && [ "$(uname)" = Linux ]; then
  echo "==> no display: running headless; open the http://...?token=... address printed below"
  args+=(--no-browser)
fi
# JupyterLab refuses to run as root without being told (containers and fresh VMs often are root).
if [ "$(id -u)" = 0 ] && [[ " ${args[*]-} " != *" --allow-root "* ]]; then
  args+=(--allow-root)
fi
exec "$venv/bin/jupyter" lab --notebook-dir "$here/notebooks" "${args[@]}"
