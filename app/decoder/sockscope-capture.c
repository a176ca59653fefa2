/* sockscope-capture.c: pcap and pcapng readers over one mapped buffer. */
#include "sockscope-capture.h"
#include "sockscope-cursor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCAPNG_SHB 0x0A0D0D0Au
#define PCAPNG_IDB 1u
#define PCAPNG_PB  2u
#define PCAPNG_SPB 3u
#define PCAPNG_EPB 6u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

/* A record claiming more than this is damage, not a packet. */
#define MAX_PACKET (256u * 1024 * 1024)

typedef struct
{
  uint32_t linktype;
  uint32_t snaplen;
  uint8_t  tsresol;     /* if_tsresol as written: 10^-n, or 2^-n when the top bit is set */
  int64_t  tsoffset_s;  /* if_tsoffset */
} Iface;

struct _SsCaptureReader
{
  SsCursor        cur;          /* the whole file; pos is the next record or block */
  void           *map;
  size_t          map_len;
  uint8_t        *owned;
  char           *name;
  SsCaptureFormat format;
  bool            be;           /* pcap records / pcapng section are big-endian */
  bool            nanosecond;   /* pcap */
  uint32_t        linktype;     /* pcap */
  uint32_t        snaplen;      /* pcap */
  bool            in_section;   /* pcapng: a Section Header Block was read */
  Iface          *ifaces;
  size_t          n_ifaces;
  size_t          cap_ifaces;
  bool            failed;
  uint64_t        error_offset;
  char           *error;
};

static void fail (SsCaptureReader *r, uint64_t offset, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

static void
fail (SsCaptureReader *r, uint64_t offset, const char *fmt, ...)
{
  char what[256];
  va_list ap;
  size_t n;

  va_start (ap, fmt);
  vsnprintf (what, sizeof what, fmt, ap);
  va_end (ap);
  r->failed = true;
  r->error_offset = offset;
  n = strlen (r->name) + strlen (what) + 3;
  r->error = malloc (n);
  if (r->error != NULL)
    snprintf (r->error, n, "%s: %s", r->name, what);
}

static uint16_t
rd16 (const SsCaptureReader *r, const uint8_t *p)
{
  return r->be ? ss_be16 (p) : ss_le16 (p);
}

static uint32_t
rd32 (const SsCaptureReader *r, const uint8_t *p)
{
  return r->be ? ss_be32 (p) : ss_le32 (p);
}

static uint64_t
ts_to_ns (uint64_t ts, uint8_t tsresol)
{
  static const uint64_t pow10[] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u,
    10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
    1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u,
    10000000000000000000u,
  };
  unsigned e = tsresol & 0x7f;

  if (tsresol & 0x80)
    return e < 64 ? (uint64_t) (((unsigned __int128) ts * 1000000000u) >> e) : 0;
  if (e <= 9)
    return ts * pow10[9 - e];
  return e - 9 < sizeof pow10 / sizeof pow10[0] ? ts / pow10[e - 9] : 0;
}

static SsCaptureReader *
reader_new (const uint8_t *data, size_t len, const char *name)
{
  SsCaptureReader *r = calloc (1, sizeof *r);
  const uint8_t *m;

  if (r == NULL)
    return NULL;
  r->name = strdup (name != NULL ? name : "capture");
  if (r->name == NULL)
    {
      free (r);
      return NULL;
    }
  ss_cursor_init (&r->cur, data, len);

  if (len == 0)
    {
      fail (r, 0, "empty file, not a pcap or pcapng capture");
      return r;
    }
  m = ss_cursor_peek (&r->cur, 0, 4);
  if (m == NULL)
    {
      fail (r, 0, "not a pcap or pcapng file (%zu bytes)", len);
      return r;
    }
  if (ss_le32 (m) == PCAPNG_SHB)
    r->format = SS_CAPTURE_PCAPNG;
  else if (ss_le32 (m) == 0xa1b2c3d4u || ss_be32 (m) == 0xa1b2c3d4u)
    r->format = SS_CAPTURE_PCAP;
  else if (ss_le32 (m) == 0xa1b23c4du || ss_be32 (m) == 0xa1b23c4du)
    {
      r->format = SS_CAPTURE_PCAP;
      r->nanosecond = true;
    }
  else
    {
      fail (r, 0, "not a pcap or pcapng file (magic 0x%08" PRIx32 ")", ss_be32 (m));
      return r;
    }

  if (r->format == SS_CAPTURE_PCAP)
    {
      const uint8_t *h = ss_cursor_take (&r->cur, 24);

      r->be = ss_be32 (m) == 0xa1b2c3d4u || ss_be32 (m) == 0xa1b23c4du;
      if (h == NULL)
        fail (r, 0, "truncated pcap file header at offset 0 (needs 24 bytes, %zu left)", len);
      else if (rd16 (r, h + 4) != 2)
        fail (r, 4, "unsupported pcap version %u.%u", rd16 (r, h + 4), rd16 (r, h + 6));
      else
        {
          r->linktype = rd32 (r, h + 20) & 0xffff;   /* the upper bits carry FCS information */
          r->snaplen = rd32 (r, h + 16);
        }
    }
  return r;
}

