/* sockscope-lab.c: the lab helper's main loop.
 *
 * Spawned by a front end with one end of a socketpair (--fd N).  It enters
 * private namespaces first, while single-threaded, then runs a plain poll()
 * loop over the control socket, the capture and the actors' channels.  No
 * threads, no GLib main loop: the order in which the lab looks at things is
 * what ties packets to calls.  See docs/LAB-PROTOCOL.md and docs/EVENT-LOG.md.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sockscope-lab-private.h"
#include "sockscope-trace.h"

#define MS                 G_TIME_SPAN_MILLISECOND
#define QUIET_US           (10 * MS)    /* capture quiet for this long: settled */
#define BLOCKED_US         (10 * MS)    /* a call still running after this, asleep, is blocked */
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

/* A number in decimal, without printf: every event has a few, a traced echo loop makes
 * tens of thousands of events a second. */
void
ss_lab_append_int (GString *s,
                   gint64   v)
{
  char buf[24], *p = buf + sizeof buf;
  guint64 u = v < 0 ? -(guint64) v : (guint64) v;

  do
    *--p = (char) ('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0)
    *--p = '-';
  g_string_append_len (s, p, buf + sizeof buf - p);
}

static void
append_uint (GString *s,
             guint64  u)
{
  char buf[24], *p = buf + sizeof buf;

  do
    *--p = (char) ('0' + u % 10);
  while ((u /= 10) != 0);
  g_string_append_len (s, p, buf + sizeof buf - p);
}

void
ss_lab_event_begin (SsLab      *lab,
                    guint64     t_ns,
                    const char *type,
                    gint64      step)
{
  g_string_append (lab->out, "{\"seq\":");
  append_uint (lab->out, ++lab->seq);
  g_string_append (lab->out, ",\"t_ns\":");
  append_uint (lab->out, t_ns);
  g_string_append (lab->out, ",\"type\":\"");
  g_string_append (lab->out, type);
  g_string_append (lab->out, "\",\"step\":");
  if (step < 0)
    g_string_append (lab->out, "null");
  else
    ss_lab_append_int (lab->out, step);
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
new_actor (SsLab      *lab,
           const char *name,
           const char *parent,
           pid_t       pid,
           int         chan)
{
  SsActor *actor = g_new0 (SsActor, 1);

  actor->lab = lab;
  actor->name = g_strdup (name);
  actor->parent = g_strdup (parent);
  actor->pid = actor->tid = pid;
  actor->chan = chan;
  actor->new_chan = -1;
  actor->alive = TRUE;
  actor->reply_id = -1;
  g_ptr_array_add (lab->actors, actor);
  return actor;
}

static SsActor *
spawn_actor (SsLab       *lab,
             const char  *name,
             const char  *parent,
             guint8       host,
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
      /* on its host: its sockets, its lo, its eth0 (a fork or thread stays there) */
      if (host != SS_HOST_NONE && !ss_wire_enter_host (lab, host))
        _exit (127);
      if (dup2 (sv[1], SS_ACTOR_CHAN_FD) < 0)
        _exit (127);
      /* A lesson's program starts with 0, 1 and 2 open and its first socket is 3. */
      dup2 (devnull, 0);
      dup2 (devnull, 1);
      close_range (3, SS_ACTOR_CHAN_FD - 1, 0);
      close_range (SS_ACTOR_CHAN_FD + 1, ~0u, 0);
      /* The observer goes first: an actor flooding lo must not starve the
       * capture of CPU, or the kernel's ring overflows and packets are lost. */
      setpriority (PRIO_PROCESS, 0, 10);
      if (chdir (lab->workdir) < 0)
        _exit (127);
      ss_actor_main (SS_ACTOR_CHAN_FD);
    }

  close (sv[1]);
  fcntl (sv[0], F_SETFL, O_NONBLOCK);

  actor = new_actor (lab, name, parent, pid, sv[0]);
  actor->lab_child = TRUE;
  actor->host = host;
  actor->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  actor->data_vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  return actor;
}

SsActor *
ss_lab_actor_by_pid (SsLab    *lab,
                     pid_t     pid,
                     gboolean  any_state)
{
  for (guint i = lab->actors->len; i > 0; i--)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i - 1);

      if (actor->pid == pid && !actor->thread && (any_state || actor->alive))
        return actor;
    }
  return NULL;
}

static void
emit_actor_event (SsLab   *lab,
                  SsActor *actor)
{
  GString *out = lab->out;

  ss_lab_event_begin (lab, ss_now_ns (), "actor", lab->step);
  g_string_append (out, ",\"actor\":");
  ss_json_append_string (out, actor->name, -1);
  g_string_append (out, ",\"name\":");
  ss_json_append_string (out, actor->name, -1);
  g_string_append_printf (out, ",\"event\":\"spawned\",\"pid\":%d,\"tid\":%d,\"thread\":%s,\"parent\":",
                          (int) actor->pid, (int) actor->tid, actor->thread ? "true" : "false");
  if (actor->parent != NULL)
    ss_json_append_string (out, actor->parent, -1);
  else
    g_string_append (out, "null");
  if (actor->via != 0)
    g_string_append_printf (out, ",\"via\":%" G_GUINT64_FORMAT, actor->via);
  else
    g_string_append (out, ",\"via\":null");
  if (actor->host != SS_HOST_NONE)
    {
      /* and the host's name (`hosts`'s, alice/bob by default): a session keeps the names given */
      g_string_append_printf (out, ",\"host\":\"%s\",\"host_name\":", ss_host_name (actor->host));
      ss_json_append_string (out, lab->host_names[actor->host == SS_HOST_B] ? lab->host_names[actor->host == SS_HOST_B]
                                  : actor->host == SS_HOST_B ? "bob" : "alice", -1);
    }
  ss_lab_event_end (lab);
}

