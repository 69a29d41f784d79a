// constraint-missing-not-valid: ADD CONSTRAINT CHECK / FOREIGN KEY validated under a strong lock.
#include <map>

#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class ConstraintMissingNotValid final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "constraint-missing-not-valid",
        Severity::Error,
        "locking",
        "ADD CONSTRAINT CHECK/FOREIGN KEY without NOT VALID checks every row while holding a lock that blocks writes.",
        R"md(Adding a `CHECK` constraint takes an **ACCESS EXCLUSIVE** lock on the table (no reads, no writes);
adding a `FOREIGN KEY` takes **SHARE ROW EXCLUSIVE** on the table *and* on the referenced table (no
writes on either). Without `NOT VALID`, PostgreSQL then scans every existing row to check the
constraint (for a foreign key, a join against the referenced table) while holding that lock: on a
large table, minutes of blocked traffic; inside a transaction, until `COMMIT`.
Safe form, in two transactions:
1. `ALTER TABLE t ADD CONSTRAINT c ... NOT VALID;` is instant: new and updated rows are checked from now on;
2. `ALTER TABLE t VALIDATE CONSTRAINT c;` scans under **SHARE UPDATE EXCLUSIVE**, which lets reads and
   writes continue (for a foreign key the referenced table gets ROW SHARE).
Running `VALIDATE` in the same transaction as the `ADD ... NOT VALID` gains nothing: the strong lock
taken by the ADD is held until `COMMIT`, through the whole validation; that case is reported too.
`UNIQUE`, `PRIMARY KEY` and `EXCLUSION` constraints cannot be `NOT VALID` (PostgreSQL rejects it): see
`unique-constraint-builds-index` and `adding-primary-key` for those.)md",
        "ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0);",
        "ALTER TABLE orders ADD CONSTRAINT orders_quantity_positive CHECK (quantity > 0) NOT VALID;\n"
        "COMMIT;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_quantity_positive;",
        FixApplicability::Safe,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    std::vector<int32_t> tx = rule_util::transaction_ids(input);
    struct Added {
      size_t statement;
      int32_t transaction;
    };
    std::map<std::string, Added> not_valid;  // "table\x1fconstraint" -> where it was added NOT VALID
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind == OpKind::ValidateConstraint) {
        auto it = not_valid.find(SchemaState::key(op.table) + '\x1f' + op.object.name);
        if (it == not_valid.end() || tx[i] < 0 || tx[i] != it->second.transaction || facts.table_is_new) return;
        Diagnostic& d = reporter.report(
            i, &op,
            "VALIDATE CONSTRAINT " + op.object.name + " runs in the same transaction that added it: the lock the ADD took on " +
                op.table.display() + " is held for the whole validation scan",
            "Commit after ADD CONSTRAINT ... NOT VALID and validate in a separate transaction.");
        d.related.push_back({input.migration.statements[it->second.statement].range, "the constraint is added here"});
        reporter.scale_by_table(d, op.table);
        return;
      }
      if (op.kind != OpKind::AddConstraint || !op.constraint) return;
      const ConstraintSpec& c = *op.constraint;
      if (c.kind != ConstraintKind::Check && c.kind != ConstraintKind::ForeignKey) return;
      if (c.not_valid) {
        if (!c.name.empty()) not_valid[SchemaState::key(op.table) + '\x1f' + c.name] = {i, tx[i]};
        return;
      }
      if (facts.table_is_new) return;
      std::string name = c.name.empty() ? std::string() : c.name + " ";
      std::string message;
      if (c.kind == ConstraintKind::Check) {
        message = "CHECK constraint " + name + "is validated against every row of " + op.table.display() +
                  " under ACCESS EXCLUSIVE: reads and writes are blocked for the whole scan";
      } else {
        message = "FOREIGN KEY " + name + "is validated against every row of " + op.table.display() +
                  " while SHARE ROW EXCLUSIVE is held on " + op.table.display() + " and " +
                  c.referenced_table.display() + ": writes to both tables are blocked for the whole scan";
      }
      Diagnostic& d = reporter.report(
          i, &op, std::move(message),
          "Add it with NOT VALID (instant), then VALIDATE CONSTRAINT in a separate transaction (SHARE UPDATE EXCLUSIVE: "
          "reads and writes continue).");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(ConstraintMissingNotValid);
}  // namespace zerolock
