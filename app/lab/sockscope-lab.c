/* sockscope-lab.c: the lab helper's main loop.
 *
 * Spawned by a front end with one end of a socketpair (--fd N).  It enters
 * private namespaces first, while single-threaded, then runs a plain poll()
 * loop over the control socket, the capture and the actors' channels.  No
 * threads, no GLib main loop: the order in which the lab looks at things is
 * what ties packets to calls.  See docs/LAB-PROTOCOL.md and docs/EVENT-LOG.md.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sockscope-lab-private.h"

#define MS                 G_TIME_SPAN_MILLISECOND
#define QUIET_US           (10 * MS)    /* capture quiet for this long: settled */
#define BLOCKED_US         (10 * MS)    /* a call still running after this is blocked */
#define SETTLE_MAX_US      (300 * MS)   /* after a call returned */
#define OUTPUT_HIGH_WATER  (4 << 20)    /* bytes of events waiting for the front end */

guint64
ss_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

/* ---- output: events and replies, buffered, written when the loop goes idle ---- */

void
ss_json_append_string (GString    *s,
                       const char *str,
                       gssize      len)
{
  const char *p = str;
  const char *end = str + (len < 0 ? (gssize) strlen (str) : len);

  g_string_append_c (s, '"');
  while (p < end)
    {
      const char *valid_end;
      guchar c = (guchar) *p;

      if (c < 0x80)
        {
          switch (c)
            {
            case '"':  g_string_append (s, "\\\""); break;
            case '\\': g_string_append (s, "\\\\"); break;
            case '\n': g_string_append (s, "\\n"); break;
            case '\r': g_string_append (s, "\\r"); break;
            case '\t': g_string_append (s, "\\t"); break;
            default:
              if (c < 0x20 || c == 0x7f)
                g_string_append_printf (s, "\\u%04x", c);
              else
                g_string_append_c (s, (char) c);
            }
          p++;
          continue;
        }
      /* Invalid UTF-8 is written byte by byte as \u00XX. */
      g_utf8_validate (p, end - p, &valid_end);
      if (valid_end == p)
        {
          g_string_append_printf (s, "\\u%04x", c);
          p++;
          continue;
        }
      while (p < valid_end && (guchar) *p >= 0x80)
        {
          const char *next = g_utf8_next_char (p);

          g_string_append_len (s, p, next - p);
          p = next;
        }
    }
  g_string_append_c (s, '"');
}

void
ss_lab_event_begin (SsLab      *lab,
                    guint64     t_ns,
                    const char *type,
                    gint64      step)
{
  g_string_append_printf (lab->out, "{\"seq\":%" G_GUINT64_FORMAT ",\"t_ns\":%" G_GUINT64_FORMAT
                          ",\"type\":\"%s\",\"step\":", ++lab->seq, t_ns, type);
  if (step < 0)
    g_string_append (lab->out, "null");
  else
    g_string_append_printf (lab->out, "%" G_GINT64_FORMAT, step);
}

void
ss_lab_event_end (SsLab *lab)
{
  g_string_append (lab->out, "}\n");
}

static void
reply_begin (SsLab      *lab,
             const char *reply,
             gint64      id)
{
  g_string_append_printf (lab->out, "{\"reply\":\"%s\",\"id\":%" G_GINT64_FORMAT, reply, id);
}

static void
reply_error (SsLab      *lab,
             gint64      id,
             const char *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
reply_error (SsLab      *lab,
             gint64      id,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  reply_begin (lab, "error", id);
  g_string_append (lab->out, ",\"message\":");
  ss_json_append_string (lab->out, message, -1);
  g_string_append (lab->out, "}\n");
}

static void
flush_output (SsLab *lab)
{
  while (lab->out_pos < lab->out->len)
    {
      ssize_t n = write (lab->ctl, lab->out->str + lab->out_pos, lab->out->len - lab->out_pos);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n < 0)
        {
          /* The front end is gone: nobody is left to report to. */
          lab->quit = TRUE;
          lab->out_pos = lab->out->len;
          break;
        }
      lab->out_pos += (gsize) n;
    }
  /* Written bytes are dropped when it costs nothing: a long memmove here
   * would leave the capture ring unread for milliseconds. */
  if (lab->out_pos == lab->out->len)
    {
      g_string_truncate (lab->out, 0);
      lab->out_pos = 0;
    }
  else if (lab->out_pos >= (1 << 20) && lab->out->len - lab->out_pos <= (256 << 10))
    {
      g_string_erase (lab->out, 0, (gssize) lab->out_pos);
      lab->out_pos = 0;
    }
}

static void
flush_output_blocking (SsLab *lab)
{
  while (lab->out->len > lab->out_pos)
    {
      struct pollfd pfd = { .fd = lab->ctl, .events = POLLOUT };

      flush_output (lab);
      if (lab->out->len > lab->out_pos)
        poll (&pfd, 1, 1000);
    }
}

