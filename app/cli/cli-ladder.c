/* cli-ladder.c: the text ladder (see the header).
 *
 * Each event the projection turns into an item is one row, in the log's order: a call where it
 * starts, "blocks" when the lab says it waits, its result where it returns (after the packets
 * that woke it), a packet as an arrow from the lifeline of the actor the lab says sent it to
 * the one it says received it. Notes (the steps' texts) are paragraphs between rows. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "cli-canvas.h"
#include "cli-ladder.h"
#include "sockscope-layout.h"
#include "sockscope-projection.h"

#define MARGIN 2
#define MIN_LANE 8
#define MAX_LANE 44
#define MAX_TEXT 100   /* a paragraph reads best no wider, however wide the terminal */
#define MAX_COLUMNS 65 /* a lesson has at most 64 actors; traced programs stop at 64 processes */

struct _CliLadder
{
  SockscopeLesson     *lesson;
  SockscopeProjection *projection;
  gboolean             json;
  CliCanvas           *canvas;
  guint                lane;        /* cells the header's names may take */
  guint               *x;           /* column -> the cell its lifeline is drawn in */
  guint                n_columns;
  guint               *column_of;   /* lifeline -> column */
  gboolean            *alive;       /* per column: its lifeline is drawn */
  GPtrArray           *names;       /* lifeline -> actor name */
  GHashTable          *call_lifeline; /* call seq -> lifeline + 1 */
  GHashTable          *call_names;    /* call seq -> call name */
  JsonObject          *event;       /* the event being projected, NULL for a packet read without a tree: */
  const SockscopeLoggedPacket *packet;  /* that packet */
  SockscopeEventLog   *log;             /* and its log and position */
  guint                position;
  gboolean             headed;      /* the actors' names are printed */
  guint                printed;     /* events of the log printed so far */
  char                *hosts[MAX_COLUMNS]; /* lifeline → its host's label (two hosts), or NULL */
  char                *host_names[2]; /* no lesson (trace --hosts): the hosts' names, or NULL */
  /* A packet that crossed the wire waits for what the wire did to it (the lab logs its wire
   * events right after it), then is printed with it: cut short, marked, or twice. */
  gboolean             pending;
  guint                pending_seq;
  int                  pending_a, pending_b, pending_colour;
  char                *pending_label;
  GString             *pending_marks;
  gboolean             pending_dropped;
  guint                pending_copies;
  GHashTable          *wire_labels;   /* seq → WireLabel of the packets that crossed the wire */
};

/* No lesson: the names of the two hosts (trace --hosts=A,B) above their programs' columns. */
void
cli_ladder_set_host_names (CliLadder  *self,
                           const char *a,
                           const char *b)
{
  g_free (self->host_names[0]);
  g_free (self->host_names[1]);
  self->host_names[0] = g_strdup (a);
  self->host_names[1] = g_strdup (b);
}

/* A terminal measures text in cells, one line high. */
static void
measure_cells (gpointer             data,
               SockscopeLayoutFont  font,
               double               scale,
               const char          *text,
               double              *width,
               double              *height)
{
  *width = cli_text_width (text);
  *height = 1;
}

/* Lanes sharing the terminal's width equally: every lifeline on screen. */
static void
equal_lanes (CliLadder *self)
{
  guint n = self->n_columns, width = cli_canvas_get_width (self->canvas) - MARGIN - 1;

  self->lane = n > 0 ? CLAMP (width / n, MIN_LANE, MAX_LANE) : MAX_LANE;
  for (guint c = 0; c < n; c++)
    self->x[c] = MARGIN + c * self->lane;
}

/* Where each lifeline stands: the diagram's layout (app/diagram/sockscope-layout.c), in cells,
 * of the lesson's calls, so that an actor's lane is as wide as its calls need, in the terminal's
 * width. When even that does not fit, lanes share the width equally: every lifeline on screen,
 * the texts wrapped in them. */
