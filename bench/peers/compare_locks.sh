#!/usr/bin/env bash
# Lock accuracy of squawk, pgfence and zerolock on the tests/pg_locks catalogue, judged against what
# a real PostgreSQL 15 did (bench/peers/README.md defines the questions and "correct").
#
#   bench/peers/compare_locks.sh [ZEROLOCK_BINARY] [OUT_DIR]
#
# Installs squawk-cli and @flvmnt/pgfence with npm into $ZEROLOCK_PEERS_CACHE (default
# ~/.cache/zerolock-peers, never inside the repository) when missing; versions from
# SQUAWK_VERSION / PGFENCE_VERSION (default: the pinned ones below; `latest` asks the registry).
# The PostgreSQL observation (tests/pg_locks/observe.py on a scratch cluster, ~40 s) is cached in
# that folder under a hash of the catalogue, the fixture and observe.py; pass
# ZEROLOCK_PEERS_OBSERVED=FILE to use an existing observed.json (e.g. the pg_locks ctest's).
# Writes OUT_DIR/peers.json (every verdict) and OUT_DIR/peers.md (the tables, markdown).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
zerolock=${1:-$root/build/zerolock}
out=${2:-$PWD}
cache=${ZEROLOCK_PEERS_CACHE:-$HOME/.cache/zerolock-peers}
squawk_version=${SQUAWK_VERSION:-2.66.0}
pgfence_version=${PGFENCE_VERSION:-0.1.5}
mkdir -p "$out" "$cache"

if [ ! -x "$zerolock" ]; then
  echo "compare_locks: no zerolock binary at $zerolock (build it: cmake --build build --target zerolock)" >&2
  exit 1
fi
source "$root/scripts/pg/psycopg2_python.sh"
python=$(psycopg2_python) || { echo "compare_locks: no python3 with psycopg2 (apt-get install python3-psycopg2)" >&2; exit 1; }
command -v npm >/dev/null || { echo "compare_locks: npm is needed to install the peers (apt-get install npm)" >&2; exit 1; }

# --- the peers, installed into the cache folder -----------------------------------------------
installed_version() {  # package -> version installed in the cache, or nothing
  local pj="$cache/node_modules/$1/package.json"
  [ -f "$pj" ] && node -e "process.stdout.write(require(process.argv[1]).version)" "$pj" || true
}
ensure() {  # package wanted-version
  local package=$1 wanted=$2 latest have
  latest=$(npm view "$package" version 2>/dev/null || true)
  [ -n "$latest" ] || { echo "compare_locks: npm view $package failed (no registry access?)" >&2; exit 1; }
  [ "$wanted" = latest ] && wanted=$latest
  have=$(installed_version "$package")
  if [ "$have" != "$wanted" ]; then
    echo "compare_locks: installing $package@$wanted (registry latest: $latest) into $cache" >&2
    [ -f "$cache/package.json" ] || echo '{"private": true}' > "$cache/package.json"
    (cd "$cache" && npm install --no-audit --no-fund --silent "$package@$wanted" >&2)
  elif [ "$wanted" != "$latest" ]; then
    echo "compare_locks: $package $have (registry latest: $latest; SQUAWK_VERSION/PGFENCE_VERSION=latest to compare it)" >&2
  fi
}
ensure squawk-cli "$squawk_version"
ensure @flvmnt/pgfence "$pgfence_version"

# --- the PostgreSQL observation ----------------------------------------------------------------
observed=${ZEROLOCK_PEERS_OBSERVED:-}
if [ -z "$observed" ]; then
  key=$(cat "$root/tests/pg_locks/catalogue.sql" "$root/tests/pg_locks/fixture.sql" "$root/tests/pg_locks/observe.py" \
        | sha256sum | cut -c1-16)
  observed=$cache/observed-$key.json
  if [ ! -s "$observed" ]; then
    echo "compare_locks: observing the catalogue on a scratch PostgreSQL 15 -> $observed" >&2
    "$root/scripts/pg/scratch_cluster.sh" -c synchronous_standby_names=zerolock_never -- \
      "$python" "$root/tests/pg_locks/observe.py" -o "$observed.tmp"
    mv "$observed.tmp" "$observed"
  fi
fi

exec "$python" "$here/compare_locks.py" --observed "$observed" --zerolock "$zerolock" \
  --squawk "$cache/node_modules/.bin/squawk" --pgfence "$cache/node_modules/.bin/pgfence" \
  --json "$out/peers.json" --markdown "$out/peers.md"
