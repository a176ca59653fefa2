/* cli-trace.c: `sockscope-cli trace`: the learner's own programs run in a fresh lab under its
 * tracer (app/lab/sockscope-trace.c), their socket calls, packets and socket states printed as
 * they happen, as JSON lines or as the ladder `run` prints (cli-ladder.c), a column per actor.
 *
 * Programs start in the order given: each one when the one before it is blocked in a call,
 * waits before a call (step mode), has exited, or has been idle for 200 ms.  The first program
 * reads the CLI's standard input.  The trace ends when every program has exited, or when the
 * last one given has exited and the lab has been quiet for a second (a server still waiting in
 * accept is stopped then), or on Ctrl-C. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "cli-ladder.h"
#include "sockscope-cli.h"
#include "sockscope-error.h"
#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson.h"

#define IDLE_US        (200 * G_TIME_SPAN_MILLISECOND)   /* a program idle this long: start the next */
#define END_QUIET_US   G_TIME_SPAN_SECOND                /* after the last program's exit */
#define STEP_QUIET_US  (20 * G_TIME_SPAN_MILLISECOND)    /* --step: let the next call go */

typedef struct
{
  GMainLoop          *loop;
  SockscopeLabClient *client;
  SockscopeEventLog  *log;
  GPtrArray          *programs;      /* GStrv, the argv of each --run */
  GPtrArray          *hosts_of;      /* "a", "b" or NULL: the host of each program (--hosts) */
  gboolean            two_hosts;     /* --hosts: hosts a and b joined by the wire */
  char               *host_names[2]; /* their names (NULL: alice, bob) */
  char               *wire;          /* --wire: the wire's rules */
  guint               n_started;     /* programs asked for */
  guint               stdin_to;      /* the program (from 1) that reads standard input */
  gboolean            starting;      /* a trace command waits for its reply */
  const char         *last_actor;    /* the actor of the program started last */
  /* actor names, interned (as the log keeps them): pointers compared, not strings */
  GHashTable         *alive;         /* actor names alive */
  GHashTable         *busy;          /* actor name → 1 blocked, 2 held: waits */
  GHashTable         *held_seq;      /* actor name → the seq of the call it is held before */
  GPtrArray          *order;         /* actor names, in the order they appeared */
  guint               n_seen;        /* events of the log handled */
  GString            *session_lines; /* the lines of a read, for the session file */
  guint               n_held;
  gboolean            stepping, interactive, next_pending, stopping;
  gboolean            source;        /* --source: each call names its line of the program's source */
  gboolean            last_exited;
  gint64              last_event;
  int                 tty;
  GDataInputStream   *tty_input;
  gboolean            asking;
  int                 session_fd;
  guint               timer;
  CliLadder          *ladder;        /* the ladder (or JSON lines), columns added as actors appear */
  GError             *error;
} Trace;

static void quit_lab (Trace *tr);

static void
finish (Trace  *tr,
        GError *error)
{
  if (error != NULL && tr->error == NULL)
    tr->error = error;
  else
    g_clear_error (&error);
  quit_lab (tr);
}

static void
on_quit (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Trace *tr = user_data;

  sockscope_lab_client_quit_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);
  g_main_loop_quit (tr->loop);
}

static void
quit_lab (Trace *tr)
{
  if (tr->stopping)
    return;
  tr->stopping = TRUE;
  sockscope_lab_client_quit_async (tr->client, NULL, on_quit, tr);
}

static JsonObject *
command (const char *name)
{
  JsonObject *cmd = json_object_new ();

  json_object_set_string_member (cmd, "cmd", name);
  return cmd;
}

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Trace *tr = user_data;
  g_autoptr(JsonObject) reply = sockscope_lab_client_command_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);

  tr->stopping = FALSE;
  quit_lab (tr);
}

