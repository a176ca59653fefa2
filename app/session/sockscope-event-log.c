/* sockscope-event-log.c: the event log (docs/EVENT-LOG.md), its session file and its pcapng
 * projection.
 *
 * The app must hold 100,000 packets: each event is a compact record plus its JSON line in a
 * GStringChunk; SockscopeEvent items are made only when a view asks for them. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sockscope-error.h"
#include "sockscope-event-log.h"
#include "sockscope-legacy-ends.h"

typedef struct
{
  const char *line;      /* in lines */
  const char *actor;     /* interned, or NULL */
  gint64      t_ns;
  guint64     seq;
  int         step;      /* 0: none */
  guint8      type;      /* SockscopeEventType */
} Record;

/* The actors met last, interned: a log of 100,000 events names a handful of actors, and
 * g_intern_string takes a lock and a copy. One per reader (the loading thread has its own). */
typedef struct
{
  const char *names[8];
  guint       next;
} ActorCache;

struct _SockscopeEventLog
{
  GObject       parent_instance;
  GArray       *records;
  GStringChunk *lines;
  GPtrArray    *buffers;         /* files read whole: a loaded session's lines stay in them */
  /* A session loaded in two parts (sockscope_event_log_load_head): the lines not read yet. */
  char         *rest;            /* in the last buffer; NULL when all is read */
  gsize         rest_offset;     /* rest's offset in the file */
  gboolean      rest_in_prefix;  /* rest points into a buffer holding the file's beginning */
  guint         rest_number;     /* the file's line number of its first line */
  char         *rest_path;
  SockscopeLegacyEnds *rest_legacy;
  char         *lesson_id;
  char         *lesson_text;     /* the lesson's file, as the session header embeds it, or NULL */
  char         *lesson_path;     /* where it was read when recorded, or NULL */
  char         *lang;
  int           fd;              /* session file being written, or -1 */
  char         *path;
  int           write_errno;     /* first failed write, 0 if none */
  ActorCache    actors;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SockscopeEventLog, sockscope_event_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return SOCKSCOPE_TYPE_EVENT;
}

static guint
get_n_items (GListModel *model)
{
  return SOCKSCOPE_EVENT_LOG (model)->records->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  SockscopeEventLog *self = SOCKSCOPE_EVENT_LOG (model);
  const Record *r;

  if (position >= self->records->len)
    return NULL;
  r = &g_array_index (self->records, Record, position);
  return sockscope_event_new (position, r->seq, r->t_ns, r->type, r->step, r->actor, r->line);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
sockscope_event_log_finalize (GObject *object)
{
  SockscopeEventLog *self = SOCKSCOPE_EVENT_LOG (object);

  if (self->fd >= 0)
    close (self->fd);
  g_array_unref (self->records);
  g_string_chunk_free (self->lines);
  g_ptr_array_unref (self->buffers);
  g_free (self->rest_path);
  g_clear_pointer (&self->rest_legacy, sockscope_legacy_ends_free);
  g_free (self->lesson_id);
  g_free (self->lesson_text);
  g_free (self->lesson_path);
  g_free (self->lang);
  g_free (self->path);

  G_OBJECT_CLASS (sockscope_event_log_parent_class)->finalize (object);
}

static void
sockscope_event_log_class_init (SockscopeEventLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sockscope_event_log_finalize;
}

static void
sockscope_event_log_init (SockscopeEventLog *self)
{
  self->records = g_array_new (FALSE, FALSE, sizeof (Record));
  self->lines = g_string_chunk_new (64 * 1024);
  self->buffers = g_ptr_array_new_with_free_func (g_free);
  self->fd = -1;
}

SockscopeEventLog *
sockscope_event_log_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_EVENT_LOG, NULL);
}

/* One write() per line, so that a killed process leaves at most a partial last line. */
static int
write_line (int         fd,
            const char *line)
{
  gsize len = strlen (line);
  g_autofree char *buf = g_malloc (len + 1);
  gsize done = 0;

  memcpy (buf, line, len);
  buf[len] = '\n';
  while (done < len + 1)
    {
      ssize_t n = write (fd, buf + done, len + 1 - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return errno;
      done += n;
    }
  return 0;
}

/* The members front ends read, and the JSON type each must have when present (null is
 * allowed but for seq and type): a session file edited or damaged so that "raw" is a number
 * must be refused here, not crash a view that reads it as a string. */
typedef struct
{
  const char *name;
  guint8      len;       /* strlen (name) */
  char        kind;      /* 's' string, 'i' integer, 'b' boolean, 'o' object, 'a' array */
} MemberType;

#define M(name, kind) { name, sizeof name - 1, kind }

static const MemberType event_members[] = {
  M ("seq", 'i'), M ("t_ns", 'i'), M ("type", 's'), M ("step", 'i'), M ("actor", 's'),
  M ("pkt", 'o'), M ("raw", 's'), M ("linktype", 'i'), M ("caplen", 'i'), M ("origlen", 'i'),
  M ("cause", 'i'), M ("cause_text", 's'), M ("call", 's'), M ("call_seq", 'i'), M ("text", 's'),
  M ("assign", 's'), M ("args", 'a'), M ("errno", 's'), M ("strerror", 's'), M ("ret", 'i'),
  M ("out", 'o'), M ("event", 's'), M ("signal", 's'), M ("level", 's'), M ("state", 's'),
  M ("local", 's'), M ("peer", 's'), M ("proto", 's'), M ("family", 's'), M ("socktype", 's'),
  M ("fd", 'i'), M ("recv_q", 'i'), M ("send_q", 'i'), M ("pid", 'i'), M ("parent", 's'),
  M ("n", 'i'), M ("tcp", 'o'), M ("from", 's'), M ("to", 's'), M ("from_fd", 'i'), M ("to_fd", 'i'),
  M ("sock", 'i'), M ("last_actor", 's'), M ("last_fd", 'i'), M ("inode", 'i'), M ("v6only", 'b'),
  M ("analysis", 's'), M ("analysis_of", 'i'), M ("analysis_count", 'i'),
};
static const MemberType pkt_members[] = {
  M ("proto", 's'), M ("src", 's'), M ("dst", 's'), M ("sport", 'i'), M ("dport", 'i'),
  M ("flags", 's'), M ("seq", 'i'), M ("ack", 'i'), M ("win", 'i'), M ("len", 'i'),
  M ("summary", 's'), M ("reason", 's'), M ("truncated", 'b'), M ("malformed", 'b'),
};
static const MemberType header_members[] = {
  M ("sockscope_session", 'i'), M ("lesson", 's'), M ("lang", 's'), M ("started_ns", 'i'), M ("lesson_text", 's'), M ("lesson_path", 's'),
};
static const MemberType out_members[] = {
  M ("data", 's'), M ("addr", 's'), M ("data_hex", 's'), M ("flags", 's'), M ("len", 'i'),
};

static gboolean
node_has_kind (JsonNode *node,
               char      kind)
{
  switch (kind)
    {
    case 'o':
      return JSON_NODE_HOLDS_OBJECT (node);
    case 'a':
      return JSON_NODE_HOLDS_ARRAY (node);
    case 's':
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
    case 'i':
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
    case 'b':
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    default:
      return FALSE;
    }
}

/* The first member of @o whose type is wrong, or NULL. */
static const char *
wrong_member (JsonObject       *o,
              const MemberType *members,
              gsize             n_members)
{
  for (gsize i = 0; i < n_members; i++)
    {
      JsonNode *node = json_object_get_member (o, members[i].name);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !node_has_kind (node, members[i].kind))
        return members[i].name;
    }
  return NULL;
}

