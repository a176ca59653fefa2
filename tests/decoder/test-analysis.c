/* test-analysis.c: SsAnalyzer on hand-built frames and on a captured run. */
#include <string.h>

#include <glib.h>

#include "sockscope-analysis.h"
#include "sockscope-capture.h"
#include "sockscope-decoder.h"

typedef struct
{
  guint8 b[256];
  guint  len;
} Frame;

static void put (Frame *f, const void *p, guint n) { memcpy (f->b + f->len, p, n); f->len += n; }
static void put8 (Frame *f, guint v) { guint8 b = (guint8) v; put (f, &b, 1); }
static void put16 (Frame *f, guint v) { put8 (f, v >> 8); put8 (f, v); }
static void put32 (Frame *f, guint32 v) { put16 (f, v >> 16); put16 (f, v & 0xffff); }

static const guint8 zero12[12];
static const guint8 lo4[4] = { 127, 0, 0, 1 };
static const guint8 lo6[16] = { [15] = 1 };

static void
ipv4 (Frame *f, guint proto, guint l4_len, guint id)
{
  put (f, zero12, 12);
  put16 (f, 0x0800);
  put8 (f, 0x45);
  put8 (f, 0);
  put16 (f, 20 + l4_len);
  put16 (f, id);
  put16 (f, 0x4000);
  put8 (f, 64);
  put8 (f, proto);
  put16 (f, 0);
  put (f, lo4, 4);
  put (f, lo4, 4);
}

static void
ipv6 (Frame *f, guint nxt, guint plen)
{
  put (f, zero12, 12);
  put16 (f, 0x86dd);
  put32 (f, 0x60000000);
  put16 (f, plen);
  put8 (f, nxt);
  put8 (f, 64);
  put (f, lo6, 16);
  put (f, lo6, 16);
}

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

/* An IPv4 TCP segment of len payload bytes from sport to dport. */
static Frame
tcp (guint sport, guint dport, guint32 seq, guint32 ack, guint flags, guint win, guint len)
{
  Frame f = { .len = 0 };

  ipv4 (&f, 6, 20 + len, 0);
  put16 (&f, sport);
  put16 (&f, dport);
  put32 (&f, seq);
  put32 (&f, ack);
  put8 (&f, 5 << 4);
  put8 (&f, flags);
  put16 (&f, win);
  put32 (&f, 0);
  for (guint i = 0; i < len; i++)
    put8 (&f, 'a' + i % 26);
  return f;
}

static Frame
udp (gboolean v6, guint sport, guint dport, guint id, const char *payload)
{
  Frame f = { .len = 0 };
  guint n = (guint) strlen (payload);

  if (v6)
    ipv6 (&f, 17, 8 + n);
  else
    ipv4 (&f, 17, 8 + n, id);
  put16 (&f, sport);
  put16 (&f, dport);
  put16 (&f, 8 + n);
  put16 (&f, 0);
  put (&f, payload, n);
  return f;
}

/* The kernel's port unreachable for datagram d: it quotes d's IP header and what follows. */
static Frame
unreachable (gboolean v6, const Frame *d)
{
  Frame f = { .len = 0 };
  guint quoted = d->len - 14;

  if (v6)
    ipv6 (&f, 58, 8 + quoted);
  else
    ipv4 (&f, 1, 8 + quoted, 99);
  put8 (&f, v6 ? 1 : 3);
  put8 (&f, v6 ? 4 : 3);
  put16 (&f, 0);
  put32 (&f, 0);
  put (&f, d->b + 14, quoted);
  return f;
}

typedef struct
{
  SsAnalyzer *a;
  guint64     n;
} Run;

static SsAnalysis
feed (Run *r, const Frame *f)
{
  SsPacketSummary s;
  SsAnalysis out;

  ss_packet_summarize (1, f->b, f->len, f->len, &s);
  ss_analyzer_feed (r->a, ++r->n, &s, f->b, &out);
  return out;
}

