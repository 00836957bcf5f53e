# Sourced by scripts/run.sh and scripts/test.sh: make (or refresh) the virtualenv and activate it.
# ASL_VENV names the virtualenv folder (default .venv); ASL_REQUIREMENTS the pinned list (default requirements.txt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv="${ASL_VENV:-.venv}"
requirements="${ASL_REQUIREMENTS:-requirements.txt}"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  echo "== making the virtualenv $venv ($("$python" --version))"
  "$python" -m venv "$venv"
fi
stamp="$venv/.installed-$(basename "$requirements")"
if [ ! -f "$stamp" ] || [ -n "$(find requirements*.txt -newer "$stamp" 2>/dev/null)" ]; then
  echo "== installing $requirements into $venv (first time only)"
  quiet=()
  if [ -n "${CI:-}" ] || [ ! -t 1 ]; then quiet=(-q); fi  # a terminal sees pip's progress; logs stay short
  "$venv/bin/python" -m pip install "${quiet[@]}" --upgrade pip
  "$venv/bin/python" -m pip install "${quiet[@]}" -r "$requirements"
  touch "$stamp"
fi
# shellcheck disable=SC1091
. "$venv/bin/activate"