static const char *
signal_name (int sig)
{
  static char buf[32];
  const char *abbrev = sigabbrev_np (sig);

  g_snprintf (buf, sizeof buf, "SIG%s", abbrev ? abbrev : "UNKNOWN");
  return buf;
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

/* The actor is gone: its process ended (@status as waitpid gives it, or
 * @known FALSE when nobody could tell), or, for a thread actor, its thread. */
static void
actor_ended (SsLab    *lab,
             SsActor  *actor,
             gboolean  known,
             int       status)
{
  GString *out = lab->out;
  SsCallId call = actor->call != NULL ? actor->call->info->id : SS_CALL_N_CALLS;
  gboolean ending_call = call == SS_CALL_EXIT || call == SS_CALL_PTHREAD_EXIT;

  if (!actor->alive && !actor->ending)
    return;
  actor->alive = FALSE;
  actor->ending = FALSE;
  if (actor->chan >= 0)
    close (actor->chan);
  actor->chan = -1;
  if (actor->new_chan >= 0)
    close (actor->new_chan);
  actor->new_chan = -1;

  ss_lab_event_begin (lab, ss_now_ns (), "exit", lab->step);
  g_string_append (out, ",\"actor\":");
  ss_json_append_string (out, actor->name, -1);
  g_string_append_printf (out, ",\"pid\":%d,\"tid\":%d,\"thread\":%s", (int) actor->pid,
                          (int) actor->tid, actor->thread ? "true" : "false");
  if (actor->thread || !known)
    g_string_append (out, ",\"status\":null,\"signal\":null");
  else if (WIFSIGNALED (status))
    g_string_append_printf (out, ",\"status\":null,\"signal\":\"%s\"", signal_name (WTERMSIG (status)));
  else
    g_string_append_printf (out, ",\"status\":%d,\"signal\":null", WEXITSTATUS (status));
  if (ending_call)
    g_string_append_printf (out, ",\"call_seq\":%" G_GUINT64_FORMAT, actor->call->seq);
  else
    g_string_append (out, ",\"call_seq\":null");
  ss_lab_event_end (lab);

  if (actor->reply_id >= 0 && ending_call)
    {
      SsPending *p = add_pending (lab, SS_PENDING_CALL, actor->reply_id, actor, SETTLE_MAX_US);

      p->call_seq = actor->call->seq;
      p->exited = TRUE;
    }
  else if (actor->reply_id >= 0)
    {
      const char *what = actor->is_burst ? "burst" : actor->call->info->name;

      if (known && WIFSIGNALED (status))
        reply_error (lab, actor->reply_id, "%s was killed by %s during %s()", actor->name,
                     signal_name (WTERMSIG (status)), what);
      else
        reply_error (lab, actor->reply_id, "%s exited during %s()", actor->name, what);
    }
  actor->reply_id = -1;
  actor->call = NULL;
  actor->is_burst = FALSE;
  lab->states_stale = TRUE;
  add_pending (lab, SS_PENDING_REFRESH, -1, NULL, 0);
}

/* The exit status of a process the lab did not fork, once it is a zombie:
 * field 52 of /proc/PID/stat.  FALSE while it still runs. */
static gboolean
zombie_status (pid_t     pid,
               gboolean *gone,
               int      *status)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *paren;

  *gone = FALSE;
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      *gone = TRUE;
      return FALSE;
    }
  if ((paren = strrchr (contents, ')')) == NULL)
    return FALSE;
  fields = g_strsplit (g_strstrip ((char *) paren + 1), " ", -1);
  /* fields[0] is field 3, the state */
  if (g_strv_length (fields) < 50 || (fields[0][0] != 'Z' && fields[0][0] != 'X'))
    return FALSE;
  *status = atoi (fields[49]);
  return TRUE;
}

static void drain_actor (SsLab   *lab,
                         SsActor *actor);

/* A process actor whose channel closed: find how it ended. */
static void
poll_ending (SsLab   *lab,
             SsActor *actor,
             gint64   now)
{
  gboolean gone;
  int status = 0;
  pid_t r;

  if (actor->lab_child)
    {
      /* The channel closes as the process exits: it is about to be a zombie. */
      while (waitpid (actor->pid, &status, 0) < 0 && errno == EINTR)
        ;
      actor_ended (lab, actor, TRUE, actor->exit_known ? W_EXITCODE (actor->exit_status, 0) : status);
      return;
    }
  /* Forked by an actor, whose waitpid collects it; or adopted by the lab (a
   * subreaper) when its parent died, and then the lab reaps it. */
  r = waitpid (actor->pid, &status, WNOHANG);
  if (r == actor->pid)
    actor_ended (lab, actor, TRUE, status);
  else if (r == 0 && now - actor->ending_since <= G_TIME_SPAN_SECOND)
    return;     /* the lab's, still exiting */
  else if (actor->exit_known)
    actor_ended (lab, actor, TRUE, W_EXITCODE (actor->exit_status, 0));
  else if (r < 0 && zombie_status (actor->pid, &gone, &status))
    actor_ended (lab, actor, TRUE, status);
  else if (r < 0 && gone && now - actor->ending_since <= G_TIME_SPAN_SECOND)
    {
      /* Already reaped by its parent (blocked in waitpid): the parent's SIGCHLD report,
       * still on its channel, has the status. */
      SsActor *parent = actor->parent ? find_actor (lab, actor->parent) : NULL;

      if (parent != NULL && parent->alive)
        drain_actor (lab, parent);
    }
  else if ((r < 0 && gone) || now - actor->ending_since > G_TIME_SPAN_SECOND)
    actor_ended (lab, actor, FALSE, 0);
}

static void
channel_closed (SsLab   *lab,
                SsActor *actor)
{
  if (actor->thread)
    {
      actor_ended (lab, actor, FALSE, 0);
      return;
    }
  close (actor->chan);
  actor->chan = -1;
  actor->alive = FALSE;
  actor->ending = TRUE;
  actor->ending_since = g_get_monotonic_time ();
  poll_ending (lab, actor, actor->ending_since);
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

/* Frames read from the rings that are not events yet. */
static gboolean
capture_queued (SsLab *lab)
{
  GByteArray *head = g_queue_peek_head (lab->queue);

  return head != NULL && (lab->queue_pos < head->len || lab->queue->length > 1);
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
  ss_wire_sync (lab);
  ss_capture_read (lab);
  /* (a call that sent nothing: no second look at the empty ring, a poll each in libpcap) */
  while (capture_queued (lab) && ss_capture_process (lab, 64))
    ;
  lab->last_drain_ns = drained;
}

static void
append_lookup_error (GString          *out,
                     const SsActorMsg *msg)
{
  const char *name = NULL;
  const char *text = NULL;
  static const struct { int code; const char *name; } eai[] = {
    { EAI_BADFLAGS, "EAI_BADFLAGS" }, { EAI_NONAME, "EAI_NONAME" }, { EAI_AGAIN, "EAI_AGAIN" },
    { EAI_FAIL, "EAI_FAIL" }, { EAI_FAMILY, "EAI_FAMILY" }, { EAI_SOCKTYPE, "EAI_SOCKTYPE" },
    { EAI_SERVICE, "EAI_SERVICE" }, { EAI_MEMORY, "EAI_MEMORY" }, { EAI_SYSTEM, "EAI_SYSTEM" },
    { EAI_OVERFLOW, "EAI_OVERFLOW" }, { EAI_NODATA, "EAI_NODATA" }, { EAI_ADDRFAMILY, "EAI_ADDRFAMILY" },
  };
  static const struct { int code; const char *name; } herr[] = {
    { HOST_NOT_FOUND, "HOST_NOT_FOUND" }, { TRY_AGAIN, "TRY_AGAIN" },
    { NO_RECOVERY, "NO_RECOVERY" }, { NO_DATA, "NO_DATA" },
  };

  switch ((SsLookupKind) msg->lookup_kind)
    {
    case SS_LOOKUP_EAI:
      for (guint i = 0; i < G_N_ELEMENTS (eai); i++)
        if (eai[i].code == (int) msg->ret)
          name = eai[i].name;
      text = gai_strerror ((int) msg->ret);
      break;
    case SS_LOOKUP_HERRNO:
      for (guint i = 0; i < G_N_ELEMENTS (herr); i++)
        if (herr[i].code == msg->value)
          name = herr[i].name;
      text = hstrerror (msg->value);
      break;
    case SS_LOOKUP_NOTFOUND:
    case SS_LOOKUP_NONE:
    default:
      text = "no such service in /etc/services";
      break;
    }
  g_string_append (out, ",\"errno\":null,\"strerror\":null,\"error\":");
  if (name != NULL)
    ss_json_append_string (out, name, -1);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"error_text\":");
  ss_json_append_string (out, text, -1);
}

