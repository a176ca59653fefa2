/* sockscope-explore.c: explore mode. The learner's calls are steps of a lesson that grows one
 * step at a time: each line is checked by the lesson checker against the steps so far (a lesson
 * text of the actors and steps, with the new line, parsed by SockscopeLesson: its messages, its
 * nearest names), then the runner, given the grown lesson, runs it in the lab like any lesson's
 * step. Nothing is simulated: undo restarts the lab and replays the steps but the last. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-calls.h"
#include "sockscope-error.h"
#include "sockscope-explore-private.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson-private.h"
#include "sockscope-runner.h"
#include "sockscope-sync.h"

#define MAX_ACTORS 64
/* A step for an actor blocked in an earlier call waits this long for the call to return (the
 * return of a call another actor's step just unblocked may come a moment after that step). */
#define UNBLOCK_WAIT_MS 500
/* The runner needs a lesson before the first step: this one is never run. */
#define PLACEHOLDER_LESSON \
  "id: explore\ntitle.en: Explore\ntitle.fr: Explorer\n" \
  "actor: explore\n  label.en: explore\n  label.fr: explore\n" \
  "explore: close(0)\n  en: .\n  fr: .\n"

G_DEFINE_QUARK (sockscope-explore-error-quark, sockscope_explore_error)

struct _SockscopeExplore
{
  GObject             parent_instance;
  char               *lang;
  GPtrArray          *actors;     /* SockscopeExploreActor */
  GPtrArray          *steps;      /* SockscopeExploreStep */
  SockscopeLesson    *lesson;     /* the steps done, NULL before the first */
  SockscopeLabClient *client;
  SockscopeEventLog  *log;
  SockscopeRunner    *runner;
  GHashTable         *blocked;    /* actor -> the call it is blocked in */
  GHashTable         *ended;      /* actor set */
  gboolean            busy;
  gboolean            running;
  GTask              *waiting;    /* a run waiting for its actor to return */
  guint               wait_timeout;
  char               *host_names[2]; /* two hosts (a lesson gone on from has them), else NULL */
  char              **wire;       /* that lesson's top-level wire lines */
  GTask              *stopping;   /* a stop asked while busy: it begins when the command ends */
  GError             *failure;    /* why the lab stopped on its own, or NULL */
  guint               stop_idle;
};

G_DEFINE_FINAL_TYPE (SockscopeExplore, sockscope_explore, G_TYPE_OBJECT)

enum { PROP_0, PROP_LOG, PROP_BUSY, N_PROPS };
enum { CHANGED, RESET, LAB_FAILED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
actor_free (gpointer data)
{
  SockscopeExploreActor *actor = data;

  g_free (actor->name);
  g_free (actor->label_en);
  g_free (actor->label_fr);
  g_free (actor->role);
  g_free (actor->parent);
  g_free (actor->host);
  g_free (actor);
}

static void
step_free (gpointer data)
{
  SockscopeExploreStep *step = data;

  g_free (step->actor);
  g_free (step->call);
  g_free (step->line);
  g_free (step->text_en);
  g_free (step->text_fr);
  g_free (step->loop);
  g_free (step->choices);
  g_strfreev (step->wire);
  g_free (step);
}

static void
sockscope_explore_dispose (GObject *object)
{
  SockscopeExplore *self = SOCKSCOPE_EXPLORE (object);

  g_clear_handle_id (&self->wait_timeout, g_source_remove);
  g_clear_handle_id (&self->stop_idle, g_source_remove);
  g_clear_object (&self->waiting);
  g_clear_object (&self->stopping);
  g_clear_object (&self->runner);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->log);
  g_clear_object (&self->lesson);

  G_OBJECT_CLASS (sockscope_explore_parent_class)->dispose (object);
}

static void
sockscope_explore_finalize (GObject *object)
{
  SockscopeExplore *self = SOCKSCOPE_EXPLORE (object);

  g_free (self->lang);
  g_clear_error (&self->failure);
  g_free (self->host_names[0]);
  g_free (self->host_names[1]);
  g_strfreev (self->wire);
  g_ptr_array_unref (self->actors);
  g_ptr_array_unref (self->steps);
  g_hash_table_unref (self->blocked);
  g_hash_table_unref (self->ended);

  G_OBJECT_CLASS (sockscope_explore_parent_class)->finalize (object);
}

