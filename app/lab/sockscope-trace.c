/* sockscope-trace.c: programs traced in the lab (the `trace`, `next`, `trace_mode` and `stop`
 * commands, docs/LAB-PROTOCOL.md "Tracing programs").
 *
 * The lab forks the program inside its namespaces; the child asks to be traced
 * (PTRACE_TRACEME), stops, installs a seccomp filter that returns SECCOMP_RET_TRACE for the
 * socket-related calls only (sockscope-trace-decode.c) and execs.  The lab, its tracer, sees
 * each such call at its entry (a seccomp stop: a `call` event, the call held there in step
 * mode) and at its exit (PTRACE_SYSCALL: a `return` event); every other call runs without a
 * stop.  fork, vfork and clone children are followed (PTRACE_O_TRACEFORK...): each process and
 * thread is an actor.  A traced call is an SsCallRec like a lesson's call, so the cause rules,
 * the packet ends and the socket holders work the same.  PTRACE_O_EXITKILL: when the lab dies,
 * every traced process dies with it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <netinet/in.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockscope-trace.h"
#include "sockscope-unwind.h"
#include "sockscope-trace-stats.h"
#include "sockscope-trace-fdfilter.h"

#define MAX_TASKS       64      /* processes and threads of all traced programs together */
#define TRACE_PATH      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* What the tracer knows of a process's fd numbers, so that a traced read, write, send or
 * recv does not ask /proc which socket its fd is (a readlink a call). Threads share it, a fork
 * copies it. It answers only for a number with its own seccomp filter
 * (sockscope-trace-fdfilter.c): then every change of what the number is stops the process
 * first (close, dup2 or dup3 onto it, close_range over it; execve always), and the number is
 * forgotten there; nothing is learnt while such a change is in flight (another thread may
 * look before it is done). A table some other process shares (clone CLONE_FILES), a thread
 * with a table of its own, unshare, io_uring, a seccomp listener: never trusted again. */
typedef struct
{
  guint        refs;
  gboolean     untrusted;
  guint        changing;     /* close, dup2, dup3, close_range resumed, their exit not seen */
  GHashTable  *filtered;     /* fd + 1: numbers with their own filter (filters stay for good) */
  GHashTable  *socks;        /* fd + 1 -> SsSockRec: the socket the number is */
} SsFdTable;

typedef struct
{
  pid_t        tid;
  SsActor     *actor;
  SsFdTable   *fdtab;
  gboolean     fd_change;    /* resumed in a close, dup2, dup3, close_range: fdtab->changing */
  char        *base;         /* the command's name: "python3" */
  gboolean     new_born;     /* its first SIGSTOP is still to come */
  gboolean     in_call;      /* resumed with PTRACE_SYSCALL: its exit stop comes */
  gboolean     held;         /* step mode: stopped before its call, waiting for `next` */
  guint64      held_order;
  gboolean     restarting;   /* a signal interrupted the call, the kernel restarts it */
  gboolean     denied;       /* fork refused: it returns EAGAIN */
  gboolean     killed;       /* by `stop` */
  gboolean     dup_exit;     /* in a dup of a socket: the new fd gets its filter at the exit */
  int          epoll_peek;   /* fd + 1 of the epoll it just made: each call's entry stops until
                              * its close or a traced call (on_exit_stop) */
  gboolean     peek_exit;    /* looking: an untraced call let go, its exit stop comes */
  int          epoll_follow; /* fd + 1 of that epoll: the traced call's exit gives it its filter */
  gboolean     source;       /* its calls name their line of its source (sockscope-unwind.c) */
  gboolean     hidden;       /* the lab's terminal shell and its children: no actor until exec */
  gboolean     thread;
  pid_t        pid;          /* its process */
  guint        group;        /* 0, or the terminal it was started from (sockscope-terminal.c) */
  gboolean     shell;        /* that terminal's shell: hidden for good */
  SsTraceCall  call;
} SsTracee;

struct _SsTrace
{
  int          sigfd;        /* SIGCHLD, blocked, read here: the poll loop wakes to collect stops */
  gboolean     step;
  GPtrArray   *tracees;      /* SsTracee, alive */
  gboolean     busy;
  guint64      hold_counter;
  gboolean     noted_bomb;
  gboolean     noted_net;
  gboolean     noted_refused;   /* two hosts: a connect refused, explained once */
  SsActorMsg  *msg;
  SsUnwind    *unwind;
  struct sock_filter *filter;
  guint        n_insns;
};

/* Every child the lab forks (lessons' actors, the wire's forwarder, traced programs, the
 * terminal's shell) starts with SIGCHLD unblocked, as it would be outside the lab: a blocked
 * mask is inherited across fork and exec. */
static void
unblock_sigchld_in_child (void)
{
  sigset_t set;

  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
}

/* The lab and the programs it traces share one CPU (the one the lab is on when its first
 * program starts; its children inherit the mask): each ptrace stop is a wake-up of the lab by
 * the program and back, and across two CPUs each costs an inter-processor interrupt, on a
 * virtual machine an exit from the guest — trace-bench's round trips took 3.8 s spread over
 * two CPUs and 1.0 s on one (strace 2.4 s) in this project's VM. The programs run at nice 10
 * under the lab; their calls, packets and socket states are the same, only a threaded program's
 * threads take turns on that CPU. SOCKSCOPE_TRACE_ALL_CPUS=1 leaves every CPU to them. */
static void
share_one_cpu (void)
{
  cpu_set_t set;
  int cpu = sched_getcpu ();

  if (cpu < 0 || g_getenv ("SOCKSCOPE_TRACE_ALL_CPUS") != NULL)
    return;
  CPU_ZERO (&set);
  CPU_SET (cpu, &set);
  if (sched_setaffinity (0, sizeof set, &set) < 0)
    return;   /* a cpuset that forbids it: the scheduler's choice stays */
}

static SsTrace *
trace_get (SsLab *lab)
{
  static gboolean atfork_set;
  SsTrace *t = lab->trace;
  sigset_t set;

  if (t != NULL)
    return t;
  t = lab->trace = g_new0 (SsTrace, 1);
  t->tracees = g_ptr_array_new ();
  t->msg = g_malloc0 (sizeof *t->msg + SS_DATA_MAX);
  t->filter = ss_trace_filter (&t->n_insns);
  /* Ctrl-C on the learner's terminal reaches the whole foreground group: the traced programs
   * get it as they would in a terminal; the lab stays to log their ends (its front end stops
   * the trace). */
  signal (SIGINT, SIG_IGN);
  signal (SIGQUIT, SIG_IGN);
  /* Stops come as SIGCHLD (ptrace stops too). It is blocked and read from a signalfd the poll
   * loop watches: no handler runs, nothing is written, no call is interrupted, a stop. The lab
   * has no other thread to take it. */
  if (!atfork_set)
    {
      pthread_atfork (NULL, NULL, unblock_sigchld_in_child);
      atfork_set = TRUE;
    }
  signal (SIGCHLD, SIG_DFL);
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  sigprocmask (SIG_BLOCK, &set, NULL);
  t->sigfd = signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  share_one_cpu ();
  return t;
}

int
ss_trace_poll_fd (SsLab *lab)
{
  return lab->trace != NULL ? lab->trace->sigfd : -1;
}

static gboolean
member_bool (JsonObject *obj,
             const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static char **
member_strv (JsonObject *obj,
             const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);
  GPtrArray *v;
  JsonArray *a;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  a = json_node_get_array (node);
  v = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        {
          g_ptr_array_free (v, TRUE);
          return NULL;
        }
      g_ptr_array_add (v, g_strdup (json_node_get_string (e)));
    }
  g_ptr_array_add (v, NULL);
  return (char **) g_ptr_array_free (v, FALSE);
}

static void
note (SsLab      *lab,
      const char *level,
      const char *text)
{
  ss_lab_event_begin (lab, ss_now_ns (), "note", -1);
  g_string_append_printf (lab->out, ",\"level\":\"%s\",\"text\":", level);
  ss_json_append_string (lab->out, text, -1);
  ss_lab_event_end (lab);
}

