/* sockscope-question.c: choices and grading of the questions of lessons/README.md.
 *
 * The answer is always read from the event log of this run:
 *   blocks  <- the call has a `blocked` event;
 *   returns <- its `return` event: "3", "0", "-1 ECONNREFUSED";
 *   packets <- the `packet` events caused by the call, in order: "SYN / SYN-ACK / ACK";
 *   state   <- the last `state` event of its socket before the next step begins.
 *
 * Generated choices (no `choices:` line) are made before the step runs, from the call and the
 * run so far, and always hold the answer the run will give in the cases the lab can foresee:
 * the fd a new socket gets (its actor's fd table, inherited at fork, shared by threads), the
 * bytes a send hands over (a variable's from the recv that filled it), the bytes a recv takes
 * (the queued stream bytes, or the next datagram sent to its port). A lesson's own choices that
 * miss the answer are reported by `check` when no run could match them, and by the grade of
 * the first run otherwise. */
#include "config.h"

#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sockscope-calls.h"
#include "sockscope-error.h"
#include "sockscope-lesson-private.h"
#include "sockscope-question.h"

/* Words of an answer shown in the UI language; answers are compared in English. */
static const char * const answer_words[] = {
  N_("yes"), N_("no"), N_("none"), N_("UDP datagram"), N_("ICMP port unreachable"), N_("IP fragment"), NULL
};

const char *
sockscope_question_get_prompt (SockscopeAsk ask)
{
  switch (ask)
    {
    case SOCKSCOPE_ASK_BLOCKS:  return _("Will this call block?");
    case SOCKSCOPE_ASK_RETURNS: return _("What will this call return?");
    case SOCKSCOPE_ASK_PACKETS: return _("Which packets will this call cause?");
    case SOCKSCOPE_ASK_STATE:   return _("In which state will the socket be after this call?");
    case SOCKSCOPE_ASK_NONE:
    default:                    return NULL;
    }
}

/* "none / UDP datagram" in the UI language. */
static char *
translate_answer (const char *canonical)
{
  g_autoptr(GString) out = g_string_new (canonical);

  for (guint i = 0; answer_words[i]; i++)
    if (g_str_equal (canonical, answer_words[i]) || strstr (canonical, answer_words[i]) != NULL)
      g_string_replace (out, answer_words[i], _(answer_words[i]), 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Upper case, no spaces, translated words back in English, ',' and '→' as '/'. */
static char *
normalize (const char *answer)
{
  g_autoptr(GString) in = g_string_new (answer);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *lower = NULL;

  for (guint i = 0; answer_words[i]; i++)
    {
      const char *translated = _(answer_words[i]);

      if (!g_str_equal (translated, answer_words[i]))
        g_string_replace (in, translated, answer_words[i], 0);
    }
  lower = g_utf8_strdown (in->str, -1);
  if (g_str_equal (lower, "oui") || g_str_equal (lower, "y") || g_str_equal (lower, "true"))
    return g_strdup ("YES");
  if (g_str_equal (lower, "non") || g_str_equal (lower, "n") || g_str_equal (lower, "false"))
    return g_strdup ("NO");
  if (g_str_equal (lower, "aucun") || g_str_equal (lower, "aucune") || g_str_equal (lower, "rien"))
    return g_strdup ("NONE");
  for (const char *s = in->str; *s; s++)
    {
      if (g_ascii_isspace (*s))
        continue;
      if (*s == ',')
        g_string_append_c (out, '/');
      else if (g_str_has_prefix (s, "→"))
        {
          g_string_append_c (out, '/');
          s += strlen ("→") - 1;
        }
      else
        g_string_append_c (out, g_ascii_toupper (*s));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Is @answer (a choice, or what the learner typed) the same as @actual (canonical)? */
gboolean
sockscope_question_same_answer (SockscopeAsk  ask,
                                const char   *answer,
                                const char   *actual)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (answer == NULL || actual == NULL)
    return FALSE;
  a = normalize (answer);
  b = normalize (actual);
  if (g_str_equal (a, b))
    return TRUE;
  if (ask == SOCKSCOPE_ASK_RETURNS)
    {
      char *end;
      gint64 want, got = g_ascii_strtoll (actual, NULL, 10);

      /* "> 0 (the child's pid)" matches any positive value. */
      if (g_str_has_prefix (a, ">0"))
        return got > 0 && strchr (actual, ' ') == NULL;
      /* "< 100000 (a part of it)": a send that took only part of the data. */
      if (a[0] == '<' && g_ascii_isdigit (a[1]))
        return got > 0 && got < g_ascii_strtoll (a + 1, NULL, 10) && strchr (actual, ' ') == NULL;
      /* "-1" matches "-1 ECONNREFUSED": the choice did not name the error. */
      want = g_ascii_strtoll (answer, &end, 10);
      while (*end == ' ')
        end++;
      if (end != answer && *end == '\0')
        return want == got;
    }
  return FALSE;
}

/* The position of the first `call` event of step @number, or -1. */
static int
find_call (SockscopeEventLog *log,
           guint              number)
{
  guint n = sockscope_event_log_get_n_events (log);

  for (guint i = 0; i < n; i++)
    if (sockscope_event_log_get_event_type (log, i) == SOCKSCOPE_EVENT_CALL &&
        sockscope_event_log_get_step (log, i) == (int) number)
      return i;
  return -1;
}

/* The event of @type after @from whose call_seq is @seq, or NULL. */
static JsonObject *
find_by_call (SockscopeEventLog  *log,
              guint               from,
              SockscopeEventType  type,
              gint64              seq)
{
  guint n = sockscope_event_log_get_n_events (log);

  for (guint i = from; i < n; i++)
    {
      JsonObject *event;

      if (sockscope_event_log_get_event_type (log, i) != type)
        continue;
      event = sockscope_event_log_parse (log, i);
      if (event != NULL && json_object_get_int_member_with_default (event, "call_seq", -1) == seq)
        return event;
      g_clear_pointer (&event, json_object_unref);
    }
  return NULL;
}

/* Where the next step begins (its note or its call): the end of this step's events. */
static guint
window_end (SockscopeEventLog *log,
            guint              from,
            guint              number)
{
  guint n = sockscope_event_log_get_n_events (log);

  for (guint i = from; i < n; i++)
    {
      SockscopeEventType type = sockscope_event_log_get_event_type (log, i);

      if ((type == SOCKSCOPE_EVENT_NOTE || type == SOCKSCOPE_EVENT_CALL) &&
          sockscope_event_log_get_step (log, i) > (int) number)
        return i;
    }
  return n;
}

/* "SYN", "SYN-ACK", "ACK", "PSH-ACK", "FIN", "RST", "UDP datagram", "ICMP port unreachable",
 * "IP fragment" (a fragment past the first of an IP datagram cut by the MTU: the first one
 * carries the transport header and is named by it). */
static char *
packet_name (JsonObject *pkt)
{
  const char *proto = json_object_get_string_member_with_default (pkt, "proto", "");
  const char *summary = json_object_get_string_member_with_default (pkt, "summary", "");

  if (g_str_equal (proto, "tcp"))
    {
      const char *flags = json_object_get_string_member_with_default (pkt, "flags", "");
      gboolean ack = strchr (flags, '.') != NULL || strchr (flags, 'A') != NULL;

      if (strchr (flags, 'S') != NULL)
        return g_strdup (ack ? "SYN-ACK" : "SYN");
      if (strchr (flags, 'R') != NULL)
        return g_strdup ("RST");
      if (strchr (flags, 'F') != NULL)
        return g_strdup (strchr (flags, 'P') != NULL ? "PSH-FIN" : "FIN");
      if (strchr (flags, 'P') != NULL)
        return g_strdup (ack ? "PSH-ACK" : "PSH");
      return g_strdup (ack ? "ACK" : "TCP");
    }
  if (g_str_equal (proto, "udp"))
    return g_strdup ("UDP datagram");
  if (g_str_has_prefix (proto, "icmp"))
    return g_strdup (strstr (summary, "unreachable") != NULL ? "ICMP port unreachable" : "ICMP");
  if (g_str_equal (proto, "ip-fragment"))
    return g_strdup ("IP fragment");
  return g_ascii_strup (proto, -1);
}

typedef struct
{
  JsonObject *call;
  int         position;
  gint64      seq;
  const char *actor;
} Call;

static gboolean
load_call (SockscopeEventLog    *log,
           const SockscopeStep  *step,
           Call                 *c,
           GError              **error)
{
  c->position = find_call (log, step->number);
  if (c->position < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                   _("step %u has not run yet"), step->number);
      return FALSE;
    }
  c->call = sockscope_event_log_parse (log, c->position);
  c->seq = json_object_get_int_member_with_default (c->call, "seq", 0);
  c->actor = json_object_get_string_member_with_default (c->call, "actor", step->actor);
  return TRUE;
}

static void
pending (GError              **error,
         const SockscopeStep  *step)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING,
               _("step %u: %s() has not returned yet, so its answer is not known"), step->number, step->call);
}

