/* test-layout.c: the diagram's layout (app/diagram/sockscope-layout.c) for every lesson, run
 * once in a real lab, with no display. At every step, in the diagram pane of the window at
 * 1280×720, 1600×1000 and 2560×1440, and in presenter mode at 200 % on 1920×1080, laid out as
 * the window's view lays it out while it follows the newest row: no two labels overlap, no box
 * is clipped by the pane (or hidden under the zoom buttons), and every lifeline that acts in
 * the step is on screen. Then every slide of the whole session's export: the same, at most
 * SOCKSCOPE_DIAGRAM_PER_SLIDE rows, text at 14 pt on the PDF page; and the overview at
 * 1600×1000, text no smaller than 45 %. The counts are printed; all must be 0. Two-host lessons
 * too (their host bands among the labels), and the wire's drawing on its own (/layout/wire) and
 * on a hand-made two-host session (/layout/wire-session). */
#include "config.h"

#include <glib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sockscope-diagram.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-runner.h"

/* The diagram pane the window gives the view at these window sizes, measured once from the
 * real window (`G_MESSAGES_DEBUG=all sockscope --screenshot … --lesson L --step N --size WxH`,
 * its "Sequence view allocated W×H" line) on 5 December 2026. It depends on the lesson: with
 * more than two actors the window gives the diagram more of the width. Measured with
 * tcp-handshake (2 actors), backlog (4) and concurrent-fork (5); a lesson is laid out in the
 * pane of its class. The view's font there is "Sans 13.333px" (10 pt at 96 dpi). */
static const struct
{
  const char *name;
  double      zoom;
  double      width[3], height[3];   /* 2 actors or fewer, 3 or 4, 5 or more */
} sizes[] = {
  { "1280x720", 1.0, { 327, 422, 471 }, { 471, 471, 471 } },
  { "1600x1000", 1.0, { 649, 608, 662 }, { 667, 667, 667 } },
  { "2560x1440", 1.0, { 1603, 1563, 1616 }, { 975, 975, 975 } },
  { "presenter-200%-1920x1080", 2.0, { 1152, 1151, 1151 }, { 662, 642, 662 } },
};

static guint
pane_class (SockscopeLesson *lesson)
{
  guint n = sockscope_lesson_get_n_actors (lesson);

  return n <= 2 ? 0 : n <= 4 ? 1 : 2;
}
#define VIEW_FONT "Sans 13.333px"

typedef struct
{
  guint layouts;
  guint overlaps;
  guint clipped;
  guint off_screen;
} Counts;

static const char *lesson_ids[] = {
  "tcp-handshake", "tcp-echo", "udp-echo", "stream-vs-datagram", "connection-refused", "byte-order",
  "names-and-ports", "blocking", "backlog", "flow-control", "shutdown-linger", "reuseaddr",
  "concurrent-fork", "concurrent-threads", "concurrent-select", "ipv6-dual-stack", "unix-sockets",
  "http-get", "tp-bonjour",
  /* two hosts and a wire */
  "udp-loss", "tcp-retransmission", "handshake-loss", "reorder-and-duplicate", "fragmentation",
  "bandwidth-delay",
};

static gboolean
overlap (const SockscopeLayoutRect *a,
         const SockscopeLayoutRect *b)
{
  const double slack = 0.5;

  return a->width > 0 && b->width > 0 &&
         a->x + slack < b->x + b->width && b->x + slack < a->x + a->width &&
         a->y + slack < b->y + b->height && b->y + slack < a->y + a->height;
}

/* Every label's rectangle: headers and their tags, each row's box and tag. */
static GArray *
label_rects (const SockscopeLayout *l)
{
  GArray *rects = g_array_new (FALSE, FALSE, sizeof (SockscopeLayoutRect));

  for (int i = -1; i < (int) l->n_columns; i++)
    {
      const SockscopeLayoutColumn *column = i < 0 ? &l->outside : &l->columns[i];

      if (!column->shown)
        continue;
      g_array_append_val (rects, column->header);
      if (column->tag.width > 0)
        g_array_append_val (rects, column->tag);
    }
  for (guint h = 0; h < l->n_hosts; h++)
    if (l->hosts[h].shown)
      g_array_append_val (rects, l->hosts[h].band);
  for (guint i = 0; i < l->n_rows; i++)
    {
      g_array_append_val (rects, l->rows[i].box);
      if (l->rows[i].tag.width > 0)
        g_array_append_val (rects, l->rows[i].tag);
    }
  return rects;
}

