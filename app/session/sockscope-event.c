/* sockscope-event.c: one event of the log. The log keeps compact records; an item is made
 * when a view asks for it and parses its JSON line only if the view needs the details. */
#include "config.h"

#include "sockscope-event.h"

struct _SockscopeEvent
{
  GObject             parent_instance;
  guint               position;
  guint64             seq;
  gint64              t_ns;
  SockscopeEventType  type;
  int                 step;
  const char         *actor;    /* interned */
  char               *line;
  JsonObject         *object;   /* parsed on first use */
};

G_DEFINE_FINAL_TYPE (SockscopeEvent, sockscope_event, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_POSITION,
  PROP_SEQ,
  PROP_T_NS,
  PROP_STEP,
  PROP_ACTOR,
  PROP_LINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sockscope_event_finalize (GObject *object)
{
  SockscopeEvent *self = SOCKSCOPE_EVENT (object);

  g_free (self->line);
  g_clear_pointer (&self->object, json_object_unref);

  G_OBJECT_CLASS (sockscope_event_parent_class)->finalize (object);
}

static void
sockscope_event_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SockscopeEvent *self = SOCKSCOPE_EVENT (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    case PROP_SEQ:
      g_value_set_uint64 (value, self->seq);
      break;
    case PROP_T_NS:
      g_value_set_int64 (value, self->t_ns);
      break;
    case PROP_STEP:
      g_value_set_int (value, self->step);
      break;
    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;
    case PROP_LINE:
      g_value_set_string (value, self->line);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sockscope_event_class_init (SockscopeEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sockscope_event_finalize;
  object_class->get_property = sockscope_event_get_property;

  properties[PROP_POSITION] = g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEQ] = g_param_spec_uint64 ("seq", NULL, NULL, 0, G_MAXUINT64, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_T_NS] = g_param_spec_int64 ("t-ns", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] = g_param_spec_int ("step", NULL, NULL, 0, G_MAXINT, 0,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR] = g_param_spec_string ("actor", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LINE] = g_param_spec_string ("line", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sockscope_event_init (SockscopeEvent *self)
{
}

/* @step is 0 when the event belongs to no step; @actor must be interned. */
SockscopeEvent *
sockscope_event_new (guint               position,
                     guint64             seq,
                     gint64              t_ns,
                     SockscopeEventType  type,
                     int                 step,
                     const char         *actor,
                     const char         *line)
{
  SockscopeEvent *self = g_object_new (SOCKSCOPE_TYPE_EVENT, NULL);

  self->position = position;
  self->seq = seq;
  self->t_ns = t_ns;
  self->type = type;
  self->step = step;
  self->actor = actor;
  self->line = g_strdup (line);
  return self;
}

guint
sockscope_event_get_position (SockscopeEvent *self)
{
  return self->position;
}

guint64
sockscope_event_get_seq (SockscopeEvent *self)
{
  return self->seq;
}

gint64
sockscope_event_get_t_ns (SockscopeEvent *self)
{
  return self->t_ns;
}

SockscopeEventType
sockscope_event_get_event_type (SockscopeEvent *self)
{
  return self->type;
}

int
sockscope_event_get_step (SockscopeEvent *self)
{
  return self->step;
}

const char *
sockscope_event_get_actor (SockscopeEvent *self)
{
  return self->actor;
}

const char *
sockscope_event_get_line (SockscopeEvent *self)
{
  return self->line;
}

/* The whole event; owned by @self. */
JsonObject *
sockscope_event_get_object (SockscopeEvent *self)
{
  if (self->object == NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (self->line, NULL);

      self->object = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                     ? json_object_ref (json_node_get_object (node)) : json_object_new ();
    }
  return self->object;
}

SockscopeEventType
sockscope_event_type_from_string (const char *type)
{
  static const char * const names[] = {
    "", "actor", "call", "blocked", "return", "packet", "state", "note", NULL
  };

  for (guint i = 1; names[i]; i++)
    if (g_strcmp0 (type, names[i]) == 0)
      return i;
  return SOCKSCOPE_EVENT_OTHER;
}