SsCaptureReader *
ss_capture_reader_open_buffer (const uint8_t *data, size_t len, const char *name)
{
  return reader_new (data, len, name);
}

SsCaptureReader *
ss_capture_reader_open (const char *path)
{
  SsCaptureReader *r;
  struct stat st;
  void *map = NULL;
  uint8_t *owned = NULL;
  size_t len = 0;
  int fd, saved;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) < 0)
    goto error;
  if (S_ISDIR (st.st_mode))
    {
      errno = EISDIR;
      goto error;
    }
  if (S_ISREG (st.st_mode) && st.st_size > 0)
    {
      len = (size_t) st.st_size;
      map = mmap (NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map == MAP_FAILED)
        goto error;
      madvise (map, len, MADV_SEQUENTIAL | MADV_WILLNEED);
    }
  else if (!S_ISREG (st.st_mode))
    {
      /* a pipe: read it all into one buffer */
      size_t cap = 0;

      for (;;)
        {
          ssize_t n;

          if (len == cap)
            {
              uint8_t *p = realloc (owned, cap = cap ? cap * 2 : 1 << 20);

              if (p == NULL)
                goto error;
              owned = p;
            }
          n = read (fd, owned + len, cap - len);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            goto error;
          if (n == 0)
            break;
          len += (size_t) n;
        }
    }
  close (fd);

  r = reader_new (map != NULL ? map : owned, len, path);
  if (r == NULL)
    {
      saved = errno;
      if (map != NULL)
        munmap (map, len);
      free (owned);
      errno = saved;
      return NULL;
    }
  r->map = map;
  r->map_len = len;
  r->owned = owned;
  return r;

error:
  saved = errno;
  free (owned);
  close (fd);
  errno = saved;
  return NULL;
}

static int
next_pcap (SsCaptureReader *r, SsCapturePacket *pkt)
{
  size_t at = r->cur.pos;
  size_t remaining = ss_cursor_left (&r->cur);
  const uint8_t *h, *data;
  uint32_t caplen, frac;

  if (remaining == 0)
    return 0;
  h = ss_cursor_peek (&r->cur, at, 16);
  if (h == NULL)
    {
      fail (r, at, "truncated packet record header at offset %zu (needs 16 bytes, %zu left)", at, remaining);
      return -1;
    }
  caplen = rd32 (r, h + 8);
  if (caplen > MAX_PACKET)
    {
      fail (r, at, "corrupt packet record at offset %zu: captured length %" PRIu32 " is not plausible",
            at, caplen);
      return -1;
    }
  data = ss_cursor_peek (&r->cur, at + 16, caplen);
  if (data == NULL)
    {
      fail (r, at, "truncated packet record at offset %zu (needs %" PRIu64 " bytes, %zu left)",
            at, (uint64_t) caplen + 16, remaining);
      return -1;
    }
  frac = rd32 (r, h + 4);
  pkt->t_ns = (uint64_t) rd32 (r, h) * 1000000000u + (r->nanosecond ? frac : (uint64_t) frac * 1000u);
  pkt->data = data;
  pkt->caplen = caplen;
  pkt->origlen = rd32 (r, h + 12);
  /* As libpcap does: bytes past the file's snapshot length are not part of the packet, so
   * the frame reads as cut at the snapshot length. */
  if (r->snaplen != 0 && caplen > r->snaplen)
    {
      pkt->caplen = r->snaplen;
      if (pkt->origlen < caplen)
        pkt->origlen = caplen;
    }
  pkt->linktype = r->linktype;
  pkt->iface = 0;
  pkt->comment = NULL;
  pkt->comment_len = 0;
  pkt->offset = at;
  r->cur.pos = at + 16 + caplen;
  return 1;
}

static const char *
block_name (uint32_t type)
{
  switch (type)
    {
    case PCAPNG_SHB: return "Section Header Block";
    case PCAPNG_IDB: return "Interface Description Block";
    case PCAPNG_PB:  return "Packet Block";
    case PCAPNG_SPB: return "Simple Packet Block";
    case 4:          return "Name Resolution Block";
    case 5:          return "Interface Statistics Block";
    case PCAPNG_EPB: return "Enhanced Packet Block";
    default:         return "block";
    }
}

