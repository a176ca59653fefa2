/* sockscope-sockets-pane.c: the socket table is a projection of the log's `state` events up to
 * the history position: the latest event of each socket is its row, keyed by the lab's `sock`
 * number (older sessions: by inode, or by addresses for a socket no process holds any more). A
 * connection that outlives its descriptor keeps its row and says whose it was ("client, fd 3
 * closed, TIME-WAIT"); a CLOSED socket leaves the table. The selected row drives the TCP state
 * machine and the queue gauges; when the selected socket closes, the machine keeps showing how
 * it ended. */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "sockscope-actor-style.h"
#include "sockscope-data-table.h"
#include "sockscope-palette.h"
#include "sockscope-sockets-pane.h"
#include "sockscope-tcp-state-view.h"

struct _SockscopeSocketsPane
{
  GtkWidget              parent_instance;

  GtkWidget             *paned;
  GtkColumnView         *view;
  GtkSingleSelection    *selection;
  GListStore            *rows;        /* SockscopeEvent: the latest state event of each socket */
  GHashTable            *previous;    /* SockscopeEvent of a row -> previous state (string) */
  SockscopeTcpStateView *machine;
  GtkLevelBar           *recv_gauge;
  GtkLevelBar           *send_gauge;
  GtkLabel              *recv_label;
  GtkLabel              *send_label;
  GtkLabel              *machine_label;
  GtkWidget             *side;        /* the machine, its heading and the gauges */
  SockscopeEvent        *gone;        /* the CLOSED event of the socket selected last, or NULL */
  char                  *gone_previous;
  char                  *gone_key;

  guint                  fit_tick;
  int                    fitted_width; /* the paned's width the table was fitted to */
  int                    full_table;   /* the table's width with every column */
  gboolean               compact;      /* Type and gauge columns hidden for room */
  SockscopeLesson       *lesson;      /* actors' labels and colours, or NULL */
  char                  *lang;
  SockscopeEventLog     *log;
  GArray                *states;      /* guint: log positions of state events */
  guint                  scanned;
  guint                  limit;
  gboolean               live;
};

G_DEFINE_FINAL_TYPE (SockscopeSocketsPane, sockscope_sockets_pane, GTK_TYPE_WIDGET)

static void on_paned_resized (SockscopeSocketsPane *self);
static void queue_fit_table  (SockscopeSocketsPane *self);

static gboolean
is_listener (JsonObject *object)
{
  return g_strcmp0 (json_object_get_string_member_with_default (object, "state", ""), "LISTEN") == 0;
}

/* Who holds the socket, as actor ids: after a fork, parent and child both hold it and every
 * holder is listed; a connection that outlived its descriptor names whose it was. */
static GStrv
holder_ids (JsonObject *object)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  JsonArray *holders = json_object_has_member (object, "holders") &&
                       JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "holders"))
                       ? json_object_get_array_member (object, "holders") : NULL;
  JsonNode *node;

  if (holders != NULL && json_array_get_length (holders) > 1)
    {
      for (guint i = 0; i < json_array_get_length (holders); i++)
        g_strv_builder_add (ids, json_array_get_string_element (holders, i));
      return g_strv_builder_end (ids);
    }
  node = json_object_get_member (object, "actor");
  if (node == NULL || json_node_is_null (node))
    node = json_object_get_member (object, "last_actor");
  if (node != NULL && !json_node_is_null (node) && json_node_get_string (node) != NULL)
    g_strv_builder_add (ids, json_node_get_string (node));
  return g_strv_builder_end (ids);
}

