/* sockscope-sequence-view.h: the ladder diagram of a session (calls, packets, socket states),
 * one row per event-log item, drawn directly with GtkSnapshot so that 100,000 rows scroll
 * smoothly. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-layout.h"
#include "sockscope-projection.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_SEQUENCE_VIEW (sockscope_sequence_view_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeSequenceView, sockscope_sequence_view, SOCKSCOPE, SEQUENCE_VIEW, GtkWidget)

GtkWidget *sockscope_sequence_view_new               (void);
void       sockscope_sequence_view_clear             (SockscopeSequenceView *self);
guint      sockscope_sequence_view_add_lifeline      (SockscopeSequenceView *self,
                                                      const char            *name,
                                                      const char            *label);
/* A lifeline for an actor created by another (parent: its lifeline): drawn next to its parent's
 * from its spawn item on, dotted for a thread, up to its exit item. */
guint      sockscope_sequence_view_add_child_lifeline (SockscopeSequenceView *self,
                                                       const char            *name,
                                                       const char            *label,
                                                       int                    parent,
                                                       gboolean               thread);
guint      sockscope_sequence_view_get_n_lifelines   (SockscopeSequenceView *self);
/* The index of the lifeline added with that name (an actor), or -1. */
int        sockscope_sequence_view_find_lifeline     (SockscopeSequenceView *self,
                                                      const char            *name);

/* Items are keyed by the event-log seq of the event that made them, and must be added in
 * log order. t_ns is the event time. */
void       sockscope_sequence_view_add_call          (SockscopeSequenceView *self,
                                                      guint                  seq,
                                                      gint64                 t_ns,
                                                      guint                  lifeline,
                                                      const char            *text);
void       sockscope_sequence_view_set_call_blocked  (SockscopeSequenceView *self,
                                                      guint                  call_seq,
                                                      guint                  blocked_seq);
/* What a call gave back. In the call's box when nothing was drawn since the call; otherwise on
 * a row of its own, "← accept = 4 (…)", where it returned (after what woke it), its call's
 * activation bar running down to it. */
void       sockscope_sequence_view_set_call_result   (SockscopeSequenceView *self,
                                                      guint                  call_seq,
                                                      guint                  return_seq,
                                                      gint64                 t_ns,
                                                      const char            *result,
                                                      gboolean               is_error);
/* from/to -1: outside the lab. cause_seq: the call that made the kernel send it, 0 if none. */
void       sockscope_sequence_view_add_packet        (SockscopeSequenceView *self,
                                                      guint                  seq,
                                                      gint64                 t_ns,
                                                      int                    from_lifeline,
                                                      int                    to_lifeline,
                                                      const char            *label,
                                                      guint                  cause_seq,
                                                      gboolean               kernel);
void       sockscope_sequence_view_add_state         (SockscopeSequenceView *self,
                                                      guint                  seq,
                                                      gint64                 t_ns,
                                                      guint                  lifeline,
                                                      const char            *socket,
                                                      const char            *state);

/* The creation of a child lifeline by its parent (text: the call, "fork()"). */
void       sockscope_sequence_view_add_spawn         (SockscopeSequenceView *self,
                                                      guint                  seq,
                                                      gint64                 t_ns,
                                                      guint                  lifeline,
                                                      guint                  parent,
                                                      const char            *text);
/* The end of an actor (text: "exited, status 0"); call_seq: its exit() call, or 0. */
void       sockscope_sequence_view_add_exit          (SockscopeSequenceView *self,
                                                      guint                  seq,
                                                      gint64                 t_ns,
                                                      guint                  lifeline,
                                                      guint                  call_seq,
                                                      const char            *text,
                                                      gboolean               is_error);
/* A signal to_lifeline gets (SIGCHLD), about from_lifeline (-1: unknown). */
void       sockscope_sequence_view_add_signal        (SockscopeSequenceView *self,
                                                      guint                  seq,
                                                      gint64                 t_ns,
                                                      int                    from_lifeline,
                                                      guint                  to_lifeline,
                                                      const char            *signal);

/* Two hosts: the lifeline's actor is on the host labelled label: a band above its header. */
void       sockscope_sequence_view_set_lifeline_host (SockscopeSequenceView *self,
                                                      guint                  lifeline,
                                                      const char            *host,
                                                      const char            *label);
