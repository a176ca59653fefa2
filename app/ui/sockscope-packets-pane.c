/* sockscope-packets-pane.c: a GtkColumnView over SockscopePacketList (lazy: a row reads the
 * members it shows from its event's line when it is bound, never a parse tree), and
 * SockscopePacketDetail for the selected packet. The pane emits "packet-selected" with the
 * packet's log position; the window turns that into the one selection every pane follows.
 *
 * The pane shares its room itself: the detail is shown only while a packet is selected (the
 * list has the whole width otherwise), the columns a narrow list cannot hold (addresses first)
 * are hidden so that Info keeps room to be read, and a lesson whose sockets send no packet
 * (only Unix sockets) says so in one line instead of an empty table. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sockscope-data-table.h"
#include "sockscope-packet-detail.h"
#include "sockscope-packet-info.h"
#include "sockscope-packet-list.h"
#include "sockscope-packets-pane.h"
#include "sockscope-text-cell.h"

/* The columns, in order; their ids are what sockscope_packets_pane_get_cell() takes. */
enum { COL_NO, COL_TIME, COL_FROM, COL_TO, COL_SOURCE, COL_DESTINATION, COL_PROTOCOL, COL_FLAGS,
       COL_LENGTH, COL_INFO, COL_CAUSE, N_COLUMNS };

/* drop: the order in which a narrow list hides its columns (1 first, 0 never): the flags go
 * last, Info says them too. */
static const struct { const char *id; const char *title; int width; int drop; } columns[N_COLUMNS] = {
  { "no", NC_("packet column", "No."), 44, 0 },
  { "time", NC_("packet column", "Time"), 84, 6 },
  { "from", NC_("packet column", "From"), 84, 0 },
  { "to", NC_("packet column", "To"), 84, 0 },
  { "source", NC_("packet column", "Source"), 136, 1 },
  { "destination", NC_("packet column", "Destination"), 136, 2 },
  { "protocol", NC_("packet column", "Protocol"), 68, 5 },
  { "flags", NC_("packet column", "Flags"), 92, 7 },
  { "length", NC_("packet column", "Length"), 60, 3 },
  { "info", NC_("packet column", "Info"), 0, 0 },
  { "cause", NC_("packet column", "Caused by"), 210, 4 },
};

/* What Info keeps at least before the list hides a column. */
#define INFO_MIN_WIDTH 260

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

  GtkStack            *stack;       /* "packets": the list and the detail; "none": one line */
  GtkLabel            *none;
  GtkWidget           *paned;
  GtkWidget           *list_scroll;
  GtkColumnView       *view;
  GtkColumnViewColumn *columns[N_COLUMNS];  /* each column, shown or not */
  GtkSingleSelection  *selection;
  SockscopeEventLog   *log;
  SockscopePacketList *packets;
  SockscopePacketDetail *detail;
  GHashTable          *labels;      /* actor id → its label in the UI language */
  gboolean             network;     /* the lesson's sockets can send packets */
  gint64               t0_ns;       /* the first packet's time; 0: not known yet */
  gboolean             selecting;
  int                  allocated_width;
  int                  fitted_width; /* the list width the columns were chosen for */
  guint                fit_tick;
  guint                fit_stable;   /* frames the list's width has not changed */
  /* Relative sequence numbers: the log's TCP packets indexed in order, as far as a bound row
   * needed or an idle pass reached. */
  SockscopeSeqIndex   *seqs;
  guint                n_indexed;
  guint                index_idle;
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

static const char *
actor_label (SockscopePacketsPane *self,
             const char           *actor)
{
  const char *label = self->labels != NULL ? g_hash_table_lookup (self->labels, actor) : NULL;

  return label != NULL ? label : actor;
}

/* The actor the lab says sent (from) or reached (to) the packet, by its label. No sender: the
 * kernel made it (an ICMP error, a RST to a closed port); no receiver: no socket took it. */
static char *
end_text (SockscopePacketsPane *self,
          guint                 position,
          const char           *member)
{
  g_autofree char *actor = sockscope_event_log_get_string (self->log, position, member);

  if (actor != NULL)
    return g_strdup (actor_label (self, actor));
  return g_strdup (g_str_equal (member, "from") ? _("kernel") : _("nobody"));
}

