// ban-char-field: char(n) pads with spaces.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class BanCharField final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "ban-char-field",
        Severity::Warning,
        "types",
        "char(n) pads values with spaces and is never faster than text or varchar.",
        R"md(`char(n)` (`character(n)`, `bpchar`) pads every value with spaces to `n` characters, ignores
trailing spaces in comparisons but not in `LIKE` or regular expressions, and surprises clients that
read the padding back. It is stored exactly like `text`, so it saves nothing. Changing it later to
`text` or `varchar` rewrites the table under ACCESS EXCLUSIVE.
Use `text` (or `varchar(n)`), with a `CHECK (char_length(col) = n)` if a fixed length matters.)md",
        "ALTER TABLE countries ADD COLUMN iso_code char(2);",
        "ALTER TABLE countries ADD COLUMN iso_code text CHECK (char_length(iso_code) = 2);",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
      auto is_char = [](const TypeInfo& t) { return t.name == "bpchar" || t.name == "char" || t.name == "character"; };
      rule_util::for_each_column_def(op, [&](const ColumnSpec& c) {
        if (!is_char(c.type)) return;
        reporter.report(i, &op, op.table.display() + "." + c.name + " is " + c.type.sql + ": values are padded with spaces",
                        "Use text or varchar(n).");
      });
      if (op.kind == OpKind::AlterColumnType && op.new_type && is_char(*op.new_type))
        reporter.report(i, &op, op.table.display() + "." + op.column + " becomes " + op.new_type->sql + ": values are padded with spaces",
                        "Use text or varchar(n).");
    });
  }
};

}  // namespace
ZEROLOCK_RULE(BanCharField);
}  // namespace zerolock
