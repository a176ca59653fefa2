/* sockscope-cli.h: the subcommands of sockscope-cli, one file each. */
#pragma once

int sockscope_cli_decode (int argc, char **argv);   /* cli-decode.c */
int sockscope_cli_list   (int argc, char **argv);   /* cli-lessons.c */
int sockscope_cli_check  (int argc, char **argv);   /* cli-lessons.c */
int sockscope_cli_code   (int argc, char **argv);   /* cli-lessons.c */
int sockscope_cli_run    (int argc, char **argv);   /* cli-run.c */
int sockscope_cli_replay (int argc, char **argv);   /* cli-run.c */
int sockscope_cli_export (int argc, char **argv);   /* cli-export.c */
