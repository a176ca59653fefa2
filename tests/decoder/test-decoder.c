/* test-decoder.c: the packet decoder on hand-built frames. */
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sockscope-decoder.h"
#include "sockscope-json.h"

#define MAX_FIELDS 256

/* ---- frame builders ------------------------------------------------------------------------ */

typedef struct
{
  guint8 b[2048];
  guint  len;
} Frame;

static void
put (Frame *f, const void *p, guint n)
{
  g_assert_cmpuint (f->len + n, <=, sizeof f->b);
  memcpy (f->b + f->len, p, n);
  f->len += n;
}

static void put8 (Frame *f, guint v) { guint8 b = (guint8) v; put (f, &b, 1); }
static void put16 (Frame *f, guint v) { put8 (f, v >> 8); put8 (f, v); }
static void put32 (Frame *f, guint32 v) { put16 (f, v >> 16); put16 (f, v & 0xffff); }

static void
set16 (Frame *f, guint off, guint v)
{
  f->b[off] = (guint8) (v >> 8);
  f->b[off + 1] = (guint8) v;
}

static void
eth (Frame *f, guint type)
{
  static const guint8 zero[12];

  put (f, zero, 12);
  put16 (f, type);
}

static const guint8 lo4[4] = { 127, 0, 0, 1 };
static const guint8 lo6[16] = { [15] = 1 };

/* IPv4 header; total length covers l4_len bytes that the caller appends. */
static void
ipv4 (Frame *f, guint proto, guint l4_len, const guint8 *opts, guint optlen)
{
  guint hl = 20 + optlen;

  g_assert (optlen % 4 == 0);
  put8 (f, 0x40 | hl / 4);
  put8 (f, 0);
  put16 (f, hl + l4_len);
  put16 (f, 0x1234);
  put16 (f, 0x4000);
  put8 (f, 64);
  put8 (f, proto);
  put16 (f, 0);
  put (f, lo4, 4);
  put (f, lo4, 4);
  if (optlen > 0)
    put (f, opts, optlen);
}

static void
ipv6 (Frame *f, guint nxt, guint plen)
{
  put32 (f, 0x60000000);
  put16 (f, plen);
  put8 (f, nxt);
  put8 (f, 64);
  put (f, lo6, 16);
  put (f, lo6, 16);
}

static void
tcp (Frame *f, guint sport, guint dport, guint32 seq, guint32 ack, guint flags, guint win,
     const guint8 *opts, guint optlen)
{
  g_assert (optlen % 4 == 0);
  put16 (f, sport);
  put16 (f, dport);
  put32 (f, seq);
  put32 (f, ack);
  put8 (f, (20 + optlen) / 4 << 4);
  put8 (f, flags);
  put16 (f, win);
  put16 (f, 0);
  put16 (f, 0);
  if (optlen > 0)
    put (f, opts, optlen);
}

static void
udp (Frame *f, guint sport, guint dport, guint payload)
{
  put16 (f, sport);
  put16 (f, dport);
  put16 (f, 8 + payload);
  put16 (f, 0);
}

static const guint8 syn_opts[] = { 2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };

/* Ethernet + IPv4 + TCP SYN with the options Linux sends. */
static void
syn_frame (Frame *f)
{
  memset (f, 0, sizeof *f);
  eth (f, 0x0800);
  ipv4 (f, 6, 20 + sizeof syn_opts, NULL, 0);
  tcp (f, 41562, 7777, 123, 0, 0x02, 65495, syn_opts, sizeof syn_opts);
}

static void
udp_frame (Frame *f, guint payload)
{
  static const guint8 hello[] = "hello world, this is data";

  memset (f, 0, sizeof *f);
  eth (f, 0x0800);
  ipv4 (f, 17, 8 + payload, NULL, 0);
  udp (f, 5000, 7777, payload);
  put (f, hello, payload);
}

/* ---- helpers --------------------------------------------------------------------------------- */

typedef struct
{
  SsField        fields[MAX_FIELDS];
  SsDecodeResult res;
} Decoded;

/* Checks what must hold for any frame: fields inside the captured bytes, a proper pre-order
 * tree, and the fast path agreeing with the full decode. */
static void
check_invariants (guint32 linktype, const guint8 *data, guint32 caplen, guint32 origlen, const Decoded *d)
{
  SsPacketSummary fast;

  for (gsize i = 0; i < d->res.n_fields; i++)
    {
      const SsField *f = &d->fields[i];
      char buf[256];

      g_assert_nonnull (f->id);
      g_assert_nonnull (f->label);
      g_assert_cmpuint ((guint64) f->offset + f->length, <=, caplen);
      g_assert_cmpint (f->parent, <, (gint) i);
      if (f->parent < 0)
        g_assert_cmpuint (f->depth, ==, 0);
      else
        g_assert_cmpuint (f->depth, ==, d->fields[f->parent].depth + 1);
      ss_field_format (f, data, caplen, buf, sizeof buf);
    }
  ss_packet_summarize (linktype, data, caplen, origlen, &fast);
  g_assert_cmpmem (&fast, sizeof fast, &d->res.summary, sizeof d->res.summary);
}

static Decoded *
decode (guint32 linktype, const guint8 *data, guint32 caplen, guint32 origlen)
{
  Decoded *d = g_new0 (Decoded, 1);

  ss_packet_decode (linktype, data, caplen, origlen, d->fields, MAX_FIELDS, &d->res);
  check_invariants (linktype, data, caplen, origlen, d);
  return d;
}

static Decoded *
decode_frame (guint32 linktype, const Frame *f)
{
  return decode (linktype, f->b, f->len, f->len);
}

/* The n-th (from 0) field with this id, or NULL. */
static const SsField *
find_nth (const Decoded *d, const char *id, guint n)
{
  for (gsize i = 0; i < d->res.n_fields; i++)
    if (strcmp (d->fields[i].id, id) == 0 && n-- == 0)
      return &d->fields[i];
  return NULL;
}

static const SsField *
find (const Decoded *d, const char *id)
{
  const SsField *f = find_nth (d, id, 0);

  if (f == NULL)
    g_error ("no field %s in the decode of '%s'", id, d->res.text);
  return f;
}

static void
assert_field (const Decoded *d, const char *id, guint offset, guint length, guint64 value)
{
  const SsField *f = find (d, id);

  g_assert_cmpuint (f->offset, ==, offset);
  g_assert_cmpuint (f->length, ==, length);
  g_assert_cmpuint (f->value, ==, value);
}

