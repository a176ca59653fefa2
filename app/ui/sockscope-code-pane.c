/* sockscope-code-pane.c: one read-only GtkSourceView per actor, side by side (server | client,
 * as the course draws it), a forked child or a thread next to its parent, its program being the
 * function its parent calls. The code is generated from the lesson (sockscope_lesson_render), in
 * C or in Python when the lesson offers it, so every step maps to lines; the outcome of a call
 * is written at the end of its line, inside the buffer, so that it scrolls with the code and
 * shows in screenshots. Switching the language replays what the steps did on the new code.
 *
 * Reading whole lines, whatever the width:
 * - Lines wrap (a continuation is indented 4 columns deeper than its line): the start of the
 *   executed line and the outcome after it are always on screen, in a column of any width,
 *   with no horizontal scrolling that would hide one or the other.
 * - The width goes by need (allocate_columns): the actor whose step ran last, the one whose step
 *   comes next and any actor blocked in a call are shown first; the others share what is left,
 *   each at least MIN_CHARS columns of text, and those that do not fit fold into a button in
 *   the bar above the code that brings them back (never a sliver of a column).
 * - The #include lines (or Python's imports) fold into one line that opens on a click.
 * - After every step and every change of size, each column scrolls its current line into view.
 * - In presenter mode (the window's .presenter class) the current lines are drawn larger. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "sockscope-actor-style.h"
#include "sockscope-code-pane.h"
#include "sockscope-event-log.h"
#include "sockscope-projection.h"

#define MIN_CHARS        24   /* an idle column never shows fewer columns of text */
#define NEED_MAX_CHARS   72   /* a longer line wraps: room beyond this would go unused */
#define HANG_CHARS       4    /* a wrapped line's continuation, deeper than the line */
#define PRESENTER_SCALE  1.3  /* the current lines, in presenter mode */
#define TEXT_MARGIN      6
#define LINE_NUMBER_PADDING 12 /* around the numbers, inside the gutter */

typedef struct
{
  char          *actor;
  char          *label;
  GtkWidget     *column;
  GtkWidget     *header;
  GtkWidget     *blocked_icon;
  GtkLabel      *status;
  GtkLabel      *caption;
  GtkWidget     *scrolled;
  GtkLabel      *message;     /* a traced program: why it has no line to show */
  char          *file;        /* a traced program: the source file shown, NULL: none */
  int            lifeline;    /* ... its lifeline: the columns go in the diagram's order */
  GtkTextMark   *outcome_mark; /* ... and where its current call's outcome starts */
  GtkSourceView *view;
  GtkTextBuffer *buffer;
  GtkSourceGutterRenderer *numbers;
  GArray        *spans;       /* SockscopeCodeSpan */
  GHashTable    *outcomes;    /* step -> GtkTextMark at the start of the outcome text */
  GtkTextMark   *current;     /* the start of the current span, NULL before its first step */
  GtkTextMark   *current_end; /* the end of its last line, after the outcome */
  guint          current_first;
  guint          current_line;
  char          *current_outcome;
  SockscopeCallStatus call_status;
  gboolean       ran;         /* a step of this actor has run */
  guint          fold_first;  /* the folded #include (or import) lines, 0 when none */
  guint          fold_last;
  gboolean       folded;
  guint          need_chars;  /* its longest line, outcomes included */
  GPtrArray     *hangs;       /* GtkTextTag, one per indentation in spaces */
  GArray        *indents;     /* guint: each line's indentation, in spaces */
  double         hang_width;  /* the character width the hangs were set for */
  int            hang_chars;  /* ... and the columns of text */
  int            text_chars;  /* the columns of text it has now */
  gboolean       shown;
  int            width;
  gboolean       scroll_pending;
  gboolean       fit_pending;
  guint          fit_rounds;
} Column;

typedef struct
{
  SockscopeCallStatus status;
  char               *outcome;
} StepState;

struct _SockscopeCodePane
{
  GtkWidget        parent_instance;

  GtkWidget       *bar;       /* the folded columns' buttons, and C | Python */
  GtkWidget       *folded_box;
  GtkWidget       *switcher;  /* C | Python, when the lesson has both */
  GtkWidget       *c_button;
  GtkWidget       *python_button;
  GtkWidget       *placeholder;   /* what the pane says while it has no column, or hidden */
  GPtrArray       *columns;   /* Column, in the diagram's order */
  SockscopeLesson *lesson;
  char            *lang;
  char            *code_lang; /* "c" or "python" */
  GHashTable      *steps;     /* step -> StepState, what each step did so far */
  /* A session of traced programs (no lesson): a column per program, its own source file. */
  gboolean         traced;
  char            *trace_actor;   /* the actor of the call shown last */
  GHashTable      *trace_calls;   /* call seq -> StepState */
  GHashTable      *files;         /* path -> GBytes of the file, or NULL: unreadable */
  GHashTable      *file_errors;   /* path -> why it cannot be read */
  SockscopeEventLog *trace_log;   /* the log the pending calls are in */
  GHashTable      *pending;       /* actor -> the seq of its last call not shown yet */
  GHashTable      *pending_lined; /* actor -> ... of its last one not shown yet with a line */
  GHashTable      *lifelines;     /* actor -> its lifeline + 1 */
  guint            last_step; /* the step set last, highlighted */
  gboolean         switching;
  char            *pinned;    /* the actor the learner brought back with its button */
  char            *folded_key;    /* the actors the bar shows as buttons, "a\nb\n" */
  char            *wanted_key;    /* ... and those the last allocation folded */
  guint            tick;
  GtkWidget       *watched_root;
  gboolean         presenter;
  double           char_width;
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
  g_free (column->label);
  g_free (column->file);
  g_clear_pointer (&column->spans, g_array_unref);
  g_clear_pointer (&column->outcomes, g_hash_table_unref);
  g_clear_pointer (&column->hangs, g_ptr_array_unref);
  g_clear_pointer (&column->indents, g_array_unref);
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

static Column *
find_column (SockscopeCodePane *self,
             const char        *actor)
{
  for (guint i = 0; actor != NULL && self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      if (g_strcmp0 (column->actor, actor) == 0)
        return column;
    }
  return NULL;
}

static void
update_style_scheme (SockscopeCodePane *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceStyleScheme *scheme;

  gboolean dark = adw_style_manager_get_dark (manager);
  /* High contrast (the desktop's, or the app's preference: the window's class): GtkSourceView's
   * classic schemes, black on white or white on black, instead of Adwaita's tints. */
  gboolean high_contrast = adw_style_manager_get_high_contrast (manager) ||
                           (self->watched_root != NULL && gtk_widget_has_css_class (self->watched_root, "high-contrast"));

  scheme = gtk_source_style_scheme_manager_get_scheme (schemes, high_contrast ? (dark ? "classic-dark" : "classic")
                                                                : dark ? "Adwaita-dark" : "Adwaita");
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (column->buffer), scheme);
    }
}

static void   queue_tick      (SockscopeCodePane *self);
static void   flush_traced    (SockscopeCodePane *self);
static double view_char_width (GtkWidget         *view);

/* ---- Folding the #include lines ---- */

static gboolean
is_header_line (const char *line,
                gboolean    python)
{
  return python ? g_str_has_prefix (line, "import ") : g_str_has_prefix (line, "#include ");
}

/* Finds the first run of two or more #include (import) lines and writes its summary at the
 * start of the first one; the lines keep their numbers, so the spans stay true. */
static void
column_find_fold (Column     *column,
                  const char *code,
                  gboolean    python)
{
  g_auto(GStrv) lines = g_strsplit (code, "\n", -1);
  g_autofree char *summary = NULL;
  GtkTextIter at;
  guint first = 0, last = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (is_header_line (lines[i], python))
        {
          if (first == 0)
            first = i + 1;
          last = i + 1;
        }
      else if (first != 0)
        break;
    }
  if (first == 0 || last == first)
    return;
  column->fold_first = first;
  column->fold_last = last;
  summary = python
    /* TRANSLATORS: the folded import lines of a generated Python program; a click opens them */
    ? g_strdup_printf (ngettext ("import … (%u module)", "import … (%u modules)", last - first + 1),
                       last - first + 1)
    /* TRANSLATORS: the folded #include lines of a generated C program; a click opens them */
    : g_strdup_printf (ngettext ("#include … (%u header)", "#include … (%u headers)", last - first + 1),
                       last - first + 1);
  gtk_text_buffer_get_iter_at_line (column->buffer, &at, (int) first - 1);
  gtk_text_buffer_insert_with_tags_by_name (column->buffer, &at, summary, -1, "fold-summary", NULL);
}

