/* sockscope-sockdiag.c: the kernel's view of every socket in the lab.
 *
 * NETLINK_SOCK_DIAG dumps TCP and UDP (IPv4 and IPv6, with tcp_info) and
 * Unix sockets; the owner of each socket is found by matching its inode
 * against /proc/<actor>/fd.  Each dump is compared with the previous one and
 * one `state` event is written per socket that changed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <gio/gio.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockscope-lab-private.h"
#include "sockscope-trace-stats.h"

/* Kernel TCP states, numbered as in include/net/tcp_states.h. */
enum
{
  K_ESTABLISHED = 1, K_SYN_SENT, K_SYN_RECV, K_FIN_WAIT1, K_FIN_WAIT2, K_TIME_WAIT,
  K_CLOSE, K_CLOSE_WAIT, K_LAST_ACK, K_LISTEN, K_CLOSING, K_NEW_SYN_RECV,
};

/* The states every TCP dump asks for (bound-inactive sockets are left out, as ss does). */
#define TCP_STATES_MASK ((1u << (K_NEW_SYN_RECV + 1)) - 2)

const char *
ss_tcp_state_name (guint8 state)
{
  static const char *names[] = {
    [K_ESTABLISHED] = "ESTAB", [K_SYN_SENT] = "SYN-SENT", [K_SYN_RECV] = "SYN-RECV",
    [K_FIN_WAIT1] = "FIN-WAIT-1", [K_FIN_WAIT2] = "FIN-WAIT-2", [K_TIME_WAIT] = "TIME-WAIT",
    [K_CLOSE] = "UNCONN", [K_CLOSE_WAIT] = "CLOSE-WAIT", [K_LAST_ACK] = "LAST-ACK",
    [K_LISTEN] = "LISTEN", [K_CLOSING] = "CLOSING", [K_NEW_SYN_RECV] = "SYN-RECV",
  };

  if (state < G_N_ELEMENTS (names) && names[state] != NULL)
    return names[state];
  return "UNKNOWN";
}

/* States worth polling every 50 ms, and, shorter-lived, those `settle` waits for. */
static gboolean
is_transitional (guint8 state)
{
  return state == K_SYN_SENT || state == K_SYN_RECV || state == K_NEW_SYN_RECV ||
         state == K_FIN_WAIT1 || state == K_FIN_WAIT2 || state == K_LAST_ACK ||
         state == K_CLOSING || state == K_TIME_WAIT;
}

static gboolean
is_short_transitional (guint8 state)
{
  return state == K_SYN_SENT || state == K_SYN_RECV || state == K_NEW_SYN_RECV ||
         state == K_FIN_WAIT1 || state == K_LAST_ACK || state == K_CLOSING;
}

int
ss_sockdiag_open (GError **error)
{
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot open a sock_diag netlink socket: %s", g_strerror (saved));
    }
  return fd;
}

static void
entry_clear (gpointer data)
{
  SsSockEntry *e = data;

  g_clear_pointer (&e->unix_name, g_free);
}

/* IPv4 addresses are kept v4-mapped so that one tuple type serves both. */
static void
store_addr (guint8        out[16],
            int           family,
            const guint32 addr[4])
{
  /* The IPv4 wildcard is stored as all zeros, like the IPv6 one. */
  if (family == AF_INET && addr[0] == 0)
    memset (out, 0, 16);
  else if (family == AF_INET)
    {
      memset (out, 0, 10);
      out[10] = out[11] = 0xff;
      memcpy (out + 12, addr, 4);
    }
  else
    memcpy (out, addr, 16);
}

/* SK_MEMINFO: the buffer sizes (setsockopt SO_RCVBUF/SO_SNDBUF, autotuning). */
static void
read_meminfo (SsSockEntry *e,
              const void  *data,
              size_t       len)
{
  guint32 mem[SK_MEMINFO_VARS] = { 0 };

  memcpy (mem, data, MIN (len, sizeof mem));
  if (len >= (SK_MEMINFO_SNDBUF + 1) * sizeof (guint32))
    {
      e->rcvbuf = mem[SK_MEMINFO_RCVBUF];
      e->sndbuf = mem[SK_MEMINFO_SNDBUF];
    }
}

