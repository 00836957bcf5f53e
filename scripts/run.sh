#!/usr/bin/env bash
# Set up (first time: a virtualenv with requirements.txt) and start the app on http://127.0.0.1:5000.
# Arguments go to `flask run`, e.g. `bash scripts/run.sh --port 8000`.
. "$(dirname "$0")/setup.sh"
exec flask --app webapp run "$@"
