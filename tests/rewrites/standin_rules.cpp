#include "standin_rules.h"

#include <functional>

#include "rules/rule.h"

namespace zerolock::test {
namespace {

using Match = std::function<bool(const RuleInput&, size_t, const Operation&, const OpFacts&)>;

class StandIn final : public Rule {
 public:
  StandIn(const char* id, Match match) : meta_{id, Severity::Error, "locking", "stand-in", "stand-in", "", "", FixApplicability::Safe}, match_(std::move(match)) {}
  const RuleMeta& meta() const override { return meta_; }
  void check(const RuleInput& input, RuleReporter& reporter) const override {
    rule_util::for_each_op(input, [&](size_t i, const Operation& op, const OpFacts& facts) {
      if (!facts.table_is_new && match_(input, i, op, facts)) reporter.report(i, &op, std::string(meta_.id) + " (stand-in)", "");
    });
  }

 private:
  RuleMeta meta_;
  Match match_;
};

bool validated_before(const RuleInput& input, size_t index, const Operation& op) {
  for (size_t i = 0; i < index; ++i) {
    const auto& p = input.migration.statements[i].parsed;
    if (!p) continue;
    for (const Operation& o : p->ops)
      if (o.kind == OpKind::ValidateConstraint && o.table.name == op.table.name) return true;
  }
  return false;
}

}  // namespace

void register_standin_rules() {
  auto add = [](const char* id, Match m) {
    if (!RuleRegistry::find(id)) RuleRegistry::add(std::make_unique<StandIn>(id, std::move(m)));
  };
  add("setting-not-null", [](const RuleInput& in, size_t i, const Operation& op, const OpFacts&) {
    return op.kind == OpKind::SetNotNull && !(in.config.pg_version >= 12 && validated_before(in, i, op));
  });
  add("constraint-missing-not-valid", [](const RuleInput&, size_t, const Operation& op, const OpFacts&) {
    return op.kind == OpKind::AddConstraint && op.constraint && !op.constraint->not_valid &&
           (op.constraint->kind == ConstraintKind::ForeignKey || op.constraint->kind == ConstraintKind::Check);
  });
  add("unique-constraint-builds-index", [](const RuleInput&, size_t, const Operation& op, const OpFacts&) {
    return op.kind == OpKind::AddConstraint && op.constraint && op.constraint->kind == ConstraintKind::Unique &&
           op.constraint->using_index.empty();
  });
  add("adding-primary-key", [](const RuleInput&, size_t, const Operation& op, const OpFacts&) {
    return op.kind == OpKind::AddConstraint && op.constraint && op.constraint->kind == ConstraintKind::PrimaryKey &&
           op.constraint->using_index.empty();
  });
  add("changing-column-type", [](const RuleInput&, size_t, const Operation& op, const OpFacts& f) {
    return op.kind == OpKind::AlterColumnType && f.effect.rewrite;
  });
  add("renaming-column", [](const RuleInput&, size_t, const Operation& op, const OpFacts&) { return op.kind == OpKind::RenameColumn; });
  add("renaming-table", [](const RuleInput& in, size_t i, const Operation& op, const OpFacts&) {
    if (op.kind != OpKind::RenameTable || op.detail != "OBJECT_TABLE") return false;
    // Not when a view keeps the old name alive (the expand phase of the rewrite).
    const auto& s = in.migration.statements;
    if (i + 1 < s.size() && s[i + 1].parsed && !s[i + 1].parsed->ops.empty() &&
        s[i + 1].parsed->ops.front().kind == OpKind::CreateView && s[i + 1].parsed->ops.front().table.name == op.table.name)
      return false;
    return true;
  });
  add("unbatched-backfill", [](const RuleInput&, size_t, const Operation& op, const OpFacts&) {
    return op.kind == OpKind::Update && !op.has_where;
  });
}

}  // namespace zerolock::test
