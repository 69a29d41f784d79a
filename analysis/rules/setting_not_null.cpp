// setting-not-null: ALTER COLUMN ... SET NOT NULL scans the table under ACCESS EXCLUSIVE.
#include <map>
#include <set>

#include "rules/rule.h"

namespace zerolock {
namespace {

class SettingNotNull final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "setting-not-null",
        Severity::Error,
        "locking",
        "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) proves it (PostgreSQL 12+).",
        R"md(`ALTER TABLE ... ALTER COLUMN ... SET NOT NULL` takes an **ACCESS EXCLUSIVE** lock and then reads
every row to prove the column has no NULL: reads and writes on the table are blocked for the whole
scan (and, inside a transaction, until `COMMIT`).
From PostgreSQL 12 the scan is skipped when a *validated* `CHECK (col IS NOT NULL)` constraint already
proves it. Safe form, each step in its own transaction:
1. `ALTER TABLE t ADD CONSTRAINT t_col_not_null CHECK (col IS NOT NULL) NOT VALID;` (brief lock, no scan)
2. `ALTER TABLE t VALIDATE CONSTRAINT t_col_not_null;` (scans under SHARE UPDATE EXCLUSIVE: reads and writes continue)
3. `ALTER TABLE t ALTER COLUMN col SET NOT NULL;` (brief ACCESS EXCLUSIVE, no scan)
4. `ALTER TABLE t DROP CONSTRAINT t_col_not_null;`
zerolock follows such constraints through the migration and does not report a SET NOT NULL they
prove. Before PostgreSQL 12 there is no scan-free way; keep the CHECK constraint instead of NOT NULL.)md",
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n"
        "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n"
        "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
        "ALTER TABLE users DROP CONSTRAINT users_email_not_null;",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    // table key -> constraint name -> column, for CHECK (col IS NOT NULL) NOT VALID not yet validated
    std::map<std::string, std::map<std::string, std::string>> pending;
    std::set<std::string> proven;  // "table\x1fcolumn"
    auto key = [](const QualifiedName& t, const std::string& c) { return SchemaState::key(t) + '\x1f' + c; };
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind == OpKind::AddConstraint && op.constraint && op.constraint->kind == ConstraintKind::Check &&
          !op.constraint->not_null_column.empty()) {
        if (op.constraint->not_valid) pending[SchemaState::key(op.table)][op.constraint->name] = op.constraint->not_null_column;
        else proven.insert(key(op.table, op.constraint->not_null_column));
        return;
      }
      if (op.kind == OpKind::ValidateConstraint) {
        auto& names = pending[SchemaState::key(op.table)];
        auto it = names.find(op.object.name);
        if (it != names.end()) proven.insert(key(op.table, it->second));
        return;
      }
      if (op.kind != OpKind::SetNotNull || facts.table_is_new) return;
      bool has_check = proven.count(key(op.table, op.column)) > 0;
      if (has_check && input.config.pg_version >= 12) return;
      std::string column = op.table.display() + "." + op.column;
      Diagnostic& d = reporter.report(
          i, &op,
          "SET NOT NULL on " + column + " takes ACCESS EXCLUSIVE on " + op.table.display() +
              " and scans every row to check it: reads and writes are blocked for the whole scan",
          input.config.pg_version >= 12
              ? "Add CHECK (" + op.column + " IS NOT NULL) NOT VALID, VALIDATE it in a separate transaction, then SET NOT "
                "NULL (no scan) and drop the CHECK."
              : std::string("Before PostgreSQL 12 SET NOT NULL always scans: keep a validated CHECK (") + op.column +
                    " IS NOT NULL) constraint instead.");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(SettingNotNull);
}  // namespace zerolock
