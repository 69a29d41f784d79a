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

void SchemaState::apply(const Operation& op) {
  switch (op.kind) {
    case OpKind::CreateTable:
    case OpKind::CreateTableAs:
    case OpKind::CreateMaterializedView:
      new_tables_.insert(key(op.table));
      for (const ColumnSpec& c : op.columns) {
        new_columns_.insert(column_key(op.table, c.name));
        column_types_[column_key(op.table, c.name)] = c.type;
      }
      break;
    case OpKind::AddColumn:
      if (op.column_spec) {
        new_columns_.insert(column_key(op.table, op.column_spec->name));
        column_types_[column_key(op.table, op.column_spec->name)] = op.column_spec->type;
      }
      break;
    case OpKind::AlterColumnType:
      if (op.new_type) column_types_[column_key(op.table, op.column)] = *op.new_type;
      break;
    case OpKind::RenameTable:
      if (new_tables_.erase(key(op.table))) new_tables_.insert(key(QualifiedName{op.table.schema, op.new_name}));
      break;
    case OpKind::CreateIndex:
      if (!op.object.name.empty()) new_indexes_.insert(key(op.object));
      break;
    case OpKind::DropTable:
      new_tables_.erase(key(op.table));
      break;
    default:
      break;
  }
}

bool SchemaState::table_is_new(const QualifiedName& table) const { return new_tables_.count(key(table)) > 0; }
bool SchemaState::index_is_new(const QualifiedName& index) const { return new_indexes_.count(key(index)) > 0; }
bool SchemaState::column_is_new(const QualifiedName& table, const std::string& column) const {
  return new_columns_.count(column_key(table, column)) > 0;
}
const TypeInfo* SchemaState::column_type(const QualifiedName& table, const std::string& column) const {
  auto it = column_types_.find(column_key(table, column));
  return it == column_types_.end() ? nullptr : &it->second;
}

}  // namespace zerolock