/* Kill what is left (the lab logs each end), then quit. */
static void
stop_all (Trace *tr)
{
  g_autoptr(JsonObject) cmd = command ("stop");

  if (tr->stopping)
    return;
  tr->stopping = TRUE;
  sockscope_lab_client_command_async (tr->client, cmd, NULL, on_stopped, tr);
}

static void start_next (Trace *tr);

static void
on_trace_reply (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Trace *tr = user_data;
  GError *error = NULL;
  g_autoptr(JsonObject) reply = sockscope_lab_client_command_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error);

  tr->starting = FALSE;
  if (reply == NULL)
    {
      finish (tr, error);
      return;
    }
  tr->last_actor = g_intern_string (json_object_get_string_member_with_default (reply, "actor", ""));
  tr->last_event = g_get_monotonic_time ();
}

static void
start_next (Trace *tr)
{
  g_autoptr(JsonObject) cmd = command ("trace");
  g_autofree char *cwd = g_get_current_dir ();
  char **argv = g_ptr_array_index (tr->programs, tr->n_started);
  JsonArray *args = json_array_new ();

  for (guint i = 0; argv[i] != NULL; i++)
    json_array_add_string_element (args, argv[i]);
  json_object_set_array_member (cmd, "argv", args);
  json_object_set_string_member (cmd, "cwd", cwd);
  json_object_set_boolean_member (cmd, "stdin", tr->n_started + 1 == tr->stdin_to);
  json_object_set_string_member (cmd, "mode", tr->stepping ? "step" : "run");
  if (g_ptr_array_index (tr->hosts_of, tr->n_started) != NULL)
    json_object_set_string_member (cmd, "host", g_ptr_array_index (tr->hosts_of, tr->n_started));
  if (tr->source)
    json_object_set_boolean_member (cmd, "source", TRUE);
  tr->n_started++;
  tr->starting = TRUE;
  tr->last_exited = FALSE;
  sockscope_lab_client_command_async (tr->client, cmd, NULL, on_trace_reply, tr);
}

static void
on_next_reply (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Trace *tr = user_data;
  g_autoptr(JsonObject) reply = sockscope_lab_client_command_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);

  tr->next_pending = FALSE;
  if (reply != NULL)
    {
      const char *actor = g_intern_string (json_object_get_string_member_with_default (reply, "actor", ""));
      gint64 call_seq = json_object_get_int_member_with_default (reply, "call_seq", 0);

      /* The events that follow the reply in the lab's stream may be read first (the client
       * hands over the lines of a read in one go): the call let go may have returned already,
       * and the actor be held before its next call, which still waits. */
      if (g_hash_table_lookup (tr->busy, actor) == GINT_TO_POINTER (2) &&
          GPOINTER_TO_SIZE (g_hash_table_lookup (tr->held_seq, actor)) == (gsize) call_seq)
        {
          g_hash_table_remove (tr->busy, actor);
          tr->n_held--;
        }
    }
}

static void
send_next (Trace      *tr,
           const char *actor)
{
  g_autoptr(JsonObject) cmd = command ("next");

  if (actor != NULL && *actor != '\0')
    json_object_set_string_member (cmd, "actor", actor);
  tr->next_pending = TRUE;
  sockscope_lab_client_command_async (tr->client, cmd, NULL, on_next_reply, tr);
}

static void
on_tty_line (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Trace *tr = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, NULL);

  tr->asking = FALSE;
  if (line == NULL)
    {
      stop_all (tr);
      return;
    }
  if (!tr->stopping)
    send_next (tr, g_strstrip (line));
}