static void
assert_shown (const Decoded *d, const guint8 *data, guint caplen, const char *id, const char *expected)
{
  char buf[256];

  g_assert_cmpstr (ss_field_format (find (d, id), data, caplen, buf, sizeof buf), ==, expected);
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void
test_tcp_syn (void)
{
  Frame f;
  g_autofree Decoded *d = NULL;
  const SsPacketSummary *s;
  char a[46], b[46];

  syn_frame (&f);
  d = decode_frame (1, &f);
  s = &d->res.summary;

  g_assert_cmpuint (s->proto, ==, SS_PROTO_TCP);
  g_assert_cmpuint (s->l3, ==, SS_PROTO_IPV4);
  g_assert_cmpuint (s->l3_off, ==, 14);
  g_assert_cmpuint (s->l4_off, ==, 34);
  g_assert_cmpuint (s->sport, ==, 41562);
  g_assert_cmpuint (s->dport, ==, 7777);
  g_assert_cmpuint (s->seq, ==, 123);
  g_assert_cmpuint (s->win, ==, 65495);
  g_assert_cmpuint (s->tcp_flags, ==, 0x02);
  g_assert_cmpuint (s->payload_len, ==, 0);
  g_assert_cmpuint (s->status, ==, 0);
  g_assert_cmpuint (s->linktype, ==, 1);
  g_assert_cmpstr (ss_packet_src (s, f.b, a), ==, "127.0.0.1");
  g_assert_cmpstr (ss_packet_dst (s, f.b, b), ==, "127.0.0.1");
  g_assert_cmpstr (d->res.reason, ==, "");
  g_assert_cmpstr (d->res.text, ==,
                   "IP 127.0.0.1.41562 > 127.0.0.1.7777: Flags [S], seq 123, win 65495, "
                   "options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");

  assert_field (d, "eth.type", 12, 2, 0x0800);
  assert_field (d, "ip.version", 14, 1, 4);
  assert_field (d, "ip.hdr_len", 14, 1, 20);
  assert_field (d, "ip.len", 16, 2, 60);
  assert_field (d, "ip.proto", 23, 1, 6);
  assert_field (d, "ip.src", 26, 4, 0);
  assert_field (d, "ip.dst", 30, 4, 0);
  assert_field (d, "ip.flags.df", 20, 1, 1);
  assert_field (d, "tcp.srcport", 34, 2, 41562);
  assert_field (d, "tcp.dstport", 36, 2, 7777);
  assert_field (d, "tcp.seq_raw", 38, 4, 123);
  assert_field (d, "tcp.hdr_len", 46, 1, 40);
  assert_field (d, "tcp.flags.syn", 46, 2, 1);
  assert_field (d, "tcp.flags.ack", 46, 2, 0);
  assert_field (d, "tcp.window_size_value", 48, 2, 65495);
  assert_field (d, "tcp.options", 54, 20, 0);
  assert_field (d, "tcp.options.mss_val", 56, 2, 65495);
  assert_field (d, "tcp.options.timestamp.tsval", 62, 4, 1);
  assert_field (d, "tcp.options.wscale.shift", 73, 1, 7);
  g_assert_cmpuint (find (d, "tcp.flags.syn")->mask, ==, 0x0002);
  g_assert_cmpuint (find (d, "tcp.flags")->mask, ==, 0x0fff);

  assert_shown (d, f.b, f.len, "eth.type", "IPv4 (0x0800)");
  assert_shown (d, f.b, f.len, "ip.proto", "TCP (6)");
  assert_shown (d, f.b, f.len, "ip.hdr_len", "20 bytes (5)");
  assert_shown (d, f.b, f.len, "ip.src", "127.0.0.1");
  assert_shown (d, f.b, f.len, "eth.src", "00:00:00:00:00:00");
  assert_shown (d, f.b, f.len, "tcp.flags", "0x002");
  assert_shown (d, f.b, f.len, "tcp.flags.syn", "Set");
  assert_shown (d, f.b, f.len, "tcp.flags.fin", "Not set");
  assert_shown (d, f.b, f.len, "tcp.option_kind", "Maximum segment size (2)");

  /* the tree: protocol nodes at the top, their fields below */
  g_assert_cmpint (find (d, "tcp")->depth, ==, 0);
  g_assert_cmpint (find (d, "tcp.srcport")->depth, ==, 1);
  g_assert_cmpstr (d->fields[find (d, "tcp.flags.syn")->parent].id, ==, "tcp.flags");
  g_assert_cmpstr (d->fields[find (d, "tcp.options.mss_val")->parent].id, ==, "tcp.options.mss");
}

static void
test_tcp_options (void)
{
  static const guint8 opts[] = {
    2, 4, 0x05, 0xb4,                   /* mss 1460 */
    1,                                  /* nop */
    4, 2,                               /* sackOK */
    5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,   /* sack 2 blocks */
    8, 10, 0, 0, 0, 5, 0, 0, 0, 6,      /* TS */
    254, 4, 0xab, 0xcd,                 /* unknown kind, skipped by its length */
    0,                                  /* eol */
  };
  Frame f = { 0 };
  g_autofree Decoded *d = NULL;

  G_STATIC_ASSERT (sizeof opts == 40);
  eth (&f, 0x0800);
  ipv4 (&f, 6, 20 + sizeof opts + 3, NULL, 0);
  tcp (&f, 1, 2, 1000, 2000, 0x18, 512, opts, sizeof opts);
  put (&f, "abc", 3);
  d = decode_frame (1, &f);

  g_assert_cmpuint (d->res.summary.status, ==, 0);
  g_assert_cmpuint (d->res.summary.payload_len, ==, 3);
  g_assert_cmpstr (d->res.text, ==,
                   "IP 127.0.0.1.1 > 127.0.0.1.2: Flags [P.], seq 1000:1003, ack 2000, win 512, "
                   "options [mss 1460,nop,sackOK,sack 2 {1:2}{3:4},TS val 5 ecr 6,unknown-254,eol], "
                   "length 3");
  assert_field (d, "tcp.options.mss_val", 56, 2, 1460);
  assert_field (d, "tcp.options.nop", 58, 1, 0);
  assert_field (d, "tcp.options.sack_perm", 59, 2, 0);
  assert_field (d, "tcp.options.sack", 61, 18, 0);
  assert_field (d, "tcp.options.sack_le", 63, 4, 1);
  assert_field (d, "tcp.options.sack_re", 67, 4, 2);
  g_assert_cmpuint (find_nth (d, "tcp.options.sack_le", 1)->value, ==, 3);
  g_assert_cmpuint (find_nth (d, "tcp.options.sack_re", 1)->value, ==, 4);
  assert_field (d, "tcp.options.timestamp.tsval", 81, 4, 5);
  assert_field (d, "tcp.options.timestamp.tsecr", 85, 4, 6);
  assert_field (d, "tcp.options.unknown", 89, 4, 0);
  assert_field (d, "tcp.options.data", 91, 2, 0);
  assert_field (d, "tcp.options.eol", 93, 1, 0);
  assert_field (d, "tcp.payload", 94, 3, 0);
  assert_shown (d, f.b, f.len, "tcp.options.data", "abcd");
}

static void
test_udp (void)
{
  Frame f;
  g_autofree Decoded *d = NULL;

  udp_frame (&f, 5);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_UDP);
  g_assert_cmpuint (d->res.summary.payload_len, ==, 5);
  g_assert_cmpuint (d->res.summary.l4_off, ==, 34);
  g_assert_cmpstr (d->res.text, ==, "IP 127.0.0.1.5000 > 127.0.0.1.7777: UDP, length 5");
  assert_field (d, "udp.srcport", 34, 2, 5000);
  assert_field (d, "udp.dstport", 36, 2, 7777);
  assert_field (d, "udp.length", 38, 2, 13);
  assert_field (d, "udp.payload", 42, 5, 0);
  assert_shown (d, f.b, f.len, "udp.payload", "68656c6c6f");
}

