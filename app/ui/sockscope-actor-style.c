/* sockscope-actor-style.c: one colour per actor in every widget: the classes are made from the
 * same palette the diagram, the export and the CLI draw with, so no stylesheet repeats it. */
#include "config.h"

#include <adwaita.h>

#include "sockscope-actor-style.h"
#include "sockscope-palette.h"

static GtkCssProvider *provider;

gboolean
sockscope_actor_style_is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static void
load_classes (void)
{
  g_autoptr(GString) css = g_string_new (NULL);
  gboolean dark = sockscope_actor_style_is_dark ();

  for (guint i = 0; i < SOCKSCOPE_PALETTE_SIZE; i++)
    {
      g_autofree char *hex = sockscope_palette_actor_hex (i, dark);

      g_string_append_printf (css,
                              ".actor-tag.actor-%u { background-color: alpha(%s, 0.16); color: %s; }\n"
                              ".actor-fg-%u { color: %s; }\n"
                              ".actor-edge-%u { box-shadow: inset 4px 0 %s; }\n",
                              i, hex, hex, i, hex, i, hex);
    }
  gtk_css_provider_load_from_data (provider, css->str, -1);
}

void
sockscope_actor_style_install (GdkDisplay *display)
{
  if (provider != NULL)
    return;
  provider = gtk_css_provider_new ();
  load_classes ();
  /* Under style.css, whose high-contrast rules may recolour a pill. */
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION - 1);
  g_signal_connect (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (load_classes), NULL);
}

void
sockscope_actor_style_add_classes (GtkWidget *block,
                                   GtkWidget *title,
                                   int        index)
{
  g_autofree char *edge = NULL;
  g_autofree char *fg = NULL;

  if (index < 0)
    return;
  sockscope_actor_style_install (gtk_widget_get_display (block));
  edge = g_strdup_printf ("actor-edge-%d", index % SOCKSCOPE_PALETTE_SIZE);
  fg = g_strdup_printf ("actor-fg-%d", index % SOCKSCOPE_PALETTE_SIZE);
  gtk_widget_add_css_class (block, edge);
  if (title != NULL)
    gtk_widget_add_css_class (title, fg);
}

GtkWidget *
sockscope_actor_style_tag_row (const char *actor,
                               int         index,
                               GtkWidget  *text,
                               int         margin)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *tag = gtk_label_new (actor);
  g_autofree char *css = g_strdup_printf ("actor-%d", MAX (index, 0) % SOCKSCOPE_PALETTE_SIZE);

  gtk_widget_add_css_class (tag, "actor-tag");
  gtk_widget_add_css_class (tag, css);
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), tag);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, margin);
  gtk_widget_set_margin_end (box, margin);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, actor, -1);
  return row;
}
