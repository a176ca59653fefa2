/* test-wire-spec: the wire rules' parser (app/lab/sockscope-wire-spec.c), every word and every
 * message a teacher can meet, without a lab. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockscope-wire-spec.h"

static int failures;

#define CHECK(cond, ...)                                                                  \
  do                                                                                      \
    {                                                                                     \
      if (!(cond))                                                                        \
        {                                                                                 \
          fprintf (stderr, "%s:%d: ", __FILE__, __LINE__);                                \
          fprintf (stderr, __VA_ARGS__);                                                  \
          fprintf (stderr, "\n");                                                         \
          failures++;                                                                     \
        }                                                                                 \
    }                                                                                     \
  while (0)

static SsWireConfig
parse (const char *spec)
{
  SsWireConfig c;
  char err[256];

  ss_wire_config_init (&c);
  if (!ss_wire_spec_apply (&c, spec, err, sizeof err))
    {
      fprintf (stderr, "unexpected error for %s: %s\n", spec, err);
      failures++;
    }
  return c;
}

static void
refused (const char *spec, const char *message)
{
  SsWireConfig c, before;
  char err[256];

  ss_wire_config_init (&c);
  ss_wire_spec_apply (&c, "loss=5%", NULL, 0);
  before = c;
  CHECK (!ss_wire_spec_apply (&c, spec, err, sizeof err), "%s accepted", spec);
  CHECK (strcmp (err, message) == 0, "%s: got <%s>, want <%s>", spec, err, message);
  CHECK (memcmp (&c, &before, sizeof c) == 0, "%s: a refused spec changed the wire", spec);
  CHECK (!ss_wire_spec_check (spec, NULL, 0), "%s: check accepts it", spec);
}

int
main (void)
{
  SsWireConfig c;

  /* a perfect wire */
  ss_wire_config_init (&c);
  CHECK (ss_wire_config_is_perfect (&c) && c.mtu == 1500 && c.seed == 1, "init");

  /* the contract's example, both directions by default */
  c = parse ("loss=20%, delay=50ms ,seed=7");
  for (int d = 0; d < 2; d++)
    CHECK (c.dir[d].loss_ppm == 200000 && c.dir[d].delay_ns == 50000000ull
           && strcmp (c.dir[d].loss_rule, "loss=20%") == 0 && strcmp (c.dir[d].delay_rule, "delay=50ms") == 0,
           "dir %d: loss %u delay %llu", d, c.dir[d].loss_ppm, (unsigned long long) c.dir[d].delay_ns);
  CHECK (c.seed == 7 && c.seed_changed && !c.mtu_changed, "seed");
  CHECK (!ss_wire_config_is_perfect (&c), "not perfect");

  /* dir applies to the words after it */
  c = parse ("loss=1%,dir=a>b,delay=1ms,dir=b>a,drop=syn-ack,dir=both,dup=next");
  CHECK (c.dir[0].loss_ppm == 10000 && c.dir[1].loss_ppm == 10000, "loss on both");
  CHECK (c.dir[0].delay_ns == 1000000 && c.dir[1].delay_ns == 0, "delay a>b only");
  CHECK (c.dir[0].drop_syn_ack == 0 && c.dir[1].drop_syn_ack == 1, "syn-ack b>a only");
  CHECK (c.dir[0].dup_next == 1 && c.dir[1].dup_next == 1, "dup both");
  CHECK (strcmp (ss_wire_dir_name (SS_WIRE_A_TO_B), "a>b") == 0 && strcmp (ss_wire_dir_name (SS_WIRE_B_TO_A), "b>a") == 0, "names");

  /* numbers and units */
  c = parse ("loss=12.5%,jitter=1.5ms,delay=200us");
  CHECK (c.dir[0].loss_ppm == 125000 && c.dir[0].jitter_ns == 1500000 && c.dir[0].delay_ns == 200000, "decimals");
  c = parse ("delay=2s,loss=0%,loss=100%");
  CHECK (c.dir[0].delay_ns == 2000000000ull && c.dir[0].loss_ppm == 1000000, "2 s, 100 %%");
  c = parse ("rate=100kB/s");
  CHECK (c.dir[0].rate_Bps == 100000 && strcmp (c.dir[0].rate_rule, "rate=100kB/s") == 0, "kB/s: %llu", (unsigned long long) c.dir[0].rate_Bps);
  c = parse ("rate=2Mbit/s");
  CHECK (c.dir[0].rate_Bps == 250000, "Mbit/s: %llu", (unsigned long long) c.dir[0].rate_Bps);
  c = parse ("rate=800bit/s");
  CHECK (c.dir[0].rate_Bps == 100, "bit/s: %llu", (unsigned long long) c.dir[0].rate_Bps);
  c = parse ("rate=1MB/s,rate=off");
  CHECK (c.dir[0].rate_Bps == 0, "off");
  c = parse ("mtu=1280");
  CHECK (c.mtu == 1280 && c.mtu_changed, "mtu");

  /* drop rules */
  c = parse ("drop=next,drop=syn,drop=fin,drop=data,drop=every:3");
  CHECK (c.dir[0].drop_next == 1 && c.dir[0].drop_syn == 1 && c.dir[0].drop_fin == 1
         && c.dir[0].drop_data_nth == 1 && c.dir[0].drop_every == 3, "drops");
  c = parse ("drop=next:3,drop=data:2,drop=syn,drop=syn");
  CHECK (c.dir[0].drop_next == 3 && c.dir[0].drop_data_nth == 2 && c.dir[0].drop_syn == 2
         && strcmp (c.dir[0].drop_data_rule, "drop=data:2") == 0, "counts");
  c = parse ("reorder=10%,dup=next:2");
  CHECK (c.dir[0].reorder_ppm == 100000 && c.dir[0].dup_next == 2, "reorder, dup");

  /* clear: a perfect wire and MTU 1500 again, the seed kept */
  c = parse ("mtu=1400,loss=5%,seed=3");
  c.mtu_changed = c.seed_changed = 0;
  CHECK (ss_wire_spec_apply (&c, "clear", NULL, 0), "clear");
  CHECK (ss_wire_config_is_perfect (&c) && c.mtu == 1500 && c.mtu_changed && c.seed == 3, "cleared");

  /* one message naming the word */
  refused ("loss=120%", "\"loss=120%\": a loss is between 0% and 100%");
  refused ("loss=20", "\"loss=20\": a loss is a percentage, such as 20%");
  refused ("delay=5", "\"delay=5\": a delay is a time with its unit: us, ms or s (such as 50ms)");
  refused ("delay=11s", "\"delay=11s\": a delay is at most 10 s");
  refused ("jitter=fast", "\"jitter=fast\": a jitter is a time with its unit: us, ms or s (such as 10ms)");
  refused ("mtu=500", "\"mtu=500\": an MTU is a number of bytes from 1280 to 1500");
  refused ("rate=1B/s", "\"rate=1B/s\": a rate is at least 100 B/s (or off)");
  refused ("rate=fast", "\"rate=fast\": a rate is a number with its unit: B/s, kB/s, MB/s, kbit/s or Mbit/s (such as 100kB/s), or off");
  refused ("drop=sometimes", "\"drop=sometimes\": drop is next, next:N, syn, syn-ack, fin, data, data:N or every:N");
  refused ("drop=next:0", "\"drop=next:0\": next:N needs a count N from 1 to 1000000");
  refused ("drop=every", "\"drop=every\": drop=every:N needs a count N from 1 to 1000000");
  refused ("dup=often", "\"dup=often\": dup is a percentage (such as 10%), next or next:N");
  refused ("dir=up", "\"dir=up\": dir is a>b, b>a or both");
  refused ("seed=x", "\"seed=x\": a seed is a whole number, such as 7");
  refused ("foo=1", "\"foo=1\": unknown word \"foo\"; the words are dir, loss, drop, delay, jitter, dup, reorder, rate, mtu, seed and clear");
  refused ("loss", "\"loss\": a word is key=value (dir, loss, drop, delay, jitter, dup, reorder, rate, mtu, seed) or clear");
  refused ("loss=", "\"loss=\": loss= needs a value");
  refused ("loss=5%,,delay=1ms", "\"loss=5%,,delay=1ms\": an empty word between commas");
  refused ("", "\"\": an empty wire spec (words such as loss=20%, delay=50ms, clear)");
  /* the first bad word of a spec is the one named, the good ones before it not applied */
  refused ("delay=1ms,loss=200%,mtu=1", "\"loss=200%\": a loss is between 0% and 100%");

  if (failures)
    fprintf (stderr, "%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
