/* sockscope-trace-decode.c: which calls the tracer stops, its seccomp filter, and a stopped
 * call's arguments and results read from its registers and memory, written as C reads them
 * (addresses like 127.0.0.1:7777, constants by name, data as a C string literal).
 * x86_64 only: the numbers are its syscall numbers. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockscope-trace.h"

#define DATA_SHOWN 64   /* bytes of data a call's text shows */

/* name, lesson call (its cause rules), acts_on_fd, can_block, creates_fd */
#define SYS(nr, name, id, on_fd, block, creates, flags) \
  { nr, { name, id, 0, 0, { 0 }, { 0 }, on_fd, block, creates, false, false, false, NULL }, flags }

static const SsTraceSys table[] = {
  SYS (__NR_socket,       "socket",       SS_CALL_SOCKET,      false, false, true,  SS_TRACE_ALWAYS),
  SYS (__NR_socketpair,   "socketpair",   SS_CALL_SOCKETPAIR,  false, false, true,  SS_TRACE_ALWAYS),
  SYS (__NR_bind,         "bind",         SS_CALL_BIND,        true,  false, false, SS_TRACE_ALWAYS),
  SYS (__NR_listen,       "listen",       SS_CALL_LISTEN,      true,  false, false, SS_TRACE_ALWAYS),
  SYS (__NR_accept,       "accept",       SS_CALL_ACCEPT,      true,  true,  true,  SS_TRACE_ALWAYS),
  SYS (__NR_accept4,      "accept4",      SS_CALL_ACCEPT,      true,  true,  true,  SS_TRACE_ALWAYS),
  SYS (__NR_connect,      "connect",      SS_CALL_CONNECT,     true,  true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_sendto,       "sendto",       SS_CALL_SENDTO,      true,  true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_sendmsg,      "sendmsg",      SS_CALL_SENDTO,      true,  true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_sendmmsg,     "sendmmsg",     SS_CALL_SEND,        true,  true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_recvfrom,     "recvfrom",     SS_CALL_RECVFROM,    true,  true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_recvmsg,      "recvmsg",      SS_CALL_RECVFROM,    true,  true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_recvmmsg,     "recvmmsg",     SS_CALL_RECV,        true,  true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_read,         "read",         SS_CALL_RECV,        true,  true,  false, SS_TRACE_ON_SOCK),
  SYS (__NR_write,        "write",        SS_CALL_SEND,        true,  true,  false, SS_TRACE_ON_SOCK),
  SYS (__NR_readv,        "readv",        SS_CALL_RECV,        true,  true,  false, SS_TRACE_ON_SOCK),
  SYS (__NR_writev,       "writev",       SS_CALL_SEND,        true,  true,  false, SS_TRACE_ON_SOCK),
  SYS (__NR_shutdown,     "shutdown",     SS_CALL_SHUTDOWN,    true,  false, false, SS_TRACE_ALWAYS),
  SYS (__NR_close,        "close",        SS_CALL_CLOSE,       true,  false, false, SS_TRACE_ON_SOCK),
  SYS (__NR_setsockopt,   "setsockopt",   SS_CALL_SETSOCKOPT,  true,  false, false, SS_TRACE_ALWAYS),
  SYS (__NR_getsockopt,   "getsockopt",   SS_CALL_GETSOCKOPT,  true,  false, false, SS_TRACE_ALWAYS),
  SYS (__NR_getsockname,  "getsockname",  SS_CALL_GETSOCKNAME, true,  false, false, SS_TRACE_ALWAYS),
  SYS (__NR_getpeername,  "getpeername",  SS_CALL_GETPEERNAME, true,  false, false, SS_TRACE_ALWAYS),
  SYS (__NR_fcntl,        "fcntl",        SS_CALL_FCNTL,       true,  false, false, SS_TRACE_ON_SOCK | SS_TRACE_FCNTL_FL),
  /* ioctl (fd, FIONBIO, &on): what Python's setblocking and settimeout make (fcntl's rules) */
  SYS (__NR_ioctl,        "ioctl",        SS_CALL_FCNTL,       true,  false, false, SS_TRACE_ON_SOCK | SS_TRACE_IOCTL_NB),
  SYS (__NR_select,       "select",       SS_CALL_SELECT,      false, true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_pselect6,     "pselect6",     SS_CALL_SELECT,      false, true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_poll,         "poll",         SS_CALL_POLL,        false, true,  false, SS_TRACE_ALWAYS),
  SYS (__NR_ppoll,        "ppoll",        SS_CALL_POLL,        false, true,  false, SS_TRACE_ALWAYS),
  /* epoll: no lesson call is like them (PTHREAD_JOIN: no cause rules, its out is empty); the
   * epoll fd is not a socket. epoll_wait's ready fds are read at its exit. */
  SYS (__NR_epoll_create, "epoll_create", SS_CALL_PTHREAD_JOIN, false, false, false, SS_TRACE_ALWAYS),
  SYS (__NR_epoll_create1, "epoll_create1", SS_CALL_PTHREAD_JOIN, false, false, false, SS_TRACE_ALWAYS),
  SYS (__NR_epoll_ctl,    "epoll_ctl",    SS_CALL_PTHREAD_JOIN, false, false, false, SS_TRACE_ALWAYS),
  SYS (__NR_epoll_wait,   "epoll_wait",   SS_CALL_PTHREAD_JOIN, false, true, false, SS_TRACE_ALWAYS),
  SYS (__NR_epoll_pwait,  "epoll_pwait",  SS_CALL_PTHREAD_JOIN, false, true, false, SS_TRACE_ALWAYS),
  SYS (__NR_epoll_pwait2, "epoll_pwait2", SS_CALL_PTHREAD_JOIN, false, true, false, SS_TRACE_ALWAYS),
  SYS (__NR_fork,         "fork",         SS_CALL_FORK,        false, false, false, SS_TRACE_PROCESS),
  SYS (__NR_vfork,        "vfork",        SS_CALL_FORK,        false, false, false, SS_TRACE_PROCESS),
  SYS (__NR_clone,        "clone",        SS_CALL_FORK,        false, false, false, SS_TRACE_PROCESS),
  SYS (__NR_clone3,       "clone3",       SS_CALL_FORK,        false, false, false, SS_TRACE_PROCESS),
  /* execve: no lesson call is like it; PTHREAD_JOIN's rules are none and its out is empty */
  SYS (__NR_execve,       "execve",       SS_CALL_PTHREAD_JOIN, false, false, false, SS_TRACE_EXEC),
  SYS (__NR_execveat,     "execveat",     SS_CALL_PTHREAD_JOIN, false, false, false, SS_TRACE_EXEC),
  SYS (__NR_exit,         "exit",         SS_CALL_EXIT,        false, false, false, SS_TRACE_EXIT),
  SYS (__NR_exit_group,   "exit_group",   SS_CALL_EXIT,        false, false, false, SS_TRACE_EXIT),
  SYS (__NR_wait4,        "wait4",        SS_CALL_WAITPID,     false, true,  false, SS_TRACE_ALWAYS),
};

