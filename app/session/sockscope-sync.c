/* sockscope-sync.c: an async call run to its end on the thread-default main context (the
 * explore model's and the runner's synchronous forms). */
#include "config.h"

#include "sockscope-sync.h"

void
sockscope_sync_done (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
sockscope_sync_wait (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  return *result;
}
