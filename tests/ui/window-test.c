/* window-test.c: the real window, under Xvfb, driven through its actions as a user would:
 * step lessons to the end and read what every pane shows. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "sockscope-application.h"
#include "sockscope-field-help.h"
#include "sockscope-hex-view.h"
#include "sockscope-locale.h"
#include "sockscope-screenshot.h"
#include "sockscope-text-cell.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

static SockscopeApplication *app;

static SockscopeWindow *
open_window (const char *lesson)
{
  SockscopeWindow *window = sockscope_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, lesson);
  ui_test_wait_for (window, sockscope_window_is_idle, 10000, "the lab to start");
  return window;
}

static void
next_step (SockscopeWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL));
  ui_test_spin (5);
  ui_test_wait_for (window, sockscope_window_is_idle, 10000, "the step to finish");
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

/* The row of the socket whose Actor and FD columns read so, or -1. */
static int
socket_row (SockscopeSocketsPane *sockets,
            const char           *actor,
            const char           *fd)
{
  for (guint i = 0; i < sockscope_sockets_pane_get_n_rows (sockets); i++)
    {
      g_autofree char *a = sockscope_sockets_pane_get_cell (sockets, i, "actor");
      g_autofree char *f = sockscope_sockets_pane_get_cell (sockets, i, "fd");

      if (g_strcmp0 (a, actor) == 0 && g_strcmp0 (f, fd) == 0)
        return (int) i;
    }
  return -1;
}

static gboolean window_shows (GtkWidget  *window,
                              const char *text);

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

/* The handshake as a student reads it in the packets pane: the list in words, the detail only
 * once a packet is selected, its tree from IP, its bytes in hex and ASCII. */
