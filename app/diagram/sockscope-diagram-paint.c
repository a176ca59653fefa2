/* sockscope-diagram-paint.c: fonts, shapes and state colours shared by the window's view and
 * the slide export (see the header). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sockscope-diagram-paint.h"

struct _SockscopeDiagramFonts
{
  PangoContext         *context;
  PangoFontDescription *base;
  PangoLayout          *layouts[3];
  double                scales[3];
};

SockscopeDiagramFonts *
sockscope_diagram_fonts_new (PangoContext               *context,
                             const PangoFontDescription *base)
{
  SockscopeDiagramFonts *self = g_new0 (SockscopeDiagramFonts, 1);

  self->context = g_object_ref (context);
  self->base = pango_font_description_copy (base);
  if (pango_font_description_get_size (self->base) <= 0)
    pango_font_description_set_size (self->base, 11 * PANGO_SCALE);
  return self;
}

void
sockscope_diagram_fonts_free (SockscopeDiagramFonts *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->layouts); i++)
    g_clear_object (&self->layouts[i]);
  g_clear_object (&self->context);
  pango_font_description_free (self->base);
  g_free (self);
}

PangoLayout *
sockscope_diagram_fonts_get (SockscopeDiagramFonts *self,
                             SockscopeLayoutFont    font,
                             double                 scale)
{
  g_autoptr(PangoFontDescription) desc = NULL;
  double size;

  if (self->layouts[font] != NULL && self->scales[font] == scale)
    {
      pango_layout_set_attributes (self->layouts[font], NULL);
      return self->layouts[font];
    }
  g_clear_object (&self->layouts[font]);
  desc = pango_font_description_copy (self->base);
  size = pango_font_description_get_size (desc) * scale * (font == SOCKSCOPE_LAYOUT_BOLD ? 1.1 : 1.0);
  if (font == SOCKSCOPE_LAYOUT_MONO)
    pango_font_description_set_family (desc, "Monospace");
  pango_font_description_set_weight (desc, font == SOCKSCOPE_LAYOUT_BOLD ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  /* Points stay points (the text follows the display's scale), pixels stay pixels. */
  if (pango_font_description_get_size_is_absolute (desc))
    pango_font_description_set_absolute_size (desc, size);
  else
    pango_font_description_set_size (desc, (int) size);
  self->layouts[font] = pango_layout_new (self->context);
  pango_layout_set_font_description (self->layouts[font], desc);
  self->scales[font] = scale;
  return self->layouts[font];
}

void
sockscope_diagram_fonts_measure (gpointer             data,
                                 SockscopeLayoutFont  font,
                                 double               scale,
                                 const char          *text,
                                 double              *width,
                                 double              *height)
{
  PangoLayout *layout = sockscope_diagram_fonts_get (data, font, scale);
  PangoRectangle logical;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  *width = ceil ((double) logical.width / PANGO_SCALE);
  *height = ceil ((double) logical.height / PANGO_SCALE);
}

PangoLayout *
sockscope_diagram_fonts_line (SockscopeDiagramFonts *self,
                              SockscopeLayoutFont    font,
                              double                 scale,
                              const char            *text,
                              const char            *line,
                              gsize                 *cursor,
                              gsize                  bold_start,
                              gsize                  bold_end,
                              const SockscopeRgb    *emphasis)
{
  PangoLayout *layout = sockscope_diagram_fonts_get (self, font, scale);
  const char *at = strstr (text + MIN (*cursor, strlen (text)), line);
  gsize start = at ? (gsize) (at - text) : *cursor;
  gsize len = strlen (line);
  gsize from = MAX (bold_start, start), to = MIN (bold_end, start + len);

  pango_layout_set_text (layout, line, -1);
  if (from < to)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      PangoAttribute *attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);

      attr->start_index = from - start;
      attr->end_index = to - start;
      pango_attr_list_insert (attrs, attr);
      if (emphasis != NULL)
        {
          attr = pango_attr_foreground_new (emphasis->red * 65535, emphasis->green * 65535, emphasis->blue * 65535);
          attr->start_index = from - start;
          attr->end_index = to - start;
          pango_attr_list_insert (attrs, attr);
        }
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  *cursor = start + len;
  return layout;
}

void
sockscope_diagram_fonts_show (SockscopeDiagramFonts     *self,
                              SockscopeLayoutFont        font,
                              double                     scale,
                              const char                *text,
                              char                     **lines,
                              const SockscopeLayoutRect *box,
                              double                     pad_x,
                              double                     pad_y,
                              gsize                      bold_start,
                              gsize                      bold_end,
                              const SockscopeRgb        *emphasis,
                              SockscopeDiagramShowLine   show,
                              gpointer                   data)
{
  gsize cursor = 0;
  double y = box->y + pad_y;

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      PangoLayout *layout = sockscope_diagram_fonts_line (self, font, scale, text, lines[i], &cursor,
                                                          bold_start, bold_end, emphasis);
      int h;

      pango_layout_get_pixel_size (layout, NULL, &h);
      show (layout, box->x + pad_x, y, data);
      y += h;
    }
}