static void
parse_inet (const struct nlmsghdr *h,
            guint8                 proto,
            GArray                *entries)
{
  const struct inet_diag_msg *m = NLMSG_DATA (h);
  int len = (int) h->nlmsg_len - NLMSG_LENGTH (sizeof *m);
  SsSockEntry e = { 0 };

  if (len < 0)
    return;
  e.family = m->idiag_family;
  e.proto = proto;
  e.socktype = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
  e.state = m->idiag_state;
  e.tuple.proto = proto;
  e.tuple.lport = ntohs (m->id.idiag_sport);
  e.tuple.rport = ntohs (m->id.idiag_dport);
  store_addr (e.tuple.local, m->idiag_family, m->id.idiag_src);
  store_addr (e.tuple.remote, m->idiag_family, m->id.idiag_dst);
  e.inode = m->idiag_inode;
  e.cookie = (guint64) m->id.idiag_cookie[0] | ((guint64) m->id.idiag_cookie[1] << 32);
  e.rq = m->idiag_rqueue;
  e.wq = m->idiag_wqueue;
  e.rcv_wnd = -1;
  e.rcvbuf = e.sndbuf = -1;
  e.owner_fd = -1;

  for (struct rtattr *a = (struct rtattr *) (m + 1); RTA_OK (a, len); a = RTA_NEXT (a, len))
    {
      if (a->rta_type == INET_DIAG_SKMEMINFO)
        read_meminfo (&e, RTA_DATA (a), RTA_PAYLOAD (a));
      else if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD (a) >= 1)
        e.v6only = *(const guint8 *) RTA_DATA (a) != 0;
      else if (a->rta_type == INET_DIAG_INFO)
        {
          struct tcp_info ti = { 0 };
          size_t plen = RTA_PAYLOAD (a);
          /* tcpi_rcv_wnd follows tcpi_snd_wnd in kernels ≥ 6.7, newer than our uapi headers. */
          size_t rcv_wnd_off = G_STRUCT_OFFSET (struct tcp_info, tcpi_snd_wnd) + sizeof (guint32);

          memcpy (&ti, RTA_DATA (a), MIN (plen, sizeof ti));
          e.has_info = TRUE;
          e.rtt_us = ti.tcpi_rtt;
          e.cwnd = ti.tcpi_snd_cwnd;
          e.retrans = ti.tcpi_total_retrans;
          if (plen >= G_STRUCT_OFFSET (struct tcp_info, tcpi_snd_wnd) + sizeof (guint32))
            e.snd_wnd = ti.tcpi_snd_wnd;
          if (plen >= rcv_wnd_off + sizeof (guint32))
            {
              guint32 v;

              memcpy (&v, (const guint8 *) RTA_DATA (a) + rcv_wnd_off, sizeof v);
              e.rcv_wnd = v;
            }
        }
    }

  g_array_append_val (entries, e);
}

static void
parse_unix (const struct nlmsghdr *h,
            GArray                *entries)
{
  const struct unix_diag_msg *m = NLMSG_DATA (h);
  int len = (int) h->nlmsg_len - NLMSG_LENGTH (sizeof *m);
  SsSockEntry e = { 0 };

  if (len < 0)
    return;
  e.family = AF_UNIX;
  e.socktype = m->udiag_type;
  e.state = m->udiag_state;
  e.inode = m->udiag_ino;
  e.cookie = (guint64) m->udiag_cookie[0] | ((guint64) m->udiag_cookie[1] << 32);
  e.rcv_wnd = -1;
  e.rcvbuf = e.sndbuf = -1;
  e.owner_fd = -1;

  for (struct rtattr *a = (struct rtattr *) (m + 1); RTA_OK (a, len); a = RTA_NEXT (a, len))
    {
      size_t plen = RTA_PAYLOAD (a);

      switch (a->rta_type)
        {
        case UNIX_DIAG_NAME:
          if (plen > 0 && ((const char *) RTA_DATA (a))[0] == '\0')
            e.unix_name = g_strdup_printf ("@%.*s", (int) plen - 1, (const char *) RTA_DATA (a) + 1);
          else if (plen > 0)
            e.unix_name = g_strndup (RTA_DATA (a), plen);
          break;
        case UNIX_DIAG_PEER:
          if (plen >= sizeof (guint32))
            memcpy (&e.unix_peer, RTA_DATA (a), sizeof (guint32));
          break;
        case UNIX_DIAG_MEMINFO:
          read_meminfo (&e, RTA_DATA (a), plen);
          break;
        case UNIX_DIAG_RQLEN:
          if (plen >= sizeof (struct unix_diag_rqlen))
            {
              const struct unix_diag_rqlen *rq = RTA_DATA (a);

              e.rq = rq->udiag_rqueue;
              e.wq = rq->udiag_wqueue;
            }
          break;
        default:
          break;
        }
    }

  g_array_append_val (entries, e);
}

