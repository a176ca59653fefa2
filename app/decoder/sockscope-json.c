/* sockscope-json.c: JSON text writer for decoded frames. */
#include "sockscope-json.h"
#include "sockscope-decoder.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 512

void
ss_str_init (SsStr *s)
{
  s->data = NULL;
  s->len = 0;
  s->cap = 0;
}

void
ss_str_clear (SsStr *s)
{
  free (s->data);
  ss_str_init (s);
}

void
ss_str_truncate (SsStr *s, size_t len)
{
  if (len < s->len)
    {
      s->len = len;
      s->data[len] = '\0';
    }
}

/* Room for n more bytes and a NUL; out of memory is fatal, as in GLib. */
static void
reserve (SsStr *s, size_t n)
{
  size_t cap;
  char *p;

  if (s->len + n + 1 <= s->cap)
    return;
  cap = s->cap ? s->cap : 256;
  while (cap < s->len + n + 1)
    cap *= 2;
  p = realloc (s->data, cap);
  if (p == NULL)
    abort ();
  s->data = p;
  s->cap = cap;
}

void
ss_str_append (SsStr *s, const char *bytes, size_t len)
{
  reserve (s, len);
  memcpy (s->data + s->len, bytes, len);
  s->len += len;
  s->data[s->len] = '\0';
}

void
ss_str_append_c (SsStr *s, char c)
{
  reserve (s, 1);
  s->data[s->len++] = c;
  s->data[s->len] = '\0';
}

void
ss_str_printf (SsStr *s, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (n <= 0)
    return;
  reserve (s, (size_t) n);
  va_start (ap, fmt);
  vsnprintf (s->data + s->len, (size_t) n + 1, fmt, ap);
  va_end (ap);
  s->len += (size_t) n;
}