static char *
cell_text (JsonObject *object,
           const char *column)
{
  JsonNode *node;

  if (g_str_equal (column, "actor"))
    {
      g_auto(GStrv) ids = holder_ids (object);

      return ids[0] != NULL ? g_strjoinv (", ", ids) : g_strdup ("—");
    }
  if (g_str_equal (column, "fd"))
    {
      node = json_object_get_member (object, "fd");
      if (node != NULL && !json_node_is_null (node))
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      node = json_object_get_member (object, "last_fd");
      if (node != NULL && !json_node_is_null (node))
        /* TRANSLATORS: the FD column of a connection whose descriptor was closed (TIME-WAIT) */
        return g_strdup_printf (_("%lld, closed"), (long long) json_node_get_int (node));
      return g_strdup ("—");
    }
  if (g_str_equal (column, "type"))
    {
      const char *proto = json_object_get_string_member_with_default (object, "proto", "");
      const char *family = json_object_get_string_member_with_default (object, "family", "");
      g_autofree char *up = g_ascii_strup (proto[0] ? proto : family, -1);

      if (g_str_equal (family, "inet6"))
        return g_strdup_printf ("%s/IPv6", up);
      if (g_str_equal (family, "unix"))
        return g_strdup_printf ("UNIX %s", json_object_get_string_member_with_default (object, "socktype", ""));
      return g_strdup (up);
    }
  if (g_str_equal (column, "recv_q") || g_str_equal (column, "send_q"))
    {
      gint64 value = json_object_get_int_member_with_default (object, column, 0);

      /* For a listener the kernel reports the accept queue and the backlog instead. */
      if (is_listener (object))
        return g_str_equal (column, "recv_q")
               ? g_strdup_printf (_("%lld waiting"), (long long) value)
               : g_strdup_printf (_("backlog %lld"), (long long) value);
      return g_strdup_printf ("%" G_GINT64_FORMAT, value);
    }
  return g_strdup (json_object_get_string_member_with_default (object, column, ""));
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* A handful of sockets: every column fits its cells whole, at any zoom (presenter mode), rather
   * than cut "LISTEN" to "LIST…"; the table scrolls sideways in a narrow pane. */
  gtk_list_item_set_child (item, label);
}

/* Who holds the socket in the lesson's words (labels, never ids); first: the first holder's
 * actor index, or -1. */
static char *
holders_text (SockscopeSocketsPane *self,
              JsonObject           *object,
              int                  *first)
{
  g_auto(GStrv) ids = holder_ids (object);
  GString *text = g_string_new (NULL);

  *first = -1;
  for (guint i = 0; ids[i] != NULL; i++)
    {
      int index = self->lesson ? sockscope_lesson_find_actor (self->lesson, ids[i]) : -1;

      if (i == 0)
        *first = index;
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, index >= 0 ? sockscope_actor_get_label (sockscope_lesson_get_actor (self->lesson, (guint) index), self->lang)
                                        : ids[i]);
    }
  if (text->len == 0)
    g_string_append (text, "—");
  return g_string_free (text, FALSE);
}

/* The Actor column: the holders' labels, in the first one's palette colour as in the step list
 * and the diagram. */
static void
show_holders (SockscopeSocketsPane *self,
              GtkLabel             *label,
              JsonObject           *object)
{
  int first;
  g_autofree char *text = holders_text (self, object, &first);

  gtk_label_set_text (label, text);
  gtk_widget_set_css_classes (GTK_WIDGET (label), NULL);
  if (first >= 0)
    {
      g_autofree char *css = g_strdup_printf ("actor-%d", first % SOCKSCOPE_PALETTE_SIZE);

      gtk_widget_add_css_class (GTK_WIDGET (label), "actor-tag");
      gtk_widget_add_css_class (GTK_WIDGET (label), css);
    }
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  SockscopeSocketsPane *self = user_data;
  SockscopeEvent *event = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *column = g_object_get_data (G_OBJECT (factory), "column");
  JsonObject *object = sockscope_event_get_object (event);
  g_autofree char *text = cell_text (object, column);
  const char *state = json_object_get_string_member_with_default (object, "state", "");
  g_auto(GStrv) classes = NULL;
  g_autofree char *state_class = NULL;

  gtk_label_set_text (GTK_LABEL (label), text);
  if (g_str_equal (column, "actor"))
    show_holders (self, GTK_LABEL (label), object);
  if (g_str_equal (column, "state"))
    {
      state_class = g_ascii_strdown (state, -1);
      g_strdelimit (state_class, "-", '_');
      classes = g_strsplit ("state-tag", " ", -1);
      gtk_widget_set_css_classes (label, (const char **) classes);
      gtk_widget_add_css_class (label, state_class);
    }
}

/* A level bar whose colour does not jump with absolute byte counts (GtkLevelBar's default
 * offsets are 0.25, 0.75 and 1 in value units). */
static GtkLevelBar *
queue_bar_new (void)
{
  GtkLevelBar *bar = GTK_LEVEL_BAR (gtk_level_bar_new ());

  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_set_min_value (bar, 0);
  gtk_level_bar_set_max_value (bar, 1);
  return bar;
}

/* The queue of a socket against its buffer (a listener: the accept queue against its backlog),
 * as a gauge and the sentence that names it. recv: the receive side, else the send side. */
