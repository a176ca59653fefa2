/* sockscope-runner.c: runs a lesson in a lab. Each step is a note (its explanation in the
 * chosen language) then a call; a step waits while its actor is blocked in an earlier call,
 * and `-> name` captures are filled from the return events' out.addr. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-error.h"
#include "sockscope-runner.h"
#include "sockscope-sync.h"

/* A step whose actor stays blocked this long in an earlier call is an error in the lesson. */
#define BLOCKED_TIMEOUT_MS 3000
/* Long enough for FIN-WAIT-2 to become TIME-WAIT at the end. */
#define FINAL_SETTLE_MS 300

struct _SockscopeRunner
{
  GObject             parent_instance;
  SockscopeLesson    *lesson;
  SockscopeLabClient *client;
  SockscopeEventLog  *log;
  char               *lang;
  guint               position;       /* steps done */
  GHashTable         *busy;           /* actor -> seq of its call still running */
  GHashTable         *call_steps;     /* call seq -> step number */
  GHashTable         *captures;       /* "actor/name" -> address */
  GHashTable         *ended;          /* actor -> how it ended ("exit status 0", "SIGSEGV") */
  GTask              *waiting;        /* a next() waiting for its actor */
  guint               wait_timeout;
  char               *wire;           /* sockscope_runner_set_wire(): in place of the lesson's */
};

G_DEFINE_FINAL_TYPE (SockscopeRunner, sockscope_runner, G_TYPE_OBJECT)

static void continue_step (SockscopeRunner *self,
                           GTask           *task);

static void
sockscope_runner_dispose (GObject *object)
{
  SockscopeRunner *self = SOCKSCOPE_RUNNER (object);

  g_clear_handle_id (&self->wait_timeout, g_source_remove);
  g_clear_object (&self->waiting);
  g_clear_object (&self->lesson);
  g_clear_object (&self->client);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (sockscope_runner_parent_class)->dispose (object);
}

static void
sockscope_runner_finalize (GObject *object)
{
  SockscopeRunner *self = SOCKSCOPE_RUNNER (object);

  g_free (self->lang);
  g_free (self->wire);
  g_hash_table_unref (self->busy);
  g_hash_table_unref (self->call_steps);
  g_hash_table_unref (self->captures);
  g_hash_table_unref (self->ended);

  G_OBJECT_CLASS (sockscope_runner_parent_class)->finalize (object);
}

static void
sockscope_runner_class_init (SockscopeRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sockscope_runner_dispose;
  object_class->finalize = sockscope_runner_finalize;
}

