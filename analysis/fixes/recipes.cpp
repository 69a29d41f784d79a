// The rewrite recipes and their bindings to rule ids and op kinds. A recipe reads the diagnostic's
// operation and facts and returns a FixPlan (see fix.h); it never decides where text goes.
#include <algorithm>
#include <mutex>
#include <set>

#include "fixes/fix.h"
#include "fixes/sql_text.h"

namespace zerolock::fixes {
namespace {

const Statement& stmt(const RecipeInput& in) { return in.analysis.migration.statements[static_cast<size_t>(in.statement)]; }
const Operation* the_op(const RecipeInput& in) {
  const Statement& s = stmt(in);
  if (!s.parsed || s.parsed->error || in.op_index < 0) return nullptr;
  return &s.parsed->ops[static_cast<size_t>(in.op_index)];
}
// ALTER COLUMN TYPE: the column's type before the statement, when the migration defined it (the
// engine's OpFacts::column_type_before); nullopt when unknown (or without its spelling).
std::optional<TypeInfo> type_before(const RecipeInput& in) {
  const auto& facts = in.analysis.facts;
  if (in.statement < 0 || static_cast<size_t>(in.statement) >= facts.size() || in.op_index < 0) return std::nullopt;
  const auto& ops = facts[static_cast<size_t>(in.statement)].ops;
  if (static_cast<size_t>(in.op_index) >= ops.size()) return std::nullopt;
  const std::optional<TypeInfo>& t = ops[static_cast<size_t>(in.op_index)].column_type_before;
  if (!t || t->sql.empty()) return std::nullopt;
  return t;
}
bool single_op(const RecipeInput& in) { return stmt(in).parsed && stmt(in).parsed->ops.size() == 1; }
bool is_sql(const RecipeInput& in) { return in.analysis.migration.format == Format::Sql; }
// The statement is in the document as SQL text (plain SQL, or a formatted SQL Liquibase changelog).
bool sql_written(const RecipeInput& in) { return is_sql(in) || in.analysis.migration.format == Format::LiquibaseSql; }

FixPlan base_plan(const RecipeInput& in, const char* recipe, std::string title, FixApplicability a) {
  FixPlan p;
  p.recipe = recipe;
  p.title = std::move(title);
  p.applicability = a;
  p.rule = in.diagnostic.rule;
  p.statement = in.statement;
  p.op_index = in.op_index;
  return p;
}

Operation table_op(OpKind kind, const Operation& from);

// A step that sets `column` of `op`'s table to `value_sql` in batches that commit, for the rows
// where `pending_sql` holds (\x01 marks identifiers the renderers quote).
Step batched_backfill_step(const Operation& op, const std::string& column, std::string value_sql,
                           std::string pending_sql) {
  Step b;
  b.kind = StepKind::BatchedBackfill;
  b.op = table_op(OpKind::Update, op);
  b.op.column = column;
  b.backfill.value_sql = std::move(value_sql);
  b.backfill.pending_sql = std::move(pending_sql);
  return b;
}

// The same for the rows where `column` is still NULL.
Step fill_nulls_step(const Operation& op, const std::string& column, std::string value_sql) {
  return batched_backfill_step(op, column, std::move(value_sql), "\x01" + column + "\x01 IS NULL");
}

// An autocommit phase (its batches commit one by one) holding `step`.
Phase autocommit_phase(std::string label, Step step) {
  Phase phase;
  phase.label = std::move(label);
  phase.run = PhaseRun::Autocommit;
  phase.steps.push_back(std::move(step));
  return phase;
}

// An autocommit phase that copies column `from` into column `to` of `op`'s table in batches, for
// the rows where `to` is still NULL.
Phase copy_column_backfill_phase(std::string label, const Operation& op, const std::string& to,
                                 const std::string& from) {
  return autocommit_phase(std::move(label), batched_backfill_step(op, to, "\x01" + from + "\x01",
                                                                  "\x01" + to + "\x01 IS NULL AND \x01" + from + "\x01 IS NOT NULL"));
}

Step op_step(Operation op) {
  Step s;
  s.op = std::move(op);
  return s;
}

Operation table_op(OpKind kind, const Operation& from) {
  Operation op;
  op.kind = kind;
  op.table = from.table;
  op.only = from.only;
  return op;
}

std::string base_name(const QualifiedName& table) { return table.name; }

// ---- SQL fragments the front end leaves empty (defaults, types, SET lists as written) ----
struct AddColumnText {
  std::string type_sql, default_sql;
  bool other_constraints = false;  // CHECK/REFERENCES/UNIQUE/PRIMARY KEY/COLLATE/GENERATED: not rewritten
};

std::optional<AddColumnText> add_column_text(const RecipeInput& in, const Operation& op) {
  if (!sql_written(in)) return std::nullopt;
  const Statement& s = stmt(in);
  ByteRange r = s.doc_range(op);
  auto t = sqltext::statement_tokens(in.text, r);
  size_t i = 0;
  if (!t.word(i, "add")) return std::nullopt;
  ++i;
  if (t.word(i, "column")) ++i;
  if (t.word(i, "if")) i += 3;
  ++i;  // the column name
  static const std::vector<std::string_view> stops{"default", "not", "null", "constraint", "primary", "unique",
                                                   "check", "references", "generated", "collate"};
  auto type = sqltext::clause(t, i, t.toks.size(), stops);
  if (!type) return std::nullopt;
  AddColumnText out;
  out.type_sql = std::string(t.slice(type->begin, type->end));
  for (size_t k = t.at(type->end); k < t.toks.size(); ++k) {
    if (t.word(k, "default")) {
      auto d = sqltext::clause(t, k + 1, t.toks.size(), stops);
      if (!d) return std::nullopt;
      out.default_sql = std::string(t.slice(d->begin, d->end));
      k = t.at(d->end) - 1;
    } else if (t.word(k, "not") && t.word(k + 1, "null")) {
      ++k;
    } else if (t.word(k, "null")) {
    } else {
      out.other_constraints = true;
    }
  }
  return out;
}

// Other formats (Alembic) model the type and default as SQL already; a default the front end
// could not read as SQL (Volatility::Unknown) gets no fix.
std::optional<AddColumnText> column_spec_text(const Operation& op) {
  const ColumnSpec& c = *op.column_spec;
  if (c.type.sql.empty() || (c.has_default && (c.default_sql.empty() || c.default_volatility == Volatility::Unknown)))
    return std::nullopt;
  return AddColumnText{c.type.sql, c.has_default ? c.default_sql : std::string(), false};
}

// `part` occurs in `name` between '_' separators (or the ends): "revision_id" in
// "fk_comments_revision_id_revisions", but not "id" in "paid_at".
bool has_name_part(const std::string& name, const std::string& part) {
  if (part.empty()) return false;
  for (size_t at = name.find(part); at != std::string::npos; at = name.find(part, at + 1)) {
    bool left = at == 0 || name[at - 1] == '_';
    bool right = at + part.size() == name.size() || name[at + part.size()] == '_';
    if (left && right) return true;
  }
  return false;
}

// An unnamed constraint of an Alembic revision is named when it runs: by the naming convention of
// the project's target_metadata when it has one (fk_<table>_<column>_<referred table>, uq_...),
// else by PostgreSQL. A recipe that must name it (VALIDATE, USING INDEX) would otherwise rename
// the user's constraint. The revision often says which name it gets: it drops or re-creates the
// same constraint by name elsewhere (downgrade() re-creating what upgrade() dropped, or dropping
// what upgrade() created). That name, when exactly one name the revision uses for a constraint
// on this table holds the table, every column and the referred table; else nothing.
std::optional<std::string> name_the_revision_uses(const RecipeInput& in, const Operation& op) {
  if (in.analysis.migration.format != Format::Alembic || !op.constraint) return std::nullopt;
  const ConstraintSpec& c = *op.constraint;
  std::set<std::string> found;
  for (const Statement& s : in.analysis.migration.statements) {
    if (!s.parsed || s.parsed->error) continue;
    for (const Operation& o : s.parsed->ops) {
      if (o.table.name != op.table.name || o.table.schema != op.table.schema) continue;
      std::string name;
      if (o.kind == OpKind::DropConstraint) name = o.object.name;
      else if (o.kind == OpKind::AddConstraint && o.constraint && o.constraint->kind == c.kind) name = o.constraint->name;
      if (name.empty() || !has_name_part(name, op.table.name)) continue;
      bool all = std::all_of(c.columns.begin(), c.columns.end(), [&](const std::string& col) { return has_name_part(name, col); });
      if (c.kind == ConstraintKind::ForeignKey) all = all && has_name_part(name, c.referenced_table.name);
      if (all) found.insert(name);
    }
  }
  if (found.size() != 1) return std::nullopt;
  return *found.begin();
}

// ---- recipes ----

// CREATE INDEX / DROP INDEX -> CONCURRENTLY (+ IF [NOT] EXISTS), out of the transaction.
std::optional<FixPlan> concurrent_index(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || !single_op(in)) return std::nullopt;
  const Statement& s = stmt(in);
  Step step;
  step.op = *op;
  step.original_changed = true;
  std::string title;
  FixPlan plan;
  if (op->kind == OpKind::CreateIndex) {
    if (!op->index) return std::nullopt;
    step.op.concurrently = step.op.index->concurrently = true;
    if (!op->index->name.empty()) step.op.if_not_exists = step.op.index->if_not_exists = true;
    title = std::string("Build the ") + (op->index->unique ? "unique " : "") + "index concurrently";
    plan.notes.push_back("If CREATE INDEX CONCURRENTLY fails it leaves an INVALID index behind: DROP INDEX CONCURRENTLY IF EXISTS " +
                         (op->index->name.empty() ? std::string("<name>") : op->index->name) + " and run it again.");
    plan.notes.push_back("CONCURRENTLY is not supported on partitioned tables: build the index on each partition instead.");
  } else if (op->kind == OpKind::DropIndex) {
    if (op->cascade || !op->extra_tables.empty()) return std::nullopt;  // CONCURRENTLY: one index, no CASCADE
    step.op.concurrently = true;
    step.op.if_exists = true;
    title = "Drop the index concurrently";
  } else {
    return std::nullopt;
  }
  if (s.in_transaction) title += ", outside the transaction";
  FixPlan p = base_plan(in, "concurrent-index", title, FixApplicability::Safe);
  p.notes = plan.notes;
  Phase phase;
  phase.label = "build";
  phase.run = PhaseRun::Autocommit;
  phase.steps.push_back(std::move(step));
  p.phases.push_back(std::move(phase));
  return p;
}

// A statement that cannot run in a transaction block, inside one: move it out (and make it retryable).
std::optional<FixPlan> move_out_of_transaction(const RecipeInput& in) {
  const Statement& s = stmt(in);
  if (!s.parsed || s.parsed->error || s.parsed->ops.size() != 1) return std::nullopt;
  const Operation& op = s.parsed->ops.front();
  Step step;
  step.op = op;
  step.original_changed = true;
  if (op.kind == OpKind::CreateIndex && op.index && !op.index->name.empty()) step.op.if_not_exists = step.op.index->if_not_exists = true;
  if (op.kind == OpKind::DropIndex) step.op.if_exists = true;
  FixPlan p = base_plan(in, "move-out-of-transaction", "Move it out of the transaction", FixApplicability::Safe);
  Phase phase;
  phase.label = "autocommit";
  phase.run = PhaseRun::Autocommit;
  phase.steps.push_back(std::move(step));
  p.phases.push_back(std::move(phase));
  return p;
}

// Missing lock_timeout -> SET [LOCAL] lock_timeout before the statement.
std::optional<FixPlan> lock_timeout(const RecipeInput& in) {
  const Statement& s = stmt(in);
  FixPlan p = base_plan(in, "lock-timeout", "Set lock_timeout to " + in.config.lock_timeout + " before this statement",
                        FixApplicability::Safe);
  Phase phase;
  phase.label = "settings";
  auto add = [&](const char* name, const std::string& value) {
    Operation op;
    op.kind = OpKind::SetSetting;
    op.setting = SettingSpec{name, value, s.in_transaction, false};
    Step st = op_step(op);
    st.before_original = true;
    phase.steps.push_back(std::move(st));
  };
  add("lock_timeout", in.config.lock_timeout);
  if (!in.config.statement_timeout.empty() && !in.analysis.facts[static_cast<size_t>(in.statement)].statement_timeout_set)
    add("statement_timeout", in.config.statement_timeout);
  p.phases.push_back(std::move(phase));
  return p;
}

std::string helper_check_name(const QualifiedName& table, const std::string& column) {
  return sqltext::limit_name(base_name(table) + "_" + column + "_not_null");
}

// The CHECK (col IS NOT NULL) NOT VALID / VALIDATE / SET NOT NULL / DROP CONSTRAINT phases.
void not_null_via_check(FixPlan& p, const Operation& from, const std::vector<std::string>& columns, bool first_in_place,
                        std::vector<Step> between = {}) {
  Phase add;
  add.label = "add check";
  add.run = first_in_place ? PhaseRun::SameTransaction : PhaseRun::OwnTransaction;
  Phase validate;
  validate.label = "validate";
  validate.run = PhaseRun::OwnTransaction;
  for (const auto& column : columns) {
    std::string name = helper_check_name(from.table, column);
    p.chosen_names.push_back(name);
    Operation c = table_op(OpKind::AddConstraint, from);
    c.constraint = ConstraintSpec{};
    c.constraint->kind = ConstraintKind::Check;
    c.constraint->name = name;
    c.constraint->not_valid = true;
    c.constraint->columns = {column};
    c.constraint->expression_sql = "\x01" + column + "\x01 IS NOT NULL";  // \x01col\x01: spelled by the renderer
    c.object.name = name;
    add.steps.push_back(op_step(c));
    Operation v = table_op(OpKind::ValidateConstraint, from);
    v.object.name = name;
    validate.steps.push_back(op_step(v));
  }
  p.phases.push_back(std::move(add));
  p.phases.push_back(std::move(validate));
  Phase set;
  set.label = "set not null";
  set.run = PhaseRun::OwnTransaction;
  for (auto& b : between) set.steps.push_back(std::move(b));
  if (between.empty()) {
    for (const auto& column : columns) {
      Operation sn = table_op(OpKind::SetNotNull, from);
      sn.column = column;
      set.steps.push_back(op_step(sn));
    }
  }
  for (const auto& column : columns) {
    Operation d = table_op(OpKind::DropConstraint, from);
    d.object.name = helper_check_name(from.table, column);
    set.steps.push_back(op_step(d));
  }
  p.phases.push_back(std::move(set));
}

// Liquibase addNotNullConstraint with defaultNullValue: the UPDATE of the NULLs that Liquibase runs
// first (the front end maps the change to it, then SET NOT NULL): its index and the value it sets.
struct DefaultNullFill {
  int32_t statement = -1;
  std::string value_sql;
};
std::optional<DefaultNullFill> default_null_fill(const RecipeInput& in, const Operation& set) {
  const Statement& s = stmt(in);
  if (in.statement < 1 || s.origin != "addNotNullConstraint") return std::nullopt;
  const Statement& prev = in.analysis.migration.statements[static_cast<size_t>(in.statement - 1)];
  if (prev.origin != s.origin || prev.unit != s.unit || prev.range.begin != s.range.begin || prev.range.end != s.range.end ||
      !prev.parsed || prev.parsed->error || prev.parsed->ops.size() != 1)
    return std::nullopt;
  const Operation& u = prev.parsed->ops.front();
  const std::string tag = "set-value:";
  if (u.kind != OpKind::Update || u.table.name != set.table.name || u.table.schema != set.table.schema ||
      u.detail.rfind(tag, 0) != 0 || u.detail.size() == tag.size())
    return std::nullopt;
  return DefaultNullFill{in.statement - 1, u.detail.substr(tag.size())};
}

// SET NOT NULL -> CHECK NOT VALID, VALIDATE, SET NOT NULL, DROP CONSTRAINT.
std::optional<FixPlan> set_not_null(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || op->kind != OpKind::SetNotNull || !single_op(in) || op->column.empty()) return std::nullopt;
  // Already proven by our helper check earlier in the migration (an applied fix): nothing to do.
  std::string helper = helper_check_name(op->table, op->column);
  for (int32_t i = 0; i < in.statement; ++i) {
    const Statement& prev = in.analysis.migration.statements[static_cast<size_t>(i)];
    if (!prev.parsed) continue;
    for (const Operation& o : prev.parsed->ops)
      if (o.kind == OpKind::ValidateConstraint && o.object.name == helper && o.table.name == op->table.name) return std::nullopt;
  }
  bool scan_free = in.config.pg_version >= 12;
  FixPlan p = base_plan(in, "not-null-via-check", "Prove NOT NULL with a validated CHECK constraint first",
                        scan_free ? FixApplicability::Safe : FixApplicability::Unsafe);
  if (!scan_free)
    p.notes.push_back("Before PostgreSQL 12, SET NOT NULL still scans the table under ACCESS EXCLUSIVE even with the validated "
                      "CHECK: only the check's validation is made non-blocking.");
  not_null_via_check(p, *op, {op->column}, true);
  if (auto fill = default_null_fill(in, *op)) {
    // The NULLs get the value in batches that commit, after the CHECK NOT VALID (new rows are
    // checked from then on) and before the validation, instead of in one UPDATE under the lock.
    p.phases.insert(p.phases.begin() + 1, autocommit_phase("backfill", fill_nulls_step(*op, op->column, fill->value_sql)));
    p.also_replaces.push_back(fill->statement);
    p.title = "Set the NULLs to the default in batches, and prove NOT NULL with a validated CHECK constraint first";
    p.notes.push_back("From the CHECK NOT VALID on, new rows with a NULL " + op->column +
                      " are refused (Liquibase's UPDATE then SET NOT NULL refused them only at the end).");
  }
  return p;
}