static void
queue_fill (JsonObject *object,
            gboolean    recv,
            double     *value,
            double     *max,
            char      **text)
{
  gint64 recv_q = json_object_get_int_member_with_default (object, "recv_q", 0);
  gint64 send_q = json_object_get_int_member_with_default (object, "send_q", 0);
  gint64 rcvbuf = json_object_get_int_member_with_default (object, "rcvbuf", 0);
  gint64 sndbuf = json_object_get_int_member_with_default (object, "sndbuf", 0);

  if (is_listener (object))
    {
      *max = MAX (send_q, 1);
      *value = recv ? MIN (recv_q, *max) : 0;
      *text = recv ? g_strdup_printf (_("Accept queue: %lld of %lld"), (long long) recv_q, (long long) send_q)
                   : g_strdup (_("A listening socket sends nothing"));
      return;
    }
  if (recv)
    {
      *max = MAX (rcvbuf, MAX (recv_q, 1));
      *value = recv_q;
      *text = rcvbuf > 0
        ? g_strdup_printf (_("Receive queue: %lld bytes of %lld"), (long long) recv_q, (long long) rcvbuf)
        : g_strdup_printf (_("Receive queue: %lld bytes"), (long long) recv_q);
    }
  else
    {
      *max = MAX (sndbuf, MAX (send_q, 1));
      *value = send_q;
      *text = sndbuf > 0
        ? g_strdup_printf (_("Send queue: %lld bytes of %lld"), (long long) send_q, (long long) sndbuf)
        : g_strdup_printf (_("Send queue: %lld bytes"), (long long) send_q);
    }
}

/* The Queues column: two thin gauges per socket, receive over send. */
static void
setup_gauges (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkLevelBar *recv = queue_bar_new ();
  GtkLevelBar *send = queue_bar_new ();

  gtk_widget_set_name (GTK_WIDGET (recv), "recv-queue");
  gtk_widget_set_name (GTK_WIDGET (send), "send-queue");
  gtk_widget_add_css_class (box, "queue-gauges");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (recv));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (send));
  gtk_list_item_set_child (item, box);
}

