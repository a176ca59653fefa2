/* sockscope-field-names.c: the decoder's English labels and value names, translated.
 *
 * Every label ss_packet_decode() writes, and every name ss_value_name() returns, has an entry
 * here (msgctxt "packet field" / "packet value", so that "Window" or "Type" elsewhere in the
 * app keep their own translations). tests/ui-widgets/test-field-names.c walks the field trees
 * of real frames and fails on a label or a value name missing from these tables.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-field-names.h"

static const char *const field_labels[] = {
  NC_("packet field", "802.1Q virtual LAN"),
  NC_("packet field", "Acknowledgment (ACK)"),
  NC_("packet field", "Acknowledgment number (raw)"),
  NC_("packet field", "Address Resolution Protocol"),
  NC_("packet field", "Checksum"),
  NC_("packet field", "Code"),
  NC_("packet field", "Congestion window reduced (CWR)"),
  NC_("packet field", "Data"),
  NC_("packet field", "Destination"),
  NC_("packet field", "Destination address"),
  NC_("packet field", "Destination options"),
  NC_("packet field", "Destination port"),
  NC_("packet field", "Differentiated services codepoint"),
  NC_("packet field", "Differentiated services field"),
  NC_("packet field", "Don't fragment"),
  NC_("packet field", "ECN-Echo (ECE)"),
  NC_("packet field", "End of option list"),
  NC_("packet field", "End of options list"),
  NC_("packet field", "Ethernet II"),
  NC_("packet field", "Explicit congestion notification"),
  NC_("packet field", "Family"),
  NC_("packet field", "Fin (FIN)"),
  NC_("packet field", "Flags"),
  NC_("packet field", "Flow label"),
  NC_("packet field", "Fragment header"),
  NC_("packet field", "Fragment offset (8-byte units)"),
  NC_("packet field", "Gateway address"),
  NC_("packet field", "Hardware size"),
  NC_("packet field", "Hardware type"),
  NC_("packet field", "Header checksum"),
  NC_("packet field", "Header length"),
  NC_("packet field", "Hop limit"),
  NC_("packet field", "Hop-by-hop options"),
  NC_("packet field", "Identification"),
  NC_("packet field", "Identifier"),
  NC_("packet field", "Interface index"),
  NC_("packet field", "Internet Control Message Protocol"),
  NC_("packet field", "Internet Control Message Protocol (truncated)"),
  NC_("packet field", "Internet Control Message Protocol v6"),
  NC_("packet field", "Internet Control Message Protocol v6 (truncated)"),
  NC_("packet field", "Internet Protocol version 4"),
  NC_("packet field", "Internet Protocol version 6"),
  NC_("packet field", "Jumbo payload"),
  NC_("packet field", "Kind"),
  NC_("packet field", "Left edge"),
  NC_("packet field", "Length"),
  NC_("packet field", "Link-layer address length"),
  NC_("packet field", "Link-layer address type"),
  NC_("packet field", "Linux cooked capture v1"),
  NC_("packet field", "Linux cooked capture v2"),
  NC_("packet field", "Loose source route"),
  NC_("packet field", "MD5 signature"),
  NC_("packet field", "MTU"),
  NC_("packet field", "MTU of next hop"),
  NC_("packet field", "Maximum segment size"),
  NC_("packet field", "More fragments"),
  NC_("packet field", "Multipath TCP"),
  NC_("packet field", "Next header"),
  NC_("packet field", "No-operation"),
  NC_("packet field", "Nonce (accurate ECN)"),
  NC_("packet field", "Null/Loopback"),
  NC_("packet field", "Opcode"),
  NC_("packet field", "Options"),
  NC_("packet field", "Override"),
  NC_("packet field", "Packet type"),
  NC_("packet field", "Pad1"),
  NC_("packet field", "PadN"),
  NC_("packet field", "Payload length"),
  NC_("packet field", "Pointer"),
  NC_("packet field", "Priority"),
  NC_("packet field", "Protocol"),
  NC_("packet field", "Protocol size"),
  NC_("packet field", "Protocol type"),
  NC_("packet field", "Push (PSH)"),
  NC_("packet field", "Record route"),
  NC_("packet field", "Reserved"),
  NC_("packet field", "Reserved bit"),
  NC_("packet field", "Reserved bits"),
  NC_("packet field", "Reset (RST)"),
  NC_("packet field", "Right edge"),
  NC_("packet field", "Router"),
  NC_("packet field", "Router alert"),
  NC_("packet field", "Routing header"),
  NC_("packet field", "Routing type"),
  NC_("packet field", "SACK"),
  NC_("packet field", "SACK permitted"),
  NC_("packet field", "Security"),
  NC_("packet field", "Segments left"),
  NC_("packet field", "Sender hardware address"),
  NC_("packet field", "Sender protocol address"),
  NC_("packet field", "Sequence number"),
  NC_("packet field", "Sequence number (raw)"),
  NC_("packet field", "Shift count"),
  NC_("packet field", "Solicited"),
  NC_("packet field", "Source"),
  NC_("packet field", "Source address"),
  NC_("packet field", "Source port"),
  NC_("packet field", "Strict source route"),
  NC_("packet field", "Syn (SYN)"),
  NC_("packet field", "TCP Fast Open cookie"),
  NC_("packet field", "TCP authentication"),
  NC_("packet field", "Target address"),
  NC_("packet field", "Target hardware address"),
  NC_("packet field", "Target protocol address"),
  NC_("packet field", "Time to live"),
  NC_("packet field", "Timestamp"),
  NC_("packet field", "Timestamp echo reply"),
  NC_("packet field", "Timestamp value"),
  NC_("packet field", "Timestamps"),
  NC_("packet field", "Total length"),
  NC_("packet field", "Traffic class"),
  NC_("packet field", "Transmission Control Protocol"),
  NC_("packet field", "Transmission Control Protocol (truncated)"),
  NC_("packet field", "Tunnel encapsulation limit"),
  NC_("packet field", "Type"),
  NC_("packet field", "Unknown option"),
  NC_("packet field", "Unused"),
  NC_("packet field", "Urgent (URG)"),
  NC_("packet field", "Urgent pointer"),
  NC_("packet field", "User Datagram Protocol"),
  NC_("packet field", "User Datagram Protocol (truncated)"),
  NC_("packet field", "User timeout"),
  NC_("packet field", "VLAN identifier"),
  NC_("packet field", "Version"),
  NC_("packet field", "Window (raw)"),
  NC_("packet field", "Window scale"),
};

static const char *const value_names[] = {
  NC_("packet value", "802.1Q"),
  NC_("packet value", "802.1ad"),
  NC_("packet value", "AH"),
  NC_("packet value", "ARP"),
  NC_("packet value", "Address unreachable"),
  NC_("packet value", "Administratively prohibited"),
  NC_("packet value", "Broadcast"),
  NC_("packet value", "Destination unreachable"),
  NC_("packet value", "ESP"),
  NC_("packet value", "Echo reply"),
  NC_("packet value", "Echo request"),
  NC_("packet value", "End of option list"),
  NC_("packet value", "End of options list"),
  NC_("packet value", "Ethernet"),
  NC_("packet value", "Fragmentation needed"),
  NC_("packet value", "GRE"),
  NC_("packet value", "Host unreachable"),
  NC_("packet value", "ICMP"),
  NC_("packet value", "ICMPv6"),
  NC_("packet value", "IGMP"),
  NC_("packet value", "IPv4"),
  NC_("packet value", "IPv6"),
  NC_("packet value", "IPv6 destination options"),
  NC_("packet value", "IPv6 fragment header"),
  NC_("packet value", "IPv6 hop-by-hop options"),
  NC_("packet value", "IPv6 routing header"),
  NC_("packet value", "IPv6-in-IPv4"),
  NC_("packet value", "Jumbo payload"),
  NC_("packet value", "LLDP"),
  NC_("packet value", "Loopback"),
  NC_("packet value", "Loose source route"),
  NC_("packet value", "MD5 signature"),
  NC_("packet value", "Maximum segment size"),
  NC_("packet value", "Multicast"),
  NC_("packet value", "Multicast listener report v2"),
  NC_("packet value", "Multipath TCP"),
  NC_("packet value", "Neighbor advertisement"),
  NC_("packet value", "Neighbor solicitation"),
  NC_("packet value", "Network unreachable"),
  NC_("packet value", "No next header"),
  NC_("packet value", "No route to destination"),
  NC_("packet value", "No-operation"),
  NC_("packet value", "Packet too big"),
  NC_("packet value", "Pad1"),
  NC_("packet value", "PadN"),
  NC_("packet value", "Parameter problem"),
  NC_("packet value", "Port unreachable"),
  NC_("packet value", "Protocol unreachable"),
  NC_("packet value", "Record route"),
  NC_("packet value", "Redirect"),
  NC_("packet value", "Router advertisement"),
  NC_("packet value", "Router alert"),
  NC_("packet value", "Router solicitation"),
  NC_("packet value", "SACK"),
  NC_("packet value", "SACK permitted"),
  NC_("packet value", "SCTP"),
  NC_("packet value", "Security"),
  NC_("packet value", "Sent by us"),
  NC_("packet value", "Source quench"),
  NC_("packet value", "Strict source route"),
  NC_("packet value", "TCP"),
  NC_("packet value", "TCP Fast Open cookie"),
  NC_("packet value", "TCP authentication"),
  NC_("packet value", "Time exceeded"),
  NC_("packet value", "Timestamp"),
  NC_("packet value", "Timestamp reply"),
  NC_("packet value", "Timestamp request"),
  NC_("packet value", "Timestamps"),
  NC_("packet value", "Tunnel encapsulation limit"),
  NC_("packet value", "UDP"),
  NC_("packet value", "Unicast to another host"),
  NC_("packet value", "Unicast to us"),
  NC_("packet value", "User timeout"),
  NC_("packet value", "Window scale"),
  NC_("packet value", "reply"),
  NC_("packet value", "request"),
};

static GHashTable *
string_set (const char *const *strings,
            guint              n)
{
  GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    g_hash_table_add (t, (gpointer) strings[i]);
  return t;
}

static GHashTable *
label_set (void)
{
  static GHashTable *set;

  if (g_once_init_enter (&set))
    g_once_init_leave (&set, string_set (field_labels, G_N_ELEMENTS (field_labels)));
  return set;
}

static GHashTable *
name_set (void)
{
  static GHashTable *set;

  if (g_once_init_enter (&set))
    g_once_init_leave (&set, string_set (value_names, G_N_ELEMENTS (value_names)));
  return set;
}

/**
 * sockscope_field_label_known:
 * @label: a label written by the decoder, such as "Source port"
 *
 * Returns: whether the table has @label (so that it is translated)
 */