// ADD FOREIGN KEY / CHECK -> NOT VALID, then VALIDATE in its own transaction.
std::optional<FixPlan> constraint_not_valid(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || op->kind != OpKind::AddConstraint || !op->constraint || op->constraint->not_valid) return std::nullopt;
  const ConstraintSpec& c = *op->constraint;
  if (c.kind != ConstraintKind::ForeignKey && c.kind != ConstraintKind::Check) return std::nullopt;
  if (!c.using_index.empty()) return std::nullopt;
  FixPlan p = base_plan(in, "not-valid-then-validate",
                        std::string("Add the ") + (c.kind == ConstraintKind::ForeignKey ? "foreign key" : "check") +
                            " NOT VALID, then validate it in a separate transaction",
                        FixApplicability::Safe);
  Step add;
  add.op = *op;
  add.original_changed = true;
  add.op.constraint->not_valid = true;
  if (c.name.empty()) {
    // The name the revision itself gives it (a naming convention), else PostgreSQL's own choice
    // for a foreign key (table_col_fkey); tables' checks get table_check.
    std::string name = base_name(op->table) + "_";
    if (c.kind == ConstraintKind::ForeignKey) {
      for (const auto& col : c.columns) name += col + "_";
      name += "fkey";
    } else {
      name += "check";
    }
    if (auto own = name_the_revision_uses(in, *op)) {
      add.op.constraint->name = *own;
    } else {
      add.op.constraint->name = sqltext::limit_name(name);
      p.chosen_names.push_back(add.op.constraint->name);
      if (in.analysis.migration.format == Format::Alembic)
        p.notes.push_back("The constraint gets PostgreSQL's default name " + add.op.constraint->name +
                          "; under a naming convention in target_metadata Alembic would have named it by the convention: "
                          "check the name.");
    }
  }
  Phase first;
  first.label = "add not valid";
  first.run = PhaseRun::SameTransaction;
  first.steps.push_back(add);
  Phase validate;
  validate.label = "validate";
  validate.run = PhaseRun::OwnTransaction;
  Operation v = table_op(OpKind::ValidateConstraint, *op);
  v.object.name = add.op.constraint->name;
  validate.steps.push_back(op_step(v));
  p.phases.push_back(std::move(first));
  p.phases.push_back(std::move(validate));
  return p;
}

