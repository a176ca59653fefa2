/* test-packet-detail.c: the field tree and the hex view of a real packet, in a real window: one
 * line a field from IP, the link layer folded, the selected field explained under the tree, its
 * bytes lit in hex and ASCII, the ASCII column on screen however narrow the view; in French,
 * the decoder's labels and value words in French. */
#include "config.h"

#include <locale.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "frames.h"
#include "sockscope-decoder.h"
#include "sockscope-field-help.h"
#include "sockscope-field-names.h"
#include "sockscope-hex-view.h"
#include "sockscope-packet-detail.h"
#include "test-util.h"

typedef struct
{
  GtkWidget             *window;
  SockscopePacketDetail *detail;
  SockscopeHexView      *hex;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->detail = SOCKSCOPE_PACKET_DETAIL (sockscope_packet_detail_new ());
  f->hex = SOCKSCOPE_HEX_VIEW (sockscope_packet_detail_get_hex_view (f->detail));
  f->window = test_show_in_window (GTK_WIDGET (f->detail), 1100, 760);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
}

static guint
decoder_field_count (guint   linktype,
                     GBytes *frame)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (frame, &size);
  SsDecodeResult res;
  SsField fields[256];

  ss_packet_decode (linktype, data, size, size, fields, G_N_ELEMENTS (fields), &res);
  return res.n_fields;
}

static guint
visible_rows (Fixture *f)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (test_find_descendant (GTK_WIDGET (f->detail), GTK_TYPE_COLUMN_VIEW));

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view)));
}

static void
assert_row (Fixture    *f,
            guint       row,
            const char *field_id,
            const char *label,
            gboolean    expanded)
{
  const char *id = NULL;
  gboolean open = FALSE;

  g_assert_cmpstr (sockscope_packet_detail_get_row (f->detail, row, &id, &open), ==, label);
  g_assert_cmpstr (id, ==, field_id);
  g_assert_cmpint (open, ==, expanded);
}

/* The height of the tallest row the tree shows. */
static int
max_row_height (Fixture *f)
{
  GtkWidget *view = test_find_descendant (GTK_WIDGET (f->detail), GTK_TYPE_COLUMN_VIEW);
  int height = 0;

  for (GtkWidget *list = gtk_widget_get_first_child (view); list != NULL; list = gtk_widget_get_next_sibling (list))
    if (GTK_IS_LIST_VIEW (list))
      for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
        if (gtk_widget_get_mapped (row) && g_str_equal (gtk_widget_get_css_name (row), "row"))
          height = MAX (height, gtk_widget_get_height (row));
  g_assert_cmpint (height, >, 0);
  return height;
}

static void
assert_highlight (Fixture *f,
                  guint    offset,
                  guint    length)
{
  guint o, l;

  g_assert_true (sockscope_hex_view_get_highlight (f->hex, &o, &l));
  g_assert_cmpuint (o, ==, offset);
  g_assert_cmpuint (l, ==, length);
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), "Select a packet to see its fields"));
  g_assert_cmpuint (sockscope_packet_detail_get_n_fields (f->detail), ==, 0);
  g_assert_null (sockscope_packet_detail_get_selected_field (f->detail));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (f->hex)));
}

