/* wire-measure: the wire's speed and honesty, measured as the lab runs it (bench/wire-bench).
 *
 * In a user + network namespace of its own (as the lab), it makes hosts a and b joined through
 * the forwarder (app/lab/sockscope-hosts.c, sockscope-wire-fwd.c, the same code as the lab's),
 * with a thread on each host and one that reads the forwarder's reports as the lab's loop does.
 *   latency  a UDP datagram a → b every 100 µs; the wire's added latency per frame is from the
 *            kernel's timestamp of the frame on wire-a (when host a put it on the wire: the
 *            forwarder's report) to the kernel's timestamp at b's socket (SO_TIMESTAMPNS), both
 *            CLOCK_REALTIME, so the senders' own scheduling is not counted. The same datagrams
 *            over host a's lo are printed beside it.
 *   rate     64-byte datagrams a → b paced at a rate for a second; a rate passes when the
 *            forwarder wrote every frame it was given, with no frame lost in its packet
 *            sockets' queues (PACKET_STATISTICS) nor refused on write.
 *   loss     loss=10% over 100,000 frames: the drops counted against the binomial 99.9 %
 *            interval.
 * Prints `BENCH name value unit` lines and notes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sockscope-hosts.h"
#include "sockscope-wire-fwd.h"
#include "sockscope-wire-spec.h"

static SsHostsNet net;
static int ctl = -1;
static atomic_int stats_ready;
static SsWireStats last_stats;
static atomic_ullong reports;

/* latency: when each datagram (by its number) reached the wire (wire-a's kernel timestamp, the
 * forwarder's report) and host b's socket (b's kernel timestamp) */
#define LAT_N 20000
static uint64_t wire_at[LAT_N], b_at[LAT_N];

static uint64_t
real_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static uint64_t
mono_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void
die (const char *what)
{
  perror (what);
  exit (2);
}

static void
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY);

  if (fd < 0 || write (fd, text, strlen (text)) < 0)
    {
      if (strcmp (path, "/proc/self/setgroups") != 0)
        die (path);
    }
  if (fd >= 0)
    close (fd);
}

static void
enter_namespace (void)
{
  char map[64];
  uid_t uid = getuid ();
  gid_t gid = getgid ();

  if (unshare (CLONE_NEWUSER | CLONE_NEWNET) != 0)
    die ("unshare");
  write_file ("/proc/self/setgroups", "deny");
  snprintf (map, sizeof map, "0 %u 1\n", (unsigned) uid);
  write_file ("/proc/self/uid_map", map);
  snprintf (map, sizeof map, "0 %u 1\n", (unsigned) gid);
  write_file ("/proc/self/gid_map", map);
}

/* ---- the lab's side: reports read as they come ---- */

static void *
reader (void *data)
{
  static uint8_t buf[sizeof (SsWireMsg) + SS_WIRE_MTU_MAX + 64];

  (void) data;
  for (;;)
    {
      ssize_t n = recv (ctl, buf, sizeof buf, 0);
      uint32_t kind;

      if (n <= 0)
        return NULL;
      memcpy (&kind, buf, sizeof kind);
      if (kind == SS_WIRE_MSG_FRAME && n >= (ssize_t) (sizeof (SsWireMsg) + 14 + 20 + 8 + 12))
        {
          SsWireMsg m;
          const uint8_t *udp = buf + sizeof m + 14 + 20;
          uint32_t number;

          memcpy (&m, buf, sizeof m);
          memcpy (&number, udp + 8 + 8, sizeof number);
          if (m.dir == SS_WIRE_A_TO_B && udp[2] == 0x23 && udp[3] == 0x28 && number < LAT_N) /* port 9000 */
            wire_at[number] = m.t_ns;
        }
      if (kind == SS_WIRE_MSG_STATS)
        {
          memcpy (&last_stats, buf, sizeof last_stats);
          atomic_store (&stats_ready, 1);
        }
      else
        atomic_fetch_add (&reports, 1);
    }
}

static SsWireStats
stats (void)
{
  atomic_store (&stats_ready, 0);
  if (send (ctl, "T", 1, 0) < 0)
    die ("stats");
  while (!atomic_load (&stats_ready))
    usleep (1000);
  return last_stats;
}

