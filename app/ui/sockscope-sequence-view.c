/* sockscope-sequence-view.c: the ladder diagram's items and how they are laid out.
 *
 * Every item (call, packet, state) takes one row, in log order. Items are compact structs in
 * one GArray, their strings in a GStringChunk. What is shown is a slice of rows: the newest
 * ones while following (or, when they would leave it out, the step shown from its first row:
 * focus_seq, which the window sets), or from the row the vertical scroll points to (the vertical
 * adjustment counts rows), or the last few hundred fitted to the pane in the overview. The
 * slice is laid out by SockscopeLayout (app/diagram), which places the columns, wraps the
 * labels and says which x range holds the current row: the horizontal scroll keeps it in
 * view. A frame only lays out and draws the rows it shows, so its cost does not depend on the
 * length of the session. Drawing is in sockscope-sequence-view-draw.c, the pointer and keys
 * in sockscope-sequence-view-input.c. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sockscope-projection.h"
#include "sockscope-sequence-view-private.h"

enum
{
  PROP_0,
  PROP_ZOOM,
  PROP_ANIMATION_SPEED,
  PROP_FOLLOW,
  PROP_OVERVIEW,
  N_PROPS,

  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (SockscopeSequenceView, sockscope_sequence_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

/* Number of items with seq < seq: the row of that seq, or where it would go. */
static guint
row_lower_bound (SockscopeSequenceView *self,
                 guint                  seq)
{
  guint lo = 0;
  guint hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (item_get (self, mid)->seq < seq)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

Item *
sockscope_sequence_view_lookup (SockscopeSequenceView *self,
                                guint                  seq,
                                guint                 *index)
{
  guint row = row_lower_bound (self, seq);

  if (seq == 0 || row >= self->items->len || item_get (self, row)->seq != seq)
    return NULL;
  if (index != NULL)
    *index = row;
  return item_get (self, row);
}

static gboolean
is_live (SockscopeSequenceView *self)
{
  return self->position == G_MAXUINT;
}

gboolean
sockscope_sequence_view_shows_seq (SockscopeSequenceView *self,
                                   guint                  seq)
{
  return seq != 0 && seq <= self->position;
}

/* Off at speed 0 (tests, screenshots) and when the desktop asks for reduced motion. */
gboolean
sockscope_sequence_view_animates (SockscopeSequenceView *self)
{
  gboolean enabled = TRUE;

  if (self->animation_speed <= 0)
    return FALSE;
  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-enable-animations", &enabled, NULL);
  return enabled;
}

gboolean
sockscope_sequence_view_is_blocked (SockscopeSequenceView *self,
                                    const Item            *item)
{
  return sockscope_sequence_view_shows_seq (self, item->blocked_seq) &&
         !sockscope_sequence_view_shows_seq (self, item->return_seq);
}

/* The text as it reads at the current position: a call's result only once it has returned. */
const char *
sockscope_sequence_view_item_text (SockscopeSequenceView *self,
                                   const Item            *item)
{
  if (item->kind == ITEM_CALL && !sockscope_sequence_view_shows_seq (self, item->return_seq))
    return item->call_text;
  if (item->kind == ITEM_PACKET && item->wire_seq != 0 && !sockscope_sequence_view_shows_seq (self, item->wire_seq))
    return item->call_text;
  return item->text;
}

/* ---- Activation bars --------------------------------------------------------------------- */

gboolean
sockscope_sequence_view_foreach_bar (SockscopeSequenceView *self,
                                     guint                  first,
                                     guint                  last,
                                     SockscopeBarFunc       func,
                                     gpointer               data)
{
  guint lo = 0, hi = self->calls->len;

  /* The first call after row last. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->calls, guint, mid) <= last)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint i = lo; i > 0; i--)
    {
      guint index = g_array_index (self->calls, guint, i - 1);
      const Item *item = item_get (self, index);

      if (index + self->max_span < first)
        break;
      if (item->return_seq != 0 && func (self, index, data))
        return TRUE;
    }
  for (guint i = 0; i < self->open_calls->len; i++)
    {
      guint index = g_array_index (self->open_calls, guint, i);

      if (index <= last && func (self, index, data))
        return TRUE;
    }
  return FALSE;
}

/* The row a call's bar runs to (its result row, or where it returned), within the rows shown. */
static guint
bar_end (SockscopeSequenceView *self,
         const Item            *item)
{
  guint end = sockscope_sequence_view_shows_seq (self, item->return_seq) ? item->return_row : self->n_visible;

  return MIN (end, self->n_visible);
}

typedef struct
{
  int   lifeline;
  guint row;
} BarQuery;

static gboolean
bar_covers (SockscopeSequenceView *self,
            guint                  index,
            gpointer               data)
{
  const BarQuery *q = data;

  return item_get (self, index)->from == q->lifeline && index < q->row && q->row < bar_end (self, item_get (self, index));
}

/* An arrow ends at the edge of an activation bar, as in UML. */
static gboolean
on_bar (SockscopeSequenceView *self,
        int                    lifeline,
        guint                  row)
{
  BarQuery q = { lifeline, row };

  return lifeline >= 0 && sockscope_sequence_view_foreach_bar (self, row, row, bar_covers, &q);
}

/* ---- Layout ------------------------------------------------------------------------------ */

static void
invalidate_layout (SockscopeSequenceView *self)
{
  g_clear_pointer (&self->layout, sockscope_layout_free);
}

static void
drop_fonts (SockscopeSequenceView *self)
{
  invalidate_layout (self);
  g_clear_pointer (&self->fonts, sockscope_diagram_fonts_free);
  g_hash_table_remove_all (self->arrows);
}

static void
ensure_fonts (SockscopeSequenceView *self)
{
  PangoContext *context;

  if (self->fonts != NULL)
    return;
  context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  self->fonts = sockscope_diagram_fonts_new (context, pango_context_get_font_description (context));
  {
    g_autofree char *font = pango_font_description_to_string (pango_context_get_font_description (context));

    g_debug ("Sequence view font: %s", font);
  }
  sockscope_sequence_view_update_colours (self);
}

static gboolean
lifeline_in_slice (SockscopeSequenceView *self,
                   const Lifeline        *line,
                   guint                  first)
{
  gboolean created = line->parent < 0 || line->spawn_row < self->n_visible;

  return created && !(line->exit_row < first);
}

static gboolean
is_arrow_kind (const Item *item)
{
  return item->kind == ITEM_PACKET || item->kind == ITEM_SPAWN || item->kind == ITEM_SIGNAL;
}

/* The row of the step's first event (the first item at or after focus_seq), or G_MAXUINT when
 * there is none to keep in view. */
static guint
focus_row (SockscopeSequenceView *self)
{
  guint row;

  if (self->focus_seq == 0 || self->focus_released)
    return G_MAXUINT;
  row = row_lower_bound (self, self->focus_seq);
  return row < self->n_visible ? row : G_MAXUINT;
}

/* Lays out rows [start, end) of the items; current: the row to keep in sight when the
 * selection is not among them. */
static SockscopeLayout *
layout_slice (SockscopeSequenceView       *self,
              const SockscopeLayoutParams *params,
              guint                        start,
              guint                        end,
              guint                        current)
{
  guint n = self->lifelines->len;
  g_autofree SockscopeLayoutLifeline *lines = g_new0 (SockscopeLayoutLifeline, n + 1);
  g_autofree SockscopeLayoutRow *rows = g_new0 (SockscopeLayoutRow, MAX (end - start, 1));
  SockscopeLayout *layout;
  guint selected;
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    {
      const Lifeline *line = g_ptr_array_index (self->lifelines, i);

      lines[i].label = line->label;
      lines[i].thread = line->thread;
      lines[i].host = line->host;
      lines[i].host_rank = line->host_rank;
      lines[i].shown = lifeline_in_slice (self, line, start);
    }
  for (guint r = start; r < end; r++)
    {
      const Item *item = item_get (self, r);
      SockscopeLayoutRow *row = &rows[r - start];

      row->kind = (SockscopeLayoutKind) item->kind;
      row->from = item->from;
      row->to = is_arrow_kind (item) ? item->to : item->from;
      row->text = sockscope_sequence_view_item_text (self, item);
      row->tagged = item->kind == ITEM_CALL && sockscope_sequence_view_shows_seq (self, item->blocked_seq);
      row->t_ns = item->t_ns;
      if (item->kind == ITEM_PACKET && (item->wire_seq == 0 || sockscope_sequence_view_shows_seq (self, item->wire_seq)))
        {
          row->dropped = (item->flags & ITEM_DROPPED) != 0;
          row->arrive_ns = item->arrive_ns;
        }
      if (item->kind == ITEM_PACKET || item->kind == ITEM_SIGNAL)
        {
          row->inset_from = on_bar (self, item->from, r);
          row->inset_to = on_bar (self, item->to, r);
        }
    }
  /* The row to keep in sight: the selection when it is shown, else the one asked for. */
  if (sockscope_sequence_view_lookup (self, self->selected, &selected) != NULL && selected >= start && selected < end)
    current = selected;
  layout = sockscope_layout_new (params, lines, (const guint *) (gpointer) self->order->data, n,
                                 rows, end - start, current >= start && current < end ? current - start : G_MAXUINT);
  g_debug ("Sequence view: %u rows laid out in %.1f ms", end - start, (g_get_monotonic_time () - t0) / 1000.0);
  return layout;
}

const SockscopeLayout *
sockscope_sequence_view_ensure_layout (SockscopeSequenceView *self,
                                       guint                 *first)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  SockscopeLayoutParams params = { 0 };
  guint start, end, focus = G_MAXUINT;

  if (self->layout != NULL)
    {
      if (first != NULL)
        *first = self->layout_rows;
      return self->layout;
    }
  ensure_fonts (self);
  height = MAX (height - SOCKSCOPE_LAYOUT_BUTTONS_H * MAX (1.0, self->zoom), 1);
  params.width = MAX (width, 1);
  params.height = height;
  params.zoom = self->zoom;
  /* Many actors in a narrow pane: the text may shrink a little before the pane scrolls. */
  params.min_zoom = self->zoom * 0.8;
  params.measure = sockscope_diagram_fonts_measure;
  params.measure_data = self->fonts;
  /* TRANSLATORS: the column of packets that come from or go to outside the lab */
  params.outside_label = self->has_outside ? _("outside") : NULL;
  /* TRANSLATORS: tag next to the name of a thread's lifeline */
  params.thread_tag = _("thread");
  /* TRANSLATORS: tag next to a system call that waits (accept, recv, connect...) */
  params.blocked_tag = _("blocked");
  /* The overview: up to OVERVIEW_ROWS rows at a time, the text shrunk (down to 45 %) to fit. */
  params.fit = self->overview;
  if (self->overview)
    params.min_zoom = MIN (self->zoom, 0.45);
  if (self->follow)
    {
      end = self->n_visible;
      start = self->overview ? (end > OVERVIEW_ROWS ? end - OVERVIEW_ROWS : 0)
                             : sockscope_layout_follow_start (&params, end);
      params.anchor = SOCKSCOPE_LAYOUT_BOTTOM;
      focus = focus_row (self);
    }
  else
    {
      start = MIN (self->top_row, self->n_visible > 0 ? self->n_visible - 1 : 0);
      end = MIN (self->n_visible, start + (self->overview ? OVERVIEW_ROWS
                                           : self->n_visible - sockscope_layout_follow_start (&params, self->n_visible)));
      params.anchor = SOCKSCOPE_LAYOUT_TOP;
    }

  /* Following: the newest rows, unless the step's first row would not be among them; then the
   * step from its first row down, as many of its rows as fit. */
  if (focus >= start)
    {
      self->layout = layout_slice (self, &params, start, end, end > start ? end - 1 : G_MAXUINT);
      self->layout_rows = start + self->layout->first;
    }
  if (focus != G_MAXUINT && (self->layout == NULL || self->layout_rows > focus))
    {
      g_clear_pointer (&self->layout, sockscope_layout_free);
      params.anchor = SOCKSCOPE_LAYOUT_TOP;
      end = MIN (end, focus + (self->overview ? OVERVIEW_ROWS
                                : self->n_visible - sockscope_layout_follow_start (&params, self->n_visible)));
      self->layout = layout_slice (self, &params, focus, end, focus);
      self->layout_rows = focus + self->layout->first;
    }
  if (first != NULL)
    *first = self->layout_rows;
  return self->layout;
}

double
sockscope_sequence_view_hvalue (SockscopeSequenceView *self)
{
  return self->hadjustment ? gtk_adjustment_get_value (self->hadjustment) : 0;
}

gboolean
sockscope_sequence_view_row_box (SockscopeSequenceView *self,
                                 guint                  index,
                                 SockscopeLayoutBox    *box)
{
  guint first;
  const SockscopeLayout *l = sockscope_sequence_view_ensure_layout (self, &first);
  const SockscopeLayoutBox *laid = index >= first && index - first < l->n_rows ? &l->rows[index - first] : NULL;
  double dx = -sockscope_sequence_view_hvalue (self);

  if (laid == NULL)
    return FALSE;
  *box = *laid;
  box->box.x += dx;
  box->tag.x += dx;
  box->xa += dx;
  box->xb += dx;
  return TRUE;
}

gboolean
sockscope_sequence_view_call_bar (SockscopeSequenceView *self,
                                  guint                  index,
                                  graphene_rect_t       *bar)
{
  guint first;
  const SockscopeLayout *l = sockscope_sequence_view_ensure_layout (self, &first);
  const Item *item = item_get (self, index);
  guint end = bar_end (self, item), last = first + l->n_rows;
  gboolean to_result = (item->flags & ITEM_RESULT_ROW) && sockscope_sequence_view_shows_seq (self, item->return_seq);
  double w = l->line_h * 0.6, top, bottom, x;

  if (end <= index + 1 || end < first || index >= last || l->n_rows == 0 || item->from < 0 ||
      !l->columns[item->from].shown)
    return FALSE;
  top = index >= first ? l->rows[index - first].ya : l->header_h;
  if (end < last)
    {
      const SockscopeLayoutBox *box = &l->rows[end - first];

      bottom = to_result ? box->ya : box->y + l->line_h * 0.15;
    }
  else
    bottom = l->rows[l->n_rows - 1].y + l->rows[l->n_rows - 1].height;
  if (bottom <= top)
    return FALSE;
  x = l->columns[item->from].x - sockscope_sequence_view_hvalue (self);
  graphene_rect_init (bar, x - w / 2, top, w, bottom - top);
  return TRUE;
}

/* ---- Scrolling ---------------------------------------------------------------------------
 *
 * The adjustments are set from a tick callback, in the frame's update phase, never while GTK
 * allocates: in GTK 4.8, changing them from size_allocate makes the scrollbar queue an
 * allocation while the scrolled window walks its children, which leaves the scrolled window
 * flagged but its parent not, so the next gtk_widget_queue_allocate() of this view stops there
 * and the view is never allocated again ("Trying to snapshot SockscopeSequenceView without a
 * current allocation": a blank diagram for good). New items, a new position, a selection or a
 * zoom only need the adjustments and a redraw; size_allocate sets them itself only when the
 * view's size changed, as GtkViewport does. */

static void
configure_adjustment (SockscopeSequenceView *self,
                      GtkAdjustment         *adjustment,
                      double                 value,
                      double                 upper,
                      double                 page,
                      double                 step)
{
  if (adjustment == NULL)
    return;
  upper = MAX (upper, page);
  self->in_configure = TRUE;
  gtk_adjustment_configure (adjustment, CLAMP (value, 0, upper - page), 0, upper,
                            step, MAX (page * 0.9, step), page);
  self->in_configure = FALSE;
}

static void
set_follow_internal (SockscopeSequenceView *self,
                     gboolean               follow)
{
  if (follow == self->follow)
    return;
  self->follow = follow;
  invalidate_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

/* The selection in view: the slice moves to it when it is not in the rows shown. */
static void
scroll_to_selected (SockscopeSequenceView *self)
{
  guint row, first, n_rows;

  if (sockscope_sequence_view_lookup (self, self->selected, &row) == NULL || row >= self->n_visible)
    return;
  n_rows = sockscope_sequence_view_ensure_layout (self, &first)->n_rows;
  if (row >= first && row < first + n_rows)
    return;
  /* The user's selection wins over the step's first row. */
  self->focus_released = TRUE;
  invalidate_layout (self);
  if (row + MAX (n_rows, 1) >= self->n_visible)
    set_follow_internal (self, TRUE);
  else
    {
      set_follow_internal (self, FALSE);
      self->top_row = row - MIN (row, MAX (n_rows, 3) / 3);
    }
}

/* The adjustments for the items, position, zoom and size as they are now. */
static void
update_adjustments (SockscopeSequenceView *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  const SockscopeLayout *l;
  double hvalue, margin;
  guint first, page;

  if (width <= 0 || height <= 0)
    return;
  if (self->scroll_to_selected)
    {
      self->scroll_to_selected = FALSE;
      scroll_to_selected (self);
    }
  l = sockscope_sequence_view_ensure_layout (self, &first);

  /* Both ends of the current row in view, when they fit. */
  hvalue = sockscope_sequence_view_hvalue (self);
  margin = l->line_h;
  if (l->focus_x0 >= 0)
    {
      if (l->focus_x1 - l->focus_x0 + 2 * margin > width)
        hvalue = l->focus_x0 - margin;
      else if (l->focus_x0 - margin < hvalue)
        hvalue = l->focus_x0 - margin;
      else if (l->focus_x1 + margin > hvalue + width)
        hvalue = l->focus_x1 + margin - width;
    }
  configure_adjustment (self, self->hadjustment, hvalue, l->content_width, width, 20 * self->zoom);

  page = MAX (l->n_rows, 1);
  /* Following the newest rows: at the bottom; following the step's first row: there. */
  configure_adjustment (self, self->vadjustment, self->follow && first + l->n_rows >= self->n_visible ? self->n_visible : first,
                        MAX (self->n_visible, page), page, 1);
}

static gboolean
layout_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  self->layout_tick_id = 0;
  self->layout_queued = FALSE;
  update_adjustments (self);
  sockscope_sequence_view_update_ticking (self);
  return G_SOURCE_REMOVE;
}

void
sockscope_sequence_view_queue_layout (SockscopeSequenceView *self)
{
  invalidate_layout (self);
  /* Coalesced: adding 100,000 items sets the adjustments once, at the next frame. */
  if (!self->layout_queued)
    {
      self->layout_queued = TRUE;
      if (self->layout_tick_id == 0)
        self->layout_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), layout_tick, NULL, NULL);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
sockscope_sequence_view_size_allocate (GtkWidget *widget,
                                       int        width,
                                       int        height,
                                       int        baseline)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  if (width != self->allocated_width || height != self->allocated_height)
    {
      self->allocated_width = width;
      self->allocated_height = height;
      g_debug ("Sequence view allocated %d×%d", width, height);
      invalidate_layout (self);
      update_adjustments (self);
    }
  sockscope_sequence_view_update_ticking (self);
}