void
sockscope_diagram_paint_rounded (cairo_t *cr,
                                 double   x,
                                 double   y,
                                 double   w,
                                 double   h,
                                 double   radius)
{
  radius = MIN (radius, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + w - radius, y + h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

void
sockscope_diagram_paint_arrow (cairo_t            *cr,
                               double              dx,
                               double              dy,
                               double              progress,
                               double              width,
                               gboolean            dashed,
                               const SockscopeRgb *colour,
                               const SockscopeRgb *halo,
                               double              halo_alpha)
{
  double head = 5 * width + 4;
  double x = dx * progress;
  double y = dy * progress;
  double angle = atan2 (dy, dx);

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* The shaft stops where the head starts, so a thick line does not blunt its tip. */
  cairo_move_to (cr, 0, 0);
  cairo_line_to (cr, x - cos (angle) * head * 0.8, y - sin (angle) * head * 0.8);
  if (halo != NULL && halo_alpha > 0)
    {
      cairo_set_line_width (cr, width * 3.5);
      cairo_set_source_rgba (cr, halo->red, halo->green, halo->blue, halo_alpha);
      cairo_stroke_preserve (cr);
    }
  if (dashed)
    {
      const double dashes[] = { 3 * width, 2.5 * width };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
    }
  cairo_set_line_width (cr, width);
  cairo_set_source_rgb (cr, colour->red, colour->green, colour->blue);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - head * cos (angle - 0.42), y - head * sin (angle - 0.42));
  cairo_line_to (cr, x - head * 0.75 * cos (angle), y - head * 0.75 * sin (angle));
  cairo_line_to (cr, x - head * cos (angle + 0.42), y - head * sin (angle + 0.42));
  cairo_close_path (cr);
  if (halo != NULL && halo_alpha > 0)
    {
      cairo_set_line_width (cr, width * 2.5);
      cairo_set_source_rgba (cr, halo->red, halo->green, halo->blue, halo_alpha);
      cairo_stroke_preserve (cr);
    }
  cairo_set_source_rgb (cr, colour->red, colour->green, colour->blue);
  cairo_fill (cr);
  cairo_restore (cr);
}

void
sockscope_diagram_paint_lost (cairo_t            *cr,
                              double              dx,
                              double              dy,
                              double              progress,
                              double              width,
                              gboolean            dashed,
                              const SockscopeRgb *colour,
                              const SockscopeRgb *cross,
                              const SockscopeRgb *halo,
                              double              halo_alpha)
{
  double x = dx * progress, y = dy * progress;
  double r = 3 * width + 4;

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, 0, 0);
  cairo_line_to (cr, x, y);
  if (halo != NULL && halo_alpha > 0)
    {
      cairo_set_line_width (cr, width * 3.5);
      cairo_set_source_rgba (cr, halo->red, halo->green, halo->blue, halo_alpha);
      cairo_stroke_preserve (cr);
    }
  if (dashed)
    {
      const double dashes[] = { 3 * width, 2.5 * width };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
    }
  cairo_set_line_width (cr, width);
  cairo_set_source_rgb (cr, colour->red, colour->green, colour->blue);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (progress >= 1.0 && cross != NULL)
    {
      /* The cross where the wire dropped it: thick, in the error colour, seen from the back. */
      cairo_move_to (cr, x - r, y - r);
      cairo_line_to (cr, x + r, y + r);
      cairo_move_to (cr, x + r, y - r);
      cairo_line_to (cr, x - r, y + r);
      cairo_set_line_width (cr, width * 1.8);
      cairo_set_source_rgb (cr, cross->red, cross->green, cross->blue);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

SockscopeStateFamily
sockscope_diagram_state_family (const char *state)
{
  static const struct { const char *state; SockscopeStateFamily family; } families[] = {
    { "LISTEN", SOCKSCOPE_STATE_LISTEN },
    { "UNCONN", SOCKSCOPE_STATE_LISTEN },
    { "SYN-SENT", SOCKSCOPE_STATE_OPENING },
    { "SYN-RECV", SOCKSCOPE_STATE_OPENING },
    { "ESTAB", SOCKSCOPE_STATE_ESTAB },
    { "FIN-WAIT-1", SOCKSCOPE_STATE_CLOSING },
    { "FIN-WAIT-2", SOCKSCOPE_STATE_CLOSING },
    { "CLOSE-WAIT", SOCKSCOPE_STATE_CLOSING },
    { "LAST-ACK", SOCKSCOPE_STATE_CLOSING },
    { "CLOSING", SOCKSCOPE_STATE_CLOSING },
    { "TIME-WAIT", SOCKSCOPE_STATE_TIME_WAIT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    if (g_strcmp0 (state, families[i].state) == 0)
      return families[i].family;
  return SOCKSCOPE_STATE_OTHER;
}

SockscopeRgb
sockscope_diagram_state_family_colour (SockscopeStateFamily family,
                                       gboolean             dark)
{
  /* Adwaita's: darker on a light background, lighter on a dark one. */
  static const guint32 light[] = { 0x77767b, 0x1c71d8, 0xc88800, 0x26a269, 0xe66100, 0x9141ac };
  static const guint32 darks[] = { 0x9a9996, 0x62a0ea, 0xf6d32d, 0x57e389, 0xffa348, 0xdc8add };
  guint32 c = (dark ? darks : light)[MIN (family, SOCKSCOPE_N_STATE_FAMILIES - 1)];

  return (SockscopeRgb) { ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0 };
}
