// The Alembic front end (Python tokenizer, parser, op.* mapping, executed SQL) and the engine.
// The file is in a directory that does not exist, so the revision graph finds no siblings.
#include "targets/fuzz_support.h"
#include "targets/fuzz_targets.h"

int fuzz_alembic(const uint8_t* data, size_t size) {
  zerolock::fuzz::analyse_as(zerolock::Format::Alembic, "/nonexistent-zerolock-fuzz/alembic/versions/0001_fuzz.py",
                             zerolock::fuzz::as_text(data, size));
  return 0;
}
