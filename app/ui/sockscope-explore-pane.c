/* sockscope-explore-pane.c: explore mode's pane. Each actor has a card: its name in its colour,
 * whether it is blocked, an entry for its next call in the lesson's step syntax (completion of
 * call names, constants, its variables and addresses; the argument hint under it), the checker's
 * message when a line is refused (nothing runs then), and a palette of the calls that make sense
 * now (a click puts the line in the entry, Enter runs it). The model (SockscopeExplore) checks and
 * runs; the pane only asks it, and says what it answered. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sockscope-actor-style.h"
#include "sockscope-explore-pane.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-projection.h"
#include "sockscope-window-private.h"

#define PALETTE_MAX 4

typedef struct
{
  char               *name;
  GtkWidget          *card;
  GtkWidget          *tag;
  GtkWidget          *state;
  GtkWidget          *entry;
  GtkWidget          *hint;
  GtkWidget          *message;
  GtkWidget          *palette;
  GtkEntryCompletion *completion;
  GtkListStore       *candidates;
  gsize               word_start;  /* in the entry's text, bytes: where the completed word starts */
  gsize               word_end;
  gboolean            running;     /* its line is being run */
  int                 colour;      /* its actor-N class, or -1 */
} ActorRow;

struct _SockscopeExplorePane
{
  GtkWidget         parent_instance;

  GtkWidget        *scroller;
  GtkWidget        *box;
  GtkLabel         *title;
  GtkLabel         *intro;
  GtkWidget        *status_box;
  GtkSpinner       *spinner;
  GtkLabel         *status;
  GtkButton        *replay;     /* shown once the lab has died */
  GtkBox           *actors;
  GtkEntry         *actor_name;
  GtkDropDown      *actor_role;
  GtkButton        *add_actor;
  GtkLabel         *actor_error;
  GtkLabel         *no_steps;
  GtkListBox       *steps;
  GtkButton        *undo;
  GtkButton        *save;
  GtkLabel         *undo_note;

  SockscopeExplore *explore;
  GCancellable     *cancellable;
  char             *lang;
  char             *from_id;    /* the lesson gone on from, or NULL */
  guint             from_step;
  GPtrArray        *rows;       /* ActorRow *, in the explore's order */
  gboolean          starting;
  gboolean          filling;    /* the pane sets an entry's text itself */
};

G_DEFINE_FINAL_TYPE (SockscopeExplorePane, sockscope_explore_pane, GTK_TYPE_WIDGET)

enum { CHANGED, SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The roles offered for a new actor: the lesson's word, and what the menu says. */
static const struct { const char *role; const char *label; } roles[] = {
  { "server", N_("Server") },
  { "client", N_("Client") },
  { NULL,     N_("Other") },
};

static void
actor_row_free (gpointer data)
{
  ActorRow *row = data;

  g_free (row->name);
  g_clear_object (&row->completion);
  g_clear_object (&row->candidates);
  g_free (row);
}

static ActorRow *
find_row (SockscopeExplorePane *self,
          const char           *actor)
{
  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      ActorRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (row->name, actor) == 0)
        return row;
    }
  return NULL;
}

static void
set_status (SockscopeExplorePane *self,
            const char           *text,
            gboolean              busy,
            gboolean              error)
{
  gtk_widget_set_visible (GTK_WIDGET (self->replay), FALSE);
  gtk_widget_set_visible (self->status_box, text != NULL);
  gtk_label_set_text (self->status, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status), "error");
}

/* The lab died on its own: one message, what is kept, and the way on. */
static void
show_failure (SockscopeExplorePane *self)
{
  const GError *failure = self->explore ? sockscope_explore_get_failure (self->explore) : NULL;
  g_autofree char *text = NULL;

  if (failure == NULL)
    return;
  /* TRANSLATORS: explore mode, the lab process died (crashed, killed); %s says why */
  text = g_strdup_printf (_("The lab has stopped: %s. Your steps and actors are kept: restart the lab and replay them, or save them as a lesson."),
                          failure->message);
  set_status (self, text, FALSE, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->replay), TRUE);
}

static void
show_message (GtkWidget  *label,
              const char *text)
{
  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
  gtk_widget_set_visible (label, text != NULL && text[0] != '\0');
}

/* ---- Typing: the line, the hint, the candidates ----------------------------------------- */

/* The step line an actor's entry makes ("server: " and the text), and the cursor in it. */
static char *
row_line (ActorRow *row,
          gsize    *cursor,
          gsize    *prefix)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row->entry));
  int position = gtk_editable_get_position (GTK_EDITABLE (row->entry));
  glong length = g_utf8_strlen (text, -1);
  char *line = g_strdup_printf ("%s: %s", row->name, text);

  *prefix = strlen (row->name) + 2;
  *cursor = *prefix + (gsize) (g_utf8_offset_to_pointer (text, CLAMP (position, 0, length)) - text);
  return line;
}

static void
update_hint (SockscopeExplorePane *self,
             ActorRow             *row)
{
  gsize cursor, prefix;
  g_autofree char *line = row_line (row, &cursor, &prefix);
  g_autofree char *hint = self->explore ? sockscope_explore_get_hint (self->explore, line, cursor) : NULL;

  show_message (row->hint, hint);
}

static void
update_candidates (SockscopeExplorePane *self,
                   ActorRow             *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row->entry));
  g_autofree char *line = g_strdup_printf ("%s: %s", row->name, text);
  gsize prefix = strlen (row->name) + 2, start = strlen (line);
  g_auto(GStrv) words = NULL;

  gtk_list_store_clear (row->candidates);
  if (self->explore == NULL)
    return;
  /* The word being typed is the one at the end: completion follows typing, as the popup does. */
  words = sockscope_explore_complete (self->explore, line, strlen (line), &start);
  row->word_start = start >= prefix ? start - prefix : 0;
  row->word_end = strlen (text);
  /* Nothing typed of the word yet: every constant would pop up after each comma. */
  if (row->word_start >= row->word_end)
    return;
  for (guint i = 0; words[i] != NULL; i++)
    {
      /* The word typed in full is no candidate: the popup would hide the hint for nothing. */
      if (words[i + 1] == NULL && i == 0 && g_str_equal (words[i], text + row->word_start))
        break;
      gtk_list_store_insert_with_values (row->candidates, NULL, -1, 0, words[i], -1);
    }
}

