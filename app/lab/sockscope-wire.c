/* sockscope-wire.c: the lab's two hosts and its wire (docs/LAB-PROTOCOL.md, `hosts`, `wire`).
 *
 * `hosts` makes hosts a and b (sockscope-hosts.c), opens a capture on each host's lo and a
 * sock_diag socket in each (so ends, causes and states see the sockets of both), names them in
 * the lab's /etc/hosts, and forks the forwarder (sockscope-wire-fwd.c). The forwarder reports
 * every frame it reads and every decision; both go into the capture's queue, in the order they
 * came, so a frame becomes its `packet` event (with `wire`: "a>b") before its decisions become
 * `wire` events naming that packet's seq. The main loop stays the one place that writes the log.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sockscope-lab-private.h"
#include "sockscope-wire-fwd.h"

#define HOSTS_FILE "/tmp/.sockscope-etc/hosts"

void
ss_wire_init (SsLab *lab)
{
  lab->wire_ctl = -1;
  lab->host_diag[0] = lab->host_diag[1] = -1;
  lab->host_pcap_fd[0] = lab->host_pcap_fd[1] = -1;
  for (int i = 0; i < SS_N_SRC; i++)
    lab->cap_source[i] = (SsCapSource) { lab, i };
  ss_wire_config_init (&lab->wire);
}

const char *
ss_host_name (guint8 host)
{
  return host == SS_HOST_A ? "a" : host == SS_HOST_B ? "b" : NULL;
}

gboolean
ss_wire_enter_host (SsLab  *lab,
                    guint8  host)
{
  return lab->hosts != NULL && (host == SS_HOST_A || host == SS_HOST_B)
         && ss_hosts_enter (lab->hosts, host - 1);
}

static gboolean
valid_host_name (const char *name)
{
  gsize len = name ? strlen (name) : 0;

  if (len == 0 || len > 63 || name[0] == '-' || name[len - 1] == '-')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return g_ascii_strcasecmp (name, "localhost") != 0;
}

/* The lab's /etc/hosts (bound over /etc/hosts for the actors, sockscope-namespace.c) gains the
 * hosts' names. Written in place: the bind mount holds the file, not its name. */
static void
write_hosts_file (SsLab *lab)
{
  g_autofree char *text = g_strdup_printf (
    "# Sockscope lab: the only names there are.\n"
    "127.0.0.1\tlocalhost server.lab client.lab www.lab\n"
    "::1\tlocalhost ip6-localhost server6.lab\n"
    "192.0.2.1\t%s\n"
    "192.0.2.2\t%s\n"
    "2001:db8::1\t%s\n"
    "2001:db8::2\t%s\n",
    lab->host_names[0], lab->host_names[1], lab->host_names[0], lab->host_names[1]);
  int fd = open (HOSTS_FILE, O_WRONLY | O_TRUNC | O_CLOEXEC);

  if (fd < 0)
    return; /* no lab /etc/hosts (a host /tmp): names do not resolve, addresses do */
  (void) !write (fd, text, strlen (text));
  close (fd);
}

static gboolean
start_forwarder (SsLab   *lab,
                 GError **error)
{
  int sv[2], size = 8 * 1024 * 1024;
  pid_t pid;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    goto failed;
  setsockopt (sv[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt (sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  pid = fork ();
  if (pid < 0)
    {
      close (sv[0]);
      close (sv[1]);
      goto failed;
    }
  if (pid == 0)
    {
      ss_die_with_parent ();
      if (dup2 (sv[1], 3) < 0)
        _exit (127);
      close_range (4, ~0u, 0);
      _exit (ss_wire_forwarder_run (lab->hosts->wire_ifindex, 3));
    }
  close (sv[1]);
  lab->wire_ctl = sv[0];
  lab->wire_pid = pid;
  /* the hosts command answers once the wire carries frames */
  {
    struct pollfd p = { .fd = sv[0], .events = POLLIN };
    SsWireStats ready;

    if (poll (&p, 1, 10000) != 1 || recv (sv[0], &ready, sizeof ready, 0) != sizeof ready
        || ready.kind != SS_WIRE_MSG_STATS)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "the wire did not start (its packet sockets on wire-a and wire-b)");
        return FALSE;
      }
  }
  fcntl (sv[0], F_SETFL, O_NONBLOCK);
  return TRUE;

failed:
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot start the wire: %s",
               g_strerror (errno));
  return FALSE;
}

