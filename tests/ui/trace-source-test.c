/* trace-source-test.c: the code pane of a session of traced programs (sockscope-cli trace
 * --source --session), opened in the real window under Xvfb. The course's C echo server and
 * client, built with cc -g: each program's column shows its own source file, the selected call's
 * line highlighted (accept at echoserveri.c:48, read in csapp-lite.c) and on screen; the file
 * follows the call. Built without -g: the column says how to get the lines (cc -g). A source file
 * gone since: the column says it cannot be read. TP09's Python server and client: their scripts.
 * SOCKSCOPE_TEST_SHOTS=DIR keeps trace-c-source.png (1600×1000, the server's accept selected);
 * SOCKSCOPE_TEST_PRESENTER=1 takes it in presenter mode at 200 %, SOCKSCOPE_TEST_LANG=fr in French. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "sockscope-application.h"
#include "sockscope-language.h"
#include "sockscope-locale.h"
#include "sockscope-screenshot.h"
#include "sockscope-sequence-view.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

static SockscopeApplication *app;

/* Builds the echo server and client in @dir (copies of the examples' sources when @copy, so
 * that they can be removed) and records their trace to @dir/echo.sockscope. */
static char *
record (const char *dir,
        gboolean    debug,
        gboolean    copy)
{
  const char *src = g_getenv ("SOCKSCOPE_SOURCE_ROOT");
  g_autofree char *examples = g_build_filename (src, "examples", "c", NULL);
  g_autofree char *cli = g_build_filename (g_getenv ("SOCKSCOPE_BUILD_ROOT"), "app", "cli", "sockscope-cli", NULL);
  g_autofree char *session = g_build_filename (dir, "echo.sockscope", NULL);
  g_autofree char *script = g_strdup_printf (
    "set -e; cd '%s'; S='%s'; if [ %d = 1 ]; then cp \"$S\"/*.c \"$S\"/*.h .; S=.; fi; "
    "for p in echoserveri echoclient; do cc %s -o $p \"$S\"/$p.c \"$S\"/csapp-lite.c; done; "
    "printf 'hello\\nworld\\n' | '%s' trace --source --session '%s' --stdin 2 "
    "--run './echoserveri 7777 1' --run './echoclient localhost 7777' >/dev/null",
    dir, examples, copy, debug ? "-g -O0" : "-O2", cli, session);
  const char *argv[] = { "sh", "-c", script, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&session);
}

static SockscopeWindow *
open_session (const char *path)
{
  SockscopeWindow *window = sockscope_window_new (app);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_file (window, path);
  ui_test_spin (100);
  while (sockscope_window_is_projecting (window) || sockscope_window_get_n_events (window) == 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the session did not open (error banner: %s)",
                 sockscope_window_get_error (window) ? sockscope_window_get_error (window) : "none");
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_null (sockscope_window_get_error (window));
  ui_test_resize (window, 1600, 1000);
  return window;
}

/* The seq of @actor's first call named @name (and whose text holds @text). */
/* The 1-based number of the first line of PATH that holds NEEDLE (the examples change). */
static guint
line_of (const char *path,
         const char *needle)
{
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      return i + 1;
  g_assert_not_reached ();
}

static guint
find_call (SockscopeEventLog *log,
           const char        *actor,
           const char        *name,
           const char        *text)
{
  for (guint i = 0; i < sockscope_event_log_get_n_events (log); i++)
    {
      g_autoptr(JsonObject) e = sockscope_event_log_parse (log, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (e, "type", ""), "call") == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (e, "actor", ""), actor) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (e, "call", ""), name) == 0 &&
          (text == NULL || strstr (json_object_get_string_member_with_default (e, "text", ""), text) != NULL))
        return i + 1;
    }
  g_error ("no call %s of %s", name, actor);
  return 0;
}

/* The current line of @actor's column lies inside its visible area. */
static void
assert_line_on_screen (SockscopeCodePane *pane,
                       const char        *actor,
                       guint              line)
{
  GtkTextView *view = sockscope_code_pane_get_view (pane, actor);
  GdkRectangle visible, where;
  GtkTextIter iter;

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (view), &iter, (int) line - 1);
  gtk_text_view_get_iter_location (view, &iter, &where);
  g_assert_cmpint (where.y, >=, visible.y);
  g_assert_cmpint (where.y + where.height, <=, visible.y + visible.height);
}

