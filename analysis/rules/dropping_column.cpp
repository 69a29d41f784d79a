// dropping-column: DROP COLUMN breaks running code and cannot be rolled back with data.
#include "rules/rule.h"

namespace zerolock {
namespace {

class DroppingColumn final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "dropping-column",
        Severity::Warning,
        "backward-compatibility",
        "DROP COLUMN breaks running queries that use the column, loses its data, and takes ACCESS EXCLUSIVE.",
        R"md(`ALTER TABLE ... DROP COLUMN` does not rewrite the table (the column is only marked dropped), but
it takes an **ACCESS EXCLUSIVE** lock, waiting behind every running query on the table while new
queries queue behind it, and it drops every index and constraint that uses the column. Once
committed, the application version still running fails on queries naming the column (and ORMs that
list columns explicitly fail on *every* query of the table). The data is gone: a down migration
cannot bring it back.
Safe form: first deploy code that no longer reads or writes the column (for ORMs, mark it ignored),
then drop it in a later migration with a `lock_timeout`, `DROP COLUMN IF EXISTS`. A column added
earlier in the same migration is not reported.)md",
        "ALTER TABLE users DROP COLUMN legacy_flags;",
        "ALTER TABLE users ADD COLUMN import_batch integer;\nALTER TABLE users DROP COLUMN import_batch;",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::DropColumn || facts.table_is_new || facts.column_is_new) return;
      Diagnostic& d = reporter.report(
          i, &op,
          "Dropping " + op.table.display() + "." + op.column + " takes ACCESS EXCLUSIVE on " + op.table.display() +
              ", breaks running queries that still use it and loses its data",
          "Deploy code that no longer uses the column first, then drop it in a later migration.");
      (void)d;
    });
  }
};

}  // namespace
ZEROLOCK_RULE(DroppingColumn);
}  // namespace zerolock
