/* sockscope-lab-client.c: spawns sockscope-lab on one end of a socketpair and speaks its
 * line protocol (docs/LAB-PROTOCOL.md) without ever blocking the main loop. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "sockscope-error.h"
#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"

/* The lab's end of the socketpair, as the child sees it. */
#define LAB_FD 3
/* A lab that was told to quit and is still there after this is killed. */
#define QUIT_TIMEOUT_MS 3000

struct _SockscopeLabClient
{
  GObject           parent_instance;
  GSubprocess      *subprocess;
  GSocketConnection *connection;
  GSocket          *input;           /* the connection's socket, read when the lab writes */
  GSource          *read_source;
  gpointer          read_tag;        /* its socket's poll */
  gboolean          polled;          /* the source polls the socket (else its ready time wakes it) */
  gboolean          reading;         /* in on_readable */
  gboolean          read_paused;     /* a nested main loop met it reading */
  char             *in_buf;          /* bytes read, their last line not whole yet */
  gsize             in_len, in_size;
  SockscopeEventLog *log;            /* where events go, or NULL: the "event" signal only */
  guint             announced;       /* the log's events the views were told of */
  GOutputStream    *output;
  GCancellable     *cancellable;
  GQueue            write_queue;     /* GBytes */
  gboolean          writing;
  GHashTable       *pending;         /* id -> GTask */
  gint64            next_id;
  GTask            *start_task;
  GTask            *quit_task;
  guint             quit_timeout;
  GError           *failure;         /* why the lab is gone, once it is */
  GError           *fatal;           /* the lab's fatal line */
  gboolean          quitting;
  gboolean          gone;
};

G_DEFINE_FINAL_TYPE (SockscopeLabClient, sockscope_lab_client, G_TYPE_OBJECT)

enum {
  EVENT,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


static void
sockscope_lab_client_dispose (GObject *object)
{
  SockscopeLabClient *self = SOCKSCOPE_LAB_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  if (self->subprocess != NULL && !self->gone)
    g_subprocess_force_exit (self->subprocess);
  g_clear_handle_id (&self->quit_timeout, g_source_remove);
  g_clear_object (&self->subprocess);
  self->input = NULL;
  if (self->read_source != NULL)
    g_source_destroy (self->read_source);
  g_clear_pointer (&self->read_source, g_source_unref);
  g_clear_object (&self->connection);
  g_clear_object (&self->log);
  self->output = NULL;
  g_queue_clear_full (&self->write_queue, (GDestroyNotify) g_bytes_unref);

  G_OBJECT_CLASS (sockscope_lab_client_parent_class)->dispose (object);
}

static void
sockscope_lab_client_finalize (GObject *object)
{
  SockscopeLabClient *self = SOCKSCOPE_LAB_CLIENT (object);

  g_clear_object (&self->cancellable);
  g_free (self->in_buf);
  g_hash_table_unref (self->pending);
  g_clear_error (&self->failure);
  g_clear_error (&self->fatal);

  G_OBJECT_CLASS (sockscope_lab_client_parent_class)->finalize (object);
}

static void
sockscope_lab_client_class_init (SockscopeLabClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sockscope_lab_client_dispose;
  object_class->finalize = sockscope_lab_client_finalize;

  /**
   * SockscopeLabClient::event:
   * @line: the event as the lab sent it
   * @event: the same, parsed
   */
  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 2,
                                 G_TYPE_STRING, JSON_TYPE_OBJECT);
  /**
   * SockscopeLabClient::failed:
   * @error: why the lab is gone (a fatal line or a crash)
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
sockscope_lab_client_init (SockscopeLabClient *self)
{
  self->cancellable = g_cancellable_new ();
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->next_id = 1;
}

SockscopeLabClient *
sockscope_lab_client_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_LAB_CLIENT, NULL);
}

/* $SOCKSCOPE_LAB, then ../lab/sockscope-lab next to this executable (the build tree), then
 * LIBEXECDIR. */
char *
sockscope_lab_client_find_lab (GError **error)
{
  const char *env = g_getenv ("SOCKSCOPE_LAB");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *exe_dir = exe ? g_path_get_dirname (exe) : NULL;
  g_autofree char *beside = exe_dir ? g_build_filename (exe_dir, "..", "lab", "sockscope-lab", NULL) : NULL;
  g_autofree char *installed = g_build_filename (LIBEXECDIR, "sockscope-lab", NULL);

  if (env != NULL && *env != '\0')
    {
      if (g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (env);
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
                   _("SOCKSCOPE_LAB names %s, which is not an executable"), env);
      return NULL;
    }
  if (beside != NULL && g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&beside);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
               _("cannot find sockscope-lab (looked next to this program and in %s); set SOCKSCOPE_LAB to its path"),
               LIBEXECDIR);
  return NULL;
}