static void
place_lifelines (CliLadder   *self,
                 const guint *order)
{
  guint n = self->n_columns, width = cli_canvas_get_width (self->canvas) - MARGIN - 1;
  guint n_steps = sockscope_lesson_get_n_steps (self->lesson);
  g_autofree SockscopeLayoutLifeline *lifelines = g_new0 (SockscopeLayoutLifeline, n + 1);
  g_autofree SockscopeLayoutRow *rows = g_new0 (SockscopeLayoutRow, n_steps + 1);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SockscopeLayout) layout = NULL;
  SockscopeLayoutParams params = {
    .width = width, .height = G_MAXINT, .zoom = 1, .anchor = SOCKSCOPE_LAYOUT_ALL,
    .cells = TRUE, .measure = measure_cells,
  };

  equal_lanes (self);
  if (n < 2)
    return;

  for (guint l = 0; l < n; l++)
    lifelines[l] = (SockscopeLayoutLifeline) { g_ptr_array_index (self->names, l), TRUE, FALSE };
  for (guint i = 0; i < n_steps; i++)
    {
      const SockscopeStep *step = sockscope_lesson_get_step (self->lesson, i + 1);
      char *text = sockscope_step_to_string (step);

      g_ptr_array_add (texts, text);
      rows[i] = (SockscopeLayoutRow) { SOCKSCOPE_LAYOUT_CALL, sockscope_lesson_find_actor (self->lesson, step->actor), -1, text };
    }
  layout = sockscope_layout_new (&params, lifelines, order, n, rows, n_steps, G_MAXUINT);
  if (layout == NULL || layout->content_width > width)
    return;
  for (guint l = 0; l < n; l++)
    self->x[self->column_of[l]] = MARGIN + (guint) layout->columns[l].left;
  self->lane = width;
  for (guint c = 0; c + 1 < n; c++)
    self->lane = MIN (self->lane, self->x[c + 1] - self->x[c]);
}

CliLadder *
cli_ladder_new (SockscopeLesson *lesson,
                gboolean         json)
{
  CliLadder *self = g_new0 (CliLadder, 1);
  guint n = lesson != NULL ? MIN (sockscope_lesson_get_n_actors (lesson), MAX_COLUMNS - 1) : 0;
  g_autofree int *parents = g_new0 (int, n + 1);
  g_autofree guint *order = g_new0 (guint, n + 1);

  self->json = json;
  self->canvas = cli_canvas_new ();
  if (json)
    return self;
  self->lesson = lesson != NULL ? g_object_ref (lesson) : NULL;
  self->projection = sockscope_projection_new (lesson, FALSE);
  self->n_columns = n;
  self->column_of = g_new0 (guint, MAX_COLUMNS);
  self->alive = g_new0 (gboolean, MAX_COLUMNS);
  self->x = g_new0 (guint, MAX_COLUMNS);
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->call_lifeline = g_hash_table_new (NULL, NULL);
  self->call_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  if (lesson == NULL)
    return self;
  sockscope_projection_lesson_order (lesson, parents, order);
  for (guint c = 0; c < n; c++)
    {
      self->column_of[order[c]] = c;
      /* The actors the lab starts are there from the start; a child from its fork. */
      self->alive[c] = parents[order[c]] < 0;
      g_ptr_array_add (self->names, g_strdup (sockscope_lesson_get_actor (lesson, c)->name));
    }
  place_lifelines (self, order);
  return self;
}

static void flush_pending (CliLadder *self);

void
cli_ladder_free (CliLadder *self)
{
  if (self == NULL)
    return;
  if (!self->json && self->pending)
    {
      flush_pending (self);
      fflush (stdout);
    }
  g_clear_object (&self->lesson);
  g_clear_pointer (&self->canvas, cli_canvas_free);
  g_clear_pointer (&self->projection, sockscope_projection_free);
  g_free (self->column_of);
  g_free (self->x);
  g_free (self->alive);
  g_clear_pointer (&self->names, g_ptr_array_unref);
  g_clear_pointer (&self->call_lifeline, g_hash_table_unref);
  g_clear_pointer (&self->call_names, g_hash_table_unref);
  for (guint i = 0; i < MAX_COLUMNS; i++)
    g_free (self->hosts[i]);
  g_free (self->host_names[0]);
  g_free (self->host_names[1]);
  g_free (self->pending_label);
  g_clear_pointer (&self->wire_labels, g_hash_table_unref);
  if (self->pending_marks != NULL)
    g_string_free (self->pending_marks, TRUE);
  g_free (self);
}

gboolean
cli_ladder_is_json (CliLadder *self)
{
  return self->json;
}

static int
column (CliLadder *self,
        int        lifeline)
{
  return lifeline >= 0 && (guint) lifeline < self->n_columns ? (int) self->column_of[lifeline] : -1;
}

