/* test-lesson-code.c: the programs generated for every shipped lesson, as a learner reads them:
 * their #include lines name only the headers the program uses (no network header in a program
 * that only has AF_UNIX sockets), their comments are in the language of the interface, and every
 * one of them still compiles (C, with cc) or parses (Python), in English and in French. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sockscope-lesson.h"
#include "sockscope-locale.h"

static const char * const english_comments[] = {
  "generated from the lesson", "the child's code", "the peer closed", "Copies of its parent's variables",
  "The variables of its process", "the thread's code", "A thread of", "The child process",
};

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

/* The ids of the shipped lessons, sorted. */
static GPtrArray *
shipped_lessons (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("SOCKSCOPE_SOURCE_ROOT"), "lessons", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".lesson") && !g_str_equal (name, "TEMPLATE.lesson"))
      g_ptr_array_add (ids, g_strndup (name, strlen (name) - strlen (".lesson")));
  g_ptr_array_sort (ids, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (ids->len, >=, 25);
  return ids;
}

static void
set_language (const char *lang)
{
  /* As sockscope_language_apply does: $LANGUAGE, and a UTF-8 messages locale that lets gettext
   * read it (setlocale also empties gettext's cache). */
  g_setenv ("LANGUAGE", lang, TRUE);
  if (setlocale (LC_MESSAGES, g_str_equal (lang, "fr") ? "fr_FR.UTF-8" : "en_US.UTF-8") == NULL)
    g_assert_nonnull (setlocale (LC_MESSAGES, "C.UTF-8"));
}

static void
compile (const char *code,
         const char *code_lang,
         const char *what)
{
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  int fd, status;
  const char *c_argv[] = { "cc", "-fsyntax-only", "-Wall", "-Werror", "-Wno-unused-variable",
                           "-Wno-unused-but-set-variable", "-x", "c", NULL, NULL };
  const char *py_argv[] = { "python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())", NULL, NULL };
  const char **argv = g_str_equal (code_lang, "c") ? c_argv : py_argv;

  fd = g_file_open_tmp (g_str_equal (code_lang, "c") ? "sockscope-XXXXXX.c" : "sockscope-XXXXXX.py", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path, code, -1, NULL));
  argv[g_strv_length ((char **) argv)] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &out, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the generated %s program %s does not compile:\n%s\n%s", code_lang, what, code, out);
  g_unlink (path);
}

static gboolean
includes (const char *code,
          const char *header)
{
  g_autofree char *line = g_strdup_printf ("#include <%s>\n", header);

  return strstr (code, line) != NULL;
}

/* unix-sockets has only AF_UNIX sockets: no network header in any of its programs. */
static void
test_unix_includes (void)
{
  g_autoptr(SockscopeLesson) lesson = load_lesson ("unix-sockets");

  for (guint i = 0; i < sockscope_lesson_get_n_actors (lesson); i++)
    {
      const char *actor = sockscope_lesson_get_actor (lesson, i)->name;
      g_autofree char *code = sockscope_lesson_render (lesson, actor, "c", NULL);

      g_test_message ("%s", code);
      g_assert_null (strstr (code, "netinet"));
      g_assert_false (includes (code, "arpa/inet.h"));
      g_assert_false (includes (code, "netdb.h"));
      g_assert_false (includes (code, "fcntl.h"));
      g_assert_true (includes (code, "sys/socket.h"));
      g_assert_true (includes (code, "sys/un.h"));
      g_assert_true (includes (code, "unistd.h"));
    }
}

/* In every lesson, a header appears only where what it declares does; and where it does, the
 * header is there (the compile test below would fail otherwise). */
static void
test_includes_follow_use (void)
{
  g_autoptr(GPtrArray) ids = shipped_lessons ();
  static const struct { const char *header; const char *names[8]; } uses[] = {
    { "netinet/tcp.h", { "TCP_", NULL } },
    { "netinet/in.h", { "sockaddr_in", "IPPROTO_", "INADDR_", "in6addr_", "IPV6_", NULL } },
    { "arpa/inet.h", { "inet_pton", "htons", "htonl", "ntohs", "ntohl", NULL } },
    { "sys/un.h", { "sockaddr_un", NULL } },
    { "netdb.h", { "getaddrinfo", "gethostbyname", "getservbyname", NULL } },
    { "fcntl.h", { "fcntl", "O_NONBLOCK", NULL } },
    { "poll.h", { "poll", NULL } },
    { "pthread.h", { "pthread_", NULL } },
    { "sys/wait.h", { "waitpid", NULL } },
    { "sys/select.h", { "select", NULL } },
    { "stdlib.h", { "exit(", NULL } },
  };
  guint n_programs = 0, n_without_netinet = 0;

  for (guint l = 0; l < ids->len; l++)
    {
      g_autoptr(SockscopeLesson) lesson = load_lesson (g_ptr_array_index (ids, l));

      for (guint i = 0; i < sockscope_lesson_get_n_actors (lesson); i++)
        {
          const char *actor = sockscope_lesson_get_actor (lesson, i)->name;
          g_autofree char *code = sockscope_lesson_render (lesson, actor, "c", NULL);
          /* What follows the #include lines: the program itself. */
          const char *body = strstr (code, "\n\n");

          g_assert_nonnull (body);
          for (guint u = 0; u < G_N_ELEMENTS (uses); u++)
            {
              gboolean used = FALSE;

              for (guint k = 0; uses[u].names[k] != NULL; k++)
                used |= strstr (body, uses[u].names[k]) != NULL;
              if (includes (code, uses[u].header) && !used)
                g_error ("%s/%s includes <%s> and uses nothing of it:\n%s",
                         sockscope_lesson_get_id (lesson), actor, uses[u].header, code);
            }
          n_without_netinet += strstr (code, "netinet") == NULL;
          n_programs++;
        }
    }
  /* Some programs need no network header at all: children that only close and exit, Unix sockets. */
  g_assert_cmpuint (n_without_netinet, >, 0);
  g_assert_cmpuint (n_programs, >, 40);
}

