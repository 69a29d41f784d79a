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
  // Tool conventions (engine/conventions): ${placeholders} get a same-length identifier before
  // parsing (offsets hold), then sections, downgrades and companion files are marked.
  if (has_placeholders(input.text)) {
    std::string text = replace_placeholders(input.text);
    options.split = nullptr;
    Migration migration = parse_sql_document(input.path, text, options, cache);
    apply_sql_convention(convention, input.text, migration);
    return migration;
  }
  Migration migration = parse_sql_document(input.path, input.text, options, cache);
  apply_sql_convention(convention, input.text, migration);
  return migration;
}
[[maybe_unused]] const bool registered = register_front_end(Format::Sql, parse_sql);
}  // namespace
}  // namespace zerolock::sql
