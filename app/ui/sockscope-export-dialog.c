/* sockscope-export-dialog.c: an AdwMessageDialog with the format and the range, then a file
 * chooser; the diagram goes through SockscopeDiagram, as `sockscope-cli export` does. */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-diagram.h"
#include "sockscope-export-dialog.h"

static const struct
{
  const char *format;
  const char *name;
  const char *extension;
} formats[] = {
  { "png", N_("Diagram as PNG (slide, 1920 × 1080)"), "png" },
  { "svg", N_("Diagram as SVG"), "svg" },
  { "pdf", N_("Diagram as PDF (16:9 page)"), "pdf" },
  { "pcapng", N_("Packets as pcapng (for Wireshark, with their causes)"), "pcapng" },
  { "session", N_("Session file (replay it with File → Open)"), "sockscope" },
};

typedef struct
{
  GtkWindow         *parent;
  SockscopeLesson   *lesson;
  SockscopeEventLog *log;
  char              *session_path;
  char              *lang;
  gboolean           absolute_seq;
  GtkDropDown       *format;
  GtkSpinButton     *first;
  GtkSpinButton     *last;
  GtkSpinButton     *per_slide;
} Export;

static void
export_free (Export *export)
{
  g_clear_object (&export->parent);
  g_clear_object (&export->lesson);
  g_clear_object (&export->log);
  g_free (export->session_path);
  g_free (export->lang);
  g_free (export);
}

gboolean
sockscope_export_write (SockscopeLesson    *lesson,
                        SockscopeEventLog  *log,
                        const char         *session_path,
                        const char         *lang,
                        gboolean            absolute_seq,
                        const char         *format,
                        guint               first,
                        guint               last,
                        guint               per_slide,
                        const char         *path,
                        GError            **error)
{
  SockscopeDiagramFormat diagram_format;

  if (sockscope_diagram_format_from_string (format, &diagram_format))
    {
      g_autoptr(SockscopeDiagram) diagram = sockscope_diagram_new (lesson, log, lang, absolute_seq,
                                                                   first, last, error);

      if (diagram == NULL)
        return FALSE;
      sockscope_diagram_set_per_slide (diagram, per_slide);
      return sockscope_diagram_export (diagram, diagram_format, path, error);
    }
  if (g_str_equal (format, "pcapng"))
    return sockscope_event_log_export_pcapng (log, path, error);
  if (g_str_equal (format, "session"))
    {
      g_autoptr(GFile) source = NULL;
      g_autoptr(GFile) target = g_file_new_for_path (path);

      /* The recording is the session: copy it (the log may still be writing to it). */
      if (session_path != NULL)
        {
          source = g_file_new_for_path (session_path);
          return g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
        }
      return sockscope_event_log_record_to (log, path, lesson, lang, error) &&
             sockscope_event_log_stop_recording (log, error);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown export format “%s”"), format);
  return FALSE;
}

static void
show_result (Export       *export,
             const char   *path,
             const GError *error)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (error == NULL)
    return;
  body = g_strdup_printf (_("%s was not written: %s"), path, error->message);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (export->parent, _("Export failed"), body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_save_response (GtkNativeDialog *chooser,
                  int              response,
                  Export          *export)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && (path = g_file_get_path (file)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      guint index = gtk_drop_down_get_selected (export->format);

      sockscope_export_write (export->lesson, export->log, export->session_path, export->lang,
                              export->absolute_seq, formats[index].format,
                              (guint) gtk_spin_button_get_value_as_int (export->first),
                              (guint) gtk_spin_button_get_value_as_int (export->last),
                              (guint) gtk_spin_button_get_value_as_int (export->per_slide), path, &error);
      show_result (export, path, error);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  export_free (export);
}

static void
on_dialog_response (AdwMessageDialog *dialog,
                    const char       *response,
                    Export           *export)
{
  GtkFileChooserNative *chooser;
  guint index = gtk_drop_down_get_selected (export->format);
  g_autofree char *name = NULL;

  if (!g_str_equal (response, "export") || index >= G_N_ELEMENTS (formats))
    {
      export_free (export);
      return;
    }
  /* (traced programs have no lesson: "trace", as their recordings are named) */
  name = g_strdup_printf ("%s.%s", export->lesson != NULL ? sockscope_lesson_get_id (export->lesson) : "trace",
                          formats[index].extension);
  chooser = gtk_file_chooser_native_new (_("Export"), export->parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response), export);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
labelled (const char *text,
          GtkWidget  *widget)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), widget);
  return box;
}

static void
on_format_changed (GtkDropDown *format,
                   GParamSpec  *pspec,
                   GtkWidget   *range)
{
  /* The range is the diagram's: pcapng and the session hold every event. */
  gtk_widget_set_sensitive (range, gtk_drop_down_get_selected (format) < 3);
}

void
sockscope_export_dialog_present (GtkWindow         *parent,
                                 SockscopeLesson   *lesson,
                                 SockscopeEventLog *log,
                                 const char        *session_path,
                                 const char        *lang,
                                 gboolean           absolute_seq,
                                 guint              first,
                                 guint              last)
{
  Export *export = g_new0 (Export, 1);
  guint n = sockscope_event_log_get_n_events (log);
  const char *names[G_N_ELEMENTS (formats) + 1] = { NULL };
  GtkWidget *dialog, *box, *range;

  export->parent = g_object_ref (parent);
  export->lesson = lesson != NULL ? g_object_ref (lesson) : NULL;
  export->log = g_object_ref (log);
  export->session_path = g_strdup (session_path);
  export->lang = g_strdup (lang);
  export->absolute_seq = absolute_seq;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    names[i] = _(formats[i].name);
  export->format = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (names));
  export->first = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, MAX (n, 1), 1));
  export->last = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, MAX (n, 1), 1));
  gtk_spin_button_set_value (export->first, CLAMP (first, 1, MAX (n, 1)));
  gtk_spin_button_set_value (export->last, last == 0 || last > n ? n : last);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), labelled (_("What"), GTK_WIDGET (export->format)));
  range = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (range), labelled (_("From event"), GTK_WIDGET (export->first)));
  gtk_box_append (GTK_BOX (range), labelled (_("To event"), GTK_WIDGET (export->last)));
  /* A long session is cut into slides (PDF pages, numbered images) that stay readable. */
  export->per_slide = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (4, 25, 1));
  gtk_spin_button_set_value (export->per_slide, SOCKSCOPE_DIAGRAM_PER_SLIDE);
  gtk_box_append (GTK_BOX (range), labelled (_("Rows per slide, at most"), GTK_WIDGET (export->per_slide)));
  gtk_box_append (GTK_BOX (box), range);
  g_signal_connect (export->format, "notify::selected", G_CALLBACK (on_format_changed), range);

  dialog = adw_message_dialog_new (parent, _("Export"),
                                   _("The diagram is drawn on 16:9 slides, in the language of the interface: a long session takes several (PDF pages, or numbered PNG and SVG files)."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "export", _("_Export…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  g_signal_connect (dialog, "response", G_CALLBACK (on_dialog_response), export);
  gtk_window_present (GTK_WINDOW (dialog));
}
