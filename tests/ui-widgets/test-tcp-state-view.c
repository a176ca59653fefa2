/* test-tcp-state-view.c: the TCP state machine, drawn in a real window. */
#include "config.h"

#include "sockscope-tcp-state-view.h"
#include "test-util.h"

static const char *states[] = {
  "CLOSED", "LISTEN", "SYN-RECV", "SYN-SENT", "ESTAB", "FIN-WAIT-1", "FIN-WAIT-2",
  "CLOSING", "TIME-WAIT", "CLOSE-WAIT", "LAST-ACK",
};

static graphene_rect_t
box (SockscopeTcpStateView *view,
     const char            *state)
{
  graphene_rect_t r;

  g_assert_true (sockscope_tcp_state_view_get_state_box (view, state, &r));
  return r;
}

static void
assert_layout (SockscopeTcpStateView *view)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (GTK_WIDGET (view)),
                                               gtk_widget_get_height (GTK_WIDGET (view)));

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      graphene_rect_t a = box (view, states[i]);

      g_assert_true (graphene_rect_contains_rect (&bounds, &a));
      for (guint j = i + 1; j < G_N_ELEMENTS (states); j++)
        {
          graphene_rect_t b = box (view, states[j]);

          if (graphene_rect_intersection (&a, &b, NULL))
            g_error ("%s and %s overlap", states[i], states[j]);
        }
    }

  /* As textbooks draw it: opening from the top, ESTABLISHED in the middle, active close on the
   * left, passive close on the right. */
  g_assert_cmpfloat (box (view, "CLOSED").origin.y, <, box (view, "LISTEN").origin.y);
  g_assert_cmpfloat (box (view, "LISTEN").origin.y, <, box (view, "ESTAB").origin.y);
  g_assert_cmpfloat (box (view, "SYN-RECV").origin.x, <, box (view, "ESTAB").origin.x);
  g_assert_cmpfloat (box (view, "SYN-SENT").origin.x, >, box (view, "ESTAB").origin.x);
  g_assert_cmpfloat (box (view, "FIN-WAIT-1").origin.y, >, box (view, "ESTAB").origin.y);
  g_assert_cmpfloat (box (view, "FIN-WAIT-1").origin.x, <, box (view, "ESTAB").origin.x);
  g_assert_cmpfloat (box (view, "FIN-WAIT-2").origin.y, >, box (view, "FIN-WAIT-1").origin.y);
  g_assert_cmpfloat (box (view, "CLOSE-WAIT").origin.x, >, box (view, "ESTAB").origin.x);
  g_assert_cmpfloat (box (view, "LAST-ACK").origin.y, >, box (view, "CLOSE-WAIT").origin.y);
}

