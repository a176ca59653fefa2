/* sockscope-trace-stats.c: the tracer's counters (sockscope-trace-stats.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "sockscope-trace-stats.h"

SsTraceStats ss_trace_stats;

void
ss_trace_stats_print (void)
{
  const SsTraceStats *s = &ss_trace_stats;
  struct rusage self, children;

  if (g_getenv ("SOCKSCOPE_TRACE_STATS") == NULL)
    return;
  getrusage (RUSAGE_SELF, &self);
  getrusage (RUSAGE_CHILDREN, &children);
  fprintf (stderr,
           "sockscope-lab: trace stats: entry_stops=%" G_GUINT64_FORMAT " exit_stops=%" G_GUINT64_FORMAT
           " untraced_stops=%" G_GUINT64_FORMAT " other_stops=%" G_GUINT64_FORMAT
           " fd_filters=%" G_GUINT64_FORMAT " fd_filters_failed=%" G_GUINT64_FORMAT
           " fd_known=%" G_GUINT64_FORMAT " fd_table_stops=%" G_GUINT64_FORMAT
           " diag_dumps=%" G_GUINT64_FORMAT " diag_ms=%.1f lab_cpu_ms=%.0f programs_cpu_ms=%.0f\n",
           s->entry_stops, s->exit_stops, s->untraced_stops, s->other_stops, s->fd_filters, s->fd_filters_failed, s->fd_known, s->fd_table_stops,
           s->diag_dumps, s->diag_ns / 1e6,
           (self.ru_utime.tv_sec + self.ru_stime.tv_sec) * 1e3 + (self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e3,
           (children.ru_utime.tv_sec + children.ru_stime.tv_sec) * 1e3 +
           (children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e3);
}
