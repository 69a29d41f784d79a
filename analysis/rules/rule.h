#pragma once
// The rule interface and registry. A rule is one .cpp file under analysis/rules/ that defines
// a class and registers it with ZEROLOCK_RULE; it declares its own metadata and docs, so adding
// a rule touches that file plus its fixtures under tests/fixtures/rules/<id>/.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "engine/analysis.h"
#include "engine/diagnostic.h"

namespace zerolock {

enum class FixApplicability : uint8_t { None, Safe, Unsafe, DisplayOnly };

struct RuleMeta {
  const char* id;                 // kebab-case, never changes
  Severity default_severity;
  const char* category;           // locking, rewrite, transactions, rollback, naming, types ...
  const char* summary;            // one line
  const char* explanation;        // Markdown: what happens at runtime, for how long, the safe alternative
  const char* bad_example;        // SQL that triggers the rule
  const char* good_example;       // the safe form, which must not trigger it
  FixApplicability fix = FixApplicability::None;
  bool enabled_by_default = true;
};

// What a rule sees: the migration, the per-statement facts, the configuration.
struct RuleInput {
  std::string_view text;  // the document
  const Migration& migration;
  const std::vector<StatementFacts>& facts;
  const Config& config;
};

class RuleReporter {
 public:
  RuleReporter(const RuleMeta& meta, const RuleInput& input, Severity severity, std::vector<Diagnostic>& out)
      : meta_(meta), input_(input), severity_(severity), out_(out) {}

  // Reports on statement `index`, at `op`'s range when given (else the whole statement).
  // The lock summary is taken from the op's (or statement's) lock effect.
  Diagnostic& report(size_t index, const Operation* op, std::string message, std::string help);
  // Raises or lowers severity by the table's size hint: known small -> info, known large -> error.
  void scale_by_table(Diagnostic& diagnostic, const QualifiedName& table) const;
  Diagnostic& report_at(ByteRange range, int32_t statement, std::string message, std::string help);

 private:
  const RuleMeta& meta_;
  const RuleInput& input_;
  Severity severity_;
  std::vector<Diagnostic>& out_;
};

class StatementRule;

// A whole-migration check: sees every statement at once (transactions, lock_timeout order,
// schema replays, downgrade vs upgrade). Runs on every analysis, so it must stay cheap.
class Rule {
 public:
  virtual ~Rule() = default;
  [[nodiscard]] virtual const RuleMeta& meta() const = 0;
  virtual void check(const RuleInput& input, RuleReporter& reporter) const = 0;
  // Non-null when the rule looks at one statement at a time (see StatementRule).
  [[nodiscard]] virtual const StatementRule* as_statement_rule() const { return nullptr; }
};

// What a per-statement rule sees: statement `index` and its facts. Its findings may depend only
// on that statement (text, section, transaction flags, unit, origin), its StatementFacts, the
// migration's file-level fields (path, format, tool) and the configuration, never on another
// statement: the engine caches them per statement (RuleResultCache) and re-runs the rule only
// for statements whose text or context changed. `migration` is there for those file-level fields
// and for `migration.statements[index]`.
struct StatementInput {
  size_t index;
  const Statement& statement;
  const StatementFacts& facts;
  const Migration& migration;
  const Config& config;
};

// A rule that reports on one statement at a time; `check` runs it over every statement.
class StatementRule : public Rule {
 public:
  virtual void check_statement(const StatementInput& input, RuleReporter& reporter) const = 0;
  void check(const RuleInput& input, RuleReporter& reporter) const final {
    for (size_t i = 0; i < input.migration.statements.size(); ++i)
      check_statement(StatementInput{i, input.migration.statements[i], input.facts[i], input.migration, input.config},
                      reporter);
  }
  [[nodiscard]] const StatementRule* as_statement_rule() const final { return this; }
};

class RuleRegistry {
 public:
  static bool add(std::unique_ptr<Rule> rule);
  // All rules, sorted by id.
  static const std::vector<const Rule*>& all();
  static const Rule* find(const std::string& id);
};

#define ZEROLOCK_RULE_CONCAT_(a, b) a##b
#define ZEROLOCK_RULE_CONCAT(a, b) ZEROLOCK_RULE_CONCAT_(a, b)
#define ZEROLOCK_RULE(RuleClass)                                                         \
  [[maybe_unused]] static const bool ZEROLOCK_RULE_CONCAT(zerolock_rule_registered_, __COUNTER__) = \
      ::zerolock::RuleRegistry::add(std::make_unique<RuleClass>())

// Helpers most rules use.
namespace rule_util {
// Each (statement index, op index) whose op has `kind`, in order, skipping statements with syntax errors.
template <typename Fn>
void for_each_op(const RuleInput& input, Fn&& fn) {
  const auto& statements = input.migration.statements;
  for (size_t i = 0; i < statements.size(); ++i) {
    const auto& parsed = statements[i].parsed;
    if (!parsed || parsed->error) continue;
    for (size_t k = 0; k < parsed->ops.size(); ++k) fn(i, parsed->ops[k], input.facts[i].ops[k]);
  }
}
// The same for the one statement a per-statement rule looks at.
template <typename Fn>
void for_each_op(const StatementInput& input, Fn&& fn) {
  const auto& parsed = input.statement.parsed;
  if (!parsed || parsed->error) return;
  for (size_t k = 0; k < parsed->ops.size(); ++k) fn(input.index, parsed->ops[k], input.facts.ops[k]);
}
}  // namespace rule_util

}  // namespace zerolock
