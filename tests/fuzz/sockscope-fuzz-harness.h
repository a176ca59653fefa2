/* sockscope-fuzz-harness.h: what the fuzz targets and the regression test run on one input.
 * Both abort() when an invariant breaks, so a fuzzer reports it as a crash. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* data[0] picks the link type, data[1] how many bytes the frame had beyond those captured;
 * the rest is the frame. Runs summarize, the full decode (with a large and a tiny field array)
 * and the JSON writer. */
void ss_fuzz_decoder (const uint8_t *data, size_t size);
/* The capture readers on a buffer, then the decoder on every packet read. */
void ss_fuzz_capture (const uint8_t *data, size_t size);