/* A strict JSON scanner for one event line, without building a tree: a session of 100,000
 * events loads in a fraction of the time json-glib takes to parse each line. It validates the
 * whole line (RFC 8259 grammar, UTF-8) and keeps the top-level members a Record needs. */
typedef struct
{
  const char *p;
  guint       depth;
} Scan;

#define SCAN_MAX_DEPTH 64

static void
scan_space (Scan *s)
{
  while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')
    s->p++;
}

/* The bytes a string holds as they are: not a control character, a quote or a backslash. */
#define PLAIN(c) ((c) >= 0x20 && (c) != '"' && (c) != '\\')
#define PLAIN_8(b) PLAIN (b), PLAIN (b + 1), PLAIN (b + 2), PLAIN (b + 3), PLAIN (b + 4), PLAIN (b + 5), \
                   PLAIN (b + 6), PLAIN (b + 7)
#define PLAIN_32(b) PLAIN_8 (b), PLAIN_8 (b + 8), PLAIN_8 (b + 16), PLAIN_8 (b + 24)
static const guint8 plain_byte[256] = {
  PLAIN_32 (0x00), PLAIN_32 (0x20), PLAIN_32 (0x40), PLAIN_32 (0x60),
  PLAIN_32 (0x80), PLAIN_32 (0xa0), PLAIN_32 (0xc0), PLAIN_32 (0xe0),
};

/* A string; *start and *len give its raw bytes between the quotes, *escaped whether it has \. */
static gboolean
scan_string (Scan        *s,
             const char **start,
             gsize       *len,
             gboolean    *escaped)
{
  const char *q;

  if (*s->p != '"')
    return FALSE;
  q = ++s->p;
  *escaped = FALSE;
  for (;;)
    {
      guchar c;

      /* Most bytes are plain (base64 frames): skip them in a tight loop. */
      while (plain_byte[(guchar) *s->p])
        s->p++;
      c = (guchar) *s->p;
      if (c == '"')
        break;
      if (c < 0x20)
        return FALSE;
      if (c == '\\')
        {
          *escaped = TRUE;
          s->p++;
          if (*s->p == 'u')
            {
              for (int i = 1; i <= 4; i++)
                if (!g_ascii_isxdigit (s->p[i]))
                  return FALSE;
              s->p += 4;
            }
          else if (strchr ("\"\\/bfnrt", *s->p) == NULL || *s->p == '\0')
            return FALSE;
        }
      s->p++;
    }
  *start = q;
  *len = (gsize) (s->p - q);
  s->p++;
  return TRUE;
}

