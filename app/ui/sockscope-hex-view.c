/* sockscope-hex-view.c: draws only the visible lines (GtkScrollable), so a 64 KiB loopback
 * frame costs no more than a SYN. A keyboard cursor walks the bytes; moving it or clicking a
 * byte emits ::byte-activated, so the owner can select the field under it.
 *
 * The ASCII column is always on screen: a line holds 16 bytes where the width allows it, else 8
 * (the view asks for the 8-byte width at least), never hex cut before its text.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-hex-view.h"

#define WIDE_LINE      16  /* bytes a line holds where there is room */
#define NARROW_LINE    8
#define PADDING        8.0
#define HEX_GAP        2   /* columns between offset, hex and ASCII */

struct _SockscopeHexView
{
  GtkWidget      parent_instance;

  GBytes        *bytes;
  guint          hl_offset;
  guint          hl_length;
  guint          cursor;
  int            hover;   /* byte under the pointer, -1 when none */
  guint          per_line; /* WIDE_LINE or NARROW_LINE, for the allocated width */

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;

  /* Metrics of the monospace font, refreshed before each layout or draw. */
  double         char_width;
  double         line_height;
};

enum {
  PROP_0,
  PROP_HADJUSTMENT,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum {
  BYTE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (SockscopeHexView, sockscope_hex_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static gsize
n_bytes (SockscopeHexView *self)
{
  return self->bytes != NULL ? g_bytes_get_size (self->bytes) : 0;
}

static guint
n_lines_for (SockscopeHexView *self,
             guint             per_line)
{
  return (n_bytes (self) + per_line - 1) / per_line;
}

static guint
n_lines (SockscopeHexView *self)
{
  return n_lines_for (self, self->per_line);
}

static guint
offset_digits (SockscopeHexView *self)
{
  return n_bytes (self) > 0x10000 ? 8 : 4;
}

static guint
hex_column (SockscopeHexView *self,
            guint             byte_in_line)
{
  return offset_digits (self) + HEX_GAP + 3 * byte_in_line + (byte_in_line >= 8 ? 1 : 0);
}

static guint
ascii_column_for (SockscopeHexView *self,
                  guint             per_line,
                  guint             byte_in_line)
{
  return hex_column (self, per_line - 1) + 2 + HEX_GAP + byte_in_line;
}

static guint
ascii_column (SockscopeHexView *self,
              guint             byte_in_line)
{
  return ascii_column_for (self, self->per_line, byte_in_line);
}

static PangoLayout *
create_layout (SockscopeHexView *self,
               const char       *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  g_autoptr(PangoFontDescription) font = NULL;

  font = pango_font_description_copy (pango_context_get_font_description (pango_layout_get_context (layout)));
  pango_font_description_set_family (font, "Monospace");
  pango_layout_set_font_description (layout, font);
  return layout;
}

static void
update_metrics (SockscopeHexView *self)
{
  g_autoptr(PangoLayout) layout = create_layout (self, "0123456789abcdef");
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  self->char_width = logical.width / 16.0 / PANGO_SCALE;
  /* A little leading keeps the highlight of two consecutive lines apart. */
  self->line_height = (double) logical.height / PANGO_SCALE + 4;
}

static double
content_width_for (SockscopeHexView *self,
                   guint             per_line)
{
  return 2 * PADDING + (ascii_column_for (self, per_line, per_line - 1) + 1) * self->char_width;
}

static double
content_width (SockscopeHexView *self)
{
  return content_width_for (self, self->per_line);
}

static double
content_height (SockscopeHexView *self)
{
  return 2 * PADDING + n_lines (self) * self->line_height;
}

/* 16 bytes a line if they fit in @width (-1: no constraint), else 8. */
static guint
per_line_for_width (SockscopeHexView *self,
                    int               width)
{
  return width < 0 || width >= content_width_for (self, WIDE_LINE) ? WIDE_LINE : NARROW_LINE;
}

static void
get_scroll (SockscopeHexView *self,
            double           *x,
            double           *y)
{
  *x = self->hadjustment != NULL ? gtk_adjustment_get_value (self->hadjustment) : 0;
  *y = self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

/* Area of a run of bytes of one line, in content coordinates. */
static graphene_rect_t
run_area (SockscopeHexView *self,
          guint             line,
          guint             first,
          guint             last,
          gboolean          ascii)
{
  double y = PADDING + line * self->line_height;
  double x0, x1;

  if (ascii)
    {
      x0 = ascii_column (self, first) * self->char_width;
      x1 = (ascii_column (self, last) + 1) * self->char_width;
    }
  else
    {
      x0 = (hex_column (self, first) - 0.4) * self->char_width;
      x1 = (hex_column (self, last) + 2.4) * self->char_width;
    }
  return GRAPHENE_RECT_INIT (PADDING + x0, y, x1 - x0, self->line_height - 1);
}

gboolean
sockscope_hex_view_get_byte_area (SockscopeHexView *self,
                                  guint             offset,
                                  gboolean          ascii,
                                  graphene_rect_t  *area)
{
  double sx, sy;

  g_return_val_if_fail (SOCKSCOPE_IS_HEX_VIEW (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  if (offset >= n_bytes (self))
    return FALSE;
  update_metrics (self);
  get_scroll (self, &sx, &sy);
  *area = run_area (self, offset / self->per_line, offset % self->per_line,
                    offset % self->per_line, ascii);
  graphene_rect_offset (area, -sx, -sy);
  return TRUE;
}

/**
 * sockscope_hex_view_get_byte_at:
 * @x: @y: a point in widget coordinates
 *
 * Finds the byte drawn at a point, in the hex or the ASCII column.
 */
gboolean
sockscope_hex_view_get_byte_at (SockscopeHexView *self,
                                double            x,
                                double            y,
                                guint            *offset)
{
  double sx, sy;
  double line;

  g_return_val_if_fail (SOCKSCOPE_IS_HEX_VIEW (self), FALSE);

  update_metrics (self);
  get_scroll (self, &sx, &sy);
  line = (y + sy - PADDING) / self->line_height;
  if (line < 0 || line >= n_lines (self))
    return FALSE;

  for (guint i = 0; i < self->per_line; i++)
    {
      guint o = (guint) line * self->per_line + i;

      if (o >= n_bytes (self))
        break;
      for (int ascii = 0; ascii <= 1; ascii++)
        {
          graphene_rect_t r = run_area (self, (guint) line, i, i, ascii);

          if (x + sx >= r.origin.x && x + sx < r.origin.x + r.size.width)
            {
              if (offset != NULL)
                *offset = o;
              return TRUE;
            }
        }
    }
  return FALSE;
}

static void
get_colors (SockscopeHexView *self,
            GdkRGBA          *fg,
            GdkRGBA          *accent_bg,
            GdkRGBA          *accent_fg)
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (style, fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", accent_bg))
    gdk_rgba_parse (accent_bg, "#3584e4");
  if (!gtk_style_context_lookup_color (style, "accent_fg_color", accent_fg))
    gdk_rgba_parse (accent_fg, "#ffffff");
}

static PangoAttribute *
color_attr (const GdkRGBA *c,
            guint          start,
            guint          end)
{
  PangoAttribute *attr = pango_attr_foreground_new (c->red * 65535, c->green * 65535, c->blue * 65535);

  attr->start_index = start;
  attr->end_index = end;
  return attr;
}

static PangoAttribute *
alpha_attr (double alpha,
            guint  start,
            guint  end)
{
  PangoAttribute *attr = pango_attr_foreground_alpha_new (alpha * 65535);

  attr->start_index = start;
  attr->end_index = end;
  return attr;
}

/* One line of text with its colours: dim offset and non-printable bytes, highlighted bytes
 * in the accent's foreground colour (they are drawn over an accent background). */
static PangoLayout *
line_layout (SockscopeHexView *self,
             guint             line,
             const GdkRGBA    *accent_fg)
{
  const guint8 *data = g_bytes_get_data (self->bytes, NULL);
  guint first = line * self->per_line;
  guint count = MIN (self->per_line, n_bytes (self) - first);
  guint width = ascii_column (self, self->per_line - 1) + 1;
  g_autofree char *text = g_malloc (width + 1);
  PangoAttrList *attrs = pango_attr_list_new ();
  PangoLayout *layout;
  char offset_text[16];

  memset (text, ' ', width);
  text[width] = '\0';
  g_snprintf (offset_text, sizeof offset_text, "%0*x", (int) offset_digits (self), first);
  memcpy (text, offset_text, offset_digits (self));
  pango_attr_list_insert (attrs, alpha_attr (0.55, 0, offset_digits (self)));

  for (guint i = 0; i < count; i++)
    {
      guint8 b = data[first + i];
      guint h = hex_column (self, i);
      guint a = ascii_column (self, i);

      text[h] = "0123456789abcdef"[b >> 4];
      text[h + 1] = "0123456789abcdef"[b & 0xf];
      text[a] = g_ascii_isprint (b) ? (char) b : '.';

      if (first + i >= self->hl_offset && first + i - self->hl_offset < self->hl_length)
        {
          pango_attr_list_insert (attrs, color_attr (accent_fg, h, h + 2));
          pango_attr_list_insert (attrs, color_attr (accent_fg, a, a + 1));
        }
      else if (!g_ascii_isprint (b))
        pango_attr_list_insert (attrs, alpha_attr (0.4, a, a + 1));
    }
  text[ascii_column (self, 0) + count] = '\0';

  layout = create_layout (self, text);
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static void
append_run (GtkSnapshot           *snapshot,
            const graphene_rect_t *r,
            const GdkRGBA         *color)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, r, 3);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, r);
  gtk_snapshot_pop (snapshot);
}

static void
append_outline (GtkSnapshot           *snapshot,
                const graphene_rect_t *r,
                const GdkRGBA         *color)
{
  GskRoundedRect rounded;
  const GdkRGBA colors[4] = { *color, *color, *color, *color };
  const float widths[4] = { 2, 2, 2, 2 };

  gsk_rounded_rect_init_from_rect (&rounded, r, 3);
  gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
}

static void
sockscope_hex_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  SockscopeHexView *self = SOCKSCOPE_HEX_VIEW (widget);
  GdkRGBA fg, accent_bg, accent_fg, hover, ring;
  double sx, sy;
  guint first_line, last_line;

  if (n_bytes (self) == 0)
    return;

  update_metrics (self);
  get_colors (self, &fg, &accent_bg, &accent_fg);
  hover = fg;
  hover.alpha = 0.1;
  ring = accent_bg;
  ring.alpha = 0.6;
  get_scroll (self, &sx, &sy);

  first_line = MAX (0, (sy - PADDING) / self->line_height);
  last_line = MIN (n_lines (self), (sy + gtk_widget_get_height (widget)) / self->line_height + 1);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-sx, -sy));

  for (guint line = first_line; line < last_line; line++)
    {
      guint start = line * self->per_line;
      guint end = MIN (start + self->per_line, n_bytes (self));
      guint hl_start = MAX (start, self->hl_offset);
      guint hl_end = MIN (end, (guint64) self->hl_offset + self->hl_length);
      g_autoptr(PangoLayout) layout = NULL;

      if (self->hover >= (int) start && self->hover < (int) end)
        for (int ascii = 0; ascii <= 1; ascii++)
          {
            graphene_rect_t r = run_area (self, line, self->hover - start, self->hover - start, ascii);
            append_run (snapshot, &r, &hover);
          }

      if (hl_start < hl_end)
        for (int ascii = 0; ascii <= 1; ascii++)
          {
            graphene_rect_t r = run_area (self, line, hl_start - start, hl_end - 1 - start, ascii);
            append_run (snapshot, &r, &accent_bg);
          }

      if (gtk_widget_has_focus (widget) && self->cursor >= start && self->cursor < end)
        for (int ascii = 0; ascii <= 1; ascii++)
          {
            graphene_rect_t r = run_area (self, line, self->cursor - start, self->cursor - start, ascii);
            graphene_rect_inset (&r, -1, -1);
            append_outline (snapshot, &r, &ring);
          }

      layout = line_layout (self, line, &accent_fg);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (PADDING, PADDING + line * self->line_height + 2));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }

