#pragma once
// What `zerolock trace` found: per statement, what the static analysis predicted beside what the
// server did. Filled by tracer.cpp, written by trace_report_text.cpp / trace_report_json.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "locks/lock_mode.h"

namespace zerolock::trace {

enum class TraceStatus : uint8_t {
  Ran,           // executed, observed
  Failed,        // the server rejected it: the trace stopped here
  Skipped,       // deliberately not executed (transaction control, autocommit-only on a non-scratch target)
  NotTraceable,  // the engine has no exact SQL for it (Alembic op.* calls, Liquibase change types ...)
  NotRun,        // after a failure or an interrupt
};
const char* trace_status_name(TraceStatus status);

// One relation of a statement: the predicted and the observed mode (strongest of each).
struct LockRow {
  std::string relation;
  LockMode predicted = LockMode::None;
  LockMode observed = LockMode::None;
  bool already_held = false;  // the predicted mode was held since an earlier statement of the trace's
                              // transaction, so the server had nothing new to grant
  bool compared = true;       // false: a lock on a relation the statement does not name (shown, not judged)
  bool exists = true;         // false: the relation did not exist before the statement (not judged)
  [[nodiscard]] bool mismatch() const { return compared && exists && !already_held && predicted != observed; }
};

struct StatementError {
  std::string message, sqlstate, detail, hint;
  uint32_t line = 0, character = 0;  // 0-based position in the file of the server's error position
  bool has_position = false;
};

struct StatementTrace {
  size_t index = 0;             // in the file's statements
  uint32_t begin = 0, end = 0;  // byte range in the file
  std::string text;             // the SQL run (or the source text when not traceable)
  std::string summary;
  TraceStatus status = TraceStatus::NotRun;
  std::string reason;           // why skipped / not traceable / not run
  std::string run;              // "transaction" (the trace's transaction) or "autocommit" (scratch only)
  bool in_transaction = false;  // the migration's own context, as the front end decided
  // prediction (the `locks` model)
  bool predicted_rewrite = false;
  bool predicted_transactional = true;
  bool predicted_known = true;
  // observation
  std::vector<LockRow> locks;
  bool observed_rewrite = false;
  std::vector<std::string> rewritten;  // relations with a new relfilenode
  std::vector<std::string> truncated;
  std::string observation;             // "same session", "second session (SyncRep)", "second session (sampled)"
  double duration_ms = 0;
  std::string held_until;              // "statement" or "transaction"
  double held_ms = 0;                  // how long the statement's locks were held in the trace
  std::vector<std::string> notices;
  std::optional<StatementError> error;
  [[nodiscard]] bool rewrite_mismatch() const { return status == TraceStatus::Ran && predicted_rewrite != observed_rewrite; }
  [[nodiscard]] bool mismatch() const;
};

struct FileTrace {
  std::string path;
  std::vector<StatementTrace> statements;
};

struct TraceRun {
  bool scratch = false;            // a scratch target: --scratch, or a database marked as scratch
  bool own_cluster = false;        // --scratch: the cluster zerolock started and removed
  std::string database, host;
  std::string server_version;      // "15.4"
  int pg_version = 15;             // the version the prediction used
  bool committed = false;          // anything committed (only ever on a scratch target)
  bool rolled_back = false;
  std::vector<FileTrace> files;
  std::string fatal;               // an error that stopped the trace (not a statement's)
  bool interrupted = false;

  [[nodiscard]] size_t count(TraceStatus status) const;
  [[nodiscard]] size_t mismatches() const;
};

}  // namespace zerolock::trace
