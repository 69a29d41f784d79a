// multiple-concurrently-in-changeset: more than one statement that must run outside a transaction
// (CREATE/DROP INDEX CONCURRENTLY ...) in one Liquibase changeSet.
#include <map>

#include "rules/rule.h"

namespace zerolock {
namespace {

class MultipleConcurrentlyInChangeset final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "multiple-concurrently-in-changeset",
        Severity::Error,
        "transactions",
        "Several CONCURRENTLY statements in one changeSet fail: one per changeSet with runInTransaction=\"false\".",
        R"md(Even with `runInTransaction="false"`, a changeSet whose SQL holds several statements that cannot run
in a transaction block (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ...
CONCURRENTLY`, `VACUUM` ...) fails on current PostgreSQL minor releases with *CREATE INDEX
CONCURRENTLY cannot be executed within a pipeline*: the JDBC driver sends the statements of one
change together, and PostgreSQL treats them as one implicit transaction. When one of them fails
half-way, an INVALID index is left behind.

Give each such statement a changeSet of its own, with `runInTransaction="false"`.)md",
        "<changeSet id=\"1\" author=\"a\" runInTransaction=\"false\">\n  <sql>CREATE INDEX CONCURRENTLY ix_a ON t (a);\n"
        "CREATE INDEX CONCURRENTLY ix_b ON t (b);</sql>\n</changeSet>",
        "<changeSet id=\"1\" author=\"a\" runInTransaction=\"false\">\n  <sql>CREATE INDEX CONCURRENTLY ix_a ON t (a)</sql>\n"
        "</changeSet>\n<changeSet id=\"2\" author=\"a\" runInTransaction=\"false\">\n  <sql>CREATE INDEX CONCURRENTLY ix_b ON t (b)</sql>\n</changeSet>",
        FixApplicability::None,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    if (input.migration.tool != MigrationTool::Liquibase) return;
    std::map<int32_t, size_t> first_in_unit;
    const auto& statements = input.migration.statements;
    for (size_t i = 0; i < statements.size(); ++i) {
      const Statement& s = statements[i];
      if (!s.parsed || s.parsed->error || input.facts[i].effect.transactional) continue;
      auto [it, inserted] = first_in_unit.emplace(s.unit, i);
      if (inserted) continue;
      std::string what = s.parsed->summary.empty() ? "This statement" : s.parsed->summary;
      Diagnostic& d = reporter.report(
          i, nullptr,
          what + " is the second statement in this changeSet that cannot run in a transaction block: the changeSet "
                 "fails with \"cannot be executed within a pipeline\"",
          "Move it into a changeSet of its own with runInTransaction=\"false\".");
      d.related.push_back({statements[it->second].range, "the first one"});
    }
  }
};

}  // namespace
ZEROLOCK_RULE(MultipleConcurrentlyInChangeset);
}  // namespace zerolock