// ADD UNIQUE / PRIMARY KEY -> CREATE UNIQUE INDEX CONCURRENTLY, ADD CONSTRAINT ... USING INDEX.
std::optional<FixPlan> constraint_using_index(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || op->kind != OpKind::AddConstraint || !op->constraint || !single_op(in)) return std::nullopt;
  const ConstraintSpec& c = *op->constraint;
  if ((c.kind != ConstraintKind::Unique && c.kind != ConstraintKind::PrimaryKey) || !c.using_index.empty() ||
      c.columns.empty() || c.deferrable)
    return std::nullopt;
  if (is_sql(in)) {
    // INCLUDE, WITH (...), USING INDEX TABLESPACE, NULLS NOT DISTINCT: not carried over, so no fix.
    auto t = sqltext::statement_tokens(in.text, stmt(in).doc_range(*op));
    for (const char* w : {"include", "with", "tablespace", "nulls", "initially"})
      if (t.find_word(0, t.toks.size(), w) != std::string_view::npos) return std::nullopt;
  }
  bool pk = c.kind == ConstraintKind::PrimaryKey;
  std::string name = c.name;
  FixPlan p = base_plan(in, "constraint-using-index",
                        std::string("Build the unique index concurrently, then add the ") + (pk ? "primary key" : "constraint") +
                            " USING INDEX",
                        FixApplicability::Safe);
  if (name.empty()) name = name_the_revision_uses(in, *op).value_or("");
  if (name.empty()) {
    name = base_name(op->table) + "_";
    if (pk) {
      name += "pkey";
    } else {
      for (const auto& col : c.columns) name += col + "_";
      name += "key";
    }
    name = sqltext::limit_name(name);
    p.chosen_names.push_back(name);
  }
  Operation ix;
  ix.kind = OpKind::CreateIndex;
  ix.table = op->table;
  // No IF NOT EXISTS: a re-run then stops at this first statement instead of half-applying.
  ix.concurrently = true;
  ix.index = IndexSpec{};
  ix.index->name = name;
  ix.index->unique = ix.index->concurrently = true;
  ix.index->columns = c.columns;
  ix.object.name = name;
  Operation add = table_op(OpKind::AddConstraint, *op);
  add.constraint = c;
  add.constraint->name = name;
  add.constraint->using_index = name;
  add.constraint->columns.clear();
  p.notes.push_back("If CREATE UNIQUE INDEX CONCURRENTLY fails (duplicates, or a cancelled build) it leaves an INVALID index: "
                    "DROP INDEX CONCURRENTLY IF EXISTS " + name + " before retrying.");
  Phase build;
  build.label = "build index";
  build.run = PhaseRun::Autocommit;
  build.steps.push_back(op_step(ix));
  if (pk) {
    // ADD PRIMARY KEY sets NOT NULL on its columns: prove it first so that step does not scan.
    p.phases.push_back(std::move(build));
    not_null_via_check(p, *op, c.columns, false, {op_step(add)});
  } else {
    p.phases.push_back(std::move(build));
    Phase attach;
    attach.label = "add constraint";
    attach.run = PhaseRun::OwnTransaction;
    attach.steps.push_back(op_step(add));
    p.phases.push_back(std::move(attach));
  }
  return p;
}