static void
check_packet_list (SockscopeWindow *window)
{
  SockscopePacketsPane *packets = sockscope_window_get_packets_pane (window);
  SockscopePacketDetail *detail = sockscope_packets_pane_get_detail (packets);
  SockscopeHexView *hex = SOCKSCOPE_HEX_VIEW (sockscope_packet_detail_get_hex_view (detail));
  const struct { const char *column, *text; } syn[] = {
    { "no", "1" }, { "time", "0.000000" }, { "from", "Client" }, { "to", "Server" },
    { "protocol", "TCP" }, { "flags", "SYN" }, { "info", "SYN, seq 0, window 64240" },
    { "cause", "Client: connect(3, 127.0.0.1:7777)" },
  };
  g_autofree char *synack = sockscope_packets_pane_get_cell (packets, 1, "info");
  g_autofree char *ack = sockscope_packets_pane_get_cell (packets, 2, "info");
  g_autofree char *ack_from = sockscope_packets_pane_get_cell (packets, 2, "from");
  g_autofree char *line = NULL;
  const char *id = NULL;
  gboolean expanded = TRUE;
  graphene_rect_t ascii;
  guint row;

  for (guint i = 0; i < G_N_ELEMENTS (syn); i++)
    {
      g_autofree char *text = sockscope_packets_pane_get_cell (packets, 0, syn[i].column);

      g_assert_cmpstr (text, ==, syn[i].text);
    }
  g_assert_cmpstr (synack, ==, "SYN, ACK, seq 0, ack 1, window 65160");
  g_assert_cmpstr (ack, ==, "ACK, seq 1, ack 1");
  g_assert_cmpstr (ack_from, ==, "Client");

  /* Nothing selected: the list has the pane's whole width, no detail. */
  sockscope_window_show_pane (window, "packets");
  ui_test_spin (100);
  g_assert_null (sockscope_packets_pane_get_empty_text (packets));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (detail)));
  g_assert_true (sockscope_packets_pane_get_column_visible (packets, "info"));
  g_assert_true (sockscope_packets_pane_get_column_visible (packets, "from"));

  /* The SYN clicked: the detail opens, from IP; Ethernet is one folded line, last. */
  g_assert_true (sockscope_packets_pane_select_row (packets, 0));
  ui_test_spin (200);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (detail)));
  g_assert_cmpstr (sockscope_packet_detail_get_row (detail, 0, &id, &expanded), ==, "Internet Protocol version 4");
  g_assert_cmpstr (id, ==, "ip");
  g_assert_cmpstr (sockscope_packet_detail_get_row (detail, 1, &id, &expanded), ==, "Transmission Control Protocol");
  g_assert_true (expanded);
  for (row = 2; sockscope_packet_detail_get_row (detail, row + 1, NULL, NULL) != NULL; row++)
    ;
  g_assert_cmpstr (sockscope_packet_detail_get_row (detail, row, &id, &expanded), ==, "Ethernet II");
  g_assert_false (expanded);
  /* Its bytes: hex and, on screen beside them, ASCII. */
  g_assert_true (sockscope_hex_view_get_byte_area (hex, 0, TRUE, &ascii));
  g_assert_cmpfloat (ascii.origin.x + ascii.size.width, <=, gtk_widget_get_width (GTK_WIDGET (hex)));
  line = sockscope_hex_view_get_line_text (hex, 0);
  g_assert_true (g_str_has_prefix (line, "0000  00 00 00 00"));
  g_assert_true (g_str_has_suffix (line, sockscope_hex_view_get_bytes_per_line (hex) == 16 ? "..............E." : "........"));
  g_assert_true (sockscope_packet_detail_select_field (detail, "tcp.dstport"));
  g_assert_cmpstr (sockscope_packet_detail_get_help (detail), ==, sockscope_field_help_lookup ("tcp.dstport"));

  /* Unselected: the detail gives its room back. */
  sockscope_packets_pane_select (packets, G_MAXUINT);
  ui_test_spin (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (detail)));
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
  ui_test_spin (300);
  g_source_remove (timer);
  /* A window waiting on the blocked call would stall until the test gave up; frames late on a
   * loaded machine are a speed matter, measured by bench/ (ui-bench), not here. */
  max_gap_ok = max_gap < 400 * 1000;
  g_test_message ("longest main-loop gap while accept() was blocked: %" G_GINT64_FORMAT " us", max_gap);
  g_assert_true (max_gap_ok);

  /* The handshake: SYN, SYN-ACK, ACK in the list and as arrows. */
  syn = find_packet_row (packets, "SYN", 0);
  g_assert_cmpint (syn, ==, 0);
  g_assert_cmpint (find_packet_row (packets, "SYN, ACK", 0), ==, 1);
  g_assert_cmpint (find_packet_row (packets, "ACK", 0), ==, 2);
  check_packet_list (window);
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

  /* Time order: accept is drawn where it started, blocked; what it gave back is drawn where it
   * returned, below the client's socket() and connect() and the handshake that woke it. */
  {
    int accept_row = -1, result_row = -1, connect_row = -1, syn_row = -1, ack_row = -1;

    for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
      {
        const char *kind = NULL, *text = NULL;
        guint seq;
        int from, to;

        sockscope_sequence_view_get_item (diagram, i, &seq, &kind, &text, &from, &to);
        if (g_str_equal (kind, "call") && g_str_has_prefix (text, "accept("))
          {
            accept_row = (int) i;
            g_assert_cmpstr (text, ==, "accept(3)");
          }
        else if (g_str_equal (kind, "result") && g_str_has_prefix (text, "← accept = 4 (127.0.0.1:"))
          result_row = (int) i;
        else if (g_str_equal (kind, "call") && g_str_has_prefix (text, "connect("))
          connect_row = (int) i;
        else if (g_str_equal (kind, "packet") && g_str_has_prefix (text, "SYN seq=0"))
          syn_row = (int) i;
        else if (g_str_equal (kind, "packet") && g_str_has_prefix (text, "ACK"))
          ack_row = (int) i;
      }
    g_test_message ("rows: accept %d, connect %d, SYN %d, ACK %d, accept's result %d",
                    accept_row, connect_row, syn_row, ack_row, result_row);
    g_assert_cmpint (accept_row, >=, 0);
    g_assert_cmpint (accept_row, <, connect_row);
    g_assert_cmpint (connect_row, <, syn_row);
    g_assert_cmpint (syn_row, <, ack_row);
    g_assert_cmpint (ack_row, <, result_row);
  }

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

  /* close(c): the client's connection outlives its descriptor, in its one row: no "client 3
   * ESTAB" left beside it. */
  while (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)) < 11)
    next_step (window);
  ui_test_spin (300);
  g_assert_false (has_socket_state (sockets, "client", "ESTAB"));
  g_assert_cmpint (socket_row (sockets, "client", "3, closed"), >=, 0);
  g_assert_true (has_socket_state (sockets, "server", "CLOSE-WAIT"));

  /* close(conn) with the server's socket selected: it leaves the table, and the machine shows
   * how it ended, along its edges (LAST-ACK is too short for the lab's samples to see). */
  sockscope_sockets_pane_select (sockets, "server", 4, NULL, NULL);
  next_step (window);
  ui_test_spin (300);
  g_assert_false (has_socket_state (sockets, NULL, "CLOSED"));
  g_assert_false (has_socket_state (sockets, "server", "CLOSE-WAIT"));
  g_assert_false (window_shows (GTK_WIDGET (window), "CLOSE-WAIT → CLOSED"));
  g_assert_true (window_shows (GTK_WIDGET (window),
                               "CLOSE-WAIT → LAST-ACK → CLOSED (LAST-ACK passed between two samples)") ||
                 window_shows (GTK_WIDGET (window), "LAST-ACK → CLOSED"));

  /* To the end: a FIN, and the first closer in TIME-WAIT, in the row of its closed fd. */
  while (!sockscope_window_is_done (window))
    next_step (window);
  ui_test_spin (400);
  g_assert_cmpint (find_packet_row (packets, "FIN, ACK", 0), >=, 0);
  g_assert_true (has_socket_state (sockets, "client", "TIME-WAIT"));
  {
    int row = socket_row (sockets, "client", "3, closed");
    g_autofree char *state = NULL;

    g_assert_cmpint (row, >=, 0);
    state = sockscope_sockets_pane_get_cell (sockets, (guint) row, "state");
    g_assert_cmpstr (state, ==, "TIME-WAIT");
  }
  /* Every socket the server had is CLOSED, so gone: the client's TIME-WAIT is the one row. */
  g_assert_cmpuint (sockscope_sockets_pane_get_n_rows (sockets), ==, 1);

  /* Back in history hides what came later; Next brings it back. */
  events_live = sockscope_window_get_n_events (window);
  packets_live = sockscope_packets_pane_get_n_rows (packets);
  for (int i = 0; i < 6; i++)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  ui_test_spin (50);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), <, packets_live);
  g_assert_false (has_socket_state (sockets, NULL, "TIME-WAIT"));
  for (int i = 0; i < 20 && sockscope_packets_pane_get_n_rows (packets) < packets_live; i++)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL);
  ui_test_spin (50);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, packets_live);
  g_assert_cmpuint (sockscope_window_get_n_events (window), >=, events_live);

  /* Restart: a fresh lab, nothing shown, ready to step again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.restart", NULL));
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 0);
  ui_test_wait_for (window, sockscope_window_is_idle, 10000, "the lab to restart");
  g_assert_cmpuint (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)), ==, 0);
  next_step (window);
  g_assert_cmpuint (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

/* A lesson of Unix sockets sends no packet: the packets pane says so in one line. */
static void
test_unix_sockets (void)
{
  SockscopeWindow *window = open_window ("unix-sockets");
  SockscopePacketsPane *packets = sockscope_window_get_packets_pane (window);

  sockscope_window_show_pane (window, "packets");
  for (int i = 0; i < 6 && !sockscope_window_is_done (window); i++)
    next_step (window);
  ui_test_spin (100);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 0);
  g_assert_cmpstr (sockscope_packets_pane_get_empty_text (packets), ==,
                   "No packets in this lesson: Unix sockets carry their bytes inside the kernel, never over a network.");
  g_assert_false (sockscope_packets_pane_get_column_visible (packets, "info"));

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
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
  ui_test_spin (200);

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
  ui_test_spin (100);
}

