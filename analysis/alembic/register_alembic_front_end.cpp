// Registers the Alembic front end with the engine (Format::Alembic: .py files, languageId python).
#include "alembic/alembic_front_end.h"
#include "engine/front_ends.h"

namespace zerolock::alembic {
namespace {
Migration parse(const DocumentInput& input, const Config& config, StatementCache& cache) {
  (void)config;
  return parse_alembic(input.path, input.text, cache).migration;
}
[[maybe_unused]] const bool registered = register_front_end(Format::Alembic, parse);
}  // namespace
}  // namespace zerolock::alembic
