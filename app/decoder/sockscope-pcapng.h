/* sockscope-pcapng.h: write pcapng files (libc only).
 *
 * One section (SHB with shb_userappl), interfaces with if_name and if_tsresol = 9 (ns),
 * Enhanced Packet Blocks with an optional opt_comment. Written little-endian.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _SsPcapngWriter SsPcapngWriter;

/* Writes the SHB; NULL with errno on failure. application may be NULL. */
SsPcapngWriter *ss_pcapng_writer_new (FILE *out, const char *application);
/* Returns the interface id, or -1 with errno. name may be NULL. */
int  ss_pcapng_writer_add_interface (SsPcapngWriter *w, uint16_t linktype, uint32_t snaplen, const char *name);
/* 0, or -1 with errno (EINVAL for an unknown interface). comment: nullable UTF-8. */
int  ss_pcapng_writer_add_packet (SsPcapngWriter *w, int iface, uint64_t t_ns, const uint8_t *data,
                                  uint32_t caplen, uint32_t origlen, const char *comment);
/* Flushes and frees (does not close out); 0, or -1 with errno when anything failed. */
int  ss_pcapng_writer_finish (SsPcapngWriter *w);

#ifdef __cplusplus
}
#endif