static char *
return_text (JsonObject *ret)
{
  const char *err = json_object_get_string_member_with_default (ret, "errno", NULL);
  gint64 value = json_object_get_int_member_with_default (ret, "ret", 0);

  if (err != NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT " %s", value, err);
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* The canonical answer for @step in this run, and its one-sentence explanation. */
static char *
actual_answer (const SockscopeStep  *step,
               SockscopeEventLog    *log,
               char                **explanation,
               GError              **error)
{
  Call c = { 0 };
  g_autoptr(JsonObject) call = NULL;
  g_autoptr(JsonObject) ret = NULL;
  char *answer = NULL;
  g_autofree char *expl = NULL;

  if (!load_call (log, step, &c, error))
    return NULL;
  call = c.call;

  switch (step->ask)
    {
    case SOCKSCOPE_ASK_BLOCKS:
      {
        g_autoptr(JsonObject) blocked = find_by_call (log, c.position, SOCKSCOPE_EVENT_BLOCKED, c.seq);

        ret = find_by_call (log, c.position, SOCKSCOPE_EVENT_RETURN, c.seq);
        if (blocked == NULL && ret == NULL)
          {
            pending (error, step);
            return NULL;
          }
        answer = g_strdup (blocked != NULL ? "yes" : "no");
        if (blocked != NULL)
          expl = g_strdup_printf (_("%s() blocked: %s had to wait in it until something happened on the other side."),
                                  step->call, c.actor);
        else
          expl = g_strdup_printf (_("%s() did not block: the kernel could answer it at once."), step->call);
      }
      break;

    case SOCKSCOPE_ASK_RETURNS:
      ret = find_by_call (log, c.position, SOCKSCOPE_EVENT_RETURN, c.seq);
      if (ret == NULL)
        {
          pending (error, step);
          return NULL;
        }
      answer = return_text (ret);
      if (json_object_get_string_member_with_default (ret, "errno", NULL) != NULL)
        expl = g_strdup_printf (_("%s() failed: it returned %lld and set errno to %s (%s)."),
                                step->call, (long long) json_object_get_int_member_with_default (ret, "ret", 0),
                                json_object_get_string_member (ret, "errno"),
                                json_object_get_string_member_with_default (ret, "strerror", ""));
      else
        expl = g_strdup_printf (_("%s() returned %lld."), step->call,
                                (long long) json_object_get_int_member_with_default (ret, "ret", 0));
      break;

    case SOCKSCOPE_ASK_PACKETS:
      {
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
        guint end = window_end (log, c.position, step->number);
        g_autofree char *shown = NULL;

        for (guint i = c.position; i < end; i++)
          {
            g_autoptr(JsonObject) event = NULL;
            JsonObject *pkt;

            if (sockscope_event_log_get_event_type (log, i) != SOCKSCOPE_EVENT_PACKET)
              continue;
            event = sockscope_event_log_parse (log, i);
            if (json_object_get_null_member (event, "cause") ||
                json_object_get_int_member_with_default (event, "cause", 0) != c.seq)
              continue;
            if ((pkt = json_object_get_object_member (event, "pkt")) != NULL)
              g_ptr_array_add (names, packet_name (pkt));
          }
        g_ptr_array_add (names, NULL);
        answer = names->len > 1 ? g_strjoinv (" / ", (char **) names->pdata) : g_strdup ("none");
        shown = translate_answer (answer);
        if (names->len > 1)
          expl = g_strdup_printf (_("%s() caused these packets, in this order: %s."), step->call, shown);
        else
          expl = g_strdup_printf (_("%s() caused no packet."), step->call);
      }
      break;

    case SOCKSCOPE_ASK_STATE:
      {
        const SsCallInfo *info = ss_call_lookup (step->call);
        guint end = window_end (log, c.position, step->number);
        gint64 fd = -1;
        gint64 inode = -1;
        g_autofree char *local = NULL;
        g_autofree char *peer = NULL;
        const char *state = NULL;
        g_autoptr(JsonObject) last = NULL;

        if (info != NULL && info->creates_fd)
          {
            ret = find_by_call (log, c.position, SOCKSCOPE_EVENT_RETURN, c.seq);
            if (ret == NULL)
              {
                pending (error, step);
                return NULL;
              }
            fd = json_object_get_int_member_with_default (ret, "ret", -1);
          }
        else if (!json_object_get_null_member (call, "fd"))
          fd = json_object_get_int_member_with_default (call, "fd", -1);

        /* The socket is the one the actor holds as @fd; once closed its state events name no
         * actor and an orphan has no inode, so it is followed by its addresses when connected. */
        for (guint i = 0; i < end; i++)
          {
            g_autoptr(JsonObject) event = NULL;
            gboolean same;

            if (sockscope_event_log_get_event_type (log, i) != SOCKSCOPE_EVENT_STATE)
              continue;
            event = sockscope_event_log_parse (log, i);
            if (g_strcmp0 (json_object_get_string_member_with_default (event, "actor", NULL), c.actor) == 0 &&
                !json_object_get_null_member (event, "fd") &&
                json_object_get_int_member_with_default (event, "fd", -2) == fd)
              {
                inode = json_object_get_int_member_with_default (event, "inode", -1);
                g_free (local);
                g_free (peer);
                local = g_strdup (json_object_get_string_member_with_default (event, "local", ""));
                peer = g_strdup (json_object_get_string_member_with_default (event, "peer", ""));
              }
            if (inode < 0)
              continue;
            if (peer != NULL && !g_str_equal (peer, "*:*") && !g_str_equal (peer, "*") && !g_str_equal (peer, ""))
              same = g_strcmp0 (json_object_get_string_member_with_default (event, "local", NULL), local) == 0 &&
                     g_strcmp0 (json_object_get_string_member_with_default (event, "peer", NULL), peer) == 0;
            else
              same = json_object_get_int_member_with_default (event, "inode", -2) == inode;
            if (same)
              {
                g_clear_pointer (&last, json_object_unref);
                last = json_object_ref (event);
              }
          }
        state = last != NULL ? json_object_get_string_member_with_default (last, "state", "CLOSED") : "CLOSED";
        answer = g_strdup (state);
        expl = g_strdup_printf (_("After %s(), the kernel reports the socket in the state %s."), step->call, state);
      }
      break;

    case SOCKSCOPE_ASK_NONE:
    default:
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE, _("step %u asks no question"), step->number);
      return NULL;
    }

  if (explanation != NULL)
    *explanation = g_steal_pointer (&expl);
  return answer;
}

