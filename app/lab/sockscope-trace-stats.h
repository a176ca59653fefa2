/* sockscope-trace-stats.h: what a traced run cost the lab, counted as it runs and printed on
 * the lab's standard error when it ends if SOCKSCOPE_TRACE_STATS is set (bench/trace-bench). */
#pragma once

#include <glib.h>

typedef struct
{
  guint64 entry_stops;      /* seccomp stops of traced calls: each became a `call` event */
  guint64 exit_stops;       /* their syscall-exit stops: each became a `return` event */
  guint64 untraced_stops;   /* seccomp stops resumed with no event: a call not traced */
  guint64 other_stops;      /* fork/clone/exec/exit events, signals, a new task's SIGSTOP */
  guint64 fd_filters;       /* filters added for a socket's fd (sockscope-trace-fdfilter.c) */
  guint64 fd_filters_failed;
  guint64 fd_known;         /* a traced call's fd found a socket in what the tracer knew: no readlink */
  guint64 fd_table_stops;   /* dup2/dup3 onto a socket's number, close_range over it, unshare... */
  guint64 diag_dumps;       /* sock_diag dumps (every family, one each) */
  guint64 diag_ns;          /* their time */
} SsTraceStats;

extern SsTraceStats ss_trace_stats;

void ss_trace_stats_print (void);
