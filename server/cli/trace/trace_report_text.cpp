#include <cstdio>
#include <string>

#include "server/cli/trace/trace_report.h"

namespace zerolock::trace {
namespace {

std::string ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", v);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s += std::string(width - s.size(), ' ');
  return s + " ";
}

std::string mode(LockMode m) { return m == LockMode::None ? "-" : std::string(lock_mode_name(m)); }

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s.size() > 100 ? s.substr(0, 97) + "..." : s;
}

void write_statement(std::ostream& out, const StatementTrace& st, const cli::FileReport& report) {
  TextPosition p = report.lines.position(st.begin, ColumnEncoding::Utf16);
  out << "  " << p.line + 1 << ":" << p.character + 1 << "  " << (st.summary.empty() ? one_line(st.text) : st.summary);
  if (st.mismatch()) out << "  MISMATCH";
  out << "\n";
  switch (st.status) {
    case TraceStatus::Skipped: out << "      skipped: " << st.reason << "\n"; return;
    case TraceStatus::NotTraceable: out << "      " << st.reason << "\n"; return;
    case TraceStatus::NotRun: out << "      not run: " << st.reason << "\n"; return;
    case TraceStatus::Failed: {
      const StatementError& e = *st.error;
      out << "      failed: ERROR: " << e.message;
      if (!e.sqlstate.empty()) out << " (SQLSTATE " << e.sqlstate << ")";
      if (e.has_position) out << " at line " << e.line + 1 << ", column " << e.character + 1;
      out << "\n";
      if (!e.detail.empty()) out << "      DETAIL: " << e.detail << "\n";
      if (!e.hint.empty()) out << "      HINT: " << e.hint << "\n";
      return;
    }
    case TraceStatus::Ran: break;
  }
  out << "      ran " << (st.run == "autocommit" ? "on its own (autocommit, scratch)" : "in the trace's transaction") << " in "
      << ms(st.duration_ms) << "; locks held until the " << (st.held_until == "statement" ? "statement ends" : "transaction ends")
      << ": " << ms(st.held_ms) << "  [observed: " << st.observation << "]\n";
  out << "      " << pad("relation", 28) << pad("predicted", 24) << "observed\n";
  for (const LockRow& l : st.locks) {
    std::string observed = mode(l.observed);
    if (!l.exists) observed = "(did not exist before the statement)";
    else if (l.already_held) observed += " (held since an earlier statement)";
    else if (!l.compared) observed += " (not named by the statement; not compared)";
    out << "      " << pad(l.relation, 28) << pad(mode(l.predicted), 24) << observed << (l.mismatch() ? "  <- mismatch" : "")
        << "\n";
  }
  std::string rewritten;
  for (const std::string& r : st.rewritten) rewritten += (rewritten.empty() ? "" : ", ") + r;
  out << "      " << pad("rewrite", 28) << pad(st.predicted_rewrite ? "yes" : "no", 24)
      << (st.observed_rewrite ? "yes (" + rewritten + ")" : "no") << (st.rewrite_mismatch() ? "  <- mismatch" : "") << "\n";
  if (!st.truncated.empty()) out << "      truncated (new empty files, not a rewrite)\n";
  for (const std::string& n : st.notices) out << "      " << n << "\n";
}

}  // namespace

void write_trace_text(std::ostream& out, const TraceRun& run, const std::vector<std::unique_ptr<cli::FileReport>>& reports) {
  out << "zerolock trace: ";
  if (run.own_cluster) out << "scratch PostgreSQL " << run.server_version << " cluster (removed at the end)";
  else out << "database " << run.database << " on " << run.host << " (PostgreSQL " << run.server_version << ")"
           << (run.scratch ? ", marked as a scratch database" : "");
  out << "; predictions for PostgreSQL " << run.pg_version << "\n";
  for (size_t f = 0; f < run.files.size() && f < reports.size(); ++f) {
    out << run.files[f].path << "\n";
    for (const StatementTrace& st : run.files[f].statements) write_statement(out, st, *reports[f]);
  }
  out << "summary: " << run.count(TraceStatus::Ran) << " ran, " << run.mismatches() << " mismatch"
      << (run.mismatches() == 1 ? "" : "es") << ", " << run.count(TraceStatus::Skipped) << " skipped, "
      << run.count(TraceStatus::NotTraceable) << " not traceable, " << run.count(TraceStatus::Failed) << " failed, "
      << run.count(TraceStatus::NotRun) << " not run; "
      << (run.rolled_back ? "rolled back" : "NOT rolled back") << (run.committed ? " (statements outside a transaction block were committed on the scratch target)" : ", nothing committed")
      << (run.interrupted ? "; interrupted" : "") << "\n";
  if (!run.fatal.empty()) out << "error: " << run.fatal << "\n";
}

}  // namespace zerolock::trace
