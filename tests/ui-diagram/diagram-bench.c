/* diagram-bench.c: frame time of the sequence diagram scrolling through 100,000 items, in a
 * 1600x1000 window. Run as tests/ui/ui-env build/tests/ui-diagram/diagram-bench.
 *
 * A frame's time is the work the frame clock does for it, from its before-paint phase (events,
 * tick callbacks) to the end of after-paint (layout, snapshot, rendering). The interval between
 * frame times is printed too, but under Xvfb it is paced at 60 Hz so it cannot go below 16.7 ms.
 *
 * SOCKSCOPE_BENCH_BLANK=1 measures the floor instead: the same window showing only a drawing
 * area that fills itself with another colour every frame (what any frame costs the display
 * path, whatever it shows). */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench-stats.h"

#include "sockscope-sequence-view.h"

#define N_ITEMS   100000
#define N_FRAMES  600
#define N_WARMUP  10

typedef struct
{
  GtkWidget     *view;
  GtkAdjustment *adjustment;
  GdkFrameClock *clock;
  GArray        *work_ms;
  GArray        *interval_ms;
  gint64         frame_start;
  gint64         last_frame_time;
  guint          frame;
  gboolean       done;
} Bench;

static void
before_paint (GdkFrameClock *clock,
              Bench         *bench)
{
  bench->frame_start = g_get_monotonic_time ();
}

static void
after_paint (GdkFrameClock *clock,
             Bench         *bench)
{
  gint64 frame_time = gdk_frame_clock_get_frame_time (clock);

  if (bench->frame > N_WARMUP && bench->frame <= N_WARMUP + N_FRAMES)
    {
      double work = (g_get_monotonic_time () - bench->frame_start) / 1000.0;
      double interval = (frame_time - bench->last_frame_time) / 1000.0;

      g_array_append_val (bench->work_ms, work);
      g_array_append_val (bench->interval_ms, interval);
    }
  bench->last_frame_time = frame_time;
}

/* Each frame scrolls by a different, large step, so every frame shows rows it has never drawn
 * (blank: each frame repaints the whole drawing area). */
static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  Bench *bench = data;

  bench->frame++;
  if (bench->frame > N_WARMUP + N_FRAMES)
    {
      bench->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  if (bench->adjustment == NULL)
    gtk_widget_queue_draw (widget);
  else
    {
      double range = gtk_adjustment_get_upper (bench->adjustment) - gtk_adjustment_get_page_size (bench->adjustment);

      gtk_adjustment_set_value (bench->adjustment, range * (bench->frame % N_FRAMES) / N_FRAMES);
    }
  return G_SOURCE_CONTINUE;
}

static void
draw_blank (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  Bench *bench = data;

  cairo_set_source_rgb (cr, 0.2 + 0.6 * (bench->frame % 2), 0.5, 0.5);
  cairo_paint (cr);
}

static void
add_items (SockscopeSequenceView *view)
{
  guint seq = 1;
  guint recv_seq = 0;
  const char *env = g_getenv ("SOCKSCOPE_BENCH_ITEMS");
  guint n_items = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : N_ITEMS;

  sockscope_sequence_view_add_lifeline (view, "server", "server");
  sockscope_sequence_view_add_lifeline (view, "client", "client");
  for (guint i = 0; i < n_items; i++)
    {
      /* recv() returns five rows later, in log order: its activation bar crosses rows. */
      if (recv_seq != 0 && seq > recv_seq + 8)
        {
          sockscope_sequence_view_set_call_result (view, recv_seq, seq - 1, seq - 1, "= 11", FALSE);
          recv_seq = 0;
        }
      switch (i % 5)
        {
        case 0:
          sockscope_sequence_view_add_call (view, seq, seq, (i / 5) % 2, "send(4, \"hello world\", 11, 0)");
          sockscope_sequence_view_set_call_result (view, seq, seq + 1, seq + 1, "= 11", FALSE);
          break;
        case 1:
          sockscope_sequence_view_add_packet (view, seq, seq, (i / 5) % 2, 1 - (i / 5) % 2,
                                              "PSH,ACK seq=1 ack=1 len=11", seq - 2, FALSE);
          break;
        case 2:
          sockscope_sequence_view_add_packet (view, seq, seq, 1 - (i / 5) % 2, (i / 5) % 2,
                                              "ACK seq=1 ack=12 win=512", 0, TRUE);
          break;
        case 3:
          sockscope_sequence_view_add_state (view, seq, seq, (i / 5) % 2, "fd 4", "ESTAB");
          break;
        default:
          sockscope_sequence_view_add_call (view, seq, seq, 1 - (i / 5) % 2, "recv(4, buf, 100, 0)");
          sockscope_sequence_view_set_call_blocked (view, seq, seq + 1);
          recv_seq = seq;
          break;
        }
      seq += 2;
    }
}

