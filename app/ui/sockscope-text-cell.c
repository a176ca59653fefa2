/* sockscope-text-cell.c: a single line of text, ellipsized at the end, for the cells of a long
 * table such as the packet list.
 *
 * A GtkLabel measures its text with Pango at several widths whenever it is given new text, and
 * a GtkColumnView measures every visible cell on each allocation: scrolling 100,000 packets
 * made each frame shape every cell's text three or four times. This cell asks for no width (its
 * column has a fixed or expanding width) and for the height of one line of its font, which only
 * changes with the font; it shapes its text once, when it is first drawn after a rebind.
 * The text stays reachable: it is the cell's accessible label, and its tooltip when it does not
 * fit. Colour, font and opacity come from CSS like a label's. */
#include "config.h"

#include <pango/pangocairo.h>

#include "sockscope-text-cell.h"

struct _SockscopeTextCell
{
  GtkWidget    parent_instance;

  char        *text;
  PangoLayout *layout;        /* NULL until drawn, or after the text or width changed */
  guint        layout_serial; /* the Pango context serial the layout was made with */
  int          line_height;
  guint        height_serial; /* the Pango context serial line_height was measured with */
  float        xalign;
  gboolean     numeric;
};

G_DEFINE_FINAL_TYPE (SockscopeTextCell, sockscope_text_cell, GTK_TYPE_WIDGET)

/* The height of one line of a font, shared by every cell: asking Pango for a font's metrics
 * costs more than a whole cell otherwise, and a list makes its rows' cells by the hundred. The
 * key is the font and the resolution. */
static int
font_line_height (PangoContext *context)
{
  static GHashTable *heights;   /* "font description@dpi" → height in pixels */
  const PangoFontDescription *font = pango_context_get_font_description (context);
  g_autofree char *name = pango_font_description_to_string (font);
  g_autofree char *key = g_strdup_printf ("%s@%g", name, pango_cairo_context_get_resolution (context));
  gpointer cached;

  if (heights == NULL)
    heights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_lookup_extended (heights, key, NULL, &cached))
    {
      PangoFontMetrics *metrics = pango_context_get_metrics (context, NULL, NULL);
      int height = pango_font_metrics_get_height (metrics);

      if (height <= 0)
        height = pango_font_metrics_get_ascent (metrics) + pango_font_metrics_get_descent (metrics);
      cached = GINT_TO_POINTER (MAX (1, PANGO_PIXELS_CEIL (height)));
      pango_font_metrics_unref (metrics);
      g_hash_table_insert (heights, g_steal_pointer (&key), cached);
    }
  return GPOINTER_TO_INT (cached);
}

/* The height of one line of the widget's current font. The Pango context's serial changes
 * whenever GTK gives it another font (CSS, text scale, resolution), so that is the key here. */
static int
line_height (SockscopeTextCell *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint serial = pango_context_get_serial (context);

  if (self->line_height == 0 || self->height_serial != serial)
    {
      self->line_height = font_line_height (context);
      self->height_serial = serial;
    }
  return self->line_height;
}

static PangoLayout *
ensure_layout (SockscopeTextCell *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  PangoContext *context = gtk_widget_get_pango_context (widget);

  if (self->layout != NULL && self->layout_serial != pango_context_get_serial (context))
    g_clear_object (&self->layout);
  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (widget, self->text);
      self->layout_serial = pango_context_get_serial (context);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
      if (self->numeric)
        {
          /* What the "numeric" style class asks a label for: digits of one width. */
          PangoAttrList *attrs = pango_attr_list_new ();

          pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
          pango_layout_set_attributes (self->layout, attrs);
          pango_attr_list_unref (attrs);
        }
    }
  pango_layout_set_width (self->layout, MAX (0, gtk_widget_get_width (widget)) * PANGO_SCALE);
  return self->layout;
}

static void
sockscope_text_cell_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 0;
  else
    *minimum = *natural = line_height (SOCKSCOPE_TEXT_CELL (widget));
}

static void
sockscope_text_cell_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  SockscopeTextCell *self = SOCKSCOPE_TEXT_CELL (widget);
  PangoLayout *layout;
  PangoRectangle logical;
  GdkRGBA colour;
  int width = gtk_widget_get_width (widget);
  int x;

  if (self->text == NULL || self->text[0] == '\0' || width <= 0)
    return;
  layout = ensure_layout (self);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  x = (int) ((width - logical.width) * self->xalign);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &colour);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (MAX (0, x),
                                                          (gtk_widget_get_height (widget) - logical.height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, &colour);
  gtk_snapshot_restore (snapshot);
}

static gboolean
sockscope_text_cell_query_tooltip (GtkWidget  *widget,
                                   int         x,
                                   int         y,
                                   gboolean    keyboard,
                                   GtkTooltip *tooltip)
{
  SockscopeTextCell *self = SOCKSCOPE_TEXT_CELL (widget);

  if (self->text == NULL || self->text[0] == '\0' || !pango_layout_is_ellipsized (ensure_layout (self)))
    return FALSE;
  gtk_tooltip_set_text (tooltip, self->text);
  return TRUE;
}

static void
sockscope_text_cell_finalize (GObject *object)
{
  SockscopeTextCell *self = SOCKSCOPE_TEXT_CELL (object);

  g_clear_object (&self->layout);
  g_free (self->text);
  G_OBJECT_CLASS (sockscope_text_cell_parent_class)->finalize (object);
}

static void
sockscope_text_cell_class_init (SockscopeTextCellClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sockscope_text_cell_finalize;
  widget_class->measure = sockscope_text_cell_measure;
  widget_class->snapshot = sockscope_text_cell_snapshot;
  widget_class->query_tooltip = sockscope_text_cell_query_tooltip;
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
sockscope_text_cell_init (SockscopeTextCell *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
sockscope_text_cell_new (float    xalign,
                         gboolean numeric)
{
  SockscopeTextCell *self = g_object_new (SOCKSCOPE_TYPE_TEXT_CELL, NULL);

  self->xalign = xalign;
  self->numeric = numeric;
  if (numeric)
    gtk_widget_add_css_class (GTK_WIDGET (self), "numeric");
  return GTK_WIDGET (self);
}

void
sockscope_text_cell_set_text (SockscopeTextCell *self,
                              const char        *text)
{
  g_return_if_fail (SOCKSCOPE_IS_TEXT_CELL (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, text != NULL ? text : "", -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text != NULL ? text : "", -1);
  /* One line of the same font: the size is unchanged, only the drawing. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
sockscope_text_cell_get_text (SockscopeTextCell *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_TEXT_CELL (self), NULL);

  return self->text;
}
