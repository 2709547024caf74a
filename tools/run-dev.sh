#!/usr/bin/env bash
# Development: the web server and the single scheduler process together; Ctrl-C stops both.
set -euo pipefail
FLASK=".venv/bin/flask --app wsgi"
$FLASK scheduler &
SCHEDULER=$!
trap 'kill $SCHEDULER 2>/dev/null || true' EXIT INT TERM
echo "Citizens' panel: http://127.0.0.1:5000  (staff sign in: http://127.0.0.1:5000/staff/sign-in)"
$FLASK run --host 127.0.0.1 --port 5000
