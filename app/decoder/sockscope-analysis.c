/* sockscope-analysis.c: Wireshark's TCP analysis rules, on the packets alone.
 *
 * For each direction of a TCP connection the analyzer remembers what that side has sent (the
 * next sequence number after its highest segment, its last few new segments), the last ACK
 * number it sent (and which packet first carried it), how many duplicates followed, and its
 * last window. A packet is then checked in Wireshark's order, the first rule that holds wins:
 *  - window probe: 1 byte at the next sequence number, or a keep-alive-shaped segment, while
 *    the other side's window is zero (Linux probes with a keep-alive-shaped segment);
 *  - zero window: it announces a window of 0 (not on SYN, FIN or RST);
 *  - keep-alive: at most 1 byte, one below the next sequence number;
 *  - window update: no data, same seq and ACK as before, only the window changed;
 *  - duplicate ACK: no data, same seq, ACK and window as before (counted, and tied to the
 *    packet that first carried that ACK);
 *  - retransmission: it occupies sequence space below the next sequence number (tied to the
 *    packet that first sent that sequence number); fast when the other side had sent at least
 *    two duplicate ACKs asking for it.
 * A SYN with another initial sequence number starts a new connection on the same ports.
 * UDP datagrams go into a ring; an ICMP/ICMPv6 port unreachable is matched to the datagram it
 * quotes by addresses, ports, and the IPv4 id or the first payload bytes.
 */
#include "sockscope-analysis.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sockscope-cursor.h"

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_ACK = 0x10 };

#define DEFAULT_FLOWS 256
#define N_SEGS        16
#define N_DGRAMS      64
#define PREFIX        8

#define SEQ_LT(a, b) ((int32_t) ((a) - (b)) < 0)
#define SEQ_GT(a, b) ((int32_t) ((a) - (b)) > 0)

typedef struct
{
  uint8_t  addr[2][16];   /* source, destination (IPv4 as ::ffff:a.b.c.d) */
  uint16_t port[2];
} Key;

typedef struct
{
  uint32_t seq, end;
  uint64_t n;
} Seg;

typedef struct
{
  bool     has_seq, has_ack, has_win, has_syn;
  uint32_t nextseq;       /* after the highest sequence number sent */
  uint32_t syn_seq;
  uint32_t lastack;
  uint64_t lastack_n;     /* the packet that first carried lastack */
  uint32_t dupacks;
  uint16_t win;
  Seg      segs[N_SEGS];  /* the last new segments, a ring */
  unsigned next_seg;
} Dir;

typedef struct
{
  bool     used;
  Key      key;           /* direction 0 */
  uint64_t last_n;
  Dir      dir[2];
} Flow;

typedef struct
{
  bool     used;
  Key      key;
  bool     v4;
  uint16_t ip_id;
  uint8_t  prefix[PREFIX];
  uint8_t  prefix_len;
  uint64_t n;
} Dgram;

struct _SsAnalyzer
{
  Flow    *flows;
  size_t   n_flows;
  Dgram    dgrams[N_DGRAMS];
  unsigned next_dgram;
};

SsAnalyzer *
ss_analyzer_new (size_t max_flows)
{
  SsAnalyzer *a = calloc (1, sizeof *a);

  if (a == NULL)
    abort ();
  a->n_flows = max_flows > 0 ? max_flows : DEFAULT_FLOWS;
  a->flows = calloc (a->n_flows, sizeof *a->flows);
  if (a->flows == NULL)
    abort ();
  return a;
}

void
ss_analyzer_free (SsAnalyzer *a)
{
  if (a == NULL)
    return;
  free (a->flows);
  free (a);
}

const char *
ss_analysis_name (unsigned kind)
{
  static const char *const names[SS_ANALYSIS_N_KINDS] = {
    NULL, "retransmission", "fast-retransmission", "dup-ack", "zero-window", "window-update",
    "window-probe", "keep-alive", "syn-ignored", "port-unreachable",
  };

  return kind < SS_ANALYSIS_N_KINDS ? names[kind] : NULL;
}