static void
sockscope_explore_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SockscopeExplore *self = SOCKSCOPE_EXPLORE (object);

  switch (prop_id)
    {
    case PROP_LOG:
      g_value_set_object (value, self->log);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sockscope_explore_class_init (SockscopeExploreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sockscope_explore_dispose;
  object_class->finalize = sockscope_explore_finalize;
  object_class->get_property = sockscope_explore_get_property;

  properties[PROP_LOG] = g_param_spec_object ("log", NULL, NULL, SOCKSCOPE_TYPE_EVENT_LOG,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SockscopeExplore::changed:
   *
   * The steps, the actors or the lesson changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SockscopeExplore::reset:
   *
   * A new lab and a new log (start, undo): read the log again from its start.
   */
  signals[RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SockscopeExplore::lab-failed:
   * @error: why the lab is gone
   *
   * The lab stopped on its own (crashed, killed) the moment it did: nothing more runs in it;
   * the steps and actors stay (sockscope_explore_replay_async starts a new lab with them).
   */
  signals[LAB_FAILED] = g_signal_new ("lab-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
sockscope_explore_init (SockscopeExplore *self)
{
  self->actors = g_ptr_array_new_with_free_func (actor_free);
  self->steps = g_ptr_array_new_with_free_func (step_free);
  self->blocked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->ended = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->log = sockscope_event_log_new ();
}

SockscopeExplore *
sockscope_explore_new (const char *lang)
{
  SockscopeExplore *self = g_object_new (SOCKSCOPE_TYPE_EXPLORE, NULL);

  self->lang = g_strdup (g_strcmp0 (lang, "fr") == 0 ? "fr" : "en");
  return self;
}

GPtrArray *
sockscope_explore_actor_list (SockscopeExplore *self)
{
  return self->actors;
}

const char *
sockscope_explore_host_name (SockscopeExplore *self,
                             guint             index)
{
  return index < 2 ? self->host_names[index] : NULL;
}

const char * const *
sockscope_explore_wire (SockscopeExplore *self)
{
  return (const char * const *) self->wire;
}

GPtrArray *
sockscope_explore_step_list (SockscopeExplore *self)
{
  return self->steps;
}

static gboolean begin_stop (gpointer user_data);

static void
set_busy (SockscopeExplore *self,
          gboolean          busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  /* A stop asked meanwhile begins once the command has returned its result. */
  if (!busy && self->stopping != NULL && self->stop_idle == 0)
    self->stop_idle = g_idle_add (begin_stop, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---- names ---- */

static SockscopeExploreActor *
find_actor (SockscopeExplore *self,
            const char       *name)
{
  for (guint i = 0; i < self->actors->len; i++)
    {
      SockscopeExploreActor *actor = g_ptr_array_index (self->actors, i);

      if (g_str_equal (actor->name, name))
        return actor;
    }
  return NULL;
}

static const char *
nearest_actor (SockscopeExplore *self,
               const char       *name)
{
  const char *best = NULL;
  guint best_score = G_MAXUINT;

  for (guint i = 0; i < self->actors->len; i++)
    {
      SockscopeExploreActor *actor = g_ptr_array_index (self->actors, i);
      guint score = sockscope_edit_distance (name, actor->name);

      if (score < best_score)
        {
          best_score = score;
          best = actor->name;
        }
    }
  return best_score <= MAX (2, strlen (name) / 3) ? best : NULL;
}

static char *
actor_names (SockscopeExplore *self)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < self->actors->len; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "", ((SockscopeExploreActor *) g_ptr_array_index (self->actors, i))->name);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* An actor that can make a call now, other than @but. */
static const char *
free_actor (SockscopeExplore *self,
            const char       *but)
{
  for (guint i = 0; i < self->actors->len; i++)
    {
      SockscopeExploreActor *actor = g_ptr_array_index (self->actors, i);

      if (g_strcmp0 (actor->name, but) != 0 && !g_hash_table_contains (self->blocked, actor->name) &&
          !g_hash_table_contains (self->ended, actor->name) &&
          (actor->parent == NULL || actor->created_by != 0))
        return actor->name;
    }
  return NULL;
}

/* ---- checking a line ---- */

typedef struct
{
  char                  *actor;
  char                  *call;
  SockscopeExploreActor *child;    /* declared by the line's fork or pthread_create, or NULL */
  SockscopeLesson       *lesson;   /* the steps so far and this one */
} Checked;

static void
checked_free (Checked *checked)
{
  g_free (checked->actor);
  g_free (checked->call);
  if (checked->child != NULL)
    actor_free (checked->child);
  g_clear_object (&checked->lesson);
  g_free (checked);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Checked, checked_free)

/* The checker's messages without their "explore:12: " prefixes. */
static char *
strip_locations (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message, "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    {
      const char *text = lines[i];

      if (g_str_has_prefix (text, "explore:"))
        {
          const char *colon = strchr (text + strlen ("explore:"), ':');

          if (colon != NULL)
            text = colon + (colon[1] == ' ' ? 2 : 1);
        }
      g_string_append_printf (out, "%s%s", out->len ? "\n" : "", text);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The child actor `-> NAME` of a fork or pthread_create names, declared at once if it is new. */
static SockscopeExploreActor *
new_child (SockscopeExplore *self,
           const char       *actor,
           const char       *call)
{
  const char *open = strchr (call, '(');
  const char *arrow = strstr (call, "->");
  g_autofree char *head = NULL;
  g_autofree char *name = NULL;
  const char *eq;
  const SsCallInfo *info;
  SockscopeExploreActor *child;

  if (open == NULL || arrow == NULL || arrow < open)
    return NULL;
  head = g_strndup (call, open - call);
  eq = strchr (head, '=');
  info = ss_call_lookup (g_strstrip (eq ? (char *) eq + 1 : head));
  name = g_strstrip (g_strdup (arrow + 2));
  if (info == NULL || !info->new_actor || !sockscope_is_identifier (name) || find_actor (self, name) != NULL)
    return NULL;
  child = g_new0 (SockscopeExploreActor, 1);
  child->name = g_steal_pointer (&name);
  child->label_en = g_strdup (child->name);
  child->label_fr = g_strdup (child->name);
  child->parent = g_strdup (actor);
  child->thread = info->id == SS_CALL_PTHREAD_CREATE;
  child->created_by = self->steps->len + 1;
  child->host = g_strdup (find_actor (self, actor)->host);
  return child;
}

static Checked *
check_line (SockscopeExplore  *self,
            const char        *line,
            GError           **error)
{
  g_autoptr(Checked) checked = g_new0 (Checked, 1);
  g_autoptr(GPtrArray) actors = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *text = NULL;
  SockscopeExploreStep step = { 0 };
  const char *colon = strchr (line, ':');
  const char *near;

  /* A step is one line (a paste may bring several). */
  if (strpbrk (line, "\r\n") != NULL)
    {
      g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_CHECK,
                   _("a step is one line; hint: run the calls one after the other"));
      return NULL;
    }
  if (colon != NULL)
    {
      checked->actor = g_strstrip (g_strndup (line, colon - line));
      checked->call = g_strstrip (g_strdup (colon + 1));
    }
  if (checked->actor == NULL || !sockscope_is_identifier (checked->actor) || strchr (checked->call, '(') == NULL)
    {
      const char *example = self->actors->len > 0 ? ((SockscopeExploreActor *) g_ptr_array_index (self->actors, 0))->name : "server";

      g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_CHECK,
                   _("cannot read '%s'; hint: write the actor, a colon and the call as in C, e.g. '%s: s = socket(AF_INET, SOCK_STREAM, 0)'"),
                   line, example);
      return NULL;
    }
  if (find_actor (self, checked->actor) == NULL)
    {
      g_autofree char *names = actor_names (self);

      if (self->actors->len == 0)
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_UNKNOWN_ACTOR,
                     _("unknown actor '%s'; hint: there is no actor yet, add one first"), checked->actor);
      else if ((near = nearest_actor (self, checked->actor)) != NULL)
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_UNKNOWN_ACTOR,
                     _("unknown actor '%s'; hint: did you mean '%s'? The actors are %s"), checked->actor, near, names);
      else
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_UNKNOWN_ACTOR,
                     _("unknown actor '%s'; hint: the actors are %s, or add it first"), checked->actor, names);
      return NULL;
    }
  if (g_hash_table_contains (self->ended, checked->actor))
    {
      const char *other = free_actor (self, checked->actor);

      if (other != NULL)
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_ENDED,
                     _("%s has ended and makes no more calls; hint: %s can go"), checked->actor, other);
      else
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_ENDED,
                     _("%s has ended and makes no more calls; hint: add another actor"), checked->actor);
      return NULL;
    }

  checked->child = new_child (self, checked->actor, checked->call);
  if (checked->child != NULL && self->actors->len >= MAX_ACTORS)
    {
      g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_TOO_MANY_ACTORS,
                   _("%s would be a 65th actor; hint: a lesson has at most %u actors"),
                   checked->child->name, MAX_ACTORS);
      return NULL;
    }
  /* Borrowed pointers: arrays with no free function. */
  actors = g_ptr_array_new ();
  g_ptr_array_extend (actors, self->actors, NULL, NULL);
  if (checked->child != NULL)
    g_ptr_array_add (actors, checked->child);
  steps = g_ptr_array_new ();
  g_ptr_array_extend (steps, self->steps, NULL, NULL);
  /* Checked as typed, key after key in a window: no step is described from the log here. */
  step.actor = checked->actor;
  step.call = checked->call;
  g_ptr_array_add (steps, &step);
  text = sockscope_explore_write_text (self, actors, steps, 0, NULL, NULL, FALSE);
  if ((checked->lesson = sockscope_lesson_new_from_data (text, "explore", &parse_error)) == NULL)
    {
      g_autofree char *message = strip_locations (parse_error->message);

      g_set_error_literal (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_CHECK, message);
      return NULL;
    }
  /* The step as the checker reads it, `s = socket(AF_INET, SOCK_DGRAM, 0)` whatever the spaces
   * typed: its note in the log says it so. */
  {
    const SockscopeStep *parsed = sockscope_lesson_get_step (checked->lesson, sockscope_lesson_get_n_steps (checked->lesson));
    g_autofree char *canonical = sockscope_step_to_string (parsed);

    if (!g_str_equal (canonical, checked->call))
      {
        g_autoptr(SockscopeLesson) again = NULL;

        step.call = canonical;
        g_free (text);
        text = sockscope_explore_write_text (self, actors, steps, 0, NULL, NULL, FALSE);
        if ((again = sockscope_lesson_new_from_data (text, "explore", NULL)) != NULL)
          {
            g_set_object (&checked->lesson, again);
            g_free (checked->call);
            checked->call = g_steal_pointer (&canonical);
          }
      }
  }
  return g_steal_pointer (&checked);
}

