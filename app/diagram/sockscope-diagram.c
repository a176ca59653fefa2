/* sockscope-diagram.c: the sequence diagram on a cairo surface, for slides.
 *
 * The events go through SockscopeProjection, as in the window, into one row per call, packet
 * and socket state; the rows of the chosen range share the slide's height, and the text size
 * follows the row height (and the widest call, so every box fits its column). The look is the
 * window's diagram in its light style: call boxes on the lifelines, packet arrows sloping down
 * with their label in a pill, socket states in pills coloured by family. A call's result is in
 * its box when nothing came between the call and its return; otherwise it has a row of its own
 * where it returned ("← accept = 4 (…)"), the call's activation bar running down to it. */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "sockscope-diagram.h"
#include "sockscope-error.h"
#include "sockscope-projection.h"

typedef enum
{
  ROW_CALL,
  ROW_PACKET,
  ROW_STATE,
  ROW_SPAWN,    /* from: the parent, to: the actor created */
  ROW_EXIT,     /* from: the actor that ended */
  ROW_SIGNAL,   /* from: the actor it is about (-1), to: the one that gets it */
  ROW_RESULT,   /* what a call gave back, where it returned: from: its lifeline */
} RowKind;

typedef struct
{
  RowKind  kind;
  guint    seq;
  int      from;          /* call, state: lifeline; packet: sender (-1 outside) */
  int      to;            /* packet: receiver (-1 outside) */
  guint    cause_seq;     /* packet; result: its call */
  guint    blocked_seq;   /* call */
  guint    return_seq;    /* call */
  gboolean failed;        /* call, result */
  int      colour;        /* call with packets and its packets: palette index, else -1 */
  char    *text;          /* call: its text; packet: label; state: socket; spawn: the call;
                           * exit: how it ended; signal: its name; result: "← accept" */
  char    *extra;         /* call, result: "= 0"; state: the state */
} Row;

typedef struct
{
  char     *label;
  int       parent;       /* the lifeline it was created by, or -1 */
  gboolean  thread;
  guint     spawn_seq;    /* 0: there from the start; G_MAXUINT: not created by the last event */
  guint     exit_seq;     /* 0: still running at the last event */
  int       column;       /* where it is drawn, or -1 */
} Lifeline;

struct _SockscopeDiagram
{
  SockscopeLesson *lesson;
  char            *lang;
  guint            first;
  guint            last;
  guint            n_events;
  GArray          *rows;       /* Row */
  GArray          *lifelines;  /* Lifeline, in lesson order */
  guint            n_columns;
  gboolean         has_outside;
  double           font_px;    /* computed by layout() for the last size drawn */
};

typedef struct
{
  double r, g, b;
} Rgb;

/* Adwaita's darker shades, as the window's diagram uses them on a light background. */
static const Rgb FG = { 0x24 / 255.0, 0x1f / 255.0, 0x31 / 255.0 };
static const Rgb BG = { 1, 1, 1 };
static const Rgb ACCENT = { 0x1c / 255.0, 0x71 / 255.0, 0xd8 / 255.0 };
static const Rgb ERROR_RGB = { 0xc0 / 255.0, 0x1c / 255.0, 0x28 / 255.0 };
static const Rgb WARNING = { 0x9c / 255.0, 0x6e / 255.0, 0x03 / 255.0 };
static const Rgb GREY = { 0x77 / 255.0, 0x76 / 255.0, 0x7b / 255.0 };
static const Rgb PALETTE[] = {
  { 0x81 / 255.0, 0x3d / 255.0, 0x9c / 255.0 },
  { 0xc6 / 255.0, 0x46 / 255.0, 0x00 / 255.0 },
  { 0x1b / 255.0, 0x85 / 255.0, 0x53 / 255.0 },
  { 0x86 / 255.0, 0x5e / 255.0, 0x3c / 255.0 },
  { 0x1c / 255.0, 0x71 / 255.0, 0xd8 / 255.0 },
};

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->text);
  g_free (row->extra);
}

/* ---- Building the rows ------------------------------------------------------------------- */

typedef struct
{
  SockscopeDiagram *self;
  GHashTable       *call_rows;   /* call seq -> row index + 1 */
  GHashTable       *calls;       /* call seq -> "lifeline|text" of every call, in range or not */
} Build;

static gboolean
in_range (SockscopeDiagram *self,
          guint             seq)
{
  return seq >= self->first && seq <= self->last;
}

static Lifeline *
lifeline_get (SockscopeDiagram *self,
              int               index)
{
  return index >= 0 && (guint) index < self->lifelines->len ? &g_array_index (self->lifelines, Lifeline, index) : NULL;
}

/* An actor whose creation the log does not show (an older session) is there from the start. */
static void
lifeline_used (SockscopeDiagram *self,
               int               index)
{
  Lifeline *line = lifeline_get (self, index);

  if (line != NULL && line->spawn_seq == G_MAXUINT)
    line->spawn_seq = 0;
}

static void
build_call (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *text, guint step)
{
  Build *b = data;
  Row row = { ROW_CALL, seq, (int) lifeline, -1, 0, 0, 0, FALSE, -1, g_strdup (text), NULL };

  lifeline_used (b->self, (int) lifeline);
  g_hash_table_insert (b->calls, GUINT_TO_POINTER (seq), g_strdup_printf ("%u|%s", lifeline, text));
  if (!in_range (b->self, seq))
    {
      g_free (row.text);
      return;
    }
  g_array_append_val (b->self->rows, row);
  g_hash_table_insert (b->call_rows, GUINT_TO_POINTER (seq), GUINT_TO_POINTER (b->self->rows->len));
}

