#include "model/schema_delta.h"

#include <algorithm>
#include <cctype>

namespace zerolock {
namespace {

const char* kind_noun(SchemaObjectKind kind) {
  switch (kind) {
    case SchemaObjectKind::Table: return "table";
    case SchemaObjectKind::Column: return "column";
    case SchemaObjectKind::Index: return "index";
    case SchemaObjectKind::Constraint: return "constraint";
    case SchemaObjectKind::View: return "view";
    case SchemaObjectKind::MaterializedView: return "materialized view";
    case SchemaObjectKind::Type: return "type";
    case SchemaObjectKind::Sequence: return "sequence";
    case SchemaObjectKind::Extension: return "extension";
    case SchemaObjectKind::Schema: return "schema";
    case SchemaObjectKind::Function: return "function";
    case SchemaObjectKind::Trigger: return "trigger";
    default: return "object";
  }
}

bool table_bound(SchemaObjectKind kind) {
  return kind == SchemaObjectKind::Column || kind == SchemaObjectKind::Index || kind == SchemaObjectKind::Constraint ||
         kind == SchemaObjectKind::ColumnType || kind == SchemaObjectKind::NotNull || kind == SchemaObjectKind::Default ||
         kind == SchemaObjectKind::Trigger;
}

bool column_state(SchemaObjectKind kind) {
  return kind == SchemaObjectKind::ColumnType || kind == SchemaObjectKind::NotNull || kind == SchemaObjectKind::Default;
}

// Index names are unique per schema, so an index matches by name alone (DROP INDEX does not name the table).
// Constraint names under a naming convention: op.create_check_constraint("positive", "t", ...)
// is named ck_t_positive when the metadata's convention says so; a drop may use either form.
bool constraint_names_match(const SchemaChange& a, const SchemaChange& b) {
  if (a.name == b.name) return true;
  if (a.unnamed || b.unnamed) {
    // An unnamed constraint matches a named one on the same table covering its first column.
    const SchemaChange& u = a.unnamed ? a : b;
    const SchemaChange& n = a.unnamed ? b : a;
    return !u.columns.empty() && n.name.find(u.columns.front()) != std::string::npos;
  }
  std::string t = a.table.substr(a.table.rfind('.') == std::string::npos ? 0 : a.table.rfind('.') + 1);
  for (const char* prefix : {"ck_", "uq_", "fk_", "pk_", "ix_"}) {
    std::string p = std::string(prefix) + t + "_";
    if (a.name == p + b.name || b.name == p + a.name) return true;
  }
  return false;
}

bool same_object(const SchemaChange& a, const SchemaChange& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == SchemaObjectKind::Constraint) return a.table == b.table && constraint_names_match(a, b);
  if (a.name != b.name) return false;
  if (a.kind == SchemaObjectKind::Index) return true;
  return !table_bound(a.kind) || a.table == b.table;
}

// PostgreSQL's name for an unnamed constraint: <table>_<column>_fkey, _key, _check, _pkey.
std::string default_constraint_name(const std::string& table, const ConstraintSpec& c) {
  std::string base = table.substr(table.rfind('.') == std::string::npos ? 0 : table.rfind('.') + 1);
  switch (c.kind) {
    case ConstraintKind::PrimaryKey: return base + "_pkey";
    case ConstraintKind::ForeignKey: return base + "_" + (c.columns.empty() ? "" : c.columns.front()) + "_fkey";
    case ConstraintKind::Unique: return base + "_" + (c.columns.empty() ? "" : c.columns.front()) + "_key";
    case ConstraintKind::Check: return base + "_" + (c.columns.empty() ? "" : c.columns.front()) + "_check";
    case ConstraintKind::Exclusion: return base + "_excl";
    default: return {};
  }
}

}  // namespace

std::string SchemaChange::describe() const {
  switch (kind) {
    case SchemaObjectKind::ColumnType: return "the type of column " + display + " is changed";
    case SchemaObjectKind::NotNull:
      return created ? "column " + display + " is made NOT NULL" : "column " + display + " loses its NOT NULL";
    case SchemaObjectKind::Default: return "the default of column " + display + " is changed";
    case SchemaObjectKind::Column:
      return std::string("column ") + display + (created ? " is added" : " is dropped");
    default:
      return std::string(kind_noun(kind)) + " " + display + (created ? " is created" : " is dropped");
  }
}