/* A fatal line goes out before the loop exists: write it directly. */
G_NORETURN static void
fatal (int         ctl,
       const char *what,
       const char *message,
       const char *remedy)
{
  g_autoptr(GString) line = g_string_new ("{\"reply\":\"fatal\",\"what\":");

  ss_json_append_string (line, what, -1);
  g_string_append (line, ",\"message\":");
  ss_json_append_string (line, message, -1);
  g_string_append (line, ",\"remedy\":");
  if (remedy != NULL)
    ss_json_append_string (line, remedy, -1);
  else
    g_string_append (line, "null");
  g_string_append (line, "}\n");
  if (ctl >= 0)
    {
      ssize_t n = write (ctl, line->str, line->len);
      (void) n;
    }
  fprintf (stderr, "sockscope-lab: %s%s%s\n", message, remedy ? "\n" : "", remedy ? remedy : "");
  exit (2);
}

/* ---- actors ---- */

static SsActor *
find_actor (SsLab      *lab,
            const char *name)
{
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if (g_strcmp0 (actor->name, name) == 0)
        return actor;
    }
  return NULL;
}

static SsActor *
spawn_actor (SsLab       *lab,
             const char  *name,
             const char  *parent,
             GError     **error)
{
  SsActor *actor;
  int sv[2];
  pid_t pid;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create a channel for actor '%s': %s", name, g_strerror (saved));
      return NULL;
    }

  pid = fork ();
  if (pid < 0)
    {
      int saved = errno;

      close (sv[0]);
      close (sv[1]);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot start actor '%s': %s", name, g_strerror (saved));
      return NULL;
    }

  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_RDWR);

      ss_die_with_parent ();
      if (dup2 (sv[1], SS_ACTOR_CHAN_FD) < 0)
        _exit (127);
      /* A lesson's program starts with 0, 1 and 2 open and its first socket is 3. */
      dup2 (devnull, 0);
      dup2 (devnull, 1);
      close_range (3, SS_ACTOR_CHAN_FD - 1, 0);
      close_range (SS_ACTOR_CHAN_FD + 1, ~0u, 0);
      signal (SIGCHLD, SIG_DFL);
      /* The observer goes first: an actor flooding lo must not starve the
       * capture of CPU, or the kernel's ring overflows and packets are lost. */
      setpriority (PRIO_PROCESS, 0, 10);
      if (chdir (lab->workdir) < 0)
        _exit (127);
      ss_actor_main (SS_ACTOR_CHAN_FD);
    }

  close (sv[1]);
  fcntl (sv[0], F_SETFL, O_NONBLOCK);

  actor = g_new0 (SsActor, 1);
  actor->lab = lab;
  actor->name = g_strdup (name);
  actor->parent = g_strdup (parent);
  actor->pid = pid;
  actor->chan = sv[0];
  actor->alive = TRUE;
  actor->reply_id = -1;
  actor->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_ptr_array_add (lab->actors, actor);
  return actor;
}

static void
emit_actor_event (SsLab      *lab,
                  SsActor    *actor,
                  const char *event,
                  int         status)
{
  GString *out = lab->out;

  ss_lab_event_begin (lab, ss_now_ns (), "actor", lab->step);
  g_string_append (out, ",\"actor\":");
  ss_json_append_string (out, actor->name, -1);
  g_string_append_printf (out, ",\"event\":\"%s\",\"pid\":%d", event, (int) actor->pid);
  if (g_str_equal (event, "spawned"))
    {
      g_string_append (out, ",\"parent\":");
      if (actor->parent != NULL)
        ss_json_append_string (out, actor->parent, -1);
      else
        g_string_append (out, "null");
    }
  else if (WIFSIGNALED (status))
    g_string_append_printf (out, ",\"status\":null,\"signal\":\"SIG%s\"",
                            sigabbrev_np (WTERMSIG (status)) ? sigabbrev_np (WTERMSIG (status)) : "UNKNOWN");
  else
    g_string_append_printf (out, ",\"status\":%d,\"signal\":null", WEXITSTATUS (status));
  ss_lab_event_end (lab);
}

static SsPending *
add_pending (SsLab         *lab,
             SsPendingKind  kind,
             gint64         id,
             SsActor       *actor,
             gint64         max_us)
{
  SsPending *p = g_new0 (SsPending, 1);

  p->kind = kind;
  p->id = id;
  p->actor = actor;
  p->since = g_get_monotonic_time ();
  p->deadline = p->since + max_us;
  g_ptr_array_add (lab->pending, p);
  return p;
}

static void
actor_died (SsLab   *lab,
            SsActor *actor)
{
  int status = 0;

  /* The channel closes as the process exits: it is about to be a zombie. */
  while (waitpid (actor->pid, &status, 0) < 0 && errno == EINTR)
    ;
  actor->alive = FALSE;
  close (actor->chan);
  actor->chan = -1;
  emit_actor_event (lab, actor, WIFSIGNALED (status) ? "killed" : "exited", status);

  if (actor->reply_id >= 0)
    {
      const char *what = actor->is_burst ? "burst" : actor->call->info->name;

      if (WIFSIGNALED (status))
        reply_error (lab, actor->reply_id, "%s was killed by SIG%s during %s()", actor->name,
                     sigabbrev_np (WTERMSIG (status)), what);
      else
        reply_error (lab, actor->reply_id, "%s exited during %s()", actor->name, what);
    }
  actor->reply_id = -1;
  actor->call = NULL;
  actor->is_burst = FALSE;
  lab->states_stale = TRUE;
  add_pending (lab, SS_PENDING_REFRESH, -1, NULL, 0);
}

