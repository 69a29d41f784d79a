// renaming-column: RENAME COLUMN breaks the running application.
#include "rules/rule.h"

namespace zerolock {
namespace {

class RenamingColumn final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "renaming-column",
        Severity::Warning,
        "backward-compatibility",
        "RENAME COLUMN breaks every running query that uses the old name.",
        R"md(`ALTER TABLE ... RENAME COLUMN` is quick, but it takes an **ACCESS EXCLUSIVE** lock (waiting
behind every running query on the table, with new queries queueing behind it) and, the moment it
commits, every query of the application version still running that names the old column fails.
Deploys are never atomic: old and new code run side by side for a while.
Safe form (expand and contract): add the new column, write to both (trigger or application),
backfill, move reads to the new column, deploy, then drop the old column in a later migration. For
a pure rename, a view exposing the old name can bridge the gap.)md",
        "ALTER TABLE users RENAME COLUMN name TO full_name;",
        "ALTER TABLE users ADD COLUMN full_name text;",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::RenameColumn || facts.table_is_new || facts.column_is_new) return;
      Diagnostic& d = reporter.report(
          i, &op,
          "Renaming " + op.table.display() + "." + op.column + " to " + op.new_name +
              " takes ACCESS EXCLUSIVE on " + op.table.display() +
              " and breaks every running query that still uses the old name",
          "Add the new column, write to both, backfill, switch reads, then drop the old column later.");
      (void)d;
    });
  }
};

}  // namespace
ZEROLOCK_RULE(RenamingColumn);
}  // namespace zerolock
