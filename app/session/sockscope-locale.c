/* sockscope-locale.c: a program run from the build tree uses the catalogs just built there,
 * not stale installed ones; $SOCKSCOPE_LOCALEDIR overrides both. */
#include "config.h"

#include "sockscope-locale.h"

const char *
sockscope_locale_dir (void)
{
  static char build_po[] = BUILD_ROOT "/po";
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (g_getenv ("SOCKSCOPE_LOCALEDIR") != NULL)
    return g_getenv ("SOCKSCOPE_LOCALEDIR");
  if (self != NULL && g_str_has_prefix (self, BUILD_ROOT "/"))
    return build_po;
  return LOCALEDIR;
}
