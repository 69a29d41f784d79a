#include "engine/analysis.h"

#include <algorithm>
#include <chrono>

#include "engine/conventions.h"
#include "engine/front_ends.h"
#include "engine/rule_cache.h"
#include "engine/suppression.h"
#include "model/schema_state.h"
#include "rules/rule.h"
#include "text/line_index.h"

namespace zerolock {
namespace {

bool op_is(const Statement& s, OpKind kind) {
  return s.parsed && s.parsed->ops.size() == 1 && s.parsed->ops.front().kind == kind;
}

// The session time zone as the migration sets it, statement by statement. Tracked here and not
// with lock_timeout below because the lock model needs it (timestamp <-> timestamptz rewrites unless
// the zone is UTC). SET LOCAL lasts until the transaction ends: a COMMIT/ROLLBACK, or the end of the
// tool's unit (a changeSet, a file section).
class SessionTimeZoneTracker {
 public:
  SessionTimeZone before(const Statement& s) {
    if (s.unit != unit_) {
      unit_ = s.unit;
      end_local();
    }
    return zone_;
  }
  void after(const Statement& s) {
    if (!s.parsed || s.parsed->error) return;
    for (const Operation& op : s.parsed->ops) {
      if (op.kind == OpKind::Commit || op.kind == OpKind::Rollback || op.kind == OpKind::PrepareTransaction) end_local();
      if ((op.kind != OpKind::SetSetting && op.kind != OpKind::ResetSetting) || !op.setting) continue;
      const SettingSpec& set = *op.setting;
      if (set.name != "timezone" && set.name != "all") continue;
      SessionTimeZone zone = session_time_zone_after_set(set.value, set.is_default);
      if (set.is_local) {
        if (!local_) session_zone_ = zone_;
        local_ = true;
      } else {
        session_zone_ = zone;
        local_ = false;  // a plain SET inside the transaction replaces the LOCAL value too
      }
      zone_ = zone;
    }
  }

