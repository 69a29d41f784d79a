#pragma once
// The SQL front end: a document of SQL statements -> Migration. Also used by other front ends
// for embedded SQL (Alembic op.execute, Liquibase <sql>), with `base` mapping ranges back.
#include <string_view>
#include <vector>

#include "engine/migration.h"
#include "engine/statement_cache.h"
#include "sql/splitter.h"

namespace zerolock::sql {

struct SqlFrontEndOptions {
  MigrationTool tool = MigrationTool::PlainSql;
  bool tool_wraps_in_transaction = false;
  const SplitResult* split = nullptr;  // precomputed split (LSP incremental sync), else split here
  // With `split` from sql::resplit: the migration parsed from the old split, and which statements
  // kept their text. Their parses are taken from `previous` by position, so an edit of a 15,000-
  // statement document hashes and looks up only the statements it touched.
  const Migration* previous = nullptr;
  const SplitReuse* reuse = nullptr;
};

Migration parse_sql_document(std::string path, std::string_view text, const SqlFrontEndOptions& options,
                             StatementCache& cache);

// Parses SQL embedded in another format: statements and syntax errors are appended to
// `migration` with ranges shifted by `base` (the document offset of sql's first byte). Suppression
// comments inside are appended too. Returns the number of statements added.
size_t append_embedded_sql(Migration& migration, std::string_view sql, uint32_t base, StatementCache& cache,
                           bool in_transaction, int32_t unit, const std::string& origin);

}  // namespace zerolock::sql
