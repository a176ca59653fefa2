/* cli-run.c: `sockscope-cli run` (a lesson in a fresh lab) and `sockscope-cli replay` (a saved
 * session). Both print the same projection of the event log: its JSON lines, or a text ladder
 * with one column per actor. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "sockscope-cli.h"
#include "sockscope-error.h"
#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-question.h"
#include "sockscope-runner.h"

#define COLUMN_WIDTH 40
#define MARGIN 2
#define TEXT_WIDTH 78

/* The text ladder: what it has learnt from the events printed so far. */
typedef struct
{
  gboolean    json;
  GPtrArray  *actors;   /* column order: as actors are spawned */
  GHashTable *ports;    /* port -> column + 1 */
  GHashTable *calls;    /* call seq -> actor */
  GHashTable *isn;      /* "src:sport>dst:dport" -> initial sequence number */
  guint       printed;  /* events of the log printed so far */
} Ladder;

static void
ladder_init (Ladder   *ladder,
             gboolean  json)
{
  ladder->json = json;
  ladder->actors = g_ptr_array_new_with_free_func (g_free);
  ladder->ports = g_hash_table_new (NULL, NULL);
  ladder->calls = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  ladder->isn = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ladder->printed = 0;
}

static void
ladder_clear (Ladder *ladder)
{
  g_ptr_array_unref (ladder->actors);
  g_hash_table_unref (ladder->ports);
  g_hash_table_unref (ladder->calls);
  g_hash_table_unref (ladder->isn);
}

static int
column_of (Ladder     *ladder,
           const char *actor)
{
  for (guint i = 0; actor != NULL && i < ladder->actors->len; i++)
    if (g_str_equal (g_ptr_array_index (ladder->actors, i), actor))
      return i;
  return -1;
}

static int
column_of_port (Ladder *ladder,
                gint64  port)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (ladder->ports, GINT_TO_POINTER ((int) port))) - 1;
}

static void
learn_port (Ladder     *ladder,
            const char *address,
            int         column)
{
  const char *colon = address ? strrchr (address, ':') : NULL;
  int port;

  if (colon == NULL || column < 0 || (port = atoi (colon + 1)) <= 0)
    return;
  g_hash_table_insert (ladder->ports, GINT_TO_POINTER (port), GINT_TO_POINTER (column + 1));
}

static void
append_spaces (GString *row,
               glong    n)
{
  for (glong i = 0; i < n; i++)
    g_string_append_c (row, ' ');
}

/* Lifelines up to column @upto (excluded), MARGIN spaces first. */
static GString *
row_until (Ladder *ladder,
           int     upto)
{
  GString *row = g_string_new (NULL);

  append_spaces (row, MARGIN);
  for (int i = 0; i < upto; i++)
    {
      g_string_append (row, "│");
      append_spaces (row, COLUMN_WIDTH - 1);
    }
  return row;
}

/* @text in @column, the other lifelines around it. */
static void
print_in_column (Ladder     *ladder,
                 int         column,
                 const char *text)
{
  g_autoptr(GString) row = NULL;
  glong width = g_utf8_strlen (text, -1);

  if (column < 0)
    {
      printf ("%*s%s\n", MARGIN, "", text);
      return;
    }
  row = row_until (ladder, column);
  g_string_append (row, "│ ");
  g_string_append (row, text);
  for (guint i = column + 1; i < ladder->actors->len; i++)
    {
      glong pad = COLUMN_WIDTH - 2 - width;

      if (pad < 1)
        break;
      append_spaces (row, pad);
      g_string_append (row, "│");
      width = -1;
    }
  printf ("%s\n", row->str);
}

