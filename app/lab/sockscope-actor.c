/* sockscope-actor.c: an actor process.
 *
 * Forked by the lab inside its namespaces, an actor waits on its channel for
 * one request at a time, says "started" (and whether the call is about to
 * wait) before making the syscall, then reports what the call returned.
 * Telling the lab before the syscall is what lets the lab know, whenever a
 * packet shows up, which call was running.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sockscope-lab-private.h"

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
send_msg (int         chan,
          SsActorMsg *msg)
{
  /* The lab is our parent: if it is gone, so are we (PDEATHSIG). */
  while (send (chan, msg, sizeof *msg + msg->data_len, MSG_NOSIGNAL) < 0 && errno == EINTR)
    ;
}

/* Would this call wait?  Only asked of calls made on a blocking fd. */
static gboolean
would_block (int   fd,
             short events,
             int   flags)
{
  struct pollfd pfd = { .fd = fd, .events = events };
  int fl = fcntl (fd, F_GETFL);

  if (fl < 0 || (fl & O_NONBLOCK) || (flags & MSG_DONTWAIT))
    return FALSE;
  return poll (&pfd, 1, 0) == 0;
}

static int64_t
do_recv (int             fd,
         const SsActorRequest *req,
         SsActorMsg     *msg,
         gboolean        want_addr)
{
  struct iovec iov;
  struct msghdr mh = { 0 };
  size_t len = (size_t) CLAMP (req->iarg[1], 0, SS_DATA_MAX);
  ssize_t r;

  iov.iov_base = msg->data;
  iov.iov_len = len;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  if (want_addr)
    {
      mh.msg_name = &msg->addr;
      mh.msg_namelen = sizeof msg->addr;
    }
  r = recvmsg (fd, &mh, (int) req->iarg[2]);
  if (r >= 0)
    {
      msg->data_len = (uint32_t) MIN ((size_t) r, len);
      msg->msg_flags = mh.msg_flags;
      msg->addrlen = want_addr ? mh.msg_namelen : 0;
    }
  return r;
}

static int64_t
run_call (const SsActorRequest *req,
          SsActorMsg           *msg)
{
  int fd = (int) req->iarg[0];
  const struct sockaddr *addr = (const struct sockaddr *) &req->addr;

  switch ((SsCallId) req->call)
    {
    case SS_CALL_SOCKET:
      return socket ((int) req->iarg[0], (int) req->iarg[1], (int) req->iarg[2]);

    case SS_CALL_SOCKETPAIR:
      {
        int sv[2] = { -1, -1 };
        int r = socketpair ((int) req->iarg[0], (int) req->iarg[1], (int) req->iarg[2], sv);

        msg->fds[0] = sv[0];
        msg->fds[1] = sv[1];
        return r;
      }

    case SS_CALL_SETSOCKOPT:
      if (req->has_linger)
        return setsockopt (fd, (int) req->iarg[1], (int) req->iarg[2],
                           &req->linger, sizeof req->linger);
      else
        {
          int v = (int) req->iarg[3];

          return setsockopt (fd, (int) req->iarg[1], (int) req->iarg[2], &v, sizeof v);
        }

    case SS_CALL_GETSOCKOPT:
      {
        socklen_t len;
        int r;

        if (req->iarg[1] == SOL_SOCKET && req->iarg[2] == SO_LINGER)
          {
            len = sizeof msg->linger;
            r = getsockopt (fd, SOL_SOCKET, SO_LINGER, &msg->linger, &len);
            msg->has_linger = r == 0;
          }
        else
          {
            len = sizeof msg->value;
            r = getsockopt (fd, (int) req->iarg[1], (int) req->iarg[2], &msg->value, &len);
          }
        return r;
      }

    case SS_CALL_FCNTL:
      return fcntl (fd, (int) req->iarg[1], (int) req->iarg[2]);

    case SS_CALL_BIND:
      return bind (fd, addr, req->addrlen);

    case SS_CALL_LISTEN:
      return listen (fd, (int) req->iarg[1]);

    case SS_CALL_ACCEPT:
      {
        socklen_t len = sizeof msg->addr;
        int r = accept (fd, (struct sockaddr *) &msg->addr, &len);

        msg->addrlen = r >= 0 ? len : 0;
        return r;
      }

    case SS_CALL_CONNECT:
      return connect (fd, addr, req->addrlen);

    case SS_CALL_SEND:
      return send (fd, req->data, req->data_len, (int) req->iarg[2]);

    case SS_CALL_RECV:
      return do_recv (fd, req, msg, FALSE);

    case SS_CALL_SENDTO:
      return sendto (fd, req->data, req->data_len, (int) req->iarg[2], addr, req->addrlen);

    case SS_CALL_RECVFROM:
      return do_recv (fd, req, msg, TRUE);

    case SS_CALL_SHUTDOWN:
      return shutdown (fd, (int) req->iarg[1]);

    case SS_CALL_CLOSE:
      return close (fd);

    case SS_CALL_GETSOCKNAME:
    case SS_CALL_GETPEERNAME:
      {
        socklen_t len = sizeof msg->addr;
        int r = req->call == SS_CALL_GETSOCKNAME
                ? getsockname (fd, (struct sockaddr *) &msg->addr, &len)
                : getpeername (fd, (struct sockaddr *) &msg->addr, &len);

        msg->addrlen = r == 0 ? len : 0;
        return r;
      }

    case SS_CALL_N_CALLS:
    default:
      errno = ENOSYS;
      return -1;
    }
}