static gboolean
scan_number (Scan *s)
{
  const char *p = s->p;

  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (g_ascii_isdigit (*p))
      p++;
  else
    return FALSE;
  if (*p == '.')
    {
      if (!g_ascii_isdigit (*++p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  s->p = p;
  return TRUE;
}

/* A member's key, the colon after it and the spaces around: s->p is left on the value. */
static gboolean
scan_key (Scan        *s,
          const char **k,
          gsize       *klen,
          gboolean    *escaped)
{
  if (!scan_string (s, k, klen, escaped))
    return FALSE;
  scan_space (s);
  if (*s->p++ != ':')
    return FALSE;
  scan_space (s);
  return TRUE;
}

static gboolean scan_value (Scan *s);

static gboolean
scan_container (Scan *s,
                char  close)
{
  if (++s->depth > SCAN_MAX_DEPTH)
    return FALSE;
  s->p++;
  scan_space (s);
  if (*s->p == close)
    {
      s->p++;
      s->depth--;
      return TRUE;
    }
  for (;;)
    {
      if (close == '}')
        {
          const char *k;
          gsize klen;
          gboolean esc;

          if (!scan_key (s, &k, &klen, &esc))
            return FALSE;
        }
      if (!scan_value (s))
        return FALSE;
      scan_space (s);
      if (*s->p == ',')
        {
          s->p++;
          scan_space (s);
          continue;
        }
      if (*s->p != close)
        return FALSE;
      s->p++;
      s->depth--;
      return TRUE;
    }
}

static gboolean
scan_value (Scan *s)
{
  const char *start;
  gsize len;
  gboolean esc;

  scan_space (s);
  switch (*s->p)
    {
    case '{':
      return scan_container (s, '}');
    case '[':
      return scan_container (s, ']');
    case '"':
      return scan_string (s, &start, &len, &esc);
    case 't':
      return strncmp (s->p, "true", 4) == 0 ? (s->p += 4, TRUE) : FALSE;
    case 'f':
      return strncmp (s->p, "false", 5) == 0 ? (s->p += 5, TRUE) : FALSE;
    case 'n':
      return strncmp (s->p, "null", 4) == 0 ? (s->p += 4, TRUE) : FALSE;
    default:
      return scan_number (s);
    }
}

static gboolean
key_is (const char *k,
        gsize       len,
        const char *name)
{
  return strlen (name) == len && memcmp (k, name, len) == 0;
}

/* The integer at p (as scan_number accepted it), or FALSE if it is not a plain integer. */
static gboolean
read_int (const char *p,
          const char *end,
          gint64     *out)
{
  char *stop = NULL;
  gint64 v;

  /* Most are read here (seqs, fds, times in ns): up to 19 digits, which a guint64 holds; the
   * rest, and what overflows a gint64, as g_ascii_strtoll reads them. */
  if (end > p && end - p <= 19 + (*p == '-'))
    {
      const char *q = p + (*p == '-');
      guint64 u = 0;

      if (q == end)
        return FALSE;
      for (; q < end; q++)
        {
          if (*q < '0' || *q > '9')
            return FALSE;
          u = u * 10 + (guint64) (*q - '0');
        }
      if (u <= (guint64) G_MAXINT64)
        {
          *out = *p == '-' ? -(gint64) u : (gint64) u;
          return TRUE;
        }
    }
  v = g_ascii_strtoll (p, &stop, 10);

  if (stop != end)
    return FALSE;
  *out = v;
  return TRUE;
}

/* The JSON type of the value at s->p, as MemberType spells it ('n' for null, 'd' for a
 * number that is not an integer), without moving. */
static char
value_kind (const Scan *s)
{
  const char *p = s->p;

  switch (*p)
    {
    case '"': return 's';
    case '{': return 'o';
    case '[': return 'a';
    case 't': case 'f': return 'b';
    case 'n': return 'n';
    default:
      if (*p == '-')
        p++;
      while (g_ascii_isdigit (*p))
        p++;
      return (*p == '.' || *p == 'e' || *p == 'E') ? 'd' : 'i';
    }
}

static const MemberType *
find_member (const MemberType *members,
             gsize             n_members,
             const char       *k,
             gsize             klen)
{
  for (gsize i = 0; i < n_members; i++)
    if (members[i].len == klen && members[i].name[0] == k[0] && memcmp (members[i].name, k, klen) == 0)
      return &members[i];
  return NULL;
}

/* An object whose known members must have their types: *wrong_type is set if one has not. */
static gboolean
scan_typed_object (Scan             *s,
                   const MemberType *members,
                   gsize             n_members,
                   gboolean         *wrong_type)
{
  if (*s->p != '{' || ++s->depth > SCAN_MAX_DEPTH)
    return FALSE;
  s->p++;
  scan_space (s);
  if (*s->p == '}')
    {
      s->p++;
      s->depth--;
      return TRUE;
    }
  for (;;)
    {
      const char *k;
      gsize klen;
      gboolean esc;
      const MemberType *m;
      char kind;

      if (!scan_key (s, &k, &klen, &esc))
        return FALSE;
      kind = value_kind (s);
      if ((m = find_member (members, n_members, k, klen)) != NULL && kind != 'n' && kind != m->kind)
        *wrong_type = TRUE;
      if (!scan_value (s))
        return FALSE;
      scan_space (s);
      if (*s->p == ',')
        {
          s->p++;
          scan_space (s);
          continue;
        }
      if (*s->p++ != '}')
        return FALSE;
      s->depth--;
      return TRUE;
    }
}


static const char *
intern_actor (ActorCache *cache,
              const char *name,
              gsize       len)
{
  char small[128];
  g_autofree char *copy = NULL;
  const char *interned;

  for (guint i = 0; i < G_N_ELEMENTS (cache->names) && cache->names[i] != NULL; i++)
    if (strncmp (cache->names[i], name, len) == 0 && cache->names[i][len] == '\0')
      return cache->names[i];
  if (len < sizeof small)
    {
      memcpy (small, name, len);
      small[len] = '\0';
      interned = g_intern_string (small);
    }
  else
    interned = g_intern_string ((copy = g_strndup (name, len)));
  cache->names[cache->next] = interned;
  cache->next = (cache->next + 1) % G_N_ELEMENTS (cache->names);
  return interned;
}

/* Whether @len bytes are ASCII without a NUL, eight at a time: what the lab writes, mostly (a
 * quicker yes than g_utf8_validate_len's). */
static gboolean
ascii_without_nul (const char *p,
                   gsize       len)
{
  const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080), ones = G_GUINT64_CONSTANT (0x0101010101010101);
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 v;

      memcpy (&v, p + i, 8);
      if ((v & high) != 0 || ((v - ones) & ~v & high) != 0)
        return FALSE;
    }
  for (; i < len; i++)
    if ((guchar) p[i] >= 0x80 || p[i] == '\0')
      return FALSE;
  return TRUE;
}

/* @len: the line's length, or -1 when it ends at its NUL. */
static gboolean
parse_record (const char  *line,
              gssize       len_or_nul,
              ActorCache  *cache,
              Record      *r,
              const char **why)
{
  Scan s = { line, 0 };
  gboolean has_seq = FALSE, has_type = FALSE, wrong_type = FALSE;
  char type[32] = "";
  gint64 v;

  memset (r, 0, sizeof *r);
  *why = N_("not a JSON object");
  /* a NUL inside a line of known length is refused too (g_utf8_validate_len) */
  if (!(len_or_nul < 0 ? g_utf8_validate (line, -1, NULL)
                       : ascii_without_nul (line, len_or_nul) || g_utf8_validate_len (line, len_or_nul, NULL)))
    return FALSE;
  scan_space (&s);
  if (*s.p != '{')
    return FALSE;
  s.p++;
  s.depth = 1;
  scan_space (&s);
  if (*s.p == '}')
    s.p++;
  else
    for (;;)
      {
        const char *k, *vstart, *str;
        gsize klen, len;
        gboolean esc;

        if (!scan_key (&s, &k, &klen, &esc))
          return FALSE;
        vstart = s.p;
        {
          const MemberType *m = find_member (event_members, G_N_ELEMENTS (event_members), k, klen);
          char kind = value_kind (&s);

          /* seq and type may not even be null. */
          if (m != NULL && kind != m->kind && (kind != 'n' || key_is (k, klen, "seq") || key_is (k, klen, "type")))
            wrong_type = TRUE;
        }
        if (*s.p == '{' && (key_is (k, klen, "pkt") || key_is (k, klen, "out")))
          {
            gboolean pkt = key_is (k, klen, "pkt");

            if (!scan_typed_object (&s, pkt ? pkt_members : out_members,
                                    pkt ? G_N_ELEMENTS (pkt_members) : G_N_ELEMENTS (out_members),
                                    &wrong_type))
              return FALSE;
          }
        else if (*s.p == '"')
          {
            if (!scan_string (&s, &str, &len, &esc))
              return FALSE;
            if (key_is (k, klen, "type"))
              {
                has_type = TRUE;
                if (!esc && len < sizeof type)
                  {
                    memcpy (type, str, len);
                    type[len] = '\0';
                  }
              }
            else if (key_is (k, klen, "actor"))
              {
                if (esc)
                  {
                    /* Rare: let json-glib unescape it. */
                    g_autofree char *quoted = g_strndup (str - 1, len + 2);
                    g_autoptr(JsonNode) node = json_from_string (quoted, NULL);

                    r->actor = node && JSON_NODE_HOLDS_VALUE (node) ? g_intern_string (json_node_get_string (node)) : NULL;
                  }
                else
                  r->actor = intern_actor (cache, str, len);
              }
            else if (key_is (k, klen, "seq"))
              return (*why = N_("not an event (no seq or type)"), FALSE);
          }
        else
          {
            if (!scan_value (&s))
              return FALSE;
            if (key_is (k, klen, "seq"))
              {
                if (!read_int (vstart, s.p, &v))
                  return (*why = N_("not an event (no seq or type)"), FALSE);
                r->seq = v;
                has_seq = TRUE;
              }
            else if (key_is (k, klen, "t_ns") && read_int (vstart, s.p, &v))
              r->t_ns = v;
            else if (key_is (k, klen, "step") && read_int (vstart, s.p, &v))
              r->step = (int) v;
            else if (key_is (k, klen, "type"))
              has_type = TRUE;
          }
        scan_space (&s);
        if (*s.p == ',')
          {
            s.p++;
            scan_space (&s);
            continue;
          }
        if (*s.p++ != '}')
          return FALSE;
        break;
      }
  scan_space (&s);
  if (*s.p != '\0')
    return FALSE;
  if (!has_seq || !has_type)
    {
      *why = N_("not an event (no seq or type)");
      return FALSE;
    }
  if (wrong_type)
    {
      *why = N_("a member has the wrong type");
      return FALSE;
    }
  r->type = sockscope_event_type_from_string (type);
  return TRUE;
}

/* Appends one event line as the lab sent it; rejects a line that is not an event. */
gboolean
sockscope_event_log_append (SockscopeEventLog  *self,
                            const char         *line,
                            GError            **error)
{
  Record r;
  const char *why = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), FALSE);

  if (!parse_record (line, -1, &self->actors, &r, &why))
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PROTOCOL, _("bad event: %s"), _(why));
      return FALSE;
    }
  r.line = g_string_chunk_insert (self->lines, line);
  g_array_append_val (self->records, r);

  if (self->fd >= 0 && self->write_errno == 0)
    self->write_errno = write_line (self->fd, line);

  g_list_model_items_changed (G_LIST_MODEL (self), self->records->len - 1, 0, 1);
  return TRUE;
}