/* select, poll: which of the arguments are ready, as written and as fds. */
static void
append_ready (GString          *out,
              const SsCallRec  *call,
              const SsActorMsg *msg)
{
  guint n = call->args_src ? g_strv_length (call->args_src) : 0;
  gboolean first = TRUE;

  g_string_append (out, "\"ready\":[");
  for (guint i = 0; i < n; i++)
    if (msg->ready_mask & (1u << i))
      {
        if (!first)
          g_string_append_c (out, ',');
        ss_json_append_string (out, call->args_src[i], -1);
        first = FALSE;
      }
  g_string_append (out, "],\"ready_fds\":[");
  first = TRUE;
  for (guint i = 0; i < n; i++)
    if (msg->ready_mask & (1u << i))
      {
        g_string_append_printf (out, "%s%d", first ? "" : ",", call->fds[i]);
        first = FALSE;
      }
  g_string_append_c (out, ']');
  if (call->info->id == SS_CALL_POLL && msg->data_len >= n * sizeof (short))
    {
      static const struct { short bit; const char *name; } bits[] = {
        { POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" }, { POLLOUT, "POLLOUT" }, { POLLERR, "POLLERR" },
        { POLLHUP, "POLLHUP" }, { POLLNVAL, "POLLNVAL" }, { POLLRDHUP, "POLLRDHUP" },
      };

      g_string_append (out, ",\"revents\":[");
      for (guint i = 0; i < n; i++)
        {
          short revents;
          gboolean none = TRUE;

          memcpy (&revents, msg->data + i * sizeof (short), sizeof revents);
          g_string_append (out, i ? ",\"" : "\"");
          for (guint b = 0; b < G_N_ELEMENTS (bits); b++)
            if (revents & bits[b].bit)
              {
                g_string_append_printf (out, "%s%s", none ? "" : "|", bits[b].name);
                none = FALSE;
              }
          if (none)
            g_string_append_c (out, '0');
          g_string_append_c (out, '"');
        }
      g_string_append_c (out, ']');
    }
}

/* getaddrinfo: "ip:port" strings as accept's; gethostbyname: addresses only. */
static void
append_addrs (GString          *out,
              SsCallId          id,
              const SsActorMsg *msg)
{
  guint n = msg->data_len / sizeof (struct sockaddr_storage);

  if (n == 0)
    {
      g_string_append (out, "\"addr\":null,\"addrs\":[]");
      return;
    }
  for (guint i = 0; i <= n; i++)
    {
      struct sockaddr_storage ss;
      g_autofree char *text = NULL;

      if (i == n)
        {
          g_string_append_c (out, ']');
          break;
        }
      memcpy (&ss, msg->data + i * sizeof ss, sizeof ss);
      if (id == SS_CALL_GETHOSTBYNAME)
        {
          char host[INET6_ADDRSTRLEN] = "";

          inet_ntop (AF_INET, &((struct sockaddr_in *) &ss)->sin_addr, host, sizeof host);
          text = g_strdup (host);
        }
      else
        text = ss_sockaddr_to_string ((const struct sockaddr *) &ss,
                                      ss.ss_family == AF_INET6 ? sizeof (struct sockaddr_in6)
                                                               : sizeof (struct sockaddr_in));
      if (i == 0)
        {
          g_string_append (out, "\"addr\":");
          ss_json_append_string (out, text, -1);
          g_string_append (out, ",\"addrs\":[");
        }
      else
        g_string_append_c (out, ',');
      ss_json_append_string (out, text, -1);
    }
}

static void
emit_return_event (SsLab            *lab,
                   SsActor          *actor,
                   const SsActorMsg *msg,
                   guint64           t_ns)
{
  GString *out = lab->out;
  SsCallRec *call = actor->call;
  SsCallId id = call->info->id;

  ss_lab_event_begin (lab, t_ns, "return", call->step);
  g_string_append (out, ",\"actor\":");
  ss_json_append_string (out, actor->name, -1);
  g_string_append (out, ",\"call\":\"");
  g_string_append (out, call->info->name);
  g_string_append (out, "\",\"call_seq\":");
  append_uint (out, call->seq);
  g_string_append (out, ",\"ret\":");
  ss_lab_append_int (out, msg->ret);
  if (msg->lookup_kind != SS_LOOKUP_NONE)
    append_lookup_error (out, msg);
  else if (msg->ret < 0)
    {
      g_string_append (out, ",\"errno\":");
      ss_json_append_string (out, strerrorname_np (msg->err) ? strerrorname_np (msg->err) : "EUNKNOWN", -1);
      g_string_append (out, ",\"strerror\":");
      ss_json_append_string (out, g_strerror (msg->err), -1);
    }
  else
    g_string_append (out, ",\"errno\":null,\"strerror\":null");
  g_string_append (out, ",\"t_start_ns\":");
  append_uint (out, msg->t_start_ns);
  g_string_append (out, ",\"t_end_ns\":");
  append_uint (out, msg->t_end_ns);
  g_string_append (out, ",\"out\":{");

  if (msg->ret >= 0 && msg->lookup_kind == SS_LOOKUP_NONE)
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
      if (msg->epoll_wait)
        ss_trace_append_epoll_ready (out, msg);
      switch (id)
        {
        case SS_CALL_RECV:
        case SS_CALL_RECVFROM:
          g_string_append (out, comma ? ",\"data\":" : "\"data\":");
          ss_json_append_string (out, (const char *) msg->data, msg->data_len);
          g_string_append (out, ",\"data_hex\":\"");
          /* not a printf a byte: a free-running traced echo receives thousands a second */
          for (guint32 i = 0; i < msg->data_len; i++)
            {
              g_string_append_c (out, "0123456789abcdef"[msg->data[i] >> 4]);
              g_string_append_c (out, "0123456789abcdef"[msg->data[i] & 15]);
            }
          g_string_append (out, "\",\"len\":");
          append_uint (out, msg->data_len);
          append_flags (out, msg->msg_flags);
          break;

        case SS_CALL_SOCKETPAIR:
          g_string_append_printf (out, "\"fds\":[%d,%d]", msg->fds[0], msg->fds[1]);
          break;

        case SS_CALL_GETSOCKOPT:
          if (msg->has_linger)
            g_string_append_printf (out, "\"value\":{\"onoff\":%d,\"linger\":%d}",
                                    msg->linger.l_onoff, msg->linger.l_linger);
          else
            g_string_append_printf (out, "\"value\":%d", msg->value);
          break;

        case SS_CALL_FORK:
          g_string_append_printf (out, "\"pid\":%" G_GINT64_FORMAT, msg->ret);
          break;

        case SS_CALL_PTHREAD_CREATE:
          g_string_append_printf (out, "\"thread\":%" G_GINT64_FORMAT ",\"tid\":%d", msg->ret, msg->new_tid);
          break;

        case SS_CALL_WAITPID:
          g_string_append_printf (out, "\"pid\":%d,\"status\":%d,\"exited\":%d",
                                  msg->ret > 0 ? msg->child_pid : 0, msg->ret > 0 ? msg->wstatus : 0,
                                  msg->ret > 0 && WIFEXITED (msg->wstatus));
          if (msg->ret > 0 && WIFEXITED (msg->wstatus))
            g_string_append_printf (out, ",\"exit_status\":%d,\"signal\":null", WEXITSTATUS (msg->wstatus));
          else if (msg->ret > 0 && WIFSIGNALED (msg->wstatus))
            g_string_append_printf (out, ",\"exit_status\":null,\"signal\":\"%s\"",
                                    signal_name (WTERMSIG (msg->wstatus)));
          break;

        case SS_CALL_SELECT:
        case SS_CALL_POLL:
          append_ready (out, call, msg);
          break;

        case SS_CALL_GETADDRINFO:
        case SS_CALL_GETHOSTBYNAME:
          append_addrs (out, id, msg);
          break;

        case SS_CALL_GETSERVBYNAME:
          g_string_append_printf (out, "\"port\":%" G_GINT64_FORMAT, msg->ret);
          break;

        case SS_CALL_HTONS:
        case SS_CALL_HTONL:
        case SS_CALL_NTOHS:
        case SS_CALL_NTOHL:
          g_string_append_printf (out, "\"value\":%" G_GINT64_FORMAT ",\"bytes\":\"", msg->ret);
          for (guint32 i = 0; i < msg->data_len && i < 4; i++)
            g_string_append_printf (out, "%s%02x", i ? " " : "", msg->data[i]);
          g_string_append_c (out, '"');
          break;

        default:
          break;
        }
    }
  g_string_append (out, "}");
  ss_lab_event_end (lab);
}

