/* sockscope-event-log-pcapng.c: the pcapng projection of the event log (docs/EVENT-LOG.md). */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sockscope-error.h"
#include "sockscope-event-log.h"
#include "sockscope-pcapng.h"

/* The packets of the log as pcapng, each commented with its cause. */
gboolean
sockscope_event_log_export_pcapng (SockscopeEventLog  *self,
                                   const char         *path,
                                   GError            **error)
{
  g_autoptr(GHashTable) ifaces = g_hash_table_new (NULL, NULL);   /* linktype + 1 -> iface + 1 */
  SsPcapngWriter *w;
  FILE *out;
  int failed = 0;

  g_return_val_if_fail (SOCKSCOPE_IS_EVENT_LOG (self), FALSE);

  if ((out = g_fopen (path, "wbe")) == NULL)
    {
      int saved = errno;

      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_IO, _("cannot write %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  w = ss_pcapng_writer_new (out, "sockscope " PACKAGE_VERSION);

  for (guint i = 0; i < sockscope_event_log_get_n_events (self) && failed == 0; i++)
    {
            g_autoptr(JsonObject) o = NULL;
      g_autofree guchar *raw = NULL;
      gsize raw_len = 0;
      guint linktype;
      gpointer iface;

      if (sockscope_event_log_get_event_type (self, i) != SOCKSCOPE_EVENT_PACKET)
        continue;
      o = sockscope_event_log_parse (self, i);
      raw = g_base64_decode (json_object_get_string_member_with_default (o, "raw", ""), &raw_len);
      linktype = json_object_get_int_member_with_default (o, "linktype", 1);
      if ((iface = g_hash_table_lookup (ifaces, GUINT_TO_POINTER (linktype + 1))) == NULL)
        {
          int id = ss_pcapng_writer_add_interface (w, linktype, 262144, "lo");

          if (id < 0)
            {
              failed = -1;
              break;
            }
          iface = GINT_TO_POINTER (id + 1);
          g_hash_table_insert (ifaces, GUINT_TO_POINTER (linktype + 1), iface);
        }
      failed = ss_pcapng_writer_add_packet (w, GPOINTER_TO_INT (iface) - 1, json_object_get_int_member_with_default (o, "t_ns", 0), raw, raw_len,
                                            json_object_get_int_member_with_default (o, "origlen", raw_len),
                                            json_object_get_string_member_with_default (o, "cause_text", "kernel"));
    }
  if (ss_pcapng_writer_finish (w) != 0)
    failed = -1;
  if (fclose (out) != 0)
    failed = -1;
  if (failed != 0)
    {
      g_set_error (error, SOCKSCOPE_ERROR, SOCKSCOPE_ERROR_IO, _("cannot write %s"), path);
      return FALSE;
    }
  return TRUE;
}
