#pragma once
// Helpers shared by unit tests: analyse a snippet with a given config and path.
#include <string>

#include "config/config.h"
#include "engine/analysis.h"

namespace zerolock::testing {

inline Analysis analyze_text(const std::string& text, const std::string& path = "migration.sql", Config config = {}) {
  static StatementCache cache;
  DocumentInput input;
  input.path = path;
  input.text = text;
  return analyze_document(input, config, cache);
}

inline size_t count_rule(const Analysis& a, const std::string& rule) {
  size_t n = 0;
  for (const Diagnostic& d : a.diagnostics) n += d.rule == rule;
  return n;
}

}  // namespace zerolock::testing