/* Source and destination addresses of an IPv4 or IPv6 header at off, IPv4 mapped into IPv6. */
static bool
read_addresses (const SsCursor *cur, bool v4, size_t off, Key *k)
{
  const uint8_t *p = ss_cursor_peek (cur, off + (v4 ? 12 : 8), v4 ? 8 : 32);

  memset (k, 0, sizeof *k);
  if (p == NULL)
    return false;
  if (v4)
    {
      for (int i = 0; i < 2; i++)
        {
          k->addr[i][10] = k->addr[i][11] = 0xff;
          memcpy (k->addr[i] + 12, p + 4 * i, 4);
        }
    }
  else
    memcpy (k->addr, p, 32);
  return true;
}

static bool
key_equal (const Key *a, const Key *b)
{
  return memcmp (a, b, sizeof *a) == 0;
}

static void
key_reverse (const Key *k, Key *r)
{
  memcpy (r->addr[0], k->addr[1], 16);
  memcpy (r->addr[1], k->addr[0], 16);
  r->port[0] = k->port[1];
  r->port[1] = k->port[0];
}

/* The flow of a packet and the packet's direction in it; a new flow replaces the one
 * idle the longest when the table is full. */
static Flow *
flow_of (SsAnalyzer *a, const Key *k, uint64_t n, int *dir)
{
  Flow *oldest = &a->flows[0];
  Key r;

  key_reverse (k, &r);
  for (size_t i = 0; i < a->n_flows; i++)
    {
      Flow *f = &a->flows[i];

      if (!f->used)
        {
          oldest = f;
          break;
        }
      if (key_equal (&f->key, k) || key_equal (&f->key, &r))
        {
          *dir = key_equal (&f->key, k) ? 0 : 1;
          f->last_n = n;
          return f;
        }
      if (f->last_n < oldest->last_n)
        oldest = f;
    }
  memset (oldest, 0, sizeof *oldest);
  oldest->used = true;
  oldest->key = *k;
  oldest->last_n = n;
  *dir = 0;
  return oldest;
}

/* The packet that first sent sequence number seq, 0 when it is no longer remembered. */
static uint64_t
segment_of (const Dir *d, uint32_t seq)
{
  for (unsigned i = 0; i < N_SEGS; i++)
    {
      const Seg *s = &d->segs[(d->next_seg + N_SEGS - 1 - i) % N_SEGS];

      if (s->n != 0 && !SEQ_LT (seq, s->seq) && SEQ_LT (seq, s->end))
        return s->n;
    }
  return 0;
}

