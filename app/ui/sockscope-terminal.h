/* sockscope-terminal.h: a terminal inside the lab (VTE): its shell runs in the lab's
 * namespaces, traced; every program started from it gets its lifeline. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-programs-run.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_TERMINAL (sockscope_terminal_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeTerminal, sockscope_terminal, SOCKSCOPE, TERMINAL, GtkBox)

/* A shell in @run's lab, started in @cwd (a folder of the host the lab shows). */
GtkWidget  *sockscope_terminal_new        (SockscopeProgramsRun *run,
                                           const char           *cwd);
/* Kills the shell and every program started from it; emits ::closed. */
void        sockscope_terminal_close      (SockscopeTerminal    *self);
/* TRUE once the shell runs in the lab. */
gboolean    sockscope_terminal_is_ready   (SockscopeTerminal    *self);
/* Typed as from the keyboard (tests). */
void        sockscope_terminal_type       (SockscopeTerminal    *self,
                                           const char           *text);
/* What the screen shows. */
char       *sockscope_terminal_get_text   (SockscopeTerminal    *self);
const char *sockscope_terminal_get_error  (SockscopeTerminal    *self);

G_END_DECLS
