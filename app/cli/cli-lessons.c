/* cli-lessons.c: `sockscope-cli list` and `sockscope-cli check`. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-cli.h"
#include "sockscope-language.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-catalog.h"

int
sockscope_cli_list (int    argc,
                    char **argv)
{
  g_autofree char *dir = sockscope_lesson_dir ();
  g_autoptr(SockscopeLessonCatalog) catalog = NULL;
  guint n_listed = 0;
  const char *lang = sockscope_lesson_default_lang ();
  g_autoptr(GOptionContext) context = sockscope_cli_option_context ("", _("List the lessons: their id, title and languages."));
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1)
    {
      fprintf (stderr, "sockscope-cli list: %s\n", error ? error->message : _("no argument expected"));
      fprintf (stderr, _("Usage: sockscope-cli list\n"));
      return SOCKSCOPE_CLI_USAGE;
    }
  /* The course's order; a teacher's own lesson says where it is. A file that does not read or
   * repeats an id is told on stderr and never hides the others: the list still succeeds. */
  catalog = sockscope_lesson_catalog_new ();
  for (guint i = 0; i < sockscope_lesson_catalog_get_n_entries (catalog); i++)
    {
      const SockscopeLessonEntry *entry = sockscope_lesson_catalog_get_entry (catalog, i);
      SockscopeLesson *lesson = entry->lesson;

      if (entry->problem != NULL)
        {
          fprintf (stderr, "%s\n", entry->problem);
          continue;
        }
      printf ("%-20s %-48s %s", sockscope_lesson_get_id (lesson),
              sockscope_lesson_get_title (lesson, lang), sockscope_lesson_get_languages (lesson));
      if (entry->origin == SOCKSCOPE_LESSON_TEACHER)
        printf (_("  (yours: %s)"), entry->path);
      printf ("\n");
      n_listed++;
    }
  if (n_listed == 0)
    fprintf (stderr, _("No lesson in %s\n"), dir);
  return n_listed > 0 ? 0 : 1;
}

int
sockscope_cli_check (int    argc,
                     char **argv)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status = 0;
  g_autoptr(GOptionContext) context =
    sockscope_cli_option_context (_("LESSON..."),
                                  _("Check lessons (ids or paths to .lesson files) without running them: each mistake\n"
                                    "a run would meet is reported as FILE:LINE: message; hint: fix."));
  g_autoptr(GError) parse_error = NULL;

  if (!g_option_context_parse (context, &argc, &argv, &parse_error) || argc < 2)
    {
      if (parse_error != NULL)
        fprintf (stderr, "sockscope-cli check: %s\n", parse_error->message);
      fprintf (stderr, _("Usage: sockscope-cli check LESSON...\n"));
      return SOCKSCOPE_CLI_USAGE;
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

/* `sockscope-cli code LESSON [ACTOR] [--code c|python] [--lang fr|en] [--spans]`: the generated
 * programs, the ones the app shows, their comments in the language asked for; --spans adds which
 * lines each step highlights. */
int
sockscope_cli_code (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = sockscope_cli_option_context (_("LESSON [ACTOR]"),
                                                                    _("Print the program of each actor, as the app shows it."));
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autofree char *code = NULL;
  g_autofree char *lang = NULL;
  gboolean spans = FALSE;
  const GOptionEntry entries[] = {
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, N_("Language of the code: c or python"), N_("LANG") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang, N_("Language of the comments in the code: fr or en"), N_("LANG") },
    { "spans", 0, 0, G_OPTION_ARG_NONE, &spans, N_("Print the lines of each step"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sockscope-cli code: %s\n", error->message);
      return 2;
    }
  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, _("Usage: sockscope-cli code LESSON [ACTOR] [--code c|python] [--lang fr|en] [--spans]\n"));
      return 2;
    }
  if (lang != NULL && !g_str_equal (lang, "fr") && !g_str_equal (lang, "en"))
    {
      fprintf (stderr, _("sockscope-cli code: --lang is fr or en, not '%s'\n"), lang);
      return 2;
    }
  /* The generators' comments are gettext's: in the language asked for, or the locale's. */
  if (lang != NULL)
    sockscope_language_apply (lang);
  if ((lesson = sockscope_lesson_find (argv[1], &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (code == NULL)
    code = g_strdup (sockscope_lesson_get_code_langs (lesson)[0]);
  if (!g_str_equal (code, "c") && !g_str_equal (code, "python"))
    {
      fprintf (stderr, _("sockscope-cli code: --code is c or python, not '%s'\n"), code);
      return 2;
    }
  if (argc == 3 && sockscope_lesson_find_actor (lesson, argv[2]) < 0)
    {
      fprintf (stderr, _("sockscope-cli code: no actor '%s' in %s\n"), argv[2], sockscope_lesson_get_id (lesson));
      return 1;
    }
  for (guint i = 0; i < sockscope_lesson_get_n_actors (lesson); i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (lesson, i);
      g_autoptr(GArray) steps = NULL;
      g_autofree char *text = NULL;

      if (argc == 3 && !g_str_equal (argv[2], actor->name))
        continue;
      text = sockscope_lesson_render (lesson, actor->name, code, &steps);
      printf ("%s", text);
      if (spans)
        for (guint j = 0; j < steps->len; j++)
          {
            SockscopeCodeSpan *span = &g_array_index (steps, SockscopeCodeSpan, j);

            printf (_("step %u: lines %u-%u\n"), span->step, span->first_line, span->last_line);
          }
      if (i + 1 < sockscope_lesson_get_n_actors (lesson) && argc == 2)
        printf ("\n");
    }
  return 0;
}