static guint
x_of (CliLadder *self,
      int        c)
{
  return self->x[c];
}

/* The lesson's index of the actor drawn in column @c: its colour. */
static int
colour_of_column (CliLadder *self,
                  int        c)
{
  for (guint l = 0; c >= 0 && l < self->n_columns; l++)
    if (self->column_of[l] == (guint) c)
      return (int) l;
  return CLI_PLAIN;
}

/* A row with every live lifeline. */
static CliRow *
lifelines (CliLadder *self)
{
  CliRow *row = cli_row_new (self->canvas);

  for (guint c = 0; c < self->n_columns; c++)
    if (self->alive[c])
      cli_row_put (row, x_of (self, (int) c), "│", colour_of_column (self, (int) c), FALSE);
  return row;
}

/* @text beside column @c's lifeline (at the margin for none), wrapped to the terminal. */
static void
print_in_column (CliLadder  *self,
                 int         c,
                 const char *text,
                 int         colour,
                 gboolean    bold)
{
  guint x = c < 0 ? MARGIN : x_of (self, c) + 2;
  guint width = cli_canvas_get_width (self->canvas);
  g_auto(GStrv) lines = cli_text_wrap (text, width > x ? width - x : 8);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      CliRow *row = lifelines (self);

      cli_row_put (row, x, lines[i], colour, bold);
      cli_row_print (row);
    }
}

void
cli_ladder_print_wrapped (CliLadder  *self,
                          const char *prefix,
                          const char *text)
{
  guint width = MIN (cli_canvas_get_width (self->canvas), MAX_TEXT);
  guint indent = cli_text_width (prefix) + 1;
  g_auto(GStrv) lines = NULL;

  flush_pending (self);
  /* A long prefix ("[question 3] ✗ you said …:") stands on its own line, so that the
   * explanation reads as a paragraph rather than a column one word wide. */
  if (indent > width / 3)
    {
      CliRow *row = cli_row_new (self->canvas);

      cli_row_put (row, 0, prefix, CLI_PLAIN, TRUE);
      cli_row_print (row);
      indent = 4;
      prefix = "";
    }
  lines = cli_text_wrap (text, width - indent);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      CliRow *row = cli_row_new (self->canvas);

      if (i == 0)
        cli_row_put (row, 0, prefix, CLI_PLAIN, TRUE);
      cli_row_put (row, indent, lines[i], CLI_PLAIN, FALSE);
      cli_row_print (row);
    }
}

void
cli_ladder_print_prompt (CliLadder  *self,
                         const char *text)
{
  guint width = MIN (cli_canvas_get_width (self->canvas), MAX_TEXT);
  const char *body = text + strspn (text, " ");
  guint indent = (guint) (body - text);
  g_auto(GStrv) lines = NULL;

  /* Read by a program (a pipe): one line a prompt. */
  if (!isatty (STDERR_FILENO))
    {
      fprintf (stderr, "%s\n", text);
      return;
    }
  lines = cli_text_wrap (body, width - indent);

  for (guint i = 0; lines[i] != NULL; i++)
    fprintf (stderr, "%*s%s\n", (int) (i == 0 ? indent : indent + 3), "", lines[i]);
}

static int
call_column (CliLadder *self,
             guint      call_seq)
{
  return column (self, (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->call_lifeline,
                                                                    GUINT_TO_POINTER (call_seq))) - 1);
}

static void
on_call (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *text, guint step)
{
  CliLadder *self = data;
  const char *assign = json_object_get_string_member_with_default (self->event, "assign", NULL);
  const char *paren = text ? strchr (text, '(') : NULL;
  JsonObject *source = json_object_has_member (self->event, "source") ? json_object_get_object_member (self->event, "source") : NULL;
  const char *file = source ? json_object_get_string_member_with_default (source, "file", NULL) : NULL;
  g_autofree char *where = file ? g_strdup_printf ("  (%s:%" G_GINT64_FORMAT ")", strrchr (file, '/') ? strrchr (file, '/') + 1 : file,
                                                   json_object_get_int_member_with_default (source, "line", 0)) : NULL;
  g_autofree char *line = g_strdup_printf ("%s%s%s%s", assign ? assign : "", assign ? " = " : "", text ? text : "?",
                                           where ? where : "");

  g_hash_table_insert (self->call_lifeline, GUINT_TO_POINTER (seq), GUINT_TO_POINTER (lifeline + 1));
  g_hash_table_insert (self->call_names, GUINT_TO_POINTER (seq),
                       paren ? g_strndup (text, paren - text) : g_strdup (text ? text : "?"));
  print_in_column (self, column (self, (int) lifeline), line, (int) lifeline, TRUE);
}