/* Folded: the summary shows, the lines (their line breaks too, so that they take no room) are
 * hidden. Open: the summary is hidden and the lines show, a click on one folds them again. */
static void
column_set_folded (Column   *column,
                   gboolean  folded)
{
  GtkTextIter start, end, summary_end;

  if (column->fold_first == 0)
    return;
  column->folded = folded;
  gtk_text_buffer_get_iter_at_line (column->buffer, &start, (int) column->fold_first - 1);
  summary_end = start;
  gtk_text_iter_forward_to_tag_toggle (&summary_end, gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (column->buffer),
                                                                                "fold-summary"));
  gtk_text_buffer_get_iter_at_line (column->buffer, &end, (int) column->fold_last);
  if (!gtk_text_iter_starts_line (&end))
    gtk_text_buffer_get_end_iter (column->buffer, &end);
  gtk_text_buffer_remove_tag_by_name (column->buffer, "folded", &start, &end);
  gtk_text_buffer_remove_tag_by_name (column->buffer, "fold-open", &start, &end);
  if (folded)
    gtk_text_buffer_apply_tag_by_name (column->buffer, "folded", &summary_end, &end);
  else
    {
      gtk_text_buffer_apply_tag_by_name (column->buffer, "folded", &start, &summary_end);
      gtk_text_buffer_apply_tag_by_name (column->buffer, "fold-open", &summary_end, &end);
    }
}

/* The line numbers: a text renderer of ours, since GtkSourceView's own draws a number for each
 * line, the folded ones too (piled up under the summary, as those lines take no room). */
static void
on_line_number_query (GtkSourceGutterRenderer *renderer,
                      GtkSourceGutterLines    *lines,
                      guint                    line,
                      Column                  *column)
{
  char text[16] = "";

  if (!column->folded || line + 1 <= column->fold_first || line + 1 > column->fold_last)
    g_snprintf (text, sizeof text, "%u", line + 1);
  gtk_source_gutter_renderer_text_set_text (GTK_SOURCE_GUTTER_RENDERER_TEXT (renderer), text, -1);
}

static void
column_add_line_numbers (Column *column)
{
  GtkSourceGutter *gutter = gtk_source_view_get_gutter (column->view, GTK_TEXT_WINDOW_LEFT);

  column->numbers = gtk_source_gutter_renderer_text_new ();
  gtk_source_gutter_renderer_set_xalign (column->numbers, 1.0);
  gtk_source_gutter_renderer_set_xpad (column->numbers, 4);
  gtk_source_gutter_renderer_set_alignment_mode (column->numbers, GTK_SOURCE_GUTTER_RENDERER_ALIGNMENT_MODE_FIRST);
  gtk_widget_add_css_class (GTK_WIDGET (column->numbers), "dim-label");
  g_signal_connect (column->numbers, "query-data", G_CALLBACK (on_line_number_query), column);
  gtk_source_gutter_insert (gutter, column->numbers, GTK_SOURCE_VIEW_GUTTER_POSITION_LINES);
}

/* As wide as the largest number, in the font drawn now. */
static void
column_size_line_numbers (Column *column)
{
  g_autofree char *widest = g_strdup_printf ("%d", gtk_text_buffer_get_line_count (column->buffer) * 10 / 10);
  int width = 0;

  for (char *c = widest; *c != '\0'; c++)
    *c = '8';
  gtk_source_gutter_renderer_text_measure (GTK_SOURCE_GUTTER_RENDERER_TEXT (column->numbers), widest, &width, NULL);
  gtk_widget_set_size_request (GTK_WIDGET (column->numbers), width + LINE_NUMBER_PADDING, -1);
}

static gboolean
column_iter_at (Column      *column,
                double       x,
                double       y,
                GtkTextIter *iter)
{
  int bx, by;

  gtk_text_view_window_to_buffer_coords (GTK_TEXT_VIEW (column->view), GTK_TEXT_WINDOW_WIDGET,
                                         (int) x, (int) y, &bx, &by);
  return gtk_text_view_get_iter_at_location (GTK_TEXT_VIEW (column->view), iter, bx, by);
}

static gboolean
column_fold_at (Column *column,
                double  x,
                double  y)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (column->buffer);
  GtkTextIter iter;

  if (column->fold_first == 0 || !column_iter_at (column, x, y, &iter))
    return FALSE;
  return gtk_text_iter_has_tag (&iter, gtk_text_tag_table_lookup (table, column->folded ? "fold-summary" : "fold-open"));
}

static void
on_view_released (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  Column          *column)
{
  SockscopeCodePane *self;

  if (n_press != 1 || !column_fold_at (column, x, y))
    return;
  self = SOCKSCOPE_CODE_PANE (gtk_widget_get_ancestor (GTK_WIDGET (column->view), SOCKSCOPE_TYPE_CODE_PANE));
  column_set_folded (column, !column->folded);
  column->scroll_pending = TRUE;
  if (self != NULL)
    queue_tick (self);
}

static void
on_view_motion (GtkEventControllerMotion *motion,
                double                    x,
                double                    y,
                Column                   *column)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (column->view), column_fold_at (column, x, y) ? "pointer" : "text");
}

/* ---- Indentation and wrapping ----
 *
 * The buffer holds each line without its leading spaces, and a tag per indentation sets the
 * line's left margin instead: a wrapped line then never starts with an empty row (Pango does not
 * let the spaces before a word hang over the edge), its continuation is 4 columns deeper than
 * its start (Pango's negative indent), and a deep line in a narrow column is moved in by at most
 * half the width so that it keeps room for its words. */

static void
column_set_indents (Column *column,
                    double  char_width)
{
  if (char_width <= 0 || (char_width == column->hang_width && column->text_chars == column->hang_chars))
    return;
  column->hang_width = char_width;
  column->hang_chars = column->text_chars;
  for (guint spaces = 0; spaces < column->hangs->len; spaces++)
    {
      GtkTextTag *tag = g_ptr_array_index (column->hangs, spaces);
      guint chars = column->text_chars > 0 ? MIN (spaces, (guint) column->text_chars / 2) : spaces;

      if (tag != NULL)
        g_object_set (tag,
                      "left-margin", TEXT_MARGIN + (int) (chars * char_width + 0.5),
                      "indent", -(int) (HANG_CHARS * char_width + 0.5),
                      NULL);
    }
}

/* Sets the buffer's text: @code without the leading spaces of its lines, which their tags give. */
static void
column_set_code (Column     *column,
                 const char *code)
{
  g_auto(GStrv) lines = g_strsplit (code, "\n", -1);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkTextIter start, end;

  g_clear_pointer (&column->indents, g_array_unref);
  column->indents = g_array_new (FALSE, TRUE, sizeof (guint));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint spaces = (guint) strspn (lines[i], " ");

      g_array_append_val (column->indents, spaces);
      g_string_append (text, lines[i] + spaces);
      if (lines[i + 1] != NULL)
        g_string_append_c (text, '\n');
    }
  gtk_text_buffer_set_text (column->buffer, text->str, -1);
  for (guint i = 0; i < column->indents->len; i++)
    {
      guint spaces = g_array_index (column->indents, guint, i);
      GtkTextTag *tag;

      while (column->hangs->len <= spaces)
        g_ptr_array_add (column->hangs, NULL);
      if ((tag = g_ptr_array_index (column->hangs, spaces)) == NULL)
        {
          /* A word of code cut at the edge gets no hyphen: "tar-get" would read as code. */
          tag = gtk_text_buffer_create_tag (column->buffer, NULL, "insert-hyphens", FALSE, NULL);
          g_ptr_array_index (column->hangs, spaces) = tag;
        }
      gtk_text_buffer_get_iter_at_line (column->buffer, &start, (int) i);
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_apply_tag (column->buffer, tag, &start, &end);
    }
}

static guint
column_indent (Column *column,
               guint   line)
{
  return line < column->indents->len ? g_array_index (column->indents, guint, line) : 0;
}