static void
select_call (SockscopeWindow   *window,
             SockscopeEventLog *log,
             guint              seq)
{
  sockscope_sequence_view_select (sockscope_window_get_diagram (window), seq);
  sockscope_code_pane_select_traced_call (sockscope_window_get_code_pane (window), log, seq);
  sockscope_lesson_pane_select_call (sockscope_window_get_lesson_pane (window), seq);
  ui_test_spin (400);
}

static void
test_c_debug (void)
{
  g_autofree char *dir = g_dir_make_tmp ("trace-src-XXXXXX", NULL);
  g_autofree char *session = NULL;
  g_autofree char *server_c = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "examples", "c", "echoserveri.c", NULL);
  g_autofree char *real_server_c = NULL;
  g_autoptr(SockscopeEventLog) log = NULL;
  g_autoptr(GError) error = NULL;
  SockscopeWindow *window;
  SockscopeCodePane *pane;
  const char *shots = g_getenv ("SOCKSCOPE_TEST_SHOTS");
  const char *outcome = NULL;
  char *text;

  g_chmod (dir, 0755);
  session = record (dir, TRUE, FALSE);
  log = sockscope_event_log_load (session, NULL, &error);
  g_assert_no_error (error);
  window = open_session (session);
  pane = sockscope_window_get_code_pane (window);
  real_server_c = g_canonicalize_filename (server_c, NULL);

  /* At the end of the run each program's column shows its own code. */
  g_assert_nonnull (sockscope_code_pane_get_file (pane, "echoserveri"));
  g_assert_nonnull (sockscope_code_pane_get_file (pane, "echoclient"));

  /* The server's accept: echoserveri.c line 48, highlighted, on screen. */
  select_call (window, log, find_call (log, "echoserveri", "accept", NULL));
  g_assert_cmpstr (sockscope_code_pane_get_file (pane, "echoserveri"), ==, real_server_c);
  g_assert_null (sockscope_code_pane_get_message (pane, "echoserveri"));
  g_assert_cmpuint (sockscope_code_pane_get_current_line (pane, "echoserveri", &outcome), ==, 48);
  text = sockscope_code_pane_get_line_text (pane, "echoserveri", 48);
  g_assert_nonnull (strstr (text, "connfd = accept (listenfd"));
  g_free (text);
  assert_line_on_screen (pane, "echoserveri", 48);
  /* its result is written after it */
  g_assert_nonnull (outcome);
  g_assert_nonnull (strstr (outcome, "4"));

  /* The client's connect, in the wrapper open_clientfd: the client's column moves to csapp-lite.c. */
  select_call (window, log, find_call (log, "echoclient", "connect", "127.0.0.1:7777"));
  g_assert_true (g_str_has_suffix (sockscope_code_pane_get_file (pane, "echoclient"), "/csapp-lite.c"));
  text = sockscope_code_pane_get_line_text (pane, "echoclient",
                                            sockscope_code_pane_get_current_line (pane, "echoclient", NULL));
  g_assert_nonnull (strstr (text, "connect (clientfd"));
  g_free (text);
  assert_line_on_screen (pane, "echoclient", sockscope_code_pane_get_current_line (pane, "echoclient", NULL));
  /* the server's column keeps its own line */
  g_assert_cmpuint (sockscope_code_pane_get_current_line (pane, "echoserveri", NULL), ==, 48);

  /* The server's read of "hello": rio_read's read() in csapp-lite.c, then back to its main. */
  select_call (window, log, find_call (log, "echoserveri", "read", NULL));
  g_assert_true (g_str_has_suffix (sockscope_code_pane_get_file (pane, "echoserveri"), "/csapp-lite.c"));
  text = sockscope_code_pane_get_line_text (pane, "echoserveri",
                                            sockscope_code_pane_get_current_line (pane, "echoserveri", NULL));
  g_assert_nonnull (strstr (text, "read (rp->fd"));
  g_free (text);
  select_call (window, log, find_call (log, "echoserveri", "accept", NULL));
  g_assert_cmpstr (sockscope_code_pane_get_file (pane, "echoserveri"), ==, real_server_c);
  g_assert_cmpuint (sockscope_code_pane_get_current_line (pane, "echoserveri", NULL), ==, 48);

  /* The lesson pane has no lesson: it names the programs and shows the call selected, its
   * result and its line. */
  {
    SockscopeLessonPane *left = sockscope_window_get_lesson_pane (window);
    g_autofree char *programs = sockscope_lesson_pane_get_programs (left);
    const char *call = sockscope_lesson_pane_get_call_text (left);

    g_assert_cmpstr (programs, ==, "echoserveri 7777 1\nechoclient localhost 7777\n");
    g_assert_nonnull (call);
    g_assert_true (g_str_has_prefix (call, "echoserveri: accept(3"));
    g_assert_nonnull (strstr (call, "= 4 (127.0.0.1:"));
    g_assert_nonnull (strstr (sockscope_lesson_pane_get_explanation (left), "echoserveri.c"));
    g_assert_nonnull (strstr (sockscope_lesson_pane_get_explanation (left), "48"));
  }

  if (shots != NULL)
    {
      g_autofree char *path = g_build_filename (shots, "trace-c-source.png", NULL);

      if (g_getenv ("SOCKSCOPE_TEST_PRESENTER") != NULL)
        {
          sockscope_window_set_no_fullscreen (window, TRUE);
          sockscope_window_set_presenter (window, TRUE);
          sockscope_window_set_presenter_zoom (window, 2.0);
          ui_test_spin (800);
          assert_line_on_screen (pane, "echoserveri", 48);
        }
      ui_test_spin (500);
      g_assert_true (sockscope_screenshot_widget (GTK_WIDGET (window), path, &error));
      g_assert_no_error (error);
    }

  /* Back and Next walk the calls one at a time: back before the last call, the pane shows the
   * one before it; Next shows the last call again. */
  {
    SockscopeLessonPane *left = sockscope_window_get_lesson_pane (window);
    g_autoptr(JsonObject) last = NULL;
    g_autofree char *before = NULL;
    g_autofree char *expected = NULL;

    for (guint i = sockscope_event_log_get_n_events (log); i > 0 && last == NULL; i--)
      if (sockscope_event_log_get_event_type (log, i - 1) == SOCKSCOPE_EVENT_CALL)
        last = sockscope_event_log_parse (log, i - 1);
    expected = g_strdup_printf ("%s: %s", json_object_get_string_member (last, "actor"),
                                json_object_get_string_member (last, "text"));
    gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
    ui_test_spin (100);
    before = g_strdup (sockscope_lesson_pane_get_call_text (left));
    g_assert_false (g_str_has_prefix (before, expected));
    gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL);
    ui_test_spin (100);
    g_assert_true (g_str_has_prefix (sockscope_lesson_pane_get_call_text (left), expected));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
  g_remove (session);
  g_remove (g_build_filename (dir, "echoserveri", NULL));
  g_remove (g_build_filename (dir, "echoclient", NULL));
  g_rmdir (dir);
}