static void
mark_blocked (SsLab   *lab,
              SsActor *actor)
{
  GString *out = lab->out;

  actor->blocked = TRUE;
  ss_lab_event_begin (lab, ss_now_ns (), "blocked", actor->call->step);
  g_string_append (out, ",\"actor\":");
  ss_json_append_string (out, actor->name, -1);
  g_string_append_printf (out, ",\"call\":\"%s\",\"call_seq\":%" G_GUINT64_FORMAT,
                          actor->call->info->name, actor->call->seq);
  ss_lab_event_end (lab);

  if (actor->reply_id >= 0)
    {
      actor->pending = add_pending (lab, SS_PENDING_CALL, actor->reply_id, actor, SETTLE_MAX_US);
      actor->pending->blocked = TRUE;
      actor->pending->call_seq = actor->call->seq;
      actor->reply_id = -1;
    }
}

static void
append_flags (GString *out,
              int      flags)
{
  static const struct { int flag; const char *name; } names[] = {
    { MSG_TRUNC, "MSG_TRUNC" }, { MSG_CTRUNC, "MSG_CTRUNC" }, { MSG_EOR, "MSG_EOR" },
    { MSG_OOB, "MSG_OOB" }, { MSG_ERRQUEUE, "MSG_ERRQUEUE" },
  };
  gboolean first = TRUE;

  g_string_append (out, ",\"flags\":\"");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (flags & names[i].flag)
      {
        g_string_append_printf (out, "%s%s", first ? "" : "|", names[i].name);
        first = FALSE;
      }
  if (first)
    g_string_append_c (out, '0');
  g_string_append_c (out, '"');
}

/* The packets a call made are in the capture ring before the call returns (lo hands packet
 * sockets their copy as it transmits): log them first, so that the log reads in time order,
 * SYN, SYN-ACK, ACK, then connect's return. The actors were just drained, so the packet path
 * must not drain them again from inside this return. */
static void
log_packets_before_return (SsLab *lab)
{
  guint64 drained = lab->last_drain_ns;

  /* Reached from a packet's own processing: the packets before it are already logged. */
  if (lab->processing_frames)
    return;
  lab->last_drain_ns = G_MAXUINT64;
  ss_capture_read (lab);
  while (ss_capture_process (lab, 64))
    ;
  lab->last_drain_ns = drained;
}

static void
emit_return (SsLab            *lab,
             SsActor          *actor,
             const SsActorMsg *msg)
{
  GString *out = lab->out;
  SsCallRec *call = actor->call;
  SsCallId id = call->info->id;

  log_packets_before_return (lab);
  ss_lab_event_begin (lab, ss_now_ns (), "return", call->step);
  g_string_append (out, ",\"actor\":");
  ss_json_append_string (out, actor->name, -1);
  g_string_append_printf (out, ",\"call\":\"%s\",\"call_seq\":%" G_GUINT64_FORMAT
                          ",\"ret\":%" G_GINT64_FORMAT, call->info->name, call->seq, msg->ret);
  if (msg->ret < 0)
    {
      g_string_append (out, ",\"errno\":");
      ss_json_append_string (out, strerrorname_np (msg->err) ? strerrorname_np (msg->err) : "EUNKNOWN", -1);
      g_string_append (out, ",\"strerror\":");
      ss_json_append_string (out, g_strerror (msg->err), -1);
    }
  else
    g_string_append (out, ",\"errno\":null,\"strerror\":null");
  g_string_append_printf (out, ",\"t_start_ns\":%" G_GUINT64_FORMAT ",\"t_end_ns\":%" G_GUINT64_FORMAT
                          ",\"out\":{", msg->t_start_ns, msg->t_end_ns);

  if (msg->ret >= 0)
    {
      gboolean comma = FALSE;

      if (msg->addrlen > 0 &&
          (id == SS_CALL_ACCEPT || id == SS_CALL_RECVFROM ||
           id == SS_CALL_GETSOCKNAME || id == SS_CALL_GETPEERNAME))
        {
          g_autofree char *addr = ss_sockaddr_to_string ((const struct sockaddr *) &msg->addr, msg->addrlen);

          g_string_append (out, "\"addr\":");
          ss_json_append_string (out, addr, -1);
          comma = TRUE;
        }
      if (id == SS_CALL_RECV || id == SS_CALL_RECVFROM)
        {
          g_string_append (out, comma ? ",\"data\":" : "\"data\":");
          ss_json_append_string (out, (const char *) msg->data, msg->data_len);
          g_string_append (out, ",\"data_hex\":\"");
          for (guint32 i = 0; i < msg->data_len; i++)
            g_string_append_printf (out, "%02x", msg->data[i]);
          g_string_append_printf (out, "\",\"len\":%u", msg->data_len);
          append_flags (out, msg->msg_flags);
        }
      else if (id == SS_CALL_SOCKETPAIR)
        g_string_append_printf (out, "\"fds\":[%d,%d]", msg->fds[0], msg->fds[1]);
      else if (id == SS_CALL_GETSOCKOPT && msg->has_linger)
        g_string_append_printf (out, "\"value\":{\"onoff\":%d,\"linger\":%d}",
                                msg->linger.l_onoff, msg->linger.l_linger);
      else if (id == SS_CALL_GETSOCKOPT)
        g_string_append_printf (out, "\"value\":%d", msg->value);
    }
  g_string_append (out, "}");
  ss_lab_event_end (lab);
}

