// The Liquibase json front end (reader, change mapping, embedded SQL) and the engine. Includes
// resolve against a directory that does not exist, so they are reported, never read.
#include "targets/fuzz_support.h"
#include "targets/fuzz_targets.h"

int fuzz_liquibase_json(const uint8_t* data, size_t size) {
  zerolock::fuzz::analyse_as(zerolock::Format::LiquibaseJson, "/nonexistent-zerolock-fuzz/db/changelog.json",
                             zerolock::fuzz::as_text(data, size));
  return 0;
}