/* The widest line shown, in characters: what the column needs to show every line unwrapped. */
static void
column_update_need (Column *column)
{
  guint need = 0;

  for (int line = 0; line < gtk_text_buffer_get_line_count (column->buffer); line++)
    {
      GtkTextIter iter;
      guint chars;

      if (column->folded && line + 1 > (int) column->fold_first && line + 1 <= (int) column->fold_last)
        continue;
      gtk_text_buffer_get_iter_at_line (column->buffer, &iter, line);
      chars = (guint) gtk_text_iter_get_chars_in_line (&iter) + column_indent (column, (guint) line);
      need = MAX (need, chars);
    }
  column->need_chars = MIN (need, NEED_MAX_CHARS);
}

/* ---- The columns ---- */

static void
update_current_scale (SockscopeCodePane *self,
                      Column            *column)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (column->buffer), "current");

  g_object_set (tag, "scale", self->presenter ? PRESENTER_SCALE : 1.0, NULL);
}

/* GTK 4.8 scrolls a text view to a mark with an animation of its adjustment. If its scrolled
 * window is unmapped meanwhile (the window closed, presenter mode, another page), GTK jumps the
 * adjustment to the animation's end, the text view's value-changed handler lays out the lines
 * there and sets the value again, which ends the animation under GTK, and GTK then disconnects
 * frame-clock handler 0 ("g_signal_handler_disconnect: assertion 'handler_id > 0' failed").
 * The view is unmapped just before its scrolled window: setting the value it has ends any
 * animation there, so GTK finds none. */
static void
on_view_unmap (GtkWidget *view)
{
  GtkAdjustment *adjustments[] = { gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)),
                                   gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view)) };

  for (guint i = 0; i < G_N_ELEMENTS (adjustments); i++)
    if (adjustments[i] != NULL)
      gtk_adjustment_set_value (adjustments[i], gtk_adjustment_get_value (adjustments[i]));
}

/* A column: its header (the actor's name in its colour, @caption under it), its view of @code
 * highlighted as @lang_id, the #include (import) lines folded when @fold says so. */
static Column *
column_build (SockscopeCodePane *self,
              const char        *name,
              const char        *label,
              int                style_index,
              const char        *caption,
              const char        *code,
              const char        *lang_id,
              gboolean           fold,
              gboolean           python)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  Column *column = g_new0 (Column, 1);
  g_autofree char *accessible = NULL;
  GtkWidget *header, *title, *titles, *scrolled;
  GtkGesture *click;
  GtkEventController *motion;

  column->actor = g_strdup (name);
  column->label = g_strdup (label);
  column->outcomes = g_hash_table_new (NULL, NULL);
  column->hangs = g_ptr_array_new ();
  if (column->spans == NULL)
    column->spans = g_array_new (FALSE, TRUE, sizeof (SockscopeCodeSpan));

  column->buffer = lang_id != NULL
    ? GTK_TEXT_BUFFER (gtk_source_buffer_new_with_language (gtk_source_language_manager_get_language (languages, lang_id)))
    : GTK_TEXT_BUFFER (gtk_source_buffer_new (NULL));
  column_set_code (column, code);
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
  gtk_text_buffer_create_tag (column->buffer, "fold-summary",
                              "foreground", "#1c71d8",
                              "underline", PANGO_UNDERLINE_SINGLE,
                              NULL);
  gtk_text_buffer_create_tag (column->buffer, "fold-open", NULL);
  gtk_text_buffer_create_tag (column->buffer, "folded", "invisible", TRUE, NULL);
  if (fold)
    {
      column_find_fold (column, code, python);
      column_set_folded (column, TRUE);
    }
  update_current_scale (self, column);
  column_update_need (column);

  column->view = GTK_SOURCE_VIEW (gtk_source_view_new_with_buffer (GTK_SOURCE_BUFFER (column->buffer)));
  gtk_text_view_set_editable (GTK_TEXT_VIEW (column->view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (column->view), TRUE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (column->view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (column->view), GTK_WRAP_WORD_CHAR);
  g_signal_connect (column->view, "unmap", G_CALLBACK (on_view_unmap), NULL);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (column->view), TEXT_MARGIN);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (column->view), TEXT_MARGIN);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (column->view), TEXT_MARGIN);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (column->view), TEXT_MARGIN);
  column_add_line_numbers (column);
  column_size_line_numbers (column);
  gtk_widget_add_css_class (GTK_WIDGET (column->view), "code-view");
  /* Indented from the start, with the font known now; the first layout sets them again. */
  column_set_indents (column, view_char_width (GTK_WIDGET (column->view)));

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_view_released), column);
  gtk_widget_add_controller (GTK_WIDGET (column->view), GTK_EVENT_CONTROLLER (click));
  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_view_motion), column);
  gtk_widget_add_controller (GTK_WIDGET (column->view), motion);

  header = column->header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (header, "code-header");
  titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_hexpand (titles, TRUE);
  title = gtk_label_new (column->label);
  gtk_widget_add_css_class (title, "heading");
  /* The actor's palette colour, as in the step list and the diagram (sockscope-actor-style). */
  sockscope_actor_style_add_classes (header, title, style_index);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  /* An actor's name is never cut: it wraps in a narrow column. */
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (titles), title);
  /* Under the name: whose thread or child it is, or the file shown (a traced program). */
  column->caption = GTK_LABEL (gtk_label_new (caption));
  gtk_label_set_xalign (column->caption, 0);
  gtk_label_set_wrap (column->caption, TRUE);
  gtk_label_set_wrap_mode (column->caption, PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (column->caption), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (column->caption), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (column->caption), caption != NULL);
  gtk_box_append (GTK_BOX (titles), GTK_WIDGET (column->caption));
  if (caption != NULL)
    accessible = g_strdup_printf ("%s, %s", column->label, caption);
  /* A still icon, not a GtkSpinner: a spinning one redraws the window at every frame for as
   * long as a call stays blocked (a server in accept), which on a software renderer takes the
   * whole main loop and starves the lab's terminal (VTE reads its pty at idle priority). */
  column->blocked_icon = gtk_image_new_from_icon_name ("content-loading-symbolic");
  gtk_widget_set_visible (column->blocked_icon, FALSE);
  gtk_widget_set_valign (column->blocked_icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (column->blocked_icon, "dim-label");
  column->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (column->status, 1);
  gtk_label_set_ellipsize (column->status, PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (column->status, 18);
  gtk_widget_set_valign (GTK_WIDGET (column->status), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (column->status), "dim-label");
  gtk_box_append (GTK_BOX (header), titles);
  gtk_box_append (GTK_BOX (header), column->blocked_icon);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (column->status));

  scrolled = column->scrolled = gtk_scrolled_window_new ();
  /* No scrollbar widget: the column follows its current line on its own (and scrolls with the
   * wheel or a touchpad); GTK 4.8's scrollbar, shown or hidden while a column is laid out again
   * for a new width, was drawn once without its allocation ("Trying to snapshot GtkGizmo"). */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_EXTERNAL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (column->view));
  gtk_widget_set_vexpand (scrolled, TRUE);

  /* A traced program with no line to show says why, in place of the code. */
  column->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (column->message, TRUE);
  gtk_label_set_wrap_mode (column->message, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (column->message, 0);
  gtk_label_set_yalign (column->message, 0);
  gtk_label_set_selectable (column->message, TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (column->message), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (column->message), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (column->message), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (column->message), 12);
  gtk_widget_add_css_class (GTK_WIDGET (column->message), "code-message");
  gtk_widget_set_visible (GTK_WIDGET (column->message), FALSE);

  column->column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (column->column, "code-column");
  gtk_box_append (GTK_BOX (column->column), header);
  gtk_box_append (GTK_BOX (column->column), scrolled);
  gtk_box_append (GTK_BOX (column->column), GTK_WIDGET (column->message));

  gtk_accessible_update_property (GTK_ACCESSIBLE (column->view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible ? accessible : column->label, -1);
  return column;
}

static Column *
column_new (SockscopeCodePane    *self,
            const SockscopeActor *actor)
{
  gboolean python = g_strcmp0 (self->code_lang, "python") == 0;
  GArray *spans = NULL;
  g_autofree char *code = sockscope_lesson_render (self->lesson, actor->name, self->code_lang, &spans);
  g_autofree char *caption = NULL;
  Column *column;

  if (actor->parent != NULL)
    {
      int index = sockscope_lesson_find_actor (self->lesson, actor->parent);
      const char *parent = index >= 0 ? sockscope_actor_get_label (sockscope_lesson_get_actor (self->lesson, (guint) index), self->lang)
                                      : actor->parent;

      caption = actor->thread
        /* TRANSLATORS: under the name of a code column; %s: the actor that starts the thread */
        ? g_strdup_printf (_("a thread of %s"), parent)
        /* TRANSLATORS: under the name of a code column; %s: the actor that forks the child */
        : g_strdup_printf (_("a child process of %s"), parent);
    }
  column = column_build (self, actor->name, sockscope_actor_get_label (actor, self->lang),
                         sockscope_lesson_find_actor (self->lesson, actor->name), caption, code,
                         python ? "python3" : "c", TRUE, python);
  g_array_unref (column->spans);
  column->spans = spans;
  return column;
}

static void
remove_columns (SockscopeCodePane *self)
{
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      gtk_widget_unparent (column->column);
    }
  g_clear_pointer (&self->columns, g_ptr_array_unref);
}

