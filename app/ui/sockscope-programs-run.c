/* sockscope-programs-run.c: the learner's programs traced in a lab of their own (the window's
 * "Your programs" mode).  The same driving as `sockscope-cli trace` (app/cli/cli-trace.c):
 * programs start in the order given, each when the one before it waits in a call, has exited
 * or has been idle 200 ms; step mode holds every socket call until Next lets the chosen actor's
 * go.  A .c is compiled first with `cc -g` into a private folder; when it does not compile,
 * nothing runs and the compiler's errors are the run's error. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sockscope-lab-client.h"
#include "sockscope-programs-run.h"

#define TICK_MS        50
#define IDLE_US        (200 * G_TIME_SPAN_MILLISECOND)   /* a program idle this long: start the next */

struct _SockscopeProgramsRun
{
  GObject             parent_instance;

  SockscopeLabClient *client;
  SockscopeEventLog  *log;
  GCancellable       *cancellable;
  char               *build_dir;      /* the compiled .c programs */

  GPtrArray          *sources;        /* SockscopeProgram copies, during the start */
  guint               compiling;      /* index of the next program to look at */
  GString            *compile_errors;
  GTask              *start_task;

  GPtrArray          *argvs;          /* GStrv */
  GPtrArray          *cwds;
  GPtrArray          *hosts_of;       /* "a" / "b" for each program, with two hosts */
  gboolean            two_hosts;
  char               *host_names[2];  /* NULL: alice, bob */
  guint               n_started;
  gboolean            starting;       /* a trace command waits for its reply */
  gboolean            lab_up;
  char               *last_actor;
  gboolean            last_exited;
  gint64              last_event;
  guint               tick;

  GHashTable         *alive;          /* actor names */
  GPtrArray          *order;          /* actor names, in the order they appeared */
  GPtrArray          *held;           /* actor names waiting before a call, oldest first */
  GHashTable         *held_call;      /* actor → the call's text */
  char               *chosen;
  SockscopeTraceMode  mode;
  guint               interval_ms;
  gint64              last_next;
  gboolean            next_pending;
  char               *problem;        /* why the lab did not run a program */
};

