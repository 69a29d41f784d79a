// missing-rollback: a migration unit (Liquibase changeSet) holding changes the tool cannot roll
// back by itself, without an explicit rollback.
#include "rules/rule.h"

namespace zerolock {
namespace {

class MissingRollback final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "missing-rollback",
        Severity::Warning,
        "rollback",
        "A changeSet whose changes Liquibase cannot roll back automatically has no <rollback>.",
        R"md(Liquibase derives the rollback of many change types (createTable -> dropTable, addColumn ->
dropColumn, createIndex -> dropIndex ...), but not of `sql`, `sqlFile`, `dropTable`, `dropColumn`,
`modifyDataType`, `addNotNullConstraint` with `defaultNullValue`, data changes and most drops: it
cannot know what was there before. `liquibase rollback` then stops with *No inverse to ... created*,
at the worst moment: during an incident. Formatted SQL changesets never have an automatic rollback.

Write the rollback next to the change: `<rollback>` with the inverse changes or SQL, `--rollback ...`
lines in formatted SQL. When there is truly nothing to undo, say so: `<rollback/>` (empty),
`--rollback empty` or `--rollback not required`.)md",
        "<changeSet id=\"1\" author=\"a\">\n  <sql>UPDATE users SET active = true</sql>\n</changeSet>",
        "<changeSet id=\"1\" author=\"a\">\n  <sql>UPDATE users SET active = true</sql>\n  <rollback/>\n</changeSet>",
        FixApplicability::None,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    for (const MigrationUnit& unit : input.migration.units) {
      if (unit.skipped || unit.has_rollback || unit.irreversible.empty()) continue;
      std::string types;
      for (const auto& [type, range] : unit.irreversible) {
        if (types.find(type) != std::string::npos) continue;
        types += (types.empty() ? "" : ", ") + type;
      }
      // At the changeSet (where the rollback goes), with the irreversible changes as related locations.
      Diagnostic& d = reporter.report_at(unit.header, -1,
                         "changeSet " + unit.name + " has no rollback, and Liquibase cannot roll back " + types +
                             " by itself: `liquibase rollback` stops here",
                         "Add a <rollback> (or --rollback lines) with the inverse; when there is nothing to undo, "
                         "write <rollback/> or --rollback empty.");
      for (const auto& [type, range] : unit.irreversible) d.related.push_back({range, type + " has no automatic rollback"});
    }
  }
};

}  // namespace
ZEROLOCK_RULE(MissingRollback);
}  // namespace zerolock