static void
test_syn (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GBytes) syn = test_frame_tcp_syn ();
  guint n = decoder_field_count (LINKTYPE_ETHERNET, syn);

  sockscope_packet_detail_set_packet (f->detail, LINKTYPE_ETHERNET, syn);
  test_wait_for_draw (GTK_WIDGET (f->detail));

  /* Ethernet, IPv4 and TCP with five options: IP one line with its addresses, TCP open (its
   * sub-fields folded), Ethernet one folded line, last. */
  g_assert_cmpuint (n, >=, 60);
  g_assert_cmpuint (sockscope_packet_detail_get_n_fields (f->detail), ==, n);
  assert_row (f, 0, "ip", "Internet Protocol version 4", FALSE);
  assert_row (f, 1, "tcp", "Transmission Control Protocol", TRUE);
  assert_row (f, 2, "tcp.srcport", "Source port", FALSE);
  assert_row (f, visible_rows (f) - 1, "eth", "Ethernet II", FALSE);
  g_assert_cmpuint (visible_rows (f), <, 20);
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), "10.0.0.1 → 10.0.0.2"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), "40000 → 5000"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), "0x002 (SYN)"));
  /* Wireshark's density: one line a field. */
  g_assert_cmpint (max_row_height (f), <=, 22);
  g_assert_cmpint (max_row_height (f), >=, 14);
  g_assert_null (sockscope_packet_detail_get_warning (f->detail));
  g_assert_null (test_find_label (GTK_WIDGET (f->detail), "Warning"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), "Transmission Control Protocol"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->hex)));
  g_assert_false (sockscope_hex_view_get_highlight (f->hex, NULL, NULL));

  /* Selecting a field lights up its bytes. */
  g_assert_true (sockscope_packet_detail_select_field (f->detail, "tcp.dstport"));
  test_wait_for_draw (GTK_WIDGET (f->detail));
  g_assert_cmpstr (sockscope_packet_detail_get_selected_field (f->detail), ==, "tcp.dstport");
  assert_highlight (f, 36, 2);
  /* Under the tree, on screen, what it means. */
  g_assert_cmpstr (sockscope_packet_detail_get_help (f->detail), ==, sockscope_field_help_lookup ("tcp.dstport"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), sockscope_field_help_lookup ("tcp.dstport")));
  /* Its bytes, in hex and in ASCII, beside each other on screen. */
  {
    graphene_rect_t hex_area, ascii_area;

    g_assert_cmpuint (sockscope_hex_view_get_bytes_per_line (f->hex), ==, 16);
    g_assert_true (sockscope_hex_view_get_byte_area (f->hex, 36, FALSE, &hex_area));
    g_assert_true (sockscope_hex_view_get_byte_area (f->hex, 36, TRUE, &ascii_area));
    g_assert_cmpfloat (ascii_area.origin.x, >, hex_area.origin.x + hex_area.size.width);
    g_assert_cmpfloat (ascii_area.origin.x + ascii_area.size.width, <=, gtk_widget_get_width (GTK_WIDGET (f->hex)));
  }
  test_screenshot (GTK_WIDGET (f->detail), "packet-detail");

  test_set_dark (TRUE);
  sockscope_packet_detail_select_field (f->detail, "tcp.options.mss_val");
  test_screenshot (GTK_WIDGET (f->detail), "packet-detail-dark");
  test_set_dark (FALSE);

  g_assert_false (sockscope_packet_detail_select_field (f->detail, "udp.srcport"));
  g_assert_cmpstr (sockscope_packet_detail_get_selected_field (f->detail), ==, "tcp.options.mss_val");
}

static void
test_click_byte (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) syn = test_frame_tcp_syn ();
  graphene_rect_t first, hex, ascii;
  guint offset;

  sockscope_packet_detail_set_packet (f->detail, LINKTYPE_ETHERNET, syn);
  test_wait_for_draw (GTK_WIDGET (f->detail));

  /* Byte 23, second line, eighth byte, in both columns: where a click finds it. */
  g_assert_true (sockscope_hex_view_get_byte_area (f->hex, 0, FALSE, &first));
  g_assert_true (sockscope_hex_view_get_byte_area (f->hex, 23, FALSE, &hex));
  g_assert_true (sockscope_hex_view_get_byte_area (f->hex, 23, TRUE, &ascii));
  g_assert_cmpfloat (hex.origin.y, >, first.origin.y);
  g_assert_cmpfloat (ascii.origin.x, >, hex.origin.x + hex.size.width);
  g_assert_true (sockscope_hex_view_get_byte_at (f->hex, hex.origin.x + hex.size.width / 2,
                                                 hex.origin.y + hex.size.height / 2, &offset));
  g_assert_cmpuint (offset, ==, 23);
  g_assert_true (sockscope_hex_view_get_byte_at (f->hex, ascii.origin.x + ascii.size.width / 2,
                                                 ascii.origin.y + ascii.size.height / 2, &offset));
  g_assert_cmpuint (offset, ==, 23);
  g_assert_false (sockscope_hex_view_get_byte_at (f->hex, 2, hex.origin.y + 2, &offset));

  /* What the click does: the innermost field holding the byte is selected. */
  g_signal_emit_by_name (f->hex, "byte-activated", 23u);
  g_assert_cmpstr (sockscope_packet_detail_get_selected_field (f->detail), ==, "ip.proto");
  assert_highlight (f, 23, 1);

  /* The TCP flags all share two bytes: their parent is the one to select. */
  g_signal_emit_by_name (f->hex, "byte-activated", 47u);
  g_assert_cmpstr (sockscope_packet_detail_get_selected_field (f->detail), ==, "tcp.flags");

  /* The keyboard walks the bytes and the tree follows. */
  gtk_widget_grab_focus (GTK_WIDGET (f->hex));
  sockscope_packet_detail_select_field (f->detail, "ip.ttl");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->hex), "hex.move-cursor", "i", 1));
  g_assert_cmpstr (sockscope_packet_detail_get_selected_field (f->detail), ==, "ip.proto");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->hex), "hex.move-cursor", "i", 16));
  g_assert_cmpstr (sockscope_packet_detail_get_selected_field (f->detail), ==, "tcp.seq_raw");
}

