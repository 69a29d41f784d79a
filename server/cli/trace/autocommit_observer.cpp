#include "server/cli/trace/autocommit_observer.h"

#include <poll.h>

#include <chrono>

#include "server/cli/trace/interrupt.h"

namespace zerolock::trace {

AutocommitObservation observe_autocommit(PgConnection& runner, PgConnection& observer, const std::string& sql,
                                         bool use_sync_rep) {
  using clock = std::chrono::steady_clock;
  AutocommitObservation out{PgRows{}, {}, use_sync_rep ? "second session (SyncRep)" : "second session (sampled)", 0, {}};
  if (use_sync_rep) {
    out.result = runner.run("SET synchronous_commit = on");
    if (std::holds_alternative<PgError>(out.result)) return out;
  }
  const std::string pid = std::to_string(runner.backend_pid());
  auto start = clock::now();
  if (!runner.send(sql)) {
    out.result = PgError{"could not send the statement", "", "", "", 0};
    return out;
  }
  std::string last_cancelled_xid;
  auto last_cancel = clock::time_point{};
  bool cancelled_for_interrupt = false;
  while (runner.busy()) {
    if (interrupted() && !cancelled_for_interrupt) {
      runner.cancel();
      cancelled_for_interrupt = true;
    }
    auto locks = read_locks(observer, runner.backend_pid());
    if (auto* rows = std::get_if<std::vector<HeldLock>>(&locks)) out.seen.insert(out.seen.end(), rows->begin(), rows->end());
    if (use_sync_rep) {
      PgResult state = observer.run("SELECT coalesce(wait_event, ''), coalesce(backend_xid::text, '') FROM pg_stat_activity WHERE pid = $1::int", {pid});
      auto* rows = std::get_if<PgRows>(&state);
      if (rows && !rows->rows.empty() && rows->rows[0][0].value_or("") == "SyncRep") {
        std::string xid = rows->rows[0][1].value_or("");
        // One cancel per committing transaction: a wait still seen right after a cancel is the same one
        // (a commit waits in SyncRep only after writing a transaction id). A wait that outlives its
        // cancel by a second is cancelled again, so nothing can hang here.
        bool same = (xid.empty() || xid == last_cancelled_xid) && clock::now() - last_cancel < std::chrono::seconds(1);
        if (!same) {
          auto at_wait = read_locks(observer, runner.backend_pid());
          if (auto* held = std::get_if<std::vector<HeldLock>>(&at_wait)) out.seen.insert(out.seen.end(), held->begin(), held->end());
          observer.run("SELECT pg_cancel_backend($1::int)", {pid});
          last_cancelled_xid = xid;
          last_cancel = clock::now();
        }
      }
    }
    pollfd p{runner.socket(), POLLIN, 0};
    poll(&p, 1, 1);
  }
  out.result = runner.finish();
  out.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - start).count();
  for (std::string& n : runner.take_notices())
    if (n.find("synchronous replication") == std::string::npos) out.notices.push_back(std::move(n));
  if (use_sync_rep) runner.run("SET synchronous_commit = off");
  runner.take_notices();
  return out;
}

}  // namespace zerolock::trace
