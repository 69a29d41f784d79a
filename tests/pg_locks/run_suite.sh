#!/usr/bin/env bash
# The PostgreSQL lock proof: starts a scratch PostgreSQL 15, observes every catalogue statement
# (observe.py -> OUT_DIR/observed.json), then compares zerolock's predictions (compare.py).
#
#   tests/pg_locks/run_suite.sh ZEROLOCK_BINARY [OUT_DIR] [compare.py options...]
#
# Exit status 77 (ctest SKIP_RETURN_CODE) only when the PostgreSQL 15 binaries are absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
zerolock=${1:?usage: run_suite.sh ZEROLOCK_BINARY [OUT_DIR] [compare options]}
out=${2:-$PWD}
shift $(($# >= 2 ? 2 : 1))
mkdir -p "$out"

source "$root/scripts/pg/psycopg2_python.sh"
python=$(psycopg2_python) || { echo "pg_locks: no python3 with psycopg2 (apt-get install python3-psycopg2)" >&2; exit 1; }

"$root/scripts/pg/scratch_cluster.sh" -c synchronous_standby_names=zerolock_never -- \
  "$python" "$here/observe.py" -o "$out/observed.json"
exec "$python" "$here/compare.py" --zerolock "$zerolock" --observed "$out/observed.json" \
  --json "$out/comparison.json" "$@"