static void
run_frames (Bench     *bench,
            GtkWidget *widget)
{
  bench->clock = gtk_widget_get_frame_clock (widget);
  bench->work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench->interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect (bench->clock, "before-paint", G_CALLBACK (before_paint), bench);
  g_signal_connect_after (bench->clock, "after-paint", G_CALLBACK (after_paint), bench);
  gtk_widget_add_tick_callback (widget, scroll_tick, bench, NULL);
  while (!bench->done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (bench->clock, bench);
}

static int
run_blank (Bench     *bench,
           GtkWidget *window,
           GtkWidget *area)
{
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (area))
    g_main_context_iteration (NULL, TRUE);
  run_frames (bench, area);
  printf ("BENCH ui_frame_median %.2f ms\n", bench_percentile (bench->work_ms, 0.5));
  printf ("BENCH ui_frame_p99 %.2f ms\n", bench_percentile (bench->work_ms, 0.99));
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (bench->work_ms);
  g_array_unref (bench->interval_ms);
  return EXIT_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  Bench bench = { 0 };
  GtkWidget *window, *scrolled;
  gint64 start;
  double add_s, snapshot_ms;
  g_autoptr(GArray) snapshot_times = g_array_new (FALSE, FALSE, sizeof (double));

  gtk_init ();
  adw_init ();

  window = gtk_window_new ();
  /* Full screen, as when projected: the window fills the (1600x1000) output, with no
   * client-side shadow for the software renderer to blur again every frame. */
  gtk_window_fullscreen (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  scrolled = gtk_scrolled_window_new ();
  bench.view = sockscope_sequence_view_new ();
  sockscope_sequence_view_set_animation_speed (SOCKSCOPE_SEQUENCE_VIEW (bench.view), 0);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), bench.view);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);

  if (g_getenv ("SOCKSCOPE_BENCH_BLANK") != NULL)
    {
      GtkWidget *area = gtk_drawing_area_new ();

      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_blank, &bench, NULL);
      gtk_window_set_child (GTK_WINDOW (window), area);
      return run_blank (&bench, window, area);
    }
  start = g_get_monotonic_time ();
  add_items (SOCKSCOPE_SEQUENCE_VIEW (bench.view));
  add_s = (g_get_monotonic_time () - start) / 1e6;

  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (bench.view))
    g_main_context_iteration (NULL, TRUE);

  bench.adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench.view));
  run_frames (&bench, bench.view);

  /* The diagram's own share of a frame: building its render nodes at each scroll position,
   * without the renderer (under Xvfb, Mesa's software rasteriser dominates a frame). */
  {
    double range = gtk_adjustment_get_upper (bench.adjustment) - gtk_adjustment_get_page_size (bench.adjustment);

    for (guint i = 0; i < N_FRAMES; i++)
      {
        GtkSnapshot *snapshot = gtk_snapshot_new ();
        GskRenderNode *node;
        gint64 t0;

        gtk_adjustment_set_value (bench.adjustment, range * ((i * 7919) % N_FRAMES) / N_FRAMES);
        t0 = g_get_monotonic_time ();
        GTK_WIDGET_GET_CLASS (bench.view)->snapshot (bench.view, snapshot);
        node = gtk_snapshot_free_to_node (snapshot);
        snapshot_ms = (g_get_monotonic_time () - t0) / 1000.0;
        g_array_append_val (snapshot_times, snapshot_ms);
        if (node != NULL)
          gsk_render_node_unref (node);
      }
  }

  if (bench.work_ms->len == 0)
    {
      fprintf (stderr, "diagram-bench: no frame was measured\n");
      return EXIT_FAILURE;
    }
  printf ("BENCH ui_diagram_add_100k %.1f ms\n", add_s * 1000);
  printf ("BENCH ui_frame_median %.2f ms\n", bench_percentile (bench.work_ms, 0.5));
  printf ("BENCH ui_frame_p99 %.2f ms\n", bench_percentile (bench.work_ms, 0.99));
  printf ("BENCH ui_snapshot_median %.3f ms\n", bench_percentile (snapshot_times, 0.5));
  printf ("BENCH ui_snapshot_p99 %.3f ms\n", bench_percentile (snapshot_times, 0.99));
  printf ("BENCH ui_frame_interval_median %.2f ms\n", bench_percentile (bench.interval_ms, 0.5));
  printf ("BENCH ui_frame_interval_p99 %.2f ms\n", bench_percentile (bench.interval_ms, 0.99));

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (bench.work_ms);
  g_array_unref (bench.interval_ms);
  return EXIT_SUCCESS;
}