static gboolean
refuse_blocked (SockscopeExplore  *self,
                const char        *actor,
                GError           **error)
{
  const char *call = g_hash_table_lookup (self->blocked, actor);
  const char *other = free_actor (self, actor);

  if (call == NULL)
    return FALSE;
  if (other != NULL)
    g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BLOCKED,
                 _("%s is still blocked in %s: it makes no other call until it returns; hint: %s can go, make a call that unblocks it"),
                 actor, call, other);
  else
    g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BLOCKED,
                 _("%s is still blocked in %s: it makes no other call until it returns; hint: no other actor can go, add one to unblock it"),
                 actor, call);
  return TRUE;
}

gboolean
sockscope_explore_check_line (SockscopeExplore  *self,
                              const char        *line,
                              GError           **error)
{
  g_autoptr(Checked) checked = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), FALSE);
  g_return_val_if_fail (line != NULL, FALSE);

  if ((checked = check_line (self, line, error)) == NULL)
    return FALSE;
  return !refuse_blocked (self, checked->actor, error);
}

/* ---- the lab's events ---- */

static void resume_waiting (SockscopeExplore *self);
static void run_fail (GTask *task, GError *error);

static void
on_event (SockscopeLabClient *client,
          const char         *line,
          JsonObject         *event,
          SockscopeExplore   *self)
{
  const char *type = json_object_get_string_member_with_default (event, "type", "");
  const char *actor = json_object_get_string_member_with_default (event, "actor", NULL);

  if (actor == NULL)
    return;
  if (g_str_equal (type, "exit") ||
      (g_str_equal (type, "actor") &&
       g_strcmp0 (json_object_get_string_member_with_default (event, "event", NULL), "spawned") != 0))
    {
      g_hash_table_add (self->ended, g_strdup (actor));
      g_hash_table_remove (self->blocked, actor);
      resume_waiting (self);
    }
  else if (g_str_equal (type, "call"))
    g_hash_table_insert (self->blocked, g_strdup (actor),
                         g_strdup (json_object_get_string_member_with_default (event, "text", "?")));
  else if (g_str_equal (type, "return"))
    {
      g_hash_table_remove (self->blocked, actor);
      resume_waiting (self);
    }
}

