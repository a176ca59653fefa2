/* sockscope-sequence-view.c: the ladder diagram.
 *
 * Every item (call, packet, state) takes one row, in log order, so a row's y is arithmetic and
 * a frame only looks at the rows it shows: the cost of a frame does not depend on the length
 * of the session. Items are compact structs in one GArray, their strings in a GStringChunk.
 * Text and boxes are render nodes; arrows are small cairo nodes because GTK 4.8 has no path
 * nodes and its GL renderer does not antialias rotated rectangles. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sockscope-projection.h"
#include "sockscope-sequence-view.h"

#define COLUMN_MIN_WIDTH   210.0  /* a lifeline's column at zoom 1, room for a packet label */
#define ANIMATION_MS       300.0  /* an arrow grows from sender to receiver in this time */
#define MAX_ANIMATIONS     16     /* a burst of items (a replay) appears at once */
#define PULSE_PERIOD_US    1600000.0
#define MAX_CACHED_ARROWS  64
#define BAR_WIDTH          12.0   /* activation bar, at zoom 1 */
#define MAX_COLUMNS        32     /* lifelines placed in columns; more share the last */
#define SPAWN_Y            0.72   /* where in its spawn row a created actor's lifeline begins */

typedef enum
{
  ITEM_CALL,
  ITEM_PACKET,
  ITEM_STATE,
  ITEM_SPAWN,   /* from: the parent, to: the actor created */
  ITEM_EXIT,    /* from: the actor that ended */
  ITEM_SIGNAL,  /* from: the actor it is about (-1), to: the one that gets it */
  ITEM_RESULT,  /* what a call gave back, on its own row: from: its lifeline, cause_seq: the call */
} ItemKind;

typedef enum
{
  ITEM_KERNEL         = 1 << 0,  /* packet the kernel sent on its own */
  ITEM_ERROR          = 1 << 1,  /* call that returned an error */
  ITEM_CAUSES_PACKETS = 1 << 2,  /* call that some packet names as its cause */
  ITEM_RESULT_ROW     = 1 << 3,  /* call whose result is drawn on a row of its own */
} ItemFlags;

typedef enum
{
  FAMILY_OTHER,
  FAMILY_LISTEN,
  FAMILY_OPENING,
  FAMILY_ESTAB,
  FAMILY_CLOSING,
  FAMILY_TIME_WAIT,
  N_FAMILIES
} StateFamily;

typedef struct
{
  guint       seq;
  guint       cause_seq;    /* packet: the call that caused it, or 0; result: its call */
  guint       blocked_seq;  /* call: the blocked event, or 0 */
  guint       return_seq;   /* call: the return event, or 0 while running */
  guint       return_row;   /* call: its result row, or the number of rows logged before it returned */
  gint16      from;         /* call, state: its lifeline; packet: sender (-1 outside) */
  gint16      to;           /* packet: receiver (-1 outside) */
  guint8      kind;
  guint8      flags;
  guint8      colour;       /* call with packets, and its packets: palette index */
  guint8      family;       /* state: StateFamily */
  guint       split;        /* bytes of text before the emphasised part (result, state) */
  gint64      t_ns;
  gint64      return_t_ns;
  const char *text;         /* as drawn, in the string chunk */
  const char *call_text;    /* call: the text without its result */
} Item;

typedef struct
{
  char     *name;
  char     *label;
  int       parent;      /* the lifeline that creates it (fork, pthread_create), or -1 */
  gboolean  thread;
  guint     spawn_row;   /* a child's: the row it is created in; G_MAXUINT: not yet */
  guint     exit_row;    /* the row it ends in, or G_MAXUINT */
  gboolean  implicit;    /* a child seen acting without its creation in the log */
  guint     max_chars;   /* the longest call or note on it: its column is that wide */
} Lifeline;

typedef struct
{
  guint  index;
  gint64 start_us;
} Animation;

/* Everything a frame or a hit test needs to place rows and columns. */
typedef struct
{
  double zoom;
  double row_h;
  double header_h;
  double top;         /* y of row 0 in content coordinates */
  double gutter_left;
  double col_w;       /* the narrowest column */
  double content_w;   /* the columns' total width */
  double center[MAX_COLUMNS]; /* column -> x of its lifeline, from the gutter */
  double half[MAX_COLUMNS];   /* column -> half its width */
  double hvalue;
  double vvalue;
  double width;
  double height;
  guint  n_columns;
  int    column[MAX_COLUMNS]; /* lifeline -> column, -1 when not created yet */
} Geometry;

typedef struct
{
  GdkRGBA fg;
  GdkRGBA bg;
  GdkRGBA accent;
  GdkRGBA error;
  GdkRGBA warning;
  GdkRGBA dim;
  GdkRGBA palette[5];
  GdkRGBA family[N_FAMILIES];
} Colours;

struct _SockscopeSequenceView
{
  GtkWidget      parent_instance;

  GPtrArray     *lifelines;       /* Lifeline */
  GArray        *order;           /* guint: lifelines in drawing order, children by parents */
  GArray        *items;           /* Item, by increasing seq */
  GArray        *calls;           /* guint item index of every call, in row order */
  GArray        *open_calls;      /* guint item index of calls not returned yet */
  GArray        *animations;      /* Animation */
  GStringChunk  *strings;
  guint          max_span;        /* longest activation bar of a returned call, in rows */
  guint          n_causes;        /* calls given a palette colour so far */
  gboolean       has_outside;

  guint          position;
  guint          n_visible;
  guint          selected;
  guint          selected_cause;  /* the call of a selected packet */

  double         zoom;
  double         animation_speed;
  gboolean       follow;

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;
  guint          in_configure : 1;
  guint          layout_queued : 1;
  guint          scroll_to_selected : 1;

  guint          tick_id;
  guint          layout_tick_id;  /* sets the adjustments, next frame */
  int            allocated_width;
  int            allocated_height;

  /* Reused for every text of a frame; dropped when the font or zoom changes. */
  PangoLayout   *sans;
  PangoLayout   *mono;
  PangoLayout   *bold;
  GHashTable    *arrows;          /* arrow shape and colour → GdkTexture */
  double         line_h1;         /* sans line height at zoom 1 */
  double         char_w1;         /* monospace character width at zoom 1 */

  Colours        colours;
};

