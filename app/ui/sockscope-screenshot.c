/* sockscope-screenshot.c: render a widget to PNG with the window's own renderer, so the
 * picture is what the user sees (fonts, theme, scale), not a re-layout, on an opaque
 * background. */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-screenshot.h"

gboolean
sockscope_screenshot_widget (GtkWidget   *widget,
                             const char  *path,
                             GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) drawn = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  GtkNative *native;
  GdkRGBA background;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  native = gtk_widget_get_native (widget);
  if (native == NULL || width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot take a screenshot: the widget is not shown yet"));
      return FALSE;
    }
  renderer = gtk_native_get_renderer (native);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  drawn = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (drawn == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot take a screenshot: nothing was drawn"));
      return FALSE;
    }
  /* A pane draws no background of its own, and a window's rounded corners leave transparent
   * pixels: the picture lies on the style's window colour (dark too), opaque everywhere. */
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &background))
    gdk_rgba_parse (&background, "#fafafa");
  background.alpha = 1.0;
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_append_node (snapshot, drawn);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot write the screenshot to “%s”"), path);
      return FALSE;
    }
  return TRUE;
}
