/* code-pane-test.c: the code pane of the real window, under Xvfb, with a real lab: concurrent-fork
 * (five programs) at step 20, at 1280×720, at 1600×1000 (the same window made larger) and in
 * presenter mode at 200 %. On the widgets as drawn: each program shown has at least 24 columns
 * of text, its current line (start and outcome) lies inside its visible area, its #include lines
 * are folded into one; a program with no room is a button that brings it back. And the C | Python
 * switch of a lesson that has both (the fixture ui-fork), and the comments of the programs in the
 * language the window is made again in. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "sockscope-application.h"
#include "sockscope-locale.h"
#include "sockscope-screenshot.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

#define MIN_CHARS 24
#define STEP      20

static SockscopeApplication *app;
static const char * const actors[] = { "server", "worker1", "worker2", "client1", "client2", NULL };

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (sockscope_window_prepare_finish (SOCKSCOPE_WINDOW (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* Sizes the window so that its content is width × height (decorations aside), then lets the
 * panes settle. */
static void
resize (SockscopeWindow *window,
        int              width,
        int              height)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));

  ui_test_resize (window, width, height);
  ui_test_spin (200);
  g_assert_cmpint (gtk_widget_get_width (content), ==, width);
  g_assert_cmpint (gtk_widget_get_height (content), ==, height);
}

static double
char_width (GtkTextView *view)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (GTK_WIDGET (view)), NULL, NULL);
  double width = (double) pango_font_metrics_get_approximate_digit_width (metrics) / PANGO_SCALE;

  pango_font_metrics_unref (metrics);
  return width;
}

static gboolean
shown (GtkTextView *view)
{
  return gtk_widget_get_mapped (GTK_WIDGET (view)) && gtk_widget_get_width (GTK_WIDGET (view)) > 0;
}

/* The rectangle of @iter's character, in buffer coordinates. */
static GdkRectangle
location (GtkTextView *view,
          GtkTextIter *iter)
{
  GdkRectangle rect;

  gtk_text_view_get_iter_location (view, iter, &rect);
  return rect;
}

static void
keep_shot (SockscopeWindow *window,
           const char      *name)
{
  const char *dir = g_getenv ("SOCKSCOPE_TEST_SHOTS");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  if (!sockscope_screenshot_widget (GTK_WIDGET (sockscope_window_get_code_pane (window)), path, &error))
    g_test_message ("%s: %s", path, error->message);
}

/* One program's column, as drawn: wide enough, its current step's lines inside its visible area,
 * from the start of their first line to the end of the outcome written after the last one. */
static void
check_column (SockscopeCodePane *code,
              const char        *actor,
              const char        *where)
{
  GtkTextView *view = sockscope_code_pane_get_view (code, actor);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GdkRectangle visible, start_rect, end_rect;
  GtkTextIter start, end, line3;
  guint first, last;
  int y, height;
  double cw = char_width (view);
  int text_width;
  g_autofree char *summary = NULL;

  gtk_text_view_get_visible_rect (view, &visible);
  text_width = visible.width - gtk_text_view_get_left_margin (view) - gtk_text_view_get_right_margin (view);
  g_test_message ("%s: %s is %d px wide, %d px of text (%.1f columns)", where, actor,
                  gtk_widget_get_width (GTK_WIDGET (view)), text_width, text_width / cw);
  if (text_width < MIN_CHARS * cw - 1)
    g_error ("%s: the column of %s shows %.1f columns of text, fewer than %d", where, actor, text_width / cw, MIN_CHARS);

  /* The #include lines (two imports or more): one line says how many, the others take no room. */
  for (guint line = 1; line <= 6 && summary == NULL; line++)
    {
      g_autofree char *text = sockscope_code_pane_get_line_text (code, actor, line);

      if (text != NULL && (g_str_has_prefix (text, "#include … (") || g_str_has_prefix (text, "import … (")))
        {
          summary = g_steal_pointer (&text);
          gtk_text_buffer_get_iter_at_line (buffer, &line3, (int) line);
        }
    }
  if (g_str_equal (sockscope_code_pane_get_code_lang (code), "c"))
    g_assert_nonnull (summary);
  if (summary != NULL)
    {
      gtk_text_view_get_line_yrange (view, &line3, &y, &height);
      g_assert_cmpint (height, ==, 0);
    }

  first = sockscope_code_pane_get_current_span (code, actor, &last);
  if (first == 0)
    return;
  gtk_text_buffer_get_iter_at_line (buffer, &start, (int) first - 1);
  gtk_text_buffer_get_iter_at_line (buffer, &end, (int) last - 1);
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  start_rect = location (view, &start);
  end_rect = location (view, &end);
  g_test_message ("%s: %s lines %u-%u at y %d-%d, visible %d-%d, end x %d of %d", where, actor, first, last,
                  start_rect.y, end_rect.y + end_rect.height, visible.y, visible.y + visible.height,
                  end_rect.x, visible.x + visible.width);
  if (start_rect.y < visible.y || end_rect.y + end_rect.height > visible.y + visible.height)
    g_error ("%s: the current lines of %s (%u-%u) are outside its visible area", where, actor, first, last);
  if (start_rect.x < visible.x || end_rect.x > visible.x + visible.width)
    g_error ("%s: the current line of %s is cut on the side", where, actor);
}

