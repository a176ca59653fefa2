/* sockscope-args.c: argument strings as a lesson writes them.
 *
 * Each argument is parsed according to its kind in the call catalogue, and
 * rewritten as the C call reads it once the actor's variables are resolved.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "sockscope-lab-private.h"

static gboolean
is_ident_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_ident (const char *s)
{
  if (!is_ident_start (*s))
    return FALSE;
  for (s++; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '_')
      return FALSE;
  return TRUE;
}

/* `s`, `sp[0]`: a name an earlier call assigned. */
static gboolean
is_variable (const char *s)
{
  g_autofree char *base = g_strdup (s);
  char *bracket = strchr (base, '[');

  if (bracket != NULL)
    {
      if (strcmp (bracket, "[0]") != 0 && strcmp (bracket, "[1]") != 0)
        return FALSE;
      *bracket = '\0';
    }
  return is_ident (base);
}

static gboolean
parse_integer (const char *s,
               int64_t    *out)
{
  char *end = NULL;

  if (*s == '\0' || !(g_ascii_isdigit (*s) || *s == '-' || *s == '+'))
    return FALSE;
  errno = 0;
  *out = strtoll (s, &end, 0);
  return errno == 0 && end != s && *end == '\0';
}

/* One term of an integer argument: a number, a constant or a variable.
 * Appends the term as the C call reads it to @text. */
static gboolean
parse_term (const char  *term,
            GHashTable  *vars,
            int64_t     *out,
            GString     *text,
            GError     **error)
{
  const SsConstant *constant;
  gpointer value;

  if (parse_integer (term, out))
    {
      g_string_append (text, term);
      return TRUE;
    }

  if ((constant = ss_constant_lookup (term)) != NULL)
    {
      *out = constant->value;
      g_string_append (text, term);
      return TRUE;
    }

  if (is_variable (term) && vars != NULL &&
      g_hash_table_lookup_extended (vars, term, NULL, &value))
    {
      *out = (int64_t) (gintptr) value;
      g_string_append_printf (text, "%" G_GINT64_FORMAT, *out);
      return TRUE;
    }

  if (is_variable (term))
    {
      gboolean all_caps = TRUE;

      for (const char *p = term; *p; p++)
        if (g_ascii_islower (*p))
          all_caps = FALSE;
      if (all_caps)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "unknown constant '%s'", term);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     "unknown variable '%s'", term);
    }
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "'%s' is not a number, a constant or a variable", term);
  return FALSE;
}

static gboolean
parse_int_expr (const char  *src,
                GHashTable  *vars,
                int64_t     *out,
                GString     *text,
                GError     **error)
{
  g_auto(GStrv) terms = g_strsplit (src, "|", -1);

  *out = 0;
  for (guint i = 0; terms[i] != NULL; i++)
    {
      int64_t v;

      g_strstrip (terms[i]);
      if (i > 0)
        g_string_append (text, " | ");
      if (!parse_term (terms[i], vars, &v, text, error))
        return FALSE;
      *out |= v;
    }
  return TRUE;
}

/* A C string literal: "hello\n", with C escapes. */
static GByteArray *
parse_c_string (const char  *src,
                GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  size_t n = strlen (src);
  const char *p;

  if (n < 2 || src[0] != '"' || src[n - 1] != '"')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "expected a string literal in double quotes, got %s", src);
      return NULL;
    }

  for (p = src + 1; p < src + n - 1; p++)
    {
      guint8 c = (guint8) *p;

      if (c == '"')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "a double quote inside %s must be written \\\"", src);
          return NULL;
        }
      if (c == '\\')
        {
          p++;
          if (p >= src + n - 1)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "%s ends with a lone backslash", src);
              return NULL;
            }
          switch (*p)
            {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'a': c = '\a'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'v': c = '\v'; break;
            case 'e': c = 0x1b; break;
            case '\\': c = '\\'; break;
            case '"': c = '"'; break;
            case '\'': c = '\''; break;
            case '?': c = '?'; break;
            case 'x':
              {
                guint v = 0, digits = 0;

                while (digits < 2 && g_ascii_isxdigit (p[1]) && p + 1 < src + n - 1)
                  {
                    v = v * 16 + (guint) g_ascii_xdigit_value (*++p);
                    digits++;
                  }
                if (digits == 0)
                  {
                    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                 "\\x needs hexadecimal digits in %s", src);
                    return NULL;
                  }
                c = (guint8) v;
              }
              break;
            default:
              if (*p >= '0' && *p <= '7')
                {
                  guint v = (guint) (*p - '0'), digits = 1;

                  while (digits < 3 && p[1] >= '0' && p[1] <= '7' && p + 1 < src + n - 1)
                    {
                      v = v * 8 + (guint) (*++p - '0');
                      digits++;
                    }
                  c = (guint8) v;
                }
              else
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "unknown escape \\%c in %s", *p, src);
                  return NULL;
                }
            }
        }
      g_byte_array_append (bytes, &c, 1);
    }

  return g_steal_pointer (&bytes);
}