static void
bind_gauge (SockscopeSocketsPane *self,
            GtkLevelBar          *bar,
            JsonObject           *object,
            gboolean              recv)
{
  int first;
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  g_autofree char *who = holders_text (self, object, &first);
  g_autofree char *fd = cell_text (object, "fd");
  double value, max;

  queue_fill (object, recv, &value, &max, &text);
  gtk_level_bar_set_max_value (bar, max);
  gtk_level_bar_set_value (bar, value);
  /* TRANSLATORS: accessible name of a queue gauge; %s: the holder(s), the fd, the queue */
  name = g_strdup_printf (_("%s, fd %s: %s"), who, fd, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (bar), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
bind_gauges (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  SockscopeEvent *event = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  JsonObject *object = sockscope_event_get_object (event);

  bind_gauge (user_data, GTK_LEVEL_BAR (gtk_widget_get_first_child (box)), object, TRUE);
  bind_gauge (user_data, GTK_LEVEL_BAR (gtk_widget_get_last_child (box)), object, FALSE);
}

/* One socket, one key: the lab's number for it, from socket() to CLOSED. Older sessions have
 * none: its inode while a process holds it; its addresses otherwise. */
static char *
socket_key (JsonObject *object)
{
  JsonNode *sock = json_object_get_member (object, "sock");
  gint64 inode = json_object_get_int_member_with_default (object, "inode", 0);

  if (sock != NULL && JSON_NODE_HOLDS_VALUE (sock) && json_node_get_value_type (sock) == G_TYPE_INT64)
    return g_strdup_printf ("s%" G_GINT64_FORMAT, json_node_get_int (sock));
  if (inode != 0)
    return g_strdup_printf ("i%" G_GINT64_FORMAT, inode);
  return g_strdup_printf ("a%s|%s|%s",
                          json_object_get_string_member_with_default (object, "proto", ""),
                          json_object_get_string_member_with_default (object, "local", ""),
                          json_object_get_string_member_with_default (object, "peer", ""));
}

static void
update_gauges (SockscopeSocketsPane *self)
{
  guint index = gtk_single_selection_get_selected (self->selection);
  g_autoptr(SockscopeEvent) event = NULL;
  JsonObject *object;
  g_autofree char *recv_text = NULL;
  g_autofree char *send_text = NULL;
  const char *state, *previous;
  gboolean tcp;

  if (index != GTK_INVALID_LIST_POSITION)
    {
      event = g_list_model_get_item (G_LIST_MODEL (self->rows), index);
      g_clear_object (&self->gone);
      g_clear_pointer (&self->gone_previous, g_free);
      g_clear_pointer (&self->gone_key, g_free);
    }
  if (event == NULL && self->gone != NULL)
    {
      g_autofree char *title = NULL;

      /* The selected socket closed: its row is gone, the machine shows how it ended. */
      sockscope_tcp_state_view_set_state (self->machine, "CLOSED", self->gone_previous);
      title = sockscope_tcp_state_view_get_title (self->machine);
      gtk_label_set_text (self->machine_label, title);
      gtk_level_bar_set_value (self->recv_gauge, 0);
      gtk_level_bar_set_value (self->send_gauge, 0);
      gtk_label_set_text (self->recv_label, "");
      gtk_label_set_text (self->send_label, "");
      return;
    }
  if (event == NULL)
    {
      sockscope_tcp_state_view_set_state (self->machine, NULL, NULL);
      gtk_label_set_text (self->machine_label, _("Select a socket to see its state"));
      gtk_level_bar_set_value (self->recv_gauge, 0);
      gtk_level_bar_set_value (self->send_gauge, 0);
      gtk_label_set_text (self->recv_label, "");
      gtk_label_set_text (self->send_label, "");
      return;
    }

  object = sockscope_event_get_object (event);
  state = json_object_get_string_member_with_default (object, "state", "");
  previous = g_hash_table_lookup (self->previous, event);
  tcp = g_strcmp0 (json_object_get_string_member_with_default (object, "proto", ""), "tcp") == 0;
  sockscope_tcp_state_view_set_state (self->machine, tcp ? state : NULL, tcp ? previous : NULL);
  if (tcp)
    {
      /* "CLOSE-WAIT → LAST-ACK → CLOSED (LAST-ACK passed between two samples)" */
      g_autofree char *title = sockscope_tcp_state_view_get_title (self->machine);

      gtk_label_set_text (self->machine_label, title ? title : state);
    }
  else
    gtk_label_set_text (self->machine_label, _("Not a TCP socket: no state machine"));

  {
    double value, max;

    queue_fill (object, TRUE, &value, &max, &recv_text);
    gtk_level_bar_set_max_value (self->recv_gauge, max);
    gtk_level_bar_set_value (self->recv_gauge, value);
    queue_fill (object, FALSE, &value, &max, &send_text);
    gtk_level_bar_set_max_value (self->send_gauge, max);
    gtk_level_bar_set_value (self->send_gauge, value);
    if (is_listener (object))
      g_clear_pointer (&send_text, g_free);
  }
  gtk_label_set_text (self->recv_label, recv_text);
  gtk_label_set_text (self->send_label, send_text ? send_text : "");
}

static gboolean
is_closed (JsonObject *object)
{
  return g_strcmp0 (json_object_get_string_member_with_default (object, "state", ""), "CLOSED") == 0;
}

static void
rebuild (SockscopeSocketsPane *self)
{
  g_autoptr(GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autoptr(GHashTable) prev_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *selected_key = NULL;
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint reselect = GTK_INVALID_LIST_POSITION;

  if (selected != GTK_INVALID_LIST_POSITION)
    {
      g_autoptr(SockscopeEvent) event = g_list_model_get_item (G_LIST_MODEL (self->rows), selected);
      selected_key = socket_key (sockscope_event_get_object (event));
    }
  else
    selected_key = g_strdup (self->gone_key);
  g_clear_object (&self->gone);
  g_clear_pointer (&self->gone_previous, g_free);
  g_clear_pointer (&self->gone_key, g_free);

  /* items[i]: the latest event of the socket order[i], NULL once it is CLOSED. */
  for (guint i = 0; i < self->states->len; i++)
    {
      guint position = g_array_index (self->states, guint, i);
      g_autoptr(SockscopeEvent) event = NULL;
      JsonObject *object;
      g_autofree char *key = NULL;
      gpointer old;

      if (position >= self->limit)
        break;
      event = g_list_model_get_item (G_LIST_MODEL (self->log), position);
      object = sockscope_event_get_object (event);
      key = socket_key (object);
      /* Older sessions: a connection the kernel held for no process (an embryonic one in the
       * accept queue) becomes the accepted socket: the same row, now keyed by its inode. */
      if (key[0] == 'i' && !g_hash_table_contains (latest, key))
        {
          g_autofree char *by_addr = g_strdup_printf ("a%s|%s|%s",
                                                      json_object_get_string_member_with_default (object, "proto", ""),
                                                      json_object_get_string_member_with_default (object, "local", ""),
                                                      json_object_get_string_member_with_default (object, "peer", ""));
          gpointer slot = g_hash_table_lookup (latest, by_addr);

          if (slot != NULL && !g_str_has_suffix (by_addr, "|*:*"))
            {
              g_hash_table_remove (latest, by_addr);
              g_hash_table_insert (latest, g_strdup (key), slot);
              g_free (g_ptr_array_index (order, GPOINTER_TO_UINT (slot) - 1));
              g_ptr_array_index (order, GPOINTER_TO_UINT (slot) - 1) = g_strdup (key);
              if (g_hash_table_contains (prev_by_key, by_addr))
                {
                  char *prev = g_strdup (g_hash_table_lookup (prev_by_key, by_addr));

                  g_hash_table_remove (prev_by_key, by_addr);
                  g_hash_table_insert (prev_by_key, g_strdup (key), prev);
                }
            }
        }
      if ((old = g_hash_table_lookup (latest, key)) != NULL)
        {
          SockscopeEvent *old_event = g_ptr_array_index (items, GPOINTER_TO_UINT (old) - 1);

          if (old_event != NULL)
            g_hash_table_insert (prev_by_key, g_strdup (key),
                                 g_strdup (json_object_get_string_member_with_default (sockscope_event_get_object (old_event), "state", "")));
          else
            g_hash_table_remove (prev_by_key, key);
          g_ptr_array_index (items, GPOINTER_TO_UINT (old) - 1) = event;
        }
      else
        {
          g_ptr_array_add (items, event);
          g_ptr_array_add (order, g_strdup (key));
          g_hash_table_insert (latest, g_strdup (key), GUINT_TO_POINTER (items->len));
        }
      /* A CLOSED socket leaves the table; the log keeps it alive until then. */
      if (is_closed (object))
        {
          SockscopeEvent **slot = (SockscopeEvent **) &g_ptr_array_index (items, GPOINTER_TO_UINT (g_hash_table_lookup (latest, key)) - 1);

          if (selected_key != NULL && g_str_equal (selected_key, key))
            {
              g_set_object (&self->gone, *slot);
              g_free (self->gone_previous);
              self->gone_previous = g_strdup (g_hash_table_lookup (prev_by_key, key));
            }
          *slot = NULL;
        }
      else if (selected_key != NULL && g_str_equal (selected_key, key))
        g_clear_object (&self->gone);
      /* items holds borrowed events: the log's list keeps them. */
      g_ptr_array_add (shown, g_steal_pointer (&event));
    }

  g_hash_table_remove_all (self->previous);
  {
    g_autoptr(GPtrArray) rows = g_ptr_array_new ();

    for (guint i = 0; i < items->len; i++)
      {
        SockscopeEvent *event = g_ptr_array_index (items, i);
        const char *prev = g_hash_table_lookup (prev_by_key, g_ptr_array_index (order, i));

        if (event == NULL)
          continue;
        if (prev != NULL)
          g_hash_table_insert (self->previous, event, g_strdup (prev));
        if (selected_key != NULL && g_str_equal (selected_key, g_ptr_array_index (order, i)))
          reselect = rows->len;
        g_ptr_array_add (rows, event);
      }
    if (self->gone != NULL)
      self->gone_key = g_strdup (selected_key);
    g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                         rows->pdata, rows->len);
  }
  g_ptr_array_set_free_func (shown, g_object_unref);
  gtk_single_selection_set_selected (self->selection, reselect);
  update_gauges (self);
}

static void
on_log_items_changed (SockscopeSocketsPane *self)
{
  guint n = sockscope_event_log_get_n_events (self->log);
  gboolean changed = FALSE;

  for (; self->scanned < n; self->scanned++)
    if (sockscope_event_log_get_event_type (self->log, self->scanned) == SOCKSCOPE_EVENT_STATE)
      {
        g_array_append_val (self->states, self->scanned);
        changed = TRUE;
      }
  if (self->live)
    {
      self->limit = n;
      if (changed)
        rebuild (self);
    }
}

void
sockscope_sockets_pane_set_log (SockscopeSocketsPane *self,
                                SockscopeEventLog    *log)
{
  g_return_if_fail (SOCKSCOPE_IS_SOCKETS_PANE (self));

  if (self->log != NULL)
    g_signal_handlers_disconnect_by_func (self->log, on_log_items_changed, self);
  g_set_object (&self->log, log);
  g_array_set_size (self->states, 0);
  self->scanned = 0;
  self->live = TRUE;
  g_signal_connect_object (log, "items-changed", G_CALLBACK (on_log_items_changed), self, G_CONNECT_SWAPPED);
  on_log_items_changed (self);
  rebuild (self);
}

void
sockscope_sockets_pane_set_limit (SockscopeSocketsPane *self,
                                  guint                 n_events)
{
  g_return_if_fail (SOCKSCOPE_IS_SOCKETS_PANE (self));

  if (self->log == NULL)
    return;
  self->live = n_events >= sockscope_event_log_get_n_events (self->log);
  self->limit = n_events;
  rebuild (self);
}

void
sockscope_sockets_pane_select (SockscopeSocketsPane *self,
                               const char           *actor,
                               int                   fd,
                               const char           *local,
                               const char           *peer)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SockscopeEvent) event = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      JsonObject *object = sockscope_event_get_object (event);
      JsonNode *fd_node = json_object_get_member (object, "fd");
      gboolean by_fd = actor != NULL && fd >= 0 && fd_node != NULL && !json_node_is_null (fd_node)
                       && g_strcmp0 (json_object_get_string_member_with_default (object, "actor", ""), actor) == 0
                       && json_node_get_int (fd_node) == fd;
      gboolean by_addr = local != NULL && peer != NULL
                         && g_strcmp0 (json_object_get_string_member_with_default (object, "local", ""), local) == 0
                         && g_strcmp0 (json_object_get_string_member_with_default (object, "peer", ""), peer) == 0;

      if (by_fd || by_addr)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

guint
sockscope_sockets_pane_get_n_rows (SockscopeSocketsPane *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

char *
sockscope_sockets_pane_get_cell (SockscopeSocketsPane *self,
                                 guint                 row,
                                 const char           *column)
{
  g_autoptr(SockscopeEvent) event = g_list_model_get_item (G_LIST_MODEL (self->rows), row);

  return event ? cell_text (sockscope_event_get_object (event), column) : NULL;
}

int
sockscope_sockets_pane_get_table_height (SockscopeSocketsPane *self,
                                         guint                 min_rows)
{
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (self->view));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  int table = 0, header_h = 0, side = 0, row_h;

  g_return_val_if_fail (SOCKSCOPE_IS_SOCKETS_PANE (self), 0);

  gtk_widget_measure (GTK_WIDGET (self->view), GTK_ORIENTATION_VERTICAL, -1, NULL, &table, NULL, NULL);
  if (header != NULL && gtk_widget_get_visible (header))
    gtk_widget_measure (header, GTK_ORIENTATION_VERTICAL, -1, NULL, &header_h, NULL, NULL);
  /* Rows not made yet (none at all before the first socket) count as tall as the header. */
  row_h = n > 0 && table > header_h ? (table - header_h) / (int) n : header_h;
  /* The state machine's side no shorter than its least (the machine scales down to it). */
  gtk_widget_measure (self->side, GTK_ORIENTATION_VERTICAL, MAX (gtk_widget_get_width (self->side), 1),
                      &side, NULL, NULL, NULL);
  return MAX (header_h + (int) MAX (n, min_rows) * row_h, side);
}

static GtkWidget *
gauge_new (GtkLevelBar **bar,
           GtkLabel    **label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  *label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (*label, 0);
  gtk_label_set_wrap (*label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (*label), "caption");
  *bar = queue_bar_new ();
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*bar));
  return box;
}

