/* sockscope-window.c: the main window: the lesson picker, the panes, the error banner, and the
 * window-level actions (next step, back, restart, open, find a lesson). */
#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sockscope-code-pane.h"
#include "sockscope-diagram.h"
#include "sockscope-explore-pane.h"
#include "sockscope-export-dialog.h"
#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson-pane.h"
#include "sockscope-lesson-picker.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-projection.h"
#include "sockscope-packets-pane.h"
#include "sockscope-programs-pane.h"
#include "sockscope-question.h"
#include "sockscope-runner.h"
#include "sockscope-settings.h"
#include "sockscope-sequence-view.h"
#include "sockscope-sockets-pane.h"
#include "sockscope-window-private.h"
#include "sockscope-wire-panel.h"

struct _SockscopeWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkMenuButton   *lessons_button;
  GtkPopover      *lessons_popover;
  SockscopeLessonPicker *lesson_picker;
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  AdwFlap               *flap;
  GtkStack              *flap_stack;      /* the lesson pane, or the explore pane */
  SockscopeLessonPane   *lesson_pane;
  SockscopeExplorePane  *explore_pane;
  GtkWidget             *explore_here_button;
  gboolean               exploring;       /* explore mode: the log and lesson are the explore's */
  SockscopeCodePane     *code_pane;
  GtkWidget             *diagram_pane;
  GtkScrolledWindow     *diagram_scroller;
  SockscopeSequenceView *diagram;
  SockscopePacketsPane  *packets_pane;
  SockscopeSocketsPane  *sockets_pane;
  GtkStack              *bottom_stack;
  GtkWidget             *bottom_switcher;
  GtkPaned              *main_paned;
  GtkPaned              *top_paned;
  int                    top_position;    /* before presenter mode */
  double                 bottom_share;    /* of main_paned's height: the packets/sockets page */
  int                    main_height;     /* main_paned's height the split was placed for */
  gboolean               placing_split;
  guint                  place_tick;
  guint                  place_frames;
  gboolean               place_top;       /* presenter mode: the code/diagram split too */
  int                    presenter_bottom; /* the page's height presenter mode placed, or 0 */
  int                    presenter_height; /* main_paned's height it was placed for */
  AdwHeaderBar          *header_bar;
  GtkWidget             *wire_button;   /* two-host runs: the wire panel's popover */
  SockscopeWirePanel    *wire_panel;
  GtkLabel              *presenter_band;
  GtkScrolledWindow     *presenter_band_scroller;
  GMenu                 *recent_menu;

  /* Presenter mode: full screen, the diagram, the code and the sockets, a zoom for them. */
  gboolean             presenter;
  gboolean             flap_was_revealed;
  char                *bottom_before;
  double               presenter_zoom;
  GtkCssProvider      *zoom_css;
  gboolean             no_fullscreen;  /* screenshots: the size asked for, not the screen's */
  char                *session_path;   /* where this run is recorded, or the session opened */
  GSimpleActionGroup  *view_actions;

  SockscopeLessonCatalog *catalog;     /* the lessons the picker offers, and the files opened */
  SockscopeLesson     *lesson;         /* the open one, or NULL */
  char                *lang;           /* "en" or "fr": the UI's language, lessons follow it */

  /* The run: a lab, the runner stepping the lesson in it, and the log every pane projects. */
  SockscopeLabClient  *client;
  SockscopeRunner     *runner;
  SockscopeEventLog   *log;
  GCancellable        *cancellable;
  gboolean             starting;
  gboolean             stepping;
  gboolean             lab_ready;
  GTask               *pending_prepare;
  guint                prepare_step;
  guint                play_source;

  /* Projection state, rebuilt with the log */
  guint                projected;      /* log events already added to the diagram */
  guint                project_source; /* projecting a long log in slices */
  GCancellable        *load_cancellable; /* reading a session file */
  gboolean             history_live;   /* the history followed the newest event */
  gboolean             packets_follow_projection; /* the packet list grows as events are projected */
  gboolean             loading_rest;  /* a session's events after its first ones are being read */
  gint64               project_status_time; /* when the projection's progress was last shown */
  char                *projected_status; /* the status to show once the slices are done */
  guint                history;        /* events shown: == n_events when live */
  SockscopeProjection *projection;     /* events -> diagram items, for self->lesson */
  gboolean             absolute_seq;

  /* Questions (`ask:`): asked before their step runs, graded once it has settled. */
  GHashTable          *questions;      /* step -> Question */
  guint                settling;       /* settles asked for grading, not finished */
  GSettings           *settings;

  /* "Your programs": the learner's programs traced (sockscope-programs-pane.c runs them). */
  SockscopeProgramsPane *programs_pane;
  gboolean             programs;       /* the log shown is the programs' */
};

typedef struct _Question Question;

struct _Question
{
  guint           step;
  char          **choices;
  gboolean        answered;   /* chosen, or skipped */
  char           *answer;     /* NULL: skipped */
  SockscopeGrade *grade;      /* once the run has answered it */
};

static void
question_free (gpointer data)
{
  Question *q = data;

  g_strfreev (q->choices);
  g_free (q->answer);
  sockscope_grade_free (q->grade);
  g_free (q);
}

G_DEFINE_FINAL_TYPE (SockscopeWindow, sockscope_window, ADW_TYPE_APPLICATION_WINDOW)

static void
show_error (SockscopeWindow *self,
            const char      *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
on_error_dismiss (SockscopeWindow *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

/* The UI language decides the lessons' language too. */
static char *
ui_language (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], "fr"))
        return g_strdup ("fr");
      if (g_str_has_prefix (names[i], "en") || g_str_equal (names[i], "C"))
        return g_strdup ("en");
    }
  return g_strdup ("en");
}

static void
on_picker_lesson_activated (SockscopeWindow *self,
                            const char      *path)
{
  gtk_popover_popdown (self->lessons_popover);
  sockscope_window_open_lesson (self, path);
}

/* The built-in lessons and the teacher's; a broken or duplicate one is a greyed row in the
 * picker that says why, never an error that stops the window. Read again each time the picker
 * opens, so a teacher who just saved a lesson sees it, or its mistake, at once; the files opened
 * by their path stay. */
static void
load_lessons (SockscopeWindow *self)
{
  g_autoptr(SockscopeLessonCatalog) old = g_steal_pointer (&self->catalog);

  self->catalog = sockscope_lesson_catalog_new ();
  for (guint i = 0; old != NULL && i < sockscope_lesson_catalog_get_n_entries (old); i++)
    {
      const SockscopeLessonEntry *entry = sockscope_lesson_catalog_get_entry (old, i);

      if (entry->origin == SOCKSCOPE_LESSON_OPENED && g_file_test (entry->path, G_FILE_TEST_IS_REGULAR))
        sockscope_lesson_catalog_add_file (self->catalog, entry->path);
    }
  sockscope_lesson_picker_set_catalog (self->lesson_picker, self->catalog, self->lang);
}

/* ---- Projection: each new log event goes to every pane ---------------------------------- */

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

static void
sink_call (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *text, guint step)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_add_call (self->diagram, seq, t_ns, lifeline, text);
  if (step == 0)    /* a traced program's call: its own source */
    sockscope_code_pane_traced_call (self->code_pane, self->log, seq, (int) lifeline, SOCKSCOPE_CALL_RUNNING, NULL);
  else
    sockscope_code_pane_set_call (self->code_pane, step, SOCKSCOPE_CALL_RUNNING, NULL);
}

static void
sink_blocked (gpointer data, guint call_seq, guint seq, guint step, const char *call)
{
  SockscopeWindow *self = data;
  g_autofree char *text = g_strdup_printf (_("blocked in %s()"), call);

  sockscope_sequence_view_set_call_blocked (self->diagram, call_seq, seq);
  if (step == 0)
    sockscope_code_pane_traced_call (self->code_pane, self->log, call_seq, -1, SOCKSCOPE_CALL_BLOCKED, text);
  else
    sockscope_code_pane_set_call (self->code_pane, step, SOCKSCOPE_CALL_BLOCKED, text);
}

static void
sink_result (gpointer data, guint call_seq, guint seq, gint64 t_ns, guint step,
             const char *result, gboolean failed)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_set_call_result (self->diagram, call_seq, seq, t_ns, result, failed);
  if (step == 0)
    sockscope_code_pane_traced_call (self->code_pane, self->log, call_seq, -1,
                                     failed ? SOCKSCOPE_CALL_FAILED : SOCKSCOPE_CALL_RETURNED, result);
  else
    sockscope_code_pane_set_call (self->code_pane, step,
                                  failed ? SOCKSCOPE_CALL_FAILED : SOCKSCOPE_CALL_RETURNED, result);
}

static void
sink_state (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *socket, const char *state)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_add_state (self->diagram, seq, t_ns, lifeline, socket, state);
}

static void
sink_packet (gpointer data, guint seq, gint64 t_ns, int from, int to, const char *label, guint cause_seq)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_add_packet (self->diagram, seq, t_ns, from, to, label, cause_seq, cause_seq == 0);
}

static void
sink_spawn (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint parent, gboolean thread,
            guint via_seq, const char *text)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_add_spawn (self->diagram, seq, t_ns, lifeline, parent, text);
}

static void
sink_exit (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint call_seq, const char *text,
           gboolean failed)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_add_exit (self->diagram, seq, t_ns, lifeline, call_seq, text, failed);
  /* exit() never returns: its line in the code says how the actor ended instead. */
  if (call_seq != 0 && call_seq <= sockscope_event_log_get_n_events (self->log))
    {
      int step = sockscope_event_log_get_step (self->log, call_seq - 1);

      if (step > 0)
        sockscope_code_pane_set_call (self->code_pane, (guint) step,
                                      failed ? SOCKSCOPE_CALL_FAILED : SOCKSCOPE_CALL_RETURNED, text);
    }
}

static void
sink_signal (gpointer data, guint seq, gint64 t_ns, int from, guint to, const char *signal)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_add_signal (self->diagram, seq, t_ns, from, to, signal);
}

/* A traced program, process or thread: its lifeline as it appears. */
static void
sink_lifeline (gpointer data, guint lifeline, const char *name, int parent, gboolean thread)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_add_child_lifeline (self->diagram, name, name, parent, thread);
}

static void
sink_host (gpointer data, guint lifeline, const char *host, const char *label)
{
  SockscopeWindow *self = data;

  if (lifeline < sockscope_sequence_view_get_n_lifelines (self->diagram))
    sockscope_sequence_view_set_lifeline_host (self->diagram, lifeline, host, label);
}

static void
sink_wire (gpointer data, guint seq, gint64 t_ns, const SockscopeWireItem *item)
{
  SockscopeWindow *self = data;

  sockscope_sequence_view_add_wire (self->diagram, seq, t_ns, item);
}

static const SockscopeProjectionSink window_sink = {
  sink_call, sink_blocked, sink_result, sink_state, sink_packet,
  sink_spawn, sink_exit, sink_signal, sink_lifeline, sink_host, sink_wire,
};

static void
project_event (SockscopeWindow *self,
               guint            position)
{
  g_autoptr(JsonObject) event = NULL;
  SockscopeLoggedPacket packet;

  if (self->projection == NULL)
    return;
  /* A packet, most of a long session, is read without a tree: 3 times faster. */
  if (sockscope_event_log_get_packet (self->log, position, &packet))
    {
      sockscope_projection_project_packet (self->projection, &packet, &window_sink, self);
      return;
    }
  if ((event = sockscope_event_log_parse (self->log, position)) != NULL)
    sockscope_projection_project (self->projection, event, position, &window_sink, self);
}

