#!/usr/bin/env bash
# Serve the demo: web server, Celery worker and beat on the embedded file-system broker.
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping Kinum Recover..."
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A kinum worker --loglevel=INFO --pool=threads --concurrency=2 & pids+=($!)
.venv/bin/celery -A kinum beat --loglevel=INFO & pids+=($!)
$PY manage.py runserver 127.0.0.1:8000 & pids+=($!)

echo
echo "Kinum Recover is starting at http://127.0.0.1:8000  (Ctrl-C stops the web server, worker and beat)"
wait -n "${pids[@]}"