/* In each host: a capture on its lo, a sock_diag socket. */
static gboolean
open_in_hosts (SsLab   *lab,
               GError **error)
{
  int home = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  gboolean ok = home >= 0;

  for (int h = 0; ok && h < 2; h++)
    {
      ok = ss_hosts_enter (lab->hosts, h)
           && (lab->host_pcap[h] = ss_capture_open_host (lab, error)) != NULL
           && (lab->host_diag[h] = ss_sockdiag_open (error)) >= 0;
      if (lab->host_pcap[h] != NULL)
        lab->host_pcap_fd[h] = pcap_get_selectable_fd (lab->host_pcap[h]);
      if (setns (home, CLONE_NEWNET) != 0)
        ok = FALSE;
    }
  if (home >= 0)
    close (home);
  if (!ok && error != NULL && *error == NULL)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot enter a host: %s",
                 g_strerror (errno));
  return ok;
}

void
ss_wire_cmd_hosts (SsLab  *lab,
                   gint64  id,
                   void   *cmd_)
{
  JsonObject *cmd = cmd_;
  g_autoptr(GError) error = NULL;
  const char *names[2];
  char err[256];

  for (int h = 0; h < 2; h++)
    {
      const char *key = h == 0 ? "a" : "b";

      JsonNode *node = json_object_get_member (cmd, key);

      names[h] = node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                 ? json_node_get_string (node) : (h == 0 ? "alice" : "bob");
      if (!valid_host_name (names[h]))
        return ss_lab_reply_error (lab, id, "host %s's name '%s' is not a host name (letters, digits, '-' and '.')",
                                   key, names[h] ? names[h] : "");
    }
  if (g_ascii_strcasecmp (names[0], names[1]) == 0)
    return ss_lab_reply_error (lab, id, "hosts a and b need two names, not '%s' twice", names[0]);
  if (lab->hosts != NULL)
    return ss_lab_reply_error (lab, id, "the hosts exist already");
  if (lab->actors->len > 0)
    return ss_lab_reply_error (lab, id, "hosts comes before any actor");

  lab->hosts = g_new0 (SsHostsNet, 1);
  if (!ss_hosts_create (lab->hosts, "wire", lab->wire.mtu, err, sizeof err))
    {
      g_clear_pointer (&lab->hosts, g_free);
      return ss_lab_reply_error (lab, id, "%s", err);
    }
  if (!open_in_hosts (lab, &error) || !start_forwarder (lab, &error))
    {
      ss_lab_reply_error (lab, id, "%s", error->message);
      ss_wire_shutdown (lab);
      return;
    }
  for (int h = 0; h < 2; h++)
    lab->host_names[h] = g_strdup (names[h]);
  lab->wire_seq = g_new0 (guint64, SS_WIRE_MAP * 3);
  write_hosts_file (lab);
  ss_lab_reply_begin (lab, "ok", id);
  g_string_append (lab->out, "}\n");
}

