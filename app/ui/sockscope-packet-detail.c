/* sockscope-packet-detail.c: the decoder's field tree in a GtkColumnView (Field | Value), one
 * line a field as in Wireshark, above the selected field's explanation and a SockscopeHexView
 * (offset, hex, ASCII). Selection flows both ways: a selected field lights up its bytes in hex
 * and ASCII, a clicked byte selects the innermost field that covers it.
 *
 * The tree starts at the network layer, one line for IP with its addresses, then TCP or UDP,
 * expanded (their sub-fields folded): what the lesson's calls make; the link header (Ethernet,
 * whose addresses are zeros on the lab's loopback, or the loopback header) is one folded line
 * after them.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sockscope-decoder.h"
#include "sockscope-field-help.h"
#include "sockscope-field-names.h"
#include "sockscope-hex-view.h"
#include "sockscope-packet-detail.h"
#include "sockscope-packet-info.h"

/* One row of the tree: a decoded field, or the warning of a damaged frame (index -1). */
#define SOCKSCOPE_TYPE_FIELD_ITEM (sockscope_field_item_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeFieldItem, sockscope_field_item, SOCKSCOPE, FIELD_ITEM, GObject)

struct _SockscopeFieldItem
{
  GObject     parent_instance;

  int         index;
  char       *label;
  char       *value;
  const char *help;
  gboolean    link;     /* the link layer's header: folded, last */
  GListStore *children;
};

G_DEFINE_FINAL_TYPE (SockscopeFieldItem, sockscope_field_item, G_TYPE_OBJECT)

static void
sockscope_field_item_finalize (GObject *object)
{
  SockscopeFieldItem *self = SOCKSCOPE_FIELD_ITEM (object);

  g_free (self->label);
  g_free (self->value);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (sockscope_field_item_parent_class)->finalize (object);
}

static void
sockscope_field_item_class_init (SockscopeFieldItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sockscope_field_item_finalize;
}

static void
sockscope_field_item_init (SockscopeFieldItem *self)
{
  self->children = g_list_store_new (SOCKSCOPE_TYPE_FIELD_ITEM);
}

struct _SockscopePacketDetail
{
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkColumnView      *column_view;
  GtkLabel           *help;
  GtkSingleSelection *selection;
  SockscopeHexView   *hex_view;

  GBytes             *frame;
  SsField            *fields;
  guint               n_fields;
  char               *warning;
  char               *wire;         /* what the wire did to this packet, or NULL */
  int                 selected;   /* field index, -1 when none */
  guint               scroll_to;  /* row to scroll to on the next frame */
  guint               scroll_tick;
  gint64              scroll_frame;  /* ...once this frame is reached */
  GtkBox             *split;         /* the tree and the bytes */
  GtkWidget          *hex_scroll;
  gboolean            side_by_side;  /* a short pane: the bytes beside the tree, not under it */
  guint               split_tick;
};

enum {
  PROP_0,
  PROP_SELECTED_FIELD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SockscopePacketDetail, sockscope_packet_detail, GTK_TYPE_WIDGET)

static SockscopeFieldItem *
row_item (gpointer row)
{
  return SOCKSCOPE_FIELD_ITEM (gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (row)));
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  SockscopeFieldItem *field = item;

  if (g_list_model_get_n_items (G_LIST_MODEL (field->children)) == 0)
    return NULL;
  return g_object_ref (G_LIST_MODEL (field->children));
}

/* Columns. Each factory builds its cell once (setup) and fills it per row (bind). */

static void
setup_field_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (icon, "warning");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

static void
bind_field_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_last_child (box);
  g_autoptr(SockscopeFieldItem) item = row_item (row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (GTK_LABEL (label), item->label);
  gtk_widget_set_tooltip_text (label, item->help);
  gtk_widget_set_visible (icon, item->index < 0);
  /* Protocol headers stand out from their fields, as in Wireshark. */
  if (gtk_tree_list_row_get_depth (row) == 0)
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_remove_css_class (label, "heading");
}

