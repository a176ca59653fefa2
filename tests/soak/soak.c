/* soak.c: many lesson runs in one front-end process, as the app does when a learner restarts
 * lessons all afternoon; and an actor killed by a signal while the lab runs.
 *
 *   soak [--runs N] [--warmup N] [--lessons a,b,...]   N runs (default 500) cycling through the
 *        lessons (default udp-echo,tcp-handshake); after run WARMUP (default 50) and after the
 *        last, counts this process's open fds, threads, child processes (zombies included) and
 *        RSS; fails if any grew by more than 1 % (RSS: after malloc_trim, so that freed but
 *        cached heap does not count; not checked under AddressSanitizer, whose quarantine
 *        keeps freed memory on purpose).
 *   soak --kill-actor   runs tcp-handshake until the server blocks in accept, kills the server
 *        with SIGKILL, and checks the lab says so in the event log (its exit, SIGKILL), the
 *        server's next step fails naming it, and the client's steps still run.
 *
 * Prints `SOAK` lines (figures) and exits 0 when every check holds. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "sockscope-event-log.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-runner.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

typedef struct
{
  guint  fds;
  guint  threads;
  guint  children;
  gsize  rss_kib;
} Usage;

/* ---- this process, from /proc ---- */

static guint
count_dir (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Processes whose parent is us, zombies too (a child not reaped is a leak). */
static guint
count_children (void)
{
  g_autoptr(GDir) d = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;
  pid_t me = getpid ();

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *close_paren;
      int ppid;

      if (!g_ascii_isdigit (*name))
        continue;
      path = g_strdup_printf ("/proc/%s/stat", name);
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* pid (comm) state ppid ...; comm may hold spaces and parentheses */
      if ((close_paren = strrchr (stat, ')')) == NULL || sscanf (close_paren + 2, "%*c %d", &ppid) != 1)
        continue;
      if (ppid == me)
        n++;
    }
  return n;
}

static Usage
measure (void)
{
  Usage u = { 0 };
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  /* let the lab's exit be noticed and reaped, as an idle app would */
  for (int i = 0; i < 20; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
  malloc_trim (0);
  u.fds = count_dir ("/proc/self/fd") - 1;   /* minus the one reading it */
  u.threads = count_dir ("/proc/self/task");
  u.children = count_children ();
  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:"))
      u.rss_kib = g_ascii_strtoull (lines[i] + 6, NULL, 10);
  return u;
}

/* ---- one run ---- */

static guint
run_lesson (SockscopeLesson *lesson,
            guint            run_number)
{
  g_autoptr(SockscopeEventLog) log = sockscope_event_log_new ();
  g_autoptr(SockscopeLabClient) client = sockscope_lab_client_new ();
  g_autoptr(SockscopeRunner) runner = sockscope_runner_new (lesson, client, log, "en");
  g_autoptr(GError) error = NULL;

  if (!sockscope_runner_start_sync (runner, &error))
    g_error ("run %u (%s): the lab did not start: %s", run_number, sockscope_lesson_get_id (lesson), error->message);
  while (!sockscope_runner_is_done (runner))
    if (!sockscope_runner_next_sync (runner, &error))
      g_error ("run %u (%s), step %u: %s", run_number, sockscope_lesson_get_id (lesson),
               sockscope_runner_get_position (runner) + 1, error->message);
  if (!sockscope_runner_stop_sync (runner, &error))
    g_error ("run %u (%s): stopping: %s", run_number, sockscope_lesson_get_id (lesson), error->message);
  return sockscope_event_log_get_n_events (log);
}

static gboolean
grew (const char *what,
      double      before,
      double      after,
      const char *unit)
{
  double growth = before > 0 ? (after - before) / before * 100.0 : (after > 0 ? 100.0 : 0.0);
  gboolean bad = after > before * 1.01;

  printf ("SOAK %s warmup=%.0f end=%.0f %s growth=%+.2f%% %s\n", what, before, after, unit, growth,
          bad ? "FAIL (more than 1 %)" : "ok");
  return bad;
}

static int
soak (guint       runs,
      guint       warmup,
      const char *lesson_ids)
{
  g_auto(GStrv) ids = g_strsplit (lesson_ids, ",", -1);
  g_autoptr(GPtrArray) lessons = g_ptr_array_new_with_free_func (g_object_unref);
  Usage start = { 0 }, end;
  gint64 t0 = 0, t_start = g_get_monotonic_time ();
  guint64 events = 0;
  int failed = 0;

  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      SockscopeLesson *lesson = sockscope_lesson_find (ids[i], &error);

      if (lesson == NULL)
        g_error ("%s", error->message);
      g_ptr_array_add (lessons, lesson);
    }
  if (warmup >= runs)
    warmup = runs / 10;

  for (guint run = 1; run <= runs; run++)
    {
      events += run_lesson (g_ptr_array_index (lessons, (run - 1) % lessons->len), run);
      if (run == warmup)
        {
          start = measure ();
          t0 = g_get_monotonic_time ();
          printf ("# after run %u: %u fds, %u threads, %u children, %zu KiB RSS\n", run,
                  start.fds, start.threads, start.children, start.rss_kib);
          fflush (stdout);
        }
    }
  end = measure ();
  printf ("# after run %u: %u fds, %u threads, %u children, %zu KiB RSS\n", runs,
          end.fds, end.threads, end.children, end.rss_kib);
  printf ("SOAK runs %u (%s), %" G_GUINT64_FORMAT " events, %.1f s in all, %.0f ms per run after warm-up\n",
          runs, lesson_ids, events, (g_get_monotonic_time () - t_start) / 1e6,
          (g_get_monotonic_time () - t0) / 1e3 / (runs - warmup));
  failed |= grew ("open_fds", start.fds, end.fds, "fds");
  failed |= grew ("threads", start.threads, end.threads, "threads");
  failed |= grew ("child_processes", start.children, end.children, "processes");
  if (end.children != 0)
    {
      printf ("SOAK child_processes FAIL: %u left after every lab was stopped\n", end.children);
      failed = 1;
    }
  if (UNDER_ASAN)
    printf ("SOAK rss not checked under AddressSanitizer (warmup=%zu end=%zu KiB)\n", start.rss_kib, end.rss_kib);
  else
    failed |= grew ("rss", start.rss_kib, end.rss_kib, "KiB");
  return failed ? 1 : 0;
}

