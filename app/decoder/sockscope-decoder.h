/* sockscope-decoder.h: decode one captured frame (libc only).
 *
 * Two entry points over the same code:
 *  - ss_packet_summarize(): the fast path, fills the 56-byte SsPacketSummary the app keeps for
 *    every packet; no field tree, no text, no allocation.
 *  - ss_packet_decode(): the full field tree, in pre-order, written into a caller-provided array,
 *    plus the reason of a truncated/malformed flag and a one-line tcpdump -n style summary.
 *
 * Every field records where its bytes are in the frame (offset, length, and a bit mask for
 * bit fields) so that a view can highlight them. Values are numbers, or, for addresses and byte
 * strings, the field's offset and length in the frame; ss_field_format() renders them on demand.
 *
 * Link types: 0 NULL, 108 LOOP, 1 EN10MB (with one optional 802.1Q tag), 113 LINUX_SLL,
 * 276 LINUX_SLL2, 12/101 RAW, 228 IPV4, 229 IPV6.
 *
 * Field ids (stable; the UI keys its explanations on them; Wireshark names where it has one):
 *  null.family                                          (NULL/LOOP header)
 *  eth  eth.dst eth.src eth.type  vlan vlan.priority vlan.id vlan.etype
 *  sll  sll.pkttype sll.hatype sll.halen sll.src sll.etype sll.reserved sll.ifindex
 *  arp  arp.hw.type arp.proto.type arp.hw.size arp.proto.size arp.opcode
 *       arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4
 *       (arp.src.hw arp.src.proto arp.dst.hw arp.dst.proto for other address sizes)
 *  ip   ip.version ip.hdr_len ip.dsfield ip.dsfield.dscp ip.dsfield.ecn ip.len ip.id
 *       ip.flags ip.flags.rb ip.flags.df ip.flags.mf ip.frag_offset ip.ttl ip.proto
 *       ip.checksum ip.src ip.dst
 *       ip.options > ip.option > ip.opt.type ip.opt.len ip.opt.data
 *  ipv6 ipv6.version ipv6.tclass ipv6.flow ipv6.plen ipv6.nxt ipv6.hlim ipv6.src ipv6.dst
 *       ipv6.hopopts ipv6.hopopts.nxt ipv6.hopopts.len
 *       ipv6.dstopts ipv6.dstopts.nxt ipv6.dstopts.len
 *         > ipv6.opt > ipv6.opt.type ipv6.opt.length ipv6.opt.data
 *       ipv6.routing ipv6.routing.nxt ipv6.routing.len ipv6.routing.type
 *         ipv6.routing.segleft ipv6.routing.data
 *       ipv6.fraghdr ipv6.fraghdr.nxt ipv6.fraghdr.reserved_octet ipv6.fraghdr.offset
 *         ipv6.fraghdr.reserved_bits ipv6.fraghdr.more ipv6.fraghdr.ident
 *  tcp  tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.hdr_len tcp.flags
 *       tcp.flags.res tcp.flags.ns tcp.flags.cwr tcp.flags.ece tcp.flags.urg tcp.flags.ack
 *       tcp.flags.push tcp.flags.reset tcp.flags.syn tcp.flags.fin
 *       tcp.window_size_value tcp.checksum tcp.urgent_pointer tcp.payload
 *       tcp.options > tcp.options.eol tcp.options.nop tcp.options.mss tcp.options.wscale
 *         tcp.options.sack_perm tcp.options.sack tcp.options.timestamp tcp.options.unknown
 *         > tcp.option_kind tcp.option_len tcp.options.mss_val tcp.options.wscale.shift
 *           tcp.options.sack_le tcp.options.sack_re tcp.options.timestamp.tsval
 *           tcp.options.timestamp.tsecr tcp.options.data
 *  udp  udp.srcport udp.dstport udp.length udp.checksum udp.payload
 *  icmp icmp.type icmp.code icmp.checksum icmp.ident icmp.seq icmp.unused icmp.mtu
 *       icmp.redir_gw icmp.data
 *  icmpv6 icmpv6.type icmpv6.code icmpv6.checksum icmpv6.echo.identifier
 *       icmpv6.echo.sequence_number icmpv6.reserved icmpv6.mtu icmpv6.pointer
 *       icmpv6.nd.ns.target_address icmpv6.nd.na.flag icmpv6.nd.na.flag.r
 *       icmpv6.nd.na.flag.s icmpv6.nd.na.flag.o icmpv6.nd.na.target_address icmpv6.data
 *  data (bytes no layer understood)
 * An ICMP/ICMPv6 error quotes the offending packet: its ip/ipv6/tcp/udp/icmp nodes appear as
 * children of the icmp/icmpv6 node, with the same ids.
 * A transport header the capture cut short (snapshot length) is still its node, holding the
 * fields whose bytes were captured; the node has `truncated` set and a label that says so.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SS_PROTO_FRAGMENT: an IPv4 or IPv6 fragment past the first (offset > 0): IP's bytes only, the
 * transport header is in the first fragment. */