static void
unbind_field_cell (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item)
{
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item)), NULL);
}

static void
setup_value_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
bind_value_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autoptr(SockscopeFieldItem) item = row_item (gtk_list_item_get_item (list_item));

  gtk_label_set_text (GTK_LABEL (label), item->value);
  /* Long values (bytes, a warning's reason) are cut: the tooltip has all. */
  gtk_widget_set_tooltip_text (label, item->value[0] != '\0' ? item->value : NULL);
}

static void
append_column (SockscopePacketDetail *self,
               const char            *title,
               GCallback              setup,
               GCallback              bind,
               GCallback              unbind,
               int                    fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", bind, NULL);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_fixed_width (column, fixed_width);
  gtk_column_view_column_set_expand (column, fixed_width < 0);
  gtk_column_view_append_column (self->column_view, column);
}

/* Selection and the hex view. */

static gboolean
field_contains (const SsField *f,
                guint          offset)
{
  return offset >= f->offset && offset - f->offset < f->length;
}

static gboolean
is_ancestor (SockscopePacketDetail *self,
             int                    ancestor,
             int                    index)
{
  for (int i = self->fields[index].parent; i >= 0; i = self->fields[i].parent)
    if (i == ancestor)
      return TRUE;
  return FALSE;
}

/* The deepest field covering the byte. Bit fields share their bytes with their siblings
 * (all the TCP flags sit in one byte): then the parent, which they all belong to, wins. */
static int
innermost_field (SockscopePacketDetail *self,
                 guint                  offset)
{
  int best = -1;
  gboolean shared = FALSE;

  for (guint i = 0; i < self->n_fields; i++)
    {
      const SsField *f = &self->fields[i];

      if (!field_contains (f, offset))
        continue;
      if (best < 0 || f->depth > self->fields[best].depth
          || (f->depth == self->fields[best].depth && f->length < self->fields[best].length))
        {
          best = i;
          shared = FALSE;
        }
      else if (f->depth == self->fields[best].depth && f->length == self->fields[best].length)
        shared = TRUE;
    }
  if (shared && self->fields[best].parent >= 0
      && field_contains (&self->fields[self->fields[best].parent], offset))
    best = self->fields[best].parent;
  return best;
}

/* GTK 4.8 has no gtk_column_view_scroll_to(); the inner list view has the action. It can only
 * scroll to rows it has laid out: rows just revealed by expanding get laid out in the next
 * frame, so the scroll waits for the frame after it. */
static gboolean
scroll_to_pending (GtkWidget     *column_view,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  SockscopePacketDetail *self = user_data;

  if (gdk_frame_clock_get_frame_counter (clock) < self->scroll_frame)
    return G_SOURCE_CONTINUE;
  for (GtkWidget *child = gtk_widget_get_first_child (column_view);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", self->scroll_to);
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
scroll_to_position (SockscopePacketDetail *self,
                    guint                  position)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  self->scroll_to = position;
  self->scroll_frame = clock != NULL ? gdk_frame_clock_get_frame_counter (clock) + 2 : 0;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->column_view),
                                                      scroll_to_pending, self, NULL);
}

static gboolean
select_index (SockscopePacketDetail *self,
              int                    index)
{
  GListModel *rows = gtk_single_selection_get_model (self->selection);

  /* Walking the rows in order, expanding the target's ancestors as they come, reaches the
   * target even inside collapsed headers: expanding inserts the children right after. */
  for (guint pos = 0; pos < g_list_model_get_n_items (rows); pos++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, pos);
      g_autoptr(SockscopeFieldItem) item = row_item (row);

      if (item->index == index)
        {
          gtk_single_selection_set_selected (self->selection, pos);
          scroll_to_position (self, pos);
          return TRUE;
        }
      if (item->index >= 0 && is_ancestor (self, item->index, index))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
  return FALSE;
}