static Row *
call_row (Build *b,
          guint  call_seq)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (b->call_rows, GUINT_TO_POINTER (call_seq)));

  return index > 0 ? &g_array_index (b->self->rows, Row, index - 1) : NULL;
}

static void
build_blocked (gpointer data, guint call_seq, guint seq, guint step, const char *call)
{
  Build *b = data;
  Row *row = call_row (b, call_seq);

  if (row != NULL && in_range (b->self, seq))
    row->blocked_seq = seq;
}

static void
build_result (gpointer data, guint call_seq, guint seq, gint64 t_ns, guint step,
              const char *result, gboolean failed)
{
  Build *b = data;
  Row *row = call_row (b, call_seq);
  const char *call = g_hash_table_lookup (b->calls, GUINT_TO_POINTER (call_seq));
  const char *bar = call ? strchr (call, '|') : NULL;
  const char *paren;
  Row result_row = { ROW_RESULT, seq, -1, -1, call_seq, 0, 0, failed, -1, NULL, NULL };

  if (!in_range (b->self, seq))
    return;
  /* Nothing drawn since the call: the result goes in its box. */
  if (row != NULL && row == &g_array_index (b->self->rows, Row, b->self->rows->len - 1))
    {
      row->return_seq = seq;
      row->failed = failed;
      g_free (row->extra);
      row->extra = g_strdup (result);
      return;
    }
  if (bar == NULL)
    return;
  if (row != NULL)
    {
      row->return_seq = seq;
      row->failed = failed;
    }
  paren = strchr (bar + 1, '(');
  result_row.from = (int) g_ascii_strtoull (call, NULL, 10);
  result_row.text = g_strdup_printf ("← %.*s", paren ? (int) (paren - bar - 1) : (int) strlen (bar + 1), bar + 1);
  result_row.extra = g_strdup (result);
  g_array_append_val (b->self->rows, result_row);
}

static void
build_state (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *socket, const char *state)
{
  Build *b = data;
  Row row = { ROW_STATE, seq, (int) lifeline, -1, 0, 0, 0, FALSE, -1, g_strdup (socket ? socket : ""),
              g_strdup (state ? state : "?") };

  lifeline_used (b->self, (int) lifeline);
  if (!in_range (b->self, seq))
    {
      row_clear (&row);
      return;
    }
  g_array_append_val (b->self->rows, row);
}

static void
build_packet (gpointer data, guint seq, gint64 t_ns, int from, int to, const char *label, guint cause_seq)
{
  Build *b = data;
  Row row = { ROW_PACKET, seq, from, to, cause_seq, 0, 0, FALSE, -1, g_strdup (label), NULL };

  if (!in_range (b->self, seq))
    {
      g_free (row.text);
      return;
    }
  if (from < 0 || to < 0)
    b->self->has_outside = TRUE;
  g_array_append_val (b->self->rows, row);
}

static void
build_spawn (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint parent, gboolean thread,
             guint via_seq, const char *text)
{
  Build *b = data;
  Lifeline *line = lifeline_get (b->self, (int) lifeline);
  Row row = { ROW_SPAWN, seq, (int) parent, (int) lifeline, 0, 0, 0, FALSE, -1, g_strdup (text), NULL };

  if (line != NULL)
    {
      line->spawn_seq = seq;
      line->thread = line->thread || thread;
    }
  if (!in_range (b->self, seq) || line == NULL)
    {
      row_clear (&row);
      return;
    }
  g_array_append_val (b->self->rows, row);
}

static void
build_exit (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint call_seq, const char *text,
            gboolean failed)
{
  Build *b = data;
  Lifeline *line = lifeline_get (b->self, (int) lifeline);
  Row *call = call_row (b, call_seq);
  Row row = { ROW_EXIT, seq, (int) lifeline, -1, 0, 0, 0, failed, -1, g_strdup (text), NULL };

  if (line != NULL)
    line->exit_seq = seq;
  /* exit() never returns: its activation ends with the actor. */
  if (call != NULL && call->return_seq == 0 && in_range (b->self, seq))
    call->return_seq = seq;
  if (!in_range (b->self, seq) || line == NULL)
    {
      row_clear (&row);
      return;
    }
  g_array_append_val (b->self->rows, row);
}

static void
build_signal (gpointer data, guint seq, gint64 t_ns, int from, guint to, const char *signal)
{
  Build *b = data;
  Row row = { ROW_SIGNAL, seq, from, (int) to, 0, 0, 0, FALSE, -1, g_strdup (signal), NULL };

  if (!in_range (b->self, seq))
    {
      row_clear (&row);
      return;
    }
  g_array_append_val (b->self->rows, row);
}

static const SockscopeProjectionSink build_sink = {
  build_call, build_blocked, build_result, build_state, build_packet,
  build_spawn, build_exit, build_signal,
};

static void
lifeline_clear (gpointer data)
{
  Lifeline *line = data;

  g_free (line->label);
}

/* Columns: the actors there at the last event shown, children next to their parent. */
static void
place_columns (SockscopeDiagram *self)
{
  guint n = self->lifelines->len;
  g_autofree int *parents = g_new0 (int, n + 1);
  g_autofree guint *order = g_new0 (guint, n + 1);

  sockscope_projection_lesson_order (self->lesson, parents, order);
  self->n_columns = 0;
  for (guint i = 0; i < n; i++)
    {
      Lifeline *line = lifeline_get (self, (int) order[i]);

      line->column = line->spawn_seq != G_MAXUINT ? (int) self->n_columns++ : -1;
    }
}

