/* sockscope-runner.h: runs a lesson's steps in a lab, one call at a time. */
#pragma once

#include <gio/gio.h>

#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_RUNNER (sockscope_runner_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeRunner, sockscope_runner, SOCKSCOPE, RUNNER, GObject)

SockscopeRunner *sockscope_runner_new          (SockscopeLesson     *lesson,
                                                SockscopeLabClient  *client,
                                                SockscopeEventLog   *log,
                                                const char          *lang);
/* Before start: @spec (one spec of the wire grammar) is the wire's rules for the whole run, in
 * place of the lesson's (its top-level and its steps' `wire:` lines); NULL: the lesson's. */
void             sockscope_runner_set_wire     (SockscopeRunner     *self,
                                                const char          *spec);
guint            sockscope_runner_get_position (SockscopeRunner     *self);
/* Explore mode: goes on with @lesson, whose first steps are the ones done so far. */
void             sockscope_runner_set_lesson   (SockscopeRunner     *self,
                                                SockscopeLesson     *lesson);
gboolean         sockscope_runner_is_done      (SockscopeRunner     *self);

void             sockscope_runner_start_async  (SockscopeRunner     *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         sockscope_runner_start_finish (SockscopeRunner     *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void             sockscope_runner_next_async   (SockscopeRunner     *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         sockscope_runner_next_finish  (SockscopeRunner     *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void             sockscope_runner_stop_async   (SockscopeRunner     *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean         sockscope_runner_stop_finish  (SockscopeRunner     *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* The same, waiting for the result in the thread-default main context: for command-line tools
 * and tests, which have no main loop of their own to return to. */
gboolean         sockscope_runner_start_sync   (SockscopeRunner     *self,
                                                GError             **error);
gboolean         sockscope_runner_next_sync    (SockscopeRunner     *self,
                                                GError             **error);
gboolean         sockscope_runner_stop_sync    (SockscopeRunner     *self,
                                                GError             **error);
/* Starts the lab, runs every step, stops the lab; the first error is returned. */
gboolean         sockscope_runner_run_to_end   (SockscopeRunner     *self,
                                                GError             **error);

G_END_DECLS
