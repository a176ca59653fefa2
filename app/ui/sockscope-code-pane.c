/* sockscope-code-pane.c: one read-only GtkSourceView per actor, side by side (server | client,
 * as the course draws it), a forked child or a thread next to its parent, its program being the
 * function its parent calls. The code is generated from the lesson (sockscope_lesson_render), in
 * C or in Python when the lesson offers it, so every step maps to lines; the outcome of a call
 * is written at the end of its line, inside the buffer, so that it scrolls with the code and
 * shows in screenshots. Switching the language replays what the steps did on the new code. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "sockscope-code-pane.h"
#include "sockscope-projection.h"

#define COLUMN_MIN_WIDTH 240

typedef struct
{
  char          *actor;
  GtkWidget     *column;
  GtkWidget     *spinner;
  GtkLabel      *status;
  GtkSourceView *view;
  GtkTextBuffer *buffer;
  GArray        *spans;       /* SockscopeCodeSpan */
  GHashTable    *outcomes;    /* step -> GtkTextMark at the start of the outcome text */
  guint          current_line;
  char          *current_outcome;
} Column;

typedef struct
{
  SockscopeCallStatus status;
  char               *outcome;
} StepState;

struct _SockscopeCodePane
{
  GtkWidget        parent_instance;

  GtkWidget       *outer;
  GtkWidget       *switcher;  /* C | Python, when the lesson has both */
  GtkWidget       *c_button;
  GtkWidget       *python_button;
  GtkWidget       *scroller;
  GtkWidget       *box;
  GPtrArray       *columns;   /* Column */
  SockscopeLesson *lesson;
  char            *lang;
  char            *code_lang; /* "c" or "python" */
  GHashTable      *steps;     /* step -> StepState, what each step did so far */
  guint            last_step; /* the step set last, highlighted */
  gboolean         switching;
};

static void
step_state_free (gpointer data)
{
  StepState *state = data;

  g_free (state->outcome);
  g_free (state);
}

G_DEFINE_FINAL_TYPE (SockscopeCodePane, sockscope_code_pane, GTK_TYPE_WIDGET)

static void
column_free (gpointer data)
{
  Column *column = data;

  g_free (column->actor);
  g_clear_pointer (&column->spans, g_array_unref);
  g_clear_pointer (&column->outcomes, g_hash_table_unref);
  g_free (column->current_outcome);
  g_free (column);
}

static const SockscopeCodeSpan *
column_find_span (Column *column,
                  guint   step)
{
  for (guint i = 0; i < column->spans->len; i++)
    {
      const SockscopeCodeSpan *span = &g_array_index (column->spans, SockscopeCodeSpan, i);

      if (span->step == step)
        return span;
    }
  return NULL;
}

static Column *
find_column_for_step (SockscopeCodePane       *self,
                      guint                    step,
                      const SockscopeCodeSpan **span)
{
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      const SockscopeCodeSpan *found = column_find_span (column, step);

      if (found != NULL)
        {
          *span = found;
          return column;
        }
    }
  return NULL;
}

static void
update_style_scheme (SockscopeCodePane *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (schemes, adw_style_manager_get_dark (manager)
                                                                ? "Adwaita-dark" : "Adwaita");
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (column->buffer), scheme);
    }
}

