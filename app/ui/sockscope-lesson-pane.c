/* sockscope-lesson-pane.c: the lesson side of the window. It shows the step just run (what the
 * learner should look at now) with its explanation, and the next one in the step list. The
 * buttons are bound to the window's actions, so keys, buttons and menus do the same thing. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sockscope-actor-style.h"
#include "sockscope-lesson-pane.h"
#include "sockscope-palette.h"
#include "sockscope-projection.h"

struct _SockscopeLessonPane
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GtkLabel        *title;
  GtkLabel        *description;
  GtkLabel        *origin;
  GtkLabel        *step_label;
  GtkLabel        *step_call;
  GtkLabel        *explanation;
  GtkLabel        *status;
  GtkSpinner      *spinner;
  GtkAdjustment   *history;
  GtkLabel        *history_label;
  GtkListBox      *steps;
  GtkLabel        *steps_heading;
  GtkScrolledWindow *steps_scroller;
  GtkScrolledWindow *text_scroller; /* the lesson's text and the step's, scrolled when short */
  GtkWidget       *step_card;
  guint            follow_tick;  /* centres the current step once the list is laid out */
  GtkWidget       *question_card;
  GtkLabel        *question_title;
  GtkLabel        *question_call;
  GtkLabel        *question_prompt;
  GtkFlowBox      *question_choices;
  GtkWidget       *skip_button;
  GtkWidget       *verdict_box;
  GtkImage        *verdict_icon;
  GtkLabel        *verdict_title;
  GtkLabel        *verdict_detail;
  guint            question_step;
  SockscopeVerdict verdict;

  SockscopeLesson *lesson;
  char            *lang;
  guint            position;     /* steps done */

  /* A session of traced programs (no lesson): the programs and their calls. */
  SockscopeEventLog *trace;
  guint            trace_scanned;   /* events looked at */
  GArray          *trace_calls;     /* the calls' positions in the log, in order */
  GHashTable      *trace_actors;    /* actor name -> its colour index + 1 */
  GPtrArray       *trace_programs;  /* the programs' actors still waiting for their execve */
  guint            trace_selected;  /* seq of the call selected, 0: the latest shown */
};

G_DEFINE_FINAL_TYPE (SockscopeLessonPane, sockscope_lesson_pane, GTK_TYPE_WIDGET)

/* Who makes the call, in the actor's palette colour (sockscope-actor-style: as in every view). */
static GtkWidget *
actor_label_new (SockscopeLessonPane *self,
                 const char          *name)
{
  int index = sockscope_lesson_find_actor (self->lesson, name);
  const SockscopeActor *actor = index >= 0 ? sockscope_lesson_get_actor (self->lesson, (guint) index) : NULL;
  GtkWidget *label = gtk_label_new (actor ? sockscope_actor_get_label (actor, self->lang) : name);
  g_autofree char *css = g_strdup_printf ("actor-%d", index >= 0 ? index % SOCKSCOPE_PALETTE_SIZE : 0);

  gtk_widget_add_css_class (label, "actor-tag");
  gtk_widget_add_css_class (label, css);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

static GtkWidget *
step_row_new (SockscopeLessonPane *self,
              const SockscopeStep *step)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *icon = gtk_image_new ();
  g_autofree char *text = sockscope_step_to_string (step);
  g_autofree char *n = g_strdup_printf ("%u", step->number);
  GtkWidget *call = gtk_label_new (text);

  gtk_label_set_text (GTK_LABEL (number), n);
  gtk_label_set_width_chars (GTK_LABEL (number), 2);
  gtk_label_set_xalign (GTK_LABEL (number), 1);
  gtk_widget_add_css_class (number, "dim-label");
  gtk_widget_add_css_class (number, "numeric");
  gtk_label_set_xalign (GTK_LABEL (call), 0);
  gtk_label_set_wrap (GTK_LABEL (call), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (call), PANGO_WRAP_WORD_CHAR);
  /* A wrapping label asks for its one-line width: bound it, or the pane grows to fit. */
  gtk_label_set_max_width_chars (GTK_LABEL (call), 30);
  gtk_widget_set_hexpand (call, TRUE);
  gtk_widget_add_css_class (call, "monospace");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), actor_label_new (self, step->actor));
  gtk_box_append (GTK_BOX (box), call);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "icon", icon);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  return row;
}

