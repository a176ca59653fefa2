/* sockscope-lesson-c.c: the C program of one actor, generated from the lesson's steps so that
 * the code the learner reads and the calls the lab makes can never disagree.
 *
 * A run of steps with the same `loop:` becomes one loop whose body holds each distinct call
 * once; every step of every iteration points at its line in the body. A child actor (made by
 * fork or pthread_create) is a function of its own, with the variables it inherited declared
 * above it. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-calls.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-private.h"

typedef struct
{
  SockscopeLesson     *lesson;
  const char          *actor;
  const SockscopeStep *step;        /* being written */
  GString             *out;
  guint                line;        /* lines written so far */
  guint                depth;       /* indentation, in levels of 4 spaces */
  GHashTable          *declared;    /* names declared in the function */
  guint                n_addrs;
  guint                n_polls;
} Writer;

G_GNUC_PRINTF (2, 3) static void
emit (Writer     *w,
      const char *format,
      ...)
{
  va_list ap;

  for (guint i = 0; i < w->depth; i++)
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

/* The C type of what @step assigns. */
static const char *
result_type (const SockscopeStep *step)
{
  static const struct { const char *call; const char *type; } types[] = {
    { "send", "ssize_t" }, { "recv", "ssize_t" }, { "sendto", "ssize_t" }, { "recvfrom", "ssize_t" },
    { "fork", "pid_t" }, { "waitpid", "pid_t" }, { "pthread_create", "pthread_t" },
    { "htons", "uint16_t" }, { "ntohs", "uint16_t" }, { "htonl", "uint32_t" }, { "ntohl", "uint32_t" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (step->call, types[i].call))
      return types[i].type;
  return "int";
}

/* Declares @name, assigned or kept by @step, without a value (before a loop, or in a child). */
static void
declare_variable (Writer              *w,
                  const SockscopeStep *step,
                  const char          *name)
{
  if (!declare_once (w, name))
    return;
  if (g_strcmp0 (step->capture, name) == 0)
    {
      if (g_str_equal (step->call, "getaddrinfo"))
        emit (w, "struct addrinfo *%s;", name);
      else if (g_str_equal (step->call, "gethostbyname"))
        emit (w, "struct hostent *%s;", name);
      else
        {
          emit (w, "struct sockaddr_storage %s;", name);
          emit (w, "socklen_t %s_len;", name);
        }
    }
  else if (g_str_equal (step->call, "socketpair"))
    emit (w, "int %s[2];", name);
  else
    emit (w, "%s %s;", result_type (step), name);
}

/* The buffer recv/recvfrom read into: buf64 for a length of 64. */
static char *
buffer_name (const char *length)
{
  return g_strdup_printf ("buf%s", length);
}

/* The step of this actor (or of the parent it inherited from) that assigned @name. */
static const SockscopeStep *
assignment (Writer     *w,
            const char *name)
{
  return sockscope_lesson_find_assignment (w->lesson, w->step->actor, name, w->step->number);
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
    {
      const SockscopeStep *from = assignment (w, arg);

      if (from != NULL && g_str_equal (from->call, "getaddrinfo"))
        return g_strdup_printf ("%s->ai_addr, %s->ai_addrlen", arg, arg);
      if (from != NULL && g_str_equal (from->call, "gethostbyname"))
        {
          name = w->n_addrs++ == 0 ? g_strdup ("addr") : g_strdup_printf ("addr%u", w->n_addrs);
          emit (w, "struct sockaddr_in %s = { .sin_family = AF_INET };", name);
          emit (w, "memcpy(&%s.sin_addr, %s->h_addr_list[0], %s->h_length);", name, arg, arg);
          return g_strdup_printf ("(struct sockaddr *) &%s, sizeof %s", name, name);
        }
      return g_strdup_printf ("(struct sockaddr *) &%s, %s_len", arg, arg);
    }

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
  g_autofree char *name = buffer_name (length);

  if (declare_once (w, name))
    emit (w, "char %s[%s];", name, length);
  return g_steal_pointer (&name);
}

/* The data argument of send/sendto as "pointer, length". */
static char *
emit_data (Writer     *w,
           const char *arg)
{
  g_autofree char *literal = NULL;
  g_autofree char *func = NULL;
  g_autofree char *value = NULL;
  guint64 count;

  if (sockscope_data_is_repeat (arg, &literal, &count))
    {
      guint len = sockscope_literal_length (literal);
      g_autofree char *name = g_strdup_printf ("data%" G_GUINT64_FORMAT, count * len);

      if (declare_once (w, name))
        emit (w, "static char %s[%" G_GUINT64_FORMAT "];", name, count * len);
      if (len == 1)
        {
          /* The character as a C character literal: "x" -> 'x', "\"" -> '"', "'" -> '\''. */
          g_autofree char *inner = g_strndup (literal + 1, strlen (literal) - 2);
          const char *c = g_str_equal (inner, "'") ? "\\'" : g_str_equal (inner, "\\\"") ? "\"" : inner;

          emit (w, "memset(%s, '%s', sizeof %s);", name, c, name);
        }
      else
        {
          emit (w, "for (int i = 0; i < %" G_GUINT64_FORMAT "; i++)", count);
          w->depth++;
          emit (w, "memcpy(%s + %u * i, %s, %u);", name, len, literal, len);
          w->depth--;
        }
      return g_strdup_printf ("%s, sizeof %s", name, name);
    }
  if (sockscope_data_is_int (arg, &func, &value))
    {
      const char *type = g_str_equal (func, "htonl") ? "uint32_t" : g_str_equal (func, "htons") ? "uint16_t" : "int";
      const char *name = g_str_equal (func, "htonl") ? "net32" : g_str_equal (func, "htons") ? "net16" : "value";

      if (declare_once (w, name))
        {
          if (g_str_equal (func, "int"))
            emit (w, "%s %s = %s;", type, name, value);
          else
            emit (w, "%s %s = %s(%s);", type, name, func, value);
        }
      else if (g_str_equal (func, "int"))
        emit (w, "%s = %s;", name, value);
      else
        emit (w, "%s = %s(%s);", name, func, value);
      return g_strdup_printf ("&%s, sizeof %s", name, name);
    }
  if (arg[0] != '"')
    {
      /* A variable assigned by recv: the bytes it received, from that call's buffer. */
      const SockscopeStep *from = assignment (w, arg);

      if (from != NULL && from->args[0] != NULL && from->args[1] != NULL)
        {
          g_autofree char *buf = buffer_name (from->args[1]);

          return g_strdup_printf ("%s, %s", buf, arg);
        }
    }
  return g_strdup_printf ("%s, %u", arg, sockscope_literal_length (arg));
}

static void
emit_step (Writer              *w,
           const SockscopeStep *step)
{
  const char *call = step->call;
  char **a = step->args;
  guint n = g_strv_length (a);
  g_autofree char *lhs = NULL;

  w->step = step;

  if (g_str_equal (call, "socketpair") && n == 3)
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

  if ((g_str_equal (call, "bind") || g_str_equal (call, "connect")) && n == 2)
    {
      g_autofree char *addr = emit_address (w, a[1]);

      lhs = assign_prefix (w, "int", step->assign);
      emit (w, "%s%s(%s, %s);", lhs, call, a[0], addr);
    }
  else if (g_str_equal (call, "send") && n == 3)
    {
      g_autofree char *data = emit_data (w, a[1]);

      emit (w, "%ssend(%s, %s, %s);", lhs, a[0], data, a[2]);
    }
  else if (g_str_equal (call, "sendto") && n == 4)
    {
      g_autofree char *data = emit_data (w, a[1]);
      g_autofree char *addr = emit_address (w, a[3]);

      emit (w, "%ssendto(%s, %s, %s, %s);", lhs, a[0], data, a[2], addr);
    }
  else if (g_str_equal (call, "recv") && n == 3)
    {
      g_autofree char *buf = emit_buffer (w, a[1]);

      emit (w, "%srecv(%s, %s, %s, %s);", lhs, a[0], buf, a[1], a[2]);
    }
  else if (g_str_equal (call, "recvfrom") && n == 3)
    {
      g_autofree char *buf = emit_buffer (w, a[1]);
      g_autofree char *from = emit_address_out (w, step);

      emit (w, "%srecvfrom(%s, %s, %s, %s, %s);", lhs, a[0], buf, a[1], a[2], from);
    }
  else if ((g_str_equal (call, "accept") || g_str_equal (call, "getsockname") ||
            g_str_equal (call, "getpeername")) && n == 1)
    {
      g_autofree char *from = emit_address_out (w, step);

      lhs = assign_prefix (w, "int", step->assign);
      emit (w, "%s%s(%s, %s);", lhs, call, a[0], from);
    }
  else if (g_str_equal (call, "setsockopt") && n == 4)
    {
      lhs = assign_prefix (w, "int", step->assign);
      if (a[3][0] == '{' && (g_str_equal (a[2], "SO_RCVTIMEO") || g_str_equal (a[2], "SO_SNDTIMEO")))
        {
          emit (w, "struct timeval timeout = %s;", a[3]);
          emit (w, "%ssetsockopt(%s, %s, %s, &timeout, sizeof timeout);", lhs, a[0], a[1], a[2]);
        }
      else if (a[3][0] == '{')
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
  else if (g_str_equal (call, "getsockopt") && n == 3)
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
  else if (g_str_equal (call, "fork"))
    {
      lhs = assign_prefix (w, "pid_t", step->assign);
      if (step->assign != NULL)
        {
          emit (w, "%sfork();", lhs);
          emit (w, "if (%s == 0)", step->assign);
        }
      else
        emit (w, "if (fork() == 0)");
      w->depth++;
      /* TRANSLATORS: a comment in the generated C program, after the call of the child's function */
      emit (w, "%s();    /* %s */", step->new_actor ? step->new_actor : "child", _("the child's code"));
      w->depth--;
    }
  else if (g_str_equal (call, "pthread_create"))
    {
      const char *name = step->assign ? step->assign : "thread";

      if (declare_once (w, name))
        emit (w, "pthread_t %s;", name);
      emit (w, "pthread_create(&%s, NULL, %s, NULL);", name, step->new_actor ? step->new_actor : "run");
    }
  else if (g_str_equal (call, "pthread_exit"))
    emit (w, "pthread_exit(NULL);");
  else if (g_str_equal (call, "pthread_join") && n == 1)
    {
      lhs = assign_prefix (w, "int", step->assign);
      emit (w, "%spthread_join(%s, NULL);", lhs, a[0]);
    }
  else if (g_str_equal (call, "waitpid") && n == 2)
    {
      if (declare_once (w, "status"))
        emit (w, "int status;");
      lhs = assign_prefix (w, "pid_t", step->assign);
      emit (w, "%swaitpid(%s, &status, %s);", lhs, a[0], a[1]);
    }
  else if (g_str_equal (call, "select") && n >= 1)
    {
      if (declare_once (w, "readfds"))
        emit (w, "fd_set readfds;");
      emit (w, "FD_ZERO(&readfds);");
      for (guint i = 0; i < n; i++)
        emit (w, "FD_SET(%s, &readfds);", a[i]);
      if (n == 1)
        {
          lhs = assign_prefix (w, "int", step->assign);
          emit (w, "%sselect(%s + 1, &readfds, NULL, NULL, NULL);", lhs, a[0]);
        }
      else
        {
          if (declare_once (w, "maxfd"))
            emit (w, "int maxfd = %s;", a[0]);
          else
            emit (w, "maxfd = %s;", a[0]);
          for (guint i = 1; i < n; i++)
            emit (w, "if (%s > maxfd) maxfd = %s;", a[i], a[i]);
          lhs = assign_prefix (w, "int", step->assign);
          emit (w, "%sselect(maxfd + 1, &readfds, NULL, NULL, NULL);", lhs);
        }
    }
  else if (g_str_equal (call, "poll") && n >= 1)
    {
      g_autofree char *name = w->n_polls++ == 0 ? g_strdup ("fds") : g_strdup_printf ("fds%u", w->n_polls);
      g_autoptr(GString) init = g_string_new (NULL);

      for (guint i = 0; i < n; i++)
        g_string_append_printf (init, "%s{ .fd = %s, .events = POLLIN }", i ? ", " : "", a[i]);
      emit (w, "struct pollfd %s[] = { %s };", name, init->str);
      lhs = assign_prefix (w, "int", step->assign);
      emit (w, "%spoll(%s, %u, -1);", lhs, name, n);
    }
  else if (g_str_equal (call, "getaddrinfo") && n == 2)
    {
      const char *name = step->capture ? step->capture : "res";

      if (declare_once (w, "hints"))
        emit (w, "struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };");
      if (declare_once (w, name))
        emit (w, "struct addrinfo *%s;", name);
      lhs = assign_prefix (w, "int", step->assign);
      emit (w, "%sgetaddrinfo(%s, %s, &hints, &%s);", lhs, a[0], a[1], name);
    }
  else if (g_str_equal (call, "gethostbyname") && n == 1)
    {
      const char *name = step->capture ? step->capture : "host";

      lhs = assign_prefix (w, "struct hostent *", name);
      emit (w, "%sgethostbyname(%s);", lhs, a[0]);
    }
  else if (g_str_equal (call, "getservbyname") && n == 2)
    {
      if (declare_once (w, "serv"))
        emit (w, "struct servent *serv = getservbyname(%s, %s);", a[0], a[1]);
      else
        emit (w, "serv = getservbyname(%s, %s);", a[0], a[1]);
      if (step->assign != NULL)
        {
          lhs = assign_prefix (w, "int", step->assign);
          emit (w, "%sntohs(serv->s_port);", lhs);
        }
    }
  else if ((g_str_equal (call, "ntohl") || g_str_equal (call, "ntohs")) && n == 1 &&
           assignment (w, a[0]) != NULL &&
           (g_str_equal (assignment (w, a[0])->call, "recv") || g_str_equal (assignment (w, a[0])->call, "recvfrom")))
    {
      /* ntohl of a received count reads the first bytes that call received. */
      g_autofree char *buf = buffer_name (assignment (w, a[0])->args[1]);
      const char *type = g_str_equal (call, "ntohl") ? "uint32_t" : "uint16_t";

      lhs = assign_prefix (w, type, step->assign);
      emit (w, "%s%s(*(%s *) %s);", lhs, call, type, buf);
    }
  else
    {
      g_autofree char *args = g_strjoinv (", ", a);

      if (lhs == NULL)
        lhs = assign_prefix (w, result_type (step), step->assign);
      emit (w, "%s%s(%s);", lhs, call, args);
    }
}

static gboolean
step_reads_into (const SockscopeStep *step)
{
  return step->assign != NULL && (g_str_equal (step->call, "recv") || g_str_equal (step->call, "recvfrom"));
}

/* One loop: the distinct calls in first-seen order; the variables they assign are declared
 * before it so later steps still see them. */
static void
emit_loop (Writer         *w,
           SockscopeBlock *block,
           GArray         *spans)
{
  g_autoptr(GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) body = g_ptr_array_new ();
  g_autoptr(GHashTable) outer = NULL;
  gboolean accepts = FALSE;

  for (guint i = 0; i < block->steps->len; i++)
    {
      const SockscopeStep *step = g_ptr_array_index (block->steps, i);
      g_autofree char *key = sockscope_step_body_key (step);

      if (!g_hash_table_contains (lines, key))
        {
          g_hash_table_insert (lines, g_steal_pointer (&key), NULL);
          g_ptr_array_add (body, (gpointer) step);
          accepts |= g_str_equal (step->call, "accept");
        }
    }
  for (guint i = 0; i < body->len; i++)
    {
      const SockscopeStep *step = g_ptr_array_index (body, i);

      w->step = step;
      if (step->assign != NULL && !g_str_equal (step->call, "pthread_create"))
        declare_variable (w, step, step->assign);
      if (step->capture != NULL && !g_str_equal (step->call, "gethostbyname"))
        declare_variable (w, step, step->capture);
    }

  /* Names first declared inside the body (buffers, structs) end with it. */
  outer = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, w->declared);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_hash_table_add (outer, g_strdup (key));
  }

  emit (w, accepts ? "while (1) {" : "for (;;) {");
  w->depth++;
  for (guint i = 0; i < body->len; i++)
    {
      const SockscopeStep *step = g_ptr_array_index (body, i);
      guint first = w->line + 1;
      guint *range = g_new (guint, 2);

      emit_step (w, step);
      range[0] = first;
      range[1] = w->line;
      g_hash_table_insert (lines, sockscope_step_body_key (step), range);
      /* A server's accept loop goes on with the next client whatever one client sent. */
      if (step_reads_into (step) && !accepts)
        {
          /* TRANSLATORS: a comment in the generated C program, after "if (n <= 0)" */
          emit (w, "if (%s <= 0)    /* %s */", step->assign, _("the peer closed, or an error"));
          w->depth++;
          emit (w, "break;");
          w->depth--;
        }
    }
  w->depth--;
  emit (w, "}");

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, w->declared);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (outer, key))
        g_hash_table_iter_remove (&iter);
  }

  for (guint i = 0; i < block->steps->len; i++)
    {
      const SockscopeStep *step = g_ptr_array_index (block->steps, i);
      g_autofree char *key = sockscope_step_body_key (step);
      guint *range = g_hash_table_lookup (lines, key);

      sockscope_code_spans_add (spans, step->number, range[0], range[1]);
    }
}

