#pragma once
// Helpers shared by several rules: transaction grouping, "created by this migration" checks for
// relations named in lock effects and DO-block bodies, type names. Header-only, rules only.
#include <string>
#include <vector>

#include "locks/lock_mode.h"
#include "model/schema_state.h"
#include "rules/rule.h"

namespace zerolock::rule_util {

inline bool usable(const Statement& s) { return s.parsed && !s.parsed->error; }

inline bool only_op_is(const Statement& s, OpKind kind) {
  return usable(s) && s.parsed->ops.size() == 1 && s.parsed->ops.front().kind == kind;
}

// One id per statement: statements sharing an id run in the same transaction (an explicit
// BEGIN ... COMMIT or the migration tool's implied transaction); -1 for autocommit statements.
inline std::vector<int32_t> transaction_ids(const RuleInput& input) {
  const auto& statements = input.migration.statements;
  std::vector<int32_t> ids(statements.size(), -1);
  int32_t next = 0, current = -1;
  int32_t opened_by = -2, unit = -1;
  for (size_t i = 0; i < statements.size(); ++i) {
    const Statement& s = statements[i];
    if (!s.in_transaction) {
      current = -1;
      continue;
    }
    if (current < 0 || s.transaction_opened_by != opened_by || s.unit != unit) current = next++;
    opened_by = s.transaction_opened_by;
    unit = s.unit;
    ids[i] = current;
    // The COMMIT/ROLLBACK ends it: the next statement starts a new group.
    if (only_op_is(s, OpKind::Commit) || only_op_is(s, OpKind::Rollback) || only_op_is(s, OpKind::PrepareTransaction))
      current = -1;
  }
  return ids;
}

// "schema.name" or "name" as the lock model writes relations -> QualifiedName.
inline QualifiedName relation_name(const std::string& relation) { return SchemaState::relation_name(relation); }

// Whether the migration created `table` (or a relation as the lock model writes it) before
// statement `facts` belongs to, counting DO-block bodies. Answers only for relations the statement
// names (its tables, DO-body tables, the relations it locks): see StatementFacts::new_relations.
inline bool created_before(const StatementFacts& facts, const std::string& key) {
  for (const std::string& k : facts.new_relations)
    if (k == key) return true;
  return false;
}
inline bool created_before(const StatementFacts& facts, const QualifiedName& table) {
  return !table.empty() && created_before(facts, SchemaState::key(table));
}
inline bool relation_created_before(const StatementFacts& facts, const std::string& relation) {
  return !relation.empty() && created_before(facts, SchemaState::relation_key(relation));
}

// Type-name predicates on TypeInfo::name (pg_catalog names: int4, int8, varchar, bpchar ...).
inline bool is_int4_or_smaller(const TypeInfo& t) {
  return !t.array && (t.name == "int4" || t.name == "int2" || t.name == "integer" || t.name == "int" ||
                      t.name == "smallint" || t.name == "serial" || t.name == "serial4" || t.name == "smallserial" ||
                      t.name == "serial2");
}
inline bool is_serial_type(const TypeInfo& t) {
  return t.name == "serial" || t.name == "serial4" || t.name == "bigserial" || t.name == "serial8" ||
         t.name == "smallserial" || t.name == "serial2";
}

// Every column definition an operation introduces, with the table it belongs to.
template <typename Fn>
void for_each_column_def(const Operation& op, Fn&& fn) {
  if (op.kind == OpKind::CreateTable) {
    for (const ColumnSpec& c : op.columns) fn(c);
  } else if (op.kind == OpKind::AddColumn && op.column_spec) {
    fn(*op.column_spec);
  }
}

inline std::string line_ref(const RuleInput& input, size_t statement) {
  const Statement& s = input.migration.statements[statement];
  // 1-based line of the statement's first byte.
  size_t line = 1;
  for (uint32_t i = 0; i < s.range.begin && i < input.text.size(); ++i)
    if (input.text[i] == '\n') ++line;
  return "line " + std::to_string(line);
}

}  // namespace zerolock::rule_util
