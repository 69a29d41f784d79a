// The JSON report: the public contract described in README ("JSON output").
#include <nlohmann/json.hpp>

#include "server/cli/file_report.h"

namespace zerolock::cli {

nlohmann::json position_json(const LineIndex& lines, uint32_t offset) {
  TextPosition p = lines.position(offset, ColumnEncoding::Utf16);
  return {{"line", p.line}, {"character", p.character}};
}

void write_json(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& r : reports) {
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const Diagnostic& d : r->analysis.diagnostics) {
      nlohmann::json lock = nullptr;
      if (d.lock) {
        nlohmann::json blocks = nlohmann::json::array();
        for (auto b : blocked_work_names(d.lock->mode)) blocks.push_back(std::string(b));
        lock = {{"mode", std::string(lock_mode_name(d.lock->mode))}, {"relations", d.lock->relations}, {"blocks", blocks}};
      }
      diagnostics.push_back({{"rule", d.rule},
                             {"severity", severity_name(d.severity)},
                             {"message", d.message},
                             {"help", d.help},
                             {"range", {{"start", position_json(r->lines, d.range.begin)}, {"end", position_json(r->lines, d.range.end)}}},
                             {"lock", lock}});
    }
    files.push_back({{"path", r->path},
                     {"format", format_name(r->analysis.migration.format)},
                     {"tool", migration_tool_name(r->analysis.migration.tool)},
                     {"statements", r->analysis.migration.statements.size()},  // added for the corpus sweep
                     {"diagnostics", diagnostics}});
  }
  Totals t = count(reports);
  nlohmann::json summary = {{"files", t.files}, {"errors", t.errors}, {"warnings", t.warnings}, {"infos", t.infos}, {"hints", t.hints}};
  out << nlohmann::json{{"files", files}, {"summary", summary}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
      << "\n";
}

}  // namespace zerolock::cli