static void update_presenter_band (SockscopeWindow *self);
static void update_diagram_focus  (SockscopeWindow *self);
static void queue_place_presenter_panes (SockscopeWindow *self);
static void update_questions      (SockscopeWindow *self);
static struct _Question *pending_question (SockscopeWindow *self);

static void
update_history (SockscopeWindow *self)
{
  GtkAdjustment *adj = sockscope_lesson_pane_get_history (self->lesson_pane);
  guint n = self->log ? sockscope_event_log_get_n_events (self->log) : 0;
  g_autofree char *label = NULL;
  gboolean live = self->history >= n;

  gtk_adjustment_configure (adj, self->history, 0, n, 1, 10, 0);
  if (live)
    label = g_strdup_printf (_("live · %u"), n);
  else
    label = g_strdup_printf (_("%u of %u"), self->history, n);
  sockscope_lesson_pane_set_history_label (self->lesson_pane, label);
  update_presenter_band (self);
  update_diagram_focus (self);
  /* The sockets table may want another height. */
  queue_place_presenter_panes (self);
}

static guint
steps_done_at (SockscopeWindow *self,
               guint            n_events)
{
  /* In explore mode a step's events come before the lesson has the step: it counts once it does. */
  guint n_steps = self->lesson ? sockscope_lesson_get_n_steps (self->lesson) : G_MAXUINT;

  for (guint i = n_events; i > 0; i--)
    if (sockscope_event_log_get_event_type (self->log, i - 1) == SOCKSCOPE_EVENT_CALL)
      return MIN ((guint) MAX (sockscope_event_log_get_step (self->log, i - 1), 0), n_steps);
  return 0;
}

/* The diagram keeps the step shown in view from its first event (its note, its wire rules, its
 * call), found by the steps the log records: a step's events all come after the call of the
 * step before it (a late return of an earlier step may come among them, never before). That
 * is when the history shows the step to its end (live, or moved by steps); stopped inside a
 * step (moved event by event), the newest event shown is the one to see. */
static void
update_diagram_focus (SockscopeWindow *self)
{
  guint step = self->log && self->lesson ? steps_done_at (self, self->history) : 0;
  guint first = 0;

  if (step > 0 && self->history < sockscope_event_log_get_n_events (self->log) &&
      sockscope_event_log_get_step (self->log, self->history) <= (int) step)
    step = 0;
  for (guint i = step > 0 ? self->history : 0; i > 0; i--)
    {
      int s = sockscope_event_log_get_step (self->log, i - 1);

      if (s == (int) step)
        first = i;
      else if (s > 0 && s < (int) step && sockscope_event_log_get_event_type (self->log, i - 1) == SOCKSCOPE_EVENT_CALL)
        break;
    }
  /* Positions count from 0, seqs from 1. */
  sockscope_sequence_view_set_focus (self->diagram, first);
}

/* The slim band of presenter mode: the explanation of the step shown. */
static void
update_presenter_band (SockscopeWindow *self)
{
  guint step = self->log && self->lesson ? steps_done_at (self, self->history) : 0;
  g_autofree char *text = NULL;

  /* Your programs: the call Next lets go, or how the programs are. */
  if (self->presenter && self->programs)
    {
      const char *next = sockscope_programs_pane_get_next_text (self->programs_pane);

      text = next != NULL ? g_strdup_printf (_("Next lets go: %s"), next)
                          : g_strdup (sockscope_programs_pane_get_status (self->programs_pane));
      gtk_label_set_text (self->presenter_band, text);
      queue_place_presenter_panes (self);
      return;
    }
  if (!self->presenter || self->lesson == NULL)
    return;
  /* A question before the next step: the room reads it before Space runs the step. */
  if (self->log != NULL && self->history >= sockscope_event_log_get_n_events (self->log) &&
      self->lab_ready && pending_question (self) != NULL)
    {
      Question *q = pending_question (self);
      const SockscopeStep *next = sockscope_lesson_get_step (self->lesson, q->step);
      g_autofree char *call = sockscope_step_to_string (next);
      g_autofree char *choices = g_strjoinv (" · ", q->choices);
      g_autofree char *label = g_strdup_printf (_("Question before step %u"), q->step);
      int index = sockscope_lesson_find_actor (self->lesson, next->actor);
      const char *who = index >= 0 ? sockscope_actor_get_label (sockscope_lesson_get_actor (self->lesson, (guint) index), self->lang)
                                   : next->actor;

      text = g_strdup_printf ("%s · %s: %s %s  [%s]", label, who, call,
                              sockscope_question_get_prompt (next->ask), choices);
      gtk_label_set_text (self->presenter_band, text);
      queue_place_presenter_panes (self);
      return;
    }
  if (step == 0)
    text = g_strdup (sockscope_lesson_get_description (self->lesson, self->lang));
  else
    {
      g_autofree char *label = g_strdup_printf (_("Step %u of %u"), step, sockscope_lesson_get_n_steps (self->lesson));

      Question *q = g_hash_table_lookup (self->questions, GUINT_TO_POINTER (step));

      text = g_strdup_printf ("%s · %s", label,
                              sockscope_step_get_text (sockscope_lesson_get_step (self->lesson, step), self->lang));
      /* After a question, the kernel's answer. */
      if (q != NULL && q->grade != NULL)
        {
          g_autofree char *answer = g_strdup_printf (_("The kernel says: %s"), q->grade->actual);
          char *both = g_strdup_printf ("%s · %s", text, answer);

          g_free (text);
          text = both;
        }
    }
  gtk_label_set_text (self->presenter_band, text ? text : "");
  /* The band and the sockets table may want other heights. */
  queue_place_presenter_panes (self);
}

static void
show_history (SockscopeWindow *self,
              guint            n_events)
{
  guint n = sockscope_event_log_get_n_events (self->log);

  self->history = MIN (n_events, n);
  self->packets_follow_projection = FALSE;
  sockscope_sequence_view_set_position (self->diagram, self->history >= n ? G_MAXUINT : self->history);
  sockscope_packets_pane_set_limit (self->packets_pane, self->history);
  sockscope_sockets_pane_set_limit (self->sockets_pane, self->history);
  sockscope_lesson_pane_set_position (self->lesson_pane, steps_done_at (self, self->history));
  update_history (self);
  update_questions (self);
}

/* Events are projected as they come: a live step brings a few. A recorded session brings them
 * all at once, so they are projected in slices of PROJECT_SLICE_US from an idle handler, one
 * between two frames, and the window keeps drawing and answering while a 100,000-event session
 * opens. The packet list grows with the projection. */
static void set_status (SockscopeWindow *self,
                        const char      *status,
                        gboolean         busy);

#define PROJECT_SYNC_MAX  256
#define PROJECT_SLICE_US  25000

static void
projection_caught_up (SockscopeWindow *self,
                      gboolean         live)
{
  guint n = sockscope_event_log_get_n_events (self->log);

  if (live)
    {
      self->history = n;
      sockscope_lesson_pane_set_position (self->lesson_pane, steps_done_at (self, n));
    }
  update_history (self);
}

static gboolean
project_idle (gpointer data)
{
  SockscopeWindow *self = data;
  guint n = self->log ? sockscope_event_log_get_n_events (self->log) : 0;
  gint64 end = g_get_monotonic_time () + PROJECT_SLICE_US;

  guint rows_before = sockscope_packets_pane_get_n_rows (self->packets_pane);

  while (self->projected < n && g_get_monotonic_time () < end)
    {
      for (guint i = 0; i < 64u && self->projected < n; i++, self->projected++)
        project_event (self, self->projected);
      /* New rows of the packet list cost their widgets, and the next frame their layout, until
       * the list has made all it keeps (GTK 4.8 binds up to 200): until then they come a few
       * at a time, at most 16 between two frames, while the projection goes on. */
      if (self->packets_follow_projection)
        sockscope_packets_pane_set_limit_rows (self->packets_pane, self->projected,
                                               rows_before < 256 ? rows_before + 16 : G_MAXUINT);
    }

  if (self->projected < n)
    {
      /* A new text re-measures the lesson pane: four times a second is enough to read it. */
      if (g_get_monotonic_time () - self->project_status_time > G_USEC_PER_SEC / 4)
        {
          g_autofree char *text = g_strdup_printf (_("Opening the session: %u of %u events…"), self->projected, n);

          sockscope_lesson_pane_set_status (self->lesson_pane, text, TRUE);
          self->project_status_time = g_get_monotonic_time ();
        }
      return G_SOURCE_CONTINUE;
    }
  self->project_source = 0;
  projection_caught_up (self, self->history_live);
  if (self->packets_follow_projection)
    sockscope_packets_pane_set_limit (self->packets_pane, self->history);
  self->packets_follow_projection = FALSE;
  if (self->projected_status != NULL)
    {
      g_autofree char *status = g_steal_pointer (&self->projected_status);

      set_status (self, status, FALSE);
    }
  return G_SOURCE_REMOVE;
}

static void
on_log_items_changed (SockscopeWindow *self,
                      guint            position,
                      guint            removed,
                      guint            added)
{
  guint n = sockscope_event_log_get_n_events (self->log);

  if (self->project_source != 0)
    return;
  self->history_live = self->history >= self->projected;
  if (n - self->projected > PROJECT_SYNC_MAX)
    {
      /* At the frame clock's own priority, so that slices and frames take turns: at a lower
       * one, a window whose frames take longer than the frame interval (software rendering, a
       * spinner running) would never give the projection a turn. */
      self->project_source = g_idle_add_full (GDK_PRIORITY_REDRAW, project_idle, self, NULL);
      return;
    }
  for (; self->projected < n; self->projected++)
    project_event (self, self->projected);
  projection_caught_up (self, self->history_live);
  if (self->packets_follow_projection)
    sockscope_packets_pane_set_limit (self->packets_pane, self->history);
  self->packets_follow_projection = FALSE;
}

static void
on_history_changed (SockscopeWindow *self,
                    GtkAdjustment   *adj)
{
  guint value = (guint) (gtk_adjustment_get_value (adj) + 0.5);

  if (self->log != NULL && value != self->history)
    show_history (self, value);
}

/* ---- One selection ------------------------------------------------------------------------- */

