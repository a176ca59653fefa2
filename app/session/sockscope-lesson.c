/* sockscope-lesson.c: the line-based lesson format (lessons/README.md). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "sockscope-calls.h"
#include "sockscope-error.h"
#include "sockscope-lesson.h"
#include "sockscope-lesson-private.h"
#include "sockscope-wire-spec.h"

struct _SockscopeLesson
{
  GObject    parent_instance;
  char      *path;
  char      *text;       /* the file as read: a session embeds it */
  char      *id;
  char      *theme;
  char      *title_en;
  char      *title_fr;
  char      *description_en;
  char      *description_fr;
  char     **code_langs;   /* `code: c python`; { "c" } by default */
  GPtrArray *actors;   /* SockscopeActor */
  GPtrArray *steps;    /* SockscopeStep */
  char      *host_names[2];   /* `host.a:` / `host.b:`, or NULL (alice, bob) */
  char     **wire;     /* top-level `wire:` lines, in order, or NULL */
};

G_DEFINE_FINAL_TYPE (SockscopeLesson, sockscope_lesson, G_TYPE_OBJECT)

/* What a name stands for in one actor's program. */
typedef enum
{
  VAR_VALUE = 1,    /* assigned from a call's result: the lab resolves it */
  VAR_PAIR,         /* assigned by socketpair: name[0] and name[1] */
  VAR_ADDR,         /* captured with `-> name`: the runner resolves it */
  VAR_RECV,         /* assigned by recv/recvfrom: a count, and as data the bytes received */
  VAR_HOST,         /* kept from gethostbyname: an IP address without a port */
} VarKind;

typedef struct
{
  SockscopeLesson *lesson;
  const char      *filename;
  GString         *errors;
  guint            n_errors;
  guint            lineno;
  SockscopeActor  *actor;       /* block being read */
  SockscopeStep   *step;
  GHashTable      *vars;        /* actor name -> (variable name -> VarKind) */
  guint            id_line;
  GHashTable      *exited;      /* actor name -> line of its exit() / pthread_exit() */
  GHashTable      *early;       /* child actors reported as used before their creation */
  gboolean         stop;        /* a size limit is passed: read no further */
  guint            host_lines[2];  /* lines of host.a: and host.b:, 0 if none */
  guint            wire_line;   /* line of the first top-level wire:, 0 if none */
  guint            host_line;   /* line of the first actor's host:, 0 if none */
  gboolean         outline;     /* actors only: no step needed (sockscope_lesson_new_outline) */
} Parser;

/* Size limits (lessons/README.md): a lesson is read whole and each step becomes a row, a code
 * line and a lab call, so a runaway file is refused before it costs memory or minutes. */
#define LESSON_MAX_BYTES   (1024 * 1024)
#define LESSON_MAX_LINE    (64 * 1024)
#define LESSON_MAX_ACTORS  64
#define LESSON_MAX_STEPS   10000
/* Errors listed in full; a file of garbage lines gives one screen, not thousands. */
#define LESSON_MAX_ERRORS  50

static void
actor_free (gpointer data)
{
  SockscopeActor *actor = data;

  g_free (actor->name);
  g_free (actor->role);
  g_free (actor->parent);
  g_free (actor->label_en);
  g_free (actor->label_fr);
  g_free (actor->host);
  g_free (actor);
}

static void
step_free (gpointer data)
{
  SockscopeStep *step = data;

  g_free (step->actor);
  g_free (step->assign);
  g_free (step->call);
  g_strfreev (step->args);
  g_free (step->capture);
  g_free (step->text_en);
  g_free (step->text_fr);
  g_free (step->new_actor);
  g_free (step->loop);
  g_strfreev (step->choices);
  g_strfreev (step->wire);
  g_free (step);
}

static void
sockscope_lesson_finalize (GObject *object)
{
  SockscopeLesson *self = SOCKSCOPE_LESSON (object);

  g_free (self->path);
  g_free (self->text);
  g_free (self->id);
  g_free (self->theme);
  g_free (self->title_en);
  g_free (self->title_fr);
  g_free (self->description_en);
  g_free (self->description_fr);
  g_strfreev (self->code_langs);
  g_free (self->host_names[0]);
  g_free (self->host_names[1]);
  g_strfreev (self->wire);
  g_ptr_array_unref (self->actors);
  g_ptr_array_unref (self->steps);

  G_OBJECT_CLASS (sockscope_lesson_parent_class)->finalize (object);
}

static void
sockscope_lesson_class_init (SockscopeLessonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sockscope_lesson_finalize;
}

static void
sockscope_lesson_init (SockscopeLesson *self)
{
  self->actors = g_ptr_array_new_with_free_func (actor_free);
  self->steps = g_ptr_array_new_with_free_func (step_free);
}

G_GNUC_PRINTF (3, 4) static void
parser_error (Parser     *p,
              guint       line,
              const char *format,
              ...)
{
  va_list ap;

  if (p->n_errors >= LESSON_MAX_ERRORS)
    {
      p->n_errors++;
      return;
    }
  g_string_append_printf (p->errors, "%s%s:%u: ", p->n_errors ? "\n" : "", p->filename, line);
  va_start (ap, format);
  g_string_append_vprintf (p->errors, format, ap);
  va_end (ap);
  p->n_errors++;
}

gboolean
sockscope_is_identifier (const char *s)
{
  if (s == NULL || (!g_ascii_isalpha (*s) && *s != '_'))
    return FALSE;
  for (s++; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '_')
      return FALSE;
  return TRUE;
}

static gboolean
is_constant (const char *s)
{
  if (!g_ascii_isupper (*s))
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isupper (*s) && !g_ascii_isdigit (*s) && *s != '_')
      return FALSE;
  return TRUE;
}

static gboolean
is_integer (const char *s)
{
  char *end;

  if (*s == '\0')
    return FALSE;
  errno = 0;
  (void) strtoll (s, &end, 0);
  return errno == 0 && *end == '\0';
}

static const char * const header_keys[] = {
  "id", "theme", "title.en", "title.fr", "description.en", "description.fr", "actor", "code",
  "host.a", "host.b", "wire", "host", NULL
};

/* Appends a continuation line to a text: consecutive lines make one paragraph. */
static void
append_text (char       **text,
             const char  *value)
{
  char *joined;

  if (*text == NULL)
    {
      *text = g_strdup (value);
      return;
    }
  joined = g_strconcat (*text, " ", value, NULL);
  g_free (*text);
  *text = joined;
}

/* Checks a C string literal: closed, with escapes the actor understands. */
static gboolean
check_string_literal (const char  *s,
                      const char **why)
{
  gsize len = strlen (s);

  if (len < 2 || s[len - 1] != '"')
    {
      *why = N_("the string is not closed with \"");
      return FALSE;
    }
  for (gsize i = 1; i < len - 1; i++)
    {
      if (s[i] == '"')
        {
          *why = N_("a \" inside a string must be written \\\"");
          return FALSE;
        }
      if (s[i] != '\\')
        continue;
      i++;
      if (i >= len - 1)
        {
          *why = N_("the string ends with a lone \\");
          return FALSE;
        }
      if (strchr ("nrt0\\\"'x", s[i]) == NULL)
        {
          *why = N_("unknown escape; use \\n, \\r, \\t, \\0, \\\\, \\\" or \\xHH");
          return FALSE;
        }
      if (s[i] == 'x' && (i + 1 >= len - 1 || !g_ascii_isxdigit (s[i + 1])))
        {
          *why = N_("\\x needs hexadecimal digits, like \\x0a");
          return FALSE;
        }
    }
  return TRUE;
}

/* Length of the string literal @s starts with (quotes included), or 0. */
static gsize
literal_span (const char *s)
{
  if (*s != '"')
    return 0;
  for (gsize i = 1; s[i]; i++)
    {
      if (s[i] == '\\' && s[i + 1])
        i++;
      else if (s[i] == '"')
        return i + 1;
    }
  return 0;
}

/* `"x" * 100000`: the literal and the count. */
gboolean
sockscope_data_is_repeat (const char  *arg,
                          char       **literal,
                          guint64     *count)
{
  gsize span = literal_span (arg);
  const char *rest = arg + span;
  const char *why;
  g_autofree char *lit = NULL;
  char *end;

  if (span == 0)
    return FALSE;
  while (*rest == ' ')
    rest++;
  if (*rest != '*')
    return FALSE;
  rest++;
  while (*rest == ' ')
    rest++;
  if (!g_ascii_isdigit (*rest))
    return FALSE;
  lit = g_strndup (arg, span);
  if (!check_string_literal (lit, &why))
    return FALSE;
  errno = 0;
  *count = g_ascii_strtoull (rest, &end, 0);
  if (errno != 0 || *end != '\0')
    return FALSE;
  *literal = g_steal_pointer (&lit);
  return TRUE;
}

/* `htonl(1234)`, `htons(80)`, `int(1234)`: the function and the number (or constant). */
gboolean
sockscope_data_is_int (const char  *arg,
                       char       **func,
                       char       **value)
{
  static const char * const funcs[] = { "htonl", "htons", "int", NULL };
  const char *open = strchr (arg, '(');
  gsize len = strlen (arg);
  g_autofree char *name = NULL;
  g_autofree char *inner = NULL;

  if (open == NULL || len < 3 || arg[len - 1] != ')')
    return FALSE;
  name = g_strstrip (g_strndup (arg, open - arg));
  inner = g_strstrip (g_strndup (open + 1, arg + len - 1 - open - 1));
  if (!g_strv_contains (funcs, name) || (!is_integer (inner) && !is_constant (inner)))
    return FALSE;
  *func = g_steal_pointer (&name);
  *value = g_steal_pointer (&inner);
  return TRUE;
}

