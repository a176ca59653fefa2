/* main.c: the desktop app's entry point. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sockscope-application.h"
#include "sockscope-locale.h"

int
main (int argc, char **argv)
{
  g_autoptr(SockscopeApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, sockscope_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = sockscope_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : sockscope_application_get_exit_status (app);
}
