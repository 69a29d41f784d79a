#pragma once
// The Alembic front end: a revision file (Python) -> Migration. op.* calls become statements
// whose operations are the same Operation model the SQL front end produces, with the exact byte
// range of each call; op.execute SQL is parsed by the SQL front end with positions mapped back
// through the Python string (escapes, implicit concatenation). Loops, conditionals and calls it
// cannot follow are reported once each as info diagnostics ("alembic-not-analysed"), never guessed.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/migration.h"
#include "engine/statement_cache.h"

namespace zerolock::alembic {

struct AlembicStats {
  size_t op_calls = 0;     // op.* / batch_op.* calls that do something to the database
  size_t understood = 0;   // mapped to operations (or parsed SQL)
  size_t opaque = 0;       // left opaque: dynamic arguments, SQL built at run time, inside loops ...
  size_t not_analysed = 0; // info diagnostics emitted for constructs not followed
};

struct RevisionIds {
  std::optional<std::string> revision;
  std::vector<std::string> down_revisions;  // empty for a base revision (None)
  bool has_down_revision = false;           // the assignment exists
  bool down_revision_dynamic = false;       // not a literal
  ByteRange revision_range;                 // the value of `revision = ...`
  ByteRange down_revision_range;
};

struct AlembicParse {
  Migration migration;
  AlembicStats stats;
  RevisionIds ids;
  bool is_env_py = false;
};

// Rule id of the front end's own "not analysed" info diagnostics.
inline constexpr const char* kNotAnalysedRule = "alembic-not-analysed";

// `read_siblings` false: the revision graph check reads no other file (the directory is outside the
// workspace roots the language server was given).
AlembicParse parse_alembic(std::string path, std::string_view text, StatementCache& cache, bool read_siblings = true);

// Parses `expr` as a PostgreSQL expression (SELECT <expr>) and returns its volatility.
Volatility sql_expression_volatility(std::string_view expr);

}  // namespace zerolock::alembic
