/* test-fuzz-session-regressions.c: replays the lesson and session seed corpora and every input
 * that once crashed fuzz-lesson or fuzz-session (tests/fuzz/regressions-lesson/,
 * regressions-session/) through the same harness, in the normal build. */
#include "config.h"

#include <glib.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"
#include "sockscope-fuzz-session.h"

typedef void (*ReplayFunc) (const char *path, const guint8 *data, gsize len);

/* Calls fn on every file of tests/fuzz/NAME; returns how many. */
static guint
replay (const char *name,
        gboolean    required,
        ReplayFunc  fn)
{
  g_autofree char *dir = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "tests", "fuzz", name, NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
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
      g_test_message ("replaying %s", path);
      fn (path, (const guint8 *) data, len);
      n++;
    }
  return n;
}

static void
lesson_seed (const char *path, const guint8 *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autofree char *base = g_path_get_basename (path);

  ss_fuzz_lesson (data, len);
  /* the seeds are valid lessons, except those named bad-*: rejected with a reason */
  lesson = sockscope_lesson_new_from_file (path, &error);
  if (g_str_has_prefix (base, "bad-"))
    g_assert_nonnull (error);
  else
    g_assert_no_error (error);
}

static void
session_seed (const char *path, const guint8 *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeEventLog) log = NULL;
  g_autofree char *warning = NULL;

  ss_fuzz_session (data, len);
  /* the seeds are sessions recorded by `sockscope-cli run --session`: each loads, no warning */
  log = sockscope_event_log_load (path, &warning, &error);
  g_assert_no_error (error);
  g_assert_null (warning);
  g_assert_cmpuint (sockscope_event_log_get_n_events (log), >, 10);
}

static void
lesson_regression (const char *path, const guint8 *data, gsize len)
{
  ss_fuzz_lesson (data, len);
}

static void
session_regression (const char *path, const guint8 *data, gsize len)
{
  ss_fuzz_session (data, len);
}

static void
test_corpus_lesson (void)
{
  g_assert_cmpuint (replay ("corpus-lesson", TRUE, lesson_seed), >=, 3);
}

static void
test_corpus_session (void)
{
  g_assert_cmpuint (replay ("corpus-session", TRUE, session_seed), >=, 2);
}

static void
test_regressions (void)
{
  g_test_message ("%u lesson regression inputs", replay ("regressions-lesson", FALSE, lesson_regression));
  g_test_message ("%u session regression inputs", replay ("regressions-session", FALSE, session_regression));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ss_fuzz_session_init ();
  g_test_add_func ("/fuzz/corpus-lesson", test_corpus_lesson);
  g_test_add_func ("/fuzz/corpus-session", test_corpus_session);
  g_test_add_func ("/fuzz/regressions", test_regressions);
  return g_test_run ();
}
