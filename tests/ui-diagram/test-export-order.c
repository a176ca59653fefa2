/* test-export-order.c: the slide export draws a call's result where the call returned, after
 * the packets that woke it: lessons run in a real lab, their whole session exported. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "sockscope-diagram.h"
#include "sockscope-lab-client.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-runner.h"

static SockscopeDiagram *
export_lesson (const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_find (id, &error);
  g_autoptr(SockscopeEventLog) log = sockscope_event_log_new ();
  g_autoptr(SockscopeLabClient) client = sockscope_lab_client_new ();
  g_autoptr(SockscopeRunner) runner = NULL;
  SockscopeDiagram *diagram;

  g_assert_no_error (error);
  runner = sockscope_runner_new (lesson, client, log, "en");
  g_assert_true (sockscope_runner_run_to_end (runner, &error));
  g_assert_no_error (error);
  diagram = sockscope_diagram_new (lesson, log, "en", FALSE, 0, 0, &error);
  g_assert_no_error (error);
  return diagram;
}

/* The index of the first row from `from` of that kind whose text starts with prefix, or -1. */
static int
find_row (SockscopeDiagram *diagram,
          int               from,
          const char       *kind,
          const char       *prefix)
{
  const char *k;
  char *text;

  for (guint i = MAX (from, 0); sockscope_diagram_get_row (diagram, i, &k, &text); i++)
    {
      gboolean found = g_str_equal (k, kind) && g_str_has_prefix (text, prefix);

      g_free (text);
      if (found)
        return (int) i;
    }
  return -1;
}

static void
test_accept (void)
{
  g_autoptr(SockscopeDiagram) diagram = export_lesson ("tcp-handshake");
  int accept = find_row (diagram, 0, "call", "accept(3)");
  int connect = find_row (diagram, accept, "call", "connect(");
  int syn = find_row (diagram, connect, "packet", "SYN ");
  int ack = find_row (diagram, syn, "packet", "ACK ");
  int result = find_row (diagram, 0, "result", "← accept = 4 (127.0.0.1:");

  g_test_message ("accept %d, connect %d, SYN %d, ACK %d, result %d", accept, connect, syn, ack, result);
  g_assert_cmpint (accept, >=, 0);
  /* Blocked: its box holds the call alone. */
  g_assert_cmpint (find_row (diagram, 0, "call", "accept(3) ="), ==, -1);
  g_assert_cmpint (accept, <, connect);
  g_assert_cmpint (connect, <, syn);
  g_assert_cmpint (syn, <, ack);
  g_assert_cmpint (ack, <, result);
  /* A call that returns before anything else happens keeps its result in its box. */
  g_assert_cmpint (find_row (diagram, 0, "call", "bind(3, 127.0.0.1:7777) = 0"), >=, 0);
}

static void
test_refused (void)
{
  g_autoptr(SockscopeDiagram) diagram = export_lesson ("connection-refused");
  int connect = find_row (diagram, 0, "call", "connect(3, 127.0.0.1:9999)");
  int syn = find_row (diagram, connect, "packet", "SYN ");
  int rst = find_row (diagram, syn, "packet", "RST");
  int result = find_row (diagram, 0, "result", "← connect = -1 ECONNREFUSED");

  g_test_message ("connect %d, SYN %d, RST %d, result %d", connect, syn, rst, result);
  g_assert_cmpint (connect, >=, 0);
  g_assert_cmpint (connect, <, syn);
  g_assert_cmpint (syn, <, rst);
  g_assert_cmpint (rst, <, result);
}

static void
test_select (void)
{
  g_autoptr(SockscopeDiagram) diagram = export_lesson ("concurrent-select");
  int select = find_row (diagram, 0, "call", "select(3, 4, 5)");
  int send = find_row (diagram, select, "call", "send(3, \"from two");
  int data = find_row (diagram, send, "packet", "PSH,ACK");
  int result = find_row (diagram, select, "result", "← select = 1 ready: c2");

  g_test_message ("select %d, client 2's send %d, its data %d, select's result %d", select, send, data, result);
  g_assert_cmpint (select, >=, 0);
  g_assert_cmpint (select, <, send);
  g_assert_cmpint (send, <, data);
  g_assert_cmpint (data, <, result);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export-order/accept", test_accept);
  g_test_add_func ("/export-order/refused", test_refused);
  g_test_add_func ("/export-order/select", test_select);
  return g_test_run ();
}
