#pragma once
// Liquibase changelog (the Node tree of any format, or formatted SQL) -> Migration: each
// changeSet is a unit, each change type becomes statements whose operations come from the SQL
// Liquibase generates for PostgreSQL (synthesised, parsed by the SQL front end, ranges put back
// on the change element), so the lock model and every rule treat them like hand-written SQL.
#include <string>
#include <string_view>

#include "config/config.h"
#include "engine/migration.h"
#include "engine/statement_cache.h"
#include "liquibase/changelog_tree.h"

namespace zerolock::liquibase {

struct Version {
  int major = 4, minor = 29;
  [[nodiscard]] bool at_least(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
};
// Config liquibase_version, else the changelog's XSD version (dbchangelog-4.3.xsd), else recent.
Version target_version(const Config& config, std::string_view text);

// Change types the mapper turns into operations (the others are reported as not analysed).
bool change_type_understood(std::string_view type);
// Change types Liquibase can roll back by itself.
bool change_type_auto_rollback(const Node& change);
// dbms="..." applies to PostgreSQL (empty, all, postgresql, !other).
bool dbms_applies(std::string_view dbms);

Migration map_changelog(const Node& root, std::string_view text, const std::string& path, Format format,
                        const Config& config, StatementCache& cache);

// Formatted SQL (--liquibase formatted sql).
Migration parse_formatted_sql(std::string_view text, const std::string& path, const Config& config, StatementCache& cache);

// Appends statements for SQL embedded in the document at mapped offsets. Placeholders ${x} are
// replaced by a same-length identifier before parsing.
size_t append_mapped_sql(Migration& migration, const MappedText& sql, std::string_view doc, StatementCache& cache,
                         bool in_transaction, int32_t unit, const std::string& origin);

// Suppression comments anywhere in the document, in any comment syntax (<!-- -->, #, --, /* */).
void collect_suppressions(Migration& migration, std::string_view text);

}  // namespace zerolock::liquibase