 private:
  void end_local() {
    if (local_) zone_ = session_zone_, local_ = false;
  }
  int32_t unit_ = 0;
  SessionTimeZone zone_ = SessionTimeZone::Unknown;          // in force now
  SessionTimeZone session_zone_ = SessionTimeZone::Unknown;  // in force once a SET LOCAL ends
  bool local_ = false;
};

// Records in `f` which relations statement `index` names that were new before it (see
// StatementFacts::new_relations). `state` already holds the statement's own operations.
void record_new_relations(const Statement& s, uint32_t index, const SchemaState& state, StatementFacts& f) {
  auto consider = [&](const std::string& key) {
    if (key.empty() || !state.table_was_new_before(key, index)) return;
    if (std::find(f.new_relations.begin(), f.new_relations.end(), key) == f.new_relations.end())
      f.new_relations.push_back(key);
  };
  const auto& ops = s.parsed->ops;
  for (size_t k = 0; k < ops.size(); ++k) {
    const Operation& op = ops[k];
    if (!op.table.empty()) consider(SchemaState::key(op.table));
    for (const QualifiedName& t : op.extra_tables) consider(SchemaState::key(t));
    for (const Operation& inner : op.body_ops)
      if (!inner.table.empty()) consider(SchemaState::key(inner.table));
    std::string table = op.table.display();
    for (const RelationLock& l : f.ops[k].effect.locks)
      if (l.relation != table) consider(SchemaState::relation_key(l.relation));
  }
}

// Per-statement lock effects and "created earlier in this migration" facts, in order: the one
// replay of the schema that the lock model and all rules share.
std::vector<StatementFacts> compute_facts(const Migration& migration, const Config& config) {
  std::vector<StatementFacts> facts(migration.statements.size());
  SchemaState schema;  // top-level operations: the facts and the lock model
  // The same plus DO-block bodies, for the rules' "created before" questions; a copy is made only
  // once a statement has a body, until then `schema` answers for both.
  std::optional<SchemaState> with_bodies;
  LockContext context{config.pg_version, &schema};
  SessionTimeZoneTracker time_zone;
  for (size_t i = 0; i < migration.statements.size(); ++i) {
    const Statement& s = migration.statements[i];
    facts[i].time_zone = context.time_zone = time_zone.before(s);
    time_zone.after(s);
    if (!s.parsed) continue;
    const auto index = static_cast<uint32_t>(i);
    const bool usable = !s.parsed->error;
    StatementFacts& f = facts[i];
    f.ops.resize(s.parsed->ops.size());
    const SchemaState& rules_view = with_bodies ? *with_bodies : schema;
    for (size_t k = 0; k < s.parsed->ops.size(); ++k) {
      const Operation& op = s.parsed->ops[k];
      if (usable && op.kind == OpKind::AlterColumnType)
        if (const TypeInfo* type = rules_view.column_type(op.table, op.column)) f.ops[k].column_type_before = *type;
      if (!op.body_ops.empty() && usable && !with_bodies) with_bodies = schema;
    }
    for (size_t k = 0; k < s.parsed->ops.size(); ++k) {
      const Operation& op = s.parsed->ops[k];
      OpFacts& of = f.ops[k];
      of.table_is_new = !op.table.empty() && schema.table_is_new(op.table);
      of.index_is_new = !op.object.empty() && schema.index_is_new(op.object);
      of.column_is_new = !op.column.empty() && schema.column_is_new(op.table, op.column);
      of.effect = lock_effect(op, context);
      f.effect.merge(of.effect);
      if (!usable) continue;
      schema.apply(op, index);
      if (with_bodies) {
        with_bodies->apply(op, index);
        for (const Operation& inner : op.body_ops) with_bodies->apply(inner, index);
      }
    }
    if (usable) record_new_relations(s, index, with_bodies ? *with_bodies : schema, f);
  }
  return facts;
}

// Overlays explicit BEGIN/COMMIT on the tool's implied transaction and tracks session settings.
void compute_transactions_and_settings(Migration& migration, std::vector<StatementFacts>& facts) {
  auto& statements = migration.statements;

  // Flyway runs a script made only of non-transactional statements outside a transaction by
  // itself (and refuses a mixed one unless mixed=true, which then runs it all without one).
  if (migration.tool == MigrationTool::Flyway && !statements.empty()) {
    bool all_non_transactional = std::all_of(facts.begin(), facts.end(), [](const StatementFacts& f) {
      return !f.effect.transactional;
    });
    if (all_non_transactional) {
      for (Statement& s : statements) s.in_transaction = false;
    }
  }

  int32_t open_begin = -1;   // index of an explicit BEGIN in force
  int32_t current_unit = statements.empty() ? 0 : statements.front().unit;
  bool explicit_commit_seen = false;  // the tool's transaction was ended by an explicit COMMIT
  bool lock_timeout = false, lock_timeout_local = false;
  bool statement_timeout = false, statement_timeout_local = false;
  std::vector<size_t> members;  // statements of the open explicit transaction
  Section current_section = statements.empty() ? Section::Upgrade : statements.front().section;

  for (size_t i = 0; i < statements.size(); ++i) {
    Statement& s = statements[i];
    if (s.section != current_section) {
      // upgrade() and downgrade() (an up and a down section) never run in one session: a session
      // SET of one is not in force in the other.
      current_section = s.section;
      lock_timeout = lock_timeout_local = statement_timeout = statement_timeout_local = false;
    }
    if (s.unit != current_unit) {
      current_unit = s.unit;
      open_begin = -1;
      explicit_commit_seen = false;
      if (lock_timeout_local) lock_timeout = false, lock_timeout_local = false;
      if (statement_timeout_local) statement_timeout = false, statement_timeout_local = false;
    }
    facts[i].lock_timeout_set = lock_timeout;
    facts[i].statement_timeout_set = statement_timeout;

    if (op_is(s, OpKind::Begin)) {
      open_begin = static_cast<int32_t>(i);
      members.clear();
    }
    if (open_begin >= 0) {
      s.in_transaction = true;
      s.transaction_opened_by = open_begin;
      members.push_back(i);
    } else if (explicit_commit_seen) {
      s.in_transaction = false;
    }
    bool ends = op_is(s, OpKind::Commit) || op_is(s, OpKind::Rollback) || op_is(s, OpKind::PrepareTransaction);
    if (ends) {
      for (size_t m : members) facts[m].transaction_ends_at = static_cast<int32_t>(i);
      if (open_begin < 0) {
        // COMMIT inside the tool's own transaction ends it; the rest runs in autocommit.
        s.in_transaction = s.in_transaction || migration.tool_wraps_in_transaction;
        explicit_commit_seen = true;
      }
      open_begin = -1;
      members.clear();
      if (lock_timeout_local) lock_timeout = false, lock_timeout_local = false;
      if (statement_timeout_local) statement_timeout = false, statement_timeout_local = false;
    }
    // Settings take effect for the statements after this one.
    if (s.parsed && !s.parsed->error) {
      for (const Operation& op : s.parsed->ops) {
        if ((op.kind != OpKind::SetSetting && op.kind != OpKind::ResetSetting) || !op.setting) continue;
        const SettingSpec& set = *op.setting;
        bool on = !set.disables_timeout();
        bool local = set.is_local;
        if (set.name == "lock_timeout" || set.name == "all") lock_timeout = on, lock_timeout_local = on && local;
        if (set.name == "statement_timeout" || set.name == "all")
          statement_timeout = on, statement_timeout_local = on && local;
      }
    }
  }
}

struct EnabledRule {
  const Rule* rule;
  Severity severity;
};

// The analysis time budget (Config::analysis_time_budget_ms), checked between rules and between
// statements: a pathological document stops being checked instead of blocking the editor or CI.
class Deadline {
 public:
  explicit Deadline(int64_t budget_ms)
      : budget_ms_(budget_ms), end_(std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms)) {}
  [[nodiscard]] bool passed() const { return std::chrono::steady_clock::now() >= end_; }
  [[nodiscard]] int64_t budget_ms() const { return budget_ms_; }

