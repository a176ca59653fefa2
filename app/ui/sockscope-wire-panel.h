/* sockscope-wire-panel.h: the wire between a two-host lesson's hosts, in the teacher's hands:
 * "Lose the next packet →" / "←", and the wire's loss, delay, duplication, reordering, rate
 * and MTU. Each change sends one `wire` command (the wire grammar of lessons/README.md) through
 * the lab client; the lab logs it, and every view shows it from the log. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-lab-client.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_WIRE_PANEL (sockscope_wire_panel_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeWirePanel, sockscope_wire_panel, SOCKSCOPE, WIRE_PANEL, GtkWidget)

GtkWidget  *sockscope_wire_panel_new        (void);
/* The lab of a two-host run, or NULL (one host, no run): the controls do nothing then. */
void        sockscope_wire_panel_set_client (SockscopeWirePanel *self,
                                             SockscopeLabClient *client);
/* Sends a spec as a control does ("dir=a>b,drop=next"); for the controls and tests. */
void        sockscope_wire_panel_send       (SockscopeWirePanel *self,
                                             const char         *spec);
/* The last spec sent, and how many commands are still waiting for the lab's answer. */
const char *sockscope_wire_panel_get_last_spec (SockscopeWirePanel *self);
guint       sockscope_wire_panel_get_n_pending (SockscopeWirePanel *self);
/* What the panel says under its controls: "Sent: loss=20%", or the lab's refusal. */
const char *sockscope_wire_panel_get_status (SockscopeWirePanel *self);

G_END_DECLS
