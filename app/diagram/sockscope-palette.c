/* sockscope-palette.c: one colour per actor (see the header). */
#include "config.h"

#include "sockscope-palette.h"

/* blue, orange, green, purple, brown, red, yellow: GNOME's 4th shades for a light background,
 * its 2nd for a dark one, so that text in them reads on either. */
static const guint32 light[SOCKSCOPE_PALETTE_SIZE] = {
  0x1c71d8, 0xc64600, 0x26a269, 0x813d9c, 0x865e3c, 0xc01c28, 0x9c6e03,
};
static const guint32 dark[SOCKSCOPE_PALETTE_SIZE] = {
  0x62a0ea, 0xffa348, 0x57e389, 0xc061cb, 0xcdab8f, 0xf66151, 0xf8e45c,
};

SockscopeRgb
sockscope_palette_actor (guint    index,
                         gboolean is_dark)
{
  guint32 c = (is_dark ? dark : light)[index % SOCKSCOPE_PALETTE_SIZE];

  return (SockscopeRgb) { ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0 };
}

char *
sockscope_palette_actor_hex (guint    index,
                             gboolean is_dark)
{
  return g_strdup_printf ("#%06x", (is_dark ? dark : light)[index % SOCKSCOPE_PALETTE_SIZE]);
}
