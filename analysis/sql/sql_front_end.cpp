#include "sql/sql_front_end.h"

#include <algorithm>

#include <cctype>
#include <optional>

#include "engine/suppression.h"
#include "sql/statement_parser.h"
#include "text/line_index.h"

namespace zerolock::sql {
namespace {

// The body of a SQL comment without its markers.
std::string_view comment_body(std::string_view comment) {
  if (comment.substr(0, 2) == "--") return comment.substr(2);
  if (comment.substr(0, 2) == "/*") {
    comment.remove_prefix(2);
    if (comment.size() >= 2 && comment.substr(comment.size() - 2) == "*/") comment.remove_suffix(2);
  }
  return comment;
}

Diagnostic syntax_error(std::string message, uint32_t offset, std::string_view text, int32_t statement) {
  Diagnostic d;
  d.rule = "syntax-error";
  d.severity = Severity::Error;
  d.message = std::move(message);
  d.help = "Fix the syntax; the statements before and after this one are still checked.";
  // Underline the token at the error: up to the next whitespace, at least one byte.
  uint32_t end = offset;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && end - offset < 64) ++end;
  if (end == offset && end < text.size()) ++end;
  d.range = {offset, end};
  d.statement = statement;
  return d;
}

void add_statement(Migration& migration, std::string_view text, ByteRange range, StatementCache& cache,
                   bool in_transaction, int32_t unit, const std::string& origin,
                   std::shared_ptr<const ParsedStatement> known = nullptr) {
  Statement statement;
  statement.range = range;
  statement.parsed = known ? std::move(known) : cache.get(text.substr(range.begin, range.size()), parse_statement);
  statement.in_transaction = in_transaction;
  statement.unit = unit;
  statement.origin = origin;
  if (statement.parsed->error) {
    const SyntaxError& e = *statement.parsed->error;
    migration.frontend_diagnostics.push_back(
        syntax_error(e.message, range.begin + e.offset, text, static_cast<int32_t>(migration.statements.size())));
  }
  migration.statements.push_back(std::move(statement));
}

void add_suppressions(Migration& migration, std::string_view text, const std::vector<ByteRange>& comments,
                      uint32_t base) {
  std::optional<LineIndex> lines;  // built only when a suppression comment exists
  for (const ByteRange& c : comments) {
    std::string_view body = comment_body(text.substr(c.begin - base, c.size()));
    if (body.find("zerolock-disable") == std::string_view::npos) continue;
    if (!lines) lines.emplace(text);
    if (auto s = parse_suppression(body, c.begin, lines->line_of(c.begin - base))) migration.suppressions.push_back(*s);
  }
}

}  // namespace

Migration parse_sql_document(std::string path, std::string_view text, const SqlFrontEndOptions& options,
                             StatementCache& cache) {
  Migration migration;
  migration.path = std::move(path);
  migration.format = Format::Sql;
  migration.tool = options.tool;
  migration.tool_wraps_in_transaction = options.tool_wraps_in_transaction;

  SplitResult local;
  const SplitResult* split_result = options.split;
  if (!split_result) {
    local = split(text);
    split_result = &local;
  }
  const auto& ranges = split_result->statements;
  // Statements that kept their text since `options.previous` was parsed (see SplitReuse).
  size_t head = 0, tail = 0;
  if (options.previous && options.reuse && options.split && options.previous->statements_follow_split &&
      options.previous->statements.size() == options.reuse->old_count &&
      options.reuse->head + options.reuse->tail <= std::min(ranges.size(), options.reuse->old_count)) {
    head = options.reuse->head;
    tail = options.reuse->tail;
  }
  const size_t old_count = options.reuse ? options.reuse->old_count : 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    std::shared_ptr<const ParsedStatement> known;
    if (i < head) known = options.previous->statements[i].parsed;
    else if (i >= ranges.size() - tail) known = options.previous->statements[old_count - (ranges.size() - i)].parsed;
    add_statement(migration, text, ranges[i], cache, options.tool_wraps_in_transaction, 0, "sql", std::move(known));
  }
  migration.statements_follow_split = options.split != nullptr;
  if (split_result->error) {
    int32_t index = static_cast<int32_t>(migration.statements.size()) - 1;
    migration.frontend_diagnostics.push_back(syntax_error(split_result->error->message, split_result->error->offset, text, index));
  }
  add_suppressions(migration, text, split_result->comments, 0);
  return migration;
}

size_t append_embedded_sql(Migration& migration, std::string_view sql, uint32_t base, StatementCache& cache,
                           bool in_transaction, int32_t unit, const std::string& origin) {
  SplitResult s = split(sql);
  size_t before = migration.statements.size();
  for (const ByteRange& r : s.statements) {
    Statement statement;
    statement.range = r.shifted(base);
    statement.parsed = cache.get(sql.substr(r.begin, r.size()), parse_statement);
    statement.in_transaction = in_transaction;
    statement.unit = unit;
    statement.origin = origin;
    if (statement.parsed->error) {
      Diagnostic d = syntax_error(statement.parsed->error->message, r.begin + statement.parsed->error->offset, sql,
                                  static_cast<int32_t>(migration.statements.size()));
      d.range = d.range.shifted(base);
      migration.frontend_diagnostics.push_back(d);
    }
    migration.statements.push_back(std::move(statement));
  }
  if (s.error) {
    Diagnostic d = syntax_error(s.error->message, s.error->offset, sql, static_cast<int32_t>(migration.statements.size()) - 1);
    d.range = d.range.shifted(base);
    migration.frontend_diagnostics.push_back(d);
  }
  // Suppression comments inside embedded SQL: lines are relative to the SQL; callers that need
  // document lines handle their own comment syntax.
  std::vector<ByteRange> comments;
  for (const ByteRange& c : s.comments) comments.push_back(c.shifted(base));
  (void)comments;
  return migration.statements.size() - before;
}

}  // namespace zerolock::sql