static void
update_steps (SockscopeLessonPane *self)
{
  guint n = self->lesson ? sockscope_lesson_get_n_steps (self->lesson) : 0;
  guint i = 1;

  if (self->trace != NULL)   /* the rows are the programs: the call shown is trace_update ()'s */
    return;
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->steps));
       row != NULL;
       row = gtk_widget_get_next_sibling (row), i++)
    {
      GtkImage *icon = g_object_get_data (G_OBJECT (row), "icon");

      gtk_widget_remove_css_class (row, "step-done");
      gtk_widget_remove_css_class (row, "step-current");
      gtk_widget_remove_css_class (row, "step-next");
      if (i < self->position)
        {
          gtk_image_set_from_icon_name (icon, "object-select-symbolic");
          gtk_widget_add_css_class (row, "step-done");
        }
      else if (i == self->position)
        {
          gtk_image_set_from_icon_name (icon, "media-playback-start-symbolic");
          gtk_widget_add_css_class (row, "step-current");
        }
      else
        {
          gtk_image_clear (icon);
          if (i == self->position + 1)
            gtk_widget_add_css_class (row, "step-next");
        }
    }

  if (self->lesson == NULL)
    return;

  if (self->position == 0)
    {
      g_autofree char *label = g_strdup_printf (_("%u steps"), n);

      gtk_label_set_text (self->step_label, label);
      gtk_label_set_text (self->step_call, NULL);
      gtk_label_set_text (self->explanation, _("Press Next Step (or Space) to run the first call."));
    }
  else
    {
      const SockscopeStep *step = sockscope_lesson_get_step (self->lesson, self->position);
      g_autofree char *label = g_strdup_printf (_("Step %u of %u"), self->position, n);
      g_autofree char *text = sockscope_step_to_string (step);
      int index = sockscope_lesson_find_actor (self->lesson, step->actor);
      const SockscopeActor *actor = index >= 0 ? sockscope_lesson_get_actor (self->lesson, (guint) index) : NULL;
      g_autofree char *call = g_strdup_printf ("%s: %s", actor ? sockscope_actor_get_label (actor, self->lang) : step->actor, text);

      gtk_label_set_text (self->step_label, label);
      gtk_label_set_text (self->step_call, call);
      gtk_label_set_text (self->explanation, sockscope_step_get_text (step, self->lang));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->step_call), self->position > 0);
}

void
sockscope_lesson_pane_set_lesson (SockscopeLessonPane *self,
                                  SockscopeLesson     *lesson,
                                  const char          *lang)
{
  GtkWidget *child;

  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  if (self->trace != NULL)
    sockscope_lesson_pane_set_trace (self, NULL);
  g_set_object (&self->lesson, lesson);
  if (self->lang != lang)
    {
      g_free (self->lang);
      self->lang = g_strdup (lang);
    }
  self->position = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps))) != NULL)
    gtk_list_box_remove (self->steps, child);
  sockscope_lesson_pane_show_question (self, 0, NULL, NULL);
  sockscope_lesson_pane_show_verdict (self, SOCKSCOPE_VERDICT_NONE, NULL, NULL);

  if (lesson == NULL)
    return;

  gtk_label_set_text (self->title, sockscope_lesson_get_title (lesson, lang));
  gtk_label_set_text (self->description, sockscope_lesson_get_description (lesson, lang));
  gtk_widget_set_visible (GTK_WIDGET (self->description),
                          sockscope_lesson_get_description (lesson, lang) != NULL);
  for (guint i = 1; i <= sockscope_lesson_get_n_steps (lesson); i++)
    gtk_list_box_append (self->steps, step_row_new (self, sockscope_lesson_get_step (lesson, i)));
  update_steps (self);
}

/* ---- A session of traced programs ---------------------------------------------------------- */

/* A C string literal as the lab writes an argument ("\"7777\""), read back; anything else (a
 * string cut: "\"/tmp/…\" (35 bytes)") as it is. */
static char *
unquote (const char *arg)
{
  gsize len = strlen (arg);

  if (len >= 2 && arg[0] == '"' && arg[len - 1] == '"')
    {
      g_autofree char *inner = g_strndup (arg + 1, len - 2);

      return g_strcompress (inner);
    }
  return g_strdup (arg);
}

