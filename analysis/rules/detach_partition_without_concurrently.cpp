// detach-partition-without-concurrently: DETACH PARTITION takes ACCESS EXCLUSIVE on the parent.
#include "rules/rule.h"

namespace zerolock {
namespace {

class DetachPartitionWithoutConcurrently final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "detach-partition-without-concurrently",
        Severity::Warning,
        "locking",
        "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the partitioned table (PostgreSQL 14+ has a concurrent form).",
        R"md(`ALTER TABLE parent DETACH PARTITION child` takes an **ACCESS EXCLUSIVE** lock on the partitioned
table and on the partition: every query on any partition of the table waits behind it, and while
it waits for running queries, new ones queue behind it.
From PostgreSQL 14, `DETACH PARTITION ... CONCURRENTLY` takes SHARE UPDATE EXCLUSIVE on the parent
(reads and writes continue) and waits for running transactions in two steps; it cannot run inside
a transaction block, and if interrupted it is completed with `DETACH PARTITION ... FINALIZE`. Before
14 there is no concurrent form: set a short `lock_timeout` and retry.)md",
        "ALTER TABLE measurements DETACH PARTITION measurements_2020;",
        "ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;",
        FixApplicability::Safe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    if (input.config.pg_version < 14) return;
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::DetachPartition || op.partition_detach_concurrently || op.partition_detach_finalize ||
          facts.table_is_new)
        return;
      Diagnostic& d = reporter.report(
          i, &op,
          "DETACH PARTITION " + op.object.display() + " takes ACCESS EXCLUSIVE on " + op.table.display() +
              ": every query on the partitioned table is blocked while it waits and runs",
          "Use DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), outside a transaction block.");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(DetachPartitionWithoutConcurrently);
}  // namespace zerolock
