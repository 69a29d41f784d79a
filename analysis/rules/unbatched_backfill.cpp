// unbatched-backfill: an UPDATE/DELETE of a whole table in one transaction, including a batched
// loop inside a single DO block (which still runs in one transaction).
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class UnbatchedBackfill final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "unbatched-backfill",
        Severity::Warning,
        "data",
        "UPDATE/DELETE of a whole table in one transaction (also a batching loop inside one DO block) locks every row until it commits.",
        R"md(An `UPDATE` or `DELETE` without `WHERE` touches every row of the table in one transaction. It takes
ROW EXCLUSIVE on the table (which does not block reads or other writes by itself) but a **row lock on
every row** it changes, held until `COMMIT`: any other transaction updating or deleting one of those
rows waits for the whole backfill. It also writes a new version of every row (twice the table's
size in dead tuples and WAL, replication lag, autovacuum work afterwards), and a failure near the end
rolls all of it back.
A loop that updates in batches *inside one `DO` block* does not help: the whole block is one
statement in one transaction, so every batch's row locks are held until the block ends, unless the
block issues `COMMIT` between batches (PostgreSQL 11+), which is only allowed when the `DO` itself
runs outside a transaction block.
Safe form: backfill in batches of a few thousand rows, each in its own transaction, driven by the
application or a script (`UPDATE t SET ... WHERE id BETWEEN $1 AND $2`), or a `DO` block with
`COMMIT` after each batch run outside any transaction. Statements on tables created earlier in the
same migration are not reported.)md",
        "UPDATE users SET plan = 'free';",
        "UPDATE users SET plan = 'free' WHERE id >= 1 AND id < 10001 AND plan IS NULL;",
        FixApplicability::None,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    const auto& statements = input.migration.statements;
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if ((op.kind == OpKind::Update || op.kind == OpKind::Delete) && !op.has_where && !facts.table_is_new) {
        const char* verb = op.kind == OpKind::Update ? "UPDATE" : "DELETE";
        Diagnostic& d = reporter.report(
            i, &op,
            std::string(verb) + " without WHERE changes every row of " + op.table.display() +
                " in one transaction: each changed row stays locked until it commits (concurrent updates of those rows "
                "wait), with a burst of WAL and dead tuples",
            op.kind == OpKind::Update ? "Backfill in batches (WHERE id BETWEEN ...), each batch in its own transaction."
                                      : "Delete in batches, each in its own transaction (or TRUNCATE a table nobody uses).");
        reporter.scale_by_table(d, op.table);
        return;
      }
      if (op.kind != OpKind::DoBlock || op.body_ops.empty()) return;
      bool in_tx = statements[i].in_transaction;
      bool commits_between = op.body_commits && !in_tx;
      for (const Operation& inner : op.body_ops) {
        if (inner.kind != OpKind::Update && inner.kind != OpKind::Delete) continue;
        if (rule_util::created_before(input.facts[i], inner.table)) continue;
        const char* verb = inner.kind == OpKind::Update ? "UPDATE" : "DELETE";
        std::string message;
        if (inner.in_loop && !commits_between) {
          message = std::string("The batching loop of this DO block runs its ") + verb + " of " + inner.table.display() +
                    " in a single transaction" +
                    (op.body_commits ? " (its COMMIT fails: the DO runs inside a transaction block)" : "") +
                    ": every batch's row locks are held until the block ends";
        } else if (!inner.in_loop && !inner.has_where) {
          message = std::string("This DO block's ") + verb + " without WHERE changes every row of " +
                    inner.table.display() + " in one transaction: each changed row stays locked until it commits";
        } else {
          continue;
        }
        Diagnostic& d = reporter.report(i, &op, std::move(message),
                                        "Run each batch in its own transaction: from the application or a script, or a "
                                        "DO block that COMMITs after each batch, outside any transaction block.");
        d.lock = LockSummary{LockMode::RowExclusive, {inner.table.display()}};
        reporter.scale_by_table(d, inner.table);
        break;  // one report per DO block
      }
    });
  }
};

}  // namespace
ZEROLOCK_RULE(UnbatchedBackfill);
}  // namespace zerolock
