#!/usr/bin/env bash
# Starts what the PostgreSQL and S3 tests need on loopback, installing it when missing, and prints the
# environment the tests read (eval "$(scripts/start-services.sh)"):
#   CHATLEDGER_TEST_POSTGRES_URL  a throwaway PostgreSQL cluster under /tmp (port 5433), superuser postgres
#   CHATLEDGER_TEST_S3_ENDPOINT   moto's S3 server (port 5434), any credentials
# Progress goes to stderr so stdout stays evaluable.
set -euo pipefail
PG_PORT="${CHATLEDGER_PG_PORT:-5433}"
S3_PORT="${CHATLEDGER_S3_PORT:-5434}"
DATA=/tmp/chatledger-pgdata
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bindir)" ] || [ ! -x "$(pg_bindir)/initdb" ]; then
  echo "installing: postgresql" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
python3 -c "import moto.server, flask_cors" 2>/dev/null || python3 -m pip install --quiet "moto[server]" >&2

PGBIN=$(pg_bindir)
answers() { python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" >/dev/null 2>&1; }
# postgres refuses to run as root: the cluster belongs to the postgres user (or to the caller when not root).
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); OWNER=postgres; else AS_PG=(); OWNER=$(id -un); fi
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  rm -rf "$DATA" && install -d -o "$OWNER" -m 700 "$DATA"
  echo pw > /tmp/chatledger-pgpass && chown "$OWNER" /tmp/chatledger-pgpass
  "${AS_PG[@]}" "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
      --auth-host=scram-sha-256 --pwfile=/tmp/chatledger-pgpass >/dev/null
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c max_connections=200" start >&2
fi

if ! answers "http://127.0.0.1:$S3_PORT/"; then
  nohup python3 -m moto.server -H 127.0.0.1 -p "$S3_PORT" >/tmp/chatledger-moto.log 2>&1 &
  for _ in $(seq 1 100); do answers "http://127.0.0.1:$S3_PORT/" && break; sleep 0.2; done
fi

echo "export CHATLEDGER_TEST_POSTGRES_URL='postgres://postgres:pw@127.0.0.1:$PG_PORT/postgres?sslmode=disable'"
echo "export CHATLEDGER_TEST_S3_ENDPOINT='http://127.0.0.1:$S3_PORT'"
