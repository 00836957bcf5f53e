#!/usr/bin/env bash
# Run every test from any shell: set up the virtualenv (the full install), install Debian's chromium,
# nginx and postgresql for the browser, reverse-proxy and database tests when missing (as root, or with sudo),
# lint, then pytest. Arguments go to pytest, e.g. `bash scripts/test.sh tests/test_api.py`.
. "$(dirname "$0")/setup.sh"
missing=()
if [ "${ASL_SKIP_BROWSER_TESTS:-}" != 1 ]; then command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core); fi
if [ "${ASL_SKIP_NGINX_TESTS:-}" != 1 ]; then command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx); fi
if [ "${ASL_SKIP_POSTGRES_TESTS:-}" != 1 ]; then compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "The browser and reverse-proxy tests need Debian's ${missing[*]}: apt-get install ${missing[*]}" >&2
    echo "(or skip them on purpose: ASL_SKIP_BROWSER_TESTS=1, ASL_SKIP_NGINX_TESTS=1, ASL_SKIP_POSTGRES_TESTS=1)" >&2
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
