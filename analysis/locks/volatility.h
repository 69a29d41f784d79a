#pragma once
// Function volatility as PostgreSQL 15's pg_proc labels it (generated table, see
// scripts/pg/gen_volatility.py). Decides whether ADD COLUMN ... DEFAULT rewrites the table.
#include <string_view>

#include "model/operation.h"

namespace zerolock {

// Unknown for functions not in pg_catalog (user-defined): zerolock cannot know their label.
Volatility function_volatility(std::string_view name);
Volatility most_volatile(Volatility a, Volatility b);

}  // namespace zerolock
