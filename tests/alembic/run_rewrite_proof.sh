#!/usr/bin/env bash
# The PostgreSQL 15 + Alembic proof of the Alembic rewrites (README.md): a scratch cluster, then
# prove_rewrites.py with /usr/bin/python3 (Debian's python3-alembic and python3-psycopg2 install for it).
#   tests/alembic/run_rewrite_proof.sh ZEROLOCK [OUT_DIR]
# Exit status 77 (ctest SKIP_RETURN_CODE) only when PostgreSQL 15 or python3-alembic / psycopg2 is absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
zerolock=${1:?usage: run_rewrite_proof.sh ZEROLOCK [OUT_DIR]}
out=${2:-$PWD}
mkdir -p "$out"
python=${ZEROLOCK_ALEMBIC_PYTHON:-/usr/bin/python3}
if ! "$python" -c 'import alembic, psycopg2' >/dev/null 2>&1; then
  echo "alembic rewrites: $python has no alembic or psycopg2 (apt-get install python3-alembic python3-psycopg2); skipping" >&2
  exit 77
fi
export ZEROLOCK_ALEMBIC_PYTHON=$python
exec "$root/scripts/pg/scratch_cluster.sh" -- "$python" "$here/prove_rewrites.py" --zerolock "$zerolock" \
  --json "$out/alembic_rewrites_proof.json"
