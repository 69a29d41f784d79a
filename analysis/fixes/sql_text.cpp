#include "fixes/sql_text.h"

#include <cctype>

namespace zerolock::fixes::sqltext {

size_t Tokens::at(uint32_t offset) const {
  size_t i = 0;
  while (i < toks.size() && toks[i].begin < offset) ++i;
  return i;
}

size_t Tokens::find_word(size_t from, size_t to, std::string_view w) const {
  for (size_t i = from; i < to && i < toks.size(); ++i)
    if (word(i, w)) return i;
  return std::string_view::npos;
}

Tokens statement_tokens(std::string_view doc, ByteRange range) {
  Tokens t;
  t.doc = doc;
  sql::ScanResult r = sql::scan(doc.substr(range.begin, range.size()));
  for (sql::Token tok : r.tokens) {
    if (tok.is_comment()) continue;
    tok.begin += range.begin;
    tok.end += range.begin;
    t.toks.push_back(tok);
  }
  return t;
}

std::string fold(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      out += s[i];
      if (s[i] == '"' && i + 2 < s.size() && s[i + 1] == '"') ++i;
    }
    return out;
  }
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string quote_literal(std::string_view s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  return out + "'";
}

std::string quote_ident(std::string_view name) {
  bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) plain = false;
  if (plain) {
    // Keywords (even unreserved ones) are quoted: always correct, never ambiguous.
    sql::ScanResult r = sql::scan(name);
    if (r.error || r.tokens.size() != 1 || r.tokens[0].cls != sql::TokenClass::Identifier) plain = false;
  }
  if (plain) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void collect_spelling(const Tokens& t, std::map<std::string, std::string>& out) {
  for (size_t i = 0; i < t.toks.size(); ++i) {
    if (t.toks[i].cls != sql::TokenClass::Identifier && t.toks[i].cls != sql::TokenClass::Keyword) continue;
    std::string_view s = t.str(i);
    out.emplace(fold(s), std::string(s));
  }
}

std::string spell(const std::map<std::string, std::string>& spelling, std::string_view folded) {
  auto it = spelling.find(std::string(folded));
  if (it != spelling.end() && fold(it->second) == folded) {
    // A keyword-looking spelling (unquoted) is only reused when it was an identifier in place;
    // quote_ident decides otherwise.
    if (it->second.front() == '"' || quote_ident(folded) == folded) return it->second;
  }
  return quote_ident(folded);
}

ByteRange body_range(const Tokens& t, ByteRange statement) {
  if (t.toks.empty()) return statement;
  size_t last = t.toks.size() - 1;
  if (t.toks[last].is_char(';') && last > 0) --last;
  return {t.toks.front().begin, t.toks[last].end};
}

std::optional<ByteRange> clause(const Tokens& t, size_t from, size_t to, const std::vector<std::string_view>& stops) {
  int depth = 0;
  std::optional<ByteRange> r;
  for (size_t i = from; i < to && i < t.toks.size(); ++i) {
    const sql::Token& k = t.toks[i];
    if (depth == 0) {
      if (k.is_char(';') || k.is_char(',')) break;
      bool stop = false;
      for (auto w : stops) stop = stop || t.word(i, w);
      if (stop) break;
    }
    if (k.is_char('(') || k.is_char('[')) ++depth;
    if (k.is_char(')') || k.is_char(']')) --depth;
    if (depth < 0) break;
    if (!r) r = ByteRange{k.begin, k.end};
    r->end = k.end;
  }
  return r;
}

std::string limit_name(std::string name) {
  if (name.size() > 63) name.resize(63);
  return name;
}

}  // namespace zerolock::fixes::sqltext
