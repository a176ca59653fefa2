/* sockscope-locale.c: a program run from the build tree uses what was just built there (the
 * catalogs, the compiled settings schema, the source tree's lessons), never stale installed
 * ones, and needs no environment variable to find them; installed, it uses the installed
 * places. $SOCKSCOPE_LOCALEDIR overrides the catalogs' folder. */
#include "config.h"

#include "sockscope-locale.h"

/* TRUE when this executable lies under the build tree it was built in. */
gboolean
sockscope_in_build_tree (void)
{
  static gsize done;
  static gboolean in_tree;

  if (g_once_init_enter (&done))
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

      in_tree = self != NULL && g_str_has_prefix (self, BUILD_ROOT "/");
      g_once_init_leave (&done, 1);
    }
  return in_tree;
}

const char *
sockscope_locale_dir (void)
{
  if (g_getenv ("SOCKSCOPE_LOCALEDIR") != NULL)
    return g_getenv ("SOCKSCOPE_LOCALEDIR");
  if (sockscope_in_build_tree ())
    return BUILD_ROOT "/po";
  return LOCALEDIR;
}
