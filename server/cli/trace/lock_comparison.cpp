#include "server/cli/trace/lock_comparison.h"

#include <algorithm>
#include <map>
#include <set>

namespace zerolock::trace {
namespace {

bool is_index(char kind) { return kind == 'i' || kind == 'I'; }

// Folded names the statement's operations mention.
std::set<std::string> named_relations(const Statement& statement) {
  std::set<std::string> out;
  if (!statement.parsed) return out;
  for (const Operation& op : statement.parsed->ops) {
    if (!op.table.empty()) out.insert(fold_relation(op.table.display()));
    if (!op.object.empty()) out.insert(fold_relation(op.object.display()));
    if (op.constraint && !op.constraint->referenced_table.empty())
      out.insert(fold_relation(op.constraint->referenced_table.display()));
    auto add_column = [&](const ColumnSpec& c) {
      if (c.references && !c.referenced_table.empty()) out.insert(fold_relation(c.referenced_table.display()));
    };
    if (op.column_spec) add_column(*op.column_spec);
    for (const ColumnSpec& c : op.columns) add_column(c);  // CREATE TABLE ... REFERENCES
    for (const ConstraintSpec& k : op.table_constraints)
      if (!k.referenced_table.empty()) out.insert(fold_relation(k.referenced_table.display()));
  }
  return out;
}

}  // namespace

std::vector<LockRow> compare_locks(const Statement& statement, const StatementFacts& facts, const Relations& before,
                                   const std::vector<HeldLock>& held_before, const std::vector<HeldLock>& seen) {
  // Folded name -> OID of the relations that existed before the statement.
  std::map<std::string, std::string> oid_of;
  for (const auto& [oid, info] : before) oid_of.emplace(fold_relation(info.name), oid);

  std::map<std::string, LockMode> predicted;  // folded name -> strongest predicted
  std::map<std::string, std::string> display;
  for (const RelationLock& l : facts.effect.locks) {
    std::string key = fold_relation(l.relation);
    predicted[key] = std::max(predicted[key], l.mode);
    display.emplace(key, l.relation);
  }
  std::set<std::pair<std::string, LockMode>> prior;
  for (const HeldLock& h : held_before)
    if (h.granted) prior.insert({h.oid, h.mode});
  std::map<std::string, LockMode> observed;  // OID -> strongest newly granted or requested
  for (const HeldLock& h : seen) {
    if (!before.count(h.oid) || prior.count({h.oid, h.mode})) continue;
    observed[h.oid] = std::max(observed[h.oid], h.mode);
  }

  std::set<std::string> compared;  // folded names
  for (const auto& [key, mode] : predicted) compared.insert(key);
  for (const std::string& key : named_relations(statement)) {
    auto it = oid_of.find(key);
    if (it == oid_of.end()) continue;
    compared.insert(key);
    const RelationInfo& info = before.at(it->second);
    if (is_index(info.kind) && !info.table.empty()) compared.insert(fold_relation(info.table));
  }

  std::vector<LockRow> rows;
  std::set<std::string> covered;  // OIDs reported in a compared row
  for (const std::string& key : compared) {
    LockRow row;
    auto it = oid_of.find(key);
    row.relation = it != oid_of.end() ? before.at(it->second).name : (display.count(key) ? display[key] : key);
    row.predicted = predicted.count(key) ? predicted[key] : LockMode::None;
    if (it == oid_of.end()) {
      row.exists = false;
    } else {
      covered.insert(it->second);
      row.observed = observed.count(it->second) ? observed[it->second] : LockMode::None;
      if (row.predicted != LockMode::None && row.observed < row.predicted && prior.count({it->second, row.predicted})) {
        row.already_held = true;
        row.observed = row.predicted;
      }
    }
    if (row.predicted == LockMode::None && row.observed == LockMode::None && !row.exists) continue;
    if (row.predicted == LockMode::None && row.observed == LockMode::None && row.exists) {
      // A named relation nobody locks (e.g. the new name of a rename): keep it only when predicted.
      if (!predicted.count(key)) continue;
    }
    rows.push_back(row);
  }
  for (const auto& [oid, mode] : observed) {
    if (covered.count(oid)) continue;
    LockRow row;
    row.relation = before.at(oid).name;
    row.observed = mode;
    row.compared = false;
    rows.push_back(row);
  }
  return rows;
}

StorageChanges storage_changes(const Statement& statement, const Relations& before, const Relations& after) {
  bool truncate = statement.parsed && !statement.parsed->ops.empty() &&
                  std::all_of(statement.parsed->ops.begin(), statement.parsed->ops.end(),
                              [](const Operation& op) { return op.kind == OpKind::TruncateTable; });
  StorageChanges out;
  std::set<std::string> truncated_tables;
  for (const auto& [oid, info] : before) {
    if (info.kind != 'r' && info.kind != 'm') continue;
    auto it = after.find(oid);
    if (it == after.end() || it->second.filenode == info.filenode) continue;
    (truncate ? out.truncated : out.rewritten).push_back(info.name);
    if (truncate) truncated_tables.insert(info.name);
  }
  for (const auto& [oid, info] : before) {
    if (info.kind != 'i') continue;
    auto it = after.find(oid);
    if (it == after.end() || it->second.filenode == info.filenode || truncated_tables.count(info.table)) continue;
    out.rewritten.push_back(info.name);
  }
  return out;
}

}  // namespace zerolock::trace
