#pragma once
// Runs analysed migration files against a server, statement by statement, and records what each
// statement really locked and rewrote beside the prediction. Safety:
//  * every statement runs inside one transaction of the trace's own, rolled back at the end;
//    the migration's own BEGIN/COMMIT/ROLLBACK/SAVEPOINT statements are skipped (reported);
//  * statements go through the extended query protocol, one statement per call, so no text can
//    smuggle a second statement (a COMMIT) in;
//  * after each statement the trace checks that its transaction is still open, and stops if not;
//  * statements that cannot run in a transaction block run only on a scratch target: the
//    transaction so far is committed (scratch only), the statement runs on its own, observed from a
//    second session (autocommit_observer.h), and a new transaction begins. Elsewhere they are
//    skipped and reported;
//  * the first statement the server rejects stops the trace (the transaction is still rolled back).
#include <memory>
#include <string>
#include <vector>

#include "engine/statement_cache.h"
#include "server/cli/file_report.h"
#include "server/cli/trace/pg_connection.h"
#include "server/cli/trace/trace_result.h"

namespace zerolock::trace {

struct TraceTarget {
  PgConnection* conn = nullptr;
  std::string conninfo;       // to open the observer connection (scratch targets)
  bool scratch = false;
  bool own_cluster = false;   // the --scratch cluster: SyncRep observation available
};

// Fills run.files; run.fatal on an error that is not a statement's (lost connection ...).
void run_trace(const TraceTarget& target, const std::vector<std::unique_ptr<cli::FileReport>>& reports,
               StatementCache& cache, TraceRun& run);

}  // namespace zerolock::trace
