#pragma once
// PostgreSQL's own lexer (libpg_query's pg_query_scan): tokens with byte offsets, comments
// included. Used to split statements, find suppression comments, and locate keywords inside a
// statement for precise ranges and fixes; SQL is never matched with regular expressions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zerolock::sql {

enum class TokenClass : uint8_t { Keyword, Identifier, String, Number, Operator, Punct, LineComment, BlockComment, Other };

struct Token {
  uint32_t begin = 0;   // byte offsets relative to the scanned text
  uint32_t end = 0;
  int32_t kind = 0;     // libpg_query token number (';' is 59, '(' 40 ...)
  TokenClass cls = TokenClass::Other;
  [[nodiscard]] bool is_comment() const { return cls == TokenClass::LineComment || cls == TokenClass::BlockComment; }
  [[nodiscard]] bool is_char(char c) const { return kind == static_cast<unsigned char>(c); }
};

struct ScanError {
  std::string message;  // "unterminated quoted string"
  uint32_t offset = 0;  // byte offset relative to the scanned text
};

struct ScanResult {
  std::vector<Token> tokens;
  std::optional<ScanError> error;  // tokens then hold what precedes the error
};

ScanResult scan(std::string_view text);

// True when `token`'s text equals `word` case-insensitively (for keywords and identifiers).
bool token_is_word(std::string_view text, const Token& token, std::string_view word);

// Converts a 1-based character position (PostgreSQL's cursorpos) to a byte offset.
uint32_t char_position_to_byte(std::string_view text, int cursorpos);

}  // namespace zerolock::sql
