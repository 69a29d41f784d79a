// long-transaction-holding-lock: a strong lock taken early in a transaction is held through slow
// work later in the same transaction (backfill, index build, validation, rewrite).
#include <set>

#include "rules/rule.h"
#include "rules/rule_support.h"

namespace zerolock {
namespace {

struct HeldLock {
  std::string relation;
  LockMode mode = LockMode::None;
  size_t statement = 0;
};

class LongTransactionHoldingLock final : public Rule {
 public:
  const RuleMeta& meta() const override {
    static const RuleMeta m{
        "long-transaction-holding-lock",
        Severity::Error,
        "transactions",
        "A strong lock taken earlier in the transaction is held while slow work (backfill, index build, validation, rewrite) runs.",
        R"md(PostgreSQL releases table locks only when the transaction ends. A quick statement that takes a
strong lock (`ALTER TABLE ... ADD COLUMN` takes ACCESS EXCLUSIVE; `CREATE INDEX` takes SHARE; a foreign
key takes SHARE ROW EXCLUSIVE on two tables) followed *in the same transaction* by slow work (an
`UPDATE`/`DELETE` backfill, an index build, a constraint validation, a table rewrite, a
`REFRESH MATERIALIZED VIEW`) keeps the first lock for the whole duration of the slow work: an
"instant" `ADD COLUMN` becomes minutes of blocked reads and writes.
The transaction can be an explicit `BEGIN ... COMMIT` or the one the migration tool opens around the
whole file (Flyway, Alembic, Liquibase, golang-migrate, dbmate, Diesel).
Safe form: commit right after the statement that takes the strong lock, and do the slow work in
its own transactions (batched backfills that each commit; `CREATE INDEX CONCURRENTLY` and
`VALIDATE CONSTRAINT` outside the locking transaction). With tools that wrap each migration in a
transaction, put the slow work in a separate migration.
Locks on tables created earlier in the same migration are ignored: nobody else uses them yet.)md",
        "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nUPDATE users SET plan = 'free';\nCOMMIT;",
        "BEGIN;\nALTER TABLE users ADD COLUMN plan text;\nCOMMIT;\n"
        "UPDATE users SET plan = 'free' WHERE id BETWEEN 1 AND 10000 AND plan IS NULL;",
        FixApplicability::None,
    };
    return m;
  }

  // What makes the op slow, or empty when it is not.
  static std::string slow_work(const Operation& op, const OpFacts& facts, const StatementFacts& statement_facts,
                               const std::set<std::string>& added_in_tx) {
    if (facts.table_is_new) return {};
    switch (op.kind) {
      case OpKind::Update:
      case OpKind::Delete:
        return std::string(op.kind == OpKind::Update ? "the UPDATE" : "the DELETE") + " of " + op.table.display();
      case OpKind::CreateIndex:
        return "the index build on " + op.table.display();
      case OpKind::ValidateConstraint:
        // Validating a constraint added in this same transaction: constraint-missing-not-valid reports it.
        if (added_in_tx.count(SchemaState::key(op.table) + '\x1f' + op.object.name)) return {};
        return "the validation of " + op.object.name + " on " + op.table.display();
      case OpKind::RefreshMaterializedView:
        return "the refresh of " + op.table.display();
      case OpKind::ReindexIndex:
      case OpKind::ReindexTable:
        return "the reindex";
      case OpKind::DoBlock:
        for (const Operation& inner : op.body_ops)
          if ((inner.kind == OpKind::Update || inner.kind == OpKind::Delete) && !rule_util::created_before(statement_facts, inner.table))
            return "the DO block's " + std::string(inner.kind == OpKind::Update ? "UPDATE" : "DELETE") + " of " +
                   inner.table.display();
        return {};
      default:
        break;
    }
    if (facts.effect.rewrite) return "the rewrite of " + (op.table.empty() ? op.object.display() : op.table.display());
    if (facts.effect.scan) return "the scan of " + (op.table.empty() ? op.object.display() : op.table.display());
    return {};
  }

  void check(const RuleInput& input, RuleReporter& reporter) const override {
    const auto& statements = input.migration.statements;
    std::vector<int32_t> tx = rule_util::transaction_ids(input);
    std::vector<HeldLock> held;
    std::set<std::string> added_in_tx;  // "table\x1fconstraint" added in the current transaction
    std::set<std::string> reported;     // held relations already reported in the current transaction
    int32_t current = -1;
    for (size_t i = 0; i < statements.size(); ++i) {
      if (tx[i] != current) {
        held.clear();
        added_in_tx.clear();
        reported.clear();
        current = tx[i];
      }
      if (tx[i] < 0 || !rule_util::usable(statements[i])) continue;
      const auto& ops = statements[i].parsed->ops;
      if (!held.empty()) {
        for (size_t k = 0; k < ops.size(); ++k) {
          std::string work = slow_work(ops[k], input.facts[i].ops[k], input.facts[i], added_in_tx);
          if (work.empty()) continue;
          const HeldLock* strongest = &held.front();
          for (const HeldLock& h : held)
            if (h.mode > strongest->mode) strongest = &h;
          // One finding per held lock and transaction: ten index builds after one lock are one problem.
          if (!reported.insert(strongest->relation).second) break;
          std::string mode(lock_mode_name(strongest->mode));
          Diagnostic& d = reporter.report(
              i, &ops[k],
              mode + " on " + strongest->relation + " (taken at " + rule_util::line_ref(input, strongest->statement) +
                  ") is held while " + work + " runs, until the transaction commits: " +
                  blocked_work_phrase(strongest->mode) + " on " + strongest->relation + " for all that time",
              "Commit right after the statement that takes the lock and run the slow work in its own transaction(s).");
          d.lock = LockSummary{strongest->mode, {strongest->relation}};
          d.related.push_back({statements[strongest->statement].range, mode + " on " + strongest->relation + " is taken here"});
          reporter.scale_by_table(d, rule_util::relation_name(strongest->relation));
          break;
        }
      }
      for (size_t k = 0; k < ops.size(); ++k) {
        const Operation& op = ops[k];
        if (op.kind == OpKind::AddConstraint && op.constraint && !op.constraint->name.empty())
          added_in_tx.insert(SchemaState::key(op.table) + '\x1f' + op.constraint->name);
        for (const RelationLock& l : input.facts[i].ops[k].effect.locks) {
          if (l.mode < LockMode::Share || rule_util::relation_created_before(input.facts[i], l.relation)) continue;
          if (input.facts[i].ops[k].table_is_new && l.relation == op.table.display()) continue;
          bool known = false;
          for (HeldLock& h : held) {
            if (h.relation == l.relation) {
              known = true;
              if (l.mode > h.mode) h.mode = l.mode, h.statement = i;
            }
          }
          if (!known) held.push_back({l.relation, l.mode, i});
        }
      }
    }
  }
};

}  // namespace
ZEROLOCK_RULE(LongTransactionHoldingLock);
}  // namespace zerolock
