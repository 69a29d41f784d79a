#pragma once
// Splits SQL text into statements at top-level semicolons of the token stream (the way psql
// and libpg_query's scanner split do), keeping exact byte ranges. The incremental form re-scans
// only around an edit and re-synchronises with the old boundaries after it.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sql/scanner.h"
#include "text/source_range.h"

namespace zerolock::sql {

struct SplitResult {
  std::vector<ByteRange> statements;    // first token .. ';' inclusive (or last token at EOF)
  std::vector<ByteRange> comments;      // every comment, for suppressions
  std::optional<ScanError> error;       // a lexical error; its statement runs to the end of text
};

SplitResult split(std::string_view text);

struct TextEdit {
  uint32_t begin = 0;        // old-text byte range replaced
  uint32_t end = 0;
  uint32_t new_length = 0;   // bytes inserted in its place
};

// Which statements of a re-split kept their text: the first `head` and the last `tail` statements
// of the new split are, byte for byte, the first `head` / last `tail` of the old one (the tail
// shifted by the edit). `old_count` is the old split's size. A caller holding the old split's parse
// reuses those parses by position instead of looking each statement's text up again.
struct SplitReuse {
  size_t head = 0;
  size_t tail = 0;
  size_t old_count = 0;
};

// Given the statement and comment ranges of the old text, an edit, and the new text, returns the
// ranges of the new text. Only statements touching the edit are re-scanned. `reuse`, when given,
// receives which statements kept their text.
SplitResult resplit(const SplitResult& old_split, const TextEdit& edit, std::string_view new_text,
                    SplitReuse* reuse = nullptr);

}  // namespace zerolock::sql
