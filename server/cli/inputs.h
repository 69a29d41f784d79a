#pragma once
// Turns command-line paths into migration files with their text and configuration: directories
// are walked for files a front end can read; unreadable files are reported, never fatal.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "server/cli/options.h"

namespace zerolock::cli {

struct InputFile {
  std::string path;          // as shown in reports
  std::string text;
};

struct Inputs {
  std::vector<InputFile> files;
  std::vector<std::string> errors;  // "path: cannot read: ..." (exit status 2)
};

// Reads every input; `-` reads standard input (named by --stdin-filename).
Inputs collect_inputs(const CommonOptions& options);

// True when a directory walk should pick this file up.
bool looks_like_migration(const std::filesystem::path& path, std::string_view head);

// Configuration per file: --config, or zerolock.toml found upward from the file, plus CLI
// overrides. Errors in a config file are reported once.
class ConfigResolver {
 public:
  explicit ConfigResolver(const CommonOptions& options) : options_(options) {}
  // nullopt when the applicable config file is broken (the error is in errors()).
  std::optional<Config> config_for(const std::string& path);
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::optional<Config> load(const std::filesystem::path& file);
  const CommonOptions& options_;
  std::map<std::string, std::optional<Config>> by_file_;  // config file path -> parsed
  std::vector<std::string> errors_;
};

}  // namespace zerolock::cli
