#!/usr/bin/env bash
# Quick start, command 2: the same set-up plus what the tests need, then the whole suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
# PostgreSQL 15 for the lock proofs, Neovim for the editor test, Alembic for the Python front end.
export ZEROLOCK_EXTRA_PACKAGES="postgresql-15 postgresql-client-15 neovim python3-alembic python3-psycopg2 ${ZEROLOCK_EXTRA_PACKAGES:-}"
scripts/setup.sh build
cd build
# Everything but the VS Code test runs two at a time. The VS Code test drives a browser against
# code-server with UI timeouts, so it runs alone afterwards instead of competing for the 2 cores.
status=0
ctest --output-on-failure -j2 -LE editors-vscode "$@" || status=$?
ctest --output-on-failure -L editors-vscode "$@" || status=$?
exit $status
