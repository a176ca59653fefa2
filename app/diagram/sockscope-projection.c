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
  GHashTable          *call_actors;    /* call seq -> actor name (interned) */
  GHashTable          *endpoints;      /* "proto|addr:port" or "proto|*:port" -> lifeline + 1 */
  GHashTable          *inode_lifeline; /* inode -> lifeline + 1 */
  SockscopeSeqTracker *seq_tracker;
};

SockscopeProjection *
sockscope_projection_new (SockscopeLesson *lesson,
                          gboolean         absolute_seq)
{
  SockscopeProjection *self = g_new0 (SockscopeProjection, 1);

  self->lesson = g_object_ref (lesson);
  self->absolute_seq = absolute_seq;
  self->call_steps = g_hash_table_new (NULL, NULL);
  self->call_actors = g_hash_table_new (NULL, NULL);
  self->endpoints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->inode_lifeline = g_hash_table_new (NULL, NULL);
  self->seq_tracker = sockscope_seq_tracker_new ();
  return self;
}

void
sockscope_projection_free (SockscopeProjection *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->lesson);
  g_hash_table_unref (self->call_steps);
  g_hash_table_unref (self->call_actors);
  g_hash_table_unref (self->endpoints);
  g_hash_table_unref (self->inode_lifeline);
  sockscope_seq_tracker_free (self->seq_tracker);
  g_free (self);
}

void
sockscope_projection_reset (SockscopeProjection *self)
{
  g_hash_table_remove_all (self->call_steps);
  g_hash_table_remove_all (self->call_actors);
  g_hash_table_remove_all (self->endpoints);
  g_hash_table_remove_all (self->inode_lifeline);
  sockscope_seq_tracker_free (self->seq_tracker);
  self->seq_tracker = sockscope_seq_tracker_new ();
}

static guint
lifeline_of_actor (SockscopeProjection *self,
                   const char          *actor)
{
  int index = actor ? sockscope_lesson_find_actor (self->lesson, actor) : -1;

  return index < 0 ? G_MAXUINT : (guint) index;
}

/* "127.0.0.1:7777", "[::1]:7777", "*:7777" -> address and port */
static gboolean
split_endpoint (const char  *endpoint,
                char       **addr,
                guint       *port)
{
  const char *colon = endpoint ? strrchr (endpoint, ':') : NULL;
  g_autofree char *host = NULL;

  if (colon == NULL)
    return FALSE;
  host = g_strndup (endpoint, colon - endpoint);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);
      g_free (host);
      host = inner;
    }
  *port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
  *addr = g_steal_pointer (&host);
  return TRUE;
}

static void
remember_endpoint (SockscopeProjection *self,
                   const char          *proto,
                   const char          *addr,
                   guint                port,
                   guint                lifeline)
{
  if (port == 0 || lifeline == G_MAXUINT)
    return;
  g_hash_table_insert (self->endpoints, g_strdup_printf ("%s|%s:%u", proto, addr, port),
                       GUINT_TO_POINTER (lifeline + 1));
  /* A listener bound to a wildcard address receives for every local address. */
  g_hash_table_insert (self->endpoints, g_strdup_printf ("%s|*:%u", proto, port),
                       GUINT_TO_POINTER (lifeline + 1));
}

