#pragma once
// Writers of a TraceRun: a readable per-statement table (predicted vs observed) and JSON
// (shape in docs/trace.md).
#include <memory>
#include <ostream>
#include <vector>

#include "server/cli/file_report.h"
#include "server/cli/trace/trace_result.h"

namespace zerolock::trace {

void write_trace_text(std::ostream& out, const TraceRun& run, const std::vector<std::unique_ptr<cli::FileReport>>& reports);
void write_trace_json(std::ostream& out, const TraceRun& run, const std::vector<std::unique_ptr<cli::FileReport>>& reports);

}  // namespace zerolock::trace