static void
sockscope_sequence_view_measure (GtkWidget      *widget,
                                 GtkOrientation  orientation,
                                 int             for_size,
                                 int            *minimum,
                                 int            *natural,
                                 int            *minimum_baseline,
                                 int            *natural_baseline)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  double w, h;

  ensure_fonts (self);
  sockscope_diagram_fonts_measure (self->fonts, SOCKSCOPE_LAYOUT_SANS, self->zoom, "Xg", &w, &h);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 400;
    }
  else
    {
      *minimum = (int) (h * 7);
      *natural = (int) (h * 20);
    }
}

static void
adjustment_value_changed (GtkAdjustment         *adjustment,
                          SockscopeSequenceView *self)
{
  if (adjustment == self->vadjustment && !self->in_configure)
    {
      /* Scrolling up stops following the newest item; scrolling back down resumes it. */
      double value = gtk_adjustment_get_value (adjustment);
      double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

      self->top_row = (guint) MAX (0, floor (value + 0.5));
      /* The user's scroll: the step's first row no longer holds the view. */
      self->focus_released = TRUE;
      set_follow_internal (self, value >= bottom - 0.5);
      sockscope_sequence_view_queue_layout (self);
    }
  sockscope_sequence_view_update_ticking (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (SockscopeSequenceView  *self,
                GtkAdjustment         **slot,
                GtkAdjustment          *adjustment)
{
  if (adjustment == *slot && adjustment != NULL)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed, self);
      g_clear_object (slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (adjustment_value_changed), self);
  sockscope_sequence_view_queue_layout (self);
}

/* ---- Animation: arrows growing in, and the pulse of a blocked call ----------------------- */

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double duration_us = 1000.0 * ANIMATION_MS / MAX (self->animation_speed, 0.1);

  for (guint i = self->animations->len; i > 0; i--)
    if (now - g_array_index (self->animations, Animation, i - 1).start_us > duration_us)
      g_array_remove_index_fast (self->animations, i - 1);

  gtk_widget_queue_draw (widget);
  if (self->animations->len == 0 && !sockscope_sequence_view_blocked_call_shown (self))
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

void
sockscope_sequence_view_update_ticking (SockscopeSequenceView *self)
{
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (self->animations->len > 0 || sockscope_sequence_view_blocked_call_shown (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

static void
sockscope_sequence_view_css_changed (GtkWidget         *widget,
                                     GtkCssStyleChange *change)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  GTK_WIDGET_CLASS (sockscope_sequence_view_parent_class)->css_changed (widget, change);
  drop_fonts (self);
  sockscope_sequence_view_queue_layout (self);
}

static void
sockscope_sequence_view_system_setting_changed (GtkWidget         *widget,
                                                GtkSystemSetting   setting)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  GTK_WIDGET_CLASS (sockscope_sequence_view_parent_class)->system_setting_changed (widget, setting);
  drop_fonts (self);
  sockscope_sequence_view_queue_layout (self);
}

static void
sockscope_sequence_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sockscope_sequence_view_parent_class)->map (widget);
  sockscope_sequence_view_queue_layout (SOCKSCOPE_SEQUENCE_VIEW (widget));
  sockscope_sequence_view_update_ticking (SOCKSCOPE_SEQUENCE_VIEW (widget));
}

