/* sockscope-sequence-view-input.c: the diagram under the pointer and the keys: what is at a
 * point (a box, a label, the band of an arrow, an activation bar), the selection (click,
 * Up/Down), tooltips and the accessible description of the selected item. Everything it finds
 * is found in the layout the view draws. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sockscope-sequence-view-private.h"

enum
{
  SIGNAL_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  double x, y;
  guint  seq;
} HitData;

static gboolean
hit_bar (SockscopeSequenceView *self,
         guint                  index,
         gpointer               data)
{
  HitData *hit = data;
  graphene_rect_t bar;

  if (index < self->n_visible && sockscope_sequence_view_call_bar (self, index, &bar) &&
      graphene_rect_contains_point (graphene_rect_inset (&bar, -4 * self->zoom, 0),
                                    &GRAPHENE_POINT_INIT (hit->x, hit->y)))
    {
      hit->seq = item_get (self, index)->seq;
      return TRUE;
    }
  return FALSE;
}

static gboolean
rect_contains (const SockscopeLayoutRect *r,
               double                     inset,
               double                     x,
               double                     y)
{
  return r->width > 0 && x >= r->x - inset && x <= r->x + r->width + inset &&
         y >= r->y - inset && y <= r->y + r->height + inset;
}

guint
sockscope_sequence_view_item_at (SockscopeSequenceView *self,
                                 double                 x,
                                 double                 y)
{
  HitData hit = { x, y, 0 };
  const SockscopeLayout *l;
  guint first;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  l = sockscope_sequence_view_ensure_layout (self, &first);
  if (y < l->header_h)
    return 0;
  for (guint i = 0; i < l->n_rows; i++)
    {
      SockscopeLayoutBox box;
      const Item *item = item_get (self, first + i);

      if (y < l->rows[i].y || y >= l->rows[i].y + l->rows[i].height ||
          !sockscope_sequence_view_row_box (self, first + i, &box))
        continue;
      if (rect_contains (&box.box, 4 * self->zoom, x, y) || rect_contains (&box.tag, 2 * self->zoom, x, y))
        return item->seq;
      /* The whole band between the two lifelines: an arrow is a thin target. */
      if (box.arrow && x >= MIN (box.xa, box.xb) - 4 * self->zoom && x <= MAX (box.xa, box.xb) + 4 * self->zoom)
        return item->seq;
      sockscope_sequence_view_foreach_bar (self, first + i, first + i, hit_bar, &hit);
      return hit.seq;
    }
  return 0;
}

gboolean
sockscope_sequence_view_get_item_point (SockscopeSequenceView *self,
                                        guint                  seq,
                                        double                *x,
                                        double                *y)
{
  SockscopeLayoutBox box;
  guint row;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);

  if (sockscope_sequence_view_lookup (self, seq, &row) == NULL || row >= self->n_visible ||
      !sockscope_sequence_view_row_box (self, row, &box))
    return FALSE;
  if (x == NULL || y == NULL)
    return TRUE;
  if (box.arrow)
    {
      *x = (box.xa + box.xb) / 2;
      *y = (box.ya + box.yb) / 2;
    }
  else
    {
      *x = box.box.x + box.box.width / 2;
      *y = box.box.y + box.box.height / 2;
    }
  return TRUE;
}

