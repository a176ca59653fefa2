/* sockscope-data-table.c: see the header. */
#include "config.h"

#include "sockscope-data-table.h"

GtkSingleSelection *
sockscope_data_table_selection_new (GListModel *model)
{
  GtkSingleSelection *selection = gtk_single_selection_new (model);

  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  return selection;
}

GtkColumnView *
sockscope_data_table_new (GtkSingleSelection *selection,
                          const char         *accessible_label)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (g_object_ref (selection))));

  gtk_column_view_set_show_column_separators (view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (view), "data-table");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  return view;
}

/* Returns the column's factory (owned by the view). */
GtkListItemFactory *
sockscope_data_table_add_column (GtkColumnView *view,
                                 const char    *id,
                                 const char    *title,
                                 int            width,
                                 GCallback      setup,
                                 GCallback      bind,
                                 gpointer       bind_data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "column", (gpointer) id);
  g_signal_connect (factory, "setup", setup, NULL);
  if (bind_data != NULL)
    g_signal_connect_object (factory, "bind", bind, bind_data, 0);
  else
    g_signal_connect (factory, "bind", bind, NULL);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  g_object_set_data (G_OBJECT (column), "column", (gpointer) id);
  /* width > 0: fixed; 0: takes the room left; < 0: fits its cells. */
  if (width > 0)
    gtk_column_view_column_set_fixed_width (column, width);
  else if (width == 0)
    gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return factory;
}

GtkWidget *
sockscope_data_table_paned_new (GtkColumnView *view,
                                GtkWidget     *side,
                                int            position)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (view));
  gtk_paned_set_start_child (GTK_PANED (paned), scrolled);
  gtk_paned_set_end_child (GTK_PANED (paned), side);
  gtk_paned_set_position (GTK_PANED (paned), position);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  /* The side (state machine, field tree) scales or scrolls: the table keeps its room. */
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), TRUE);
  return paned;
}
