/* sockscope-packet-list.h: the packet events of an event log, as a lazy GListModel of
 * SockscopeEvent, limited to what had happened at the history position. */
#pragma once

#include <gio/gio.h>

#include "sockscope-event-log.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_PACKET_LIST (sockscope_packet_list_get_type ())
G_DECLARE_FINAL_TYPE (SockscopePacketList, sockscope_packet_list, SOCKSCOPE, PACKET_LIST, GObject)

SockscopePacketList *sockscope_packet_list_new          (SockscopeEventLog   *log,
                                                         guint                limit);
void                 sockscope_packet_list_set_limit    (SockscopePacketList *self,
                                                         guint                n_events);
void                 sockscope_packet_list_set_limit_rows (SockscopePacketList *self,
                                                         guint                n_events,
                                                         guint                max_rows);
guint                sockscope_packet_list_get_position (SockscopePacketList *self,
                                                         guint                index);
guint                sockscope_packet_list_get_n_known  (SockscopePacketList *self);
/* What the wire did to the packet at log position (its `wire` events before the limit), in
 * words: "lost on the wire", "delayed 40 ms, duplicated"; NULL for none. */
char                *sockscope_packet_list_get_wire_marks (SockscopePacketList *self,
                                                         guint                position);
int                  sockscope_packet_list_find         (SockscopePacketList *self,
                                                         guint                log_position);

G_END_DECLS
