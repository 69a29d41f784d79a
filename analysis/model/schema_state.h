#pragma once
// What the migration itself has created so far, statement by statement. An index on, or a
// NOT NULL column added to, a table created earlier in the same migration locks nobody out:
// the table is new and empty, so rules stay quiet about it.
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "model/operation.h"

namespace zerolock {

class SchemaState {
 public:
  void apply(const Operation& op);

  [[nodiscard]] bool table_is_new(const QualifiedName& table) const;
  [[nodiscard]] bool index_is_new(const QualifiedName& index) const;
  // The table an index belongs to, when the migration (or a schema file fed before it) created
  // it: CREATE INDEX, or the implicit index of a PRIMARY KEY / UNIQUE constraint.
  [[nodiscard]] const QualifiedName* index_table(const QualifiedName& index) const;
  [[nodiscard]] bool column_is_new(const QualifiedName& table, const std::string& column) const;
  // Type of a column whose definition the migration has seen, or nullptr.
  [[nodiscard]] const TypeInfo* column_type(const QualifiedName& table, const std::string& column) const;
  // The migration created an index that covers the column (a plain column of CREATE INDEX, or of a
  // PRIMARY KEY / UNIQUE constraint), or an expression index on its table (columns unknown: true).
  [[nodiscard]] bool column_is_indexed(const QualifiedName& table, const std::string& column) const;

  // Folded key for a relation name: PostgreSQL folds unquoted names when parsing, so the key is
  // schema-less unless the schema is given and not "public".
  static std::string key(const QualifiedName& name);

 private:
  std::unordered_set<std::string> new_tables_;
  std::unordered_set<std::string> new_indexes_;
  std::unordered_map<std::string, QualifiedName> index_tables_;  // index key -> its table
  void add_constraint_index(const QualifiedName& table, const ConstraintSpec& c);
  std::unordered_set<std::string> new_columns_;                 // "table\x1fcolumn"
  std::unordered_map<std::string, TypeInfo> column_types_;      // "table\x1fcolumn"
  std::unordered_set<std::string> indexed_columns_;             // "table\x1fcolumn"
  std::unordered_set<std::string> expression_indexed_tables_;
};

}  // namespace zerolock