static void
remember_result (SsLab            *lab,
                 SsActor          *actor,
                 const SsActorMsg *msg)
{
  SsCallRec *call = actor->call;

  if (msg->ret < 0)
    return;

  if (call->info->id == SS_CALL_SOCKETPAIR)
    {
      if (actor->assign != NULL)
        {
          g_hash_table_replace (actor->vars, g_strdup_printf ("%s[0]", actor->assign), GINT_TO_POINTER (msg->fds[0]));
          g_hash_table_replace (actor->vars, g_strdup_printf ("%s[1]", actor->assign), GINT_TO_POINTER (msg->fds[1]));
        }
      for (guint i = 0; i < 2; i++)
        ss_cause_note_call (ss_cause_sock_for_fd (lab, actor, msg->fds[i]), call);
      return;
    }

  if (actor->assign != NULL)
    g_hash_table_replace (actor->vars, g_strdup (actor->assign), GINT_TO_POINTER ((int) msg->ret));
  if (call->info->creates_fd)
    ss_cause_note_call (ss_cause_sock_for_fd (lab, actor, (int) msg->ret), call);
}

static void
handle_actor_msg (SsLab            *lab,
                  SsActor          *actor,
                  const SsActorMsg *msg)
{
  if (msg->kind == SS_MSG_STARTED)
    {
      actor->started = TRUE;
      actor->started_mono = g_get_monotonic_time ();
      if (msg->will_block && !actor->is_burst)
        mark_blocked (lab, actor);
      return;
    }

  lab->states_stale = TRUE;

  if (actor->is_burst)
    {
      /* Its reply waits for every frame of the burst to be an event. */
      SsPending *p = add_pending (lab, SS_PENDING_BURST, actor->reply_id, actor, 600 * G_TIME_SPAN_SECOND);
      GHashTableIter iter;
      SsSockRec *rec;

      p->burst_sent = msg->ret > 0 ? (guint64) msg->ret : 0;
      g_hash_table_iter_init (&iter, lab->socks);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &rec))
        rec->bursting = FALSE;
      actor->is_burst = FALSE;
      actor->reply_id = -1;
      return;
    }

  emit_return (lab, actor, msg);
  remember_result (lab, actor, msg);

  if (actor->pending != NULL)
    actor->pending->blocked = FALSE;    /* not replied yet: it returned after all */
  else if (actor->reply_id >= 0)
    {
      SsPending *p = add_pending (lab, SS_PENDING_CALL, actor->reply_id, actor, SETTLE_MAX_US);

      p->call_seq = actor->call->seq;
    }
  else
    add_pending (lab, SS_PENDING_REFRESH, -1, NULL, SETTLE_MAX_US);

  actor->reply_id = -1;
  actor->call = NULL;
  actor->started = actor->blocked = FALSE;
  g_clear_pointer (&actor->assign, g_free);
}

static void
drain_actor (SsLab   *lab,
             SsActor *actor)
{
  static SsActorMsg *msg;

  if (msg == NULL)
    msg = g_malloc (sizeof *msg + SS_DATA_MAX);

  while (actor->alive)
    {
      ssize_t n = recv (actor->chan, msg, sizeof *msg + SS_DATA_MAX, MSG_DONTWAIT);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          actor_died (lab, actor);
          return;
        }
      if ((size_t) n >= sizeof *msg)
        handle_actor_msg (lab, actor, msg);
    }
}

void
ss_lab_drain_actors (SsLab *lab)
{
  lab->last_drain_ns = ss_now_ns ();
  for (guint i = 0; i < lab->actors->len; i++)
    drain_actor (lab, g_ptr_array_index (lab->actors, i));
}

/* ---- commands ---- */

