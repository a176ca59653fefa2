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

/* For the code generators (C and Python): the key under which steps of a loop are one line of
 * its body, and the step → lines spans they return, sorted by step. */
char                *sockscope_step_body_key           (const SockscopeStep *step);
void                 sockscope_code_spans_add          (GArray          *spans,
                                                        guint            step,
                                                        guint            first,
                                                        guint            last);
void                 sockscope_code_spans_sort         (GArray          *spans);

/* Shared with the explore model: a C identifier (FALSE for NULL), and the case-insensitive
 * Levenshtein distance behind the "did you mean" hints. */
gboolean             sockscope_is_identifier           (const char      *s);
guint                sockscope_edit_distance           (const char      *a,
                                                        const char      *b);

G_END_DECLS