static void
on_blocked (gpointer data, guint call_seq, guint seq, guint step, const char *call)
{
  CliLadder *self = data;
  g_autofree char *text = g_strdup_printf (_("%s blocks: it waits…"), call ? call : "?");

  print_in_column (self, call_column (self, call_seq), text, CLI_DIM, FALSE);
}

static void
on_result (gpointer data, guint call_seq, guint seq, gint64 t_ns, guint step, const char *result,
           gboolean failed)
{
  CliLadder *self = data;
  const char *name = g_hash_table_lookup (self->call_names, GUINT_TO_POINTER (call_seq));
  const char *strerror_text = json_object_get_string_member_with_default (self->event, "strerror", NULL);
  g_autofree char *text = g_strdup_printf ("%s %s%s%s%s", name ? name : "?", result,
                                           strerror_text ? " (" : "", strerror_text ? strerror_text : "",
                                           strerror_text ? ")" : "");

  print_in_column (self, call_column (self, call_seq), text, failed ? CLI_ERROR : CLI_PLAIN, FALSE);
}

static void
on_state (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *socket, const char *state)
{
  CliLadder *self = data;
  const char *local = json_object_get_string_member_with_default (self->event, "local", "?");
  const char *peer = json_object_get_string_member_with_default (self->event, "peer", "?");
  g_autofree char *text = NULL;

  if (g_strcmp0 (state, "LISTEN") == 0)
    text = g_strdup_printf (_("[%s %s %s, accept queue %d/%d]"), socket ? socket : "", state, local,
                            (int) json_object_get_int_member_with_default (self->event, "recv_q", 0),
                            (int) json_object_get_int_member_with_default (self->event, "send_q", 0));
  else
    text = g_strdup_printf ("[%s %s %s ↔ %s]", socket ? socket : "", state ? state : "?", local, peer);
  print_in_column (self, column (self, (int) lifeline), text, CLI_DIM, FALSE);
}

/* One end of an arrow the lab could not tie to an actor: the outside, or a closed port. */
static char *
endpoint (JsonObject *pkt,
          gboolean    source)
{
  const char *addr = json_object_get_string_member_with_default (pkt, source ? "src" : "dst", "?");
  gint64 port = json_object_get_int_member_with_default (pkt, source ? "sport" : "dport", 0);

  return port > 0 ? g_strdup_printf (strchr (addr, ':') ? "[%s]:%" G_GINT64_FORMAT : "%s:%" G_GINT64_FORMAT,
                                     addr, port)
                  : g_strdup (addr);
}

/* An arrow from column @a to column @b, its label inside when it fits, else on the row above. */
static void
print_arrow (CliLadder  *self,
             int         a,
             int         b,
             const char *label,
             int         colour)
{
  guint left = x_of (self, MIN (a, b)), right = x_of (self, MAX (a, b));
  guint span = right - left - 1;
  guint label_width = cli_text_width (label);
  gboolean inside = label_width + 6 <= span;
  CliRow *row;

  if (!inside)
    print_in_column (self, MIN (a, b), label, colour, FALSE);
  row = lifelines (self);
  /* Both ends touch their lifelines, even one whose process has just ended (its FIN). */
  cli_row_put (row, left, "│", colour_of_column (self, MIN (a, b)), FALSE);
  cli_row_put (row, right, "│", colour_of_column (self, MAX (a, b)), FALSE);
  for (guint x = left + 1; x < right; x++)
    cli_row_put (row, x, "─", colour, FALSE);
  if (inside)
    {
      g_autofree char *padded = g_strdup_printf (" %s ", label);

      cli_row_put (row, left + 1 + (span - label_width - 2) / 2, padded, colour, FALSE);
    }
  cli_row_put (row, a < b ? right - 1 : left + 1, a < b ? ">" : "<", colour, TRUE);
  cli_row_print (row);
}

