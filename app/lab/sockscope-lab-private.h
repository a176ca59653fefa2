/* sockscope-lab-private.h: what the parts of sockscope-lab share.
 *
 * The lab is one single-threaded process running a poll() loop over the
 * control socket, the capture, and one channel per actor.  Actors are
 * forked processes that run one call per request (sockscope-actor.c).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "sockscope-calls.h"
#include "sockscope-hosts.h"
#include "sockscope-wire-spec.h"
#include "sockscope-analysis.h"
#include "sockscope-decoder.h"
#include "sockscope-json.h"

G_BEGIN_DECLS

/* ---- lab ↔ actor messages: one struct per SOCK_SEQPACKET message ---- */

/* Data up to SS_DATA_MAX bytes travels in the request itself; a larger send
 * (up to SS_SEND_MAX, "x" * 200000) in a memfd passed with SCM_RIGHTS. */
#define SS_DATA_MAX      SS_CALL_RECV_MAX
#define SS_SEND_MAX      SS_CALL_SEND_MAX
/* The actor's end of its channel, out of the way of the lesson's fds (3, 4…).
 * The channels of thread actors live above it (SS_ACTOR_CHAN_FD + 1 and up). */
#define SS_ACTOR_CHAN_FD 100
/* getaddrinfo/gethostbyname: addresses returned, at most. */
#define SS_MAX_ADDRS     16

typedef enum
{
  SS_REQ_CALL = 1,
  SS_REQ_BURST,
} SsRequestKind;

/* What the one file descriptor sent with a request (SCM_RIGHTS) is. */
typedef enum
{
  SS_REQ_FD_NONE = 0,
  SS_REQ_FD_DATA,      /* a memfd holding big_len bytes to send */
  SS_REQ_FD_CHANNEL,   /* fork, pthread_create: the new actor's channel */
} SsRequestFd;

typedef struct
{
  int32_t                 kind;        /* SsRequestKind */
  int32_t                 call;        /* SsCallId */
  int64_t                 iarg[SS_CALL_MAX_ARGS];
  int32_t                 has_linger;
  struct linger           linger;
  uint32_t                addrlen;
  struct sockaddr_storage addr;
  uint32_t                count;       /* burst: datagrams to send */
  int32_t                 n_args;      /* select, poll: how many fds in iarg */
  int32_t                 fd_kind;     /* SsRequestFd */
  uint64_t                big_len;     /* SS_REQ_FD_DATA: bytes in the memfd */
  uint32_t                data_len;    /* getaddrinfo...: "node\0service\0" */
  uint8_t                 data[];
} SsActorRequest;

typedef enum
{
  SS_MSG_STARTED = 1,   /* sent before the syscall is made */
  SS_MSG_RETURNED,
  SS_MSG_SIGCHLD,       /* from the actor's SIGCHLD handler: child pid, code, status */
} SsActorMsgKind;

/* How a name lookup failed (SsActorMsg.lookup_kind). */
typedef enum
{
  SS_LOOKUP_NONE = 0,
  SS_LOOKUP_EAI,        /* getaddrinfo: err is the EAI_ code */
  SS_LOOKUP_HERRNO,     /* gethostbyname: err is h_errno */
  SS_LOOKUP_NOTFOUND,   /* getservbyname: no such service */
} SsLookupKind;