/* Identifiers a step reads (its arguments, the variable inside a data argument). */
static void
collect_reads (const SockscopeStep *step,
               GPtrArray           *names)
{
  for (guint i = 0; step->args[i]; i++)
    {
      g_autofree char *name = g_strdup (step->args[i]);
      char *bracket = strchr (name, '[');

      if (bracket != NULL)
        *bracket = '\0';
      if (g_ascii_isalpha (name[0]) && !g_ascii_isupper (name[0]) &&
          strspn (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen (name))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
}

static const char *
last_call (GPtrArray *blocks)
{
  SockscopeBlock *block = g_ptr_array_index (blocks, blocks->len - 1);
  const SockscopeStep *step = g_ptr_array_index (block->steps, block->steps->len - 1);

  return step->call;
}

/* The identifiers of a C program, its comments and literals skipped. */
static GHashTable *
c_identifiers (const char *code)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *p = code;

  while (*p != '\0')
    {
      if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");

          p = end != NULL ? end + 2 : p + strlen (p);
        }
      else if (*p == '"' || *p == '\'')
        {
          char quote = *p++;

          while (*p != '\0' && *p != quote)
            p += p[0] == '\\' && p[1] != '\0' ? 2 : 1;
          if (*p != '\0')
            p++;
        }
      else if (g_ascii_isalpha (*p) || *p == '_')
        {
          const char *start = p;

          while (g_ascii_isalnum (*p) || *p == '_')
            p++;
          g_hash_table_add (names, g_strndup (start, p - start));
        }
      else if (g_ascii_isdigit (*p))
        {
          while (g_ascii_isalnum (*p) || *p == '_')
            p++;
        }
      else
        p++;
    }
  return names;
}