/**
 * sockscope_lab_client_set_log:
 *
 * The events the lab sends are appended to @log as they come, without a JsonObject each: the
 * lines of one read together, with one items-changed. "event" is still emitted, with the event
 * parsed, when a handler is connected to it; it must not append the event again.
 */
void
sockscope_lab_client_set_log (SockscopeLabClient *self,
                              SockscopeEventLog  *log)
{
  g_return_if_fail (SOCKSCOPE_IS_LAB_CLIENT (self));

  g_set_object (&self->log, log);
  self->announced = log != NULL ? sockscope_event_log_get_n_events (log) : 0;
}

GPid
sockscope_lab_client_get_pid (SockscopeLabClient *self)
{
  const char *id;

  g_return_val_if_fail (SOCKSCOPE_IS_LAB_CLIENT (self), 0);

  if (self->subprocess == NULL || (id = g_subprocess_get_identifier (self->subprocess)) == NULL)
    return 0;
  return (GPid) g_ascii_strtoll (id, NULL, 10);
}

static void
fail_pending (SockscopeLabClient *self,
              const GError       *error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key, task;

  /* Taken out first: a task's callback may send another command. */
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &task))
    {
      g_ptr_array_add (tasks, task);
      g_hash_table_iter_steal (&iter);
      g_free (key);
    }
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
}

static void
on_exited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SockscopeLabClient) self = user_data;
  GSubprocess *subprocess = G_SUBPROCESS (object);
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (subprocess, result, NULL))
    return;
  self->gone = TRUE;
  g_clear_handle_id (&self->quit_timeout, g_source_remove);

  if (self->fatal != NULL)
    error = g_error_copy (self->fatal);
  else if (self->quitting)
    error = g_error_new_literal (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_CRASHED, _("the lab has quit"));
  else if (g_subprocess_get_if_signaled (subprocess))
    error = g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_CRASHED,
                         _("the lab stopped unexpectedly (killed by signal %s)"),
                         g_strsignal (g_subprocess_get_term_sig (subprocess)));
  else
    error = g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_CRASHED,
                         _("the lab stopped unexpectedly (exit status %d)"),
                         g_subprocess_get_exit_status (subprocess));

  if (self->failure == NULL)
    self->failure = g_error_copy (error);
  fail_pending (self, error);
  if (self->start_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

      g_task_return_error (task, g_error_copy (error));
    }
  if (self->quit_task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->quit_task);

      g_task_return_boolean (task, TRUE);
    }
  else
    g_signal_emit (self, signals[FAILED], 0, error);
}

static void
handle_reply (SockscopeLabClient *self,
              JsonObject         *reply)
{
  const char *kind = json_object_get_string_member_with_default (reply, "reply", "");
  gint64 id = json_object_get_int_member_with_default (reply, "id", 0);
  GTask *task;
  gpointer key;

  if (g_str_equal (kind, "ready"))
    {
      if (self->start_task != NULL)
        {
          g_autoptr(GTask) start = g_steal_pointer (&self->start_task);

          g_task_return_boolean (start, TRUE);
        }
      return;
    }
  if (g_str_equal (kind, "fatal"))
    {
      const char *message = json_object_get_string_member_with_default (reply, "message", _("the lab could not start"));
      const char *remedy = json_object_get_string_member_with_default (reply, "remedy", NULL);

      g_clear_error (&self->fatal);
      if (remedy != NULL)
        self->fatal = g_error_new (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_FATAL, _("%s\nRemedy: %s"), message, remedy);
      else
        self->fatal = g_error_new_literal (SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_FATAL, message);
      return;
    }
  if (!g_hash_table_steal_extended (self->pending, &id, &key, (gpointer *) &task))
    return;
  g_free (key);
  if (g_str_equal (kind, "error"))
    g_task_return_new_error (task, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_REFUSED, "%s",
                             json_object_get_string_member_with_default (reply, "message", _("the lab refused the command")));
  else
    g_task_return_pointer (task, json_object_ref (reply), (GDestroyNotify) json_object_unref);
  g_object_unref (task);
}