/* "python3", then "python3-2", "python3-3"... */
static char *
unique_name (SsLab      *lab,
             const char *base)
{
  char *name = g_strdup (base);

  for (guint n = 2; ss_lab_find_actor (lab, name) != NULL; n++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u", base, n);
    }
  return name;
}

static SsFdTable *
fdtab_new (const SsFdTable *from)
{
  SsFdTable *ft = g_new0 (SsFdTable, 1);
  GHashTableIter iter;
  gpointer key, value;

  ft->refs = 1;
  ft->filtered = g_hash_table_new (NULL, NULL);
  ft->socks = g_hash_table_new (NULL, NULL);
  if (from == NULL)
    return ft;
  ft->untrusted = from->untrusted;
  g_hash_table_iter_init (&iter, from->filtered);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (ft->filtered, key);
  g_hash_table_iter_init (&iter, from->socks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (ft->socks, key, value);
  return ft;
}

static SsFdTable *
fdtab_ref (SsFdTable *ft)
{
  ft->refs++;
  return ft;
}

static void
fdtab_unref (SsFdTable *ft)
{
  if (ft == NULL || --ft->refs > 0)
    return;
  g_hash_table_unref (ft->filtered);
  g_hash_table_unref (ft->socks);
  g_free (ft);
}

static void
fdtab_forget_range (SsFdTable *ft,
                    guint      first,
                    guint      last)
{
  GHashTableIter iter;
  gpointer key;

  if (ft == NULL)
    return;
  if (first == last)
    {
      g_hash_table_remove (ft->socks, GUINT_TO_POINTER (first + 1));
      return;
    }
  g_hash_table_iter_init (&iter, ft->socks);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) - 1 >= first && GPOINTER_TO_UINT (key) - 1 <= last)
      g_hash_table_iter_remove (&iter);
}

/* @te is resumed in a call that changes what @first..@last are: forgotten now, nothing
 * learnt until its exit stop (on_exit_stop). */
static void
fdtab_changing (SsTracee *te,
                guint     first,
                guint     last)
{
  SsFdTable *ft = te->fdtab;

  if (ft == NULL)
    return;
  fdtab_forget_range (ft, first, last);
  if (te->hidden)
    ft->untrusted = TRUE;    /* resumed without an exit stop */
  else if (!te->fd_change)
    {
      te->fd_change = TRUE;
      ft->changing++;
    }
}

/* The socket @fd is in @te's process, from what the tracer knows or from /proc; NULL: not a
 * socket. */
static SsSockRec *
sock_for_fd (SsLab    *lab,
             SsTracee *te,
             int       fd)
{
  SsFdTable *ft = te->fdtab;
  gpointer key = GUINT_TO_POINTER ((guint) fd + 1);
  gboolean trusted;
  SsSockRec *rec;

  if (fd < 0 || te->actor == NULL)
    return NULL;
  trusted = ft != NULL && !ft->untrusted && g_hash_table_contains (ft->filtered, key);
  if (trusted && (rec = g_hash_table_lookup (ft->socks, key)) != NULL)
    {
      ss_trace_stats.fd_known++;
      return rec;
    }
  rec = ss_cause_sock_for_fd (lab, te->actor, fd);
  if (rec != NULL && trusted && ft->changing == 0)
    g_hash_table_insert (ft->socks, key, rec);
  return rec;
}

static gboolean
fd_is_socket (SsLab    *lab,
              SsTracee *te,
              int       fd)
{
  if (te->actor == NULL)
    return ss_trace_fd_is_socket (te->pid, fd);   /* hidden: the terminal's shell */
  return sock_for_fd (lab, te, fd) != NULL;
}

/* epoll_create, epoll_create1: an epoll's close is shown, as a socket's, or the next socket
 * would seem to get a number still taken. Python's `import socket` makes one and closes it at
 * once: giving it a filter then would stop the reads of every file Python imports next with its
 * number. So the calls after epoll_create are looked at one by one (on_exit_stop): its close is
 * traced; at the first traced call (the next in a C program, as a rule) the epoll, if still
 * open, gets its fd's filter at that call's exit, as an epoll used by epoll_ctl does. */
static gboolean
makes_epoll (const SsTraceSys *sys)
{
  return sys != NULL && (sys->nr == __NR_epoll_create || sys->nr == __NR_epoll_create1);
}

static gboolean
epoll_followed (SsTracee *te,
                int       epfd)
{
  return te->fdtab != NULL && g_hash_table_contains (te->fdtab->filtered, GUINT_TO_POINTER ((guint) epfd + 1));
}

/* The epoll that gets its filter at this call's exit, -1: one made just before, or the epoll
 * of an epoll_ctl whose close does not stop yet. */
static int
epoll_to_follow (SsTracee *te)
{
  if (te->hidden)
    return -1;
  if (te->epoll_follow != 0 && !epoll_followed (te, te->epoll_follow - 1))
    return te->epoll_follow - 1;
  if (te->call.sys != NULL && te->call.sys->nr == __NR_epoll_ctl && !epoll_followed (te, (int) te->call.args[0]))
    return (int) te->call.args[0];
  return -1;
}

/* How a task stopped for another reason (a signal, an event) is resumed: with a syscall stop to
 * come (in a call, its exit; after an epoll_create, the next call's entry) or not. */
static enum __ptrace_request
next_stop (const SsTracee *te)
{
  return te->in_call || te->epoll_peek != 0 ? PTRACE_SYSCALL : PTRACE_CONT;
}

static SsTracee *
add_tracee (SsTrace    *t,
            pid_t       tid,
            SsActor    *actor,
            const char *base)
{
  SsTracee *te = g_new0 (SsTracee, 1);

  te->tid = tid;
  te->pid = tid;
  te->actor = actor;
  te->base = g_strdup (base);
  te->hidden = actor == NULL;
  if (actor != NULL)
    actor->traced = TRUE;
  g_ptr_array_add (t->tracees, te);
  return te;
}

static void
free_tracee (SsTracee *te)
{
  ss_trace_call_clear (&te->call);
  if (te->fd_change && te->fdtab != NULL)
    te->fdtab->untrusted = TRUE;    /* ended in the change: what it did is not known */
  fdtab_unref (te->fdtab);
  g_free (te->base);
  g_free (te);
}

static guint
n_tasks (SsTrace *t)
{
  return t->tracees->len;
}

