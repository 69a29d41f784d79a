#include "config/config.h"
#include "text/path_confinement.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>
#include <toml++/toml.h>

namespace zerolock {
namespace {

std::string fold(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string where(const std::filesystem::path& origin, const toml::source_region& r) {
  return origin.string() + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

ConfigError error_at(const std::filesystem::path& origin, const toml::node& node, const std::string& message) {
  return ConfigError{where(origin, node.source()) + ": " + message};
}

std::optional<ConfigError> read_rules(const toml::table& rules, const std::filesystem::path& origin, Config& config) {
  for (const auto& [key, value] : rules) {
    std::string id(key.str());
    RuleSetting setting;
    if (auto b = value.as_boolean()) {
      setting.enabled = b->get();
    } else if (auto s = value.as_string()) {
      std::string v = s->get();
      if (v == "off" || v == "false") setting.enabled = false;
      else if (auto sev = severity_from_name(v)) setting.enabled = true, setting.severity = sev;
      else return error_at(origin, value, "rules." + id + ": expected error, warning, info, hint or off, got \"" + v + "\"");
    } else if (auto t = value.as_table()) {
      if (auto e = (*t)["enabled"].as_boolean()) setting.enabled = e->get();
      if (auto sv = (*t)["severity"].as_string()) {
        auto sev = severity_from_name(sv->get());
        if (!sev) return error_at(origin, *sv, "rules." + id + ".severity: expected error, warning, info or hint");
        setting.severity = sev;
      }
    } else {
      return error_at(origin, value, "rules." + id + ": expected a boolean, a severity string or a table");
    }
    config.rules[id] = setting;
  }
  return std::nullopt;
}

}  // namespace

bool Config::rule_enabled(const std::string& id, bool default_enabled) const {
  auto it = rules.find(id);
  if (it == rules.end() || !it->second.enabled) return default_enabled;
  return *it->second.enabled;
}

bool Config::may_read(const std::filesystem::path& path) const {
  if (read_roots.empty()) return true;
  return std::any_of(read_roots.begin(), read_roots.end(),
                     [&](const std::filesystem::path& root) { return resolves_inside(root, path); });
}

std::optional<int64_t> Config::rows_of(const std::string& table) const {
  auto it = table_rows.find(fold(table));
  if (it == table_rows.end()) return std::nullopt;
  return it->second;
}

bool Config::is_large(const std::string& table) const {
  std::string t = fold(table);
  for (const std::string& l : large_tables)
    if (fold(l) == t) return true;
  auto rows = rows_of(t);
  return rows && *rows >= large_table_rows;
}

bool Config::is_small(const std::string& table) const {
  auto rows = rows_of(table);
  return rows && *rows < small_table_rows && !is_large(table);
}

std::variant<Config, ConfigError> parse_config(const std::string& text, const std::filesystem::path& origin) {
  // toml++ is built with exceptions in Debian; the error becomes a value here, at the module edge.
  toml::table root;
  try {
    root = toml::parse(text, origin.string());
  } catch (const toml::parse_error& e) {
    return ConfigError{where(origin, e.source()) + ": " + std::string(e.description())};
  }
  Config config;
  config.source = origin;
  static const std::vector<std::string> known = {"pg_version", "postgres_version", "rules", "tables", "large_tables",
                                                 "large_table_rows", "small_table_rows", "lock_timeout",
                                                 "statement_timeout", "tool", "liquibase_version",
                                                 "alembic_version", "analysis_time_budget_ms"};
  for (const auto& [key, value] : root) {
    if (std::find(known.begin(), known.end(), std::string(key.str())) == known.end())
      return error_at(origin, value, "unknown option \"" + std::string(key.str()) + "\"");
  }
  for (const char* key : {"pg_version", "postgres_version"}) {
    if (const toml::node* n = root.get(key)) {
      auto v = n->as_integer();
      if (!v || v->get() < 11 || v->get() > 17) return error_at(origin, *n, std::string(key) + " must be an integer from 11 to 17");
      config.pg_version = static_cast<int>(v->get());
    }
  }
  if (const toml::node* n = root.get("analysis_time_budget_ms")) {
    auto v = n->as_integer();
    if (!v || v->get() < 1 || v->get() > 3'600'000)
      return error_at(origin, *n, "analysis_time_budget_ms must be an integer from 1 to 3600000 (milliseconds)");
    config.analysis_time_budget_ms = v->get();
  }
  if (const toml::node* n = root.get("rules")) {
    auto t = n->as_table();
    if (!t) return error_at(origin, *n, "rules must be a table");
    if (auto e = read_rules(*t, origin, config)) return *e;
  }
  if (const toml::node* n = root.get("tables")) {
    auto t = n->as_table();
    if (!t) return error_at(origin, *n, "tables must be a table of row counts, e.g. users = 5000000");
    for (const auto& [key, value] : *t) {
      auto rows = value.as_integer();
      if (!rows || rows->get() < 0) return error_at(origin, value, "tables." + std::string(key.str()) + " must be a row count");
      config.table_rows[fold(std::string(key.str()))] = rows->get();
    }
  }
  if (const toml::node* n = root.get("large_tables")) {
    auto a = n->as_array();
    if (!a) return error_at(origin, *n, "large_tables must be an array of table names");
    for (const toml::node& item : *a) {
      auto s = item.as_string();
      if (!s) return error_at(origin, item, "large_tables entries must be strings");
      config.large_tables.push_back(s->get());
    }
  }
  for (auto [key, target] : {std::pair{"large_table_rows", &config.large_table_rows},
                             std::pair{"small_table_rows", &config.small_table_rows}}) {
    if (const toml::node* n = root.get(key)) {
      auto v = n->as_integer();
      if (!v || v->get() < 0) return error_at(origin, *n, std::string(key) + " must be a non-negative integer");
      *target = v->get();
    }
  }
  for (auto [key, target] : {std::pair{"lock_timeout", &config.lock_timeout},
                             std::pair{"statement_timeout", &config.statement_timeout}}) {
    if (const toml::node* n = root.get(key)) {
      auto v = n->as_string();
      if (!v) return error_at(origin, *n, std::string(key) + " must be a string such as \"5s\"");
      *target = v->get();
    }
  }
  if (const toml::node* n = root.get("tool")) {
    auto v = n->as_string();
    static const std::vector<std::string> tools = {"plain", "flyway", "golang-migrate", "dbmate", "diesel", "alembic", "liquibase"};
    if (!v || std::find(tools.begin(), tools.end(), v->get()) == tools.end())
      return error_at(origin, *n, "tool must be one of plain, flyway, golang-migrate, dbmate, diesel, alembic, liquibase");
    config.tool = v->get();
  }
  // Added for the Liquibase / Flyway front ends (analysis/liquibase).
  if (const toml::node* n = root.get("liquibase_version")) {
    auto v = n->as_string();
    if (!v) return error_at(origin, *n, "liquibase_version must be a string such as \"4.3.3\"");
    config.liquibase_version = v->get();
  }
  // Added for the Alembic rewrites (analysis/fixes/alembic_renderer.cpp).
  if (const toml::node* n = root.get("alembic_version")) {
    auto v = n->as_string();
    if (!v || !parse_alembic_version(v->get())) return error_at(origin, *n, "alembic_version must be a string such as \"1.8\" or \"1.13.1\"");
    config.alembic_version = v->get();
  }
  return config;
}

std::optional<std::pair<int, int>> parse_alembic_version(const std::string& text) {
  int parts[2] = {0, 0};
  size_t at = 0;
  for (int k = 0; k < 2; ++k) {
    size_t digits = 0;
    int v = 0;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) && digits < 4) v = v * 10 + (text[at++] - '0'), ++digits;
    if (digits == 0) return std::nullopt;
    parts[k] = v;
    if (k == 0) {
      if (at >= text.size() || text[at] != '.') return std::nullopt;
      ++at;
    }
  }
  // An optional patch level (".1"), nothing else.
  if (at < text.size()) {
    if (text[at] != '.' || at + 1 >= text.size()) return std::nullopt;
    for (size_t k = at + 1; k < text.size(); ++k)
      if (!std::isdigit(static_cast<unsigned char>(text[k]))) return std::nullopt;
  }
  return std::pair{parts[0], parts[1]};
}

std::variant<Config, ConfigError> load_config_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return ConfigError{file.string() + ": cannot read the configuration file"};
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return ConfigError{file.string() + ": read error"};
  return parse_config(buffer.str(), file);
}

std::optional<std::filesystem::path> find_config(const std::filesystem::path& start, const std::filesystem::path& stop) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(start, ec);
  if (ec) return std::nullopt;
  if (!std::filesystem::is_directory(dir, ec)) dir = dir.parent_path();
  std::filesystem::path stop_abs = stop.empty() ? std::filesystem::path() : std::filesystem::absolute(stop, ec);
  // Confinement: with a stop directory (the workspace root), nothing outside it is looked at, and
  // a zerolock.toml that is a symlink out of it is ignored.
  if (!stop_abs.empty() && !resolves_inside(stop_abs, dir)) return std::nullopt;
  while (!dir.empty()) {
    std::filesystem::path candidate = dir / "zerolock.toml";
    if (std::filesystem::is_regular_file(candidate, ec) &&
        (stop_abs.empty() || resolves_inside(stop_abs, candidate)))
      return candidate;
    if (!stop_abs.empty() && dir == stop_abs) break;
    std::filesystem::path parent = dir.parent_path();
    if (parent == dir) break;
    dir = parent;
  }
  return std::nullopt;
}

}  // namespace zerolock
