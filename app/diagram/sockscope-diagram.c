/* sockscope-diagram.c: the sequence diagram on cairo surfaces, as slides.
 *
 * The events go through SockscopeProjection, as in the window, into one row per call, packet
 * and socket state (a state only when it changes). The rows are cut into slides of at most
 * per_slide rows (16 unless asked), fewer when their wrapped labels need the height: the text
 * is never smaller than 14 pt on the 16:9 PDF page. Each slide is laid out by SockscopeLayout,
 * as the window's view is, and drawn in the window's light style: each actor in its colour
 * (header, lifeline, call boxes, the arrows it sends), states in pills coloured by family. A
 * call's result is in its box when nothing came between the call and its return; otherwise it
 * has a row of its own where it returned ("← accept = 4 (…)"), the call's activation bar
 * running down to it, across slides. */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "sockscope-diagram.h"
#include "sockscope-diagram-paint.h"
#include "sockscope-layout.h"
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
  ROW_WIRE,     /* the wire's rules changed: a note on the wire */
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
  char    *text;          /* call: its text; packet: label; state: socket; spawn: the call;
                           * exit: how it ended; signal: its name; result: "← accept" */
  char    *extra;         /* call, result: "= 0"; state: the state */
  gint64   t_ns;
  gint64   arrive_ns;     /* packet: delivered late by the wire (0: at once) */
  gboolean dropped;       /* packet: lost on the wire */
  char    *plain;         /* packet: its label before the wire's marks, once marked */
} Row;

typedef struct
{
  char     *label;
  int       parent;       /* the lifeline it was created by, or -1 */
  gboolean  thread;
  guint     spawn_seq;    /* 0: there from the start; G_MAXUINT: not created by the last event */
  guint     exit_seq;     /* 0: still running at the last event */
  int       column;       /* where it is drawn, or -1 */
  char     *host;         /* two hosts: its host's label, or NULL */
  guint     host_rank;    /* a: 0, b: 1 */
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
  guint            per_slide;
  GArray          *slides;     /* guint: each slide's first row, computed on first use */
  SockscopeDiagramFonts *fonts;
  GPtrArray       *texts;      /* each row's text as drawn */
  SockscopeLayoutRow *layout_rows;
  guint           *returns;    /* call rows: the row it returned in (rows->len: not in range) */
};

/* Adwaita's darker shades, as the window's diagram uses them on a light background. */
static const SockscopeRgb FG = { 0x24 / 255.0, 0x1f / 255.0, 0x31 / 255.0 };
static const SockscopeRgb BG = { 1, 1, 1 };
static const SockscopeRgb ERROR_RGB = { 0xc0 / 255.0, 0x1c / 255.0, 0x28 / 255.0 };
static const SockscopeRgb WARNING = { 0x9c / 255.0, 0x6e / 255.0, 0x03 / 255.0 };
static const SockscopeRgb GREY = { 0x77 / 255.0, 0x76 / 255.0, 0x7b / 255.0 };

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->text);
  g_free (row->extra);
  g_free (row->plain);
}

/* ---- Building the rows ------------------------------------------------------------------- */

