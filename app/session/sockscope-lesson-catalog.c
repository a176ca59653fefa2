/* sockscope-lesson-catalog.c: which lessons there are, and which file an id names.
 *
 * Lessons come from three places, in this order of priority: the built-in folder (lessons/ of
 * the source tree when the program runs from its build tree, PKGDATADIR/lessons when installed,
 * $SOCKSCOPE_LESSONS instead of either), the teacher's folder ($XDG_DATA_HOME/sockscope/lessons),
 * and files opened by their path. Every file is an entry. One that does not parse, or whose id
 * a file of higher priority already has, keeps its problem as `file:line: why`, so that a front
 * end shows it and goes on: a broken or duplicate lesson never stops the others, and a built-in
 * lesson always keeps its id. An opened file stays openable by its path even when its id is
 * taken. Entries are in the course's order (the themes and lessons of the README's table), the
 * teacher's lessons in their theme after the course's, then the files with a problem. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-error.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-locale.h"

/* The course, in the order it is taught (README.md, "The lessons"). */
static const char * const course_themes[] = {
  "tcp", "udp", "errors", "servers", "multiplexing", "advanced", "wire",
};
static const char * const course_lessons[] = {
  "tcp-handshake", "tcp-echo", "tp-bonjour", "shutdown-linger", "flow-control",
  "udp-echo", "stream-vs-datagram",
  "connection-refused", "blocking",
  "backlog", "reuseaddr",
  "concurrent-fork", "concurrent-select", "concurrent-threads",
  "unix-sockets", "ipv6-dual-stack", "byte-order", "http-get", "names-and-ports",
  "udp-loss", "tcp-retransmission", "handshake-loss", "reorder-and-duplicate", "fragmentation",
  "bandwidth-delay",
};

typedef struct
{
  SockscopeLessonEntry public;
  char                *canonical;   /* the path made absolute, to find a file added twice */
} Entry;

struct _SockscopeLessonCatalog
{
  GObject     parent_instance;
  GPtrArray  *entries;   /* Entry, in the course's order */
  GHashTable *ids;       /* id -> the Entry that has it (borrowed) */
};

G_DEFINE_FINAL_TYPE (SockscopeLessonCatalog, sockscope_lesson_catalog, G_TYPE_OBJECT)

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->public.path);
  g_clear_object (&e->public.lesson);
  g_free (e->public.problem);
  g_free (e->canonical);
  g_free (e);
}

static void
sockscope_lesson_catalog_finalize (GObject *object)
{
  SockscopeLessonCatalog *self = SOCKSCOPE_LESSON_CATALOG (object);

  g_hash_table_unref (self->ids);
  g_ptr_array_unref (self->entries);
  G_OBJECT_CLASS (sockscope_lesson_catalog_parent_class)->finalize (object);
}

static void
sockscope_lesson_catalog_class_init (SockscopeLessonCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sockscope_lesson_catalog_finalize;
}

static void
sockscope_lesson_catalog_init (SockscopeLessonCatalog *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
}

