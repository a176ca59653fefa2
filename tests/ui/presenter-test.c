/* presenter-test.c: presenter mode at 200 % on a 1920×1080 projector, as the room sees a step:
 * the diagram shows the step from its first call and its first packet (tcp-retransmission step
 * 9: the segment the wire loses, not only the retransmission after it; concurrent-fork step 20),
 * the sockets page below takes no more than its table needs, and the band shows the step's
 * whole text. The step's events are read from the run's own session file (its log), the rows
 * from the diagram's layout; a step further back in the history is kept in view the same way. */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sockscope-event-log.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

static SockscopeApplication *app;

/* The log position of the first event of step whose type is type, or -1. */
static int
first_of_step (SockscopeEventLog  *log,
               int                 step,
               SockscopeEventType  type)
{
  for (guint i = 0; i < sockscope_event_log_get_n_events (log); i++)
    if (sockscope_event_log_get_step (log, i) == step && sockscope_event_log_get_event_type (log, i) == type)
      return (int) i;
  return -1;
}

/* The event with seq has its row wholly in the part of the diagram the room sees: under the
 * actors' headers, above the zoom buttons' band, inside the view. */
static void
assert_row_in_view (SockscopeSequenceView *diagram,
                    guint                  seq,
                    const char            *what)
{
  const SockscopeLayout *l;
  const SockscopeLayoutBox *box = NULL;
  double bottom = gtk_widget_get_height (GTK_WIDGET (diagram)) -
                  SOCKSCOPE_LAYOUT_BUTTONS_H * sockscope_sequence_view_get_zoom (diagram);
  guint first, index = G_MAXUINT;

  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      guint item_seq;

      sockscope_sequence_view_get_item (diagram, i, &item_seq, NULL, NULL, NULL, NULL);
      if (item_seq == seq)
        index = i;
    }
  g_assert_cmpuint (index, !=, G_MAXUINT);
  l = sockscope_sequence_view_get_layout (diagram, &first);
  if (index >= first && index - first < l->n_rows)
    box = &l->rows[index - first];
  g_test_message ("%s (seq %u, row %u): rows %u to %u laid out, its band %.0f to %.0f, the view's %.0f to %.0f",
                  what, seq, index, first, first + l->n_rows - 1, box ? box->y : -1, box ? box->y + box->height : -1,
                  l->header_h, bottom);
  g_assert_nonnull (box);
  g_assert_cmpfloat (box->y, >=, l->header_h - 0.5);
  g_assert_cmpfloat (box->y + box->height, <=, bottom + 0.5);
  g_assert_true (sockscope_sequence_view_get_item_point (diagram, seq, NULL, NULL));
}

/* The step's first call and first packet in view, as the log has them. */
static void
assert_step_in_view (SockscopeWindow   *window,
                     SockscopeEventLog *log,
                     int                step)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  int call = first_of_step (log, step, SOCKSCOPE_EVENT_CALL);
  int packet = first_of_step (log, step, SOCKSCOPE_EVENT_PACKET);

  g_assert_cmpint (call, >=, 0);
  assert_row_in_view (diagram, (guint) call + 1, "the step's call");
  if (packet >= 0)
    assert_row_in_view (diagram, (guint) packet + 1, "the step's first packet");
}

/* The band holds the step's whole text: not cut, not ellipsized, nothing scrolled out. */
static void
assert_band_whole (SockscopeWindow   *window,
                   SockscopeEventLog *log,
                   int                step)
{
  GtkLabel *band = sockscope_window_get_presenter_band (window);
  GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (band), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  int note = first_of_step (log, step, SOCKSCOPE_EVENT_NOTE);
  g_autofree char *text = NULL;
  graphene_rect_t r;
  int min_h = 0;

  g_assert_cmpint (note, >=, 0);
  text = sockscope_event_log_get_string (log, (guint) note, "text");
  g_assert_nonnull (text);
  /* Bounds and measures both hold the label's padding. */
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (band), GTK_WIDGET (band), &r));
  g_test_message ("band: %.0f×%.0f for %zu characters", r.size.width, r.size.height, strlen (text));
  g_assert_true (gtk_widget_get_mapped (scroller));
  g_assert_nonnull (strstr (gtk_label_get_text (band), text));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (band)));
  gtk_widget_measure (GTK_WIDGET (band), GTK_ORIENTATION_VERTICAL, (int) r.size.width, &min_h, NULL, NULL, NULL);
  g_assert_cmpfloat (r.size.height + 0.5, >=, min_h);
  g_assert_cmpfloat (gtk_adjustment_get_upper (v), <=, gtk_adjustment_get_page_size (v) + 1);
}

static void
check_step (const char *lesson,
            int         step,
            double      min_diagram_share)
{
  SockscopeWindow *window = sockscope_window_new (app);
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  GtkWidget *diagram = GTK_WIDGET (sockscope_window_get_diagram (window));
  GtkWidget *diagram_pane = gtk_widget_get_ancestor (diagram, GTK_TYPE_OVERLAY);
  g_autoptr(SockscopeEventLog) log = NULL;
  g_autoptr(GError) error = NULL;
  GtkAdjustment *history;
  double share;

  gtk_window_present (GTK_WINDOW (window));
  ui_test_resize (window, 1920, 1080);
  ui_test_prepare (window, lesson, (int) step);
  sockscope_window_set_no_fullscreen (window, TRUE);
  sockscope_window_set_presenter (window, TRUE);
  sockscope_window_set_presenter_zoom (window, 2.0);
  ui_test_spin (800);
  g_assert_cmpuint (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)), ==, (guint) step);
  g_assert_cmpfloat (sockscope_sequence_view_get_zoom (SOCKSCOPE_SEQUENCE_VIEW (diagram)), ==, 2.0);

  g_assert_nonnull (sockscope_window_get_session_path (window));
  log = sockscope_event_log_load (sockscope_window_get_session_path (window), NULL, &error);
  g_assert_no_error (error);

  assert_step_in_view (window, log, step);
  assert_band_whole (window, log, step);
  /* The page below is no taller than its table: the diagram has the rest. */
  share = gtk_widget_get_height (diagram_pane) / (double) gtk_widget_get_height (content);
  g_test_message ("the diagram: %.2f of the window's height", share);
  g_assert_cmpfloat (share, >=, min_diagram_share);

  /* Back in the history by two steps: that step is the one kept in view. */
  history = sockscope_lesson_pane_get_history (sockscope_window_get_lesson_pane (window));
  while (sockscope_lesson_pane_get_position (sockscope_window_get_lesson_pane (window)) > (guint) step - 2)
    {
      gtk_adjustment_set_value (history, gtk_adjustment_get_value (history) - 1);
      ui_test_spin (5);
    }
  ui_test_spin (400);
  assert_step_in_view (window, log, step - 2);
  assert_band_whole (window, log, step - 2);

  sockscope_window_set_presenter (window, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

/* Step 9 of tcp-retransmission: a long text (five lines at 200 %) and seven rows, the first
 * ones the segment the wire loses. */
static void
test_retransmission (void)
{
  check_step ("tcp-retransmission", 9, 0.6);
}

/* Step 20 of concurrent-fork: five actors and five sockets. */
static void
test_concurrent_fork (void)
{
  check_step ("concurrent-fork", 20, 0.6);
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-presenter-XXXXXX", NULL);

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  app = ui_test_init (&argc, &argv, "en");

  g_test_add_func ("/presenter/retransmission", test_retransmission);
  g_test_add_func ("/presenter/concurrent-fork", test_concurrent_fork);
  return g_test_run ();
}
