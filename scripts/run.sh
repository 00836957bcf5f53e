#!/usr/bin/env bash
# Set up the serving install (first time: .venv-serve with requirements-serve.txt, about 220 MB, no
# TensorFlow) and serve the app on http://127.0.0.1:5000 with Flask's development server.
# Arguments go to `flask run`, e.g. `bash scripts/run.sh --port 8000`. The full install (training,
# tests) is scripts/test.sh's .venv.
export ASL_VENV="${ASL_VENV:-.venv-serve}" ASL_REQUIREMENTS="${ASL_REQUIREMENTS:-requirements-serve.txt}"
. "$(dirname "$0")/setup.sh"
echo "== serving on http://127.0.0.1:${FLASK_RUN_PORT:-5000} (Ctrl+C stops it)"
exec flask --app webapp run "$@"
