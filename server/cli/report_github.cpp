// GitHub Actions workflow commands: ::error file=...,line=...::message
#include "server/cli/file_report.h"

namespace zerolock::cli {
namespace {
// Escaping from the workflow-commands spec: data escapes % CR LF; properties also : and ,.
std::string escape_data(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}
std::string escape_property(const std::string& s) {
  std::string out;
  for (char c : escape_data(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}
const char* command_of(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    default: return "notice";
  }
}
}  // namespace

void write_github(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports) {
  for (const auto& r : reports) {
    for (const Diagnostic& d : r->analysis.diagnostics) {
      TextPosition s = r->lines.position(d.range.begin, ColumnEncoding::Utf32);
      TextPosition e = r->lines.position(d.range.end, ColumnEncoding::Utf32);
      out << "::" << command_of(d.severity) << " file=" << escape_property(r->path) << ",line=" << s.line + 1
          << ",col=" << s.character + 1 << ",endLine=" << e.line + 1 << ",endColumn=" << e.character + 1
          << ",title=" << escape_property("zerolock " + d.rule) << "::"
          << escape_data(d.message + (d.help.empty() ? "" : ". " + d.help)) << "\n";
    }
  }
}

}  // namespace zerolock::cli
