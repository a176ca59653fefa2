/* sockscope-field-help.h: one-sentence explanations of packet header fields, for learners. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *sockscope_field_help_lookup (const char *field_id);

G_END_DECLS