/* The answer of @step in the run @log holds, in the UI language (NULL and G_IO_ERROR_PENDING
 * while the call has not returned). */
char *
sockscope_question_get_actual (SockscopeLesson      *lesson,
                               const SockscopeStep  *step,
                               SockscopeEventLog    *log,
                               char                **explanation,
                               GError              **error)
{
  g_autofree char *canonical = actual_answer (step, log, explanation, error);

  if (canonical == NULL)
    return NULL;
  return translate_answer (canonical);
}

SockscopeGrade *
sockscope_question_grade (SockscopeLesson      *lesson,
                          const SockscopeStep  *step,
                          SockscopeEventLog    *log,
                          const char           *answer,
                          const char           *lang,
                          GError              **error)
{
  g_autofree char *explanation = NULL;
  g_autofree char *canonical = actual_answer (step, log, &explanation, error);
  SockscopeGrade *grade;

  if (canonical == NULL)
    return NULL;
  grade = g_new0 (SockscopeGrade, 1);
  grade->ask = step->ask;
  grade->step = step->number;
  grade->answer = g_strdup (answer);
  grade->actual = translate_answer (canonical);
  grade->correct = sockscope_question_same_answer (step->ask, answer, canonical);
  if (step->choices != NULL)
    {
      gboolean offered = FALSE;

      for (guint i = 0; step->choices[i] && !offered; i++)
        offered = sockscope_question_same_answer (step->ask, step->choices[i], canonical);
      /* The lesson's own choices missed what the kernel did: the teacher must hear of it. */
      if (!offered)
        {
          g_autofree char *with_note = g_strdup_printf (_("%s None of the lesson's choices was right: fix the choices: line of step %u in %s."),
                                                        explanation, step->number,
                                                        sockscope_lesson_get_path (lesson) ? sockscope_lesson_get_path (lesson) : "?");

          g_free (explanation);
          explanation = g_steal_pointer (&with_note);
        }
    }
  grade->explanation = g_steal_pointer (&explanation);
  grade->step_text = g_strdup (sockscope_step_get_text (step, lang));
  return grade;
}

