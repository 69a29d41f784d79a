// dropping-database: DROP DATABASE in a migration.
#include "rules/rule.h"

namespace zerolock {
namespace {

class DroppingDatabase final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "dropping-database",
        Severity::Error,
        "backward-compatibility",
        "DROP DATABASE destroys a whole database and cannot run inside a transaction.",
        R"md(`DROP DATABASE` removes every table and all data of a database, irreversibly. It fails while any
session is connected to that database (unless `WITH (FORCE)`, PostgreSQL 13+, which terminates
them) and cannot run inside a transaction block, so a migration tool that wraps migrations in a
transaction fails on it. It has no place in an application migration: run it by hand, after a
backup, once nothing uses the database.)md",
        "DROP DATABASE analytics;",
        "-- drop databases by hand after a backup, not in a migration\nSELECT 1;",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
      if (op.kind != OpKind::DropDatabase) return;
      reporter.report(i, &op,
                      "DROP DATABASE " + op.object.display() +
                          " irreversibly destroys every table in it and fails while sessions are connected",
                      "Drop databases by hand after a backup, not in a migration.");
    });
  }
};

}  // namespace
ZEROLOCK_RULE(DroppingDatabase);
}  // namespace zerolock