static void
select_event (SockscopeWindow *self,
              guint            seq)
{
  g_autoptr(JsonObject) event = NULL;
  const char *type;
  guint call_seq = seq;

  if (self->log == NULL || seq == 0 || seq > sockscope_event_log_get_n_events (self->log))
    return;
  event = sockscope_event_log_parse (self->log, seq - 1);
  type = string_member (event, "type");

  sockscope_sequence_view_select (self->diagram, seq);
  if (g_strcmp0 (type, "packet") == 0)
    {
      JsonNode *cause = json_object_get_member (event, "cause");
      JsonObject *pkt = json_object_get_object_member (event, "pkt");

      sockscope_packets_pane_select (self->packets_pane, seq - 1);
      gtk_stack_set_visible_child_name (self->bottom_stack, "packets");
      call_seq = cause && JSON_NODE_HOLDS_VALUE (cause) ? (guint) json_node_get_int (cause) : 0;
      if (pkt != NULL && string_member (pkt, "src") != NULL)
        {
          g_autofree char *local = g_strdup_printf ("%s:%" G_GINT64_FORMAT, string_member (pkt, "src"),
                                                    json_object_get_int_member_with_default (pkt, "sport", 0));
          g_autofree char *peer = g_strdup_printf ("%s:%" G_GINT64_FORMAT, string_member (pkt, "dst"),
                                                   json_object_get_int_member_with_default (pkt, "dport", 0));
          sockscope_sockets_pane_select (self->sockets_pane, NULL, -1, local, peer);
        }
    }
  else if (g_strcmp0 (type, "state") == 0)
    {
      JsonNode *fd = json_object_get_member (event, "fd");

      sockscope_sockets_pane_select (self->sockets_pane, string_member (event, "actor"),
                                     fd && JSON_NODE_HOLDS_VALUE (fd) ? (int) json_node_get_int (fd) : -1,
                                     string_member (event, "local"), string_member (event, "peer"));
      gtk_stack_set_visible_child_name (self->bottom_stack, "sockets");
    }
  else if (g_strcmp0 (type, "return") == 0 || g_strcmp0 (type, "blocked") == 0)
    call_seq = (guint) json_object_get_int_member_with_default (event, "call_seq", 0);

  if (call_seq != 0)
    {
      g_autoptr(JsonObject) call = sockscope_event_log_parse (self->log, call_seq - 1);
      guint step = call ? (guint) json_object_get_int_member_with_default (call, "step", 0) : 0;
      JsonNode *fd = call ? json_object_get_member (call, "fd") : NULL;

      if (step != 0)
        sockscope_code_pane_select_step (self->code_pane, step);
      else if (call != NULL)
        sockscope_code_pane_select_traced_call (self->code_pane, self->log, call_seq);
      if (g_strcmp0 (type, "packet") != 0 && fd != NULL && JSON_NODE_HOLDS_VALUE (fd))
        sockscope_sockets_pane_select (self->sockets_pane, string_member (call, "actor"),
                                       (int) json_node_get_int (fd), NULL, NULL);
    }
  sockscope_lesson_pane_select_call (self->lesson_pane, call_seq);
}

static void
on_diagram_selected (SockscopeWindow *self,
                     guint            seq)
{
  select_event (self, seq);
}

static void
on_packet_selected (SockscopeWindow *self,
                    guint            position)
{
  select_event (self, position + 1);
}

/* ---- Questions ---------------------------------------------------------------------------- */

/* The question of the step the runner takes next, not answered yet, or NULL. */
static Question *
pending_question (SockscopeWindow *self)
{
  guint next;
  Question *q;

  if (self->runner == NULL || self->lesson == NULL || sockscope_runner_is_done (self->runner))
    return NULL;
  next = sockscope_runner_get_position (self->runner) + 1;
  q = g_hash_table_lookup (self->questions, GUINT_TO_POINTER (next));
  return q != NULL && !q->answered ? q : NULL;
}

/* The question card (before the next step, when the history is live) and the verdict of the
 * step shown. */
static void
update_questions (SockscopeWindow *self)
{
  guint n = self->log ? sockscope_event_log_get_n_events (self->log) : 0;
  Question *ask = self->history >= n && self->lab_ready ? pending_question (self) : NULL;
  guint shown = sockscope_lesson_pane_get_position (self->lesson_pane);
  Question *q = g_hash_table_lookup (self->questions, GUINT_TO_POINTER (shown));
  const SockscopeStep *step = self->lesson && shown > 0 && shown <= sockscope_lesson_get_n_steps (self->lesson)
                              ? sockscope_lesson_get_step (self->lesson, shown) : NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;

  update_presenter_band (self);
  if (ask != NULL)
    sockscope_lesson_pane_show_question (self->lesson_pane, ask->step,
                                         sockscope_question_get_prompt (sockscope_lesson_get_step (self->lesson, ask->step)->ask),
                                         (const char * const *) ask->choices);
  else
    sockscope_lesson_pane_show_question (self->lesson_pane, 0, NULL, NULL);

  if (q == NULL || !q->answered || step == NULL)
    {
      sockscope_lesson_pane_show_verdict (self->lesson_pane, SOCKSCOPE_VERDICT_NONE, NULL, NULL);
      return;
    }
  if (q->grade == NULL && self->settling > 0)
    {
      /* The kernel is settling: the verdict comes in a moment. */
      sockscope_lesson_pane_show_verdict (self->lesson_pane, SOCKSCOPE_VERDICT_NONE, NULL, NULL);
      return;
    }
  if (q->grade == NULL)
    {
      /* TRANSLATORS: a question's verdict while its call still waits (a blocked accept) */
      title = g_strdup_printf (_("The answer comes when %s() returns"), step->call);
      if (q->answer != NULL)
        detail = g_strdup_printf (_("You said: %s"), q->answer);
      sockscope_lesson_pane_show_verdict (self->lesson_pane, SOCKSCOPE_VERDICT_PENDING, title, detail);
      return;
    }
  if (q->answer == NULL)
    {
      title = g_strdup_printf (_("Skipped. The kernel says: %s"), q->grade->actual);
      sockscope_lesson_pane_show_verdict (self->lesson_pane, SOCKSCOPE_VERDICT_SKIPPED, title, q->grade->explanation);
    }
  else if (q->grade->correct)
    {
      title = g_strdup_printf (_("Right: %s"), q->grade->actual);
      sockscope_lesson_pane_show_verdict (self->lesson_pane, SOCKSCOPE_VERDICT_RIGHT, title, q->grade->explanation);
    }
  else
    {
      title = g_strdup_printf (_("Not quite: you said %s"), q->answer);
      detail = g_strdup_printf (_("The kernel says: %s. %s"), q->grade->actual, q->grade->explanation);
      sockscope_lesson_pane_show_verdict (self->lesson_pane, SOCKSCOPE_VERDICT_WRONG, title, detail);
    }
}

/* The next step asks a question: its choices are made now, from the run so far. */
static void
prepare_question (SockscopeWindow *self)
{
  const SockscopeStep *step;
  guint next;
  Question *q;

  if (self->runner == NULL || sockscope_runner_is_done (self->runner))
    return;
  next = sockscope_runner_get_position (self->runner) + 1;
  step = sockscope_lesson_get_step (self->lesson, next);
  if (step == NULL || step->ask == SOCKSCOPE_ASK_NONE ||
      g_hash_table_contains (self->questions, GUINT_TO_POINTER (next)))
    return;
  q = g_new0 (Question, 1);
  q->step = next;
  q->choices = sockscope_question_get_choices (self->lesson, step, self->log);
  g_hash_table_insert (self->questions, GUINT_TO_POINTER (next), q);
}

/* Grades what the run has answered: a call still blocked is graded once it returns. */
static void
grade_questions (SockscopeWindow *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->runner == NULL)
    return;
  g_hash_table_iter_init (&iter, self->questions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Question *q = value;

      if (!q->answered || q->grade != NULL || q->step > sockscope_runner_get_position (self->runner))
        continue;
      q->grade = sockscope_question_grade (self->lesson, sockscope_lesson_get_step (self->lesson, q->step),
                                           self->log, q->answer, self->lang, NULL);
    }
  update_questions (self);
}

static void
on_question_settled (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SockscopeWindow) self = user_data;
  gboolean settled = sockscope_lab_client_settle_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);

  if (SOCKSCOPE_LAB_CLIENT (object) != self->client)
    return;
  self->settling = self->settling > 0 ? self->settling - 1 : 0;
  if (settled)
    grade_questions (self);
  else
    update_questions (self);
}

/* After a step: once the kernel has settled (the states after a close), the answers are read. */
static void
settle_questions (SockscopeWindow *self)
{
  gboolean ungraded = FALSE;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->questions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ungraded = ungraded || (((Question *) value)->answered && ((Question *) value)->grade == NULL);
  if (ungraded && self->client != NULL)
    {
      self->settling++;
      sockscope_lab_client_settle_async (self->client, 250, self->cancellable, on_question_settled, g_object_ref (self));
    }
  update_questions (self);
}

/* ---- The run ------------------------------------------------------------------------------- */

static void
set_status (SockscopeWindow *self,
            const char      *status,
            gboolean         busy)
{
  /* While a long log is being projected, the progress stays up; this status comes after. */
  if (self->project_source != 0)
    {
      g_free (self->projected_status);
      self->projected_status = g_strdup (status);
      return;
    }
  sockscope_lesson_pane_set_status (self->lesson_pane, status, busy);
}

static void
update_actions (SockscopeWindow *self)
{
  gboolean can_step = self->runner != NULL && self->lab_ready && !self->stepping
                      && !sockscope_runner_is_done (self->runner);
  gboolean behind = self->log != NULL && self->history < sockscope_event_log_get_n_events (self->log);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next", can_step || behind || self->programs);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", self->history > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restart", self->lesson != NULL && !self->exploring);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.explore-here", self->runner != NULL && !self->exploring);
}

static void
fail_run (SockscopeWindow *self,
          const GError    *error)
{
  show_error (self, error->message);
  set_status (self, _("The lab stopped: the lesson cannot go on. Restart it, or open a session."), FALSE);
  self->lab_ready = FALSE;
  g_clear_handle_id (&self->play_source, g_source_remove);
  update_actions (self);
}

static void
prepare_complete (SockscopeWindow *self,
                  const GError    *error);

static void
on_client_failed (SockscopeWindow *self,
                  const GError    *error)
{
  fail_run (self, error);
  prepare_complete (self, error);
}

static void step_next (SockscopeWindow *self);

static void
on_settled (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SockscopeWindow) self = user_data;

  sockscope_lab_client_settle_finish (SOCKSCOPE_LAB_CLIENT (object), result, NULL);
  prepare_complete (self, NULL);
}

/* After a step: go on towards the screenshot's step, or let the lab settle before it is taken. */
static void
after_step (SockscopeWindow *self)
{
  if (self->pending_prepare == NULL)
    return;
  if (sockscope_runner_get_position (self->runner) < self->prepare_step
      && !sockscope_runner_is_done (self->runner))
    step_next (self);
  else
    sockscope_lab_client_settle_async (self->client, 300, self->cancellable, on_settled, g_object_ref (self));
}

static void
on_next_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SockscopeWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->stepping = FALSE;
  if (!sockscope_runner_next_finish (SOCKSCOPE_RUNNER (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          fail_run (self, error);
          prepare_complete (self, error);
        }
      return;
    }
  if (sockscope_runner_is_done (self->runner))
    {
      set_status (self, _("End of the lesson. Restart it, or scrub back through the history."), FALSE);
      g_clear_handle_id (&self->play_source, g_source_remove);
    }
  else
    set_status (self, NULL, FALSE);
  prepare_question (self);
  settle_questions (self);
  update_actions (self);
  after_step (self);
}

static void
step_next (SockscopeWindow *self)
{
  Question *q;

  if (self->runner == NULL || !self->lab_ready || self->stepping || sockscope_runner_is_done (self->runner))
    return;
  /* Next with a question on screen runs the step without an answer (Skip). */
  if ((q = pending_question (self)) != NULL)
    q->answered = TRUE;
  self->stepping = TRUE;
  sockscope_lesson_pane_show_question (self->lesson_pane, 0, NULL, NULL);
  update_actions (self);
  sockscope_runner_next_async (self->runner, self->cancellable, on_next_done, g_object_ref (self));
}

static void
on_runner_started (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SockscopeWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_runner_start_finish (SOCKSCOPE_RUNNER (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->starting = FALSE;
          fail_run (self, error);
          prepare_complete (self, error);
        }
      return;
    }
  self->starting = FALSE;
  self->lab_ready = TRUE;
  set_status (self, NULL, FALSE);
  prepare_question (self);
  update_questions (self);
  update_actions (self);
  after_step (self);
}