/* Bytes of a C string literal once its escapes are read. */
guint
sockscope_literal_length (const char *lit)
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

static gboolean
check_address (const char *s)
{
  const char *colon = strrchr (s, ':');
  g_autofree char *host = NULL;
  guchar buf[16];

  if (colon == NULL || !is_integer (colon + 1) || atoi (colon + 1) < 0 || atoi (colon + 1) > 65535)
    return FALSE;
  host = g_strndup (s, colon - s);
  if (g_str_equal (host, "*"))
    return TRUE;
  if (host[0] == '[')
    {
      gsize hlen = strlen (host);

      if (hlen < 3 || host[hlen - 1] != ']')
        return FALSE;
      host[hlen - 1] = '\0';
      return inet_pton (AF_INET6, host + 1, buf) == 1;
    }
  return inet_pton (AF_INET, host, buf) == 1;
}

/* Levenshtein distance, case-insensitive, one row at a time. */
guint
sockscope_edit_distance (const char *a,
                         const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

/* The constant of the call catalogue nearest to @name, for a "did you mean" hint. */
static const char *
nearest_constant (const char *name)
{
  unsigned n;
  const SsConstant *constants = ss_constants (&n);
  const char *best = NULL;
  guint best_score = G_MAXUINT;

  for (unsigned i = 0; i < n; i++)
    {
      guint score = sockscope_edit_distance (name, constants[i].name);

      if (score < best_score)
        {
          best_score = score;
          best = constants[i].name;
        }
    }
  return best_score <= MAX (3, strlen (name) / 3) ? best : NULL;
}

/* Is @name a constant the lab knows? Says which one was meant if not. */
static gboolean
check_constant (Parser              *p,
                const SockscopeStep *step,
                const char          *name)
{
  const char *near;

  if (ss_constant_lookup (name) != NULL)
    return TRUE;
  if ((near = nearest_constant (name)) != NULL)
    parser_error (p, step->line, _("unknown constant '%s' in %s(); hint: did you mean %s? The constants are listed in lessons/README.md"),
                  name, step->call, near);
  else
    parser_error (p, step->line, _("unknown constant '%s' in %s(); hint: the constants a lesson can use are listed in lessons/README.md"),
                  name, step->call);
  return FALSE;
}

static const char *
var_owner (Parser     *p,
           const char *name)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, p->vars);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_contains (value, name))
      return key;
  return NULL;
}

/* What an argument is written as, whatever the call expects there. */
typedef enum
{
  ARG_STRING,
  ARG_PAIR,
  ARG_ADDRESS,
  ARG_NUMBER,     /* integer, constants, or a variable holding a value */
  ARG_ADDR_VAR,   /* a variable captured with -> */
  ARG_HOST_VAR,   /* a host kept from gethostbyname (no port) */
  ARG_BAD,
} ArgForm;

static ArgForm
classify_argument (Parser        *p,
                   SockscopeStep *step,
                   GHashTable    *vars,
                   const char    *arg)
{
  const char *why = NULL;

  if (*arg == '\0')
    {
      parser_error (p, step->line, _("empty argument in %s(); hint: arguments are separated by commas"),
                    step->call);
      return ARG_BAD;
    }
  if (*arg == '"')
    {
      if (!check_string_literal (arg, &why))
        {
          parser_error (p, step->line, _("bad string %s: %s"), arg, _(why));
          return ARG_BAD;
        }
      return ARG_STRING;
    }
  if (*arg == '{')
    {
      g_autofree char *inner = NULL;
      g_auto(GStrv) parts = NULL;

      if (arg[strlen (arg) - 1] != '}')
        {
          parser_error (p, step->line, _("bad pair %s; hint: write it {1, 0}"), arg);
          return ARG_BAD;
        }
      inner = g_strndup (arg + 1, strlen (arg) - 2);
      parts = g_strsplit (inner, ",", -1);
      if (g_strv_length (parts) != 2)
        {
          parser_error (p, step->line, _("bad pair %s; hint: write it {1, 0}"), arg);
          return ARG_BAD;
        }
      for (guint i = 0; parts[i]; i++)
        {
          g_strstrip (parts[i]);
          if (is_constant (parts[i]) && !check_constant (p, step, parts[i]))
            return ARG_BAD;
          if (!is_integer (parts[i]) && !is_constant (parts[i]) &&
              GPOINTER_TO_INT (g_hash_table_lookup (vars, parts[i])) != VAR_VALUE)
            {
              parser_error (p, step->line, _("bad pair %s; hint: write it {1, 0}"), arg);
              return ARG_BAD;
            }
        }
      return ARG_PAIR;
    }
  if (strchr (arg, ':') != NULL)
    {
      if (!check_address (arg))
        {
          parser_error (p, step->line,
                        _("bad address %s; hint: write 127.0.0.1:7777, *:7777 or [::1]:7777"), arg);
          return ARG_BAD;
        }
      return ARG_ADDRESS;
    }
  if (is_integer (arg))
    return ARG_NUMBER;
  if (strchr (arg, '|') != NULL || is_constant (arg))
    {
      g_auto(GStrv) parts = g_strsplit (arg, "|", -1);

      for (guint i = 0; parts[i]; i++)
        {
          g_strstrip (parts[i]);
          if (!is_constant (parts[i]) && !is_integer (parts[i]))
            {
              parser_error (p, step->line, _("cannot read '%s' in %s; hint: constants are written in capitals, like SOCK_STREAM"),
                            parts[i], arg);
              return ARG_BAD;
            }
          if (is_constant (parts[i]) && !check_constant (p, step, parts[i]))
            return ARG_BAD;
        }
      return ARG_NUMBER;
    }

  {
    g_autofree char *name = g_strdup (arg);
    char *bracket = strchr (name, '[');
    gboolean indexed = FALSE;
    VarKind kind;

    if (bracket != NULL)
      {
        if (!g_str_equal (bracket, "[0]") && !g_str_equal (bracket, "[1]"))
          {
            parser_error (p, step->line, _("cannot read '%s'; hint: only [0] and [1] follow a socketpair's variable"), arg);
            return ARG_BAD;
          }
        *bracket = '\0';
        indexed = TRUE;
      }
    if (!sockscope_is_identifier (name))
      {
        parser_error (p, step->line,
                      _("cannot read argument '%s' of %s(); hint: see the table of arguments in lessons/README.md"),
                      arg, step->call);
        return ARG_BAD;
      }
    kind = GPOINTER_TO_INT (g_hash_table_lookup (vars, name));
    if (kind == 0)
      {
        const char *owner = var_owner (p, name);
        const char *constant = strlen (name) >= 4 ? nearest_constant (name) : NULL;

        if (owner != NULL)
          parser_error (p, step->line,
                        _("unknown variable '%s' for %s; hint: '%s' belongs to %s, each actor has its own variables"),
                        name, step->actor, name, owner);
        else if (constant != NULL && sockscope_edit_distance (name, constant) <= 2)
          parser_error (p, step->line, _("unknown variable '%s' for %s; hint: did you mean the constant %s? Constants are written in capitals"),
                        name, step->actor, constant);
        else
          parser_error (p, step->line,
                        _("unknown variable '%s' for %s; hint: assign it in an earlier step of %s, e.g. '%s: %s = socket(AF_INET, SOCK_STREAM, 0)'"),
                        name, step->actor, step->actor, step->actor, name);
        return ARG_BAD;
      }
    if (indexed != (kind == VAR_PAIR))
      {
        if (indexed)
          parser_error (p, step->line, _("'%s' is not a socketpair; hint: drop the [0] or [1]"), name);
        else
          parser_error (p, step->line, _("'%s' holds two sockets; hint: write %s[0] or %s[1]"), name, name, name);
        return ARG_BAD;
      }
    if (kind == VAR_HOST)
      return ARG_HOST_VAR;
    return kind == VAR_ADDR ? ARG_ADDR_VAR : ARG_NUMBER;
  }
}

static const char data_forms[] =
  N_("a string like \"hello\\n\", htonl(1234), htons(80), int(1234), \"x\" * 1000, or a variable assigned by recv or recvfrom");