static void
trace_add_program (SockscopeLessonPane *self,
                   const char          *actor,
                   JsonObject          *execve)
{
  g_autoptr(GString) line = g_string_new (actor);
  JsonArray *args = execve ? json_object_get_array_member (execve, "args") : NULL;
  int index = GPOINTER_TO_INT (g_hash_table_lookup (self->trace_actors, actor)) - 1;
  GtkWidget *command, *row;

  /* The command line: the program's name, then its arguments (execve's own, after its path). */
  for (guint i = 1; args != NULL && i < json_array_get_length (args); i++)
    {
      g_autofree char *arg = unquote (json_array_get_string_element (args, i));

      g_string_append_c (line, ' ');
      if (arg[0] == '\0' || strpbrk (arg, " \t\n'\"\\$") != NULL)
        {
          g_autofree char *quoted = g_shell_quote (arg);

          g_string_append (line, quoted);
        }
      else
        g_string_append (line, arg);
    }
  command = gtk_label_new (line->str);
  gtk_label_set_xalign (GTK_LABEL (command), 0);
  gtk_label_set_wrap (GTK_LABEL (command), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (command), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (command), 30);
  gtk_label_set_selectable (GTK_LABEL (command), TRUE);
  gtk_widget_set_focusable (command, FALSE);
  gtk_widget_set_hexpand (command, TRUE);
  gtk_widget_add_css_class (command, "monospace");
  row = sockscope_actor_style_tag_row (actor, index, command, 6);
  g_object_set_data_full (G_OBJECT (row), "command", g_strdup (line->str), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, line->str, -1);
  gtk_list_box_append (self->steps, row);
}

/* Reads the events not seen yet: the actors (each program started by the front end, a row with
 * its command line once its execve is there) and the calls. */
static void
trace_scan (SockscopeLessonPane *self)
{
  guint n = sockscope_event_log_get_n_events (self->trace);

  for (; self->trace_scanned < n; self->trace_scanned++)
    {
      guint i = self->trace_scanned;
      SockscopeEventType type = sockscope_event_log_get_event_type (self->trace, i);

      if (type == SOCKSCOPE_EVENT_CALL)
        g_array_append_val (self->trace_calls, i);
      if (type == SOCKSCOPE_EVENT_ACTOR)
        {
          g_autoptr(JsonObject) e = sockscope_event_log_parse (self->trace, i);
          const char *actor = json_object_get_string_member_with_default (e, "actor", "");
          JsonNode *parent = json_object_get_member (e, "parent");

          if (g_hash_table_contains (self->trace_actors, actor))
            continue;
          g_hash_table_insert (self->trace_actors, g_strdup (actor),
                               GINT_TO_POINTER (g_hash_table_size (self->trace_actors) + 1));
          if (parent == NULL || JSON_NODE_HOLDS_NULL (parent))
            g_ptr_array_add (self->trace_programs, g_strdup (actor));
        }
      else if (type == SOCKSCOPE_EVENT_CALL && self->trace_programs->len > 0)
        {
          g_autoptr(JsonObject) e = sockscope_event_log_parse (self->trace, i);
          const char *actor = json_object_get_string_member_with_default (e, "actor", "");
          guint k;

          if (g_ptr_array_find_with_equal_func (self->trace_programs, actor, g_str_equal, &k))
            {
              gboolean exec = g_strcmp0 (json_object_get_string_member_with_default (e, "call", ""), "execve") == 0;

              trace_add_program (self, actor, exec ? e : NULL);
              g_ptr_array_remove_index (self->trace_programs, k);
            }
        }
    }
}

