// The Liquibase yaml front end (reader, change mapping, embedded SQL) and the engine. Includes
// resolve against a directory that does not exist, so they are reported, never read.
#include "targets/fuzz_support.h"
#include "targets/fuzz_targets.h"

int fuzz_liquibase_yaml(const uint8_t* data, size_t size) {
  zerolock::fuzz::analyse_as(zerolock::Format::LiquibaseYaml, "/nonexistent-zerolock-fuzz/db/changelog.yaml",
                             zerolock::fuzz::as_text(data, size));
  return 0;
}