static void
check_argument (Parser           *p,
                SockscopeStep    *step,
                GHashTable       *vars,
                const SsCallInfo *info,
                guint             index)
{
  ArgForm form;
  const char *expected = NULL;
  const char *arg = step->args[index];

  if (info->arg_kinds[index] == SS_ARG_DATA)
    {
      g_autofree char *literal = NULL;
      g_autofree char *func = NULL;
      g_autofree char *value = NULL;
      guint64 count;

      if (sockscope_data_is_repeat (arg, &literal, &count))
        {
          if (count == 0 || count * sockscope_literal_length (literal) > SS_CALL_SEND_MAX)
            parser_error (p, step->line, _("'%s' makes %llu bytes; hint: repeat a string from 1 byte up to 16 MiB"),
                          arg, (unsigned long long) (count * sockscope_literal_length (literal)));
          return;
        }
      if (sockscope_data_is_int (arg, &func, &value))
        {
          if (is_constant (value))
            check_constant (p, step, value);
          return;
        }
      if (sockscope_is_identifier (arg))
        {
          VarKind kind = GPOINTER_TO_INT (g_hash_table_lookup (vars, arg));

          if (kind == VAR_RECV)
            return;
          if (kind != 0)
            {
              parser_error (p, step->line, _("'%s' holds no received bytes to send; hint: write %s"),
                            arg, _(data_forms));
              return;
            }
        }
      /* Anything else unquoted would read as an unknown variable. */
      form = arg[0] == '"' ? classify_argument (p, step, vars, arg) : ARG_NUMBER;
    }
  else if (info->arg_kinds[index] == SS_ARG_STRING && arg[0] != '"')
    form = ARG_NUMBER;
  else
    form = classify_argument (p, step, vars, arg);

  switch (info->arg_kinds[index])
    {
    case SS_ARG_FD:
    case SS_ARG_INT:
      if (form != ARG_NUMBER)
        expected = N_("a socket variable, a number or constants like SOCK_STREAM");
      break;
    case SS_ARG_ADDR:
      if (form != ARG_ADDRESS && form != ARG_ADDR_VAR && form != ARG_STRING)
        expected = N_("an address like 127.0.0.1:7777, or a name kept with '-> peer'");
      break;
    case SS_ARG_DATA:
      if (form != ARG_STRING)
        expected = data_forms;
      break;
    case SS_ARG_STRING:
      if (form != ARG_STRING)
        expected = N_("a name in double quotes, like \"server.lab\"");
      break;
    case SS_ARG_OPTVAL:
      if (form != ARG_NUMBER && form != ARG_PAIR)
        expected = N_("a number, or a pair like {1, 0}");
      break;
    default:
      break;
    }
  if (form == ARG_HOST_VAR && info->arg_kinds[index] == SS_ARG_ADDR)
    {
      parser_error (p, step->line, _("'%s' holds a host from gethostbyname(), without a port; hint: keep an address with getaddrinfo(\"server.lab\", \"sockscope\") -> %s"),
                    arg, arg);
      return;
    }
  if (form != ARG_BAD && expected != NULL)
    {
      parser_error (p, step->line, _("argument %u of %s() is the %s, not '%s'; hint: write %s"),
                    index + 1, step->call, info->arg_names[index], step->args[index], _(expected));
      return;
    }
  if (form == ARG_STRING && (info->arg_kinds[index] == SS_ARG_ADDR || info->arg_kinds[index] == SS_ARG_STRING))
    {
      /* What the lab refuses in a socket path (sun_path) or a name. */
      guint max = info->arg_kinds[index] == SS_ARG_ADDR ? 107 : 1024;
      guint len = sockscope_literal_length (arg);
      gboolean nul = FALSE;

      for (const char *s = arg + 1; *s && *s != '"'; s++)
        if (*s == '\\' && s[1] != '\0')
          nul |= (*++s == '0');
      if (nul || len > max || (len == 0 && info->arg_kinds[index] == SS_ARG_ADDR))
        parser_error (p, step->line, _("%s is not a usable %s; hint: write 1 to %u characters, without \\0"),
                      arg, info->arg_names[index], max);
    }
}

/* The known call whose name is nearest to @name, for a "did you mean" hint. */
static const char *
nearest_call (const char *name)
{
  const char *best = NULL;
  guint best_score = G_MAXUINT;

  for (guint id = 0; id < SS_CALL_N_CALLS; id++)
    {
      const char *candidate = ss_call_info (id)->name;
      guint score = sockscope_edit_distance (name, candidate);

      if (score < best_score)
        {
          best_score = score;
          best = candidate;
        }
    }
  return best_score <= 3 ? best : NULL;
}

/* The string literal @s opens and does not close, from its quote; NULL if every one closes. */
static const char *
unclosed_string (const char *s)
{
  for (; *s; s++)
    if (*s == '"')
      {
        gsize span = literal_span (s);

        if (span == 0)
          return s;
        s += span - 1;
      }
  return NULL;
}

/* Splits "a, \"b,c\", [::1]:7, {1, 0}" at the commas that separate arguments. */
static GPtrArray *
split_arguments (const char *s)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (g_free);
  GString *cur = g_string_new (NULL);
  gboolean in_string = FALSE;
  int depth = 0;

  for (; *s; s++)
    {
      if (in_string)
        {
          g_string_append_c (cur, *s);
          if (*s == '\\' && s[1])
            g_string_append_c (cur, *++s);
          else if (*s == '"')
            in_string = FALSE;
          continue;
        }
      if (*s == ',' && depth == 0)
        {
          g_ptr_array_add (args, g_strstrip (g_string_free (cur, FALSE)));
          cur = g_string_new (NULL);
          continue;
        }
      if (*s == '"')
        in_string = TRUE;
      else if (*s == '[' || *s == '{' || *s == '(')
        depth++;
      else if (*s == ']' || *s == '}' || *s == ')')
        depth--;
      g_string_append_c (cur, *s);
    }
  if (args->len > 0 || cur->len > 0)
    g_ptr_array_add (args, g_strstrip (g_string_free (cur, FALSE)));
  else
    g_string_free (cur, TRUE);
  return args;
}

/* Finds the ')' closing the '(' at s[0], skipping string literals. */
static const char *
find_closing_paren (const char *s)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (; *s; s++)
    {
      if (in_string)
        {
          if (*s == '\\' && s[1])
            s++;
          else if (*s == '"')
            in_string = FALSE;
        }
      else if (*s == '"')
        in_string = TRUE;
      else if (*s == '(')
        depth++;
      else if (*s == ')' && --depth == 0)
        return s;
    }
  return NULL;
}

static void check_call (Parser           *p,
                        SockscopeStep    *step,
                        GHashTable       *vars,
                        const SsCallInfo *info);

/* `server: pid = fork() -> worker`: worker starts with a copy of server's variables. */
static void
create_actor (Parser           *p,
              SockscopeStep    *step,
              GHashTable       *vars,
              const SsCallInfo *info)
{
  gboolean thread = g_str_equal (step->call, "pthread_create");
  SockscopeActor *child;
  GHashTable *child_vars;
  GHashTableIter iter;
  gpointer key, value;
  int index;

  if (step->new_actor == NULL)
    {
      parser_error (p, step->line, _("%s() creates an actor: name it with '-> NAME'; hint: declare 'actor: NAME' with 'parent: %s'%s, then write '%s: %s%s%s() -> NAME'"),
                    step->call, step->actor, thread ? _(" and 'kind: thread'") : "",
                    step->actor, step->assign ? step->assign : "", step->assign ? " = " : "", step->call);
      return;
    }
  if ((index = sockscope_lesson_find_actor (p->lesson, step->new_actor)) < 0)
    {
      parser_error (p, step->line, _("unknown actor '%s'; hint: declare it first with 'actor: %s' and 'parent: %s'"),
                    step->new_actor, step->new_actor, step->actor);
      return;
    }
  child = g_ptr_array_index (p->lesson->actors, index);
  if (g_strcmp0 (child->parent, step->actor) != 0)
    {
      parser_error (p, step->line, _("%s is not declared as a child of %s; hint: add '  parent: %s' under 'actor: %s'"),
                    child->name, step->actor, step->actor, child->name);
      return;
    }
  if (child->created_by != 0)
    {
      parser_error (p, step->line, _("%s is already created by step %u; hint: each child actor is created once, declare another actor for the next one"),
                    child->name, child->created_by);
      return;
    }
  if (child->thread && !thread)
    {
      parser_error (p, step->line, _("%s is a thread (kind: thread) but fork() makes a process; hint: a thread is made by pthread_create()"),
                    child->name);
      return;
    }
  if (!child->thread && thread)
    {
      parser_error (p, step->line, _("%s is a process but pthread_create() makes a thread; hint: add '  kind: thread' under 'actor: %s'"),
                    child->name, child->name);
      return;
    }
  child->created_by = step->number;
  child_vars = g_hash_table_lookup (p->vars, child->name);
  g_hash_table_iter_init (&iter, vars);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (child_vars, g_strdup (key), value);
}