/* Where argv[0] is, as execvp would find it; an error a student understands when it is not. */
static char *
find_program (const char  *arg0,
              const char  *cwd,
              GError     **error)
{
  g_autofree char *path = NULL;
  struct stat st;

  if (strchr (arg0, '/') != NULL)
    path = g_path_is_absolute (arg0) ? g_strdup (arg0) : g_build_filename (cwd, arg0, NULL);
  else
    {
      g_auto(GStrv) dirs = g_strsplit (TRACE_PATH, ":", -1);

      for (guint i = 0; dirs[i] != NULL && path == NULL; i++)
        {
          g_autofree char *p = g_build_filename (dirs[i], arg0, NULL);

          if (stat (p, &st) == 0 && S_ISREG (st.st_mode))
            path = g_steal_pointer (&p);
        }
      if (path == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "%s: no such program (not a path, and not in %s)", arg0, TRACE_PATH);
          return NULL;
        }
    }
  if (stat (path, &st) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such program (%s)", arg0, g_strerror (errno));
      return NULL;
    }
  if (S_ISREG (st.st_mode) && g_str_has_suffix (arg0, ".c"))
    {
      g_autofree char *base = g_path_get_basename (arg0);

      base[strlen (base) - 2] = '\0';
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is C source, not a program: compile it first (cc -g -o %s %s; -g lets the lab "
                   "show your source lines), then trace ./%s", arg0, base, arg0, base);
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || access (path, X_OK) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is not an executable program%s", arg0,
                   S_ISREG (st.st_mode) ? " (chmod +x it, or run it with its interpreter: python3 FILE)" : "");
      return NULL;
    }
  if (st.st_mode & (S_ISUID | S_ISGID))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is set-user-ID or set-group-ID: the lab does not trace it (a traced program "
                   "cannot gain privileges)", arg0);
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* The child, between fork and exec: traced, filtered, in the lab's namespaces. */
G_NORETURN static void
child_exec (SsTrace     *t,
            const char  *path,
            char       **argv,
            char       **envp,
            const char  *cwd,
            gboolean     keep_stdin)
{
  struct sock_fprog prog = { (unsigned short) t->n_insns, t->filter };
  sigset_t none;

  ss_die_with_parent ();
  if (!keep_stdin)
    {
      int devnull = open ("/dev/null", O_RDONLY);

      dup2 (devnull, 0);
    }
  /* Its output goes where the lab's errors go (the front end's standard error): its
   * standard output is the front end's events. */
  dup2 (2, 1);
  close_range (3, ~0u, 0);
  signal (SIGPIPE, SIG_DFL);
  signal (SIGCHLD, SIG_DFL);
  signal (SIGINT, SIG_DFL);
  signal (SIGQUIT, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  setpriority (PRIO_PROCESS, 0, 10);
  if (chdir (cwd) < 0)
    {
      fprintf (stderr, "sockscope-lab: cannot enter %s: %s\n", cwd, g_strerror (errno));
      _exit (127);
    }
  if (ptrace (PTRACE_TRACEME, 0, 0, 0) < 0)
    _exit (126);
  raise (SIGSTOP);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
      syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
    _exit (126);
  execve (path, argv, envp);
  fprintf (stderr, "sockscope-lab: cannot run %s: %s\n", path, g_strerror (errno));
  _exit (127);
}

static void
reply_ok (SsLab   *lab,
          gint64   id,
          SsActor *actor)
{
  ss_lab_reply_begin (lab, "ok", id);
  if (actor != NULL)
    {
      g_string_append (lab->out, ",\"actor\":");
      ss_json_append_string (lab->out, actor->name, -1);
      g_string_append_printf (lab->out, ",\"pid\":%d", (int) actor->pid);
    }
  g_string_append (lab->out, "}\n");
}

static void
cmd_trace (SsLab      *lab,
           gint64      id,
           JsonObject *cmd)
{
  SsTrace *t = trace_get (lab);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = member_strv (cmd, "argv");
  g_auto(GStrv) env = member_strv (cmd, "env");
  g_autoptr(GPtrArray) envp = g_ptr_array_new_with_free_func (g_free);
  const char *cwd = ss_member_string (cmd, "cwd");
  const char *name = ss_member_string (cmd, "name");
  const char *mode = ss_member_string (cmd, "mode");
  const char *host_name = ss_member_string (cmd, "host");
  guint8 host = SS_HOST_NONE;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *actor_name = NULL;
  SsActor *actor;
  int options, status;
  pid_t pid;

  if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
    return ss_lab_reply_error (lab, id, "trace needs argv: the program and its arguments");
  if (cwd == NULL)
    cwd = "/";
  /* two hosts (`hosts`): each program runs on its host, as a lesson's actor */
  if (host_name != NULL && g_strcmp0 (host_name, "a") != 0 && g_strcmp0 (host_name, "b") != 0)
    return ss_lab_reply_error (lab, id, "%s: host is a or b, not '%s'", argv[0], host_name);
  if (host_name != NULL && lab->hosts == NULL)
    return ss_lab_reply_error (lab, id, "%s is on host %s: send the hosts command first", argv[0], host_name);
  if (host_name == NULL && lab->hosts != NULL)
    return ss_lab_reply_error (lab, id, "%s needs a host (a or b): this lab has two", argv[0]);
  if (host_name != NULL)
    host = host_name[0] == 'a' ? SS_HOST_A : SS_HOST_B;
  if (mode != NULL)
    t->step = g_str_equal (mode, "step");
  if (n_tasks (t) >= MAX_TASKS)
    return ss_lab_reply_error (lab, id, "%s: the lab already runs %d traced processes and threads", argv[0], MAX_TASKS);
  /* Programs and files in the host's /tmp: shown at their own path in the lab's /tmp. */
  ss_namespace_show_host_tmp (cwd);
  for (guint i = 0; argv[i] != NULL; i++)
    ss_namespace_show_host_tmp (argv[i]);
  if (access (cwd, X_OK) < 0)
    return ss_lab_reply_error (lab, id, "%s: its directory %s cannot be entered in the lab%s", argv[0], cwd,
                               g_str_has_prefix (cwd, "/tmp/") || g_str_equal (cwd, "/tmp")
                               ? " (the lab shows only the folder of /tmp a program's path names)" : "");
  if ((path = find_program (argv[0], cwd, &error)) == NULL)
    return ss_lab_reply_error (lab, id, "%s", error->message);
  base = g_path_get_basename (name != NULL ? name : argv[0]);
  if (!g_regex_match_simple ("^[A-Za-z0-9_][A-Za-z0-9_.+-]*$", base, 0, 0))
    {
      g_free (base);
      base = g_strdup ("program");
    }

  /* A small, known environment: the lab's PATH, UTF-8, output not buffered by Python. */
  g_ptr_array_add (envp, g_strdup ("PATH=" TRACE_PATH));
  g_ptr_array_add (envp, g_strdup ("LANG=C.UTF-8"));
  g_ptr_array_add (envp, g_strdup ("PYTHONUNBUFFERED=1"));
  g_ptr_array_add (envp, g_strdup ("PYTHONDONTWRITEBYTECODE=1"));
  if (member_bool (cmd, "source"))
    {
      /* Python scripts name their lines through the lab's startup hook, first on the path. */
      const char *own = NULL;

      for (guint i = 0; env != NULL && env[i] != NULL; i++)
        if (g_str_has_prefix (env[i], "PYTHONPATH="))
          own = env[i] + strlen ("PYTHONPATH=");
      g_ptr_array_add (envp, own != NULL && own[0] != '\0'
                       ? g_strdup_printf ("PYTHONPATH=%s:%s", ss_unwind_python_hook_dir (), own)
                       : g_strdup_printf ("PYTHONPATH=%s", ss_unwind_python_hook_dir ()));
    }
  g_ptr_array_add (envp, g_strdup_printf ("HOME=%s", lab->workdir));
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    if (strchr (env[i], '=') != NULL && !(member_bool (cmd, "source") && g_str_has_prefix (env[i], "PYTHONPATH=")))
      g_ptr_array_add (envp, g_strdup (env[i]));
  g_ptr_array_add (envp, NULL);

  pid = fork ();
  if (pid < 0)
    return ss_lab_reply_error (lab, id, "%s: cannot start it: %s", argv[0], g_strerror (errno));
  if (pid == 0 && host != SS_HOST_NONE && !ss_wire_enter_host (lab, host))
    _exit (127);
  if (pid == 0)
    child_exec (t, path, argv, (char **) envp->pdata, cwd, member_bool (cmd, "stdin"));

  while (waitpid (pid, &status, __WALL) < 0 && errno == EINTR)
    ;
  if (!WIFSTOPPED (status))
    return ss_lab_reply_error (lab, id, "%s: it ended before it could be traced (%s)", argv[0],
                               WIFEXITED (status) && WEXITSTATUS (status) == 127 ? "its directory cannot be entered"
                               : "status unknown");
  options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
            PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;
  if (ptrace (PTRACE_SETOPTIONS, pid, 0, options) < 0)
    {
      int saved = errno;

      kill (pid, SIGKILL);
      waitpid (pid, NULL, __WALL);
      return ss_lab_reply_error (lab, id, "%s: it cannot be traced: %s", argv[0], g_strerror (saved));
    }

  actor_name = unique_name (lab, base);
  actor = ss_lab_new_actor (lab, actor_name, NULL, pid, -1);
  actor->lab_child = TRUE;
  actor->host = host;
  {
    SsTracee *te = add_tracee (t, pid, actor, base);

    te->source = member_bool (cmd, "source");
    te->fdtab = fdtab_new (NULL);
  }
  ss_lab_emit_actor (lab, actor);
  reply_ok (lab, id, actor);
  ptrace (PTRACE_CONT, pid, 0, 0);
}

/* A small, known environment: the lab's PATH, UTF-8, output not buffered by Python; @extra
 * (NAME=value) added. */
char **
ss_trace_env (SsLab              *lab,
              const char * const *extra)
{
  GPtrArray *envp = g_ptr_array_new ();

  g_ptr_array_add (envp, g_strdup ("PATH=" TRACE_PATH));
  g_ptr_array_add (envp, g_strdup ("LANG=C.UTF-8"));
  g_ptr_array_add (envp, g_strdup ("PYTHONUNBUFFERED=1"));
  g_ptr_array_add (envp, g_strdup ("PYTHONDONTWRITEBYTECODE=1"));
  g_ptr_array_add (envp, g_strdup_printf ("HOME=%s", lab->workdir));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    if (strchr (extra[i], '=') != NULL)
      g_ptr_array_add (envp, g_strdup (extra[i]));
  g_ptr_array_add (envp, NULL);
  return (char **) g_ptr_array_free (envp, FALSE);
}

/* The lab's terminal (sockscope-terminal.c): @pid, its child stopped after PTRACE_TRACEME,
 * traced hidden in @group; resumed. */
gboolean
ss_trace_adopt (SsLab       *lab,
                pid_t        pid,
                const char  *base,
                guint        group,
                const char  *mode,
                GError     **error)
{
  SsTrace *t = trace_get (lab);
  SsTracee *te;
  int options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;

  if (mode != NULL)
    t->step = g_str_equal (mode, "step");
  if (ptrace (PTRACE_SETOPTIONS, pid, 0, options) < 0)
    {
      int saved = errno;

      kill (pid, SIGKILL);
      waitpid (pid, NULL, __WALL);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "the shell cannot be traced: %s", g_strerror (saved));
      return FALSE;
    }
  te = add_tracee (t, pid, NULL, base);
  te->fdtab = fdtab_new (NULL);
  te->group = group;
  te->shell = TRUE;
  te->source = TRUE;    /* the programs started from it name their source lines */
  ptrace (PTRACE_CONT, pid, 0, 0);
  return TRUE;
}