/* "[step 3] text...", wrapped under its own indent. */
static void
print_wrapped (const char *prefix,
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

/* "SA" or "S." (tcpdump) into "SYN,ACK". */
static char *
tcp_flag_names (const char *flags)
{
  static const struct { char c; const char *name; } names[] = {
    { 'S', "SYN" }, { 'F', "FIN" }, { 'R', "RST" }, { 'P', "PSH" },
    { 'U', "URG" }, { 'E', "ECE" }, { 'W', "CWR" }, { 'A', "ACK" }, { '.', "ACK" },
  };
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strchr (flags, names[i].c) != NULL && strstr (out->str, names[i].name) == NULL)
      g_string_append_printf (out, "%s%s", out->len ? "," : "", names[i].name);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Sequence numbers relative to the first one seen in each direction, as Wireshark shows them. */
static guint32
relative (Ladder     *ladder,
          const char *src,
          gint64      sport,
          const char *dst,
          gint64      dport,
          guint32     value,
          gboolean    learn)
{
  g_autofree char *key = g_strdup_printf ("%s:%" G_GINT64_FORMAT ">%s:%" G_GINT64_FORMAT, src, sport, dst, dport);
  gpointer isn;

  if (g_hash_table_lookup_extended (ladder->isn, key, NULL, &isn))
    return value - GPOINTER_TO_UINT (isn);
  if (!learn)
    return value;
  g_hash_table_insert (ladder->isn, g_steal_pointer (&key), GUINT_TO_POINTER (value));
  return 0;
}

static char *
packet_label (Ladder     *ladder,
              JsonObject *pkt)
{
  const char *proto = json_object_get_string_member_with_default (pkt, "proto", "?");
  const char *src = json_object_get_string_member_with_default (pkt, "src", "");
  const char *dst = json_object_get_string_member_with_default (pkt, "dst", "");
  gint64 sport = json_object_get_int_member_with_default (pkt, "sport", 0);
  gint64 dport = json_object_get_int_member_with_default (pkt, "dport", 0);
  gint64 len = json_object_get_int_member_with_default (pkt, "len", 0);

  if (g_str_equal (proto, "tcp"))
    {
      const char *flags = json_object_get_string_member_with_default (pkt, "flags", "");
      g_autofree char *names = tcp_flag_names (flags);
      g_autoptr(GString) label = g_string_new (names);
      guint32 seq = relative (ladder, src, sport, dst, dport,
                              json_object_get_int_member_with_default (pkt, "seq", 0), TRUE);

      g_string_append_printf (label, " seq=%u", seq);
      if (strchr (flags, 'A') != NULL || strchr (flags, '.') != NULL)
        g_string_append_printf (label, " ack=%u",
                                relative (ladder, dst, dport, src, sport,
                                          json_object_get_int_member_with_default (pkt, "ack", 0), FALSE));
      if (len > 0)
        g_string_append_printf (label, " len=%" G_GINT64_FORMAT, len);
      else
        g_string_append_printf (label, " win=%" G_GINT64_FORMAT,
                                json_object_get_int_member_with_default (pkt, "win", 0));
      return g_string_free (g_steal_pointer (&label), FALSE);
    }
  if (g_str_equal (proto, "udp"))
    return g_strdup_printf ("UDP len=%" G_GINT64_FORMAT, len);
  return g_ascii_strup (proto, -1);
}

static void
print_packet (Ladder     *ladder,
              JsonObject *event)
{
  JsonObject *pkt = json_object_get_object_member (event, "pkt");
  g_autofree char *label = NULL;
  int from, to;
  gint64 sport, dport;

  if (pkt == NULL)
    return;
  sport = json_object_get_int_member_with_default (pkt, "sport", 0);
  dport = json_object_get_int_member_with_default (pkt, "dport", 0);
  label = packet_label (ladder, pkt);

  /* The sender is who owns the source port; a port not seen yet belongs to the actor whose
   * call caused the packet (a connect's SYN leaves from a port chosen by the kernel). */
  from = column_of_port (ladder, sport);
  if (from < 0 && !json_object_get_null_member (event, "cause"))
    {
      from = column_of (ladder, g_hash_table_lookup (ladder->calls,
                                                     GSIZE_TO_POINTER (json_object_get_int_member (event, "cause"))));
      if (from >= 0 && sport > 0)
        g_hash_table_insert (ladder->ports, GINT_TO_POINTER ((int) sport), GINT_TO_POINTER (from + 1));
    }
  to = column_of_port (ladder, dport);
  if (from >= 0 && to < 0 && ladder->actors->len == 2)
    to = 1 - from;

  if (from < 0 || to < 0 || from == to)
    {
      g_autofree char *text = g_strdup_printf ("%s  %s:%" G_GINT64_FORMAT " > %s:%" G_GINT64_FORMAT, label,
                                               json_object_get_string_member_with_default (pkt, "src", "?"), sport,
                                               json_object_get_string_member_with_default (pkt, "dst", "?"), dport);

      print_in_column (ladder, from, text);
      return;
    }

  {
    int left = MIN (from, to), right = MAX (from, to);
    glong span = (right - left) * COLUMN_WIDTH - 1;
    glong label_width = g_utf8_strlen (label, -1) + 2;
    glong dashes = MAX (span - label_width - 1, 2);
    g_autoptr(GString) row = row_until (ladder, left);

    g_string_append (row, "│");
    if (from > to)
      g_string_append (row, "<");
    for (glong i = 0; i < dashes / 2; i++)
      g_string_append (row, "─");
    g_string_append_printf (row, " %s ", label);
    for (glong i = 0; i < dashes - dashes / 2; i++)
      g_string_append (row, "─");
    if (from < to)
      g_string_append (row, ">");
    g_string_append (row, "│");
    for (guint i = right + 1; i < ladder->actors->len; i++)
      {
        append_spaces (row, COLUMN_WIDTH - 1);
        g_string_append (row, "│");
      }
    printf ("%s\n", row->str);
  }
}

static void
print_return (Ladder     *ladder,
              int         column,
              JsonObject *event)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *out = json_object_get_object_member (event, "out");
  const char *err = json_object_get_string_member_with_default (event, "errno", NULL);

  g_string_append_printf (text, "%s → %" G_GINT64_FORMAT,
                          json_object_get_string_member_with_default (event, "call", "?"),
                          json_object_get_int_member_with_default (event, "ret", 0));
  if (err != NULL)
    g_string_append_printf (text, " %s (%s)", err,
                            json_object_get_string_member_with_default (event, "strerror", ""));
  if (out != NULL && json_object_has_member (out, "data"))
    {
      g_autofree char *escaped = g_strescape (json_object_get_string_member (out, "data"), NULL);

      g_string_append_printf (text, " \"%s\"", escaped);
    }
  if (out != NULL && json_object_has_member (out, "addr"))
    g_string_append_printf (text, _(" from %s"), json_object_get_string_member (out, "addr"));
  if (out != NULL && json_object_has_member (out, "ready"))
    {
      JsonArray *ready = json_object_get_array_member (out, "ready");
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; ready != NULL && i < json_array_get_length (ready); i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", json_array_get_string_element (ready, i));
      g_string_append_printf (text, _(" ready: %s"), names->str);
    }
  if (out != NULL && json_object_has_member (out, "bytes"))
    g_string_append_printf (text, _(" (bytes in memory: %s)"), json_object_get_string_member (out, "bytes"));
  print_in_column (ladder, column, text->str);
}

