/* sockscope-explore-typing.c: help while the learner types a step. Completion (actors, calls,
 * constants, the actor's variables, the addresses the log has seen), the argument hint of the
 * call catalogue, and a palette of the calls that make sense now: what the kernel says of each
 * socket (its last `state` event: LISTEN offers accept, ESTAB with bytes queued offers recv first)
 * decides, and the steps only where the kernel says nothing (a socket bound but not listening). */
#include "config.h"

#include <string.h>

#include "sockscope-calls.h"
#include "sockscope-explore-private.h"

static SockscopeExploreActor *
find_actor (GPtrArray  *actors,
            const char *name)
{
  for (guint i = 0; i < actors->len; i++)
    {
      SockscopeExploreActor *actor = g_ptr_array_index (actors, i);

      if (g_str_equal (actor->name, name))
        return actor;
    }
  return NULL;
}

/* The numbers (from 1) of the steps whose variables @actor has: its parent's before its fork,
 * then its own. */
static void
visible_steps (SockscopeExplore *self,
               const char       *actor,
               guint             before,
               GArray           *out)
{
  GPtrArray *steps = sockscope_explore_step_list (self);
  SockscopeExploreActor *info = find_actor (sockscope_explore_actor_list (self), actor);

  if (info != NULL && info->parent != NULL && info->created_by > 0)
    visible_steps (self, info->parent, MIN (before, info->created_by + 1), out);
  for (guint i = 0; i < steps->len && i + 1 < before; i++)
    {
      SockscopeExploreStep *step = g_ptr_array_index (steps, i);

      if (g_str_equal (step->actor, actor))
        {
          guint number = i + 1;

          g_array_append_val (out, number);
        }
    }
}

/* A step's parts: `assign = call(args) -> arrow`. */
typedef struct
{
  char  *assign;
  char  *call;
  char **args;
  char  *arrow;
} Parts;

static void
parts_clear (Parts *parts)
{
  g_free (parts->assign);
  g_free (parts->call);
  g_strfreev (parts->args);
  g_free (parts->arrow);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parts, parts_clear)

static void
split_step (const char *text,
            Parts      *parts)
{
  const char *open = strchr (text, '(');
  const char *close = strrchr (text, ')');
  g_autofree char *head = NULL;
  char *eq;

  memset (parts, 0, sizeof *parts);
  if (open == NULL || close == NULL || close < open)
    return;
  head = g_strndup (text, open - text);
  if ((eq = strchr (head, '=')) != NULL)
    {
      *eq = '\0';
      parts->assign = g_strstrip (g_strdup (head));
      parts->call = g_strstrip (g_strdup (eq + 1));
    }
  else
    parts->call = g_strstrip (g_strdup (head));
  {
    g_autofree char *inner = g_strndup (open + 1, close - open - 1);
    g_auto(GStrv) args = g_strsplit (inner, ",", -1);

    for (guint i = 0; args[i]; i++)
      g_strstrip (args[i]);
    parts->args = *inner ? g_steal_pointer (&args) : g_new0 (char *, 1);
  }
  if (strstr (close, "->") != NULL)
    parts->arrow = g_strstrip (g_strdup (strstr (close, "->") + 2));
}

