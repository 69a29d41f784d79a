#pragma once
// zerolock.toml: target PostgreSQL version, rule switches and severities, table size hints.
// Every option has a CLI flag (server/cli) and an LSP setting (server/) too; the file wins
// over editor settings, CLI flags win over the file.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/diagnostic.h"

namespace zerolock {

struct RuleSetting {
  std::optional<bool> enabled;
  std::optional<Severity> severity;
  bool operator==(const RuleSetting&) const = default;
};

struct Config {
  int pg_version = 15;                          // 11 .. 17
  std::map<std::string, RuleSetting> rules;     // by rule id
  std::map<std::string, int64_t> table_rows;    // [tables] users = 5000000 (folded names)
  std::vector<std::string> large_tables;        // large_tables = ["events"]
  int64_t large_table_rows = 1'000'000;         // at or above: error-level findings
  int64_t small_table_rows = 10'000;            // below: info-level findings
  std::string lock_timeout = "5s";              // value the lock_timeout fix inserts
  std::string statement_timeout;                // empty: the fix does not add one
  std::optional<std::string> tool;              // force a migration tool: flyway, alembic ...
  std::optional<std::string> liquibase_version;  // target Liquibase version ("4.3.3"); default: recent
  std::optional<std::string> alembic_version;    // target Alembic version ("1.8"): fixes use only its API; default 1.13
  // Wall-clock budget of one analysis's rule phase: past it the remaining statements are not
  // checked and an analysis-time-budget warning says where it stopped (never a hang).
  int64_t analysis_time_budget_ms = 10'000;
  std::filesystem::path source;                 // the file it came from, empty for defaults
  // Set by the language server from the client's workspace folders (never from zerolock.toml):
  // files a migration refers to are read only inside one of them. Empty: each reader's own bound.
  std::vector<std::filesystem::path> read_roots;

  bool operator==(const Config&) const = default;  // the rule result cache is valid for one configuration
  [[nodiscard]] bool rule_enabled(const std::string& id, bool default_enabled) const;
  [[nodiscard]] std::optional<int64_t> rows_of(const std::string& table) const;
  [[nodiscard]] bool is_large(const std::string& table) const;
  [[nodiscard]] bool is_small(const std::string& table) const;
  // True when `path` (symlinks resolved) may be read: no read_roots, or inside one of them.
  [[nodiscard]] bool may_read(const std::filesystem::path& path) const;
};

struct ConfigError {
  std::string message;  // "zerolock.toml:3:5: pg_version must be between 11 and 17"
};

// "1.8" / "1.13.1" -> {1, 8} / {1, 13}; nullopt when it is not a version number.
std::optional<std::pair<int, int>> parse_alembic_version(const std::string& text);

// Parses TOML text; `origin` names the file in messages.
std::variant<Config, ConfigError> parse_config(const std::string& toml_text, const std::filesystem::path& origin);
std::variant<Config, ConfigError> load_config_file(const std::filesystem::path& file);
// zerolock.toml in `start` or the nearest parent directory, stopping at `stop` when given.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& start,
                                                 const std::filesystem::path& stop = {});

}  // namespace zerolock