/* ---- an actor killed by a signal ---- */

static int
find_event (SockscopeEventLog *log,
            const char        *type,
            const char        *member,
            const char        *value)
{
  for (guint i = 0; i < sockscope_event_log_get_n_events (log); i++)
    {
      g_autoptr(JsonObject) o = sockscope_event_log_parse (log, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "type", ""), type) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (o, member, ""), value) == 0)
        return i;
    }
  return -1;
}

static int
kill_actor (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_find ("tcp-handshake", &error);
  g_autoptr(SockscopeEventLog) log = sockscope_event_log_new ();
  g_autoptr(SockscopeLabClient) client = sockscope_lab_client_new ();
  g_autoptr(SockscopeRunner) runner = NULL;
  g_autoptr(JsonObject) spawned = NULL;
  g_autoptr(JsonObject) killed = NULL;
  gint64 deadline;
  int pos, failed = 0;
  pid_t server;

  g_assert_no_error (error);
  runner = sockscope_runner_new (lesson, client, log, "en");
  if (!sockscope_runner_start_sync (runner, &error))
    g_error ("the lab did not start: %s", error->message);
  /* steps 1-4: socket, bind, listen, accept (blocks) */
  for (guint i = 0; i < 4; i++)
    if (!sockscope_runner_next_sync (runner, &error))
      g_error ("step %u: %s", i + 1, error->message);
  if (find_event (log, "blocked", "call", "accept") < 0)
    g_error ("the server's accept did not block");

  pos = find_event (log, "actor", "actor", "server");
  g_assert_cmpint (pos, >=, 0);
  spawned = sockscope_event_log_parse (log, pos);
  server = json_object_get_int_member (spawned, "pid");
  printf ("# killing the server actor, pid %d, blocked in accept\n", (int) server);
  if (kill (server, SIGKILL) != 0)
    g_error ("kill %d: %s", (int) server, g_strerror (errno));

  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while ((pos = find_event (log, "exit", "actor", "server")) < 0 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  if (pos < 0)
    {
      printf ("SOAK kill_actor FAIL: no 'exit' event for the server within 2 s\n");
      return 1;
    }
  killed = sockscope_event_log_parse (log, pos);
  printf ("# event log: %s\n", sockscope_event_log_get_line (log, pos));
  if (g_strcmp0 (json_object_get_string_member_with_default (killed, "actor", ""), "server") != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (killed, "signal", ""), "SIGKILL") != 0 ||
      json_object_get_int_member_with_default (killed, "pid", 0) != server)
    {
      printf ("SOAK kill_actor FAIL: the event does not say the server was killed by SIGKILL\n");
      failed = 1;
    }

  /* the lab goes on: the client's steps (5: socket, 6: connect) run; connect is refused or
   * completes against a dead listener, either way the lab answers; the server's next step
   * (7: accept's return is awaited by the server's recv) fails naming the dead actor */
  {
    g_autoptr(GError) step_error = NULL;
    gboolean client_ran = sockscope_runner_next_sync (runner, &step_error);

    printf ("# step 5 (client): %s\n", client_ran ? "ran" : step_error->message);
    if (!client_ran)
      {
        printf ("SOAK kill_actor FAIL: the lab did not run the client's step after the server died\n");
        failed = 1;
      }
  }
  {
    guint steps = 0;
    g_autoptr(GError) step_error = NULL;

    while (!sockscope_runner_is_done (runner) && sockscope_runner_next_sync (runner, &step_error))
      steps++;
    printf ("# then %u more steps, stopped by: %s\n", steps, step_error ? step_error->message : "(the end)");
    if (step_error == NULL || strstr (step_error->message, "server") == NULL)
      {
        printf ("SOAK kill_actor FAIL: a step of the killed server did not fail naming it\n");
        failed = 1;
      }
  }
  if (!sockscope_runner_stop_sync (runner, &error))
    {
      printf ("SOAK kill_actor FAIL: stopping the lab: %s\n", error->message);
      failed = 1;
    }
  printf ("SOAK kill_actor %s\n", failed ? "FAIL" : "ok");
  return failed;
}

int
main (int    argc,
      char **argv)
{
  int runs = 500, warmup = 50;
  gboolean kill = FALSE;
  g_autofree char *lessons = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Lesson runs", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, "Runs before the first measure", "N" },
    { "lessons", 0, 0, G_OPTION_ARG_STRING, &lessons, "Lessons to cycle through", "A,B" },
    { "kill-actor", 0, 0, G_OPTION_ARG_NONE, &kill, "Kill an actor instead", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 2 || warmup < 1)
    {
      fprintf (stderr, "soak: %s\n", error ? error->message : "--runs >= 2, --warmup >= 1");
      return 2;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (kill)
    return kill_actor ();
  return soak (runs, warmup, lessons ? lessons : "udp-echo,tcp-handshake");
}