/* "client: connect(3, 127.0.0.1:7777)" with the actor's label: "Client: connect(...)". */
static char *
cause_words (SockscopePacketsPane *self,
             guint                 position)
{
  g_autofree char *text = sockscope_event_log_get_string (self->log, position, "cause_text");
  gint64 cause;
  char *colon;

  if (text == NULL || !sockscope_event_log_get_int (self->log, position, "cause", &cause))
    return g_strdup (_("kernel"));
  colon = strstr (text, ": ");
  if (colon == NULL)
    return g_steal_pointer (&text);
  *colon = '\0';
  return g_strdup_printf ("%s: %s", actor_label (self, text), colon + 2);
}

/* Indexes the TCP packets of the list, in order, up to index @upto (excluded). */
static void
index_packets (SockscopePacketsPane *self,
               guint                 upto)
{
  upto = MIN (upto, sockscope_packet_list_get_n_known (self->packets));
  for (; self->n_indexed < upto; self->n_indexed++)
    {
      guint position = sockscope_packet_list_get_position (self->packets, self->n_indexed);
      g_autofree char *flags = sockscope_event_log_get_string (self->log, position, "pkt.flags");
      g_autofree char *src = NULL, *dst = NULL;
      gint64 sport = 0, dport = 0, seq = 0;

      /* Only TCP has flags. */
      if (flags == NULL || !sockscope_event_log_get_int (self->log, position, "pkt.seq", &seq))
        continue;
      src = sockscope_event_log_get_string (self->log, position, "pkt.src");
      dst = sockscope_event_log_get_string (self->log, position, "pkt.dst");
      sockscope_event_log_get_int (self->log, position, "pkt.sport", &sport);
      sockscope_event_log_get_int (self->log, position, "pkt.dport", &dport);
      sockscope_seq_index_add (self->seqs, position, src, sport, dst, dport,
                               strchr (flags, 'S') != NULL, (guint32) seq);
    }
}

/* The rest of the log is indexed when nothing else is waiting, a few ms at a time: a jump to the
 * end of 100,000 packets then finds it done. */
static gboolean
index_idle (gpointer data)
{
  SockscopePacketsPane *self = data;
  gint64 end = g_get_monotonic_time () + 3000;

  while (self->n_indexed < sockscope_packet_list_get_n_known (self->packets) && g_get_monotonic_time () < end)
    index_packets (self, self->n_indexed + 64);
  if (self->n_indexed < sockscope_packet_list_get_n_known (self->packets))
    return G_SOURCE_CONTINUE;
  self->index_idle = 0;
  return G_SOURCE_REMOVE;
}

static void
queue_index (SockscopePacketsPane *self)
{
  if (self->index_idle == 0 && self->packets != NULL &&
      self->n_indexed < sockscope_packet_list_get_n_known (self->packets))
    self->index_idle = g_idle_add_full (G_PRIORITY_LOW, index_idle, self, NULL);
}

/* The Info column: the packet in words (sockscope-packet-info.c), sequence numbers relative to
 * each direction's SYN as in the diagram. */
static char *
info_text (SockscopePacketsPane *self,
           guint                 index,
           guint                 position)
{
  g_autofree char *proto = sockscope_event_log_get_string (self->log, position, "pkt.proto");
  g_autofree char *flags = sockscope_event_log_get_string (self->log, position, "pkt.flags");
  g_autofree char *analysis = sockscope_event_log_get_string (self->log, position, "analysis");
  g_autofree char *summary = NULL;
  SockscopePacketFacts p = { proto, flags };
  gint64 v;

  p.analysis = analysis;
  sockscope_event_log_get_int (self->log, position, "analysis_of", &p.analysis_of);
  sockscope_event_log_get_int (self->log, position, "analysis_count", &p.analysis_count);
  p.has_len = sockscope_event_log_get_int (self->log, position, "pkt.len", &p.len);
  p.is_fragment = sockscope_event_log_get_int (self->log, position, "pkt.fragment.offset", &p.fragment_offset);
  if (g_strcmp0 (proto, "tcp") == 0)
    {
      g_autofree char *src = sockscope_event_log_get_string (self->log, position, "pkt.src");
      g_autofree char *dst = sockscope_event_log_get_string (self->log, position, "pkt.dst");
      gint64 sport = 0, dport = 0;
      guint32 isn;

      sockscope_event_log_get_int (self->log, position, "pkt.sport", &sport);
      sockscope_event_log_get_int (self->log, position, "pkt.dport", &dport);
      p.has_win = sockscope_event_log_get_int (self->log, position, "pkt.win", &p.win);
      if ((p.has_seq = sockscope_event_log_get_int (self->log, position, "pkt.seq", &v)))
        p.seq = (guint32) v;
      if ((p.has_ack = sockscope_event_log_get_int (self->log, position, "pkt.ack", &v)))
        p.ack = (guint32) v;
      index_packets (self, index + 1);
      if (sockscope_seq_index_lookup (self->seqs, position, src, sport, dst, dport, &isn))
        p.seq -= isn;
      if (sockscope_seq_index_lookup (self->seqs, position, dst, dport, src, sport, &isn))
        p.ack -= isn;
    }
  else if (g_strcmp0 (proto, "udp") != 0)
    p.summary = summary = sockscope_event_log_get_string (self->log, position, "pkt.summary");
  /* What the wire did to it comes first: it is what a two-host lesson is about. */
  {
    g_autofree char *marks = sockscope_packet_list_get_wire_marks (self->packets, position);
    g_autofree char *info = sockscope_packet_info (&p);

    return marks != NULL ? g_strdup_printf ("%s · %s", marks, info) : g_steal_pointer (&info);
  }
}