/* Overlapping pairs, and rectangles not wholly inside [x0, x0 + width] × [0, height]. */
static void
check_rects (const SockscopeLayout *l,
             double                 x0,
             double                 width,
             double                 height,
             Counts                *counts,
             const char            *where)
{
  g_autoptr(GArray) rects = label_rects (l);

  for (guint i = 0; i < rects->len; i++)
    {
      const SockscopeLayoutRect *a = &g_array_index (rects, SockscopeLayoutRect, i);

      if (a->x < x0 - 0.5 || a->x + a->width > x0 + width + 0.5 || a->y < -0.5 || a->y + a->height > height + 0.5)
        {
          counts->clipped++;
          g_test_message ("%s: clipped box %.0f,%.0f %.0f×%.0f (pane %.0f+%.0f × %.0f)", where, a->x, a->y,
                          a->width, a->height, x0, width, height);
        }
      for (guint j = i + 1; j < rects->len; j++)
        if (overlap (a, &g_array_index (rects, SockscopeLayoutRect, j)))
          {
            counts->overlaps++;
            g_test_message ("%s: boxes %u and %u overlap", where, i, j);
          }
    }
}

/* Where the view scrolls to: both ends of the current row in sight (as the view does). */
static double
view_hvalue (const SockscopeLayout *l,
             double                 width)
{
  double margin = l->line_h, hvalue = 0;

  if (l->focus_x0 < 0 || l->content_width <= width)
    return 0;
  if (l->focus_x1 - l->focus_x0 + 2 * margin > width)
    hvalue = l->focus_x0 - margin;
  else if (l->focus_x1 + margin > width)
    hvalue = l->focus_x1 + margin - width;
  return CLAMP (hvalue, 0, l->content_width - width);
}

static void
check_step (SockscopeLesson   *lesson,
            SockscopeEventLog *log,
            const char        *id,
            guint              step,
            guint              step_first,
            guint              step_last,
            Counts            *counts,
            Counts            *overview)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeDiagram) diagram = sockscope_diagram_new (lesson, log, "en", FALSE, 1, step_last, &error);

  g_assert_no_error (error);
  /* The overview at 1600×1000: smaller text, more rows, the same rules. */
  {
    guint k = pane_class (lesson);
    g_autofree char *where = g_strdup_printf ("%s step %u, overview at %s", id, step + 1, sizes[1].name);
    g_autoptr(SockscopeLayout) l = sockscope_diagram_layout_view (diagram, VIEW_FONT, sizes[1].width[k],
                                                                  sizes[1].height[k], 1.0, TRUE, NULL);

    overview->layouts++;
    g_assert_cmpfloat (l->zoom, >=, 0.45 - 1e-9);
    check_rects (l, view_hvalue (l, sizes[1].width[k]), sizes[1].width[k],
                 sizes[1].height[k] - SOCKSCOPE_LAYOUT_BUTTONS_H, overview, where);
  }
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      guint k = pane_class (lesson);
      double width = sizes[s].width[k];
      g_autofree char *where = g_strdup_printf ("%s step %u at %s (%.0f×%.0f)", id, step + 1, sizes[s].name,
                                                width, sizes[s].height[k]);
      guint first;
      g_autoptr(SockscopeLayout) l = sockscope_diagram_layout_view (diagram, VIEW_FONT, width,
                                                                    sizes[s].height[k], sizes[s].zoom, FALSE, &first);
      double height = sizes[s].height[k] - SOCKSCOPE_LAYOUT_BUTTONS_H * MAX (1.0, sizes[s].zoom);
      double hvalue = view_hvalue (l, width);

      counts->layouts++;
      check_rects (l, hvalue, width, height, counts, where);
      /* The lifelines the step's rows are drawn on. */
      for (guint i = 0; i < sockscope_diagram_get_n_rows (diagram); i++)
        {
          guint seq = sockscope_diagram_get_row_seq (diagram, i);
          int ends[2];

          if (seq < step_first || seq > step_last)
            continue;
          sockscope_diagram_get_row_ends (diagram, i, &ends[0], &ends[1]);
          for (guint e = 0; e < 2; e++)
            {
              const SockscopeLayoutColumn *column;

              if (ends[e] < 0)
                continue;
              column = &l->columns[ends[e]];
              if (!column->shown || column->x < hvalue || column->x > hvalue + width)
                {
                  counts->off_screen++;
                  g_test_message ("%s: lifeline %d of row %u is off screen", where, ends[e], i);
                }
            }
        }
    }
}

