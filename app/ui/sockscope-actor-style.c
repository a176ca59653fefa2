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