static void
parse_step (Parser     *p,
            const char *actor,
            const char *text)
{
  SockscopeStep *step = g_new0 (SockscopeStep, 1);
  GHashTable *vars = g_hash_table_lookup (p->vars, actor);
  const char *open = strchr (text, '(');
  const char *close;
  const SsCallInfo *info;
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *inner = NULL;
  g_autoptr(GPtrArray) args = NULL;
  char *eq;

  if (p->lesson->steps->len >= LESSON_MAX_STEPS)
    {
      parser_error (p, p->lineno, _("more than %u steps; hint: a lesson has at most %u steps, split it into several lessons"),
                    LESSON_MAX_STEPS, LESSON_MAX_STEPS);
      p->stop = TRUE;
      g_free (step);
      return;
    }
  step->number = p->lesson->steps->len + 1;
  step->line = p->lineno;
  step->actor = g_strdup (actor);
  g_ptr_array_add (p->lesson->steps, step);
  p->step = step;
  p->actor = NULL;

  {
    const SockscopeActor *a = sockscope_lesson_get_actor (p->lesson, sockscope_lesson_find_actor (p->lesson, actor));
    guint exit_line = GPOINTER_TO_UINT (g_hash_table_lookup (p->exited, actor));

    if (a->parent != NULL && a->created_by == 0 && g_hash_table_add (p->early, g_strdup (actor)))
      parser_error (p, p->lineno, _("%s is used before its %s; hint: a step '%s: %s() -> %s' must come first"),
                    actor, a->thread ? "pthread_create" : "fork", a->parent,
                    a->thread ? "pthread_create" : "fork", actor);
    else if (a->parent != NULL && a->created_by == 0)
      ;
    else if (exit_line != 0)
      parser_error (p, p->lineno, _("%s has already ended at line %u; hint: move this step before its exit, or give it to another actor"),
                    actor, exit_line);
  }

  if (open == NULL || (close = find_closing_paren (open)) == NULL)
    {
      const char *quote = unclosed_string (text);

      step->call = g_strdup ("?");
      step->args = g_new0 (char *, 1);
      if (quote != NULL)
        {
          g_autofree char *start = g_utf8_substring (quote, 0, MIN (g_utf8_strlen (quote, -1), 20));

          parser_error (p, p->lineno, _("the string %s%s is not closed; hint: end it with \" on the same line, a string cannot span lines"),
                        start, strlen (start) < strlen (quote) ? "…" : "");
        }
      else
        parser_error (p, p->lineno, _("cannot read the call '%s'; hint: write it as in C, e.g. '%s: bind(s, 127.0.0.1:7777)'"),
                      text, actor);
      return;
    }

  head = g_strstrip (g_strndup (text, open - text));
  if ((eq = strchr (head, '=')) != NULL)
    {
      *eq = '\0';
      step->assign = g_strdup (g_strstrip (head));
      step->call = g_strdup (g_strstrip (eq + 1));
      if (!sockscope_is_identifier (step->assign))
        parser_error (p, p->lineno, _("cannot assign to '%s'; hint: a variable is a name like s, c or n"), step->assign);
    }
  else
    step->call = g_strdup (head);

  inner = g_strndup (open + 1, close - open - 1);
  args = split_arguments (inner);
  g_ptr_array_add (args, NULL);
  step->args = (char **) g_ptr_array_steal (args, NULL);

  tail = g_strstrip (g_strdup (close + 1));
  if (*tail != '\0')
    {
      const SsCallInfo *called = ss_call_lookup (step->call);

      if (g_str_has_prefix (tail, "->") && sockscope_is_identifier (g_strstrip (tail + 2)))
        {
          if (called != NULL && called->new_actor)
            step->new_actor = g_strdup (tail + 2);
          else
            step->capture = g_strdup (tail + 2);
        }
      else
        parser_error (p, p->lineno, _("unexpected '%s' after the call; hint: only '-> name' may follow, to keep the address a call returns"),
                      tail);
    }

  /* Its arguments are checked against the variables assigned before it, so the variable this
   * step assigns is registered after; a step with errors still assigns it, to report each
   * mistake once. */
  if (step->assign != NULL && GPOINTER_TO_INT (g_hash_table_lookup (vars, step->assign)) == VAR_ADDR)
    parser_error (p, p->lineno, _("'%s' already holds an address; hint: use another name"), step->assign);
  info = ss_call_lookup (step->call);
  if (info != NULL)
    check_call (p, step, vars, info);
  else
    {
      const char *near = nearest_call (step->call);

      if (near != NULL)
        parser_error (p, p->lineno, _("unknown call '%s'; hint: did you mean '%s'? The calls are listed in lessons/README.md"),
                      step->call, near);
      else
        parser_error (p, p->lineno, _("unknown call '%s'; hint: the calls a lesson can make are listed in lessons/README.md"),
                      step->call);
    }
  if (step->assign != NULL && GPOINTER_TO_INT (g_hash_table_lookup (vars, step->assign)) != VAR_ADDR)
    {
      VarKind kind = VAR_VALUE;

      if (g_str_equal (step->call, "socketpair"))
        kind = VAR_PAIR;
      else if (g_str_equal (step->call, "recv") || g_str_equal (step->call, "recvfrom"))
        kind = VAR_RECV;
      g_hash_table_insert (vars, g_strdup (step->assign), GINT_TO_POINTER (kind));
    }
  if (info != NULL && info->new_actor)
    create_actor (p, step, vars, info);
  if (g_str_equal (step->call, "exit") || g_str_equal (step->call, "pthread_exit"))
    g_hash_table_insert (p->exited, g_strdup (actor), GUINT_TO_POINTER (step->line));
}

static void
check_call (Parser           *p,
            SockscopeStep    *step,
            GHashTable       *vars,
            const SsCallInfo *info)
{
  guint n_args = g_strv_length (step->args);

  if (info->variadic && (n_args < info->n_args_min || n_args > info->n_args))
    {
      parser_error (p, p->lineno, _("%s() takes %u to %u sockets, not %u; hint: %s(s, c1, c2)"),
                    step->call, info->n_args_min, info->n_args, n_args, step->call);
      return;
    }
  if (n_args < info->n_args_min || n_args > info->n_args)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < info->n_args; i++)
        g_string_append_printf (names, "%s%s%s%s", i == info->n_args_min ? "[" : "",
                                i > 0 ? ", " : "", info->arg_names[i],
                                i + 1 == info->n_args && info->n_args_min < info->n_args ? "]" : "");
      if (info->n_args == 0)
        parser_error (p, p->lineno, _("%s() takes no argument, not %u; hint: %s()"),
                      step->call, n_args, step->call);
      else
        parser_error (p, p->lineno, _("%s() takes %u arguments, not %u; hint: %s(%s)"),
                      step->call, info->n_args, n_args, step->call, names->str);
      return;
    }
  for (guint i = 0; i < n_args; i++)
    check_argument (p, step, vars, info, i);
  if ((info->id == SS_CALL_RECV || info->id == SS_CALL_RECVFROM) && is_integer (step->args[1]) &&
      (g_ascii_strtoll (step->args[1], NULL, 0) < 0 || g_ascii_strtoll (step->args[1], NULL, 0) > SS_CALL_RECV_MAX))
    parser_error (p, p->lineno, _("%s() reads 0 to %u bytes a call, not %s; hint: read the rest with another %s()"),
                  step->call, SS_CALL_RECV_MAX, step->args[1], step->call);
  /* ntohl(n) of received bytes reads 4 of them (ntohs 2): a shorter recv leaves too few. */
  if ((info->id == SS_CALL_NTOHL || info->id == SS_CALL_NTOHS) &&
      GPOINTER_TO_INT (g_hash_table_lookup (vars, step->args[0])) == VAR_RECV)
    {
      const SockscopeStep *from = sockscope_lesson_find_assignment (p->lesson, step->actor, step->args[0], step->number);
      guint need = info->id == SS_CALL_NTOHL ? 4 : 2;

      if (from != NULL && from->args[0] != NULL && from->args[1] != NULL && is_integer (from->args[1]) &&
          g_ascii_strtoll (from->args[1], NULL, 0) < need)
        parser_error (p, p->lineno, _("%s() reads %u bytes, but the %s() of line %u receives at most %s into '%s'; hint: receive %u bytes"),
                      step->call, need, from->call, from->line, from->args[1], step->args[0], need);
    }

  {
    const SockscopeActor *actor = sockscope_lesson_get_actor (p->lesson, sockscope_lesson_find_actor (p->lesson, step->actor));

    if (g_str_equal (step->call, "exit") && actor->thread)
      parser_error (p, p->lineno, _("exit() in the thread %s would end its whole process; hint: a thread ends with pthread_exit()"),
                    step->actor);
    else if (g_str_equal (step->call, "pthread_exit") && !actor->thread)
      parser_error (p, p->lineno, _("%s is a process, not a thread; hint: a process ends with exit(0)"), step->actor);
  }

  if (step->capture != NULL)
    {
      if (!info->returns_addr)
        parser_error (p, p->lineno, _("%s() returns no address to keep with '-> %s'; hint: accept, recvfrom, getsockname, getpeername, getaddrinfo and gethostbyname do"),
                      step->call, step->capture);
      else if (GPOINTER_TO_INT (g_hash_table_lookup (vars, step->capture)) == VAR_VALUE ||
               GPOINTER_TO_INT (g_hash_table_lookup (vars, step->capture)) == VAR_RECV)
        parser_error (p, p->lineno, _("'%s' already holds a socket or a number; hint: keep the address under another name"), step->capture);
      else
        g_hash_table_insert (vars, g_strdup (step->capture),
                             GINT_TO_POINTER (g_str_equal (step->call, "gethostbyname") ? VAR_HOST : VAR_ADDR));
    }
}

/* The words a wire spec is made of (app/lab/sockscope-wire-spec.h), for a "did you mean" hint. */
static const char * const wire_words[] = {
  "dir", "loss", "drop", "delay", "jitter", "dup", "reorder", "rate", "mtu", "seed", "clear", NULL
};

/* Checks @spec with the lab's own parser. On an error, @message (if not NULL) is its one line
 * naming the word,
 * with a hint when the word's key is near a known one ("los=20%": did you mean loss?). */