static const char *
member_string (JsonObject *obj,
               const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *obj,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

static void
cmd_actor (SsLab      *lab,
           gint64      id,
           JsonObject *cmd)
{
  g_autoptr(GError) error = NULL;
  const char *name = member_string (cmd, "name");
  const char *parent = member_string (cmd, "parent");
  SsActor *actor;

  if (name == NULL || *name == '\0')
    return reply_error (lab, id, "an actor needs a name");
  if (find_actor (lab, name) != NULL)
    return reply_error (lab, id, "an actor named '%s' already exists", name);
  if (parent != NULL && find_actor (lab, parent) == NULL)
    return reply_error (lab, id, "actor '%s' names an unknown parent '%s'", name, parent);

  if ((actor = spawn_actor (lab, name, parent, &error)) == NULL)
    return reply_error (lab, id, "%s", error->message);
  emit_actor_event (lab, actor, "spawned", 0);
  reply_begin (lab, "ok", id);
  g_string_append_printf (lab->out, ",\"pid\":%d}\n", (int) actor->pid);
}

/* Common checks of `call` and `burst`: the actor exists and is idle. */
static SsActor *
idle_actor (SsLab      *lab,
            gint64      id,
            JsonObject *cmd)
{
  const char *name = member_string (cmd, "actor");
  SsActor *actor = find_actor (lab, name);

  if (actor == NULL)
    reply_error (lab, id, "unknown actor '%s'", name ? name : "");
  else if (!actor->alive)
    reply_error (lab, id, "%s has exited: it cannot make calls any more", actor->name);
  else if (actor->is_burst)
    reply_error (lab, id, "%s is busy sending a burst", actor->name);
  else if (actor->call != NULL && actor->blocked)
    reply_error (lab, id, "%s is blocked in %s()", actor->name, actor->call->info->name);
  else if (actor->call != NULL)
    reply_error (lab, id, "%s is still running %s()", actor->name, actor->call->info->name);
  else
    return actor;
  return NULL;
}

static gboolean
send_request (SsActor        *actor,
              SsActorRequest *req)
{
  ssize_t n;

  do
    n = send (actor->chan, req, sizeof *req + req->data_len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n >= 0;
}

static void
cmd_call (SsLab      *lab,
          gint64      id,
          JsonObject *cmd)
{
  const char *call_name = member_string (cmd, "call");
  const char *assign = member_string (cmd, "assign");
  JsonNode *args_node = json_object_get_member (cmd, "args");
  gint64 step = member_int (cmd, "step", -1);
  SsArgValue values[SS_CALL_MAX_ARGS] = { 0 };
  g_autoptr(GString) text = NULL;
  g_autofree SsActorRequest *req = NULL;
  const SsCallInfo *info;
  SsActor *actor;
  SsCallRec *call;
  JsonArray *args;
  guint n_args;

  if ((actor = idle_actor (lab, id, cmd)) == NULL)
    return;
  if ((info = ss_call_lookup (call_name)) == NULL)
    return reply_error (lab, id, "%s: unknown call '%s'", actor->name, call_name ? call_name : "");
  if (args_node == NULL || !JSON_NODE_HOLDS_ARRAY (args_node))
    return reply_error (lab, id, "%s: %s() needs its arguments as an array of strings", actor->name, info->name);
  args = json_node_get_array (args_node);
  n_args = json_array_get_length (args);
  if (n_args < info->n_args_min || n_args > info->n_args)
    {
      if (info->n_args_min != info->n_args)
        return reply_error (lab, id, "%s: %s() takes %u or %u arguments, not %u",
                            actor->name, info->name, info->n_args_min, info->n_args, n_args);
      return reply_error (lab, id, "%s: %s() takes %u argument%s, not %u",
                          actor->name, info->name, info->n_args, info->n_args == 1 ? "" : "s", n_args);
    }
  if (assign != NULL && !g_regex_match_simple ("^[A-Za-z_][A-Za-z0-9_]*$", assign, 0, 0))
    return reply_error (lab, id, "%s: '%s' cannot be a variable name", actor->name, assign);

  req = g_malloc0 (sizeof *req + SS_DATA_MAX);
  req->kind = SS_REQ_CALL;
  req->call = info->id;
  text = g_string_new (info->name);
  g_string_append_c (text, '(');

  for (guint i = 0; i < n_args; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node = json_array_get_element (args, i);
      const char *src = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                        ? json_node_get_string (node) : NULL;

      if (src == NULL || !ss_arg_parse (info->arg_kinds[i], src, actor->vars, &values[i], &error))
        {
          for (guint j = 0; j < i; j++)
            ss_arg_clear (&values[j]);
          return reply_error (lab, id, "%s: %s(): argument %u (%s): %s", actor->name, info->name, i + 1,
                              info->arg_names[i], error ? error->message : "not a string");
        }
      g_string_append_printf (text, "%s%s", i ? ", " : "", values[i].text);
      req->iarg[i] = values[i].i;
      if (values[i].is_linger)
        {
          req->has_linger = TRUE;
          req->linger = values[i].linger;
        }
      if (info->arg_kinds[i] == SS_ARG_ADDR)
        {
          req->addr = values[i].addr;
          req->addrlen = values[i].addrlen;
        }
      if (values[i].data != NULL)
        {
          memcpy (req->data, values[i].data->data, values[i].data->len);
          req->data_len = values[i].data->len;
        }
    }
  g_string_append_c (text, ')');
  if ((info->id == SS_CALL_RECV || info->id == SS_CALL_RECVFROM) &&
      (req->iarg[1] < 0 || req->iarg[1] > SS_DATA_MAX))
    {
      for (guint i = 0; i < n_args; i++)
        ss_arg_clear (&values[i]);
      return reply_error (lab, id, "%s: %s(): the length must be between 0 and %d",
                          actor->name, info->name, SS_DATA_MAX);
    }

  if (step >= 0)
    lab->step = step;
  lab->generation++;

  call = g_new0 (SsCallRec, 1);
  call->actor = actor;
  call->info = info;
  call->text = g_string_free (g_steal_pointer (&text), FALSE);
  call->cause_text = g_strdup_printf ("%s: %s", actor->name, call->text);
  call->step = step;
  call->seq = lab->seq + 1;
  if (info->id == SS_CALL_CONNECT || info->id == SS_CALL_SENDTO)
    ss_cause_note_remote (call, &req->addr);
  g_ptr_array_add (lab->calls, call);

  ss_lab_event_begin (lab, ss_now_ns (), "call", step);
  g_string_append (lab->out, ",\"actor\":");
  ss_json_append_string (lab->out, actor->name, -1);
  g_string_append_printf (lab->out, ",\"call\":\"%s\",\"fd\":", info->name);
  if (info->acts_on_fd)
    g_string_append_printf (lab->out, "%" G_GINT64_FORMAT, req->iarg[0]);
  else
    g_string_append (lab->out, "null");
  g_string_append (lab->out, ",\"args\":[");
  for (guint i = 0; i < n_args; i++)
    {
      if (i > 0)
        g_string_append_c (lab->out, ',');
      ss_json_append_string (lab->out, values[i].text, -1);
      ss_arg_clear (&values[i]);
    }
  g_string_append (lab->out, "],\"text\":");
  ss_json_append_string (lab->out, call->text, -1);
  g_string_append (lab->out, ",\"assign\":");
  if (assign != NULL)
    ss_json_append_string (lab->out, assign, -1);
  else
    g_string_append (lab->out, "null");
  ss_lab_event_end (lab);

  /* Read the socket behind the fd now: after a close it is gone. */
  actor->call_sock = info->acts_on_fd ? ss_cause_sock_for_fd (lab, actor, (int) req->iarg[0]) : NULL;
  ss_cause_note_call (actor->call_sock, call);

  actor->call = call;
  actor->assign = g_strdup (assign);
  actor->reply_id = id;
  actor->started = actor->blocked = FALSE;
  if (!send_request (actor, req))
    drain_actor (lab, actor);
}

static void
cmd_burst (SsLab      *lab,
           gint64      id,
           JsonObject *cmd)
{
  g_autoptr(GError) error = NULL;
  g_autofree SsActorRequest *req = NULL;
  const char *fd_var = member_string (cmd, "fd_var");
  const char *addr = member_string (cmd, "addr");
  gint64 count = member_int (cmd, "count", -1);
  gint64 size = member_int (cmd, "size", -1);
  SsArgValue fd = { 0 }, to = { 0 };
  SsSockRec *rec;
  SsActor *actor;

  if ((actor = idle_actor (lab, id, cmd)) == NULL)
    return;
  if (count < 1 || count > G_MAXUINT32 || size < 0 || size > SS_DATA_MAX)
    return reply_error (lab, id, "burst needs count ≥ 1 and size between 0 and %d", SS_DATA_MAX);
  if (!ss_arg_parse (SS_ARG_FD, fd_var ? fd_var : "", actor->vars, &fd, &error) ||
      !ss_arg_parse (SS_ARG_ADDR, addr ? addr : "", NULL, &to, &error))
    {
      ss_arg_clear (&fd);
      return reply_error (lab, id, "%s: burst: %s", actor->name, error->message);
    }

  req = g_malloc0 (sizeof *req + SS_DATA_MAX);
  req->kind = SS_REQ_BURST;
  req->iarg[0] = fd.i;
  req->addr = to.addr;
  req->addrlen = to.addrlen;
  req->count = (guint32) count;
  req->data_len = (guint32) size;
  memset (req->data, 'x', (size_t) size);
  ss_arg_clear (&fd);
  ss_arg_clear (&to);

  if ((rec = ss_cause_sock_for_fd (lab, actor, (int) req->iarg[0])) != NULL)
    rec->bursting = TRUE;
  lab->generation++;
  actor->is_burst = TRUE;
  actor->reply_id = id;
  if (!send_request (actor, req))
    drain_actor (lab, actor);
}

static void
cmd_note (SsLab      *lab,
          gint64      id,
          JsonObject *cmd)
{
  const char *text = member_string (cmd, "text");
  const char *level = member_string (cmd, "level");
  gint64 step = member_int (cmd, "step", -1);

  if (level == NULL)
    level = "info";
  if (text == NULL)
    return reply_error (lab, id, "a note needs a text");
  if (!g_str_equal (level, "info") && !g_str_equal (level, "warning") && !g_str_equal (level, "error"))
    return reply_error (lab, id, "a note's level is info, warning or error, not '%s'", level);
  if (step >= 0)
    lab->step = step;

  ss_lab_event_begin (lab, ss_now_ns (), "note", step);
  g_string_append_printf (lab->out, ",\"level\":\"%s\",\"text\":", level);
  ss_json_append_string (lab->out, text, -1);
  ss_lab_event_end (lab);
  reply_begin (lab, "ok", id);
  g_string_append (lab->out, "}\n");
}

static void
handle_command (SsLab      *lab,
                const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *cmd;
  const char *name;
  gint64 id;

  if (!json_parser_load_from_data (parser, line, -1, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return reply_error (lab, -1, "a command is one JSON object per line: %s",
                        error ? error->message : "not an object");

  cmd = json_node_get_object (json_parser_get_root (parser));
  id = member_int (cmd, "id", -1);
  name = member_string (cmd, "cmd");

  if (g_strcmp0 (name, "call") == 0)
    cmd_call (lab, id, cmd);
  else if (g_strcmp0 (name, "actor") == 0)
    cmd_actor (lab, id, cmd);
  else if (g_strcmp0 (name, "note") == 0)
    cmd_note (lab, id, cmd);
  else if (g_strcmp0 (name, "settle") == 0)
    add_pending (lab, SS_PENDING_SETTLE, id, NULL, CLAMP (member_int (cmd, "ms", 300), 0, 600000) * MS);
  else if (g_strcmp0 (name, "burst") == 0)
    cmd_burst (lab, id, cmd);
  else if (g_strcmp0 (name, "quit") == 0)
    {
      reply_begin (lab, "ok", id);
      g_string_append (lab->out, "}\n");
      lab->quit = TRUE;
    }
  else
    reply_error (lab, id, "unknown command '%s': use actor, call, note, settle or quit",
                 name ? name : "");
}

static void
read_commands (SsLab *lab)
{
  char buf[65536];
  ssize_t n = read (lab->ctl, buf, sizeof buf);
  char *nl;

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0)
    {
      /* The front end closed its end: nothing left to do. */
      lab->quit = TRUE;
      return;
    }
  g_string_append_len (lab->in, buf, n);
  while (!lab->quit && (nl = memchr (lab->in->str, '\n', lab->in->len)) != NULL)
    {
      *nl = '\0';
      if (nl > lab->in->str)
        handle_command (lab, lab->in->str);
      g_string_erase (lab->in, 0, nl - lab->in->str + 1);
    }
}

/* ---- settling ---- */

static void
reply_pending (SsLab     *lab,
               SsPending *p)
{
  switch (p->kind)
    {
    case SS_PENDING_CALL:
      reply_begin (lab, "done", p->id);
      g_string_append_printf (lab->out, ",\"status\":\"%s\",\"call_seq\":%" G_GUINT64_FORMAT "}\n",
                              p->blocked ? "blocked" : "returned", p->call_seq);
      break;

    case SS_PENDING_BURST:
      {
        guint ps_recv, ps_drop;
        g_autofree char *text = NULL;

        ss_capture_stats (lab, &ps_recv, &ps_drop);
        text = g_strdup_printf ("burst: %" G_GUINT64_FORMAT " datagrams sent; capture ps_recv=%u ps_drop=%u",
                                p->burst_sent, ps_recv, ps_drop);
        ss_lab_event_begin (lab, ss_now_ns (), "note", lab->step);
        g_string_append (lab->out, ",\"level\":\"info\",\"text\":");
        ss_json_append_string (lab->out, text, -1);
        ss_lab_event_end (lab);
        reply_begin (lab, "done", p->id);
        g_string_append_printf (lab->out, ",\"sent\":%" G_GUINT64_FORMAT ",\"ps_recv\":%u,\"ps_drop\":%u}\n",
                                p->burst_sent, ps_recv, ps_drop);
      }
      break;

    case SS_PENDING_SETTLE:
      reply_begin (lab, "done", p->id);
      g_string_append (lab->out, "}\n");
      break;

    case SS_PENDING_REFRESH:
    default:
      break;
    }
  if (p->actor != NULL && p->actor->pending == p)
    p->actor->pending = NULL;
}

static void
process_pending (SsLab  *lab,
                 gint64  now)
{
  gboolean refreshed = FALSE;

  for (guint i = 0; i < lab->pending->len;)
    {
      SsPending *p = g_ptr_array_index (lab->pending, i);
      gboolean due = now >= p->deadline;
      gboolean quiet = !lab->backlog && now - MAX (lab->last_packet_mono, p->since) >= QUIET_US;

      if (!quiet && !due)
        {
          i++;
          continue;
        }
      if (!refreshed && (lab->states_stale || now - lab->last_refresh >= QUIET_US))
        {
          ss_sockdiag_refresh (lab);
          refreshed = TRUE;
        }
      if (p->kind == SS_PENDING_SETTLE && lab->settle_busy && !due)
        {
          i++;
          continue;
        }
      reply_pending (lab, p);
      g_ptr_array_remove_index (lab->pending, i);
    }
}

static gint64
next_wakeup (SsLab  *lab,
             gint64  now)
{
  gint64 next = G_MAXINT64;

  for (guint i = 0; i < lab->pending->len; i++)
    {
      SsPending *p = g_ptr_array_index (lab->pending, i);
      gint64 quiet_at = MAX (lab->last_packet_mono, p->since) + QUIET_US;

      if (p->kind == SS_PENDING_SETTLE && quiet_at <= now)
        quiet_at = lab->last_refresh + QUIET_US;
      next = MIN (next, MIN (quiet_at, p->deadline));
    }
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if (actor->alive && actor->call != NULL && actor->started && !actor->blocked)
        next = MIN (next, actor->started_mono + BLOCKED_US);
    }
  if (lab->next_poll != 0)
    next = MIN (next, lab->next_poll);
  return next;
}

static void
check_timers (SsLab  *lab,
              gint64  now)
{
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if (actor->alive && actor->call != NULL && actor->started && !actor->blocked &&
          now - actor->started_mono >= BLOCKED_US)
        mark_blocked (lab, actor);
    }
  process_pending (lab, now);
  if (lab->next_poll != 0 && now >= lab->next_poll)
    ss_sockdiag_refresh (lab);
}

static void
run (SsLab *lab)
{
  g_autofree struct pollfd *fds = NULL;
  guint n_alloc = 0;

  while (!lab->quit)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wake = next_wakeup (lab, now);
      int timeout = wake == G_MAXINT64 ? -1 : (int) MAX (0, (wake - now + 999) / 1000);
      guint n = 2;

      if (n_alloc < lab->actors->len + 2)
        {
          n_alloc = lab->actors->len + 8;
          fds = g_renew (struct pollfd, fds, n_alloc);
        }
      fds[0] = (struct pollfd) { .fd = lab->ctl, .events = POLLIN | (lab->out->len > lab->out_pos ? POLLOUT : 0) };
      fds[1] = (struct pollfd) { .fd = lab->pcap_fd, .events = POLLIN };
      for (guint i = 0; i < lab->actors->len; i++)
        {
          SsActor *actor = g_ptr_array_index (lab->actors, i);

          if (actor->alive)
            fds[n++] = (struct pollfd) { .fd = actor->chan, .events = POLLIN };
        }

      if (lab->backlog && lab->out->len < OUTPUT_HIGH_WATER)
        timeout = 0;
      if (poll (fds, n, timeout) < 0 && errno != EINTR)
        break;

      /* Actors first: a packet is attributed knowing every call started so far. */
      ss_lab_drain_actors (lab);
      ss_capture_read (lab);
      /* Events are made only while the front end keeps up; frames wait in the queue. */
      if (lab->out->len < OUTPUT_HIGH_WATER)
        lab->backlog = ss_capture_process (lab, 64);
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        read_commands (lab);
      check_timers (lab, g_get_monotonic_time ());
      flush_output (lab);
    }
}

