// prefer-bigint-primary-key: integer primary keys run out at 2^31.
#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class PreferBigintPrimaryKey final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "prefer-bigint-primary-key",
        Severity::Warning,
        "types",
        "An integer/serial primary key overflows at 2,147,483,647; changing it later rewrites the table.",
        R"md(An `integer` (`int4`, `serial`) key allows about 2.1 billion values; `smallint` 32,767. Busy tables
reach that (sequences also skip values on rollbacks and failed inserts), and then every insert fails
(*integer out of range* / *nextval: reached maximum value*). Changing the key to `bigint` then means
`ALTER COLUMN ... TYPE bigint`, which rewrites the table and every index under ACCESS EXCLUSIVE,
plus every referencing foreign key column, or a long online migration.
`bigint` costs 4 more bytes per row; use it from the start:
`id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`.)md",
        "CREATE TABLE accounts (id serial PRIMARY KEY, name text);",
        "CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
      std::vector<const ColumnSpec*> keys;
      rule_util::for_each_column_def(op, [&](const ColumnSpec& c) {
        if (c.primary_key && rule_util::is_int4_or_smaller(c.type)) keys.push_back(&c);
      });
      if (op.kind == OpKind::CreateTable) {
        for (const ConstraintSpec& k : op.table_constraints) {
          if (k.kind != ConstraintKind::PrimaryKey) continue;
          for (const std::string& col : k.columns)
            for (const ColumnSpec& c : op.columns)
              if (c.name == col && rule_util::is_int4_or_smaller(c.type)) keys.push_back(&c);
        }
      }
      for (const ColumnSpec* c : keys) {
        reporter.report(i, &op,
                        "Primary key " + op.table.display() + "." + c->name + " is " + c->type.sql +
                            ": it overflows at " + (c->type.name == "int2" || c->type.name == "smallserial" ||
                                                            c->type.name == "serial2"
                                                        ? "32,767"
                                                        : "2,147,483,647") +
                            ", and widening it later rewrites " + op.table.display() + " under ACCESS EXCLUSIVE",
                        "Use bigint (bigint GENERATED ALWAYS AS IDENTITY).");
      }
    });
  }
};

}  // namespace
ZEROLOCK_RULE(PreferBigintPrimaryKey);
}  // namespace zerolock
