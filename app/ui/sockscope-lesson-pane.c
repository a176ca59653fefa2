/* sockscope-lesson-pane.c: the lesson side of the window. It shows the step just run (what the
 * learner should look at now) with its explanation, and the next one in the step list. The
 * buttons are bound to the window's actions, so keys, buttons and menus do the same thing. */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-actor-style.h"
#include "sockscope-lesson-pane.h"
#include "sockscope-palette.h"

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
  GtkScrolledWindow *steps_scroller;
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

  g_set_object (&self->lesson, lesson);
  g_free (self->lang);
  self->lang = g_strdup (lang);
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
  g_clear_pointer (&self->lang, g_free);
  G_OBJECT_CLASS (sockscope_lesson_pane_parent_class)->dispose (object);
}

static void
sockscope_lesson_pane_class_init (SockscopeLessonPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_lesson_pane_dispose;

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
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPane, steps_scroller);
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
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lessonpane");
}

static void
sockscope_lesson_pane_init (SockscopeLessonPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sockscope_actor_style_install (gtk_widget_get_display (GTK_WIDGET (self)));
}

GtkWidget *
sockscope_lesson_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_LESSON_PANE, NULL);
}