enum
{
  PROP_0,
  PROP_ZOOM,
  PROP_ANIMATION_SPEED,
  PROP_FOLLOW,
  N_PROPS,

  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum
{
  SIGNAL_SELECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (SockscopeSequenceView, sockscope_sequence_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static inline Item *
item_get (SockscopeSequenceView *self,
          guint                  index)
{
  return &g_array_index (self->items, Item, index);
}

/* Number of items with seq < seq: the row of that seq, or where it would go. */
static guint
row_lower_bound (SockscopeSequenceView *self,
                 guint                  seq)
{
  guint lo = 0;
  guint hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (item_get (self, mid)->seq < seq)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static Item *
item_lookup (SockscopeSequenceView *self,
             guint                  seq,
             guint                 *index)
{
  guint row = row_lower_bound (self, seq);

  if (seq == 0 || row >= self->items->len || item_get (self, row)->seq != seq)
    return NULL;
  if (index != NULL)
    *index = row;
  return item_get (self, row);
}

static gboolean
is_live (SockscopeSequenceView *self)
{
  return self->position == G_MAXUINT;
}

static gboolean
shows_seq (SockscopeSequenceView *self,
           guint                  seq)
{
  return seq != 0 && seq <= self->position;
}

/* Off at speed 0 (tests, screenshots) and when the desktop asks for reduced motion. */
static gboolean
animates (SockscopeSequenceView *self)
{
  gboolean enabled = TRUE;

  if (self->animation_speed <= 0)
    return FALSE;
  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-enable-animations", &enabled, NULL);
  return enabled;
}

static gboolean
call_is_blocked (SockscopeSequenceView *self,
                 const Item            *item)
{
  return shows_seq (self, item->blocked_seq) && !shows_seq (self, item->return_seq);
}

/* A call, or the call of a result row. */
static const Item *
call_of (SockscopeSequenceView *self,
         const Item            *item)
{
  return item->kind == ITEM_RESULT ? item_lookup (self, item->cause_seq, NULL) : item;
}

/* The text as it reads at the current position: a call's result only once it has returned. */
static const char *
item_text (SockscopeSequenceView *self,
           const Item            *item)
{
  if (item->kind == ITEM_CALL && !shows_seq (self, item->return_seq))
    return item->call_text;
  return item->text;
}

static StateFamily
state_family (const char *state)
{
  static const struct { const char *state; StateFamily family; } families[] = {
    { "LISTEN", FAMILY_LISTEN },
    { "UNCONN", FAMILY_LISTEN },
    { "SYN-SENT", FAMILY_OPENING },
    { "SYN-RECV", FAMILY_OPENING },
    { "ESTAB", FAMILY_ESTAB },
    { "FIN-WAIT-1", FAMILY_CLOSING },
    { "FIN-WAIT-2", FAMILY_CLOSING },
    { "CLOSE-WAIT", FAMILY_CLOSING },
    { "LAST-ACK", FAMILY_CLOSING },
    { "CLOSING", FAMILY_CLOSING },
    { "TIME-WAIT", FAMILY_TIME_WAIT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    if (g_strcmp0 (state, families[i].state) == 0)
      return families[i].family;
  return FAMILY_OTHER;
}

/* Style */

/* Adwaita's palette, the darker shades on a light background and the lighter ones on a dark
 * background, so that lines and borders keep a contrast of about 3:1 either way. */
static void
update_colours (SockscopeSequenceView *self)
{
  /* Cause colours; blue, the accent (selection), comes last. */
  static const char *light[] = { "#813d9c", "#c64600", "#1b8553", "#865e3c", "#1c71d8" };
  static const char *dark[] = { "#dc8add", "#ffa348", "#57e389", "#cdab8f", "#78aeed" };
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  Colours *c = &self->colours;
  gboolean is_dark;

  gtk_style_context_get_color (context, &c->fg);
  is_dark = 0.2126 * c->fg.red + 0.7152 * c->fg.green + 0.0722 * c->fg.blue > 0.5;
  if (!gtk_style_context_lookup_color (context, "view_bg_color", &c->bg))
    gdk_rgba_parse (&c->bg, is_dark ? "#1e1e1e" : "#ffffff");
  if (!gtk_style_context_lookup_color (context, "accent_color", &c->accent))
    gdk_rgba_parse (&c->accent, is_dark ? "#78aeed" : "#1c71d8");
  if (!gtk_style_context_lookup_color (context, "error_color", &c->error))
    gdk_rgba_parse (&c->error, is_dark ? "#ff7b63" : "#c01c28");
  c->bg.alpha = 1.0;
  gdk_rgba_parse (&c->warning, is_dark ? "#f8e45c" : "#9c6e03");
  c->dim = c->fg;
  c->dim.alpha = 0.55;

  for (guint i = 0; i < G_N_ELEMENTS (c->palette); i++)
    gdk_rgba_parse (&c->palette[i], is_dark ? dark[i] : light[i]);

  gdk_rgba_parse (&c->family[FAMILY_OTHER], is_dark ? "#9a9996" : "#77767b");
  gdk_rgba_parse (&c->family[FAMILY_LISTEN], is_dark ? "#62a0ea" : "#1c71d8");
  gdk_rgba_parse (&c->family[FAMILY_OPENING], is_dark ? "#f6d32d" : "#c88800");
  gdk_rgba_parse (&c->family[FAMILY_ESTAB], is_dark ? "#57e389" : "#26a269");
  gdk_rgba_parse (&c->family[FAMILY_CLOSING], is_dark ? "#ffa348" : "#e66100");
  gdk_rgba_parse (&c->family[FAMILY_TIME_WAIT], is_dark ? "#dc8add" : "#9141ac");
}

static PangoLayout *
make_layout (SockscopeSequenceView *self,
             const char            *family,
             double                 scale,
             PangoWeight            weight)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  const PangoFontDescription *base;
  g_autoptr(PangoFontDescription) desc = NULL;
  int size;

  base = pango_context_get_font_description (pango_layout_get_context (layout));
  desc = pango_font_description_copy (base);
  size = pango_font_description_get_size (desc);
  if (size <= 0)
    size = 11 * PANGO_SCALE;
  if (family != NULL)
    pango_font_description_set_family (desc, family);
  pango_font_description_set_weight (desc, weight);
  /* Points, not pixels, so the text follows the display's scale like the rest of the UI. */
  pango_font_description_set_size (desc, (int) (size * scale));
  pango_layout_set_font_description (layout, desc);
  return layout;
}

static void
drop_layouts (SockscopeSequenceView *self)
{
  g_clear_object (&self->sans);
  g_clear_object (&self->mono);
  g_clear_object (&self->bold);
  g_hash_table_remove_all (self->arrows);
  self->line_h1 = 0;
}

static void
ensure_layouts (SockscopeSequenceView *self)
{
  if (self->sans != NULL)
    return;

  if (self->line_h1 <= 0)
    {
      g_autoptr(PangoLayout) probe = make_layout (self, NULL, 1.0, PANGO_WEIGHT_NORMAL);
      int h;

      g_autoptr(PangoLayout) mono = make_layout (self, "Monospace", 1.0, PANGO_WEIGHT_NORMAL);
      int w;

      pango_layout_set_text (probe, "Xg", -1);
      pango_layout_get_pixel_size (probe, NULL, &h);
      self->line_h1 = MAX (h, 12);
      pango_layout_set_text (mono, "0123456789", -1);
      pango_layout_get_pixel_size (mono, &w, NULL);
      self->char_w1 = MAX (w / 10.0, 5.0);
    }
  self->sans = make_layout (self, NULL, self->zoom, PANGO_WEIGHT_NORMAL);
  self->mono = make_layout (self, "Monospace", self->zoom, PANGO_WEIGHT_NORMAL);
  self->bold = make_layout (self, NULL, 1.1 * self->zoom, PANGO_WEIGHT_BOLD);
  update_colours (self);
}

/* Geometry */

static void
get_geometry (SockscopeSequenceView *self,
              Geometry              *g)
{
  double z = self->zoom;
  guint n;

  /* Columns: the actors that exist at the position shown, each child next to its parent. */
  g->n_columns = 0;
  for (guint i = 0; i < MAX_COLUMNS; i++)
    g->column[i] = -1;
  for (guint i = 0; i < self->order->len; i++)
    {
      guint index = g_array_index (self->order, guint, i);
      const Lifeline *line = g_ptr_array_index (self->lifelines, index);

      if (index < MAX_COLUMNS && (line->parent < 0 || line->spawn_row < self->n_visible))
        g->column[index] = (int) g->n_columns++;
    }
  n = MAX (g->n_columns, 1);

  ensure_layouts (self);
  g->zoom = z;
  g->width = gtk_widget_get_width (GTK_WIDGET (self));
  g->height = gtk_widget_get_height (GTK_WIDGET (self));
  /* Proportional to the zoom exactly, so that 200 % is twice as tall. */
  g->row_h = (self->line_h1 + 32.0) * z;
  g->header_h = (self->line_h1 + 30.0) * z;
  g->top = g->header_h + 10.0 * z;
  g->gutter_left = (self->has_outside ? 110.0 : 24.0) * z;
  /* Columns share the width equally, at least room for a packet label between lifelines. A
   * row holds one item, so a wide call box may spread over the neighbouring columns; only the
   * first and last columns need room for half their widest box beyond their lifeline. */
  {
    double need[MAX_COLUMNS] = { 0 };
    double avail, left = 0, right = 0, x;

    for (guint i = 0; i < self->lifelines->len && i < MAX_COLUMNS; i++)
      if (g->column[i] >= 0)
        {
          const Lifeline *line = g_ptr_array_index (self->lifelines, i);

          need[g->column[i]] = (line->max_chars * self->char_w1 + 40.0) * z;
        }
    avail = g->width - g->gutter_left - 24.0 * z;
    g->col_w = COLUMN_MIN_WIDTH * z;
    for (int pass = 0; pass < 2; pass++)
      {
        left = MAX (0, need[0] / 2 - g->col_w / 2);
        right = MAX (0, need[n - 1] / 2 - g->col_w / 2);
        g->col_w = MAX (COLUMN_MIN_WIDTH * z, (avail - left - right) / n);
      }
    x = left;
    for (guint i = 0; i < n; i++)
      {
        g->center[i] = x + g->col_w / 2;
        g->half[i] = g->col_w / 2 + (i == 0 ? left : 0) + (i == n - 1 ? right : 0);
        x += g->col_w;
      }
    g->content_w = x + right;
  }
  g->hvalue = self->hadjustment ? gtk_adjustment_get_value (self->hadjustment) : 0;
  g->vvalue = self->vadjustment ? gtk_adjustment_get_value (self->vadjustment) : 0;
}

static double
content_width (const Geometry *g,
               guint           n_lifelines)
{
  return g->gutter_left + 24.0 * g->zoom + g->content_w;
}

static double
content_height (const Geometry *g,
                guint           n_rows)
{
  return g->top + n_rows * g->row_h + 16.0 * g->zoom;
}

static double
lifeline_x (const Geometry *g,
            int             lifeline)
{
  int column;

  if (lifeline < 0)
    return g->gutter_left * 0.5 - g->hvalue;
  column = g->column[MIN (lifeline, MAX_COLUMNS - 1)];
  return g->gutter_left + g->center[MAX (column, 0)] - g->hvalue;
}

/* A signal drawn as an arrow (from the actor it is about), rather than a note. */
static gboolean
is_arrow (const Item *item)
{
  return item->kind == ITEM_PACKET || item->kind == ITEM_SPAWN ||
         (item->kind == ITEM_SIGNAL && item->from >= 0 && item->from != item->to);
}

static double
row_y (const Geometry *g,
       guint           row)
{
  return g->top + row * g->row_h - g->vvalue;
}

static void
set_item_text (SockscopeSequenceView *self,
               PangoLayout           *layout,
               const Item            *item,
               const GdkRGBA         *emphasis)
{
  const char *text = item_text (self, item);
  PangoAttrList *attrs = pango_attr_list_new ();
  PangoAttribute *attr = NULL;

  pango_layout_set_text (layout, text, -1);
  if (item->kind == ITEM_PACKET)
    {
      /* The flags, first word of the label, are what a learner looks for. */
      const char *space = strchr (text, ' ');

      attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
      attr->start_index = 0;
      attr->end_index = space ? (guint) (space - text) : G_MAXUINT;
    }
  else if (item->kind == ITEM_STATE || item->kind == ITEM_SIGNAL)
    {
      attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
      attr->start_index = item->split;
    }
  else if (item->kind == ITEM_RESULT)
    {
      /* "← accept = 4 (…)": what came back stands out. */
      attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
      attr->start_index = item->split;
      if (emphasis != NULL)
        {
          pango_attr_list_insert (attrs, attr);
          attr = pango_attr_foreground_new (emphasis->red * 65535, emphasis->green * 65535,
                                            emphasis->blue * 65535);
          attr->start_index = item->split;
        }
    }
  else if (text != item->call_text && emphasis != NULL)
    {
      attr = pango_attr_foreground_new (emphasis->red * 65535, emphasis->green * 65535,
                                        emphasis->blue * 65535);
      attr->start_index = item->split;
    }
  if (attr != NULL)
    pango_attr_list_insert (attrs, attr);
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
}

/* The activation bar of a call that spans rows, from its box to its return (or to the last
 * row shown while it runs). FALSE when the call returns within its own row. */
static gboolean
call_bar (SockscopeSequenceView *self,
          const Geometry        *g,
          const Item            *item,
          guint                  row,
          graphene_rect_t       *bar)
{
  guint end = shows_seq (self, item->return_seq) ? item->return_row : self->n_visible;
  double x = lifeline_x (g, item->from);
  double w = BAR_WIDTH * g->zoom;
  double top, bottom;

  gboolean to_result = (item->flags & ITEM_RESULT_ROW) && shows_seq (self, item->return_seq);

  end = MIN (end, self->n_visible);
  if (end <= row + 1)
    return FALSE;
  top = row_y (g, row) + g->row_h / 2;
  /* Down to the middle of its result's row, or to where it returned. */
  bottom = row_y (g, end) + (to_result ? g->row_h / 2 : 4 * g->zoom);
  graphene_rect_init (bar, x - w / 2, top, w, bottom - top);
  return TRUE;
}

/* Calls whose bar may cross rows [first, last]: every open call, and returned calls that start
 * at most max_span rows above. */
typedef gboolean (*BarFunc) (SockscopeSequenceView *self,
                             guint                  index,
                             gpointer               data);

static gboolean
foreach_bar (SockscopeSequenceView *self,
             guint                  first,
             guint                  last,
             BarFunc                func,
             gpointer               data)
{
  guint lo = 0, hi = self->calls->len;

  /* The first call after row last. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->calls, guint, mid) <= last)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint i = lo; i > 0; i--)
    {
      guint index = g_array_index (self->calls, guint, i - 1);
      const Item *item = item_get (self, index);

      if (index + self->max_span < first)
        break;
      if (item->return_seq != 0 && func (self, index, data))
        return TRUE;
    }
  for (guint i = 0; i < self->open_calls->len; i++)
    {
      guint index = g_array_index (self->open_calls, guint, i);

      if (index <= last && func (self, index, data))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  int   lifeline;
  guint row;
} BarQuery;

static gboolean
bar_covers (SockscopeSequenceView *self,
            guint                  index,
            gpointer               data)
{
  const BarQuery *q = data;
  const Item *item = item_get (self, index);
  guint end = shows_seq (self, item->return_seq) ? item->return_row : self->n_visible;

  return item->from == q->lifeline && index < q->row && q->row < MIN (end, self->n_visible);
}

/* How far from its lifeline an arrow ends: at the edge of an activation bar, as in UML. */
static double
arrow_inset (SockscopeSequenceView *self,
             const Geometry        *g,
             int                    lifeline,
             guint                  row)
{
  BarQuery q = { lifeline, row };

  if (lifeline >= 0 && foreach_bar (self, row, row, bar_covers, &q))
    return BAR_WIDTH / 2 * g->zoom;
  return 0;
}

/* Where a packet's arrow starts and ends within its row: sloping down, as time passes while
 * the packet travels. */
static void
arrow_ends (SockscopeSequenceView *self,
            const Geometry        *g,
            const Item            *item,
            guint                  row,
            double                *xa,
            double                *ya,
            double                *xb,
            double                *yb)
{
  double y = row_y (g, row);
  double direction;

  *xa = lifeline_x (g, item->from);
  *xb = lifeline_x (g, item->to);
  direction = *xb >= *xa ? 1 : -1;
  *xa += direction * arrow_inset (self, g, item->from, row);
  *xb -= direction * arrow_inset (self, g, item->to, row);
  *ya = y + 0.56 * g->row_h;
  *yb = y + 0.88 * g->row_h;
  if (item->kind == ITEM_SPAWN)
    *ya = *yb = y + SPAWN_Y * g->row_h;
}

/* The rectangle of a call box, state tag or packet label, and its text size. */
static void
item_box (SockscopeSequenceView *self,
          const Geometry        *g,
          const Item            *item,
          guint                  row,
          graphene_rect_t       *box,
          PangoLayout          **layout_out)
{
  PangoLayout *layout;
  double z = g->zoom;
  double y = row_y (g, row);
  int tw, th;

  layout = item->kind == ITEM_CALL || item->kind == ITEM_SPAWN || item->kind == ITEM_RESULT ? self->mono : self->sans;
  set_item_text (self, layout, item,
                 (item->flags & ITEM_ERROR) && (item->kind == ITEM_CALL || item->kind == ITEM_RESULT)
                 ? &self->colours.error : NULL);
  pango_layout_get_pixel_size (layout, &tw, &th);

  if (item->kind == ITEM_SPAWN)
    {
      double xa, ya, xb, yb, w = tw + 16 * z, h = th + 6 * z;

      arrow_ends (self, g, item, row, &xa, &ya, &xb, &yb);
      graphene_rect_init (box, (xa + xb - w) / 2, ya - 4 * z - h, w, h);
    }
  else if (item->kind == ITEM_EXIT || (item->kind == ITEM_SIGNAL && !is_arrow (item)))
    {
      double w = tw + 16 * z, h = th + 6 * z;
      int lifeline = item->kind == ITEM_EXIT ? item->from : item->to;

      /* Beside the lifeline: the end cross (or the signal's mark) is on it. */
      graphene_rect_init (box, lifeline_x (g, lifeline) + 12 * z, y + (g->row_h - h) / 2, w, h);
    }
  else if (is_arrow (item))
    {
      double xa, ya, xb, yb, w = tw + 16 * z, h = th + 6 * z;
      double slope;

      arrow_ends (self, g, item, row, &xa, &ya, &xb, &yb);
      slope = fabs (xb - xa) > 1 ? fabs ((yb - ya) / (xb - xa)) : 0;
      /* Clear of the arrow where it is highest under the label. */
      graphene_rect_init (box, (xa + xb - w) / 2, (ya + yb) / 2 - slope * w / 2 - 5 * z - h, w, h);
    }
  else
    {
      gboolean boxed = item->kind == ITEM_CALL || item->kind == ITEM_RESULT;
      double w = tw + (boxed ? 20 : 16) * z;
      double h = th + (boxed ? 12 : 6) * z;

      graphene_rect_init (box, lifeline_x (g, item->from) - w / 2, y + (g->row_h - h) / 2, w, h);
    }
  if (layout_out != NULL)
    *layout_out = layout;
}

static void
visible_rows (SockscopeSequenceView *self,
              const Geometry        *g,
              guint                 *first,
              guint                 *last)
{
  double top = (g->vvalue + g->header_h - g->top) / g->row_h;
  double bottom = (g->vvalue + g->height - g->top) / g->row_h;

  *first = (guint) MAX (0, floor (top) - 1);
  *last = (guint) MAX (0, ceil (bottom));
}

/* Hit testing */

typedef struct
{
  const Geometry *g;
  double          x, y;
  guint           seq;
} HitData;

static gboolean
hit_bar (SockscopeSequenceView *self,
         guint                  index,
         gpointer               data)
{
  HitData *hit = data;
  graphene_rect_t bar;

  if (index < self->n_visible &&
      call_bar (self, hit->g, item_get (self, index), index, &bar) &&
      graphene_rect_contains_point (graphene_rect_inset (&bar, -4 * hit->g->zoom, 0),
                                    &GRAPHENE_POINT_INIT (hit->x, hit->y)))
    {
      hit->seq = item_get (self, index)->seq;
      return TRUE;
    }
  return FALSE;
}

guint
sockscope_sequence_view_item_at (SockscopeSequenceView *self,
                                 double                 x,
                                 double                 y)
{
  Geometry g;
  HitData hit = { &g, x, y, 0 };
  graphene_rect_t box;
  const Item *item;
  double row_f;
  guint row;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  get_geometry (self, &g);
  row_f = (y + g.vvalue - g.top) / g.row_h;
  if (y < g.header_h || row_f < 0 || row_f >= self->n_visible)
    return 0;
  row = (guint) row_f;
  item = item_get (self, row);
  item_box (self, &g, item, row, &box, NULL);
  graphene_rect_inset (&box, -4 * g.zoom, -4 * g.zoom);
  if (graphene_rect_contains_point (&box, &GRAPHENE_POINT_INIT (x, y)))
    return item->seq;

  if (is_arrow (item))
    {
      double xa, ya, xb, yb;

      /* The whole band between the two lifelines: an arrow is a thin target. */
      arrow_ends (self, &g, item, row, &xa, &ya, &xb, &yb);
      if (x >= MIN (xa, xb) - 4 * g.zoom && x <= MAX (xa, xb) + 4 * g.zoom)
        return item->seq;
    }

  foreach_bar (self, row, row, hit_bar, &hit);
  return hit.seq;
}

gboolean
sockscope_sequence_view_get_item_point (SockscopeSequenceView *self,
                                        guint                  seq,
                                        double                *x,
                                        double                *y)
{
  Geometry g;
  guint row;
  const Item *item;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);

  item = item_lookup (self, seq, &row);
  if (item == NULL || row >= self->n_visible)
    return FALSE;
  get_geometry (self, &g);
  if (is_arrow (item))
    {
      double xa, ya, xb, yb;

      arrow_ends (self, &g, item, row, &xa, &ya, &xb, &yb);
      *x = (xa + xb) / 2;
      *y = (ya + yb) / 2;
    }
  else
    {
      graphene_rect_t box;

      item_box (self, &g, item, row, &box, NULL);
      *x = box.origin.x + box.size.width / 2;
      *y = box.origin.y + box.size.height / 2;
    }
  return TRUE;
}

/* Drawing */

static void
fill_rounded (GtkSnapshot           *snapshot,
              const graphene_rect_t *rect,
              float                  radius,
              const GdkRGBA         *colour)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, rect, radius);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, colour, rect);
  gtk_snapshot_pop (snapshot);
}

static void
stroke_rounded (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect,
                float                  radius,
                float                  width,
                const GdkRGBA         *colour)
{
  GskRoundedRect rounded;
  const float widths[4] = { width, width, width, width };
  const GdkRGBA colours[4] = { *colour, *colour, *colour, *colour };

  gsk_rounded_rect_init_from_rect (&rounded, rect, radius);
  gtk_snapshot_append_border (snapshot, &rounded, widths, colours);
}

static GdkRGBA
mix (const GdkRGBA *under,
     const GdkRGBA *over,
     float          alpha)
{
  alpha *= over->alpha;
  return (GdkRGBA) { under->red + (over->red - under->red) * alpha,
                     under->green + (over->green - under->green) * alpha,
                     under->blue + (over->blue - under->blue) * alpha,
                     1.0f };
}

/* A pill or box, opaque so that the lifeline does not show through. Colours are blended on the
 * background here so that the fill and its border are one rounded clip and one border node
 * side by side, which GTK's GL renderer draws in a single pass: with a software GL the fill
 * rate is what a frame costs. */
static void
draw_box (SockscopeSequenceView *self,
          GtkSnapshot           *snapshot,
          const graphene_rect_t *rect,
          float                  radius,
          const GdkRGBA         *tint,
          float                  tint_alpha,
          const GdkRGBA         *border,
          float                  border_width)
{
  GdkRGBA fill = mix (&self->colours.bg, tint, tint_alpha);
  GdkRGBA edge = mix (&self->colours.bg, border, 1.0f);

  fill_rounded (snapshot, rect, radius, &fill);
  stroke_rounded (snapshot, rect, radius, border_width, &edge);
}

/* Diagonal stripes: the "waiting" look of a blocked call. offset moves them. */
static void
draw_hatch (GtkSnapshot           *snapshot,
            const graphene_rect_t *rect,
            float                  radius,
            const GdkRGBA         *colour,
            double                 zoom,
            double                 offset)
{
  GdkRGBA clear = { colour->red, colour->green, colour->blue, 0 };
  GskRoundedRect rounded;
  float period = 10 * zoom;
  float x = rect->origin.x + offset * period;
  float y = rect->origin.y;
  GskColorStop stops[] = {
    { 0.0f, *colour }, { 0.35f, *colour }, { 0.5f, clear }, { 0.85f, clear }, { 1.0f, *colour },
  };

  gsk_rounded_rect_init_from_rect (&rounded, rect, radius);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_repeating_linear_gradient (snapshot, rect,
                                                 &GRAPHENE_POINT_INIT (x, y),
                                                 &GRAPHENE_POINT_INIT (x + period / 2, y + period / 2),
                                                 stops, G_N_ELEMENTS (stops));
  gtk_snapshot_pop (snapshot);
}

static void
draw_layout (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             double         x,
             double         y,
             const GdkRGBA *colour)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
}

/* A vertical dashed line as one gradient node. */
static void
draw_dashed_vline (GtkSnapshot   *snapshot,
                   double         x,
                   double         top,
                   double         bottom,
                   double         width,
                   double         dash,
                   float          fill,
                   const GdkRGBA *colour)
{
  GdkRGBA clear = { colour->red, colour->green, colour->blue, 0 };
  const GskColorStop stops[] = {
    { 0.0f, *colour }, { fill, *colour }, { fill, clear }, { 1.0f, clear },
  };

  if (bottom <= top)
    return;
  gtk_snapshot_append_repeating_linear_gradient (snapshot,
                                                 &GRAPHENE_RECT_INIT (x - width / 2, top, width, bottom - top),
                                                 &GRAPHENE_POINT_INIT (x, 0),
                                                 &GRAPHENE_POINT_INIT (x, dash),
                                                 stops, G_N_ELEMENTS (stops));
}

/* The path of an arrow from (0, 0) towards (dx, dy), drawn up to progress (0..1) of its
 * length. */
static void
draw_arrow_path (cairo_t       *cr,
                 double         dx,
                 double         dy,
                 double         progress,
                 double         width,
                 gboolean       dashed,
                 const GdkRGBA *colour,
                 const GdkRGBA *halo)
{
  double head = 5 * width + 4;
  double x = dx * progress;
  double y = dy * progress;
  double angle = atan2 (dy, dx);

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* Shaft, stopping where the head starts so a thick line does not blunt its tip. */
  cairo_move_to (cr, 0, 0);
  cairo_line_to (cr, x - cos (angle) * head * 0.8, y - sin (angle) * head * 0.8);
  if (halo != NULL)
    {
      cairo_set_line_width (cr, width * 3.5);
      gdk_cairo_set_source_rgba (cr, halo);
      cairo_stroke_preserve (cr);
    }
  if (dashed)
    {
      const double dashes[] = { 3 * width, 2.5 * width };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
    }
  cairo_set_line_width (cr, width);
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - head * cos (angle - 0.42), y - head * sin (angle - 0.42));
  cairo_line_to (cr, x - head * 0.75 * cos (angle), y - head * 0.75 * sin (angle));
  cairo_line_to (cr, x - head * cos (angle + 0.42), y - head * sin (angle + 0.42));
  cairo_close_path (cr);
  if (halo != NULL)
    {
      cairo_set_line_width (cr, width * 2.5);
      gdk_cairo_set_source_rgba (cr, halo);
      cairo_stroke_preserve (cr);
    }
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_fill (cr);
}

