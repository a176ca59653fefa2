/* programs-test.c: the window's "Your programs" mode and the lab's terminal, in the real window
 * under Xvfb (GTK and GLib warnings fatal), as a learner uses them:
 * - the course's TP09 Python server and client stepped call by call with Next, the actor Next
 *   lets go named on screen (and another chosen), their lifelines and packets drawn;
 * - the C echo server and client (csapp-lite.c linked beside them) compiled with cc -g and run
 *   freely;
 * - a .c with a syntax error: the compiler's message (file:line) shown, nothing run;
 * - before any program ran: no lesson's lifelines or code under the programs' title;
 * - the terminal: the TP5b echo server started in the background and two nc clients, each with
 *   its lifeline and its packets, listed in the pane as started from the terminal; after the window is closed no process started from it is left;
 * - two hosts: TP09's client on alice reaching its server on bob by name, the host bands drawn,
 *   and the Wire button losing the client's SYN (the kernel sends it again);
 * - a run on hosts named paris and tokyo recorded as a session, exported as File → Export does,
 *   and opened again: the programs' command lines and the hosts' names (two hosts of one name
 *   refused first).
 * SOCKSCOPE_TEST_SHOTS=DIR keeps trace-terminal.png (1600×1000, the diagram at 80 % from the
 * first nc's data on), trace-programs-step.png (TP09
 * stepped: the server blocked in accept, the client held before connect),
 * trace-programs-compile-error.png, trace-programs-hosts.png (TP09 across the wire, its SYN
 * lost) and trace-programs-session.png (the paris/tokyo run reopened); SOCKSCOPE_TEST_PRESENTER=1 takes the terminal's in presenter mode at 200 %,
 * SOCKSCOPE_TEST_LANG=fr in French. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockscope-application.h"
#include "sockscope-event-log.h"
#include "sockscope-export-dialog.h"
#include "sockscope-language.h"
#include "sockscope-locale.h"
#include "sockscope-screenshot.h"
#include "sockscope-terminal.h"
#include "sockscope-wire-panel.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

static SockscopeApplication *app;

static char *
example (const char *kind,
         const char *name)
{
  return g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "examples", kind, name, NULL);
}

static SockscopeWindow *
open_programs (void)
{
  SockscopeWindow *window = sockscope_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.programs", NULL));
  ui_test_spin (100);
  return window;
}

static void
close_window (SockscopeWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (200);
}

/* A program of the list: an example (kind: its folder) or a path (kind NULL), its arguments,
 * and with two hosts its host ("a", "b"). */
typedef struct
{
  const char *kind;
  const char *name;
  const char *args;
  const char *host;
} Program;

static const Program tp09[] = { { "python", "tp09_server.py" }, { "python", "tp09_client.py" }, { NULL } };

/* Adds the programs to the pane's list, as "Add a Program…" does, and runs them in @mode. */
static void
run_programs (SockscopeProgramsPane *pane,
              SockscopeTraceMode     mode,
              const Program         *programs)
{
  guint n = sockscope_programs_pane_get_n_programs (pane);

  for (guint i = 0; programs[i].name != NULL; i++)
    {
      g_autofree char *path = programs[i].kind != NULL ? example (programs[i].kind, programs[i].name)
                                                       : g_strdup (programs[i].name);

      sockscope_programs_pane_add_program (pane, path, programs[i].args);
      if (programs[i].host != NULL)
        sockscope_programs_pane_set_program_host (pane, n + i, programs[i].host);
    }
  sockscope_programs_pane_set_mode (pane, mode);
  sockscope_programs_pane_run (pane);
}

/* SOCKSCOPE_TEST_SHOTS=DIR: the window at 1600×1000 in DIR/name. */
static void
keep_shot (SockscopeWindow *window,
           const char      *name,
           guint            settle_ms)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("SOCKSCOPE_TEST_SHOTS") == NULL)
    return;
  path = g_build_filename (g_getenv ("SOCKSCOPE_TEST_SHOTS"), name, NULL);
  ui_test_resize (window, 1600, 1000);
  ui_test_spin (settle_ms);
  sockscope_screenshot_widget (GTK_WIDGET (window), path, &error);
  g_assert_no_error (error);
}

static int
lifeline (SockscopeWindow *window,
          const char      *name)
{
  return sockscope_sequence_view_find_lifeline (sockscope_window_get_diagram (window), name);
}

/* Packets drawn between the two lifelines, either way. */
static guint
packets_between (SockscopeWindow *window,
                 const char      *a,
                 const char      *b)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  int la = lifeline (window, a), lb = lifeline (window, b);
  guint n = 0;

  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      const char *kind, *text;
      int from, to;
      guint seq;

      if (sockscope_sequence_view_get_item (diagram, i, &seq, &kind, &text, &from, &to) &&
          g_str_equal (kind, "packet") && la >= 0 && lb >= 0 &&
          ((from == la && to == lb) || (from == lb && to == la)))
        n++;
    }
  return n;
}

