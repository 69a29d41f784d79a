#include "alembic/python_tokenizer.h"

#include <cctype>
#include <cstring>

namespace zerolock::alembic {
namespace {

bool is_name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

// Length of a string prefix (r, b, u, f, rb, br, fr, rf in any case) followed by a quote, or 0.
size_t string_prefix_length(std::string_view s, size_t i) {
  size_t n = 0;
  while (n < 2 && i + n < s.size() && std::strchr("rRbBuUfF", s[i + n]) != nullptr) ++n;
  if (i + n < s.size() && (s[i + n] == '\'' || s[i + n] == '"')) return n;
  if (n == 2 && i + 1 < s.size() && (s[i + 1] == '\'' || s[i + 1] == '"')) return 1;
  return n == 0 ? 0 : std::string_view::npos;
}

const char* const kOps3[] = {"**=", "//=", ">>=", "<<=", "...", "!=="};
const char* const kOps2[] = {"**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->", ":=", "+=", "-=", "*=",
                             "/=", "%=", "&=", "|=", "^=", "@="};

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

ByteRange DecodedString::source_range(uint32_t begin, uint32_t end) const {
  if (starts.empty()) return {};
  if (begin >= starts.size()) return {ends.back(), ends.back()};
  if (end <= begin) return {starts[begin], starts[begin]};
  if (end > ends.size()) end = static_cast<uint32_t>(ends.size());
  return {starts[begin], ends[end - 1]};
}

TokenizeResult tokenize(std::string_view s) {
  TokenizeResult r;
  std::vector<uint32_t> indents{0};
  int depth = 0;
  size_t i = 0;
  bool at_line_start = true;
  bool line_has_tokens = false;  // a logical line is open (a NEWLINE is due at its end)
  auto push = [&](TokKind kind, size_t b, size_t e) {
    r.tokens.push_back({kind, static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
  };
  auto error = [&](std::string message, size_t offset) {
    if (!r.error) r.error = TokenizeError{std::move(message), static_cast<uint32_t>(offset)};
  };

  while (i < s.size()) {
    if (at_line_start && depth == 0) {
      // Measure indentation; blank and comment-only lines do not count.
      uint32_t col = 0;
      size_t j = i;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\f')) {
        col = s[j] == '\t' ? (col / 8 + 1) * 8 : s[j] == '\f' ? 0 : col + 1;
        ++j;
      }
      if (j >= s.size()) {
        i = j;
        break;
      }
      if (s[j] == '#' || s[j] == '\n' || s[j] == '\r' || (s[j] == '\\' && j + 1 < s.size() && (s[j + 1] == '\n' || s[j + 1] == '\r'))) {
        i = j;
        at_line_start = false;  // handled below as comment / blank line
        if (s[j] == '#') {
          size_t e = j;
          while (e < s.size() && s[e] != '\n' && s[e] != '\r') ++e;
          r.comments.push_back({static_cast<uint32_t>(j), static_cast<uint32_t>(e)});
          i = e;
        }
        if (i < s.size() && s[i] == '\\') i += 1;
        if (i < s.size() && s[i] == '\r') ++i;
        if (i < s.size() && s[i] == '\n') ++i;
        at_line_start = true;
        continue;
      }
      if (col > indents.back()) {
        indents.push_back(col);
        push(TokKind::Indent, j, j);
      } else {
        while (col < indents.back()) {
          indents.pop_back();
          push(TokKind::Dedent, j, j);
        }
        if (col != indents.back()) error("unindent does not match any outer indentation level", j);
      }
      i = j;
      at_line_start = false;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\f') {
      ++i;
      continue;
    }
    if (c == '#') {
      size_t e = i;
      while (e < s.size() && s[e] != '\n' && s[e] != '\r') ++e;
      r.comments.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(e)});
      i = e;
      continue;
    }
    if (c == '\n' || c == '\r') {
      size_t b = i;
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      ++i;
      if (depth == 0) {
        if (line_has_tokens) push(TokKind::Newline, b, i);
        line_has_tokens = false;
        at_line_start = true;
      }
      continue;
    }
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
      i += 1;
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      ++i;
      continue;  // explicit line joining
    }
    line_has_tokens = true;
    // Strings, with an optional prefix.
    size_t prefix = is_name_start(c) ? string_prefix_length(s, i) : (c == '\'' || c == '"' ? 0 : std::string_view::npos);
    if (prefix != std::string_view::npos && (c == '\'' || c == '"' || prefix > 0)) {
      size_t b = i;
      size_t q = i + prefix;
      char quote = s[q];
      bool triple = q + 2 < s.size() && s[q + 1] == quote && s[q + 2] == quote;
      size_t j = q + (triple ? 3 : 1);
      bool closed = false;
      while (j < s.size()) {
        if (s[j] == '\\') {
          j += 2;
          continue;
        }
        if (!triple && (s[j] == '\n' || s[j] == '\r')) break;
        if (s[j] == quote) {
          if (!triple) {
            ++j;
            closed = true;
            break;
          }
          if (j + 2 < s.size() && s[j + 1] == quote && s[j + 2] == quote) {
            j += 3;
            closed = true;
            break;
          }
        }
        ++j;
      }
      if (j > s.size()) j = s.size();
      if (!closed) error(triple ? "unterminated triple-quoted string" : "unterminated string literal", b);
      push(TokKind::String, b, j);
      i = j;
      continue;
    }
    if (is_name_start(c)) {
      size_t j = i + 1;
      while (j < s.size() && is_name_char(static_cast<unsigned char>(s[j]))) ++j;
      push(TokKind::Name, i, j);
      i = j;
      continue;
    }
    if (std::isdigit(c) || (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t j = i + 1;
      while (j < s.size()) {
        unsigned char d = static_cast<unsigned char>(s[j]);
        if (std::isalnum(d) || d == '_' || d == '.') {
          ++j;
        } else if ((d == '+' || d == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E') &&
                   !(s[i] == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X'))) {
          ++j;
        } else {
          break;
        }
      }
      push(TokKind::Number, i, j);
      i = j;
      continue;
    }
    // Operators and delimiters.
    size_t len = 1;
    for (const char* op : kOps3)
      if (s.substr(i, 3) == op) len = 3;
    if (len == 1)
      for (const char* op : kOps2)
        if (s.substr(i, 2) == op) len = 2;
    if (len == 1) {
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') {
        if (depth > 0) --depth;
        else error("unmatched closing bracket", i);
      }
      if (c == '\\') error("unexpected character after line continuation", i);
    }
    push(TokKind::Op, i, i + len);
    i += len;
  }
  if (depth > 0) error("unclosed bracket at end of file", s.size());
  if (line_has_tokens) push(TokKind::Newline, s.size(), s.size());
  while (indents.size() > 1) {
    indents.pop_back();
    push(TokKind::Dedent, s.size(), s.size());
  }
  push(TokKind::EndMarker, s.size(), s.size());
  return r;
}

void append_string_literal(std::string_view s, const Token& token, DecodedString& out) {
  size_t i = token.begin;
  bool raw = false;
  while (i < token.end && s[i] != '\'' && s[i] != '"') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    if (p == 'r') raw = true;
    if (p == 'b') out.bytes = true;
    if (p == 'f') out.formatted = true;
    ++i;
  }
  if (i >= token.end) {
    out.ok = false;
    return;
  }
  char quote = s[i];
  size_t q = (i + 2 < token.end && s[i + 1] == quote && s[i + 2] == quote && token.end - i >= 6) ? 3 : 1;
  size_t b = i + q;
  size_t e = token.end;
  if (e >= b + q && s.substr(e - q, q) == std::string(q, quote)) e -= q;
  else out.ok = false;  // unterminated
  auto emit = [&](char ch, size_t from, size_t to) {
    out.value += ch;
    out.starts.push_back(static_cast<uint32_t>(from));
    out.ends.push_back(static_cast<uint32_t>(to));
  };
  auto emit_cp = [&](uint32_t cp, size_t from, size_t to) {
    std::string bytes;
    append_utf8(bytes, cp);
    for (char ch : bytes) emit(ch, from, to);
  };
  for (size_t j = b; j < e;) {
    char ch = s[j];
    if (ch == '\r') {
      // Python normalises newlines in source to \n.
      size_t to = j + 1 < e && s[j + 1] == '\n' ? j + 2 : j + 1;
      emit('\n', j, to);
      j = to;
      continue;
    }
    if (ch != '\\' || raw || j + 1 >= e) {
      emit(ch, j, j + 1);
      ++j;
      continue;
    }
    char n = s[j + 1];
    size_t from = j;
    switch (n) {
      case '\n': j += 2; continue;  // line continuation inside the string
      case '\r': j += (j + 2 < e && s[j + 2] == '\n') ? 3 : 2; continue;
      case '\\': emit('\\', from, j + 2); j += 2; continue;
      case '\'': emit('\'', from, j + 2); j += 2; continue;
      case '"': emit('"', from, j + 2); j += 2; continue;
      case 'a': emit('\a', from, j + 2); j += 2; continue;
      case 'b': emit('\b', from, j + 2); j += 2; continue;
      case 'f': emit('\f', from, j + 2); j += 2; continue;
      case 'n': emit('\n', from, j + 2); j += 2; continue;
      case 'r': emit('\r', from, j + 2); j += 2; continue;
      case 't': emit('\t', from, j + 2); j += 2; continue;
      case 'v': emit('\v', from, j + 2); j += 2; continue;
      default: break;
    }
    if (n >= '0' && n <= '7') {
      uint32_t v = 0;
      size_t k = j + 1;
      while (k < e && k < j + 4 && s[k] >= '0' && s[k] <= '7') v = v * 8 + static_cast<uint32_t>(s[k++] - '0');
      if (out.bytes) emit(static_cast<char>(v & 0xFF), from, k); else emit_cp(v, from, k);
      j = k;
      continue;
    }
    size_t digits = n == 'x' ? 2 : (!out.bytes && n == 'u') ? 4 : (!out.bytes && n == 'U') ? 8 : 0;
    if (digits > 0) {
      uint32_t v = 0;
      size_t k = j + 2;
      bool good = k + digits <= e;
      for (size_t d = 0; good && d < digits; ++d) {
        int h = hex_value(s[k + d]);
        if (h < 0) good = false; else v = v * 16 + static_cast<uint32_t>(h);
      }
      if (!good) {
        out.ok = false;
        emit(ch, j, j + 1);
        ++j;
        continue;
      }
      k += digits;
      if (out.bytes) emit(static_cast<char>(v & 0xFF), from, k); else emit_cp(v, from, k);
      j = k;
      continue;
    }
    if (!out.bytes && n == 'N' && j + 2 < e && s[j + 2] == '{') {
      // \N{NAME}: the character's name table is not needed for SQL; keep a placeholder.
      size_t k = j + 3;
      while (k < e && s[k] != '}') ++k;
      emit('?', from, k < e ? k + 1 : k);
      j = k < e ? k + 1 : k;
      continue;
    }
    // Unknown escape: Python keeps the backslash.
    emit('\\', j, j + 1);
    ++j;
  }
}

}  // namespace zerolock::alembic