/* The text of one cell; also what the tests read. A row reads only the members it shows from
 * the event's line, never a parsed tree: binding must stay cheap over 100,000 rows. */
static char *
cell_text (SockscopePacketsPane *self,
           guint                 index,
           SockscopeEvent       *event,
           guint                 column)
{
  guint position = sockscope_event_get_position (event);
  gint64 v = 0;
  char *text = NULL;

  switch (column)
    {
    case COL_NO:
      sockscope_event_log_get_int (self->log, position, "n", &v);
      return g_strdup_printf ("%" G_GINT64_FORMAT, v);
    case COL_TIME:
      /* Times count from the lesson's first packet, as a capture's do. */
      if (self->t0_ns == 0)
        {
          g_autoptr(SockscopeEvent) first = g_list_model_get_item (G_LIST_MODEL (self->packets), 0);

          self->t0_ns = first ? sockscope_event_get_t_ns (first) : 0;
        }
      return g_strdup_printf ("%.6f", (sockscope_event_get_t_ns (event) - self->t0_ns) / 1e9);
    case COL_FROM:
      return end_text (self, position, "from");
    case COL_TO:
      return end_text (self, position, "to");
    case COL_SOURCE:
      return endpoint (self, position, "pkt.src", "pkt.sport");
    case COL_DESTINATION:
      return endpoint (self, position, "pkt.dst", "pkt.dport");
    case COL_PROTOCOL:
      {
        g_autofree char *proto = sockscope_event_log_get_string (self->log, position, "pkt.proto");

        text = proto != NULL ? g_ascii_strup (proto, -1) : NULL;
        break;
      }
    case COL_FLAGS:
      {
        g_autofree char *flags = sockscope_event_log_get_string (self->log, position, "pkt.flags");

        return sockscope_packet_flag_names (flags);
      }
    case COL_LENGTH:
      sockscope_event_log_get_int (self->log, position, "origlen", &v);
      return g_strdup_printf ("%" G_GINT64_FORMAT, v);
    case COL_INFO:
      return info_text (self, index, position);
    case COL_CAUSE:
      return cause_words (self, position);
    default:
      break;
    }
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
          GtkListItem          *item)
{
  SockscopeEvent *event = gtk_list_item_get_item (item);
  guint position = sockscope_event_get_position (event);
  RowText *row = &self->rows[position % ROW_CACHE];
  gint64 cause;

  if (row->position == position + 1)
    return row;
  row_text_clear (row);
  for (guint i = 0; i < N_COLUMNS; i++)
    row->cells[i] = cell_text (self, gtk_list_item_get_position (item), event, i);
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
  gboolean prose = column == COL_INFO || column == COL_CAUSE || column == COL_FROM ||
                   column == COL_TO || column == COL_FLAGS;

  /* Not a GtkLabel: see sockscope-text-cell.c for what scrolling 100,000 rows asks of a cell. */
  gtk_list_item_set_child (item, sockscope_text_cell_new (right ? 1.0f : 0.0f, !prose));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           SockscopePacketsPane     *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column-index"));
  const RowText *row = row_text (self, item);
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

/* ---- Room ---------------------------------------------------------------------------------- */

/* Hides the columns a list this wide cannot hold beside a readable Info, in their drop order.
 * From a tick (the frame's update phase), never while GTK allocates; it ticks until the list's
 * width has stayed the same for two frames, then stops. */
static gboolean
fit_columns (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  SockscopePacketsPane *self = SOCKSCOPE_PACKETS_PANE (widget);
  int width = gtk_widget_get_width (self->list_scroll);

  if (width <= 0 || width == self->fitted_width)
    {
      if (++self->fit_stable < 2)
        return G_SOURCE_CONTINUE;
      self->fit_tick = 0;
      return G_SOURCE_REMOVE;
    }
  self->fitted_width = width;
  self->fit_stable = 0;
  for (guint i = 0, shown = 0; i < N_COLUMNS; i++)
    {
      gboolean fits = TRUE;

      /* A column stays if the list fits once every column that goes before it is gone. */
      if (columns[i].drop > 0)
        {
          int rest = INFO_MIN_WIDTH;

          for (guint j = 0; j < N_COLUMNS; j++)
            if (columns[j].drop == 0 || columns[j].drop >= columns[i].drop)
              rest += columns[j].width;
          fits = rest <= width;
        }
      /* Removed and put back rather than hidden: GTK 4.8's column view does not give the room
       * of a hidden column to the expanding one. */
      if (fits && gtk_column_view_column_get_column_view (self->columns[i]) == NULL)
        gtk_column_view_insert_column (self->view, shown, self->columns[i]);
      else if (!fits && gtk_column_view_column_get_column_view (self->columns[i]) != NULL)
        gtk_column_view_remove_column (self->view, self->columns[i]);
      if (fits)
        shown++;
    }
  return G_SOURCE_CONTINUE;
}

static void
queue_fit (SockscopePacketsPane *self)
{
  self->fit_stable = 0;
  if (self->fit_tick == 0)
    self->fit_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), fit_columns, NULL, NULL);
}

