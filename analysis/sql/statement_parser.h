#pragma once
// Parses one SQL statement with libpg_query and derives its operations.
#include <string_view>

#include "engine/migration.h"

namespace zerolock::sql {

// `text` is exactly one statement (as split). Ranges in the result are relative to it.
ParsedStatement parse_statement(std::string_view text);

}  // namespace zerolock::sql