G_DEFINE_FINAL_TYPE (SockscopeProgramsRun, sockscope_programs_run, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

SockscopeProgram *
sockscope_program_new (const char *path,
                       const char *args)
{
  SockscopeProgram *program = g_new0 (SockscopeProgram, 1);

  program->path = g_strdup (path);
  program->args = g_strdup (args != NULL ? args : "");
  return program;
}

SockscopeProgram *
sockscope_program_new_on_host (const char *path,
                               const char *args,
                               const char *host)
{
  SockscopeProgram *program = sockscope_program_new (path, args);

  program->host = g_strdup (host);
  return program;
}

void
sockscope_program_free (SockscopeProgram *program)
{
  if (program == NULL)
    return;
  g_free (program->path);
  g_free (program->args);
  g_free (program->host);
  g_free (program);
}

static void
remove_build_dir (const char *dir)
{
  g_autoptr(GDir) handle = dir != NULL ? g_dir_open (dir, 0, NULL) : NULL;
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  if (dir != NULL)
    g_rmdir (dir);
}

static void
sockscope_programs_run_dispose (GObject *object)
{
  SockscopeProgramsRun *self = SOCKSCOPE_PROGRAMS_RUN (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  /* The lab dies with its client: every traced process and the terminal's shell with it
   * (PTRACE_O_EXITKILL, PR_SET_PDEATHSIG). */
  g_clear_object (&self->client);
  g_clear_object (&self->start_task);
  G_OBJECT_CLASS (sockscope_programs_run_parent_class)->dispose (object);
}

static void
sockscope_programs_run_finalize (GObject *object)
{
  SockscopeProgramsRun *self = SOCKSCOPE_PROGRAMS_RUN (object);

  remove_build_dir (self->build_dir);
  g_free (self->build_dir);
  g_clear_object (&self->log);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  if (self->compile_errors != NULL)
    g_string_free (self->compile_errors, TRUE);
  g_ptr_array_unref (self->argvs);
  g_ptr_array_unref (self->cwds);
  g_ptr_array_unref (self->hosts_of);
  g_free (self->host_names[0]);
  g_free (self->host_names[1]);
  g_free (self->last_actor);
  g_hash_table_unref (self->alive);
  g_ptr_array_unref (self->order);
  g_ptr_array_unref (self->held);
  g_hash_table_unref (self->held_call);
  g_free (self->chosen);
  g_free (self->problem);
  G_OBJECT_CLASS (sockscope_programs_run_parent_class)->finalize (object);
}

static void
sockscope_programs_run_class_init (SockscopeProgramsRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sockscope_programs_run_dispose;
  object_class->finalize = sockscope_programs_run_finalize;

  /**
   * SockscopeProgramsRun::changed:
   *
   * The actors alive or waiting, or the run's state, changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sockscope_programs_run_init (SockscopeProgramsRun *self)
{
  self->cancellable = g_cancellable_new ();
  self->log = sockscope_event_log_new ();
  self->argvs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->cwds = g_ptr_array_new_with_free_func (g_free);
  self->hosts_of = g_ptr_array_new_with_free_func (g_free);
  self->alive = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->order = g_ptr_array_new_with_free_func (g_free);
  self->held = g_ptr_array_new_with_free_func (g_free);
  self->held_call = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->interval_ms = 700;
}

SockscopeProgramsRun *
sockscope_programs_run_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_PROGRAMS_RUN, NULL);
}

SockscopeEventLog *
sockscope_programs_run_get_log (SockscopeProgramsRun *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PROGRAMS_RUN (self), NULL);
  return self->log;
}

static void
changed (SockscopeProgramsRun *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static JsonObject *
command (const char *name)
{
  JsonObject *cmd = json_object_new ();

  json_object_set_string_member (cmd, "cmd", name);
  return cmd;
}

/* ---- held calls ---- */

static gboolean
held_index (SockscopeProgramsRun *self,
            const char           *actor,
            guint                *index)
{
  for (guint i = 0; i < self->held->len; i++)
    if (g_str_equal (g_ptr_array_index (self->held, i), actor))
      {
        if (index != NULL)
          *index = i;
        return TRUE;
      }
  return FALSE;
}

static void
unhold (SockscopeProgramsRun *self,
        const char           *actor)
{
  guint i;

  if (held_index (self, actor, &i))
    g_ptr_array_remove_index (self->held, i);
  g_hash_table_remove (self->held_call, actor);
}

static void
on_event (SockscopeProgramsRun *self,
          const char           *line,
          JsonObject           *ev)
{
  const char *type = json_object_get_string_member_with_default (ev, "type", "");
  const char *actor = json_object_get_string_member_with_default (ev, "actor", "");
  g_autoptr(GError) error = NULL;
  gboolean notify = FALSE;

  self->last_event = g_get_monotonic_time ();
  if (!sockscope_event_log_append (self->log, line, &error))
    g_warning ("%s", error->message);
  if (g_str_equal (type, "actor"))
    {
      g_hash_table_add (self->alive, g_strdup (actor));
      g_ptr_array_add (self->order, g_strdup (actor));
      notify = TRUE;
    }
  else if (g_str_equal (type, "call") && json_object_get_boolean_member_with_default (ev, "held", FALSE))
    {
      if (!held_index (self, actor, NULL))
        g_ptr_array_add (self->held, g_strdup (actor));
      g_hash_table_replace (self->held_call, g_strdup (actor),
                            g_strdup (json_object_get_string_member_with_default (ev, "text", "")));
      notify = TRUE;
    }
  else if (g_str_equal (type, "return"))
    {
      notify = held_index (self, actor, NULL);
      unhold (self, actor);
    }
  else if (g_str_equal (type, "exit"))
    {
      unhold (self, actor);
      g_hash_table_remove (self->alive, actor);
      if (g_strcmp0 (actor, self->last_actor) == 0)
        self->last_exited = TRUE;
      notify = TRUE;
    }
  if (notify)
    changed (self);
}

static void
on_failed (SockscopeProgramsRun *self,
           const GError         *error)
{
  self->lab_up = FALSE;
  g_clear_handle_id (&self->tick, g_source_remove);
  g_hash_table_remove_all (self->alive);
  g_ptr_array_set_size (self->held, 0);
  changed (self);
}

/* ---- starting programs, one after the other ---- */

static void
on_trace_reply (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SockscopeProgramsRun) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = sockscope_lab_client_command_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error);

  self->starting = FALSE;
  if (reply == NULL)
    {
      /* A program the lab cannot run (no such program, not executable, set-user-ID): the
       * others still run; the pane says why. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->problem);
      self->problem = g_strdup (error->message);
      self->last_exited = TRUE;
      changed (self);
      return;
    }
  g_free (self->last_actor);
  self->last_actor = g_strdup (json_object_get_string_member_with_default (reply, "actor", ""));
  self->last_event = g_get_monotonic_time ();
}

static void
start_next (SockscopeProgramsRun *self)
{
  g_autoptr(JsonObject) cmd = command ("trace");
  char **argv = g_ptr_array_index (self->argvs, self->n_started);
  JsonArray *args = json_array_new ();

  for (guint i = 0; argv[i] != NULL; i++)
    json_array_add_string_element (args, argv[i]);
  json_object_set_array_member (cmd, "argv", args);
  json_object_set_string_member (cmd, "cwd", g_ptr_array_index (self->cwds, self->n_started));
  json_object_set_string_member (cmd, "mode", self->mode == SOCKSCOPE_TRACE_RUN ? "run" : "step");
  json_object_set_boolean_member (cmd, "source", TRUE);
  if (self->two_hosts)
    json_object_set_string_member (cmd, "host", g_ptr_array_index (self->hosts_of, self->n_started));
  self->n_started++;
  self->starting = TRUE;
  self->last_exited = FALSE;
  sockscope_lab_client_command_async (self->client, cmd, self->cancellable, on_trace_reply, g_object_ref (self));
}

static gboolean
on_tick (gpointer user_data)
{
  SockscopeProgramsRun *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->starting || !self->lab_up)
    return G_SOURCE_CONTINUE;
  if (self->n_started < self->argvs->len &&
      (self->n_started == 0 || self->last_exited || now - self->last_event >= IDLE_US ||
       (self->last_actor != NULL && held_index (self, self->last_actor, NULL))))
    {
      start_next (self);
      changed (self);
      return G_SOURCE_CONTINUE;
    }
  if (self->mode == SOCKSCOPE_TRACE_PLAY && self->held->len > 0 && !self->next_pending &&
      now - self->last_next >= (gint64) self->interval_ms * 1000)
    sockscope_programs_run_next (self);
  return G_SOURCE_CONTINUE;
}

/* The lab is up, with its two hosts if any: the programs start. */
static void
lab_ready (SockscopeProgramsRun *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  self->lab_up = TRUE;
  self->last_event = g_get_monotonic_time ();
  self->tick = g_timeout_add (TICK_MS, on_tick, self);
  g_task_return_boolean (task, TRUE);
  changed (self);
}

/* The start failed: the lab did not start, or refused the hosts. */
static void
start_failed (SockscopeProgramsRun *self,
              GError               *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static void
on_hosts (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SockscopeProgramsRun) self = user_data;
  GError *error = NULL;

  if (sockscope_lab_client_hosts_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    lab_ready (self);
  else
    start_failed (self, error);
}

static void
on_lab_started (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SockscopeProgramsRun) self = user_data;
  GError *error = NULL;

  if (!sockscope_lab_client_start_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    {
      start_failed (self, error);
      return;
    }
  /* Two hosts first, as `sockscope-cli trace --hosts` does: `hosts` comes before any actor. */
  if (self->two_hosts)
    sockscope_lab_client_hosts_async (self->client, self->host_names[0], self->host_names[1], self->cancellable,
                                      on_hosts, g_object_ref (self));
  else
    lab_ready (self);
}

static void
start_lab (SockscopeProgramsRun *self)
{
  self->client = sockscope_lab_client_new ();
  g_signal_connect_object (self->client, "event", G_CALLBACK (on_event), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "failed", G_CALLBACK (on_failed), self, G_CONNECT_SWAPPED);
  sockscope_lab_client_start_async (self->client, self->cancellable, on_lab_started, g_object_ref (self));
}

/* ---- compiling ---- */

char *
sockscope_programs_compiler_errors (const char *output)
{
  g_autoptr(GRegex) re = g_regex_new ("^(.*?):([0-9]+):(?:[0-9]+:)? *([^:]+): (.*)$", 0, 0, NULL);
  g_auto(GStrv) lines = g_strsplit (output != NULL ? output : "", "\n", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (re, lines[i], 0, &match))
        {
          g_autofree char *file = g_match_info_fetch (match, 1);
          g_autofree char *line = g_match_info_fetch (match, 2);
          g_autofree char *kind = g_match_info_fetch (match, 3);
          g_autofree char *message = g_match_info_fetch (match, 4);
          g_autofree char *base = g_path_get_basename (file);

          /* notes ("declared here") repeat what the error says; the error lines are the ones */
          if (strstr (kind, "note") != NULL)
            continue;
          g_string_append_printf (text, "%s%s:%s: %s: %s", text->len > 0 ? "\n" : "", base, line, kind, message);
        }
    }
  /* A linker's or a driver's message has no line: then the output as it is. */
  if (text->len == 0)
    {
      g_autofree char *all = g_strdup (output != NULL ? output : "");

      g_string_append (text, g_strstrip (all));
    }
  return g_string_free (text, FALSE);
}

static void compile_next (SockscopeProgramsRun *self);

/* The .c files beside @source with no main(): its helpers (the course's csapp-lite.c), linked
 * with it as its Makefile would. */
static void
add_helpers (GPtrArray  *argv,
             const char *source)
{
  g_autofree char *dir = g_path_get_dirname (source);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GRegex) main_re = g_regex_new ("\\bmain\\s*\\(", 0, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;

      if (!g_str_has_suffix (name, ".c") || g_strcmp0 (path, source) == 0 ||
          !g_file_get_contents (path, &text, NULL, NULL) || g_regex_match (main_re, text, 0, NULL))
        continue;
      g_ptr_array_add (argv, g_steal_pointer (&path));
    }
}

static void
on_compiled (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SockscopeProgramsRun) self = user_data;
  GSubprocess *cc = G_SUBPROCESS (object);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (cc, result, &out, NULL, &error))
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

      if (task != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_subprocess_get_if_exited (cc) || g_subprocess_get_exit_status (cc) != 0)
    {
      g_autofree char *errors = sockscope_programs_compiler_errors (out);

      if (self->compile_errors->len > 0)
        g_string_append_c (self->compile_errors, '\n');
      g_string_append (self->compile_errors, errors);
    }
  self->compiling++;
  compile_next (self);
}

