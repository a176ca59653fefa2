/* sockscope-tcp-state-view.h: the TCP state machine, with the current state lit up. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_TCP_STATE_VIEW (sockscope_tcp_state_view_get_type ())

G_DECLARE_FINAL_TYPE (SockscopeTcpStateView, sockscope_tcp_state_view, SOCKSCOPE, TCP_STATE_VIEW, GtkWidget)

GtkWidget  *sockscope_tcp_state_view_new           (void);
void        sockscope_tcp_state_view_set_state     (SockscopeTcpStateView *self,
                                                    const char            *state,
                                                    const char            *previous);
const char *sockscope_tcp_state_view_get_state     (SockscopeTcpStateView *self);
const char *sockscope_tcp_state_view_get_previous  (SockscopeTcpStateView *self);
/* "SYN-SENT → ESTAB"; "CLOSE-WAIT → LAST-ACK → CLOSED (LAST-ACK passed between two samples)"
 * when the samples skipped states: the machine moves only along its edges. */
char       *sockscope_tcp_state_view_get_title     (SockscopeTcpStateView *self);
void        sockscope_tcp_state_view_set_zoom      (SockscopeTcpStateView *self,
                                                    double                 zoom);
double      sockscope_tcp_state_view_get_zoom      (SockscopeTcpStateView *self);
gboolean    sockscope_tcp_state_view_get_state_box (SockscopeTcpStateView *self,
                                                    const char            *state,
                                                    graphene_rect_t       *out);

/* The client's and the server's paths in these actors' palette colours (-1: the defaults). */
void        sockscope_tcp_state_view_set_path_actors (SockscopeTcpStateView *self,
                                                      int                    client,
                                                      int                    server);

G_END_DECLS
