#!/usr/bin/env bash
# The PostgreSQL 15 proof of the rewrites (README.md): a scratch cluster, then prove.py.
#   tests/rewrites/run_proof.sh ZEROLOCK REWRITE_DRIVER [OUT_DIR] [prove.py options...]
# Exit status 77 (ctest SKIP_RETURN_CODE) only when the PostgreSQL 15 binaries are absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
zerolock=${1:?usage: run_proof.sh ZEROLOCK REWRITE_DRIVER [OUT_DIR]}
driver=${2:?usage: run_proof.sh ZEROLOCK REWRITE_DRIVER [OUT_DIR]}
out=${3:-$PWD}
shift $(($# >= 3 ? 3 : 2))
mkdir -p "$out"
source "$root/scripts/pg/psycopg2_python.sh"
python=$(psycopg2_python) || { echo "rewrites: no python3 with psycopg2 (apt-get install python3-psycopg2)" >&2; exit 1; }
exec "$root/scripts/pg/scratch_cluster.sh" -- "$python" "$here/prove.py" --zerolock "$zerolock" --driver "$driver" \
  --json "$out/rewrites_proof.json" "$@"