/* The end of a string literal starting at @s (its closing quote), or NULL. */
static const char *
string_literal_end (const char *s)
{
  for (const char *p = s + 1; *p; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        return p;
    }
  return NULL;
}

/* A data argument: "text", "x" * N, htonl(N), htons(N), int(N), or a
 * variable an earlier recv/recvfrom assigned (the bytes it received). */
static GByteArray *
parse_data (const char  *s,
            GHashTable  *vars,
            GHashTable  *data_vars,
            GString     *text,
            GError     **error)
{
  static const struct { const char *name; guint size; gboolean network; } funcs[] = {
    { "htonl", 4, TRUE }, { "htons", 2, TRUE }, { "int", 4, FALSE },
  };
  size_t n = strlen (s);
  GBytes *received;

  for (guint i = 0; i < G_N_ELEMENTS (funcs); i++)
    {
      size_t len = strlen (funcs[i].name);
      g_autofree char *inner = NULL;
      g_autoptr(GString) inner_text = NULL;
      GByteArray *bytes;
      int64_t v;

      if (strncmp (s, funcs[i].name, len) != 0 || s[len] != '(' || s[n - 1] != ')')
        continue;
      inner = g_strstrip (g_strndup (s + len + 1, n - len - 2));
      inner_text = g_string_new (NULL);
      if (!parse_int_expr (inner, vars, &v, inner_text, error))
        return NULL;
      bytes = g_byte_array_new ();
      if (funcs[i].size == 2)
        {
          guint16 v16 = htons ((guint16) v);

          g_byte_array_append (bytes, (const guint8 *) &v16, 2);
        }
      else
        {
          guint32 v32 = funcs[i].network ? htonl ((guint32) v) : (guint32) v;

          g_byte_array_append (bytes, (const guint8 *) &v32, 4);
        }
      g_string_append_printf (text, "%s(%s)", funcs[i].name, inner_text->str);
      return bytes;
    }

  if (s[0] == '"')
    {
      const char *end = string_literal_end (s);
      g_autofree char *literal = NULL;
      g_autoptr(GByteArray) bytes = NULL;
      const char *rest;

      if (end == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "the string %s has no closing double quote", s);
          return NULL;
        }
      literal = g_strndup (s, (gsize) (end - s + 1));
      if ((bytes = parse_c_string (literal, error)) == NULL)
        return NULL;
      rest = end + 1;
      while (g_ascii_isspace (*rest))
        rest++;
      if (*rest == '\0')
        {
          g_string_append (text, literal);
          return g_steal_pointer (&bytes);
        }
      if (*rest == '*')
        {
          g_autofree char *count_src = g_strstrip (g_strdup (rest + 1));
          g_autoptr(GString) count_text = g_string_new (NULL);
          GByteArray *repeated;
          int64_t count;

          if (!parse_int_expr (count_src, vars, &count, count_text, error))
            return NULL;
          if (count < 0 || (bytes->len > 0 && (guint64) count > SS_SEND_MAX / bytes->len))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "%s * %s: the data must be 0 to %d bytes",
                           literal, count_text->str, SS_SEND_MAX);
              return NULL;
            }
          repeated = g_byte_array_sized_new ((guint) (bytes->len * count));
          for (int64_t i = 0; i < count; i++)
            g_byte_array_append (repeated, bytes->data, bytes->len);
          g_string_append_printf (text, "%s * %s", literal, count_text->str);
          return repeated;
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "unexpected '%s' after the string %s: write \"x\" * 1000 to repeat it",
                   rest, literal);
      return NULL;
    }

  if (is_ident (s) && data_vars != NULL && (received = g_hash_table_lookup (data_vars, s)) != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (received, &len);
      GByteArray *bytes = g_byte_array_sized_new ((guint) len);

      g_byte_array_append (bytes, data, (guint) len);
      g_string_append (text, s);
      return bytes;
    }

  if (is_ident (s) && vars != NULL && g_hash_table_contains (vars, s))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "'%s' holds a number, not bytes received by recv(): send \"text\", "
                 "htonl(%s) or int(%s)", s, s, s);
  else if (is_ident (s))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "unknown variable '%s'", s);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "expected data: \"text\", \"x\" * N, htonl(N), htons(N), int(N) or a "
                 "variable assigned by recv(), got %s", s);
  return NULL;
}

