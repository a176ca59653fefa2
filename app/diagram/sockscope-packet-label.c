/* sockscope-packet-label.c: relative sequence numbers, as Wireshark shows them: each direction
 * of a connection counts from its initial sequence number (the SYN's, or the first seen). */
#include "config.h"

#include <string.h>

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
direction_key (JsonObject *pkt,
               gboolean    reverse)
{
  const char *src = json_object_get_string_member_with_default (pkt, reverse ? "dst" : "src", "");
  const char *dst = json_object_get_string_member_with_default (pkt, reverse ? "src" : "dst", "");
  gint64 sport = json_object_get_int_member_with_default (pkt, reverse ? "dport" : "sport", 0);
  gint64 dport = json_object_get_int_member_with_default (pkt, reverse ? "sport" : "dport", 0);

  return g_strdup_printf ("%s:%" G_GINT64_FORMAT ">%s:%" G_GINT64_FORMAT, src, sport, dst, dport);
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
sockscope_packet_label (SockscopeSeqTracker *tracker,
                        JsonObject          *pkt,
                        gboolean             relative)
{
  const char *proto = json_object_get_string_member_with_default (pkt, "proto", "");
  GString *out = g_string_new (NULL);

  if (g_str_equal (proto, "tcp"))
    {
      const char *flags = json_object_get_string_member_with_default (pkt, "flags", "");
      guint32 seq = (guint32) json_object_get_int_member_with_default (pkt, "seq", 0);
      guint32 ack = (guint32) json_object_get_int_member_with_default (pkt, "ack", 0);
      gint64 len = json_object_get_int_member_with_default (pkt, "len", 0);
      gint64 win = json_object_get_int_member_with_default (pkt, "win", 0);
      g_autofree char *key = direction_key (pkt, FALSE);
      g_autofree char *reverse = direction_key (pkt, TRUE);
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
    g_string_append_printf (out, "UDP len=%" G_GINT64_FORMAT, json_object_get_int_member_with_default (pkt, "len", 0));
  else
    g_string_append (out, json_object_get_string_member_with_default (pkt, "summary", proto));

  return g_string_free (out, FALSE);
}