static void
check_slides (SockscopeLesson   *lesson,
              SockscopeEventLog *log,
              const char        *id,
              Counts            *counts,
              guint             *n_slides)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeDiagram) diagram = sockscope_diagram_new (lesson, log, "en", FALSE, 0, 0, &error);

  g_assert_no_error (error);
  *n_slides = sockscope_diagram_get_n_slides (diagram);
  /* 14 pt on a PDF page drawn at half the renderer's units. */
  g_assert_cmpfloat (sockscope_diagram_get_font_px (diagram), >=, 28.0);
  for (guint i = 0; i < *n_slides; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s slide %u", id, i + 1);
      guint first;
      g_autoptr(SockscopeLayout) l = sockscope_diagram_layout_slide (diagram, i, &first);

      counts->layouts++;
      g_assert_cmpfloat (l->zoom, ==, 1.0);
      g_assert_cmpuint (l->n_rows, <=, SOCKSCOPE_DIAGRAM_PER_SLIDE);
      check_rects (l, 0, SOCKSCOPE_DIAGRAM_WIDTH, SOCKSCOPE_DIAGRAM_HEIGHT * (1 - 0.085 - 0.035), counts, where);
    }
}

static void
test_lessons (void)
{
  Counts view = { 0 }, slides = { 0 }, overview = { 0 };

  for (guint k = 0; k < G_N_ELEMENTS (lesson_ids); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SockscopeLesson) lesson = sockscope_lesson_find (lesson_ids[k], &error);
      g_autoptr(SockscopeEventLog) log = sockscope_event_log_new ();
      g_autoptr(SockscopeLabClient) client = sockscope_lab_client_new ();
      g_autoptr(SockscopeRunner) runner = NULL;
      g_autofree guint *ends = NULL;
      guint n_steps, n_events, previous = 0, n_slides = 0;
      Counts before = view;

      g_assert_no_error (error);
      runner = sockscope_runner_new (lesson, client, log, "en");
      g_assert_true (sockscope_runner_run_to_end (runner, &error));
      g_assert_no_error (error);

      /* The last event of each step (log seqs from 1). */
      n_steps = sockscope_lesson_get_n_steps (lesson);
      n_events = sockscope_event_log_get_n_events (log);
      ends = g_new0 (guint, n_steps + 1);
      for (guint i = 0; i < n_events; i++)
        {
          int step = sockscope_event_log_get_step (log, i);

          if (step >= 0 && (guint) step < n_steps)
            ends[step] = i + 1;
        }
      for (guint step = 0; step < n_steps; step++)
        {
          if (ends[step] == 0)
            continue;
          check_step (lesson, log, lesson_ids[k], step, previous + 1, ends[step], &view, &overview);
          previous = ends[step];
        }
      check_slides (lesson, log, lesson_ids[k], &slides, &n_slides);
      g_print ("%-20s %2u steps x %zu sizes: %u overlaps, %u clipped, %u lifelines off screen; %u slides\n",
               lesson_ids[k], n_steps, G_N_ELEMENTS (sizes), view.overlaps - before.overlaps,
               view.clipped - before.clipped, view.off_screen - before.off_screen, n_slides);
    }
  g_print ("views: %u layouts, %u overlapping labels, %u clipped boxes, %u current lifelines off screen\n",
           view.layouts, view.overlaps, view.clipped, view.off_screen);
  g_print ("overviews: %u layouts, %u overlapping labels, %u clipped boxes\n", overview.layouts, overview.overlaps,
           overview.clipped);
  g_print ("slides: %u layouts, %u overlapping labels, %u clipped boxes\n", slides.layouts, slides.overlaps,
           slides.clipped);
  g_assert_cmpuint (view.overlaps, ==, 0);
  g_assert_cmpuint (view.clipped, ==, 0);
  g_assert_cmpuint (view.off_screen, ==, 0);
  g_assert_cmpuint (overview.overlaps, ==, 0);
  g_assert_cmpuint (overview.clipped, ==, 0);
  g_assert_cmpuint (slides.overlaps, ==, 0);
  g_assert_cmpuint (slides.clipped, ==, 0);
}