static void
analyze_tcp (SsAnalyzer *a, uint64_t n, const SsPacketSummary *s, const Key *k, SsAnalysis *out)
{
  uint8_t fl = s->tcp_flags;
  uint32_t seglen = s->payload_len;
  uint32_t seqlen = seglen + ((fl & TH_SYN) ? 1 : 0) + ((fl & TH_FIN) ? 1 : 0);
  bool control = (fl & (TH_SYN | TH_FIN | TH_RST)) != 0;
  int d;
  Flow *f = flow_of (a, k, n, &d);
  Dir *fwd = &f->dir[d], *rev = &f->dir[!d];

  /* A SYN with another initial sequence number: a new connection on the same ports. */
  if ((fl & TH_SYN) && (!fwd->has_syn || fwd->syn_seq != s->seq) && (fwd->has_seq || rev->has_seq))
    {
      memset (fwd, 0, sizeof *fwd);
      if (!(fl & TH_ACK))
        memset (rev, 0, sizeof *rev);
    }

  if (fl & TH_RST)
    ;
  else if (fwd->has_seq && rev->has_win && rev->win == 0
           && ((seglen == 1 && s->seq == fwd->nextseq)
               || (seglen <= 1 && !control && s->seq == fwd->nextseq - 1)))
    out->kind = SS_ANALYSIS_WINDOW_PROBE;
  else if (s->win == 0 && !control)
    out->kind = SS_ANALYSIS_ZERO_WINDOW;
  else if (fwd->has_seq && seglen <= 1 && !control && s->seq == fwd->nextseq - 1)
    out->kind = SS_ANALYSIS_KEEP_ALIVE;
  else if (seglen == 0 && !control && (fl & TH_ACK) && fwd->has_seq && fwd->has_ack
           && fwd->has_win && s->seq == fwd->nextseq && s->ack == fwd->lastack)
    {
      if (s->win != fwd->win)
        out->kind = SS_ANALYSIS_WINDOW_UPDATE;
      else
        {
          out->kind = SS_ANALYSIS_DUP_ACK;
          out->of = fwd->lastack_n;
          out->count = ++fwd->dupacks;
        }
    }
  else if (seqlen > 0 && fwd->has_seq && SEQ_LT (s->seq, fwd->nextseq))
    {
      out->kind = rev->dupacks >= 2 && rev->has_ack && rev->lastack == s->seq
                  ? SS_ANALYSIS_FAST_RETRANSMISSION : SS_ANALYSIS_RETRANSMISSION;
      out->of = segment_of (fwd, s->seq);
    }

  if (fl & TH_RST)
    return;
  if (fl & TH_SYN)
    {
      fwd->has_syn = true;
      fwd->syn_seq = s->seq;
    }
  if (seqlen > 0 && (!fwd->has_seq || SEQ_GT (s->seq + seqlen, fwd->nextseq)))
    {
      if (out->kind != SS_ANALYSIS_RETRANSMISSION && out->kind != SS_ANALYSIS_FAST_RETRANSMISSION)
        {
          Seg *sg = &fwd->segs[fwd->next_seg];

          sg->seq = s->seq;
          sg->end = s->seq + seqlen;
          sg->n = n;
          fwd->next_seg = (fwd->next_seg + 1) % N_SEGS;
        }
      fwd->nextseq = s->seq + seqlen;
      fwd->has_seq = true;
    }
  else if (!fwd->has_seq)
    {
      fwd->nextseq = s->seq;
      fwd->has_seq = true;
    }
  if ((fl & TH_ACK) && (!fwd->has_ack || s->ack != fwd->lastack))
    {
      fwd->has_ack = true;
      fwd->lastack = s->ack;
      fwd->lastack_n = n;
      fwd->dupacks = 0;
    }
  /* A SYN's window is never scaled, the later ones are: compare only those. */
  if (!(fl & TH_SYN))
    {
      fwd->has_win = true;
      fwd->win = s->win;
    }
}

static void
remember_datagram (SsAnalyzer *a, uint64_t n, const SsPacketSummary *s, const SsCursor *cur,
                   const Key *k)
{
  Dgram *g = &a->dgrams[a->next_dgram];
  size_t payload = (size_t) s->l4_off + 8;
  const uint8_t *id = ss_cursor_peek (cur, (size_t) s->l3_off + 4, 2);
  size_t avail;

  a->next_dgram = (a->next_dgram + 1) % N_DGRAMS;
  memset (g, 0, sizeof *g);
  g->used = true;
  g->key = *k;
  g->v4 = s->l3 == SS_PROTO_IPV4;
  g->ip_id = g->v4 && id != NULL ? ss_be16 (id) : 0;
  avail = cur->end > payload ? cur->end - payload : 0;
  if (avail > s->payload_len)
    avail = s->payload_len;
  g->prefix_len = (uint8_t) (avail < PREFIX ? avail : PREFIX);
  if (g->prefix_len > 0)
    memcpy (g->prefix, ss_cursor_peek (cur, payload, g->prefix_len), g->prefix_len);
  g->n = n;
}

/* The datagram an ICMP error quotes: the newest one with its addresses and ports whose IPv4 id
 * and first payload bytes (as far as both were captured) are the quoted ones. */
