// zerolock trace: runs a migration against a real PostgreSQL in a transaction it rolls back and
// reports the locks the server really took beside what `zerolock locks` predicts (docs/trace.md).
// The machinery lives in server/cli/trace/; this file is the command's flow and exit status:
// 0 traced and every prediction matched, 1 a mismatch or a statement the server rejected,
// 2 usage, I/O, connection or setup errors, 130 interrupted.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/analysis.h"
#include "server/cli/commands.h"
#include "server/cli/file_report.h"
#include "server/cli/inputs.h"
#include "server/cli/trace/interrupt.h"
#include "server/cli/trace/pg_connection.h"
#include "server/cli/trace/scratch_cluster.h"
#include "server/cli/trace/trace_options.h"
#include "server/cli/trace/trace_report.h"
#include "server/cli/trace/tracer.h"
#include "sql/splitter.h"

namespace zerolock::cli {
namespace {

using trace::PgConnection;
using trace::PgError;
using trace::PgResult;

// The comment that marks a database as scratch (disposable): `COMMENT ON DATABASE db IS 'zerolock:scratch'`.
constexpr const char* kScratchMark = "zerolock:scratch";

int fail(const std::string& message) {
  std::cerr << "zerolock trace: " << message << "\n";
  return 2;
}

bool is_marked_scratch(PgConnection& conn) {
  PgResult r = conn.run("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = current_database()");
  return trace::single_value(r).value_or("") == kScratchMark;
}

// Runs the --schema file statement by statement (split by the engine's splitter), committing each.
std::string load_schema(PgConnection& conn, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot read: " + std::strerror(errno);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  LineIndex lines(text);
  sql::SplitResult split = sql::split(text);
  for (const ByteRange& r : split.statements) {
    PgResult result = conn.run(std::string(text.substr(r.begin, r.size())));
    if (auto* e = std::get_if<PgError>(&result))
      return path + ":" + std::to_string(lines.line_of(r.begin) + 1) + ": schema statement failed: " + e->message;
  }
  return {};
}

std::vector<std::unique_ptr<FileReport>> analyze(std::vector<InputFile>& files, const CommonOptions& options,
                                                 StatementCache& cache, std::vector<std::string>& errors) {
  std::vector<std::unique_ptr<FileReport>> reports;
  ConfigResolver configs(options);
  for (InputFile& file : files) {
    std::optional<Config> config = configs.config_for(file.path);
    if (!config) continue;
    DocumentInput input;
    input.path = file.path;
    input.text = file.text;
    Analysis analysis = analyze_document(input, *config, cache);  // no sweep: statement_sql() looks parses up
    reports.push_back(make_report(file.path, std::move(file.text), std::move(analysis)));
  }
  errors.insert(errors.end(), configs.errors().begin(), configs.errors().end());
  return reports;
}

}  // namespace

int trace_command(const Args& args) {
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      std::cout << trace::trace_help() << common_options_help() << "formats: text (default), json\n"
                << "\nexit status: 0 every prediction matched, 1 a mismatch or a failing statement, 2 usage/I-O/connection error\n";
      return 0;
    }
  }
  trace::TraceParse parsed = trace::parse_trace_options(args);
  if (!parsed.options) return fail(parsed.error + " (zerolock trace --help)");
  trace::TraceOptions& o = *parsed.options;

  Inputs inputs = collect_inputs(o.common);
  if (!inputs.errors.empty()) {
    for (const std::string& e : inputs.errors) std::cerr << "zerolock trace: " << e << "\n";
    return 2;
  }
  if (o.schema_file && !std::ifstream(*o.schema_file))  // before a scratch cluster is started for nothing
    return fail(*o.schema_file + ": cannot read: " + std::strerror(errno));
  trace::InterruptGuard interrupt_guard;

  std::unique_ptr<trace::ScratchCluster> cluster;
  std::string conninfo;
  if (o.scratch) {
    auto started = trace::ScratchCluster::start();
    if (auto* why = std::get_if<std::string>(&started)) return fail(*why);
    cluster = std::move(std::get<std::unique_ptr<trace::ScratchCluster>>(started));
    conninfo = cluster->conninfo();
  } else {
    conninfo = *o.database_url;
  }
  auto opened = PgConnection::open(conninfo);
  if (auto* why = std::get_if<std::string>(&opened)) return fail(*why);
  std::unique_ptr<PgConnection> conn = std::move(std::get<std::unique_ptr<PgConnection>>(opened));

  trace::TraceRun run;
  run.own_cluster = o.scratch;
  run.scratch = o.scratch || is_marked_scratch(*conn);
  run.database = conn->database();
  run.host = o.scratch ? "scratch cluster" : conn->host();
  run.server_version = trace::single_value(conn->run("SHOW server_version")).value_or("?");
  if (auto sp = run.server_version.find(' '); sp != std::string::npos) run.server_version.resize(sp);
  if (!run.scratch && !o.yes)
    return fail("refusing to trace against database '" + run.database + "' on " + run.host +
                " without --yes: the trace rolls everything back, but it takes the migration's locks for real and "
                "blocks other sessions while it runs. Pass --yes, or trace on a scratch database (--scratch, or a "
                "database marked with COMMENT ON DATABASE ... IS '" + kScratchMark + "').");
  if (o.schema_file) {
    std::string error = load_schema(*conn, *o.schema_file);
    if (!error.empty()) return fail(error);
  }

  // Predict for the server being traced unless --pg-version says otherwise.
  if (!o.common.pg_version) o.common.pg_version = std::clamp(conn->server_version() / 10000, 11, 17);
  run.pg_version = *o.common.pg_version;
  StatementCache cache;
  std::vector<std::string> errors;
  auto reports = analyze(inputs.files, o.common, cache, errors);
  if (!errors.empty()) {
    for (const std::string& e : errors) std::cerr << "zerolock trace: " << e << "\n";
    return 2;
  }

  trace::TraceTarget target{conn.get(), conninfo, run.scratch, o.scratch};
  trace::run_trace(target, reports, cache, run);
  if (o.common.format == "json") trace::write_trace_json(std::cout, run, reports);
  else trace::write_trace_text(std::cout, run, reports);
  std::cout.flush();
  if (run.interrupted) return 130;
  if (!run.fatal.empty()) {
    std::cerr << "zerolock trace: " << run.fatal << "\n";
    return 2;
  }
  return run.mismatches() > 0 || run.count(trace::TraceStatus::Failed) > 0 ? 1 : 0;
}

}  // namespace zerolock::cli