/* The lab is gone (crashed, killed): nothing more runs in it. */
static void
on_failed (SockscopeLabClient *client,
           const GError       *error,
           SockscopeExplore   *self)
{
  GTask *waiting = g_steal_pointer (&self->waiting);

  self->running = FALSE;
  g_clear_error (&self->failure);
  self->failure = g_error_copy (error);
  g_clear_handle_id (&self->wait_timeout, g_source_remove);
  /* A run waiting for its actor to return waits no more. */
  if (waiting != NULL)
    run_fail (waiting, g_error_new (SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_NOT_STARTED,
                                    _("the lab is not running: %s; hint: start again (the steps can be saved first)"),
                                    error->message));
  g_signal_emit (self, signals[LAB_FAILED], 0, self->failure);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* The steps done, with their descriptions, as the lesson front ends read. */
static void
update_lesson (SockscopeExplore *self)
{
  g_autofree char *text = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;

  if (self->steps->len > 0)
    {
      text = sockscope_explore_write_text (self, self->actors, self->steps, self->steps->len, NULL, NULL, FALSE);
      lesson = sockscope_lesson_new_from_data (text, "explore", &error);
      /* The steps passed the checker one by one; a description never makes them fail. */
      if (lesson == NULL)
        g_warning ("explore: %s", error->message);
    }
  g_set_object (&self->lesson, lesson);
  if (lesson != NULL && self->runner != NULL)
    sockscope_runner_set_lesson (self->runner, lesson);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- a fresh lab: start, undo ---- */

static void restart_replay (GTask *task);

static void
restart_fail (GTask  *task,
              GError *error)
{
  SockscopeExplore *self = g_task_get_source_object (task);

  self->running = FALSE;
  set_busy (self, FALSE);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_replayed (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!sockscope_runner_next_finish (SOCKSCOPE_RUNNER (object), result, &error))
    restart_fail (task, error);
  else
    restart_replay (task);
}

/* Runs the steps kept again, one after the other. */
static void
restart_replay (GTask *task)
{
  SockscopeExplore *self = g_task_get_source_object (task);

  if (sockscope_runner_get_position (self->runner) < self->steps->len)
    {
      sockscope_runner_next_async (self->runner, g_task_get_cancellable (task), on_replayed, task);
      return;
    }
  update_lesson (self);
  set_busy (self, FALSE);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_runner_started (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!sockscope_runner_start_finish (SOCKSCOPE_RUNNER (object), result, &error))
    restart_fail (task, error);
  else
    restart_replay (task);
}

static void
on_lab_started (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!sockscope_lab_client_start_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    restart_fail (task, error);
  else
    restart_replay (task);
}

static void
on_old_lab_quit (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  sockscope_lab_client_quit_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);
}

/* The lesson the runner starts the lab with: the actors (their hosts, the wire) and the steps
 * kept; with no step yet, one for the first actor that never runs (a lesson has steps). */
static SockscopeLesson *
start_lesson (SockscopeExplore  *self,
              GError           **error)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new ();
  g_autofree char *text = NULL;
  SockscopeExploreStep unused = { 0 };

  g_ptr_array_extend (steps, self->steps, NULL, NULL);
  if (steps->len == 0)
    {
      unused.actor = ((SockscopeExploreActor *) g_ptr_array_index (self->actors, 0))->name;
      unused.call = (char *) "close(0)";
      g_ptr_array_add (steps, &unused);
    }
  text = sockscope_explore_write_text (self, self->actors, steps, 0, NULL, NULL, FALSE);
  return sockscope_lesson_new_from_data (text, "explore", error);
}

