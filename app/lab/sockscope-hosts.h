/* sockscope-hosts.h: two hosts inside the lab, joined through the wire.
 *
 * Plain C (no GLib): the lab and bench/wire-bench make them the same way. Each host is a
 * network namespace of its own (created from the caller's, which must be able to: the lab's
 * user namespace owns it), with lo up and one veth `eth0` whose other end, `wire-a` / `wire-b`,
 * stays in the caller's namespace, where the forwarder (sockscope-wire-fwd.c) joins them.
 *   host a: 192.0.2.1/24, 2001:db8::1/64     host b: 192.0.2.2/24, 2001:db8::2/64
 * Offloads are off on every interface (no TSO/GSO/GRO, checksums computed by the sender), so a
 * frame on the wire is a real Ethernet frame of at most the MTU; IPv6 has no link-local address,
 * no duplicate address detection and no router solicitation, and each host knows the other's
 * MAC address (permanent neighbour entries): the wire carries the lesson's packets, no chatter.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct
{
  int ns_fd[2];          /* the hosts' network namespaces (/proc/self/ns/net of each) */
  int wire_ifindex[2];   /* wire-a, wire-b in the caller's namespace */
  char wire_name[2][16];
} SsHostsNet;

/* Creates hosts a and b with interfaces named PREFIX-a / PREFIX-b on the caller's side
 * ("wire" → wire-a, wire-b). The caller stays in its namespace. MTU of the hosts' eth0. */
bool ss_hosts_create (SsHostsNet *net, const char *prefix, unsigned mtu, char *err, size_t err_len);

/* The MTU of both hosts' eth0 and of wire-a / wire-b. */
bool ss_hosts_set_mtu (SsHostsNet *net, unsigned mtu, char *err, size_t err_len);

/* Runs the calling thread in host H's namespace (0 = a, 1 = b). */
bool ss_hosts_enter (const SsHostsNet *net, int h);

void ss_hosts_close (SsHostsNet *net);

#ifdef __cplusplus
}
#endif