/* ---- A recorded session ------------------------------------------------------------------- */

/* The SockscopeTextCell widgets under widget that show text, as a user sees the list. */
static void
collect_cell_texts (GtkWidget *widget,
                    GPtrArray *texts)
{
  if (SOCKSCOPE_IS_TEXT_CELL (widget) && gtk_widget_get_mapped (widget) &&
      sockscope_text_cell_get_text (SOCKSCOPE_TEXT_CELL (widget)) != NULL)
    g_ptr_array_add (texts, g_strdup (sockscope_text_cell_get_text (SOCKSCOPE_TEXT_CELL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_cell_texts (child, texts);
}

static gboolean
window_not_projecting (SockscopeWindow *window)
{

  return !sockscope_window_is_projecting (window) &&
         sockscope_packets_pane_get_n_rows (sockscope_window_get_packets_pane (window)) > 0;
}

/* A recorded session of 3,000 packets (bench/make-session: a real tcp-handshake run, its data
 * packets repeated) opened with no lab: the packet list grows with the projection, ends with
 * every packet, its cells show the packets' fields, and the history slider scrubs it. */
static void
test_session (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sockscope-session-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "3000.sockscope", NULL);
  g_autofree char *script = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "bench", "make-session", NULL);
  const char *argv[] = { script, path, "3000", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  SockscopeWindow *window;
  SockscopePacketsPane *packets;
  GtkAdjustment *history;
  int status = 0;
  guint first_seen = 0, n_events;
  gboolean syn_shown = FALSE, cause_shown = FALSE;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  window = sockscope_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  packets = sockscope_window_get_packets_pane (window);
  sockscope_window_show_pane (window, "packets");
  sockscope_window_open_file (window, path);
  /* While it is projected, the list shows part of it. */
  ui_test_wait_for (window, window_not_projecting, 60000, "the session to open");
  while (sockscope_window_is_projecting (window))
    {
      g_main_context_iteration (NULL, FALSE);
      if (first_seen == 0)
        first_seen = sockscope_packets_pane_get_n_rows (packets);
    }
  g_assert_null (sockscope_window_get_error (window));
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 3000);
  g_assert_cmpuint (first_seen, <=, 3000);
  ui_test_spin (200);

  /* The first packet is the client's SYN, caused by its connect(), and the cells on screen say
   * so. */
  {
    g_autofree char *flags = sockscope_packets_pane_get_cell (packets, 0, "flags");
    g_autofree char *proto = sockscope_packets_pane_get_cell (packets, 0, "protocol");
    g_autofree char *no = sockscope_packets_pane_get_cell (packets, 2999, "no");

    g_assert_cmpstr (flags, ==, "SYN");
    g_assert_cmpstr (proto, ==, "TCP");
    g_assert_cmpstr (no, ==, "3000");
  }
  collect_cell_texts (GTK_WIDGET (packets), texts);
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);

      syn_shown |= g_str_equal (text, "SYN, seq 0, window 65495") || g_str_equal (text, "SYN, seq 0, window 64240");
      cause_shown |= g_str_has_prefix (text, "Client: connect(");
    }
  g_assert_true (syn_shown);
  g_assert_true (cause_shown);

  /* Scrubbed back to the start: no packet; to the end again: all of them. */
  history = sockscope_lesson_pane_get_history (sockscope_window_get_lesson_pane (window));
  n_events = sockscope_window_get_n_events (window);
  gtk_adjustment_set_value (history, 0);
  ui_test_spin (50);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 0);
  gtk_adjustment_set_value (history, n_events);
  ui_test_spin (50);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 3000);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
  g_remove (path);
  g_rmdir (dir);
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

