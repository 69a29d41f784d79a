// missing-downgrade: the migration changes the schema but has no rollback, or an empty one.
#include "rules/rule.h"

namespace zerolock {
namespace {

// Operations that leave the schema as it was: data changes, settings, transaction control ...
bool changes_schema(const Operation& op) {
  switch (op.kind) {
    case OpKind::Insert: case OpKind::Update: case OpKind::Delete: case OpKind::Select: case OpKind::Copy:
    case OpKind::Vacuum: case OpKind::VacuumFull: case OpKind::Analyze: case OpKind::Cluster: case OpKind::LockTable:
    case OpKind::Begin: case OpKind::Commit: case OpKind::Rollback: case OpKind::Savepoint: case OpKind::ReleaseSavepoint:
    case OpKind::RollbackToSavepoint: case OpKind::PrepareTransaction: case OpKind::SetSetting: case OpKind::ResetSetting:
    case OpKind::Comment: case OpKind::Grant: case OpKind::Revoke: case OpKind::RefreshMaterializedView:
    case OpKind::ReindexIndex: case OpKind::ReindexTable:
      return false;
    default:
      return true;
  }
}

class MissingDowngrade final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "missing-downgrade",
        Severity::Warning,
        "rollback",
        "The migration changes the schema but its downgrade is missing or does nothing.",
        R"md(When a deploy goes wrong, the way back is the migration's rollback: Alembic's `downgrade()`,
Flyway's undo file, the down half of an up/down pair. A revision whose `downgrade()` is missing,
or is only `pass`, `...`, a docstring or `raise NotImplementedError`, cannot be rolled back:
`alembic downgrade -1` either fails or silently leaves the schema changed, and the application
version you roll back to meets columns, constraints or tables it does not expect.

Write the inverse of every schema change (drop what upgrade creates, recreate what it drops, revert
type and nullability changes). If a change really is irreversible, say so explicitly and suppress
this rule on the line with a reason: `# zerolock-disable-next-line missing-downgrade -- data is gone`.
Data-only migrations (INSERT/UPDATE/DELETE) are not reported.)md",
        "def upgrade():\n    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n\n\ndef downgrade():\n    pass\n",
        "def upgrade():\n    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n\n\ndef downgrade():\n    op.drop_column(\"users\", \"bio\")\n",
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    const Migration& m = input.migration;
    if (!m.rollback) return;
    const RollbackInfo& r = *m.rollback;
    if (r.present && !r.empty) return;
    // The schema changes of the forward part.
    size_t changes = 0;
    int32_t first = -1;
    for (size_t i = 0; i < m.statements.size(); ++i) {
      const Statement& s = m.statements[i];
      if (s.section != Section::Upgrade || !s.parsed || s.parsed->error) continue;
      for (const Operation& op : s.parsed->ops) {
        if (!changes_schema(op)) continue;
        ++changes;
        if (first < 0) first = static_cast<int32_t>(i);
      }
    }
    if (changes == 0) return;
    ByteRange at = r.present ? r.rollback_anchor : r.anchor;
    std::string what = changes == 1 ? "a schema change" : std::to_string(changes) + " schema changes";
    std::string message = r.present ? "downgrade() does nothing, but upgrade() makes " + what + ": this revision cannot be rolled back"
                                    : "no downgrade(): upgrade() makes " + what + " that cannot be rolled back";
    Diagnostic& d = reporter.report_at(at, -1, message,
                                       "Write a downgrade() that undoes upgrade() (drop what it creates, recreate what it "
                                       "drops, revert type and NOT NULL changes).");
    if (first >= 0) d.related.push_back({m.statements[static_cast<size_t>(first)].range, "first schema change of upgrade()"});
  }
};

}  // namespace
ZEROLOCK_RULE(MissingDowngrade);
}  // namespace zerolock
