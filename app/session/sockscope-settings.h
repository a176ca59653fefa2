/* sockscope-settings.h: the app's preferences (GSettings io.sockscope.Sockscope). */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SOCKSCOPE_SCHEMA_ID "io.sockscope.Sockscope"

GSettingsSchema *sockscope_settings_schema (GError **error);
GSettings       *sockscope_settings_new    (void);

G_END_DECLS
