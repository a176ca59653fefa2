/* sockscope-fuzz-session.c: the lesson parser and the session reader on arbitrary bytes. */
#define _GNU_SOURCE
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "sockscope-cli.h"
#include "sockscope-decoder.h"
#include "sockscope-event-log.h"
#include "sockscope-lesson.h"
#include "sockscope-fuzz-session.h"

/* A critical or a warning from GLib or json-glib on some input is a bug of the session layer:
 * print it and abort(), which libFuzzer catches and saves the input for (GLib's own fatal
 * messages raise SIGTRAP, which it does not). While `replay` prints (app/cli) they are not
 * fatal: its criticals on events missing a member are known and reported, not ours to fix here;
 * a crash there still is one. */
static gboolean logs_fatal = TRUE;

static GLogWriterOutput
fatal_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  GLogWriterOutput out = g_log_writer_standard_streams (level, fields, n_fields, user_data);

  if (logs_fatal && level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return out;
}

void
ss_fuzz_session_init (void)
{
  g_log_set_writer_func (fatal_writer, NULL, NULL);
}

void
ss_fuzz_lesson (const uint8_t *data,
                size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_data (text, "fuzz.lesson", &error);

  if (lesson == NULL)
    {
      if (error == NULL || error->message == NULL || *error->message == '\0')
        abort ();   /* a rejected lesson always says why */
      return;
    }
  for (guint i = 0; i < sockscope_lesson_get_n_actors (lesson); i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (lesson, i);
      g_autoptr(GArray) spans = NULL;
      g_autofree char *code = sockscope_lesson_render_c (lesson, actor->name, &spans);

      if (code == NULL || sockscope_lesson_find_actor (lesson, actor->name) != (int) i)
        abort ();
      (void) sockscope_actor_get_label (actor, "fr");
      (void) sockscope_actor_get_label (actor, "en");
    }
  for (guint n = 1; n <= sockscope_lesson_get_n_steps (lesson); n++)
    {
      const SockscopeStep *step = sockscope_lesson_get_step (lesson, n);
      g_autofree char *call = sockscope_step_to_string (step);

      if (step->number != n || sockscope_step_get_text (step, "fr") == NULL || sockscope_step_get_text (step, "en") == NULL)
        abort ();
    }
  (void) sockscope_lesson_get_title (lesson, "fr");
  (void) sockscope_lesson_get_description (lesson, "en");
}

/* `sockscope-cli replay PATH [--json]`, its stdout and stderr thrown away (a crash report
 * there goes too, but libFuzzer still saves the input, and the regression test shows it). */
static void
replay (const char *path,
        gboolean    json)
{
  char *argv[] = { (char *) "replay", (char *) path, (char *) "--json", NULL };
  int saved_out, saved_err, devnull;

  fflush (stdout);
  fflush (stderr);
  saved_out = dup (STDOUT_FILENO);
  saved_err = dup (STDERR_FILENO);
  devnull = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved_out < 0 || saved_err < 0 || devnull < 0 ||
      dup2 (devnull, STDOUT_FILENO) < 0 || dup2 (devnull, STDERR_FILENO) < 0)
    abort ();
  close (devnull);
  logs_fatal = FALSE;
  (void) sockscope_cli_replay (json ? 3 : 2, argv);
  logs_fatal = TRUE;
  fflush (stdout);
  fflush (stderr);
  dup2 (saved_out, STDOUT_FILENO);
  dup2 (saved_err, STDERR_FILENO);
  close (saved_out);
  close (saved_err);
}

/* The packet list reads members straight from the line (sockscope_event_log_get_string and
 * _get_int): they must give what json-glib gives, for every member it reads. */
static void
check_members (SockscopeEventLog *log,
               guint              position,
               JsonObject        *event)
{
  static const char * const paths[] = {
    "n", "cause", "origlen", "cause_text", "type", "pkt.src", "pkt.dst", "pkt.sport", "pkt.dport",
    "pkt.proto", "pkt.flags", "pkt.summary", "nothing", "pkt.nothing",
  };

  for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
    {
      const char *dot = strchr (paths[p], '.');
      g_autofree char *outer = dot ? g_strndup (paths[p], dot - paths[p]) : NULL;
      JsonObject *object = event;
      JsonNode *node;
      g_autofree char *text = sockscope_event_log_get_string (log, position, paths[p]);
      gint64 value = 0;
      gboolean has_int = sockscope_event_log_get_int (log, position, paths[p], &value);

      if (outer != NULL)
        {
          node = json_object_get_member (event, outer);
          object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
        }
      node = object != NULL ? json_object_get_member (object, dot ? dot + 1 : paths[p]) : NULL;
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          if (text == NULL || strcmp (text, json_node_get_string (node)) != 0 || has_int)
            abort ();
        }
      else if (text != NULL)
        abort ();
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        {
          if (!has_int || value != json_node_get_int (node))
            abort ();
        }
      else if (has_int)
        abort ();
    }
}

void
ss_fuzz_session (const uint8_t *data,
                 size_t         size)
{
  g_autoptr(SockscopeEventLog) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *path = NULL;
  int fd = memfd_create ("fuzz.sockscope", MFD_CLOEXEC);
  size_t done = 0;

  if (fd < 0)
    abort ();
  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);

      if (n <= 0)
        abort ();
      done += n;
    }
  path = g_strdup_printf ("/proc/self/fd/%d", fd);

  log = sockscope_event_log_load (path, &warning, &error);
  /* the app and replay print the warning (a cut last line); the fuzzer would print it for most
   * inputs, so only check it says something */
  if (warning != NULL && *warning == '\0')
    abort ();
  if (log == NULL)
    {
      if (error == NULL || *error->message == '\0')
        abort ();
      close (fd);
      return;
    }
  (void) sockscope_event_log_get_lesson_id (log);
  (void) sockscope_event_log_get_lang (log);
  for (guint i = 0; i < sockscope_event_log_get_n_events (log); i++)
    {
      g_autoptr(JsonObject) event = sockscope_event_log_parse (log, i);
      const char *line = sockscope_event_log_get_line (log, i);
      gsize len = 0;

      if (event == NULL || line == NULL)
        abort ();
      (void) sockscope_event_log_get_step (log, i);
      check_members (log, i, event);
      if (sockscope_event_log_get_event_type (log, i) == SOCKSCOPE_EVENT_PACKET)
        {
          /* what the packets pane does with a packet event: decode its raw bytes as its
           * linktype says (sockscope-packets-pane.c, sockscope-packet-detail.c) */
          g_autofree guchar *bytes = g_base64_decode (json_object_get_string_member_with_default (event, "raw", ""), &len);
          guint linktype = (guint) json_object_get_int_member_with_default (event, "linktype", 1);
          SsField fields[256];
          SsDecodeResult res;

          ss_packet_decode (linktype, bytes, len, len, fields, G_N_ELEMENTS (fields), &res);
        }
    }
  {
    g_autoptr(GError) export_error = NULL;

    if (!sockscope_event_log_export_pcapng (log, "/dev/null", &export_error) && export_error == NULL)
      abort ();
  }
  replay (path, FALSE);
  replay (path, TRUE);
  close (fd);
}