/* The names @actor may use: variables, `sp[0]`, kept addresses. */
static GPtrArray *
actor_variables (SockscopeExplore *self,
                 const char       *actor)
{
  GPtrArray *steps = sockscope_explore_step_list (self);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  visible_steps (self, actor, G_MAXUINT, numbers);
  for (guint i = 0; i < numbers->len; i++)
    {
      SockscopeExploreStep *step = g_ptr_array_index (steps, g_array_index (numbers, guint, i) - 1);
      g_auto(Parts) parts;
      const SsCallInfo *info;

      split_step (step->call, &parts);
      info = parts.call ? ss_call_lookup (parts.call) : NULL;
      if (parts.assign != NULL && !g_ptr_array_find_with_equal_func (names, parts.assign, g_str_equal, NULL))
        {
          g_ptr_array_add (names, g_strdup (parts.assign));
          if (info != NULL && info->id == SS_CALL_SOCKETPAIR)
            {
              g_ptr_array_add (names, g_strdup_printf ("%s[0]", parts.assign));
              g_ptr_array_add (names, g_strdup_printf ("%s[1]", parts.assign));
            }
        }
      if (parts.arrow != NULL && info != NULL && !info->new_actor &&
          !g_ptr_array_find_with_equal_func (names, parts.arrow, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (parts.arrow));
    }
  return names;
}

static gboolean
looks_like_address (const char *s)
{
  return s != NULL && *s != '\0' && strchr (s, ':') != NULL && !g_str_has_prefix (s, "*:") &&
         !g_str_has_suffix (s, ":0") && !g_str_has_suffix (s, ":*") &&
         (g_ascii_isdigit (*s) || *s == '[');
}

static void
add_unique (GPtrArray  *array,
            const char *text)
{
  if (text != NULL && !g_ptr_array_find_with_equal_func (array, text, g_str_equal, NULL))
    g_ptr_array_add (array, g_strdup (text));
}

/* Addresses the log has seen: sockets' local and peer ends, and the calls' addresses. */
static GPtrArray *
seen_addresses (SockscopeEventLog *log)
{
  GPtrArray *addrs = g_ptr_array_new_with_free_func (g_free);
  guint n = sockscope_event_log_get_n_events (log);

  for (guint pos = 0; pos < n; pos++)
    {
      SockscopeEventType type = sockscope_event_log_get_event_type (log, pos);

      if (type == SOCKSCOPE_EVENT_STATE)
        {
          g_autofree char *local = sockscope_event_log_get_string (log, pos, "local");
          g_autofree char *peer = sockscope_event_log_get_string (log, pos, "peer");

          if (looks_like_address (local))
            add_unique (addrs, local);
          if (looks_like_address (peer))
            add_unique (addrs, peer);
        }
      else if (type == SOCKSCOPE_EVENT_CALL)
        {
          g_autoptr(JsonObject) event = sockscope_event_log_parse (log, pos);
          JsonArray *args = event ? json_object_get_array_member (event, "args") : NULL;

          for (guint i = 0; args != NULL && i < json_array_get_length (args); i++)
            {
              JsonNode *node = json_array_get_element (args, i);

              if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
                  looks_like_address (json_node_get_string (node)))
                add_unique (addrs, json_node_get_string (node));
            }
        }
    }
  return addrs;
}

/* Where the word that ends at @cursor starts: after a space, a bracket, a comma, '=' or '|'. */
static gsize
word_start_of (const char *line,
               gsize       cursor)
{
  gsize start = cursor;

  while (start > 0 && strchr (" \t(),={}|", line[start - 1]) == NULL)
    start--;
  return start;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char **
sockscope_explore_complete (SockscopeExplore *self,
                            const char       *line,
                            gsize             cursor,
                            gsize            *word_start)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *before = NULL;
  g_autofree char *word = NULL;
  const char *colon;
  gsize start;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  g_return_val_if_fail (line != NULL, NULL);

  cursor = MIN (cursor, strlen (line));
  before = g_strndup (line, cursor);
  colon = strchr (before, ':');
  start = word_start_of (line, cursor);
  /* The actor, before its colon. */
  if (colon == NULL)
    {
      GPtrArray *actors = sockscope_explore_actor_list (self);

      while (start < cursor && g_ascii_isspace (line[start]))
        start++;
      word = g_strndup (line + start, cursor - start);
      for (guint i = 0; i < actors->len; i++)
        {
          SockscopeExploreActor *actor = g_ptr_array_index (actors, i);

          if (g_str_has_prefix (actor->name, word))
            g_ptr_array_add (found, g_strdup_printf ("%s:", actor->name));
        }
    }
  else
    {
      g_autofree char *actor = g_strstrip (g_strndup (before, colon - before));
      gboolean in_call = strchr (colon, '(') != NULL;

      if (start <= (gsize) (colon - before))
        start = colon - before + 1;
      while (start < cursor && g_ascii_isspace (line[start]))
        start++;
      word = g_strndup (line + start, cursor - start);
      if (!in_call)
        {
          for (guint id = 0; id < SS_CALL_N_CALLS; id++)
            if (g_str_has_prefix (ss_call_info (id)->name, word))
              g_ptr_array_add (found, g_strdup_printf ("%s(", ss_call_info (id)->name));
        }
      else
        {
          unsigned n_constants;
          const SsConstant *constants = ss_constants (&n_constants);
          g_autoptr(GPtrArray) vars = actor_variables (self, actor);
          g_autoptr(GPtrArray) addrs = seen_addresses (sockscope_explore_get_log (self));

          for (unsigned i = 0; i < n_constants; i++)
            if (g_str_has_prefix (constants[i].name, word))
              add_unique (found, constants[i].name);
          for (guint i = 0; i < vars->len; i++)
            if (g_str_has_prefix (g_ptr_array_index (vars, i), word))
              add_unique (found, g_ptr_array_index (vars, i));
          for (guint i = 0; i < addrs->len; i++)
            if (g_str_has_prefix (g_ptr_array_index (addrs, i), word))
              add_unique (found, g_ptr_array_index (addrs, i));
        }
    }
  g_ptr_array_sort (found, compare_strings);
  if (word_start != NULL)
    *word_start = start;
  g_ptr_array_add (found, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&found), FALSE);
}