/* Whether the window is drawn by GTK's cairo renderer (software) rather than GL. */
static gboolean
renderer_is_cairo (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

/* An arrow from (xa, ya) to (xb, yb). Arrows between the same lifelines look the same on every
 * row, so with GL a finished one is drawn once into a texture and reused: no rasterising or
 * uploading per frame. GTK 4.8's cairo renderer converts a texture's pixels again each time it
 * draws it, which costs more than stroking the arrow, so there (and for an arrow still growing
 * in) it is drawn directly. */
static void
draw_arrow (SockscopeSequenceView *self,
            GtkSnapshot           *snapshot,
            double                 xa,
            double                 ya,
            double                 xb,
            double                 yb,
            double                 progress,
            double                 width,
            gboolean               dashed,
            const GdkRGBA         *colour,
            const GdkRGBA         *halo)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double dx = round (xb - xa), dy = round (yb - ya);
  double pad = ceil (8 * width + 4);
  double w = fabs (dx) + 2 * pad, h = fabs (dy) + 2 * pad;
  double ox = (dx < 0 ? -dx : 0) + pad, oy = (dy < 0 ? -dy : 0) + pad;
  g_autofree char *key = NULL;
  GdkTexture *texture;

  xa = round (xa);
  ya = round (ya);
  if (progress < 1.0 || renderer_is_cairo (GTK_WIDGET (self)))
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (xa - ox, ya - oy, w, h));

      cairo_translate (cr, xa, ya);
      draw_arrow_path (cr, dx, dy, progress, width, dashed, colour, halo);
      cairo_destroy (cr);
      return;
    }

  key = g_strdup_printf ("%g %g %g %d %d %08x %08x", dx, dy, width, dashed, scale,
                         (guint) (colour->red * 255) << 16 | (guint) (colour->green * 255) << 8 | (guint) (colour->blue * 255),
                         halo ? (guint) (halo->alpha * 255) : 0);
  texture = g_hash_table_lookup (self->arrows, key);
  if (texture == NULL)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w * scale, h * scale);
      cairo_t *cr = cairo_create (surface);
      g_autoptr(GBytes) bytes = NULL;

      cairo_scale (cr, scale, scale);
      cairo_translate (cr, ox, oy);
      draw_arrow_path (cr, dx, dy, 1.0, width, dashed, colour, halo);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                          cairo_image_surface_get_stride (surface) * h * scale,
                                          (GDestroyNotify) cairo_surface_destroy, surface);
      /* Cairo's ARGB32 is GDK's default memory format. */
      texture = gdk_memory_texture_new (w * scale, h * scale, GDK_MEMORY_DEFAULT, bytes,
                                        cairo_image_surface_get_stride (surface));
      if (g_hash_table_size (self->arrows) >= MAX_CACHED_ARROWS)
        g_hash_table_remove_all (self->arrows);
      g_hash_table_insert (self->arrows, g_steal_pointer (&key), texture);
    }
  gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (xa - ox, ya - oy, w, h));
}

