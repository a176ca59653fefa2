/* sockscope-application.c: command line, app-level actions, and the --screenshot mode that
 * opens the real window, steps a lesson, renders it to PNG and quits. */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-application.h"
#include "sockscope-screenshot.h"
#include "sockscope-window.h"

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
  int   exit_status;
  int   fit_attempts;
  int   settle_frames;
};

G_DEFINE_FINAL_TYPE (SockscopeApplication, sockscope_application, ADW_TYPE_APPLICATION)

static void
take_screenshot (SockscopeApplication *self,
                 SockscopeWindow      *window)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *target = sockscope_window_get_pane (window, self->pane, &error);

  if (target == NULL || !sockscope_screenshot_widget (target, self->screenshot, &error))
    {
      g_printerr ("sockscope: %s\n", error->message);
      self->exit_status = 1;
    }
  g_application_quit (G_APPLICATION (self));
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
  if (++self->settle_frames < 3)
    return G_SOURCE_CONTINUE;
  take_screenshot (self, SOCKSCOPE_WINDOW (widget));
  return G_SOURCE_REMOVE;
}

static void
on_screenshot_ready (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  SockscopeWindow *window = SOCKSCOPE_WINDOW (source);
  g_autoptr(SockscopeApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sockscope_window_prepare_finish (window, result, &error))
    {
      g_printerr ("sockscope: %s\n", error->message);
      self->exit_status = 1;
      g_application_quit (G_APPLICATION (self));
      return;
    }
  sockscope_window_show_pane (window, self->pane);
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
      sockscope_window_prepare_async (SOCKSCOPE_WINDOW (window), self->lesson, self->step,
                                      NULL, on_screenshot_ready, g_object_ref (self));
      return;
    }

  sockscope_window_open_lesson (SOCKSCOPE_WINDOW (window), self->lesson);
  gtk_window_present (window);
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

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action },
  { .name = "quit", .activate = quit_action },
};

static void
sockscope_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (sockscope_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);

  gtk_css_provider_load_from_resource (css, "/io/sockscope/Sockscope/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
sockscope_application_finalize (GObject *object)
{
  SockscopeApplication *self = SOCKSCOPE_APPLICATION (object);

  g_free (self->screenshot);
  g_free (self->lesson);
  g_free (self->pane);
  G_OBJECT_CLASS (sockscope_application_parent_class)->finalize (object);
}

static void
sockscope_application_class_init (SockscopeApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = sockscope_application_finalize;
  app_class->activate = sockscope_application_activate;
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
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and quit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

SockscopeApplication *
sockscope_application_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_APPLICATION,
                       "application-id", "io.sockscope.Sockscope",
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/sockscope/Sockscope",
                       NULL);
}

int
sockscope_application_get_exit_status (SockscopeApplication *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_APPLICATION (self), 1);

  return self->exit_status;
}