/**
 * sockscope_event_log_append_quietly:
 * @line: an event line, NUL-terminated after its @len bytes
 *
 * Appends @line as sockscope_event_log_append() does, but tells no view yet: a reader of many
 * lines at once (the lab client, tens of thousands of events a second from a traced program)
 * tells them once for all with sockscope_event_log_announce(). FALSE, and nothing appended,
 * when the line is not an event (or not UTF-8).
 */
gboolean
sockscope_event_log_append_quietly (SockscopeEventLog *self,
                                    const char        *line,
                                    gsize              len)
{
  Record r;
  const char *why = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), FALSE);

  if (!parse_record (line, (gssize) len, &self->actors, &r, &why))
    return FALSE;
  r.line = g_string_chunk_insert_len (self->lines, line, (gssize) len);
  g_array_append_val (self->records, r);

  if (self->fd >= 0 && self->write_errno == 0)
    self->write_errno = write_line (self->fd, r.line);
  return TRUE;
}

/* One items-changed for the events appended quietly from @position on. */
void
sockscope_event_log_announce (SockscopeEventLog *self,
                              guint              position)
{
  g_return_if_fail (SOCKSCOPE_IS_EVENT_LOG (self));

  if (position < self->records->len)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, self->records->len - position);
}

/* The actor of the event at @position (interned), or NULL. */
const char *
sockscope_event_log_get_actor (SockscopeEventLog *self,
                               guint              position)
{
  g_return_val_if_fail (position < self->records->len, NULL);
  return g_array_index (self->records, Record, position).actor;
}

guint
sockscope_event_log_get_n_events (SockscopeEventLog *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), 0);
  return self->records->len;
}

const char *
sockscope_event_log_get_line (SockscopeEventLog *self,
                              guint              position)
{
  g_return_val_if_fail (position < self->records->len, NULL);
  return g_array_index (self->records, Record, position).line;
}

SockscopeEventType
sockscope_event_log_get_event_type (SockscopeEventLog *self,
                                    guint              position)
{
  g_return_val_if_fail (position < self->records->len, SOCKSCOPE_EVENT_OTHER);
  return g_array_index (self->records, Record, position).type;
}

int
sockscope_event_log_get_step (SockscopeEventLog *self,
                              guint              position)
{
  g_return_val_if_fail (position < self->records->len, 0);
  return g_array_index (self->records, Record, position).step;
}

/* Building a tree from a line the scanner accepted when it was appended: the syntax is known to
 * be right, so this only reads. It gives what json-glib's parser gives (integers as gint64,
 * other numbers as double, the last of two members with the same name) in a fifth of its time:
 * a window opening a session of 100,000 events projects each of them. */
static JsonNode *build_value (Scan *s);

static guint
hex4 (const char *p)
{
  guint v = 0;

  for (int i = 0; i < 4; i++)
    v = (v << 4) | (guint) g_ascii_xdigit_value (p[i]);
  return v;
}

