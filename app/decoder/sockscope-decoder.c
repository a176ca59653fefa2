/* sockscope-decoder.c: one frame → summary, field tree, reason and one-line text.
 *
 * One code path serves both the fast summary and the full decode: the field tree, the reason
 * string and the text are produced only when the caller asked for them (Ctx.fields, Ctx.reason,
 * Ctx.want_text), so ss_packet_summarize() formats nothing and writes no fields.
 */
#include "sockscope-decoder.h"
#include "sockscope-cursor.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define PRINTF_LIKE(f, a) __attribute__ ((format (printf, f, a)))

_Static_assert (sizeof (SsPacketSummary) <= 64, "the per-packet record must stay small");

typedef struct { uint8_t dst[6], src[6], type[2]; } EthHdr;
typedef struct { uint8_t tci[2], type[2]; } VlanHdr;
typedef struct { uint8_t pkttype[2], hatype[2], halen[2], addr[8], proto[2]; } SllHdr;
typedef struct { uint8_t proto[2], reserved[2], ifindex[4], hatype[2], pkttype[1], halen[1], addr[8]; } Sll2Hdr;
typedef struct { uint8_t htype[2], ptype[2], hlen[1], plen[1], op[2]; } ArpHdr;
typedef struct { uint8_t vhl[1], tos[1], len[2], id[2], frag[2], ttl[1], proto[1], sum[2], src[4], dst[4]; } Ip4Hdr;
typedef struct { uint8_t vtcfl[4], plen[2], nxt[1], hlim[1], src[16], dst[16]; } Ip6Hdr;
typedef struct { uint8_t sport[2], dport[2], seq[4], ack[4], offflags[2], win[2], sum[2], urp[2]; } TcpHdr;
typedef struct { uint8_t sport[2], dport[2], len[2], sum[2]; } UdpHdr;
typedef struct { uint8_t type[1], code[1], sum[2], rest[4]; } IcmpHdr;

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PUSH = 0x08, TH_ACK = 0x10,
       TH_URG = 0x20, TH_ECE = 0x40, TH_CWR = 0x80 };

/* One field of a fixed header, relative to the header's start. */
typedef struct
{
  const char *id;
  const char *label;
  uint8_t     off;
  uint8_t     len;
  uint8_t     kind;
  uint8_t     names;
  uint8_t     parent;   /* 1 + index of the parent spec in the same table; 0: the header node */
  uint32_t    mask;
} Spec;

#define N_SPECS(t) (sizeof (t) / sizeof (t)[0])

static const Spec eth_specs[] = {
  { "eth.dst", "Destination", 0, 6, SS_FIELD_MAC },
  { "eth.src", "Source", 6, 6, SS_FIELD_MAC },
  { "eth.type", "Type", 12, 2, SS_FIELD_HEX, SS_NAMES_ETHERTYPE },
};

static const Spec vlan_specs[] = {
  { "vlan.priority", "Priority", 0, 2, SS_FIELD_UINT, 0, 0, 0xe000 },
  { "vlan.id", "VLAN identifier", 0, 2, SS_FIELD_UINT, 0, 0, 0x0fff },
  { "vlan.etype", "Type", 2, 2, SS_FIELD_HEX, SS_NAMES_ETHERTYPE },
};

static const Spec sll_specs[] = {
  { "sll.pkttype", "Packet type", 0, 2, SS_FIELD_UINT, SS_NAMES_SLL_PKTTYPE },
  { "sll.hatype", "Link-layer address type", 2, 2, SS_FIELD_UINT, SS_NAMES_ARP_HW },
  { "sll.halen", "Link-layer address length", 4, 2, SS_FIELD_UINT },
  { "sll.src", "Source", 6, 8, SS_FIELD_BYTES },
  { "sll.etype", "Protocol", 14, 2, SS_FIELD_HEX, SS_NAMES_ETHERTYPE },
};

static const Spec sll2_specs[] = {
  { "sll.etype", "Protocol", 0, 2, SS_FIELD_HEX, SS_NAMES_ETHERTYPE },
  { "sll.reserved", "Reserved", 2, 2, SS_FIELD_HEX },
  { "sll.ifindex", "Interface index", 4, 4, SS_FIELD_UINT },
  { "sll.hatype", "Link-layer address type", 8, 2, SS_FIELD_UINT, SS_NAMES_ARP_HW },
  { "sll.pkttype", "Packet type", 10, 1, SS_FIELD_UINT, SS_NAMES_SLL_PKTTYPE },
  { "sll.halen", "Link-layer address length", 11, 1, SS_FIELD_UINT },
  { "sll.src", "Source", 12, 8, SS_FIELD_BYTES },
};

static const Spec arp_specs[] = {
  { "arp.hw.type", "Hardware type", 0, 2, SS_FIELD_UINT, SS_NAMES_ARP_HW },
  { "arp.proto.type", "Protocol type", 2, 2, SS_FIELD_HEX, SS_NAMES_ETHERTYPE },
  { "arp.hw.size", "Hardware size", 4, 1, SS_FIELD_UINT },
  { "arp.proto.size", "Protocol size", 5, 1, SS_FIELD_UINT },
  { "arp.opcode", "Opcode", 6, 2, SS_FIELD_UINT, SS_NAMES_ARP_OP },
};

static const Spec ip4_specs[] = {
  { "ip.version", "Version", 0, 1, SS_FIELD_UINT, 0, 0, 0xf0 },
  { "ip.hdr_len", "Header length", 0, 1, SS_FIELD_WORDS4, 0, 0, 0x0f },
  { "ip.dsfield", "Differentiated services field", 1, 1, SS_FIELD_HEX },
  { "ip.dsfield.dscp", "Differentiated services codepoint", 1, 1, SS_FIELD_UINT, 0, 3, 0xfc },
  { "ip.dsfield.ecn", "Explicit congestion notification", 1, 1, SS_FIELD_UINT, 0, 3, 0x03 },
  { "ip.len", "Total length", 2, 2, SS_FIELD_UINT },
  { "ip.id", "Identification", 4, 2, SS_FIELD_HEX },
  { "ip.flags", "Flags", 6, 1, SS_FIELD_HEX, 0, 0, 0xe0 },
  { "ip.flags.rb", "Reserved bit", 6, 1, SS_FIELD_FLAG, 0, 8, 0x80 },
  { "ip.flags.df", "Don't fragment", 6, 1, SS_FIELD_FLAG, 0, 8, 0x40 },
  { "ip.flags.mf", "More fragments", 6, 1, SS_FIELD_FLAG, 0, 8, 0x20 },
  { "ip.frag_offset", "Fragment offset (8-byte units)", 6, 2, SS_FIELD_UNITS8, 0, 0, 0x1fff },
  { "ip.ttl", "Time to live", 8, 1, SS_FIELD_UINT },
  { "ip.proto", "Protocol", 9, 1, SS_FIELD_UINT, SS_NAMES_IPPROTO },
  { "ip.checksum", "Header checksum", 10, 2, SS_FIELD_HEX },
  { "ip.src", "Source address", 12, 4, SS_FIELD_IPV4 },
  { "ip.dst", "Destination address", 16, 4, SS_FIELD_IPV4 },
};

static const Spec ip6_specs[] = {
  { "ipv6.version", "Version", 0, 1, SS_FIELD_UINT, 0, 0, 0xf0 },
  { "ipv6.tclass", "Traffic class", 0, 4, SS_FIELD_HEX, 0, 0, 0x0ff00000 },
  { "ipv6.flow", "Flow label", 0, 4, SS_FIELD_HEX, 0, 0, 0x000fffff },
  { "ipv6.plen", "Payload length", 4, 2, SS_FIELD_UINT },
  { "ipv6.nxt", "Next header", 6, 1, SS_FIELD_UINT, SS_NAMES_IPPROTO },
  { "ipv6.hlim", "Hop limit", 7, 1, SS_FIELD_UINT },
  { "ipv6.src", "Source address", 8, 16, SS_FIELD_IPV6 },
  { "ipv6.dst", "Destination address", 24, 16, SS_FIELD_IPV6 },
};

static const Spec hopopts_specs[] = {
  { "ipv6.hopopts.nxt", "Next header", 0, 1, SS_FIELD_UINT, SS_NAMES_IPPROTO },
  { "ipv6.hopopts.len", "Length", 1, 1, SS_FIELD_EXTLEN },
};

static const Spec dstopts_specs[] = {
  { "ipv6.dstopts.nxt", "Next header", 0, 1, SS_FIELD_UINT, SS_NAMES_IPPROTO },
  { "ipv6.dstopts.len", "Length", 1, 1, SS_FIELD_EXTLEN },
};

static const Spec routing_specs[] = {
  { "ipv6.routing.nxt", "Next header", 0, 1, SS_FIELD_UINT, SS_NAMES_IPPROTO },
  { "ipv6.routing.len", "Length", 1, 1, SS_FIELD_EXTLEN },
  { "ipv6.routing.type", "Routing type", 2, 1, SS_FIELD_UINT },
  { "ipv6.routing.segleft", "Segments left", 3, 1, SS_FIELD_UINT },
};

static const Spec fraghdr_specs[] = {
  { "ipv6.fraghdr.nxt", "Next header", 0, 1, SS_FIELD_UINT, SS_NAMES_IPPROTO },
  { "ipv6.fraghdr.reserved_octet", "Reserved", 1, 1, SS_FIELD_HEX },
  { "ipv6.fraghdr.offset", "Fragment offset (8-byte units)", 2, 2, SS_FIELD_UNITS8, 0, 0, 0xfff8 },
  { "ipv6.fraghdr.reserved_bits", "Reserved bits", 2, 2, SS_FIELD_UINT, 0, 0, 0x0006 },
  { "ipv6.fraghdr.more", "More fragments", 2, 2, SS_FIELD_FLAG, 0, 0, 0x0001 },
  { "ipv6.fraghdr.ident", "Identification", 4, 4, SS_FIELD_HEX },
};

