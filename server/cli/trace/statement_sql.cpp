#include "server/cli/trace/statement_sql.h"

#include "sql/statement_parser.h"

namespace zerolock::trace {

StatementSql statement_sql(const cli::FileReport& report, size_t index, StatementCache& cache) {
  const Statement& s = report.analysis.migration.statements[index];
  if (!s.parsed) return {std::nullopt, "the engine did not parse this statement"};
  if (s.range.end > report.text.size() || s.range.begin > s.range.end) return {std::nullopt, "no source range"};
  std::string_view source = std::string_view(report.text).substr(s.range.begin, s.range.size());
  if (cache.get(source, sql::parse_statement) == s.parsed) return {std::string(source), {}};
  std::string what = s.origin.empty() || s.origin == "sql" ? std::string("this statement") : s.origin;
  return {std::nullopt, "not traceable: the engine models the operations of " + what +
                            " but has no exact SQL text for it (" + format_name(report.analysis.migration.format) + ")"};
}

bool is_transaction_control(const Statement& statement) {
  if (!statement.parsed) return false;
  for (const Operation& op : statement.parsed->ops) {
    switch (op.kind) {
      case OpKind::Begin: case OpKind::Commit: case OpKind::Rollback: case OpKind::Savepoint:
      case OpKind::ReleaseSavepoint: case OpKind::RollbackToSavepoint: case OpKind::PrepareTransaction:
        return true;
      default: break;
    }
  }
  return false;
}

}  // namespace zerolock::trace