static void update_wire_panel (SockscopeWindow *self);

static void
stop_run (SockscopeWindow *self)
{
  g_clear_handle_id (&self->project_source, g_source_remove);
  g_clear_handle_id (&self->play_source, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->runner != NULL)
    sockscope_runner_stop_async (self->runner, NULL, NULL, NULL);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->log != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->log, self);
      sockscope_event_log_stop_recording (self->log, NULL);
    }
  g_clear_object (&self->runner);
  g_clear_object (&self->client);
  g_clear_object (&self->log);
  update_wire_panel (self);
  self->loading_rest = FALSE;
  self->lab_ready = FALSE;
  self->stepping = FALSE;
  self->starting = FALSE;
}

/* Starts projecting a log afresh: empty diagram with one lifeline per actor, no ports known. */
static void
reset_projection (SockscopeWindow *self)
{
  g_clear_handle_id (&self->project_source, g_source_remove);
  self->projected = 0;
  g_clear_pointer (&self->projection, sockscope_projection_free);
  self->projection = sockscope_projection_new (self->lesson, self->absolute_seq);
  sockscope_sequence_view_clear (self->diagram);
  for (guint i = 0; self->lesson != NULL && i < sockscope_lesson_get_n_actors (self->lesson); i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (self->lesson, i);
      int parent = actor->parent ? sockscope_lesson_find_actor (self->lesson, actor->parent) : -1;

      sockscope_sequence_view_add_child_lifeline (self->diagram, actor->name,
                                                  sockscope_actor_get_label (actor, self->lang),
                                                  parent, actor->thread);
    }
}

/* A lesson with children or threads has more lifelines than the diagram shows beside the code:
 * the diagram takes the room, the code pane scrolls to the column of each step. */
static void
make_room_for_lifelines (SockscopeWindow *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int default_width = 0, default_height = 0;
  int room;

  if (self->presenter || self->lesson == NULL || sockscope_lesson_get_n_actors (self->lesson) <= 2)
    return;
  /* Before the window is shown at its size, its default size tells the room there will be. */
  gtk_window_get_default_size (GTK_WINDOW (self), &default_width, &default_height);
  width = MAX (width, default_width) - (adw_flap_get_reveal_flap (self->flap) ? 360 : 0);
  room = (int) (MAX (width, 800) * 0.42);
  if (gtk_paned_get_position (self->top_paned) > room)
    gtk_paned_set_position (self->top_paned, room);
}

/* Shows self->log (a live run's or a recorded session's) in every pane. */
static void
attach_log (SockscopeWindow *self)
{
  make_room_for_lifelines (self);
  self->history = 0;
  reset_projection (self);
  sockscope_code_pane_set_lesson (self->code_pane, self->lesson, self->lang);
  sockscope_lesson_pane_set_lesson (self->lesson_pane, self->lesson, self->lang);
  sockscope_sockets_pane_set_lesson (self->sockets_pane, self->lesson, self->lang);
  /* The packet list grows with the projection (project_idle), as the diagram does: a session of
   * 100,000 packets would otherwise make the list build its 200 rows in one go. */
  sockscope_packets_pane_set_lesson (self->packets_pane, self->lesson, self->lang);
  sockscope_packets_pane_set_log (self->packets_pane, self->log, 0);
  self->packets_follow_projection = TRUE;
  sockscope_sockets_pane_set_log (self->sockets_pane, self->log);
  g_signal_connect_object (self->log, "items-changed", G_CALLBACK (on_log_items_changed), self, G_CONNECT_SWAPPED);
  on_log_items_changed (self, 0, 0, 0);
}

/* Recorded sessions, newest first: the .sockscope files of $XDG_DATA_HOME/sockscope/sessions */
static char *
sessions_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "sockscope", "sessions", NULL);
}

static int
compare_mtime_desc (gconstpointer a,
                    gconstpointer b)
{
  GStatBuf sa = { 0 }, sb = { 0 };

  g_stat (*(const char **) a, &sa);
  g_stat (*(const char **) b, &sb);
  if (sa.st_mtime != sb.st_mtime)
    return sa.st_mtime < sb.st_mtime ? 1 : -1;
  return -g_strcmp0 (*(const char **) a, *(const char **) b);
}

GPtrArray *
sockscope_window_list_sessions (void)
{
  g_autofree char *dir = sessions_dir ();
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, ".sockscope"))
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (paths, compare_mtime_desc);
  return paths;
}

/* File → Recent Sessions: the eight newest recordings, lesson and time in the label. */
static void
update_recent_menu (SockscopeWindow *self)
{
  g_autoptr(GPtrArray) paths = sockscope_window_list_sessions ();

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; i < MIN (paths->len, 8); i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autoptr(GMenuItem) item = NULL;

      base[strlen (base) - strlen (".sockscope")] = '\0';
      item = g_menu_item_new (base, NULL);
      g_menu_item_set_action_and_target_value (item, "win.open-session", g_variant_new_string (path));
      g_menu_append_item (self->recent_menu, item);
    }
  if (paths->len == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No recorded session yet"), "win.no-session");
      g_menu_append_item (self->recent_menu, item);
    }
}

/* Every run is recorded as it happens, one write per event: a crash loses nothing. */
static void
record_session (SockscopeWindow *self)
{
  g_autofree char *dir = sessions_dir ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d-%H%M%S");
  /* a run of Your Programs has no lesson: recorded as `sockscope-cli trace --session` does */
  const char *id = self->lesson != NULL ? sockscope_lesson_get_id (self->lesson) : "trace";
  g_autofree char *name = g_strdup_printf ("%s-%s.sockscope", id, stamp);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->session_path, g_free);
  if (g_getenv ("SOCKSCOPE_NO_RECORDING") != NULL)
    return;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot create %s: %s. This run is not recorded."),
                                                  dir, g_strerror (errno));
      show_error (self, message);
      return;
    }
  self->session_path = g_build_filename (dir, name, NULL);
  for (guint i = 2; g_file_test (self->session_path, G_FILE_TEST_EXISTS); i++)
    {
      g_free (self->session_path);
      g_free (name);
      name = g_strdup_printf ("%s-%s-%u.sockscope", id, stamp, i);
      self->session_path = g_build_filename (dir, name, NULL);
    }
  if (!sockscope_event_log_record_to (self->log, self->session_path, self->lesson, self->lang, &error))
    {
      show_error (self, error->message);
      g_clear_pointer (&self->session_path, g_free);
      return;
    }
  update_recent_menu (self);
}

static void leave_explore (SockscopeWindow *self);
static void leave_programs (SockscopeWindow *self);

/* The wire panel: for a two-host lesson's run, on its lab. */
static void
update_wire_panel (SockscopeWindow *self)
{
  gboolean two_hosts = FALSE;
  SockscopeLabClient *client = self->client;
  SockscopeProgramsRun *run = self->programs ? sockscope_programs_pane_get_run (self->programs_pane) : NULL;

  for (guint i = 0; self->lesson != NULL && i < sockscope_lesson_get_n_actors (self->lesson); i++)
    two_hosts |= sockscope_lesson_get_actor (self->lesson, i)->host != NULL;
  /* Your programs on two hosts: the wire of their lab */
  if (run != NULL && sockscope_programs_run_has_hosts (run))
    {
      two_hosts = TRUE;
      client = sockscope_programs_run_get_client (run);
    }
  if (self->wire_panel != NULL)
    sockscope_wire_panel_set_client (self->wire_panel, two_hosts ? client : NULL);
  if (self->wire_button != NULL)
    gtk_widget_set_visible (self->wire_button, two_hosts && client != NULL);
}

static void
start_run (SockscopeWindow *self)
{
  leave_explore (self);
  leave_programs (self);
  stop_run (self);
  if (self->lesson == NULL)
    return;

  g_hash_table_remove_all (self->questions);
  self->settling = 0;
  self->cancellable = g_cancellable_new ();
  self->log = sockscope_event_log_new ();
  self->client = sockscope_lab_client_new ();
  self->runner = sockscope_runner_new (self->lesson, self->client, self->log, self->lang);
  update_wire_panel (self);
  record_session (self);

  attach_log (self);
  g_signal_connect_object (self->client, "failed", G_CALLBACK (on_client_failed), self, G_CONNECT_SWAPPED);

  self->starting = TRUE;
  set_status (self, _("Starting the lab: a private network namespace for this lesson…"), TRUE);
  update_actions (self);
  sockscope_runner_start_async (self->runner, self->cancellable, on_runner_started, g_object_ref (self));
}

/* What the lesson pane says about where a lesson comes from: nothing for a built-in one. */
static char *
origin_note (const SockscopeLessonEntry *entry)
{
  const char *home = g_get_home_dir ();
  g_autofree char *path = NULL;

  if (entry == NULL || entry->origin == SOCKSCOPE_LESSON_BUILT_IN)
    return NULL;
  /* ~/.local/share/sockscope/lessons/x.lesson reads better than the home folder's full path. */
  if (home != NULL && g_str_has_prefix (entry->path, home) && entry->path[strlen (home)] == '/')
    path = g_strconcat ("~", entry->path + strlen (home), NULL);
  else
    path = g_strdup (entry->path);
  if (entry->origin == SOCKSCOPE_LESSON_TEACHER)
    return g_strdup_printf (_("Your lesson: %s"), path);
  return g_strdup_printf (_("Opened from %s"), path);
}

/* @id_or_path: a lesson id (the picker's lessons), a lesson file (Ctrl+O, --lesson PATH: it
 * joins the picker), or NULL for the last lesson opened, else the first of the course. */
void
sockscope_window_open_lesson (SockscopeWindow *self,
                              const char      *id_or_path)
{
  const SockscopeLessonEntry *entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;

  g_return_if_fail (SOCKSCOPE_IS_WINDOW (self));

  if (id_or_path == NULL)
    {
      g_autofree char *last = g_settings_get_string (self->settings, "last-lesson");

      if (strchr (last, '/') != NULL && g_file_test (last, G_FILE_TEST_IS_REGULAR))
        entry = sockscope_lesson_catalog_add_file (self->catalog, last);
      else if (last[0] != '\0')
        entry = sockscope_lesson_catalog_lookup (self->catalog, last);
      if (entry == NULL || !entry->usable)
        entry = sockscope_lesson_catalog_first (self->catalog);
      if (entry == NULL)
        return;
    }
  else if (strchr (id_or_path, '/') != NULL || g_str_has_suffix (id_or_path, ".lesson"))
    {
      entry = sockscope_lesson_catalog_add_file (self->catalog, id_or_path);
      sockscope_lesson_picker_refresh (self->lesson_picker);
      if (entry->lesson == NULL)
        {
          show_error (self, entry->problem);
          return;
        }
    }
  else if ((entry = sockscope_lesson_catalog_lookup (self->catalog, id_or_path)) == NULL)
    {
      g_autoptr(SockscopeLesson) missing = sockscope_lesson_find (id_or_path, &error);

      show_error (self, error != NULL ? error->message : id_or_path);
      return;
    }

  g_set_object (&self->lesson, entry->lesson);
  /* A file opened by its path is remembered by its path: its id may name another lesson. */
  g_settings_set_string (self->settings, "last-lesson",
                         entry->origin == SOCKSCOPE_LESSON_OPENED ? entry->path : sockscope_lesson_get_id (entry->lesson));
  adw_window_title_set_title (self->window_title, sockscope_lesson_get_title (entry->lesson, self->lang));
  adw_window_title_set_subtitle (self->window_title, sockscope_lesson_get_id (entry->lesson));
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  start_run (self);
  note = origin_note (entry);
  sockscope_lesson_pane_set_origin (self->lesson_pane, note);
  /* An opened file whose id another lesson has: it runs, and the user is told. */
  if (entry->problem != NULL)
    show_error (self, entry->problem);
}

