/* sockscope-lesson-pane.h: the lesson's title, the step just run and its explanation, the
 * controls, the history slider and the list of steps. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

typedef enum
{
  SOCKSCOPE_VERDICT_NONE,
  SOCKSCOPE_VERDICT_RIGHT,
  SOCKSCOPE_VERDICT_WRONG,
  SOCKSCOPE_VERDICT_SKIPPED,
  SOCKSCOPE_VERDICT_PENDING,  /* answered; the call has not returned yet */
} SockscopeVerdict;

#define SOCKSCOPE_TYPE_LESSON_PANE (sockscope_lesson_pane_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeLessonPane, sockscope_lesson_pane, SOCKSCOPE, LESSON_PANE, GtkWidget)

GtkWidget     *sockscope_lesson_pane_new                   (void);
void           sockscope_lesson_pane_set_lesson            (SockscopeLessonPane *self,
                                                            SockscopeLesson     *lesson,
                                                            const char          *lang);
void           sockscope_lesson_pane_set_origin            (SockscopeLessonPane *self,
                                                            const char          *origin);
const char    *sockscope_lesson_pane_get_origin            (SockscopeLessonPane *self);
void           sockscope_lesson_pane_set_position          (SockscopeLessonPane *self,
                                                            guint                steps_done);
guint          sockscope_lesson_pane_get_position          (SockscopeLessonPane *self);
/* For tests: TRUE when the row of step (1-based) is wholly inside the step list's view. */
gboolean       sockscope_lesson_pane_step_in_view          (SockscopeLessonPane *self,
                                                            guint                step);
void           sockscope_lesson_pane_set_status            (SockscopeLessonPane *self,
                                                            const char          *status,
                                                            gboolean             busy);
GtkAdjustment *sockscope_lesson_pane_get_history           (SockscopeLessonPane *self);
void           sockscope_lesson_pane_set_history_label     (SockscopeLessonPane *self,
                                                            const char          *label);
const char    *sockscope_lesson_pane_get_explanation       (SockscopeLessonPane *self);
/* The question of the step about to run (0 hides it): its choices are buttons that activate
 * win.answer with the choice; Skip activates it with "". */
void           sockscope_lesson_pane_show_question         (SockscopeLessonPane *self,
                                                            guint                step,
                                                            const char          *prompt,
                                                            const char * const  *choices);
/* The step whose question is shown, or 0. */
guint          sockscope_lesson_pane_get_question          (SockscopeLessonPane *self);
/* Under the explanation of the step shown: right or wrong, what the kernel did, and why. */
void           sockscope_lesson_pane_show_verdict          (SockscopeLessonPane *self,
                                                            SockscopeVerdict     verdict,
                                                            const char          *title,
                                                            const char          *detail);
SockscopeVerdict sockscope_lesson_pane_get_verdict         (SockscopeLessonPane *self,
                                                            const char         **title,
                                                            const char         **detail);

/* A session of traced programs, which has no lesson (NULL: none). The pane names the programs
 * (their command lines, from their execve) where the steps would be, and shows in the step's
 * place the call at the history's position, or the one selected: who made it, its result (or
 * that it is blocked) and its line in the program's source. */
void           sockscope_lesson_pane_set_trace             (SockscopeLessonPane *self,
                                                            SockscopeEventLog   *log);
/* The call (seq, or that of the event's call) selected in a traced session; 0: the latest. */
void           sockscope_lesson_pane_select_call           (SockscopeLessonPane *self,
                                                            guint                call_seq);
/* For tests: the call shown ("actor: text = result") and the programs, one a line. */
const char    *sockscope_lesson_pane_get_call_text         (SockscopeLessonPane *self);
char          *sockscope_lesson_pane_get_programs          (SockscopeLessonPane *self);

G_END_DECLS
