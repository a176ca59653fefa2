/* sockscope-trace-stats.c: the tracer's counters (sockscope-trace-stats.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "sockscope-trace-stats.h"

SsTraceStats ss_trace_stats;

void
ss_trace_stats_print (void)
{
  const SsTraceStats *s = &ss_trace_stats;

  if (g_getenv ("SOCKSCOPE_TRACE_STATS") == NULL)
    return;
  fprintf (stderr,
           "sockscope-lab: trace stats: entry_stops=%" G_GUINT64_FORMAT " exit_stops=%" G_GUINT64_FORMAT
           " untraced_stops=%" G_GUINT64_FORMAT " other_stops=%" G_GUINT64_FORMAT
           " diag_dumps=%" G_GUINT64_FORMAT " diag_ms=%.1f\n",
           s->entry_stops, s->exit_stops, s->untraced_stops, s->other_stops,
           s->diag_dumps, s->diag_ns / 1e6);
}
