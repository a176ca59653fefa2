/* fuzz-decoder.c: libFuzzer entry point; the work is in sockscope-fuzz-harness.c. */
#include "sockscope-fuzz-harness.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ss_fuzz_decoder (data, size);
  return 0;
}