/* The string between the quotes (len bytes at start), unescaped. */
static char *
unescape (const char *start,
          gsize       len,
          gboolean    escaped)
{
  const char *end = start + len;
  GString *out;

  if (!escaped)
    return g_strndup (start, len);
  out = g_string_sized_new (len);
  for (const char *p = start; p < end; p++)
    {
      gunichar c;

      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      switch (*++p)
        {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          c = hex4 (p + 1);
          p += 4;
          /* A surrogate pair is one character. */
          if (c >= 0xd800 && c <= 0xdbff && p + 6 < end + 1 && p[1] == '\\' && p[2] == 'u')
            {
              guint low = hex4 (p + 3);

              if (low >= 0xdc00 && low <= 0xdfff)
                {
                  c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                  p += 6;
                }
            }
          g_string_append_unichar (out, c);
          break;
        default:   /* " \ / */
          g_string_append_c (out, *p);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

static JsonNode *
build_object (Scan *s)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  s->p++;
  scan_space (s);
  while (*s->p == '"')
    {
      const char *k;
      gsize klen;
      gboolean esc;
      char name[64];
      g_autofree char *long_name = NULL;
      JsonNode *value;

      scan_key (s, &k, &klen, &esc);
      if (!esc && klen < sizeof name)
        {
          memcpy (name, k, klen);
          name[klen] = '\0';
        }
      else
        long_name = unescape (k, klen, esc);
      value = build_value (s);
      json_object_set_member (object, long_name != NULL ? long_name : name, value);
      scan_space (s);
      if (*s->p == ',')
        {
          s->p++;
          scan_space (s);
        }
    }
  s->p++;   /* } */
  json_node_take_object (node, object);
  return node;
}

static JsonNode *
build_array (Scan *s)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  s->p++;
  scan_space (s);
  while (*s->p != ']')
    {
      json_array_add_element (array, build_value (s));
      scan_space (s);
      if (*s->p == ',')
        {
          s->p++;
          scan_space (s);
        }
    }
  s->p++;
  json_node_take_array (node, array);
  return node;
}

static JsonNode *
build_value (Scan *s)
{
  const char *start = s->p;
  JsonNode *node;
  gsize len;
  gboolean esc;
  gint64 v;

  scan_space (s);
  switch (value_kind (s))
    {
    case 'o':
      return build_object (s);
    case 'a':
      return build_array (s);
    case 's':
      scan_string (s, &start, &len, &esc);
      node = json_node_new (JSON_NODE_VALUE);
      if (!esc && len < 256)
        {
          char text[256];

          memcpy (text, start, len);
          text[len] = '\0';
          json_node_set_string (node, text);
        }
      else
        {
          g_autofree char *text = unescape (start, len, esc);

          json_node_set_string (node, text);
        }
      return node;
    case 'b':
      node = json_node_init_boolean (json_node_alloc (), *s->p == 't');
      s->p += *s->p == 't' ? 4 : 5;
      return node;
    case 'n':
      s->p += 4;
      return json_node_new (JSON_NODE_NULL);
    default:
      start = s->p;
      scan_number (s);
      if (value_kind (&(Scan) { start, 0 }) == 'i' && read_int (start, s->p, &v))
        return json_node_init_int (json_node_alloc (), v);
      return json_node_init_double (json_node_alloc (), g_ascii_strtod (start, NULL));
    }
}

static JsonObject *
build_event (const char *line)
{
  Scan s = { line, 0 };
  g_autoptr(JsonNode) node = NULL;

  scan_space (&s);
  node = build_value (&s);
  return json_object_ref (json_node_get_object (node));
}

/* The event at @position, parsed; free with json_object_unref(). */
JsonObject *
sockscope_event_log_parse (SockscopeEventLog *self,
                           guint              position)
{
  const char *line = sockscope_event_log_get_line (self, position);

  g_return_val_if_fail (line != NULL, NULL);

  return build_event (line);
}

/* @line parsed, if it is an event the log accepts (a JSON object with a seq and a type), NULL
 * if not: as sockscope_event_log_parse, in a fifth of json-glib's time. The lab client reads
 * the lab's events with it (a traced program makes tens of thousands a second). */
JsonObject *
sockscope_event_log_parse_line (const char *line)
{
  const char *why = NULL;
  ActorCache actors = { { NULL } };
  Record r;

  g_return_val_if_fail (line != NULL, NULL);

  if (!parse_record (line, -1, &actors, &r, &why))
    return NULL;
  return build_event (line);
}


/* A packet event's members for a diagram, read in one pass over its line (no tree: a window
 * projects 100,000 of them). The strings are copied into p->text. */
static gboolean
packet_string (SockscopeLoggedPacket *p,
               gsize                 *used,
               Scan                  *s,
               const char           **out)
{
  const char *start;
  gsize len;
  gboolean esc;

  if (*s->p == 'n')
    {
      s->p += 4;
      *out = NULL;
      return TRUE;
    }
  if (*s->p != '"' || !scan_string (s, &start, &len, &esc) || esc || *used + len + 1 > sizeof p->text)
    return FALSE;   /* escaped or long: the caller parses the line */
  memcpy (p->text + *used, start, len);
  p->text[*used + len] = '\0';
  *out = p->text + *used;
  *used += len + 1;
  return TRUE;
}

static gboolean
packet_int (Scan     *s,
            gboolean *has,
            gint64   *out)
{
  const char *start = s->p;

  *has = FALSE;
  if (*s->p == 'n')
    {
      s->p += 4;
      return TRUE;
    }
  if (value_kind (s) != 'i' || !scan_number (s))
    return FALSE;
  *has = read_int (start, s->p, out);
  return *has;
}

/* pkt.fragment's offset (the object at s->p); skips its other members. */
static gboolean
fragment_members (Scan                  *s,
                  SockscopeLoggedPacket *p)
{
  gboolean has;

  s->p++;
  scan_space (s);
  while (*s->p == '"')
    {
      const char *k;
      gsize klen;
      gboolean esc;

      if (!scan_key (s, &k, &klen, &esc) || esc)
        return FALSE;
      if (key_is (k, klen, "offset") ? !packet_int (s, &has, &p->fragment_offset) : !scan_value (s))
        return FALSE;
      scan_space (s);
      if (*s->p == ',')
        {
          s->p++;
          scan_space (s);
        }
    }
  if (*s->p != '}')
    return FALSE;
  s->p++;
  p->is_fragment = TRUE;
  return TRUE;
}

/* Reads the members of the object at s->p a diagram draws (those of pkt when in_pkt); skips the
 * others. */
static gboolean
packet_members (Scan                  *s,
                SockscopeLoggedPacket *p,
                gsize                 *used,
                gboolean               in_pkt)
{
  gboolean has;

  s->p++;
  scan_space (s);
  while (*s->p == '"')
    {
      const char *k;
      gsize klen;
      gboolean esc, ok = TRUE;

      if (!scan_key (s, &k, &klen, &esc) || esc)
        return FALSE;
#define KEY(name) key_is (k, klen, name)
      if (!in_pkt && KEY ("pkt") && *s->p == '{')
        ok = packet_members (s, p, used, TRUE);
      else if (!in_pkt && KEY ("seq"))
        ok = packet_int (s, &has, &p->seq);
      else if (!in_pkt && KEY ("t_ns"))
        ok = packet_int (s, &has, &p->t_ns);
      else if (!in_pkt && KEY ("cause"))
        ok = packet_int (s, &p->has_cause, &p->cause);
      else if (!in_pkt && KEY ("from"))
        ok = packet_string (p, used, s, &p->from);
      else if (!in_pkt && KEY ("to"))
        ok = packet_string (p, used, s, &p->to);
      else if (!in_pkt && KEY ("wire"))
        ok = packet_string (p, used, s, &p->wire);
      else if (!in_pkt && KEY ("analysis"))
        ok = packet_string (p, used, s, &p->analysis);
      else if (!in_pkt && KEY ("analysis_of"))
        ok = packet_int (s, &has, &p->analysis_of);
      else if (!in_pkt && KEY ("analysis_count"))
        ok = packet_int (s, &has, &p->analysis_count);
      else if (in_pkt && KEY ("proto"))
        ok = packet_string (p, used, s, &p->proto);
      else if (in_pkt && KEY ("src"))
        ok = packet_string (p, used, s, &p->src);
      else if (in_pkt && KEY ("dst"))
        ok = packet_string (p, used, s, &p->dst);
      else if (in_pkt && KEY ("flags"))
        ok = packet_string (p, used, s, &p->flags);
      else if (in_pkt && KEY ("summary"))
        ok = packet_string (p, used, s, &p->summary);
      else if (in_pkt && KEY ("sport"))
        ok = packet_int (s, &has, &p->sport);
      else if (in_pkt && KEY ("dport"))
        ok = packet_int (s, &has, &p->dport);
      else if (in_pkt && KEY ("seq"))
        ok = packet_int (s, &has, &p->pkt_seq);
      else if (in_pkt && KEY ("ack"))
        ok = packet_int (s, &has, &p->ack);
      else if (in_pkt && KEY ("win"))
        ok = packet_int (s, &has, &p->win);
      else if (in_pkt && KEY ("len"))
        ok = packet_int (s, &has, &p->len);
      else if (in_pkt && KEY ("fragment") && *s->p == '{')
        ok = fragment_members (s, p);
      else
        ok = scan_value (s);
#undef KEY
      if (!ok)
        return FALSE;
      scan_space (s);
      if (*s->p == ',')
        {
          s->p++;
          scan_space (s);
        }
    }
  if (*s->p != '}')
    return FALSE;
  s->p++;
  return TRUE;
}

/**
 * sockscope_event_log_get_packet:
 *
 * The members of the packet event at @position a diagram draws, without a tree (a member named
 * twice: the last, as json-glib reads it). FALSE when the event is not a packet, has a string
 * that needs unescaping or does not fit, or is an ICMP error (its label reads the frame): then
 * parse it.
 */
gboolean
sockscope_event_log_get_packet (SockscopeEventLog     *self,
                                guint                  position,
                                SockscopeLoggedPacket *p)
{
  Scan s = { NULL, 0 };
  gsize used = 0;

  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), FALSE);

  if (position >= self->records->len ||
      g_array_index (self->records, Record, position).type != SOCKSCOPE_EVENT_PACKET)
    return FALSE;
  memset (p, 0, sizeof *p);
  p->sport = p->dport = p->pkt_seq = p->ack = p->win = p->len = G_MININT64;
  s.p = g_array_index (self->records, Record, position).line;
  scan_space (&s);
  if (*s.p != '{' || !packet_members (&s, p, &used, FALSE))
    return FALSE;
  return p->proto != NULL && g_strcmp0 (p->analysis, "port-unreachable") != 0;
}

