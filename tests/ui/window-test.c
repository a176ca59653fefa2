/* window-test.c: the real window, under Xvfb, driven through its actions as a user would:
 * step lessons to the end and read what every pane shows. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sockscope-application.h"
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

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

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
  return g_test_run ();
}
