/* sockscope-actor-style.h: the actor palette (app/diagram/sockscope-palette) as CSS classes for
 * widgets: `.actor-tag.actor-N` (a pill), `.actor-fg-N` (text), `.actor-edge-N` (a coloured
 * left edge), N the actor's index in its lesson. The shades follow the dark style. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Installs the classes on the display once; later calls do nothing. */
void      sockscope_actor_style_install (GdkDisplay *display);
/* TRUE when the style is dark, so the palette's light shades are the ones to draw with. */
gboolean  sockscope_actor_style_is_dark (void);

/* Colours a block (a code column's header: a left edge) and its title (the text) as the actor
 * at @index (-1: none); installs the classes if needed. */
void      sockscope_actor_style_add_classes (GtkWidget *block,
                                             GtkWidget *title,
                                             int        index);

/* A list row (not activatable): @actor's name as a pill in the colour of lifeline @index, then
 * @text; @margin on its sides; named @actor for assistive technologies. */
GtkWidget *sockscope_actor_style_tag_row (const char *actor,
                                          int         index,
                                          GtkWidget  *text,
                                          int         margin);

G_END_DECLS