#define assert_analysis(x, kind_, of_) G_STMT_START { \
    SsAnalysis _x = (x); \
    g_assert_cmpstr (ss_analysis_name (_x.kind), ==, ss_analysis_name (kind_)); \
    g_assert_cmpuint (_x.of, ==, (of_)); \
  } G_STMT_END

static void
test_handshake_is_plain (void)
{
  Run r = { ss_analyzer_new (0), 0 };
  Frame f;

  f = tcp (5000, 80, 100, 0, SYN, 65495, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  f = tcp (80, 5000, 900, 101, SYN | ACK, 65483, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  f = tcp (5000, 80, 101, 901, ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  f = tcp (5000, 80, 101, 901, PSH | ACK, 512, 5);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  f = tcp (80, 5000, 901, 106, ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  f = tcp (80, 5000, 901, 106, PSH | ACK, 512, 6);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  f = tcp (5000, 80, 106, 907, FIN | ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  f = tcp (80, 5000, 907, 107, FIN | ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  f = tcp (5000, 80, 107, 908, ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  ss_analyzer_free (r.a);
}

static void
test_retransmission (void)
{
  Run r = { ss_analyzer_new (0), 0 };
  Frame f;

  /* a SYN sent again is a retransmission of the first (#1) */
  f = tcp (5000, 80, 100, 0, SYN, 65495, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_RETRANSMISSION, 1);
  f = tcp (80, 5000, 900, 101, SYN | ACK, 65483, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #3 */
  f = tcp (5000, 80, 101, 901, PSH | ACK, 512, 10);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #4: 101-111 */
  f = tcp (5000, 80, 111, 901, PSH | ACK, 512, 10);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #5: 111-121 */
  /* the second segment again, later: a retransmission of #5 */
  assert_analysis (feed (&r, &f), SS_ANALYSIS_RETRANSMISSION, 5);         /* #6 */
  /* a FIN sent again */
  f = tcp (5000, 80, 121, 901, FIN | ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #7 */
  assert_analysis (feed (&r, &f), SS_ANALYSIS_RETRANSMISSION, 7);         /* #8 */
  /* a new connection on the same ports (another initial sequence number) starts afresh */
  f = tcp (5000, 80, 50, 0, SYN, 65495, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  ss_analyzer_free (r.a);
}

static void
test_dup_ack_fast_retransmission (void)
{
  Run r = { ss_analyzer_new (0), 0 };
  Frame f;
  SsAnalysis x;

  f = tcp (5000, 80, 1, 1, ACK, 512, 10);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #1: 1-11 */
  f = tcp (80, 5000, 1, 11, ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #2: ACK 11 */
  f = tcp (5000, 80, 11, 1, ACK, 512, 10);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #3: 11-21, lost */
  f = tcp (5000, 80, 21, 1, ACK, 512, 10);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #4: 21-31 */
  f = tcp (80, 5000, 1, 11, ACK, 512, 0);
  x = feed (&r, &f);                                                      /* #5 */
  assert_analysis (x, SS_ANALYSIS_DUP_ACK, 2);
  g_assert_cmpuint (x.count, ==, 1);
  x = feed (&r, &f);                                                      /* #6 */
  assert_analysis (x, SS_ANALYSIS_DUP_ACK, 2);
  g_assert_cmpuint (x.count, ==, 2);
  /* the segment the duplicates ask for: a fast retransmission of #3 */
  f = tcp (5000, 80, 11, 1, ACK, 512, 10);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_FAST_RETRANSMISSION, 3);
  /* a new ACK ends the series */
  f = tcp (80, 5000, 1, 31, ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  ss_analyzer_free (r.a);
}

static void
test_windows_and_keep_alive (void)
{
  Run r = { ss_analyzer_new (0), 0 };
  Frame f;

  f = tcp (5000, 80, 1, 1, ACK, 512, 100);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #1: 1-101 */
  f = tcp (80, 5000, 1, 101, ACK, 0, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_ZERO_WINDOW, 0);            /* #2 */
  /* Linux probes a zero window with a segment one below what it sent (keep-alive shape) */
  f = tcp (5000, 80, 100, 1, ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_WINDOW_PROBE, 0);           /* #3 */
  f = tcp (80, 5000, 1, 101, ACK, 0, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_ZERO_WINDOW, 0);            /* #4 */
  /* one byte past a zero window: the other probe */
  f = tcp (5000, 80, 101, 1, ACK, 512, 1);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_WINDOW_PROBE, 0);           /* #5: 101-102 */
  f = tcp (80, 5000, 1, 101, ACK, 0, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_ZERO_WINDOW, 0);            /* #6 */
  /* the reader read: only the window changes */
  f = tcp (80, 5000, 1, 101, ACK, 256, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_WINDOW_UPDATE, 0);          /* #7 */
  /* the probe's byte sent again with the next data: a retransmission of #5 */
  f = tcp (5000, 80, 101, 1, ACK, 512, 50);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_RETRANSMISSION, 5);         /* #8: 101-151 */
  f = tcp (80, 5000, 1, 151, ACK, 256, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #9 */
  /* an idle connection: a keep-alive, one below the next sequence number, window open */
  f = tcp (5000, 80, 150, 1, ACK, 512, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_KEEP_ALIVE, 0);
  /* a reset is never named */
  f = tcp (80, 5000, 1, 151, RST | ACK, 0, 0);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
  ss_analyzer_free (r.a);
}

static void
test_port_unreachable (void)
{
  for (int v6 = 0; v6 <= 1; v6++)
    {
      Run r = { ss_analyzer_new (0), 0 };
      Frame first = udp (v6, 40000, 9999, 7, "first");
      Frame second = udp (v6, 40000, 9999, 8, "second");
      Frame other = udp (v6, 40001, 9999, 9, "first");
      Frame err;

      assert_analysis (feed (&r, &first), SS_ANALYSIS_NONE, 0);           /* #1 */
      assert_analysis (feed (&r, &second), SS_ANALYSIS_NONE, 0);          /* #2 */
      assert_analysis (feed (&r, &other), SS_ANALYSIS_NONE, 0);           /* #3 */
      /* each error names the very datagram it quotes, not the newest to that port */
      err = unreachable (v6, &first);
      assert_analysis (feed (&r, &err), SS_ANALYSIS_PORT_UNREACHABLE, 1);
      err = unreachable (v6, &second);
      assert_analysis (feed (&r, &err), SS_ANALYSIS_PORT_UNREACHABLE, 2);
      err = unreachable (v6, &other);
      assert_analysis (feed (&r, &err), SS_ANALYSIS_PORT_UNREACHABLE, 3);
      /* a datagram it never saw: still a port unreachable, of no packet */
      other = udp (v6, 40002, 9999, 10, "never seen");
      err = unreachable (v6, &other);
      assert_analysis (feed (&r, &err), SS_ANALYSIS_PORT_UNREACHABLE, 0);
      ss_analyzer_free (r.a);
    }
}

static void
test_capped_flows (void)
{
  Run r = { ss_analyzer_new (2), 0 };
  Frame f;

  /* three connections, room for two: the one idle the longest is forgotten, so its segment
   * sent again is no longer recognized; the two others still are */
  for (guint port = 5001; port <= 5003; port++)
    {
      f = tcp (port, 80, 1, 1, ACK, 512, 10);
      assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);
    }
  f = tcp (5001, 80, 1, 1, ACK, 512, 10);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_NONE, 0);                   /* #4: forgotten */
  f = tcp (5003, 80, 1, 1, ACK, 512, 10);
  assert_analysis (feed (&r, &f), SS_ANALYSIS_RETRANSMISSION, 3);
  ss_analyzer_free (r.a);
}

/* Cut and malformed frames are not analyzed, and never crash the analyzer. */
static void
test_cut_frames (void)
{
  Run r = { ss_analyzer_new (0), 0 };
  Frame f = tcp (5000, 80, 1, 1, ACK, 512, 10);

  for (guint caplen = 0; caplen <= f.len; caplen++)
    {
      SsPacketSummary s;
      SsAnalysis out;
      g_autofree guint8 *copy = g_memdup2 (f.b, MAX (caplen, 1));

      ss_packet_summarize (1, copy, caplen, f.len, &s);
      ss_analyzer_feed (r.a, ++r.n, &s, copy, &out);
      /* the first one whose header is whole is new; the whole ones after it repeat it */
      g_assert_cmpint (out.kind == SS_ANALYSIS_NONE, ==, caplen <= 14 + 20 + 20);
    }
  ss_analyzer_free (r.a);
}

/* golden/analysis.pcap (tests/tshark/make_analysis.py): a real run on lo. What tshark's
 * analysis says of its frames; every other frame is plain for both. tshark calls Linux's
 * zero-window probe (frames 8 and 10: one byte below, no data) "TCP Keep-Alive"; we name what
 * it is for, since the other side's window is zero. */
static void
test_captured_run (void)
{
  static const struct { guint n; SsAnalysisKind kind; guint of; } expected[] = {
    { 7, SS_ANALYSIS_ZERO_WINDOW, 0 },
    { 8, SS_ANALYSIS_WINDOW_PROBE, 0 },
    { 9, SS_ANALYSIS_ZERO_WINDOW, 0 },
    { 10, SS_ANALYSIS_WINDOW_PROBE, 0 },
    { 11, SS_ANALYSIS_WINDOW_UPDATE, 0 },
    { 216, SS_ANALYSIS_RETRANSMISSION, 215 },        /* the SYN the full queue ignored */
    { 222, SS_ANALYSIS_PORT_UNREACHABLE, 221 },
    { 224, SS_ANALYSIS_PORT_UNREACHABLE, 223 },
    { 226, SS_ANALYSIS_PORT_UNREACHABLE, 225 },      /* ICMPv6 */
    { 228, SS_ANALYSIS_PORT_UNREACHABLE, 227 },
  };
  const char *root = g_getenv ("SOCKSCOPE_SOURCE_ROOT");
  g_autofree char *path = g_build_filename (root != NULL ? root : ".", "tests", "tshark", "golden",
                                            "analysis.pcap", NULL);
  SsCaptureReader *reader = ss_capture_reader_open (path);
  SsAnalyzer *a = ss_analyzer_new (0);
  SsCapturePacket pkt;
  guint64 n = 0;
  guint next = 0;

  g_assert_nonnull (reader);
  while (ss_capture_reader_next (reader, &pkt) == 1)
    {
      SsPacketSummary s;
      SsAnalysis out;

      ss_packet_summarize (pkt.linktype, pkt.data, pkt.caplen, pkt.origlen, &s);
      ss_analyzer_feed (a, ++n, &s, pkt.data, &out);
      if (next < G_N_ELEMENTS (expected) && expected[next].n == n)
        {
          g_test_message ("frame %" G_GUINT64_FORMAT, n);
          assert_analysis (out, expected[next].kind, expected[next].of);
          next++;
        }
      else if (out.kind != SS_ANALYSIS_NONE)
        g_error ("frame %" G_GUINT64_FORMAT ": %s (of %" G_GUINT64_FORMAT "), tshark: nothing",
                 n, ss_analysis_name (out.kind), out.of);
    }
  g_assert_null (ss_capture_reader_error (reader));
  g_assert_cmpuint (n, ==, 228);
  g_assert_cmpuint (next, ==, G_N_ELEMENTS (expected));
  ss_capture_reader_close (reader);
  ss_analyzer_free (a);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/analysis/handshake-is-plain", test_handshake_is_plain);
  g_test_add_func ("/analysis/retransmission", test_retransmission);
  g_test_add_func ("/analysis/dup-ack-fast-retransmission", test_dup_ack_fast_retransmission);
  g_test_add_func ("/analysis/windows-and-keep-alive", test_windows_and_keep_alive);
  g_test_add_func ("/analysis/port-unreachable", test_port_unreachable);
  g_test_add_func ("/analysis/capped-flows", test_capped_flows);
  g_test_add_func ("/analysis/cut-frames", test_cut_frames);
  g_test_add_func ("/analysis/captured-run", test_captured_run);
  return g_test_run ();
}