gboolean
sockscope_field_label_known (const char *label)
{
  g_return_val_if_fail (label != NULL, FALSE);
  return g_hash_table_contains (label_set (), label);
}

/**
 * sockscope_field_label_translate:
 * @label: a label written by the decoder
 *
 * Returns: @label in the UI language; @label itself when the table lacks it
 */
const char *
sockscope_field_label_translate (const char *label)
{
  g_return_val_if_fail (label != NULL, NULL);
  if (!sockscope_field_label_known (label))
    return label;
  return g_dpgettext2 (NULL, "packet field", label);
}

/**
 * sockscope_field_value_name_known:
 * @name: a name returned by ss_value_name(), such as "Echo request"
 *
 * Returns: whether the table has @name
 */
gboolean
sockscope_field_value_name_known (const char *name)
{
  g_return_val_if_fail (name != NULL, FALSE);
  return g_hash_table_contains (name_set (), name);
}

static const char *
value_name_translate (const char *name)
{
  if (!sockscope_field_value_name_known (name))
    return name;
  return g_dpgettext2 (NULL, "packet value", name);
}

/**
 * sockscope_field_value_text:
 * @f: a decoded field
 * @data: (array length=caplen): the frame @f was decoded from
 * @caplen: bytes of @data
 *
 * Renders the value as ss_field_format() does, with its words ("Set", "bytes", the name
 * of the value) in the UI language; numbers and addresses are unchanged.
 *
 * Returns: (transfer full): the value text ("" for a node without a value)
 */
