/* sockscope-lesson-catalog.h: the lessons a front end can open, and where they come from. */
#pragma once

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

/* Where a lesson file was found; the order is the priority when two files share an id. */
typedef enum
{
  SOCKSCOPE_LESSON_BUILT_IN,   /* lessons/ of the source tree, or the installed lessons */
  SOCKSCOPE_LESSON_TEACHER,    /* $XDG_DATA_HOME/sockscope/lessons */
  SOCKSCOPE_LESSON_OPENED,     /* a file opened with Ctrl+O or given as a path */
} SockscopeLessonOrigin;

typedef struct
{
  char                  *path;
  SockscopeLessonOrigin  origin;
  SockscopeLesson       *lesson;    /* NULL when the file does not parse */
  char                  *problem;   /* NULL when its id names it; else file:line: why */
  gboolean               usable;    /* it opens (by its path); a greyed row otherwise */
} SockscopeLessonEntry;

#define SOCKSCOPE_TYPE_LESSON_CATALOG (sockscope_lesson_catalog_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeLessonCatalog, sockscope_lesson_catalog, SOCKSCOPE, LESSON_CATALOG, GObject)

SockscopeLessonCatalog     *sockscope_lesson_catalog_new          (void);
guint                       sockscope_lesson_catalog_get_n_entries (SockscopeLessonCatalog *self);
const SockscopeLessonEntry *sockscope_lesson_catalog_get_entry    (SockscopeLessonCatalog *self,
                                                                   guint                   index);
const SockscopeLessonEntry *sockscope_lesson_catalog_add_file     (SockscopeLessonCatalog *self,
                                                                   const char             *path);
const SockscopeLessonEntry *sockscope_lesson_catalog_lookup       (SockscopeLessonCatalog *self,
                                                                   const char             *id);
const SockscopeLessonEntry *sockscope_lesson_catalog_first        (SockscopeLessonCatalog *self);

SockscopeLesson      *sockscope_lesson_find            (const char        *id_or_path,
                                                        GError           **error);
SockscopeLesson      *sockscope_lesson_for_session     (SockscopeEventLog *log,
                                                        const char        *session_path,
                                                        GError           **error);
char                 *sockscope_lesson_dir             (void);
char                 *sockscope_lesson_teacher_dir     (void);
GPtrArray            *sockscope_lesson_list_dir        (const char        *dir,
                                                        GPtrArray         *errors);

G_END_DECLS