static Column *
column_new (SockscopeCodePane    *self,
            const SockscopeActor *actor)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  gboolean python = g_strcmp0 (self->code_lang, "python") == 0;
  Column *column = g_new0 (Column, 1);
  g_autofree char *code = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *header, *title, *titles, *scrolled;

  column->actor = g_strdup (actor->name);
  column->outcomes = g_hash_table_new (NULL, NULL);
  code = sockscope_lesson_render (self->lesson, actor->name, self->code_lang, &column->spans);

  column->buffer = GTK_TEXT_BUFFER (gtk_source_buffer_new_with_language (
      gtk_source_language_manager_get_language (languages, python ? "python3" : "c")));
  gtk_text_buffer_set_text (column->buffer, code, -1);
  gtk_text_buffer_create_tag (column->buffer, "current",
                              "paragraph-background", "rgba(53,132,228,0.22)",
                              NULL);
  gtk_text_buffer_create_tag (column->buffer, "outcome",
                              "foreground", "#1c71d8",
                              "weight", PANGO_WEIGHT_BOLD,
                              NULL);
  gtk_text_buffer_create_tag (column->buffer, "outcome-error",
                              "foreground", "#c01c28",
                              "weight", PANGO_WEIGHT_BOLD,
                              NULL);
  gtk_text_buffer_create_tag (column->buffer, "outcome-blocked",
                              "foreground", "#c64600",
                              "weight", PANGO_WEIGHT_BOLD,
                              "style", PANGO_STYLE_ITALIC,
                              NULL);

  column->view = GTK_SOURCE_VIEW (gtk_source_view_new_with_buffer (GTK_SOURCE_BUFFER (column->buffer)));
  gtk_text_view_set_editable (GTK_TEXT_VIEW (column->view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (column->view), TRUE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (column->view), FALSE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (column->view), 6);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (column->view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (column->view), 6);
  gtk_source_view_set_show_line_numbers (column->view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (column->view), "code-view");

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (header, "code-header");
  titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  title = gtk_label_new (sockscope_actor_get_label (actor, self->lang));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (titles), title);
  if (actor->parent != NULL)
    {
      int index = sockscope_lesson_find_actor (self->lesson, actor->parent);
      const char *parent = index >= 0 ? sockscope_actor_get_label (sockscope_lesson_get_actor (self->lesson, (guint) index), self->lang)
                                      : actor->parent;
      g_autofree char *caption = actor->thread
        /* TRANSLATORS: under the name of a code column; %s: the actor that starts the thread */
        ? g_strdup_printf (_("a thread of %s"), parent)
        /* TRANSLATORS: under the name of a code column; %s: the actor that forks the child */
        : g_strdup_printf (_("a child process of %s"), parent);
      GtkWidget *sub = gtk_label_new (caption);

      gtk_label_set_xalign (GTK_LABEL (sub), 0);
      gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (sub, "caption");
      gtk_widget_add_css_class (sub, "dim-label");
      gtk_box_append (GTK_BOX (titles), sub);
      accessible = g_strdup_printf ("%s, %s", sockscope_actor_get_label (actor, self->lang), caption);
    }
  column->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (column->spinner, FALSE);
  column->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (column->status, 0);
  gtk_label_set_ellipsize (column->status, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (column->status), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (column->status), "dim-label");
  gtk_box_append (GTK_BOX (header), titles);
  gtk_box_append (GTK_BOX (header), column->spinner);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (column->status));

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (column->view));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (column->view), TRUE);

  column->column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (column->column, TRUE);
  gtk_widget_set_size_request (column->column, COLUMN_MIN_WIDTH, -1);
  gtk_box_append (GTK_BOX (column->column), header);
  gtk_box_append (GTK_BOX (column->column), scrolled);

  gtk_accessible_update_property (GTK_ACCESSIBLE (column->view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible ? accessible : sockscope_actor_get_label (actor, self->lang), -1);
  return column;
}

static void
rebuild (SockscopeCodePane *self)
{
  GtkWidget *child;
  g_autofree int *parents = NULL;
  g_autofree guint *order = NULL;
  guint n;

  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  if (self->lesson == NULL)
    return;

  /* One column per actor, a child or a thread next to the actor that creates it. */
  n = sockscope_lesson_get_n_actors (self->lesson);
  parents = g_new0 (int, n + 1);
  order = g_new0 (guint, n + 1);
  sockscope_projection_lesson_order (self->lesson, parents, order);
  self->columns = g_ptr_array_new_with_free_func (column_free);
  for (guint i = 0; i < n; i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (self->lesson, order[i]);
      Column *column;

      column = column_new (self, actor);
      /* Columns share the width equally; a border, not a separator widget, divides them. */
      if (self->columns->len > 0)
        gtk_widget_add_css_class (column->column, "code-column-next");
      gtk_box_append (GTK_BOX (self->box), column->column);
      g_ptr_array_add (self->columns, column);
    }
  update_style_scheme (self);
}