  gtk_snapshot_restore (snapshot);
}

static void
sockscope_hex_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  SockscopeHexView *self = SOCKSCOPE_HEX_VIEW (widget);

  update_metrics (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = ceil (content_width_for (self, NARROW_LINE));
      *natural = ceil (content_width_for (self, WIDE_LINE));
    }
  else
    {
      *minimum = ceil (self->line_height + 2 * PADDING);
      *natural = MAX (*minimum, ceil (2 * PADDING + n_lines_for (self, per_line_for_width (self, for_size)) * self->line_height));
    }
}

static void
configure_adjustment (GtkAdjustment *adj,
                      double         content,
                      double         page,
                      double         step)
{
  double value;

  if (adj == NULL)
    return;
  value = CLAMP (gtk_adjustment_get_value (adj), 0, MAX (0, content - page));
  gtk_adjustment_configure (adj, value, 0, MAX (content, page), step, page * 0.9, page);
}

static void
sockscope_hex_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  SockscopeHexView *self = SOCKSCOPE_HEX_VIEW (widget);

  update_metrics (self);
  if (self->per_line != per_line_for_width (self, width))
    {
      self->per_line = per_line_for_width (self, width);
      gtk_widget_queue_draw (widget);
    }
  configure_adjustment (self->hadjustment, content_width (self), width, self->char_width * 3);
  configure_adjustment (self->vadjustment, content_height (self), height, self->line_height);
}

