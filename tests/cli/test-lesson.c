/* test-lesson.c: the lesson parser, its errors, and the C code generated from the steps. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sockscope-error.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-catalog.h"
#include "sockscope-question.h"

static SockscopeLesson *
load_lesson (const char *id)
{
  g_autofree char *name = g_strconcat (id, ".lesson", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "lessons", name, NULL);
  g_autoptr(GError) error = NULL;
  SockscopeLesson *lesson = sockscope_lesson_new_from_file (path, &error);

  g_assert_no_error (error);
  return lesson;
}

static void
test_shipped_lessons (void)
{
  g_autoptr(SockscopeLesson) tcp = load_lesson ("tcp-handshake");
  g_autoptr(SockscopeLesson) udp = load_lesson ("udp-echo");
  const SockscopeStep *step;

  g_assert_cmpstr (sockscope_lesson_get_id (tcp), ==, "tcp-handshake");
  g_assert_cmpuint (sockscope_lesson_get_n_actors (tcp), ==, 2);
  g_assert_cmpstr (sockscope_lesson_get_actor (tcp, 0)->label_fr, ==, "Serveur");
  step = sockscope_lesson_get_step (tcp, 4);
  g_assert_cmpstr (step->actor, ==, "server");
  g_assert_cmpstr (step->assign, ==, "conn");
  g_assert_cmpstr (step->call, ==, "accept");
  g_assert_nonnull (strstr (sockscope_step_get_text (step, "fr"), "bloqué"));
  g_assert_nonnull (strstr (sockscope_step_get_text (step, "en"), "blocks"));

  step = sockscope_lesson_get_step (udp, 5);
  g_assert_cmpstr (step->call, ==, "recvfrom");
  g_assert_cmpstr (step->capture, ==, "peer");
  step = sockscope_lesson_get_step (udp, 6);
  g_assert_cmpstr (step->args[3], ==, "peer");
}

typedef struct
{
  const char *lesson;
  const char *message;   /* expected in the error, with its file:line */
} BadCase;

#define HEAD "id: t\ntitle.en: T\ntitle.fr: T\nactor: server\n  label.en: S\n  label.fr: S\n"
#define TEXT "\n  en: e\n  fr: f\n"