/* Tells the log's views of the events appended since they were last told: once for the lines
 * of a read, not once each (a traced program makes tens of thousands of events a second). */
static void
announce (SockscopeLabClient *self)
{
  if (self->log == NULL)
    return;
  sockscope_event_log_announce (self->log, self->announced);
  self->announced = sockscope_event_log_get_n_events (self->log);
}

/* One line from the lab (@len bytes, NUL-terminated): an event, or a reply. */
static void
take_line (SockscopeLabClient *self,
           const char         *line,
           gsize               len)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj;

  if (self->log != NULL && sockscope_event_log_append_quietly (self->log, line, len))
    {
      /* the tree only for a handler that wants it */
      if (g_signal_has_handler_pending (self, signals[EVENT], 0, FALSE))
        {
          g_autoptr(JsonObject) event = NULL;

          announce (self);
          event = sockscope_event_log_parse (self->log, self->announced - 1);
          g_signal_emit (self, signals[EVENT], 0, line, event);
        }
      return;
    }
  if (self->log == NULL)
    {
      /* an event: the event log's own parser (a fifth of json-glib's time) */
      g_autoptr(JsonObject) event = sockscope_event_log_parse_line (line);

      if (event != NULL)
        {
          g_signal_emit (self, signals[EVENT], 0, line, event);
          return;
        }
    }
  /* the events before a reply are known before it */
  announce (self);
  if (!g_utf8_validate_len (line, len, NULL))
    return;
  if ((node = json_from_string (line, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    g_warning ("sockscope-lab sent a line that is not JSON: %s", line);
  else if (json_object_has_member ((obj = json_node_get_object (node)), "seq"))
    {
      if (self->log == NULL)
        g_signal_emit (self, signals[EVENT], 0, line, obj);
      else if (!sockscope_event_log_append (self->log, line, &error))
        g_warning ("sockscope-lab: %s: %s", error->message, line);
    }
  else if (json_object_has_member (obj, "reply"))
    handle_reply (self, obj);
}

#define READ_SIZE (64 << 10)

/* Ready when its socket is (no prepare nor check: its poll says so). */
static gboolean
read_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs read_source_funcs = { .dispatch = read_source_dispatch };

/* With a log (a traced program's tens of thousands of events a second, in small writes), the
 * socket is read every COALESCE_US while the lab writes, not at each of its writes: each
 * wake-up costs the CLI more than the lines it reads, on a machine the traced programs share. */
#define COALESCE_US 2000

static void
poll_socket (SockscopeLabClient *self,
             gboolean            poll)
{
  if (self->read_source == NULL || self->polled == poll)
    return;
  g_source_modify_unix_fd (self->read_source, self->read_tag, poll ? G_IO_IN : 0);
  self->polled = poll;
}

/* The lab wrote: what it wrote is read (never blocking), its whole lines taken one after the
 * other, not a main-loop turn each. One source for the lab's life, not an async read each. */
static gboolean
on_readable (gpointer user_data)
{
  g_autoptr(SockscopeLabClient) self = g_object_ref (user_data);
  g_autoptr(GError) error = NULL;
  char *start, *end, *newline;
  gsize room;
  gssize n;

  /* A handler ran a main loop of its own (the source may recurse, so that GLib does not take
   * its poll away and give it back around each dispatch, two wake-ups each): the lines are
   * taken by the dispatch it interrupted, the socket left alone until then. */
  if (self->reading)
    {
      poll_socket (self, FALSE);
      g_source_set_ready_time (self->read_source, -1);
      self->read_paused = TRUE;
      return G_SOURCE_CONTINUE;
    }
  /* room for a read and the newline the end of the stream may add */
  if (self->in_size - self->in_len < READ_SIZE + 1)
    {
      self->in_size = MAX (self->in_size * 2, self->in_len + 2 * READ_SIZE);
      self->in_buf = g_realloc (self->in_buf, self->in_size);
    }
  room = self->in_size - self->in_len - 1;
  n = g_socket_receive_with_blocking (self->input, self->in_buf + self->in_len, room, FALSE, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      /* the lab is quiet: wait for its next write */
      poll_socket (self, TRUE);
      g_source_set_ready_time (self->read_source, -1);
      return G_SOURCE_CONTINUE;
    }
  self->reading = TRUE;
  if (n > 0)
    self->in_len += (gsize) n;
  else if (self->in_len > 0 && n == 0)
    self->in_buf[self->in_len++] = '\n';   /* the end of the stream ends the last line */
  else
    self->in_len = 0;

  start = self->in_buf;
  end = self->in_buf + self->in_len;
  while (self->input != NULL && !g_cancellable_is_cancelled (self->cancellable) &&
         (newline = memchr (start, '\n', (gsize) (end - start))) != NULL)
    {
      *newline = '\0';
      take_line (self, start, (gsize) (newline - start));
      start = newline + 1;
    }
  announce (self);
  self->in_len = (gsize) (end - start);
  memmove (self->in_buf, start, self->in_len);
  self->reading = FALSE;

  if (self->input == NULL)
    return G_SOURCE_REMOVE;   /* disposed meanwhile: its source is destroyed */
  if (n <= 0)
    {
      /* End of the stream: on_exited says why once the process is reaped. */
      g_clear_pointer (&self->read_source, g_source_unref);
      g_subprocess_wait_async (self->subprocess, self->cancellable, on_exited, g_object_ref (self));
      return G_SOURCE_REMOVE;
    }
  if (self->log != NULL)
    {
      /* more now if the read filled the buffer, else in a moment */
      poll_socket (self, FALSE);
      g_source_set_ready_time (self->read_source, (gsize) n == room ? 0 : g_get_monotonic_time () + COALESCE_US);
    }
  else if (self->read_paused)
    poll_socket (self, TRUE);
  self->read_paused = FALSE;
  return G_SOURCE_CONTINUE;
}

static void write_next (SockscopeLabClient *self);

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SockscopeLabClient) self = user_data;

  /* A lab that is gone is reported by the reader; a failed write adds nothing. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL))
    {
      self->writing = FALSE;
      return;
    }
  g_bytes_unref (g_queue_pop_head (&self->write_queue));
  self->writing = FALSE;
  write_next (self);
}

static void
write_next (SockscopeLabClient *self)
{
  GBytes *bytes;

  if (self->writing || self->output == NULL || (bytes = g_queue_peek_head (&self->write_queue)) == NULL)
    return;
  self->writing = TRUE;
  g_output_stream_write_all_async (self->output, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_PRIORITY_DEFAULT, self->cancellable, on_written, g_object_ref (self));
}

static void
send_object (SockscopeLabClient *self,
             JsonObject         *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);
  char *line = g_strconcat (text, "\n", NULL);

  g_queue_push_tail (&self->write_queue, g_bytes_new_take (line, strlen (line)));
  write_next (self);
}

/* Spawns the lab; completes when it is ready, or with its fatal message and remedy. */
void
sockscope_lab_client_start_async (SockscopeLabClient  *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lab = NULL;
  g_autofree char *fd_arg = g_strdup_printf ("%d", LAB_FD);
  int fds[2];

  g_task_set_source_tag (task, sockscope_lab_client_start_async);

  if (self->subprocess != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, _("the lab is already started"));
      return;
    }
  if ((lab = sockscope_lab_client_find_lab (&error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errno),
                               "socketpair: %s", g_strerror (errno));
      return;
    }

  /* stdin inherited: `sockscope-cli trace` hands it to a traced program (the lab never reads it) */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  g_subprocess_launcher_take_fd (launcher, fds[1], LAB_FD);
  self->subprocess = g_subprocess_launcher_spawn (launcher, &error, lab, "--fd", fd_arg, NULL);
  g_clear_object (&launcher);   /* closes our copy of the lab's end */
  if (self->subprocess == NULL)
    {
      close (fds[0]);
      g_task_return_new_error (task, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
                               _("cannot start %s: %s"), lab, error->message);
      return;
    }

  if ((socket = g_socket_new_from_fd (fds[0], &error)) == NULL)
    {
      close (fds[0]);
      g_subprocess_force_exit (self->subprocess);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->connection = g_socket_connection_factory_create_connection (socket);
  self->input = g_socket_connection_get_socket (self->connection);
  self->output = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  self->start_task = g_steal_pointer (&task);
  self->read_source = g_source_new (&read_source_funcs, sizeof (GSource));   /* destroyed in dispose */
  self->read_tag = g_source_add_unix_fd (self->read_source, g_socket_get_fd (self->input), G_IO_IN);
  self->polled = TRUE;
  g_source_set_can_recurse (self->read_source, TRUE);
  g_source_set_callback (self->read_source, on_readable, self, NULL);
  g_source_attach (self->read_source, g_main_context_get_thread_default ());
}

gboolean
sockscope_lab_client_start_finish (SockscopeLabClient  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Sends @command (its "id" is set here) and completes with the lab's reply. */
void
sockscope_lab_client_command_async (SockscopeLabClient  *self,
                                    JsonObject          *command,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  gint64 id;

  g_task_set_source_tag (task, sockscope_lab_client_command_async);

  if (self->failure != NULL)
    {
      g_task_return_error (task, g_error_copy (self->failure));
      return;
    }
  if (self->input == NULL || self->start_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("the lab is not started"));
      return;
    }
  id = self->next_id++;
  json_object_set_int_member (command, "id", id);
  g_hash_table_insert (self->pending, g_memdup2 (&id, sizeof id), g_steal_pointer (&task));
  send_object (self, command);
}

JsonObject *
sockscope_lab_client_command_finish (SockscopeLabClient  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_command_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = sockscope_lab_client_command_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error);

  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) json_object_unref);
}

