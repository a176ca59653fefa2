/* sockscope-code-pane.h: each actor's generated code (C or Python) side by side, the current call's line
 * highlighted, and the call's outcome written next to it. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

typedef enum
{
  SOCKSCOPE_CALL_RUNNING,
  SOCKSCOPE_CALL_BLOCKED,
  SOCKSCOPE_CALL_RETURNED,
  SOCKSCOPE_CALL_FAILED,
} SockscopeCallStatus;

#define SOCKSCOPE_TYPE_CODE_PANE (sockscope_code_pane_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeCodePane, sockscope_code_pane, SOCKSCOPE, CODE_PANE, GtkWidget)

GtkWidget  *sockscope_code_pane_new               (void);
void        sockscope_code_pane_set_lesson        (SockscopeCodePane   *self,
                                                   SockscopeLesson     *lesson,
                                                   const char          *lang);
void        sockscope_code_pane_reset             (SockscopeCodePane   *self);
/* What the pane says while it has no column (NULL: nothing); for tests, the text shown or NULL. */
void        sockscope_code_pane_set_placeholder   (SockscopeCodePane   *self,
                                                   const char          *text);
const char *sockscope_code_pane_get_placeholder   (SockscopeCodePane   *self);
void        sockscope_code_pane_set_call          (SockscopeCodePane   *self,
                                                   guint                step,
                                                   SockscopeCallStatus  status,
                                                   const char          *outcome);
void        sockscope_code_pane_select_step       (SockscopeCodePane   *self,
                                                   guint                step);
/* "c" or "python": the language the code is shown in (the C | Python switch). */
const char *sockscope_code_pane_get_code_lang     (SockscopeCodePane   *self);
void        sockscope_code_pane_set_code_lang     (SockscopeCodePane   *self,
                                                   const char          *code_lang);
/* For tests: the highlighted line (from 1) of an actor, or 0, and the text shown beside it. */
guint       sockscope_code_pane_get_current_line  (SockscopeCodePane   *self,
                                                   const char          *actor,
                                                   const char         **outcome);
char       *sockscope_code_pane_get_line_text     (SockscopeCodePane   *self,
                                                   const char          *actor,
                                                   guint                line);
/* For tests: the lines of an actor's current step (first returned, last in @last), 0 before
 * its first step; its view; the button that shows its column when the column is folded, or NULL. */
guint        sockscope_code_pane_get_current_span (SockscopeCodePane   *self,
                                                   const char          *actor,
                                                   guint               *last);
GtkTextView *sockscope_code_pane_get_view         (SockscopeCodePane   *self,
                                                   const char          *actor);
GtkWidget   *sockscope_code_pane_get_folded_button (SockscopeCodePane  *self,
                                                   const char          *actor);

/* A session of traced programs (no lesson): the call event @call_seq of @log, its status and
 * outcome; its actor's column shows the file of the call's `source` with its line highlighted,
 * or says why there is none. @lifeline: the actor's lifeline (its colour), -1 unknown. */
void         sockscope_code_pane_traced_call       (SockscopeCodePane   *self,
                                                    SockscopeEventLog   *log,
                                                    guint                call_seq,
                                                    int                  lifeline,
                                                    SockscopeCallStatus  status,
                                                    const char          *outcome);
/* Shows the line of the traced call @call_seq (selected in a view), with its last outcome. */
void         sockscope_code_pane_select_traced_call (SockscopeCodePane  *self,
                                                    SockscopeEventLog   *log,
                                                    guint                call_seq);
/* For tests: the source file an actor's column shows (NULL: none, or a message instead), and
 * the message it shows in place of the code (NULL: none). */
const char  *sockscope_code_pane_get_file          (SockscopeCodePane   *self,
                                                    const char          *actor);
const char  *sockscope_code_pane_get_message       (SockscopeCodePane   *self,
                                                    const char          *actor);

G_END_DECLS
