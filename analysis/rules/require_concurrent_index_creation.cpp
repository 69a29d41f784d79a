// require-concurrent-index-creation: CREATE INDEX without CONCURRENTLY on an existing table.
#include "rules/rule.h"

namespace zerolock {
namespace {

class RequireConcurrentIndexCreation final : public StatementRule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "require-concurrent-index-creation",
        Severity::Error,
        "locking",
        "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index is built.",
        R"md(A plain `CREATE INDEX` takes a **SHARE** lock on the table for the whole index build, which
reads every row and sorts them: minutes on a large table. SHARE conflicts with ROW EXCLUSIVE, so
every `INSERT`, `UPDATE` and `DELETE` on the table waits until the build ends (reads continue).
Inside a transaction the lock is held until `COMMIT`.

`CREATE INDEX CONCURRENTLY` takes SHARE UPDATE EXCLUSIVE instead, which lets reads and writes go on;
it scans the table twice and waits for older transactions, so it takes longer, and it cannot run
inside a transaction block. If it fails it leaves an INVALID index behind: drop it
(`DROP INDEX CONCURRENTLY IF EXISTS ...`) and run it again.

An index on a table created earlier in the same migration is not reported: the table is empty
and nobody else can see it yet.)md",
        "CREATE INDEX ix_users_email ON users (email);",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_users_email ON users (email);",
        FixApplicability::Safe,
    };
    return m;
  }

  void check_statement(const StatementInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (op.kind != OpKind::CreateIndex || op.concurrently || facts.table_is_new) return;
      bool in_tx = input.migration.statements[i].in_transaction;
      Diagnostic& d = reporter.report(
          i, &op,
          "CREATE INDEX" + std::string(op.index && op.index->unique ? " UNIQUE" : "") + " locks " + op.table.display() +
              " in SHARE mode while the index is built: writes wait until it finishes" +
              (in_tx ? ", and the lock is held until the transaction commits" : ""),
          "Build it with CREATE INDEX CONCURRENTLY, outside a transaction block.");
      reporter.scale_by_table(d, op.table);
    });
  }
};

}  // namespace
ZEROLOCK_RULE(RequireConcurrentIndexCreation);
}  // namespace zerolock