static void
test_collapsed (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) syn = test_frame_tcp_syn ();
  GtkColumnView *view;
  GListModel *rows;

  sockscope_packet_detail_set_packet (f->detail, LINKTYPE_ETHERNET, syn);
  view = GTK_COLUMN_VIEW (test_find_descendant (GTK_WIDGET (f->detail), GTK_TYPE_COLUMN_VIEW));
  rows = G_LIST_MODEL (gtk_column_view_get_model (view));
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      gtk_tree_list_row_set_expanded (row, FALSE);
    }
  g_assert_cmpuint (visible_rows (f), ==, 3);

  /* A field deep inside collapsed headers is revealed and selected. */
  g_assert_true (sockscope_packet_detail_select_field (f->detail, "tcp.options.mss_val"));
  g_assert_cmpstr (sockscope_packet_detail_get_selected_field (f->detail), ==, "tcp.options.mss_val");
  assert_highlight (f, 56, 2);
  test_wait_for_draw (GTK_WIDGET (f->detail));
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), "Maximum segment size"));
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) cut = test_frame_truncated ();
  const char *warning;

  /* Cut by the capture's snap length: 50 of 74 bytes. */
  sockscope_packet_detail_set_packet_full (f->detail, LINKTYPE_ETHERNET, cut, 74);
  test_wait_for_draw (GTK_WIDGET (f->detail));

  warning = sockscope_packet_detail_get_warning (f->detail);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "TCP"));
  g_assert_nonnull (strstr (warning, "captured"));
  /* The warning is the first row, with the decoder's reason next to it. */
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), "Warning"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), warning));
  assert_row (f, 0, NULL, "Warning", FALSE);
  assert_row (f, 1, "ip", "Internet Protocol version 4", FALSE);
  /* What was captured is still decoded. */
  g_assert_true (sockscope_packet_detail_select_field (f->detail, "ip.proto"));
  test_screenshot (GTK_WIDGET (f->detail), "packet-detail-truncated");

  /* The same bytes as a whole frame: the IPv4 length is a lie. */
  sockscope_packet_detail_set_packet (f->detail, LINKTYPE_ETHERNET, cut);
  g_assert_nonnull (strstr (sockscope_packet_detail_get_warning (f->detail), "IPv4 total length"));

  sockscope_packet_detail_set_packet (f->detail, 0, NULL);
  test_wait_for_draw (GTK_WIDGET (f->detail));
  g_assert_null (sockscope_packet_detail_get_warning (f->detail));
  g_assert_nonnull (test_find_label (GTK_WIDGET (f->detail), "Select a packet to see its fields"));
}

static void
test_hex_view_alone (void)
{
  g_autoptr(GBytes) syn = test_frame_tcp_syn ();
  SockscopeHexView *hex = SOCKSCOPE_HEX_VIEW (sockscope_hex_view_new ());
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *window;
  guint o, l;

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (hex));
  window = test_show_in_window (scroll, 640, 200);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (hex)));

  sockscope_hex_view_set_bytes (hex, syn);
  /* A range past the end is cut to the bytes there are. */
  sockscope_hex_view_set_highlight (hex, 70, 10);
  g_assert_true (sockscope_hex_view_get_highlight (hex, &o, &l));
  g_assert_cmpuint (o, ==, 70);
  g_assert_cmpuint (l, ==, 4);
  sockscope_hex_view_set_highlight (hex, 100, 2);
  g_assert_false (sockscope_hex_view_get_highlight (hex, NULL, NULL));

  sockscope_hex_view_set_highlight (hex, 34, 20);
  test_screenshot (scroll, "hex-view");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Too narrow for 16 bytes and their text: 8 a line, the ASCII column still on screen. */
  scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  hex = SOCKSCOPE_HEX_VIEW (sockscope_hex_view_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), GTK_WIDGET (hex));
  sockscope_hex_view_set_bytes (hex, syn);
  window = test_show_in_window (scroll, 380, 300);
  test_wait_for_draw (GTK_WIDGET (hex));
  g_assert_cmpuint (sockscope_hex_view_get_bytes_per_line (hex), ==, 8);
  {
    g_autofree char *line = sockscope_hex_view_get_line_text (hex, 1);
    graphene_rect_t ascii;

    /* Bytes 8 to 15: the end of the source MAC, the EtherType, IPv4's first two bytes. */
    g_assert_cmpstr (line, ==, "0008  00 00 00 01 08 00 45 00  ......E.");
    g_assert_true (sockscope_hex_view_get_byte_area (hex, 15, TRUE, &ascii));
    g_assert_cmpfloat (ascii.origin.x + ascii.size.width, <=, gtk_widget_get_width (GTK_WIDGET (hex)));
  }
  test_screenshot (scroll, "hex-view-narrow");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* In French the tree reads in French: labels from the decoder's English through the UI's
 * table, value words too; numbers, addresses and flag letters as they are. It switches the
 * language of the process: the tests after it look at no words. */
