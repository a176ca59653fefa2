/* sockscope-sync.h: the session's synchronous forms run an async call to its end on the
 * thread-default main context:
 *
 *   g_autoptr(GAsyncResult) result = NULL;
 *   foo_async (self, ..., NULL, sockscope_sync_done, &result);
 *   return foo_finish (self, sockscope_sync_wait (&result), error);
 *
 * Internal to app/session. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A GAsyncReadyCallback: keeps a reference to the result in the GAsyncResult * user_data. */
void          sockscope_sync_done (GObject       *object,
                                   GAsyncResult  *result,
                                   gpointer       user_data);

/* Iterates the thread-default main context until *result is set; returns it. */
GAsyncResult *sockscope_sync_wait (GAsyncResult **result);

G_END_DECLS