static void
sockscope_runner_init (SockscopeRunner *self)
{
  self->busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->call_steps = g_hash_table_new (NULL, NULL);
  self->captures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ended = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static const SockscopeStep *
next_step (SockscopeRunner *self)
{
  return sockscope_lesson_get_step (self->lesson, self->position + 1);
}

static void
resume_waiting (SockscopeRunner *self,
                const GError    *error)
{
  g_autoptr(GTask) task = NULL;

  if (self->waiting == NULL)
    return;
  if (error == NULL && g_hash_table_contains (self->busy, next_step (self)->actor) &&
      !g_hash_table_contains (self->ended, next_step (self)->actor))
    return;
  task = g_steal_pointer (&self->waiting);
  g_clear_handle_id (&self->wait_timeout, g_source_remove);
  if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    continue_step (self, g_steal_pointer (&task));
}

static void
on_event (SockscopeLabClient *client,
          const char         *line,
          JsonObject         *event,
          SockscopeRunner    *self)
{
  g_autoptr(GError) error = NULL;
  const char *type = json_object_get_string_member_with_default (event, "type", "");
  const char *actor = json_object_get_string_member_with_default (event, "actor", NULL);

  if (!sockscope_event_log_append (self->log, line, &error))
    g_warning ("%s", error->message);

  if (actor == NULL)
    return;
  /* An actor's end: `exit` events, or `actor` events `exited` / `killed`. */
  if (g_str_equal (type, "exit") ||
      (g_str_equal (type, "actor") &&
       g_strcmp0 (json_object_get_string_member_with_default (event, "event", NULL), "spawned") != 0))
    {
      const char *signal = json_object_get_string_member_with_default (event, "signal", NULL);
      JsonNode *status = json_object_get_member (event, "status");
      char *how;

      if (signal != NULL)
        how = g_strdup_printf (_("killed by %s"), signal);
      else if (status != NULL && JSON_NODE_HOLDS_VALUE (status))
        how = g_strdup_printf (_("exit status %d"), (int) json_node_get_int (status));
      else
        how = g_strdup ("");
      g_hash_table_insert (self->ended, g_strdup (actor), how);
      g_hash_table_remove (self->busy, actor);
      resume_waiting (self, NULL);
      return;
    }
  if (g_str_equal (type, "call"))
    {
      gint64 seq = json_object_get_int_member (event, "seq");
      JsonNode *step = json_object_get_member (event, "step");

      g_hash_table_insert (self->busy, g_strdup (actor), GSIZE_TO_POINTER (seq));
      if (step != NULL && JSON_NODE_HOLDS_VALUE (step))
        g_hash_table_insert (self->call_steps, GSIZE_TO_POINTER (seq), GSIZE_TO_POINTER (json_node_get_int (step)));
    }
  else if (g_str_equal (type, "return"))
    {
      gsize call_seq = json_object_get_int_member_with_default (event, "call_seq", 0);
      guint number = GPOINTER_TO_SIZE (g_hash_table_lookup (self->call_steps, GSIZE_TO_POINTER (call_seq)));
      JsonObject *out = json_object_get_object_member (event, "out");

      g_hash_table_remove (self->busy, actor);
      if (number >= 1 && number <= sockscope_lesson_get_n_steps (self->lesson))
        {
          const SockscopeStep *step = sockscope_lesson_get_step (self->lesson, number);

          if (step->capture != NULL && out != NULL && json_object_has_member (out, "addr"))
            g_hash_table_insert (self->captures, g_strdup_printf ("%s/%s", actor, step->capture),
                                 g_strdup (json_object_get_string_member (out, "addr")));
        }
      resume_waiting (self, NULL);
    }
}

static void
on_failed (SockscopeLabClient *client,
           const GError       *error,
           SockscopeRunner    *self)
{
  resume_waiting (self, error);
}

SockscopeRunner *
sockscope_runner_new (SockscopeLesson    *lesson,
                      SockscopeLabClient *client,
                      SockscopeEventLog  *log,
                      const char         *lang)
{
  SockscopeRunner *self = g_object_new (SOCKSCOPE_TYPE_RUNNER, NULL);

  self->lesson = g_object_ref (lesson);
  self->client = g_object_ref (client);
  self->log = g_object_ref (log);
  self->lang = g_strdup (lang);
  g_signal_connect_object (client, "event", G_CALLBACK (on_event), self, 0);
  g_signal_connect_object (client, "failed", G_CALLBACK (on_failed), self, 0);
  return self;
}

void
sockscope_runner_set_wire (SockscopeRunner *self,
                           const char      *spec)
{
  g_return_if_fail (SOCKSCOPE_IS_RUNNER (self));

  g_free (self->wire);
  self->wire = g_strdup (spec);
}

/* Steps done so far; the next step to run is position + 1. */
guint
sockscope_runner_get_position (SockscopeRunner *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_RUNNER (self), 0);
  return self->position;
}

/* The explorer's lesson grows by a step at a time: the steps done stay the same. */
void
sockscope_runner_set_lesson (SockscopeRunner *self,
                             SockscopeLesson *lesson)
{
  g_return_if_fail (SOCKSCOPE_IS_RUNNER (self));
  g_return_if_fail (sockscope_lesson_get_n_steps (lesson) >= self->position);

  g_set_object (&self->lesson, lesson);
}

gboolean
sockscope_runner_is_done (SockscopeRunner *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_RUNNER (self), TRUE);
  return self->position >= sockscope_lesson_get_n_steps (self->lesson);
}

static void
spawn_actor (GTask *task);

/* Wire specs sent one after the other, then @then is called with the task. */
typedef void (*WireThen) (GTask *task);

typedef struct
{
  GTask    *task;       /* owned */
  char    **specs;
  guint     index;
  guint     step;
  WireThen  then;
} WireChain;