std::string SchemaDelta::fold(const std::string& name) {
  std::string out = name;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.rfind("public.", 0) == 0) out = out.substr(7);
  return out;
}

std::string SchemaDelta::fold(const QualifiedName& name) {
  return fold(name.schema.empty() || name.schema == "public" ? name.name : name.schema + "." + name.name);
}

std::vector<SchemaChange> SchemaDelta::definite_changes() const {
  std::vector<SchemaChange> out;
  for (const SchemaChange& c : changes_)
    if (!c.optional) out.push_back(c);
  return out;
}

bool SchemaDelta::column_restored_or_new(const std::string& table, const std::string& column) const {
  std::string key = table + '\x1f' + column;
  if (std::find(restored_columns_.begin(), restored_columns_.end(), key) != restored_columns_.end()) return true;
  return std::any_of(changes_.begin(), changes_.end(), [&](const SchemaChange& c) {
    return c.kind == SchemaObjectKind::Column && c.created && c.table == table && c.name == column;
  });
}

void SchemaDelta::toggle(SchemaChange change) {
  // Undoing an earlier change comes first.
  for (auto it = changes_.begin(); it != changes_.end(); ++it) {
    if (same_object(*it, change) && it->created != change.created) {
      changes_.erase(it);
      return;
    }
  }
  // Parts of a table that is being restored (dropped, then created again) restore it too.
  if (change.created && table_bound(change.kind) &&
      std::find(restored_tables_.begin(), restored_tables_.end(), change.table) != restored_tables_.end())
    return;
  // Indexes and constraints on a column being restored (dropped, then added again) restore it too.
  if (change.created && (change.kind == SchemaObjectKind::Index || change.kind == SchemaObjectKind::Constraint)) {
    for (const std::string& col : change.columns) {
      std::string key = change.table + '\x1f' + col;
      if (std::find(restored_columns_.begin(), restored_columns_.end(), key) != restored_columns_.end()) return;
    }
  }
  // Column states (NOT NULL, type, default) of a column added or restored here are part of it.
  if (column_state(change.kind) && column_restored_or_new(change.table, change.name)) return;
  for (auto it = changes_.begin(); it != changes_.end(); ++it) {
    if (!same_object(*it, change)) continue;
    if (it->created != change.created) changes_.erase(it);  // undone
    return;                                                 // else a repeat: already recorded
  }
  changes_.push_back(std::move(change));
}

void SchemaDelta::flip_state(SchemaChange change) {
  if (column_restored_or_new(change.table, change.name)) return;
  for (auto it = changes_.begin(); it != changes_.end(); ++it) {
    if (same_object(*it, change)) {
      changes_.erase(it);  // changed back (the model does not compare values)
      return;
    }
  }
  changes_.push_back(std::move(change));
}

void SchemaDelta::drop_table_cascade(const std::string& table) {
  changes_.erase(std::remove_if(changes_.begin(), changes_.end(),
                                [&](const SchemaChange& c) { return table_bound(c.kind) && c.table == table; }),
                 changes_.end());
}

void SchemaDelta::drop_column_cascade(const std::string& table, const std::string& column) {
  changes_.erase(std::remove_if(changes_.begin(), changes_.end(),
                                [&](const SchemaChange& c) {
                                  if (c.table != table) return false;
                                  if (column_state(c.kind)) return c.name == column;
                                  if (c.kind == SchemaObjectKind::Index || c.kind == SchemaObjectKind::Constraint)
                                    return c.created && std::find(c.columns.begin(), c.columns.end(), column) != c.columns.end();
                                  return false;
                                }),
                 changes_.end());
}

void SchemaDelta::rename_table(const std::string& from, const std::string& to) {
  for (SchemaChange& c : changes_) {
    if (table_bound(c.kind) && c.table == from) {
      c.table = to;
      if (c.kind != SchemaObjectKind::Index) {
        size_t dot = c.display.rfind('.');
        if (dot != std::string::npos) c.display = to + c.display.substr(dot);
      }
    }
  }
}

