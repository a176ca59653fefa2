/* sockscope-wire-fwd.c: the wire's forwarder (see sockscope-wire-fwd.h).
 *
 * The rule, per frame, in the direction it travels:
 *  1. a drop rule that names it (drop=next, syn, syn-ack, fin, data:N, every:N, in that order),
 *     else the loss probability: dropped, reported, never written;
 *  2. else its time to leave: now + delay ± jitter; with a rate, not before the frames before it
 *     have left, plus its own bytes' time at that rate (a queue of at most QUEUE_MAX frames: a
 *     full queue drops, as a router does); never before the frame ahead of it (one queue per
 *     direction, first in first out: jitter does not reorder, `reorder` does);
 *  3. dup: a copy leaves right after it; reorder: it is held and leaves right after the next
 *     frame of its direction, which may be a later step's (or after HOLD_MAX_NS, a minute,
 *     reported then as a delay).
 * A frame that leaves at once with no rule involved costs one read and one write, no report
 * beyond the frame itself. Random choices come from one generator per direction seeded from
 * `seed`, drawn only for the rules that need one: the same seed and frames make the same choices.
 * IPv6 multicast listener reports and router solicitations are not carried (a point-to-point
 * wire has no router and no listener to tell): the log keeps the lesson's packets.
 */
#include "sockscope-wire-fwd.h"
#include "sockscope-wire-spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX   (SS_WIRE_MTU_MAX + 64)
#define QUEUE_MAX   1000
#define HOLD_MAX_NS (60ull * 1000000000ull)
#define BATCH       32

typedef struct Frame
{
  struct Frame *next;
  uint64_t id;
  uint64_t t_ns;        /* realtime, when read */
  uint64_t due;         /* monotonic ns */
  uint64_t behind;      /* reorder: released behind this frame */
  uint32_t len;
  uint32_t action;      /* 0: none to report, else SsWireAction */
  char rule[88];
  uint8_t data[];
} Frame;

typedef struct
{
  int sock;                 /* packet socket on the wire end this direction reads */
  int out;                  /* ... and the one it writes */
  uint8_t *ring;            /* its receive ring (TPACKET_V2), NULL: recvmmsg */
  size_t ring_len;
  unsigned frame_size, frame_nr, cur;
  Frame *head, *tail;       /* leaving, in order */
  unsigned queued;
  Frame *held;              /* reorder: waiting for the next frame */
  uint64_t last_due;
  uint64_t link_free;       /* rate: when the link has sent what it holds */
  uint64_t rng;
} Dir;

/* Writes and reports waiting for one sendmmsg each: a batch of frames read together costs a
 * few system calls, not two a frame. The frames' bytes stay in the read buffers until then. */
typedef struct
{
  struct mmsghdr msgs[BATCH * 3];
  struct iovec iov[BATCH * 3][2];
  SsWireMsg hdr[BATCH * 3];
  unsigned n;
} Reports;

typedef struct
{
  struct mmsghdr msgs[BATCH * 2];
  struct iovec iov[BATCH * 2];
  unsigned n;
} Writes;

/* Reports the lab had no room for yet, in order: the lab falls behind under a burst (it makes
 * an event of each), the wire never waits for it, and the log still gets every frame. */
typedef struct Blob
{
  struct Blob *next;
  size_t len;
  uint8_t data[];
} Blob;

#define BACKLOG_MAX (256u << 20)

typedef struct
{
  SsWireConfig config;
  Dir dir[2];
  int ctl;
  uint64_t next_id;
  SsWireStats stats;
  Reports reports;
  Writes writes[2];
  Blob *backlog, *backlog_tail;
  size_t backlog_bytes;
} Fwd;

