/* sockscope-packet-list.c: keeps only the log positions of packet events (4 bytes each), and
 * makes a SockscopeEvent for a row only when a list view asks for it, so a session of 100,000
 * packets costs 400 KB here and binding stays O(visible rows). */
#include "config.h"

#include <string.h>

#include "sockscope-packet-list.h"
#include "sockscope-projection.h"

struct _SockscopePacketList
{
  GObject            parent_instance;

  SockscopeEventLog *log;
  GArray            *positions;   /* guint: log positions of packet events, ascending */
  guint              scanned;     /* log events looked at so far */
  guint              limit;       /* only events before this log position are shown */
  guint              n_shown;
  GHashTable        *wire;        /* packet seq → GArray of WireMark: what the wire did to it */
};

typedef struct
{
  guint               position;   /* the wire event's */
  SockscopeWireAction action;
  gint64              delay_ns;
} WireMark;

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SockscopePacketList, sockscope_packet_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return SOCKSCOPE_TYPE_EVENT;
}

static guint
get_n_items (GListModel *model)
{
  return SOCKSCOPE_PACKET_LIST (model)->n_shown;
}

static gpointer
get_item (GListModel *model,
          guint       index)
{
  SockscopePacketList *self = SOCKSCOPE_PACKET_LIST (model);

  if (index >= self->n_shown)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->log),
                                g_array_index (self->positions, guint, index));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* Number of packets whose log position is below limit (binary search). */
static guint
count_below (SockscopePacketList *self,
             guint                limit)
{
  guint lo = 0, hi = self->positions->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->positions, guint, mid) < limit)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
update_shown (SockscopePacketList *self)
{
  guint n = count_below (self, self->limit);
  guint old = self->n_shown;

  if (n == old)
    return;
  self->n_shown = n;
  if (n > old)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n - old);
  else
    g_list_model_items_changed (G_LIST_MODEL (self), n, old - n, 0);
}

/* A `wire` event: what the wire did to a packet, kept for its row's Info. */
static void
note_wire (SockscopePacketList *self,
           guint                position)
{
  g_autofree char *type = sockscope_event_log_get_string (self->log, position, "type");
  g_autofree char *action = NULL;
  gint64 packet = 0, seq = 0;
  WireMark mark = { position, SOCKSCOPE_WIRE_SET, -1 };
  GArray *marks;

  if (g_strcmp0 (type, "wire") != 0 || !sockscope_event_log_get_int (self->log, position, "packet", &packet) ||
      packet <= 0 || packet > G_MAXUINT)
    return;
  action = sockscope_event_log_get_string (self->log, position, "action");
  if (g_strcmp0 (action, "drop") == 0)
    mark.action = SOCKSCOPE_WIRE_DROP;
  else if (g_strcmp0 (action, "delay") == 0)
    mark.action = SOCKSCOPE_WIRE_DELAY;
  else if (g_strcmp0 (action, "duplicate") == 0)
    mark.action = SOCKSCOPE_WIRE_DUPLICATE;
  else if (g_strcmp0 (action, "reorder") == 0)
    mark.action = SOCKSCOPE_WIRE_REORDER;
  else
    return;
  sockscope_event_log_get_int (self->log, position, "delay_ns", &mark.delay_ns);
  marks = g_hash_table_lookup (self->wire, GSIZE_TO_POINTER ((gsize) packet));
  if (marks == NULL)
    {
      marks = g_array_new (FALSE, FALSE, sizeof (WireMark));
      g_hash_table_insert (self->wire, GSIZE_TO_POINTER ((gsize) packet), marks);
    }
  g_array_append_val (marks, mark);

  /* A row already shown says it at once: the lab logs the packet before the decision. */
  if (packet - 1 < self->scanned && sockscope_event_log_get_int (self->log, (guint) packet - 1, "seq", &seq) && seq == packet)
    {
      int index = sockscope_packet_list_find (self, (guint) packet - 1);

      if (index >= 0 && position < self->limit)
        g_list_model_items_changed (G_LIST_MODEL (self), (guint) index, 1, 1);
    }
}

