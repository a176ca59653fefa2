/* sockscope-trace-fdfilter.h: read, write, close... stop only on sockets (sockscope-trace-fdfilter.c). */
#pragma once

#include <glib.h>
#include <sys/types.h>
#include <sys/user.h>

typedef enum
{
  SS_FDFILTER_DONE,      /* the tracee's calls on the fd stop from now on; it is where it was */
  SS_FDFILTER_FAILED,    /* they do not (the kernel refused); it is where it was */
  SS_FDFILTER_GONE,      /* it is ending: *status is its next status, for the tracer to handle */
} SsFdFilterResult;

gboolean          ss_trace_fdfilter_call_on_fd (long nr);
gboolean          ss_trace_fdfilter_is_dup     (long nr,
                                                guint64 arg1);
SsFdFilterResult  ss_trace_fdfilter_add        (pid_t pid,
                                                pid_t tid,
                                                const struct user_regs_struct *regs,
                                                int fd,
                                                int *status);