static gboolean
has_new_window (SockscopeWindow *old)
{
  SockscopeWindow *window = ui_test_only_window (app);

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
  ui_test_wait_for (window, has_new_window, 10000, "the window to reopen in French");
  french = ui_test_only_window (app);
  for (guint i = 0; i < G_N_ELEMENTS (french_labels); i++)
    {
      g_test_message ("looking for %s", french_labels[i]);
      g_assert_true (window_shows (GTK_WIDGET (french), french_labels[i]));
      g_assert_false (window_shows (GTK_WIDGET (french), english[i]));
    }
  /* The lesson follows: its actors' French labels head the diagram's lifelines. */
  g_assert_true (window_shows (GTK_WIDGET (french), "La poignée de main TCP, un échange et la fermeture"));

  g_settings_set_string (settings, "language", "");
  ui_test_wait_for (french, has_new_window, 10000, "the window to reopen in the desktop's language");
  window = ui_test_only_window (app);
  g_assert_true (window_shows (GTK_WIDGET (window), "_Next Step"));
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
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
              ui_test_spin (20);
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
  ui_test_spin (100);
  rows_at_1 = arrow_length (window);

  press (window, "F5");
  g_assert_true (sockscope_window_get_presenter (window));
  g_assert_cmpfloat (sockscope_sequence_view_get_zoom (diagram), ==, 2.0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "presenter"));
  ui_test_spin (300);
  g_assert_false (gtk_widget_get_mapped (lesson_pane) && gtk_widget_get_width (lesson_pane) > 10);
  g_assert_cmpfloat_with_epsilon (arrow_length (window), 2 * rows_at_1, 2.0);
  /* The band tells the step in the lesson's words. */
  g_assert_true (window_shows_prefix (GTK_WIDGET (window), "Step 4 of 13 · accept takes the next connection"));

  /* Keyboard only: the stepping keys and the zoom keys. */
  n = sockscope_window_get_n_events (window);
  press (window, "space");
  ui_test_wait_for (window, sockscope_window_is_idle, 10000, "the step to finish");
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
  ui_test_spin (300);
  g_assert_true (gtk_widget_get_mapped (lesson_pane));

  g_settings_reset (settings, "default-zoom");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

/* ---- Processes, threads, select, queues, Python: the fixture lesson tests/ui/lessons/ui-fork ---- */

/* SOCKSCOPE_TEST_SHOTS=DIR keeps pictures of the panes a test checked, to look at. */
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

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "tests", "ui", "lessons", name, NULL);
}

static void
step_to (SockscopeWindow *window,
         guint            step)
{
  SockscopeLessonPane *pane = sockscope_window_get_lesson_pane (window);

  while (sockscope_lesson_pane_get_position (pane) < step)
    next_step (window);
  g_assert_cmpuint (sockscope_lesson_pane_get_position (pane), ==, step);
}

/* The diagram item of a kind whose text starts with prefix, or FALSE. */
static gboolean
find_item (SockscopeSequenceView *diagram,
           const char            *kind,
           const char            *prefix,
           int                   *from,
           int                   *to)
{
  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      const char *k = NULL, *text = NULL;
      guint seq;

      sockscope_sequence_view_get_item (diagram, i, &seq, &k, &text, from, to);
      if (g_strcmp0 (k, kind) == 0 && (prefix == NULL || g_str_has_prefix (text, prefix)))
        return TRUE;
    }
  return FALSE;
}

static char *
socket_cell (SockscopeSocketsPane *sockets,
             const char           *state,
             const char           *local,
             const char           *column)
{
  for (guint i = 0; i < sockscope_sockets_pane_get_n_rows (sockets); i++)
    {
      g_autofree char *s = sockscope_sockets_pane_get_cell (sockets, i, "state");
      g_autofree char *l = sockscope_sockets_pane_get_cell (sockets, i, "local");

      if (g_strcmp0 (s, state) == 0 && g_strcmp0 (l, local) == 0)
        return sockscope_sockets_pane_get_cell (sockets, i, column);
    }
  return NULL;
}

