/* sockscope-explore.h: explore mode's model. A lab the learner drives one call at a time, each
 * call a step line in the lesson's own syntax (`server: s = socket(AF_INET, SOCK_DGRAM, 0)`),
 * checked by the lesson checker and run for real by the same runner and lab client as a lesson;
 * what was done can be saved as a lesson (sockscope-explore-writer.c).
 *
 * A front end (the window's explore mode, `sockscope-cli explore`) drives it:
 *
 *   explore = sockscope_explore_new ("en");
 *   sockscope_explore_start_async (explore, NULL, 0, …);          empty lab
 *   sockscope_explore_start_async (explore, lesson, 6, …);        "go on from" step 6 of a lesson
 *   sockscope_explore_add_actor_async (explore, "server", NULL, "server", …);
 *   sockscope_explore_run_async (explore, "server: s = socket(AF_INET, SOCK_DGRAM, 0)", …);
 *   sockscope_explore_undo_async (explore, …);                    restart, replay all but the last
 *   sockscope_explore_save (explore, "mine.lesson", NULL, NULL, &error);
 *   sockscope_explore_stop_async (explore, …);
 *
 * One operation at a time: start, add_actor, run and undo fail with
 * SOCKSCOPE_EXPLORE_ERROR_BUSY while another runs (see sockscope_explore_is_busy); stop waits
 * for it instead. A refused operation changes nothing: the lab keeps running, the steps and
 * actors stay.
 *
 * The event log is the one the runner appends to; undo and start replace it with a new log (a new
 * lab): front ends listen to "reset" (or notify::log) and read the new log from its start.
 * API changes since the first commit: get_lesson is NULL until the first step (not only while
 * there is no actor); get_hint gives the signature only (the catalogue's descriptions are not
 * translated); save's @id NULL is made from the file's name; stop is never refused as busy.
 * Added (nothing removed): add_actor_full_async (a host), get_host_name, get_actor_host;
 * the "lab-failed" signal, get_failure, get_lab_pid and replay_async (a lab that died);
 * get_outline (the actors before the first step).
 *
 * "changed" is emitted whenever the steps, the actors or the lesson change; properties "log"
 * (SockscopeEventLog) and "busy" (gboolean) notify.
 */
#pragma once

#include <gio/gio.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

#define SOCKSCOPE_EXPLORE_ERROR (sockscope_explore_error_quark ())

typedef enum
{
  SOCKSCOPE_EXPLORE_ERROR_CHECK,          /* the checker refused the line: unknown call, constant or
                                           * variable, wrong argument count... (its message, with the
                                           * nearest name); nothing ran */
  SOCKSCOPE_EXPLORE_ERROR_UNKNOWN_ACTOR,  /* the line names an actor that was not added */
  SOCKSCOPE_EXPLORE_ERROR_BAD_ACTOR,      /* add_actor: a bad or already used name */
  SOCKSCOPE_EXPLORE_ERROR_TOO_MANY_ACTORS,/* add_actor: the 65th actor */
  SOCKSCOPE_EXPLORE_ERROR_BLOCKED,        /* the actor is still blocked in an earlier call (the
                                           * message names an actor that can go) */
  SOCKSCOPE_EXPLORE_ERROR_ENDED,          /* the actor has ended (exit, its process ended) */
  SOCKSCOPE_EXPLORE_ERROR_NOTHING_TO_UNDO,
  SOCKSCOPE_EXPLORE_ERROR_BUSY,           /* another operation is running */
  SOCKSCOPE_EXPLORE_ERROR_NOT_STARTED,    /* no lab: call start first (or after stop) */
  SOCKSCOPE_EXPLORE_ERROR_SAVE,           /* the lesson file cannot be written */
} SockscopeExploreError;

GQuark sockscope_explore_error_quark (void);

#define SOCKSCOPE_TYPE_EXPLORE (sockscope_explore_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeExplore, sockscope_explore, SOCKSCOPE, EXPLORE, GObject)

/* @lang: "en" or "fr", the language of the notes sent to the lab and of the actors' labels. */
SockscopeExplore  *sockscope_explore_new              (const char          *lang);

/* Starts a fresh lab. With @from (a lesson) and @from_step (1 to its number of steps), spawns its
 * actors and runs its steps 1 to @from_step for real, then hands over: those steps are the first
 * steps of the exploration (undo can take them back one by one). @from NULL, @from_step 0: an
 * empty lab with no actor. Calling it again (or after stop) starts over: a new lab, a new log. */
