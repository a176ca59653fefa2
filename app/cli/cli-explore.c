/* cli-explore.c: `sockscope-cli explore`. The learner's own calls, one line at a time, in the
 * lesson's step syntax, run for real in a fresh lab by the explore model
 * (app/session/sockscope-explore.c); printed as `run` prints a lesson (a ladder, or JSON lines).
 * From a terminal the lines are read with GNU readline (history, Tab completion from the model);
 * from a pipe, one line after the other, which makes a teacher's exchange a script. A line the
 * model refuses is one message on standard error, and the session goes on. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#ifdef HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

#include "cli-ladder.h"
#include "sockscope-cli.h"
#include "sockscope-explore.h"
#include "sockscope-language.h"
#include "sockscope-lesson-catalog.h"

#define PROMPT "explore> "

typedef struct
{
  GMainLoop        *loop;
  SockscopeExplore *explore;
  SockscopeEventLog *log;        /* the log the ladder prints */
  CliLadder        *ladder;
  gboolean          json;
  gboolean          terminal;    /* lines from readline */
  gboolean          reading;     /* waiting for a line (readline's prompt is on screen) */
  gboolean          quitting;
  GDataInputStream *input;       /* lines from a pipe */
  guint             stdin_watch;
  guint             lineno;
  guint             refused;     /* lines refused or failed */
  GError           *error;       /* the lab failed: the session cannot go on */
  gboolean          lab_failed;  /* the lab died on its own and it was said */
} Explore;

static Explore *current;   /* readline's callbacks take no user data */

static void read_next (Explore *ex);

/* ---- output ---- */

static void
print_events (Explore *ex)
{
#ifdef HAVE_READLINE
  if (ex->terminal && ex->reading)
    {
      /* New events while the learner types: the prompt and their line go, the events print,
       * then they come back as they were. */
      int point = rl_point;
      char *text = rl_copy_text (0, rl_end);

      rl_set_prompt ("");
      rl_replace_line ("", 0);
      rl_redisplay ();
      cli_ladder_print_new (ex->ladder, ex->log);
      rl_set_prompt (PROMPT);
      rl_replace_line (text, 0);
      rl_point = point;
      rl_redisplay ();
      free (text);
      return;
    }
#endif
  cli_ladder_print_new (ex->ladder, ex->log);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Explore    *ex)
{
  print_events (ex);
}

/* A new lab (start, undo): a new log, printed from its start. */
static void
attach_log (Explore *ex)
{
  if (ex->log != NULL)
    {
      cli_ladder_print_new (ex->ladder, ex->log);
      g_signal_handlers_disconnect_by_data (ex->log, ex);
    }
  g_set_object (&ex->log, sockscope_explore_get_log (ex->explore));
  g_clear_pointer (&ex->ladder, cli_ladder_free);
  /* No lesson: the actors' columns come as they appear, as for traced programs. */
  ex->ladder = cli_ladder_new (NULL, ex->json);
  g_signal_connect (ex->log, "items-changed", G_CALLBACK (on_items_changed), ex);
}

static void
on_reset (SockscopeExplore *explore,
          Explore          *ex)
{
  attach_log (ex);
}

/* A message for the learner on standard error: in a script, with the line it is about. */
static void
say (Explore    *ex,
     gboolean    problem,
     const char *text)
{
  fflush (stdout);
  if (problem && !ex->terminal)
    fprintf (stderr, _("sockscope-cli explore: line %u: %s\n"), ex->lineno, text);
  else
    fprintf (stderr, "%s\n", text);
  fflush (stderr);
}

static void
refuse (Explore      *ex,
        const GError *error)
{
  ex->refused++;
  /* The lab itself is gone (crashed, killed): nothing more can run. A script ends there; a
   * terminal can still :save. The lab's death was said when it came: a script hears it once. */
  if (!sockscope_explore_is_running (ex->explore) && !ex->terminal)
    {
      ex->quitting = TRUE;
      if (ex->lab_failed)
        return;
    }
  say (ex, TRUE, error->message);
}

/* The lab died while nothing ran or while the learner types: said at once, not at the next
 * line; readline's prompt and the line being typed come back after it. */