static void
emit_return (SsLab            *lab,
             SsActor          *actor,
             const SsActorMsg *msg)
{
  log_packets_before_return (lab);
  emit_return_event (lab, actor, msg, ss_now_ns ());
}

static void
remember_result (SsLab            *lab,
                 SsActor          *actor,
                 const SsActorMsg *msg)
{
  SsCallRec *call = actor->call;

  if (msg->ret < 0 || msg->lookup_kind != SS_LOOKUP_NONE)
    return;

  if (call->info->id == SS_CALL_SOCKETPAIR)
    {
      if (actor->assign != NULL)
        {
          g_hash_table_replace (actor->vars, g_strdup_printf ("%s[0]", actor->assign),
                                (gpointer) (gintptr) msg->fds[0]);
          g_hash_table_replace (actor->vars, g_strdup_printf ("%s[1]", actor->assign),
                                (gpointer) (gintptr) msg->fds[1]);
        }
      for (guint i = 0; i < 2; i++)
        ss_cause_note_call (ss_cause_sock_for_fd (lab, actor, msg->fds[i]), call);
      return;
    }

  if (actor->assign != NULL)
    {
      g_hash_table_replace (actor->vars, g_strdup (actor->assign), (gpointer) (gintptr) msg->ret);
      if (call->info->id == SS_CALL_RECV || call->info->id == SS_CALL_RECVFROM)
        g_hash_table_replace (actor->data_vars, g_strdup (actor->assign),
                              g_bytes_new (msg->data, msg->data_len));
      else
        g_hash_table_remove (actor->data_vars, actor->assign);
    }
  if (call->info->creates_fd)
    ss_cause_note_call (ss_cause_sock_for_fd (lab, actor, (int) msg->ret), call);
}

/* fork, pthread_create returned: the new actor exists, with its variables. */
static SsActor *
adopt_new_actor (SsLab            *lab,
                 SsActor          *actor,
                 const SsActorMsg *msg)
{
  gboolean thread = actor->call->info->id == SS_CALL_PTHREAD_CREATE;
  SsActor *child = new_actor (lab, actor->new_name, actor->name,
                              thread ? actor->pid : (pid_t) msg->ret, actor->new_chan);

  actor->new_chan = -1;
  child->tid = msg->new_tid;
  child->thread = thread;
  child->host = actor->host;
  child->via = actor->call->seq;
  if (thread)
    {
      /* A thread shares everything with its process: one set of variables. */
      child->vars = g_hash_table_ref (actor->vars);
      child->data_vars = g_hash_table_ref (actor->data_vars);
    }
  else
    {
      GHashTableIter iter;
      gpointer key, value;

      child->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      child->data_vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
      g_hash_table_iter_init (&iter, actor->vars);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (child->vars, g_strdup (key), value);
      g_hash_table_iter_init (&iter, actor->data_vars);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (child->data_vars, g_strdup (key), g_bytes_ref (value));
      /* In the child, fork () returned 0. */
      if (actor->assign != NULL)
        {
          g_hash_table_replace (child->vars, g_strdup (actor->assign), (gpointer) (gintptr) 0);
          g_hash_table_remove (child->data_vars, actor->assign);
        }
    }
  emit_actor_event (lab, child);
  return child;
}

static void drain_actor (SsLab   *lab,
                         SsActor *actor);

/* A child process the actor knew about has been reaped, or reported by
 * SIGCHLD: log its end now if its channel has not said so yet. */
static void
child_ended (SsLab *lab,
             pid_t  pid,
             int    status)
{
  SsActor *child = ss_lab_actor_by_pid (lab, pid, TRUE);

  if (child == NULL)
    return;
  if (child->alive)
    drain_actor (lab, child);
  if (child->alive || child->ending)
    actor_ended (lab, child, TRUE, status);
}

static void
handle_sigchld (SsLab            *lab,
                SsActor          *actor,
                const SsActorMsg *msg)
{
  pid_t pid = msg->child_pid;
  int status = msg->child_code == CLD_EXITED ? W_EXITCODE (msg->wstatus, 0)
               : (msg->wstatus & 0x7f) | (msg->child_code == CLD_DUMPED ? 0x80 : 0);
  SsActor *child = ss_lab_actor_by_pid (lab, pid, TRUE);
  SsActor *parent;
  GString *out = lab->out;

  /* A burst's sender, or an actor's own helper: not an actor. */
  if (child == NULL)
    return;
  child_ended (lab, pid, status);
  parent = child->parent ? find_actor (lab, child->parent) : NULL;
  if (parent == NULL || !parent->alive)
    parent = actor;

  ss_lab_event_begin (lab, ss_now_ns (), "signal", lab->step);
  g_string_append (out, ",\"actor\":");
  ss_json_append_string (out, parent->name, -1);
  g_string_append (out, ",\"signal\":\"SIGCHLD\",\"from\":");
  ss_json_append_string (out, child->name, -1);
  g_string_append_printf (out, ",\"pid\":%d", (int) pid);
  ss_lab_event_end (lab);
}