void
ss_wire_cmd_wire (SsLab  *lab,
                  gint64  id,
                  void   *cmd_)
{
  JsonObject *cmd = cmd_;
  JsonNode *spec_node = json_object_get_member (cmd, "spec");
  const char *spec = spec_node != NULL && JSON_NODE_HOLDS_VALUE (spec_node)
                     && json_node_get_value_type (spec_node) == G_TYPE_STRING ? json_node_get_string (spec_node) : NULL;
  JsonNode *step_node = json_object_get_member (cmd, "step");
  gint64 step = step_node != NULL && JSON_NODE_HOLDS_VALUE (step_node)
                && json_node_get_value_type (step_node) == G_TYPE_INT64 ? json_node_get_int (step_node) : -1;
  SsWireConfig next = lab->wire;
  g_autofree char *msg = NULL;
  char err[256];

  if (lab->hosts == NULL)
    return ss_lab_reply_error (lab, id, "the wire joins two hosts: send the hosts command first");
  if (spec == NULL)
    return ss_lab_reply_error (lab, id, "wire needs a spec, such as \"loss=20%%\"");
  if (!ss_wire_spec_apply (&next, spec, err, sizeof err))
    return ss_lab_reply_error (lab, id, "%s", err);
  if (next.mtu_changed && !ss_hosts_set_mtu (lab->hosts, next.mtu, err, sizeof err))
    return ss_lab_reply_error (lab, id, "%s", err);
  next.mtu_changed = next.seed_changed = FALSE;
  lab->wire = next;
  if (step >= 0)
    lab->step = step;

  msg = g_strconcat ("S", spec, NULL);
  if (send (lab->wire_ctl, msg, strlen (msg), MSG_NOSIGNAL) < 0)
    return ss_lab_reply_error (lab, id, "the wire is gone: %s", g_strerror (errno));
  /* the rule is in force before the reply: the forwarder answers the sync after it, so the
   * frames of the calls that follow are decided by it (a frame the forwarder read in the same
   * wake-up as the command could be decided by the rule before) */
  ss_wire_sync (lab);

  ss_lab_event_begin (lab, ss_now_ns (), "wire", lab->step);
  g_string_append (lab->out, ",\"action\":\"set\",\"spec\":");
  ss_json_append_string (lab->out, spec, -1);
  ss_lab_event_end (lab);
  ss_lab_reply_begin (lab, "ok", id);
  g_string_append (lab->out, "}\n");
}

/* One message of the forwarder: frames and decisions into the capture's queue. Returns the
 * number of a SYNC it answers, else 0. */
static guint64
take_message (SsLab        *lab,
              const guint8 *buf,
              gsize         n)
{
  SsWireMsg m;

  if (n < sizeof m)
    return 0;
  memcpy (&m, buf, sizeof m);
  if (m.kind == SS_WIRE_MSG_FRAME || m.kind == SS_WIRE_MSG_DECISION || m.kind == SS_WIRE_MSG_IDLE
      || m.kind == SS_WIRE_MSG_SYNC)
    lab->wire_queued = m.queued;
  if (m.kind == SS_WIRE_MSG_FRAME && n >= sizeof m + m.len)
    ss_capture_enqueue (lab, m.dir == SS_WIRE_B_TO_A ? SS_SRC_WIRE_BA : SS_SRC_WIRE_AB, m.id, m.t_ns,
                        m.len, m.len, buf + sizeof m);
  else if (m.kind == SS_WIRE_MSG_DECISION)
    ss_capture_enqueue (lab, SS_SRC_DECISION, m.id, m.t_ns, sizeof m, sizeof m, buf);
  else if (m.kind == SS_WIRE_MSG_SYNC)
    return m.id;
  return 0;
}

static guint8 wire_buf[sizeof (SsWireMsg) + SS_WIRE_MTU_MAX + 64];

/* Everything the forwarder said, into the capture's queue. */
void
ss_wire_read (SsLab *lab)
{
  ssize_t n;

  if (lab->wire_ctl < 0)
    return;
  while ((n = recv (lab->wire_ctl, wire_buf, sizeof wire_buf, MSG_DONTWAIT)) > 0)
    take_message (lab, wire_buf, (gsize) n);
}

/* Before a call's return is logged: every frame the forwarder can read now (those the call
 * sent) is in the queue, as libpcap's ring has the frames on lo. One round trip to the
 * forwarder, at most 100 ms. */
