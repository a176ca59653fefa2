/* cli-ladder.c: the text ladder (see the header).
 *
 * Each event the projection turns into an item is one row, in the log's order: a call where it
 * starts, "blocks" when the lab says it waits, its result where it returns (after the packets
 * that woke it), a packet as an arrow from the lifeline of the actor the lab says sent it to
 * the one it says received it. Notes (the steps' texts) are paragraphs between rows. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cli-ladder.h"
#include "sockscope-projection.h"

#define COLUMN_WIDTH 40
#define MARGIN 2
#define TEXT_WIDTH 78

struct _CliLadder
{
  SockscopeLesson     *lesson;
  SockscopeProjection *projection;
  gboolean             json;
  guint                n_columns;
  guint               *column_of;   /* lifeline -> column */
  gboolean            *alive;       /* per column: its lifeline is drawn */
  GHashTable          *call_lifeline; /* call seq -> lifeline + 1 */
  GHashTable          *call_names;    /* call seq -> call name */
  JsonObject          *event;       /* the event being projected */
  gboolean             headed;      /* the actors' names are printed */
  guint                printed;     /* events of the log printed so far */
};

CliLadder *
cli_ladder_new (SockscopeLesson *lesson,
                gboolean         json)
{
  CliLadder *self = g_new0 (CliLadder, 1);
  guint n = lesson != NULL ? sockscope_lesson_get_n_actors (lesson) : 0;
  g_autofree int *parents = g_new0 (int, n + 1);
  g_autofree guint *order = g_new0 (guint, n + 1);

  g_return_val_if_fail (lesson != NULL || json, NULL);
  self->json = json;
  if (json)
    return self;
  self->lesson = g_object_ref (lesson);
  self->projection = sockscope_projection_new (lesson, FALSE);
  self->n_columns = n;
  self->column_of = g_new0 (guint, n + 1);
  self->alive = g_new0 (gboolean, n + 1);
  self->call_lifeline = g_hash_table_new (NULL, NULL);
  self->call_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  sockscope_projection_lesson_order (lesson, parents, order);
  for (guint c = 0; c < n; c++)
    {
      self->column_of[order[c]] = c;
      /* The actors the lab starts are there from the start; a child from its fork. */
      self->alive[c] = parents[order[c]] < 0;
    }
  return self;
}

void
cli_ladder_free (CliLadder *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->lesson);
  g_clear_pointer (&self->projection, sockscope_projection_free);
  g_free (self->column_of);
  g_free (self->alive);
  g_clear_pointer (&self->call_lifeline, g_hash_table_unref);
  g_clear_pointer (&self->call_names, g_hash_table_unref);
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

static void
append_spaces (GString *row,
               glong    n)
{
  for (glong i = 0; i < n; i++)
    g_string_append_c (row, ' ');
}

static void
append_lifeline (CliLadder *self,
                 GString   *row,
                 guint      c)
{
  g_string_append (row, self->alive[c] ? "│" : " ");
}

/* Lifelines up to column @upto (excluded), MARGIN spaces first. */
static GString *
row_until (CliLadder *self,
           int        upto)
{
  GString *row = g_string_new (NULL);

  append_spaces (row, MARGIN);
  for (int c = 0; c < upto; c++)
    {
      append_lifeline (self, row, (guint) c);
      append_spaces (row, COLUMN_WIDTH - 1);
    }
  return row;
}

/* @text in column @c, the lifelines after it drawn where the text leaves room. */
static void
print_in_column (CliLadder  *self,
                 int         c,
                 const char *text)
{
  g_autoptr(GString) row = NULL;
  glong width = g_utf8_strlen (text, -1);

  if (c < 0)
    {
      printf ("%*s%s\n", MARGIN, "", text);
      return;
    }
  row = row_until (self, c);
  g_string_append (row, "│ ");
  g_string_append (row, text);
  for (guint i = (guint) c + 1; i < self->n_columns; i++)
    {
      glong pad = COLUMN_WIDTH - 2 - width;

      if (pad < 1)
        break;
      append_spaces (row, pad);
      append_lifeline (self, row, i);
      width = -1;
    }
  printf ("%s\n", row->str);
}

void
cli_ladder_print_wrapped (const char *prefix,
                          const char *text)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr(GString) line = g_string_new (prefix);
  glong indent = g_utf8_strlen (prefix, -1) + 1;
  glong width = indent - 1;

  for (guint i = 0; words[i]; i++)
    {
      glong len = g_utf8_strlen (words[i], -1);

      if (len == 0)
        continue;
      if (width + 1 + len > TEXT_WIDTH && width > indent)
        {
          printf ("%s\n", line->str);
          g_string_truncate (line, 0);
          append_spaces (line, indent - 1);
          width = indent - 1;
        }
      g_string_append_c (line, ' ');
      g_string_append (line, words[i]);
      width += 1 + len;
    }
  printf ("%s\n", line->str);
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
  g_autofree char *line = g_strdup_printf ("%s%s%s", assign ? assign : "", assign ? " = " : "", text ? text : "?");

  g_hash_table_insert (self->call_lifeline, GUINT_TO_POINTER (seq), GUINT_TO_POINTER (lifeline + 1));
  g_hash_table_insert (self->call_names, GUINT_TO_POINTER (seq),
                       paren ? g_strndup (text, paren - text) : g_strdup (text ? text : "?"));
  print_in_column (self, column (self, (int) lifeline), line);
}