/* Long labels wrap within the width asked, at spaces and commas; a cell measure works too. */
static void
measure_cells (gpointer data, SockscopeLayoutFont font, double scale, const char *text, double *width, double *height)
{
  *width = g_utf8_strlen (text, -1);
  *height = 1;
}

static void
test_wrap_cells (void)
{
  SockscopeLayoutParams params = { .width = 80, .height = 24, .zoom = 1, .cells = TRUE, .measure = measure_cells };
  double width;
  guint n;
  g_auto(GStrv) lines = sockscope_layout_wrap (&params, SOCKSCOPE_LAYOUT_MONO, 1,
                                               "select(7, [3, 4, 5], NULL, NULL, NULL) = 1 ready: c2", 20, &width, &n);
  SockscopeLayoutLifeline lifelines[3] = { { "server", TRUE }, { "client 1", TRUE }, { "client 2", TRUE } };
  guint order[3] = { 0, 1, 2 };
  SockscopeLayoutRow rows[] = {
    { SOCKSCOPE_LAYOUT_CALL, 0, 0, "accept(3)", TRUE },
    { SOCKSCOPE_LAYOUT_PACKET, 1, 0, "SYN seq=0 win=65495" },
    { SOCKSCOPE_LAYOUT_CALL, 2, 2, "connect(3, 127.0.0.1:7777) = 0" },
  };
  g_autoptr(SockscopeLayout) l = NULL;

  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpfloat (width, <=, 20);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpuint (strlen (lines[i]), <=, 20);
  g_assert_cmpstr (lines[0], ==, "select(7, [3, 4, 5],");

  l = sockscope_layout_new (&params, lifelines, order, 3, rows, G_N_ELEMENTS (rows), 2);
  g_assert_cmpuint (l->n_rows, ==, 3);
  g_assert_cmpfloat (l->content_width, ==, 80);
  g_assert_cmpfloat (l->columns[0].x, <, l->columns[1].x);
  g_assert_cmpfloat (l->columns[1].x, <, l->columns[2].x);
  /* The current row, client 2's connect, is what the view keeps in sight. */
  g_assert_cmpfloat (l->focus_x1, >, l->columns[2].x);
}

/* Two hosts and the wire (#16), laid out from rows as the projection makes them: host a's
 * actors on the left whatever the lesson's order, each host's band over its columns, the wire
 * between; a dropped packet's arrow stops on the wire; a delayed one ends where the rows' times
 * reach its arrival (between two rows, in proportion); a reordered one crosses the packet it was
 * held behind; a copy is a second arrow; an arrival after the last row ends at the bottom. */