static gboolean
dump_one (int          fd,
          const void  *req,
          size_t       req_len,
          guint8       proto,
          GArray      *entries,
          GError     **error)
{
  static guint8 buf[65536] __attribute__ ((aligned (8)));

  if (send (fd, req, req_len, 0) < 0)
    goto failed;

  for (;;)
    {
      ssize_t n = recv (fd, buf, sizeof buf, 0);
      int left = (int) n;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto failed;

      for (const struct nlmsghdr *h = (const struct nlmsghdr *) buf; NLMSG_OK (h, left); h = NLMSG_NEXT (h, left))
        {
          if (h->nlmsg_type == NLMSG_DONE)
            return TRUE;
          if (h->nlmsg_type == NLMSG_ERROR)
            {
              const struct nlmsgerr *err = NLMSG_DATA (h);

              /* A protocol the kernel was built without has no sockets. */
              if (err->error == -ENOENT)
                return TRUE;
              errno = -err->error;
              goto failed;
            }
          if (proto == 0)
            parse_unix (h, entries);
          else
            parse_inet (h, proto, entries);
        }
    }

failed:
  {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 "sock_diag dump failed: %s", g_strerror (saved));
    return FALSE;
  }
}

GArray *
ss_sockdiag_dump (int      fd,
                  GError **error)
{
  static const struct { guint8 family, proto; } inet[] = {
    { AF_INET, IPPROTO_TCP }, { AF_INET6, IPPROTO_TCP },
    { AF_INET, IPPROTO_UDP }, { AF_INET6, IPPROTO_UDP },
  };
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (SsSockEntry));
  struct
  {
    struct nlmsghdr         nlh;
    struct unix_diag_req    r;
  } ureq = {
    .nlh = { .nlmsg_len = sizeof ureq, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
             .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
    .r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u,
           .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_MEMINFO },
  };

  gint64 t0 = g_get_monotonic_time ();

  g_array_set_clear_func (entries, entry_clear);
  ss_trace_stats.diag_dumps++;
  for (guint i = 0; i < G_N_ELEMENTS (inet); i++)
    {
      struct
      {
        struct nlmsghdr         nlh;
        struct inet_diag_req_v2 r;
      } req = {
        .nlh = { .nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
                 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
        .r = { .sdiag_family = inet[i].family, .sdiag_protocol = inet[i].proto,
               .idiag_states = inet[i].proto == IPPROTO_TCP ? TCP_STATES_MASK : ~0u,
               .idiag_ext = (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_SKMEMINFO - 1)) },
      };

      if (!dump_one (fd, &req, sizeof req, inet[i].proto, entries, error))
        return NULL;
    }

  if (!dump_one (fd, &ureq, sizeof ureq, 0, entries, error))
    return NULL;
  ss_trace_stats.diag_ns += (guint64) (g_get_monotonic_time () - t0) * 1000;
  return g_steal_pointer (&entries);
}

/* Every socket of the lab: its own namespace's, and in a two-host lab each host's, each entry
 * marked with its host (4-tuples on two hosts' lo may be equal; the ends look in the right one). */