static uint64_t
mono_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static uint64_t
real_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static uint64_t
splitmix (uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* true with probability ppm / 1,000,000 */
static bool
chance (Dir *d, uint32_t ppm)
{
  if (ppm == 0)
    return false;
  return (uint64_t) (((unsigned __int128) splitmix (&d->rng) * 1000000u) >> 64) < ppm;
}

static void
seed_dirs (Fwd *f)
{
  for (int i = 0; i < 2; i++)
    f->dir[i].rng = f->config.seed * 0x2545f4914f6cdd1dull + (uint64_t) (i + 1) * 0x9e3779b97f4a7c15ull;
}

/* ---- reports ---- */

static void
keep_for_later (Fwd *f, const struct iovec *iov, size_t n_iov)
{
  size_t len = 0;
  Blob *b;

  for (size_t i = 0; i < n_iov; i++)
    len += iov[i].iov_len;
  if (f->backlog_bytes + len > BACKLOG_MAX || (b = malloc (sizeof *b + len)) == NULL)
    {
      f->stats.reports_lost++;
      return;
    }
  b->next = NULL;
  b->len = 0;
  for (size_t i = 0; i < n_iov; i++)
    {
      memcpy (b->data + b->len, iov[i].iov_base, iov[i].iov_len);
      b->len += iov[i].iov_len;
    }
  if (f->backlog_tail != NULL)
    f->backlog_tail->next = b;
  else
    f->backlog = b;
  f->backlog_tail = b;
  f->backlog_bytes += len;
}

/* As much of the backlog as the lab has room for. */
static void
drain_backlog (Fwd *f)
{
  while (f->backlog != NULL)
    {
      Blob *b = f->backlog;

      if (send (f->ctl, b->data, b->len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
        {
          if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
            return;
          f->stats.reports_lost++;   /* the lab is gone: nothing to keep */
        }
      f->backlog = b->next;
      if (f->backlog == NULL)
        f->backlog_tail = NULL;
      f->backlog_bytes -= b->len;
      free (b);
    }
}

/* One message outside the batches (stats, sync), after everything before it. */
static void
report_raw (Fwd *f, const void *msg, size_t len)
{
  struct iovec iov = { (void *) msg, len };

  drain_backlog (f);
  if (f->backlog == NULL && send (f->ctl, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t) len)
    return;
  keep_for_later (f, &iov, 1);
}

static void
flush_reports (Fwd *f)
{
  Reports *r = &f->reports;
  unsigned done = 0;
  uint32_t queued = f->dir[0].queued + f->dir[1].queued;

  /* what waits in the wire once these are sent: the lab's "settled" waits for none of them (a
   * frame held for reordering waits for the next frame, maybe the next step's: not counted) */
  for (unsigned i = 0; i < r->n; i++)
    r->hdr[i].queued = queued;
  drain_backlog (f);
  while (done < r->n && f->backlog == NULL)
    {
      int n = sendmmsg (f->ctl, r->msgs + done, r->n - done, MSG_DONTWAIT | MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (unsigned) n;
    }
  /* the lab has no room now: kept, in order, until it has */
  for (; done < r->n; done++)
    keep_for_later (f, r->iov[done], r->msgs[done].msg_hdr.msg_iovlen);
  r->n = 0;
}

static SsWireMsg *
report_slot (Fwd *f, const uint8_t *data, uint32_t len)
{
  Reports *r = &f->reports;
  SsWireMsg *m;

  if (r->n == BATCH * 3)
    flush_reports (f);
  m = &r->hdr[r->n];
  memset (m, 0, sizeof *m);
  r->iov[r->n][0] = (struct iovec) { m, sizeof *m };
  r->iov[r->n][1] = (struct iovec) { (void *) data, len };
  r->msgs[r->n].msg_hdr = (struct msghdr) { .msg_iov = r->iov[r->n], .msg_iovlen = len > 0 ? 2 : 1 };
  r->n++;
  return m;
}

/* DATA must stay where it is until the reports are flushed (the end of the batch). */
static void
report_frame (Fwd *f, int dir, uint64_t id, uint64_t t_ns, const uint8_t *data, uint32_t len)
{
  SsWireMsg *m = report_slot (f, data, len);

  m->kind = SS_WIRE_MSG_FRAME;
  m->dir = (uint32_t) dir;
  m->id = id;
  m->t_ns = t_ns;
  m->len = len;
}

static void
report_decision (Fwd *f, int dir, uint64_t id, uint32_t action, uint64_t delay_ns, uint64_t behind,
                 const char *rule)
{
  SsWireMsg *m = report_slot (f, NULL, 0);

  m->kind = SS_WIRE_MSG_DECISION;
  m->dir = (uint32_t) dir;
  m->id = id;
  m->action = action;
  m->delay_ns = delay_ns;
  m->behind = behind;
  snprintf (m->rule, sizeof m->rule, "%s", rule);
}

/* ---- what a frame is ---- */

typedef struct
{
  bool tcp;
  uint8_t flags;
  uint32_t payload;
  bool chatter;   /* MLD report, router solicitation: not carried */
} Kind;

static Kind
classify (const uint8_t *p, uint32_t len)
{
  Kind k = { 0 };
  uint16_t type;
  const uint8_t *l4 = NULL;
  uint32_t l4_len = 0;
  int proto = -1;

  if (len < 14)
    return k;
  type = (uint16_t) (p[12] << 8 | p[13]);
  p += 14, len -= 14;
  if (type == ETH_P_IP && len >= 20)
    {
      uint32_t ihl = (p[0] & 0x0fu) * 4, total = (uint32_t) (p[2] << 8 | p[3]);
      bool later_fragment = ((p[6] & 0x1f) << 8 | p[7]) != 0;

      if (ihl < 20 || total < ihl || total > len || later_fragment)
        return k;
      proto = p[9];
      l4 = p + ihl;
      l4_len = total - ihl;
    }
  else if (type == ETH_P_IPV6 && len >= 40)
    {
      uint32_t plen = (uint32_t) (p[4] << 8 | p[5]);
      int nh = p[6];

      if (40 + plen > len)
        return k;
      l4 = p + 40;
      l4_len = plen;
      /* hop-by-hop options (MLD's router alert) and a first fragment */
      while ((nh == 0 || nh == 44) && l4_len >= 8)
        {
          uint32_t hl = nh == 0 ? (uint32_t) (l4[1] + 1) * 8 : 8;

          if (nh == 44 && ((l4[2] << 8 | l4[3]) & 0xfff8) != 0)
            return k;
          if (hl > l4_len)
            return k;
          nh = l4[0];
          l4 += hl;
          l4_len -= hl;
        }
      proto = nh;
      if (proto == 58 && l4_len >= 1
          && ((l4[0] >= 130 && l4[0] <= 133) || l4[0] == 143))
        k.chatter = true;
    }
  if (proto == 6 && l4 != NULL && l4_len >= 20)
    {
      uint32_t doff = (uint32_t) (l4[12] >> 4) * 4;

      k.tcp = true;
      k.flags = l4[13];
      k.payload = doff <= l4_len ? l4_len - doff : 0;
    }
  return k;
}

/* ---- decisions ---- */

static const char *
drop_rule (SsWireDirRules *r, const Kind *k)
{
  bool syn = k->tcp && (k->flags & 0x02), ack = k->tcp && (k->flags & 0x10);

  if (r->drop_next > 0)
    {
      r->drop_next--;
      return r->drop_next_rule;
    }
  if (syn && !ack && r->drop_syn > 0)
    {
      r->drop_syn--;
      return r->drop_syn_rule;
    }
  if (syn && ack && r->drop_syn_ack > 0)
    {
      r->drop_syn_ack--;
      return r->drop_syn_ack_rule;
    }
  if (k->tcp && (k->flags & 0x01) && r->drop_fin > 0)
    {
      r->drop_fin--;
      return r->drop_fin_rule;
    }
  if (k->tcp && k->payload > 0 && r->drop_data_nth > 0 && --r->drop_data_nth == 0)
    return r->drop_data_rule;
  if (r->drop_every > 0 && ++r->every_count % r->drop_every == 0)
    return r->drop_every_rule;
  return NULL;
}

static void
flush_writes (Fwd *f, int dir)
{
  Writes *w = &f->writes[dir];
  unsigned done = 0;
  int tries = 0;

  while (done < w->n)
    {
      int n = sendmmsg (f->dir[dir].out, w->msgs + done, w->n - done, MSG_DONTWAIT);

      if (n > 0)
        {
          done += (unsigned) n;
          f->stats.frames_out[dir] += (unsigned) n;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == ENOBUFS) && tries++ < 100)
        {
          struct pollfd p = { .fd = f->dir[dir].out, .events = POLLOUT };

          poll (&p, 1, 1);
          continue;
        }
      /* the kernel refuses this one: an unintended drop, counted; the next ones still go */
      f->stats.send_errors[dir]++;
      done++;
    }
  w->n = 0;
}

/* DATA must stay where it is until flush_writes (the end of the batch, or at once: NOW). */
static void
queue_write (Fwd *f, int dir, const uint8_t *data, uint32_t len, bool now)
{
  Writes *w = &f->writes[dir];

  if (w->n == BATCH * 2)
    flush_writes (f, dir);
  w->iov[w->n] = (struct iovec) { (void *) data, len };
  w->msgs[w->n].msg_hdr = (struct msghdr) { .msg_iov = &w->iov[w->n], .msg_iovlen = 1 };
  w->n++;
  if (now)
    flush_writes (f, dir);
}

static void
write_frame (Fwd *f, int dir, const uint8_t *data, uint32_t len)
{
  queue_write (f, dir, data, len, true);
}

/* A frame leaves: written, and its decision reported with the time it took. */
static void
leave (Fwd *f, int dir, Frame *fr)
{
  write_frame (f, dir, fr->data, fr->len);
  if (fr->action != 0)
    {
      uint64_t now = real_ns ();

      report_decision (f, dir, fr->id, fr->action, now > fr->t_ns ? now - fr->t_ns : 0, fr->behind, fr->rule);
    }
  free (fr);
}

static Frame *
frame_new (uint64_t id, uint64_t t_ns, const uint8_t *data, uint32_t len)
{
  Frame *fr = malloc (sizeof *fr + len);

  if (fr == NULL)
    return NULL;
  memset (fr, 0, sizeof *fr);
  fr->id = id;
  fr->t_ns = t_ns;
  fr->len = len;
  memcpy (fr->data, data, len);
  return fr;
}

static void
enqueue (Dir *d, Frame *fr)
{
  if (fr->due < d->last_due)
    fr->due = d->last_due;
  d->last_due = fr->due;
  fr->next = NULL;
  if (d->tail != NULL)
    d->tail->next = fr;
  else
    d->head = fr;
  d->tail = fr;
  d->queued++;
}

static void
join_rule (char *out, size_t size, const char *a, const char *b)
{
  if (a[0] && b[0])
    snprintf (out, size, "%s,%s", a, b);
  else
    snprintf (out, size, "%s", a[0] ? a : b);
}

static void
handle_frame (Fwd *f, int dir, uint64_t t_ns, const uint8_t *data, uint32_t len)
{
  Dir *d = &f->dir[dir];
  SsWireDirRules *r = &f->config.dir[dir];
  Kind k = classify (data, len);
  uint64_t id, now, due, delay;
  const char *dropped;
  bool dup, hold;
  char rule[88] = "";
  Frame *fr;

  if (k.chatter)
    return;
  id = ++f->next_id;
  f->stats.frames_in[dir]++;
  report_frame (f, dir, id, t_ns, data, len);

  if ((dropped = drop_rule (r, &k)) != NULL || (r->loss_ppm && chance (d, r->loss_ppm) && (dropped = r->loss_rule)))
    {
      f->stats.dropped[dir]++;
      report_decision (f, dir, id, SS_WIRE_ACT_DROP, 0, 0, dropped);
      return;
    }

  now = mono_ns ();
  delay = r->delay_ns;
  if (r->jitter_ns > 0)
    {
      uint64_t span = 2 * r->jitter_ns + 1;
      uint64_t x = (uint64_t) (((unsigned __int128) splitmix (&d->rng) * span) >> 64);

      delay = delay + x > r->jitter_ns ? delay + x - r->jitter_ns : 0;
    }
  due = now + delay;
  if (r->rate_Bps > 0)
    {
      if (d->queued >= QUEUE_MAX)
        {
          f->stats.dropped[dir]++;
          report_decision (f, dir, id, SS_WIRE_ACT_DROP, 0, 0, r->rate_rule);
          return;
        }
      if (d->link_free > due)
        due = d->link_free;
      due += (uint64_t) len * 1000000000ull / r->rate_Bps;
      d->link_free = due;
    }
  if (r->delay_ns > 0 || r->jitter_ns > 0)
    join_rule (rule, sizeof rule, r->delay_rule[0] ? r->delay_rule : "", r->jitter_rule);
  if (r->rate_Bps > 0)
    {
      char both[88];

      join_rule (both, sizeof both, rule, r->rate_rule);
      snprintf (rule, sizeof rule, "%s", both);
    }

  dup = r->dup_next > 0 ? (r->dup_next--, true) : chance (d, r->dup_ppm);
  hold = d->held == NULL && (r->reorder_next > 0 ? (r->reorder_next--, true) : chance (d, r->reorder_ppm));

  /* the fast path: nothing waits, nothing to do but write it */
  if (!dup && !hold && d->held == NULL && d->head == NULL && rule[0] == '\0' && due <= now)
    {
      queue_write (f, dir, data, len, false);
      return;
    }

  if ((fr = frame_new (id, t_ns, data, len)) == NULL)
    {
      f->stats.send_errors[dir]++;
      return;
    }
  fr->due = due;
  if (rule[0])
    {
      fr->action = SS_WIRE_ACT_DELAY;
      snprintf (fr->rule, sizeof fr->rule, "%s", rule);
    }
  if (hold)
    {
      fr->action = SS_WIRE_ACT_REORDER;
      snprintf (fr->rule, sizeof fr->rule, "%s", r->reorder_rule);
      fr->due = now + HOLD_MAX_NS; /* released by the next frame, or then */
      d->held = fr;
      return;
    }
  enqueue (d, fr);
  if (dup)
    {
      Frame *copy = frame_new (id, t_ns, data, len);

      if (copy != NULL)
        {
          copy->due = due;
          copy->action = SS_WIRE_ACT_DUPLICATE;
          snprintf (copy->rule, sizeof copy->rule, "%s", r->dup_rule);
          enqueue (d, copy);
        }
    }
  if (d->held != NULL)
    {
      Frame *h = d->held;

      d->held = NULL;
      h->behind = id;
      h->due = due;
      enqueue (d, h);
    }
}

/* Frames whose time has come leave; returns the next due time (0: none). */
static uint64_t
release (Fwd *f)
{
  uint64_t now = mono_ns (), next = 0;
  bool left = false;

  for (int i = 0; i < 2; i++)
    {
      Dir *d = &f->dir[i];

      if (d->held != NULL && d->held->due <= now)
        {
          Frame *h = d->held;

          d->held = NULL;
          h->action = SS_WIRE_ACT_DELAY;
          h->due = now;
          enqueue (d, h);
        }
      while (d->head != NULL && d->head->due <= now)
        {
          Frame *fr = d->head;

          d->head = fr->next;
          if (d->head == NULL)
            d->tail = NULL;
          d->queued--;
          leave (f, i, fr);
          left = true;
        }
      if (d->head != NULL && (next == 0 || d->head->due < next))
        next = d->head->due;
      if (d->held != NULL && (next == 0 || d->held->due < next))
        next = d->held->due;
    }
  /* the lab waits for the wire to be empty before it says a step has settled */
  if (left && f->dir[0].queued + f->dir[1].queued == 0)
    report_slot (f, NULL, 0)->kind = SS_WIRE_MSG_IDLE;
  flush_reports (f);
  return next;
}

/* From the receive ring: a frame's slot goes back to the kernel once its writes and reports
 * are flushed (they point into it). */
static int
read_ring (Fwd *f, int dir)
{
  Dir *d = &f->dir[dir];
  struct tpacket2_hdr *taken[BATCH];
  int n = 0;

  while (n < BATCH)
    {
      struct tpacket2_hdr *h = (struct tpacket2_hdr *) (d->ring + (size_t) d->cur * d->frame_size);

      if (!(__atomic_load_n (&h->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
        break;
      taken[n++] = h;
      d->cur = (d->cur + 1) % d->frame_nr;
      if (h->tp_snaplen < h->tp_len)
        {
          f->stats.send_errors[dir]++;   /* bigger than a slot: cannot be forwarded whole */
          continue;
        }
      handle_frame (f, dir, (uint64_t) h->tp_sec * 1000000000ull + h->tp_nsec, (uint8_t *) h + h->tp_mac,
                    h->tp_snaplen);
    }
  flush_writes (f, dir);
  flush_reports (f);
  for (int i = 0; i < n; i++)
    __atomic_store_n (&taken[i]->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  return n;
}

/* Reads up to BATCH frames; returns how many. */
static int
read_frames (Fwd *f, int dir)
{
  static uint8_t bufs[BATCH][FRAME_MAX];
  static char cbufs[BATCH][64];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  int n;

  if (f->dir[dir].ring != NULL)
    return read_ring (f, dir);
  for (int i = 0; i < BATCH; i++)
    {
      iov[i] = (struct iovec) { bufs[i], FRAME_MAX };
      msgs[i].msg_hdr = (struct msghdr) { .msg_iov = &iov[i], .msg_iovlen = 1,
                                          .msg_control = cbufs[i], .msg_controllen = sizeof cbufs[i] };
    }
  n = recvmmsg (f->dir[dir].sock, msgs, BATCH, MSG_DONTWAIT, NULL);
  for (int i = 0; i < n; i++)
    {
      uint64_t t_ns = 0;

      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msgs[i].msg_hdr); c != NULL; c = CMSG_NXTHDR (&msgs[i].msg_hdr, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS)
          {
            struct timespec ts;

            memcpy (&ts, CMSG_DATA (c), sizeof ts);
            t_ns = (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
          }
      if (t_ns == 0)
        t_ns = real_ns ();
      if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
        continue;
      handle_frame (f, dir, t_ns, bufs[i], msgs[i].msg_len);
    }
  /* the frames first, then what the lab is told */
  flush_writes (f, dir);
  flush_reports (f);
  return n;
}

/* A receive ring of RING_BYTES whose slots hold a frame of the largest MTU: unlike a socket's
 * receive buffer (net.core.rmem_max, 208 KiB on a stock system: a few hundred frames) it is not
 * capped, so a burst waits there while the forwarder waits for a core. Without it, recvmmsg. */
#define RING_BYTES (8u << 20)
#define RING_BLOCK (1u << 20)

static void
open_ring (Dir *d, int fd, unsigned mtu)
{
  int version = TPACKET_V2;
  unsigned frame = 2048;
  struct tpacket_req req;
  void *ring;

  while (frame < mtu + 14 + TPACKET2_HDRLEN + 16)
    frame *= 2;
  req = (struct tpacket_req) { .tp_block_size = RING_BLOCK, .tp_block_nr = RING_BYTES / RING_BLOCK,
                               .tp_frame_size = frame, .tp_frame_nr = RING_BYTES / frame };
  if (setsockopt (fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) < 0
      || setsockopt (fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0)
    return;
  ring = mmap (NULL, RING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (ring == MAP_FAILED)
    return;
  d->ring = ring;
  d->ring_len = RING_BYTES;
  d->frame_size = frame;
  d->frame_nr = req.tp_frame_nr;
  d->cur = 0;
}

static int
open_end (Dir *d, int ifindex, unsigned mtu)
{
  struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons (ETH_P_ALL), .sll_ifindex = ifindex };
  int fd = socket (AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons (ETH_P_ALL));
  int one = 1, size = 4 * 1024 * 1024;

  if (fd < 0)
    return -1;
  setsockopt (fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  d->ring = NULL;
  open_ring (d, fd, mtu);
  if (bind (fd, (struct sockaddr *) &sll, sizeof sll) < 0)
    {
      close (fd);
      return -1;
    }
  d->sock = fd;
  return fd;
}

static void
send_stats (Fwd *f)
{
  for (int i = 0; i < 2; i++)
    {
      struct tpacket_stats st = { 0 };
      socklen_t len = sizeof st;

      /* reading them resets the kernel's counters: add up */
      if (getsockopt (f->dir[i].sock, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
        f->stats.ring_drops[i] += st.tp_drops;
    }
  flush_reports (f);
  f->stats.kind = SS_WIRE_MSG_STATS;
  report_raw (f, &f->stats, sizeof f->stats);
}

/* One command of the lab: a spec, a request for the counters, a sync. */
static void
read_command (Fwd        *f,
              const char *buf,
              ssize_t     n)
{
  if (buf[0] == 'S')
    {
      if (ss_wire_spec_apply (&f->config, buf + 1, NULL, 0) && f->config.seed_changed)
        {
          f->config.seed_changed = false;
          seed_dirs (f);
        }
      f->config.mtu_changed = false;
    }
  else if (buf[0] == 'T')
    send_stats (f);
  else if (buf[0] == 'Y' && n >= 9)
    {
      SsWireMsg m;

      for (int i = 0; i < 2; i++)
        while (read_frames (f, i) == BATCH)
          ;
      memset (&m, 0, sizeof m);
      m.kind = SS_WIRE_MSG_SYNC;
      memcpy (&m.id, buf + 1, sizeof m.id);
      m.queued = f->dir[0].queued + f->dir[1].queued;
      report_raw (f, &m, sizeof m);
    }
}

/* Every command the lab has sent, in order, before any frame is read: two rules sent one after
 * the other both apply to the frames after them. false: the lab is gone. */
static bool
read_control (Fwd *f)
{
  char buf[4096];

  for (;;)
    {
      ssize_t n = recv (f->ctl, buf, sizeof buf - 1, MSG_DONTWAIT);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno == EAGAIN;
      if (n == 0)
        return false;
      buf[n] = '\0';
      read_command (f, buf, n);
    }
}

int
ss_wire_forwarder_run (const int wire_ifindex[2], int ctl)
{
  static Fwd f;

  memset (&f, 0, sizeof f);
  ss_wire_config_init (&f.config);
  f.ctl = ctl;
  seed_dirs (&f);
  for (int i = 0; i < 2; i++)
    {
      if (open_end (&f.dir[i], wire_ifindex[i], SS_WIRE_MTU_MAX) < 0)
        {
          perror ("sockscope wire: packet socket");
          return 1;
        }
    }
  f.dir[SS_WIRE_A_TO_B].out = f.dir[SS_WIRE_B_TO_A].sock;
  f.dir[SS_WIRE_B_TO_A].out = f.dir[SS_WIRE_A_TO_B].sock;
  /* ready: the first message, before any frame can be missed */
  send_stats (&f);

  for (;;)
    {
      struct pollfd p[3] = {
        { .fd = f.dir[0].sock, .events = POLLIN },
        { .fd = f.dir[1].sock, .events = POLLIN },
        { .fd = ctl, .events = POLLIN | (f.backlog != NULL ? POLLOUT : 0) },
      };
      uint64_t next = release (&f);
      struct timespec ts, *tsp = NULL;

      if (next != 0)
        {
          uint64_t now = mono_ns (), wait = next > now ? next - now : 0;

          ts.tv_sec = (time_t) (wait / 1000000000ull);
          ts.tv_nsec = (long) (wait % 1000000000ull);
          tsp = &ts;
        }
      if (ppoll (p, 3, tsp, NULL) < 0 && errno != EINTR)
        return 1;
      /* the lab's rules first: a `wire` command applies to the frames after it */
      if (p[2].revents & POLLIN)
        {
          if (!read_control (&f))
            return 0;
        }
      else if (p[2].revents & (POLLHUP | POLLERR))
        return 0;
      if (p[2].revents & POLLOUT)
        drain_backlog (&f);
      for (int i = 0; i < 2; i++)
        if (p[i].revents & POLLIN)
          read_frames (&f, i);
    }
}
