/* test-field-help.c: every field id the decoder can emit has its own explanation, in English
 * and in French (from the catalogue the build compiles out of po/fr.po). */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "frames.h"
#include "sockscope-decoder.h"
#include "sockscope-field-help.h"

/* id → English explanation, filled by the English test, compared by the French one. */
static GHashTable *english;

static void
add_decoded_ids (GHashTable *ids)
{
  guint n_frames;
  TestFrame *frames = test_frames_all (&n_frames);

  for (guint i = 0; i < n_frames; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (frames[i].bytes, &size);
      SsField fields[512];
      SsDecodeResult res;

      ss_packet_decode (frames[i].linktype, data, size, size, fields, G_N_ELEMENTS (fields), &res);
      g_assert_cmpuint (res.n_dropped, ==, 0);
      for (gsize f = 0; f < res.n_fields; f++)
        g_hash_table_add (ids, (gpointer) fields[f].id);
    }
  test_frames_free (frames, n_frames);
}

/* The ids the decoder documents (its header's "Field ids" comment): a field added there
 * without an explanation, or that the frames above do not reach, fails here. */
static GPtrArray *
documented_ids (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"),
                                            "app", "decoder", "sockscope-decoder.h", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("\\b[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+\\b", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  const char *start, *end;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  start = strstr (text, "Field ids");
  g_assert_nonnull (start);
  end = strstr (start, "*/");
  g_assert_nonnull (end);

  g_regex_match_full (regex, start, end - start, 0, 0, &match, NULL);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    g_ptr_array_add (ids, g_match_info_fetch (match, 0));
  return ids;
}

static GPtrArray *
all_ids (void)
{
  g_autoptr(GHashTable) decoded = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) documented = documented_ids ();
  GPtrArray *ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer id;

  add_decoded_ids (decoded);
  g_test_message ("%u ids decoded from the test frames, %u documented",
                  g_hash_table_size (decoded), documented->len);
  for (guint i = 0; i < documented->len; i++)
    if (!g_hash_table_contains (decoded, documented->pdata[i]))
      g_test_fail_printf ("the test frames never make the decoder emit %s",
                          (char *) documented->pdata[i]);

  g_hash_table_iter_init (&iter, decoded);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_ptr_array_add (ids, id);
  return ids;
}

/* Help found for the id itself, not borrowed from an ancestor. */
static gboolean
has_own_help (const char *id)
{
  const char *dot = strrchr (id, '.');
  g_autofree char *parent = dot != NULL ? g_strndup (id, dot - id) : NULL;

  return sockscope_field_help_lookup (id) != NULL
    && (parent == NULL || sockscope_field_help_lookup (parent) != sockscope_field_help_lookup (id));
}

static void
test_english (void)
{
  g_autoptr(GPtrArray) ids = all_ids ();

  g_assert_cmpuint (ids->len, >, 150);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = ids->pdata[i];
      const char *help = sockscope_field_help_lookup (id);

      if (!has_own_help (id))
        {
          g_test_fail_printf ("%s has no explanation of its own", id);
          continue;
        }
      /* One sentence, not a label. */
      g_assert_cmpuint (strlen (help), >, 20);
      g_assert_true (g_str_has_suffix (help, ".") || g_str_has_suffix (help, "…"));
      g_hash_table_insert (english, g_strdup (id), g_strdup (help));
    }
}

static void
test_french (void)
{
  GHashTableIter iter;
  gpointer id, help;

  g_assert_cmpuint (g_hash_table_size (english), >, 150);

  g_setenv ("LANGUAGE", "fr", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_hash_table_iter_init (&iter, english);
  while (g_hash_table_iter_next (&iter, &id, &help))
    {
      const char *fr = sockscope_field_help_lookup (id);

      if (g_strcmp0 (fr, help) == 0)
        g_test_fail_printf ("%s is not translated into French: “%s”", (char *) id, fr);
    }
}

static void
test_fallback (void)
{
  /* A TCP option the decoder learns later is still explained, as an option. */
  g_assert_true (sockscope_field_help_lookup ("tcp.options.future")
                 == sockscope_field_help_lookup ("tcp.options"));
  g_assert_nonnull (sockscope_field_help_lookup ("ipv6.opt.something"));
  g_assert_null (sockscope_field_help_lookup ("sctp.port"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  english = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_test_add_func ("/field-help/fallback", test_fallback);
  g_test_add_func ("/field-help/english", test_english);
  g_test_add_func ("/field-help/french", test_french);
  return g_test_run ();
}
