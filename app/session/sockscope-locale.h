/* sockscope-locale.h: where a program's data are, for every front end: the build tree's when it
 * runs from there, the installed ones otherwise. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean    sockscope_in_build_tree (void);
const char *sockscope_locale_dir    (void);

G_END_DECLS
