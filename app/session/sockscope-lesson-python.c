/* sockscope-lesson-python.c: the same programs as sockscope-lesson-c.c, in idiomatic Python 3
 * (the socket module). Calls with no Python twin use the nearest idiom: os.fork(),
 * threading.Thread, select.select, socket.getaddrinfo, socket.htons, struct.pack("!I", n).
 * Loops and step spans follow the C generator's rules. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-lesson.h"
#include "sockscope-lesson-private.h"

typedef enum
{
  IMPORT_OS = 1 << 0,
  IMPORT_SELECT = 1 << 1,
  IMPORT_STRUCT = 1 << 2,
  IMPORT_THREADING = 1 << 3,
  IMPORT_SOCKET = 1 << 4,
} Imports;

typedef struct
{
  SockscopeLesson     *lesson;
  const SockscopeStep *step;
  GString             *out;
  guint                line;
  guint                depth;
  Imports              imports;
} Writer;

/* Whether a line of Python names @module (socket.xxx), its strings and comment skipped. */
static gboolean
line_uses_module (const char *line,
                  const char *module)
{
  gsize len = strlen (module);

  for (const char *p = line; *p != '\0' && *p != '#'; )
    {
      if (*p == '"' || *p == '\'')
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
          if ((gsize) (p - start) == len && strncmp (start, module, len) == 0 && *p == '.')
            return TRUE;
        }
      else
        p++;
    }
  return FALSE;
}

G_GNUC_PRINTF (2, 3) static void
emit (Writer     *w,
      const char *format,
      ...)
{
  va_list ap;
  gsize start;

  for (guint i = 0; i < w->depth; i++)
    g_string_append (w->out, "    ");
  start = w->out->len;
  va_start (ap, format);
  g_string_append_vprintf (w->out, format, ap);
  va_end (ap);
  if (line_uses_module (w->out->str + start, "socket"))
    w->imports |= IMPORT_SOCKET;
  g_string_append_c (w->out, '\n');
  w->line++;
}