static double
animation_progress (SockscopeSequenceView *self,
                    guint                  index,
                    gint64                 now)
{
  for (guint i = 0; i < self->animations->len; i++)
    {
      const Animation *a = &g_array_index (self->animations, Animation, i);

      if (a->index == index)
        {
          double t = (now - a->start_us) / (1000.0 * ANIMATION_MS / self->animation_speed);

          t = CLAMP (t, 0.0, 1.0);
          return 1.0 - (1.0 - t) * (1.0 - t) * (1.0 - t);  /* ease out */
        }
    }
  return 1.0;
}

static gboolean
is_highlighted (SockscopeSequenceView *self,
                const Item            *item)
{
  if (self->selected == 0)
    return FALSE;
  return item->seq == self->selected ||
         item->seq == self->selected_cause ||
         ((item->kind == ITEM_PACKET || item->kind == ITEM_RESULT) && item->cause_seq != 0 &&
          (item->cause_seq == self->selected || item->cause_seq == self->selected_cause));
}

static const GdkRGBA *
packet_colour (SockscopeSequenceView *self,
               const Item            *item)
{
  if (item->kind == ITEM_SIGNAL)
    return &self->colours.warning;
  if (item->kind == ITEM_SPAWN)
    return &self->colours.family[FAMILY_LISTEN];
  if (item->flags & ITEM_KERNEL || item->cause_seq == 0)
    return &self->colours.family[FAMILY_OTHER];
  return &self->colours.palette[item->colour];
}

static void
draw_packet (SockscopeSequenceView *self,
             GtkSnapshot           *snapshot,
             const Geometry        *g,
             const Item            *item,
             guint                  row,
             double                 progress)
{
  const Colours *c = &self->colours;
  gboolean selected = item->seq == self->selected;
  gboolean highlighted = is_highlighted (self, item);
  const GdkRGBA *colour = selected ? &c->accent : packet_colour (self, item);
  GdkRGBA halo = c->accent;
  double xa, ya, xb, yb;
  graphene_rect_t pill;
  PangoLayout *layout;
  GdkRGBA border = *colour;

  halo.alpha = 0.25;
  arrow_ends (self, g, item, row, &xa, &ya, &xb, &yb);
  if (item->kind == ITEM_SPAWN)
    {
      /* The created actor's lifeline begins at a dot where the arrow ends. */
      double r = 4 * g->zoom;

      xb += xb > xa ? -r : r;
      fill_rounded (snapshot, &GRAPHENE_RECT_INIT (lifeline_x (g, item->to) - r, yb - r, 2 * r, 2 * r), r, colour);
    }
  draw_arrow (self, snapshot, xa, ya, xb, yb, progress,
              (highlighted ? 3.0 : 2.0) * g->zoom,
              (item->flags & ITEM_KERNEL) != 0 || item->kind == ITEM_SIGNAL,
              colour, selected ? &halo : NULL);

  item_box (self, g, item, row, &pill, &layout);
  if (progress < 1.0)
    gtk_snapshot_push_opacity (snapshot, progress);
  border.alpha = highlighted ? 1.0 : 0.6;
  draw_box (self, snapshot, &pill, pill.size.height / 2, colour, highlighted ? 0.18 : 0.07,
            &border, (highlighted ? 2.0 : 1.0) * g->zoom);
  draw_layout (snapshot, layout, pill.origin.x + 8 * g->zoom, pill.origin.y + 3 * g->zoom, &c->fg);
  if (progress < 1.0)
    gtk_snapshot_pop (snapshot);
}

static void
draw_call (SockscopeSequenceView *self,
           GtkSnapshot           *snapshot,
           const Geometry        *g,
           const Item            *item,
           guint                  row,
           gint64                 now)
{
  const Colours *c = &self->colours;
  double z = g->zoom;
  gboolean highlighted = is_highlighted (self, item);
  gboolean blocked = item->kind == ITEM_CALL && call_is_blocked (self, item);
  const Item *call = call_of (self, item);
  /* A call that blocked keeps its tag once it returned: its result is further down. */
  gboolean tagged = item->kind == ITEM_CALL && shows_seq (self, item->blocked_seq);
  GdkRGBA border = c->fg;
  const GdkRGBA *tint = &c->fg;
  graphene_rect_t box;
  PangoLayout *layout;

  if (call != NULL && (call->flags & ITEM_CAUSES_PACKETS))
    tint = &c->palette[call->colour];
  border = *tint;
  border.alpha = call != NULL && (call->flags & ITEM_CAUSES_PACKETS) ? 1.0 : 0.45;
  if (highlighted)
    border = c->accent;

  item_box (self, g, item, row, &box, &layout);
  draw_box (self, snapshot, &box, 6 * z, tint, 0.10, &border, (highlighted ? 3.0 : 1.5) * z);
  if (blocked)
    {
      GdkRGBA stripe = c->warning;
      double phase = 0;

      if (animates (self) && is_live (self))
        phase = fmod (now * self->animation_speed / PULSE_PERIOD_US, 1.0);
      stripe.alpha = 0.18;
      draw_hatch (snapshot, &box, 6 * z, &stripe, z, phase);
    }
  draw_layout (snapshot, layout, box.origin.x + 10 * z, box.origin.y + 6 * z, &c->fg);

  if (tagged)
    {
      GdkRGBA tag = c->warning;
      graphene_rect_t pill;
      int tw, th;

      pango_layout_set_attributes (self->sans, NULL);
      /* TRANSLATORS: tag next to a system call that waits (accept, recv, connect...) */
      pango_layout_set_text (self->sans, _("blocked"), -1);
      pango_layout_get_pixel_size (self->sans, &tw, &th);
      graphene_rect_init (&pill, box.origin.x + box.size.width + 6 * z,
                          box.origin.y + (box.size.height - th - 4 * z) / 2,
                          tw + 14 * z, th + 4 * z);
      if (blocked && animates (self) && is_live (self))
        tag.alpha = 0.65 + 0.35 * cos (2 * G_PI * now * self->animation_speed / PULSE_PERIOD_US);
      draw_box (self, snapshot, &pill, pill.size.height / 2, &tag, 0.15, &tag, 1.5 * z);
      draw_layout (snapshot, self->sans, pill.origin.x + 7 * z, pill.origin.y + 2 * z, &c->fg);
    }
}

/* An actor's end: a cross ends its lifeline; how it ended is written beside it. A signal
 * without an arrow is the same kind of note, with a mark on the lifeline that gets it. */
