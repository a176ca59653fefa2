/* sockscope-packet-label.h: the short label of a packet in the sequence diagram, such as
 * "SYN seq=0 win=65495" or "PSH,ACK seq=1 ack=1 len=5", with relative sequence numbers, and
 * what the lab's analysis says the kernel packet is: "SYN seq=0 (again: retransmission of #3)",
 * "ICMP port unreachable: datagram #5 to 127.0.0.1:9999 refused". */
#pragma once

#include <json-glib/json-glib.h>

#include "sockscope-event-log.h"

G_BEGIN_DECLS

typedef struct _SockscopeSeqTracker SockscopeSeqTracker;

SockscopeSeqTracker *sockscope_seq_tracker_new   (void);
void                 sockscope_seq_tracker_free  (SockscopeSeqTracker *tracker);
/* event: a packet event (its "pkt" object and analysis members). relative: count from each
 * direction's first seq. */
char                *sockscope_packet_label      (SockscopeSeqTracker *tracker,
                                                  JsonObject          *event,
                                                  gboolean             relative);
/* The same from the members read without a tree (sockscope_event_log_get_packet), for any
 * packet but an ICMP error. */
char                *sockscope_packet_label_logged (SockscopeSeqTracker         *tracker,
                                                    const SockscopeLoggedPacket *packet,
                                                    gboolean                     relative);
/* The analysis members of a packet event as a phrase in the current language, without
 * brackets: "again: retransmission of #3", "dup ACK #2 of #7", "zero window", "port
 * unreachable: datagram #5 to 127.0.0.1:9999 refused" (target: where the datagram went, or
 * NULL); NULL for a plain packet (analysis NULL). of, count: 0 when unknown. */
char                *sockscope_packet_analysis_phrase (const char *analysis,
                                                       gint64      of,
                                                       gint64      count,
                                                       const char *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeSeqTracker, sockscope_seq_tracker_free)

G_END_DECLS
