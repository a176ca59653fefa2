/* test-field-names.c: every label the decoder writes into a field tree, and every value name
 * the tree shows, has an entry in the UI's table (app/ui/sockscope-field-names.c), and so a
 * translation: in French none of them reads as the English.
 *
 * The trees walked: real captures (tests/tshark/golden: a TCP handshake with Linux's SYN
 * options, Ethernet, IPv4 and IPv6, UDP, ICMP and ICMPv6 errors, ARP, TCP and UDP headers cut at
 * every length, damaged frames), the fuzz corpus (Linux cooked captures, pcapng), and the
 * hand-built frames that make the decoder emit every field id it has (loopback, VLAN, IPv6
 * extension headers, IP options). Value names are checked over every value of every table. */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "frames.h"
#include "sockscope-capture.h"
#include "sockscope-decoder.h"
#include "sockscope-field-names.h"

typedef struct
{
  GHashTable *labels;   /* English label → "where it was seen" */
  GHashTable *names;    /* English value name → where */
  GHashTable *ids;      /* field ids seen */
  guint       n_trees;
} Seen;

static void
seen_free (Seen *seen)
{
  g_hash_table_unref (seen->labels);
  g_hash_table_unref (seen->names);
  g_hash_table_unref (seen->ids);
}

static void
walk_tree (Seen         *seen,
           const char   *where,
           guint         linktype,
           const guint8 *data,
           guint32       caplen,
           guint32       origlen)
{
  SsField fields[512];
  SsDecodeResult res;

  ss_packet_decode (linktype, data, caplen, origlen, fields, G_N_ELEMENTS (fields), &res);
  g_assert_cmpuint (res.n_dropped, ==, 0);
  seen->n_trees++;
  for (gsize f = 0; f < res.n_fields; f++)
    {
      const char *name = ss_value_name (fields[f].names, fields[f].value);

      g_hash_table_add (seen->ids, (gpointer) fields[f].id);
      if (!g_hash_table_contains (seen->labels, fields[f].label))
        g_hash_table_insert (seen->labels, (gpointer) fields[f].label,
                             g_strdup_printf ("%s, field %s", where, fields[f].id));
      if ((fields[f].kind == SS_FIELD_UINT || fields[f].kind == SS_FIELD_HEX) && name != NULL
          && !g_hash_table_contains (seen->names, name))
        g_hash_table_insert (seen->names, (gpointer) name,
                             g_strdup_printf ("%s, field %s", where, fields[f].id));
    }
}

static void
walk_capture (Seen       *seen,
              const char *dir,
              const char *file)
{
  g_autofree char *path = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), dir, file, NULL);
  SsCaptureReader *reader = ss_capture_reader_open (path);
  SsCapturePacket pkt;
  guint n = 0;

  g_assert_nonnull (reader);
  while (ss_capture_reader_next (reader, &pkt) == 1)
    {
      g_autofree char *where = g_strdup_printf ("%s packet %u", file, ++n);

      walk_tree (seen, where, pkt.linktype, pkt.data, pkt.caplen, pkt.origlen);
    }
  g_assert_null (ss_capture_reader_error (reader));
  g_assert_cmpuint (n, >, 0);
  ss_capture_reader_close (reader);
}

static Seen
walk_all (void)
{
  static const struct { const char *dir, *file; } captures[] = {
    { "tests/tshark/golden", "handshake.pcap" },
    { "tests/tshark/golden", "analysis.pcap" },
    { "tests/tshark/golden", "mutated.pcap" },
    { "tests/tshark/golden", "cut-tcp.pcap" },
    { "tests/tshark/golden", "cut-udp.pcap" },
    { "tests/fuzz/corpus-capture", "pcapng-icmpv6.pcapng" },
    { "tests/fuzz/corpus-capture", "pcapng-sections.pcapng" },
    { "tests/fuzz/corpus-capture", "pcapng-le-spb-opb.pcapng" },
  };
  Seen seen = {
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free),
    g_hash_table_new (g_str_hash, g_str_equal),
    0,
  };
  guint n_frames;
  TestFrame *frames;

  for (guint i = 0; i < G_N_ELEMENTS (captures); i++)
    walk_capture (&seen, captures[i].dir, captures[i].file);

  frames = test_frames_all (&n_frames);
  for (guint i = 0; i < n_frames; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (frames[i].bytes, &size);
      g_autofree char *where = g_strdup_printf ("hand-built frame %u", i);

      walk_tree (&seen, where, frames[i].linktype, data, size, size);
    }
  test_frames_free (frames, n_frames);
  return seen;
}

