/* sockscope-lesson-private.h: what the lesson's code generators and the question module share. */
#pragma once

#include "sockscope-lesson.h"

G_BEGIN_DECLS

typedef struct
{
  const char *loop;      /* the loop's name, or NULL for a single step */
  GPtrArray  *steps;     /* const SockscopeStep *, in order */
} SockscopeBlock;

GPtrArray           *sockscope_lesson_actor_blocks     (SockscopeLesson *self,
                                                        const char      *actor);
const SockscopeStep *sockscope_lesson_find_assignment  (SockscopeLesson *self,
                                                        const char      *actor,
                                                        const char      *name,
                                                        guint            before);
const char * const  *sockscope_lesson_state_names      (void);

G_END_DECLS
