/* test-lesson.c: the lesson parser, its errors, and the C code generated from the steps. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sockscope-error.h"
#include "sockscope-lesson.h"

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
};

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

/* Each step's span covers lines that contain its call, and the program compiles. */
static void
check_program (SockscopeLesson *lesson,
               const char      *actor)
{
  g_autoptr(GArray) spans = NULL;
  g_autofree char *code = sockscope_lesson_render_c (lesson, actor, &spans);
  g_auto(GStrv) lines = g_strsplit (code, "\n", -1);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  int fd, status;
  const char *argv[] = { "cc", "-fsyntax-only", "-Wall", "-Werror", "-Wno-unused-variable", "-x", "c", NULL, NULL };

  g_assert_cmpuint (spans->len, >, 0);
  for (guint i = 0; i < spans->len; i++)
    {
      SockscopeCodeSpan *span = &g_array_index (spans, SockscopeCodeSpan, i);
      const SockscopeStep *step = sockscope_lesson_get_step (lesson, span->step);
      g_autofree char *call = g_strconcat (step->call, "(", NULL);

      g_assert_cmpstr (step->actor, ==, actor);
      g_assert_cmpuint (span->first_line, <=, span->last_line);
      g_assert_cmpuint (span->last_line, <=, g_strv_length (lines));
      g_assert_nonnull (strstr (lines[span->last_line - 1], call));
    }

  fd = g_file_open_tmp ("sockscope-XXXXXX.c", &path, NULL);
  g_assert_cmpint (fd, >=, 0);
  g_assert_true (g_file_set_contents (path, code, -1, NULL));
  close (fd);
  argv[7] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &out, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("generated code for %s does not compile:\n%s\n%s", actor, code, out);
  g_unlink (path);
}

static void
test_generated_c (void)
{
  g_autoptr(SockscopeLesson) tcp = load_lesson ("tcp-handshake");
  g_autoptr(SockscopeLesson) udp = load_lesson ("udp-echo");
  g_autoptr(GArray) spans = NULL;
  g_autofree char *code = sockscope_lesson_render_c (udp, "server", &spans);

  check_program (tcp, "server");
  check_program (tcp, "client");
  check_program (udp, "server");
  check_program (udp, "client");

  /* The address kept by recvfrom is the one sendto answers to. */
  g_assert_nonnull (strstr (code, "recvfrom(s, buf64, 64, 0, (struct sockaddr *) &peer, &peer_len);"));
  g_assert_nonnull (strstr (code, "sendto(s, \"ping\", 4, 0, (struct sockaddr *) &peer, peer_len);"));
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
  return g_test_run ();
}