void
sockscope_grade_free (SockscopeGrade *grade)
{
  if (grade == NULL)
    return;
  g_free (grade->answer);
  g_free (grade->actual);
  g_free (grade->explanation);
  g_free (grade->step_text);
  g_free (grade);
}

/* ---- Choices ---- */

static void
add_choice (GPtrArray  *choices,
            const char *choice)
{
  for (guint i = 0; i < choices->len; i++)
    if (g_str_equal (g_ptr_array_index (choices, i), choice))
      return;
  g_ptr_array_add (choices, g_strdup (choice));
}

/* The socket() or socketpair() step that made the socket @step acts on (or @step itself). */
static const SockscopeStep *
socket_step (SockscopeLesson     *lesson,
             const SockscopeStep *step)
{
  const SockscopeStep *from = step;
  g_autofree char *name = NULL;

  if (!g_str_equal (step->call, "socket") && !g_str_equal (step->call, "socketpair"))
    {
      if (step->args[0] == NULL)
        return NULL;
      name = g_strdup (step->args[0]);
      if (strchr (name, '[') != NULL)
        *strchr (name, '[') = '\0';
      from = sockscope_lesson_find_assignment (lesson, step->actor, name, step->number);
    }
  if (from == NULL || g_strv_length (from->args) != 3 ||
      (!g_str_equal (from->call, "socket") && !g_str_equal (from->call, "socketpair")))
    return NULL;
  return from;
}

/* Is the socket of @step a datagram socket? */
static gboolean
is_datagram (SockscopeLesson     *lesson,
             const SockscopeStep *step)
{
  const SockscopeStep *from = socket_step (lesson, step);

  return from != NULL && strstr (from->args[1], "SOCK_DGRAM") != NULL;
}

/* Is the socket of @step a Unix one (UNCONN until it listens or connects)? */
static gboolean
is_unix (SockscopeLesson     *lesson,
         const SockscopeStep *step)
{
  const SockscopeStep *from = socket_step (lesson, step);

  return from != NULL && (strstr (from->args[0], "UNIX") != NULL || strstr (from->args[0], "LOCAL") != NULL);
}

/* The `return` event of the call of step @number in @log, or NULL. */
static JsonObject *
step_return (SockscopeEventLog *log,
             guint              number)
{
  int position = log != NULL ? find_call (log, number) : -1;
  g_autoptr(JsonObject) call = NULL;

  if (position < 0)
    return NULL;
  call = sockscope_event_log_parse (log, position);
  return find_by_call (log, position, SOCKSCOPE_EVENT_RETURN,
                       json_object_get_int_member_with_default (call, "seq", -1));
}

/* The number @arg stands for when @step runs: a literal, a constant, or a variable an earlier
 * call of the run assigned (`sp[1]` is the second fd of a socketpair). */
static gboolean
arg_value_full (SockscopeLesson     *lesson,
                const SockscopeStep *step,
                SockscopeEventLog   *log,
                const char          *arg,
                gint64              *value,
                guint32             *as_bytes)
{
  g_autofree char *name = g_strdup (arg);
  char *bracket = strchr (name, '[');
  const SsConstant *constant;
  const SockscopeStep *from;
  g_autoptr(JsonObject) ret = NULL;
  char *end;

  *value = g_ascii_strtoll (arg, &end, 0);
  if (end != arg && *end == '\0')
    return TRUE;
  if ((constant = ss_constant_lookup (arg)) != NULL)
    {
      *value = constant->value;
      return TRUE;
    }
  if (bracket != NULL)
    *bracket = '\0';
  from = sockscope_lesson_find_assignment (lesson, step->actor, name, step->number);
  if (from == NULL || g_strcmp0 (from->assign, name) != 0 || (ret = step_return (log, from->number)) == NULL)
    return FALSE;
  if (bracket != NULL)
    {
      JsonObject *out = json_object_get_object_member (ret, "out");
      JsonArray *fds = out != NULL && json_object_has_member (out, "fds") ? json_object_get_array_member (out, "fds") : NULL;
      guint index = bracket[1] == '1';

      if (fds == NULL || json_array_get_length (fds) <= index)
        return FALSE;
      *value = json_array_get_int_element (fds, index);
      return TRUE;
    }
  /* A variable recv filled is, as a number, its first bytes as the machine stores an int. */
  if (as_bytes != NULL && (g_str_equal (from->call, "recv") || g_str_equal (from->call, "recvfrom")))
    {
      JsonObject *out = json_object_get_object_member (ret, "out");
      const char *hex = out != NULL ? json_object_get_string_member_with_default (out, "data_hex", NULL) : NULL;
      guint32 number = 0;

      for (guint i = 0; hex != NULL && i < 4 && g_ascii_isxdigit (hex[2 * i]) && g_ascii_isxdigit (hex[2 * i + 1]); i++)
        number |= (guint32) (g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1])) << (8 * i);
      *as_bytes = number;
    }
  *value = json_object_get_int_member_with_default (ret, "ret", -1);
  return TRUE;
}

