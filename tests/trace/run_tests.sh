#!/usr/bin/env bash
# The `zerolock trace` test: real PostgreSQL 15 only (no mocks).
#
#   tests/trace/run_tests.sh ZEROLOCK_BINARY
#
# Starts a throwaway cluster with scripts/pg/scratch_cluster.sh for the --database-url cases;
# the --scratch cases start their own through `zerolock trace --scratch`. Every temporary file
# lives under a private TMPDIR removed at the end. Exit status 77 (ctest SKIP_RETURN_CODE) only
# when the PostgreSQL 15 server binaries are absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
zerolock=${1:?usage: run_tests.sh ZEROLOCK_BINARY}
pg_bin=${ZEROLOCK_PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in initdb pg_ctl postgres psql pg_dump; do
  if [ ! -x "$pg_bin/$tool" ]; then
    echo "trace: PostgreSQL 15 binaries not found in $pg_bin (skipping)" >&2
    exit 77
  fi
done
if ! "$pg_bin/postgres" --version | grep -q ' 15\.'; then
  echo "trace: $pg_bin/postgres is not PostgreSQL 15 (skipping)" >&2
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zl-trace-test.XXXXXX")
chmod 755 "$tmp"  # the scratch clusters' server runs as `postgres` when the test runs as root
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp ZEROLOCK_PG_BIN=$pg_bin
"$root/scripts/pg/scratch_cluster.sh" -- /usr/bin/python3 "$here/check_trace.py" "$zerolock"
