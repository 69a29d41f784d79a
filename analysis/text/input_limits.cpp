#include "text/input_limits.h"

#include <cctype>
#include <cstdio>
#include <vector>

namespace zerolock::limits {
namespace {

bool starts_with(std::string_view text, size_t at, std::string_view what) { return text.compare(at, what.size(), what) == 0; }

size_t skip_past(std::string_view text, size_t at, std::string_view end) {
  size_t found = text.find(end, at);
  return found == std::string_view::npos ? text.size() : found + end.size();
}

// Skips a quoted string starting at text[at] (the quote); backslash escapes when `escapes`.
size_t skip_quoted(std::string_view text, size_t at, bool escapes, bool doubled_quote_escapes = false) {
  char quote = text[at];
  for (size_t i = at + 1; i < text.size(); ++i) {
    if (escapes && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (doubled_quote_escapes && i + 1 < text.size() && text[i + 1] == quote) {
        ++i;
        continue;
      }
      return i + 1;
    } else if (!escapes && !doubled_quote_escapes && text[i] == '\n') {
      return i;
    }
  }
  return text.size();
}

}  // namespace

std::optional<TooDeep> json_too_deep(std::string_view text, uint32_t limit) {
  uint32_t depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      i = skip_quoted(text, i, /*escapes=*/true) - 1;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return TooDeep{static_cast<uint32_t>(i), depth};
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

std::optional<TooDeep> xml_too_deep(std::string_view text, uint32_t limit) {
  uint32_t depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '<') continue;
    if (starts_with(text, i, "<!--")) {
      i = skip_past(text, i + 4, "-->") - 1;
    } else if (starts_with(text, i, "<![CDATA[")) {
      i = skip_past(text, i + 9, "]]>") - 1;
    } else if (starts_with(text, i, "<?")) {
      i = skip_past(text, i + 2, "?>") - 1;
    } else if (starts_with(text, i, "<!")) {
      i = skip_past(text, i + 2, ">") - 1;
    } else if (starts_with(text, i, "</")) {
      if (depth > 0) --depth;
      i = skip_past(text, i + 2, ">") - 1;
    } else {
      // A start tag: find its end outside attribute values; "/>" closes it at once.
      size_t j = i + 1;
      while (j < text.size() && text[j] != '>') {
        if (text[j] == '"' || text[j] == '\'') {
          j = skip_quoted(text, j, /*escapes=*/false, /*doubled=*/true);
          continue;
        }
        ++j;
      }
      bool self_closing = j < text.size() && j > i + 1 && text[j - 1] == '/';
      if (!self_closing && ++depth > limit) return TooDeep{static_cast<uint32_t>(i), depth};
      i = j;
    }
  }
  return std::nullopt;
}

std::optional<TooDeep> yaml_too_deep(std::string_view text, uint32_t limit) {
  std::vector<size_t> indents;  // indentation of the open block levels
  uint32_t flow = 0;            // open [ { of flow collections (they may span lines)
  size_t i = 0;
  while (i < text.size()) {
    size_t line_end = text.find('\n', i);
    if (line_end == std::string_view::npos) line_end = text.size();
    size_t k = i;
    while (k < line_end && (text[k] == ' ' || text[k] == '\t')) ++k;
    if (k < line_end && text[k] != '#' && text[k] != '\r') {
      size_t indent = k - i;
      if (flow == 0) {
        while (!indents.empty() && indents.back() >= indent) indents.pop_back();
        indents.push_back(indent);
      }
      uint32_t inline_blocks = 0;
      bool value_start = true;  // a '[' or '{' here opens a flow collection
      for (size_t j = k; j < line_end; ++j) {
        char c = text[j];
        if (c == '#' && (j == k || text[j - 1] == ' ' || text[j - 1] == '\t')) break;
        if ((c == '\'' || c == '"') && (value_start || flow > 0)) {
          size_t end = skip_quoted(text, j, /*escapes=*/c == '"', /*doubled=*/c == '\'');
          j = end - 1;
          value_start = false;
          continue;
        }
        if ((c == '-' || c == '?' || c == ':') && value_start && flow == 0 && j + 1 < line_end && text[j + 1] == ' ') {
          ++inline_blocks;  // "- - x": each indicator opens a nested block
          continue;
        }
        if ((c == '[' || c == '{') && (value_start || flow > 0)) {
          ++flow;
          value_start = true;
        } else if ((c == ']' || c == '}') && flow > 0) {
          --flow;
        } else if (c == ',' && flow > 0) {
          value_start = true;
        } else if (c == ':' && j + 1 < line_end && text[j + 1] == ' ') {
          value_start = true;
        } else if (c != ' ' && c != '\t') {
          value_start = false;
        }
        uint64_t depth = indents.size() + inline_blocks + flow;
        if (depth > limit) return TooDeep{static_cast<uint32_t>(j), static_cast<uint32_t>(depth)};
      }
      uint64_t depth = indents.size() + inline_blocks + flow;
      if (depth > limit) return TooDeep{static_cast<uint32_t>(k), static_cast<uint32_t>(depth)};
    }
    i = line_end + 1;
  }
  return std::nullopt;
}

std::optional<TooDeep> python_too_deep(std::string_view text, uint32_t limit) {
  uint32_t brackets = 0;
  uint32_t unary = 0;  // a run of unary operators / "not" / "lambda" / "await" nests the parser too
  std::vector<size_t> indents;
  bool line_start = true;
  size_t line_begin = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      line_start = true;
      line_begin = i + 1;
      unary = 0;
      continue;
    }
    if (line_start && c != ' ' && c != '\t' && c != '\r' && c != '#' && brackets == 0) {
      size_t indent = i - line_begin;
      while (!indents.empty() && indents.back() >= indent) indents.pop_back();
      indents.push_back(indent);
      line_start = false;
    }
    if (c == '#') {
      size_t end = text.find('\n', i);
      i = (end == std::string_view::npos ? text.size() : end) - 1;
      continue;
    }
    if (c == '"' || c == '\'') {
      if (starts_with(text, i, std::string(3, c))) {
        i = skip_past(text, i + 3, std::string(3, c)) - 1;
      } else {
        i = skip_quoted(text, i, /*escapes=*/true) - 1;
      }
      unary = 0;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      ++brackets;
    } else if ((c == ')' || c == ']' || c == '}') && brackets > 0) {
      --brackets;
    } else if (c == '-' || c == '+' || c == '~' || c == '*') {
      ++unary;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t end = i;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
      std::string_view word = text.substr(i, end - i);
      if (word == "not" || word == "lambda" || word == "await") {
        ++unary;
      } else {
        unary = 0;
      }
      i = end - 1;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      unary = 0;
    }
    uint64_t depth = brackets + unary + indents.size();
    if (depth > limit) return TooDeep{static_cast<uint32_t>(i), static_cast<uint32_t>(depth)};
  }
  return std::nullopt;
}

std::string too_deep_message(const TooDeep& too_deep, uint32_t limit) {
  return "nesting deeper than " + std::to_string(limit) + " levels (at byte " + std::to_string(too_deep.offset) +
         "): zerolock does not read further nested input; this file was not analysed";
}

std::string too_large_message(size_t bytes) {
  char size[32];
  std::snprintf(size, sizeof size, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return std::string("file is ") + size + ", more than the " + std::to_string(kMaxDocumentBytes / (1024 * 1024)) +
         " MB zerolock analyses; it was not analysed";
}

}  // namespace zerolock::limits