/* The fragments of one 3000-byte UDP datagram over an MTU of 1280, as the fragmentation
 * lesson's wire carries them: one IP identification; the first fragment holds the UDP header
 * (its length, 3008, is the whole datagram's) and 1248 bytes of data, the others 1256 and 496
 * bytes at offsets 1256 and 2512; MF on all but the last. tcpdump -n and tshark agree on the
 * same frames (tests/tshark, scenario frag). */
static JsonObject *json_of (JsonParser *parser, const Frame *f, guint origlen);

static void
ip4_fragment (Frame *f, guint frag, guint ip_payload)
{
  f->len = 0;
  eth (f, 0x0800);
  put8 (f, 0x45); put8 (f, 0); put16 (f, 20 + ip_payload); put16 (f, 0x0a1b); put16 (f, frag);
  put8 (f, 64); put8 (f, 17); put16 (f, 0); put (f, lo4, 4); put (f, lo4, 4);
}

static void
test_ipv4_fragments (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree Decoded *d = NULL;
  JsonObject *o, *fr;
  Frame f;

  ip4_fragment (&f, 0x2000, 1256);
  udp (&f, 39172, 7777, 3000);
  for (guint i = 0; i < 1248; i++)
    put8 (&f, 'x');
  d = decode_frame (1, &f);
  /* the UDP length runs past the fragment: the rest follows, nothing is malformed */
  g_assert_cmpstr (d->res.reason, ==, "");
  g_assert_cmpuint (d->res.summary.status, ==, 0);
  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_UDP);
  g_assert_cmpuint (d->res.summary.payload_len, ==, 3000);
  g_assert_cmpuint (d->res.summary.frag, ==, SS_FRAG_FIRST | SS_FRAG_MORE);
  g_assert_cmpuint (d->res.summary.frag_id, ==, 0x0a1b);
  g_assert_cmpuint (d->res.summary.frag_off, ==, 0);
  g_assert_cmpstr (d->res.text, ==, "IP 127.0.0.1.39172 > 127.0.0.1.7777: UDP, length 3000");
  assert_field (d, "ip.id", 18, 2, 0x0a1b);
  assert_field (d, "ip.flags.mf", 20, 1, 1);
  assert_field (d, "ip.flags.df", 20, 1, 0);
  assert_field (d, "ip.frag_offset", 20, 2, 0);
  assert_field (d, "udp.length", 38, 2, 3008);
  assert_field (d, "udp.payload", 42, 1248, 0);
  o = json_of (parser, &f, f.len);
  g_assert_false (json_object_get_boolean_member (o, "malformed"));
  g_assert_cmpint (json_object_get_int_member (o, "len"), ==, 3000);
  fr = json_object_get_object_member (o, "fragment");
  g_assert_cmpint (json_object_get_int_member (fr, "id"), ==, 0x0a1b);
  g_assert_cmpint (json_object_get_int_member (fr, "offset"), ==, 0);
  g_assert_true (json_object_get_boolean_member (fr, "more"));
  g_assert_cmpstr (json_object_get_string_member (fr, "note"), ==, "first fragment of datagram id 0x0a1b, more follow");

  /* the second: IP and data only, named by IP's protocol as tcpdump -n does */
  ip4_fragment (&f, 0x2000 | 1256 / 8, 1256);
  for (guint i = 0; i < 1256; i++)
    put8 (&f, 'x');
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.status, ==, 0);
  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_FRAGMENT);
  g_assert_cmpuint (d->res.summary.l3, ==, SS_PROTO_IPV4);
  g_assert_cmpuint (d->res.summary.l4_off, ==, SS_OFF_NONE);
  g_assert_cmpuint (d->res.summary.payload_len, ==, 1256);
  g_assert_cmpuint (d->res.summary.frag, ==, SS_FRAG_LATER | SS_FRAG_MORE);
  g_assert_cmpuint (d->res.summary.frag_off, ==, 1256);
  g_assert_cmpstr (d->res.text, ==, "IP 127.0.0.1 > 127.0.0.1: ip-proto-17");
  assert_field (d, "ip.frag_offset", 20, 2, 157);
  assert_shown (d, f.b, f.len, "ip.frag_offset", "1256 bytes (157)");
  assert_field (d, "data", 34, 1256, 0);
  g_assert_null (find_nth (d, "udp", 0));
  o = json_of (parser, &f, f.len);
  g_assert_cmpstr (json_object_get_string_member (o, "proto"), ==, "ip-fragment");
  g_assert_true (json_object_get_null_member (o, "sport"));
  fr = json_object_get_object_member (o, "fragment");
  g_assert_cmpint (json_object_get_int_member (fr, "offset"), ==, 1256);
  g_assert_cmpstr (json_object_get_string_member (fr, "note"), ==, "middle fragment of datagram id 0x0a1b, more follow");

  /* the last: MF clear */
  ip4_fragment (&f, 2512 / 8, 496);
  for (guint i = 0; i < 496; i++)
    put8 (&f, 'x');
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.frag, ==, SS_FRAG_LATER);
  g_assert_cmpuint (d->res.summary.frag_off, ==, 2512);
  g_assert_cmpuint (d->res.summary.payload_len, ==, 496);
  o = json_of (parser, &f, f.len);
  fr = json_object_get_object_member (o, "fragment");
  g_assert_false (json_object_get_boolean_member (fr, "more"));
  g_assert_cmpstr (json_object_get_string_member (fr, "note"), ==, "last fragment of datagram id 0x0a1b");

  /* a datagram that fits is no fragment (DF set, offset 0); a UDP length past a packet that is
   * not a first fragment is still malformed */
  udp_frame (&f, 5);
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.frag, ==, SS_FRAG_NONE);
  g_assert_true (json_object_get_null_member (json_of (parser, &f, f.len), "fragment"));
  set16 (&f, 38, 3008);
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.status, ==, SS_STATUS_MALFORMED);
}

static void
test_ipv4_options (void)
{
  static const guint8 ra[] = { 148, 4, 0, 0, 1, 7, 7, 0 };   /* router alert, nop, RR 7 bytes short of 8: EOL pads */
  Frame f = { 0 };
  g_autofree Decoded *d = NULL;

  eth (&f, 0x0800);
  ipv4 (&f, 17, 8, ra, sizeof ra);
  udp (&f, 1, 2, 0);
  d = decode_frame (1, &f);
  /* RR claims 7 bytes but only 3 remain in the options */
  g_assert_cmpuint (d->res.summary.status, ==, SS_STATUS_MALFORMED);
  g_assert_nonnull (strstr (d->res.reason, "IPv4 option 7 length 7 past end of options"));
  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_UDP);
  assert_field (d, "ip.hdr_len", 14, 1, 28);
  assert_field (d, "ip.opt.type", 34, 1, 148);
  assert_field (d, "ip.opt.len", 35, 1, 4);
  g_assert_cmpstr (find (d, "ip.option")->label, ==, "Router alert");
  assert_field (d, "udp.srcport", 42, 2, 1);

  /* well-formed: RA + NOP + EOL + pad */
  f.b[39] = 0;
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.status, ==, 0);
  g_assert_cmpstr (find_nth (d, "ip.option", 2)->label, ==, "End of options list");
}

