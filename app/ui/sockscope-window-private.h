/* sockscope-window-private.h: what UI tests need to look inside the window. */
#pragma once

#include "sockscope-code-pane.h"
#include "sockscope-explore-pane.h"
#include "sockscope-lesson-pane.h"
#include "sockscope-lesson-picker.h"
#include "sockscope-programs-pane.h"
#include "sockscope-packets-pane.h"
#include "sockscope-sequence-view.h"
#include "sockscope-sockets-pane.h"
#include "sockscope-window.h"
#include "sockscope-wire-panel.h"

G_BEGIN_DECLS

SockscopeSequenceView *sockscope_window_get_diagram      (SockscopeWindow *self);
SockscopeCodePane     *sockscope_window_get_code_pane    (SockscopeWindow *self);
SockscopeLessonPane   *sockscope_window_get_lesson_pane  (SockscopeWindow *self);
SockscopeLessonPicker *sockscope_window_get_lesson_picker (SockscopeWindow *self);
SockscopeExplorePane  *sockscope_window_get_explore_pane (SockscopeWindow *self);
SockscopeProgramsPane *sockscope_window_get_programs_pane (SockscopeWindow *self);
/* Explore mode (win.explore, win.explore-here): the explore pane in the lesson pane's place. */
gboolean               sockscope_window_is_exploring     (SockscopeWindow *self);
/* The window made again (a new language) explores on with @from's exploration: TRUE if it had one. */
gboolean               sockscope_window_take_exploration (SockscopeWindow *self,
                                                          SockscopeWindow *from);
SockscopePacketsPane  *sockscope_window_get_packets_pane (SockscopeWindow *self);
/* Two-host runs: the wire panel and the header bar's button that shows it (hidden otherwise). */
SockscopeWirePanel    *sockscope_window_get_wire_panel   (SockscopeWindow *self);
GtkWidget             *sockscope_window_get_wire_button  (SockscopeWindow *self);
SockscopeSocketsPane  *sockscope_window_get_sockets_pane (SockscopeWindow *self);
/* Presenter mode's band: the step's text (in a scrolled window when taller than its cap). */
GtkLabel              *sockscope_window_get_presenter_band (SockscopeWindow *self);
/* TRUE once the lab is up and no step is running: the next step can be taken. */
gboolean               sockscope_window_is_idle          (SockscopeWindow *self);
gboolean               sockscope_window_is_done          (SockscopeWindow *self);
guint                  sockscope_window_get_n_events     (SockscopeWindow *self);
const char            *sockscope_window_get_error        (SockscopeWindow *self);
/* TRUE while a long log (a session just opened) is still being added to the views. */
gboolean               sockscope_window_is_projecting    (SockscopeWindow *self);
/* The session file this run is recorded in (or the session opened), or NULL. */
const char            *sockscope_window_get_session_path (SockscopeWindow *self);
const char            *sockscope_window_get_replayed_session (SockscopeWindow *self);
void                   sockscope_window_set_presenter_zoom (SockscopeWindow *self,
                                                          double           zoom);

G_END_DECLS
