/* test-capture.c: pcap and pcapng readers, the pcapng writer, damaged files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "sockscope-capture.h"
#include "sockscope-decoder.h"
#include "sockscope-pcapng.h"

/* ---- byte-order aware builder ---------------------------------------------------------------- */

typedef struct
{
  GByteArray *a;
  gboolean    be;
} Buf;

static void put (Buf *b, const void *p, guint n) { g_byte_array_append (b->a, p, n); }
static void put8 (Buf *b, guint v) { guint8 x = (guint8) v; put (b, &x, 1); }

static void
put16 (Buf *b, guint v)
{
  guint16 x = b->be ? GUINT16_TO_BE ((guint16) v) : GUINT16_TO_LE ((guint16) v);

  put (b, &x, 2);
}

static void
put32 (Buf *b, guint32 v)
{
  guint32 x = b->be ? GUINT32_TO_BE (v) : GUINT32_TO_LE (v);

  put (b, &x, 4);
}

static void
pad4 (Buf *b)
{
  while (b->a->len % 4 != 0)
    put8 (b, 0);
}

/* pcapng: opens a block; block_end() fills in its length. */
static guint
block_start (Buf *b, guint32 type)
{
  guint start = b->a->len;

  put32 (b, type);
  put32 (b, 0);
  return start;
}

static void
block_end (Buf *b, guint start)
{
  guint32 total = b->a->len - start + 4;
  guint32 v = b->be ? GUINT32_TO_BE (total) : GUINT32_TO_LE (total);

  memcpy (b->a->data + start + 4, &v, 4);
  put32 (b, total);
}

static void
option (Buf *b, guint code, const void *value, guint len)
{
  put16 (b, code);
  put16 (b, len);
  put (b, value, len);
  pad4 (b);
}

static void
shb (Buf *b)
{
  guint s = block_start (b, 0x0A0D0D0A);

  put32 (b, 0x1A2B3C4D);
  put16 (b, 1);
  put16 (b, 0);
  put32 (b, 0xffffffff);
  put32 (b, 0xffffffff);
  block_end (b, s);
}

static void
idb (Buf *b, guint linktype, guint snaplen, int tsresol)
{
  guint s = block_start (b, 1);

  put16 (b, linktype);
  put16 (b, 0);
  put32 (b, snaplen);
  if (tsresol >= 0)
    {
      guint8 r = (guint8) tsresol;

      option (b, 9, &r, 1);
      option (b, 0, NULL, 0);
    }
  block_end (b, s);
}

static void
epb (Buf *b, guint iface, guint64 ts, const void *data, guint caplen, guint origlen, const char *comment)
{
  guint s = block_start (b, 6);

  put32 (b, iface);
  put32 (b, (guint32) (ts >> 32));
  put32 (b, (guint32) ts);
  put32 (b, caplen);
  put32 (b, origlen);
  put (b, data, caplen);
  pad4 (b);
  if (comment != NULL)
    {
      option (b, 1, comment, strlen (comment));
      option (b, 0, NULL, 0);
    }
  block_end (b, s);
}

static void
spb (Buf *b, const void *data, guint len)
{
  guint s = block_start (b, 3);

  put32 (b, len);
  put (b, data, len);
  pad4 (b);
  block_end (b, s);
}

static void
opb (Buf *b, guint iface, guint64 ts, const void *data, guint len, const char *comment)
{
  guint s = block_start (b, 2);

  put16 (b, iface);
  put16 (b, 0);
  put32 (b, (guint32) (ts >> 32));
  put32 (b, (guint32) ts);
  put32 (b, len);
  put32 (b, len);
  put (b, data, len);
  pad4 (b);
  option (b, 1, comment, strlen (comment));
  option (b, 0, NULL, 0);
  block_end (b, s);
}

static void
isb (Buf *b)
{
  guint s = block_start (b, 5);

  put32 (b, 0);
  put32 (b, 0);
  put32 (b, 0);
  block_end (b, s);
}

/* A UDP datagram over Ethernet, and the same over raw IPv4. */
static const guint8 eth_udp[] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00,
  0x45, 0, 0, 33, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
  0x13, 0x88, 0x1e, 0x61, 0, 13, 0, 0, 'h', 'e', 'l', 'l', 'o',
};
#define RAW_UDP (eth_udp + 14)
#define RAW_UDP_LEN (sizeof eth_udp - 14)

