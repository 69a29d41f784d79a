// require-concurrent-index-deletion: DROP INDEX without CONCURRENTLY.
#include "rules/rule.h"

namespace zerolock {
namespace {

class RequireConcurrentIndexDeletion final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "require-concurrent-index-deletion",
        Severity::Warning,
        "locking",
        "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table.",
        R"md(A plain `DROP INDEX` takes an **ACCESS EXCLUSIVE** lock on the table the index belongs to. The
drop itself is quick, but it must first wait for every running query on the table to finish, and
while it waits, every new query on the table (reads included) queues behind it. Inside a
transaction the lock is held until `COMMIT`.

`DROP INDEX CONCURRENTLY` takes SHARE UPDATE EXCLUSIVE and waits for conflicting transactions
without blocking new queries. It cannot run inside a transaction block and drops one index at a
time.)md",
        "DROP INDEX ix_users_email;",
        "DROP INDEX CONCURRENTLY IF EXISTS ix_users_email;",
        FixApplicability::Safe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::DropIndex || op.concurrently || facts.index_is_new) return;
      reporter.report(i, &op,
                      "DROP INDEX " + op.object.display() +
                          " takes ACCESS EXCLUSIVE on its table: reads and writes queue behind it until it ends",
                      "Drop it with DROP INDEX CONCURRENTLY, outside a transaction block.");
    });
  }
};

}  // namespace
ZEROLOCK_RULE(RequireConcurrentIndexDeletion);
}  // namespace zerolock
