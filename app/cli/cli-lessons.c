/* cli-lessons.c: `sockscope-cli list` and `sockscope-cli check`. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-cli.h"
#include "sockscope-lesson.h"

int
sockscope_cli_list (int    argc,
                    char **argv)
{
  g_autofree char *dir = sockscope_lesson_dir ();
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GPtrArray) lessons = NULL;
  const char *lang = sockscope_lesson_default_lang ();

  if (argc > 1)
    {
      fprintf (stderr, _("Usage: sockscope-cli list\n"));
      return 2;
    }
  lessons = sockscope_lesson_list_dir (dir, errors);
  for (guint i = 0; i < lessons->len; i++)
    {
      SockscopeLesson *lesson = g_ptr_array_index (lessons, i);

      printf ("%-20s %-48s %s\n", sockscope_lesson_get_id (lesson),
              sockscope_lesson_get_title (lesson, lang), sockscope_lesson_get_languages (lesson));
    }
  for (guint i = 0; i < errors->len; i++)
    fprintf (stderr, "%s\n", ((GError *) g_ptr_array_index (errors, i))->message);
  if (lessons->len == 0 && errors->len == 0)
    fprintf (stderr, _("No lesson in %s\n"), dir);
  return errors->len > 0 ? 1 : 0;
}

int
sockscope_cli_check (int    argc,
                     char **argv)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status = 0;

  if (argc < 2)
    {
      fprintf (stderr, _("Usage: sockscope-cli check LESSON...\n"));
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SockscopeLesson) lesson = sockscope_lesson_find (argv[i], &error);
      const char *other;

      if (lesson == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          status = 1;
          continue;
        }
      if ((other = g_hash_table_lookup (ids, sockscope_lesson_get_id (lesson))) != NULL)
        {
          fprintf (stderr, _("%s:1: duplicate id '%s', already used by %s; hint: give each lesson its own id\n"),
                   sockscope_lesson_get_path (lesson), sockscope_lesson_get_id (lesson), other);
          status = 1;
          continue;
        }
      g_hash_table_insert (ids, g_strdup (sockscope_lesson_get_id (lesson)),
                           g_strdup (sockscope_lesson_get_path (lesson)));
      printf (_("%s: ok (%s, %u steps)\n"), sockscope_lesson_get_path (lesson),
              sockscope_lesson_get_id (lesson), sockscope_lesson_get_n_steps (lesson));
    }
  return status;
}