static gboolean
parse_port (const char  *s,
            guint16     *port,
            GError     **error)
{
  int64_t v;

  if (!parse_integer (s, &v) || v < 0 || v > 65535)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a port number (0 to 65535)", s);
      return FALSE;
    }
  *port = (guint16) v;
  return TRUE;
}

static gboolean
parse_address (const char  *src,
               SsArgValue  *out,
               GError     **error)
{
  const char *colon;
  g_autofree char *host = NULL;
  guint16 port;

  memset (&out->addr, 0, sizeof out->addr);

  if (src[0] == '"')
    {
      g_autoptr(GByteArray) path = parse_c_string (src, error);
      struct sockaddr_un *sun = (struct sockaddr_un *) &out->addr;

      if (path == NULL)
        return FALSE;
      if (path->len == 0 || path->len >= sizeof sun->sun_path || memchr (path->data, 0, path->len))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "a Unix socket path must be 1 to %zu characters without \\0",
                       sizeof sun->sun_path - 1);
          return FALSE;
        }
      sun->sun_family = AF_UNIX;
      memcpy (sun->sun_path, path->data, path->len);
      out->addrlen = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + path->len + 1);
      return TRUE;
    }

  if (src[0] == '[')
    {
      const char *close = strchr (src, ']');
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &out->addr;

      if (close == NULL || close[1] != ':')
        goto bad;
      host = g_strndup (src + 1, (gsize) (close - src - 1));
      if (inet_pton (AF_INET6, host, &sin6->sin6_addr) != 1)
        goto bad;
      if (!parse_port (close + 2, &port, error))
        return FALSE;
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons (port);
      out->addrlen = sizeof *sin6;
      return TRUE;
    }

  colon = strrchr (src, ':');
  if (colon != NULL)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &out->addr;

      host = g_strndup (src, (gsize) (colon - src));
      if (strcmp (host, "*") == 0 || strcmp (host, "INADDR_ANY") == 0)
        sin->sin_addr.s_addr = htonl (INADDR_ANY);
      else if (inet_pton (AF_INET, host, &sin->sin_addr) != 1)
        goto bad;
      if (!parse_port (colon + 1, &port, error))
        return FALSE;
      sin->sin_family = AF_INET;
      sin->sin_port = htons (port);
      out->addrlen = sizeof *sin;
      return TRUE;
    }

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "'%s' is not an address: write 127.0.0.1:7777, [::1]:7777, *:7777 "
               "or \"name.sock\"", src);
  return FALSE;
}