/* Puts @word in place of the word being typed. */
static void
apply_candidate (SockscopeExplorePane *self,
                 ActorRow             *row,
                 const char           *word)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row->entry));
  gsize length = strlen (text);
  gsize start = MIN (row->word_start, length), end = CLAMP (row->word_end, start, length);
  g_autofree char *head = g_strndup (text, start);
  g_autofree char *result = g_strconcat (head, word, text + end, NULL);

  gtk_editable_set_text (GTK_EDITABLE (row->entry), result);
  gtk_editable_set_position (GTK_EDITABLE (row->entry), (int) g_utf8_strlen (head, -1) + (int) g_utf8_strlen (word, -1));
}

static gboolean
on_match_selected (GtkEntryCompletion *completion,
                   GtkTreeModel       *model,
                   GtkTreeIter        *iter,
                   gpointer            user_data)
{
  SockscopeExplorePane *self = user_data;
  GtkWidget *entry = gtk_entry_completion_get_entry (completion);
  g_autofree char *word = NULL;

  gtk_tree_model_get (model, iter, 0, &word, -1);
  for (guint i = 0; i < self->rows->len; i++)
    {
      ActorRow *row = g_ptr_array_index (self->rows, i);

      if (row->entry == entry)
        apply_candidate (self, row, word);
    }
  return TRUE;
}

/* The model already chose the candidates for the word at the cursor: all of them are shown. */
static gboolean
match_all (GtkEntryCompletion *completion,
           const char         *key,
           GtkTreeIter        *iter,
           gpointer            user_data)
{
  return TRUE;
}

static ActorRow *
row_of_entry (SockscopeExplorePane *self,
              GtkWidget            *entry)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      ActorRow *row = g_ptr_array_index (self->rows, i);

      if (row->entry == entry)
        return row;
    }
  return NULL;
}

static void
on_entry_changed (GtkEditable          *entry,
                  SockscopeExplorePane *self)
{
  ActorRow *row = row_of_entry (self, GTK_WIDGET (entry));

  if (row == NULL)
    return;
  update_candidates (self, row);
  update_hint (self, row);
  /* A message was about the line as it was. */
  if (!self->filling)
    show_message (row->message, NULL);
}

static void
on_entry_cursor (GtkEditable          *entry,
                 GParamSpec           *pspec,
                 SockscopeExplorePane *self)
{
  ActorRow *row = row_of_entry (self, GTK_WIDGET (entry));

  if (row != NULL)
    update_hint (self, row);
}

/* Tab completes: the only candidate, or what all the candidates share. */
static gboolean
on_entry_key (GtkEventControllerKey *controller,
              guint                  keyval,
              guint                  keycode,
              GdkModifierType        state,
              SockscopeExplorePane  *self)
{
  ActorRow *row = row_of_entry (self, gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
  GtkTreeModel *model;
  GtkTreeIter iter;
  g_autofree char *common = NULL;

  if (row == NULL || (keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab) || (state & GDK_SHIFT_MASK))
    return FALSE;
  model = GTK_TREE_MODEL (row->candidates);
  if (!gtk_tree_model_get_iter_first (model, &iter))
    return FALSE;
  do
    {
      g_autofree char *word = NULL;

      gtk_tree_model_get (model, &iter, 0, &word, -1);
      if (common == NULL)
        common = g_strdup (word);
      else
        {
          gsize n = 0;

          while (common[n] != '\0' && common[n] == word[n])
            n++;
          common[n] = '\0';
        }
    }
  while (gtk_tree_model_iter_next (model, &iter));
  if (common == NULL || common[0] == '\0')
    return FALSE;
  apply_candidate (self, row, common);
  return TRUE;
}

/* ---- Running a line ------------------------------------------------------------------------ */

typedef struct
{
  SockscopeExplorePane *self;
  char                 *actor;
} RunData;

static void update_rows (SockscopeExplorePane *self);

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunData *d = user_data;
  g_autoptr(SockscopeExplorePane) self = d->self;
  g_autofree char *actor = d->actor;
  g_autoptr(GError) error = NULL;
  gboolean ok = sockscope_explore_run_finish (SOCKSCOPE_EXPLORE (object), result, &error);
  ActorRow *row;

  g_free (d);
  if (SOCKSCOPE_EXPLORE (object) != self->explore || (row = find_row (self, actor)) == NULL)
    return;
  row->running = FALSE;
  if (!ok && sockscope_explore_get_failure (self->explore) != NULL)
    show_failure (self);
  else if (!ok)
    show_message (row->message, error->message);
  else
    {
      self->filling = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (row->entry), "");
      self->filling = FALSE;
      show_message (row->message, NULL);
    }
  update_rows (self);
  if (gtk_widget_get_sensitive (row->entry))
    gtk_widget_grab_focus (row->entry);
}

static void
run_row (SockscopeExplorePane *self,
         ActorRow             *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row->entry))));
  g_autofree char *line = NULL;
  RunData *d;

  if (self->explore == NULL || text[0] == '\0' || row->running)
    return;
  if (sockscope_explore_is_busy (self->explore))
    {
      show_message (row->message, _("Wait a moment: the lab is still answering."));
      return;
    }
  line = g_strdup_printf ("%s: %s", row->name, text);
  d = g_new0 (RunData, 1);
  d->self = g_object_ref (self);
  d->actor = g_strdup (row->name);
  row->running = TRUE;
  sockscope_explore_run_async (self->explore, line, self->cancellable, on_run_done, d);
}

static void
on_entry_activate (GtkEntry             *entry,
                   SockscopeExplorePane *self)
{
  ActorRow *row = row_of_entry (self, GTK_WIDGET (entry));

  if (row != NULL)
    run_row (self, row);
}

static void
on_entry_icon (GtkEntry             *entry,
               GtkEntryIconPosition  position,
               SockscopeExplorePane *self)
{
  on_entry_activate (entry, self);
}

/* A palette line: in the entry, ready to run with Enter or to edit first. */
static void
on_palette_clicked (GtkButton            *button,
                    SockscopeExplorePane *self)
{
  ActorRow *row = find_row (self, g_object_get_data (G_OBJECT (button), "actor"));
  const char *text = g_object_get_data (G_OBJECT (button), "text");

  if (row == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (row->entry), text);
  gtk_widget_grab_focus (row->entry);
  gtk_editable_set_position (GTK_EDITABLE (row->entry), -1);
}

/* ---- The actors' cards --------------------------------------------------------------------- */