/* A call whose packets are in the slide and its packets share a colour, as in the window. */
static void
assign_colours (SockscopeDiagram *self,
                GHashTable       *call_rows)
{
  guint n_causes = 0;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      guint index;
      Row *cause;

      if (row->kind != ROW_PACKET || row->cause_seq == 0)
        continue;
      index = GPOINTER_TO_UINT (g_hash_table_lookup (call_rows, GUINT_TO_POINTER (row->cause_seq)));
      cause = index > 0 ? &g_array_index (self->rows, Row, index - 1) : NULL;
      if (cause != NULL && cause->colour < 0)
        cause->colour = n_causes++ % (G_N_ELEMENTS (PALETTE) - 1);
      row->colour = cause != NULL ? cause->colour : (int) (G_N_ELEMENTS (PALETTE) - 1);
    }
}

SockscopeDiagram *
sockscope_diagram_new (SockscopeLesson    *lesson,
                       SockscopeEventLog  *log,
                       const char         *lang,
                       gboolean            absolute_seq,
                       guint               first,
                       guint               last,
                       GError            **error)
{
  g_autoptr(SockscopeDiagram) self = g_new0 (SockscopeDiagram, 1);
  g_autoptr(SockscopeProjection) projection = sockscope_projection_new (lesson, absolute_seq);
  g_autoptr(GHashTable) call_rows = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) calls = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  Build build = { self, call_rows, calls };
  guint n = sockscope_event_log_get_n_events (log);

  self->lesson = g_object_ref (lesson);
  self->lang = g_strdup (lang ? lang : "en");
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (self->rows, row_clear);
  self->lifelines = g_array_new (FALSE, TRUE, sizeof (Lifeline));
  g_array_set_clear_func (self->lifelines, lifeline_clear);
  self->n_events = n;

  if (first == 0)
    first = 1;
  if (last == 0 || last > n)
    last = n;
  if (n == 0 || first > last)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("No events %u to %u: the session has %u events"), first, last, n);
      return NULL;
    }
  self->first = first;
  self->last = last;

  for (guint i = 0; i < sockscope_lesson_get_n_actors (lesson); i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (lesson, i);
      Lifeline line = { g_strdup (sockscope_actor_get_label (actor, self->lang)),
                        actor->parent ? sockscope_lesson_find_actor (lesson, actor->parent) : -1,
                        actor->thread, actor->parent ? G_MAXUINT : 0, 0, -1 };

      g_array_append_val (self->lifelines, line);
    }

  /* Earlier events still teach the projection which port is whose. */
  for (guint position = 0; position < last; position++)
    {
      g_autoptr(JsonObject) event = sockscope_event_log_parse (log, position);

      if (event != NULL)
        sockscope_projection_project (projection, event, position, &build_sink, &build);
    }
  assign_colours (self, call_rows);
  place_columns (self);
  return g_steal_pointer (&self);
}

void
sockscope_diagram_free (SockscopeDiagram *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->lesson);
  g_free (self->lang);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->lifelines, g_array_unref);
  g_free (self);
}

guint
sockscope_diagram_get_n_rows (SockscopeDiagram *self)
{
  return self->rows->len;
}

gboolean
sockscope_diagram_get_row (SockscopeDiagram  *self,
                           guint              index,
                           const char       **kind,
                           char             **text)
{
  static const char *kinds[] = { "call", "packet", "state", "spawn", "exit", "signal", "result" };
  const Row *row;

  if (index >= self->rows->len)
    return FALSE;
  row = &g_array_index (self->rows, Row, index);
  *kind = kinds[row->kind];
  *text = row->extra != NULL ? g_strdup_printf ("%s %s", row->text, row->extra) : g_strdup (row->text);
  return TRUE;
}

/* ---- Layout ------------------------------------------------------------------------------ */

typedef struct
{
  double width, height;
  double margin;
  double title_h;
  double header_top, header_h;
  double top;             /* y of row 0 */
  double row_h;
  double gutter;          /* the "outside" column */
  double col_w;
  double font;            /* label size, px */
  GArray *lifelines;      /* the diagram's, for their columns */
  PangoLayout *sans;
  PangoLayout *mono;
  PangoLayout *bold;
} Layout;

static void
set_font (PangoLayout *layout,
          const char  *family,
          double       px,
          PangoWeight  weight)
{
  g_autoptr(PangoFontDescription) desc = pango_font_description_new ();

  pango_font_description_set_family (desc, family);
  pango_font_description_set_weight (desc, weight);
  pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
}

static double
text_width (PangoLayout *layout,
            const char  *text)
{
  int w;

  pango_layout_set_attributes (layout, NULL);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, NULL);
  return w;
}

static char *
call_text (const Row *row)
{
  return row->extra ? g_strdup_printf ("%s %s", row->text, row->extra) : g_strdup (row->text);
}