/* Every program: a column that passes check_column, or a button (mapped) that brings it back.
 * The program whose step ran is shown, its line saying @call and its outcome starting with
 * @outcome. Returns
 * how many columns are shown. */
static guint
check_pane (SockscopeWindow    *window,
            const char * const *names,
            const char         *current,
            const char         *call,
            const char         *outcome,
            const char         *where)
{
  SockscopeCodePane *code = sockscope_window_get_code_pane (window);
  guint n_shown = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      GtkTextView *view = sockscope_code_pane_get_view (code, names[i]);
      GtkWidget *button = sockscope_code_pane_get_folded_button (code, names[i]);

      g_assert_nonnull (view);
      if (shown (view))
        {
          check_column (code, names[i], where);
          g_assert_null (button);
          n_shown++;
        }
      else
        {
          g_test_message ("%s: %s folded into a button", where, names[i]);
          g_assert_nonnull (button);
          g_assert_true (gtk_widget_get_mapped (button));
        }
    }
  g_assert_true (shown (sockscope_code_pane_get_view (code, current)));
  {
    const char *shown_outcome = NULL;
    guint line = sockscope_code_pane_get_current_line (code, current, &shown_outcome);
    g_autofree char *text = sockscope_code_pane_get_line_text (code, current, line);
    g_autofree char *tail = g_strdup_printf ("⟵\u00a0%s", outcome);

    /* The outcome is written after the call, the arrow and the value held together (no break). */
    g_test_message ("%s: %s's line: %s", where, current, text);
    g_assert_nonnull (strstr (text, call));
    g_assert_true (g_str_has_prefix (shown_outcome, outcome));
    *strchr (tail, ' ') = '\0';
    g_assert_nonnull (strstr (text, tail));
  }
  return n_shown;
}

static GtkGesture *
find_click (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller))
        return GTK_GESTURE (controller);
    }
  return NULL;
}

/* A click on the summary line opens the #include lines; a click on one of them folds them. */
static void
check_fold_click (SockscopeCodePane *code,
                  const char        *actor)
{
  GtkTextView *view = sockscope_code_pane_get_view (code, actor);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkGesture *click = find_click (GTK_WIDGET (view));
  GtkTextIter iter;
  GdkRectangle rect;
  int x, y, line_y, height;
  g_autofree char *open = NULL;

  g_assert_nonnull (click);
  gtk_text_view_scroll_to_iter (view, (gtk_text_buffer_get_start_iter (buffer, &iter), &iter), 0, TRUE, 0, 0);
  ui_test_spin (200);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &iter, 1, 2);
  rect = location (view, &iter);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, rect.x + 1, rect.y + rect.height / 2, &x, &y);
  g_signal_emit_by_name (click, "released", 1, (double) x, (double) y);
  ui_test_spin (200);
  gtk_text_buffer_get_iter_at_line (buffer, &iter, 2);
  gtk_text_view_get_line_yrange (view, &iter, &line_y, &height);
  g_assert_cmpint (height, >, 0);
  open = sockscope_code_pane_get_line_text (code, actor, 2);
  g_assert_true (g_str_has_prefix (open, "#include <"));

  rect = location (view, &iter);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, rect.x + 1, rect.y + rect.height / 2, &x, &y);
  g_signal_emit_by_name (click, "released", 1, (double) x, (double) y);
  ui_test_spin (200);
  gtk_text_view_get_line_yrange (view, &iter, &line_y, &height);
  g_assert_cmpint (height, ==, 0);
}