static void
print_state (Ladder     *ladder,
             JsonObject *event)
{
  const char *actor = json_object_get_string_member_with_default (event, "actor", NULL);
  const char *state = json_object_get_string_member_with_default (event, "state", "?");
  const char *local = json_object_get_string_member_with_default (event, "local", "?");
  const char *peer = json_object_get_string_member_with_default (event, "peer", "?");
  g_autofree char *text = NULL;
  g_autofree char *fd = NULL;
  int column = column_of (ladder, actor);
  const char *colon = strrchr (local, ':');

  if (column >= 0)
    learn_port (ladder, local, column);
  else if (colon != NULL)
    column = column_of_port (ladder, atoi (colon + 1));

  if (!json_object_get_null_member (event, "fd") && json_object_has_member (event, "fd"))
    fd = g_strdup_printf ("fd %" G_GINT64_FORMAT " ", json_object_get_int_member (event, "fd"));
  if (g_str_equal (state, "LISTEN"))
    text = g_strdup_printf (_("[%s%s %s, accept queue %d/%d]"),
                            fd ? fd : "", state, local,
                            (int) json_object_get_int_member_with_default (event, "recv_q", 0),
                            (int) json_object_get_int_member_with_default (event, "send_q", 0));
  else
    text = g_strdup_printf ("[%s%s %s ↔ %s]", fd ? fd : "", state, local, peer);
  print_in_column (ladder, column, text);
}

