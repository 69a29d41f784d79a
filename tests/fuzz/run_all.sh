#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, build dir build-fuzz) and runs each for SECONDS seconds on a
# seed corpus copied to a temporary directory (tests/fixtures, tests/fuzz/seeds and, when present,
# ../shared/corpus, which is only read). A crash, timeout or out-of-memory fails the run: the
# reproducer is copied to tests/fuzz/regressions/<target>/ (replayed by ctest fuzz_replay.*) and
# the sanitizer report is printed.
#
# usage: tests/fuzz/run_all.sh SECONDS [TARGET...]
#   ZEROLOCK_FUZZ_BUILD_DIR  build directory (default build-fuzz)
#   ZEROLOCK_FUZZ_JOBS       build parallelism (default 2)
# exit: 0 no crash, 1 a target crashed, 77 clang or its fuzzer runtime is missing.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: run_all.sh SECONDS [TARGET...]}
shift
build_dir=${ZEROLOCK_FUZZ_BUILD_DIR:-build-fuzz}
targets=("$@")
((${#targets[@]})) || targets=(framing server_dispatch sql alembic liquibase_xml liquibase_yaml liquibase_json liquibase_sql text_sync rewrite)

if ! command -v clang++ >/dev/null; then
  echo "run_all.sh: clang++ not found (apt-get install clang): skipped" >&2
  exit 77
fi
runtime=$(clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)
if [ ! -f "$runtime" ] && ! ls "$(dirname "$(clang++ -print-libgcc-file-name --rtlib=compiler-rt 2>/dev/null)")"/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
  echo "run_all.sh: libFuzzer runtime not found (apt-get install libclang-rt-14-dev): skipped" >&2
  exit 77
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DZEROLOCK_FUZZ=ON -DZEROLOCK_BUILD_BENCH=OFF \
    "${launcher[@]}" >&2 || exit 1
fi
build_started=$(date +%s)
fuzz_bins=()
for t in "${targets[@]}"; do fuzz_bins+=("fuzz_$t"); done
cmake --build "$build_dir" -j"${ZEROLOCK_FUZZ_JOBS:-2}" --target "${fuzz_bins[@]}" >&2 || exit 1
echo "fuzz: build took $(($(date +%s) - build_started)) s" >&2

work=$(mktemp -d /tmp/zerolock-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
corpus=../shared/corpus

# seeds TARGET DIR: fills DIR with the target's seeds (small files only: libFuzzer's time goes to
# mutation, not to loading megabytes).
seeds() {
  local target=$1 dir=$2
  mkdir -p "$dir"
  local sources=() pattern=()
  case $target in
    framing|server_dispatch|text_sync) sources=(tests/fuzz/seeds/"$target") ;;
    sql|rewrite) sources=(tests/fixtures/rules tests/fixtures/flyway tests/fixtures/rewrites "$corpus/sql"); pattern=(-name '*.sql') ;;
    alembic) sources=(tests/fixtures/alembic "$corpus/alembic"); pattern=(-name '*.py') ;;
    liquibase_xml) sources=(tests/fixtures/liquibase "$corpus/liquibase"); pattern=(-name '*.xml') ;;
    liquibase_yaml) sources=(tests/fixtures/liquibase "$corpus/liquibase"); pattern=(-name '*.yaml' -o -name '*.yml') ;;
    liquibase_json) sources=(tests/fixtures/liquibase "$corpus/liquibase"); pattern=(-name '*.json') ;;
    liquibase_sql) sources=(tests/fixtures/liquibase "$corpus/liquibase" "$corpus/sql"); pattern=(-name '*.sql') ;;
  esac
  [ -d "tests/fuzz/regressions/$target" ] && sources+=("tests/fuzz/regressions/$target")
  local existing=()
  for s in "${sources[@]}"; do [ -d "$s" ] && existing+=("$s"); done
  ((${#existing[@]})) || return 0
  local n=0
  while IFS= read -r -d '' f; do
    if [ "$target" = liquibase_sql ] && ! head -c 512 "$f" | grep -qi 'liquibase formatted sql'; then continue; fi
    cp "$f" "$dir/seed_$n" 2>/dev/null && n=$((n + 1))
    [ "$n" -ge 400 ] && break
  done < <(find "${existing[@]}" -type f -size -32k \( "${pattern[@]:--true}" \) ! -name README.md -print0 2>/dev/null | sort -z)
}

# Third-party leaks only (see the file); our own stay reported.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
summary=()
for t in "${targets[@]}"; do
  dir="$work/$t"
  seeds "$t" "$dir/corpus"
  mkdir -p "$dir/artifacts"
  max_len=4096
  case $t in rewrite|server_dispatch) max_len=2048 ;; esac
  started=$(date +%s)
  "$build_dir/fuzz/fuzz_$t" "$dir/corpus" -max_total_time="$seconds" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/artifacts/" -print_final_stats=1 >"$dir/log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | grep -o '[0-9]*$')
  if [ $rc -ne 0 ] || compgen -G "$dir/artifacts/*" >/dev/null; then
    status=1
    mkdir -p "tests/fuzz/regressions/$t"
    for a in "$dir"/artifacts/*; do
      [ -f "$a" ] || continue
      name="$(basename "$a")"
      cp "$a" "tests/fuzz/regressions/$t/$name"
      echo "fuzz: $t: $name saved as tests/fuzz/regressions/$t/$name" >&2
    done
    echo "---- fuzz_$t failed (exit $rc); report:" >&2
    grep -v '^#\|^INFO\|^Done\|^stat::' "$dir/log" | grep -A60 -m1 'ERROR\|fuzz invariant\|deadly signal\|timeout\|out-of-memory' >&2
    summary+=("$t: FAILED after $(($(date +%s) - started)) s (${execs:-?} runs)")
  else
    summary+=("$t: ok, ${execs:-?} runs in $(($(date +%s) - started)) s, $(find "$dir/corpus" -type f | wc -l) corpus files")
  fi
done
printf 'fuzz: %s\n' "${summary[@]}"
exit $status
