/* sockscope-lesson-c.c: the C program of one actor, generated from the lesson's steps so that
 * the code the learner reads and the calls the lab makes can never disagree. */
#include "config.h"

#include <string.h>

#include "sockscope-lesson.h"

typedef struct
{
  GString    *out;
  guint       line;        /* lines written so far */
  GHashTable *declared;    /* names declared in main() */
  guint       n_addrs;
} Writer;

G_GNUC_PRINTF (2, 3) static void
emit (Writer     *w,
      const char *format,
      ...)
{
  va_list ap;

  g_string_append (w->out, "    ");
  va_start (ap, format);
  g_string_append_vprintf (w->out, format, ap);
  va_end (ap);
  g_string_append_c (w->out, '\n');
  w->line++;
}

static void
emit_raw (Writer     *w,
          const char *text)
{
  g_string_append (w->out, text);
  g_string_append_c (w->out, '\n');
  w->line++;
}

/* "int s = " the first time a name is assigned, "s = " after. */
static char *
assign_prefix (Writer     *w,
               const char *type,
               const char *name)
{
  if (name == NULL)
    return g_strdup ("");
  if (g_hash_table_add (w->declared, g_strdup (name)))
    return g_strdup_printf ("%s %s = ", type, name);
  return g_strdup_printf ("%s = ", name);
}

/* Declares a variable once; later steps reuse it. */
static gboolean
declare_once (Writer     *w,
              const char *name)
{
  return g_hash_table_add (w->declared, g_strdup (name));
}

/* Bytes of a C string literal once its escapes are read. */
static guint
literal_length (const char *lit)
{
  guint n = 0;

  for (const char *s = lit + 1; *s && *s != '"'; s++, n++)
    if (*s == '\\')
      {
        s++;
        if (*s == 'x')
          while (g_ascii_isxdigit (s[1]))
            s++;
      }
  return n;
}

/* Fills a struct sockaddr for "127.0.0.1:7777", "*:7777", "[::1]:7777" or "\"name.sock\"";
 * returns the expression a call passes: "(struct sockaddr *) &addr, sizeof addr". */
static char *
emit_address (Writer     *w,
              const char *arg)
{
  g_autofree char *name = NULL;
  const char *colon = strrchr (arg, ':');

  if (arg[0] != '"' && colon == NULL)
    return g_strdup_printf ("(struct sockaddr *) &%s, %s_len", arg, arg);

  name = w->n_addrs++ == 0 ? g_strdup ("addr") : g_strdup_printf ("addr%u", w->n_addrs);

  if (arg[0] == '"')
    {
      emit (w, "struct sockaddr_un %s = { .sun_family = AF_UNIX };", name);
      emit (w, "strcpy(%s.sun_path, %s);", name, arg);
    }
  else if (arg[0] == '[' && colon != NULL)
    {
      g_autofree char *host = g_strndup (arg + 1, colon - arg - 2);

      emit (w, "struct sockaddr_in6 %s = { .sin6_family = AF_INET6 };", name);
      emit (w, "%s.sin6_port = htons(%s);", name, colon + 1);
      if (g_str_equal (host, "::"))
        emit (w, "%s.sin6_addr = in6addr_any;", name);
      else
        emit (w, "inet_pton(AF_INET6, \"%s\", &%s.sin6_addr);", host, name);
    }
  else
    {
      g_autofree char *host = g_strndup (arg, colon - arg);

      emit (w, "struct sockaddr_in %s = { .sin_family = AF_INET };", name);
      emit (w, "%s.sin_port = htons(%s);", name, colon + 1);
      if (g_str_equal (host, "*") || g_str_equal (host, "0.0.0.0"))
        emit (w, "%s.sin_addr.s_addr = htonl(INADDR_ANY);", name);
      else
        emit (w, "inet_pton(AF_INET, \"%s\", &%s.sin_addr);", host, name);
    }
  return g_strdup_printf ("(struct sockaddr *) &%s, sizeof %s", name, name);
}

/* Where a call returning an address stores it: `-> peer` names it, otherwise nowhere. */
static char *
emit_address_out (Writer              *w,
                  const SockscopeStep *step)
{
  if (step->capture == NULL)
    return g_strdup ("NULL, NULL");
  if (declare_once (w, step->capture))
    {
      emit (w, "struct sockaddr_storage %s;", step->capture);
      emit (w, "socklen_t %s_len = sizeof %s;", step->capture, step->capture);
    }
  else
    emit (w, "%s_len = sizeof %s;", step->capture, step->capture);
  return g_strdup_printf ("(struct sockaddr *) &%s, &%s_len", step->capture, step->capture);
}

static char *
emit_buffer (Writer     *w,
             const char *length)
{
  g_autofree char *name = g_strdup_printf ("buf%s", length);

  if (declare_once (w, name))
    emit (w, "char %s[%s];", name, length);
  return g_steal_pointer (&name);
}

