#pragma once
// `zerolock trace` flags: the target (--database-url URL [--yes] | --scratch [--schema FILE]) on
// top of the flags check/locks share (--format text|json, --pg-version N, --config ...).
#include <optional>
#include <string>

#include "server/cli/options.h"

namespace zerolock::trace {

struct TraceOptions {
  std::optional<std::string> database_url;
  bool yes = false;
  bool scratch = false;
  std::optional<std::string> schema_file;
  cli::CommonOptions common;
};

struct TraceParse {
  std::optional<TraceOptions> options;
  std::string error;  // usage error
};

TraceParse parse_trace_options(const cli::Args& args);
const char* trace_help();

}  // namespace zerolock::trace