static void
sockscope_sockets_pane_dispose (GObject *object)
{
  SockscopeSocketsPane *self = SOCKSCOPE_SOCKETS_PANE (object);

  if (self->fit_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fit_tick);
  self->fit_tick = 0;
  g_clear_pointer (&self->paned, gtk_widget_unparent);
  g_clear_object (&self->rows);
  g_clear_object (&self->selection);
  g_clear_object (&self->log);
  g_clear_object (&self->lesson);
  g_clear_pointer (&self->lang, g_free);
  g_clear_pointer (&self->previous, g_hash_table_unref);
  g_clear_pointer (&self->states, g_array_unref);
  g_clear_object (&self->gone);
  g_clear_pointer (&self->gone_previous, g_free);
  g_clear_pointer (&self->gone_key, g_free);
  G_OBJECT_CLASS (sockscope_sockets_pane_parent_class)->dispose (object);
}

static void
sockscope_sockets_pane_class_init (SockscopeSocketsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_sockets_pane_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "socketspane");
}

static void
sockscope_sockets_pane_init (SockscopeSocketsPane *self)
{
  static const struct { const char *id; const char *title; int width; } columns[] = {
    { "actor", NC_("socket column", "Actor"), -1 },
    { "fd", NC_("socket column", "FD"), -1 },
    { "type", NC_("socket column", "Type"), -1 },
    { "local", NC_("socket column", "Local address"), -1 },
    { "peer", NC_("socket column", "Peer address"), -1 },
    { "state", NC_("socket column", "State"), -1 },
    { "recv_q", NC_("socket column", "Recv-Q"), -1 },
    { "send_q", NC_("socket column", "Send-Q"), -1 },
  };
  GtkListItemFactory *gauges;
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *scroller;

  self->states = g_array_new (FALSE, FALSE, sizeof (guint));
  self->previous = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->rows = g_list_store_new (SOCKSCOPE_TYPE_EVENT);
  self->selection = sockscope_data_table_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (update_gauges), self, G_CONNECT_SWAPPED);
  self->view = sockscope_data_table_new (self->selection, _("Sockets"));
  /* The queues against the buffers, for every socket at once (which one fills up), beside
   * the state. */
  gauges = gtk_signal_list_item_factory_new ();
  g_signal_connect (gauges, "setup", G_CALLBACK (setup_gauges), NULL);
  g_signal_connect_object (gauges, "bind", G_CALLBACK (bind_gauges), self, 0);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      sockscope_data_table_add_column (self->view, columns[i].id,
                                       g_dpgettext2 (NULL, "socket column", columns[i].title),
                                       columns[i].width, G_CALLBACK (setup_cell), G_CALLBACK (bind_cell), self);
      if (g_str_equal (columns[i].id, "state"))
        {
          GtkColumnViewColumn *column = gtk_column_view_column_new (C_("socket column", "Queues"), gauges);

          gtk_column_view_column_set_fixed_width (column, 90);
          g_object_set_data (G_OBJECT (column), "column", (gpointer) "gauges");
          gtk_column_view_column_set_resizable (column, TRUE);
          gtk_column_view_append_column (self->view, column);
          g_object_unref (column);
        }
    }

  self->machine = SOCKSCOPE_TCP_STATE_VIEW (sockscope_tcp_state_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->machine), TRUE);
  self->machine_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->machine_label, TRUE);
  gtk_label_set_justify (self->machine_label, GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->machine_label), "heading");
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->machine_label));
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->machine));
  gtk_box_append (GTK_BOX (side), gauge_new (&self->recv_gauge, &self->recv_label));
  gtk_box_append (GTK_BOX (side), gauge_new (&self->send_gauge, &self->send_label));
  gtk_widget_set_margin_start (side, 8);
  gtk_widget_set_margin_end (side, 8);
  gtk_widget_set_margin_bottom (side, 8);
  self->side = side;

  /* The state machine keeps a legible size: the side scrolls rather than squeeze it. */
  scroller = gtk_scrolled_window_new ();
  /* Its width is the pane's: the machine scales down to it rather than run off the side. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), side);
  self->paned = sockscope_data_table_paned_new (self->view, scroller, 700);
  /* The table scrolls; the machine's side keeps its minimum (the machine scales down to it). */
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), TRUE);
  gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);
  g_signal_connect_object (self->paned, "notify::max-position", G_CALLBACK (on_paned_resized), self, G_CONNECT_SWAPPED);
  /* New rows may widen the columns. */
  g_signal_connect_object (self->rows, "items-changed", G_CALLBACK (queue_fit_table), self, G_CONNECT_SWAPPED);
  gtk_widget_set_parent (self->paned, GTK_WIDGET (self));
  update_gauges (self);
  sockscope_actor_style_install (gtk_widget_get_display (GTK_WIDGET (self)));
}