/* The placeholder, while there is one and no column. */
static void
update_placeholder (SockscopeCodePane *self)
{
  gboolean empty = self->columns == NULL || self->columns->len == 0;

  gtk_widget_set_visible (self->placeholder,
                          empty && *gtk_label_get_text (GTK_LABEL (self->placeholder)) != '\0');
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
rebuild (SockscopeCodePane *self)
{
  g_autofree int *parents = NULL;
  g_autofree guint *order = NULL;
  guint n;

  remove_columns (self);
  g_clear_pointer (&self->wanted_key, g_free);
  self->traced = FALSE;
  g_clear_pointer (&self->trace_actor, g_free);
  g_hash_table_remove_all (self->trace_calls);
  g_hash_table_remove_all (self->pending);
  g_hash_table_remove_all (self->pending_lined);
  g_hash_table_remove_all (self->lifelines);
  g_clear_object (&self->trace_log);
  if (self->lesson == NULL)
    {
      update_placeholder (self);
      queue_tick (self);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }

  /* One column per actor, a child or a thread next to the actor that creates it. */
  n = sockscope_lesson_get_n_actors (self->lesson);
  parents = g_new0 (int, n + 1);
  order = g_new0 (guint, n + 1);
  sockscope_projection_lesson_order (self->lesson, parents, order);
  self->columns = g_ptr_array_new_with_free_func (column_free);
  for (guint i = 0; i < n; i++)
    {
      const SockscopeActor *actor = sockscope_lesson_get_actor (self->lesson, order[i]);
      Column *column = column_new (self, actor);

      /* A border, not a separator widget, divides the columns. */
      if (self->columns->len > 0)
        gtk_widget_add_css_class (column->column, "code-column-next");
      gtk_widget_set_parent (column->column, GTK_WIDGET (self));
      g_ptr_array_add (self->columns, column);
    }
  update_placeholder (self);
  update_style_scheme (self);
  queue_tick (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* ---- Who gets the room ---- */

static const char *
step_actor (SockscopeCodePane *self,
            guint              step)
{
  if (self->lesson == NULL || step == 0 || step > sockscope_lesson_get_n_steps (self->lesson))
    return NULL;
  return sockscope_lesson_get_step (self->lesson, step)->actor;
}

/* 0: the actor of the step that ran last; 1: the one the learner brought back; 2: the actor of
 * the next step, or one blocked in a call; 3: the others. */
static int
column_rank (SockscopeCodePane *self,
             Column            *column)
{
  if (g_strcmp0 (column->actor, step_actor (self, self->last_step)) == 0 ||
      (self->traced && g_strcmp0 (column->actor, self->trace_actor) == 0))
    return 0;
  if (g_strcmp0 (column->actor, self->pinned) == 0)
    return 1;
  if (g_strcmp0 (column->actor, step_actor (self, self->last_step + 1)) == 0 ||
      (column->ran && column->call_status == SOCKSCOPE_CALL_BLOCKED))
    return 2;
  return 3;
}

/* The monospace font's character width, in pixels, as @view draws now. */
static double
view_char_width (GtkWidget *view)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (view), NULL, NULL);
  double width = (double) pango_font_metrics_get_approximate_digit_width (metrics) / PANGO_SCALE;

  pango_font_metrics_unref (metrics);
  return width > 0 ? width : 8;
}

static double
code_char_width (SockscopeCodePane *self)
{
  Column *column;

  if (self->columns == NULL || self->columns->len == 0)
    return 8;
  column = g_ptr_array_index (self->columns, 0);
  return view_char_width (GTK_WIDGET (column->view));
}

/* What a column needs around its text: the line numbers, the margins, its border. Worked out
 * from the font, never measured from the widgets, whose sizes change once they are shown: the
 * columns shown must not depend on which columns are shown. */
static int
column_chrome (SockscopeCodePane *self,
               Column            *column)
{
  int digits = 1;

  for (int n = gtk_text_buffer_get_line_count (column->buffer); n >= 10; n /= 10)
    digits++;
  return (int) (digits * self->char_width + 0.5) + LINE_NUMBER_PADDING + 2 * TEXT_MARGIN + 2;
}

static int
column_min_width (SockscopeCodePane *self,
                  Column            *column)
{
  int min = 0;

  gtk_widget_measure (column->header, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  return MAX (min, column_chrome (self, column) + (int) (MIN_CHARS * self->char_width + 0.5));
}

static int
compare_rank (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  SockscopeCodePane *self = user_data;
  Column *ca = *(Column **) a, *cb = *(Column **) b;
  int ra = column_rank (self, ca), rb = column_rank (self, cb);
  guint ia = 0, ib = 0;

  if (ra != rb)
    return ra - rb;
  g_ptr_array_find (self->columns, ca, &ia);
  g_ptr_array_find (self->columns, cb, &ib);
  return (int) ia - (int) ib;
}

/* Sets each column's width for @width pixels: shown or folded, then the room by need. */
static void
allocate_columns (SockscopeCodePane *self,
                  int                width)
{
  g_autoptr(GPtrArray) ranked = g_ptr_array_copy (self->columns, NULL, NULL);
  g_autoptr(GString) folded = g_string_new (NULL);
  int used = 0, extra;
  guint n_shown = 0;

  /* The copy has the columns' free function: it only borrows them. */
  g_ptr_array_set_free_func (ranked, NULL);
  g_ptr_array_sort_with_data (ranked, compare_rank, self);
  for (guint i = 0; i < ranked->len; i++)
    {
      Column *column = g_ptr_array_index (ranked, i);
      int min = column_min_width (self, column);

      column->shown = n_shown == 0 || used + min <= width;
      column->width = column->shown ? min : 0;
      if (column->shown)
        {
          used += min;
          n_shown++;
        }
    }
  extra = width - used;
  /* The highest ranked first, up to their widest line; what is left is shared equally. */
  for (guint i = 0; i < ranked->len && extra > 0; i++)
    {
      Column *column = g_ptr_array_index (ranked, i);
      int need = column_chrome (self, column) + (int) (column->need_chars * self->char_width + 0.5);
      int more;

      if (!column->shown || column_rank (self, column) == 3 || need <= column->width)
        continue;
      more = MIN (extra, need - column->width);
      column->width += more;
      extra -= more;
    }
  for (guint i = 0, given = 0; i < self->columns->len && n_shown > 0; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      if (!column->shown)
        {
          g_string_append_printf (folded, "%s\n", column->actor);
          continue;
        }
      column->width += extra / (int) n_shown + (++given == n_shown ? extra % (int) n_shown : 0);
    }
  if (n_shown == 1 && extra < 0)
    for (guint i = 0; i < self->columns->len; i++)
      {
        Column *column = g_ptr_array_index (self->columns, i);

        if (column->shown)
          column->width = MAX (width, 1);
      }
  if (g_strcmp0 (folded->str, self->folded_key ? self->folded_key : "") != 0 &&
      g_strcmp0 (folded->str, self->wanted_key) != 0)
    {
      g_free (self->wanted_key);
      self->wanted_key = g_strdup (folded->str);
      queue_tick (self);
    }
}

/* ---- The bar: the folded columns' buttons ---- */

static void
on_folded_clicked (GtkButton         *button,
                   SockscopeCodePane *self)
{
  Column *column = find_column (self, g_object_get_data (G_OBJECT (button), "actor"));

  if (column == NULL)
    return;
  g_free (self->pinned);
  self->pinned = g_strdup (column->actor);
  column->scroll_pending = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static GtkWidget *
folded_button_new (SockscopeCodePane *self,
                   Column            *column)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (column->label);
  const char *status = gtk_label_get_text (column->status);
  g_autofree char *tooltip = NULL;

  /* Small, so that several share a row above the code. */
  gtk_widget_add_css_class (name, "caption-heading");
  gtk_box_append (GTK_BOX (box), name);
  if (status != NULL && status[0] != '\0')
    {
      GtkWidget *outcome = gtk_label_new (status);

      gtk_widget_add_css_class (outcome, "caption");
      gtk_widget_add_css_class (outcome, "dim-label");
      gtk_box_append (GTK_BOX (box), outcome);
    }
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "code-folded-column");
  /* TRANSLATORS: tooltip of the button of a code column folded for lack of room; %s: an actor */
  tooltip = g_strdup_printf (_("Show the code of %s"), column->label);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_object_set_data_full (G_OBJECT (button), "actor", g_strdup (column->actor), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_folded_clicked), self, 0);
  return button;
}