static void
handle_actor_msg (SsLab            *lab,
                  SsActor          *actor,
                  const SsActorMsg *msg)
{
  SsActor *child = NULL;
  SsCallId id;

  if (msg->kind == SS_MSG_SIGCHLD)
    {
      handle_sigchld (lab, actor, msg);
      return;
    }
  if (actor->call == NULL && !actor->is_burst)
    return;

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

  id = actor->call->info->id;
  if ((id == SS_CALL_FORK && msg->ret > 0) || (id == SS_CALL_PTHREAD_CREATE && msg->ret > 0))
    child = adopt_new_actor (lab, actor, msg);
  else if (actor->new_chan >= 0)
    {
      close (actor->new_chan);
      actor->new_chan = -1;
    }
  g_clear_pointer (&actor->new_name, g_free);
  if (id == SS_CALL_WAITPID && msg->ret > 0)
    child_ended (lab, msg->child_pid, msg->wstatus);

  emit_return (lab, actor, msg);
  remember_result (lab, actor, msg);

  if (actor->pending != NULL)
    {
      actor->pending->blocked = FALSE;    /* not replied yet: it returned after all */
      actor->pending->new_actor_pid = child ? child->pid : 0;
    }
  else if (actor->reply_id >= 0)
    {
      SsPending *p = add_pending (lab, SS_PENDING_CALL, actor->reply_id, actor, SETTLE_MAX_US);

      p->call_seq = actor->call->seq;
      p->new_actor_pid = child ? child->pid : 0;
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
  if (actor->traced)
    return;     /* no channel: its calls come as ptrace stops (ss_trace_drain) */
  if (actor->rbuf == NULL)
    actor->rbuf = g_malloc (sizeof *actor->rbuf + SS_DATA_MAX);

  while (actor->alive)
    {
      ssize_t n = recv (actor->chan, actor->rbuf, sizeof *actor->rbuf + SS_DATA_MAX, MSG_DONTWAIT);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          channel_closed (lab, actor);
          return;
        }
      if ((size_t) n >= sizeof *actor->rbuf)
        handle_actor_msg (lab, actor, actor->rbuf);
    }
}

/* Before a packet is attributed: the calls that have started since the last look (their
 * "started" messages), so that a packet of a call in progress finds its cause. Anything else
 * (a return, a SIGCHLD) stays in its channel for the main loop: a return must be logged after
 * every packet captured before it, and those may still wait in the capture queue behind this
 * one. A traced program's calls need nothing here: the lab resumed each one itself. */
void
ss_lab_drain_starts (SsLab *lab)
{
  lab->last_drain_ns = ss_now_ns ();
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if (actor->traced || !actor->alive)
        continue;
      if (actor->rbuf == NULL)
        actor->rbuf = g_malloc (sizeof *actor->rbuf + SS_DATA_MAX);
      for (;;)
        {
          ssize_t n = recv (actor->chan, actor->rbuf, sizeof *actor->rbuf + SS_DATA_MAX, MSG_DONTWAIT | MSG_PEEK);

          if (n < (ssize_t) sizeof *actor->rbuf || actor->rbuf->kind != SS_MSG_STARTED)
            break;
          if (recv (actor->chan, actor->rbuf, sizeof *actor->rbuf + SS_DATA_MAX, MSG_DONTWAIT) != n)
            break;
          handle_actor_msg (lab, actor, actor->rbuf);
        }
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

const char *
ss_member_string (JsonObject *obj,
                  const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
ss_member_int (JsonObject *obj,
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
  const char *name = ss_member_string (cmd, "name");
  const char *parent = ss_member_string (cmd, "parent");
  const char *host_name = ss_member_string (cmd, "host");
  guint8 host = SS_HOST_NONE;
  SsActor *actor;

  if (name == NULL || *name == '\0')
    return reply_error (lab, id, "an actor needs a name");
  if (host_name != NULL && g_strcmp0 (host_name, "a") != 0 && g_strcmp0 (host_name, "b") != 0)
    return reply_error (lab, id, "actor '%s': host is a or b, not '%s'", name, host_name);
  if (host_name != NULL && lab->hosts == NULL)
    return reply_error (lab, id, "actor '%s' is on host %s: send the hosts command first", name, host_name);
  if (host_name == NULL && lab->hosts != NULL)
    return reply_error (lab, id, "actor '%s' needs a host (a or b): this lab has two", name);
  if (host_name != NULL)
    host = host_name[0] == 'a' ? SS_HOST_A : SS_HOST_B;
  if (find_actor (lab, name) != NULL)
    return reply_error (lab, id, "an actor named '%s' already exists", name);
  if (parent != NULL && find_actor (lab, parent) == NULL)
    return reply_error (lab, id, "actor '%s' names an unknown parent '%s'", name, parent);

  if ((actor = spawn_actor (lab, name, parent, host, &error)) == NULL)
    return reply_error (lab, id, "%s", error->message);
  emit_actor_event (lab, actor);
  reply_begin (lab, "ok", id);
  g_string_append_printf (lab->out, ",\"pid\":%d}\n", (int) actor->pid);
}

/* Common checks of `call` and `burst`: the actor exists and is idle. */
static SsActor *
idle_actor (SsLab      *lab,
            gint64      id,
            JsonObject *cmd)
{
  const char *name = ss_member_string (cmd, "actor");
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
              SsActorRequest *req,
              int             fd)
{
  return ss_chan_send (actor->chan, req, sizeof *req + req->data_len, fd);
}

/* A send bigger than a channel message travels in a memfd. */
static int
data_memfd (GByteArray  *data,
            GError     **error)
{
  int fd = memfd_create ("sockscope-data", MFD_CLOEXEC);
  gsize done = 0;

  while (fd >= 0 && done < data->len)
    {
      ssize_t n = write (fd, data->data + done, data->len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          close (fd);
          fd = -1;
          break;
        }
      done += (gsize) n;
    }
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot pass %u bytes to the actor: %s", data->len, g_strerror (saved));
    }
  return fd;
}

/* exit() closes every fd of the process: its FINs are the exit's. */
static void
note_exit_closes (SsLab     *lab,
                  SsActor   *actor,
                  SsCallRec *call)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) actor->pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      int fd = atoi (name);

      if (fd >= 3 && fd < SS_ACTOR_CHAN_FD)
        ss_cause_note_call (ss_cause_sock_for_fd (lab, actor, fd), call);
    }
}