static void send_next_wire (WireChain *chain);

static void
on_wire_sent (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  WireChain *chain = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_lab_client_wire_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    {
      if (chain->step > 0)
        g_task_return_new_error (chain->task, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_REFUSED,
                                 _("step %u: the lab refused the wire rule '%s': %s"),
                                 chain->step, chain->specs[chain->index], error->message);
      else
        g_task_return_new_error (chain->task, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_LAB_REFUSED,
                                 _("the lab refused the wire rule '%s': %s"),
                                 chain->specs[chain->index], error->message);
      g_object_unref (chain->task);
      g_strfreev (chain->specs);
      g_free (chain);
      return;
    }
  chain->index++;
  send_next_wire (chain);
}

static void
send_next_wire (WireChain *chain)
{
  SockscopeRunner *self = g_task_get_source_object (chain->task);

  if (chain->specs == NULL || chain->specs[chain->index] == NULL)
    {
      GTask *task = chain->task;
      WireThen then = chain->then;

      g_strfreev (chain->specs);
      g_free (chain);
      then (task);
      return;
    }
  sockscope_lab_client_wire_async (self->client, chain->specs[chain->index], chain->step,
                                   g_task_get_cancellable (chain->task), on_wire_sent, chain);
}

/* Sends @specs (each a `wire` command applying from @step, 0 for the whole run), then calls
 * @then with @task, whose reference it takes. */
static void
send_wires (GTask              *task,
            const char * const *specs,
            guint               step,
            WireThen            then)
{
  WireChain *chain = g_new0 (WireChain, 1);

  chain->task = task;
  chain->specs = g_strdupv ((char **) specs);
  chain->step = step;
  chain->then = then;
  send_next_wire (chain);
}

static void
on_hosts_made (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  SockscopeRunner *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!sockscope_lab_client_hosts_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  /* The wire's rules for the whole run, before any actor sends a frame. */
  if (self->wire != NULL)
    {
      const char *override[] = { self->wire, NULL };

      send_wires (task, override, 0, spawn_actor);
    }
  else
    send_wires (task, sockscope_lesson_get_wire (self->lesson), 0, spawn_actor);
}

static void
on_actor_spawned (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_lab_client_actor_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    spawn_actor (g_steal_pointer (&task));
}

/* Spawns the lesson's top-level actors one after the other, in the order they are declared. */
static void
spawn_actor (GTask *task)
{
  SockscopeRunner *self = g_task_get_source_object (task);
  guint index = GPOINTER_TO_UINT (g_task_get_task_data (task));
  const SockscopeActor *actor;

  if (index >= sockscope_lesson_get_n_actors (self->lesson))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  actor = sockscope_lesson_get_actor (self->lesson, index);
  g_task_set_task_data (task, GUINT_TO_POINTER (index + 1), NULL);
  /* A child actor is made by its parent's fork or pthread_create step. */
  if (actor->parent != NULL)
    {
      spawn_actor (task);
      return;
    }
  sockscope_lab_client_actor_async (self->client, actor->name, actor->parent, actor->host,
                                    g_task_get_cancellable (task), on_actor_spawned, task);
}

static void
on_lab_started (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SockscopeRunner *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!sockscope_lab_client_start_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (sockscope_lesson_has_hosts (self->lesson))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      sockscope_lab_client_hosts_async (self->client,
                                        sockscope_lesson_get_host_name (self->lesson, "a"),
                                        sockscope_lesson_get_host_name (self->lesson, "b"),
                                        cancellable, on_hosts_made, g_steal_pointer (&task));
    }
  else
    spawn_actor (g_steal_pointer (&task));
}

/* Starts the lab and spawns the actors. */
void
sockscope_runner_start_async (SockscopeRunner     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sockscope_runner_start_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (0), NULL);
  sockscope_lab_client_start_async (self->client, cancellable, on_lab_started, task);
}

