#pragma once
// The one place that knows which locks PostgreSQL takes for an operation, whether it rewrites
// or scans the table, and whether it may run inside a transaction block; per server version.
// Every claim here is checked against a real PostgreSQL 15 by tests/pg_locks.
#include <string>
#include <vector>

#include "locks/lock_mode.h"
#include "locks/time_zone.h"
#include "model/operation.h"
#include "model/schema_state.h"

namespace zerolock {

enum class RelationRole : uint8_t { Table, Index, ReferencedTable, PartitionParent, Partition, Sequence, View, Other };

struct RelationLock {
  std::string relation;  // as written (schema-qualified when the source qualifies it)
  LockMode mode = LockMode::None;
  RelationRole role = RelationRole::Table;
  bool operator==(const RelationLock&) const = default;
};

struct LockEffect {
  std::vector<RelationLock> locks;
  bool rewrite = false;           // the table (or index) is rewritten: new relfilenode
  bool scan = false;              // the table is scanned under the lock (validation, index build)
  bool transactional = true;      // may run inside a transaction block
  bool known = true;              // false for operations whose locks zerolock does not model
  std::string note;               // version notes and caveats, one sentence each

  // The strongest mode taken on any relation.
  [[nodiscard]] LockMode strongest() const;
  // Merges another effect (several operations in one statement).
  void merge(const LockEffect& other);
  bool operator==(const LockEffect&) const = default;  // per-statement rule cache keys
};

// What is known about the schema beyond the statement: the target PostgreSQL major version and
// column types learned from earlier statements (for binary-compatible type changes).
struct LockContext {
  int pg_version = 15;
  const SchemaState* schema = nullptr;  // may be null
  // The session time zone the migration set before the statement (SET [LOCAL] TIME ZONE ...):
  // timestamp <-> timestamptz changes do not rewrite under UTC from PostgreSQL 12.
  SessionTimeZone time_zone = SessionTimeZone::Unknown;
};

LockEffect lock_effect(const Operation& op, const LockContext& context);

// True when changing a column from `from` to `to` needs no table rewrite (varchar widening,
// varchar -> text, numeric precision increase ...). `from` may be empty (unknown): false.
bool type_change_is_binary_compatible(const TypeInfo& from, const TypeInfo& to);
// True for timestamp -> timestamptz and timestamptz -> timestamp: binary compatible only when the
// session time zone is UTC, and only from PostgreSQL 12.
bool type_change_is_timestamp_zone_change(const TypeInfo& from, const TypeInfo& to);

}  // namespace zerolock
