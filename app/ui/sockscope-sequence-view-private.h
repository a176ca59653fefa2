/* sockscope-sequence-view-private.h: what the diagram widget's three files share: its items
 * (sockscope-sequence-view.c keeps them and lays them out with SockscopeLayout), their drawing
 * (sockscope-sequence-view-draw.c) and the pointer and keys (sockscope-sequence-view-input.c). */
#pragma once

#include "sockscope-diagram-paint.h"
#include "sockscope-layout.h"
#include "sockscope-sequence-view.h"

G_BEGIN_DECLS

#define ANIMATION_MS       300.0  /* an arrow grows from sender to receiver in this time */
#define MAX_ANIMATIONS     16     /* a burst of items (a replay) appears at once */
#define PULSE_PERIOD_US    1600000.0
#define MAX_CACHED_ARROWS  64
#define OVERVIEW_ROWS      400    /* the overview fits at most the last rows */

typedef enum
{
  ITEM_CALL,
  ITEM_PACKET,
  ITEM_STATE,
  ITEM_SPAWN,   /* from: the parent, to: the actor created */
  ITEM_EXIT,    /* from: the actor that ended */
  ITEM_SIGNAL,  /* from: the actor it is about (-1), to: the one that gets it */
  ITEM_RESULT,  /* what a call gave back, on its own row: from: its lifeline, cause_seq: the call */
  ITEM_WIRE,    /* the wire's rules changed: a note on the wire (from, to: -1) */
} ItemKind;

typedef enum
{
  ITEM_KERNEL         = 1 << 0,  /* packet the kernel sent on its own */
  ITEM_ERROR          = 1 << 1,  /* call that returned an error */
  ITEM_RESULT_ROW     = 1 << 3,  /* call whose result is drawn on a row of its own */
  ITEM_DROPPED        = 1 << 4,  /* packet the wire lost (from wire_seq on) */
} ItemFlags;

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
  guint8      family;       /* state: SockscopeStateFamily */
  guint       split;        /* bytes of text before the emphasised part (result, state) */
  gint64      t_ns;
  gint64      return_t_ns;
  const char *text;         /* as drawn, in the string chunk */
  const char *call_text;    /* call: the text without its result; packet: without the wire's mark */
  guint       wire_seq;     /* packet: the wire event that marked it, or 0 */
  gint64      arrive_ns;    /* packet: delivered late by the wire, or 0 */
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
  char     *host;        /* two hosts: its host's label ("alice · 192.0.2.1"), or NULL */
  guint     host_rank;   /* a: 0, b: 1 */
} Lifeline;

typedef struct
{
  guint  index;
  gint64 start_us;
} Animation;

typedef struct
{
  GdkRGBA  fg;
  GdkRGBA  bg;
  GdkRGBA  accent;
  GdkRGBA  error;
  GdkRGBA  warning;
  GdkRGBA  dim;
  gboolean dark;
  gboolean high_contrast;   /* the desktop's or the app's: lines and borders drawn solid */
  GdkRGBA  family[SOCKSCOPE_N_STATE_FAMILIES];
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
  GHashTable    *states;          /* "lifeline|socket" → its last state: a pill only on change */
  guint          max_span;        /* longest activation bar of a returned call, in rows */
  gboolean       has_outside;

  guint          position;
  guint          n_visible;
  guint          selected;
  guint          selected_cause;  /* the call of a selected packet */

  double         zoom;
  double         animation_speed;
  gboolean       follow;
  gboolean       overview;
  guint          top_row;         /* the first row shown when not following */
  guint          focus_seq;       /* following: the step's first event, kept in view (0: none) */
  gboolean       focus_released;  /* the user scrolled since focus_seq was set */

  GtkAdjustment *hadjustment;     /* pixels */
  GtkAdjustment *vadjustment;     /* rows */
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;
  guint          in_configure : 1;
  guint          layout_queued : 1;
  guint          scroll_to_selected : 1;

  guint          tick_id;
  guint          layout_tick_id;  /* sets the adjustments, next frame */
  int            allocated_width;
  int            allocated_height;

  /* The layout of the rows shown, computed when something it depends on changed. */
  SockscopeDiagramFonts *fonts;
  SockscopeLayout *layout;
  guint          layout_rows;     /* the first item of the slice it was given */
  GHashTable    *arrows;          /* arrow shape and colour → GdkTexture */

  Colours        colours;
};

static inline Item *
item_get (SockscopeSequenceView *self,
          guint                  index)
{
  return &g_array_index (self->items, Item, index);
}

Item        *sockscope_sequence_view_lookup       (SockscopeSequenceView *self,
                                                   guint                  seq,
                                                   guint                 *index);
gboolean     sockscope_sequence_view_shows_seq    (SockscopeSequenceView *self,
                                                   guint                  seq);
const char  *sockscope_sequence_view_item_text    (SockscopeSequenceView *self,
                                                   const Item            *item);
gboolean     sockscope_sequence_view_is_blocked   (SockscopeSequenceView *self,
                                                   const Item            *item);
gboolean     sockscope_sequence_view_animates     (SockscopeSequenceView *self);
/* The layout of the rows shown (computed if need be); its rows start at item *first. */
const SockscopeLayout *sockscope_sequence_view_ensure_layout (SockscopeSequenceView *self,
                                                              guint                 *first);
/* The layout box of item index, in widget coordinates (the horizontal scroll applied), or
 * FALSE when it is not shown. */
gboolean     sockscope_sequence_view_row_box      (SockscopeSequenceView *self,
                                                   guint                  index,
                                                   SockscopeLayoutBox    *box);
double       sockscope_sequence_view_hvalue       (SockscopeSequenceView *self);
/* The activation bar of call index in widget coordinates; FALSE when it has none in view. */
gboolean     sockscope_sequence_view_call_bar     (SockscopeSequenceView *self,
                                                   guint                  index,
                                                   graphene_rect_t       *bar);
typedef gboolean (*SockscopeBarFunc) (SockscopeSequenceView *self,
                                      guint                  index,
                                      gpointer               data);
/* Calls whose bar may cross rows [first, last]. */
gboolean     sockscope_sequence_view_foreach_bar  (SockscopeSequenceView *self,
                                                   guint                  first,
                                                   guint                  last,
                                                   SockscopeBarFunc       func,
                                                   gpointer               data);
void         sockscope_sequence_view_queue_layout (SockscopeSequenceView *self);
void         sockscope_sequence_view_update_ticking (SockscopeSequenceView *self);

/* sockscope-sequence-view-draw.c */
void         sockscope_sequence_view_snapshot     (GtkWidget             *widget,
                                                   GtkSnapshot           *snapshot);
void         sockscope_sequence_view_update_colours (SockscopeSequenceView *self);
gboolean     sockscope_sequence_view_blocked_call_shown (SockscopeSequenceView *self);

/* sockscope-sequence-view-input.c */
void         sockscope_sequence_view_init_input   (SockscopeSequenceView *self);
void         sockscope_sequence_view_class_init_input (GtkWidgetClass      *widget_class);
void         sockscope_sequence_view_update_description (SockscopeSequenceView *self);
gboolean     sockscope_sequence_view_query_tooltip (GtkWidget            *widget,
                                                    int                   x,
                                                    int                   y,
                                                    gboolean              keyboard_mode,
                                                    GtkTooltip           *tooltip);

G_END_DECLS