/* Whether a label inside @widget that is on screen says @text. */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

/* The first paned of @orientation in @widget (the window's split between its top and bottom). */
static GtkPaned *
find_paned (GtkWidget      *widget,
            GtkOrientation  orientation)
{
  if (GTK_IS_PANED (widget) && gtk_orientable_get_orientation (GTK_ORIENTABLE (widget)) == orientation)
    return GTK_PANED (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkPaned *found = find_paned (child, orientation);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The log seq of @actor's first call starting with @prefix, or 0. */
static guint
call_seq (SockscopeWindow *window,
          const char      *actor,
          const char      *prefix)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  int l = lifeline (window, actor);

  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      const char *kind, *text;
      int from, to;
      guint seq;

      if (sockscope_sequence_view_get_item (diagram, i, &seq, &kind, &text, &from, &to) &&
          g_str_equal (kind, "call") && from == l && g_str_has_prefix (text, prefix))
        return seq;
    }
  return 0;
}

static gboolean
has_call (SockscopeWindow *window,
          const char      *actor,
          const char      *prefix)
{
  return call_seq (window, actor, prefix) != 0;
}

/* Runs until @actor's lifeline has a call starting with @prefix. */
static void
wait_call (SockscopeWindow *window,
           const char      *actor,
           const char      *prefix,
           gint64           deadline,
           const char      *what)
{
  while (!has_call (window, actor, prefix))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s", what);
      ui_test_spin (20);
    }
}

/* TP09 (or a server and client of the same story) drawn: accept, connect, the packets. */
static void
assert_exchange (SockscopeWindow *window,
                 const char      *server,
                 const char      *client)
{
  g_assert_true (has_call (window, server, "accept4("));
  g_assert_true (has_call (window, client, "connect("));
  g_assert_cmpuint (packets_between (window, server, client), >=, 6);
}

static void
wait_ended (SockscopeWindow *window,
            guint            timeout_ms)
{
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  for (;;)
    {
      SockscopeProgramsRun *run = sockscope_programs_pane_get_run (pane);

      if (run != NULL && sockscope_programs_run_is_lab_up (run) && !sockscope_programs_run_is_running (run))
        break;
      if (g_get_monotonic_time () > deadline)
        {
          GPtrArray *held = run != NULL ? sockscope_programs_run_get_held (run) : NULL;
          guint n = sockscope_window_get_n_events (window);

          for (guint i = n > 8 ? n - 8 : 0; i < n; i++)
            {
              g_autoptr(JsonObject) ev = sockscope_event_log_parse (sockscope_programs_run_get_log (run), i);

              g_printerr ("  %s %s %s\n", json_object_get_string_member_with_default (ev, "type", ""),
                          json_object_get_string_member_with_default (ev, "actor", ""),
                          json_object_get_string_member_with_default (ev, "text", ""));
            }
          g_error ("timed out: the programs did not end (%s; %u held, first %s)", sockscope_programs_pane_get_status (pane),
                   held != NULL ? held->len : 0, held != NULL && held->len > 0 ? (char *) g_ptr_array_index (held, 0) : "-");
        }
      ui_test_spin (20);
    }
  ui_test_spin (300);   /* the last states and the projection */
}

/* Your programs before any program ran: not the lesson's picture under the programs' title (no
 * lifeline, no lesson code, no packet), the code pane saying where the programs' code will be;
 * a lesson chosen again shows its own again. */
static void
test_empty (void)
{
  SockscopeWindow *window = sockscope_window_new (app);
  SockscopeCodePane *code = sockscope_window_get_code_pane (window);
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, "tcp-handshake");
  ui_test_wait_for (window, sockscope_window_is_idle, 10000, "the lesson's lab");
  g_assert_cmpuint (sockscope_sequence_view_get_n_lifelines (diagram), ==, 2);
  g_assert_nonnull (sockscope_code_pane_get_view (code, "server"));
  g_assert_null (sockscope_code_pane_get_placeholder (code));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.programs", NULL));
  ui_test_spin (300);
  g_assert_cmpuint (sockscope_sequence_view_get_n_lifelines (diagram), ==, 0);
  g_assert_cmpuint (sockscope_sequence_view_get_n_items (diagram), ==, 0);
  g_assert_null (sockscope_code_pane_get_view (code, "server"));
  g_assert_null (sockscope_code_pane_get_view (code, "client"));
  g_assert_nonnull (sockscope_code_pane_get_placeholder (code));
  /* in the interface's language (SOCKSCOPE_TEST_LANG=fr for the French pictures) */
  g_assert_cmpstr (sockscope_code_pane_get_placeholder (code), ==,
                   _("The code of your programs appears here once they run, "
                     "the line of each socket call highlighted."));
  g_assert_null (sockscope_window_get_lesson_path (window));
  g_assert_cmpuint (sockscope_window_get_n_events (window), ==, 0);

  /* the lesson again: its lifelines and code, no placeholder */
  sockscope_window_open_lesson (window, "tcp-handshake");
  ui_test_wait_for (window, sockscope_window_is_idle, 10000, "the lesson's lab again");
  g_assert_cmpuint (sockscope_sequence_view_get_n_lifelines (diagram), ==, 2);
  g_assert_nonnull (sockscope_code_pane_get_view (code, "server"));
  g_assert_null (sockscope_code_pane_get_placeholder (code));
  close_window (window);
}