static guint
rank (const char        *name,
      const char * const *order,
      guint              n)
{
  for (guint i = 0; name != NULL && i < n; i++)
    if (g_str_equal (name, order[i]))
      return i;
  return n;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = *(Entry * const *) a;
  const Entry *eb = *(Entry * const *) b;
  SockscopeLesson *la = ea->public.lesson, *lb = eb->public.lesson;
  const char *ta, *tb;
  guint ra, rb;
  int r;

  if (ea->public.usable != eb->public.usable)
    return ea->public.usable ? -1 : 1;
  if (!ea->public.usable)
    return strcmp (ea->public.path, eb->public.path);

  ta = sockscope_lesson_get_theme (la);
  tb = sockscope_lesson_get_theme (lb);
  ra = rank (ta, course_themes, G_N_ELEMENTS (course_themes));
  rb = rank (tb, course_themes, G_N_ELEMENTS (course_themes));
  if (ra != rb)
    return ra < rb ? -1 : 1;
  if ((r = g_strcmp0 (ta, tb)) != 0)      /* themes of the teacher's own, by name */
    return r;
  ra = ea->public.origin == SOCKSCOPE_LESSON_BUILT_IN
       ? rank (sockscope_lesson_get_id (la), course_lessons, G_N_ELEMENTS (course_lessons))
       : G_N_ELEMENTS (course_lessons);
  rb = eb->public.origin == SOCKSCOPE_LESSON_BUILT_IN
       ? rank (sockscope_lesson_get_id (lb), course_lessons, G_N_ELEMENTS (course_lessons))
       : G_N_ELEMENTS (course_lessons);
  if (ra != rb)
    return ra < rb ? -1 : 1;
  if (ea->public.origin != eb->public.origin)
    return ea->public.origin < eb->public.origin ? -1 : 1;
  if ((r = g_strcmp0 (sockscope_lesson_get_id (la), sockscope_lesson_get_id (lb))) != 0)
    return r;
  return strcmp (ea->public.path, eb->public.path);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_lesson_ids (gconstpointer a,
                    gconstpointer b)
{
  return g_strcmp0 (sockscope_lesson_get_id (*(SockscopeLesson * const *) a),
                    sockscope_lesson_get_id (*(SockscopeLesson * const *) b));
}

/* The line of the `id:` header, for messages about the id. */
static guint
id_line (SockscopeLesson *lesson)
{
  const char *text = sockscope_lesson_get_text (lesson);
  guint line = 1;

  for (const char *p = text; p != NULL && *p != '\0'; line++)
    {
      const char *q = p;

      if (g_str_has_prefix (q, "\xef\xbb\xbf"))
        q += 3;
      if (g_str_has_prefix (q, "id"))
        {
          for (q += 2; *q == ' ' || *q == '\t'; q++)
            ;
          if (*q == ':')
            return line;
        }
      p = strchr (p, '\n');
      if (p != NULL)
        p++;
    }
  return 1;
}

static char *
duplicate_problem (const Entry *e,
                   const Entry *owner)
{
  const char *id = sockscope_lesson_get_id (e->public.lesson);
  guint line = id_line (e->public.lesson);

  if (e->public.origin == SOCKSCOPE_LESSON_OPENED)
    return g_strdup_printf (_("%s:%u: the id '%s' is already used by %s, which keeps it; this file opens from its path only"),
                            e->public.path, line, id, owner->public.path);
  if (owner->public.origin == SOCKSCOPE_LESSON_BUILT_IN && e->public.origin != SOCKSCOPE_LESSON_BUILT_IN)
    return g_strdup_printf (_("%s:%u: duplicate id '%s': the built-in lesson %s keeps it (a built-in lesson is never replaced); hint: give your lesson its own id"),
                            e->public.path, line, id, owner->public.path);
  return g_strdup_printf (_("%s:%u: duplicate id '%s': %s keeps it (the first file by name wins); hint: give each lesson its own id"),
                          e->public.path, line, id, owner->public.path);
}

static Entry *
find_path (SockscopeLessonCatalog *self,
           const char             *canonical)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (self->entries, i);

      if (g_str_equal (e->canonical, canonical))
        return e;
    }
  return NULL;
}

/* Reads one file into a new entry; the caller sorts. */
static Entry *
add_path (SockscopeLessonCatalog *self,
          const char             *path,
          SockscopeLessonOrigin   origin)
{
  g_autoptr(GError) error = NULL;
  Entry *e = g_new0 (Entry, 1);
  Entry *owner;

  e->public.path = g_strdup (path);
  e->public.origin = origin;
  e->canonical = g_canonicalize_filename (path, NULL);
  e->public.lesson = sockscope_lesson_new_from_file (path, &error);
  g_ptr_array_add (self->entries, e);

  if (e->public.lesson == NULL)
    {
      e->public.problem = g_strdup (error->message);
      return e;
    }
  owner = g_hash_table_lookup (self->ids, sockscope_lesson_get_id (e->public.lesson));
  if (owner != NULL)
    {
      e->public.problem = duplicate_problem (e, owner);
      e->public.usable = origin == SOCKSCOPE_LESSON_OPENED;
      return e;
    }
  g_hash_table_insert (self->ids, (gpointer) sockscope_lesson_get_id (e->public.lesson), e);
  e->public.usable = TRUE;
  return e;
}