static gboolean
valid_name (const char *name)
{
  return name != NULL && g_regex_match_simple ("^[A-Za-z_][A-Za-z0-9_.-]*$", name, 0, 0);
}

static void
cmd_call (SsLab      *lab,
          gint64      id,
          JsonObject *cmd)
{
  g_autoptr(GError) error = NULL;
  const char *call_name = ss_member_string (cmd, "call");
  const char *assign = ss_member_string (cmd, "assign");
  const char *new_name = ss_member_string (cmd, "new_actor");
  JsonNode *args_node = json_object_get_member (cmd, "args");
  gint64 step = ss_member_int (cmd, "step", -1);
  SsArgValue values[SS_CALL_MAX_ARGS] = { 0 };
  g_autoptr(GString) text = NULL;
  g_autofree SsActorRequest *req = NULL;
  g_autofree char *default_name = NULL;
  g_auto(GStrv) args_src = NULL;
  int passed_fd = -1, new_chan = -1;
  const SsCallInfo *info;
  SsActor *actor;
  SsCallRec *call;
  JsonArray *args;
  guint n_args;
  gboolean ok;

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
      if (info->variadic)
        return reply_error (lab, id, "%s: %s() takes %u to %u arguments, not %u",
                            actor->name, info->name, info->n_args_min, info->n_args, n_args);
      if (info->n_args_min != info->n_args)
        return reply_error (lab, id, "%s: %s() takes %u or %u arguments, not %u",
                            actor->name, info->name, info->n_args_min, info->n_args, n_args);
      return reply_error (lab, id, "%s: %s() takes %u argument%s, not %u",
                          actor->name, info->name, info->n_args, info->n_args == 1 ? "" : "s", n_args);
    }
  if (assign != NULL && !g_regex_match_simple ("^[A-Za-z_][A-Za-z0-9_]*$", assign, 0, 0))
    return reply_error (lab, id, "%s: '%s' cannot be a variable name", actor->name, assign);
  if (info->id == SS_CALL_PTHREAD_EXIT && !actor->thread)
    return reply_error (lab, id, "%s: pthread_exit() ends a thread actor; %s is a process: use exit()",
                        actor->name, actor->name);
  if (info->new_actor)
    {
      if (new_name == NULL)
        {
          guint n = 1;

          do
            {
              g_free (default_name);
              default_name = g_strdup_printf ("%s.%s%u", actor->name,
                                              info->id == SS_CALL_FORK ? "child" : "thread", n++);
            }
          while (find_actor (lab, default_name) != NULL);
          new_name = default_name;
        }
      if (!valid_name (new_name))
        return reply_error (lab, id, "%s: %s(): '%s' cannot be an actor's name", actor->name, info->name, new_name);
      if (find_actor (lab, new_name) != NULL)
        return reply_error (lab, id, "%s: %s(): an actor named '%s' already exists (an actor made by "
                            "fork or pthread_create is not started with the actor command)",
                            actor->name, info->name, new_name);
    }

  req = g_malloc0 (sizeof *req + SS_DATA_MAX);
  req->kind = SS_REQ_CALL;
  req->call = info->id;
  req->n_args = (int32_t) n_args;
  text = g_string_new (info->name);
  g_string_append_c (text, '(');
  args_src = g_new0 (char *, n_args + 1);

  for (guint i = 0; i < n_args; i++)
    {
      g_autoptr(GError) arg_error = NULL;
      JsonNode *node = json_array_get_element (args, i);
      const char *src = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                        ? json_node_get_string (node) : NULL;
      GBytes *received = NULL;

      /* ntohl (n) of a recv variable: its first bytes, as the C code reads them. */
      if (src != NULL && (info->id == SS_CALL_NTOHL || info->id == SS_CALL_NTOHS))
        {
          g_autofree char *name = g_strstrip (g_strdup (src));

          received = g_hash_table_lookup (actor->data_vars, name);
        }
      if (received != NULL)
        {
          gsize len, need = info->id == SS_CALL_NTOHL ? 4 : 2;
          const guint8 *bytes = g_bytes_get_data (received, &len);
          guint32 v32 = 0;
          guint16 v16 = 0;

          if (len < need)
            {
              for (guint j = 0; j < i; j++)
                ss_arg_clear (&values[j]);
              return reply_error (lab, id, "%s: %s(): %s holds %zu bytes, %s() reads %zu",
                                  actor->name, info->name, src, len, info->name, need);
            }
          memset (&values[i], 0, sizeof values[i]);
          values[i].kind = SS_ARG_INT;
          if (need == 4)
            memcpy (&v32, bytes, 4);
          else
            memcpy (&v16, bytes, 2);
          values[i].i = need == 4 ? v32 : v16;
          values[i].text = g_strstrip (g_strdup (src));
        }
      else if (src == NULL || !ss_arg_parse (info->arg_kinds[i], src, actor->vars, actor->data_vars,
                                             &values[i], &arg_error))
        {
          for (guint j = 0; j < i; j++)
            ss_arg_clear (&values[j]);
          return reply_error (lab, id, "%s: %s(): argument %u (%s): %s", actor->name, info->name, i + 1,
                              info->arg_names[i], arg_error ? arg_error->message : "not a string");
        }
      args_src[i] = g_strstrip (g_strdup (src));
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
      if (info->arg_kinds[i] == SS_ARG_STRING)
        {
          /* "node\0service\0" */
          memcpy (req->data + req->data_len, values[i].data->data, values[i].data->len);
          req->data_len += values[i].data->len;
          req->data[req->data_len++] = '\0';
        }
      else if (values[i].data != NULL && values[i].data->len > SS_DATA_MAX)
        {
          if ((passed_fd = data_memfd (values[i].data, &error)) < 0)
            {
              for (guint j = 0; j <= i; j++)
                ss_arg_clear (&values[j]);
              return reply_error (lab, id, "%s: %s(): %s", actor->name, info->name, error->message);
            }
          req->fd_kind = SS_REQ_FD_DATA;
          req->big_len = values[i].data->len;
        }
      else if (values[i].data != NULL)
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
      if (passed_fd >= 0)
        close (passed_fd);
      return reply_error (lab, id, "%s: %s(): the length must be between 0 and %d",
                          actor->name, info->name, SS_DATA_MAX);
    }
  if (info->new_actor)
    {
      int sv[2];

      if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        {
          int saved = errno;

          return reply_error (lab, id, "%s: %s(): cannot create a channel for '%s': %s",
                              actor->name, info->name, new_name, g_strerror (saved));
        }
      fcntl (sv[0], F_SETFL, O_NONBLOCK);
      new_chan = sv[0];
      passed_fd = sv[1];
      req->fd_kind = SS_REQ_FD_CHANNEL;
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
  call->args_src = g_steal_pointer (&args_src);
  for (guint i = 0; i < n_args && i < SS_CALL_MAX_ARGS; i++)
    call->fds[i] = (int) req->iarg[i];
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
  if (info->new_actor)
    {
      g_string_append (lab->out, ",\"new_actor\":");
      ss_json_append_string (lab->out, new_name, -1);
    }
  ss_lab_event_end (lab);

  /* Read the socket behind the fd now: after a close it is gone. */
  actor->call_sock = info->acts_on_fd ? ss_cause_sock_for_fd (lab, actor, (int) req->iarg[0]) : NULL;
  ss_cause_note_call (actor->call_sock, call);
  if (info->id == SS_CALL_EXIT)
    {
      note_exit_closes (lab, actor, call);
      actor->exit_known = !actor->thread;
      actor->exit_status = (int) (req->iarg[0] & 0xff);
    }

  actor->call = call;
  actor->assign = g_strdup (assign);
  actor->reply_id = id;
  actor->started = actor->blocked = FALSE;
  actor->new_chan = new_chan;
  actor->new_name = info->new_actor ? g_strdup (new_name) : NULL;
  ok = send_request (actor, req, passed_fd);
  if (passed_fd >= 0)
    close (passed_fd);
  if (!ok)
    drain_actor (lab, actor);
}

