/* cli-decode.c: sockscope-cli decode CAPTURE [--json | --summary]
 *
 * Default: one tcpdump -n style line per packet. --json: one JSON object per line.
 * --summary: decodes every packet into the SsPacketSummary array the app keeps in memory and
 * reports counts, speed and memory; it allocates nothing per packet and prints nothing per packet.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <glib/gi18n.h>

#include "sockscope-capture.h"
#include "sockscope-cli.h"
#include "sockscope-decoder.h"
#include "sockscope-json.h"

typedef enum { MODE_TEXT, MODE_JSON, MODE_SUMMARY } Mode;

static void
print_time (FILE *out, uint64_t t_ns)
{
  time_t sec = (time_t) (t_ns / 1000000000u);
  struct tm tm;

  if (localtime_r (&sec, &tm) == NULL)
    memset (&tm, 0, sizeof tm);
  fprintf (out, "%02d:%02d:%02d.%09u ", tm.tm_hour, tm.tm_min, tm.tm_sec,
           (unsigned) (t_ns % 1000000000u));
}

static void
print_text (const SsCapturePacket *pkt)
{
  SsDecodeResult res;
  const SsPacketSummary *s = &res.summary;

  ss_packet_decode (pkt->linktype, pkt->data, pkt->caplen, pkt->origlen, NULL, 0, &res);
  print_time (stdout, pkt->t_ns);
  fputs (res.text, stdout);
  /* the reason lists truncation and malformation causes in the order they were found */
  if ((s->status & SS_STATUS_TRUNCATED) && (s->status & SS_STATUS_MALFORMED))
    printf (" [truncated, malformed: %s]", res.reason);
  else if (s->status & SS_STATUS_TRUNCATED)
    printf (" [truncated: %s]", res.reason);
  else if (s->status & SS_STATUS_MALFORMED)
    printf (" [malformed: %s]", res.reason);
  putchar ('\n');
}

static void
print_json (SsStr *line, uint64_t n, const SsCapturePacket *pkt)
{
  size_t mark;

  ss_str_truncate (line, 0);
  ss_str_printf (line, "{\"n\":%" PRIu64 ",\"t_ns\":%" PRIu64, n, pkt->t_ns);
  mark = line->len;
  ss_json_packet (line, pkt->linktype, pkt->data, pkt->caplen, pkt->origlen);
  /* splice the packet object's members into ours: its opening brace becomes a comma */
  line->data[mark] = ',';
  fwrite (line->data, 1, line->len, stdout);
  putchar ('\n');
}

