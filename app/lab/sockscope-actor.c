/* sockscope-actor.c: an actor process, and the threads in it.
 *
 * Forked by the lab inside its namespaces, an actor waits on its channel for
 * one request at a time, says "started" (and whether the call is about to
 * wait) before making the syscall, then reports what the call returned.
 * Telling the lab before the syscall is what lets the lab know, whenever a
 * packet shows up, which call was running.
 *
 * fork and pthread_create receive the new actor's channel with the request
 * (SCM_RIGHTS): a forked child moves it to SS_ACTOR_CHAN_FD and serves it, a
 * thread runs the same request loop on it.  A SIGCHLD handler tells the lab
 * when a child of this process ends.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sockscope-lab-private.h"

#define MAX_THREADS 64

/* A thread actor: pthread_create returns its index + 1, pthread_join takes it. */
typedef struct
{
  gboolean       used;
  pthread_t      thread;
  int            chan;
  sem_t          ready;
  volatile pid_t tid;
  volatile int   done;        /* it is ending: pthread_join will not wait long */
} SsThreadSlot;

static pid_t lab_pid;          /* orphans are reparented to the lab (a subreaper) */
static pid_t parent_pid;       /* the process that forked this one */
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static SsThreadSlot threads[MAX_THREADS];

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* One message on a channel, with at most one file descriptor (SCM_RIGHTS). */
gboolean
ss_chan_send (int         chan,
              const void *buf,
              size_t      len,
              int         fd)
{
  union
  {
    struct cmsghdr header;
    char           buf[CMSG_SPACE (sizeof (int))];
  } control;
  struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  ssize_t n;

  if (fd >= 0)
    {
      struct cmsghdr *c;

      memset (&control, 0, sizeof control);
      mh.msg_control = control.buf;
      mh.msg_controllen = sizeof control.buf;
      c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof fd);
    }
  do
    n = sendmsg (chan, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n >= 0;
}

/* Receives one message; *fd is the descriptor that came with it, or -1. */
ssize_t
ss_chan_recv (int     chan,
              void   *buf,
              size_t  len,
              int    *fd)
{
  union
  {
    struct cmsghdr header;
    char           buf[CMSG_SPACE (4 * sizeof (int))];
  } control;
  struct iovec iov = { .iov_base = buf, .iov_len = len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  ssize_t n = recvmsg (chan, &mh, MSG_CMSG_CLOEXEC);

  *fd = -1;
  if (n < 0)
    return n;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        size_t n_fds = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);

        for (size_t i = 0; i < n_fds; i++)
          {
            int got;

            memcpy (&got, CMSG_DATA (c) + i * sizeof (int), sizeof got);
            if (*fd < 0)
              *fd = got;
            else
              close (got);
          }
      }
  return n;
}

static void
send_msg (int         chan,
          SsActorMsg *msg)
{
  /* The lab is our parent: if it is gone, so are we (PDEATHSIG). */
  ss_chan_send (chan, msg, sizeof *msg + msg->data_len, -1);
}

