// changing-column-type: ALTER COLUMN ... TYPE rewrites the table unless binary compatible.
#include "locks/lock_model.h"
#include "rules/rule.h"

namespace zerolock {
namespace {

class ChangingColumnType final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "changing-column-type",
        Severity::Error,
        "rewrite",
        "ALTER COLUMN ... TYPE rewrites the table and its indexes under ACCESS EXCLUSIVE unless the change is binary compatible.",
        R"md(`ALTER TABLE ... ALTER COLUMN ... TYPE` takes an **ACCESS EXCLUSIVE** lock. Unless the old and the
new type are binary compatible, PostgreSQL rewrites every row and rebuilds every index of the table
while holding it: no reads, no writes, for minutes on a large table (and twice the disk space).
Changes that do **not** rewrite: `varchar(n)` to a larger `varchar(m)` or to `varchar`/`text`,
`text` to `varchar`, `numeric(p,s)` to `numeric(q,s)` with `q >= p` or to unconstrained `numeric`,
`varbit(n)` widening. Everything else rewrites, including `int` to `bigint`, `timestamp` to
`timestamptz` (unless the session time zone is UTC) and any `USING` expression; narrowing
(`varchar(100)` to `varchar(50)`) also has to check every row.
zerolock knows the current type only when the migration created the column; otherwise it reports
the change at warning level.
Safe form for a real type change: add a new column of the new type, keep it in sync with a trigger,
backfill it in batches, switch the application over, then drop the old column (for `int` keys to
`bigint`, this is the usual online key migration).)md",
        "ALTER TABLE events ALTER COLUMN id TYPE bigint;",
        "ALTER TABLE events ADD COLUMN id_new bigint;",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::AlterColumnType || facts.table_is_new || !facts.effect.rewrite) return;
      const TypeInfo* from = facts.column_type_before ? &*facts.column_type_before : nullptr;
      std::string column = op.table.display() + "." + op.column;
      std::string to = op.new_type ? op.new_type->sql : std::string("the new type");
      std::string message;
      if (op.using_expression) {
        message = "Changing " + column + " to " + to + " USING an expression rewrites " + op.table.display() +
                  " and its indexes under ACCESS EXCLUSIVE: reads and writes are blocked for the whole rewrite";
      } else if (from && op.new_type && type_change_is_timestamp_zone_change(*from, *op.new_type)) {
        // Binary compatible only under a UTC session time zone (PostgreSQL 12+), which the
        // migration did not set before this statement.
        message = "Changing " + column + " from " + from->sql + " to " + to + " rewrites " + op.table.display() +
                  " and its indexes under ACCESS EXCLUSIVE" +
                  (input.config.pg_version < 12 ? std::string(" (before PostgreSQL 12 always)")
                                                : std::string(" unless the session time zone is UTC, which this "
                                                              "migration does not set before it")) +
                  ": reads and writes are blocked for the whole rewrite";
      } else if (from) {
        message = "Changing " + column + " from " + from->sql + " to " + to + " is not binary compatible: " +
                  op.table.display() +
                  " and its indexes are rewritten under ACCESS EXCLUSIVE, blocking reads and writes for the whole rewrite";
      } else {
        message = "Changing " + column + " to " + to + " rewrites " + op.table.display() +
                  " and its indexes under ACCESS EXCLUSIVE unless the change is binary compatible (varchar widening, "
                  "varchar to text ...); the current type is unknown here";
      }
      Diagnostic& d = reporter.report(
          i, &op, std::move(message),
          "Add a new column of the new type, sync it with a trigger, backfill in batches, switch over, then drop the old "
          "column.");
      if (!from && !op.using_expression) d.severity = Severity::Warning;
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(ChangingColumnType);
}  // namespace zerolock