// ADD COLUMN ... NOT NULL [volatile default] -> nullable add, batched backfill, not-null via check.
std::optional<FixPlan> add_not_null_column(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || op->kind != OpKind::AddColumn || !op->column_spec || !single_op(in)) return std::nullopt;
  const ColumnSpec& c = *op->column_spec;
  if (!c.not_null || c.serial || c.identity || c.generated_stored || c.primary_key || c.unique || c.references || c.has_check)
    return std::nullopt;
  auto text = sql_written(in) ? add_column_text(in, *op) : column_spec_text(*op);
  if (!text || text->other_constraints) return std::nullopt;
  FixPlan p = base_plan(in, "add-column-then-backfill",
                        "Add the column as nullable, backfill it in batches, then set NOT NULL through a validated CHECK",
                        FixApplicability::Unsafe);
  Phase add;
  add.label = "add column";
  add.run = PhaseRun::SameTransaction;
  Operation a = *op;
  a.column_spec->not_null = false;
  a.column_spec->has_default = false;
  a.column_spec->default_sql.clear();
  a.column_spec->type.sql = text->type_sql;
  add.steps.push_back(op_step(a));
  if (!text->default_sql.empty()) {
    Operation d = table_op(OpKind::SetDefault, *op);
    d.column = c.name;
    d.column_spec = ColumnSpec{};
    d.column_spec->default_sql = text->default_sql;
    add.steps.push_back(op_step(d));
  }
  p.phases.push_back(std::move(add));
  if (text->default_sql.empty()) {
    Step note;
    note.kind = StepKind::Note;
    note.text = "zerolock: backfill " + c.name + " here in batches that commit (no default was given, so the value is yours "
                "to choose); the VALIDATE below fails cleanly while a row is still NULL.";
    p.phases.push_back(autocommit_phase("backfill", std::move(note)));
    p.notes.push_back("No default was given: write the backfill yourself (the placeholder comment marks where).");
  } else {
    p.phases.push_back(autocommit_phase("backfill", fill_nulls_step(*op, c.name, text->default_sql)));
  }
  not_null_via_check(p, *op, {c.name}, false);
  if (in.config.pg_version < 12)
    p.notes.push_back("Before PostgreSQL 12, SET NOT NULL still scans the table under ACCESS EXCLUSIVE.");
  p.notes.push_back("Between the phases, new rows may briefly hold NULL in the column; the application must tolerate it.");
  return p;
}

