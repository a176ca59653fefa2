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
call_outcome (JsonObject *event,
              gboolean   *failed)
{
  const char *err = string_member (event, "errno");
  JsonObject *out = json_object_get_object_member (event, "out");
  gint64 ret = json_object_get_int_member_with_default (event, "ret", 0);
  GString *text = g_string_new ("= ");

  *failed = err != NULL;
  if (err != NULL)
    g_string_append_printf (text, "-1 %s", err);
  else
    g_string_append_printf (text, "%" G_GINT64_FORMAT, ret);
  if (out != NULL && string_member (out, "addr") != NULL)
    g_string_append_printf (text, " (%s)", string_member (out, "addr"));
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
  else if (g_str_equal (type, "packet"))
    project_packet (self, event, seq, t_ns, sink, data);
}
