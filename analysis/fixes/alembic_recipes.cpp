// Recipes only Alembic renders: a generated downgrade() for missing-downgrade (bound to the
// file-level key "file:missing-downgrade", see plans_for). The inverse comes from the schema_delta
// model of upgrade(): only when every change is a creation zerolock can undo by name (tables,
// columns, indexes, named constraints, SET NOT NULL); a drop, a type or default change, or any
// part of upgrade() the model could not follow means no fix: the old definition is unknown.
#include <algorithm>

#include "fixes/fix.h"
#include "model/schema_delta.h"

namespace zerolock::fixes {
namespace {

// The op that made a change (one call can hold several ops with the same range: create_table's
// CREATE TYPE / CREATE TABLE / CREATE INDEX): a CreateTable wins, as the owner of what it made.
const Operation* op_at(const Migration& m, ByteRange range) {
  const Operation* found = nullptr;
  for (const Statement& s : m.statements) {
    if (s.section != Section::Upgrade || !s.parsed || s.parsed->error) continue;
    for (const Operation& op : s.parsed->ops) {
      if (s.doc_range(op) != range) continue;
      if (op.kind == OpKind::CreateTable) return &op;
      if (!found) found = &op;
    }
  }
  return found;
}

std::optional<FixPlan> generate_downgrade(const RecipeInput& in) {
  const Migration& m = in.analysis.migration;
  if (m.format != Format::Alembic || !m.rollback) return std::nullopt;
  const RollbackInfo& r = *m.rollback;
  if ((r.present && !r.empty) || !r.upgrade_complete) return std::nullopt;
  SchemaDelta delta;
  for (const Statement& s : m.statements) {
    if (s.section != Section::Upgrade) continue;
    if (!s.parsed || s.parsed->error) return std::nullopt;
    for (const Operation& op : s.parsed->ops) delta.apply(op, s.doc_range(op));
  }
  if (!delta.complete() || delta.empty()) return std::nullopt;
  Phase phase;
  phase.label = "downgrade";
  std::vector<SchemaChange> changes = delta.changes();
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    const SchemaChange& c = *it;
    const Operation* op = op_at(m, c.range);
    if (!op || !c.created) return std::nullopt;
    // Indexes, constraints and serial sequences create_table made go with the table's drop_table.
    if (op->kind == OpKind::CreateTable && (c.kind == SchemaObjectKind::Index || c.kind == SchemaObjectKind::Constraint ||
                                           c.kind == SchemaObjectKind::Sequence)) continue;
    if (c.unnamed) return std::nullopt;
    Operation inv;
    inv.table = op->table;
    switch (c.kind) {
      case SchemaObjectKind::Table:
        if (op->kind != OpKind::CreateTable) return std::nullopt;
        inv.kind = OpKind::DropTable;
        break;
      case SchemaObjectKind::Column:
        if (op->kind != OpKind::AddColumn) return std::nullopt;
        inv.kind = OpKind::DropColumn;
        inv.column = op->column;
        break;
      case SchemaObjectKind::Index:
        if (op->kind != OpKind::CreateIndex && op->kind != OpKind::CreateTable) return std::nullopt;
        inv.kind = OpKind::DropIndex;
        inv.object = {op->table.schema, c.display};
        break;
      case SchemaObjectKind::Constraint:
        if (op->kind != OpKind::AddConstraint || !op->constraint) return std::nullopt;
        inv.kind = OpKind::DropConstraint;
        inv.object = {op->table.schema, op->constraint->name};
        break;
      case SchemaObjectKind::NotNull:
        if (op->kind != OpKind::SetNotNull || c.optional) return std::nullopt;
        inv.kind = OpKind::DropNotNull;
        inv.column = op->column;
        break;
      default:
        return std::nullopt;
    }
    Step st;
    st.op = std::move(inv);
    phase.steps.push_back(std::move(st));
  }
  FixPlan p;
  p.recipe = "generate-downgrade";
  p.title = "Write a downgrade() that undoes upgrade()";
  // Rolling back drops what upgrade() created, data included: a human decides.
  p.applicability = FixApplicability::Unsafe;
  p.rule = in.diagnostic.rule;
  p.phases.push_back(std::move(phase));
  p.notes.push_back("downgrade() drops what upgrade() created, with its data.");
  return p;
}

const bool bound = [] {
  FixRegistry::bind_rule("file:missing-downgrade", generate_downgrade);
  return true;
}();

}  // namespace
}  // namespace zerolock::fixes