char *
sockscope_explore_get_hint (SockscopeExplore *self,
                            const char       *line,
                            gsize             cursor)
{
  g_autoptr(GString) hint = NULL;
  const SsCallInfo *info = NULL;
  gsize open = G_MAXSIZE;
  gboolean in_string = FALSE;
  int depth = 0;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  g_return_val_if_fail (line != NULL, NULL);

  cursor = MIN (cursor, strlen (line));
  /* The '(' of the call being typed: the last one still open before the cursor. */
  for (gsize i = 0; i < cursor; i++)
    {
      if (in_string)
        {
          if (line[i] == '\\' && i + 1 < cursor)
            i++;
          else if (line[i] == '"')
            in_string = FALSE;
        }
      else if (line[i] == '"')
        in_string = TRUE;
      else if (line[i] == '(' && depth++ == 0)
        open = i;
      else if (line[i] == ')' && depth > 0 && --depth == 0)
        open = G_MAXSIZE;
    }
  if (open != G_MAXSIZE)
    {
      gsize end = open, start;

      while (end > 0 && g_ascii_isspace (line[end - 1]))
        end--;
      start = end;
      while (start > 0 && (g_ascii_isalnum (line[start - 1]) || line[start - 1] == '_'))
        start--;
      if (end > start)
        {
          g_autofree char *name = g_strndup (line + start, end - start);

          info = ss_call_lookup (name);
        }
    }
  else
    {
      gsize start = cursor;
      g_autofree char *name = NULL;

      while (start > 0 && (g_ascii_isalnum (line[start - 1]) || line[start - 1] == '_'))
        start--;
      name = g_strndup (line + start, cursor - start);
      info = ss_call_lookup (name);
    }
  if (info == NULL)
    return NULL;
  hint = g_string_new (info->name);
  g_string_append_c (hint, '(');
  for (unsigned i = 0; i < info->n_args; i++)
    {
      if (info->variadic && i == info->n_args_min)
        {
          g_string_append (hint, "…");
          break;
        }
      if (i == info->n_args_min && info->n_args_min < info->n_args)
        g_string_append (hint, "[");
      g_string_append_printf (hint, "%s%s", i > 0 ? ", " : "", info->arg_names[i]);
    }
  if (!info->variadic && info->n_args_min < info->n_args)
    g_string_append (hint, "]");
  g_string_append_c (hint, ')');
  return g_string_free (g_steal_pointer (&hint), FALSE);
}

/* ---- the palette ---- */

typedef struct
{
  char    *name;
  gboolean dgram;
  gboolean unix_family;
  gboolean bound;        /* a bind step (the kernel shows no TCP socket that only is bound) */
  gboolean closed;
  gint64   fd;           /* from the return of the call that made it, -1 unknown */
  char    *state;        /* its last state event's, or NULL */
  char    *local;
  gint64   recv_q;
} Sock;

static void
sock_free (gpointer data)
{
  Sock *sock = data;

  g_free (sock->name);
  g_free (sock->state);
  g_free (sock->local);
  g_free (sock);
}

static Sock *
find_sock (GPtrArray  *socks,
           const char *name)
{
  for (guint i = 0; i < socks->len; i++)
    if (g_str_equal (((Sock *) g_ptr_array_index (socks, i))->name, name))
      return g_ptr_array_index (socks, i);
  return NULL;
}