static gboolean
arg_value (SockscopeLesson     *lesson,
           const SockscopeStep *step,
           SockscopeEventLog   *log,
           const char          *arg,
           gint64              *value)
{
  return arg_value_full (lesson, step, log, arg, value, NULL);
}

static const SockscopeActor *
actor_named (SockscopeLesson *lesson,
             const char      *name)
{
  int index = sockscope_lesson_find_actor (lesson, name);

  return index >= 0 ? sockscope_lesson_get_actor (lesson, index) : NULL;
}

/* The process whose fd table @actor uses: itself, or for a thread the process it runs in. */
static const char *
table_owner (SockscopeLesson *lesson,
             const char      *actor)
{
  const SockscopeActor *a = actor_named (lesson, actor);

  while (a != NULL && a->thread && a->parent != NULL)
    a = actor_named (lesson, a->parent);
  return a != NULL ? a->name : actor;
}

/* Applies the opens and closes of the fd table of process @owner, in @log's first @until
 * events, to @open; a forked process starts with its parent's table at the fork. */
static void
collect_fds (SockscopeLesson   *lesson,
             SockscopeEventLog *log,
             const char        *owner,
             guint              until,
             GHashTable        *open)
{
  const SockscopeActor *process = actor_named (lesson, owner);

  if (process != NULL && process->parent != NULL && process->created_by != 0)
    {
      int fork_at = find_call (log, process->created_by);

      if (fork_at >= 0)
        collect_fds (lesson, log, table_owner (lesson, process->parent), MIN ((guint) fork_at, until), open);
    }
  for (guint i = 0; i < until; i++)
    {
      SockscopeEventType type = sockscope_event_log_get_event_type (log, i);
      g_autoptr(JsonObject) event = NULL;
      const char *call;

      if (type != SOCKSCOPE_EVENT_RETURN && type != SOCKSCOPE_EVENT_CALL)
        continue;
      event = sockscope_event_log_parse (log, i);
      if (g_strcmp0 (table_owner (lesson, json_object_get_string_member_with_default (event, "actor", "")), owner) != 0)
        continue;
      call = json_object_get_string_member_with_default (event, "call", "");
      if (type == SOCKSCOPE_EVENT_CALL && g_str_equal (call, "close") && !json_object_get_null_member (event, "fd"))
        g_hash_table_remove (open, GINT_TO_POINTER ((int) json_object_get_int_member (event, "fd")));
      else if (type == SOCKSCOPE_EVENT_RETURN && (g_str_equal (call, "socket") || g_str_equal (call, "accept")) &&
               json_object_get_int_member_with_default (event, "ret", -1) >= 0)
        g_hash_table_add (open, GINT_TO_POINTER ((int) json_object_get_int_member (event, "ret")));
      else if (type == SOCKSCOPE_EVENT_RETURN && g_str_equal (call, "socketpair"))
        {
          JsonObject *out = json_object_get_object_member (event, "out");
          JsonArray *fds = out != NULL && json_object_has_member (out, "fds") ? json_object_get_array_member (out, "fds") : NULL;

          for (guint j = 0; fds != NULL && j < json_array_get_length (fds); j++)
            g_hash_table_add (open, GINT_TO_POINTER ((int) json_array_get_int_element (fds, j)));
        }
    }
}

/* The lowest fd @actor's process does not hold yet: the one its next socket gets. */
static int
next_fd (SockscopeLesson   *lesson,
         SockscopeEventLog *log,
         const char        *actor)
{
  g_autoptr(GHashTable) open = g_hash_table_new (NULL, NULL);
  int fd = 3;

  if (log != NULL)
    collect_fds (lesson, log, table_owner (lesson, actor), sockscope_event_log_get_n_events (log), open);
  while (g_hash_table_contains (open, GINT_TO_POINTER (fd)))
    fd++;
  return fd;
}

/* Bytes a data argument sends, or -1 when the run does not know yet. */
static gint64
data_length (SockscopeLesson     *lesson,
             const SockscopeStep *step,
             SockscopeEventLog   *log,
             const char          *arg)
{
  g_autofree char *literal = NULL;
  g_autofree char *func = NULL;
  g_autofree char *value = NULL;
  guint64 count;
  gint64 received;

  if (sockscope_data_is_repeat (arg, &literal, &count))
    return count * sockscope_literal_length (literal);
  if (sockscope_data_is_int (arg, &func, &value))
    return g_str_equal (func, "htons") ? 2 : 4;
  if (arg[0] == '"')
    return sockscope_literal_length (arg);
  /* A variable recv filled: what that recv returned. */
  if (arg_value (lesson, step, log, arg, &received) && received >= 0)
    return received;
  return -1;
}

static void
add_int (GPtrArray *choices,
         gint64     value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  add_choice (choices, text);
}

/* The port of "127.0.0.1:7777", "*:7777", "[::1]:7777"; -1 for anything else. */
static int
address_port (const char *address)
{
  const char *colon = address != NULL ? strrchr (address, ':') : NULL;
  char *end;
  gint64 port;

  if (colon == NULL)
    return -1;
  port = g_ascii_strtoll (colon + 1, &end, 10);
  return end != colon + 1 && *end == '\0' ? (int) port : -1;
}

/* Does process @actor hold the socket of @state? (Threads' sockets are held by their process.) */
static gboolean
holds (JsonObject *state,
       const char *actor)
{
  JsonArray *holders;

  if (g_strcmp0 (json_object_get_string_member_with_default (state, "actor", NULL), actor) == 0)
    return TRUE;
  holders = json_object_has_member (state, "holders") ? json_object_get_array_member (state, "holders") : NULL;
  for (guint i = 0; holders != NULL && i < json_array_get_length (holders); i++)
    if (g_strcmp0 (json_array_get_string_element (holders, i), actor) == 0)
      return TRUE;
  return FALSE;
}

