/* sockscope-diagram.h: the sequence diagram of a session drawn with cairo on any surface, sized
 * for a 16:9 slide: what the app's Export dialog and `sockscope-cli export` write (PNG, SVG,
 * PDF). GLib, pango-cairo and the session layer only: no GTK, no display. */
#pragma once

#include <cairo.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

#define SOCKSCOPE_DIAGRAM_WIDTH  1920.0  /* the slide, in the renderer's units (PNG pixels) */
#define SOCKSCOPE_DIAGRAM_HEIGHT 1080.0

typedef enum
{
  SOCKSCOPE_DIAGRAM_PNG,
  SOCKSCOPE_DIAGRAM_SVG,
  SOCKSCOPE_DIAGRAM_PDF,
} SockscopeDiagramFormat;

typedef struct _SockscopeDiagram SockscopeDiagram;

/* Events first..last (log seqs from 1, both included; 0, 0: the whole session) of log, with
 * the lifelines of lesson and its texts in lang ("fr" or "en"). */
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
/* The label size in the renderer's units that draw() uses: tests and docs measure it. */
double            sockscope_diagram_get_font_px (SockscopeDiagram        *self);
void              sockscope_diagram_draw        (SockscopeDiagram        *self,
                                                 cairo_t                 *cr,
                                                 double                   width,
                                                 double                   height);
gboolean          sockscope_diagram_export      (SockscopeDiagram        *self,
                                                 SockscopeDiagramFormat   format,
                                                 const char              *path,
                                                 GError                 **error);

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
