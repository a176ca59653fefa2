/* picker-test.c: a teacher's lessons in the real window, under Xvfb, warnings fatal. The
 * built-in folder ($SOCKSCOPE_LESSONS) holds two course lessons, a half-written lesson and a
 * second file with the id tcp-handshake; the teacher's folder ($XDG_DATA_HOME/sockscope/lessons)
 * a lesson of their own and one with the id of a built-in lesson. The window must start, open
 * the first lesson of the course, list the broken and duplicate files greyed with file:line and
 * why, mark the teacher's lesson, and open any lesson file given by its path. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "sockscope-application.h"
#include "sockscope-locale.h"
#include "sockscope-screenshot.h"
#include "sockscope-settings.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

static SockscopeApplication *app;
static char *lessons_dir;
static char *teacher_dir;

static void
wait_idle (SockscopeWindow *window)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!sockscope_window_is_idle (window))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for the lab (error banner: %s)",
                 sockscope_window_get_error (window) ? sockscope_window_get_error (window) : "none");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* SOCKSCOPE_TEST_SHOTS=DIR keeps a picture of what the test looked at. */
static void
keep_shot (GtkWidget  *widget,
           const char *name)
{
  const char *dir = g_getenv ("SOCKSCOPE_TEST_SHOTS");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  ui_test_spin (300);
  path = g_build_filename (dir, name, NULL);
  if (!sockscope_screenshot_widget (widget, path, &error))
    g_test_message ("%s: %s", path, error->message);
}

/* Every label's text under @widget, one a line. */
static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_text (c, out);
}

typedef struct
{
  char    *text;
  gboolean sensitive;
} Row;

static GArray *
picker_rows (SockscopeWindow *window)
{
  GtkListBox *list = sockscope_lesson_picker_get_list (sockscope_window_get_lesson_picker (window));
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));

  for (int i = 0; gtk_list_box_get_row_at_index (list, i) != NULL; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);
      g_autoptr(GString) text = g_string_new (NULL);
      Row r;

      collect_text (gtk_list_box_row_get_child (row), text);
      r.text = g_string_free (g_steal_pointer (&text), FALSE);
      r.sensitive = gtk_widget_get_sensitive (GTK_WIDGET (row));
      g_array_append_val (rows, r);
    }
  return rows;
}

static void
rows_free (GArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    g_free (g_array_index (rows, Row, i).text);
  g_array_unref (rows);
}

/* The index of the row whose text contains @needle, or -1. */
static int
find_row (GArray     *rows,
          const char *needle)
{
  for (guint i = 0; i < rows->len; i++)
    if (strstr (g_array_index (rows, Row, i).text, needle) != NULL)
      return (int) i;
  return -1;
}

static gboolean
ends_with_file (const char *path,
                const char *name)
{
  return path != NULL && g_str_has_suffix (path, name);
}

