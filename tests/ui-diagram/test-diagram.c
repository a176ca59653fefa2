/* test-diagram.c: SockscopeSequenceView in a real window (run under tests/ui/ui-env).
 * The handshake scenario is laid out as the event log of tcp-handshake would have it. */
#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "sockscope-screenshot.h"
#include "sockscope-sequence-view.h"

typedef struct
{
  GtkWidget             *window;
  GtkWidget             *scrolled;
  SockscopeSequenceView *view;
  guint                  last_signal;
  guint                  n_signals;
} Fixture;

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

/* Iterates until the view is mapped and n frames have gone through layout and paint. */
static void
wait_frames (Fixture *f,
             guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint frames = 0;
  guint id;

  while (!gtk_widget_get_mapped (GTK_WIDGET (f->view)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->view)));

  id = gtk_widget_add_tick_callback (GTK_WIDGET (f->view), count_frame, &frames, NULL);
  while (frames < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (GTK_WIDGET (f->view), id);
  g_assert_cmpuint (frames, >=, n);
}

static void
on_selected (SockscopeSequenceView *view,
             guint                  seq,
             Fixture               *f)
{
  f->last_signal = seq;
  f->n_signals++;
}

/* server: socket, bind, listen, accept (blocks); client: socket, connect → SYN, SYN-ACK, ACK;
 * connect and accept return; the client sends 5 bytes, the server's kernel ACKs them. */
static void
add_handshake (SockscopeSequenceView *view)
{
  const gint64 t = 1700000000000000000;

  sockscope_sequence_view_add_lifeline (view, "server", "server");
  sockscope_sequence_view_add_lifeline (view, "client", "client");

  sockscope_sequence_view_add_call (view, 2, t, 0, "socket(AF_INET, SOCK_STREAM, 0)");
  sockscope_sequence_view_set_call_result (view, 2, 3, t + 20000, "= 3", FALSE);
  sockscope_sequence_view_add_call (view, 4, t + 40000, 0, "bind(3, 127.0.0.1:7777)");
  sockscope_sequence_view_set_call_result (view, 4, 5, t + 50000, "= 0", FALSE);
  sockscope_sequence_view_add_call (view, 6, t + 60000, 0, "listen(3, 5)");
  sockscope_sequence_view_set_call_result (view, 6, 7, t + 70000, "= 0", FALSE);
  sockscope_sequence_view_add_state (view, 8, t + 80000, 0, "fd 3", "LISTEN");
  sockscope_sequence_view_add_call (view, 9, t + 90000, 0, "accept(3)");
  sockscope_sequence_view_set_call_blocked (view, 9, 10);
  sockscope_sequence_view_add_call (view, 11, t + 200000, 1, "socket(AF_INET, SOCK_STREAM, 0)");
  sockscope_sequence_view_set_call_result (view, 11, 12, t + 210000, "= 3", FALSE);
  sockscope_sequence_view_add_call (view, 13, t + 300000, 1, "connect(3, 127.0.0.1:7777)");
  sockscope_sequence_view_add_packet (view, 14, t + 310000, 1, 0, "SYN seq=0 win=65495", 13, FALSE);
  sockscope_sequence_view_add_state (view, 15, t + 315000, 1, "fd 3", "SYN-SENT");
  sockscope_sequence_view_add_packet (view, 16, t + 320000, 0, 1, "SYN,ACK seq=0 ack=1 win=65483", 13, FALSE);
  sockscope_sequence_view_add_packet (view, 17, t + 330000, 1, 0, "ACK seq=1 ack=1 win=512", 13, FALSE);
  sockscope_sequence_view_add_state (view, 18, t + 335000, 1, "fd 3", "ESTAB");
  sockscope_sequence_view_set_call_result (view, 13, 19, t + 340000, "= 0", FALSE);
  sockscope_sequence_view_set_call_result (view, 9, 20, t + 350000, "= 4", FALSE);
  sockscope_sequence_view_add_state (view, 21, t + 360000, 0, "fd 4", "ESTAB");
  sockscope_sequence_view_add_call (view, 22, t + 400000, 1, "send(3, \"hello\", 5, 0)");
  sockscope_sequence_view_add_packet (view, 23, t + 410000, 1, 0, "PSH,ACK seq=1 ack=1 len=5", 22, FALSE);
  sockscope_sequence_view_set_call_result (view, 22, 24, t + 420000, "= 5", FALSE);
  sockscope_sequence_view_add_packet (view, 25, t + 450000, 0, 1, "ACK seq=1 ack=6 win=512", 0, TRUE);
}