static gboolean
lesson_has_code (SockscopeLesson *lesson,
                 const char      *code_lang)
{
  const char * const *langs = lesson ? sockscope_lesson_get_code_langs (lesson) : NULL;

  return langs != NULL && g_strv_contains (langs, code_lang);
}

static void
update_switcher (SockscopeCodePane *self)
{
  gboolean both = lesson_has_code (self->lesson, "c") && lesson_has_code (self->lesson, "python");

  self->switching = TRUE;
  gtk_widget_set_visible (self->switcher, both);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->c_button), g_strcmp0 (self->code_lang, "python") != 0);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->python_button), g_strcmp0 (self->code_lang, "python") == 0);
  self->switching = FALSE;
}

void
sockscope_code_pane_set_lesson (SockscopeCodePane *self,
                                SockscopeLesson   *lesson,
                                const char        *lang)
{
  const char * const *langs;

  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  /* The same lesson again (a restart) keeps the language the learner chose. */
  if (lesson == NULL || self->lesson == NULL ||
      g_strcmp0 (sockscope_lesson_get_path (lesson), sockscope_lesson_get_path (self->lesson)) != 0 ||
      !lesson_has_code (lesson, self->code_lang))
    {
      langs = lesson ? sockscope_lesson_get_code_langs (lesson) : NULL;
      g_free (self->code_lang);
      self->code_lang = g_strdup (langs != NULL && langs[0] != NULL ? langs[0] : "c");
    }
  g_set_object (&self->lesson, lesson);
  g_free (self->lang);
  self->lang = g_strdup (lang);
  g_hash_table_remove_all (self->steps);
  self->last_step = 0;
  update_switcher (self);
  rebuild (self);
}

void
sockscope_code_pane_reset (SockscopeCodePane *self)
{
  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  g_hash_table_remove_all (self->steps);
  self->last_step = 0;
  rebuild (self);
}

static void apply_call (SockscopeCodePane   *self,
                        guint                step,
                        SockscopeCallStatus  status,
                        const char          *outcome);

const char *
sockscope_code_pane_get_code_lang (SockscopeCodePane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_CODE_PANE (self), NULL);

  return self->code_lang;
}

/* The program in another language: the same steps done, the same one highlighted. */
void
sockscope_code_pane_set_code_lang (SockscopeCodePane *self,
                                   const char        *code_lang)
{
  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  if (g_strcmp0 (code_lang, self->code_lang) == 0 || !lesson_has_code (self->lesson, code_lang))
    {
      update_switcher (self);
      return;
    }
  g_free (self->code_lang);
  self->code_lang = g_strdup (code_lang);
  update_switcher (self);
  rebuild (self);

  for (guint step = 1; self->lesson != NULL && step <= sockscope_lesson_get_n_steps (self->lesson); step++)
    {
      StepState *state = g_hash_table_lookup (self->steps, GUINT_TO_POINTER (step));

      if (state != NULL && step != self->last_step)
        apply_call (self, step, state->status, state->outcome);
    }
  if (self->last_step != 0)
    {
      StepState *state = g_hash_table_lookup (self->steps, GUINT_TO_POINTER (self->last_step));

      if (state != NULL)
        apply_call (self, self->last_step, state->status, state->outcome);
    }
}

static void
on_lang_toggled (SockscopeCodePane *self,
                 GtkToggleButton   *button)
{
  if (self->switching || !gtk_toggle_button_get_active (button))
    return;
  sockscope_code_pane_set_code_lang (self, GTK_WIDGET (button) == self->python_button ? "python" : "c");
}

static void
line_bounds (GtkTextBuffer *buffer,
             guint          first,
             guint          last,
             GtkTextIter   *start,
             GtkTextIter   *end)
{
  gtk_text_buffer_get_iter_at_line (buffer, start, (int) first - 1);
  gtk_text_buffer_get_iter_at_line (buffer, end, (int) last - 1);
  if (!gtk_text_iter_ends_line (end))
    gtk_text_iter_forward_to_line_end (end);
}