/* Whether the escaped key k (klen bytes between its quotes) reads as name once unescaped. */
static gboolean
key_unescaped_is (const char *k,
                  gsize       klen,
                  const char *name,
                  gsize       name_len)
{
  g_autofree char *quoted = g_strndup (k - 1, klen + 2);
  g_autoptr(JsonNode) node = json_from_string (quoted, NULL);
  const char *key = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

  return key != NULL && strlen (key) == name_len && memcmp (key, name, name_len) == 0;
}

/* Finds member @name (@name_len bytes of it) in the object at s->p and leaves s->p on its
 * value. If the name comes twice, the last one counts, as json-glib reads it. The line was
 * validated when it was appended, so the scan only has to skip. */
static gboolean
seek_member (Scan       *s,
             const char *name,
             gsize       name_len)
{
  const char *found = NULL;

  scan_space (s);
  if (*s->p != '{')
    return FALSE;
  s->p++;
  scan_space (s);
  while (*s->p == '"')
    {
      const char *k;
      gsize klen;
      gboolean esc;

      if (!scan_key (s, &k, &klen, &esc))
        return FALSE;
      if (esc ? key_unescaped_is (k, klen, name, name_len) : (klen == name_len && memcmp (k, name, klen) == 0))
        found = s->p;
      if (!scan_value (s))
        return FALSE;
      scan_space (s);
      if (*s->p != ',')
        break;
      s->p++;
      scan_space (s);
    }
  if (found == NULL)
    return FALSE;
  s->p = found;
  return TRUE;
}

/* Leaves s->p on the value at @path ("summary", or "pkt.summary" for a member of an object
 * member) of the event at @position; FALSE if there is none. */
static gboolean
seek_path (SockscopeEventLog *self,
           guint              position,
           const char        *path,
           Scan              *s)
{
  s->p = sockscope_event_log_get_line (self, position);
  s->depth = 0;
  if (s->p == NULL)
    return FALSE;
  for (;;)
    {
      const char *dot = strchr (path, '.');
      gsize len = dot != NULL ? (gsize) (dot - path) : strlen (path);

      if (!seek_member (s, path, len))
        return FALSE;
      if (dot == NULL)
        return TRUE;
      path = dot + 1;
    }
}

/* The string at @path of the event at @position, unescaped, without parsing the whole line (a
 * view of 100,000 packets asks for a few members of each row it shows); NULL if it is absent,
 * null or not a string. */
char *
sockscope_event_log_get_string (SockscopeEventLog *self,
                                guint              position,
                                const char        *path)
{
  Scan s;
  const char *start;
  gsize len;
  gboolean esc;

  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), NULL);

  if (!seek_path (self, position, path, &s) || !scan_string (&s, &start, &len, &esc))
    return NULL;
  if (esc)
    {
      /* Rare in what the lab writes: let json-glib unescape it. */
      g_autofree char *quoted = g_strndup (start - 1, len + 2);
      g_autoptr(JsonNode) node = json_from_string (quoted, NULL);

      return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? g_strdup (json_node_get_string (node)) : NULL;
    }
  return g_strndup (start, len);
}

/* The integer at @path of the event at @position in *out; FALSE if it is absent, null or not
 * an integer. */
gboolean
sockscope_event_log_get_int (SockscopeEventLog *self,
                             guint              position,
                             const char        *path,
                             gint64            *out)
{
  Scan s;
  const char *start;

  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), FALSE);

  if (!seek_path (self, position, path, &s) || value_kind (&s) != 'i')
    return FALSE;
  start = s.p;
  return scan_number (&s) && read_int (start, s.p, out);
}

const char *
sockscope_event_log_get_lesson_id (SockscopeEventLog *self)
{
  return self->lesson_id;
}

const char *
sockscope_event_log_get_lang (SockscopeEventLog *self)
{
  return self->lang;
}

/* The text of the lesson the session was recorded with, or NULL for a session older than
 * format 2. */
const char *
sockscope_event_log_get_lesson_text (SockscopeEventLog *self)
{
  return self->lesson_text;
}

