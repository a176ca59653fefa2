/* test-session-parts.c: a long session read as the window reads it (its first events, then the
 * rest in parts from a thread) gives the same events as read whole; a corrupt line in the rest
 * is named and the events before it stay; a packet read without a tree has the members its tree
 * has. No display. */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "sockscope-event-log.h"

#define PACKET "{\"seq\":%u,\"t_ns\":%u,\"type\":\"packet\",\"n\":%u,\"cause\":null,\"cause_text\":\"kernel\"," \
  "\"from\":\"client\",\"to\":\"server\",\"analysis\":null,\"linktype\":1,\"caplen\":66,\"origlen\":66," \
  "\"pkt\":{\"proto\":\"tcp\",\"src\":\"127.0.0.1\",\"dst\":\"127.0.0.1\",\"sport\":40000,\"dport\":7777," \
  "\"flags\":\"P.\",\"seq\":%u,\"ack\":1,\"win\":502,\"len\":5,\"truncated\":false,\"malformed\":false," \
  "\"reason\":null,\"summary\":\"IP 127.0.0.1.40000 > 127.0.0.1.7777: Flags [P.]\"}," \
  "\"raw\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}\n"

/* A session of n packet events (more than the 4 MiB its head is read from), line @corrupt
 * (from 2, 0: none) broken. */
static char *
write_session (guint n,
               guint corrupt)
{
  g_autoptr(GString) text = g_string_new ("{\"sockscope_session\":2,\"lesson\":\"x\",\"lang\":\"en\"}\n");
  char *path = g_build_filename (g_get_tmp_dir (), "sockscope-parts-XXXXXX.sockscope", NULL);
  int fd = g_mkstemp (path);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  for (guint i = 1; i <= n; i++)
    {
      if (i + 1 == corrupt)
        g_string_append (text, "{\"seq\":\n");
      else
        g_string_append_printf (text, PACKET, i, i * 1000, i, 1000 + i);
    }
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  return path;
}

static gboolean done;

static void
part_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;

  sockscope_event_log_load_rest_finish (SOCKSCOPE_EVENT_LOG (source), result, NULL, error);
  done = TRUE;
}

/* Reads the rest in parts as the window does; the first error, if any. */
static GError *
read_rest (SockscopeEventLog *log)
{
  GError *error = NULL;

  while (error == NULL && sockscope_event_log_has_rest (log))
    {
      done = FALSE;
      sockscope_event_log_load_rest_async (log, 16384, NULL, part_read, &error);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }
  return error;
}

static void
test_parts (void)
{
  g_autofree char *path = write_session (20000, 0);
  g_autoptr(SockscopeEventLog) whole = sockscope_event_log_load (path, NULL, NULL);
  g_autoptr(SockscopeEventLog) head = sockscope_event_log_load_head (path, 2000, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (whole);
  g_assert_cmpuint (sockscope_event_log_get_n_events (whole), ==, 20000);
  g_assert_cmpuint (sockscope_event_log_get_n_events (head), ==, 2000);
  g_assert_true (sockscope_event_log_has_rest (head));
  error = read_rest (head);
  g_assert_no_error (error);
  g_assert_cmpuint (sockscope_event_log_get_n_events (head), ==, 20000);
  for (guint i = 0; i < 20000; i++)
    g_assert_cmpstr (sockscope_event_log_get_line (head, i), ==, sockscope_event_log_get_line (whole, i));
  g_unlink (path);
}

static void
test_corrupt_rest (void)
{
  g_autofree char *path = write_session (20000, 15000);
  g_autoptr(SockscopeEventLog) head = sockscope_event_log_load_head (path, 2000, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  g_assert_null (sockscope_event_log_load (path, NULL, NULL));
  error = read_rest (head);
  g_assert_nonnull (error);
  where = g_strdup_printf ("%s:15000: corrupt line", path);
  g_assert_true (g_str_has_prefix (error->message, where));
  /* What came before stays. */
  g_assert_cmpuint (sockscope_event_log_get_n_events (head), >=, 2000);
  g_assert_cmpuint (sockscope_event_log_get_n_events (head), <, 14999);
  g_unlink (path);
}

static void
test_packet_members (void)
{
  g_autofree char *path = write_session (3, 0);
  g_autoptr(SockscopeEventLog) log = sockscope_event_log_load (path, NULL, NULL);
  g_autoptr(JsonObject) event = sockscope_event_log_parse (log, 1);
  JsonObject *pkt = json_object_get_object_member (event, "pkt");
  SockscopeLoggedPacket p;

  g_assert_true (sockscope_event_log_get_packet (log, 1, &p));
  g_assert_cmpint (p.seq, ==, json_object_get_int_member (event, "seq"));
  g_assert_cmpint (p.t_ns, ==, json_object_get_int_member (event, "t_ns"));
  g_assert_false (p.has_cause);
  g_assert_cmpstr (p.from, ==, "client");
  g_assert_cmpstr (p.to, ==, "server");
  g_assert_null (p.analysis);
  g_assert_cmpstr (p.proto, ==, json_object_get_string_member (pkt, "proto"));
  g_assert_cmpstr (p.flags, ==, "P.");
  g_assert_cmpstr (p.summary, ==, json_object_get_string_member (pkt, "summary"));
  g_assert_cmpint (p.pkt_seq, ==, json_object_get_int_member (pkt, "seq"));
  g_assert_cmpint (p.sport, ==, 40000);
  g_assert_cmpint (p.dport, ==, 7777);
  g_assert_cmpint (p.len, ==, 5);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session-parts/same-events", test_parts);
  g_test_add_func ("/session-parts/corrupt-rest", test_corrupt_rest);
  g_test_add_func ("/session-parts/packet-members", test_packet_members);
  return g_test_run ();
}