GtkWidget *
sockscope_sockets_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_SOCKETS_PANE, NULL);
}

/* The table takes the width its columns need, up to what the state machine's side leaves (its
 * minimum, and a quarter); when that is too little, the table goes compact (no Type and no
 * gauge columns: the numbers say the same) and only then scrolls sideways; the side never goes
 * under its minimum. Done at the frame after a zoom, a resize or new rows, when the sizes are
 * known. */
static void
set_compact (SockscopeSocketsPane *self,
             gboolean              compact)
{
  GListModel *columns = gtk_column_view_get_columns (self->view);

  self->compact = compact;
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *id = g_object_get_data (G_OBJECT (column), "column");

      if (g_strcmp0 (id, "type") == 0 || g_strcmp0 (id, "gauges") == 0)
        gtk_column_view_column_set_visible (column, !compact);
    }
}

static gboolean
fit_table (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  SockscopeSocketsPane *self = SOCKSCOPE_SOCKETS_PANE (widget);
  GtkWidget *side = gtk_paned_get_end_child (GTK_PANED (self->paned));
  int table, side_min;
  gboolean compact;

  self->fit_tick = 0;
  gtk_widget_measure (GTK_WIDGET (self->view), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &table, NULL, NULL);
  gtk_widget_measure (side, GTK_ORIENTATION_HORIZONTAL, -1, &side_min, NULL, NULL, NULL);
  self->fitted_width = gtk_widget_get_width (self->paned);
  /* The table first (a room reads it), then the machine, on at least a quarter of the width. */
  side_min = MAX (side_min, self->fitted_width / 4);
  if (!self->compact)
    self->full_table = table;
  compact = self->full_table + 16 > self->fitted_width - side_min;
  if (compact != self->compact)
    {
      /* Measured again at the next frame, with the columns shown. */
      set_compact (self, compact);
      queue_fit_table (self);
      return G_SOURCE_REMOVE;
    }
  gtk_paned_set_position (GTK_PANED (self->paned), MAX (0, MIN (table + 16, self->fitted_width - side_min)));
  return G_SOURCE_REMOVE;
}

