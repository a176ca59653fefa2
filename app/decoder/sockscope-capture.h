/* sockscope-capture.h: read pcap and pcapng files (libc only).
 *
 * The file is mapped (or, for pipes, read once into one buffer) and packets are returned as
 * pointers into it: no allocation per packet. pcap: both byte orders, micro- and nanosecond
 * magic. pcapng: SHB, IDB (if_tsresol, if_tsoffset), EPB, SPB, OPB, opt_comment, several
 * interfaces with their own link types, several sections, both byte orders; other blocks are
 * skipped. A damaged file yields the packets before the damage, then one error that names the
 * file and the byte offset, e.g.
 *   "x.pcapng: truncated Enhanced Packet Block at offset 1234 (needs 96 bytes, 40 left)".
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  SS_CAPTURE_UNKNOWN,
  SS_CAPTURE_PCAP,
  SS_CAPTURE_PCAPNG,
} SsCaptureFormat;

typedef struct {
  uint64_t       t_ns;         /* since the epoch */
  const uint8_t *data;         /* caplen bytes, valid until the reader is closed */
  uint32_t       caplen;
  uint32_t       origlen;
  uint32_t       linktype;
  uint32_t       iface;        /* pcapng interface id within its section; 0 for pcap */
  const char    *comment;      /* first opt_comment, UTF-8, NOT NUL-terminated; NULL when none */
  uint32_t       comment_len;
  uint64_t       offset;       /* byte offset of the record or block in the file */
} SsCapturePacket;

typedef struct _SsCaptureReader SsCaptureReader;

/* NULL with errno set when the file cannot be opened or read; a file that opens but is not a
 * capture gives a reader whose first ss_capture_reader_next() fails with the reason. */
SsCaptureReader *ss_capture_reader_open (const char *path);
/* Reads from memory (not copied; must outlive the reader). name is used in error messages. */
SsCaptureReader *ss_capture_reader_open_buffer (const uint8_t *data, size_t len, const char *name);
/* 1: *pkt is the next packet; 0: end of file; -1: damaged file, see ss_capture_reader_error(). */
int ss_capture_reader_next (SsCaptureReader *r, SsCapturePacket *pkt);
const char *ss_capture_reader_error (const SsCaptureReader *r);        /* NULL when none */
uint64_t ss_capture_reader_error_offset (const SsCaptureReader *r);
SsCaptureFormat ss_capture_reader_format (const SsCaptureReader *r);
/* The whole file as mapped: packet data pointers point into it. */
const uint8_t *ss_capture_reader_bytes (const SsCaptureReader *r, size_t *len);
void ss_capture_reader_close (SsCaptureReader *r);

#ifdef __cplusplus
}
#endif
