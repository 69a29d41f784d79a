#!/usr/bin/env bash
# Runs the headless Neovim test of editors/nvim for one fixture; exits 77 (skipped) without nvim.
# Usage: tests/editors/nvim/run.sh ZEROLOCK_BINARY sql|alembic|liquibase
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../../.." && pwd)
if ! command -v nvim >/dev/null 2>&1; then
  echo "SKIP: nvim is not installed (apt-get install neovim)" >&2
  exit 77
fi
export ZEROLOCK_BINARY=$1 ZEROLOCK_FIXTURE=$2 ZEROLOCK_SOURCE_DIR=$source_dir
# A private XDG state so the test reads no user configuration and writes its LSP log aside.
xdg=$(mktemp -d)
trap 'rm -rf "$xdg"' EXIT
export XDG_CONFIG_HOME=$xdg/config XDG_DATA_HOME=$xdg/data XDG_STATE_HOME=$xdg/state XDG_CACHE_HOME=$xdg/cache
exec timeout 300 nvim --headless --clean -u "$here/init.lua"
