#pragma once
// Scanner-based helpers the SQL renderer and the SQL fragment extraction share: a statement's
// tokens in document coordinates, identifier folding/quoting, and clause fragments as written.
// Never regular expressions: every position comes from pg_query_scan tokens.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/migration.h"
#include "sql/scanner.h"

namespace zerolock::fixes::sqltext {

struct Tokens {
  std::string_view doc;           // the whole document
  std::vector<sql::Token> toks;   // document offsets, comments excluded
  [[nodiscard]] bool word(size_t i, std::string_view w) const { return i < toks.size() && sql::token_is_word(doc, toks[i], w); }
  [[nodiscard]] std::string_view str(size_t i) const { return doc.substr(toks[i].begin, toks[i].end - toks[i].begin); }
  [[nodiscard]] std::string_view slice(uint32_t b, uint32_t e) const { return doc.substr(b, e - b); }
  // index of the first token starting at or after `offset`
  [[nodiscard]] size_t at(uint32_t offset) const;
  // index of the first token in [from, to) that is `w`, else npos
  [[nodiscard]] size_t find_word(size_t from, size_t to, std::string_view w) const;
};

Tokens statement_tokens(std::string_view doc, ByteRange range);

// The folded form of an identifier token as PostgreSQL sees it ("Foo" -> Foo, Foo -> foo).
std::string fold(std::string_view token_text);
// An identifier written so PostgreSQL reads it as `name` (quoted only when needed).
std::string quote_ident(std::string_view name);
// A string literal ('it''s') with standard_conforming_strings (the PostgreSQL default).
std::string quote_literal(std::string_view s);
// folded -> as written, for every identifier/keyword token of the range.
void collect_spelling(const Tokens& t, std::map<std::string, std::string>& out);
// Spells a folded name: the user's spelling when known, else quote_ident.
std::string spell(const std::map<std::string, std::string>& spelling, std::string_view folded);

// Byte range of the statement without its ';' (and without whitespace/comments before it).
ByteRange body_range(const Tokens& t, ByteRange statement);

// Clause text as written, between token indexes [from, to) at parenthesis depth 0 stopping at any of
// `stops` (keywords). Returns the byte range of the clause, or nullopt when empty.
std::optional<ByteRange> clause(const Tokens& t, size_t from, size_t to, const std::vector<std::string_view>& stops);

// Truncates a generated identifier to PostgreSQL's 63 bytes.
std::string limit_name(std::string name);

}  // namespace zerolock::fixes::sqltext