/* What a student meets in these captures: the layers and the fields of the lessons. */
static void
test_walk_covers_the_lessons (void)
{
  Seen seen = walk_all ();
  static const char *const ids[] = {
    "null", "eth", "arp", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "sll", "vlan",
    "tcp.options.mss", "tcp.options.timestamp", "tcp.options.wscale", "tcp.options.sack_perm",
    "ip.flags.df", "icmp.type", "icmpv6.type", "arp.opcode",
  };

  g_test_message ("%u trees, %u field ids, %u distinct labels, %u distinct value names",
                  seen.n_trees, g_hash_table_size (seen.ids), g_hash_table_size (seen.labels),
                  g_hash_table_size (seen.names));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (!g_hash_table_contains (seen.ids, ids[i]))
      g_test_fail_printf ("no tree walked has a %s field", ids[i]);
  g_assert_cmpuint (g_hash_table_size (seen.labels), >, 100);
  seen_free (&seen);
}

static void
test_every_label_has_an_entry (void)
{
  Seen seen = walk_all ();
  GHashTableIter iter;
  gpointer label, where;

  g_hash_table_iter_init (&iter, seen.labels);
  while (g_hash_table_iter_next (&iter, &label, &where))
    if (!sockscope_field_label_known (label))
      g_test_fail_printf ("label “%s” (%s) has no entry in sockscope-field-names.c",
                          (char *) label, (char *) where);
  g_hash_table_iter_init (&iter, seen.names);
  while (g_hash_table_iter_next (&iter, &label, &where))
    if (!sockscope_field_value_name_known (label))
      g_test_fail_printf ("value name “%s” (%s) has no entry in sockscope-field-names.c",
                          (char *) label, (char *) where);
  seen_free (&seen);
}

/* Option names are also the labels of option nodes; every other table names values. */
static gboolean
names_are_labels (guint table)
{
  return table == SS_NAMES_TCP_OPT || table == SS_NAMES_IPV4_OPT || table == SS_NAMES_IPV6_OPT;
}

static void
test_every_value_name_has_an_entry (void)
{
  guint n = 0;

  for (guint table = SS_NAMES_NONE + 1; table <= SS_NAMES_NULL_FAMILY; table++)
    for (guint v = 0; v <= 0xffff; v++)
      {
        const char *name = ss_value_name (table, v);

        if (name == NULL)
          continue;
        n++;
        if (!sockscope_field_value_name_known (name))
          g_test_fail_printf ("value name “%s” (table %u, value %u) has no entry", name, table, v);
        if (names_are_labels (table) && !sockscope_field_label_known (name))
          g_test_fail_printf ("option name “%s” (table %u) has no label entry", name, table);
      }
  g_test_message ("%u named values", n);
  g_assert_cmpuint (n, >, 60);
}

