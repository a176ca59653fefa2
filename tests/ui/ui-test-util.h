/* ui-test-util.h: what the window tests share (tests/ui and tests/firstrun's picker test). */
#pragma once

#include <adwaita.h>

#include "sockscope-application.h"
#include "sockscope-window.h"

G_BEGIN_DECLS

/* Runs the default main context for @ms milliseconds without blocking. */
void                  ui_test_spin   (guint             ms);

/* As main.c does: the app's catalogs, then @lang (NULL: the environment's), GTK's test set-up
 * with GTK and GLib warnings fatal, libadwaita, and a registered non-unique application. The
 * caller sets its environment (XDG_DATA_HOME, …) before. */
SockscopeApplication *ui_test_init   (int              *argc,
                                      char           ***argv,
                                      const char       *lang);

/* Sizes the window so that its content is width × height (decorations aside): the pictures. */
void                  ui_test_resize (SockscopeWindow  *window,
                                      int               width,
                                      int               height);

G_END_DECLS
