/* sockscope-packets-pane.c: a GtkColumnView over SockscopePacketList (lazy: a row's JSON is
 * parsed only when the row is bound), and SockscopePacketDetail for the selected packet. The
 * pane emits "packet-selected" with the packet's log position; the window turns that into the
 * one selection every pane follows. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sockscope-data-table.h"
#include "sockscope-packet-detail.h"
#include "sockscope-packet-label.h"
#include "sockscope-packet-list.h"
#include "sockscope-packets-pane.h"
#include "sockscope-text-cell.h"

/* The columns, in order; their ids are what sockscope_packets_pane_get_cell() takes. */
enum { COL_NO, COL_TIME, COL_SOURCE, COL_DESTINATION, COL_PROTOCOL, COL_FLAGS, COL_LENGTH,
       COL_SUMMARY, COL_CAUSE, N_COLUMNS };

static const struct { const char *id; const char *title; int width; } columns[N_COLUMNS] = {
  { "no", NC_("packet column", "No."), 44 },
  { "time", NC_("packet column", "Time"), 80 },
  { "source", NC_("packet column", "Source"), 136 },
  { "destination", NC_("packet column", "Destination"), 136 },
  { "protocol", NC_("packet column", "Protocol"), 64 },
  { "flags", NC_("packet column", "Flags"), 48 },
  { "length", NC_("packet column", "Length"), 56 },
  { "summary", NC_("packet column", "Summary"), 0 },
  { "cause", NC_("packet column", "Caused by"), 220 },
};

/* The texts of a row, made once for all its cells: a row binds its nine cells one by one. */
#define ROW_CACHE 256
typedef struct
{
  guint    position;     /* log position + 1; 0: empty */
  gboolean kernel;       /* a packet the kernel sent on its own (no cause) */
  char    *cells[N_COLUMNS];
} RowText;

struct _SockscopePacketsPane
{
  GtkWidget            parent_instance;

  GtkWidget           *paned;
  GtkColumnView       *view;
  GtkSingleSelection  *selection;
  SockscopeEventLog   *log;
  SockscopePacketList *packets;
  SockscopePacketDetail *detail;
  gint64               t0_ns;
  gboolean             selecting;
  RowText              rows[ROW_CACHE];
};

G_DEFINE_FINAL_TYPE (SockscopePacketsPane, sockscope_packets_pane, GTK_TYPE_WIDGET)

enum { PACKET_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static char *
endpoint (SockscopePacketsPane *self,
          guint                 position,
          const char           *addr_path,
          const char           *port_path)
{
  g_autofree char *addr = sockscope_event_log_get_string (self->log, position, addr_path);
  gint64 port;

  if (addr == NULL)
    addr = g_strdup ("");
  if (!sockscope_event_log_get_int (self->log, position, port_path, &port))
    return g_steal_pointer (&addr);
  if (strchr (addr, ':') != NULL)
    return g_strdup_printf ("[%s]:%" G_GINT64_FORMAT, addr, port);
  return g_strdup_printf ("%s:%" G_GINT64_FORMAT, addr, port);
}

/* The summary after what the kernel packet is, when the lab named it: "[zero window] IP ...". */
static char *
summary_text (SockscopePacketsPane *self,
              guint                 position)
{
  g_autofree char *summary = sockscope_event_log_get_string (self->log, position, "pkt.summary");
  g_autofree char *analysis = sockscope_event_log_get_string (self->log, position, "analysis");
  g_autofree char *phrase = NULL;
  gint64 of = 0, count = 0;

  if (analysis == NULL)
    return g_steal_pointer (&summary);
  sockscope_event_log_get_int (self->log, position, "analysis_of", &of);
  sockscope_event_log_get_int (self->log, position, "analysis_count", &count);
  phrase = sockscope_packet_analysis_phrase (analysis, of, count, NULL);
  if (phrase == NULL)
    return g_steal_pointer (&summary);
  return g_strdup_printf ("[%s] %s", phrase, summary != NULL ? summary : "");
}

/* The text of one cell; also what the tests read. A row reads only the members it shows from
 * the event's line, never a parsed tree: binding must stay cheap over 100,000 rows. */
static char *
cell_text (SockscopePacketsPane *self,
           SockscopeEvent       *event,
           guint                 column)
{
  guint position = sockscope_event_get_position (event);
  gint64 v = 0;
  char *text;

  if (column == COL_NO)
    {
      sockscope_event_log_get_int (self->log, position, "n", &v);
      return g_strdup_printf ("%" G_GINT64_FORMAT, v);
    }
  if (column == COL_TIME)
    {
      /* Times count from the session's first event, as a student reads a capture. */
      if (self->t0_ns == 0)
        {
          g_autoptr(SockscopeEvent) first = g_list_model_get_item (G_LIST_MODEL (self->log), 0);
          self->t0_ns = first ? sockscope_event_get_t_ns (first) : 0;
        }
      return g_strdup_printf ("%.6f", (sockscope_event_get_t_ns (event) - self->t0_ns) / 1e9);
    }
  if (column == COL_CAUSE)
    {
      text = sockscope_event_log_get_string (self->log, position, "cause_text");
      return text != NULL ? text : g_strdup (_("kernel"));
    }
  if (column == COL_LENGTH)
    {
      sockscope_event_log_get_int (self->log, position, "origlen", &v);
      return g_strdup_printf ("%" G_GINT64_FORMAT, v);
    }
  if (column == COL_SOURCE)
    text = endpoint (self, position, "pkt.src", "pkt.sport");
  else if (column == COL_DESTINATION)
    text = endpoint (self, position, "pkt.dst", "pkt.dport");
  else if (column == COL_PROTOCOL)
    {
      g_autofree char *proto = sockscope_event_log_get_string (self->log, position, "pkt.proto");

      text = proto != NULL ? g_ascii_strup (proto, -1) : NULL;
    }
  else if (column == COL_FLAGS)
    text = sockscope_event_log_get_string (self->log, position, "pkt.flags");
  else if (column == COL_SUMMARY)
    text = summary_text (self, position);
  else
    text = NULL;
  return text != NULL ? text : g_strdup ("");
}

static void
row_text_clear (RowText *row)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    g_clear_pointer (&row->cells[i], g_free);
  row->position = 0;
}