static void
set_wire (const char *spec)
{
  char msg[256];

  snprintf (msg, sizeof msg, "S%s", spec);
  if (send (ctl, msg, strlen (msg), 0) < 0)
    die ("wire");
  usleep (20000);
}

/* ---- the hosts' threads ---- */

typedef struct
{
  int host;            /* 0: a, 1: b */
  const char *dst;     /* sender: where to */
  int port;
  unsigned count;
  uint64_t gap_ns;     /* between datagrams; 0: as fast as the pacing allows */
  uint64_t rate;       /* frames per second, for the rate test */
  size_t size;
  /* receiver's results */
  uint64_t *lat_ns;
  unsigned received;
  uint64_t timeout_ns;
  int fd;
  uint64_t first_ns, last_ns;   /* sender: its first and last datagram */
} Job;

static void
enter_host (int h)
{
  if (!ss_hosts_enter (&net, h))
    die ("setns");
}

/* The hosts' programs run as the lab's actors do: nice 10 (the observer goes first). */
static void
as_actor (void)
{
  setpriority (PRIO_PROCESS, (id_t) gettid (), 10);
}

static int
udp_socket (int host, const char *addr, int port, bool bind_it)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
  int fd, one = 1, size = 4 * 1024 * 1024;

  enter_host (host);
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  inet_pton (AF_INET, addr, &sin.sin_addr);
  setsockopt (fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  if (bind_it && bind (fd, (struct sockaddr *) &sin, sizeof sin) < 0)
    die ("bind");
  return fd;
}

static void *
receive (void *data)
{
  Job *j = data;
  uint8_t buf[2048];
  char cbuf[128];

  as_actor ();
  uint64_t deadline = mono_ns () + j->timeout_ns;

  while (j->received < j->count && mono_ns () < deadline)
    {
      struct iovec iov = { buf, sizeof buf };
      struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
      struct timeval tv = { 0, 200000 };
      ssize_t n;

      setsockopt (j->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      n = recvmsg (j->fd, &m, 0);
      if (n < (ssize_t) sizeof (uint64_t))
        continue;
      if (j->lat_ns != NULL)
        {
          uint64_t sent, at = 0;

          memcpy (&sent, buf, sizeof sent);
          for (struct cmsghdr *c = CMSG_FIRSTHDR (&m); c != NULL; c = CMSG_NXTHDR (&m, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS)
              {
                struct timespec ts;

                memcpy (&ts, CMSG_DATA (c), sizeof ts);
                at = (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
              }
          if (at > sent && j->received < j->count)
            {
              uint32_t number;

              j->lat_ns[j->received] = at - sent;
              memcpy (&number, buf + 8, sizeof number);
              if (number < LAT_N)
                b_at[number] = at;
            }
          else
            continue;
        }
      j->received++;
    }
  return NULL;
}

/* Sends j->count datagrams, each stamped, j->gap_ns apart (latency) or at j->rate per second
 * in small bursts (rate). */
static void *
send_all (void *data)
{
  Job *j = data;
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) j->port) };
  uint8_t buf[2048] = { 0 };
  uint64_t start;

  as_actor ();
  start = mono_ns ();
  inet_pton (AF_INET, j->dst, &sin.sin_addr);
  for (unsigned i = 0; i < j->count; i++)
    {
      uint64_t due = j->rate ? start + (uint64_t) i * 1000000000ull / j->rate : start + i * j->gap_ns;
      uint64_t now, t;

      while ((now = mono_ns ()) < due)
        if (due - now > 60000)
          {
            struct timespec ts = { 0, (long) (due - now - 50000) };

            nanosleep (&ts, NULL);
          }
      t = real_ns ();
      if (i == 0)
        j->first_ns = mono_ns ();
      memcpy (buf, &t, sizeof t);
      memcpy (buf + 8, &i, sizeof i);
      while (sendto (j->fd, buf, j->size, 0, (struct sockaddr *) &sin, sizeof sin) < 0)
        if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
          die ("sendto");
    }
  j->last_ns = mono_ns ();
  return NULL;
}

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

  return x < y ? -1 : x > y;
}

