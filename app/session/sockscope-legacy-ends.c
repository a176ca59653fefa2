/* sockscope-legacy-ends.c: from/to for the packets of a format-1 session (see the header).
 *
 * The same rule as the lab's (app/lab/sockscope-ends.c), applied to what such a log holds: the
 * `state` events (4-tuple, holders, the first holder's fd) and the calls (actor, fd).
 *  - The sending socket is the one whose local end is the packet's source and whose peer is its
 *    destination, else the one bound to the source with no peer, else bound to the wildcard
 *    address on that port (the listener first for a SYN it receives or a SYN-ACK it sends).
 *  - Its actor is the holder whose call caused the packet, else the thread that last made a call
 *    on the first holder's fd, else the first holder; a socket no one holds, its last holder.
 *  - No socket: a SYN or a datagram comes from the actor whose call sent it; a RST or an ICMP
 *    error reaches the actor whose call it answers.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sockscope-analysis.h"
#include "sockscope-decoder.h"
#include "sockscope-legacy-ends.h"

typedef struct
{
  char    *proto;
  char    *laddr;
  guint    lport;
  char    *raddr;        /* NULL: no peer */
  guint    rport;
  gint64   inode;
  char   **holders;
  char    *owner;
  int      owner_fd;
  char    *last_actor;
  int      last_fd;
} Sock;

typedef struct
{
  char *actor;
  int   fd;
} End;

struct _SockscopeLegacyEnds
{
  GPtrArray  *socks;
  GPtrArray  *gone;         /* Sock: the last sockets reported CLOSED (their late packets) */
  GHashTable *process_of;   /* actor -> the process actor it is a thread of (itself for one) */
  GHashTable *last_caller;  /* "process|fd" -> actor that last made a call on it */
  GHashTable *calls;        /* call seq -> End of the call (actor, fd) */
  SsAnalyzer *analyzer;     /* names the kernel packets, as the lab does today */
};

static void
sock_free (Sock *s)
{
  g_free (s->proto);
  g_free (s->laddr);
  g_free (s->raddr);
  g_strfreev (s->holders);
  g_free (s->owner);
  g_free (s->last_actor);
  g_free (s);
}

static void
end_free (End *e)
{
  g_free (e->actor);
  g_free (e);
}

SockscopeLegacyEnds *
sockscope_legacy_ends_new (void)
{
  SockscopeLegacyEnds *self = g_new0 (SockscopeLegacyEnds, 1);

  self->socks = g_ptr_array_new_with_free_func ((GDestroyNotify) sock_free);
  self->gone = g_ptr_array_new_with_free_func ((GDestroyNotify) sock_free);
  self->process_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->last_caller = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->calls = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) end_free);
  self->analyzer = ss_analyzer_new (0);
  return self;
}

void
sockscope_legacy_ends_free (SockscopeLegacyEnds *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->socks);
  g_ptr_array_unref (self->gone);
  g_hash_table_unref (self->process_of);
  g_hash_table_unref (self->last_caller);
  g_hash_table_unref (self->calls);
  ss_analyzer_free (self->analyzer);
  g_free (self);
}