// ALTER COLUMN TYPE (rewrite) -> new column, dual-write trigger, backfill, later swap.
std::optional<FixPlan> change_type(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || op->kind != OpKind::AlterColumnType || !op->new_type || !single_op(in)) return std::nullopt;
  const Statement& s = stmt(in);
  // A Liquibase modifyDataType element: the type is the one its front end mapped (no USING there).
  bool element = in.analysis.migration.tool == MigrationTool::Liquibase && s.origin == "modifyDataType";
  if (!sql_written(in) && !element) return std::nullopt;
  auto t = sqltext::statement_tokens(in.text, s.doc_range(*op));
  std::string type_sql = op->new_type->sql;
  size_t type_at = element ? std::string_view::npos : t.find_word(0, t.toks.size(), "type");
  if (!element) {
    if (type_at == std::string_view::npos) return std::nullopt;
    auto type = sqltext::clause(t, type_at + 1, t.toks.size(), {"using", "collate"});
    if (!type) return std::nullopt;
    type_sql = std::string(t.slice(type->begin, type->end));
  }
  if (type_sql.empty()) return std::nullopt;
  std::string cast = "\x01" + op->column + "\x01::" + type_sql;
  if (size_t u = element ? std::string_view::npos : t.find_word(0, t.toks.size(), "using"); u != std::string_view::npos) {
    auto expr = sqltext::clause(t, u + 1, t.toks.size(), {});
    if (!expr) return std::nullopt;
    // The column's references become placeholders: NEW.col in the trigger, col in the backfill.
    cast = "(";
    uint32_t at = expr->begin;
    for (size_t k = t.at(expr->begin); k < t.toks.size() && t.toks[k].end <= expr->end; ++k) {
      if (t.toks[k].cls != sql::TokenClass::Identifier || sqltext::fold(t.str(k)) != op->column) continue;
      if (k > 0 && t.toks[k - 1].is_char('.')) return std::nullopt;  // qualified references: not rewritten
      cast += std::string(t.slice(at, t.toks[k].begin)) + "\x01" + op->column + "\x01";
      at = t.toks[k].end;
    }
    cast += std::string(t.slice(at, expr->end)) + ")";
  }
  std::string fresh = sqltext::limit_name(op->column + "_new");
  FixPlan p = base_plan(in, "change-type-expand-contract",
                        "Change the type through a new column, a dual-write trigger and a batched backfill (phased)",
                        FixApplicability::Unsafe);
  p.chosen_names = {fresh, sqltext::limit_name(base_name(op->table) + "_" + op->column + "_zerolock_sync")};
  Phase expand;
  expand.label = "expand";
  expand.run = PhaseRun::SameTransaction;
  Operation a = table_op(OpKind::AddColumn, *op);
  a.column = fresh;
  a.column_spec = ColumnSpec{};
  a.column_spec->name = fresh;
  a.column_spec->type = *op->new_type;
  a.column_spec->type.sql = type_sql;
  expand.steps.push_back(op_step(a));
  Step sync;
  sync.kind = StepKind::SyncTrigger;
  sync.op = table_op(OpKind::CreateTrigger, *op);
  sync.op.column = op->column;
  sync.op.new_name = fresh;
  sync.backfill.value_sql = cast;
  expand.steps.push_back(sync);
  p.phases.push_back(std::move(expand));
  p.phases.push_back(autocommit_phase(
      "backfill", batched_backfill_step(*op, fresh, cast, "\x01" + fresh + "\x01 IS NULL AND \x01" + op->column + "\x01 IS NOT NULL")));
  Phase contract;
  contract.label = "contract";
  contract.run = PhaseRun::OwnTransaction;
  contract.later_deploy = true;
  Step guard;
  guard.kind = StepKind::GuardColumnBare;
  guard.op = table_op(OpKind::Other, *op);
  guard.op.column = op->column;
  guard.op.new_name = fresh;
  contract.steps.push_back(guard);
  Step drop_sync;
  drop_sync.kind = StepKind::DropSyncTrigger;
  drop_sync.op = sync.op;
  drop_sync.backfill = sync.backfill;  // a rollback that re-creates the trigger needs its body
  contract.steps.push_back(drop_sync);
  Operation drop = table_op(OpKind::DropColumn, *op);
  drop.column = op->column;
  // The type the column had before the change, when the migration defined it: a rollback of the
  // contract (Liquibase) re-creates the column with it, instead of with the new column's type.
  const std::optional<TypeInfo> before = type_before(in);
  if (before) {
    drop.column_spec = ColumnSpec{};
    drop.column_spec->name = op->column;
    drop.column_spec->type = *before;
  } else {
    drop.detail = "old-type-unknown";  // the rollback says it brings the new type back
  }
  contract.steps.push_back(op_step(drop));
  Operation ren = table_op(OpKind::RenameColumn, *op);
  ren.column = fresh;
  ren.new_name = op->column;
  contract.steps.push_back(op_step(ren));
  p.phases.push_back(std::move(contract));
  p.notes.push_back("Deploy application code that tolerates both columns before the contract phase. The contract phase refuses "
                    "to run while " + op->column + " has a NOT NULL, default, index or constraint that " + fresh +
                    " lacks: recreate them on " + fresh + " first (indexes CONCURRENTLY).");
  p.notes.push_back("The column moves to the end of the table's column order.");
  if (in.analysis.migration.tool == MigrationTool::Liquibase)
    p.notes.push_back(before ? "Rolling back the contract phase brings " + op->column + " back as " + before->sql + ", its type before "
                                   "this change, with the values of " + fresh + " cast to it."
                             : "Rolling back the contract phase brings " + op->column + " back with the new type (" + type_sql +
                                   "), not the old one: its type before this change is not known here (this changelog did not "
                                   "define the column). Change it back by hand after that rollback.");
  return p;
}

