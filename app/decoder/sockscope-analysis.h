/* sockscope-analysis.h: what a kernel packet is, from the packets themselves (libc only).
 *
 * An SsAnalyzer is fed every frame of a capture in order and names the packets that teach, as
 * Wireshark's TCP analysis does: a retransmission (of which packet), a duplicate ACK (of which
 * ACK, the how-manieth), a zero window, a window update, a window probe, a keep-alive, and an
 * ICMP/ICMPv6 port unreachable (quoting which UDP datagram). It keeps a capped table of TCP
 * flows and a ring of recent datagrams, so its memory does not grow with the capture.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "sockscope-decoder.h"
#include "sockscope-json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  SS_ANALYSIS_NONE,
  SS_ANALYSIS_RETRANSMISSION,       /* a segment sent again (its data, SYN or FIN) */
  SS_ANALYSIS_FAST_RETRANSMISSION,  /* ... right after duplicate ACKs asked for it */
  SS_ANALYSIS_DUP_ACK,              /* the same ACK again, nothing else new */
  SS_ANALYSIS_ZERO_WINDOW,          /* the sender's receive buffer is full */
  SS_ANALYSIS_WINDOW_UPDATE,        /* only the window changed */
  SS_ANALYSIS_WINDOW_PROBE,         /* one byte past a zero window, to see if it opened */
  SS_ANALYSIS_KEEP_ALIVE,           /* one byte (or none) below what was already sent */
  SS_ANALYSIS_SYN_IGNORED,          /* a SYN the listener dropped (the lab says so: queue full) */
  SS_ANALYSIS_PORT_UNREACHABLE,     /* ICMP/ICMPv6 port unreachable */
  SS_ANALYSIS_N_KINDS
} SsAnalysisKind;

typedef struct {
  uint8_t  kind;    /* SsAnalysisKind */
  uint64_t of;      /* packet number it refers to (retransmitted segment, first ACK, quoted
                     * datagram), 0 when none or unknown */
  uint32_t count;   /* duplicate ACK: 1 for the first duplicate, 2 for the next... */
} SsAnalysis;

typedef struct _SsAnalyzer SsAnalyzer;

/* max_flows: TCP connections remembered at once (the oldest is forgotten); 0 for a default. */
SsAnalyzer *ss_analyzer_new  (size_t max_flows);
void        ss_analyzer_free (SsAnalyzer *a);
/* Feeds packet n (numbers grow with each call) with its summary and frame bytes; *out says
 * what it is. Frames that are malformed or whose transport header was cut are not analyzed. */
void        ss_analyzer_feed (SsAnalyzer *a, uint64_t n, const SsPacketSummary *s,
                              const uint8_t *data, SsAnalysis *out);
/* "retransmission", "fast-retransmission", "dup-ack", "zero-window", "window-update",
 * "window-probe", "keep-alive", "syn-ignored", "port-unreachable"; NULL for none. */
const char *ss_analysis_name (unsigned kind);
/* The analysis members of a packet event (docs/EVENT-LOG.md), each after a comma:
 * ,"analysis":"dup-ack","analysis_of":7,"analysis_count":2 (null members for none). */
void        ss_analysis_append_json (SsStr *out, const SsAnalysis *an);

#ifdef __cplusplus
}
#endif
