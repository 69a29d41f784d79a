#include "server/cli/trace/tracer.h"

#include <chrono>

#include "server/cli/trace/autocommit_observer.h"
#include "server/cli/trace/catalog_snapshot.h"
#include "server/cli/trace/interrupt.h"
#include "server/cli/trace/lock_comparison.h"
#include "server/cli/trace/statement_sql.h"

namespace zerolock::trace {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// Byte offset of the 1-based character position `chars` (the server counts characters) in `sql`.
uint32_t byte_of_character(std::string_view sql, int chars) {
  uint32_t b = 0;
  for (int c = 1; c < chars && b < sql.size(); ++c) {
    ++b;
    while (b < sql.size() && (static_cast<unsigned char>(sql[b]) & 0xC0) == 0x80) ++b;
  }
  return b;
}

StatementError error_of(const PgError& e, const cli::FileReport& report, const Statement& s, std::string_view sql) {
  StatementError out{e.message, e.sqlstate, e.detail, e.hint, 0, 0, false};
  uint32_t offset = s.range.begin + (e.position > 0 ? byte_of_character(sql, e.position) : 0);
  TextPosition p = report.lines.position(offset, ColumnEncoding::Utf16);
  out.line = p.line;
  out.character = p.character;
  out.has_position = e.position > 0;
  return out;
}

// CREATE/DROP DATABASE and the like reach beyond the database a user marked as scratch.
bool affects_other_databases(const Statement& s) {
  if (!s.parsed) return false;
  for (const Operation& op : s.parsed->ops)
    if (op.kind == OpKind::CreateDatabase || op.kind == OpKind::DropDatabase) return true;
  return false;
}

class Tracer {
 public:
  Tracer(const TraceTarget& target, StatementCache& cache, TraceRun& run) : t_(target), cache_(cache), run_(run) {}

  void trace_all(const std::vector<std::unique_ptr<cli::FileReport>>& reports) {
    PgConnection& conn = *t_.conn;
    if (!t_.scratch) conn.run("SET lock_timeout = '10s'");  // never queue behind production traffic for long
    if (!begin()) return;
    for (const auto& report : reports) trace_file(*report);
    if (interrupted()) run_.interrupted = true;  // also when the signal cancelled the last statement
    PgResult r = conn.run("ROLLBACK");
    run_.rolled_back = !std::holds_alternative<PgError>(r);
    if (!run_.rolled_back && run_.fatal.empty()) run_.fatal = "ROLLBACK failed: " + std::get<PgError>(r).message;
  }

 private:
  bool begin() {
    PgResult r = t_.conn->run("BEGIN");
    if (auto* e = std::get_if<PgError>(&r)) {
      run_.fatal = "BEGIN failed: " + e->message;
      stopped_ = true;
      return false;
    }
    return true;
  }

  void trace_file(const cli::FileReport& report) {
    const auto& statements = report.analysis.migration.statements;
    FileTrace file;
    file.path = report.path;
    std::vector<Clock::time_point> reached(statements.size() + 1, Clock::now());
    std::vector<Clock::time_point> started(statements.size(), Clock::now());
    for (size_t i = 0; i < statements.size(); ++i) {
      reached[i] = Clock::now();
      started[i] = reached[i];
      file.statements.push_back(trace_statement(report, i, started[i]));
    }
    reached[statements.size()] = Clock::now();
    // How long each statement's locks were held: to its own end outside a transaction, else to the
    // statement that ends its transaction (or the end of the file / of the trace).
    for (size_t i = 0; i < file.statements.size(); ++i) {
      StatementTrace& st = file.statements[i];
      if (st.status != TraceStatus::Ran) continue;
      if (st.run == "autocommit" || !st.in_transaction) {
        st.held_until = "statement";
        st.held_ms = st.duration_ms;
        continue;
      }
      st.held_until = "transaction";
      int32_t ends = report.analysis.facts[i].transaction_ends_at;
      size_t end_index = ends >= 0 && static_cast<size_t>(ends) > i ? static_cast<size_t>(ends) : statements.size();
      if (ends < 0) {
        // The tool's own transaction: one per migration unit (a Liquibase changeSet, ...), else the file.
        for (size_t j = i + 1; j < statements.size(); ++j)
          if (statements[j].unit != statements[i].unit) {
            end_index = j;
            break;
          }
      }
      st.held_ms = ms_between(started[i], reached[end_index]);
    }
    run_.files.push_back(std::move(file));
  }

