#pragma once
// Predicted vs observed for one statement, by the rule tests/pg_locks/compare.py applies:
//  * relations are compared by folded name (quotes removed, lower case, "public." dropped);
//  * the compared relations are those the prediction names, those the statement's operations
//    name (table, index, referenced table) and the table of every named index;
//  * per compared relation, the strongest predicted mode must equal the strongest mode the server
//    newly granted (or requested) during the statement. When the predicted mode was already held
//    since an earlier statement of the trace's transaction, PostgreSQL grants nothing new: the row
//    says so (already_held) and is not a mismatch;
//  * locks on other relations (indexes of a rewritten table, FK partners ...) are listed, not judged;
//  * relations the statement creates are not compared (they did not exist before it);
//  * rewrite: a table, materialized view or index that existed before ends with a new
//    relfilenode (TRUNCATE gives new, empty files: reported as truncated, not rewritten).
#include <vector>

#include "engine/analysis.h"
#include "server/cli/trace/catalog_snapshot.h"
#include "server/cli/trace/trace_result.h"

namespace zerolock::trace {

// `held_before`: the backend's locks before the statement (empty for an autocommit statement);
// `seen`: its locks after the statement, or every snapshot taken while it ran.
std::vector<LockRow> compare_locks(const Statement& statement, const StatementFacts& facts, const Relations& before,
                                   const std::vector<HeldLock>& held_before, const std::vector<HeldLock>& seen);

struct StorageChanges {
  std::vector<std::string> rewritten;
  std::vector<std::string> truncated;
};
StorageChanges storage_changes(const Statement& statement, const Relations& before, const Relations& after);

}  // namespace zerolock::trace