void
ss_wire_sync (SsLab *lab)
{
  static guint64 number;
  char req[9] = "Y";
  gint64 deadline;

  if (lab->wire_ctl < 0)
    return;
  number++;
  memcpy (req + 1, &number, sizeof number);
  if (send (lab->wire_ctl, req, sizeof req, MSG_NOSIGNAL) < 0)
    return;
  deadline = g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND;
  for (;;)
    {
      struct pollfd p = { .fd = lab->wire_ctl, .events = POLLIN };
      gint64 left = deadline - g_get_monotonic_time ();
      ssize_t n;

      if (left <= 0 || poll (&p, 1, (int) ((left + 999) / 1000)) <= 0)
        return;
      while ((n = recv (lab->wire_ctl, wire_buf, sizeof wire_buf, MSG_DONTWAIT)) > 0)
        if (take_message (lab, wire_buf, (gsize) n) == number)
          return;
    }
}

void
ss_wire_note_packet (SsLab   *lab,
                     guint64  frame_id,
                     guint64  seq,
                     guint64  n)
{
  guint64 *slot = &lab->wire_seq[(frame_id % SS_WIRE_MAP) * 3];

  slot[0] = frame_id;
  slot[1] = seq;
  slot[2] = n;
}

static const guint64 *
packet_of (SsLab   *lab,
           guint64  frame_id)
{
  const guint64 *slot = &lab->wire_seq[(frame_id % SS_WIRE_MAP) * 3];

  return frame_id != 0 && slot[0] == frame_id ? slot : NULL;
}

void
ss_wire_emit_decision (SsLab        *lab,
                       const guint8 *bytes,
                       gsize         len)
{
  static const char *const actions[] = { NULL, "drop", "delay", "duplicate", "reorder" };
  const guint64 *packet, *behind = NULL;
  SsWireMsg m;
  GString *out = lab->out;

  if (len < sizeof m)
    return;
  memcpy (&m, bytes, sizeof m);
  m.rule[sizeof m.rule - 1] = '\0';
  /* its frame's report was lost (the lab fell behind): nothing to name */
  if (m.action < 1 || m.action > 4 || (packet = packet_of (lab, m.id)) == NULL)
    return;
  if (m.action == SS_WIRE_ACT_REORDER)
    behind = packet_of (lab, m.behind);

  ss_lab_event_begin (lab, ss_now_ns (), "wire", lab->step);
  g_string_append_printf (out, ",\"action\":\"%s\",\"packet\":%" G_GUINT64_FORMAT ",\"n\":%" G_GUINT64_FORMAT
                          ",\"dir\":\"%s\",\"rule\":",
                          actions[m.action], packet[1], packet[2], ss_wire_dir_name ((SsWireDir) m.dir));
  ss_json_append_string (out, m.rule, -1);
  if (m.action != SS_WIRE_ACT_DROP)
    g_string_append_printf (out, ",\"delay_ns\":%" G_GUINT64_FORMAT, m.delay_ns);
  if (behind != NULL)
    g_string_append_printf (out, ",\"behind\":%" G_GUINT64_FORMAT, behind[1]);
  ss_lab_event_end (lab);
}

void
ss_wire_shutdown (SsLab *lab)
{
  if (lab->wire_pid > 0)
    {
      kill (lab->wire_pid, SIGKILL);
      while (waitpid (lab->wire_pid, NULL, 0) < 0 && errno == EINTR)
        ;
      lab->wire_pid = 0;
    }
  if (lab->wire_ctl >= 0)
    close (lab->wire_ctl);
  lab->wire_ctl = -1;
  for (int h = 0; h < 2; h++)
    {
      g_clear_pointer (&lab->host_pcap[h], pcap_close);
      lab->host_pcap_fd[h] = -1;
      if (lab->host_diag[h] >= 0)
        close (lab->host_diag[h]);
      lab->host_diag[h] = -1;
      g_clear_pointer (&lab->host_names[h], g_free);
    }
  if (lab->hosts != NULL)
    ss_hosts_close (lab->hosts);
  g_clear_pointer (&lab->hosts, g_free);
  g_clear_pointer (&lab->wire_seq, g_free);
}
