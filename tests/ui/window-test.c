/* window-test.c: the real window, under Xvfb, driven through its actions as a user would:
 * step lessons to the end and read what every pane shows. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "sockscope-application.h"
#include "sockscope-locale.h"
#include "sockscope-window-private.h"

static SockscopeApplication *app;

typedef gboolean (*Condition) (SockscopeWindow *window);

/* Runs the main loop until cond holds; fails the test after timeout_ms. */
static void
wait_for (SockscopeWindow *window,
          Condition        cond,
          guint            timeout_ms,
          const char      *what)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (!cond (window))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s (error banner: %s)", what,
                 sockscope_window_get_error (window) ? sockscope_window_get_error (window) : "none");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static SockscopeWindow *
open_window (const char *lesson)
{
  SockscopeWindow *window = sockscope_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, lesson);
  wait_for (window, sockscope_window_is_idle, 10000, "the lab to start");
  return window;
}

static void
next_step (SockscopeWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL));
  spin (5);
  wait_for (window, sockscope_window_is_idle, 10000, "the step to finish");
}

static int
find_packet_row (SockscopePacketsPane *packets,
                 const char           *flags,
                 guint                 from)
{
  for (guint i = from; i < sockscope_packets_pane_get_n_rows (packets); i++)
    {
      g_autofree char *f = sockscope_packets_pane_get_cell (packets, i, "flags");
      if (g_strcmp0 (f, flags) == 0)
        return (int) i;
    }
  return -1;
}

static gboolean
has_socket_state (SockscopeSocketsPane *sockets,
                  const char           *actor,
                  const char           *state)
{
  for (guint i = 0; i < sockscope_sockets_pane_get_n_rows (sockets); i++)
    {
      g_autofree char *a = sockscope_sockets_pane_get_cell (sockets, i, "actor");
      g_autofree char *s = sockscope_sockets_pane_get_cell (sockets, i, "state");
      if ((actor == NULL || g_strcmp0 (a, actor) == 0) && g_strcmp0 (s, state) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
count_diagram (SockscopeSequenceView *diagram,
               const char            *kind,
               const char            *prefix)
{
  guint n = 0;

  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      const char *k = NULL, *text = NULL;
      guint seq;
      int from, to;

      sockscope_sequence_view_get_item (diagram, i, &seq, &k, &text, &from, &to);
      if (g_strcmp0 (k, kind) == 0 && (prefix == NULL || g_str_has_prefix (text, prefix)))
        n++;
    }
  return n;
}

static gboolean max_gap_ok;
static gint64 last_tick;
static gint64 max_gap;

static gboolean
measure_tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0)
    max_gap = MAX (max_gap, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
test_tcp_handshake (void)
{
  SockscopeWindow *window = open_window ("tcp-handshake");
  SockscopePacketsPane *packets = sockscope_window_get_packets_pane (window);
  SockscopeSocketsPane *sockets = sockscope_window_get_sockets_pane (window);
  SockscopeCodePane *code = sockscope_window_get_code_pane (window);
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  const char *outcome = NULL;
  g_autofree char *line = NULL;
  guint timer, events_live, packets_live;
  int syn;

  /* socket, bind, listen: no packet at all. */
  for (int i = 0; i < 3; i++)
    next_step (window);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 0);
  g_assert_true (has_socket_state (sockets, "server", "LISTEN"));

  /* accept blocks; the window keeps drawing and answering while it does. */
  timer = g_timeout_add (10, measure_tick, NULL);
  next_step (window);
  sockscope_code_pane_get_current_line (code, "server", &outcome);
  g_assert_nonnull (outcome);
  g_assert_true (strstr (outcome, "blocked") != NULL);
  last_tick = 0;
  max_gap = 0;
  next_step (window);   /* client socket */
  next_step (window);   /* client connect: accept returns */
  spin (300);
  g_source_remove (timer);
  max_gap_ok = max_gap < 100 * 1000;
  g_test_message ("longest main-loop gap while accept() was blocked: %" G_GINT64_FORMAT " us", max_gap);
  g_assert_true (max_gap_ok);

  /* The handshake: SYN, SYN-ACK, ACK in the list and as arrows. */
  syn = find_packet_row (packets, "S", 0);
  g_assert_cmpint (syn, ==, 0);
  g_assert_cmpint (find_packet_row (packets, "S.", 0), ==, 1);
  g_assert_cmpint (find_packet_row (packets, ".", 0), ==, 2);
  g_assert_cmpuint (count_diagram (diagram, "packet", "SYN seq=0"), ==, 1);
  g_assert_cmpuint (count_diagram (diagram, "packet", "SYN,ACK"), ==, 1);
  g_assert_true (has_socket_state (sockets, "server", "ESTAB"));
  g_assert_true (has_socket_state (sockets, "client", "ESTAB"));
  g_assert_true (has_socket_state (sockets, "server", "LISTEN"));
  g_assert_cmpuint (sockscope_code_pane_get_current_line (code, "client", &outcome), >, 0);
  line = sockscope_code_pane_get_line_text (code, "client",
                                            sockscope_code_pane_get_current_line (code, "client", NULL));
  g_assert_true (strstr (line, "connect") != NULL);
  g_assert_true (g_str_has_prefix (outcome, "= 0"));

  /* One selection: the SYN arrow selects the SYN row, and the SYN-ACK row selects its arrow. */
  {
    guint seqs[2] = { 0, 0 }, n = 0;

    for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram) && n < 2; i++)
      {
        guint seq;
        const char *kind = NULL, *text = NULL;
        int from, to;

        sockscope_sequence_view_get_item (diagram, i, &seq, &kind, &text, &from, &to);
        if (g_str_equal (kind, "packet"))
          {
            g_assert_cmpint (from, >=, 0);
            g_assert_cmpint (to, >=, 0);
            g_assert_cmpint (from, !=, to);
            seqs[n++] = seq;
          }
      }
    g_assert_cmpuint (n, ==, 2);
    g_signal_emit_by_name (diagram, "selected", seqs[0]);
    g_assert_cmpuint (sockscope_packets_pane_get_selected (packets), ==, seqs[0] - 1);
    g_signal_emit_by_name (packets, "packet-selected", seqs[1] - 1);
    g_assert_cmpuint (sockscope_sequence_view_get_selected (diagram), ==, seqs[1]);
  }

  /* To the end: a FIN, and the first closer in TIME-WAIT. */
  while (!sockscope_window_is_done (window))
    next_step (window);
  spin (400);
  g_assert_cmpint (find_packet_row (packets, "F.", 0), >=, 0);
  g_assert_true (has_socket_state (sockets, NULL, "TIME-WAIT"));

  /* Back in history hides what came later; Next brings it back. */
  events_live = sockscope_window_get_n_events (window);
  packets_live = sockscope_packets_pane_get_n_rows (packets);
  for (int i = 0; i < 6; i++)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  spin (50);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), <, packets_live);
  g_assert_false (has_socket_state (sockets, NULL, "TIME-WAIT"));
  for (int i = 0; i < 20 && sockscope_packets_pane_get_n_rows (packets) < packets_live; i++)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL);
  spin (50);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, packets_live);
  g_assert_cmpuint (sockscope_window_get_n_events (window), >=, events_live);

  /* Restart: a fresh lab, nothing shown, ready to step again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.restart", NULL));
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 0);
  wait_for (window, sockscope_window_is_idle, 10000, "the lab to restart");
  g_assert_cmpuint (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)), ==, 0);
  next_step (window);
  g_assert_cmpuint (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

static void
test_udp_echo (void)
{
  SockscopeWindow *window = open_window ("udp-echo");
  SockscopePacketsPane *packets = sockscope_window_get_packets_pane (window);
  SockscopeSocketsPane *sockets = sockscope_window_get_sockets_pane (window);
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  guint udp = 0;

  while (!sockscope_window_is_done (window))
    {
      next_step (window);
      if (has_socket_state (sockets, "client", "UNCONN"))
        g_assert_true (has_socket_state (sockets, "server", "UNCONN"));
    }
  spin (200);

  for (guint i = 0; i < sockscope_packets_pane_get_n_rows (packets); i++)
    {
      g_autofree char *proto = sockscope_packets_pane_get_cell (packets, i, "protocol");
      if (g_strcmp0 (proto, "UDP") == 0)
        udp++;
    }
  g_assert_cmpuint (udp, ==, 2);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 2);
  g_assert_cmpuint (count_diagram (diagram, "packet", "UDP"), ==, 2);
  g_assert_cmpuint (count_diagram (diagram, "packet", "SYN"), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

/* ---- The classroom: language, presenter mode ---------------------------------------------- */