/* What the wire did (seq: the wire event): a packet added before marked (its arrow cut on the
 * wire, or ending where it arrived), a second arrow for a copy, a note for a change of rules. */
void       sockscope_sequence_view_add_wire          (SockscopeSequenceView *self,
                                                      guint                  seq,
                                                      gint64                 t_ns,
                                                      const SockscopeWireItem *wire);

/* History: only items with seq <= position are shown; G_MAXUINT shows everything (live). */
void       sockscope_sequence_view_set_position      (SockscopeSequenceView *self,
                                                      guint                  seq);
guint      sockscope_sequence_view_get_position      (SockscopeSequenceView *self);
guint      sockscope_sequence_view_get_n_visible     (SockscopeSequenceView *self);

void       sockscope_sequence_view_select            (SockscopeSequenceView *self,
                                                      guint                  seq);
guint      sockscope_sequence_view_get_selected      (SockscopeSequenceView *self);

double     sockscope_sequence_view_get_zoom          (SockscopeSequenceView *self);
void       sockscope_sequence_view_set_zoom          (SockscopeSequenceView *self,
                                                      double                 zoom);
double     sockscope_sequence_view_get_animation_speed (SockscopeSequenceView *self);
void       sockscope_sequence_view_set_animation_speed (SockscopeSequenceView *self,
                                                        double                 speed);
/* The overview: the rows shown (a few hundred at a time, scrolling as usual) fitted to the
 * pane, the text down to 45 %; the "sequence.overview" action and the O key toggle it. */
gboolean   sockscope_sequence_view_get_overview      (SockscopeSequenceView *self);
void       sockscope_sequence_view_set_overview      (SockscopeSequenceView *self,
                                                      gboolean               overview);
/* The first event of the step shown (a log seq; 0: none). While following, the rows from its
 * row on are shown: the newest at the bottom when they all fit, else from its row at the top
 * down (the step's start wins over its end). Scrolling by hand lets go of it until another seq
 * is set. */
void       sockscope_sequence_view_set_focus         (SockscopeSequenceView *self,
                                                      guint                  seq);
guint      sockscope_sequence_view_get_focus         (SockscopeSequenceView *self);
gboolean   sockscope_sequence_view_get_follow        (SockscopeSequenceView *self);
void       sockscope_sequence_view_set_follow        (SockscopeSequenceView *self,
                                                      gboolean               follow);

/* Whether a lifeline is drawn at the position shown (a child: once created), and whether it
 * has ended there. For tests. */
gboolean   sockscope_sequence_view_lifeline_shown    (SockscopeSequenceView *self,
                                                      guint                  lifeline,
                                                      gboolean              *ended);
/* Where a lifeline is drawn, in widget coordinates (-1: the outside column); FALSE when it is
 * not shown at the position shown. For tests. */
gboolean   sockscope_sequence_view_get_lifeline_x    (SockscopeSequenceView *self,
                                                      int                    lifeline,
                                                      double                *x);
/* For tests and accessibility: the items in log order. kind is "call", "packet", "state",
 * "spawn", "exit", "signal" or "result";
 * text is as drawn (call text and result, packet label, "fd 4 ESTAB"). */
guint      sockscope_sequence_view_get_n_items       (SockscopeSequenceView *self);
gboolean   sockscope_sequence_view_get_item          (SockscopeSequenceView *self,
                                                      guint                  index,
                                                      guint                 *seq,
                                                      const char           **kind,
                                                      const char           **text,
                                                      int                   *from_lifeline,
                                                      int                   *to_lifeline);
/* Hit test in widget coordinates: the seq of the arrow, box or state tag under the point, or 0. */
guint      sockscope_sequence_view_item_at           (SockscopeSequenceView *self,
                                                      double                 x,
                                                      double                 y);
/* The point item_at() answers seq for (the middle of an arrow, the centre of a box or tag), in
 * widget coordinates; FALSE when the item is hidden or unknown. */
gboolean   sockscope_sequence_view_get_item_point    (SockscopeSequenceView *self,
                                                      guint                  seq,
                                                      double                *x,
                                                      double                *y);

/* How the rows shown are laid out, in content coordinates (the horizontal scroll not applied):
 * its rows start at item *first_row. For tests. */
const SockscopeLayout *sockscope_sequence_view_get_layout (SockscopeSequenceView *self,
                                                           guint                 *first_row);

G_END_DECLS