enum { SS_PROTO_UNKNOWN, SS_PROTO_ETH, SS_PROTO_ARP, SS_PROTO_IPV4, SS_PROTO_IPV6,
       SS_PROTO_TCP, SS_PROTO_UDP, SS_PROTO_ICMP, SS_PROTO_ICMPV6, SS_PROTO_FRAGMENT };
enum { SS_STATUS_TRUNCATED = 1 << 0, SS_STATUS_MALFORMED = 1 << 1 };
/* SsPacketSummary.frag: a fragment of an IP datagram (IPv4 MF or offset, IPv6 Fragment header).
 * The first fragment (offset 0) carries the transport header: its length fields speak for the
 * whole datagram (a UDP length past the fragment is not malformed); payload_len is then what
 * the transport header announces, as tcpdump and tshark print it. */
enum { SS_FRAG_NONE = 0, SS_FRAG_FIRST = 1 << 0, SS_FRAG_LATER = 1 << 1, SS_FRAG_MORE = 1 << 2 };

#define SS_OFF_NONE 0xffff

typedef struct {           /* the compact per-packet record the app keeps: keep it <= 64 bytes */
  uint64_t t_ns;
  uint32_t caplen, origlen;
  uint32_t seq, ack;         /* raw TCP values */
  uint32_t payload_len;      /* transport payload bytes according to the headers (ICMP: the message) */
  uint16_t l3_off, l4_off;   /* offsets of the network / transport header in the frame (0xffff = none) */
  uint16_t sport, dport;
  uint16_t win;              /* raw TCP window field */
  uint16_t linktype;
  uint8_t  proto;            /* highest layer understood: SS_PROTO_* */
  uint8_t  l3;               /* SS_PROTO_IPV4 / SS_PROTO_IPV6 / SS_PROTO_ARP / 0 */
  uint8_t  tcp_flags;        /* raw flag byte (FIN=1 SYN=2 RST=4 PSH=8 ACK=16 URG=32 ECE=64 CWR=128) */
  uint8_t  status;           /* SS_STATUS_* */
  uint8_t  icmp_type, icmp_code;
  uint8_t  l4_caplen;        /* bytes of the transport's fixed header captured (TCP 20, UDP and ICMP 8) */
  uint8_t  frag;             /* SS_FRAG_*: FIRST or LATER, with MORE when more fragments follow */
  uint16_t frag_off;         /* a fragment's offset in the datagram, in bytes */
  uint32_t frag_id;          /* a fragment's identification (IPv4 16 bits, IPv6 32 bits) */
} SsPacketSummary;

/* Fast path: fills *out, returns 0 (also for truncated/malformed frames, flagged in status).
 * The network layer (l3) is reported only when its fixed header was captured whole. A TCP, UDP,
 * ICMP or ICMPv6 header is decoded as far as its bytes go, as tshark does: proto is set as soon
 * as IP announces it (l4_off once a byte of it is captured), l4_caplen says how many bytes of its fixed header were
 * captured, and the fields past them are 0 (TCP: ports need 4 bytes, seq 8, ack 12, the header
 * length 13, flags 14, window 16; UDP: ports 4, length 6; ICMP: type 1, code 2). A cut header
 * sets SS_STATUS_TRUNCATED. payload_len is 0 when the header length was not captured.
 * t_ns is left 0: the caller owns time. */
