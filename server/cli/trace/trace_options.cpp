#include "server/cli/trace/trace_options.h"

namespace zerolock::trace {

const char* trace_help() {
  return "usage: zerolock trace --database-url URL [--yes] [options] FILE...\n"
         "       zerolock trace --scratch [--schema FILE] [options] FILE...\n\n"
         "Runs the migration statement by statement in a transaction that is rolled back, and shows the\n"
         "locks PostgreSQL really took, rewrites and timings beside what zerolock predicts.\n\n"
         "target:\n"
         "  --database-url URL       trace against this database (postgresql://... or key=value); needs --yes\n"
         "                           unless the database is marked as scratch (COMMENT ON DATABASE ... IS\n"
         "                           'zerolock:scratch'). Nothing is committed on a non-scratch database.\n"
         "  --yes                    confirm tracing against a database that is not a scratch database\n"
         "  --scratch                start a throwaway PostgreSQL 15 cluster, trace there, remove it\n"
         "  --schema FILE            with --scratch: SQL run (and committed) before the trace\n\n"
         "options:\n";
}

TraceParse parse_trace_options(const cli::Args& args) {
  TraceOptions o;
  cli::Args rest;
  auto fail = [](std::string m) { return TraceParse{std::nullopt, std::move(m)}; };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a, value;
    bool inline_value = false;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      name = a.substr(0, a.find('='));
      value = a.substr(a.find('=') + 1);
      inline_value = true;
    }
    auto take = [&](std::string& out) {
      if (inline_value) { out = value; return true; }
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (name == "--database-url") {
      if (!take(v) || v.empty()) return fail("--database-url needs a URL");
      o.database_url = v;
    } else if (name == "--schema") {
      if (!take(v) || v.empty()) return fail("--schema needs a file");
      o.schema_file = v;
    } else if (a == "--yes" || a == "-y") {
      o.yes = true;
    } else if (a == "--scratch") {
      o.scratch = true;
    } else if (a == "-") {
      return fail("trace reads migration files, not standard input");
    } else {
      rest.push_back(a);
    }
  }
  cli::ParseOutcome common = cli::parse_common_options(rest, {"text", "json"});
  if (!common.options) return fail(common.error);
  o.common = *common.options;
  if (o.scratch && o.database_url) return fail("--scratch and --database-url exclude each other");
  if (!o.scratch && !o.database_url) return fail("give --database-url URL or --scratch");
  if (o.schema_file && !o.scratch) return fail("--schema only goes with --scratch");
  if (o.common.paths.empty()) return fail("no input files");
  return {o, {}};
}

}  // namespace zerolock::trace
