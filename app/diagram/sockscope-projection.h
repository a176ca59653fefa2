/* sockscope-projection.h: turns event-log events into sequence-diagram items: which lifeline a
 * call, a socket state or a packet belongs to (the actors the lab names in each event: a
 * packet's from and to, a socket's holder or last holder), and each item's text. The window's diagram and the export
 * renderer both project through it, so they draw the same thing. */
#pragma once

#include <json-glib/json-glib.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

/* What the wire between two hosts did (a `wire` event, docs/EVENT-LOG.md). */
typedef enum
{
  SOCKSCOPE_WIRE_SET,         /* its rules changed: text says them ("loss 20 %") */
  SOCKSCOPE_WIRE_DROP,        /* the packet never reached the other host */
  SOCKSCOPE_WIRE_DELAY,       /* it reached it delay_ns after it was sent */
  SOCKSCOPE_WIRE_DUPLICATE,   /* one extra copy reached it, delay_ns after the packet was sent */
  SOCKSCOPE_WIRE_REORDER,     /* held behind the packet behind_seq, delivered delay_ns after */
} SockscopeWireAction;

typedef struct
{
  SockscopeWireAction action;
  guint               packet_seq;   /* the packet it is about (0 for a change of rules) */
  gint64              delay_ns;     /* from the packet's t_ns until delivered; -1 unknown or dropped */
  guint               behind_seq;   /* reorder: the packet it was held behind, or 0 */
  const char         *dir;          /* "a>b", "b>a" or NULL */
  const char         *text;         /* set: the rules in words; a decision: its mark, "delayed 50 ms" */
} SockscopeWireItem;

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
  /* Two hosts: the lifeline's actor is on host ("a", "b"), which reads label ("alice
   * 192.0.2.1"); from its `actor` event, before the lifeline's first item. */
  void (*host)    (gpointer data, guint lifeline, const char *host, const char *label);
  /* What the wire did to a packet projected before (or a change of its rules). */
  void (*wire)    (gpointer data, guint seq, gint64 t_ns, const SockscopeWireItem *item);
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

/* A host's name and address as a diagram shows it above its actors: "alice · 192.0.2.1"; the
 * lesson's name for it when it names one (`host.a: NAME`), else alice / bob. */
char                *sockscope_projection_host_label     (SockscopeLesson          *lesson,
                                                          const char               *host);
/* The same with the name an `actor` event logged (`host_name`: the names `hosts` was given);
 * @name NULL (a session recorded before the lab logged it): as above. */
char                *sockscope_projection_host_label_named (SockscopeLesson        *lesson,
                                                            const char             *host,
                                                            const char             *name);
/* A wire decision's mark, in words, for the packet list, the diagram and the ladder: "lost on
 * the wire", "delayed 50 ms", "duplicated", "reordered". */
char                *sockscope_wire_mark                 (SockscopeWireAction       action,
                                                          gint64                    delay_ns);
/* A return event's outcome as the diagram writes it after its call: "= 4 (127.0.0.1:41562)",
 * "= -1 ECONNREFUSED"; @failed (may be NULL) says whether the call failed. */
char                *sockscope_projection_call_outcome   (JsonObject               *return_event,
                                                          gboolean                 *failed);
/* A wire spec ("loss=20%,delay=50ms") in words: "loss 20 %, delay 50 ms". */
char                *sockscope_wire_spec_words           (const char               *spec);

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
