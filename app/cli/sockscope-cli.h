/* sockscope-cli.h: the subcommands of sockscope-cli, one file each. */
#pragma once

#include <glib.h>

/* Exit statuses, the same for every command (docs/man/sockscope-cli.1). */
enum
{
  SOCKSCOPE_CLI_OK = 0,      /* done */
  SOCKSCOPE_CLI_FAILED = 1,  /* the lesson, session or capture has errors, or the run failed */
  SOCKSCOPE_CLI_USAGE = 2,   /* the command line is wrong: unknown command or option, missing argument */
};

/* The option context every command parses its arguments with: `COMMAND --help` prints
 * @parameters, @summary, the options and the exit statuses. */
GOptionContext *sockscope_cli_option_context (const char *parameters,
                                              const char *summary);   /* cli-options.c */
/* "Exit status: 0 done; …", translated. */
const char     *sockscope_cli_exit_statuses  (void);                  /* cli-options.c */

int sockscope_cli_decode (int argc, char **argv);   /* cli-decode.c */
int sockscope_cli_list   (int argc, char **argv);   /* cli-lessons.c */
int sockscope_cli_check  (int argc, char **argv);   /* cli-lessons.c */
int sockscope_cli_code   (int argc, char **argv);   /* cli-lessons.c */
int sockscope_cli_run    (int argc, char **argv);   /* cli-run.c */
int sockscope_cli_replay (int argc, char **argv);   /* cli-run.c */
int sockscope_cli_export (int argc, char **argv);   /* cli-export.c */
int sockscope_cli_trace  (int argc, char **argv);   /* cli-trace.c */
int sockscope_cli_explore (int argc, char **argv);  /* cli-explore.c */