static void
test_step (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint nexts = 0;
  gboolean chose_other = FALSE;
  gboolean shot = FALSE;
  SockscopeProgramsRun *run;

  run_programs (pane, SOCKSCOPE_TRACE_STEP, tp09);
  g_assert_cmpuint (sockscope_programs_pane_get_n_programs (pane), ==, 2);

  for (;;)
    {
      const char *text;
      GPtrArray *held;

      ui_test_spin (30);
      run = sockscope_programs_pane_get_run (pane);
      g_assert_nonnull (run);
      if (sockscope_programs_run_is_lab_up (run) && !sockscope_programs_run_is_running (run))
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out stepping the TP09 programs (%u nexts)", nexts);
      held = sockscope_programs_run_get_held (run);
      if (held->len == 0)
        continue;
      /* a held call has no result yet; the pane names the actor Next lets go and its call */
      text = sockscope_programs_pane_get_next_text (pane);
      g_assert_nonnull (text);
      g_assert_true (g_str_has_prefix (text, sockscope_programs_run_get_next_actor (run)));
      g_assert_nonnull (strstr (text, " · "));
      if (held->len >= 2 && !chose_other)
        {
          /* another actor chosen among those waiting: Next names it */
          const char *other = g_ptr_array_index (held, 1);
          g_autofree char *want = g_strdup (other);

          sockscope_programs_run_choose (run, want);
          ui_test_spin (10);
          g_assert_cmpstr (sockscope_programs_run_get_next_actor (run), ==, want);
          g_assert_true (g_str_has_prefix (sockscope_programs_pane_get_next_text (pane), want));
          chose_other = TRUE;
          sockscope_programs_pane_next (pane);
          nexts++;
          ui_test_spin (50);
          /* back to the default: the program started first (the server reaches accept before
           * its client connects) */
          sockscope_programs_run_choose (run, NULL);
          continue;
        }
      /* the picture: the server blocked in accept, the client held before its connect */
      if (!shot && g_str_has_prefix (text, "python3-2 · connect("))
        {
          keep_shot (window, "trace-programs-step.png", 800);
          shot = TRUE;
        }
      /* Space (win.next) lets it go as the pane's Next does, every other time */
      if (nexts % 2 == 0)
        {
          guint before = sockscope_window_get_n_events (window);
          gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL));
          while (sockscope_window_get_n_events (window) == before && g_get_monotonic_time () < until)
            ui_test_spin (10);
          g_assert_cmpuint (sockscope_window_get_n_events (window), >, before);   /* the call went on */
        }
      else
        sockscope_programs_pane_next (pane);
      nexts++;
    }
  ui_test_spin (300);
  g_assert_true (chose_other);
  g_assert_cmpuint (nexts, >=, 10);
  g_assert_cmpint (lifeline (window, "python3"), >=, 0);
  g_assert_cmpint (lifeline (window, "python3-2"), >=, 0);
  g_assert_true (has_call (window, "python3", "bind("));
  /* accept, connect; SYN, SYN-ACK, ACK, data, FIN... between the two lifelines */
  assert_exchange (window, "python3", "python3-2");

  /* The pane's history slider is the window's: back to the server's first calls, the client's
   * lifeline has not ended; back to live, it has. */
  {
    GtkAdjustment *history = sockscope_programs_pane_get_history (pane);
    SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
    guint second = (guint) lifeline (window, "python3-2");
    gboolean ended = FALSE;

    g_assert_true (history == sockscope_lesson_pane_get_history (sockscope_window_get_lesson_pane (window)));
    g_assert_cmpfloat (gtk_adjustment_get_upper (history), ==, sockscope_window_get_n_events (window));
    gtk_adjustment_set_value (history, 3);
    ui_test_spin (100);
    sockscope_sequence_view_lifeline_shown (diagram, second, &ended);
    g_assert_false (ended);
    gtk_adjustment_set_value (history, gtk_adjustment_get_upper (history));
    ui_test_spin (100);
    g_assert_true (sockscope_sequence_view_lifeline_shown (diagram, second, &ended));
    g_assert_true (ended);
  }
  close_window (window);
}