static void
test_layout (void)
{
  SockscopeTcpStateView *view = SOCKSCOPE_TCP_STATE_VIEW (sockscope_tcp_state_view_new ());
  GtkWidget *window = test_show_in_window (GTK_WIDGET (view), 1000, 760);

  assert_layout (view);
  sockscope_tcp_state_view_set_state (view, "ESTAB", "SYN-SENT");
  test_screenshot (GTK_WIDGET (view), "tcp-state-machine");

  test_set_dark (TRUE);
  sockscope_tcp_state_view_set_state (view, "TIME-WAIT", "FIN-WAIT-2");
  test_screenshot (GTK_WIDGET (view), "tcp-state-machine-dark");
  test_set_dark (FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_zoom (void)
{
  SockscopeTcpStateView *view = SOCKSCOPE_TCP_STATE_VIEW (sockscope_tcp_state_view_new ());
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *window;
  graphene_rect_t at1, at3;
  int min1, min3;

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (view));
  window = test_show_in_window (scroll, 900, 700);
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &min1, NULL, NULL, NULL);
  at1 = box (view, "ESTAB");

  /* For a projector: bigger text needs bigger boxes, and the figure asks for the room; in a
   * pane smaller than that it scales down to fit, whole, rather than be cut. */
  g_object_set (view, "zoom", 3.0, NULL);
  test_wait_for_draw (GTK_WIDGET (view));
  gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, -1, &min3, NULL, NULL, NULL);
  at3 = box (view, "ESTAB");
  g_assert_cmpint (min3, >, 2 * min1);
  g_assert_cmpfloat (at3.size.height, >=, at1.size.height);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (view)), <=, gtk_widget_get_width (scroll));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (view)), <=, gtk_widget_get_height (scroll));
  at3 = box (view, "LAST-ACK");
  g_assert_cmpfloat (at3.origin.x + at3.size.width, <=, gtk_widget_get_width (GTK_WIDGET (view)));
  g_assert_cmpfloat (at3.origin.y + at3.size.height, <=, gtk_widget_get_height (GTK_WIDGET (view)));
  assert_layout (view);

  sockscope_tcp_state_view_set_state (view, "FIN-WAIT-1", "ESTAB");
  g_object_set (view, "zoom", 2.0, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1800, 1400);
  test_wait_for_draw (GTK_WIDGET (view));
  assert_layout (view);
  test_screenshot (scroll, "tcp-state-machine-zoom2");

  sockscope_tcp_state_view_set_zoom (view, 7.0);
  g_assert_cmpfloat (sockscope_tcp_state_view_get_zoom (view), ==, 3.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_state (void)
{
  SockscopeTcpStateView *view = SOCKSCOPE_TCP_STATE_VIEW (sockscope_tcp_state_view_new ());
  GtkWidget *window = test_show_in_window (GTK_WIDGET (view), 1000, 760);
  graphene_rect_t r;

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "TCP state machine");
  g_assert_null (sockscope_tcp_state_view_get_state (view));

  sockscope_tcp_state_view_set_state (view, "ESTAB", "SYN-SENT");
  g_assert_cmpstr (sockscope_tcp_state_view_get_state (view), ==, "ESTAB");
  g_assert_cmpstr (sockscope_tcp_state_view_get_previous (view), ==, "SYN-SENT");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Current state: ESTABLISHED (from SYN-SENT)");

  /* RFC spellings are understood and reported the way ss prints them. */
  sockscope_tcp_state_view_set_state (view, "syn_received", "listen");
  g_assert_cmpstr (sockscope_tcp_state_view_get_state (view), ==, "SYN-RECV");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Current state: SYN-RECEIVED (from LISTEN)");

  sockscope_tcp_state_view_set_state (view, "LISTEN", NULL);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "Current state: LISTEN");

  /* A name that is not a TCP state shows no state, and does not crash. */
  sockscope_tcp_state_view_set_state (view, "UNCONN", "ESTAB");
  g_assert_null (sockscope_tcp_state_view_get_state (view));
  g_assert_null (sockscope_tcp_state_view_get_previous (view));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "No socket selected");
  g_assert_false (sockscope_tcp_state_view_get_state_box (view, "UNCONN", &r));
  test_wait_for_draw (GTK_WIDGET (view));

  sockscope_tcp_state_view_set_state (view, "CLOSED", "LAST-ACK");
  g_assert_cmpstr (sockscope_tcp_state_view_get_state (view), ==, "CLOSED");
  test_screenshot (GTK_WIDGET (view), "tcp-state-machine-closed");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
assert_title (SockscopeTcpStateView *view,
              const char            *state,
              const char            *previous,
              const char            *title)
{
  g_autofree char *text = NULL;

  sockscope_tcp_state_view_set_state (view, state, previous);
  text = sockscope_tcp_state_view_get_title (view);
  g_assert_cmpstr (text, ==, title);
}

/* Two samples that skip states: the machine moves along its edges, and says what it passed. */
static void
test_path (void)
{
  SockscopeTcpStateView *view = SOCKSCOPE_TCP_STATE_VIEW (sockscope_tcp_state_view_new ());
  GtkWidget *window = test_show_in_window (GTK_WIDGET (view), 1000, 760);
  g_autofree char *none = sockscope_tcp_state_view_get_title (view);

  g_assert_null (none);
  assert_title (view, "LISTEN", NULL, "LISTEN");
  assert_title (view, "ESTAB", "SYN-SENT", "SYN-SENT → ESTAB");
  /* The server's socket: sock_diag saw CLOSE-WAIT, then nothing (CLOSED). */
  assert_title (view, "CLOSED", "CLOSE-WAIT",
                "CLOSE-WAIT → LAST-ACK → CLOSED (LAST-ACK passed between two samples)");
  test_wait_for_draw (GTK_WIDGET (view));
  test_screenshot (GTK_WIDGET (view), "tcp-state-machine-path");
  /* The first closer: FIN-WAIT-1, its FIN acknowledged with the peer's FIN, TIME-WAIT: an edge. */
  assert_title (view, "TIME-WAIT", "FIN-WAIT-1", "FIN-WAIT-1 → TIME-WAIT");
  assert_title (view, "TIME-WAIT", "ESTAB",
                "ESTAB → FIN-WAIT-1 → TIME-WAIT (FIN-WAIT-1 passed between two samples)");
  /* Passive close all the way, by the usual server path rather than a simultaneous close. */
  assert_title (view, "CLOSED", "ESTAB",
                "ESTAB → CLOSE-WAIT → LAST-ACK → CLOSED (CLOSE-WAIT, LAST-ACK passed between two samples)");
  /* No edge leads back: the two states, nothing invented. */
  assert_title (view, "ESTAB", "TIME-WAIT", "TIME-WAIT → ESTAB");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add_func ("/tcp-state-view/layout", test_layout);
  g_test_add_func ("/tcp-state-view/zoom", test_zoom);
  g_test_add_func ("/tcp-state-view/state", test_state);
  g_test_add_func ("/tcp-state-view/path", test_path);
  return g_test_run ();
}