static uint64_t
pct (uint64_t *v, unsigned n, double p)
{
  unsigned i = (unsigned) (p / 100.0 * (n - 1) + 0.5);

  return v[i < n ? i : n - 1];
}

/* One-way latencies of count datagrams from host a to DST (host b across the wire, or a's own
 * lo); sorted into out. Returns how many arrived. */
static unsigned
one_way (const char *dst, int recv_host, unsigned count, uint64_t *out)
{
  Job rx = { .host = recv_host, .count = count, .lat_ns = out, .timeout_ns = 10000000000ull };
  Job tx = { .host = 0, .dst = dst, .port = 9000, .count = count, .gap_ns = 100000, .size = 64 };
  pthread_t trx, ttx;

  rx.fd = udp_socket (recv_host, dst, 9000, true);
  tx.fd = udp_socket (0, dst, 0, false);
  pthread_create (&trx, NULL, receive, &rx);
  usleep (10000);
  pthread_create (&ttx, NULL, send_all, &tx);
  pthread_join (ttx, NULL);
  pthread_join (trx, NULL);
  close (rx.fd);
  close (tx.fd);
  qsort (out, rx.received, sizeof *out, cmp_u64);
  return rx.received;
}

static void
latency (void)
{
  static uint64_t wire[LAT_N], lo[LAT_N], added[LAT_N];
  unsigned nw, nl, na = 0;

  nl = one_way ("127.0.0.1", 0, LAT_N, lo);
  memset (wire_at, 0, sizeof wire_at);
  memset (b_at, 0, sizeof b_at);
  nw = one_way ("192.0.2.2", 1, LAT_N, wire);
  usleep (100000);
  for (unsigned i = 0; i < LAT_N; i++)
    if (wire_at[i] != 0 && b_at[i] >= wire_at[i])
      added[na++] = b_at[i] - wire_at[i];
  if (nl < LAT_N / 2 || nw < LAT_N / 2 || na < LAT_N / 2)
    {
      fprintf (stderr, "latency: only %u / %u / %u datagrams measured\n", nl, nw, na);
      exit (2);
    }
  qsort (added, na, sizeof *added, cmp_u64);
  printf ("one-way a->b, the sender's clock to b's kernel: median %.1f us, p99 %.1f us; the same over a's lo: median %.1f us, p99 %.1f us\n",
          pct (wire, nw, 50) / 1e3, pct (wire, nw, 99) / 1e3, pct (lo, nl, 50) / 1e3, pct (lo, nl, 99) / 1e3);
  printf ("the wire alone (wire-a's kernel timestamp to b's), %u datagrams: median %.1f us, p99 %.1f us, max %.1f us\n",
          na, pct (added, na, 50) / 1e3, pct (added, na, 99) / 1e3, added[na - 1] / 1e3);
  printf ("BENCH wire_added_latency_median %.1f us\n", pct (added, na, 50) / 1e3);
  printf ("BENCH wire_added_latency_p99 %.1f us\n", pct (added, na, 99) / 1e3);
  printf ("BENCH wire_latency_lo_median %.1f us\n", pct (lo, nl, 50) / 1e3);
}

/* frames/s the wire forwards for a second at RATE without an unintended drop; 0 if it drops */
static double
try_rate (uint64_t rate)
{
  Job rx = { .host = 1, .timeout_ns = 3000000000ull };
  Job tx = { .host = 0, .dst = "192.0.2.2", .port = 9001, .rate = rate, .size = 64 };
  SsWireStats s0, s1;
  pthread_t trx, ttx;
  uint64_t t0, t1, in, out, lost;

  tx.count = rx.count = (unsigned) rate;
  rx.fd = udp_socket (1, "192.0.2.2", 9001, true);
  tx.fd = udp_socket (0, "192.0.2.2", 0, false);
  s0 = stats ();
  pthread_create (&trx, NULL, receive, &rx);
  t0 = mono_ns ();
  pthread_create (&ttx, NULL, send_all, &tx);
  pthread_join (ttx, NULL);
  t1 = mono_ns ();
  pthread_join (trx, NULL);
  usleep (50000);
  s1 = stats ();
  close (rx.fd);
  close (tx.fd);
  in = s1.frames_in[0] - s0.frames_in[0];
  out = s1.frames_out[0] - s0.frames_out[0];
  lost = (s1.ring_drops[0] - s0.ring_drops[0]) + (s1.send_errors[0] - s0.send_errors[0]);
  printf ("rate %llu/s: sent %u in %.2f s, wire read %llu wrote %llu, lost in the wire %llu, received %u, reports lost %llu\n",
          (unsigned long long) rate, tx.count, (t1 - t0) / 1e9, (unsigned long long) in, (unsigned long long) out,
          (unsigned long long) lost, rx.received,
          (unsigned long long) (s1.reports_lost - s0.reports_lost));
  if (lost != 0 || out < tx.count)
    return 0;
  /* the rate the frames were offered at, first to last */
  return (tx.count - 1) / ((tx.last_ns - tx.first_ns) / 1e9);
}

