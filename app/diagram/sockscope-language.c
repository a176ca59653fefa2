/* sockscope-language.c: gettext reads $LANGUAGE only when the messages' locale is not "C", and
 * caches what it translated until setlocale() is called again: set both. */
#include "config.h"

#include <locale.h>

#include "sockscope-language.h"

static char *desktop_language;  /* $LANGUAGE before the first switch, or NULL */
static gboolean saved;

void
sockscope_language_apply (const char *lang)
{
  if (!saved)
    {
      desktop_language = g_strdup (g_getenv ("LANGUAGE"));
      saved = TRUE;
    }

  if (lang == NULL || lang[0] == '\0')
    {
      if (desktop_language != NULL)
        g_setenv ("LANGUAGE", desktop_language, TRUE);
      else
        g_unsetenv ("LANGUAGE");
      setlocale (LC_MESSAGES, "");
      return;
    }

  g_setenv ("LANGUAGE", lang, TRUE);
  /* In the "C" locale gettext ignores $LANGUAGE; a UTF-8 locale of that language, or C.UTF-8,
   * lets it read the catalog. setlocale() also empties gettext's cache. */
  if (g_str_equal (lang, "fr"))
    {
      if (setlocale (LC_MESSAGES, "fr_FR.UTF-8") == NULL && setlocale (LC_MESSAGES, "C.UTF-8") == NULL)
        setlocale (LC_MESSAGES, "");
    }
  else if (setlocale (LC_MESSAGES, "en_US.UTF-8") == NULL && setlocale (LC_MESSAGES, "C.UTF-8") == NULL)
    setlocale (LC_MESSAGES, "");
}

const char *
sockscope_language_current (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], "fr"))
        return "fr";
      if (g_str_has_prefix (names[i], "en") || g_str_equal (names[i], "C"))
        return "en";
    }
  return "en";
}
