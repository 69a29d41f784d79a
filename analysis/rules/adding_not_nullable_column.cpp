// adding-not-nullable-column: ADD COLUMN ... NOT NULL on an existing table.
#include "rules/rule.h"

namespace zerolock {
namespace {

class AddingNotNullableColumn final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "adding-not-nullable-column",
        Severity::Error,
        "locking",
        "ADD COLUMN ... NOT NULL fails on a non-empty table without a default, or rewrites it under ACCESS EXCLUSIVE.",
        R"md(`ALTER TABLE ... ADD COLUMN ... NOT NULL` takes an **ACCESS EXCLUSIVE** lock (no reads, no
writes). Without a `DEFAULT` it fails as soon as the table has a row (*column contains null
values*). With a default that must be computed per row (a volatile function such as
`gen_random_uuid()` or `clock_timestamp()`), or with any default before PostgreSQL 11, the whole
table is rewritten while the lock is held.

From PostgreSQL 11, `ADD COLUMN ... NOT NULL DEFAULT <constant or stable expression>` is metadata-only
and is not reported.

Safe form: add the column as nullable (with a constant default if one is wanted), backfill existing
rows in batches that commit separately, add `CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE` it, then
`SET NOT NULL` (which PostgreSQL 12+ proves from the validated check without a scan) and drop the
helper check.)md",
        "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;",
        "ALTER TABLE users ADD COLUMN tenant_id bigint;",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::AddColumn || !op.column_spec || facts.table_is_new) return;
      const ColumnSpec& c = *op.column_spec;
      // serial/identity/generated columns are reported by their own rule.
      if (!c.not_null || c.serial || c.identity || c.generated_stored) return;
      std::string column = op.table.display() + "." + c.name;
      if (!c.has_default) {
        Diagnostic& d = reporter.report(
            i, &op,
            "Adding NOT NULL column " + column + " without a default fails if " + op.table.display() +
                " has any row, and takes ACCESS EXCLUSIVE: reads and writes are blocked",
            "Add the column as nullable, backfill it in batches, then add NOT NULL through a validated CHECK constraint.");
        reporter.scale_by_table(d, op.table);
        return;
      }
      bool rewrites = input.config.pg_version < 11 || c.default_volatility == Volatility::Volatile;
      if (!rewrites) return;
      Diagnostic& d = reporter.report(
          i, &op,
          "Adding NOT NULL column " + column + " with a " +
              (input.config.pg_version < 11 ? std::string("default before PostgreSQL 11")
                                            : std::string("volatile default")) +
              " rewrites " + op.table.display() + " under ACCESS EXCLUSIVE: reads and writes are blocked for the whole rewrite",
          "Add the column as nullable, backfill it in batches, then add NOT NULL through a validated CHECK constraint.");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(AddingNotNullableColumn);
}  // namespace zerolock
