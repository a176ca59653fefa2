/* sockscope-question.h: the questions a step asks (`ask:`), their choices, and their grading
 * against the event log of the run that just happened (never against a stored answer). */
#pragma once

#include <glib.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

typedef struct
{
  SockscopeAsk  ask;
  guint         step;
  char         *answer;        /* the learner's answer, as given */
  char         *actual;        /* what the kernel did: "yes", "-1 ECONNREFUSED", "SYN / SYN-ACK / ACK", "ESTAB" */
  gboolean      correct;
  char         *explanation;   /* one sentence, in the UI language */
  char         *step_text;     /* the step's own explanation, in the lesson language */
} SockscopeGrade;

const char     *sockscope_question_get_prompt  (SockscopeAsk          ask);
char          **sockscope_question_get_choices (SockscopeLesson      *lesson,
                                                const SockscopeStep  *step,
                                                SockscopeEventLog    *log);
char           *sockscope_question_get_actual  (SockscopeLesson      *lesson,
                                                const SockscopeStep  *step,
                                                SockscopeEventLog    *log,
                                                char                **explanation,
                                                GError              **error);
SockscopeGrade *sockscope_question_grade       (SockscopeLesson      *lesson,
                                                const SockscopeStep  *step,
                                                SockscopeEventLog    *log,
                                                const char           *answer,
                                                const char           *lang,
                                                GError              **error);
gboolean        sockscope_question_same_answer (SockscopeAsk          ask,
                                                const char           *answer,
                                                const char           *actual);
void            sockscope_grade_free           (SockscopeGrade       *grade);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeGrade, sockscope_grade_free)

G_END_DECLS
