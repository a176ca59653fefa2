/* cli-ladder.h: the event log as a text ladder for a terminal, one column per actor, laid out
 * from the same projection as the window's diagram and the slide export (app/diagram): which
 * lifeline a call, a state or a packet belongs to, and each item's text, come from there. */
#pragma once

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

typedef struct _CliLadder CliLadder;

/* @json: print the events as JSON lines instead of a ladder. @lesson: the lesson run, or NULL
 * for traced programs, whose columns come as they appear. */
CliLadder *cli_ladder_new         (SockscopeLesson   *lesson,
                                   gboolean           json);
void       cli_ladder_free        (CliLadder         *self);
void       cli_ladder_set_host_names (CliLadder      *self,
                                      const char     *a,
                                      const char     *b);
gboolean   cli_ladder_is_json     (CliLadder         *self);
/* Prints the events of @log not printed yet. */
void       cli_ladder_print_new   (CliLadder         *self,
                                   SockscopeEventLog *log);
/* "[step 3] text...", wrapped to the terminal under its own indent. */
void       cli_ladder_print_wrapped (CliLadder       *self,
                                     const char      *prefix,
                                     const char      *text);

/* A line for the learner on standard error (a prompt, a question), wrapped between words on a
 * terminal, one line for a program reading a pipe. */
void       cli_ladder_print_prompt  (CliLadder       *self,
                                     const char      *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliLadder, cli_ladder_free)

G_END_DECLS