static void
scroll_to_cursor (SockscopeHexView *self)
{
  double top, bottom;

  if (self->vadjustment == NULL)
    return;
  update_metrics (self);
  top = PADDING + (self->cursor / self->per_line) * self->line_height;
  bottom = top + self->line_height;
  gtk_adjustment_clamp_page (self->vadjustment, top - PADDING, bottom + PADDING);
}

static void
set_cursor (SockscopeHexView *self,
            guint             offset)
{
  self->cursor = offset;
  scroll_to_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[BYTE_ACTIVATED], 0, offset);
}

static void
move_cursor_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SockscopeHexView *self = SOCKSCOPE_HEX_VIEW (widget);
  gint64 target = (gint64) self->cursor + g_variant_get_int32 (param);

  if (n_bytes (self) == 0)
    return;
  set_cursor (self, CLAMP (target, 0, (gint64) n_bytes (self) - 1));
}

/* Up, Down, Page Up and Page Down: lines, whatever a line holds. */
static void
move_lines_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SockscopeHexView *self = SOCKSCOPE_HEX_VIEW (widget);
  gint64 target = (gint64) self->cursor + (gint64) g_variant_get_int32 (param) * self->per_line;

  if (n_bytes (self) == 0)
    return;
  set_cursor (self, CLAMP (target, 0, (gint64) n_bytes (self) - 1));
}

