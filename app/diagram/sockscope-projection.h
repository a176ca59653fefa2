/* sockscope-projection.h: turns event-log events into sequence-diagram items: which lifeline a
 * call, a socket state or a packet belongs to (from the lesson's actors, the ports that state
 * events and causing calls name), and each item's text. The window's diagram and the export
 * renderer both project through it, so they draw the same thing. */
#pragma once

#include <json-glib/json-glib.h>

#include "sockscope-lesson.h"

G_BEGIN_DECLS

typedef struct
{
  void (*call)    (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *text, guint step);
  void (*blocked) (gpointer data, guint call_seq, guint seq, guint step, const char *call);
  void (*result)  (gpointer data, guint call_seq, guint seq, gint64 t_ns, guint step,
                   const char *result, gboolean failed);
  void (*state)   (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *socket,
                   const char *state);
  /* from/to -1: outside the lab; cause_seq 0: the kernel sent it on its own */
  void (*packet)  (gpointer data, guint seq, gint64 t_ns, int from, int to, const char *label,
                   guint cause_seq);
} SockscopeProjectionSink;

typedef struct _SockscopeProjection SockscopeProjection;

SockscopeProjection *sockscope_projection_new     (SockscopeLesson               *lesson,
                                                   gboolean                       absolute_seq);
void                 sockscope_projection_free    (SockscopeProjection           *self);
/* Forgets every port and sequence number seen: for a new log, or the same one again. */
void                 sockscope_projection_reset   (SockscopeProjection           *self);
/* position: the event's index in the log (its seq when it has none). */
void                 sockscope_projection_project (SockscopeProjection           *self,
                                                   JsonObject                    *event,
                                                   guint                          position,
                                                   const SockscopeProjectionSink *sink,
                                                   gpointer                       data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeProjection, sockscope_projection_free)

G_END_DECLS