typedef struct
{
  SockscopeDiagram *self;
  GHashTable       *call_rows;   /* call seq -> row index + 1 */
  GHashTable       *calls;       /* call seq -> "lifeline|text" of every call, in range or not */
  GHashTable       *states;      /* "lifeline|socket" -> its last state */
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

/* The slides' title: the lesson's, or "Your programs" for traced programs. */
static const char *
diagram_title (SockscopeDiagram *self)
{
  return self->lesson != NULL ? sockscope_lesson_get_title (self->lesson, self->lang) : _("Your programs");
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
  Row row = { ROW_CALL, seq, (int) lifeline, -1, 0, 0, 0, FALSE, g_strdup (text), NULL, t_ns };

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
  Row result_row = { ROW_RESULT, seq, -1, -1, call_seq, 0, 0, failed, NULL, NULL, t_ns };

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
  Row row = { ROW_STATE, seq, (int) lifeline, -1, 0, 0, 0, FALSE, g_strdup (socket ? socket : ""),
              g_strdup (state ? state : "?"), t_ns };

  g_autofree char *key = g_strdup_printf ("%u|%s", lifeline, row.text);
  const char *last = g_hash_table_lookup (b->states, key);
  /* A pill only when the state changes. */
  gboolean same = last != NULL && g_str_equal (last, row.extra);

  lifeline_used (b->self, (int) lifeline);
  g_hash_table_insert (b->states, g_steal_pointer (&key), g_strdup (row.extra));
  if (!in_range (b->self, seq) || same)
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
  Row row = { ROW_PACKET, seq, from, to, cause_seq, 0, 0, FALSE, g_strdup (label), NULL, t_ns };

  if (!in_range (b->self, seq))
    {
      g_free (row.text);
      return;
    }
  g_array_append_val (b->self->rows, row);
}

static void
build_spawn (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint parent, gboolean thread,
             guint via_seq, const char *text)
{
  Build *b = data;
  Lifeline *line = lifeline_get (b->self, (int) lifeline);
  Row row = { ROW_SPAWN, seq, (int) parent, (int) lifeline, 0, 0, 0, FALSE, g_strdup (text), NULL, t_ns };

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
  Row row = { ROW_EXIT, seq, (int) lifeline, -1, 0, 0, 0, failed, g_strdup (text), NULL, t_ns };

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
  Row row = { ROW_SIGNAL, seq, from, (int) to, 0, 0, 0, FALSE, g_strdup (signal), NULL, t_ns };

  if (!in_range (b->self, seq))
    {
      row_clear (&row);
      return;
    }
  g_array_append_val (b->self->rows, row);
}

static guint row_of_seq (SockscopeDiagram *self, guint seq);

static void
build_host (gpointer data, guint lifeline, const char *host, const char *label)
{
  Build *b = data;
  Lifeline *line = lifeline_get (b->self, (int) lifeline);

  if (line != NULL && line->host == NULL)
    {
      line->host = g_strdup (label);
      line->host_rank = host[0] >= 'a' && host[0] <= 'z' ? (guint) (host[0] - 'a') : 0;
    }
}

/* What the wire did: marks on the packet's row (its arrow cut or sloped), a second arrow for a
 * copy, a note for a change of the rules. */
static void
build_wire (gpointer data, guint seq, gint64 t_ns, const SockscopeWireItem *item)
{
  Build *b = data;
  SockscopeDiagram *self = b->self;
  guint index = item->packet_seq ? row_of_seq (self, item->packet_seq) : self->rows->len;
  Row *packet = index < self->rows->len && g_array_index (self->rows, Row, index).seq == item->packet_seq &&
                g_array_index (self->rows, Row, index).kind == ROW_PACKET ? &g_array_index (self->rows, Row, index) : NULL;

  if (!in_range (self, seq))
    return;
  if (item->action == SOCKSCOPE_WIRE_SET)
    {
      /* TRANSLATORS: a note on the wire between two hosts when its rules change: "wire: loss 20 %" */
      Row row = { ROW_WIRE, seq, -1, -1, 0, 0, 0, FALSE, g_strdup_printf (_("wire: %s"), item->text), NULL, t_ns };

      g_array_append_val (self->rows, row);
      return;
    }
  if (packet == NULL)
    return;
  if (packet->plain == NULL)
    packet->plain = g_strdup (packet->text);
  if (item->action == SOCKSCOPE_WIRE_DUPLICATE)
    {
      /* TRANSLATORS: the label of the second arrow of a packet the wire duplicated: "PSH, ACK seq 1:6 (copy)" */
      Row row = { ROW_PACKET, seq, packet->from, packet->to, packet->cause_seq, 0, 0, FALSE,
                  g_strdup_printf (_("%s (copy)"), packet->plain), NULL, t_ns,
                  item->delay_ns >= 0 ? packet->t_ns + item->delay_ns : 0 };
      char *text = g_strdup_printf ("%s · %s", packet->text, item->text);

      g_free (packet->text);
      packet->text = text;
      g_array_append_val (self->rows, row);
      return;
    }
  {
    char *text = g_strdup_printf ("%s · %s", packet->text, item->text);

    g_free (packet->text);
    packet->text = text;
  }
  if (item->action == SOCKSCOPE_WIRE_DROP)
    packet->dropped = TRUE;
  else if (item->delay_ns >= 0)
    packet->arrive_ns = packet->t_ns + item->delay_ns;
}

/* An actor the lesson does not name (traced programs, a session with no lesson): a lifeline
 * after the others, there from the start unless a call created it (build_spawn). */
static void
build_lifeline (gpointer data, guint lifeline, const char *name, int parent, gboolean thread)
{
  Build *b = data;
  Lifeline line = { g_strdup (name), parent, thread, parent >= 0 ? G_MAXUINT : 0, 0, -1, NULL, 0 };

  if (lifeline == b->self->lifelines->len)
    g_array_append_val (b->self->lifelines, line);
  else
    g_free (line.label);
}

static const SockscopeProjectionSink build_sink = {
  build_call, build_blocked, build_result, build_state, build_packet,
  build_spawn, build_exit, build_signal, build_lifeline, build_host, build_wire,
};

static void
lifeline_clear (gpointer data)
{
  Lifeline *line = data;

  g_free (line->label);
  g_free (line->host);
}

/* The lifelines' order, children next to their parent: the lesson's actors and those that
 * appeared (traced programs) alike. */
static void
lifeline_order (SockscopeDiagram *self,
                int              *parents,
                guint            *order)
{
  for (guint i = 0; i < self->lifelines->len; i++)
    parents[i] = lifeline_get (self, (int) i)->parent;
  sockscope_projection_lifeline_order (parents, self->lifelines->len, order);
}

/* Columns: the actors there at the last event shown, children next to their parent. */
static void
place_columns (SockscopeDiagram *self)
{
  guint n = self->lifelines->len;
  g_autofree int *parents = g_new0 (int, n + 1);
  g_autofree guint *order = g_new0 (guint, n + 1);

  lifeline_order (self, parents, order);
  self->n_columns = 0;
  for (guint i = 0; i < n; i++)
    {
      Lifeline *line = lifeline_get (self, (int) order[i]);

      line->column = line->spawn_seq != G_MAXUINT ? (int) self->n_columns++ : -1;
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
  g_autoptr(GHashTable) states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Build build = { self, call_rows, calls, states };
  guint n = sockscope_event_log_get_n_events (log);

  self->lesson = lesson != NULL ? g_object_ref (lesson) : NULL;
  self->lang = g_strdup (lang ? lang : "en");
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (self->rows, row_clear);
  self->lifelines = g_array_new (FALSE, TRUE, sizeof (Lifeline));
  g_array_set_clear_func (self->lifelines, lifeline_clear);
  self->n_events = n;
  self->per_slide = SOCKSCOPE_DIAGRAM_PER_SLIDE;

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

  for (guint i = 0; lesson != NULL && i < sockscope_lesson_get_n_actors (lesson); i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (lesson, i);
      Lifeline line = { g_strdup (sockscope_actor_get_label (actor, self->lang)),
                        actor->parent ? sockscope_lesson_find_actor (lesson, actor->parent) : -1,
                        actor->thread, actor->parent ? G_MAXUINT : 0, 0, -1, NULL };

      if (actor->host != NULL)
        {
          line.host = sockscope_projection_host_label (lesson, actor->host);
          line.host_rank = actor->host[0] >= 'a' && actor->host[0] <= 'z' ? (guint) (actor->host[0] - 'a') : 0;
        }

      g_array_append_val (self->lifelines, line);
    }

  /* Earlier events still teach the projection which port is whose. */
  for (guint position = 0; position < last; position++)
    {
      g_autoptr(JsonObject) event = sockscope_event_log_parse (log, position);

      if (event != NULL)
        sockscope_projection_project (projection, event, position, &build_sink, &build);
    }
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
  g_clear_pointer (&self->slides, g_array_unref);
  g_clear_pointer (&self->fonts, sockscope_diagram_fonts_free);
  g_clear_pointer (&self->texts, g_ptr_array_unref);
  g_free (self->layout_rows);
  g_free (self->returns);
  g_free (self);
}

guint
sockscope_diagram_get_n_rows (SockscopeDiagram *self)
{
  return self->rows->len;
}

gboolean
sockscope_diagram_get_row_ends (SockscopeDiagram *self,
                                guint             index,
                                int              *from,
                                int              *to)
{
  const Row *row;

  if (index >= self->rows->len)
    return FALSE;
  row = &g_array_index (self->rows, Row, index);
  *from = row->from;
  *to = row->kind == ROW_PACKET || row->kind == ROW_SPAWN || row->kind == ROW_SIGNAL ? row->to : row->from;
  return TRUE;
}

guint
sockscope_diagram_get_row_seq (SockscopeDiagram *self,
                               guint             index)
{
  return index < self->rows->len ? g_array_index (self->rows, Row, index).seq : 0;
}

gboolean
sockscope_diagram_get_row (SockscopeDiagram  *self,
                           guint              index,
                           const char       **kind,
                           char             **text)
{
  static const char *kinds[] = { "call", "packet", "state", "spawn", "exit", "signal", "result", "wire" };
  const Row *row;

  if (index >= self->rows->len)
    return FALSE;
  row = &g_array_index (self->rows, Row, index);
  *kind = kinds[row->kind];
  *text = row->extra != NULL ? g_strdup_printf ("%s %s", row->text, row->extra) : g_strdup (row->text);
  return TRUE;
}

/* ---- Slides ------------------------------------------------------------------------------ */

#define SLIDE_FONT_PX 28.0   /* 14 pt on the PDF page, drawn at half the renderer's units */
#define MARGIN        (SOCKSCOPE_DIAGRAM_HEIGHT * 0.035)
#define TITLE_H       (SOCKSCOPE_DIAGRAM_HEIGHT * 0.085)
#define AREA_H        (SOCKSCOPE_DIAGRAM_HEIGHT - TITLE_H - MARGIN)

static char *
row_text (const Row *row)
{
  if (row->kind == ROW_SIGNAL)
    return g_strdup_printf ("⚡ %s", row->text);
  if (row->kind == ROW_STATE)
    return g_strdup_printf ("%s %s", row->text, row->extra);
  return row->extra ? g_strdup_printf ("%s %s", row->text, row->extra) : g_strdup (row->text);
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

/* Whether a call's activation bar runs through row r on lifeline. */
static gboolean
bar_covers (SockscopeDiagram *self,
            int               lifeline,
            guint             r)
{
  for (guint i = 0; i < r; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);

      if (row->kind == ROW_CALL && row->from == lifeline && self->returns[i] > r)
        return TRUE;
    }
  return FALSE;
}

/* The rows as the layout takes them, the fonts it measures with: once. */
static void
prepare (SockscopeDiagram *self)
{
  g_autoptr(PangoFontDescription) base = pango_font_description_from_string ("Sans");
  PangoContext *context;
  cairo_font_options_t *options;

  if (self->fonts != NULL)
    return;
  options = cairo_font_options_create ();
  /* Unhinted metrics: the same widths on a PNG, an SVG and a PDF. */
  context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_font_description_set_absolute_size (base, SLIDE_FONT_PX * PANGO_SCALE);
  self->fonts = sockscope_diagram_fonts_new (context, base);
  g_object_unref (context);

  self->texts = g_ptr_array_new_with_free_func (g_free);
  self->layout_rows = g_new0 (SockscopeLayoutRow, MAX (self->rows->len, 1));
  self->returns = g_new0 (guint, MAX (self->rows->len, 1));
  for (guint i = 0; i < self->rows->len; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);

      g_ptr_array_add (self->texts, row_text (row));
      self->returns[i] = i;
      if (row->kind == ROW_CALL)
        self->returns[i] = row->return_seq ? row_of_seq (self, row->return_seq) : self->rows->len;
    }
  for (guint i = 0; i < self->rows->len; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);
      SockscopeLayoutRow *out = &self->layout_rows[i];

      out->kind = (SockscopeLayoutKind) row->kind;
      out->from = row->from;
      out->to = row->kind == ROW_PACKET || row->kind == ROW_SPAWN || row->kind == ROW_SIGNAL ? row->to : row->from;
      out->text = g_ptr_array_index (self->texts, i);
      out->tagged = row->kind == ROW_CALL && row->blocked_seq != 0;
      out->t_ns = row->t_ns;
      out->arrive_ns = row->arrive_ns;
      out->dropped = row->dropped;
      if (row->kind == ROW_PACKET || row->kind == ROW_SIGNAL)
        {
          out->inset_from = row->from >= 0 && bar_covers (self, row->from, i);
          out->inset_to = row->to >= 0 && bar_covers (self, row->to, i);
        }
    }
}