static void
sockscope_sequence_view_unmap (GtkWidget *widget)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  if (self->layout_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->layout_tick_id);
      self->layout_tick_id = 0;
      self->layout_queued = FALSE;
    }
  g_array_set_size (self->animations, 0);
  GTK_WIDGET_CLASS (sockscope_sequence_view_parent_class)->unmap (widget);
}

/* ---- Adding items ------------------------------------------------------------------------ */

static Item *
append_item (SockscopeSequenceView *self,
             guint                  seq,
             gint64                 t_ns,
             ItemKind               kind,
             int                    from,
             int                    to)
{
  Item item = { 0 };

  item.seq = seq;
  item.t_ns = t_ns;
  item.kind = kind;
  item.from = from;
  item.to = to;
  g_array_append_val (self->items, item);
  if (is_live (self))
    self->n_visible = self->items->len;
  sockscope_sequence_view_queue_layout (self);
  return item_get (self, self->items->len - 1);
}

static gboolean
check_new_seq (SockscopeSequenceView *self,
               guint                  seq)
{
  guint n = self->items->len;

  if (seq == 0 || (n > 0 && item_get (self, n - 1)->seq >= seq))
    {
      g_critical ("Sequence diagram: item %u added out of log order", seq);
      return FALSE;
    }
  return TRUE;
}

