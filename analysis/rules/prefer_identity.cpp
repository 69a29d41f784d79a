// prefer-identity: serial columns instead of identity columns.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class PreferIdentity final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "prefer-identity",
        Severity::Warning,
        "types",
        "serial/bigserial columns: prefer GENERATED ... AS IDENTITY.",
        R"md(`serial` is a shorthand that creates a separate sequence owned by the column and a `nextval()`
default. The sequence has its own permissions (inserting roles need USAGE on it), is easy to get out
of sync (explicit ids inserted, tables copied), and its ownership is lost by some dump/restore and
rename paths. SQL-standard identity columns (PostgreSQL 10+) tie the sequence to the column:
`id bigint GENERATED ALWAYS AS IDENTITY` (or `BY DEFAULT` to allow explicit values), with the same
performance.)md",
        "CREATE TABLE invoices (id bigserial PRIMARY KEY, total numeric(12,2));",
        "CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total numeric(12,2));",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
      rule_util::for_each_column_def(op, [&](const ColumnSpec& c) {
        if (!c.serial) return;
        std::string base = c.type.name == "smallserial" || c.type.name == "serial2" ? "smallint"
                           : c.type.name == "serial" || c.type.name == "serial4"    ? "integer"
                                                                                    : "bigint";
        reporter.report(i, &op,
                        op.table.display() + "." + c.name + " is " + c.type.name +
                            ": a separate sequence with its own permissions and ownership",
                        "Use " + base + " GENERATED ALWAYS AS IDENTITY (or BY DEFAULT).");
      });
    });
  }
};

}  // namespace
ZEROLOCK_RULE(PreferIdentity);
}  // namespace zerolock