/* The programs one by one: .c compiled, then their command lines; at the end the lab. */
static void
compile_next (SockscopeProgramsRun *self)
{
  g_autoptr(GError) error = NULL;

  for (; self->compiling < self->sources->len; self->compiling++)
    {
      SockscopeProgram *p = g_ptr_array_index (self->sources, self->compiling);
      g_autofree char *base = g_path_get_basename (p->path);
      g_autofree char *dir = g_path_get_dirname (p->path);
      g_auto(GStrv) args = NULL;
      GPtrArray *argv = g_ptr_array_new ();

      if (p->args != NULL && *g_strstrip (p->args) != '\0' && !g_shell_parse_argv (p->args, NULL, &args, &error))
        {
          g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

          g_ptr_array_free (argv, TRUE);
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("The arguments of %s do not read as a command line: %s"), base, error->message);
          return;
        }
      if (g_str_has_suffix (base, ".c"))
        {
          g_autofree char *name = g_strndup (base, strlen (base) - 2);
          g_autofree char *exe = g_build_filename (self->build_dir, name, NULL);
          g_autoptr(GSubprocess) cc = NULL;
          g_autoptr(GPtrArray) cc_argv = g_ptr_array_new_with_free_func (g_free);

          g_ptr_array_add (argv, g_strdup (exe));
          for (guint i = 0; args != NULL && args[i] != NULL; i++)
            g_ptr_array_add (argv, g_strdup (args[i]));
          g_ptr_array_add (argv, NULL);
          g_ptr_array_add (self->argvs, g_ptr_array_free (argv, FALSE));
          g_ptr_array_add (self->cwds, g_strdup (dir));
          g_ptr_array_add (self->hosts_of, g_strdup (g_strcmp0 (p->host, "b") == 0 ? "b" : "a"));
          /* With the .c files beside it that have no main() (its helpers). */
          g_ptr_array_add (cc_argv, g_strdup ("cc"));
          g_ptr_array_add (cc_argv, g_strdup ("-g"));
          g_ptr_array_add (cc_argv, g_strdup ("-fdiagnostics-plain-output"));
          g_ptr_array_add (cc_argv, g_strdup ("-o"));
          g_ptr_array_add (cc_argv, g_strdup (exe));
          g_ptr_array_add (cc_argv, g_strdup (p->path));
          add_helpers (cc_argv, p->path);
          g_ptr_array_add (cc_argv, NULL);
          cc = g_subprocess_newv ((const char * const *) cc_argv->pdata,
                                  G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
          if (cc == NULL)
            {
              g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

              g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                       _("Cannot run the C compiler (cc) to build %s: %s"), base, error->message);
              return;
            }
          g_subprocess_communicate_utf8_async (cc, NULL, self->cancellable, on_compiled, g_object_ref (self));
          return;
        }
      if (g_str_has_suffix (base, ".py"))
        {
          /* run from its folder as a learner types it: "python3 server.py" (the command line
           * the session and the left pane show) */
          g_ptr_array_add (argv, g_strdup ("python3"));
          g_ptr_array_add (argv, g_strdup (base));
        }
      else
        g_ptr_array_add (argv, g_strdup (p->path));
      for (guint i = 0; args != NULL && args[i] != NULL; i++)
        g_ptr_array_add (argv, g_strdup (args[i]));
      g_ptr_array_add (argv, NULL);
      g_ptr_array_add (self->argvs, g_ptr_array_free (argv, FALSE));
      g_ptr_array_add (self->cwds, g_strdup (dir));
      g_ptr_array_add (self->hosts_of, g_strdup (g_strcmp0 (p->host, "b") == 0 ? "b" : "a"));
    }
  if (self->compile_errors->len > 0)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", self->compile_errors->str);
      return;
    }
  start_lab (self);
}

