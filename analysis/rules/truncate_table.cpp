// truncate-table: TRUNCATE takes ACCESS EXCLUSIVE and deletes all rows.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class TruncateTable final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "truncate-table",
        Severity::Warning,
        "locking",
        "TRUNCATE takes ACCESS EXCLUSIVE and irreversibly empties the table (CASCADE empties referencing tables too).",
        R"md(`TRUNCATE` is fast, but it takes an **ACCESS EXCLUSIVE** lock on each table it empties: it waits
behind every running query on them, and every new query (reads included) queues behind it, until
the transaction commits. Once committed the rows are gone: a down migration cannot bring them
back. `CASCADE` also empties every table with a foreign key to it, recursively. TRUNCATE is not
MVCC-safe: concurrent transactions with an older snapshot see the table as empty.
In a migration, prefer deleting the rows that must go in batches, or create a new table and switch
over. Tables created earlier in the same migration are not reported.)md",
        "TRUNCATE TABLE audit_log;",
        "CREATE TABLE import_staging (id bigint);\nTRUNCATE TABLE import_staging;",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::TruncateTable) return;
      std::string names;
      QualifiedName first;
      if (!facts.table_is_new) names = op.table.display(), first = op.table;
      for (const QualifiedName& t : op.extra_tables) {
        if (rule_util::created_before(input.facts, t)) continue;
        if (first.empty()) first = t;
        names += (names.empty() ? "" : ", ") + t.display();
      }
      if (names.empty()) return;
      Diagnostic& d = reporter.report(
          i, &op,
          "TRUNCATE takes ACCESS EXCLUSIVE on " + names + " and irreversibly deletes every row" +
              (op.cascade ? ", and CASCADE empties every table referencing it" : ""),
          "Delete the rows in batches, or create a new table and switch over.");
      reporter.scale_by_table(d, first);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(TruncateTable);
}  // namespace zerolock
