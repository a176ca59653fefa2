/* sockscope-unwind.h: where in the student's own source a traced call was made
 * (sockscope-unwind.c; docs/EVENT-LOG.md, `call`, `source`). */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

typedef struct _SsUnwind SsUnwind;

SsUnwind   *ss_unwind_new            (void);
void        ss_unwind_free           (SsUnwind   *unwind);
/* The process @pid exec'd another program or ended: what was learnt of it is dropped. */
void        ss_unwind_forget         (SsUnwind   *unwind,
                                      pid_t       pid);
/* Appends `,"source":{...}` for the thread @tid of process @pid, stopped by its tracer at a
 * traced call: {"file":"/abs/echo.c","line":42} from the first frame of the program's own
 * code (C with debug information: libdw; Python: the lab's startup hook), or
 * {"missing":"no-debug-info"|"no-python-hook"|"outside-program"}; nothing for a system
 * program (nc, ss). */
void        ss_unwind_append_source  (SsUnwind   *unwind,
                                      pid_t       pid,
                                      pid_t       tid,
                                      GString    *out);
/* The folder of the Python startup hook (sitecustomize.py): the source tree's when the lab
 * runs from its build tree, else the installed one. */
const char *ss_unwind_python_hook_dir (void);

G_END_DECLS
