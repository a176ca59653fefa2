/* sockscope-packet-label.h: the short label of a packet in the sequence diagram, such as
 * "SYN seq=0 win=65495" or "PSH,ACK seq=1 ack=1 len=5", with relative sequence numbers. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _SockscopeSeqTracker SockscopeSeqTracker;

SockscopeSeqTracker *sockscope_seq_tracker_new   (void);
void                 sockscope_seq_tracker_free  (SockscopeSeqTracker *tracker);
/* pkt: the packet event's "pkt" object. relative: count from each direction's first seq. */
char                *sockscope_packet_label      (SockscopeSeqTracker *tracker,
                                                  JsonObject          *pkt,
                                                  gboolean             relative);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeSeqTracker, sockscope_seq_tracker_free)

G_END_DECLS