/* Every *.lesson of @dir (TEMPLATE.lesson excepted), by file name. A folder that is not there
 * has no lessons. */
static void
add_dir (SockscopeLessonCatalog *self,
         const char             *dir,
         SockscopeLessonOrigin   origin)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".lesson") && !g_str_equal (name, "TEMPLATE.lesson"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *canonical = g_canonicalize_filename (path, NULL);

      if (find_path (self, canonical) == NULL)
        add_path (self, path, origin);
    }
}

/* The built-in lessons and the teacher's. */
SockscopeLessonCatalog *
sockscope_lesson_catalog_new (void)
{
  SockscopeLessonCatalog *self = g_object_new (SOCKSCOPE_TYPE_LESSON_CATALOG, NULL);
  g_autofree char *built_in = sockscope_lesson_dir ();
  g_autofree char *teacher = sockscope_lesson_teacher_dir ();

  add_dir (self, built_in, SOCKSCOPE_LESSON_BUILT_IN);
  add_dir (self, teacher, SOCKSCOPE_LESSON_TEACHER);
  g_ptr_array_sort (self->entries, compare_entries);
  return self;
}

guint
sockscope_lesson_catalog_get_n_entries (SockscopeLessonCatalog *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_CATALOG (self), 0);

  return self->entries->len;
}

const SockscopeLessonEntry *
sockscope_lesson_catalog_get_entry (SockscopeLessonCatalog *self,
                                    guint                   index)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_CATALOG (self), NULL);

  return index < self->entries->len ? g_ptr_array_index (self->entries, index) : NULL;
}

/* A file opened by its path (Ctrl+O, --lesson PATH). A file already in the catalog is read
 * again: the teacher may have just saved it. The entry says whether it parses. */
const SockscopeLessonEntry *
sockscope_lesson_catalog_add_file (SockscopeLessonCatalog *self,
                                   const char             *path)
{
  g_autofree char *canonical = NULL;
  SockscopeLessonOrigin origin = SOCKSCOPE_LESSON_OPENED;
  Entry *old, *e;

  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_CATALOG (self), NULL);

  canonical = g_canonicalize_filename (path, NULL);
  if ((old = find_path (self, canonical)) != NULL)
    {
      origin = old->public.origin;
      if (old->public.lesson != NULL &&
          g_hash_table_lookup (self->ids, sockscope_lesson_get_id (old->public.lesson)) == old)
        g_hash_table_remove (self->ids, sockscope_lesson_get_id (old->public.lesson));
      g_ptr_array_remove (self->entries, old);
    }
  e = add_path (self, path, origin);
  g_ptr_array_sort (self->entries, compare_entries);
  return &e->public;
}

/* The entry that has @id, or NULL. */
const SockscopeLessonEntry *
sockscope_lesson_catalog_lookup (SockscopeLessonCatalog *self,
                                 const char             *id)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_CATALOG (self), NULL);

  return g_hash_table_lookup (self->ids, id);
}

/* The lesson a newcomer starts with: the first of the course. */
const SockscopeLessonEntry *
sockscope_lesson_catalog_first (SockscopeLessonCatalog *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_CATALOG (self), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (self->entries, i);

      if (e->public.usable && e->public.problem == NULL)
        return &e->public;
    }
  return NULL;
}

/* $SOCKSCOPE_LESSONS, else the source tree's lessons/ when running from the build tree, else the
 * installed lessons. */
char *
sockscope_lesson_dir (void)
{
  const char *env = g_getenv ("SOCKSCOPE_LESSONS");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (sockscope_in_build_tree ())
    return g_strdup (SOURCE_LESSONS_DIR);
  return g_build_filename (PKGDATADIR, "lessons", NULL);
}

