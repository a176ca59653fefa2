/* sockscope-programs-run.h: the learner's own programs run traced in a lab of their own, for the
 * window's "Your programs" mode (docs/LAB-PROTOCOL.md "Tracing programs", "A terminal in the
 * lab"). */
#pragma once

#include <gio/gio.h>

#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"

G_BEGIN_DECLS

typedef enum
{
  SOCKSCOPE_TRACE_STEP,      /* every traced process stops before each socket call; Next */
  SOCKSCOPE_TRACE_PLAY,      /* step mode, the held call let go every few hundred ms */
  SOCKSCOPE_TRACE_RUN,       /* free */
} SockscopeTraceMode;

/* One program as the learner chose it: an executable, a .py (python3 runs it) or a .c
 * (compiled with cc -g), with its arguments written as on a command line. */
typedef struct
{
  char *path;
  char *args;
  char *host;   /* with two hosts, "a" or "b": the host it runs on (NULL: a) */
} SockscopeProgram;

SockscopeProgram *sockscope_program_new  (const char       *path,
                                          const char       *args);
SockscopeProgram *sockscope_program_new_on_host (const char *path,
                                                 const char *args,
                                                 const char *host);
void              sockscope_program_free (SockscopeProgram *program);

#define SOCKSCOPE_TYPE_PROGRAMS_RUN (sockscope_programs_run_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeProgramsRun, sockscope_programs_run, SOCKSCOPE, PROGRAMS_RUN, GObject)

SockscopeProgramsRun *sockscope_programs_run_new          (void);
SockscopeEventLog    *sockscope_programs_run_get_log      (SockscopeProgramsRun *self);

/* Compiles the .c programs (into a private folder), then starts the lab and the programs, each
 * when the one before it waits in a call, has exited or has been idle 200 ms.  A program that
 * does not compile fails the run before anything runs: the error's message is the compiler's
 * errors, one "file:line: message" a line. */
void                  sockscope_programs_run_start_async  (SockscopeProgramsRun *self,
                                                           GPtrArray            *programs,
                                                           SockscopeTraceMode    mode,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean              sockscope_programs_run_start_finish (SockscopeProgramsRun *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Before the start: the programs run on two hosts joined by the wire, named @a and @b (NULL:
 * alice, bob), as `sockscope-cli trace --hosts=A,B` does; each program on its host. */
void                  sockscope_programs_run_set_hosts    (SockscopeProgramsRun *self,
                                                           const char           *a,
                                                           const char           *b);
gboolean              sockscope_programs_run_has_hosts    (SockscopeProgramsRun *self);
/* The lab's client once the lab is up (the window's wire panel sends `wire` through it). */
SockscopeLabClient   *sockscope_programs_run_get_client   (SockscopeProgramsRun *self);

void                  sockscope_programs_run_set_mode     (SockscopeProgramsRun *self,
                                                           SockscopeTraceMode    mode);
SockscopeTraceMode    sockscope_programs_run_get_mode     (SockscopeProgramsRun *self);
/* Play: the pause between two calls let go, in ms. */
void                  sockscope_programs_run_set_interval (SockscopeProgramsRun *self,
                                                           guint                 ms);
/* Lets the chosen actor's held call go (or the oldest held, none chosen). */
void                  sockscope_programs_run_next         (SockscopeProgramsRun *self);
/* Kills every traced process (the lab logs each end). */
void                  sockscope_programs_run_stop         (SockscopeProgramsRun *self);

/* The actors waiting before a call, oldest first, and the text of the call each waits before. */
GPtrArray            *sockscope_programs_run_get_held     (SockscopeProgramsRun *self);
const char           *sockscope_programs_run_get_held_call (SockscopeProgramsRun *self,
                                                           const char           *actor);
/* The actor Next lets go: chosen, or the first started of those waiting. */
void                  sockscope_programs_run_choose       (SockscopeProgramsRun *self,
                                                           const char           *actor);
const char           *sockscope_programs_run_get_next_actor (SockscopeProgramsRun *self);
guint                 sockscope_programs_run_get_n_alive  (SockscopeProgramsRun *self);
gboolean              sockscope_programs_run_is_running   (SockscopeProgramsRun *self);
gboolean              sockscope_programs_run_is_lab_up    (SockscopeProgramsRun *self);
/* Why the lab refused to run a program (the last one refused), or NULL. */
const char           *sockscope_programs_run_get_problem  (SockscopeProgramsRun *self);

/* The lab's terminal: a shell on the pty slave @tty (the front end holds the master). */
void                  sockscope_programs_run_open_terminal_async  (SockscopeProgramsRun *self,
                                                                   const char           *tty,
                                                                   const char           *cwd,
                                                                   guint                 rows,
                                                                   guint                 cols,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
/* The terminal's number, 0 on error. */
guint                 sockscope_programs_run_open_terminal_finish (SockscopeProgramsRun *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
/* Kills the terminal's shell and every program started from it. */
void                  sockscope_programs_run_close_terminal       (SockscopeProgramsRun *self,
                                                                   guint                 terminal);

/* The compiler's output made readable: "file.c:12: error: expected ';'", one a line. */
char                 *sockscope_programs_compiler_errors  (const char           *output);

G_END_DECLS