static void
queue_fit_table (SockscopeSocketsPane *self)
{
  if (self->fit_tick == 0)
    self->fit_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), fit_table, NULL, NULL);
}

static void
on_paned_resized (SockscopeSocketsPane *self)
{
  if (gtk_widget_get_width (self->paned) != self->fitted_width)
    queue_fit_table (self);
}

/* Presenter mode: the table's text scales with the window's CSS zoom and its columns fit their
 * cells (compact if need be, see fit_table); the state machine is scaled down to fit the room
 * left to it. */
void
sockscope_sockets_pane_set_zoom (SockscopeSocketsPane *self,
                                 double                zoom)
{
  g_return_if_fail (SOCKSCOPE_IS_SOCKETS_PANE (self));

  /* The queues' numbers are in the table: their gauges leave the height to the machine. */
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->recv_gauge)), zoom <= 1.0);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->send_gauge)), zoom <= 1.0);
  /* Every column measured again at the new size. */
  set_compact (self, FALSE);
  queue_fit_table (self);
  /* The machine keeps its own size: below the page's height at any presenter zoom it is drawn
   * scaled down to fit, the same drawing at every zoom, and a zoomed one would only ask the
   * page for more height (a fifth of its zoomed size) than the table needs. */
  sockscope_tcp_state_view_set_zoom (self->machine, 1.0);
}

/* The lesson whose actors hold the sockets: the Actor column shows their labels in lang and
 * their colours, and the state machine draws the client's and the server's paths in them. */
void
sockscope_sockets_pane_set_lesson (SockscopeSocketsPane *self,
                                   SockscopeLesson      *lesson,
                                   const char           *lang)
{
  int client = -1, server = -1;

  g_return_if_fail (SOCKSCOPE_IS_SOCKETS_PANE (self));

  g_set_object (&self->lesson, lesson);
  g_free (self->lang);
  self->lang = g_strdup (lang);
  for (guint i = 0; lesson != NULL && i < sockscope_lesson_get_n_actors (lesson); i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (lesson, i);

      if (client < 0 && g_strcmp0 (actor->role, "client") == 0)
        client = (int) i;
      if (server < 0 && g_strcmp0 (actor->role, "server") == 0)
        server = (int) i;
    }
  sockscope_tcp_state_view_set_path_actors (self->machine, client, server);
  /* Rows already shown take the new labels. */
  g_list_model_items_changed (G_LIST_MODEL (self->rows), 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                              g_list_model_get_n_items (G_LIST_MODEL (self->rows)));
}