/* A child seen acting before (or without) its creation, as in a session from an older lab:
 * its lifeline is there from then on. */
static void
lifeline_acts (SockscopeSequenceView *self,
               guint                  lifeline)
{
  Lifeline *line = g_ptr_array_index (self->lifelines, lifeline);

  if (line->parent >= 0 && line->spawn_row == G_MAXUINT)
    {
      line->spawn_row = self->items->len;
      line->implicit = TRUE;
    }
}

void
sockscope_sequence_view_add_call (SockscopeSequenceView *self,
                                  guint                  seq,
                                  gint64                 t_ns,
                                  guint                  lifeline,
                                  const char            *text)
{
  Item *item;
  guint index;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len);
  g_return_if_fail (text != NULL);
  if (!check_new_seq (self, seq))
    return;

  index = self->items->len;
  lifeline_acts (self, lifeline);
  item = append_item (self, seq, t_ns, ITEM_CALL, lifeline, lifeline);
  item->text = item->call_text = g_string_chunk_insert (self->strings, text);
  g_array_append_val (self->calls, index);
  g_array_append_val (self->open_calls, index);
}

void
sockscope_sequence_view_set_call_blocked (SockscopeSequenceView *self,
                                          guint                  call_seq,
                                          guint                  blocked_seq)
{
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  item = sockscope_sequence_view_lookup (self, call_seq, NULL);
  g_return_if_fail (item != NULL && item->kind == ITEM_CALL);
  item->blocked_seq = blocked_seq;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  sockscope_sequence_view_update_ticking (self);
}

