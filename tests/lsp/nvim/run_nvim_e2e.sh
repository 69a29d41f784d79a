#!/bin/sh
# usage: run_nvim_e2e.sh ZEROLOCK_BINARY — headless Neovim applies zerolock's suppression quick
# fix to a migration and writes it; the written file must carry the suppression comment.
# Exit 77 (ctest: skipped) when nvim is not installed.
set -eu
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v nvim >/dev/null 2>&1 || { echo "nvim not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'CREATE INDEX ix ON users (email);\n' > "$work/V1__index.sql"
ZEROLOCK_BIN=$bin ZEROLOCK_FILE=$work/V1__index.sql \
  nvim --headless --clean -u "$here/init.lua" </dev/null
expected='-- zerolock-disable-next-line require-concurrent-index-creation
CREATE INDEX ix ON users (email);'
actual=$(cat "$work/V1__index.sql")
if [ "$actual" != "$expected" ]; then
  echo "written file differs:"; echo "$actual"; exit 1
fi
echo "nvim e2e: ok"
