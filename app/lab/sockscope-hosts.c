/* sockscope-hosts.c: two hosts inside the lab (see sockscope-hosts.h).
 *
 * Only what rtnetlink must do is done with it (a veth pair whose peer is born in the host's
 * namespace, addresses, neighbours); the rest with the classic ioctls, as for the lab's lo.
 */
#include "sockscope-hosts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static bool fail (char *err, size_t err_len, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static bool
fail (char *err, size_t err_len, const char *fmt, ...)
{
  va_list ap;
  int saved = errno;

  if (err != NULL && err_len > 0)
    {
      va_start (ap, fmt);
      vsnprintf (err, err_len, fmt, ap);
      va_end (ap);
    }
  errno = saved;
  return false;
}

/* ---- a netlink request, built in one buffer ---- */

typedef struct
{
  struct nlmsghdr *h;
  char buf[1024];
} NlReq;

static void *
nl_begin (NlReq *r, uint16_t type, uint16_t flags, size_t body)
{
  memset (r->buf, 0, sizeof r->buf);
  r->h = (struct nlmsghdr *) r->buf;
  r->h->nlmsg_type = type;
  r->h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  r->h->nlmsg_len = NLMSG_LENGTH (body);
  return NLMSG_DATA (r->h);
}

static struct rtattr *
nl_attr (NlReq *r, uint16_t type, const void *data, size_t len)
{
  struct rtattr *a = (struct rtattr *) (r->buf + NLMSG_ALIGN (r->h->nlmsg_len));

  a->rta_type = type;
  a->rta_len = (unsigned short) RTA_LENGTH (len);
  if (len > 0)
    memcpy (RTA_DATA (a), data, len);
  r->h->nlmsg_len = NLMSG_ALIGN (r->h->nlmsg_len) + RTA_ALIGN (a->rta_len);
  return a;
}

static void
nl_nest_end (NlReq *r, struct rtattr *nest)
{
  nest->rta_len = (unsigned short) (r->buf + r->h->nlmsg_len - (char *) nest);
}

/* Sends the request on a fresh rtnetlink socket of the calling thread's namespace and reads
 * the kernel's answer. */
static int
nl_talk (NlReq *r)
{
  char reply[4096];
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  ssize_t n;
  int rc = -EIO;

  if (fd < 0)
    return -errno;
  r->h->nlmsg_seq = 1;
  if (sendto (fd, r->buf, r->h->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
    rc = -errno;
  else if ((n = recv (fd, reply, sizeof reply, 0)) > 0)
    {
      struct nlmsghdr *h = (struct nlmsghdr *) reply;

      if (NLMSG_OK (h, (size_t) n) && h->nlmsg_type == NLMSG_ERROR)
        rc = ((struct nlmsgerr *) NLMSG_DATA (h))->error;
    }
  close (fd);
  return rc;
}

/* ---- ioctls ---- */

static void
ethtool_off (int fd, const char *ifname, uint32_t cmd)
{
  struct ethtool_value value = { .cmd = cmd, .data = 0 };
  struct ifreq ifr = { 0 };

  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  ifr.ifr_data = (void *) &value;
  (void) ioctl (fd, SIOCETHTOOL, &ifr); /* an offload the device lacks is off already */
}

/* MTU (0: unchanged), offloads off, up. */
static bool
link_setup (const char *ifname, unsigned mtu)
{
  struct ifreq ifr = { 0 };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0;

  if (!ok)
    return false;
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  if (mtu > 0)
    {
      ifr.ifr_mtu = (int) mtu;
      ok = ioctl (fd, SIOCSIFMTU, &ifr) == 0;
    }
  ethtool_off (fd, ifname, ETHTOOL_STSO);
  ethtool_off (fd, ifname, ETHTOOL_SGSO);
  ethtool_off (fd, ifname, ETHTOOL_SGRO);
  ethtool_off (fd, ifname, ETHTOOL_STXCSUM);
  ethtool_off (fd, ifname, ETHTOOL_SSG);
  ethtool_off (fd, ifname, ETHTOOL_SRXCSUM);
  memset (&ifr, 0, sizeof ifr);
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  ok = ok && ioctl (fd, SIOCGIFFLAGS, &ifr) == 0;
  if (ok)
    {
      ifr.ifr_flags |= IFF_UP;
      ok = ioctl (fd, SIOCSIFFLAGS, &ifr) == 0;
    }
  close (fd);
  return ok;
}

static bool
link_mac (const char *ifname, uint8_t mac[6])
{
  struct ifreq ifr = { 0 };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  bool ok;

  if (fd < 0)
    return false;
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  ok = ioctl (fd, SIOCGIFHWADDR, &ifr) == 0;
  if (ok)
    memcpy (mac, ifr.ifr_hwaddr.sa_data, 6);
  close (fd);
  return ok;
}

static void
write_sysctl (const char *path, const char *value)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);

  if (fd >= 0)
    {
      (void) !write (fd, value, strlen (value));
      close (fd);
    }
}

