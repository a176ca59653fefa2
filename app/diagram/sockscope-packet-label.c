/* sockscope-packet-label.c: relative sequence numbers, as Wireshark shows them: each direction
 * of a connection counts from its initial sequence number (the SYN's, or the first seen); and
 * the name of a kernel packet that teaches, which the lab wrote in the event (analysis,
 * analysis_of, analysis_count: docs/EVENT-LOG.md). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sockscope-decoder.h"
#include "sockscope-packet-label.h"

struct _SockscopeSeqTracker
{
  GHashTable *isn;   /* "src:sport>dst:dport" -> initial sequence number (guint32) */
};

SockscopeSeqTracker *
sockscope_seq_tracker_new (void)
{
  SockscopeSeqTracker *tracker = g_new0 (SockscopeSeqTracker, 1);

  tracker->isn = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return tracker;
}

void
sockscope_seq_tracker_free (SockscopeSeqTracker *tracker)
{
  g_hash_table_unref (tracker->isn);
  g_free (tracker);
}

static char *
direction_key (const char *src,
               gint64      sport,
               const char *dst,
               gint64      dport)
{
  return g_strdup_printf ("%s:%" G_GINT64_FORMAT ">%s:%" G_GINT64_FORMAT,
                          src != NULL ? src : "", sport, dst != NULL ? dst : "", dport);
}

/* tcpdump's flag letters to the names a student reads in a textbook. */
static void
append_flag_names (GString    *out,
                   const char *flags)
{
  static const struct { char letter; const char *name; } names[] = {
    { 'S', "SYN" }, { 'F', "FIN" }, { 'R', "RST" }, { 'P', "PSH" }, { 'U', "URG" },
    { 'E', "ECE" }, { 'W', "CWR" }, { '.', "ACK" },
  };
  gboolean first = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strchr (flags, names[i].letter) != NULL)
      {
        g_string_append_printf (out, "%s%s", first ? "" : ",", names[i].name);
        first = FALSE;
      }
}

char *
sockscope_packet_analysis_phrase (const char *analysis,
                                  gint64      of,
                                  gint64      count,
                                  const char *target)
{
  g_autofree char *n = of > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, of) : NULL;
  g_autofree char *c = g_strdup_printf ("%" G_GINT64_FORMAT, count);

  if (analysis == NULL)
    return NULL;
  if (g_str_equal (analysis, "retransmission"))
    return n ? g_strdup_printf (_("again: retransmission of #%s"), n) : g_strdup (_("again: retransmission"));
  if (g_str_equal (analysis, "fast-retransmission"))
    return n ? g_strdup_printf (_("again: fast retransmission of #%s"), n)
             : g_strdup (_("again: fast retransmission"));
  if (g_str_equal (analysis, "dup-ack"))
    return n ? g_strdup_printf (_("dup ACK #%s of #%s"), c, n) : g_strdup_printf (_("dup ACK #%s"), c);
  if (g_str_equal (analysis, "zero-window"))
    return g_strdup (_("zero window"));
  if (g_str_equal (analysis, "window-update"))
    return g_strdup (_("window update"));
  if (g_str_equal (analysis, "window-probe"))
    return g_strdup (_("window probe"));
  if (g_str_equal (analysis, "keep-alive"))
    return g_strdup (_("keep-alive"));
  if (g_str_equal (analysis, "syn-ignored"))
    return g_strdup (_("ignored: the accept queue is full"));
  if (g_str_equal (analysis, "port-unreachable"))
    {
      if (n != NULL && target != NULL)
        return g_strdup_printf (_("port unreachable: datagram #%s to %s refused"), n, target);
      if (n != NULL)
        return g_strdup_printf (_("port unreachable: datagram #%s refused"), n);
      return g_strdup (_("port unreachable"));
    }
  return NULL;
}

/* Where the datagram an ICMP error quotes was going ("127.0.0.1:9999", "[::1]:9999"), read
 * from the frame: the quoted headers are children of the icmp/icmpv6 node. NULL if not there. */
static char *
quoted_target (JsonObject *event)
{
  const char *raw = json_object_get_string_member_with_default (event, "raw", NULL);
  guint32 linktype = (guint32) json_object_get_int_member_with_default (event, "linktype", 1);
  gint64 origlen = json_object_get_int_member_with_default (event, "origlen", 0);
  g_autofree guint8 *data = NULL;
  g_autofree SsField *fields = g_new (SsField, 128);
  SsDecodeResult res;
  const SsField *addr = NULL, *port = NULL;
  char buf[64];
  gsize len = 0;

  if (raw == NULL)
    return NULL;
  data = g_base64_decode (raw, &len);
  ss_packet_decode (linktype, data, (guint32) len, (guint32) MAX (origlen, (gint64) len), fields, 128, &res);
  for (gsize i = 0; i < res.n_fields; i++)
    {
      const SsField *f = &fields[i];
      /* eth, ip and icmp are top-level nodes; the quoted ip and udp nodes are icmp's children */
      if (f->depth < 2)
        continue;
      if (g_str_equal (f->id, "ip.dst") || g_str_equal (f->id, "ipv6.dst"))
        addr = f;
      else if (g_str_equal (f->id, "udp.dstport"))
        port = f;
    }
  if (addr == NULL || port == NULL)
    return NULL;
  ss_field_format (addr, data, (guint32) len, buf, sizeof buf);
  if (addr->kind == SS_FIELD_IPV6)
    return g_strdup_printf ("[%s]:%" G_GUINT64_FORMAT, buf, port->value);
  return g_strdup_printf ("%s:%" G_GUINT64_FORMAT, buf, port->value);
}