/* Which header declares what, POSIX's list; a name ending in '*' is a prefix. */
static const struct
{
  const char *header;
  const char *names;
} c_headers[] = {
  { "arpa/inet.h", "inet_pton inet_ntop inet_addr inet_ntoa htons htonl ntohs ntohl" },
  { "fcntl.h", "fcntl O_* F_*" },
  { "netdb.h", "getaddrinfo freeaddrinfo gai_strerror gethostbyname getservbyname addrinfo hostent servent AI_*" },
  { "netinet/in.h", "sockaddr_in sockaddr_in6 in_addr in6_addr in6addr_any in6addr_loopback INADDR_* IPPROTO_* IP_* IPV6_*" },
  { "netinet/tcp.h", "TCP_*" },
  { "poll.h", "poll pollfd POLL*" },
  { "pthread.h", "pthread_*" },
  { "stdlib.h", "exit" },
  { "string.h", "memcpy memset memcmp strcpy strncpy strlen" },
  { "sys/select.h", "select fd_set FD_*" },
  { "sys/time.h", "timeval" },
  { "sys/socket.h", "socket socketpair bind listen accept connect send recv sendto recvfrom shutdown setsockopt "
                    "getsockopt getsockname getpeername sockaddr sockaddr_storage socklen_t linger AF_* PF_* SOCK_* "
                    "SOL_* SO_* MSG_* SHUT_* SOMAXCONN" },
  { "sys/un.h", "sockaddr_un" },
  { "sys/wait.h", "waitpid wait WNOHANG WUNTRACED WEXITSTATUS WIFEXITED" },
  { "unistd.h", "close fork read write sleep getpid _exit pid_t" },
};