static ActorRow *
row_new (SockscopeExplorePane *self,
         const char           *name)
{
  ActorRow *row = g_new0 (ActorRow, 1);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkEventController *keys = gtk_event_controller_key_new ();
  g_autofree char *accessible = NULL;

  row->name = g_strdup (name);
  row->colour = -1;
  row->card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (row->card, "explore-actor");

  row->tag = gtk_label_new (name);
  gtk_widget_add_css_class (row->tag, "actor-tag");
  gtk_widget_set_halign (row->tag, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (top), row->tag);
  row->state = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->state), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->state), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (row->state, TRUE);
  gtk_widget_add_css_class (row->state, "caption");
  gtk_widget_add_css_class (row->state, "dim-label");
  gtk_box_append (GTK_BOX (top), row->state);
  gtk_box_append (GTK_BOX (row->card), top);

  row->entry = gtk_entry_new ();
  gtk_widget_add_css_class (row->entry, "monospace");
  gtk_editable_set_width_chars (GTK_EDITABLE (row->entry), 12);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (row->entry), 30);
  /* TRANSLATORS: the placeholder of an actor's call entry: a call in the lesson's syntax */
  gtk_entry_set_placeholder_text (GTK_ENTRY (row->entry), _("a call, as in C: s = socket(AF_INET, SOCK_DGRAM, 0)"));
  gtk_entry_set_icon_from_icon_name (GTK_ENTRY (row->entry), GTK_ENTRY_ICON_SECONDARY, "media-playback-start-symbolic");
  gtk_entry_set_icon_tooltip_text (GTK_ENTRY (row->entry), GTK_ENTRY_ICON_SECONDARY, _("Run it for real (Enter)"));
  accessible = g_strdup_printf (_("Next call of %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_signal_connect_object (row->entry, "changed", G_CALLBACK (on_entry_changed), self, 0);
  g_signal_connect_object (row->entry, "notify::cursor-position", G_CALLBACK (on_entry_cursor), self, 0);
  g_signal_connect_object (row->entry, "activate", G_CALLBACK (on_entry_activate), self, 0);
  g_signal_connect_object (row->entry, "icon-press", G_CALLBACK (on_entry_icon), self, 0);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_entry_key), self, 0);
  gtk_widget_add_controller (row->entry, keys);

  /* Connected after the entry's own "changed" handler, so the candidates are this text's. */
  row->candidates = gtk_list_store_new (1, G_TYPE_STRING);
  row->completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (row->completion, GTK_TREE_MODEL (row->candidates));
  gtk_entry_completion_set_text_column (row->completion, 0);
  gtk_entry_completion_set_match_func (row->completion, match_all, NULL, NULL);
  gtk_entry_completion_set_minimum_key_length (row->completion, 1);
  gtk_entry_completion_set_popup_single_match (row->completion, TRUE);
  gtk_entry_completion_set_inline_completion (row->completion, FALSE);
  g_signal_connect_object (row->completion, "match-selected", G_CALLBACK (on_match_selected), self, 0);
  gtk_entry_set_completion (GTK_ENTRY (row->entry), row->completion);
  gtk_box_append (GTK_BOX (row->card), row->entry);

  row->hint = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->hint), 0);
  gtk_label_set_wrap (GTK_LABEL (row->hint), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (row->hint), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (row->hint), 34);
  gtk_widget_add_css_class (row->hint, "caption");
  gtk_widget_add_css_class (row->hint, "monospace");
  gtk_widget_add_css_class (row->hint, "dim-label");
  gtk_widget_set_visible (row->hint, FALSE);
  gtk_box_append (GTK_BOX (row->card), row->hint);

  row->message = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->message), 0);
  gtk_label_set_wrap (GTK_LABEL (row->message), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (row->message), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (row->message), 34);
  gtk_label_set_selectable (GTK_LABEL (row->message), TRUE);
  gtk_widget_add_css_class (row->message, "caption");
  gtk_widget_add_css_class (row->message, "error");
  gtk_widget_set_visible (row->message, FALSE);
  gtk_box_append (GTK_BOX (row->card), row->message);

  row->palette = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  gtk_widget_set_tooltip_text (row->palette, _("Calls that make sense now: a click puts one in the entry"));
  gtk_box_append (GTK_BOX (row->card), row->palette);
  return row;
}

/* What an actor is doing: blocked in which call, ended, or free to go. */
static char *
actor_state (SockscopeExplorePane *self,
             const char           *actor)
{
  if (sockscope_explore_has_ended (self->explore, actor))
    return g_strdup (_("ended"));
  if (sockscope_explore_is_blocked (self->explore, actor))
    {
      SockscopeLesson *lesson = sockscope_explore_get_lesson (self->explore);

      for (guint n = lesson ? sockscope_lesson_get_n_steps (lesson) : 0; n > 0; n--)
        {
          const SockscopeStep *step = sockscope_lesson_get_step (lesson, n);

          if (g_strcmp0 (step->actor, actor) == 0)
            /* TRANSLATORS: an actor's state in explore mode: its call has not returned */
            return g_strdup_printf (_("blocked in %s(): another actor can go on"), step->call);
        }
      return g_strdup (_("blocked: another actor can go on"));
    }
  return NULL;
}

static void
update_palette (SockscopeExplorePane *self,
                ActorRow             *row,
                gboolean              free_to_go)
{
  g_auto(GStrv) lines = free_to_go ? sockscope_explore_get_palette (self->explore, row->name) : NULL;
  g_autofree char *prefix = g_strdup_printf ("%s: ", row->name);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (row->palette)) != NULL)
    gtk_box_remove (GTK_BOX (row->palette), child);
  for (guint i = 0; lines != NULL && lines[i] != NULL && i < PALETTE_MAX; i++)
    {
      const char *text = g_str_has_prefix (lines[i], prefix) ? lines[i] + strlen (prefix) : lines[i];
      GtkWidget *button = gtk_button_new_with_label (text);
      GtkWidget *label = gtk_button_get_child (GTK_BUTTON (button));

      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 44);
      gtk_widget_add_css_class (button, "monospace");
      gtk_widget_add_css_class (button, "caption");
      gtk_widget_add_css_class (button, "explore-palette");
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_set_tooltip_text (button, text);
      g_object_set_data_full (G_OBJECT (button), "actor", g_strdup (row->name), g_free);
      g_object_set_data_full (G_OBJECT (button), "text", g_strdup (text), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_palette_clicked), self, 0);
      gtk_box_append (GTK_BOX (row->palette), button);
    }
  gtk_widget_set_visible (row->palette, lines != NULL && lines[0] != NULL);
}

