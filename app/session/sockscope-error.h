/* sockscope-error.h: the project's error domain. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SOCKSCOPE_ERROR (sockscope_error_quark ())

typedef enum
{
  SOCKSCOPE_ERROR_PARSE,          /* a lesson or session file does not parse */
  SOCKSCOPE_ERROR_NOT_FOUND,      /* no such lesson, session or lab executable */
  SOCKSCOPE_ERROR_LAB_FATAL,      /* the lab could not start (namespaces refused...) */
  SOCKSCOPE_ERROR_LAB_CRASHED,    /* the lab exited without being asked to */
  SOCKSCOPE_ERROR_LAB_REFUSED,    /* the lab answered a command with an error */
  SOCKSCOPE_ERROR_PROTOCOL,       /* the lab sent something we do not understand */
  SOCKSCOPE_ERROR_BLOCKED,        /* a step waits for an actor that stays blocked */
  SOCKSCOPE_ERROR_IO,             /* writing a session or capture file failed */
} SockscopeError;

GQuark sockscope_error_quark (void);

G_END_DECLS
