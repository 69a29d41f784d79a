// concurrent-index-in-transaction: a statement that cannot run in a transaction block
// (CREATE/DROP/REINDEX ... CONCURRENTLY, VACUUM, DETACH PARTITION CONCURRENTLY ...) inside one.
#include "rules/rule.h"

namespace zerolock {
namespace {

class ConcurrentIndexInTransaction final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "concurrent-index-in-transaction",
        Severity::Error,
        "transactions",
        "CONCURRENTLY (and VACUUM, DETACH ... CONCURRENTLY) cannot run inside a transaction block.",
        R"md(PostgreSQL refuses `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ...
CONCURRENTLY`, `VACUUM`, `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY` and a few others inside a
transaction block: *ERROR: ... cannot run inside a transaction block*. The migration fails at
deploy time, after the statements before it have run (or rolled back).

The transaction can be an explicit `BEGIN` in the file or the one the migration tool opens: Flyway
(unless the script holds only such statements, or `executeInTransaction=false`), Alembic (unless the
statement is inside `autocommit_block()`), Liquibase (unless `runInTransaction="false"`), Diesel,
dbmate and golang-migrate all wrap a migration in a transaction.

Move the statement into a migration of its own that runs outside a transaction.)md",
        "BEGIN;\nCREATE INDEX CONCURRENTLY ix_users_email ON users (email);\nCOMMIT;",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_users_email ON users (email);",
        FixApplicability::Safe,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    const auto& statements = input.migration.statements;
    for (size_t i = 0; i < statements.size(); ++i) {
      const Statement& s = statements[i];
      if (!s.parsed || s.parsed->error || !s.in_transaction || input.facts[i].effect.transactional) continue;
      // ALTER TYPE ... ADD VALUE before PostgreSQL 12: reported by enum-value-in-transaction.
      if (s.parsed->ops.size() == 1 && s.parsed->ops.front().kind == OpKind::AddEnumValue) continue;
      std::string what = s.parsed->summary.empty() ? "This statement" : s.parsed->summary;
      bool explicit_tx = s.transaction_opened_by >= 0;
      Diagnostic& d = reporter.report(
          i, nullptr,
          what + " cannot run inside a transaction block: the migration fails with \"cannot run inside a transaction block\"" +
              (explicit_tx ? "" : std::string(" (") + migration_tool_name(input.migration.tool) + " runs this file in a transaction)"),
          "Run it in a migration of its own, outside a transaction.");
      if (explicit_tx) {
        d.related.push_back({statements[static_cast<size_t>(s.transaction_opened_by)].range, "the transaction starts here"});
      }
    }
  }
};

}  // namespace
ZEROLOCK_RULE(ConcurrentIndexInTransaction);
}  // namespace zerolock
