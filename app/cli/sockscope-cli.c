/* sockscope-cli.c: entry point; dispatches to one subcommand.
 *
 * Every command answers `--help` (and `sockscope-cli help COMMAND`) with its usage on stdout and
 * status 0, and ends with the same statuses: 0 done, 1 the input has errors or the run failed,
 * 2 a wrong command line (docs/man/sockscope-cli.1). */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gi18n.h>

#include "sockscope-cli.h"
#include "sockscope-locale.h"

typedef struct
{
  const char *name;
  int (*run) (int argc, char **argv);
  const char *args;
  const char *summary;
} Command;

static int help (int argc, char **argv);

static const Command commands[] = {
  { "list",   sockscope_cli_list,   "",                             N_("list the lessons") },
  { "check",  sockscope_cli_check,  "LESSON...",                    N_("validate lesson files") },
  { "code",   sockscope_cli_code,   "LESSON [ACTOR] [--code LANG] [--lang fr|en]", N_("print the program of each actor (C or Python)") },
  { "run",    sockscope_cli_run,    "LESSON [OPTION...]",           N_("run a lesson in a fresh lab") },
  { "trace",  sockscope_cli_trace,  "--run \"CMD ARGS\"... | -- CMD ARGS", N_("run your own programs in a fresh lab, tracing their socket calls") },
  { "explore", sockscope_cli_explore, "[--from LESSON:STEP] [--json]", N_("make socket calls yourself, one line at a time; keep them as a lesson") },
  { "replay", sockscope_cli_replay, "SESSION [--json]",             N_("print a recorded session") },
  { "export", sockscope_cli_export, "LESSON|SESSION --format F -o FILE", N_("export the diagram (png, svg, pdf), the packets or the session") },
  { "decode", sockscope_cli_decode, "CAPTURE [--json | --summary]", N_("decode a pcap or pcapng file") },
  { "help",   help,                 "[COMMAND]",                    N_("show this help, or the help of a command") },
};

static void
usage (FILE *out)
{
  fputs (_("Usage: sockscope-cli COMMAND [ARGS]\n\nCommands:\n"), out);
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-7s %-34s %s\n", commands[i].name, commands[i].args, _(commands[i].summary));
  fputs (_("\n'sockscope-cli COMMAND --help' shows the options of a command; 'man sockscope-cli' shows them all.\n"), out);
  fprintf (out, "%s\n", sockscope_cli_exit_statuses ());
}

static const Command *
find_command (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (name, commands[i].name) == 0)
      return &commands[i];
  return NULL;
}

/* `sockscope-cli help [COMMAND]`: the commands, or COMMAND --help. */
static int
help (int    argc,
      char **argv)
{
  const Command *command;
  char *help_argv[] = { NULL, (char *) "--help", NULL };
  g_autofree char *prgname = NULL;

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      (argc == 2 && strcmp (argv[1], "help") == 0))
    {
      usage (stdout);
      return SOCKSCOPE_CLI_OK;
    }
  if (argc > 2 || (command = find_command (argv[1])) == NULL)
    {
      fprintf (stderr, _("sockscope-cli help: no command '%s'\n"), argv[1]);
      usage (stderr);
      return SOCKSCOPE_CLI_USAGE;
    }
  help_argv[0] = (char *) command->name;
  prgname = g_strdup_printf ("sockscope-cli %s", command->name);
  g_set_prgname (prgname);
  return command->run (2, help_argv);
}

int
main (int argc, char **argv)
{
  const Command *command;
  g_autofree char *prgname = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, sockscope_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      usage (stderr);
      return SOCKSCOPE_CLI_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (stdout);
      return SOCKSCOPE_CLI_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("sockscope-cli %s\n", PACKAGE_VERSION);
      return SOCKSCOPE_CLI_OK;
    }
  if ((command = find_command (argv[1])) == NULL)
    {
      fprintf (stderr, _("sockscope-cli: unknown command '%s'\n"), argv[1]);
      usage (stderr);
      return SOCKSCOPE_CLI_USAGE;
    }
  /* GOption's --help then reads "Usage: sockscope-cli run [OPTION…] LESSON". */
  if (command->run != help)
    {
      prgname = g_strdup_printf ("sockscope-cli %s", command->name);
      g_set_prgname (prgname);
    }
  return command->run (argc - 1, argv + 1);
}