/* Rows [start, end) laid out with params (measure and size set), current kept in sight. */
static SockscopeLayout *
layout_range (SockscopeDiagram      *self,
              SockscopeLayoutParams *params,
              guint                  start,
              guint                  end,
              guint                  current)
{
  guint n = self->lifelines->len;
  g_autofree SockscopeLayoutLifeline *lines = g_new0 (SockscopeLayoutLifeline, n + 1);
  g_autofree int *parents = g_new0 (int, n + 1);
  g_autofree guint *order = g_new0 (guint, n + 1);
  guint first_seq = start < self->rows->len ? g_array_index (self->rows, Row, start).seq : 0;
  guint last_seq = end > 0 ? g_array_index (self->rows, Row, end - 1).seq : 0;
  gboolean outside = FALSE;

  lifeline_order (self, parents, order);
  for (guint i = 0; i < n; i++)
    {
      const Lifeline *line = lifeline_get (self, (int) i);

      lines[i].label = line->label;
      lines[i].thread = line->thread;
      lines[i].host = line->host;
      lines[i].host_rank = line->host_rank;
      lines[i].shown = line->column >= 0 && line->spawn_seq <= last_seq &&
                       (line->exit_seq == 0 || line->exit_seq >= first_seq);
    }
  for (guint i = start; i < end; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);

      if (row->kind == ROW_PACKET && (row->from < 0 || row->to < 0))
        outside = TRUE;
    }
  /* TRANSLATORS: the column of packets that come from or go to outside the lab */
  params->outside_label = outside ? _("outside") : NULL;
  /* TRANSLATORS: tag next to the name of a thread's lifeline */
  params->thread_tag = _("thread");
  /* TRANSLATORS: tag next to a system call that waits (accept, recv, connect...) */
  params->blocked_tag = _("blocked");
  return sockscope_layout_new (params, lines, order, n, self->layout_rows + start, end - start, current);
}