/* Under the tree, what the selected field means; before any, what to do. */
static void
update_help (SockscopePacketDetail *self,
             GtkTreeListRow        *row)
{
  g_autoptr(SockscopeFieldItem) item = row != NULL ? row_item (row) : NULL;

  if (item != NULL && item->help != NULL)
    gtk_label_set_text (self->help, item->help);
  else
    gtk_label_set_text (self->help, _("Select a field to read what it means and to see its bytes."));
}

static void
on_selected_item_changed (SockscopePacketDetail *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);
  int index = -1;

  if (row != NULL)
    {
      g_autoptr(SockscopeFieldItem) item = row_item (row);
      index = item->index;
    }
  if (index >= 0)
    sockscope_hex_view_set_highlight (self->hex_view, self->fields[index].offset, self->fields[index].length);
  else
    sockscope_hex_view_set_highlight (self->hex_view, 0, 0);
  update_help (self, row);

  if (index != self->selected)
    {
      self->selected = index;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_FIELD]);
    }
}

static void
on_byte_activated (SockscopePacketDetail *self,
                   guint                  offset)
{
  int index = innermost_field (self, offset);

  if (index >= 0 && index != self->selected)
    select_index (self, index);
}

/* Building the tree from a decode. */

static SockscopeFieldItem *
field_item_new (int         index,
                char       *label,
                char       *value,
                const char *help)
{
  SockscopeFieldItem *item = g_object_new (SOCKSCOPE_TYPE_FIELD_ITEM, NULL);

  item->index = index;
  item->label = label;
  item->value = value;
  item->help = help;
  return item;
}

static gboolean
is_link_header (const char *id)
{
  return g_str_equal (id, "eth") || g_str_equal (id, "null") || g_str_equal (id, "sll") ||
         g_str_equal (id, "vlan");
}

/* The value a row shows: the decoder's, with the TCP flags named ("0x012 (SYN, ACK)") and the
 * link header's line saying what it is. */
static char *
field_value_text (const SsField *f,
                  const char    *value)
{
  if (g_str_equal (f->id, "tcp.flags"))
    {
      static const struct { guint bit; char letter; } bits[] = {
        { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' }, { 0x10, '.' }, { 0x20, 'U' },
        { 0x40, 'E' }, { 0x80, 'W' },
      };
      char letters[G_N_ELEMENTS (bits) + 1];
      g_autofree char *names = NULL;
      guint n = 0;

      for (guint i = 0; i < G_N_ELEMENTS (bits); i++)
        if (f->value & bits[i].bit)
          letters[n++] = bits[i].letter;
      letters[n] = '\0';
      names = sockscope_packet_flag_names (letters);
      if (names[0] != '\0')
        return g_strdup_printf ("%s (%s)", value, names);
    }
  if (f->parent < 0 && is_link_header (f->id))
    return g_strdup (_("link layer"));
  return g_strdup (value);
}

/* Expands the innermost header (TCP, UDP, ICMP: what the lesson's calls make), the others a
 * line each with their addresses or ports, sub-fields folded. */
static void
expand_headers (GListModel *rows)
{
  g_autoptr(GtkTreeListRow) innermost = NULL;

  for (guint pos = 0; pos < g_list_model_get_n_items (rows); pos++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, pos);
      g_autoptr(SockscopeFieldItem) item = row_item (row);

      if (item->index >= 0 && !item->link)
        g_set_object (&innermost, row);
    }
  if (innermost != NULL)
    gtk_tree_list_row_set_expanded (innermost, TRUE);
}

/* A header's line says what a student looks for in it, as Wireshark's does: "127.0.0.1 →
 * 127.0.0.1", "41562 → 7777". */