/* sendto with no address is a send (Python's sock.send, C's send). */
static const SsTraceSys sendto_connected =
  SYS (__NR_sendto, "sendto", SS_CALL_SEND, true, true, false, SS_TRACE_ALWAYS);

const SsTraceSys *
ss_trace_sys_lookup (long nr)
{
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (table[i].nr == nr)
      return &table[i];
  return NULL;
}

/* Not traced, but stopped: they change what a process's fd numbers are in ways the tracer
 * cannot follow (unshare (CLONE_FILES) gives a thread a table of its own, io_uring closes fds
 * with no call, a seccomp listener's supervisor puts fds in), so it stops trusting what it learnt
 * of them (sockscope-trace.c). Students' programs hardly make them. seccomp stops only with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER: the tracer's own filters (sockscope-trace-fdfilter.c) go
 * through. */
static const long fd_table_calls[] = { __NR_unshare, __NR_io_uring_setup, __NR_seccomp };

gboolean
ss_trace_is_fd_table_call (long nr)
{
  for (guint i = 0; i < G_N_ELEMENTS (fd_table_calls); i++)
    if (fd_table_calls[i] == nr)
      return TRUE;
  return FALSE;
}

struct sock_filter *
ss_trace_filter (guint *n_insns)
{
  guint n = G_N_ELEMENTS (table), m = G_N_ELEMENTS (fd_table_calls);
  guint total = 5 + n + (m - 1) + 3 + 2, pos = 0;
  guint trace = total - 1;
  struct sock_filter *f = g_new0 (struct sock_filter, total);

  f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch));
  f[pos++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
  /* another personality (i386): every call stops, as strace does */
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRACE);
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr));
  f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* x32 */, trace - pos - 1, 0);
  pos++;
  /* read, write, close... run: they stop only on a socket's fd (sockscope-trace-fdfilter.c) */
  for (guint i = 0; i < n; i++, pos++)
    f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (guint32) table[i].nr,
                                            (table[i].flags & SS_TRACE_ON_SOCK ? trace - 1 : trace) - pos - 1, 0);
  for (guint i = 0; i < m; i++, pos++)
    if (fd_table_calls[i] != __NR_seccomp)
      f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (guint32) fd_table_calls[i], trace - pos - 1, 0);
    else
      {
        /* seccomp (op, flags, args): flags, the low 32 bits of argument 1 */
        f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, trace - 1 - pos - 1);
        pos++;
        f[pos++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[1]));
        f[pos] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                                                trace - pos - 1, trace - 1 - pos - 1);
      }
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  f[pos++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRACE);
  g_assert (pos == total);
  *n_insns = total;
  return f;
}

/* What the fd is, as /proc/PID/fd/N says: "socket:[1234]", "anon_inode:[eventpoll]"... */
static gboolean
fd_link_starts (pid_t       pid,
                int         fd,
                const char *prefix)
{
  char path[64], link[64];
  ssize_t n;

  g_snprintf (path, sizeof path, "/proc/%d/fd/%d", (int) pid, fd);
  n = readlink (path, link, sizeof link - 1);
  return n >= (ssize_t) strlen (prefix) && strncmp (link, prefix, strlen (prefix)) == 0;
}

gboolean
ss_trace_fd_is_socket (pid_t pid,
                       int   fd)
{
  return fd_link_starts (pid, fd, "socket:");
}

gboolean
ss_trace_fd_is_epoll (pid_t pid,
                      int   fd)
{
  return fd_link_starts (pid, fd, "anon_inode:[eventpoll]");
}

gssize
ss_trace_read_mem (pid_t    pid,
                   guint64  addr,
                   void    *buf,
                   gsize    len)
{
  struct iovec local = { buf, len };
  struct iovec remote = { (void *) (uintptr_t) addr, len };

  if (addr == 0 || len == 0)
    return 0;
  return process_vm_readv (pid, &local, 1, &remote, 1, 0);
}

/* ---- constants by name ---- */

typedef struct { long value; const char *name; } Name;

