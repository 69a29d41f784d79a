// In-process cost of re-analysing a large SQL document after a one-character edit, with a warm
// statement cache and incremental re-splitting: what the language server pays per keystroke
// before any JSON is written. Usage: engine_edit_bench FILE [EDITS] [--no-rule-cache]
// (--no-rule-cache: every rule runs over every statement on each edit, as before RuleResultCache).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/analysis.h"
#include "engine/rule_cache.h"
#include "sql/splitter.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: engine_edit_bench FILE [EDITS]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  int edits = argc > 2 && argv[2][0] != '-' ? std::atoi(argv[2]) : 100;
  bool use_rule_cache = true;
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "--no-rule-cache") use_rule_cache = false;
  zerolock::RuleResultCache rule_cache;
  zerolock::RuleResultCache* rules = use_rule_cache ? &rule_cache : nullptr;
  zerolock::Config config;
  zerolock::StatementCache cache;
  zerolock::sql::SplitResult split = zerolock::sql::split(text);
  zerolock::DocumentInput input;
  input.path = "big.sql";
  input.text = text;
  input.sql_split = &split;
  zerolock::Analysis first = zerolock::analyze_document(input, config, cache, rules);
  const size_t statement_count = first.migration.statements.size();
  zerolock::Analysis previous = std::move(first);
  std::vector<double> ms;
  std::vector<double> cpu_ms;  // CPU time: on a loaded machine wall time also counts waiting for a core
  size_t diagnostics = 0;
  for (int i = 0; i < edits; ++i) {
    // Append a digit inside the first statement's text and take it out again on the next edit.
    uint32_t at = split.statements[split.statements.size() / 2].begin + 7;
    zerolock::sql::TextEdit edit{at, i % 2 ? at + 1 : at, i % 2 ? 0u : 1u};
    if (i % 2) text.erase(at, 1); else text.insert(at, "x");
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    zerolock::sql::SplitReuse reuse;
    split = zerolock::sql::resplit(split, edit, text, &reuse);
    input.text = text;
    input.previous = &previous.migration;  // as the language server does (analysis_worker.cpp)
    input.sql_reuse = &reuse;
    zerolock::Analysis a = zerolock::analyze_document(input, config, cache, rules);
    cache.sweep();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    cpu_ms.push_back(1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    diagnostics = a.diagnostics.size();
    previous = std::move(a);  // freed outside the timed part, as the server frees it after publishing
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu_ms.begin(), cpu_ms.end());
  std::printf("%zu bytes, %zu statements, %zu findings: p50 %.2f ms, p99 %.2f ms per one-character edit\n", text.size(),
              split.statements.size(), diagnostics, ms[ms.size() / 2], ms[ms.size() * 99 / 100]);
  std::printf("CPU time per edit: p50 %.2f ms, p99 %.2f ms\n", cpu_ms[cpu_ms.size() / 2], cpu_ms[cpu_ms.size() * 99 / 100]);
  if (use_rule_cache)
    std::printf("rule result cache: %llu statements replayed, %llu checked\n",
                static_cast<unsigned long long>(rule_cache.hits()), static_cast<unsigned long long>(rule_cache.misses()));
  return statement_count == 0 ? 1 : 0;
}