/* The window, at @width × @height, with @lesson run up to @step in a real lab. */
static SockscopeWindow *
open_at_step (const char *lesson,
              guint       step,
              int         width,
              int         height)
{
  SockscopeWindow *window = sockscope_window_new (app);
  gboolean done = FALSE;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_prepare_async (window, lesson, (int) step, NULL, on_prepared, &done);
  while (!done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  resize (window, width, height);
  return window;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* C | Python still switches the programs, the layout's rules hold in both. */
static void
test_python_switch (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "tests", "ui", "lessons",
                                            "ui-fork.lesson", NULL);
  static const char * const names[] = { "server", "worker", "t1", "client", NULL };
  SockscopeWindow *window = open_at_step (path, 11, 1600, 1000);
  SockscopeCodePane *code = sockscope_window_get_code_pane (window);

  check_pane (window, names, "worker", "recv(conn", "= 5", "ui-fork in C");
  g_signal_emit_by_name (find_button (GTK_WIDGET (code), "Python"), "clicked");
  ui_test_spin (500);
  g_assert_cmpstr (sockscope_code_pane_get_code_lang (code), ==, "python");
  keep_shot (window, "code-python.png");
  check_pane (window, names, "worker", "n = conn.recv(64)", "= 5", "ui-fork in Python");
  g_signal_emit_by_name (find_button (GTK_WIDGET (code), "C"), "clicked");
  ui_test_spin (500);
  g_assert_cmpstr (sockscope_code_pane_get_code_lang (code), ==, "c");
  check_pane (window, names, "worker", "recv(conn", "= 5", "ui-fork in C again");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

static void
on_paint (GdkFrameClock *clock,
          guint         *n)
{
  (*n)++;
}

/* A call that stays blocked (tcp-handshake's accept at step 4) draws no animation: the window
 * stops painting once laid out. A spinning GtkSpinner in the column's header repainted it every
 * frame, which took the main loop of a software renderer and starved the lab's terminal. */
static void
test_blocked_idle (void)
{
  SockscopeWindow *window = open_at_step ("tcp-handshake", 4, 1600, 1000);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  guint n = 0;
  gulong id;

  g_assert_nonnull (clock);
  g_assert_cmpuint (sockscope_code_pane_get_current_line (sockscope_window_get_code_pane (window), "server", NULL), >, 0);
  ui_test_spin (3000);    /* the diagram's and the panes' own transitions end */
  id = g_signal_connect (clock, "paint", G_CALLBACK (on_paint), &n);
  ui_test_spin (2000);
  g_signal_handler_disconnect (clock, id);
  g_test_message ("%u frames painted in 2 s with accept blocked", n);
  g_assert_cmpuint (n, <, 10);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

/* The window made again in another language: the same programs, their comments in it. */
static SockscopeWindow *
switch_language (GSettings       *settings,
                 SockscopeWindow *old,
                 const char      *lang)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  SockscopeWindow *window;

  g_settings_set_string (settings, "language", lang);
  while ((window = ui_test_only_window (app)) == NULL || window == old || !sockscope_window_is_idle (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      ui_test_spin (20);
    }
  ui_test_spin (300);
  return window;
}

static void
test_language (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.sockscope.Sockscope");
  SockscopeWindow *window = open_at_step ("concurrent-fork", 1, 1600, 1000);
  g_autofree char *english = sockscope_code_pane_get_line_text (sockscope_window_get_code_pane (window), "worker1", 1);
  g_autofree char *french = NULL, *summary = NULL, *inherited = NULL;

  g_assert_cmpstr (english, ==, "/* worker1: generated from the lesson concurrent-fork */");
  window = switch_language (settings, window, "fr");
  french = sockscope_code_pane_get_line_text (sockscope_window_get_code_pane (window), "worker1", 1);
  summary = sockscope_code_pane_get_line_text (sockscope_window_get_code_pane (window), "worker1", 2);
  inherited = sockscope_code_pane_get_line_text (sockscope_window_get_code_pane (window), "worker1", 6);
  g_assert_cmpstr (french, ==, "/* worker1 : généré à partir de la leçon concurrent-fork */");
  g_assert_cmpstr (summary, ==, "#include … (3 en-têtes)");
  g_assert_cmpstr (inherited, ==, "/* Copies des variables de son père, faites par fork(). */");
  window = switch_language (settings, window, "");
  g_clear_pointer (&english, g_free);
  english = sockscope_code_pane_get_line_text (sockscope_window_get_code_pane (window), "worker1", 1);
  g_assert_cmpstr (english, ==, "/* worker1: generated from the lesson concurrent-fork */");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

static void
test_concurrent_fork (void)
{
  SockscopeWindow *window = open_at_step ("concurrent-fork", STEP, 1280, 720);
  SockscopeCodePane *code = sockscope_window_get_code_pane (window);
  guint n_small, n_large;
  GtkWidget *button = NULL;
  const char *folded = NULL;

  keep_shot (window, "code-1280x720.png");
  n_small = check_pane (window, actors, "client1", "send(c, \"one\\n\", 4, 0);", "= 4", "1280x720");

  /* The same window made larger: the columns follow, the current lines stay in view. */
  resize (window, 1600, 1000);
  keep_shot (window, "code-1600x1000.png");
  n_large = check_pane (window, actors, "client1", "send(c, \"one\\n\", 4, 0);", "= 4", "1600x1000");
  g_assert_cmpuint (n_large, >=, n_small);
  /* The program of the next step (executor 1 receives what client 1 sends) has room too. */
  g_assert_cmpuint (n_large, >=, 2);
  g_assert_true (shown (sockscope_code_pane_get_view (code, "worker1")));

  check_fold_click (code, "client1");

  /* A folded program's button brings its column back, its current line in view. */
  for (guint i = 0; actors[i] != NULL && button == NULL; i++)
    if ((button = sockscope_code_pane_get_folded_button (code, actors[i])) != NULL)
      folded = actors[i];
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  ui_test_spin (500);
  g_assert_true (shown (sockscope_code_pane_get_view (code, folded)));
  check_pane (window, actors, "client1", "send(c, \"one\\n\", 4, 0);", "= 4", "after a click on a folded program");

  /* Presenter mode, 200 %: the code larger, the current lines larger still, still whole. */
  sockscope_window_set_no_fullscreen (window, TRUE);
  sockscope_window_set_presenter (window, TRUE);
  sockscope_window_set_presenter_zoom (window, 2.0);
  resize (window, 1920, 1080);
  keep_shot (window, "code-presenter.png");
  check_pane (window, actors, "client1", "send(c, \"one\\n\", 4, 0);", "= 4", "presenter 200 %");
  {
    GtkTextView *view = sockscope_code_pane_get_view (code, "client1");
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
    GtkTextIter current, other;
    int y, current_height, other_height;

    /* The line "{": one short row, as the current line's last row is. */
    for (gtk_text_buffer_get_start_iter (buffer, &other); !gtk_text_iter_is_end (&other); gtk_text_iter_forward_line (&other))
      {
        GtkTextIter line_end = other;
        g_autofree char *text = NULL;

        gtk_text_iter_forward_to_line_end (&line_end);
        text = gtk_text_iter_get_text (&other, &line_end);
        if (g_str_equal (text, "{"))
          break;
      }
    g_assert_false (gtk_text_iter_is_end (&other));
    gtk_text_buffer_get_iter_at_line (buffer, &current, (int) sockscope_code_pane_get_current_line (code, "client1", NULL) - 1);
    gtk_text_view_get_line_yrange (view, &current, &y, &current_height);
    gtk_text_view_get_line_yrange (view, &other, &y, &other_height);
    g_test_message ("presenter: a line %d px high, the current one %d px", other_height, current_height);
    g_assert_cmpfloat (current_height, >=, 1.25 * other_height);
  }
  sockscope_window_set_presenter (window, FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-code-pane-XXXXXX", NULL);

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* GTK and GLib warnings are fatal, as in window-test. */
  app = ui_test_init (&argc, &argv, NULL);

  g_test_add_func ("/code-pane/concurrent-fork", test_concurrent_fork);
  g_test_add_func ("/code-pane/blocked-idle", test_blocked_idle);
  g_test_add_func ("/code-pane/python-switch", test_python_switch);
  g_test_add_func ("/code-pane/language", test_language);
  return g_test_run ();
}
