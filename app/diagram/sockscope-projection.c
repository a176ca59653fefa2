/* sockscope-projection.c: event-log events → diagram items (see the header). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sockscope-packet-label.h"
#include "sockscope-projection.h"

struct _SockscopeProjection
{
  SockscopeLesson     *lesson;
  gboolean             absolute_seq;
  GHashTable          *call_steps;     /* call seq -> step */
  GHashTable          *inode_lifeline; /* inode -> lifeline + 1 */
  GPtrArray           *unnamed;        /* actors the lesson does not name (traced programs), in
                                        * order of appearance: lifelines after the lesson's */
  SockscopeSeqTracker *seq_tracker;
};

SockscopeProjection *
sockscope_projection_new (SockscopeLesson *lesson,
                          gboolean         absolute_seq)
{
  SockscopeProjection *self = g_new0 (SockscopeProjection, 1);

  self->lesson = lesson != NULL ? g_object_ref (lesson) : NULL;
  self->absolute_seq = absolute_seq;
  self->unnamed = g_ptr_array_new_with_free_func (g_free);
  self->call_steps = g_hash_table_new (NULL, NULL);
  self->inode_lifeline = g_hash_table_new (NULL, NULL);
  self->seq_tracker = sockscope_seq_tracker_new ();
  return self;
}

void
sockscope_projection_free (SockscopeProjection *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->lesson);
  g_ptr_array_unref (self->unnamed);
  g_hash_table_unref (self->call_steps);
  g_hash_table_unref (self->inode_lifeline);
  sockscope_seq_tracker_free (self->seq_tracker);
  g_free (self);
}

void
sockscope_projection_reset (SockscopeProjection *self)
{
  g_hash_table_remove_all (self->call_steps);
  g_hash_table_remove_all (self->inode_lifeline);
  g_ptr_array_set_size (self->unnamed, 0);
  sockscope_seq_tracker_free (self->seq_tracker);
  self->seq_tracker = sockscope_seq_tracker_new ();
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

static guint
n_lesson_actors (SockscopeProjection *self)
{
  return self->lesson != NULL ? sockscope_lesson_get_n_actors (self->lesson) : 0;
}

static guint
lifeline_of_actor (SockscopeProjection *self,
                   const char          *actor)
{
  int index = actor != NULL && self->lesson != NULL ? sockscope_lesson_find_actor (self->lesson, actor) : -1;

  if (index >= 0)
    return (guint) index;
  for (guint i = 0; actor != NULL && i < self->unnamed->len; i++)
    if (g_str_equal (g_ptr_array_index (self->unnamed, i), actor))
      return n_lesson_actors (self) + i;
  return G_MAXUINT;
}

/* An `actor` event for an actor the lesson does not name (a traced program, its children and
 * threads): a new lifeline after the others, announced to the sink. */
static guint
add_unnamed (SockscopeProjection           *self,
             JsonObject                    *event,
             const char                    *actor,
             const SockscopeProjectionSink *sink,
             gpointer                       data)
{
  guint lifeline = n_lesson_actors (self) + self->unnamed->len;
  guint parent = lifeline_of_actor (self, string_member (event, "parent"));

  g_ptr_array_add (self->unnamed, g_strdup (actor));
  if (sink->lifeline != NULL)
    sink->lifeline (data, lifeline, actor, parent == G_MAXUINT ? -1 : (int) parent,
                    json_object_get_boolean_member_with_default (event, "thread", FALSE));
  return lifeline;
}


static char *
join_strings (JsonArray *array)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node))
        continue;
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, json_node_get_string (node));
    }
  return g_string_free (text, FALSE);
}

/* g_strescape's exceptions: every byte of a UTF-8 sequence stays as it is. */
static const char *
non_ascii_bytes (void)
{
  static char bytes[129];

  if (bytes[0] == '\0')
    for (guint i = 0; i < 128; i++)
      bytes[i] = (char) (0x80 + i);
  return bytes;
}

/* Received bytes (as hex digits) that do not read as text: a control character other than
 * tab and line ends, or a NUL. */