static void
test_c_run (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  static const Program echo[] = { { "c", "echoserveri.c", "7777 1" }, { "c", "echoclient.c", "localhost 7777" }, { NULL } };

  run_programs (pane, SOCKSCOPE_TRACE_RUN, echo);
  wait_ended (window, 60000);
  g_assert_null (sockscope_programs_pane_get_errors (pane));
  g_assert_cmpint (lifeline (window, "echoserveri"), >=, 0);
  g_assert_cmpint (lifeline (window, "echoclient"), >=, 0);
  g_assert_true (has_call (window, "echoserveri", "listen("));
  g_assert_true (has_call (window, "echoclient", "connect("));
  g_assert_cmpuint (packets_between (window, "echoserveri", "echoclient"), >=, 4);
  close_window (window);
}

static void
test_compile_error (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  g_autofree char *dir = g_dir_make_tmp ("programs-test-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.c", NULL);
  const Program programs[] = { { "python", "tp09_server.py" }, { NULL, bad }, { NULL } };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  const char *errors;

  g_assert_true (g_file_set_contents (bad, "int\nmain (void)\n{\n  return 0\n}\n", -1, NULL));
  run_programs (pane, SOCKSCOPE_TRACE_RUN, programs);
  while ((errors = sockscope_programs_pane_get_errors (pane)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the compiler's errors were not shown (%s)", sockscope_programs_pane_get_status (pane));
      ui_test_spin (20);
    }
  /* file:line, then the compiler's message; nothing ran, not even the Python server */
  g_assert_true (g_str_has_prefix (errors, "bad.c:4: error: expected"));
  g_assert_null (strstr (errors, "^"));
  g_assert_null (sockscope_programs_pane_get_run (pane));
  ui_test_spin (500);
  g_assert_cmpuint (sockscope_window_get_n_events (window), ==, 0);
  g_assert_cmpuint (sockscope_sequence_view_get_n_items (sockscope_window_get_diagram (window)), ==, 0);
  keep_shot (window, "trace-programs-compile-error.png", 0);
  g_unlink (bad);
  g_rmdir (dir);
  close_window (window);
}

/* Play: held calls let go by themselves, at the pace chosen. */
static void
test_play (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  SockscopeProgramsRun *run;

  run_programs (pane, SOCKSCOPE_TRACE_PLAY, tp09);
  ui_test_spin (200);
  run = sockscope_programs_pane_get_run (pane);
  g_assert_nonnull (run);
  sockscope_programs_run_set_interval (run, 60);
  wait_ended (window, 60000);
  assert_exchange (window, "python3", "python3-2");
  close_window (window);
}

/* A file that is no program: the pane says why it did not run; the others run. */
static void
test_not_a_program (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  g_autofree char *readme = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "README.md", NULL);
  const Program programs[] = { tp09[0], { NULL, readme }, tp09[1], { NULL } };

  run_programs (pane, SOCKSCOPE_TRACE_RUN, programs);
  wait_ended (window, 60000);
  g_assert_nonnull (strstr (sockscope_programs_pane_get_status (pane), "README.md is not an executable program"));
  g_assert_cmpint (lifeline (window, "python3-2"), >=, 0);
  assert_exchange (window, "python3", "python3-2");
  close_window (window);
}

static gboolean
alive (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;

  /* a zombie runs nothing */
  return g_file_get_contents (path, &stat, NULL, NULL) && strstr (stat, ") Z ") == NULL;
}

static int
parent_of (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return 0;
  return atoi (end + 4);   /* ") S PPID" */
}

/* This test's processes (its lab's descendants) whose environment has the lab terminal's prompt:
 * the shell and all it started.  Other tests may run terminals of their own meanwhile. */
static GArray *
terminal_processes (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (int));
  const char *name;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "environ", NULL);
      g_autofree char *env = NULL;
      gsize len = 0;
      int pid = atoi (name), up = pid;

      if (!g_ascii_isdigit (name[0]) || !alive (pid) || !g_file_get_contents (path, &env, &len, NULL))
        continue;
      while (up > 1 && up != getpid ())
        up = parent_of (up);
      if (up != getpid ())
        continue;
      for (gsize i = 0; i < len; i += strlen (env + i) + 1)
        if (g_str_has_prefix (env + i, "PS1=lab:"))
          g_array_append_val (pids, pid);
    }
  return pids;
}

static guint
n_terminal_processes (void)
{
  g_autoptr(GArray) pids = terminal_processes ();

  return pids->len;
}

static guint
n_still_alive (GArray *pids)
{
  guint n = 0;

  for (guint i = 0; i < pids->len; i++)
    n += alive (g_array_index (pids, int, i));
  return n;
}

static gboolean
terminal_shows (SockscopeTerminal *terminal,
                const char        *text,
                guint              times)
{
  g_autofree char *screen = sockscope_terminal_get_text (terminal);
  guint n = 0;

  for (const char *p = screen; p != NULL && (p = strstr (p, text)) != NULL; p += strlen (text))
    n++;
  return n >= times;
}

