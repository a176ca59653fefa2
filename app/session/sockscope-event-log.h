/* sockscope-event-log.h: the append-only event log, a GListModel of SockscopeEvent. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sockscope-event.h"
#include "sockscope-lesson.h"

G_BEGIN_DECLS

/* What a diagram reads of a packet event (sockscope_event_log_get_packet). pkt's integers are
 * G_MININT64 when absent or null; strings NULL. */
typedef struct
{
  gint64      seq, t_ns;
  gboolean    has_cause;
  gint64      cause, analysis_of, analysis_count;
  const char *from, *to, *analysis;
  const char *wire;               /* what the wire between two hosts did to it, or NULL */
  const char *proto, *src, *dst, *flags, *summary;   /* pkt's */
  gint64      sport, dport, pkt_seq, ack, win, len;
  gboolean    is_fragment;        /* pkt.fragment is an object: a fragment of an IP datagram */
  gint64      fragment_offset;    /* pkt.fragment.offset, in bytes */
  char        text[768];
} SockscopeLoggedPacket;

#define SOCKSCOPE_TYPE_EVENT_LOG (sockscope_event_log_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeEventLog, sockscope_event_log, SOCKSCOPE, EVENT_LOG, GObject)

SockscopeEventLog  *sockscope_event_log_new            (void);
gboolean            sockscope_event_log_append         (SockscopeEventLog  *self,
                                                        const char         *line,
                                                        GError            **error);
gboolean            sockscope_event_log_append_quietly (SockscopeEventLog  *self,
                                                        const char         *line,
                                                        gsize               len);
void                sockscope_event_log_announce       (SockscopeEventLog  *self,
                                                        guint               position);
guint               sockscope_event_log_get_n_events   (SockscopeEventLog  *self);
const char         *sockscope_event_log_get_actor      (SockscopeEventLog  *self,
                                                        guint               position);
const char         *sockscope_event_log_get_line       (SockscopeEventLog  *self,
                                                        guint               position);
SockscopeEventType  sockscope_event_log_get_event_type (SockscopeEventLog  *self,
                                                        guint               position);
int                 sockscope_event_log_get_step       (SockscopeEventLog  *self,
                                                        guint               position);
JsonObject         *sockscope_event_log_parse          (SockscopeEventLog  *self,
                                                        guint               position);
JsonObject         *sockscope_event_log_parse_line     (const char         *line);
gboolean            sockscope_event_log_get_packet     (SockscopeEventLog  *self,
                                                        guint               position,
                                                        SockscopeLoggedPacket *packet);
char               *sockscope_event_log_get_string     (SockscopeEventLog  *self,
                                                        guint               position,
                                                        const char         *path);
gboolean            sockscope_event_log_get_int        (SockscopeEventLog  *self,
                                                        guint               position,
                                                        const char         *path,
                                                        gint64             *out);
const char         *sockscope_event_log_get_lesson_id  (SockscopeEventLog  *self);
const char         *sockscope_event_log_get_lang       (SockscopeEventLog  *self);
const char         *sockscope_event_log_get_lesson_text (SockscopeEventLog *self);
const char         *sockscope_event_log_get_lesson_path (SockscopeEventLog *self);

gboolean            sockscope_event_log_record_to      (SockscopeEventLog  *self,
                                                        const char         *path,
                                                        SockscopeLesson    *lesson,
                                                        const char         *lang,
                                                        GError            **error);
gboolean            sockscope_event_log_stop_recording (SockscopeEventLog  *self,
                                                        GError            **error);
SockscopeEventLog  *sockscope_event_log_load           (const char         *path,
                                                        char              **warning,
                                                        GError            **error);
SockscopeEventLog  *sockscope_event_log_load_head      (const char         *path,
                                                        guint               n_events,
                                                        char              **warning,
                                                        GError            **error);
gboolean            sockscope_event_log_has_rest       (SockscopeEventLog  *self);
void                sockscope_event_log_load_rest_async (SockscopeEventLog  *self,
                                                        guint               n_events,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
gboolean            sockscope_event_log_load_rest_finish (SockscopeEventLog *self,
                                                        GAsyncResult       *result,
                                                        char              **warning,
                                                        GError            **error);
gboolean            sockscope_event_log_export_pcapng  (SockscopeEventLog  *self,
                                                        const char         *path,
                                                        GError            **error);

G_END_DECLS