/* The local address of the socket @fd of @actor's process, from the last state event. */
static char *
socket_local (SockscopeLesson   *lesson,
              SockscopeEventLog *log,
              const char        *actor,
              gint64             fd)
{
  guint n = sockscope_event_log_get_n_events (log);
  char *local = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) event = NULL;

      if (sockscope_event_log_get_event_type (log, i) != SOCKSCOPE_EVENT_STATE)
        continue;
      event = sockscope_event_log_parse (log, i);
      if (!json_object_get_null_member (event, "fd") &&
          json_object_get_int_member_with_default (event, "fd", -1) == fd && holds (event, table_owner (lesson, actor)))
        {
          g_free (local);
          local = g_strdup (json_object_get_string_member_with_default (event, "local", NULL));
        }
    }
  return local;
}

/* The bytes the next send toward @step's socket hands over, or -1: a later sendto to @port, or
 * a later send on the socket whose address is @peer (or any later send when that is unknown). */
static gint64
next_sent (SockscopeLesson     *lesson,
           const SockscopeStep *step,
           SockscopeEventLog   *log,
           int                  port,
           const char          *peer)
{
  gint64 fallback = -1;

  for (guint n = step->number + 1; n <= sockscope_lesson_get_n_steps (lesson); n++)
    {
      const SockscopeStep *later = sockscope_lesson_get_step (lesson, n);
      g_autofree char *local = NULL;
      gint64 fd;

      if (g_str_equal (later->actor, step->actor) || g_strv_length (later->args) < 2)
        continue;
      if (g_str_equal (later->call, "sendto") && g_strv_length (later->args) == 4 &&
          (address_port (later->args[3]) == port || address_port (later->args[3]) < 0))
        return data_length (lesson, later, log, later->args[1]);
      if (!g_str_equal (later->call, "send"))
        continue;
      if (peer != NULL && arg_value (lesson, later, log, later->args[0], &fd) &&
          (local = socket_local (lesson, log, later->actor, fd)) != NULL)
        {
          if (g_str_equal (local, peer))
            return data_length (lesson, later, log, later->args[1]);
        }
      else if (fallback < 0)
        fallback = data_length (lesson, later, log, later->args[1]);
    }
  return fallback;
}

/* What a recv/recvfrom on @step's socket will take: the bytes queued on a stream, the next
 * datagram sent to its port; or, when nothing waits yet, what the next send hands over. */
static void
add_received (SockscopeLesson     *lesson,
              const SockscopeStep *step,
              SockscopeEventLog   *log,
              GPtrArray           *choices)
{
  g_autoptr(JsonObject) sock = NULL;
  gint64 fd, buflen = G_MAXINT64, length = -1;
  gboolean trunc = strstr (step->args[2], "MSG_TRUNC") != NULL;
  const char *owner;
  guint n;

  if (log == NULL || !arg_value (lesson, step, log, step->args[0], &fd))
    return;
  owner = table_owner (lesson, step->actor);
  if (!arg_value (lesson, step, log, step->args[1], &buflen) || buflen < 0)
    buflen = G_MAXINT64;
  n = sockscope_event_log_get_n_events (log);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) event = NULL;

      if (sockscope_event_log_get_event_type (log, i) != SOCKSCOPE_EVENT_STATE)
        continue;
      event = sockscope_event_log_parse (log, i);
      if (!json_object_get_null_member (event, "fd") &&
          json_object_get_int_member_with_default (event, "fd", -1) == fd && holds (event, owner))
        {
          g_clear_pointer (&sock, json_object_unref);
          sock = g_steal_pointer (&event);
        }
    }
  if (sock == NULL)
    return;

  if (g_strcmp0 (json_object_get_string_member_with_default (sock, "socktype", ""), "dgram") != 0)
    {
      const char *state = json_object_get_string_member_with_default (sock, "state", "");
      gint64 queued = json_object_get_int_member_with_default (sock, "recv_q", 0);
      const char *peer = json_object_get_string_member_with_default (sock, "peer", NULL);

      /* The peer's FIN takes one sequence number, which the receive queue counts. */
      if (queued > 0 && (g_str_equal (state, "CLOSE-WAIT") || g_str_equal (state, "LAST-ACK") ||
                         g_str_equal (state, "CLOSING") || g_str_equal (state, "TIME-WAIT")))
        queued--;
      length = queued > 0 ? queued : next_sent (lesson, step, log, -1, peer);
    }
  else
    {
      int port = address_port (json_object_get_string_member_with_default (sock, "local", NULL));
      g_autoptr(GArray) queue = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint taken = 0;

      /* Datagrams sent to the port, in order, less those already received there. */
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(JsonObject) call = NULL;
          g_autoptr(JsonObject) ret = NULL;
          JsonArray *args;
          const char *name;
          gint64 value;

          if (sockscope_event_log_get_event_type (log, i) != SOCKSCOPE_EVENT_CALL)
            continue;
          call = sockscope_event_log_parse (log, i);
          name = json_object_get_string_member_with_default (call, "call", "");
          args = json_object_has_member (call, "args") ? json_object_get_array_member (call, "args") : NULL;
          if (args == NULL || json_array_get_length (args) < 3 ||
              (!g_str_equal (name, "sendto") && !g_str_equal (name, "recv") && !g_str_equal (name, "recvfrom")))
            continue;
          ret = find_by_call (log, i, SOCKSCOPE_EVENT_RETURN, json_object_get_int_member_with_default (call, "seq", -1));
          value = ret != NULL ? json_object_get_int_member_with_default (ret, "ret", -1) : -1;
          if (value < 0)
            continue;
          if (g_str_equal (name, "sendto") && json_array_get_length (args) == 4 &&
              address_port (json_array_get_string_element (args, 3)) == port)
            g_array_append_val (queue, value);
          else if ((g_str_equal (name, "recv") || g_str_equal (name, "recvfrom")) &&
                   json_object_get_int_member_with_default (call, "fd", -1) == fd &&
                   g_strcmp0 (table_owner (lesson, json_object_get_string_member_with_default (call, "actor", "")),
                              table_owner (lesson, step->actor)) == 0 &&
                   strstr (json_array_get_string_element (args, 2), "MSG_PEEK") == NULL)
            taken++;
        }
      length = taken < queue->len ? g_array_index (queue, gint64, taken) : next_sent (lesson, step, log, port, NULL);
    }
  if (length < 0)
    return;
  add_int (choices, trunc ? length : MIN (length, buflen));
}