typedef struct
{
  int32_t                 kind;        /* SsActorMsgKind */
  int32_t                 will_block;  /* STARTED: readiness check says it waits */
  int64_t                 ret;
  int32_t                 err;
  int32_t                 msg_flags;
  uint64_t                t_start_ns;
  uint64_t                t_end_ns;
  uint32_t                addrlen;
  struct sockaddr_storage addr;
  int32_t                 fds[2];
  int32_t                 value;
  int32_t                 has_linger;
  struct linger           linger;
  int32_t                 lookup_kind; /* SsLookupKind, when a lookup failed */
  int32_t                 new_tid;     /* fork: child pid; pthread_create: the thread's tid */
  uint32_t                ready_mask;  /* select, poll: bit i: argument i is ready */
  int32_t                 wstatus;     /* waitpid: the status; SIGCHLD: si_status */
  int32_t                 child_pid;   /* waitpid: pid reaped; SIGCHLD: si_pid */
  int32_t                 child_code;  /* SIGCHLD: si_code (CLD_EXITED, CLD_KILLED...) */
  int32_t                 epoll_wait;  /* a traced epoll_wait: data holds its SsEpollReady[] */
  uint32_t                data_len;    /* recv: bytes; lookups: struct sockaddr_storage[];
                                        * byte order: the value's bytes in memory order */
  uint8_t                 data[];
} SsActorMsg;

/* A traced epoll_wait's ready events (SsActorMsg.data). */
typedef struct
{
  int32_t  fd;       /* the fd the program registered with that data (the kernel's list of the
                      * epoll's fds, /proc/PID/fdinfo), -1 when none has it */
  uint32_t events;   /* EPOLLIN... */
  uint64_t data;     /* what the program gave epoll_ctl (data.fd, data.ptr...) */
} SsEpollReady;

G_NORETURN void ss_actor_main (int chan);
gboolean        ss_chan_send  (int          chan,
                               const void  *buf,
                               size_t       len,
                               int          fd);
ssize_t         ss_chan_recv  (int          chan,
                               void        *buf,
                               size_t       len,
                               int         *fd);

/* ---- argument strings (sockscope-args.c) ---- */

typedef struct
{
  SsArgKind               kind;
  int64_t                 i;
  gboolean                is_linger;
  struct linger           linger;
  struct sockaddr_storage addr;
  socklen_t               addrlen;
  GByteArray             *data;
  char                   *text;   /* as the C call reads it, variables resolved */
} SsArgValue;

gboolean ss_arg_parse (SsArgKind    kind,
                       const char  *src,
                       GHashTable  *vars,
                       GHashTable  *data_vars,
                       SsArgValue  *out,
                       GError     **error);
void     ss_arg_clear (SsArgValue  *value);
char    *ss_sockaddr_to_string (const struct sockaddr *sa,
                                socklen_t              len);

/* ---- the lab ---- */

typedef struct _SsLab    SsLab;
typedef struct _SsActor  SsActor;
typedef struct _SsTrace  SsTrace;   /* programs traced in the lab (sockscope-trace.c) */

typedef struct
{
  guint64           seq;      /* of the call event */
  SsActor          *actor;
  const SsCallInfo *info;
  char             *text;
  char             *cause_text; /* "actor: text" */
  gint64            step;     /* -1: none */
  char            **args_src; /* the arguments as written (select, poll: out.ready) */
  int               fds[SS_CALL_MAX_ARGS]; /* select, poll: the fds they resolved to */
  gboolean          has_remote; /* connect, sendto: the address called */
  guint16           rport;
  guint8            remote[16];
} SsCallRec;

/* What the lab knows of one socket an actor used: the calls that explain
 * its packets.  Kept after the socket is closed, for its FIN and RST. */
typedef struct
{
  guint64    inode;
  SsCallRec *last_call;
  SsCallRec *last_send;
  SsCallRec *last_fin;        /* close or shutdown */
  SsCallRec *last_close;
  SsCallRec *last_connect;
  gboolean   bursting;       /* its datagrams come from a `burst` command */
} SsSockRec;

typedef enum
{
  SS_PENDING_CALL,
  SS_PENDING_BURST,
  SS_PENDING_SETTLE,
  SS_PENDING_REFRESH,         /* a state dump after a call, no reply */
} SsPendingKind;

typedef struct
{
  SsPendingKind kind;
  gint64        id;
  gint64        since;        /* monotonic µs */
  gint64        deadline;
  SsActor      *actor;
  guint64       call_seq;
  gboolean      blocked;
  gboolean      exited;       /* exit, pthread_exit: the actor ended */
  gint64        new_actor_pid; /* fork, pthread_create: 0 when none */
  guint64       burst_sent;
} SsPending;

