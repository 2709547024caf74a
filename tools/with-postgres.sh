#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster, run the given command with TEST_DATABASE_URL pointing at it,
# then stop and delete the cluster. pg_ctl refuses to run as root, so as root it runs as postgres.
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
fi
PORT=${PGPORT_TEST:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')}
PGTMP=$(mktemp -d /tmp/panel-pg.XXXXXX)
as_pg() {
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
[ "$(id -u)" = "0" ] && chown postgres:postgres "$PGTMP"
cleanup() {
  as_pg "$PGBIN/pg_ctl -D $PGTMP/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap cleanup EXIT INT TERM
as_pg "$PGBIN/initdb -D $PGTMP/data -A trust -U postgres -E UTF8 --no-sync" >/dev/null
as_pg "$PGBIN/pg_ctl -D $PGTMP/data -l $PGTMP/log -w -o \"-p $PORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start" >/dev/null
export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
echo "with-postgres: throwaway cluster on 127.0.0.1:$PORT"
"$@"
