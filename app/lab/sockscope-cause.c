/* sockscope-cause.c: which call made a packet.
 *
 * The sending socket is found from the packet's addresses (sock_diag tells
 * which socket inode has them, the lab knows which calls ran on that inode).
 * Then, by the kind of segment:
 *  - SYN, SYN-ACK and the handshake's last ACK: the client's connect;
 *  - data (TCP with payload, UDP): the latest send/sendto on the sender;
 *  - FIN: the latest close/shutdown on the sender;
 *  - RST: the close on the sender (SO_LINGER {1, 0}, or unread data);
 *    a RST answering a SYN to a closed port: the connect that sent the SYN;
 *  - everything else is the kernel's: pure ACKs, window updates, the ACK of
 *    a FIN, retransmissions and keepalives (a sequence number already seen
 *    from that endpoint), ICMP messages other than the errors below;
 *  - ICMP destination / port unreachable: the send of the UDP datagram it quotes.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sockscope-lab-private.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

typedef enum
{
  HS_NONE,
  HS_SYN_SENT,       /* seen from the client */
  HS_SYNACK_SEEN,    /* on the client's flow: the server answered */
  HS_DONE,
} SsHandshake;

/* One direction of a TCP connection. */
typedef struct
{
  gboolean    has_end;
  guint32     max_end;       /* highest sequence number sent, plus one */
  SsHandshake hs;
  SsCallRec  *hs_cause;
} SsFlow;

guint
ss_tuple_hash (gconstpointer key)
{
  const guint8 *p = key;
  guint h = 2166136261u;

  for (gsize i = 0; i < sizeof (SsTuple); i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

gboolean
ss_tuple_equal (gconstpointer a,
                gconstpointer b)
{
  return memcmp (a, b, sizeof (SsTuple)) == 0;
}

void
ss_cause_init (SsLab *lab)
{
  lab->socks = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  lab->socks_by_tuple = g_hash_table_new_full (ss_tuple_hash, ss_tuple_equal, g_free, NULL);
  lab->flows = g_hash_table_new_full (ss_tuple_hash, ss_tuple_equal, g_free, g_free);
}

static SsSockRec *
sock_for_inode (SsLab   *lab,
                guint64  inode)
{
  SsSockRec *rec = g_hash_table_lookup (lab->socks, &inode);

  if (rec == NULL)
    {
      rec = g_new0 (SsSockRec, 1);
      rec->inode = inode;
      g_hash_table_insert (lab->socks, &rec->inode, rec);
    }
  return rec;
}

/* The socket behind an actor's fd, read before the call runs (a close would
 * make it unreachable afterwards). */
SsSockRec *
ss_cause_sock_for_fd (SsLab   *lab,
                      SsActor *actor,
                      int      fd)
{
  char path[64], link[64];
  guint64 inode;
  ssize_t n;

  g_snprintf (path, sizeof path, "/proc/%d/fd/%d", (int) actor->pid, fd);
  n = readlink (path, link, sizeof link - 1);
  if (n <= 0)
    return NULL;
  link[n] = '\0';
  if (sscanf (link, "socket:[%" G_GUINT64_FORMAT "]", &inode) != 1)
    return NULL;
  return sock_for_inode (lab, inode);
}

void
ss_cause_note_call (SsSockRec *rec,
                    SsCallRec *call)
{
  if (rec == NULL)
    return;
  rec->last_call = call;
  switch (call->info->id)
    {
    case SS_CALL_SEND:
    case SS_CALL_SENDTO:
      rec->last_send = call;
      break;
    case SS_CALL_CLOSE:
    case SS_CALL_EXIT:        /* the process's fds close with it */
      rec->last_close = call;
      rec->last_fin = call;
      break;
    case SS_CALL_SHUTDOWN:
      rec->last_fin = call;
      break;
    case SS_CALL_CONNECT:
      rec->last_connect = call;
      break;
    default:
      break;
    }
}

void
ss_cause_note_remote (SsCallRec                     *call,
                      const struct sockaddr_storage *addr)
{
  if (addr->ss_family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) addr;

      memset (call->remote, 0, 16);
      call->remote[10] = call->remote[11] = 0xff;
      memcpy (call->remote + 12, &sin->sin_addr, 4);
      call->rport = ntohs (sin->sin_port);
      call->has_remote = TRUE;
    }
  else if (addr->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) addr;

      memcpy (call->remote, &sin6->sin6_addr, 16);
      call->rport = ntohs (sin6->sin6_port);
      call->has_remote = TRUE;
    }
}

/* A connect refused on lo is over before its SYN is read from the ring: its
 * socket is gone from sock_diag.  Then the latest connect to the SYN's
 * destination sent it. */
static SsCallRec *
connect_to (SsLab         *lab,
            const SsTuple *t)
{
  for (guint i = lab->calls->len; i > 0 && i + 32 > lab->calls->len; i--)
    {
      SsCallRec *call = g_ptr_array_index (lab->calls, i - 1);

      if (call->info->id == SS_CALL_CONNECT && call->has_remote &&
          call->rport == t->rport && memcmp (call->remote, t->remote, 16) == 0)
        return call;
    }
  return NULL;
}

