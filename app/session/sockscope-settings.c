/* sockscope-settings.c: every GSettings of the app comes from here, so that it finds its schema
 * with no environment variable. Run from the build tree, the schema compiled in BUILD_ROOT/data
 * is looked up first (over the system's, which GSETTINGS_SCHEMA_DIR still extends); installed,
 * the system's schemas, then DATADIR/glib-2.0/schemas for a prefix the system does not search
 * (/opt, a home folder). */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "sockscope-error.h"
#include "sockscope-locale.h"
#include "sockscope-settings.h"

static GSettingsSchema *
lookup_in (const char             *dir,
           GSettingsSchemaSource  *parent)
{
  g_autoptr(GSettingsSchemaSource) source = NULL;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  source = g_settings_schema_source_new_from_directory (dir, parent, FALSE, NULL);
  return source != NULL ? g_settings_schema_source_lookup (source, SOCKSCOPE_SCHEMA_ID, TRUE) : NULL;
}

/* The schema, found once for the process; NULL with @error when it is nowhere. */
GSettingsSchema *
sockscope_settings_schema (GError **error)
{
  static GSettingsSchema *schema;
  static gsize done;
  g_autofree char *installed = g_canonicalize_filename (PKGDATADIR "/../glib-2.0/schemas", NULL);

  if (g_once_init_enter (&done))
    {
      GSettingsSchemaSource *system = g_settings_schema_source_get_default ();

      if (sockscope_in_build_tree ())
        schema = lookup_in (BUILD_ROOT "/data", system);
      if (schema == NULL && system != NULL)
        schema = g_settings_schema_source_lookup (system, SOCKSCOPE_SCHEMA_ID, TRUE);
      if (schema == NULL)
        schema = lookup_in (installed, system);
      g_once_init_leave (&done, 1);
    }
  if (schema == NULL)
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_NOT_FOUND,
                   _("the settings schema %s is not installed (looked in %s and the system's schemas); hint: build with 'ninja -C build' or install Sockscope"),
                   SOCKSCOPE_SCHEMA_ID, sockscope_in_build_tree () ? BUILD_ROOT "/data" : installed);
      return NULL;
    }
  return g_settings_schema_ref (schema);
}

/* The app cannot run without its schema: it says where it looked and exits, where
 * g_settings_new would abort with a trap. */
GSettings *
sockscope_settings_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsSchema) schema = sockscope_settings_schema (&error);

  if (schema == NULL)
    {
      g_printerr ("sockscope: %s\n", error->message);
      exit (1);
    }
  return g_settings_new_full (schema, NULL, NULL);
}