GArray *
ss_sockdiag_dump_lab (SsLab   *lab,
                      GError **error)
{
  GArray *entries;
  gboolean all_on_hosts = lab->hosts != NULL;

  for (guint i = 0; all_on_hosts && i < lab->actors->len; i++)
    all_on_hosts = ((SsActor *) g_ptr_array_index (lab->actors, i))->host != SS_HOST_NONE;
  /* with hosts, the lesson's actors live on them: the lab's own namespace holds no socket of
   * theirs (a traced program still runs there) */
  if (all_on_hosts)
    {
      entries = g_array_new (FALSE, TRUE, sizeof (SsSockEntry));
      g_array_set_clear_func (entries, entry_clear);
    }
  else
    entries = ss_sockdiag_dump (lab->diag, error);
  for (int h = 0; entries != NULL && h < 2; h++)
    {
      g_autoptr(GArray) more = NULL;

      if (lab->host_diag[h] < 0)
        continue;
      if ((more = ss_sockdiag_dump (lab->host_diag[h], error)) == NULL)
        {
          g_array_unref (entries);
          return NULL;
        }
      for (guint i = 0; i < more->len; i++)
        {
          SsSockEntry *e = &g_array_index (more, SsSockEntry, i);

          e->host = (guint8) (SS_HOST_A + h);
          g_array_append_val (entries, *e);
          e->unix_name = NULL;   /* moved */
        }
    }
  return entries;
}

typedef struct
{
  SsActor *actor;
  int      fd;
  guint    n_holders;
  SsActor *holders[8];
  int      holder_fds[8];
} SsOwner;

/* inode → SsOwner, from /proc/<pid>/fd of every live process actor (a thread
 * actor shares its process's fd table).  After a fork, several processes
 * hold a socket: the owner is the first actor holding it (the parent), the
 * holders are all of them. */
static GHashTable *
scan_owners (SsLab *lab)
{
  GHashTable *owners = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint i = 0; i < lab->actors->len; i++)
    {
      SsActor *actor = g_ptr_array_index (lab->actors, i);
      char path[64];
      DIR *dir;
      struct dirent *de;

      if (!actor->alive || actor->thread)
        continue;
      g_snprintf (path, sizeof path, "/proc/%d/fd", (int) actor->pid);
      if ((dir = opendir (path)) == NULL)
        continue;
      while ((de = readdir (dir)) != NULL)
        {
          char link[64];
          guint64 inode;
          SsOwner *owner;
          ssize_t n;
          int fd;

          if (de->d_name[0] == '.')
            continue;
          fd = atoi (de->d_name);
          if (fd >= SS_ACTOR_CHAN_FD)
            continue;
          n = readlinkat (dirfd (dir), de->d_name, link, sizeof link - 1);
          if (n <= 0)
            continue;
          link[n] = '\0';
          if (sscanf (link, "socket:[%" G_GUINT64_FORMAT "]", &inode) != 1)
            continue;
          owner = g_hash_table_lookup (owners, &inode);
          if (owner == NULL)
            {
              owner = g_new0 (SsOwner, 1);
              owner->actor = actor;
              owner->fd = fd;
              g_hash_table_insert (owners, g_memdup2 (&inode, sizeof inode), owner);
            }
          else if (owner->actor == actor && fd < owner->fd)
            owner->fd = fd;
          if ((owner->n_holders == 0 || owner->holders[owner->n_holders - 1] != actor) &&
              owner->n_holders < G_N_ELEMENTS (owner->holders))
            {
              owner->holder_fds[owner->n_holders] = fd;
              owner->holders[owner->n_holders++] = actor;
            }
          else if (owner->holders[owner->n_holders - 1] == actor && fd < owner->holder_fds[owner->n_holders - 1])
            owner->holder_fds[owner->n_holders - 1] = fd;
        }
      closedir (dir);
    }
  return owners;
}

static void
append_endpoint (GString       *s,
                 int            family,
                 const guint8   addr[16],
                 guint16        port)
{
  static const guint8 zero[16], v4_any[16] = { [10] = 0xff, [11] = 0xff };
  char host[INET6_ADDRSTRLEN];

  if (memcmp (addr, zero, 16) == 0 || memcmp (addr, v4_any, 16) == 0)
    g_string_append_c (s, '*');
  else if (family == AF_INET)
    g_string_append (s, inet_ntop (AF_INET, addr + 12, host, sizeof host));
  else
    g_string_append_printf (s, "[%s]", inet_ntop (AF_INET6, addr, host, sizeof host));
  if (port == 0)
    g_string_append (s, ":*");
  else
    g_string_append_printf (s, ":%u", port);
}

