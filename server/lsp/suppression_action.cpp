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

std::vector<ProposedEdit> SuppressionAction::edits(const AnalyzedDocument& doc, const nlohmann::json& data) const {
  std::string rule = data.at("rule").get<std::string>();
  uint32_t line = data.at("line").get<uint32_t>();
  if (line >= doc.lines.line_count()) return {};
  uint32_t start = doc.lines.line_start(line);
  // Same indentation as the line it suppresses.
  std::string_view text(*doc.text);
  uint32_t indent_end = start;
  while (indent_end < text.size() && (text[indent_end] == ' ' || text[indent_end] == '\t')) ++indent_end;
  std::string indent(text.substr(start, indent_end - start));
  return {ProposedEdit{{start, start}, indent + "-- zerolock-disable-next-line " + rule + "\n"}};
}

}  // namespace zerolock::lsp