/* ---- helpers --------------------------------------------------------------------------------- */

typedef struct
{
  SsCapturePacket pkts[16];
  char            comments[16][128];
  guint           n;
  int             rc;
  char           *error;
} Read;

static void
read_all (const guint8 *data, gsize len, Read *out)
{
  SsCaptureReader *r = ss_capture_reader_open_buffer (data, len, "x.pcapng");
  SsCapturePacket pkt;

  memset (out, 0, sizeof *out);
  while ((out->rc = ss_capture_reader_next (r, &pkt)) > 0)
    {
      /* every pointer handed out lies inside the buffer */
      g_assert_true (pkt.data >= data && pkt.data + pkt.caplen <= data + len);
      if (out->n < G_N_ELEMENTS (out->pkts))
        {
          if (pkt.comment != NULL)
            {
              g_assert_true ((const guint8 *) pkt.comment >= data
                             && (const guint8 *) pkt.comment + pkt.comment_len <= data + len);
              g_snprintf (out->comments[out->n], sizeof out->comments[0], "%.*s",
                          (int) pkt.comment_len, pkt.comment);
            }
          out->pkts[out->n] = pkt;
        }
      out->n++;
    }
  g_assert_cmpint (out->rc == -1, ==, ss_capture_reader_error (r) != NULL);
  out->error = g_strdup (ss_capture_reader_error (r));
  ss_capture_reader_close (r);
}

static void
assert_udp (const SsCapturePacket *p, guint32 linktype)
{
  SsPacketSummary s;

  g_assert_cmpuint (p->linktype, ==, linktype);
  ss_packet_summarize (p->linktype, p->data, p->caplen, p->origlen, &s);
  g_assert_cmpuint (s.proto, ==, SS_PROTO_UDP);
  g_assert_cmpuint (s.dport, ==, 7777);
  /* a record cut by the snapshot length reads as truncated, and only then */
  g_assert_cmpuint (s.status, ==, p->caplen < p->origlen ? SS_STATUS_TRUNCATED : 0);
}

/* ---- pcap ------------------------------------------------------------------------------------ */

static GByteArray *
make_pcap (gboolean be, gboolean nano)
{
  Buf b = { g_byte_array_new (), be };

  put32 (&b, nano ? 0xa1b23c4d : 0xa1b2c3d4);
  put16 (&b, 2);
  put16 (&b, 4);
  put32 (&b, 0);
  put32 (&b, 0);
  put32 (&b, 262144);
  put32 (&b, 1);
  for (guint i = 0; i < 2; i++)
    {
      put32 (&b, 1700000000 + i);
      put32 (&b, nano ? 123456789 : 123456);
      put32 (&b, sizeof eth_udp);
      put32 (&b, sizeof eth_udp + i);
      put (&b, eth_udp, sizeof eth_udp);
    }
  return b.a;
}

static void
test_pcap (void)
{
  for (int be = 0; be <= 1; be++)
    for (int nano = 0; nano <= 1; nano++)
      {
        g_autoptr (GByteArray) a = make_pcap (be, nano);
        Read r;

        read_all (a->data, a->len, &r);
        g_assert_cmpint (r.rc, ==, 0);
        g_assert_null (r.error);
        g_assert_cmpuint (r.n, ==, 2);
        g_assert_cmpuint (r.pkts[0].t_ns, ==, 1700000000ull * 1000000000u + (nano ? 123456789u : 123456000u));
        g_assert_cmpuint (r.pkts[1].t_ns, ==, 1700000001ull * 1000000000u + (nano ? 123456789u : 123456000u));
        g_assert_cmpuint (r.pkts[1].caplen, ==, sizeof eth_udp);
        g_assert_cmpuint (r.pkts[1].origlen, ==, sizeof eth_udp + 1);
        g_assert_cmpuint (r.pkts[0].offset, ==, 24);
        g_assert_null (r.pkts[0].comment);
        assert_udp (&r.pkts[0], 1);
        g_free (r.error);
      }
}