/* Finds the first option code in [p, end). Stops quietly at a damaged option:
 * the packet itself is intact, an option is only an annotation. */
static void
find_option (const SsCaptureReader *r, const uint8_t *p, const uint8_t *end, uint16_t code,
             const uint8_t **value, uint16_t *value_len)
{
  *value = NULL;
  *value_len = 0;
  while (end - p >= 4)
    {
      uint16_t c = rd16 (r, p), l = rd16 (r, p + 2);
      size_t padded = ((size_t) l + 3) & ~(size_t) 3;

      if (c == 0 || (size_t) (end - p - 4) < l)
        return;
      if (c == code)
        {
          *value = p + 4;
          *value_len = l;
          return;
        }
      if ((size_t) (end - p - 4) < padded)
        return;
      p += 4 + padded;
    }
}

static int
read_shb (SsCaptureReader *r, size_t at, size_t remaining)
{
  const uint8_t *h = ss_cursor_peek (&r->cur, at, 12);
  uint32_t magic;

  if (h == NULL)
    {
      fail (r, at, "truncated Section Header Block at offset %zu (needs 28 bytes, %zu left)", at, remaining);
      return -1;
    }
  magic = ss_le32 (h + 8);
  if (magic == BYTE_ORDER_MAGIC)
    r->be = false;
  else if (ss_be32 (h + 8) == BYTE_ORDER_MAGIC)
    r->be = true;
  else
    {
      fail (r, at, "corrupt Section Header Block at offset %zu: byte-order magic 0x%08" PRIx32,
            at, ss_be32 (h + 8));
      return -1;
    }
  r->in_section = true;
  r->n_ifaces = 0;
  return 0;
}

static int
add_iface (SsCaptureReader *r, const uint8_t *b, uint32_t total)
{
  Iface *iface;
  const uint8_t *v;
  uint16_t vl;

  if (r->n_ifaces == r->cap_ifaces)
    {
      size_t cap = r->cap_ifaces ? r->cap_ifaces * 2 : 8;
      Iface *p = realloc (r->ifaces, cap * sizeof *p);

      if (p == NULL)
        return -1;
      r->ifaces = p;
      r->cap_ifaces = cap;
    }
  iface = &r->ifaces[r->n_ifaces++];
  iface->linktype = rd16 (r, b + 8);
  iface->snaplen = rd32 (r, b + 12);
  iface->tsresol = 6;
  iface->tsoffset_s = 0;
  find_option (r, b + 16, b + total - 4, 9, &v, &vl);
  if (v != NULL && vl >= 1)
    iface->tsresol = v[0];
  find_option (r, b + 16, b + total - 4, 14, &v, &vl);
  if (v != NULL && vl >= 8)
    iface->tsoffset_s = (int64_t) (r->be ? ((uint64_t) ss_be32 (v) << 32 | ss_be32 (v + 4))
                                         : ((uint64_t) ss_le32 (v + 4) << 32 | ss_le32 (v)));
  return 0;
}