static void
sockscope_packets_pane_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (SOCKSCOPE_PACKETS_PANE (widget)->stack), orientation, for_size,
                      minimum, natural, NULL, NULL);
}

static void
sockscope_packets_pane_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  SockscopePacketsPane *self = SOCKSCOPE_PACKETS_PANE (widget);

  gtk_widget_allocate (GTK_WIDGET (self->stack), width, height, -1, NULL);
  if (width != self->allocated_width)
    {
      self->allocated_width = width;
      queue_fit (self);
    }
}

/* The detail is shown only while a packet is selected. When it appears it takes half of the
 * width, at least 680 px (the field tree and the bytes in hex and ASCII, beside or under it),
 * and leaves the list 460 px at least. */
static void
show_detail_room (SockscopePacketsPane *self,
                  gboolean              shown)
{
  GtkWidget *detail = GTK_WIDGET (self->detail);
  int width = gtk_widget_get_width (self->paned);

  if (gtk_widget_get_visible (detail) == shown)
    return;
  if (shown && width > 0)
    gtk_paned_set_position (GTK_PANED (self->paned), width - MIN (MAX (width / 2, 680), width - 460));
  gtk_widget_set_visible (detail, shown);
  queue_fit (self);
}

static void
update_page (SockscopePacketsPane *self)
{
  gboolean any = self->packets != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->packets)) > 0;

  if (any)
    gtk_stack_set_visible_child_name (self->stack, "packets");
  else
    {
      gtk_label_set_text (self->none, self->network
                          ? _("No packet yet: every packet the kernel sends appears here.")
                          : _("No packets in this lesson: Unix sockets carry their bytes inside the kernel, never over a network."));
      gtk_stack_set_visible_child_name (self->stack, "none");
    }
}

static void
on_packets_changed (SockscopePacketsPane *self,
                    guint                 position,
                    guint                 removed,
                    guint                 added)
{
  /* A row changed in place (what the wire did to its packet came): its texts are read again. */
  for (guint i = 0; removed > 0 && removed == added && i < added; i++)
    {
      guint at = sockscope_packet_list_get_position (self->packets, position + i);

      if (self->rows[at % ROW_CACHE].position == at + 1)
        row_text_clear (&self->rows[at % ROW_CACHE]);
    }
  if (removed > 0 || position == 0)
    update_page (self);
  queue_index (self);
}

