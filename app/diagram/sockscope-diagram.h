/* sockscope-diagram.h: the sequence diagram of a session drawn with cairo on any surface, sized
 * for a 16:9 slide: what the app's Export dialog and `sockscope-cli export` write (PNG, SVG,
 * PDF). GLib, pango-cairo and the session layer only: no GTK, no display. */
#pragma once

#include <cairo.h>

#include "sockscope-event-log.h"
#include "sockscope-layout.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

#define SOCKSCOPE_DIAGRAM_WIDTH  1920.0  /* the slide, in the renderer's units (PNG pixels) */
#define SOCKSCOPE_DIAGRAM_HEIGHT 1080.0
#define SOCKSCOPE_DIAGRAM_PER_SLIDE 16  /* rows on a slide unless asked */

typedef enum
{
  SOCKSCOPE_DIAGRAM_PNG,
  SOCKSCOPE_DIAGRAM_SVG,
  SOCKSCOPE_DIAGRAM_PDF,
} SockscopeDiagramFormat;

typedef struct _SockscopeDiagram SockscopeDiagram;

/* Events first..last (log seqs from 1, both included; 0, 0: the whole session) of log, with
 * the lifelines of lesson and its texts in lang ("fr" or "en"); lesson NULL: traced programs,
 * a lifeline for each actor as the log makes it, titled "Your programs". */
SockscopeDiagram *sockscope_diagram_new         (SockscopeLesson         *lesson,
                                                 SockscopeEventLog       *log,
                                                 const char              *lang,
                                                 gboolean                 absolute_seq,
                                                 guint                    first,
                                                 guint                    last,
                                                 GError                 **error);
void              sockscope_diagram_free        (SockscopeDiagram        *self);
guint             sockscope_diagram_get_n_rows  (SockscopeDiagram        *self);
/* Row index of the diagram, top to bottom, for tests: kind is "call", "packet", "state",
 * "spawn", "exit", "signal" or "result"; text as drawn (a call with its result when it is in its
 * box, "← accept = 4 (…)" for a result row). FALSE past the last row. */
gboolean          sockscope_diagram_get_row     (SockscopeDiagram        *self,
                                                 guint                    index,
                                                 const char             **kind,
                                                 char                   **text);
/* The lifelines a row is drawn on (from = to for a call, a state…; -1: outside), and the
 * event it comes from. For tests. */
gboolean          sockscope_diagram_get_row_ends (SockscopeDiagram       *self,
                                                  guint                   index,
                                                  int                    *from,
                                                  int                    *to);
guint             sockscope_diagram_get_row_seq  (SockscopeDiagram       *self,
                                                  guint                   index);
/* The label size in the renderer's units (28: 14 pt on the PDF page): tests and docs use it. */
double            sockscope_diagram_get_font_px (SockscopeDiagram        *self);
/* At most per_slide rows on a slide (0: SOCKSCOPE_DIAGRAM_PER_SLIDE); fewer when their labels
 * need the height, so that the text keeps its size. */
void              sockscope_diagram_set_per_slide (SockscopeDiagram      *self,
                                                   guint                  per_slide);
guint             sockscope_diagram_get_n_slides  (SockscopeDiagram      *self);
/* Slide slide (from 0) on a SOCKSCOPE_DIAGRAM_WIDTH × HEIGHT surface. */
void              sockscope_diagram_draw_slide  (SockscopeDiagram        *self,
                                                 cairo_t                 *cr,
                                                 guint                    slide);
/* How slide is laid out, below its title band (for tests): its rows from *first_row on. */
SockscopeLayout  *sockscope_diagram_layout_slide (SockscopeDiagram       *self,
                                                  guint                   slide,
                                                  guint                  *first_row);
/* The rows laid out as the window's view lays them out while it follows the newest (or in
 * its overview), in a pane of width × height (less the zoom buttons' band) at zoom, the labels
 * in font (a Pango font name, the window's "Cantarell 11"): for tests. */
SockscopeLayout  *sockscope_diagram_layout_view  (SockscopeDiagram       *self,
                                                  const char             *font,
                                                  double                  width,
                                                  double                  height,
                                                  double                  zoom,
                                                  gboolean                overview,
                                                  guint                  *first_row);
/* PDF: a page a slide. PNG, SVG: path itself for one slide, else out-1.png, out-2.png… */
gboolean          sockscope_diagram_export      (SockscopeDiagram        *self,
                                                 SockscopeDiagramFormat   format,
                                                 const char              *path,
                                                 GError                 **error);
/* The file slide (from 0) of several is written to. */
char             *sockscope_diagram_slide_path  (const char              *path,
                                                 guint                    slide);

/* "png", "svg", "pdf" */
gboolean          sockscope_diagram_format_from_string (const char             *name,
                                                        SockscopeDiagramFormat *format);
/* "FIRST-LAST", "FIRST-" or "N" → event seqs; FALSE with a message when it is not a range. */
gboolean          sockscope_diagram_parse_range (const char              *text,
                                                 guint                   *first,
                                                 guint                   *last,
                                                 GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeDiagram, sockscope_diagram_free)

G_END_DECLS