/* IPv6 as a point-to-point wire wants it: addresses usable at once, no link-local address,
 * no router solicitation. Written for `default` before eth0 exists, so eth0 is born so. */
static void
quiet_ipv6 (void)
{
  static const char *const confs[] = { "all", "default" };

  for (size_t i = 0; i < 2; i++)
    {
      char path[96];

      snprintf (path, sizeof path, "/proc/sys/net/ipv6/conf/%s/accept_dad", confs[i]);
      write_sysctl (path, "0");
      snprintf (path, sizeof path, "/proc/sys/net/ipv6/conf/%s/addr_gen_mode", confs[i]);
      write_sysctl (path, "1");
      snprintf (path, sizeof path, "/proc/sys/net/ipv6/conf/%s/router_solicitations", confs[i]);
      write_sysctl (path, "0");
      snprintf (path, sizeof path, "/proc/sys/net/ipv6/conf/%s/accept_ra", confs[i]);
      write_sysctl (path, "0");
    }
}

static bool
lo_up (void)
{
  struct ifreq ifr = { 0 };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  bool ok;

  if (fd < 0)
    return false;
  /* like the lab's own lo (sockscope-namespace.c): an Ethernet-sized MTU, offloads off */
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  ifr.ifr_mtu = 1500;
  ok = ioctl (fd, SIOCSIFMTU, &ifr) == 0;
  close (fd);
  return ok && link_setup ("lo", 0);
}

static bool
add_addr (int ifindex, int family, const char *text, unsigned prefix)
{
  NlReq r;
  struct ifaddrmsg *ifa = nl_begin (&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, sizeof *ifa);
  uint8_t addr[16];
  uint32_t flags = IFA_F_NODAD | IFA_F_PERMANENT;

  if (inet_pton (family, text, addr) != 1)
    return false;
  ifa->ifa_family = (uint8_t) family;
  ifa->ifa_prefixlen = (uint8_t) prefix;
  ifa->ifa_index = (unsigned) ifindex;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_flags = IFA_F_NODAD | IFA_F_PERMANENT;
  nl_attr (&r, IFA_LOCAL, addr, family == AF_INET ? 4 : 16);
  nl_attr (&r, IFA_ADDRESS, addr, family == AF_INET ? 4 : 16);
  nl_attr (&r, IFA_FLAGS, &flags, sizeof flags);
  return nl_talk (&r) == 0;
}

static bool
add_neigh (int ifindex, int family, const char *text, const uint8_t mac[6])
{
  NlReq r;
  struct ndmsg *nd = nl_begin (&r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, sizeof *nd);
  uint8_t addr[16];

  if (inet_pton (family, text, addr) != 1)
    return false;
  nd->ndm_family = (uint8_t) family;
  nd->ndm_ifindex = ifindex;
  nd->ndm_state = NUD_PERMANENT;
  nl_attr (&r, NDA_DST, addr, family == AF_INET ? 4 : 16);
  nl_attr (&r, NDA_LLADDR, mac, 6);
  return nl_talk (&r) == 0;
}

