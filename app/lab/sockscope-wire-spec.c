/* sockscope-wire-spec.c: the wire rules' parser (see sockscope-wire-spec.h).
 *
 * The grammar (docs/LAB-PROTOCOL.md): comma-separated words, whitespace ignored around them;
 * `dir=a>b|b>a|both` applies to the words after it; `loss=P%`, `drop=next[:N]|syn|syn-ack|fin|
 * data[:N]|every:N`, `delay=D`, `jitter=D` (D in ns, us, ms or s), `dup=P%|next[:N]`,
 * `reorder=P%|next[:N]`, `rate=R` (B/s, kB/s, MB/s, bit/s, kbit/s, Mbit/s, or off), `mtu=N`,
 * `seed=N`, `clear`. One error message per spec, naming its word.
 */
#include "sockscope-wire-spec.h"

#include <ctype.h>
#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Messages in the front end's language (it binds the "sockscope" domain); the lab, in the C
 * locale, answers in English. Plain C: libc's gettext, no GLib. */
#define _(s) dgettext ("sockscope", s)

#define MAX_DELAY_NS (10ull * 1000000000ull)
#define MAX_COUNT 1000000u

typedef struct
{
  const char *word; /* the trimmed word, NUL-terminated copy */
  char *err;
  size_t err_len;
} Word;