static const char *
unix_name_of (GArray  *entries,
              guint32  inode)
{
  for (guint i = 0; inode != 0 && i < entries->len; i++)
    {
      const SsSockEntry *e = &g_array_index (entries, SsSockEntry, i);

      if (e->family == AF_UNIX && e->inode == inode)
        return e->unix_name;
    }
  return NULL;
}

static void
emit_state (SsLab             *lab,
            const SsSockEntry *e,
            GArray            *entries,
            gboolean           closed)
{
  GString *out = lab->out;
  const char *socktype = e->socktype == SOCK_STREAM ? "stream"
                         : e->socktype == SOCK_DGRAM ? "dgram"
                         : e->socktype == SOCK_SEQPACKET ? "seqpacket" : "raw";

  ss_lab_event_begin (lab, ss_now_ns (), "state", lab->step);
  g_string_append (out, ",\"actor\":");
  if (e->owner != NULL && !closed)
    ss_json_append_string (out, e->owner->name, -1);
  else
    g_string_append (out, "null");
  if (e->owner != NULL && !closed)
    g_string_append_printf (out, ",\"fd\":%d", e->owner_fd);
  else
    g_string_append (out, ",\"fd\":null");
  if (e->inode != 0)
    g_string_append_printf (out, ",\"inode\":%" G_GUINT64_FORMAT, e->inode);
  else
    g_string_append (out, ",\"inode\":null");
  g_string_append_printf (out, ",\"sock\":%" G_GUINT64_FORMAT, e->id);
  if (e->host != SS_HOST_NONE)
    g_string_append_printf (out, ",\"host\":\"%s\"", ss_host_name (e->host));
  if ((e->owner == NULL || closed) && e->last_actor != NULL)
    {
      g_string_append (out, ",\"last_actor\":");
      ss_json_append_string (out, e->last_actor->name, -1);
      g_string_append_printf (out, ",\"last_fd\":%d", e->last_fd);
    }
  g_string_append_printf (out, ",\"family\":\"%s\",\"socktype\":\"%s\",\"proto\":",
                          e->family == AF_INET ? "inet" : e->family == AF_INET6 ? "inet6" : "unix",
                          socktype);
  if (e->family == AF_UNIX)
    {
      const char *peer = unix_name_of (entries, e->unix_peer);

      g_string_append (out, "null,\"local\":");
      ss_json_append_string (out, e->unix_name ? e->unix_name : "*", -1);
      g_string_append (out, ",\"peer\":");
      ss_json_append_string (out, peer ? peer : "*", -1);
    }
  else
    {
      g_string_append (out, e->proto == IPPROTO_TCP ? "\"tcp\",\"local\":\"" : "\"udp\",\"local\":\"");
      append_endpoint (out, e->family, e->tuple.local, e->tuple.lport);
      g_string_append (out, "\",\"peer\":\"");
      append_endpoint (out, e->family, e->tuple.remote, e->tuple.rport);
      g_string_append_c (out, '"');
      if (e->family == AF_INET6)
        g_string_append_printf (out, ",\"v6only\":%s", e->v6only ? "true" : "false");
    }
  g_string_append (out, ",\"holders\":[");
  for (guint i = 0; !closed && i < e->n_holders; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      ss_json_append_string (out, e->holders[i]->name, -1);
    }
  g_string_append_c (out, ']');
  g_string_append_printf (out, ",\"state\":\"%s\",\"recv_q\":%u,\"send_q\":%u",
                          closed ? "CLOSED" : e->family == AF_UNIX && e->state == K_CLOSE
                                                ? "UNCONN" : ss_tcp_state_name (e->state),
                          closed ? 0 : e->rq, closed ? 0 : e->wq);
  if (e->rcvbuf >= 0 && !closed)
    g_string_append_printf (out, ",\"rcvbuf\":%" G_GINT64_FORMAT ",\"sndbuf\":%" G_GINT64_FORMAT,
                            e->rcvbuf, e->sndbuf);
  if (e->proto == IPPROTO_TCP)
    {
      if (e->has_info && !closed)
        {
          g_string_append_printf (out, ",\"tcp\":{\"rtt_us\":%u,\"cwnd\":%u,\"retransmits\":%u,"
                                  "\"snd_wnd\":%u,\"rcv_wnd\":",
                                  e->rtt_us, e->cwnd, e->retrans, e->snd_wnd);
          if (e->rcv_wnd >= 0)
            g_string_append_printf (out, "%" G_GINT64_FORMAT "}", e->rcv_wnd);
          else
            g_string_append (out, "null}");
        }
      else
        g_string_append (out, ",\"tcp\":null");
    }
  ss_lab_event_end (lab);
}