static gboolean
is_binary (const char *hex)
{
  for (const char *p = hex; p[0] != '\0' && p[1] != '\0'; p += 2)
    {
      guint byte;

      if (!g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1]))
        return FALSE;   /* not the lab's hex: show the text as it is */
      byte = (guint) g_ascii_xdigit_value (p[0]) << 4 | (guint) g_ascii_xdigit_value (p[1]);

      if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f)
        return TRUE;
    }
  return FALSE;
}

/* "= 0", "= -1 ECONNREFUSED", "= 4 (127.0.0.1:41562)", "= 1 ready: s",
 * "= 24862 (in memory: 1e 61)"; how a waited-for child ended is on its own lifeline: what the call gave back, as the learner needs to read it. */
static char *
call_outcome (JsonObject *event,
              gboolean   *failed)
{
  const char *err = string_member (event, "errno");
  JsonObject *out = json_object_get_object_member (event, "out");
  const char *lookup_error = string_member (event, "error");
  gint64 ret = json_object_get_int_member_with_default (event, "ret", 0);
  GString *text = g_string_new ("= ");

  if (lookup_error == NULL && out != NULL)
    lookup_error = string_member (out, "error");
  *failed = err != NULL || lookup_error != NULL;
  if (err != NULL)
    g_string_append_printf (text, "-1 %s", err);
  else if (lookup_error != NULL)
    g_string_append_printf (text, "%" G_GINT64_FORMAT " %s", ret, lookup_error);
  else
    g_string_append_printf (text, "%" G_GINT64_FORMAT, ret);
  if (out == NULL)
    return g_string_free (text, FALSE);

  if (string_member (out, "data_hex") != NULL && is_binary (string_member (out, "data_hex")))
    {
      /* Bytes that are not text (htonl(1234)): the first ones in hex, as in memory. */
      const char *hex = string_member (out, "data_hex");
      gsize n = strlen (hex) / 2;

      g_string_append (text, " [");
      for (gsize i = 0; i < MIN (n, 8); i++)
        g_string_append_printf (text, "%s%.2s", i ? " " : "", hex + 2 * i);
      g_string_append (text, n > 8 ? " …]" : "]");
    }
  else if (string_member (out, "data") != NULL)
    {
      /* What recv() read, as a C string literal reads it; long payloads cut (ret says how many
       * bytes came). */
      const char *received = string_member (out, "data");
      const char *cut = g_utf8_offset_to_pointer (received, MIN (g_utf8_strlen (received, -1), 24));
      g_autofree char *head = g_strndup (received, cut - received);
      g_autofree char *escaped = g_strescape (head, non_ascii_bytes ());

      g_string_append_printf (text, " \"%s\"%s", escaped, *cut != '\0' ? "…" : "");
    }
  if (string_member (out, "addr") != NULL)
    g_string_append_printf (text, " (%s)", string_member (out, "addr"));
  if (json_object_has_member (out, "ready") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (out, "ready")))
    {
      g_autofree char *ready = join_strings (json_object_get_array_member (out, "ready"));

      g_string_append_c (text, ' ');
      /* TRANSLATORS: after select()/poll()'s return value: the sockets ready to read, "= 1 ready: s" */
      g_string_append_printf (text, _("ready: %s"), ready[0] ? ready : "—");
    }
  if (string_member (out, "bytes") != NULL)
    {
      g_string_append (text, " (");
      /* TRANSLATORS: after htons()'s return value: its bytes in memory, "(in memory: 1e 61)" */
      g_string_append_printf (text, _("in memory: %s"), string_member (out, "bytes"));
      g_string_append_c (text, ')');
    }
  return g_string_free (text, FALSE);
}

char *
sockscope_projection_call_outcome (JsonObject *return_event,
                                   gboolean   *failed)
{
  gboolean dummy;

  return call_outcome (return_event, failed != NULL ? failed : &dummy);
}

/* A call as the learner reads it, with long string literals cut: send(3, "xxxxxxxxxxxxxxxxxxxx…"
 * (65536 bytes), 0). The lab's text holds the whole payload (a 64 KiB send is a 64 KiB line). */
