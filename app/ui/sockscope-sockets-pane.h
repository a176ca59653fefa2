/* sockscope-sockets-pane.h: every socket of the lab as the kernel sees it, as of the history
 * position; the selected one's place in the TCP state machine and its queues. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_SOCKETS_PANE (sockscope_sockets_pane_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeSocketsPane, sockscope_sockets_pane, SOCKSCOPE, SOCKETS_PANE, GtkWidget)

GtkWidget *sockscope_sockets_pane_new        (void);
void       sockscope_sockets_pane_set_log    (SockscopeSocketsPane *self,
                                              SockscopeEventLog    *log);
void       sockscope_sockets_pane_set_limit  (SockscopeSocketsPane *self,
                                              guint                 n_events);
/* Selects the socket a state event (or any event with actor and fd) is about. */
void       sockscope_sockets_pane_select     (SockscopeSocketsPane *self,
                                              const char           *actor,
                                              int                   fd,
                                              const char           *local,
                                              const char           *peer);
guint      sockscope_sockets_pane_get_n_rows (SockscopeSocketsPane *self);
void       sockscope_sockets_pane_set_lesson (SockscopeSocketsPane *self,
                                              SockscopeLesson      *lesson,
                                              const char           *lang);
/* Scales the table's columns and the TCP state machine (presenter mode). */
void       sockscope_sockets_pane_set_zoom   (SockscopeSocketsPane *self,
                                              double                zoom);
/* The height the table needs for its header and its rows (at least min_rows), at its zoom:
 * presenter mode gives the page no more, and the diagram the rest. */
int        sockscope_sockets_pane_get_table_height (SockscopeSocketsPane *self,
                                                    guint                 min_rows);
/* For tests: "actor", "fd", "type", "local", "peer", "state", "recv_q", "send_q". */
char      *sockscope_sockets_pane_get_cell   (SockscopeSocketsPane *self,
                                              guint                 row,
                                              const char           *column);

G_END_DECLS
