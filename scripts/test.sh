#!/usr/bin/env bash
# Quick start, command 2: the same set-up plus what the tests need, then the whole suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
# PostgreSQL 15 for the lock proofs, Neovim for the editor test, Alembic for the Python front end.
export ZEROLOCK_EXTRA_PACKAGES="postgresql-15 postgresql-client-15 neovim python3-alembic python3-psycopg2 clang libclang-rt-14-dev ${ZEROLOCK_EXTRA_PACKAGES:-}"
scripts/setup.sh build
cd build
# Everything but the VS Code test runs two at a time. The VS Code test drives a browser against
# code-server with UI timeouts, so it runs alone afterwards instead of competing for the 2 cores.
status=0
ctest --output-on-failure -j2 -LE editors-vscode "$@" || status=$?
ctest --output-on-failure -L editors-vscode "$@" || status=$?
cd ..
# Hardening (tests/fuzz/README.md): one clang build with ASan + UBSan + fuzzer instrumentation
# (build-asan) serves steps 1 and 2; step 3 is a ThreadSanitizer build of the server alone.
#  1. The C++ test binaries under the sanitizers (a sanitizer report fails the test).
#  2. Every libFuzzer target for ZEROLOCK_FUZZ_SECONDS (default 6) on the seed corpora; a crash
#     fails the run and leaves its reproducer in tests/fuzz/regressions/.
# ZEROLOCK_SKIP_HARDENING=1 skips all three.
if [ "${ZEROLOCK_SKIP_HARDENING:-0}" != 1 ]; then
  scripts/sanitize.sh build-asan || status=$?
  ZEROLOCK_FUZZ_BUILD_DIR=build-asan tests/fuzz/run_all.sh "${ZEROLOCK_FUZZ_SECONDS:-6}" || status=$?
  # 3. The server tests under ThreadSanitizer (io thread + analysis worker): about a minute.
  scripts/tsan.sh build-tsan || status=$?
fi
exit $status
