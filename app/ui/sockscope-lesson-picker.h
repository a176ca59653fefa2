/* sockscope-lesson-picker.h: the list of lessons to choose from (the header bar's Lessons
 * popover): the course by theme, the teacher's own lessons marked, the broken ones greyed. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-lesson-catalog.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_LESSON_PICKER (sockscope_lesson_picker_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeLessonPicker, sockscope_lesson_picker, SOCKSCOPE, LESSON_PICKER, GtkWidget)

GtkWidget  *sockscope_lesson_picker_new          (void);
void        sockscope_lesson_picker_set_catalog  (SockscopeLessonPicker  *self,
                                                  SockscopeLessonCatalog *catalog,
                                                  const char             *lang);
/* Call after the catalog changed (a file opened): the rows are made again. */
void        sockscope_lesson_picker_refresh      (SockscopeLessonPicker  *self);
void        sockscope_lesson_picker_focus_search (SockscopeLessonPicker  *self);
GtkListBox *sockscope_lesson_picker_get_list     (SockscopeLessonPicker  *self);

G_END_DECLS