/* The call at the history's position (or the one selected before it) in the step's place. */
static void
trace_update (SockscopeLessonPane *self)
{
  guint position = (guint) gtk_adjustment_get_value (self->history);
  guint n_calls, shown = 0, found = G_MAXUINT;
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(GString) text = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *where = NULL;
  JsonObject *source;
  gint64 seq;

  if (self->trace == NULL)
    return;
  trace_scan (self);
  n_calls = self->trace_calls->len;
  position = MIN (position, self->trace_scanned);
  /* the calls shown: those before the position */
  while (shown < n_calls && g_array_index (self->trace_calls, guint, shown) < position)
    shown++;
  if (self->trace_selected != 0 && self->trace_selected <= position)
    for (guint i = 0; i < shown && found == G_MAXUINT; i++)
      if (g_array_index (self->trace_calls, guint, i) + 1 == self->trace_selected)
        found = i;
  if (found == G_MAXUINT && shown > 0)
    found = shown - 1;

  if (found == G_MAXUINT)
    {
      heading = g_strdup_printf (_("%u calls"), n_calls);
      gtk_label_set_text (self->step_label, heading);
      gtk_label_set_text (self->step_call, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->step_call), FALSE);
      gtk_label_set_text (self->explanation, _("Press Next Step (or Space) to show the first call."));
      return;
    }

  call = sockscope_event_log_parse (self->trace, g_array_index (self->trace_calls, guint, found));
  seq = g_array_index (self->trace_calls, guint, found) + 1;
  text = g_string_new (NULL);
  g_string_printf (text, "%s: %s", json_object_get_string_member_with_default (call, "actor", "?"),
                   json_object_get_string_member_with_default (call, "text", ""));
  /* its result, or that it is blocked, as far as the history goes */
  {
    gboolean blocked = FALSE, returned = FALSE;

    for (guint i = (guint) seq; i < position && !returned; i++)
      {
        SockscopeEventType type = sockscope_event_log_get_event_type (self->trace, i);
        gint64 of = 0;

        if ((type != SOCKSCOPE_EVENT_RETURN && type != SOCKSCOPE_EVENT_BLOCKED) ||
            !sockscope_event_log_get_int (self->trace, i, "call_seq", &of) || of != seq)
          continue;
        if (type == SOCKSCOPE_EVENT_BLOCKED)
          blocked = TRUE;
        else
          {
            g_autoptr(JsonObject) ret = sockscope_event_log_parse (self->trace, i);
            g_autofree char *outcome = sockscope_projection_call_outcome (ret, NULL);

            g_string_append_printf (text, " %s", outcome);
            returned = TRUE;
          }
      }
    if (!returned && blocked)
      /* TRANSLATORS: after a traced call that waits, in the lesson pane: "accept(3) (blocked)" */
      g_string_append_printf (text, " %s", _("(blocked)"));
  }

  /* TRANSLATORS: in the lesson pane, for a session of traced programs */
  heading = g_strdup_printf (_("Call %u of %u"), found + 1, n_calls);
  source = json_object_get_object_member (call, "source");
  if (source != NULL && json_object_has_member (source, "file"))
    {
      g_autofree char *base = g_path_get_basename (json_object_get_string_member_with_default (source, "file", ""));

      /* TRANSLATORS: where a traced call is in the program's own source: "echoserveri.c, line 48" */
      where = g_strdup_printf (_("In the source: %s, line %d"),
                               base, (int) json_object_get_int_member_with_default (source, "line", 0));
    }
  else if (source != NULL && g_strcmp0 (json_object_get_string_member_with_default (source, "missing", ""),
                                        "no-debug-info") == 0)
    where = g_strdup (_("No source line: build the program with cc -g to see it."));
  else
    where = g_strdup (_("Select a call in the diagram, or walk the calls with Back and Next Step."));
  gtk_label_set_text (self->step_label, heading);
  gtk_label_set_text (self->step_call, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->step_call), TRUE);
  gtk_label_set_text (self->explanation, where);
}

/* Back, Next and the slider walk the calls: the one shown is then the latest before the position. */
static void
on_history_moved (SockscopeLessonPane *self)
{
  self->trace_selected = 0;
  trace_update (self);
}

/* More events (a session read in parts): the same call, the programs may grow. */
static void
on_history_changed (SockscopeLessonPane *self)
{
  trace_update (self);
}