void
sockscope_programs_run_start_async (SockscopeProgramsRun *self,
                                    GPtrArray            *programs,
                                    SockscopeTraceMode    mode,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_RUN (self));
  g_return_if_fail (self->start_task == NULL && self->client == NULL);

  self->start_task = g_task_new (self, cancellable, callback, user_data);
  self->mode = mode;
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) sockscope_program_free);
  for (guint i = 0; programs != NULL && i < programs->len; i++)
    {
      SockscopeProgram *p = g_ptr_array_index (programs, i);

      g_ptr_array_add (self->sources, sockscope_program_new_on_host (p->path, p->args, p->host));
    }
  self->compile_errors = g_string_new (NULL);
  if ((self->build_dir = g_dir_make_tmp ("your-programs-XXXXXX", &error)) == NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  compile_next (self);
}

gboolean
sockscope_programs_run_start_finish (SockscopeProgramsRun *self,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- two hosts ---- */

void
sockscope_programs_run_set_hosts (SockscopeProgramsRun *self,
                                  const char           *a,
                                  const char           *b)
{
  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_RUN (self));
  g_return_if_fail (self->client == NULL);
  self->two_hosts = TRUE;
  g_free (self->host_names[0]);
  g_free (self->host_names[1]);
  self->host_names[0] = g_strdup (a);
  self->host_names[1] = g_strdup (b);
}