static const struct
{
  guint       seq;
  const char *kind;
  const char *text;
  int         from, to;
} handshake[] = {
  { 2, "call", "socket(AF_INET, SOCK_STREAM, 0) = 3", 0, 0 },
  { 4, "call", "bind(3, 127.0.0.1:7777) = 0", 0, 0 },
  { 6, "call", "listen(3, 5) = 0", 0, 0 },
  { 8, "state", "fd 3 LISTEN", 0, 0 },
  { 9, "call", "accept(3)", 0, 0 },
  { 11, "call", "socket(AF_INET, SOCK_STREAM, 0) = 3", 1, 1 },
  { 13, "call", "connect(3, 127.0.0.1:7777)", 1, 1 },
  { 14, "packet", "SYN seq=0 win=65495", 1, 0 },
  { 15, "state", "fd 3 SYN-SENT", 1, 1 },
  { 16, "packet", "SYN,ACK seq=0 ack=1 win=65483", 0, 1 },
  { 17, "packet", "ACK seq=1 ack=1 win=512", 1, 0 },
  { 18, "state", "fd 3 ESTAB", 1, 1 },
  /* Rows came between these calls and their returns: each result is drawn where it returned. */
  { 19, "result", "← connect = 0", 1, 1 },
  { 20, "result", "← accept = 4", 0, 0 },
  { 21, "state", "fd 4 ESTAB", 0, 0 },
  { 22, "call", "send(3, \"hello\", 5, 0)", 1, 1 },
  { 23, "packet", "PSH,ACK seq=1 ack=1 len=5", 1, 0 },
  { 24, "result", "← send = 5", 1, 1 },
  { 25, "packet", "ACK seq=1 ack=6 win=512", 0, 1 },
};

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 1200);
  f->scrolled = gtk_scrolled_window_new ();
  f->view = SOCKSCOPE_SEQUENCE_VIEW (sockscope_sequence_view_new ());
  sockscope_sequence_view_set_animation_speed (f->view, 0);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (f->scrolled), GTK_WIDGET (f->view));
  gtk_window_set_child (GTK_WINDOW (f->window), f->scrolled);
  g_signal_connect (f->view, "selected", G_CALLBACK (on_selected), f);
  add_handshake (f->view);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_frames (f, 3);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
}

static GtkAdjustment *
vadjustment (Fixture *f)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f->view));
}

static void
test_items (Fixture       *f,
            gconstpointer  data)
{
  g_assert_cmpuint (sockscope_sequence_view_get_n_items (f->view), ==, G_N_ELEMENTS (handshake));
  g_assert_cmpuint (sockscope_sequence_view_get_n_visible (f->view), ==, G_N_ELEMENTS (handshake));
  g_assert_cmpuint (sockscope_sequence_view_get_n_lifelines (f->view), ==, 2);
  g_assert_cmpint (sockscope_sequence_view_find_lifeline (f->view, "client"), ==, 1);
  g_assert_cmpint (sockscope_sequence_view_find_lifeline (f->view, "nobody"), ==, -1);

  for (guint i = 0; i < G_N_ELEMENTS (handshake); i++)
    {
      guint seq;
      const char *kind, *text;
      int from, to;

      g_assert_true (sockscope_sequence_view_get_item (f->view, i, &seq, &kind, &text, &from, &to));
      g_assert_cmpuint (seq, ==, handshake[i].seq);
      g_assert_cmpstr (kind, ==, handshake[i].kind);
      g_assert_cmpstr (text, ==, handshake[i].text);
      g_assert_cmpint (from, ==, handshake[i].from);
      g_assert_cmpint (to, ==, handshake[i].to);
    }
  g_assert_false (sockscope_sequence_view_get_item (f->view, G_N_ELEMENTS (handshake),
                                                    NULL, NULL, NULL, NULL, NULL));
}

