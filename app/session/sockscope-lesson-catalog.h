/* sockscope-lesson-catalog.h: the lessons a front end can open, and where they come from. */
#pragma once

#include "sockscope-lesson.h"

G_BEGIN_DECLS

SockscopeLesson      *sockscope_lesson_find            (const char       *id_or_path,
                                                        GError          **error);
char                 *sockscope_lesson_dir             (void);
GPtrArray            *sockscope_lesson_list_dir        (const char       *dir,
                                                        GPtrArray        *errors);

G_END_DECLS