static void
test_ipv6_ext (void)
{
  Frame f = { 0 };
  g_autofree Decoded *d = NULL;
  guint plen = 8 + 24 + 8 + 8 + 8 + 2;

  eth (&f, 0x86dd);
  ipv6 (&f, 0, plen);
  /* hop-by-hop: next routing, len 0 (8 bytes), router alert (2 bytes of data), PadN of 0 */
  put8 (&f, 43); put8 (&f, 0); put8 (&f, 5); put8 (&f, 2); put16 (&f, 0); put8 (&f, 1); put8 (&f, 0);
  /* routing: next fragment, len 2 (24 bytes), type 4, segleft 0, then 20 bytes */
  put8 (&f, 44); put8 (&f, 2); put8 (&f, 4); put8 (&f, 0);
  for (int i = 0; i < 20; i++)
    put8 (&f, i);
  /* fragment: next dstopts, offset 0, M=1, id 0x11223344 */
  put8 (&f, 60); put8 (&f, 0); put16 (&f, 0x0001); put32 (&f, 0x11223344);
  /* destination options: next UDP, len 0, Pad1 x6 */
  put8 (&f, 17); put8 (&f, 0);
  for (int i = 0; i < 6; i++)
    put8 (&f, 0);
  udp (&f, 5000, 7777, 2);
  put (&f, "hi", 2);
  g_assert_cmpuint (f.len, ==, 14 + 40 + plen);

  d = decode_frame (1, &f);
  g_assert_cmpstr (d->res.reason, ==, "");
  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_UDP);
  g_assert_cmpuint (d->res.summary.l3, ==, SS_PROTO_IPV6);
  g_assert_cmpuint (d->res.summary.l4_off, ==, 14 + 40 + 48);
  g_assert_cmpuint (d->res.summary.payload_len, ==, 2);
  /* a first fragment (offset 0, M=1), as tcpdump prints it: the ports after "frag (0|bytes)" */
  g_assert_cmpstr (d->res.text, ==, "IP6 ::1 > ::1: frag (0|18) 5000 > 7777: UDP, length 2");
  g_assert_cmpuint (d->res.summary.frag, ==, SS_FRAG_FIRST | SS_FRAG_MORE);
  g_assert_cmpuint (d->res.summary.frag_id, ==, 0x11223344);
  g_assert_cmpuint (d->res.summary.frag_off, ==, 0);
  assert_field (d, "ipv6.plen", 18, 2, plen);
  assert_field (d, "ipv6.nxt", 20, 1, 0);
  assert_field (d, "ipv6.src", 22, 16, 0);
  assert_field (d, "ipv6.hopopts", 54, 8, 0);
  assert_field (d, "ipv6.hopopts.nxt", 54, 1, 43);
  assert_field (d, "ipv6.hopopts.len", 55, 1, 0);
  assert_shown (d, f.b, f.len, "ipv6.hopopts.len", "0 (8 bytes)");
  g_assert_cmpstr (find (d, "ipv6.opt")->label, ==, "Router alert");
  assert_field (d, "ipv6.routing", 62, 24, 0);
  assert_field (d, "ipv6.routing.type", 64, 1, 4);
  assert_field (d, "ipv6.routing.segleft", 65, 1, 0);
  assert_field (d, "ipv6.routing.data", 66, 20, 0);
  assert_field (d, "ipv6.fraghdr.offset", 88, 2, 0);
  assert_field (d, "ipv6.fraghdr.more", 88, 2, 1);
  assert_field (d, "ipv6.fraghdr.ident", 90, 4, 0x11223344);
  assert_field (d, "ipv6.dstopts", 94, 8, 0);
  g_assert_cmpstr (find_nth (d, "ipv6.opt", 7)->label, ==, "Pad1");
  assert_field (d, "udp.dstport", 104, 2, 7777);
  assert_shown (d, f.b, f.len, "ipv6.src", "::1");

  /* a later fragment: no transport header to decode */
  set16 (&f, 88, 0x0008 << 3 | 1);
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_FRAGMENT);
  g_assert_cmpstr (ss_proto_name (d->res.summary.proto), ==, "ip-fragment");
  g_assert_cmpuint (d->res.summary.l3, ==, SS_PROTO_IPV6);
  g_assert_cmpuint (d->res.summary.status, ==, 0);
  g_assert_cmpuint (d->res.summary.frag, ==, SS_FRAG_LATER | SS_FRAG_MORE);
  g_assert_cmpuint (d->res.summary.frag_off, ==, 64);
  g_assert_cmpuint (d->res.summary.payload_len, ==, 18);
  assert_field (d, "ipv6.fraghdr.offset", 88, 2, 8);
  assert_shown (d, f.b, f.len, "ipv6.fraghdr.offset", "64 bytes (8)");
  g_assert_cmpstr (d->res.text, ==, "IP6 ::1 > ::1: frag (64|18)");
  g_assert_null (find_nth (d, "udp", 0));
}

static void
test_ipv6_tcp (void)
{
  Frame f = { 0 };
  g_autofree Decoded *d = NULL;

  eth (&f, 0x86dd);
  ipv6 (&f, 6, 20 + sizeof syn_opts);
  tcp (&f, 41562, 7777, 1, 0, 0x02, 65476, syn_opts, sizeof syn_opts);
  d = decode_frame (1, &f);
  g_assert_cmpstr (d->res.text, ==,
                   "IP6 ::1.41562 > ::1.7777: Flags [S], seq 1, win 65476, "
                   "options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
  assert_field (d, "tcp.dstport", 56, 2, 7777);
}

/* An ICMP error for a UDP datagram sent to a closed port, quoting IP + UDP headers. */
static void
test_icmp_unreachable (void)
{
  Frame f = { 0 };
  g_autofree Decoded *d = NULL;
  const SsField *q;

  eth (&f, 0x0800);
  ipv4 (&f, 1, 8 + 20 + 8 + 1, NULL, 0);
  put8 (&f, 3); put8 (&f, 3); put16 (&f, 0); put32 (&f, 0);
  ipv4 (&f, 17, 8 + 1, NULL, 0);
  udp (&f, 5000, 9999, 1);
  put8 (&f, 'x');
  d = decode_frame (1, &f);

  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_ICMP);
  g_assert_cmpuint (d->res.summary.icmp_type, ==, 3);
  g_assert_cmpuint (d->res.summary.icmp_code, ==, 3);
  g_assert_cmpuint (d->res.summary.sport, ==, 0);
  g_assert_cmpuint (d->res.summary.status, ==, 0);
  g_assert_cmpstr (d->res.text, ==, "IP 127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 udp port 9999 unreachable, length 37");
  assert_shown (d, f.b, f.len, "icmp.type", "Destination unreachable (3)");
  assert_shown (d, f.b, f.len, "icmp.code", "Port unreachable (3)");
  /* the quoted headers hang below the icmp node */
  q = find_nth (d, "udp.dstport", 0);
  g_assert_nonnull (q);
  g_assert_cmpuint (q->offset, ==, 14 + 20 + 8 + 20 + 2);
  g_assert_cmpuint (q->value, ==, 9999);
  g_assert_cmpuint (q->depth, ==, 2);
  g_assert_cmpstr (d->fields[d->fields[q->parent].parent].id, ==, "icmp");
  g_assert_cmpuint (find_nth (d, "ip.proto", 1)->value, ==, 17);

  /* usually only part of the offending datagram is quoted: that is not a truncated frame */
  f.b[14 + 28 + 3] = 200;   /* the quoted IP claims a total length of 200 */
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.status, ==, 0);
  g_assert_cmpstr (d->res.text, ==, "IP 127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 udp port 9999 unreachable, length 37");
}