 private:
  int64_t budget_ms_;
  std::chrono::steady_clock::time_point end_;
};

// `skipped` says what did not run.
Diagnostic budget_exceeded(const Deadline& deadline, ByteRange at, const std::string& skipped) {
  Diagnostic d;
  d.rule = "analysis-time-budget";
  d.severity = Severity::Warning;
  d.range = at;
  d.message = "analysis stopped here: the time budget of " + std::to_string(deadline.budget_ms()) + " ms was used up; " + skipped;
  d.help = "Split the migration, or raise analysis_time_budget_ms in zerolock.toml (analysisTimeBudgetMs in the editor).";
  return d;
}

// Whole-migration checks run every time; per-statement rules run statement by statement, each
// statement's findings replayed from `cache` when its text and context are unchanged.
void run_rules(const RuleInput& input, RuleResultCache* cache, std::vector<Diagnostic>& out) {
  const Deadline deadline(input.config.analysis_time_budget_ms);
  std::vector<EnabledRule> per_statement;
  for (const Rule* rule : RuleRegistry::all()) {
    const RuleMeta& meta = rule->meta();
    if (!input.config.rule_enabled(meta.id, meta.enabled_by_default)) continue;
    Severity severity = meta.default_severity;
    auto it = input.config.rules.find(meta.id);
    if (it != input.config.rules.end() && it->second.severity) severity = *it->second.severity;
    if (rule->as_statement_rule()) {
      per_statement.push_back({rule, severity});
      continue;
    }
    if (deadline.passed()) {
      out.push_back(budget_exceeded(deadline, {0, 0}, std::string("the whole-migration check ") + meta.id +
                                                          ", the checks after it and the per-statement rules did not run"));
      return;
    }
    RuleReporter reporter(meta, input, severity, out);
    rule->check(input, reporter);
  }
  if (per_statement.empty()) return;
  if (cache) cache->begin(input.config, input.migration);
  const auto& statements = input.migration.statements;
  for (size_t i = 0; i < statements.size(); ++i) {
    // The clock is read every 64 statements: this loop runs on every keystroke in the editor.
    if (i % 64 == 0 && deadline.passed()) {
      out.push_back(budget_exceeded(deadline, statements[i].range,
                                    std::to_string(statements.size() - i) + " of " + std::to_string(statements.size()) +
                                        " statements from here on were not checked by the per-statement rules"));
      return;
    }
    if (cache && cache->replay(input.migration, input.facts, i, out)) continue;
    size_t first = out.size();
    StatementInput statement{i, statements[i], input.facts[i], input.migration, input.config};
    for (const EnabledRule& r : per_statement) {
      RuleReporter reporter(r.rule->meta(), input, r.severity, out);
      r.rule->as_statement_rule()->check_statement(statement, reporter);
    }
    if (cache) cache->store(input.migration, input.facts, i, out.data() + first, out.size() - first);
  }
}

// Orders findings by range start, then rule id, keeping the emission order of ties. The order is
// found on indices and each finding moved once: a stable sort of the findings themselves moved
// these large structs about log2(n) times each, a third of an edit's cost on a 1 MB migration.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  auto before = [&](uint32_t a, uint32_t b) {
    const Diagnostic& x = diagnostics[a];
    const Diagnostic& y = diagnostics[b];
    if (x.range.begin != y.range.begin) return x.range.begin < y.range.begin;
    return x.rule < y.rule;
  };
  std::vector<uint32_t> order(diagnostics.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  if (std::is_sorted(order.begin(), order.end(), before)) return;
  std::stable_sort(order.begin(), order.end(), before);
  std::vector<Diagnostic> sorted;
  sorted.reserve(diagnostics.size());
  for (uint32_t i : order) sorted.push_back(std::move(diagnostics[i]));
  diagnostics = std::move(sorted);
}

}  // namespace

