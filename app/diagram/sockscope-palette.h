/* sockscope-palette.h: one colour per actor, the same in every view (the window's step list,
 * code headers, lifelines and state machine, the slide export, the CLI ladder): GNOME's
 * palette, the darker shades on a light background and the lighter ones on a dark one. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double red, green, blue;   /* 0..1 */
} SockscopeRgb;

#define SOCKSCOPE_PALETTE_SIZE 7

/* The colour of the actor at @index in its lesson (sockscope_lesson_get_actor's index). */
SockscopeRgb sockscope_palette_actor (guint    index,
                                      gboolean dark);
/* "#1c71d8", for CSS and Pango markup. */
char        *sockscope_palette_actor_hex (guint    index,
                                          gboolean dark);

G_END_DECLS
