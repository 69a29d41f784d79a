// Compiler-style text: path:line:col: severity[rule] message, the source line with a caret,
// the remedy, and the lock taken.
#include <string>

#include "server/cli/file_report.h"

namespace zerolock::cli {
namespace {
const char* color_of(Severity s) {
  switch (s) {
    case Severity::Error: return "\033[1;31m";
    case Severity::Warning: return "\033[1;33m";
    case Severity::Info: return "\033[1;36m";
    case Severity::Hint: return "\033[1;32m";
  }
  return "";
}
}  // namespace

void write_text(std::ostream& out, const std::vector<std::unique_ptr<FileReport>>& reports, bool color) {
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  for (const auto& r : reports) {
    for (const Diagnostic& d : r->analysis.diagnostics) {
      TextPosition start = r->lines.position(d.range.begin, ColumnEncoding::Utf32);
      out << bold << r->path << ":" << start.line + 1 << ":" << start.character + 1 << ":" << reset << " "
          << (color ? color_of(d.severity) : "") << severity_name(d.severity) << reset << "[" << d.rule << "] "
          << d.message << "\n";
      if (r->lines.line_count() > start.line && !r->text.empty()) {
        uint32_t line_begin = r->lines.line_start(start.line);
        uint32_t line_end = r->lines.line_content_end(start.line);
        std::string_view source(r->text.data() + line_begin, line_end - line_begin);
        out << "  | " << source << "\n  | ";
        // The caret line copies tabs so it lines up under the source.
        uint32_t col = 0;
        for (uint32_t i = line_begin; i < d.range.begin && i < line_end;) {
          unsigned char c = static_cast<unsigned char>(r->text[i]);
          out << (c == '\t' ? '\t' : ' ');
          i += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
          ++col;
        }
        uint32_t stop = std::min(d.range.end, line_end);
        uint32_t width = stop > d.range.begin ? utf16_length(std::string_view(r->text).substr(d.range.begin, stop - d.range.begin)) : 1;
        out << (color ? color_of(d.severity) : "") << "^" << std::string(width > 1 ? width - 1 : 0, '~') << reset << "\n";
      }
      if (!d.help.empty()) out << "  = help: " << d.help << "\n";
      if (d.lock) {
        out << "  = lock: " << lock_mode_name(d.lock->mode) << " on ";
        for (size_t i = 0; i < d.lock->relations.size(); ++i) out << (i ? ", " : "") << d.lock->relations[i];
        out << "; " << blocked_work_phrase(d.lock->mode) << "\n";
      }
    }
  }
  Totals t = count(reports);
  out << t.errors << " error" << (t.errors == 1 ? "" : "s") << ", " << t.warnings << " warning"
      << (t.warnings == 1 ? "" : "s") << ", " << t.infos << " info in " << t.files << " file" << (t.files == 1 ? "" : "s")
      << "\n";
}

}  // namespace zerolock::cli