gboolean
sockscope_programs_run_has_hosts (SockscopeProgramsRun *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PROGRAMS_RUN (self), FALSE);
  return self->two_hosts;
}

SockscopeLabClient *
sockscope_programs_run_get_client (SockscopeProgramsRun *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_PROGRAMS_RUN (self), NULL);
  return self->lab_up ? self->client : NULL;
}

/* ---- modes, next, stop ---- */

static void
on_reply_ignored (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(JsonObject) reply = sockscope_lab_client_command_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);
}

void
sockscope_programs_run_set_mode (SockscopeProgramsRun *self,
                                 SockscopeTraceMode    mode)
{
  g_autoptr(JsonObject) cmd = command ("trace_mode");
  gboolean was_run = self->mode == SOCKSCOPE_TRACE_RUN;

  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_RUN (self));
  self->mode = mode;
  if (self->client != NULL && self->lab_up && was_run != (mode == SOCKSCOPE_TRACE_RUN))
    {
      json_object_set_string_member (cmd, "mode", mode == SOCKSCOPE_TRACE_RUN ? "run" : "step");
      sockscope_lab_client_command_async (self->client, cmd, self->cancellable, on_reply_ignored, NULL);
    }
  changed (self);
}

SockscopeTraceMode
sockscope_programs_run_get_mode (SockscopeProgramsRun *self)
{
  return self->mode;
}

void
sockscope_programs_run_set_interval (SockscopeProgramsRun *self,
                                     guint                 ms)
{
  self->interval_ms = MAX (ms, 20);
}

static void
on_next_reply (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SockscopeProgramsRun) self = user_data;
  g_autoptr(JsonObject) reply = sockscope_lab_client_command_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);

  self->next_pending = FALSE;
  self->last_next = g_get_monotonic_time ();
  if (reply != NULL && json_object_has_member (reply, "actor"))
    unhold (self, json_object_get_string_member (reply, "actor"));
  changed (self);
}