static void
on_pressed (GtkGestureClick  *gesture,
            int               n_press,
            double            x,
            double            y,
            SockscopeHexView *self)
{
  guint offset;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (sockscope_hex_view_get_byte_at (self, x, y, &offset))
    set_cursor (self, offset);
}

static void
set_hover (SockscopeHexView *self,
           int               hover)
{
  if (self->hover == hover)
    return;
  self->hover = hover;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), hover >= 0 ? "pointer" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           SockscopeHexView         *self)
{
  guint offset;

  set_hover (self, sockscope_hex_view_get_byte_at (self, x, y, &offset) ? (int) offset : -1);
}

static void
on_leave (GtkEventControllerMotion *motion,
          SockscopeHexView         *self)
{
  set_hover (self, -1);
}

static void
on_focus_changed (SockscopeHexView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (SockscopeHexView  *self,
                GtkAdjustment    **slot,
                GtkAdjustment     *adj)
{
  if (adj == NULL)
    adj = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adj)
    return;
  if (*slot != NULL)
    g_signal_handlers_disconnect_by_func (*slot, gtk_widget_queue_draw, self);
  g_set_object (slot, adj);
  g_signal_connect_swapped (adj, "value-changed", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
sockscope_hex_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SockscopeHexView *self = SOCKSCOPE_HEX_VIEW (object);

  switch (prop_id)
    {
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
sockscope_hex_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SockscopeHexView *self = SOCKSCOPE_HEX_VIEW (object);

  switch (prop_id)
    {
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
sockscope_hex_view_dispose (GObject *object)
{
  SockscopeHexView *self = SOCKSCOPE_HEX_VIEW (object);

  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, gtk_widget_queue_draw, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, gtk_widget_queue_draw, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (sockscope_hex_view_parent_class)->dispose (object);
}

static void
add_move_binding (GtkWidgetClass *widget_class,
                  guint           keyval,
                  const char     *action,
                  int             delta)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, action, "i", delta);
}

static void
sockscope_hex_view_class_init (SockscopeHexViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_hex_view_dispose;
  object_class->get_property = sockscope_hex_view_get_property;
  object_class->set_property = sockscope_hex_view_set_property;

  widget_class->snapshot = sockscope_hex_view_snapshot;
  widget_class->measure = sockscope_hex_view_measure;
  widget_class->size_allocate = sockscope_hex_view_size_allocate;

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /**
   * SockscopeHexView::byte-activated:
   * @offset: the byte's offset in the frame
   *
   * A byte was clicked, or reached with the keyboard cursor.
   */
  signals[BYTE_ACTIVATED] =
    g_signal_new ("byte-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "hex.move-cursor", "i", move_cursor_action);
  gtk_widget_class_install_action (widget_class, "hex.move-lines", "i", move_lines_action);
  add_move_binding (widget_class, GDK_KEY_Left, "hex.move-cursor", -1);
  add_move_binding (widget_class, GDK_KEY_Right, "hex.move-cursor", 1);
  add_move_binding (widget_class, GDK_KEY_Up, "hex.move-lines", -1);
  add_move_binding (widget_class, GDK_KEY_Down, "hex.move-lines", 1);
  add_move_binding (widget_class, GDK_KEY_Page_Up, "hex.move-lines", -8);
  add_move_binding (widget_class, GDK_KEY_Page_Down, "hex.move-lines", 8);

  gtk_widget_class_set_css_name (widget_class, "hexview");
}

static void
sockscope_hex_view_init (SockscopeHexView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->hover = -1;
  self->per_line = WIDE_LINE;

  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_focus_changed), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Packet bytes"),
                                  -1);
}

GtkWidget *
sockscope_hex_view_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_HEX_VIEW, NULL);
}