/* Remember the addresses of every socket the lab has seen a call on.  The
 * mapping is kept when the socket closes: its FIN comes after. */
void
ss_cause_learn (SsLab  *lab,
                GArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const SsSockEntry *e = &g_array_index (entries, SsSockEntry, i);
      SsSockRec *rec;

      if (e->family == AF_UNIX || e->inode == 0)
        continue;
      if ((rec = g_hash_table_lookup (lab->socks, &e->inode)) == NULL)
        continue;
      g_hash_table_replace (lab->socks_by_tuple, g_memdup2 (&e->tuple, sizeof e->tuple), rec);
    }
  lab->learned_generation = lab->generation;
}

static SsSockRec *
lookup_endpoint (SsLab         *lab,
                 const SsTuple *t)
{
  SsTuple k = *t;
  SsSockRec *rec;

  if ((rec = g_hash_table_lookup (lab->socks_by_tuple, &k)) != NULL)
    return rec;
  /* Unconnected (UDP) or listening: the remote end is any. */
  memset (k.remote, 0, sizeof k.remote);
  k.rport = 0;
  if ((rec = g_hash_table_lookup (lab->socks_by_tuple, &k)) != NULL)
    return rec;
  memset (k.local, 0, 16);
  return g_hash_table_lookup (lab->socks_by_tuple, &k);
}

static SsSockRec *
find_sender (SsLab         *lab,
             const SsTuple *t)
{
  SsSockRec *rec = lookup_endpoint (lab, t);

  /* Sockets appear through calls: ask the kernel again only if a call ran
   * since it was last asked, so that a stream of unknown packets costs nothing. */
  if (rec == NULL && lab->learned_generation != lab->generation)
    {
      ss_sockdiag_learn (lab);
      rec = lookup_endpoint (lab, t);
    }
  return rec;
}

static SsFlow *
flow_for (SsLab         *lab,
          const SsTuple *t,
          gboolean       create)
{
  SsFlow *flow = g_hash_table_lookup (lab->flows, t);

  if (flow == NULL && create)
    {
      flow = g_new0 (SsFlow, 1);
      g_hash_table_insert (lab->flows, g_memdup2 (t, sizeof *t), flow);
    }
  return flow;
}

void
ss_tuple_reverse (const SsTuple *t,
                  SsTuple       *r)
{
  memset (r, 0, sizeof *r);
  r->proto = t->proto;
  r->lport = t->rport;
  r->rport = t->lport;
  memcpy (r->local, t->remote, 16);
  memcpy (r->remote, t->local, 16);
}

/* The packet's 4-tuple as its sender sees it (local: the source); proto is set for TCP and UDP. */
gboolean
ss_cause_read_tuple (const SsPacketSummary *sum,
                     const guint8          *data,
                     SsTuple               *t)
{
  memset (t, 0, sizeof *t);
  t->lport = sum->sport;
  t->rport = sum->dport;
  t->proto = sum->proto == SS_PROTO_TCP ? IPPROTO_TCP : sum->proto == SS_PROTO_UDP ? IPPROTO_UDP : 0;

  if (sum->l3 == SS_PROTO_IPV4 && (guint32) sum->l3_off + 20 <= sum->caplen)
    {
      t->local[10] = t->local[11] = t->remote[10] = t->remote[11] = 0xff;
      memcpy (t->local + 12, data + sum->l3_off + 12, 4);
      memcpy (t->remote + 12, data + sum->l3_off + 16, 4);
      return TRUE;
    }
  if (sum->l3 == SS_PROTO_IPV6 && (guint32) sum->l3_off + 40 <= sum->caplen)
    {
      memcpy (t->local, data + sum->l3_off + 8, 16);
      memcpy (t->remote, data + sum->l3_off + 24, 16);
      return TRUE;
    }
  return FALSE;
}

