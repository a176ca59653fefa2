/* sockscope-lesson.h: a lesson parsed from its text file (see lessons/README.md). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;
  char *role;
  char *parent;        /* the actor it is forked from, or NULL */
  char *label_en;
  char *label_fr;
  gboolean thread;     /* kind: thread (created by pthread_create), else a process */
  guint  line;         /* line of its `actor:` declaration */
  guint  created_by;   /* the step (fork, pthread_create) that creates it, or 0 */
  char  *host;         /* `host: a|b` ("a" or "b"); a child's is its parent's; NULL on one host */
} SockscopeActor;

/* A question asked before a step runs (`ask:` under the step), graded against the run. */
typedef enum
{
  SOCKSCOPE_ASK_NONE,
  SOCKSCOPE_ASK_BLOCKS,     /* does the call block? yes / no */
  SOCKSCOPE_ASK_RETURNS,    /* what does it return? "3", "-1 ECONNREFUSED" */
  SOCKSCOPE_ASK_PACKETS,    /* which packets does it cause? "SYN / SYN-ACK / ACK" */
  SOCKSCOPE_ASK_STATE,      /* which state is its socket in afterwards? "ESTAB" */
} SockscopeAsk;

typedef struct
{
  guint  number;       /* from 1, in file order */
  guint  line;         /* line in the lesson file */
  char  *actor;
  char  *assign;       /* `s = socket (...)`: "s", or NULL */
  char  *call;
  char **args;         /* as written, NULL-terminated */
  char  *capture;      /* `recvfrom (...) -> peer`: "peer", or NULL */
  char  *text_en;
  char  *text_fr;
  char  *new_actor;    /* `fork () -> worker`: "worker", or NULL */
  char  *loop;         /* `loop: NAME`, or NULL */
  SockscopeAsk ask;
  char **choices;      /* `choices: A | B`, or NULL (generated) */
  char **wire;         /* `wire: SPEC` lines under the step, applied before its call; or NULL */
} SockscopeStep;

typedef struct
{
  guint step;          /* step number */
  guint first_line;    /* lines of the generated program, from 1 */
  guint last_line;
} SockscopeCodeSpan;

#define SOCKSCOPE_TYPE_LESSON (sockscope_lesson_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeLesson, sockscope_lesson, SOCKSCOPE, LESSON, GObject)

SockscopeLesson      *sockscope_lesson_new_from_file   (const char       *path,
                                                        GError          **error);
SockscopeLesson      *sockscope_lesson_new_from_data   (const char       *data,
                                                        const char       *filename,
                                                        GError          **error);
/* The same text with no step allowed: its actors only, for showing their empty programs (explore
 * mode before its first call). Not a lesson to run or to check. */
SockscopeLesson      *sockscope_lesson_new_outline     (const char       *data,
                                                        const char       *filename,
                                                        GError          **error);
const char           *sockscope_lesson_default_lang    (void);

const char           *sockscope_lesson_get_id          (SockscopeLesson  *self);
const char           *sockscope_lesson_get_path        (SockscopeLesson  *self);
const char           *sockscope_lesson_get_text        (SockscopeLesson  *self);
const char           *sockscope_lesson_get_theme       (SockscopeLesson  *self);
const char           *sockscope_lesson_get_title       (SockscopeLesson  *self,
                                                        const char       *lang);
const char           *sockscope_lesson_get_description (SockscopeLesson  *self,
                                                        const char       *lang);
const char           *sockscope_lesson_get_languages   (SockscopeLesson  *self);
guint                 sockscope_lesson_get_n_actors    (SockscopeLesson  *self);
const SockscopeActor *sockscope_lesson_get_actor       (SockscopeLesson  *self,
                                                        guint             index);
int                   sockscope_lesson_find_actor      (SockscopeLesson  *self,
                                                        const char       *name);
gboolean              sockscope_lesson_has_hosts       (SockscopeLesson  *self);
const char           *sockscope_lesson_get_host_name   (SockscopeLesson  *self,
                                                        const char       *host);
const char * const   *sockscope_lesson_get_wire        (SockscopeLesson  *self);
gboolean              sockscope_wire_spec_check        (const char       *spec,
                                                        char            **message);
guint                 sockscope_lesson_get_n_steps     (SockscopeLesson  *self);
const SockscopeStep  *sockscope_lesson_get_step        (SockscopeLesson  *self,
                                                        guint             number);
const char * const   *sockscope_lesson_get_code_langs  (SockscopeLesson  *self);
char                 *sockscope_lesson_render          (SockscopeLesson  *self,
                                                        const char       *actor,
                                                        const char       *code_lang,
                                                        GArray          **spans);
char                 *sockscope_lesson_render_c        (SockscopeLesson  *self,
                                                        const char       *actor,
                                                        GArray          **spans);
char                 *sockscope_lesson_render_python   (SockscopeLesson  *self,
                                                        const char       *actor,
                                                        GArray          **spans);

const char           *sockscope_actor_get_label        (const SockscopeActor *actor,
                                                        const char           *lang);
const char           *sockscope_step_get_text          (const SockscopeStep  *step,
                                                        const char           *lang);
char                 *sockscope_step_to_string         (const SockscopeStep  *step);
const char           *sockscope_ask_to_string          (SockscopeAsk          ask);

/* Helpers the code generators share (sockscope-lesson.c). */
gboolean              sockscope_data_is_repeat         (const char           *arg,
                                                        char                **literal,
                                                        guint64              *count);
gboolean              sockscope_data_is_int            (const char           *arg,
                                                        char                **func,
                                                        char                **value);
guint                 sockscope_literal_length         (const char           *literal);

G_END_DECLS
