/* sockscope-window.h: the main window. */
#pragma once

#include <adwaita.h>

#include "sockscope-application.h"

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_WINDOW (sockscope_window_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeWindow, sockscope_window, SOCKSCOPE, WINDOW, AdwApplicationWindow)

SockscopeWindow *sockscope_window_new            (SockscopeApplication *app);
void             sockscope_window_open_lesson    (SockscopeWindow      *self,
                                                  const char           *id_or_path);
void             sockscope_window_prepare_async  (SockscopeWindow      *self,
                                                  const char           *lesson,
                                                  int                   step,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean         sockscope_window_prepare_finish (SockscopeWindow      *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void             sockscope_window_show_pane      (SockscopeWindow      *self,
                                                  const char           *name);
GtkWidget       *sockscope_window_get_pane       (SockscopeWindow      *self,
                                                  const char           *name,
                                                  GError              **error);
void             sockscope_window_open_file      (SockscopeWindow      *self,
                                                  const char           *path);

/* Presenter mode (F5): full screen, the diagram, the code and the sockets, a band of text. */
void             sockscope_window_set_presenter  (SockscopeWindow      *self,
                                                  gboolean              presenter);
gboolean         sockscope_window_get_presenter  (SockscopeWindow      *self);
double           sockscope_window_get_presenter_zoom (SockscopeWindow  *self);
/* Screenshots: presenter mode keeps the window's size instead of filling the screen. */
void             sockscope_window_set_no_fullscreen (SockscopeWindow   *self,
                                                     gboolean           no_fullscreen);
/* The lesson open (its path), or NULL. */
const char      *sockscope_window_get_lesson_path (SockscopeWindow     *self);
/* Recorded sessions ($XDG_DATA_HOME/sockscope/sessions), newest first. */
GPtrArray       *sockscope_window_list_sessions  (void);

G_END_DECLS
