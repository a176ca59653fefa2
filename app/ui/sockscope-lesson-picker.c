/* sockscope-lesson-picker.c: the lessons of a SockscopeLessonCatalog as rows, in its order (the
 * course by theme), with a search field. A teacher's own lesson carries a "Yours" tag (an opened
 * file, "Opened"); a file that does not parse, or lost its id to another, is a greyed row that
 * says why as `file:line: message`, so nothing about it is hidden and it never stops the
 * others. Activating a row emits ::lesson-activated with the file's path. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-lesson-picker.h"

struct _SockscopeLessonPicker
{
  GtkWidget               parent_instance;

  GtkWidget              *box;
  GtkSearchEntry         *search;
  GtkListBox             *list;

  SockscopeLessonCatalog *catalog;
  char                   *lang;
};

G_DEFINE_FINAL_TYPE (SockscopeLessonPicker, sockscope_lesson_picker, GTK_TYPE_WIDGET)

enum { LESSON_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Row data: "path" (the file), "group" (its theme, or "" for the rows that cannot open),
 * "haystack" (what the search looks in). */

static GtkWidget *
caption_new (const char *text,
             gboolean    wrap)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  if (wrap)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
    }
  return label;
}

static GtkWidget *
row_new (SockscopeLessonPicker      *self,
         const SockscopeLessonEntry *entry)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  SockscopeLesson *lesson = entry->lesson;
  g_autofree char *base = g_path_get_basename (entry->path);
  const char *title = lesson ? sockscope_lesson_get_title (lesson, self->lang) : base;
  const char *tag = entry->origin == SOCKSCOPE_LESSON_TEACHER ? _("Yours")
                    : entry->origin == SOCKSCOPE_LESSON_OPENED ? _("Opened") : NULL;
  GtkWidget *title_label = gtk_label_new (title);
  g_autofree char *accessible = NULL;
  g_autofree char *haystack = NULL;

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_wrap (GTK_LABEL (title_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (title_label), 40);
  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_box_append (GTK_BOX (top), title_label);
  if (tag != NULL)
    {
      GtkWidget *tag_label = gtk_label_new (tag);

      gtk_widget_add_css_class (tag_label, "lesson-origin-tag");
      gtk_widget_set_valign (tag_label, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (top), tag_label);
    }
  gtk_box_append (GTK_BOX (box), top);

  if (lesson != NULL)
    {
      GtkWidget *id = caption_new (sockscope_lesson_get_id (lesson), FALSE);

      gtk_widget_add_css_class (id, "dim-label");
      gtk_box_append (GTK_BOX (box), id);
    }
  if (entry->problem != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (entry->problem, "\n", 4);
      g_autofree char *shown = NULL;
      GtkWidget *problem;

      /* The first messages of a broken file; `sockscope-cli check` prints them all. */
      if (g_strv_length (lines) > 3)
        {
          g_free (lines[3]);
          lines[3] = g_strdup ("…");
        }
      shown = g_strjoinv ("\n", lines);
      problem = caption_new (shown, TRUE);

      gtk_widget_add_css_class (problem, entry->usable ? "warning" : "lesson-problem");
      gtk_box_append (GTK_BOX (box), problem);
    }
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, entry->path);
  gtk_widget_set_sensitive (row, entry->usable);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), entry->usable);

  g_object_set_data_full (G_OBJECT (row), "path", g_strdup (entry->path), g_free);
  g_object_set_data_full (G_OBJECT (row), "group",
                          g_strdup (entry->usable && lesson ? (sockscope_lesson_get_theme (lesson) ?: "") : ""),
                          g_free);
  haystack = lesson ? g_strjoin (" ", sockscope_lesson_get_id (lesson), sockscope_lesson_get_theme (lesson) ?: "",
                                  sockscope_lesson_get_title (lesson, "en"), sockscope_lesson_get_title (lesson, "fr"),
                                  entry->path, NULL)
                    : g_strdup (entry->path);
  g_object_set_data_full (G_OBJECT (row), "haystack", g_utf8_casefold (haystack, -1), g_free);
  accessible = g_strjoin (". ", title, tag ? tag : "", entry->problem ? entry->problem : "", NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  const char *group = g_object_get_data (G_OBJECT (row), "group");
  gboolean usable = gtk_widget_get_sensitive (GTK_WIDGET (row));
  GtkWidget *label;

  if (before != NULL && g_strcmp0 (group, g_object_get_data (G_OBJECT (before), "group")) == 0 &&
      usable == gtk_widget_get_sensitive (GTK_WIDGET (before)))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  label = gtk_label_new (!usable ? _("Cannot be opened") : *group != '\0' ? group : _("Other lessons"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_start (label, 6);
  gtk_list_box_row_set_header (row, label);
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  SockscopeLessonPicker *self = user_data;
  const char *needle = gtk_editable_get_text (GTK_EDITABLE (self->search));
  g_autofree char *folded = NULL;

  if (needle == NULL || needle[0] == '\0')
    return TRUE;
  folded = g_utf8_casefold (needle, -1);
  return strstr (g_object_get_data (G_OBJECT (row), "haystack"), folded) != NULL;
}

static void
on_search_changed (SockscopeLessonPicker *self)
{
  gtk_list_box_invalidate_filter (self->list);
}

static void
on_row_activated (SockscopeLessonPicker *self,
                  GtkListBoxRow         *row)
{
  if (!gtk_widget_get_sensitive (GTK_WIDGET (row)))
    return;
  g_signal_emit (self, signals[LESSON_ACTIVATED], 0, g_object_get_data (G_OBJECT (row), "path"));
}

/* Enter in the search field opens the first lesson still shown. */
static void
on_search_activate (SockscopeLessonPicker *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child) && gtk_widget_get_sensitive (child))
        {
          on_row_activated (self, GTK_LIST_BOX_ROW (child));
          return;
        }
    }
}