static void
update_bar (SockscopeCodePane *self)
{
  g_auto(GStrv) folded = g_strsplit (self->folded_key ? self->folded_key : "", "\n", -1);
  GtkWidget *child;
  gboolean any = FALSE;

  while ((child = gtk_widget_get_first_child (self->folded_box)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->folded_box), child);
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      if (g_strv_contains ((const char * const *) folded, column->actor))
        {
          gtk_flow_box_append (GTK_FLOW_BOX (self->folded_box), folded_button_new (self, column));
          any = TRUE;
        }
    }
  gtk_widget_set_visible (self->folded_box, any);
  gtk_widget_set_visible (self->bar, any || gtk_widget_get_visible (self->switcher));
}

/* The one way a column scrolls to a line: its current line after a step or a resize (then
 * column_fit_current places the whole span), a step selected in another pane. */
static void
column_scroll_to_mark (Column      *column,
                       GtkTextMark *mark)
{
  gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (column->view), mark, 0.1, FALSE, 0, 0);
}

/* Scrolls the least that shows the current span whole, from the start of its first line to the
 * outcome after its last, with a margin of context; a span taller than the view shows from its
 * start. */
static gboolean
column_fit_current (Column *column)
{
  GtkTextView *view = GTK_TEXT_VIEW (column->view);
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GdkRectangle visible, start, end;
  GtkTextIter iter;
  int top, bottom, margin, delta = 0;

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_buffer_get_iter_at_mark (column->buffer, &iter, column->current);
  gtk_text_view_get_iter_location (view, &iter, &start);
  gtk_text_buffer_get_iter_at_mark (column->buffer, &iter, column->current_end);
  gtk_text_view_get_iter_location (view, &iter, &end);
  top = start.y;
  bottom = end.y + end.height;
  margin = MIN (visible.height / 8, MAX (visible.height - (bottom - top), 0) / 2);
  if (bottom - top > visible.height || top < visible.y + margin)
    delta = top - margin - visible.y;
  else if (bottom > visible.y + visible.height - margin)
    delta = bottom + margin - (visible.y + visible.height);
  if (delta == 0 || adj == NULL)
    return FALSE;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + delta);
  return TRUE;
}

/* After a layout: the bar follows the columns folded, the hangs the font, and the columns whose
 * size or step changed scroll their current line into view. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  SockscopeCodePane *self = SOCKSCOPE_CODE_PANE (widget);

  self->tick = 0;
  flush_traced (self);
  if (self->wanted_key != NULL && g_strcmp0 (self->wanted_key, self->folded_key) != 0)
    {
      g_free (self->folded_key);
      self->folded_key = g_steal_pointer (&self->wanted_key);
      update_bar (self);
    }
  else if (self->columns == NULL)
    update_bar (self);
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      if (self->char_width > 0 && (column->hang_width != self->char_width || column->hang_chars != column->text_chars))
        {
          column_set_indents (column, self->char_width);
          column_size_line_numbers (column);
          column->scroll_pending = TRUE;
        }
      if (column->scroll_pending && column->shown && column->current != NULL)
        {
          /* First the text view brings the outcome on screen, laying out the lines there;
           * at the next frame the whole span is placed (column_fit_current). */
          column->scroll_pending = FALSE;
          column->fit_pending = TRUE;
          column->fit_rounds = 0;
          column_scroll_to_mark (column, column->current_end);
          queue_tick (self);
        }
      else if (column->fit_pending && column->shown && column->current != NULL)
        {
          /* Lines far from those drawn have estimated heights until laid out: once moved,
           * the span is placed again at the next frame, with the heights known. */
          column->fit_pending = column_fit_current (column) && ++column->fit_rounds < 3;
          if (column->fit_pending)
            queue_tick (self);
        }
    }
  return G_SOURCE_REMOVE;
}

static void
queue_tick (SockscopeCodePane *self)
{
  if (self->tick == 0)
    self->tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

/* ---- Layout of the pane ---- */

static void
sockscope_code_pane_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  SockscopeCodePane *self = SOCKSCOPE_CODE_PANE (widget);
  int bar_min = 0, bar_nat = 0, min = 0, nat = 0;

  if (gtk_widget_get_visible (self->bar))
    gtk_widget_measure (self->bar, orientation, for_size, &bar_min, &bar_nat, NULL, NULL);
  if (gtk_widget_get_visible (self->placeholder))
    gtk_widget_measure (self->placeholder, orientation, -1, NULL, NULL, NULL, NULL);
  self->char_width = code_char_width (self);
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      int column_min = 0, column_nat = 0;

      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          column_min = column_min_width (self, column);
          min = i == 0 ? column_min : MIN (min, column_min);
          nat += column_min;
        }
      else
        {
          gtk_widget_measure (column->column, orientation, -1, &column_min, &column_nat, NULL, NULL);
          min = MAX (min, column_min);
          nat = MAX (nat, column_nat);
        }
    }
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (min, bar_min);
      *natural = MAX (nat, bar_nat);
    }
  else
    {
      *minimum = bar_min + min;
      *natural = bar_nat + nat;
    }
}

static void
sockscope_code_pane_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  SockscopeCodePane *self = SOCKSCOPE_CODE_PANE (widget);
  int bar_height = 0, x = 0;

  self->char_width = code_char_width (self);
  if (gtk_widget_get_visible (self->bar))
    {
      gtk_widget_measure (self->bar, GTK_ORIENTATION_VERTICAL, width, &bar_height, NULL, NULL, NULL);
      gtk_widget_allocate (self->bar, width, bar_height, -1, NULL);
    }
  if (gtk_widget_get_visible (self->placeholder))
    gtk_widget_allocate (self->placeholder, width, MAX (height - bar_height, 0), -1,
                         gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, bar_height)));
  if (self->columns == NULL)
    return;
  allocate_columns (self, width);
  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);
      int h = MAX (height - bar_height, 0);
      gboolean was_shown = gtk_widget_get_child_visible (column->column);

      gtk_widget_set_child_visible (column->column, column->shown);
      if (column->shown)
        column->text_chars = (int) ((column->width - column_chrome (self, column)) / self->char_width);
      if (column->hang_width != self->char_width || column->hang_chars != column->text_chars)
        queue_tick (self);
      if (!column->shown)
        continue;
      if (!was_shown || column->width != gtk_widget_get_width (column->column) ||
          h != gtk_widget_get_height (column->column))
        {
          column->scroll_pending = TRUE;
          queue_tick (self);
        }
      gtk_widget_measure (column->column, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
      gtk_widget_allocate (column->column, column->width, h, -1,
                           gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (x, bar_height)));
      x += column->width;
    }
}

/* ---- The language switch ---- */

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
  gtk_widget_set_visible (self->bar, both || gtk_widget_get_visible (self->folded_box));
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
      g_clear_pointer (&self->pinned, g_free);
    }
  g_set_object (&self->lesson, lesson);
  g_free (self->lang);
  self->lang = g_strdup (lang);
  g_hash_table_remove_all (self->steps);
  self->last_step = 0;
  update_switcher (self);
  rebuild (self);
}

/* Shown while the pane has no column (Your programs before any program ran); NULL: nothing. */
void
sockscope_code_pane_set_placeholder (SockscopeCodePane *self,
                                     const char        *text)
{
  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  gtk_label_set_text (GTK_LABEL (self->placeholder), text != NULL ? text : "");
  update_placeholder (self);
}

