#include "sql/scanner.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cctype>
#include <string>

namespace zerolock::sql {
namespace {

TokenClass classify(const PgQuery__ScanToken& token) {
  switch (token.token) {
    case PG_QUERY__TOKEN__SQL_COMMENT: return TokenClass::LineComment;
    case PG_QUERY__TOKEN__C_COMMENT: return TokenClass::BlockComment;
    case PG_QUERY__TOKEN__SCONST:
    case PG_QUERY__TOKEN__USCONST:
    case PG_QUERY__TOKEN__BCONST:
    case PG_QUERY__TOKEN__XCONST: return TokenClass::String;
    case PG_QUERY__TOKEN__ICONST:
    case PG_QUERY__TOKEN__FCONST: return TokenClass::Number;
    case PG_QUERY__TOKEN__IDENT:
    case PG_QUERY__TOKEN__UIDENT: return TokenClass::Identifier;
    case PG_QUERY__TOKEN__Op: return TokenClass::Operator;
    default: break;
  }
  if (token.keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD) return TokenClass::Keyword;
  if (token.token < 256) return TokenClass::Punct;
  return TokenClass::Other;
}

// Text handed to libpg_query must be NUL-terminated and must not contain NUL itself; a NUL in the
// middle ends the scan there, which the caller reports as an error.
}  // namespace

ScanResult scan(std::string_view text) {
  ScanResult result;
  std::string input(text);
  auto nul = input.find('\0');
  if (nul != std::string::npos) input.resize(nul);

  PgQueryScanResult raw = pg_query_scan(input.c_str());
  if (raw.error) {
    result.error = ScanError{raw.error->message ? raw.error->message : "syntax error",
                             char_position_to_byte(input, raw.error->cursorpos)};
    pg_query_free_scan_result(raw);
    // Recover the tokens before the error by scanning the prefix; its own tokens are still valid.
    if (result.error->offset > 0 && result.error->offset < input.size()) {
      ScanResult prefix = scan(std::string_view(input).substr(0, result.error->offset));
      if (!prefix.error) result.tokens = std::move(prefix.tokens);
    }
    return result;
  }
  PgQuery__ScanResult* unpacked =
      pg_query__scan_result__unpack(nullptr, raw.pbuf.len, reinterpret_cast<const uint8_t*>(raw.pbuf.data));
  if (unpacked) {
    result.tokens.reserve(unpacked->n_tokens);
    for (size_t i = 0; i < unpacked->n_tokens; ++i) {
      const PgQuery__ScanToken* t = unpacked->tokens[i];
      result.tokens.push_back(Token{static_cast<uint32_t>(t->start), static_cast<uint32_t>(t->end), t->token,
                                    classify(*t)});
    }
    pg_query__scan_result__free_unpacked(unpacked, nullptr);
  }
  pg_query_free_scan_result(raw);
  if (nul != std::string::npos) result.error = ScanError{"NUL byte in SQL text", static_cast<uint32_t>(nul)};
  return result;
}

bool token_is_word(std::string_view text, const Token& token, std::string_view word) {
  if (token.end - token.begin != word.size() || token.end > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[token.begin + i])) !=
        std::tolower(static_cast<unsigned char>(word[i])))
      return false;
  }
  return true;
}

uint32_t char_position_to_byte(std::string_view text, int cursorpos) {
  if (cursorpos <= 1) return 0;
  uint32_t chars = 0;
  for (uint32_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == static_cast<uint32_t>(cursorpos - 1)) return i;
      ++chars;
    }
  }
  return static_cast<uint32_t>(text.size());
}

}  // namespace zerolock::sql
