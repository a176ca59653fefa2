/* Placeholder: replaced by the session layer's owner. */
#include <stdio.h>
#include "sockscope-cli.h"
int sockscope_cli_run (int argc, char **argv) { fputs ("run: not built yet\n", stderr); return 1; }
int sockscope_cli_replay (int argc, char **argv) { fputs ("replay: not built yet\n", stderr); return 1; }
