/* sockscope-ends.c: which actor sent a packet and which actor it reached.
 *
 * Decided once, here, where the facts are (the kernel's sockets, their holders, the calls made
 * on them), and written in the packet event as `from` and `to`; no view guesses it from ports.
 *  - The sending socket is the one whose local end is the packet's source and whose peer is
 *    its destination (a connection); else the one bound to the source with no peer (a listener
 *    answering a SYN, an unconnected UDP socket); else the one bound to the wildcard address on
 *    that port. The receiving socket is found the same way from the destination.
 *  - A socket's actor is one of the processes holding it now: the one whose call caused the
 *    packet, else the one that last made a call on it, else the first holder (the parent after
 *    a fork). When that call was made by a thread, the thread is the end.
 *  - A socket no process holds any more (FIN-WAIT-2, TIME-WAIT) belongs to the process that
 *    held it last, even once gone from the kernel's tables (the FIN of an exit, read late); a
 *    connection no process has accepted yet (SYN-RECV, or waiting in the accept queue) to its
 *    listener. No other TCP segment is ever the listener's.
 *  An IPv4 packet never reaches an IPV6_V6ONLY socket bound to the same port.
 *  - An IPv4 datagram cut into fragments (a wire's MTU): its first fragment carries the ports and
 *    is attributed as the datagram; the others, which have none, have the first one's ends
 *    (same addresses and IP id).
 *  - No socket: a SYN or a datagram from a socket the kernel bound during the call comes from
 *    the actor whose call sent it (connect, sendto); a RST refusing a SYN reaches the actor whose
 *    connect sent the SYN. An ICMP error is sent by a host's kernel (no actor) and reaches the
 *    socket that sent the datagram it quotes. Anything else has no actor: a closed port.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "sockscope-lab-private.h"

static const guint8 any_addr[16];
static const guint8 v4_any[16] = { [10] = 0xff, [11] = 0xff };

static gboolean
is_any (const guint8 addr[16])
{
  return memcmp (addr, any_addr, 16) == 0 || memcmp (addr, v4_any, 16) == 0;
}

typedef enum
{
  MATCH_CONNECTION,   /* both ends */
  MATCH_BOUND,        /* local address and port, no peer */
  MATCH_WILDCARD,     /* the port on any local address, no peer */
} SsMatch;

static gboolean
is_v4 (const guint8 addr[16])
{
  return memcmp (addr, v4_any, 12) == 0;
}

/* An IPv4 packet reaches an AF_INET socket, or an AF_INET6 one that is not IPV6_V6ONLY; an
 * IPv6 packet only an AF_INET6 socket. */
static gboolean
same_family (const SsSockEntry *e,
             const SsTuple     *t)
{
  if (!is_v4 (t->local))
    return e->family == AF_INET6;
  return e->family == AF_INET || (e->family == AF_INET6 && !e->v6only);
}

static gboolean
matches (const SsSockEntry *e,
         const SsTuple     *t,
         SsMatch            how)
{
  if (e->family == AF_UNIX || e->proto != t->proto || e->tuple.lport != t->lport || !same_family (e, t))
    return FALSE;
  switch (how)
    {
    case MATCH_CONNECTION:
      return e->tuple.rport == t->rport && memcmp (e->tuple.local, t->local, 16) == 0 &&
             memcmp (e->tuple.remote, t->remote, 16) == 0;
    case MATCH_BOUND:
      return e->tuple.rport == 0 && is_any (e->tuple.remote) && memcmp (e->tuple.local, t->local, 16) == 0;
    case MATCH_WILDCARD:
    default:
      return e->tuple.rport == 0 && is_any (e->tuple.remote) && is_any (e->tuple.local);
    }
}

static gboolean
holds (const SsSockEntry *e,
       const SsActor     *actor,
       int               *fd)
{
  for (guint i = 0; actor != NULL && i < e->n_holders; i++)
    if (e->holders[i]->pid == actor->pid)
      {
        *fd = e->holder_fds[i];
        return TRUE;
      }
  return FALSE;
}

static gboolean
call_on (const SsSockRec *rec,
         const SsCallRec *call)
{
  return rec != NULL && call != NULL &&
         (rec->last_call == call || rec->last_send == call || rec->last_fin == call ||
          rec->last_close == call || rec->last_connect == call);
}

/* The entry this one follows in the last report (the same socket, or the connection the kernel
 * moved to a TIME-WAIT socket): it knows who held it last. */
static const SsSockEntry *
reported (SsLab             *lab,
          const SsSockEntry *e)
{
  for (guint i = 0; lab->states != NULL && i < lab->states->len; i++)
    {
      const SsSockEntry *r = &g_array_index (lab->states, SsSockEntry, i);

      if (r->cookie == e->cookie)
        return r;
    }
  for (guint i = 0; lab->states != NULL && i < lab->states->len; i++)
    {
      const SsSockEntry *r = &g_array_index (lab->states, SsSockEntry, i);

      if (r->proto == IPPROTO_TCP && r->tuple.rport != 0 && memcmp (&r->tuple, &e->tuple, sizeof r->tuple) == 0)
        return r;
    }
  return NULL;
}