/* Every label, button label, stack page title and tooltip under widget. */
static void
collect_texts (GtkWidget  *widget,
               GPtrArray  *texts)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_label (GTK_LABEL (widget))));
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    g_ptr_array_add (texts, g_strdup (gtk_button_get_label (GTK_BUTTON (widget))));
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) != NULL)
    g_ptr_array_add (texts, g_strdup (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget))));
  if (tooltip != NULL)
    g_ptr_array_add (texts, g_strdup (tooltip));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

static gboolean
window_shows (GtkWidget  *window,
              const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  collect_texts (window, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
window_shows_prefix (GtkWidget  *window,
                     const char *prefix)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  collect_texts (window, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (texts, i), prefix))
      return TRUE;
  return FALSE;
}

static SockscopeWindow *
only_window (void)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (SOCKSCOPE_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
has_new_window (SockscopeWindow *old)
{
  SockscopeWindow *window = only_window ();

  return window != NULL && window != old && sockscope_window_is_idle (window);
}

/* The language preference takes effect at once: the window is made again, in French, with
 * its lesson, whose texts are French too; and back. */
static void
test_language (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.sockscope.Sockscope");
  SockscopeWindow *window = open_window ("tcp-handshake");
  SockscopeWindow *french;
  const char *english[] = { "_Next Step", "History", "Steps", "Lessons" };
  const char *french_labels[] = { "Étape _suivante", "Historique", "Étapes", "Leçons" };

  for (guint i = 0; i < G_N_ELEMENTS (english); i++)
    g_assert_true (window_shows (GTK_WIDGET (window), english[i]));

  g_settings_set_string (settings, "language", "fr");
  wait_for (window, has_new_window, 10000, "the window to reopen in French");
  french = only_window ();
  for (guint i = 0; i < G_N_ELEMENTS (french_labels); i++)
    {
      g_test_message ("looking for %s", french_labels[i]);
      g_assert_true (window_shows (GTK_WIDGET (french), french_labels[i]));
      g_assert_false (window_shows (GTK_WIDGET (french), english[i]));
    }
  /* The lesson follows: its actors' French labels head the diagram's lifelines. */
  g_assert_true (window_shows (GTK_WIDGET (french), "La poignée de main TCP, un échange et la fermeture"));

  g_settings_set_string (settings, "language", "");
  wait_for (french, has_new_window, 10000, "the window to reopen in the desktop's language");
  window = only_window ();
  g_assert_true (window_shows (GTK_WIDGET (window), "_Next Step"));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

/* The shortcut bound to key (no modifier) in the window's class shortcuts, activated. */
static void
press (SockscopeWindow *window,
       const char      *key)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_str_equal (trigger, key) &&
              gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (window),
                                            gtk_shortcut_get_arguments (shortcut)))
            {
              spin (20);
              return;
            }
        }
    }
  g_error ("no shortcut for %s", key);
}

