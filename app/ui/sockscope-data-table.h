/* sockscope-data-table.h: the table-with-a-side-panel the packets and sockets panes share: a
 * GtkColumnView of text columns over a single selection, beside a detail widget. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A selection that starts empty and can be cleared (nothing is selected behind the user's back). */
GtkSingleSelection *sockscope_data_table_selection_new (GListModel         *model);
GtkColumnView      *sockscope_data_table_new           (GtkSingleSelection *selection,
                                                        const char         *accessible_label);
/* A text column. width > 0 fixes the width (cells are measured lazily, so the content's width
 * must be given); 0 lets the column take the room left; < 0 sizes it to the cells shown (short
 * tables). setup and bind are connected to the column's GtkSignalListItemFactory; the factory's
 * and the column's "column" data is id; bind gets bind_data, an object or NULL. */
GtkListItemFactory *sockscope_data_table_add_column    (GtkColumnView      *view,
                                                        const char         *id,
                                                        const char         *title,
                                                        int                 width,
                                                        GCallback           setup,
                                                        GCallback           bind,
                                                        gpointer            bind_data);
/* The column view, scrolled, beside side: the pane's one child. */
GtkWidget          *sockscope_data_table_paned_new     (GtkColumnView      *view,
                                                        GtkWidget          *side,
                                                        int                 position);

G_END_DECLS
