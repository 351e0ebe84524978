#!/usr/bin/env bash
# Creates the project venv (.venv) and installs the Python packages the tests need.
# With --lab, also JupyterLab (for scripts/start.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
venv="${THREADLAB_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.threadlab-requirements"
wanted="$(cat tests/requirements.txt)"
if [ "${1:-}" = --lab ]; then wanted="$wanted
jupyterlab>=4.2"; fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r tests/requirements.txt
  if [ "${1:-}" = --lab ]; then
    "$venv/bin/python" -m pip install --quiet "jupyterlab>=4.2"
  fi
  printf '%s' "$wanted" > "$stamp"
fi
echo "$venv"
