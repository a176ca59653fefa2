/* seccomp-measure.c: what tracing socket calls costs on this kernel, unprivileged.
 *
 * Run as an ordinary user: it enters a user + net namespace (as the lab does), sets
 * PR_SET_NO_NEW_PRIVS and times N getsockopt(SO_TYPE) calls (a socket call, traced) and
 * N getppid() calls (not traced) in a child:
 *   untraced;  seccomp SECCOMP_RET_TRACE + ptrace, entry and exit stops (strace --seccomp-bpf);
 *   seccomp SECCOMP_RET_USER_NOTIF answered with SECCOMP_USER_NOTIF_FLAG_CONTINUE.
 * The figures are in docs/ARCHITECTURE.md ("Decisions").  Build: cc -O2 seccomp-measure.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
install (unsigned action, int flags)
{
  struct sock_filter f[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_getsockopt, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, action),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };

  prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static void
work (long n, double *t_sock, double *t_other)
{
  int s = socket (AF_INET, SOCK_STREAM, 0), type;
  socklen_t len;
  double t0 = now ();

  for (long i = 0; i < n; i++)
    {
      len = sizeof type;
      if (getsockopt (s, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
        {
          perror ("getsockopt");
          _exit (1);
        }
    }
  *t_sock = now () - t0;
  t0 = now ();
  for (long i = 0; i < n; i++)
    syscall (SYS_getppid);
  *t_other = now () - t0;
}

int
main (int argc, char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 100000;
  int pipefd[2];
  double r[2];

  if (unshare (CLONE_NEWUSER | CLONE_NEWNET) < 0)
    {
      perror ("unshare");
      return 1;
    }
  for (int mode = 0; mode < 3; mode++)
    {
      static const char *names[] = { "untraced", "seccomp RET_TRACE + ptrace", "seccomp RET_USER_NOTIF" };
      long stops = 0;
      pid_t pid;
      int sv[2], notify = -1, status;

      pipe (pipefd);
      socketpair (AF_UNIX, SOCK_STREAM, 0, sv);
      pid = fork ();
      if (pid == 0)
        {
          if (mode == 1)
            {
              ptrace (PTRACE_TRACEME, 0, 0, 0);
              raise (SIGSTOP);
              if (install (SECCOMP_RET_TRACE, 0) < 0)
                _exit (2);
            }
          else if (mode == 2)
            {
              int fd = install (SECCOMP_RET_USER_NOTIF, SECCOMP_FILTER_FLAG_NEW_LISTENER);
              struct msghdr msg = { 0 };
              char cbuf[CMSG_SPACE (sizeof (int))], b = 0;
              struct iovec iov = { &b, 1 };

              if (fd < 0)
                _exit (2);
              msg.msg_iov = &iov;
              msg.msg_iovlen = 1;
              msg.msg_control = cbuf;
              msg.msg_controllen = sizeof cbuf;
              CMSG_FIRSTHDR (&msg)->cmsg_level = SOL_SOCKET;
              CMSG_FIRSTHDR (&msg)->cmsg_type = SCM_RIGHTS;
              CMSG_FIRSTHDR (&msg)->cmsg_len = CMSG_LEN (sizeof (int));
              memcpy (CMSG_DATA (CMSG_FIRSTHDR (&msg)), &fd, sizeof fd);
              sendmsg (sv[1], &msg, 0);
              close (fd);
            }
          work (n, &r[0], &r[1]);
          write (pipefd[1], r, sizeof r);
          _exit (0);
        }
      if (mode == 1)
        {
          waitpid (pid, &status, 0);
          ptrace (PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
          ptrace (PTRACE_CONT, pid, 0, 0);
          while (waitpid (pid, &status, 0) == pid && !WIFEXITED (status) && !WIFSIGNALED (status))
            {
              int sig = WSTOPSIG (status);

              if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
                {
                  stops++;
                  ptrace (PTRACE_SYSCALL, pid, 0, 0);   /* to its exit stop: the return value */
                }
              else
                ptrace (PTRACE_CONT, pid, 0, sig == SIGTRAP ? 0 : sig);
            }
        }
      else if (mode == 2)
        {
          struct msghdr msg = { 0 };
          char cbuf[CMSG_SPACE (sizeof (int))], b;
          struct iovec iov = { &b, 1 };
          struct seccomp_notif req;
          struct seccomp_notif_resp resp;

          msg.msg_iov = &iov;
          msg.msg_iovlen = 1;
          msg.msg_control = cbuf;
          msg.msg_controllen = sizeof cbuf;
          recvmsg (sv[0], &msg, 0);
          memcpy (&notify, CMSG_DATA (CMSG_FIRSTHDR (&msg)), sizeof notify);
          for (;;)
            {
              memset (&req, 0, sizeof req);
              if (ioctl (notify, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                break;
              stops++;
              memset (&resp, 0, sizeof resp);
              resp.id = req.id;
              resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
              if (ioctl (notify, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
                break;
            }
          waitpid (pid, &status, 0);
        }
      else
        waitpid (pid, &status, 0);
      if (read (pipefd[0], r, sizeof r) != sizeof r)
        {
          printf ("%-28s failed (status %d)\n", names[mode], status);
          continue;
        }
      printf ("%-28s %ld socket calls: %7.3f s (%6.2f us each), %ld other calls: %6.3f s, %ld stops\n",
              names[mode], n, r[0], r[0] / n * 1e6, n, r[1], stops);
      close (pipefd[0]); close (pipefd[1]); close (sv[0]); close (sv[1]);
      if (notify >= 0)
        close (notify);
    }
  return 0;
}
