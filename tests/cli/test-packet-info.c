/* test-packet-info.c: the packet list's Info text and flag names, in English and in French (the
 * catalogue the build compiles from po/fr.po), and relative sequence numbers looked up in any
 * order. No display: app/diagram's text is GTK-free. */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "sockscope-packet-info.h"

static SockscopePacketFacts
tcp (const char *flags,
     guint32     seq,
     guint32     ack,
     gint64      win,
     gint64      len)
{
  SockscopePacketFacts p = { "tcp", flags, TRUE, TRUE, TRUE, TRUE, seq, ack, win, len };

  return p;
}

static void
assert_info (const SockscopePacketFacts *p,
             const char                 *expected)
{
  g_autofree char *info = sockscope_packet_info (p);

  g_assert_cmpstr (info, ==, expected);
}

static void
test_flag_names (void)
{
  const struct { const char *letters, *names; } cases[] = {
    { "S", "SYN" }, { "S.", "SYN, ACK" }, { ".", "ACK" }, { "P.", "PSH, ACK" },
    { "FP.", "FIN, PSH, ACK" }, { "R.", "RST, ACK" }, { "R", "RST" }, { "none", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *names = sockscope_packet_flag_names (cases[i].letters);

      g_assert_cmpstr (names, ==, cases[i].names);
    }
  {
    g_autofree char *none = sockscope_packet_flag_names (NULL);

    g_assert_cmpstr (none, ==, "");
  }
}

static void
test_english (void)
{
  SockscopePacketFacts p;

  /* The handshake: the window is announced in the SYNs, not repeated after. */
  p = tcp ("S", 0, 0, 64240, 0);
  assert_info (&p, "SYN, seq 0, window 64240");
  p = tcp ("S.", 0, 1, 65160, 0);
  assert_info (&p, "SYN, ACK, seq 0, ack 1, window 65160");
  p = tcp (".", 1, 1, 502, 0);
  assert_info (&p, "ACK, seq 1, ack 1");
  /* Data: the bytes first, PSH and ACK are the Flags column's. */
  p = tcp ("P.", 1, 1, 502, 5);
  assert_info (&p, "data: 5 bytes, seq 1, ack 1");
  p = tcp ("P.", 6, 1, 502, 1);
  assert_info (&p, "data: 1 byte, seq 6, ack 1");
  p = tcp ("FP.", 6, 1, 502, 3);
  assert_info (&p, "FIN, data: 3 bytes, seq 6, ack 1");
  p = tcp ("F.", 6, 10, 502, 0);
  assert_info (&p, "FIN, ACK, seq 6, ack 10");
  p = tcp ("R.", 0, 1, 0, 0);
  assert_info (&p, "RST, ACK, seq 0, ack 1");

  /* The kernel's own packets are named first. */
  p = tcp ("S", 0, 0, 64240, 0);
  p.analysis = "retransmission";
  p.analysis_of = 7;
  assert_info (&p, "retransmission of #7 — SYN, seq 0, window 64240");
  p = tcp (".", 1, 6, 0, 0);
  p.analysis = "zero-window";
  assert_info (&p, "zero window — ACK, seq 1, ack 6, window 0");
  p = tcp (".", 1, 6, 3000, 0);
  p.analysis = "window-update";
  assert_info (&p, "window update — ACK, seq 1, ack 6, window 3000");
  p = tcp (".", 1, 6, 3000, 0);
  p.analysis = "dup-ack";
  p.analysis_of = 12;
  p.analysis_count = 2;
  assert_info (&p, "dup ACK #2 of #12 — ACK, seq 1, ack 6");
  p = tcp ("S", 0, 0, 64240, 0);
  p.analysis = "syn-ignored";
  assert_info (&p, "SYN ignored: the accept queue is full — SYN, seq 0, window 64240");

  /* UDP and ICMP. */
  p = (SockscopePacketFacts) { .proto = "udp", .has_len = TRUE, .len = 5 };
  assert_info (&p, "data: 5 bytes");
  p = (SockscopePacketFacts) { .proto = "icmp", .analysis = "port-unreachable", .analysis_of = 3,
                               .summary = "IP 127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 udp port 9999 unreachable, length 41" };
  assert_info (&p, "ICMP port unreachable: datagram #3 refused");
  p.proto = "icmpv6";
  assert_info (&p, "ICMPv6 port unreachable: datagram #3 refused");
  /* What the list has no words for: the decoder's line, without its addresses. */
  p = (SockscopePacketFacts) { .proto = "icmp",
                               .summary = "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 64" };
  assert_info (&p, "ICMP echo request, id 1, seq 1, length 64");
  p = (SockscopePacketFacts) { .proto = "arp" };
  assert_info (&p, "ARP");

  /* A datagram cut by the MTU: the first fragment says the datagram's length, the others
   * where they go in it. */
  p = (SockscopePacketFacts) { .proto = "udp", .has_len = TRUE, .len = 3000, .is_fragment = TRUE };
  assert_info (&p, "data: 3000 bytes, first IP fragment");
  p = (SockscopePacketFacts) { .proto = "ip-fragment", .has_len = TRUE, .len = 1256, .is_fragment = TRUE,
                               .fragment_offset = 1256, .summary = "IP 192.0.2.1 > 192.0.2.2: ip-proto-17" };
  assert_info (&p, "IP fragment (offset 1256)");
}

static void
test_french (void)
{
  SockscopePacketFacts p;

  g_setenv ("LANGUAGE", "fr", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  p = tcp ("S", 0, 0, 64240, 0);
  assert_info (&p, "SYN, seq 0, fenêtre 64240");
  p = tcp ("P.", 1, 1, 502, 5);
  assert_info (&p, "données : 5 octets, seq 1, ack 1");
  p = tcp ("P.", 1, 1, 502, 1);
  assert_info (&p, "données : 1 octet, seq 1, ack 1");
  p = tcp ("S", 0, 0, 64240, 0);
  p.analysis = "retransmission";
  p.analysis_of = 7;
  assert_info (&p, "retransmission de #7 — SYN, seq 0, fenêtre 64240");
  p = (SockscopePacketFacts) { .proto = "icmp", .analysis = "port-unreachable", .analysis_of = 3 };
  assert_info (&p, "ICMP port injoignable : datagramme #3 refusé");
  p = (SockscopePacketFacts) { .proto = "ip-fragment", .is_fragment = TRUE, .fragment_offset = 2512 };
  assert_info (&p, "fragment IP (décalage 2512)");
  p = (SockscopePacketFacts) { .proto = "udp", .has_len = TRUE, .len = 3000, .is_fragment = TRUE };
  assert_info (&p, "données : 3000 octets, premier fragment IP");

  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C");
}

static void
test_seq_index (void)
{
  g_autoptr(SockscopeSeqIndex) index = sockscope_seq_index_new ();
  guint32 isn = 0;

  /* A handshake at 0 and 1, a second connection on the same ports from 10. */
  sockscope_seq_index_add (index, 0, "127.0.0.1", 40000, "127.0.0.1", 7777, TRUE, 1000);
  sockscope_seq_index_add (index, 1, "127.0.0.1", 7777, "127.0.0.1", 40000, TRUE, 5000);
  sockscope_seq_index_add (index, 2, "127.0.0.1", 40000, "127.0.0.1", 7777, FALSE, 1001);
  /* A SYN sent again keeps its number. */
  sockscope_seq_index_add (index, 3, "127.0.0.1", 40000, "127.0.0.1", 7777, TRUE, 1000);
  sockscope_seq_index_add (index, 10, "127.0.0.1", 40000, "127.0.0.1", 7777, TRUE, 9000);
  /* A flow whose SYN the capture missed counts from its first packet. */
  sockscope_seq_index_add (index, 11, "::1", 5353, "::1", 6000, FALSE, 77);

  /* Looked up in any order, as a list binds its rows. */
  g_assert_true (sockscope_seq_index_lookup (index, 12, "127.0.0.1", 40000, "127.0.0.1", 7777, &isn));
  g_assert_cmpuint (isn, ==, 9000);
  g_assert_true (sockscope_seq_index_lookup (index, 9, "127.0.0.1", 40000, "127.0.0.1", 7777, &isn));
  g_assert_cmpuint (isn, ==, 1000);
  g_assert_true (sockscope_seq_index_lookup (index, 5, "127.0.0.1", 7777, "127.0.0.1", 40000, &isn));
  g_assert_cmpuint (isn, ==, 5000);
  g_assert_true (sockscope_seq_index_lookup (index, 11, "::1", 5353, "::1", 6000, &isn));
  g_assert_cmpuint (isn, ==, 77);
  g_assert_false (sockscope_seq_index_lookup (index, 0, "127.0.0.1", 7777, "127.0.0.1", 40000, &isn));
  g_assert_false (sockscope_seq_index_lookup (index, 20, "127.0.0.1", 1, "127.0.0.1", 2, &isn));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/packet-info/flag-names", test_flag_names);
  g_test_add_func ("/packet-info/english", test_english);
  g_test_add_func ("/packet-info/french", test_french);
  g_test_add_func ("/packet-info/seq-index", test_seq_index);
  return g_test_run ();
}