/* A member of pkt, G_MININT64 (absent) as 0, as json-glib's defaults read it. */
static gint64
or_zero (gint64 v)
{
  return v == G_MININT64 ? 0 : v;
}

/* The label of any packet but an ICMP error (whose label reads the frame). */
char *
sockscope_packet_label_logged (SockscopeSeqTracker         *tracker,
                               const SockscopeLoggedPacket *p,
                               gboolean                     relative)
{
  const char *proto = p->proto != NULL ? p->proto : "";
  g_autofree char *phrase = NULL;
  GString *out = g_string_new (NULL);

  if (g_str_equal (proto, "tcp"))
    {
      const char *flags = p->flags != NULL ? p->flags : "";
      guint32 seq = (guint32) or_zero (p->pkt_seq);
      guint32 ack = (guint32) or_zero (p->ack);
      gint64 len = or_zero (p->len);
      gint64 win = or_zero (p->win);
      g_autofree char *key = direction_key (p->src, or_zero (p->sport), p->dst, or_zero (p->dport));
      g_autofree char *reverse = direction_key (p->dst, or_zero (p->dport), p->src, or_zero (p->sport));
      gpointer isn = NULL, peer_isn = NULL;
      gboolean has_isn, has_peer;

      if (strchr (flags, 'S') != NULL || !g_hash_table_contains (tracker->isn, key))
        g_hash_table_insert (tracker->isn, g_strdup (key), GUINT_TO_POINTER (seq));
      has_isn = g_hash_table_lookup_extended (tracker->isn, key, NULL, &isn);
      has_peer = g_hash_table_lookup_extended (tracker->isn, reverse, NULL, &peer_isn);
      if (relative && has_isn)
        seq -= GPOINTER_TO_UINT (isn);
      if (relative && has_peer)
        ack -= GPOINTER_TO_UINT (peer_isn);

      append_flag_names (out, flags);
      g_string_append_printf (out, " seq=%u", seq);
      if (strchr (flags, '.') != NULL)
        g_string_append_printf (out, " ack=%u", ack);
      /* The window matters to a learner when it is announced (SYN) or closed (zero window). */
      if (strchr (flags, 'S') != NULL || (win == 0 && strchr (flags, 'R') == NULL))
        g_string_append_printf (out, " win=%" G_GINT64_FORMAT, win);
      if (len > 0)
        g_string_append_printf (out, " len=%" G_GINT64_FORMAT, len);
    }
  else if (g_str_equal (proto, "udp"))
    {
      g_string_append_printf (out, "UDP len=%" G_GINT64_FORMAT, or_zero (p->len));
      /* a datagram cut by the MTU: its first fragment carries the UDP header */
      if (p->is_fragment && p->fragment_offset == 0)
        g_string_append_printf (out, " (%s)", _("first IP fragment"));
    }
  else if (g_str_equal (proto, "ip-fragment"))
    {
      g_autofree char *off = g_strdup_printf ("%" G_GINT64_FORMAT, p->fragment_offset);

      g_string_append_printf (out, _("IP fragment (offset %s)"), off);
    }
  else
    g_string_append (out, p->summary != NULL ? p->summary : proto);

  phrase = sockscope_packet_analysis_phrase (p->analysis, p->analysis_of, p->analysis_count, NULL);
  if (phrase != NULL)
    g_string_append_printf (out, " (%s)", phrase);
  return g_string_free (out, FALSE);
}

static const char *
string_or_null (JsonObject *object,
                const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gint64
int_or_absent (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : G_MININT64;
}

char *
sockscope_packet_label (SockscopeSeqTracker *tracker,
                        JsonObject          *event,
                        gboolean             relative)
{
  JsonObject *pkt = json_object_get_object_member (event, "pkt");
  const char *proto = json_object_get_string_member_with_default (pkt, "proto", "");
  const char *analysis = json_object_get_string_member_with_default (event, "analysis", NULL);
  gint64 of = json_object_get_int_member_with_default (event, "analysis_of", 0);
  gint64 count = json_object_get_int_member_with_default (event, "analysis_count", 0);
  SockscopeLoggedPacket p = { 0 };

  if (analysis != NULL && g_str_equal (analysis, "port-unreachable"))
    {
      /* The error says more than its own addresses: which datagram was refused, and where to. */
      g_autofree char *target = quoted_target (event);
      g_autofree char *phrase = sockscope_packet_analysis_phrase (analysis, of, count, target);

      return g_strdup_printf (g_str_has_prefix (proto, "icmpv6") ? "ICMPv6 %s" : "ICMP %s", phrase);
    }
  p.analysis = analysis;
  p.analysis_of = of;
  p.analysis_count = count;
  p.proto = proto;
  p.src = string_or_null (pkt, "src");
  p.dst = string_or_null (pkt, "dst");
  p.flags = string_or_null (pkt, "flags");
  p.summary = json_object_get_string_member_with_default (pkt, "summary", NULL);
  p.sport = int_or_absent (pkt, "sport");
  p.dport = int_or_absent (pkt, "dport");
  p.pkt_seq = int_or_absent (pkt, "seq");
  p.ack = int_or_absent (pkt, "ack");
  p.win = int_or_absent (pkt, "win");
  p.len = int_or_absent (pkt, "len");
  if (pkt != NULL && json_object_has_member (pkt, "fragment") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (pkt, "fragment")))
    {
      p.is_fragment = TRUE;
      p.fragment_offset = or_zero (int_or_absent (json_object_get_object_member (pkt, "fragment"), "offset"));
    }
  return sockscope_packet_label_logged (tracker, &p, relative);
}