/* A packet the wire dropped: from column @a, cut half-way to column @b with an x. */
static void
print_lost_arrow (CliLadder  *self,
                  int         a,
                  int         b,
                  const char *label,
                  int         colour)
{
  guint left = x_of (self, MIN (a, b)), right = x_of (self, MAX (a, b));
  guint mid = (left + right) / 2;
  guint from_x = a < b ? left + 1 : mid + 1, to_x = a < b ? mid : right;
  guint span = to_x > from_x ? to_x - from_x : 0;
  guint label_width = cli_text_width (label);
  gboolean inside = label_width + 4 <= span;
  CliRow *row;

  if (!inside)
    print_in_column (self, MIN (a, b), label, colour, FALSE);
  row = lifelines (self);
  cli_row_put (row, left, "│", colour_of_column (self, MIN (a, b)), FALSE);
  cli_row_put (row, right, "│", colour_of_column (self, MAX (a, b)), FALSE);
  for (guint x = from_x; x < to_x; x++)
    cli_row_put (row, x, "─", colour, FALSE);
  if (inside)
    {
      g_autofree char *padded = g_strdup_printf (" %s ", label);

      cli_row_put (row, from_x + (span - label_width - 2) / 2, padded, colour, FALSE);
    }
  cli_row_put (row, mid, "x", CLI_ERROR, TRUE);
  cli_row_print (row);
}

/* A packet that crossed the wire, for a decision the lab logs after other events. */
typedef struct
{
  char *label;
  int   a, b, colour;
} WireLabel;

static void
wire_label_free (gpointer data)
{
  WireLabel *w = data;

  g_free (w->label);
  g_free (w);
}

/* The packet held for the wire's decisions, printed with them. */
static void
flush_pending (CliLadder *self)
{
  g_autofree char *label = NULL;
  g_autofree char *copy = NULL;

  if (!self->pending)
    return;
  self->pending = FALSE;
  label = self->pending_marks->len > 0 ? g_strdup_printf ("%s · %s", self->pending_label, self->pending_marks->str)
                                       : g_strdup (self->pending_label);
  if (self->pending_dropped)
    print_lost_arrow (self, self->pending_a, self->pending_b, label, self->pending_colour);
  else
    print_arrow (self, self->pending_a, self->pending_b, label, self->pending_colour);
  /* TRANSLATORS: the label of the second arrow of a packet the wire duplicated: "PSH, ACK seq 1:6 (copy)" */
  copy = g_strdup_printf (_("%s (copy)"), self->pending_label);
  for (guint i = 0; i < self->pending_copies; i++)
    print_arrow (self, self->pending_a, self->pending_b, copy, self->pending_colour);
}

static void
on_wire (gpointer data, guint seq, gint64 t_ns, const SockscopeWireItem *item)
{
  CliLadder *self = data;
  g_autofree char *text = NULL;

  if (item->action != SOCKSCOPE_WIRE_SET && self->pending && item->packet_seq == self->pending_seq)
    {
      if (item->action == SOCKSCOPE_WIRE_DROP)
        self->pending_dropped = TRUE;
      if (item->action == SOCKSCOPE_WIRE_DUPLICATE)
        self->pending_copies++;
      if (strstr (self->pending_marks->str, item->text) == NULL)
        g_string_append_printf (self->pending_marks, "%s%s", self->pending_marks->len > 0 ? ", " : "", item->text);
      return;
    }
  flush_pending (self);
  if (item->action == SOCKSCOPE_WIRE_SET)
    /* TRANSLATORS: a note on the wire between two hosts when its rules change: "wire: loss 20 %" */
    text = g_strdup_printf (_("wire: %s"), item->text);
  else
    {
      /* A decision about a packet printed before: a reordered one is known once the packet it
       * was held behind went by. */
      WireLabel *w = self->wire_labels ? g_hash_table_lookup (self->wire_labels, GUINT_TO_POINTER (item->packet_seq)) : NULL;
      const char *label = w != NULL ? w->label : NULL;

      if (w != NULL && item->action == SOCKSCOPE_WIRE_DUPLICATE)
        {
          /* A copy decided after other events: its second arrow where the decision is known. */
          g_autofree char *copy = g_strdup_printf (_("%s (copy)"), w->label);

          print_arrow (self, w->a, w->b, copy, w->colour);
          return;
        }
      if (label != NULL && item->action == SOCKSCOPE_WIRE_REORDER)
        /* TRANSLATORS: the ladder, under the packet a reordered one was held behind:
         * "↑ UDP len=3 (sent before it): reordered, delivered after the packet above" */
        text = g_strdup_printf (_("↑ %s (sent before it): reordered, delivered after the packet above"), label);
      else if (label != NULL)
        text = g_strdup_printf ("↑ %s · %s", label, item->text);
      else
        text = g_strdup_printf ("#%u: %s", item->packet_seq, item->text);
    }
  if (self->n_columns >= 2)
    {
      /* On the wire: centred between the outer lifelines. */
      guint left = x_of (self, 0) + 2, right = x_of (self, (int) self->n_columns - 1) - 1;
      guint room = right > left + 8 ? right - left : cli_canvas_get_width (self->canvas) - left;
      g_auto(GStrv) lines = cli_text_wrap (text, room);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          CliRow *row = lifelines (self);
          guint w = cli_text_width (lines[i]);

          cli_row_put (row, left + (room > w ? (room - w) / 2 : 0), lines[i], CLI_DIM, TRUE);
          cli_row_print (row);
        }
      return;
    }
  print_in_column (self, -1, text, CLI_DIM, TRUE);
}