/* Kills every process of @group (their ends are collected as they come); how many. */
guint
ss_trace_kill_group (SsLab *lab,
                     guint  group)
{
  SsTrace *t = lab->trace;
  guint n = 0;

  for (guint i = 0; t != NULL && i < t->tracees->len; i++)
    {
      SsTracee *te = g_ptr_array_index (t->tracees, i);

      if (te->group != group || te->thread)
        continue;
      te->killed = TRUE;
      te->held = FALSE;
      kill (te->pid, SIGKILL);
      n++;
    }
  return n;
}

/* A hidden task becomes an actor at its exec, named after its new command (comm). */
static void
unhide (SsLab    *lab,
        SsTracee *te)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/comm", (int) te->tid);
  g_autofree char *comm = NULL;
  g_autofree char *name = NULL;
  SsActor *actor;

  if (g_file_get_contents (path, &comm, NULL, NULL))
    {
      g_strstrip (comm);
      if (g_regex_match_simple ("^[A-Za-z0-9_][A-Za-z0-9_.+-]*$", comm, 0, 0))
        {
          g_free (te->base);
          te->base = g_steal_pointer (&comm);
        }
    }
  name = unique_name (lab, te->base);
  actor = ss_lab_new_actor (lab, name, NULL, te->pid, -1);
  actor->tid = te->tid;
  actor->thread = te->thread;
  actor->traced = TRUE;
  te->actor = actor;
  te->hidden = FALSE;
  ss_lab_emit_actor (lab, actor);
}

/* ---- stops ---- */

static void
resume (SsTracee *te,
        int       request,
        int       sig)
{
  if (ptrace (request, te->tid, 0, sig) < 0 && errno != ESRCH)
    g_printerr ("sockscope-lab: ptrace resume %d: %s\n", (int) te->tid, g_strerror (errno));
}

static gboolean
holdable (const SsTraceSys *sys)
{
  return !(sys->flags & (SS_TRACE_EXIT | SS_TRACE_EXEC));
}

static void
released (SsTracee *te)
{
  te->held = FALSE;
  te->in_call = TRUE;
  if (te->call.sys->info.id == SS_CALL_CLOSE && te->call.fd >= 0)
    fdtab_changing (te, (guint) te->call.fd, (guint) te->call.fd);
  te->actor->started = TRUE;
  te->actor->started_mono = g_get_monotonic_time ();
}

static void
release (SsLab    *lab,
         SsTracee *te)
{
  released (te);
  resume (te, PTRACE_SYSCALL, 0);
}

/* The program is stopped for as little as the lab needs: a free-running echo loop waits for the
 * lab at each of its stops, so what can be done while it runs is.
 * At the entry of these calls (not held in step mode, no source line to unwind), the program
 * goes on into the kernel first and the lab then reads the arguments and makes the `call`
 * event: the registers are read, the memory the call reads stays as it is until the call's exit
 * stop (which waits for the lab), and the call is known before any packet it sends is looked
 * at. Not for the calls whose memory the kernel writes before their exit (select, poll), those
 * that need the program stopped (fork, exec, exit) or a state dump before they run (close,
 * shutdown). */
static gboolean
goes_on_at_entry (SsTrace          *t,
                  SsTracee         *te,
                  const SsTraceSys *sys)
{
  if (te->hidden || te->actor == NULL || te->source || te->denied || (t->step && holdable (sys)))
    return FALSE;
  switch (sys->nr)
    {
    case __NR_sendto: case __NR_sendmsg: case __NR_write: case __NR_writev:
    case __NR_recvfrom: case __NR_recvmsg: case __NR_read: case __NR_readv:
    case __NR_setsockopt: case __NR_getsockopt: case __NR_getsockname: case __NR_getpeername:
    case __NR_fcntl: case __NR_bind: case __NR_listen: case __NR_connect:
    case __NR_accept: case __NR_accept4: case __NR_socket: case __NR_socketpair:
    case __NR_epoll_create: case __NR_epoll_create1: case __NR_epoll_ctl:
    case __NR_epoll_wait: case __NR_epoll_pwait: case __NR_epoll_pwait2: case __NR_wait4:
      return TRUE;
    default:
      return FALSE;
    }
}

/* At the exit of a call that makes no fd and that no state dump must follow at once (accept,
 * connect: sockdiag), the program goes on once its results are read and the frames it sent are
 * out of the rings (ss_lab_return_cut); their events and the return's are made after. */
static gboolean
goes_on_at_exit (SsTracee *te)
{
  const SsTraceSys *sys = te->call.sys;

  return !te->hidden && te->actor != NULL && !te->denied && sys != NULL && !sys->info.creates_fd &&
         !makes_epoll (sys) && epoll_to_follow (te) < 0 && sys->info.id != SS_CALL_CONNECT && sys->info.id != SS_CALL_ACCEPT &&
         !(sys->flags & (SS_TRACE_PROCESS | SS_TRACE_EXEC | SS_TRACE_EXIT));
}

/* exit: every socket of the process closes with it; its FINs are the exit's. */
static void
note_exit_closes (SsLab     *lab,
                  SsActor   *actor,
                  SsCallRec *call)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) actor->pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    ss_cause_note_call (ss_cause_sock_for_fd (lab, actor, atoi (name)), call);
}