static void
throughput (void)
{
  static const uint64_t rates[] = { 50000, 100000, 125000, 150000, 200000, 250000, 300000 };
  double best = 0;

  for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
    {
      double got = try_rate (rates[i]);

      if (got <= 0)
        break;
      best = got;
    }
  printf ("BENCH wire_frames_per_s %.0f frames/s\n", best);
}

static void
loss (void)
{
  const unsigned n = 100000;
  const double p = 0.10, z = 3.2905; /* two-sided 99.9 % */
  double sd = sqrt (n * p * (1 - p)), lo = n * p - z * sd, hi = n * p + z * sd;
  Job rx = { .host = 1, .timeout_ns = 2000000000ull };
  Job tx = { .host = 0, .dst = "192.0.2.2", .port = 9002, .rate = 50000, .size = 64 };
  SsWireStats s0, s1;
  pthread_t trx, ttx;
  uint64_t in, dropped;

  set_wire ("loss=10%,seed=12345");
  tx.count = rx.count = n;
  rx.fd = udp_socket (1, "192.0.2.2", 9002, true);
  tx.fd = udp_socket (0, "192.0.2.2", 0, false);
  s0 = stats ();
  pthread_create (&trx, NULL, receive, &rx);
  pthread_create (&ttx, NULL, send_all, &tx);
  pthread_join (ttx, NULL);
  pthread_join (trx, NULL);
  usleep (50000);
  s1 = stats ();
  set_wire ("clear");
  in = s1.frames_in[0] - s0.frames_in[0];
  dropped = s1.dropped[0] - s0.dropped[0];
  printf ("loss=10%%: %llu frames, %llu dropped (%.3f %%), 99.9 %% interval [%.0f, %.0f]; received %u\n",
          (unsigned long long) in, (unsigned long long) dropped, 100.0 * dropped / (in ? in : 1), lo, hi, rx.received);
  printf ("BENCH wire_loss10_rate %.3f %%\n", 100.0 * dropped / (in ? in : 1));
  printf ("BENCH wire_loss10_outside_interval %d frames\n",
          in != n ? (int) (n > in ? n - in : in - n) + 1 : dropped < lo ? (int) (lo - dropped) : dropped > hi ? (int) (dropped - hi) : 0);
}

int
main (void)
{
  char err[256];
  int sv[2];
  pid_t fwd;
  pthread_t tr;

  enter_namespace ();
  if (!ss_hosts_create (&net, "wire", 1500, err, sizeof err))
    {
      fprintf (stderr, "hosts: %s\n", err);
      return 2;
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    die ("socketpair");
  {
    int size = 8 * 1024 * 1024;

    setsockopt (sv[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt (sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  fwd = fork ();
  if (fwd == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      close (sv[0]);
      _exit (ss_wire_forwarder_run (net.wire_ifindex, sv[1]));
    }
  close (sv[1]);
  ctl = sv[0];
  pthread_create (&tr, NULL, reader, NULL);
  stats (); /* the forwarder is up */

  latency ();
  throughput ();
  loss ();
  printf ("reports read by the lab's side: %llu\n", (unsigned long long) atomic_load (&reports));
  kill (fwd, SIGKILL);
  waitpid (fwd, NULL, 0);
  return 0;
}
