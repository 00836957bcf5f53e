#!/usr/bin/env bash
# Run every test from any shell: set up the virtualenv (as scripts/run.sh does), install Debian's
# chromium and nginx for the browser and reverse-proxy tests when missing (as root, or with sudo),
# lint, then pytest. Arguments go to pytest, e.g. `bash scripts/test.sh tests/test_api.py`.
. "$(dirname "$0")/setup.sh"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "The browser and reverse-proxy tests need Debian's ${missing[*]}: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "== installing Debian's ${missing[*]} for the browser and reverse-proxy tests"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "== lint"
ruff check .
echo "== tests"
exec python -m pytest -q "$@"