gboolean
sockscope_wire_spec_check (const char  *spec,
                           char       **message)
{
  char err[512];
  g_auto(GStrv) words = NULL;

  if (ss_wire_spec_check (spec, err, sizeof err))
    return TRUE;
  if (message == NULL)
    return FALSE;
  words = g_strsplit (spec, ",", -1);
  for (guint i = 0; words[i]; i++)
    {
      g_autofree char *key = g_strstrip (g_strdup (words[i]));
      char *eq = strchr (key, '=');
      const char *best = NULL;
      guint best_score = G_MAXUINT;

      if (eq != NULL)
        *eq = '\0';
      g_strstrip (key);
      if (*key == '\0' || g_strv_contains (wire_words, key))
        continue;
      for (guint j = 0; wire_words[j]; j++)
        {
          guint score = sockscope_edit_distance (key, wire_words[j]);

          if (score < best_score)
            {
              best_score = score;
              best = wire_words[j];
            }
        }
      if (best != NULL && best_score <= MAX (2, strlen (key) / 3))
        {
          *message = g_strdup_printf (_("%s; hint: did you mean %s?"), err, best);
          return FALSE;
        }
      break;
    }
  *message = g_strdup (err);
  return FALSE;
}

/* A `wire:` line's spec; NULL (and an error at the line) when the wire's parser refuses it. */
static gboolean
check_wire_line (Parser     *p,
                 const char *value)
{
  g_autofree char *message = NULL;

  if (*value == '\0')
    {
      parser_error (p, p->lineno, _("'wire' is empty; hint: write rules such as 'wire: loss=20%%, delay=50ms, seed=7'"));
      return FALSE;
    }
  if (!sockscope_wire_spec_check (value, &message))
    {
      parser_error (p, p->lineno, _("bad wire rule %s"), message);
      return FALSE;
    }
  return TRUE;
}

static void
add_line (char       ***lines,
          const char   *value)
{
  guint n = *lines ? g_strv_length (*lines) : 0;

  *lines = g_renew (char *, *lines, n + 2);
  (*lines)[n] = g_strdup (value);
  (*lines)[n + 1] = NULL;
}

/* A host's name in the lab's /etc/hosts: one word of letters, digits and '-'. */
static gboolean
is_host_name (const char *s)
{
  if (!g_ascii_islower (*s) || strlen (s) > 63)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_islower (*s) && !g_ascii_isdigit (*s) && *s != '-')
      return FALSE;
  return TRUE;
}

static void
set_once (Parser      *p,
          char       **field,
          const char  *key,
          const char  *value)
{
  if (*field != NULL)
    parser_error (p, p->lineno, _("'%s' is given twice"), key);
  else if (*value == '\0')
    parser_error (p, p->lineno, _("'%s' is empty"), key);
  else
    *field = g_strdup (value);
}

