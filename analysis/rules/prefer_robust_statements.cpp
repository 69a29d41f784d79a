// prefer-robust-statements: IF [NOT] EXISTS so a migration that stopped halfway can be re-run.
#include "rules/rule.h"

namespace zerolock {
namespace {

class PreferRobustStatements final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "prefer-robust-statements",
        Severity::Info,
        "robustness",
        "Outside a transaction, CREATE/ADD without IF NOT EXISTS and DROP without IF EXISTS make a failed migration impossible to re-run.",
        R"md(Statements that run outside a transaction (autocommit, `CREATE INDEX CONCURRENTLY`, migrations a
tool runs without a transaction) stay applied when a later statement fails. Retrying the migration
then fails on the first statement that already ran: *relation already exists*, *column does not
exist*. A failed `CREATE INDEX CONCURRENTLY` also leaves an INVALID index behind.
Write such statements so that they succeed when re-run: `CREATE TABLE/INDEX/SCHEMA/EXTENSION ... IF
NOT EXISTS`, `ADD COLUMN IF NOT EXISTS`, `ALTER TYPE ... ADD VALUE IF NOT EXISTS`, `DROP ... IF
EXISTS`, `DROP COLUMN/CONSTRAINT IF EXISTS`. (For an INVALID index left by a failed concurrent
build, `DROP INDEX CONCURRENTLY IF EXISTS` it before retrying.) Statements inside a transaction are
not reported: a failure rolls the whole transaction back.)md",
        "CREATE INDEX CONCURRENTLY ix_users_email ON users (email);",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_users_email ON users (email);",
        FixApplicability::Safe,
    };
    return m;
  }

  // "IF NOT EXISTS" / "IF EXISTS" when the op would fail on re-run without it, else nullptr.
  static const char* missing_guard(const Operation& op) {
    switch (op.kind) {
      case OpKind::CreateTable:
      case OpKind::CreateSchema:
      case OpKind::CreateExtension:
      case OpKind::AddColumn:
      case OpKind::AddEnumValue:
        return op.if_not_exists ? nullptr : "IF NOT EXISTS";
      case OpKind::CreateIndex:
        // IF NOT EXISTS needs an index name.
        return op.if_not_exists || op.object.name.empty() ? nullptr : "IF NOT EXISTS";
      case OpKind::DropTable:
      case OpKind::DropIndex:
      case OpKind::DropView:
      case OpKind::DropMaterializedView:
      case OpKind::DropSequence:
      case OpKind::DropType:
      case OpKind::DropSchema:
      case OpKind::DropExtension:
      case OpKind::DropFunction:
      case OpKind::DropTrigger:
      case OpKind::DropColumn:
      case OpKind::DropConstraint:
        return op.if_exists ? nullptr : "IF EXISTS";
      default:
        return nullptr;
    }
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    const auto& statements = input.migration.statements;
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
      if (statements[i].in_transaction) return;
      const char* guard = missing_guard(op);
      if (!guard) return;
      std::string what = statements[i].parsed->ops.size() == 1 && !statements[i].parsed->summary.empty()
                             ? statements[i].parsed->summary
                             : std::string(op_kind_name(op.kind));
      reporter.report(i, &op,
                      what + " runs outside a transaction without " + guard +
                          ": if the migration fails later and is retried, this statement fails",
                      std::string("Add ") + guard + " so the migration can be re-run.");
    });
  }
};

}  // namespace
ZEROLOCK_RULE(PreferRobustStatements);
}  // namespace zerolock
