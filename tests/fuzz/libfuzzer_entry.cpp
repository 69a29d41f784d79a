// libFuzzer's entry point for one target; CMake compiles this file once per target with
// ZEROLOCK_FUZZ_FUNCTION naming the target's function.
#include "targets/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return ZEROLOCK_FUZZ_FUNCTION(data, size); }
