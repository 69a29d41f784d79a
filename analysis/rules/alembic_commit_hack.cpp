// alembic-commit-hack: op.execute("COMMIT") to get out of the migration tool's transaction.
#include "rules/rule.h"

namespace zerolock {
namespace {

class AlembicCommitHack final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "alembic-commit-hack",
        Severity::Warning,
        "transactions",
        "op.execute(\"COMMIT\") ends Alembic's transaction behind its back; use autocommit_block().",
        R"md(Alembic runs each migration (or all of them) inside one transaction. `op.execute("COMMIT")`
is a common trick to run `CREATE INDEX CONCURRENTLY` or `ALTER TYPE ... ADD VALUE` outside it, but
Alembic does not know the transaction ended: the statements after it run in autocommit, a failure
half way leaves the schema changed without the `alembic_version` update, and with
`transaction_per_migration=False` the COMMIT also commits the revisions before it. Newer drivers
and SQLAlchemy 2.0 reject or warn about it.

Alembic 1.2+ has the supported way:
`with op.get_context().autocommit_block(): op.create_index(..., postgresql_concurrently=True)`.
It commits the migration's transaction, runs the block in autocommit and begins a new transaction
after it, keeping Alembic's bookkeeping right.)md",
        "def upgrade():\n    op.execute(\"COMMIT\")\n    op.create_index(\"ix_users_email\", \"users\", [\"email\"], postgresql_concurrently=True)\n",
        "def upgrade():\n    with op.get_context().autocommit_block():\n        op.create_index(\"ix_users_email\", \"users\", [\"email\"], postgresql_concurrently=True)\n",
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    const Migration& m = input.migration;
    if (m.tool != MigrationTool::Alembic) return;
    const Statement& s = input.statement;
    if (!s.parsed || s.parsed->error || s.origin == "sql") return;
    for (const Operation& op : s.parsed->ops) {
      if (op.kind != OpKind::Commit) continue;
      reporter.report(input.index, &op,
                      "COMMIT through " + s.origin + "() ends Alembic's transaction behind its back: the rest of the "
                      "revision runs in autocommit and a failure leaves alembic_version out of step with the schema",
                      "Put the statements that must run outside a transaction in `with "
                      "op.get_context().autocommit_block():` instead.");
    }
  }
};

}  // namespace
ZEROLOCK_RULE(AlembicCommitHack);
}  // namespace zerolock