static char *
shorten_literals (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start, *q;
      gsize n_bytes = 0;

      if (*p != '"')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      start = p++;
      for (q = p; *q != '\0' && *q != '"'; n_bytes++)
        {
          /* the bytes the literal stands for: an escape is one byte, a character its UTF-8 */
          if (*q == '\\' && q[1] == 'x' && g_ascii_isxdigit (q[2]) && g_ascii_isxdigit (q[3]))
            q += 4;
          else if (*q == '\\' && q[1] != '\0')
            q += 2;
          else
            {
              const char *next = g_utf8_next_char (q);

              n_bytes += (gsize) (next - q) - 1;
              q = next;
            }
        }
      if (*q != '"' || n_bytes <= 32)
        {
          /* short (or unterminated): as it is */
          g_string_append_len (out, start, (*q == '"' ? q + 1 : q) - start);
          p = *q == '"' ? q + 1 : q;
          continue;
        }
      {
        const char *cut = p;

        for (guint i = 0; i < 20 && cut < q; i++)
          cut = (*cut == '\\' && cut[1] != '\0') ? cut + 2 : g_utf8_next_char (cut);
        g_string_append_len (out, start, cut - start);
        if (g_str_has_prefix (q + 1, "..."))
          {
            /* the lab already cut it (its first bytes only): how many there were is the
             * call's length argument, not this literal's */
            g_string_append (out, "…\"");
            p = q + 4;
            continue;
          }
        /* TRANSLATORS: a long string cut in a call: "xxxx…" (65536 bytes) */
        g_string_append_printf (out, _("…\" (%lu bytes)"), (gulong) n_bytes);
        p = q + 1;
      }
    }
  return g_string_free (out, FALSE);
}

static void
project_state (SockscopeProjection           *self,
               JsonObject                    *event,
               guint                          seq,
               gint64                         t_ns,
               guint                          lifeline,
               const SockscopeProjectionSink *sink,
               gpointer                       data)
{
  gint64 inode = json_object_get_int_member_with_default (event, "inode", 0);
  JsonNode *fd = json_object_get_member (event, "fd");
  g_autofree char *socket = NULL;

  /* A socket nobody holds any more (FIN-WAIT-2, TIME-WAIT) stays on the lifeline of the
   * process that held it last: the lab names it (last_actor); a session recorded before it
   * did is attributed on load, or followed by inode here. */
  if (lifeline == G_MAXUINT)
    lifeline = lifeline_of_actor (self, string_member (event, "last_actor"));
  if (lifeline == G_MAXUINT && inode != 0)
    lifeline = GPOINTER_TO_UINT (g_hash_table_lookup (self->inode_lifeline, GSIZE_TO_POINTER (inode))) - 1;
  if (lifeline == G_MAXUINT)
    return;
  if (inode != 0)
    g_hash_table_insert (self->inode_lifeline, GSIZE_TO_POINTER (inode), GUINT_TO_POINTER (lifeline + 1));

  if (fd != NULL && JSON_NODE_HOLDS_VALUE (fd))
    socket = g_strdup_printf ("fd %" G_GINT64_FORMAT, json_node_get_int (fd));
  else if (json_object_get_int_member_with_default (event, "last_fd", -1) >= 0)
    /* TRANSLATORS: a connection whose descriptor was closed, still alive in the kernel: "fd 3, closed" */
    socket = g_strdup_printf (_("fd %d, closed"), (int) json_object_get_int_member (event, "last_fd"));
  else
    socket = g_strdup (string_member (event, "local"));
  if (sink->state != NULL)
    sink->state (data, seq, t_ns, lifeline, socket, string_member (event, "state"));
}

/* The lab says which actors a packet left and reached (from, to: null for none, the outside
 * or a closed port); the projection only turns them into lifelines. */
static void
project_packet (SockscopeProjection           *self,
                JsonObject                    *event,
                guint                          seq,
                gint64                         t_ns,
                const SockscopeProjectionSink *sink,
                gpointer                       data)
{
  JsonObject *pkt = json_object_get_object_member (event, "pkt");
  JsonNode *cause = json_object_get_member (event, "cause");
  guint cause_seq = cause && JSON_NODE_HOLDS_VALUE (cause) ? (guint) json_node_get_int (cause) : 0;
  guint from = lifeline_of_actor (self, string_member (event, "from"));
  guint to = lifeline_of_actor (self, string_member (event, "to"));
  g_autofree char *label = NULL;

  if (pkt == NULL)
    return;
  label = sockscope_packet_label (self->seq_tracker, event, !self->absolute_seq);
  if (sink->packet != NULL)
    sink->packet (data, seq, t_ns, from == G_MAXUINT ? -1 : (int) from, to == G_MAXUINT ? -1 : (int) to,
                  label, cause_seq);
}