static void
test_icmp_echo (void)
{
  Frame f = { 0 };
  g_autofree Decoded *d = NULL;

  eth (&f, 0x0800);
  ipv4 (&f, 1, 12, NULL, 0);
  put8 (&f, 8); put8 (&f, 0); put16 (&f, 0); put16 (&f, 77); put16 (&f, 3); put32 (&f, 0);
  d = decode_frame (1, &f);
  g_assert_cmpstr (d->res.text, ==, "IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 77, seq 3, length 12");
  assert_field (d, "icmp.ident", 38, 2, 77);
  assert_field (d, "icmp.seq", 40, 2, 3);
}

static void
test_icmpv6_unreachable (void)
{
  Frame f = { 0 };
  g_autofree Decoded *d = NULL;
  const SsField *q;

  eth (&f, 0x86dd);
  ipv6 (&f, 58, 8 + 40 + 8 + 1);
  put8 (&f, 1); put8 (&f, 4); put16 (&f, 0); put32 (&f, 0);
  ipv6 (&f, 17, 9);
  udp (&f, 5000, 9999, 1);
  put8 (&f, 'x');
  d = decode_frame (1, &f);

  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_ICMPV6);
  g_assert_cmpuint (d->res.summary.status, ==, 0);
  g_assert_cmpstr (d->res.text, ==,
                   "IP6 ::1 > ::1: ICMP6, destination unreachable, unreachable port, ::1 udp port 9999, length 57");
  assert_shown (d, f.b, f.len, "icmpv6.code", "Port unreachable (4)");
  q = find (d, "udp.dstport");
  g_assert_cmpuint (q->offset, ==, 14 + 40 + 8 + 40 + 2);
  g_assert_cmpuint (q->value, ==, 9999);
  g_assert_cmpstr (d->fields[d->fields[q->parent].parent].id, ==, "icmpv6");

  /* echo request */
  memset (&f, 0, sizeof f);
  eth (&f, 0x86dd);
  ipv6 (&f, 58, 8);
  put8 (&f, 128); put8 (&f, 0); put16 (&f, 0); put16 (&f, 9); put16 (&f, 1);
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpstr (d->res.text, ==, "IP6 ::1 > ::1: ICMP6, echo request, id 9, seq 1, length 8");
  assert_field (d, "icmpv6.echo.identifier", 58, 2, 9);
}

static void
arp_frame (Frame *f, guint op)
{
  static const guint8 mac[6] = { 2, 0, 0, 0, 0, 1 };
  static const guint8 ip1[4] = { 10, 0, 0, 1 }, ip2[4] = { 10, 0, 0, 2 };
  static const guint8 zero[6];

  memset (f, 0, sizeof *f);
  eth (f, 0x0806);
  put16 (f, 1); put16 (f, 0x0800); put8 (f, 6); put8 (f, 4); put16 (f, op);
  put (f, mac, 6); put (f, op == 1 ? ip1 : ip2, 4);
  put (f, zero, 6); put (f, op == 1 ? ip2 : ip1, 4);
  put (f, zero, 6);   /* padding to a minimal frame */
}

static void
test_arp (void)
{
  Frame f;
  g_autofree Decoded *d = NULL;
  char a[46], b[46];

  arp_frame (&f, 1);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_ARP);
  g_assert_cmpuint (d->res.summary.l3, ==, SS_PROTO_ARP);
  g_assert_cmpstr (ss_packet_src (&d->res.summary, f.b, a), ==, "10.0.0.1");
  g_assert_cmpstr (ss_packet_dst (&d->res.summary, f.b, b), ==, "10.0.0.2");
  g_assert_cmpstr (d->res.text, ==, "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 34");
  assert_field (d, "arp.opcode", 20, 2, 1);
  assert_field (d, "arp.src.hw_mac", 22, 6, 0);
  assert_field (d, "arp.src.proto_ipv4", 28, 4, 0);
  assert_field (d, "arp.dst.proto_ipv4", 38, 4, 0);
  assert_shown (d, f.b, f.len, "arp.src.hw_mac", "02:00:00:00:00:01");
  assert_shown (d, f.b, f.len, "arp.opcode", "request (1)");

  arp_frame (&f, 2);
  g_clear_pointer (&d, g_free);
  d = decode_frame (1, &f);
  g_assert_cmpstr (d->res.text, ==, "ARP, Reply 10.0.0.2 is-at 02:00:00:00:00:01, length 34");
}

/* The same IP packet behind every link-layer header we support. */
static void
test_link_types (void)
{
  Frame ip4, ip6, f;
  static const struct { guint32 linktype; guint hdr; gboolean v6; } cases[] = {
    { 1, 14, FALSE }, { 113, 16, FALSE }, { 276, 20, FALSE }, { 12, 0, FALSE }, { 101, 0, FALSE },
    { 228, 0, FALSE }, { 229, 0, TRUE }, { 101, 0, TRUE }, { 0, 4, FALSE }, { 108, 4, FALSE },
    { 0, 4, TRUE }, { 113, 16, TRUE },
  };

  memset (&ip4, 0, sizeof ip4);
  ipv4 (&ip4, 17, 8 + 3, NULL, 0);
  udp (&ip4, 5000, 7777, 3);
  put (&ip4, "abc", 3);
  memset (&ip6, 0, sizeof ip6);
  ipv6 (&ip6, 17, 8 + 3);
  udp (&ip6, 5000, 7777, 3);
  put (&ip6, "abc", 3);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Frame *ip = cases[i].v6 ? &ip6 : &ip4;
      guint type = cases[i].v6 ? 0x86dd : 0x0800;
      g_autofree Decoded *d = NULL;

      memset (&f, 0, sizeof f);
      switch (cases[i].linktype)
        {
        case 1: eth (&f, type); break;
        case 113: put16 (&f, 0); put16 (&f, 772); put16 (&f, 6); put32 (&f, 0); put32 (&f, 0); put16 (&f, type); break;
        case 276: put16 (&f, type); put16 (&f, 0); put32 (&f, 1); put16 (&f, 772); put8 (&f, 4); put8 (&f, 6); put32 (&f, 0); put32 (&f, 0); break;
        case 0: put32 (&f, GUINT32_TO_LE (1)); f.len = 0; put8 (&f, cases[i].v6 ? 10 : 2); put8 (&f, 0); put16 (&f, 0); break;
        case 108: put32 (&f, cases[i].v6 ? 24 : 2); break;
        default: break;
        }
      put (&f, ip->b, ip->len);
      d = decode_frame (cases[i].linktype, &f);
      g_assert_cmpuint (d->res.summary.status, ==, 0);
      g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_UDP);
      g_assert_cmpuint (d->res.summary.l3, ==, cases[i].v6 ? SS_PROTO_IPV6 : SS_PROTO_IPV4);
      g_assert_cmpuint (d->res.summary.l3_off, ==, cases[i].hdr);
      g_assert_cmpuint (d->res.summary.dport, ==, 7777);
      g_assert_cmpuint (d->res.summary.payload_len, ==, 3);
      g_assert_cmpuint (d->res.summary.linktype, ==, cases[i].linktype);
      if (cases[i].linktype == 113 || cases[i].linktype == 276)
        assert_field (d, "sll.etype", cases[i].linktype == 113 ? 14 : 0, 2, type);
      if (cases[i].linktype == 0 || cases[i].linktype == 108)
        g_assert_cmpuint (find (d, "null.family")->value, ==, cases[i].v6 ? (cases[i].linktype == 0 ? 10 : 24) : 2);
    }
}

