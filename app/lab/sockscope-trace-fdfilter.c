/* sockscope-trace-fdfilter.c: read, write, readv, writev, close, fcntl and ioctl stop only on
 * sockets.
 *
 * A seccomp filter sees a call's number and arguments, never what an fd is: the filter a traced
 * program starts with lets those calls run on every fd (a Python program reads hundreds of files
 * before its first socket: each would be a stop). When a call gives the program a socket (socket,
 * socketpair, accept, a dup of a socket), the tracer, which holds it stopped at that call's exit,
 * makes it call seccomp() once more: a filter that stops those calls, and dup, dup2 and dup3 (to
 * follow the socket to its copies), when their fd is that number; and dup2, dup3 onto the number
 * and close_range over it (what the number is changes). The call is run in the
 * program's place (its instruction pointer moved back onto the `syscall` instruction, the
 * filter written below its stack pointer), then its registers are put back as they were.
 * Filters cannot be taken off: after the socket is closed, a file that gets the same number
 * stops too (the tracer sees it is not a socket and lets it go: counted as an untraced stop).
 * One filter per fd number and process, SECCOMP_FILTER_FLAG_TSYNC for its threads; a fork
 * inherits them. x86_64 only, as the tracer. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockscope-trace-fdfilter.h"

static const long on_fd[] = {
  __NR_read, __NR_write, __NR_readv, __NR_writev, __NR_close, __NR_fcntl, __NR_ioctl,
  __NR_dup, __NR_dup2, __NR_dup3,
};

gboolean
ss_trace_fdfilter_call_on_fd (long nr)
{
  for (guint i = 0; i < G_N_ELEMENTS (on_fd); i++)
    if (on_fd[i] == nr)
      return TRUE;
  return FALSE;
}

/* dup, dup2, dup3, fcntl F_DUPFD*: a new fd for the same socket. */
gboolean
ss_trace_fdfilter_is_dup (long    nr,
                          guint64 arg1)
{
  return nr == __NR_dup || nr == __NR_dup2 || nr == __NR_dup3 ||
         (nr == __NR_fcntl && (arg1 == F_DUPFD || arg1 == F_DUPFD_CLOEXEC));
}

/* The filter also stops the calls that put another file at the fd's number (dup2 and dup3 onto
 * it, close_range over it): with close and execve (always stopped), the tracer sees every change
 * of what the number is, and can keep what it learnt of it (sockscope-trace.c). */
#define N_INSNS (3 + G_N_ELEMENTS (on_fd) + 1 + 1 + 2 + 2 + 4 + 2)

static guint
build (struct sock_filter *f,
       int                 fd)
{
  guint n = G_N_ELEMENTS (on_fd), pos = 0;
  /* where the checks start: after the numbers, close_range's and the ALLOW */
  guint check01 = 3 + n + 1 + 1, check0 = check01 + 2, range = check0 + 2;
  guint trace = range + 4, allow = trace + 1;

  f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch));
  f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, allow - pos - 1);
  pos++;
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr));
  for (guint i = 0; i < n; i++, pos++)
    f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (guint32) on_fd[i],
                                            (on_fd[i] == __NR_dup2 || on_fd[i] == __NR_dup3 ? check01 : check0) - pos - 1, 0);
  f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_close_range, range - pos - 1, 0);
  pos++;
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  g_assert (pos == check01);
  /* the fd: the low 32 bits of an argument (the kernel reads an fd as an int) */
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[1]));
  f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (guint32) fd, trace - pos - 1, 0);
  pos++;
  g_assert (pos == check0);
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[0]));
  f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (guint32) fd, trace - pos - 1, allow - pos - 1);
  pos++;
  g_assert (pos == range);
  /* close_range (first, last, flags): first <= fd <= last, unsigned */
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[0]));
  f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGT | BPF_K, (guint32) fd, allow - pos - 1, 0);
  pos++;
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[1]));
  f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, (guint32) fd, 0, allow - pos - 1);
  pos++;
  g_assert (pos == trace);
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRACE);
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  g_assert (pos == N_INSNS);
  return pos;
}

/* Which fd numbers of which process already have their filter: "pid start-time" → fds. */
static GHashTable *filtered;

static char *
process_key (pid_t pid)
{
  char path[64];
  g_autofree char *stat = NULL;
  const char *p;
  unsigned long long start = 0;

  g_snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if (g_file_get_contents (path, &stat, NULL, NULL) && (p = strrchr (stat, ')')) != NULL)
    {
      /* field 22, starttime; p is at the end of field 2 */
      for (int field = 2; *p != '\0' && field < 21; p++)
        if (*p == ' ')
          field++;
      start = g_ascii_strtoull (p, NULL, 10);
    }
  return g_strdup_printf ("%d %llu", (int) pid, start);
}