/* The typed commands below run through here; their tasks complete with the reply. */
static void
command (SockscopeLabClient  *self,
         JsonObject          *command,
         gpointer             source_tag,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback,
         gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  sockscope_lab_client_command_async (self, command, cancellable, on_command_done, task);
  json_object_unref (command);
}

static gboolean
command_finish (SockscopeLabClient  *self,
                GAsyncResult        *result,
                JsonObject         **reply,
                GError             **error)
{
  JsonObject *r;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if ((r = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return FALSE;
  if (reply != NULL)
    *reply = r;
  else
    json_object_unref (r);
  return TRUE;
}

static JsonObject *
new_command (const char *cmd)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "cmd", cmd);
  return o;
}

static void
set_step (JsonObject *o,
          guint       step)
{
  if (step > 0)
    json_object_set_int_member (o, "step", step);
  else
    json_object_set_null_member (o, "step");
}

void
sockscope_lab_client_hosts_async (SockscopeLabClient  *self,
                                  const char          *a,
                                  const char          *b,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *o = new_command ("hosts");

  json_object_set_string_member (o, "a", a != NULL ? a : "alice");
  json_object_set_string_member (o, "b", b != NULL ? b : "bob");
  command (self, o, sockscope_lab_client_hosts_async, cancellable, callback, user_data);
}