static void
test_unknown (void)
{
  Frame f = { 0 };
  g_autofree Decoded *d = NULL;
  g_autofree Decoded *d2 = NULL;

  eth (&f, 0x88cc);
  put32 (&f, 0xdeadbeef);
  d = decode_frame (1, &f);
  g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_ETH);
  g_assert_cmpuint (d->res.summary.l3, ==, 0);
  g_assert_cmpuint (d->res.summary.l3_off, ==, SS_OFF_NONE);
  g_assert_cmpstr (d->res.text, ==, "ethertype LLDP (0x88cc), length 18");
  assert_field (d, "data", 14, 4, 0);

  d2 = decode_frame (147, &f);
  g_assert_cmpuint (d2->res.summary.proto, ==, SS_PROTO_UNKNOWN);
  g_assert_cmpstr (d2->res.text, ==, "link type 147, length 18");
}

/* Cut a full frame at every length: never a read past caplen, truncated whenever bytes are
 * missing, and the reason names the cut header until every header is whole. */
static void
check_every_length (guint32 linktype, const Frame *full, guint tcp_start, guint headers_end)
{
  for (guint caplen = 0; caplen <= full->len; caplen++)
    {
      /* a copy of exactly caplen bytes, so that ASan/valgrind catch any read past it */
      g_autofree guint8 *copy = g_memdup2 (full->b, MAX (caplen, 1));
      g_autofree Decoded *d = decode (linktype, copy, caplen, full->len);
      gboolean cut = caplen < full->len;

      g_assert_cmpint (!!(d->res.summary.status & SS_STATUS_TRUNCATED), ==, cut);
      g_assert_cmpint (d->res.summary.status & SS_STATUS_MALFORMED, ==, 0);
      g_assert_cmpint (d->res.reason[0] != '\0', ==, cut);
      if (cut)
        g_assert_cmpint (strstr (d->res.reason, "snapshot length") != NULL, ==, caplen >= headers_end);
      g_assert_cmpuint (strlen (d->res.text), >, 0);
      /* TCP counts once IP announced it, with as much of its header as was captured */
      if (caplen >= tcp_start)
        {
          g_assert_cmpuint (d->res.summary.proto, ==, SS_PROTO_TCP);
          g_assert_cmpuint (d->res.summary.l4_off, ==, caplen > tcp_start ? tcp_start : SS_OFF_NONE);
          g_assert_cmpuint (d->res.summary.l4_caplen, ==, MIN (caplen - tcp_start, 20));
        }
      else
        g_assert_cmpuint (d->res.summary.proto, !=, SS_PROTO_TCP);
    }
}

static void
test_truncated_every_length (void)
{
  Frame f;

  syn_frame (&f);
  put (&f, "", 0);
  check_every_length (1, &f, 14 + 20, f.len);

  /* IPv6 + hop-by-hop + TCP with options and 4 bytes of payload (not a header: not needed) */
  memset (&f, 0, sizeof f);
  eth (&f, 0x86dd);
  ipv6 (&f, 0, 8 + 20 + sizeof syn_opts + 4);
  put8 (&f, 6); put8 (&f, 0); put8 (&f, 1); put8 (&f, 4); put32 (&f, 0);
  tcp (&f, 1, 2, 3, 4, 0x18, 5, syn_opts, sizeof syn_opts);
  put32 (&f, 0x41424344);
  check_every_length (1, &f, 14 + 40 + 8, f.len - 4);
}

/* One transport header cut at every length inside its fixed part, as `tcpdump -s N` cuts it:
 * the summary, the JSON and the field tree have every field whose bytes are there, and only
 * those, and the cut is flagged in all three. */
typedef struct { const char *id; guint off, len; const char *json; } CutField;

static void
check_cut (const Frame *full, guint l4, guint proto, guint fixed, const char *node_id,
           const CutField *cf, gsize n_cf)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  for (guint have = 0; have < fixed; have++)
    {
      guint caplen = l4 + have;
      g_autofree guint8 *copy = g_memdup2 (full->b, caplen);
      g_autofree Decoded *d = decode (1, copy, caplen, full->len);
      const SsPacketSummary *sum = &d->res.summary;
      const SsField *node = find (d, node_id);
      JsonObject *o;
      SsStr js;
      GError *error = NULL;

      g_test_message ("%s cut %u bytes into its header", node_id, have);
      g_assert_cmpuint (sum->proto, ==, proto);
      g_assert_cmpuint (sum->l4_off, ==, have > 0 ? l4 : SS_OFF_NONE);
      g_assert_cmpuint (sum->l4_caplen, ==, have);
      g_assert_true (sum->status & SS_STATUS_TRUNCATED);
      g_assert_false (sum->status & SS_STATUS_MALFORMED);
      g_assert_nonnull (strstr (d->res.reason, "bytes captured"));
      g_assert_true (node->truncated);
      g_assert_nonnull (strstr (node->label, "(truncated)"));
      g_assert_cmpuint (node->offset, ==, l4);
      g_assert_cmpuint (node->length, ==, have);

      ss_str_init (&js);
      ss_json_packet (&js, 1, copy, caplen, full->len);
      json_parser_load_from_data (parser, js.data, (gssize) js.len, &error);
      g_assert_no_error (error);
      ss_str_clear (&js);
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (o, "proto"), ==, ss_proto_name (proto));
      g_assert_true (json_object_get_boolean_member (o, "truncated"));

      for (gsize i = 0; i < n_cf; i++)
        {
          gboolean there = have >= cf[i].off + cf[i].len;
          const SsField *f = find_nth (d, cf[i].id, 0);

          /* the tree: the field exactly when its bytes are captured, with their value */
          g_assert_cmpint (f != NULL, ==, there);
          if (f != NULL)
            g_assert_cmpuint (f->offset, ==, l4 + cf[i].off);
          /* the JSON summary member, null until its bytes are captured */
          if (cf[i].json != NULL)
            g_assert_cmpint (!json_object_get_null_member (o, cf[i].json), ==, there);
        }
      if (proto == SS_PROTO_TCP || proto == SS_PROTO_UDP)
        {
          g_assert_cmpuint (sum->sport, ==, have >= 4 ? 41562 : 0);
          g_assert_cmpuint (sum->dport, ==, have >= 4 ? 7777 : 0);
          if (have >= 4)
            g_assert_nonnull (strstr (d->res.text, ".41562 > "));
        }
      if (proto == SS_PROTO_TCP)
        {
          g_assert_cmpuint (sum->seq, ==, have >= 8 ? 123 : 0);
          g_assert_cmpuint (sum->ack, ==, have >= 12 ? 456 : 0);
          g_assert_cmpuint (sum->tcp_flags, ==, have >= 14 ? 0x18 : 0);
          g_assert_cmpuint (sum->win, ==, have >= 16 ? 512 : 0);
          if (have >= 14)
            g_assert_cmpstr (json_object_get_string_member (o, "flags"), ==, "P.");
          if (have >= 13)
            g_assert_cmpint (json_object_get_int_member (o, "len"), ==, 5);
        }
      if (proto == SS_PROTO_UDP && have >= 6)
        g_assert_cmpint (json_object_get_int_member (o, "len"), ==, 5);
      if (proto == SS_PROTO_ICMP || proto == SS_PROTO_ICMPV6)
        {
          g_assert_cmpuint (sum->icmp_type, ==, have >= 1 ? full->b[l4] : 0);
          g_assert_cmpuint (sum->icmp_code, ==, have >= 2 ? full->b[l4 + 1] : 0);
        }
      g_assert_nonnull (strstr (d->res.text, "[|"));
    }
}