static void
layout_init (SockscopeDiagram *self,
             cairo_t          *cr,
             double            width,
             double            height,
             Layout           *l)
{
  guint n_lines = MAX (self->n_columns, 1);
  guint n_rows = MAX (self->rows->len, 1);
  double widest = 1;

  l->lifelines = self->lifelines;
  l->width = width;
  l->height = height;
  l->margin = height * 0.04;
  l->title_h = height * 0.065;
  l->header_top = l->margin + l->title_h;
  l->header_h = height * 0.075;
  l->top = l->header_top + l->header_h + height * 0.015;
  l->row_h = MIN ((height - l->margin - l->top) / n_rows, height * 0.085);
  l->gutter = self->has_outside ? width * 0.09 : 0;
  l->col_w = (width - 2 * l->margin - l->gutter) / n_lines;

  l->sans = pango_cairo_create_layout (cr);
  l->mono = pango_cairo_create_layout (cr);
  l->bold = pango_cairo_create_layout (cr);

  /* The text fills about 45 % of a row, as long as the widest box fits its column. */
  l->font = CLAMP (l->row_h * 0.45, 8.0, height * 0.036);
  set_font (l->mono, "Monospace", 100, PANGO_WEIGHT_NORMAL);
  set_font (l->sans, "Sans", 100, PANGO_WEIGHT_NORMAL);
  for (guint i = 0; i < self->rows->len; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);
      g_autofree char *text = NULL;
      double w;

      if (row->kind == ROW_CALL || row->kind == ROW_RESULT)
        {
          text = call_text (row);
          w = text_width (l->mono, text) / (l->col_w * 0.92);
        }
      else if (row->kind == ROW_PACKET && row->from >= 0 && row->to >= 0 && row->from != row->to)
        w = text_width (l->sans, row->text) / (fabs ((double) lifeline_get (self, row->to)->column -
                                                     lifeline_get (self, row->from)->column) * l->col_w * 0.85);
      else
        continue;
      widest = MAX (widest, w);
    }
  /* widest is the width at 100 px over the room it has: the size that fits is 100 / widest. */
  l->font = MAX (6.0, MIN (l->font, 100.0 / widest));

  set_font (l->sans, "Sans", l->font, PANGO_WEIGHT_NORMAL);
  set_font (l->mono, "Monospace", l->font, PANGO_WEIGHT_NORMAL);
  set_font (l->bold, "Sans", MAX (l->font * 1.15, height * 0.026), PANGO_WEIGHT_BOLD);
  self->font_px = l->font;
}

static void
layout_clear (Layout *l)
{
  g_clear_object (&l->sans);
  g_clear_object (&l->mono);
  g_clear_object (&l->bold);
}

static double
lifeline_x (const Layout *l,
            int           lifeline)
{
  const Lifeline *line;

  if (lifeline < 0 || (guint) lifeline >= l->lifelines->len)
    return l->margin + l->gutter / 2;
  line = &g_array_index (l->lifelines, Lifeline, lifeline);
  return l->margin + l->gutter + (MAX (line->column, 0) + 0.5) * l->col_w;
}

static double
row_y (const Layout *l,
       guint         row)
{
  return l->top + row * l->row_h;
}

/* ---- Drawing ----------------------------------------------------------------------------- */

static void
set_rgb (cairo_t   *cr,
         const Rgb *c,
         double     alpha)
{
  cairo_set_source_rgba (cr, c->r, c->g, c->b, alpha);
}

/* The colour over white, opaque, so lifelines do not show through boxes. */
static void
set_tint (cairo_t   *cr,
          const Rgb *c,
          double     alpha)
{
  cairo_set_source_rgb (cr, BG.r + (c->r - BG.r) * alpha, BG.g + (c->g - BG.g) * alpha,
                        BG.b + (c->b - BG.b) * alpha);
}

static void
rounded (cairo_t *cr,
         double   x,
         double   y,
         double   w,
         double   h,
         double   r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
draw_box (cairo_t   *cr,
          double     x,
          double     y,
          double     w,
          double     h,
          double     radius,
          const Rgb *tint,
          double     tint_alpha,
          const Rgb *border,
          double     border_alpha,
          double     line_width)
{
  rounded (cr, x, y, w, h, radius);
  set_tint (cr, tint, tint_alpha);
  cairo_fill_preserve (cr);
  set_tint (cr, border, border_alpha);
  cairo_set_line_width (cr, line_width);
  cairo_stroke (cr);
}

static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y,
             const Rgb   *colour)
{
  cairo_move_to (cr, x, y);
  set_rgb (cr, colour, 1);
  pango_cairo_show_layout (cr, layout);
}

/* Bold from byte start to byte end (G_MAXUINT: to the end). */
static void
set_bold (PangoLayout *layout,
          guint        start,
          guint        end)
{
  PangoAttrList *attrs = pango_attr_list_new ();
  PangoAttribute *attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);

  attr->start_index = start;
  attr->end_index = end;
  pango_attr_list_insert (attrs, attr);
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
}

static void
draw_arrow (cairo_t   *cr,
            double     xa,
            double     ya,
            double     xb,
            double     yb,
            double     width,
            gboolean   dashed,
            const Rgb *colour)
{
  double head = 5 * width + 4;
  double angle = atan2 (yb - ya, xb - xa);

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_move_to (cr, xa, ya);
  cairo_line_to (cr, xb - cos (angle) * head * 0.8, yb - sin (angle) * head * 0.8);
  if (dashed)
    {
      const double dashes[] = { 3 * width, 2.5 * width };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
    }
  cairo_set_line_width (cr, width);
  set_rgb (cr, colour, 1);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_move_to (cr, xb, yb);
  cairo_line_to (cr, xb - head * cos (angle - 0.42), yb - head * sin (angle - 0.42));
  cairo_line_to (cr, xb - head * 0.75 * cos (angle), yb - head * 0.75 * sin (angle));
  cairo_line_to (cr, xb - head * cos (angle + 0.42), yb - head * sin (angle + 0.42));
  cairo_close_path (cr);
  cairo_fill (cr);
  cairo_restore (cr);
}