struct _SsActor
{
  SsLab      *lab;
  char       *name;
  char       *parent;
  pid_t       pid;            /* of its process (a thread actor: the process's) */
  pid_t       tid;
  int         chan;
  gboolean    alive;
  gboolean    thread;         /* a pthread of the process of another actor */
  gboolean    lab_child;      /* spawned by the lab: the lab reaps it */
  guint64     via;            /* the fork/pthread_create call that made it, 0: none */
  GHashTable *vars;           /* name → GSIZE_TO_POINTER (value); shared by threads */
  GHashTable *data_vars;      /* name → GBytes received by recv/recvfrom */

  /* Ending: its channel closed, the exit status is not known yet. */
  gboolean    ending;
  gint64      ending_since;
  gboolean    exit_known;     /* it called exit (status) */
  int         exit_status;

  /* fork, pthread_create in flight: the lab's end of the new actor's channel. */
  int         new_chan;
  char       *new_name;

  /* The call in flight, NULL when idle. */
  SsCallRec  *call;
  SsSockRec  *call_sock;
  char       *assign;
  gboolean    is_burst;
  gint64      reply_id;       /* the command waiting for its reply, -1: none */
  gboolean    started;
  gboolean    blocked;
  gint64      started_mono;
  SsPending  *pending;        /* its reply, until sent */
  SsActorMsg *rbuf;           /* what it sends is read here */

  gboolean    traced;         /* a traced program (sockscope-trace.c): no channel, chan -1 */
  guint8      host;           /* SS_HOST_A / SS_HOST_B in a two-host lab, else SS_HOST_NONE */
};

/* A 4-tuple in one direction; IPv4 addresses are stored v4-mapped. */
typedef struct
{
  guint8  proto;
  guint8  pad;
  guint16 lport;
  guint16 rport;
  guint8  local[16];
  guint8  remote[16];
} SsTuple;

/* Hosts of a two-host lab (sockscope-wire.c); a one-host lab has only the lab's own. */
enum { SS_HOST_NONE = 0, SS_HOST_A = 1, SS_HOST_B = 2 };

/* Where a queued frame came from (sockscope-capture.c). */
typedef enum
{
  SS_SRC_LAB = 0,       /* the lab's lo */
  SS_SRC_HOST_A,        /* host a's lo */
  SS_SRC_HOST_B,
  SS_SRC_WIRE_AB,       /* the wire, a to b (from the forwarder) */
  SS_SRC_WIRE_BA,
  SS_SRC_DECISION,      /* not a frame: a decision of the wire (SsWireMsg) */
  SS_N_SRC
} SsSource;

typedef struct
{
  SsLab *lab;
  int    source;
} SsCapSource;

typedef struct
{
  guint8   family;            /* AF_INET, AF_INET6, AF_UNIX */
  guint8   proto;             /* IPPROTO_TCP, IPPROTO_UDP, 0 for unix */
  guint8   socktype;
  guint8   state;             /* kernel TCP_* state */
  gboolean v6only;            /* AF_INET6 with IPV6_V6ONLY: no IPv4 packet reaches it */
  SsTuple  tuple;
  char    *unix_name;         /* unix: bound path, or NULL */
  guint32  unix_peer;         /* unix: peer inode */
  guint64  inode;
  guint64  cookie;
  guint32  rq;
  guint32  wq;
  gboolean has_info;
  guint32  rtt_us;
  guint32  cwnd;
  guint32  retrans;
  guint32  snd_wnd;
  gint64   rcv_wnd;           /* -1 when the kernel does not report it */
  gint64   rcvbuf;            /* SK_MEMINFO, -1 when not given */
  gint64   sndbuf;
  /* filled by the lab from /proc/<actor>/fd */
  SsActor *owner;
  int      owner_fd;
  guint    n_holders;         /* process actors holding it (after fork: several) */
  SsActor *holders[8];
  int      holder_fds[8];     /* the lowest fd each holder has it on */
  /* filled by the lab from the entry it follows (ss_sockdiag_refresh) */
  guint8   host;              /* SS_HOST_* of the namespace it lives in */
  guint64  id;                /* the lab's number for this socket, 0 until reported */
  SsActor *last_actor;        /* the last process that held it (kept once orphaned) */
  int      last_fd;
} SsSockEntry;