static void
print_event (Ladder     *ladder,
             const char *line,
             JsonObject *event)
{
  const char *type = json_object_get_string_member_with_default (event, "type", "");
  const char *actor = json_object_get_string_member_with_default (event, "actor", NULL);
  int column = column_of (ladder, actor);

  if (ladder->json)
    {
      printf ("%s\n", line);
      return;
    }

  if (g_str_equal (type, "actor"))
    {
      const char *what = json_object_get_string_member_with_default (event, "event", "");
      g_autofree char *text = NULL;

      if (g_str_equal (what, "spawned"))
        {
          const char *parent = json_object_get_string_member_with_default (event, "parent", NULL);

          if (column < 0 && actor != NULL)   /* an event without its actor: no column */
            g_ptr_array_add (ladder->actors, g_strdup (actor));
          column = column_of (ladder, actor);
          if (parent != NULL)
            text = g_strdup_printf (json_object_get_boolean_member_with_default (event, "thread", FALSE)
                                    ? _("┌ %s (a thread of %s)") : _("┌ %s (a child of %s)"), actor, parent);
          else
            text = g_strdup_printf ("┌ %s", actor);
        }
      else if (g_str_equal (what, "killed"))
        text = g_strdup_printf (_("└ %s killed (%s)"), actor,
                                json_object_get_string_member_with_default (event, "signal", "?"));
      else
        text = g_strdup_printf (_("└ %s exited"), actor);
      print_in_column (ladder, column, text);
    }
  else if (g_str_equal (type, "note"))
    {
      JsonNode *step = json_object_get_member (event, "step");
      g_autofree char *prefix = NULL;

      if (step != NULL && JSON_NODE_HOLDS_VALUE (step))
        prefix = g_strdup_printf (_("[step %d]"), (int) json_node_get_int (step));
      else
        prefix = g_strdup_printf ("[%s]", json_object_get_string_member_with_default (event, "level", "info"));
      printf ("\n");
      print_wrapped (prefix, json_object_get_string_member_with_default (event, "text", ""));
    }
  else if (g_str_equal (type, "call"))
    {
      const char *assign = json_object_get_string_member_with_default (event, "assign", NULL);
      g_autofree char *text = g_strdup_printf ("%s%s%s", assign ? assign : "", assign ? " = " : "",
                                               json_object_get_string_member_with_default (event, "text", "?"));

      g_hash_table_insert (ladder->calls, GSIZE_TO_POINTER (json_object_get_int_member (event, "seq")),
                           g_strdup (actor));
      print_in_column (ladder, column, text);
    }
  else if (g_str_equal (type, "blocked"))
    {
      g_autofree char *text = g_strdup_printf (_("%s blocks: it waits…"),
                                               json_object_get_string_member_with_default (event, "call", "?"));

      print_in_column (ladder, column, text);
    }
  else if (g_str_equal (type, "return"))
    print_return (ladder, column, event);
  else if (g_str_equal (type, "packet"))
    print_packet (ladder, event);
  else if (g_str_equal (type, "exit"))
    {
      const char *signal = json_object_get_string_member_with_default (event, "signal", NULL);
      JsonNode *status = json_object_get_member (event, "status");
      g_autofree char *text = NULL;

      if (signal != NULL)
        text = g_strdup_printf (_("└ %s killed (%s)"), actor, signal);
      else if (status != NULL && JSON_NODE_HOLDS_VALUE (status))
        text = g_strdup_printf (_("└ %s exited (status %d)"), actor, (int) json_node_get_int (status));
      else
        text = g_strdup_printf (_("└ %s exited"), actor);
      print_in_column (ladder, column, text);
    }
  else if (g_str_equal (type, "signal"))
    {
      g_autofree char *text = g_strdup_printf (_("⚡ %s from %s"),
                                               json_object_get_string_member_with_default (event, "signal", "?"),
                                               json_object_get_string_member_with_default (event, "from", "?"));

      print_in_column (ladder, column, text);
    }
  else if (g_str_equal (type, "state"))
    print_state (ladder, event);
}