static const Rgb *
family_colour (const char *state)
{
  static const Rgb listen = { 0x1c / 255.0, 0x71 / 255.0, 0xd8 / 255.0 };
  static const Rgb opening = { 0xc8 / 255.0, 0x88 / 255.0, 0x00 / 255.0 };
  static const Rgb estab = { 0x26 / 255.0, 0xa2 / 255.0, 0x69 / 255.0 };
  static const Rgb closing = { 0xe6 / 255.0, 0x61 / 255.0, 0x00 / 255.0 };
  static const Rgb time_wait = { 0x91 / 255.0, 0x41 / 255.0, 0xac / 255.0 };

  if (g_str_equal (state, "LISTEN") || g_str_equal (state, "UNCONN"))
    return &listen;
  if (g_str_has_prefix (state, "SYN-"))
    return &opening;
  if (g_str_equal (state, "ESTAB"))
    return &estab;
  if (g_str_equal (state, "TIME-WAIT"))
    return &time_wait;
  if (g_str_has_prefix (state, "FIN-") || g_str_equal (state, "CLOSE-WAIT") ||
      g_str_equal (state, "LAST-ACK") || g_str_equal (state, "CLOSING"))
    return &closing;
  return &GREY;
}

static void
draw_title (SockscopeDiagram *self,
            cairo_t          *cr,
            const Layout     *l)
{
  g_autofree char *caption = NULL;
  int tw, th;

  pango_layout_set_attributes (l->bold, NULL);
  set_font (l->bold, "Sans", l->height * 0.034, PANGO_WEIGHT_BOLD);
  pango_layout_set_text (l->bold, sockscope_lesson_get_title (self->lesson, self->lang), -1);
  pango_layout_get_pixel_size (l->bold, NULL, &th);
  show_layout (cr, l->bold, l->margin, l->margin + (l->title_h - th) / 2, &FG);

  /* TRANSLATORS: under an exported diagram: which events of the session it shows */
  caption = g_strdup_printf (_("events %u–%u of %u"), self->first, self->last, self->n_events);
  set_font (l->bold, "Sans", l->height * 0.022, PANGO_WEIGHT_NORMAL);
  pango_layout_set_text (l->bold, caption, -1);
  pango_layout_get_pixel_size (l->bold, &tw, &th);
  show_layout (cr, l->bold, l->width - l->margin - tw, l->margin + (l->title_h - th) / 2, &GREY);
  set_font (l->bold, "Sans", MAX (l->font * 1.15, l->height * 0.026), PANGO_WEIGHT_BOLD);
}

static guint row_of_seq (SockscopeDiagram *self,
                         guint             seq);

/* The y where a spawned actor's lifeline starts, within its spawn row. */
#define SPAWN_Y 0.72

static void
draw_lifeline (SockscopeDiagram *self,
               cairo_t          *cr,
               const Layout     *l,
               int               index)
{
  const Lifeline *line = lifeline_get (self, index);
  double x = lifeline_x (l, index);
  double top = l->header_top + l->header_h / 2;
  double bottom = row_y (l, self->rows->len) + l->row_h * 0.3;
  const double dashes[] = { 8, 5 };
  const double dots[] = { 0.01, 7 };

  if (line == NULL)
    {
      cairo_save (cr);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_set_line_width (cr, 1.5);
      set_rgb (cr, &FG, 0.35);
      cairo_move_to (cr, x, top);
      cairo_line_to (cr, x, bottom);
      cairo_stroke (cr);
      cairo_restore (cr);
      return;
    }
  if (line->spawn_seq >= self->first && line->spawn_seq != G_MAXUINT)
    top = row_y (l, row_of_seq (self, line->spawn_seq)) + l->row_h * SPAWN_Y;
  if (line->exit_seq != 0 && line->exit_seq < self->first)
    return;
  if (line->exit_seq != 0)
    bottom = row_y (l, row_of_seq (self, line->exit_seq)) + l->row_h / 2;

  cairo_save (cr);
  /* A thread's lifeline is dotted: it runs inside its process, sharing its sockets. */
  if (line->thread)
    {
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_dash (cr, dots, G_N_ELEMENTS (dots), 0);
      cairo_set_line_width (cr, 4);
    }
  else
    {
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_set_line_width (cr, 2.5);
    }
  set_rgb (cr, &FG, line->thread ? 0.45 : 0.35);
  cairo_move_to (cr, x, top);
  cairo_line_to (cr, x, bottom);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_header (SockscopeDiagram *self,
             cairo_t          *cr,
             const Layout     *l)
{
  for (int i = self->has_outside ? -1 : 0; i < (int) self->lifelines->len; i++)
    {
      const Lifeline *line = lifeline_get (self, i);
      /* TRANSLATORS: the column of packets that come from or go to outside the lab */
      const char *label = i < 0 ? _("outside") : line->label;
      double x = lifeline_x (l, i);
      double w, h, y;
      int tw, th;

      if (line != NULL && line->column < 0)
        continue;
      draw_lifeline (self, cr, l, i);

      pango_layout_set_attributes (l->bold, NULL);
      pango_layout_set_text (l->bold, label, -1);
      pango_layout_get_pixel_size (l->bold, &tw, &th);
      w = MAX (tw + th * 1.2, i < 0 ? 0 : l->col_w * 0.4);
      h = th * 1.45;
      y = l->header_top + (l->header_h - h) / 2;
      draw_box (cr, x - w / 2, y, w, h, th * 0.3,
                i < 0 ? &FG : &ACCENT, i < 0 ? 0.05 : 0.12, i < 0 ? &GREY : &ACCENT, 1, 2.5);
      show_layout (cr, l->bold, x - tw / 2.0, l->header_top + (l->header_h - th) / 2, i < 0 ? &GREY : &FG);

      if (line != NULL && line->thread)
        {
          int gw, gh;

          /* TRANSLATORS: tag next to the name of a thread's lifeline */
          pango_layout_set_text (l->sans, _("thread"), -1);
          pango_layout_set_attributes (l->sans, NULL);
          pango_layout_get_pixel_size (l->sans, &gw, &gh);
          draw_box (cr, x + w / 2 + gh * 0.3, y + (h - gh * 1.15) / 2, gw + gh * 0.7, gh * 1.15, gh * 0.57,
                    &GREY, 0.12, &GREY, 1, 1.5);
          show_layout (cr, l->sans, x + w / 2 + gh * 0.65, y + (h - gh) / 2, &FG);
        }
    }
}

static guint
row_of_seq (SockscopeDiagram *self,
            guint             seq)
{
  guint lo = 0, hi = self->rows->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->rows, Row, mid).seq < seq)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Activation bars: a call that returns rows after it started (or never, in the range). */