const char *
sockscope_code_pane_get_placeholder (SockscopeCodePane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_CODE_PANE (self), NULL);

  return gtk_widget_get_visible (self->placeholder) ? gtk_label_get_text (GTK_LABEL (self->placeholder)) : NULL;
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
  guint last_step = self->last_step;

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

      if (state != NULL && step != last_step)
        apply_call (self, step, state->status, state->outcome);
    }
  if (last_step != 0)
    {
      StepState *state = g_hash_table_lookup (self->steps, GUINT_TO_POINTER (last_step));

      if (state != NULL)
        apply_call (self, last_step, state->status, state->outcome);
    }
  self->last_step = last_step;
}

static void
on_lang_toggled (SockscopeCodePane *self,
                 GtkToggleButton   *button)
{
  if (self->switching || !gtk_toggle_button_get_active (button))
    return;
  sockscope_code_pane_set_code_lang (self, GTK_WIDGET (button) == self->python_button ? "python" : "c");
}

/* ---- Steps ---- */

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
write_outcome (Column                  *column,
               const SockscopeCodeSpan *span,
               SockscopeCallStatus      status,
               const char              *outcome)
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
  /* The arrow and the value's first word stay together when the line wraps. */
  {
    g_autofree char *glued = g_strdup (outcome);
    char *space = strchr (glued, ' ');

    if (space != NULL)
      {
        *space = '\0';
        text = g_strdup_printf ("   ⟵\u00a0%s\u00a0%s", glued, space + 1);
      }
    else
      text = g_strdup_printf ("   ⟵\u00a0%s", glued);
  }
  gtk_text_buffer_get_iter_at_mark (column->buffer, &start, mark);
  gtk_text_buffer_insert_with_tags_by_name (column->buffer, &start, text, -1, tag, NULL);
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

  self->last_step = step;
  if ((column = find_column_for_step (self, step, &span)) == NULL)
    return;

  write_outcome (column, span, status, outcome);

  gtk_text_buffer_get_bounds (column->buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (column->buffer, "current", &start, &end);
  line_bounds (column->buffer, span->first_line, span->last_line, &start, &end);
  gtk_text_buffer_apply_tag_by_name (column->buffer, "current", &start, &end);
  if (column->current == NULL)
    {
      column->current = gtk_text_buffer_create_mark (column->buffer, NULL, &start, TRUE);
      column->current_end = gtk_text_buffer_create_mark (column->buffer, NULL, &end, FALSE);
    }
  gtk_text_buffer_move_mark (column->buffer, column->current, &start);
  gtk_text_buffer_move_mark (column->buffer, column->current_end, &end);

  column->current_first = span->first_line;
  column->current_line = span->last_line;
  column->ran = TRUE;
  column->call_status = status;
  g_free (column->current_outcome);
  column->current_outcome = g_strdup (outcome);
  column_update_need (column);
  column->scroll_pending = TRUE;
  queue_tick (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));

  /* The header repeats the outcome. */
  gtk_widget_set_visible (column->blocked_icon, status == SOCKSCOPE_CALL_BLOCKED);
  gtk_label_set_text (column->status, outcome);
  gtk_widget_remove_css_class (GTK_WIDGET (column->status), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (column->status), "warning");
  if (status == SOCKSCOPE_CALL_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (column->status), "error");
  else if (status == SOCKSCOPE_CALL_BLOCKED)
    gtk_widget_add_css_class (GTK_WIDGET (column->status), "warning");
  /* A folded column's button shows the outcome too: made again at the next frame. */
  if (!column->shown && self->folded_key != NULL)
    {
      g_clear_pointer (&self->folded_key, g_free);
      g_clear_pointer (&self->wanted_key, g_free);
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
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
  column_scroll_to_mark (column, gtk_text_buffer_get_insert (column->buffer));
  /* The column of the step selected is brought back if it was folded. */
  if (!column->shown)
    {
      g_free (self->pinned);
      self->pinned = g_strdup (column->actor);
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
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

guint
sockscope_code_pane_get_current_span (SockscopeCodePane *self,
                                      const char        *actor,
                                      guint             *last)
{
  Column *column = find_column (self, actor);

  if (last != NULL)
    *last = column ? column->current_line : 0;
  return column ? column->current_first : 0;
}

char *
sockscope_code_pane_get_line_text (SockscopeCodePane *self,
                                   const char        *actor,
                                   guint              line)
{
  Column *column = find_column (self, actor);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (column == NULL || line == 0 || (int) line > gtk_text_buffer_get_line_count (column->buffer))
    return NULL;
  line_bounds (column->buffer, line, line, &start, &end);
  text = gtk_text_buffer_get_text (column->buffer, &start, &end, FALSE);
  /* The line as the program has it: its indentation is a margin in the view. */
  return g_strdup_printf ("%*s%s", (int) column_indent (column, line - 1), "", text);
}

GtkTextView *
sockscope_code_pane_get_view (SockscopeCodePane *self,
                              const char        *actor)
{
  Column *column = find_column (self, actor);

  return column ? GTK_TEXT_VIEW (column->view) : NULL;
}

GtkWidget *
sockscope_code_pane_get_folded_button (SockscopeCodePane *self,
                                       const char        *actor)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->folded_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (g_strcmp0 (g_object_get_data (G_OBJECT (button), "actor"), actor) == 0)
        return button;
    }
  return NULL;
}

/* ---- Traced programs: each one's own source ---- */

/* The file's text, read once; NULL and *@why when it cannot be read here. */
static GBytes *
trace_file (SockscopeCodePane  *self,
            const char         *path,
            const char        **why)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (g_hash_table_contains (self->files, path))
    {
      *why = g_hash_table_lookup (self->file_errors, path);
      return g_hash_table_lookup (self->files, path);
    }
  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      g_hash_table_insert (self->files, g_strdup (path), NULL);
      g_hash_table_insert (self->file_errors, g_strdup (path), g_strdup (error->message));
      *why = g_hash_table_lookup (self->file_errors, path);
      return NULL;
    }
  if (!g_utf8_validate (contents, (gssize) len, NULL))
    {
      char *valid = g_utf8_make_valid (contents, (gssize) len);

      g_free (contents);
      contents = valid;
      len = strlen (valid);
    }
  g_hash_table_insert (self->files, g_strdup (path), g_bytes_new_take (contents, len));
  *why = NULL;
  return g_hash_table_lookup (self->files, path);
}

static void
column_show_message (Column     *column,
                     const char *message)
{
  gtk_label_set_text (column->message, message);
  gtk_widget_set_visible (GTK_WIDGET (column->message), message != NULL);
  gtk_widget_set_visible (column->scrolled, message == NULL);
}

/* Removes the highlight and the outcome written after the current line. */
static void
column_clear_current (Column *column)
{
  GtkTextIter start, end;

  if (column->current_line > 0 && (int) column->current_line <= gtk_text_buffer_get_line_count (column->buffer))
    {
      line_bounds (column->buffer, column->current_first, column->current_line, &start, &end);
      gtk_text_buffer_remove_tag_by_name (column->buffer, "current", &start, &end);
    }
  if (column->outcome_mark != NULL && column->current_line > 0)
    {
      gtk_text_buffer_get_iter_at_mark (column->buffer, &start, column->outcome_mark);
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_delete (column->buffer, &start, &end);
    }
  column->current_line = column->current_first = 0;
}

/* Shows @path in @column (read once); FALSE with the reason shown when it cannot be read. */
static gboolean
column_load_file (SockscopeCodePane *self,
                  Column            *column,
                  const char        *path)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *text = NULL;
  const char *why = NULL;
  GBytes *bytes;

  if (g_strcmp0 (column->file, path) == 0)
    return TRUE;
  if ((bytes = trace_file (self, path, &why)) == NULL)
    {
      /* TRANSLATORS: a traced program's source file cannot be opened; %s: its path, %s: why */
      g_autofree char *message = g_strdup_printf (_("Its source file %s cannot be read here: %s."), path, why);

      column_show_message (column, message);
      return FALSE;
    }
  column_clear_current (column);
  if (column->outcome_mark != NULL)
    gtk_text_buffer_delete_mark (column->buffer, column->outcome_mark);
  column->outcome_mark = NULL;
  if (column->current != NULL)
    {
      gtk_text_buffer_delete_mark (column->buffer, column->current);
      gtk_text_buffer_delete_mark (column->buffer, column->current_end);
      column->current = column->current_end = NULL;
    }
  g_hash_table_remove_all (column->outcomes);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  /* the last line break ends the last line: no empty line after it */
  if (text[0] != '\0' && text[strlen (text) - 1] == '\n')
    text[strlen (text) - 1] = '\0';
  column_set_code (column, text);
  gtk_source_buffer_set_language (GTK_SOURCE_BUFFER (column->buffer),
                                  gtk_source_language_manager_guess_language (languages, path, NULL));
  column_size_line_numbers (column);
  g_free (column->file);
  column->file = g_strdup (path);
  gtk_label_set_text (column->caption, base);
  gtk_widget_set_visible (GTK_WIDGET (column->caption), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (column->caption), path);
  gtk_accessible_update_property (GTK_ACCESSIBLE (column->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  column->label, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, path, -1);
  column->hang_width = 0;       /* the new lines get their indentation at the next frame */
  return TRUE;
}

