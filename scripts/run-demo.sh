#!/usr/bin/env bash
# Start the task worker and the web server for the demo; Ctrl-C stops both.
set -euo pipefail
HOST="${1:-127.0.0.1}"
PORT="${2:-8000}"
BIN="$(dirname "$0")/../.venv/bin"
# development mode: built-in secret key, plain HTTP, email printed by the worker
export MATCHMAKER_DEV=1
export MATCHMAKER_DEBUG="${MATCHMAKER_DEBUG:-1}"

"$BIN/matchmaker" task_worker --queue-name default >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

echo
echo "Matchmaker demo: http://$HOST:$PORT/"
"$BIN/matchmaker" load_demo | sed -n '/Demo logins/,$p'
echo "Task worker log: var/worker.log.  Stop with Ctrl-C."
echo
"$BIN/matchmaker" runserver "$HOST:$PORT" --noreload
