#pragma once
// Which migration tool runs a SQL file, from its name and content, and whether that tool wraps
// the file in a transaction. Flyway V__/U__/R__ names, golang-migrate and Diesel up/down pairs,
// dbmate sections; anything else is run like psql -f (autocommit per statement).
#include <string_view>

#include "config/config.h"
#include "engine/migration.h"

namespace zerolock {

struct ToolConvention {
  MigrationTool tool = MigrationTool::PlainSql;
  bool wraps_in_transaction = false;
};

ToolConvention sql_tool_convention(std::string_view path, std::string_view text, const Config& config);

}  // namespace zerolock