/* Highlights @line, the outcome written after it. */
static void
column_show_line (Column              *column,
                  guint                line,
                  SockscopeCallStatus  status,
                  const char          *outcome)
{
  GtkTextIter start, end;
  const char *tag = status == SOCKSCOPE_CALL_FAILED ? "outcome-error"
                  : status == SOCKSCOPE_CALL_BLOCKED ? "outcome-blocked" : "outcome";

  column_clear_current (column);
  line_bounds (column->buffer, line, line, &start, &end);
  if (column->outcome_mark == NULL)
    column->outcome_mark = gtk_text_buffer_create_mark (column->buffer, NULL, &end, TRUE);
  else
    gtk_text_buffer_move_mark (column->buffer, column->outcome_mark, &end);
  if (outcome != NULL && outcome[0] != '\0')
    {
      g_autofree char *text = g_strdup_printf ("   ⟵\u00a0%s", outcome);

      gtk_text_buffer_insert_with_tags_by_name (column->buffer, &end, text, -1, tag, NULL);
    }
  line_bounds (column->buffer, line, line, &start, &end);
  gtk_text_buffer_apply_tag_by_name (column->buffer, "current", &start, &end);
  if (column->current == NULL)
    {
      column->current = gtk_text_buffer_create_mark (column->buffer, NULL, &start, TRUE);
      column->current_end = gtk_text_buffer_create_mark (column->buffer, NULL, &end, FALSE);
    }
  gtk_text_buffer_move_mark (column->buffer, column->current, &start);
  gtk_text_buffer_move_mark (column->buffer, column->current_end, &end);
  column->current_first = column->current_line = line;
}

static Column *
trace_column (SockscopeCodePane *self,
              const char        *actor,
              int                lifeline)
{
  Column *column = find_column (self, actor);

  if (column != NULL)
    return column;
  if (self->columns == NULL)
    self->columns = g_ptr_array_new_with_free_func (column_free);
  column = column_build (self, actor, actor, lifeline >= 0 ? lifeline : (int) self->columns->len,
                         NULL, "", NULL, FALSE, FALSE);
  column->lifeline = lifeline >= 0 ? lifeline : G_MAXINT;
  {
    guint at = 0;

    while (at < self->columns->len && ((Column *) g_ptr_array_index (self->columns, at))->lifeline <= column->lifeline)
      at++;
    gtk_widget_set_parent (column->column, GTK_WIDGET (self));
    g_ptr_array_insert (self->columns, (int) at, column);
  }
  /* A border, not a separator widget, divides the columns. */
  for (guint i = 0; i < self->columns->len; i++)
    {
      GtkWidget *widget = ((Column *) g_ptr_array_index (self->columns, i))->column;

      if (i > 0)
        gtk_widget_add_css_class (widget, "code-column-next");
      else
        gtk_widget_remove_css_class (widget, "code-column-next");
    }
  update_placeholder (self);
  update_style_scheme (self);
  return column;
}

static void
show_traced (SockscopeCodePane *self,
             SockscopeEventLog *log,
             guint              call_seq,
             int                lifeline)
{
  g_autoptr(JsonObject) call = NULL;
  StepState *state = g_hash_table_lookup (self->trace_calls, GUINT_TO_POINTER (call_seq));
  SockscopeCallStatus status = state ? state->status : SOCKSCOPE_CALL_RUNNING;
  const char *outcome = state ? state->outcome : NULL;
  JsonObject *source;
  const char *actor, *file = NULL, *missing = NULL;
  g_autofree char *message = NULL;
  gint64 line = 0;
  Column *column;

  if (log == NULL || call_seq == 0 || call_seq > sockscope_event_log_get_n_events (log) ||
      (call = sockscope_event_log_parse (log, call_seq - 1)) == NULL ||
      (actor = json_object_get_string_member_with_default (call, "actor", NULL)) == NULL)
    return;
  source = json_object_has_member (call, "source") ? json_object_get_object_member (call, "source") : NULL;
  if (source != NULL)
    {
      file = json_object_get_string_member_with_default (source, "file", NULL);
      line = json_object_get_int_member_with_default (source, "line", 0);
      missing = json_object_get_string_member_with_default (source, "missing", NULL);
    }

  self->traced = TRUE;
  g_free (self->trace_actor);
  self->trace_actor = g_strdup (actor);
  column = trace_column (self, actor, lifeline);
  if (file != NULL && line > 0)
    {
      if (column_load_file (self, column, file))
        {
          if (line <= gtk_text_buffer_get_line_count (column->buffer))
            {
              column_show_message (column, NULL);
              column_show_line (column, (guint) line, status, outcome);
            }
          else
            {
              /* TRANSLATORS: %s: a source file, %u: a line number past its end */
              message = g_strdup_printf (_("%s has no line %u: was it changed after the program was built?"),
                                         file, (guint) line);
              column_show_message (column, message);
            }
        }
    }
  else if (g_strcmp0 (missing, "no-debug-info") == 0)
    {
      /* TRANSLATORS: %s: a traced C program (an actor); keep "cc -g" as it is */
      message = g_strdup_printf (_("%s was built without debug information: the line of its source that made this call is unknown.\n\n"
                                   "Compile it with cc -g and trace it again, for example:\n\ncc -g -o server server.c"), actor);
      column_show_message (column, message);
    }
  else if (g_strcmp0 (missing, "no-python-hook") == 0)
    column_show_message (column, _("Python ran without Sockscope's startup hook (python3 -S, -I or -E?): "
                                   "the line of the script that made this call is unknown."));
  else if (column->file != NULL || gtk_widget_get_visible (GTK_WIDGET (column->message)))
    {
      /* Not made by the program's own code (the C library at exit, the interpreter): what the
       * column shows stays, no line is the call's. */
      if (gtk_widget_get_visible (column->scrolled))
        column_clear_current (column);
    }
  else if (missing != NULL)
    column_show_message (column, _("This call was not made by the program's own code: the C library or the "
                                   "interpreter made it, as the program started or ended."));
  else
    {
      /* TRANSLATORS: %s: a traced program (an actor) */
      message = g_strdup_printf (_("No source line was recorded for the calls of %s: it is a program of the system "
                                   "(nc, ss…), or it was traced without its source lines (sockscope-cli trace --source)."),
                                 actor);
      column_show_message (column, message);
    }

  column->ran = TRUE;
  column->call_status = status;
  g_free (column->current_outcome);
  column->current_outcome = g_strdup (outcome);
  column_update_need (column);
  column->scroll_pending = TRUE;
  gtk_widget_set_visible (column->blocked_icon, status == SOCKSCOPE_CALL_BLOCKED);
  gtk_label_set_text (column->status, outcome);
  gtk_widget_remove_css_class (GTK_WIDGET (column->status), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (column->status), "warning");
  if (status == SOCKSCOPE_CALL_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (column->status), "error");
  else if (status == SOCKSCOPE_CALL_BLOCKED)
    gtk_widget_add_css_class (GTK_WIDGET (column->status), "warning");
  if (!column->shown && self->folded_key != NULL)
    {
      g_clear_pointer (&self->folded_key, g_free);
      g_clear_pointer (&self->wanted_key, g_free);
    }
  queue_tick (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
sockscope_code_pane_traced_call (SockscopeCodePane   *self,
                                 SockscopeEventLog   *log,
                                 guint                call_seq,
                                 int                  lifeline,
                                 SockscopeCallStatus  status,
                                 const char          *outcome)
{
  StepState *state;
  g_autofree char *actor = NULL;

  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  state = g_new0 (StepState, 1);
  state->status = status;
  state->outcome = g_strdup (outcome);
  g_hash_table_replace (self->trace_calls, GUINT_TO_POINTER (call_seq), state);
  /* Shown at the next frame: a long session's calls, projected by thousands between two
   * frames, draw each column once, at its last call. */
  if (log == NULL || call_seq == 0 || call_seq > sockscope_event_log_get_n_events (log) ||
      (actor = sockscope_event_log_get_string (log, call_seq - 1, "actor")) == NULL)
    return;
  if (self->trace_log != log)
    {
      g_hash_table_remove_all (self->pending);
      g_hash_table_remove_all (self->pending_lined);
      g_set_object (&self->trace_log, log);
    }
  /* A call with no line of its own (exit after main) leaves the column on the file of the
   * actor's last call that had one. */
  {
    g_autofree char *file = sockscope_event_log_get_string (log, call_seq - 1, "source.file");

    if (file != NULL)
      g_hash_table_replace (self->pending_lined, g_strdup (actor), GUINT_TO_POINTER (call_seq));
  }
  if (lifeline >= 0 && !g_hash_table_contains (self->lifelines, actor))
    g_hash_table_insert (self->lifelines, g_strdup (actor), GINT_TO_POINTER (lifeline + 1));
  g_hash_table_replace (self->pending, g_steal_pointer (&actor), GUINT_TO_POINTER (call_seq));
  self->traced = TRUE;
  queue_tick (self);
}

static int
compare_seq (gconstpointer a,
             gconstpointer b)
{
  guint sa = GPOINTER_TO_UINT (*(gconstpointer *) a), sb = GPOINTER_TO_UINT (*(gconstpointer *) b);

  return sa < sb ? -1 : sa > sb;
}

/* The traced calls not shown yet, one per actor, in the log's order (the last one's actor
 * comes first in the room). */
static void
flush_traced (SockscopeCodePane *self)
{
  g_autoptr(GPtrArray) seqs = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (self->pending) == 0)
    return;
  seqs = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gpointer lined = g_hash_table_lookup (self->pending_lined, key);

      if (lined != NULL && lined != value)
        g_ptr_array_add (seqs, lined);
      g_ptr_array_add (seqs, value);
    }
  g_ptr_array_sort (seqs, compare_seq);
  g_hash_table_remove_all (self->pending);
  g_hash_table_remove_all (self->pending_lined);
  for (guint i = 0; i < seqs->len; i++)
    {
      guint seq = GPOINTER_TO_UINT (g_ptr_array_index (seqs, i));
      g_autofree char *actor = sockscope_event_log_get_string (self->trace_log, seq - 1, "actor");
      int lifeline = actor ? GPOINTER_TO_INT (g_hash_table_lookup (self->lifelines, actor)) - 1 : -1;

      show_traced (self, self->trace_log, seq, lifeline);
    }
}

