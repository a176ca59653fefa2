/* sockscope-packet-info.h: a packet said in words for the packet list's Info column, in the
 * language of the messages: "SYN, seq 0, window 64240", "data: 5 bytes, seq 1, ack 1",
 * "retransmission of #7 — SYN, seq 0, window 64240", "ICMP port unreachable: datagram #3
 * refused", "IP fragment (offset 1256)", "data: 3000 bytes, first IP fragment"; the TCP flags by name ("SYN, ACK"); and the relative sequence numbers of any packet
 * of a log, looked up in any order (a list binds the rows it shows, not the log's order).
 * No GTK, no JSON: a caller reads the members it needs its own way (the app's list with
 * sockscope_event_log_get_string/_get_int, never a parse per row). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *proto;          /* pkt.proto: "tcp", "udp", "icmp", "icmpv6", "arp"... or NULL */
  const char *flags;          /* pkt.flags, tcpdump's letters ("S.", "P."), or NULL */
  gboolean    has_seq, has_ack, has_win, has_len;
  guint32     seq, ack;       /* as they should be read (relative, or absolute) */
  gint64      win, len;       /* window; payload bytes */
  const char *analysis;       /* the lab's name of a kernel packet, or NULL */
  gint64      analysis_of;    /* the packet it refers to (n), 0 when unknown */
  gint64      analysis_count; /* dup-ack: which duplicate, 0 when unknown */
  const char *summary;        /* pkt.summary, the decoder's one line: for what is not TCP or UDP */
  gboolean    is_fragment;    /* pkt.fragment is there: a fragment of an IP datagram */
  gint64      fragment_offset; /* pkt.fragment.offset, in bytes (0: the first fragment) */
} SockscopePacketFacts;

/* The Info text of a packet; never NULL. */
char  *sockscope_packet_info        (const SockscopePacketFacts *facts);
/* tcpdump's flag letters as names, in the order a textbook writes them: "S." → "SYN, ACK",
 * "FP." → "FIN, PSH, ACK"; "" for NULL or no flag. */
char  *sockscope_packet_flag_names  (const char                 *flags);
/* What the lab's analysis names, in words for the list: "retransmission of #7", "zero window";
 * NULL for a plain packet. */
char  *sockscope_packet_analysis_words (const char *analysis,
                                        gint64      of,
                                        gint64      count);

/* Relative sequence numbers, as Wireshark counts them: each direction of a connection from its
 * SYN's sequence number (a new SYN on the same ports starts again), or from its first packet
 * when the capture missed the SYN. Packets are added in log order; lookups come in any order. */
typedef struct _SockscopeSeqIndex SockscopeSeqIndex;

SockscopeSeqIndex *sockscope_seq_index_new    (void);
void               sockscope_seq_index_free   (SockscopeSeqIndex *index);
/* Packet @position (ascending from one call to the next) went from src:sport to dst:dport. */
void               sockscope_seq_index_add    (SockscopeSeqIndex *index,
                                               guint              position,
                                               const char        *src,
                                               gint64             sport,
                                               const char        *dst,
                                               gint64             dport,
                                               gboolean           syn,
                                               guint32            seq);
/* The initial sequence number of the direction src:sport → dst:dport at @position (the last
 * added at or before it); FALSE when none is known. */
gboolean           sockscope_seq_index_lookup (SockscopeSeqIndex *index,
                                               guint              position,
                                               const char        *src,
                                               gint64             sport,
                                               const char        *dst,
                                               gint64             dport,
                                               guint32           *isn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeSeqIndex, sockscope_seq_index_free)

G_END_DECLS