const char *
sockscope_event_log_get_lesson_path (SockscopeEventLog *self)
{
  return self->lesson_path;
}

/* Starts writing the session file: the header (which embeds the lesson's text, so the session
 * opens where the lesson is not installed), the events so far, then each event as it is
 * appended. With no @lesson, a session of traced programs: lesson "trace", as `sockscope-cli
 * trace --session` writes it. */
gboolean
sockscope_event_log_record_to (SockscopeEventLog  *self,
                               const char         *path,
                               SockscopeLesson    *lesson,
                               const char         *lang,
                               GError            **error)
{
  const char *lesson_id = lesson != NULL ? sockscope_lesson_get_id (lesson) : "trace";
  const char *lesson_text = lesson != NULL ? sockscope_lesson_get_text (lesson) : NULL;
  const char *lesson_path = lesson != NULL ? sockscope_lesson_get_path (lesson) : NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *header = NULL;
  int fd;
  int err = 0;

  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), FALSE);
  g_return_val_if_fail (self->fd < 0, FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sockscope_session");
  json_builder_add_int_value (builder, 2);
  json_builder_set_member_name (builder, "lesson");
  json_builder_add_string_value (builder, lesson_id);
  if (lesson_text != NULL)
    {
      json_builder_set_member_name (builder, "lesson_text");
      json_builder_add_string_value (builder, lesson_text);
    }
  if (lesson_path != NULL)
    {
      json_builder_set_member_name (builder, "lesson_path");
      json_builder_add_string_value (builder, lesson_path);
    }
  json_builder_set_member_name (builder, "lang");
  json_builder_add_string_value (builder, lang);
  json_builder_set_member_name (builder, "started_ns");
  json_builder_add_int_value (builder, g_get_real_time () * 1000);
  if (lesson == NULL)
    {
      json_builder_set_member_name (builder, "traced");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  header = json_to_string (root, FALSE);

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || (err = write_line (fd, header)) != 0)
    {
      int saved = errno;

      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_IO, _("cannot write the session file %s: %s"),
                   path, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  for (guint i = 0; i < self->records->len && err == 0; i++)
    err = write_line (fd, g_array_index (self->records, Record, i).line);

  g_free (self->lesson_id);
  self->lesson_id = g_strdup (lesson_id);
  g_free (self->lesson_text);
  self->lesson_text = g_strdup (lesson_text);
  g_free (self->lesson_path);
  self->lesson_path = g_strdup (lesson_path);
  g_free (self->lang);
  self->lang = g_strdup (lang);
  g_free (self->path);
  self->path = g_strdup (path);
  self->fd = fd;
  self->write_errno = err;
  return TRUE;
}

/* Closes the session file; reports a write that failed on the way. */
gboolean
sockscope_event_log_stop_recording (SockscopeEventLog  *self,
                                    GError            **error)
{
  int err = 0;

  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), FALSE);

  if (self->fd < 0)
    return TRUE;
  err = self->write_errno;
  if (close (self->fd) != 0 && err == 0)
    err = errno;
  self->fd = -1;
  if (err != 0)
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_IO, _("cannot write the session file %s: %s"),
                   self->path, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}

/* Parses the lines from *cursor (the file's line *number) into records, at most max of them;
 * leaves *cursor on the first line not read, NULL at the end. A format-1 line is rewritten with
 * legacy; the rewritten lines go to owned. FALSE with @error on a corrupt line. */
static gboolean
load_lines (GArray               *records,
            char                **cursor,
            guint                *number,
            guint                 max,
            gboolean              partial,
            SockscopeLegacyEnds  *legacy,
            GPtrArray            *owned,
            const char           *path,
            char                **warning,
            GError              **error)
{
  ActorCache actors = { { NULL } };
  char *line, *next;

  for (line = *cursor; line != NULL && max > 0; (*number)++, line = next, max--)
    {
      Record r;
      const char *why = NULL;
      char *rewritten = NULL;

      next = strchr (line, '\n');
      if (next == NULL && *line == '\0')
        {
          line = NULL;
          break;
        }
      if (next == NULL && partial)
        break;   /* the buffer holds the file's beginning: this line is read with the rest */
      if (next == NULL)
        {
          /* Every complete line ends with \n: this one was being written when the recording
           * stopped. */
          if (warning != NULL)
            *warning = g_strdup_printf (_("%s:%u: the last line is cut short (the recording was interrupted); it is ignored"),
                                        path, *number);
          line = NULL;
          break;
        }
      *next++ = '\0';
      if (!parse_record (line, -1, &actors, &r, &why))
        {
          g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE, _("%s:%u: corrupt line: %s"),
                       path, *number, _(why));
          return FALSE;
        }
      if (legacy != NULL && (rewritten = sockscope_legacy_ends_rewrite (legacy, line)) != NULL)
        {
          g_ptr_array_add (owned, rewritten);
          if (!parse_record (rewritten, -1, &actors, &r, &why))
            continue;
        }
      r.line = rewritten != NULL ? rewritten : line;
      g_array_append_val (records, r);
    }
  *cursor = line;
  return TRUE;
}

/* The file's first @max bytes (all of it if it is no longer), NUL-terminated; *partial when
 * there is more. */
#define HEAD_BYTES (4 * 1024 * 1024)

static gboolean
read_prefix (const char  *path,
             gsize        max,
             char       **data,
             gsize       *len,
             gboolean    *partial,
             GError     **error)
{
  FILE *file = g_fopen (path, "rb");
  char *buf;
  gsize n;

  if (file == NULL)
    {
      int saved = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved), g_strerror (saved));
      return FALSE;
    }
  buf = g_malloc (max + 2);
  n = fread (buf, 1, max + 1, file);
  fclose (file);
  *partial = n > max;
  if (*partial)
    n = max;
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return TRUE;
}

/**
 * sockscope_event_log_load_head:
 * @n_events: how many events to read now (G_MAXUINT: all)
 *
 * Reads a session file, or its first @n_events events: a window shows them at once and reads
 * the rest with sockscope_event_log_load_rest_async(). A cut last line (the recording was
 * killed) is dropped and reported in @warning; any other bad line is an error naming
 * file:line.
 */
