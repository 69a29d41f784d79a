#pragma once
// Observes a statement that cannot run in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM,
// ...) from a second session while it runs: its locks are gone once it ends. Scratch targets only.
//
// On the cluster `--scratch` starts (synchronous_standby_names names a standby that never
// connects), the statement's session turns synchronous_commit on: every internal commit that wrote
// a transaction id then waits in SyncRep while still holding its locks. The observer snapshots the
// locks at each such wait and ends the wait with pg_cancel_backend (the commit is already durable
// locally; the statement carries on), once per transaction id. This is the method of
// tests/pg_locks/observe.py and does not depend on timing. Elsewhere (a database marked as scratch)
// the observer only samples pg_locks while the statement runs ("sampled"): short phases may be missed.
#include <string>
#include <vector>

#include "server/cli/trace/catalog_snapshot.h"
#include "server/cli/trace/pg_connection.h"

namespace zerolock::trace {

struct AutocommitObservation {
  PgResult result;
  std::vector<HeldLock> seen;  // every lock row of every snapshot
  std::string method;          // "second session (SyncRep)" or "second session (sampled)"
  double duration_ms = 0;
  std::vector<std::string> notices;
};

AutocommitObservation observe_autocommit(PgConnection& runner, PgConnection& observer, const std::string& sql,
                                         bool use_sync_rep);

}  // namespace zerolock::trace