static void
use_french (void)
{
  g_setenv ("LANGUAGE", "fr", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* Labels French writes as English does (acronyms, names of headers and options). */
static gboolean
same_in_french (const char *english)
{
  static const char *const same[] = {
    "Code", "Destination", "Ethernet II", "Fin (FIN)", "Identification", "MTU", "Null/Loopback",
    "Options", "Pad1", "PadN", "SACK", "Source", "Type", "Urgent (URG)", "Version",
  };

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    if (g_str_equal (english, same[i]))
      return TRUE;
  return FALSE;
}

static void
test_french_translations (void)
{
  Seen seen = walk_all ();
  GHashTableIter iter;
  gpointer label, where;
  guint translated = 0;

  use_french ();
  g_hash_table_iter_init (&iter, seen.labels);
  while (g_hash_table_iter_next (&iter, &label, &where))
    {
      const char *fr = sockscope_field_label_translate (label);

      if (!g_str_equal (fr, label))
        translated++;
      else if (!same_in_french (label))
        g_test_fail_printf ("label “%s” (%s) reads in English in French", (char *) label,
                            (char *) where);
    }
  g_assert_cmpuint (translated, >, 90);
  g_assert_cmpstr (sockscope_field_label_translate ("Source port"), ==, "Port source");
  g_assert_cmpstr (sockscope_field_label_translate ("Sequence number"), ==, "Numéro de séquence");
  g_assert_cmpstr (sockscope_field_label_translate ("Checksum"), ==, "Somme de contrôle");
  g_assert_cmpstr (sockscope_field_label_translate ("Time to live"), ==, "Durée de vie (TTL)");
  g_assert_cmpstr (sockscope_field_label_translate ("Don't fragment"), ==, "Ne pas fragmenter");
  /* Unknown text goes through unchanged (and would have failed the walk above). */
  g_assert_cmpstr (sockscope_field_label_translate ("No such label"), ==, "No such label");
  seen_free (&seen);
}

/* The value words: "Set", "20 bytes (5)", "Echo request (8)". */
static void
test_french_values (void)
{
  SsField flag = { .id = "ip.flags.df", .label = "Don't fragment", .value = 1, .kind = SS_FIELD_FLAG };
  SsField hlen = { .id = "tcp.hdr_len", .label = "Header length", .value = 40, .kind = SS_FIELD_WORDS4 };
  SsField icmp = { .id = "icmp.type", .label = "Type", .value = 8, .length = 1,
                   .kind = SS_FIELD_UINT, .names = SS_NAMES_ICMP_TYPE };
  SsField proto = { .id = "ip.proto", .label = "Protocol", .value = 6, .length = 1,
                    .kind = SS_FIELD_UINT, .names = SS_NAMES_IPPROTO };
  g_autofree char *set_en = sockscope_field_value_text (&flag, NULL, 0);
  g_autofree char *hlen_en = sockscope_field_value_text (&hlen, NULL, 0);
  g_autofree char *icmp_en = sockscope_field_value_text (&icmp, NULL, 0);
  g_autofree char *set_fr = NULL, *hlen_fr = NULL, *icmp_fr = NULL, *proto_fr = NULL;
  char buf[SS_TEXT_MAX];

  /* In English, what the decoder (and the CLI) writes. */
  g_assert_cmpstr (set_en, ==, ss_field_format (&flag, NULL, 0, buf, sizeof buf));
  g_assert_cmpstr (hlen_en, ==, ss_field_format (&hlen, NULL, 0, buf, sizeof buf));
  g_assert_cmpstr (icmp_en, ==, ss_field_format (&icmp, NULL, 0, buf, sizeof buf));

  use_french ();
  set_fr = sockscope_field_value_text (&flag, NULL, 0);
  hlen_fr = sockscope_field_value_text (&hlen, NULL, 0);
  icmp_fr = sockscope_field_value_text (&icmp, NULL, 0);
  proto_fr = sockscope_field_value_text (&proto, NULL, 0);
  g_assert_cmpstr (set_fr, ==, "Activé");
  g_assert_cmpstr (hlen_fr, ==, "40 octets (10)");
  g_assert_cmpstr (icmp_fr, ==, "Demande d’écho (8)");
  g_assert_cmpstr (proto_fr, ==, "TCP (6)");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/field-names/walk-covers-the-lessons", test_walk_covers_the_lessons);
  g_test_add_func ("/field-names/every-label-has-an-entry", test_every_label_has_an_entry);
  g_test_add_func ("/field-names/every-value-name-has-an-entry", test_every_value_name_has_an_entry);
  g_test_add_func ("/field-names/french-values", test_french_values);
  g_test_add_func ("/field-names/french", test_french_translations);
  return g_test_run ();
}