char *
sockscope_field_value_text (const SsField *f,
                            const guint8  *data,
                            guint32        caplen)
{
  char buf[SS_TEXT_MAX];
  const char *name;
  SsField bare;

  g_return_val_if_fail (f != NULL, NULL);

  switch (f->kind)
    {
    case SS_FIELD_FLAG:
      /* TRANSLATORS: a one-bit flag of a packet header */
      return g_strdup (f->value ? C_("packet value", "Set") : C_("packet value", "Not set"));
    case SS_FIELD_WORDS4:
      {
        g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) f->value);
        g_autofree char *words = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) f->value / 4);

        /* TRANSLATORS: a header length, "20 bytes (5)": the number in brackets is the raw
         * count of 32-bit words */
        return g_strdup_printf (C_("packet value", "%s bytes (%s)"), bytes, words);
      }
    case SS_FIELD_EXTLEN:
      {
        g_autofree char *raw = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) f->value);
        g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, ((guint64) f->value + 1) * 8);

        /* TRANSLATORS: an IPv6 extension header length, "0 (8 bytes)" */
        return g_strdup_printf (C_("packet value", "%s (%s bytes)"), raw, bytes);
      }
    case SS_FIELD_UNITS8:
      {
        g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) f->value * 8);
        g_autofree char *units = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) f->value);

        /* a fragment offset, "1256 bytes (157)": the raw count of 8-byte units in brackets */
        return g_strdup_printf (C_("packet value", "%s bytes (%s)"), bytes, units);
      }
    case SS_FIELD_UINT:
    case SS_FIELD_HEX:
      name = ss_value_name (f->names, f->value);
      if (name == NULL)
        break;
      /* The number alone, then the name in the UI language before it. */
      bare = *f;
      bare.names = SS_NAMES_NONE;
      ss_field_format (&bare, data, caplen, buf, sizeof buf);
      return g_strdup_printf ("%s (%s)", value_name_translate (name), buf);
    default:
      break;
    }
  return g_strdup (ss_field_format (f, data, caplen, buf, sizeof buf));
}
