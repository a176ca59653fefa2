/* cli-run.c: `sockscope-cli run` (a lesson in a fresh lab) and `sockscope-cli replay` (a saved
 * session). Both print the same projection of the event log: its JSON lines, or a text ladder
 * with one column per actor. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "cli-ladder.h"
#include "sockscope-cli.h"
#include "sockscope-error.h"
#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"
#include "sockscope-language.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-question.h"
#include "sockscope-runner.h"

typedef struct
{
  guint           step;
  char          **choices;
  char           *answer;          /* the chosen choice, NULL when not asked */
  SockscopeGrade *grade;
  char           *pending_reason;  /* why it could not be graded */
  gboolean        done;
} Question;

typedef struct
{
  GMainLoop          *loop;
  SockscopeLesson    *lesson;
  SockscopeEventLog  *log;
  SockscopeLabClient *client;
  SockscopeRunner    *runner;
  GDataInputStream   *input;
  CliLadder          *ladder;
  guint               until;
  gboolean            interactive;
  gboolean            stopping;
  char               *lang;
  char              **answers;     /* --answers: choice numbers, in question order */
  guint               n_answered;
  GPtrArray          *questions;   /* Question, in step order */
  Question           *asking;      /* waiting for the learner's choice on stdin */
  Question           *wire_asking; /* the question asked again once a `wire` line is done */
  GError             *error;
} Run;

static void
question_free (Question *q)
{
  g_strfreev (q->choices);
  g_free (q->answer);
  sockscope_grade_free (q->grade);
  g_free (q);
}

/* The question of the step about to run, shown before it runs. */
static void
print_question (Run      *run,
                Question *q)
{
  const SockscopeStep *step = sockscope_lesson_get_step (run->lesson, q->step);
  g_autofree char *call = sockscope_step_to_string (step);

  g_autofree char *title = g_strdup_printf (_("Question, step %u/%u, %s: %s"), step->number,
                                            sockscope_lesson_get_n_steps (run->lesson), step->actor, call);

  cli_ladder_print_prompt (run->ladder, title);
  cli_ladder_print_prompt (run->ladder, sockscope_question_get_prompt (step->ask));
  for (guint i = 0; q->choices[i]; i++)
    {
      g_autofree char *choice = g_strdup_printf ("  %u. %s", i + 1, q->choices[i]);

      cli_ladder_print_prompt (run->ladder, choice);
    }
}

/* Prints a graded question: a line of the ladder, or a JSON line among the events. */
static void
print_grade (Run      *run,
             Question *q)
{
  const SockscopeStep *step = sockscope_lesson_get_step (run->lesson, q->step);

  if (cli_ladder_is_json (run->ladder))
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "question");
      json_builder_set_member_name (b, "step");
      json_builder_add_int_value (b, q->step);
      json_builder_set_member_name (b, "ask");
      json_builder_add_string_value (b, sockscope_ask_to_string (step->ask));
      json_builder_set_member_name (b, "prompt");
      json_builder_add_string_value (b, sockscope_question_get_prompt (step->ask));
      json_builder_set_member_name (b, "choices");
      json_builder_begin_array (b);
      for (guint i = 0; q->choices[i]; i++)
        json_builder_add_string_value (b, q->choices[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "asked");
      json_builder_add_boolean_value (b, q->answer != NULL);
      json_builder_set_member_name (b, "answer");
      if (q->answer != NULL)
        json_builder_add_string_value (b, q->answer);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "actual");
      if (q->grade != NULL)
        json_builder_add_string_value (b, q->grade->actual);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "correct");
      if (q->grade != NULL && q->answer != NULL)
        json_builder_add_boolean_value (b, q->grade->correct);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "explanation");
      json_builder_add_string_value (b, q->grade ? q->grade->explanation : q->pending_reason);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, sockscope_step_get_text (step, run->lang));
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else if (q->answer != NULL)
    {
      g_autofree char *prefix = NULL;

      if (q->grade == NULL)
        prefix = g_strdup_printf (_("[question %u] unanswered by the run:"), q->step);
      else if (q->grade->correct)
        prefix = g_strdup_printf (_("[question %u] ✓ right, %s:"), q->step, q->grade->actual);
      else
        prefix = g_strdup_printf (_("[question %u] ✗ you said %s, the kernel says %s:"), q->step, q->answer, q->grade->actual);
      printf ("\n");
      cli_ladder_print_wrapped (run->ladder, prefix, q->grade ? q->grade->explanation : q->pending_reason);
    }
  fflush (stdout);
}

