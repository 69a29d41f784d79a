# Locates the Debian-packaged dependencies. Each has a one-line reason.
find_package(PkgConfig REQUIRED)

# libpg_query: PostgreSQL's own parser and scanner (libpg-query-dev). The package ships no
# CMake or pkg-config file, so it is found by header and library.
find_path(PG_QUERY_INCLUDE_DIR pg_query.h REQUIRED)
find_library(PG_QUERY_LIBRARY pg_query REQUIRED)
# The scanner's protobuf output needs protobuf-c's header; its runtime is inside libpg_query.
find_path(PROTOBUF_C_INCLUDE_DIR protobuf-c/protobuf-c.h REQUIRED)
add_library(pg_query::pg_query UNKNOWN IMPORTED)
set_target_properties(pg_query::pg_query PROPERTIES
  IMPORTED_LOCATION "${PG_QUERY_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${PG_QUERY_INCLUDE_DIR};${PROTOBUF_C_INCLUDE_DIR}")

find_package(nlohmann_json 3.10 REQUIRED)   # JSON-RPC, JSON output, libpg_query parse trees
find_package(spdlog REQUIRED)               # logging to stderr or a file, never stdout
find_package(Threads REQUIRED)

# toml++ (libtomlplusplus-dev): zerolock.toml. Header only, no CMake package in Debian 12.
find_path(TOMLPP_INCLUDE_DIR toml++/toml.h REQUIRED)
add_library(tomlplusplus::tomlplusplus INTERFACE IMPORTED)
set_target_properties(tomlplusplus::tomlplusplus PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${TOMLPP_INCLUDE_DIR}")

# asio standalone (libasio-dev): the language server's I/O, timers and TCP listener.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(asio::asio INTERFACE IMPORTED)
set_target_properties(asio::asio PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${ASIO_INCLUDE_DIR}"
  INTERFACE_COMPILE_DEFINITIONS "ASIO_STANDALONE;ASIO_NO_DEPRECATED")
target_link_libraries(asio::asio INTERFACE Threads::Threads)

# libpq (libpq-dev): `zerolock trace` talks to a real PostgreSQL server.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)

# jemalloc (libjemalloc-dev): the allocator of the zerolock binary and the benchmarks. Every edit
# re-analyses a document into tens of thousands of small objects (facts, findings, names); with
# glibc's malloc, free-list consolidation alone was ~15% of an edit's CPU, and jemalloc takes about
# 30% off the engine's time per edit (bench/lsp/README.md). Off under sanitizers, which bring
# their own allocator.
option(ZEROLOCK_JEMALLOC "Link the zerolock binary and the benchmarks with jemalloc" ON)
if(ZEROLOCK_SANITIZE OR ZEROLOCK_FUZZ OR CMAKE_CXX_FLAGS MATCHES "-fsanitize" OR CMAKE_CXX_FLAGS_RELWITHDEBINFO MATCHES "-fsanitize")
  set(ZEROLOCK_JEMALLOC OFF)
endif()
add_library(zerolock_allocator INTERFACE)
if(ZEROLOCK_JEMALLOC)
  find_library(JEMALLOC_LIBRARY NAMES jemalloc)
  if(NOT JEMALLOC_LIBRARY)
    message(FATAL_ERROR "jemalloc not found: apt-get install libjemalloc-dev (scripts/setup.sh does), or configure with -DZEROLOCK_JEMALLOC=OFF")
  endif()
  target_link_libraries(zerolock_allocator INTERFACE ${JEMALLOC_LIBRARY})
endif()
