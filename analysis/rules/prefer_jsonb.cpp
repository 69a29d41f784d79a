// prefer-jsonb: json has no equality operator and is reparsed on every access.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class PreferJsonb final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "prefer-jsonb",
        Severity::Warning,
        "types",
        "json columns have no equality operator (SELECT DISTINCT, UNION, GROUP BY fail) and are reparsed on every access.",
        R"md(The `json` type stores the input text verbatim. It has no equality operator, so existing queries
that use `SELECT DISTINCT`, `UNION`, `GROUP BY` or `=` on rows of the table start failing with *could
not identify an equality operator for type json* once the column exists; it cannot be indexed with
GIN; and it is reparsed on every access. `jsonb` stores a parsed binary form, supports equality,
containment (`@>`) and GIN indexes. Converting later rewrites the table under ACCESS EXCLUSIVE.
Use `jsonb` unless key order or duplicate keys must be preserved exactly.)md",
        "ALTER TABLE events ADD COLUMN payload json;",
        "ALTER TABLE events ADD COLUMN payload jsonb;",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
      rule_util::for_each_column_def(op, [&](const ColumnSpec& c) {
        if (c.type.name != "json") return;
        reporter.report(i, &op,
                        op.table.display() + "." + c.name +
                            " is json: no equality operator, so DISTINCT/UNION/GROUP BY over the table's rows fail",
                        "Use jsonb.");
      });
    });
  }
};

}  // namespace
ZEROLOCK_RULE(PreferJsonb);
}  // namespace zerolock