/* Grades the questions whose answer the log now holds; @final grades the rest as unknown. */
static void
grade_questions (Run      *run,
                 gboolean  final)
{
  for (guint i = 0; i < run->questions->len; i++)
    {
      Question *q = g_ptr_array_index (run->questions, i);
      const SockscopeStep *step = sockscope_lesson_get_step (run->lesson, q->step);
      g_autoptr(GError) error = NULL;

      if (q->done || q->step > sockscope_runner_get_position (run->runner))
        continue;
      q->grade = sockscope_question_grade (run->lesson, step, run->log, q->answer, run->lang, &error);
      if (q->grade == NULL && !final)
        continue;
      if (q->grade == NULL)
        q->pending_reason = g_strdup (error->message);
      q->done = TRUE;
      print_grade (run, q);
    }
}

static void advance (Run *run);
static gboolean try_wire (Run        *run,
                          const char *line,
                          Question   *q);

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_runner_stop_finish (SOCKSCOPE_RUNNER (object), result, &error) && run->error == NULL)
    run->error = g_steal_pointer (&error);
  cli_ladder_print_new (run->ladder, run->log);
  grade_questions (run, TRUE);
  g_main_loop_quit (run->loop);
}

static void
stop (Run    *run,
      GError *error)
{
  if (error != NULL && run->error == NULL)
    run->error = error;
  else if (error != NULL)
    g_error_free (error);
  if (run->stopping)
    return;
  run->stopping = TRUE;
  sockscope_runner_stop_async (run->runner, NULL, on_stopped, run);
}

static void
on_step_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  if (!sockscope_runner_next_finish (SOCKSCOPE_RUNNER (object), result, &error))
    stop (run, error);
  else
    {
      grade_questions (run, FALSE);
      advance (run);
    }
}

static void
on_enter (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Run *run = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, NULL);

  /* End of input (Ctrl-D) ends the run like its last step would. */
  if (line == NULL)
    stop (run, NULL);
  else if (!try_wire (run, line, NULL))
    sockscope_runner_next_async (run->runner, NULL, on_step_done, run);
}

static void ask_question (Run      *run,
                          Question *q);
static void on_answer (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
advance (Run *run)
{
  guint position = sockscope_runner_get_position (run->runner);
  const SockscopeStep *step;
  g_autofree char *call = NULL;
  g_autofree char *prompt = NULL;

  if (run->stopping)
    return;
  if (sockscope_runner_is_done (run->runner) || position >= run->until)
    {
      stop (run, NULL);
      return;
    }
  step = sockscope_lesson_get_step (run->lesson, position + 1);
  if (step->ask != SOCKSCOPE_ASK_NONE)
    {
      Question *q = g_new0 (Question, 1);

      q->step = step->number;
      q->choices = sockscope_question_get_choices (run->lesson, step, run->log);
      g_ptr_array_add (run->questions, q);
      if (run->answers != NULL || run->interactive)
        {
          ask_question (run, q);
          return;
        }
    }
  if (!run->interactive)
    {
      sockscope_runner_next_async (run->runner, NULL, on_step_done, run);
      return;
    }
  call = sockscope_step_to_string (step);
  if (sockscope_lesson_has_hosts (run->lesson))
    prompt = g_strdup_printf (_("Step %u/%u, %s: %s. Press Enter to run it, or type wire RULES to change the wire (Ctrl-D stops)."),
                              step->number, sockscope_lesson_get_n_steps (run->lesson), step->actor, call);
  else
    prompt = g_strdup_printf (_("Step %u/%u, %s: %s. Press Enter to run it (Ctrl-D stops)."),
                              step->number, sockscope_lesson_get_n_steps (run->lesson), step->actor, call);
  cli_ladder_print_prompt (run->ladder, prompt);
  g_data_input_stream_read_line_async (run->input, G_PRIORITY_DEFAULT, NULL, on_enter, run);
}

/* Takes the learner's choice (a number), then runs the step. */
static gboolean
take_answer (Run        *run,
             Question   *q,
             const char *text)
{
  guint n = g_strv_length (q->choices);
  guint64 choice;
  char *end;

  g_strstrip ((char *) text);
  choice = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || choice < 1 || choice > n)
    return FALSE;
  q->answer = g_strdup (q->choices[choice - 1]);
  sockscope_runner_next_async (run->runner, NULL, on_step_done, run);
  return TRUE;
}