// RENAME COLUMN -> add new column + two-way sync trigger + backfill; later drop trigger; later drop old.
std::optional<FixPlan> rename_column(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || op->kind != OpKind::RenameColumn || !single_op(in) || op->new_name.empty()) return std::nullopt;
  FixPlan p = base_plan(in, "rename-column-expand-contract",
                        "Rename in phases: add the new column kept in sync by a trigger, then drop the old one later",
                        FixApplicability::Unsafe);
  p.chosen_names = {sqltext::limit_name(base_name(op->table) + "_" + op->column + "_zerolock_sync")};
  Phase expand;
  expand.label = "expand";
  expand.run = PhaseRun::SameTransaction;
  Operation a = table_op(OpKind::AddColumn, *op);
  a.column = op->new_name;
  a.column_spec = ColumnSpec{};
  a.column_spec->name = op->new_name;
  a.detail = "type-of:" + op->column;  // the same type as the old column (renderers look it up)
  expand.steps.push_back(op_step(a));
  Step sync;
  sync.kind = StepKind::SyncTrigger;
  sync.op = table_op(OpKind::CreateTrigger, *op);
  sync.op.column = op->column;
  sync.op.new_name = op->new_name;
  sync.op.detail = "two-way";
  expand.steps.push_back(sync);
  p.phases.push_back(std::move(expand));
  p.phases.push_back(copy_column_backfill_phase("backfill", *op, op->new_name, op->column));
  Phase stop_sync;
  stop_sync.label = "contract";  // after every application instance uses the new name
  stop_sync.run = PhaseRun::OwnTransaction;
  stop_sync.later_deploy = true;
  Step drop_sync;
  drop_sync.kind = StepKind::DropSyncTrigger;
  drop_sync.op = sync.op;
  stop_sync.steps.push_back(drop_sync);
  Step guard;
  guard.kind = StepKind::GuardColumnBare;
  guard.op = table_op(OpKind::Other, *op);
  guard.op.column = op->column;
  guard.op.new_name = op->new_name;
  stop_sync.steps.push_back(guard);
  Operation drop = table_op(OpKind::DropColumn, *op);
  drop.column = op->column;
  stop_sync.steps.push_back(op_step(drop));
  p.phases.push_back(std::move(stop_sync));
  // Rolling back the expand phase: the trigger, its function and the new column go (renaming back
  // would collide with the old column, which is still there), in place of the user's rename back.
  Step undo_sync;
  undo_sync.kind = StepKind::DropSyncTrigger;
  undo_sync.op = sync.op;
  p.undo_first.push_back(undo_sync);
  Operation drop_new = table_op(OpKind::DropColumn, *op);
  drop_new.column = op->new_name;
  p.undo_first.push_back(op_step(drop_new));
  Operation back = table_op(OpKind::RenameColumn, *op);
  back.column = op->new_name;
  back.new_name = op->column;
  p.undo_replaces = back;
  // Rolling back the contract phase: the old column comes back as a copy of the new one, kept in
  // sync by the same trigger, so the rollback of the expand phase then applies as well.
  Phase re_expand;
  re_expand.label = "undo contract";
  Step say;
  say.kind = StepKind::Note;
  say.text = "zerolock: " + op->column + " comes back with " + op->new_name + "'s type and values, nullable, without a default, "
             "at the end of the column order";
  re_expand.steps.push_back(say);
  Operation again = table_op(OpKind::AddColumn, *op);
  again.column = op->column;
  again.column_spec = ColumnSpec{};
  again.column_spec->name = op->column;
  again.detail = "type-of:" + op->new_name;
  re_expand.steps.push_back(op_step(again));
  re_expand.steps.push_back(sync);
  p.later_undo.push_back(std::move(re_expand));
  p.later_undo.push_back(copy_column_backfill_phase("undo contract backfill", *op, op->column, op->new_name));
  p.notes.push_back("The new column is added without the old one's NOT NULL, default, indexes and constraints: add them "
                    "(safely) before the contract phase, which refuses to drop " + op->column + " while they are missing.");
  return p;
}