/* Every level bar named name under widget, as drawn in the sockets table. */
static void
collect_bars (GtkWidget  *widget,
              const char *name,
              GPtrArray  *bars)
{
  if (GTK_IS_LEVEL_BAR (widget) && g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    g_ptr_array_add (bars, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_bars (child, name, bars);
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

static char *
current_line (SockscopeCodePane *code,
              const char        *actor,
              const char       **outcome)
{
  return sockscope_code_pane_get_line_text (code, actor, sockscope_code_pane_get_current_line (code, actor, outcome));
}

static void
test_fork (void)
{
  g_autofree char *path = fixture ("ui-fork.lesson");
  SockscopeWindow *window = open_window (path);
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  SockscopeSocketsPane *sockets = sockscope_window_get_sockets_pane (window);
  SockscopeCodePane *code = sockscope_window_get_code_pane (window);
  int worker = sockscope_sequence_view_find_lifeline (diagram, "worker");
  int server = sockscope_sequence_view_find_lifeline (diagram, "server");
  int t1 = sockscope_sequence_view_find_lifeline (diagram, "t1");
  g_autoptr(GPtrArray) bars = g_ptr_array_new ();
  g_autofree char *holders = NULL;
  g_autofree char *line = NULL;
  const char *outcome = NULL;
  gboolean ended = TRUE, found = FALSE;
  int from = -1, to = -1;

  g_assert_cmpint (worker, >=, 0);
  g_assert_cmpint (t1, >=, 0);
  /* Every actor has its code column, the child's and the thread's too (their functions). */
  line = sockscope_code_pane_get_line_text (code, "worker", 1);
  g_assert_nonnull (line);
  g_clear_pointer (&line, g_free);
  g_assert_nonnull ((line = sockscope_code_pane_get_line_text (code, "t1", 1)));
  g_clear_pointer (&line, g_free);
  /* Before the fork, no lifeline for the child. */
  step_to (window, 5);
  g_assert_false (sockscope_sequence_view_lifeline_shown (diagram, (guint) worker, NULL));
  g_assert_true (sockscope_sequence_view_lifeline_shown (diagram, (guint) server, NULL));

  /* select's ready set, in the diagram and beside the line of code. */
  step_to (window, 6);
  line = current_line (code, "server", &outcome);
  g_assert_true (strstr (line, "select") != NULL);
  g_assert_cmpstr (outcome, ==, "= 1 ready: s");
  g_assert_true (find_item (diagram, "call", "select(3) = 1 ready: s", NULL, NULL));
  g_clear_pointer (&line, g_free);

  /* fork: the child's lifeline appears, created by the server, and both hold the sockets. */
  step_to (window, 8);
  ui_test_spin (400);
  g_assert_true (sockscope_sequence_view_lifeline_shown (diagram, (guint) worker, &ended));
  g_assert_false (ended);
  g_assert_true (find_item (diagram, "spawn", "fork()", &from, &to));
  g_assert_cmpint (from, ==, server);
  g_assert_cmpint (to, ==, worker);
  holders = socket_cell (sockets, "ESTAB", "127.0.0.1:7777", "actor");
  g_assert_nonnull (holders);
  g_test_message ("holders of the connection after fork: %s", holders);
  g_assert_cmpstr (holders, ==, "server, worker");
  g_clear_pointer (&holders, g_free);

  /* The parent closes its copy: the child holds it alone; 5 bytes wait in its queue. */
  step_to (window, 10);
  ui_test_spin (400);
  holders = socket_cell (sockets, "ESTAB", "127.0.0.1:7777", "actor");
  g_assert_cmpstr (holders, ==, "worker");
  sockscope_window_show_pane (window, "sockets");
  ui_test_spin (200);
  collect_bars (GTK_WIDGET (sockets), "recv-queue", bars);
  /* One receive gauge per row (the side panel's has no name). */
  g_assert_cmpuint (bars->len, ==, sockscope_sockets_pane_get_n_rows (sockets));
  for (guint i = 0; i < bars->len; i++)
    {
      GtkLevelBar *bar = g_ptr_array_index (bars, i);
      const char *tip = gtk_widget_get_tooltip_text (GTK_WIDGET (bar));

      g_test_message ("gauge: %s (%g of %g)", tip, gtk_level_bar_get_value (bar), gtk_level_bar_get_max_value (bar));
      /* The gauge names its holder by the actor's label, as the Actor column does. */
      if (gtk_level_bar_get_value (bar) == 5 && g_str_has_prefix (tip, "Server child, fd 4: Receive queue: 5 bytes of "))
        {
          g_assert_cmpfloat (gtk_level_bar_get_max_value (bar), >=, 1024);
          found = TRUE;
        }
    }
  g_assert_true (found);
  g_ptr_array_set_size (bars, 0);
  collect_bars (GTK_WIDGET (sockets), "send-queue", bars);
  g_assert_cmpuint (bars->len, ==, sockscope_sockets_pane_get_n_rows (sockets));

  /* The child's line is highlighted in its own column. */
  step_to (window, 11);
  line = current_line (code, "worker", &outcome);
  g_assert_true (strstr (line, "recv(conn") != NULL);
  g_assert_true (g_str_has_prefix (outcome, "= 5"));
  g_clear_pointer (&line, g_free);

  /* C | Python: the same step highlighted in the Python program, and back. */
  g_assert_cmpstr (sockscope_code_pane_get_code_lang (code), ==, "c");
  /* A button activated from the keyboard clicks when its press animation ends. */
  gtk_widget_activate (find_button (GTK_WIDGET (code), "Python"));
  ui_test_spin (400);
  g_assert_cmpstr (sockscope_code_pane_get_code_lang (code), ==, "python");
  line = current_line (code, "worker", &outcome);
  g_test_message ("Python line: %s", line);
  g_assert_true (strstr (line, "n = conn.recv(64)") != NULL);
  g_assert_true (g_str_has_prefix (outcome, "= 5"));
  g_clear_pointer (&line, g_free);
  keep_shot (GTK_WIDGET (code), "python.png");
  /* A step taken in Python moves the Python highlight. */
  next_step (window);
  line = current_line (code, "worker", NULL);
  g_assert_true (strstr (line, "conn.send") != NULL);
  g_clear_pointer (&line, g_free);
  gtk_widget_activate (find_button (GTK_WIDGET (code), "C"));
  ui_test_spin (400);
  line = current_line (code, "worker", NULL);
  g_assert_true (strstr (line, "send(conn, buf64, n, 0);") != NULL);
  g_clear_pointer (&line, g_free);

  /* exit: the child's lifeline ends with its status; the parent gets SIGCHLD from it. */
  step_to (window, 14);
  ui_test_spin (400);
  g_assert_true (sockscope_sequence_view_lifeline_shown (diagram, (guint) worker, &ended));
  g_assert_true (ended);
  g_assert_true (find_item (diagram, "exit", "exited, status 0", &from, NULL));
  g_assert_cmpint (from, ==, worker);
  g_assert_true (find_item (diagram, "signal", "⚡ SIGCHLD", &from, &to));
  g_assert_cmpint (from, ==, worker);
  g_assert_cmpint (to, ==, server);
  g_free (current_line (code, "worker", &outcome));
  g_assert_cmpstr (outcome, ==, "exited, status 0");

  /* The thread: its own lifeline from pthread_create, ended by pthread_exit. */
  step_to (window, 16);
  g_assert_true (sockscope_sequence_view_lifeline_shown (diagram, (guint) t1, &ended));
  g_assert_false (ended);
  g_assert_true (find_item (diagram, "spawn", "pthread_create()", &from, &to));
  g_assert_cmpint (to, ==, t1);
  step_to (window, 18);
  g_assert_true (find_item (diagram, "exit", "thread ended", &from, NULL));
  g_assert_cmpint (from, ==, t1);

  /* Back in history before the fork: no child lifeline. */
  while (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)) > 7)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  ui_test_spin (50);
  g_assert_false (sockscope_sequence_view_lifeline_shown (diagram, (guint) worker, NULL));
  g_assert_false (sockscope_sequence_view_lifeline_shown (diagram, (guint) t1, NULL));

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

static guint ask_window_question;

static gboolean
verdict_given (SockscopeWindow *window)
{
  SockscopeVerdict v = sockscope_lesson_pane_get_verdict (sockscope_window_get_lesson_pane (window), NULL, NULL);

  return sockscope_window_is_idle (window) && v != SOCKSCOPE_VERDICT_NONE && v != SOCKSCOPE_VERDICT_PENDING;
}

static gboolean
question_shown (SockscopeWindow *window)
{
  return sockscope_window_is_idle (window) &&
         sockscope_lesson_pane_get_question (sockscope_window_get_lesson_pane (window)) == ask_window_question;
}

static void
test_questions (void)
{
  g_autofree char *path = fixture ("ui-ask.lesson");
  SockscopeWindow *window = open_window (path);
  SockscopeLessonPane *pane = sockscope_window_get_lesson_pane (window);
  const char *title = NULL, *detail = NULL;
  GtkWidget *button;

  /* Step 3 asks a question before it runs: the card, with its choices as buttons. */
  step_to (window, 2);
  ask_window_question = 3;
  ui_test_wait_for (window, question_shown, 5000, "the question of step 3");
  g_assert_cmpuint (sockscope_lesson_pane_get_verdict (pane, NULL, NULL), ==, SOCKSCOPE_VERDICT_NONE);
  keep_shot (GTK_WIDGET (pane), "question.png");

  /* Play pauses on it: the step does not run unanswered. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  ui_test_spin (1500);
  g_assert_cmpuint (sockscope_lesson_pane_get_position (pane), ==, 2);
  g_assert_cmpuint (sockscope_lesson_pane_get_question (pane), ==, 3);

  /* The right answer, by its button: the step runs, and once settled the verdict says so. */
  button = find_button (GTK_WIDGET (pane), "LISTEN");
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  ui_test_spin (5);
  ui_test_wait_for (window, verdict_given, 10000, "the verdict of step 3");
  g_assert_cmpuint (sockscope_lesson_pane_get_position (pane), ==, 3);
  g_assert_cmpuint (sockscope_lesson_pane_get_verdict (pane, &title, &detail), ==, SOCKSCOPE_VERDICT_RIGHT);
  g_test_message ("verdict: %s / %s", title, detail);
  g_assert_cmpstr (title, ==, "Right: LISTEN");
  g_assert_true (strstr (detail, "LISTEN") != NULL);
  g_assert_cmpuint (sockscope_lesson_pane_get_question (pane), ==, 0);
  keep_shot (GTK_WIDGET (pane), "verdict-right.png");

  /* A wrong answer, through the action: the kernel's answer and why. */
  next_step (window);
  ask_window_question = 5;
  ui_test_wait_for (window, question_shown, 5000, "the question of step 5");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.answer", "s", "0"));
  ui_test_spin (5);
  ui_test_wait_for (window, verdict_given, 10000, "the verdict of step 5");
  g_assert_cmpuint (sockscope_lesson_pane_get_verdict (pane, &title, &detail), ==, SOCKSCOPE_VERDICT_WRONG);
  g_test_message ("verdict: %s / %s", title, detail);
  g_assert_cmpstr (title, ==, "Not quite: you said 0");
  g_assert_true (g_str_has_prefix (detail, "The kernel says: -1 ECONNREFUSED. "));
  keep_shot (GTK_WIDGET (pane), "verdict-wrong.png");

  /* Next skips a question: the step runs, the kernel's answer is shown. */
  ask_window_question = 6;
  ui_test_wait_for (window, question_shown, 5000, "the question of step 6");
  next_step (window);
  ui_test_wait_for (window, verdict_given, 10000, "the verdict of step 6");
  g_assert_cmpuint (sockscope_lesson_pane_get_verdict (pane, &title, NULL), ==, SOCKSCOPE_VERDICT_SKIPPED);
  g_assert_cmpstr (title, ==, "Skipped. The kernel says: none");

  /* Back in history, the verdict of the step shown. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  ui_test_spin (50);
  g_assert_cmpuint (sockscope_lesson_pane_get_position (pane), ==, 5);
  g_assert_cmpuint (sockscope_lesson_pane_get_verdict (pane, NULL, NULL), ==, SOCKSCOPE_VERDICT_WRONG);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

/* ---- Sockets as the kernel has them --------------------------------------------------------- */

/* concurrent-fork to its end: each client closed first, so each client's connection is in
 * TIME-WAIT in the row of its closed fd; the workers' and the listener are CLOSED, so gone. */
static void
test_fork_sockets (void)
{
  SockscopeWindow *window = open_window ("concurrent-fork");
  SockscopeSocketsPane *sockets = sockscope_window_get_sockets_pane (window);
  const char *clients[] = { "client1", "client2" };

  while (!sockscope_window_is_done (window))
    next_step (window);
  ui_test_spin (400);
  for (guint i = 0; i < sockscope_sockets_pane_get_n_rows (sockets); i++)
    {
      g_autofree char *actor = sockscope_sockets_pane_get_cell (sockets, i, "actor");
      g_autofree char *fd = sockscope_sockets_pane_get_cell (sockets, i, "fd");
      g_autofree char *state = sockscope_sockets_pane_get_cell (sockets, i, "state");

      g_test_message ("socket row: %s | %s | %s", actor, fd, state);
      g_assert_cmpstr (state, !=, "ESTAB");
      g_assert_cmpstr (state, !=, "CLOSED");
    }
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      int row = socket_row (sockets, clients[i], "3, closed");
      g_autofree char *state = NULL;

      g_assert_cmpint (row, >=, 0);
      state = sockscope_sockets_pane_get_cell (sockets, (guint) row, "state");
      g_assert_cmpstr (state, ==, "TIME-WAIT");
    }
  g_assert_cmpuint (sockscope_sockets_pane_get_n_rows (sockets), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

/* ---- The diagram never blanks ------------------------------------------------------------- */

/* The diagram drawn as the window draws it, read back in pixels: every lifeline shown has its
 * header box and its dashes (or the boxes on it) in the column of its x. A diagram snapshotted
 * without an allocation draws nothing at all, whatever its items say. */
static void
assert_diagram_drawn (SockscopeWindow *window,
                      const char      *when)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  GtkWidget *widget = GTK_WIDGET (diagram);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  gsize stride = (gsize) width * 4;
  guint shown = 0;

  g_assert_cmpint (width, >, 200);
  g_assert_cmpint (height, >, 200);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    g_error ("%s: the diagram drew nothing", when);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);

  for (int lifeline = 0; lifeline < (int) sockscope_sequence_view_get_n_lifelines (diagram); lifeline++)
    {
      const guchar *bg = pixels + (gsize) (height - 3) * stride + 3 * 4;
      guint header = 0, line = 0, span = 0;
      double x;

      if (!sockscope_sequence_view_get_lifeline_x (diagram, lifeline, &x) || x < 2 || x > width - 3)
        continue;
      shown++;
      for (int y = 2; y < height - 2; y++)
        {
          gboolean ink = FALSE;

          for (int dx = -1; dx <= 1; dx++)
            {
              const guchar *p = pixels + (gsize) y * stride + ((int) x + dx) * 4;

              for (int c = 0; c < 3; c++)
                ink |= ABS ((int) p[c] - (int) bg[c]) > 24;
            }
          if (y < 60)
            header += ink;
          else
            {
              line += ink;
              span++;
            }
        }
      g_test_message ("%s: lifeline %d at x=%.0f: %u header pixels, %u of %u below", when, lifeline, x,
                      header, line, span);
      if (header < 10 || line < span / 6)
        g_error ("%s: lifeline %d is not drawn (%u header pixels, %u of %u below)", when, lifeline,
                 header, line, span);
    }
  g_assert_cmpuint (shown, >=, 2);
}

static void
diagram_stays_drawn (const char *style)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.sockscope.Sockscope");
  SockscopeWindow *window;
  SockscopeSequenceView *diagram;
  SockscopePacketsPane *packets;
  g_autofree char *when = NULL;
  guint n_packets = 0, second = 0;

  g_settings_set_string (settings, "style", style);
  window = sockscope_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1200);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, "tcp-handshake");
  ui_test_wait_for (window, sockscope_window_is_idle, 10000, "the lab to start");
  diagram = sockscope_window_get_diagram (window);
  packets = sockscope_window_get_packets_pane (window);
  sockscope_sequence_view_set_animation_speed (diagram, 1.0);

  /* Up to the handshake, then packet 2 clicked in the list, as a user does. */
  for (int i = 0; i < 6; i++)
    next_step (window);
  ui_test_spin (500);
  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram) && second == 0; i++)
    {
      const char *kind = NULL;
      guint seq;

      sockscope_sequence_view_get_item (diagram, i, &seq, &kind, NULL, NULL, NULL);
      if (g_str_equal (kind, "packet") && ++n_packets == 2)
        second = seq;
    }
  g_assert_cmpuint (second, >, 0);
  g_signal_emit_by_name (packets, "packet-selected", second - 1);
  ui_test_spin (600);
  when = g_strdup_printf ("%s, packet 2 clicked", style);
  assert_diagram_drawn (window, when);
  g_assert_cmpuint (sockscope_sequence_view_get_selected (diagram), ==, second);

  /* Play to the end. */
  g_settings_set_uint (settings, "play-interval-ms", 200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  ui_test_wait_for (window, sockscope_window_is_done, 30000, "Play to reach the end");
  ui_test_wait_for (window, sockscope_window_is_idle, 10000, "the last step to finish");
  ui_test_spin (800);
  g_clear_pointer (&when, g_free);
  when = g_strdup_printf ("%s, end of Play", style);
  assert_diagram_drawn (window, when);
  keep_shot (GTK_WIDGET (diagram), style[0] == 'd' ? "diagram-dark-end.png" : "diagram-light-end.png");

  g_settings_reset (settings, "play-interval-ms");
  g_settings_reset (settings, "style");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

static void
test_diagram_drawn (void)
{
  diagram_stays_drawn ("light");
  diagram_stays_drawn ("dark");
}

/* The newest toplevel other than @except, once it is on screen. */
static GtkWidget *
wait_for_dialog (GtkWidget *except)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
        {
          g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i - 1);

          if (w != except && gtk_widget_get_mapped (w))
            return w;
        }
      ui_test_spin (20);
    }
  g_error ("no dialog showed up");
  return NULL;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  if (ADW_IS_PREFERENCES_ROW (widget) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (has_label (c, text))
      return TRUE;
  return FALSE;
}

