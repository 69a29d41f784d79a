#include "model/schema_state.h"

#include <algorithm>

namespace zerolock {
namespace {
std::string column_key(const QualifiedName& table, const std::string& column) {
  return SchemaState::key(table) + '\x1f' + column;
}
}  // namespace

std::string SchemaState::key(const QualifiedName& name) {
  std::string k = name.schema.empty() || name.schema == "public" ? name.name : name.schema + "." + name.name;
  return k;
}

QualifiedName SchemaState::relation_name(const std::string& relation) {
  auto dot = relation.rfind('.');
  if (dot == std::string::npos) return QualifiedName{"", relation};
  return QualifiedName{relation.substr(0, dot), relation.substr(dot + 1)};
}

std::string SchemaState::relation_key(const std::string& relation) { return key(relation_name(relation)); }

// PostgreSQL's default names of constraint indexes: <table>_pkey, <table>_<columns>_key.
void SchemaState::add_constraint_index(const QualifiedName& table, const ConstraintSpec& c) {
  if (c.kind != ConstraintKind::PrimaryKey && c.kind != ConstraintKind::Unique && c.kind != ConstraintKind::Exclusion) return;
  std::string name = c.name;
  if (name.empty()) {
    if (c.kind == ConstraintKind::PrimaryKey) {
      name = table.name + "_pkey";
    } else {
      name = table.name;
      for (const std::string& col : c.columns) name += "_" + col;
      name += c.kind == ConstraintKind::Unique ? "_key" : "_excl";
    }
  }
  index_tables_[key(QualifiedName{table.schema, name})] = table;
  for (const std::string& col : c.columns) columns_[column_key(table, col)].indexed = true;
}

void SchemaState::apply(const Operation& op, uint32_t statement) {
  switch (op.kind) {
    case OpKind::CreateTable:
    case OpKind::CreateTableAs:
    case OpKind::CreateMaterializedView:
      new_tables_[key(op.table)] = Lifetime{statement, kNotGone};
      for (const ConstraintSpec& c : op.table_constraints) add_constraint_index(op.table, c);
      for (const ColumnSpec& c : op.columns) {
        if (c.primary_key) {
          ConstraintSpec pk;
          pk.kind = ConstraintKind::PrimaryKey;
          pk.columns = {c.name};
          add_constraint_index(op.table, pk);
        }
        if (c.unique) {
          ConstraintSpec u{ConstraintKind::Unique};
          u.columns = {c.name};
          add_constraint_index(op.table, u);
        }
        ColumnState& column = columns_[column_key(op.table, c.name)];
        column.is_new = column.typed = true;
        column.type = c.type;
      }
      break;
    case OpKind::AddColumn:
      if (op.column_spec) {
        ColumnState& column = columns_[column_key(op.table, op.column_spec->name)];
        column.is_new = column.typed = true;
        column.type = op.column_spec->type;
      }
      break;
    case OpKind::AlterColumnType:
      if (op.new_type) {
        ColumnState& column = columns_[column_key(op.table, op.column)];
        column.typed = true;
        column.type = *op.new_type;
      }
      break;
    case OpKind::RenameTable:
      if (auto it = new_tables_.find(key(op.table)); it != new_tables_.end() && it->second.gone == kNotGone) {
        it->second.gone = statement;
        new_tables_[key(QualifiedName{op.table.schema, op.new_name})] = Lifetime{statement, kNotGone};
      }
      break;
    case OpKind::CreateIndex:
      if (!op.object.name.empty()) {
        new_indexes_.insert(key(op.object));
        index_tables_[key(op.object)] = op.table;
      }
      if (op.index) {
        for (const std::string& col : op.index->columns) columns_[column_key(op.table, col)].indexed = true;
        if (op.index->expression) expression_indexed_tables_.insert(key(op.table));
      }
      break;
    case OpKind::AddConstraint:
      if (op.constraint) add_constraint_index(op.table, *op.constraint);
      break;
    case OpKind::RenameIndex:
      if (auto it = index_tables_.find(key(op.object)); it != index_tables_.end()) {
        QualifiedName table = it->second;
        index_tables_.erase(it);
        index_tables_[key(QualifiedName{op.object.schema, op.new_name})] = table;
      }
      break;
    case OpKind::DropTable:
      if (auto it = new_tables_.find(key(op.table)); it != new_tables_.end() && it->second.gone == kNotGone)
        it->second.gone = statement;
      break;
    default:
      break;
  }
}

bool SchemaState::table_is_new(const QualifiedName& table) const {
  auto it = new_tables_.find(key(table));
  return it != new_tables_.end() && it->second.gone == kNotGone;
}
bool SchemaState::table_was_new_before(const std::string& key, uint32_t statement) const {
  auto it = new_tables_.find(key);
  return it != new_tables_.end() && it->second.created < statement && it->second.gone >= statement;
}
const QualifiedName* SchemaState::index_table(const QualifiedName& index) const {
  auto it = index_tables_.find(key(index));
  return it == index_tables_.end() ? nullptr : &it->second;
}

bool SchemaState::index_is_new(const QualifiedName& index) const { return new_indexes_.count(key(index)) > 0; }
bool SchemaState::column_is_new(const QualifiedName& table, const std::string& column) const {
  auto it = columns_.find(column_key(table, column));
  return it != columns_.end() && it->second.is_new;
}
bool SchemaState::column_is_indexed(const QualifiedName& table, const std::string& column) const {
  auto it = columns_.find(column_key(table, column));
  return (it != columns_.end() && it->second.indexed) || expression_indexed_tables_.count(key(table)) > 0;
}
const TypeInfo* SchemaState::column_type(const QualifiedName& table, const std::string& column) const {
  auto it = columns_.find(column_key(table, column));
  return it == columns_.end() || !it->second.typed ? nullptr : &it->second.type;
}

}  // namespace zerolock
