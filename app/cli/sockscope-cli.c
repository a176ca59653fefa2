/* sockscope-cli.c: entry point; dispatches to one subcommand. */
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

static const Command commands[] = {
  { "decode", sockscope_cli_decode, "CAPTURE [--json | --summary]", N_("decode a pcap or pcapng file") },
  { "list",   sockscope_cli_list,   "",                             N_("list the lessons") },
  { "check",  sockscope_cli_check,  "LESSON...",                    N_("validate lesson files") },
  { "code",   sockscope_cli_code,   "LESSON [ACTOR] [--code LANG]", N_("print the program of each actor (C or Python)") },
  { "run",    sockscope_cli_run,    "LESSON [OPTION...]",           N_("run a lesson in a fresh lab") },
  { "replay", sockscope_cli_replay, "SESSION [--json]",             N_("print a recorded session") },
  { "export", sockscope_cli_export, "LESSON|SESSION --format F -o FILE", N_("export the diagram (png, svg, pdf), the packets or the session") },
};

static void
usage (FILE *out)
{
  fprintf (out, _("Usage: sockscope-cli COMMAND [ARGS]\n\nCommands:\n"));
  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-7s %-29s %s\n", commands[i].name, commands[i].args, _(commands[i].summary));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, sockscope_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("sockscope-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (size_t i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _("sockscope-cli: unknown command '%s'\n"), argv[1]);
  usage (stderr);
  return 2;
}
