/* sockscope-screenshot.h: render a widget, as it is on screen, to a PNG file. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean sockscope_screenshot_widget (GtkWidget   *widget,
                                      const char  *path,
                                      GError     **error);

G_END_DECLS
