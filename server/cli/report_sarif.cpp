// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
#include <nlohmann/json.hpp>
#include <set>

#include "rules/rule.h"
#include "server/cli/file_report.h"

namespace zerolock::cli {
namespace {
const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    default: return "note";
  }
}
}  // namespace

void write_sarif(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports) {
  nlohmann::json rules = nlohmann::json::array();
  for (const Rule* rule : RuleRegistry::all()) {
    const RuleMeta& m = rule->meta();
    rules.push_back({{"id", m.id},
                     {"shortDescription", {{"text", m.summary}}},
                     {"fullDescription", {{"text", m.explanation}}},
                     {"helpUri", rule_doc_url(m.id)},
                     {"defaultConfiguration", {{"level", sarif_level(m.default_severity)}}}});
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : reports) {
    for (const Diagnostic& d : r->analysis.diagnostics) {
      TextPosition s = r->lines.position(d.range.begin, ColumnEncoding::Utf16);
      TextPosition e = r->lines.position(std::max(d.range.end, d.range.begin), ColumnEncoding::Utf16);
      results.push_back(
          {{"ruleId", d.rule},
           {"level", sarif_level(d.severity)},
           {"message", {{"text", d.help.empty() ? d.message : d.message + ". " + d.help}}},
           {"locations",
            {{{"physicalLocation",
               {{"artifactLocation", {{"uri", r->path}}},
                {"region", {{"startLine", s.line + 1}, {"startColumn", s.character + 1}, {"endLine", e.line + 1},
                            {"endColumn", e.character + 1}}}}}}}}});
    }
  }
  nlohmann::json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool", {{"driver", {{"name", "zerolock"}, {"version", "0.1.0"}, {"rules", rules}}}}},
         {"columnKind", "utf16CodeUnits"},
         {"results", results}}}}};
  out << sarif.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace zerolock::cli
