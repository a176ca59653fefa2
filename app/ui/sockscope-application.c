/* sockscope-application.c: command line, app-level actions, and the --screenshot mode that
 * opens the real window, steps a lesson, renders it to PNG and quits. */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-application.h"
#include "sockscope-language.h"
#include "sockscope-preferences.h"
#include "sockscope-settings.h"
#include "sockscope-screenshot.h"
#include "sockscope-explore-pane.h"
#include "sockscope-window-private.h"

struct _SockscopeApplication
{
  AdwApplication parent_instance;

  /* --screenshot FILE [--lesson ID] [--step N] [--size WxH] [--pane NAME] */
  char *screenshot;
  char *lesson;
  int   step;
  int   width;
  int   height;
  char *pane;
  gboolean presenter;
  gboolean play;    /* --play: step the lesson on its own, as the Play button does */
  int   zoom;       /* percent, with --presenter */
  int   select_packet; /* --select-packet: this packet (from 1) selected, as a click does */
  char *lang;       /* --lang: wins over the preference */
  gboolean explore; /* --explore: explore mode (from --lesson's --step, or an empty lab) */
  char **explore_lines; /* --explore-line: typed and run, one after the other */
  char *explore_typing; /* --explore-typing: left typed in its entry */
  int   exit_status;
  int   fit_attempts;
  int   settle_frames;

  GSettings      *settings;
  GtkCssProvider *high_contrast;  /* loaded when the style preference is "high contrast" */
};

G_DEFINE_FINAL_TYPE (SockscopeApplication, sockscope_application, ADW_TYPE_APPLICATION)

/* FALSE to try again at the next frame: a widget queued a resize after the last layout (a
 * state event arrived), so this frame's picture would be empty. */
static gboolean
take_screenshot (SockscopeApplication *self,
                 SockscopeWindow      *window,
                 gboolean              last_try)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *target = sockscope_window_get_pane (window, self->pane, &error);

  if (target == NULL || !sockscope_screenshot_widget (target, self->screenshot, &error))
    {
      if (target != NULL && !last_try)
        return FALSE;
      g_printerr ("sockscope: %s\n", error->message);
      self->exit_status = 1;
    }
  g_application_quit (G_APPLICATION (self));
  return TRUE;
}

/* The window's decorations take a few pixels: grow the window until its content, which is what
 * the picture shows, has the size asked for, then give it a few frames to settle. */
static gboolean
fit_tick (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  SockscopeApplication *self = user_data;
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (widget));
  int dw = self->width - gtk_widget_get_width (content);
  int dh = self->height - gtk_widget_get_height (content);

  if ((dw != 0 || dh != 0) && self->fit_attempts++ < 5)
    {
      int w, h;

      gtk_window_get_default_size (GTK_WINDOW (widget), &w, &h);
      gtk_window_set_default_size (GTK_WINDOW (widget), w + dw, h + dh);
      self->settle_frames = 0;
      return G_SOURCE_CONTINUE;
    }
  if (++self->settle_frames < 8)
    return G_SOURCE_CONTINUE;
  if (!take_screenshot (self, SOCKSCOPE_WINDOW (widget), self->settle_frames >= 30))
    return G_SOURCE_CONTINUE;
  return G_SOURCE_REMOVE;
}

static void screenshot_when_fitted (SockscopeApplication *self,
                                    SockscopeWindow      *window);

static void
on_screenshot_ready (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SockscopeWindow *window = SOCKSCOPE_WINDOW (source);
  g_autoptr(SockscopeApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!(self->explore ? sockscope_explore_prepare_finish (window, result, &error)
                      : sockscope_window_prepare_finish (window, result, &error)))
    {
      g_printerr ("sockscope: %s\n", error->message);
      self->exit_status = 1;
      g_application_quit (G_APPLICATION (self));
      return;
    }
  screenshot_when_fitted (self, window);
}

/* The window shows what the picture is of: the pane, packet and presenter mode asked for, then
 * the picture once the window has its size. */
static void
screenshot_when_fitted (SockscopeApplication *self,
                        SockscopeWindow      *window)
{
  sockscope_window_show_pane (window, self->pane);
  if (self->select_packet > 0 &&
      !sockscope_packets_pane_select_row (sockscope_window_get_packets_pane (window), self->select_packet - 1))
    {
      g_printerr (_("sockscope: no packet %d at this step\n"), self->select_packet);
      self->exit_status = 1;
      g_application_quit (G_APPLICATION (self));
      return;
    }
  if (self->presenter)
    {
      sockscope_window_set_no_fullscreen (window, TRUE);
      sockscope_window_set_presenter (window, TRUE);
      if (self->zoom > 0)
        sockscope_window_set_presenter_zoom (window, self->zoom / 100.0);
    }
  gtk_widget_add_tick_callback (GTK_WIDGET (window), fit_tick, g_object_ref (self), g_object_unref);
}

