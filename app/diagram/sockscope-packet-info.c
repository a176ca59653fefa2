/* sockscope-packet-info.c: see the header. What a student reads first comes first: what the
 * kernel's own packet is (the lab's analysis), then the flags that open or close (SYN, FIN,
 * RST), then the data, then the numbers; the window only where it teaches something (announced
 * in a SYN, closed, or what changed). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sockscope-packet-info.h"

char *
sockscope_packet_flag_names (const char *flags)
{
  /* A textbook's order: the flags that open and close first, ACK last. */
  static const struct { char letter; const char *name; } names[] = {
    { 'S', "SYN" }, { 'F', "FIN" }, { 'R', "RST" }, { 'P', "PSH" }, { 'U', "URG" },
    { 'E', "ECE" }, { 'W', "CWR" }, { '.', "ACK" },
  };
  GString *out = g_string_new (NULL);

  for (guint i = 0; flags != NULL && i < G_N_ELEMENTS (names); i++)
    if (strchr (flags, names[i].letter) != NULL)
      g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", names[i].name);
  return g_string_free (out, FALSE);
}

char *
sockscope_packet_analysis_words (const char *analysis,
                                 gint64      of,
                                 gint64      count)
{
  g_autofree char *n = of > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, of) : NULL;
  g_autofree char *c = g_strdup_printf ("%" G_GINT64_FORMAT, count);

  if (analysis == NULL)
    return NULL;
  if (g_str_equal (analysis, "retransmission"))
    return n ? g_strdup_printf (_("retransmission of #%s"), n) : g_strdup (_("retransmission"));
  if (g_str_equal (analysis, "fast-retransmission"))
    return n ? g_strdup_printf (_("fast retransmission of #%s"), n) : g_strdup (_("fast retransmission"));
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
    return g_strdup (_("SYN ignored: the accept queue is full"));
  if (g_str_equal (analysis, "port-unreachable"))
    return n ? g_strdup_printf (_("port unreachable: datagram #%s refused"), n) : g_strdup (_("port unreachable"));
  return NULL;
}

static void
add_data (GPtrArray *parts,
          gint64     len)
{
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, len);

  g_ptr_array_add (parts, g_strdup_printf (ngettext ("data: %s byte", "data: %s bytes", (gulong) MIN (len, G_MAXLONG)),
                                           count));
}

