/* sockscope-trace.h: what the tracer (sockscope-trace.c) and its decoder
 * (sockscope-trace-decode.c) share.  See docs/LAB-PROTOCOL.md, "Tracing programs". */
#pragma once

#include <glib.h>
#include <linux/filter.h>
#include <sys/types.h>

#include "sockscope-lab-private.h"

G_BEGIN_DECLS

typedef enum
{
  SS_TRACE_ALWAYS   = 0,
  SS_TRACE_ON_SOCK  = 1 << 0,   /* only when argument 0 is a socket (read, write, close, fcntl) */
  SS_TRACE_FCNTL_FL = 1 << 1,   /* fcntl: F_GETFL / F_SETFL only */
  SS_TRACE_PROCESS  = 1 << 2,   /* fork, vfork, clone, clone3: a new actor */
  SS_TRACE_EXIT     = 1 << 3,   /* exit, exit_group */
  SS_TRACE_EXEC     = 1 << 4,
  SS_TRACE_IOCTL_NB = 1 << 5,   /* ioctl: FIONBIO only (Python's setblocking) */
} SsTraceFlags;

typedef struct
{
  long        nr;
  SsCallInfo  info;     /* info.id: the lesson call whose cause rules apply (write: send) */
  guint       flags;    /* SsTraceFlags */
} SsTraceSys;

/* A stopped call's arguments, read at its entry. */
typedef struct
{
  const SsTraceSys       *sys;
  guint64                 args[6];
  int                     fd;          /* the socket it acts on, -1 */
  GPtrArray              *texts;       /* the arguments as C reads them */
  char                   *text;        /* "connect(3, 127.0.0.1:7777)" */
  gboolean                has_remote;  /* connect, sendto: the address called */
  struct sockaddr_storage remote;
  int                     fds[SS_CALL_MAX_ARGS];   /* select, poll: the fds watched */
  guint                   n_fds;
} SsTraceCall;

const SsTraceSys *ss_trace_sys_lookup   (long            nr);
/* The seccomp filter: SECCOMP_RET_TRACE for every call of the table, ALLOW for the rest. */
struct sock_filter *ss_trace_filter     (guint          *n_insns);
/* unshare, io_uring_setup: stopped, not traced (what the tracer knows of fds is dropped) */
gboolean          ss_trace_is_fd_table_call (long    nr);
gboolean          ss_trace_fd_is_socket (pid_t           pid,
                                         int             fd);
gboolean          ss_trace_fd_is_epoll  (pid_t           pid,
                                         int             fd);
void              ss_trace_decode_entry (pid_t           pid,
                                         SsTraceCall    *call);
/* At its exit: @msg gets ret, err and the out-arguments (@msg has room for SS_DATA_MAX bytes). */
void              ss_trace_decode_exit  (pid_t           pid,
                                         const SsTraceCall *call,
                                         gint64          rax,
                                         SsActorMsg     *msg);
void              ss_trace_call_clear   (SsTraceCall    *call);
/* A traced epoll_wait's return: "ready":["5"],"ready_fds":[5],"revents":["EPOLLIN"] */
void              ss_trace_append_epoll_ready (GString          *out,
                                               const SsActorMsg *msg);
gssize            ss_trace_read_mem     (pid_t           pid,
                                         guint64         addr,
                                         void           *buf,
                                         gsize           len);

/* For the lab's terminal (sockscope-terminal.c). */
char   **ss_trace_env            (SsLab              *lab,
                                  const char * const *extra);
gboolean ss_trace_adopt          (SsLab              *lab,
                                  pid_t               pid,
                                  const char         *base,
                                  guint               group,
                                  const char         *mode,
                                  GError            **error);
guint    ss_trace_kill_group     (SsLab              *lab,
                                  guint               group);
gboolean ss_terminal_command     (SsLab              *lab,
                                  const char         *name,
                                  gint64              id,
                                  void               *cmd);   /* JsonObject */

G_END_DECLS
