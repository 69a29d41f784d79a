// Registers the SQL front end for plain SQL documents with the engine.
#include "engine/conventions.h"
#include "engine/front_ends.h"
#include "sql/sql_front_end.h"

namespace zerolock::sql {
namespace {
Migration parse_sql(const DocumentInput& input, const Config& config, StatementCache& cache) {
  ToolConvention convention = sql_tool_convention(input.path, input.text, config);
  SqlFrontEndOptions options;
  options.tool = convention.tool;
  options.tool_wraps_in_transaction = convention.wraps_in_transaction;
  options.split = input.sql_split;
  return parse_sql_document(input.path, input.text, options, cache);
}
[[maybe_unused]] const bool registered = register_front_end(Format::Sql, parse_sql);
}  // namespace
}  // namespace zerolock::sql