static void
sockscope_application_activate (GApplication *app)
{
  SockscopeApplication *self = SOCKSCOPE_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (sockscope_window_new (self));

  if (self->screenshot != NULL)
    {
      gtk_window_set_default_size (window, self->width, self->height);
      gtk_window_present (window);
      if (self->explore)
        {
          sockscope_explore_prepare_async (SOCKSCOPE_WINDOW (window), self->lesson, self->step,
                                           (const char * const *) self->explore_lines, self->explore_typing,
                                           on_screenshot_ready, g_object_ref (self));
          return;
        }
      sockscope_window_prepare_async (SOCKSCOPE_WINDOW (window), self->lesson, self->step,
                                      NULL, on_screenshot_ready, g_object_ref (self));
      return;
    }

  sockscope_window_open_lesson (SOCKSCOPE_WINDOW (window), self->lesson);
  gtk_window_present (window);
  if (self->play)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL);
}

/* --screenshot of a session given on the command line: taken once it is read and drawn (or
 * its error said). */
static gboolean
session_shot_wait (gpointer user_data)
{
  SockscopeApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  SockscopeWindow *w = SOCKSCOPE_WINDOW (window);

  if (sockscope_window_get_error (w) != NULL)
    {
      g_printerr ("sockscope: %s\n", sockscope_window_get_error (w));
      self->exit_status = 1;
      g_application_quit (G_APPLICATION (self));
      return G_SOURCE_REMOVE;
    }
  if (sockscope_window_get_session_path (w) == NULL || sockscope_window_is_projecting (w) ||
      sockscope_window_get_n_events (w) == 0)
    return G_SOURCE_CONTINUE;
  screenshot_when_fitted (self, w);
  return G_SOURCE_REMOVE;
}

/* Files given on the command line, or opened from the file manager: a lesson (.lesson) or a
 * recorded session (.sockscope), each in a window of its own, as File → Open opens them. */
static void
sockscope_application_open (GApplication  *app,
                            GFile        **files,
                            int            n_files,
                            const char    *hint)
{
  SockscopeApplication *self = SOCKSCOPE_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      GtkWindow *window;

      if (path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (files[i]);

          g_printerr (_("sockscope: %s is not a file on this computer\n"), uri);
          self->exit_status = 1;
          continue;
        }
      if (self->screenshot != NULL)
        {
          if (n_files > 1 || self->lesson != NULL || self->explore)
            {
              g_printerr (_("sockscope: --screenshot takes one lesson or session\n"));
              self->exit_status = 2;
              return;
            }
          if (g_str_has_suffix (path, ".lesson"))
            {
              self->lesson = g_steal_pointer (&path);
              sockscope_application_activate (app);
              return;
            }
          if (self->step > 0)
            {
              g_printerr (_("sockscope: --step steps a lesson; a session is shown at its end\n"));
              self->exit_status = 2;
              return;
            }
        }
      window = GTK_WINDOW (sockscope_window_new (self));
      if (self->screenshot != NULL)
        gtk_window_set_default_size (window, self->width, self->height);
      gtk_window_present (window);
      sockscope_window_open_file (SOCKSCOPE_WINDOW (window), path);
      if (self->screenshot != NULL)
        {
          g_object_set (sockscope_window_get_diagram (SOCKSCOPE_WINDOW (window)), "animation-speed", 0.0, NULL);
          g_timeout_add_full (G_PRIORITY_DEFAULT, 50, session_shot_wait, g_object_ref (self), g_object_unref);
          return;
        }
    }
}