/* The events of a read, appended to the log by the lab client (one items-changed for all). */
static void
on_events (GListModel *model,
           guint       position,
           guint       removed,
           guint       added,
           Trace      *tr)
{
  guint n = sockscope_event_log_get_n_events (tr->log);

  tr->last_event = g_get_monotonic_time ();
  if (tr->session_fd >= 0)
    {
      ssize_t w;

      g_string_truncate (tr->session_lines, 0);
      for (guint i = tr->n_seen; i < n; i++)
        {
          g_string_append (tr->session_lines, sockscope_event_log_get_line (tr->log, i));
          g_string_append_c (tr->session_lines, '\n');
        }
      w = write (tr->session_fd, tr->session_lines->str, tr->session_lines->len);
      (void) w;
    }
  for (; tr->n_seen < n; tr->n_seen++)
    {
      guint i = tr->n_seen;
      SockscopeEventType type = sockscope_event_log_get_event_type (tr->log, i);
      const char *actor = sockscope_event_log_get_actor (tr->log, i);
      gpointer busy;

      if (actor == NULL)
        actor = g_intern_static_string ("");
      switch (type)
        {
        case SOCKSCOPE_EVENT_ACTOR:
          g_hash_table_add (tr->alive, (gpointer) actor);
          g_ptr_array_add (tr->order, (gpointer) actor);
          break;
        case SOCKSCOPE_EVENT_CALL:
          /* "held": only in step mode */
          if (tr->stepping)
            {
              g_autoptr(JsonObject) ev = sockscope_event_log_parse (tr->log, i);

              if (json_object_get_boolean_member_with_default (ev, "held", FALSE))
                {
                  g_hash_table_replace (tr->busy, (gpointer) actor, GINT_TO_POINTER (2));
                  g_hash_table_replace (tr->held_seq, (gpointer) actor,
                                        GSIZE_TO_POINTER ((gsize) json_object_get_int_member_with_default (ev, "seq", 0)));
                  tr->n_held++;
                }
            }
          break;
        case SOCKSCOPE_EVENT_BLOCKED:
        case SOCKSCOPE_EVENT_RETURN:
          busy = g_hash_table_lookup (tr->busy, actor);
          /* a held call let go that blocks or returns before the reply to its `next` is read */
          if (busy == GINT_TO_POINTER (2))
            tr->n_held--;
          if (type == SOCKSCOPE_EVENT_BLOCKED)
            g_hash_table_replace (tr->busy, (gpointer) actor, GINT_TO_POINTER (1));
          else if (busy != NULL)
            g_hash_table_remove (tr->busy, actor);
          break;
        case SOCKSCOPE_EVENT_OTHER:
          {
            g_autofree char *name = sockscope_event_log_get_string (tr->log, i, "type");

            if (g_strcmp0 (name, "exit") != 0)
              break;
            if (g_hash_table_lookup (tr->busy, actor) == GINT_TO_POINTER (2))
              tr->n_held--;
            g_hash_table_remove (tr->busy, actor);
            g_hash_table_remove (tr->alive, actor);
            if (actor == tr->last_actor)
              tr->last_exited = TRUE;
          }
          break;
        default:
          break;
        }
    }
  /* one write for all the events of a read, not one each (a free-running program makes tens
   * of thousands a second) */
  cli_ladder_print_new (tr->ladder, tr->log);
}

static gboolean
on_tick (gpointer user_data)
{
  Trace *tr = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean quiet = now - tr->last_event >= IDLE_US;

  if (tr->stopping || tr->starting)
    return G_SOURCE_CONTINUE;
  /* the program started last waits, has exited or is idle: start the next one */
  if (tr->n_started < tr->programs->len &&
      (tr->last_exited || quiet || g_hash_table_contains (tr->busy, tr->last_actor)))
    {
      start_next (tr);
      return G_SOURCE_CONTINUE;
    }
  if (tr->n_started < tr->programs->len)
    return G_SOURCE_CONTINUE;
  if (g_hash_table_size (tr->alive) == 0)
    {
      quit_lab (tr);
      return G_SOURCE_CONTINUE;
    }
  if (tr->last_exited && now - tr->last_event >= END_QUIET_US && !tr->asking)
    {
      stop_all (tr);
      return G_SOURCE_CONTINUE;
    }
  if (tr->n_held > 0 && !tr->next_pending)
    {
      if (tr->interactive && !tr->asking && now - tr->last_event >= STEP_QUIET_US)
        {
          cli_ladder_print_prompt (tr->ladder, _("Enter: let the oldest waiting call go (or type an actor's name); Ctrl-D stops."));
          tr->asking = TRUE;
          g_data_input_stream_read_line_async (tr->tty_input, G_PRIORITY_DEFAULT, NULL, on_tty_line, tr);
        }
      else if (!tr->interactive && now - tr->last_event >= STEP_QUIET_US)
        {
          /* the program started first goes first: a server reaches its accept before its
           * client connects, as when a learner starts them one after the other */
          for (guint i = 0; i < tr->order->len; i++)
            if (g_hash_table_lookup (tr->busy, g_ptr_array_index (tr->order, i)) == GINT_TO_POINTER (2))
              {
                send_next (tr, g_ptr_array_index (tr->order, i));
                break;
              }
        }
    }
  return G_SOURCE_CONTINUE;
}

