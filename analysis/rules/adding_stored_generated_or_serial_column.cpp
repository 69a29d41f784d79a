// adding-stored-generated-or-serial-column: ADD COLUMN serial / identity / GENERATED ... STORED.
#include "rules/rule.h"

namespace zerolock {
namespace {

class AddingStoredGeneratedOrSerialColumn final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "adding-stored-generated-or-serial-column",
        Severity::Error,
        "rewrite",
        "ADD COLUMN of a serial, identity or GENERATED ... STORED column rewrites the table under ACCESS EXCLUSIVE.",
        R"md(Adding a `serial`/`bigserial` column, a `GENERATED ... AS IDENTITY` column or a
`GENERATED ALWAYS AS (...) STORED` column to an existing table fills every existing row with a
value computed per row (`nextval()` or the generation expression). PostgreSQL therefore rewrites
the table and all its indexes while holding an **ACCESS EXCLUSIVE** lock: every read and write on
the table waits until the rewrite ends (minutes on a large table; twice the disk space meanwhile).
Safe alternatives:
- for a key: add a nullable `bigint` column, create the sequence, set the column's default to
  `nextval(...)` with `ALTER COLUMN ... SET DEFAULT` (new rows only), backfill existing rows in
  batches, then add NOT NULL through a validated CHECK constraint;
- for a generated column: add a plain column, keep it up to date with a trigger (or the
  application), backfill in batches; or compute the value in a view or at query time.)md",
        "ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * price_cents) STORED;",
        "ALTER TABLE orders ADD COLUMN total_cents bigint;",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::AddColumn || !op.column_spec || facts.table_is_new) return;
      const ColumnSpec& c = *op.column_spec;
      if (!c.serial && !c.identity && !c.generated_stored) return;
      const char* what = c.generated_stored ? "a stored generated column" : c.identity ? "an identity column" : "a serial column";
      Diagnostic& d = reporter.report(
          i, &op,
          std::string("Adding ") + what + " (" + op.table.display() + "." + c.name + ") computes a value for every row: " +
              op.table.display() + " is rewritten under ACCESS EXCLUSIVE, blocking reads and writes for the whole rewrite",
          c.generated_stored
              ? "Add a plain nullable column, fill it with a trigger for new rows and backfill existing rows in batches."
              : "Add a nullable bigint column, SET DEFAULT nextval(...) for new rows, backfill in batches, then add NOT NULL "
                "through a validated CHECK constraint.");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(AddingStoredGeneratedOrSerialColumn);
}  // namespace zerolock
