// adding-exclusion-constraint: ADD CONSTRAINT ... EXCLUDE builds an index under ACCESS EXCLUSIVE.
#include "rules/rule.h"

namespace zerolock {
namespace {

class AddingExclusionConstraint final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "adding-exclusion-constraint",
        Severity::Error,
        "locking",
        "ADD CONSTRAINT ... EXCLUDE builds its index and checks every row while holding ACCESS EXCLUSIVE.",
        R"md(`ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE USING gist (...)` takes an **ACCESS EXCLUSIVE** lock
on the table and builds the index that enforces the constraint under it, checking every pair of
conflicting rows: reads and writes are blocked for the whole build, and inside a transaction until
`COMMIT`.
PostgreSQL offers no concurrent path: an exclusion constraint cannot be `NOT VALID` and cannot be
attached `USING INDEX`. Options: add it while the table is still small or during a maintenance
window; or enforce the rule differently (a trigger, or a unique index on a normalised column that
can be built `CONCURRENTLY`). Exclusion constraints created with the table are not reported.)md",
        "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);",
        "CREATE TABLE bookings_v2 (\n  room_id bigint NOT NULL,\n  during tstzrange NOT NULL,\n"
        "  CONSTRAINT bookings_v2_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)\n);",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (facts.table_is_new || op.kind != OpKind::AddConstraint || !op.constraint ||
          op.constraint->kind != ConstraintKind::Exclusion)
        return;
      Diagnostic& d = reporter.report(
          i, &op,
          "Adding an EXCLUDE constraint builds its index while holding ACCESS EXCLUSIVE on " + op.table.display() +
              ": reads and writes are blocked for the whole build",
          "There is no concurrent form: run it in a maintenance window, or enforce the rule with a trigger.");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(AddingExclusionConstraint);
}  // namespace zerolock