/* One end of a packet: the actor (a thread when a thread used the socket last) and its fd,
 * -1 when the lab knows the actor but not the fd. */
typedef struct
{
  SsActor *actor;
  int      fd;
} SsEnd;

struct _SsLab
{
  int         ctl;
  GString    *in;
  GString    *out;
  gsize       out_pos;        /* bytes of out already written */
  gboolean    quit;

  guint64     seq;
  guint64     n_packets;
  gint64      step;           /* step of the last command that had one, -1 */

  GPtrArray  *actors;
  GPtrArray  *calls;          /* SsCallRec, kept for cause_text */
  char       *workdir;
  gboolean    workdir_on_host;

  /* capture */
  pcap_t     *pcap;
  int         pcap_fd;
  int         linktype;
  gint64      last_packet_mono;
  guint64     last_drain_ns;
  gboolean    processing_frames;   /* inside ss_capture_process: it must not be re-entered */
  gboolean    capture_cut;         /* ss_capture_read reads nothing: a traced return's frames are
                                    * those read before its program went on (sockscope-trace.c) */
  SsStr       pkt_json;
  SsAnalyzer *analyzer;       /* names retransmissions, zero windows... (sockscope-analysis.h) */
  GQueue     *queue;          /* chunks of frames read from the ring, not yet events */
  gsize       queue_pos;
  gboolean    backlog;        /* frames are waiting in the queue */

  /* cause */
  GHashTable *socks;          /* inode → SsSockRec */
  GHashTable *socks_by_tuple; /* SsTuple → SsSockRec */
  GHashTable *flows;          /* SsTuple (direction of travel) → SsFlow */
  guint64     generation;     /* bumped by every call */
  guint64     learned_generation;

  /* socket states */
  int         diag;
  GArray     *states;         /* SsSockEntry, as last reported */
  guint64     next_sock_id;
  GArray     *lookup;         /* SsSockEntry, a silent dump to attribute packets */
  GArray     *gone;           /* SsSockEntry: the last sockets reported CLOSED (their late packets) */
  guint64     lookup_generation;
  gboolean    states_stale;
  gint64      last_refresh;
  gint64      next_poll;      /* 0: no socket in a transitional state */
  gboolean    settle_busy;    /* a socket in a short transitional state */

  GPtrArray  *pending;        /* SsPending */

  SsTrace    *trace;          /* NULL until the first `trace` command */

  /* two hosts and the wire (sockscope-wire.c); hosts == NULL in a one-host lab */
  SsHostsNet *hosts;
  char       *host_names[2];
  pcap_t     *host_pcap[2];   /* each host's lo */
  int         host_pcap_fd[2];
  int         host_diag[2];   /* sock_diag in each host */
  SsCapSource cap_source[SS_N_SRC];
  int         wire_ctl;       /* the forwarder's control socket, -1: none */
  pid_t       wire_pid;
  SsWireConfig wire;          /* what the lab applied (the MTU); the forwarder keeps the counters */
  guint64    *wire_seq;       /* frame id % SS_WIRE_MAP → the packet event's seq, n and id */
  guint       wire_queued;    /* frames waiting in the wire to leave (delayed): not settled yet */
  guint8      end_host;       /* sockscope-ends.c: the host whose sockets are looked at */
  guint8      pkt_hosts[2];   /* the packet being attributed: its sender's and receiver's host */
  guint64     pkt_t_ns;       /* ... and when it was captured */
  guint64     lookup_t_ns;    /* when lab->lookup was dumped */
  struct
  {
    guint8    addrs[8];       /* IPv4 source and destination */
    guint16   id;
    gboolean  used;
    SsEnd     from, to;
    SsCallRec *cause;
  }           frags[8];       /* the ends of the last datagrams cut into fragments, by IP id */
  guint       next_frag;
};

