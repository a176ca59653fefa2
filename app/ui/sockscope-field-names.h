/* sockscope-field-names.h: the decoder's English field labels and value names, in the UI
 * language. The decoder (libc only) stays English for its JSON and the CLI; the packet
 * detail translates at display time through one table keyed on the English text. */
#pragma once

#include <glib.h>

#include "sockscope-decoder.h"

G_BEGIN_DECLS

gboolean    sockscope_field_label_known      (const char *label);
const char *sockscope_field_label_translate  (const char *label);
gboolean    sockscope_field_value_name_known (const char *name);
char       *sockscope_field_value_text       (const SsField *f,
                                              const guint8  *data,
                                              guint32        caplen);

G_END_DECLS