gboolean
sockscope_runner_start_finish (SockscopeRunner  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A forked child starts with a copy of its parent's addresses kept with `-> name`. */
static void
inherit_captures (SockscopeRunner *self,
                  const char      *parent,
                  const char      *child)
{
  g_autofree char *prefix = g_strdup_printf ("%s/", parent);
  g_autoptr(GPtrArray) copies = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->captures);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, prefix))
      g_ptr_array_add (copies, key);
  for (guint i = 0; i < copies->len; i++)
    {
      const char *key_name = g_ptr_array_index (copies, i);

      g_hash_table_insert (self->captures, g_strdup_printf ("%s/%s", child, key_name + strlen (prefix)),
                           g_strdup (g_hash_table_lookup (self->captures, key_name)));
    }
}

static void
on_call_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SockscopeRunner *self = g_task_get_source_object (task);
  const SockscopeStep *step = next_step (self);
  g_autoptr(GError) error = NULL;

  if (!sockscope_lab_client_call_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->position++;
  if (step->new_actor != NULL)
    inherit_captures (self, step->actor, step->new_actor);
  g_task_return_boolean (task, TRUE);
}

/* The step's call, once its note and its wire rules are sent; takes @task's reference. */
static void
send_call (GTask *task)
{
  SockscopeRunner *self = g_task_get_source_object (task);
  const SockscopeStep *step = next_step (self);
  char **args = g_task_get_task_data (task);

  sockscope_lab_client_call_async (self->client, step->actor, step->call, (const char * const *) args,
                                   step->assign, step->new_actor, step->number, g_task_get_cancellable (task),
                                   on_call_done, task);
}

static void
on_note_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SockscopeRunner *self = g_task_get_source_object (task);
  const SockscopeStep *step = next_step (self);
  g_autoptr(GError) error = NULL;

  if (!sockscope_lab_client_note_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A step's `wire:` lines apply just before its call (none when the run's wire is set). */
  if (step->wire != NULL && self->wire == NULL)
    send_wires (g_steal_pointer (&task), (const char * const *) step->wire, step->number, send_call);
  else
    send_call (g_steal_pointer (&task));
}

/* Is @name kept with `-> name` by an earlier step of @actor? */
static gboolean
is_capture (SockscopeRunner *self,
            const char      *actor,
            const char      *name,
            guint            before)
{
  for (guint i = 1; i < before; i++)
    {
      const SockscopeStep *step = sockscope_lesson_get_step (self->lesson, i);

      if (g_str_equal (step->actor, actor) && g_strcmp0 (step->capture, name) == 0)
        return TRUE;
      if (g_strcmp0 (step->new_actor, actor) == 0)
        return is_capture (self, step->actor, name, i);
    }
  return FALSE;
}

/* The address @actor keeps under @name; a thread sees those of the process it belongs to. */
static const char *
find_capture (SockscopeRunner *self,
              const char      *actor,
              const char      *name)
{
  while (actor != NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s/%s", actor, name);
      const char *addr = g_hash_table_lookup (self->captures, key);
      int index = sockscope_lesson_find_actor (self->lesson, actor);
      const SockscopeActor *info = index >= 0 ? sockscope_lesson_get_actor (self->lesson, index) : NULL;

      if (addr != NULL)
        return addr;
      actor = info != NULL && info->thread ? info->parent : NULL;
    }
  return NULL;
}

static void
continue_step (SockscopeRunner *self,
               GTask           *task)
{
  const SockscopeStep *step = next_step (self);
  guint n = g_strv_length (step->args);
  const char *how = g_hash_table_lookup (self->ended, step->actor);
  char **args;

  if (how != NULL && *how != '\0')
    {
      g_task_return_new_error (task, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_BLOCKED,
                               _("step %u cannot run: %s has already ended (%s); hint: an actor makes no call after its exit(), move the step before it or give it to another actor"),
                               step->number, step->actor, how);
      g_object_unref (task);
      return;
    }
  if (how != NULL)
    {
      g_task_return_new_error (task, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_BLOCKED,
                               _("step %u cannot run: %s has already ended; hint: a thread ends with its process, an actor makes no call after its end"),
                               step->number, step->actor);
      g_object_unref (task);
      return;
    }
  args = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      const char *addr = find_capture (self, step->actor, step->args[i]);

      if (addr == NULL && is_capture (self, step->actor, step->args[i], step->number))
        {
          g_strfreev (args);
          g_task_return_new_error (task, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_BLOCKED,
                                   _("step %u: %s has no address in '%s': the call that should have filled it returned none"),
                                   step->number, step->actor, step->args[i]);
          g_object_unref (task);
          return;
        }
      args[i] = g_strdup (addr ? addr : step->args[i]);
    }
  g_task_set_task_data (task, args, (GDestroyNotify) g_strfreev);
  sockscope_lab_client_note_async (self->client, sockscope_step_get_text (step, self->lang), "info",
                                   step->number, g_task_get_cancellable (task), on_note_done, task);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  SockscopeRunner *self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->waiting);
  const SockscopeStep *step = next_step (self);

  self->wait_timeout = 0;
  g_task_return_new_error (task, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_BLOCKED,
                           _("step %u cannot run: %s is still blocked in an earlier call; hint: the lesson must make another actor unblock it first"),
                           step->number, step->actor);
  return G_SOURCE_REMOVE;
}

