#include "server/cli/trace/trace_result.h"

namespace zerolock::trace {

const char* trace_status_name(TraceStatus status) {
  switch (status) {
    case TraceStatus::Ran: return "ran";
    case TraceStatus::Failed: return "failed";
    case TraceStatus::Skipped: return "skipped";
    case TraceStatus::NotTraceable: return "not_traceable";
    case TraceStatus::NotRun: return "not_run";
  }
  return "not_run";
}

bool StatementTrace::mismatch() const {
  if (status != TraceStatus::Ran) return false;
  if (rewrite_mismatch()) return true;
  for (const LockRow& l : locks)
    if (l.mismatch()) return true;
  return false;
}

size_t TraceRun::count(TraceStatus status) const {
  size_t n = 0;
  for (const FileTrace& f : files)
    for (const StatementTrace& s : f.statements) n += s.status == status;
  return n;
}

size_t TraceRun::mismatches() const {
  size_t n = 0;
  for (const FileTrace& f : files)
    for (const StatementTrace& s : f.statements) n += s.mismatch();
  return n;
}

}  // namespace zerolock::trace