static void
draw_note (SockscopeSequenceView *self,
           GtkSnapshot           *snapshot,
           const Geometry        *g,
           const Item            *item,
           guint                  row)
{
  const Colours *c = &self->colours;
  gboolean selected = item->seq == self->selected;
  const GdkRGBA *colour = item->kind == ITEM_SIGNAL ? &c->warning
                        : (item->flags & ITEM_ERROR) ? &c->error : &c->fg;
  double x = lifeline_x (g, item->kind == ITEM_EXIT ? item->from : item->to);
  double y = row_y (g, row) + g->row_h / 2;
  double r = 7 * g->zoom;
  graphene_rect_t pill;
  PangoLayout *layout;
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 2 * r, y - 2 * r, 4 * r, 4 * r));
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 3 * g->zoom);
  if (item->kind == ITEM_EXIT)
    {
      cairo_move_to (cr, x - r, y - r);
      cairo_line_to (cr, x + r, y + r);
      cairo_move_to (cr, x + r, y - r);
      cairo_line_to (cr, x - r, y + r);
      cairo_stroke (cr);
    }
  else
    {
      cairo_arc (cr, x, y, r * 0.6, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_destroy (cr);

  item_box (self, g, item, row, &pill, &layout);
  draw_box (self, snapshot, &pill, pill.size.height / 2, item->kind == ITEM_EXIT && !(item->flags & ITEM_ERROR) ? &c->dim : colour,
            0.15, selected ? &c->accent : colour, (selected ? 3.0 : 1.5) * g->zoom);
  draw_layout (snapshot, layout, pill.origin.x + 8 * g->zoom, pill.origin.y + 3 * g->zoom, &c->fg);
}

static void
draw_state (SockscopeSequenceView *self,
            GtkSnapshot           *snapshot,
            const Geometry        *g,
            const Item            *item,
            guint                  row)
{
  const Colours *c = &self->colours;
  const GdkRGBA *family = &c->family[item->family];
  gboolean selected = item->seq == self->selected;
  graphene_rect_t pill;
  PangoLayout *layout;

  item_box (self, g, item, row, &pill, &layout);
  draw_box (self, snapshot, &pill, pill.size.height / 2, family, 0.22,
            selected ? &c->accent : family, (selected ? 3.0 : 1.5) * g->zoom);
  draw_layout (snapshot, layout, pill.origin.x + 8 * g->zoom, pill.origin.y + 3 * g->zoom, &c->fg);
}

typedef struct
{
  GtkSnapshot    *snapshot;
  const Geometry *g;
} BarDraw;

static gboolean
draw_bar (SockscopeSequenceView *self,
          guint                  index,
          gpointer               data)
{
  BarDraw *d = data;
  const Item *item = item_get (self, index);
  const Colours *c = &self->colours;
  graphene_rect_t bar;
  GdkRGBA border;
  const GdkRGBA *tint;

  if (index >= self->n_visible || !call_bar (self, d->g, item, index, &bar))
    return FALSE;
  if (bar.origin.y + bar.size.height < d->g->header_h || bar.origin.y > d->g->height)
    return FALSE;

  tint = (item->flags & ITEM_CAUSES_PACKETS) ? &c->palette[item->colour] : &c->fg;
  border = is_highlighted (self, item) ? c->accent : *tint;
  border.alpha = is_highlighted (self, item) ? 1.0 : 0.5;
  draw_box (self, d->snapshot, &bar, 2 * d->g->zoom, tint, 0.12, &border, 1.0 * d->g->zoom);
  if (shows_seq (self, item->blocked_seq))
    {
      GdkRGBA stripe = c->warning;

      stripe.alpha = 0.30;
      draw_hatch (d->snapshot, &bar, 2 * d->g->zoom, &stripe, d->g->zoom, 0);
    }
  return FALSE;
}

static void
draw_header (SockscopeSequenceView *self,
             GtkSnapshot           *snapshot,
             const Geometry        *g)
{
  const Colours *c = &self->colours;
  double z = g->zoom;
  GdkRGBA line = c->fg;

  gtk_snapshot_append_color (snapshot, &c->bg, &GRAPHENE_RECT_INIT (0, 0, g->width, g->header_h));
  line.alpha = 0.15;
  gtk_snapshot_append_color (snapshot, &line,
                             &GRAPHENE_RECT_INIT (0, g->header_h - 1, g->width, 1));

  pango_layout_set_attributes (self->bold, NULL);
  for (int i = self->has_outside ? -1 : 0; i < (int) self->lifelines->len; i++)
    {
      const Lifeline *lifeline = i < 0 ? NULL : g_ptr_array_index (self->lifelines, i);
      const char *label;
      graphene_rect_t box;
      int tw, th;
      double x = lifeline_x (g, i);
      double w;

      if (i >= 0 && g->column[MIN (i, MAX_COLUMNS - 1)] < 0)
        continue;
      /* TRANSLATORS: the column of packets that come from or go to outside the lab */
      label = i < 0 ? _("outside") : lifeline->label;
      pango_layout_set_text (self->bold, label, -1);
      pango_layout_get_pixel_size (self->bold, &tw, &th);
      w = MAX (tw + 32 * z, i < 0 ? 0 : 110 * z);
      graphene_rect_init (&box, x - w / 2, (g->header_h - th - 12 * z) / 2, w, th + 12 * z);
      draw_box (self, snapshot, &box, 8 * z, i < 0 ? &c->fg : &c->accent, i < 0 ? 0.05 : 0.12,
                i < 0 ? &c->dim : &c->accent, 1.5 * z);
      draw_layout (snapshot, self->bold, x - tw / 2.0, box.origin.y + 6 * z, i < 0 ? &c->dim : &c->fg);

      if (lifeline != NULL && lifeline->thread)
        {
          graphene_rect_t tag;
          int gw, gh;

          pango_layout_set_attributes (self->sans, NULL);
          /* TRANSLATORS: tag next to the name of a thread's lifeline */
          pango_layout_set_text (self->sans, _("thread"), -1);
          pango_layout_get_pixel_size (self->sans, &gw, &gh);
          graphene_rect_init (&tag, box.origin.x + box.size.width + 6 * z,
                              box.origin.y + (box.size.height - gh - 4 * z) / 2, gw + 14 * z, gh + 4 * z);
          draw_box (self, snapshot, &tag, tag.size.height / 2, &c->family[FAMILY_OTHER], 0.12,
                    &c->family[FAMILY_OTHER], 1.0 * z);
          draw_layout (snapshot, self->sans, tag.origin.x + 7 * z, tag.origin.y + 2 * z, &c->fg);
        }
    }
}

static void
sockscope_sequence_view_snapshot (GtkWidget   *widget,
                                  GtkSnapshot *snapshot)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 now = clock ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();
  const Colours *c;
  Geometry g;
  guint first, last;
  double bottom;
  GdkRGBA lifeline;

  get_geometry (self, &g);
  c = &self->colours;
  visible_rows (self, &g, &first, &last);
  last = MIN (last, self->n_visible ? self->n_visible - 1 : 0);

  if (self->selected != 0)
    {
      guint row;

      if (item_lookup (self, self->selected, &row) != NULL && row < self->n_visible &&
          row >= first && row <= last)
        {
          GdkRGBA band = c->accent;

          band.alpha = 0.08;
          gtk_snapshot_append_color (snapshot, &band,
                                     &GRAPHENE_RECT_INIT (0, row_y (&g, row), g.width, g.row_h));
        }
    }

  lifeline = c->fg;
  lifeline.alpha = 0.35;
  bottom = MIN (g.height, row_y (&g, self->n_visible) + g.row_h / 2);
  for (int i = self->has_outside ? -1 : 0; i < (int) self->lifelines->len; i++)
    {
      const Lifeline *line = i < 0 ? NULL : g_ptr_array_index (self->lifelines, i);
      double top = g.header_h, end = bottom;

      if (line == NULL)
        {
          draw_dashed_vline (snapshot, lifeline_x (&g, i), top, end, 1.0 * g.zoom, 8 * g.zoom, 0.6f, &lifeline);
          continue;
        }
      if (g.column[MIN (i, MAX_COLUMNS - 1)] < 0)
        continue;
      /* A created actor's lifeline runs from its creation to its end. */
      if (line->parent >= 0 && !line->implicit && line->spawn_row < self->n_visible)
        top = MAX (top, row_y (&g, line->spawn_row) + SPAWN_Y * g.row_h);
      if (line->exit_row < self->n_visible)
        end = MIN (end, row_y (&g, line->exit_row) + g.row_h / 2);
      /* A thread's is dotted: it runs inside its process and shares its sockets. */
      if (line->thread)
        draw_dashed_vline (snapshot, lifeline_x (&g, i), top, end, 3.0 * g.zoom, 7 * g.zoom, 0.45f, &lifeline);
      else
        draw_dashed_vline (snapshot, lifeline_x (&g, i), top, end, 1.5 * g.zoom, 8 * g.zoom, 0.6f, &lifeline);
    }

  if (self->n_visible > 0)
    {
      BarDraw bars = { snapshot, &g };

      foreach_bar (self, first, last, draw_bar, &bars);

      for (guint row = first; row <= last; row++)
        {
          const Item *item = item_get (self, row);

          switch ((ItemKind) item->kind)
            {
            case ITEM_CALL:
            case ITEM_RESULT:
              draw_call (self, snapshot, &g, item, row, now);
              break;
            case ITEM_PACKET:
              draw_packet (self, snapshot, &g, item, row, animation_progress (self, row, now));
              break;
            case ITEM_STATE:
              draw_state (self, snapshot, &g, item, row);
              break;
            case ITEM_SPAWN:
            case ITEM_SIGNAL:
              if (is_arrow (item))
                draw_packet (self, snapshot, &g, item, row, animation_progress (self, row, now));
              else
                draw_note (self, snapshot, &g, item, row);
              break;
            case ITEM_EXIT:
              draw_note (self, snapshot, &g, item, row);
              break;
            default:
              g_assert_not_reached ();
            }
        }
    }

  draw_header (self, snapshot, &g);
}

/* Animation: arrows growing in, and the pulse of a blocked call. */

