#pragma once
// Workspace confinement: zerolock reads files a migration names (Liquibase include / sqlFile,
// Alembic sibling revisions, zerolock.toml) only when they resolve, symlinks followed, to a
// place inside a given root. A symlink inside the root pointing out of it is treated as outside.
#include <algorithm>
#include <filesystem>
#include <system_error>

namespace zerolock {

// True when `path`, with every symlink resolved, is `root` or below it (root resolved too).
inline bool resolves_inside(const std::filesystem::path& root, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path r = std::filesystem::weakly_canonical(root, ec);
  if (ec) return false;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  // A trailing empty element ("dir/") must not make the root look longer than it is.
  if (!r.empty() && r.filename().empty()) r = r.parent_path();
  auto [a, b] = std::mismatch(r.begin(), r.end(), p.begin(), p.end());
  return a == r.end();
}

}  // namespace zerolock
