// lock-order-deadlock-risk: one transaction takes strong locks on several existing tables, one
// statement after another.
#include <algorithm>
#include <map>

#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

class LockOrderDeadlockRisk final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "lock-order-deadlock-risk",
        Severity::Warning,
        "transactions",
        "One transaction takes strong locks on several tables in turn: application transactions locking them in another order can deadlock with it.",
        R"md(Each statement acquires its locks when it runs, and a transaction keeps them until `COMMIT`. A
migration that, in one transaction, alters `orders` and then `users` holds a strong lock on `orders`
while it waits for `users`. If an application transaction already holds a row lock on `users`
(ROW EXCLUSIVE) and then touches `orders`, each waits for the other: PostgreSQL detects the
deadlock after `deadlock_timeout` (1 s) and aborts one of them, possibly the migration, after both
tables were blocked meanwhile. Even without a deadlock, the first table stays locked while the
migration queues for the second.
Safe forms: one table per transaction (commit between the statements); or take all the locks
up front in one statement, in the order the application uses (`LOCK TABLE users, orders IN ACCESS
EXCLUSIVE MODE;`) with a `lock_timeout`, so the migration either gets them all or gives up at once.
The rule reports the first statement of a transaction that adds a strong lock (SHARE or stronger)
on a second table that existed before the migration.)md",
        "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;",
        "BEGIN;\nLOCK TABLE users, orders IN ACCESS EXCLUSIVE MODE;\nALTER TABLE orders ADD COLUMN note text;\n"
        "ALTER TABLE users ADD COLUMN note text;\nCOMMIT;",
        FixApplicability::None,
    };
    return m;
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    const auto& statements = input.migration.statements;
    std::vector<int32_t> tx = rule_util::transaction_ids(input);
    std::map<std::string, std::pair<size_t, std::string>> locked;  // key -> (statement, relation as written)
    int32_t current = -1;
    bool reported = false;
    for (size_t i = 0; i < statements.size(); ++i) {
      if (tx[i] != current) {
        locked.clear();
        reported = false;
        current = tx[i];
      }
      if (tx[i] < 0 || !rule_util::usable(statements[i])) continue;
      std::vector<std::pair<std::string, std::string>> fresh;  // locks this statement adds: (key, relation)
      LockMode fresh_mode = LockMode::None;
      for (const OpFacts& f : input.facts[i].ops) {
        for (const RelationLock& l : f.effect.locks) {
          if (l.mode < LockMode::Share || rule_util::relation_created_before(input.facts[i], l.relation)) continue;
          std::string key = SchemaState::relation_key(l.relation);
          if (locked.count(key)) continue;
          bool dup = false;
          for (auto& [k, r] : fresh) dup = dup || k == key;
          if (!dup) fresh.emplace_back(key, l.relation);
          fresh_mode = std::max(fresh_mode, l.mode);
        }
      }
      if (fresh.empty()) continue;
      if (!locked.empty() && !reported) {
        auto first = locked.begin();
        for (auto it = locked.begin(); it != locked.end(); ++it)
          if (it->second.first < first->second.first) first = it;
        const auto& [first_statement, first_relation] = first->second;
        std::string relation = fresh.front().second;
        Diagnostic& d = reporter.report(
            i, nullptr,
            "This transaction already holds a strong lock on " + first_relation + " (" +
                rule_util::line_ref(input, first_statement) + ") and now requests " +
                std::string(lock_mode_name(fresh_mode)) + " on " + relation +
                ": application transactions that lock them in the other order can deadlock with it, and " +
                first_relation + " stays blocked while this waits",
            "Change one table per transaction, or lock all tables up front in one LOCK TABLE statement with a "
            "lock_timeout.");
        d.lock = LockSummary{fresh_mode, {relation}};
        d.related.push_back({statements[first_statement].range, "the lock on " + first_relation + " is taken here"});
        reported = true;
      }
      for (auto& [key, relation] : fresh) locked.emplace(key, std::make_pair(i, relation));
    }
  }
};

}  // namespace
ZEROLOCK_RULE(LockOrderDeadlockRisk);
}  // namespace zerolock
