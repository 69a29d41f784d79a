#pragma once
// Which SQL the trace may run for a statement the engine's front end produced. The trace never
// re-splits or rebuilds SQL: a statement is traceable when its source text is exactly the text
// the engine parsed (plain SQL files, Flyway/dbmate/... files, op.execute("...") literals in
// Alembic revisions, Liquibase <sql> and formatted SQL without property substitution). The
// engine's statement cache proves it: looking the source text up returns the very parse the
// statement carries. Statements built from Alembic op.* calls or Liquibase change types have no
// such text (the engine models their operations, it does not keep SQL for them): not traceable.
#include <optional>
#include <string>

#include "engine/statement_cache.h"
#include "server/cli/file_report.h"

namespace zerolock::trace {

struct StatementSql {
  std::optional<std::string> sql;
  std::string reason;  // when sql is empty
};

// `cache` must be the cache the file was analysed with (no sweep in between).
StatementSql statement_sql(const cli::FileReport& report, size_t index, StatementCache& cache);

// BEGIN, COMMIT, ROLLBACK, SAVEPOINT ..., PREPARE TRANSACTION: the trace runs its own transaction.
bool is_transaction_control(const Statement& statement);

}  // namespace zerolock::trace
