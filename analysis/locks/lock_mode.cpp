#include "locks/lock_mode.h"

#include <array>
#include <string>

namespace zerolock {
namespace {
// Conflict matrix of table 13.2 in PostgreSQL's documentation, indexed by LockMode.
constexpr std::array<uint16_t, 9> kConflicts = {
    0,                                  // None
    1u << 8,                            // ACCESS SHARE: ACCESS EXCLUSIVE
    (1u << 7) | (1u << 8),              // ROW SHARE: EXCLUSIVE, ACCESS EXCLUSIVE
    (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8),                        // ROW EXCLUSIVE
    (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8),            // SHARE UPDATE EXCLUSIVE
    (1u << 3) | (1u << 4) | (1u << 6) | (1u << 7) | (1u << 8),            // SHARE
    (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8),  // SHARE ROW EXCLUSIVE
    (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8),  // EXCLUSIVE
    (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8),  // ACCESS EXCLUSIVE
};
constexpr std::array<std::string_view, 9> kNames = {"NONE", "ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE",
                                                    "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE",
                                                    "EXCLUSIVE", "ACCESS EXCLUSIVE"};
constexpr std::array<std::string_view, 9> kPgNames = {"", "AccessShareLock", "RowShareLock", "RowExclusiveLock",
                                                      "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock",
                                                      "ExclusiveLock", "AccessExclusiveLock"};
}  // namespace

std::string_view lock_mode_name(LockMode mode) { return kNames[static_cast<size_t>(mode)]; }
std::string_view lock_mode_pg_name(LockMode mode) { return kPgNames[static_cast<size_t>(mode)]; }

std::optional<LockMode> lock_mode_from_name(std::string_view name) {
  for (size_t i = 1; i < kNames.size(); ++i) {
    if (name == kNames[i] || name == kPgNames[i]) return static_cast<LockMode>(i);
  }
  return std::nullopt;
}

bool lock_modes_conflict(LockMode a, LockMode b) {
  return (kConflicts[static_cast<size_t>(a)] >> static_cast<size_t>(b)) & 1u;
}

BlockedWork blocked_work(LockMode mode) {
  return {lock_modes_conflict(mode, LockMode::AccessShare), lock_modes_conflict(mode, LockMode::RowExclusive),
          lock_modes_conflict(mode, LockMode::ShareUpdateExclusive)};
}

std::vector<std::string_view> blocked_work_names(LockMode mode) {
  BlockedWork b = blocked_work(mode);
  std::vector<std::string_view> names;
  if (b.reads) names.push_back("reads");
  if (b.writes) names.push_back("writes");
  if (b.ddl) names.push_back("ddl");
  return names;
}

std::string blocked_work_phrase(LockMode mode) {
  BlockedWork b = blocked_work(mode);
  if (b.reads && b.writes) return "blocks reads and writes";
  if (b.writes) return "blocks writes";
  if (b.ddl) return "blocks other schema changes and VACUUM";
  if (mode == LockMode::None) return "takes no table lock";
  return "blocks only ACCESS EXCLUSIVE";
}

}  // namespace zerolock
