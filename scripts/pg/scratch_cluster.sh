#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster, then stops and removes the cluster.
#
#   scripts/pg/scratch_cluster.sh [-c name=value]... -- COMMAND [ARGS...]
#
# The cluster lives in a mktemp directory, listens on no TCP address (listen_addresses=''), only on
# a unix socket inside that directory, runs with fsync/full_page_writes/synchronous_commit off and
# trust authentication for the superuser `postgres`. COMMAND runs as the calling user with
#   PGHOST (the socket directory) PGPORT PGUSER=postgres PGDATABASE=postgres
#   ZEROLOCK_PG_BIN (the server binaries) ZEROLOCK_PG_DIR (the cluster's directory)
# exported, and its exit status is the script's. `-c name=value` adds server settings.
#
# When run as root, initdb and postgres run as the `postgres` OS user through runuser (PostgreSQL
# refuses to run as root); the data directory belongs to that user, and root still reaches the
# socket. Other callers run the server as themselves.
#
# Exit status 77 (ctest SKIP_RETURN_CODE) when the PostgreSQL 15 binaries are absent; set
# ZEROLOCK_PG_BIN to use binaries elsewhere.
set -euo pipefail

pg_bin=${ZEROLOCK_PG_BIN:-/usr/lib/postgresql/15/bin}
settings=()
while (($#)); do
  case "$1" in
    -c) settings+=("$2"); shift 2 ;;
    -c*) settings+=("${1#-c}"); shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
if (($# == 0)); then
  echo "usage: $0 [-c name=value]... -- COMMAND [ARGS...]" >&2
  exit 2
fi
for tool in initdb pg_ctl postgres; do
  if [ ! -x "$pg_bin/$tool" ]; then
    echo "scratch_cluster: PostgreSQL 15 binaries not found in $pg_bin (skipping)" >&2
    exit 77
  fi
done
if ! "$pg_bin/postgres" --version | grep -q ' 15\.'; then
  echo "scratch_cluster: $pg_bin/postgres is not PostgreSQL 15: $("$pg_bin/postgres" --version)" >&2
  exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/zerolock-pg.XXXXXX")
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
  server_user=${ZEROLOCK_PG_OS_USER:-postgres}
  if ! id "$server_user" >/dev/null 2>&1; then
    echo "scratch_cluster: running as root and there is no '$server_user' OS user to run postgres" >&2
    rm -rf "$dir"
    exit 1
  fi
  chown "$server_user": "$dir"
  as_server_user=(runuser -u "$server_user" --)
fi

cleanup() {
  local status=$?
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${as_server_user[@]}" "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

{
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$dir'"
  echo "port = 5432"
  echo "fsync = off"
  echo "full_page_writes = off"
  echo "synchronous_commit = off"
  echo "shared_buffers = 64MB"
  echo "max_connections = 40"
  echo "autovacuum = off"
  echo "log_min_messages = warning"
  for s in "${settings[@]+"${settings[@]}"}"; do
    echo "${s%%=*} = '${s#*=}'"
  done
} >>"$dir/data/postgresql.conf"

"${as_server_user[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

export PGHOST="$dir" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
export ZEROLOCK_PG_BIN="$pg_bin" ZEROLOCK_PG_DIR="$dir"
set +e
"$@"
status=$?
set -e
exit "$status"
