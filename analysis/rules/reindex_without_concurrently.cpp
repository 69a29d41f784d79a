// reindex-without-concurrently: REINDEX without CONCURRENTLY blocks writes (and reads that use the index).
#include "rules/rule.h"

namespace zerolock {
namespace {

class ReindexWithoutConcurrently final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "reindex-without-concurrently",
        Severity::Error,
        "locking",
        "REINDEX without CONCURRENTLY blocks writes to the table, and reads that would use the index, while it rebuilds.",
        R"md(A plain `REINDEX INDEX` takes **ACCESS EXCLUSIVE** on the index and **SHARE** on its table:
writes to the table wait for the whole rebuild, and so do reads whose plan uses the index (the
planner itself waits to look at it). `REINDEX TABLE` does that for each index of the table, and
`REINDEX SCHEMA/DATABASE` for each table in turn.
From PostgreSQL 12, `REINDEX ... CONCURRENTLY` builds a new index next to the old one under SHARE
UPDATE EXCLUSIVE (reads and writes continue) and swaps them; it cannot run inside a transaction
block. Before 12: `CREATE INDEX CONCURRENTLY` a copy, `DROP INDEX CONCURRENTLY` the old one, rename
the copy.)md",
        "REINDEX INDEX ix_users_email;",
        "REINDEX INDEX CONCURRENTLY ix_users_email;",
        FixApplicability::Safe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if ((op.kind != OpKind::ReindexIndex && op.kind != OpKind::ReindexTable) || op.concurrently) return;
      if (facts.table_is_new || facts.index_is_new) return;
      std::string target = op.kind == OpKind::ReindexIndex ? "index " + op.object.display()
                           : !op.table.empty()            ? "table " + op.table.display()
                                                          : "every table of " + op.object.display();
      std::string lock = op.kind == OpKind::ReindexIndex
                             ? "ACCESS EXCLUSIVE on " + op.object.display() + " and SHARE on its table"
                             : "SHARE on " + (op.table.empty() ? std::string("each table") : op.table.display()) +
                                   " and ACCESS EXCLUSIVE on each index";
      Diagnostic& d = reporter.report(
          i, &op,
          "REINDEX of " + target + " takes " + lock +
              ": writes, and reads that use the index, are blocked until the rebuild ends",
          input.config.pg_version >= 12
              ? "Use REINDEX ... CONCURRENTLY, outside a transaction block."
              : "Before PostgreSQL 12: CREATE INDEX CONCURRENTLY a copy, DROP INDEX CONCURRENTLY the old one, rename the "
                "copy.");
      if (!op.table.empty()) reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(ReindexWithoutConcurrently);
}  // namespace zerolock