// RENAME TABLE -> rename + a view under the old name (updatable); drop the view later.
std::optional<FixPlan> rename_table(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || op->kind != OpKind::RenameTable || !single_op(in) || op->new_name.empty() ||
      (op->detail != "OBJECT_TABLE" && in.analysis.migration.format != Format::Alembic))  // op.rename_table: a table
    return std::nullopt;
  // Already followed by the view under the old name (an applied fix): nothing to do.
  const auto& statements = in.analysis.migration.statements;
  if (static_cast<size_t>(in.statement) + 1 < statements.size()) {
    const auto& next = statements[static_cast<size_t>(in.statement) + 1].parsed;
    if (next && !next->ops.empty() && next->ops.front().kind == OpKind::CreateView && next->ops.front().table.name == op->table.name)
      return std::nullopt;
  }
  FixPlan p = base_plan(in, "rename-table-expand-contract",
                        "Rename in phases: keep a view under the old name until every application instance uses the new one",
                        FixApplicability::Unsafe);
  Phase expand;
  expand.label = "expand";
  expand.run = PhaseRun::SameTransaction;
  expand.atomic = true;  // the old name never disappears
  Step keep = op_step(*op);
  keep.original_changed = true;
  expand.steps.push_back(keep);
  Operation view;
  view.kind = OpKind::CreateView;
  view.table = op->table;  // the view gets the old name
  view.new_name = op->new_name;
  expand.steps.push_back(op_step(view));
  p.phases.push_back(std::move(expand));
  Phase contract;
  contract.label = "contract";
  contract.run = PhaseRun::OwnTransaction;
  contract.later_deploy = true;
  Operation drop;
  drop.kind = OpKind::DropView;
  drop.table = op->table;
  drop.if_exists = true;
  drop.new_name = op->new_name;  // what the view showed: a rollback re-creates it
  contract.steps.push_back(op_step(drop));
  p.phases.push_back(std::move(contract));
  // Rolling back: the view goes before the user's own rename back (which would collide with it);
  // rolling back the contract re-creates the view. IF EXISTS: after the contract and its rollback,
  // or before the contract, the view is there; a hand-dropped one is no reason to fail.
  Operation unview = drop;
  p.undo_first.push_back(op_step(unview));
  Phase review;
  review.label = "undo contract";
  review.steps.push_back(op_step(view));
  p.later_undo.push_back(std::move(review));
  p.notes.push_back("A simple view is updatable, so old code keeps reading and writing; DDL, triggers and foreign keys "
                    "naming the old table do not follow it.");
  return p;
}

// Whole-table UPDATE -> a procedure that updates key ranges and commits per batch.
std::optional<FixPlan> batched_update(const RecipeInput& in) {
  const Operation* op = the_op(in);
  if (!op || op->kind != OpKind::Update || !single_op(in) || !is_sql(in)) return std::nullopt;
  const Statement& s = stmt(in);
  auto t = sqltext::statement_tokens(in.text, s.range);
  size_t set_at = t.find_word(0, t.toks.size(), "set");
  if (set_at == std::string_view::npos || t.find_word(0, set_at, "with") != std::string_view::npos) return std::nullopt;
  auto set = sqltext::clause(t, set_at + 1, t.toks.size(), {"where", "from", "returning"});
  if (!set) return std::nullopt;
  // The SET list may hold commas at depth 0: take everything up to WHERE/FROM/RETURNING.
  size_t k = t.at(set->end);
  while (k < t.toks.size() && t.toks[k].is_char(',')) {
    auto more = sqltext::clause(t, k + 1, t.toks.size(), {"where", "from", "returning"});
    if (!more) break;
    set->end = more->end;
    k = t.at(set->end);
  }
  if (t.word(k, "from") || t.word(k, "returning")) return std::nullopt;
  std::string where;
  if (t.word(k, "where")) {
    auto w = sqltext::clause(t, k + 1, t.toks.size(), {"returning"});
    if (!w) return std::nullopt;
    where = std::string(t.slice(w->begin, w->end));
    if (t.word(t.at(w->end), "returning")) return std::nullopt;
  }
  FixPlan p = base_plan(in, "batched-update", "Backfill in batches that commit, by ranges of id (assumes an integer key id)",
                        FixApplicability::Unsafe);
  Phase phase;
  phase.label = "backfill";
  phase.run = PhaseRun::Autocommit;
  Step b;
  b.kind = StepKind::BatchedBackfill;
  b.op = *op;
  b.backfill.set_sql = std::string(t.slice(set->begin, set->end));
  b.backfill.where_sql = where;
  phase.steps.push_back(b);
  p.phases.push_back(std::move(phase));
  p.chosen_names.push_back(sqltext::limit_name("zerolock_backfill_" + base_name(op->table)));
  p.notes.push_back("Assumes " + op->table.display() + " has an integer key column id; each batch commits, so the backfill is "
                    "no longer atomic and readers see it progress.");
  return p;
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::vector<Recipe>> by_rule;
  std::map<OpKind, std::vector<Recipe>> by_kind;
};
Registry& registry() {
  static Registry r;
  return r;
}