/* Runs the next step: waits while its actor is blocked in an earlier call, sends the step's
 * explanation as a note, then the call; completes once the lab answered `done`. */
void
sockscope_runner_next_async (SockscopeRunner     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sockscope_runner_next_async);

  if (sockscope_runner_is_done (self) || self->waiting != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               self->waiting ? _("a step is already waiting") : _("the lesson has no more steps"));
      g_object_unref (task);
      return;
    }
  if (g_hash_table_contains (self->busy, next_step (self)->actor))
    {
      self->waiting = task;
      self->wait_timeout = g_timeout_add (BLOCKED_TIMEOUT_MS, on_wait_timeout, self);
      return;
    }
  continue_step (self, task);
}

gboolean
sockscope_runner_next_finish (SockscopeRunner  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_quit (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *settle_error = g_task_get_task_data (task);

  sockscope_lab_client_quit_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);
  if (settle_error != NULL)
    g_task_return_error (task, g_error_copy (settle_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_settled (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!sockscope_lab_client_settle_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    g_task_set_task_data (task, error, (GDestroyNotify) g_error_free);
  sockscope_lab_client_quit_async (SOCKSCOPE_LAB_CLIENT (object), NULL, on_quit, task);
}

/* Lets the kernel finish (TIME-WAIT appears), then quits the lab: every actor is killed, blocked
 * or not. */
void
sockscope_runner_stop_async (SockscopeRunner     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sockscope_runner_stop_async);
  if (self->waiting != NULL)
    {
      g_clear_handle_id (&self->wait_timeout, g_source_remove);
      g_task_return_new_error (g_steal_pointer (&self->waiting), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("the run was stopped"));
    }
  sockscope_lab_client_settle_async (self->client, FINAL_SETTLE_MS, cancellable, on_settled, task);
}

gboolean
sockscope_runner_stop_finish (SockscopeRunner  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- synchronous forms ---- */

gboolean
sockscope_runner_start_sync (SockscopeRunner  *self,
                             GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_RUNNER (self), FALSE);

  sockscope_runner_start_async (self, NULL, sockscope_sync_done, &result);
  return sockscope_runner_start_finish (self, sockscope_sync_wait (&result), error);
}

gboolean
sockscope_runner_next_sync (SockscopeRunner  *self,
                            GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_RUNNER (self), FALSE);

  sockscope_runner_next_async (self, NULL, sockscope_sync_done, &result);
  return sockscope_runner_next_finish (self, sockscope_sync_wait (&result), error);
}

gboolean
sockscope_runner_stop_sync (SockscopeRunner  *self,
                            GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_RUNNER (self), FALSE);

  sockscope_runner_stop_async (self, NULL, sockscope_sync_done, &result);
  return sockscope_runner_stop_finish (self, sockscope_sync_wait (&result), error);
}

gboolean
sockscope_runner_run_to_end (SockscopeRunner  *self,
                             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) stop_error = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_RUNNER (self), FALSE);

  if (sockscope_runner_start_sync (self, &local_error))
    while (!sockscope_runner_is_done (self) && sockscope_runner_next_sync (self, &local_error))
      ;
  /* The lab is stopped whatever happened; its own error comes second. */
  if (!sockscope_runner_stop_sync (self, &stop_error) && local_error == NULL)
    local_error = g_steal_pointer (&stop_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
