/* sockscope-event.h: one event of the log, made on demand for list views. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  SOCKSCOPE_EVENT_OTHER,
  SOCKSCOPE_EVENT_ACTOR,
  SOCKSCOPE_EVENT_CALL,
  SOCKSCOPE_EVENT_BLOCKED,
  SOCKSCOPE_EVENT_RETURN,
  SOCKSCOPE_EVENT_PACKET,
  SOCKSCOPE_EVENT_STATE,
  SOCKSCOPE_EVENT_NOTE,
} SockscopeEventType;

#define SOCKSCOPE_TYPE_EVENT (sockscope_event_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeEvent, sockscope_event, SOCKSCOPE, EVENT, GObject)

SockscopeEvent     *sockscope_event_new            (guint              position,
                                                    guint64            seq,
                                                    gint64             t_ns,
                                                    SockscopeEventType type,
                                                    int                step,
                                                    const char        *actor,
                                                    const char        *line);
guint               sockscope_event_get_position   (SockscopeEvent    *self);
guint64             sockscope_event_get_seq        (SockscopeEvent    *self);
gint64              sockscope_event_get_t_ns       (SockscopeEvent    *self);
SockscopeEventType  sockscope_event_get_event_type (SockscopeEvent    *self);
int                 sockscope_event_get_step       (SockscopeEvent    *self);
const char         *sockscope_event_get_actor      (SockscopeEvent    *self);
const char         *sockscope_event_get_line       (SockscopeEvent    *self);
JsonObject         *sockscope_event_get_object     (SockscopeEvent    *self);

SockscopeEventType  sockscope_event_type_from_string (const char      *type);

G_END_DECLS
