/* fuzz-session.c: libFuzzer entry point; the work is in sockscope-fuzz-session.c. */
#include "sockscope-fuzz-session.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  ss_fuzz_session_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ss_fuzz_session (data, size);
  return 0;
}