/* Every item answers the hit test at its own place; arrows cross the middle of the widget
 * (two lifelines, equal columns), and rows go down in log order. */
static void
test_geometry (Fixture       *f,
               gconstpointer  data)
{
  int width = gtk_widget_get_width (GTK_WIDGET (f->view));
  double previous_y = -1;

  for (guint i = 0; i < G_N_ELEMENTS (handshake); i++)
    {
      double x, y;

      g_assert_true (sockscope_sequence_view_get_item_point (f->view, handshake[i].seq, &x, &y));
      g_assert_cmpfloat (y, >, previous_y);
      previous_y = y;
      g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, x, y), ==, handshake[i].seq);
      if (g_str_equal (handshake[i].kind, "packet"))
        {
          g_assert_cmpfloat (fabs (x - width / 2.0), <, 7.0);  /* give or take half a bar */
          /* Near either end of the arrow too, not only in the middle. */
          g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, width * 0.3, y), ==, handshake[i].seq);
          g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, width * 0.7, y), ==, handshake[i].seq);
        }
      else
        {
          /* Boxes and tags sit on their lifeline, in the left or right half. */
          g_assert_cmpint (x < width / 2.0, ==, handshake[i].from == 0);
          /* Empty space beside them is nothing. */
          g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, handshake[i].from == 0 ? width - 5 : 5, y), ==, 0);
        }
    }

  /* The pinned header and the space under the last row are empty. */
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, width / 2.0, 5), ==, 0);
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, width / 2.0, previous_y + 200), ==, 0);
}

/* accept() blocked from its row until it returned, 9 rows later on its result's row: its
 * activation bar answers for it in the rows between, on its lifeline. */
static void
test_blocked_bar (Fixture       *f,
                  gconstpointer  data)
{
  double accept_x, accept_y, state_x, state_y, x, y;

  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 9, &accept_x, &accept_y));
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 15, &state_x, &state_y));
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, accept_x, state_y), ==, 9);
  /* After the return (row of seq 21) the bar has ended. */
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 22, &x, &y));
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, accept_x, y), ==, 0);
}

static GtkGesture *
click_gesture (GtkWidget *widget)
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

static void
test_click (Fixture       *f,
            gconstpointer  data)
{
  GtkGesture *click = click_gesture (GTK_WIDGET (f->view));
  double x, y;

  g_assert_nonnull (click);
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 16, &x, &y));
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_cmpuint (f->n_signals, ==, 1);
  g_assert_cmpuint (f->last_signal, ==, 16);
  g_assert_cmpuint (sockscope_sequence_view_get_selected (f->view), ==, 16);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (f->view)));

  /* Empty space selects nothing. */
  g_signal_emit_by_name (click, "pressed", 1, 5.0, y);
  g_assert_cmpuint (f->n_signals, ==, 2);
  g_assert_cmpuint (f->last_signal, ==, 0);
  g_assert_cmpuint (sockscope_sequence_view_get_selected (f->view), ==, 0);

  /* Selecting from code does not echo back as a user selection. */
  sockscope_sequence_view_select (f->view, 14);
  g_assert_cmpuint (f->n_signals, ==, 2);
  g_assert_cmpuint (sockscope_sequence_view_get_selected (f->view), ==, 14);
  sockscope_sequence_view_select (f->view, 10);  /* the blocked event is not an item */
  g_assert_cmpuint (sockscope_sequence_view_get_selected (f->view), ==, 0);
}

