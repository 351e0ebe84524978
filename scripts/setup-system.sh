#!/usr/bin/env bash
# Debian packages the project uses when it can have them: mold (evcxr links cells with it, ~1.5x
# faster) and, with --browser, chromium (the browser tests drive JupyterLab in it; scripts/test.sh
# asks for it, scripts/start.sh does not). As non-root nothing is installed.
set -uo pipefail
want=()
command -v mold >/dev/null 2>&1 || want+=(mold)
if [ "${1:-}" = --browser ] && [ ! -x /usr/bin/chromium ]; then want+=(chromium); fi
if [ ${#want[@]} -eq 0 ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "${want[@]}" >/dev/null 2>&1 \
  || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${want[@]}" >/dev/null 2>&1; } \
  || echo "note: could not install ${want[*]} (without mold cells link more slowly; without chromium the browser tests cannot run)" >&2
exit 0
