/* wire-test.c: the window on a two-host session (tests/layout/wire-retransmission.sockscope, a
 * run of tests/layout/wire-retransmission.lesson recorded once), under Xvfb with GTK and GLib
 * warnings fatal: each host's band over its actors, the lost segment's arrow stopping on the
 * wire, the delayed one ending rows later, the duplicate's two arrows, the wire's notes, the
 * packet list's marks; in English at 1600×1000 and in French in presenter mode at 200 % on
 * 1920×1080. SOCKSCOPE_TEST_SHOTS=DIR keeps the pictures. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "sockscope-application.h"
#include "sockscope-locale.h"
#include "sockscope-screenshot.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

static SockscopeApplication *app;

static char *
session_path (void)
{
  return g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "tests", "layout", "wire-retransmission.sockscope", NULL);
}

static void
wait_opened (SockscopeWindow *window)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  ui_test_spin (50);
  while (sockscope_window_is_projecting (window) || sockscope_window_get_n_events (window) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
  g_assert_null (sockscope_window_get_error (window));
  ui_test_spin (300);
}

static void
resize (SockscopeWindow *window,
        int              width,
        int              height)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  for (int attempt = 0; attempt < 5; attempt++)
    {
      int w, h;

      ui_test_spin (250);
      if (gtk_widget_get_width (content) == width && gtk_widget_get_height (content) == height)
        break;
      gtk_window_get_default_size (GTK_WINDOW (window), &w, &h);
      gtk_window_set_default_size (GTK_WINDOW (window), w + width - gtk_widget_get_width (content),
                                   h + height - gtk_widget_get_height (content));
    }
  ui_test_spin (400);
}

/* History at the first packet event whose text holds what: it is the newest row. */
static void
show_packet (SockscopeWindow *window,
             const char      *what)
{
  GtkAdjustment *history = sockscope_lesson_pane_get_history (sockscope_window_get_lesson_pane (window));
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  guint n = sockscope_sequence_view_get_n_items (diagram), at = 0;

  gtk_adjustment_set_value (history, gtk_adjustment_get_upper (history));
  ui_test_spin (100);
  for (guint i = 0; i < n && at == 0; i++)
    {
      guint seq;
      const char *kind, *text;

      sockscope_sequence_view_get_item (diagram, i, &seq, &kind, &text, NULL, NULL);
      if (g_str_equal (kind, "packet") && strstr (text, what) != NULL)
        at = seq;
    }
  g_assert_cmpuint (at, >, 0);
  /* the wire's decision comes right after its packet */
  gtk_adjustment_set_value (history, at + 1);
  ui_test_spin (400);
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
  ui_test_spin (300);
  path = g_build_filename (dir, name, NULL);
  if (!sockscope_screenshot_widget (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), path, &error))
    g_error ("%s: %s", path, error->message);
}

/* The laid-out box of the diagram item whose text starts with prefix (the n-th such). */
static gboolean
find_box (SockscopeSequenceView *diagram,
          const char            *prefix,
          guint                  nth,
          SockscopeLayoutBox    *box,
          int                   *from,
          int                   *to)
{
  guint first;
  const SockscopeLayout *l = sockscope_sequence_view_get_layout (diagram, &first);

  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      guint seq;
      const char *kind, *text;
      const SockscopeLayoutBox *laid;

      sockscope_sequence_view_get_item (diagram, i, &seq, &kind, &text, from, to);
      if (!g_str_has_prefix (text, prefix) || nth-- > 0)
        continue;
      g_assert_cmpuint (i, >=, first);
      g_assert_cmpuint (i - first, <, l->n_rows);
      laid = &l->rows[i - first];
      *box = *laid;
      return TRUE;
    }
  return FALSE;
}

/* Both hosts, a on the left; the lost segment's arrow from the client stopping on the wire. */
static void
check_lost (SockscopeWindow *window,
            const char      *lost)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  const SockscopeLayout *l = sockscope_sequence_view_get_layout (diagram, NULL);
  SockscopeLayoutBox box;
  double x_client, x_server;
  int from, to;
  g_autofree char *dropped = g_strdup_printf ("PSH,ACK seq=1 ack=1 len=6 · %s", lost);

  g_assert_cmpuint (l->n_hosts, ==, 2);
  {
    g_autofree char *alice = g_strjoinv (" ", l->hosts[0].lines);
    g_autofree char *bob = g_strjoinv (" ", l->hosts[1].lines);

    g_assert_cmpstr (alice, ==, "alice · 192.0.2.1");
    g_assert_cmpstr (bob, ==, "bob · 192.0.2.2");
  }
  /* in the layout's coordinates, as its boxes */
  x_client = l->columns[sockscope_sequence_view_find_lifeline (diagram, "client")].x;
  x_server = l->columns[sockscope_sequence_view_find_lifeline (diagram, "server")].x;
  g_assert_cmpfloat (x_client, <, l->wire_x);
  g_assert_cmpfloat (l->wire_x, <, x_server);
  g_assert_cmpfloat (l->hosts[0].band.x + l->hosts[0].band.width, <, l->wire_x);
  g_assert_cmpfloat (l->hosts[1].band.x, >, l->wire_x);

  g_assert_true (find_box (diagram, dropped, 0, &box, &from, &to));
  g_assert_true (box.cut);
  g_assert_cmpfloat (box.xa, >=, x_client - 1);
  g_assert_cmpfloat_with_epsilon (box.xb, l->wire_x, 0.5);
}