static void
draw_bars (SockscopeDiagram *self,
           cairo_t          *cr,
           const Layout     *l)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);
      guint end;
      double w = l->font * 0.55, top, bottom, x;
      const Rgb *tint;

      if (row->kind != ROW_CALL)
        continue;
      end = row->return_seq ? row_of_seq (self, row->return_seq) : self->rows->len;
      if (end <= i + 1)
        continue;
      x = lifeline_x (l, row->from);
      top = row_y (l, i) + l->row_h / 2;
      /* Down to the middle of its result's row, or to where it returned. */
      bottom = row_y (l, end) + l->row_h * (end < self->rows->len &&
                                            g_array_index (self->rows, Row, end).kind == ROW_RESULT ? 0.5 : 0.1);
      tint = row->colour >= 0 ? &PALETTE[row->colour] : &FG;
      draw_box (cr, x - w / 2, top, w, bottom - top, 2, row->blocked_seq ? &WARNING : tint,
                row->blocked_seq ? 0.3 : 0.12, tint, 0.5, 1.5);
    }
}

static void
draw_call (SockscopeDiagram *self,
           cairo_t          *cr,
           const Layout     *l,
           const Row        *row,
           guint             index)
{
  g_autofree char *text = call_text (row);
  const Row *call = row;
  const Rgb *tint;
  double x = lifeline_x (l, row->from), y = row_y (l, index);
  double w, h;
  int tw, th;

  /* A result row takes the colour of its call. */
  if (row->kind == ROW_RESULT)
    {
      guint at = row_of_seq (self, row->cause_seq);

      call = at < self->rows->len && g_array_index (self->rows, Row, at).seq == row->cause_seq
             ? &g_array_index (self->rows, Row, at) : NULL;
    }
  tint = call != NULL && call->colour >= 0 ? &PALETTE[call->colour] : &FG;
  pango_layout_set_text (l->mono, text, -1);
  if (row->extra != NULL)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      PangoAttribute *attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);

      attr->start_index = strlen (row->text) + 1;
      pango_attr_list_insert (attrs, attr);
      if (row->failed)
        {
          attr = pango_attr_foreground_new (ERROR_RGB.r * 65535, ERROR_RGB.g * 65535, ERROR_RGB.b * 65535);
          attr->start_index = strlen (row->text) + 1;
          pango_attr_list_insert (attrs, attr);
        }
      pango_layout_set_attributes (l->mono, attrs);
      pango_attr_list_unref (attrs);
    }
  else
    pango_layout_set_attributes (l->mono, NULL);
  pango_layout_get_pixel_size (l->mono, &tw, &th);
  w = tw + th * 0.9;
  h = th * 1.35;
  draw_box (cr, x - w / 2, y + (l->row_h - h) / 2, w, h, th * 0.25, tint, 0.10, tint,
            call != NULL && call->colour >= 0 ? 1.0 : 0.45, 2);
  show_layout (cr, l->mono, x - tw / 2.0, y + (l->row_h - th) / 2, &FG);

  /* A call that blocked keeps its tag: its result, if any, is further down. */
  if (row->kind == ROW_CALL && row->blocked_seq != 0)
    {
      double px = x + w / 2 + th * 0.3, pw, ph;
      int bw, bh;

      /* TRANSLATORS: tag next to a system call that waits (accept, recv, connect...) */
      pango_layout_set_text (l->sans, _("blocked"), -1);
      pango_layout_set_attributes (l->sans, NULL);
      pango_layout_get_pixel_size (l->sans, &bw, &bh);
      pw = bw + bh * 0.7;
      ph = bh * 1.15;
      draw_box (cr, px, y + (l->row_h - ph) / 2, pw, ph, ph / 2, &WARNING, 0.15, &WARNING, 1, 2);
      show_layout (cr, l->sans, px + bh * 0.35, y + (l->row_h - bh) / 2, &FG);
    }
}

