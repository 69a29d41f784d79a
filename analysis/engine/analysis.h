#pragma once
// The engine: front end -> operations -> lock model -> rules -> suppressions.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "engine/diagnostic.h"
#include "engine/migration.h"
#include "engine/statement_cache.h"
#include "locks/lock_model.h"

namespace zerolock {
namespace sql {
struct SplitResult;
struct SplitReuse;
}
class RuleResultCache;

// Facts about one operation, computed in statement order.
struct OpFacts {
  bool table_is_new = false;   // the table was created earlier in this migration
  bool index_is_new = false;
  bool column_is_new = false;
  LockEffect effect;
  // ALTER COLUMN TYPE: the column's type as the migration defined it before this statement
  // (DO-block bodies included), when it did.
  std::optional<TypeInfo> column_type_before;
  bool operator==(const OpFacts&) const = default;
};

struct StatementFacts {
  LockEffect effect;               // all operations merged
  std::vector<OpFacts> ops;        // parallel to parsed->ops
  bool lock_timeout_set = false;   // a non-zero lock_timeout is in force before this statement
  bool statement_timeout_set = false;
  SessionTimeZone time_zone = SessionTimeZone::Unknown;  // as the migration set it before this statement
  int32_t transaction_ends_at = -1;  // statement index of the COMMIT/ROLLBACK ending its transaction, -1: end of file/tool
  // SchemaState keys of the relations this statement names (its tables, DO-body tables, every
  // relation it locks) that the migration created before it (DO-block bodies included). Rules ask
  // here (rule_util::created_before) instead of each replaying the schema over the migration.
  std::vector<std::string> new_relations;
  bool operator==(const StatementFacts&) const = default;
};

struct Analysis {
  Migration migration;
  std::vector<StatementFacts> facts;      // parallel to migration.statements
  std::vector<Diagnostic> diagnostics;    // sorted by range start, suppressions applied
};

struct DocumentInput {
  std::string path;             // used for format and tool detection; may be empty
  std::string_view text;
  std::string language_id;      // LSP languageId when known
  // The SQL split of `text` kept up to date by the caller (LSP incremental sync: sql::resplit),
  // or null to split here. Only the SQL front end uses it.
  const sql::SplitResult* sql_split = nullptr;
  // With sql_split from sql::resplit: the migration of the previous analysis of this document
  // (parsed from the old split) and which statements kept their text, so their parses are reused
  // by position (see sql::SplitReuse). Both null: every statement is looked up by its text.
  const Migration* previous = nullptr;
  const sql::SplitReuse* sql_reuse = nullptr;
};

// Format of a document from its LSP languageId, file name and content.
Format detect_format(const DocumentInput& input);

// Runs a front end, then the engine. The cache may be shared across documents and calls.
// `rule_cache` (one per document, optional) keeps per-statement rule findings between calls, so
// only statements whose text or context changed are checked again; the result is the same.
Analysis analyze_document(const DocumentInput& input, const Config& config, StatementCache& cache,
                          RuleResultCache* rule_cache = nullptr);
// Runs the engine on a migration a front end produced from `text`.
Analysis analyze_migration(Migration migration, std::string_view text, const Config& config,
                           RuleResultCache* rule_cache = nullptr);

}  // namespace zerolock