static void
returns_choices (SockscopeLesson     *lesson,
                 const SockscopeStep *step,
                 SockscopeEventLog   *log,
                 GPtrArray           *choices)
{
  const char *call = step->call;
  guint n = g_strv_length (step->args);
  gboolean datagram = is_datagram (lesson, step);

  if (g_str_equal (call, "socket") || g_str_equal (call, "accept"))
    {
      int fd = next_fd (lesson, log, step->actor);

      add_int (choices, 0);
      add_int (choices, fd);
      add_int (choices, fd + 1);
      add_choice (choices, g_str_equal (call, "accept") ? "-1 EAGAIN" : "-1 EMFILE");
    }
  else if (g_str_equal (call, "connect"))
    {
      add_choice (choices, "0");
      add_choice (choices, "-1 ECONNREFUSED");
      add_choice (choices, "-1 EINPROGRESS");
      add_choice (choices, "-1 ETIMEDOUT");
    }
  else if (g_str_equal (call, "bind"))
    {
      add_choice (choices, "0");
      add_choice (choices, "-1 EADDRINUSE");
      add_choice (choices, "-1 EINVAL");
    }
  else if (g_str_equal (call, "listen"))
    {
      add_choice (choices, "0");
      add_choice (choices, "-1 EADDRINUSE");
      add_choice (choices, "-1 EOPNOTSUPP");
    }
  else if ((g_str_equal (call, "send") || g_str_equal (call, "sendto")) && n >= 2)
    {
      gint64 len = data_length (lesson, step, log, step->args[1]);

      add_choice (choices, "0");
      if (len > 0)
        add_int (choices, len);
      /* A stream takes what fits in its buffer when it cannot wait: how much, only the run says. */
      if (len > 1 && !datagram)
        {
          g_autofree char *part = g_strdup_printf (_("< %lld (a part of it)"), (long long) len);

          add_choice (choices, part);
        }
      else if (len > 1)
        add_int (choices, len / 2);
      if (datagram)
        {
          add_choice (choices, "-1 EMSGSIZE");
          add_choice (choices, "-1 ECONNREFUSED");
        }
      else
        {
          add_choice (choices, "-1 EPIPE");
          add_choice (choices, "-1 ECONNRESET");
        }
      add_choice (choices, "-1 EAGAIN");
    }
  else if ((g_str_equal (call, "recv") || g_str_equal (call, "recvfrom")) && n >= 3)
    {
      add_choice (choices, "0");
      add_received (lesson, step, log, choices);
      if (g_ascii_isdigit (step->args[1][0]))
        add_choice (choices, step->args[1]);
      add_choice (choices, "-1 EAGAIN");
      add_choice (choices, datagram ? "-1 ECONNREFUSED" : "-1 ECONNRESET");
    }
  else if (g_str_equal (call, "select") || g_str_equal (call, "poll"))
    {
      /* No timeout: it returns once 1 to n of its sockets are ready. */
      for (guint i = 1; i <= n; i++)
        add_int (choices, i);
      add_choice (choices, "-1 EINTR");
    }
  else if (g_str_equal (call, "fork") || g_str_equal (call, "waitpid"))
    {
      add_choice (choices, _("> 0 (a pid)"));
      add_choice (choices, "0");
      add_choice (choices, g_str_equal (call, "fork") ? "-1 EAGAIN" : "-1 ECHILD");
    }
  else if ((g_str_has_prefix (call, "hton") || g_str_has_prefix (call, "ntoh")) && n == 1)
    {
      gint64 v = 0;
      guint32 bytes = G_MAXUINT32;
      gboolean is_short = g_str_has_suffix (call, "s");

      if (arg_value_full (lesson, step, log, step->args[0], &v, &bytes))
        {
          if (bytes != G_MAXUINT32)
            v = is_short ? (bytes & 0xffff) : bytes;
          guint64 swapped = is_short ? GUINT16_SWAP_LE_BE ((guint16) v) : GUINT32_SWAP_LE_BE ((guint32) v);

          add_int (choices, is_short ? (guint16) v : (guint32) v);
          add_int (choices, (gint64) swapped);
        }
      add_choice (choices, "0");
    }
  else if (g_str_equal (call, "fcntl") && n == 2)
    {
      /* F_GETFL: the access mode O_RDWR, with O_NONBLOCK once it is set. */
      add_int (choices, O_RDWR);
      add_int (choices, O_RDWR | O_NONBLOCK);
      add_choice (choices, "-1 EBADF");
    }
  else if (g_str_equal (call, "getservbyname") && n == 2)
    {
      g_autofree char *name = g_strndup (step->args[0] + 1, MAX (strlen (step->args[0]), 2) - 2);
      g_autofree char *proto = g_strndup (step->args[1] + 1, MAX (strlen (step->args[1]), 2) - 2);
      g_auto(GStrv) lines = g_strsplit (SS_LAB_SERVICES, "\n", -1);

      /* The lab's own services file: "http\t\t80/tcp\t\twww". */
      for (guint i = 0; lines[i]; i++)
        {
          g_auto(GStrv) fields = g_strsplit_set (lines[i], "\t /", -1);
          g_autoptr(GPtrArray) words = g_ptr_array_new ();

          for (guint j = 0; fields[j]; j++)
            if (*fields[j] != '\0')
              g_ptr_array_add (words, fields[j]);
          if (words->len < 3 || lines[i][0] == '#' || !g_str_equal (g_ptr_array_index (words, 2), proto))
            continue;
          for (guint j = 0; j < words->len; j++)
            if (j != 1 && j != 2 && g_str_equal (g_ptr_array_index (words, j), name))
              add_int (choices, g_ascii_strtoll (g_ptr_array_index (words, 1), NULL, 10));
        }
      add_choice (choices, "0");
      add_choice (choices, "-1");
    }
  else if (g_str_equal (call, "getaddrinfo"))
    {
      add_choice (choices, "0");
      add_int (choices, EAI_NONAME);
      add_int (choices, EAI_SERVICE);
    }
  else if (g_str_equal (call, "pthread_create"))
    {
      /* The index pthread_join takes: threads this process started before, plus one. */
      guint started = 0;
      guint events = log != NULL ? sockscope_event_log_get_n_events (log) : 0;
      const char *owner = table_owner (lesson, step->actor);

      for (guint i = 0; i < events; i++)
        {
          g_autoptr(JsonObject) event = NULL;

          if (sockscope_event_log_get_event_type (log, i) != SOCKSCOPE_EVENT_RETURN)
            continue;
          event = sockscope_event_log_parse (log, i);
          if (g_str_equal (json_object_get_string_member_with_default (event, "call", ""), "pthread_create") &&
              g_strcmp0 (table_owner (lesson, json_object_get_string_member_with_default (event, "actor", "")), owner) == 0)
            started++;
        }
      add_int (choices, started + 1);
      add_choice (choices, "0");
      add_choice (choices, "-1 EAGAIN");
    }
  else if (g_str_equal (call, "shutdown"))
    {
      add_choice (choices, "0");
      add_choice (choices, "-1 ENOTCONN");
    }
  else
    {
      add_choice (choices, "0");
      add_choice (choices, "-1 EBADF");
      add_choice (choices, "-1 EINVAL");
    }
}