static void
draw_packet (SockscopeDiagram *self,
             cairo_t          *cr,
             const Layout     *l,
             const Row        *row,
             guint             index)
{
  gboolean kernel = row->cause_seq == 0;
  const Rgb *colour = kernel || row->colour < 0 ? &GREY : &PALETTE[row->colour];
  double y = row_y (l, index);
  double xa = lifeline_x (l, row->from), xb = lifeline_x (l, row->to);
  double ya = y + 0.56 * l->row_h, yb = y + 0.88 * l->row_h;
  double slope, w, h, px, py;
  const char *space = strchr (row->text, ' ');
  int tw, th;

  if (row->from == row->to)
    xb = xa + l->col_w * 0.3;
  draw_arrow (cr, xa, ya, xb, yb, MAX (2.0, l->font * 0.12), kernel, colour);

  pango_layout_set_text (l->sans, row->text, -1);
  set_bold (l->sans, 0, space ? (guint) (space - row->text) : G_MAXUINT);
  pango_layout_get_pixel_size (l->sans, &tw, &th);
  w = tw + th * 0.6;
  h = th * 1.1;
  slope = fabs (xb - xa) > 1 ? fabs ((yb - ya) / (xb - xa)) : 0;
  px = (xa + xb - w) / 2;
  py = (ya + yb) / 2 - slope * w / 2 - l->row_h * 0.05 - h;
  draw_box (cr, px, py, w, h, h / 2, colour, 0.07, colour, 0.6, 1.5);
  show_layout (cr, l->sans, px + th * 0.3, py + (h - th) / 2, &FG);
}

static void
draw_state (SockscopeDiagram *self,
            cairo_t          *cr,
            const Layout     *l,
            const Row        *row,
            guint             index)
{
  g_autofree char *text = g_strdup_printf ("%s %s", row->text, row->extra);
  const Rgb *family = family_colour (row->extra);
  double x = lifeline_x (l, row->from), y = row_y (l, index);
  double w, h;
  int tw, th;

  pango_layout_set_text (l->sans, text, -1);
  set_bold (l->sans, strlen (row->text) + 1, G_MAXUINT);
  pango_layout_get_pixel_size (l->sans, &tw, &th);
  w = tw + th * 0.8;
  h = th * 1.15;
  draw_box (cr, x - w / 2, y + (l->row_h - h) / 2, w, h, h / 2, family, 0.22, family, 1, 2);
  show_layout (cr, l->sans, x - tw / 2.0, y + (l->row_h - th) / 2, &FG);
}

/* The creation of an actor: an arrow from its parent to where its lifeline begins. */
static void
draw_spawn (SockscopeDiagram *self,
            cairo_t          *cr,
            const Layout     *l,
            const Row        *row,
            guint             index)
{
  double y = row_y (l, index) + l->row_h * SPAWN_Y;
  double xa = lifeline_x (l, row->from), xb = lifeline_x (l, row->to);
  double w, h, r = l->font * 0.3;
  int tw, th;

  draw_arrow (cr, xa, y, xb + (xb > xa ? -r : r), y, MAX (2.0, l->font * 0.12), FALSE, &ACCENT);
  cairo_arc (cr, xb, y, r, 0, 2 * G_PI);
  set_rgb (cr, &ACCENT, 1);
  cairo_fill (cr);

  pango_layout_set_text (l->mono, row->text, -1);
  pango_layout_set_attributes (l->mono, NULL);
  pango_layout_get_pixel_size (l->mono, &tw, &th);
  w = tw + th * 0.6;
  h = th * 1.1;
  draw_box (cr, (xa + xb - w) / 2, y - l->row_h * 0.08 - h, w, h, h / 2, &ACCENT, 0.10, &ACCENT, 0.8, 1.5);
  show_layout (cr, l->mono, (xa + xb - tw) / 2, y - l->row_h * 0.08 - h + (h - th) / 2, &FG);
}

/* The end of an actor: a cross ends its lifeline, and how it ended is written beside it. */
static void
draw_exit (SockscopeDiagram *self,
           cairo_t          *cr,
           const Layout     *l,
           const Row        *row,
           guint             index)
{
  const Rgb *colour = row->failed ? &ERROR_RGB : &FG;
  double x = lifeline_x (l, row->from), y = row_y (l, index) + l->row_h / 2;
  double c = l->font * 0.45, w, h;
  int tw, th;

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, MAX (2.5, l->font * 0.16));
  set_rgb (cr, colour, 1);
  cairo_move_to (cr, x - c, y - c);
  cairo_line_to (cr, x + c, y + c);
  cairo_move_to (cr, x + c, y - c);
  cairo_line_to (cr, x - c, y + c);
  cairo_stroke (cr);
  cairo_restore (cr);

  pango_layout_set_text (l->sans, row->text, -1);
  pango_layout_set_attributes (l->sans, NULL);
  pango_layout_get_pixel_size (l->sans, &tw, &th);
  w = tw + th * 0.8;
  h = th * 1.15;
  draw_box (cr, x + c * 1.8, y - h / 2, w, h, h / 2, row->failed ? &ERROR_RGB : &GREY, 0.12,
            row->failed ? &ERROR_RGB : &GREY, 1, 1.5);
  show_layout (cr, l->sans, x + c * 1.8 + th * 0.4, y - th / 2.0, &FG);
}