/* Prints the events of @log not printed yet. */
static void
ladder_print_new (Ladder            *ladder,
                  SockscopeEventLog *log)
{
  guint n = sockscope_event_log_get_n_events (log);

  for (; ladder->printed < n; ladder->printed++)
    {
      g_autoptr(JsonObject) event = sockscope_event_log_parse (log, ladder->printed);

      print_event (ladder, sockscope_event_log_get_line (log, ladder->printed), event);
    }
  fflush (stdout);
}

typedef struct
{
  guint           step;
  char          **choices;
  char           *answer;          /* the chosen choice, NULL when not asked */
  SockscopeGrade *grade;
  char           *pending_reason;  /* why it could not be graded */
  gboolean        done;
} Question;

typedef struct
{
  GMainLoop          *loop;
  SockscopeLesson    *lesson;
  SockscopeEventLog  *log;
  SockscopeLabClient *client;
  SockscopeRunner    *runner;
  GDataInputStream   *input;
  Ladder              ladder;
  guint               until;
  gboolean            interactive;
  gboolean            stopping;
  char               *lang;
  char              **answers;     /* --answers: choice numbers, in question order */
  guint               n_answered;
  GPtrArray          *questions;   /* Question, in step order */
  Question           *asking;      /* waiting for the learner's choice on stdin */
  GError             *error;
} Run;

static void
question_free (Question *q)
{
  g_strfreev (q->choices);
  g_free (q->answer);
  sockscope_grade_free (q->grade);
  g_free (q);
}

/* The question of the step about to run, shown before it runs. */
static void
print_question (Run      *run,
                Question *q)
{
  const SockscopeStep *step = sockscope_lesson_get_step (run->lesson, q->step);
  g_autofree char *call = sockscope_step_to_string (step);

  fprintf (stderr, _("Question, step %u/%u, %s: %s\n%s\n"), step->number,
           sockscope_lesson_get_n_steps (run->lesson), step->actor, call, sockscope_question_get_prompt (step->ask));
  for (guint i = 0; q->choices[i]; i++)
    fprintf (stderr, "  %u. %s\n", i + 1, q->choices[i]);
}