static void
summarize_headers (SockscopePacketDetail *self,
                   GPtrArray             *items)
{
  static const struct { const char *header, *from, *to; } ends[] = {
    { "ip", "ip.src", "ip.dst" }, { "ipv6", "ipv6.src", "ipv6.dst" },
    { "tcp", "tcp.srcport", "tcp.dstport" }, { "udp", "udp.srcport", "udp.dstport" },
  };

  for (guint i = 0; i < self->n_fields; i++)
    for (guint e = 0; e < G_N_ELEMENTS (ends); e++)
      if (g_str_equal (self->fields[i].id, ends[e].header))
        {
          SockscopeFieldItem *header = items->pdata[i];
          const char *from = NULL, *to = NULL;

          for (guint j = i + 1; j < self->n_fields && self->fields[j].depth > self->fields[i].depth; j++)
            if (self->fields[j].parent == (int) i && g_str_equal (self->fields[j].id, ends[e].from))
              from = ((SockscopeFieldItem *) items->pdata[j])->value;
            else if (self->fields[j].parent == (int) i && g_str_equal (self->fields[j].id, ends[e].to))
              to = ((SockscopeFieldItem *) items->pdata[j])->value;
          if (from != NULL && to != NULL && header->value[0] == '\0')
            {
              g_free (header->value);
              header->value = g_strdup_printf ("%s → %s", from, to);
            }
        }
}

static GListStore *
build_tree (SockscopePacketDetail *self,
            const SsDecodeResult  *res)
{
  GListStore *roots = g_list_store_new (SOCKSCOPE_TYPE_FIELD_ITEM);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_object_unref);
  const guint8 *data = g_bytes_get_data (self->frame, NULL);
  guint32 caplen = g_bytes_get_size (self->frame);

  if (res->reason[0] != '\0')
    {
      const char *help = (res->summary.status & SS_STATUS_MALFORMED)
        ? _("A header contradicts itself (a length or a count that cannot be right), so the fields after it cannot be trusted.")
        : _("The capture kept only the first bytes of this frame, so the fields after them are missing.");
      g_autoptr(SockscopeFieldItem) warning = NULL;

      warning = field_item_new (-1, g_strdup (_("Warning")), g_strdup (res->reason), help);
      g_list_store_append (roots, warning);
    }
  if (self->wire != NULL)
    {
      /* TRANSLATORS: the packet detail's first row on two hosts: what the wire did to the frame */
      g_autoptr(SockscopeFieldItem) wire = field_item_new (-1, g_strdup (C_("packet field", "Wire")), g_strdup (self->wire),
                                                           _("What the wire between the two hosts did to this frame, as the lab logged it: the frame above was captured when its host sent it."));

      g_list_store_append (roots, wire);
    }

  for (guint i = 0; i < self->n_fields; i++)
    {
      const SsField *f = &self->fields[i];
      g_autofree char *value = NULL;
      SockscopeFieldItem *item;
      char *text;

      value = sockscope_field_value_text (f, data, caplen);
      text = field_value_text (f, value);
      item = field_item_new (i, g_strdup (sockscope_field_label_translate (f->label)), text, sockscope_field_help_lookup (f->id));
      g_ptr_array_add (items, item);
      /* Pre-order: a parent always comes before its children. */
      if (f->parent >= 0)
        g_list_store_append (((SockscopeFieldItem *) items->pdata[f->parent])->children, item);
      else if (is_link_header (f->id))
        {
          item->link = TRUE;
          g_ptr_array_add (links, g_object_ref (item));
        }
      else
        g_list_store_append (roots, item);
    }
  summarize_headers (self, items);
  /* The link layer after what it carries: one folded line. */
  for (guint i = 0; i < links->len; i++)
    g_list_store_append (roots, links->pdata[i]);
  return roots;
}