int ss_packet_summarize (uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen, SsPacketSummary *out);
/* Source / destination IP address as inet_ntop writes it ("" when none). ARP: sender/target. */
const char *ss_packet_src (const SsPacketSummary *s, const uint8_t *data, char buf[46]);
const char *ss_packet_dst (const SsPacketSummary *s, const uint8_t *data, char buf[46]);
/* tcpdump-style flags: "S", "S.", ".", "P.", "F.", "FP.", "R", "R." ... ("none" for 0) */
const char *ss_tcp_flags_string (uint8_t flags, char buf[16]);
/* "tcp", "udp", "icmp", "icmpv6", "arp", "ipv4", "ipv6", "ip-fragment", "eth", "unknown" */
const char *ss_proto_name (unsigned proto);

typedef enum {
  SS_FIELD_NONE,     /* protocol or group node: no value of its own */
  SS_FIELD_UINT,     /* value, shown in decimal */
  SS_FIELD_HEX,      /* value, shown in hexadecimal */
  SS_FIELD_FLAG,     /* one bit (mask): value 0 or 1 */
  SS_FIELD_WORDS4,   /* a count of 32-bit words; value is already in bytes */
  SS_FIELD_EXTLEN,   /* IPv6 extension header length: value, meaning (value + 1) * 8 bytes */
  SS_FIELD_UNITS8,   /* a count of 8-byte units (a fragment offset): value as in the header */
  SS_FIELD_MAC,      /* 6 bytes at offset */
  SS_FIELD_IPV4,     /* 4 bytes at offset */
  SS_FIELD_IPV6,     /* 16 bytes at offset */
  SS_FIELD_BYTES,    /* length bytes at offset */
} SsFieldKind;

typedef enum {
  SS_NAMES_NONE,
  SS_NAMES_ETHERTYPE,
  SS_NAMES_IPPROTO,
  SS_NAMES_ICMP_TYPE,
  SS_NAMES_ICMP_UNREACH,
  SS_NAMES_ICMPV6_TYPE,
  SS_NAMES_ICMPV6_UNREACH,
  SS_NAMES_ARP_OP,
  SS_NAMES_ARP_HW,
  SS_NAMES_SLL_PKTTYPE,
  SS_NAMES_TCP_OPT,
  SS_NAMES_IPV4_OPT,
  SS_NAMES_IPV6_OPT,
  SS_NAMES_NULL_FAMILY,
} SsNames;

typedef struct {
  const char *id;       /* stable id, see above (static string) */
  const char *label;    /* English label (static string) */
  uint64_t    value;    /* for numeric kinds */
  uint32_t    offset;   /* first byte in the frame */
  uint32_t    length;   /* bytes covered (all captured) */
  uint32_t    mask;     /* bits of the big-endian bytes that hold the value; 0: all of them */
  int16_t     parent;   /* index of the parent field, -1 at top level */
  uint8_t     depth;    /* 0 at top level; a child is its parent's depth + 1 */
  uint8_t     kind;     /* SsFieldKind */
  uint8_t     names;    /* SsNames: table naming the value, or SS_NAMES_NONE */
  uint8_t     truncated; /* a header node whose fixed header the capture cut short */
} SsField;

#define SS_REASON_MAX 160
#define SS_TEXT_MAX   512

typedef struct {
  SsPacketSummary summary;
  size_t n_fields;              /* fields written, in pre-order */
  size_t n_dropped;             /* fields that did not fit in max_fields */
  char   reason[SS_REASON_MAX]; /* why truncated and/or malformed ("; " between), "" otherwise */
  char   text[SS_TEXT_MAX];     /* one-line summary, tcpdump -n style, without timestamp */
} SsDecodeResult;

/* Full decode. fields may be NULL (max_fields 0) to get only the summary, reason and text. */
int ss_packet_decode (uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen,
                      SsField *fields, size_t max_fields, SsDecodeResult *res);

/* Name of value in a table (e.g. "TCP" for 6 in SS_NAMES_IPPROTO), NULL when unnamed. */
const char *ss_value_name (unsigned names, uint64_t value);

/* Renders the field's value ("" for SS_FIELD_NONE): "TCP (6)", "0x0800", "20 bytes (5)",
 * "Set"/"Not set", "1256 bytes (157)" (8-byte units), "127.0.0.1", "00:00:00:00:00:00", hex bytes (cut with "..." past 64 bytes).
 * data/caplen are the frame the field was decoded from. Returns buf. */
const char *ss_field_format (const SsField *f, const uint8_t *data, uint32_t caplen, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
