/* ui-test-util.c: what the window tests share. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sockscope-language.h"
#include "sockscope-locale.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

void
ui_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

SockscopeApplication *
ui_test_init (int          *argc,
              char       ***argv,
              const char   *lang)
{
  g_autoptr(GError) error = NULL;
  SockscopeApplication *app;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, sockscope_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  if (lang != NULL)
    sockscope_language_apply (lang);
  gtk_test_init (argc, argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  adw_init ();
  app = sockscope_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  return app;
}

void
ui_test_resize (SockscopeWindow *window,
                int              width,
                int              height)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  for (int attempt = 0; attempt < 20; attempt++)
    {
      int dw, dh, w, h;

      ui_test_spin (150);
      dw = width - gtk_widget_get_width (content);
      dh = height - gtk_widget_get_height (content);
      if (dw == 0 && dh == 0)
        break;
      gtk_window_get_default_size (GTK_WINDOW (window), &w, &h);
      gtk_window_set_default_size (GTK_WINDOW (window), w + dw, h + dh);
    }
  ui_test_spin (300);
}

void
ui_test_wait_for (SockscopeWindow *window,
                  UiTestCondition  cond,
                  guint            timeout_ms,
                  const char      *what)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (!cond (window))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s (error banner: %s)", what,
                 sockscope_window_get_error (window) ? sockscope_window_get_error (window) : "none");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

SockscopeWindow *
ui_test_only_window (SockscopeApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SOCKSCOPE_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
on_prepared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean *done = user_data;

  if (!sockscope_window_prepare_finish (SOCKSCOPE_WINDOW (source), result, &error))
    g_error ("preparing the lesson: %s", error->message);
  *done = TRUE;
}

void
ui_test_prepare (SockscopeWindow *window,
                 const char      *lesson,
                 int              step)
{
  gboolean done = FALSE;

  sockscope_window_prepare_async (window, lesson, step, NULL, on_prepared, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}