static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (f->view)));
  sockscope_sequence_view_select (f->view, 14);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "sequence.move", "i", 1));
  g_assert_cmpuint (f->last_signal, ==, 15);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "sequence.move", "i", 1));
  g_assert_cmpuint (sockscope_sequence_view_get_selected (f->view), ==, 16);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "sequence.move", "i", -1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "sequence.move", "i", -1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "sequence.move", "i", -1));
  g_assert_cmpuint (sockscope_sequence_view_get_selected (f->view), ==, 13);
  g_assert_cmpuint (f->n_signals, ==, 5);

  /* Stops at the ends. */
  sockscope_sequence_view_select (f->view, 25);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "sequence.move", "i", 1));
  g_assert_cmpuint (sockscope_sequence_view_get_selected (f->view), ==, 25);
}

static void
test_position (Fixture       *f,
               gconstpointer  data)
{
  double syn_x, syn_y, accept_x, accept_y;
  const char *text;

  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 16, &syn_x, &syn_y));
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 9, &accept_x, &accept_y));

  /* Just after the SYN: accept still blocked, connect still running, the rest not yet. */
  sockscope_sequence_view_set_position (f->view, 14);
  wait_frames (f, 2);
  g_assert_cmpuint (sockscope_sequence_view_get_n_items (f->view), ==, G_N_ELEMENTS (handshake));
  g_assert_cmpuint (sockscope_sequence_view_get_n_visible (f->view), ==, 8);
  g_assert_false (sockscope_sequence_view_get_item_point (f->view, 16, NULL, NULL));
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 14, &syn_x, &syn_y));
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, syn_x, syn_y), ==, 14);
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, syn_x, syn_y + 2 * (syn_y - accept_y)), ==, 0);
  g_assert_true (sockscope_sequence_view_get_item (f->view, 4, NULL, NULL, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "accept(3)");
  g_assert_true (sockscope_sequence_view_get_item (f->view, 6, NULL, NULL, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "connect(3, 127.0.0.1:7777)");

  /* A position between items (the blocked event) shows what was logged before it. */
  sockscope_sequence_view_set_position (f->view, 10);
  g_assert_cmpuint (sockscope_sequence_view_get_n_visible (f->view), ==, 5);

  sockscope_sequence_view_set_position (f->view, G_MAXUINT);
  wait_frames (f, 2);
  g_assert_cmpuint (sockscope_sequence_view_get_n_visible (f->view), ==, G_N_ELEMENTS (handshake));
  g_assert_true (sockscope_sequence_view_get_item (f->view, 4, NULL, NULL, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "accept(3)");
  g_assert_true (sockscope_sequence_view_get_item (f->view, 13, NULL, NULL, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "← accept = 4");
}

/* n rows from first_seq, seqs two apart so that each call returns (at seq + 1) before the next
 * row: a call, two packets (one each way), a state. */
static void
add_rows (SockscopeSequenceView *view,
          guint                  first_seq,
          guint                  n)
{
  for (guint i = 0; i < n; i++)
    {
      guint seq = first_seq + 2 * i;

      switch (i % 4)
        {
        case 0:
          sockscope_sequence_view_add_call (view, seq, seq * 1000, (i / 4) % 2, "send(4, \"ping\", 4, 0)");
          sockscope_sequence_view_set_call_result (view, seq, seq + 1, seq * 1000 + 500, "= 4", FALSE);
          break;
        case 3:
          /* A state that changes each time: the view draws a pill only on a change. */
          sockscope_sequence_view_add_state (view, seq, seq * 1000, 0, "fd 4", (i / 4) % 2 ? "ESTAB" : "CLOSE-WAIT");
          break;
        default:
          sockscope_sequence_view_add_packet (view, seq, seq * 1000, i % 2, 1 - i % 2,
                                              "PSH,ACK seq=1 ack=1 len=4", seq - 2 * (i % 4), FALSE);
        }
    }
}

static gboolean
at_bottom (GtkAdjustment *adj)
{
  return gtk_adjustment_get_value (adj) >= gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 1;
}

static void
test_follow (Fixture       *f,
             gconstpointer  data)
{
  GtkAdjustment *adj = vadjustment (f);
  double upper;

  g_assert_true (sockscope_sequence_view_get_follow (f->view));
  add_rows (f->view, 100, 200);
  wait_frames (f, 2);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, 3 * gtk_adjustment_get_page_size (adj));
  g_assert_true (at_bottom (adj));
  g_assert_true (sockscope_sequence_view_get_follow (f->view));

  /* The user scrolls up: the view stays where they are as items arrive. */
  gtk_adjustment_set_value (adj, 100);
  g_assert_false (sockscope_sequence_view_get_follow (f->view));
  upper = gtk_adjustment_get_upper (adj);
  add_rows (f->view, 500, 50);
  wait_frames (f, 2);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, upper);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), ==, 100);

  /* Back to the bottom: following again. */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  g_assert_true (sockscope_sequence_view_get_follow (f->view));
  add_rows (f->view, 600, 50);
  wait_frames (f, 2);
  g_assert_true (at_bottom (adj));

  /* The newest row is on screen and answers the hit test. */
  {
    double x, y;

    g_assert_true (sockscope_sequence_view_get_item_point (f->view, 698, &x, &y));
    g_assert_cmpfloat (y, <, gtk_widget_get_height (GTK_WIDGET (f->view)));
    g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, x, y), ==, 698);
  }
}