void
sockscope_lesson_picker_refresh (SockscopeLessonPicker *self)
{
  GtkWidget *child;

  g_return_if_fail (SOCKSCOPE_IS_LESSON_PICKER (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (self->catalog == NULL)
    return;
  for (guint i = 0; i < sockscope_lesson_catalog_get_n_entries (self->catalog); i++)
    gtk_list_box_append (self->list, row_new (self, sockscope_lesson_catalog_get_entry (self->catalog, i)));
}

void
sockscope_lesson_picker_set_catalog (SockscopeLessonPicker  *self,
                                     SockscopeLessonCatalog *catalog,
                                     const char             *lang)
{
  g_return_if_fail (SOCKSCOPE_IS_LESSON_PICKER (self));

  g_set_object (&self->catalog, catalog);
  g_free (self->lang);
  self->lang = g_strdup (lang);
  sockscope_lesson_picker_refresh (self);
}

void
sockscope_lesson_picker_focus_search (SockscopeLessonPicker *self)
{
  g_return_if_fail (SOCKSCOPE_IS_LESSON_PICKER (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search));
}

GtkListBox *
sockscope_lesson_picker_get_list (SockscopeLessonPicker *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON_PICKER (self), NULL);

  return self->list;
}

static void
sockscope_lesson_picker_dispose (GObject *object)
{
  SockscopeLessonPicker *self = SOCKSCOPE_LESSON_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SOCKSCOPE_TYPE_LESSON_PICKER);
  g_clear_object (&self->catalog);
  g_clear_pointer (&self->lang, g_free);
  G_OBJECT_CLASS (sockscope_lesson_picker_parent_class)->dispose (object);
}

static void
sockscope_lesson_picker_class_init (SockscopeLessonPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_lesson_picker_dispose;

  /* The path of the lesson file chosen. */
  signals[LESSON_ACTIVATED] = g_signal_new ("lesson-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/sockscope/Sockscope/sockscope-lesson-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPicker, box);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPicker, search);
  gtk_widget_class_bind_template_child (widget_class, SockscopeLessonPicker, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lessonpicker");
}

static void
sockscope_lesson_picker_init (SockscopeLessonPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_header_func (self->list, header_func, NULL, NULL);
  gtk_list_box_set_filter_func (self->list, filter_func, self, NULL);
}

GtkWidget *
sockscope_lesson_picker_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_LESSON_PICKER, NULL);
}