/* The cards follow the explore's actors (a fork adds one; undo may take it back). */
static void
sync_rows (SockscopeExplorePane *self)
{
  g_auto(GStrv) names = self->explore ? sockscope_explore_get_actors (self->explore) : g_new0 (char *, 1);
  gboolean same = g_strv_length (names) == self->rows->len;
  GPtrArray *rows;

  for (guint i = 0; same && i < self->rows->len; i++)
    same = g_str_equal (names[i], ((ActorRow *) g_ptr_array_index (self->rows, i))->name);
  if (same)
    return;
  rows = g_ptr_array_new_with_free_func (actor_row_free);
  for (guint i = 0; names[i] != NULL; i++)
    {
      ActorRow *row = NULL;

      for (guint j = 0; j < self->rows->len && row == NULL; j++)
        if (g_str_equal (((ActorRow *) g_ptr_array_index (self->rows, j))->name, names[i]))
          row = g_ptr_array_steal_index (self->rows, j);
      if (row == NULL)
        {
          row = row_new (self, names[i]);
          gtk_box_append (self->actors, row->card);
        }
      else
        {
          /* Moved to the end, in order: the card lives through its removal. */
          g_object_ref (row->card);
          gtk_box_remove (self->actors, row->card);
          gtk_box_append (self->actors, row->card);
          g_object_unref (row->card);
        }
      g_ptr_array_add (rows, row);
    }
  for (guint i = 0; i < self->rows->len; i++)
    gtk_box_remove (self->actors, ((ActorRow *) g_ptr_array_index (self->rows, i))->card);
  g_ptr_array_unref (self->rows);
  self->rows = rows;
}

static void
update_steps (SockscopeExplorePane *self)
{
  SockscopeLesson *lesson = self->explore ? sockscope_explore_get_lesson (self->explore) : NULL;
  guint n = self->explore ? sockscope_explore_get_n_steps (self->explore) : 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps))) != NULL)
    gtk_list_box_remove (self->steps, child);
  for (guint i = 1; i <= n; i++)
    {
      const SockscopeStep *step = lesson && i <= sockscope_lesson_get_n_steps (lesson) ? sockscope_lesson_get_step (lesson, i) : NULL;
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      g_autofree char *head = g_strdup_printf ("%u · %s", i, sockscope_explore_get_step_line (self->explore, i));
      GtkWidget *line = gtk_label_new (head);
      const char *text = step ? sockscope_step_get_text (step, self->lang) : NULL;

      gtk_label_set_xalign (GTK_LABEL (line), 0);
      gtk_label_set_wrap (GTK_LABEL (line), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (line), 34);
      gtk_label_set_wrap_mode (GTK_LABEL (line), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (line, "monospace");
      gtk_widget_add_css_class (line, "caption");
      gtk_box_append (GTK_BOX (box), line);
      if (text != NULL && text[0] != '\0')
        {
          GtkWidget *what = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (what), 0);
          gtk_label_set_wrap (GTK_LABEL (what), TRUE);
          gtk_label_set_max_width_chars (GTK_LABEL (what), 34);
          gtk_widget_add_css_class (what, "caption");
          gtk_widget_add_css_class (what, "dim-label");
          gtk_box_append (GTK_BOX (box), what);
        }
      gtk_widget_set_margin_top (box, 4);
      gtk_widget_set_margin_bottom (box, 4);
      gtk_widget_set_margin_start (box, 8);
      gtk_widget_set_margin_end (box, 8);
      gtk_list_box_append (self->steps, box);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->steps), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_steps), n == 0);
}

static void
update_rows (SockscopeExplorePane *self)
{
  SockscopeLesson *lesson = self->explore ? sockscope_explore_get_lesson (self->explore) : NULL;
  gboolean ready = self->explore != NULL && sockscope_explore_is_running (self->explore) && !self->starting;
  gboolean busy = self->explore == NULL || sockscope_explore_is_busy (self->explore);

  sync_rows (self);
  for (guint i = 0; i < self->rows->len; i++)
    {
      ActorRow *row = g_ptr_array_index (self->rows, i);
      /* Before the first step there is no lesson yet: the actors' order gives their colours. */
      int index = lesson ? sockscope_lesson_find_actor (lesson, row->name) : (int) i;
      const SockscopeActor *actor = lesson && index >= 0 ? sockscope_lesson_get_actor (lesson, (guint) index) : NULL;
      g_autofree char *state = ready ? actor_state (self, row->name) : NULL;
      gboolean ended = ready && sockscope_explore_has_ended (self->explore, row->name);
      g_autofree char *tag = NULL;

      if (actor != NULL && actor->role != NULL && g_strcmp0 (actor->role, actor->name) != 0)
        tag = g_strdup_printf ("%s · %s", sockscope_actor_get_label (actor, self->lang), actor->role);
      else if (actor != NULL)
        tag = g_strdup (sockscope_actor_get_label (actor, self->lang));
      else
        {
          tag = g_strdup (row->name);
          tag[0] = g_ascii_toupper (tag[0]);
        }
      gtk_label_set_text (GTK_LABEL (row->tag), tag);
      if (index != row->colour)
        {
          g_autofree char *old = g_strdup_printf ("actor-%d", row->colour);
          g_autofree char *name = g_strdup_printf ("actor-%d", index);

          gtk_widget_remove_css_class (row->tag, old);
          sockscope_actor_style_install (gtk_widget_get_display (GTK_WIDGET (self)));
          if (index >= 0)
            gtk_widget_add_css_class (row->tag, name);
          row->colour = index;
        }
      gtk_label_set_text (GTK_LABEL (row->state), state ? state : "");
      gtk_widget_set_sensitive (row->entry, ready && !ended);
      update_palette (self, row, ready && state == NULL && !busy);
      update_hint (self, row);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_actor), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->actor_name), ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->undo),
                            ready && !busy && sockscope_explore_get_n_steps (self->explore) > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save),
                            self->explore != NULL && sockscope_explore_get_n_steps (self->explore) > 0);
  update_steps (self);
}