static void
test_french (void)
{
  g_autoptr(GBytes) syn = test_frame_tcp_syn ();
  gsize size;
  const guint8 *data = g_bytes_get_data (syn, &size);
  SsField fields[256];
  SsDecodeResult res;
  SockscopePacketDetail *detail;
  GtkWidget *window;
  guint n_rows;

  g_setenv ("LANGUAGE", "fr", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  detail = SOCKSCOPE_PACKET_DETAIL (sockscope_packet_detail_new ());
  window = test_show_in_window (GTK_WIDGET (detail), 1100, 760);
  sockscope_packet_detail_set_packet (detail, LINKTYPE_ETHERNET, syn);
  test_wait_for_draw (GTK_WIDGET (detail));

  /* The first rows, as a French student reads them. */
  {
    Fixture f = { window, detail, NULL };

    assert_row (&f, 0, "ip", "Protocole IPv4", FALSE);
    assert_row (&f, 1, "tcp", "Protocole TCP", TRUE);
    assert_row (&f, 2, "tcp.srcport", "Port source", FALSE);
    assert_row (&f, 3, "tcp.dstport", "Port de destination", FALSE);
    assert_row (&f, 4, "tcp.seq_raw", "N° de séquence (brut)", FALSE);
    assert_row (&f, 5, "tcp.ack_raw", "N° d’acquittement (brut)", FALSE);
    assert_row (&f, 6, "tcp.hdr_len", "Longueur de l’en-tête", FALSE);
    assert_row (&f, 7, "tcp.flags", "Drapeaux", FALSE);
    assert_row (&f, 8, "tcp.window_size_value", "Fenêtre (brute)", FALSE);
    assert_row (&f, 9, "tcp.checksum", "Somme de contrôle", FALSE);
  }
  g_assert_nonnull (test_find_label (GTK_WIDGET (detail), "Champ"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (detail), "Valeur"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (detail), "40 octets (10)"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (detail), "0x002 (SYN)"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (detail), "couche liaison"));
  g_assert_null (test_find_label (GTK_WIDGET (detail), "Source port"));
  g_assert_null (test_find_label (GTK_WIDGET (detail), "20 bytes (5)"));

  /* Every row on screen: the French of the decoder's label, never the English (but for the
   * few French writes the same way). */
  ss_packet_decode (LINKTYPE_ETHERNET, data, size, size, fields, G_N_ELEMENTS (fields), &res);
  n_rows = 0;
  for (guint row = 0;; row++)
    {
      const char *id = NULL, *english = NULL;
      const char *label = sockscope_packet_detail_get_row (detail, row, &id, NULL);

      if (label == NULL)
        break;
      n_rows++;
      for (gsize i = 0; i < res.n_fields && english == NULL; i++)
        if (g_str_equal (fields[i].id, id))
          english = fields[i].label;
      g_assert_nonnull (english);
      g_assert_cmpstr (label, ==, sockscope_field_label_translate (english));
      if (g_str_equal (label, english) && !g_str_equal (english, "Options") && !g_str_equal (english, "Ethernet II"))
        g_test_fail_printf ("row %u (%s) reads in English: “%s”", row, id, label);
    }
  g_assert_cmpuint (n_rows, >=, 12);

  /* A flag's value, once its row is open. */
  g_assert_true (sockscope_packet_detail_select_field (detail, "tcp.flags.syn"));
  test_wait_for_draw (GTK_WIDGET (detail));
  g_assert_nonnull (test_find_label (GTK_WIDGET (detail), "Synchronisation (SYN)"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (detail), "Activé"));
  g_assert_nonnull (test_find_label (GTK_WIDGET (detail), "Désactivé"));
  g_assert_null (test_find_label (GTK_WIDGET (detail), "Not set"));
  test_screenshot (GTK_WIDGET (detail), "packet-detail-fr");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  test_ui_init (&argc, &argv);

  g_test_add ("/packet-detail/empty", Fixture, NULL, fixture_set_up, test_empty, fixture_tear_down);
  g_test_add ("/packet-detail/syn", Fixture, NULL, fixture_set_up, test_syn, fixture_tear_down);
  g_test_add ("/packet-detail/click-byte", Fixture, NULL, fixture_set_up, test_click_byte, fixture_tear_down);
  g_test_add ("/packet-detail/collapsed", Fixture, NULL, fixture_set_up, test_collapsed, fixture_tear_down);
  g_test_add ("/packet-detail/truncated", Fixture, NULL, fixture_set_up, test_truncated, fixture_tear_down);
  g_test_add_func ("/hex-view/alone", test_hex_view_alone);
  g_test_add_func ("/packet-detail/french", test_french);
  return g_test_run ();
}