static void
on_packet (gpointer data, guint seq, gint64 t_ns, int from, int to, const char *label, guint cause_seq)
{
  CliLadder *self = data;
  int a = column (self, from), b = column (self, to);
  /* The sender's colour; what the kernel sends on its own is dimmer. */
  int colour = cause_seq == 0 ? CLI_DIM : from;

  if (a >= 0 && b >= 0 && a != b &&
      (self->event != NULL ? json_object_get_string_member_with_default (self->event, "wire", NULL) : self->packet->wire) != NULL)
    {
      if (self->wire_labels == NULL || g_hash_table_size (self->wire_labels) > 4096)
        {
          g_clear_pointer (&self->wire_labels, g_hash_table_unref);
          self->wire_labels = g_hash_table_new_full (NULL, NULL, NULL, wire_label_free);
        }
      {
        WireLabel *w = g_new (WireLabel, 1);

        w->label = g_strdup (label);
        w->a = a;
        w->b = b;
        w->colour = colour;
        g_hash_table_insert (self->wire_labels, GUINT_TO_POINTER (seq), w);
      }
      self->pending = TRUE;
      self->pending_seq = seq;
      self->pending_a = a;
      self->pending_b = b;
      self->pending_colour = colour;
      g_free (self->pending_label);
      self->pending_label = g_strdup (label);
      if (self->pending_marks == NULL)
        self->pending_marks = g_string_new (NULL);
      g_string_truncate (self->pending_marks, 0);
      self->pending_dropped = FALSE;
      self->pending_copies = 0;
      return;
    }

  if (a < 0 || b < 0 || a == b)
    {
      /* A packet with one end (or none) in the lab: its addresses say where it went. */
      g_autoptr(JsonObject) parsed = self->event == NULL ? sockscope_event_log_parse (self->log, self->position) : NULL;
      JsonObject *pkt = json_object_get_object_member (self->event != NULL ? self->event : parsed, "pkt");
      g_autofree char *src = pkt ? endpoint (pkt, TRUE) : g_strdup ("?");
      g_autofree char *dst = pkt ? endpoint (pkt, FALSE) : g_strdup ("?");
      g_autofree char *text = NULL;

      if (a >= 0 && b < 0)
        /* TRANSLATORS: a packet that reached no socket of the lab: "UDP len=7 ─> 127.0.0.1:9999 (no socket)" */
        text = g_strdup_printf (_("%s ─> %s (no socket)"), label, dst);
      else if (a < 0 && b >= 0)
        /* TRANSLATORS: a packet no socket of the lab sent (an ICMP error, a RST from a closed port) */
        text = g_strdup_printf (_("%s <─ %s (the kernel)"), label, src);
      else
        text = g_strdup_printf ("%s  %s > %s", label, src, dst);
      print_in_column (self, a >= 0 ? a : b, text, colour < 0 ? colour : (a >= 0 ? from : to), FALSE);
      return;
    }
  print_arrow (self, a, b, label, colour);
}

static const char *
actor_name (CliLadder *self,
            guint      lifeline)
{
  return lifeline < self->names->len ? g_ptr_array_index (self->names, lifeline) : "?";
}

