#!/usr/bin/env bash
# The real-Liquibase proof of the Liquibase rewrites (tests/liquibase/README.md):
#   tests/liquibase/run_liquibase_proof.sh ZEROLOCK
# Installs the npm package node-liquibase (Liquibase 4.3.3 + the PostgreSQL JDBC driver) into
# ${ZEROLOCK_LIQUIBASE_CACHE:-~/.cache/zerolock-liquibase} when it is not there yet, starts a
# scratch PostgreSQL 15 listening on 127.0.0.1 at a free port, and runs prove_liquibase.py.
# Exit status 77 (ctest SKIP_RETURN_CODE) only when java, npm or PostgreSQL 15 is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
zerolock=${1:?usage: run_liquibase_proof.sh ZEROLOCK}
pg_bin=${ZEROLOCK_PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in java npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "liquibase proof: $tool is not installed (skipping)" >&2
    exit 77
  fi
done
if [ ! -x "$pg_bin/postgres" ]; then
  echo "liquibase proof: PostgreSQL 15 binaries not found in $pg_bin (skipping)" >&2
  exit 77
fi
source "$root/scripts/pg/psycopg2_python.sh"
python=$(psycopg2_python) || { echo "liquibase proof: no python3 with psycopg2 (apt-get install python3-psycopg2)" >&2; exit 1; }

cache=${ZEROLOCK_LIQUIBASE_CACHE:-$HOME/.cache/zerolock-liquibase}
dist=$cache/node_modules/node-liquibase/dist
if [ ! -f "$dist/liquibase/liquibase.jar" ]; then
  mkdir -p "$cache"
  echo "liquibase proof: installing node-liquibase 4.3.3 into $cache" >&2
  (cd "$cache" && npm install --no-audit --no-fund --no-save --prefix "$cache" node-liquibase@4.3.3 >&2) || {
    echo "liquibase proof: npm install node-liquibase failed" >&2
    exit 1
  }
fi
driver=$(ls "$dist"/drivers/postgresql-*.jar 2>/dev/null | head -n1)
if [ ! -f "$dist/liquibase/liquibase.jar" ] || [ -z "$driver" ]; then
  echo "liquibase proof: node-liquibase has no liquibase.jar or PostgreSQL driver under $dist" >&2
  exit 1
fi
classpath="$dist/liquibase/liquibase.jar:$dist/liquibase/lib/*:$driver"

# A free TCP port on 127.0.0.1 (the kernel picks it; the cluster binds it right after).
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
exec "$root/scripts/pg/scratch_cluster.sh" -c listen_addresses=127.0.0.1 -c port="$port" -- \
  env PGPORT="$port" "$python" "$here/prove_liquibase.py" --zerolock "$zerolock" --classpath "$classpath" "${@:2}"