char *
sockscope_packet_list_get_wire_marks (SockscopePacketList *self,
                                      guint                position)
{
  GArray *marks;
  GString *text;
  gint64 seq = 0;

  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_LIST (self), NULL);

  if (g_hash_table_size (self->wire) == 0 || !sockscope_event_log_get_int (self->log, position, "seq", &seq))
    return NULL;
  marks = g_hash_table_lookup (self->wire, GSIZE_TO_POINTER ((gsize) seq));
  if (marks == NULL)
    return NULL;
  text = g_string_new (NULL);
  for (guint i = 0; i < marks->len; i++)
    {
      const WireMark *mark = &g_array_index (marks, WireMark, i);
      g_autofree char *words = NULL;

      if (mark->position >= self->limit)
        continue;
      words = sockscope_wire_mark (mark->action, mark->delay_ns);
      if (strstr (text->str, words) != NULL)
        continue;   /* two copies: "duplicated" once */
      g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", words);
    }
  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  return g_string_free (text, FALSE);
}

static void
on_log_items_changed (SockscopePacketList *self,
                      guint                position,
                      guint                removed,
                      guint                added)
{
  guint n = sockscope_event_log_get_n_events (self->log);
  gboolean live = self->limit >= self->scanned;

  /* A live view follows the log; a view scrubbed back in history, or still being filled, stays
   * where it is. */
  if (live)
    self->limit = n;
  for (; self->scanned < n; self->scanned++)
    {
      SockscopeEventType type = sockscope_event_log_get_event_type (self->log, self->scanned);

      if (type == SOCKSCOPE_EVENT_PACKET)
        g_array_append_val (self->positions, self->scanned);
      else if (type == SOCKSCOPE_EVENT_OTHER)
        note_wire (self, self->scanned);
    }

  update_shown (self);
}

void
sockscope_packet_list_set_limit (SockscopePacketList *self,
                                 guint                n_events)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKET_LIST (self));

  self->limit = n_events;
  update_shown (self);
}

/* Shows the packets among the first @n_events events, at most @max_rows of them. */
void
sockscope_packet_list_set_limit_rows (SockscopePacketList *self,
                                      guint                n_events,
                                      guint                max_rows)
{
  g_return_if_fail (SOCKSCOPE_IS_PACKET_LIST (self));

  if (count_below (self, n_events) > max_rows)
    n_events = g_array_index (self->positions, guint, max_rows);
  sockscope_packet_list_set_limit (self, n_events);
}

guint
sockscope_packet_list_get_position (SockscopePacketList *self,
                                    guint                index)
{
  g_return_val_if_fail (index < self->positions->len, G_MAXUINT);

  return g_array_index (self->positions, guint, index);
}

/* Packet events in the log so far, shown or not (beyond the limit). */
guint
sockscope_packet_list_get_n_known (SockscopePacketList *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PACKET_LIST (self), 0);

  return self->positions->len;
}

int
sockscope_packet_list_find (SockscopePacketList *self,
                            guint                log_position)
{
  guint index = count_below (self, log_position);

  if (index < self->n_shown && g_array_index (self->positions, guint, index) == log_position)
    return (int) index;
  return -1;
}

static void
sockscope_packet_list_dispose (GObject *object)
{
  SockscopePacketList *self = SOCKSCOPE_PACKET_LIST (object);

  g_clear_object (&self->log);
  g_clear_pointer (&self->positions, g_array_unref);
  g_clear_pointer (&self->wire, g_hash_table_unref);
  G_OBJECT_CLASS (sockscope_packet_list_parent_class)->dispose (object);
}

static void
sockscope_packet_list_class_init (SockscopePacketListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sockscope_packet_list_dispose;
}

static void
sockscope_packet_list_init (SockscopePacketList *self)
{
  self->positions = g_array_new (FALSE, FALSE, sizeof (guint));
  self->wire = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
}

/* Shows the packets among the first @limit events of @log, and follows the log from there on
 * if @limit covers it all (G_MAXUINT: a live log). */
SockscopePacketList *
sockscope_packet_list_new (SockscopeEventLog *log,
                           guint              limit)
{
  SockscopePacketList *self = g_object_new (SOCKSCOPE_TYPE_PACKET_LIST, NULL);

  self->log = g_object_ref (log);
  self->limit = G_MAXUINT;
  g_signal_connect_object (log, "items-changed", G_CALLBACK (on_log_items_changed), self, G_CONNECT_SWAPPED);
  on_log_items_changed (self, 0, 0, 0);
  sockscope_packet_list_set_limit (self, limit);
  return self;
}