static void
on_lab_failed (SockscopeExplore *explore,
               const GError     *error,
               Explore          *ex)
{
  g_autofree char *text = NULL;

  ex->refused++;
  ex->lab_failed = TRUE;
  if (!ex->terminal)
    {
      fflush (stdout);
      fprintf (stderr, _("sockscope-cli explore: the lab has stopped: %s\n"), error->message);
      fflush (stderr);
      /* A script goes no further; a line still running ends first (its refusal is not said). */
      ex->quitting = TRUE;
      if (!sockscope_explore_is_busy (explore))
        g_main_loop_quit (ex->loop);
      return;
    }
  text = g_strdup_printf (_("The lab has stopped: %s. Nothing more can run: ':save FILE' keeps your steps as a lesson, ':quit' ends."),
                          error->message);
#ifdef HAVE_READLINE
  if (ex->reading)
    {
      int point = rl_point;
      char *typed = rl_copy_text (0, rl_end);

      rl_set_prompt ("");
      rl_replace_line ("", 0);
      rl_redisplay ();
      say (ex, FALSE, text);
      rl_set_prompt (PROMPT);
      rl_replace_line (typed, 0);
      rl_point = point;
      rl_redisplay ();
      free (typed);
      return;
    }
#endif
  say (ex, FALSE, text);
}

static void
print_help (Explore *ex)
{
  say (ex, FALSE,
       _("Type a call for an actor, in the lesson's syntax, and Enter runs it in the lab:\n"
         "  server: s = socket(AF_INET, SOCK_DGRAM, 0)\n"
         "  server: bind(s, 127.0.0.1:7777)\n"
         "  server: n = recvfrom(s, 64, 0) -> peer\n"
         "Commands:\n"
         "  :actor NAME [LABEL] [@HOST]   add an actor (a process in the lab; on two hosts, on HOST)\n"
         "  :calls ACTOR          the calls that make sense now for ACTOR\n"
         "  :undo                 take back the last step (the lab restarts and replays the others)\n"
         "  :save FILE            write what you did as a lesson file\n"
         "  :help                 this help\n"
         "  :quit                 stop (Ctrl-D too)\n"
         "Tab completes actors, calls, constants, variables and addresses. Lines starting with # are ignored."));
}

/* ---- commands ---- */

static void
on_done (Explore *ex)
{
  if (ex->quitting)
    {
      g_main_loop_quit (ex->loop);
      return;
    }
  read_next (ex);
}

static void
on_ran (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Explore *ex = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_explore_run_finish (SOCKSCOPE_EXPLORE (object), result, &error))
    refuse (ex, error);
  print_events (ex);
  on_done (ex);
}

static void
on_actor_added (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Explore *ex = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_explore_add_actor_finish (SOCKSCOPE_EXPLORE (object), result, &error))
    refuse (ex, error);
  print_events (ex);
  on_done (ex);
}

static void
on_undone (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Explore *ex = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_explore_undo_finish (SOCKSCOPE_EXPLORE (object), result, &error))
    refuse (ex, error);
  else
    {
      g_autofree char *text = g_strdup_printf (ngettext ("Undone: the lab started again and replayed %u step.",
                                                         "Undone: the lab started again and replayed %u steps.",
                                                         sockscope_explore_get_n_steps (ex->explore)),
                                               sockscope_explore_get_n_steps (ex->explore));

      print_events (ex);
      say (ex, FALSE, text);
    }
  on_done (ex);
}

static void
show_calls (Explore    *ex,
            const char *actor)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  if (*actor == '\0')
    {
      g_auto(GStrv) actors = sockscope_explore_get_actors (ex->explore);

      if (actors[0] == NULL)
        {
          say (ex, FALSE, _("There is no actor yet: add one with ':actor NAME'."));
          return;
        }
      for (guint i = 0; actors[i]; i++)
        show_calls (ex, actors[i]);
      return;
    }
  lines = sockscope_explore_get_palette (ex->explore, actor);
  if (lines[0] == NULL)
    {
      g_autofree char *probe = g_strdup_printf ("%s: close(0)", actor);

      /* Why nothing: the model's own message (unknown actor, blocked, ended). */
      if (!sockscope_explore_check_line (ex->explore, probe, &error) && error->code != SOCKSCOPE_EXPLORE_ERROR_CHECK)
        say (ex, FALSE, error->message);
      else
        say (ex, FALSE, _("No call to offer."));
      return;
    }
  g_string_append_printf (text, _("%s can call now:"), actor);
  for (guint i = 0; lines[i]; i++)
    g_string_append_printf (text, "\n  %s", lines[i]);
  say (ex, FALSE, text->str);
}