static int
compare_headers (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static gboolean
uses_any (GHashTable *identifiers,
          const char *names)
{
  g_auto(GStrv) list = g_strsplit (names, " ", -1);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; list[i] != NULL; i++)
    {
      gsize len = strlen (list[i]);

      if (list[i][len - 1] != '*')
        {
          if (g_hash_table_contains (identifiers, list[i]))
            return TRUE;
          continue;
        }
      list[i][len - 1] = '\0';
      g_hash_table_iter_init (&iter, identifiers);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_str_has_prefix (key, list[i]))
          return TRUE;
    }
  return FALSE;
}

/* The #include lines @code needs: the headers that declare the names it uses, and only those
 * (no network header in a program that only uses AF_UNIX sockets). */
static void
append_includes (GString    *head,
                 guint      *lines,
                 const char *code)
{
  g_autoptr(GHashTable) identifiers = c_identifiers (code);
  g_autoptr(GPtrArray) headers = g_ptr_array_new_null_terminated (16, NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (c_headers); i++)
    if (uses_any (identifiers, c_headers[i].names))
      g_ptr_array_add (headers, (gpointer) c_headers[i].header);
  /* NULL, uint16_t and uint32_t come with the headers above; alone, from their own. */
  if (uses_any (identifiers, "NULL") &&
      !g_strv_contains ((const char * const *) headers->pdata, "unistd.h") &&
      !g_strv_contains ((const char * const *) headers->pdata, "string.h") &&
      !g_strv_contains ((const char * const *) headers->pdata, "stdlib.h"))
    g_ptr_array_add (headers, (gpointer) "stddef.h");
  if (uses_any (identifiers, "uint16_t uint32_t") &&
      !g_strv_contains ((const char * const *) headers->pdata, "arpa/inet.h") &&
      !g_strv_contains ((const char * const *) headers->pdata, "netinet/in.h"))
    g_ptr_array_add (headers, (gpointer) "stdint.h");
  g_ptr_array_sort (headers, compare_headers);
  for (guint i = 0; i < headers->len; i++)
    {
      g_string_append_printf (head, "#include <%s>\n", (const char *) g_ptr_array_index (headers, i));
      (*lines)++;
    }
}

