#pragma once
// A Python tokenizer for Alembic revision files: names, numbers, strings (single, triple-quoted,
// with r/b/f/u prefixes), operators, comments, NEWLINE / INDENT / DEDENT with implicit line
// joining inside brackets and explicit joining with a backslash. Byte ranges into the source.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/source_range.h"

namespace zerolock::alembic {

enum class TokKind : uint8_t { Name, Number, String, Op, Newline, Indent, Dedent, EndMarker };

struct Token {
  TokKind kind = TokKind::Op;
  uint32_t begin = 0;
  uint32_t end = 0;
  [[nodiscard]] ByteRange range() const { return {begin, end}; }
};

struct TokenizeError {
  std::string message;
  uint32_t offset = 0;
};

struct TokenizeResult {
  std::vector<Token> tokens;        // ends with EndMarker
  std::vector<ByteRange> comments;  // each `#...` up to the line end
  std::optional<TokenizeError> error;  // the first lexical error (unterminated string, bad dedent)
};

TokenizeResult tokenize(std::string_view source);

// A string literal's value with, for each value byte, the source offset it came from, so that
// ranges inside the value (embedded SQL) map back across escape sequences and concatenation.
struct DecodedString {
  std::string value;
  std::vector<uint32_t> starts;  // source offset where value byte i's source text begins
  std::vector<uint32_t> ends;    // source offset just past it (an escape spans several bytes)
  bool bytes = false;
  bool formatted = false;  // an f-string: the value holds unevaluated {expressions}
  bool ok = true;          // false when a piece was malformed

  // The source range of value bytes [begin, end).
  [[nodiscard]] ByteRange source_range(uint32_t begin, uint32_t end) const;
};

// Appends one string token's value (prefix and quotes stripped, escapes decoded unless raw).
void append_string_literal(std::string_view source, const Token& token, DecodedString& out);

}  // namespace zerolock::alembic