static void
wait_terminal (SockscopeWindow   *window,
               SockscopeTerminal *terminal,
               const char        *text,
               guint              times)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!terminal_shows (terminal, text, times))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *screen = sockscope_terminal_get_text (terminal);

          g_error ("the terminal does not show %s %u times:\n%s", text, times, screen);
        }
      ui_test_spin (20);
    }
}

/* Opens the lab's terminal from the pane (a lab of its own), ready for keys. */
static SockscopeTerminal *
open_terminal (SockscopeProgramsPane *pane,
               gint64                 deadline)
{
  SockscopeTerminal *terminal;

  sockscope_programs_pane_set_mode (pane, SOCKSCOPE_TRACE_RUN);
  sockscope_programs_pane_open_terminal (pane);
  while ((terminal = SOCKSCOPE_TERMINAL (sockscope_programs_pane_get_terminal (pane))) == NULL ||
         !sockscope_terminal_is_ready (terminal))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the lab's terminal did not start");
      ui_test_spin (20);
    }
  return terminal;
}

/* The TP5b echo server started in the background from the terminal, waiting in accept. */
static void
start_echo_server (SockscopeWindow   *window,
                   SockscopeTerminal *terminal,
                   gint64             deadline)
{
  g_autofree char *cd = g_strdup_printf ("cd '%s'\n", g_getenv ("SOCKSCOPE_SOURCE_ROOT"));

  sockscope_terminal_type (terminal, cd);
  sockscope_terminal_type (terminal, "python3 examples/python/tp5b_echo_server.py &\n");
  wait_call (window, "python3", "accept4(", deadline, "the echo server started from the terminal does not accept");
}

static void
test_terminal (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  SockscopeTerminal *terminal;
  g_autoptr(GArray) started = NULL;

  g_assert_cmpuint (n_terminal_processes (), ==, 0);
  terminal = open_terminal (pane, deadline);
  /* the terminal is the bottom page the window shows */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (terminal)));
  wait_terminal (window, terminal, "lab:", 1);
  start_echo_server (window, terminal, deadline);
  sockscope_terminal_type (terminal, "echo hello | nc -q 1 127.0.0.1 7777\n");
  wait_terminal (window, terminal, "hello", 2);   /* typed, then echoed by the server */
  ui_test_spin (1500);    /* nc -q 1 ends a second after its input: the prompt is back */
  sockscope_terminal_type (terminal, "echo bonjour | nc -q 1 ::1 7777\n");
  wait_terminal (window, terminal, "bonjour", 2);
  ui_test_spin (1500);

  g_assert_cmpint (lifeline (window, "python3"), >=, 0);
  g_assert_cmpint (lifeline (window, "nc"), >=, 0);
  g_assert_cmpint (lifeline (window, "nc-2"), >=, 0);
  /* the shell is no lifeline: its fork, exec and wait are not drawn */
  g_assert_cmpint (lifeline (window, "bash"), <, 0);
  g_assert_true (has_call (window, "nc", "connect(3, 127.0.0.1:7777)"));
  g_assert_true (has_call (window, "nc-2", "connect(3, [::1]:7777)"));
  g_assert_cmpuint (packets_between (window, "python3", "nc"), >=, 6);
  g_assert_cmpuint (packets_between (window, "python3", "nc-2"), >=, 6);
  {
    /* the pane lists the programs started from the terminal, not "No program yet" */
    g_autofree char *listed = sockscope_programs_pane_get_started (pane);

    g_assert_cmpstr (listed, ==, "python3\nnc\nnc-2\n");
    g_assert_false (shows_label (GTK_WIDGET (pane), "No program yet"));
  }
  started = terminal_processes ();
  g_assert_cmpuint (started->len, >=, 2);   /* the shell and the echo server */

  if (g_getenv ("SOCKSCOPE_TEST_SHOTS") != NULL)
    {
      if (g_getenv ("SOCKSCOPE_TEST_PRESENTER") != NULL)
        {
          sockscope_window_set_no_fullscreen (window, TRUE);
          sockscope_window_set_presenter (window, TRUE);
          sockscope_window_set_presenter_zoom (window, 2.0);
        }
      else
        {
          /* Readable (not the whole session squeezed): the terminal's page as high as its ten
           * lines (the split dragged down), the diagram at 80 % from the first nc's "hello" on:
           * the server echoing it, nc's FIN and the server's close, the second nc's lifeline
           * beside them. */
          SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);

          ui_test_resize (window, 1600, 1000);
          ui_test_spin (300);
          gtk_paned_set_position (find_paned (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL), 715);
          sockscope_sequence_view_set_zoom (diagram, 0.8);
          sockscope_sequence_view_set_focus (diagram, call_seq (window, "nc", "write(3, \"hello"));
        }
      keep_shot (window, "trace-terminal.png", 1500);
    }

  /* Closing the window ends the lab: the shell and the server started from it end too. */
  gtk_window_destroy (GTK_WINDOW (window));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (n_still_alive (started) > 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%u processes started from the lab's terminal outlived the window", n_still_alive (started));
      ui_test_spin (50);
    }
}

