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

typedef gboolean (*UiTestCondition) (SockscopeWindow *window);

/* Runs the main context until @cond holds for @window; after @timeout_ms, fails the test with
 * @what and the window's error banner. */
void                  ui_test_wait_for    (SockscopeWindow   *window,
                                           UiTestCondition    cond,
                                           guint              timeout_ms,
                                           const char        *what);

/* Prepares @lesson at @step in @window (sockscope_window_prepare_async) and waits for it;
 * fails the test with its error. */
void                  ui_test_prepare     (SockscopeWindow   *window,
                                           const char        *lesson,
                                           int                step);

/* The application's first SockscopeWindow, or NULL. */
SockscopeWindow      *ui_test_only_window (SockscopeApplication *app);

G_END_DECLS