static void
cmd_burst (SsLab      *lab,
           gint64      id,
           JsonObject *cmd)
{
  g_autoptr(GError) error = NULL;
  g_autofree SsActorRequest *req = NULL;
  const char *fd_var = ss_member_string (cmd, "fd_var");
  const char *addr = ss_member_string (cmd, "addr");
  gint64 count = ss_member_int (cmd, "count", -1);
  gint64 size = ss_member_int (cmd, "size", -1);
  SsArgValue fd = { 0 }, to = { 0 };
  SsSockRec *rec;
  SsActor *actor;

  if ((actor = idle_actor (lab, id, cmd)) == NULL)
    return;
  if (count < 1 || count > G_MAXUINT32 || size < 0 || size > SS_DATA_MAX)
    return reply_error (lab, id, "burst needs count ≥ 1 and size between 0 and %d", SS_DATA_MAX);
  if (!ss_arg_parse (SS_ARG_FD, fd_var ? fd_var : "", actor->vars, NULL, &fd, &error) ||
      !ss_arg_parse (SS_ARG_ADDR, addr ? addr : "", NULL, NULL, &to, &error))
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
  if (!send_request (actor, req, -1))
    drain_actor (lab, actor);
}

static void
cmd_note (SsLab      *lab,
          gint64      id,
          JsonObject *cmd)
{
  const char *text = ss_member_string (cmd, "text");
  const char *level = ss_member_string (cmd, "level");
  gint64 step = ss_member_int (cmd, "step", -1);

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
  id = ss_member_int (cmd, "id", -1);
  name = ss_member_string (cmd, "cmd");

  if (ss_trace_command (lab, name, id, cmd))
    return;
  if (g_strcmp0 (name, "call") == 0)
    cmd_call (lab, id, cmd);
  else if (g_strcmp0 (name, "actor") == 0)
    cmd_actor (lab, id, cmd);
  else if (g_strcmp0 (name, "note") == 0)
    cmd_note (lab, id, cmd);
  else if (g_strcmp0 (name, "settle") == 0)
    add_pending (lab, SS_PENDING_SETTLE, id, NULL, CLAMP (ss_member_int (cmd, "ms", 300), 0, 600000) * MS);
  else if (g_strcmp0 (name, "burst") == 0)
    cmd_burst (lab, id, cmd);
  else if (g_strcmp0 (name, "hosts") == 0)
    ss_wire_cmd_hosts (lab, id, cmd);
  else if (g_strcmp0 (name, "wire") == 0)
    ss_wire_cmd_wire (lab, id, cmd);
  else if (g_strcmp0 (name, "quit") == 0)
    {
      reply_begin (lab, "ok", id);
      g_string_append (lab->out, "}\n");
      lab->quit = TRUE;
    }
  else
    reply_error (lab, id, "unknown command '%s': use actor, call, note, settle, quit, hosts, wire, trace, next, trace_mode or stop",
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
      g_string_append_printf (lab->out, ",\"status\":\"%s\",\"call_seq\":%" G_GUINT64_FORMAT,
                              p->blocked ? "blocked" : "returned", p->call_seq);
      if (p->exited)
        g_string_append (lab->out, ",\"exited\":true");
      if (p->new_actor_pid > 0)
        g_string_append_printf (lab->out, ",\"new_actor_pid\":%" G_GINT64_FORMAT, p->new_actor_pid);
      g_string_append (lab->out, "}\n");
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
      /* frames still in the wire (a delay) will be packets of this step */
      gboolean quiet = !lab->backlog && lab->wire_queued == 0 && now - MAX (lab->last_packet_mono, p->since) >= QUIET_US;

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

/* A call still running after BLOCKED_US is reported blocked, unless it is one
 * that never waits (fork, the name lookups, exit...): only slow. */
static gboolean
may_block (SsActor *actor)
{
  return actor->alive && actor->call != NULL && actor->started && !actor->blocked &&
         (actor->call->info->can_block || actor->call->info->acts_on_fd);
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
      if (lab->wire_queued > 0)
        quiet_at = p->deadline;   /* the wire's report of the frame leaving wakes the loop */
      next = MIN (next, MIN (quiet_at, p->deadline));
    }
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if (may_block (actor))
        next = MIN (next, actor->started_mono + BLOCKED_US);
      if (actor->ending)
        next = MIN (next, now + 2 * MS);
    }
  if (lab->next_poll != 0)
    next = MIN (next, lab->next_poll);
  return next;
}

/* Whether the actor's thread sleeps in the kernel (state S in /proc): a call still running
 * on a busy machine (runnable, R) is slow, not blocked. */
static gboolean
is_sleeping (SsActor *actor)
{
  char path[64];
  g_autofree char *stat = NULL;
  const char *paren;

  g_snprintf (path, sizeof path, "/proc/%d/task/%d/stat", (int) actor->pid, (int) actor->tid);
  if (!g_file_get_contents (path, &stat, NULL, NULL) || (paren = strrchr (stat, ')')) == NULL)
    return TRUE;   /* gone: its end is reported elsewhere */
  return paren[1] == ' ' && paren[2] == 'S';
}