static void
on_spawn (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint parent, gboolean thread,
          guint via_seq, const char *text)
{
  CliLadder *self = data;
  int c = column (self, (int) lifeline);
  g_autofree char *line = g_strdup_printf (thread ? _("┌ %s (a thread of %s)") : _("┌ %s (a child of %s)"),
                                           actor_name (self, lifeline), actor_name (self, parent));

  if (c >= 0)
    self->alive[c] = TRUE;
  print_in_column (self, c, line, (int) lifeline, FALSE);
}

static void
on_actor_exit (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint call_seq, const char *text,
         gboolean failed)
{
  CliLadder *self = data;
  int c = column (self, (int) lifeline);
  g_autofree char *line = g_strdup_printf ("└ %s: %s", actor_name (self, lifeline), text);

  print_in_column (self, c, line, failed ? CLI_ERROR : (int) lifeline, FALSE);
  if (c >= 0)
    self->alive[c] = FALSE;
}

static void
on_actor_signal (gpointer data, guint seq, gint64 t_ns, int from, guint to, const char *signal)
{
  CliLadder *self = data;
  g_autofree char *text = g_strdup_printf (_("⚡ %s from %s"), signal,
                                           from >= 0 ? actor_name (self, (guint) from) : "?");

  print_in_column (self, column (self, (int) to), text, (int) to, FALSE);
}

static void print_header (CliLadder *self);
static void print_hosts (CliLadder *self);

/* A traced program (an actor no lesson names) appears: a column of its own, and the names again. */
static void
on_lifeline (gpointer data, guint lifeline, const char *name, int parent, gboolean thread)
{
  CliLadder *self = data;
  guint c = self->n_columns;

  if (c + 1 >= MAX_COLUMNS || lifeline != self->names->len)
    return;
  self->n_columns++;
  self->column_of[lifeline] = c;
  self->alive[c] = TRUE;
  g_ptr_array_add (self->names, g_strdup (name));
  equal_lanes (self);
  /* a traced program on one of two hosts (trace --hosts): its host above it */
  if (self->event != NULL && json_object_has_member (self->event, "host") && lifeline < MAX_COLUMNS)
    {
      gboolean b = g_strcmp0 (json_object_get_string_member_with_default (self->event, "host", "a"), "b") == 0;

      g_free (self->hosts[lifeline]);
      self->hosts[lifeline] = self->host_names[b] != NULL
                              ? g_strdup_printf ("%s · %s", self->host_names[b], b ? "192.0.2.2" : "192.0.2.1")
                              : sockscope_projection_host_label_named (self->lesson, b ? "b" : "a",
                                                                       json_object_get_string_member_with_default (self->event, "host_name", NULL));
    }
  print_hosts (self);
  print_header (self);
}

static const SockscopeProjectionSink ladder_sink = {
  .wire = on_wire,
  .lifeline = on_lifeline,
  .call = on_call,
  .blocked = on_blocked,
  .result = on_result,
  .state = on_state,
  .packet = on_packet,
  .spawn = on_spawn,
  .exit = on_actor_exit,
  .signal = on_actor_signal,
};

static void
print_note (CliLadder  *self,
            JsonObject *event)
{
  JsonNode *step = json_object_get_member (event, "step");
  g_autofree char *prefix = NULL;

  if (step != NULL && JSON_NODE_HOLDS_VALUE (step))
    prefix = g_strdup_printf (_("[step %d]"), (int) json_node_get_int (step));
  else
    prefix = g_strdup_printf ("[%s]", json_object_get_string_member_with_default (event, "level", "info"));
  printf ("\n");
  cli_ladder_print_wrapped (self, prefix, json_object_get_string_member_with_default (event, "text", ""));
}

/* Two hosts: each host's name and address above its first actor's column. */
static void
print_hosts (CliLadder *self)
{
  CliRow *row = NULL;
  const char *done[MAX_COLUMNS] = { NULL };
  guint n_done = 0;

  for (guint c = 0; c < self->n_columns; c++)
    for (guint l = 0; l < self->n_columns; l++)
      {
        gboolean seen = FALSE;

        if (self->column_of[l] != c || self->hosts[l] == NULL)
          continue;
        for (guint i = 0; i < n_done; i++)
          seen |= g_str_equal (done[i], self->hosts[l]);
        if (seen)
          continue;
        done[n_done++] = self->hosts[l];
        if (row == NULL)
          row = cli_row_new (self->canvas);
        cli_row_put (row, x_of (self, (int) c), self->hosts[l], CLI_PLAIN, TRUE);
      }
  if (row != NULL)
    cli_row_print (row);
}