/* A new lab and log for the actors and the steps kept, which it runs again. With no actor yet,
 * an empty lab (the runner then has a lesson of its own that never runs). */
static void
restart (SockscopeExplore *self,
         GTask            *task)
{
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;

  set_busy (self, TRUE);
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      if (self->running)
        sockscope_lab_client_quit_async (self->client, NULL, on_old_lab_quit, NULL);
    }
  g_clear_object (&self->runner);
  g_clear_object (&self->client);
  g_clear_error (&self->failure);
  g_hash_table_remove_all (self->blocked);
  g_hash_table_remove_all (self->ended);

  if (self->actors->len > 0)
    lesson = start_lesson (self, &error);
  else
    lesson = sockscope_lesson_new_from_data (PLACEHOLDER_LESSON, "explore", &error);
  if (lesson == NULL)
    {
      restart_fail (task, g_error_new (SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_CHECK, "%s", error->message));
      return;
    }

  g_clear_object (&self->log);
  self->log = sockscope_event_log_new ();
  self->client = sockscope_lab_client_new ();
  /* The runner appends each event to the log before this model looks at it. */
  self->runner = sockscope_runner_new (lesson, self->client, self->log, self->lang);
  g_signal_connect (self->client, "event", G_CALLBACK (on_event), self);
  g_signal_connect (self->client, "failed", G_CALLBACK (on_failed), self);
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG]);
  g_signal_emit (self, signals[RESET], 0);
  /* The runner starts the lab, names the hosts, lays the wire and spawns the actors. */
  if (self->actors->len > 0)
    sockscope_runner_start_async (self->runner, g_task_get_cancellable (task), on_runner_started, task);
  else
    sockscope_lab_client_start_async (self->client, g_task_get_cancellable (task), on_lab_started, task);
}

static gboolean
refuse_busy (SockscopeExplore *self,
             GTask            *task)
{
  if (!self->busy)
    return FALSE;
  g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BUSY,
                           _("wait: the lab is still busy with the last command"));
  g_object_unref (task);
  return TRUE;
}

static gboolean
refuse_not_running (SockscopeExplore *self,
                    GTask            *task)
{
  if (self->running)
    return FALSE;
  if (self->failure != NULL)
    g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_NOT_STARTED,
                             _("the lab is not running: %s; hint: start again (the steps can be saved first)"),
                             self->failure->message);
  else
    g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_NOT_STARTED,
                             _("the lab is not running"));
  g_object_unref (task);
  return TRUE;
}

/* Takes @from's actors and its steps 1 to @from_step. */
static void
take_lesson (SockscopeExplore *self,
             SockscopeLesson  *from,
             guint             from_step)
{
  g_ptr_array_set_size (self->actors, 0);
  g_ptr_array_set_size (self->steps, 0);
  g_clear_pointer (&self->host_names[0], g_free);
  g_clear_pointer (&self->host_names[1], g_free);
  g_clear_pointer (&self->wire, g_strfreev);
  if (from == NULL)
    return;
  if (sockscope_lesson_has_hosts (from))
    {
      self->host_names[0] = g_strdup (sockscope_lesson_get_host_name (from, "a"));
      self->host_names[1] = g_strdup (sockscope_lesson_get_host_name (from, "b"));
      self->wire = g_strdupv ((char **) sockscope_lesson_get_wire (from));
    }
  for (guint i = 0; i < sockscope_lesson_get_n_actors (from); i++)
    {
      const SockscopeActor *a = sockscope_lesson_get_actor (from, i);
      SockscopeExploreActor *actor;

      /* A child whose fork comes later is not there yet. */
      if (a->parent != NULL && (a->created_by == 0 || a->created_by > from_step))
        continue;
      actor = g_new0 (SockscopeExploreActor, 1);
      actor->name = g_strdup (a->name);
      actor->label_en = g_strdup (a->label_en);
      actor->label_fr = g_strdup (a->label_fr);
      actor->role = g_strdup (a->role);
      actor->parent = g_strdup (a->parent);
      actor->thread = a->thread;
      actor->created_by = a->created_by;
      /* A child's is its parent's: the file says it of the parent only. */
      actor->host = a->parent == NULL ? g_strdup (a->host) : NULL;
      g_ptr_array_add (self->actors, actor);
    }
  for (guint n = 1; n <= from_step; n++)
    {
      const SockscopeStep *s = sockscope_lesson_get_step (from, n);
      SockscopeExploreStep *step = g_new0 (SockscopeExploreStep, 1);

      step->actor = g_strdup (s->actor);
      step->call = sockscope_step_to_string (s);
      step->line = g_strdup_printf ("%s: %s", step->actor, step->call);
      step->text_en = g_strdup (s->text_en);
      step->text_fr = g_strdup (s->text_fr);
      step->loop = g_strdup (s->loop);
      step->ask = s->ask;
      step->choices = s->choices ? g_strjoinv (" | ", s->choices) : NULL;
      step->wire = g_strdupv (s->wire);
      g_ptr_array_add (self->steps, step);
    }
}

