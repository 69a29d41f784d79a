#!/usr/bin/env bash
# The sanitizer build: configures BUILD_DIR (default build-asan) with clang, AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer's coverage instrumentation (ZEROLOCK_FUZZ=ON, so that
# tests/fuzz/run_all.sh can reuse it), or with gcc and ZEROLOCK_SANITIZE=ON when clang is absent,
# builds the C++ test binaries and runs their tests under the sanitizers.
#
# Runs: unit, CLI, lsp protocol + client (the client spawns the sanitized zerolock), incremental analysis, alembic,
# liquibase (incl. its corpus sweep), rewrites unit, fuzz replay, and the corpus sweeps of
# tests/corpus (sanitized zerolock over ../shared/corpus). Left out: PostgreSQL proofs
# (rewrites_pg, pg_locks: they test PostgreSQL, not our memory safety), editors, docs.
# usage: scripts/sanitize.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-asan}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
launcher=()
unity=(-DCMAKE_UNITY_BUILD="${ZEROLOCK_UNITY:-ON}" -DCMAKE_UNITY_BUILD_BATCH_SIZE=16)  # see setup.sh
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build_dir/build.ninja" ]; then
  if command -v clang++ >/dev/null; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
      -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DZEROLOCK_FUZZ=ON -DZEROLOCK_BUILD_BENCH=OFF \
      "${launcher[@]}" "${unity[@]}" >&2 || exit 1
  else
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZEROLOCK_SANITIZE=ON \
      -DZEROLOCK_BUILD_BENCH=OFF "${launcher[@]}" "${unity[@]}" >&2 || exit 1
  fi
fi
started=$(date +%s)
cmake --build "$build_dir" -j2 --target zerolock zerolock_unit_tests lsp_protocol_tests lsp_client_tests \
  zerolock_alembic_tests liquibase_tests liquibase_rewrite_tests zerolock_rewrite_tests zerolock_incremental_tests \
  fuzz_replay_tests >&2 || exit 1
built=$(date +%s)
echo "sanitize: build took $((built - started)) s" >&2
# halt_on_error: the first report fails the test; leaks are reported (LeakSanitizer) too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build_dir"
status=0
ctest --output-on-failure -j2 -E '^(rewrites_pg|pg_locks.*|lsp_nvim_e2e|editors.*|docs_up_to_date)$' -LE 'editors|editors-vscode|pg' \
  || status=$?
echo "sanitize: tests took $(($(date +%s) - built)) s" >&2
exit $status