static void
on_answer (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;
  Question *q = g_steal_pointer (&run->asking);
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, NULL);

  if (line == NULL)
    stop (run, NULL);
  else if (try_wire (run, line, q))
    ;
  else if (!take_answer (run, q, line))
    {
      fprintf (stderr, _("Answer with a number from 1 to %u.\n"), g_strv_length (q->choices));
      run->asking = q;
      g_data_input_stream_read_line_async (run->input, G_PRIORITY_DEFAULT, NULL, on_answer, run);
    }
}

/* After a `wire` line: the same prompt again, the step's or its question's. */
static void
wire_done (Run      *run,
           Question *q)
{
  if (run->stopping)
    return;
  if (q == NULL)
    {
      advance (run);
      return;
    }
  print_question (run, q);
  run->asking = q;
  g_data_input_stream_read_line_async (run->input, G_PRIORITY_DEFAULT, NULL, on_answer, run);
}

static void
on_wire_sent (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Run *run = user_data;
  Question *q = g_steal_pointer (&run->wire_asking);
  g_autoptr(GError) error = NULL;

  if (!sockscope_lab_client_wire_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    fprintf (stderr, "wire: %s\n", error->message);
  wire_done (run, q);
}

/* `wire RULES` typed at a prompt of --interactive changes the wire from the next step on;
 * TRUE when @line is one (done or refused with one message), FALSE for any other line. */
static gboolean
try_wire (Run        *run,
          const char *line,
          Question   *q)
{
  g_autofree char *text = g_strstrip (g_strdup (line));
  g_autofree char *message = NULL;
  const char *spec;

  if (!g_str_has_prefix (text, "wire") || (text[4] != '\0' && !g_ascii_isspace (text[4])))
    return FALSE;
  spec = g_strstrip (text + 4);
  if (!sockscope_lesson_has_hosts (run->lesson))
    {
      fprintf (stderr, _("wire: the lesson %s runs on one host: there is no wire to change\n"),
               sockscope_lesson_get_id (run->lesson));
      wire_done (run, q);
      return TRUE;
    }
  if (!sockscope_wire_spec_check (spec, &message))
    {
      fprintf (stderr, "wire: %s\n", message);
      wire_done (run, q);
      return TRUE;
    }
  run->wire_asking = q;
  sockscope_lab_client_wire_async (run->client, spec, sockscope_runner_get_position (run->runner) + 1,
                                   NULL, on_wire_sent, run);
  return TRUE;
}

static void
ask_question (Run      *run,
              Question *q)
{
  if (run->answers != NULL)
    {
      const char *given = run->answers[run->n_answered];

      if (given == NULL)
        {
          stop (run, g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                                  _("--answers has %u answers, but step %u asks another question"),
                                  run->n_answered, q->step));
          return;
        }
      run->n_answered++;
      if (run->interactive)
        print_question (run, q);
      if (!take_answer (run, q, given))
        stop (run, g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                                _("--answers: '%s' is not a choice of the question of step %u (1 to %u)"),
                                given, q->step, g_strv_length (q->choices)));
      return;
    }
  print_question (run, q);
  run->asking = q;
  g_data_input_stream_read_line_async (run->input, G_PRIORITY_DEFAULT, NULL, on_answer, run);
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Run *run = user_data;
  GError *error = NULL;

  if (!sockscope_runner_start_finish (SOCKSCOPE_RUNNER (object), result, &error))
    stop (run, error);
  else
    advance (run);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Run        *run)
{
  cli_ladder_print_new (run->ladder, SOCKSCOPE_EVENT_LOG (model));
}