static int
summarize (SsCaptureReader *r, gint64 start_us)
{
  static const char *const order[] = { "tcp", "udp", "icmp", "icmpv6", "arp", "ipv4", "ipv6", "ip-fragment",
                                       "eth", "unknown" };
  static const unsigned order_proto[] = { SS_PROTO_TCP, SS_PROTO_UDP, SS_PROTO_ICMP, SS_PROTO_ICMPV6,
                                          SS_PROTO_ARP, SS_PROTO_IPV4, SS_PROTO_IPV6, SS_PROTO_FRAGMENT,
                                          SS_PROTO_ETH, SS_PROTO_UNKNOWN };
  const uint8_t *base;
  size_t file_len, cap, n = 0;
  SsPacketSummary *sums;
  uint64_t *offsets;   /* where each frame is in the mapped file: the bytes stay there */
  guint64 counts[SS_PROTO_FRAGMENT + 1] = { 0 };
  guint64 captured = 0, wire = 0, truncated = 0, malformed = 0;
  SsCapturePacket pkt;
  double elapsed;
  int rc;

  base = ss_capture_reader_bytes (r, &file_len);
  /* a small UDP frame takes about 60 bytes of file: start there, grow by doubling */
  cap = file_len / 60 + 16;
  sums = g_new (SsPacketSummary, cap);
  offsets = g_new (uint64_t, cap);

  while ((rc = ss_capture_reader_next (r, &pkt)) > 0)
    {
      SsPacketSummary *s;

      if (n == cap)
        {
          cap *= 2;
          sums = g_renew (SsPacketSummary, sums, cap);
          offsets = g_renew (uint64_t, offsets, cap);
        }
      s = &sums[n];
      ss_packet_summarize (pkt.linktype, pkt.data, pkt.caplen, pkt.origlen, s);
      s->t_ns = pkt.t_ns;
      offsets[n] = (uint64_t) (pkt.data - base);
      n++;
    }
  elapsed = (double) (g_get_monotonic_time () - start_us) / 1e6;

  for (size_t i = 0; i < n; i++)
    {
      counts[sums[i].proto < G_N_ELEMENTS (counts) ? sums[i].proto : SS_PROTO_UNKNOWN]++;
      captured += sums[i].caplen;
      wire += sums[i].origlen;
      truncated += (sums[i].status & SS_STATUS_TRUNCATED) != 0;
      malformed += (sums[i].status & SS_STATUS_MALFORMED) != 0;
    }

  printf (_("packets: %zu\n"), n);
  printf (_("bytes: %llu captured, %llu on the wire\n"), (unsigned long long) captured, (unsigned long long) wire);
  for (size_t i = 0; i < G_N_ELEMENTS (order); i++)
    if (counts[order_proto[i]] > 0)
      printf ("  %-8s %" G_GUINT64_FORMAT "\n", order[i], counts[order_proto[i]]);
  if (truncated > 0 || malformed > 0)
    printf (_("truncated: %llu, malformed: %llu\n"), (unsigned long long) truncated, (unsigned long long) malformed);
  printf (_("elapsed: %.3f s (%.0f packets/s)\n"), elapsed, elapsed > 0 ? (double) n / elapsed : 0.0);
  printf (_("memory per packet beyond captured bytes: %zu bytes (%zu summary + %zu offset; %.1f with array slack)\n"),
          sizeof *sums + sizeof *offsets, sizeof *sums, sizeof *offsets,
          n > 0 ? (double) (cap * (sizeof *sums + sizeof *offsets)) / (double) n : 0.0);

  g_free (sums);
  g_free (offsets);
  return rc;
}

int
sockscope_cli_decode (int argc, char **argv)
{
  const char *path = NULL;
  Mode mode = MODE_TEXT;
  SsCaptureReader *r;
  SsCapturePacket pkt;
  gint64 start_us;
  uint64_t n = 0;
  int rc;
  g_autoptr(GOptionContext) context =
    sockscope_cli_option_context (_("CAPTURE"),
                                  _("Decode each packet of a pcap or pcapng file, one line each as tcpdump prints it."));
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE, summary = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object a line for each packet"), NULL },
    { "summary", 0, 0, G_OPTION_ARG_NONE, &summary, N_("Only count the packets and report the decoding speed and memory"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("sockscope-cli decode: %s\n", error->message);
      return SOCKSCOPE_CLI_USAGE;
    }
  if (argc != 2 || (json && summary))
    {
      g_printerr (argc > 2 ? _("sockscope-cli decode: one capture file at a time\n")
                           : json && summary ? _("sockscope-cli decode: --json or --summary, not both\n") : "");
      g_printerr (_("Usage: sockscope-cli decode CAPTURE [--json | --summary]\n"));
      return SOCKSCOPE_CLI_USAGE;
    }
  path = argv[1];
  mode = json ? MODE_JSON : summary ? MODE_SUMMARY : MODE_TEXT;

  start_us = g_get_monotonic_time ();
  r = ss_capture_reader_open (path);
  if (r == NULL)
    {
      g_printerr (_("sockscope-cli decode: cannot read '%s': %s\n"), path, g_strerror (errno));
      return SOCKSCOPE_CLI_FAILED;
    }

  if (mode == MODE_SUMMARY)
    rc = summarize (r, start_us);
  else
    {
      SsStr line;

      ss_str_init (&line);
      while ((rc = ss_capture_reader_next (r, &pkt)) > 0)
        {
          n++;
          if (mode == MODE_JSON)
            print_json (&line, n, &pkt);
          else
            print_text (&pkt);
        }
      ss_str_clear (&line);
    }
  fflush (stdout);

  if (rc < 0)
    g_printerr (_("sockscope-cli decode: %s\n"), ss_capture_reader_error (r));
  ss_capture_reader_close (r);
  return rc < 0 ? 1 : 0;
}
