/* sockscope-hex-view.h: the bytes of a frame, as offset / hex / ASCII columns. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_HEX_VIEW (sockscope_hex_view_get_type ())

G_DECLARE_FINAL_TYPE (SockscopeHexView, sockscope_hex_view, SOCKSCOPE, HEX_VIEW, GtkWidget)

GtkWidget *sockscope_hex_view_new           (void);
void       sockscope_hex_view_set_bytes     (SockscopeHexView *self,
                                             GBytes           *bytes);
GBytes    *sockscope_hex_view_get_bytes     (SockscopeHexView *self);
void       sockscope_hex_view_set_highlight (SockscopeHexView *self,
                                             guint             offset,
                                             guint             length);
gboolean   sockscope_hex_view_get_highlight (SockscopeHexView *self,
                                             guint            *offset,
                                             guint            *length);
gboolean   sockscope_hex_view_get_byte_at   (SockscopeHexView *self,
                                             double            x,
                                             double            y,
                                             guint            *offset);
gboolean   sockscope_hex_view_get_byte_area (SockscopeHexView *self,
                                             guint             offset,
                                             gboolean          ascii,
                                             graphene_rect_t  *area);
guint      sockscope_hex_view_get_bytes_per_line (SockscopeHexView *self);
/* The text of a line as drawn: offset, hex, ASCII ("0000  45 00 ...  E.."). */
char      *sockscope_hex_view_get_line_text (SockscopeHexView *self,
                                             guint             line);

G_END_DECLS