/* Replaces the outcome written after the call's line, if any. */
static void
write_outcome (Column              *column,
               const SockscopeCodeSpan *span,
               SockscopeCallStatus  status,
               const char          *outcome)
{
  GtkTextMark *mark = g_hash_table_lookup (column->outcomes, GUINT_TO_POINTER (span->step));
  GtkTextIter start, end;
  const char *tag;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_iter_at_line (column->buffer, &end, (int) span->last_line - 1);
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  if (mark != NULL)
    {
      gtk_text_buffer_get_iter_at_mark (column->buffer, &start, mark);
      gtk_text_buffer_delete (column->buffer, &start, &end);
    }
  else
    {
      mark = gtk_text_buffer_create_mark (column->buffer, NULL, &end, TRUE);
      g_hash_table_insert (column->outcomes, GUINT_TO_POINTER (span->step), mark);
    }
  if (outcome == NULL || outcome[0] == '\0')
    return;

  tag = status == SOCKSCOPE_CALL_FAILED ? "outcome-error"
      : status == SOCKSCOPE_CALL_BLOCKED ? "outcome-blocked" : "outcome";
  text = g_strdup_printf ("   ⟵ %s", outcome);
  gtk_text_buffer_get_iter_at_mark (column->buffer, &start, mark);
  gtk_text_buffer_insert_with_tags_by_name (column->buffer, &start, text, -1, tag, NULL);
}

/* Brings a column into view when the code pane is too narrow for all of them. */
static void
scroll_to_column (SockscopeCodePane *self,
                  Column            *column)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  graphene_rect_t bounds;
  double value = gtk_adjustment_get_value (adj), page = gtk_adjustment_get_page_size (adj);

  if (!gtk_widget_compute_bounds (column->column, self->box, &bounds))
    return;
  if (bounds.origin.x < value)
    gtk_adjustment_set_value (adj, bounds.origin.x);
  else if (bounds.origin.x + bounds.size.width > value + page)
    gtk_adjustment_set_value (adj, bounds.origin.x + bounds.size.width - page);
}

void
sockscope_code_pane_set_call (SockscopeCodePane   *self,
                              guint                step,
                              SockscopeCallStatus  status,
                              const char          *outcome)
{
  StepState *state;

  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  state = g_new0 (StepState, 1);
  state->status = status;
  state->outcome = g_strdup (outcome);
  g_hash_table_replace (self->steps, GUINT_TO_POINTER (step), state);
  self->last_step = step;
  apply_call (self, step, status, outcome);
}

static void
apply_call (SockscopeCodePane   *self,
            guint                step,
            SockscopeCallStatus  status,
            const char          *outcome)
{
  const SockscopeCodeSpan *span = NULL;
  Column *column;
  GtkTextIter start, end;

  if ((column = find_column_for_step (self, step, &span)) == NULL)
    return;
  scroll_to_column (self, column);

  write_outcome (column, span, status, outcome);

  gtk_text_buffer_get_bounds (column->buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (column->buffer, "current", &start, &end);
  line_bounds (column->buffer, span->first_line, span->last_line, &start, &end);
  gtk_text_buffer_apply_tag_by_name (column->buffer, "current", &start, &end);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (column->view), &start, 0.1, FALSE, 0, 0.3);

  column->current_line = span->last_line;
  g_free (column->current_outcome);
  column->current_outcome = g_strdup (outcome);

  /* The header repeats the outcome: a long line may hide the end of it. */
  gtk_widget_set_visible (column->spinner, status == SOCKSCOPE_CALL_BLOCKED);
  gtk_spinner_set_spinning (GTK_SPINNER (column->spinner), status == SOCKSCOPE_CALL_BLOCKED);
  gtk_label_set_text (column->status, outcome);
  gtk_widget_remove_css_class (GTK_WIDGET (column->status), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (column->status), "warning");
  if (status == SOCKSCOPE_CALL_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (column->status), "error");
  else if (status == SOCKSCOPE_CALL_BLOCKED)
    gtk_widget_add_css_class (GTK_WIDGET (column->status), "warning");
}

