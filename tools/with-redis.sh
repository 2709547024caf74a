#!/usr/bin/env bash
# Start a throwaway Redis (Debian's redis-server) on a free loopback port, with no persistence,
# run the given command with TEST_REDIS_URL pointing at it, then stop it and delete its folder.
# TEST_REDIS_URL, like with-postgres.sh's TEST_DATABASE_URL, is read by the tests that need a
# shared Redis; the other tests keep their per-process limits and hit spool.
set -euo pipefail

REDIS_SERVER=${REDIS_SERVER:-$(command -v redis-server || true)}
if [ -z "$REDIS_SERVER" ]; then
  echo "with-redis: redis-server not found (apt-get install redis-server)" >&2
  exit 1
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
REDISTMP=$(mktemp -d /tmp/panel-redis.XXXXXX)
"$REDIS_SERVER" --port "$PORT" --bind 127.0.0.1 --dir "$REDISTMP" --save "" --appendonly no \
  --logfile "$REDISTMP/log" --daemonize no &
REDIS_PID=$!
cleanup() {
  kill "$REDIS_PID" 2>/dev/null || true
  wait "$REDIS_PID" 2>/dev/null || true
  rm -rf "$REDISTMP"
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
  if python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$PORT),0.2); s.sendall(b'PING\r\n'); sys.exit(0 if s.recv(16).startswith(b'+PONG') else 1)" 2>/dev/null; then
    break
  fi
  kill -0 "$REDIS_PID" 2>/dev/null || { echo "with-redis: redis-server did not start" >&2; cat "$REDISTMP/log" >&2; exit 1; }
  sleep 0.05
done
export TEST_REDIS_URL="redis://127.0.0.1:$PORT/0"
echo "with-redis: throwaway redis-server on 127.0.0.1:$PORT"
"$@"