static int
next_pcapng (SsCaptureReader *r, SsCapturePacket *pkt)
{
  for (;;)
    {
      size_t at = r->cur.pos;
      size_t remaining = ss_cursor_left (&r->cur);
      const uint8_t *h, *b;
      uint32_t type, total, min, iface_id, caplen, origlen;
      uint64_t ts = 0;
      size_t data_off;
      const Iface *iface;

      if (remaining == 0)
        return 0;
      h = ss_cursor_peek (&r->cur, at, 8);
      if (h == NULL)
        {
          fail (r, at, "truncated block header at offset %zu (needs 12 bytes, %zu left)", at, remaining);
          return -1;
        }
      type = ss_le32 (h);   /* the SHB type reads the same in both byte orders */
      if (type == PCAPNG_SHB && read_shb (r, at, remaining) < 0)
        return -1;
      if (!r->in_section)
        {
          fail (r, at, "%s at offset %zu before any Section Header Block", block_name (type), at);
          return -1;
        }
      type = rd32 (r, h);
      total = rd32 (r, h + 4);
      switch (type)
        {
        case PCAPNG_SHB: min = 28; break;
        case PCAPNG_IDB: min = 20; break;
        case PCAPNG_SPB: min = 16; break;
        case PCAPNG_EPB: case PCAPNG_PB: min = 32; break;
        default: min = 12; break;
        }
      if (total < min || total % 4 != 0)
        {
          fail (r, at, "corrupt %s at offset %zu: block length %" PRIu32 " (must be a multiple of 4, at least %" PRIu32 ")",
                block_name (type), at, total, min);
          return -1;
        }
      b = ss_cursor_peek (&r->cur, at, total);
      if (b == NULL)
        {
          fail (r, at, "truncated %s at offset %zu (needs %" PRIu32 " bytes, %zu left)",
                block_name (type), at, total, remaining);
          return -1;
        }
      if (rd32 (r, b + total - 4) != total)
        {
          fail (r, at, "corrupt %s at offset %zu: trailing length %" PRIu32 " differs from %" PRIu32,
                block_name (type), at, rd32 (r, b + total - 4), total);
          return -1;
        }
      r->cur.pos = at + total;

      switch (type)
        {
        case PCAPNG_SHB:
          if (rd16 (r, b + 12) != 1)
            {
              fail (r, at, "unsupported pcapng version %u.%u in Section Header Block at offset %zu",
                    rd16 (r, b + 12), rd16 (r, b + 14), at);
              return -1;
            }
          continue;
        case PCAPNG_IDB:
          if (add_iface (r, b, total) < 0)
            {
              fail (r, at, "out of memory");
              return -1;
            }
          continue;
        case PCAPNG_SPB:
          iface_id = 0;
          origlen = rd32 (r, b + 8);
          caplen = origlen < total - 16 ? origlen : total - 16;
          data_off = 12;
          break;
        case PCAPNG_EPB:
        case PCAPNG_PB:
          iface_id = type == PCAPNG_EPB ? rd32 (r, b + 8) : rd16 (r, b + 8);
          ts = (uint64_t) rd32 (r, b + 12) << 32 | rd32 (r, b + 16);
          caplen = rd32 (r, b + 20);
          origlen = rd32 (r, b + 24);
          data_off = 28;
          if (caplen > total - 32)
            {
              fail (r, at, "corrupt %s at offset %zu: captured length %" PRIu32 " exceeds the block (%" PRIu32 " bytes)",
                    block_name (type), at, caplen, total);
              return -1;
            }
          break;
        default:
          continue;   /* statistics, name resolution, custom blocks: nothing to show */
        }

      if (iface_id >= r->n_ifaces)
        {
          fail (r, at, "%s at offset %zu refers to interface %" PRIu32 " but the section describes %zu",
                block_name (type), at, iface_id, r->n_ifaces);
          return -1;
        }
      iface = &r->ifaces[iface_id];
      /* As for pcap: bytes past the interface's snapshot length are not part of the packet. */
      if (iface->snaplen != 0 && caplen > iface->snaplen)
        {
          if (origlen < caplen)
            origlen = caplen;
          caplen = iface->snaplen;
        }

      pkt->t_ns = ts_to_ns (ts, iface->tsresol) + (uint64_t) iface->tsoffset_s * 1000000000u;
      pkt->data = b + data_off;
      pkt->caplen = caplen;
      pkt->origlen = origlen;
      pkt->linktype = iface->linktype;
      pkt->iface = iface_id;
      pkt->offset = at;
      pkt->comment = NULL;
      pkt->comment_len = 0;
      if (type != PCAPNG_SPB)
        {
          const uint8_t *v;
          uint16_t vl;

          find_option (r, b + data_off + (((size_t) caplen + 3) & ~(size_t) 3), b + total - 4, 1, &v, &vl);
          pkt->comment = (const char *) v;
          pkt->comment_len = vl;
        }
      return 1;
    }
}

int
ss_capture_reader_next (SsCaptureReader *r, SsCapturePacket *pkt)
{
  if (r->failed)
    return -1;
  return r->format == SS_CAPTURE_PCAP ? next_pcap (r, pkt) : next_pcapng (r, pkt);
}

const char *
ss_capture_reader_error (const SsCaptureReader *r)
{
  if (!r->failed)
    return NULL;
  return r->error != NULL ? r->error : "damaged capture file";
}

uint64_t
ss_capture_reader_error_offset (const SsCaptureReader *r)
{
  return r->error_offset;
}

SsCaptureFormat
ss_capture_reader_format (const SsCaptureReader *r)
{
  return r->format;
}

const uint8_t *
ss_capture_reader_bytes (const SsCaptureReader *r, size_t *len)
{
  *len = r->cur.end;
  return r->cur.base;
}

void
ss_capture_reader_close (SsCaptureReader *r)
{
  if (r == NULL)
    return;
  if (r->map != NULL)
    munmap (r->map, r->map_len);
  free (r->owned);
  free (r->ifaces);
  free (r->error);
  free (r->name);
  free (r);
}