/* ---- Explore mode: the learner's own calls (sockscope-explore-pane.c drives the model) ------ */

static gboolean
same_actors (SockscopeLesson *a,
             SockscopeLesson *b)
{
  if (a == NULL || b == NULL || sockscope_lesson_get_n_actors (a) != sockscope_lesson_get_n_actors (b))
    return FALSE;
  for (guint i = 0; i < sockscope_lesson_get_n_actors (a); i++)
    if (g_strcmp0 (sockscope_lesson_get_actor (a, i)->name, sockscope_lesson_get_actor (b, i)->name) != 0 ||
        g_strcmp0 (sockscope_lesson_get_actor (a, i)->parent, sockscope_lesson_get_actor (b, i)->parent) != 0)
      return FALSE;
  return TRUE;
}

/* The explore's log and lesson in every pane: a new log (a new lab, an undo) or a new actor is
 * projected again from its start; a new step only brings its code, the log's events come as in
 * a lesson. */
static void
on_explore_changed (SockscopeWindow *self)
{
  SockscopeExplore *explore = sockscope_explore_pane_get_explore (self->explore_pane);
  SockscopeEventLog *log = explore ? sockscope_explore_get_log (explore) : NULL;
  SockscopeLesson *lesson = explore ? sockscope_explore_get_lesson (explore) : NULL;

  if (!self->exploring || log == NULL)
    return;
  if (log == self->log && lesson != NULL && same_actors (self->lesson, lesson))
    {
      g_set_object (&self->lesson, lesson);
      sockscope_explore_show_code (self->code_pane, lesson, log, self->lang);
      sockscope_lesson_pane_set_lesson (self->lesson_pane, lesson, self->lang);
      sockscope_lesson_pane_set_position (self->lesson_pane, steps_done_at (self, self->history));
      sockscope_packets_pane_set_lesson (self->packets_pane, lesson, self->lang);
      sockscope_sockets_pane_set_lesson (self->sockets_pane, lesson, self->lang);
      return;
    }
  if (self->log != NULL)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_clear_handle_id (&self->project_source, g_source_remove);
  g_set_object (&self->log, log);
  g_set_object (&self->lesson, lesson);
  if (lesson != NULL)
    attach_log (self);
  else
    {
      /* No step yet: the actors' lifelines, no code. */
      g_auto(GStrv) actors = explore ? sockscope_explore_get_actors (explore) : NULL;

      g_clear_pointer (&self->projection, sockscope_projection_free);
      self->projected = 0;
      self->history = 0;
      sockscope_sequence_view_clear (self->diagram);
      for (guint i = 0; actors != NULL && actors[i] != NULL; i++)
        {
          g_autofree char *label = g_strdup (actors[i]);

          label[0] = g_ascii_toupper (label[0]);
          sockscope_sequence_view_add_child_lifeline (self->diagram, actors[i], label, -1, FALSE);
        }
      {
        /* The actors' programs, empty, until their first call. */
        g_autoptr(SockscopeLesson) outline = explore ? sockscope_explore_get_outline (explore) : NULL;

        sockscope_code_pane_set_lesson (self->code_pane, outline, self->lang);
      }
      sockscope_packets_pane_set_lesson (self->packets_pane, NULL, self->lang);
      sockscope_packets_pane_set_log (self->packets_pane, log, G_MAXUINT);
      sockscope_sockets_pane_set_log (self->sockets_pane, log);
    }
  update_actions (self);
}

/* The window in explore mode: its pane, its title; no run, no recording of a lesson's. */
static void
enter_explore (SockscopeWindow *self,
               const char      *from_id,
               guint            step)
{
  g_autofree char *subtitle = NULL;

  gtk_popover_popdown (self->lessons_popover);
  leave_programs (self);
  stop_run (self);
  g_clear_object (&self->lesson);
  /* The last lesson's recording is not this exploration (export writes the explore's log). */
  g_clear_pointer (&self->session_path, g_free);
  self->exploring = TRUE;
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gtk_stack_set_visible_child_name (self->flap_stack, "explore");
  adw_flap_set_reveal_flap (self->flap, TRUE);
  gtk_widget_set_visible (self->explore_here_button, FALSE);
  adw_window_title_set_title (self->window_title, _("Explore"));
  if (from_id != NULL)
    /* TRANSLATORS: the window's subtitle in explore mode: a lesson's id and a step number */
    subtitle = g_strdup_printf (_("going on from %s, step %u"), from_id, step);
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : _("an empty lab"));
}

/* From a lesson's step (the step shown, "go on from here") or from an empty lab. */
static void
start_explore (SockscopeWindow *self,
               SockscopeLesson *from,
               guint            step)
{
  g_autoptr(SockscopeLesson) lesson = from ? g_object_ref (from) : NULL;

  enter_explore (self, lesson ? sockscope_lesson_get_id (lesson) : NULL, step);
  sockscope_explore_pane_start (self->explore_pane, lesson, step, self->lang);
  update_actions (self);
}

/* The window made again in another language: it explores on with @from's model, lab and all. */
gboolean
sockscope_window_take_exploration (SockscopeWindow *self,
                                   SockscopeWindow *from)
{
  g_autoptr(SockscopeExplore) explore = NULL;
  g_autofree char *from_id = NULL;
  guint step = 0;

  if (!from->exploring ||
      (explore = sockscope_explore_pane_release (from->explore_pane, &from_id, &step)) == NULL)
    return FALSE;
  enter_explore (self, from_id, step);
  sockscope_explore_pane_adopt (self->explore_pane, explore, from_id, step, self->lang);
  update_actions (self);
  return TRUE;
}

static void
leave_explore (SockscopeWindow *self)
{
  if (!self->exploring)
    return;
  self->exploring = FALSE;
  sockscope_explore_pane_stop (self->explore_pane);
  gtk_stack_set_visible_child_name (self->flap_stack, "lesson");
  gtk_widget_set_visible (self->explore_here_button, TRUE);
}

static void
explore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  start_explore (SOCKSCOPE_WINDOW (widget), NULL, 0);
}

static void
explore_here_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);
  guint step = self->log && self->lesson ? steps_done_at (self, self->history) : 0;

  if (self->lesson == NULL || self->exploring)
    return;
  if (step == 0)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("Take a step of the lesson first, or start from an empty lab")));
      return;
    }
  start_explore (self, self->lesson, step);
}

/* ---- Your programs: the learner's programs traced (sockscope-programs-pane.c) -------------- */

/* A run of the programs: its log in every pane, lifelines as actors appear, no lesson. */
static void
on_programs_run_started (SockscopeWindow      *self,
                         SockscopeProgramsRun *run)
{
  stop_run (self);
  g_clear_object (&self->lesson);
  g_clear_pointer (&self->session_path, g_free);
  self->log = g_object_ref (sockscope_programs_run_get_log (run));
  record_session (self);   /* a session as `trace --session` writes, File → Export copies it */
  attach_log (self);
  update_wire_panel (self);
  update_actions (self);
}

/* The lab's terminal takes a page beside the packets and the sockets. */
static void
on_programs_terminal_opened (SockscopeWindow *self,
                             GtkWidget       *terminal)
{
  if (gtk_widget_get_parent (terminal) == NULL)
    gtk_stack_add_titled (self->bottom_stack, terminal, "terminal", _("Terminal"));
  gtk_stack_set_visible_child (self->bottom_stack, terminal);
}

static void
on_programs_terminal_closed (SockscopeWindow *self,
                             GtkWidget       *terminal)
{
  /* (the window being disposed may have let its stack go already) */
  if (self->bottom_stack != NULL && gtk_widget_get_parent (terminal) == GTK_WIDGET (self->bottom_stack))
    gtk_stack_remove (self->bottom_stack, terminal);
}

static void
programs_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  gtk_popover_popdown (self->lessons_popover);
  leave_explore (self);
  if (!self->programs)
    {
      /* No lesson's picture under the programs' title: an empty log until a program runs (a
       * lesson chosen again starts afresh). */
      stop_run (self);
      g_clear_object (&self->lesson);
      g_clear_pointer (&self->session_path, g_free);
      self->log = sockscope_event_log_new ();
      sockscope_code_pane_set_placeholder (self->code_pane,
                                           _("The code of your programs appears here once they run, "
                                             "the line of each socket call highlighted."));
      attach_log (self);
    }
  self->programs = TRUE;
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  gtk_stack_set_visible_child_name (self->flap_stack, "programs");
  adw_flap_set_reveal_flap (self->flap, TRUE);
  adw_window_title_set_title (self->window_title, _("Your programs"));
  adw_window_title_set_subtitle (self->window_title, _("traced in the lab"));
  update_actions (self);
}

/* A lesson, a session or explore mode: the programs' lab and terminal end. */
static void
leave_programs (SockscopeWindow *self)
{
  if (!self->programs)
    return;
  self->programs = FALSE;
  sockscope_code_pane_set_placeholder (self->code_pane, NULL);
  sockscope_programs_pane_leave (self->programs_pane);
  update_wire_panel (self);
  gtk_stack_set_visible_child_name (self->flap_stack, "lesson");
}

/* A lesson kept from explore mode is in the lesson list at once. */
static void
on_explore_saved (SockscopeWindow *self,
                  const char      *path)
{
  g_autofree char *dir = sockscope_lesson_teacher_dir ();
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *text = NULL;
  g_autofree char *parent = g_path_get_dirname (path);

  if (g_strcmp0 (parent, dir) == 0)
    load_lessons (self);
  else
    {
      sockscope_lesson_catalog_add_file (self->catalog, path);
      sockscope_lesson_picker_refresh (self->lesson_picker);
    }
  /* TRANSLATORS: a toast after explore mode's "Save as lesson" (the file's name) */
  text = g_strdup_printf (_("%s is in the Lessons list"), base);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* ---- Actions ------------------------------------------------------------------------------- */

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);
  guint n = self->log ? sockscope_event_log_get_n_events (self->log) : 0;

  /* Back in history, Next replays what already happened, step by step, up to live. */
  if (self->history < n)
    {
      guint target = self->history;
      int step = steps_done_at (self, self->history);

      /* Traced programs (no lesson): the next call, and what follows it up to the call after. */
      if (self->lesson == NULL)
        {
          while (target < n && sockscope_event_log_get_event_type (self->log, target) != SOCKSCOPE_EVENT_CALL)
            target++;
          for (target++; target < n && sockscope_event_log_get_event_type (self->log, target) != SOCKSCOPE_EVENT_CALL; target++)
            ;
          show_history (self, MIN (target, n));
          update_actions (self);
          return;
        }
      while (target < n && !(sockscope_event_log_get_event_type (self->log, target) == SOCKSCOPE_EVENT_CALL
                             && sockscope_event_log_get_step (self->log, target) > step
                             && target > self->history))
        target++;
      if (target < n)
        {
          /* Show the whole next step: up to the call after it. */
          int next_step = sockscope_event_log_get_step (self->log, target);
          target++;
          while (target < n && !(sockscope_event_log_get_event_type (self->log, target) == SOCKSCOPE_EVENT_CALL
                                 && sockscope_event_log_get_step (self->log, target) > next_step))
            target++;
        }
      show_history (self, target);
      update_actions (self);
      return;
    }
  /* Your programs: Space, Right and the Next button let the call the pane names go. */
  if (self->programs)
    {
      sockscope_programs_pane_next (self->programs_pane);
      return;
    }
  step_next (self);
}

