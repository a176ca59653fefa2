/* cli-export.c: `sockscope-cli export LESSON|SESSION --format F --output FILE`: the sequence
 * diagram for a slide (PNG, SVG, PDF: the renderer the app's Export dialog uses), the packets
 * (pcapng, with each packet's cause as its comment) or the session file. A lesson is run first
 * in a fresh lab, as `run` does; a session is replayed. Needs no display. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-cli.h"
#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-runner.h"
#ifdef SOCKSCOPE_HAVE_DIAGRAM
#include "sockscope-diagram.h"
#include "sockscope-language.h"
#endif

#define USAGE N_("Usage: sockscope-cli export LESSON|SESSION --format png|svg|pdf|pcapng|session --output FILE [--lang fr|en] [--range FIRST-LAST] [--per-slide N] [--absolute-seq]\n")

/* Runs every step of the lesson in a fresh lab: the log of that run. */
static SockscopeEventLog *
run_lesson (SockscopeLesson  *lesson,
            const char       *lang,
            GError          **error)
{
  g_autoptr(SockscopeEventLog) log = sockscope_event_log_new ();
  g_autoptr(SockscopeLabClient) client = sockscope_lab_client_new ();
  g_autoptr(SockscopeRunner) runner = sockscope_runner_new (lesson, client, log, lang);

  if (!sockscope_runner_run_to_end (runner, error))
    return NULL;
  return g_steal_pointer (&log);
}

static gboolean
is_session (const char *path)
{
  return g_str_has_suffix (path, ".sockscope") ||
         (g_file_test (path, G_FILE_TEST_IS_REGULAR) && !g_str_has_suffix (path, ".lesson"));
}

int
sockscope_cli_export (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = sockscope_cli_option_context ("LESSON|SESSION",
                                                                    _("Export a diagram (png, svg, pdf), the packets (pcapng) or the session;\na lesson is run in a fresh lab first, a session is replayed."));
  g_autoptr(GError) error = NULL;
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *range = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autoptr(SockscopeEventLog) log = NULL;
  gboolean absolute = FALSE;
  int per_slide = -1;   /* not given */
  guint first = 0, last = 0;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("png, svg or pdf (the diagram), pcapng (the packets) or session"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write to FILE"), N_("FILE") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang, N_("Language of the diagram and the lesson: fr or en"), N_("LANG") },
    { "range", 0, 0, G_OPTION_ARG_STRING, &range, N_("Only events FIRST to LAST in the diagram"), N_("FIRST-LAST") },
    { "per-slide", 0, 0, G_OPTION_ARG_INT, &per_slide, N_("At most N rows on a slide (a PDF page, or out-1.png, out-2.png…)"), N_("N") },
    { "absolute-seq", 0, 0, G_OPTION_ARG_NONE, &absolute, N_("Absolute TCP sequence numbers in the diagram"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sockscope-cli export: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || format == NULL || output == NULL)
    {
      fprintf (stderr, "%s", _(USAGE));
      return 2;
    }
  if (lang != NULL && !g_str_equal (lang, "fr") && !g_str_equal (lang, "en"))
    {
      fprintf (stderr, _("sockscope-cli export: --lang is fr or en, not '%s'\n"), lang);
      return 2;
    }
  if (per_slide != -1 && (per_slide < 1 || per_slide > 200))
    {
      fprintf (stderr, _("sockscope-cli export: --per-slide is a number of rows from 1 to 200, not %d\n"), per_slide);
      return 2;
    }
  if (range != NULL)
    {
#ifdef SOCKSCOPE_HAVE_DIAGRAM
      if (!sockscope_diagram_parse_range (range, &first, &last, &error))
        {
          fprintf (stderr, "sockscope-cli export: %s\n", error->message);
          return 2;
        }
#endif
    }
  if (!g_str_equal (format, "png") && !g_str_equal (format, "svg") && !g_str_equal (format, "pdf") &&
      !g_str_equal (format, "pcapng") && !g_str_equal (format, "session"))
    {
      fprintf (stderr, _("sockscope-cli export: --format is png, svg, pdf, pcapng or session, not '%s'\n"), format);
      return 2;
    }

  if (is_session (argv[1]))
    {
      g_autofree char *warning = NULL;

      if ((log = sockscope_event_log_load (argv[1], &warning, &error)) == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      if (warning != NULL)
        fprintf (stderr, "%s\n", warning);
      if (lang == NULL && sockscope_event_log_get_lang (log) != NULL)
        lang = g_strdup (sockscope_event_log_get_lang (log));
      /* traced programs (sockscope-cli trace --session, the window's Your Programs): no lesson */
      if (g_strcmp0 (sockscope_event_log_get_lesson_id (log), "trace") != 0 &&
          (lesson = sockscope_lesson_for_session (log, argv[1], &error)) == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
    }
  else
    {
      if ((lesson = sockscope_lesson_find (argv[1], &error)) == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      if (lang == NULL)
        lang = g_strdup (sockscope_lesson_default_lang ());
      if ((log = run_lesson (lesson, lang, &error)) == NULL)
        {
          fprintf (stderr, "sockscope-cli: %s\n", error->message);
          return 1;
        }
    }
  if (lang == NULL)
    lang = g_strdup (sockscope_lesson_default_lang ());

  if (g_str_equal (format, "pcapng"))
    ok = sockscope_event_log_export_pcapng (log, output, &error);
  else if (g_str_equal (format, "session"))
    ok = sockscope_event_log_record_to (log, output, lesson, lang, &error) &&
         sockscope_event_log_stop_recording (log, &error);
  else
    {
#ifdef SOCKSCOPE_HAVE_DIAGRAM
      g_autoptr(SockscopeDiagram) diagram = NULL;
      SockscopeDiagramFormat diagram_format = SOCKSCOPE_DIAGRAM_PNG;

      /* The diagram's own words ("outside", "blocked") in the language asked for. */
      sockscope_language_apply (lang);
      sockscope_diagram_format_from_string (format, &diagram_format);
      if ((diagram = sockscope_diagram_new (lesson, log, lang, absolute, first, last, &error)) != NULL)
        sockscope_diagram_set_per_slide (diagram, per_slide > 0 ? (guint) per_slide : 0);
      ok = diagram != NULL &&
           sockscope_diagram_export (diagram, diagram_format, output, &error);
#else
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("this sockscope-cli was built without cairo: it cannot draw diagrams"));
      ok = FALSE;
#endif
    }
  if (!ok)
    {
      fprintf (stderr, "sockscope-cli: %s\n", error->message);
      return 1;
    }
  return 0;
}
