// Diagnostics in LSP form: code = rule id, codeDescription linking to the rule's doc, related
// information, and `data` that code actions read back.
#include "analysis/rules/rule.h"
#include "server/lsp/features.h"
#include "server/lsp/positions.h"

namespace zerolock::lsp {
namespace {

int lsp_severity(Severity severity) {
  switch (severity) {
    case Severity::Error: return 1;
    case Severity::Warning: return 2;
    case Severity::Info: return 3;
    case Severity::Hint: return 4;
  }
  return 2;
}

}  // namespace

std::string rule_doc_url(const std::string& rule_id) {
  return "https://github.com/zerolock/zerolock/blob/main/docs/rules/" + rule_id + ".md";
}

json to_lsp_diagnostics(const AnalyzedDocument& doc, ColumnEncoding encoding) {
  json out = json::array();
  for (const auto& d : doc.analysis.diagnostics) {
    json item{
        {"range", to_range(doc.lines, d.range, encoding)},
        {"severity", lsp_severity(d.severity)},
        {"source", "zerolock"},
        {"code", d.rule},
        {"message", d.help.empty() ? d.message : d.message + "\n" + d.help},
        {"data", {{"rule", d.rule}, {"statement", d.statement}, {"version", doc.version}}},
    };
    if (RuleRegistry::find(d.rule)) item["codeDescription"] = {{"href", rule_doc_url(d.rule)}};
    if (!d.related.empty()) {
      json related = json::array();
      for (const auto& r : d.related) {
        related.push_back({{"location", {{"uri", doc.uri}, {"range", to_range(doc.lines, r.range, encoding)}}},
                           {"message", r.message}});
      }
      item["relatedInformation"] = std::move(related);
    }
    out.push_back(std::move(item));
  }
  return out;
}

json diagnostic_report(const AnalyzedDocument& doc, const json& params, const FeatureContext&) {
  std::string result_id = std::to_string(doc.id) + ":" + std::to_string(doc.generation);
  if (params.contains("previousResultId") && params["previousResultId"] == result_id)
    return {{"kind", "unchanged"}, {"resultId", result_id}};
  return {{"kind", "full"}, {"resultId", result_id}, {"items", doc.diagnostics}};
}

}  // namespace zerolock::lsp
