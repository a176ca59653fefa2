/* sockscope-cursor.h: bounds-checked reads over a byte buffer (internal to the decoder).
 *
 * Headers are declared as structs of byte arrays, so that a raw dereference of a multi-byte
 * field does not compile; a header is obtained only through ss_cursor_peek(), which returns
 * NULL when the bytes are not all there, and its fields are read with ss_be16() and friends.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct
{
  const uint8_t *base;
  size_t         pos;
  size_t         end;
} SsCursor;

static inline void
ss_cursor_init (SsCursor *c, const uint8_t *base, size_t len)
{
  c->base = base;
  c->pos = 0;
  c->end = len;
}

static inline size_t
ss_cursor_left (const SsCursor *c)
{
  return c->pos < c->end ? c->end - c->pos : 0;
}

/* Pointer to n bytes at absolute offset off, or NULL when they are not all inside the buffer. */
static inline const void *
ss_cursor_peek (const SsCursor *c, size_t off, size_t n)
{
  if (off > c->end || n > c->end - off)
    return NULL;
  return c->base + off;
}

/* Pointer to the next n bytes, advancing past them; NULL (and no move) when they are missing. */
static inline const void *
ss_cursor_take (SsCursor *c, size_t n)
{
  const void *p = ss_cursor_peek (c, c->pos, n);

  if (p != NULL)
    c->pos += n;
  return p;
}

static inline bool
ss_cursor_skip (SsCursor *c, size_t n)
{
  return ss_cursor_take (c, n) != NULL || n == 0;
}

static inline uint16_t ss_be16 (const uint8_t p[2]) { return (uint16_t) (p[0] << 8 | p[1]); }
static inline uint16_t ss_le16 (const uint8_t p[2]) { return (uint16_t) (p[1] << 8 | p[0]); }

static inline uint32_t
ss_be32 (const uint8_t p[4])
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static inline uint32_t
ss_le32 (const uint8_t p[4])
{
  return (uint32_t) p[3] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8 | p[0];
}

/* Big-endian value of n <= 8 bytes. */
static inline uint64_t
ss_be_n (const uint8_t *p, size_t n)
{
  uint64_t v = 0;

  for (size_t i = 0; i < n; i++)
    v = v << 8 | p[i];
  return v;
}
