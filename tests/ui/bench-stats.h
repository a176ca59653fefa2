/* bench-stats.h: percentiles of frame times, shared by the UI benchmarks. */
#pragma once

#include <glib.h>

static inline int
bench_compare_double (gconstpointer a,
                      gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The p-th percentile (0..1) of values, which it sorts. */
static inline double
bench_percentile (GArray *values,
                  double  p)
{
  g_array_sort (values, bench_compare_double);
  return g_array_index (values, double, (guint) (p * (values->len - 1) + 0.5));
}
