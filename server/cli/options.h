#pragma once
// Flags shared by check, locks and fix: configuration overrides and input selection.
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "server/cli/commands.h"

namespace zerolock::cli {

struct CommonOptions {
  std::string format = "text";
  std::optional<int> pg_version;
  std::optional<std::string> config_file;
  std::optional<std::string> stdin_filename;
  std::optional<std::string> tool;
  std::optional<std::string> lock_timeout;
  std::optional<std::string> alembic_version;  // --alembic-version: API the Alembic fixes may use
  std::vector<std::pair<std::string, RuleSetting>> rule_overrides;  // --enable/--disable/--severity
  std::vector<std::pair<std::string, int64_t>> table_rows;          // --table users=5000000
  std::vector<std::string> large_tables;                            // --large-table events
  bool no_config = false;
  bool quiet = false;
  std::vector<std::string> paths;
};

struct ParseOutcome {
  std::optional<CommonOptions> options;
  std::string error;  // usage error when options is empty
};

// `allowed_formats` e.g. {"text","json","sarif","github"}.
ParseOutcome parse_common_options(const Args& args, const std::vector<std::string>& allowed_formats);

// Applies command-line overrides on top of a file configuration.
void apply_overrides(const CommonOptions& options, Config& config);

// Help text for the shared flags.
const char* common_options_help();

}  // namespace zerolock::cli