static int
sockscope_application_handle_local_options (GApplication *app,
                                            GVariantDict *options)
{
  SockscopeApplication *self = SOCKSCOPE_APPLICATION (app);
  const char *size = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("sockscope %s\n", PACKAGE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot);
  g_variant_dict_lookup (options, "lesson", "s", &self->lesson);
  g_variant_dict_lookup (options, "step", "i", &self->step);
  g_variant_dict_lookup (options, "pane", "s", &self->pane);
  self->presenter = g_variant_dict_contains (options, "presenter");
  self->play = g_variant_dict_contains (options, "play");
  self->explore = g_variant_dict_contains (options, "explore");
  g_variant_dict_lookup (options, "explore-line", "^as", &self->explore_lines);
  g_variant_dict_lookup (options, "explore-typing", "s", &self->explore_typing);
  g_variant_dict_lookup (options, "zoom", "i", &self->zoom);
  g_variant_dict_lookup (options, "select-packet", "i", &self->select_packet);
  g_variant_dict_lookup (options, "lang", "s", &self->lang);
  if (self->zoom != 0 && (self->zoom < 100 || self->zoom > 300))
    {
      g_printerr (_("sockscope: --zoom is a percentage from 100 to 300, not %d\n"), self->zoom);
      return 2;
    }
  if (self->lang != NULL && !g_str_equal (self->lang, "fr") && !g_str_equal (self->lang, "en"))
    {
      g_printerr (_("sockscope: --lang is fr or en, not “%s”\n"), self->lang);
      return 2;
    }
  /* Before any widget: every string is translated when it is made. */
  if (self->lang != NULL)
    sockscope_language_apply (self->lang);
  else
    {
      g_autoptr(GSettings) settings = sockscope_settings_new ();
      g_autofree char *lang = g_settings_get_string (settings, "language");

      if (lang[0] != '\0')
        sockscope_language_apply (lang);
    }
  if (g_variant_dict_lookup (options, "size", "&s", &size)
      && sscanf (size, "%dx%d", &self->width, &self->height) != 2)
    {
      g_printerr (_("sockscope: --size wants WIDTHxHEIGHT, such as 1600x1000, not “%s”\n"), size);
      return 2;
    }
  if (self->width < 200 || self->height < 200)
    {
      self->width = 1600;
      self->height = 1000;
    }

  /* A screenshot run is its own instance: never hand it to an already running app. */
  if (self->screenshot != NULL)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  return -1;
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Sockscope developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Sockscope"),
                         "application-icon", "io.sockscope.Sockscope",
                         "version", PACKAGE_VERSION,
                         "comments", _("Learn socket programming with real calls and real packets"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkApplication *app = user_data;

  gtk_window_present (sockscope_preferences_new (gtk_application_get_active_window (app)));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "quit", .activate = quit_action },
};

/* Follow the system, light, dark, or high contrast: libadwaita 1.2 only follows the system's
 * high contrast, so the preference loads our high-contrast stylesheet on a light scheme. Windows
 * get the .high-contrast class either way, for style.css's rules. */
static void
apply_style (SockscopeApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK, ADW_COLOR_SCHEME_FORCE_LIGHT,
  };
  AdwStyleManager *manager = adw_style_manager_get_default ();
  int style = g_settings_get_enum (self->settings, "style");
  gboolean forced = style == 3;
  gboolean high_contrast = forced || adw_style_manager_get_high_contrast (manager);
  GdkDisplay *display = gdk_display_get_default ();

  adw_style_manager_set_color_scheme (manager, schemes[CLAMP (style, 0, 3)]);
  if (forced && self->high_contrast == NULL)
    {
      self->high_contrast = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (self->high_contrast, "/io/sockscope/Sockscope/high-contrast.css");
      gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (self->high_contrast),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }
  else if (!forced && self->high_contrast != NULL)
    {
      gtk_style_context_remove_provider_for_display (display, GTK_STYLE_PROVIDER (self->high_contrast));
      g_clear_object (&self->high_contrast);
    }
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (high_contrast)
        gtk_widget_add_css_class (l->data, "high-contrast");
      else
        gtk_widget_remove_css_class (l->data, "high-contrast");
    }
}

/* A new language: the windows are made again, translated, with the lesson or the session they
 * had (a session carries its lesson: its file may be gone). */
static void
apply_language (SockscopeApplication *self)
{
  g_autofree char *lang = g_settings_get_string (self->settings, "language");
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  g_clear_pointer (&self->lang, g_free);
  sockscope_language_apply (lang);
  for (GList *l = windows; l != NULL; l = l->next)
    {
      SockscopeWindow *old, *window;
      int w, h;

      if (!SOCKSCOPE_IS_WINDOW (l->data))
        continue;
      old = l->data;
      window = sockscope_window_new (self);
      gtk_window_get_default_size (GTK_WINDOW (old), &w, &h);
      gtk_window_set_default_size (GTK_WINDOW (window), w, h);
      /* An exploration goes on in the new window: the same lab, steps and actors. */
      if (sockscope_window_is_exploring (old) && sockscope_window_take_exploration (window, old))
        ;
      else if (sockscope_window_get_replayed_session (old) != NULL)
        sockscope_window_open_file (window, sockscope_window_get_replayed_session (old));
      else
        sockscope_window_open_lesson (window, sockscope_window_get_lesson_path (old));
      gtk_window_present (GTK_WINDOW (window));
      gtk_window_destroy (GTK_WINDOW (old));
    }
  apply_style (self);
}