  StatementTrace base(const cli::FileReport& report, size_t i) {
    const Statement& s = report.analysis.migration.statements[i];
    const StatementFacts& f = report.analysis.facts[i];
    StatementTrace st;
    st.index = i;
    st.begin = s.range.begin;
    st.end = s.range.end;
    st.text = std::string(std::string_view(report.text).substr(s.range.begin, s.range.size()));
    st.summary = s.parsed ? s.parsed->summary : "";
    st.in_transaction = s.in_transaction;
    st.predicted_rewrite = f.effect.rewrite;
    st.predicted_transactional = f.effect.transactional;
    st.predicted_known = f.effect.known && !(s.parsed && s.parsed->error);
    for (const RelationLock& l : f.effect.locks) {
      LockRow row;
      row.relation = l.relation;
      row.predicted = l.mode;
      row.exists = false;  // replaced by the comparison once the statement ran
      st.locks.push_back(row);
    }
    return st;
  }

  StatementTrace trace_statement(const cli::FileReport& report, size_t i, Clock::time_point& started) {
    const Statement& s = report.analysis.migration.statements[i];
    const StatementFacts& f = report.analysis.facts[i];
    StatementTrace st = base(report, i);
    if (!stopped_ && interrupted()) {
      stopped_ = true;
      run_.interrupted = true;
    }
    if (stopped_) {
      st.status = TraceStatus::NotRun;
      st.reason = run_.interrupted ? "interrupted" : "the trace stopped at an earlier statement";
      return st;
    }
    if (s.section == Section::Downgrade) {
      st.status = TraceStatus::Skipped;
      st.reason = "part of the rollback (downgrade) of the migration: not traced";
      return st;
    }
    if (is_transaction_control(s)) {
      st.status = TraceStatus::Skipped;
      st.reason = "transaction control: the trace runs every statement in one transaction of its own and rolls it back";
      return st;
    }
    StatementSql sql = statement_sql(report, i, cache_);
    if (!sql.sql) {
      st.status = TraceStatus::NotTraceable;
      st.reason = sql.reason;
      return st;
    }
    st.text = *sql.sql;
    bool autocommit_only = !f.effect.transactional && !s.in_transaction;
    if (autocommit_only && !t_.scratch) {
      st.status = TraceStatus::Skipped;
      st.reason = "cannot run inside a transaction block: traced only on a scratch database (--scratch); "
                  "never run outside the rolled-back transaction here";
      return st;
    }
    if (autocommit_only && !t_.own_cluster && affects_other_databases(s)) {
      st.status = TraceStatus::Skipped;
      st.reason = "acts on the whole server, not only this scratch database: traced only on the --scratch cluster";
      return st;
    }
    started = Clock::now();
    if (autocommit_only) run_autocommit(report, s, f, st);
    else run_in_transaction(report, s, f, st);
    if (st.status == TraceStatus::Failed) stopped_ = true;
    if (!stopped_ && !t_.conn->in_transaction()) {
      // Nothing the trace sends can end its transaction; if it happened, stop at once.
      run_.fatal = "statement " + std::to_string(i + 1) + " of " + report.path +
                   " ended the trace's transaction; the trace stopped";
      stopped_ = true;
    }
    return st;
  }

  bool snapshot(Relations& rels, std::vector<HeldLock>* locks, StatementTrace& st) {
    auto r = read_relations(*t_.conn);
    if (auto* e = std::get_if<PgError>(&r)) return fail_internal(st, *e);
    rels = std::move(std::get<Relations>(r));
    if (locks) {
      auto l = read_locks(*t_.conn, t_.conn->backend_pid());
      if (auto* e = std::get_if<PgError>(&l)) return fail_internal(st, *e);
      *locks = std::move(std::get<std::vector<HeldLock>>(l));
    }
    return true;
  }

