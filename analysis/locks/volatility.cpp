#include "locks/volatility.h"

#include <algorithm>
#include <iterator>

namespace zerolock {
namespace {

struct FunctionVolatility {
  std::string_view name;
  char provolatile;  // 'i', 's', 'v'
};

// Sorted by name; generated from pg_proc of a real PostgreSQL 15.
constexpr FunctionVolatility kFunctions[] = {
#if __has_include("locks/function_volatility.inc")
#include "locks/function_volatility.inc"
#else
    {"", 'v'},
#endif
};

int rank(Volatility v) {
  switch (v) {
    case Volatility::Immutable: return 0;
    case Volatility::Stable: return 1;
    case Volatility::Unknown: return 2;
    case Volatility::Volatile: return 3;
  }
  return 2;
}

}  // namespace

Volatility function_volatility(std::string_view name) {
  auto it = std::lower_bound(std::begin(kFunctions), std::end(kFunctions), name,
                             [](const FunctionVolatility& f, std::string_view n) { return f.name < n; });
  if (it == std::end(kFunctions) || it->name != name) return Volatility::Unknown;
  switch (it->provolatile) {
    case 'i': return Volatility::Immutable;
    case 's': return Volatility::Stable;
    default: return Volatility::Volatile;
  }
}

Volatility most_volatile(Volatility a, Volatility b) { return rank(a) >= rank(b) ? a : b; }

}  // namespace zerolock
