// Spellings of the engine's enums used in reports, configuration and the CLI contract.
#include "engine/diagnostic.h"
#include "engine/migration.h"

namespace zerolock {

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
    case Severity::Hint: return "hint";
  }
  return "warning";
}

std::optional<Severity> severity_from_name(const std::string& name) {
  if (name == "error") return Severity::Error;
  if (name == "warning" || name == "warn") return Severity::Warning;
  if (name == "info" || name == "information") return Severity::Info;
  if (name == "hint") return Severity::Hint;
  return std::nullopt;
}

const char* format_name(Format format) {
  switch (format) {
    case Format::Sql: return "sql";
    case Format::Alembic: return "alembic";
    case Format::LiquibaseXml: return "liquibase-xml";
    case Format::LiquibaseYaml: return "liquibase-yaml";
    case Format::LiquibaseJson: return "liquibase-json";
    case Format::LiquibaseSql: return "liquibase-sql";
  }
  return "sql";
}

const char* migration_tool_name(MigrationTool tool) {
  switch (tool) {
    case MigrationTool::PlainSql: return "plain";
    case MigrationTool::Flyway: return "flyway";
    case MigrationTool::GolangMigrate: return "golang-migrate";
    case MigrationTool::Dbmate: return "dbmate";
    case MigrationTool::Diesel: return "diesel";
    case MigrationTool::Alembic: return "alembic";
    case MigrationTool::Liquibase: return "liquibase";
  }
  return "plain";
}

}  // namespace zerolock