static void
parse_header (Parser     *p,
              const char *key,
              const char *value)
{
  SockscopeLesson *self = p->lesson;

  p->actor = NULL;
  p->step = NULL;

  if (g_str_equal (key, "id"))
    {
      if (!sockscope_is_identifier (value) && strspn (value, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen (value))
        parser_error (p, p->lineno, _("bad id '%s'; hint: use lower-case letters, digits and '-'"), value);
      p->id_line = p->lineno;
      set_once (p, &self->id, key, value);
    }
  else if (g_str_equal (key, "theme"))
    set_once (p, &self->theme, key, value);
  else if (g_str_equal (key, "title.en"))
    set_once (p, &self->title_en, key, value);
  else if (g_str_equal (key, "title.fr"))
    set_once (p, &self->title_fr, key, value);
  else if (g_str_equal (key, "description.en"))
    append_text (&self->description_en, value);
  else if (g_str_equal (key, "description.fr"))
    append_text (&self->description_fr, value);
  else if (g_str_equal (key, "code"))
    {
      g_auto(GStrv) langs = g_strsplit_set (value, " ,", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      guint n = 0;

      for (guint i = 0; langs[i]; i++)
        {
          if (*langs[i] == '\0')
            continue;
          if (!g_str_equal (langs[i], "c") && !g_str_equal (langs[i], "python"))
            {
              parser_error (p, p->lineno, _("unknown code language '%s'; hint: write 'code: c', 'code: python' or 'code: c python'"),
                            langs[i]);
              return;
            }
          g_strv_builder_add (builder, langs[i]);
          n++;
        }
      if (n == 0)
        parser_error (p, p->lineno, _("'code' is empty; hint: write 'code: c python'"));
      else if (self->code_langs != NULL)
        parser_error (p, p->lineno, _("'%s' is given twice"), key);
      else
        self->code_langs = g_strv_builder_end (builder);
    }
  else if (g_str_equal (key, "host.a") || g_str_equal (key, "host.b"))
    {
      int i = key[5] - 'a';

      if (!is_host_name (value) || g_str_equal (value, "localhost"))
        parser_error (p, p->lineno, _("bad host name '%s'; hint: a host's name is one word of lower-case letters, digits and '-', like %s"),
                      value, i == 0 ? "alice" : "bob");
      else
        {
          p->host_lines[i] = p->lineno;
          set_once (p, &self->host_names[i], key, value);
        }
    }
  else if (g_str_equal (key, "wire"))
    {
      if (self->actors->len > 0)
        parser_error (p, p->lineno, _("a lesson's 'wire:' line comes before its actors; hint: move it up, or indent it under a step ('  wire: ...') to change the wire from that step on"));
      else if (check_wire_line (p, value))
        {
          if (p->wire_line == 0)
            p->wire_line = p->lineno;
          add_line (&self->wire, value);
        }
    }
  else if (g_str_equal (key, "actor"))
    {
      SockscopeActor *actor;

      if (!sockscope_is_identifier (value) || g_strv_contains (header_keys, value))
        {
          parser_error (p, p->lineno, _("bad actor name '%s'; hint: a name is one word, like server or client"), value);
          return;
        }
      if (sockscope_lesson_find_actor (self, value) >= 0)
        {
          parser_error (p, p->lineno, _("actor '%s' is declared twice"), value);
          return;
        }
      if (self->actors->len >= LESSON_MAX_ACTORS)
        {
          parser_error (p, p->lineno, _("more than %u actors; hint: a lesson has at most %u actors"),
                        LESSON_MAX_ACTORS, LESSON_MAX_ACTORS);
          p->stop = TRUE;
          return;
        }
      actor = g_new0 (SockscopeActor, 1);
      actor->name = g_strdup (value);
      actor->line = p->lineno;
      g_ptr_array_add (self->actors, actor);
      g_hash_table_insert (p->vars, g_strdup (value),
                           g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
      p->actor = actor;
    }
  else if (sockscope_lesson_find_actor (self, key) >= 0)
    parse_step (p, key, value);
  else if (sockscope_is_identifier (key) && strchr (value, '(') != NULL)
    parser_error (p, p->lineno, _("unknown actor '%s'; hint: declare it first with a line 'actor: %s'"), key, key);
  else
    {
      const char *best = NULL;
      guint best_score = G_MAXUINT;

      for (guint i = 0; header_keys[i]; i++)
        {
          guint score = sockscope_edit_distance (key, header_keys[i]);

          if (score < best_score && !g_str_equal (header_keys[i], "host"))
            {
              best_score = score;
              best = header_keys[i];
            }
        }
      if (best_score <= 2)
        parser_error (p, p->lineno, _("unknown key '%s'; hint: did you mean '%s'?"), key, best);
      else
        parser_error (p, p->lineno, _("unknown key '%s'; hint: a lesson starts with id, theme, title.en, title.fr, then its actors and steps"),
                      key);
    }
}

static void
parse_ask (Parser     *p,
           const char *value)
{
  SockscopeStep *step = p->step;
  const SsCallInfo *info = ss_call_lookup (step->call);
  SockscopeAsk ask = SOCKSCOPE_ASK_NONE;

  for (SockscopeAsk a = SOCKSCOPE_ASK_BLOCKS; a <= SOCKSCOPE_ASK_STATE; a++)
    if (g_str_equal (value, sockscope_ask_to_string (a)))
      ask = a;
  if (ask == SOCKSCOPE_ASK_NONE)
    {
      parser_error (p, p->lineno, _("unknown question '%s'; hint: write ask: blocks, returns, packets or state"), value);
      return;
    }
  if (step->ask != SOCKSCOPE_ASK_NONE)
    {
      parser_error (p, p->lineno, _("step %u already asks a question; hint: one ask: per step"), step->number);
      return;
    }
  if (ask == SOCKSCOPE_ASK_RETURNS && (g_str_equal (step->call, "exit") || g_str_equal (step->call, "pthread_exit")))
    {
      parser_error (p, p->lineno, _("%s() never returns; hint: ask: blocks, packets or state instead"), step->call);
      return;
    }
  if (ask == SOCKSCOPE_ASK_STATE && info != NULL && !info->acts_on_fd && !info->creates_fd)
    {
      parser_error (p, p->lineno, _("%s() acts on no socket whose state to ask; hint: ask: state goes under a call on a socket, like connect or close"),
                    step->call);
      return;
    }
  step->ask = ask;
}

/* Names of the states a `state` question may offer. */
static const char * const state_names[] = {
  "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECV", "ESTAB", "FIN-WAIT-1", "FIN-WAIT-2",
  "CLOSE-WAIT", "LAST-ACK", "CLOSING", "TIME-WAIT", "UNCONN", NULL
};

const char * const *
sockscope_lesson_state_names (void)
{
  return state_names;
}

/* Calls that return 0, or -1 with an error: no other number is their answer. */
static const char * const zero_or_error_calls[] = {
  "bind", "listen", "connect", "close", "shutdown", "setsockopt", "getsockopt", "socketpair",
  "getsockname", "getpeername", "pthread_create", "pthread_join", NULL
};

/* Packet names as the grader gives them (sockscope-question.c), in English and in French. */
static const char * const packet_names[] = {
  "SYN", "SYN-ACK", "ACK", "PSH-ACK", "PSH", "FIN", "PSH-FIN", "RST", "TCP", "ICMP",
  "UDP datagram", "datagramme UDP", "ICMP port unreachable", "ICMP port injoignable",
  "IP fragment", "fragment IP", NULL
};

/* Could @choice ever be the answer of @step's question? If not, why (a hint), for `check`. */
static const char *
choice_cannot_match (const SockscopeStep *step,
                     const char          *choice)
{
  if (step->ask == SOCKSCOPE_ASK_RETURNS)
    {
      char *end;

      const char *after = choice + 1;

      while (*after == ' ')
        after++;
      /* "> 0 (a pid)": any positive value; "< 1000 (a part of it)": 1 to 999. */
      if ((choice[0] == '>' && *after == '0') || (choice[0] == '<' && g_ascii_isdigit (*after)))
        return NULL;
      (void) g_ascii_strtoll (choice, &end, 0);
      if (end == choice)
        return N_("a return value is a number, like 3 or -1 ECONNREFUSED, or '> 0 (a pid)' or '< 1000 (a part of it)'");
      while (*end == ' ')
        end++;
      if (*end == '\0')
        return NULL;
      if (g_str_has_prefix (choice, "-") && (g_str_has_prefix (end, "E") || g_str_has_prefix (end, "EAI_")) &&
          is_constant (end))
        return NULL;
      return N_("after a number comes only an error name, like -1 ECONNREFUSED");
    }
  if (step->ask == SOCKSCOPE_ASK_PACKETS)
    {
      g_auto(GStrv) names = NULL;
      g_autofree char *lower = g_utf8_strdown (choice, -1);
      g_autoptr(GString) list = g_string_new (choice);

      if (g_str_equal (lower, "none") || g_str_equal (lower, "aucun") || g_str_equal (lower, "aucune") ||
          g_str_equal (lower, "rien"))
        return NULL;
      g_string_replace (list, "→", "/", 0);
      g_string_replace (list, ",", "/", 0);
      names = g_strsplit (list->str, "/", -1);
      for (guint i = 0; names[i]; i++)
        {
          gboolean known = FALSE;

          g_strstrip (names[i]);
          for (guint j = 0; packet_names[j] && !known; j++)
            known = g_ascii_strcasecmp (names[i], packet_names[j]) == 0;
          if (!known)
            return N_("packets are named SYN, SYN-ACK, ACK, PSH-ACK, FIN, RST, UDP datagram, ICMP port unreachable or IP fragment, separated by /, or none");
        }
    }
  return NULL;
}

static void
parse_choices (Parser     *p,
               const char *value)
{
  SockscopeStep *step = p->step;
  g_auto(GStrv) parts = g_strsplit (value, "|", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  if (step->ask == SOCKSCOPE_ASK_NONE)
    {
      parser_error (p, p->lineno, _("choices without a question; hint: put 'ask: returns', 'ask: packets' or 'ask: state' on the line before"));
      return;
    }
  if (step->ask == SOCKSCOPE_ASK_BLOCKS)
    {
      parser_error (p, p->lineno, _("ask: blocks is answered yes or no; hint: remove the choices line"));
      return;
    }
  if (step->choices != NULL)
    {
      parser_error (p, p->lineno, _("'%s' is given twice"), "choices");
      return;
    }
  for (guint i = 0; parts[i]; i++)
    {
      char *choice = g_strstrip (parts[i]);

      if (*choice == '\0')
        {
          parser_error (p, p->lineno, _("empty choice in '%s'; hint: separate the choices with |, like 'choices: 0 | -1 ECONNREFUSED'"), value);
          return;
        }
      if (step->ask == SOCKSCOPE_ASK_STATE && !g_strv_contains (state_names, choice))
        {
          g_autofree char *names = g_strjoinv (", ", (char **) state_names);

          parser_error (p, p->lineno, _("unknown socket state '%s'; hint: the states are %s"), choice, names);
          return;
        }
      for (guint j = 0; j < i; j++)
        if (g_ascii_strcasecmp (parts[j], choice) == 0)
          {
            parser_error (p, p->lineno, _("the choice '%s' is given twice"), choice);
            return;
          }
      g_strv_builder_add (builder, choice);
      n++;
    }
  if (n < 2)
    {
      parser_error (p, p->lineno, _("a question needs at least 2 choices; hint: separate them with |, like 'choices: SYN | SYN / SYN-ACK / ACK'"));
      return;
    }
  step->choices = g_strv_builder_end (builder);
  for (guint i = 0; step->choices[i]; i++)
    {
      const char *why = choice_cannot_match (step, step->choices[i]);

      if (why != NULL)
        {
          parser_error (p, p->lineno, _("the choice '%s' can never be the answer; hint: %s"), step->choices[i], _(why));
          return;
        }
    }
  if (step->ask == SOCKSCOPE_ASK_RETURNS && g_strv_contains (zero_or_error_calls, step->call))
    {
      gboolean possible = FALSE;

      for (guint i = 0; step->choices[i]; i++)
        possible |= g_str_equal (step->choices[i], "0") || g_str_has_prefix (step->choices[i], "-1");
      if (!possible)
        parser_error (p, p->lineno, _("no choice can be what %s() returns; hint: it returns 0, or -1 with an error, like -1 EADDRINUSE"),
                      step->call);
    }
  else if (step->ask == SOCKSCOPE_ASK_RETURNS && (g_str_equal (step->call, "send") || g_str_equal (step->call, "sendto")) &&
           g_strv_length (step->args) >= 2)
    {
      g_autofree char *literal = NULL;
      g_autofree char *func = NULL;
      g_autofree char *number = NULL;
      guint64 count, length;
      gboolean possible = FALSE;

      /* A send hands over at most its data: a choice above can never be its answer. */
      if (sockscope_data_is_repeat (step->args[1], &literal, &count))
        length = count * sockscope_literal_length (literal);
      else if (sockscope_data_is_int (step->args[1], &func, &number))
        length = g_str_equal (func, "htons") ? 2 : 4;
      else if (step->args[1][0] == '"')
        length = sockscope_literal_length (step->args[1]);
      else
        return;
      for (guint i = 0; step->choices[i]; i++)
        {
          const char *c = step->choices[i];

          possible |= c[0] == '<' || c[0] == '>' || g_str_has_prefix (c, "-") ||
                      (g_ascii_isdigit (c[0]) && g_ascii_strtoull (c, NULL, 0) <= length);
        }
      if (!possible)
        parser_error (p, p->lineno, _("no choice can be what %s() returns; hint: it hands over %llu bytes: write %llu, a part of them like '< %llu (a part of it)', or -1 with an error"),
                      step->call, (unsigned long long) length, (unsigned long long) length, (unsigned long long) length);
    }
}

static void
parse_attribute (Parser     *p,
                 const char *key,
                 const char *value)
{
  if (p->actor != NULL)
    {
      SockscopeActor *actor = p->actor;

      if (g_str_equal (key, "role"))
        set_once (p, &actor->role, key, value);
      else if (g_str_equal (key, "parent"))
        {
          if (sockscope_lesson_find_actor (p->lesson, value) < 0 || g_str_equal (value, actor->name))
            parser_error (p, p->lineno, _("unknown parent actor '%s'; hint: declare the parent first"), value);
          else
            set_once (p, &actor->parent, key, value);
        }
      else if (g_str_equal (key, "label.en"))
        set_once (p, &actor->label_en, key, value);
      else if (g_str_equal (key, "label.fr"))
        set_once (p, &actor->label_fr, key, value);
      else if (g_str_equal (key, "kind"))
        {
          if (g_str_equal (value, "thread"))
            actor->thread = TRUE;
          else if (!g_str_equal (value, "process"))
            parser_error (p, p->lineno, _("unknown actor kind '%s'; hint: write 'kind: process' or 'kind: thread'"), value);
        }
      else if (g_str_equal (key, "host"))
        {
          const char *a = p->lesson->host_names[0] ? p->lesson->host_names[0] : "alice";
          const char *b = p->lesson->host_names[1] ? p->lesson->host_names[1] : "bob";

          /* One message for this line: the actor counts as on a host from here on. */
          if (p->host_line == 0)
            p->host_line = p->lineno;
          if (actor->host == NULL && !(g_str_equal (value, "a") || g_str_equal (value, "b")))
            actor->host = g_strdup ("?");
          if (g_str_equal (value, a) || g_str_equal (value, b))
            parser_error (p, p->lineno, _("unknown host '%s'; hint: write 'host: %s', the host named %s"),
                          value, g_str_equal (value, a) ? "a" : "b", value);
          else if (!g_str_equal (value, "a") && !g_str_equal (value, "b"))
            parser_error (p, p->lineno, _("unknown host '%s'; hint: write 'host: a' (%s) or 'host: b' (%s)"), value, a, b);
          else
            set_once (p, &actor->host, key, value);
        }
      else
        {
          static const char * const attributes[] = { "role", "parent", "label.en", "label.fr", "kind", "host", NULL };
          const char *best = NULL;
          guint best_score = G_MAXUINT;

          for (guint i = 0; attributes[i]; i++)
            if (sockscope_edit_distance (key, attributes[i]) < best_score)
              {
                best_score = sockscope_edit_distance (key, attributes[i]);
                best = attributes[i];
              }
          if (best_score <= 2)
            parser_error (p, p->lineno, _("unknown actor attribute '%s'; hint: did you mean '%s'?"), key, best);
          else
            parser_error (p, p->lineno, _("unknown actor attribute '%s'; hint: an actor has role, label.en, label.fr and optionally parent, kind and host"),
                          key);
        }
    }
  else if (p->step != NULL)
    {
      if (g_str_equal (key, "en"))
        append_text (&p->step->text_en, value);
      else if (g_str_equal (key, "fr"))
        append_text (&p->step->text_fr, value);
      else if (g_str_equal (key, "loop"))
        {
          if (!sockscope_is_identifier (value))
            parser_error (p, p->lineno, _("bad loop name '%s'; hint: a loop name is one word, like echo"), value);
          else
            set_once (p, &p->step->loop, key, value);
        }
      else if (g_str_equal (key, "ask"))
        parse_ask (p, value);
      else if (g_str_equal (key, "choices"))
        parse_choices (p, value);
      else if (g_str_equal (key, "wire"))
        {
          if (check_wire_line (p, value))
            {
              if (p->wire_line == 0)
                p->wire_line = p->lineno;
              add_line (&p->step->wire, value);
            }
        }
      else
        parser_error (p, p->lineno, _("unknown step attribute '%s'; hint: a step has its explanation in en: and fr:, and optionally loop:, ask:, choices: and wire:"), key);
    }
  else
    parser_error (p, p->lineno, _("indented line outside an actor or a step; hint: indent only the lines that belong to the line above"));
}

static void
check_complete (Parser *p)
{
  SockscopeLesson *self = p->lesson;
  guint last = p->lineno;

  if (self->id == NULL)
    parser_error (p, 1, _("the lesson has no id; hint: add a line 'id: my-lesson'"));
  if (self->title_en == NULL)
    parser_error (p, 1, _("missing English title; hint: add a line 'title.en: ...'"));
  if (self->title_fr == NULL)
    parser_error (p, 1, _("missing French title; hint: add a line 'title.fr: ...'"));
  if (self->actors->len == 0)
    parser_error (p, last, _("the lesson has no actor; hint: declare one with 'actor: server'"));
  else if (self->steps->len == 0 && !p->outline)
    parser_error (p, last, _("the lesson has no step; hint: add a line like 'server: s = socket(AF_INET, SOCK_STREAM, 0)'"));

  for (guint i = 0; i < self->actors->len; i++)
    {
      SockscopeActor *actor = g_ptr_array_index (self->actors, i);

      if (actor->label_en == NULL)
        parser_error (p, last, _("actor '%s' has no English label; hint: add '  label.en: ...' under it"), actor->name);
      if (actor->label_fr == NULL)
        parser_error (p, last, _("actor '%s' has no French label; hint: add '  label.fr: ...' under it"), actor->name);
      if (actor->role == NULL)
        actor->role = g_strdup (actor->name);
      if (actor->parent != NULL && actor->created_by == 0)
        parser_error (p, actor->line, _("actor '%s' is never created; hint: add a step '%s: %s() -> %s'"),
                      actor->name, actor->parent, actor->thread ? "pthread_create" : "fork", actor->name);
      if (actor->thread && actor->parent == NULL)
        parser_error (p, actor->line, _("the thread '%s' has no parent; hint: add '  parent: NAME', the process whose pthread_create() starts it"),
                      actor->name);
    }
  /* Two hosts: every actor is on one; a child process or a thread is on its parent's. Actors
   * are declared after their parents, so one pass in order is enough. */
  for (guint i = 0; i < self->actors->len; i++)
    {
      SockscopeActor *actor = g_ptr_array_index (self->actors, i);
      int parent_index = actor->parent ? sockscope_lesson_find_actor (self, actor->parent) : -1;
      const SockscopeActor *parent = parent_index >= 0 ? g_ptr_array_index (self->actors, parent_index) : NULL;

      if (parent != NULL && actor->host != NULL && parent->host != NULL && !g_str_equal (actor->host, parent->host))
        parser_error (p, actor->line, _("actor '%s' is on host %s but its parent %s is on host %s; hint: a child process or a thread runs on its parent's host, remove its host: line"),
                      actor->name, actor->host, parent->name, parent->host);
      else if (parent != NULL && actor->host == NULL && parent->host != NULL)
        actor->host = g_strdup (parent->host);
      else if (p->host_line != 0 && actor->host == NULL)
        parser_error (p, actor->line, _("actor '%s' names no host, but line %u puts an actor on a host; hint: in a lesson of two hosts every actor is on one: add '  host: a' or '  host: b' under it"),
                      actor->name, p->host_line);
    }
  if (g_str_equal (sockscope_lesson_get_host_name (self, "a"), sockscope_lesson_get_host_name (self, "b")))
    parser_error (p, MAX (p->host_lines[0], p->host_lines[1]), _("both hosts are named '%s'; hint: give host.a and host.b two names"),
                  sockscope_lesson_get_host_name (self, "a"));
  if (p->host_line == 0 && p->wire_line != 0)
    parser_error (p, p->wire_line, _("a wire joins two hosts, but no actor is on a host; hint: put each actor on a host with '  host: a' or '  host: b' under it"));
  for (guint i = 0; i < 2; i++)
    if (p->host_line == 0 && p->host_lines[i] != 0)
      parser_error (p, p->host_lines[i], _("host.%c names a host, but no actor is on a host; hint: put each actor on a host with '  host: a' or '  host: b' under it"),
                    'a' + i);

  if (self->code_langs == NULL)
    {
      const char *c_only[] = { "c", NULL };

      self->code_langs = g_strdupv ((char **) c_only);
    }
  for (guint i = 0; i < self->steps->len; i++)
    {
      SockscopeStep *step = g_ptr_array_index (self->steps, i);

      if (step->text_en == NULL)
        parser_error (p, step->line, _("step %u has no English text; hint: add an indented line '  en: ...' under it"),
                      step->number);
      if (step->text_fr == NULL)
        parser_error (p, step->line, _("step %u has no French text; hint: add an indented line '  fr: ...' under it"),
                      step->number);
    }
}

/* The 1-based line of @data that byte @offset is on. */
static guint
line_of (const char *data,
         gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    line += data[i] == '\n';
  return line;
}

/* Reads @length bytes of @data (NUL bytes included: they are an error, not an end). */
static SockscopeLesson *
parse_lesson_full (const char  *data,
                   gsize        length,
                   const char  *filename,
                   gboolean     outline,
                   GError     **error)
{
  g_autoptr(SockscopeLesson) self = g_object_new (SOCKSCOPE_TYPE_LESSON, NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) errors = g_string_new (NULL);
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GHashTable) exited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) early = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Parser p = { self, filename, errors, 0, 0, NULL, NULL, vars, 0, exited, early, FALSE };
  const char *nul, *bad;

  p.outline = outline;
  self->path = g_strdup (filename);
  if (length > LESSON_MAX_BYTES)
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                   _("%s:1: the lesson is %llu bytes, over the limit of 1 MB; hint: a lesson is a short text, split it into several lessons"),
                   filename, (unsigned long long) length);
      return NULL;
    }
  self->text = g_strndup (data, length);
  /* Editors on Windows start UTF-8 files with a byte order mark: it is not text. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if ((nul = memchr (data, '\0', length)) != NULL)
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                   _("%s:%u: the file holds a NUL byte, it is not a text file; hint: save it as UTF-8 text in your editor"),
                   filename, line_of (data, nul - data));
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, &bad))
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                   _("%s:%u: byte 0x%02x is not UTF-8; hint: save the file as UTF-8 in your editor"),
                   filename, line_of (data, bad - data), (guchar) *bad);
      return NULL;
    }

  {
    g_autofree char *text = g_strndup (data, length);

    lines = g_strsplit (text, "\n", -1);
  }
  for (guint i = 0; lines[i] && !p.stop; i++)
    {
      char *line = lines[i];
      char *colon;
      gboolean indented = (*line == ' ' || *line == '\t');
      gsize line_length = strlen (line);

      p.lineno = i + 1;
      if (line_length > LESSON_MAX_LINE)
        {
          parser_error (&p, p.lineno, _("the line is %llu bytes long, over the limit of 64 KB; hint: a step's text can go on over several '  en:' lines"),
                        (unsigned long long) line_length);
          continue;
        }
      g_strchomp (line);
      g_strchug (line);
      if (*line == '\0' || *line == '#')
        continue;
      colon = strchr (line, ':');
      if (colon == NULL)
        {
          parser_error (&p, p.lineno, _("cannot read this line; hint: every line is 'key: value' or 'actor: call(...)'"));
          continue;
        }
      *colon = '\0';
      g_strstrip (line);
      if (indented)
        parse_attribute (&p, line, g_strstrip (colon + 1));
      else
        parse_header (&p, line, g_strstrip (colon + 1));
    }
  if (!p.stop)
    check_complete (&p);

  if (p.n_errors > LESSON_MAX_ERRORS)
    g_string_append_printf (errors, ngettext ("\n%s: %u more error", "\n%s: %u more errors",
                                              p.n_errors - LESSON_MAX_ERRORS),
                            filename, p.n_errors - LESSON_MAX_ERRORS);
  if (p.n_errors > 0)
    {
      g_set_error_literal (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE, errors->str);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static SockscopeLesson *
parse_lesson (const char  *data,
              gsize        length,
              const char  *filename,
              GError     **error)
{
  return parse_lesson_full (data, length, filename, FALSE, error);
}

SockscopeLesson *
sockscope_lesson_new_outline (const char  *data,
                              const char  *filename,
                              GError     **error)
{
  return parse_lesson_full (data, strlen (data), filename, TRUE, error);
}

SockscopeLesson *
sockscope_lesson_new_from_data (const char  *data,
                                const char  *filename,
                                GError     **error)
{
  return parse_lesson (data, strlen (data), filename, error);
}

SockscopeLesson *
sockscope_lesson_new_from_file (const char  *path,
                                GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  gsize length;

  /* A 50 MB file is refused by its size, before it is read. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL && g_file_info_get_size (info) > LESSON_MAX_BYTES)
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                   _("%s:1: the lesson is %llu bytes, over the limit of 1 MB; hint: a lesson is a short text, split it into several lessons"),
                   path, (unsigned long long) g_file_info_get_size (info));
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
                   _("cannot read lesson %s: %s"), path, local_error->message);
      return NULL;
    }
  return parse_lesson (data, length, path, error);
}

const char *
sockscope_lesson_get_id (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  return self->id;
}

/* The lesson's text, as it was read. */
const char *
sockscope_lesson_get_text (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);

  return self->text;
}