static void
test_cut_transport (void)
{
  static const CutField tcp_fields[] = {
    { "tcp.srcport", 0, 2, NULL }, { "tcp.dstport", 2, 2, "dport" },
    { "tcp.seq_raw", 4, 4, "seq" }, { "tcp.ack_raw", 8, 4, "ack" },
    { "tcp.hdr_len", 12, 1, "len" }, { "tcp.flags", 12, 2, "flags" },
    { "tcp.window_size_value", 14, 2, "win" }, { "tcp.checksum", 16, 2, NULL },
    { "tcp.urgent_pointer", 18, 2, NULL },
  };
  static const CutField udp_fields[] = {
    { "udp.srcport", 0, 2, NULL }, { "udp.dstport", 2, 2, "dport" },
    { "udp.length", 4, 2, "len" }, { "udp.checksum", 6, 2, NULL },
  };
  static const CutField icmp_fields[] = {
    { "icmp.type", 0, 1, NULL }, { "icmp.code", 1, 1, NULL }, { "icmp.checksum", 2, 2, NULL },
  };
  static const CutField icmpv6_fields[] = {
    { "icmpv6.type", 0, 1, NULL }, { "icmpv6.code", 1, 1, NULL }, { "icmpv6.checksum", 2, 2, NULL },
  };
  Frame f;

  for (guint v6 = 0; v6 <= 1; v6++)
    {
      guint l4 = 14 + (v6 ? 40 : 20);

      memset (&f, 0, sizeof f);
      eth (&f, v6 ? 0x86dd : 0x0800);
      if (v6)
        ipv6 (&f, 6, 20 + 5);
      else
        ipv4 (&f, 6, 20 + 5, NULL, 0);
      tcp (&f, 41562, 7777, 123, 456, 0x18, 512, NULL, 0);
      put (&f, "hello", 5);
      check_cut (&f, l4, SS_PROTO_TCP, 20, "tcp", tcp_fields, G_N_ELEMENTS (tcp_fields));

      memset (&f, 0, sizeof f);
      eth (&f, v6 ? 0x86dd : 0x0800);
      if (v6)
        ipv6 (&f, 17, 8 + 5);
      else
        ipv4 (&f, 17, 8 + 5, NULL, 0);
      udp (&f, 41562, 7777, 5);
      put (&f, "hello", 5);
      check_cut (&f, l4, SS_PROTO_UDP, 8, "udp", udp_fields, G_N_ELEMENTS (udp_fields));
    }

  /* ICMP port unreachable quoting a datagram, and its ICMPv6 twin */
  memset (&f, 0, sizeof f);
  eth (&f, 0x0800);
  ipv4 (&f, 1, 8 + 28, NULL, 0);
  put8 (&f, 3); put8 (&f, 3); put16 (&f, 0); put32 (&f, 0);
  ipv4 (&f, 17, 8, NULL, 0);
  udp (&f, 41562, 7777, 0);
  check_cut (&f, 14 + 20, SS_PROTO_ICMP, 8, "icmp", icmp_fields, G_N_ELEMENTS (icmp_fields));

  memset (&f, 0, sizeof f);
  eth (&f, 0x86dd);
  ipv6 (&f, 58, 8 + 48);
  put8 (&f, 1); put8 (&f, 4); put16 (&f, 0); put32 (&f, 0);
  ipv6 (&f, 17, 8);
  udp (&f, 41562, 7777, 0);
  check_cut (&f, 14 + 40, SS_PROTO_ICMPV6, 8, "icmpv6", icmpv6_fields, G_N_ELEMENTS (icmpv6_fields));
}

static Decoded *
decode_malformed (const Frame *f, const char *reason)
{
  Decoded *d = decode_frame (1, f);

  g_assert_true (d->res.summary.status & SS_STATUS_MALFORMED);
  if (strstr (d->res.reason, reason) == NULL)
    g_error ("reason '%s' does not contain '%s'", d->res.reason, reason);
  return d;
}

static void
test_malformed (void)
{
  Frame f;
  g_autofree Decoded *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL, *d5 = NULL;
  g_autofree Decoded *d6 = NULL, *d7 = NULL, *d8 = NULL, *d9 = NULL, *d10 = NULL;
  Decoded *d;

  syn_frame (&f);
  f.b[14] = 0x43;
  d1 = decode_malformed (&f, "IPv4 header length 12 < 20");
  g_assert_cmpuint (d1->res.summary.proto, ==, SS_PROTO_IPV4);   /* addresses are still there */

  syn_frame (&f);
  set16 (&f, 16, 10);
  d2 = decode_malformed (&f, "IPv4 total length 10 < header length 20");

  syn_frame (&f);
  set16 (&f, 16, 100);
  d3 = decode_malformed (&f, "IPv4 total length 100 past end of frame (60 bytes left)");
  g_assert_cmpuint (d3->res.summary.proto, ==, SS_PROTO_TCP);

  syn_frame (&f);
  f.b[46] = 0x40;
  d4 = decode_malformed (&f, "TCP data offset 16 bytes < 20");
  g_assert_cmpuint (d4->res.summary.dport, ==, 7777);

  syn_frame (&f);
  f.b[46] = 0xf0;   /* 60 bytes of header in a 40-byte segment */
  d5 = decode_malformed (&f, "TCP data offset past end of segment");

  syn_frame (&f);
  f.b[14 + 20 + 20 + 1] = 40;   /* the MSS option claims 40 bytes */
  d6 = decode_malformed (&f, "TCP option 2 length 40 past end of options");

  syn_frame (&f);
  f.b[14 + 20 + 20 + 1] = 1;
  d7 = decode_malformed (&f, "TCP option 2 length 1 < 2");

  memset (&f, 0, sizeof f);
  eth (&f, 0x86dd);
  ipv6 (&f, 17, 500);
  udp (&f, 1, 2, 0);
  d8 = decode_malformed (&f, "IPv6 payload length 500 past end of frame (8 bytes left)");
  g_assert_cmpuint (d8->res.summary.proto, ==, SS_PROTO_UDP);

  udp_frame (&f, 5);
  set16 (&f, 38, 4);
  d9 = decode_malformed (&f, "UDP length 4 < 8");

  memset (&f, 0, sizeof f);
  eth (&f, 0x86dd);
  ipv6 (&f, 0, 8);
  put8 (&f, 17); put8 (&f, 1); put16 (&f, 0); put32 (&f, 0);   /* hop-by-hop claims 16 bytes */
  d10 = decode_malformed (&f, "IPv6 Hop-by-hop options length 16 past end of payload");

  /* zero-length frame */
  d = decode (1, (const guint8 *) "", 0, 0);
  g_assert_cmpuint (d->res.summary.status, ==, SS_STATUS_MALFORMED);
  g_assert_cmpstr (d->res.reason, ==, "empty frame");
  g_assert_cmpuint (d->res.n_fields, ==, 0);
  g_free (d);

  /* nothing captured of a frame that had bytes */
  d = decode (1, NULL, 0, 60);
  g_assert_cmpuint (d->res.summary.status, ==, SS_STATUS_TRUNCATED);
  g_free (d);
}

