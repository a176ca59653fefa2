/* Placeholder: replaced by the session layer's owner. */
#include <stdio.h>
#include "sockscope-cli.h"
int sockscope_cli_list (int argc, char **argv) { fputs ("list: not built yet\n", stderr); return 1; }
int sockscope_cli_check (int argc, char **argv) { fputs ("check: not built yet\n", stderr); return 1; }