static int
lookup_endpoint (SockscopeProjection *self,
                 const char          *proto,
                 const char          *addr,
                 guint                port)
{
  g_autofree char *exact = g_strdup_printf ("%s|%s:%u", proto, addr, port);
  g_autofree char *any = g_strdup_printf ("%s|*:%u", proto, port);
  gpointer value = g_hash_table_lookup (self->endpoints, exact);

  if (value == NULL)
    value = g_hash_table_lookup (self->endpoints, any);
  return value ? (int) GPOINTER_TO_UINT (value) - 1 : -1;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
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

static void
project_state (SockscopeProjection           *self,
               JsonObject                    *event,
               guint                          seq,
               gint64                         t_ns,
               guint                          lifeline,
               const SockscopeProjectionSink *sink,
               gpointer                       data)
{
  const char *proto = string_member (event, "proto");
  gint64 inode = json_object_get_int_member_with_default (event, "inode", 0);
  JsonNode *fd = json_object_get_member (event, "fd");
  g_autofree char *addr = NULL;
  g_autofree char *socket = NULL;
  guint port = 0;

  /* A socket nobody holds any more (TIME-WAIT) stays on the lifeline that had it. */
  if (lifeline == G_MAXUINT && inode != 0)
    lifeline = GPOINTER_TO_UINT (g_hash_table_lookup (self->inode_lifeline, GSIZE_TO_POINTER (inode))) - 1;
  if (lifeline == G_MAXUINT && proto != NULL && split_endpoint (string_member (event, "local"), &addr, &port))
    lifeline = (guint) lookup_endpoint (self, proto, addr, port);
  if (lifeline == G_MAXUINT)
    return;
  if (inode != 0)
    g_hash_table_insert (self->inode_lifeline, GSIZE_TO_POINTER (inode), GUINT_TO_POINTER (lifeline + 1));
  g_clear_pointer (&addr, g_free);
  if (proto != NULL && split_endpoint (string_member (event, "local"), &addr, &port))
    remember_endpoint (self, proto, addr, port, lifeline);

  if (fd != NULL && JSON_NODE_HOLDS_VALUE (fd))
    socket = g_strdup_printf ("fd %" G_GINT64_FORMAT, json_node_get_int (fd));
  else
    socket = g_strdup (string_member (event, "local"));
  if (sink->state != NULL)
    sink->state (data, seq, t_ns, lifeline, socket, string_member (event, "state"));
}

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
  const char *proto = pkt ? string_member (pkt, "proto") : NULL;
  const char *flags = pkt ? string_member (pkt, "flags") : NULL;
  const char *cause_actor = g_hash_table_lookup (self->call_actors, GUINT_TO_POINTER (cause_seq));
  g_autofree char *label = NULL;
  int from = -1, to = -1;

  if (pkt == NULL)
    return;
  if (proto != NULL && (g_str_equal (proto, "tcp") || g_str_equal (proto, "udp")))
    {
      const char *src = string_member (pkt, "src"), *dst = string_member (pkt, "dst");
      guint sport = (guint) json_object_get_int_member_with_default (pkt, "sport", 0);
      guint dport = (guint) json_object_get_int_member_with_default (pkt, "dport", 0);

      from = lookup_endpoint (self, proto, src, sport);
      /* The first packet of a socket (a SYN, a datagram from an unbound socket) comes
       * before any state of it: its sender is the actor whose call sent it. */
      if (from < 0 && cause_actor != NULL
          && (g_str_equal (proto, "udp") || (flags != NULL && g_str_equal (flags, "S"))))
        {
          from = (int) lifeline_of_actor (self, cause_actor);
          remember_endpoint (self, proto, src, sport, (guint) from);
        }
      to = lookup_endpoint (self, proto, dst, dport);
    }
  else if (cause_actor != NULL && proto != NULL && g_str_has_prefix (proto, "icmp"))
    /* An ICMP error comes back to the socket whose datagram provoked it. */
    to = (int) lifeline_of_actor (self, cause_actor);
  else if (cause_actor != NULL)
    from = (int) lifeline_of_actor (self, cause_actor);

  label = sockscope_packet_label (self->seq_tracker, pkt, !self->absolute_seq);
  if (sink->packet != NULL)
    sink->packet (data, seq, t_ns, from, to, label, cause_seq);
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

  if (g_str_equal (type, "call") && lifeline != G_MAXUINT)
    {
      guint step = (guint) json_object_get_int_member_with_default (event, "step", 0);

      g_hash_table_insert (self->call_steps, GUINT_TO_POINTER (seq), GUINT_TO_POINTER (step));
      g_hash_table_insert (self->call_actors, GUINT_TO_POINTER (seq), (gpointer) g_intern_string (actor));
      if (sink->call != NULL)
        sink->call (data, seq, t_ns, lifeline, string_member (event, "text"), step);
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
      guint parent = lifeline_of_actor (self, string_member (event, "parent"));
      gboolean thread = json_object_get_boolean_member_with_default (event, "thread", FALSE);
      JsonNode *via = json_object_get_member (event, "via");

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