gboolean
sockscope_lab_client_hosts_finish (SockscopeLabClient  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  return command_finish (self, result, NULL, error);
}

void
sockscope_lab_client_actor_async (SockscopeLabClient  *self,
                                  const char          *name,
                                  const char          *parent,
                                  const char          *host,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  JsonObject *o = new_command ("actor");

  json_object_set_string_member (o, "name", name);
  if (parent != NULL)
    json_object_set_string_member (o, "parent", parent);
  if (host != NULL)
    json_object_set_string_member (o, "host", host);
  command (self, o, sockscope_lab_client_actor_async, cancellable, callback, user_data);
}

gboolean
sockscope_lab_client_actor_finish (SockscopeLabClient  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  return command_finish (self, result, NULL, error);
}

/* Runs one call in @actor; completes once it returned or is known to block (@blocked). */
void
sockscope_lab_client_call_async (SockscopeLabClient  *self,
                                 const char          *actor,
                                 const char          *call,
                                 const char * const  *args,
                                 const char          *assign,
                                 const char          *new_actor,
                                 guint                step,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonObject *o = new_command ("call");
  JsonArray *a = json_array_new ();

  for (guint i = 0; args != NULL && args[i]; i++)
    json_array_add_string_element (a, args[i]);
  json_object_set_string_member (o, "actor", actor);
  json_object_set_string_member (o, "call", call);
  json_object_set_array_member (o, "args", a);
  if (assign != NULL)
    json_object_set_string_member (o, "assign", assign);
  else
    json_object_set_null_member (o, "assign");
  /* fork, pthread_create: the name of the actor the call creates. */
  if (new_actor != NULL)
    json_object_set_string_member (o, "new_actor", new_actor);
  set_step (o, step);
  command (self, o, sockscope_lab_client_call_async, cancellable, callback, user_data);
}

