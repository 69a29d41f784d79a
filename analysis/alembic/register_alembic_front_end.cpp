// Registers the Alembic front end with the engine (Format::Alembic: .py files, languageId python).
#include "alembic/alembic_front_end.h"
#include "engine/front_ends.h"

#include <filesystem>

namespace zerolock::alembic {
namespace {
Migration parse(const DocumentInput& input, const Config& config, StatementCache& cache) {
  bool read_siblings = input.path.empty() || config.may_read(std::filesystem::path(input.path).parent_path());
  return parse_alembic(input.path, input.text, cache, read_siblings).migration;
}
[[maybe_unused]] const bool registered = register_front_end(Format::Alembic, parse);
}  // namespace
}  // namespace zerolock::alembic
