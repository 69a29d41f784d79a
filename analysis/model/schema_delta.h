#pragma once
// The net schema change of a sequence of operations, relative to the schema before them: which
// tables, columns, indexes, constraints ... were created or dropped, and which column states
// (type, NOT NULL, default) were changed. Applying a migration's forward operations and then its
// rollback (Alembic downgrade(), a Flyway undo file, a down migration) should leave an empty delta;
// whatever remains is what the rollback fails to undo. Format-neutral: it reads Operations only.
#include <cstdint>
#include <string>
#include <vector>

#include "model/operation.h"
#include "text/source_range.h"

namespace zerolock {

enum class SchemaObjectKind : uint8_t {
  Table, Column, Index, Constraint, ColumnType, NotNull, Default,
  View, MaterializedView, Type, Sequence, Extension, Schema, Function, Trigger,
};

struct SchemaChange {
  SchemaObjectKind kind = SchemaObjectKind::Table;
  bool created = true;               // true: exists now and did not before (or: state set); false: gone / unset
  std::string table;                 // folded table key for table-bound objects
  std::string name;                  // the object (column, index, constraint ...) name, folded
  std::vector<std::string> columns;  // columns an index / constraint covers (cascades on DROP COLUMN)
  std::string display;               // as written, for messages: "users.bio", "ix_users_email"
  ByteRange range;                   // document range of the operation that made the change
  bool optional = false;             // a leftover that may be no change at all (IF NOT EXISTS, DROP NOT NULL)
  bool unnamed = false;              // a constraint PostgreSQL or a naming convention names

  // "column users.bio is added", "index ix_users_email is created", "the type of users.age is changed"
  [[nodiscard]] std::string describe() const;
};

class SchemaDelta {
 public:
  // Applies one operation; `range` is its document range (kept for messages).
  void apply(const Operation& op, ByteRange range);

  // Operations whose effect on the schema the model cannot follow (DO blocks, functions, Other).
  [[nodiscard]] bool complete() const { return complete_; }
  [[nodiscard]] const std::vector<SchemaChange>& changes() const { return changes_; }
  [[nodiscard]] bool empty() const { return changes_.empty(); }
  // Leftovers that are certainly changes (optional ones dropped).
  [[nodiscard]] std::vector<SchemaChange> definite_changes() const;

  // Folded key of a name: lower case, "public." dropped.
  static std::string fold(const QualifiedName& name);
  static std::string fold(const std::string& name);

 private:
  void toggle(SchemaChange change);       // adds, or cancels the opposite change
  void flip_state(SchemaChange change);   // type / default: a second change of the same state cancels
  void drop_table_cascade(const std::string& table);
  void drop_column_cascade(const std::string& table, const std::string& column);
  void rename_table(const std::string& from, const std::string& to);

  std::vector<SchemaChange> changes_;
  [[nodiscard]] bool column_restored_or_new(const std::string& table, const std::string& column) const;
  std::vector<std::string> restored_tables_;
  std::vector<std::string> restored_columns_;  // "table\x1fcolumn": dropped, then added again  // dropped, then created again: its parts are being restored
  bool complete_ = true;
};

}  // namespace zerolock