static void
close_call (SockscopeSequenceView *self,
            guint                  index)
{
  for (guint i = self->open_calls->len; i > 0; i--)
    if (g_array_index (self->open_calls, guint, i - 1) == index)
      {
        g_array_remove_index (self->open_calls, i - 1);
        break;
      }
}

/* "accept" from "accept(3)". */
static char *
call_name (const char *call_text)
{
  const char *paren = strchr (call_text, '(');

  return g_strndup (call_text, paren ? (gsize) (paren - call_text) : strlen (call_text));
}

void
sockscope_sequence_view_set_call_result (SockscopeSequenceView *self,
                                         guint                  call_seq,
                                         guint                  return_seq,
                                         gint64                 t_ns,
                                         const char            *result,
                                         gboolean               is_error)
{
  g_autofree char *full = NULL;
  Item *item;
  guint index;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (result != NULL);

  item = sockscope_sequence_view_lookup (self, call_seq, &index);
  g_return_if_fail (item != NULL && item->kind == ITEM_CALL);
  g_return_if_fail (item->return_seq == 0 && return_seq > call_seq);

  if (index + 1 < self->items->len)
    {
      /* Rows came between the call and its return (it blocked, or other actors acted): what it
       * gave back is drawn where it returned, after what woke it, tied to the call by its bar. */
      g_autofree char *name = call_name (item->call_text);
      int lifeline = item->from;
      Item *row;

      if (!check_new_seq (self, return_seq))
        return;
      full = g_strconcat ("← ", name, " ", result, NULL);
      item->return_seq = return_seq;
      item->return_t_ns = t_ns;
      item->return_row = self->items->len;
      item->flags |= ITEM_RESULT_ROW;
      if (is_error)
        item->flags |= ITEM_ERROR;
      self->max_span = MAX (self->max_span, item->return_row - index);
      close_call (self, index);

      row = append_item (self, return_seq, t_ns, ITEM_RESULT, lifeline, lifeline);
      row->text = row->call_text = g_string_chunk_insert (self->strings, full);
      row->split = strlen ("← ") + strlen (name) + 1;
      row->cause_seq = call_seq;
      if (is_error)
        row->flags |= ITEM_ERROR;
      return;
    }

  full = g_strconcat (item->call_text, " ", result, NULL);
  item->split = strlen (item->call_text) + 1;
  item->text = g_string_chunk_insert (self->strings, full);
  item->return_seq = return_seq;
  item->return_t_ns = t_ns;
  item->return_row = row_lower_bound (self, return_seq);
  if (is_error)
    item->flags |= ITEM_ERROR;
  self->max_span = MAX (self->max_span, item->return_row - index);
  close_call (self, index);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sockscope_sequence_view_add_packet (SockscopeSequenceView *self,
                                    guint                  seq,
                                    gint64                 t_ns,
                                    int                    from_lifeline,
                                    int                    to_lifeline,
                                    const char            *label,
                                    guint                  cause_seq,
                                    gboolean               kernel)
{
  Item *item;
  Item *cause;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (from_lifeline >= -1 && from_lifeline < (int) self->lifelines->len);
  g_return_if_fail (to_lifeline >= -1 && to_lifeline < (int) self->lifelines->len);
  g_return_if_fail (label != NULL);
  if (!check_new_seq (self, seq))
    return;

  cause = sockscope_sequence_view_lookup (self, cause_seq, NULL);
  if (cause == NULL || cause->kind != ITEM_CALL)
    cause_seq = 0;

  if (from_lifeline < 0 || to_lifeline < 0)
    self->has_outside = TRUE;

  item = append_item (self, seq, t_ns, ITEM_PACKET, from_lifeline, to_lifeline);
  item->text = g_string_chunk_insert_const (self->strings, label);
  item->cause_seq = cause_seq;
  if (kernel)
    item->flags |= ITEM_KERNEL;

  if (sockscope_sequence_view_animates (self) && is_live (self) &&
      gtk_widget_get_mapped (GTK_WIDGET (self)) && self->animations->len < MAX_ANIMATIONS)
    {
      Animation a = { self->items->len - 1, g_get_monotonic_time () };

      g_array_append_val (self->animations, a);
      sockscope_sequence_view_update_ticking (self);
    }
}

void
sockscope_sequence_view_add_wire (SockscopeSequenceView   *self,
                                  guint                    seq,
                                  gint64                   t_ns,
                                  const SockscopeWireItem *wire)
{
  Item *packet, *item;
  guint index;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (wire != NULL);
  if (!check_new_seq (self, seq))
    return;

  if (wire->action == SOCKSCOPE_WIRE_SET)
    {
      /* TRANSLATORS: a note on the wire between two hosts when its rules change: "wire: loss 20 %" */
      g_autofree char *text = g_strdup_printf (_("wire: %s"), wire->text ? wire->text : "");

      item = append_item (self, seq, t_ns, ITEM_WIRE, -1, -1);
      item->text = g_string_chunk_insert (self->strings, text);
      return;
    }
  packet = sockscope_sequence_view_lookup (self, wire->packet_seq, &index);
  if (packet == NULL || packet->kind != ITEM_PACKET)
    return;
  if (wire->action == SOCKSCOPE_WIRE_DUPLICATE)
    {
      const char *plain = packet->call_text ? packet->call_text : packet->text;
      /* TRANSLATORS: the label of the second arrow of a packet the wire duplicated: "PSH, ACK seq 1:6 (copy)" */
      g_autofree char *text = g_strdup_printf (_("%s (copy)"), plain);
      gint64 packet_t_ns = packet->t_ns;
      Item copy = *packet;

      item = append_item (self, seq, t_ns, ITEM_PACKET, copy.from, copy.to);
      item->text = item->call_text = g_string_chunk_insert (self->strings, text);
      item->cause_seq = copy.cause_seq;
      item->flags = copy.flags & ITEM_KERNEL;
      item->arrive_ns = wire->delay_ns >= 0 ? packet_t_ns + wire->delay_ns : 0;
      packet = item_get (self, index);   /* the array may have moved */
    }
  else
    sockscope_sequence_view_queue_layout (self);
  {
    const char *plain = packet->call_text ? packet->call_text : packet->text;
    const char *marked = packet->wire_seq != 0 ? packet->text : plain;
    g_autofree char *text = g_strdup_printf ("%s · %s", marked, wire->text ? wire->text : "");

    packet->call_text = plain;
    packet->text = g_string_chunk_insert (self->strings, text);
    if (packet->wire_seq == 0)
      packet->wire_seq = seq;
  }
  if (wire->action == SOCKSCOPE_WIRE_DROP)
    packet->flags |= ITEM_DROPPED;
  else if (wire->action != SOCKSCOPE_WIRE_DUPLICATE && wire->delay_ns >= 0)
    packet->arrive_ns = packet->t_ns + wire->delay_ns;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sockscope_sequence_view_set_lifeline_host (SockscopeSequenceView *self,
                                           guint                  lifeline,
                                           const char            *host,
                                           const char            *label)
{
  Lifeline *line;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len);

  line = g_ptr_array_index (self->lifelines, lifeline);
  g_free (line->host);
  line->host = g_strdup (label);
  line->host_rank = host != NULL && host[0] >= 'a' && host[0] <= 'z' ? (guint) (host[0] - 'a') : 0;
  sockscope_sequence_view_queue_layout (self);
}

void
sockscope_sequence_view_add_state (SockscopeSequenceView *self,
                                   guint                  seq,
                                   gint64                 t_ns,
                                   guint                  lifeline,
                                   const char            *socket,
                                   const char            *state)
{
  g_autofree char *text = NULL;
  g_autofree char *key = NULL;
  const char *last;
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len);
  g_return_if_fail (state != NULL);
  if (!check_new_seq (self, seq))
    return;

  lifeline_acts (self, lifeline);
  /* A pill only when the state changes: "fd 4 ESTAB" once, not at every sample. */
  key = g_strdup_printf ("%u|%s", lifeline, socket ? socket : "");
  last = g_hash_table_lookup (self->states, key);
  if (last != NULL && g_str_equal (last, state))
    return;
  g_hash_table_insert (self->states, g_steal_pointer (&key), g_strdup (state));
  item = append_item (self, seq, t_ns, ITEM_STATE, lifeline, lifeline);
  if (socket != NULL && *socket != '\0')
    {
      text = g_strconcat (socket, " ", state, NULL);
      item->split = strlen (socket) + 1;
    }
  item->text = g_string_chunk_insert_const (self->strings, text ? text : state);
  item->family = sockscope_diagram_state_family (state);
}

