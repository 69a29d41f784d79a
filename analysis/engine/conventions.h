#pragma once
// Which migration tool runs a SQL file, from its name, its content and the files next to it, and
// what that means for the analysis: whether the tool wraps the file in a transaction, which part
// is an upgrade or a downgrade, which companion file (down, undo) it expects.
//
//  - Flyway: V<version>__x.sql (versioned), U<version>__x.sql (undo: a downgrade), R__x.sql
//    (repeatable), or any .sql next to a flyway.conf / flyway.toml. A transaction per script
//    unless the sibling script config `<file>.conf` says executeInTransaction=false, or
//    flyway.mixed=true and the script holds a non-transactional statement. Placeholders ${name}
//    are tolerated.
//  - golang-migrate: NNN_x.up.sql / NNN_x.down.sql; the down is expected next to the up.
//  - Diesel: <dir>/up.sql and <dir>/down.sql; metadata.toml `run_in_transaction = false`.
//  - dbmate: `-- migrate:up` / `-- migrate:down` sections, option `transaction:false`.
//  - anything else runs like psql -f (autocommit per statement).
// Sibling files are read only in the migration's own directory.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "engine/migration.h"

namespace zerolock {

struct ToolConvention {
  MigrationTool tool = MigrationTool::PlainSql;
  bool wraps_in_transaction = false;
  Section section = Section::Upgrade;    // down.sql, *.down.sql, Flyway U__ files: Downgrade
  std::string transaction_source;        // why not in a transaction: "V1__x.sql.conf: executeInTransaction=false"
  std::vector<CompanionFile> companions;  // the down / undo file this one expects
  bool flyway_mixed = false;              // flyway.mixed=true next to the script
  // A down / undo file: the file name of the forward migration it undoes (0002_x.up.sql for
  // 0002_x.down.sql, V2__x.sql for U2__x.sql, up.sql for Diesel's down.sql), in the same directory.
  std::string forward_file;
};

ToolConvention sql_tool_convention(std::string_view path, std::string_view text, const Config& config);

// Replaces each ${name} placeholder (Flyway, Liquibase properties) with an identifier of exactly
// the same length, so that the text parses and every byte offset holds. Returns the text
// unchanged when it has none.
std::string replace_placeholders(std::string_view text);
bool has_placeholders(std::string_view text);

// After the SQL front end: marks sections (dbmate), downgrade statements, transaction per
// section, units and companions on the migration, and its rollback part (dbmate's down section,
// a down / undo file) for the rollback rules.
void apply_sql_convention(const ToolConvention& convention, std::string_view text, Migration& migration);

// The text of the convention's forward_file next to `path` (same directory only), or nullopt.
std::optional<std::string> read_forward_file(const Config& config, std::string_view path,
                                             const ToolConvention& convention);

}  // namespace zerolock
