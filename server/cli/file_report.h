#pragma once
// One analysed file as the CLI reports it, and the report writers (one file each).
#include <ostream>
#include <string>
#include <vector>

#include "engine/analysis.h"
#include "text/line_index.h"

namespace zerolock::cli {

struct FileReport {
  std::string path;
  std::string text;
  Analysis analysis;
  LineIndex lines;  // over `text`; rebuilt after the struct is moved (see make_report)
};

// Builds a report; the returned object must not be copied (LineIndex views `text`).
std::unique_ptr<FileReport> make_report(std::string path, std::string text, Analysis analysis);

struct Totals {
  size_t files = 0, errors = 0, warnings = 0, infos = 0, hints = 0;
};
Totals count(const std::vector<std::unique_ptr<FileReport>>& reports);

// Where rule documentation lives; the LSP codeDescription and SARIF helpUri use it too.
std::string rule_doc_url(const std::string& rule_id);

void write_text(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports, bool color);
void write_json(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports);
void write_sarif(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports);
void write_github(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports);

}  // namespace zerolock::cli