/* A choice of the question card (or Skip, ""): the answer is kept, and the step runs. */
static void
answer_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);
  const char *answer = g_variant_get_string (param, NULL);
  Question *q = pending_question (self);

  if (q == NULL || self->stepping || !self->lab_ready)
    return;
  q->answered = TRUE;
  q->answer = answer[0] != '\0' ? g_strdup (answer) : NULL;
  step_next (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);
  guint target = self->history;

  if (self->log == NULL || target == 0)
    return;
  /* Back to just before the call of the step now shown. */
  while (target > 0 && sockscope_event_log_get_event_type (self->log, target - 1) != SOCKSCOPE_EVENT_CALL)
    target--;
  if (target > 0)
    target--;
  show_history (self, target);
  update_actions (self);
}

static void
restart_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  start_run (self);
}

static gboolean
play_tick (gpointer user_data)
{
  SockscopeWindow *self = user_data;

  if (self->runner == NULL || sockscope_runner_is_done (self->runner))
    {
      self->play_source = 0;
      gtk_widget_activate_action (GTK_WIDGET (self), "win.play", "b", FALSE);
      return G_SOURCE_REMOVE;
    }
  /* Play pauses on a question: the learner answers (which runs the step), then plays on. */
  if (!self->stepping && self->history >= sockscope_event_log_get_n_events (self->log) &&
      pending_question (self) != NULL)
    {
      self->play_source = 0;
      set_status (self, _("Play paused on a question: choose an answer, then press Play again."), FALSE);
      return G_SOURCE_REMOVE;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.next", NULL);
  return G_SOURCE_CONTINUE;
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  if (self->play_source != 0)
    g_clear_handle_id (&self->play_source, g_source_remove);
  else
    self->play_source = g_timeout_add (g_settings_get_uint (self->settings, "play-interval-ms"), play_tick, self);
}

static void open_session (SockscopeWindow *self,
                          const char      *path);

static void
on_open_response (GtkNativeDialog *chooser,
                  int              response,
                  SockscopeWindow *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && (path = g_file_get_path (file)) != NULL)
    {
      sockscope_window_open_file (self, path);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Lessons and sessions"));
  gtk_file_filter_add_pattern (filter, "*.lesson");
  gtk_file_filter_add_pattern (filter, "*.sockscope");
  chooser = gtk_file_chooser_native_new (_("Open a Lesson or a Session"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_open_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
diagram_zoom (SockscopeWindow *self,
              double           factor)
{
  double zoom = 1.0;

  g_object_get (self->diagram, "zoom", &zoom, NULL);
  g_object_set (self->diagram, "zoom", CLAMP (zoom * factor, 0.5, 4.0), NULL);
}

/* Presenter zoom: the diagram (text, rows, arrows, bars), the TCP state machine and the fonts
 * of the code, the sockets and the band, all by the same factor. */
static void
set_presenter_zoom (SockscopeWindow *self,
                    double           zoom)
{
  g_autofree char *css = NULL;

  zoom = CLAMP (round (zoom * 4) / 4, 1.0, 3.0);
  self->presenter_zoom = zoom;
  if (!self->presenter)
    return;
  sockscope_sequence_view_set_zoom (self->diagram, zoom);
  sockscope_sockets_pane_set_zoom (self->sockets_pane, zoom);
  /* The state machine scales itself with its zoom: its font stays the base one. */
  /* The code grows half as much: whole lines of two programs side by side must still fit. */
  /* Adwaita gives headings, captions and table headers sizes in points, which a relative
   * font-size on a parent does not reach: they are scaled here too, as are the zoom buttons. */
  css = g_strdup_printf ("window.presenter .presenter-zoom { font-size: %d%%; }\n"
                         "window.presenter .presenter-zoom.presenter-code { font-size: %d%%; }\n"
                         "window.presenter .presenter-zoom tcpstateview { font-size: %d%%; }\n"
                         "window.presenter .presenter-zoom .heading { font-size: %.1fpt; }\n"
                         "window.presenter .presenter-zoom .caption,"
                         " window.presenter .presenter-zoom .caption-heading,"
                         " window.presenter .presenter-zoom columnview > header > button > box { font-size: %.1fpt; }\n"
                         "window.presenter .presenter-zoom.presenter-code .heading { font-size: %.1fpt; }\n"
                         "window.presenter .presenter-zoom.presenter-code .caption { font-size: %.1fpt; }\n"
                         "window.presenter .diagram-zoom-buttons > button { -gtk-icon-size: %dpx;"
                         " min-width: %dpx; min-height: %dpx; }",
                         (int) round (zoom * 100), (int) round ((1 + zoom) / 2 * 100), (int) round (100 / zoom),
                         11 * zoom, 9 * zoom, 11 * (1 + zoom) / 2, 9 * (1 + zoom) / 2,
                         (int) round (16 * zoom), (int) round (24 * zoom), (int) round (24 * zoom));
  gtk_css_provider_load_from_data (self->zoom_css, css, -1);
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  if (self->presenter)
    set_presenter_zoom (self, self->presenter_zoom + 0.25);
  else
    diagram_zoom (self, 1.25);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  if (self->presenter)
    set_presenter_zoom (self, self->presenter_zoom - 0.25);
  else
    diagram_zoom (self, 1 / 1.25);
}

static void
zoom_reset_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  if (self->presenter)
    set_presenter_zoom (self, 1.0);
  else
    sockscope_sequence_view_set_zoom (self->diagram, 1.0);
}

/* The diagram gets the height: the packets/sockets page below it keeps a bounded share of the
 * window (BOTTOM_SHARE) at every size, from a laptop to a 1440p projector, until the user
 * drags the separator; the share they chose then holds through resizes. The split is placed
 * while the paned is allocated at a new height (max-position follows its height), so its
 * children are allocated once, at their place. */
#define BOTTOM_SHARE 0.3

static void
place_split (SockscopeWindow *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self->main_paned));

  if (self->presenter || height <= 0)
    return;
  self->main_height = height;
  self->placing_split = TRUE;
  gtk_paned_set_position (self->main_paned, (int) round (height * (1 - self->bottom_share)));
  self->placing_split = FALSE;
}

static void
on_main_max_position (SockscopeWindow *self)
{
  if (gtk_widget_get_height (GTK_WIDGET (self->main_paned)) != self->main_height)
    place_split (self);
}

/* A move at a height already placed for is the user's (dragging the separator, or its keys). */
static void
on_main_position (SockscopeWindow *self)
{
  int height = gtk_widget_get_height (GTK_WIDGET (self->main_paned));

  if (self->placing_split || self->presenter || height <= 0 || height != self->main_height)
    return;
  self->bottom_share = CLAMP (1 - gtk_paned_get_position (self->main_paned) / (double) height, 0.0, 1.0);
}

/* Presenter mode gives the diagram most of the room: under the band of the step's text (its
 * whole text, up to a quarter of the window), the sockets page takes the height of its table
 * (header and rows, at least four: the state machine beside it scales down to that), between a
 * fifth and 36 % of the height; the diagram 60 % of the width. Placed once the
 * panes have their size (after going full screen), for a few frames, and again when the table
 * wants another height (a socket more or less): a split the user dragged holds until then. */
static gboolean
place_presenter_panes (GtkWidget     *widget,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);
  int height = gtk_widget_get_height (GTK_WIDGET (self->main_paned));
  int width = gtk_widget_get_width (GTK_WIDGET (self->top_paned));
  int top = (int) (width * 0.40), bottom;

  if (!self->presenter)
    {
      self->place_tick = 0;
      return G_SOURCE_REMOVE;
    }
  /* The band: the step's whole text, up to a quarter of the window (a longer one scrolls). Its
   * height is asked for as a minimum: the panes below want more than the window has. */
  {
    int quarter = gtk_widget_get_height (GTK_WIDGET (self)) / 4, one = 0, cap, text = 0, lines;
    int text_width = gtk_widget_get_width (GTK_WIDGET (self->presenter_band_scroller));

    /* One line and its padding, then whole lines: a scrolled text never shows half a line. */
    gtk_widget_measure (GTK_WIDGET (self->presenter_band), GTK_ORIENTATION_VERTICAL, -1, &one, NULL, NULL, NULL);
    if (text_width > 0)
      gtk_widget_measure (GTK_WIDGET (self->presenter_band), GTK_ORIENTATION_VERTICAL, text_width,
                          NULL, &text, NULL, NULL);
    lines = pango_layout_get_line_count (gtk_label_get_layout (self->presenter_band));
    cap = MAX (one, 48);
    if (lines > 1 && text > one && quarter > cap)
      {
        double line_h = (text - one) / (double) (lines - 1);

        cap = one + (int) (floor ((quarter - one) / line_h) * line_h);
      }
    text = MIN (MAX (text, 1), cap);
    if (cap != gtk_scrolled_window_get_max_content_height (self->presenter_band_scroller) ||
        text != gtk_scrolled_window_get_min_content_height (self->presenter_band_scroller))
      {
        /* GTK wants min <= max at every call. */
        gtk_scrolled_window_set_min_content_height (self->presenter_band_scroller, -1);
        gtk_scrolled_window_set_max_content_height (self->presenter_band_scroller, cap);
        gtk_scrolled_window_set_min_content_height (self->presenter_band_scroller, text);
      }
  }
  bottom = CLAMP (sockscope_sockets_pane_get_table_height (self->sockets_pane, 4), height / 5, (int) (height * 0.36));
  if (height > 0 && (bottom != self->presenter_bottom || height != self->presenter_height))
    {
      self->presenter_bottom = bottom;
      self->presenter_height = height;
      gtk_paned_set_position (self->main_paned, height - bottom);
    }
  if (self->place_top && width > 0 && abs (gtk_paned_get_position (self->top_paned) - top) > 2)
    gtk_paned_set_position (self->top_paned, top);
  if (++self->place_frames >= 10)
    {
      self->place_tick = 0;
      self->place_top = FALSE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
queue_place_presenter_panes (SockscopeWindow *self)
{
  self->place_frames = 0;
  if (self->presenter && self->place_tick == 0)
    self->place_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), place_presenter_panes, NULL, NULL);
}

/* Entering presenter mode, or its window's size changed: both splits placed again. */
static void
queue_place_presenter_layout (SockscopeWindow *self)
{
  self->place_top = TRUE;
  self->presenter_bottom = 0;
  queue_place_presenter_panes (self);
}