static SockscopeLayout *
slide_layout (SockscopeDiagram *self,
              guint             start,
              guint             end)
{
  SockscopeLayoutParams params = {
    .width = SOCKSCOPE_DIAGRAM_WIDTH,
    .height = AREA_H,
    .zoom = 1.0,
    .anchor = SOCKSCOPE_LAYOUT_ALL,
    .measure = sockscope_diagram_fonts_measure,
    .measure_data = self->fonts,
  };

  return layout_range (self, &params, start, end, G_MAXUINT);
}

SockscopeLayout *
sockscope_diagram_layout_view (SockscopeDiagram *self,
                               const char       *font,
                               double            width,
                               double            height,
                               double            zoom,
                               gboolean          overview,
                               guint            *first_row)
{
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  SockscopeDiagramFonts *fonts;
  SockscopeLayoutParams params = {
    .width = width,
    .height = MAX (height - SOCKSCOPE_LAYOUT_BUTTONS_H * MAX (1.0, zoom), 1),
    .zoom = zoom,
    .anchor = SOCKSCOPE_LAYOUT_BOTTOM,
    .fit = overview,
    .min_zoom = overview ? MIN (zoom, 0.45) : zoom * 0.8,
    .measure = sockscope_diagram_fonts_measure,
  };
  SockscopeLayout *l;
  guint start;

  prepare (self);
  fonts = sockscope_diagram_fonts_new (context, desc);
  g_object_unref (context);
  params.measure_data = fonts;
  start = overview ? 0 : sockscope_layout_follow_start (&params, self->rows->len);
  l = layout_range (self, &params, start, self->rows->len, self->rows->len > start ? self->rows->len - 1 - start : G_MAXUINT);
  /* The measure goes with the fonts: a layout only keeps numbers and strings. */
  sockscope_diagram_fonts_free (fonts);
  if (first_row != NULL)
    *first_row = start + l->first;
  return l;
}