const char *
sockscope_programs_run_get_next_actor (SockscopeProgramsRun *self)
{
  if (self->chosen != NULL && held_index (self, self->chosen, NULL))
    return self->chosen;
  /* The program started first goes first, as `sockscope-cli trace --step` does: a server
   * reaches its accept before its client connects. */
  for (guint i = 0; i < self->order->len; i++)
    if (held_index (self, g_ptr_array_index (self->order, i), NULL))
      return g_ptr_array_index (self->order, i);
  return self->held->len > 0 ? g_ptr_array_index (self->held, 0) : NULL;
}

void
sockscope_programs_run_next (SockscopeProgramsRun *self)
{
  g_autoptr(JsonObject) cmd = command ("next");
  const char *actor = sockscope_programs_run_get_next_actor (self);

  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_RUN (self));
  if (actor == NULL || self->next_pending || !self->lab_up)
    return;
  json_object_set_string_member (cmd, "actor", actor);
  self->next_pending = TRUE;
  sockscope_lab_client_command_async (self->client, cmd, self->cancellable, on_next_reply, g_object_ref (self));
}

void
sockscope_programs_run_stop (SockscopeProgramsRun *self)
{
  g_autoptr(JsonObject) cmd = command ("stop");

  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_RUN (self));
  self->n_started = self->argvs->len;   /* the programs not started yet never will be */
  if (self->client != NULL && self->lab_up)
    sockscope_lab_client_command_async (self->client, cmd, self->cancellable, on_reply_ignored, NULL);
}

GPtrArray *
sockscope_programs_run_get_held (SockscopeProgramsRun *self)
{
  return self->held;
}

const char *
sockscope_programs_run_get_held_call (SockscopeProgramsRun *self,
                                      const char           *actor)
{
  return g_hash_table_lookup (self->held_call, actor);
}

void
sockscope_programs_run_choose (SockscopeProgramsRun *self,
                               const char           *actor)
{
  if (g_strcmp0 (actor, self->chosen) == 0)
    return;
  g_free (self->chosen);
  self->chosen = g_strdup (actor);
  changed (self);
}

guint
sockscope_programs_run_get_n_alive (SockscopeProgramsRun *self)
{
  return g_hash_table_size (self->alive);
}

const char *
sockscope_programs_run_get_problem (SockscopeProgramsRun *self)
{
  return self->problem;
}

gboolean
sockscope_programs_run_is_lab_up (SockscopeProgramsRun *self)
{
  return self->lab_up;
}

/* Programs to start, or alive. */
gboolean
sockscope_programs_run_is_running (SockscopeProgramsRun *self)
{
  return self->lab_up && (self->n_started < self->argvs->len || self->starting || g_hash_table_size (self->alive) > 0);
}

/* ---- the terminal ---- */

static void
on_terminal_reply (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonObject) reply = sockscope_lab_client_command_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error);

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, json_object_get_int_member_with_default (reply, "terminal", 0));
}

void
sockscope_programs_run_open_terminal_async (SockscopeProgramsRun *self,
                                            const char           *tty,
                                            const char           *cwd,
                                            guint                 rows,
                                            guint                 cols,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data)
{
  g_autoptr(JsonObject) cmd = command ("terminal");
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  if (self->client == NULL || !self->lab_up)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, _("The lab is not running."));
      g_object_unref (task);
      return;
    }
  json_object_set_string_member (cmd, "tty", tty);
  json_object_set_string_member (cmd, "cwd", cwd);
  json_object_set_int_member (cmd, "rows", rows);
  json_object_set_int_member (cmd, "cols", cols);
  json_object_set_string_member (cmd, "mode", self->mode == SOCKSCOPE_TRACE_RUN ? "run" : "step");
  sockscope_lab_client_command_async (self->client, cmd, cancellable, on_terminal_reply, task);
}

guint
sockscope_programs_run_open_terminal_finish (SockscopeProgramsRun *self,
                                             GAsyncResult         *result,
                                             GError              **error)
{
  gssize n = g_task_propagate_int (G_TASK (result), error);

  return n > 0 ? (guint) n : 0;
}

void
sockscope_programs_run_close_terminal (SockscopeProgramsRun *self,
                                       guint                 terminal)
{
  g_autoptr(JsonObject) cmd = command ("terminal_close");

  if (self->client == NULL || !self->lab_up || terminal == 0)
    return;
  json_object_set_int_member (cmd, "terminal", terminal);
  sockscope_lab_client_command_async (self->client, cmd, NULL, on_reply_ignored, NULL);
}