static void
save (Explore    *ex,
      const char *path)
{
  g_autoptr(GError) error = NULL;

  if (*path == '\0')
    {
      GError usage = { SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_SAVE, (char *) _("name the file: ':save FILE'") };

      refuse (ex, &usage);
      return;
    }
  if (!sockscope_explore_save (ex->explore, path, NULL, NULL, &error))
    refuse (ex, error);
  else
    {
      g_autofree char *text = g_strdup_printf (ngettext ("Saved %s: %u step, its texts to rewrite, questions to add. sockscope-cli check %s",
                                                         "Saved %s: %u steps, their texts to rewrite, questions to add. sockscope-cli check %s",
                                                         sockscope_explore_get_n_steps (ex->explore)),
                                               path, sockscope_explore_get_n_steps (ex->explore), path);

      say (ex, FALSE, text);
    }
}

/* Runs one line; TRUE when it finished at once (the next line can be read). */
static gboolean
take_line (Explore *ex,
           char    *line)
{
  g_strstrip (line);
  if (*line == '\0' || *line == '#')
    return TRUE;
  if (*line != ':')
    {
      sockscope_explore_run_async (ex->explore, line, NULL, on_ran, ex);
      return FALSE;
    }
  {
    g_autofree char *command = g_strndup (line + 1, strcspn (line + 1, " \t"));
    char *rest = g_strstrip (line + 1 + strlen (command));

    if (g_str_equal (command, "quit") || g_str_equal (command, "q"))
      ex->quitting = TRUE;
    else if (g_str_equal (command, "help") || g_str_equal (command, "h"))
      print_help (ex);
    else if (g_str_equal (command, "actor"))
      {
        g_autofree char *name = g_strndup (rest, strcspn (rest, " \t"));
        char *label = g_strstrip (rest + strlen (name));
        char *at = strrchr (label, '@');
        const char *host = NULL;

        /* `:actor server2 Server 2 @bob`: the host, on two hosts. */
        if (at != NULL && (at == label || at[-1] == ' ' || at[-1] == '\t') && strpbrk (at, " \t") == NULL)
          {
            host = at + 1;
            *at = '\0';
            g_strstrip (label);
          }

        if (*name == '\0')
          {
            GError usage = { SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BAD_ACTOR,
                             (char *) _("name the actor: ':actor NAME [LABEL]', e.g. ':actor server Server'") };

            refuse (ex, &usage);
            return TRUE;
          }
        sockscope_explore_add_actor_full_async (ex->explore, name, *label ? label : NULL, NULL, host, NULL, on_actor_added, ex);
        return FALSE;
      }
    else if (g_str_equal (command, "undo"))
      {
        sockscope_explore_undo_async (ex->explore, NULL, on_undone, ex);
        return FALSE;
      }
    else if (g_str_equal (command, "save"))
      save (ex, rest);
    else if (g_str_equal (command, "calls"))
      show_calls (ex, rest);
    else
      {
        g_autofree char *text = g_strdup_printf (_("unknown command ':%s'; hint: the commands are :actor, :calls, :undo, :save, :help and :quit"),
                                                 command);
        GError usage = { SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_CHECK, text };

        refuse (ex, &usage);
      }
  }
  return TRUE;
}

/* ---- input ---- */

static void
end_of_input (Explore *ex)
{
  ex->quitting = TRUE;
  g_main_loop_quit (ex->loop);
}

static void
on_pipe_line (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Explore *ex = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, &error);

  /* The session ended while this line was awaited (the lab died): it is not run. */
  if (ex->quitting)
    return;
  if (line == NULL)
    {
      if (error != NULL)
        say (ex, TRUE, error->message);
      end_of_input (ex);
      return;
    }
  ex->lineno++;
  if (take_line (ex, line))
    on_done (ex);
}

#ifdef HAVE_READLINE
static void
on_readline (char *line)
{
  Explore *ex = current;

  rl_callback_handler_remove ();
  ex->reading = FALSE;
  if (line == NULL)
    {
      fputc ('\n', stderr);
      free (line);
      end_of_input (ex);
      return;
    }
  ex->lineno++;
  if (*line != '\0')
    add_history (line);
  {
    g_autofree char *copy = g_strdup (line);

    free (line);
    if (take_line (ex, copy))
      on_done (ex);
  }
}