static gboolean
only_reads (const SsTraceSys *sys)
{
  switch (sys->nr)
    {
    case __NR_recvfrom: case __NR_recvmsg: case __NR_recvmmsg: case __NR_read: case __NR_readv:
    case __NR_getsockopt: case __NR_getsockname: case __NR_getpeername: case __NR_fcntl:
    case __NR_select: case __NR_pselect6: case __NR_poll: case __NR_ppoll:
    case __NR_epoll_create: case __NR_epoll_create1: case __NR_epoll_ctl:
    case __NR_epoll_wait: case __NR_epoll_pwait: case __NR_epoll_pwait2: case __NR_wait4:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A send on an established TCP connection adds no socket and moves none. */
static gboolean
established_tcp (SsLab     *lab,
                 SsSockRec *rec)
{
  for (guint i = 0; rec != NULL && lab->states != NULL && i < lab->states->len; i++)
    {
      const SsSockEntry *e = &g_array_index (lab->states, SsSockEntry, i);

      if (e->inode == rec->inode)
        return e->proto == IPPROTO_TCP && e->state == 1 /* TCP_ESTABLISHED */;
    }
  return FALSE;
}

static void
emit_call (SsLab    *lab,
           SsTrace  *t,
           SsTracee *te,
           guint64   t_ns)
{
  SsActor *actor = te->actor;
  SsTraceCall *tc = &te->call;
  SsCallRec *call = g_new0 (SsCallRec, 1);

  call->actor = actor;
  call->info = &tc->sys->info;
  call->text = g_strdup (tc->text);
  call->cause_text = g_strconcat (actor->name, ": ", call->text, NULL);
  call->step = -1;
  call->seq = lab->seq + 1;
  /* select, poll: the fds watched, named by number (which the return's "ready" lists) */
  if (tc->sys->info.id == SS_CALL_SELECT || tc->sys->info.id == SS_CALL_POLL)
    {
      call->args_src = g_new0 (char *, tc->n_fds + 1);
      for (guint i = 0; i < tc->n_fds; i++)
        {
          call->args_src[i] = g_strdup_printf ("%d", tc->fds[i]);
          call->fds[i] = tc->fds[i];
        }
    }
  else
    {
      call->args_src = g_new0 (char *, tc->texts->len + 1);
      for (guint i = 0; i < tc->texts->len; i++)
        call->args_src[i] = g_strdup (g_ptr_array_index (tc->texts, i));
      call->fds[0] = tc->fd;
    }
  if (tc->has_remote)
    ss_cause_note_remote (call, &tc->remote);
  g_ptr_array_add (lab->calls, call);

  ss_lab_event_begin (lab, t_ns, "call", -1);
  g_string_append (lab->out, ",\"actor\":");
  ss_json_append_string (lab->out, actor->name, -1);
  g_string_append (lab->out, ",\"call\":\"");
  g_string_append (lab->out, tc->sys->info.name);
  g_string_append (lab->out, "\",\"fd\":");
  if (tc->fd >= 0)
    ss_lab_append_int (lab->out, tc->fd);
  else
    g_string_append (lab->out, "null");
  g_string_append (lab->out, ",\"args\":[");
  for (guint i = 0; i < tc->texts->len; i++)
    {
      if (i > 0)
        g_string_append_c (lab->out, ',');
      ss_json_append_string (lab->out, g_ptr_array_index (tc->texts, i), -1);
    }
  g_string_append (lab->out, "],\"text\":");
  ss_json_append_string (lab->out, call->text, -1);
  g_string_append (lab->out, ",\"assign\":null,\"traced\":true");
  if (t->step && holdable (tc->sys))
    g_string_append (lab->out, ",\"held\":true");
  if (te->source)
    {
      if (t->unwind == NULL)
        t->unwind = ss_unwind_new ();
      ss_unwind_append_source (t->unwind, actor->pid, te->tid, lab->out);
    }
  ss_lab_event_end (lab);

  /* The generation tells the cause and the ends that the kernel's socket tables may have
   * changed (they dump them again). A call that only reads or waits changes none: in a
   * free-running echo loop, half the dumps are saved. */
  actor->call_sock = tc->sys->info.acts_on_fd && tc->fd >= 0 ? sock_for_fd (lab, te, tc->fd) : NULL;
  if (!only_reads (tc->sys) && !(tc->sys->info.id == SS_CALL_SEND && established_tcp (lab, actor->call_sock)))
    lab->generation++;
  actor->call = call;
  actor->started = actor->blocked = FALSE;
  ss_cause_note_call (actor->call_sock, call);
  if (tc->sys->flags & SS_TRACE_EXIT)
    {
      if (tc->sys->nr == __NR_exit_group || !actor->thread)
        note_exit_closes (lab, actor, call);
    }
}

/* The call in flight ended without an exit stop we could see (interrupted, not restarted). */
static gboolean
finish_call (SsLab    *lab,
             SsTrace  *t,
             SsTracee *te,
             gint64    rax,
             gboolean  go_on)
{
  SsActor *actor = te->actor;
  SsActorMsg *msg = t->msg;
  SsCallRec *call = actor->call;

  te->in_call = FALSE;
  te->restarting = FALSE;
  if (call == NULL)
    return FALSE;
  ss_trace_decode_exit (actor->pid, &te->call, rax, msg);
  if (te->denied)
    {
      msg->ret = -1;
      msg->err = EAGAIN;
      te->denied = FALSE;
    }
  if (go_on)
    {
      guint64 t_ns = ss_lab_return_cut (lab);

      resume (te, PTRACE_CONT, 0);
      ss_lab_emit_return_after_cut (lab, actor, msg, t_ns);
    }
  else
    ss_lab_emit_return (lab, actor, msg);
  if (msg->ret >= 0 && call->info->id == SS_CALL_SOCKETPAIR)
    for (guint i = 0; i < 2; i++)
      ss_cause_note_call (ss_cause_sock_for_fd (lab, actor, msg->fds[i]), call);
  else if (msg->ret >= 0 && call->info->creates_fd)
    ss_cause_note_call (ss_cause_sock_for_fd (lab, actor, (int) msg->ret), call);
  /* A program sends at once after accept or connect, before any state dump: learn the new
   * connection's addresses now, or its first segment would be taken for its listener's; and
   * its state, so that its sends are known to be on an established connection (they then ask
   * for no new dump: emit_call). */
  if (msg->ret >= 0 && (call->info->id == SS_CALL_ACCEPT || call->info->id == SS_CALL_CONNECT))
    ss_sockdiag_refresh (lab);
  if (msg->ret < 0 && msg->err == ENETUNREACH && !t->noted_net)
    {
      g_autofree char *text = g_strdup_printf (
        "%s: %s failed with ENETUNREACH: the lab has no network but its loopback; programs in the "
        "lab reach 127.0.0.1, ::1 and the names of its /etc/hosts (localhost, server.lab), never "
        "the internet.", actor->name, call->text);

      note (lab, "warning", text);
      t->noted_net = TRUE;
    }
  if (msg->ret < 0 && msg->err == ECONNREFUSED && call->info->id == SS_CALL_CONNECT && lab->hosts != NULL && !t->noted_refused)
    {
      g_autofree char *text = g_strdup_printf (
        "%s: %s failed with ECONNREFUSED: no socket listens there on that host. On two hosts, "
        "127.0.0.1 and localhost stay inside each host: a client reaches a server on the other "
        "host by its name (%s, %s) or address (192.0.2.1, 192.0.2.2), and the server listens on "
        "0.0.0.0 or its host's address, not 127.0.0.1.", actor->name, call->text,
        lab->host_names[0] ? lab->host_names[0] : "alice", lab->host_names[1] ? lab->host_names[1] : "bob");

      note (lab, "warning", text);
      t->noted_refused = TRUE;
    }
  actor->call = NULL;
  actor->started = actor->blocked = FALSE;
  lab->states_stale = TRUE;
  ss_lab_add_refresh (lab);
  ss_trace_call_clear (&te->call);
  return go_on;
}

static gboolean
is_restart (gint64 rax)
{
  /* ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK: the kernel's own */
  return rax <= -512 && rax >= -516;
}

static void
on_entry (SsLab    *lab,
          SsTrace  *t,
          SsTracee *te)
{
  struct user_regs_struct regs;
  const SsTraceSys *sys;
  SsActor *actor = te->actor;
  pid_t pid = te->pid;

  if (te->epoll_peek != 0)
    {
      /* a traced call after an epoll_create: the look ends; the epoll, if still open, gets its
       * filter at the exit of this call or the next traced one */
      te->epoll_follow = te->epoll_peek;
      te->epoll_peek = 0;
      te->peek_exit = FALSE;
    }
  if (ptrace (PTRACE_GETREGS, te->tid, 0, &regs) < 0)
    return;
  sys = ss_trace_sys_lookup ((long) regs.orig_rax);
  if (te->restarting)
    {
      if (te->call.sys != NULL && sys != NULL && sys->info.name == te->call.sys->info.name)
        {
          /* the same call again, restarted after a signal: still the same call */
          te->restarting = FALSE;
          te->in_call = TRUE;
          resume (te, PTRACE_SYSCALL, 0);
          return;
        }
      finish_call (lab, t, te, -EINTR, FALSE);
    }
  if (sys == NULL ||
      (sys->flags & SS_TRACE_ON_SOCK && !fd_is_socket (lab, te, (int) regs.rdi) &&
       !(sys->nr == __NR_close && ss_trace_fd_is_epoll (te->pid, (int) regs.rdi))) ||
      (sys->flags & SS_TRACE_FCNTL_FL && regs.rsi != F_GETFL && regs.rsi != F_SETFL) ||
      (sys->flags & SS_TRACE_IOCTL_NB && regs.rsi != FIONBIO))
    {
      long nr = (long) regs.orig_rax;
      gboolean change = FALSE;

      /* what fd numbers are changes: forgotten (SsFdTable) */
      if (nr == __NR_dup2 || nr == __NR_dup3)
        change = (guint) regs.rsi != (guint) regs.rdi;
      if (change)
        fdtab_changing (te, (guint) regs.rsi, (guint) regs.rsi);
      else if (nr == __NR_close_range && (guint) regs.rdi <= (guint) regs.rsi)
        {
          change = TRUE;
          fdtab_changing (te, (guint) regs.rdi, (guint) regs.rsi);
        }
      else if (ss_trace_is_fd_table_call (nr))
        {
          if (te->fdtab != NULL && (nr != __NR_unshare || (regs.rdi & CLONE_FILES)))
            te->fdtab->untrusted = TRUE;
          ss_trace_stats.fd_table_stops++;
          resume (te, PTRACE_CONT, 0);
          return;
        }
      if (ss_trace_fdfilter_is_dup (nr, regs.rsi) && fd_is_socket (lab, te, (int) regs.rdi))
        {
          te->dup_exit = TRUE;
          ss_trace_stats.other_stops++;
          resume (te, PTRACE_SYSCALL, 0);
          return;
        }
      if (change)
        {
          /* dup2 or dup3 onto a socket's number, close_range over it: its exit ends the change */
          ss_trace_stats.fd_table_stops++;
          resume (te, te->hidden ? PTRACE_CONT : PTRACE_SYSCALL, 0);
          return;
        }
      ss_trace_stats.untraced_stops++;
      resume (te, PTRACE_CONT, 0);
      return;
    }

  ss_trace_stats.entry_stops++;
  ss_trace_call_clear (&te->call);
  memset (&te->call, 0, sizeof te->call);
  te->call.sys = sys;
  te->call.args[0] = regs.rdi;
  te->call.args[1] = regs.rsi;
  te->call.args[2] = regs.rdx;
  te->call.args[3] = regs.r10;
  te->call.args[4] = regs.r8;
  te->call.args[5] = regs.r9;
  if (goes_on_at_entry (t, te, sys))
    {
      guint64 t_ns = ss_now_ns ();

      resume (te, PTRACE_SYSCALL, 0);
      ss_trace_decode_entry (pid, &te->call);
      emit_call (lab, t, te, t_ns);
      released (te);
      return;
    }
  ss_trace_decode_entry (pid, &te->call);

  /* A fork bomb: past MAX_TASKS, fork and clone fail with EAGAIN, as under RLIMIT_NPROC. */
  if ((sys->flags & SS_TRACE_PROCESS) && n_tasks (t) >= MAX_TASKS)
    {
      regs.orig_rax = (unsigned long long) -1;    /* skipped: its exit stop sets EAGAIN */
      ptrace (PTRACE_SETREGS, te->tid, 0, &regs);
      te->denied = TRUE;
      if (!t->noted_bomb)
        {
          g_autofree char *text = g_strdup_printf (
            "%s: %s fails with EAGAIN: the lab runs at most %d traced processes and threads at a "
            "time (a program that forks without end, a fork bomb, is stopped there).",
            actor != NULL ? actor->name : te->base, te->call.text, MAX_TASKS);

          note (lab, "warning", text);
          t->noted_bomb = TRUE;
        }
    }

  /* The terminal's shell and its children before exec are not drawn: their calls (fork, wait,
   * readline's pselect on the terminal, the name lookups of bash's startup) run untouched. */
  if (te->hidden)
    {
      te->in_call = te->denied;
      resume (te, te->denied ? PTRACE_SYSCALL : PTRACE_CONT, 0);
      return;
    }

  /* Before a socket is closed, the kernel's view of it and of its holder is taken: a program
   * closes a connection at once, before any dump, and its FIN must still have its ends. */
  if (sys->info.id == SS_CALL_CLOSE || sys->info.id == SS_CALL_SHUTDOWN || sys->info.id == SS_CALL_EXIT)
    ss_sockdiag_refresh (lab);
  emit_call (lab, t, te, ss_now_ns ());
  if (t->step && holdable (sys) && !te->denied)
    {
      te->held = TRUE;
      te->held_order = ++t->hold_counter;
      return;
    }
  release (lab, te);
}

static void handle_status (SsLab *lab, SsTrace *t, SsTracee *te, int status);

/* A new socket fd: its reads, writes and close stop from now on (sockscope-trace-fdfilter.c).
 * FALSE: the tracee ended meanwhile, and is gone. */
static gboolean
follow_fd (SsLab                         *lab,
           SsTrace                       *t,
           SsTracee                      *te,
           const struct user_regs_struct *regs,
           int                            fd)
{
  int status = 0;

  switch (ss_trace_fdfilter_add (te->pid, te->tid, regs, fd, &status))
    {
    case SS_FDFILTER_DONE:
      ss_trace_stats.fd_filters++;
      if (te->fdtab != NULL)
        g_hash_table_add (te->fdtab->filtered, GUINT_TO_POINTER ((guint) fd + 1));
      return TRUE;
    case SS_FDFILTER_FAILED:
      ss_trace_stats.fd_filters_failed++;
      return TRUE;
    case SS_FDFILTER_GONE:
    default:
      handle_status (lab, t, te, status);
      return FALSE;
    }
}

/* At a call's exit: its result, and every register when they are needed (a refused fork's
 * are rewritten, a new socket's fd gets its filter through them); the result alone is one
 * word, not the whole set. */
static gboolean
exit_regs (SsTracee                *te,
           struct user_regs_struct *regs)
{
  const SsTraceSys *sys = te->call.sys;
  long rax;

  if (te->denied || sys == NULL || sys->info.creates_fd || makes_epoll (sys) || epoll_to_follow (te) >= 0)
    return ptrace (PTRACE_GETREGS, te->tid, 0, regs) == 0;
  errno = 0;
  rax = ptrace (PTRACE_PEEKUSER, te->tid, (void *) offsetof (struct user_regs_struct, rax), 0);
  if (errno != 0)
    return FALSE;
  memset (regs, 0, sizeof *regs);
  regs->rax = (unsigned long long) rax;
  return TRUE;
}

static void
on_exit_stop (SsLab    *lab,
              SsTrace  *t,
              SsTracee *te)
{
  struct user_regs_struct regs;
  const SsTraceSys *sys = te->call.sys;
  gboolean go_on;
  int epfd;

  if (te->epoll_peek != 0)
    {
      /* looking at the calls after an epoll_create (syscall stops): at an entry, its close is
       * traced; any other call goes on, to its seccomp stop if it is traced (on_entry ends the
       * look there), else to its exit stop, and the next call's entry stops */
      const SsTraceSys *next = NULL;
      gboolean at_entry = !te->peek_exit;

      epfd = te->epoll_peek - 1;
      ss_trace_stats.exit_stops--;
      if (at_entry && ptrace (PTRACE_GETREGS, te->tid, 0, &regs) == 0)
        {
          if (regs.orig_rax == __NR_close && (int) regs.rdi == epfd)
            {
              te->epoll_peek = 0;
              on_entry (lab, t, te);
              return;
            }
          next = ss_trace_sys_lookup ((long) regs.orig_rax);
        }
      if (next != NULL && !(next->flags & SS_TRACE_ON_SOCK))
        ss_trace_stats.other_stops++;       /* a traced call: its seccomp stop follows */
      else
        ss_trace_stats.untraced_stops++;
      te->peek_exit = at_entry;
      resume (te, PTRACE_SYSCALL, 0);
      return;
    }
  if (te->fd_change)
    {
      te->fd_change = FALSE;
      te->fdtab->changing--;
      if (!te->dup_exit && !te->in_call)
        {
          resume (te, PTRACE_CONT, 0);
          return;
        }
    }
  if (te->dup_exit)
    {
      te->dup_exit = FALSE;
      if (ptrace (PTRACE_GETREGS, te->tid, 0, &regs) == 0 && (gint64) regs.rax >= 0 &&
          !follow_fd (lab, t, te, &regs, (int) regs.rax))
        return;
      resume (te, PTRACE_CONT, 0);
      return;
    }
  if (!te->in_call || !exit_regs (te, &regs))
    {
      resume (te, PTRACE_CONT, 0);
      return;
    }
  if (te->denied)
    {
      regs.rax = (unsigned long long) -EAGAIN;
      ptrace (PTRACE_SETREGS, te->tid, 0, &regs);
      if (te->hidden)
        {
          te->denied = te->in_call = FALSE;
          resume (te, PTRACE_CONT, 0);
          return;
        }
    }
  if (is_restart ((gint64) regs.rax))
    {
      te->restarting = TRUE;
      te->in_call = FALSE;
      resume (te, PTRACE_CONT, 0);
      return;
    }
  epfd = epoll_to_follow (te);
  go_on = goes_on_at_exit (te);
  te->epoll_follow = 0;
  if (finish_call (lab, t, te, (gint64) regs.rax, go_on))
    return;
  if (sys != NULL && sys->info.creates_fd && (gint64) regs.rax >= 0 &&
      !(sys->info.id == SS_CALL_SOCKETPAIR
        ? follow_fd (lab, t, te, &regs, t->msg->fds[0]) && follow_fd (lab, t, te, &regs, t->msg->fds[1])
        : follow_fd (lab, t, te, &regs, (int) regs.rax)))
    return;
  /* an epoll in use, or still open at the first traced call after its epoll_create: its close
   * stops from now on, as a socket's */
  if (epfd >= 0 && ss_trace_fd_is_epoll (te->pid, epfd) && !follow_fd (lab, t, te, &regs, epfd))
    return;
  /* a new epoll whose number has no filter yet: the next calls are looked at */
  if (makes_epoll (sys) && (gint64) regs.rax >= 0 && !epoll_followed (te, (int) regs.rax))
    {
      te->epoll_peek = (int) regs.rax + 1;
      resume (te, PTRACE_SYSCALL, 0);
      return;
    }
  resume (te, PTRACE_CONT, 0);
}

/* A new task's fd table: its parent's (a thread, CLONE_FILES), or a copy (fork). */
static SsFdTable *
child_fdtab (SsTracee *te,
             gboolean  thread)
{
  const SsTraceSys *sys = te->call.sys;
  guint64 flags;
  SsFdTable *ft;

  if (te->fdtab == NULL || sys == NULL || !(sys->flags & SS_TRACE_PROCESS))
    {
      ft = fdtab_new (te->fdtab);
      ft->untrusted = TRUE;    /* made by a call the tracer did not see */
      return ft;
    }
  flags = sys->nr == __NR_clone3 ? te->call.args[5] : sys->nr == __NR_clone ? te->call.args[0] : 0;
  if (flags & CLONE_FILES)
    {
      if (!thread)
        te->fdtab->untrusted = TRUE;    /* two processes, one table: /proc shows each its own */
      return fdtab_ref (te->fdtab);
    }
  ft = fdtab_new (te->fdtab);
  if (thread)
    ft->untrusted = TRUE;      /* a thread with a table of its own: /proc shows its process's */
  return ft;
}

static void
on_new_task (SsLab    *lab,
             SsTrace  *t,
             SsTracee *te,
             int       event)
{
  unsigned long msg = 0;
  gboolean thread = FALSE;
  SsActor *parent = te->actor, *child;
  SsTracee *c;
  SsFdTable *fdtab;
  g_autofree char *name = NULL;
  pid_t tid;

  ptrace (PTRACE_GETEVENTMSG, te->tid, 0, &msg);
  tid = (pid_t) msg;
  if (event == PTRACE_EVENT_CLONE && te->call.sys != NULL)
    {
      guint64 flags = te->call.sys->nr == __NR_clone3 ? te->call.args[5] : te->call.args[0];

      thread = (flags & CLONE_THREAD) != 0;
    }
  fdtab = child_fdtab (te, thread);
  if (te->hidden)
    {
      c = add_tracee (t, tid, NULL, te->base);
      c->fdtab = fdtab;
      c->new_born = TRUE;
      c->thread = thread;
      c->pid = thread ? te->pid : tid;
      c->group = te->group;
      c->source = te->source;
      resume (te, next_stop (te), 0);
      return;
    }
  name = unique_name (lab, te->base);
  child = ss_lab_new_actor (lab, name, parent->name, thread ? parent->pid : tid, -1);
  child->tid = tid;
  child->thread = thread;
  child->host = parent->host;   /* a fork or a thread stays on its parent's host */
  child->via = parent->call != NULL ? parent->call->seq : 0;
  {
    SsTracee *born = add_tracee (t, tid, child, te->base);

    born->new_born = TRUE;
    born->source = te->source;
    born->fdtab = fdtab;
  }
  c = g_ptr_array_index (t->tracees, t->tracees->len - 1);   /* the child just added */
  c->thread = thread;
  c->pid = child->pid;
  c->group = te->group;
  ss_lab_emit_actor (lab, child);
  resume (te, next_stop (te), 0);
}

static void
on_gone (SsLab    *lab,
         SsTrace  *t,
         SsTracee *te,
         int       status)
{
  SsActor *actor = te->actor;

  int sig = WIFSIGNALED (status) ? WTERMSIG (status) : 0;

  if (actor == NULL)
    {
      g_ptr_array_remove (t->tracees, te);
      free_tracee (te);
      return;
    }

  if ((sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT ||
       sig == SIGSYS || sig == SIGTRAP) && !te->killed && !actor->thread)
    {
      g_autofree char *text = g_strdup_printf ("%s crashed: killed by SIG%s (%s)%s", actor->name,
                                               sigabbrev_np (WTERMSIG (status)) ? sigabbrev_np (WTERMSIG (status)) : "?",
                                               strsignal (WTERMSIG (status)),
                                               actor->call != NULL ? " during a call" : "");

      note (lab, "error", text);
    }
  /* A call interrupted by the end (a thread ended by exit_group) has no return. */
  if (actor->call != NULL && actor->call->info->id != SS_CALL_EXIT)
    actor->call = NULL;
  ss_lab_actor_ended (lab, actor, TRUE, status);
  if (!actor->thread)
    ss_unwind_forget (t->unwind, actor->pid);
  g_ptr_array_remove (t->tracees, te);
  free_tracee (te);
}

static void
handle_status (SsLab    *lab,
               SsTrace  *t,
               SsTracee *te,
               int       status)
{
  int sig, event;

  if (WIFEXITED (status) || WIFSIGNALED (status))
    {
      on_gone (lab, t, te, status);
      return;
    }
  if (!WIFSTOPPED (status))
    return;
  sig = WSTOPSIG (status);
  event = status >> 16;
  if (event == PTRACE_EVENT_EXEC && te->hidden && !te->shell)
    unhide (lab, te);
  if (event == PTRACE_EVENT_EXEC && te->hidden)
    {
      resume (te, PTRACE_CONT, 0);
      return;
    }
  switch (event)
    {
    case PTRACE_EVENT_SECCOMP:
      on_entry (lab, t, te);
      return;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE:
      ss_trace_stats.other_stops++;
      on_new_task (lab, t, te, event);
      return;
    case PTRACE_EVENT_EXEC:
      ss_unwind_forget (t->unwind, te->actor->pid);   /* another program: its own modules */
      fdtab_forget_range (te->fdtab, 0, G_MAXUINT);   /* its close-on-exec fds are closed */
      resume (te, next_stop (te), 0);
      return;
    case PTRACE_EVENT_EXIT:
    case PTRACE_EVENT_VFORK_DONE:
    case PTRACE_EVENT_STOP:
      ss_trace_stats.other_stops++;
      resume (te, next_stop (te), 0);
      return;
    default:
      break;
    }
  if (sig == (SIGTRAP | 0x80))
    {
      ss_trace_stats.exit_stops++;
      on_exit_stop (lab, t, te);
      return;
    }
  ss_trace_stats.other_stops++;
  if (sig == SIGSTOP && te->new_born)
    {
      te->new_born = FALSE;
      resume (te, PTRACE_CONT, 0);
      return;
    }
  /* A signal for the program: delivered as it was sent. */
  resume (te, next_stop (te), sig == SIGTRAP ? 0 : sig);
}

/* @woken: the poll loop saw SIGCHLD pending (the signalfd readable). One pass over the tracees
 * collects every stop reported before the signal was read; a stop that comes after raises it
 * again, and the loop wakes for it. */
void
ss_trace_drain (SsLab    *lab,
                gboolean  woken)
{
  SsTrace *t = lab->trace;
  struct signalfd_siginfo si[4];

  if (t == NULL || t->busy || !woken)
    return;
  t->busy = TRUE;
  /* SIGCHLD is not queued: one read takes it, whatever the number of stops */
  if (read (t->sigfd, si, sizeof si) < 0 && errno != EAGAIN)
    g_printerr ("sockscope-lab: signalfd: %s\n", g_strerror (errno));
  for (guint i = 0; i < t->tracees->len;)
    {
      SsTracee *te = g_ptr_array_index (t->tracees, i);
      int status;
      pid_t r;

      /* a held tracee has reported its stop: waitpid says 0, unless it was killed */
      r = waitpid (te->tid, &status, __WALL | WNOHANG);
      if (r == te->tid)
        handle_status (lab, t, te, status);
      else if (r < 0 && errno == ECHILD)
        {
          /* reaped by someone else: gone, status unknown */
          if (te->actor != NULL)
            ss_lab_actor_ended (lab, te->actor, FALSE, 0);
          g_ptr_array_remove (t->tracees, te);
          free_tracee (te);
        }
      /* the next one: te may have left the array (its end); children are added at its end */
      if (i < t->tracees->len && g_ptr_array_index (t->tracees, i) == te)
        i++;
    }
  t->busy = FALSE;
}

/* ---- next, mode, stop ---- */

static void
cmd_next (SsLab      *lab,
          gint64      id,
          JsonObject *cmd)
{
  SsTrace *t = trace_get (lab);
  const char *name = ss_member_string (cmd, "actor");
  SsTracee *pick = NULL;

  for (guint i = 0; i < t->tracees->len; i++)
    {
      SsTracee *te = g_ptr_array_index (t->tracees, i);

      if (!te->held)
        continue;
      if (name != NULL ? g_str_equal (te->actor->name, name) : (pick == NULL || te->held_order < pick->held_order))
        pick = te;
    }
  if (pick == NULL && name != NULL)
    return ss_lab_reply_error (lab, id, "%s does not wait before a call", name);
  if (pick == NULL)
    return ss_lab_reply_error (lab, id, "no traced program waits before a call");
  ss_lab_reply_begin (lab, "done", id);
  g_string_append (lab->out, ",\"actor\":");
  ss_json_append_string (lab->out, pick->actor->name, -1);
  g_string_append_printf (lab->out, ",\"call_seq\":%" G_GUINT64_FORMAT "}\n",
                          pick->actor->call ? pick->actor->call->seq : 0);
  release (lab, pick);
}

static void
cmd_mode (SsLab      *lab,
          gint64      id,
          JsonObject *cmd)
{
  SsTrace *t = trace_get (lab);
  const char *mode = ss_member_string (cmd, "mode");

  if (g_strcmp0 (mode, "step") != 0 && g_strcmp0 (mode, "run") != 0)
    return ss_lab_reply_error (lab, id, "trace_mode is \"step\" or \"run\"");
  t->step = g_str_equal (mode, "step");
  if (!t->step)
    for (guint i = 0; i < t->tracees->len; i++)
      {
        SsTracee *te = g_ptr_array_index (t->tracees, i);

        if (te->held)
          release (lab, te);
      }
  ss_lab_reply_begin (lab, "ok", id);
  g_string_append (lab->out, "}\n");
}

/* Kill every traced process and collect each end: their exit events are logged. */
static void
stop_all (SsLab *lab)
{
  SsTrace *t = lab->trace;

  if (t == NULL)
    return;
  for (guint i = 0; i < t->tracees->len; i++)
    {
      SsTracee *te = g_ptr_array_index (t->tracees, i);

      te->killed = TRUE;
      te->held = FALSE;
      kill (te->pid, SIGKILL);
    }
  while (t->tracees->len > 0)
    {
      SsTracee *te = g_ptr_array_index (t->tracees, 0);
      int status;
      pid_t r = waitpid (te->tid, &status, __WALL);

      if (r < 0 && errno == EINTR)
        continue;
      if (r == te->tid && !WIFEXITED (status) && !WIFSIGNALED (status))
        {
          /* a stop that came before the kill: let the kill finish it */
          ptrace (PTRACE_CONT, te->tid, 0, 0);
          continue;
        }
      if (r == te->tid)
        on_gone (lab, t, te, status);
      else
        {
          if (te->actor != NULL)
            ss_lab_actor_ended (lab, te->actor, FALSE, 0);
          g_ptr_array_remove_index (t->tracees, 0);
          free_tracee (te);
        }
    }
}

gboolean
ss_trace_command (SsLab      *lab,
                  const char *name,
                  gint64      id,
                  void       *cmd)
{
  if (g_strcmp0 (name, "trace") == 0)
    cmd_trace (lab, id, cmd);
  else if (g_strcmp0 (name, "next") == 0)
    cmd_next (lab, id, cmd);
  else if (g_strcmp0 (name, "trace_mode") == 0)
    cmd_mode (lab, id, cmd);
  else if (g_strcmp0 (name, "stop") == 0)
    {
      stop_all (lab);
      ss_lab_reply_begin (lab, "ok", id);
      g_string_append (lab->out, "}\n");
    }
  else if (!ss_terminal_command (lab, name, id, cmd))
    return FALSE;
  return TRUE;
}

void
ss_trace_shutdown (SsLab *lab)
{
  SsTrace *t = lab->trace;

  if (t == NULL)
    return;
  stop_all (lab);
  ss_trace_stats_print ();
  close (t->sigfd);
  unblock_sigchld_in_child ();     /* as the lab was before it traced */
  g_ptr_array_unref (t->tracees);
  g_free (t->msg);
  g_free (t->filter);
  ss_unwind_free (t->unwind);
  g_free (t);
  lab->trace = NULL;
}