static gboolean
blocked_call_shown (SockscopeSequenceView *self)
{
  Geometry g;
  guint first, last;

  if (!animates (self) || !is_live (self))
    return FALSE;
  get_geometry (self, &g);
  visible_rows (self, &g, &first, &last);
  for (guint i = 0; i < self->open_calls->len; i++)
    {
      guint index = g_array_index (self->open_calls, guint, i);

      if (index >= first && index <= last && call_is_blocked (self, item_get (self, index)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double duration_us = 1000.0 * ANIMATION_MS / MAX (self->animation_speed, 0.1);

  for (guint i = self->animations->len; i > 0; i--)
    if (now - g_array_index (self->animations, Animation, i - 1).start_us > duration_us)
      g_array_remove_index_fast (self->animations, i - 1);

  gtk_widget_queue_draw (widget);
  if (self->animations->len == 0 && !blocked_call_shown (self))
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
update_ticking (SockscopeSequenceView *self)
{
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (self->animations->len > 0 || blocked_call_shown (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

/* Layout and scrolling
 *
 * The adjustments are set from a tick callback, in the frame's update phase, never while GTK
 * allocates: in GTK 4.8, changing them from size_allocate makes the scrollbar queue an
 * allocation while the scrolled window walks its children, which leaves the scrolled window
 * flagged but its parent not, so the next gtk_widget_queue_allocate() of this view stops there
 * and the view is never allocated again ("Trying to snapshot SockscopeSequenceView without a
 * current allocation": a blank diagram for good). New items, a new position, a selection or a
 * zoom only need the adjustments and a redraw; size_allocate sets them itself only when the
 * view's size changed, as GtkViewport does. */

static void
configure_adjustment (SockscopeSequenceView *self,
                      GtkAdjustment         *adjustment,
                      double                 value,
                      double                 upper,
                      double                 page,
                      double                 step)
{
  if (adjustment == NULL)
    return;
  upper = MAX (upper, page);
  self->in_configure = TRUE;
  gtk_adjustment_configure (adjustment, CLAMP (value, 0, upper - page), 0, upper,
                            step, page * 0.9, page);
  self->in_configure = FALSE;
}

static void
scroll_to_row (SockscopeSequenceView *self,
               const Geometry        *g,
               guint                  row)
{
  double top = g->top + row * g->row_h;
  double value = g->vvalue;

  if (top - g->header_h < value)
    value = top - g->header_h - g->row_h * 0.5;
  else if (top + g->row_h > value + g->height)
    value = top + g->row_h * 1.5 - g->height;
  if (value != g->vvalue)
    gtk_adjustment_set_value (self->vadjustment, value);
}

/* Following the newest call: its lifeline in view, when the columns are wider than the view. */
static double
follow_hvalue (SockscopeSequenceView *self,
               const Geometry        *g)
{
  double hvalue = g->hvalue;
  guint k = self->calls->len;
  const Item *last;
  double xa, xb, half, lo, hi;

  if (!self->follow || self->n_visible == 0 || k == 0)
    return hvalue;
  while (k > 1 && g_array_index (self->calls, guint, k - 1) >= self->n_visible)
    k--;
  last = item_get (self, g_array_index (self->calls, guint, k - 1));
  xa = lifeline_x (g, last->from) + g->hvalue;
  xb = lifeline_x (g, last->to) + g->hvalue;
  half = MIN (g->half[MAX (g->column[MIN (last->from, MAX_COLUMNS - 1)], 0)],
              (g_utf8_strlen (last->text, 256) * self->char_w1 + 40) * g->zoom / 2);
  lo = MIN (xa, xb) - MAX (half, g->col_w / 2);
  hi = MAX (xa, xb) + MAX (half, g->col_w / 2);
  if (hi - lo <= g->width)
    {
      if (lo < hvalue)
        hvalue = lo;
      else if (hi > hvalue + g->width)
        hvalue = hi - g->width;
    }
  return hvalue;
}

/* The adjustments for the items, position, zoom and size as they are now. */
static void
update_adjustments (SockscopeSequenceView *self)
{
  Geometry g;
  double upper;

  get_geometry (self, &g);
  if (g.width <= 0 || g.height <= 0)
    return;
  configure_adjustment (self, self->hadjustment, follow_hvalue (self, &g),
                        content_width (&g, g.n_columns), g.width, 20 * g.zoom);
  upper = content_height (&g, self->n_visible);
  configure_adjustment (self, self->vadjustment, self->follow ? upper : g.vvalue,
                        upper, g.height, g.row_h);

  if (self->scroll_to_selected && self->vadjustment != NULL)
    {
      guint row;

      self->scroll_to_selected = FALSE;
      if (item_lookup (self, self->selected, &row) != NULL && row < self->n_visible)
        {
          g.vvalue = gtk_adjustment_get_value (self->vadjustment);
          scroll_to_row (self, &g, row);
        }
    }
}

static gboolean
layout_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  self->layout_tick_id = 0;
  self->layout_queued = FALSE;
  update_adjustments (self);
  update_ticking (self);
  return G_SOURCE_REMOVE;
}

static void
queue_layout (SockscopeSequenceView *self)
{
  /* Coalesced: adding 100,000 items sets the adjustments once, at the next frame. */
  if (!self->layout_queued)
    {
      self->layout_queued = TRUE;
      if (self->layout_tick_id == 0)
        self->layout_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), layout_tick, NULL, NULL);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
sockscope_sequence_view_size_allocate (GtkWidget *widget,
                                       int        width,
                                       int        height,
                                       int        baseline)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  if (width != self->allocated_width || height != self->allocated_height)
    {
      self->allocated_width = width;
      self->allocated_height = height;
      update_adjustments (self);
    }
  update_ticking (self);
}

static void
sockscope_sequence_view_measure (GtkWidget      *widget,
                                 GtkOrientation  orientation,
                                 int             for_size,
                                 int            *minimum,
                                 int            *natural,
                                 int            *minimum_baseline,
                                 int            *natural_baseline)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  Geometry g;

  get_geometry (self, &g);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = content_width (&g, g.n_columns);
    }
  else
    {
      *minimum = g.header_h + 2 * g.row_h;
      *natural = content_height (&g, MAX (self->n_visible, 8));
    }
}

static void
adjustment_value_changed (GtkAdjustment         *adjustment,
                          SockscopeSequenceView *self)
{
  if (adjustment == self->vadjustment && !self->in_configure)
    {
      /* Scrolling up stops following the newest item; scrolling back down resumes it. */
      double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
      gboolean at_bottom = gtk_adjustment_get_value (adjustment) >= bottom - 1.0;

      if (at_bottom != self->follow)
        {
          self->follow = at_bottom;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
        }
    }
  update_ticking (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (SockscopeSequenceView  *self,
                GtkAdjustment         **slot,
                GtkAdjustment          *adjustment)
{
  if (adjustment == *slot && adjustment != NULL)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed, self);
      g_clear_object (slot);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (adjustment_value_changed), self);
  queue_layout (self);
}

/* Selection and input */

static void
update_description (SockscopeSequenceView *self)
{
  g_autofree char *description = NULL;
  const Item *item = item_lookup (self, self->selected, NULL);

  if (item == NULL)
    description = g_strdup (_("No item selected"));
  else if (item->kind == ITEM_SPAWN)
    {
      const char *parent = ((Lifeline *) g_ptr_array_index (self->lifelines, item->from))->label;
      const Lifeline *child = g_ptr_array_index (self->lifelines, item->to);

      description = child->thread
        /* TRANSLATORS: accessible description; %s: the parent, the call, the thread created */
        ? g_strdup_printf (_("%s starts a thread with %s: %s"), parent, item->text, child->label)
        /* TRANSLATORS: accessible description; %s: the parent, the call, the child process */
        : g_strdup_printf (_("%s creates a child process with %s: %s"), parent, item->text, child->label);
    }
  else if (item->kind == ITEM_EXIT)
    /* TRANSLATORS: accessible description; %s: an actor, how it ended ("exited, status 0") */
    description = g_strdup_printf (_("%s ends: %s"),
                                   ((Lifeline *) g_ptr_array_index (self->lifelines, item->from))->label, item->text);
  else if (item->kind == ITEM_SIGNAL)
    /* TRANSLATORS: accessible description; %s: an actor, a signal ("⚡ SIGCHLD") */
    description = g_strdup_printf (_("%s receives the signal %s"),
                                   ((Lifeline *) g_ptr_array_index (self->lifelines, item->to))->label, item->text);
  else if (item->kind == ITEM_PACKET)
    {
      const char *outside = _("outside");
      const char *from = item->from < 0 ? outside : ((Lifeline *) g_ptr_array_index (self->lifelines, item->from))->label;
      const char *to = item->to < 0 ? outside : ((Lifeline *) g_ptr_array_index (self->lifelines, item->to))->label;

      /* TRANSLATORS: accessible description; %s: sender, receiver, packet label */
      description = g_strdup_printf (_("Packet from %s to %s: %s"), from, to, item_text (self, item));
    }
  else
    {
      const char *who = ((Lifeline *) g_ptr_array_index (self->lifelines, item->from))->label;

      if (item->kind == ITEM_CALL)
        /* TRANSLATORS: accessible description; %s: actor, call text */
        description = g_strdup_printf (_("Call by %s: %s"), who, item_text (self, item));
      else if (item->kind == ITEM_RESULT)
        /* TRANSLATORS: accessible description; %s: actor, what a call returned ("← accept = 4") */
        description = g_strdup_printf (_("Return to %s: %s"), who, item_text (self, item));
      else
        /* TRANSLATORS: accessible description; %s: actor, socket and state */
        description = g_strdup_printf (_("Socket of %s: %s"), who, item_text (self, item));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

void
sockscope_sequence_view_select (SockscopeSequenceView *self,
                                guint                  seq)
{
  const Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  item = item_lookup (self, seq, NULL);
  if (item == NULL)
    seq = 0;
  self->selected = seq;
  self->selected_cause = item != NULL && (item->kind == ITEM_PACKET || item->kind == ITEM_RESULT) ? item->cause_seq : 0;
  if (seq != 0)
    {
      self->scroll_to_selected = TRUE;
      queue_layout (self);
    }
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sockscope_sequence_view_get_selected (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->selected;
}

static void
user_select (SockscopeSequenceView *self,
             guint                  seq)
{
  sockscope_sequence_view_select (self, seq);
  g_signal_emit (self, signals[SIGNAL_SELECTED], 0, self->selected);
}

static void
click_pressed (GtkGestureClick       *gesture,
               int                    n_press,
               double                 x,
               double                 y,
               SockscopeSequenceView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  user_select (self, sockscope_sequence_view_item_at (self, x, y));
}

/* Up/Down: the previous or next row; from no selection, the rows at the edges of the view. */
static void
move_selection (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  int delta = g_variant_get_int32 (parameter);
  guint row;
  Geometry g;
  guint first, last;

  if (self->n_visible == 0)
    return;
  get_geometry (self, &g);
  visible_rows (self, &g, &first, &last);
  if (item_lookup (self, self->selected, &row) == NULL || row >= self->n_visible)
    row = delta > 0 ? MIN (first + 1, self->n_visible - 1) : MIN (last - 1, self->n_visible - 1);
  else if (delta < 0)
    row = row > 0 ? row - 1 : 0;
  else
    row = MIN (row + 1, self->n_visible - 1);
  user_select (self, item_get (self, row)->seq);
}

static gboolean
sockscope_sequence_view_query_tooltip (GtkWidget  *widget,
                                       int         x,
                                       int         y,
                                       gboolean    keyboard_mode,
                                       GtkTooltip *tooltip)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  g_autofree char *text = NULL;
  const Item *item;
  double at_ms;

  item = item_lookup (self, sockscope_sequence_view_item_at (self, x, y), NULL);
  if (item == NULL)
    return FALSE;
  if (item->kind == ITEM_RESULT && item_lookup (self, item->cause_seq, NULL) != NULL)
    item = item_lookup (self, item->cause_seq, NULL);
  at_ms = (item->t_ns - item_get (self, 0)->t_ns) / 1e6;
  if (item->kind == ITEM_CALL && shows_seq (self, item->return_seq))
    /* TRANSLATORS: tooltip; %s: the call, then times in milliseconds */
    text = g_strdup_printf (_("%s\nat %.3f ms, returned after %.3f ms"), item_text (self, item),
                            at_ms, (item->return_t_ns - item->t_ns) / 1e6);
  else
    /* TRANSLATORS: tooltip; %s: the item, then its time in milliseconds from the first */
    text = g_strdup_printf (_("%s\nat %.3f ms"), item_text (self, item), at_ms);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
sockscope_sequence_view_css_changed (GtkWidget         *widget,
                                     GtkCssStyleChange *change)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  GTK_WIDGET_CLASS (sockscope_sequence_view_parent_class)->css_changed (widget, change);
  drop_layouts (self);
  queue_layout (self);
}

static void
sockscope_sequence_view_system_setting_changed (GtkWidget         *widget,
                                                GtkSystemSetting   setting)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  GTK_WIDGET_CLASS (sockscope_sequence_view_parent_class)->system_setting_changed (widget, setting);
  drop_layouts (self);
  queue_layout (self);
}

static void
sockscope_sequence_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sockscope_sequence_view_parent_class)->map (widget);
  queue_layout (SOCKSCOPE_SEQUENCE_VIEW (widget));
  update_ticking (SOCKSCOPE_SEQUENCE_VIEW (widget));
}

static void
sockscope_sequence_view_unmap (GtkWidget *widget)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }
  if (self->layout_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->layout_tick_id);
      self->layout_tick_id = 0;
      self->layout_queued = FALSE;
    }
  g_array_set_size (self->animations, 0);
  GTK_WIDGET_CLASS (sockscope_sequence_view_parent_class)->unmap (widget);
}