static gboolean
on_stdin (int          fd,
          GIOCondition condition,
          gpointer     user_data)
{
  Explore *ex = user_data;

  rl_callback_read_char ();
  /* A line was taken: what is typed while it runs waits in the terminal (no busy watch). */
  if (!ex->reading)
    {
      ex->stdin_watch = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static char *
complete_next (const char *text,
               int         state)
{
  static char **candidates;
  static guint next;
  gsize start = 0;

  if (state == 0)
    {
      g_clear_pointer (&candidates, g_strfreev);
      candidates = sockscope_explore_complete (current->explore, rl_line_buffer, rl_point, &start);
      next = 0;
    }
  if (candidates == NULL || candidates[next] == NULL)
    return NULL;
  /* A call is followed by its '(', an actor by its ':': no space after either. */
  if (g_str_has_suffix (candidates[next], "(") || g_str_has_suffix (candidates[next], ":"))
    rl_completion_append_character = '\0';
  return strdup (candidates[next++]);
}

static char **
complete (const char *text,
          int         start,
          int         end)
{
  rl_attempted_completion_over = 1;
  return rl_completion_matches (text, complete_next);
}

/* Alt-h (or Esc h) shows the argument hint of the call being typed. */
static int
show_hint (int count,
           int key)
{
  g_autofree char *hint = sockscope_explore_get_hint (current->explore, rl_line_buffer, rl_point);

  if (hint == NULL)
    return 0;
  fprintf (stderr, "\n  %s\n", hint);
  rl_on_new_line ();
  rl_redisplay ();
  return 0;
}
#endif

static void
read_next (Explore *ex)
{
  if (ex->terminal)
    {
#ifdef HAVE_READLINE
      ex->reading = TRUE;
      rl_callback_handler_install (PROMPT, on_readline);
      if (ex->stdin_watch == 0)
        ex->stdin_watch = g_unix_fd_add (STDIN_FILENO, G_IO_IN, on_stdin, ex);
      /* Bound once readline has read its inputrc, which the first install does. */
      rl_bind_keyseq ("\\eh", show_hint);
      return;
#endif
    }
  g_data_input_stream_read_line_async (ex->input, G_PRIORITY_DEFAULT, NULL, on_pipe_line, ex);
}

static gboolean
on_signal (gpointer user_data)
{
  end_of_input (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Explore *ex = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_explore_start_finish (SOCKSCOPE_EXPLORE (object), result, &error))
    {
      ex->error = g_steal_pointer (&error);
      g_main_loop_quit (ex->loop);
      return;
    }
  print_events (ex);
  if (ex->terminal)
    say (ex, FALSE, _("A fresh lab is ready. Type :help for help, Tab to complete, Alt-h for a call's arguments."));
  read_next (ex);
}

/* `--from tcp-handshake:6`: the lesson and the step. */
static SockscopeLesson *
parse_from (const char  *from,
            guint       *step,
            GError     **error)
{
  const char *colon = strrchr (from, ':');
  g_autofree char *id = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  guint64 number;
  char *end;

  if (colon == NULL || colon == from || colon[1] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--from takes LESSON:STEP, e.g. tcp-handshake:6, not '%s'"), from);
      return NULL;
    }
  id = g_strndup (from, colon - from);
  number = g_ascii_strtoull (colon + 1, &end, 10);
  if (*end != '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--from takes LESSON:STEP, e.g. tcp-handshake:6, not '%s'"), from);
      return NULL;
    }
  if ((lesson = sockscope_lesson_find (id, error)) == NULL)
    return NULL;
  if (number < 1 || number > sockscope_lesson_get_n_steps (lesson))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--from: %s has steps 1 to %u, not %s"), sockscope_lesson_get_id (lesson),
                   sockscope_lesson_get_n_steps (lesson), colon + 1);
      return NULL;
    }
  *step = (guint) number;
  return g_steal_pointer (&lesson);
}

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Explore *ex = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_explore_stop_finish (SOCKSCOPE_EXPLORE (object), result, &error) && ex->error == NULL &&
      !g_error_matches (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BUSY))
    ex->error = g_steal_pointer (&error);
  g_main_loop_quit (ex->loop);
}

