/* test-sequence-view.c: the ladder diagram with a forked child and a thread, in a real window:
 * a created actor's lifeline appears at its creation next to its parent's, ends at its exit,
 * and SIGCHLD goes from the child to the parent. */
#include "config.h"

#include "sockscope-sequence-view.h"
#include "test-util.h"

static double
item_x (SockscopeSequenceView *view,
        guint                  seq)
{
  double x = -1, y = -1;

  g_assert_true (sockscope_sequence_view_get_item_point (view, seq, &x, &y));
  g_test_message ("item %u at %.0f, %.0f", seq, x, y);
  /* What is drawn there is what a click there finds. */
  g_assert_cmpuint (sockscope_sequence_view_item_at (view, x, y), ==, seq);
  return x;
}

static void
test_children (void)
{
  SockscopeSequenceView *view = SOCKSCOPE_SEQUENCE_VIEW (sockscope_sequence_view_new ());
  guint server, worker, t1, client;
  gboolean ended = TRUE;
  double server_x, worker_x, client_x, t1_x, signal_x;

  g_object_set (view, "animation-speed", 0.0, NULL);
  /* Declared in lesson order: the children after the client. */
  server = sockscope_sequence_view_add_lifeline (view, "server", "Server");
  client = sockscope_sequence_view_add_lifeline (view, "client", "Client");
  worker = sockscope_sequence_view_add_child_lifeline (view, "worker", "Server child", (int) server, FALSE);
  t1 = sockscope_sequence_view_add_child_lifeline (view, "t1", "Thread", (int) server, TRUE);
  test_show_in_window (GTK_WIDGET (view), 1400, 800);

  sockscope_sequence_view_add_call (view, 1, 1, client, "socket(AF_INET, SOCK_STREAM, 0)");
  sockscope_sequence_view_set_call_result (view, 1, 2, 2, "= 3", FALSE);
  sockscope_sequence_view_add_call (view, 3, 3, server, "fork()");
  sockscope_sequence_view_add_spawn (view, 4, 4, worker, server, "fork()");
  sockscope_sequence_view_set_call_result (view, 3, 5, 5, "= 31", FALSE);
  sockscope_sequence_view_add_call (view, 6, 6, worker, "recv(4, 64, 0)");
  sockscope_sequence_view_set_call_result (view, 6, 7, 7, "= 5", FALSE);
  sockscope_sequence_view_add_call (view, 8, 8, worker, "exit(0)");
  sockscope_sequence_view_add_exit (view, 9, 9, worker, 8, "exited, status 0", FALSE);
  sockscope_sequence_view_add_signal (view, 10, 10, (int) worker, server, "SIGCHLD");
  sockscope_sequence_view_add_call (view, 11, 11, server, "pthread_create()");
  sockscope_sequence_view_add_spawn (view, 12, 12, t1, server, "pthread_create()");
  sockscope_sequence_view_set_call_result (view, 11, 13, 13, "= 1", FALSE);
  sockscope_sequence_view_add_call (view, 14, 14, t1, "pthread_exit()");
  sockscope_sequence_view_add_exit (view, 15, 15, t1, 14, "thread ended", FALSE);
  test_wait_for_draw (GTK_WIDGET (view));
  test_screenshot (GTK_WIDGET (view), "sequence-children");

  /* Columns: server, its child, its thread, then the client. */
  server_x = item_x (view, 3);
  worker_x = item_x (view, 6);
  t1_x = item_x (view, 14);
  client_x = item_x (view, 1);
  g_assert_cmpfloat (server_x, <, worker_x);
  g_assert_cmpfloat (worker_x, <, t1_x);
  g_assert_cmpfloat (t1_x, <, client_x);
  /* The child ended; SIGCHLD runs from it to its parent. */
  g_assert_true (sockscope_sequence_view_lifeline_shown (view, worker, &ended));
  g_assert_true (ended);
  signal_x = item_x (view, 10);
  g_assert_cmpfloat (signal_x, >, server_x);
  g_assert_cmpfloat (signal_x, <, worker_x);
  item_x (view, 9);
  /* One row per call (6), creation (2), end (2) and signal (1); a return is a row of its own
   * when a row came between it and its call: fork's and pthread_create's, after the creation. */
  g_assert_cmpuint (sockscope_sequence_view_get_n_items (view), ==, 13);
  {
    const char *kind = NULL, *text = NULL;
    int from = -1, to = -1;

    g_assert_true (sockscope_sequence_view_get_item (view, 3, NULL, &kind, &text, &from, &to));
    g_assert_cmpstr (kind, ==, "result");
    g_assert_cmpstr (text, ==, "← fork = 31");
    g_assert_cmpint (from, ==, (int) server);
    g_assert_true (sockscope_sequence_view_get_item (view, 6, NULL, &kind, &text, &from, &to));
    g_assert_cmpstr (kind, ==, "exit");
    g_assert_cmpstr (text, ==, "exited, status 0");
    g_assert_cmpint (from, ==, (int) worker);
    g_assert_true (sockscope_sequence_view_get_item (view, 7, NULL, &kind, &text, &from, &to));
    g_assert_cmpstr (kind, ==, "signal");
    g_assert_cmpstr (text, ==, "⚡ SIGCHLD");
    g_assert_cmpint (to, ==, (int) server);
  }

  /* Back before the fork: no column for the child or the thread, and the client moves left. */
  sockscope_sequence_view_set_position (view, 3);
  test_wait_for_draw (GTK_WIDGET (view));
  g_assert_false (sockscope_sequence_view_lifeline_shown (view, worker, NULL));
  g_assert_false (sockscope_sequence_view_lifeline_shown (view, t1, NULL));
  g_assert_cmpfloat (item_x (view, 3), <, item_x (view, 1));
  /* Between the fork and the exit: shown, not ended. */
  sockscope_sequence_view_set_position (view, 7);
  test_wait_for_draw (GTK_WIDGET (view));
  g_assert_true (sockscope_sequence_view_lifeline_shown (view, worker, &ended));
  g_assert_false (ended);
  g_assert_false (sockscope_sequence_view_lifeline_shown (view, t1, NULL));

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))));
}