/* Preferences and Export open as real windows, with the rows a teacher looks for. */
static void
test_dialogs (void)
{
  SockscopeWindow *window = open_window ("udp-echo");
  GtkWidget *dialog;

  next_step (window);
  next_step (window);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  dialog = wait_for_dialog (GTK_WIDGET (window));
  g_assert_true (ADW_IS_PREFERENCES_WINDOW (dialog));
  g_assert_true (has_label (dialog, "Language"));
  g_assert_true (has_label (dialog, "Style"));
  keep_shot (dialog, "preferences.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_spin (50);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  dialog = wait_for_dialog (GTK_WIDGET (window));
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  keep_shot (dialog, "export.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-window-XXXXXX", NULL);

  /* Runs are recorded: into a folder of this test's, before GLib reads the variable. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* As main.c does: the app's catalogs, for the language test. */
  /* GTK and GLib warnings are fatal: "Trying to snapshot SockscopeSequenceView without a
   * current allocation" was a warning, and the diagram stayed blank after it. */
  app = ui_test_init (&argc, &argv, NULL);

  g_test_add_func ("/window/tcp-handshake", test_tcp_handshake);
  g_test_add_func ("/window/udp-echo", test_udp_echo);
  g_test_add_func ("/window/unix-sockets", test_unix_sockets);
  g_test_add_func ("/window/session", test_session);
  g_test_add_func ("/window/presenter", test_presenter);
  g_test_add_func ("/window/language", test_language);
  g_test_add_func ("/window/fork", test_fork);
  g_test_add_func ("/window/questions", test_questions);
  g_test_add_func ("/window/dialogs", test_dialogs);
  g_test_add_func ("/window/diagram-drawn", test_diagram_drawn);
  g_test_add_func ("/window/fork-sockets", test_fork_sockets);
  return g_test_run ();
}
