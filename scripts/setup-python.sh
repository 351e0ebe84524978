#!/usr/bin/env bash
# Creates the project venv (.venv) and installs the Python packages the tests need, exactly
# as locked in tests/requirements.txt (every package pinned; scripts/lock-python.sh makes the
# lock). With --lab, tests/requirements-lab.txt instead: the same versions plus JupyterLab
# (for scripts/start.sh). Prints the venv's path on its last line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="${THREADLAB_VENV:-$here/.venv}"
lock=tests/requirements.txt
if [ "${1:-}" = --lab ]; then lock=tests/requirements-lab.txt; fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.threadlab-requirements"
# The lab lock includes the test lock, so a venv set up with --lab serves the tests as well.
if [ ! -f "$stamp" ] || { [ "$(cat "$stamp")" != "$(cat "$lock")" ] && [ "$(cat "$stamp")" != "$(cat tests/requirements-lab.txt)" ]; }; then
  "$venv/bin/python" -m pip install --quiet "$(grep '^pip==' "$lock")"
  # --no-deps: the lock lists every dependency; `pip check` proves it is complete.
  "$venv/bin/python" -m pip install --quiet --no-deps -r "$lock"
  "$venv/bin/python" -m pip check >/dev/null
  cp "$lock" "$stamp"
fi
echo "$venv"
