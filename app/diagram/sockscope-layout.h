/* sockscope-layout.h: the one place where the sequence diagram is laid out. From the lifelines
 * (in drawing order) and the rows the projection produced, for an area, a zoom and a way to
 * measure text, it computes every lifeline's x and column, every row's band, every box and its
 * label lines (long labels wrapped), and the header boxes. The window's view, the slide export
 * and (with a cell-counting measure) the CLI ladder only draw what it computed. No GTK, no
 * cairo: it measures text through a callback. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The window's zoom buttons float over the bottom of the diagram pane: a view leaves this
 * band (× its zoom) free of rows, so they never cover one. */
#define SOCKSCOPE_LAYOUT_BUTTONS_H 52.0

typedef enum
{
  SOCKSCOPE_LAYOUT_SANS,   /* packet labels, states, notes, tags */
  SOCKSCOPE_LAYOUT_MONO,   /* calls and their results */
  SOCKSCOPE_LAYOUT_BOLD,   /* actor headers */
} SockscopeLayoutFont;

/* Width and line height of text in font at scale (1: the base size), in the caller's units
 * (pixels for pango, cells for a terminal). */
typedef void (*SockscopeLayoutMeasure) (gpointer             data,
                                        SockscopeLayoutFont  font,
                                        double               scale,
                                        const char          *text,
                                        double              *width,
                                        double              *height);

/* The same kinds, in the same order, as the projection's items. */
typedef enum
{
  SOCKSCOPE_LAYOUT_CALL,
  SOCKSCOPE_LAYOUT_PACKET,
  SOCKSCOPE_LAYOUT_STATE,
  SOCKSCOPE_LAYOUT_SPAWN,   /* from: the parent, to: the actor created */
  SOCKSCOPE_LAYOUT_EXIT,    /* from: the actor that ended */
  SOCKSCOPE_LAYOUT_SIGNAL,  /* from: the actor it is about (-1), to: the one that gets it */
  SOCKSCOPE_LAYOUT_RESULT,  /* from: the call's lifeline */
  SOCKSCOPE_LAYOUT_WIRE,    /* a change of the wire's rules: a note on the wire (from, to: -1) */
} SockscopeLayoutKind;

#define SOCKSCOPE_LAYOUT_MAX_HOSTS 4

typedef struct
{
  const char *label;
  gboolean    shown;     /* has a column (created by the position shown, not ended before) */
  gboolean    thread;    /* carries a "thread" tag under its header */
  const char *host;      /* two hosts: its host's name and address, shown in a band above the
                          * headers of its actors, which stand together; NULL: one host */
  guint       host_rank; /* hosts stand left to right by rank (a: 0, b: 1), then as they come */
} SockscopeLayoutLifeline;

typedef struct
{
  SockscopeLayoutKind kind;
  int                 from;      /* -1: outside the lab */
  int                 to;
  const char         *text;      /* as drawn */
  gboolean            tagged;    /* call: the "blocked" tag beside its box */
  gboolean            inset_from; /* an arrow end on an activation bar stops at its edge */
  gboolean            inset_to;
  gint64              t_ns;      /* when it happened (0: unknown) */
  gint64              arrive_ns; /* an arrow the wire delayed: when it reached the other host; the
                                  * arrow ends where the rows' times reach it (0: at once) */
  gboolean            dropped;   /* an arrow the wire dropped: it stops on the wire */
} SockscopeLayoutRow;

typedef enum
{
  SOCKSCOPE_LAYOUT_ALL,      /* every row, from the top (a slide; the overview) */
  SOCKSCOPE_LAYOUT_TOP,      /* from the first row down, as many as fit */
  SOCKSCOPE_LAYOUT_BOTTOM,   /* up from the last row, as many as fit (following) */
} SockscopeLayoutAnchor;

typedef struct
{
  double                  width;         /* the area the diagram is drawn in */
  double                  height;
  double                  zoom;          /* the text at zoom × the base size */
  SockscopeLayoutAnchor   anchor;
  gboolean                fit;           /* shrink the text (to min_zoom) until every row fits */
  double                  min_zoom;      /* and until the columns fit the width (0: zoom) */
  gboolean                cells;         /* a terminal: no padding within a cell */
  SockscopeLayoutMeasure  measure;
  gpointer                measure_data;
  const char             *outside_label; /* NULL: no outside column */
  const char             *thread_tag;
  const char             *blocked_tag;
} SockscopeLayoutParams;