static void
on_model_changed (SockscopeExplorePane *self)
{
  if (self->explore == NULL)
    return;
  update_rows (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_model_busy (SockscopeExplorePane *self)
{
  if (self->explore != NULL)
    update_rows (self);
}

/* ---- Start, actors, undo, save -------------------------------------------------------------- */

static void connect_model (SockscopeExplorePane *self);

static void
on_lab_failed (SockscopeExplorePane *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    ((ActorRow *) g_ptr_array_index (self->rows, i))->running = FALSE;
  show_failure (self);
  /* The way on has the focus before the entries go insensitive (a focused entry made
   * insensitive misses its focus-out). */
  gtk_widget_grab_focus (GTK_WIDGET (self->replay));
  update_rows (self);
}

static void
on_replayed (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SockscopeExplorePane) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sockscope_explore_replay_finish (SOCKSCOPE_EXPLORE (object), result, &error);

  if (SOCKSCOPE_EXPLORE (object) != self->explore)
    return;
  if (!ok && sockscope_explore_get_failure (self->explore) != NULL)
    show_failure (self);
  else if (!ok)
    {
      set_status (self, error->message, FALSE, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->replay), TRUE);
    }
  else
    set_status (self, _("A new lab ran your steps again: go on."), FALSE, FALSE);
  on_model_changed (self);
}

static void
on_replay (SockscopeExplorePane *self)
{
  guint n;
  g_autofree char *text = NULL;

  if (self->explore == NULL || sockscope_explore_is_busy (self->explore))
    return;
  n = sockscope_explore_get_n_steps (self->explore);
  text = g_strdup_printf (ngettext ("Restarting the lab and replaying %u step…",
                                    "Restarting the lab and replaying %u steps…", n), n);
  set_status (self, text, TRUE, FALSE);
  sockscope_explore_replay_async (self->explore, self->cancellable, on_replayed, g_object_ref (self));
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SockscopeExplorePane) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sockscope_explore_start_finish (SOCKSCOPE_EXPLORE (object), result, &error);

  if (SOCKSCOPE_EXPLORE (object) != self->explore)
    return;
  self->starting = FALSE;
  if (!ok)
    set_status (self, error->message, FALSE, TRUE);
  else if (self->rows->len == 0 && sockscope_explore_get_n_steps (self->explore) == 0)
    set_status (self, _("The lab is up, empty. Add an actor to begin: a server and a client, for instance."), FALSE, FALSE);
  else
    {
      g_autofree char *text = g_strdup_printf (_("Your turn: the lab has run “%s” up to step %u. Go on with your own calls."),
                                               self->from_id, sockscope_explore_get_n_steps (self->explore));
      set_status (self, self->from_id ? text : NULL, FALSE, FALSE);
    }
  on_model_changed (self);
  if (ok && self->rows->len == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->actor_name));
}

static void
disconnect_model (SockscopeExplorePane *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->explore != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->explore, self);
      /* The lab quits on its own time; the model lives until it has. */
      if (sockscope_explore_is_running (self->explore))
        sockscope_explore_stop_async (self->explore, NULL, NULL, NULL);
    }
  g_clear_object (&self->explore);
}

void
sockscope_explore_pane_start (SockscopeExplorePane *self,
                              SockscopeLesson      *from,
                              guint                 step,
                              const char           *lang)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SOCKSCOPE_IS_EXPLORE_PANE (self));

  disconnect_model (self);
  g_free (self->lang);
  self->lang = g_strdup (lang ? lang : "en");
  g_free (self->from_id);
  self->from_id = from ? g_strdup (sockscope_lesson_get_id (from)) : NULL;
  self->from_step = from ? step : 0;
  self->explore = sockscope_explore_new (self->lang);
  self->cancellable = g_cancellable_new ();
  connect_model (self);
  show_message (GTK_WIDGET (self->actor_error), NULL);
  self->starting = TRUE;
  if (from != NULL)
    text = g_strdup_printf (_("Starting the lab and replaying “%s” up to step %u…"), self->from_id, step);
  set_status (self, text ? text : _("Starting an empty lab: a private network namespace of its own…"), TRUE, FALSE);
  update_rows (self);
  g_signal_emit (self, signals[CHANGED], 0);
  sockscope_explore_start_async (self->explore, from, from ? step : 0, self->cancellable, on_started, g_object_ref (self));
}

static void
connect_model (SockscopeExplorePane *self)
{
  g_signal_connect_object (self->explore, "changed", G_CALLBACK (on_model_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->explore, "reset", G_CALLBACK (on_model_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->explore, "notify::busy", G_CALLBACK (on_model_busy), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->explore, "lab-failed", G_CALLBACK (on_lab_failed), self, G_CONNECT_SWAPPED);
}

static void
forget_rows (SockscopeExplorePane *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    gtk_box_remove (self->actors, ((ActorRow *) g_ptr_array_index (self->rows, i))->card);
  g_ptr_array_set_size (self->rows, 0);
}

SockscopeExplore *
sockscope_explore_pane_release (SockscopeExplorePane  *self,
                                char                 **from_id,
                                guint                 *from_step)
{
  SockscopeExplore *explore;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE_PANE (self), NULL);

  if ((explore = g_steal_pointer (&self->explore)) == NULL)
    return NULL;
  g_signal_handlers_disconnect_by_data (explore, self);
  /* Its answers to this pane's commands are not awaited any more: the model stays as it is. */
  g_clear_object (&self->cancellable);
  *from_id = g_steal_pointer (&self->from_id);
  *from_step = self->from_step;
  forget_rows (self);
  set_status (self, NULL, FALSE, FALSE);
  update_rows (self);
  return explore;
}

void
sockscope_explore_pane_adopt (SockscopeExplorePane *self,
                              SockscopeExplore     *explore,
                              const char           *from_id,
                              guint                 from_step,
                              const char           *lang)
{
  g_return_if_fail (SOCKSCOPE_IS_EXPLORE_PANE (self));
  g_return_if_fail (SOCKSCOPE_IS_EXPLORE (explore));

  disconnect_model (self);
  forget_rows (self);
  g_free (self->lang);
  self->lang = g_strdup (lang ? lang : "en");
  g_free (self->from_id);
  self->from_id = g_strdup (from_id);
  self->from_step = from_step;
  self->explore = g_object_ref (explore);
  self->cancellable = g_cancellable_new ();
  self->starting = FALSE;
  connect_model (self);
  show_message (GTK_WIDGET (self->actor_error), NULL);
  set_status (self, NULL, FALSE, FALSE);
  show_failure (self);
  update_rows (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
sockscope_explore_pane_stop (SockscopeExplorePane *self)
{
  g_return_if_fail (SOCKSCOPE_IS_EXPLORE_PANE (self));

  disconnect_model (self);
  for (guint i = 0; i < self->rows->len; i++)
    gtk_box_remove (self->actors, ((ActorRow *) g_ptr_array_index (self->rows, i))->card);
  g_ptr_array_set_size (self->rows, 0);
  set_status (self, NULL, FALSE, FALSE);
  update_rows (self);
}

static void
on_actor_added (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SockscopeExplorePane) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sockscope_explore_add_actor_finish (SOCKSCOPE_EXPLORE (object), result, &error);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->actor_name))));
  ActorRow *row;

  if (SOCKSCOPE_EXPLORE (object) != self->explore)
    return;
  if (!ok)
    {
      show_message (GTK_WIDGET (self->actor_error), error->message);
      update_rows (self);
      return;
    }
  show_message (GTK_WIDGET (self->actor_error), NULL);
  /* A server first, then most often its client. */
  if (gtk_drop_down_get_selected (self->actor_role) == 0)
    gtk_drop_down_set_selected (self->actor_role, 1);
  if (gtk_widget_get_visible (self->status_box) && !gtk_spinner_get_spinning (self->spinner))
    set_status (self, NULL, FALSE, FALSE);
  on_model_changed (self);
  gtk_editable_set_text (GTK_EDITABLE (self->actor_name), "");
  if ((row = find_row (self, name)) != NULL)
    gtk_widget_grab_focus (row->entry);
}

