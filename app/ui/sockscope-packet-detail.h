/* sockscope-packet-detail.h: one packet, decoded field by field above its bytes. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_PACKET_DETAIL (sockscope_packet_detail_get_type ())

G_DECLARE_FINAL_TYPE (SockscopePacketDetail, sockscope_packet_detail, SOCKSCOPE, PACKET_DETAIL, GtkWidget)

GtkWidget  *sockscope_packet_detail_new                (void);
void        sockscope_packet_detail_set_packet         (SockscopePacketDetail *self,
                                                        guint                  linktype,
                                                        GBytes                *frame);
void        sockscope_packet_detail_set_packet_full    (SockscopePacketDetail *self,
                                                        guint                  linktype,
                                                        GBytes                *frame,
                                                        guint                  origlen);
/* What the wire did to the next packet set (two hosts: "lost on the wire"), its first row; NULL
 * for nothing. */
void        sockscope_packet_detail_set_wire           (SockscopePacketDetail *self,
                                                        const char            *marks);
gboolean    sockscope_packet_detail_select_field       (SockscopePacketDetail *self,
                                                        const char            *field_id);
const char *sockscope_packet_detail_get_selected_field (SockscopePacketDetail *self);
guint       sockscope_packet_detail_get_n_fields       (SockscopePacketDetail *self);
const char *sockscope_packet_detail_get_warning        (SockscopePacketDetail *self);
GtkWidget  *sockscope_packet_detail_get_hex_view       (SockscopePacketDetail *self);
const char *sockscope_packet_detail_get_help           (SockscopePacketDetail *self);
const char *sockscope_packet_detail_get_row            (SockscopePacketDetail *self,
                                                        guint                  row,
                                                        const char           **field_id,
                                                        gboolean              *expanded);

G_END_DECLS
