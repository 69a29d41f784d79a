#include "rules/rule.h"

#include <algorithm>
#include <map>

namespace zerolock {
namespace {
struct RegistryData {
  std::vector<std::unique_ptr<Rule>> owned;
  std::vector<const Rule*> sorted;
};
RegistryData& data() {
  static RegistryData d;
  return d;
}
}  // namespace

bool RuleRegistry::add(std::unique_ptr<Rule> rule) {
  RegistryData& d = data();
  d.sorted.push_back(rule.get());
  d.owned.push_back(std::move(rule));
  std::sort(d.sorted.begin(), d.sorted.end(),
            [](const Rule* a, const Rule* b) { return std::string_view(a->meta().id) < std::string_view(b->meta().id); });
  return true;
}

const std::vector<const Rule*>& RuleRegistry::all() { return data().sorted; }

const Rule* RuleRegistry::find(const std::string& id) {
  for (const Rule* r : data().sorted)
    if (id == r->meta().id) return r;
  return nullptr;
}

Diagnostic& RuleReporter::report_at(ByteRange range, int32_t statement, std::string message, std::string help) {
  Diagnostic d;
  d.rule = meta_.id;
  d.severity = severity_;
  d.message = std::move(message);
  d.help = std::move(help);
  d.range = range;
  d.statement = statement;
  out_.push_back(std::move(d));
  return out_.back();
}

Diagnostic& RuleReporter::report(size_t index, const Operation* op, std::string message, std::string help) {
  const Statement& s = input_.migration.statements[index];
  ByteRange range = op ? s.doc_range(*op) : s.range;
  Diagnostic& d = report_at(range, static_cast<int32_t>(index), std::move(message), std::move(help));
  // The lock summary: the op's own effect when known, else the statement's.
  const LockEffect* effect = &input_.facts[index].effect;
  if (op && s.parsed) {
    for (size_t k = 0; k < s.parsed->ops.size(); ++k) {
      if (&s.parsed->ops[k] == op) effect = &input_.facts[index].ops[k].effect;
    }
  }
  LockMode mode = effect->strongest();
  if (mode != LockMode::None) {
    LockSummary summary;
    summary.mode = mode;
    for (const RelationLock& l : effect->locks)
      if (l.mode == mode) summary.relations.push_back(l.relation);
    d.lock = summary;
  }
  return d;
}

void RuleReporter::scale_by_table(Diagnostic& diagnostic, const QualifiedName& table) const {
  std::string name = table.display();
  if (input_.config.is_large(name) || input_.config.is_large(table.name)) {
    diagnostic.severity = Severity::Error;
  } else if (input_.config.is_small(name) || input_.config.is_small(table.name)) {
    // A small table is locked briefly: still worth knowing, not worth failing CI for.
    if (diagnostic.severity != Severity::Hint) diagnostic.severity = Severity::Info;
  }
}

}  // namespace zerolock