/* Every program of every lesson, in C and in Python, with its comments in English and in French. */
static void
test_every_program_compiles (void)
{
  g_autoptr(GPtrArray) ids = shipped_lessons ();
  static const char * const langs[] = { "en", "fr" };
  static const char * const code_langs[] = { "c", "python" };

  for (guint g = 0; g < G_N_ELEMENTS (langs); g++)
    {
      set_language (langs[g]);
      for (guint l = 0; l < ids->len; l++)
        {
          g_autoptr(SockscopeLesson) lesson = load_lesson (g_ptr_array_index (ids, l));

          for (guint i = 0; i < sockscope_lesson_get_n_actors (lesson); i++)
            for (guint c = 0; c < G_N_ELEMENTS (code_langs); c++)
              {
                const char *actor = sockscope_lesson_get_actor (lesson, i)->name;
                g_autofree char *code = sockscope_lesson_render (lesson, actor, code_langs[c], NULL);
                g_autofree char *what = g_strdup_printf ("%s/%s (%s)", sockscope_lesson_get_id (lesson), actor, langs[g]);

                compile (code, code_langs[c], what);
              }
        }
    }
  set_language ("en");
}

/* With the interface in French, every comment of the generated code is French. */
static void
test_french_comments (void)
{
  g_autoptr(SockscopeLesson) fork_lesson = load_lesson ("concurrent-fork");
  g_autoptr(SockscopeLesson) threads = load_lesson ("concurrent-threads");
  g_autofree char *server = NULL, *worker = NULL, *worker_py = NULL, *thread_py = NULL, *english = NULL;

  set_language ("fr");
  server = sockscope_lesson_render (fork_lesson, "server", "c", NULL);
  worker = sockscope_lesson_render (fork_lesson, "worker1", "c", NULL);
  worker_py = sockscope_lesson_render (fork_lesson, "worker1", "python", NULL);
  thread_py = sockscope_lesson_render (threads, "thread1", "python", NULL);
  set_language ("en");
  english = sockscope_lesson_render (fork_lesson, "worker1", "c", NULL);

  g_test_message ("%s\n%s\n%s\n%s", server, worker, worker_py, thread_py);
  g_assert_true (g_str_has_prefix (worker, "/* worker1 : généré à partir de la leçon concurrent-fork */\n"));
  g_assert_nonnull (strstr (worker, "/* Copies des variables de son père, faites par fork(). */\n"));
  g_assert_nonnull (strstr (worker, "if (n <= 0)    /* le pair a fermé, ou une erreur */\n"));
  g_assert_nonnull (strstr (server, "/* le code du fils : voir le programme de worker1 */"));
  g_assert_nonnull (strstr (server, "worker1();    /* le code du fils */"));
  g_assert_true (g_str_has_prefix (worker_py, "# worker1 : généré à partir de la leçon concurrent-fork\n"
                                              "# Le processus fils que server crée avec os.fork()"));
  g_assert_nonnull (strstr (worker_py, "if not n:    # le pair a fermé\n"));
  g_assert_nonnull (strstr (thread_py, "# Un thread de server (threading.Thread)"));
  for (guint i = 0; i < G_N_ELEMENTS (english_comments); i++)
    {
      g_assert_null (strstr (server, english_comments[i]));
      g_assert_null (strstr (worker, english_comments[i]));
      g_assert_null (strstr (worker_py, english_comments[i]));
      g_assert_null (strstr (thread_py, english_comments[i]));
    }
  /* The language is read when the code is made: English again afterwards. */
  g_assert_true (g_str_has_prefix (english, "/* worker1: generated from the lesson concurrent-fork */\n"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, sockscope_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lesson-code/unix-includes", test_unix_includes);
  g_test_add_func ("/lesson-code/includes-follow-use", test_includes_follow_use);
  g_test_add_func ("/lesson-code/french-comments", test_french_comments);
  g_test_add_func ("/lesson-code/every-program-compiles", test_every_program_compiles);
  return g_test_run ();
}