typedef struct
{
  double x, y, width, height;
} SockscopeLayoutRect;

typedef struct
{
  gboolean            shown;
  gboolean            folded;   /* no item in the rows laid out: a narrow column */
  double              x;        /* the lifeline */
  double              left;     /* its column */
  double              width;
  SockscopeLayoutRect header;
  SockscopeLayoutRect tag;      /* "thread" under the header; width 0 when none */
  char              **lines;    /* the header's label, wrapped */
  guint               n_lines;
} SockscopeLayoutColumn;

typedef struct
{
  double              y;        /* the row's band */
  double              height;
  SockscopeLayoutRect box;      /* call box, state pill, note, or the label pill of an arrow */
  SockscopeLayoutRect tag;      /* a blocked call's tag; width 0 when none */
  gboolean            arrow;    /* packet, spawn, a signal between two actors */
  double              xa, ya;   /* arrow: from; note: the mark on the lifeline */
  double              xb, yb;   /* arrow: to */
  char              **lines;    /* the label, wrapped */
  guint               n_lines;
  gboolean            cut;      /* arrow: dropped on the wire, (xb, yb) is where: a cross there */
  gboolean            late;     /* arrow: delivered after the last row laid out; yb is the bottom */
} SockscopeLayoutBox;

typedef struct
{
  gboolean            shown;
  SockscopeLayoutRect band;     /* above the headers of its actors */
  char              **lines;    /* its name and address, wrapped */
  guint               n_lines;
} SockscopeLayoutHost;

typedef struct
{
  double                 zoom;        /* the text scale used (params' zoom, or smaller to fit) */
  double                 line_h;      /* one line of text */
  double                 pad_x;       /* text inset in a box */
  double                 pad_y;
  double                 pill_pad_x;  /* text inset in a pill (packet label, state, note, tag) */
  double                 pill_pad_y;
  double                 header_h;    /* the header band, y 0 to header_h */
  double                 content_width;  /* >= params' width; wider: the view scrolls */
  double                 content_height; /* of the rows laid out, from 0 */
  double                 focus_x0;    /* both ends of the current row: what the view shows */
  double                 focus_x1;
  SockscopeLayoutColumn  outside;     /* shown when params name an outside label */
  guint                  n_columns;   /* one per lifeline, indexed like them */
  SockscopeLayoutColumn *columns;
  guint                  first;       /* the rows laid out: input rows first .. first + n_rows - 1 */
  guint                  n_rows;
  SockscopeLayoutBox    *rows;
  guint                  n_hosts;     /* two hosts: their bands, in drawing order */
  SockscopeLayoutHost    hosts[SOCKSCOPE_LAYOUT_MAX_HOSTS];
  double                 wire_x;      /* the wire between the first two hosts' columns; -1 none */
  double                 host_h;      /* the host band's height (0 for one host) */
} SockscopeLayout;

/* current: the input row to keep in sight (G_MAXUINT: none). */
SockscopeLayout *sockscope_layout_new  (const SockscopeLayoutParams   *params,
                                        const SockscopeLayoutLifeline *lifelines,
                                        const guint                   *order,
                                        guint                          n_lifelines,
                                        const SockscopeLayoutRow      *rows,
                                        guint                          n_rows,
                                        guint                          current);
void             sockscope_layout_free (SockscopeLayout               *self);

/* The x of a lifeline (-1: the outside column). */
double           sockscope_layout_lifeline_x (const SockscopeLayout *self,
                                              int                    lifeline);
/* The laid-out box of input row index, or NULL when it was not laid out. */
const SockscopeLayoutBox *sockscope_layout_get_row (const SockscopeLayout *self,
                                                    guint                  index);

/* Following the newest of n_rows in params' height: the first row worth giving to
 * sockscope_layout_new (anchored at the bottom, it keeps those that fit). */
guint            sockscope_layout_follow_start (const SockscopeLayoutParams *params,
                                                guint                        n_rows);

/* Long labels cut into lines no wider than max_width, at spaces and commas when it can. */
char           **sockscope_layout_wrap (const SockscopeLayoutParams *params,
                                        SockscopeLayoutFont          font,
                                        double                       zoom,
                                        const char                  *text,
                                        double                       max_width,
                                        double                      *width,
                                        guint                       *n_lines);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeLayout, sockscope_layout_free)

G_END_DECLS
