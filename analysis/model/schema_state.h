#pragma once
// What the migration itself has created so far, statement by statement. An index on, or a
// NOT NULL column added to, a table created earlier in the same migration locks nobody out:
// the table is new and empty, so rules stay quiet about it.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "model/operation.h"

namespace zerolock {

class SchemaState {
 public:
  // Applies `op`, an operation of statement `statement` (its index in the migration: it stamps
  // when a table was created or dropped, for table_was_new_before).
  void apply(const Operation& op, uint32_t statement = 0);

  [[nodiscard]] bool table_is_new(const QualifiedName& table) const;
  // The table (a key()) was created by the migration before statement `statement` and not yet
  // dropped or renamed away when that statement began. Answers for a statement whose own
  // operations are already applied, so one replay serves "before this statement" questions.
  [[nodiscard]] bool table_was_new_before(const std::string& key, uint32_t statement) const;
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
  // A relation as the lock model writes it ("schema.name" or "name"), and its key().
  static QualifiedName relation_name(const std::string& relation);
  static std::string relation_key(const std::string& relation);

 private:
  // When a table of the migration existed: created at statement `created`, gone (dropped or
  // renamed) from statement `gone` on. A table is new now while it is not gone.
  struct Lifetime {
    uint32_t created = 0;
    uint32_t gone = kNotGone;
  };
  static constexpr uint32_t kNotGone = UINT32_MAX;
  std::unordered_map<std::string, Lifetime> new_tables_;
  std::unordered_set<std::string> new_indexes_;
  std::unordered_map<std::string, QualifiedName> index_tables_;  // index key -> its table
  void add_constraint_index(const QualifiedName& table, const ConstraintSpec& c);
  // What the migration did to a column, under one key "table\x1fcolumn": one hash and one node
  // per column instead of one in each of three sets (this replay runs on every keystroke).
  struct ColumnState {
    bool is_new = false;   // added or created with its table by the migration
    bool indexed = false;  // covered by an index the migration created
    bool typed = false;    // `type` holds the definition the migration gave it
    TypeInfo type;
  };
  std::unordered_map<std::string, ColumnState> columns_;
  std::unordered_set<std::string> expression_indexed_tables_;
};

}  // namespace zerolock