static void
test_c_no_debug (void)
{
  g_autofree char *dir = g_dir_make_tmp ("trace-src-XXXXXX", NULL);
  g_autofree char *session = NULL;
  SockscopeWindow *window;
  SockscopeCodePane *pane;
  const char *message;

  g_chmod (dir, 0755);
  session = record (dir, FALSE, FALSE);
  window = open_session (session);
  pane = sockscope_window_get_code_pane (window);
  for (guint i = 0; i < 2; i++)
    {
      const char *actor = i == 0 ? "echoserveri" : "echoclient";

      message = sockscope_code_pane_get_message (pane, actor);
      g_assert_nonnull (message);
      g_assert_nonnull (strstr (message, "cc -g"));
      g_assert_null (sockscope_code_pane_get_file (pane, actor));
    }
  if (g_getenv ("SOCKSCOPE_TEST_SHOTS") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("SOCKSCOPE_TEST_SHOTS"), "trace-c-nodebug.png", NULL);
      g_autoptr(GError) error = NULL;

      ui_test_spin (300);
      g_assert_true (sockscope_screenshot_widget (GTK_WIDGET (pane), path, &error));
    }
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
  g_remove (session);
  g_remove (g_build_filename (dir, "echoserveri", NULL));
  g_remove (g_build_filename (dir, "echoclient", NULL));
  g_rmdir (dir);
}

