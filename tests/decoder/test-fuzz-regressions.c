/* test-fuzz-regressions.c: replays the fuzz seed corpora and every input that once crashed a
 * fuzzer (tests/fuzz/regressions/) through the same harness, in the normal build. */
#include <string.h>

#include <glib.h>

#include "sockscope-capture.h"
#include "sockscope-decoder.h"
#include "sockscope-fuzz-harness.h"

static char *
fuzz_dir (const char *name)
{
  const char *root = g_getenv ("SOCKSCOPE_SOURCE_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "tests", "fuzz", name, NULL);
}

/* Calls fn on every file of the folder; returns how many. */
static guint
replay (const char *name, gboolean required, void (*fn) (const char *path, const guint8 *data, gsize len))
{
  g_autofree char *dir = fuzz_dir (name);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;
  guint n = 0;

  if (d == NULL)
    {
      g_assert_false (required);
      return 0;
    }
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (g_str_has_prefix (entry, ".") || g_str_has_suffix (entry, ".md"))
        continue;
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      fn (path, (const guint8 *) data, len);
      n++;
    }
  return n;
}

static void
decoder_seed (const char *path, const guint8 *data, gsize len)
{
  SsDecodeResult res;
  static const guint32 linktypes[] = { 1, 113, 276, 12, 101, 228, 229, 0, 108, 147 };

  ss_fuzz_decoder (data, len);
  /* the seeds are well-formed frames: each must decode down to its transport layer, and only
   * those cut by a snapshot length (data[1] bytes missing) are flagged, as truncated */
  g_assert_cmpuint (len, >, 2);
  ss_packet_decode (linktypes[data[0] % G_N_ELEMENTS (linktypes)], data + 2, len - 2, len - 2 + data[1],
                    NULL, 0, &res);
  if (res.summary.status != (data[1] > 0 ? SS_STATUS_TRUNCATED : 0) || res.summary.proto < SS_PROTO_ARP)
    g_error ("%s: %s [%s]", path, res.text, res.reason);
}

static void
capture_seed (const char *path, const guint8 *data, gsize len)
{
  SsCaptureReader *r = ss_capture_reader_open_buffer (data, len, path);
  SsCapturePacket pkt;
  int rc;

  ss_fuzz_capture (data, len);
  /* the seeds are valid files */
  while ((rc = ss_capture_reader_next (r, &pkt)) > 0)
    ;
  if (rc != 0)
    g_error ("%s", ss_capture_reader_error (r));
  ss_capture_reader_close (r);
}

static void
regression (const char *path, const guint8 *data, gsize len)
{
  g_test_message ("replaying %s", path);
  ss_fuzz_decoder (data, len);
  ss_fuzz_capture (data, len);
}

static void
test_corpus_decoder (void)
{
  g_assert_cmpuint (replay ("corpus-decoder", TRUE, decoder_seed), >=, 12);
}

static void
test_corpus_capture (void)
{
  g_assert_cmpuint (replay ("corpus-capture", TRUE, capture_seed), >=, 12);
}

static void
test_regressions (void)
{
  g_test_message ("%u regression inputs", replay ("regressions", FALSE, regression));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fuzz/corpus-decoder", test_corpus_decoder);
  g_test_add_func ("/fuzz/corpus-capture", test_corpus_capture);
  g_test_add_func ("/fuzz/regressions", test_regressions);
  return g_test_run ();
}