/* The actor of a socket, or FALSE when no one can be named (an embryonic connection). */
static gboolean
actor_of (SsLab             *lab,
          const SsSockEntry *e,
          SsCallRec         *cause,
          SsEnd             *end)
{
  SsSockRec *rec = e->inode != 0 ? g_hash_table_lookup (lab->socks, &e->inode) : NULL;
  SsActor *caller = rec != NULL && rec->last_call != NULL ? rec->last_call->actor : NULL;
  const SsSockEntry *before;
  int fd;

  if (e->n_holders > 0)
    {
      if (call_on (rec, cause) && holds (e, cause->actor, &fd))
        *end = (SsEnd) { cause->actor, fd };
      else if (holds (e, caller, &fd))
        *end = (SsEnd) { caller, fd };
      else
        *end = (SsEnd) { e->holders[0], e->holder_fds[0] };
      return TRUE;
    }
  if (e->last_actor != NULL)
    {
      *end = (SsEnd) { e->last_actor, e->last_fd };
      return TRUE;
    }
  if ((before = reported (lab, e)) != NULL && before != e && (before->n_holders > 0 || before->last_actor != NULL))
    return actor_of (lab, before, cause, end);
  return FALSE;
}

/* @queued: a connection matched that no process holds yet (it waits in its listener's queue). */
static gboolean
find_in (SsLab         *lab,
         GArray        *entries,
         const SsTuple *t,
         SsMatch        how,
         SsCallRec     *cause,
         SsEnd         *end,
         gboolean      *queued)
{
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const SsSockEntry *e = &g_array_index (entries, SsSockEntry, i);

      if (lab->end_host != SS_HOST_NONE && e->host != lab->end_host)
        continue;
      if (!matches (e, t, how))
        continue;
      if (actor_of (lab, e, cause, end))
        return TRUE;
      if (how == MATCH_CONNECTION)
        *queued = TRUE;
    }
  return FALSE;
}

/* The socket at the local end of @t, the most precise match first (the listener first for a
 * SYN it receives or a SYN-ACK it answers with, even when the connection was accepted since):
 * in the last report, and in a dump taken now when a call ran since (a socket that call bound,
 * connected or accepted). Any other TCP segment belongs to a connection: to its listener only
 * while no process has accepted it, else to a connection just gone from the kernel's tables. */
static gboolean
find_end (SsLab         *lab,
          const SsTuple *t,
          gboolean       listener,
          gboolean       segment,
          SsCallRec     *cause,
          SsEnd         *end)
{
  static const SsMatch connection_first[] = { MATCH_CONNECTION, MATCH_BOUND, MATCH_WILDCARD };
  static const SsMatch listener_first[] = { MATCH_BOUND, MATCH_WILDCARD, MATCH_CONNECTION };
  const SsMatch *order = listener ? listener_first : connection_first;
  gboolean queued = FALSE;

  for (guint m = 0; m < G_N_ELEMENTS (connection_first); m++)
    {
      gboolean fresh = lab->lookup != NULL && lab->lookup_generation == lab->generation;
      /* across the wire a handshake takes tens of microseconds (a second when a SYN is lost):
       * a TCP segment whose connection no dump holds may reach one born after the last dump */
      gboolean older = lab->hosts != NULL && t->proto == IPPROTO_TCP && lab->lookup_t_ns < lab->pkt_t_ns;

      if (segment && order[m] != MATCH_CONNECTION && !queued)
        {
          if (find_in (lab, lab->gone, t, MATCH_CONNECTION, cause, end, &queued))
            return TRUE;
          segment = FALSE;
          if (!queued)
            return FALSE;
        }
      if (fresh && find_in (lab, lab->lookup, t, order[m], cause, end, &queued))
        return TRUE;
      if (find_in (lab, lab->states, t, order[m], cause, end, &queued))
        return TRUE;
      if ((!fresh || older) && order[m] == MATCH_CONNECTION)
        {
          g_clear_pointer (&lab->lookup, g_array_unref);
          lab->lookup = ss_sockdiag_snapshot (lab);
          lab->lookup_generation = lab->generation;
          lab->lookup_t_ns = ss_now_ns ();
          if (find_in (lab, lab->lookup, t, order[m], cause, end, &queued))
            return TRUE;
        }
    }
  return FALSE;
}