Analysis analyze_migration(Migration migration, std::string_view text, const Config& config,
                           RuleResultCache* rule_cache) {
  Analysis analysis;
  analysis.facts = compute_facts(migration, config);
  compute_transactions_and_settings(migration, analysis.facts);
  analysis.migration = std::move(migration);

  RuleInput input{text, analysis.migration, analysis.facts, config};
  run_rules(input, rule_cache, analysis.diagnostics);
  analysis.diagnostics.insert(analysis.diagnostics.end(), analysis.migration.frontend_diagnostics.begin(),
                              analysis.migration.frontend_diagnostics.end());
  if (!analysis.migration.suppressions.empty()) {
    LineIndex lines(text);
    apply_suppressions(analysis.migration, lines, analysis.diagnostics);
  }
  sort_diagnostics(analysis.diagnostics);
  return analysis;
}

Analysis analyze_document(const DocumentInput& input, const Config& config, StatementCache& cache,
                          RuleResultCache* rule_cache) {
  Format format = detect_format(input);
  std::optional<Migration> migration = parse_with_front_end(format, input, config, cache);
  if (!migration) {
    // No front end for this format is built in: say so once instead of guessing.
    migration.emplace();
    migration->path = input.path;
    migration->format = format;
    Diagnostic d;
    d.rule = "unsupported-format";
    d.severity = Severity::Info;
    d.message = std::string("zerolock cannot read ") + format_name(format) + " migrations yet; this file was not analysed";
    d.range = {0, 0};
    migration->frontend_diagnostics.push_back(std::move(d));
  }
  return analyze_migration(std::move(*migration), input.text, config, rule_cache);
}

}  // namespace zerolock