static void
on_add_actor (SockscopeExplorePane *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->actor_name))));
  guint role = gtk_drop_down_get_selected (self->actor_role);

  if (self->explore == NULL || name[0] == '\0')
    return;
  if (sockscope_explore_is_busy (self->explore))
    {
      show_message (GTK_WIDGET (self->actor_error), _("Wait a moment: the lab is still answering."));
      return;
    }
  sockscope_explore_add_actor_async (self->explore, name, NULL,
                                     role < G_N_ELEMENTS (roles) ? roles[role].role : NULL,
                                     self->cancellable, on_actor_added, g_object_ref (self));
}

static void
on_undone (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SockscopeExplorePane) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sockscope_explore_undo_finish (SOCKSCOPE_EXPLORE (object), result, &error);

  if (SOCKSCOPE_EXPLORE (object) != self->explore)
    return;
  if (!ok)
    set_status (self, error->message, FALSE, TRUE);
  else
    set_status (self, _("The last step is undone: a new lab ran all the others again."), FALSE, FALSE);
  on_model_changed (self);
}

static void
on_undo (SockscopeExplorePane *self)
{
  g_autofree char *text = NULL;
  guint n;

  if (self->explore == NULL || sockscope_explore_is_busy (self->explore))
    return;
  n = sockscope_explore_get_n_steps (self->explore);
  if (n == 0)
    return;
  text = g_strdup_printf (ngettext ("Restarting the lab and replaying %u step: the kernel is never rewound…",
                                    "Restarting the lab and replaying %u steps: the kernel is never rewound…", n - 1), n - 1);
  set_status (self, text, TRUE, FALSE);
  sockscope_explore_undo_async (self->explore, self->cancellable, on_undone, g_object_ref (self));
}

/* A lesson id from the file's name: lower-case letters, digits and '-'. */
static char *
id_from_path (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  GString *id = g_string_new (NULL);

  if (g_str_has_suffix (base, ".lesson"))
    base[strlen (base) - strlen (".lesson")] = '\0';
  for (const char *p = base; *p != '\0'; p++)
    {
      char c = g_ascii_tolower (*p);

      if (g_ascii_isalnum (c))
        g_string_append_c (id, c);
      else if (id->len > 0 && id->str[id->len - 1] != '-')
        g_string_append_c (id, '-');
    }
  while (id->len > 0 && id->str[id->len - 1] == '-')
    g_string_truncate (id, id->len - 1);
  if (id->len > 0 && !g_ascii_isalpha (id->str[0]))
    g_string_prepend (id, "explore-");
  return g_string_free (id, id->len == 0);
}

gboolean
sockscope_explore_pane_save_to (SockscopeExplorePane  *self,
                                const char            *path,
                                GError               **error)
{
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE_PANE (self), FALSE);

  if (self->explore == NULL)
    {
      g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_NOT_STARTED,
                   _("Nothing to save: explore first"));
      return FALSE;
    }
  id = id_from_path (path);
  if (!sockscope_explore_save (self->explore, path, id, NULL, error))
    return FALSE;
  text = g_strdup_printf (_("Saved as %s. It is in the Lessons list; write each step’s text and your questions in it."), path);
  set_status (self, text, FALSE, FALSE);
  g_signal_emit (self, signals[SAVED], 0, path);
  return TRUE;
}

