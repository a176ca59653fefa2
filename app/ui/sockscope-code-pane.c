/* sockscope-code-pane.c: one read-only GtkSourceView per actor, side by side (server | client,
 * as the course draws it). The code is generated from the lesson (sockscope_lesson_render_c), so
 * every step maps to lines; the outcome of a call is written at the end of its line, inside the
 * buffer, so that it scrolls with the code and shows in screenshots. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "sockscope-code-pane.h"

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

struct _SockscopeCodePane
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GPtrArray       *columns;   /* Column */
  SockscopeLesson *lesson;
  char            *lang;
};

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
  Column *column = g_new0 (Column, 1);
  g_autofree char *code = NULL;
  GtkWidget *header, *title, *scrolled;

  column->actor = g_strdup (actor->name);
  column->outcomes = g_hash_table_new (NULL, NULL);
  code = sockscope_lesson_render_c (self->lesson, actor->name, &column->spans);

  column->buffer = GTK_TEXT_BUFFER (gtk_source_buffer_new_with_language (
      gtk_source_language_manager_get_language (languages, "c")));
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
  title = gtk_label_new (sockscope_actor_get_label (actor, self->lang));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  column->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (column->spinner, FALSE);
  column->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (column->status, 0);
  gtk_label_set_ellipsize (column->status, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (column->status), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (column->status), "dim-label");
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), column->spinner);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (column->status));

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (column->view));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (column->view), TRUE);

  column->column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (column->column, TRUE);
  gtk_box_append (GTK_BOX (column->column), header);
  gtk_box_append (GTK_BOX (column->column), scrolled);

  gtk_accessible_update_property (GTK_ACCESSIBLE (column->view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  sockscope_actor_get_label (actor, self->lang), -1);
  return column;
}

static void
rebuild (SockscopeCodePane *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  if (self->lesson == NULL)
    return;

  self->columns = g_ptr_array_new_with_free_func (column_free);
  for (guint i = 0; i < sockscope_lesson_get_n_actors (self->lesson); i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (self->lesson, i);
      Column *column;

      /* A forked child runs its parent's program: it has no code column of its own. */
      if (actor->parent != NULL)
        continue;
      column = column_new (self, actor);
      /* Columns share the width equally; a border, not a separator widget, divides them. */
      if (self->columns->len > 0)
        gtk_widget_add_css_class (column->column, "code-column-next");
      gtk_box_append (GTK_BOX (self->box), column->column);
      g_ptr_array_add (self->columns, column);
    }
  update_style_scheme (self);
}

void
sockscope_code_pane_set_lesson (SockscopeCodePane *self,
                                SockscopeLesson   *lesson,
                                const char        *lang)
{
  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  g_set_object (&self->lesson, lesson);
  g_free (self->lang);
  self->lang = g_strdup (lang);
  rebuild (self);
}

void
sockscope_code_pane_reset (SockscopeCodePane *self)
{
  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  rebuild (self);
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

void
sockscope_code_pane_set_call (SockscopeCodePane   *self,
                              guint                step,
                              SockscopeCallStatus  status,
                              const char          *outcome)
{
  const SockscopeCodeSpan *span = NULL;
  Column *column;
  GtkTextIter start, end;

  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  if ((column = find_column_for_step (self, step, &span)) == NULL)
    return;

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

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_object (&self->lesson);
  g_clear_pointer (&self->lang, g_free);
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
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_set_homogeneous (GTK_BOX (self->box), TRUE);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Code"), -1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sockscope_code_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_CODE_PANE, NULL);
}