static void
test_terminal_close (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  SockscopeTerminal *terminal = open_terminal (pane, deadline);
  g_autoptr(GArray) started = NULL;

  /* Real keys, as a learner types them (xdotool under Xvfb): the window's own keys (Space, the
   * arrows, Home) go to the shell, not to the lesson's Next and Back. */
  if (g_find_program_in_path ("xdotool") != NULL)
    {
      const char *argv[] = { "sh", "-c",
                             "xdotool search --sync --onlyvisible --name Sockscope windowfocus --sync && "
                             "xdotool type --delay 20 'cho typed by keys' && xdotool key Home && "
                             "xdotool type e && xdotool key Return",
                             NULL };
      g_autoptr(GError) error = NULL;

      wait_terminal (window, terminal, "lab:", 1);
      g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &error));
      /* the command line (Home went to its start: "echo"), then its output */
      wait_terminal (window, terminal, "echo typed by keys", 1);
      wait_terminal (window, terminal, "typed by keys", 2);
    }
  start_echo_server (window, terminal, deadline);
  started = terminal_processes ();
  g_assert_cmpuint (started->len, >=, 2);
  /* Closing the terminal (its button) ends what it started; the window stays. */
  sockscope_terminal_close (terminal);
  while (n_still_alive (started) > 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%u processes outlived the lab's terminal", n_still_alive (started));
      ui_test_spin (50);
    }
  g_assert_null (sockscope_programs_pane_get_terminal (pane));
  ui_test_spin (300);
  {
    /* the server's lifeline ends: its exit is drawn */
    gboolean ended = FALSE;

    sockscope_sequence_view_set_position (sockscope_window_get_diagram (window), G_MAXUINT);
    g_assert_true (sockscope_sequence_view_lifeline_shown (sockscope_window_get_diagram (window),
                                                           (guint) lifeline (window, "python3"), &ended));
    g_assert_true (ended);
  }
  close_window (window);
}

/* ---- two hosts ---- */

/* The diagram's host bands: a on the left with its name and address, b on the right, the wire
 * between them and each program's column on its host's side. */
static void
assert_host_bands (SockscopeWindow *window,
                   const char      *a,
                   const char      *b,
                   const char      *on_a,
                   const char      *on_b)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  const SockscopeLayout *l = sockscope_sequence_view_get_layout (diagram, NULL);
  g_autofree char *band_a = NULL;
  g_autofree char *band_b = NULL;

  g_assert_nonnull (l);
  g_assert_cmpuint (l->n_hosts, ==, 2);
  band_a = g_strjoinv (" ", l->hosts[0].lines);
  band_b = g_strjoinv (" ", l->hosts[1].lines);
  g_assert_cmpstr (band_a, ==, a);
  g_assert_cmpstr (band_b, ==, b);
  g_assert_cmpfloat (l->hosts[0].band.x + l->hosts[0].band.width, <, l->wire_x);
  g_assert_cmpfloat (l->hosts[1].band.x, >, l->wire_x);
  g_assert_cmpfloat (l->columns[lifeline (window, on_a)].x, <, l->wire_x);
  g_assert_cmpfloat (l->columns[lifeline (window, on_b)].x, >, l->wire_x);
}

/* The diagram item of a packet whose text starts with @prefix and holds @holds, or NULL. */
static const char *
packet_text (SockscopeWindow *window,
             const char      *prefix,
             const char      *holds)
{
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);

  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      const char *kind, *text;
      int from, to;
      guint seq;

      if (sockscope_sequence_view_get_item (diagram, i, &seq, &kind, &text, &from, &to) &&
          g_str_equal (kind, "packet") && g_str_has_prefix (text, prefix) && strstr (text, holds) != NULL)
        return text;
    }
  return NULL;
}

/* "Two hosts": TP09's client on alice (a) reaching its server on bob (b) by name, stepped; held
 * before its connect, the Wire button loses its next packet: the SYN stops on the wire, the
 * kernel sends it again a second later and the exchange completes. */
