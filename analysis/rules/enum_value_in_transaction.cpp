// enum-value-in-transaction: ALTER TYPE ... ADD VALUE inside a transaction (version aware).
#include <algorithm>

#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class EnumValueInTransaction final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "enum-value-in-transaction",
        Severity::Error,
        "transactions",
        "ALTER TYPE ... ADD VALUE cannot run in a transaction before PostgreSQL 12; from 12 the new value cannot be used before that transaction commits.",
        R"md(`ALTER TYPE ... ADD VALUE` adds a label to an enum. It takes no lock on the tables using the type,
but:
- before **PostgreSQL 12** it cannot run inside a transaction block at all: *ERROR: ALTER TYPE ...
  ADD cannot run inside a transaction block*. The migration fails at deploy time if the tool wraps
  it in a transaction (Flyway, Alembic, Liquibase, ... do by default) or the file has `BEGIN`;
- from **PostgreSQL 12** it may run in a transaction, but the new value cannot be *used* (inserted,
  used as a default, compared against in a CHECK) until that transaction commits: *ERROR: unsafe use
  of new value "..." of enum type*. The rule reports a use of the new value later in the same
  transaction.
Safe form: add the value in a migration of its own that runs outside a transaction (or, from 12,
commit before using it), and use it in a later migration.)md",
        "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nUPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;\nCOMMIT;",
        "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';\n"
        "UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;",
        FixApplicability::None,
    };
    return m;
  }

  static bool uses(const Operation& op, const std::string& value) {
    if (std::find(op.string_literals.begin(), op.string_literals.end(), value) != op.string_literals.end()) return true;
    for (const Operation& inner : op.body_ops)
      if (uses(inner, value)) return true;
    return false;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    const auto& statements = input.migration.statements;
    std::vector<int32_t> tx = rule_util::transaction_ids(input);
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts&) {
      if (op.kind != OpKind::AddEnumValue || !statements[i].in_transaction) return;
      std::string type = op.object.display();
      if (input.config.pg_version < 12) {
        Diagnostic& d = reporter.report(
            i, &op,
            "Before PostgreSQL 12, ALTER TYPE " + type +
                " ADD VALUE cannot run inside a transaction block: the migration fails" +
                (statements[i].transaction_opened_by >= 0
                     ? std::string()
                     : std::string(" (") + migration_tool_name(input.migration.tool) + " runs this file in a transaction)"),
            "Add the enum value in a migration of its own that runs outside a transaction.");
        if (statements[i].transaction_opened_by >= 0)
          d.related.push_back({statements[static_cast<size_t>(statements[i].transaction_opened_by)].range,
                               "the transaction starts here"});
        return;
      }
      if (tx[i] < 0 || op.detail.empty()) return;
      for (size_t j = i + 1; j < statements.size() && tx[j] == tx[i]; ++j) {
        if (!rule_util::usable(statements[j])) continue;
        for (const Operation& later : statements[j].parsed->ops) {
          if (!uses(later, op.detail)) continue;
          Diagnostic& d = reporter.report(
              j, &later,
              "'" + op.detail + "' is added to " + type + " (" + rule_util::line_ref(input, i) +
                  ") in this same transaction: using it before that transaction commits fails with \"unsafe use of new "
                  "value\"",
              "Commit after ADD VALUE and use the new value in a later transaction or migration.");
          d.related.push_back({statements[i].range, "the value is added here"});
          return;
        }
      }
    });
  }
};

}  // namespace
ZEROLOCK_RULE(EnumValueInTransaction);
}  // namespace zerolock