const bool builtins_bound = [] {
  // Rule ids of the catalogue (issue 3); a rule without a binding still gets the op-kind recipes.
  for (const char* id : {"require-concurrent-index-creation", "require-concurrent-index-deletion"})
    FixRegistry::bind_rule(id, concurrent_index);
  FixRegistry::bind_rule("concurrent-index-in-transaction", move_out_of_transaction);
  FixRegistry::bind_rule("missing-lock-timeout", lock_timeout);
  FixRegistry::bind_rule("adding-not-nullable-column", add_not_null_column);
  for (const char* id : {"setting-not-null", "setting-not-nullable-field", "set-not-null"}) FixRegistry::bind_rule(id, set_not_null);
  for (const char* id : {"constraint-missing-not-valid", "adding-foreign-key", "adding-foreign-key-constraint", "adding-check-constraint"})
    FixRegistry::bind_rule(id, constraint_not_valid);
  for (const char* id : {"unique-constraint-builds-index", "adding-primary-key", "adding-unique-constraint", "disallowed-unique-constraint",
                         "adding-field-with-default"})
    FixRegistry::bind_rule(id, constraint_using_index);
  FixRegistry::bind_rule("changing-column-type", change_type);
  FixRegistry::bind_rule("renaming-column", rename_column);
  FixRegistry::bind_rule("renaming-table", rename_table);
  FixRegistry::bind_rule("unbatched-backfill", batched_update);

  FixRegistry::bind_kind(OpKind::CreateIndex, concurrent_index);
  FixRegistry::bind_kind(OpKind::DropIndex, concurrent_index);
  FixRegistry::bind_kind(OpKind::SetNotNull, set_not_null);
  FixRegistry::bind_kind(OpKind::AddConstraint, constraint_not_valid);
  FixRegistry::bind_kind(OpKind::AddConstraint, constraint_using_index);
  FixRegistry::bind_kind(OpKind::AddColumn, add_not_null_column);
  FixRegistry::bind_kind(OpKind::AlterColumnType, change_type);
  FixRegistry::bind_kind(OpKind::RenameColumn, rename_column);
  FixRegistry::bind_kind(OpKind::RenameTable, rename_table);
  FixRegistry::bind_kind(OpKind::Update, batched_update);
  return true;
}();

}  // namespace

void FixRegistry::bind_rule(const std::string& rule_id, Recipe recipe) {
  std::lock_guard lock(registry().mutex);
  registry().by_rule[rule_id].push_back(recipe);
}
void FixRegistry::bind_kind(OpKind kind, Recipe recipe) {
  std::lock_guard lock(registry().mutex);
  registry().by_kind[kind].push_back(recipe);
}
std::vector<Recipe> FixRegistry::for_rule(const std::string& rule_id) {
  std::lock_guard lock(registry().mutex);
  auto it = registry().by_rule.find(rule_id);
  return it == registry().by_rule.end() ? std::vector<Recipe>{} : it->second;
}
std::vector<Recipe> FixRegistry::for_kind(OpKind kind) {
  std::lock_guard lock(registry().mutex);
  auto it = registry().by_kind.find(kind);
  return it == registry().by_kind.end() ? std::vector<Recipe>{} : it->second;
}

std::vector<FixPlan> plans_for(const Analysis& analysis, std::string_view text, const Config& config,
                               const Diagnostic& diagnostic) {
  (void)builtins_bound;
  std::vector<FixPlan> out;
  const auto& statements = analysis.migration.statements;
  if (diagnostic.statement == -1) {
    // File-level findings (missing-downgrade ...): recipes bound to "file:<rule>", statement -1.
    RecipeInput in{analysis, text, config, diagnostic, -1, -1};
    for (Recipe r : FixRegistry::for_rule("file:" + diagnostic.rule))
      if (auto plan = r(in)) out.push_back(std::move(*plan));
    return out;
  }
  if (diagnostic.statement < 0 || static_cast<size_t>(diagnostic.statement) >= statements.size()) return out;
  const Statement& s = statements[static_cast<size_t>(diagnostic.statement)];
  if (!s.parsed || s.parsed->error) return out;
  // The op the diagnostic points at: the one whose document range equals the diagnostic's, else
  // the only op of the statement.
  int32_t op_index = -1;
  for (size_t k = 0; k < s.parsed->ops.size(); ++k)
    if (s.doc_range(s.parsed->ops[k]) == diagnostic.range) op_index = static_cast<int32_t>(k);
  if (op_index < 0 && s.parsed->ops.size() == 1) op_index = 0;
  RecipeInput in{analysis, text, config, diagnostic, diagnostic.statement, op_index};
  std::vector<Recipe> recipes = FixRegistry::for_rule(diagnostic.rule);
  if (recipes.empty() && op_index >= 0 && diagnostic.rule != "syntax-error" && diagnostic.rule.find("prefer-") != 0 &&
      diagnostic.severity <= Severity::Warning)
    recipes = FixRegistry::for_kind(s.parsed->ops[static_cast<size_t>(op_index)].kind);
  for (Recipe r : recipes) {
    if (auto plan = r(in)) out.push_back(std::move(*plan));
  }
  std::stable_sort(out.begin(), out.end(), [](const FixPlan& a, const FixPlan& b) {
    return a.applicability == FixApplicability::Safe && b.applicability != FixApplicability::Safe;
  });
  return out;
}

}  // namespace zerolock::fixes
