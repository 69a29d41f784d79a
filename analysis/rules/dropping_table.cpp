// dropping-table: DROP TABLE loses data and breaks running code.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class DroppingTable final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "dropping-table",
        Severity::Warning,
        "backward-compatibility",
        "DROP TABLE loses the data, breaks running queries and takes ACCESS EXCLUSIVE (on referencing tables too with CASCADE).",
        R"md(`DROP TABLE` takes an **ACCESS EXCLUSIVE** lock on the table (and on tables whose foreign keys
reference it, to drop their constraints): it waits behind every running query on them while new
queries queue behind it. Once committed, the data is gone (a down migration cannot restore it) and
every query of the running application version that uses the table fails. `CASCADE` silently drops
dependent views and foreign keys too.
Safe form: stop using the table in the application first; rename it (or revoke access) and wait a
release to be sure nothing breaks; keep a backup; then drop it with a `lock_timeout`. Tables created
earlier in the same migration are not reported.)md",
        "DROP TABLE legacy_sessions;",
        "CREATE TABLE import_scratch (id bigint);\nDROP TABLE import_scratch;",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::DropTable) return;
      std::vector<QualifiedName> dropped;
      if (!facts.table_is_new && !op.table.empty()) dropped.push_back(op.table);
      for (const QualifiedName& t : op.extra_tables)
        if (!rule_util::created_before(input.facts, t)) dropped.push_back(t);
      if (dropped.empty()) return;
      std::string names;
      for (const QualifiedName& t : dropped) names += (names.empty() ? "" : ", ") + t.display();
      Diagnostic& d = reporter.report(
          i, &op,
          "DROP TABLE " + names + " takes ACCESS EXCLUSIVE" + (op.cascade ? " (CASCADE also drops dependent objects)" : "") +
              ", loses the data and breaks running queries that still use it",
          "Stop using the table in the application first, keep a backup, then drop it in a later migration.");
      (void)d;
    });
  }
};

}  // namespace
ZEROLOCK_RULE(DroppingTable);
}  // namespace zerolock
