/* cli-options.c: what every command's command line shares: its option context, and the exit
 * statuses its --help ends with. A file of its own so that the session fuzzer, which runs
 * `replay` without sockscope-cli's main(), links it too. */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-cli.h"

static const char exit_statuses[] =
  N_("Exit status: 0 done; 1 the lesson, session or capture has errors, or the run failed;\n"
     "2 a wrong command line (unknown command or option, missing argument).");

const char *
sockscope_cli_exit_statuses (void)
{
  return _(exit_statuses);
}

GOptionContext *
sockscope_cli_option_context (const char *parameters,
                              const char *summary)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, sockscope_cli_exit_statuses ());
  return context;
}