/* Every cut of a pcap file: the whole records before the cut, then an error at the cut record. */
static void
test_pcap_truncated (void)
{
  g_autoptr (GByteArray) a = make_pcap (FALSE, FALSE);
  guint rec = 16 + sizeof eth_udp;

  for (guint len = 0; len < a->len; len++)
    {
      g_autofree guint8 *copy = g_memdup2 (a->data, MAX (len, 1));
      Read r;

      read_all (copy, len, &r);
      if (len >= 24 && (len - 24) % rec == 0)
        {
          /* a cut between records leaves a valid, shorter file */
          g_assert_cmpint (r.rc, ==, 0);
          g_assert_cmpuint (r.n, ==, (len - 24) / rec);
        }
      else if (len >= 24)
        {
          guint whole = (len - 24) / rec;
          g_autofree char *at = g_strdup_printf ("at offset %u ", 24 + whole * rec);

          g_assert_cmpint (r.rc, ==, -1);
          g_assert_cmpuint (r.n, ==, whole);
          g_assert_nonnull (strstr (r.error, at));
        }
      else
        g_assert_cmpint (r.rc, ==, -1);
      g_free (r.error);
    }

  /* the message a user reads */
  {
    Read r;

    read_all (a->data, 24 + rec + 30, &r);
    g_assert_cmpstr (r.error, ==, "x.pcapng: truncated packet record at offset 87 (needs 63 bytes, 30 left)");
    g_free (r.error);
  }
}

static void
test_not_a_capture (void)
{
  Read r;

  read_all ((const guint8 *) "hello world", 11, &r);
  g_assert_cmpint (r.rc, ==, -1);
  g_assert_cmpstr (r.error, ==, "x.pcapng: not a pcap or pcapng file (magic 0x68656c6c)");
  g_free (r.error);

  read_all ((const guint8 *) "", 0, &r);
  g_assert_cmpstr (r.error, ==, "x.pcapng: empty file, not a pcap or pcapng capture");
  g_free (r.error);
}

/* ---- pcapng ---------------------------------------------------------------------------------- */

static void
make_section (Buf *b)
{
  guint8 ipv6_frame[48] = { 0x60, 0, 0, 0, 0, 8, 17, 64, [23] = 1, [39] = 1, 0x13, 0x88, 0x1e, 0x61, 0, 8, 0, 0 };

  shb (b);
  idb (b, 1, 0, 9);                 /* Ethernet, nanoseconds */
  idb (b, 228, 0, -1);              /* raw IPv4, default microseconds */
  idb (b, 229, 0, 0x80 | 10);       /* raw IPv6, 2^-10 s */
  epb (b, 0, 1700000000123456789ull, eth_udp, sizeof eth_udp, sizeof eth_udp, "client: sendto(3, \"hello\")");
  isb (b);                          /* skipped */
  epb (b, 1, 1700000000123456ull, RAW_UDP, RAW_UDP_LEN, RAW_UDP_LEN, NULL);
  spb (b, eth_udp, sizeof eth_udp); /* interface 0, no timestamp */
  opb (b, 0, 5, eth_udp, sizeof eth_udp, "kernel");
  epb (b, 2, 3 * 1024 + 512, ipv6_frame, sizeof ipv6_frame, sizeof ipv6_frame, NULL);
}

static void
check_section (const Read *r, guint first)
{
  const SsCapturePacket *p = &r->pkts[first];

  assert_udp (&p[0], 1);
  g_assert_cmpuint (p[0].t_ns, ==, 1700000000123456789ull);
  g_assert_cmpstr (r->comments[first], ==, "client: sendto(3, \"hello\")");
  assert_udp (&p[1], 228);
  g_assert_cmpuint (p[1].iface, ==, 1);
  g_assert_cmpuint (p[1].t_ns, ==, 1700000000123456000ull);
  g_assert_null (p[1].comment);
  assert_udp (&p[2], 1);
  g_assert_cmpuint (p[2].t_ns, ==, 0);
  g_assert_null (p[2].comment);
  assert_udp (&p[3], 1);
  g_assert_cmpuint (p[3].t_ns, ==, 5);
  g_assert_cmpstr (r->comments[first + 3], ==, "kernel");
  g_assert_cmpuint (p[4].linktype, ==, 229);
  g_assert_cmpuint (p[4].t_ns, ==, 3500000000ull);   /* 3.5 s in 1/1024 s */
  assert_udp (&p[4], 229);
}

static void
test_pcapng (void)
{
  for (int be = 0; be <= 1; be++)
    {
      Buf b = { g_byte_array_new (), be };
      Read r;

      make_section (&b);
      /* a second section in the other byte order restarts the interface list */
      b.be = !be;
      make_section (&b);

      read_all (b.a->data, b.a->len, &r);
      g_assert_null (r.error);
      g_assert_cmpint (r.rc, ==, 0);
      g_assert_cmpuint (r.n, ==, 10);
      check_section (&r, 0);
      check_section (&r, 5);
      g_byte_array_unref (b.a);
    }
}