/* Selecting a row far off screen scrolls it into view. */
static void
test_select_scrolls (Fixture       *f,
                     gconstpointer  data)
{
  double x, y;

  add_rows (f->view, 100, 500);
  wait_frames (f, 2);
  sockscope_sequence_view_select (f->view, 2);
  wait_frames (f, 2);
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 2, &x, &y));
  g_assert_cmpfloat (y, >, 0);
  g_assert_cmpfloat (y, <, gtk_widget_get_height (GTK_WIDGET (f->view)));
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, x, y), ==, 2);
  g_assert_false (sockscope_sequence_view_get_follow (f->view));
}

static void
test_zoom (Fixture       *f,
           gconstpointer  data)
{
  double x1, ya, yb, x2, za, zb;

  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 14, &x1, &ya));
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 16, &x1, &yb));
  g_object_set (f->view, "zoom", 2.0, NULL);
  sockscope_sequence_view_select (f->view, 14);  /* taller than the window now: bring it back */
  wait_frames (f, 2);
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 14, &x2, &za));
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 16, &x2, &zb));
  /* Twice the text, at least twice the rows' height (more where labels now wrap). */
  g_assert_cmpfloat (zb - za, >=, 2 * (yb - ya) * 0.97);
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, x2, za), ==, 14);

  sockscope_sequence_view_set_zoom (f->view, 10.0);
  g_assert_cmpfloat (sockscope_sequence_view_get_zoom (f->view), ==, 4.0);
}

