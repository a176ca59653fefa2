/* sockscope-pcapng.c: pcapng writer (little-endian, one section). */
#include "sockscope-pcapng.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct _SsPcapngWriter
{
  FILE    *out;
  int      n_ifaces;
  bool     failed;
  int      saved_errno;
};

static void
put (SsPcapngWriter *w, const void *p, size_t n)
{
  if (w->failed || n == 0)
    return;
  if (fwrite (p, 1, n, w->out) != n)
    {
      w->failed = true;
      w->saved_errno = errno ? errno : EIO;
    }
}

static void
put16 (SsPcapngWriter *w, uint16_t v)
{
  uint8_t b[2] = { (uint8_t) v, (uint8_t) (v >> 8) };

  put (w, b, sizeof b);
}

static void
put32 (SsPcapngWriter *w, uint32_t v)
{
  uint8_t b[4] = { (uint8_t) v, (uint8_t) (v >> 8), (uint8_t) (v >> 16), (uint8_t) (v >> 24) };

  put (w, b, sizeof b);
}

static uint32_t
pad4 (size_t n)
{
  return (uint32_t) ((n + 3) & ~(size_t) 3);
}

static void
put_padding (SsPcapngWriter *w, size_t n)
{
  static const uint8_t zeros[4];

  put (w, zeros, pad4 (n) - n);
}

/* Size of an option holding len bytes, its header included. */
static uint32_t
option_size (size_t len)
{
  return 4 + pad4 (len);
}

static void
put_option (SsPcapngWriter *w, uint16_t code, const void *value, size_t len)
{
  put16 (w, code);
  put16 (w, (uint16_t) len);
  put (w, value, len);
  put_padding (w, len);
}

/* Option values are at most 65535 bytes; longer strings are cut on a UTF-8 boundary. */
static size_t
option_len (const char *s)
{
  size_t n = s != NULL ? strlen (s) : 0;

  if (n <= 0xffff)
    return n;
  n = 0xffff;
  while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80)
    n--;
  return n;
}

SsPcapngWriter *
ss_pcapng_writer_new (FILE *out, const char *application)
{
  SsPcapngWriter *w = calloc (1, sizeof *w);
  size_t app_len = option_len (application);
  uint32_t total;

  if (w == NULL)
    return NULL;
  w->out = out;
  total = 28 + (app_len > 0 ? option_size (app_len) + 4 : 0);
  put32 (w, 0x0A0D0D0A);
  put32 (w, total);
  put32 (w, 0x1A2B3C4D);
  put16 (w, 1);
  put16 (w, 0);
  put32 (w, 0xffffffff);   /* section length unknown: we write as we go */
  put32 (w, 0xffffffff);
  if (app_len > 0)
    {
      put_option (w, 4, application, app_len);   /* shb_userappl */
      put_option (w, 0, NULL, 0);
    }
  put32 (w, total);
  if (w->failed)
    {
      int e = w->saved_errno;

      free (w);
      errno = e;
      return NULL;
    }
  return w;
}

int
ss_pcapng_writer_add_interface (SsPcapngWriter *w, uint16_t linktype, uint32_t snaplen, const char *name)
{
  static const uint8_t tsresol = 9;
  size_t name_len = option_len (name);
  uint32_t total = 20 + option_size (1) + 4 + (name_len > 0 ? option_size (name_len) : 0);

  put32 (w, 1);
  put32 (w, total);
  put16 (w, linktype);
  put16 (w, 0);
  put32 (w, snaplen);
  if (name_len > 0)
    put_option (w, 2, name, name_len);   /* if_name */
  put_option (w, 9, &tsresol, 1);        /* if_tsresol: nanoseconds */
  put_option (w, 0, NULL, 0);
  put32 (w, total);
  if (w->failed)
    {
      errno = w->saved_errno;
      return -1;
    }
  return w->n_ifaces++;
}

int
ss_pcapng_writer_add_packet (SsPcapngWriter *w, int iface, uint64_t t_ns, const uint8_t *data,
                             uint32_t caplen, uint32_t origlen, const char *comment)
{
  size_t comment_len = option_len (comment);
  uint64_t total64;
  uint32_t total;

  if (iface < 0 || iface >= w->n_ifaces || (data == NULL && caplen > 0))
    {
      errno = EINVAL;
      return -1;
    }
  total64 = 32 + (uint64_t) pad4 (caplen) + (comment_len > 0 ? option_size (comment_len) + 4 : 0);
  if (total64 > UINT32_MAX)
    {
      errno = EFBIG;
      return -1;
    }
  total = (uint32_t) total64;
  put32 (w, 6);
  put32 (w, total);
  put32 (w, (uint32_t) iface);
  put32 (w, (uint32_t) (t_ns >> 32));
  put32 (w, (uint32_t) t_ns);
  put32 (w, caplen);
  put32 (w, origlen);
  put (w, data, caplen);
  put_padding (w, caplen);
  if (comment_len > 0)
    {
      put_option (w, 1, comment, comment_len);   /* opt_comment */
      put_option (w, 0, NULL, 0);
    }
  put32 (w, total);
  if (w->failed)
    {
      errno = w->saved_errno;
      return -1;
    }
  return 0;
}

int
ss_pcapng_writer_finish (SsPcapngWriter *w)
{
  int e;
  bool failed;

  if (fflush (w->out) != 0 && !w->failed)
    {
      w->failed = true;
      w->saved_errno = errno;
    }
  failed = w->failed;
  e = w->saved_errno;
  free (w);
  if (failed)
    {
      errno = e;
      return -1;
    }
  return 0;
}