void
sockscope_lesson_pane_set_trace (SockscopeLessonPane *self,
                                 SockscopeEventLog   *log)
{
  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  if (log != NULL)
    sockscope_lesson_pane_set_lesson (self, NULL, self->lang);
  g_set_object (&self->trace, log);
  self->trace_scanned = 0;
  self->trace_selected = 0;
  g_array_set_size (self->trace_calls, 0);
  g_hash_table_remove_all (self->trace_actors);
  g_ptr_array_set_size (self->trace_programs, 0);
  gtk_widget_set_valign (GTK_WIDGET (self->steps), log != NULL ? GTK_ALIGN_START : GTK_ALIGN_FILL);
  if (log == NULL)
    {
      gtk_label_set_text (self->steps_heading, _("Steps"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->steps), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Steps"), -1);
      return;
    }
  gtk_label_set_text (self->title, _("Your programs"));
  gtk_label_set_text (self->description,
                      _("Your own programs, traced in the lab: each socket call they made, the packets it sent and the sockets' states."));
  gtk_widget_set_visible (GTK_WIDGET (self->description), TRUE);
  gtk_label_set_text (self->steps_heading, _("Programs"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->steps), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Programs"), -1);
  trace_update (self);
}

void
sockscope_lesson_pane_select_call (SockscopeLessonPane *self,
                                   guint                call_seq)
{
  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  self->trace_selected = call_seq;
  trace_update (self);
}

const char *
sockscope_lesson_pane_get_call_text (SockscopeLessonPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->step_call)) ? gtk_label_get_text (self->step_call) : NULL;
}

char *
sockscope_lesson_pane_get_programs (SockscopeLessonPane *self)
{
  GString *lines = g_string_new (NULL);

  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->steps)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), "command") != NULL)
      g_string_append_printf (lines, "%s\n", (const char *) g_object_get_data (G_OBJECT (row), "command"));
  return g_string_free (lines, FALSE);
}

/* Where the lesson comes from when it is not a built-in one ("Your lesson: PATH"); NULL hides
 * it. */
void
sockscope_lesson_pane_set_origin (SockscopeLessonPane *self,
                                  const char          *origin)
{
  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  gtk_label_set_text (self->origin, origin != NULL ? origin : "");
  gtk_widget_set_visible (GTK_WIDGET (self->origin), origin != NULL);
}

const char *
sockscope_lesson_pane_get_origin (SockscopeLessonPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->origin)) ? gtk_label_get_text (self->origin) : NULL;
}

/* In a window too short for the lesson's text, its scroller shows the question asked, or else
 * the step just run, from its top. */
static void
follow_step_card (SockscopeLessonPane *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->text_scroller);
  GtkWidget *card = gtk_widget_get_visible (self->question_card) ? self->question_card : self->step_card;
  /* The box of text, in the viewport the scroller put it in: its coordinates do not scroll. */
  GtkWidget *text = gtk_widget_get_parent (self->step_card);
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  graphene_rect_t r;

  if (gtk_adjustment_get_upper (adjustment) <= page || !gtk_widget_compute_bounds (card, text, &r))
    return;
  if (r.origin.y < value || r.origin.y + r.size.height > value + page)
    gtk_adjustment_set_value (adjustment, r.origin.y);
}

/* The step list follows the lesson: the current step (before the first, the first) is centred
 * in the list, at every step and every move in the history. Done at the next frame, when the
 * rows have their place. */
static gboolean
follow_current_step (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  SockscopeLessonPane *self = SOCKSCOPE_LESSON_PANE (widget);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->steps, MAX ((int) self->position, 1) - 1);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->steps_scroller);
  graphene_point_t top;

  self->follow_tick = 0;
  follow_step_card (self);
  if (row == NULL || gtk_widget_get_height (GTK_WIDGET (row)) == 0 ||
      !gtk_widget_compute_point (GTK_WIDGET (row), GTK_WIDGET (self->steps), &GRAPHENE_POINT_INIT (0, 0), &top))
    return G_SOURCE_REMOVE;
  gtk_adjustment_set_value (adjustment, top.y + gtk_widget_get_height (GTK_WIDGET (row)) / 2.0
                                        - gtk_adjustment_get_page_size (adjustment) / 2.0);
  return G_SOURCE_REMOVE;
}

void
sockscope_lesson_pane_set_position (SockscopeLessonPane *self,
                                    guint                steps_done)
{
  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  self->position = steps_done;
  update_steps (self);
  if (self->follow_tick == 0)
    self->follow_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), follow_current_step, NULL, NULL);
}

/* For tests: TRUE when the row of step (1-based) is wholly inside the step list's view. */
gboolean
sockscope_lesson_pane_step_in_view (SockscopeLessonPane *self,
                                    guint                step)
{
  GtkListBoxRow *row;
  graphene_point_t top;
  int height;

  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), FALSE);

  row = gtk_list_box_get_row_at_index (self->steps, (int) step - 1);
  height = gtk_widget_get_height (GTK_WIDGET (self->steps_scroller));
  if (row == NULL || !gtk_widget_compute_point (GTK_WIDGET (row), GTK_WIDGET (self->steps_scroller),
                                                &GRAPHENE_POINT_INIT (0, 0), &top))
    return FALSE;
  return top.y >= 0 && top.y + gtk_widget_get_height (GTK_WIDGET (row)) <= height;
}