static void
check_timers (SsLab  *lab,
              gint64  now)
{
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if (may_block (actor) && now - actor->started_mono >= BLOCKED_US)
        {
          if (is_sleeping (actor))
            mark_blocked (lab, actor);
          else
            actor->started_mono += 5 * MS;   /* look again in 5 ms */
        }
      if (actor->ending)
        poll_ending (lab, actor, now);
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
      guint n = 6;

      if (n_alloc < lab->actors->len + 6)
        {
          n_alloc = lab->actors->len + 8;
          fds = g_renew (struct pollfd, fds, n_alloc);
        }
      fds[0] = (struct pollfd) { .fd = lab->ctl, .events = POLLIN | (lab->out->len > lab->out_pos ? POLLOUT : 0) };
      fds[1] = (struct pollfd) { .fd = lab->pcap_fd, .events = POLLIN };
      fds[2] = (struct pollfd) { .fd = ss_trace_poll_fd (lab), .events = POLLIN };
      /* two hosts: their lo, the wire's reports (-1 when none: poll skips them) */
      fds[3] = (struct pollfd) { .fd = lab->host_pcap_fd[0], .events = POLLIN };
      fds[4] = (struct pollfd) { .fd = lab->host_pcap_fd[1], .events = POLLIN };
      fds[5] = (struct pollfd) { .fd = lab->wire_ctl, .events = POLLIN };
      for (guint i = 0; i < lab->actors->len; i++)
        {
          SsActor *actor = g_ptr_array_index (lab->actors, i);

          if (actor->alive && actor->chan >= 0)
            fds[n++] = (struct pollfd) { .fd = actor->chan, .events = POLLIN };
        }

      if (lab->backlog && lab->out->len < OUTPUT_HIGH_WATER)
        timeout = 0;
      if (poll (fds, n, timeout) < 0 && errno != EINTR)
        break;

      /* Actors first: a packet is attributed knowing every call started so far. */
      ss_lab_drain_actors (lab);
      ss_trace_drain (lab, (fds[2].revents & POLLIN) != 0);
      /* The rings and the wire's reports when poll saw something there: a look at an empty
       * ring is a poll of its own in libpcap, and a traced program's stops wake the loop
       * tens of thousands of times a second. What comes after poll is seen at the next turn
       * (poll says so at once), or before the return of the call that sent it. */
      if ((fds[1].revents | fds[3].revents | fds[4].revents | fds[5].revents) != 0)
        ss_capture_read (lab);
      /* Events are made only while the front end keeps up; frames wait in the queue. */
      if (lab->out->len < OUTPUT_HIGH_WATER)
        lab->backlog = capture_queued (lab) && ss_capture_process (lab, 64);
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
      g_free (actor->new_name);
      g_free (actor->rbuf);
      g_clear_pointer (&actor->vars, g_hash_table_unref);
      g_clear_pointer (&actor->data_vars, g_hash_table_unref);
      if (actor->chan >= 0)
        close (actor->chan);
      if (actor->new_chan >= 0)
        close (actor->new_chan);
      g_free (actor);
    }
  for (guint i = 0; i < lab->calls->len; i++)
    {
      SsCallRec *call = g_ptr_array_index (lab->calls, i);

      g_free (call->text);
      g_free (call->cause_text);
      g_strfreev (call->args_src);
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
  g_clear_pointer (&lab->lookup, g_array_unref);
  g_clear_pointer (&lab->gone, g_array_unref);
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
  ss_trace_shutdown (lab);
  ss_wire_shutdown (lab);
  /* Every process first (forked children included), then reap those that are
   * the lab's: its own, and orphans it adopted as a subreaper. */
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if ((actor->alive || actor->ending) && !actor->thread)
        kill (actor->pid, SIGKILL);
    }
  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);

      if ((actor->alive || actor->ending) && !actor->thread)
        while (waitpid (actor->pid, NULL, 0) < 0 && errno == EINTR)
          ;
    }
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
  if (lab->workdir_on_host)
    ss_namespace_remove_workdir (lab->workdir);
  free_lab (lab);
}

/* ---- for the tracer (sockscope-trace.c) ---- */

SsActor *
ss_lab_find_actor (SsLab      *lab,
                   const char *name)
{
  return find_actor (lab, name);
}

SsActor *
ss_lab_new_actor (SsLab      *lab,
                  const char *name,
                  const char *parent,
                  pid_t       pid,
                  int         chan)
{
  return new_actor (lab, name, parent, pid, chan);
}

void
ss_lab_emit_actor (SsLab   *lab,
                   SsActor *actor)
{
  emit_actor_event (lab, actor);
}

void
ss_lab_actor_ended (SsLab    *lab,
                    SsActor  *actor,
                    gboolean  known,
                    int       status)
{
  actor_ended (lab, actor, known, status);
}

void
ss_lab_emit_return (SsLab            *lab,
                    SsActor          *actor,
                    const SsActorMsg *msg)
{
  emit_return (lab, actor, msg);
}

guint64
ss_lab_return_cut (SsLab *lab)
{
  if (!lab->processing_frames)
    {
      ss_wire_sync (lab);
      ss_capture_read (lab);
    }
  return ss_now_ns ();
}

/* After ss_lab_return_cut, the program already resumed: the frames read then, and none that
 * its next calls may have sent since (they stay in the ring for the loop), are logged before
 * the return. */
void
ss_lab_emit_return_after_cut (SsLab            *lab,
                              SsActor          *actor,
                              const SsActorMsg *msg,
                              guint64           t_ns)
{
  guint64 drained = lab->last_drain_ns;

  if (!lab->processing_frames)
    {
      lab->last_drain_ns = G_MAXUINT64;
      lab->capture_cut = TRUE;
      while (capture_queued (lab) && ss_capture_process (lab, 64))
        ;
      lab->capture_cut = FALSE;
      lab->last_drain_ns = drained;
    }
  emit_return_event (lab, actor, msg, t_ns);
}

/* A state dump after a traced call: one waiting is enough (it comes after this call). A program
 * in a loop makes a call every few microseconds: a dump each would cost milliseconds each. */
void
ss_lab_add_refresh (SsLab *lab)
{
  for (guint i = 0; i < lab->pending->len; i++)
    if (((SsPending *) g_ptr_array_index (lab->pending, i))->kind == SS_PENDING_REFRESH)
      return;
  add_pending (lab, SS_PENDING_REFRESH, -1, NULL, SETTLE_MAX_US);
}

void
ss_lab_reply_begin (SsLab      *lab,
                    const char *reply,
                    gint64      id)
{
  reply_begin (lab, reply, id);
}

void
ss_lab_reply_error (SsLab      *lab,
                    gint64      id,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  reply_error (lab, id, "%s", message);
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

  /* Orphans of forked actors come to the lab, which reaps them and kills them at exit. */
  prctl (PR_SET_CHILD_SUBREAPER, 1);
  signal (SIGPIPE, SIG_IGN);
  lab.ctl = ctl;
  lab.in = g_string_new (NULL);
  lab.out = g_string_sized_new (1 << 16);
  lab.step = -1;
  lab.actors = g_ptr_array_new ();
  lab.calls = g_ptr_array_new ();
  lab.pending = g_ptr_array_new_with_free_func (g_free);
  ss_cause_init (&lab);
  ss_wire_init (&lab);

  if ((lab.workdir = ss_namespace_workdir (&lab.workdir_on_host, &error)) == NULL)
    fatal (ctl, "workdir", error->message, NULL);
  /* Without them, lookups read the host's files: the lab still works. */
  if (!lab.workdir_on_host && !ss_namespace_names (&error))
    {
      g_printerr ("sockscope-lab: %s\n", error->message);
      g_clear_error (&error);
    }
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
