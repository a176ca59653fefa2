/* sockscope-json.h: JSON text for decoded frames (libc only). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct { char *data; size_t len, cap; } SsStr;   /* growable string, malloc'd */

void ss_str_init (SsStr *s);
void ss_str_clear (SsStr *s);   /* frees; the string can be used again after ss_str_init */
void ss_str_truncate (SsStr *s, size_t len);
void ss_str_append (SsStr *s, const char *bytes, size_t len);
void ss_str_append_c (SsStr *s, char c);
void ss_str_printf (SsStr *s, const char *fmt, ...) __attribute__ ((format (printf, 2, 3), nonnull (2)));
/* Quoted and escaped; invalid UTF-8 bytes as \u00XX. */
void ss_str_append_json_string (SsStr *s, const char *utf8, size_t len);

/* Appends one JSON object describing the frame, WITHOUT n and t_ns:
 * {"proto":"tcp","src":"127.0.0.1","dst":"127.0.0.1","sport":41562,"dport":7777,"flags":"S",
 *  "seq":123,"ack":0,"win":65495,"len":0,"truncated":false,"malformed":false,"reason":null,
 *  "summary":"IP 127.0.0.1.41562 > ...","fields":[...]}
 * proto: tcp udp icmp icmpv6 arp, or the lowest layer understood: ipv4 ipv6 eth unknown.
 * src/dst: "" -> null. sport/dport: TCP/UDP only; flags/seq/ack/win: TCP only; else null.
 * len: transport payload length (ss_packet_summarize's payload_len).
 * Each field: {"id":"ip.src","label":"Source address","value":"127.0.0.1","show":"127.0.0.1",
 *  "offset":26,"length":4,"children":[...]} plus "mask" for bit fields. value is a number
 *  (decimal, raw value), true/false for one-bit flags, a string for addresses and bytes
 *  (lowercase hex, cut with "..." past 64 bytes), null for protocol/group nodes; show is the
 *  text ss_field_format() renders. */
void ss_json_packet (SsStr *s, uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen);
/* The same object without "fields": what the lab puts in each packet event, where the field
 * tree would cost most of the time and space and is derived from the raw bytes when shown. */
void ss_json_packet_summary (SsStr *s, uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen);

#ifdef __cplusplus
}
#endif
