#include "server/lsp/analyzed_document.h"

#include <algorithm>

namespace zerolock::lsp {

int32_t AnalyzedDocument::statement_at(uint32_t offset) const {
  const auto& statements = analysis.migration.statements;
  // Statements are in document order; the last one starting at or before offset.
  auto it = std::upper_bound(statements.begin(), statements.end(), offset,
                             [](uint32_t value, const Statement& s) { return value < s.range.begin; });
  if (it == statements.begin()) return -1;
  --it;
  // Past a statement's ';' (trailing spaces, comments) still counts as that statement if on its last line.
  auto index = static_cast<int32_t>(it - statements.begin());
  if (offset <= it->range.end) return index;
  if (lines.line_of(offset) == lines.line_of(it->range.end == 0 ? 0 : it->range.end - 1)) return index;
  return -1;
}

}  // namespace zerolock::lsp
