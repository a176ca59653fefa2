/* sockscope-language.h: switch the language of the messages (gettext) of this process. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "fr" or "en": messages in that language from now on; NULL or "": the desktop's. */
void        sockscope_language_apply   (const char *lang);
/* The language the messages are in now: "fr" or "en". */
const char *sockscope_language_current (void);

G_END_DECLS