static uint64_t
quoted_datagram (SsAnalyzer *a, const SsPacketSummary *s, const SsCursor *cur)
{
  bool v4 = s->proto == SS_PROTO_ICMP;
  size_t q = (size_t) s->l4_off + 8, udp;
  const uint8_t *h = ss_cursor_peek (cur, q, 1), *p;
  uint16_t ip_id = 0;
  size_t avail;
  Key k;

  if (h == NULL)
    return 0;
  if (v4)
    {
      if ((p = ss_cursor_peek (cur, q, 20)) == NULL || p[0] >> 4 != 4 || p[9] != 17)
        return 0;
      ip_id = ss_be16 (p + 4);
      udp = q + (size_t) (p[0] & 0x0f) * 4;
    }
  else
    {
      if ((p = ss_cursor_peek (cur, q, 40)) == NULL || p[0] >> 4 != 6 || p[6] != 17)
        return 0;
      udp = q + 40;
    }
  if (!read_addresses (cur, v4, q, &k) || (p = ss_cursor_peek (cur, udp, 4)) == NULL)
    return 0;
  k.port[0] = ss_be16 (p);
  k.port[1] = ss_be16 (p + 2);
  avail = cur->end > udp + 8 ? cur->end - udp - 8 : 0;

  for (unsigned i = 0; i < N_DGRAMS; i++)
    {
      const Dgram *g = &a->dgrams[(a->next_dgram + N_DGRAMS - 1 - i) % N_DGRAMS];
      size_t common = avail < g->prefix_len ? avail : g->prefix_len;

      if (!g->used || !key_equal (&g->key, &k) || g->v4 != v4 || (v4 && g->ip_id != ip_id))
        continue;
      if (common > 0 && memcmp (g->prefix, ss_cursor_peek (cur, udp + 8, common), common) != 0)
        continue;
      return g->n;
    }
  return 0;
}

void
ss_analyzer_feed (SsAnalyzer *a, uint64_t n, const SsPacketSummary *s, const uint8_t *data,
                  SsAnalysis *out)
{
  SsCursor cur;
  Key k;

  memset (out, 0, sizeof *out);
  if ((s->status & SS_STATUS_MALFORMED) || (s->l3 != SS_PROTO_IPV4 && s->l3 != SS_PROTO_IPV6)
      || s->l4_off == SS_OFF_NONE)
    return;
  ss_cursor_init (&cur, data, s->caplen);
  if (!read_addresses (&cur, s->l3 == SS_PROTO_IPV4, s->l3_off, &k))
    return;
  k.port[0] = s->sport;
  k.port[1] = s->dport;

  switch (s->proto)
    {
    case SS_PROTO_TCP:
      if (s->l4_caplen >= 20)
        analyze_tcp (a, n, s, &k, out);
      break;
    case SS_PROTO_UDP:
      if (s->l4_caplen >= 8)
        remember_datagram (a, n, s, &cur, &k);
      break;
    case SS_PROTO_ICMP:
    case SS_PROTO_ICMPV6:
      if (s->l4_caplen >= 8
          && ((s->proto == SS_PROTO_ICMP && s->icmp_type == 3 && s->icmp_code == 3)
              || (s->proto == SS_PROTO_ICMPV6 && s->icmp_type == 1 && s->icmp_code == 4)))
        {
          out->kind = SS_ANALYSIS_PORT_UNREACHABLE;
          out->of = quoted_datagram (a, s, &cur);
        }
      break;
    default:
      break;
    }
}

void
ss_analysis_append_json (SsStr            *out,
                         const SsAnalysis *an)
{
  if (an->kind == SS_ANALYSIS_NONE || ss_analysis_name (an->kind) == NULL)
    {
      ss_str_printf (out, ",\"analysis\":null,\"analysis_of\":null");
      return;
    }
  ss_str_printf (out, ",\"analysis\":\"%s\",\"analysis_of\":", ss_analysis_name (an->kind));
  if (an->of != 0)
    ss_str_printf (out, "%llu", (unsigned long long) an->of);
  else
    ss_str_printf (out, "null");
  if (an->kind == SS_ANALYSIS_DUP_ACK)
    ss_str_printf (out, ",\"analysis_count\":%u", (unsigned) an->count);
}