void
sockscope_sequence_view_add_spawn (SockscopeSequenceView *self,
                                   guint                  seq,
                                   gint64                 t_ns,
                                   guint                  lifeline,
                                   guint                  parent,
                                   const char            *text)
{
  Lifeline *line;
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len && parent < self->lifelines->len);
  g_return_if_fail (text != NULL);
  if (!check_new_seq (self, seq))
    return;

  line = g_ptr_array_index (self->lifelines, lifeline);
  line->spawn_row = self->items->len;
  line->implicit = FALSE;
  line->exit_row = G_MAXUINT;
  item = append_item (self, seq, t_ns, ITEM_SPAWN, parent, lifeline);
  item->text = g_string_chunk_insert_const (self->strings, text);
}

/* The call that ended an actor (exit, pthread_exit) never returns: its activation ends here. */
static void
end_call (SockscopeSequenceView *self,
          guint                  call_seq,
          guint                  seq,
          gint64                 t_ns)
{
  guint index;
  Item *item = sockscope_sequence_view_lookup (self, call_seq, &index);

  if (item == NULL || item->kind != ITEM_CALL || item->return_seq != 0)
    return;
  item->return_seq = seq;
  item->return_t_ns = t_ns;
  item->return_row = row_lower_bound (self, seq);
  self->max_span = MAX (self->max_span, item->return_row - index);
  close_call (self, index);
}

void
sockscope_sequence_view_add_exit (SockscopeSequenceView *self,
                                  guint                  seq,
                                  gint64                 t_ns,
                                  guint                  lifeline,
                                  guint                  call_seq,
                                  const char            *text,
                                  gboolean               is_error)
{
  Lifeline *line;
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len);
  g_return_if_fail (text != NULL);
  if (!check_new_seq (self, seq))
    return;

  end_call (self, call_seq, seq, t_ns);
  line = g_ptr_array_index (self->lifelines, lifeline);
  line->exit_row = self->items->len;
  item = append_item (self, seq, t_ns, ITEM_EXIT, lifeline, lifeline);
  item->text = g_string_chunk_insert_const (self->strings, text);
  if (is_error)
    item->flags |= ITEM_ERROR;
}