static SsCallRec *
attribute_tcp (SsLab                 *lab,
               const SsPacketSummary *sum,
               const SsTuple         *t)
{
  guint8 fl = sum->tcp_flags;
  SsSockRec *rec;
  SsFlow *flow = flow_for (lab, t, TRUE);
  guint32 end = sum->seq + sum->payload_len + ((fl & TCP_SYN) ? 1 : 0) + ((fl & TCP_FIN) ? 1 : 0);
  gboolean occupies = end != sum->seq;
  gboolean seen_before = occupies && flow->has_end && (gint32) (sum->seq - flow->max_end) < 0;

  if (occupies && !seen_before)
    {
      flow->has_end = TRUE;
      flow->max_end = end;
    }

  if (seen_before)
    return NULL;

  if ((fl & TCP_SYN) && !(fl & TCP_ACK))
    {
      rec = find_sender (lab, t);
      flow->hs = HS_SYN_SENT;
      flow->hs_cause = rec && rec->last_connect ? rec->last_connect : connect_to (lab, t);
      return flow->hs_cause;
    }

  if ((fl & TCP_SYN) && (fl & TCP_ACK))
    {
      SsTuple r;
      SsFlow *client;

      ss_tuple_reverse (t, &r);
      client = flow_for (lab, &r, FALSE);
      if (client == NULL || client->hs == HS_NONE)
        return NULL;
      client->hs = HS_SYNACK_SEEN;
      return client->hs_cause;
    }

  if (fl & TCP_RST)
    {
      SsTuple r;
      SsFlow *client;

      rec = find_sender (lab, t);
      if (rec != NULL && rec->last_close != NULL)
        return rec->last_close;
      ss_tuple_reverse (t, &r);
      client = flow_for (lab, &r, FALSE);
      if (client != NULL && client->hs == HS_SYN_SENT)
        return client->hs_cause;
      return NULL;
    }

  if (sum->payload_len > 0)
    {
      rec = find_sender (lab, t);
      flow->hs = flow->hs == HS_SYNACK_SEEN ? HS_DONE : flow->hs;
      return rec ? rec->last_send : NULL;
    }

  if (fl & TCP_FIN)
    {
      rec = find_sender (lab, t);
      return rec ? rec->last_fin : NULL;
    }

  if (flow->hs == HS_SYNACK_SEEN && fl == TCP_ACK)
    {
      flow->hs = HS_DONE;
      return flow->hs_cause;
    }

  return NULL;
}

/* An ICMP error (destination unreachable) quotes the header of the UDP datagram that provoked
 * it: its 4-tuple as that datagram's sender saw it. */
gboolean
ss_cause_quoted_tuple (const SsPacketSummary *sum,
                       const guint8          *data,
                       SsTuple               *t)
{
  const guint8 *q;
  guint32 off = sum->l4_off, avail;

  if (sum->l4_off == 0xffff || (guint32) sum->l4_off + 8 > sum->caplen)
    return FALSE;
  if (!((sum->proto == SS_PROTO_ICMP && sum->icmp_type == 3) ||
        (sum->proto == SS_PROTO_ICMPV6 && sum->icmp_type == 1)))
    return FALSE;
  off += 8;
  q = data + off;
  avail = sum->caplen - off;
  memset (t, 0, sizeof *t);
  if (sum->proto == SS_PROTO_ICMP)
    {
      guint32 ihl;

      if (avail < 20 || (q[0] >> 4) != 4 || (ihl = (q[0] & 0x0f) * 4u) < 20 || avail < ihl + 4)
        return FALSE;
      t->proto = q[9];
      t->local[10] = t->local[11] = t->remote[10] = t->remote[11] = 0xff;
      memcpy (t->local + 12, q + 12, 4);
      memcpy (t->remote + 12, q + 16, 4);
      q += ihl;
    }
  else
    {
      if (avail < 44 || (q[0] >> 4) != 6)
        return FALSE;
      t->proto = q[6];
      memcpy (t->local, q + 8, 16);
      memcpy (t->remote, q + 24, 16);
      q += 40;
    }
  if (t->proto != IPPROTO_UDP)
    return FALSE;
  t->lport = (guint16) (q[0] << 8 | q[1]);
  t->rport = (guint16) (q[2] << 8 | q[3]);
  return TRUE;
}

/* Its cause is the send that sent the quoted datagram, as a RST answering a SYN is the connect's. */
static SsCallRec *
attribute_icmp_error (SsLab                 *lab,
                      const SsPacketSummary *sum,
                      const guint8          *data)
{
  SsTuple t;
  SsSockRec *rec;

  if (!ss_cause_quoted_tuple (sum, data, &t))
    return NULL;
  rec = find_sender (lab, &t);
  return rec != NULL && !rec->bursting ? rec->last_send : NULL;
}

SsCallRec *
ss_cause_attribute (SsLab                 *lab,
                    const SsPacketSummary *sum,
                    const guint8          *data,
                    gboolean              *is_burst)
{
  SsTuple t;
  SsSockRec *rec;
  int fragment = ss_ipv4_fragment (sum, data);

  *is_burst = FALSE;
  /* a datagram cut into fragments: the first is the datagram's (the decoder reads its UDP
   * header, whose length runs past it), the others the first's (sockscope-ends.c) */
  if (fragment == 2)
    {
      gint i = ss_fragment_slot (lab, sum, data);

      return i >= 0 ? lab->frags[i].cause : NULL;
    }
  if (((sum->status & SS_STATUS_MALFORMED) && fragment != 1) || !ss_cause_read_tuple (sum, data, &t))
    return NULL;

  switch (sum->proto)
    {
    case SS_PROTO_TCP:
      t.proto = IPPROTO_TCP;
      return attribute_tcp (lab, sum, &t);

    case SS_PROTO_UDP:
      t.proto = IPPROTO_UDP;
      rec = find_sender (lab, &t);
      if (rec != NULL && rec->bursting)
        {
          *is_burst = TRUE;
          return NULL;
        }
      return rec ? rec->last_send : NULL;

    case SS_PROTO_ICMP:
    case SS_PROTO_ICMPV6:
      return attribute_icmp_error (lab, sum, data);

    default:
      return NULL;
    }
}