/* The kernel's retransmission crosses the wire (40 ms late) and reaches the server. */
static void
check_retransmission (SockscopeWindow *window)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  const SockscopeLayout *l = sockscope_sequence_view_get_layout (diagram, NULL);
  SockscopeLayoutBox box;
  int from, to;

  g_assert_true (find_box (diagram, "PSH,ACK seq=1 ack=1 len=6 (", 0, &box, &from, &to));
  g_assert_false (box.cut);
  g_assert_cmpfloat_with_epsilon (box.xb, l->columns[sockscope_sequence_view_find_lifeline (diagram, "server")].x, 12);
}

static void
check_delay (SockscopeWindow *window,
             const char      *copied)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  SockscopeLayoutBox first, second;
  int from, to;

  /* Delayed 40 ms: the arrow ends rows below its own (the copy's row is between). */
  g_assert_true (find_box (diagram, "PSH,ACK seq=7 ack=1 len=6 · ", 0, &first, &from, &to));
  g_assert_cmpfloat (first.yb, >, first.y + first.height);
  /* The duplicate: a second arrow between the same lifelines. */
  g_assert_true (find_box (diagram, copied, 0, &second, &from, &to));
  g_assert_true (second.arrow);
  g_assert_false (second.cut);
  g_assert_cmpfloat (second.ya, >, first.ya);
  g_assert_cmpfloat_with_epsilon (second.xb, first.xb, 1);
}

static void
test_wire_session (void)
{
  g_autofree char *path = session_path ();
  SockscopeWindow *window = sockscope_window_new (app);
  SockscopePacketsPane *packets = sockscope_window_get_packets_pane (window);
  gboolean note = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_file (window, path);
  wait_opened (window);
  /* A recorded session has no lab: no wire to break. */
  g_assert_false (gtk_widget_get_visible (sockscope_window_get_wire_button (window)));

  keep_shot (window, "wire-end.png");
  show_packet (window, "(copy)");
  check_delay (window, "PSH,ACK seq=7 ack=1 len=6 (copy)");
  for (guint i = 0; i < sockscope_sequence_view_get_n_items (sockscope_window_get_diagram (window)); i++)
    {
      const char *kind, *text;

      sockscope_sequence_view_get_item (sockscope_window_get_diagram (window), i, NULL, &kind, &text, NULL, NULL);
      note |= g_str_equal (kind, "wire") && g_str_equal (text, "wire: delay 40ms, dup next");
    }
  g_assert_true (note);

  /* The packet list: what the wire did comes first in Info. */
  {
    g_autofree char *lost = sockscope_packets_pane_get_cell (packets, 3, "info");
    g_autofree char *delayed = sockscope_packets_pane_get_cell (packets, 4, "info");

    g_assert_true (g_str_has_prefix (lost, "lost on the wire · "));
    g_assert_true (g_str_has_prefix (delayed, "delayed 44 ms, duplicated · "));
  }

  show_packet (window, "lost on the wire");
  check_lost (window, "lost on the wire");
  show_packet (window, "retransmission");
  keep_shot (window, "wire-retransmission.png");
  check_retransmission (window);
  /* The packet detail says it first; a packet the wire let through has no such row. */
  {
    SockscopePacketDetail *detail = sockscope_packets_pane_get_detail (packets);

    g_assert_true (sockscope_packets_pane_select_row (packets, 3));
    ui_test_spin (100);
    g_assert_cmpstr (sockscope_packet_detail_get_row (detail, 0, NULL, NULL), ==, "Wire");
    g_assert_true (sockscope_packets_pane_select_row (packets, 0));
    ui_test_spin (100);
    g_assert_cmpstr (sockscope_packet_detail_get_row (detail, 0, NULL, NULL), !=, "Wire");
  }
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

static gboolean
reopened (SockscopeWindow *old)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (SOCKSCOPE_IS_WINDOW (l->data) && l->data != old)
      return TRUE;
  return FALSE;
}