/* SOCK_STREAM | SOCK_NONBLOCK -> socket.SOCK_STREAM | socket.SOCK_NONBLOCK; numbers stay. */
static char *
constants (const char *arg)
{
  g_auto(GStrv) parts = g_strsplit (arg, "|", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; parts[i]; i++)
    {
      char *part = g_strstrip (parts[i]);
      const char *module = "socket.";

      if (g_ascii_isupper (part[0]))
        {
          if (g_str_has_prefix (part, "O_") || g_str_has_prefix (part, "F_"))
            module = "os.";
          else if (g_str_equal (part, "WNOHANG"))
            module = "os.";
        }
      else
        module = "";
      g_string_append_printf (out, "%s%s%s", i ? " | " : "", module, part);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A C string literal as a Python bytes literal: "hi\n" -> b"hi\n". */
static char *
bytes_literal (const char *lit)
{
  g_autoptr(GString) out = g_string_new ("b\"");

  for (const char *s = lit + 1; *s && *s != '"'; s++)
    {
      if (*s == '\\' && s[1] == '0' && !g_ascii_isdigit (s[2]))
        {
          g_string_append (out, "\\x00");
          s++;
        }
      else if (*s == '\\' && s[1])
        {
          g_string_append_c (out, *s++);
          g_string_append_c (out, *s);
        }
      else
        g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const SockscopeStep *
assignment (Writer     *w,
            const char *name)
{
  return sockscope_lesson_find_assignment (w->lesson, w->step->actor, name, w->step->number);
}

/* 127.0.0.1:7777 -> ("127.0.0.1", 7777); *:7777 -> ("", 7777); [::1]:7 -> ("::1", 7);
 * "name.sock" stays; a variable kept with `-> peer` stays. */
static char *
address (Writer     *w,
         const char *arg)
{
  const char *colon = strrchr (arg, ':');
  g_autofree char *host = NULL;

  if (arg[0] == '"')
    return g_strdup (arg);
  if (colon == NULL)
    {
      const SockscopeStep *from = assignment (w, arg);

      if (from != NULL && g_str_equal (from->call, "gethostbyname"))
        return g_strdup_printf ("(%s, 0)", arg);
      return g_strdup (arg);
    }
  if (arg[0] == '[')
    host = g_strndup (arg + 1, colon - arg - 2);
  else
    host = g_strndup (arg, colon - arg);
  if (g_str_equal (host, "*") || g_str_equal (host, "0.0.0.0") || g_str_equal (host, "::"))
    g_clear_pointer (&host, g_free);
  return g_strdup_printf ("(\"%s\", %s)", host ? host : "", colon + 1);
}

/* The data argument of send/sendto as a bytes expression. */
static char *
data (Writer     *w,
      const char *arg)
{
  g_autofree char *literal = NULL;
  g_autofree char *func = NULL;
  g_autofree char *value = NULL;
  guint64 count;

  if (sockscope_data_is_repeat (arg, &literal, &count))
    {
      g_autofree char *bytes = bytes_literal (literal);

      return g_strdup_printf ("%s * %" G_GUINT64_FORMAT, bytes, count);
    }
  if (sockscope_data_is_int (arg, &func, &value))
    {
      const char *format = g_str_equal (func, "htonl") ? "!I" : g_str_equal (func, "htons") ? "!H" : "=i";
      g_autofree char *v = constants (value);

      w->imports |= IMPORT_STRUCT;
      return g_strdup_printf ("struct.pack(\"%s\", %s)", format, v);
    }
  if (arg[0] == '"')
    return bytes_literal (arg);
  return g_strdup (arg);
}

/* Flags after the other arguments, when there are some. */
static char *
flags_arg (const char *flags)
{
  g_autofree char *v = NULL;

  if (g_str_equal (flags, "0"))
    return g_strdup ("");
  v = constants (flags);
  return g_strdup_printf (", %s", v);
}

static gboolean
is_recv_variable (Writer     *w,
                  const char *name)
{
  const SockscopeStep *from = assignment (w, name);

  return from != NULL && g_strcmp0 (from->assign, name) == 0 &&
         (g_str_equal (from->call, "recv") || g_str_equal (from->call, "recvfrom"));
}

static void
emit_step (Writer              *w,
           const SockscopeStep *step)
{
  const char *call = step->call;
  char **a = step->args;
  guint n = g_strv_length (a);
  g_autofree char *lhs = step->assign ? g_strdup_printf ("%s = ", step->assign) : g_strdup ("");

  w->step = step;

  if ((g_str_equal (call, "socket") || g_str_equal (call, "socketpair")) && n == 3)
    {
      g_autofree char *domain = constants (a[0]);
      g_autofree char *type = constants (a[1]);
      g_autofree char *proto_c = g_str_equal (a[2], "0") ? NULL : constants (a[2]);

      emit (w, "%ssocket.%s(%s, %s%s%s)", lhs, call, domain, type, proto_c ? ", " : "", proto_c ? proto_c : "");
    }
  else if (g_str_equal (call, "setsockopt") && n == 4)
    {
      g_autofree char *level = constants (a[1]);
      g_autofree char *name = constants (a[2]);

      if (a[3][0] == '{')
        {
          g_autofree char *pair = g_strndup (a[3] + 1, strlen (a[3]) - 2);

          w->imports |= IMPORT_STRUCT;
          /* SO_RCVTIMEO's struct timeval is two longs; SO_LINGER's struct linger two ints. */
          emit (w, "%s.setsockopt(%s, %s, struct.pack(\"%s\", %s))", a[0], level, name,
                g_str_has_suffix (a[2], "TIMEO") ? "ll" : "ii", pair);
        }
      else
        emit (w, "%s.setsockopt(%s, %s, %s)", a[0], level, name, a[3]);
    }
  else if (g_str_equal (call, "getsockopt") && n == 3)
    {
      g_autofree char *level = constants (a[1]);
      g_autofree char *name = constants (a[2]);

      emit (w, "%s%s.getsockopt(%s, %s)", lhs, a[0], level, name);
    }
  else if (g_str_equal (call, "fcntl") && n >= 2)
    {
      if (n == 3 && strstr (a[2], "O_NONBLOCK") != NULL)
        emit (w, "%s.setblocking(False)", a[0]);
      else if (n == 3)
        emit (w, "%s.setblocking(True)", a[0]);
      else
        {
          w->imports |= IMPORT_OS;
          emit (w, "%sos.get_blocking(%s.fileno())", lhs, a[0]);
        }
    }
  else if ((g_str_equal (call, "bind") || g_str_equal (call, "connect")) && n == 2)
    {
      g_autofree char *addr = address (w, a[1]);

      if (g_str_equal (call, "connect") && step->assign != NULL)
        emit (w, "%s%s.connect_ex(%s)", lhs, a[0], addr);
      else
        emit (w, "%s.%s(%s)", a[0], call, addr);
    }
  else if (g_str_equal (call, "listen") && n == 2)
    emit (w, "%s.listen(%s)", a[0], a[1]);
  else if (g_str_equal (call, "accept") && n == 1)
    {
      if (step->assign != NULL)
        emit (w, "%s, %s = %s.accept()", step->assign, step->capture ? step->capture : "addr", a[0]);
      else
        emit (w, "%s.accept()", a[0]);
    }
  else if (g_str_equal (call, "send") && n == 3)
    {
      g_autofree char *bytes = data (w, a[1]);
      g_autofree char *flags = flags_arg (a[2]);

      if (step->assign != NULL)
        emit (w, "%s%s.send(%s%s)", lhs, a[0], bytes, flags);
      else
        emit (w, "%s.sendall(%s%s)", a[0], bytes, flags);
    }
  else if (g_str_equal (call, "sendto") && n == 4)
    {
      g_autofree char *bytes = data (w, a[1]);
      g_autofree char *flags = flags_arg (a[2]);
      g_autofree char *addr = address (w, a[3]);

      emit (w, "%s%s.sendto(%s%s, %s)", lhs, a[0], bytes, flags, addr);
    }
  else if (g_str_equal (call, "recv") && n == 3)
    {
      g_autofree char *flags = flags_arg (a[2]);

      emit (w, "%s%s.recv(%s%s)", lhs, a[0], a[1], flags);
    }
  else if (g_str_equal (call, "recvfrom") && n == 3)
    {
      g_autofree char *flags = flags_arg (a[2]);

      emit (w, "%s, %s = %s.recvfrom(%s%s)", step->assign ? step->assign : "data",
            step->capture ? step->capture : "addr", a[0], a[1], flags);
    }
  else if (g_str_equal (call, "shutdown") && n == 2)
    {
      g_autofree char *how = constants (a[1]);

      emit (w, "%s.shutdown(%s)", a[0], how);
    }
  else if (g_str_equal (call, "close") && n == 1)
    emit (w, "%s.close()", a[0]);
  else if ((g_str_equal (call, "getsockname") || g_str_equal (call, "getpeername")) && n == 1)
    {
      if (step->capture != NULL)
        emit (w, "%s = %s.%s()", step->capture, a[0], call);
      else
        emit (w, "%s%s.%s()", lhs, a[0], call);
    }
  else if (g_str_equal (call, "fork"))
    {
      w->imports |= IMPORT_OS;
      if (step->assign != NULL)
        {
          emit (w, "%sos.fork()", lhs);
          emit (w, "if %s == 0:", step->assign);
        }
      else
        emit (w, "if os.fork() == 0:");
      w->depth++;
      /* TRANSLATORS: a comment in the generated Python program, after the call of the child's function */
      emit (w, "%s()    # %s", step->new_actor ? step->new_actor : "child", _("the child's code"));
      w->depth--;
    }
  else if (g_str_equal (call, "exit") && n == 1)
    {
      w->imports |= IMPORT_OS;
      emit (w, "os._exit(%s)", a[0]);
    }
  else if (g_str_equal (call, "waitpid") && n == 2)
    {
      g_autofree char *options = constants (a[1]);

      w->imports |= IMPORT_OS;
      emit (w, "%s, status = os.waitpid(%s, %s)", step->assign ? step->assign : "pid", a[0], options);
    }
  else if (g_str_equal (call, "pthread_create"))
    {
      const char *name = step->assign ? step->assign : "thread";

      w->imports |= IMPORT_THREADING;
      emit (w, "%s = threading.Thread(target=%s)", name, step->new_actor ? step->new_actor : "run");
      emit (w, "%s.start()", name);
    }
  else if (g_str_equal (call, "pthread_exit"))
    emit (w, "return");
  else if (g_str_equal (call, "pthread_join") && n == 1)
    emit (w, "%s.join()", a[0]);
  else if (g_str_equal (call, "select") && n >= 1)
    {
      g_autofree char *fds = g_strjoinv (", ", a);

      w->imports |= IMPORT_SELECT;
      emit (w, "readable, _, _ = select.select([%s], [], [])", fds);
      if (step->assign != NULL)
        emit (w, "%slen(readable)", lhs);
    }
  else if (g_str_equal (call, "poll") && n >= 1)
    {
      w->imports |= IMPORT_SELECT;
      emit (w, "poller = select.poll()");
      for (guint i = 0; i < n; i++)
        emit (w, "poller.register(%s, select.POLLIN)", a[i]);
      emit (w, "events = poller.poll()");
      if (step->assign != NULL)
        emit (w, "%slen(events)", lhs);
    }
  else if (g_str_equal (call, "getaddrinfo") && n == 2)
    emit (w, "%s = socket.getaddrinfo(%s, %s, type=socket.SOCK_STREAM)[0][4]",
          step->capture ? step->capture : "addr", a[0], a[1]);
  else if (g_str_equal (call, "gethostbyname") && n == 1)
    emit (w, "%s = socket.gethostbyname(%s)", step->capture ? step->capture : "host", a[0]);
  else if (g_str_equal (call, "getservbyname") && n == 2)
    emit (w, "%ssocket.getservbyname(%s, %s)", lhs, a[0], a[1]);
  else if ((g_str_equal (call, "ntohl") || g_str_equal (call, "ntohs")) && n == 1 && is_recv_variable (w, a[0]))
    {
      gboolean l = g_str_equal (call, "ntohl");

      w->imports |= IMPORT_STRUCT;
      emit (w, "%sstruct.unpack(\"%s\", %s[:%d])[0]", lhs, l ? "!I" : "!H", a[0], l ? 4 : 2);
    }
  else if (g_str_has_prefix (call, "hton") || g_str_has_prefix (call, "ntoh"))
    emit (w, "%ssocket.%s(%s)", lhs, call, a[0]);
  else
    {
      g_autofree char *args = g_strjoinv (", ", a);

      emit (w, "%s%s(%s)", lhs, call, args);
    }
}

static void
emit_loop (Writer         *w,
           SockscopeBlock *block,
           GArray         *spans)
{
  g_autoptr(GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) body = g_ptr_array_new ();
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

  emit (w, "while True:");
  w->depth++;
  for (guint i = 0; i < body->len; i++)
    {
      const SockscopeStep *step = g_ptr_array_index (body, i);
      guint *range = g_new (guint, 2);

      range[0] = w->line + 1;
      emit_step (w, step);
      range[1] = w->line;
      g_hash_table_insert (lines, sockscope_step_body_key (step), range);
      if (step->assign != NULL && !accepts && (g_str_equal (step->call, "recv") || g_str_equal (step->call, "recvfrom")))
        {
          /* TRANSLATORS: a comment in the generated Python program, after "if not n:" */
          emit (w, "if not %s:    # %s", step->assign, _("the peer closed"));
          w->depth++;
          emit (w, "break");
          w->depth--;
        }
    }
  w->depth--;

  for (guint i = 0; i < block->steps->len; i++)
    {
      const SockscopeStep *step = g_ptr_array_index (block->steps, i);
      g_autofree char *key = sockscope_step_body_key (step);
      guint *range = g_hash_table_lookup (lines, key);

      sockscope_code_spans_add (spans, step->number, range[0], range[1]);
    }
}

/* Renders @actor's program in Python; @spans as sockscope_lesson_render_c(). */
char *
sockscope_lesson_render_python (SockscopeLesson  *self,
                                const char       *actor,
                                GArray          **spans)
{
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (SockscopeCodeSpan));
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(GString) head = g_string_new (NULL);
  Writer w = { self, NULL, g_string_new (NULL), 0, 0, 0 };
  const SockscopeActor *info;
  guint head_lines = 0;
  int index;

  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  index = sockscope_lesson_find_actor (self, actor);
  g_return_val_if_fail (index >= 0, NULL);
  info = sockscope_lesson_get_actor (self, index);
  blocks = sockscope_lesson_actor_blocks (self, actor);

  if (info->parent != NULL)
    {
      emit (&w, "def %s():", actor);
      w.depth = 1;
    }
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
  if (info->parent != NULL && blocks->len == 0)
    emit (&w, "pass");

  g_string_append (head, "# ");
  /* TRANSLATORS: the first line of a generated program; %s: the actor (server), the lesson's id */
  g_string_append_printf (head, _("%s: generated from the lesson %s"), actor, sockscope_lesson_get_id (self));
  g_string_append (head, "\n");
  head_lines++;
  if (info->parent != NULL)
    {
      g_autofree char *text = info->thread
        /* TRANSLATORS: a comment at the top of a generated Python program; %s: the actor that
         * starts the thread, twice. A line break (\n) where a line would be too long. */
        ? g_strdup_printf (_("A thread of %s (threading.Thread): it shares every variable of %s."),
                           info->parent, info->parent)
        /* TRANSLATORS: a comment at the top of a generated Python program; %1$s: the parent, %2$s:
         * the child's function. A line break (\n) where a line would be too long. */
        : g_strdup_printf (_("The child process %1$s makes with os.fork(): it runs %2$s() where fork()\n"
                             "returned 0, with a copy of every variable of %1$s."),
                           info->parent, actor);
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_string_append_printf (head, "# %s\n", lines[i]);
          head_lines++;
        }
    }
  {
    static const struct { Imports flag; const char *line; } imports[] = {
      { IMPORT_OS, "import os\n" }, { IMPORT_SELECT, "import select\n" }, { IMPORT_SOCKET, "import socket\n" },
      { IMPORT_STRUCT, "import struct\n" }, { IMPORT_THREADING, "import threading\n" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (imports); i++)
      if (w.imports & imports[i].flag)
        {
          g_string_append (head, imports[i].line);
          head_lines++;
        }
  }
  g_string_append (head, "\n");
  head_lines++;
  if (info->parent != NULL)
    {
      g_string_append (head, "\n");
      head_lines++;
    }

  for (guint i = 0; i < result->len; i++)
    {
      SockscopeCodeSpan *span = &g_array_index (result, SockscopeCodeSpan, i);

      span->first_line += head_lines;
      span->last_line += head_lines;
    }
  sockscope_code_spans_sort (result);
  g_string_append (head, w.out->str);
  g_string_free (w.out, TRUE);
  if (spans != NULL)
    *spans = g_steal_pointer (&result);
  return g_string_free (g_steal_pointer (&head), FALSE);
}