/* A child of this process ended: the kernel's SIGCHLD, reported to the lab. */
static void
on_sigchld (int        sig,
            siginfo_t *si,
            void      *context)
{
  int saved_errno = errno;
  SsActorMsg msg;

  (void) sig;
  (void) context;
  memset (&msg, 0, sizeof msg);
  msg.kind = SS_MSG_SIGCHLD;
  msg.child_pid = si->si_pid;
  msg.child_code = si->si_code;
  msg.wstatus = si->si_status;
  msg.t_start_ns = msg.t_end_ns = now_ns ();
  send (SS_ACTOR_CHAN_FD, &msg, sizeof msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  errno = saved_errno;
}

/* A forked actor's parent died: it lives on as the lab's child (the lab is a
 * subreaper), unless the lab itself is gone. */
static void
on_parent_death (int sig)
{
  pid_t p = getppid ();

  (void) sig;
  if (p != lab_pid && p != parent_pid)
    _exit (0);
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

static SsThreadSlot *
thread_slot (int64_t index)
{
  if (index < 1 || index > MAX_THREADS || !threads[index - 1].used)
    return NULL;
  return &threads[index - 1];
}

static gboolean
call_will_block (const SsActorRequest *req)
{
  int fd = (int) req->iarg[0];

  switch ((SsCallId) req->call)
    {
    case SS_CALL_ACCEPT:
      return would_block (fd, POLLIN, 0);
    case SS_CALL_RECV:
    case SS_CALL_RECVFROM:
      return would_block (fd, POLLIN, (int) req->iarg[2]);
    case SS_CALL_SEND:
    case SS_CALL_SENDTO:
      return would_block (fd, POLLOUT, (int) req->iarg[2]);
    case SS_CALL_SELECT:
    case SS_CALL_POLL:
      {
        struct pollfd pfd[SS_CALL_MAX_ARGS];
        int n = CLAMP (req->n_args, 0, SS_CALL_MAX_ARGS);

        for (int i = 0; i < n; i++)
          pfd[i] = (struct pollfd) { .fd = (int) req->iarg[i], .events = POLLIN };
        return poll (pfd, (nfds_t) n, 0) == 0;
      }
    case SS_CALL_WAITPID:
      {
        siginfo_t si;
        pid_t pid = (pid_t) req->iarg[0];

        if (req->iarg[1] & WNOHANG)
          return FALSE;
        memset (&si, 0, sizeof si);
        if (waitid (pid > 0 ? P_PID : P_ALL, pid > 0 ? (id_t) pid : 0, &si,
                    WEXITED | WNOHANG | WNOWAIT) < 0)
          return FALSE;
        return si.si_pid == 0;
      }
    case SS_CALL_PTHREAD_JOIN:
      {
        SsThreadSlot *t;
        gboolean waits;

        pthread_mutex_lock (&threads_lock);
        t = thread_slot (req->iarg[0]);
        waits = t != NULL && !t->done;
        pthread_mutex_unlock (&threads_lock);
        return waits;
      }
    default:
      return FALSE;
    }
}

static int64_t
do_recv (int                   fd,
         const SsActorRequest *req,
         SsActorMsg           *msg,
         gboolean              want_addr)
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

static void actor_loop (int           chan,
                        SsThreadSlot *self);

/* The child of a fork: from now on it serves its own channel. */
G_NORETURN static void
become_child (int   new_chan,
              pid_t parent)
{
  prctl (PR_SET_PDEATHSIG, SIGRTMIN);
  parent_pid = parent;
  /* The parent may have died already: then only the lab may have adopted us. */
  if (getppid () != parent && getppid () != lab_pid)
    _exit (0);
  if (dup2 (new_chan, SS_ACTOR_CHAN_FD) < 0)
    _exit (127);
  /* The channels of the parent's threads (and new_chan itself) are not ours. */
  close_range (SS_ACTOR_CHAN_FD + 1, ~0u, 0);
  pthread_mutex_init (&threads_lock, NULL);
  memset (threads, 0, sizeof threads);
  actor_loop (SS_ACTOR_CHAN_FD, NULL);
  _exit (0);
}

static void *
thread_main (void *data)
{
  SsThreadSlot *t = data;

  t->tid = gettid ();
  sem_post (&t->ready);
  actor_loop (t->chan, t);
  return NULL;
}

static int64_t
start_thread (int        *chan,
              SsActorMsg *msg)
{
  SsThreadSlot *t = NULL;
  int index = -1;
  int r;

  pthread_mutex_lock (&threads_lock);
  for (int i = 0; i < MAX_THREADS && index < 0; i++)
    if (!threads[i].used)
      {
        index = i;
        t = &threads[i];
        memset (t, 0, sizeof *t);
        t->used = TRUE;
      }
  pthread_mutex_unlock (&threads_lock);
  if (t == NULL)
    {
      errno = EAGAIN;
      return -1;
    }

  t->chan = *chan;
  sem_init (&t->ready, 0, 0);
  r = pthread_create (&t->thread, NULL, thread_main, t);
  if (r != 0)
    {
      sem_destroy (&t->ready);
      pthread_mutex_lock (&threads_lock);
      t->used = FALSE;
      pthread_mutex_unlock (&threads_lock);
      errno = r;
      return -1;
    }
  *chan = -1;     /* the thread's now */
  while (sem_wait (&t->ready) < 0 && errno == EINTR)
    ;
  sem_destroy (&t->ready);
  msg->new_tid = t->tid;
  return index + 1;
}

static int64_t
join_thread (int64_t index)
{
  SsThreadSlot *t;
  pthread_t thread = 0;
  int r;

  pthread_mutex_lock (&threads_lock);
  t = thread_slot (index);
  if (t != NULL)
    thread = t->thread;
  pthread_mutex_unlock (&threads_lock);
  if (t == NULL)
    {
      errno = ESRCH;
      return -1;
    }
  r = pthread_join (thread, NULL);
  if (r != 0)
    {
      errno = r;
      return -1;
    }
  pthread_mutex_lock (&threads_lock);
  t->used = FALSE;
  pthread_mutex_unlock (&threads_lock);
  return 0;
}

static void
put_addr (SsActorMsg            *msg,
          const struct sockaddr *sa,
          socklen_t              len)
{
  struct sockaddr_storage ss = { 0 };
  uint32_t n = msg->data_len / sizeof ss;

  if (n >= SS_MAX_ADDRS)
    return;
  memcpy (&ss, sa, MIN ((size_t) len, sizeof ss));
  memcpy (msg->data + msg->data_len, &ss, sizeof ss);
  msg->data_len += sizeof ss;
  if (n == 0)
    {
      msg->addr = ss;
      msg->addrlen = len;
    }
}

static int64_t
run_lookup (const SsActorRequest *req,
            SsActorMsg           *msg)
{
  const char *first = (const char *) req->data;
  const char *second = req->data_len > strlen (first) + 1 ? first + strlen (first) + 1 : "";

  switch ((SsCallId) req->call)
    {
    case SS_CALL_GETADDRINFO:
      {
        struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
        struct addrinfo *res = NULL;
        int r = getaddrinfo (*first ? first : NULL, *second ? second : NULL, &hints, &res);

        if (r != 0)
          {
            msg->lookup_kind = SS_LOOKUP_EAI;
            return r;
          }
        for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
          put_addr (msg, ai->ai_addr, ai->ai_addrlen);
        freeaddrinfo (res);
        return 0;
      }

    case SS_CALL_GETHOSTBYNAME:
      {
        struct hostent *h = gethostbyname (first);

        if (h == NULL)
          {
            msg->lookup_kind = SS_LOOKUP_HERRNO;
            msg->value = h_errno;
            return -1;
          }
        for (char **a = h->h_addr_list; h->h_addrtype == AF_INET && *a != NULL; a++)
          {
            struct sockaddr_in sin = { .sin_family = AF_INET };

            memcpy (&sin.sin_addr, *a, sizeof sin.sin_addr);
            put_addr (msg, (const struct sockaddr *) &sin, sizeof sin);
          }
        return 0;
      }

    case SS_CALL_GETSERVBYNAME:
      {
        struct servent *se = getservbyname (first, *second ? second : NULL);

        if (se == NULL)
          {
            msg->lookup_kind = SS_LOOKUP_NOTFOUND;
            return -1;
          }
        msg->value = ntohs ((uint16_t) se->s_port);
        return msg->value;
      }

    default:
      errno = ENOSYS;
      return -1;
    }
}

static int64_t
byte_order (const SsActorRequest *req,
            SsActorMsg           *msg)
{
  if (req->call == SS_CALL_HTONS || req->call == SS_CALL_NTOHS)
    {
      uint16_t v = req->call == SS_CALL_HTONS ? htons ((uint16_t) req->iarg[0])
                                              : ntohs ((uint16_t) req->iarg[0]);

      memcpy (msg->data, &v, sizeof v);
      msg->data_len = sizeof v;
      return v;
    }
  else
    {
      uint32_t v = req->call == SS_CALL_HTONL ? htonl ((uint32_t) req->iarg[0])
                                              : ntohl ((uint32_t) req->iarg[0]);

      memcpy (msg->data, &v, sizeof v);
      msg->data_len = sizeof v;
      return v;
    }
}

static int64_t
run_call (const SsActorRequest *req,
          SsActorMsg           *msg,
          const uint8_t        *big,
          int                  *passed_fd)
{
  int fd = (int) req->iarg[0];
  const struct sockaddr *addr = (const struct sockaddr *) &req->addr;
  const void *data = big != NULL ? (const void *) big : (const void *) req->data;
  size_t data_len = big != NULL ? (size_t) req->big_len : req->data_len;

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
      /* SO_RCVTIMEO / SO_SNDTIMEO {seconds, microseconds}: a struct timeval. */
      if (req->has_linger && req->iarg[1] == SOL_SOCKET &&
          (req->iarg[2] == SO_RCVTIMEO || req->iarg[2] == SO_SNDTIMEO))
        {
          struct timeval tv = { req->linger.l_onoff, req->linger.l_linger };

          return setsockopt (fd, SOL_SOCKET, (int) req->iarg[2], &tv, sizeof tv);
        }
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
      return send (fd, data, data_len, (int) req->iarg[2]);

    case SS_CALL_RECV:
      return do_recv (fd, req, msg, FALSE);

    case SS_CALL_SENDTO:
      return sendto (fd, data, data_len, (int) req->iarg[2], addr, req->addrlen);

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

    case SS_CALL_FORK:
      {
        pid_t me = getpid ();
        pid_t pid;

        if (req->fd_kind != SS_REQ_FD_CHANNEL || *passed_fd < 0)
          {
            errno = EINVAL;
            return -1;
          }
        pid = fork ();
        if (pid == 0)
          become_child (*passed_fd, me);
        msg->new_tid = pid;
        return pid;
      }

    case SS_CALL_WAITPID:
      {
        int status = 0;
        pid_t r = waitpid ((pid_t) req->iarg[0], &status, (int) req->iarg[1]);

        if (r > 0)
          {
            msg->child_pid = r;
            msg->wstatus = status;
          }
        return r;
      }

    case SS_CALL_PTHREAD_CREATE:
      if (req->fd_kind != SS_REQ_FD_CHANNEL || *passed_fd < 0)
        {
          errno = EINVAL;
          return -1;
        }
      return start_thread (passed_fd, msg);

    case SS_CALL_PTHREAD_JOIN:
      return join_thread (req->iarg[0]);

    case SS_CALL_SELECT:
      {
        int n = CLAMP (req->n_args, 0, SS_CALL_MAX_ARGS);
        int max_fd = -1;
        fd_set set;
        int r;

        FD_ZERO (&set);
        for (int i = 0; i < n; i++)
          {
            if (req->iarg[i] < 0 || req->iarg[i] >= FD_SETSIZE)
              {
                errno = EBADF;
                return -1;
              }
            FD_SET ((int) req->iarg[i], &set);
            max_fd = MAX (max_fd, (int) req->iarg[i]);
          }
        r = select (max_fd + 1, &set, NULL, NULL, NULL);
        for (int i = 0; r > 0 && i < n; i++)
          if (FD_ISSET ((int) req->iarg[i], &set))
            msg->ready_mask |= 1u << i;
        return r;
      }

    case SS_CALL_POLL:
      {
        struct pollfd pfd[SS_CALL_MAX_ARGS];
        int n = CLAMP (req->n_args, 0, SS_CALL_MAX_ARGS);
        int r;

        for (int i = 0; i < n; i++)
          pfd[i] = (struct pollfd) { .fd = (int) req->iarg[i], .events = POLLIN };
        r = poll (pfd, (nfds_t) n, -1);
        for (int i = 0; r > 0 && i < n; i++)
          {
            memcpy (msg->data + i * sizeof (short), &pfd[i].revents, sizeof (short));
            if (pfd[i].revents != 0)
              msg->ready_mask |= 1u << i;
          }
        if (r >= 0)
          msg->data_len = (uint32_t) (n * sizeof (short));
        return r;
      }

    case SS_CALL_GETADDRINFO:
    case SS_CALL_GETHOSTBYNAME:
    case SS_CALL_GETSERVBYNAME:
      return run_lookup (req, msg);

    case SS_CALL_HTONS:
    case SS_CALL_HTONL:
    case SS_CALL_NTOHS:
    case SS_CALL_NTOHL:
      return byte_order (req, msg);

    case SS_CALL_EXIT:            /* handled by the loop */
    case SS_CALL_PTHREAD_EXIT:
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

/* A send bigger than a channel message comes in a memfd. */
static uint8_t *
read_memfd (int      fd,
            uint64_t len)
{
  uint8_t *buf = malloc (len > 0 ? len : 1);
  uint64_t got = 0;

  while (buf != NULL && got < len)
    {
      ssize_t n = pread (fd, buf + got, len - got, (off_t) got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          free (buf);
          return NULL;
        }
      got += (uint64_t) n;
    }
  return buf;
}

/* Serves one channel: the process's own (@self NULL) or a thread actor's. */
static void
actor_loop (int           chan,
            SsThreadSlot *self)
{
  size_t size = sizeof (SsActorRequest) + SS_DATA_MAX;
  SsActorRequest *req = malloc (size);
  SsActorMsg *msg = malloc (sizeof (SsActorMsg) + SS_DATA_MAX);

  if (req == NULL || msg == NULL)
    _exit (127);

  for (;;)
    {
      uint8_t *big = NULL;
      int passed_fd = -1;
      ssize_t n = ss_chan_recv (chan, req, size, &passed_fd);
      int saved_errno;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < (ssize_t) sizeof *req)
        {
          if (passed_fd >= 0)
            close (passed_fd);
          break;
        }
      if (req->fd_kind == SS_REQ_FD_DATA && passed_fd >= 0)
        {
          big = read_memfd (passed_fd, req->big_len);
          close (passed_fd);
          passed_fd = -1;
        }
      else if (req->fd_kind == SS_REQ_FD_CHANNEL && passed_fd >= 0)
        {
          /* Out of the way of the lesson's fds, which must stay 3, 4, 5... */
          int high = fcntl (passed_fd, F_DUPFD_CLOEXEC, SS_ACTOR_CHAN_FD + 1);

          close (passed_fd);
          passed_fd = high;
        }

      memset (msg, 0, sizeof *msg);
      msg->kind = SS_MSG_STARTED;
      msg->fds[0] = msg->fds[1] = -1;
      if (req->kind == SS_REQ_CALL)
        msg->will_block = call_will_block (req);
      msg->t_start_ns = now_ns ();
      send_msg (chan, msg);

      if (req->kind == SS_REQ_CALL && req->call == SS_CALL_EXIT)
        _exit ((int) req->iarg[0]);
      if (req->kind == SS_REQ_CALL && req->call == SS_CALL_PTHREAD_EXIT && self != NULL)
        {
          /* The lab sees the channel close: the thread actor has ended. */
          self->done = TRUE;
          free (req);
          free (msg);
          close (chan);
          pthread_exit (NULL);
        }

      msg->kind = SS_MSG_RETURNED;
      msg->will_block = 0;
      errno = 0;
      if (req->kind == SS_REQ_CALL && req->fd_kind == SS_REQ_FD_DATA && big == NULL)
        {
          errno = ENOMEM;
          msg->ret = -1;
        }
      else
        msg->ret = req->kind == SS_REQ_BURST ? run_burst (req) : run_call (req, msg, big, &passed_fd);
      saved_errno = errno;
      msg->t_end_ns = now_ns ();
      msg->err = msg->ret < 0 ? saved_errno : 0;
      free (big);
      if (passed_fd >= 0)
        close (passed_fd);
      send_msg (chan, msg);
    }

  free (req);
  free (msg);
  if (self != NULL)
    {
      self->done = TRUE;
      close (chan);
    }
}

G_NORETURN void
ss_actor_main (int chan)
{
  struct sigaction sa;

  lab_pid = parent_pid = getppid ();

  /* A blocked send to a reset peer must return EPIPE, not kill the actor. */
  signal (SIGPIPE, SIG_IGN);

  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigchld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGCHLD, &sa, NULL);

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_parent_death;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGRTMIN, &sa, NULL);

  actor_loop (chan, NULL);
  _exit (0);
}