void
sockscope_sequence_view_add_signal (SockscopeSequenceView *self,
                                    guint                  seq,
                                    gint64                 t_ns,
                                    int                    from_lifeline,
                                    guint                  to_lifeline,
                                    const char            *signal)
{
  g_autofree char *text = NULL;
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (from_lifeline >= -1 && from_lifeline < (int) self->lifelines->len);
  g_return_if_fail (to_lifeline < self->lifelines->len);
  g_return_if_fail (signal != NULL);
  if (!check_new_seq (self, seq))
    return;

  text = g_strdup_printf ("⚡ %s", signal);
  item = append_item (self, seq, t_ns, ITEM_SIGNAL, from_lifeline, to_lifeline);
  item->text = g_string_chunk_insert_const (self->strings, text);
}

static void
update_order (SockscopeSequenceView *self)
{
  guint n = self->lifelines->len;
  g_autofree int *parents = g_new0 (int, n + 1);

  for (guint i = 0; i < n; i++)
    parents[i] = ((Lifeline *) g_ptr_array_index (self->lifelines, i))->parent;
  g_array_set_size (self->order, n);
  sockscope_projection_lifeline_order (parents, n, (guint *) (gpointer) self->order->data);
}

guint
sockscope_sequence_view_add_lifeline (SockscopeSequenceView *self,
                                      const char            *name,
                                      const char            *label)
{
  return sockscope_sequence_view_add_child_lifeline (self, name, label, -1, FALSE);
}

guint
sockscope_sequence_view_add_child_lifeline (SockscopeSequenceView *self,
                                            const char            *name,
                                            const char            *label,
                                            int                    parent,
                                            gboolean               thread)
{
  Lifeline *lifeline;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);
  g_return_val_if_fail (name != NULL, 0);
  g_return_val_if_fail (parent >= -1, 0);

  lifeline = g_new0 (Lifeline, 1);
  lifeline->name = g_strdup (name);
  lifeline->label = g_strdup (label ? label : name);
  lifeline->parent = parent;
  lifeline->thread = thread;
  lifeline->spawn_row = G_MAXUINT;
  lifeline->exit_row = G_MAXUINT;
  g_ptr_array_add (self->lifelines, lifeline);
  update_order (self);
  sockscope_sequence_view_queue_layout (self);
  return self->lifelines->len - 1;
}

int
sockscope_sequence_view_find_lifeline (SockscopeSequenceView *self,
                                       const char            *name)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), -1);

  for (guint i = 0; i < self->lifelines->len; i++)
    if (g_strcmp0 (((Lifeline *) g_ptr_array_index (self->lifelines, i))->name, name) == 0)
      return i;
  return -1;
}

guint
sockscope_sequence_view_get_n_lifelines (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->lifelines->len;
}

void
sockscope_sequence_view_clear (SockscopeSequenceView *self)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  g_ptr_array_set_size (self->lifelines, 0);
  g_array_set_size (self->order, 0);
  g_array_set_size (self->items, 0);
  g_array_set_size (self->calls, 0);
  g_array_set_size (self->open_calls, 0);
  g_array_set_size (self->animations, 0);
  g_string_chunk_clear (self->strings);
  g_hash_table_remove_all (self->states);
  self->max_span = 0;
  self->top_row = 0;
  self->focus_seq = 0;
  self->focus_released = FALSE;
  self->has_outside = FALSE;
  self->position = G_MAXUINT;
  self->n_visible = 0;
  sockscope_sequence_view_select (self, 0);
  sockscope_sequence_view_set_follow (self, TRUE);
  sockscope_sequence_view_queue_layout (self);
}

void
sockscope_sequence_view_set_position (SockscopeSequenceView *self,
                                      guint                  seq)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  self->position = seq;
  /* Rows with seq <= position: the lower bound of the next seq. */
  self->n_visible = seq == G_MAXUINT ? self->items->len : row_lower_bound (self, seq + 1);
  if (!is_live (self))
    g_array_set_size (self->animations, 0);
  sockscope_sequence_view_queue_layout (self);
}

guint
sockscope_sequence_view_get_position (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), G_MAXUINT);

  return self->position;
}

guint
sockscope_sequence_view_get_n_visible (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->n_visible;
}

guint
sockscope_sequence_view_get_n_items (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->items->len;
}

gboolean
sockscope_sequence_view_get_item (SockscopeSequenceView  *self,
                                  guint                   index,
                                  guint                  *seq,
                                  const char            **kind,
                                  const char            **text,
                                  int                    *from_lifeline,
                                  int                    *to_lifeline)
{
  static const char *kinds[] = { "call", "packet", "state", "spawn", "exit", "signal", "result", "wire" };
  const Item *item;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);

  if (index >= self->items->len)
    return FALSE;
  item = item_get (self, index);
  if (seq != NULL)
    *seq = item->seq;
  if (kind != NULL)
    *kind = kinds[item->kind];
  if (text != NULL)
    *text = sockscope_sequence_view_item_text (self, item);
  if (from_lifeline != NULL)
    *from_lifeline = item->from;
  if (to_lifeline != NULL)
    *to_lifeline = item->to;
  return TRUE;
}

/* ---- Properties ------------------------------------------------------------------------ */

double
sockscope_sequence_view_get_zoom (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 1.0);

  return self->zoom;
}

void
sockscope_sequence_view_set_zoom (SockscopeSequenceView *self,
                                  double                 zoom)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  zoom = CLAMP (zoom, 0.5, 4.0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  drop_fonts (self);
  if (self->selected != 0)
    self->scroll_to_selected = TRUE;
  sockscope_sequence_view_queue_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
sockscope_sequence_view_get_animation_speed (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 1.0);

  return self->animation_speed;
}

void
sockscope_sequence_view_set_animation_speed (SockscopeSequenceView *self,
                                             double                 speed)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  /* 0 turns animation off (tests, screenshots, reduced motion); otherwise 0.1 to 4. */
  speed = speed <= 0 ? 0 : CLAMP (speed, 0.1, 4.0);
  if (speed == self->animation_speed)
    return;
  self->animation_speed = speed;
  if (speed == 0)
    g_array_set_size (self->animations, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  sockscope_sequence_view_update_ticking (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANIMATION_SPEED]);
}