static void
decode (SockscopePacketDetail *self,
        guint                  linktype,
        guint32                origlen,
        SsDecodeResult        *res)
{
  const guint8 *data = g_bytes_get_data (self->frame, NULL);
  guint32 caplen = g_bytes_get_size (self->frame);
  guint max = 256;

  /* Most frames fit the first guess; the decoder says how many more it needed otherwise. */
  for (;;)
    {
      self->fields = g_renew (SsField, self->fields, max);
      ss_packet_decode (linktype, data, caplen, origlen, self->fields, max, res);
      if (res->n_dropped == 0)
        break;
      max = res->n_fields + res->n_dropped;
    }
  self->n_fields = res->n_fields;
}

/**
 * sockscope_packet_detail_set_packet_full:
 * @linktype: the capture's link type (DLT_*), as the decoder knows them
 * @frame: (nullable): the captured bytes, or %NULL for no packet
 * @origlen: the frame's length on the wire, more than the captured bytes when the capture
 *   cut it
 *
 * Shows the fields of @frame from the network layer, the innermost header expanded, the others,
 * sub-fields and the link layer folded, nothing selected. A truncated or malformed frame gets a warning row,
 * first, with the decoder's reason.
 */
void
sockscope_packet_detail_set_packet_full (SockscopePacketDetail *self,
                                         guint                  linktype,
                                         GBytes                *frame,
                                         guint                  origlen)
{
  g_autoptr(GListStore) roots = NULL;
  GtkTreeListModel *tree;
  SsDecodeResult res;

  g_return_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self));

  if (frame != NULL)
    g_bytes_ref (frame);
  g_clear_pointer (&self->frame, g_bytes_unref);
  self->frame = frame;
  g_clear_pointer (&self->warning, g_free);
  self->n_fields = 0;

  if (frame == NULL)
    roots = g_list_store_new (SOCKSCOPE_TYPE_FIELD_ITEM);
  else
    {
      decode (self, linktype, MAX (origlen, g_bytes_get_size (frame)), &res);
      if (res.reason[0] != '\0')
        self->warning = g_strdup (res.reason);
      roots = build_tree (self, &res);
    }

  sockscope_hex_view_set_bytes (self->hex_view, frame);
  tree = gtk_tree_list_model_new (G_LIST_MODEL (g_steal_pointer (&roots)), FALSE, FALSE,
                                  create_children, NULL, NULL);
  expand_headers (G_LIST_MODEL (tree));
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (tree));
  g_object_unref (tree);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  update_help (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, frame != NULL ? "detail" : "empty");
}

void
sockscope_packet_detail_set_wire (SockscopePacketDetail *self,
                                  const char            *marks)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self));

  g_free (self->wire);
  self->wire = g_strdup (marks);
}

/**
 * sockscope_packet_detail_set_packet:
 * @linktype: the capture's link type (DLT_*)
 * @frame: (nullable): the frame, captured whole, or %NULL for no packet
 *
 * Same as sockscope_packet_detail_set_packet_full() for a frame captured whole.
 */
void
sockscope_packet_detail_set_packet (SockscopePacketDetail *self,
                                    guint                  linktype,
                                    GBytes                *frame)
{
  sockscope_packet_detail_set_packet_full (self, linktype, frame,
                                           frame != NULL ? g_bytes_get_size (frame) : 0);
}

/**
 * sockscope_packet_detail_select_field:
 * @field_id: a decoder field id, such as "tcp.dstport"
 *
 * Selects the first field with this id (an ICMP error quotes headers that reuse the ids), and
 * highlights its bytes.
 *
 * Returns: whether the packet has such a field
 */
gboolean
sockscope_packet_detail_select_field (SockscopePacketDetail *self,
                                      const char            *field_id)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self), FALSE);
  g_return_val_if_fail (field_id != NULL, FALSE);

  for (guint i = 0; i < self->n_fields; i++)
    if (g_str_equal (self->fields[i].id, field_id))
      return select_index (self, i);
  return FALSE;
}

const char *
sockscope_packet_detail_get_selected_field (SockscopePacketDetail *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self), NULL);

  return self->selected >= 0 ? self->fields[self->selected].id : NULL;
}

