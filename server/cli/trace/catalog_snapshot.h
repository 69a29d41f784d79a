#pragma once
// What the trace reads from the server around each statement: the user relations that exist
// (OID, display name, kind, relfilenode, the table of an index) and the relation locks a backend
// holds or waits for (pg_locks).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "locks/lock_mode.h"
#include "server/cli/trace/pg_connection.h"

namespace zerolock::trace {

struct RelationInfo {
  std::string name;        // "users" in schema public, else "schema.name" (as `zerolock locks` writes them)
  char kind = 'r';         // pg_class.relkind
  std::string filenode;    // pg_class.relfilenode ("0" for relations without storage of their own)
  std::string table;       // for an index: its table's display name
};

using Relations = std::map<std::string, RelationInfo>;  // by OID (text)

struct HeldLock {
  std::string oid;
  LockMode mode = LockMode::None;
  bool granted = true;
};

// Relations outside pg_catalog, information_schema and pg_toast (temporary schemas included).
std::variant<Relations, PgError> read_relations(PgConnection& conn);
// Relation locks of backend `pid` in the current database.
std::variant<std::vector<HeldLock>, PgError> read_locks(PgConnection& conn, int pid);

// Folds a relation name for comparison: quotes removed, lower case, "public." dropped.
std::string fold_relation(std::string_view name);

}  // namespace zerolock::trace