/* Renders @actor's program. @spans (optional) receives one SockscopeCodeSpan per step of that
 * actor, in step order: the lines the UI highlights when the step runs. Comments are in the
 * language gettext speaks (the UI's, or the CLI's --lang). */
char *
sockscope_lesson_render_c (SockscopeLesson  *self,
                           const char       *actor,
                           GArray          **spans)
{
  g_autoptr(GHashTable) declared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (SockscopeCodeSpan));
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(GString) top = g_string_new (NULL);
  Writer w = { self, actor, NULL, g_string_new (NULL), 0, 0, declared, 0, 0 };
  int index;
  const SockscopeActor *info;
  guint head_lines = 0;
  g_autoptr(GPtrArray) children = g_ptr_array_new ();

  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  index = sockscope_lesson_find_actor (self, actor);
  g_return_val_if_fail (index >= 0, NULL);
  info = sockscope_lesson_get_actor (self, index);
  blocks = sockscope_lesson_actor_blocks (self, actor);

  for (guint i = 1; i <= sockscope_lesson_get_n_steps (self); i++)
    {
      const SockscopeStep *step = sockscope_lesson_get_step (self, i);

      if (g_str_equal (step->actor, actor) && step->new_actor != NULL)
        g_ptr_array_add (children, (gpointer) step);
    }

  /* The program below its #include lines first: they are the headers it turns out to use. */
  for (guint i = 0; i < children->len; i++)
    {
      const SockscopeStep *step = g_ptr_array_index (children, i);
      g_autofree char *comment = NULL;

      if (g_str_equal (step->call, "fork"))
        {
          /* TRANSLATORS: a comment in the generated C program; %s: the child's name (worker1) */
          comment = g_strdup_printf (_("the child's code: see the program of %s"), step->new_actor);
          emit (&w, "void %s(void);    /* %s */", step->new_actor, comment);
        }
      else
        {
          /* TRANSLATORS: a comment in the generated C program; %s: the thread's name (t1) */
          comment = g_strdup_printf (_("the thread's code: see the program of %s"), step->new_actor);
          emit (&w, "void *%s(void *arg);    /* %s */", step->new_actor, comment);
        }
      if (i + 1 == children->len)
        emit_raw (&w, "");
    }

  if (info->parent != NULL)
    {
      g_autoptr(GPtrArray) reads = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GHashTable) own = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *head = NULL;
      gboolean any = FALSE;

      /* The variables it inherited and reads, declared at file scope above its function. */
      for (guint b = 0; b < blocks->len; b++)
        {
          SockscopeBlock *block = g_ptr_array_index (blocks, b);

          for (guint i = 0; i < block->steps->len; i++)
            {
              const SockscopeStep *step = g_ptr_array_index (block->steps, i);
              g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

              collect_reads (step, names);
              for (guint j = 0; j < names->len; j++)
                {
                  const char *name = g_ptr_array_index (names, j);
                  const SockscopeStep *from;

                  if (g_hash_table_contains (own, name))
                    continue;
                  from = sockscope_lesson_find_assignment (self, info->parent, name, info->created_by);
                  if (from == NULL)
                    continue;
                  if (!any)
                    {
                      emit (&w, "/* %s */", info->thread
                            /* TRANSLATORS: a comment in the generated C program, above a thread's function */
                            ? _("The variables of its process, which the thread shares.")
                            /* TRANSLATORS: a comment in the generated C program, above a child's function */
                            : _("Copies of its parent's variables, made by fork()."));
                      any = TRUE;
                    }
                  w.step = from;
                  declare_variable (&w, from, name);
                }
              if (step->assign != NULL)
                g_hash_table_add (own, step->assign);
              if (step->capture != NULL)
                g_hash_table_add (own, step->capture);
            }
        }
      if (any)
        emit_raw (&w, "");
      head = info->thread ? g_strdup_printf ("void *%s(void *arg)", actor) : g_strdup_printf ("void %s(void)", actor);
      emit_raw (&w, head);
    }
  else
    emit_raw (&w, "int main(void)");
  emit_raw (&w, "{");
  w.depth = 1;

  for (guint b = 0; b < blocks->len; b++)
    {
      SockscopeBlock *block = g_ptr_array_index (blocks, b);

      if (block->loop != NULL)
        emit_loop (&w, block, result);
      else
        {
          const SockscopeStep *step = g_ptr_array_index (block->steps, 0);
          guint first = w.line + 1;

          emit_step (&w, step);
          sockscope_code_spans_add (result, step->number, first, w.line);
        }
    }
  if (info->parent == NULL)
    emit (&w, "return 0;");
  else if (info->thread && (blocks->len == 0 || !g_str_equal (last_call (blocks), "pthread_exit")))
    emit (&w, "return NULL;");
  emit_raw (&w, "}");

  g_string_append (top, "/* ");
  /* TRANSLATORS: the first line of a generated program; %s: the actor (server), the lesson's id */
  g_string_append_printf (top, _("%s: generated from the lesson %s"), actor, sockscope_lesson_get_id (self));
  g_string_append (top, " */\n");
  head_lines++;
  append_includes (top, &head_lines, w.out->str);
  g_string_append (top, "\n");
  head_lines++;
  for (guint i = 0; i < result->len; i++)
    {
      SockscopeCodeSpan *span = &g_array_index (result, SockscopeCodeSpan, i);

      span->first_line += head_lines;
      span->last_line += head_lines;
    }
  g_string_append (top, w.out->str);
  g_string_free (w.out, TRUE);

  sockscope_code_spans_sort (result);
  if (spans != NULL)
    *spans = g_steal_pointer (&result);
  return g_string_free (g_steal_pointer (&top), FALSE);
}
