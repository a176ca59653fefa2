/* sockscope-terminal.c: a shell in the lab, on the front end's terminal (the `terminal` and
 * `terminal_close` commands, docs/LAB-PROTOCOL.md "A terminal in the lab").
 *
 * The front end makes the pseudo-terminal (VTE's VtePty: it holds the master) and names its
 * slave, /dev/pts/N; the lab's mount namespace shares the host's devpts, so the lab opens the
 * slave itself, checked to be a pty slave of the lab's own user, as the shell's controlling
 * terminal.  The shell (bash -i) is traced as any program, but hidden: it and its children have
 * no actor until they exec (a child that execs `nc` becomes the actor `nc`) or make a socket call
 * of their own.  Every process started from the shell belongs to the terminal's group: closing
 * the terminal kills them all.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "sockscope-trace.h"
#include "sockscope-unwind.h"

#define SHELL        "/bin/bash"
#define PROMPT       "lab:\\w\\$ "
#define PTS_MAJOR_LO 136          /* UNIX98 pty slaves: majors 136-143 */
#define PTS_MAJOR_HI 143

static guint next_group = 1;      /* 0: programs started by `trace` */

/* Only a pty slave of the lab's own user is taken: the front end's, never another's device. */
static int
open_tty (const char  *path,
          GError     **error)
{
  struct stat st;
  int fd;

  if (path == NULL || !g_str_has_prefix (path, "/dev/pts/"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "terminal needs tty: a /dev/pts/N path");
      return -1;
    }
  fd = open (path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot open %s in the lab: %s",
                   path, g_strerror (errno));
      return -1;
    }
  if (fstat (fd, &st) < 0 || !S_ISCHR (st.st_mode) || major (st.st_rdev) < PTS_MAJOR_LO ||
      major (st.st_rdev) > PTS_MAJOR_HI || st.st_uid != getuid () || !isatty (fd))
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s is not a pseudo-terminal of yours", path);
      return -1;
    }
  return fd;
}

/* The child: a session of its own on the terminal, traced and filtered like any traced program. */
G_NORETURN static void
child_shell (int          tty,
             const char  *cwd,
             char       **envp,
             guint        rows,
             guint        cols)
{
  guint n_insns = 0;
  g_autofree struct sock_filter *filter = ss_trace_filter (&n_insns);
  struct sock_fprog prog = { (unsigned short) n_insns, filter };
  char *argv[] = { (char *) SHELL, (char *) "--norc", (char *) "--noprofile", (char *) "-i", NULL };
  sigset_t none;

  ss_die_with_parent ();
  setsid ();
  ioctl (tty, TIOCSCTTY, 0);
  if (rows > 0 && cols > 0)
    {
      struct winsize ws = { .ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols };

      ioctl (tty, TIOCSWINSZ, &ws);
    }
  dup2 (tty, 0);
  dup2 (tty, 1);
  dup2 (tty, 2);
  close_range (3, ~0u, 0);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  setpriority (PRIO_PROCESS, 0, 10);
  if (chdir (cwd) < 0)
    {
      fprintf (stderr, "sockscope: cannot enter %s in the lab (%s): the shell starts in /\n", cwd, g_strerror (errno));
      if (chdir ("/") < 0)
        _exit (127);
    }
  if (ptrace (PTRACE_TRACEME, 0, 0, 0) < 0)
    _exit (126);
  raise (SIGSTOP);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
      syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
    _exit (126);
  execve (SHELL, argv, envp);
  fprintf (stderr, "sockscope: cannot run %s in the lab: %s\n", SHELL, g_strerror (errno));
  _exit (127);
}

static void
cmd_terminal (SsLab      *lab,
              gint64      id,
              JsonObject *cmd)
{
  g_autoptr(GError) error = NULL;
  const char *cwd = ss_member_string (cmd, "cwd");
  const char *mode = ss_member_string (cmd, "mode");
  g_autofree char *term = g_strdup_printf ("TERM=%s", ss_member_string (cmd, "term") ? ss_member_string (cmd, "term") : "xterm-256color");
  /* Python scripts started from it name their lines through the lab's startup hook. */
  g_autofree char *pythonpath = g_strdup_printf ("PYTHONPATH=%s", ss_unwind_python_hook_dir ());
  const char *extra[] = { term, "PS1=" PROMPT, "HISTFILE=/dev/null", pythonpath, NULL };
  g_auto(GStrv) envp = NULL;
  guint group;
  int tty, status;
  pid_t pid;

  if (cwd == NULL || !g_path_is_absolute (cwd))
    cwd = "/";
  if ((tty = open_tty (ss_member_string (cmd, "tty"), &error)) < 0)
    return ss_lab_reply_error (lab, id, "%s", error->message);
  /* A folder of the host's /tmp is shown at its own path, as for a traced program. */
  ss_namespace_show_host_tmp (cwd);
  envp = ss_trace_env (lab, extra);

  pid = fork ();
  if (pid < 0)
    {
      close (tty);
      return ss_lab_reply_error (lab, id, "cannot start the shell: %s", g_strerror (errno));
    }
  if (pid == 0)
    child_shell (tty, cwd, envp, (guint) ss_member_int (cmd, "rows", 0), (guint) ss_member_int (cmd, "cols", 0));
  close (tty);

  while (waitpid (pid, &status, __WALL) < 0 && errno == EINTR)
    ;
  if (!WIFSTOPPED (status))
    return ss_lab_reply_error (lab, id, "the shell ended before it could be traced");
  group = next_group++;
  if (!ss_trace_adopt (lab, pid, "bash", group, mode, &error))
    return ss_lab_reply_error (lab, id, "%s", error->message);
  ss_lab_reply_begin (lab, "ok", id);
  g_string_append_printf (lab->out, ",\"terminal\":%u,\"pid\":%d}\n", group, (int) pid);
}

static void
cmd_terminal_close (SsLab      *lab,
                    gint64      id,
                    JsonObject *cmd)
{
  gint64 group = ss_member_int (cmd, "terminal", 0);
  guint killed;

  if (group <= 0)
    return ss_lab_reply_error (lab, id, "terminal_close needs terminal: the number `terminal` replied");
  killed = ss_trace_kill_group (lab, (guint) group);
  ss_lab_reply_begin (lab, "ok", id);
  g_string_append_printf (lab->out, ",\"killed\":%u}\n", killed);
}

gboolean
ss_terminal_command (SsLab      *lab,
                     const char *name,
                     gint64      id,
                     void       *cmd)
{
  if (g_strcmp0 (name, "terminal") == 0)
    cmd_terminal (lab, id, cmd);
  else if (g_strcmp0 (name, "terminal_close") == 0)
    cmd_terminal_close (lab, id, cmd);
  else
    return FALSE;
  return TRUE;
}
