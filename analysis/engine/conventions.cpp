#include "engine/conventions.h"

#include <cctype>
#include <filesystem>
#include <string>

namespace zerolock {
namespace {

bool flyway_versioned(std::string_view name) {
  // V1__x.sql, V1_2__x.sql, U3__x.sql, R__x.sql
  if (name.size() < 4 || (name[0] != 'V' && name[0] != 'U' && name[0] != 'R')) return false;
  size_t sep = name.find("__");
  if (sep == std::string_view::npos) return false;
  if (name[0] == 'R') return sep == 1;
  if (sep < 2) return false;
  for (size_t i = 1; i < sep; ++i) {
    char c = name[i];
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '_') return false;
  }
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

ToolConvention sql_tool_convention(std::string_view path, std::string_view text, const Config& config) {
  if (config.tool) {
    const std::string& t = *config.tool;
    if (t == "flyway") return {MigrationTool::Flyway, true};
    if (t == "golang-migrate") return {MigrationTool::GolangMigrate, true};
    if (t == "dbmate") return {MigrationTool::Dbmate, true};
    if (t == "diesel") return {MigrationTool::Diesel, true};
    if (t == "liquibase") return {MigrationTool::Liquibase, true};
    return {MigrationTool::PlainSql, false};
  }
  std::string name = std::filesystem::path(std::string(path)).filename().string();
  if (flyway_versioned(name)) return {MigrationTool::Flyway, true};
  if (text.find("-- migrate:up") != std::string_view::npos) return {MigrationTool::Dbmate, true};
  if (name == "up.sql" || name == "down.sql") return {MigrationTool::Diesel, true};
  // golang-migrate sends the file as one multi-statement query, which PostgreSQL runs as one
  // implicit transaction.
  if (ends_with(name, ".up.sql") || ends_with(name, ".down.sql")) return {MigrationTool::GolangMigrate, true};
  return {MigrationTool::PlainSql, false};
}

}  // namespace zerolock