/* Prints a graded question: a line of the ladder, or a JSON line among the events. */
static void
print_grade (Run      *run,
             Question *q)
{
  const SockscopeStep *step = sockscope_lesson_get_step (run->lesson, q->step);

  if (run->ladder.json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "question");
      json_builder_set_member_name (b, "step");
      json_builder_add_int_value (b, q->step);
      json_builder_set_member_name (b, "ask");
      json_builder_add_string_value (b, sockscope_ask_to_string (step->ask));
      json_builder_set_member_name (b, "prompt");
      json_builder_add_string_value (b, sockscope_question_get_prompt (step->ask));
      json_builder_set_member_name (b, "choices");
      json_builder_begin_array (b);
      for (guint i = 0; q->choices[i]; i++)
        json_builder_add_string_value (b, q->choices[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "asked");
      json_builder_add_boolean_value (b, q->answer != NULL);
      json_builder_set_member_name (b, "answer");
      if (q->answer != NULL)
        json_builder_add_string_value (b, q->answer);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "actual");
      if (q->grade != NULL)
        json_builder_add_string_value (b, q->grade->actual);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "correct");
      if (q->grade != NULL && q->answer != NULL)
        json_builder_add_boolean_value (b, q->grade->correct);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "explanation");
      json_builder_add_string_value (b, q->grade ? q->grade->explanation : q->pending_reason);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, sockscope_step_get_text (step, run->lang));
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else if (q->answer != NULL)
    {
      g_autofree char *prefix = NULL;

      if (q->grade == NULL)
        prefix = g_strdup_printf (_("[question %u] unanswered by the run:"), q->step);
      else if (q->grade->correct)
        prefix = g_strdup_printf (_("[question %u] ✓ right, %s:"), q->step, q->grade->actual);
      else
        prefix = g_strdup_printf (_("[question %u] ✗ you said %s, the kernel says %s:"), q->step, q->answer, q->grade->actual);
      printf ("\n");
      print_wrapped (prefix, q->grade ? q->grade->explanation : q->pending_reason);
    }
  fflush (stdout);
}

/* Grades the questions whose answer the log now holds; @final grades the rest as unknown. */
static void
grade_questions (Run      *run,
                 gboolean  final)
{
  for (guint i = 0; i < run->questions->len; i++)
    {
      Question *q = g_ptr_array_index (run->questions, i);
      const SockscopeStep *step = sockscope_lesson_get_step (run->lesson, q->step);
      g_autoptr(GError) error = NULL;

      if (q->done || q->step > sockscope_runner_get_position (run->runner))
        continue;
      q->grade = sockscope_question_grade (run->lesson, step, run->log, q->answer, run->lang, &error);
      if (q->grade == NULL && !final)
        continue;
      if (q->grade == NULL)
        q->pending_reason = g_strdup (error->message);
      q->done = TRUE;
      print_grade (run, q);
    }
}

static void advance (Run *run);

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_runner_stop_finish (SOCKSCOPE_RUNNER (object), result, &error) && run->error == NULL)
    run->error = g_steal_pointer (&error);
  ladder_print_new (&run->ladder, run->log);
  grade_questions (run, TRUE);
  g_main_loop_quit (run->loop);
}

static void
stop (Run    *run,
      GError *error)
{
  if (error != NULL && run->error == NULL)
    run->error = error;
  else if (error != NULL)
    g_error_free (error);
  if (run->stopping)
    return;
  run->stopping = TRUE;
  sockscope_runner_stop_async (run->runner, NULL, on_stopped, run);
}

static void
on_step_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  if (!sockscope_runner_next_finish (SOCKSCOPE_RUNNER (object), result, &error))
    stop (run, error);
  else
    {
      grade_questions (run, FALSE);
      advance (run);
    }
}

static void
on_enter (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, NULL);

  /* End of input (Ctrl-D) ends the run like its last step would. */
  if (line == NULL)
    stop (run, NULL);
  else
    sockscope_runner_next_async (run->runner, NULL, on_step_done, run);
}

static void ask_question (Run      *run,
                          Question *q);

static void
advance (Run *run)
{
  guint position = sockscope_runner_get_position (run->runner);
  const SockscopeStep *step;
  g_autofree char *call = NULL;

  if (run->stopping)
    return;
  if (sockscope_runner_is_done (run->runner) || position >= run->until)
    {
      stop (run, NULL);
      return;
    }
  step = sockscope_lesson_get_step (run->lesson, position + 1);
  if (step->ask != SOCKSCOPE_ASK_NONE)
    {
      Question *q = g_new0 (Question, 1);

      q->step = step->number;
      q->choices = sockscope_question_get_choices (run->lesson, step, run->log);
      g_ptr_array_add (run->questions, q);
      if (run->answers != NULL || run->interactive)
        {
          ask_question (run, q);
          return;
        }
    }
  if (!run->interactive)
    {
      sockscope_runner_next_async (run->runner, NULL, on_step_done, run);
      return;
    }
  call = sockscope_step_to_string (step);
  fprintf (stderr, _("Step %u/%u, %s: %s. Press Enter to run it (Ctrl-D stops).\n"),
           step->number, sockscope_lesson_get_n_steps (run->lesson), step->actor, call);
  g_data_input_stream_read_line_async (run->input, G_PRIORITY_DEFAULT, NULL, on_enter, run);
}