static void
test_pcapng_damaged (void)
{
  Buf b = { g_byte_array_new (), FALSE };
  g_autofree char *want = NULL;
  guint good, damaged;
  Read r;

  shb (&b);
  idb (&b, 1, 0, 9);
  epb (&b, 0, 1, eth_udp, sizeof eth_udp, sizeof eth_udp, NULL);
  good = b.a->len;
  epb (&b, 0, 2, eth_udp, sizeof eth_udp, sizeof eth_udp, "second");
  damaged = b.a->len;

  /* cut anywhere inside the second EPB */
  for (guint len = good + 1; len < damaged; len++)
    {
      g_autofree char *at = g_strdup_printf ("at offset %u ", good);

      read_all (b.a->data, len, &r);
      g_assert_cmpint (r.rc, ==, -1);
      g_assert_cmpuint (r.n, ==, 1);
      g_assert_nonnull (strstr (r.error, "truncated "));
      g_assert_nonnull (strstr (r.error, at));
      g_free (r.error);
    }
  want = g_strdup_printf ("x.pcapng: truncated Enhanced Packet Block at offset %u (needs %u bytes, 40 left)",
                          good, damaged - good);
  read_all (b.a->data, good + 40, &r);
  g_assert_cmpstr (r.error, ==, want);
  g_free (r.error);

  /* trailing length that does not match */
  b.a->data[damaged - 4] ^= 4;
  read_all (b.a->data, b.a->len, &r);
  g_assert_cmpuint (r.n, ==, 1);
  g_assert_nonnull (strstr (r.error, "corrupt Enhanced Packet Block at offset"));
  g_free (r.error);
  b.a->data[damaged - 4] ^= 4;

  /* captured length beyond the block */
  b.a->data[good + 20] = 0xff;
  read_all (b.a->data, b.a->len, &r);
  g_assert_cmpuint (r.n, ==, 1);
  g_assert_nonnull (strstr (r.error, "captured length 255 exceeds the block"));
  g_free (r.error);
  b.a->data[good + 20] = sizeof eth_udp;

  /* an interface the section never described */
  b.a->data[good + 8] = 3;
  g_free (want);
  want = g_strdup_printf ("x.pcapng: Enhanced Packet Block at offset %u refers to interface 3 but the section describes 1",
                          good);
  read_all (b.a->data, b.a->len, &r);
  g_assert_cmpuint (r.n, ==, 1);
  g_assert_cmpstr (r.error, ==, want);
  g_free (r.error);
  g_byte_array_unref (b.a);
}

static void
test_pcapng_tsoffset (void)
{
  Buf b = { g_byte_array_new (), FALSE };
  guint s;
  guint8 off[8] = { 10 };   /* if_tsoffset: +10 s, little-endian */
  guint8 res = 3;           /* milliseconds */
  Read r;

  shb (&b);
  s = block_start (&b, 1);
  put16 (&b, 1);
  put16 (&b, 0);
  put32 (&b, 0);
  option (&b, 9, &res, 1);
  option (&b, 14, off, 8);
  option (&b, 0, NULL, 0);
  block_end (&b, s);
  epb (&b, 0, 1500, eth_udp, sizeof eth_udp, sizeof eth_udp, NULL);
  read_all (b.a->data, b.a->len, &r);
  g_assert_null (r.error);
  g_assert_cmpuint (r.pkts[0].t_ns, ==, 11500000000ull);
  g_byte_array_unref (b.a);
}

/* ---- writer ---------------------------------------------------------------------------------- */