gboolean
sockscope_sequence_view_get_overview (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);

  return self->overview;
}

void
sockscope_sequence_view_set_overview (SockscopeSequenceView *self,
                                      gboolean               overview)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  overview = !!overview;
  if (overview == self->overview)
    return;
  self->overview = overview;
  sockscope_sequence_view_queue_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERVIEW]);
}

void
sockscope_sequence_view_set_focus (SockscopeSequenceView *self,
                                   guint                  seq)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  if (seq == self->focus_seq)
    return;
  self->focus_seq = seq;
  self->focus_released = FALSE;
  sockscope_sequence_view_queue_layout (self);
}

guint
sockscope_sequence_view_get_focus (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->focus_seq;
}

gboolean
sockscope_sequence_view_get_follow (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), TRUE);

  return self->follow;
}

void
sockscope_sequence_view_set_follow (SockscopeSequenceView *self,
                                    gboolean               follow)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  set_follow_internal (self, !!follow);
  sockscope_sequence_view_queue_layout (self);
}

static void
sockscope_sequence_view_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_ANIMATION_SPEED:
      g_value_set_double (value, self->animation_speed);
      break;
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;
    case PROP_OVERVIEW:
      g_value_set_boolean (value, self->overview);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sockscope_sequence_view_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      sockscope_sequence_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_ANIMATION_SPEED:
      sockscope_sequence_view_set_animation_speed (self, g_value_get_double (value));
      break;
    case PROP_FOLLOW:
      sockscope_sequence_view_set_follow (self, g_value_get_boolean (value));
      break;
    case PROP_OVERVIEW:
      sockscope_sequence_view_set_overview (self, g_value_get_boolean (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lifeline_free (gpointer data)
{
  Lifeline *lifeline = data;

  g_free (lifeline->name);
  g_free (lifeline->label);
  g_free (lifeline->host);
  g_free (lifeline);
}

static void
sockscope_sequence_view_dispose (GObject *object)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (object);

  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  drop_fonts (self);

  G_OBJECT_CLASS (sockscope_sequence_view_parent_class)->dispose (object);
}

static void
sockscope_sequence_view_finalize (GObject *object)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (object);

  g_ptr_array_unref (self->lifelines);
  g_array_unref (self->order);
  g_array_unref (self->items);
  g_array_unref (self->calls);
  g_array_unref (self->open_calls);
  g_array_unref (self->animations);
  g_string_chunk_free (self->strings);
  g_hash_table_unref (self->states);
  g_hash_table_unref (self->arrows);

  G_OBJECT_CLASS (sockscope_sequence_view_parent_class)->finalize (object);
}

static void
sockscope_sequence_view_class_init (SockscopeSequenceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_sequence_view_dispose;
  object_class->finalize = sockscope_sequence_view_finalize;
  object_class->get_property = sockscope_sequence_view_get_property;
  object_class->set_property = sockscope_sequence_view_set_property;

  widget_class->snapshot = sockscope_sequence_view_snapshot;
  widget_class->size_allocate = sockscope_sequence_view_size_allocate;
  widget_class->measure = sockscope_sequence_view_measure;
  widget_class->query_tooltip = sockscope_sequence_view_query_tooltip;
  widget_class->css_changed = sockscope_sequence_view_css_changed;
  widget_class->system_setting_changed = sockscope_sequence_view_system_setting_changed;
  widget_class->map = sockscope_sequence_view_map;
  widget_class->unmap = sockscope_sequence_view_unmap;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0.5, 4.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ANIMATION_SPEED] =
    g_param_spec_double ("animation-speed", NULL, NULL, 0.0, 4.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OVERVIEW] =
    g_param_spec_boolean ("overview", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  sockscope_sequence_view_class_init_input (widget_class);

  gtk_widget_class_set_css_name (widget_class, "sequenceview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sockscope_sequence_view_init (SockscopeSequenceView *self)
{
  self->lifelines = g_ptr_array_new_with_free_func (lifeline_free);
  self->order = g_array_new (FALSE, FALSE, sizeof (guint));
  self->items = g_array_new (FALSE, FALSE, sizeof (Item));
  self->calls = g_array_new (FALSE, FALSE, sizeof (guint));
  self->open_calls = g_array_new (FALSE, FALSE, sizeof (guint));
  self->animations = g_array_new (FALSE, FALSE, sizeof (Animation));
  self->strings = g_string_chunk_new (64 * 1024);
  self->states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->arrows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->position = G_MAXUINT;
  self->zoom = 1.0;
  self->animation_speed = 1.0;
  self->follow = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view");
  sockscope_sequence_view_init_input (self);
}

GtkWidget *
sockscope_sequence_view_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_SEQUENCE_VIEW, NULL);
}

gboolean
sockscope_sequence_view_lifeline_shown (SockscopeSequenceView *self,
                                        guint                  lifeline,
                                        gboolean              *ended)
{
  const Lifeline *line;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);
  g_return_val_if_fail (lifeline < self->lifelines->len, FALSE);

  line = g_ptr_array_index (self->lifelines, lifeline);
  if (ended != NULL)
    *ended = line->exit_row < self->n_visible;
  return line->parent < 0 || line->spawn_row < self->n_visible;
}

gboolean
sockscope_sequence_view_get_lifeline_x (SockscopeSequenceView *self,
                                        int                    lifeline,
                                        double                *x)
{
  const SockscopeLayout *l;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);
  g_return_val_if_fail (lifeline >= -1 && lifeline < (int) self->lifelines->len, FALSE);

  l = sockscope_sequence_view_ensure_layout (self, NULL);
  if (lifeline >= 0 && !l->columns[lifeline].shown)
    return FALSE;
  if (lifeline < 0 && !l->outside.shown)
    return FALSE;
  *x = sockscope_layout_lifeline_x (l, lifeline) - sockscope_sequence_view_hvalue (self);
  return TRUE;
}

const SockscopeLayout *
sockscope_sequence_view_get_layout (SockscopeSequenceView *self,
                                    guint                 *first_row)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), NULL);

  return sockscope_sequence_view_ensure_layout (self, first_row);
}
