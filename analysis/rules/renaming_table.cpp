// renaming-table: RENAME TO breaks the running application.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class RenamingTable final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "renaming-table",
        Severity::Warning,
        "backward-compatibility",
        "Renaming a table breaks every running query that uses the old name.",
        R"md(`ALTER TABLE ... RENAME TO` takes an **ACCESS EXCLUSIVE** lock (it waits behind every running
query on the table and new queries queue behind it) and, once committed, every query of the
application version still running that names the old table fails.
Safe form: rename, then create a view with the old name in the same transaction
(`CREATE VIEW old_name AS SELECT * FROM new_name;`, simple views are updatable) so both code
versions work; drop the view once no code uses the old name. A rename followed in the same
transaction by such a view is not reported. Or create the new table, dual-write,
backfill and switch over.)md",
        "ALTER TABLE users RENAME TO accounts;",
        "BEGIN;\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;",
        FixApplicability::None,
    };
    return m;
  }

  // A view with the old name created later in the same transaction keeps old code working.
  static bool bridged_by_view(const RuleInput& input, const std::vector<int32_t>& tx, size_t i, const Operation& op) {
    if (tx[i] < 0) return false;
    const auto& statements = input.migration.statements;
    for (size_t j = i + 1; j < statements.size() && tx[j] == tx[i]; ++j) {
      if (!rule_util::usable(statements[j])) continue;
      for (const Operation& later : statements[j].parsed->ops)
        if (later.kind == OpKind::CreateView && later.table.name == op.table.name) return true;
    }
    return false;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    std::vector<int32_t> tx = rule_util::transaction_ids(input);
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::RenameTable || facts.table_is_new) return;
      if (op.detail != "OBJECT_TABLE" && !op.detail.empty()) return;  // views, sequences: not a table
      if (bridged_by_view(input, tx, i, op)) return;
      reporter.report(i, &op,
                      "Renaming " + op.table.display() + " to " + op.new_name + " takes ACCESS EXCLUSIVE on " +
                          op.table.display() + " and breaks every running query that still uses the old name",
                      "Keep the old name working with a view (CREATE VIEW " + op.table.name + " AS SELECT * FROM " +
                          op.new_name + ") until no code uses it.");
    });
  }
};

}  // namespace
ZEROLOCK_RULE(RenamingTable);
}  // namespace zerolock
