// unique-constraint-builds-index: ADD UNIQUE builds its index under ACCESS EXCLUSIVE.
#include "rules/rule.h"

namespace zerolock {
namespace {

class UniqueConstraintBuildsIndex final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "unique-constraint-builds-index",
        Severity::Error,
        "locking",
        "ADD CONSTRAINT ... UNIQUE builds a unique index while holding ACCESS EXCLUSIVE: reads and writes are blocked.",
        R"md(`ALTER TABLE ... ADD CONSTRAINT ... UNIQUE (...)` (and `ADD COLUMN ... UNIQUE`) takes an
**ACCESS EXCLUSIVE** lock on the table and builds the unique index under it: every `SELECT`, `INSERT`,
`UPDATE` and `DELETE` waits for the whole index build (it reads and sorts the whole table), and
inside a transaction until `COMMIT`. This is stronger than a plain `CREATE UNIQUE INDEX`, which only
blocks writes.
A unique constraint cannot be added `NOT VALID` (PostgreSQL rejects it). Safe form:
1. `CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);` outside a transaction
   (SHARE UPDATE EXCLUSIVE: reads and writes continue; if it fails, drop the INVALID index and retry);
2. `ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;` which only
   takes ACCESS EXCLUSIVE for an instant (set `lock_timeout`).
If nothing needs the *constraint* (foreign keys can reference a unique index too), the concurrent
unique index alone is enough.)md",
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n"
        "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (facts.table_is_new) return;
      bool constraint = op.kind == OpKind::AddConstraint && op.constraint && op.constraint->kind == ConstraintKind::Unique &&
                        op.constraint->using_index.empty();
      bool column = op.kind == OpKind::AddColumn && op.column_spec && op.column_spec->unique && !op.column_spec->primary_key;
      if (!constraint && !column) return;
      Diagnostic& d = reporter.report(
          i, &op,
          "Adding a UNIQUE constraint builds its index while holding ACCESS EXCLUSIVE on " + op.table.display() +
              ": reads and writes are blocked for the whole index build",
          "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX (an instant lock).");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(UniqueConstraintBuildsIndex);
}  // namespace zerolock