/* The same for a packet read without a tree (sockscope_event_log_get_packet): what a window
 * opening 100,000 of them does. */
void
sockscope_projection_project_packet (SockscopeProjection           *self,
                                     const SockscopeLoggedPacket   *packet,
                                     const SockscopeProjectionSink *sink,
                                     gpointer                       data)
{
  guint from = lifeline_of_actor (self, packet->from);
  guint to = lifeline_of_actor (self, packet->to);
  g_autofree char *label = sockscope_packet_label_logged (self->seq_tracker, packet, !self->absolute_seq);

  if (sink->packet != NULL)
    sink->packet (data, (guint) packet->seq, packet->t_ns, from == G_MAXUINT ? -1 : (int) from,
                  to == G_MAXUINT ? -1 : (int) to, label, packet->has_cause ? (guint) packet->cause : 0);
}

char *
sockscope_wire_mark (SockscopeWireAction action,
                     gint64              delay_ns)
{
  g_autofree char *delay = NULL;

  switch (action)
    {
    case SOCKSCOPE_WIRE_DROP:
      /* TRANSLATORS: a packet the wire between the two hosts dropped */
      return g_strdup (_("lost on the wire"));
    case SOCKSCOPE_WIRE_DELAY:
      if (delay_ns >= 10000000)
        delay = g_strdup_printf ("%.0f ms", delay_ns / 1e6);
      else if (delay_ns >= 1000000)
        delay = g_strdup_printf ("%.1f ms", delay_ns / 1e6);
      else
        delay = g_strdup_printf ("%.0f µs", MAX (delay_ns, 0) / 1e3);
      /* TRANSLATORS: a packet the wire held before delivering it: "delayed 50 ms" */
      return g_strdup_printf (_("delayed %s"), delay);
    case SOCKSCOPE_WIRE_DUPLICATE:
      /* TRANSLATORS: a packet the wire delivered twice */
      return g_strdup (_("duplicated"));
    case SOCKSCOPE_WIRE_REORDER:
      /* TRANSLATORS: a packet the wire held behind the next one */
      return g_strdup (_("reordered"));
    case SOCKSCOPE_WIRE_SET:
    default:
      return g_strdup ("");
    }
}

