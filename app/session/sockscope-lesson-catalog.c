/* sockscope-lesson-catalog.c: where lessons are found, and which one an id names. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-error.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-locale.h"

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

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static int
compare_lessons (gconstpointer a,
                 gconstpointer b)
{
  SockscopeLesson *la = *(SockscopeLesson **) a;
  SockscopeLesson *lb = *(SockscopeLesson **) b;

  return g_strcmp0 (sockscope_lesson_get_id (la), sockscope_lesson_get_id (lb));
}

/* Loads every *.lesson of @dir (TEMPLATE.lesson excepted), sorted by id. A lesson that does not
 * parse, or repeats an id, is left out and its error added to @errors (GError). */
GPtrArray *
sockscope_lesson_list_dir (const char *dir,
                           GPtrArray  *errors)
{
  GPtrArray *lessons = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *name;

  if ((d = g_dir_open (dir, 0, &error)) == NULL)
    {
      if (errors != NULL)
        g_ptr_array_add (errors, g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
                                              _("cannot open the lessons folder: %s"), error->message));
      return lessons;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".lesson") && !g_str_equal (name, "TEMPLATE.lesson"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_file (path, &local_error);
      SockscopeLesson *other;

      if (lesson == NULL)
        {
          if (errors != NULL)
            g_ptr_array_add (errors, g_steal_pointer (&local_error));
          continue;
        }
      if ((other = g_hash_table_lookup (ids, sockscope_lesson_get_id (lesson))) != NULL)
        {
          if (errors != NULL)
            g_ptr_array_add (errors, g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                                                  _("%s:1: duplicate id '%s', already used by %s; hint: give each lesson its own id"),
                                                  path, sockscope_lesson_get_id (lesson), sockscope_lesson_get_path (other)));
          continue;
        }
      g_hash_table_insert (ids, (gpointer) sockscope_lesson_get_id (lesson), lesson);
      g_ptr_array_add (lessons, g_steal_pointer (&lesson));
    }
  g_ptr_array_sort (lessons, compare_lessons);
  return lessons;
}

SockscopeLesson *
sockscope_lesson_find (const char  *id_or_path,
                       GError     **error)
{
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) lessons = NULL;

  if (strchr (id_or_path, '/') != NULL || g_str_has_suffix (id_or_path, ".lesson"))
    return sockscope_lesson_new_from_file (id_or_path, error);

  dir = sockscope_lesson_dir ();
  lessons = sockscope_lesson_list_dir (dir, NULL);
  for (guint i = 0; i < lessons->len; i++)
    {
      SockscopeLesson *lesson = g_ptr_array_index (lessons, i);

      if (g_str_equal (sockscope_lesson_get_id (lesson), id_or_path))
        return g_object_ref (lesson);
    }
  g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
               _("no lesson '%s' in %s; hint: 'sockscope-cli list' shows the lessons, or give a path to a .lesson file"),
               id_or_path, dir);
  return NULL;
}