  bool fail_internal(StatementTrace& st, const PgError& e) {
    run_.fatal = "reading pg_locks/pg_class failed: " + e.message;
    st.status = TraceStatus::NotRun;
    st.reason = run_.fatal;
    stopped_ = true;
    return false;
  }

  void finish_observation(const cli::FileReport& report, const Statement& s, const StatementFacts& f, StatementTrace& st,
                          const PgResult& result, const Relations& before, const std::vector<HeldLock>& held_before,
                          const std::vector<HeldLock>& seen) {
    if (auto* e = std::get_if<PgError>(&result)) {
      st.status = TraceStatus::Failed;
      st.error = error_of(*e, report, s, st.text);
      return;
    }
    Relations after;
    if (!snapshot(after, nullptr, st)) return;
    st.status = TraceStatus::Ran;
    st.locks = compare_locks(s, f, before, held_before, seen);
    StorageChanges changes = storage_changes(s, before, after);
    st.rewritten = changes.rewritten;
    st.truncated = changes.truncated;
    st.observed_rewrite = !changes.rewritten.empty();
  }

  void run_in_transaction(const cli::FileReport& report, const Statement& s, const StatementFacts& f, StatementTrace& st) {
    PgConnection& conn = *t_.conn;
    Relations before;
    std::vector<HeldLock> held_before;
    if (!snapshot(before, &held_before, st)) return;
    st.run = "transaction";
    st.observation = "same session, after the statement";
    conn.take_notices();
    auto t0 = Clock::now();
    PgResult result = conn.run(st.text);
    st.duration_ms = ms_between(t0, Clock::now());
    st.notices = conn.take_notices();
    std::vector<HeldLock> seen;
    if (!std::holds_alternative<PgError>(result)) {
      auto l = read_locks(conn, conn.backend_pid());  // first, before anything else is read
      if (auto* e = std::get_if<PgError>(&l)) {
        fail_internal(st, *e);
        return;
      }
      seen = std::move(std::get<std::vector<HeldLock>>(l));
    }
    finish_observation(report, s, f, st, result, before, held_before, seen);
  }

  void run_autocommit(const cli::FileReport& report, const Statement& s, const StatementFacts& f, StatementTrace& st) {
    PgConnection& conn = *t_.conn;
    st.run = "autocommit";
    // Scratch target only: what ran so far is committed so the statement sees it.
    PgResult c = conn.run("COMMIT");
    if (auto* e = std::get_if<PgError>(&c)) {
      fail_internal(st, *e);
      return;
    }
    run_.committed = true;
    if (!observer_) {
      auto o = PgConnection::open(t_.conninfo);
      if (auto* why = std::get_if<std::string>(&o)) {
        run_.fatal = "cannot open the observer connection: " + *why;
        st.status = TraceStatus::NotRun;
        st.reason = run_.fatal;
        stopped_ = true;
        return;
      }
      observer_ = std::move(std::get<std::unique_ptr<PgConnection>>(o));
    }
    Relations before;
    if (!snapshot(before, nullptr, st)) return;
    AutocommitObservation obs = observe_autocommit(conn, *observer_, st.text, t_.own_cluster);
    st.observation = obs.method;
    st.duration_ms = obs.duration_ms;
    st.notices = obs.notices;
    finish_observation(report, s, f, st, obs.result, before, {}, obs.seen);
    if (!begin()) stopped_ = true;
  }

  const TraceTarget& t_;
  StatementCache& cache_;
  TraceRun& run_;
  std::unique_ptr<PgConnection> observer_;
  bool stopped_ = false;
};

}  // namespace

void run_trace(const TraceTarget& target, const std::vector<std::unique_ptr<cli::FileReport>>& reports,
               StatementCache& cache, TraceRun& run) {
  Tracer tracer(target, cache, run);
  tracer.trace_all(reports);
}

}  // namespace zerolock::trace