static gboolean
has_filter (const char *key,
            int         fd)
{
  GHashTable *fds = filtered != NULL ? g_hash_table_lookup (filtered, key) : NULL;

  return fds != NULL && g_hash_table_contains (fds, GINT_TO_POINTER (fd + 1));
}

static void
note_filter (const char *key,
             int         fd)
{
  GHashTable *fds;

  if (filtered == NULL)
    filtered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  if ((fds = g_hash_table_lookup (filtered, key)) == NULL)
    {
      fds = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (filtered, g_strdup (key), fds);
    }
  g_hash_table_add (fds, GINT_TO_POINTER (fd + 1));
}

/* The next syscall stop of the injected call; a signal that comes meanwhile is held back
 * (*sig) and sent again after. FALSE: it is ending (*status). */
static gboolean
wait_syscall_stop (pid_t  tid,
                   int   *status,
                   int   *sig)
{
  for (;;)
    {
      pid_t r = waitpid (tid, status, __WALL);

      if (r < 0 && errno == EINTR)
        continue;
      if (r != tid || !WIFSTOPPED (*status))
        return FALSE;
      if (WSTOPSIG (*status) == (SIGTRAP | 0x80))
        return TRUE;
      if ((*status >> 16) != 0)
        return FALSE;     /* an exit event (SIGKILL): the tracer finishes it */
      *sig = WSTOPSIG (*status);
      ptrace (PTRACE_SYSCALL, tid, 0, 0);
    }
}

SsFdFilterResult
ss_trace_fdfilter_add (pid_t                          pid,
                       pid_t                          tid,
                       const struct user_regs_struct *regs,
                       int                            fd,
                       int                           *status)
{
  struct
  {
    struct sock_fprog  prog;
    struct sock_filter insns[N_INSNS];
  } block;
  struct user_regs_struct r = *regs;
  struct iovec local = { &block, sizeof block }, remote;
  g_autofree char *key = process_key (pid);
  guint64 addr;
  long text;
  int sig = 0;
  gboolean ok = FALSE;

  if (fd < 0 || has_filter (key, fd))
    return SS_FDFILTER_DONE;
  /* the call that stopped came through a 2-byte `syscall` instruction (0f 05) */
  errno = 0;
  text = ptrace (PTRACE_PEEKTEXT, tid, (void *) (uintptr_t) (regs->rip - 2), 0);
  if (errno != 0 || (text & 0xffff) != 0x050f)
    return SS_FDFILTER_FAILED;

  /* below the stack pointer and its red zone (128 bytes) */
  addr = (regs->rsp - 256 - sizeof block) & ~(guint64) 15;
  memset (&block, 0, sizeof block);
  block.prog.len = (unsigned short) build (block.insns, fd);
  block.prog.filter = (struct sock_filter *) (uintptr_t) (addr + offsetof (__typeof__ (block), insns));
  remote = (struct iovec) { (void *) (uintptr_t) addr, sizeof block };
  if (process_vm_writev (tid, &local, 1, &remote, 1, 0) != (ssize_t) sizeof block)
    return SS_FDFILTER_FAILED;

  r.rip = regs->rip - 2;
  r.rax = __NR_seccomp;
  r.orig_rax = (unsigned long long) -1;
  r.rdi = SECCOMP_SET_MODE_FILTER;
  r.rsi = SECCOMP_FILTER_FLAG_TSYNC;
  r.rdx = addr;
  if (ptrace (PTRACE_SETREGS, tid, 0, &r) < 0)
    return SS_FDFILTER_FAILED;
  /* its entry, then its exit */
  if (ptrace (PTRACE_SYSCALL, tid, 0, 0) < 0 || !wait_syscall_stop (tid, status, &sig) ||
      ptrace (PTRACE_SYSCALL, tid, 0, 0) < 0 || !wait_syscall_stop (tid, status, &sig))
    return SS_FDFILTER_GONE;
  if (ptrace (PTRACE_GETREGS, tid, 0, &r) == 0)
    ok = r.rax == 0;
  ptrace (PTRACE_SETREGS, tid, 0, regs);
  if (sig != 0)
    syscall (SYS_tkill, tid, sig);
  if (!ok)
    return SS_FDFILTER_FAILED;
  note_filter (key, fd);
  return SS_FDFILTER_DONE;
}