guint
sockscope_lesson_pane_get_position (SockscopeLessonPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), 0);

  return self->position;
}

void
sockscope_lesson_pane_set_status (SockscopeLessonPane *self,
                                  const char          *status,
                                  gboolean             busy)
{
  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  gtk_label_set_text (self->status, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status), status != NULL && status[0] != '\0');
  gtk_spinner_set_spinning (self->spinner, busy);
}

GtkAdjustment *
sockscope_lesson_pane_get_history (SockscopeLessonPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), NULL);

  return self->history;
}

void
sockscope_lesson_pane_set_history_label (SockscopeLessonPane *self,
                                         const char          *label)
{
  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  gtk_label_set_text (self->history_label, label);
}

void
sockscope_lesson_pane_show_question (SockscopeLessonPane *self,
                                     guint                step,
                                     const char          *prompt,
                                     const char * const  *choices)
{
  GtkWidget *child;

  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  /* Shown already: the buttons stay, and the keyboard focus on them. */
  if (step != 0 && step == self->question_step && gtk_widget_get_visible (self->question_card))
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->question_choices))) != NULL)
    gtk_flow_box_remove (self->question_choices, child);
  self->question_step = step;
  if (step == 0 || self->lesson == NULL || step > sockscope_lesson_get_n_steps (self->lesson))
    {
      self->question_step = 0;
      gtk_widget_set_visible (self->question_card, FALSE);
      return;
    }

  {
    const SockscopeStep *s = sockscope_lesson_get_step (self->lesson, step);
    g_autofree char *title = g_strdup_printf (_("Question before step %u"), step);
    g_autofree char *text = sockscope_step_to_string (s);
    int index = sockscope_lesson_find_actor (self->lesson, s->actor);
    const SockscopeActor *actor = index >= 0 ? sockscope_lesson_get_actor (self->lesson, (guint) index) : NULL;
    g_autofree char *call = g_strdup_printf ("%s: %s", actor ? sockscope_actor_get_label (actor, self->lang) : s->actor, text);

    gtk_label_set_text (self->question_title, title);
    gtk_label_set_text (self->question_call, call);
  }
  gtk_label_set_text (self->question_prompt, prompt);
  for (guint i = 0; choices != NULL && choices[i] != NULL; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (choices[i]);

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.answer");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", choices[i]);
      gtk_widget_add_css_class (button, "choice");
      gtk_flow_box_append (self->question_choices, button);
      /* The flow box's children take the focus, not the buttons: let the buttons have it. */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
    }
  gtk_widget_set_visible (self->question_card, TRUE);
}

guint
sockscope_lesson_pane_get_question (SockscopeLessonPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), 0);

  return gtk_widget_get_visible (self->question_card) ? self->question_step : 0;
}

void
sockscope_lesson_pane_show_verdict (SockscopeLessonPane *self,
                                    SockscopeVerdict     verdict,
                                    const char          *title,
                                    const char          *detail)
{
  static const char *icons[] = { NULL, "emblem-ok-symbolic", "window-close-symbolic",
                                 "go-next-symbolic", "content-loading-symbolic" };
  static const char *classes[] = { NULL, "success", "error", "dim-label", "dim-label" };

  g_return_if_fail (SOCKSCOPE_IS_LESSON_PANE (self));

  self->verdict = verdict;
  gtk_widget_set_visible (self->verdict_box, verdict != SOCKSCOPE_VERDICT_NONE);
  if (verdict == SOCKSCOPE_VERDICT_NONE)
    return;
  for (guint i = 1; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_title), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_title), classes[verdict]);
  gtk_image_set_from_icon_name (self->verdict_icon, icons[verdict]);
  gtk_label_set_text (self->verdict_title, title);
  gtk_label_set_text (self->verdict_detail, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->verdict_detail), detail != NULL && detail[0] != '\0');
}

