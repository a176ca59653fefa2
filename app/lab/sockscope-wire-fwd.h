/* sockscope-wire-fwd.h: the wire, the lab's user-space forwarder between wire-a and wire-b.
 *
 * Plain C, a process of its own (forked by the lab once the hosts exist, or by
 * bench/wire-bench): it reads every frame a host puts on its eth0 from a packet socket on the
 * lab's end of that veth, applies the wire's rules (sockscope-wire-spec.h) and writes the frame
 * to the other veth, at once or when its delay is over. It tells its control socket (a
 * SOCK_SEQPACKET socketpair) about every frame it read (SS_WIRE_MSG_FRAME, with the frame) and
 * every decision (SS_WIRE_MSG_DECISION), never waiting for the reader: the reports the reader has
 * no room for wait in the forwarder's memory (up to 256 MiB, then they are counted as lost); a
 * frame is never held back by the log.
 *
 * Control messages to the forwarder: "S" + a spec (applied as ss_wire_spec_apply does; the lab
 * checks it first), "T" (answered with one SS_WIRE_MSG_STATS), "Y" + 8 bytes (the forwarder reads
 * every frame waiting in its sockets, then answers SS_WIRE_MSG_SYNC with those 8 bytes in `id`:
 * the lab logs a call's return after the frames the call sent). Its first message is a
 * SS_WIRE_MSG_STATS too, once its packet sockets are open: from then on no frame is missed.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  SS_WIRE_MSG_FRAME = 1,
  SS_WIRE_MSG_DECISION,
  SS_WIRE_MSG_STATS,
  SS_WIRE_MSG_IDLE,    /* the last frame waiting in the wire has left */
  SS_WIRE_MSG_SYNC,    /* answers "Y": every frame read before it was reported before it */
} SsWireMsgKind;

typedef enum
{
  SS_WIRE_ACT_DROP = 1,
  SS_WIRE_ACT_DELAY,
  SS_WIRE_ACT_DUPLICATE,
  SS_WIRE_ACT_REORDER,
} SsWireAction;

typedef struct
{
  uint32_t kind;       /* SsWireMsgKind */
  uint32_t dir;        /* SsWireDir */
  uint64_t id;         /* the frame's number, from 1, both directions together */
  uint64_t t_ns;       /* FRAME: when its host put it on the wire (CLOCK_REALTIME) */
  uint32_t len;        /* FRAME: bytes (all of them follow the header) */
  uint32_t action;     /* DECISION: SsWireAction */
  uint64_t delay_ns;   /* DECISION: from t_ns until delivered (not for a drop) */
  uint64_t behind;     /* REORDER: the id of the frame it was held behind */
  uint32_t queued;     /* frames waiting in the wire to leave (delayed; not those held to reorder) */
  uint32_t pad;
  char     rule[88];   /* DECISION: the rule's words, "loss=20%" */
} SsWireMsg;

typedef struct
{
  uint32_t kind;       /* SS_WIRE_MSG_STATS */
  uint32_t pad;
  uint64_t frames_in[2];     /* read per direction */
  uint64_t frames_out[2];    /* written per direction (copies included) */
  uint64_t dropped[2];       /* by a rule */
  uint64_t send_errors[2];   /* writes the kernel refused: unintended drops */
  uint64_t ring_drops[2];    /* frames the packet socket's queue lost (PACKET_STATISTICS) */
  uint64_t reports_lost;     /* reports the control socket had no room for */
} SsWireStats;

/* Runs the forwarder until CTL is closed; returns its exit status. */
int ss_wire_forwarder_run (const int wire_ifindex[2], int ctl);

#ifdef __cplusplus
}
#endif