/* The fd each step's call returned (its ret; socketpair's two in out.fds). */
static GHashTable *
step_results (SockscopeEventLog *log)
{
  GHashTable *results = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) json_object_unref);
  g_autoptr(GHashTable) step_of_call = g_hash_table_new (NULL, NULL);
  guint n = sockscope_event_log_get_n_events (log);

  for (guint pos = 0; pos < n; pos++)
    {
      SockscopeEventType type = sockscope_event_log_get_event_type (log, pos);
      gint64 seq, step;

      if (type == SOCKSCOPE_EVENT_CALL && sockscope_event_log_get_step (log, pos) > 0 &&
          sockscope_event_log_get_int (log, pos, "seq", &seq))
        g_hash_table_insert (step_of_call, GSIZE_TO_POINTER (seq), GINT_TO_POINTER (sockscope_event_log_get_step (log, pos)));
      else if (type == SOCKSCOPE_EVENT_RETURN && sockscope_event_log_get_int (log, pos, "call_seq", &seq) &&
               (step = GPOINTER_TO_INT (g_hash_table_lookup (step_of_call, GSIZE_TO_POINTER (seq)))) > 0)
        {
          JsonObject *event = sockscope_event_log_parse (log, pos);

          if (event != NULL)
            g_hash_table_insert (results, GINT_TO_POINTER (step), event);
        }
    }
  return results;
}

static gboolean
holds (JsonObject *state,
       const char *actor)
{
  JsonArray *holders = json_object_has_member (state, "holders") && !json_object_get_null_member (state, "holders")
                       ? json_object_get_array_member (state, "holders") : NULL;

  if (g_strcmp0 (json_object_get_string_member_with_default (state, "actor", NULL), actor) == 0)
    return TRUE;
  for (guint i = 0; holders != NULL && i < json_array_get_length (holders); i++)
    if (g_strcmp0 (json_array_get_string_element (holders, i), actor) == 0)
      return TRUE;
  return FALSE;
}

