// Throughput of zerolock's analysis over ../shared/corpus/sql against the physical floor: raw
// libpg_query parsing of the same bytes (pg_query_parse on each whole file). Prints MB/s of both
// and the ratio. Usage: check_throughput [CORPUS_DIR] [REPEATS]
#include <pg_query.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/analysis.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct File {
  std::string path;
  std::string text;
};

std::vector<File> load(const fs::path& root) {
  std::vector<File> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    files.push_back({e.path().string(), s.str()});
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.path < b.path; });
  return files;
}

template <typename Fn>
double median_seconds(int repeats, Fn&& fn) {
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    auto start = Clock::now();
    fn();
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path(ZEROLOCK_SOURCE_DIR) / ".." / "shared" / "corpus" / "sql";
  int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  if (!fs::exists(root)) {
    std::fprintf(stderr, "corpus not found at %s\n", root.string().c_str());
    return 77;
  }
  std::vector<File> files = load(root);
  size_t bytes = 0;
  for (const File& f : files) bytes += f.text.size();

  size_t sink = 0;
  double raw = median_seconds(repeats, [&] {
    for (const File& f : files) {
      PgQueryParseResult r = pg_query_parse(f.text.c_str());
      sink += r.error ? 1 : 0;
      pg_query_free_parse_result(r);
    }
  });
  size_t diagnostics = 0, statements = 0;
  zerolock::Config config;
  double engine = median_seconds(repeats, [&] {
    diagnostics = statements = 0;
    for (const File& f : files) {
      zerolock::StatementCache cache;  // cold: every statement parsed, as in a CI run
      zerolock::DocumentInput input;
      input.path = f.path;
      input.text = f.text;
      zerolock::Analysis a = zerolock::analyze_document(input, config, cache);
      diagnostics += a.diagnostics.size();
      statements += a.migration.statements.size();
    }
  });
  double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  std::printf("corpus: %zu files, %.2f MB, %zu statements, %zu findings\n", files.size(), mb, statements, diagnostics);
  std::printf("raw libpg_query parse: %8.1f ms  %7.2f MB/s\n", raw * 1000, mb / raw);
  std::printf("zerolock analysis:     %8.1f ms  %7.2f MB/s\n", engine * 1000, mb / engine);
  std::printf("ratio (zerolock / raw parse time): %.2fx\n", engine / raw);
  return sink == static_cast<size_t>(-1) ? 1 : 0;
}