/* The lab is ready (its hosts and wire too): the first program starts. */
static void
begin (Trace *tr)
{
  start_next (tr);
  tr->timer = g_timeout_add (10, on_tick, tr);
}

static void
on_wire (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Trace *tr = user_data;
  GError *error = NULL;

  if (!sockscope_lab_client_wire_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    {
      finish (tr, error);
      return;
    }
  begin (tr);
}

static void
on_hosts (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Trace *tr = user_data;
  GError *error = NULL;

  if (!sockscope_lab_client_hosts_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    {
      finish (tr, error);
      return;
    }
  if (tr->wire != NULL)
    sockscope_lab_client_wire_async (tr->client, tr->wire, 0, NULL, on_wire, tr);
  else
    begin (tr);
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Trace *tr = user_data;
  GError *error = NULL;
  int prio;

  if (!sockscope_lab_client_start_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    {
      tr->error = error;
      g_main_loop_quit (tr->loop);
      return;
    }
  /* The lab (started at our priority) and the programs it traces go first: on a busy machine,
   * every stop of a traced call waits for the lab, while these events can wait in its socket.
   * A free run of 10,000 echo round trips took 30 % less time on a loaded two-core machine. */
  errno = 0;
  prio = getpriority (PRIO_PROCESS, 0);
  if (errno == 0)
    setpriority (PRIO_PROCESS, 0, MIN (prio + 5, 19));
  if (tr->two_hosts)
    sockscope_lab_client_hosts_async (tr->client, tr->host_names[0], tr->host_names[1], NULL, on_hosts, tr);
  else
    begin (tr);
}

static void
on_failed (SockscopeLabClient *client,
           GError             *error,
           Trace              *tr)
{
  if (tr->error == NULL)
    tr->error = g_error_copy (error);
  g_main_loop_quit (tr->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  Trace *tr = user_data;

  stop_all (tr);
  return G_SOURCE_CONTINUE;
}

/* --hosts[=A,B]: an optional value, through a callback */
static gboolean hosts_given;
static char    *hosts_value;

static gboolean
on_hosts_option (const char  *option_name,
                 const char  *value,
                 gpointer     data,
                 GError     **error)
{
  hosts_given = TRUE;
  g_free (hosts_value);
  hosts_value = g_strdup (value);
  return TRUE;
}

static void
free_hosts (Trace *tr)
{
  g_clear_pointer (&tr->hosts_of, g_ptr_array_unref);
  g_clear_pointer (&tr->host_names[0], g_free);
  g_clear_pointer (&tr->host_names[1], g_free);
  g_clear_pointer (&hosts_value, g_free);
}

/* "a: CMD ARGS", "bob: CMD ARGS": the host a --run names (a, b or one of the hosts' names),
 * "a" or "b" in *host and the command after it returned; NULL in *host when it names none. */
static const char *
split_host (const char  *run,
            char       **names,
            const char **host)
{
  const char *colon = strchr (run, ':');
  g_autofree char *word = NULL;

  *host = NULL;
  if (colon == NULL)
    return run;
  word = g_strstrip (g_strndup (run, colon - run));
  if (g_str_equal (word, "a") || g_strcmp0 (word, names[0] != NULL ? names[0] : "alice") == 0)
    *host = "a";
  else if (g_str_equal (word, "b") || g_strcmp0 (word, names[1] != NULL ? names[1] : "bob") == 0)
    *host = "b";
  return *host != NULL ? colon + 1 : run;
}

int
sockscope_cli_trace (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = sockscope_cli_option_context (
    _("--run \"CMD ARGS\"... | -- CMD ARGS"),
    _("Run your own programs in a fresh lab and print each socket call, packet and socket state.\n"
      "Programs start in the order given, each one when the one before it waits in a call, has\n"
      "exited or has been idle for 200 ms; the first one reads this command's standard input (--stdin).\n"
      "On two hosts joined by a wire you can break: --run \"a: CMD ARGS\" --run \"b: CMD ARGS\" --wire RULES."));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) runs = NULL;
  g_autofree char *session = NULL;
  g_autofree char *pcapng = NULL;
  g_autofree char *wire = NULL;
  g_autofree char *wire_message = NULL;
  gboolean json = FALSE, step = FALSE, interactive = FALSE, source = FALSE;
  int stdin_to = 1;
  guint sigint, sigterm;
  Trace tr = { 0 };
  int status = 0;
  const GOptionEntry entries[] = {
    { "run", 0, 0, G_OPTION_ARG_STRING_ARRAY, &runs, N_("A program and its arguments, as a shell would split them (repeat for each program)"), N_("\"CMD ARGS\"") },
    { "step", 0, 0, G_OPTION_ARG_NONE, &step, N_("Stop every program before each socket call and let the calls go one at a time"), NULL },
    { "interactive", 0, 0, G_OPTION_ARG_NONE, &interactive, N_("Stop before each socket call and wait for Enter on the terminal"), NULL },
    { "hosts", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, on_hosts_option, N_("Two hosts joined by a wire, a (192.0.2.1) and b (192.0.2.2), named alice and bob or A and B; each --run starts with its host: \"a: CMD ARGS\""), N_("A,B") },
    { "wire", 0, 0, G_OPTION_ARG_STRING, &wire, N_("Break the wire between the two hosts with these rules, e.g. loss=10%,delay=50ms,seed=3"), N_("RULES") },
    { "stdin", 0, 0, G_OPTION_ARG_INT, &stdin_to, N_("Which program reads standard input: 1 the first (default), 2 the second..."), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the event log as JSON lines"), NULL },
    { "source", 0, 0, G_OPTION_ARG_NONE, &source, N_("Name each call's line in the program's own source (C built with cc -g, Python)"), NULL },
    { "pcapng", 0, 0, G_OPTION_ARG_FILENAME, &pcapng, N_("Write the packets to FILE (pcapng)"), N_("FILE") },
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &session, N_("Record the session to FILE"), N_("FILE") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sockscope-cli trace: %s\n", error->message);
      return SOCKSCOPE_CLI_USAGE;
    }
  tr.programs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  tr.hosts_of = g_ptr_array_new ();
  if (hosts_given && hosts_value != NULL)
    {
      g_auto(GStrv) names = g_strsplit (hosts_value, ",", -1);

      if (g_strv_length (names) != 2 || *g_strstrip (names[0]) == '\0' || *g_strstrip (names[1]) == '\0' ||
          g_str_equal (names[0], names[1]))
        {
          fprintf (stderr, _("sockscope-cli trace: --hosts=%s: two different names, as --hosts=alice,bob\n"), hosts_value);
          g_ptr_array_unref (tr.programs);
          free_hosts (&tr);
          return SOCKSCOPE_CLI_USAGE;
        }
      tr.host_names[0] = g_strdup (names[0]);
      tr.host_names[1] = g_strdup (names[1]);
    }
  for (guint i = 0; runs != NULL && runs[i] != NULL; i++)
    {
      char **pargv = NULL;
      const char *host = NULL;
      const char *command_line = split_host (runs[i], tr.host_names, &host);

      /* "a: CMD" puts the programs on two hosts, --hosts or not */
      if (host != NULL)
        hosts_given = TRUE;
      g_ptr_array_add (tr.hosts_of, (gpointer) host);
      if (!g_shell_parse_argv (command_line, NULL, &pargv, &error))
        {
          fprintf (stderr, _("sockscope-cli trace: --run \"%s\": %s\n"), runs[i], error->message);
          g_ptr_array_unref (tr.programs);
          free_hosts (&tr);
          return SOCKSCOPE_CLI_USAGE;
        }
      g_ptr_array_add (tr.programs, pargv);
    }
  /* `trace -- CMD ARGS`: GOption leaves "--" out and the rest in argv */
  if (argc > 1)
    {
      GPtrArray *v = g_ptr_array_new ();

      for (int i = 1; i < argc; i++)
        if (!(i == 1 && g_str_equal (argv[i], "--")))
          g_ptr_array_add (v, g_strdup (argv[i]));
      g_ptr_array_add (v, NULL);
      if (v->len > 1)
        {
          g_ptr_array_add (tr.programs, g_ptr_array_free (v, FALSE));
          g_ptr_array_add (tr.hosts_of, NULL);
        }
      else
        g_ptr_array_free (v, TRUE);
    }
  if (tr.programs->len == 0)
    {
      fprintf (stderr, _("Usage: sockscope-cli trace [--step|--interactive] [--hosts[=A,B]] [--wire RULES] [--stdin N] [--json] [--session FILE] [--pcapng FILE] --run \"CMD ARGS\" [--run \"CMD ARGS\"]...\n"
                         "       sockscope-cli trace -- CMD ARGS\n"));
      g_ptr_array_unref (tr.programs);
      free_hosts (&tr);
      return SOCKSCOPE_CLI_USAGE;
    }

  tr.two_hosts = hosts_given;
  if (wire != NULL && !tr.two_hosts)
    {
      fprintf (stderr, _("sockscope-cli trace: --wire: the programs run on one host, with no wire to break; hint: put them on two hosts, as --run \"a: python3 server.py\" --run \"b: python3 client.py alice\"\n"));
      status = SOCKSCOPE_CLI_USAGE;
    }
  else if (wire != NULL && !sockscope_wire_spec_check (wire, &wire_message))
    {
      fprintf (stderr, "sockscope-cli trace: --wire: %s\n", wire_message);
      status = SOCKSCOPE_CLI_USAGE;
    }
  for (guint i = 0; status == 0 && tr.two_hosts && i < tr.programs->len; i++)
    if (g_ptr_array_index (tr.hosts_of, i) == NULL)
      {
        char **pargv = g_ptr_array_index (tr.programs, i);

        fprintf (stderr, _("sockscope-cli trace: %s: with two hosts, each program names its host: --run \"a: CMD ARGS\" or --run \"b: CMD ARGS\"\n"), pargv[0]);
        status = SOCKSCOPE_CLI_USAGE;
      }
  if (status != 0)
    {
      g_ptr_array_unref (tr.programs);
      free_hosts (&tr);
      return status;
    }
  tr.wire = wire;

  if (stdin_to < 1 || (guint) stdin_to > tr.programs->len)
    {
      fprintf (stderr, _("sockscope-cli trace: --stdin takes a program's number, from 1 to %u\n"), tr.programs->len);
      g_ptr_array_unref (tr.programs);
      free_hosts (&tr);
      return SOCKSCOPE_CLI_USAGE;
    }
  tr.stdin_to = (guint) stdin_to;
  tr.session_fd = -1;
  if (session != NULL)
    {
      g_autofree char *header = g_strdup_printf ("{\"sockscope_session\":2,\"lesson\":\"trace\",\"lang\":\"en\",\"started_ns\":%" G_GINT64_FORMAT ",\"traced\":true}\n",
                                                 g_get_real_time () * 1000);
      ssize_t n;

      tr.session_fd = open (session, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (tr.session_fd < 0)
        {
          fprintf (stderr, _("sockscope-cli trace: cannot write %s: %s\n"), session, g_strerror (errno));
          g_ptr_array_unref (tr.programs);
          free_hosts (&tr);
          return SOCKSCOPE_CLI_FAILED;
        }
      n = write (tr.session_fd, header, strlen (header));
      (void) n;
    }

  tr.loop = g_main_loop_new (NULL, FALSE);
  tr.client = sockscope_lab_client_new ();
  tr.log = sockscope_event_log_new ();
  tr.alive = g_hash_table_new (NULL, NULL);
  tr.busy = g_hash_table_new (NULL, NULL);
  tr.held_seq = g_hash_table_new (NULL, NULL);
  tr.order = g_ptr_array_new ();
  tr.session_lines = g_string_new (NULL);
  tr.stepping = step || interactive;
  tr.interactive = interactive;
  tr.source = source;
  tr.tty = -1;
  if (interactive)
    {
      /* standard input is the first program's: the answers come from the terminal */
      tr.tty = open ("/dev/tty", O_RDONLY | O_CLOEXEC);
      tr.tty_input = g_data_input_stream_new (g_unix_input_stream_new (tr.tty >= 0 ? tr.tty : STDIN_FILENO, FALSE));
    }
  /* a file or a pipe: fewer, larger writes (the ladder flushes what each read of the lab gave) */
  if (!isatty (STDOUT_FILENO))
    setvbuf (stdout, NULL, _IOFBF, 64 << 10);
  /* no lesson: the ladder adds a column for each actor as it appears */
  tr.ladder = cli_ladder_new (NULL, json);
  cli_ladder_set_host_names (tr.ladder, tr.host_names[0], tr.host_names[1]);
  tr.last_event = g_get_monotonic_time ();
  /* the lab client appends the events to the log, without a JsonObject each */
  sockscope_lab_client_set_log (tr.client, tr.log);
  g_signal_connect (tr.log, "items-changed", G_CALLBACK (on_events), &tr);
  g_signal_connect (tr.client, "failed", G_CALLBACK (on_failed), &tr);

  sigint = g_unix_signal_add (SIGINT, on_signal, &tr);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &tr);
  sockscope_lab_client_start_async (tr.client, NULL, on_started, &tr);
  g_main_loop_run (tr.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (tr.timer != 0)
    g_source_remove (tr.timer);
  cli_ladder_print_new (tr.ladder, tr.log);

  if (pcapng != NULL && tr.error == NULL)
    sockscope_event_log_export_pcapng (tr.log, pcapng, &tr.error);
  if (tr.error != NULL)
    {
      fprintf (stderr, "sockscope-cli trace: %s\n", tr.error->message);
      status = SOCKSCOPE_CLI_FAILED;
    }
  if (tr.session_fd >= 0)
    close (tr.session_fd);
  if (tr.tty >= 0)
    close (tr.tty);
  g_clear_error (&tr.error);
  g_clear_object (&tr.tty_input);
  g_clear_pointer (&tr.ladder, cli_ladder_free);
  g_string_free (tr.session_lines, TRUE);
  g_hash_table_unref (tr.alive);
  g_hash_table_unref (tr.busy);
  g_hash_table_unref (tr.held_seq);
  g_ptr_array_unref (tr.order);
  g_ptr_array_unref (tr.programs);
  free_hosts (&tr);
  g_clear_object (&tr.client);
  g_clear_object (&tr.log);
  g_main_loop_unref (tr.loop);
  return status;
}