static const char *
string_member (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gint64
int_member (JsonObject *o,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
         ? json_node_get_int (node) : fallback;
}

static const char *
process_of (SockscopeLegacyEnds *self,
            const char          *actor)
{
  const char *process = actor ? g_hash_table_lookup (self->process_of, actor) : NULL;

  return process ? process : actor;
}

/* "127.0.0.1:7777", "[::1]:7777", "[::ffff:127.0.0.1]:7777", "*:7777" -> address (NULL for
 * the wildcard, v4-mapped as IPv4) and port (0 for "*"). */
static void
split_endpoint (const char  *endpoint,
                char       **addr,
                guint       *port)
{
  const char *colon = endpoint ? strrchr (endpoint, ':') : NULL;
  g_autofree char *host = NULL;

  *addr = NULL;
  *port = 0;
  if (colon == NULL)
    return;
  host = g_strndup (endpoint, colon - endpoint);
  *port = colon[1] == '*' ? 0 : (guint) g_ascii_strtoull (colon + 1, NULL, 10);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  if (g_str_has_prefix (host, "::ffff:") && strchr (host + 7, '.') != NULL)
    {
      char *v4 = g_strdup (host + 7);

      g_free (host);
      host = v4;
    }
  if (!g_str_equal (host, "*"))
    *addr = g_steal_pointer (&host);
}

static guint
index_of (GPtrArray  *array,
          const Sock *s)
{
  guint i;

  g_ptr_array_find (array, s, &i);
  return i;
}

static Sock *
find_sock (SockscopeLegacyEnds *self,
           gint64               inode,
           const char          *proto,
           const char          *laddr,
           guint                lport,
           const char          *raddr,
           guint                rport)
{
  for (guint i = 0; i < self->socks->len; i++)
    {
      Sock *s = g_ptr_array_index (self->socks, i);

      if (inode != 0 && s->inode == inode)
        return s;
    }
  for (guint i = 0; i < self->socks->len; i++)
    {
      Sock *s = g_ptr_array_index (self->socks, i);

      if (g_strcmp0 (s->proto, proto) == 0 && s->lport == lport && s->rport == rport &&
          g_strcmp0 (s->laddr, laddr) == 0 && g_strcmp0 (s->raddr, raddr) == 0)
        return s;
    }
  return NULL;
}

/* A state event: the socket's holders now; an orphaned one keeps its last holder. Returns the
 * last holder to write in an event that names no actor. */
static const Sock *
note_state (SockscopeLegacyEnds *self,
            JsonObject          *event)
{
  const char *proto = string_member (event, "proto");
  const char *actor = string_member (event, "actor");
  const char *state = string_member (event, "state");
  gint64 inode = int_member (event, "inode", 0);
  JsonArray *holders = json_object_has_member (event, "holders") &&
                       JSON_NODE_HOLDS_ARRAY (json_object_get_member (event, "holders"))
                       ? json_object_get_array_member (event, "holders") : NULL;
  g_autofree char *laddr = NULL, *raddr = NULL;
  guint lport, rport;
  Sock *s;

  if (proto == NULL)
    return NULL;
  split_endpoint (string_member (event, "local"), &laddr, &lport);
  split_endpoint (string_member (event, "peer"), &raddr, &rport);
  s = find_sock (self, inode, proto, laddr, lport, raddr, rport);
  if (s == NULL)
    {
      s = g_new0 (Sock, 1);
      s->proto = g_strdup (proto);
      s->last_fd = -1;
      g_ptr_array_add (self->socks, s);
    }
  g_free (s->laddr);
  s->laddr = g_steal_pointer (&laddr);
  s->lport = lport;
  g_free (s->raddr);
  s->raddr = g_steal_pointer (&raddr);
  s->rport = rport;
  s->inode = inode;
  g_clear_pointer (&s->holders, g_strfreev);
  if (holders != NULL)
    {
      GStrvBuilder *b = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (holders); i++)
        {
          JsonNode *h = json_array_get_element (holders, i);

          if (JSON_NODE_HOLDS_VALUE (h) && json_node_get_value_type (h) == G_TYPE_STRING)
            g_strv_builder_add (b, json_node_get_string (h));
        }
      s->holders = g_strv_builder_end (b);
      g_strv_builder_unref (b);
    }
  g_free (s->owner);
  s->owner = g_strdup (actor);
  s->owner_fd = (int) int_member (event, "fd", -1);
  if (actor != NULL)
    {
      g_free (s->last_actor);
      s->last_actor = g_strdup (actor);
      s->last_fd = s->owner_fd;
    }
  if (g_strcmp0 (state, "CLOSED") == 0)
    {
      /* Gone from the kernel: kept a while for its late packets (the last ACK), with its last
       * holder. */
      if (self->gone->len >= 64)
        g_ptr_array_remove_index (self->gone, 0);
      g_ptr_array_add (self->gone, g_ptr_array_steal_index (self->socks, index_of (self->socks, s)));
    }
  return s;
}

static gboolean
holds (const Sock *s,
       const char *process)
{
  return s->holders != NULL && process != NULL && g_strv_contains ((const char * const *) s->holders, process);
}

static gboolean
sock_end (SockscopeLegacyEnds *self,
          const Sock          *s,
          const End           *cause,
          End                 *end)
{
  if (s->holders != NULL && s->holders[0] != NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s|%d", s->owner ? s->owner : s->holders[0], s->owner_fd);
      const char *caller = g_hash_table_lookup (self->last_caller, key);

      if (cause != NULL && holds (s, process_of (self, cause->actor)))
        *end = (End) { cause->actor, g_strcmp0 (process_of (self, cause->actor), s->owner) == 0 ? s->owner_fd : -1 };
      else if (caller != NULL)
        *end = (End) { (char *) caller, s->owner_fd };
      else
        *end = (End) { s->owner ? s->owner : s->holders[0], s->owner ? s->owner_fd : -1 };
      return TRUE;
    }
  if (s->last_actor != NULL)
    {
      *end = (End) { s->last_actor, s->last_fd };
      return TRUE;
    }
  return FALSE;
}