SockscopeEventLog *
sockscope_event_log_load_head (const char  *path,
                               guint        n_events,
                               char       **warning,
                               GError     **error)
{
  g_autoptr(SockscopeEventLog) self = sockscope_event_log_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) header = NULL;
  g_autoptr(SockscopeLegacyEnds) legacy = NULL;
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data = NULL;
  char *next;
  gsize len;
  guint number = 2;
  gboolean partial = FALSE;

  if (!(n_events == G_MAXUINT ? g_file_get_contents (path, &data, &len, &local_error)
                               : read_prefix (path, HEAD_BYTES, &data, &len, &partial, &local_error)))
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND, _("cannot read the session %s: %s"),
                   path, local_error->message);
      return NULL;
    }
  /* The lines are cut in place and stay in the file's buffer, which the log keeps: no copy of
   * 100,000 lines. */
  next = strchr (data, '\n');
  if (next != NULL)
    *next++ = '\0';
  header = data[0] != '\0' || next != NULL ? json_from_string (data, NULL) : NULL;   /* an empty file: no line */
  if (header == NULL || !JSON_NODE_HOLDS_OBJECT (header) ||
      !json_object_has_member (json_node_get_object (header), "sockscope_session"))
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                   _("%s:1: not a Sockscope session (no sockscope_session header)"), path);
      return NULL;
    }
  if (wrong_member (json_node_get_object (header), header_members, G_N_ELEMENTS (header_members)) != NULL)
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_PARSE,
                   _("%s:1: corrupt session header: a member has the wrong type"), path);
      return NULL;
    }
  self->lesson_id = g_strdup (json_object_get_string_member_with_default (json_node_get_object (header), "lesson", ""));
  self->lang = g_strdup (json_object_get_string_member_with_default (json_node_get_object (header), "lang", "en"));
  /* Format 1 did not embed the lesson: its front ends look the id up. */
  self->lesson_text = g_strdup (json_object_get_string_member_with_default (json_node_get_object (header), "lesson_text", NULL));
  self->lesson_path = g_strdup (json_object_get_string_member_with_default (json_node_get_object (header), "lesson_path", NULL));

  /* Format 1 did not say which actors a packet left and reached: they are worked out once,
   * here, so that every view reads the lab's members. */
  if (json_object_get_int_member_with_default (json_node_get_object (header), "sockscope_session", 1) < 2)
    legacy = sockscope_legacy_ends_new ();

  if (!load_lines (self->records, &next, &number, n_events, partial, legacy, owned, path, warning, error))
    return NULL;
  g_ptr_array_extend_and_steal (self->buffers, g_steal_pointer (&owned));
  if (next != NULL)
    {
      self->rest = next;
      self->rest_offset = (gsize) (next - data);
      self->rest_in_prefix = partial;
      self->rest_number = number;
      self->rest_path = g_strdup (path);
      self->rest_legacy = g_steal_pointer (&legacy);
    }
  g_ptr_array_add (self->buffers, g_steal_pointer (&data));
  return g_steal_pointer (&self);
}

/* Reads a session file whole. See sockscope_event_log_load_head(). */
SockscopeEventLog *
sockscope_event_log_load (const char  *path,
                          char       **warning,
                          GError     **error)
{
  return sockscope_event_log_load_head (path, G_MAXUINT, warning, error);
}

/* Whether sockscope_event_log_load_head() left events to read. */
gboolean
sockscope_event_log_has_rest (SockscopeEventLog *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), FALSE);

  return self->rest != NULL;
}

typedef struct
{
  guint      max;
  GArray    *records;
  GPtrArray *owned;
  char      *warning;
  char      *cursor;     /* where the next part starts, NULL at the end */
  guint      number;
  char      *data;       /* the file, read whole when the head read its beginning only */
} Rest;

static void
rest_free (gpointer data)
{
  Rest *rest = data;

  g_array_unref (rest->records);
  g_ptr_array_unref (rest->owned);
  g_free (rest->warning);
  g_free (rest->data);
  g_free (rest);
}

/* In a thread: the log's rest is its own until the task returns (nobody else reads it). */
static void
load_rest_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SockscopeEventLog *self = source;
  Rest *rest = task_data;
  GError *error = NULL;

  rest->cursor = self->rest;
  rest->number = self->rest_number;
  if (self->rest_in_prefix)
    {
      /* The head read the file's beginning only: the rest is in the whole file. */
      gsize len;

      if (!g_file_get_contents (self->rest_path, &rest->data, &len, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      rest->cursor = self->rest_offset < len ? rest->data + self->rest_offset : NULL;
    }
  if (!load_lines (rest->records, &rest->cursor, &rest->number, rest->max, FALSE, self->rest_legacy, rest->owned,
                   self->rest_path, &rest->warning, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sockscope_event_log_load_rest_async:
 * @n_events: at most this many (G_MAXUINT: all)
 *
 * Reads, in a thread, the next events sockscope_event_log_load_head() left; _finish appends
 * them. A front end reads the next part while it shows this one. The log must not be appended
 * to meanwhile.
 */
void
sockscope_event_log_load_rest_async (SockscopeEventLog   *self,
                                     guint                n_events,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Rest *rest = g_new0 (Rest, 1);

  g_return_if_fail (SOCKSCOPE_IS_EVENT_LOG (self));
  g_return_if_fail (self->rest != NULL);

  g_task_set_source_tag (task, sockscope_event_log_load_rest_async);
  rest->max = n_events;
  rest->records = g_array_new (FALSE, FALSE, sizeof (Record));
  rest->owned = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, rest, rest_free);
  g_task_run_in_thread (task, load_rest_thread);
}

/**
 * sockscope_event_log_load_rest_finish:
 * @warning: (out) (optional): the cut last line, as sockscope_event_log_load() says it
 *
 * Appends the events read (one items-changed). On a corrupt line, the events before it stay and the error names
 * file:line.
 */
gboolean
sockscope_event_log_load_rest_finish (SockscopeEventLog  *self,
                                      GAsyncResult       *result,
                                      char              **warning,
                                      GError            **error)
{
  Rest *rest = g_task_get_task_data (G_TASK (result));
  guint before = self->records->len;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      self->rest = NULL;
      g_clear_pointer (&self->rest_legacy, sockscope_legacy_ends_free);
      return FALSE;
    }
  if (rest->data != NULL)
    {
      g_ptr_array_add (self->buffers, g_steal_pointer (&rest->data));
      self->rest_in_prefix = FALSE;
    }
  self->rest = rest->cursor;
  self->rest_number = rest->number;
  if (self->rest == NULL)
    g_clear_pointer (&self->rest_legacy, sockscope_legacy_ends_free);
  g_array_append_vals (self->records, rest->records->data, rest->records->len);
  g_ptr_array_extend_and_steal (self->buffers, g_steal_pointer (&rest->owned));
  rest->owned = g_ptr_array_new_with_free_func (g_free);
  if (warning != NULL)
    *warning = g_steal_pointer (&rest->warning);
  if (self->records->len > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->records->len - before);
  return TRUE;
}