void
sockscope_code_pane_select_traced_call (SockscopeCodePane *self,
                                        SockscopeEventLog *log,
                                        guint              call_seq)
{
  g_return_if_fail (SOCKSCOPE_IS_CODE_PANE (self));

  flush_traced (self);
  show_traced (self, log, call_seq, -1);
}

const char *
sockscope_code_pane_get_file (SockscopeCodePane *self,
                              const char        *actor)
{
  Column *column;

  flush_traced (self);
  column = find_column (self, actor);
  return column != NULL && gtk_widget_get_visible (column->scrolled) ? column->file : NULL;
}

const char *
sockscope_code_pane_get_message (SockscopeCodePane *self,
                                 const char        *actor)
{
  Column *column;

  flush_traced (self);
  column = find_column (self, actor);
  return column != NULL && gtk_widget_get_visible (GTK_WIDGET (column->message))
         ? gtk_label_get_text (column->message) : NULL;
}

/* ---- Presenter mode ---- */

static void
on_root_classes (SockscopeCodePane *self)
{
  GtkWidget *root = self->watched_root;
  gboolean presenter = root != NULL && gtk_widget_has_css_class (root, "presenter");

  update_style_scheme (self);
  if (presenter == self->presenter)
    return;
  self->presenter = presenter;
  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      Column *column = g_ptr_array_index (self->columns, i);

      update_current_scale (self, column);
      column->scroll_pending = TRUE;
    }
  queue_tick (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
sockscope_code_pane_root (GtkWidget *widget)
{
  SockscopeCodePane *self = SOCKSCOPE_CODE_PANE (widget);

  GTK_WIDGET_CLASS (sockscope_code_pane_parent_class)->root (widget);
  self->watched_root = GTK_WIDGET (gtk_widget_get_root (widget));
  g_signal_connect_object (self->watched_root, "notify::css-classes", G_CALLBACK (on_root_classes),
                           self, G_CONNECT_SWAPPED);
  on_root_classes (self);
}

static void
sockscope_code_pane_unroot (GtkWidget *widget)
{
  SockscopeCodePane *self = SOCKSCOPE_CODE_PANE (widget);

  if (self->watched_root != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_root, on_root_classes, self);
  self->watched_root = NULL;
  GTK_WIDGET_CLASS (sockscope_code_pane_parent_class)->unroot (widget);
}

static void
sockscope_code_pane_dispose (GObject *object)
{
  SockscopeCodePane *self = SOCKSCOPE_CODE_PANE (object);

  if (self->tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick);
  self->tick = 0;
  remove_columns (self);
  g_clear_pointer (&self->bar, gtk_widget_unparent);
  g_clear_pointer (&self->placeholder, gtk_widget_unparent);
  g_clear_object (&self->lesson);
  g_clear_pointer (&self->lang, g_free);
  g_clear_pointer (&self->code_lang, g_free);
  g_clear_pointer (&self->pinned, g_free);
  g_clear_pointer (&self->folded_key, g_free);
  g_clear_pointer (&self->wanted_key, g_free);
  g_clear_pointer (&self->steps, g_hash_table_unref);
  g_clear_pointer (&self->trace_calls, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->pending_lined, g_hash_table_unref);
  g_clear_pointer (&self->lifelines, g_hash_table_unref);
  g_clear_object (&self->trace_log);
  g_clear_pointer (&self->files, g_hash_table_unref);
  g_clear_pointer (&self->file_errors, g_hash_table_unref);
  g_clear_pointer (&self->trace_actor, g_free);
  G_OBJECT_CLASS (sockscope_code_pane_parent_class)->dispose (object);
}

static void
sockscope_code_pane_class_init (SockscopeCodePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_code_pane_dispose;
  widget_class->measure = sockscope_code_pane_measure;
  widget_class->size_allocate = sockscope_code_pane_size_allocate;
  widget_class->root = sockscope_code_pane_root;
  widget_class->unroot = sockscope_code_pane_unroot;
  gtk_widget_class_set_css_name (widget_class, "codepane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sockscope_code_pane_init (SockscopeCodePane *self)
{
  GtkWidget *label, *linked;

  self->steps = g_hash_table_new_full (NULL, NULL, NULL, step_state_free);
  self->trace_calls = g_hash_table_new_full (NULL, NULL, NULL, step_state_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending_lined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->lifelines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->file_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->code_lang = g_strdup ("c");
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  self->bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (self->bar, "code-switcher");
  gtk_widget_set_parent (self->bar, GTK_WIDGET (self));

  /* The columns folded for lack of room: one button each, which brings the column back. */
  self->folded_box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->folded_box), GTK_SELECTION_NONE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (self->folded_box), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->folded_box), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->folded_box), 0);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->folded_box), 0);
  gtk_widget_set_hexpand (self->folded_box, TRUE);
  gtk_widget_set_valign (self->folded_box, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->folded_box, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->folded_box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Other programs"), -1);
  gtk_box_append (GTK_BOX (self->bar), self->folded_box);

  /* C | Python: the same program in the other language, when the lesson has both. */
  self->switcher = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_halign (self->switcher, GTK_ALIGN_END);
  gtk_widget_set_hexpand (self->switcher, TRUE);
  gtk_widget_set_valign (self->switcher, GTK_ALIGN_CENTER);
  label = gtk_label_new (_("Code in"));
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (self->switcher), label);
  linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
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
  gtk_widget_set_visible (self->switcher, FALSE);
  gtk_box_append (GTK_BOX (self->bar), self->switcher);
  gtk_widget_set_visible (self->bar, FALSE);

  self->placeholder = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->placeholder), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->placeholder), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_widget_set_margin_start (self->placeholder, 24);
  gtk_widget_set_margin_end (self->placeholder, 24);
  gtk_widget_set_visible (self->placeholder, FALSE);
  gtk_widget_set_parent (self->placeholder, GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Code"), -1);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sockscope_code_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_CODE_PANE, NULL);
}