/* Slides of at most per_slide rows, fewer when they do not fit the page at the slide's size. */
static void
paginate (SockscopeDiagram *self)
{
  guint start = 0, n = self->rows->len;

  if (self->slides != NULL)
    return;
  prepare (self);
  self->slides = g_array_new (FALSE, FALSE, sizeof (guint));
  while (start < n)
    {
      guint end = start + 1;

      while (end < n && end - start < self->per_slide)
        {
          g_autoptr(SockscopeLayout) l = slide_layout (self, start, end + 1);

          if (l->content_height > AREA_H)
            break;
          end++;
        }
      g_array_append_val (self->slides, start);
      start = end;
    }
  if (self->slides->len == 0)
    g_array_append_val (self->slides, start);
}

void
sockscope_diagram_set_per_slide (SockscopeDiagram *self,
                                 guint             per_slide)
{
  g_return_if_fail (self != NULL);

  self->per_slide = per_slide > 0 ? per_slide : SOCKSCOPE_DIAGRAM_PER_SLIDE;
  g_clear_pointer (&self->slides, g_array_unref);
}

guint
sockscope_diagram_get_n_slides (SockscopeDiagram *self)
{
  paginate (self);
  return self->slides->len;
}

static void
slide_range (SockscopeDiagram *self,
             guint             slide,
             guint            *start,
             guint            *end)
{
  paginate (self);
  slide = MIN (slide, self->slides->len - 1);
  *start = g_array_index (self->slides, guint, slide);
  *end = slide + 1 < self->slides->len ? g_array_index (self->slides, guint, slide + 1) : self->rows->len;
}

double
sockscope_diagram_get_font_px (SockscopeDiagram *self)
{
  return SLIDE_FONT_PX;
}

/* ---- Drawing ----------------------------------------------------------------------------- */

static void
set_rgb (cairo_t            *cr,
         const SockscopeRgb *c,
         double              alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, alpha);
}

/* A box filled with its colour over white, opaque, so lifelines do not show through. */
static void
draw_box (cairo_t                   *cr,
          const SockscopeRgb        *tint,
          const SockscopeLayoutRect *r,
          double                     radius,
          double                     tint_alpha,
          double                     border_alpha,
          double                     line_width)
{
  sockscope_diagram_paint_rounded (cr, r->x, r->y, r->width, r->height, radius);
  cairo_set_source_rgb (cr, BG.red + (tint->red - BG.red) * tint_alpha, BG.green + (tint->green - BG.green) * tint_alpha,
                        BG.blue + (tint->blue - BG.blue) * tint_alpha);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, BG.red + (tint->red - BG.red) * border_alpha, BG.green + (tint->green - BG.green) * border_alpha,
                        BG.blue + (tint->blue - BG.blue) * border_alpha);
  cairo_set_line_width (cr, line_width);
  cairo_stroke (cr);
}

static void
show_line (PangoLayout *layout,
           double       x,
           double       y,
           gpointer     data)
{
  cairo_t *cr = data;

  cairo_move_to (cr, x, y);
  set_rgb (cr, &FG, 1);
  pango_cairo_show_layout (cr, layout);
}

/* The wrapped lines of a box (pill: a pill's pads, else a box's). */
static void
draw_lines (SockscopeDiagram          *self,
            cairo_t                   *cr,
            const SockscopeLayout     *l,
            const SockscopeLayoutRect *box,
            gboolean                   pill,
            SockscopeLayoutFont        font,
            const char                *text,
            char                     **lines,
            gsize                      bold_start,
            gsize                      bold_end,
            const SockscopeRgb        *emphasis)
{
  sockscope_diagram_fonts_show (self->fonts, font, l->zoom, text, lines, box, pill ? l->pill_pad_x : l->pad_x,
                                pill ? l->pill_pad_y : l->pad_y, bold_start, bold_end, emphasis, show_line, cr);
}

