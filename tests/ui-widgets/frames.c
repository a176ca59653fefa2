/* frames.c: frames built field by field, lengths patched once the payload is known. */
#include "frames.h"

static void
put8 (GByteArray *b,
      guint       v)
{
  guint8 byte = v;

  g_byte_array_append (b, &byte, 1);
}

static void
put16 (GByteArray *b,
       guint       v)
{
  put8 (b, v >> 8);
  put8 (b, v);
}

static void
set16 (GByteArray *b,
       guint       at,
       guint       v)
{
  b->data[at] = v >> 8;
  b->data[at + 1] = v;
}

/* Appends bytes written in hex; spaces are ignored. */
static void
put_hex (GByteArray *b,
         const char *hex)
{
  for (const char *p = hex; *p != '\0'; p++)
    {
      if (*p == ' ')
        continue;
      g_assert_true (g_ascii_isxdigit (p[0]) && g_ascii_isxdigit (p[1]));
      put8 (b, g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
      p++;
    }
}

static void
eth (GByteArray *b,
     guint       type)
{
  put_hex (b, "02 00 00 00 00 02  02 00 00 00 00 01");
  put16 (b, type);
}

static guint
ipv4_begin (GByteArray *b,
            guint       proto,
            const char *options)
{
  guint start = b->len;

  put8 (b, 0x45);
  put_hex (b, "00 0000 1c46 4000 40");
  put8 (b, proto);
  put_hex (b, "0000 0a000001 0a000002");
  if (options != NULL)
    {
      put_hex (b, options);
      b->data[start] = 0x40 | (b->len - start) / 4;
    }
  return start;
}

static void
ipv4_end (GByteArray *b,
          guint       start)
{
  set16 (b, start + 2, b->len - start);
}

static guint
ipv6_begin (GByteArray *b,
            guint       nxt)
{
  guint start = b->len;

  put_hex (b, "60000000 0000");
  put8 (b, nxt);
  put8 (b, 64);
  put_hex (b, "fd000000000000000000000000000001 fd000000000000000000000000000002");
  return start;
}

static void
ipv6_end (GByteArray *b,
          guint       start)
{
  set16 (b, start + 4, b->len - start - 40);
}

static void
tcp (GByteArray *b,
     guint       flags,
     const char *options,
     const char *payload)
{
  guint start = b->len;

  put_hex (b, "9c40 1388 00000020 00000000 50");
  put8 (b, flags);
  put_hex (b, "ffd7 0000 0000");
  if (options != NULL)
    {
      put_hex (b, options);
      b->data[start + 12] = ((b->len - start) / 4) << 4;
    }
  if (payload != NULL)
    put_hex (b, payload);
}

static void
udp (GByteArray *b,
     const char *payload)
{
  guint start = b->len;

  put_hex (b, "b26e 0035 0000 0000");
  put_hex (b, payload);
  set16 (b, start + 4, b->len - start);
}

/* The options of a Linux SYN on loopback: MSS, SACK permitted, timestamps, NOP, wscale. */
static GByteArray *
tcp_syn (void)
{
  GByteArray *b = g_byte_array_new ();
  guint ip;

  eth (b, 0x0800);
  ip = ipv4_begin (b, 6, NULL);
  tcp (b, 0x02, "020405b4 0402 080a 0001e240 00000000 01 030307", NULL);
  ipv4_end (b, ip);
  return b;
}

GBytes *
test_frame_tcp_syn (void)
{
  return g_byte_array_free_to_bytes (tcp_syn ());
}

GBytes *
test_frame_truncated (void)
{
  GByteArray *b = tcp_syn ();

  g_byte_array_set_size (b, 50);
  return g_byte_array_free_to_bytes (b);
}

static void
add_frame (GArray     *frames,
           guint       linktype,
           GByteArray *b)
{
  TestFrame f = { linktype, g_byte_array_free_to_bytes (b) };

  g_array_append_val (frames, f);
}

TestFrame *
test_frames_all (guint *n_frames)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (TestFrame));
  GByteArray *b;
  guint ip, ip2;

  add_frame (frames, LINKTYPE_ETHERNET, tcp_syn ());

  /* IPv4 options (record route, NOP, end) and every TCP option, with data. */
  b = g_byte_array_new ();
  eth (b, 0x0800);
  ip = ipv4_begin (b, 6, "07 07 04 00000000 01 00 000000");
  tcp (b, 0x18,
       "020405b4 0402 080a0001e24000000001 01 030307 050a0000000100000002 1e04abcd 01 00 00000000",
       "68656c6c6f");
  ipv4_end (b, ip);
  add_frame (frames, LINKTYPE_ETHERNET, b);

  /* 802.1Q tag, UDP. */
  b = g_byte_array_new ();
  eth (b, 0x8100);
  put_hex (b, "2005 0800");
  ip = ipv4_begin (b, 17, NULL);
  udp (b, "abcd");
  ipv4_end (b, ip);
  add_frame (frames, LINKTYPE_ETHERNET, b);

  /* BSD loopback header, ICMP echo request. */
  b = g_byte_array_new ();
  put_hex (b, "02000000");
  ip = ipv4_begin (b, 1, NULL);
  put_hex (b, "0800 0000 1234 0001 6162");
  ipv4_end (b, ip);
  add_frame (frames, LINKTYPE_NULL, b);

  /* Linux cooked v1, ARP request for an IPv4 address over Ethernet. */
  b = g_byte_array_new ();
  put_hex (b, "0000 0001 0006 020000000001 0000 0806");
  put_hex (b, "0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002");
  add_frame (frames, LINKTYPE_LINUX_SLL, b);

  /* Linux cooked v2, ARP with unusual address sizes (8-byte hardware, 16-byte protocol). */
  b = g_byte_array_new ();
  put_hex (b, "0806 0000 00000001 0001 00 06 020000000001 0000");
  put_hex (b, "0001 86dd 08 10 0001 0200000000000001 fd000000000000000000000000000001"
              "0000000000000000 fd000000000000000000000000000002");
  add_frame (frames, LINKTYPE_SLL2, b);

  /* ICMP port unreachable quoting IPv4 + UDP. */
  b = g_byte_array_new ();
  eth (b, 0x0800);
  ip = ipv4_begin (b, 1, NULL);
  put_hex (b, "0303 0000 00000000");
  ip2 = ipv4_begin (b, 17, NULL);
  udp (b, "");
  ipv4_end (b, ip2);
  ipv4_end (b, ip);
  add_frame (frames, LINKTYPE_ETHERNET, b);

  /* ICMP fragmentation needed (next-hop MTU) quoting IPv4 + TCP. */
  b = g_byte_array_new ();
  ip = ipv4_begin (b, 1, NULL);
  put_hex (b, "0304 0000 0000 05dc");
  ip2 = ipv4_begin (b, 6, NULL);
  tcp (b, 0x10, NULL, NULL);
  ipv4_end (b, ip2);
  ipv4_end (b, ip);
  add_frame (frames, LINKTYPE_IPV4, b);

  /* ICMP redirect quoting IPv4 + ICMP. */
  b = g_byte_array_new ();
  ip = ipv4_begin (b, 1, NULL);
  put_hex (b, "0501 0000 0a0000fe");
  ip2 = ipv4_begin (b, 1, NULL);
  put_hex (b, "0800 0000 1234 0001");
  ipv4_end (b, ip2);
  ipv4_end (b, ip);
  add_frame (frames, LINKTYPE_IPV4, b);

  /* ICMP type without a layout of its own (router advertisement). */
  b = g_byte_array_new ();
  ip = ipv4_begin (b, 1, NULL);
  put_hex (b, "0900 0000 01020000 0a0000fe 00000000");
  ipv4_end (b, ip);
  add_frame (frames, LINKTYPE_IPV4, b);

  /* A later IPv4 fragment: its bytes are data to the decoder. */
  b = g_byte_array_new ();
  ip = ipv4_begin (b, 17, NULL);
  set16 (b, ip + 6, 0x00b9);
  put_hex (b, "0102030405060708");
  ipv4_end (b, ip);
  add_frame (frames, LINKTYPE_IPV4, b);

  /* IPv6 with every extension header: hop-by-hop (PadN, Pad1), routing, fragment,
   * destination options, then UDP. */
  b = g_byte_array_new ();
  ip = ipv6_begin (b, 0);
  put_hex (b, "2b 00 0102 0000 00 00");
  put_hex (b, "2c 00 04 00 00000000");
  put_hex (b, "3c 00 0001 12345678");
  put_hex (b, "11 00 0104 00000000");
  udp (b, "abcd");
  ipv6_end (b, ip);
  add_frame (frames, LINKTYPE_IPV6, b);

  /* ICMPv6 echo request. */
  b = g_byte_array_new ();
  ip = ipv6_begin (b, 58);
  put_hex (b, "8000 0000 1234 0001 6162");
  ipv6_end (b, ip);
  add_frame (frames, LINKTYPE_IPV6, b);

  /* ICMPv6 packet too big quoting IPv6 + UDP. */
  b = g_byte_array_new ();
  ip = ipv6_begin (b, 58);
  put_hex (b, "0200 0000 000005dc");
  ip2 = ipv6_begin (b, 17);
  udp (b, "");
  ipv6_end (b, ip2);
  ipv6_end (b, ip);
  add_frame (frames, LINKTYPE_IPV6, b);

  /* ICMPv6 parameter problem quoting IPv6 + TCP. */
  b = g_byte_array_new ();
  ip = ipv6_begin (b, 58);
  put_hex (b, "0400 0000 00000028");
  ip2 = ipv6_begin (b, 6);
  tcp (b, 0x02, NULL, NULL);
  ipv6_end (b, ip2);
  ipv6_end (b, ip);
  add_frame (frames, LINKTYPE_IPV6, b);

  /* ICMPv6 port unreachable quoting IPv6 + ICMPv6. */
  b = g_byte_array_new ();
  ip = ipv6_begin (b, 58);
  put_hex (b, "0104 0000 00000000");
  ip2 = ipv6_begin (b, 58);
  put_hex (b, "8000 0000 1234 0001");
  ipv6_end (b, ip2);
  ipv6_end (b, ip);
  add_frame (frames, LINKTYPE_IPV6, b);

  /* Neighbour solicitation and advertisement, each with a link-layer address option. */
  b = g_byte_array_new ();
  ip = ipv6_begin (b, 58);
  put_hex (b, "8700 0000 00000000 fd000000000000000000000000000002 0101020000000001");
  ipv6_end (b, ip);
  add_frame (frames, LINKTYPE_IPV6, b);

  b = g_byte_array_new ();
  ip = ipv6_begin (b, 58);
  put_hex (b, "8800 0000 e0000000 fd000000000000000000000000000002 0201020000000002");
  ipv6_end (b, ip);
  add_frame (frames, LINKTYPE_IPV6, b);

  /* ICMPv6 router solicitation: no layout of its own. */
  b = g_byte_array_new ();
  ip = ipv6_begin (b, 58);
  put_hex (b, "8500 0000 00000000");
  ipv6_end (b, ip);
  add_frame (frames, LINKTYPE_IPV6, b);

  /* An EtherType the decoder does not know (LLDP). */
  b = g_byte_array_new ();
  eth (b, 0x88cc);
  put_hex (b, "0207 0402 0000 0000 0001");
  add_frame (frames, LINKTYPE_ETHERNET, b);

  *n_frames = frames->len;
  return (TestFrame *) g_array_free (frames, FALSE);
}

void
test_frames_free (TestFrame *frames,
                  guint      n_frames)
{
  for (guint i = 0; i < n_frames; i++)
    g_bytes_unref (frames[i].bytes);
  g_free (frames);
}