typedef enum { CONNECTION, BOUND, WILDCARD } Match;

static gboolean
matches (const Sock *s,
         const char *proto,
         const char *laddr,
         guint       lport,
         const char *raddr,
         guint       rport,
         Match       how)
{
  if (g_strcmp0 (s->proto, proto) != 0 || s->lport != lport)
    return FALSE;
  switch (how)
    {
    case CONNECTION:
      return s->raddr != NULL && s->rport == rport && g_strcmp0 (s->raddr, raddr) == 0 &&
             g_strcmp0 (s->laddr, laddr) == 0;
    case BOUND:
      return s->raddr == NULL && s->laddr != NULL && g_strcmp0 (s->laddr, laddr) == 0;
    case WILDCARD:
    default:
      return s->raddr == NULL && s->laddr == NULL;
    }
}

/* @segment: a TCP segment other than a SYN reaches its connection, even one just reported
 * CLOSED (its last ACK), and a listener only for a connection no process holds yet (waiting in
 * the accept queue, or not reported yet). */
static gboolean
find_end (SockscopeLegacyEnds *self,
          const char          *proto,
          const char          *laddr,
          guint                lport,
          const char          *raddr,
          guint                rport,
          gboolean             listener,
          gboolean             segment,
          const End           *cause,
          End                 *end)
{
  static const Match connection_first[] = { CONNECTION, BOUND, WILDCARD };
  static const Match listener_first[] = { BOUND, WILDCARD, CONNECTION };
  const Match *order = listener ? listener_first : connection_first;
  gboolean queued = FALSE;

  for (guint m = 0; m < G_N_ELEMENTS (connection_first); m++)
    {
      if (segment && order[m] != CONNECTION && !queued)
        {
          for (guint i = self->gone->len; i > 0; i--)
            {
              const Sock *s = g_ptr_array_index (self->gone, i - 1);

              if (matches (s, proto, laddr, lport, raddr, rport, CONNECTION) && sock_end (self, s, cause, end))
                return TRUE;
            }
          /* Not gone, not reported yet: a new connection, still its listener's. */
          queued = TRUE;
        }
      for (guint i = 0; i < self->socks->len; i++)
        {
          const Sock *s = g_ptr_array_index (self->socks, i);

          if (!matches (s, proto, laddr, lport, raddr, rport, order[m]))
            continue;
          if (sock_end (self, s, cause, end))
            return TRUE;
          queued = queued || order[m] == CONNECTION;
        }
    }
  return FALSE;
}

static void
append_end (GString     *out,
            const char  *name,
            const End   *end)
{
  g_autofree char *quoted = NULL;

  if (end->actor == NULL)
    {
      g_string_append_printf (out, ",\"%s\":null,\"%s_fd\":null", name, name);
      return;
    }
  {
    JsonNode *node = json_node_init_string (json_node_alloc (), end->actor);

    quoted = json_to_string (node, FALSE);
    json_node_unref (node);
  }
  g_string_append_printf (out, ",\"%s\":%s", name, quoted);
  if (end->fd >= 0)
    g_string_append_printf (out, ",\"%s_fd\":%d", name, end->fd);
  else
    g_string_append_printf (out, ",\"%s_fd\":null", name);
}

/* The line with @members added before its closing brace. */
static char *
with_members (const char *line,
              const char *members)
{
  const char *close = strrchr (line, '}');

  if (close == NULL)
    return NULL;
  return g_strdup_printf ("%.*s%s%s", (int) (close - line), line, members, close);
}

/* What the kernel packet is, from its bytes, as the lab names it today (but "syn-ignored":
 * only the lab saw the listener's queue). */
static void
append_analysis (SockscopeLegacyEnds *self,
                 JsonObject          *event,
                 GString             *members)
{
  const char *raw = string_member (event, "raw");
  gint64 n = int_member (event, "n", 0);
  g_autofree guchar *bytes = NULL;
  gsize len = 0;
  SsPacketSummary sum;
  SsAnalysis an = { 0 };
  SsStr json;

  if (raw == NULL || n <= 0)
    return;
  bytes = g_base64_decode (raw, &len);
  memset (&sum, 0, sizeof sum);
  ss_packet_summarize ((uint32_t) int_member (event, "linktype", 1), bytes, (uint32_t) len,
                       (uint32_t) int_member (event, "origlen", (gint64) len), &sum);
  ss_analyzer_feed (self->analyzer, (uint64_t) n, &sum, bytes, &an);
  ss_str_init (&json);
  ss_analysis_append_json (&json, &an);
  g_string_append_len (members, json.data, (gssize) json.len);
  ss_str_clear (&json);
}

