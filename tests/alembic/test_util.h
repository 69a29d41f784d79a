#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include "alembic/alembic_front_end.h"
#include "text/line_index.h"

namespace zerolock::alembic::testing {

inline std::string source_dir() {
  const char* env = std::getenv("ZEROLOCK_SOURCE_DIR");
  return env ? env : ZEROLOCK_SOURCE_DIR;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string position(const LineIndex& lines, uint32_t offset) {
  TextPosition p = lines.position(offset, ColumnEncoding::Utf8);
  return std::to_string(p.line + 1) + ":" + std::to_string(p.character + 1);
}

}  // namespace zerolock::alembic::testing