static void
test_wire (void)
{
  SockscopeLayoutParams params = { .width = 1000, .height = 2000, .zoom = 1, .anchor = SOCKSCOPE_LAYOUT_ALL,
                                   .measure = measure_cells };
  SockscopeLayoutLifeline lifelines[2] = {
    { "server", TRUE, FALSE, "bob · 192.0.2.2", 1 }, { "client", TRUE, FALSE, "alice · 192.0.2.1", 0 },
  };
  guint order[2] = { 0, 1 };
  const gint64 ms = 1000000;
  SockscopeLayoutRow rows[] = {
    /* 0 */ { SOCKSCOPE_LAYOUT_WIRE, -1, -1, "wire: loss 20 %", .t_ns = 1 * ms },
    /* 1 */ { SOCKSCOPE_LAYOUT_PACKET, 1, 0, "PSH,ACK seq=1 · lost on the wire", .t_ns = 2 * ms, .dropped = TRUE },
    /* 2 */ { SOCKSCOPE_LAYOUT_PACKET, 1, 0, "PSH,ACK seq=1 · delayed 50 ms", .t_ns = 10 * ms, .arrive_ns = 60 * ms },
    /* 3 */ { SOCKSCOPE_LAYOUT_CALL, 1, 1, "send(3, \"a\", 0)", .t_ns = 20 * ms },
    /* 4 */ { SOCKSCOPE_LAYOUT_CALL, 1, 1, "send(3, \"b\", 0)", .t_ns = 100 * ms },
    /* 5 */ { SOCKSCOPE_LAYOUT_PACKET, 1, 0, "seq=7 · reordered", .t_ns = 101 * ms, .arrive_ns = 104 * ms },
    /* 6 */ { SOCKSCOPE_LAYOUT_PACKET, 1, 0, "seq=13", .t_ns = 102 * ms },
    /* 7 */ { SOCKSCOPE_LAYOUT_PACKET, 0, 1, "ACK", .t_ns = 106 * ms },
    /* 8 */ { SOCKSCOPE_LAYOUT_PACKET, 1, 0, "seq=13 (copy)", .t_ns = 107 * ms, .arrive_ns = 500 * ms },
  };
  g_autoptr(SockscopeLayout) l = sockscope_layout_new (&params, lifelines, order, 2, rows, G_N_ELEMENTS (rows), G_MAXUINT);
  const SockscopeLayoutBox *lost = sockscope_layout_get_row (l, 1), *late = sockscope_layout_get_row (l, 2);
  const SockscopeLayoutBox *held = sockscope_layout_get_row (l, 5), *behind = sockscope_layout_get_row (l, 6);
  const SockscopeLayoutBox *copy = sockscope_layout_get_row (l, 8), *note = sockscope_layout_get_row (l, 0);
  double y3 = sockscope_layout_get_row (l, 3)->ya, y4 = sockscope_layout_get_row (l, 4)->ya;

  g_assert_cmpuint (l->n_rows, ==, G_N_ELEMENTS (rows));
  /* Host a on the left, its band over the client, the wire between the hosts. */
  g_assert_cmpuint (l->n_hosts, ==, 2);
  g_assert_cmpstr (l->hosts[0].lines[0], ==, "alice · 192.0.2.1");
  g_assert_cmpfloat (l->columns[1].x, <, l->wire_x);
  g_assert_cmpfloat (l->wire_x, <, l->columns[0].x);
  g_assert_cmpfloat (l->hosts[0].band.x + l->hosts[0].band.width, <=, l->wire_x);
  g_assert_cmpfloat (l->hosts[1].band.x, >=, l->wire_x);
  g_assert_cmpfloat (l->columns[0].header.y, >=, l->hosts[0].band.y + l->hosts[0].band.height);
  /* The rules' note on the wire. */
  g_assert_cmpfloat (note->box.x, <, l->wire_x);
  g_assert_cmpfloat (note->box.x + note->box.width, >, l->wire_x);
  /* Lost: from the client to the wire, not beyond. */
  g_assert_true (lost->arrow && lost->cut);
  g_assert_cmpfloat (lost->xa, ==, l->columns[1].x);
  g_assert_cmpfloat (lost->xb, ==, l->wire_x);
  /* Delayed 50 ms: sent at 10 ms, the next rows at 20 and 100 ms: it ends 40/80 of the way from
   * row 3 to row 4. */
  g_assert_false (late->cut);
  g_assert_cmpfloat (late->xb, ==, l->columns[0].x);
  g_assert_cmpfloat_with_epsilon (late->yb, y3 + (y4 - y3) * 40.0 / 80.0, 0.01);
  /* Held behind seq=13: it arrives after it, so the two arrows cross. */
  g_assert_cmpfloat (held->ya, <, behind->ya);
  g_assert_cmpfloat (held->yb, >, behind->yb);
  /* The copy: a second arrow between the same lifelines, delivered after the last row. */
  g_assert_true (copy->arrow && copy->late);
  g_assert_cmpfloat (copy->xb, ==, behind->xb);
  g_assert_cmpfloat_with_epsilon (copy->yb, l->rows[l->n_rows - 1].y + l->rows[l->n_rows - 1].height, 0.01);
}