static gboolean
on_signal (gpointer user_data)
{
  Run *run = user_data;

  stop (run, g_error_new_literal (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_CRASHED, _("interrupted")));
  return G_SOURCE_CONTINUE;
}

int
sockscope_cli_run (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = sockscope_cli_option_context ("LESSON",
                                                                    _("Run a lesson in a fresh lab and print what happens, step by step."));
  g_autoptr(GError) error = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *pcapng = NULL;
  g_autofree char *session = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  gboolean json = FALSE, interactive = FALSE;
  g_autofree char *answers = NULL;
  g_autofree char *wire = NULL;
  g_autofree char *wire_message = NULL;
  int until = 0;
  guint sigint, sigterm;
  Run run = { 0 };
  int status = 0;
  const GOptionEntry entries[] = {
    { "until", 0, 0, G_OPTION_ARG_INT, &until, N_("Stop after step STEP"), N_("STEP") },
    { "interactive", 0, 0, G_OPTION_ARG_NONE, &interactive, N_("Wait for Enter before each step, and ask the lesson's questions"), NULL },
    { "answers", 0, 0, G_OPTION_ARG_STRING, &answers, N_("Answer the lesson's questions with these choices, in order"), N_("1,2,...") },
    { "wire", 0, 0, G_OPTION_ARG_STRING, &wire, N_("Break the wire between the two hosts with these rules instead of the lesson's, e.g. loss=20%,delay=50ms,seed=7"), N_("RULES") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the event log as JSON lines"), NULL },
    { "pcapng", 0, 0, G_OPTION_ARG_FILENAME, &pcapng, N_("Write the packets to FILE (pcapng)"), N_("FILE") },
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &session, N_("Record the session to FILE"), N_("FILE") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang, N_("Language of the explanations: fr or en"), N_("LANG") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sockscope-cli run: %s\n", error->message);
      return 2;
    }
  if (argc != 2)
    {
      fprintf (stderr, _("Usage: sockscope-cli run LESSON [--until STEP] [--interactive] [--answers 1,2,...] [--wire RULES] [--json] [--pcapng FILE] [--session FILE] [--lang fr|en]\n"));
      return 2;
    }
  if (lang == NULL)
    lang = g_strdup (sockscope_lesson_default_lang ());
  if (!g_str_equal (lang, "fr") && !g_str_equal (lang, "en"))
    {
      fprintf (stderr, _("sockscope-cli run: --lang is fr or en, not '%s'\n"), lang);
      return 2;
    }
  /* One language at a time: the interface speaks the lesson's. */
  sockscope_language_apply (lang);
  if ((lesson = sockscope_lesson_find (argv[1], &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (until < 0 || (guint) until > sockscope_lesson_get_n_steps (lesson))
    {
      fprintf (stderr, _("sockscope-cli run: --until takes a step from 1 to %u\n"), sockscope_lesson_get_n_steps (lesson));
      return 2;
    }
  if (wire != NULL && !sockscope_wire_spec_check (wire, &wire_message))
    {
      fprintf (stderr, "sockscope-cli run: --wire: %s\n", wire_message);
      return 2;
    }
  if (wire != NULL && !sockscope_lesson_has_hosts (lesson))
    {
      fprintf (stderr, _("sockscope-cli run: --wire: the lesson %s runs on one host, with no wire to break; hint: a lesson of two hosts puts its actors on them with 'host: a' and 'host: b', like udp-loss\n"),
               sockscope_lesson_get_id (lesson));
      return 2;
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  run.lesson = lesson;
  run.log = sockscope_event_log_new ();
  run.client = sockscope_lab_client_new ();
  run.runner = sockscope_runner_new (lesson, run.client, run.log, lang);
  if (wire != NULL)
    sockscope_runner_set_wire (run.runner, wire);
  run.until = until > 0 ? (guint) until : G_MAXUINT;
  run.interactive = interactive;
  run.lang = lang;
  run.questions = g_ptr_array_new_with_free_func ((GDestroyNotify) question_free);
  if (answers != NULL)
    run.answers = g_strsplit (answers, ",", -1);
  if (interactive)
    run.input = g_data_input_stream_new (g_unix_input_stream_new (STDIN_FILENO, FALSE));
  run.ladder = cli_ladder_new (lesson, json);
  g_signal_connect (run.log, "items-changed", G_CALLBACK (on_items_changed), &run);

  if (session != NULL &&
      !sockscope_event_log_record_to (run.log, session, lesson, lang, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      status = 1;
    }
  else
    {
      sigint = g_unix_signal_add (SIGINT, on_signal, &run);
      sigterm = g_unix_signal_add (SIGTERM, on_signal, &run);
      sockscope_runner_start_async (run.runner, NULL, on_started, &run);
      g_main_loop_run (run.loop);
      g_source_remove (sigint);
      g_source_remove (sigterm);

      if (!sockscope_event_log_stop_recording (run.log, run.error ? NULL : &run.error))
        status = 1;
      if (pcapng != NULL && run.error == NULL)
        sockscope_event_log_export_pcapng (run.log, pcapng, &run.error);
      if (run.error != NULL)
        {
          fprintf (stderr, "sockscope-cli: %s\n", run.error->message);
          status = 1;
        }
    }

  g_clear_error (&run.error);
  g_clear_pointer (&run.ladder, cli_ladder_free);
  g_clear_object (&run.input);
  g_ptr_array_unref (run.questions);
  g_strfreev (run.answers);
  g_clear_object (&run.runner);
  g_clear_object (&run.client);
  g_clear_object (&run.log);
  g_main_loop_unref (run.loop);
  return status;
}

int
sockscope_cli_replay (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = sockscope_cli_option_context ("SESSION", _("Print a recorded session, as run prints a run."));
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeEventLog) log = NULL;
  g_autofree char *warning = NULL;
  gboolean json = FALSE;
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autoptr(CliLadder) ladder = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the event log as JSON lines"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sockscope-cli replay: %s\n", error->message);
      return 2;
    }
  if (argc != 2)
    {
      fprintf (stderr, _("Usage: sockscope-cli replay SESSION [--json]\n"));
      return 2;
    }
  if ((log = sockscope_event_log_load (argv[1], &warning, &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (warning != NULL)
    fprintf (stderr, "%s\n", warning);
  /* One language at a time: the interface speaks the one the session was recorded in. */
  sockscope_language_apply (sockscope_event_log_get_lang (log));
  /* The ladder draws the lesson's actors as lifelines: JSON lines need no lesson, nor a session of
   * traced programs (sockscope-cli trace: lesson "trace", no lesson text), whose columns come as
   * its actors appear. */
  if (!json && !(g_strcmp0 (sockscope_event_log_get_lesson_id (log), "trace") == 0 &&
                 sockscope_event_log_get_lesson_text (log) == NULL) &&
      (lesson = sockscope_lesson_for_session (log, argv[1], &error)) == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  ladder = cli_ladder_new (lesson, json);
  cli_ladder_print_new (ladder, log);
  return 0;
}