static gboolean
entry_changed (const SsSockEntry *a,
               const SsSockEntry *b)
{
  return a->state != b->state || a->rq != b->rq || a->wq != b->wq ||
         a->owner != b->owner || a->owner_fd != b->owner_fd ||
         a->n_holders != b->n_holders || memcmp (a->holders, b->holders, sizeof a->holders) != 0 ||
         a->rcvbuf != b->rcvbuf || a->sndbuf != b->sndbuf ||
         a->retrans != b->retrans || a->inode != b->inode ||
         memcmp (&a->tuple, &b->tuple, sizeof a->tuple) != 0 ||
         g_strcmp0 (a->unix_name, b->unix_name) != 0 || a->unix_peer != b->unix_peer;
}

/* The kernel replaces a closing socket by a time-wait one (a new cookie):
 * for the learner it is the same connection. */
static gboolean
same_connection (const SsSockEntry *a,
                 const SsSockEntry *b)
{
  return a->proto == IPPROTO_TCP && b->proto == IPPROTO_TCP && a->host == b->host &&
         a->tuple.lport != 0 && a->tuple.rport != 0 &&
         memcmp (&a->tuple, &b->tuple, sizeof a->tuple) == 0;
}

static gboolean
was_reported (SsLab             *lab,
              const SsSockEntry *e)
{
  for (guint i = 0; lab->states != NULL && i < lab->states->len; i++)
    if (g_array_index (lab->states, SsSockEntry, i).cookie == e->cookie)
      return TRUE;
  return FALSE;
}

/* The entries of a dump with the actors holding each socket; Unix sockets of the namespace
 * include the lab's own channels: only those an actor holds (or held, to report them closed)
 * are kept. */
static GArray *
with_owners (SsLab  *lab,
             GArray *entries)
{
  g_autoptr(GHashTable) owners = scan_owners (lab);
  GArray *kept = g_array_new (FALSE, TRUE, sizeof (SsSockEntry));

  g_array_set_clear_func (kept, entry_clear);
  for (guint i = 0; i < entries->len; i++)
    {
      SsSockEntry *e = &g_array_index (entries, SsSockEntry, i);
      SsOwner *owner = e->inode ? g_hash_table_lookup (owners, &e->inode) : NULL;

      if (owner != NULL)
        {
          e->owner = owner->actor;
          e->owner_fd = owner->fd;
          e->n_holders = owner->n_holders;
          memcpy (e->holders, owner->holders, sizeof e->holders);
          memcpy (e->holder_fds, owner->holder_fds, sizeof e->holder_fds);
        }
      if (e->family == AF_UNIX && owner == NULL && !was_reported (lab, e))
        {
          entry_clear (e);
          continue;
        }
      g_array_append_val (kept, *e);
      e->unix_name = NULL;
    }
  return kept;
}

/* Who held a socket last: its holders now, else whoever held the entry it follows. */
static void
follow (SsLab             *lab,
        SsSockEntry       *e,
        const SsSockEntry *old)
{
  e->id = old != NULL ? old->id : ++lab->next_sock_id;
  if (e->owner != NULL)
    {
      e->last_actor = e->owner;
      e->last_fd = e->owner_fd;
    }
  else if (old != NULL)
    {
      e->last_actor = old->last_actor;
      e->last_fd = old->last_fd;
    }
}