void               sockscope_explore_start_async      (SockscopeExplore    *self,
                                                       SockscopeLesson     *from,
                                                       guint                from_step,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           sockscope_explore_start_finish     (SockscopeExplore    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Adds an actor (a process in the lab) named @name (one word, like a variable: server, client,
 * c2). @label: its name on screen, NULL for the name capitalised; the same text is used for
 * English and French. @role: NULL for the name. At most 64 actors. A child process or thread
 * needs no add_actor: `server: pid = fork() -> worker` creates worker. */
void               sockscope_explore_add_actor_async  (SockscopeExplore    *self,
                                                       const char          *name,
                                                       const char          *label,
                                                       const char          *role,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           sockscope_explore_add_actor_finish (SockscopeExplore    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* The same on a host: @host "a", "b" or a host's name when the lab has two hosts (a lesson on
 * two hosts gone on from), where NULL means the first; must be NULL on one host. Finish with
 * sockscope_explore_add_actor_finish. */
void               sockscope_explore_add_actor_full_async (SockscopeExplore *self,
                                                       const char          *name,
                                                       const char          *label,
                                                       const char          *role,
                                                       const char          *host,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* Two hosts: the name of @host ("a", "b"), else NULL (one host). */
const char        *sockscope_explore_get_host_name    (SockscopeExplore    *self,
                                                       const char          *host);
/* The host ("a" or "b") @actor is on; NULL on one host. */
const char        *sockscope_explore_get_actor_host   (SockscopeExplore    *self,
                                                       const char          *actor);

/* Checks a step line as the lesson checker would check it after the steps so far, with no lab:
 * FALSE and the checker's message (nearest names included, no file:line prefix) if it would be
 * refused; also refuses a blocked or ended actor. For inline feedback as the learner types. */
gboolean           sockscope_explore_check_line       (SockscopeExplore    *self,
                                                       const char          *line,
                                                       GError             **error);

/* Checks @line (as check_line), then runs it for real as the next step: completes when the lab
 * has answered (a call that blocks completes at once, the actor then blocked: see
 * sockscope_explore_is_blocked). A refused line runs nothing. */
void               sockscope_explore_run_async        (SockscopeExplore    *self,
                                                       const char          *line,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           sockscope_explore_run_finish       (SockscopeExplore    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Takes back the last step: the kernel is never rewound, so the lab is restarted and every step
 * but the last one is replayed in a new lab, into a new log ("reset" is emitted). Actors added
 * after the last step are kept. */
void               sockscope_explore_undo_async       (SockscopeExplore    *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           sockscope_explore_undo_finish      (SockscopeExplore    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Lets the kernel settle, then quits the lab. The steps and actors stay (save still works). While
 * another command runs, the stop begins when it ends (it is not refused as busy). */
void               sockscope_explore_stop_async       (SockscopeExplore    *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           sockscope_explore_stop_finish      (SockscopeExplore    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* A new lab with the actors and every step done, replayed (after the lab died: see
 * "lab-failed"; "reset" is emitted as for undo). */
void               sockscope_explore_replay_async     (SockscopeExplore    *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           sockscope_explore_replay_finish    (SockscopeExplore    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* The same, waiting in the thread-default main context: for the CLI and tests. */
gboolean           sockscope_explore_start_sync       (SockscopeExplore    *self,
                                                       SockscopeLesson     *from,
                                                       guint                from_step,
                                                       GError             **error);
gboolean           sockscope_explore_add_actor_sync   (SockscopeExplore    *self,
                                                       const char          *name,
                                                       const char          *label,
                                                       const char          *role,
                                                       GError             **error);
gboolean           sockscope_explore_run_sync         (SockscopeExplore    *self,
                                                       const char          *line,
                                                       GError             **error);
gboolean           sockscope_explore_undo_sync        (SockscopeExplore    *self,
                                                       GError             **error);
gboolean           sockscope_explore_stop_sync        (SockscopeExplore    *self,
                                                       GError             **error);

/* ---- state ---- */

gboolean           sockscope_explore_is_busy          (SockscopeExplore    *self);
gboolean           sockscope_explore_is_running       (SockscopeExplore    *self);  /* a lab is up */
/* Why the lab stopped on its own (crashed, killed), or NULL while it runs or was stopped. */
const GError      *sockscope_explore_get_failure      (SockscopeExplore    *self);
/* The lab's process id, 0 when no lab runs (for tests that kill it). */
GPid               sockscope_explore_get_lab_pid      (SockscopeExplore    *self);
const char        *sockscope_explore_get_lang         (SockscopeExplore    *self);
/* The log of the current lab (replaced at start and undo). Never NULL. */
SockscopeEventLog *sockscope_explore_get_log          (SockscopeExplore    *self);
/* The steps done and the actors, as a lesson (for the code pane: sockscope_lesson_render, the
 * step → lines spans; the ladder's lifelines). NULL until a step has run (a lesson has steps). Its id is
 * "explore"; a step's text is its plain description (see sockscope_explore_describe_step). */
SockscopeLesson   *sockscope_explore_get_lesson       (SockscopeExplore    *self);
/* Before the first step: the actors alone, as a lesson with no step (their empty programs for
 * the code pane), a new reference; NULL with no actor. */
SockscopeLesson   *sockscope_explore_get_outline      (SockscopeExplore    *self);
guint              sockscope_explore_get_n_steps      (SockscopeExplore    *self);
/* The actors' names, in the order they were added (children after their fork). */
char             **sockscope_explore_get_actors       (SockscopeExplore    *self);
/* The step line as run, "server: s = socket(AF_INET, SOCK_DGRAM, 0)", @number from 1. */
const char        *sockscope_explore_get_step_line    (SockscopeExplore    *self,
                                                       guint                number);
/* Is @actor blocked in a call that has not returned? */
gboolean           sockscope_explore_is_blocked       (SockscopeExplore    *self,
                                                       const char          *actor);
/* Has @actor ended (exit, pthread_exit, its process ended)? */
gboolean           sockscope_explore_has_ended        (SockscopeExplore    *self,
                                                       const char          *actor);

/* ---- typing help ---- */

/* Candidates for the word that ends at byte @cursor of @line: actor names (with their ':') at the
 * start of the line, then call names, constants, the actor's variables and kept addresses, and
 * the addresses seen in the log (bound, connected, kept). *@word_start is set to the byte where the
 * word starts. Sorted, no duplicates; never NULL (an empty array). */
char             **sockscope_explore_complete         (SockscopeExplore    *self,
                                                       const char          *line,
                                                       gsize                cursor,
                                                       gsize               *word_start);
/* The argument hint of the call being typed at @cursor: "recvfrom(fd, length, flags)",
 * "fcntl(fd, cmd[, flags])", "select(fd…)"; NULL when no known call is being typed. */
char              *sockscope_explore_get_hint         (SockscopeExplore    *self,
                                                       const char          *line,
                                                       gsize                cursor);
/* The calls that make sense now for @actor, as full step lines ready to run or to edit
 * ("server: conn = accept(s)" for a listening socket s), derived from the sockets' real states in
 * the log where there is one; the first ones the likeliest. Never NULL. */
char             **sockscope_explore_get_palette      (SockscopeExplore    *self,
                                                       const char          *actor);

/* ---- keeping it as a lesson (sockscope-explore-writer.c) ---- */

/* A plain description of what step @number did, in @lang ("en", "fr"), from the log's events of
 * that step: "the client sends 4 bytes; one UDP datagram". */
char              *sockscope_explore_describe_step    (SockscopeExplore    *self,
                                                       guint                number,
                                                       const char          *lang);
/* The lesson text: header (@id, NULL for one made from the date; @title, NULL for a plain one),
 * the actors, the steps with en and fr texts pre-filled with their descriptions, and a comment
 * saying where questions go. It passes `sockscope-cli check`. */
char              *sockscope_explore_to_lesson_text   (SockscopeExplore    *self,
                                                       const char          *id,
                                                       const char          *title);
/* Writes it to @path (SOCKSCOPE_EXPLORE_ERROR_SAVE with the reason when it cannot, or when no
 * step has run yet; nothing else changes). @id NULL: made from the file's name. */
gboolean           sockscope_explore_save             (SockscopeExplore    *self,
                                                       const char          *path,
                                                       const char          *id,
                                                       const char          *title,
                                                       GError             **error);

G_END_DECLS
