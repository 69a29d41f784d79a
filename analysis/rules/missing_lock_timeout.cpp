// missing-lock-timeout: a strong lock on an existing table with no lock_timeout set before it.
#include "rules/rule.h"

namespace zerolock {
namespace {

class MissingLockTimeout final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "missing-lock-timeout",
        Severity::Warning,
        "locking",
        "A statement takes a lock stronger than SHARE UPDATE EXCLUSIVE with no lock_timeout set before it.",
        R"md(A DDL statement first has to *acquire* its lock. If a long query or an idle-in-transaction
session holds a conflicting lock, the statement waits, and while it waits in the lock queue every
new query on the table waits behind it, even plain `SELECT`s when the requested lock is ACCESS
EXCLUSIVE. A migration that is "instant" can stall all traffic to a table for as long as the
oldest transaction runs.

`SET lock_timeout = '5s'` (or `SET LOCAL` inside the transaction) before the first such statement
makes it give up instead, so the deploy can retry later. The rule reports the first statement of
each migration unit that takes SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE or ACCESS EXCLUSIVE on a table
that existed before the migration while no non-zero `lock_timeout` is in force.)md",
        "ALTER TABLE users ADD COLUMN bio text;",
        "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN bio text;",
        FixApplicability::Safe,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    const auto& statements = input.migration.statements;
    int32_t reported_unit = -1;
    bool any_reported = false;
    for (size_t i = 0; i < statements.size(); ++i) {
      const Statement& s = statements[i];
      if (!s.parsed || s.parsed->error || input.facts[i].lock_timeout_set) continue;
      if (any_reported && s.unit == reported_unit) continue;
      const auto& ops = s.parsed->ops;
      for (size_t k = 0; k < ops.size(); ++k) {
        const OpFacts& f = input.facts[i].ops[k];
        if (f.table_is_new || f.effect.strongest() <= LockMode::ShareUpdateExclusive) continue;
        // Locks on relations created in this migration cannot wait on anyone.
        Diagnostic& d = reporter.report(
            i, nullptr,
            std::string(lock_mode_name(f.effect.strongest())) + " lock requested with no lock_timeout: if " +
                (ops[k].table.empty() ? ops[k].object.display() : ops[k].table.display()) +
                " is busy, this statement waits and every query on it queues behind it",
            "Put SET lock_timeout = '" + input.config.lock_timeout + "' before it (SET LOCAL inside a transaction).");
        (void)d;
        reported_unit = s.unit;
        any_reported = true;
        break;
      }
    }
  }
};

}  // namespace
ZEROLOCK_RULE(MissingLockTimeout);
}  // namespace zerolock
