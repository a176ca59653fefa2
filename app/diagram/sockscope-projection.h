/* sockscope-projection.h: turns event-log events into sequence-diagram items: which lifeline a
 * call, a socket state or a packet belongs to (the actors the lab names in each event: a
 * packet's from and to, a socket's holder or last holder), and each item's text. The window's diagram and the export
 * renderer both project through it, so they draw the same thing. */
#pragma once

#include <json-glib/json-glib.h>

#include "sockscope-event-log.h"
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
  /* An actor created by a call of parent (fork: a process, pthread_create: a thread); via_seq
   * is that call. Actors the lab starts itself have no spawn. */
  void (*spawn)   (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint parent,
                   gboolean thread, guint via_seq, const char *text);
  /* An actor ended: call_seq is its exit()/pthread_exit() call, or 0 (killed, crashed);
   * text says how ("exited, status 0", "killed by SIGKILL"); failed for a signal. */
  void (*exit)    (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint call_seq,
                   const char *text, gboolean failed);
  /* A signal (SIGCHLD) delivered to lifeline to; from: the actor it is about, or -1. */
  void (*signal)  (gpointer data, guint seq, gint64 t_ns, int from, guint to, const char *signal);
  /* A lifeline for an actor the lesson does not name (a traced program, its children and
   * threads), numbered after the lesson's; before its first item. parent: -1 for none. */
  void (*lifeline) (gpointer data, guint lifeline, const char *name, int parent, gboolean thread);
} SockscopeProjectionSink;

typedef struct _SockscopeProjection SockscopeProjection;

/* @lesson: NULL for a log of traced programs, whose actors all come as they appear. */
SockscopeProjection *sockscope_projection_new     (SockscopeLesson               *lesson,
                                                   gboolean                       absolute_seq);
void                 sockscope_projection_free    (SockscopeProjection           *self);
/* Forgets every socket and sequence number seen: for a new log, or the same one again. */
void                 sockscope_projection_reset   (SockscopeProjection           *self);
/* position: the event's index in the log (its seq when it has none). */
void                 sockscope_projection_project (SockscopeProjection           *self,
                                                   JsonObject                    *event,
                                                   guint                          position,
                                                   const SockscopeProjectionSink *sink,
                                                   gpointer                       data);

/* The same for a packet event read without a tree: the same item as _project () gives. */
void                 sockscope_projection_project_packet (SockscopeProjection           *self,
                                                          const SockscopeLoggedPacket   *packet,
                                                          const SockscopeProjectionSink *sink,
                                                          gpointer                       data);

/* The order lifelines are drawn in: each actor followed by the actors it creates (depth
 * first, in lesson order), so a child's lifeline stands next to its parent's. parents[i] is
 * the lifeline i was created by, or -1; order receives the n lifeline indices. */
void                 sockscope_projection_lifeline_order (const int                *parents,
                                                          guint                     n,
                                                          guint                    *order);
/* The same, for the actors of a lesson (indices as sockscope_lesson_get_actor takes). */
void                 sockscope_projection_lesson_order   (SockscopeLesson          *lesson,
                                                          int                      *parents,
                                                          guint                    *order);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeProjection, sockscope_projection_free)

G_END_DECLS