/* In French, in presenter mode at 200 % on 1920×1080: the same drawing, the marks translated. */
static void
test_wire_presenter_french (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.sockscope.Sockscope");
  g_autofree char *path = session_path ();
  SockscopeWindow *window = sockscope_window_new (app);
  gint64 deadline;

  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_file (window, path);
  wait_opened (window);
  g_settings_set_string (settings, "language", "fr");
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!reopened (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SOCKSCOPE_IS_WINDOW (l->data))
      window = l->data;
  gtk_window_present (GTK_WINDOW (window));
  resize (window, 1920, 1080);
  wait_opened (window);
  sockscope_window_set_presenter (window, TRUE);
  sockscope_window_set_presenter_zoom (window, 2.0);
  ui_test_spin (500);
  show_packet (window, "perdu sur le câble");
  keep_shot (window, "wire-retransmission-presenter-fr.png");
  check_lost (window, "perdu sur le câble");
  show_packet (window, "retransmission");
  check_retransmission (window);
  sockscope_window_set_presenter (window, FALSE);
  g_settings_set_string (settings, "language", "");
  ui_test_spin (500);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SOCKSCOPE_IS_WINDOW (l->data))
      gtk_window_destroy (GTK_WINDOW (l->data));
  ui_test_spin (100);
}

static gboolean
window_idle (SockscopeWindow *window)
{
  return sockscope_window_is_idle (window);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_drop_down (GtkWidget  *widget,
                const char *name)
{
  if (GTK_IS_DROP_DOWN (widget) && g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_drop_down (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The diagram's item of kind whose text starts with prefix, or NULL. */
static const char *
diagram_text (SockscopeWindow *window,
              const char      *kind,
              const char      *prefix,
              const char      *contains)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);

  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      const char *k, *text;

      sockscope_sequence_view_get_item (diagram, i, NULL, &k, &text, NULL, NULL);
      if (g_str_equal (k, kind) && g_str_has_prefix (text, prefix) && (contains == NULL || strstr (text, contains)))
        return text;
    }
  return NULL;
}

static const char *wanted_note;

static gboolean
syn_again (SockscopeWindow *window)
{
  return diagram_text (window, "packet", "SYN", "retransmission") != NULL;
}

static gboolean
note_shown (SockscopeWindow *window)
{
  return diagram_text (window, "wire", wanted_note, NULL) != NULL;
}

/* A real two-host run (tcp-retransmission): the panel is there, its button loses the client's
 * next packet (the SYN of connect, which the kernel sends again a second later), a loss rate
 * picked and the wire repaired: each change one command, one note on the diagram's wire. */
static void
test_wire_panel (void)
{
  SockscopeWindow *window = sockscope_window_new (app);
  SockscopeWirePanel *panel = sockscope_window_get_wire_panel (window);
  GtkWidget *lose, *loss;

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, "tcp-retransmission");
  ui_test_wait_for (window, window_idle, 20000, "the lab to start");
  g_assert_true (gtk_widget_get_visible (sockscope_window_get_wire_button (window)));

  lose = find_button (GTK_WIDGET (panel), "Lose the next packet →");
  loss = find_drop_down (GTK_WIDGET (panel), "loss=0%");
  g_assert_nonnull (lose);
  g_assert_nonnull (loss);
  g_assert_true (gtk_widget_get_sensitive (lose));

  /* Up to the client's socket (step 6), then the button, then connect. */
  while (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)) < 6)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL));
      ui_test_spin (5);
      ui_test_wait_for (window, window_idle, 20000, "a step to finish");
    }
  g_signal_emit_by_name (lose, "clicked");
  g_assert_cmpstr (sockscope_wire_panel_get_last_spec (panel), ==, "dir=a>b,drop=next");
  wanted_note = "wire: dir a → b, drop next";
  ui_test_wait_for (window, note_shown, 20000, "the wire's note");
  g_assert_cmpuint (sockscope_wire_panel_get_n_pending (panel), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL));
  ui_test_spin (5);
  /* The SYN lost on the wire (connect blocks), and the kernel's SYN again a second later. */
  ui_test_wait_for (window, syn_again, 20000, "the SYN sent again");
  ui_test_wait_for (window, window_idle, 20000, "connect to return");
  keep_shot (window, "wire-panel-syn-lost.png");
  g_assert_nonnull (diagram_text (window, "packet", "SYN", "· lost on the wire"));

  /* A loss rate, then the wire repaired. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (loss), 3);
  g_assert_cmpstr (sockscope_wire_panel_get_last_spec (panel), ==, "loss=20%");
  wanted_note = "wire: loss 20 %";
  ui_test_wait_for (window, note_shown, 20000, "the loss note");
  g_signal_emit_by_name (find_button (GTK_WIDGET (panel), "Repair the wire"), "clicked");
  g_assert_cmpstr (sockscope_wire_panel_get_last_spec (panel), ==, "clear");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (loss)), ==, 0);
  wanted_note = "wire: a perfect wire";
  ui_test_wait_for (window, note_shown, 20000, "the repair note");
  g_assert_true (g_str_has_prefix (sockscope_wire_panel_get_status (panel), "Sent: clear"));

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (200);
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-wire-XXXXXX", NULL);

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  app = ui_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire/session", test_wire_session);
  g_test_add_func ("/wire/presenter-french", test_wire_presenter_french);
  g_test_add_func ("/wire/panel", test_wire_panel);
  return g_test_run ();
}
