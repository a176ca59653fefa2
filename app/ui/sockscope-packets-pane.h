/* sockscope-packets-pane.h: every captured packet in a list, and the selected one decoded
 * field by field with its bytes. */
#pragma once

#include <gtk/gtk.h>

#include "sockscope-event-log.h"
#include "sockscope-lesson.h"
#include "sockscope-packet-detail.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_PACKETS_PANE (sockscope_packets_pane_get_type ())
G_DECLARE_FINAL_TYPE (SockscopePacketsPane, sockscope_packets_pane, SOCKSCOPE, PACKETS_PANE, GtkWidget)

GtkWidget *sockscope_packets_pane_new          (void);
/* The lesson whose actors From and To name (by their labels in @lang). */
void       sockscope_packets_pane_set_lesson   (SockscopePacketsPane *self,
                                                SockscopeLesson      *lesson,
                                                const char           *lang);
/* Shows the packets of the first @limit events of @log; G_MAXUINT follows the log. */
void       sockscope_packets_pane_set_log      (SockscopePacketsPane *self,
                                                SockscopeEventLog    *log,
                                                guint                 limit);
void       sockscope_packets_pane_set_limit    (SockscopePacketsPane *self,
                                                guint                 n_events);
void       sockscope_packets_pane_set_limit_rows (SockscopePacketsPane *self,
                                                  guint                 n_events,
                                                  guint                 max_rows);
/* Selects the packet at this log position (or nothing); emits no signal. */
void       sockscope_packets_pane_select       (SockscopePacketsPane *self,
                                                guint                 log_position);
/* Selects a row as a click does (emits ::packet-selected). */
gboolean   sockscope_packets_pane_select_row   (SockscopePacketsPane *self,
                                                guint                 row);
guint      sockscope_packets_pane_get_n_rows   (SockscopePacketsPane *self);
/* The log position of the selected packet, or G_MAXUINT. */
guint      sockscope_packets_pane_get_selected (SockscopePacketsPane *self);
/* For tests: the text of a cell ("no", "time", "from", "to", "source", "destination",
 * "protocol", "flags", "length", "info", "cause"), whether a column is on screen, the detail,
 * and the one line shown instead of an empty list (NULL while the list is shown). */
char      *sockscope_packets_pane_get_cell     (SockscopePacketsPane *self,
                                                guint                 row,
                                                const char           *column);
gboolean   sockscope_packets_pane_get_column_visible (SockscopePacketsPane *self,
                                                      const char           *column);
SockscopePacketDetail *sockscope_packets_pane_get_detail (SockscopePacketsPane *self);
const char *sockscope_packets_pane_get_empty_text (SockscopePacketsPane *self);

G_END_DECLS