/* @actor's sockets: made by its steps, their fds from the log, their last state from the kernel. */
static GPtrArray *
actor_sockets (SockscopeExplore *self,
               const char       *actor,
               GPtrArray        *listening,
               GPtrArray        *datagram_ends)
{
  SockscopeEventLog *log = sockscope_explore_get_log (self);
  GPtrArray *steps = sockscope_explore_step_list (self);
  GPtrArray *socks = g_ptr_array_new_with_free_func (sock_free);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) results = step_results (log);
  guint n = sockscope_event_log_get_n_events (log);

  visible_steps (self, actor, G_MAXUINT, numbers);
  for (guint i = 0; i < numbers->len; i++)
    {
      guint number = g_array_index (numbers, guint, i);
      SockscopeExploreStep *step = g_ptr_array_index (steps, number - 1);
      JsonObject *ret = g_hash_table_lookup (results, GINT_TO_POINTER (number));
      g_auto(Parts) parts;
      const SsCallInfo *info;
      Sock *sock;

      split_step (step->call, &parts);
      if (parts.call == NULL || (info = ss_call_lookup (parts.call)) == NULL)
        continue;
      if (info->id == SS_CALL_SOCKET || info->id == SS_CALL_ACCEPT || info->id == SS_CALL_SOCKETPAIR)
        {
          gboolean dgram = strstr (step->call, "SOCK_DGRAM") != NULL;
          gboolean unix_family = strstr (step->call, "AF_UNIX") != NULL || strstr (step->call, "AF_LOCAL") != NULL;
          JsonObject *out = ret && json_object_has_member (ret, "out") ? json_object_get_object_member (ret, "out") : NULL;
          JsonArray *fds = out && json_object_has_member (out, "fds") ? json_object_get_array_member (out, "fds") : NULL;

          if (parts.assign == NULL || ret == NULL || json_object_get_int_member_with_default (ret, "ret", -1) < 0)
            continue;
          for (guint k = 0; k < (info->id == SS_CALL_SOCKETPAIR ? 2u : 1u); k++)
            {
              sock = g_new0 (Sock, 1);
              sock->name = info->id == SS_CALL_SOCKETPAIR ? g_strdup_printf ("%s[%u]", parts.assign, k) : g_strdup (parts.assign);
              sock->dgram = dgram;
              sock->unix_family = unix_family;
              sock->fd = info->id == SS_CALL_SOCKETPAIR ? (fds && json_array_get_length (fds) > k ? json_array_get_int_element (fds, k) : -1)
                                                        : json_object_get_int_member_with_default (ret, "ret", -1);
              sock->bound = info->id == SS_CALL_ACCEPT || info->id == SS_CALL_SOCKETPAIR;
              /* A name given again is a new socket. */
              if (find_sock (socks, sock->name) != NULL)
                g_ptr_array_remove (socks, find_sock (socks, sock->name));
              g_ptr_array_add (socks, sock);
            }
        }
      else if (parts.args != NULL && parts.args[0] != NULL && (sock = find_sock (socks, parts.args[0])) != NULL)
        {
          if (info->id == SS_CALL_BIND || info->id == SS_CALL_CONNECT || info->id == SS_CALL_SENDTO)
            sock->bound = TRUE;
          else if (info->id == SS_CALL_CLOSE)
            sock->closed = TRUE;
        }
    }

  /* The kernel's word: each socket's last state. */
  for (guint pos = 0; pos < n; pos++)
    {
      g_autoptr(JsonObject) state = NULL;
      const char *local, *name;
      gint64 fd;

      if (sockscope_event_log_get_event_type (log, pos) != SOCKSCOPE_EVENT_STATE ||
          (state = sockscope_event_log_parse (log, pos)) == NULL)
        continue;
      name = json_object_get_string_member_with_default (state, "state", NULL);
      local = json_object_get_string_member_with_default (state, "local", NULL);
      if (g_strcmp0 (name, "LISTEN") == 0 && local != NULL)
        add_unique (listening, local);
      if (g_strcmp0 (name, "UNCONN") == 0 && looks_like_address (local))
        add_unique (datagram_ends, local);
      if (!holds (state, actor) || json_object_get_null_member (state, "fd"))
        continue;
      fd = json_object_get_int_member_with_default (state, "fd", -1);
      for (guint i = 0; i < socks->len; i++)
        {
          Sock *sock = g_ptr_array_index (socks, i);

          if (sock->fd != fd || sock->closed)
            continue;
          g_free (sock->state);
          g_free (sock->local);
          sock->state = g_strdup (name);
          sock->local = g_strdup (local);
          sock->recv_q = json_object_get_int_member_with_default (state, "recv_q", 0);
          sock->bound = TRUE;
        }
    }
  return socks;
}

/* @base, or base2, base3... when @vars has it. */
static char *
fresh_name (GPtrArray  *vars,
            const char *base)
{
  if (!g_ptr_array_find_with_equal_func (vars, base, g_str_equal, NULL))
    return g_strdup (base);
  for (guint i = 2;; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%u", base, i);

      if (!g_ptr_array_find_with_equal_func (vars, name, g_str_equal, NULL))
        return g_steal_pointer (&name);
    }
}

/* A port no socket of the log is bound to, from 7777. */
static guint
free_port (GPtrArray *addrs)
{
  for (guint port = 7777;; port++)
    {
      g_autofree char *suffix = g_strdup_printf (":%u", port);
      gboolean used = FALSE;

      for (guint i = 0; i < addrs->len && !used; i++)
        used = g_str_has_suffix (g_ptr_array_index (addrs, i), suffix);
      if (!used)
        return port;
    }
}

G_GNUC_PRINTF (3, 4) static void
offer (GPtrArray  *lines,
       const char *actor,
       const char *format,
       ...)
{
  va_list ap;
  g_autofree char *call = NULL;
  g_autofree char *line = NULL;

  va_start (ap, format);
  call = g_strdup_vprintf (format, ap);
  va_end (ap);
  line = g_strdup_printf ("%s: %s", actor, call);
  add_unique (lines, line);
}