/* The hosts the log's first `actor` events put the lesson's actors on, before the header. */
static void
learn_hosts (CliLadder         *self,
             SockscopeEventLog *log)
{
  guint n = MIN (sockscope_event_log_get_n_events (log), self->printed + 256);

  for (guint i = self->printed; i < n; i++)
    {
      g_autofree char *actor = NULL;
      g_autofree char *host = NULL;
      g_autofree char *host_name = NULL;

      if (sockscope_event_log_get_event_type (log, i) != SOCKSCOPE_EVENT_ACTOR)
        continue;
      actor = sockscope_event_log_get_string (log, i, "actor");
      host = sockscope_event_log_get_string (log, i, "host");
      host_name = sockscope_event_log_get_string (log, i, "host_name");
      for (guint l = 0; host != NULL && actor != NULL && l < self->names->len && l < MAX_COLUMNS; l++)
        if (g_str_equal (g_ptr_array_index (self->names, l), actor) && self->hosts[l] == NULL)
          self->hosts[l] = sockscope_projection_host_label_named (self->lesson, host, host_name);
    }
}

/* One line naming each column, above the ladder. */
static void
print_header (CliLadder *self)
{
  CliRow *row = cli_row_new (self->canvas);

  for (guint l = 0; l < self->n_columns; l++)
    {
      const char *name = g_ptr_array_index (self->names, l);
      guint c = self->column_of[l];
      guint room = c + 1 < self->n_columns ? self->x[c + 1] - self->x[c] - 1 : cli_canvas_get_width (self->canvas) - self->x[c];
      g_autofree char *cut = g_utf8_substring (name, 0, MIN ((glong) room, g_utf8_strlen (name, -1)));

      cli_row_put (row, x_of (self, (int) self->column_of[l]), cut, (int) l, TRUE);
    }
  cli_row_print (row);
  self->headed = TRUE;
}

void
cli_ladder_print_new (CliLadder         *self,
                      SockscopeEventLog *log)
{
  guint n = sockscope_event_log_get_n_events (log);

  if (!self->json && !self->headed && n > 0 && self->n_columns > 0)
    {
      guint n_actors = 0;
      gboolean other = FALSE;

      /* Live, the lab's first events are its actors: the header waits for them all (their
       * hosts go above their names) or for anything else. */
      for (guint i = self->printed; i < n && !other; i++)
        {
          if (sockscope_event_log_get_event_type (log, i) == SOCKSCOPE_EVENT_ACTOR)
            n_actors++;
          else
            other = TRUE;
        }
      if (!other && n_actors < self->n_columns)
        return;
      learn_hosts (self, log);
      print_hosts (self);
      print_header (self);
    }

  for (; self->printed < n; self->printed++)
    {
      g_autoptr(JsonObject) event = NULL;
      SockscopeLoggedPacket packet;

      if (self->json)
        {
          const char *line = sockscope_event_log_get_line (log, self->printed);

          fwrite (line, 1, strlen (line), stdout);
          putchar ('\n');
          continue;
        }
      /* a packet's members read without a tree, as the window reads them (a fifth of the events) */
      if (sockscope_event_log_get_event_type (log, self->printed) == SOCKSCOPE_EVENT_PACKET &&
          sockscope_event_log_get_packet (log, self->printed, &packet))
        {
          flush_pending (self);
          self->log = log;
          self->position = self->printed;
          self->packet = &packet;
          sockscope_projection_project_packet (self->projection, &packet, &ladder_sink, self);
          self->packet = NULL;
          self->log = NULL;
          continue;
        }
      event = sockscope_event_log_parse (log, self->printed);
      if (event == NULL)
        continue;
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), "wire") != 0)
        flush_pending (self);
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), "note") == 0)
        {
          print_note (self, event);
          continue;
        }
      self->event = event;
      sockscope_projection_project (self->projection, event, self->printed, &ladder_sink, self);
      self->event = NULL;
    }
  /* A packet that crossed the wire waits for the wire's events, which may come in the next
   * read: the next other event prints it, or the end (cli_ladder_free). */
  fflush (stdout);
}