static void
append_str (SsStr *s, const char *str)
{
  ss_str_append (s, str, strlen (str));
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes are not one. */
static size_t
utf8_sequence (const unsigned char *p, size_t left)
{
  unsigned c = p[0];
  size_t n;
  uint32_t cp;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  if (n > left)
    return 0;
  for (size_t i = 1; i < n; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      cp = cp << 6 | (p[i] & 0x3f);
    }
  /* overlong forms, surrogates and code points past U+10FFFF are not UTF-8 */
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
      || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

void
ss_str_append_json_string (SsStr *s, const char *utf8, size_t len)
{
  const unsigned char *p = (const unsigned char *) utf8;
  size_t i = 0;

  ss_str_append_c (s, '"');
  while (i < len)
    {
      unsigned c = p[i];
      size_t n;

      switch (c)
        {
        case '"': ss_str_append (s, "\\\"", 2); i++; continue;
        case '\\': ss_str_append (s, "\\\\", 2); i++; continue;
        case '\n': ss_str_append (s, "\\n", 2); i++; continue;
        case '\r': ss_str_append (s, "\\r", 2); i++; continue;
        case '\t': ss_str_append (s, "\\t", 2); i++; continue;
        default: break;
        }
      n = utf8_sequence (p + i, len - i);
      if (c < 0x20 || c == 0x7f || n == 0)
        {
          ss_str_printf (s, "\\u%04x", c);
          i++;
        }
      else
        {
          ss_str_append (s, utf8 + i, n);
          i += n;
        }
    }
  ss_str_append_c (s, '"');
}

static void
append_json_or_null (SsStr *s, const char *str)
{
  if (str[0] == '\0')
    append_str (s, "null");
  else
    ss_str_append_json_string (s, str, strlen (str));
}

static void
field_value (SsStr *s, const SsField *f, const char *shown)
{
  switch (f->kind)
    {
    case SS_FIELD_NONE:
      append_str (s, "null");
      break;
    case SS_FIELD_FLAG:
      append_str (s, f->value ? "true" : "false");
      break;
    case SS_FIELD_UINT:
    case SS_FIELD_HEX:
    case SS_FIELD_WORDS4:
    case SS_FIELD_EXTLEN:
    case SS_FIELD_UNITS8:
      ss_str_printf (s, "%" PRIu64, f->value);
      break;
    default:
      ss_str_append_json_string (s, shown, strlen (shown));
      break;
    }
}

/* Writes the siblings at depth starting at i, each with its subtree; returns the next index. */
static size_t
write_fields (SsStr *s, const SsField *fields, size_t n, size_t i, unsigned depth,
              const uint8_t *data, uint32_t caplen)
{
  bool first = true;

  ss_str_append_c (s, '[');
  while (i < n && fields[i].depth == depth)
    {
      const SsField *f = &fields[i];
      char shown[200];

      ss_field_format (f, data, caplen, shown, sizeof shown);
      if (!first)
        ss_str_append_c (s, ',');
      first = false;
      append_str (s, "{\"id\":");
      ss_str_append_json_string (s, f->id, strlen (f->id));
      append_str (s, ",\"label\":");
      ss_str_append_json_string (s, f->label, strlen (f->label));
      append_str (s, ",\"value\":");
      field_value (s, f, shown);
      append_str (s, ",\"show\":");
      ss_str_append_json_string (s, shown, strlen (shown));
      ss_str_printf (s, ",\"offset\":%" PRIu32 ",\"length\":%" PRIu32, f->offset, f->length);
      if (f->mask != 0)
        ss_str_printf (s, ",\"mask\":%" PRIu32, f->mask);
      if (f->truncated)
        append_str (s, ",\"truncated\":true");
      append_str (s, ",\"children\":");
      i = write_fields (s, fields, n, i + 1, depth + 1, data, caplen);
      ss_str_append_c (s, '}');
    }
  ss_str_append_c (s, ']');
  return i;
}

static void
append_number_or_null (SsStr *s, const char *key, bool known, uint32_t v)
{
  append_str (s, key);
  if (known)
    ss_str_printf (s, "%" PRIu32, v);
  else
    append_str (s, "null");
}

static void
json_packet (SsStr *s, uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen,
             bool with_fields)
{
  SsField fields[MAX_FIELDS];
  SsDecodeResult res;
  const SsPacketSummary *sum = &res.summary;
  char a[46], fl[16];
  bool ports, tcp;
  unsigned have;

  ss_packet_decode (linktype, data, caplen, origlen, with_fields ? fields : NULL, MAX_FIELDS, &res);
  tcp = sum->proto == SS_PROTO_TCP;
  ports = tcp || sum->proto == SS_PROTO_UDP;
  /* A cut header gives the fields whose bytes were captured, null for the others. */
  have = sum->l4_caplen;

  append_str (s, "{\"proto\":\"");
  append_str (s, ss_proto_name (sum->proto));
  append_str (s, "\",\"src\":");
  append_json_or_null (s, ss_packet_src (sum, data, a));
  append_str (s, ",\"dst\":");
  append_json_or_null (s, ss_packet_dst (sum, data, a));
  append_number_or_null (s, ",\"sport\":", ports && have >= 4, sum->sport);
  append_number_or_null (s, ",\"dport\":", ports && have >= 4, sum->dport);
  append_str (s, ",\"flags\":");
  if (tcp && have >= 14)
    ss_str_printf (s, "\"%s\"", ss_tcp_flags_string (sum->tcp_flags, fl));
  else
    append_str (s, "null");
  append_number_or_null (s, ",\"seq\":", tcp && have >= 8, sum->seq);
  append_number_or_null (s, ",\"ack\":", tcp && have >= 12, sum->ack);
  append_number_or_null (s, ",\"win\":", tcp && have >= 16, sum->win);
  /* the payload length comes from TCP's header length or UDP's length field */
  append_number_or_null (s, ",\"len\":", !(tcp && have < 13) && !(sum->proto == SS_PROTO_UDP && have < 6),
                         sum->payload_len);
  ss_str_printf (s, ",\"truncated\":%s,\"malformed\":%s,\"reason\":",
                 (sum->status & SS_STATUS_TRUNCATED) ? "true" : "false",
                 (sum->status & SS_STATUS_MALFORMED) ? "true" : "false");
  append_json_or_null (s, res.reason);
  append_str (s, ",\"summary\":");
  ss_str_append_json_string (s, res.text, strlen (res.text));
  /* A fragment of an IP datagram: which datagram (id), where in it (offset, bytes), whether
   * more follow, and the same in words. */
  append_str (s, ",\"fragment\":");
  if (sum->frag != SS_FRAG_NONE)
    ss_str_printf (s, "{\"id\":%" PRIu32 ",\"offset\":%u,\"more\":%s,\"note\":\"%s fragment of datagram id 0x%0*" PRIx32 "%s\"}",
                   sum->frag_id, (unsigned) sum->frag_off, (sum->frag & SS_FRAG_MORE) ? "true" : "false",
                   (sum->frag & SS_FRAG_FIRST) ? "first" : (sum->frag & SS_FRAG_MORE) ? "middle" : "last",
                   sum->l3 == SS_PROTO_IPV6 ? 8 : 4, sum->frag_id,
                   (sum->frag & SS_FRAG_MORE) ? ", more follow" : "");
  else
    append_str (s, "null");
  if (with_fields)
    {
      append_str (s, ",\"fields\":");
      write_fields (s, fields, res.n_fields, 0, 0, data, caplen);
    }
  ss_str_append_c (s, '}');
}

void
ss_json_packet (SsStr *s, uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen)
{
  json_packet (s, linktype, data, caplen, origlen, true);
}

void
ss_json_packet_summary (SsStr *s, uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t origlen)
{
  json_packet (s, linktype, data, caplen, origlen, false);
}
