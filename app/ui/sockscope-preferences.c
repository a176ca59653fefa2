/* sockscope-preferences.c: AdwPreferencesWindow over io.sockscope.Sockscope. Rows write the
 * settings; the application and the windows listen to them (language, style), so each change
 * takes effect at once. */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-preferences.h"
#include "sockscope-settings.h"

static const char *languages[] = { "", "fr", "en" };

static void
on_language_selected (AdwComboRow *row,
                      GParamSpec  *pspec,
                      GSettings   *settings)
{
  guint index = adw_combo_row_get_selected (row);

  if (index < G_N_ELEMENTS (languages))
    g_settings_set_string (settings, "language", languages[index]);
}

static void
on_enum_selected (AdwComboRow *row,
                  GParamSpec  *pspec,
                  GSettings   *settings)
{
  const char *key = g_object_get_data (G_OBJECT (row), "key");

  g_settings_set_enum (settings, key, (int) adw_combo_row_get_selected (row));
}

static GtkWidget *
combo_row (const char *title,
           const char *subtitle,
           const char *const *choices)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (choices);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  return row;
}

static GtkWidget *
enum_row (GSettings         *settings,
          const char        *key,
          const char        *title,
          const char        *subtitle,
          const char *const *choices)
{
  GtkWidget *row = combo_row (title, subtitle, choices);

  g_object_set_data_full (G_OBJECT (row), "key", g_strdup (key), g_free);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), (guint) g_settings_get_enum (settings, key));
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (on_enum_selected), settings, 0);
  return row;
}

static GtkWidget *
spin_row (GSettings  *settings,
          const char *key,
          const char *title,
          const char *subtitle,
          double      min,
          double      max,
          double      step,
          guint       digits)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (min, max, step);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_settings_bind (settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  return row;
}

static GtkWidget *
switch_row (GSettings  *settings,
            const char *key,
            const char *title,
            const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  g_settings_bind (settings, key, toggle, "active", G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  return row;
}

GtkWindow *
sockscope_preferences_new (GtkWindow *parent)
{
  g_autoptr(GSettings) settings = sockscope_settings_new ();
  const char *language_names[] = { _("Follow the desktop"), "Français", "English", NULL };
  const char *style_names[] = { _("Follow the system"), _("Light"), _("Dark"), _("High contrast"), NULL };
  const char *seq_names[] = { _("Relative (from 0, as Wireshark shows them)"), _("Absolute (as on the wire)"), NULL };
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *general = adw_preferences_group_new ();
  GtkWidget *diagram = adw_preferences_group_new ();
  GtkWidget *language;
  g_autofree char *lang = g_settings_get_string (settings, "language");

  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  /* Room for each row's choice beside its explanation. */
  gtk_window_set_default_size (GTK_WINDOW (window), 820, 600);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  g_object_set_data_full (G_OBJECT (window), "settings", g_object_ref (settings), g_object_unref);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (general), _("Interface"));
  language = combo_row (_("Language"), _("Of the interface and the lessons. The window reopens in the new language."),
                        language_names);
  gtk_widget_set_name (language, "language-row");
  adw_combo_row_set_selected (ADW_COMBO_ROW (language),
                              g_str_equal (lang, "fr") ? 1 : g_str_equal (lang, "en") ? 2 : 0);
  g_signal_connect_object (language, "notify::selected", G_CALLBACK (on_language_selected), settings, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (general), language);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (general),
                             enum_row (settings, "style", _("Style"), _("High contrast helps on a projector"), style_names));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (diagram), _("Sequence diagram"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (diagram),
                             spin_row (settings, "animation-speed", _("Animation speed"),
                                       _("1 is normal; lower is slower"), 0.1, 4.0, 0.1, 1));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (diagram),
                             switch_row (settings, "slow-motion", _("Slow-motion packets"),
                                         _("Each arrow takes four times as long, so a room can follow it")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (diagram),
                             enum_row (settings, "seq-mode", _("TCP sequence numbers"), NULL, seq_names));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (diagram),
                             spin_row (settings, "default-zoom", _("Presenter zoom"),
                                       _("Percent, when presenter mode (F5) starts"), 100, 300, 25, 0));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (general));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (diagram));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  return GTK_WINDOW (window);
}