/* Takes the learner's choice (a number), then runs the step. */
static gboolean
take_answer (Run        *run,
             Question   *q,
             const char *text)
{
  guint n = g_strv_length (q->choices);
  guint64 choice;
  char *end;

  g_strstrip ((char *) text);
  choice = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || choice < 1 || choice > n)
    return FALSE;
  q->answer = g_strdup (q->choices[choice - 1]);
  sockscope_runner_next_async (run->runner, NULL, on_step_done, run);
  return TRUE;
}

static void
on_answer (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;
  Question *q = g_steal_pointer (&run->asking);
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, NULL);

  if (line == NULL)
    stop (run, NULL);
  else if (!take_answer (run, q, line))
    {
      fprintf (stderr, _("Answer with a number from 1 to %u.\n"), g_strv_length (q->choices));
      run->asking = q;
      g_data_input_stream_read_line_async (run->input, G_PRIORITY_DEFAULT, NULL, on_answer, run);
    }
}

static void
ask_question (Run      *run,
              Question *q)
{
  if (run->answers != NULL)
    {
      const char *given = run->answers[run->n_answered];

      if (given == NULL)
        {
          stop (run, g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                                  _("--answers has %u answers, but step %u asks another question"),
                                  run->n_answered, q->step));
          return;
        }
      run->n_answered++;
      if (run->interactive)
        print_question (run, q);
      if (!take_answer (run, q, given))
        stop (run, g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                                _("--answers: '%s' is not a choice of the question of step %u (1 to %u)"),
                                given, q->step, g_strv_length (q->choices)));
      return;
    }
  print_question (run, q);
  run->asking = q;
  g_data_input_stream_read_line_async (run->input, G_PRIORITY_DEFAULT, NULL, on_answer, run);
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  if (!sockscope_runner_start_finish (SOCKSCOPE_RUNNER (object), result, &error))
    stop (run, error);
  else
    advance (run);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Run        *run)
{
  ladder_print_new (&run->ladder, SOCKSCOPE_EVENT_LOG (model));
}

static gboolean
on_signal (gpointer user_data)
{
  Run *run = user_data;

  stop (run, g_error_new_literal (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_CRASHED, _("interrupted")));
  return G_SOURCE_CONTINUE;
}

