// flyway-mixed-transaction: a Flyway script mixing statements that must run outside a
// transaction with transactional ones.
#include "rules/rule.h"

namespace zerolock {
namespace {

bool session_only(const Statement& s) {
  if (!s.parsed) return true;
  for (const Operation& op : s.parsed->ops)
    if (op.kind != OpKind::SetSetting && op.kind != OpKind::ResetSetting && op.kind != OpKind::Comment) return false;
  return true;
}

class FlywayMixedTransaction final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "flyway-mixed-transaction",
        Severity::Error,
        "transactions",
        "Flyway refuses a script that mixes non-transactional statements (CONCURRENTLY, VACUUM) with transactional ones.",
        R"md(Flyway runs a script made only of statements that cannot run in a transaction block (`CREATE INDEX
CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `VACUUM` ...) outside a transaction by itself. A script
that mixes them with ordinary statements fails validation: *Detected both transactional and
non-transactional statements within the same migration* — unless `flyway.mixed=true` (then the
whole script runs without a transaction, so a failure half-way leaves it half-applied) or the script
config `V..sql.conf` sets `executeInTransaction=false`.

Move the non-transactional statement into a migration file of its own.)md",
        "-- V2__index.sql\nALTER TABLE users ADD COLUMN email text;\nCREATE INDEX CONCURRENTLY ix_users_email ON users (email);",
        "-- V3__index.sql\nCREATE INDEX CONCURRENTLY ix_users_email ON users (email);",
        FixApplicability::None,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    if (input.migration.tool != MigrationTool::Flyway || !input.migration.tool_wraps_in_transaction) return;
    const auto& statements = input.migration.statements;
    int32_t first_transactional = -1;
    std::vector<size_t> non_transactional;
    for (size_t i = 0; i < statements.size(); ++i) {
      const Statement& s = statements[i];
      if (!s.parsed || s.parsed->error || s.section == Section::Downgrade) continue;
      if (!input.facts[i].effect.transactional) non_transactional.push_back(i);
      else if (first_transactional < 0 && !session_only(s)) first_transactional = static_cast<int32_t>(i);
    }
    if (non_transactional.empty() || first_transactional < 0) return;
    for (size_t i : non_transactional) {
      const Statement& s = statements[i];
      std::string what = s.parsed->summary.empty() ? "This statement" : s.parsed->summary;
      Diagnostic& d = reporter.report(
          i, nullptr,
          what + " cannot run in a transaction, and this script also holds transactional statements: Flyway refuses "
                 "the mixed script (\"Detected both transactional and non-transactional statements\")",
          "Move it into a migration file of its own (Flyway then runs it outside a transaction).");
      d.related.push_back({statements[static_cast<size_t>(first_transactional)].range, "a transactional statement"});
    }
  }
};

}  // namespace
ZEROLOCK_RULE(FlywayMixedTransaction);
}  // namespace zerolock