/* The choices of @step's question: the lesson's own (`choices:`), or plausible ones made from
 * the call and, when @log is given, from the run so far. NULL-terminated; free with g_strfreev. */
char **
sockscope_question_get_choices (SockscopeLesson     *lesson,
                                const SockscopeStep *step,
                                SockscopeEventLog   *log)
{
  g_autoptr(GPtrArray) choices = g_ptr_array_new_with_free_func (g_free);
  const char *call = step->call;

  if (step->choices != NULL)
    return g_strdupv (step->choices);

  switch (step->ask)
    {
    case SOCKSCOPE_ASK_BLOCKS:
      add_choice (choices, _("yes"));
      add_choice (choices, _("no"));
      break;
    case SOCKSCOPE_ASK_RETURNS:
      returns_choices (lesson, step, log, choices);
      break;
    case SOCKSCOPE_ASK_PACKETS:
      add_choice (choices, _("none"));
      if (is_datagram (lesson, step))
        {
          g_autofree char *two = g_strdup_printf ("%s / %s", _("UDP datagram"), _("UDP datagram"));

          g_autofree char *refused = g_strdup_printf ("%s / %s", _("UDP datagram"), _("ICMP port unreachable"));

          add_choice (choices, _("UDP datagram"));
          add_choice (choices, two);
          add_choice (choices, refused);
          add_choice (choices, _("ICMP port unreachable"));
        }
      /* exit closes every socket its process still holds, as close does. */
      else if (g_str_equal (call, "close") || g_str_equal (call, "shutdown") || g_str_equal (call, "exit"))
        {
          add_choice (choices, "FIN");
          add_choice (choices, "RST");
          add_choice (choices, "ACK");
          add_choice (choices, "FIN / ACK");
        }
      else if (g_str_equal (call, "send") || g_str_equal (call, "sendto"))
        {
          add_choice (choices, "PSH-ACK");
          add_choice (choices, "PSH-ACK / PSH-ACK");
          add_choice (choices, "ACK");
          add_choice (choices, "RST");
        }
      else
        {
          add_choice (choices, "SYN");
          add_choice (choices, "SYN / SYN-ACK / ACK");
          add_choice (choices, "SYN / RST");
          add_choice (choices, "ACK");
        }
      break;
    case SOCKSCOPE_ASK_STATE:
      if (is_datagram (lesson, step))
        {
          add_choice (choices, "UNCONN");
          add_choice (choices, "ESTAB");
          add_choice (choices, "CLOSED");
        }
      else
        for (const char * const *s = sockscope_lesson_state_names (); *s; s++)
          if ((!g_str_equal (*s, "UNCONN") || is_unix (lesson, step)) && !g_str_equal (*s, "CLOSING"))
            add_choice (choices, *s);
      break;
    case SOCKSCOPE_ASK_NONE:
    default:
      break;
    }
  g_ptr_array_add (choices, NULL);
  return (char **) g_ptr_array_steal (choices, NULL);
}