static void
on_blocked (gpointer data, guint call_seq, guint seq, guint step, const char *call)
{
  CliLadder *self = data;
  g_autofree char *text = g_strdup_printf (_("%s blocks: it waits…"), call ? call : "?");

  print_in_column (self, call_column (self, call_seq), text);
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

  print_in_column (self, call_column (self, call_seq), text);
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
  print_in_column (self, column (self, (int) lifeline), text);
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

static void
on_packet (gpointer data, guint seq, gint64 t_ns, int from, int to, const char *label, guint cause_seq)
{
  CliLadder *self = data;
  JsonObject *pkt = json_object_get_object_member (self->event, "pkt");
  int a = column (self, from), b = column (self, to);

  if (a < 0 || b < 0 || a == b)
    {
      /* A packet with one end (or none) in the lab: its addresses say where it went. */
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
      print_in_column (self, a >= 0 ? a : b, text);
      return;
    }

  {
    int left = MIN (a, b), right = MAX (a, b);
    glong span = (right - left) * COLUMN_WIDTH - 1;
    glong label_width = g_utf8_strlen (label, -1) + 2;
    glong dashes = MAX (span - label_width - 1, 2);
    g_autoptr(GString) row = row_until (self, left);

    g_string_append (row, "│");
    if (a > b)
      g_string_append (row, "<");
    for (glong i = 0; i < dashes / 2; i++)
      g_string_append (row, "─");
    g_string_append_printf (row, " %s ", label);
    for (glong i = 0; i < dashes - dashes / 2; i++)
      g_string_append (row, "─");
    if (a < b)
      g_string_append (row, ">");
    g_string_append (row, "│");
    for (guint i = (guint) right + 1; i < self->n_columns; i++)
      {
        append_spaces (row, COLUMN_WIDTH - 1);
        append_lifeline (self, row, i);
      }
    printf ("%s\n", row->str);
  }
}

static const char *
actor_name (CliLadder *self,
            guint      lifeline)
{
  const SockscopeActor *actor = sockscope_lesson_get_actor (self->lesson, lifeline);

  return actor ? actor->name : "?";
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
  print_in_column (self, c, line);
}

static void
on_actor_exit (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint call_seq, const char *text,
         gboolean failed)
{
  CliLadder *self = data;
  int c = column (self, (int) lifeline);
  g_autofree char *line = g_strdup_printf ("└ %s: %s", actor_name (self, lifeline), text);

  print_in_column (self, c, line);
  if (c >= 0)
    self->alive[c] = FALSE;
}

static void
on_actor_signal (gpointer data, guint seq, gint64 t_ns, int from, guint to, const char *signal)
{
  CliLadder *self = data;
  g_autofree char *text = g_strdup_printf (_("⚡ %s from %s"), signal,
                                           from >= 0 ? actor_name (self, (guint) from) : "?");

  print_in_column (self, column (self, (int) to), text);
}

static const SockscopeProjectionSink ladder_sink = {
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
print_note (JsonObject *event)
{
  JsonNode *step = json_object_get_member (event, "step");
  g_autofree char *prefix = NULL;

  if (step != NULL && JSON_NODE_HOLDS_VALUE (step))
    prefix = g_strdup_printf (_("[step %d]"), (int) json_node_get_int (step));
  else
    prefix = g_strdup_printf ("[%s]", json_object_get_string_member_with_default (event, "level", "info"));
  printf ("\n");
  cli_ladder_print_wrapped (prefix, json_object_get_string_member_with_default (event, "text", ""));
}

/* One line naming each column, above the ladder. */
static void
print_header (CliLadder *self)
{
  g_autoptr(GString) row = g_string_new (NULL);
  g_autofree guint *lifeline_at = g_new0 (guint, self->n_columns + 1);

  for (guint l = 0; l < self->n_columns; l++)
    lifeline_at[self->column_of[l]] = l;
  append_spaces (row, MARGIN);
  for (guint c = 0; c < self->n_columns; c++)
    {
      const char *name = sockscope_lesson_get_actor (self->lesson, lifeline_at[c])->name;
      glong width = MIN (g_utf8_strlen (name, -1), COLUMN_WIDTH - 1);

      g_string_append_len (row, name, g_utf8_offset_to_pointer (name, width) - name);
      if (c + 1 < self->n_columns)
        append_spaces (row, COLUMN_WIDTH - width);
    }
  printf ("%s\n", row->str);
  self->headed = TRUE;
}

void
cli_ladder_print_new (CliLadder         *self,
                      SockscopeEventLog *log)
{
  guint n = sockscope_event_log_get_n_events (log);

  if (!self->json && !self->headed && n > 0)
    print_header (self);

  for (; self->printed < n; self->printed++)
    {
      g_autoptr(JsonObject) event = NULL;

      if (self->json)
        {
          printf ("%s\n", sockscope_event_log_get_line (log, self->printed));
          continue;
        }
      event = sockscope_event_log_parse (log, self->printed);
      if (event == NULL)
        continue;
      if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), "note") == 0)
        {
          print_note (event);
          continue;
        }
      self->event = event;
      sockscope_projection_project (self->projection, event, self->printed, &ladder_sink, self);
      self->event = NULL;
    }
  fflush (stdout);
}
