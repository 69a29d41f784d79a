#!/usr/bin/env bash
# ThreadSanitizer run of the language server: the server has an io thread (asio) and an analysis
# worker thread (server/lsp/analysis_worker.h). Builds BUILD_DIR (default build-tsan) with clang and
# -fsanitize=thread, then runs the protocol tests and the real-client LSP tests (which spawn the
# instrumented `zerolock lsp`). A data race report fails the test (halt_on_error, exitcode 66).
# usage: scripts/tsan.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-tsan}
command -v clang++ >/dev/null || { echo "tsan: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -fsanitize=thread" \
    "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -fsanitize=thread" \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DZEROLOCK_BUILD_BENCH=OFF \
    -DCMAKE_UNITY_BUILD="${ZEROLOCK_UNITY:-ON}" -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 "${launcher[@]}" >&2 || exit 1
fi
started=$(date +%s)
cmake --build "$build_dir" -j2 --target zerolock lsp_protocol_tests lsp_client_tests >&2 || exit 1
built=$(date +%s)
echo "tsan: build took $((built - started)) s" >&2
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:exitcode=66:second_deadlock_stack=1}
cd "$build_dir"
status=0
ctest --output-on-failure -j2 -R '^(Lsp|Framing|JsonRpc|Endpoint|Protocol)' || status=$?
echo "tsan: tests took $(($(date +%s) - built)) s" >&2
exit $status