gboolean
ss_arg_parse (SsArgKind    kind,
              const char  *src,
              GHashTable  *vars,
              GHashTable  *data_vars,
              SsArgValue  *out,
              GError     **error)
{
  g_autofree char *s = g_strstrip (g_strdup (src));
  g_autoptr(GString) text = g_string_new (NULL);

  memset (out, 0, sizeof *out);
  out->kind = kind;

  if (*s == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "an argument is empty");
      return FALSE;
    }

  switch (kind)
    {
    case SS_ARG_FD:
      if (!parse_term (s, vars, &out->i, text, error))
        return FALSE;
      /* A negative fd is a lesson about EBADF: the kernel answers it. */
      if (out->i < G_MININT || out->i > G_MAXINT)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%s is not a file descriptor", s);
          return FALSE;
        }
      break;

    case SS_ARG_INT:
      if (!parse_int_expr (s, vars, &out->i, text, error))
        return FALSE;
      break;

    case SS_ARG_OPTVAL:
      if (s[0] == '{')
        {
          g_auto(GStrv) parts = NULL;
          int64_t onoff, secs;
          size_t n = strlen (s);

          if (s[n - 1] != '}')
            goto bad_linger;
          s[n - 1] = '\0';
          parts = g_strsplit (s + 1, ",", -1);
          if (g_strv_length (parts) != 2)
            goto bad_linger;
          g_strstrip (parts[0]);
          g_strstrip (parts[1]);
          g_string_append_c (text, '{');
          if (!parse_term (parts[0], vars, &onoff, text, error))
            return FALSE;
          g_string_append (text, ", ");
          if (!parse_term (parts[1], vars, &secs, text, error))
            return FALSE;
          g_string_append_c (text, '}');
          out->is_linger = TRUE;
          out->linger.l_onoff = (int) onoff;
          out->linger.l_linger = (int) secs;
          break;
        bad_linger:
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "write a linger value as {onoff, seconds}, e.g. {1, 0}");
          return FALSE;
        }
      if (!parse_int_expr (s, vars, &out->i, text, error))
        return FALSE;
      break;

    case SS_ARG_ADDR:
      if (!parse_address (s, out, error))
        return FALSE;
      g_string_append (text, s);
      break;

    case SS_ARG_DATA:
      out->data = parse_data (s, vars, data_vars, text, error);
      if (out->data == NULL)
        return FALSE;
      if (out->data->len > SS_SEND_MAX)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "data longer than %d bytes", SS_SEND_MAX);
          return FALSE;
        }
      break;

    case SS_ARG_STRING:
      out->data = parse_c_string (s, error);
      if (out->data == NULL)
        return FALSE;
      if (memchr (out->data->data, '\0', out->data->len) != NULL || out->data->len > 1024)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "a name is at most 1024 characters, without \\0");
          return FALSE;
        }
      g_string_append (text, s);
      break;

    default:
      g_assert_not_reached ();
    }

  out->text = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

void
ss_arg_clear (SsArgValue *value)
{
  g_clear_pointer (&value->data, g_byte_array_unref);
  g_clear_pointer (&value->text, g_free);
}

char *
ss_sockaddr_to_string (const struct sockaddr *sa,
                       socklen_t              len)
{
  char host[INET6_ADDRSTRLEN];

  if (len == 0)
    return g_strdup ("");

  switch (sa->sa_family)
    {
    case AF_INET:
      {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;

        inet_ntop (AF_INET, &sin->sin_addr, host, sizeof host);
        return g_strdup_printf ("%s:%u", host, ntohs (sin->sin_port));
      }
    case AF_INET6:
      {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;

        inet_ntop (AF_INET6, &sin6->sin6_addr, host, sizeof host);
        return g_strdup_printf ("[%s]:%u", host, ntohs (sin6->sin6_port));
      }
    case AF_UNIX:
      {
        const struct sockaddr_un *sun = (const struct sockaddr_un *) sa;
        size_t path_len = len > offsetof (struct sockaddr_un, sun_path)
                          ? len - offsetof (struct sockaddr_un, sun_path) : 0;

        if (path_len == 0)
          return g_strdup ("*");
        if (sun->sun_path[0] == '\0')
          return g_strdup_printf ("@%.*s", (int) path_len - 1, sun->sun_path + 1);
        return g_strndup (sun->sun_path, strnlen (sun->sun_path, path_len));
      }
    case AF_NETLINK:
      if (len >= sizeof (struct sockaddr_nl))
        {
          /* the kernel's own messages (ss, ip): its port id, as ss -f netlink names it */
          const struct sockaddr_nl *nl = (const struct sockaddr_nl *) sa;

          if (nl->nl_groups != 0)
            return g_strdup_printf ("netlink:%u groups 0x%x", nl->nl_pid, nl->nl_groups);
          return g_strdup_printf ("netlink:%u", nl->nl_pid);
        }
      return g_strdup ("netlink");
    default:
      return g_strdup_printf ("(family %u)", sa->sa_family);
    }
}