char **
sockscope_explore_get_palette (SockscopeExplore *self,
                               const char       *actor)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) listening = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) datagram_ends = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) socks = NULL;
  g_autoptr(GPtrArray) vars = NULL;
  g_autoptr(GPtrArray) addrs = NULL;
  g_autofree char *conn = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *s = NULL;
  g_autofree char *bind_addr = NULL;
  const char *received = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (find_actor (sockscope_explore_actor_list (self), actor) == NULL ||
      sockscope_explore_is_blocked (self, actor) || sockscope_explore_has_ended (self, actor))
    return g_new0 (char *, 1);

  socks = actor_sockets (self, actor, listening, datagram_ends);
  vars = actor_variables (self, actor);
  addrs = seen_addresses (sockscope_explore_get_log (self));
  conn = fresh_name (vars, "conn");
  peer = fresh_name (vars, "peer");
  s = fresh_name (vars, "s");
  bind_addr = g_strdup_printf ("127.0.0.1:%u", free_port (addrs));
  for (guint i = 0; i < vars->len; i++)
    if (g_str_equal (g_ptr_array_index (vars, i), "n"))
      received = "n";

  for (guint i = 0; i < socks->len; i++)
    {
      Sock *sock = g_ptr_array_index (socks, i);
      const char *v = sock->name;
      const char *state = sock->state;

      if (sock->closed)
        continue;
      if (g_strcmp0 (state, "LISTEN") == 0)
        {
          offer (sock->recv_q > 0 ? lines : later, actor, "%s = accept(%s)", conn, v);
          offer (later, actor, "close(%s)", v);
        }
      else if (g_strcmp0 (state, "ESTAB") == 0 || g_strcmp0 (state, "CLOSE-WAIT") == 0 ||
               g_str_has_prefix (state ? state : "", "FIN-WAIT"))
        {
          GPtrArray *first = sock->recv_q > 0 || g_strcmp0 (state, "CLOSE-WAIT") == 0 ? lines : later;

          offer (first, actor, "n = recv(%s, 64, 0)", v);
          if (g_strcmp0 (state, "CLOSE-WAIT") == 0)
            offer (lines, actor, "close(%s)", v);
          if (!g_str_has_prefix (state, "FIN-WAIT"))
            offer (later, actor, "send(%s, \"hello\", 0)", v);
          offer (later, actor, "shutdown(%s, SHUT_WR)", v);
          offer (later, actor, "close(%s)", v);
        }
      else if (g_strcmp0 (state, "UNCONN") == 0 || (sock->dgram && sock->bound))
        {
          offer (sock->recv_q > 0 ? lines : later, actor, "n = recvfrom(%s, 64, 0) -> %s", v, peer);
          for (guint k = 0; k < vars->len; k++)
            if (g_str_has_prefix (g_ptr_array_index (vars, k), "peer"))
              offer (later, actor, "sendto(%s, %s, 0, %s)", v, received ? received : "\"hello\"",
                     (char *) g_ptr_array_index (vars, k));
          for (guint k = 0; k < datagram_ends->len; k++)
            if (g_strcmp0 (g_ptr_array_index (datagram_ends, k), sock->local) != 0)
              offer (later, actor, "sendto(%s, \"hello\", 0, %s)", v, (char *) g_ptr_array_index (datagram_ends, k));
          offer (later, actor, "close(%s)", v);
        }
      else if (state == NULL && !sock->dgram)
        {
          if (sock->bound)
            offer (later, actor, "listen(%s, 5)", v);
          for (guint k = 0; k < listening->len; k++)
            if (looks_like_address (g_ptr_array_index (listening, k)))
              offer (later, actor, "connect(%s, %s)", v, (char *) g_ptr_array_index (listening, k));
          if (!sock->bound)
            {
              if (sock->unix_family)
                offer (later, actor, "bind(%s, \"%s.sock\")", v, actor);
              else
                offer (later, actor, "bind(%s, %s)", v, bind_addr);
              offer (later, actor, "setsockopt(%s, SOL_SOCKET, SO_REUSEADDR, 1)", v);
            }
          offer (later, actor, "close(%s)", v);
        }
      else if (state == NULL)
        {
          for (guint k = 0; k < datagram_ends->len; k++)
            offer (later, actor, "sendto(%s, \"hello\", 0, %s)", v, (char *) g_ptr_array_index (datagram_ends, k));
          offer (later, actor, "bind(%s, %s)", v, bind_addr);
          offer (later, actor, "close(%s)", v);
        }
    }
  offer (later, actor, "%s = socket(AF_INET, SOCK_STREAM, 0)", s);
  offer (later, actor, "%s = socket(AF_INET, SOCK_DGRAM, 0)", s);
  for (guint i = 0; i < later->len; i++)
    add_unique (lines, g_ptr_array_index (later, i));
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}
