// prefer-timestamptz: timestamp without time zone.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class PreferTimestamptz final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "prefer-timestamptz",
        Severity::Warning,
        "types",
        "timestamp (without time zone) loses the time zone; converting later rewrites the table.",
        R"md(`timestamp` stores a wall-clock time with no time zone: the same value means different instants
for clients in different zones, and arithmetic across daylight-saving changes is wrong.
`timestamptz` stores an instant (UTC internally) and converts to the session's time zone on output;
it takes the same 8 bytes. Converting an existing `timestamp` column later with `ALTER COLUMN ...
TYPE timestamptz` rewrites the table under ACCESS EXCLUSIVE (unless the session time zone is UTC), so
choose `timestamptz` from the start.)md",
        "ALTER TABLE users ADD COLUMN last_seen_at timestamp;",
        "ALTER TABLE users ADD COLUMN last_seen_at timestamptz;",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
      auto flag = [&](const std::string& column) {
        reporter.report(i, &op,
                        op.table.display() + "." + column +
                            " is timestamp without time zone: values are ambiguous across time zones and converting it "
                            "later rewrites the table",
                        "Use timestamptz (timestamp with time zone).");
      };
      rule_util::for_each_column_def(op, [&](const ColumnSpec& c) {
        if (c.type.name == "timestamp") flag(c.name);
      });
      if (op.kind == OpKind::AlterColumnType && op.new_type && op.new_type->name == "timestamp") flag(op.column);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(PreferTimestamptz);
}  // namespace zerolock