/* Where a teacher puts their own lessons. */
char *
sockscope_lesson_teacher_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "sockscope", "lessons", NULL);
}

/* Loads every *.lesson of @dir (TEMPLATE.lesson excepted), sorted by id. A lesson that does not
 * parse, or repeats an id, is left out and its error added to @errors (GError). */
GPtrArray *
sockscope_lesson_list_dir (const char *dir,
                           GPtrArray  *errors)
{
  g_autoptr(SockscopeLessonCatalog) catalog = g_object_new (SOCKSCOPE_TYPE_LESSON_CATALOG, NULL);
  GPtrArray *lessons = g_ptr_array_new_with_free_func (g_object_unref);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      if (errors != NULL)
        g_ptr_array_add (errors, g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
                                              _("cannot open the lessons folder: %s"), dir));
      return lessons;
    }
  add_dir (catalog, dir, SOCKSCOPE_LESSON_BUILT_IN);
  for (guint i = 0; i < catalog->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (catalog->entries, i);

      if (e->public.problem == NULL)
        g_ptr_array_add (lessons, g_object_ref (e->public.lesson));
      else if (errors != NULL)
        g_ptr_array_add (errors, g_error_new_literal (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE, e->public.problem));
    }
  g_ptr_array_sort (lessons, compare_lesson_ids);
  return lessons;
}

/* A lesson by its id (built-in first, then the teacher's), or a lesson file by its path. */
SockscopeLesson *
sockscope_lesson_find (const char  *id_or_path,
                       GError     **error)
{
  g_autoptr(SockscopeLessonCatalog) catalog = NULL;
  const SockscopeLessonEntry *entry;
  g_autofree char *dir = NULL;
  g_autofree char *teacher = NULL;

  if (strchr (id_or_path, '/') != NULL || g_str_has_suffix (id_or_path, ".lesson"))
    return sockscope_lesson_new_from_file (id_or_path, error);

  catalog = sockscope_lesson_catalog_new ();
  if ((entry = sockscope_lesson_catalog_lookup (catalog, id_or_path)) != NULL)
    return g_object_ref (entry->lesson);
  dir = sockscope_lesson_dir ();
  teacher = sockscope_lesson_teacher_dir ();
  g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
               _("no lesson '%s' in %s nor in %s; hint: 'sockscope-cli list' shows the lessons, or give a path to a .lesson file"),
               id_or_path, dir, teacher);
  return NULL;
}

/* The lesson a session was recorded with: the text its header embeds, so that it opens on any
 * machine, or, for a session recorded before sessions embedded it, the lesson of that id here. */
SockscopeLesson *
sockscope_lesson_for_session (SockscopeEventLog  *log,
                              const char         *session_path,
                              GError            **error)
{
  const char *text = sockscope_event_log_get_lesson_text (log);
  const char *lesson_path = sockscope_event_log_get_lesson_path (log);
  g_autoptr(GError) local_error = NULL;
  SockscopeLesson *lesson;

  if (text != NULL)
    {
      const char *name = lesson_path != NULL && *lesson_path != '\0' ? lesson_path : session_path;

      if ((lesson = sockscope_lesson_new_from_data (text, name, &local_error)) != NULL)
        return lesson;
      /* Recorded by a version that read this text differently: the installed lesson, if any. */
      if ((lesson = sockscope_lesson_find (sockscope_event_log_get_lesson_id (log), NULL)) != NULL)
        return lesson;
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                   _("%s: the lesson this session embeds does not read: %s"), session_path, local_error->message);
      return NULL;
    }
  if ((lesson = sockscope_lesson_find (sockscope_event_log_get_lesson_id (log), &local_error)) != NULL)
    return lesson;
  g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
               _("%s: this session was recorded with a lesson that is not installed here (%s)"),
               session_path, local_error->message);
  return NULL;
}