static void
show_detail (SockscopePacketsPane *self,
             SockscopeEvent       *event)
{
  g_autofree char *raw_text = NULL;
  g_autoptr(GBytes) frame = NULL;
  g_autofree guchar *raw = NULL;
  guint position;
  gint64 linktype = 1, origlen = 0;
  gsize len = 0;

  if (event == NULL)
    {
      sockscope_packet_detail_set_packet (self->detail, 0, NULL);
      show_detail_room (self, FALSE);
      return;
    }
  position = sockscope_event_get_position (event);
  raw_text = sockscope_event_log_get_string (self->log, position, "raw");
  raw = g_base64_decode (raw_text != NULL ? raw_text : "", &len);
  frame = g_bytes_new_take (g_steal_pointer (&raw), len);
  sockscope_event_log_get_int (self->log, position, "linktype", &linktype);
  sockscope_event_log_get_int (self->log, position, "origlen", &origlen);
  {
    g_autofree char *wire = sockscope_packet_list_get_wire_marks (self->packets, position);

    sockscope_packet_detail_set_wire (self->detail, wire);
  }
  sockscope_packet_detail_set_packet_full (self->detail, (guint) linktype, frame, (guint) MAX (origlen, (gint64) len));
  show_detail_room (self, TRUE);
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

/* ---- API ----------------------------------------------------------------------------------- */

/**
 * sockscope_packets_pane_set_lesson:
 * @lesson: (nullable): the lesson whose actors send and receive the packets
 * @lang: the language of the actors' labels
 *
 * From and To name the lesson's actors by their labels; a lesson whose sockets are all Unix
 * sockets says it has no packets.
 */
void
sockscope_packets_pane_set_lesson (SockscopePacketsPane *self,
                                   SockscopeLesson      *lesson,
                                   const char           *lang)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self));

  g_hash_table_remove_all (self->labels);
  self->network = lesson == NULL;
  for (guint i = 0; lesson != NULL && i < sockscope_lesson_get_n_actors (lesson); i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (lesson, i);

      g_hash_table_insert (self->labels, g_strdup (actor->name), g_strdup (sockscope_actor_get_label (actor, lang)));
    }
  /* Packets come from sockets of another family than AF_UNIX (AF_LOCAL). */
  for (guint n = 1; lesson != NULL && n <= sockscope_lesson_get_n_steps (lesson); n++)
    {
      const SockscopeStep *step = sockscope_lesson_get_step (lesson, n);

      if ((g_str_equal (step->call, "socket") || g_str_equal (step->call, "socketpair")) &&
          step->args != NULL && step->args[0] != NULL &&
          strstr (step->args[0], "AF_UNIX") == NULL && strstr (step->args[0], "AF_LOCAL") == NULL)
        self->network = TRUE;
    }
  row_cache_clear (self);
  update_page (self);
}

void
sockscope_packets_pane_set_log (SockscopePacketsPane *self,
                                SockscopeEventLog    *log,
                                guint                 limit)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self));

  if (self->packets != NULL)
    g_signal_handlers_disconnect_by_data (self->packets, self);
  g_clear_handle_id (&self->index_idle, g_source_remove);
  g_clear_object (&self->packets);
  self->packets = sockscope_packet_list_new (log, limit);
  g_set_object (&self->log, log);
  self->t0_ns = 0;
  g_clear_pointer (&self->seqs, sockscope_seq_index_free);
  self->seqs = sockscope_seq_index_new ();
  self->n_indexed = 0;
  row_cache_clear (self);
  g_signal_connect_object (self->packets, "items-changed", G_CALLBACK (on_packets_changed), self, G_CONNECT_SWAPPED);

  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->packets));
  show_detail (self, NULL);
  update_page (self);
}

void
sockscope_packets_pane_set_limit (SockscopePacketsPane *self,
                                  guint                 n_events)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self));

  if (self->packets != NULL)
    sockscope_packet_list_set_limit (self->packets, n_events);
}

/* The same, with at most @max_rows rows: a list that grows as a session opens adds a few rows
 * a frame (each new row is its cells' widgets). */
void
sockscope_packets_pane_set_limit_rows (SockscopePacketsPane *self,
                                       guint                 n_events,
                                       guint                 max_rows)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self));

  if (self->packets != NULL)
    sockscope_packet_list_set_limit_rows (self->packets, n_events, max_rows);
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

