#pragma once
// ALTER TABLE (and ALTER INDEX/VIEW/SEQUENCE ... sharing AlterTableStmt): one Operation per
// sub-command, each with the byte range of its own text.
#include <string_view>
#include <vector>

#include "model/operation.h"
#include "sql/parse_tree.h"
#include "sql/scanner.h"

namespace zerolock::sql {

void alter_table_ops(const tree::json& stmt, std::string_view text, const std::vector<Token>& tokens,
                     std::vector<Operation>& out);

// Column definition (CREATE TABLE element or ADD COLUMN) -> ColumnSpec.
ColumnSpec column_spec(const tree::json& column_def, std::string_view text);
// Constraint node -> ConstraintSpec.
ConstraintSpec constraint_spec(const tree::json& constraint);

}  // namespace zerolock::sql
