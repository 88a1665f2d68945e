#!/usr/bin/env bash
# Starts Debian's PostgreSQL (installing it if missing) with a database and user for the tests,
# and prints the environment the tests read. Idempotent.
set -euo pipefail
# everything but the final export line goes to stderr
exec 3>&1 1>&2
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_lsclusters -h | grep -q "^$ver main" || pg_createcluster "$ver" main >/dev/null

# The server outlives this script: it must not keep any of our descriptors open, or whoever reads
# our output (the $(...) in .ci/run, CI's own log pipe) waits for an end of file that never comes.
start_detached() (
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] && eval "exec $fd>&-"
  done
  exec "$@" </dev/null >/dev/null 2>&1
)
if pg_lsclusters -h | grep -q "^$ver main .* down "; then
  # a machine restored from a snapshot keeps the lock files of a server that no longer runs; their
  # PIDs may now belong to other processes, which makes the new server refuse to start
  rm -f /var/run/postgresql/.s.PGSQL.*.lock "/var/lib/postgresql/$ver/main/postmaster.pid"
  start_detached pg_ctlcluster "$ver" main start || true
fi

for i in $(seq 1 30); do su postgres -c "psql -qAt -c 'select 1'" >/dev/null 2>&1 && break; sleep 1; done
su postgres -c "psql -qAt -c \"select 1 from pg_roles where rolname='caravan'\"" | grep -q 1 \
  || su postgres -c "psql -q -c \"create user caravan password 'caravan'\""
su postgres -c "psql -qAt -c \"select 1 from pg_database where datname='caravan'\"" | grep -q 1 \
  || su postgres -c "createdb -O caravan caravan"
echo >&3 "export CARAVAN_TEST_PG_URL=jdbc:postgresql://127.0.0.1:5432/caravan CARAVAN_TEST_PG_USER=caravan CARAVAN_TEST_PG_PASSWORD=caravan"