/* A signal: a dashed arrow from the actor it is about (a child that ended) to the parent. */
static void
draw_signal (SockscopeDiagram *self,
             cairo_t          *cr,
             const Layout     *l,
             const Row        *row,
             guint             index)
{
  g_autofree char *text = g_strdup_printf ("⚡ %s", row->text);
  double y = row_y (l, index);
  double xb = lifeline_x (l, row->to), xa = row->from >= 0 ? lifeline_x (l, row->from) : xb;
  double ya = y + 0.56 * l->row_h, yb = y + 0.88 * l->row_h;
  double w, h, px, py;
  int tw, th;

  pango_layout_set_text (l->sans, text, -1);
  set_bold (l->sans, 0, G_MAXUINT);
  pango_layout_get_pixel_size (l->sans, &tw, &th);
  w = tw + th * 0.6;
  h = th * 1.1;
  if (fabs (xb - xa) > 1)
    {
      double slope = fabs ((yb - ya) / (xb - xa));

      draw_arrow (cr, xa, ya, xb, yb, MAX (2.0, l->font * 0.12), TRUE, &WARNING);
      px = (xa + xb - w) / 2;
      py = (ya + yb) / 2 - slope * w / 2 - l->row_h * 0.05 - h;
    }
  else
    {
      px = xb + l->font * 0.6;
      py = y + (l->row_h - h) / 2;
    }
  draw_box (cr, px, py, w, h, h / 2, &WARNING, 0.15, &WARNING, 1, 1.5);
  show_layout (cr, l->sans, px + th * 0.3, py + (h - th) / 2, &FG);
}

void
sockscope_diagram_draw (SockscopeDiagram *self,
                        cairo_t          *cr,
                        double            width,
                        double            height)
{
  Layout l = { 0 };

  g_return_if_fail (self != NULL);

  cairo_save (cr);
  layout_init (self, cr, width, height, &l);
  set_rgb (cr, &BG, 1);
  cairo_paint (cr);

  draw_title (self, cr, &l);
  draw_header (self, cr, &l);
  draw_bars (self, cr, &l);
  for (guint i = 0; i < self->rows->len; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);

      switch (row->kind)
        {
        case ROW_CALL:
        case ROW_RESULT:
          draw_call (self, cr, &l, row, i);
          break;
        case ROW_PACKET:
          draw_packet (self, cr, &l, row, i);
          break;
        case ROW_STATE:
          draw_state (self, cr, &l, row, i);
          break;
        case ROW_SPAWN:
          draw_spawn (self, cr, &l, row, i);
          break;
        case ROW_EXIT:
          draw_exit (self, cr, &l, row, i);
          break;
        case ROW_SIGNAL:
          draw_signal (self, cr, &l, row, i);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  layout_clear (&l);
  cairo_restore (cr);
}

double
sockscope_diagram_get_font_px (SockscopeDiagram *self)
{
  if (self->font_px <= 0)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
      cairo_t *cr = cairo_create (surface);
      Layout l = { 0 };

      layout_init (self, cr, SOCKSCOPE_DIAGRAM_WIDTH, SOCKSCOPE_DIAGRAM_HEIGHT, &l);
      layout_clear (&l);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
  return self->font_px;
}

/* ---- Files ------------------------------------------------------------------------------- */

gboolean
sockscope_diagram_export (SockscopeDiagram        *self,
                          SockscopeDiagramFormat   format,
                          const char              *path,
                          GError                 **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  switch (format)
    {
    case SOCKSCOPE_DIAGRAM_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, SOCKSCOPE_DIAGRAM_WIDTH, SOCKSCOPE_DIAGRAM_HEIGHT);
      break;
    case SOCKSCOPE_DIAGRAM_SVG:
      surface = cairo_svg_surface_create (path, SOCKSCOPE_DIAGRAM_WIDTH, SOCKSCOPE_DIAGRAM_HEIGHT);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      break;
    case SOCKSCOPE_DIAGRAM_PDF:
      /* A 16:9 page of 33.9 × 19.05 cm, the size of a slide in presentation programs. */
      surface = cairo_pdf_surface_create (path, SOCKSCOPE_DIAGRAM_WIDTH / 2, SOCKSCOPE_DIAGRAM_HEIGHT / 2);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                      sockscope_lesson_get_title (self->lesson, self->lang));
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Sockscope " PACKAGE_VERSION);
      break;
    default:
      g_return_val_if_reached (FALSE);
    }

  cr = cairo_create (surface);
  if (format == SOCKSCOPE_DIAGRAM_PDF)
    cairo_scale (cr, 0.5, 0.5);
  sockscope_diagram_draw (self, cr, SOCKSCOPE_DIAGRAM_WIDTH, SOCKSCOPE_DIAGRAM_HEIGHT);
  cairo_destroy (cr);

  if (format == SOCKSCOPE_DIAGRAM_PNG)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write the diagram to %s: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

gboolean
sockscope_diagram_format_from_string (const char             *name,
                                      SockscopeDiagramFormat *format)
{
  static const struct { const char *name; SockscopeDiagramFormat format; } formats[] = {
    { "png", SOCKSCOPE_DIAGRAM_PNG },
    { "svg", SOCKSCOPE_DIAGRAM_SVG },
    { "pdf", SOCKSCOPE_DIAGRAM_PDF },
  };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_strcmp0 (name, formats[i].name) == 0)
      {
        *format = formats[i].format;
        return TRUE;
      }
  return FALSE;
}

gboolean
sockscope_diagram_parse_range (const char  *text,
                               guint       *first,
                               guint       *last,
                               GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", "-", 2);
  guint64 a = 0, b = 0;

  if (parts[0] == NULL || !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &a, NULL) ||
      (parts[1] != NULL && parts[1][0] != '\0' &&
       !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &b, NULL)) ||
      (parts[1] != NULL && parts[1][0] != '\0' && b < a))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a range of events: write FIRST-LAST, such as 5-20"), text ? text : "");
      return FALSE;
    }
  *first = (guint) a;
  *last = parts[1] == NULL ? (guint) a : (guint) b;  /* "N-": to the end (0) */
  return TRUE;
}
