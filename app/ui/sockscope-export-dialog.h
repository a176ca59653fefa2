/* sockscope-export-dialog.h: File → Export: the diagram (PNG, SVG, PDF, whole session or a
 * range of events, drawn by the renderer `sockscope-cli export` uses), the packets (pcapng) or
 * the session file. */
#pragma once

#include <adwaita.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

/* lesson: NULL for traced programs. session_path: the file the log is recorded in or was read
 * from, or NULL. first/last: the range offered at first (event seqs from 1). */
void sockscope_export_dialog_present (GtkWindow         *parent,
                                      SockscopeLesson   *lesson,
                                      SockscopeEventLog *log,
                                      const char        *session_path,
                                      const char        *lang,
                                      gboolean           absolute_seq,
                                      guint              first,
                                      guint              last);

/* What the dialog writes, without asking: for tests. format: png, svg, pdf, pcapng, session.
 * per_slide: at most that many rows on a slide (0: the renderer's default); several slides
 * are PDF pages, or numbered PNG/SVG files (out-1.png, out-2.png…). */
gboolean sockscope_export_write (SockscopeLesson    *lesson,
                                 SockscopeEventLog  *log,
                                 const char         *session_path,
                                 const char         *lang,
                                 gboolean            absolute_seq,
                                 const char         *format,
                                 guint               first,
                                 guint               last,
                                 guint               per_slide,
                                 const char         *path,
                                 GError            **error);

G_END_DECLS
