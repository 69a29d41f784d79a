#include "server/cli/options.h"

#include <algorithm>
#include <charconv>

namespace zerolock::cli {
namespace {
std::optional<int64_t> to_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

const char* common_options_help() {
  return "  --format FORMAT          output format\n"
         "  --pg-version N           target PostgreSQL major version, 11 to 17 (default 15, or zerolock.toml)\n"
         "  --config FILE            use this zerolock.toml instead of searching upward from each file\n"
         "  --no-config              ignore zerolock.toml files\n"
         "  --tool NAME              force the migration tool: plain, flyway, golang-migrate, dbmate, diesel,\n"
         "                           alembic, liquibase\n"
         "  --enable RULE            enable a rule; --disable RULE disables it\n"
         "  --severity RULE=LEVEL    error, warning, info or hint\n"
         "  --table NAME=ROWS        table size hint; --large-table NAME marks a table as large\n"
         "  --lock-timeout VALUE     lock_timeout the fixes insert (default 5s)\n"
         "  --alembic-version X.Y    Alembic version the fixes target (default 1.13; e.g. 1.8: no if_not_exists)\n"
         "  --stdin-filename NAME    name of the file read from '-' (decides format and conventions)\n"
         "  -q, --quiet              no progress bar\n";
}

ParseOutcome parse_common_options(const Args& args, const std::vector<std::string>& allowed_formats) {
  CommonOptions o;
  auto fail = [](std::string message) { return ParseOutcome{std::nullopt, std::move(message)}; };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string value;
    bool has_inline = false;
    std::string name = a;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      name = a.substr(0, a.find('='));
      value = a.substr(a.find('=') + 1);
      has_inline = true;
    }
    auto take = [&](std::string& out) -> bool {
      if (has_inline) { out = value; return true; }
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (name == "--format" || name == "-f") {
      if (!take(v)) return fail("--format needs a value");
      if (std::find(allowed_formats.begin(), allowed_formats.end(), v) == allowed_formats.end())
        return fail("unknown --format '" + v + "'");
      o.format = v;
    } else if (name == "--pg-version") {
      if (!take(v)) return fail("--pg-version needs a value");
      auto n = to_int(v);
      if (!n || *n < 11 || *n > 17) return fail("--pg-version must be a PostgreSQL major version from 11 to 17");
      o.pg_version = static_cast<int>(*n);
    } else if (name == "--config") {
      if (!take(v)) return fail("--config needs a file");
      o.config_file = v;
    } else if (name == "--no-config") {
      o.no_config = true;
    } else if (name == "--stdin-filename") {
      if (!take(v)) return fail("--stdin-filename needs a name");
      o.stdin_filename = v;
    } else if (name == "--tool") {
      if (!take(v)) return fail("--tool needs a value");
      o.tool = v;
    } else if (name == "--lock-timeout") {
      if (!take(v)) return fail("--lock-timeout needs a value");
      o.lock_timeout = v;
    } else if (name == "--alembic-version") {
      if (!take(v)) return fail("--alembic-version needs a value");
      if (!parse_alembic_version(v)) return fail("--alembic-version must be a version such as 1.8 or 1.13.1");
      o.alembic_version = v;
    } else if (name == "--enable" || name == "--disable") {
      if (!take(v)) return fail(name + " needs a rule id");
      RuleSetting s;
      s.enabled = name == "--enable";
      o.rule_overrides.emplace_back(v, s);
    } else if (name == "--severity") {
      if (!take(v)) return fail("--severity needs RULE=LEVEL");
      auto eq = v.find('=');
      auto sev = eq == std::string::npos ? std::nullopt : severity_from_name(v.substr(eq + 1));
      if (!sev) return fail("--severity needs RULE=LEVEL with LEVEL error, warning, info or hint");
      RuleSetting s;
      s.enabled = true;
      s.severity = sev;
      o.rule_overrides.emplace_back(v.substr(0, eq), s);
    } else if (name == "--table") {
      if (!take(v)) return fail("--table needs NAME=ROWS");
      auto eq = v.find('=');
      auto rows = eq == std::string::npos ? std::nullopt : to_int(v.substr(eq + 1));
      if (!rows || *rows < 0) return fail("--table needs NAME=ROWS with a row count");
      o.table_rows.emplace_back(v.substr(0, eq), *rows);
    } else if (name == "--large-table") {
      if (!take(v)) return fail("--large-table needs a table name");
      o.large_tables.push_back(v);
    } else if (name == "-q" || name == "--quiet") {
      o.quiet = true;
    } else if (a == "-") {
      o.paths.push_back(a);
    } else if (a.rfind("-", 0) == 0) {
      return fail("unknown option '" + a + "'");
    } else {
      o.paths.push_back(a);
    }
  }
  return ParseOutcome{o, {}};
}

void apply_overrides(const CommonOptions& o, Config& config) {
  if (o.pg_version) config.pg_version = *o.pg_version;
  if (o.tool) config.tool = *o.tool;
  if (o.lock_timeout) config.lock_timeout = *o.lock_timeout;
  if (o.alembic_version) config.alembic_version = *o.alembic_version;
  for (const auto& [id, setting] : o.rule_overrides) {
    RuleSetting& s = config.rules[id];
    if (setting.enabled) s.enabled = setting.enabled;
    if (setting.severity) s.severity = setting.severity;
  }
  for (const auto& [name, rows] : o.table_rows) {
    std::string key = name;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    config.table_rows[key] = rows;
  }
  for (const std::string& t : o.large_tables) config.large_tables.push_back(t);
}

}  // namespace zerolock::cli
