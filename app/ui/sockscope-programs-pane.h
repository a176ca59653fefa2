/* sockscope-programs-pane.h: the "Your programs" side pane: the learner's programs, their
 * arguments and order, the modes (step, play, run), Next with the actor it lets go, Stop, the
 * compiler's errors, and the lab's terminal. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-programs-run.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_PROGRAMS_PANE (sockscope_programs_pane_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeProgramsPane, sockscope_programs_pane, SOCKSCOPE, PROGRAMS_PANE, GtkBox)

GtkWidget            *sockscope_programs_pane_new          (void);
void                  sockscope_programs_pane_add_program  (SockscopeProgramsPane *self,
                                                            const char            *path,
                                                            const char            *args);
void                  sockscope_programs_pane_clear        (SockscopeProgramsPane *self);
guint                 sockscope_programs_pane_get_n_programs (SockscopeProgramsPane *self);
/* Two hosts joined by the wire (the "Two hosts" switch), named @a and @b (NULL: as they are). */
void                  sockscope_programs_pane_set_hosts    (SockscopeProgramsPane *self,
                                                            gboolean               two_hosts,
                                                            const char            *a,
                                                            const char            *b);
/* The host program @index runs on with two hosts: "a" or "b". */
void                  sockscope_programs_pane_set_program_host (SockscopeProgramsPane *self,
                                                            guint                  index,
                                                            const char            *host);
/* Runs the programs in a fresh lab, in the mode chosen. */
void                  sockscope_programs_pane_run          (SockscopeProgramsPane *self);
void                  sockscope_programs_pane_set_mode     (SockscopeProgramsPane *self,
                                                            SockscopeTraceMode     mode);
void                  sockscope_programs_pane_next         (SockscopeProgramsPane *self);
/* Opens the lab's terminal (a lab is started for it if none runs). */
void                  sockscope_programs_pane_open_terminal (SockscopeProgramsPane *self);
/* The window's history: the pane's slider moves it. */
void                  sockscope_programs_pane_set_history  (SockscopeProgramsPane *self,
                                                            GtkAdjustment         *history);
GtkAdjustment        *sockscope_programs_pane_get_history  (SockscopeProgramsPane *self);
/* Ends the run: the lab, its programs and the terminal. */
void                  sockscope_programs_pane_leave        (SockscopeProgramsPane *self);

SockscopeProgramsRun *sockscope_programs_pane_get_run      (SockscopeProgramsPane *self);
GtkWidget            *sockscope_programs_pane_get_terminal (SockscopeProgramsPane *self);
/* The compiler's errors shown, or NULL. */
const char           *sockscope_programs_pane_get_errors   (SockscopeProgramsPane *self);
/* For tests: the programs started from the terminal as the pane lists them, "ACTOR\n" each. */
char                 *sockscope_programs_pane_get_started  (SockscopeProgramsPane *self);
const char           *sockscope_programs_pane_get_status   (SockscopeProgramsPane *self);
/* What the pane says Next lets go: "python3 · accept4(3, SOCK_CLOEXEC)", or NULL. */
const char           *sockscope_programs_pane_get_next_text (SockscopeProgramsPane *self);

G_END_DECLS
