// adding-primary-key: ADD PRIMARY KEY builds an index (and checks NOT NULL) under ACCESS EXCLUSIVE.
#include "rules/rule.h"

namespace zerolock {
namespace {

class AddingPrimaryKey final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "adding-primary-key",
        Severity::Error,
        "locking",
        "ADD PRIMARY KEY builds a unique index and checks NOT NULL while holding ACCESS EXCLUSIVE.",
        R"md(`ALTER TABLE ... ADD PRIMARY KEY (...)` (or `ADD CONSTRAINT ... PRIMARY KEY`, or `ADD COLUMN ...
PRIMARY KEY`) takes an **ACCESS EXCLUSIVE** lock on the table, builds a unique index under it and
marks the key columns NOT NULL, scanning the table if they are not already NOT NULL. Reads and
writes are blocked for the whole index build (and inside a transaction until `COMMIT`).
A primary key cannot be `NOT VALID`. Safe form:
1. make the columns NOT NULL without a long lock (see `setting-not-null`: a validated
   `CHECK (col IS NOT NULL)` then `SET NOT NULL`);
2. `CREATE UNIQUE INDEX CONCURRENTLY orders_pkey ON orders (id);` outside a transaction;
3. `ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey;` which takes
   ACCESS EXCLUSIVE only for an instant when the columns are already NOT NULL.)md",
        "ALTER TABLE orders ADD PRIMARY KEY (id);",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_pkey ON orders (id);\n"
        "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey;",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (facts.table_is_new) return;
      bool constraint = op.kind == OpKind::AddConstraint && op.constraint &&
                        op.constraint->kind == ConstraintKind::PrimaryKey && op.constraint->using_index.empty();
      bool column = op.kind == OpKind::AddColumn && op.column_spec && op.column_spec->primary_key;
      if (!constraint && !column) return;
      Diagnostic& d = reporter.report(
          i, &op,
          "Adding a PRIMARY KEY builds its unique index while holding ACCESS EXCLUSIVE on " + op.table.display() +
              ": reads and writes are blocked for the whole index build and NOT NULL check",
          "Make the columns NOT NULL safely, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING "
          "INDEX.");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(AddingPrimaryKey);
}  // namespace zerolock
