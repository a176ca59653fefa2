/* sockscope-preferences.h: the preferences window (Ctrl+comma): language, style, animation,
 * sequence numbers, presenter zoom; every row is a GSettings key. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWindow *sockscope_preferences_new (GtkWindow *parent);

G_END_DECLS