static void
test_broken_and_duplicate (void)
{
  SockscopeWindow *window = sockscope_window_new (app);
  g_autofree char *mine_path = g_build_filename (teacher_dir, "my-socket.lesson", NULL);
  g_autofree char *late = NULL;
  g_autofree char *text = NULL;
  g_autofree char *late_text = NULL;
  GArray *rows;
  int half, dup, teacher_dup, mine, handshake, udp;

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  /* No lesson named, no last lesson: the first lesson of the course. */
  sockscope_window_open_lesson (window, NULL);
  wait_idle (window);
  g_assert_true (ends_with_file (sockscope_window_get_lesson_path (window), "/tcp-handshake.lesson"));
  g_assert_null (sockscope_window_get_error (window));

  rows = picker_rows (window);
  half = find_row (rows, "half-written.lesson:15: cannot read the call");
  dup = find_row (rows, "zz-second-handshake.lesson:2: duplicate id 'tcp-handshake'");
  teacher_dup = find_row (rows, "udp-echo.lesson:2: duplicate id 'udp-echo': the built-in lesson");
  mine = find_row (rows, "My first socket");
  handshake = find_row (rows, "The TCP handshake");
  udp = find_row (rows, "A UDP echo");

  /* Greyed, and saying why with file:line. */
  g_assert_cmpint (half, >=, 0);
  g_assert_false (g_array_index (rows, Row, half).sensitive);
  g_assert_cmpint (dup, >=, 0);
  g_assert_false (g_array_index (rows, Row, dup).sensitive);
  g_assert_nonnull (strstr (g_array_index (rows, Row, dup).text, "tcp-handshake.lesson keeps it"));
  g_assert_cmpint (teacher_dup, >=, 0);
  g_assert_false (g_array_index (rows, Row, teacher_dup).sensitive);
  g_assert_nonnull (strstr (g_array_index (rows, Row, teacher_dup).text, "never replaced"));
  /* The course first, in its order; the teacher's lesson marked, in its theme. */
  g_assert_cmpint (handshake, ==, 0);
  g_assert_true (g_array_index (rows, Row, handshake).sensitive);
  g_assert_cmpint (mine, >, handshake);
  g_assert_cmpint (mine, <, udp);
  g_assert_true (g_array_index (rows, Row, mine).sensitive);
  g_assert_nonnull (strstr (g_array_index (rows, Row, mine).text, "Yours"));
  g_assert_null (strstr (g_array_index (rows, Row, handshake).text, "Yours"));
  g_assert_cmpint (half, >, udp);
  g_assert_cmpint (dup, >, udp);
  rows_free (rows);

  /* A lesson the teacher saves while the app runs is in the list the next time it opens. */
  late = g_build_filename (teacher_dir, "late.lesson", NULL);
  g_assert_true (g_file_get_contents (mine_path, &text, NULL, NULL));
  late_text = g_strconcat ("id: saved-later", strstr (text, "\ntheme:"), NULL);
  g_assert_true (g_file_set_contents (late, late_text, -1, NULL));
  rows = picker_rows (window);
  g_assert_cmpint (find_row (rows, "saved-later"), <, 0);
  rows_free (rows);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find-lesson", NULL));
  ui_test_spin (50);
  rows = picker_rows (window);
  g_assert_cmpint (find_row (rows, "saved-later"), >=, 0);
  rows_free (rows);
  g_unlink (late);
  keep_shot (GTK_WIDGET (sockscope_window_get_lesson_picker (window)), "picker.png");
  keep_shot (GTK_WIDGET (window), "picker-window.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The teacher's lesson opens by its id from the picker and says where it comes from. */
static void
test_teacher_lesson (void)
{
  SockscopeWindow *window = sockscope_window_new (app);
  const char *origin;

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, "my-socket");
  wait_idle (window);
  g_assert_true (ends_with_file (sockscope_window_get_lesson_path (window), "/sockscope/lessons/my-socket.lesson"));
  origin = sockscope_lesson_pane_get_origin (sockscope_window_get_lesson_pane (window));
  g_assert_nonnull (origin);
  g_assert_true (g_str_has_prefix (origin, "Your lesson: "));
  g_assert_nonnull (strstr (origin, teacher_dir));
  /* A built-in lesson says nothing of the kind; its id is never taken by the teacher's file. */
  sockscope_window_open_lesson (window, "udp-echo");
  wait_idle (window);
  g_assert_true (g_str_has_prefix (sockscope_window_get_lesson_path (window), lessons_dir));
  g_assert_null (sockscope_lesson_pane_get_origin (sockscope_window_get_lesson_pane (window)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The window the application made in place of @old (a language change), once its session or
 * lesson is open. */
static SockscopeWindow *
wait_new_window (SockscopeWindow *old)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  SockscopeWindow *found = NULL;

  while (found == NULL || sockscope_window_get_lesson_path (found) == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for the window to be made again");
      found = NULL;
      for (GList *l = windows; l != NULL; l = l->next)
        if (SOCKSCOPE_IS_WINDOW (l->data) && l->data != (gpointer) old)
          found = l->data;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return found;
}

/* A file given by its path opens even when its id is taken (the user chose that file), joins the
 * picker as "Opened", and the window says whose id it is. A broken file opens nothing and says
 * why; the lesson that was open stays. The run's session opens after the file is deleted, and
 * again when a new language makes the window again. */
static void
test_opened_file (void)
{
  SockscopeWindow *window = sockscope_window_new (app);
  g_autofree char *dup = g_build_filename (lessons_dir, "zz-second-handshake.lesson", NULL);
  g_autofree char *half = g_build_filename (lessons_dir, "half-written.lesson", NULL);
  g_autofree char *dir = g_dir_make_tmp ("sockscope-opened-XXXXXX", NULL);
  g_autofree char *opened = g_build_filename (dir, "handshake-copy.lesson", NULL);
  g_autofree char *text = NULL;
  g_autofree char *session = NULL;
  g_autoptr(GSettings) settings = sockscope_settings_new ();
  SockscopeWindow *replay, *french;
  gint64 deadline;
  GArray *rows;
  int row;

  g_assert_true (g_file_get_contents (dup, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (opened, text, -1, NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, opened);
  wait_idle (window);
  g_assert_cmpstr (sockscope_window_get_lesson_path (window), ==, opened);
  g_assert_nonnull (sockscope_window_get_error (window));
  g_assert_nonnull (strstr (sockscope_window_get_error (window), "already used by"));
  g_assert_true (g_str_has_prefix (sockscope_lesson_pane_get_origin (sockscope_window_get_lesson_pane (window)),
                                   "Opened from "));
  rows = picker_rows (window);
  row = find_row (rows, "Opened");
  g_assert_cmpint (row, >=, 0);
  g_assert_true (g_array_index (rows, Row, row).sensitive);
  rows_free (rows);

  sockscope_window_open_lesson (window, half);
  ui_test_spin (100);
  g_assert_cmpstr (sockscope_window_get_lesson_path (window), ==, opened);
  g_assert_nonnull (strstr (sockscope_window_get_error (window), "half-written.lesson:15:"));
  session = g_strdup (sockscope_window_get_session_path (window));
  g_assert_nonnull (session);
  gtk_window_destroy (GTK_WINDOW (window));

  /* The run of that file was recorded; with the file gone, the session still opens: it carries
   * the lesson's text. */
  g_unlink (opened);
  g_rmdir (dir);
  replay = sockscope_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (replay), 1600, 1000);
  gtk_window_present (GTK_WINDOW (replay));
  sockscope_window_open_file (replay, session);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (sockscope_window_get_lesson_path (replay) == NULL && sockscope_window_get_error (replay) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (sockscope_window_get_error (replay));
  g_assert_cmpstr (sockscope_window_get_lesson_path (replay), ==, opened);
  g_assert_cmpstr (sockscope_window_get_session_path (replay), ==, session);

  /* A new language makes the window again: with the same session, not the deleted file. */
  g_settings_set_string (settings, "language", "fr");
  french = wait_new_window (replay);
  g_assert_null (sockscope_window_get_error (french));
  g_assert_cmpstr (sockscope_window_get_replayed_session (french), ==, session);
  g_assert_cmpstr (sockscope_window_get_lesson_path (french), ==, opened);
  g_settings_set_string (settings, "language", "");
  gtk_window_destroy (GTK_WINDOW (wait_new_window (french)));
}

/* Removes a folder of this test and what it holds. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
copy_into (const char *from,
           const char *dir,
           const char *name)
{
  g_autofree char *text = NULL;
  g_autofree char *to = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (from, &text, NULL, &error) || !g_file_set_contents (to, text, -1, &error))
    g_error ("%s", error->message);
}

int
main (int argc, char **argv)
{
  const char *src = g_getenv ("SOCKSCOPE_SOURCE_ROOT");
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-picker-XXXXXX", NULL);
  g_autofree char *here = g_build_filename (src, "tests", "firstrun", NULL);
  int status;

  lessons_dir = g_dir_make_tmp ("sockscope-builtin-XXXXXX", NULL);
  teacher_dir = g_build_filename (data_home, "sockscope", "lessons", NULL);
  g_mkdir_with_parents (teacher_dir, 0700);
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "tcp-handshake.lesson" : "udp-echo.lesson";
      g_autofree char *from = g_build_filename (src, "lessons", name, NULL);

      copy_into (from, lessons_dir, name);
    }
  for (guint i = 0; i < 4; i++)
    {
      static const char * const fixtures[] = {
        "lessons/half-written.lesson", "lessons/zz-second-handshake.lesson",
        "teacher/my-socket.lesson", "teacher/udp-echo.lesson",
      };
      g_autofree char *from = g_build_filename (here, fixtures[i], NULL);
      g_autofree char *name = g_path_get_basename (fixtures[i]);

      copy_into (from, i < 2 ? lessons_dir : teacher_dir, name);
    }
  /* Before GLib reads them: this test's lessons, and its own folder for the teacher's lessons
   * and the recorded runs. */
  g_setenv ("SOCKSCOPE_LESSONS", lessons_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);

  app = ui_test_init (&argc, &argv, NULL);

  g_test_add_func ("/picker/broken-and-duplicate", test_broken_and_duplicate);
  g_test_add_func ("/picker/teacher-lesson", test_teacher_lesson);
  g_test_add_func ("/picker/opened-file", test_opened_file);
  status = g_test_run ();
  g_object_unref (app);
  remove_tree (lessons_dir);
  remove_tree (data_home);
  return status;
}
