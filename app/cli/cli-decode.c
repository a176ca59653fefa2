/* Placeholder: replaced by the decoder's owner. */
#include <stdio.h>
#include "sockscope-cli.h"
int sockscope_cli_decode (int argc, char **argv) { fputs ("decode: not built yet\n", stderr); return 1; }