guint
sockscope_packet_detail_get_n_fields (SockscopePacketDetail *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self), 0);

  return self->n_fields;
}

/**
 * sockscope_packet_detail_get_warning:
 *
 * Returns: (nullable): why the frame is truncated or malformed, as its warning row says
 */
const char *
sockscope_packet_detail_get_warning (SockscopePacketDetail *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self), NULL);

  return self->warning;
}

/* What the line under the tree says now. */
const char *
sockscope_packet_detail_get_help (SockscopePacketDetail *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self), NULL);

  return gtk_label_get_text (self->help);
}

/**
 * sockscope_packet_detail_get_row:
 * @row: a row of the tree as shown (folded rows count once), from 0
 * @field_id: (out) (optional): the decoder's id of its field (NULL for the warning row)
 * @expanded: (out) (optional): whether its children are shown
 *
 * Returns: (nullable): the row's label, or %NULL past the last row
 */
const char *
sockscope_packet_detail_get_row (SockscopePacketDetail *self,
                                 guint                  row,
                                 const char           **field_id,
                                 gboolean              *expanded)
{
  GListModel *rows;
  g_autoptr(GtkTreeListRow) tree_row = NULL;
  g_autoptr(SockscopeFieldItem) item = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self), NULL);

  rows = gtk_single_selection_get_model (self->selection);
  if (rows == NULL || !(tree_row = g_list_model_get_item (rows, row)))
    return NULL;
  item = row_item (tree_row);
  if (field_id != NULL)
    *field_id = item->index >= 0 ? self->fields[item->index].id : NULL;
  if (expanded != NULL)
    *expanded = gtk_tree_list_row_get_expanded (tree_row);
  return item->label;
}

GtkWidget *
sockscope_packet_detail_get_hex_view (SockscopePacketDetail *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_DETAIL (self), NULL);

  return GTK_WIDGET (self->hex_view);
}

GtkWidget *
sockscope_packet_detail_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_PACKET_DETAIL, NULL);
}

static void
sockscope_packet_detail_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SockscopePacketDetail *self = SOCKSCOPE_PACKET_DETAIL (object);

  switch (prop_id)
    {
    case PROP_SELECTED_FIELD:
      g_value_set_string (value, sockscope_packet_detail_get_selected_field (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sockscope_packet_detail_dispose (GObject *object)
{
  SockscopePacketDetail *self = SOCKSCOPE_PACKET_DETAIL (object);
  GtkWidget *child;

  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->column_view), self->scroll_tick);
  self->scroll_tick = 0;
  if (self->split_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->split_tick);
  self->split_tick = 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->frame, g_bytes_unref);
  g_clear_pointer (&self->fields, g_free);
  g_clear_pointer (&self->warning, g_free);
  g_clear_pointer (&self->wire, g_free);
  self->n_fields = 0;

  G_OBJECT_CLASS (sockscope_packet_detail_parent_class)->dispose (object);
}

/* A pane too short for the tree above the bytes (a classroom window gives the diagram the
 * height) has them side by side: the tree keeps its lines, the bytes 8 a line. Switched from a
 * tick, never while GTK allocates. */
#define SIDE_BY_SIDE_BELOW 380

static gboolean
apply_split (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  SockscopePacketDetail *self = SOCKSCOPE_PACKET_DETAIL (widget);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->split),
                                  self->side_by_side ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);
  /* Beside the tree, the bytes take the width of 8 a line and the tree the rest. */
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->hex_scroll), !self->side_by_side);
  gtk_widget_set_hexpand (gtk_widget_get_first_child (GTK_WIDGET (self->split)), self->side_by_side);
  self->split_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
sockscope_packet_detail_measure (GtkWidget      *widget,
                                 GtkOrientation  orientation,
                                 int             for_size,
                                 int            *minimum,
                                 int            *natural,
                                 int            *minimum_baseline,
                                 int            *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (SOCKSCOPE_PACKET_DETAIL (widget)->stack), orientation, for_size,
                      minimum, natural, NULL, NULL);
}