static const BadCase bad_cases[] = {
  { HEAD "server: s = sockit(AF_INET, SOCK_STREAM, 0)" TEXT, "t.lesson:7: unknown call 'sockit'; hint: did you mean 'socket'?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM)" TEXT, "t.lesson:7: socket() takes 3 arguments, not 2" },
  { HEAD "client: c = socket(AF_INET, SOCK_STREAM, 0)" TEXT, "t.lesson:7: unknown actor 'client'" },
  { HEAD "server: bind(s, 127.0.0.1:7777)" TEXT, "t.lesson:7: unknown variable 's' for server" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  en: e\n", "t.lesson:7: step 1 has no French text" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  fr: f\n", "t.lesson:7: step 1 has no English text" },
  { HEAD "server: s = socket(AF_INET, SOCK_DGRAM, 0)" TEXT "server: sendto(s, hello, 0, 127.0.0.1:7)" TEXT,
    "t.lesson:10: argument 2 of sendto() is the data" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: bind(s, 127.0.0.1:99999)" TEXT,
    "t.lesson:10: bad address 127.0.0.1:99999" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0) -> peer" TEXT, "t.lesson:7: socket() returns no address" },
  { "id: t\ntitle.en: T\n", "t.lesson:1: missing French title" },
  /* The engine's new syntax. */
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: slect(s)" TEXT,
    "t.lesson:10: unknown call 'slect'; hint: did you mean 'select'?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: waitpid(s)" TEXT,
    "t.lesson:10: waitpid() takes 2 arguments, not 1; hint: waitpid(pid, options)" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: select()" TEXT,
    "t.lesson:10: select() takes 1 to 8 sockets, not 0; hint: select(s, c1, c2)" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: select(s, s, s, s, s, s, s, s, s)" TEXT,
    "t.lesson:10: select() takes 1 to 8 sockets, not 9" },
  { HEAD "server: pid = fork(1)" TEXT, "t.lesson:7: fork() takes no argument, not 1; hint: fork()" },
  { HEAD "server: getaddrinfo(server.lab, \"echo\") -> srv" TEXT,
    "t.lesson:7: argument 1 of getaddrinfo() is the node, not 'server.lab'; hint: write a name in double quotes" },
  { HEAD "server: pid = fork()" TEXT, "t.lesson:7: fork() creates an actor: name it with '-> NAME'" },
  { HEAD "server: pid = fork() -> worker" TEXT, "t.lesson:7: unknown actor 'worker'; hint: declare it first with 'actor: worker' and 'parent: server'" },
  { HEAD "actor: worker\n  label.en: W\n  label.fr: W\n" "server: pid = fork() -> worker" TEXT,
    "t.lesson:10: worker is not declared as a child of server; hint: add '  parent: server' under 'actor: worker'" },
  { HEAD "actor: worker\n  parent: server\n  label.en: W\n  label.fr: W\n" "worker: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT
    "server: pid = fork() -> worker" TEXT,
    "t.lesson:11: worker is used before its fork; hint: a step 'server: fork() -> worker' must come first" },
  { HEAD "actor: worker\n  parent: server\n  label.en: W\n  label.fr: W\n" "server: pid = fork() -> worker" TEXT
    "server: pid = fork() -> worker" TEXT, "t.lesson:14: worker is already created by step 1" },
  { HEAD "actor: worker\n  parent: server\n  label.en: W\n  label.fr: W\n" "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT,
    "t.lesson:7: actor 'worker' is never created; hint: add a step 'server: fork() -> worker'" },
  { HEAD "actor: t1\n  parent: server\n  kind: thread\n  label.en: W\n  label.fr: W\n" "server: pid = fork() -> t1" TEXT,
    "t.lesson:12: t1 is a thread (kind: thread) but fork() makes a process; hint: a thread is made by pthread_create()" },
  { HEAD "actor: t1\n  parent: server\n  kind: thread\n  label.en: W\n  label.fr: W\n" "server: t = pthread_create() -> t1" TEXT
    "t1: exit(0)" TEXT, "t.lesson:15: exit() in the thread t1 would end its whole process; hint: a thread ends with pthread_exit()" },
  { HEAD "actor: w\n  parent: server\n  label.en: W\n  label.fr: W\n" "server: pid = fork() -> w" TEXT
    "w: exit(0)" TEXT "w: exit(1)" TEXT, "t.lesson:17: w has already ended at line 14" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "actor: client\n  label.en: C\n  label.fr: C\n"
    "server: pid = fork() -> client" TEXT, "t.lesson:13: client is not declared as a child of server" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: send(s, s, 0)" TEXT,
    "t.lesson:10: 's' holds no received bytes to send; hint: write a string like" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: send(s, \"x\" * 0, 0)" TEXT,
    "t.lesson:10: '\"x\" * 0' makes 0 bytes; hint: repeat a string from 1 byte up to 16 MiB" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: send(s, htonl(x), 0)" TEXT,
    "t.lesson:10: argument 2 of send() is the data, not 'htonl(x)'" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  ask: maybe" TEXT, "t.lesson:8: unknown question 'maybe'; hint: write ask: blocks, returns, packets or state" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  choices: 1 | 2" TEXT, "t.lesson:8: choices without a question" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  ask: blocks\n  choices: 1 | 2" TEXT, "t.lesson:9: ask: blocks is answered yes or no" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  ask: state\n  choices: ESTAB | OPEN" TEXT, "t.lesson:9: unknown socket state 'OPEN'; hint: the states are CLOSED, LISTEN" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  ask: returns\n  choices: 3" TEXT, "t.lesson:9: a question needs at least 2 choices" },
  { HEAD "server: p = htons(80)\n  ask: state" TEXT, "t.lesson:8: htons() acts on no socket whose state to ask" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  loop: two words" TEXT, "t.lesson:8: bad loop name 'two words'" },
  { "code: c java\n" HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT, "t.lesson:1: unknown code language 'java'" },
  { HEAD "server: gethostbyname(\"www.lab\") -> h" TEXT "server: c = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: connect(c, h)" TEXT,
    "t.lesson:13: 'h' holds a host from gethostbyname(), without a port; hint: keep an address with getaddrinfo(" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: p = getservbyname(\"http\")" TEXT,
    "t.lesson:10: getservbyname() takes 2 arguments, not 1; hint: getservbyname(name, protocol)" },
  { HEAD "actor: k\n  kind: fibre\n  label.en: K\n  label.fr: K\n", "t.lesson:8: unknown actor kind 'fibre'" },
  /* Every name the lab would refuse at run time is refused by check, with the nearest valid one. */
  { HEAD "server: s = socket(AF_INET, SOCK_DGRM, 0)" TEXT,
    "t.lesson:7: unknown constant 'SOCK_DGRM' in socket(); hint: did you mean SOCK_DGRAM?" },
  { HEAD "server: s = socket(AF_INTE, SOCK_STREAM, 0)" TEXT, "t.lesson:7: unknown constant 'AF_INTE' in socket(); hint: did you mean AF_INET?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOK, 0)" TEXT, "t.lesson:7: unknown constant 'SOCK_NONBLOK' in socket(); hint: did you mean SOCK_NONBLOCK?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: n = recv(s, 64, MSG_WAITAL)" TEXT,
    "t.lesson:10: unknown constant 'MSG_WAITAL' in recv(); hint: did you mean MSG_WAITALL?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: setsockopt(s, SOL_SOCKET, SO_RCVBUFF, 4096)" TEXT,
    "t.lesson:10: unknown constant 'SO_RCVBUFF' in setsockopt(); hint: did you mean SO_RCVBUF?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: setsockopt(s, SOL_SOCK, SO_REUSEADDR, 1)" TEXT,
    "t.lesson:10: unknown constant 'SOL_SOCK' in setsockopt(); hint: did you mean SOL_SOCKET?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: setsockopt(s, SOL_SOCKET, SO_LINGER, {1, ZERO})" TEXT,
    "t.lesson:10: unknown constant 'ZERO' in setsockopt()" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: fcntl(s, F_SETFL, O_NONBLOK)" TEXT,
    "t.lesson:10: unknown constant 'O_NONBLOK' in fcntl(); hint: did you mean O_NONBLOCK?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: send(s, htonl(INADDR_ANYY), 0)" TEXT,
    "t.lesson:10: unknown constant 'INADDR_ANYY' in send(); hint: did you mean INADDR_ANY?" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: shutdown(s, COMPLETELY_UNKNOWN_NAME)" TEXT,
    "t.lesson:10: unknown constant 'COMPLETELY_UNKNOWN_NAME' in shutdown(); hint: the constants a lesson can use are listed" },
  { HEAD "server: s = socket(AF_INET, sock_dgram, 0)" TEXT,
    "t.lesson:7: unknown variable 'sock_dgram' for server; hint: did you mean the constant SOCK_DGRAM? Constants are written in capitals" },
  /* Strings: said to be unclosed where they start; escapes the lab reads; names it accepts. */
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: send(s, \"hello, 0)" TEXT,
    "t.lesson:10: the string \"hello, 0) is not closed; hint: end it with \" on the same line" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: send(s, \"a very long string that never ends, 0)" TEXT,
    "t.lesson:10: the string \"a very long string … is not closed" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: send(s, \"\\xZZ\", 0)" TEXT,
    "t.lesson:10: bad string \"\\xZZ\": \\x needs hexadecimal digits" },
  { HEAD "server: s = socket(AF_UNIX, SOCK_STREAM, 0)" TEXT "server: bind(s, \"\")" TEXT,
    "t.lesson:10: \"\" is not a usable address; hint: write 1 to 107 characters" },
  { HEAD "server: getaddrinfo(\"a\\0b\", \"http\") -> srv" TEXT, "t.lesson:7: \"a\\0b\" is not a usable node" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: n = recv(s, 100000, 0)" TEXT,
    "t.lesson:10: recv() reads 0 to 65536 bytes a call, not 100000; hint: read the rest with another recv()" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: n = recv(s, 2, 0)" TEXT "server: v = ntohl(n)" TEXT,
    "t.lesson:13: ntohl() reads 4 bytes, but the recv() of line 10 receives at most 2 into 'n'; hint: receive 4 bytes" },
  /* Choices no run can match. */
  { HEAD "server: s = socket(AF_INET, SOCK_DGRAM, 0)" TEXT "server: sendto(s, \"ping\", 0, 127.0.0.1:7)\n  ask: returns\n  choices: 5 | 6" TEXT,
    "t.lesson:12: no choice can be what sendto() returns; hint: it hands over 4 bytes: write 4, a part of them like '< 4 (a part of it)', or -1 with an error" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: bind(s, 127.0.0.1:7)\n  ask: returns\n  choices: 3 | 4" TEXT,
    "t.lesson:12: no choice can be what bind() returns; hint: it returns 0, or -1 with an error" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  ask: returns\n  choices: three | -1 EMFILE" TEXT,
    "t.lesson:9: the choice 'three' can never be the answer; hint: a return value is a number" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  ask: returns\n  choices: 3 | -1 out of files" TEXT,
    "t.lesson:9: the choice '-1 out of files' can never be the answer; hint: after a number comes only an error name" },
  { HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT "server: connect(s, 127.0.0.1:7)\n  ask: packets\n  choices: none | SYN / SYNACK" TEXT,
    "t.lesson:12: the choice 'SYN / SYNACK' can never be the answer; hint: packets are named SYN, SYN-ACK" },
};

/* Two hosts and a wire: the hosts' names, each actor's host (a child on its parent's), the
 * lesson's wire lines and a step's, the C code of SO_RCVTIMEO. */
static void
test_hosts_and_wire (void)
{
  static const char text[] =
    "id: two-hosts\ntheme: wire\ntitle.en: t\ntitle.fr: t\nhost.b: server1\n"
    "wire: delay=5ms\nwire: dir=a>b, loss=10%, seed=3\n"
    "actor: server\n  host: b\n  label.en: S\n  label.fr: S\n"
    "actor: worker\n  parent: server\n  label.en: W\n  label.fr: W\n"
    "actor: client\n  host: a\n  label.en: C\n  label.fr: C\n"
    "server: s = socket(AF_INET, SOCK_DGRAM, 0)\n  en: a b\n  fr: a b\n"
    "server: setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, {1, 500000})\n  en: a b\n  fr: a b\n"
    "server: pid = fork() -> worker\n  en: a b\n  fr: a b\n"
    "client: c = socket(AF_INET, SOCK_DGRAM, 0)\n  wire: dir=b>a, drop=next\n  wire: clear\n  en: a b\n  fr: a b\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_data (text, "two-hosts.lesson", &error);
  g_autoptr(SockscopeLesson) one = load_lesson ("tcp-handshake");
  g_autoptr(SockscopeLesson) shipped = load_lesson ("tcp-retransmission");
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  const char * const *wire;

  g_assert_no_error (error);
  g_assert_true (sockscope_lesson_has_hosts (lesson));
  g_assert_cmpstr (sockscope_lesson_get_host_name (lesson, "a"), ==, "alice");
  g_assert_cmpstr (sockscope_lesson_get_host_name (lesson, "b"), ==, "server1");
  g_assert_cmpstr (sockscope_lesson_get_actor (lesson, 0)->host, ==, "b");
  g_assert_cmpstr (sockscope_lesson_get_actor (lesson, 1)->host, ==, "b");
  g_assert_cmpstr (sockscope_lesson_get_actor (lesson, 2)->host, ==, "a");
  wire = sockscope_lesson_get_wire (lesson);
  g_assert_cmpuint (g_strv_length ((char **) wire), ==, 2);
  g_assert_cmpstr (wire[1], ==, "dir=a>b, loss=10%, seed=3");
  g_assert_null (sockscope_lesson_get_step (lesson, 1)->wire);
  g_assert_cmpuint (g_strv_length (sockscope_lesson_get_step (lesson, 4)->wire), ==, 2);
  g_assert_cmpstr (sockscope_lesson_get_step (lesson, 4)->wire[0], ==, "dir=b>a, drop=next");

  g_assert_false (sockscope_lesson_has_hosts (one));
  g_assert_null (sockscope_lesson_get_wire (one));
  g_assert_null (sockscope_lesson_get_actor (one, 0)->host);
  g_assert_true (sockscope_lesson_has_hosts (shipped));
  g_assert_cmpstr (sockscope_lesson_get_host_name (shipped, "b"), ==, "bob");

  code = sockscope_lesson_render_c (lesson, "server", NULL);
  g_assert_nonnull (strstr (code, "struct timeval timeout = {1, 500000};"));
  g_assert_nonnull (strstr (code, "setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);"));
  g_assert_nonnull (strstr (code, "#include <sys/time.h>"));

  g_assert_true (sockscope_wire_spec_check ("loss=5%, delay=10ms, seed=1", NULL));
  g_assert_false (sockscope_wire_spec_check ("dely=10ms", &message));
  g_assert_cmpstr (message, ==, "\"dely=10ms\": unknown word \"dely\"; the words are dir, loss, drop, delay, jitter, dup, "
                   "reorder, rate, mtu, seed and clear; hint: did you mean delay?");
}

static void
test_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_data (bad_cases[i].lesson, "t.lesson", &error);

      g_assert_null (lesson);
      g_assert_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE);
      if (strstr (error->message, bad_cases[i].message) == NULL)
        g_error ("case %u: expected '%s' in:\n%s", i, bad_cases[i].message, error->message);
    }
}

/* Choices a lesson may give: numbers, errors, "> 0", packet names in either language. */
static void
test_possible_choices (void)
{
  const char *text = HEAD
    "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  ask: returns\n  choices: 3 | -1 EMFILE | 0x4" TEXT
    "server: bind(s, 127.0.0.1:7)\n  ask: returns\n  choices: 0 | -1 EADDRINUSE" TEXT
    "server: connect(s, 127.0.0.1:7)\n  ask: packets\n  choices: aucun | SYN, SYN-ACK → ACK | datagramme UDP" TEXT
    "actor: w\n  parent: server\n  label.en: W\n  label.fr: W\n"
    "server: pid = fork() -> w\n  ask: returns\n  choices: > 0 (a pid) | 0 | -1 EAGAIN" TEXT
    "server: send(s, \"x\" * 100000, 0)\n  ask: returns\n  choices: 100000 | < 100000 (a part of it) | -1 EAGAIN" TEXT;
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_data (text, "t.lesson", &error);

  g_assert_no_error (error);
  g_assert_nonnull (lesson);
}

/* A UTF-8 byte order mark is accepted; a byte that is not UTF-8, or a NUL, is reported at its
 * real line. */
static void
test_encoding (void)
{
  g_autofree char *with_bom = g_strconcat ("\xef\xbb\xbf", HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT, NULL);
  g_autofree char *latin1 = g_strconcat (HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  en: caf\xe9\n  fr: f\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_data (with_bom, "t.lesson", &error);
  g_autofree char *dir = g_dir_make_tmp ("lesson-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "nul.lesson", NULL);
  g_autoptr(GString) nul = g_string_new (HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  en: e");

  g_assert_no_error (error);
  g_assert_cmpstr (sockscope_lesson_get_id (lesson), ==, "t");
  g_assert_cmpstr (sockscope_lesson_get_step (lesson, 1)->actor, ==, "server");
  g_clear_object (&lesson);

  lesson = sockscope_lesson_new_from_data (latin1, "t.lesson", &error);
  g_assert_null (lesson);
  g_assert_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "t.lesson:8: byte 0xe9 is not UTF-8; hint: save the file as UTF-8 in your editor");
  g_clear_error (&error);

  /* A NUL ends a C string: only a file read with its length shows it. */
  g_string_append_len (nul, "\0\n  fr: f\n", 8);
  g_assert_true (g_file_set_contents (path, nul->str, nul->len, NULL));
  lesson = sockscope_lesson_new_from_file (path, &error);
  g_assert_null (lesson);
  g_assert_nonnull (strstr (error->message, "nul.lesson:8: the file holds a NUL byte"));
  g_unlink (path);
  g_rmdir (dir);
}

/* Each limit is refused with its message, quickly, and a file just under passes. */
static void
test_limits (void)
{
  g_autoptr(GString) text = g_string_new (HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT);
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lesson-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "big.lesson", NULL);
  g_auto(GStrv) lines = NULL;
  gint64 start;

  /* Over 1 MB: from a file, refused by its size before it is read. */
  while (text->len <= 1024 * 1024)
    g_string_append (text, "# a comment line to make the file bigger than a lesson ever is\n");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  lesson = sockscope_lesson_new_from_file (path, &error);
  g_assert_null (lesson);
  g_assert_nonnull (strstr (error->message, "big.lesson:1: the lesson is "));
  g_assert_nonnull (strstr (error->message, " bytes, over the limit of 1 MB"));
  g_clear_error (&error);
  lesson = sockscope_lesson_new_from_data (text->str, "t.lesson", &error);
  g_assert_null (lesson);
  g_assert_nonnull (strstr (error->message, "t.lesson:1: the lesson is "));
  g_clear_error (&error);
  g_unlink (path);
  g_rmdir (dir);

  /* A 50 MB line, the case: refused at once, without megabytes of work per line. */
  g_string_assign (text, HEAD "description.en: ");
  for (guint i = 0; i < 50 * 1024; i++)
    g_string_append (text, "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123");
  start = g_get_monotonic_time ();
  lesson = sockscope_lesson_new_from_data (text->str, "t.lesson", &error);
  g_assert_null (lesson);
  g_assert_nonnull (strstr (error->message, "t.lesson:1: the lesson is "));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_clear_error (&error);

  /* A line over 64 KB, in a lesson under 1 MB. */
  g_string_assign (text, HEAD "description.en: ");
  for (guint i = 0; i < 65 * 1024; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\nserver: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT);
  lesson = sockscope_lesson_new_from_data (text->str, "t.lesson", &error);
  g_assert_null (lesson);
  g_assert_nonnull (strstr (error->message, "t.lesson:7: the line is 66576 bytes long, over the limit of 64 KB"));
  g_clear_error (&error);

  /* 64 actors pass, the 65th is refused. */
  g_string_assign (text, "id: t\ntitle.en: T\ntitle.fr: T\n");
  for (guint i = 0; i < 64; i++)
    g_string_append_printf (text, "actor: a%u\n  label.en: A\n  label.fr: A\n", i);
  g_string_append (text, "a0: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT);
  lesson = sockscope_lesson_new_from_data (text->str, "t.lesson", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sockscope_lesson_get_n_actors (lesson), ==, 64);
  g_clear_object (&lesson);
  g_string_append (text, "actor: a64\n  label.en: A\n  label.fr: A\n");
  lesson = sockscope_lesson_new_from_data (text->str, "t.lesson", &error);
  g_assert_null (lesson);
  g_assert_cmpstr (error->message, ==, "t.lesson:199: more than 64 actors; hint: a lesson has at most 64 actors");
  g_clear_error (&error);

  /* 10,000 steps pass, the 10,001st is refused (and nothing after it is read). */
  g_string_assign (text, HEAD);
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "server: htons(80)\n  en: e\n  fr: f\n");
  lesson = sockscope_lesson_new_from_data (text->str, "t.lesson", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sockscope_lesson_get_n_steps (lesson), ==, 10000);
  g_clear_object (&lesson);
  g_string_append (text, "server: htons(80)\nserver: bogus(\n");
  lesson = sockscope_lesson_new_from_data (text->str, "t.lesson", &error);
  g_assert_null (lesson);
  g_assert_cmpstr (error->message, ==, "t.lesson:30007: more than 10000 steps; hint: a lesson has at most 10000 steps, split it into several lessons");
  g_clear_error (&error);

  /* A file of garbage lines gives 50 messages and a count, not thousands. */
  g_string_assign (text, HEAD);
  for (guint i = 0; i < 5000; i++)
    g_string_append (text, "garbage\n");
  lesson = sockscope_lesson_new_from_data (text->str, "t.lesson", &error);
  g_assert_null (lesson);
  /* 5,000 unreadable lines and "no step": 5,001 errors. */
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 51);
  g_assert_cmpstr (lines[50], ==, "t.lesson: 4951 more errors");
}

static void
test_variables_per_actor (void)
{
  const char *text = HEAD "actor: client\n  label.en: C\n  label.fr: C\n"
                     "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT
                     "client: close(s)" TEXT;
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_data (text, "t.lesson", &error);

  g_assert_null (lesson);
  g_assert_nonnull (strstr (error->message, "t.lesson:13: unknown variable 's' for client; hint: 's' belongs to server"));
}

static void
test_duplicate_id (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sockscope-lessons-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (dir, "a.lesson", NULL);
  g_autofree char *b = g_build_filename (dir, "b.lesson", NULL);
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  g_autoptr(GPtrArray) lessons = NULL;
  const char *text = HEAD "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT;

  g_assert_true (g_file_set_contents (a, text, -1, NULL));
  g_assert_true (g_file_set_contents (b, text, -1, NULL));
  lessons = sockscope_lesson_list_dir (dir, errors);
  g_assert_cmpuint (lessons->len, ==, 1);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_nonnull (strstr (((GError *) errors->pdata[0])->message, "b.lesson:1: duplicate id 't'"));
  g_unlink (a);
  g_unlink (b);
  g_rmdir (dir);
}

static SockscopeLesson *
load_fixture (const char *id)
{
  g_autofree char *name = g_strconcat (id, ".lesson", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "tests", "cli", "lessons", name, NULL);
  g_autoptr(GError) error = NULL;
  SockscopeLesson *lesson = sockscope_lesson_new_from_file (path, &error);

  g_assert_no_error (error);
  return lesson;
}

/* What a step's lines say in Python when it is not the call's own name. */
static const char *
python_idiom (const char *call)
{
  static const char * const idioms[][2] = {
    { "pthread_create", "threading.Thread" }, { "pthread_exit", "return" }, { "pthread_join", ".join()" },
    { "fcntl", "blocking" }, { "exit", "os._exit" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (idioms); i++)
    if (g_str_equal (call, idioms[i][0]))
      return idioms[i][1];
  return call;
}

static void
compile (const char *code,
         const char *code_lang,
         const char *actor)
{
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  int fd, status;
  const char *c_argv[] = { "cc", "-fsyntax-only", "-Wall", "-Werror", "-Wno-unused-variable",
                           "-Wno-unused-but-set-variable", "-x", "c", NULL, NULL };
  const char *py_argv[] = { "python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", NULL, NULL };
  const char **argv = g_str_equal (code_lang, "c") ? c_argv : py_argv;

  fd = g_file_open_tmp (g_str_equal (code_lang, "c") ? "sockscope-XXXXXX.c" : "sockscope-XXXXXX.py", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (g_file_set_contents (path, code, -1, NULL));
  close (fd);
  argv[g_strv_length ((char **) argv)] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                               NULL, NULL, NULL, &out, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("generated %s code for %s does not compile:\n%s\n%s", code_lang, actor, code, out);
  g_unlink (path);
}

/* Each step of @actor has a span, in step order; its lines name its call; the program compiles
 * (C) or parses (Python). Returns the code. */
static char *
check_program_in (SockscopeLesson *lesson,
                  const char      *actor,
                  const char      *code_lang,
                  GArray         **spans_out)
{
  g_autoptr(GArray) spans = NULL;
  char *code = sockscope_lesson_render (lesson, actor, code_lang, &spans);
  g_auto(GStrv) lines = g_strsplit (code, "\n", -1);
  guint n_steps = 0, last_step = 0;

  for (guint i = 1; i <= sockscope_lesson_get_n_steps (lesson); i++)
    n_steps += g_str_equal (sockscope_lesson_get_step (lesson, i)->actor, actor);
  g_assert_cmpuint (spans->len, ==, n_steps);
  for (guint i = 0; i < spans->len; i++)
    {
      SockscopeCodeSpan *span = &g_array_index (spans, SockscopeCodeSpan, i);
      const SockscopeStep *step = sockscope_lesson_get_step (lesson, span->step);
      const char *word = g_str_equal (code_lang, "c") ? step->call : python_idiom (step->call);
      gboolean found = FALSE;

      g_assert_cmpstr (step->actor, ==, actor);
      g_assert_cmpuint (span->step, >, last_step);
      last_step = span->step;
      g_assert_cmpuint (span->first_line, >=, 1);
      g_assert_cmpuint (span->first_line, <=, span->last_line);
      g_assert_cmpuint (span->last_line, <=, g_strv_length (lines));
      for (guint l = span->first_line; l <= span->last_line; l++)
        found |= strstr (lines[l - 1], word) != NULL;
      if (!found)
        g_error ("%s step %u (%s): lines %u-%u do not say %s:\n%s", code_lang, span->step, step->call,
                 span->first_line, span->last_line, word, code);
    }
  compile (code, code_lang, actor);
  if (spans_out != NULL)
    *spans_out = g_steal_pointer (&spans);
  return code;
}

static void
check_program (SockscopeLesson *lesson,
               const char      *actor)
{
  g_free (check_program_in (lesson, actor, "c", NULL));
  g_free (check_program_in (lesson, actor, "python", NULL));
}

static void
test_generated_c (void)
{
  g_autoptr(SockscopeLesson) tcp = load_lesson ("tcp-handshake");
  g_autoptr(SockscopeLesson) udp = load_lesson ("udp-echo");
  g_autoptr(SockscopeLesson) fork_echo = load_fixture ("fork-echo");
  g_autoptr(GArray) spans = NULL;
  g_autofree char *code = sockscope_lesson_render_c (udp, "server", &spans);

  check_program (tcp, "server");
  check_program (tcp, "client");
  check_program (udp, "server");
  check_program (udp, "client");
  for (guint i = 0; i < sockscope_lesson_get_n_actors (fork_echo); i++)
    check_program (fork_echo, sockscope_lesson_get_actor (fork_echo, i)->name);

  /* The address kept by recvfrom is the one sendto answers to. */
  g_assert_nonnull (strstr (code, "recvfrom(s, buf64, 64, 0, (struct sockaddr *) &peer, &peer_len);"));
  g_assert_nonnull (strstr (code, "sendto(s, \"ping\", 4, 0, (struct sockaddr *) &peer, peer_len);"));
}

/* The line of @code (from 1) that contains @text, 0 if none. */
static guint
line_of (const char *code,
         const char *text)
{
  g_auto(GStrv) lines = g_strsplit (code, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], text) != NULL)
      return i + 1;
  return 0;
}

static const SockscopeCodeSpan *
span_of (GArray *spans,
         guint   step)
{
  for (guint i = 0; i < spans->len; i++)
    if (g_array_index (spans, SockscopeCodeSpan, i).step == step)
      return &g_array_index (spans, SockscopeCodeSpan, i);
  g_error ("no span for step %u", step);
  return NULL;
}

#define LOOPS HEAD "actor: client\n  label.en: C\n  label.fr: C\n" \
  "server: s = socket(AF_INET, SOCK_STREAM, 0)" TEXT                 /* 1 */ \
  "server: listen(s, 5)" TEXT                                         /* 2 */ \
  "server: conn = accept(s)\n  loop: clients" TEXT                    /* 3 */ \
  "server: n = recv(conn, 64, 0)\n  loop: clients" TEXT               /* 4 */ \
  "server: close(conn)\n  loop: clients" TEXT                         /* 5 */ \
  "client: c = socket(AF_INET, SOCK_STREAM, 0)" TEXT                  /* 6 */ \
  "server: conn = accept(s)\n  loop: clients" TEXT                    /* 7 */ \
  "server: n = recv(conn, 64, 0)\n  loop: clients" TEXT               /* 8 */ \
  "server: close(conn)\n  loop: clients" TEXT                         /* 9 */ \
  "server: c2 = socket(AF_INET, SOCK_DGRAM, 0)" TEXT                  /* 10 */ \
  "server: n = recv(c2, 64, 0)\n  loop: echo" TEXT                    /* 11 */ \
  "server: send(c2, n, 0)\n  loop: echo" TEXT                         /* 12 */ \
  "server: n = recv(c2, 64, 0)\n  loop: echo" TEXT                    /* 13 */ \
  "server: close(c2)" TEXT                                            /* 14 */ \
  "server: n = recv(s, 8, 0)\n  loop: echo" TEXT                      /* 15: a new run */

static void
test_loops (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_data (LOOPS, "loops.lesson", &error);
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GArray) py_spans = NULL;
  g_autofree char *code = NULL;
  g_autofree char *py = NULL;
  guint accept_line, break_line;

  g_assert_no_error (error);
  g_assert_cmpstr (sockscope_lesson_get_step (lesson, 3)->loop, ==, "clients");
  code = check_program_in (lesson, "server", "c", &spans);

  /* An accept loop is a while (1); the steps of both iterations point at the same lines. */
  accept_line = line_of (code, "conn = accept(s, NULL, NULL);");
  g_assert_cmpuint (accept_line, >, 0);
  g_assert_nonnull (strstr (code, "    while (1) {\n"));
  g_assert_cmpuint (span_of (spans, 3)->last_line, ==, accept_line);
  g_assert_cmpuint (span_of (spans, 7)->last_line, ==, accept_line);
  g_assert_cmpuint (span_of (spans, 5)->first_line, ==, span_of (spans, 9)->first_line);
  g_assert_cmpuint (span_of (spans, 4)->last_line, ==, span_of (spans, 8)->last_line);
  /* conn is declared before the loop, so the loop body only assigns it. */
  g_assert_cmpuint (line_of (code, "int conn;"), <, line_of (code, "while (1) {"));
  /* An accept loop goes on with the next client; after a recv into a variable, another loop
   * stops when the peer closed. */
  g_assert_cmpuint (line_of (code, "close(conn);"), ==, span_of (spans, 4)->last_line + 1);
  break_line = line_of (code, "if (n <= 0)");
  g_assert_cmpuint (break_line, ==, span_of (spans, 11)->last_line + 1);
  g_assert_nonnull (strstr (code, "if (n <= 0)    /* the peer closed, or an error */\n            break;\n"));

  /* The echo loop is a for (;;), separate from the one that begins again at step 15. */
  g_assert_nonnull (strstr (code, "    for (;;) {\n"));
  g_assert_cmpuint (span_of (spans, 11)->last_line, ==, span_of (spans, 13)->last_line);
  g_assert_cmpuint (span_of (spans, 12)->last_line, ==, line_of (code, "send(c2, buf64, n, 0);"));
  g_assert_cmpuint (span_of (spans, 15)->last_line, >, span_of (spans, 14)->last_line);
  g_assert_cmpuint (span_of (spans, 14)->last_line, >, span_of (spans, 13)->last_line);

  /* Python: the same folding, as while True. */
  py = check_program_in (lesson, "server", "python", &py_spans);
  g_assert_nonnull (strstr (py, "while True:\n    conn, addr = s.accept()\n    n = conn.recv(64)\n    conn.close()\n"));
  g_assert_nonnull (strstr (py, "while True:\n    n = c2.recv(64)\n    if not n:    # the peer closed\n        break\n    c2.sendall(n)\n"));
  g_assert_cmpuint (span_of (py_spans, 7)->first_line, ==, line_of (py, "conn, addr = s.accept()"));
  g_assert_cmpuint (span_of (py_spans, 12)->first_line, ==, line_of (py, "c2.sendall(n)"));
  g_assert_cmpuint (span_of (py_spans, 13)->first_line, ==, span_of (py_spans, 11)->first_line);
}

static void
test_python (void)
{
  g_autoptr(SockscopeLesson) tcp = load_lesson ("tcp-handshake");
  g_autoptr(SockscopeLesson) fork_echo = load_fixture ("fork-echo");
  g_autoptr(GArray) spans = NULL;
  g_autofree char *server = sockscope_lesson_render (tcp, "server", "python", &spans);
  g_autofree char *client = sockscope_lesson_render (tcp, "client", "python", NULL);
  g_autofree char *fork_server = sockscope_lesson_render (fork_echo, "server", "python", NULL);
  g_autofree char *worker = sockscope_lesson_render (fork_echo, "worker", "python", NULL);
  g_autofree char *thread = sockscope_lesson_render (fork_echo, "t1", "python", NULL);
  g_autofree char *fork_client = sockscope_lesson_render (fork_echo, "client", "python", NULL);

  g_assert_cmpstr (sockscope_lesson_get_code_langs (tcp)[0], ==, "c");
  g_assert_null (sockscope_lesson_get_code_langs (tcp)[1]);
  g_assert_cmpstr (sockscope_lesson_get_code_langs (fork_echo)[1], ==, "python");

  g_assert_nonnull (strstr (server, "import socket\n\ns = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
                                    "s.bind((\"127.0.0.1\", 7777))\ns.listen(5)\nconn, addr = s.accept()\n"
                                    "n = conn.recv(64)\nconn.sendall(b\"hi there\")\nconn.close()\ns.close()\n"));
  g_assert_cmpuint (span_of (spans, 4)->first_line, ==, line_of (server, "conn, addr = s.accept()"));
  g_assert_nonnull (strstr (client, "c.connect((\"127.0.0.1\", 7777))"));

  g_assert_nonnull (strstr (fork_server, "import os\nimport select\nimport socket\nimport threading\n"));
  g_assert_nonnull (strstr (fork_server, "readable, _, _ = select.select([s], [], [])\nn = len(readable)\n"));
  g_assert_nonnull (strstr (fork_server, "conn, peer = s.accept()\npid = os.fork()\nif pid == 0:\n    worker()"));
  g_assert_nonnull (strstr (fork_server, "t = threading.Thread(target=t1)\nt.start()\n"));
  g_assert_nonnull (strstr (fork_server, "t.join()\n"));
  g_assert_nonnull (strstr (worker, "def worker():\n    while True:\n        n = conn.recv(64)\n"));
  g_assert_nonnull (strstr (worker, "        conn.sendall(n)\n    conn.close()\n    os._exit(0)\n"));
  g_assert_nonnull (strstr (thread, "def t1():\n    p = socket.htons(7777)\n    return\n"));
  g_assert_nonnull (strstr (fork_client, "c.sendall(struct.pack(\"!I\", 1234))\n"));
  g_assert_nonnull (strstr (fork_client, "c.sendall(b\"x\" * 1000)\n"));
  g_assert_nonnull (strstr (fork_client, "c.sendall(struct.pack(\"=i\", 7))\n"));
}

static void
test_c_new_calls (void)
{
  g_autoptr(SockscopeLesson) fork_echo = load_fixture ("fork-echo");
  g_autofree char *server = sockscope_lesson_render (fork_echo, "server", "c", NULL);
  g_autofree char *worker = sockscope_lesson_render (fork_echo, "worker", "c", NULL);
  g_autofree char *client = sockscope_lesson_render (fork_echo, "client", "c", NULL);

  g_assert_nonnull (strstr (server, "pid_t pid = fork();\n    if (pid == 0)\n        worker();"));
  g_assert_nonnull (strstr (server, "FD_SET(s, &readfds);\n    int n = select(s + 1, &readfds, NULL, NULL, NULL);"));
  g_assert_nonnull (strstr (server, "pthread_create(&t, NULL, t1, NULL);"));
  g_assert_nonnull (strstr (server, "waitpid(pid, &status, 0);"));
  /* The child declares the variables it got from its parent, and echoes what it received. */
  g_assert_nonnull (strstr (worker, "/* Copies of its parent's variables, made by fork(). */\nint conn;\n"));
  g_assert_nonnull (strstr (worker, "send(conn, buf64, n, 0);"));
  g_assert_nonnull (strstr (client, "uint32_t net32 = htonl(1234);\n    send(c, &net32, sizeof net32, 0);"));
  g_assert_nonnull (strstr (client, "memset(data1000, 'x', sizeof data1000);"));
}

static void
test_inherited_variables (void)
{
  g_autoptr(SockscopeLesson) fork_echo = load_fixture ("fork-echo");
  const SockscopeActor *worker = sockscope_lesson_get_actor (fork_echo, sockscope_lesson_find_actor (fork_echo, "worker"));
  const SockscopeActor *t1 = sockscope_lesson_get_actor (fork_echo, sockscope_lesson_find_actor (fork_echo, "t1"));
  const SockscopeStep *fork_step = sockscope_lesson_get_step (fork_echo, 8);

  g_assert_cmpstr (worker->parent, ==, "server");
  g_assert_false (worker->thread);
  g_assert_cmpuint (worker->created_by, ==, 8);
  g_assert_true (t1->thread);
  g_assert_cmpuint (t1->created_by, ==, 24);
  g_assert_cmpstr (fork_step->new_actor, ==, "worker");
  g_assert_null (fork_step->capture);
  g_assert_cmpstr (sockscope_lesson_get_step (fork_echo, 7)->capture, ==, "peer");
  g_assert_cmpstr (sockscope_lesson_get_step (fork_echo, 11)->loop, ==, "echo");
}

static void
test_questions (void)
{
  const char *text = HEAD
    "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  ask: returns" TEXT
    "server: listen(s, 5)\n  ask: state" TEXT
    "server: conn = accept(s)\n  ask: blocks" TEXT
    "server: send(conn, \"hello\", 0)\n  ask: packets\n  choices: none | PSH-ACK | SYN" TEXT
    "server: u = socket(AF_INET, SOCK_DGRAM, 0)" TEXT
    "server: sendto(u, \"x\" * 10, 0, 127.0.0.1:9)\n  ask: returns" TEXT
    "server: close(u)\n  ask: state" TEXT;
  g_autoptr(GError) error = NULL;
  g_autoptr(SockscopeLesson) lesson = sockscope_lesson_new_from_data (text, "q.lesson", &error);
  g_auto(GStrv) returns = NULL;
  g_auto(GStrv) state = NULL;
  g_auto(GStrv) blocks = NULL;
  g_auto(GStrv) packets = NULL;
  g_auto(GStrv) sendto = NULL;
  g_auto(GStrv) udp_state = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sockscope_lesson_get_step (lesson, 1)->ask, ==, SOCKSCOPE_ASK_RETURNS);
  returns = sockscope_question_get_choices (lesson, sockscope_lesson_get_step (lesson, 1), NULL);
  g_assert_true (g_strv_contains ((const char * const *) returns, "3"));
  g_assert_true (g_strv_contains ((const char * const *) returns, "-1 EMFILE"));
  state = sockscope_question_get_choices (lesson, sockscope_lesson_get_step (lesson, 2), NULL);
  g_assert_true (g_strv_contains ((const char * const *) state, "LISTEN"));
  g_assert_true (g_strv_contains ((const char * const *) state, "TIME-WAIT"));
  g_assert_false (g_strv_contains ((const char * const *) state, "UNCONN"));
  blocks = sockscope_question_get_choices (lesson, sockscope_lesson_get_step (lesson, 3), NULL);
  g_assert_cmpuint (g_strv_length (blocks), ==, 2);
  packets = sockscope_question_get_choices (lesson, sockscope_lesson_get_step (lesson, 4), NULL);
  g_assert_cmpstr (packets[1], ==, "PSH-ACK");
  g_assert_cmpuint (g_strv_length (packets), ==, 3);
  sendto = sockscope_question_get_choices (lesson, sockscope_lesson_get_step (lesson, 6), NULL);
  g_assert_true (g_strv_contains ((const char * const *) sendto, "10"));
  udp_state = sockscope_question_get_choices (lesson, sockscope_lesson_get_step (lesson, 7), NULL);
  g_assert_true (g_strv_contains ((const char * const *) udp_state, "UNCONN"));
  g_assert_false (g_strv_contains ((const char * const *) udp_state, "LISTEN"));

  /* Comparing answers: spacing, commas, the error named or not, positive values. */
  g_assert_true (sockscope_question_same_answer (SOCKSCOPE_ASK_PACKETS, "SYN, SYN-ACK, ACK", "SYN / SYN-ACK / ACK"));
  g_assert_false (sockscope_question_same_answer (SOCKSCOPE_ASK_PACKETS, "SYN", "SYN / SYN-ACK / ACK"));
  g_assert_true (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "-1", "-1 ECONNREFUSED"));
  g_assert_true (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "-1 ECONNREFUSED", "-1 ECONNREFUSED"));
  g_assert_false (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "-1 ETIMEDOUT", "-1 ECONNREFUSED"));
  g_assert_false (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "0", "-1 ECONNREFUSED"));
  g_assert_true (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "> 0 (a pid)", "4242"));
  g_assert_false (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "> 0 (a pid)", "0"));
  g_assert_true (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "< 100000 (a part of it)", "5792"));
  g_assert_false (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "< 100000 (a part of it)", "100000"));
  g_assert_false (sockscope_question_same_answer (SOCKSCOPE_ASK_RETURNS, "< 100000 (a part of it)", "-1 EAGAIN"));
  g_assert_true (sockscope_question_same_answer (SOCKSCOPE_ASK_BLOCKS, "oui", "yes"));
  g_assert_false (sockscope_question_same_answer (SOCKSCOPE_ASK_BLOCKS, "no", "yes"));
  g_assert_true (sockscope_question_same_answer (SOCKSCOPE_ASK_STATE, "time-wait", "TIME-WAIT"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lesson/shipped", test_shipped_lessons);
  g_test_add_func ("/lesson/errors", test_errors);
  g_test_add_func ("/lesson/variables-per-actor", test_variables_per_actor);
  g_test_add_func ("/lesson/duplicate-id", test_duplicate_id);
  g_test_add_func ("/lesson/generated-c", test_generated_c);
  g_test_add_func ("/lesson/generated-c-new-calls", test_c_new_calls);
  g_test_add_func ("/lesson/loops", test_loops);
  g_test_add_func ("/lesson/python", test_python);
  g_test_add_func ("/lesson/inherited", test_inherited_variables);
  g_test_add_func ("/lesson/questions", test_questions);
  g_test_add_func ("/lesson/possible-choices", test_possible_choices);
  g_test_add_func ("/lesson/encoding", test_encoding);
  g_test_add_func ("/lesson/hosts-and-wire", test_hosts_and_wire);
  g_test_add_func ("/lesson/limits", test_limits);
  return g_test_run ();
}
