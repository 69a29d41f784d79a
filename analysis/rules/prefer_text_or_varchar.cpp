// prefer-text-or-varchar and prefer-varchar-over-text: a team's choice between text (with a CHECK
// on length when needed) and varchar(n). Two ids, both off by default, one per direction.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

bool is_varchar(const TypeInfo& t) { return t.name == "varchar" || t.name == "character varying"; }

template <typename Pred>
void report_columns(const StatementInput& input, RuleReporter& reporter, Pred&& pred, const std::string& why,
                    const std::string& help) {
  rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
    rule_util::for_each_column_def(op, [&](const ColumnSpec& c) {
      if (pred(c.type)) reporter.report(i, &op, op.table.display() + "." + c.name + " is " + c.type.sql + why, help);
    });
    if (op.kind == OpKind::AlterColumnType && op.new_type && pred(*op.new_type))
      reporter.report(i, &op, op.table.display() + "." + op.column + " becomes " + op.new_type->sql + why, help);
  });
}

class PreferTextOrVarchar final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "prefer-text-or-varchar",
        Severity::Warning,
        "types",
        "Prefer text (with a CHECK on length when a limit is needed) over varchar(n). Off by default; prefer-varchar-over-text is the opposite choice.",
        R"md(In PostgreSQL `varchar(n)` and `text` are stored the same way and perform the same; the only
difference is the length check. Raising the limit later is metadata-only, but *lowering* it (or
moving from `varchar(n)` to a limit expressed elsewhere) rewrites or rescans the table under ACCESS
EXCLUSIVE. A `text` column with `CHECK (char_length(col) <= n)` can change its limit online: add the
new constraint `NOT VALID`, `VALIDATE` it, drop the old one.
This is a team convention, so the rule is **off by default**. Enable it with
`[rules] prefer-text-or-varchar = "warning"`, or enable `prefer-varchar-over-text` for the opposite
convention (bounded `varchar(n)` everywhere, unbounded `text` reported).)md",
        "ALTER TABLE users ADD COLUMN nickname varchar(50);",
        "ALTER TABLE users ADD COLUMN nickname text;",
        FixApplicability::Unsafe,
        /*enabled_by_default=*/false,
    };
    return m;
  }
  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    report_columns(
        input, reporter, [](const TypeInfo& t) { return is_varchar(t) && !t.modifiers.empty(); },
        ": changing the limit later can need a table rewrite; text with a CHECK on length can change online",
        "Use text, with CHECK (char_length(col) <= n) if a limit is needed.");
  }
};

class PreferVarcharOverText final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "prefer-varchar-over-text",
        Severity::Warning,
        "types",
        "Prefer a bounded varchar(n) over unbounded text/varchar. Off by default; the opposite of prefer-text-or-varchar.",
        R"md(Some teams want every string column to carry an explicit length limit in its type, so that the
schema documents it and oversized input is rejected by the database (`varchar(n)`; raising `n`
later is metadata-only). This rule reports unbounded `text` and `varchar` columns.
This is a team convention, so the rule is **off by default**; enable it with
`[rules] prefer-varchar-over-text = "warning"`. It is the opposite of `prefer-text-or-varchar`: enable
at most one of the two.)md",
        "ALTER TABLE users ADD COLUMN nickname text;",
        "ALTER TABLE users ADD COLUMN nickname varchar(50);",
        FixApplicability::None,
        /*enabled_by_default=*/false,
    };
    return m;
  }
  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    report_columns(
        input, reporter, [](const TypeInfo& t) { return t.name == "text" || (is_varchar(t) && t.modifiers.empty()); },
        ": the column has no length limit", "Use varchar(n) with the limit the data needs.");
  }
};

}  // namespace
ZEROLOCK_RULE(PreferTextOrVarchar);
ZEROLOCK_RULE(PreferVarcharOverText);
}  // namespace zerolock