const char *
sockscope_lesson_get_path (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  return self->path;
}

const char *
sockscope_lesson_get_theme (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  return self->theme;
}

const char *
sockscope_lesson_get_title (SockscopeLesson *self,
                            const char      *lang)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  return g_strcmp0 (lang, "fr") == 0 ? self->title_fr : self->title_en;
}

const char *
sockscope_lesson_get_description (SockscopeLesson *self,
                                  const char      *lang)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  return g_strcmp0 (lang, "fr") == 0 ? self->description_fr : self->description_en;
}

/* Every lesson that parses has every text in both languages. */
const char *
sockscope_lesson_get_languages (SockscopeLesson *self)
{
  return "en, fr";
}

guint
sockscope_lesson_get_n_actors (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), 0);
  return self->actors->len;
}

const SockscopeActor *
sockscope_lesson_get_actor (SockscopeLesson *self,
                            guint            index)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  g_return_val_if_fail (index < self->actors->len, NULL);
  return g_ptr_array_index (self->actors, index);
}

int
sockscope_lesson_find_actor (SockscopeLesson *self,
                             const char      *name)
{
  for (guint i = 0; i < self->actors->len; i++)
    if (g_str_equal (((SockscopeActor *) g_ptr_array_index (self->actors, i))->name, name))
      return i;
  return -1;
}