static const Spec tcp_specs[] = {
  { "tcp.srcport", "Source port", 0, 2, SS_FIELD_UINT },
  { "tcp.dstport", "Destination port", 2, 2, SS_FIELD_UINT },
  { "tcp.seq_raw", "Sequence number (raw)", 4, 4, SS_FIELD_UINT },
  { "tcp.ack_raw", "Acknowledgment number (raw)", 8, 4, SS_FIELD_UINT },
  { "tcp.hdr_len", "Header length", 12, 1, SS_FIELD_WORDS4, 0, 0, 0xf0 },
  { "tcp.flags", "Flags", 12, 2, SS_FIELD_HEX, 0, 0, 0x0fff },
  { "tcp.flags.res", "Reserved", 12, 2, SS_FIELD_UINT, 0, 6, 0x0e00 },
  { "tcp.flags.ns", "Nonce (accurate ECN)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0100 },
  { "tcp.flags.cwr", "Congestion window reduced (CWR)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0080 },
  { "tcp.flags.ece", "ECN-Echo (ECE)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0040 },
  { "tcp.flags.urg", "Urgent (URG)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0020 },
  { "tcp.flags.ack", "Acknowledgment (ACK)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0010 },
  { "tcp.flags.push", "Push (PSH)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0008 },
  { "tcp.flags.reset", "Reset (RST)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0004 },
  { "tcp.flags.syn", "Syn (SYN)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0002 },
  { "tcp.flags.fin", "Fin (FIN)", 12, 2, SS_FIELD_FLAG, 0, 6, 0x0001 },
  { "tcp.window_size_value", "Window (raw)", 14, 2, SS_FIELD_UINT },
  { "tcp.checksum", "Checksum", 16, 2, SS_FIELD_HEX },
  { "tcp.urgent_pointer", "Urgent pointer", 18, 2, SS_FIELD_UINT },
};

static const Spec udp_specs[] = {
  { "udp.srcport", "Source port", 0, 2, SS_FIELD_UINT },
  { "udp.dstport", "Destination port", 2, 2, SS_FIELD_UINT },
  { "udp.length", "Length", 4, 2, SS_FIELD_UINT },
  { "udp.checksum", "Checksum", 6, 2, SS_FIELD_HEX },
};

static const Spec icmp_specs[] = {
  { "icmp.type", "Type", 0, 1, SS_FIELD_UINT, SS_NAMES_ICMP_TYPE },
  { "icmp.code", "Code", 1, 1, SS_FIELD_UINT },
  { "icmp.checksum", "Checksum", 2, 2, SS_FIELD_HEX },
};

static const Spec icmp_echo_specs[] = {
  { "icmp.ident", "Identifier", 4, 2, SS_FIELD_UINT },
  { "icmp.seq", "Sequence number", 6, 2, SS_FIELD_UINT },
};

static const Spec icmp_frag_specs[] = {
  { "icmp.unused", "Unused", 4, 2, SS_FIELD_HEX },
  { "icmp.mtu", "MTU of next hop", 6, 2, SS_FIELD_UINT },
};

static const Spec icmpv6_specs[] = {
  { "icmpv6.type", "Type", 0, 1, SS_FIELD_UINT, SS_NAMES_ICMPV6_TYPE },
  { "icmpv6.code", "Code", 1, 1, SS_FIELD_UINT },
  { "icmpv6.checksum", "Checksum", 2, 2, SS_FIELD_HEX },
};

static const Spec icmpv6_echo_specs[] = {
  { "icmpv6.echo.identifier", "Identifier", 4, 2, SS_FIELD_UINT },
  { "icmpv6.echo.sequence_number", "Sequence number", 6, 2, SS_FIELD_UINT },
};

static const Spec icmpv6_na_specs[] = {
  { "icmpv6.nd.na.flag", "Flags", 4, 4, SS_FIELD_HEX },
  { "icmpv6.nd.na.flag.r", "Router", 4, 4, SS_FIELD_FLAG, 0, 1, 0x80000000u },
  { "icmpv6.nd.na.flag.s", "Solicited", 4, 4, SS_FIELD_FLAG, 0, 1, 0x40000000u },
  { "icmpv6.nd.na.flag.o", "Override", 4, 4, SS_FIELD_FLAG, 0, 1, 0x20000000u },
  { "icmpv6.nd.na.target_address", "Target address", 8, 16, SS_FIELD_IPV6 },
};

typedef struct
{
  SsCursor         cur;          /* the captured bytes */
  uint32_t         origlen;
  SsPacketSummary *s;
  SsField         *fields;       /* NULL: no field tree wanted */
  size_t           max_fields;
  size_t           n_fields;
  size_t           n_dropped;
  char            *reason;       /* NULL: no reason text wanted */
  bool             want_text;
  int              quoted;       /* > 0 inside the packet quoted by an ICMP error */

  /* What the one-line text needs beyond the summary. */
  uint16_t         ethertype;    /* network protocol announced by the link layer */
  uint8_t          ipproto;      /* transport protocol announced by IP */
  bool             fragment;     /* a non-first fragment: no transport header */
  bool             first_fragment; /* offset 0, more follow: the transport's lengths go past it */
  uint32_t         frag_off;
  uint32_t         frag_len;     /* IPv6: the bytes after the Fragment header */
  uint32_t         ip_payload;   /* IP payload length according to the headers */
  char             opts[200];    /* TCP options, tcpdump style */
  size_t           opts_len;
  uint8_t          q_l3;         /* the quoted packet: SS_PROTO_IPV4/IPV6 once its header is whole */
  uint32_t         q_l3_off;
  uint8_t          q_ipproto;
  bool             q_ports;
  uint16_t         q_dport;
} Ctx;

static void flag (Ctx *c, uint8_t status, const char *fmt, ...) PRINTF_LIKE (3, 4);

static void
flag (Ctx *c, uint8_t status, const char *fmt, ...)
{
  va_list ap;
  size_t used;

  /* A quoted packet is cut short by design: its state never taints the frame's. */
  if (c->quoted > 0)
    return;
  c->s->status |= status;
  if (c->reason == NULL)
    return;
  used = strlen (c->reason);
  if (used > 0)
    {
      if (used + 3 >= SS_REASON_MAX)
        return;
      memcpy (c->reason + used, "; ", 3);
      used += 2;
    }
  va_start (ap, fmt);
  vsnprintf (c->reason + used, SS_REASON_MAX - used, fmt, ap);
  va_end (ap);
}

static uint32_t
caplen_of (const Ctx *c)
{
  return (uint32_t) c->cur.end;
}

/* Captured bytes from off, at most len. */
static uint32_t
clip (const Ctx *c, uint32_t off, uint32_t len)
{
  uint32_t cap = caplen_of (c);

  if (off >= cap)
    return 0;
  return len < cap - off ? len : cap - off;
}

static uint32_t
left (const Ctx *c, uint32_t off)
{
  return clip (c, off, UINT32_MAX);
}

static int
add (Ctx *c, int parent, const char *id, const char *label, SsFieldKind kind,
     uint32_t off, uint32_t len, uint64_t value)
{
  SsField *f;

  if (c->fields == NULL)
    return -1;
  if (c->n_fields >= c->max_fields)
    {
      c->n_dropped++;
      return -1;
    }
  f = &c->fields[c->n_fields];
  f->id = id;
  f->label = label;
  f->value = value;
  f->offset = off;
  f->length = len;
  f->mask = 0;
  f->parent = (int16_t) parent;
  f->depth = parent >= 0 ? (uint8_t) (c->fields[parent].depth + 1) : 0;
  f->kind = (uint8_t) kind;
  f->names = SS_NAMES_NONE;
  f->truncated = 0;
  return (int) c->n_fields++;
}

static void
set_names (Ctx *c, int field, SsNames names)
{
  if (field >= 0)
    c->fields[field].names = (uint8_t) names;
}

/* Big-endian number of len <= 8 bytes at off, already checked to be captured. */
static uint64_t
number_at (const Ctx *c, uint32_t off, uint32_t len)
{
  const uint8_t *p = ss_cursor_peek (&c->cur, off, len);

  return p != NULL ? ss_be_n (p, len) : 0;
}

/* A numeric field, added only when its bytes were captured. */
static int
add_number (Ctx *c, int parent, const char *id, const char *label, SsFieldKind kind,
            uint32_t off, uint32_t len)
{
  if (c->fields == NULL || ss_cursor_peek (&c->cur, off, len) == NULL)
    return -1;
  return add (c, parent, id, label, kind, off, len, number_at (c, off, len));
}

/* Bytes (addresses, data): the captured part only; nothing when none was captured. */
static int
add_bytes (Ctx *c, int parent, const char *id, const char *label, SsFieldKind kind,
           uint32_t off, uint32_t len)
{
  uint32_t n = clip (c, off, len);

  if (c->fields == NULL || n == 0 || (kind != SS_FIELD_BYTES && n < len))
    return -1;
  return add (c, parent, id, label, kind, off, n, 0);
}

/* Adds the fields of a fixed header starting at base, leaving out those not captured;
 * idx receives each spec's field index (-1 when left out). */
static void
emit_specs (Ctx *c, int node, uint32_t base, const Spec *specs, size_t n, int *idx)
{
  for (size_t i = 0; i < n; i++)
    {
      const Spec *sp = &specs[i];
      const uint8_t *p = ss_cursor_peek (&c->cur, (size_t) base + sp->off, sp->len);
      int parent = sp->parent ? idx[sp->parent - 1] : node;
      uint64_t v = 0;
      int f;

      idx[i] = -1;
      if (p == NULL || (sp->parent && parent < 0))
        continue;
      if (sp->kind <= SS_FIELD_UNITS8)
        {
          v = ss_be_n (p, sp->len);
          if (sp->mask != 0)
            v = (v & sp->mask) >> __builtin_ctz (sp->mask);
          if (sp->kind == SS_FIELD_WORDS4)
            v *= 4;
        }
      f = add (c, parent, sp->id, sp->label, (SsFieldKind) sp->kind, base + sp->off, sp->len, v);
      if (f >= 0)
        {
          c->fields[f].mask = sp->mask;
          c->fields[f].names = sp->names;
        }
      idx[i] = f;
    }
}

static void
emit (Ctx *c, int node, uint32_t base, const Spec *specs, size_t n)
{
  int idx[24];

  if (c->fields != NULL)
    emit_specs (c, node, base, specs, n, idx);
}

static void opts_text (Ctx *c, const char *fmt, ...) PRINTF_LIKE (2, 3);

static void
opts_text (Ctx *c, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (!c->want_text || c->quoted > 0 || c->opts_len + 2 >= sizeof c->opts)
    return;
  if (c->opts_len > 0)
    c->opts[c->opts_len++] = ',';
  va_start (ap, fmt);
  n = vsnprintf (c->opts + c->opts_len, sizeof c->opts - c->opts_len, fmt, ap);
  va_end (ap);
  if (n > 0)
    c->opts_len += (size_t) n < sizeof c->opts - c->opts_len ? (size_t) n : sizeof c->opts - c->opts_len - 1;
}

static void
add_data (Ctx *c, int parent, const char *id, uint32_t off, uint32_t end)
{
  if (end > off)
    add_bytes (c, parent, id, "Data", SS_FIELD_BYTES, off, end - off);
}

/* A transport header the capture cut short: the node says so (label and flag), and the summary
 * of the frame (not of a quoted packet) records how many bytes of the fixed header there are. */
static void
cut_header (Ctx *c, int node, const char *cut_label, uint32_t off, uint32_t fixed)
{
  uint32_t have = left (c, off);

  if (node >= 0 && c->quoted == 0)
    {
      c->fields[node].label = cut_label;
      c->fields[node].truncated = 1;
    }
  if (c->quoted == 0)
    c->s->l4_caplen = (uint8_t) (have < fixed ? have : fixed);
}

/* The frame's transport layer, known from IP, whatever part of its header was captured. */
static void
set_transport (Ctx *c, uint8_t proto, uint32_t off, uint32_t fixed)
{
  uint32_t have = left (c, off);

  c->s->proto = proto;
  /* an offset is where bytes are: none when not one byte of the header was captured */
  c->s->l4_off = off < SS_OFF_NONE && have > 0 ? (uint16_t) off : SS_OFF_NONE;
  c->s->l4_caplen = (uint8_t) (have < fixed ? have : fixed);
}

/* -------------------------------------------------------------------------------------------- */

static void decode_ipv4 (Ctx *c, int parent, uint32_t off, uint32_t end);
static void decode_ipv6 (Ctx *c, int parent, uint32_t off, uint32_t end);

static void
decode_tcp_options (Ctx *c, int tcp_node, uint32_t off, uint32_t end)
{
  int node = add (c, tcp_node, "tcp.options", "Options", SS_FIELD_NONE, off, clip (c, off, end - off), 0);

  while (off < end)
    {
      const uint8_t *k = ss_cursor_peek (&c->cur, off, 1);
      const uint8_t *p;
      const char *id;
      unsigned kind, len, want;
      int opt;

      if (k == NULL)
        {
          flag (c, SS_STATUS_TRUNCATED, "TCP options cut by the end of the capture at offset %u", off);
          return;
        }
      kind = k[0];
      if (kind == 0 || kind == 1)
        {
          opt = add (c, node, kind == 0 ? "tcp.options.eol" : "tcp.options.nop",
                     ss_value_name (SS_NAMES_TCP_OPT, kind), SS_FIELD_NONE, off, 1, 0);
          set_names (c, add_number (c, opt, "tcp.option_kind", "Kind", SS_FIELD_UINT, off, 1),
                     SS_NAMES_TCP_OPT);
          opts_text (c, kind == 0 ? "eol" : "nop");
          off++;
          if (kind == 0)
            break;   /* what follows End of Option List is padding */
          continue;
        }
      if (off + 1 >= end)
        {
          flag (c, SS_STATUS_MALFORMED, "TCP option %u has no length byte", kind);
          return;
        }
      p = ss_cursor_peek (&c->cur, off + 1, 1);
      if (p == NULL)
        {
          flag (c, SS_STATUS_TRUNCATED, "TCP option %u cut by the end of the capture", kind);
          return;
        }
      len = p[0];
      if (len < 2)
        {
          flag (c, SS_STATUS_MALFORMED, "TCP option %u length %u < 2", kind, len);
          return;
        }
      if (off + len > end)
        {
          flag (c, SS_STATUS_MALFORMED, "TCP option %u length %u past end of options", kind, len);
          return;
        }
      switch (kind)
        {
        case 2: id = "tcp.options.mss"; want = 4; break;
        case 3: id = "tcp.options.wscale"; want = 3; break;
        case 4: id = "tcp.options.sack_perm"; want = 2; break;
        case 5: id = "tcp.options.sack"; want = (len >= 10 && (len - 2) % 8 == 0) ? len : 10; break;
        case 8: id = "tcp.options.timestamp"; want = 10; break;
        default: id = "tcp.options.unknown"; want = len; break;
        }
      if (len != want)
        {
          flag (c, SS_STATUS_MALFORMED, "TCP option %u length %u invalid (expected %u)", kind, len, want);
          id = "tcp.options.unknown";
          kind = 256;   /* shown as unknown; skipped by its length */
        }

      /* An option the capture cut: its fields as far as the bytes go, as for the header. */
      p = ss_cursor_peek (&c->cur, off, len);
      opt = add (c, node, id, kind < 256 && ss_value_name (SS_NAMES_TCP_OPT, kind)
                                ? ss_value_name (SS_NAMES_TCP_OPT, kind) : "Unknown option",
                 SS_FIELD_NONE, off, clip (c, off, len), 0);
      set_names (c, add_number (c, opt, "tcp.option_kind", "Kind", SS_FIELD_UINT, off, 1), SS_NAMES_TCP_OPT);
      add_number (c, opt, "tcp.option_len", "Length", SS_FIELD_UINT, off + 1, 1);

      switch (kind)
        {
        case 2:
          add_number (c, opt, "tcp.options.mss_val", "Maximum segment size", SS_FIELD_UINT, off + 2, 2);
          if (p != NULL)
            opts_text (c, "mss %u", ss_be16 (p + 2));
          break;
        case 3:
          add_number (c, opt, "tcp.options.wscale.shift", "Shift count", SS_FIELD_UINT, off + 2, 1);
          if (p != NULL)
            opts_text (c, "wscale %u", p[2]);
          break;
        case 4:
          if (p != NULL)
            opts_text (c, "sackOK");
          break;
        case 5:
          {
            char blocks[120];
            size_t bl = 0;

            blocks[0] = '\0';
            for (unsigned i = 2; i + 8 <= len; i += 8)
              {
                add_number (c, opt, "tcp.options.sack_le", "Left edge", SS_FIELD_UINT, off + i, 4);
                add_number (c, opt, "tcp.options.sack_re", "Right edge", SS_FIELD_UINT, off + i + 4, 4);
                if (p != NULL && bl < sizeof blocks)
                  {
                    int n = snprintf (blocks + bl, sizeof blocks - bl, "{%u:%u}",
                                      ss_be32 (p + i), ss_be32 (p + i + 4));
                    bl += n > 0 ? (size_t) n : 0;
                  }
              }
            if (p != NULL)
              opts_text (c, "sack %u %s", (len - 2) / 8, blocks);
          }
          break;
        case 8:
          add_number (c, opt, "tcp.options.timestamp.tsval", "Timestamp value", SS_FIELD_UINT, off + 2, 4);
          add_number (c, opt, "tcp.options.timestamp.tsecr", "Timestamp echo reply", SS_FIELD_UINT, off + 6, 4);
          if (p != NULL)
            opts_text (c, "TS val %u ecr %u", ss_be32 (p + 2), ss_be32 (p + 6));
          break;
        default:
          if (len > 2)
            add_bytes (c, opt, "tcp.options.data", "Data", SS_FIELD_BYTES, off + 2, len - 2);
          if (p != NULL)
            opts_text (c, "unknown-%u", p[0]);
          break;
        }
      if (p == NULL)
        {
          flag (c, SS_STATUS_TRUNCATED, "TCP option %u cut by the end of the capture", kind);
          return;
        }
      off += len;
    }
}

static void
decode_tcp (Ctx *c, int parent, uint32_t off, uint32_t end)
{
  const TcpHdr *th = ss_cursor_peek (&c->cur, off, sizeof *th);
  const uint8_t *offb = ss_cursor_peek (&c->cur, off + 12, 1);
  uint32_t hl = offb != NULL ? (uint32_t) (offb[0] >> 4) * 4 : 20;
  uint32_t seg = end > off ? end - off : 0;
  uint32_t hdr_end, payload;
  int node;

  node = add (c, parent, "tcp", "Transmission Control Protocol", SS_FIELD_NONE, off,
              clip (c, off, hl > 20 ? hl : 20), 0);
  emit (c, node, off, tcp_specs, N_SPECS (tcp_specs));

  if (c->quoted > 0)
    {
      const UdpHdr *ports = ss_cursor_peek (&c->cur, off, 4);

      if (ports != NULL)
        {
          c->q_ports = true;
          c->q_dport = ss_be16 (ports->dport);
        }
    }
  if (c->quoted == 0)
    {
      set_transport (c, SS_PROTO_TCP, off, 20);
      c->s->sport = (uint16_t) (left (c, off) >= 4 ? number_at (c, off, 2) : 0);
      c->s->dport = (uint16_t) (left (c, off) >= 4 ? number_at (c, off + 2, 2) : 0);
      c->s->seq = (uint32_t) (left (c, off) >= 8 ? number_at (c, off + 4, 4) : 0);
      c->s->ack = (uint32_t) (left (c, off) >= 12 ? number_at (c, off + 8, 4) : 0);
      c->s->tcp_flags = (uint8_t) (left (c, off) >= 14 ? number_at (c, off + 13, 1) : 0);
      c->s->win = (uint16_t) (left (c, off) >= 16 ? number_at (c, off + 14, 2) : 0);
    }
  if (th == NULL)
    {
      if (c->quoted == 0)
        c->s->payload_len = offb != NULL && hl >= 20 && hl <= seg ? seg - hl : 0;
      cut_header (c, node, "Transmission Control Protocol (truncated)", off, 20);
      flag (c, SS_STATUS_TRUNCATED, "TCP header: %u of 20 bytes captured", left (c, off));
      return;
    }

  if (hl < 20)
    {
      flag (c, SS_STATUS_MALFORMED, "TCP data offset %u bytes < 20", hl);
      return;
    }
  hdr_end = off + hl;
  if (hl > seg)
    {
      flag (c, SS_STATUS_MALFORMED, "TCP data offset past end of segment (%u > %u bytes)", hl, seg);
      hdr_end = off + seg;
    }
  if (hdr_end > off + 20)
    decode_tcp_options (c, node, off + 20, hdr_end);
  if (hdr_end > caplen_of (c) && !(c->s->status & SS_STATUS_TRUNCATED))
    flag (c, SS_STATUS_TRUNCATED, "TCP header: %u of %u bytes captured", left (c, off), hl);

  payload = hl <= seg ? seg - hl : 0;
  if (c->quoted == 0)
    c->s->payload_len = payload;
  if (payload > 0)
    add_data (c, node, "tcp.payload", off + hl, off + hl + payload);
}

static void
decode_udp (Ctx *c, int parent, uint32_t off, uint32_t end)
{
  const UdpHdr *uh = ss_cursor_peek (&c->cur, off, sizeof *uh);
  uint32_t seg = end > off ? end - off : 0;
  uint32_t ulen, payload;
  int node;

  node = add (c, parent, "udp", "User Datagram Protocol", SS_FIELD_NONE, off, clip (c, off, 8), 0);
  emit (c, node, off, udp_specs, N_SPECS (udp_specs));

  if (c->quoted > 0 && ss_cursor_peek (&c->cur, off, 4) != NULL)
    {
      c->q_ports = true;
      c->q_dport = (uint16_t) number_at (c, off + 2, 2);
    }
  if (c->quoted == 0)
    {
      set_transport (c, SS_PROTO_UDP, off, 8);
      c->s->sport = (uint16_t) (left (c, off) >= 4 ? number_at (c, off, 2) : 0);
      c->s->dport = (uint16_t) (left (c, off) >= 4 ? number_at (c, off + 2, 2) : 0);
    }
  if (uh == NULL)
    {
      cut_header (c, node, "User Datagram Protocol (truncated)", off, 8);
      ulen = left (c, off) >= 6 ? (uint32_t) number_at (c, off + 4, 2) : 0;
      if (c->quoted == 0)
        c->s->payload_len = ulen >= 8 && ulen <= seg ? ulen - 8 : 0;
      flag (c, SS_STATUS_TRUNCATED, "UDP header: %u of 8 bytes captured", left (c, off));
      return;
    }

  ulen = ss_be16 (uh->len);
  payload = seg >= 8 ? seg - 8 : 0;
  if (ulen < 8)
    flag (c, SS_STATUS_MALFORMED, "UDP length %u < 8", ulen);
  else if (ulen > seg && c->first_fragment && c->quoted == 0)
    {
      /* The length is the whole datagram's; this fragment holds its first bytes. */
      c->s->payload_len = ulen - 8;
      if (payload > 0)
        add_data (c, node, "udp.payload", off + 8, off + 8 + payload);
      return;
    }
  else if (ulen > seg)
    flag (c, SS_STATUS_MALFORMED, "UDP length %u past end of IP payload (%u bytes)", ulen, seg);
  else
    payload = ulen - 8;
  if (c->quoted == 0)
    c->s->payload_len = payload;
  if (payload > 0)
    add_data (c, node, "udp.payload", off + 8, off + 8 + payload);
}

static void
decode_icmp (Ctx *c, int parent, uint32_t off, uint32_t end)
{
  const IcmpHdr *ih = ss_cursor_peek (&c->cur, off, sizeof *ih);
  const uint8_t *tc = ss_cursor_peek (&c->cur, off, 2);
  int idx[N_SPECS (icmp_specs)];
  uint32_t len = end > off ? end - off : 0;
  int node;

  node = add (c, parent, "icmp", "Internet Control Message Protocol", SS_FIELD_NONE, off,
              clip (c, off, len > 8 ? len : 8), 0);
  if (c->fields != NULL)
    {
      emit_specs (c, node, off, icmp_specs, N_SPECS (icmp_specs), idx);
      if (tc != NULL && tc[0] == 3)
        set_names (c, idx[1], SS_NAMES_ICMP_UNREACH);
    }
  if (c->quoted == 0)
    {
      set_transport (c, SS_PROTO_ICMP, off, 8);
      c->s->icmp_type = (uint8_t) (left (c, off) >= 1 ? number_at (c, off, 1) : 0);
      c->s->icmp_code = (uint8_t) (left (c, off) >= 2 ? number_at (c, off + 1, 1) : 0);
      c->s->payload_len = len;
    }
  if (ih == NULL)
    {
      cut_header (c, node, "Internet Control Message Protocol (truncated)", off, 8);
      flag (c, SS_STATUS_TRUNCATED, "ICMP header: %u of 8 bytes captured", left (c, off));
      return;
    }
  if (c->quoted > 0)
    return;   /* an error about an ICMP message: no need to go deeper */

  switch (ih->type[0])
    {
    case 0: case 8: case 13: case 14: case 15: case 16:
      emit (c, node, off, icmp_echo_specs, N_SPECS (icmp_echo_specs));
      add_data (c, node, "icmp.data", off + 8, end);
      break;
    case 3: case 4: case 5: case 11: case 12:
      if (ih->type[0] == 3 && ih->code[0] == 4)
        emit (c, node, off, icmp_frag_specs, N_SPECS (icmp_frag_specs));
      else if (ih->type[0] == 5)
        add_bytes (c, node, "icmp.redir_gw", "Gateway address", SS_FIELD_IPV4, off + 4, 4);
      else
        add_number (c, node, "icmp.unused", "Unused", SS_FIELD_HEX, off + 4, 4);
      c->quoted++;
      decode_ipv4 (c, node, off + 8, end);
      c->quoted--;
      break;
    default:
      add_data (c, node, "icmp.data", off + 4, end);
      break;
    }
}

static void
decode_icmpv6 (Ctx *c, int parent, uint32_t off, uint32_t end)
{
  const IcmpHdr *ih = ss_cursor_peek (&c->cur, off, sizeof *ih);
  const uint8_t *tc = ss_cursor_peek (&c->cur, off, 2);
  int idx[N_SPECS (icmpv6_specs)];
  uint32_t len = end > off ? end - off : 0;
  int node;

  node = add (c, parent, "icmpv6", "Internet Control Message Protocol v6", SS_FIELD_NONE, off,
              clip (c, off, len > 8 ? len : 8), 0);
  if (c->fields != NULL)
    {
      emit_specs (c, node, off, icmpv6_specs, N_SPECS (icmpv6_specs), idx);
      if (tc != NULL && tc[0] == 1)
        set_names (c, idx[1], SS_NAMES_ICMPV6_UNREACH);
    }
  if (c->quoted == 0)
    {
      set_transport (c, SS_PROTO_ICMPV6, off, 8);
      c->s->icmp_type = (uint8_t) (left (c, off) >= 1 ? number_at (c, off, 1) : 0);
      c->s->icmp_code = (uint8_t) (left (c, off) >= 2 ? number_at (c, off + 1, 1) : 0);
      c->s->payload_len = len;
    }
  if (ih == NULL)
    {
      cut_header (c, node, "Internet Control Message Protocol v6 (truncated)", off, 8);
      flag (c, SS_STATUS_TRUNCATED, "ICMPv6 header: %u of 8 bytes captured", left (c, off));
      return;
    }
  if (c->quoted > 0)
    return;

  switch (ih->type[0])
    {
    case 1: case 2: case 3: case 4:
      if (ih->type[0] == 2)
        add_number (c, node, "icmpv6.mtu", "MTU", SS_FIELD_UINT, off + 4, 4);
      else if (ih->type[0] == 4)
        add_number (c, node, "icmpv6.pointer", "Pointer", SS_FIELD_UINT, off + 4, 4);
      else
        add_number (c, node, "icmpv6.reserved", "Reserved", SS_FIELD_HEX, off + 4, 4);
      c->quoted++;
      decode_ipv6 (c, node, off + 8, end);
      c->quoted--;
      break;
    case 128: case 129:
      emit (c, node, off, icmpv6_echo_specs, N_SPECS (icmpv6_echo_specs));
      add_data (c, node, "icmpv6.data", off + 8, end);
      break;
    case 135:
      add_number (c, node, "icmpv6.reserved", "Reserved", SS_FIELD_HEX, off + 4, 4);
      add_bytes (c, node, "icmpv6.nd.ns.target_address", "Target address", SS_FIELD_IPV6, off + 8, 16);
      add_data (c, node, "icmpv6.data", off + 24, end);
      break;
    case 136:
      emit (c, node, off, icmpv6_na_specs, N_SPECS (icmpv6_na_specs));
      add_data (c, node, "icmpv6.data", off + 24, end);
      break;
    default:
      add_data (c, node, "icmpv6.data", off + 4, end);
      break;
    }
}

static void
decode_transport (Ctx *c, int parent, unsigned proto, uint32_t off, uint32_t end)
{
  if (c->quoted > 0)
    c->q_ipproto = (uint8_t) proto;
  else
    {
      c->ipproto = (uint8_t) proto;
      c->ip_payload = end > off ? end - off : 0;
      c->s->payload_len = c->ip_payload;
    }

  switch (proto)
    {
    case 6:  decode_tcp (c, parent, off, end); break;
    case 17: decode_udp (c, parent, off, end); break;
    case 1:  decode_icmp (c, parent, off, end); break;
    case 58: decode_icmpv6 (c, parent, off, end); break;
    default: add_data (c, parent, "data", off, end); break;
    }
}

static void
decode_ipv4_options (Ctx *c, int ip_node, uint32_t off, uint32_t end)
{
  int node = add (c, ip_node, "ip.options", "Options", SS_FIELD_NONE, off, end - off, 0);

  while (off < end)
    {
      unsigned type = (unsigned) number_at (c, off, 1);
      unsigned len = 1;
      const char *name = ss_value_name (SS_NAMES_IPV4_OPT, type);
      int opt;

      if (type > 1)
        {
          if (off + 1 >= end)
            {
              flag (c, SS_STATUS_MALFORMED, "IPv4 option %u has no length byte", type);
              return;
            }
          len = (unsigned) number_at (c, off + 1, 1);
          if (len < 2 || off + len > end)
            {
              flag (c, SS_STATUS_MALFORMED, "IPv4 option %u length %u past end of options", type, len);
              return;
            }
        }
      opt = add (c, node, "ip.option", name != NULL ? name : "Unknown option", SS_FIELD_NONE, off, len, 0);
      set_names (c, add_number (c, opt, "ip.opt.type", "Type", SS_FIELD_UINT, off, 1), SS_NAMES_IPV4_OPT);
      if (len >= 2)
        add_number (c, opt, "ip.opt.len", "Length", SS_FIELD_UINT, off + 1, 1);
      if (len > 2)
        add_bytes (c, opt, "ip.opt.data", "Data", SS_FIELD_BYTES, off + 2, len - 2);
      off += len;
      if (type == 0)
        break;
    }
}

static void
decode_ipv4 (Ctx *c, int parent, uint32_t off, uint32_t end)
{
  const Ip4Hdr *ip = ss_cursor_peek (&c->cur, off, sizeof *ip);
  const uint8_t *vhl = ss_cursor_peek (&c->cur, off, 1);
  uint32_t hl = vhl != NULL ? (uint32_t) (vhl[0] & 0x0f) * 4 : 20;
  uint32_t total, frag;
  int node;

  node = add (c, parent, "ip", "Internet Protocol version 4", SS_FIELD_NONE, off,
              clip (c, off, hl > 20 ? hl : 20), 0);
  emit (c, node, off, ip4_specs, N_SPECS (ip4_specs));
  if (ip == NULL)
    {
      flag (c, SS_STATUS_TRUNCATED, "IPv4 header: %u of 20 bytes captured", left (c, off));
      return;
    }
  if (ip->vhl[0] >> 4 != 4)
    {
      flag (c, SS_STATUS_MALFORMED, "IPv4 version %u != 4", ip->vhl[0] >> 4);
      return;
    }
  if (c->quoted == 0)
    {
      c->s->l3 = SS_PROTO_IPV4;
      c->s->l3_off = off < SS_OFF_NONE ? (uint16_t) off : SS_OFF_NONE;
      c->s->proto = SS_PROTO_IPV4;
      c->ipproto = ip->proto[0];
    }
  else
    {
      c->q_l3 = SS_PROTO_IPV4;
      c->q_l3_off = off;
      c->q_ipproto = ip->proto[0];
    }

  if (hl < 20)
    {
      flag (c, SS_STATUS_MALFORMED, "IPv4 header length %u < 20", hl);
      return;
    }
  total = ss_be16 (ip->len);
  if (total < hl)
    {
      flag (c, SS_STATUS_MALFORMED, "IPv4 total length %u < header length %u", total, hl);
      return;
    }
  if (total > end - off)
    {
      flag (c, SS_STATUS_MALFORMED, "IPv4 total length %u past end of frame (%u bytes left)",
            total, end - off);
      total = end - off;
      if (total < hl)
        return;
    }
  if (hl > 20)
    {
      if (ss_cursor_peek (&c->cur, off, hl) == NULL)
        {
          flag (c, SS_STATUS_TRUNCATED, "IPv4 options: %u of %u bytes captured",
                left (c, off + 20), hl - 20);
          return;
        }
      decode_ipv4_options (c, node, off + 20, off + hl);
    }

  frag = ss_be16 (ip->frag);
  if ((frag & 0x3fff) != 0 && c->quoted == 0)
    {
      c->s->frag = (uint8_t) (((frag & 0x1fff) != 0 ? SS_FRAG_LATER : SS_FRAG_FIRST)
                              | ((frag & 0x2000) != 0 ? SS_FRAG_MORE : 0));
      c->s->frag_off = (uint16_t) ((frag & 0x1fff) * 8);
      c->s->frag_id = ss_be16 (ip->id);
      c->first_fragment = (frag & 0x1fff) == 0;
    }
  if ((frag & 0x1fff) != 0)
    {
      if (c->quoted == 0)
        {
          c->fragment = true;
          c->frag_off = (frag & 0x1fff) * 8u;
          c->ip_payload = total - hl;
          c->s->payload_len = c->ip_payload;
          c->s->proto = SS_PROTO_FRAGMENT;
        }
      add_data (c, parent, "data", off + hl, off + total);
      return;
    }
  decode_transport (c, parent, ip->proto[0], off + hl, off + total);
}

static void
decode_ipv6_options (Ctx *c, int node, uint32_t off, uint32_t end)
{
  while (off < end)
    {
      unsigned type = (unsigned) number_at (c, off, 1);
      unsigned len = 1;
      const char *name = ss_value_name (SS_NAMES_IPV6_OPT, type);
      int opt;

      if (type != 0)
        {
          if (off + 2 > end)
            {
              flag (c, SS_STATUS_MALFORMED, "IPv6 option %u has no length byte", type);
              return;
            }
          len = 2 + (unsigned) number_at (c, off + 1, 1);
          if (off + len > end)
            {
              flag (c, SS_STATUS_MALFORMED, "IPv6 option %u length %u past end of header", type, len - 2);
              return;
            }
        }
      opt = add (c, node, "ipv6.opt", name != NULL ? name : "Unknown option", SS_FIELD_NONE, off, len, 0);
      set_names (c, add_number (c, opt, "ipv6.opt.type", "Type", SS_FIELD_HEX, off, 1), SS_NAMES_IPV6_OPT);
      if (len >= 2)
        add_number (c, opt, "ipv6.opt.length", "Length", SS_FIELD_UINT, off + 1, 1);
      if (len > 2)
        add_bytes (c, opt, "ipv6.opt.data", "Data", SS_FIELD_BYTES, off + 2, len - 2);
      off += len;
    }
}

static void
decode_ipv6 (Ctx *c, int parent, uint32_t off, uint32_t end)
{
  const Ip6Hdr *ip6 = ss_cursor_peek (&c->cur, off, sizeof *ip6);
  uint32_t plen, pend, p;
  unsigned nxt;
  int node;

  node = add (c, parent, "ipv6", "Internet Protocol version 6", SS_FIELD_NONE, off, clip (c, off, 40), 0);
  emit (c, node, off, ip6_specs, N_SPECS (ip6_specs));
  if (ip6 == NULL)
    {
      flag (c, SS_STATUS_TRUNCATED, "IPv6 header: %u of 40 bytes captured", left (c, off));
      return;
    }
  if (ip6->vtcfl[0] >> 4 != 6)
    {
      flag (c, SS_STATUS_MALFORMED, "IPv6 version %u != 6", ip6->vtcfl[0] >> 4);
      return;
    }
  nxt = ip6->nxt[0];
  if (c->quoted == 0)
    {
      c->s->l3 = SS_PROTO_IPV6;
      c->s->l3_off = off < SS_OFF_NONE ? (uint16_t) off : SS_OFF_NONE;
      c->s->proto = SS_PROTO_IPV6;
      c->ipproto = (uint8_t) nxt;
    }
  else
    {
      c->q_l3 = SS_PROTO_IPV6;
      c->q_l3_off = off;
      c->q_ipproto = (uint8_t) nxt;
    }

  plen = ss_be16 (ip6->plen);
  pend = off + 40 + plen;
  if (end < off + 40)
    pend = off + 40;
  else if (plen > end - off - 40)
    {
      flag (c, SS_STATUS_MALFORMED, "IPv6 payload length %u past end of frame (%u bytes left)",
            plen, end - off - 40);
      pend = end;
    }
  else if (plen == 0 && nxt == 0)
    pend = end;   /* a jumbogram: the hop-by-hop header holds the real length */

  p = off + 40;
  while (nxt == 0 || nxt == 43 || nxt == 44 || nxt == 60)
    {
      const uint8_t *h = ss_cursor_peek (&c->cur, p, 2);
      const Spec *specs;
      size_t n_specs;
      const char *id, *label;
      uint32_t hlen;
      int ext, idx[8];

      switch (nxt)
        {
        case 0:  id = "ipv6.hopopts"; label = "Hop-by-hop options"; specs = hopopts_specs; n_specs = N_SPECS (hopopts_specs); break;
        case 43: id = "ipv6.routing"; label = "Routing header"; specs = routing_specs; n_specs = N_SPECS (routing_specs); break;
        case 44: id = "ipv6.fraghdr"; label = "Fragment header"; specs = fraghdr_specs; n_specs = N_SPECS (fraghdr_specs); break;
        default: id = "ipv6.dstopts"; label = "Destination options"; specs = dstopts_specs; n_specs = N_SPECS (dstopts_specs); break;
        }
      if (p + 8 > pend)
        {
          flag (c, SS_STATUS_MALFORMED, "IPv6 %s past end of payload", label);
          return;
        }
      if (h == NULL)
        {
          flag (c, SS_STATUS_TRUNCATED, "IPv6 %s: %u of 8 bytes captured", label, left (c, p));
          return;
        }
      hlen = nxt == 44 ? 8 : ((uint32_t) h[1] + 1) * 8;
      ext = add (c, node, id, label, SS_FIELD_NONE, p, clip (c, p, hlen), 0);
      if (c->fields != NULL)
        emit_specs (c, ext, p, specs, n_specs, idx);
      if (hlen > pend - p)
        {
          flag (c, SS_STATUS_MALFORMED, "IPv6 %s length %u past end of payload", label, hlen);
          return;
        }
      if (ss_cursor_peek (&c->cur, p, hlen) == NULL)
        {
          flag (c, SS_STATUS_TRUNCATED, "IPv6 %s: %u of %u bytes captured", label, left (c, p), hlen);
          return;
        }
      if (nxt == 0 || nxt == 60)
        decode_ipv6_options (c, ext, p + 2, p + hlen);
      else if (nxt == 43 && hlen > 4)
        add_bytes (c, ext, "ipv6.routing.data", "Data", SS_FIELD_BYTES, p + 4, hlen - 4);
      else if (nxt == 44 && c->quoted == 0 && (number_at (c, p + 2, 2) & 0xfff9) != 0)
        {
          uint32_t fo = (uint32_t) (number_at (c, p + 2, 2) & 0xfff8);

          c->s->frag = (uint8_t) ((fo != 0 ? SS_FRAG_LATER : SS_FRAG_FIRST)
                                  | ((number_at (c, p + 2, 2) & 1) != 0 ? SS_FRAG_MORE : 0));
          c->s->frag_off = (uint16_t) fo;
          c->s->frag_id = (uint32_t) number_at (c, p + 4, 4);
          c->first_fragment = fo == 0;
          c->frag_len = pend - p - 8;
        }
      if (nxt == 44 && (number_at (c, p + 2, 2) & 0xfff8) != 0)
        {
          if (c->quoted == 0)
            {
              c->fragment = true;
              c->frag_off = (uint32_t) (number_at (c, p + 2, 2) & 0xfff8);
              c->ipproto = h[0];
              c->ip_payload = pend - p - 8;
              c->s->payload_len = c->ip_payload;
              c->s->proto = SS_PROTO_FRAGMENT;
            }
          add_data (c, parent, "data", p + 8, pend);
          return;
        }
      nxt = h[0];
      p += hlen;
    }
  decode_transport (c, parent, nxt, p, pend);
}

static void
decode_arp (Ctx *c, int parent, uint32_t off)
{
  const ArpHdr *ah = ss_cursor_peek (&c->cur, off, sizeof *ah);
  uint32_t hln, pln, total, a;
  int node;

  hln = ah != NULL ? ah->hlen[0] : 6;
  pln = ah != NULL ? ah->plen[0] : 4;
  total = 8 + 2 * (hln + pln);
  node = add (c, parent, "arp", "Address Resolution Protocol", SS_FIELD_NONE, off, clip (c, off, total), 0);
  emit (c, node, off, arp_specs, N_SPECS (arp_specs));
  if (ah == NULL)
    {
      flag (c, SS_STATUS_TRUNCATED, "ARP header: %u of 8 bytes captured", left (c, off));
      return;
    }

  a = off + 8;
  add_bytes (c, node, hln == 6 ? "arp.src.hw_mac" : "arp.src.hw", "Sender hardware address",
             hln == 6 ? SS_FIELD_MAC : SS_FIELD_BYTES, a, hln);
  add_bytes (c, node, pln == 4 ? "arp.src.proto_ipv4" : "arp.src.proto", "Sender protocol address",
             pln == 4 ? SS_FIELD_IPV4 : SS_FIELD_BYTES, a + hln, pln);
  add_bytes (c, node, hln == 6 ? "arp.dst.hw_mac" : "arp.dst.hw", "Target hardware address",
             hln == 6 ? SS_FIELD_MAC : SS_FIELD_BYTES, a + hln + pln, hln);
  add_bytes (c, node, pln == 4 ? "arp.dst.proto_ipv4" : "arp.dst.proto", "Target protocol address",
             pln == 4 ? SS_FIELD_IPV4 : SS_FIELD_BYTES, a + 2 * hln + pln, pln);
  if (ss_cursor_peek (&c->cur, off, total) == NULL)
    {
      flag (c, SS_STATUS_TRUNCATED, "ARP: %u of %u bytes captured", left (c, off), total);
      return;
    }
  if (total > c->origlen - off)
    {
      flag (c, SS_STATUS_MALFORMED, "ARP addresses past end of frame");
      return;
    }
  c->s->l3 = SS_PROTO_ARP;
  c->s->l3_off = off < SS_OFF_NONE ? (uint16_t) off : SS_OFF_NONE;
  c->s->proto = SS_PROTO_ARP;
}

static void
decode_l3 (Ctx *c, uint16_t ethertype, uint32_t off)
{
  c->ethertype = ethertype;
  switch (ethertype)
    {
    case 0x0800: decode_ipv4 (c, -1, off, c->origlen); break;
    case 0x86dd: decode_ipv6 (c, -1, off, c->origlen); break;
    case 0x0806: decode_arp (c, -1, off); break;
    default:     add_data (c, -1, "data", off, c->origlen); break;
    }
}

static void
decode_ethernet (Ctx *c)
{
  const EthHdr *eh = ss_cursor_peek (&c->cur, 0, sizeof *eh);
  uint32_t off = sizeof *eh;
  uint16_t type;
  int node;

  node = add (c, -1, "eth", "Ethernet II", SS_FIELD_NONE, 0, clip (c, 0, 14), 0);
  emit (c, node, 0, eth_specs, N_SPECS (eth_specs));
  if (eh == NULL)
    {
      flag (c, SS_STATUS_TRUNCATED, "Ethernet header: %u of 14 bytes captured", left (c, 0));
      return;
    }
  c->s->proto = SS_PROTO_ETH;
  type = ss_be16 (eh->type);
  if (type == 0x8100 || type == 0x88a8)
    {
      const VlanHdr *vh = ss_cursor_peek (&c->cur, off, sizeof *vh);

      node = add (c, -1, "vlan", "802.1Q virtual LAN", SS_FIELD_NONE, off, clip (c, off, 4), 0);
      emit (c, node, off, vlan_specs, N_SPECS (vlan_specs));
      if (vh == NULL)
        {
          flag (c, SS_STATUS_TRUNCATED, "802.1Q tag: %u of 4 bytes captured", left (c, off));
          return;
        }
      type = ss_be16 (vh->type);
      off += sizeof *vh;
    }
  if (type < 0x0600)
    {
      /* 802.3 length field: LLC frames, which lessons never produce */
      c->ethertype = type;
      add_data (c, -1, "data", off, c->origlen);
      return;
    }
  decode_l3 (c, type, off);
}

static void
decode_sll (Ctx *c, bool v2)
{
  uint32_t hlen = v2 ? sizeof (Sll2Hdr) : sizeof (SllHdr);
  int node;

  node = add (c, -1, "sll", v2 ? "Linux cooked capture v2" : "Linux cooked capture v1",
              SS_FIELD_NONE, 0, clip (c, 0, hlen), 0);
  if (v2)
    emit (c, node, 0, sll2_specs, N_SPECS (sll2_specs));
  else
    emit (c, node, 0, sll_specs, N_SPECS (sll_specs));
  if (ss_cursor_peek (&c->cur, 0, hlen) == NULL)
    {
      flag (c, SS_STATUS_TRUNCATED, "Linux cooked header: %u of %u bytes captured", left (c, 0), hlen);
      return;
    }
  decode_l3 (c, (uint16_t) number_at (c, v2 ? 0 : 14, 2), hlen);
}

static void
decode_raw (Ctx *c, unsigned version, uint32_t off)
{
  if (version == 4)
    decode_l3 (c, 0x0800, off);
  else if (version == 6)
    decode_l3 (c, 0x86dd, off);
  else
    {
      flag (c, SS_STATUS_MALFORMED, "raw IP version %u is neither 4 nor 6", version);
      add_data (c, -1, "data", off, c->origlen);
    }
}

static void
decode_null (Ctx *c, bool network_order)
{
  const uint8_t *p = ss_cursor_peek (&c->cur, 0, 4);
  uint32_t family;
  int node;

  node = add (c, -1, "null", "Null/Loopback", SS_FIELD_NONE, 0, clip (c, 0, 4), 0);
  if (p == NULL)
    {
      flag (c, SS_STATUS_TRUNCATED, "loopback header: %u of 4 bytes captured", left (c, 0));
      return;
    }
  /* DLT_NULL is in the capturing host's byte order: a family never exceeds 16 bits. */
  family = network_order ? ss_be32 (p) : ss_le32 (p);
  if (!network_order && family > 0xffff)
    family = ss_be32 (p);
  set_names (c, add (c, node, "null.family", "Family", SS_FIELD_UINT, 0, 4, family), SS_NAMES_NULL_FAMILY);
  switch (family)
    {
    case 2: decode_l3 (c, 0x0800, 4); break;
    case 10: case 24: case 28: case 30: decode_l3 (c, 0x86dd, 4); break;
    default: add_data (c, -1, "data", 4, c->origlen); break;
    }
}

/* -------------------------------------------------------------------------------------------- */

typedef struct
{
  char  *buf;
  size_t len;
  size_t cap;
} Out;

static void out_printf (Out *o, const char *fmt, ...) PRINTF_LIKE (2, 3);

static void
out_printf (Out *o, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (o->len + 1 >= o->cap)
    return;
  va_start (ap, fmt);
  n = vsnprintf (o->buf + o->len, o->cap - o->len, fmt, ap);
  va_end (ap);
  if (n > 0)
    o->len = (size_t) n < o->cap - o->len ? o->len + (size_t) n : o->cap - 1;
}

static const char *
l4_name (unsigned ipproto)
{
  switch (ipproto)
    {
    case 6: return "tcp";
    case 17: return "udp";
    case 1: return "icmp";
    case 58: return "icmp6";
    default: return "ip";
    }
}

static void
quoted_dst (const Ctx *c, char buf[46])
{
  const uint8_t *p;

  strcpy (buf, "?");
  if (c->q_l3 == SS_PROTO_IPV4 && (p = ss_cursor_peek (&c->cur, c->q_l3_off + 16, 4)) != NULL)
    inet_ntop (AF_INET, p, buf, 46);
  else if (c->q_l3 == SS_PROTO_IPV6 && (p = ss_cursor_peek (&c->cur, c->q_l3_off + 24, 16)) != NULL)
    inet_ntop (AF_INET6, p, buf, 46);
}

static void
icmp_text (Ctx *c, Out *o)
{
  const SsPacketSummary *s = c->s;
  uint32_t l4 = s->l4_off;
  char q[46];

  quoted_dst (c, q);
  switch (s->icmp_type)
    {
    case 0: case 8:
      out_printf (o, "ICMP echo %s, id %u, seq %u", s->icmp_type == 8 ? "request" : "reply",
                  (unsigned) number_at (c, l4 + 4, 2), (unsigned) number_at (c, l4 + 6, 2));
      break;
    case 3:
      switch (s->icmp_code)
        {
        case 0: out_printf (o, "ICMP net %s unreachable", q); break;
        case 1: out_printf (o, "ICMP host %s unreachable", q); break;
        case 2: out_printf (o, "ICMP %s protocol %u unreachable", q, c->q_ipproto); break;
        case 3:
          if (c->q_ports && (c->q_ipproto == 6 || c->q_ipproto == 17))
            out_printf (o, "ICMP %s %s port %u unreachable", q, l4_name (c->q_ipproto), c->q_dport);
          else
            out_printf (o, "ICMP %s port unreachable", q);
          break;
        case 4:
          out_printf (o, "ICMP %s unreachable - need to frag (mtu %u)", q, (unsigned) number_at (c, l4 + 6, 2));
          break;
        default: out_printf (o, "ICMP %s unreachable - code %u", q, s->icmp_code); break;
        }
      break;
    case 11:
      out_printf (o, "ICMP %s", s->icmp_code == 0 ? "time exceeded in-transit" : "ip reassembly time exceeded");
      break;
    default:
      {
        const char *name = ss_value_name (SS_NAMES_ICMP_TYPE, s->icmp_type);

        if (name != NULL)
          out_printf (o, "ICMP %s, code %u", name, s->icmp_code);
        else
          out_printf (o, "ICMP type-#%u", s->icmp_type);
      }
      break;
    }
  out_printf (o, ", length %u", s->payload_len);
}

static void
icmpv6_text (Ctx *c, Out *o)
{
  const SsPacketSummary *s = c->s;
  uint32_t l4 = s->l4_off;
  const uint8_t *p;
  char q[46], t[46] = "?";

  quoted_dst (c, q);
  out_printf (o, "ICMP6, ");
  switch (s->icmp_type)
    {
    case 1:
      switch (s->icmp_code)
        {
        case 0: out_printf (o, "destination unreachable, no route to %s", q); break;
        case 1: out_printf (o, "destination unreachable, %s unreachable prohibited", q); break;
        case 3: out_printf (o, "destination unreachable, unreachable address %s", q); break;
        case 4:
          if (c->q_ports && (c->q_ipproto == 6 || c->q_ipproto == 17))
            out_printf (o, "destination unreachable, unreachable port, %s %s port %u",
                        q, l4_name (c->q_ipproto), c->q_dport);
          else
            out_printf (o, "destination unreachable, unreachable port, %s", q);
          break;
        default: out_printf (o, "destination unreachable, code %u", s->icmp_code); break;
        }
      break;
    case 2: out_printf (o, "packet too big, mtu %u", (unsigned) number_at (c, l4 + 4, 4)); break;
    case 3: out_printf (o, "time exceeded in-transit"); break;
    case 4: out_printf (o, "parameter problem"); break;
    case 128: case 129:
      out_printf (o, "echo %s, id %u, seq %u", s->icmp_type == 128 ? "request" : "reply",
                  (unsigned) number_at (c, l4 + 4, 2), (unsigned) number_at (c, l4 + 6, 2));
      break;
    case 135: case 136:
      if ((p = ss_cursor_peek (&c->cur, l4 + 8, 16)) != NULL)
        inet_ntop (AF_INET6, p, t, sizeof t);
      if (s->icmp_type == 135)
        out_printf (o, "neighbor solicitation, who has %s", t);
      else
        out_printf (o, "neighbor advertisement, tgt is %s", t);
      break;
    default:
      {
        const char *name = ss_value_name (SS_NAMES_ICMPV6_TYPE, s->icmp_type);

        if (name != NULL)
          out_printf (o, "%s", name);
        else
          out_printf (o, "type %u", s->icmp_type);
      }
      break;
    }
  out_printf (o, ", length %u", s->payload_len);
}

/* "IP a.1 > b.2" (ports < 0: "IP a > b"); with ip "" (after an IPv6 fragment header) the
 * ports alone, "1 > 2", as tcpdump prints a first fragment's transport. */
static void
endpoints (Out *o, const char *ip, const char *a, long sport, const char *b, long dport)
{
  if (ip[0] == '\0')
    {
      if (sport >= 0)
        out_printf (o, "%ld > %ld", sport, dport);
    }
  else if (sport >= 0)
    out_printf (o, "%s %s.%ld > %s.%ld", ip, a, sport, b, dport);
  else
    out_printf (o, "%s %s > %s", ip, a, b);
}

static void
build_text (Ctx *c, char *buf, size_t cap)
{
  const SsPacketSummary *s = c->s;
  const uint8_t *data = c->cur.base;
  Out o = { buf, 0, cap };
  char a[46], b[46], fl[16];

  buf[0] = '\0';
  if (s->l3 == SS_PROTO_IPV4 || s->l3 == SS_PROTO_IPV6)
    {
      const char *ip = s->l3 == SS_PROTO_IPV4 ? "IP" : "IP6";
      unsigned fixed = s->proto == SS_PROTO_TCP ? 20 : 8;

      ss_packet_src (s, data, a);
      ss_packet_dst (s, data, b);
      /* An IPv6 fragment, as tcpdump prints it: "frag (offset|bytes after the header)"; the
       * first one goes on with its transport, the ports without the addresses. */
      if (s->l3 == SS_PROTO_IPV6 && s->frag != SS_FRAG_NONE)
        {
          out_printf (&o, "IP6 %s > %s: frag (%u|%u)", a, b, (unsigned) s->frag_off, c->frag_len);
          if (s->frag & SS_FRAG_LATER)
            return;
          out_printf (&o, " ");
          ip = "";
          a[0] = b[0] = '\0';
        }
      /* A cut transport header, as tcpdump prints it: the ports when they were captured. */
      if (s->proto >= SS_PROTO_TCP && s->proto <= SS_PROTO_ICMPV6 && s->l4_caplen < fixed)
        {
          if ((s->proto == SS_PROTO_TCP || s->proto == SS_PROTO_UDP) && s->l4_caplen >= 4)
            endpoints (&o, ip, a, s->sport, b, s->dport);
          else
            endpoints (&o, ip, a, -1, b, -1);
          out_printf (&o, ": [|%s]", l4_name (c->ipproto));
          return;
        }
      switch (s->proto)
        {
        case SS_PROTO_TCP:
          endpoints (&o, ip, a, s->sport, b, s->dport);
          out_printf (&o, ": Flags [%s]", ss_tcp_flags_string (s->tcp_flags, fl));
          if (s->payload_len > 0)
            out_printf (&o, ", seq %u:%u", s->seq, s->seq + s->payload_len);
          else if (s->tcp_flags & (TH_SYN | TH_FIN | TH_RST))
            out_printf (&o, ", seq %u", s->seq);
          if (s->tcp_flags & TH_ACK)
            out_printf (&o, ", ack %u", s->ack);
          out_printf (&o, ", win %u", s->win);
          if (s->tcp_flags & TH_URG)
            out_printf (&o, ", urg %u", (unsigned) number_at (c, (uint32_t) s->l4_off + 18, 2));
          if (c->opts_len > 0)
            out_printf (&o, ", options [%.*s]", (int) c->opts_len, c->opts);
          out_printf (&o, ", length %u", s->payload_len);
          break;
        case SS_PROTO_UDP:
          endpoints (&o, ip, a, s->sport, b, s->dport);
          out_printf (&o, ": UDP, length %u", s->payload_len);
          break;
        case SS_PROTO_ICMP:
          out_printf (&o, "%s %s > %s: ", ip, a, b);
          icmp_text (c, &o);
          break;
        case SS_PROTO_ICMPV6:
          if (ip[0] != '\0')
            out_printf (&o, "%s %s > %s: ", ip, a, b);
          icmpv6_text (c, &o);
          break;
        default:
          out_printf (&o, "%s %s > %s: ", ip, a, b);
          /* IPv4 past the first fragment: tcpdump -n names only IP's protocol number. */
          if (c->fragment)
            out_printf (&o, "ip-proto-%u", c->ipproto);
          else if ((c->ipproto == 6 || c->ipproto == 17 || c->ipproto == 1 || c->ipproto == 58)
                   && (s->status & SS_STATUS_TRUNCATED))
            out_printf (&o, "[|%s]", l4_name (c->ipproto));
          else
            out_printf (&o, "ip-proto-%u, length %u", c->ipproto, c->ip_payload);
          break;
        }
    }
  else if (s->l3 == SS_PROTO_ARP)
    {
      unsigned op = (unsigned) number_at (c, (uint32_t) s->l3_off + 6, 2);
      unsigned hln = (unsigned) number_at (c, (uint32_t) s->l3_off + 4, 1);

      ss_packet_src (s, data, a);
      ss_packet_dst (s, data, b);
      if (op == 1)
        out_printf (&o, "ARP, Request who-has %s tell %s", b, a);
      else if (op == 2 && hln == 6)
        {
          const uint8_t *m = ss_cursor_peek (&c->cur, (uint32_t) s->l3_off + 8, 6);

          out_printf (&o, "ARP, Reply %s is-at %02x:%02x:%02x:%02x:%02x:%02x", a,
                      m[0], m[1], m[2], m[3], m[4], m[5]);
        }
      else
        out_printf (&o, "ARP, opcode %u", op);
      out_printf (&o, ", length %u", c->origlen - s->l3_off);
    }
  else if (c->ethertype == 0x0800 || c->ethertype == 0x86dd || c->ethertype == 0x0806)
    out_printf (&o, "%s",
                c->ethertype == 0x0800 ? "IP [|ip]" : c->ethertype == 0x86dd ? "IP6 [|ip6]" : "ARP [|arp]");
  else if (s->proto == SS_PROTO_ETH)
    {
      const char *name = ss_value_name (SS_NAMES_ETHERTYPE, c->ethertype);

      if (c->ethertype < 0x0600)
        out_printf (&o, "802.3, length %u", c->origlen);
      else
        out_printf (&o, "ethertype %s (0x%04x), length %u", name != NULL ? name : "Unknown",
                    c->ethertype, c->origlen);
    }
  else
    out_printf (&o, "link type %u, length %u", s->linktype, c->origlen);
}

static void
decode (Ctx *c, uint32_t linktype)
{
  if (c->origlen == 0 && caplen_of (c) == 0)
    {
      flag (c, SS_STATUS_MALFORMED, "empty frame");
      return;
    }
  switch (linktype)
    {
    case 1: decode_ethernet (c); break;
    case 113: decode_sll (c, false); break;
    case 276: decode_sll (c, true); break;
    case 12: case 101:
      {
        const uint8_t *v = ss_cursor_peek (&c->cur, 0, 1);

        if (v == NULL)
          flag (c, SS_STATUS_TRUNCATED, "raw IP: no byte captured");
        else
          decode_raw (c, v[0] >> 4, 0);
      }
      break;
    case 228: decode_l3 (c, 0x0800, 0); break;
    case 229: decode_l3 (c, 0x86dd, 0); break;
    case 0: decode_null (c, false); break;
    case 108: decode_null (c, true); break;
    default: add_data (c, -1, "data", 0, c->origlen); break;
    }

  /* The record itself: a frame cut by the snapshot length lacks bytes even when every header
   * is whole, and a captured length above the original one cannot happen on a real capture. */
  if (c->s->origlen < c->s->caplen)
    flag (c, SS_STATUS_MALFORMED, "original length %u is less than the captured length %u",
          c->s->origlen, c->s->caplen);
  else if (c->s->caplen < c->s->origlen && !(c->s->status & SS_STATUS_TRUNCATED))
    flag (c, SS_STATUS_TRUNCATED, "%u of %u bytes captured (snapshot length)",
          c->s->caplen, c->s->origlen);
}

static void
ctx_init (Ctx *c, uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen,
          SsPacketSummary *s)
{
  memset (c, 0, sizeof *c);
  ss_cursor_init (&c->cur, data, data != NULL ? caplen : 0);
  c->origlen = origlen > caplen ? origlen : caplen;
  c->s = s;
  memset (s, 0, sizeof *s);
  s->caplen = caplen;
  s->origlen = origlen;
  s->l3_off = SS_OFF_NONE;
  s->l4_off = SS_OFF_NONE;
  s->linktype = (uint16_t) linktype;
}

int
ss_packet_summarize (uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen,
                     SsPacketSummary *out)
{
  Ctx c;

  ctx_init (&c, linktype, data, caplen, origlen, out);
  decode (&c, linktype);
  return 0;
}

int
ss_packet_decode (uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen,
                  SsField *fields, size_t max_fields, SsDecodeResult *res)
{
  Ctx c;

  ctx_init (&c, linktype, data, caplen, origlen, &res->summary);
  c.fields = fields;
  c.max_fields = fields != NULL ? (max_fields < INT16_MAX ? max_fields : INT16_MAX) : 0;
  res->reason[0] = '\0';
  c.reason = res->reason;
  c.want_text = true;
  decode (&c, linktype);
  res->n_fields = c.n_fields;
  res->n_dropped = c.n_dropped;
  build_text (&c, res->text, sizeof res->text);
  return 0;
}

/* -------------------------------------------------------------------------------------------- */

static const char *
address (const SsPacketSummary *s, const uint8_t *data, bool dst, char buf[46])
{
  uint32_t off, n;
  int af;

  buf[0] = '\0';
  if (data == NULL || s->l3_off == SS_OFF_NONE)
    return buf;
  off = s->l3_off;
  switch (s->l3)
    {
    case SS_PROTO_IPV4:
      off += dst ? 16 : 12;
      n = 4;
      af = AF_INET;
      break;
    case SS_PROTO_IPV6:
      off += dst ? 24 : 8;
      n = 16;
      af = AF_INET6;
      break;
    case SS_PROTO_ARP:
      {
        uint32_t hln, pln;

        if ((uint64_t) off + 8 > s->caplen)
          return buf;
        hln = data[off + 4];
        pln = data[off + 5];
        if (pln != 4 && pln != 16)
          return buf;
        off += 8 + hln + (dst ? hln + pln : 0);
        n = pln;
        af = pln == 4 ? AF_INET : AF_INET6;
      }
      break;
    default:
      return buf;
    }
  if ((uint64_t) off + n > s->caplen)
    return buf;
  inet_ntop (af, data + off, buf, 46);
  return buf;
}

const char *
ss_packet_src (const SsPacketSummary *s, const uint8_t *data, char buf[46])
{
  return address (s, data, false, buf);
}

const char *
ss_packet_dst (const SsPacketSummary *s, const uint8_t *data, char buf[46])
{
  return address (s, data, true, buf);
}

const char *
ss_tcp_flags_string (uint8_t flags, char buf[16])
{
  static const struct { uint8_t bit; char c; } order[] = {
    { TH_FIN, 'F' }, { TH_SYN, 'S' }, { TH_RST, 'R' }, { TH_PUSH, 'P' },
    { TH_ACK, '.' }, { TH_URG, 'U' }, { TH_ECE, 'E' }, { TH_CWR, 'W' },
  };
  size_t n = 0;

  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    if (flags & order[i].bit)
      buf[n++] = order[i].c;
  if (n == 0)
    strcpy (buf, "none");
  else
    buf[n] = '\0';
  return buf;
}

const char *
ss_proto_name (unsigned proto)
{
  static const char *const names[] = {
    [SS_PROTO_UNKNOWN] = "unknown", [SS_PROTO_ETH] = "eth", [SS_PROTO_ARP] = "arp",
    [SS_PROTO_IPV4] = "ipv4", [SS_PROTO_IPV6] = "ipv6", [SS_PROTO_TCP] = "tcp",
    [SS_PROTO_UDP] = "udp", [SS_PROTO_ICMP] = "icmp", [SS_PROTO_ICMPV6] = "icmpv6",
    [SS_PROTO_FRAGMENT] = "ip-fragment",
  };

  return proto < sizeof names / sizeof names[0] ? names[proto] : "unknown";
}

const char *
ss_value_name (unsigned names, uint64_t v)
{
  switch (names)
    {
    case SS_NAMES_ETHERTYPE:
      switch (v)
        {
        case 0x0800: return "IPv4";
        case 0x0806: return "ARP";
        case 0x86dd: return "IPv6";
        case 0x8100: return "802.1Q";
        case 0x88a8: return "802.1ad";
        case 0x88cc: return "LLDP";
        default: return NULL;
        }
    case SS_NAMES_IPPROTO:
      switch (v)
        {
        case 0: return "IPv6 hop-by-hop options";
        case 1: return "ICMP";
        case 2: return "IGMP";
        case 6: return "TCP";
        case 17: return "UDP";
        case 41: return "IPv6";
        case 43: return "IPv6 routing header";
        case 44: return "IPv6 fragment header";
        case 47: return "GRE";
        case 50: return "ESP";
        case 51: return "AH";
        case 58: return "ICMPv6";
        case 59: return "No next header";
        case 60: return "IPv6 destination options";
        case 132: return "SCTP";
        default: return NULL;
        }
    case SS_NAMES_ICMP_TYPE:
      switch (v)
        {
        case 0: return "Echo reply";
        case 3: return "Destination unreachable";
        case 4: return "Source quench";
        case 5: return "Redirect";
        case 8: return "Echo request";
        case 9: return "Router advertisement";
        case 10: return "Router solicitation";
        case 11: return "Time exceeded";
        case 12: return "Parameter problem";
        case 13: return "Timestamp request";
        case 14: return "Timestamp reply";
        default: return NULL;
        }
    case SS_NAMES_ICMP_UNREACH:
      switch (v)
        {
        case 0: return "Network unreachable";
        case 1: return "Host unreachable";
        case 2: return "Protocol unreachable";
        case 3: return "Port unreachable";
        case 4: return "Fragmentation needed";
        case 9: case 10: case 13: return "Administratively prohibited";
        default: return NULL;
        }
    case SS_NAMES_ICMPV6_TYPE:
      switch (v)
        {
        case 1: return "Destination unreachable";
        case 2: return "Packet too big";
        case 3: return "Time exceeded";
        case 4: return "Parameter problem";
        case 128: return "Echo request";
        case 129: return "Echo reply";
        case 133: return "Router solicitation";
        case 134: return "Router advertisement";
        case 135: return "Neighbor solicitation";
        case 136: return "Neighbor advertisement";
        case 143: return "Multicast listener report v2";
        default: return NULL;
        }
    case SS_NAMES_ICMPV6_UNREACH:
      switch (v)
        {
        case 0: return "No route to destination";
        case 1: return "Administratively prohibited";
        case 3: return "Address unreachable";
        case 4: return "Port unreachable";
        default: return NULL;
        }
    case SS_NAMES_ARP_OP:
      return v == 1 ? "request" : v == 2 ? "reply" : NULL;
    case SS_NAMES_ARP_HW:
      switch (v)
        {
        case 1: return "Ethernet";
        case 772: return "Loopback";
        case 776: return "IPv6-in-IPv4";
        default: return NULL;
        }
    case SS_NAMES_SLL_PKTTYPE:
      switch (v)
        {
        case 0: return "Unicast to us";
        case 1: return "Broadcast";
        case 2: return "Multicast";
        case 3: return "Unicast to another host";
        case 4: return "Sent by us";
        default: return NULL;
        }
    case SS_NAMES_TCP_OPT:
      switch (v)
        {
        case 0: return "End of option list";
        case 1: return "No-operation";
        case 2: return "Maximum segment size";
        case 3: return "Window scale";
        case 4: return "SACK permitted";
        case 5: return "SACK";
        case 8: return "Timestamps";
        case 19: return "MD5 signature";
        case 28: return "User timeout";
        case 29: return "TCP authentication";
        case 30: return "Multipath TCP";
        case 34: return "TCP Fast Open cookie";
        default: return NULL;
        }
    case SS_NAMES_IPV4_OPT:
      switch (v)
        {
        case 0: return "End of options list";
        case 1: return "No-operation";
        case 7: return "Record route";
        case 68: return "Timestamp";
        case 130: return "Security";
        case 131: return "Loose source route";
        case 137: return "Strict source route";
        case 148: return "Router alert";
        default: return NULL;
        }
    case SS_NAMES_IPV6_OPT:
      switch (v)
        {
        case 0x00: return "Pad1";
        case 0x01: return "PadN";
        case 0x04: return "Tunnel encapsulation limit";
        case 0x05: return "Router alert";
        case 0xc2: return "Jumbo payload";
        default: return NULL;
        }
    case SS_NAMES_NULL_FAMILY:
      switch (v)
        {
        case 2: return "IPv4";
        case 10: case 24: case 28: case 30: return "IPv6";
        default: return NULL;
        }
    default:
      return NULL;
    }
}

const char *
ss_field_format (const SsField *f, const uint8_t *data, uint32_t caplen, char *buf, size_t len)
{
  char num[64];
  const char *name;
  bool has_bytes = data != NULL && f->offset <= caplen && f->length <= caplen - f->offset;
  const uint8_t *p = has_bytes ? data + f->offset : NULL;

  if (len == 0)
    return buf;
  buf[0] = '\0';
  num[0] = '\0';
  switch (f->kind)
    {
    case SS_FIELD_NONE:
      return buf;
    case SS_FIELD_UINT:
      snprintf (num, sizeof num, "%" PRIu64, f->value);
      break;
    case SS_FIELD_HEX:
      {
        int digits = 2 * (int) f->length;

        if (f->mask != 0)
          digits = (32 - __builtin_clz (f->mask) - __builtin_ctz (f->mask) + 3) / 4;
        snprintf (num, sizeof num, "0x%0*" PRIx64, digits, f->value);
      }
      break;
    case SS_FIELD_FLAG:
      snprintf (buf, len, "%s", f->value ? "Set" : "Not set");
      return buf;
    case SS_FIELD_WORDS4:
      snprintf (buf, len, "%" PRIu64 " bytes (%" PRIu64 ")", f->value, f->value / 4);
      return buf;
    case SS_FIELD_EXTLEN:
      snprintf (buf, len, "%" PRIu64 " (%" PRIu64 " bytes)", f->value, (f->value + 1) * 8);
      return buf;
    case SS_FIELD_UNITS8:
      snprintf (buf, len, "%" PRIu64 " bytes (%" PRIu64 ")", f->value * 8, f->value);
      return buf;
    case SS_FIELD_MAC:
      if (p != NULL && f->length == 6)
        snprintf (buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4], p[5]);
      return buf;
    case SS_FIELD_IPV4:
    case SS_FIELD_IPV6:
      if (p != NULL && f->length == (f->kind == SS_FIELD_IPV4 ? 4u : 16u))
        {
          char a[46];

          if (inet_ntop (f->kind == SS_FIELD_IPV4 ? AF_INET : AF_INET6, p, a, sizeof a) != NULL)
            snprintf (buf, len, "%s", a);
        }
      return buf;
    case SS_FIELD_BYTES:
      if (p != NULL)
        {
          size_t o = 0;

          for (uint32_t i = 0; i < f->length && i < 64 && o + 3 < len; i++)
            o += (size_t) snprintf (buf + o, len - o, "%02x", p[i]);
          if (f->length > 64 && o + 4 <= len)
            memcpy (buf + o, "...", 4);
        }
      return buf;
    default:
      return buf;
    }

  name = ss_value_name (f->names, f->value);
  if (name != NULL)
    snprintf (buf, len, "%s (%s)", name, num);
  else
    snprintf (buf, len, "%s", num);
  return buf;
}
