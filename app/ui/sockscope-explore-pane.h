/* sockscope-explore-pane.h: the window's explore mode, in the place of the lesson pane: the
 * actors, a call entry for each (completion, the argument hint, the checker's message, a palette
 * of the calls that make sense now), the steps done, undo and "Save as lesson". It drives a
 * SockscopeExplore; the window shows the explore's log and lesson in its other panes. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-code-pane.h"
#include "sockscope-event-log.h"
#include "sockscope-explore.h"
#include "sockscope-lesson.h"
#include "sockscope-window.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_EXPLORE_PANE (sockscope_explore_pane_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeExplorePane, sockscope_explore_pane, SOCKSCOPE, EXPLORE_PANE, GtkWidget)

GtkWidget        *sockscope_explore_pane_new         (void);
/* A fresh lab: empty (@from NULL), or @from's steps 1 to @step replayed, then handed over.
 * Emits ::changed whenever the log or the lesson to show changes. */
void              sockscope_explore_pane_start       (SockscopeExplorePane *self,
                                                      SockscopeLesson      *from,
                                                      guint                 step,
                                                      const char           *lang);
/* Quits the lab (leaving explore mode); the pane forgets the exploration. */
void              sockscope_explore_pane_stop        (SockscopeExplorePane *self);
SockscopeExplore *sockscope_explore_pane_get_explore (SockscopeExplorePane *self);
/* The window is made again (a new language): the old pane lets its model go without stopping
 * its lab (NULL when it has none), the new pane takes it as it is, steps, actors and lab. */
SockscopeExplore *sockscope_explore_pane_release     (SockscopeExplorePane *self,
                                                      char                **from_id,
                                                      guint                *from_step);
void              sockscope_explore_pane_adopt       (SockscopeExplorePane *self,
                                                      SockscopeExplore     *explore,
                                                      const char           *from_id,
                                                      guint                 from_step,
                                                      const char           *lang);
/* TRUE once the lab is up and no operation runs. */
gboolean          sockscope_explore_pane_is_idle     (SockscopeExplorePane *self);
/* Writes the lesson (as "Save as lesson…" does once a file is chosen); emits ::saved. */
gboolean          sockscope_explore_pane_save_to     (SockscopeExplorePane *self,
                                                      const char           *path,
                                                      GError              **error);

/* For tests and screenshots: the call entry of an actor (NULL if none), the hint, the message
 * shown under it (NULL when none), its palette's buttons, and the add-actor entry. */
GtkEntry         *sockscope_explore_pane_get_entry   (SockscopeExplorePane *self,
                                                      const char           *actor);
const char       *sockscope_explore_pane_get_hint    (SockscopeExplorePane *self,
                                                      const char           *actor);
const char       *sockscope_explore_pane_get_message (SockscopeExplorePane *self,
                                                      const char           *actor);
GtkWidget        *sockscope_explore_pane_get_palette (SockscopeExplorePane *self,
                                                      const char           *actor);
GtkEntry         *sockscope_explore_pane_get_actor_entry (SockscopeExplorePane *self);
/* The pane's status line (NULL when none is shown), and its "Restart the Lab and Replay" button
 * (shown once the lab has died). */
const char       *sockscope_explore_pane_get_status  (SockscopeExplorePane *self);
GtkWidget        *sockscope_explore_pane_get_replay_button (SockscopeExplorePane *self);
/* The completion candidates offered now for an actor's entry. */
char            **sockscope_explore_pane_get_candidates (SockscopeExplorePane *self,
                                                         const char           *actor);

/* The code pane after the lesson grew a step: the new code, with every call's outcome so far
 * written again from the log. */
void              sockscope_explore_show_code        (SockscopeCodePane    *code,
                                                      SockscopeLesson      *lesson,
                                                      SockscopeEventLog    *log,
                                                      const char           *lang);

/* --screenshot --explore: the window explores (from @lesson's @step, or an empty lab), types
 * @lines as a learner does (":actor NAME [ROLE]", "ACTOR: call"), each run once the lab is idle,
 * then leaves @typing ("ACTOR: text") in its entry. Fails on a line refused. */
void              sockscope_explore_prepare_async    (SockscopeWindow      *window,
                                                      const char           *lesson,
                                                      int                   step,
                                                      const char * const   *lines,
                                                      const char           *typing,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean          sockscope_explore_prepare_finish   (SockscopeWindow      *window,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
