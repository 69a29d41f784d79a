// refresh-matview-without-concurrently: REFRESH MATERIALIZED VIEW blocks reads of the view.
#include "rules/rule.h"

namespace zerolock {
namespace {

class RefreshMatviewWithoutConcurrently final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "refresh-matview-without-concurrently",
        Severity::Warning,
        "locking",
        "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while its query runs.",
        R"md(`REFRESH MATERIALIZED VIEW` re-runs the view's query and swaps in the result while holding an
**ACCESS EXCLUSIVE** lock on the view: every `SELECT` on it waits until the query finishes, which is
as long as the (usually expensive) query takes. Inside a transaction the lock lasts until `COMMIT`.
`REFRESH MATERIALIZED VIEW CONCURRENTLY` takes EXCLUSIVE instead, which lets reads continue, and
applies the difference. It needs a unique index on the view (covering all rows, no WHERE) and a
populated view, and it is slower; it can run inside a transaction. Views created earlier in the
same migration are not reported.)md",
        "REFRESH MATERIALIZED VIEW daily_sales;",
        "REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;",
        FixApplicability::Unsafe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::RefreshMaterializedView || op.concurrently || facts.table_is_new) return;
      Diagnostic& d = reporter.report(
          i, &op,
          "REFRESH MATERIALIZED VIEW " + op.table.display() + " takes ACCESS EXCLUSIVE on " + op.table.display() +
              ": every read of the view waits until its query has run",
          "Use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view).");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(RefreshMatviewWithoutConcurrently);
}  // namespace zerolock