static double
arrow_length (SockscopeWindow *window)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  double x1, y1, x2, y2;
  guint first, last;

  /* From the first item's point to the last's: it grows with the zoom. */
  g_assert_true (sockscope_sequence_view_get_item (diagram, 0, &first, NULL, NULL, NULL, NULL));
  g_assert_true (sockscope_sequence_view_get_item (diagram, 3, &last, NULL, NULL, NULL, NULL));
  g_assert_true (sockscope_sequence_view_get_item_point (diagram, first, &x1, &y1));
  g_assert_true (sockscope_sequence_view_get_item_point (diagram, last, &x2, &y2));
  return y2 - y1;
}

static void
test_presenter (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.sockscope.Sockscope");
  SockscopeWindow *window = open_window ("tcp-handshake");
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  GtkWidget *lesson_pane = GTK_WIDGET (sockscope_window_get_lesson_pane (window));
  double rows_at_1;
  guint n;

  g_settings_set_uint (settings, "default-zoom", 200);
  for (int i = 0; i < 4; i++)
    next_step (window);
  spin (100);
  rows_at_1 = arrow_length (window);

  press (window, "F5");
  g_assert_true (sockscope_window_get_presenter (window));
  g_assert_cmpfloat (sockscope_sequence_view_get_zoom (diagram), ==, 2.0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "presenter"));
  spin (300);
  g_assert_false (gtk_widget_get_mapped (lesson_pane) && gtk_widget_get_width (lesson_pane) > 10);
  g_assert_cmpfloat_with_epsilon (arrow_length (window), 2 * rows_at_1, 2.0);
  /* The band tells the step in the lesson's words. */
  g_assert_true (window_shows_prefix (GTK_WIDGET (window), "Step 4 of 13 · accept takes the next connection"));

  /* Keyboard only: the stepping keys and the zoom keys. */
  n = sockscope_window_get_n_events (window);
  press (window, "space");
  wait_for (window, sockscope_window_is_idle, 10000, "the step to finish");
  g_assert_cmpuint (sockscope_window_get_n_events (window), >, n);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.diagram-zoom-in", NULL));
  g_assert_cmpfloat (sockscope_window_get_presenter_zoom (window), ==, 2.25);
  g_assert_cmpfloat (sockscope_sequence_view_get_zoom (diagram), ==, 2.25);
  for (int i = 0; i < 6; i++)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.diagram-zoom-in", NULL);
  g_assert_cmpfloat (sockscope_sequence_view_get_zoom (diagram), ==, 3.0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-reset", NULL);
  g_assert_cmpfloat (sockscope_sequence_view_get_zoom (diagram), ==, 1.0);

  press (window, "Escape");
  g_assert_false (sockscope_window_get_presenter (window));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (window), "presenter"));
  g_assert_cmpfloat (sockscope_sequence_view_get_zoom (diagram), ==, 1.0);
  spin (300);
  g_assert_true (gtk_widget_get_mapped (lesson_pane));

  g_settings_reset (settings, "default-zoom");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (100);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  g_autofree char *data_home = g_dir_make_tmp ("sockscope-window-XXXXXX", NULL);

  /* Runs are recorded: into a folder of this test's, before GLib reads the variable. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* As main.c does: the app's catalogs, for the language test. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, sockscope_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (&argc, &argv, NULL);
  /* Criticals stay fatal; warnings are not, because GTK 4.8 warns when a scrollable's
   * adjustments change while it is allocated (the diagram following the newest arrow). */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  adw_init ();
  app = sockscope_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  g_test_add_func ("/window/tcp-handshake", test_tcp_handshake);
  g_test_add_func ("/window/udp-echo", test_udp_echo);
  g_test_add_func ("/window/presenter", test_presenter);
  g_test_add_func ("/window/language", test_language);
  return g_test_run ();
}