/* 0: not a fragment; 1: the first of a datagram's fragments; 2: a later one. */
int
ss_ipv4_fragment (const SsPacketSummary *sum,
                  const guint8          *data)
{
  const guint8 *ip = data + sum->l3_off;
  guint16 off;

  if (sum->l3 != SS_PROTO_IPV4 || (guint32) sum->l3_off + 20 > sum->caplen)
    return 0;
  off = (guint16) (((ip[6] & 0x1f) << 8) | ip[7]);
  if (off != 0)
    return 2;
  return (ip[6] & 0x20) ? 1 : 0;
}

/* The first fragment's entry of a later fragment's datagram, or -1. */
gint
ss_fragment_slot (SsLab                 *lab,
                  const SsPacketSummary *sum,
                  const guint8          *data)
{
  const guint8 *ip = data + sum->l3_off;

  for (guint i = 0; i < G_N_ELEMENTS (lab->frags); i++)
    if (lab->frags[i].used && memcmp (lab->frags[i].addrs, ip + 12, 8) == 0
        && lab->frags[i].id == (guint16) ((ip[4] << 8) | ip[5]))
      return (gint) i;
  return -1;
}

static SsEnd
caller_end (SsCallRec *call)
{
  return (SsEnd) { call->actor, call->info->acts_on_fd ? call->fds[0] : -1 };
}

void
ss_ends_attribute (SsLab                 *lab,
                   const SsPacketSummary *sum,
                   const guint8          *data,
                   SsCallRec             *cause,
                   SsEnd                 *from,
                   SsEnd                 *to)
{
  SsTuple t, r;
  gboolean syn, segment;
  int fragment = ss_ipv4_fragment (sum, data);

  *from = *to = (SsEnd) { NULL, -1 };
  if (fragment == 2)
    {
      gint i = ss_fragment_slot (lab, sum, data);

      if (i >= 0)
        {
          *from = lab->frags[i].from;
          *to = lab->frags[i].to;
        }
      return;
    }
  /* a first fragment's UDP length runs past it: still the datagram's (the decoder says so) */
  if ((sum->status & SS_STATUS_MALFORMED) && fragment != 1)
    return;

  /* in a two-host lab, each end is looked for among its own host's sockets */
  if (sum->proto == SS_PROTO_ICMP || sum->proto == SS_PROTO_ICMPV6)
    {
      lab->end_host = lab->pkt_hosts[1];
      if (ss_cause_quoted_tuple (sum, data, &t) && !find_end (lab, &t, FALSE, FALSE, NULL, to) && cause != NULL)
        *to = caller_end (cause);
      lab->end_host = SS_HOST_NONE;
      return;
    }
  if ((sum->proto != SS_PROTO_TCP && sum->proto != SS_PROTO_UDP) || !ss_cause_read_tuple (sum, data, &t))
    return;

  syn = sum->proto == SS_PROTO_TCP && (sum->tcp_flags & 0x02);
  segment = sum->proto == SS_PROTO_TCP && !syn;
  lab->end_host = lab->pkt_hosts[0];
  if (!find_end (lab, &t, syn && (sum->tcp_flags & 0x10), segment, cause, from) && cause != NULL &&
      (sum->proto == SS_PROTO_UDP || (syn && !(sum->tcp_flags & 0x10))))
    *from = caller_end (cause);

  ss_tuple_reverse (&t, &r);
  lab->end_host = lab->pkt_hosts[1];
  if (!find_end (lab, &r, syn && !(sum->tcp_flags & 0x10), segment, cause, to) && cause != NULL &&
      cause->actor != from->actor &&
      sum->proto == SS_PROTO_TCP && (sum->tcp_flags & 0x04))
    *to = caller_end (cause);
  lab->end_host = SS_HOST_NONE;
  if (fragment == 1)
    {
      const guint8 *ip = data + sum->l3_off;
      guint i = lab->next_frag++ % G_N_ELEMENTS (lab->frags);

      memcpy (lab->frags[i].addrs, ip + 12, 8);
      lab->frags[i].id = (guint16) ((ip[4] << 8) | ip[5]);
      lab->frags[i].used = TRUE;
      lab->frags[i].from = *from;
      lab->frags[i].to = *to;
      lab->frags[i].cause = cause;
    }
}

static void
append_end (GString     *out,
            const char  *name,
            const SsEnd *end)
{
  g_string_append_printf (out, ",\"%s\":", name);
  if (end->actor == NULL)
    {
      g_string_append_printf (out, "null,\"%s_fd\":null", name);
      return;
    }
  ss_json_append_string (out, end->actor->name, -1);
  if (end->fd >= 0)
    g_string_append_printf (out, ",\"%s_fd\":%d", name, end->fd);
  else
    g_string_append_printf (out, ",\"%s_fd\":null", name);
}

void
ss_ends_append_json (GString     *out,
                     const SsEnd *from,
                     const SsEnd *to)
{
  append_end (out, "from", from);
  append_end (out, "to", to);
}