static void
row_cache_clear (SockscopePacketsPane *self)
{
  for (guint i = 0; i < ROW_CACHE; i++)
    row_text_clear (&self->rows[i]);
}

static const RowText *
row_text (SockscopePacketsPane *self,
          SockscopeEvent       *event)
{
  guint position = sockscope_event_get_position (event);
  RowText *row = &self->rows[position % ROW_CACHE];
  gint64 cause;

  if (row->position == position + 1)
    return row;
  row_text_clear (row);
  for (guint i = 0; i < N_COLUMNS; i++)
    row->cells[i] = cell_text (self, event, i);
  row->kernel = !sockscope_event_log_get_int (self->log, position, "cause", &cause);
  row->position = position + 1;
  return row;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column-index"));
  gboolean right = column == COL_NO || column == COL_LENGTH;
  gboolean prose = column == COL_SUMMARY || column == COL_CAUSE;

  /* Not a GtkLabel: see sockscope-text-cell.c for what scrolling 100,000 rows asks of a cell. */
  gtk_list_item_set_child (item, sockscope_text_cell_new (right ? 1.0f : 0.0f, !prose));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           SockscopePacketsPane     *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column-index"));
  const RowText *row = row_text (self, gtk_list_item_get_item (item));
  GtkWidget *cell = gtk_list_item_get_child (item);

  sockscope_text_cell_set_text (SOCKSCOPE_TEXT_CELL (cell), row->cells[column]);
  /* The kernel's own packets look different everywhere, here too. */
  if (gtk_widget_has_css_class (cell, "kernel-packet") != row->kernel)
    {
      if (row->kernel)
        gtk_widget_add_css_class (cell, "kernel-packet");
      else
        gtk_widget_remove_css_class (cell, "kernel-packet");
    }
}

static void
show_detail (SockscopePacketsPane *self,
             SockscopeEvent       *event)
{
  JsonObject *object;
  g_autoptr(GBytes) frame = NULL;
  g_autofree guchar *raw = NULL;
  gsize len = 0;

  if (event == NULL)
    {
      sockscope_packet_detail_set_packet (self->detail, 0, NULL);
      return;
    }
  object = sockscope_event_get_object (event);
  raw = g_base64_decode (json_object_get_string_member_with_default (object, "raw", ""), &len);
  frame = g_bytes_new_take (g_steal_pointer (&raw), len);
  sockscope_packet_detail_set_packet (self->detail,
                                      (guint) json_object_get_int_member_with_default (object, "linktype", 1),
                                      frame);
}

