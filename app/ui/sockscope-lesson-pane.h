/* sockscope-lesson-pane.h: the lesson's title, the step just run and its explanation, the
 * controls, the history slider and the list of steps. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-lesson.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_LESSON_PANE (sockscope_lesson_pane_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeLessonPane, sockscope_lesson_pane, SOCKSCOPE, LESSON_PANE, GtkWidget)

GtkWidget     *sockscope_lesson_pane_new                   (void);
void           sockscope_lesson_pane_set_lesson            (SockscopeLessonPane *self,
                                                            SockscopeLesson     *lesson,
                                                            const char          *lang);
void           sockscope_lesson_pane_set_position          (SockscopeLessonPane *self,
                                                            guint                steps_done);
guint          sockscope_lesson_pane_get_position          (SockscopeLessonPane *self);
void           sockscope_lesson_pane_set_status            (SockscopeLessonPane *self,
                                                            const char          *status,
                                                            gboolean             busy);
GtkAdjustment *sockscope_lesson_pane_get_history           (SockscopeLessonPane *self);
void           sockscope_lesson_pane_set_history_label     (SockscopeLessonPane *self,
                                                            const char          *label);
const char    *sockscope_lesson_pane_get_explanation       (SockscopeLessonPane *self);

G_END_DECLS