void
sockscope_window_set_presenter (SockscopeWindow *self,
                                gboolean         presenter)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));

  g_return_if_fail (SOCKSCOPE_IS_WINDOW (self));

  presenter = !!presenter;
  if (presenter == self->presenter)
    return;
  self->presenter = presenter;

  if (presenter)
    {
      g_autoptr(GSettings) settings = sockscope_settings_new ();

      self->flap_was_revealed = adw_flap_get_reveal_flap (self->flap);
      self->top_position = gtk_paned_get_position (self->top_paned);
      g_free (self->bottom_before);
      self->bottom_before = g_strdup (gtk_stack_get_visible_child_name (self->bottom_stack));
      adw_flap_set_reveal_flap (self->flap, FALSE);
      gtk_stack_set_visible_child_name (self->bottom_stack, "sockets");
      gtk_widget_set_visible (self->bottom_switcher, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->header_bar), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->presenter_band_scroller), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self), "presenter");
      gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (self->zoom_css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
      set_presenter_zoom (self, g_settings_get_uint (settings, "default-zoom") / 100.0);
      update_presenter_band (self);
      if (!self->no_fullscreen)
        gtk_window_fullscreen (GTK_WINDOW (self));
      /* Keys step the lesson wherever the focus was. */
      gtk_widget_grab_focus (GTK_WIDGET (self->diagram));
      queue_place_presenter_layout (self);
    }
  else
    {
      adw_flap_set_reveal_flap (self->flap, self->flap_was_revealed);
      if (self->bottom_before != NULL)
        gtk_stack_set_visible_child_name (self->bottom_stack, self->bottom_before);
      gtk_widget_set_visible (self->bottom_switcher, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->header_bar), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->presenter_band_scroller), FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "presenter");
      gtk_style_context_remove_provider_for_display (display, GTK_STYLE_PROVIDER (self->zoom_css));
      sockscope_sequence_view_set_zoom (self->diagram, 1.0);
      sockscope_sockets_pane_set_zoom (self->sockets_pane, 1.0);
      gtk_paned_set_position (self->top_paned, self->top_position);
      self->main_height = 0;
      place_split (self);
      gtk_window_unfullscreen (GTK_WINDOW (self));
    }
}

gboolean
sockscope_window_get_presenter (SockscopeWindow *self)
{
  return self->presenter;
}

double
sockscope_window_get_presenter_zoom (SockscopeWindow *self)
{
  return self->presenter_zoom;
}

void
sockscope_window_set_no_fullscreen (SockscopeWindow *self,
                                    gboolean         no_fullscreen)
{
  self->no_fullscreen = no_fullscreen;
}

static void
presenter_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  sockscope_window_set_presenter (self, !self->presenter);
}

static void
leave_presenter_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  sockscope_window_set_presenter (SOCKSCOPE_WINDOW (widget), FALSE);
}

/* In presenter mode the stepping keys win over the focused pane (a code view takes Space and
 * the arrows): a clicker's Page Down and Page Up too. */
static gboolean
presenter_key (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  if (!self->presenter)
    return FALSE;
  gtk_widget_activate_action (widget, user_data, NULL);
  return TRUE;
}

static void
add_presenter_keys (SockscopeWindow *self)
{
  static const struct { guint key; const char *action; } keys[] = {
    { GDK_KEY_space, "win.next" }, { GDK_KEY_Right, "win.next" }, { GDK_KEY_Page_Down, "win.next" },
    { GDK_KEY_Down, "win.next" }, { GDK_KEY_Left, "win.back" }, { GDK_KEY_Page_Up, "win.back" },
    { GDK_KEY_Up, "win.back" }, { GDK_KEY_Escape, "win.leave-presenter" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, 0),
                                                            gtk_callback_action_new (presenter_key, (gpointer) keys[i].action, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
open_session_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  open_session (SOCKSCOPE_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  if (self->log == NULL || sockscope_event_log_get_n_events (self->log) == 0)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Nothing to export yet: take a step first")));
      return;
    }
  /* The range offered is what the history shows. */
  sockscope_export_dialog_present (GTK_WINDOW (self), self->lesson, self->log, self->session_path, self->lang,
                                   self->absolute_seq, 1, self->history);
}

static void
apply_animation_speed (SockscopeWindow *self)
{
  double speed = g_settings_get_double (self->settings, "animation-speed");

  if (g_settings_get_boolean (self->settings, "slow-motion"))
    speed /= 4;
  g_object_set (self->diagram, "animation-speed", speed, NULL);
}

static void
on_settings_changed (SockscopeWindow *self,
                     const char      *key)
{
  if (g_str_equal (key, "animation-speed") || g_str_equal (key, "slow-motion"))
    {
      if (self->pending_prepare == NULL)
        apply_animation_speed (self);
    }
  else if (g_str_equal (key, "seq-mode"))
    {
      gboolean absolute = g_settings_get_enum (self->settings, "seq-mode") == 1;
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->view_actions), "absolute-seq");

      if (absolute != self->absolute_seq)
        g_action_change_state (action, g_variant_new_boolean (absolute));
    }
}

static void
find_lesson_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (widget);

  gtk_menu_button_popup (self->lessons_button);
  sockscope_lesson_picker_focus_search (self->lesson_picker);
}

/* Resolves once the window has painted a few times. */
static gboolean
prepare_tick (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  GTask *task = user_data;
  int *frames = g_task_get_task_data (task);

  if (++*frames < 3)
    return G_SOURCE_CONTINUE;
  g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

/* Replays a recorded session: no lab, no namespace; the lesson, when it is known, gives the
 * lifelines and the code. */
typedef struct
{
  char              *path;
  SockscopeEventLog *log;
  char              *warning;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *d = data;

  g_free (d->path);
  g_clear_object (&d->log);
  g_free (d->warning);
  g_free (d);
}

/* Reading a session of 100,000 events takes a few hundred ms: off the main thread, and in parts,
 * so that its first rows show at once and each part is projected while the next is read. */
#define SESSION_HEAD_EVENTS 2000
#define SESSION_PART_EVENTS 16384

static void
session_rest_loaded (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(SockscopeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  gboolean ours = SOCKSCOPE_EVENT_LOG (source) == self->log;

  if (ours)
    self->loading_rest = FALSE;
  /* Appends the events (the projection goes on with them), or names the corrupt line. */
  if (!sockscope_event_log_load_rest_finish (SOCKSCOPE_EVENT_LOG (source), result, &warning, &error))
    {
      if (ours && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
    }
  else if (ours && sockscope_event_log_has_rest (self->log))
    {
      /* The next part is read while this one is projected. */
      self->loading_rest = TRUE;
      sockscope_event_log_load_rest_async (self->log, SESSION_PART_EVENTS, self->load_cancellable,
                                           session_rest_loaded, g_object_ref (self));
    }
  else if (ours && warning != NULL)
    set_status (self, warning, FALSE);
}

static void
load_session_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  LoadData *d = task_data;
  GError *error = NULL;

  /* The first events only: the window shows them while a thread reads the rest. */
  if (!(d->log = sockscope_event_log_load_head (d->path, SESSION_HEAD_EVENTS, &d->warning, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
session_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (source);
  LoadData *d = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  /* A session of traced programs (sockscope-cli trace --session) has no lesson. */
  if (g_strcmp0 (sockscope_event_log_get_lesson_id (d->log), "trace") != 0 &&
      !(lesson = sockscope_lesson_for_session (d->log, d->path, &error)))
    {
      show_error (self, error->message);
      return;
    }

  leave_explore (self);
  leave_programs (self);
  stop_run (self);
  g_set_object (&self->lesson, lesson);
  sockscope_lesson_pane_set_origin (self->lesson_pane, NULL);
  adw_window_title_set_title (self->window_title, lesson ? sockscope_lesson_get_title (lesson, self->lang) : _("Your programs"));
  adw_window_title_set_subtitle (self->window_title, d->path);
  self->log = g_steal_pointer (&d->log);
  g_free (self->session_path);
  self->session_path = g_strdup (d->path);
  attach_log (self);
  if (lesson == NULL)   /* traced programs: the lesson pane names them and shows their calls */
    sockscope_lesson_pane_set_trace (self->lesson_pane, self->log);
  set_status (self, d->warning != NULL ? d->warning : _("A recorded session: scrub through it with the history slider."), FALSE);
  if (sockscope_event_log_has_rest (self->log))
    {
      self->loading_rest = TRUE;
      sockscope_event_log_load_rest_async (self->log, SESSION_PART_EVENTS, self->load_cancellable,
                                           session_rest_loaded, g_object_ref (self));
    }
  update_actions (self);
}

static void
open_session (SockscopeWindow *self,
              const char      *path)
{
  g_autoptr(GTask) task = NULL;
  LoadData *d = g_new0 (LoadData, 1);

  d->path = g_strdup (path);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->load_cancellable, session_loaded, NULL);
  g_task_set_task_data (task, d, load_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  set_status (self, _("Reading the session…"), TRUE);
  g_task_run_in_thread (task, load_session_thread);
}

static void
prepare_complete (SockscopeWindow *self,
                  const GError    *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->pending_prepare);

  if (task == NULL)
    return;
  if (error != NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }
  /* Paint a few frames first, so the picture shows what a user sees. */
  gtk_widget_add_tick_callback (GTK_WIDGET (self), prepare_tick, g_steal_pointer (&task), g_object_unref);
}

void
sockscope_window_prepare_async (SockscopeWindow     *self,
                                const char          *lesson,
                                int                  step,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sockscope_window_prepare_async);
  g_task_set_task_data (task, g_new0 (int, 1), g_free);

  /* Screenshots show the end state of each arrow, not a frame of its animation. */
  g_object_set (self->diagram, "animation-speed", 0.0, NULL);
  g_clear_object (&self->pending_prepare);
  self->pending_prepare = g_steal_pointer (&task);
  self->prepare_step = (guint) MAX (step, 0);
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  sockscope_window_open_lesson (self, lesson);
  if (self->lesson == NULL || (lesson != NULL && self->runner == NULL))
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                                             gtk_label_get_text (self->error_label));
      prepare_complete (self, error);
    }
}

gboolean
sockscope_window_prepare_finish (SockscopeWindow  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Brings a pane that shares its place with another (packets, sockets) to the front. */
void
sockscope_window_show_pane (SockscopeWindow *self,
                            const char      *name)
{
  g_return_if_fail (SOCKSCOPE_IS_WINDOW (self));

  if (g_strcmp0 (name, "packets") == 0 || g_strcmp0 (name, "sockets") == 0)
    gtk_stack_set_visible_child_name (self->bottom_stack, name);
}

GtkWidget *
sockscope_window_get_pane (SockscopeWindow  *self,
                           const char       *name,
                           GError          **error)
{
  const struct { const char *name; GtkWidget *widget; } panes[] = {
    { "lesson", GTK_WIDGET (self->lesson_pane) },
    { "code", GTK_WIDGET (self->code_pane) },
    { "diagram", self->diagram_pane },
    { "packets", GTK_WIDGET (self->packets_pane) },
    { "sockets", GTK_WIDGET (self->sockets_pane) },
  };

  /* The window's content, header bar included: a toplevel does not render itself. */
  if (name == NULL || g_str_equal (name, "window"))
    return adw_application_window_get_content (ADW_APPLICATION_WINDOW (self));
  for (guint i = 0; i < G_N_ELEMENTS (panes); i++)
    if (g_str_equal (name, panes[i].name))
      return panes[i].widget;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("Unknown pane “%s”: use window, lesson, code, diagram, packets or sockets"), name);
  return NULL;
}

static void
absolute_seq_action (GSimpleAction *action,
                     GVariant      *value,
                     gpointer       user_data);

static void
sockscope_window_dispose (GObject *object)
{
  SockscopeWindow *self = SOCKSCOPE_WINDOW (object);

  g_clear_handle_id (&self->project_source, g_source_remove);
  g_clear_pointer (&self->projected_status, g_free);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);

  stop_run (self);
  g_clear_object (&self->pending_prepare);
  gtk_widget_dispose_template (GTK_WIDGET (self), SOCKSCOPE_TYPE_WINDOW);
  g_clear_object (&self->catalog);
  g_clear_object (&self->lesson);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->lang, g_free);
  g_clear_pointer (&self->projection, sockscope_projection_free);
  g_clear_pointer (&self->questions, g_hash_table_unref);
  if (self->zoom_css != NULL)
    gtk_style_context_remove_provider_for_display (gtk_widget_get_display (GTK_WIDGET (self)),
                                                   GTK_STYLE_PROVIDER (self->zoom_css));
  g_clear_object (&self->zoom_css);
  g_clear_object (&self->view_actions);
  g_clear_pointer (&self->session_path, g_free);
  g_clear_pointer (&self->bottom_before, g_free);
  G_OBJECT_CLASS (sockscope_window_parent_class)->dispose (object);
}