void
sockscope_explore_start_async (SockscopeExplore    *self,
                               SockscopeLesson     *from,
                               guint                from_step,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SOCKSCOPE_IS_EXPLORE (self));
  g_return_if_fail (from == NULL || SOCKSCOPE_IS_LESSON (from));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sockscope_explore_start_async);
  if (refuse_busy (self, task))
    return;
  if (from != NULL && (from_step < 1 || from_step > sockscope_lesson_get_n_steps (from)))
    {
      g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_CHECK,
                               _("%s has steps 1 to %u, not %u"), sockscope_lesson_get_id (from),
                               sockscope_lesson_get_n_steps (from), from_step);
      g_object_unref (task);
      return;
    }
  take_lesson (self, from, from != NULL ? from_step : 0);
  restart (self, task);
}

gboolean
sockscope_explore_start_finish (SockscopeExplore  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sockscope_explore_undo_async (SockscopeExplore    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  guint last;

  g_return_if_fail (SOCKSCOPE_IS_EXPLORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sockscope_explore_undo_async);
  if (refuse_busy (self, task) || refuse_not_running (self, task))
    return;
  if (self->steps->len == 0)
    {
      g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_NOTHING_TO_UNDO,
                               _("there is no step to undo"));
      g_object_unref (task);
      return;
    }
  last = self->steps->len;
  g_ptr_array_set_size (self->steps, last - 1);
  /* The child its fork made goes with it. */
  for (guint i = self->actors->len; i > 0; i--)
    {
      SockscopeExploreActor *actor = g_ptr_array_index (self->actors, i - 1);

      if (actor->created_by >= last)
        g_ptr_array_remove_index (self->actors, i - 1);
    }
  restart (self, task);
}

void
sockscope_explore_replay_async (SockscopeExplore    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SOCKSCOPE_IS_EXPLORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sockscope_explore_replay_async);
  if (refuse_busy (self, task))
    return;
  restart (self, task);
}

gboolean
sockscope_explore_replay_finish (SockscopeExplore  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sockscope_explore_undo_finish (SockscopeExplore  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- actors ---- */

static void
on_actor_added (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SockscopeExplore *self = g_task_get_source_object (task);
  GError *error = NULL;

  set_busy (self, FALSE);
  if (!sockscope_lab_client_actor_finish (SOCKSCOPE_LAB_CLIENT (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_add (self->actors, g_steal_pointer ((SockscopeExploreActor **) g_task_get_task_data (task)));
  update_lesson (self);
  g_task_return_boolean (task, TRUE);
}

static void
actor_holder_free (gpointer data)
{
  SockscopeExploreActor **holder = data;

  if (*holder != NULL)
    actor_free (*holder);
  g_free (holder);
}

/* Names a lesson file reads as something else than an actor. */
static const char * const reserved_names[] = { "id", "theme", "actor", "code", "host", "wire", NULL };

void
sockscope_explore_add_actor_async (SockscopeExplore    *self,
                                   const char          *name,
                                   const char          *label,
                                   const char          *role,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  sockscope_explore_add_actor_full_async (self, name, label, role, NULL, cancellable, callback, user_data);
}

/* "a" or "b" for @host ("a", "b" or a host's name), NULL if it names no host of this lab. */
static const char *
host_letter (SockscopeExplore *self,
             const char       *host)
{
  if (self->host_names[0] == NULL)
    return NULL;
  if (host == NULL || g_str_equal (host, "a") || g_strcmp0 (host, self->host_names[0]) == 0)
    return "a";
  if (g_str_equal (host, "b") || g_strcmp0 (host, self->host_names[1]) == 0)
    return "b";
  return NULL;
}

void
sockscope_explore_add_actor_full_async (SockscopeExplore    *self,
                                        const char          *name,
                                        const char          *label,
                                        const char          *role,
                                        const char          *host,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;
  SockscopeExploreActor *actor;

  g_return_if_fail (SOCKSCOPE_IS_EXPLORE (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sockscope_explore_add_actor_async);
  if (refuse_busy (self, task) || refuse_not_running (self, task))
    return;
  if (!sockscope_is_identifier (name) || g_strv_contains (reserved_names, name) || strlen (name) > 32)
    g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BAD_ACTOR,
                             _("bad actor name '%s'; hint: a name is one word of letters, digits and _, like server, client or c2"),
                             name);
  else if (find_actor (self, name) != NULL)
    g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BAD_ACTOR,
                             _("there is already an actor named '%s'; hint: give the new one another name"), name);
  else if (self->actors->len >= MAX_ACTORS)
    g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_TOO_MANY_ACTORS,
                             _("'%s' would be a 65th actor; hint: a lesson has at most %u actors"), name, MAX_ACTORS);
  else if (label != NULL && (*label == '\0' || strchr (label, '\n') != NULL))
    g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BAD_ACTOR,
                             _("an actor's label is one line of text"));
  else if (host != NULL && self->host_names[0] == NULL)
    g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BAD_ACTOR,
                             _("this lab has one host; hint: add '%s' without a host"), name);
  else if (host != NULL && host_letter (self, host) == NULL)
    g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BAD_ACTOR,
                             _("unknown host '%s'; hint: the hosts are %s and %s"), host,
                             self->host_names[0], self->host_names[1]);
  else
    {
      actor = g_new0 (SockscopeExploreActor, 1);
      actor->name = g_strdup (name);
      if (label == NULL)
        {
          actor->label_en = g_strdup (name);
          actor->label_en[0] = g_ascii_toupper (actor->label_en[0]);
        }
      else
        actor->label_en = g_strstrip (g_strdup (label));
      actor->label_fr = g_strdup (actor->label_en);
      actor->role = role != NULL && sockscope_is_identifier (role) ? g_strdup (role) : NULL;
      /* On two hosts, every actor is on one: the first, unless told. */
      actor->host = g_strdup (host_letter (self, host));
      {
        SockscopeExploreActor **holder = g_new0 (SockscopeExploreActor *, 1);

        *holder = actor;
        g_task_set_task_data (task, holder, actor_holder_free);
      }
      set_busy (self, TRUE);
      sockscope_lab_client_actor_async (self->client, name, NULL, actor->host, cancellable, on_actor_added, task);
      return;
    }
  g_object_unref (task);
}

