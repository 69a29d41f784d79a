// adding-column-with-volatile-default: ADD COLUMN with a default that forces a table rewrite.
#include "rules/rule.h"

namespace zerolock {
namespace {

class AddingColumnWithVolatileDefault final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "adding-column-with-volatile-default",
        Severity::Error,
        "rewrite",
        "ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp() ...) rewrites the table under ACCESS EXCLUSIVE.",
        R"md(`ALTER TABLE ... ADD COLUMN ... DEFAULT <expr>` takes an **ACCESS EXCLUSIVE** lock (no reads, no
writes). From PostgreSQL 11 a default that is a constant or a STABLE expression (`now()`,
`CURRENT_TIMESTAMP`, `'pending'`) is stored once in the catalog and the statement is instant. A
**VOLATILE** default (`random()`, `gen_random_uuid()`, `clock_timestamp()`, `nextval()`, a user
function declared VOLATILE) must be computed for every existing row, so PostgreSQL rewrites the whole
table and all its indexes while holding the lock: reads and writes wait for minutes on a large
table, and the table needs twice its disk space during the rewrite. Before PostgreSQL 11 *every*
non-NULL default rewrites the table.
Volatility comes from `pg_proc.provolatile` of PostgreSQL 15; a function zerolock cannot classify
(a user function) is reported at info level.
Safe form: add the column without a default (or with a constant one), set the default for new rows
with `ALTER TABLE ... ALTER COLUMN ... SET DEFAULT <expr>` (metadata only), then backfill existing
rows in batches that each commit.
NOT NULL columns are reported by `adding-not-nullable-column`, serial, identity and stored generated
columns by `adding-stored-generated-or-serial-column`.)md",
        "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
        "ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::AddColumn || !op.column_spec || facts.table_is_new) return;
      const ColumnSpec& c = *op.column_spec;
      if (!c.has_default || c.not_null || c.serial || c.identity || c.generated_stored) return;
      std::string column = op.table.display() + "." + c.name;
      std::string help =
          "Add the column without the default, then ALTER COLUMN " + c.name +
          " SET DEFAULT (new rows only, no rewrite) and backfill existing rows in batches.";
      if (input.config.pg_version < 11) {
        Diagnostic& d = reporter.report(i, &op,
                                        "Before PostgreSQL 11, adding " + column + " with a default rewrites " +
                                            op.table.display() +
                                            " under ACCESS EXCLUSIVE: reads and writes are blocked for the whole rewrite",
                                        help);
        reporter.scale_by_table(d, op.table);
        return;
      }
      if (c.default_volatility == Volatility::Volatile) {
        Diagnostic& d = reporter.report(i, &op,
                                        "The default of " + column + " is volatile: " + op.table.display() +
                                            " and its indexes are rewritten under ACCESS EXCLUSIVE, blocking reads and "
                                            "writes for the whole rewrite",
                                        help);
        reporter.scale_by_table(d, op.table);
      } else if (c.default_volatility == Volatility::Unknown) {
        Diagnostic& d = reporter.report(i, &op,
                                        "The default of " + column +
                                            " calls a function zerolock cannot classify: if it is VOLATILE, " +
                                            op.table.display() + " is rewritten under ACCESS EXCLUSIVE",
                                        "Check the function's volatility; if it is VOLATILE, " + help);
        d.severity = Severity::Info;
      }
    });
  }
};

}  // namespace
ZEROLOCK_RULE(AddingColumnWithVolatileDefault);
}  // namespace zerolock
