#include "engine/suppression.h"
#include "text/trim.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace zerolock {
namespace {
bool starts_with_word(std::string_view s, std::string_view word) {
  return s.substr(0, word.size()) == word &&
         (s.size() == word.size() || std::isspace(static_cast<unsigned char>(s[word.size()])) || s[word.size()] == ':');
}
}  // namespace

std::optional<SuppressionComment> parse_suppression(std::string_view body, uint32_t offset, uint32_t line) {
  body = trim_view(body);
  SuppressionComment s;
  s.offset = offset;
  s.line = line;
  std::string_view rest;
  if (starts_with_word(body, "zerolock-disable-next-line")) {
    rest = body.substr(std::string_view("zerolock-disable-next-line").size());
  } else if (starts_with_word(body, "zerolock-disable")) {
    s.whole_file = true;
    rest = body.substr(std::string_view("zerolock-disable").size());
  } else {
    return std::nullopt;
  }
  if (!rest.empty() && rest.front() == ':') rest.remove_prefix(1);
  // Rule ids are kebab-case; anything after " -- " or a non-id character is a free-text reason.
  std::string current;
  for (char c : rest) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      current += c;
    } else if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) s.rules.push_back(current), current.clear();
      if (c != ',' && !s.rules.empty()) {
        // whitespace after a rule: keep reading only if a comma follows later
      }
    } else {
      break;
    }
  }
  if (!current.empty()) s.rules.push_back(current);
  // "--" alone is a reason separator, not a rule.
  s.rules.erase(std::remove_if(s.rules.begin(), s.rules.end(), [](const std::string& r) {
                  return r.find_first_not_of('-') == std::string::npos;
                }),
                s.rules.end());
  return s;
}

void apply_suppressions(const Migration& migration, const LineIndex& lines, std::vector<Diagnostic>& diagnostics) {
  if (migration.suppressions.empty()) return;
  auto covers = [](const SuppressionComment& s, const std::string& rule) {
    return s.rules.empty() || std::find(s.rules.begin(), s.rules.end(), rule) != s.rules.end();
  };
  diagnostics.erase(
      std::remove_if(diagnostics.begin(), diagnostics.end(),
                     [&](const Diagnostic& d) {
                       if (d.rule == "syntax-error") return false;
                       uint32_t line = lines.line_of(d.range.begin);
                       uint32_t statement_line = line;
                       if (d.statement >= 0 && static_cast<size_t>(d.statement) < migration.statements.size())
                         statement_line = lines.line_of(migration.statements[d.statement].range.begin);
                       for (const SuppressionComment& s : migration.suppressions) {
                         if (!covers(s, d.rule)) continue;
                         if (s.whole_file) return true;
                         if (s.line + 1 == line || s.line + 1 == statement_line) return true;
                       }
                       return false;
                     }),
      diagnostics.end());
}

}  // namespace zerolock