#define SS_WIRE_MAP 65536

/* sockscope-lab.c */
guint64  ss_now_ns               (void);
void     ss_lab_event_begin      (SsLab       *lab,
                                  guint64      t_ns,
                                  const char  *type,
                                  gint64       step);
void     ss_lab_event_end        (SsLab       *lab);
void     ss_lab_append_int       (GString     *s,
                                  gint64       v);
void     ss_json_append_string   (GString     *s,
                                  const char  *str,
                                  gssize       len);
/* A command's member: its string, or NULL; its integer, or @fallback (absent or another type). */
const char *ss_member_string     (JsonObject  *obj,
                                  const char  *name);
gint64   ss_member_int           (JsonObject  *obj,
                                  const char  *name,
                                  gint64       fallback);
void     ss_lab_drain_actors     (SsLab       *lab);
void     ss_lab_drain_starts     (SsLab       *lab);
SsActor *ss_lab_actor_by_pid     (SsLab       *lab,
                                  pid_t        pid,
                                  gboolean     any_state);
/* for the tracer (sockscope-trace.c): what a lesson's actor and call go through */
SsActor *ss_lab_find_actor       (SsLab       *lab,
                                  const char  *name);
SsActor *ss_lab_new_actor        (SsLab       *lab,
                                  const char  *name,
                                  const char  *parent,
                                  pid_t        pid,
                                  int          chan);
void     ss_lab_emit_actor       (SsLab       *lab,
                                  SsActor     *actor);
void     ss_lab_actor_ended      (SsLab       *lab,
                                  SsActor     *actor,
                                  gboolean     known,
                                  int          status);
void     ss_lab_emit_return      (SsLab       *lab,
                                  SsActor     *actor,
                                  const SsActorMsg *msg);
/* A traced call's return in two halves: the frames it sent read from the rings while its
 * program is stopped, then, the program resumed, those frames' events and the return's. */
guint64  ss_lab_return_cut       (SsLab       *lab);    /* the return's time */
void     ss_lab_emit_return_after_cut (SsLab  *lab,
                                  SsActor     *actor,
                                  const SsActorMsg *msg,
                                  guint64      t_ns);
void     ss_lab_add_refresh      (SsLab       *lab);
void     ss_lab_reply_begin      (SsLab       *lab,
                                  const char  *reply,
                                  gint64       id);
void     ss_lab_reply_error      (SsLab       *lab,
                                  gint64       id,
                                  const char  *format,
                                  ...) G_GNUC_PRINTF (3, 4);

/* sockscope-trace.c */
gboolean ss_trace_command        (SsLab       *lab,
                                  const char  *name,
                                  gint64       id,
                                  void        *cmd);   /* JsonObject */
int      ss_trace_poll_fd        (SsLab       *lab);
void     ss_trace_drain          (SsLab       *lab,
                                  gboolean     woken);
void     ss_trace_shutdown       (SsLab       *lab);

/* sockscope-capture.c */
gboolean ss_capture_open         (SsLab       *lab,
                                  GError     **error);
pcap_t  *ss_capture_open_host    (SsLab       *lab,
                                  GError     **error);
void     ss_capture_enqueue      (SsLab       *lab,
                                  int          source,
                                  guint64      id,
                                  guint64      t_ns,
                                  guint32      caplen,
                                  guint32      len,
                                  const guint8 *bytes);
void     ss_capture_read         (SsLab       *lab);
void     ss_capture_close        (SsLab       *lab);
gboolean ss_capture_process      (SsLab       *lab,
                                  guint        max);