/**
 * sockscope_packets_pane_select_row:
 * @row: a row of the list, from 0
 *
 * Selects the row as a click does: emits ::packet-selected.
 *
 * Returns: whether there is such a row
 */
gboolean
sockscope_packets_pane_select_row (SockscopePacketsPane *self,
                                   guint                 row)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self), FALSE);

  if (row >= sockscope_packets_pane_get_n_rows (self))
    return FALSE;
  gtk_single_selection_set_selected (self->selection, row);
  gtk_widget_activate_action (GTK_WIDGET (self->view), "list.scroll-to-item", "u", row);
  return TRUE;
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
      return cell_text (self, row, event, i);
  return NULL;
}

gboolean
sockscope_packets_pane_get_column_visible (SockscopePacketsPane *self,
                                           const char           *column)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self), FALSE);

  for (guint i = 0; i < N_COLUMNS; i++)
    if (g_str_equal (columns[i].id, column))
      return gtk_column_view_column_get_column_view (self->columns[i]) != NULL &&
             gtk_widget_get_mapped (GTK_WIDGET (self->view));
  return FALSE;
}

SockscopePacketDetail *
sockscope_packets_pane_get_detail (SockscopePacketsPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self), NULL);

  return self->detail;
}

/* The one line shown instead of the list, or NULL while the list is shown. */
const char *
sockscope_packets_pane_get_empty_text (SockscopePacketsPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKETS_PANE (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "none") != 0)
    return NULL;
  return gtk_label_get_text (self->none);
}

static void
sockscope_packets_pane_dispose (GObject *object)
{
  SockscopePacketsPane *self = SOCKSCOPE_PACKETS_PANE (object);

  if (self->fit_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fit_tick);
  self->fit_tick = 0;
  g_clear_handle_id (&self->index_idle, g_source_remove);
  g_clear_pointer ((GtkWidget **) &self->stack, gtk_widget_unparent);
  self->paned = NULL;
  row_cache_clear (self);
  if (self->packets != NULL)
    g_signal_handlers_disconnect_by_data (self->packets, self);
  g_clear_object (&self->packets);
  g_clear_object (&self->log);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->labels, g_hash_table_unref);
  g_clear_pointer (&self->seqs, sockscope_seq_index_free);
  for (guint i = 0; i < N_COLUMNS; i++)
    g_clear_object (&self->columns[i]);
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
  widget_class->measure = sockscope_packets_pane_measure;
  widget_class->size_allocate = sockscope_packets_pane_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "packetspane");
}

static void
sockscope_packets_pane_init (SockscopePacketsPane *self)
{
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->network = TRUE;
  self->seqs = sockscope_seq_index_new ();

  self->selection = sockscope_data_table_selection_new (NULL);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (on_selection_changed),
                           self, G_CONNECT_SWAPPED);
  self->view = sockscope_data_table_new (self->selection, _("Packets"));
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "packet-list");
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory;

      factory = sockscope_data_table_add_column (self->view, columns[i].id,
                                                 g_dpgettext2 (NULL, "packet column", columns[i].title),
                                                 columns[i].width, G_CALLBACK (setup_cell),
                                                 G_CALLBACK (bind_cell), self);
      g_object_set_data (G_OBJECT (factory), "column-index", GUINT_TO_POINTER (i));
      self->columns[i] = g_list_model_get_item (gtk_column_view_get_columns (self->view), i);
    }

  self->detail = SOCKSCOPE_PACKET_DETAIL (sockscope_packet_detail_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->detail), FALSE);
  self->paned = sockscope_data_table_paned_new (self->view, GTK_WIDGET (self->detail), 700);
  self->list_scroll = gtk_paned_get_start_child (GTK_PANED (self->paned));
  gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);

  self->none = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->none, 0);
  gtk_label_set_ellipsize (self->none, PANGO_ELLIPSIZE_END);
  gtk_widget_set_valign (GTK_WIDGET (self->none), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (self->none), "packets-none");

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, self->paned, "packets");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->none), "none");
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));
  update_page (self);
  g_signal_connect_object (self->paned, "notify::position", G_CALLBACK (queue_fit), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sockscope_packets_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_PACKETS_PANE, NULL);
}
