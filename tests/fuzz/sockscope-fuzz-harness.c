/* sockscope-fuzz-harness.c: one fuzz input through the decoder or the capture readers. */
#include "sockscope-fuzz-harness.h"

#include <stdlib.h>
#include <string.h>

#include "sockscope-analysis.h"
#include "sockscope-capture.h"
#include "sockscope-decoder.h"
#include "sockscope-json.h"

#define MAX_FIELDS 512

static const uint32_t linktypes[] = { 1, 113, 276, 12, 101, 228, 229, 0, 108, 147 };

static void
check (int ok)
{
  if (!ok)
    abort ();
}

static void
decode_frame (uint32_t linktype, const uint8_t *frame, uint32_t caplen, uint32_t origlen)
{
  static SsField fields[MAX_FIELDS];
  SsDecodeResult res, few;
  SsPacketSummary fast;
  SsStr json;
  char buf[256];

  ss_packet_summarize (linktype, frame, caplen, origlen, &fast);
  ss_packet_decode (linktype, frame, caplen, origlen, fields, MAX_FIELDS, &res);
  /* the fast path and the full decode agree */
  check (memcmp (&fast, &res.summary, sizeof fast) == 0);
  check (memchr (res.text, '\0', sizeof res.text) != NULL);
  check (memchr (res.reason, '\0', sizeof res.reason) != NULL);
  check ((res.reason[0] != '\0') == (res.summary.status != 0));
  check (fast.l3_off == SS_OFF_NONE || fast.l3_off < caplen);
  check (fast.l4_off == SS_OFF_NONE || fast.l4_off < caplen);
  for (size_t i = 0; i < res.n_fields; i++)
    {
      const SsField *f = &fields[i];

      check ((uint64_t) f->offset + f->length <= caplen);
      check (f->parent < (int) i);
      check (f->parent < 0 ? f->depth == 0 : f->depth == fields[f->parent].depth + 1);
      ss_field_format (f, frame, caplen, buf, sizeof buf);
    }
  ss_packet_src (&fast, frame, buf);
  ss_packet_dst (&fast, frame, buf);

  /* the analyzer sees every input as the next frame of one capture, in a small table */
  {
    static SsAnalyzer *analyzer;
    static uint64_t n;
    SsAnalysis an;

    if (analyzer == NULL)
      analyzer = ss_analyzer_new (4);
    ss_analyzer_feed (analyzer, ++n, &fast, frame, &an);
    check (an.kind < SS_ANALYSIS_N_KINDS && an.of < n);
  }

  ss_packet_decode (linktype, frame, caplen, origlen, fields, 3, &few);
  check (few.n_fields <= 3);
  check (memcmp (&few.summary, &res.summary, sizeof fast) == 0);

  ss_str_init (&json);
  ss_json_packet (&json, linktype, frame, caplen, origlen);
  check (json.len > 0 && json.data[0] == '{' && json.data[json.len - 1] == '}');
  for (size_t i = 0; i < json.len; i++)
    check ((unsigned char) json.data[i] >= 0x20);
  ss_str_clear (&json);
}

void
ss_fuzz_decoder (const uint8_t *data, size_t size)
{
  uint8_t *frame;
  uint32_t caplen;

  if (size < 2 || size - 2 > 0xffff)
    return;
  caplen = (uint32_t) (size - 2);
  /* an exact-size copy, so that a read past the frame is caught by the sanitizers */
  frame = malloc (caplen ? caplen : 1);
  check (frame != NULL);
  memcpy (frame, data + 2, caplen);
  decode_frame (linktypes[data[0] % (sizeof linktypes / sizeof linktypes[0])], frame, caplen,
                caplen + data[1]);
  free (frame);
}

void
ss_fuzz_capture (const uint8_t *data, size_t size)
{
  SsCaptureReader *r;
  SsCapturePacket pkt;
  uint8_t *copy = malloc (size ? size : 1);
  int rc;

  check (copy != NULL);
  memcpy (copy, data, size);
  r = ss_capture_reader_open_buffer (copy, size, "fuzz");
  check (r != NULL);
  while ((rc = ss_capture_reader_next (r, &pkt)) > 0)
    {
      check (pkt.data >= copy && pkt.caplen <= size && pkt.data + pkt.caplen <= copy + size);
      check (pkt.comment == NULL || ((const uint8_t *) pkt.comment >= copy
                                     && (const uint8_t *) pkt.comment + pkt.comment_len <= copy + size));
      check (pkt.offset < size);
      if (pkt.caplen <= 0xffff)
        decode_frame (pkt.linktype, pkt.data, pkt.caplen, pkt.origlen);
    }
  check ((rc < 0) == (ss_capture_reader_error (r) != NULL));
  check (rc == 0 || ss_capture_reader_error_offset (r) <= size);
  ss_capture_reader_close (r);
  free (copy);
}