/* The name of @host ("a" or "b") when the lab has two hosts (a lesson on two hosts gone on
 * from), else NULL. */
const char *
sockscope_explore_get_host_name (SockscopeExplore *self,
                                 const char       *host)
{
  const char *letter;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  if ((letter = host_letter (self, host)) == NULL)
    return NULL;
  return self->host_names[letter[0] - 'a'];
}

/* The host ("a" or "b") @actor is on, NULL on one host or for no such actor. */
const char *
sockscope_explore_get_actor_host (SockscopeExplore *self,
                                  const char       *actor)
{
  SockscopeExploreActor *info;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  info = find_actor (self, actor);
  return info != NULL ? info->host : NULL;
}

gboolean
sockscope_explore_add_actor_finish (SockscopeExplore  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- running a step ---- */

static void
run_fail (GTask  *task,
          GError *error)
{
  SockscopeExplore *self = g_task_get_source_object (task);

  set_busy (self, FALSE);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_step_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  SockscopeExplore *self = g_task_get_source_object (task);
  Checked *checked = g_task_get_task_data (task);
  GError *error = NULL;

  if (!sockscope_runner_next_finish (SOCKSCOPE_RUNNER (object), result, &error))
    {
      /* Nothing ran: the runner goes on with the steps done. */
      if (self->lesson != NULL)
        sockscope_runner_set_lesson (self->runner, self->lesson);
      run_fail (task, error);
      return;
    }
  {
    SockscopeExploreStep *step = g_new0 (SockscopeExploreStep, 1);

    step->actor = g_steal_pointer (&checked->actor);
    step->call = g_steal_pointer (&checked->call);
    step->line = g_strdup_printf ("%s: %s", step->actor, step->call);
    g_ptr_array_add (self->steps, step);
  }
  if (checked->child != NULL)
    g_ptr_array_add (self->actors, g_steal_pointer (&checked->child));
  update_lesson (self);
  set_busy (self, FALSE);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
run_checked (SockscopeExplore *self,
             GTask            *task)
{
  Checked *checked = g_task_get_task_data (task);

  sockscope_runner_set_lesson (self->runner, checked->lesson);
  sockscope_runner_next_async (self->runner, g_task_get_cancellable (task), on_step_done, task);
}

static void
resume_waiting (SockscopeExplore *self)
{
  GTask *task = self->waiting;
  Checked *checked;

  if (task == NULL)
    return;
  checked = g_task_get_task_data (task);
  if (g_hash_table_contains (self->blocked, checked->actor))
    return;
  self->waiting = NULL;
  g_clear_handle_id (&self->wait_timeout, g_source_remove);
  if (g_hash_table_contains (self->ended, checked->actor))
    {
      run_fail (task, g_error_new (SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_ENDED,
                                   _("%s has ended and makes no more calls"), checked->actor));
      return;
    }
  run_checked (self, task);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  SockscopeExplore *self = user_data;
  GTask *task = g_steal_pointer (&self->waiting);
  Checked *checked = g_task_get_task_data (task);
  GError *error = NULL;

  self->wait_timeout = 0;
  refuse_blocked (self, checked->actor, &error);
  run_fail (task, error);
  return G_SOURCE_REMOVE;
}

void
sockscope_explore_run_async (SockscopeExplore    *self,
                             const char          *line,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  Checked *checked;
  GError *error = NULL;

  g_return_if_fail (SOCKSCOPE_IS_EXPLORE (self));
  g_return_if_fail (line != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sockscope_explore_run_async);
  if (refuse_busy (self, task) || refuse_not_running (self, task))
    return;
  if ((checked = check_line (self, line, &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, checked, (GDestroyNotify) checked_free);
  set_busy (self, TRUE);
  if (g_hash_table_contains (self->blocked, checked->actor))
    {
      self->waiting = task;
      self->wait_timeout = g_timeout_add (UNBLOCK_WAIT_MS, on_wait_timeout, self);
      return;
    }
  run_checked (self, task);
}

gboolean
sockscope_explore_run_finish (SockscopeExplore  *self,
                              GAsyncResult      *result,
                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- stop ---- */

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SockscopeExplore *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->running = FALSE;
  set_busy (self, FALSE);
  if (!sockscope_runner_stop_finish (SOCKSCOPE_RUNNER (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
stop (SockscopeExplore *self,
      GTask            *task)
{
  if (!self->running)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  set_busy (self, TRUE);
  sockscope_runner_stop_async (self->runner, g_task_get_cancellable (task), on_stopped, task);
}

static gboolean
begin_stop (gpointer user_data)
{
  SockscopeExplore *self = user_data;

  self->stop_idle = 0;
  if (!self->busy && self->stopping != NULL)
    stop (self, g_steal_pointer (&self->stopping));
  return G_SOURCE_REMOVE;
}

/* While a command runs, the stop waits for it to end (a window closed while the lab starts). */
void
sockscope_explore_stop_async (SockscopeExplore    *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SOCKSCOPE_IS_EXPLORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sockscope_explore_stop_async);
  if (self->stopping != NULL)
    {
      g_task_return_new_error (task, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_BUSY,
                               _("wait: the lab is still busy with the last command"));
      g_object_unref (task);
      return;
    }
  if (self->busy)
    {
      self->stopping = task;
      return;
    }
  stop (self, task);
}

gboolean
sockscope_explore_stop_finish (SockscopeExplore  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- synchronous forms ---- */

gboolean
sockscope_explore_start_sync (SockscopeExplore  *self,
                              SockscopeLesson   *from,
                              guint              from_step,
                              GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sockscope_explore_start_async (self, from, from_step, NULL, sockscope_sync_done, &result);
  return sockscope_explore_start_finish (self, sockscope_sync_wait (&result), error);
}

gboolean
sockscope_explore_add_actor_sync (SockscopeExplore  *self,
                                  const char        *name,
                                  const char        *label,
                                  const char        *role,
                                  GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sockscope_explore_add_actor_async (self, name, label, role, NULL, sockscope_sync_done, &result);
  return sockscope_explore_add_actor_finish (self, sockscope_sync_wait (&result), error);
}

gboolean
sockscope_explore_run_sync (SockscopeExplore  *self,
                            const char        *line,
                            GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sockscope_explore_run_async (self, line, NULL, sockscope_sync_done, &result);
  return sockscope_explore_run_finish (self, sockscope_sync_wait (&result), error);
}

gboolean
sockscope_explore_undo_sync (SockscopeExplore  *self,
                             GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sockscope_explore_undo_async (self, NULL, sockscope_sync_done, &result);
  return sockscope_explore_undo_finish (self, sockscope_sync_wait (&result), error);
}

gboolean
sockscope_explore_stop_sync (SockscopeExplore  *self,
                             GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sockscope_explore_stop_async (self, NULL, sockscope_sync_done, &result);
  return sockscope_explore_stop_finish (self, sockscope_sync_wait (&result), error);
}

/* ---- state ---- */

gboolean
sockscope_explore_is_busy (SockscopeExplore *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), FALSE);
  return self->busy;
}

SockscopeLesson *
sockscope_explore_get_outline (SockscopeExplore *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  SockscopeLesson *lesson;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);

  if (self->actors->len == 0)
    return NULL;
  text = sockscope_explore_write_text (self, self->actors, none, 0, NULL, NULL, FALSE);
  if ((lesson = sockscope_lesson_new_outline (text, "explore", &error)) == NULL)
    g_warning ("explore: %s", error->message);
  return lesson;
}

const GError *
sockscope_explore_get_failure (SockscopeExplore *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  return self->failure;
}

GPid
sockscope_explore_get_lab_pid (SockscopeExplore *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), 0);
  return self->client != NULL && self->running ? sockscope_lab_client_get_pid (self->client) : 0;
}

gboolean
sockscope_explore_is_running (SockscopeExplore *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), FALSE);
  return self->running;
}

const char *
sockscope_explore_get_lang (SockscopeExplore *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  return self->lang;
}

SockscopeEventLog *
sockscope_explore_get_log (SockscopeExplore *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  return self->log;
}

SockscopeLesson *
sockscope_explore_get_lesson (SockscopeExplore *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  return self->lesson;
}

guint
sockscope_explore_get_n_steps (SockscopeExplore *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), 0);
  return self->steps->len;
}

char **
sockscope_explore_get_actors (SockscopeExplore *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  for (guint i = 0; i < self->actors->len; i++)
    g_strv_builder_add (builder, ((SockscopeExploreActor *) g_ptr_array_index (self->actors, i))->name);
  return g_strv_builder_end (builder);
}

const char *
sockscope_explore_get_step_line (SockscopeExplore *self,
                                 guint             number)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  if (number < 1 || number > self->steps->len)
    return NULL;
  return ((SockscopeExploreStep *) g_ptr_array_index (self->steps, number - 1))->line;
}

gboolean
sockscope_explore_is_blocked (SockscopeExplore *self,
                              const char       *actor)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), FALSE);
  return g_hash_table_contains (self->blocked, actor);
}

gboolean
sockscope_explore_has_ended (SockscopeExplore *self,
                             const char       *actor)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), FALSE);
  return g_hash_table_contains (self->ended, actor);
}