static void
test_few_fields (void)
{
  Frame f;
  SsField fields[5];
  SsDecodeResult res;

  syn_frame (&f);
  ss_packet_decode (1, f.b, f.len, f.len, fields, G_N_ELEMENTS (fields), &res);
  g_assert_cmpuint (res.n_fields, ==, 5);
  g_assert_cmpuint (res.n_dropped, >, 30);
  g_assert_cmpstr (fields[4].id, ==, "ip");
  g_assert_cmpuint (res.summary.proto, ==, SS_PROTO_TCP);

  ss_packet_decode (1, f.b, f.len, f.len, NULL, 0, &res);
  g_assert_cmpuint (res.n_fields, ==, 0);
  g_assert_cmpstr (res.text, ==,
                   "IP 127.0.0.1.41562 > 127.0.0.1.7777: Flags [S], seq 123, win 65495, "
                   "options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
}

static void
test_flags_string (void)
{
  static const struct { guint8 flags; const char *s; } cases[] = {
    { 0x02, "S" }, { 0x12, "S." }, { 0x10, "." }, { 0x18, "P." }, { 0x11, "F." },
    { 0x19, "FP." }, { 0x04, "R" }, { 0x14, "R." }, { 0x00, "none" }, { 0xc2, "SEW" },
  };
  char buf[16];

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (ss_tcp_flags_string (cases[i].flags, buf), ==, cases[i].s);
}

static JsonObject *
json_of (JsonParser *parser, const Frame *f, guint origlen)
{
  SsStr s;
  GError *error = NULL;

  ss_str_init (&s);
  ss_json_packet (&s, 1, f->b, f->len, origlen);
  json_parser_load_from_data (parser, s.data, (gssize) s.len, &error);
  g_assert_no_error (error);
  ss_str_clear (&s);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_json (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o, *ip, *src;
  JsonArray *fields;
  Frame f;

  syn_frame (&f);
  o = json_of (parser, &f, f.len);
  g_assert_cmpstr (json_object_get_string_member (o, "proto"), ==, "tcp");
  g_assert_cmpstr (json_object_get_string_member (o, "src"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (o, "sport"), ==, 41562);
  g_assert_cmpint (json_object_get_int_member (o, "dport"), ==, 7777);
  g_assert_cmpstr (json_object_get_string_member (o, "flags"), ==, "S");
  g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, 123);
  g_assert_cmpint (json_object_get_int_member (o, "win"), ==, 65495);
  g_assert_cmpint (json_object_get_int_member (o, "len"), ==, 0);
  g_assert_false (json_object_get_boolean_member (o, "truncated"));
  g_assert_true (json_object_get_null_member (o, "reason"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "summary"), "IP 127.0.0.1.41562 > "));
  fields = json_object_get_array_member (o, "fields");
  g_assert_cmpuint (json_array_get_length (fields), ==, 3);
  ip = json_array_get_object_element (fields, 1);
  g_assert_cmpstr (json_object_get_string_member (ip, "id"), ==, "ip");
  src = json_array_get_object_element (json_object_get_array_member (ip, "children"), 10);
  g_assert_cmpstr (json_object_get_string_member (src, "id"), ==, "ip.src");
  g_assert_cmpstr (json_object_get_string_member (src, "label"), ==, "Source address");
  g_assert_cmpstr (json_object_get_string_member (src, "value"), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (src, "offset"), ==, 26);
  g_assert_cmpint (json_object_get_int_member (src, "length"), ==, 4);

  /* UDP cut in its header: the ports and length it has, no TCP members; it says why */
  udp_frame (&f, 5);
  f.len = 40;
  o = json_of (parser, &f, 47);
  g_assert_cmpstr (json_object_get_string_member (o, "proto"), ==, "udp");
  g_assert_cmpint (json_object_get_int_member (o, "sport"), ==, 5000);
  g_assert_cmpint (json_object_get_int_member (o, "dport"), ==, 7777);
  g_assert_cmpint (json_object_get_int_member (o, "len"), ==, 5);
  g_assert_true (json_object_get_null_member (o, "flags"));
  g_assert_true (json_object_get_boolean_member (o, "truncated"));
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "UDP header: 6 of 8 bytes captured");
}

static void
test_json_string (void)
{
  SsStr s;

  ss_str_init (&s);
  ss_str_append_json_string (&s, "a\"b\\c\n\x01\xff" "\xc3\xa9" "\xe2\x82" "z", 13);
  g_assert_cmpstr (s.data, ==, "\"a\\\"b\\\\c\\n\\u0001\\u00ffé\\u00e2\\u0082z\"");
  ss_str_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/decoder/tcp-syn", test_tcp_syn);
  g_test_add_func ("/decoder/tcp-options", test_tcp_options);
  g_test_add_func ("/decoder/udp", test_udp);
  g_test_add_func ("/decoder/ipv4-options", test_ipv4_options);
  g_test_add_func ("/decoder/ipv4-fragments", test_ipv4_fragments);
  g_test_add_func ("/decoder/ipv6-extension-headers", test_ipv6_ext);
  g_test_add_func ("/decoder/ipv6-tcp", test_ipv6_tcp);
  g_test_add_func ("/decoder/cut-transport", test_cut_transport);
  g_test_add_func ("/decoder/icmp-unreachable", test_icmp_unreachable);
  g_test_add_func ("/decoder/icmp-echo", test_icmp_echo);
  g_test_add_func ("/decoder/icmpv6", test_icmpv6_unreachable);
  g_test_add_func ("/decoder/arp", test_arp);
  g_test_add_func ("/decoder/link-types", test_link_types);
  g_test_add_func ("/decoder/unknown", test_unknown);
  g_test_add_func ("/decoder/truncated-every-length", test_truncated_every_length);
  g_test_add_func ("/decoder/malformed", test_malformed);
  g_test_add_func ("/decoder/few-fields", test_few_fields);
  g_test_add_func ("/decoder/tcp-flags-string", test_flags_string);
  g_test_add_func ("/decoder/json", test_json);
  g_test_add_func ("/decoder/json-string", test_json_string);
  return g_test_run ();
}