/* A test/bench request: count datagrams as fast as the kernel takes them.
 * The flood runs at SCHED_IDLE, in a child so the actor keeps its own
 * policy: it then only gets the CPU the lab leaves, as the lab must see
 * every packet (the capture ring holds ~500 frames). */
static int64_t
run_burst (const SsActorRequest *req)
{
  struct sched_param param = { 0 };
  int fd = (int) req->iarg[0];
  int status = 0;
  pid_t pid;

  pid = fork ();
  if (pid < 0)
    return -1;
  if (pid == 0)
    {
      uint32_t sent = 0;

      prctl (PR_SET_PDEATHSIG, SIGKILL);
      sched_setscheduler (0, SCHED_IDLE, &param);
      while (sent < req->count)
        {
          if (sendto (fd, req->data, req->data_len, 0,
                      (const struct sockaddr *) &req->addr, req->addrlen) >= 0)
            sent++;
          else if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
            _exit (1);
        }
      _exit (0);
    }
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? (int64_t) req->count : -1;
}

static short
readiness_events (const SsActorRequest *req,
                  int                  *flags)
{
  *flags = 0;
  switch ((SsCallId) req->call)
    {
    case SS_CALL_ACCEPT:
      return POLLIN;
    case SS_CALL_RECV:
    case SS_CALL_RECVFROM:
      *flags = (int) req->iarg[2];
      return POLLIN;
    case SS_CALL_SEND:
    case SS_CALL_SENDTO:
      *flags = (int) req->iarg[2];
      return POLLOUT;
    default:
      return 0;
    }
}

G_NORETURN void
ss_actor_main (int chan)
{
  size_t size = sizeof (SsActorRequest) + SS_DATA_MAX;
  SsActorRequest *req = malloc (size);
  SsActorMsg *msg = malloc (sizeof (SsActorMsg) + SS_DATA_MAX);

  /* A blocked send to a reset peer must return EPIPE, not kill the actor. */
  signal (SIGPIPE, SIG_IGN);

  if (req == NULL || msg == NULL)
    _exit (127);

  for (;;)
    {
      ssize_t n = recv (chan, req, size, 0);
      short events;
      int flags, saved_errno;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < (ssize_t) sizeof *req)
        _exit (0);

      memset (msg, 0, sizeof *msg);
      msg->kind = SS_MSG_STARTED;
      msg->fds[0] = msg->fds[1] = -1;
      events = req->kind == SS_REQ_CALL ? readiness_events (req, &flags) : 0;
      if (events != 0)
        msg->will_block = would_block ((int) req->iarg[0], events, flags);
      msg->t_start_ns = now_ns ();
      send_msg (chan, msg);

      msg->kind = SS_MSG_RETURNED;
      msg->will_block = 0;
      errno = 0;
      msg->ret = req->kind == SS_REQ_BURST ? run_burst (req) : run_call (req, msg);
      saved_errno = errno;
      msg->t_end_ns = now_ns ();
      msg->err = msg->ret < 0 ? saved_errno : 0;
      send_msg (chan, msg);
    }
}