static void
test_two_hosts (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  SockscopeWirePanel *panel = sockscope_window_get_wire_panel (window);
  static const Program programs[] = {
    { "python", "tp09_server.py", "0.0.0.0", "b" }, { "python", "tp09_client.py", "bob", "a" }, { NULL }
  };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  SockscopeProgramsRun *run;
  SockscopeEventLog *log;
  guint drops = 0;

  g_assert_false (gtk_widget_get_visible (sockscope_window_get_wire_button (window)));
  sockscope_programs_pane_set_hosts (pane, TRUE, NULL, NULL);   /* alice and bob, as shown */
  run_programs (pane, SOCKSCOPE_TRACE_STEP, programs);
  /* Next until the client waits before its connect to the server (which waits in accept). */
  for (;;)
    {
      const char *next;

      ui_test_spin (20);
      run = sockscope_programs_pane_get_run (pane);
      g_assert_nonnull (run);
      next = sockscope_programs_pane_get_next_text (pane);
      /* (name lookups connect to nscd's socket first) */
      if (next != NULL && g_str_has_prefix (next, "python3-2 · connect(") && strstr (next, ":65432") != NULL)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out: the client never waited before its connect (%s)", sockscope_programs_pane_get_status (pane));
      if (next != NULL)
        sockscope_programs_pane_next (pane);
    }
  /* the client connects to bob's address, which it found by name */
  g_assert_nonnull (strstr (sockscope_programs_pane_get_next_text (pane), "192.0.2.2:65432"));
  g_assert_true (sockscope_programs_run_has_hosts (run));
  g_assert_true (gtk_widget_get_visible (sockscope_window_get_wire_button (window)));
  /* the Wire popover's button: one `wire` command on the run's lab */
  sockscope_wire_panel_send (panel, "dir=a>b,drop=next");
  while (sockscope_wire_panel_get_n_pending (panel) > 0 && g_get_monotonic_time () < deadline)
    ui_test_spin (20);
  g_assert_cmpstr (sockscope_wire_panel_get_last_spec (panel), ==, "dir=a>b,drop=next");
  {
    /* the panel says it was sent, not refused (in the interface's language) */
    g_autofree char *sent = g_strdup_printf (C_("wire", "Sent: %s"), "dir=a>b,drop=next");

    g_assert_cmpstr (sockscope_wire_panel_get_status (panel), ==, sent);
  }
  sockscope_programs_pane_set_mode (pane, SOCKSCOPE_TRACE_RUN);
  wait_ended (window, 60000);

  assert_exchange (window, "python3", "python3-2");
  g_assert_true (has_call (window, "python3-2", "connect(3, 192.0.2.2:65432)"));
  assert_host_bands (window, "alice · 192.0.2.1", "bob · 192.0.2.2", "python3-2", "python3");
  /* the lost SYN on the diagram, and in the log: one drop, the client's SYN from a to b */
  g_assert_nonnull (packet_text (window, "SYN", _("lost on the wire")));
  log = sockscope_programs_run_get_log (run);
  for (guint i = 0; i < sockscope_event_log_get_n_events (log); i++)
    {
      g_autoptr(JsonObject) ev = sockscope_event_log_parse (log, i);

      if (g_str_equal (json_object_get_string_member (ev, "type"), "wire") &&
          g_strcmp0 (json_object_get_string_member_with_default (ev, "action", ""), "drop") == 0)
        {
          g_autoptr(JsonObject) packet = sockscope_event_log_parse (log, (guint) json_object_get_int_member (ev, "packet") - 1);
          JsonObject *pkt = json_object_get_object_member (packet, "pkt");

          g_assert_cmpstr (json_object_get_string_member (pkt, "flags"), ==, "S");
          g_assert_cmpstr (json_object_get_string_member (packet, "wire"), ==, "a>b");
          g_assert_cmpstr (json_object_get_string_member (packet, "from"), ==, "python3-2");
          drops++;
        }
    }
  g_assert_cmpuint (drops, ==, 1);
  /* the picture: the history a few events past the SYN-ACK that answered the SYN sent again */
  for (guint i = 0; i < sockscope_event_log_get_n_events (log); i++)
    {
      g_autoptr(JsonObject) ev = sockscope_event_log_parse (log, i);

      if (g_str_equal (json_object_get_string_member (ev, "type"), "packet") &&
          g_str_equal (json_object_get_string_member (json_object_get_object_member (ev, "pkt"), "flags"), "S."))
        {
          gtk_adjustment_set_value (sockscope_programs_pane_get_history (pane), i + 8);
          break;
        }
    }
  keep_shot (window, "trace-programs-hosts.png", 1500);
  close_window (window);
}

/* A run on hosts named paris and tokyo is recorded as `trace --session` records one; exported as
 * File → Export writes it, it opens again with its programs' command lines and the names. */