static void
sockscope_packet_detail_size_allocate (GtkWidget *widget,
                                       int        width,
                                       int        height,
                                       int        baseline)
{
  SockscopePacketDetail *self = SOCKSCOPE_PACKET_DETAIL (widget);
  gboolean side = height < SIDE_BY_SIDE_BELOW;

  gtk_widget_allocate (GTK_WIDGET (self->stack), width, height, -1, NULL);
  if (side != self->side_by_side)
    {
      self->side_by_side = side;
      if (self->split_tick == 0)
        self->split_tick = gtk_widget_add_tick_callback (widget, apply_split, NULL, NULL);
    }
}

static void
sockscope_packet_detail_class_init (SockscopePacketDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_packet_detail_dispose;
  object_class->get_property = sockscope_packet_detail_get_property;

  /**
   * SockscopePacketDetail:selected-field:
   *
   * The id of the selected field, %NULL when none.
   */
  properties[PROP_SELECTED_FIELD] =
    g_param_spec_string ("selected-field", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->measure = sockscope_packet_detail_measure;
  widget_class->size_allocate = sockscope_packet_detail_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "packetdetail");
}

static void
sockscope_packet_detail_init (SockscopePacketDetail *self)
{
  GtkWidget *empty, *box, *fields_scroll, *hex_scroll;

  self->selected = -1;

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));

  /* The packets pane hides the detail while no packet is selected: one line is enough. */
  empty = gtk_label_new (_("Select a packet to see its fields"));
  gtk_widget_add_css_class (empty, "dim-label");
  gtk_widget_set_valign (empty, GTK_ALIGN_START);
  gtk_widget_set_margin_top (empty, 12);
  gtk_stack_add_named (self->stack, empty, "empty");

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selected_item_changed), self, G_CONNECT_SWAPPED);

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection))));
  gtk_column_view_set_show_column_separators (self->column_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "data-table");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Packet fields"),
                                  -1);
  append_column (self, _("Field"), G_CALLBACK (setup_field_cell), G_CALLBACK (bind_field_cell),
                 G_CALLBACK (unbind_field_cell), 210);
  append_column (self, _("Value"), G_CALLBACK (setup_value_cell), G_CALLBACK (bind_value_cell),
                 NULL, -1);

  fields_scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (fields_scroll), GTK_WIDGET (self->column_view));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (fields_scroll), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (fields_scroll, TRUE);

  /* What the selected field means, whole: the tree stays one line a field. */
  self->help = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->help, TRUE);
  gtk_label_set_wrap_mode (self->help, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->help, 0);
  gtk_label_set_lines (self->help, 3);
  gtk_label_set_ellipsize (self->help, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->help), "field-help");
  gtk_widget_add_css_class (GTK_WIDGET (self->help), "view");
  update_help (self, NULL);

  self->hex_view = SOCKSCOPE_HEX_VIEW (sockscope_hex_view_new ());
  g_signal_connect_object (self->hex_view, "byte-activated",
                           G_CALLBACK (on_byte_activated), self, G_CONNECT_SWAPPED);
  hex_scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (hex_scroll), GTK_WIDGET (self->hex_view));
  /* As high as the frame's lines, up to ten of them; a big frame scrolls. */
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (hex_scroll), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (hex_scroll), 190);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (hex_scroll), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_add_css_class (hex_scroll, "view");

  self->hex_scroll = hex_scroll;
  self->split = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  gtk_widget_set_vexpand (GTK_WIDGET (self->split), TRUE);
  gtk_box_append (self->split, fields_scroll);
  gtk_box_append (self->split, hex_scroll);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->split));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->help));
  gtk_stack_add_named (self->stack, box, "detail");

  gtk_stack_set_visible_child_name (self->stack, "empty");
}
