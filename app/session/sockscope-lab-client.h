/* sockscope-lab-client.h: talks to a sockscope-lab process (docs/LAB-PROTOCOL.md). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sockscope-event-log.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_LAB_CLIENT (sockscope_lab_client_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeLabClient, sockscope_lab_client, SOCKSCOPE, LAB_CLIENT, GObject)

SockscopeLabClient *sockscope_lab_client_new             (void);
char               *sockscope_lab_client_find_lab        (GError             **error);
GPid                sockscope_lab_client_get_pid         (SockscopeLabClient  *self);
void                sockscope_lab_client_set_log         (SockscopeLabClient  *self,
                                                          SockscopeEventLog   *log);

void                sockscope_lab_client_start_async     (SockscopeLabClient  *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            sockscope_lab_client_start_finish    (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void                sockscope_lab_client_command_async   (SockscopeLabClient  *self,
                                                          JsonObject          *command,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
JsonObject         *sockscope_lab_client_command_finish  (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Two hosts (docs/LAB-PROTOCOL.md `hosts`): before any actor; @a and @b are their names in the
 * lab's /etc/hosts (NULL: alice, bob). */
void                sockscope_lab_client_hosts_async     (SockscopeLabClient  *self,
                                                          const char          *a,
                                                          const char          *b,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            sockscope_lab_client_hosts_finish    (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* @host: "a" or "b" in a two-host lab, NULL in a one-host lab. */
void                sockscope_lab_client_actor_async     (SockscopeLabClient  *self,
                                                          const char          *name,
                                                          const char          *parent,
                                                          const char          *host,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            sockscope_lab_client_actor_finish    (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void                sockscope_lab_client_call_async      (SockscopeLabClient  *self,
                                                          const char          *actor,
                                                          const char          *call,
                                                          const char * const  *args,
                                                          const char          *assign,
                                                          const char          *new_actor,
                                                          guint                step,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            sockscope_lab_client_call_finish     (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          gboolean            *blocked,
                                                          GError             **error);

/* Changes the wire's rules (one spec of the wire grammar, "loss=20%,seed=7", "dir=a>b,drop=next",
 * "clear"); @step: the lesson's step it applies from, 0 for none (a change from the window). The
 * lab logs it as a `wire` event `set`; a spec it refuses fails with its message. */
void                sockscope_lab_client_wire_async      (SockscopeLabClient  *self,
                                                          const char          *spec,
                                                          guint                step,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            sockscope_lab_client_wire_finish     (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void                sockscope_lab_client_note_async      (SockscopeLabClient  *self,
                                                          const char          *text,
                                                          const char          *level,
                                                          guint                step,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            sockscope_lab_client_note_finish     (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void                sockscope_lab_client_settle_async    (SockscopeLabClient  *self,
                                                          guint                ms,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            sockscope_lab_client_settle_finish   (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

void                sockscope_lab_client_quit_async      (SockscopeLabClient  *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean            sockscope_lab_client_quit_finish     (SockscopeLabClient  *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