/* wire-X here, eth0 born in the host's namespace */
static int
add_veth (const char *name, int peer_ns_fd)
{
  NlReq r;
  struct ifinfomsg *ifi = nl_begin (&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
  struct rtattr *linkinfo, *data, *peer;
  struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
  uint32_t fd = (uint32_t) peer_ns_fd;

  ifi->ifi_family = AF_UNSPEC;
  nl_attr (&r, IFLA_IFNAME, name, strlen (name) + 1);
  linkinfo = nl_attr (&r, IFLA_LINKINFO, NULL, 0);
  nl_attr (&r, IFLA_INFO_KIND, "veth", 5);
  data = nl_attr (&r, IFLA_INFO_DATA, NULL, 0);
  peer = nl_attr (&r, VETH_INFO_PEER, &peer_ifi, sizeof peer_ifi);
  nl_attr (&r, IFLA_IFNAME, "eth0", 5);
  nl_attr (&r, IFLA_NET_NS_FD, &fd, sizeof fd);
  nl_nest_end (&r, peer);
  nl_nest_end (&r, data);
  nl_nest_end (&r, linkinfo);
  return nl_talk (&r);
}

bool
ss_hosts_enter (const SsHostsNet *net, int h)
{
  return setns (net->ns_fd[h], CLONE_NEWNET) == 0;
}

bool
ss_hosts_create (SsHostsNet *net, const char *prefix, unsigned mtu, char *err, size_t err_len)
{
  static const char *const v4[2] = { "192.0.2.1", "192.0.2.2" };
  static const char *const v6[2] = { "2001:db8::1", "2001:db8::2" };
  uint8_t mac[2][6];
  int home = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int rc;

  memset (net, 0, sizeof *net);
  net->ns_fd[0] = net->ns_fd[1] = -1;
  if (home < 0)
    return fail (err, err_len, "cannot open the lab's network namespace: %s", strerror (errno));

  for (int h = 0; h < 2; h++)
    {
      if (unshare (CLONE_NEWNET) != 0)
        {
          fail (err, err_len, "cannot create host %c's network namespace: %s", 'a' + h, strerror (errno));
          goto error;
        }
      net->ns_fd[h] = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
      quiet_ipv6 ();
      if (!lo_up ())
        {
          fail (err, err_len, "cannot bring up host %c's lo: %s", 'a' + h, strerror (errno));
          setns (home, CLONE_NEWNET);
          goto error;
        }
      if (setns (home, CLONE_NEWNET) != 0 || net->ns_fd[h] < 0)
        {
          fail (err, err_len, "cannot come back to the lab's network namespace: %s", strerror (errno));
          goto error;
        }
      snprintf (net->wire_name[h], sizeof net->wire_name[h], "%s-%c", prefix, 'a' + h);
      if ((rc = add_veth (net->wire_name[h], net->ns_fd[h])) != 0)
        {
          errno = -rc;
          fail (err, err_len, "cannot create the veth pair %s: %s", net->wire_name[h], strerror (-rc));
          goto error;
        }
      {
        char path[96];

        snprintf (path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6", net->wire_name[h]);
        write_sysctl (path, "1");
      }
      if (!link_setup (net->wire_name[h], mtu))
        {
          fail (err, err_len, "cannot bring up %s: %s", net->wire_name[h], strerror (errno));
          goto error;
        }
      net->wire_ifindex[h] = (int) if_nametoindex (net->wire_name[h]);
    }

  for (int h = 0; h < 2; h++)
    {
      if (!ss_hosts_enter (net, h) || !link_mac ("eth0", mac[h]))
        {
          fail (err, err_len, "cannot read host %c's eth0: %s", 'a' + h, strerror (errno));
          setns (home, CLONE_NEWNET);
          goto error;
        }
    }
  for (int h = 0; h < 2; h++)
    {
      int ifindex;

      if (!ss_hosts_enter (net, h))
        goto error;
      ifindex = (int) if_nametoindex ("eth0");
      if (!link_setup ("eth0", mtu) || !add_addr (ifindex, AF_INET, v4[h], 24)
          || !add_addr (ifindex, AF_INET6, v6[h], 64)
          || !add_neigh (ifindex, AF_INET, v4[1 - h], mac[1 - h])
          || !add_neigh (ifindex, AF_INET6, v6[1 - h], mac[1 - h]))
        {
          fail (err, err_len, "cannot set up host %c's eth0: %s", 'a' + h, strerror (errno));
          setns (home, CLONE_NEWNET);
          goto error;
        }
    }
  setns (home, CLONE_NEWNET);
  close (home);
  return true;

error:
  close (home);
  ss_hosts_close (net);
  return false;
}

bool
ss_hosts_set_mtu (SsHostsNet *net, unsigned mtu, char *err, size_t err_len)
{
  int home = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  bool ok = home >= 0;

  for (int h = 0; ok && h < 2; h++)
    {
      ok = link_setup (net->wire_name[h], mtu);
      ok = ok && ss_hosts_enter (net, h) && link_setup ("eth0", mtu);
      setns (home, CLONE_NEWNET);
    }
  if (home >= 0)
    close (home);
  return ok ? true : fail (err, err_len, "cannot set the MTU to %u: %s", mtu, strerror (errno));
}

void
ss_hosts_close (SsHostsNet *net)
{
  for (int h = 0; h < 2; h++)
    {
      if (net->ns_fd[h] >= 0)
        close (net->ns_fd[h]);
      net->ns_fd[h] = -1;
    }
}