static void
on_settings_changed (SockscopeApplication *self,
                     const char           *key)
{
  if (g_str_equal (key, "style"))
    apply_style (self);
  else if (g_str_equal (key, "language") && self->lang == NULL)
    apply_language (self);
}

static void
on_window_added (SockscopeApplication *self)
{
  apply_style (self);
}

static void
sockscope_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  SockscopeApplication *self = SOCKSCOPE_APPLICATION (app);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (sockscope_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);

  gtk_css_provider_load_from_resource (css, "/io/sockscope/Sockscope/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->settings = sockscope_settings_new ();
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::high-contrast",
                           G_CALLBACK (apply_style), self, G_CONNECT_SWAPPED);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  apply_style (self);
}

static void
sockscope_application_finalize (GObject *object)
{
  SockscopeApplication *self = SOCKSCOPE_APPLICATION (object);

  g_free (self->screenshot);
  g_free (self->lesson);
  g_free (self->pane);
  g_free (self->lang);
  g_strfreev (self->explore_lines);
  g_free (self->explore_typing);
  g_clear_object (&self->settings);
  g_clear_object (&self->high_contrast);
  G_OBJECT_CLASS (sockscope_application_parent_class)->finalize (object);
}

static void
sockscope_application_class_init (SockscopeApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sockscope_application_finalize;
  app_class->activate = sockscope_application_activate;
  app_class->open = sockscope_application_open;
  app_class->startup = sockscope_application_startup;
  app_class->handle_local_options = sockscope_application_handle_local_options;
}

static void
sockscope_application_init (SockscopeApplication *self)
{
  static const GOptionEntry entries[] = {
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Render the window to a PNG file and quit"), N_("FILE") },
    { "lesson", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Open this lesson (an id or a path)"), N_("ID") },
    { "step", 0, 0, G_OPTION_ARG_INT, NULL, N_("With --screenshot: step the lesson up to this step first"), N_("N") },
    { "size", 0, 0, G_OPTION_ARG_STRING, NULL, N_("With --screenshot: the window size"), N_("WxH") },
    { "pane", 0, 0, G_OPTION_ARG_STRING, NULL, N_("With --screenshot: render only this pane (lesson, code, diagram, packets, sockets)"), N_("NAME") },
    { "play", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Step the lesson on its own, as the Play button does"), NULL },
    { "presenter", 0, 0, G_OPTION_ARG_NONE, NULL, N_("With --screenshot: in presenter mode"), NULL },
    { "explore", 0, 0, G_OPTION_ARG_NONE, NULL, N_("With --screenshot: in explore mode, from --lesson’s --step or an empty lab"), NULL },
    { "explore-line", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, N_("With --explore: a line to type and run (“:actor NAME ROLE” or “ACTOR: call”), repeatable"), N_("LINE") },
    { "explore-typing", 0, 0, G_OPTION_ARG_STRING, NULL, N_("With --explore: a line left typed in its actor’s entry (“ACTOR: text”)"), N_("LINE") },
    { "select-packet", 0, 0, G_OPTION_ARG_INT, NULL, N_("With --screenshot: select this packet (its number in the list) first"), N_("N") },
    { "zoom", 0, 0, G_OPTION_ARG_INT, NULL, N_("With --presenter: the zoom, 100 to 300 percent"), N_("PERCENT") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The language of the interface and the lessons: fr or en"), N_("LANG") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and quit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  /* TRANSLATORS: the files `sockscope` opens, in its --help: sockscope [OPTION…] [FILE…] */
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[LESSON or SESSION FILE…]"));
}

SockscopeApplication *
sockscope_application_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_APPLICATION,
                       "application-id", "io.sockscope.Sockscope",
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/sockscope/Sockscope",
                       NULL);
}

int
sockscope_application_get_exit_status (SockscopeApplication *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_APPLICATION (self), 1);

  return self->exit_status;
}