char *
sockscope_wire_spec_words (const char *spec)
{
  g_auto(GStrv) words = g_strsplit (spec ? spec : "", ",", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *word = g_strstrip (g_strdup (words[i]));
      const char *equal = strchr (word, '=');

      if (word[0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      if (g_str_equal (word, "clear"))
        {
          /* TRANSLATORS: the wire's rules cleared: it loses, delays and reorders nothing */
          g_string_append (out, _("a perfect wire"));
          continue;
        }
      if (equal == NULL)
        {
          g_string_append (out, word);
          continue;
        }
      g_string_append_len (out, word, equal - word);
      g_string_append_c (out, ' ');
      for (const char *p = equal + 1; *p != '\0'; p++)
        {
          if (*p == '%')
            g_string_append (out, " %");
          else if (*p == '>')
            g_string_append (out, " → ");
          else
            g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

char *
sockscope_projection_host_label (SockscopeLesson *lesson,
                                 const char      *host)
{
  gboolean b = g_strcmp0 (host, "b") == 0;
  const char *name = lesson != NULL ? sockscope_lesson_get_host_name (lesson, b ? "b" : "a") : NULL;

  if (name == NULL)
    name = b ? "bob" : "alice";

  return g_strdup_printf ("%s · %s", name, b ? "192.0.2.2" : "192.0.2.1");
}

char *
sockscope_projection_host_label_named (SockscopeLesson *lesson,
                                       const char      *host,
                                       const char      *name)
{
  /* Older sessions do not name the host: the lesson's name, or alice / bob. */
  if (name == NULL || *name == '\0')
    return sockscope_projection_host_label (lesson, host);
  return g_strdup_printf ("%s · %s", name, g_strcmp0 (host, "b") == 0 ? "192.0.2.2" : "192.0.2.1");
}

/* A `wire` event: a change of the rules, or what the wire did to a packet. */
static void
project_wire (JsonObject                    *event,
              guint                          seq,
              gint64                         t_ns,
              const SockscopeProjectionSink *sink,
              gpointer                       data)
{
  const char *action = string_member (event, "action");
  g_autofree char *text = NULL;
  SockscopeWireItem item = { 0 };

  if (action == NULL || sink->wire == NULL)
    return;
  item.packet_seq = (guint) json_object_get_int_member_with_default (event, "packet", 0);
  item.delay_ns = json_object_get_int_member_with_default (event, "delay_ns", -1);
  item.behind_seq = (guint) json_object_get_int_member_with_default (event, "behind", 0);
  item.dir = string_member (event, "dir");
  if (g_str_equal (action, "set"))
    item.action = SOCKSCOPE_WIRE_SET;
  else if (g_str_equal (action, "drop"))
    item.action = SOCKSCOPE_WIRE_DROP;
  else if (g_str_equal (action, "delay"))
    item.action = SOCKSCOPE_WIRE_DELAY;
  else if (g_str_equal (action, "duplicate"))
    item.action = SOCKSCOPE_WIRE_DUPLICATE;
  else if (g_str_equal (action, "reorder"))
    item.action = SOCKSCOPE_WIRE_REORDER;
  else
    return;
  if (item.action == SOCKSCOPE_WIRE_SET)
    text = sockscope_wire_spec_words (string_member (event, "spec"));
  else if (item.packet_seq == 0)
    return;
  else
    text = sockscope_wire_mark (item.action, item.delay_ns);
  item.text = text;
  sink->wire (data, seq, t_ns, &item);
}

void
sockscope_projection_project (SockscopeProjection           *self,
                              JsonObject                    *event,
                              guint                          position,
                              const SockscopeProjectionSink *sink,
                              gpointer                       data)
{
  const char *type = string_member (event, "type");
  guint seq = (guint) json_object_get_int_member_with_default (event, "seq", position + 1);
  gint64 t_ns = json_object_get_int_member_with_default (event, "t_ns", 0);
  const char *actor = string_member (event, "actor");
  guint lifeline = lifeline_of_actor (self, actor);

  if (type == NULL)
    return;
  if (lifeline == G_MAXUINT && actor != NULL && g_str_equal (type, "actor"))
    lifeline = add_unnamed (self, event, actor, sink, data);

  if (g_str_equal (type, "call") && lifeline != G_MAXUINT)
    {
      guint step = (guint) json_object_get_int_member_with_default (event, "step", 0);

      g_autofree char *text = string_member (event, "text") ? shorten_literals (string_member (event, "text")) : NULL;

      g_hash_table_insert (self->call_steps, GUINT_TO_POINTER (seq), GUINT_TO_POINTER (step));
      if (sink->call != NULL)
        sink->call (data, seq, t_ns, lifeline, text, step);
    }
  else if (g_str_equal (type, "blocked"))
    {
      guint call_seq = (guint) json_object_get_int_member_with_default (event, "call_seq", 0);
      guint step = GPOINTER_TO_UINT (g_hash_table_lookup (self->call_steps, GUINT_TO_POINTER (call_seq)));

      if (sink->blocked != NULL)
        sink->blocked (data, call_seq, seq, step, string_member (event, "call"));
    }
  else if (g_str_equal (type, "return"))
    {
      guint call_seq = (guint) json_object_get_int_member_with_default (event, "call_seq", 0);
      guint step = GPOINTER_TO_UINT (g_hash_table_lookup (self->call_steps, GUINT_TO_POINTER (call_seq)));
      gboolean failed = FALSE;
      g_autofree char *result = call_outcome (event, &failed);

      if (sink->result != NULL)
        sink->result (data, call_seq, seq, t_ns, step, result, failed);
    }
  else if (g_str_equal (type, "state"))
    project_state (self, event, seq, t_ns, lifeline, sink, data);
  else if (g_str_equal (type, "actor") && lifeline != G_MAXUINT)
    {
      const char *host = string_member (event, "host");
      guint parent = lifeline_of_actor (self, string_member (event, "parent"));
      gboolean thread = json_object_get_boolean_member_with_default (event, "thread", FALSE);
      JsonNode *via = json_object_get_member (event, "via");

      if (host != NULL && sink->host != NULL)
        {
          g_autofree char *label = sockscope_projection_host_label_named (self->lesson, host, string_member (event, "host_name"));

          sink->host (data, lifeline, host, label);
        }
      /* The actors the lab starts are there from the start: only a created one is news. */
      if (parent != G_MAXUINT && sink->spawn != NULL)
        sink->spawn (data, seq, t_ns, lifeline, parent, thread,
                     via != NULL && JSON_NODE_HOLDS_VALUE (via) ? (guint) json_node_get_int (via) : 0,
                     thread ? "pthread_create()" : "fork()");
    }
  else if (g_str_equal (type, "exit") && lifeline != G_MAXUINT)
    {
      JsonNode *call = json_object_get_member (event, "call_seq");
      JsonNode *status = json_object_get_member (event, "status");
      const char *signal = string_member (event, "signal");
      g_autofree char *text = NULL;

      if (signal != NULL)
        /* TRANSLATORS: the end of an actor's lifeline: a signal killed its process */
        text = g_strdup_printf (_("killed by %s"), signal);
      else if (json_object_get_boolean_member_with_default (event, "thread", FALSE))
        /* TRANSLATORS: the end of a thread's lifeline */
        text = g_strdup (_("thread ended"));
      else if (status != NULL && JSON_NODE_HOLDS_VALUE (status))
        /* TRANSLATORS: the end of a process's lifeline, with its exit status */
        text = g_strdup_printf (_("exited, status %d"), (int) json_node_get_int (status));
      else
        /* TRANSLATORS: the end of an actor's lifeline, when the lab could not learn how */
        text = g_strdup (_("ended"));
      if (sink->exit != NULL)
        sink->exit (data, seq, t_ns, lifeline,
                    call != NULL && JSON_NODE_HOLDS_VALUE (call) ? (guint) json_node_get_int (call) : 0,
                    text, signal != NULL);
    }
  else if (g_str_equal (type, "signal") && lifeline != G_MAXUINT)
    {
      guint from = lifeline_of_actor (self, string_member (event, "from"));

      if (sink->signal != NULL)
        sink->signal (data, seq, t_ns, from == G_MAXUINT ? -1 : (int) from, lifeline,
                      string_member (event, "signal") ? string_member (event, "signal") : "?");
    }
  else if (g_str_equal (type, "packet"))
    project_packet (self, event, seq, t_ns, sink, data);
  else if (g_str_equal (type, "wire"))
    project_wire (event, seq, t_ns, sink, data);
}

static void
order_children (const int *parents,
                guint      n,
                int        parent,
                guint     *order,
                guint     *filled,
                gboolean  *placed)
{
  for (guint i = 0; i < n; i++)
    {
      int p = parents[i] >= 0 && parents[i] < (int) n ? parents[i] : -1;

      if (!placed[i] && p == parent)
        {
          placed[i] = TRUE;
          order[(*filled)++] = i;
          order_children (parents, n, (int) i, order, filled, placed);
        }
    }
}

void
sockscope_projection_lifeline_order (const int *parents,
                                     guint      n,
                                     guint     *order)
{
  g_autofree gboolean *placed = g_new0 (gboolean, n + 1);
  guint filled = 0;

  order_children (parents, n, -1, order, &filled, placed);
  /* A cycle (the checker refuses them) would leave lifelines out: they go last. */
  for (guint i = 0; i < n; i++)
    if (!placed[i])
      order[filled++] = i;
}

void
sockscope_projection_lesson_order (SockscopeLesson *lesson,
                                   int             *parents,
                                   guint           *order)
{
  guint n = sockscope_lesson_get_n_actors (lesson);

  for (guint i = 0; i < n; i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (lesson, i);

      parents[i] = actor->parent != NULL ? sockscope_lesson_find_actor (lesson, actor->parent) : -1;
    }
  sockscope_projection_lifeline_order (parents, n, order);
}
