#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config.h"
#include "engine/analysis.h"
#include "text/line_index.h"

namespace zerolock::lbtest {

inline std::filesystem::path source_dir() {
  if (const char* env = std::getenv("ZEROLOCK_SOURCE_DIR")) return env;
  return ZEROLOCK_SOURCE_DIR;
}
inline std::filesystem::path fixtures() { return source_dir() / "tests" / "fixtures"; }

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

inline StatementCache& cache() {
  static StatementCache c;
  return c;
}

inline Analysis analyze(const std::string& text, const std::string& path, const Config& config = {}) {
  DocumentInput input;
  input.path = path;
  input.text = text;
  return analyze_document(input, config, cache());
}

inline size_t count(const Analysis& a, const std::string& rule) {
  size_t n = 0;
  for (const Diagnostic& d : a.diagnostics) n += d.rule == rule;
  return n;
}

inline const Diagnostic* find(const Analysis& a, const std::string& rule) {
  for (const Diagnostic& d : a.diagnostics)
    if (d.rule == rule) return &d;
  return nullptr;
}

// "line:col" (1-based, UTF-8 bytes) of an offset.
inline std::string where(std::string_view text, uint32_t offset) {
  LineIndex lines(text);
  TextPosition p = lines.position(offset, ColumnEncoding::Utf8);
  return std::to_string(p.line + 1) + ":" + std::to_string(p.character + 1);
}

}  // namespace zerolock::lbtest