/**
 * sockscope_hex_view_set_bytes:
 * @bytes: (nullable): the frame to show
 *
 * Shows @bytes from the top, with no highlight.
 */
void
sockscope_hex_view_set_bytes (SockscopeHexView *self,
                              GBytes           *bytes)
{
  g_return_if_fail (SOCKSCOPE_IS_HEX_VIEW (self));

  if (bytes != NULL)
    g_bytes_ref (bytes);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  self->bytes = bytes;
  self->hl_offset = self->hl_length = 0;
  self->cursor = 0;
  self->hover = -1;
  if (self->vadjustment != NULL)
    gtk_adjustment_set_value (self->vadjustment, 0);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

GBytes *
sockscope_hex_view_get_bytes (SockscopeHexView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_HEX_VIEW (self), NULL);

  return self->bytes;
}

/**
 * sockscope_hex_view_set_highlight:
 * @offset: first byte
 * @length: bytes to highlight, 0 for none
 *
 * Highlights a range (clamped to the bytes shown) and scrolls it into view.
 */
void
sockscope_hex_view_set_highlight (SockscopeHexView *self,
                                  guint             offset,
                                  guint             length)
{
  gsize size;

  g_return_if_fail (SOCKSCOPE_IS_HEX_VIEW (self));

  size = n_bytes (self);
  if (offset >= size)
    length = 0;
  length = MIN (length, size - MIN (offset, size));
  self->hl_offset = length > 0 ? offset : 0;
  self->hl_length = length;

  if (length > 0)
    {
      g_autofree char *description = NULL;

      /* The cursor stays put inside the range, so walking a field byte by byte with the
       * keyboard does not jump back to its first byte. */
      if (self->cursor < offset || self->cursor - offset >= length)
        self->cursor = offset;
      scroll_to_cursor (self);
      description = g_strdup_printf (_("Bytes %u to %u highlighted"), offset, offset + length - 1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                      -1);
    }
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sockscope_hex_view_get_highlight:
 *
 * Returns: whether a range is highlighted; its bounds in @offset and @length.
 */
gboolean
sockscope_hex_view_get_highlight (SockscopeHexView *self,
                                  guint            *offset,
                                  guint            *length)
{
  g_return_val_if_fail (SOCKSCOPE_IS_HEX_VIEW (self), FALSE);

  if (offset != NULL)
    *offset = self->hl_offset;
  if (length != NULL)
    *length = self->hl_length;
  return self->hl_length > 0;
}

guint
sockscope_hex_view_get_bytes_per_line (SockscopeHexView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_HEX_VIEW (self), WIDE_LINE);

  return self->per_line;
}

char *
sockscope_hex_view_get_line_text (SockscopeHexView *self,
                                  guint             line)
{
  GdkRGBA fg = { 0, 0, 0, 1 };
  g_autoptr(PangoLayout) layout = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_HEX_VIEW (self), NULL);

  if (line >= n_lines (self))
    return NULL;
  layout = line_layout (self, line, &fg);
  return g_strdup (pango_layout_get_text (layout));
}