void
sockscope_sequence_view_update_description (SockscopeSequenceView *self)
{
  g_autofree char *description = NULL;
  const Item *item = sockscope_sequence_view_lookup (self, self->selected, NULL);

  if (item == NULL)
    description = g_strdup (_("No item selected"));
  else if (item->kind == ITEM_SPAWN)
    {
      const char *parent = ((Lifeline *) g_ptr_array_index (self->lifelines, item->from))->label;
      const Lifeline *child = g_ptr_array_index (self->lifelines, item->to);

      description = child->thread
        /* TRANSLATORS: accessible description; %s: the parent, the call, the thread created */
        ? g_strdup_printf (_("%s starts a thread with %s: %s"), parent, item->text, child->label)
        /* TRANSLATORS: accessible description; %s: the parent, the call, the child process */
        : g_strdup_printf (_("%s creates a child process with %s: %s"), parent, item->text, child->label);
    }
  else if (item->kind == ITEM_EXIT)
    /* TRANSLATORS: accessible description; %s: an actor, how it ended ("exited, status 0") */
    description = g_strdup_printf (_("%s ends: %s"),
                                   ((Lifeline *) g_ptr_array_index (self->lifelines, item->from))->label, item->text);
  else if (item->kind == ITEM_SIGNAL)
    /* TRANSLATORS: accessible description; %s: an actor, a signal ("⚡ SIGCHLD") */
    description = g_strdup_printf (_("%s receives the signal %s"),
                                   ((Lifeline *) g_ptr_array_index (self->lifelines, item->to))->label, item->text);
  else if (item->kind == ITEM_WIRE)
    description = g_strdup (item->text);
  else if (item->kind == ITEM_PACKET)
    {
      const char *outside = _("outside");
      const char *from = item->from < 0 ? outside : ((Lifeline *) g_ptr_array_index (self->lifelines, item->from))->label;
      const char *to = item->to < 0 ? outside : ((Lifeline *) g_ptr_array_index (self->lifelines, item->to))->label;

      /* TRANSLATORS: accessible description; %s: sender, receiver, packet label */
      description = g_strdup_printf (_("Packet from %s to %s: %s"), from, to, sockscope_sequence_view_item_text (self, item));
    }
  else
    {
      const char *who = ((Lifeline *) g_ptr_array_index (self->lifelines, item->from))->label;

      if (item->kind == ITEM_CALL)
        /* TRANSLATORS: accessible description; %s: actor, call text */
        description = g_strdup_printf (_("Call by %s: %s"), who, sockscope_sequence_view_item_text (self, item));
      else if (item->kind == ITEM_RESULT)
        /* TRANSLATORS: accessible description; %s: actor, what a call returned ("← accept = 4") */
        description = g_strdup_printf (_("Return to %s: %s"), who, sockscope_sequence_view_item_text (self, item));
      else
        /* TRANSLATORS: accessible description; %s: actor, socket and state */
        description = g_strdup_printf (_("Socket of %s: %s"), who, sockscope_sequence_view_item_text (self, item));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

void
sockscope_sequence_view_select (SockscopeSequenceView *self,
                                guint                  seq)
{
  const Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  item = sockscope_sequence_view_lookup (self, seq, NULL);
  if (item == NULL)
    seq = 0;
  self->selected = seq;
  self->selected_cause = item != NULL && (item->kind == ITEM_PACKET || item->kind == ITEM_RESULT) ? item->cause_seq : 0;
  if (seq != 0)
    {
      self->scroll_to_selected = TRUE;
      sockscope_sequence_view_queue_layout (self);
    }
  sockscope_sequence_view_update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sockscope_sequence_view_get_selected (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->selected;
}

static void
user_select (SockscopeSequenceView *self,
             guint                  seq)
{
  sockscope_sequence_view_select (self, seq);
  g_signal_emit (self, signals[SIGNAL_SELECTED], 0, self->selected);
}

static void
click_pressed (GtkGestureClick       *gesture,
               int                    n_press,
               double                 x,
               double                 y,
               SockscopeSequenceView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  user_select (self, sockscope_sequence_view_item_at (self, x, y));
}

/* Up/Down: the previous or next row; from no selection, the rows at the edges of the view. */
static void
move_selection (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  int delta = g_variant_get_int32 (parameter);
  const SockscopeLayout *l;
  guint row, first, last;

  if (self->n_visible == 0)
    return;
  l = sockscope_sequence_view_ensure_layout (self, &first);
  last = first + (l->n_rows > 0 ? l->n_rows - 1 : 0);
  if (sockscope_sequence_view_lookup (self, self->selected, &row) == NULL || row >= self->n_visible)
    row = delta > 0 ? MIN (first, self->n_visible - 1) : MIN (last, self->n_visible - 1);
  else if (delta < 0)
    row = row > 0 ? row - 1 : 0;
  else
    row = MIN (row + 1, self->n_visible - 1);
  user_select (self, item_get (self, row)->seq);
}

gboolean
sockscope_sequence_view_query_tooltip (GtkWidget  *widget,
                                       int         x,
                                       int         y,
                                       gboolean    keyboard_mode,
                                       GtkTooltip *tooltip)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  g_autofree char *text = NULL;
  const Item *item;
  double at_ms;

  item = sockscope_sequence_view_lookup (self, sockscope_sequence_view_item_at (self, x, y), NULL);
  if (item == NULL)
    return FALSE;
  if (item->kind == ITEM_RESULT && sockscope_sequence_view_lookup (self, item->cause_seq, NULL) != NULL)
    item = sockscope_sequence_view_lookup (self, item->cause_seq, NULL);
  at_ms = (item->t_ns - item_get (self, 0)->t_ns) / 1e6;
  if (item->kind == ITEM_CALL && sockscope_sequence_view_shows_seq (self, item->return_seq))
    /* TRANSLATORS: tooltip; %s: the call, then times in milliseconds */
    text = g_strdup_printf (_("%s\nat %.3f ms, returned after %.3f ms"), sockscope_sequence_view_item_text (self, item),
                            at_ms, (item->return_t_ns - item->t_ns) / 1e6);
  else
    /* TRANSLATORS: tooltip; %s: the item, then its time in milliseconds from the first */
    text = g_strdup_printf (_("%s\nat %.3f ms"), sockscope_sequence_view_item_text (self, item), at_ms);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
sockscope_sequence_view_class_init_input (GtkWidgetClass *widget_class)
{
  /**
   * SockscopeSequenceView::selected:
   * @seq: the seq of the item the user selected, 0 for none
   *
   * The user clicked an item (or empty space) or moved the selection with the keyboard.
   */
  signals[SIGNAL_SELECTED] =
    g_signal_new ("selected", G_TYPE_FROM_CLASS (widget_class), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "sequence.move", "i", move_selection);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "sequence.move", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, 0, "sequence.move", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "sequence.move", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, 0, "sequence.move", "i", 1);
  gtk_widget_class_install_property_action (widget_class, "sequence.overview", "overview");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, 0, "sequence.overview", NULL);
}

void
sockscope_sequence_view_init_input (SockscopeSequenceView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect_object (click, "pressed", G_CALLBACK (click_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sequence diagram"),
                                  -1);
  sockscope_sequence_view_update_description (self);
}