static void
sockscope_window_class_init (SockscopeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_window_dispose;

  g_type_ensure (SOCKSCOPE_TYPE_LESSON_PANE);
  g_type_ensure (SOCKSCOPE_TYPE_LESSON_PICKER);
  g_type_ensure (SOCKSCOPE_TYPE_EXPLORE_PANE);
  g_type_ensure (SOCKSCOPE_TYPE_CODE_PANE);
  g_type_ensure (SOCKSCOPE_TYPE_SEQUENCE_VIEW);
  g_type_ensure (SOCKSCOPE_TYPE_PACKETS_PANE);
  g_type_ensure (SOCKSCOPE_TYPE_SOCKETS_PANE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/sockscope/Sockscope/sockscope-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, lessons_button);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, lessons_popover);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, lesson_picker);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, lesson_pane);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, flap_stack);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, explore_pane);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, explore_here_button);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, code_pane);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, diagram_pane);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, diagram_scroller);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, diagram);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, packets_pane);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, sockets_pane);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, bottom_stack);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, bottom_switcher);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, main_paned);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, top_paned);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, presenter_band);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, presenter_band_scroller);
  gtk_widget_class_bind_template_child (widget_class, SockscopeWindow, recent_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_error_dismiss);
  gtk_widget_class_bind_template_callback (widget_class, on_picker_lesson_activated);
  gtk_widget_class_bind_template_callback (widget_class, load_lessons);
  gtk_widget_class_bind_template_callback (widget_class, on_explore_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_explore_saved);

  /* One action per command: buttons, keys and menus all go through these. */
  gtk_widget_class_install_action (widget_class, "win.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.answer", "s", answer_action);
  gtk_widget_class_install_action (widget_class, "win.restart", NULL, restart_action);
  gtk_widget_class_install_action (widget_class, "win.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.find-lesson", NULL, find_lesson_action);
  gtk_widget_class_install_action (widget_class, "win.diagram-zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "win.diagram-zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_reset_action);
  gtk_widget_class_install_action (widget_class, "win.presenter", NULL, presenter_action);
  gtk_widget_class_install_action (widget_class, "win.leave-presenter", NULL, leave_presenter_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open-session", "s", open_session_action);
  gtk_widget_class_install_action (widget_class, "win.explore", NULL, explore_action);
  gtk_widget_class_install_action (widget_class, "win.programs", NULL, programs_action);
  gtk_widget_class_install_action (widget_class, "win.explore-here", NULL, explore_here_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "win.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "win.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "win.restart", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_O, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "view.diagram-overview", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find-lesson", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F1, 0, "win.show-help-overlay", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.presenter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.leave-presenter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.diagram-zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.diagram-zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.diagram-zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.diagram-zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.diagram-zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
}

static void
absolute_seq_action (GSimpleAction *action,
                     GVariant      *value,
                     gpointer       user_data)
{
  SockscopeWindow *self = user_data;
  guint n;

  g_simple_action_set_state (action, value);
  self->absolute_seq = g_variant_get_boolean (value);
  g_settings_set_enum (self->settings, "seq-mode", self->absolute_seq ? 1 : 0);
  if (self->log == NULL || self->lesson == NULL)
    return;

  /* Labels are made when events are projected: project the log again. */
  n = self->history;
  reset_projection (self);
  for (; self->projected < sockscope_event_log_get_n_events (self->log); self->projected++)
    project_event (self, self->projected);
  show_history (self, n);
}

static void
sockscope_window_init (SockscopeWindow *self)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) absolute = NULL;
  g_autoptr(GPropertyAction) overview = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The wire panel, in a popover of the header bar: shown for two-host runs only. */
  {
    GtkWidget *popover = gtk_popover_new ();

    self->wire_panel = SOCKSCOPE_WIRE_PANEL (sockscope_wire_panel_new ());
    gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->wire_panel));
    self->wire_button = gtk_menu_button_new ();
    gtk_menu_button_set_label (GTK_MENU_BUTTON (self->wire_button), C_("wire", "Wire"));
    gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->wire_button), popover);
    gtk_widget_set_visible (self->wire_button, FALSE);
    adw_header_bar_pack_end (self->header_bar, self->wire_button);
    g_object_add_weak_pointer (G_OBJECT (self->wire_panel), (gpointer *) &self->wire_panel);
    g_object_add_weak_pointer (G_OBJECT (self->wire_button), (gpointer *) &self->wire_button);
  }

  /* Your programs: a page of the flap, a button in the header bar. */
  {
    GtkWidget *button = gtk_button_new_with_mnemonic (_("_Your Programs"));

    self->programs_pane = SOCKSCOPE_PROGRAMS_PANE (sockscope_programs_pane_new ());
    gtk_widget_set_size_request (GTK_WIDGET (self->programs_pane), 380, -1);
    gtk_stack_add_named (self->flap_stack, GTK_WIDGET (self->programs_pane), "programs");
    sockscope_programs_pane_set_history (self->programs_pane, sockscope_lesson_pane_get_history (self->lesson_pane));
    g_signal_connect_object (self->programs_pane, "run-started", G_CALLBACK (on_programs_run_started), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->programs_pane, "terminal-opened", G_CALLBACK (on_programs_terminal_opened), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->programs_pane, "terminal-closed", G_CALLBACK (on_programs_terminal_closed), self, G_CONNECT_SWAPPED);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.programs");
    gtk_widget_set_tooltip_text (button, _("Run your own programs in the lab, traced: a C or Python client and server, a terminal"));
    adw_header_bar_pack_start (self->header_bar, button);
  }

  self->settings = sockscope_settings_new ();
  self->lang = ui_language ();
  self->questions = g_hash_table_new_full (NULL, NULL, NULL, question_free);
  self->absolute_seq = g_settings_get_enum (self->settings, "seq-mode") == 1;

  absolute = g_simple_action_new_stateful ("absolute-seq", NULL, g_variant_new_boolean (self->absolute_seq));
  g_signal_connect_object (absolute, "change-state", G_CALLBACK (absolute_seq_action), self, 0);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (absolute));
  /* The diagram's overview: the whole lesson fitted to its pane (button and Ctrl+Shift+O). */
  overview = g_property_action_new ("diagram-overview", self->diagram, "overview");
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (overview));
  gtk_widget_insert_action_group (GTK_WIDGET (self), "view", G_ACTION_GROUP (group));
  self->view_actions = g_object_ref (group);

  self->zoom_css = gtk_css_provider_new ();
  self->presenter_zoom = 1.0;
  add_presenter_keys (self);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (queue_place_presenter_layout), NULL);
  self->bottom_share = BOTTOM_SHARE;
  g_signal_connect_object (self->main_paned, "notify::max-position", G_CALLBACK (on_main_max_position), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->main_paned, "notify::position", G_CALLBACK (on_main_position), self, G_CONNECT_SWAPPED);
  update_recent_menu (self);
  apply_animation_speed (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->diagram, "selected", G_CALLBACK (on_diagram_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->packets_pane, "packet-selected", G_CALLBACK (on_packet_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sockscope_lesson_pane_get_history (self->lesson_pane), "value-changed",
                           G_CALLBACK (on_history_changed), self, G_CONNECT_SWAPPED);

  load_lessons (self);
  update_actions (self);
}

SockscopeWindow *
sockscope_window_new (SockscopeApplication *app)
{
  return g_object_new (SOCKSCOPE_TYPE_WINDOW, "application", app, NULL);
}

SockscopeSequenceView *
sockscope_window_get_diagram (SockscopeWindow *self)
{
  return self->diagram;
}

SockscopeCodePane *
sockscope_window_get_code_pane (SockscopeWindow *self)
{
  return self->code_pane;
}

SockscopeLessonPane *
sockscope_window_get_lesson_pane (SockscopeWindow *self)
{
  return self->lesson_pane;
}

SockscopeProgramsPane *
sockscope_window_get_programs_pane (SockscopeWindow *self)
{
  return self->programs_pane;
}

SockscopeExplorePane *
sockscope_window_get_explore_pane (SockscopeWindow *self)
{
  return self->explore_pane;
}

gboolean
sockscope_window_is_exploring (SockscopeWindow *self)
{
  return self->exploring;
}

SockscopeLessonPicker *
sockscope_window_get_lesson_picker (SockscopeWindow *self)
{
  return self->lesson_picker;
}

SockscopeWirePanel *
sockscope_window_get_wire_panel (SockscopeWindow *self)
{
  return self->wire_panel;
}

GtkWidget *
sockscope_window_get_wire_button (SockscopeWindow *self)
{
  return self->wire_button;
}

SockscopePacketsPane *
sockscope_window_get_packets_pane (SockscopeWindow *self)
{
  return self->packets_pane;
}

SockscopeSocketsPane *
sockscope_window_get_sockets_pane (SockscopeWindow *self)
{
  return self->sockets_pane;
}

GtkLabel *
sockscope_window_get_presenter_band (SockscopeWindow *self)
{
  return self->presenter_band;
}

gboolean
sockscope_window_is_idle (SockscopeWindow *self)
{
  return self->runner != NULL && self->lab_ready && !self->stepping;
}

gboolean
sockscope_window_is_done (SockscopeWindow *self)
{
  return self->runner != NULL && sockscope_runner_is_done (self->runner);
}

guint
sockscope_window_get_n_events (SockscopeWindow *self)
{
  return self->log ? sockscope_event_log_get_n_events (self->log) : 0;
}

const char *
sockscope_window_get_error (SockscopeWindow *self)
{
  return gtk_revealer_get_reveal_child (self->error_revealer) ? gtk_label_get_text (self->error_label) : NULL;
}

/* Opens a lesson (.lesson) or replays a recorded session, as File → Open does. */
void
sockscope_window_open_file (SockscopeWindow *self,
                            const char      *path)
{
  g_return_if_fail (SOCKSCOPE_IS_WINDOW (self));

  if (g_str_has_suffix (path, ".lesson"))
    sockscope_window_open_lesson (self, path);
  else
    open_session (self, path);
}

gboolean
sockscope_window_is_projecting (SockscopeWindow *self)
{
  return self->project_source != 0 || self->loading_rest;
}

const char *
sockscope_window_get_lesson_path (SockscopeWindow *self)
{
  /* Explore mode's lesson is made in memory: no file to open again. */
  return self->lesson && !self->exploring ? sockscope_lesson_get_path (self->lesson) : NULL;
}

const char *
sockscope_window_get_session_path (SockscopeWindow *self)
{
  return self->session_path;
}

/* The session file the window replays (opened with File → Open), or NULL during a live run. */
const char *
sockscope_window_get_replayed_session (SockscopeWindow *self)
{
  return self->runner == NULL && self->lesson != NULL ? self->session_path : NULL;
}

void
sockscope_window_set_presenter_zoom (SockscopeWindow *self,
                                     double           zoom)
{
  set_presenter_zoom (self, zoom);
}
