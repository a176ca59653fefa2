/* sockscope-locale.h: where the translations are, for every front end. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *sockscope_locale_dir (void);

G_END_DECLS