int
sockscope_cli_explore (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = sockscope_cli_option_context ("",
                                                                    _("Make socket calls yourself, one line at a time, in a fresh lab; keep them as a lesson."));
  g_autoptr(GError) error = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *from = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  gboolean json = FALSE;
  guint from_step = 0, sigint, sigterm;
  Explore ex = { 0 };
  int status = SOCKSCOPE_CLI_OK;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Go on from step STEP of LESSON: its steps up to STEP run first"), N_("LESSON:STEP") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the event log as JSON lines"), NULL },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang, N_("Language of the messages and notes: fr or en"), N_("LANG") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
                                    _("Each line is a step, 'ACTOR: call(...)' as in a lesson, or a command:\n"
                                      "  :actor NAME [LABEL]   :calls ACTOR   :undo   :save FILE   :help   :quit\n"
                                      "Lines come from the terminal (line editing, history, Tab completion) or from a pipe.\n"
                                      "Exit status: 0 done; 1 a line was refused or the lab failed;\n"
                                      "2 a wrong command line (unknown command or option, missing argument)."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sockscope-cli explore: %s\n", error->message);
      return SOCKSCOPE_CLI_USAGE;
    }
  if (argc != 1)
    {
      fprintf (stderr, _("Usage: sockscope-cli explore [--from LESSON:STEP] [--json] [--lang fr|en]\n"));
      return SOCKSCOPE_CLI_USAGE;
    }
  if (lang == NULL)
    lang = g_strdup (sockscope_lesson_default_lang ());
  if (!g_str_equal (lang, "fr") && !g_str_equal (lang, "en"))
    {
      fprintf (stderr, _("sockscope-cli explore: --lang is fr or en, not '%s'\n"), lang);
      return SOCKSCOPE_CLI_USAGE;
    }
  sockscope_language_apply (lang);
  if (from != NULL && (lesson = parse_from (from, &from_step, &error)) == NULL)
    {
      fprintf (stderr, "sockscope-cli explore: %s\n", error->message);
      return g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE) ? SOCKSCOPE_CLI_USAGE : SOCKSCOPE_CLI_FAILED;
    }

  ex.loop = g_main_loop_new (NULL, FALSE);
  ex.json = json;
  ex.explore = sockscope_explore_new (lang);
  current = &ex;
#ifdef HAVE_READLINE
  ex.terminal = isatty (STDIN_FILENO) && isatty (STDERR_FILENO);
#endif
  if (ex.terminal)
    {
#ifdef HAVE_READLINE
      rl_readline_name = "sockscope";
      rl_outstream = stderr;
      rl_catch_signals = 0;
      rl_attempted_completion_function = complete;
      rl_completer_word_break_characters = (char *) " \t(),={}|";
      using_history ();
#endif
    }
  else
    {
      g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      ex.input = g_data_input_stream_new (in);
    }
  g_signal_connect (ex.explore, "reset", G_CALLBACK (on_reset), &ex);
  g_signal_connect (ex.explore, "lab-failed", G_CALLBACK (on_lab_failed), &ex);
  attach_log (&ex);

  sigint = g_unix_signal_add (SIGINT, on_signal, &ex);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &ex);
  sockscope_explore_start_async (ex.explore, lesson, from_step, NULL, on_started, &ex);
  g_main_loop_run (ex.loop);

  /* Ctrl-D, :quit, the end of the script, or a signal: the lab settles and quits. A command
   * still running is waited for first. */
  while (sockscope_explore_is_busy (ex.explore))
    g_main_context_iteration (NULL, TRUE);
  sockscope_explore_stop_async (ex.explore, NULL, on_stopped, &ex);
  g_main_loop_run (ex.loop);
  cli_ladder_print_new (ex.ladder, ex.log);
  g_source_remove (sigint);
  g_source_remove (sigterm);
#ifdef HAVE_READLINE
  if (ex.terminal)
    {
      if (ex.reading)
        rl_callback_handler_remove ();
      g_clear_handle_id (&ex.stdin_watch, g_source_remove);
    }
#endif

  if (ex.error != NULL)
    {
      fprintf (stderr, "sockscope-cli explore: %s\n", ex.error->message);
      status = SOCKSCOPE_CLI_FAILED;
    }
  else if (ex.refused > 0)
    status = SOCKSCOPE_CLI_FAILED;

  g_clear_error (&ex.error);
  g_signal_handlers_disconnect_by_data (ex.explore, &ex);
  if (ex.log != NULL)
    g_signal_handlers_disconnect_by_data (ex.log, &ex);
  g_clear_pointer (&ex.ladder, cli_ladder_free);
  g_clear_object (&ex.log);
  g_clear_object (&ex.input);
  g_clear_object (&ex.explore);
  g_main_loop_unref (ex.loop);
  current = NULL;
  return status;
}
