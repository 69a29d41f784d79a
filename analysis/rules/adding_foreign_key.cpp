// adding-foreign-key: a validated foreign key locks the table and the referenced table.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class AddingForeignKey final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "adding-foreign-key",
        Severity::Warning,
        "locking",
        "Adding a validated FOREIGN KEY to an existing table blocks writes on both tables (SHARE ROW EXCLUSIVE) while every row is checked.",
        R"md(A foreign key installs triggers on both tables, so `ALTER TABLE ... ADD FOREIGN KEY` (and
`ADD COLUMN ... REFERENCES`) takes **SHARE ROW EXCLUSIVE** on the table *and* on the referenced table.
That lock blocks `INSERT`, `UPDATE` and `DELETE` on both (reads continue). Unless the constraint is
`NOT VALID`, PostgreSQL then checks every existing row against the referenced table while holding
both locks: on large tables, minutes during which writes to the parent table (often the busiest
one, `users`, `accounts`) also wait. Inside a transaction the locks are held until `COMMIT`.
Safe form:
1. `ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;`
   still takes SHARE ROW EXCLUSIVE on both tables, but only for an instant (set `lock_timeout`);
2. in a separate transaction, `ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;` takes SHARE
   UPDATE EXCLUSIVE on orders and ROW SHARE on users: reads and writes continue.
A foreign key created with a new table (`CREATE TABLE ... REFERENCES users`) is not reported: the new
table is empty, so only a brief lock on the referenced table is taken.)md",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
        "COMMIT;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
        FixApplicability::Safe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (facts.table_is_new) return;
      QualifiedName referenced;
      if (op.kind == OpKind::AddConstraint && op.constraint && op.constraint->kind == ConstraintKind::ForeignKey &&
          !op.constraint->not_valid) {
        referenced = op.constraint->referenced_table;
      } else if (op.kind == OpKind::AddColumn && op.column_spec && op.column_spec->references) {
        referenced = op.column_spec->referenced_table;
      } else {
        return;
      }
      Diagnostic& d = reporter.report(
          i, &op,
          "Adding this FOREIGN KEY takes SHARE ROW EXCLUSIVE on " + op.table.display() + " and on " + referenced.display() +
              " and checks every row of " + op.table.display() + ": writes to both tables are blocked until it ends",
          op.kind == OpKind::AddColumn
              ? "Add the column without REFERENCES, then add the foreign key NOT VALID and VALIDATE it in a separate "
                "transaction."
              : "Add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.");
      reporter.scale_by_table(d, op.table);
      // A large referenced table makes it serious even when the referencing one is small.
      if (input.config.is_large(referenced.display()) || input.config.is_large(referenced.name)) d.severity = Severity::Error;
    });
  }
};

}  // namespace
ZEROLOCK_RULE(AddingForeignKey);
}  // namespace zerolock
