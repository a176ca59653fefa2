/* sockscope-text-cell.h: one line of text in a table cell, cheap to rebind. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_TEXT_CELL (sockscope_text_cell_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeTextCell, sockscope_text_cell, SOCKSCOPE, TEXT_CELL, GtkWidget)

GtkWidget  *sockscope_text_cell_new      (float              xalign,
                                          gboolean           numeric);
void        sockscope_text_cell_set_text (SockscopeTextCell *self,
                                          const char        *text);
const char *sockscope_text_cell_get_text (SockscopeTextCell *self);

G_END_DECLS