int
sockscope_cli_run (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("LESSON - run a lesson in a fresh lab"));
  g_autoptr(GError) error = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *pcapng = NULL;
  g_autofree char *session = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  gboolean json = FALSE, interactive = FALSE;
  g_autofree char *answers = NULL;
  int until = 0;
  guint sigint, sigterm;
  Run run = { 0 };
  int status = 0;
  const GOptionEntry entries[] = {
    { "until", 0, 0, G_OPTION_ARG_INT, &until, N_("Stop after step STEP"), N_("STEP") },
    { "interactive", 0, 0, G_OPTION_ARG_NONE, &interactive, N_("Wait for Enter before each step, and ask the lesson's questions"), NULL },
    { "answers", 0, 0, G_OPTION_ARG_STRING, &answers, N_("Answer the lesson's questions with these choices, in order"), N_("1,2,...") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the event log as JSON lines"), NULL },
    { "pcapng", 0, 0, G_OPTION_ARG_FILENAME, &pcapng, N_("Write the packets to FILE (pcapng)"), N_("FILE") },
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &session, N_("Record the session to FILE"), N_("FILE") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang, N_("Language of the explanations: fr or en"), N_("LANG") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sockscope-cli run: %s\n", error->message);
      return 2;
    }
  if (argc != 2)
    {
      fprintf (stderr, _("Usage: sockscope-cli run LESSON [--until STEP] [--interactive] [--answers 1,2,...] [--json] [--pcapng FILE] [--session FILE] [--lang fr|en]\n"));
      return 2;
    }
  if (lang == NULL)
    lang = g_strdup (sockscope_lesson_default_lang ());
  if (!g_str_equal (lang, "fr") && !g_str_equal (lang, "en"))
    {
      fprintf (stderr, _("sockscope-cli run: --lang is fr or en, not '%s'\n"), lang);
      return 2;
    }
  if ((lesson = sockscope_lesson_find (argv[1], &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (until < 0 || (guint) until > sockscope_lesson_get_n_steps (lesson))
    {
      fprintf (stderr, _("sockscope-cli run: --until takes a step from 1 to %u\n"), sockscope_lesson_get_n_steps (lesson));
      return 2;
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  run.lesson = lesson;
  run.log = sockscope_event_log_new ();
  run.client = sockscope_lab_client_new ();
  run.runner = sockscope_runner_new (lesson, run.client, run.log, lang);
  run.until = until > 0 ? (guint) until : G_MAXUINT;
  run.interactive = interactive;
  run.lang = lang;
  run.questions = g_ptr_array_new_with_free_func ((GDestroyNotify) question_free);
  if (answers != NULL)
    run.answers = g_strsplit (answers, ",", -1);
  if (interactive)
    run.input = g_data_input_stream_new (g_unix_input_stream_new (STDIN_FILENO, FALSE));
  ladder_init (&run.ladder, json);
  g_signal_connect (run.log, "items-changed", G_CALLBACK (on_items_changed), &run);

  if (session != NULL &&
      !sockscope_event_log_record_to (run.log, session, sockscope_lesson_get_id (lesson), lang, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      status = 1;
    }
  else
    {
      sigint = g_unix_signal_add (SIGINT, on_signal, &run);
      sigterm = g_unix_signal_add (SIGTERM, on_signal, &run);
      sockscope_runner_start_async (run.runner, NULL, on_started, &run);
      g_main_loop_run (run.loop);
      g_source_remove (sigint);
      g_source_remove (sigterm);

      if (!sockscope_event_log_stop_recording (run.log, run.error ? NULL : &run.error))
        status = 1;
      if (pcapng != NULL && run.error == NULL)
        sockscope_event_log_export_pcapng (run.log, pcapng, &run.error);
      if (run.error != NULL)
        {
          fprintf (stderr, "sockscope-cli: %s\n", run.error->message);
          status = 1;
        }
    }

  g_clear_error (&run.error);
  ladder_clear (&run.ladder);
  g_clear_object (&run.input);
  g_ptr_array_unref (run.questions);
  g_strfreev (run.answers);
  g_clear_object (&run.runner);
  g_clear_object (&run.client);
  g_clear_object (&run.log);
  g_main_loop_unref (run.loop);
  return status;
}

int
sockscope_cli_replay (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("SESSION - print a recorded session"));
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeEventLog) log = NULL;
  g_autofree char *warning = NULL;
  gboolean json = FALSE;
  Ladder ladder;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the event log as JSON lines"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sockscope-cli replay: %s\n", error->message);
      return 2;
    }
  if (argc != 2)
    {
      fprintf (stderr, _("Usage: sockscope-cli replay SESSION [--json]\n"));
      return 2;
    }
  if ((log = sockscope_event_log_load (argv[1], &warning, &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (warning != NULL)
    fprintf (stderr, "%s\n", warning);
  ladder_init (&ladder, json);
  ladder_print_new (&ladder, log);
  ladder_clear (&ladder);
  return 0;
}