static void
on_selection_changed (SockscopePacketsPane *self)
{
  guint index = gtk_single_selection_get_selected (self->selection);
  g_autoptr(SockscopeEvent) event = NULL;

  if (index != GTK_INVALID_LIST_POSITION)
    event = g_list_model_get_item (G_LIST_MODEL (self->packets), index);
  show_detail (self, event);
  if (!self->selecting && event != NULL)
    g_signal_emit (self, signals[PACKET_SELECTED], 0, sockscope_event_get_position (event));
}

void
sockscope_packets_pane_set_log (SockscopePacketsPane *self,
                                SockscopeEventLog    *log,
                                guint                 limit)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self));

  g_clear_object (&self->packets);
  self->packets = sockscope_packet_list_new (log, limit);
  g_set_object (&self->log, log);
  self->t0_ns = 0;
  row_cache_clear (self);

  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->packets));
  show_detail (self, NULL);
}

void
sockscope_packets_pane_set_limit (SockscopePacketsPane *self,
                                  guint                 n_events)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self));

  if (self->packets != NULL)
    sockscope_packet_list_set_limit (self->packets, n_events);
}

void
sockscope_packets_pane_select (SockscopePacketsPane *self,
                               guint                 log_position)
{
  int index;

  g_return_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self));

  if (self->packets == NULL)
    return;
  index = sockscope_packet_list_find (self->packets, log_position);
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, index < 0 ? GTK_INVALID_LIST_POSITION : (guint) index);
  self->selecting = FALSE;
  if (index >= 0)
    gtk_widget_activate_action (GTK_WIDGET (self->view), "list.scroll-to-item", "u", (guint) index);
}

guint
sockscope_packets_pane_get_n_rows (SockscopePacketsPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self), 0);

  return self->packets ? g_list_model_get_n_items (G_LIST_MODEL (self->packets)) : 0;
}

guint
sockscope_packets_pane_get_selected (SockscopePacketsPane *self)
{
  guint index;

  g_return_val_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self), G_MAXUINT);

  index = gtk_single_selection_get_selected (self->selection);
  if (self->packets == NULL || index == GTK_INVALID_LIST_POSITION)
    return G_MAXUINT;
  return sockscope_packet_list_get_position (self->packets, index);
}

char *
sockscope_packets_pane_get_cell (SockscopePacketsPane *self,
                                 guint                 row,
                                 const char           *column)
{
  g_autoptr(SockscopeEvent) event = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self), NULL);

  if (self->packets == NULL || !(event = g_list_model_get_item (G_LIST_MODEL (self->packets), row)))
    return NULL;
  for (guint i = 0; i < N_COLUMNS; i++)
    if (g_str_equal (columns[i].id, column))
      return cell_text (self, event, i);
  return NULL;
}

static void
sockscope_packets_pane_dispose (GObject *object)
{
  SockscopePacketsPane *self = SOCKSCOPE_PACKETS_PANE (object);

  g_clear_pointer (&self->paned, gtk_widget_unparent);
  row_cache_clear (self);
  g_clear_object (&self->packets);
  g_clear_object (&self->log);
  g_clear_object (&self->selection);
  G_OBJECT_CLASS (sockscope_packets_pane_parent_class)->dispose (object);
}

static void
sockscope_packets_pane_class_init (SockscopePacketsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_packets_pane_dispose;

  signals[PACKET_SELECTED] = g_signal_new ("packet-selected", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "packetspane");
}

static void
sockscope_packets_pane_init (SockscopePacketsPane *self)
{


  self->selection = sockscope_data_table_selection_new (NULL);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (on_selection_changed),
                           self, G_CONNECT_SWAPPED);
  self->view = sockscope_data_table_new (self->selection, _("Packets"));
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory;

      factory = sockscope_data_table_add_column (self->view, columns[i].id,
                                                 g_dpgettext2 (NULL, "packet column", columns[i].title),
                                                 columns[i].width, G_CALLBACK (setup_cell),
                                                 G_CALLBACK (bind_cell), self);
      g_object_set_data (G_OBJECT (factory), "column-index", GUINT_TO_POINTER (i));
    }

  self->detail = SOCKSCOPE_PACKET_DETAIL (sockscope_packet_detail_new ());
  self->paned = sockscope_data_table_paned_new (self->view, GTK_WIDGET (self->detail), 700);
  gtk_widget_set_parent (self->paned, GTK_WIDGET (self));
}

GtkWidget *
sockscope_packets_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_PACKETS_PANE, NULL);
}