/* Five actors in a pane 470 px wide (the window's at 1280×720): every lifeline has its column
 * in the pane, the headers do not overlap, a long call wraps instead of leaving the pane; a
 * state that did not change draws no pill; the overview fits every row. */
static void
test_fit (void)
{
  SockscopeSequenceView *view = SOCKSCOPE_SEQUENCE_VIEW (sockscope_sequence_view_new ());
  const char *labels[] = { "Watcher (main server)", "Executor 1 (child)", "Executor 2 (child)", "Client 1", "Client 2" };
  const SockscopeLayout *l;
  guint first, seq = 1, n_items, following;
  double previous_right = -1;

  g_object_set (view, "animation-speed", 0.0, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    sockscope_sequence_view_add_lifeline (view, labels[i], labels[i]);
  test_show_in_window (GTK_WIDGET (view), 470, 470);
  sockscope_sequence_view_add_call (view, seq++, 1, 0, "select(7, [3, 4, 5], NULL, NULL, NULL)");
  sockscope_sequence_view_set_call_result (view, 1, seq++, 2, "= 1 ready: c2", FALSE);
  test_wait_for_draw (GTK_WIDGET (view));
  /* The long select wraps rather than leaving the pane. */
  l = sockscope_sequence_view_get_layout (view, &first);
  g_assert_cmpuint (l->rows[0].n_lines, >=, 2);
  g_assert_cmpfloat (l->rows[0].box.x, >=, 0);
  g_assert_cmpfloat (l->rows[0].box.x + l->rows[0].box.width, <=, 470);
  for (guint i = 0; i < 30; i++)
    {
      sockscope_sequence_view_add_call (view, seq, seq, 3 + i % 2, "send(3, \"one\\n\", 4, 0)");
      sockscope_sequence_view_add_packet (view, seq + 1, seq + 1, 3 + i % 2, 1 + i % 2, "PSH,ACK seq=1 ack=1 len=4", seq, FALSE);
      sockscope_sequence_view_set_call_result (view, seq, seq + 2, seq + 2, "= 4", FALSE);
      sockscope_sequence_view_add_state (view, seq + 3, seq + 3, 3 + i % 2, "fd 3", "ESTAB");
      seq += 4;
    }
  test_wait_for_draw (GTK_WIDGET (view));
  n_items = sockscope_sequence_view_get_n_items (view);
  /* 1 select, 30 sends each with its packet and its result's row... and 2 pills, not 30. */
  g_assert_cmpuint (n_items, ==, 1 + 30 * 3 + 2);

  l = sockscope_sequence_view_get_layout (view, &first);
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      const SockscopeLayoutColumn *column = &l->columns[i];

      g_assert_true (column->shown);
      g_assert_cmpfloat (column->header.x, >=, 0);
      g_assert_cmpfloat (column->header.x + column->header.width, <=, 470);
      g_assert_cmpfloat (column->header.x, >, previous_right);
      previous_right = column->header.x + column->header.width;
    }
  for (guint i = 0; i < l->n_rows; i++)
    {
      g_assert_cmpfloat (l->rows[i].box.x, >=, 0);
      g_assert_cmpfloat (l->rows[i].box.x + l->rows[i].box.width, <=, 470);
      g_assert_cmpfloat (l->rows[i].box.y, >=, l->header_h);
    }
  /* Following: the newest row is the last laid out. */
  g_assert_cmpuint (first + l->n_rows, ==, n_items);
  g_assert_cmpuint (l->n_rows, <, n_items);
  following = l->n_rows;

  /* The overview: smaller text, more than twice the rows, the newest still last. */
  sockscope_sequence_view_set_overview (view, TRUE);
  test_wait_for_draw (GTK_WIDGET (view));
  l = sockscope_sequence_view_get_layout (view, &first);
  g_test_message ("following: %u rows; overview: %u rows at %.0f %%", following, l->n_rows, l->zoom * 100);
  g_assert_cmpuint (l->n_rows, >, 2 * following);
  g_assert_cmpuint (first + l->n_rows, ==, n_items);
  g_assert_cmpfloat (l->zoom, <, 1.0);
  test_screenshot (GTK_WIDGET (view), "sequence-overview");

  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))));
}

int
main (int argc, char **argv)
{
  test_ui_init (&argc, &argv);
  g_test_add_func ("/sequence-view/children", test_children);
  g_test_add_func ("/sequence-view/fit", test_fit);
  return g_test_run ();
}