static void
test_c_missing_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("trace-src-XXXXXX", NULL);
  g_autofree char *session = NULL;
  g_autofree char *copy = NULL;
  SockscopeWindow *window;
  SockscopeCodePane *pane;
  const char *message;

  g_chmod (dir, 0755);
  session = record (dir, TRUE, TRUE);
  copy = g_build_filename (dir, "echoserveri.c", NULL);
  g_assert_cmpint (g_remove (copy), ==, 0);
  window = open_session (session);
  pane = sockscope_window_get_code_pane (window);
  /* its last calls are in main (echoserveri.c), which is gone; the client's files are there */
  message = sockscope_code_pane_get_message (pane, "echoserveri");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "echoserveri.c"));
  g_assert_nonnull (sockscope_code_pane_get_file (pane, "echoclient"));
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);

        g_remove (p);
      }
  }
  g_rmdir (dir);
}

/* TP09's Python server and client: each column shows its own script, accept and connect lit. */
static void
test_python (void)
{
  g_autofree char *dir = g_dir_make_tmp ("trace-src-XXXXXX", NULL);
  g_autofree char *session = g_build_filename (dir, "tp09.sockscope", NULL);
  g_autofree char *examples = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "examples", "python", NULL);
  g_autofree char *cli = g_build_filename (g_getenv ("SOCKSCOPE_BUILD_ROOT"), "app", "cli", "sockscope-cli", NULL);
  g_autofree char *server_py = NULL;
  g_autofree char *client_py = NULL;
  guint accept_line, connect_line;
  const char *argv[] = { cli, "trace", "--source", "--session", session, "--run", "python3 tp09_server.py",
                         "--run", "python3 tp09_client.py", NULL };
  g_autoptr(SockscopeEventLog) log = NULL;
  g_autoptr(GError) error = NULL;
  SockscopeWindow *window;
  SockscopeCodePane *pane;
  char *text;
  int status = 0;

  g_chmod (dir, 0755);
  g_assert_true (g_spawn_sync (examples, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  log = sockscope_event_log_load (session, NULL, &error);
  g_assert_no_error (error);
  window = open_session (session);
  pane = sockscope_window_get_code_pane (window);
  server_py = g_build_filename (examples, "tp09_server.py", NULL);

  accept_line = line_of (server_py, "server.accept()");
  client_py = g_build_filename (examples, "tp09_client.py", NULL);
  connect_line = line_of (client_py, "client.connect(");
  select_call (window, log, find_call (log, "python3", "accept4", NULL));
  g_assert_cmpstr (sockscope_code_pane_get_file (pane, "python3"), ==, server_py);
  g_assert_cmpuint (sockscope_code_pane_get_current_line (pane, "python3", NULL), ==, accept_line);
  text = sockscope_code_pane_get_line_text (pane, "python3", accept_line);
  g_assert_nonnull (strstr (text, "server.accept()"));
  g_free (text);
  assert_line_on_screen (pane, "python3", accept_line);
  select_call (window, log, find_call (log, "python3-2", "connect", NULL));
  g_assert_true (g_str_has_suffix (sockscope_code_pane_get_file (pane, "python3-2"), "/tp09_client.py"));
  g_assert_cmpuint (sockscope_code_pane_get_current_line (pane, "python3-2", NULL), ==, connect_line);
  assert_line_on_screen (pane, "python3-2", connect_line);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
  g_remove (session);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-trace-src-home-XXXXXX", NULL);

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  app = ui_test_init (&argc, &argv, g_getenv ("SOCKSCOPE_TEST_LANG"));

  if (g_find_program_in_path ("cc") == NULL)
    {
      g_print ("no C compiler: skipped\n");
      return 77;
    }
  g_test_add_func ("/trace-source/c-debug", test_c_debug);
  g_test_add_func ("/trace-source/c-no-debug", test_c_no_debug);
  g_test_add_func ("/trace-source/c-missing-file", test_c_missing_file);
  g_test_add_func ("/trace-source/python", test_python);
  return g_test_run ();
}