static bool fail (Word *w, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static bool
fail (Word *w, const char *fmt, ...)
{
  char what[200];
  va_list ap;

  if (w->err == NULL || w->err_len == 0)
    return false;
  va_start (ap, fmt);
  vsnprintf (what, sizeof what, fmt, ap);
  va_end (ap);
  snprintf (w->err, w->err_len, "\"%s\": %s", w->word, what);
  return false;
}

/* A decimal number with up to SCALE_DIGITS digits after the point, as an integer scaled by
 * 10^scale_digits; *end points after it. */
static bool
parse_decimal (const char *s, unsigned scale_digits, uint64_t *out, const char **end)
{
  uint64_t v = 0;
  unsigned frac = 0;
  bool any = false, point = false;

  for (; *s; s++)
    {
      if (isdigit ((unsigned char) *s))
        {
          if (point)
            {
              if (frac == scale_digits)
                continue; /* finer than we keep: ignored */
              frac++;
            }
          if (v > UINT64_MAX / 10 - 10)
            return false;
          v = v * 10 + (uint64_t) (*s - '0');
          any = true;
        }
      else if (*s == '.' && !point)
        point = true;
      else
        break;
    }
  if (!any)
    return false;
  for (; frac < scale_digits; frac++)
    {
      if (v > UINT64_MAX / 10)
        return false;
      v *= 10;
    }
  *out = v;
  *end = s;
  return true;
}

static bool
parse_uint (const char *s, uint64_t max, uint64_t *out)
{
  uint64_t v = 0;

  if (*s == '\0')
    return false;
  for (; *s; s++)
    {
      if (!isdigit ((unsigned char) *s))
        return false;
      if (v > (UINT64_MAX - 9) / 10)
        return false;
      v = v * 10 + (uint64_t) (*s - '0');
      if (v > max)
        return false;
    }
  *out = v;
  return true;
}

/* "20%", "12.5%", "0%", "100%" → millionths; BAD and RANGE: what is wrong, as sentences */
static bool
parse_percent (Word *w, const char *v, const char *bad, const char *range, uint32_t *ppm)
{
  uint64_t x;
  const char *end;

  if (!parse_decimal (v, 4, &x, &end) || strcmp (end, "%") != 0)
    return fail (w, "%s", bad);
  if (x > 1000000)
    return fail (w, "%s", range);
  *ppm = (uint32_t) x;
  return true;
}

/* "50ms", "1.5s", "200us", "0" → ns */
static bool
parse_duration (Word *w, const char *v, const char *bad, const char *too_long, uint64_t *ns)
{
  static const struct { const char *unit; unsigned digits; uint64_t mult; } units[] = {
    { "ns", 0, 1 }, { "us", 3, 1 }, { "µs", 3, 1 }, { "ms", 6, 1 }, { "s", 9, 1 },
  };
  uint64_t x;
  const char *end;

  if (strcmp (v, "0") == 0)
    {
      *ns = 0;
      return true;
    }
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    {
      size_t vl = strlen (v), ul = strlen (units[i].unit);

      if (vl <= ul || strcmp (v + vl - ul, units[i].unit) != 0)
        continue;
      if (!parse_decimal (v, units[i].digits, &x, &end) || (size_t) (end - v) != vl - ul)
        break;
      if (x > MAX_DELAY_NS)
        return fail (w, "%s", too_long);
      *ns = x * units[i].mult;
      return true;
    }
  return fail (w, "%s", bad);
}

/* "100kB/s", "2Mbit/s", "off" → bytes/s */
static bool
parse_rate (Word *w, const char *v, uint64_t *Bps)
{
  /* rate in bits/s scaled by 1/8: mult_num / 8 */
  static const struct { const char *unit; uint64_t bits; } units[] = {
    { "kbit/s", 1000 }, { "Mbit/s", 1000000 }, { "Gbit/s", 1000000000 }, { "bit/s", 1 },
    { "kB/s", 8000 }, { "KB/s", 8000 }, { "MB/s", 8000000 }, { "GB/s", 8000000000ull },
    { "B/s", 8 },
  };
  uint64_t x;
  const char *end;

  if (strcmp (v, "off") == 0 || strcmp (v, "0") == 0)
    {
      *Bps = 0;
      return true;
    }
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    {
      size_t vl = strlen (v), ul = strlen (units[i].unit);
      uint64_t bits;

      if (vl <= ul || strcmp (v + vl - ul, units[i].unit) != 0)
        continue;
      /* kbit/s must not match as bit/s, kB/s not as B/s: the longer units come first */
      if (!parse_decimal (v, 3, &x, &end) || (size_t) (end - v) != vl - ul)
        break;
      if (x > UINT64_MAX / units[i].bits)
        return fail (w, "%s", _("a rate is at most 10 GB/s"));
      bits = x * units[i].bits / 1000; /* x had 3 decimals */
      if (bits / 8 > 10000000000ull)
        return fail (w, "%s", _("a rate is at most 10 GB/s"));
      if (bits / 8 < 100)
        return fail (w, "%s", _("a rate is at least 100 B/s (or off)"));
      *Bps = bits / 8;
      return true;
    }
  return fail (w, "%s", _("a rate is a number with its unit: B/s, kB/s, MB/s, kbit/s or Mbit/s (such as 100kB/s), or off"));
}

/* "next" → 1, "next:3" → 3 */
static bool
parse_count_suffix (Word *w, const char *v, const char *name, uint32_t *n)
{
  size_t nl = strlen (name);
  uint64_t x;

  if (strncmp (v, name, nl) != 0)
    return false;
  if (v[nl] == '\0')
    {
      *n = 1;
      return true;
    }
  if (v[nl] != ':' || !parse_uint (v + nl + 1, MAX_COUNT, &x) || x == 0)
    return fail (w, _("%s:N needs a count N from 1 to %u"), name, MAX_COUNT);
  *n = (uint32_t) x;
  return true;
}

static void
set_rule (char *rule, const char *key, const char *value)
{
  snprintf (rule, SS_WIRE_RULE_LEN, "%.10s=%.28s", key, value);
}

static bool
apply_drop (Word *w, SsWireDirRules *r, const char *v)
{
  uint32_t n = 0;

  if (strcmp (v, "syn") == 0)
    {
      r->drop_syn++;
      set_rule (r->drop_syn_rule, "drop", v);
      return true;
    }
  if (strcmp (v, "syn-ack") == 0 || strcmp (v, "synack") == 0)
    {
      r->drop_syn_ack++;
      set_rule (r->drop_syn_ack_rule, "drop", "syn-ack");
      return true;
    }
  if (strcmp (v, "fin") == 0)
    {
      r->drop_fin++;
      set_rule (r->drop_fin_rule, "drop", v);
      return true;
    }
  if (strncmp (v, "next", 4) == 0 && (v[4] == '\0' || v[4] == ':'))
    {
      if (!parse_count_suffix (w, v, "next", &n))
        return false;
      r->drop_next = n;
      set_rule (r->drop_next_rule, "drop", v);
      return true;
    }
  if (strncmp (v, "data", 4) == 0 && (v[4] == '\0' || v[4] == ':'))
    {
      if (!parse_count_suffix (w, v, "data", &n))
        return false;
      r->drop_data_nth = n;
      set_rule (r->drop_data_rule, "drop", v);
      return true;
    }
  if (strncmp (v, "every", 5) == 0 && (v[5] == '\0' || v[5] == ':'))
    {
      uint64_t x;

      if (v[5] != ':' || !parse_uint (v + 6, MAX_COUNT, &x) || x == 0)
        return fail (w, _("drop=every:N needs a count N from 1 to %u"), MAX_COUNT);
      r->drop_every = (uint32_t) x;
      r->every_count = 0;
      set_rule (r->drop_every_rule, "drop", v);
      return true;
    }
  return fail (w, "%s", _("drop is next, next:N, syn, syn-ack, fin, data, data:N or every:N"));
}

/* dup / reorder: "10%", "next", "next:N" */
static bool
apply_chance (Word *w, const char *key, const char *v, uint32_t *ppm, uint32_t *next, char *rule)
{
  if (strncmp (v, "next", 4) == 0 && (v[4] == '\0' || v[4] == ':'))
    {
      uint32_t n;

      if (!parse_count_suffix (w, v, "next", &n))
        return false;
      *next = n;
    }
  else if (isdigit ((unsigned char) v[0]) || v[0] == '.')
    {
      bool dup = strcmp (key, "dup") == 0;

      if (!parse_percent (w, v,
                          /* xgettext:no-c-format */
                          dup ? _("a duplication rate is a percentage, such as 10%")
                              /* xgettext:no-c-format */
                              : _("a reordering rate is a percentage, such as 10%"),
                          /* xgettext:no-c-format */
                          dup ? _("a duplication rate is between 0% and 100%")
                              /* xgettext:no-c-format */
                              : _("a reordering rate is between 0% and 100%"), ppm))
        return false;
    }
  else
    return fail (w, _("%s is a percentage (such as 10%%), next or next:N"), key);
  set_rule (rule, key, v);
  return true;
}

static void
clear_dir (SsWireDirRules *r)
{
  memset (r, 0, sizeof *r);
}

void
ss_wire_config_init (SsWireConfig *config)
{
  memset (config, 0, sizeof *config);
  config->mtu = SS_WIRE_MTU_DEFAULT;
  config->seed = 1;
}

const char *
ss_wire_dir_name (SsWireDir dir)
{
  return dir == SS_WIRE_B_TO_A ? "b>a" : "a>b";
}

bool
ss_wire_config_is_perfect (const SsWireConfig *c)
{
  for (int d = 0; d < SS_WIRE_N_DIRS; d++)
    {
      const SsWireDirRules *r = &c->dir[d];

      if (r->loss_ppm || r->drop_next || r->drop_syn || r->drop_syn_ack || r->drop_fin
          || r->drop_data_nth || r->drop_every || r->delay_ns || r->jitter_ns || r->dup_ppm
          || r->dup_next || r->reorder_ppm || r->reorder_next || r->rate_Bps)
        return false;
    }
  return true;
}

static bool
apply_word (SsWireConfig *c, bool dirs[SS_WIRE_N_DIRS], Word *w, char *word)
{
  char *eq = strchr (word, '=');
  char *key = word, *v;

  if (strcmp (word, "clear") == 0)
    {
      unsigned mtu = c->mtu;
      uint64_t seed = c->seed;
      bool mtu_changed = c->mtu_changed, seed_changed = c->seed_changed;

      for (int d = 0; d < SS_WIRE_N_DIRS; d++)
        clear_dir (&c->dir[d]);
      c->mtu = SS_WIRE_MTU_DEFAULT;
      c->mtu_changed = mtu_changed || mtu != SS_WIRE_MTU_DEFAULT;
      c->seed = seed;
      c->seed_changed = seed_changed;
      return true;
    }
  if (eq == NULL)
    return fail (w, "%s", _("a word is key=value (dir, loss, drop, delay, jitter, dup, reorder, rate, mtu, seed) or clear"));
  /* whitespace around '=' */
  v = eq + 1;
  while (eq > key && isspace ((unsigned char) eq[-1]))
    eq--;
  *eq = '\0';
  while (isspace ((unsigned char) *v))
    v++;
  if (*v == '\0')
    return fail (w, _("%s= needs a value"), key);

  if (strcmp (key, "dir") == 0)
    {
      if (strcmp (v, "a>b") == 0)
        dirs[SS_WIRE_A_TO_B] = true, dirs[SS_WIRE_B_TO_A] = false;
      else if (strcmp (v, "b>a") == 0)
        dirs[SS_WIRE_A_TO_B] = false, dirs[SS_WIRE_B_TO_A] = true;
      else if (strcmp (v, "both") == 0)
        dirs[SS_WIRE_A_TO_B] = true, dirs[SS_WIRE_B_TO_A] = true;
      else
        return fail (w, "%s", _("dir is a>b, b>a or both"));
      return true;
    }
  if (strcmp (key, "mtu") == 0)
    {
      uint64_t x;

      if (!parse_uint (v, 1000000, &x) || x < SS_WIRE_MTU_MIN || x > SS_WIRE_MTU_MAX)
        return fail (w, _("an MTU is a number of bytes from %d to %d"), SS_WIRE_MTU_MIN, SS_WIRE_MTU_MAX);
      c->mtu = (unsigned) x;
      c->mtu_changed = true;
      return true;
    }
  if (strcmp (key, "seed") == 0)
    {
      uint64_t x;

      if (!parse_uint (v, UINT64_MAX, &x))
        return fail (w, "%s", _("a seed is a whole number, such as 7"));
      c->seed = x;
      c->seed_changed = true;
      return true;
    }

  for (int d = 0; d < SS_WIRE_N_DIRS; d++)
    {
      SsWireDirRules *r = &c->dir[d];

      if (!dirs[d])
        continue;
      if (strcmp (key, "loss") == 0)
        {
          /* xgettext:no-c-format */
          if (!parse_percent (w, v, _("a loss is a percentage, such as 20%"),
                              /* xgettext:no-c-format */
                              _("a loss is between 0% and 100%"), &r->loss_ppm))
            return false;
          set_rule (r->loss_rule, key, v);
        }
      else if (strcmp (key, "drop") == 0)
        {
          if (!apply_drop (w, r, v))
            return false;
        }
      else if (strcmp (key, "delay") == 0)
        {
          if (!parse_duration (w, v, _("a delay is a time with its unit: us, ms or s (such as 50ms)"),
                               _("a delay is at most 10 s"), &r->delay_ns))
            return false;
          set_rule (r->delay_rule, key, v);
        }
      else if (strcmp (key, "jitter") == 0)
        {
          if (!parse_duration (w, v, _("a jitter is a time with its unit: us, ms or s (such as 10ms)"),
                               _("a jitter is at most 10 s"), &r->jitter_ns))
            return false;
          set_rule (r->jitter_rule, key, v);
        }
      else if (strcmp (key, "dup") == 0)
        {
          if (!apply_chance (w, key, v, &r->dup_ppm, &r->dup_next, r->dup_rule))
            return false;
        }
      else if (strcmp (key, "reorder") == 0)
        {
          if (!apply_chance (w, key, v, &r->reorder_ppm, &r->reorder_next, r->reorder_rule))
            return false;
        }
      else if (strcmp (key, "rate") == 0)
        {
          if (!parse_rate (w, v, &r->rate_Bps))
            return false;
          set_rule (r->rate_rule, key, v);
        }
      else
        return fail (w, _("unknown word \"%s\"; the words are dir, loss, drop, delay, jitter, dup, reorder, rate, mtu, seed and clear"), key);
    }
  return true;
}

bool
ss_wire_spec_apply (SsWireConfig *config, const char *spec, char *err, size_t err_len)
{
  SsWireConfig work = *config;
  bool dirs[SS_WIRE_N_DIRS] = { true, true };
  const char *p = spec;
  bool any = false;

  if (err != NULL && err_len > 0)
    err[0] = '\0';
  if (spec == NULL)
    spec = p = "";
  for (;;)
    {
      const char *comma = strchr (p, ',');
      size_t len = comma != NULL ? (size_t) (comma - p) : strlen (p);
      char word[128];
      Word w = { word, err, err_len };

      while (len > 0 && isspace ((unsigned char) *p))
        p++, len--;
      while (len > 0 && isspace ((unsigned char) p[len - 1]))
        len--;
      if (len >= sizeof word)
        {
          snprintf (word, sizeof word, "%.40s…", p);
          return fail (&w, _("a word is at most %zu characters"), sizeof word - 1);
        }
      memcpy (word, p, len);
      word[len] = '\0';
      if (len == 0)
        {
          if (comma != NULL || any)
            {
              if (err != NULL && err_len > 0)
                snprintf (err, err_len, "\"%s\": %s", spec, _("an empty word between commas"));
              return false;
            }
        }
      else
        {
          char copy[128];
          Word wc = { copy, err, err_len };

          memcpy (copy, word, len + 1);
          if (!apply_word (&work, dirs, &wc, word))
            return false;
          any = true;
        }
      if (comma == NULL)
        break;
      p = comma + 1;
    }
  if (!any)
    {
      if (err != NULL && err_len > 0)
        /* xgettext:no-c-format */
        snprintf (err, err_len, "\"%s\": %s", spec, _("an empty wire spec (words such as loss=20%, delay=50ms, clear)"));
      return false;
    }
  *config = work;
  return true;
}

bool
ss_wire_spec_check (const char *spec, char *err, size_t err_len)
{
  SsWireConfig scratch;

  ss_wire_config_init (&scratch);
  return ss_wire_spec_apply (&scratch, spec, err, err_len);
}
