// libFuzzer's entry point for the target named by EMERGENCE_FUZZ_TARGET (one binary each).
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  emergence::fuzz::run_target(EMERGENCE_FUZZ_TARGET, data, size);
  return 0;
}