void     ss_capture_stats        (SsLab       *lab,
                                  guint       *ps_recv,
                                  guint       *ps_drop);

/* sockscope-cause.c */
void       ss_cause_init         (SsLab                 *lab);
SsSockRec *ss_cause_sock_for_fd  (SsLab                 *lab,
                                  SsActor               *actor,
                                  int                    fd);
void       ss_cause_note_call    (SsSockRec             *rec,
                                  SsCallRec             *call);
void       ss_cause_note_remote  (SsCallRec             *call,
                                  const struct sockaddr_storage *addr);
void       ss_cause_learn        (SsLab                 *lab,
                                  GArray                *entries);
SsCallRec *ss_cause_attribute    (SsLab                 *lab,
                                  const SsPacketSummary *sum,
                                  const guint8          *data,
                                  gboolean              *is_burst);
gboolean   ss_cause_quoted_tuple (const SsPacketSummary *sum,
                                  const guint8          *data,
                                  SsTuple               *quoted);
gboolean   ss_cause_read_tuple   (const SsPacketSummary *sum,
                                  const guint8          *data,
                                  SsTuple               *t);
/* The same connection seen from its other end. */
void       ss_tuple_reverse      (const SsTuple         *t,
                                  SsTuple               *r);
guint      ss_tuple_hash         (gconstpointer          key);
gboolean   ss_tuple_equal        (gconstpointer          a,
                                  gconstpointer          b);

/* sockscope-sockdiag.c */
int      ss_sockdiag_open        (GError     **error);
GArray  *ss_sockdiag_dump        (int          fd,
                                  GError     **error);
GArray  *ss_sockdiag_dump_lab    (SsLab       *lab,
                                  GError     **error);
void     ss_sockdiag_refresh     (SsLab       *lab);
void     ss_sockdiag_learn       (SsLab       *lab);
GArray  *ss_sockdiag_snapshot    (SsLab       *lab);

/* sockscope-ends.c */
void     ss_ends_attribute       (SsLab                 *lab,
                                  const SsPacketSummary *sum,
                                  const guint8          *data,
                                  SsCallRec             *cause,
                                  SsEnd                 *from,
                                  SsEnd                 *to);
void     ss_ends_append_json     (GString               *out,
                                  const SsEnd           *from,
                                  const SsEnd           *to);
const char *ss_tcp_state_name    (guint8       state);
int      ss_ipv4_fragment        (const SsPacketSummary *sum,
                                  const guint8          *data);
gint     ss_fragment_slot        (SsLab                 *lab,
                                  const SsPacketSummary *sum,
                                  const guint8          *data);

/* sockscope-wire.c */
void     ss_wire_init            (SsLab       *lab);
void     ss_wire_cmd_hosts       (SsLab       *lab,
                                  gint64       id,
                                  void        *cmd);   /* JsonObject */
void     ss_wire_cmd_wire        (SsLab       *lab,
                                  gint64       id,
                                  void        *cmd);
gboolean ss_wire_enter_host      (SsLab       *lab,
                                  guint8       host);
void     ss_wire_read            (SsLab       *lab);
void     ss_wire_sync            (SsLab       *lab);
void     ss_wire_emit_decision   (SsLab       *lab,
                                  const guint8 *msg,
                                  gsize        len);
void     ss_wire_note_packet     (SsLab       *lab,
                                  guint64      frame_id,
                                  guint64      seq,
                                  guint64      n);
const char *ss_host_name         (guint8       host);
void     ss_wire_shutdown        (SsLab       *lab);

/* sockscope-namespace.c */
gboolean ss_namespace_enter      (GError     **error,
                                  char       **remedy);
gboolean ss_namespace_names      (GError     **error);
gboolean ss_namespace_show_host_tmp (const char *path);
char    *ss_namespace_workdir    (gboolean    *on_host,
                                  GError     **error);
void     ss_namespace_remove_workdir (const char *dir);
void     ss_die_with_parent      (void);

G_END_DECLS
