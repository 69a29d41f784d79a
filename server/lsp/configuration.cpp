#include "server/lsp/configuration.h"
#include "analysis/text/path_confinement.h"
#include "server/lsp/uri.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace zerolock::lsp {
namespace {

using nlohmann::json;

void problem(std::vector<std::string>* problems, std::string message) {
  spdlog::warn("settings: {}", message);
  if (problems) problems->push_back(std::move(message));
}

}  // namespace

EditorSettings parse_editor_settings(const json& section, std::vector<std::string>* problems) {
  EditorSettings settings;
  if (!section.is_object()) return settings;
  // postgresVersion is the documented name (editors/, vscode-extension/); pgVersion an alias.
  for (const char* key : {"postgresVersion", "pgVersion"}) {
    auto it = section.find(key);
    if (it == section.end() || it->is_null() || settings.pg_version) continue;
    if (it->is_number_integer() && *it >= 11 && *it <= 17) settings.pg_version = it->get<int>();
    else problem(problems, std::string(key) + " must be an integer between 11 and 17");
  }
  if (auto it = section.find("rules"); it != section.end() && it->is_object()) {
    for (const auto& [id, value] : it->items()) {
      RuleSetting rule;
      if (value.is_boolean()) {
        rule.enabled = value.get<bool>();
      } else if (value.is_string()) {
        if (value == "off") rule.enabled = false;
        else if (auto severity = severity_from_name(value.get<std::string>())) rule.severity = severity;
        else problem(problems, "rules." + id + ": unknown value " + value.dump());
      } else if (value.is_object()) {
        if (auto e = value.find("enabled"); e != value.end() && e->is_boolean()) rule.enabled = e->get<bool>();
        if (auto s = value.find("severity"); s != value.end() && s->is_string()) {
          rule.severity = severity_from_name(s->get<std::string>());
          if (!rule.severity) problem(problems, "rules." + id + ".severity: unknown severity");
        }
      } else {
        problem(problems, "rules." + id + ": expected a string, boolean or object");
      }
      settings.rules[id] = rule;
    }
  }
  if (auto it = section.find("tables"); it != section.end() && it->is_object()) {
    for (const auto& [table, rows] : it->items()) {
      if (rows.is_number_integer()) settings.table_rows[table] = rows.get<int64_t>();
      else problem(problems, "tables." + table + " must be a row count");
    }
  }
  if (auto it = section.find("largeTables"); it != section.end() && it->is_array()) {
    for (const auto& table : *it)
      if (table.is_string()) settings.large_tables.push_back(table.get<std::string>());
  }
  if (auto it = section.find("tool"); it != section.end() && it->is_string()) settings.tool = it->get<std::string>();
  if (auto it = section.find("lockTimeout"); it != section.end() && it->is_string())
    settings.lock_timeout = it->get<std::string>();
  if (auto it = section.find("analysisTimeBudgetMs"); it != section.end()) {
    if (it->is_number_integer() && it->get<int64_t>() >= 1) settings.analysis_time_budget_ms = it->get<int64_t>();
    else problem(problems, "analysisTimeBudgetMs must be a positive number of milliseconds");
  }
  if (auto it = section.find("inlayHints"); it != section.end() && it->is_object()) {
    for (const char* key : {"enabled", "enable"})
      if (auto e = it->find(key); e != it->end() && e->is_boolean()) settings.inlay_hints = e->get<bool>();
  }
  return settings;
}

std::vector<std::filesystem::path> workspace_folder_paths(const json& folders) {
  std::vector<std::filesystem::path> out;
  if (!folders.is_array()) return out;
  for (const json& f : folders)
    if (f.is_object() && f.contains("uri") && f["uri"].is_string())
      if (std::string p = uri_to_path(f["uri"].get<std::string>()); !p.empty()) out.emplace_back(p);
  return out;
}

Config merge_config(const EditorSettings& editor, const Config* file) {
  const Config defaults;
  Config config = file ? *file : defaults;
  if (editor.pg_version && (!file || file->pg_version == defaults.pg_version)) config.pg_version = *editor.pg_version;
  for (const auto& [id, rule] : editor.rules) {
    RuleSetting& target = config.rules[id];
    if (!target.enabled) target.enabled = rule.enabled;
    if (!target.severity) target.severity = rule.severity;
  }
  for (const auto& [table, rows] : editor.table_rows) config.table_rows.emplace(table, rows);  // file entries win
  for (const auto& table : editor.large_tables) {
    if (std::find(config.large_tables.begin(), config.large_tables.end(), table) == config.large_tables.end())
      config.large_tables.push_back(table);
  }
  if (editor.tool && !config.tool) config.tool = editor.tool;
  if (editor.lock_timeout && (!file || file->lock_timeout == defaults.lock_timeout)) config.lock_timeout = *editor.lock_timeout;
  if (editor.analysis_time_budget_ms && (!file || file->analysis_time_budget_ms == defaults.analysis_time_budget_ms))
    config.analysis_time_budget_ms = *editor.analysis_time_budget_ms;
  return config;
}

std::shared_ptr<const Config> ConfigResolver::config_for(const std::filesystem::path& document) {
  std::filesystem::path directory = document.empty() ? std::filesystem::path() : document.parent_path();
  if (auto it = by_directory_.find(directory); it != by_directory_.end()) return it->second;

  // The workspace folder holding the document bounds the zerolock.toml search; outside every
  // folder no file is read.
  std::optional<std::filesystem::path> stop;
  if (roots_.empty()) {
    stop = std::filesystem::path();
  } else {
    for (const std::filesystem::path& root : roots_)
      if (!directory.empty() && resolves_inside(root, directory) && (!stop || root.native().size() > stop->native().size()))
        stop = root;
  }
  std::optional<Config> file;
  if (!directory.empty() && stop) {
    std::error_code ignored;
    if (std::filesystem::is_directory(directory, ignored)) {
      if (auto found = find_config(directory, *stop)) {
        auto loaded = load_config_file(*found);
        if (auto* config = std::get_if<Config>(&loaded)) {
          file = std::move(*config);
        } else {
          on_error_(std::get<ConfigError>(loaded).message);
        }
      }
    }
  }
  Config merged = merge_config(editor_, file ? &*file : nullptr);
  merged.read_roots = roots_;
  auto config = std::make_shared<const Config>(std::move(merged));
  by_directory_.emplace(directory, config);
  return config;
}

}  // namespace zerolock::lsp