static void
on_save_response (GtkNativeDialog      *chooser,
                  int                   response,
                  SockscopeExplorePane *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && (path = g_file_get_path (file)) != NULL)
    {
      if (!g_str_has_suffix (path, ".lesson"))
        {
          char *with = g_strconcat (path, ".lesson", NULL);

          g_free (path);
          path = with;
        }
      if (!sockscope_explore_pane_save_to (self, path, &error))
        set_status (self, error->message, FALSE, TRUE);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
on_save (SockscopeExplorePane *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *dir = sockscope_lesson_teacher_dir ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M");
  g_autofree char *name = g_strdup_printf ("%s-explore-%s.lesson", self->from_id ? self->from_id : "my", stamp);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->explore == NULL)
    return;
  gtk_file_filter_set_name (filter, _("Lessons"));
  gtk_file_filter_add_pattern (filter, "*.lesson");
  chooser = gtk_file_chooser_native_new (_("Save as Lesson"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  /* Your lessons' folder: the lesson list shows what is saved there. */
  if (g_mkdir_with_parents (dir, 0700) == 0)
    {
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_save_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- The code pane, as the lesson grows ---------------------------------------------------- */

static void
code_call (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *text, guint step)
{
  sockscope_code_pane_set_call (data, step, SOCKSCOPE_CALL_RUNNING, NULL);
}

static void
code_blocked (gpointer data, guint call_seq, guint seq, guint step, const char *call)
{
  g_autofree char *text = g_strdup_printf (_("blocked in %s()"), call);

  sockscope_code_pane_set_call (data, step, SOCKSCOPE_CALL_BLOCKED, text);
}

static void
code_result (gpointer data, guint call_seq, guint seq, gint64 t_ns, guint step, const char *result, gboolean failed)
{
  sockscope_code_pane_set_call (data, step, failed ? SOCKSCOPE_CALL_FAILED : SOCKSCOPE_CALL_RETURNED, result);
}

static void
code_state (gpointer data, guint seq, gint64 t_ns, guint lifeline, const char *socket, const char *state)
{
}

static void
code_packet (gpointer data, guint seq, gint64 t_ns, int from, int to, const char *label, guint cause_seq)
{
}

static void
code_spawn (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint parent, gboolean thread,
            guint via_seq, const char *text)
{
}

static void
code_exit (gpointer data, guint seq, gint64 t_ns, guint lifeline, guint call_seq, const char *text, gboolean failed)
{
}

static void
code_signal (gpointer data, guint seq, gint64 t_ns, int from, guint to, const char *signal)
{
}

static const SockscopeProjectionSink code_sink = {
  .call = code_call, .blocked = code_blocked, .result = code_result, .state = code_state,
  .packet = code_packet, .spawn = code_spawn, .exit = code_exit, .signal = code_signal,
};

void
sockscope_explore_show_code (SockscopeCodePane *code,
                             SockscopeLesson   *lesson,
                             SockscopeEventLog *log,
                             const char        *lang)
{
  g_autoptr(SockscopeProjection) projection = NULL;
  guint n = log ? sockscope_event_log_get_n_events (log) : 0;

  sockscope_code_pane_set_lesson (code, lesson, lang);
  if (lesson == NULL)
    return;
  projection = sockscope_projection_new (lesson, FALSE);
  for (guint i = 0; i < n; i++)
    {
      SockscopeEventType type = sockscope_event_log_get_event_type (log, i);
      g_autoptr(JsonObject) event = NULL;

      if (type != SOCKSCOPE_EVENT_CALL && type != SOCKSCOPE_EVENT_BLOCKED && type != SOCKSCOPE_EVENT_RETURN)
        continue;
      if ((event = sockscope_event_log_parse (log, i)) != NULL)
        sockscope_projection_project (projection, event, i, &code_sink, code);
    }
}

/* ---- A scripted exploration, for screenshots ------------------------------------------------ */

/* Lines typed as a learner types them: ":actor NAME [ROLE]" in the add-actor row, "ACTOR: call"
 * in that actor's entry, each one once the lab is idle again; then @typing left in its entry. */
typedef struct
{
  SockscopeWindow *window;
  char           **lines;
  char            *typing;
  guint            next;
  guint            source;
  gint64           deadline;
  gboolean         sent;       /* the line at next - 1 was typed: wait for it */
} Script;

static void
script_free (gpointer data)
{
  Script *script = data;

  g_clear_handle_id (&script->source, g_source_remove);
  g_clear_object (&script->window);
  g_strfreev (script->lines);
  g_free (script->typing);
  g_free (script);
}

static gboolean
type_line (SockscopeExplorePane  *self,
           const char            *line,
           gboolean               run,
           GError               **error)
{
  const char *colon = strchr (line, ':');
  g_autofree char *actor = colon ? g_strstrip (g_strndup (line, colon - line)) : NULL;
  ActorRow *row;

  /* For pictures of a lab that dies: the lab killed as a crash would end it. */
  if (g_str_equal (line, ":kill-lab"))
    {
      GPid pid = self->explore ? sockscope_explore_get_lab_pid (self->explore) : 0;

      if (pid <= 0 || kill (pid, SIGKILL) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no lab to kill");
          return FALSE;
        }
      return TRUE;
    }
  if (g_str_has_prefix (line, ":actor "))
    {
      g_auto(GStrv) words = g_strsplit_set (line + strlen (":actor "), " \t", -1);
      guint n = 0;

      while (words[n] != NULL && words[n][0] != '\0')
        n++;
      for (guint i = 0; n > 1 && i < G_N_ELEMENTS (roles); i++)
        if (g_strcmp0 (roles[i].role, words[1]) == 0 || (roles[i].role == NULL && i == G_N_ELEMENTS (roles) - 1))
          {
            gtk_drop_down_set_selected (self->actor_role, i);
            break;
          }
      gtk_editable_set_text (GTK_EDITABLE (self->actor_name), n > 0 ? words[0] : "");
      on_add_actor (self);
      return TRUE;
    }
  if (actor == NULL || (row = find_row (self, actor)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("No actor “%s” to type “%s” for"),
                   actor ? actor : "", line);
      return FALSE;
    }
  gtk_widget_grab_focus (row->entry);
  gtk_editable_set_text (GTK_EDITABLE (row->entry), g_strchug ((char *) colon + 1));
  gtk_editable_set_position (GTK_EDITABLE (row->entry), -1);
  if (run)
    run_row (self, row);
  return TRUE;
}

static gboolean
script_tick (gpointer data)
{
  GTask *task = data;
  Script *script = g_task_get_task_data (task);
  SockscopeExplorePane *self = sockscope_window_get_explore_pane (script->window);
  GError *error = NULL;

  if (g_get_monotonic_time () > script->deadline)
    {
      script->source = 0;
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("Explore: the lab did not answer in time"));
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  /* A lab killed (":kill-lab") is idle once the pane says so. */
  if (!sockscope_explore_pane_is_idle (self) &&
      !(self->explore != NULL && sockscope_explore_get_failure (self->explore) != NULL &&
        !sockscope_explore_is_busy (self->explore) && gtk_widget_get_visible (GTK_WIDGET (self->replay))))
    return G_SOURCE_CONTINUE;
  for (guint i = 0; i < self->rows->len; i++)
    if (((ActorRow *) g_ptr_array_index (self->rows, i))->running)
      return G_SOURCE_CONTINUE;
  /* A line refused stops the script: a picture of a mistake nobody meant is no picture. */
  if (script->sent && script->next > 0)
    {
      const char *line = script->lines[script->next - 1];
      const char *colon = strchr (line, ':');
      g_autofree char *actor = colon && line[0] != ':' ? g_strstrip (g_strndup (line, colon - line)) : NULL;
      const char *message = actor ? sockscope_explore_pane_get_message (self, actor) : NULL;

      if (message == NULL && line[0] == ':' && gtk_widget_get_visible (GTK_WIDGET (self->actor_error)))
        message = gtk_label_get_text (self->actor_error);
      if (message != NULL)
        {
          script->source = 0;
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", line, message);
          g_object_unref (task);
          return G_SOURCE_REMOVE;
        }
    }
  if (script->lines != NULL && script->lines[script->next] != NULL)
    {
      script->sent = type_line (self, script->lines[script->next++], TRUE, &error);
      if (error != NULL)
        {
          script->source = 0;
          g_task_return_error (task, error);
          g_object_unref (task);
          return G_SOURCE_REMOVE;
        }
      return G_SOURCE_CONTINUE;
    }
  if (script->typing != NULL && !type_line (self, script->typing, FALSE, &error))
    {
      script->source = 0;
      g_task_return_error (task, error);
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  script->source = 0;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
script_start (GTask *task)
{
  Script *script = g_task_get_task_data (task);

  script->deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  script->source = g_timeout_add (20, script_tick, task);
}

static void
on_script_lesson_ready (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!sockscope_window_prepare_finish (SOCKSCOPE_WINDOW (source), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (source), "win.explore-here", NULL);
  script_start (task);
}

void
sockscope_explore_prepare_async (SockscopeWindow     *window,
                                 const char          *lesson,
                                 int                  step,
                                 const char * const  *lines,
                                 const char          *typing,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (window, NULL, callback, user_data);
  Script *script = g_new0 (Script, 1);

  script->window = g_object_ref (window);
  script->lines = g_strdupv ((char **) lines);
  script->typing = g_strdup (typing);
  g_task_set_task_data (task, script, script_free);
  g_task_set_source_tag (task, sockscope_explore_prepare_async);
  if (lesson != NULL)
    sockscope_window_prepare_async (window, lesson, step, NULL, on_script_lesson_ready, task);
  else
    {
      g_object_set (sockscope_window_get_diagram (window), "animation-speed", 0.0, NULL);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.explore", NULL);
      script_start (task);
    }
}

gboolean
sockscope_explore_prepare_finish (SockscopeWindow  *window,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- The widget ---------------------------------------------------------------------------- */

SockscopeExplore *
sockscope_explore_pane_get_explore (SockscopeExplorePane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE_PANE (self), NULL);

  return self->explore;
}

gboolean
sockscope_explore_pane_is_idle (SockscopeExplorePane *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE_PANE (self), FALSE);

  return self->explore != NULL && !self->starting && sockscope_explore_is_running (self->explore) &&
         !sockscope_explore_is_busy (self->explore);
}

GtkEntry *
sockscope_explore_pane_get_entry (SockscopeExplorePane *self,
                                  const char           *actor)
{
  ActorRow *row = find_row (self, actor);

  return row ? GTK_ENTRY (row->entry) : NULL;
}

const char *
sockscope_explore_pane_get_hint (SockscopeExplorePane *self,
                                 const char           *actor)
{
  ActorRow *row = find_row (self, actor);

  return row && gtk_widget_get_visible (row->hint) ? gtk_label_get_text (GTK_LABEL (row->hint)) : NULL;
}

const char *
sockscope_explore_pane_get_message (SockscopeExplorePane *self,
                                    const char           *actor)
{
  ActorRow *row = find_row (self, actor);

  return row && gtk_widget_get_visible (row->message) ? gtk_label_get_text (GTK_LABEL (row->message)) : NULL;
}

GtkWidget *
sockscope_explore_pane_get_palette (SockscopeExplorePane *self,
                                    const char           *actor)
{
  ActorRow *row = find_row (self, actor);

  return row ? row->palette : NULL;
}

GtkEntry *
sockscope_explore_pane_get_actor_entry (SockscopeExplorePane *self)
{
  return self->actor_name;
}

const char *
sockscope_explore_pane_get_status (SockscopeExplorePane *self)
{
  return gtk_widget_get_visible (self->status_box) ? gtk_label_get_text (self->status) : NULL;
}

GtkWidget *
sockscope_explore_pane_get_replay_button (SockscopeExplorePane *self)
{
  return GTK_WIDGET (self->replay);
}

char **
sockscope_explore_pane_get_candidates (SockscopeExplorePane *self,
                                       const char           *actor)
{
  ActorRow *row = find_row (self, actor);
  GPtrArray *words = g_ptr_array_new ();
  GtkTreeIter iter;

  if (row != NULL && gtk_tree_model_get_iter_first (GTK_TREE_MODEL (row->candidates), &iter))
    do
      {
        char *word = NULL;

        gtk_tree_model_get (GTK_TREE_MODEL (row->candidates), &iter, 0, &word, -1);
        g_ptr_array_add (words, word);
      }
    while (gtk_tree_model_iter_next (GTK_TREE_MODEL (row->candidates), &iter));
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

static void
sockscope_explore_pane_dispose (GObject *object)
{
  SockscopeExplorePane *self = SOCKSCOPE_EXPLORE_PANE (object);

  disconnect_model (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SOCKSCOPE_TYPE_EXPLORE_PANE);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->lang, g_free);
  g_clear_pointer (&self->from_id, g_free);
  G_OBJECT_CLASS (sockscope_explore_pane_parent_class)->dispose (object);
}

static void
sockscope_explore_pane_class_init (SockscopeExplorePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_explore_pane_dispose;

  /* The explore's log or lesson changed (a step, an actor, a new lab): the window shows them. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A lesson file was written (its path). */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/sockscope/Sockscope/sockscope-explore-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, scroller);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, box);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, title);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, intro);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, status_box);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, spinner);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, status);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, replay);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, actors);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, actor_name);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, actor_role);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, add_actor);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, actor_error);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, no_steps);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, steps);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, undo);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, save);
  gtk_widget_class_bind_template_child (widget_class, SockscopeExplorePane, undo_note);
  gtk_widget_class_bind_template_callback (widget_class, on_add_actor);
  gtk_widget_class_bind_template_callback (widget_class, on_undo);
  gtk_widget_class_bind_template_callback (widget_class, on_replay);
  gtk_widget_class_bind_template_callback (widget_class, on_save);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "explorepane");
}

static void
sockscope_explore_pane_init (SockscopeExplorePane *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Its entries expand in its own width; the pane does not take the window's. */
  gtk_widget_set_hexpand (GTK_WIDGET (self), FALSE);
  self->rows = g_ptr_array_new_with_free_func (actor_row_free);
  self->lang = g_strdup ("en");
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    gtk_string_list_append (labels, _(roles[i].label));
  gtk_drop_down_set_model (self->actor_role, G_LIST_MODEL (labels));
  update_rows (self);
}

GtkWidget *
sockscope_explore_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_EXPLORE_PANE, NULL);
}