static char *
rewrite_packet (SockscopeLegacyEnds *self,
                JsonObject          *event,
                const char          *line)
{
  JsonObject *pkt = json_object_has_member (event, "pkt") &&
                    JSON_NODE_HOLDS_OBJECT (json_object_get_member (event, "pkt"))
                    ? json_object_get_object_member (event, "pkt") : NULL;
  const End *cause = g_hash_table_lookup (self->calls, GSIZE_TO_POINTER ((gsize) int_member (event, "cause", 0)));
  const char *proto = pkt ? string_member (pkt, "proto") : NULL;
  const char *flags = pkt ? string_member (pkt, "flags") : NULL;
  End from = { NULL, -1 }, to = { NULL, -1 };
  g_autoptr(GString) members = g_string_new (NULL);

  if (proto != NULL && (g_str_equal (proto, "tcp") || g_str_equal (proto, "udp")) && pkt != NULL)
    {
      const char *src = string_member (pkt, "src"), *dst = string_member (pkt, "dst");
      guint sport = (guint) int_member (pkt, "sport", 0), dport = (guint) int_member (pkt, "dport", 0);
      gboolean syn = flags != NULL && strchr (flags, 'S') != NULL;
      gboolean ack = flags != NULL && strchr (flags, '.') != NULL;
      gboolean rst = flags != NULL && strchr (flags, 'R') != NULL;

      find_end (self, proto, src, sport, dst, dport, syn && ack, g_str_equal (proto, "tcp") && !syn, cause, &from);
      find_end (self, proto, dst, dport, src, sport, syn && !ack, g_str_equal (proto, "tcp") && !syn, cause, &to);
      /* A socket these logs did not report yet (a connect's, a sendto's) is the causing call's;
       * a RST or a SYN-ACK answers the causing call's socket. */
      if (from.actor == NULL && cause != NULL && !rst && g_strcmp0 (cause->actor, to.actor) != 0)
        from = *cause;
      else if (to.actor == NULL && cause != NULL && (rst || (syn && ack)) && g_strcmp0 (cause->actor, from.actor) != 0)
        to = *cause;
    }
  else if (proto != NULL && g_str_has_prefix (proto, "icmp") && cause != NULL)
    to = *cause;

  append_end (members, "from", &from);
  append_end (members, "to", &to);
  if (!json_object_has_member (event, "analysis"))
    append_analysis (self, event, members);
  return with_members (line, members->str);
}

char *
sockscope_legacy_ends_rewrite (SockscopeLegacyEnds *self,
                               const char          *line)
{
  g_autoptr(JsonNode) root = json_from_string (line, NULL);
  JsonObject *event;
  const char *type;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  event = json_node_get_object (root);
  type = string_member (event, "type");
  if (type == NULL)
    return NULL;

  if (g_str_equal (type, "actor"))
    {
      const char *actor = string_member (event, "actor");
      const char *parent = string_member (event, "parent");

      if (actor != NULL)
        g_hash_table_replace (self->process_of, g_strdup (actor),
                              g_strdup (json_object_get_boolean_member_with_default (event, "thread", FALSE) && parent
                                        ? process_of (self, parent) : actor));
    }
  else if (g_str_equal (type, "call"))
    {
      const char *actor = string_member (event, "actor");
      int fd = (int) int_member (event, "fd", -1);
      End *end = g_new0 (End, 1);

      end->actor = g_strdup (actor);
      end->fd = fd;
      g_hash_table_replace (self->calls, GSIZE_TO_POINTER ((gsize) int_member (event, "seq", 0)), end);
      if (actor != NULL && fd >= 0)
        g_hash_table_replace (self->last_caller, g_strdup_printf ("%s|%d", process_of (self, actor), fd),
                              g_strdup (actor));
    }
  else if (g_str_equal (type, "state"))
    {
      const Sock *s = note_state (self, event);

      if (s != NULL && string_member (event, "actor") == NULL && s->last_actor != NULL &&
          !json_object_has_member (event, "last_actor"))
        {
          g_autoptr(GString) members = g_string_new (NULL);
          End last = { s->last_actor, s->last_fd };

          append_end (members, "last_actor", &last);
          /* append_end names the fd member "last_actor_fd": the lab's is "last_fd". */
          g_string_replace (members, "\"last_actor_fd\"", "\"last_fd\"", 1);
          return with_members (line, members->str);
        }
    }
  else if (g_str_equal (type, "packet") && !json_object_has_member (event, "from"))
    return rewrite_packet (self, event, line);
  return NULL;
}