gboolean
sockscope_lab_client_call_finish (SockscopeLabClient  *self,
                                  GAsyncResult        *result,
                                  gboolean            *blocked,
                                  GError             **error)
{
  g_autoptr(JsonObject) reply = NULL;

  if (!command_finish (self, result, &reply, error))
    return FALSE;
  if (blocked != NULL)
    *blocked = g_strcmp0 (json_object_get_string_member_with_default (reply, "status", ""), "blocked") == 0;
  return TRUE;
}

void
sockscope_lab_client_wire_async (SockscopeLabClient  *self,
                                 const char          *spec,
                                 guint                step,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonObject *o = new_command ("wire");

  json_object_set_string_member (o, "spec", spec);
  set_step (o, step);
  command (self, o, sockscope_lab_client_wire_async, cancellable, callback, user_data);
}

gboolean
sockscope_lab_client_wire_finish (SockscopeLabClient  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  return command_finish (self, result, NULL, error);
}

void
sockscope_lab_client_note_async (SockscopeLabClient  *self,
                                 const char          *text,
                                 const char          *level,
                                 guint                step,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  JsonObject *o = new_command ("note");

  json_object_set_string_member (o, "text", text);
  json_object_set_string_member (o, "level", level ? level : "info");
  set_step (o, step);
  command (self, o, sockscope_lab_client_note_async, cancellable, callback, user_data);
}

gboolean
sockscope_lab_client_note_finish (SockscopeLabClient  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  return command_finish (self, result, NULL, error);
}

void
sockscope_lab_client_settle_async (SockscopeLabClient  *self,
                                   guint                ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  JsonObject *o = new_command ("settle");

  json_object_set_int_member (o, "ms", ms);
  command (self, o, sockscope_lab_client_settle_async, cancellable, callback, user_data);
}

gboolean
sockscope_lab_client_settle_finish (SockscopeLabClient  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  return command_finish (self, result, NULL, error);
}

static gboolean
on_quit_timeout (gpointer user_data)
{
  SockscopeLabClient *self = user_data;

  self->quit_timeout = 0;
  g_subprocess_force_exit (self->subprocess);
  return G_SOURCE_REMOVE;
}

/* Asks the lab to quit; completes once the lab process is gone (killed if it lingers). */
void
sockscope_lab_client_quit_async (SockscopeLabClient  *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonObject) o = new_command ("quit");

  g_task_set_source_tag (task, sockscope_lab_client_quit_async);

  if (self->subprocess == NULL || self->gone || self->quit_task != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->quitting = TRUE;
  self->quit_task = g_steal_pointer (&task);
  json_object_set_int_member (o, "id", self->next_id++);
  send_object (self, o);
  self->quit_timeout = g_timeout_add (QUIT_TIMEOUT_MS, on_quit_timeout, self);
}

gboolean
sockscope_lab_client_quit_finish (SockscopeLabClient  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
