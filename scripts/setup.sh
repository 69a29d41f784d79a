#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages only, skipped when present), then configures and builds.
# Usage: scripts/setup.sh [build-dir]   (ZEROLOCK_EXTRA_PACKAGES adds packages, e.g. for tests)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libpg-query-dev libprotobuf-c-dev nlohmann-json3-dev libasio-dev libspdlog-dev libtomlplusplus-dev
  libgtest-dev libbenchmark-dev
  libpugixml-dev libyaml-cpp-dev
  libpq-dev libjemalloc-dev
)
# shellcheck disable=SC2206
packages+=(${ZEROLOCK_EXTRA_PACKAGES:-})

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# ccache: the suite builds the code twice (plain and sanitized); rebuilds of an unchanged tree, in
# any clone (paths are made relative to the clone), come from the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# Unity build (16 sources a unit): the headers (nlohmann/json, spdlog, gtest) are parsed once a batch
# instead of once a file, which more than halves a cold build on 2 cores. ZEROLOCK_UNITY=OFF for
# file-by-file builds while editing.
unity=(-DCMAKE_UNITY_BUILD="${ZEROLOCK_UNITY:-ON}" -DCMAKE_UNITY_BUILD_BATCH_SIZE=16)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${ZEROLOCK_BUILD_TYPE:-RelWithDebInfo}" "${launcher[@]}" "${unity[@]}" ${ZEROLOCK_CMAKE_ARGS:-} >&2
fi
cmake --build "$build_dir" -j2 >&2