/* The two-host session of tests/layout (a run of wire-retransmission.lesson: "hello" lost and
 * sent again, "again" delayed 44 ms and duplicated, bob's ACKs delayed 41 ms, one duplicated):
 * each slide of its export has both hosts, the wire's marks, the lost arrow cut, a second arrow
 * for each copy, the delayed arrows ending rows later. */
static void
test_wire_session (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "tests", "layout",
                                            "wire-retransmission.sockscope", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeEventLog) log = sockscope_event_log_load (path, NULL, &error);
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autoptr(SockscopeDiagram) diagram = NULL;
  guint cut = 0, copies = 0, late = 0, delayed = 0, notes = 0, hosts = 0;

  g_assert_no_error (error);
  lesson = sockscope_lesson_for_session (log, path, &error);
  g_assert_no_error (error);
  diagram = sockscope_diagram_new (lesson, log, "en", FALSE, 0, 0, &error);
  g_assert_no_error (error);
  for (guint s = 0; s < sockscope_diagram_get_n_slides (diagram); s++)
    {
      guint first;
      g_autoptr(SockscopeLayout) l = sockscope_diagram_layout_slide (diagram, s, &first);

      hosts += l->n_hosts == 2;
      for (guint i = 0; i < l->n_rows; i++)
        {
          const char *kind;
          g_autofree char *text = NULL;

          g_assert_true (sockscope_diagram_get_row (diagram, first + i, &kind, &text));
          if (g_str_has_suffix (text, "· lost on the wire"))
            {
              g_assert_true (l->rows[i].cut);
              g_assert_cmpfloat (l->rows[i].xb, ==, l->wire_x);
              cut++;
            }
          copies += g_str_has_suffix (text, "(copy)") && l->rows[i].arrow;
          delayed += strstr (text, "· delayed ") != NULL;
          late += strstr (text, "· delayed ") != NULL && l->rows[i].yb > l->rows[i].y + l->rows[i].height;
          notes += g_str_equal (kind, "wire");
        }
    }
  g_print ("wire session: %u slides with both hosts, %u cut, %u copies, %u delayed, %u of them across rows, %u notes\n",
           hosts, cut, copies, delayed, late, notes);
  g_assert_cmpuint (hosts, ==, sockscope_diagram_get_n_slides (diagram));
  g_assert_cmpuint (cut, ==, 1);
  g_assert_cmpuint (copies, ==, 2);
  g_assert_cmpuint (delayed, ==, 5);
  g_assert_cmpuint (late, ==, 4);
  g_assert_cmpuint (notes, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  /* Lessons run as nobody, as a student would run them. */
  if (geteuid () == 0 && g_getenv ("SOCKSCOPE_TEST_AS_NOBODY") == NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) args = NULL;

      g_setenv ("SOCKSCOPE_TEST_AS_NOBODY", "1", TRUE);
      g_strv_builder_add_many (builder, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", NULL);
      for (int i = 0; i < argc; i++)
        g_strv_builder_add (builder, argv[i]);
      args = g_strv_builder_end (builder);
      execvp ("setpriv", args);
      g_error ("setpriv: %s", g_strerror (errno));
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layout/wrap-cells", test_wrap_cells);
  g_test_add_func ("/layout/wire", test_wire);
  g_test_add_func ("/layout/wire-session", test_wire_session);
  g_test_add_func ("/layout/lessons", test_lessons);
  return g_test_run ();
}
