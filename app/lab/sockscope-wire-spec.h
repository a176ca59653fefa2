/* sockscope-wire-spec.h: the wire's rules, one grammar for lesson `wire:` lines, the CLI's
 * --wire, --interactive, the window's wire panel and the lab's `wire` command.
 *
 * Plain C, no GLib (like the call catalogue): the lab applies a spec to its wire, the session
 * layer checks one without starting a lab. A spec is comma-separated `key=value` words (see
 * docs/LAB-PROTOCOL.md); each word changes the current wire, so a spec is applied on top of the
 * wire's present state:
 *
 *   SsWireConfig wire;
 *   char err[256];
 *   ss_wire_config_init (&wire);
 *   if (!ss_wire_spec_apply (&wire, "dir=a>b,loss=20%,seed=7", err, sizeof err))
 *     fprintf (stderr, "--wire: %s\n", err);   // "loss=120%": a loss is between 0% and 100%
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  SS_WIRE_A_TO_B = 0, /* "a>b" */
  SS_WIRE_B_TO_A = 1, /* "b>a" */
  SS_WIRE_N_DIRS = 2,
} SsWireDir;

#define SS_WIRE_RULE_LEN 40
#define SS_WIRE_MTU_MIN 1280
#define SS_WIRE_MTU_MAX 1500   /* the forwarder's ring slots hold an Ethernet frame */
#define SS_WIRE_MTU_DEFAULT 1500

/* One direction's rules. A probability is in millionths (0..1,000,000); a count of 0 is off;
 * each rule keeps its word as written (normalised) for the `rule` member of wire events. */
typedef struct
{
  uint32_t loss_ppm;
  char loss_rule[SS_WIRE_RULE_LEN];

  uint32_t drop_next;      /* drop the next N frames */
  uint32_t drop_syn;       /* drop the next N SYN (not SYN-ACK) segments */
  uint32_t drop_syn_ack;   /* drop the next N SYN-ACK segments */
  uint32_t drop_fin;       /* drop the next N segments carrying FIN */
  uint32_t drop_data_nth;  /* drop the Nth TCP segment carrying data from now (1 = the next) */
  uint32_t drop_every;     /* drop every Nth frame (counted from when the rule was set) */
  uint32_t every_count;    /* frames seen since drop=every was set */
  char drop_next_rule[SS_WIRE_RULE_LEN];
  char drop_syn_rule[SS_WIRE_RULE_LEN];
  char drop_syn_ack_rule[SS_WIRE_RULE_LEN];
  char drop_fin_rule[SS_WIRE_RULE_LEN];
  char drop_data_rule[SS_WIRE_RULE_LEN];
  char drop_every_rule[SS_WIRE_RULE_LEN];

  uint64_t delay_ns;
  uint64_t jitter_ns;      /* each frame's delay is uniform in [delay - jitter, delay + jitter] */
  char delay_rule[SS_WIRE_RULE_LEN];
  char jitter_rule[SS_WIRE_RULE_LEN];

  uint32_t dup_ppm;
  uint32_t dup_next;
  char dup_rule[SS_WIRE_RULE_LEN];

  uint32_t reorder_ppm;
  uint32_t reorder_next;
  char reorder_rule[SS_WIRE_RULE_LEN];

  uint64_t rate_Bps;       /* bytes per second, 0 = no limit */
  char rate_rule[SS_WIRE_RULE_LEN];
} SsWireDirRules;

typedef struct
{
  SsWireDirRules dir[SS_WIRE_N_DIRS];
  unsigned mtu;            /* the hosts' eth0 MTU */
  uint64_t seed;
  /* set by ss_wire_spec_apply when the spec named them, for the lab to act on; the lab clears
   * them once done */
  bool mtu_changed;
  bool seed_changed;
} SsWireConfig;

/* A perfect wire: nothing dropped, delayed or limited, MTU 1500, seed 1. */
void ss_wire_config_init (SsWireConfig *config);

/* Applies SPEC's words in order to CONFIG. On an error, CONFIG is left as it was, false is
 * returned and ERR (if not NULL) holds one message naming the word: `"loss=120%": a loss is
 * between 0% and 100%` (front ends prefix it with where the spec came from). */
bool ss_wire_spec_apply (SsWireConfig *config, const char *spec, char *err, size_t err_len);

/* Checks SPEC as ss_wire_spec_apply would, on a scratch wire. */
bool ss_wire_spec_check (const char *spec, char *err, size_t err_len);

/* "a>b" / "b>a". */
const char *ss_wire_dir_name (SsWireDir dir);

/* true when no rule of any direction changes a frame (the forwarder's fast path). */
bool ss_wire_config_is_perfect (const SsWireConfig *config);

#ifdef __cplusplus
}
#endif
