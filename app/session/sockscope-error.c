/* sockscope-error.c: the project's error domain. */
#include "sockscope-error.h"

G_DEFINE_QUARK (sockscope-error-quark, sockscope_error)