void SchemaDelta::apply(const Operation& op, ByteRange range) {
  const std::string table = fold(op.table);
  auto change = [&](SchemaObjectKind kind, bool created, std::string name, std::string display) {
    SchemaChange c;
    c.kind = kind;
    c.created = created;
    c.table = table_bound(kind) ? table : std::string();
    c.name = std::move(name);
    c.display = std::move(display);
    c.range = range;
    return c;
  };
  auto column_change = [&](SchemaObjectKind kind, bool created, const std::string& column) {
    return change(kind, created, fold(column), op.table.display() + "." + column);
  };
  auto named = [&](SchemaObjectKind kind, bool created) {
    const QualifiedName& n = op.object.empty() ? op.table : op.object;
    if (n.empty()) {
      complete_ = false;
      return;
    }
    bool replace = op.detail == "replace";
    SchemaChange c = change(kind, created, fold(n), n.display());
    if (replace) {
      // CREATE OR REPLACE: cancels an earlier create of the same object, else records nothing
      // (it may overwrite an object that existed before).
      for (auto it = changes_.begin(); it != changes_.end(); ++it) {
        if (same_object(*it, c)) {
          changes_.erase(it);
          return;
        }
      }
      return;
    }
    toggle(std::move(c));
  };

  switch (op.kind) {
    case OpKind::CreateTable:
    case OpKind::CreateTableAs: {
      bool was_dropped = std::any_of(changes_.begin(), changes_.end(), [&](const SchemaChange& c) {
        return c.kind == SchemaObjectKind::Table && !c.created && c.name == table;
      });
      toggle(change(SchemaObjectKind::Table, true, table, op.table.display()));
      if (was_dropped) restored_tables_.push_back(table);
      break;
    }
    case OpKind::DropTable: {
      std::vector<QualifiedName> all{op.table};
      all.insert(all.end(), op.extra_tables.begin(), op.extra_tables.end());
      for (const QualifiedName& t : all) {
        std::string key = fold(t);
        drop_table_cascade(key);
        SchemaChange c = change(SchemaObjectKind::Table, false, key, t.display());
        toggle(std::move(c));
      }
      break;
    }
    case OpKind::RenameTable: {
      std::string to = fold(QualifiedName{op.table.schema, op.new_name});
      toggle(change(SchemaObjectKind::Table, false, table, op.table.display()));
      toggle(change(SchemaObjectKind::Table, true, to, QualifiedName{op.table.schema, op.new_name}.display()));
      rename_table(table, to);
      break;
    }
    case OpKind::AddColumn:
      if (op.column.empty()) {
        complete_ = false;
        break;
      }
      {
        bool was_dropped = std::any_of(changes_.begin(), changes_.end(), [&](const SchemaChange& c) {
          return c.kind == SchemaObjectKind::Column && !c.created && c.table == table && c.name == fold(op.column);
        });
        toggle(column_change(SchemaObjectKind::Column, true, op.column));
        if (was_dropped) restored_columns_.push_back(table + '\x1f' + fold(op.column));
      }
      break;
    case OpKind::DropColumn:
      drop_column_cascade(table, fold(op.column));
      toggle(column_change(SchemaObjectKind::Column, false, op.column));
      break;
    case OpKind::RenameColumn:
      toggle(column_change(SchemaObjectKind::Column, false, op.column));
      toggle(column_change(SchemaObjectKind::Column, true, op.new_name));
      break;
    case OpKind::AlterColumnType:
      flip_state(column_change(SchemaObjectKind::ColumnType, true, op.column));
      break;
    case OpKind::SetNotNull:
    case OpKind::DropNotNull:
      {
        // DROP NOT NULL on a column that may have been nullable already is no certain change.
        SchemaChange c = column_change(SchemaObjectKind::NotNull, op.kind == OpKind::SetNotNull, op.column);
        c.optional = op.kind == OpKind::DropNotNull;
        toggle(std::move(c));
      }
      break;
    case OpKind::SetDefault:
    case OpKind::DropDefault:
      flip_state(column_change(SchemaObjectKind::Default, true, op.column));
      break;
    case OpKind::CreateIndex: {
      std::string name = op.index ? op.index->name : op.object.name;
      if (name.empty()) {
        complete_ = false;  // PostgreSQL picks the name: cannot be matched with its DROP
        break;
      }
      SchemaChange c = change(SchemaObjectKind::Index, true, fold(name), name);
      if (op.index) c.columns = op.index->columns;
      for (std::string& col : c.columns) col = fold(col);
      toggle(std::move(c));
      break;
    }
    case OpKind::DropIndex: {
      std::vector<QualifiedName> all{op.object};
      all.insert(all.end(), op.extra_tables.begin(), op.extra_tables.end());
      for (const QualifiedName& n : all) toggle(change(SchemaObjectKind::Index, false, fold(n.name), n.display()));
      break;
    }
    case OpKind::RenameIndex:
      toggle(change(SchemaObjectKind::Index, false, fold(op.object.name), op.object.display()));
      toggle(change(SchemaObjectKind::Index, true, fold(op.new_name), op.new_name));
      break;
    case OpKind::AddConstraint: {
      if (!op.constraint) {
        complete_ = false;
        break;
      }
      bool unnamed = op.constraint->name.empty();
      std::string name = unnamed ? default_constraint_name(op.table.name, *op.constraint) : op.constraint->name;
      if (name.empty()) {
        complete_ = false;
        break;
      }
      SchemaChange c = change(SchemaObjectKind::Constraint, true, fold(name),
                              (unnamed ? "(unnamed) " : "") + name + " on " + op.table.display());
      c.unnamed = unnamed;
      c.columns = op.constraint->columns;
      if (c.columns.empty() && !op.constraint->expression_sql.empty()) {
        // A CHECK's columns: the identifiers of its expression (used only to cascade DROP COLUMN).
        std::string word;
        for (char ch : op.constraint->expression_sql + " ") {
          if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') {
            word += ch;
          } else {
            if (!word.empty() && !std::isdigit(static_cast<unsigned char>(word[0]))) c.columns.push_back(word);
            word.clear();
          }
        }
      }
      for (std::string& col : c.columns) col = fold(col);
      if (!op.constraint->using_index.empty()) {
        // ADD CONSTRAINT ... USING INDEX: the index becomes the constraint's own (renamed to it) and
        // DROP CONSTRAINT drops it, so an index created here is part of the constraint from now on.
        std::string ix = fold(op.constraint->using_index);
        auto it = std::find_if(changes_.begin(), changes_.end(), [&](const SchemaChange& o) {
          return o.kind == SchemaObjectKind::Index && o.created && o.name == ix;
        });
        if (it != changes_.end()) {
          if (c.columns.empty()) c.columns = it->columns;
          changes_.erase(it);
        }
      }
      toggle(std::move(c));
      break;
    }
    case OpKind::DropConstraint:
      toggle(change(SchemaObjectKind::Constraint, false, fold(op.object.name), op.object.name + " on " + op.table.display()));
      break;
    case OpKind::RenameConstraint:
      toggle(change(SchemaObjectKind::Constraint, false, fold(op.object.name), op.object.name + " on " + op.table.display()));
      toggle(change(SchemaObjectKind::Constraint, true, fold(op.new_name), op.new_name + " on " + op.table.display()));
      break;
    case OpKind::CreateView: named(SchemaObjectKind::View, true); break;
    case OpKind::DropView: named(SchemaObjectKind::View, false); break;
    case OpKind::CreateMaterializedView: named(SchemaObjectKind::MaterializedView, true); break;
    case OpKind::DropMaterializedView: named(SchemaObjectKind::MaterializedView, false); break;
    case OpKind::CreateType: named(SchemaObjectKind::Type, true); break;
    case OpKind::DropType: named(SchemaObjectKind::Type, false); break;
    case OpKind::CreateSequence: named(SchemaObjectKind::Sequence, true); break;
    case OpKind::DropSequence: named(SchemaObjectKind::Sequence, false); break;
    case OpKind::CreateExtension:
      named(SchemaObjectKind::Extension, true);
      // IF NOT EXISTS: it may have existed before, so neither a DROP in the rollback nor its absence is wrong.
      if (op.if_not_exists && !changes_.empty() && changes_.back().kind == SchemaObjectKind::Extension)
        changes_.back().optional = true;
      break;
    case OpKind::DropExtension: named(SchemaObjectKind::Extension, false); break;
    case OpKind::CreateSchema: named(SchemaObjectKind::Schema, true); break;
    case OpKind::DropSchema: named(SchemaObjectKind::Schema, false); break;
    case OpKind::CreateFunction: named(SchemaObjectKind::Function, true); break;
    case OpKind::DropFunction: named(SchemaObjectKind::Function, false); break;
    case OpKind::CreateTrigger: named(SchemaObjectKind::Trigger, true); break;
    case OpKind::DropTrigger: named(SchemaObjectKind::Trigger, false); break;
    case OpKind::DoBlock:
    case OpKind::Other:
    case OpKind::AlterType:
    case OpKind::SetTableSchema:
      complete_ = false;
      break;
    default:
      break;  // data changes, settings, locks, comments, grants: not part of the schema model
  }
}

}  // namespace zerolock