static const Name families[] = {
  { AF_UNIX, "AF_UNIX" }, { AF_INET, "AF_INET" }, { AF_INET6, "AF_INET6" },
  { AF_NETLINK, "AF_NETLINK" }, { AF_PACKET, "AF_PACKET" }, { AF_UNSPEC, "AF_UNSPEC" },
};
static const Name socktypes[] = {
  { SOCK_STREAM, "SOCK_STREAM" }, { SOCK_DGRAM, "SOCK_DGRAM" }, { SOCK_RAW, "SOCK_RAW" },
  { SOCK_SEQPACKET, "SOCK_SEQPACKET" },
};
static const Name protocols[] = {
  { IPPROTO_TCP, "IPPROTO_TCP" }, { IPPROTO_UDP, "IPPROTO_UDP" }, { IPPROTO_ICMP, "IPPROTO_ICMP" },
};
/* socket (AF_NETLINK, type, protocol): what ss (sock_diag) and ip (route) open */
static const Name netlink_protocols[] = {
  { NETLINK_ROUTE, "NETLINK_ROUTE" }, { NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG" },
  { NETLINK_NETFILTER, "NETLINK_NETFILTER" }, { NETLINK_GENERIC, "NETLINK_GENERIC" },
  { NETLINK_AUDIT, "NETLINK_AUDIT" }, { NETLINK_KOBJECT_UEVENT, "NETLINK_KOBJECT_UEVENT" },
  { NETLINK_XFRM, "NETLINK_XFRM" }, { NETLINK_SELINUX, "NETLINK_SELINUX" },
};
static const Name levels[] = {
  { SOL_SOCKET, "SOL_SOCKET" }, { IPPROTO_TCP, "IPPROTO_TCP" }, { IPPROTO_IP, "IPPROTO_IP" },
  { IPPROTO_IPV6, "IPPROTO_IPV6" }, { IPPROTO_UDP, "IPPROTO_UDP" }, { SOL_NETLINK, "SOL_NETLINK" },
};
static const Name sol_socket[] = {
  { SO_REUSEADDR, "SO_REUSEADDR" }, { SO_REUSEPORT, "SO_REUSEPORT" }, { SO_KEEPALIVE, "SO_KEEPALIVE" },
  { SO_LINGER, "SO_LINGER" }, { SO_RCVBUF, "SO_RCVBUF" }, { SO_SNDBUF, "SO_SNDBUF" },
  { SO_ERROR, "SO_ERROR" }, { SO_TYPE, "SO_TYPE" }, { SO_BROADCAST, "SO_BROADCAST" },
  { SO_RCVTIMEO, "SO_RCVTIMEO" }, { SO_SNDTIMEO, "SO_SNDTIMEO" }, { SO_DOMAIN, "SO_DOMAIN" },
  { SO_PROTOCOL, "SO_PROTOCOL" }, { SO_ACCEPTCONN, "SO_ACCEPTCONN" },
};
static const Name sol_tcp[] = {
  { TCP_NODELAY, "TCP_NODELAY" }, { TCP_MAXSEG, "TCP_MAXSEG" }, { TCP_CORK, "TCP_CORK" },
  { TCP_KEEPIDLE, "TCP_KEEPIDLE" }, { TCP_KEEPINTVL, "TCP_KEEPINTVL" }, { TCP_KEEPCNT, "TCP_KEEPCNT" },
  { TCP_INFO, "TCP_INFO" }, { TCP_QUICKACK, "TCP_QUICKACK" },
};
static const Name sol_ipv6[] = { { IPV6_V6ONLY, "IPV6_V6ONLY" } };
static const Name sol_ip[] = { { IP_TOS, "IP_TOS" }, { IP_TTL, "IP_TTL" } };
/* what ss and ip set on their netlink sockets */
static const Name sol_netlink[] = {
  { NETLINK_ADD_MEMBERSHIP, "NETLINK_ADD_MEMBERSHIP" }, { NETLINK_DROP_MEMBERSHIP, "NETLINK_DROP_MEMBERSHIP" },
  { NETLINK_PKTINFO, "NETLINK_PKTINFO" }, { NETLINK_NO_ENOBUFS, "NETLINK_NO_ENOBUFS" },
  { NETLINK_LISTEN_ALL_NSID, "NETLINK_LISTEN_ALL_NSID" }, { NETLINK_CAP_ACK, "NETLINK_CAP_ACK" },
  { NETLINK_EXT_ACK, "NETLINK_EXT_ACK" }, { NETLINK_GET_STRICT_CHK, "NETLINK_GET_STRICT_CHK" },
};
static const Name msg_flags[] = {
  { MSG_OOB, "MSG_OOB" }, { MSG_PEEK, "MSG_PEEK" }, { MSG_DONTROUTE, "MSG_DONTROUTE" },
  { MSG_TRUNC, "MSG_TRUNC" }, { MSG_DONTWAIT, "MSG_DONTWAIT" }, { MSG_EOR, "MSG_EOR" },
  { MSG_WAITALL, "MSG_WAITALL" }, { MSG_NOSIGNAL, "MSG_NOSIGNAL" }, { MSG_MORE, "MSG_MORE" },
  { MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC" },
};
static const Name open_flags[] = {
  { O_WRONLY, "O_WRONLY" }, { O_RDWR, "O_RDWR" }, { O_APPEND, "O_APPEND" },
  { O_NONBLOCK, "O_NONBLOCK" }, { O_ASYNC, "O_ASYNC" },
};
static const Name epoll_create_flags[] = {
  { EPOLL_CLOEXEC, "EPOLL_CLOEXEC" },
};
static const Name epoll_ops[] = {
  { EPOLL_CTL_ADD, "EPOLL_CTL_ADD" }, { EPOLL_CTL_MOD, "EPOLL_CTL_MOD" }, { EPOLL_CTL_DEL, "EPOLL_CTL_DEL" },
};
static const Name epoll_events[] = {
  { EPOLLIN, "EPOLLIN" }, { EPOLLPRI, "EPOLLPRI" }, { EPOLLOUT, "EPOLLOUT" }, { EPOLLERR, "EPOLLERR" },
  { EPOLLHUP, "EPOLLHUP" }, { EPOLLRDNORM, "EPOLLRDNORM" }, { EPOLLRDBAND, "EPOLLRDBAND" },
  { EPOLLWRNORM, "EPOLLWRNORM" }, { EPOLLWRBAND, "EPOLLWRBAND" }, { EPOLLMSG, "EPOLLMSG" },
  { EPOLLRDHUP, "EPOLLRDHUP" }, { EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE" }, { EPOLLWAKEUP, "EPOLLWAKEUP" },
  { EPOLLONESHOT, "EPOLLONESHOT" }, { (long) (unsigned) EPOLLET, "EPOLLET" },
};
static const Name poll_events[] = {
  { POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" }, { POLLOUT, "POLLOUT" }, { POLLRDHUP, "POLLRDHUP" },
  { POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" }, { POLLNVAL, "POLLNVAL" },
};
static const Name clone_flags[] = {
  { CLONE_VM, "CLONE_VM" }, { CLONE_FS, "CLONE_FS" }, { CLONE_FILES, "CLONE_FILES" },
  { CLONE_SIGHAND, "CLONE_SIGHAND" }, { CLONE_VFORK, "CLONE_VFORK" }, { CLONE_THREAD, "CLONE_THREAD" },
  { CLONE_PARENT, "CLONE_PARENT" }, { CLONE_SYSVSEM, "CLONE_SYSVSEM" }, { CLONE_SETTLS, "CLONE_SETTLS" },
  { CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID" }, { CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID" },
  { CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID" }, { CLONE_PIDFD, "CLONE_PIDFD" },
};

static char *
one_name (const Name *names,
          guint       n,
          long        value)
{
  for (guint i = 0; i < n; i++)
    if (names[i].value == value)
      return g_strdup (names[i].name);
  return g_strdup_printf ("%ld", value);
}

/* OR'ed bits: "O_RDWR|O_NONBLOCK", "0". */
static char *
bit_names (const Name *names,
           guint       n,
           unsigned long value)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    if (names[i].value != 0 && (value & (unsigned long) names[i].value) == (unsigned long) names[i].value)
      {
        g_string_append_printf (s, "%s%s", s->len ? "|" : "", names[i].name);
        value &= ~(unsigned long) names[i].value;
      }
  if (value != 0 || s->len == 0)
    g_string_append_printf (s, s->len ? "|%#lx" : value > 0xffff ? "%#lx" : "%lu", value);
  return g_string_free (s, FALSE);
}

#define ONE(names, v)  one_name (names, G_N_ELEMENTS (names), (long) (v))
#define BITS(names, v) bit_names (names, G_N_ELEMENTS (names), (unsigned long) (v))

static char *
socktype_text (guint64 v)
{
  g_autofree char *base = ONE (socktypes, v & 0xf);
  GString *s = g_string_new (base);

  if (v & SOCK_NONBLOCK)
    g_string_append (s, "|SOCK_NONBLOCK");
  if (v & SOCK_CLOEXEC)
    g_string_append (s, "|SOCK_CLOEXEC");
  return g_string_free (s, FALSE);
}

static char *
optname_text (guint64 level,
              guint64 name)
{
  switch ((int) level)
    {
    case SOL_SOCKET:   return ONE (sol_socket, name);
    case IPPROTO_TCP:  return ONE (sol_tcp, name);
    case IPPROTO_IPV6: return ONE (sol_ipv6, name);
    case IPPROTO_IP:   return ONE (sol_ip, name);
    case SOL_NETLINK:  return ONE (sol_netlink, name);
    default:           return g_strdup_printf ("%d", (int) name);
    }
}

/* Bytes as a C string literal, cut after DATA_SHOWN bytes: "hello\n"... */
static char *
data_literal (const guint8 *data,
              gsize         len,
              gsize         total)
{
  GString *s = g_string_new ("\"");
  gsize shown = MIN (len, DATA_SHOWN);

  for (gsize i = 0; i < shown; i++)
    {
      guint8 c = data[i];

      switch (c)
        {
        case '\n': g_string_append (s, "\\n"); break;
        case '\r': g_string_append (s, "\\r"); break;
        case '\t': g_string_append (s, "\\t"); break;
        case '"':  g_string_append (s, "\\\""); break;
        case '\\': g_string_append (s, "\\\\"); break;
        case '\0': g_string_append (s, "\\0"); break;
        default:
          /* UTF-8 stays as it is (é is what the student wrote); other bytes as \xNN */
          if (c >= 0x20 && c < 0x7f)
            g_string_append_c (s, (char) c);
          else if (c >= 0x80)
            {
              const char *p = (const char *) data + i;
              gunichar u = g_utf8_get_char_validated (p, (gssize) (shown - i));

              if (u != (gunichar) -1 && u != (gunichar) -2)
                {
                  gsize n = (gsize) (g_utf8_next_char (p) - p);

                  g_string_append_len (s, p, (gssize) n);
                  i += n - 1;
                }
              else
                g_string_append_printf (s, "\\x%02x", c);
            }
          else
            g_string_append_printf (s, "\\x%02x", c);
        }
    }
  g_string_append_c (s, '"');
  if (total > shown)
    g_string_append (s, "...");
  return g_string_free (s, FALSE);
}

static char *
mem_data (pid_t   pid,
          guint64 addr,
          guint64 len)
{
  guint8 buf[DATA_SHOWN + 4];
  gssize n = ss_trace_read_mem (pid, addr, buf, MIN (len, sizeof buf));

  if (n < 0)
    return g_strdup_printf ("%#" G_GINT64_MODIFIER "x", addr);
  return data_literal (buf, (gsize) n, len);
}

static gboolean
mem_sockaddr (pid_t                    pid,
              guint64                  addr,
              guint64                  len,
              struct sockaddr_storage *ss,
              socklen_t               *sslen)
{
  memset (ss, 0, sizeof *ss);
  len = MIN (len, sizeof *ss);
  if (addr == 0 || len < sizeof (sa_family_t) || ss_trace_read_mem (pid, addr, ss, len) != (gssize) len)
    return FALSE;
  *sslen = (socklen_t) len;
  return TRUE;
}

static char *
mem_sockaddr_text (pid_t                    pid,
                   guint64                  addr,
                   guint64                  len,
                   struct sockaddr_storage *ss)
{
  socklen_t sslen = 0;

  if (addr == 0)
    return g_strdup ("NULL");
  if (!mem_sockaddr (pid, addr, len, ss, &sslen))
    return g_strdup_printf ("%#" G_GINT64_MODIFIER "x", addr);
  if (ss->ss_family == AF_UNIX && sslen <= offsetof (struct sockaddr_un, sun_path) + 1)
    return g_strdup ("\"\"");
  if (ss->ss_family == AF_UNIX)
    {
      g_autofree char *path = ss_sockaddr_to_string ((struct sockaddr *) ss, sslen);

      return g_strdup_printf ("\"%s\"", path);
    }
  return ss_sockaddr_to_string ((struct sockaddr *) ss, sslen);
}

static char *
mem_string (pid_t   pid,
            guint64 addr)
{
  char buf[256];
  gssize n;

  if (addr == 0)
    return g_strdup ("NULL");
  n = ss_trace_read_mem (pid, addr, buf, sizeof buf - 1);
  /* a string near the end of a mapping: read what is there */
  for (gsize len = sizeof buf - 1; n < 0 && len > 16; len /= 2)
    n = ss_trace_read_mem (pid, addr, buf, len);
  if (n < 0)
    return g_strdup_printf ("%#" G_GINT64_MODIFIER "x", addr);
  buf[n] = '\0';
  return data_literal ((guint8 *) buf, strlen (buf), strlen (buf));
}

/* The first iovecs of an msghdr or an iovec array, concatenated (up to DATA_SHOWN + 4 bytes). */
static gsize
mem_iov (pid_t    pid,
         guint64  iov_addr,
         guint64  iovcnt,
         guint64  max,
         guint8  *buf,
         gsize    size,
         guint64 *total)
{
  gsize got = 0;

  *total = 0;
  for (guint64 i = 0; i < MIN (iovcnt, 64); i++)
    {
      struct iovec iov;

      if (ss_trace_read_mem (pid, iov_addr + i * sizeof iov, &iov, sizeof iov) != sizeof iov)
        break;
      if (got < size && *total < max)
        {
          gsize want = MIN (MIN (iov.iov_len, size - got), max - *total);
          gssize n = ss_trace_read_mem (pid, (guint64) (uintptr_t) iov.iov_base, buf + got, want);

          if (n > 0)
            got += (gsize) n;
        }
      *total += iov.iov_len;
    }
  *total = MIN (*total, max);
  return got;
}

/* A number as text, without printf (a call or two of every traced call). */
static char *
uint_text (guint64 u,
           gboolean negative)
{
  char buf[24], *p = buf + sizeof buf;

  *--p = '\0';
  do
    *--p = (char) ('0' + u % 10);
  while ((u /= 10) != 0);
  if (negative)
    *--p = '-';
  return g_strdup (p);
}

static char *
int_text (int v)
{
  return uint_text (v < 0 ? -(guint64) v : (guint64) v, v < 0);
}

static void
add (SsTraceCall *call,
     char        *text)
{
  g_ptr_array_add (call->texts, text);
}

/* One of select's sets: "[3, 4]", "[]", "NULL"; its fds added to the fds watched. */
static char *
fd_set_text (pid_t        pid,
             guint64      addr,
             int          nfds,
             SsTraceCall *call)
{
  GString *s;
  fd_set set;

  if (addr == 0)
    return g_strdup ("NULL");
  if (ss_trace_read_mem (pid, addr, &set, sizeof set) != sizeof set)
    return g_strdup_printf ("%#" G_GINT64_MODIFIER "x", addr);
  s = g_string_new ("[");
  for (int fd = 0; fd < nfds; fd++)
    if (FD_ISSET (fd, &set))
      {
        gboolean known = FALSE;

        g_string_append_printf (s, "%s%d", s->len > 1 ? ", " : "", fd);
        for (guint i = 0; i < call->n_fds; i++)
          known |= call->fds[i] == fd;
        if (!known && call->n_fds < SS_CALL_MAX_ARGS)
          call->fds[call->n_fds++] = fd;
      }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static void
add_fd (SsTraceCall *call)
{
  call->fd = (int) call->args[0];
  add (call, int_text ((int) call->args[0]));
}

void
ss_trace_decode_entry (pid_t        pid,
                       SsTraceCall *call)
{
  const guint64 *a = call->args;
  struct sockaddr_storage ss;
  GString *text;

  call->texts = g_ptr_array_new_with_free_func (g_free);
  call->fd = -1;
  if (call->sys->nr == __NR_sendto && a[4] == 0)
    call->sys = &sendto_connected;

  switch (call->sys->nr)
    {
    case __NR_socket:
    case __NR_socketpair:
      add (call, ONE (families, a[0]));
      add (call, socktype_text (a[1]));
      if (a[0] == AF_NETLINK)
        add (call, ONE (netlink_protocols, a[2]));
      else
        add (call, a[2] == 0 ? g_strdup ("0") : ONE (protocols, a[2]));
      break;

    case __NR_bind:
    case __NR_connect:
      add_fd (call);
      add (call, mem_sockaddr_text (pid, a[1], a[2], &ss));
      if (call->sys->nr == __NR_connect && (ss.ss_family == AF_INET || ss.ss_family == AF_INET6))
        {
          call->has_remote = TRUE;
          call->remote = ss;
        }
      break;

    case __NR_listen:
      add_fd (call);
      add (call, g_strdup_printf ("%d", (int) a[1]));
      break;

    case __NR_accept:
      add_fd (call);
      break;

    case __NR_accept4:
      add_fd (call);
      {
        GString *fl = g_string_new (NULL);

        if (a[3] & SOCK_NONBLOCK)
          g_string_append (fl, "SOCK_NONBLOCK");
        if (a[3] & SOCK_CLOEXEC)
          g_string_append (fl, fl->len ? "|SOCK_CLOEXEC" : "SOCK_CLOEXEC");
        if (fl->len == 0)
          g_string_append_c (fl, '0');
        add (call, g_string_free (fl, FALSE));
      }
      break;

    case __NR_sendto:
    case __NR_write:
      add_fd (call);
      add (call, mem_data (pid, a[1], a[2]));
      add (call, uint_text (a[2], FALSE));
      if (call->sys->nr == __NR_sendto)
        {
          add (call, BITS (msg_flags, a[3]));
          if (a[4] != 0)
            {
              add (call, mem_sockaddr_text (pid, a[4], a[5], &ss));
              if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
                {
                  call->has_remote = TRUE;
                  call->remote = ss;
                }
            }
        }
      break;

    case __NR_sendmmsg:
      /* sendmmsg(fd, msgvec, vlen, flags): each message's data ("one", "two"), then vlen and
       * flags, as C reads them (flags are the fourth argument, not the third) */
      add_fd (call);
      {
        GString *msgs = g_string_new ("[");

        for (guint64 i = 0; i < MIN (a[2], 8); i++)
          {
            struct mmsghdr mm;
            guint8 buf[DATA_SHOWN + 4];
            guint64 total = 0;
            gsize got;
            g_autofree char *lit = NULL;

            if (ss_trace_read_mem (pid, a[1] + i * sizeof mm, &mm, sizeof mm) != sizeof mm)
              break;
            got = mem_iov (pid, (guint64) (uintptr_t) mm.msg_hdr.msg_iov, mm.msg_hdr.msg_iovlen,
                           G_MAXUINT64, buf, sizeof buf, &total);
            lit = data_literal (buf, got, total);
            g_string_append_printf (msgs, "%s%s", i ? ", " : "", lit);
          }
        if (a[2] > 8)
          g_string_append (msgs, ", ...");
        g_string_append_c (msgs, ']');
        add (call, g_string_free (msgs, FALSE));
      }
      add (call, g_strdup_printf ("%u", (guint) a[2]));
      add (call, BITS (msg_flags, a[3]));
      break;

    case __NR_writev:
    case __NR_sendmsg:
      {
        guint8 buf[DATA_SHOWN + 4];
        guint64 total = 0;
        gsize got = 0;

        add_fd (call);
        if (call->sys->nr == __NR_writev)
          got = mem_iov (pid, a[1], a[2], G_MAXUINT64, buf, sizeof buf, &total);
        else
          {
            struct msghdr msg;

            if (ss_trace_read_mem (pid, a[1], &msg, sizeof msg) == sizeof msg)
              {
                got = mem_iov (pid, (guint64) (uintptr_t) msg.msg_iov, msg.msg_iovlen, G_MAXUINT64,
                               buf, sizeof buf, &total);
                if (msg.msg_name != NULL && call->sys->nr == __NR_sendmsg)
                  {
                    g_autofree char *to = mem_sockaddr_text (pid, (guint64) (uintptr_t) msg.msg_name,
                                                             msg.msg_namelen, &ss);

                    if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
                      {
                        call->has_remote = TRUE;
                        call->remote = ss;
                      }
                    add (call, data_literal (buf, got, total));
                    add (call, g_strdup_printf ("%" G_GUINT64_FORMAT, total));
                    add (call, BITS (msg_flags, a[2]));
                    add (call, g_steal_pointer (&to));
                    break;
                  }
              }
          }
        add (call, data_literal (buf, got, total));
        add (call, g_strdup_printf ("%" G_GUINT64_FORMAT, total));
        if (call->sys->nr != __NR_writev)
          add (call, BITS (msg_flags, a[2]));
      }
      break;

    case __NR_recvfrom:
      add_fd (call);
      add (call, uint_text (a[2], FALSE));
      add (call, BITS (msg_flags, a[3]));
      break;

    case __NR_read:
      add_fd (call);
      add (call, uint_text (a[2], FALSE));
      break;

    case __NR_readv:
      /* readv(fd, iov, iovcnt): the bytes it may read in all, then iovcnt */
      add_fd (call);
      {
        guint64 room = 0;

        for (guint64 i = 0; i < MIN (a[2], 1024); i++)
          {
            struct iovec iov;

            if (ss_trace_read_mem (pid, a[1] + i * sizeof iov, &iov, sizeof iov) != sizeof iov)
              break;
            room += iov.iov_len;
          }
        add (call, g_strdup_printf ("%" G_GUINT64_FORMAT, room));
        add (call, g_strdup_printf ("%u", (guint) a[2]));
      }
      break;

    case __NR_recvmsg:
      add_fd (call);
      add (call, BITS (msg_flags, a[2]));
      break;

    case __NR_recvmmsg:
      /* recvmmsg(fd, msgvec, vlen, flags, timeout) */
      add_fd (call);
      add (call, g_strdup_printf ("%u", (guint) a[2]));
      add (call, BITS (msg_flags, a[3]));
      break;

    case __NR_shutdown:
      add_fd (call);
      add (call, g_strdup (a[1] == SHUT_RD ? "SHUT_RD" : a[1] == SHUT_WR ? "SHUT_WR"
                           : a[1] == SHUT_RDWR ? "SHUT_RDWR" : "?"));
      break;

    case __NR_close:
    case __NR_getsockname:
    case __NR_getpeername:
      add_fd (call);
      break;

    case __NR_setsockopt:
    case __NR_getsockopt:
      add_fd (call);
      add (call, ONE (levels, a[1]));
      add (call, optname_text (a[1], a[2]));
      if (call->sys->nr == __NR_setsockopt)
        {
          int v = 0;
          struct linger l;

          if (a[4] == sizeof l && (int) a[2] == SO_LINGER &&
              ss_trace_read_mem (pid, a[3], &l, sizeof l) == sizeof l)
            add (call, g_strdup_printf ("{%d, %d}", l.l_onoff, l.l_linger));
          else if (a[4] == sizeof v && ss_trace_read_mem (pid, a[3], &v, sizeof v) == sizeof v)
            add (call, g_strdup_printf ("%d", v));
          else
            add (call, g_strdup_printf ("%#" G_GINT64_MODIFIER "x", a[3]));
        }
      break;

    case __NR_fcntl:
      add_fd (call);
      add (call, g_strdup (a[1] == F_GETFL ? "F_GETFL" : "F_SETFL"));
      if (a[1] == F_SETFL)
        add (call, BITS (open_flags, a[2]));
      break;

    case __NR_ioctl:
      add_fd (call);
      add (call, g_strdup ("FIONBIO"));
      {
        int on = 0;

        if (ss_trace_read_mem (pid, a[2], &on, sizeof on) == sizeof on)
          add (call, int_text (on));
        else
          add (call, g_strdup_printf ("%#" G_GINT64_MODIFIER "x", a[2]));
      }
      break;

    case __NR_select:
    case __NR_pselect6:
      /* select(nfds, [read fds], [write fds], [except fds]): nc waits for its connect on the
       * write set; the fds watched (call->fds) are those of all three */
      add (call, int_text ((int) a[0]));
      for (guint k = 1; k <= 3; k++)
        add (call, fd_set_text (pid, a[k], (int) MIN (a[0], FD_SETSIZE), call));
      break;

    case __NR_poll:
    case __NR_ppoll:
      /* poll([{fd, events}...], nfds): an entry of fd -1 is one the kernel ignores (nc leaves
       * two): not shown */
      {
        GString *list = g_string_new ("[");

        for (guint64 i = 0; i < MIN (a[1], 64) && call->n_fds < SS_CALL_MAX_ARGS; i++)
          {
            struct pollfd p;
            g_autofree char *events = NULL;

            if (ss_trace_read_mem (pid, a[0] + i * sizeof p, &p, sizeof p) != sizeof p)
              break;
            if (p.fd < 0)
              continue;
            call->fds[call->n_fds++] = p.fd;
            events = BITS (poll_events, (gushort) p.events);
            g_string_append_printf (list, "%s{%d, %s}", call->n_fds > 1 ? ", " : "", p.fd, events);
          }
        g_string_append_c (list, ']');
        add (call, g_string_free (list, FALSE));
        add (call, uint_text (a[1], FALSE));
      }
      break;

    case __NR_epoll_create:
      add (call, int_text ((int) a[0]));
      break;

    case __NR_epoll_create1:
      /* any other bit as given: epoll_create1(10), epoll_create's size by mistake, is EINVAL */
      add (call, BITS (epoll_create_flags, (guint) a[0]));
      break;

    case __NR_epoll_ctl:
      /* epoll_ctl(epfd, op, fd, {events=EPOLLIN, data.fd=5}): data is what epoll_wait gives
       * back (data.fd, data.ptr: the kernel keeps the 64 bits) */
      add (call, int_text ((int) a[0]));
      add (call, ONE (epoll_ops, a[1]));
      add (call, int_text ((int) a[2]));
      {
        struct epoll_event ev;

        if (a[3] == 0)
          add (call, g_strdup ("NULL"));
        else if (a[1] == EPOLL_CTL_DEL)
          /* the kernel does not read it (Python passes what its stack holds) */
          add (call, g_strdup_printf ("%#" G_GINT64_MODIFIER "x", a[3]));
        else if (ss_trace_read_mem (pid, a[3], &ev, sizeof ev) != sizeof ev)
          add (call, g_strdup_printf ("%#" G_GINT64_MODIFIER "x", a[3]));
        else
          {
            g_autofree char *events = BITS (epoll_events, ev.events);

            /* data.fd = fd, the usual way (Python's too), leaves the high half as it was */
            add (call, (guint32) ev.data.u64 == (guint32) a[2]
                       ? g_strdup_printf ("{events=%s, data.fd=%d}", events, (int) a[2])
                       : g_strdup_printf ("{events=%s, data=%#" G_GINT64_MODIFIER "x}", events, (guint64) ev.data.u64));
          }
      }
      break;

    case __NR_epoll_wait:
    case __NR_epoll_pwait:
    case __NR_epoll_pwait2:
      add (call, g_strdup_printf ("%d", (int) a[0]));
      add (call, g_strdup_printf ("%d", (int) a[2]));
      break;

    case __NR_clone:
      {
        g_autofree char *flags = BITS (clone_flags, a[0] & ~0xffull);

        /* the low byte: the signal the parent gets when the child ends (fork: SIGCHLD) */
        if ((a[0] & 0xff) == SIGCHLD)
          add (call, g_strdup_printf ("%s|SIGCHLD", flags));
        else
          add (call, g_steal_pointer (&flags));
      }
      break;

    case __NR_clone3:
      {
        guint64 flags = 0;

        ss_trace_read_mem (pid, a[0], &flags, sizeof flags);
        call->args[5] = flags;    /* kept for the tracer: CLONE_THREAD */
        add (call, BITS (clone_flags, flags));
      }
      break;

    case __NR_execve:
    case __NR_execveat:
      {
        guint64 path = call->sys->nr == __NR_execve ? a[0] : a[1];
        guint64 argv = call->sys->nr == __NR_execve ? a[1] : a[2];

        add (call, mem_string (pid, path));
        for (guint i = 1; i < 8; i++)
          {
            guint64 p = 0;

            if (ss_trace_read_mem (pid, argv + i * sizeof p, &p, sizeof p) != sizeof p || p == 0)
              break;
            add (call, mem_string (pid, p));
          }
      }
      break;

    case __NR_exit:
    case __NR_exit_group:
      add (call, g_strdup_printf ("%d", (int) a[0]));
      break;

    case __NR_wait4:
      add (call, g_strdup_printf ("%d", (int) a[0]));
      add (call, g_strdup ((a[2] & WNOHANG) ? "WNOHANG" : "0"));
      break;

    default:
      break;
    }

  text = g_string_sized_new (128);
  g_string_append (text, call->sys->info.name);
  g_string_append_c (text, '(');
  for (guint i = 0; i < call->texts->len; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ptr_array_index (call->texts, i));
    }
  g_string_append_c (text, ')');
  call->text = g_string_free (text, FALSE);
}

/* The bytes a read/recv call received, into msg->data. */
static void
received (pid_t        pid,
          guint64      addr,
          gint64       n,
          SsActorMsg  *msg)
{
  gssize got = ss_trace_read_mem (pid, addr, msg->data, (gsize) MIN (n, SS_DATA_MAX));

  msg->data_len = got > 0 ? (guint32) got : 0;
}

static void
out_addr (pid_t       pid,
          guint64     addr,
          guint64     lenp,
          SsActorMsg *msg)
{
  socklen_t len = 0;
  socklen_t sslen = 0;

  if (addr == 0 || lenp == 0 || ss_trace_read_mem (pid, lenp, &len, sizeof len) != sizeof len)
    return;
  if (mem_sockaddr (pid, addr, len, &msg->addr, &sslen))
    msg->addrlen = sslen;
}

/* The fd each epoll item was registered for, and its data: the kernel lists them in the epoll
 * fd's fdinfo ("tfd:        5 events:       19 data:                5  pos:0 ino:..."). */
static GArray *
epoll_items (pid_t pid,
             int   epfd)
{
  char path[64];
  g_autofree char *text = NULL;
  GArray *items = g_array_new (FALSE, FALSE, sizeof (SsEpollReady));

  g_snprintf (path, sizeof path, "/proc/%d/fdinfo/%d", (int) pid, epfd);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return items;
  for (const char *p = text; (p = strstr (p, "tfd:")) != NULL; p++)
    {
      SsEpollReady item = { -1, 0, 0 };
      unsigned long long data = 0;

      if (sscanf (p, "tfd: %d events: %x data: %llx", &item.fd, &item.events, &data) == 3)
        {
          item.data = data;
          g_array_append_val (items, item);
        }
    }
  return items;
}

/* epoll_wait's events (@n of them at @addr), each with the fd its data was registered for. */
static void
epoll_ready (pid_t       pid,
             int         epfd,
             guint64     addr,
             gint64      n,
             SsActorMsg *msg)
{
  g_autoptr(GArray) items = NULL;
  SsEpollReady *ready = (SsEpollReady *) msg->data;
  guint max = SS_DATA_MAX / sizeof (SsEpollReady);

  msg->epoll_wait = TRUE;
  if (n <= 0)
    return;
  items = epoll_items (pid, epfd);
  for (gint64 i = 0; i < MIN (n, (gint64) max); i++)
    {
      struct epoll_event ev;

      if (ss_trace_read_mem (pid, addr + (guint64) i * sizeof ev, &ev, sizeof ev) != sizeof ev)
        break;
      ready[i] = (SsEpollReady) { -1, ev.events, ev.data.u64 };
      /* the fd registered with that data; none when several share it (data.u64 = 0 for all):
       * the kernel does not say which of them is ready */
      for (guint j = 0; j < items->len; j++)
        if (g_array_index (items, SsEpollReady, j).data == ev.data.u64)
          {
            if (ready[i].fd >= 0)
              {
                ready[i].fd = -1;
                break;
              }
            ready[i].fd = g_array_index (items, SsEpollReady, j).fd;
          }
      msg->data_len = (guint32) ((i + 1) * sizeof (SsEpollReady));
    }
}

void
ss_trace_append_epoll_ready (GString          *out,
                             const SsActorMsg *msg)
{
  const SsEpollReady *ready = (const SsEpollReady *) msg->data;
  guint n = msg->ret > 0 ? msg->data_len / sizeof (SsEpollReady) : 0;

  /* "ready" as select's and poll's: the fds as the program knows them (an unknown data as is) */
  g_string_append (out, "\"ready\":[");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = ready[i].fd >= 0 ? int_text (ready[i].fd)
                              : g_strdup_printf ("data=%#" G_GINT64_MODIFIER "x", (guint64) ready[i].data);

      if (i > 0)
        g_string_append_c (out, ',');
      ss_json_append_string (out, name, -1);
    }
  g_string_append (out, "],\"ready_fds\":[");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (ready[i].fd >= 0)
        g_string_append_printf (out, "%d", ready[i].fd);
      else
        g_string_append (out, "null");
    }
  g_string_append (out, "],\"revents\":[");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *events = BITS (epoll_events, ready[i].events);

      if (i > 0)
        g_string_append_c (out, ',');
      ss_json_append_string (out, events, -1);
    }
  g_string_append_c (out, ']');
}

void
ss_trace_decode_exit (pid_t              pid,
                      const SsTraceCall *call,
                      gint64             rax,
                      SsActorMsg        *msg)
{
  const guint64 *a = call->args;

  memset (msg, 0, sizeof *msg);
  msg->kind = SS_MSG_RETURNED;
  if (rax < 0 && rax > -4096)
    {
      msg->ret = -1;
      msg->err = (int) -rax;
      return;
    }
  msg->ret = rax;

  switch (call->sys->nr)
    {
    case __NR_accept:
    case __NR_accept4:
    case __NR_getsockname:
    case __NR_getpeername:
      out_addr (pid, a[1], a[2], msg);
      break;

    case __NR_read:
    case __NR_recvfrom:
      received (pid, a[1], rax, msg);
      if (call->sys->nr == __NR_recvfrom)
        out_addr (pid, a[4], a[5], msg);
      break;

    case __NR_readv:
    case __NR_recvmsg:
      {
        guint64 total = 0;
        guint64 iov = a[1], iovcnt = a[2];
        struct msghdr mh;

        if (call->sys->nr == __NR_recvmsg)
          {
            if (ss_trace_read_mem (pid, a[1], &mh, sizeof mh) != sizeof mh)
              break;
            iov = (guint64) (uintptr_t) mh.msg_iov;
            iovcnt = mh.msg_iovlen;
            msg->msg_flags = mh.msg_flags;
            if (mh.msg_name != NULL && mh.msg_namelen > 0)
              {
                socklen_t sslen = 0;

                if (mem_sockaddr (pid, (guint64) (uintptr_t) mh.msg_name, mh.msg_namelen, &msg->addr, &sslen))
                  msg->addrlen = sslen;
              }
          }
        msg->data_len = (guint32) mem_iov (pid, iov, iovcnt, (guint64) rax, msg->data, SS_DATA_MAX, &total);
      }
      break;

    case __NR_recvmmsg:
      /* the messages received (rax of them), their bytes one after the other */
      for (gint64 i = 0; i < MIN (rax, 64) && msg->data_len < SS_DATA_MAX; i++)
        {
          struct mmsghdr mm;
          guint64 total = 0;

          if (ss_trace_read_mem (pid, a[1] + (guint64) i * sizeof mm, &mm, sizeof mm) != sizeof mm)
            break;
          msg->data_len += (guint32) mem_iov (pid, (guint64) (uintptr_t) mm.msg_hdr.msg_iov,
                                              mm.msg_hdr.msg_iovlen, mm.msg_len,
                                              msg->data + msg->data_len, SS_DATA_MAX - msg->data_len, &total);
        }
      break;

    case __NR_socketpair:
      ss_trace_read_mem (pid, a[3], msg->fds, sizeof msg->fds);
      break;

    case __NR_getsockopt:
      {
        socklen_t len = 0;

        ss_trace_read_mem (pid, a[4], &len, sizeof len);
        if ((int) a[2] == SO_LINGER && len == sizeof (struct linger) &&
            ss_trace_read_mem (pid, a[3], &msg->linger, sizeof msg->linger) == sizeof msg->linger)
          msg->has_linger = TRUE;
        else
          ss_trace_read_mem (pid, a[3], &msg->value, sizeof msg->value);
      }
      break;

    case __NR_wait4:
      msg->child_pid = (int32_t) rax;
      if (a[1] != 0)
        ss_trace_read_mem (pid, a[1], &msg->wstatus, sizeof msg->wstatus);
      break;

    case __NR_select:
    case __NR_pselect6:
      /* an fd is ready when the kernel left it in any of the three sets */
      for (guint k = 1; k <= 3; k++)
        {
          fd_set set;

          if (a[k] != 0 && ss_trace_read_mem (pid, a[k], &set, sizeof set) == sizeof set)
            for (guint i = 0; i < call->n_fds; i++)
              if (FD_ISSET (call->fds[i], &set))
                msg->ready_mask |= 1u << i;
        }
      break;

    case __NR_epoll_wait:
    case __NR_epoll_pwait:
    case __NR_epoll_pwait2:
      epoll_ready (pid, (int) a[0], a[1], rax, msg);
      break;

    case __NR_poll:
    case __NR_ppoll:
      /* entry i of call->fds is the i-th pollfd whose fd is not negative */
      for (guint i = 0, j = 0; i < call->n_fds; i++, j++)
        {
          struct pollfd p = { 0 };
          short revents = 0;

          while (j < MIN (a[1], 64) && ss_trace_read_mem (pid, a[0] + j * sizeof p, &p, sizeof p) == sizeof p
                 && p.fd < 0)
            j++;
          if (j < MIN (a[1], 64) && p.fd == call->fds[i])
            revents = p.revents;
          if (revents)
            msg->ready_mask |= 1u << i;
          memcpy (msg->data + i * sizeof revents, &revents, sizeof revents);
          msg->data_len = (i + 1) * sizeof revents;
        }
      break;

    default:
      break;
    }
}

void
ss_trace_call_clear (SsTraceCall *call)
{
  g_clear_pointer (&call->texts, g_ptr_array_unref);
  g_clear_pointer (&call->text, g_free);
}
