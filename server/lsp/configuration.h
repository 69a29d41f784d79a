#pragma once
// Settings: the editor's `zerolock` section (workspace/configuration, didChangeConfiguration)
// and zerolock.toml, merged per document with the file winning where both set a value.
// Lives on the io thread; the worker receives immutable Config snapshots.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/config/config.h"

namespace zerolock::lsp {

// The editor-side settings, same meaning as zerolock.toml:
//   { "postgresVersion": 14 (alias pgVersion), "rules": { "<id>": "off" | "error" | { "enabled": false, "severity": "info" } },
//     "tables": { "users": 5000000 }, "largeTables": ["events"], "tool": "flyway",
//     "lockTimeout": "5s", "analysisTimeBudgetMs": 10000, "inlayHints": { "enabled": true } (alias enable) }
struct EditorSettings {
  std::optional<int> pg_version;
  std::map<std::string, RuleSetting> rules;
  std::map<std::string, int64_t> table_rows;
  std::vector<std::string> large_tables;
  std::optional<std::string> tool;
  std::optional<std::string> lock_timeout;
  std::optional<int64_t> analysis_time_budget_ms;
  bool inlay_hints = true;
};

// Lenient: values of the wrong type are skipped (and named in `problems`), never fatal.
EditorSettings parse_editor_settings(const nlohmann::json& section, std::vector<std::string>* problems = nullptr);

// Editor settings overlaid by the file. A file value equal to the built-in default counts as
// unset (Config cannot tell "absent" from "default"), so the editor's value stays then.
Config merge_config(const EditorSettings& editor, const Config* file);

// The file paths of an LSP WorkspaceFolder[] (initialize, didChangeWorkspaceFolders); entries that
// are malformed or not file:// URIs are skipped.
std::vector<std::filesystem::path> workspace_folder_paths(const nlohmann::json& folders);

class ConfigResolver {
 public:
  using ErrorSink = std::function<void(const std::string& message)>;
  explicit ConfigResolver(ErrorSink on_error) : on_error_(std::move(on_error)) {}

  // The client's workspace folders. When there are any, zerolock.toml is looked up only up to the
  // folder holding the document (none for a document outside them), and every Config carries them
  // as read_roots: the engine reads no file outside them.
  void set_workspace_roots(std::vector<std::filesystem::path> roots) { roots_ = std::move(roots); invalidate(); }
  [[nodiscard]] const std::vector<std::filesystem::path>& workspace_roots() const { return roots_; }
  void set_editor_settings(EditorSettings settings) { editor_ = std::move(settings); invalidate(); }
  [[nodiscard]] const EditorSettings& editor_settings() const { return editor_; }
  // zerolock.toml changed somewhere: forget every cached lookup.
  void invalidate() { by_directory_.clear(); }

  // The configuration for a document (empty path: editor settings only). Cached per directory.
  std::shared_ptr<const Config> config_for(const std::filesystem::path& document);

 private:
  ErrorSink on_error_;
  std::vector<std::filesystem::path> roots_;
  EditorSettings editor_;
  std::map<std::filesystem::path, std::shared_ptr<const Config>> by_directory_;
};

}  // namespace zerolock::lsp
