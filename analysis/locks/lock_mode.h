#pragma once
// PostgreSQL's eight table-level lock modes and their conflict table
// (https://www.postgresql.org/docs/current/explicit-locking.html, table 13.2).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace zerolock {

enum class LockMode : uint8_t {
  None = 0,
  AccessShare,
  RowShare,
  RowExclusive,
  ShareUpdateExclusive,
  Share,
  ShareRowExclusive,
  Exclusive,
  AccessExclusive,
};

// "ACCESS EXCLUSIVE"
std::string_view lock_mode_name(LockMode mode);
// pg_locks.mode spelling: "AccessExclusiveLock"
std::string_view lock_mode_pg_name(LockMode mode);
std::optional<LockMode> lock_mode_from_name(std::string_view name);  // either spelling
bool lock_modes_conflict(LockMode a, LockMode b);

// What a lock held on a table stops other sessions from doing.
struct BlockedWork {
  bool reads = false;   // SELECT (ACCESS SHARE)
  bool writes = false;  // INSERT/UPDATE/DELETE (ROW EXCLUSIVE)
  bool ddl = false;     // other schema changes, VACUUM, CREATE INDEX (SHARE UPDATE EXCLUSIVE and stronger)
};
BlockedWork blocked_work(LockMode mode);
// ["reads","writes"] style list for reports.
std::vector<std::string_view> blocked_work_names(LockMode mode);
// "blocks reads and writes", "blocks writes", "blocks other schema changes", "blocks nothing ordinary"
std::string blocked_work_phrase(LockMode mode);

}  // namespace zerolock
