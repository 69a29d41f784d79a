#include "server/cli/file_report.h"

namespace zerolock::cli {

std::unique_ptr<FileReport> make_report(std::string path, std::string text, Analysis analysis) {
  auto report = std::make_unique<FileReport>();
  report->path = std::move(path);
  report->text = std::move(text);
  report->analysis = std::move(analysis);
  report->lines = LineIndex(report->text);
  return report;
}

Totals count(const std::vector<std::unique_ptr<FileReport>>& reports) {
  Totals t;
  t.files = reports.size();
  for (const auto& r : reports) {
    for (const Diagnostic& d : r->analysis.diagnostics) {
      switch (d.severity) {
        case Severity::Error: ++t.errors; break;
        case Severity::Warning: ++t.warnings; break;
        case Severity::Info: ++t.infos; break;
        case Severity::Hint: ++t.hints; break;
      }
    }
  }
  return t;
}

std::string rule_doc_url(const std::string& rule_id) {
  return "https://github.com/zerolock-dev/zerolock/blob/main/docs/rules/" + rule_id + ".md";
}

}  // namespace zerolock::cli
