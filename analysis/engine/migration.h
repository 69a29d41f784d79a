#pragma once
// A migration as front ends hand it to the engine: statements with exact document ranges,
// each with the operations it performs, plus the file-level facts that rules need.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/diagnostic.h"
#include "model/operation.h"
#include "text/source_range.h"

namespace zerolock {

enum class Format : uint8_t { Sql, Alembic, LiquibaseXml, LiquibaseYaml, LiquibaseJson, LiquibaseSql };
const char* format_name(Format format);

// The tool that will run the file decides the implied transaction and the file conventions.
enum class MigrationTool : uint8_t { PlainSql, Flyway, GolangMigrate, Dbmate, Diesel, Alembic, Liquibase };
const char* migration_tool_name(MigrationTool tool);

struct SyntaxError {
  std::string message;
  uint32_t offset = 0;  // relative to the statement text
};

// The result of parsing one statement's text. Shared through the statement cache, so its
// ranges are relative to the statement's first byte.
struct ParsedStatement {
  std::vector<Operation> ops;
  std::optional<SyntaxError> error;
  std::string summary;  // "CREATE INDEX ix_users_email ON users": symbols, reports
};

enum class Section : uint8_t { Upgrade, Downgrade };

struct Statement {
  ByteRange range;  // document bytes of the statement, up to and including its ';'
  std::shared_ptr<const ParsedStatement> parsed;
  Section section = Section::Upgrade;
  // Transaction context, decided by the front end.
  bool in_transaction = false;
  int32_t transaction_opened_by = -1;  // statement index of the BEGIN, -1 when the tool's implied transaction
  int32_t unit = 0;                    // the migration unit (file section, changeSet ...) it belongs to
  std::string origin;                  // "sql", "op.create_index", "createIndex" ...

  // An operation's range in document coordinates (parsed ranges are statement-relative).
  [[nodiscard]] ByteRange doc_range(const Operation& op) const { return op.range.shifted(range.begin); }
};

struct SuppressionComment {
  uint32_t offset = 0;             // document offset of the comment
  uint32_t line = 0;               // its line (0-based)
  bool whole_file = false;         // zerolock-disable vs zerolock-disable-next-line
  std::vector<std::string> rules;  // empty: every rule
};

// A unit of a migration as the front end saw it (Liquibase changeSet, dbmate section ...), for
// rules about units rather than statements. Plain SQL files have none. (Added by the Liquibase /
// conventions front ends; additive.)
struct MigrationUnit {
  int32_t id = 0;                   // Statement::unit of its statements
  std::string name;                 // "author:id", "migrate:up"
  ByteRange range;                  // the whole unit
  ByteRange header;                 // where unit-level findings go: the changeSet start tag, the section line
  bool in_transaction = true;
  bool has_rollback = false;        // an explicit rollback, possibly empty ("nothing to undo")
  bool skipped = false;             // not run on PostgreSQL (dbms): no statements
  // Change types the tool cannot undo automatically, with their ranges (missing-rollback).
  std::vector<std::pair<std::string, ByteRange>> irreversible;
  std::vector<std::pair<std::string, std::string>> attributes;  // context, labels, runAlways ... as written
};

// A file the tool pairs with this one: the down of an up migration, Flyway's undo of a versioned one.
struct CompanionFile {
  std::string role;     // "down", "undo"
  std::string path;     // where it is (or is expected)
  bool exists = false;
  bool empty = false;   // exists, but holds no statement
};

// The rollback part of a migration, for formats that have one (Alembic downgrade(), Flyway undo
// files, up/down pairs). Read by missing-downgrade and downgrade-not-inverse; statements of the
// rollback carry Section::Downgrade.
struct RollbackInfo {
  bool present = false;           // a rollback part exists (a downgrade() function, an undo file)
  bool empty = false;             // it exists but does nothing: pass, ..., a docstring, raise NotImplementedError
  bool upgrade_complete = true;   // every part of the forward migration was understood
  bool rollback_complete = true;  // every part of the rollback was understood
  ByteRange anchor;               // where to report a missing rollback (e.g. the upgrade() name)
  ByteRange rollback_anchor;      // the rollback's own location (e.g. the downgrade() name)
  // How messages name the two parts: Alembic "upgrade()" / "downgrade()", dbmate "the `-- migrate:up`
  // section", a down / undo file "0002_x.up.sql" / "0002_x.down.sql", "V2__x.sql" / "U2__x.sql".
  std::string forward_label = "upgrade()";
  std::string rollback_label = "downgrade()";
  // When the forward migration is another file (this is a down / undo file): its operations, which
  // run before this file's statements. Their ranges belong to that file, not to this document.
  std::vector<Operation> forward_ops;
};

struct Migration {
  std::string path;
  Format format = Format::Sql;
  MigrationTool tool = MigrationTool::PlainSql;
  bool tool_wraps_in_transaction = false;  // Flyway, Alembic, Liquibase: a transaction per migration
  std::vector<Statement> statements;
  std::vector<Diagnostic> frontend_diagnostics;  // syntax errors, things not analysed
  std::vector<SuppressionComment> suppressions;
  std::optional<RollbackInfo> rollback;  // nullopt: the format has no rollback part (see RollbackInfo)
  std::vector<MigrationUnit> units;          // optional, see MigrationUnit
  std::vector<CompanionFile> companions;     // optional, see CompanionFile
  // The SQL front end made `statements` one per entry of the caller's split (DocumentInput::sql_split),
  // in order: the next analysis may take their parses by position (sql::SplitReuse).
  bool statements_follow_split = false;
};

}  // namespace zerolock