static void
describe_tcp (const SockscopePacketFacts *p,
              GPtrArray                  *parts)
{
  const char *flags = p->flags != NULL ? p->flags : "";
  gboolean syn = strchr (flags, 'S') != NULL;
  gboolean data = p->has_len && p->len > 0;
  gboolean show_window;

  if (data)
    {
      /* A data segment carries ACK (and usually PSH): the Flags column says so; here only the
       * flags that open or close come before the data. */
      static const struct { char letter; const char *name; } rare[] = {
        { 'S', "SYN" }, { 'F', "FIN" }, { 'R', "RST" }, { 'U', "URG" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (rare); i++)
        if (strchr (flags, rare[i].letter) != NULL)
          g_ptr_array_add (parts, g_strdup (rare[i].name));
      add_data (parts, p->len);
    }
  else
    {
      char *names = sockscope_packet_flag_names (flags);

      if (names[0] != '\0')
        g_ptr_array_add (parts, names);
      else
        g_free (names);
    }
  if (p->has_seq)
    g_ptr_array_add (parts, g_strdup_printf ("seq %u", p->seq));
  if (p->has_ack && strchr (flags, '.') != NULL)
    g_ptr_array_add (parts, g_strdup_printf ("ack %u", p->ack));
  show_window = syn || (p->win == 0 && strchr (flags, 'R') == NULL)
                || g_strcmp0 (p->analysis, "window-update") == 0;
  if (p->has_win && show_window)
    {
      g_autofree char *win = g_strdup_printf ("%" G_GINT64_FORMAT, p->win);

      g_ptr_array_add (parts, g_strdup_printf (_("window %s"), win));
    }
}

/* What follows "IP a > b: " in the decoder's line ("ICMP echo request, id 1, ..."), or the
 * line itself when it has no such head (ARP). */
static char *
summary_tail (const char *summary)
{
  const char *colon;

  if (summary == NULL)
    return NULL;
  colon = strstr (summary, ": ");
  return g_strdup (colon != NULL && colon[2] != '\0' ? colon + 2 : summary);
}

char *
sockscope_packet_info (const SockscopePacketFacts *p)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *named = NULL;
  g_autofree char *body = NULL;
  const char *proto = p->proto != NULL ? p->proto : "";

  g_return_val_if_fail (p != NULL, g_strdup (""));

  named = sockscope_packet_analysis_words (p->analysis, p->analysis_of, p->analysis_count);
  if (g_strcmp0 (p->analysis, "port-unreachable") == 0 && named != NULL)
    /* The error says it all: which datagram it refuses. */
    return g_strdup_printf ("%s %s", g_str_has_prefix (proto, "icmpv6") ? "ICMPv6" : "ICMP", named);

  if (g_str_equal (proto, "tcp"))
    describe_tcp (p, parts);
  else if (g_str_equal (proto, "udp") && p->has_len)
    add_data (parts, p->len);
  else if (g_str_equal (proto, "ip-fragment"))
    {
      /* IP's bytes only: the transport header went in the first fragment */
      g_autofree char *off = g_strdup_printf ("%" G_GINT64_FORMAT, p->fragment_offset);

      g_ptr_array_add (parts, p->is_fragment ? g_strdup_printf (_("IP fragment (offset %s)"), off)
                                             : g_strdup (_("IP fragment")));
    }
  else
    {
      char *tail = summary_tail (p->summary);

      g_ptr_array_add (parts, tail != NULL ? tail : g_ascii_strup (proto, -1));
    }
  /* the first fragment: its length fields are the datagram's; the rest follows */
  if (p->is_fragment && p->fragment_offset == 0 && !g_str_equal (proto, "ip-fragment"))
    g_ptr_array_add (parts, g_strdup (_("first IP fragment")));
  g_ptr_array_add (parts, NULL);
  body = g_strjoinv (", ", (char **) parts->pdata);

  if (named == NULL)
    return g_steal_pointer (&body);
  if (body[0] == '\0')
    return g_steal_pointer (&named);
  return g_strdup_printf ("%s — %s", named, body);
}

/* ---- Relative sequence numbers ------------------------------------------------------------ */

typedef struct
{
  guint   position;
  guint32 isn;
} IsnFrom;

struct _SockscopeSeqIndex
{
  GHashTable *directions;   /* "src:sport>dst:dport" → GArray of IsnFrom, ascending positions */
};

SockscopeSeqIndex *
sockscope_seq_index_new (void)
{
  SockscopeSeqIndex *index = g_new0 (SockscopeSeqIndex, 1);

  index->directions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  return index;
}

void
sockscope_seq_index_free (SockscopeSeqIndex *index)
{
  if (index == NULL)
    return;
  g_hash_table_unref (index->directions);
  g_free (index);
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

void
sockscope_seq_index_add (SockscopeSeqIndex *index,
                         guint              position,
                         const char        *src,
                         gint64             sport,
                         const char        *dst,
                         gint64             dport,
                         gboolean           syn,
                         guint32            seq)
{
  g_autofree char *key = direction_key (src, sport, dst, dport);
  GArray *starts = g_hash_table_lookup (index->directions, key);
  IsnFrom from = { position, seq };

  if (starts == NULL)
    {
      starts = g_array_new (FALSE, FALSE, sizeof (IsnFrom));
      g_hash_table_insert (index->directions, g_steal_pointer (&key), starts);
    }
  else if (!syn)
    return;
  /* The same SYN sent again (a retransmission) keeps its number. */
  if (starts->len > 0 && g_array_index (starts, IsnFrom, starts->len - 1).isn == seq)
    return;
  g_array_append_val (starts, from);
}

gboolean
sockscope_seq_index_lookup (SockscopeSeqIndex *index,
                            guint              position,
                            const char        *src,
                            gint64             sport,
                            const char        *dst,
                            gint64             dport,
                            guint32           *isn)
{
  g_autofree char *key = direction_key (src, sport, dst, dport);
  GArray *starts = g_hash_table_lookup (index->directions, key);
  guint lo = 0, hi;

  if (starts == NULL)
    return FALSE;
  /* The last start at or before position (binary search). */
  hi = starts->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (starts, IsnFrom, mid).position <= position)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return FALSE;
  *isn = g_array_index (starts, IsnFrom, lo - 1).isn;
  return TRUE;
}