/* Everything the lab holds, so that it exits clean under LeakSanitizer and valgrind. */
static void
free_lab (SsLab *lab)
{
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      g_free (actor->name);
      g_free (actor->parent);
      g_free (actor->assign);
      g_clear_pointer (&actor->vars, g_hash_table_unref);
      if (actor->chan >= 0)
        close (actor->chan);
      g_free (actor);
    }
  for (guint i = 0; i < lab->calls->len; i++)
    {
      SsCallRec *call = g_ptr_array_index (lab->calls, i);

      g_free (call->text);
      g_free (call->cause_text);
      g_free (call);
    }
  g_ptr_array_unref (lab->actors);
  g_ptr_array_unref (lab->calls);
  g_ptr_array_unref (lab->pending);
  ss_capture_close (lab);
  g_clear_pointer (&lab->socks, g_hash_table_unref);
  g_clear_pointer (&lab->socks_by_tuple, g_hash_table_unref);
  g_clear_pointer (&lab->flows, g_hash_table_unref);
  g_clear_pointer (&lab->states, g_array_unref);
  if (lab->diag >= 0)
    close (lab->diag);
  g_string_free (lab->in, TRUE);
  g_string_free (lab->out, TRUE);
  g_free (lab->workdir);
}

static void
shutdown_lab (SsLab *lab)
{
  flush_output_blocking (lab);
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if (actor->alive)
        {
          kill (actor->pid, SIGKILL);
          waitpid (actor->pid, NULL, 0);
        }
    }
  if (lab->workdir_on_host)
    ss_namespace_remove_workdir (lab->workdir);
  free_lab (lab);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *remedy = NULL;
  SsLab lab = { 0 };
  int ctl = -1;

  if (argc == 3 && g_str_equal (argv[1], "--fd"))
    ctl = atoi (argv[2]);
  if (ctl < 0 || fcntl (ctl, F_GETFD) < 0)
    {
      fprintf (stderr, "Usage: sockscope-lab --fd N\n"
               "sockscope-lab is started by sockscope or sockscope-cli with one end of a "
               "socketpair as fd N; it is not meant to be run by hand.\n");
      return 2;
    }
  fcntl (ctl, F_SETFD, FD_CLOEXEC);

  /* First, while single-threaded: the namespaces. */
  if (!ss_namespace_enter (&error, &remedy))
    fatal (ctl, "userns", error->message, remedy);

  signal (SIGPIPE, SIG_IGN);
  lab.ctl = ctl;
  lab.in = g_string_new (NULL);
  lab.out = g_string_sized_new (1 << 16);
  lab.step = -1;
  lab.actors = g_ptr_array_new ();
  lab.calls = g_ptr_array_new ();
  lab.pending = g_ptr_array_new_with_free_func (g_free);
  ss_cause_init (&lab);

  if ((lab.workdir = ss_namespace_workdir (&lab.workdir_on_host, &error)) == NULL)
    fatal (ctl, "workdir", error->message, NULL);
  if (!ss_capture_open (&lab, &error))
    fatal (ctl, "capture", error->message, NULL);
  if ((lab.diag = ss_sockdiag_open (&error)) < 0)
    fatal (ctl, "sock_diag", error->message, NULL);

  fcntl (ctl, F_SETFL, fcntl (ctl, F_GETFL) | O_NONBLOCK);
  g_string_append_printf (lab.out, "{\"reply\":\"ready\",\"pid\":%d,\"t_ns\":%" G_GUINT64_FORMAT "}\n",
                          (int) getpid (), ss_now_ns ());
  flush_output (&lab);

  run (&lab);
  shutdown_lab (&lab);
  return 0;
}
