#include "server/lsp/suppression_action.h"

namespace zerolock::lsp {

void SuppressionAction::propose(const AnalyzedDocument& doc, const Diagnostic& diagnostic,
                                std::vector<ProposedAction>& out) const {
  // Syntax errors and front-end reports are not rules and cannot be suppressed.
  if (diagnostic.rule.empty() || diagnostic.rule == "syntax-error" || diagnostic.rule == "frontend") return;
  // Only SQL comments are understood; other formats would need their own comment syntax.
  if (doc.analysis.migration.format != Format::Sql && doc.analysis.migration.format != Format::LiquibaseSql) return;
  ProposedAction action;
  action.title = "Suppress " + diagnostic.rule + " on this line";
  action.kind = "quickfix";
  action.data = {{"rule", diagnostic.rule}, {"line", doc.lines.line_of(diagnostic.range.begin)}};
  out.push_back(std::move(action));
}

ProposedChange SuppressionAction::edits(const AnalyzedDocument& doc, const nlohmann::json& data) const {
  std::string rule = data.at("rule").get<std::string>();
  uint32_t line = data.at("line").get<uint32_t>();
  if (line >= doc.lines.line_count()) return {};
  uint32_t start = doc.lines.line_start(line);
  std::string_view text(*doc.text);
  // A next-line comment already above: add the rule to its list (a second comment line would
  // make the first one cover the comment instead of the statement).
  if (line > 0) {
    uint32_t above = doc.lines.line_start(line - 1);
    std::string_view previous = text.substr(above, doc.lines.line_content_end(line - 1) - above);
    constexpr std::string_view marker = "-- zerolock-disable-next-line";
    size_t at = previous.find(marker);
    if (at != std::string_view::npos && previous.find_first_not_of(" \t") == at) {
      size_t list = at + marker.size();
      while (list < previous.size() && previous[list] == ' ') ++list;
      if (list == previous.size()) return {};  // no rule list: it already suppresses every rule
      uint32_t insert_at = above + static_cast<uint32_t>(list);
      return {{ProposedEdit{{insert_at, insert_at}, rule + ","}}, {}};
    }
  }
  // Same indentation as the line it suppresses.
  uint32_t indent_end = start;
  while (indent_end < text.size() && (text[indent_end] == ' ' || text[indent_end] == '\t')) ++indent_end;
  std::string indent(text.substr(start, indent_end - start));
  return {{ProposedEdit{{start, start}, indent + "-- zerolock-disable-next-line " + rule + "\n"}}, {}};
}

}  // namespace zerolock::lsp