static void
test_error_result (Fixture       *f,
                   gconstpointer  data)
{
  const char *text, *kind;

  sockscope_sequence_view_add_call (f->view, 30, 0, 1, "connect(4, 127.0.0.1:9)");
  sockscope_sequence_view_add_packet (f->view, 31, 0, 1, 0, "SYN seq=0 win=65495", 30, FALSE);
  sockscope_sequence_view_add_packet (f->view, 32, 0, 0, 1, "RST,ACK seq=1 ack=1", 0, TRUE);
  sockscope_sequence_view_set_call_result (f->view, 30, 33, 0, "= -1 ECONNREFUSED", TRUE);
  sockscope_sequence_view_add_packet (f->view, 34, 0, -1, 0, "ICMP echo request", 0, TRUE);
  wait_frames (f, 2);
  g_assert_true (sockscope_sequence_view_get_item (f->view, G_N_ELEMENTS (handshake), NULL, NULL,
                                                   &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "connect(4, 127.0.0.1:9)");
  /* The refusal is drawn below the SYN and the RST that caused it. */
  g_assert_true (sockscope_sequence_view_get_item (f->view, G_N_ELEMENTS (handshake) + 3, NULL, &kind,
                                                   &text, NULL, NULL));
  g_assert_cmpstr (kind, ==, "result");
  g_assert_cmpstr (text, ==, "← connect = -1 ECONNREFUSED");

  /* Selecting a packet brings its cause along (drawn highlighted): check the signal path. */
  sockscope_sequence_view_select (f->view, 31);
  g_assert_cmpuint (sockscope_sequence_view_get_selected (f->view), ==, 31);
}

static void
test_many_items (Fixture       *f,
                 gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  double elapsed, x, y;

  add_rows (f->view, 100, 100000);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("100,000 items added in %.3f s", elapsed);
  g_assert_cmpfloat (elapsed, <, 1.0);

  start = g_get_monotonic_time ();
  wait_frames (f, 3);
  g_test_message ("3 frames at the end of 100,000 rows in %.3f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (sockscope_sequence_view_get_n_items (f->view), ==, 100000 + G_N_ELEMENTS (handshake));
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 200098, &x, &y));
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, x, y), ==, 200098);

  /* History in the middle of it: rows 100, 102... 100000, after the handshake. */
  sockscope_sequence_view_set_position (f->view, 100000);
  g_assert_cmpuint (sockscope_sequence_view_get_n_visible (f->view), ==, 49951 + G_N_ELEMENTS (handshake));
}

static gboolean
half_way (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A new arrow grows in over 300 ms / speed; it is complete (and hit-testable) afterwards. */
static void
test_animation (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;
  double x, y;

  sockscope_sequence_view_set_animation_speed (f->view, 0.5);
  sockscope_sequence_view_add_packet (f->view, 30, 0, 1, 0, "FIN,ACK seq=6 ack=1", 22, FALSE);
  g_timeout_add (300, half_way, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sockscope_screenshot_widget (f->window, "/tmp/sockscope-diagram-animation.png", &error));
  g_assert_no_error (error);
  wait_frames (f, 40);
  g_assert_true (sockscope_sequence_view_get_item_point (f->view, 30, &x, &y));
  g_assert_cmpuint (sockscope_sequence_view_item_at (f->view, x, y), ==, 30);
}

static void
save (Fixture    *f,
      const char *path)
{
  g_autoptr(GError) error = NULL;

  wait_frames (f, 2);
  g_assert_true (sockscope_screenshot_widget (f->window, path, &error));
  g_assert_no_error (error);
  g_test_message ("rendered %s", path);
}

/* Renders for people to look at: light, 200 % and dark, the handshake selected on the SYN-ACK;
 * and the first rows of the history halfway (accept blocked, connect running). */
static void
test_render (Fixture       *f,
             gconstpointer  data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 920);
  sockscope_sequence_view_select (f->view, 16);
  save (f, "/tmp/sockscope-diagram.png");

  sockscope_sequence_view_set_position (f->view, 14);
  save (f, "/tmp/sockscope-diagram-history.png");
  sockscope_sequence_view_set_position (f->view, G_MAXUINT);

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  save (f, "/tmp/sockscope-diagram-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_set_default_size (GTK_WINDOW (f->window), 1600, 1000);
  g_object_set (f->view, "zoom", 2.0, NULL);
  save (f, "/tmp/sockscope-diagram-zoom2.png");
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/diagram/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("items", test_items);
  ADD ("geometry", test_geometry);
  ADD ("blocked-bar", test_blocked_bar);
  ADD ("click", test_click);
  ADD ("keys", test_keys);
  ADD ("position", test_position);
  ADD ("follow", test_follow);
  ADD ("select-scrolls", test_select_scrolls);
  ADD ("zoom", test_zoom);
  ADD ("error-result", test_error_result);
  ADD ("many-items", test_many_items);
  ADD ("animation", test_animation);
  ADD ("render", test_render);
#undef ADD

  return g_test_run ();
}