/* Adding items */

static Item *
append_item (SockscopeSequenceView *self,
             guint                  seq,
             gint64                 t_ns,
             ItemKind               kind,
             int                    from,
             int                    to)
{
  Item item = { 0 };

  item.seq = seq;
  item.t_ns = t_ns;
  item.kind = kind;
  item.from = from;
  item.to = to;
  g_array_append_val (self->items, item);
  if (is_live (self))
    self->n_visible = self->items->len;
  queue_layout (self);
  return item_get (self, self->items->len - 1);
}

static gboolean
check_new_seq (SockscopeSequenceView *self,
               guint                  seq)
{
  guint n = self->items->len;

  if (seq == 0 || (n > 0 && item_get (self, n - 1)->seq >= seq))
    {
      g_critical ("Sequence diagram: item %u added out of log order", seq);
      return FALSE;
    }
  return TRUE;
}

/* A child seen acting before (or without) its creation, as in a session from an older lab:
 * its lifeline is there from then on. */
/* A column grows to hold its widest box (a note beside the lifeline counts twice). */
static void
widen (SockscopeSequenceView *self,
       int                    lifeline,
       const char            *text,
       guint                  beside)
{
  Lifeline *line;
  guint n;

  if (lifeline < 0 || (guint) lifeline >= self->lifelines->len)
    return;
  line = g_ptr_array_index (self->lifelines, lifeline);
  n = (guint) g_utf8_strlen (text, 256) * (beside ? 2 : 1) + beside;
  if (n > line->max_chars)
    {
      line->max_chars = n;
      queue_layout (self);
    }
}

static void
lifeline_acts (SockscopeSequenceView *self,
               guint                  lifeline)
{
  Lifeline *line = g_ptr_array_index (self->lifelines, lifeline);

  if (line->parent >= 0 && line->spawn_row == G_MAXUINT)
    {
      line->spawn_row = self->items->len;
      line->implicit = TRUE;
    }
}

void
sockscope_sequence_view_add_call (SockscopeSequenceView *self,
                                  guint                  seq,
                                  gint64                 t_ns,
                                  guint                  lifeline,
                                  const char            *text)
{
  Item *item;
  guint index;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len);
  g_return_if_fail (text != NULL);
  if (!check_new_seq (self, seq))
    return;

  index = self->items->len;
  lifeline_acts (self, lifeline);
  item = append_item (self, seq, t_ns, ITEM_CALL, lifeline, lifeline);
  item->text = item->call_text = g_string_chunk_insert (self->strings, text);
  widen (self, lifeline, item->text, 0);
  g_array_append_val (self->calls, index);
  g_array_append_val (self->open_calls, index);
}

void
sockscope_sequence_view_set_call_blocked (SockscopeSequenceView *self,
                                          guint                  call_seq,
                                          guint                  blocked_seq)
{
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  item = item_lookup (self, call_seq, NULL);
  g_return_if_fail (item != NULL && item->kind == ITEM_CALL);
  item->blocked_seq = blocked_seq;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_ticking (self);
}

static void
close_call (SockscopeSequenceView *self,
            guint                  index)
{
  for (guint i = self->open_calls->len; i > 0; i--)
    if (g_array_index (self->open_calls, guint, i - 1) == index)
      {
        g_array_remove_index (self->open_calls, i - 1);
        break;
      }
}

/* "accept" from "accept(3)". */
static char *
call_name (const char *call_text)
{
  const char *paren = strchr (call_text, '(');

  return g_strndup (call_text, paren ? (gsize) (paren - call_text) : strlen (call_text));
}

void
sockscope_sequence_view_set_call_result (SockscopeSequenceView *self,
                                         guint                  call_seq,
                                         guint                  return_seq,
                                         gint64                 t_ns,
                                         const char            *result,
                                         gboolean               is_error)
{
  g_autofree char *full = NULL;
  Item *item;
  guint index;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (result != NULL);

  item = item_lookup (self, call_seq, &index);
  g_return_if_fail (item != NULL && item->kind == ITEM_CALL);
  g_return_if_fail (item->return_seq == 0 && return_seq > call_seq);

  if (index + 1 < self->items->len)
    {
      /* Rows came between the call and its return (it blocked, or other actors acted): what it
       * gave back is drawn where it returned, after what woke it, tied to the call by its bar. */
      g_autofree char *name = call_name (item->call_text);
      int lifeline = item->from;
      Item *row;

      if (!check_new_seq (self, return_seq))
        return;
      full = g_strconcat ("← ", name, " ", result, NULL);
      item->return_seq = return_seq;
      item->return_t_ns = t_ns;
      item->return_row = self->items->len;
      item->flags |= ITEM_RESULT_ROW;
      if (is_error)
        item->flags |= ITEM_ERROR;
      self->max_span = MAX (self->max_span, item->return_row - index);
      close_call (self, index);

      row = append_item (self, return_seq, t_ns, ITEM_RESULT, lifeline, lifeline);
      row->text = row->call_text = g_string_chunk_insert (self->strings, full);
      row->split = strlen ("← ") + strlen (name) + 1;
      row->cause_seq = call_seq;
      if (is_error)
        row->flags |= ITEM_ERROR;
      widen (self, lifeline, row->text, 0);
      return;
    }

  full = g_strconcat (item->call_text, " ", result, NULL);
  item->split = strlen (item->call_text) + 1;
  item->text = g_string_chunk_insert (self->strings, full);
  widen (self, item->from, item->text, 0);
  item->return_seq = return_seq;
  item->return_t_ns = t_ns;
  item->return_row = row_lower_bound (self, return_seq);
  if (is_error)
    item->flags |= ITEM_ERROR;
  self->max_span = MAX (self->max_span, item->return_row - index);
  close_call (self, index);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sockscope_sequence_view_add_packet (SockscopeSequenceView *self,
                                    guint                  seq,
                                    gint64                 t_ns,
                                    int                    from_lifeline,
                                    int                    to_lifeline,
                                    const char            *label,
                                    guint                  cause_seq,
                                    gboolean               kernel)
{
  Item *item;
  Item *cause;
  guint8 colour = 0;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (from_lifeline >= -1 && from_lifeline < (int) self->lifelines->len);
  g_return_if_fail (to_lifeline >= -1 && to_lifeline < (int) self->lifelines->len);
  g_return_if_fail (label != NULL);
  if (!check_new_seq (self, seq))
    return;

  cause = item_lookup (self, cause_seq, NULL);
  if (cause != NULL && cause->kind == ITEM_CALL)
    {
      /* Each call that sends packets gets the next colour, so neighbours differ. */
      if (!(cause->flags & ITEM_CAUSES_PACKETS))
        {
          cause->flags |= ITEM_CAUSES_PACKETS;
          cause->colour = self->n_causes++ % G_N_ELEMENTS (self->colours.palette);
        }
      colour = cause->colour;
    }
  else
    cause_seq = 0;

  if (from_lifeline < 0 || to_lifeline < 0)
    self->has_outside = TRUE;

  item = append_item (self, seq, t_ns, ITEM_PACKET, from_lifeline, to_lifeline);
  item->text = g_string_chunk_insert_const (self->strings, label);
  item->cause_seq = cause_seq;
  item->colour = colour;
  if (kernel)
    item->flags |= ITEM_KERNEL;

  if (animates (self) && is_live (self) &&
      gtk_widget_get_mapped (GTK_WIDGET (self)) && self->animations->len < MAX_ANIMATIONS)
    {
      Animation a = { self->items->len - 1, g_get_monotonic_time () };

      g_array_append_val (self->animations, a);
      update_ticking (self);
    }
}

void
sockscope_sequence_view_add_state (SockscopeSequenceView *self,
                                   guint                  seq,
                                   gint64                 t_ns,
                                   guint                  lifeline,
                                   const char            *socket,
                                   const char            *state)
{
  g_autofree char *text = NULL;
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len);
  g_return_if_fail (state != NULL);
  if (!check_new_seq (self, seq))
    return;

  lifeline_acts (self, lifeline);
  item = append_item (self, seq, t_ns, ITEM_STATE, lifeline, lifeline);
  if (socket != NULL && *socket != '\0')
    {
      text = g_strconcat (socket, " ", state, NULL);
      item->split = strlen (socket) + 1;
    }
  item->text = g_string_chunk_insert_const (self->strings, text ? text : state);
  item->family = state_family (state);
}

void
sockscope_sequence_view_add_spawn (SockscopeSequenceView *self,
                                   guint                  seq,
                                   gint64                 t_ns,
                                   guint                  lifeline,
                                   guint                  parent,
                                   const char            *text)
{
  Lifeline *line;
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len && parent < self->lifelines->len);
  g_return_if_fail (text != NULL);
  if (!check_new_seq (self, seq))
    return;

  line = g_ptr_array_index (self->lifelines, lifeline);
  line->spawn_row = self->items->len;
  line->implicit = FALSE;
  line->exit_row = G_MAXUINT;
  item = append_item (self, seq, t_ns, ITEM_SPAWN, parent, lifeline);
  item->text = g_string_chunk_insert_const (self->strings, text);
}

/* The call that ended an actor (exit, pthread_exit) never returns: its activation ends here. */
static void
end_call (SockscopeSequenceView *self,
          guint                  call_seq,
          guint                  seq,
          gint64                 t_ns)
{
  guint index;
  Item *item = item_lookup (self, call_seq, &index);

  if (item == NULL || item->kind != ITEM_CALL || item->return_seq != 0)
    return;
  item->return_seq = seq;
  item->return_t_ns = t_ns;
  item->return_row = row_lower_bound (self, seq);
  self->max_span = MAX (self->max_span, item->return_row - index);
  close_call (self, index);
}

void
sockscope_sequence_view_add_exit (SockscopeSequenceView *self,
                                  guint                  seq,
                                  gint64                 t_ns,
                                  guint                  lifeline,
                                  guint                  call_seq,
                                  const char            *text,
                                  gboolean               is_error)
{
  Lifeline *line;
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (lifeline < self->lifelines->len);
  g_return_if_fail (text != NULL);
  if (!check_new_seq (self, seq))
    return;

  end_call (self, call_seq, seq, t_ns);
  line = g_ptr_array_index (self->lifelines, lifeline);
  line->exit_row = self->items->len;
  item = append_item (self, seq, t_ns, ITEM_EXIT, lifeline, lifeline);
  item->text = g_string_chunk_insert_const (self->strings, text);
  widen (self, (int) lifeline, text, 4);
  if (is_error)
    item->flags |= ITEM_ERROR;
}

