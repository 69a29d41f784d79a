#include <nlohmann/json.hpp>

#include "server/cli/trace/trace_report.h"

namespace zerolock::cli {
nlohmann::json position_json(const LineIndex& lines, uint32_t offset);
}

namespace zerolock::trace {
namespace {

nlohmann::json mode_json(LockMode m) {
  if (m == LockMode::None) return nullptr;
  return std::string(lock_mode_name(m));
}

nlohmann::json statement_json(const StatementTrace& st, const cli::FileReport& report) {
  nlohmann::json j = {
      {"index", st.index},
      {"range", {{"start", cli::position_json(report.lines, st.begin)}, {"end", cli::position_json(report.lines, st.end)}}},
      {"text", st.text},
      {"summary", st.summary},
      {"status", trace_status_name(st.status)},
      {"reason", st.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(st.reason)},
      {"in_transaction", st.in_transaction},
      {"run", st.run.empty() ? nlohmann::json(nullptr) : nlohmann::json(st.run)},
  };
  nlohmann::json predicted_locks = nlohmann::json::array();
  nlohmann::json observed_locks = nlohmann::json::array();
  nlohmann::json comparison = nlohmann::json::array();
  for (const LockRow& l : st.locks) {
    if (l.predicted != LockMode::None) predicted_locks.push_back({{"relation", l.relation}, {"mode", mode_json(l.predicted)}});
    if (st.status != TraceStatus::Ran) continue;
    if (l.observed != LockMode::None)
      observed_locks.push_back({{"relation", l.relation}, {"mode", mode_json(l.observed)}, {"already_held", l.already_held}});
    comparison.push_back({{"relation", l.relation},
                          {"predicted", mode_json(l.predicted)},
                          {"observed", mode_json(l.observed)},
                          {"already_held", l.already_held},
                          {"compared", l.compared && l.exists},
                          {"match", !l.mismatch()}});
  }
  j["predicted"] = {{"locks", predicted_locks},
                    {"rewrite", st.predicted_rewrite},
                    {"transactional", st.predicted_transactional},
                    {"known", st.predicted_known}};
  if (st.status == TraceStatus::Ran) {
    j["observed"] = {{"locks", observed_locks},
                     {"rewrite", st.observed_rewrite},
                     {"rewritten", st.rewritten},
                     {"truncated", st.truncated},
                     {"method", st.observation},
                     {"duration_ms", st.duration_ms},
                     {"held_until", st.held_until},
                     {"held_ms", st.held_ms},
                     {"notices", st.notices}};
    j["comparison"] = comparison;
    j["rewrite_match"] = !st.rewrite_mismatch();
  } else {
    j["observed"] = nullptr;
    j["comparison"] = nullptr;
    j["rewrite_match"] = nullptr;
  }
  j["mismatch"] = st.mismatch();
  if (st.error) {
    const StatementError& e = *st.error;
    j["error"] = {{"message", e.message},
                  {"sqlstate", e.sqlstate},
                  {"detail", e.detail},
                  {"hint", e.hint},
                  {"position", e.has_position ? nlohmann::json{{"line", e.line}, {"character", e.character}} : nlohmann::json(nullptr)}};
  } else {
    j["error"] = nullptr;
  }
  return j;
}

}  // namespace

void write_trace_json(std::ostream& out, const TraceRun& run, const std::vector<std::unique_ptr<cli::FileReport>>& reports) {
  nlohmann::json files = nlohmann::json::array();
  for (size_t f = 0; f < run.files.size() && f < reports.size(); ++f) {
    nlohmann::json statements = nlohmann::json::array();
    for (const StatementTrace& st : run.files[f].statements) statements.push_back(statement_json(st, *reports[f]));
    files.push_back({{"path", run.files[f].path}, {"statements", statements}});
  }
  nlohmann::json doc = {
      {"target",
       {{"kind", run.own_cluster ? "scratch_cluster" : "database"},
        {"database", run.database},
        {"host", run.host},
        {"server_version", run.server_version},
        {"scratch", run.scratch}}},
      {"pg_version", run.pg_version},
      {"files", files},
      {"summary",
       {{"ran", run.count(TraceStatus::Ran)},
        {"mismatches", run.mismatches()},
        {"skipped", run.count(TraceStatus::Skipped)},
        {"not_traceable", run.count(TraceStatus::NotTraceable)},
        {"failed", run.count(TraceStatus::Failed)},
        {"not_run", run.count(TraceStatus::NotRun)}}},
      {"committed", run.committed},
      {"rolled_back", run.rolled_back},
      {"interrupted", run.interrupted},
      {"error", run.fatal.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.fatal)},
  };
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace zerolock::trace
