/* session-bench.c: a recorded session of 100,000 packets opened in the real window, then the
 * packet list and the diagram scrolled frame by frame. Run as
 *   tests/ui/ui-env build/tests/ui/session-bench FILE.session
 * (bench/ui-bench makes the file with bench/make-session).
 *
 * Prints BENCH lines: the time to open the session until every pane shows it, the longest
 * main-loop stall while it opens, and the packet list's frame work (before-paint to the end of
 * after-paint) over two scripted scrolls: a mouse wheel turned a notch a frame, and the
 * scrollbar dragged so that every frame jumps to rows it has not shown. GTK 4.8's list views
 * keep 200 rows bound around their anchor (GTK_LIST_VIEW_MAX_LIST_ITEMS), so a jump rebinds and
 * redraws 200 rows whatever the window's height; a wheel notch, the few rows it uncovers. */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench-stats.h"

#include "sockscope-application.h"
#include "sockscope-window-private.h"

#define N_FRAMES 300
#define N_WARMUP 10

typedef struct
{
  GtkAdjustment *adjustment;
  GArray        *work_ms;
  gint64         frame_start;
  guint          frame;
  gboolean       wheel;
  gboolean       done;
} Scroll;

typedef struct
{
  gint64 last;
  gint64 max_gap;
} Stall;

static gboolean
stall_tick (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  if (stall->last != 0)
    stall->max_gap = MAX (stall->max_gap, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static void
before_paint (GdkFrameClock *clock,
              Scroll        *scroll)
{
  scroll->frame_start = g_get_monotonic_time ();
}

static void
after_paint (GdkFrameClock *clock,
             Scroll        *scroll)
{
  if (scroll->frame > N_WARMUP && scroll->frame <= N_WARMUP + N_FRAMES)
    {
      double work = (g_get_monotonic_time () - scroll->frame_start) / 1000.0;

      g_array_append_val (scroll->work_ms, work);
    }
}

static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  Scroll *scroll = data;
  double range = gtk_adjustment_get_upper (scroll->adjustment) - gtk_adjustment_get_page_size (scroll->adjustment);

  scroll->frame++;
  if (scroll->frame > N_WARMUP + N_FRAMES)
    {
      scroll->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (scroll->wheel)
    {
      /* A mouse wheel turned one notch a frame, by GTK's own step for a page this high
       * (GtkScrolledWindow scrolls pow (page, 2/3) pixels a notch); wraps to the top. */
      double page = gtk_adjustment_get_page_size (scroll->adjustment);
      double value = gtk_adjustment_get_value (scroll->adjustment) + pow (page, 2.0 / 3.0);

      gtk_adjustment_set_value (scroll->adjustment, value > range ? 0 : value);
    }
  else
    {
      /* The scrollbar dragged: large, uneven steps, every frame shows rows it has not shown
       * before. */
      gtk_adjustment_set_value (scroll->adjustment, range * ((scroll->frame * 7919) % N_FRAMES) / N_FRAMES);
    }
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* Scrolls `scrollable` (shown in the window) N_FRAMES frames; prints its p99 and median. */
static void
bench_scroll (GtkWidget  *scrollable,
              const char *name,
              gboolean    wheel)
{
  Scroll scroll = { 0 };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (scrollable);

  scroll.adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (scrollable));
  scroll.work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  scroll.wheel = wheel;
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint), &scroll);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint), &scroll);
  gtk_widget_add_tick_callback (scrollable, scroll_tick, &scroll, NULL);
  while (!scroll.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (clock, &scroll);

  printf ("BENCH %s_frame_median %.2f ms\n", name, bench_percentile (scroll.work_ms, 0.5));
  printf ("BENCH %s_frame_p99 %.2f ms\n", name, bench_percentile (scroll.work_ms, 0.99));
  g_array_unref (scroll.work_ms);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SockscopeApplication) app = NULL;
  SockscopeWindow *window;
  GtkWidget *list;
  Stall stall = { 0 };
  guint stall_id;
  gint64 start;

  if (argc != 2)
    {
      fprintf (stderr, "usage: session-bench FILE.session\n");
      return EXIT_FAILURE;
    }
  gtk_init ();
  adw_init ();
  app = sockscope_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);

  window = sockscope_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_fullscreen (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  spin (300);

  /* The packets pane is shown first: its first display (making the list, the field tree and
   * the hex view) is not the session's. */
  sockscope_window_show_pane (window, "packets");
  spin (300);
  stall_id = g_timeout_add (5, stall_tick, &stall);
  start = stall.last = g_get_monotonic_time ();
  sockscope_window_open_file (window, argv[1]);
  /* Blocking iterations, as the app's own loop runs (the 5 ms stall timer wakes them): a
   * spinning loop would take the core the session's loading thread needs. */
  while (sockscope_packets_pane_get_n_rows (sockscope_window_get_packets_pane (window)) == 0 &&
         g_get_monotonic_time () - start < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  printf ("BENCH ui_session_first_rows %.1f ms\n", (g_get_monotonic_time () - start) / 1000.0);
  while (sockscope_window_is_projecting (window) && g_get_monotonic_time () - start < 120 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  printf ("BENCH ui_session_open_100k %.1f ms\n", (g_get_monotonic_time () - start) / 1000.0);
  printf ("BENCH ui_session_rows %u rows\n",
          sockscope_packets_pane_get_n_rows (sockscope_window_get_packets_pane (window)));
  spin (500);
  printf ("BENCH ui_session_open_stall %.1f ms\n", stall.max_gap / 1000.0);
  g_source_remove (stall_id);

  list = find_descendant (GTK_WIDGET (sockscope_window_get_packets_pane (window)), GTK_TYPE_COLUMN_VIEW);
  if (list == NULL)
    {
      fprintf (stderr, "session-bench: the packets pane has no column view\n");
      return EXIT_FAILURE;
    }
  /* The diagram's frames over 100,000 items are diagram-bench's. */
  bench_scroll (list, "ui_packet_list_wheel", TRUE);
  bench_scroll (list, "ui_packet_list_drag", FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
  return EXIT_SUCCESS;
}