void
sockscope_sequence_view_add_signal (SockscopeSequenceView *self,
                                    guint                  seq,
                                    gint64                 t_ns,
                                    int                    from_lifeline,
                                    guint                  to_lifeline,
                                    const char            *signal)
{
  g_autofree char *text = NULL;
  Item *item;

  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));
  g_return_if_fail (from_lifeline >= -1 && from_lifeline < (int) self->lifelines->len);
  g_return_if_fail (to_lifeline < self->lifelines->len);
  g_return_if_fail (signal != NULL);
  if (!check_new_seq (self, seq))
    return;

  text = g_strdup_printf ("⚡ %s", signal);
  item = append_item (self, seq, t_ns, ITEM_SIGNAL, from_lifeline, to_lifeline);
  item->text = g_string_chunk_insert_const (self->strings, text);
}

static void
update_order (SockscopeSequenceView *self)
{
  guint n = self->lifelines->len;
  g_autofree int *parents = g_new0 (int, n + 1);

  for (guint i = 0; i < n; i++)
    parents[i] = ((Lifeline *) g_ptr_array_index (self->lifelines, i))->parent;
  g_array_set_size (self->order, n);
  sockscope_projection_lifeline_order (parents, n, (guint *) (gpointer) self->order->data);
}

guint
sockscope_sequence_view_add_lifeline (SockscopeSequenceView *self,
                                      const char            *name,
                                      const char            *label)
{
  return sockscope_sequence_view_add_child_lifeline (self, name, label, -1, FALSE);
}

guint
sockscope_sequence_view_add_child_lifeline (SockscopeSequenceView *self,
                                            const char            *name,
                                            const char            *label,
                                            int                    parent,
                                            gboolean               thread)
{
  Lifeline *lifeline;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);
  g_return_val_if_fail (name != NULL, 0);
  g_return_val_if_fail (parent >= -1, 0);

  lifeline = g_new0 (Lifeline, 1);
  lifeline->name = g_strdup (name);
  lifeline->label = g_strdup (label ? label : name);
  lifeline->parent = parent;
  lifeline->thread = thread;
  lifeline->spawn_row = G_MAXUINT;
  lifeline->exit_row = G_MAXUINT;
  g_ptr_array_add (self->lifelines, lifeline);
  update_order (self);
  queue_layout (self);
  return self->lifelines->len - 1;
}

int
sockscope_sequence_view_find_lifeline (SockscopeSequenceView *self,
                                       const char            *name)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), -1);

  for (guint i = 0; i < self->lifelines->len; i++)
    if (g_strcmp0 (((Lifeline *) g_ptr_array_index (self->lifelines, i))->name, name) == 0)
      return i;
  return -1;
}

guint
sockscope_sequence_view_get_n_lifelines (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->lifelines->len;
}

void
sockscope_sequence_view_clear (SockscopeSequenceView *self)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  g_ptr_array_set_size (self->lifelines, 0);
  g_array_set_size (self->order, 0);
  g_array_set_size (self->items, 0);
  g_array_set_size (self->calls, 0);
  g_array_set_size (self->open_calls, 0);
  g_array_set_size (self->animations, 0);
  g_string_chunk_clear (self->strings);
  self->max_span = 0;
  self->n_causes = 0;
  self->has_outside = FALSE;
  self->position = G_MAXUINT;
  self->n_visible = 0;
  sockscope_sequence_view_select (self, 0);
  sockscope_sequence_view_set_follow (self, TRUE);
  queue_layout (self);
}

void
sockscope_sequence_view_set_position (SockscopeSequenceView *self,
                                      guint                  seq)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  self->position = seq;
  /* Rows with seq <= position: the lower bound of the next seq. */
  self->n_visible = seq == G_MAXUINT ? self->items->len : row_lower_bound (self, seq + 1);
  if (!is_live (self))
    g_array_set_size (self->animations, 0);
  queue_layout (self);
}

guint
sockscope_sequence_view_get_position (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), G_MAXUINT);

  return self->position;
}

guint
sockscope_sequence_view_get_n_visible (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->n_visible;
}

guint
sockscope_sequence_view_get_n_items (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 0);

  return self->items->len;
}

gboolean
sockscope_sequence_view_get_item (SockscopeSequenceView  *self,
                                  guint                   index,
                                  guint                  *seq,
                                  const char            **kind,
                                  const char            **text,
                                  int                    *from_lifeline,
                                  int                    *to_lifeline)
{
  static const char *kinds[] = { "call", "packet", "state", "spawn", "exit", "signal", "result" };
  const Item *item;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);

  if (index >= self->items->len)
    return FALSE;
  item = item_get (self, index);
  if (seq != NULL)
    *seq = item->seq;
  if (kind != NULL)
    *kind = kinds[item->kind];
  if (text != NULL)
    *text = item_text (self, item);
  if (from_lifeline != NULL)
    *from_lifeline = item->from;
  if (to_lifeline != NULL)
    *to_lifeline = item->to;
  return TRUE;
}

/* Properties */

double
sockscope_sequence_view_get_zoom (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 1.0);

  return self->zoom;
}

void
sockscope_sequence_view_set_zoom (SockscopeSequenceView *self,
                                  double                 zoom)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  zoom = CLAMP (zoom, 0.5, 4.0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  drop_layouts (self);
  if (self->selected != 0)
    self->scroll_to_selected = TRUE;
  queue_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
sockscope_sequence_view_get_animation_speed (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), 1.0);

  return self->animation_speed;
}

void
sockscope_sequence_view_set_animation_speed (SockscopeSequenceView *self,
                                             double                 speed)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  /* 0 turns animation off (tests, screenshots, reduced motion); otherwise 0.1 to 4. */
  speed = speed <= 0 ? 0 : CLAMP (speed, 0.1, 4.0);
  if (speed == self->animation_speed)
    return;
  self->animation_speed = speed;
  if (speed == 0)
    g_array_set_size (self->animations, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_ticking (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANIMATION_SPEED]);
}

gboolean
sockscope_sequence_view_get_follow (SockscopeSequenceView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), TRUE);

  return self->follow;
}

void
sockscope_sequence_view_set_follow (SockscopeSequenceView *self,
                                    gboolean               follow)
{
  g_return_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self));

  follow = !!follow;
  if (follow == self->follow)
    return;
  self->follow = follow;
  if (follow)
    queue_layout (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

static void
sockscope_sequence_view_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_ANIMATION_SPEED:
      g_value_set_double (value, self->animation_speed);
      break;
    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sockscope_sequence_view_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      sockscope_sequence_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_ANIMATION_SPEED:
      sockscope_sequence_view_set_animation_speed (self, g_value_get_double (value));
      break;
    case PROP_FOLLOW:
      sockscope_sequence_view_set_follow (self, g_value_get_boolean (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lifeline_free (gpointer data)
{
  Lifeline *lifeline = data;

  g_free (lifeline->name);
  g_free (lifeline->label);
  g_free (lifeline);
}

static void
sockscope_sequence_view_dispose (GObject *object)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (object);

  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  drop_layouts (self);

  G_OBJECT_CLASS (sockscope_sequence_view_parent_class)->dispose (object);
}

static void
sockscope_sequence_view_finalize (GObject *object)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (object);

  g_ptr_array_unref (self->lifelines);
  g_array_unref (self->order);
  g_array_unref (self->items);
  g_array_unref (self->calls);
  g_array_unref (self->open_calls);
  g_array_unref (self->animations);
  g_string_chunk_free (self->strings);
  g_hash_table_unref (self->arrows);

  G_OBJECT_CLASS (sockscope_sequence_view_parent_class)->finalize (object);
}

static void
sockscope_sequence_view_class_init (SockscopeSequenceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_sequence_view_dispose;
  object_class->finalize = sockscope_sequence_view_finalize;
  object_class->get_property = sockscope_sequence_view_get_property;
  object_class->set_property = sockscope_sequence_view_set_property;

  widget_class->snapshot = sockscope_sequence_view_snapshot;
  widget_class->size_allocate = sockscope_sequence_view_size_allocate;
  widget_class->measure = sockscope_sequence_view_measure;
  widget_class->query_tooltip = sockscope_sequence_view_query_tooltip;
  widget_class->css_changed = sockscope_sequence_view_css_changed;
  widget_class->system_setting_changed = sockscope_sequence_view_system_setting_changed;
  widget_class->map = sockscope_sequence_view_map;
  widget_class->unmap = sockscope_sequence_view_unmap;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0.5, 4.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ANIMATION_SPEED] =
    g_param_spec_double ("animation-speed", NULL, NULL, 0.0, 4.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /**
   * SockscopeSequenceView::selected:
   * @seq: the seq of the item the user selected, 0 for none
   *
   * The user clicked an item (or empty space) or moved the selection with the keyboard.
   */
  signals[SIGNAL_SELECTED] =
    g_signal_new ("selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "sequence.move", "i", move_selection);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, 0, "sequence.move", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Up, 0, "sequence.move", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, 0, "sequence.move", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Down, 0, "sequence.move", "i", 1);

  gtk_widget_class_set_css_name (widget_class, "sequenceview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sockscope_sequence_view_init (SockscopeSequenceView *self)
{
  GtkGesture *click;

  self->lifelines = g_ptr_array_new_with_free_func (lifeline_free);
  self->order = g_array_new (FALSE, FALSE, sizeof (guint));
  self->items = g_array_new (FALSE, FALSE, sizeof (Item));
  self->calls = g_array_new (FALSE, FALSE, sizeof (guint));
  self->open_calls = g_array_new (FALSE, FALSE, sizeof (guint));
  self->animations = g_array_new (FALSE, FALSE, sizeof (Animation));
  self->strings = g_string_chunk_new (64 * 1024);
  self->arrows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->position = G_MAXUINT;
  self->zoom = 1.0;
  self->animation_speed = 1.0;
  self->follow = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "view");

  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (click_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sequence diagram"),
                                  -1);
  update_description (self);
}

GtkWidget *
sockscope_sequence_view_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_SEQUENCE_VIEW, NULL);
}

gboolean
sockscope_sequence_view_lifeline_shown (SockscopeSequenceView *self,
                                        guint                  lifeline,
                                        gboolean              *ended)
{
  const Lifeline *line;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);
  g_return_val_if_fail (lifeline < self->lifelines->len, FALSE);

  line = g_ptr_array_index (self->lifelines, lifeline);
  if (ended != NULL)
    *ended = line->exit_row < self->n_visible;
  return line->parent < 0 || line->spawn_row < self->n_visible;
}

gboolean
sockscope_sequence_view_get_lifeline_x (SockscopeSequenceView *self,
                                        int                    lifeline,
                                        double                *x)
{
  Geometry g;

  g_return_val_if_fail (SOCKSCOPE_IS_SEQUENCE_VIEW (self), FALSE);
  g_return_val_if_fail (lifeline >= -1 && lifeline < (int) self->lifelines->len, FALSE);

  get_geometry (self, &g);
  if (lifeline >= 0 && (lifeline >= MAX_COLUMNS || g.column[lifeline] < 0))
    return FALSE;
  *x = lifeline_x (&g, lifeline);
  return TRUE;
}