SockscopeVerdict
sockscope_lesson_pane_get_verdict (SockscopeLessonPane  *self,
                                   const char          **title,
                                   const char          **detail)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), SOCKSCOPE_VERDICT_NONE);

  if (title != NULL)
    *title = gtk_label_get_text (self->verdict_title);
  if (detail != NULL)
    *detail = gtk_label_get_text (self->verdict_detail);
  return self->verdict;
}

const char *
sockscope_lesson_pane_get_explanation (SockscopeLessonPane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PANE (self), NULL);

  return gtk_label_get_text (self->explanation);
}

static void
sockscope_lesson_pane_dispose (GObject *object)
{
  SockscopeLessonPane *self = SOCKSCOPE_LESSON_PANE (object);

  if (self->follow_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->follow_tick);
  self->follow_tick = 0;
  gtk_widget_dispose_template (GTK_WIDGET (self), SOCKSCOPE_TYPE_LESSON_PANE);
  g_clear_object (&self->lesson);
  g_clear_object (&self->trace);
  g_clear_pointer (&self->trace_calls, g_array_unref);
  g_clear_pointer (&self->trace_actors, g_hash_table_unref);
  g_clear_pointer (&self->trace_programs, g_ptr_array_unref);
  g_clear_pointer (&self->lang, g_free);
  G_OBJECT_CLASS (sockscope_lesson_pane_parent_class)->dispose (object);
}

/* The text's scroller is as tall as the text at the pane's width, up to what the window gives:
 * GtkScrolledWindow measures its child for no particular width (-1), so its natural height
 * would be that of the text wrapped at the labels' natural width, narrower than the pane (a
 * gap under the step card). Its max-content-height caps it at the height for the real width;
 * the box is measured again before it is allocated. */
static void
sockscope_lesson_pane_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  gtk_widget_measure (SOCKSCOPE_LESSON_PANE (widget)->box, orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
sockscope_lesson_pane_size_allocate (GtkWidget *widget,
                                     int        width,
                                     int        height,
                                     int        baseline)
{
  SockscopeLessonPane *self = SOCKSCOPE_LESSON_PANE (widget);
  GtkWidget *text = gtk_widget_get_parent (self->step_card);
  int text_width = width - gtk_widget_get_margin_start (self->box) - gtk_widget_get_margin_end (self->box);
  int natural = 0;

  if (text_width > 0)
    gtk_widget_measure (text, GTK_ORIENTATION_VERTICAL, text_width, NULL, &natural, NULL, NULL);
  natural = MAX (natural, gtk_scrolled_window_get_min_content_height (self->text_scroller));
  if (natural != gtk_scrolled_window_get_max_content_height (self->text_scroller))
    gtk_scrolled_window_set_max_content_height (self->text_scroller, natural);
  gtk_widget_measure (self->box, GTK_ORIENTATION_HORIZONTAL, height, NULL, NULL, NULL, NULL);
  gtk_widget_measure (self->box, GTK_ORIENTATION_VERTICAL, width, NULL, NULL, NULL, NULL);
  gtk_widget_allocate (self->box, width, height, baseline, NULL);
}

static void
sockscope_lesson_pane_class_init (SockscopeLessonPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_lesson_pane_dispose;
  widget_class->measure = sockscope_lesson_pane_measure;
  widget_class->size_allocate = sockscope_lesson_pane_size_allocate;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/sockscope/Sockscope/sockscope-lesson-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, box);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, title);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, description);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, origin);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, step_label);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, step_call);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, explanation);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, status);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, spinner);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, history);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, history_label);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, steps);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, steps_heading);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, steps_scroller);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, text_scroller);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, step_card);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, question_card);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, question_title);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, question_call);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, question_prompt);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, question_choices);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, skip_button);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, verdict_title);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, verdict_detail);
  gtk_widget_class_set_css_name (widget_class, "lessonpane");
}

static void
sockscope_lesson_pane_init (SockscopeLessonPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->trace_calls = g_array_new (FALSE, FALSE, sizeof (guint));
  self->trace_actors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->trace_programs = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_object (self->history, "value-changed", G_CALLBACK (on_history_moved), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "changed", G_CALLBACK (on_history_changed), self, G_CONNECT_SWAPPED);
  sockscope_actor_style_install (gtk_widget_get_display (GTK_WIDGET (self)));
}

GtkWidget *
sockscope_lesson_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_LESSON_PANE, NULL);
}
