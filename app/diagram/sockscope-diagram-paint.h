/* sockscope-diagram-paint.h: what the window's view and the slide export draw alike, so they
 * look the same: the text measure and fonts the layout is computed with (pango), the cairo
 * shape of an arrow and of a rounded box, and the colour of a socket state's family. No GTK. */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

#include "sockscope-layout.h"
#include "sockscope-palette.h"

G_BEGIN_DECLS

/* ---- Text ---- */

typedef struct _SockscopeDiagramFonts SockscopeDiagramFonts;

/* base: the labels' font at zoom 1 (the widget's font, or an absolute size for a slide). */
SockscopeDiagramFonts *sockscope_diagram_fonts_new     (PangoContext               *context,
                                                        const PangoFontDescription *base);
void                   sockscope_diagram_fonts_free    (SockscopeDiagramFonts      *self);
/* A SockscopeLayoutMeasure; data: the fonts. */
void                   sockscope_diagram_fonts_measure (gpointer                    data,
                                                        SockscopeLayoutFont         font,
                                                        double                      scale,
                                                        const char                 *text,
                                                        double                     *width,
                                                        double                     *height);
/* The layout that font at scale is measured with, to draw with (owned by the fonts). */
PangoLayout           *sockscope_diagram_fonts_get     (SockscopeDiagramFonts      *self,
                                                        SockscopeLayoutFont         font,
                                                        double                      scale);

/* The layout of one wrapped line of text (a line of sockscope_layout_wrap(), found in text
 * from *cursor on, which it moves past the line): the bytes [bold_start, bold_end) of the whole
 * text bold, and in emphasis when it is not NULL. */
PangoLayout           *sockscope_diagram_fonts_line    (SockscopeDiagramFonts      *self,
                                                        SockscopeLayoutFont         font,
                                                        double                      scale,
                                                        const char                 *text,
                                                        const char                 *line,
                                                        gsize                      *cursor,
                                                        gsize                       bold_start,
                                                        gsize                       bold_end,
                                                        const SockscopeRgb         *emphasis);

/* Each wrapped line of a box, from its top left corner inset by pad_x, pad_y, made into a
 * layout (as sockscope_diagram_fonts_line()) and handed to show at its place. */
typedef void (*SockscopeDiagramShowLine) (PangoLayout *layout,
                                          double       x,
                                          double       y,
                                          gpointer     data);
void                   sockscope_diagram_fonts_show    (SockscopeDiagramFonts      *self,
                                                        SockscopeLayoutFont         font,
                                                        double                      scale,
                                                        const char                 *text,
                                                        char                      **lines,
                                                        const SockscopeLayoutRect  *box,
                                                        double                      pad_x,
                                                        double                      pad_y,
                                                        gsize                       bold_start,
                                                        gsize                       bold_end,
                                                        const SockscopeRgb         *emphasis,
                                                        SockscopeDiagramShowLine    show,
                                                        gpointer                    data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeDiagramFonts, sockscope_diagram_fonts_free)

/* ---- Shapes ---- */

void sockscope_diagram_paint_rounded (cairo_t            *cr,
                                      double              x,
                                      double              y,
                                      double              w,
                                      double              h,
                                      double              radius);
/* An arrow from (0, 0) towards (dx, dy), drawn up to progress (0..1) of its length; a halo
 * (alpha > 0) under it marks the selection. */
void sockscope_diagram_paint_arrow   (cairo_t            *cr,
                                      double              dx,
                                      double              dy,
                                      double              progress,
                                      double              width,
                                      gboolean            dashed,
                                      const SockscopeRgb *colour,
                                      const SockscopeRgb *halo,
                                      double              halo_alpha);

/* A packet the wire dropped: the shaft from (0, 0) to (dx, dy), the point where it was lost,
 * with no head, and a cross there in the cross colour. With no cross colour, a shaft alone: a
 * packet still on its way at the last row drawn. */
void sockscope_diagram_paint_lost    (cairo_t            *cr,
                                      double              dx,
                                      double              dy,
                                      double              progress,
                                      double              width,
                                      gboolean            dashed,
                                      const SockscopeRgb *colour,
                                      const SockscopeRgb *cross,
                                      const SockscopeRgb *halo,
                                      double              halo_alpha);

/* ---- Socket states ---- */

typedef enum
{
  SOCKSCOPE_STATE_OTHER,
  SOCKSCOPE_STATE_LISTEN,
  SOCKSCOPE_STATE_OPENING,
  SOCKSCOPE_STATE_ESTAB,
  SOCKSCOPE_STATE_CLOSING,
  SOCKSCOPE_STATE_TIME_WAIT,
  SOCKSCOPE_N_STATE_FAMILIES
} SockscopeStateFamily;

SockscopeStateFamily sockscope_diagram_state_family        (const char           *state);
SockscopeRgb         sockscope_diagram_state_family_colour (SockscopeStateFamily  family,
                                                            gboolean              dark);

G_END_DECLS