static void
draw_title (SockscopeDiagram *self,
            cairo_t          *cr,
            guint             slide,
            guint             start,
            guint             end)
{
  g_autofree char *caption = NULL;
  PangoLayout *layout;
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string ("Sans Bold");
  int tw, th;

  layout = pango_cairo_create_layout (cr);
  pango_font_description_set_absolute_size (desc, SOCKSCOPE_DIAGRAM_HEIGHT * 0.036 * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, diagram_title (self), -1);
  pango_layout_get_pixel_size (layout, NULL, &th);
  cairo_move_to (cr, MARGIN, MARGIN / 2 + (TITLE_H - MARGIN / 2 - th) / 2);
  set_rgb (cr, &FG, 1);
  pango_cairo_show_layout (cr, layout);

  if (self->slides->len > 1)
    /* TRANSLATORS: under an exported diagram: which events it shows, which slide of how many */
    caption = g_strdup_printf (_("events %u–%u of %u · slide %u/%u"), g_array_index (self->rows, Row, start).seq,
                               g_array_index (self->rows, Row, end - 1).seq, self->n_events, slide + 1,
                               self->slides->len);
  else
    /* TRANSLATORS: under an exported diagram: which events of the session it shows */
    caption = g_strdup_printf (_("events %u–%u of %u"), self->first, self->last, self->n_events);
  pango_font_description_set_weight (desc, PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (desc, SLIDE_FONT_PX * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, caption, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, SOCKSCOPE_DIAGRAM_WIDTH - MARGIN - tw, MARGIN / 2 + (TITLE_H - MARGIN / 2 - th) / 2);
  set_rgb (cr, &GREY, 1);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static double
rows_bottom (const SockscopeLayout *l)
{
  return l->n_rows > 0 ? l->rows[l->n_rows - 1].y + l->rows[l->n_rows - 1].height : l->header_h;
}

static void
draw_lifelines (SockscopeDiagram      *self,
                cairo_t               *cr,
                const SockscopeLayout *l,
                guint                  start,
                guint                  end)
{
  const double dashes[] = { 8, 5 };
  const double dots[] = { 0.01, 7 };

  if (l->outside.shown)
    {
      cairo_save (cr);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_set_line_width (cr, 1.5);
      set_rgb (cr, &FG, 0.35);
      cairo_move_to (cr, l->outside.x, l->header_h);
      cairo_line_to (cr, l->outside.x, rows_bottom (l));
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  for (guint i = 0; i < l->n_columns; i++)
    {
      const Lifeline *line = lifeline_get (self, (int) i);
      SockscopeRgb colour = sockscope_palette_actor (i, FALSE);
      double top = l->header_h, bottom = rows_bottom (l);
      guint at;

      if (!l->columns[i].shown)
        continue;
      at = row_of_seq (self, line->spawn_seq);
      if (line->spawn_seq != 0 && at >= start && at < end)
        top = sockscope_layout_get_row (l, at - start)->ya;
      at = row_of_seq (self, line->exit_seq);
      if (line->exit_seq != 0 && at >= start && at < end)
        bottom = sockscope_layout_get_row (l, at - start)->ya;

      cairo_save (cr);
      /* A thread's lifeline is dotted: it runs inside its process, sharing its sockets. */
      cairo_set_line_cap (cr, line->thread ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
      cairo_set_dash (cr, line->thread ? dots : dashes, 2, 0);
      cairo_set_line_width (cr, line->thread ? 4 : 2.5);
      set_rgb (cr, &colour, 0.6);
      cairo_move_to (cr, l->columns[i].x, top);
      cairo_line_to (cr, l->columns[i].x, bottom);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
}

static void
draw_headers (SockscopeDiagram      *self,
              cairo_t               *cr,
              const SockscopeLayout *l)
{
  for (int i = -1; i < (int) l->n_columns; i++)
    {
      const SockscopeLayoutColumn *column = i < 0 ? &l->outside : &l->columns[i];
      SockscopeRgb colour = i < 0 ? GREY : sockscope_palette_actor ((guint) i, FALSE);
      g_autofree char *label = NULL;

      if (!column->shown)
        continue;
      label = g_strjoinv (" ", column->lines);
      draw_box (cr, &colour, &column->header, l->line_h * 0.3, i < 0 ? 0.05 : 0.15, 1, 2.5);
      draw_lines (self, cr, l, &column->header, FALSE, SOCKSCOPE_LAYOUT_BOLD, label, column->lines, 0, 0, NULL);
      if (column->tag.width > 0)
        {
          char *lines[] = { (char *) _("thread"), NULL };

          draw_box (cr, &GREY, &column->tag, column->tag.height / 2, 0.12, 1, 1.5);
          draw_lines (self, cr, l, &column->tag, TRUE, SOCKSCOPE_LAYOUT_SANS, lines[0], lines, 0, 0, NULL);
        }
    }
}

/* Activation bars: a call that returns rows after it started, on this slide or beyond. */
static void
draw_bars (SockscopeDiagram      *self,
           cairo_t               *cr,
           const SockscopeLayout *l,
           guint                  start,
           guint                  end)
{
  double w = l->line_h * 0.6;

  for (guint i = 0; i < end; i++)
    {
      const Row *row = &g_array_index (self->rows, Row, i);
      guint ret = self->returns[i];
      SockscopeRgb colour;
      SockscopeLayoutRect bar;
      double top, bottom;

      if (row->kind != ROW_CALL || ret <= i + 1 || ret < start || !l->columns[row->from].shown)
        continue;
      colour = sockscope_palette_actor ((guint) row->from, FALSE);
      top = i >= start ? sockscope_layout_get_row (l, i - start)->ya : l->header_h;
      if (ret < end)
        {
          const SockscopeLayoutBox *box = sockscope_layout_get_row (l, ret - start);

          bottom = g_array_index (self->rows, Row, ret).kind == ROW_RESULT ? box->ya : box->y + l->line_h * 0.2;
        }
      else
        bottom = rows_bottom (l);
      bar = (SockscopeLayoutRect) { l->columns[row->from].x - w / 2, top, w, bottom - top };
      draw_box (cr, row->blocked_seq ? &WARNING : &colour, &bar, 2, row->blocked_seq ? 0.3 : 0.15, 0.6, 1.5);
    }
}

static void
draw_row (SockscopeDiagram         *self,
          cairo_t                  *cr,
          const SockscopeLayout    *l,
          guint                     index,
          const SockscopeLayoutBox *box)
{
  const Row *row = &g_array_index (self->rows, Row, index);
  const char *text = g_ptr_array_index (self->texts, index);
  int actor = row->kind == ROW_SIGNAL ? row->to : row->from;
  SockscopeRgb colour = actor >= 0 ? sockscope_palette_actor ((guint) actor, FALSE) : GREY;
  gsize split = row->extra ? strlen (row->text) + 1 : 0;
  const char *space = strchr (text, ' ');

  switch (row->kind)
    {
    case ROW_CALL:
    case ROW_RESULT:
      draw_box (cr, &colour, &box->box, l->line_h * 0.25, 0.10, 1.0, 2);
      draw_lines (self, cr, l, &box->box, FALSE, SOCKSCOPE_LAYOUT_MONO, text, box->lines,
                  split ? split : strlen (text), strlen (text), row->failed ? &ERROR_RGB : NULL);
      if (box->tag.width > 0)
        {
          char *lines[] = { (char *) _("blocked"), NULL };

          draw_box (cr, &WARNING, &box->tag, box->tag.height / 2, 0.15, 1, 2);
          draw_lines (self, cr, l, &box->tag, TRUE, SOCKSCOPE_LAYOUT_SANS, lines[0], lines, 0, 0, NULL);
        }
      break;
    case ROW_STATE:
      {
        SockscopeRgb family = sockscope_diagram_state_family_colour (sockscope_diagram_state_family (row->extra), FALSE);

        draw_box (cr, &family, &box->box, box->box.height / 2, 0.22, 1, 2);
        draw_lines (self, cr, l, &box->box, TRUE, SOCKSCOPE_LAYOUT_SANS, text, box->lines, split, strlen (text),
                    NULL);
      }
      break;
    case ROW_EXIT:
      {
        double c = l->line_h * 0.45;
        const SockscopeRgb *mark = row->failed ? &ERROR_RGB : &FG;

        cairo_save (cr);
        cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_width (cr, 4);
        set_rgb (cr, mark, 1);
        cairo_move_to (cr, box->xa - c, box->ya - c);
        cairo_line_to (cr, box->xa + c, box->ya + c);
        cairo_move_to (cr, box->xa + c, box->ya - c);
        cairo_line_to (cr, box->xa - c, box->ya + c);
        cairo_stroke (cr);
        cairo_restore (cr);
        draw_box (cr, row->failed ? &ERROR_RGB : &GREY, &box->box, box->box.height / 2, 0.12, 1, 1.5);
        draw_lines (self, cr, l, &box->box, TRUE, SOCKSCOPE_LAYOUT_SANS, text, box->lines, 0, 0, NULL);
      }
      break;
    case ROW_PACKET:
    case ROW_SPAWN:
    case ROW_SIGNAL:
      {
        gboolean kernel = row->kind == ROW_PACKET && row->cause_seq == 0;
        const SockscopeRgb *tint = row->kind == ROW_SIGNAL ? &WARNING : kernel || row->from < 0 ? &GREY : &colour;
        SockscopeLayoutFont font = row->kind == ROW_SPAWN ? SOCKSCOPE_LAYOUT_MONO : SOCKSCOPE_LAYOUT_SANS;

        if (row->kind == ROW_SIGNAL)
          colour = WARNING;
        if (box->arrow)
          {
            cairo_save (cr);
            cairo_translate (cr, box->xa, box->ya);
            if (box->cut || box->late)
              sockscope_diagram_paint_lost (cr, box->xb - box->xa, box->yb - box->ya, 1.0, 3.0, kernel, tint,
                                            box->cut ? &ERROR_RGB : NULL, NULL, 0);
            else
              sockscope_diagram_paint_arrow (cr, box->xb - box->xa, box->yb - box->ya, 1.0, 3.0,
                                             kernel || row->kind == ROW_SIGNAL, tint, NULL, 0);
            cairo_restore (cr);
          }
        else
          {
            cairo_arc (cr, box->xa, box->ya, l->line_h * 0.25, 0, 2 * G_PI);
            set_rgb (cr, tint, 1);
            cairo_fill (cr);
          }
        draw_box (cr, tint, &box->box, box->box.height / 2, 0.08, 0.7, 1.5);
        draw_lines (self, cr, l, &box->box, TRUE, font, text, box->lines, 0,
                    row->kind == ROW_SPAWN ? 0 : space && row->kind == ROW_PACKET ? (gsize) (space - text) : strlen (text),
                    NULL);
      }
      break;
    case ROW_WIRE:
      draw_box (cr, &WARNING, &box->box, box->box.height / 2, 0.12, 1, 2);
      draw_lines (self, cr, l, &box->box, TRUE, SOCKSCOPE_LAYOUT_SANS, text, box->lines, 0, 0, NULL);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Two hosts: a band above each host's actors with its name and address, and the wire between
 * them, drawn thick from the bands down. */
static void
draw_hosts (SockscopeDiagram      *self,
            cairo_t               *cr,
            const SockscopeLayout *l)
{
  for (guint h = 0; h < l->n_hosts; h++)
    {
      const SockscopeLayoutHost *host = &l->hosts[h];
      g_autofree char *label = NULL;
      double widest = 0;
      SockscopeLayoutRect text;

      if (!host->shown)
        continue;
      label = g_strjoinv (" ", host->lines);
      for (guint i = 0; i < host->n_lines; i++)
        {
          double w = 0, th = 0;

          sockscope_diagram_fonts_measure (self->fonts, SOCKSCOPE_LAYOUT_BOLD, l->zoom, host->lines[i], &w, &th);
          widest = MAX (widest, w);
        }
      draw_box (cr, &FG, &host->band, l->line_h * 0.3, 0.06, 0.45, 2);
      text = host->band;
      text.width = MIN (host->band.width, widest + 2 * l->pad_x);
      text.x = host->band.x + (host->band.width - text.width) / 2;
      draw_lines (self, cr, l, &text, FALSE, SOCKSCOPE_LAYOUT_BOLD, label, host->lines, 0, 0, NULL);
    }
  if (l->wire_x > 0)
    {
      double top = l->hosts[0].band.y + l->hosts[0].band.height / 2;

      cairo_save (cr);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      cairo_set_line_width (cr, 7);
      set_rgb (cr, &GREY, 0.35);
      cairo_move_to (cr, l->wire_x, top);
      cairo_line_to (cr, l->wire_x, rows_bottom (l));
      cairo_stroke (cr);
      cairo_restore (cr);
    }
}

void
sockscope_diagram_draw_slide (SockscopeDiagram *self,
                              cairo_t          *cr,
                              guint             slide)
{
  g_autoptr(SockscopeLayout) l = NULL;
  guint start, end;

  g_return_if_fail (self != NULL);

  slide_range (self, slide, &start, &end);
  l = slide_layout (self, start, end);
  cairo_save (cr);
  set_rgb (cr, &BG, 1);
  cairo_paint (cr);
  draw_title (self, cr, MIN (slide, self->slides->len - 1), start, end);
  cairo_translate (cr, 0, TITLE_H);
  draw_hosts (self, cr, l);
  draw_lifelines (self, cr, l, start, end);
  draw_bars (self, cr, l, start, end);
  for (guint i = 0; i < l->n_rows; i++)
    draw_row (self, cr, l, start + i, &l->rows[i]);
  draw_headers (self, cr, l);
  cairo_restore (cr);
}

SockscopeLayout *
sockscope_diagram_layout_slide (SockscopeDiagram *self,
                                guint             slide,
                                guint            *first_row)
{
  guint start, end;

  slide_range (self, slide, &start, &end);
  if (first_row != NULL)
    *first_row = start;
  return slide_layout (self, start, end);
}

/* ---- Files ------------------------------------------------------------------------------- */

/* out.png → out-3.png, for the third of several slides. */
char *
sockscope_diagram_slide_path (const char *path,
                              guint       slide)
{
  const char *base = strrchr (path, '/');
  const char *dot = strrchr (base ? base : path, '.');

  if (dot == NULL || dot == (base ? base + 1 : path))
    return g_strdup_printf ("%s-%u", path, slide + 1);
  return g_strdup_printf ("%.*s-%u%s", (int) (dot - path), path, slide + 1, dot);
}

static gboolean
check_status (cairo_status_t   status,
              const char      *path,
              GError         **error)
{
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write the diagram to %s: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* One file: a PNG or an SVG of one slide. */
static gboolean
export_image (SockscopeDiagram        *self,
              SockscopeDiagramFormat   format,
              guint                    slide,
              const char              *path,
              GError                 **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (format == SOCKSCOPE_DIAGRAM_PNG)
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, SOCKSCOPE_DIAGRAM_WIDTH, SOCKSCOPE_DIAGRAM_HEIGHT);
  else
    {
      surface = cairo_svg_surface_create (path, SOCKSCOPE_DIAGRAM_WIDTH, SOCKSCOPE_DIAGRAM_HEIGHT);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
    }
  cr = cairo_create (surface);
  sockscope_diagram_draw_slide (self, cr, slide);
  cairo_destroy (cr);
  if (format == SOCKSCOPE_DIAGRAM_PNG)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  return check_status (status, path, error);
}

gboolean
sockscope_diagram_export (SockscopeDiagram        *self,
                          SockscopeDiagramFormat   format,
                          const char              *path,
                          GError                 **error)
{
  guint n = sockscope_diagram_get_n_slides (self);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (format != SOCKSCOPE_DIAGRAM_PDF)
    {
      /* Several slides: numbered files, out-1.png, out-2.png… */
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *file = n > 1 ? sockscope_diagram_slide_path (path, i) : g_strdup (path);

          if (!export_image (self, format, i, file, error))
            return FALSE;
        }
      return TRUE;
    }

  /* A 16:9 page of 33.9 × 19.05 cm, the size of a slide in presentation programs; a page a
   * slide. */
  surface = cairo_pdf_surface_create (path, SOCKSCOPE_DIAGRAM_WIDTH / 2, SOCKSCOPE_DIAGRAM_HEIGHT / 2);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  diagram_title (self));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Sockscope " PACKAGE_VERSION);
  cr = cairo_create (surface);
  cairo_scale (cr, 0.5, 0.5);
  for (guint i = 0; i < n; i++)
    {
      sockscope_diagram_draw_slide (self, cr, i);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return check_status (status, path, error);
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