static void
test_session (void)
{
  SockscopeWindow *window = open_programs ();
  SockscopeProgramsPane *pane = sockscope_window_get_programs_pane (window);
  static const Program programs[] = {
    { "python", "tp09_server.py", "0.0.0.0", "a" }, { "python", "tp09_client.py", "paris", "b" }, { NULL }
  };
  g_autofree char *dir = g_dir_make_tmp ("programs-session-XXXXXX", NULL);
  g_autofree char *exported = g_build_filename (dir, "paris-tokyo.sockscope", NULL);
  g_autofree char *slides = g_build_filename (dir, "slides.png", NULL);
  g_autofree char *slide = g_build_filename (dir, "slides-1.png", NULL);
  g_autofree char *recorded = NULL;
  g_autofree char *programs_shown = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  SockscopeEventLog *log;
  guint n_events;
  gint64 deadline;

  /* two hosts of one name: the pane says so and nothing runs */
  {
    g_autofree char *twice = g_strdup_printf (_("The two hosts need two names, not “%s” twice."), "paris");

    sockscope_programs_pane_set_hosts (pane, TRUE, "paris", "Paris");
    run_programs (pane, SOCKSCOPE_TRACE_RUN, programs);
    g_assert_cmpstr (sockscope_programs_pane_get_status (pane), ==, twice);
    g_assert_null (sockscope_programs_pane_get_run (pane));
    sockscope_programs_pane_clear (pane);
  }
  sockscope_programs_pane_set_hosts (pane, TRUE, NULL, "tokyo");
  run_programs (pane, SOCKSCOPE_TRACE_RUN, programs);
  wait_ended (window, 60000);
  assert_host_bands (window, "paris · 192.0.2.1", "tokyo · 192.0.2.2", "python3", "python3-2");
  g_assert_true (has_call (window, "python3-2", "connect(3, 192.0.2.1:65432)"));

  /* recorded as it ran, among the recent sessions, as a traced session */
  recorded = g_strdup (sockscope_window_get_session_path (window));
  g_assert_nonnull (recorded);
  {
    g_autoptr(GPtrArray) sessions = sockscope_window_list_sessions ();

    g_assert_cmpstr (g_ptr_array_index (sessions, 0), ==, recorded);
  }
  g_assert_true (g_file_get_contents (recorded, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{\"sockscope_session\":2,\"lesson\":\"trace\""));
  g_assert_nonnull (strstr (text, "\"host_name\":\"tokyo\""));
  /* File → Export: the session (the recording copied) and slides */
  log = sockscope_programs_run_get_log (sockscope_programs_pane_get_run (pane));
  g_assert_true (sockscope_export_write (NULL, log, recorded, "en", FALSE, "session", 1, 0, 0, exported, &error));
  g_assert_no_error (error);
  g_assert_true (sockscope_export_write (NULL, log, NULL, "en", FALSE, "png", 1, 0, 0, slides, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (slide, G_FILE_TEST_EXISTS));
  n_events = sockscope_event_log_get_n_events (log);
  close_window (window);

  /* Opened again (File → Open): the programs where the steps would be, the hosts' names. */
  window = sockscope_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-session", "s", exported));
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (sockscope_window_get_n_events (window) < n_events || sockscope_window_is_projecting (window))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the exported session did not open (%u events; %s)", sockscope_window_get_n_events (window),
                 sockscope_window_get_error (window) ? sockscope_window_get_error (window) : "no error");
      ui_test_spin (20);
    }
  g_assert_null (sockscope_window_get_error (window));
  ui_test_spin (500);
  programs_shown = sockscope_lesson_pane_get_programs (sockscope_window_get_lesson_pane (window));
  g_assert_cmpstr (programs_shown, ==, "python3 tp09_server.py 0.0.0.0\npython3-2 tp09_client.py paris\n");
  assert_host_bands (window, "paris · 192.0.2.1", "tokyo · 192.0.2.2", "python3", "python3-2");
  assert_exchange (window, "python3", "python3-2");
  keep_shot (window, "trace-programs-session.png", 800);
  close_window (window);
  g_unlink (slide);
  g_unlink (exported);
  for (guint i = 2; ; i++)
    {
      g_autofree char *more = g_strdup_printf ("%s/slides-%u.png", dir, i);

      if (g_unlink (more) != 0)
        break;
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-programs-XXXXXX", NULL);

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  app = ui_test_init (&argc, &argv, g_getenv ("SOCKSCOPE_TEST_LANG"));

  if (!g_find_program_in_path ("nc") || !g_find_program_in_path ("cc") || !g_find_program_in_path ("bash"))
    {
      g_print ("1..0 # SKIP needs nc, cc and bash\n");
      return 77;
    }
  g_test_add_func ("/programs/empty", test_empty);
  g_test_add_func ("/programs/step", test_step);
  g_test_add_func ("/programs/c-run", test_c_run);
  g_test_add_func ("/programs/play", test_play);
  g_test_add_func ("/programs/not-a-program", test_not_a_program);
  g_test_add_func ("/programs/compile-error", test_compile_error);
  g_test_add_func ("/programs/two-hosts", test_two_hosts);
  g_test_add_func ("/programs/session", test_session);
  g_test_add_func ("/programs/terminal", test_terminal);
  g_test_add_func ("/programs/terminal-close", test_terminal_close);
  return g_test_run ();
}
