// vacuum-full-or-cluster: VACUUM FULL / CLUSTER rewrite the table under ACCESS EXCLUSIVE.
#include "rules/rule.h"

namespace zerolock {
namespace {

class VacuumFullOrCluster final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "vacuum-full-or-cluster",
        Severity::Error,
        "rewrite",
        "VACUUM FULL and CLUSTER rewrite the whole table under ACCESS EXCLUSIVE.",
        R"md(`VACUUM FULL` and `CLUSTER` copy the table into a new file (in index order for CLUSTER) and
rebuild all its indexes while holding an **ACCESS EXCLUSIVE** lock: no reads and no writes for the
whole rewrite, minutes to hours on a large table, and twice the disk space meanwhile. Without a
table name they do this to *every* table of the database, one after the other.
Plain `VACUUM` (SHARE UPDATE EXCLUSIVE: reads and writes continue) is what routine maintenance
needs. To give space back to the operating system online, use an extension such as `pg_repack` or
`pg_squeeze` outside the migration.)md",
        "VACUUM FULL events;",
        "VACUUM (ANALYZE) events;",
        FixApplicability::None,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if ((op.kind != OpKind::VacuumFull && op.kind != OpKind::Cluster) || facts.table_is_new) return;
      const char* what = op.kind == OpKind::VacuumFull ? "VACUUM FULL" : "CLUSTER";
      std::string target = op.table.empty() ? std::string("every table of the database") : op.table.display();
      for (const QualifiedName& t : op.extra_tables) target += ", " + t.display();
      Diagnostic& d = reporter.report(
          i, &op,
          std::string(what) + " rewrites " + target +
              " and rebuilds the indexes under ACCESS EXCLUSIVE: reads and writes are blocked for the whole rewrite",
          "Use plain VACUUM, or pg_repack / pg_squeeze outside the migration to compact a table online.");
      if (!op.table.empty()) reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(VacuumFullOrCluster);
}  // namespace zerolock
