// The SQL front end (splitter, libpg_query, operations) and the engine behind it, on arbitrary
// text. The file name decides the migration tool, so the input's length picks one of them: every
// convention (Flyway, golang-migrate, dbmate, plain) is reached without spending input bytes.
#include "targets/fuzz_support.h"
#include "targets/fuzz_targets.h"

int fuzz_sql(const uint8_t* data, size_t size) {
  static const char* const kPaths[] = {"/nonexistent-zerolock-fuzz/migrations/0001_fuzz.sql",
                                       "/nonexistent-zerolock-fuzz/db/migration/V1__fuzz.sql",
                                       "/nonexistent-zerolock-fuzz/migrations/1_fuzz.up.sql",
                                       "/nonexistent-zerolock-fuzz/db/migrations/20240101000000_fuzz.sql"};
  zerolock::fuzz::analyse_as(zerolock::Format::Sql, kPaths[size % 4], zerolock::fuzz::as_text(data, size));
  return 0;
}
