// downgrade-not-inverse: the rollback does not undo the forward migration (static schema model):
// Alembic downgrade(), dbmate `-- migrate:down`, golang-migrate / Diesel down files, Flyway undo files.
#include "model/schema_delta.h"
#include "rules/rule.h"

namespace zerolock {
namespace {

class DowngradeNotInverse final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "downgrade-not-inverse",
        Severity::Warning,
        "rollback",
        "The downgrade leaves part of the upgrade's schema change in place (or undoes something upgrade never did).",
        R"md(zerolock replays the schema changes of `upgrade()` and then those of `downgrade()` on a model
of the schema (tables, columns, indexes, constraints, views, types, sequences, NOT NULL, column
types and defaults). After both the model should be back where it started. Whatever is left over
is named: a column added and never dropped, an index dropped and not recreated, a type change not
reverted. After `alembic downgrade` such a database differs from the one the previous revision
expects: the next `upgrade` fails ("column already exists") or the old application breaks.

The same check runs for SQL migrations: a dbmate `-- migrate:down` section against the
`-- migrate:up` section of the same file, a golang-migrate `NNN_x.down.sql` (or Diesel `down.sql`)
against its `NNN_x.up.sql` (`up.sql`), and a Flyway undo script `U2__x.sql` against `V2__x.sql`.
It is reported on the down part, naming what is left over.

Dropping a table or a column also drops the indexes and constraints on it, so those need no
separate drop. The rule stays quiet when either function contains code zerolock does not follow
(loops, conditionals, SQL built at run time), and when the downgrade is empty (missing-downgrade
reports that).)md",
        "def upgrade():\n    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n    op.create_index(\"ix_users_bio\", \"users\", [\"bio\"])\n\n\ndef downgrade():\n    op.drop_index(\"ix_users_bio\")\n",
        "def upgrade():\n    op.add_column(\"users\", sa.Column(\"bio\", sa.Text()))\n    op.create_index(\"ix_users_bio\", \"users\", [\"bio\"])\n\n\ndef downgrade():\n    op.drop_index(\"ix_users_bio\")\n    op.drop_column(\"users\", \"bio\")\n",
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    const Migration& m = input.migration;
    if (!m.rollback) return;
    const RollbackInfo& r = *m.rollback;
    if (!r.present || r.empty || !r.upgrade_complete || !r.rollback_complete) return;
    SchemaDelta delta;
    bool any_upgrade = false, any_downgrade = false;
    // A down / undo file: its forward file's operations run first (their ranges are not ours).
    for (const Operation& op : r.forward_ops) {
      delta.apply(op, ByteRange{0, 0});
      any_upgrade = true;
    }
    for (Section section : {Section::Upgrade, Section::Downgrade}) {
      for (const Statement& s : m.statements) {
        if (s.section != section || !s.parsed) continue;
        if (s.parsed->error) return;  // a statement zerolock cannot read: no verdict
        for (const Operation& op : s.parsed->ops) {
          delta.apply(op, s.doc_range(op));
          (section == Section::Upgrade ? any_upgrade : any_downgrade) = true;
        }
      }
    }
    std::vector<SchemaChange> changes = delta.definite_changes();
    if (!delta.complete() || changes.empty() || !any_upgrade || !any_downgrade) return;
    std::string left;
    for (size_t k = 0; k < changes.size() && k < 4; ++k) left += (k ? "; " : "") + changes[k].describe();
    if (changes.size() > 4) left += "; and " + std::to_string(changes.size() - 4) + " more";
    Diagnostic& d = reporter.report_at(r.rollback_anchor, -1,
                                       r.rollback_label + " does not undo " + r.forward_label + ": after both, " + left,
                                       "Make " + r.rollback_label + " the exact inverse of " + r.forward_label +
                                           ", in reverse order.");
    for (const SchemaChange& c : changes) {
      if (c.range.size() > 0) d.related.push_back({c.range, c.describe()});  // empty: made in the forward file
    }
  }
};

}  // namespace
ZEROLOCK_RULE(DowngradeNotInverse);
}  // namespace zerolock
