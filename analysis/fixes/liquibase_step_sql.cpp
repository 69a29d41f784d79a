// Step -> SQL for Liquibase changeSets, and the SQL that undoes each step (every changeSet the
// renderer writes carries its rollback). The forward SQL is the SQL renderer's (step_sql.cpp: same
// trigger, backfill and guard bodies, so the PostgreSQL proof of one holds for the other), spelled
// from folded names: the Liquibase front end folds every name it reads.
#include "fixes/liquibase_renderer.h"
#include "fixes/sql_text.h"

namespace zerolock::fixes::lbfix {
namespace {

std::string alter(const Operation& op) { return "ALTER TABLE " + std::string(op.only ? "ONLY " : "") + table_sql(op.table); }

// The statements of `step` when it is written as kind `as` (a rollback re-creates or drops what
// the opposite step does).
std::optional<std::vector<std::string>> statements_as(Step step, StepKind as, const Config& config) {
  step.kind = as;
  auto parts = step_sql_parts(step, config);
  if (!parts) return std::nullopt;
  return parts->statements;
}

}  // namespace

std::string ident(std::string_view folded) { return sqltext::quote_ident(folded); }
std::string table_sql(const QualifiedName& q) { return q.schema.empty() ? ident(q.name) : ident(q.schema) + "." + ident(q.name); }

std::optional<std::vector<std::string>> step_sql(const Step& step, const Config& config) {
  // Key-range backfills carry SET/WHERE text of an SQL UPDATE; the Liquibase front end gives only
  // pending-row backfills.
  if (step.kind == StepKind::BatchedBackfill && step.backfill.pending_sql.empty()) return std::nullopt;
  return statements_as(step, step.kind, config);
}

std::optional<std::vector<std::string>> step_rollback_sql(const Step& step, const Phase& phase, const Config& config) {
  const Operation& op = step.op;
  using V = std::vector<std::string>;
  switch (step.kind) {
    case StepKind::BatchedBackfill:
    case StepKind::GuardColumnBare:
    case StepKind::Note: return V{};
    case StepKind::SyncTrigger: return statements_as(step, StepKind::DropSyncTrigger, config);
    case StepKind::DropSyncTrigger: return statements_as(step, StepKind::SyncTrigger, config);
    case StepKind::Op: break;
  }
  switch (op.kind) {
    case OpKind::SetSetting:
    case OpKind::ValidateConstraint:
    case OpKind::DropConstraint:  // the helper CHECK of a NOT NULL proof: the earlier phase's rollback drops it IF EXISTS
      return V{};
    case OpKind::CreateIndex:
      if (!op.index) return std::nullopt;
      return V{std::string("DROP INDEX ") + (op.index->concurrently ? "CONCURRENTLY " : "") + "IF EXISTS " +
               (op.table.schema.empty() ? "" : ident(op.table.schema) + ".") + ident(op.index->name)};
    case OpKind::DropIndex: return std::nullopt;
    case OpKind::AddConstraint:
      if (!op.constraint || op.constraint->name.empty()) return std::nullopt;
      return V{alter(op) + " DROP CONSTRAINT IF EXISTS " + ident(op.constraint->name)};
    case OpKind::SetNotNull: return V{alter(op) + " ALTER COLUMN " + ident(op.column) + " DROP NOT NULL"};
    // Recipes set a default only on a column they add (before, it had none).
    case OpKind::SetDefault: return V{alter(op) + " ALTER COLUMN " + ident(op.column) + " DROP DEFAULT"};
    case OpKind::AddColumn: return V{alter(op) + " DROP COLUMN IF EXISTS " + ident(op.column)};
    case OpKind::RenameColumn: return V{alter(op) + " RENAME COLUMN " + ident(op.new_name) + " TO " + ident(op.column)};
    case OpKind::CreateView: return V{"DROP VIEW IF EXISTS " + table_sql(op.table)};
    case OpKind::DropView: {
      // The compatibility view of a table rename: re-created over the renamed table.
      if (op.new_name.empty()) return std::nullopt;
      Operation view = op;
      view.kind = OpKind::CreateView;
      Step again = step;
      again.op = view;
      return statements_as(again, StepKind::Op, config);
    }
    case OpKind::DropColumn: {
      // The old column of an expand/contract: re-created from the column that replaced it, with its
      // values. With the type it had (the recipe's column_spec, when the migration defined it), the
      // values cast back; else with the type of the column that replaced it (the fix's notes say so).
      for (const Step& other : phase.steps) {
        if ((other.kind == StepKind::GuardColumnBare || other.kind == StepKind::DropSyncTrigger) && other.op.column == op.column &&
            !other.op.new_name.empty()) {
          Step add = step;
          add.original_changed = false;
          add.op.kind = OpKind::AddColumn;
          const bool typed = op.column_spec && !op.column_spec->type.sql.empty();
          std::string value = ident(other.op.new_name);
          if (typed) {
            add.op.column_spec->name = op.column;
            value += "::" + op.column_spec->type.sql;
          } else {
            add.op.column_spec.reset();
            add.op.detail = "type-of:" + other.op.new_name;
          }
          auto readd = statements_as(add, StepKind::Op, config);
          if (!readd) return std::nullopt;
          // A type change whose old type is unknown: said where the rollback is read (the changelog),
          // not only in the fix's notes, as a PL/pgSQL comment at the top of the DO block. (A rename's
          // old column rightly comes back with the type of the new one.)
          const std::string head = "DO $zerolock$\n";
          if (op.detail == "old-type-unknown" && !readd->empty() && readd->front().rfind(head, 0) == 0)
            readd->front().insert(head.size(), "-- zerolock: " + op.column + " comes back with the type of " + other.op.new_name +
                                                   ", the new type: its type before the change is not known here\n");
          readd->push_back("UPDATE " + table_sql(op.table) + " SET " + ident(op.column) + " = " + value);
          return readd;
        }
      }
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

std::optional<std::string> inverse_sql(const Operation& op) {
  std::string a = alter(op);
  switch (op.kind) {
    case OpKind::CreateTable: return "DROP TABLE " + table_sql(op.table);
    case OpKind::CreateIndex:
      if (!op.index || op.index->name.empty()) return std::nullopt;
      return "DROP INDEX " + std::string(op.table.schema.empty() ? "" : ident(op.table.schema) + ".") + ident(op.index->name);
    case OpKind::AddColumn: return a + " DROP COLUMN " + ident(op.column_spec ? op.column_spec->name : op.column);
    case OpKind::AddConstraint:
      if (!op.constraint || op.constraint->name.empty()) return std::nullopt;
      return a + " DROP CONSTRAINT " + ident(op.constraint->name);
    case OpKind::SetNotNull: return a + " ALTER COLUMN " + ident(op.column) + " DROP NOT NULL";
    case OpKind::DropNotNull: return a + " ALTER COLUMN " + ident(op.column) + " SET NOT NULL";
    case OpKind::SetDefault: return a + " ALTER COLUMN " + ident(op.column) + " DROP DEFAULT";
    case OpKind::RenameColumn: return a + " RENAME COLUMN " + ident(op.new_name) + " TO " + ident(op.column);
    case OpKind::RenameTable:
      return "ALTER TABLE " + (op.table.schema.empty() ? "" : ident(op.table.schema) + ".") + ident(op.new_name) + " RENAME TO " +
             ident(op.table.name);
    case OpKind::CreateView: return "DROP VIEW " + table_sql(op.table);
    case OpKind::CreateSequence: return "DROP SEQUENCE " + table_sql(op.object.empty() ? op.table : op.object);
    case OpKind::SetSetting: return std::string();
    default: return std::nullopt;
  }
}

}  // namespace zerolock::fixes::lbfix
