// Registers the SQL front end for plain SQL documents with the engine.
#include "engine/conventions.h"
#include "engine/front_ends.h"
#include "sql/sql_front_end.h"
#include "sql/statement_parser.h"

namespace zerolock::sql {
namespace {

// A down / undo file undoes its forward file: reads that file's operations (same directory only)
// so that downgrade-not-inverse can replay both. Unreadable or unparsable: no verdict.
void add_forward_ops(const DocumentInput& input, const Config& config, const ToolConvention& convention,
                     StatementCache& cache, Migration& migration) {
  if (!migration.rollback || convention.forward_file.empty()) return;
  std::optional<std::string> forward = read_forward_file(config, input.path, convention);
  if (!forward) return;
  std::string text = has_placeholders(*forward) ? replace_placeholders(*forward) : std::move(*forward);
  SplitResult split_result = split(text);
  if (split_result.error) return;
  std::vector<Operation> ops;
  for (const ByteRange& r : split_result.statements) {
    std::shared_ptr<const ParsedStatement> parsed = cache.get(std::string_view(text).substr(r.begin, r.size()), parse_statement);
    if (!parsed || parsed->error) return;
    for (const Operation& op : parsed->ops) {
      ops.push_back(op);
      ops.back().range = {0, 0};  // a range of the forward file, not of this document
    }
  }
  migration.rollback->forward_ops = std::move(ops);
  migration.rollback->upgrade_complete = true;
}

Migration parse_sql(const DocumentInput& input, const Config& config, StatementCache& cache) {
  ToolConvention convention = sql_tool_convention(input.path, input.text, config);
  SqlFrontEndOptions options;
  options.tool = convention.tool;
  options.tool_wraps_in_transaction = convention.wraps_in_transaction;
  options.split = input.sql_split;
  options.previous = input.previous;
  options.reuse = input.sql_reuse;
  // Tool conventions (engine/conventions): ${placeholders} get a same-length identifier before
  // parsing (offsets hold), then sections, downgrades and companion files are marked.
  if (has_placeholders(input.text)) {
    std::string text = replace_placeholders(input.text);
    options.split = nullptr;
    options.previous = nullptr;
    Migration migration = parse_sql_document(input.path, text, options, cache);
    apply_sql_convention(convention, input.text, migration);
    add_forward_ops(input, config, convention, cache, migration);
    return migration;
  }
  Migration migration = parse_sql_document(input.path, input.text, options, cache);
  apply_sql_convention(convention, input.text, migration);
  add_forward_ops(input, config, convention, cache, migration);
  return migration;
}
[[maybe_unused]] const bool registered = register_front_end(Format::Sql, parse_sql);
}  // namespace
}  // namespace zerolock::sql