static void
test_writer_round_trip (void)
{
  g_autofree char *path = NULL;
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  const char *comment = "client: connect(3, 127.0.0.1:7777) — étape 2";
  SsPcapngWriter *w;
  SsCaptureReader *r;
  SsCapturePacket pkt;
  FILE *f;
  int fd, eth, raw;

  fd = g_file_open_tmp ("decoder-test-XXXXXX.pcapng", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  f = fdopen (fd, "wb");
  w = ss_pcapng_writer_new (f, "sockscope test");
  g_assert_nonnull (w);
  eth = ss_pcapng_writer_add_interface (w, 1, 262144, "lo");
  raw = ss_pcapng_writer_add_interface (w, 228, 65535, NULL);
  g_assert_cmpint (eth, ==, 0);
  g_assert_cmpint (raw, ==, 1);
  g_assert_cmpint (ss_pcapng_writer_add_packet (w, eth, 1700000000123456789ull, eth_udp, sizeof eth_udp, sizeof eth_udp, comment), ==, 0);
  g_assert_cmpint (ss_pcapng_writer_add_packet (w, raw, 1700000000123456790ull, RAW_UDP, RAW_UDP_LEN, RAW_UDP_LEN + 3, NULL), ==, 0);
  g_assert_cmpint (ss_pcapng_writer_add_packet (w, eth, 1700000001000000000ull, eth_udp, 14, sizeof eth_udp, "kernel"), ==, 0);
  g_assert_cmpint (ss_pcapng_writer_add_packet (w, 2, 0, eth_udp, 14, 14, NULL), ==, -1);
  g_assert_cmpint (errno, ==, EINVAL);
  g_assert_cmpint (ss_pcapng_writer_finish (w), ==, 0);
  fclose (f);

  r = ss_capture_reader_open (path);
  g_assert_nonnull (r);
  g_assert_cmpint (ss_capture_reader_format (r), ==, SS_CAPTURE_PCAPNG);
  g_assert_cmpint (ss_capture_reader_next (r, &pkt), ==, 1);
  assert_udp (&pkt, 1);
  g_assert_cmpuint (pkt.t_ns, ==, 1700000000123456789ull);
  g_assert_cmpmem (pkt.comment, pkt.comment_len, comment, strlen (comment));
  g_assert_cmpint (ss_capture_reader_next (r, &pkt), ==, 1);
  assert_udp (&pkt, 228);
  g_assert_cmpuint (pkt.t_ns, ==, 1700000000123456790ull);
  g_assert_cmpuint (pkt.origlen, ==, RAW_UDP_LEN + 3);
  g_assert_null (pkt.comment);
  g_assert_cmpint (ss_capture_reader_next (r, &pkt), ==, 1);
  g_assert_cmpuint (pkt.caplen, ==, 14);
  g_assert_cmpmem (pkt.comment, pkt.comment_len, "kernel", 6);
  g_assert_cmpint (ss_capture_reader_next (r, &pkt), ==, 0);
  g_assert_null (ss_capture_reader_error (r));
  ss_capture_reader_close (r);

  if (tshark != NULL)
    {
      const char *argv[] = { tshark, "-r", path, "-T", "fields", "-e", "frame.comment", "-e", "frame.time_epoch", NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *expected = g_strdup_printf ("%s\t1700000000.123456789\n\t1700000000.123456790\nkernel\t1700000001.000000000\n", comment);
      GError *error = NULL;
      int status;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, expected);
    }
  else
    g_test_message ("tshark not installed: the file was not checked with it");
  g_unlink (path);
}

static void
test_open_errors (void)
{
  g_autofree char *path = NULL;
  SsCaptureReader *r;
  SsCapturePacket pkt;
  int fd;

  errno = 0;
  g_assert_null (ss_capture_reader_open ("/nonexistent/x.pcap"));
  g_assert_cmpint (errno, ==, ENOENT);
  g_assert_null (ss_capture_reader_open ("/"));
  g_assert_cmpint (errno, ==, EISDIR);

  fd = g_file_open_tmp ("decoder-test-XXXXXX.pcap", &path, NULL);
  close (fd);
  r = ss_capture_reader_open (path);
  g_assert_nonnull (r);
  g_assert_cmpint (ss_capture_reader_next (r, &pkt), ==, -1);
  g_assert_nonnull (strstr (ss_capture_reader_error (r), "empty file"));
  ss_capture_reader_close (r);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/capture/pcap", test_pcap);
  g_test_add_func ("/capture/pcap-truncated", test_pcap_truncated);
  g_test_add_func ("/capture/not-a-capture", test_not_a_capture);
  g_test_add_func ("/capture/pcapng", test_pcapng);
  g_test_add_func ("/capture/pcapng-damaged", test_pcapng_damaged);
  g_test_add_func ("/capture/pcapng-tsoffset", test_pcapng_tsoffset);
  g_test_add_func ("/capture/writer-round-trip", test_writer_round_trip);
  g_test_add_func ("/capture/open-errors", test_open_errors);
  return g_test_run ();
}