static void
emit_step (Writer              *w,
           const SockscopeStep *step)
{
  const char *call = step->call;
  char **a = step->args;
  g_autofree char *lhs = NULL;

  if (g_str_equal (call, "socketpair") && g_strv_length (a) == 3)
    {
      const char *name = step->assign ? step->assign : "sv";

      if (declare_once (w, name))
        emit (w, "int %s[2];", name);
      emit (w, "socketpair(%s, %s, %s, %s);", a[0], a[1], a[2], name);
      return;
    }

  if (g_str_equal (call, "send") || g_str_equal (call, "recv") || g_str_equal (call, "sendto") ||
      g_str_equal (call, "recvfrom"))
    lhs = assign_prefix (w, "ssize_t", step->assign);

  if ((g_str_equal (call, "bind") || g_str_equal (call, "connect")) && g_strv_length (a) == 2)
    {
      g_autofree char *addr = emit_address (w, a[1]);

      lhs = assign_prefix (w, "int", step->assign);
      emit (w, "%s%s(%s, %s);", lhs, call, a[0], addr);
    }
  else if (g_str_equal (call, "send") && g_strv_length (a) == 3)
    emit (w, "%ssend(%s, %s, %u, %s);", lhs, a[0], a[1], literal_length (a[1]), a[2]);
  else if (g_str_equal (call, "sendto") && g_strv_length (a) == 4)
    {
      g_autofree char *addr = emit_address (w, a[3]);

      emit (w, "%ssendto(%s, %s, %u, %s, %s);", lhs, a[0], a[1], literal_length (a[1]), a[2], addr);
    }
  else if (g_str_equal (call, "recv") && g_strv_length (a) == 3)
    {
      g_autofree char *buf = emit_buffer (w, a[1]);

      emit (w, "%srecv(%s, %s, %s, %s);", lhs, a[0], buf, a[1], a[2]);
    }
  else if (g_str_equal (call, "recvfrom") && g_strv_length (a) == 3)
    {
      g_autofree char *buf = emit_buffer (w, a[1]);
      g_autofree char *from = emit_address_out (w, step);

      emit (w, "%srecvfrom(%s, %s, %s, %s, %s);", lhs, a[0], buf, a[1], a[2], from);
    }
  else if ((g_str_equal (call, "accept") || g_str_equal (call, "getsockname") ||
            g_str_equal (call, "getpeername")) && g_strv_length (a) == 1)
    {
      g_autofree char *from = emit_address_out (w, step);

      lhs = assign_prefix (w, "int", step->assign);
      emit (w, "%s%s(%s, %s);", lhs, call, a[0], from);
    }
  else if (g_str_equal (call, "setsockopt") && g_strv_length (a) == 4)
    {
      lhs = assign_prefix (w, "int", step->assign);
      if (a[3][0] == '{')
        {
          emit (w, "struct linger linger = %s;", a[3]);
          emit (w, "%ssetsockopt(%s, %s, %s, &linger, sizeof linger);", lhs, a[0], a[1], a[2]);
        }
      else
        {
          if (declare_once (w, "optval"))
            emit (w, "int optval = %s;", a[3]);
          else
            emit (w, "optval = %s;", a[3]);
          emit (w, "%ssetsockopt(%s, %s, %s, &optval, sizeof optval);", lhs, a[0], a[1], a[2]);
        }
    }
  else if (g_str_equal (call, "getsockopt") && g_strv_length (a) == 3)
    {
      lhs = assign_prefix (w, "int", step->assign);
      if (declare_once (w, "optval"))
        emit (w, "int optval;");
      if (declare_once (w, "optlen"))
        emit (w, "socklen_t optlen = sizeof optval;");
      else
        emit (w, "optlen = sizeof optval;");
      emit (w, "%sgetsockopt(%s, %s, %s, &optval, &optlen);", lhs, a[0], a[1], a[2]);
    }
  else
    {
      g_autofree char *args = g_strjoinv (", ", a);

      if (lhs == NULL)
        lhs = assign_prefix (w, "int", step->assign);
      emit (w, "%s%s(%s);", lhs, call, args);
    }
}

/* Renders @actor's program. @spans (optional) receives one SockscopeCodeSpan per step of that
 * actor: the lines the UI highlights when the step runs. */
char *
sockscope_lesson_render_c (SockscopeLesson  *self,
                           const char       *actor,
                           GArray          **spans)
{
  g_autoptr(GHashTable) declared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (SockscopeCodeSpan));
  Writer w = { g_string_new (NULL), 0, declared, 0 };
  guint n_steps = sockscope_lesson_get_n_steps (self);
  g_autofree char *comment = g_strdup_printf ("/* %s: generated from the lesson %s */",
                                              actor, sockscope_lesson_get_id (self));

  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);

  emit_raw (&w, comment);
  emit_raw (&w, "#include <arpa/inet.h>");
  emit_raw (&w, "#include <fcntl.h>");
  emit_raw (&w, "#include <netinet/in.h>");
  emit_raw (&w, "#include <netinet/tcp.h>");
  emit_raw (&w, "#include <string.h>");
  emit_raw (&w, "#include <sys/socket.h>");
  emit_raw (&w, "#include <sys/un.h>");
  emit_raw (&w, "#include <unistd.h>");
  emit_raw (&w, "");
  emit_raw (&w, "int main(void)");
  emit_raw (&w, "{");
  for (guint i = 1; i <= n_steps; i++)
    {
      const SockscopeStep *step = sockscope_lesson_get_step (self, i);
      SockscopeCodeSpan span = { step->number, w.line + 1, 0 };

      if (!g_str_equal (step->actor, actor))
        continue;
      emit_step (&w, step);
      span.last_line = w.line;
      g_array_append_val (result, span);
    }
  emit (&w, "return 0;");
  emit_raw (&w, "}");

  if (spans != NULL)
    *spans = g_steal_pointer (&result);
  return g_string_free (w.out, FALSE);
}