void
ss_sockdiag_refresh (SsLab *lab)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) entries = ss_sockdiag_dump_lab (lab, &error);
  g_autoptr(GArray) kept = NULL;
  g_autofree gboolean *old_matched = NULL;
  g_autofree gint *match = NULL;
  guint n_old = lab->states ? lab->states->len : 0;
  gboolean transitional = FALSE;
  gint64 now = g_get_monotonic_time ();

  lab->last_refresh = now;
  lab->states_stale = FALSE;
  if (entries == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }

  kept = with_owners (lab, entries);
  ss_cause_learn (lab, kept);

  old_matched = g_new0 (gboolean, n_old + 1);
  match = g_new (gint, kept->len + 1);
  for (guint i = 0; i < kept->len; i++)
    {
      const SsSockEntry *e = &g_array_index (kept, SsSockEntry, i);

      match[i] = -1;
      for (guint j = 0; j < n_old; j++)
        if (!old_matched[j] && g_array_index (lab->states, SsSockEntry, j).cookie == e->cookie)
          {
            match[i] = (gint) j;
            old_matched[j] = TRUE;
            break;
          }
    }
  for (guint i = 0; i < kept->len; i++)
    {
      const SsSockEntry *e = &g_array_index (kept, SsSockEntry, i);

      for (guint j = 0; match[i] < 0 && j < n_old; j++)
        if (!old_matched[j] && same_connection (&g_array_index (lab->states, SsSockEntry, j), e))
          {
            match[i] = (gint) j;
            old_matched[j] = TRUE;
          }
    }

  for (guint i = 0; i < kept->len; i++)
    follow (lab, &g_array_index (kept, SsSockEntry, i),
            match[i] >= 0 ? &g_array_index (lab->states, SsSockEntry, match[i]) : NULL);

  for (guint j = 0; j < n_old; j++)
    if (!old_matched[j])
      {
        SsSockEntry gone = g_array_index (lab->states, SsSockEntry, j);

        emit_state (lab, &gone, lab->states, TRUE);
        /* A connection gone from the kernel's tables may still have packets in the capture
         * queue (the FIN of an exit): they belong to whoever held it last. */
        if (gone.family == AF_UNIX)
          continue;
        gone.unix_name = NULL;
        if (lab->gone == NULL)
          lab->gone = g_array_new (FALSE, FALSE, sizeof (SsSockEntry));
        if (lab->gone->len >= 64)
          g_array_remove_index (lab->gone, 0);
        g_array_append_val (lab->gone, gone);
      }

  lab->settle_busy = FALSE;
  for (guint i = 0; i < kept->len; i++)
    {
      const SsSockEntry *e = &g_array_index (kept, SsSockEntry, i);

      if (match[i] < 0 || entry_changed (&g_array_index (lab->states, SsSockEntry, match[i]), e))
        emit_state (lab, e, kept, FALSE);
      if (e->family != AF_UNIX && is_transitional (e->state))
        transitional = TRUE;
      if (e->family != AF_UNIX && is_short_transitional (e->state))
        lab->settle_busy = TRUE;
    }

  g_clear_pointer (&lab->states, g_array_unref);
  lab->states = g_steal_pointer (&kept);
  lab->next_poll = transitional ? now + 50 * G_TIME_SPAN_MILLISECOND : 0;
}

/* A packet from an endpoint the lab has not seen yet: learn the sockets'
 * addresses without reporting states (that happens after the call). */
void
ss_sockdiag_learn (SsLab *lab)
{
  g_autoptr(GArray) entries = ss_sockdiag_dump_lab (lab, NULL);

  if (entries != NULL)
    ss_cause_learn (lab, entries);
}

/* The sockets now, with their holders, reported nowhere: the lab reads it to attribute a
 * packet from an endpoint that appeared since the last refresh (ss_ends_attribute). */
GArray *
ss_sockdiag_snapshot (SsLab *lab)
{
  g_autoptr(GArray) entries = ss_sockdiag_dump_lab (lab, NULL);

  return entries != NULL ? with_owners (lab, entries) : NULL;
}