void
sockscope_code_pane_select_step (SockscopeCodePane *self,
                                 guint              step)
{
  const SockscopeCodeSpan *span = NULL;
  Column *column;
  GtkTextIter start, end;

  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  if ((column = find_column_for_step (self, step, &span)) == NULL)
    return;
  line_bounds (column->buffer, span->first_line, span->last_line, &start, &end);
  gtk_text_buffer_select_range (column->buffer, &start, &end);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (column->view), &start, 0.1, FALSE, 0, 0.3);
  scroll_to_column (self, column);
}

static Column *
find_column (SockscopeCodePane *self,
             const char        *actor)
{
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      if (g_strcmp0 (column->actor, actor) == 0)
        return column;
    }
  return NULL;
}

guint
sockscope_code_pane_get_current_line (SockscopeCodePane  *self,
                                      const char         *actor,
                                      const char        **outcome)
{
  Column *column = find_column (self, actor);

  if (outcome != NULL)
    *outcome = column ? column->current_outcome : NULL;
  return column ? column->current_line : 0;
}

char *
sockscope_code_pane_get_line_text (SockscopeCodePane *self,
                                   const char        *actor,
                                   guint              line)
{
  Column *column = find_column (self, actor);
  GtkTextIter start, end;

  if (column == NULL || line == 0 || (int) line > gtk_text_buffer_get_line_count (column->buffer))
    return NULL;
  line_bounds (column->buffer, line, line, &start, &end);
  return gtk_text_buffer_get_text (column->buffer, &start, &end, FALSE);
}

static void
sockscope_code_pane_dispose (GObject *object)
{
  SockscopeCodePane *self = SOCKSCOPE_CODE_PANE (object);

  g_clear_pointer (&self->outer, gtk_widget_unparent);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_object (&self->lesson);
  g_clear_pointer (&self->lang, g_free);
  g_clear_pointer (&self->code_lang, g_free);
  g_clear_pointer (&self->steps, g_hash_table_unref);
  G_OBJECT_CLASS (sockscope_code_pane_parent_class)->dispose (object);
}

static void
sockscope_code_pane_class_init (SockscopeCodePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_code_pane_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "codepane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sockscope_code_pane_init (SockscopeCodePane *self)
{
  GtkWidget *label;

  self->steps = g_hash_table_new_full (NULL, NULL, NULL, step_state_free);
  self->code_lang = g_strdup ("c");
  self->outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->outer, GTK_WIDGET (self));

  /* C | Python: the same program in the other language, when the lesson has both. */
  self->switcher = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (self->switcher, "code-switcher");
  label = gtk_label_new (_("Code in"));
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (self->switcher), label);
  {
    GtkWidget *linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

    gtk_widget_add_css_class (linked, "linked");
    self->c_button = gtk_toggle_button_new_with_label ("C");
    self->python_button = gtk_toggle_button_new_with_label ("Python");
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->python_button), GTK_TOGGLE_BUTTON (self->c_button));
    gtk_widget_set_tooltip_text (self->c_button, _("Show the program in C"));
    gtk_widget_set_tooltip_text (self->python_button, _("Show the program in Python"));
    gtk_widget_add_css_class (self->c_button, "flat");
    gtk_widget_add_css_class (self->python_button, "flat");
    g_signal_connect_object (self->c_button, "toggled", G_CALLBACK (on_lang_toggled), self, G_CONNECT_SWAPPED);
    g_signal_connect_object (self->python_button, "toggled", G_CALLBACK (on_lang_toggled), self, G_CONNECT_SWAPPED);
    gtk_box_append (GTK_BOX (linked), self->c_button);
    gtk_box_append (GTK_BOX (linked), self->python_button);
    gtk_box_append (GTK_BOX (self->switcher), linked);
    gtk_accessible_update_property (GTK_ACCESSIBLE (linked), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Language of the code"), -1);
  }
  gtk_widget_set_visible (self->switcher, FALSE);
  gtk_box_append (GTK_BOX (self->outer), self->switcher);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_widget_set_vexpand (self->scroller, TRUE);
  gtk_box_append (GTK_BOX (self->outer), self->scroller);
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_set_homogeneous (GTK_BOX (self->box), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Code"), -1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sockscope_code_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_CODE_PANE, NULL);
}