/* Are the actors on two hosts (`host: a|b`) joined by the wire? */
gboolean
sockscope_lesson_has_hosts (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), FALSE);

  for (guint i = 0; i < self->actors->len; i++)
    if (((SockscopeActor *) g_ptr_array_index (self->actors, i))->host != NULL)
      return TRUE;
  return FALSE;
}

/* The name of host @host ("a" or "b") in the lab's /etc/hosts: `host.a:`, or alice and bob. */
const char *
sockscope_lesson_get_host_name (SockscopeLesson *self,
                                const char      *host)
{
  gboolean b = g_strcmp0 (host, "b") == 0;

  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);

  if (self->host_names[b] != NULL)
    return self->host_names[b];
  return b ? "bob" : "alice";
}

/* The lesson's top-level `wire:` lines, each a spec for the whole lesson; NULL if none. */
const char * const *
sockscope_lesson_get_wire (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  return (const char * const *) self->wire;
}

guint
sockscope_lesson_get_n_steps (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), 0);
  return self->steps->len;
}

const SockscopeStep *
sockscope_lesson_get_step (SockscopeLesson *self,
                           guint            number)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  g_return_val_if_fail (number >= 1 && number <= self->steps->len, NULL);
  return g_ptr_array_index (self->steps, number - 1);
}

const char *
sockscope_actor_get_label (const SockscopeActor *actor,
                           const char           *lang)
{
  return g_strcmp0 (lang, "fr") == 0 ? actor->label_fr : actor->label_en;
}

const char *
sockscope_step_get_text (const SockscopeStep *step,
                         const char          *lang)
{
  return g_strcmp0 (lang, "fr") == 0 ? step->text_fr : step->text_en;
}

/* The step as the lesson writes it, without its actor: `n = recvfrom(s, 64, 0) -> peer`. */
char *
sockscope_step_to_string (const SockscopeStep *step)
{
  g_autofree char *args = g_strjoinv (", ", step->args);

  const char *arrow = step->capture ? step->capture : step->new_actor;

  return g_strdup_printf ("%s%s%s(%s)%s%s",
                          step->assign ? step->assign : "", step->assign ? " = " : "",
                          step->call, args,
                          arrow ? " -> " : "", arrow ? arrow : "");
}

const char *
sockscope_ask_to_string (SockscopeAsk ask)
{
  switch (ask)
    {
    case SOCKSCOPE_ASK_BLOCKS:  return "blocks";
    case SOCKSCOPE_ASK_RETURNS: return "returns";
    case SOCKSCOPE_ASK_PACKETS: return "packets";
    case SOCKSCOPE_ASK_STATE:   return "state";
    case SOCKSCOPE_ASK_NONE:
    default:                    return NULL;
    }
}

/* The languages the lesson shows its code in (`code:`), the first being the default. */
const char * const *
sockscope_lesson_get_code_langs (SockscopeLesson *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  return (const char * const *) self->code_langs;
}

/* @actor's program in @code_lang ("c" or "python"), see sockscope_lesson_render_c(). */
char *
sockscope_lesson_render (SockscopeLesson  *self,
                         const char       *actor,
                         const char       *code_lang,
                         GArray          **spans)
{
  g_return_val_if_fail (SOCKSCOPE_IS_LESSON (self), NULL);
  if (g_strcmp0 (code_lang, "python") == 0)
    return sockscope_lesson_render_python (self, actor, spans);
  return sockscope_lesson_render_c (self, actor, spans);
}

static void
block_free (gpointer data)
{
  SockscopeBlock *block = data;

  g_ptr_array_unref (block->steps);
  g_free (block);
}

/* @actor's steps cut into blocks: each maximal run of steps with the same `loop:` is one block,
 * every other step a block of its own. */
GPtrArray *
sockscope_lesson_actor_blocks (SockscopeLesson *self,
                               const char      *actor)
{
  GPtrArray *blocks = g_ptr_array_new_with_free_func (block_free);
  SockscopeBlock *block = NULL;

  for (guint i = 0; i < self->steps->len; i++)
    {
      const SockscopeStep *step = g_ptr_array_index (self->steps, i);

      if (!g_str_equal (step->actor, actor))
        continue;
      if (block == NULL || step->loop == NULL || g_strcmp0 (block->loop, step->loop) != 0)
        {
          block = g_new0 (SockscopeBlock, 1);
          block->loop = step->loop;
          block->steps = g_ptr_array_new ();
          g_ptr_array_add (blocks, block);
        }
      g_ptr_array_add (block->steps, (gpointer) step);
    }
  return blocks;
}

/* The step that assigned @name for @actor before step @before, looking into the parents the
 * actor inherited its variables from; NULL if none. */
const SockscopeStep *
sockscope_lesson_find_assignment (SockscopeLesson *self,
                                  const char      *actor,
                                  const char      *name,
                                  guint            before)
{
  while (actor != NULL)
    {
      int index = sockscope_lesson_find_actor (self, actor);
      const SockscopeActor *a = index >= 0 ? g_ptr_array_index (self->actors, index) : NULL;

      /* Steps before @before, the latest first. */
      for (guint n = MIN (before, self->steps->len + 1); n > 1; n--)
        {
          const SockscopeStep *step = g_ptr_array_index (self->steps, n - 2);

          if (g_str_equal (step->actor, actor) &&
              (g_strcmp0 (step->assign, name) == 0 || g_strcmp0 (step->capture, name) == 0))
            return step;
        }
      if (a == NULL || a->parent == NULL)
        break;
      before = a->created_by;
      actor = a->parent;
    }
  return NULL;
}

/* The language of the user's locale: fr when it is French, en otherwise. */
const char *
sockscope_lesson_default_lang (void)
{
  static const char * const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      const char *value = g_getenv (vars[i]);

      if (value != NULL && *value != '\0')
        return g_str_has_prefix (value, "fr") ? "fr" : "en";
    }
  return "en";
}

/* The key under which steps of a loop are the same line of its body: the call as written,
 * without the name of the actor a fork creates (each iteration makes another child). */
char *
sockscope_step_body_key (const SockscopeStep *step)
{
  g_autofree char *args = g_strjoinv (", ", step->args);

  return g_strdup_printf ("%s=%s(%s)->%s", step->assign ? step->assign : "", step->call, args,
                          step->capture ? step->capture : "");
}

void
sockscope_code_spans_add (GArray *spans,
                          guint   step,
                          guint   first,
                          guint   last)
{
  SockscopeCodeSpan span = { step, first, last };

  g_array_append_val (spans, span);
}

static int
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const SockscopeCodeSpan *sa = a, *sb = b;

  return (int) sa->step - (int) sb->step;
}

void
sockscope_code_spans_sort (GArray *spans)
{
  g_array_sort (spans, compare_spans);
}
