// missing-down-migration: an up migration (golang-migrate, Diesel, dbmate) whose down is missing
// or empty; a Flyway versioned migration without its undo (info).
#include <filesystem>

#include "rules/rule.h"

namespace zerolock {
namespace {

class MissingDownMigration final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "missing-down-migration",
        Severity::Warning,
        "rollback",
        "An up migration has no down migration (or an empty one); a Flyway versioned migration has no undo.",
        R"md(golang-migrate (`NNN_x.up.sql` / `NNN_x.down.sql`), Diesel (`up.sql` / `down.sql`) and dbmate
(`-- migrate:up` / `-- migrate:down`) pair each migration with its inverse. Without it, `migrate
down` / `diesel migration revert` / `dbmate rollback` either fails or silently does nothing, and the
schema no longer matches the migration version. An empty down is reported at a lower severity: it
is sometimes deliberate (irreversible data changes), but then say so in a comment and suppress.

Flyway: `flyway undo` reverts a versioned migration `V2__x.sql` with `U2__x.sql`. A versioned
migration without one is reported at info level (undo is a Flyway Teams feature: projects that do
not use it turn this rule off for their Flyway directory in zerolock.toml).)md",
        "-- 0002_add_email.up.sql (no 0002_add_email.down.sql)\nALTER TABLE users ADD COLUMN email text;",
        "-- 0002_add_email.down.sql\nALTER TABLE users DROP COLUMN email;",
        FixApplicability::None,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    bool up_has_statements = false;
    for (const Statement& s : input.migration.statements)
      if (s.section == Section::Upgrade) up_has_statements = true;
    if (!up_has_statements) return;
    ByteRange at{0, 0};
    if (!input.migration.statements.empty()) at = input.migration.statements.front().range;
    for (const CompanionFile& c : input.migration.companions) {
      // Messages name the file, not its full path (stable across checkouts).
      const std::string file = std::filesystem::path(c.path).filename().string();
      if (c.role == "undo" && !c.exists) {
        Diagnostic& d = reporter.report_at(at, -1, "no Flyway undo migration: " + file + " does not exist",
                                           "Write the undo script, or turn this rule off for Flyway migrations.");
        if (d.severity == Severity::Warning) d.severity = Severity::Info;
        continue;
      }
      if (c.role != "down") continue;
      if (!c.exists) {
        reporter.report_at(at, -1,
                           std::string("no down migration: ") +
                               (c.path == input.migration.path ? "this file has no `-- migrate:down` section" : file + " does not exist") +
                               "; rolling back this migration is impossible",
                           "Write the down migration that undoes this one.");
      } else if (c.empty) {
        Diagnostic& d = reporter.report_at(at, -1,
                                           std::string("the down migration ") +
                                               (c.path == input.migration.path ? "section" : file) +
                                               " is empty: rolling back does nothing and leaves this migration's changes",
                                           "Write the inverse statements, or suppress this if the migration is irreversible on purpose.");
        if (d.severity == Severity::Warning) d.severity = Severity::Info;
      }
    }
  }
};

}  // namespace
ZEROLOCK_RULE(MissingDownMigration);
}  // namespace zerolock
