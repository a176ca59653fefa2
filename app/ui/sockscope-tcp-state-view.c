/* sockscope-tcp-state-view.c: the TCP state machine of RFC 793, laid out as textbooks draw it
 * (Stevens, TCP/IP Illustrated, fig. 18.12): opening at the top, ESTABLISHED in the middle,
 * active close on the left, passive close on the right. CLOSED is drawn twice, at the top where
 * every connection starts and at the bottom where both closing paths end, so that no arrow has
 * to climb across the whole figure.
 *
 * Geometry is computed from the text it must hold: boxes fit the longest state name, rows and
 * columns leave room for the transition labels. The grid then stretches to the allocation. The
 * zoom scales fonts and strokes (and so the minimum size) for a projector.
 *
 * The lit state only moves along the drawn edges: when two samples of a socket skip states
 * (sock_diag saw CLOSE-WAIT, then CLOSED), the path between them is the cheapest one along the
 * edges (usual paths before simultaneous ones and aborts), and every edge and state of it is
 * lit, the title naming the states passed through.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "sockscope-palette.h"
#include "sockscope-tcp-state-view.h"

typedef enum {
  BOX_CLOSED,
  BOX_LISTEN,
  BOX_SYN_RECV,
  BOX_SYN_SENT,
  BOX_ESTAB,
  BOX_FIN_WAIT_1,
  BOX_FIN_WAIT_2,
  BOX_CLOSING,
  BOX_TIME_WAIT,
  BOX_CLOSE_WAIT,
  BOX_LAST_ACK,
  BOX_CLOSED_END,
  N_BOXES,
  BOX_NONE = -1
} Box;

static const struct {
  const char *ss_name;   /* as ss(8) prints it: what the socket table shows */
  const char *label;     /* as RFC 793 and the textbooks name it */
  double      col;       /* grid position: 5 columns (0-4), 7 rows (0-6) */
  double      row;
} boxes[N_BOXES] = {
  [BOX_CLOSED]     = { "CLOSED",     "CLOSED",       2.0, 0.0 },
  [BOX_LISTEN]     = { "LISTEN",     "LISTEN",       2.0, 1.0 },
  [BOX_SYN_RECV]   = { "SYN-RECV",   "SYN-RECEIVED", 0.0, 2.0 },
  [BOX_SYN_SENT]   = { "SYN-SENT",   "SYN-SENT",     4.0, 2.0 },
  [BOX_ESTAB]      = { "ESTAB",      "ESTABLISHED",  2.0, 3.0 },
  [BOX_FIN_WAIT_1] = { "FIN-WAIT-1", "FIN-WAIT-1",   0.0, 4.0 },
  [BOX_FIN_WAIT_2] = { "FIN-WAIT-2", "FIN-WAIT-2",   0.0, 5.0 },
  [BOX_CLOSING]    = { "CLOSING",    "CLOSING",      1.7, 4.0 },
  [BOX_TIME_WAIT]  = { "TIME-WAIT",  "TIME-WAIT",    1.7, 5.0 },
  [BOX_CLOSE_WAIT] = { "CLOSE-WAIT", "CLOSE-WAIT",   4.0, 4.0 },
  [BOX_LAST_ACK]   = { "LAST-ACK",   "LAST-ACK",     4.0, 5.0 },
  [BOX_CLOSED_END] = { "CLOSED",     "CLOSED",       2.9, 6.0 },
};

#define N_COLS 4.0   /* spans between the first and the last column */
#define MAX_PATH N_BOXES
#define N_ROWS 6.0

/* Other names a caller may use for a state (RFC spellings). */
static const struct {
  const char *name;
  Box         box;
} aliases[] = {
  { "ESTABLISHED", BOX_ESTAB },
  { "SYN-RECEIVED", BOX_SYN_RECV },
  { "SYN-RCVD", BOX_SYN_RECV },
};

typedef enum {
  PATH_CLIENT,   /* the usual path of the side that connects, then closes first */
  PATH_SERVER,   /* the usual path of the side that listens, then closes second */
  PATH_OTHER,    /* simultaneous open/close, aborts */
} Path;

static const struct {
  Box         from;
  Box         to;
  const char *label;
  Path        path;
  double      bend;     /* control point offset, as a fraction of the length, to the left */
  double      label_t;  /* where the label sits along the arrow */
} transitions[] = {
  { BOX_CLOSED,     BOX_LISTEN,     N_("listen"),         PATH_SERVER,  0.25, 0.5 },
  { BOX_LISTEN,     BOX_CLOSED,     N_("close"),          PATH_OTHER,   0.25, 0.5 },
  { BOX_CLOSED,     BOX_SYN_SENT,   N_("connect / SYN"),  PATH_CLIENT,  0.12, 0.5 },
  { BOX_SYN_SENT,   BOX_CLOSED,     N_("close"),          PATH_OTHER,   0.12, 0.5 },
  { BOX_LISTEN,     BOX_SYN_RECV,   "SYN / SYN+ACK",      PATH_SERVER,  0.08, 0.5 },
  { BOX_SYN_RECV,   BOX_LISTEN,     "RST",                PATH_OTHER,   0.08, 0.5 },
  { BOX_SYN_SENT,   BOX_SYN_RECV,   "SYN / SYN+ACK",      PATH_OTHER,    0.0, 0.5 },
  { BOX_SYN_RECV,   BOX_ESTAB,      "ACK",                PATH_SERVER,   0.0, 0.5 },
  { BOX_SYN_SENT,   BOX_ESTAB,      "SYN+ACK / ACK",      PATH_CLIENT,   0.0, 0.5 },
  { BOX_SYN_RECV,   BOX_FIN_WAIT_1, N_("close / FIN"),    PATH_OTHER,    0.0, 0.5 },
  { BOX_ESTAB,      BOX_FIN_WAIT_1, N_("close / FIN"),    PATH_CLIENT,   0.0, 0.45 },
  { BOX_ESTAB,      BOX_CLOSE_WAIT, "FIN / ACK",          PATH_SERVER,   0.0, 0.5 },
  { BOX_FIN_WAIT_1, BOX_FIN_WAIT_2, "ACK",                PATH_CLIENT,   0.0, 0.5 },
  { BOX_FIN_WAIT_1, BOX_CLOSING,    "FIN / ACK",          PATH_OTHER,    0.0, 0.5 },
  { BOX_FIN_WAIT_1, BOX_TIME_WAIT,  "FIN+ACK / ACK",      PATH_OTHER,    0.0, 0.5 },
  { BOX_FIN_WAIT_2, BOX_TIME_WAIT,  "FIN / ACK",          PATH_CLIENT,   0.0, 0.5 },
  { BOX_CLOSING,    BOX_TIME_WAIT,  "ACK",                PATH_OTHER,    0.0, 0.5 },
  { BOX_TIME_WAIT,  BOX_CLOSED_END, N_("2MSL timeout"),   PATH_CLIENT,   0.0, 0.5 },
  { BOX_CLOSE_WAIT, BOX_LAST_ACK,   N_("close / FIN"),    PATH_SERVER,   0.0, 0.5 },
  { BOX_LAST_ACK,   BOX_CLOSED_END, "ACK",                PATH_SERVER,   0.0, 0.5 },
};

struct _SockscopeTcpStateView
{
  GtkWidget       parent_instance;

  Box             state;
  Box             previous;
  int             transition;   /* the last edge of the path, index in transitions[], or -1 */
  int             path[MAX_PATH]; /* the edges from previous to state, in order */
  guint           path_len;
  double          zoom;
  int             client_actor; /* palette index of the lesson's client, or -1 */
  int             server_actor;

  /* Layout, for the current allocation and zoom. */
  graphene_rect_t rects[N_BOXES];
  double          box_width;
  double          box_height;
  double          col_spacing;
  double          row_spacing;
};

enum {
  PROP_0,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SockscopeTcpStateView, sockscope_tcp_state_view, GTK_TYPE_WIDGET)

static double
margin (SockscopeTcpStateView *self)
{
  return 16 * self->zoom;
}

static PangoLayout *
create_layout (SockscopeTcpStateView *self,
               const char            *text,
               gboolean               state)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  g_autoptr(PangoFontDescription) font = NULL;
  int size;

  font = pango_font_description_copy (pango_context_get_font_description (pango_layout_get_context (layout)));
  size = pango_font_description_get_size (font);
  if (size <= 0)
    size = 11 * PANGO_SCALE;
  if (state)
    {
      pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
      pango_font_description_set_size (font, size * self->zoom);
    }
  else
    pango_font_description_set_size (font, size * 0.85 * self->zoom);
  pango_layout_set_font_description (layout, font);
  return layout;
}

static void
layout_size (SockscopeTcpStateView *self,
             const char            *text,
             gboolean               state,
             double                *width,
             double                *height)
{
  g_autoptr(PangoLayout) layout = create_layout (self, text, state);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  *width = w;
  *height = h;
}

/* Only the labels with words are marked for translation; calls and flags stay as they are
 * in the code and in the capture. */
static const char *
transition_label (guint t)
{
  return _(transitions[t].label);
}

/* The smallest spacing that keeps boxes apart and labels readable. */
static void
min_spacing (SockscopeTcpStateView *self,
             double                *col,
             double                *row)
{
  double w, h, label_w = 0, label_h = 0;

  self->box_width = self->box_height = 0;
  for (guint i = 0; i < N_BOXES; i++)
    {
      layout_size (self, boxes[i].label, TRUE, &w, &h);
      self->box_width = MAX (self->box_width, w);
      self->box_height = MAX (self->box_height, h);
    }
  self->box_width += 28 * self->zoom;
  self->box_height += 16 * self->zoom;

  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    {
      layout_size (self, transition_label (i), FALSE, &w, &h);
      label_w = MAX (label_w, w);
      label_h = MAX (label_h, h);
    }
  /* CLOSING sits 1.7 columns right of FIN-WAIT-1 with a labelled arrow between them. */
  *col = (self->box_width + label_w * 0.8 + 24 * self->zoom) / 1.7;
  *row = self->box_height + 2 * label_h + 24 * self->zoom;
}

static void
compute_layout (SockscopeTcpStateView *self,
                double                 width,
                double                 height)
{
  double col, row, x0, y0;

  min_spacing (self, &col, &row);
  /* Stretch to the allocation, but not so far that the figure falls apart. */
  col = CLAMP ((width - 2 * margin (self) - self->box_width) / N_COLS, col, col * 1.6);
  row = CLAMP ((height - 2 * margin (self) - self->box_height) / N_ROWS, row, row * 1.6);
  self->col_spacing = col;
  self->row_spacing = row;

  x0 = (width - (N_COLS * col + self->box_width)) / 2;
  y0 = (height - (N_ROWS * row + self->box_height)) / 2;
  for (guint i = 0; i < N_BOXES; i++)
    self->rects[i] = GRAPHENE_RECT_INIT (x0 + boxes[i].col * col, y0 + boxes[i].row * row,
                                         self->box_width, self->box_height);
}

static void
path_color (GdkRGBA *color,
            guint    actor,
            gboolean dark)
{
  SockscopeRgb rgb = sockscope_palette_actor (actor, dark);

  *color = (GdkRGBA) { rgb.red, rgb.green, rgb.blue, 1.0 };
}

static void
get_colors (SockscopeTcpStateView *self,
            GdkRGBA               *fg,
            GdkRGBA               *bg,
            GdkRGBA               *accent_bg,
            GdkRGBA               *accent_fg,
            GdkRGBA                paths[3])
{
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self));
  /* Light text means a dark style: the path colours need lighter shades to keep contrast. */
  gboolean dark;

  gtk_style_context_get_color (style, fg);
  dark = 0.299 * fg->red + 0.587 * fg->green + 0.114 * fg->blue > 0.5;
  if (!gtk_style_context_lookup_color (style, "view_bg_color", bg))
    gdk_rgba_parse (bg, dark ? "#1e1e1e" : "#ffffff");
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", accent_bg))
    gdk_rgba_parse (accent_bg, "#3584e4");
  if (!gtk_style_context_lookup_color (style, "accent_fg_color", accent_fg))
    gdk_rgba_parse (accent_fg, "#ffffff");
  /* The lesson's client and server in their actor colours, as in every view; without a lesson,
   * GNOME's green and orange, apart from each other and from the blue accent. */
  gdk_rgba_parse (&paths[PATH_CLIENT], dark ? "#57e389" : "#26a269");
  gdk_rgba_parse (&paths[PATH_SERVER], dark ? "#ffa348" : "#c64600");
  if (self->client_actor >= 0)
    path_color (&paths[PATH_CLIENT], (guint) self->client_actor, dark);
  if (self->server_actor >= 0)
    path_color (&paths[PATH_SERVER], (guint) self->server_actor, dark);
  paths[PATH_OTHER] = *fg;
  paths[PATH_OTHER].alpha = 0.45;
}

static graphene_point_t
rect_center (const graphene_rect_t *r)
{
  graphene_point_t p;

  graphene_rect_get_center (r, &p);
  return p;
}

/* Where the ray from the centre of r towards p leaves r (grown by gap). */
static graphene_point_t
exit_point (const graphene_rect_t  *r,
            const graphene_point_t *p,
            double                  gap)
{
  graphene_point_t c = rect_center (r);
  double dx = p->x - c.x, dy = p->y - c.y;
  double hw = r->size.width / 2 + gap, hh = r->size.height / 2 + gap;
  double t = MIN (dx != 0 ? hw / fabs (dx) : G_MAXDOUBLE, dy != 0 ? hh / fabs (dy) : G_MAXDOUBLE);

  return GRAPHENE_POINT_INIT (c.x + dx * t, c.y + dy * t);
}

typedef struct
{
  graphene_point_t start, control, end;
} Curve;

static Curve
transition_curve (SockscopeTcpStateView *self,
                  guint                  t)
{
  graphene_point_t a = rect_center (&self->rects[transitions[t].from]);
  graphene_point_t b = rect_center (&self->rects[transitions[t].to]);
  double dx = b.x - a.x, dy = b.y - a.y;
  double bend = transitions[t].bend;
  Curve c;

  /* Left of the direction of travel is (dy, -dx): two opposite arrows between the same boxes
   * with the same bend land on opposite sides. */
  c.control = GRAPHENE_POINT_INIT ((a.x + b.x) / 2 + dy * bend, (a.y + b.y) / 2 - dx * bend);
  c.start = exit_point (&self->rects[transitions[t].from], &c.control, 3 * self->zoom);
  c.end = exit_point (&self->rects[transitions[t].to], &c.control, 3 * self->zoom);
  return c;
}

static graphene_point_t
curve_point (const Curve *c,
             double       t)
{
  double u = 1 - t;

  return GRAPHENE_POINT_INIT (u * u * c->start.x + 2 * u * t * c->control.x + t * t * c->end.x,
                              u * u * c->start.y + 2 * u * t * c->control.y + t * t * c->end.y);
}

static void
draw_arrow (cairo_t       *cr,
            const Curve   *c,
            const GdkRGBA *color,
            double         width,
            gboolean       dashed,
            double         head)
{
  double dx = c->end.x - c->control.x, dy = c->end.y - c->control.y;
  double len = hypot (dx, dy);
  double ux = len > 0 ? dx / len : 0, uy = len > 0 ? dy / len : 0;
  /* Stop the stroke at the base of the head, so a thick line does not blunt its tip. */
  graphene_point_t end = GRAPHENE_POINT_INIT (c->end.x - ux * head * 0.8, c->end.y - uy * head * 0.8);

  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, width);
  if (dashed)
    cairo_set_dash (cr, (double[]) { 6 * width / 1.5, 4 * width / 1.5 }, 2, 0);
  cairo_move_to (cr, c->start.x, c->start.y);
  /* The quadratic curve, as the cubic cairo draws. */
  cairo_curve_to (cr,
                  c->start.x + 2.0 / 3 * (c->control.x - c->start.x),
                  c->start.y + 2.0 / 3 * (c->control.y - c->start.y),
                  end.x + 2.0 / 3 * (c->control.x - end.x),
                  end.y + 2.0 / 3 * (c->control.y - end.y),
                  end.x, end.y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  cairo_move_to (cr, c->end.x, c->end.y);
  cairo_line_to (cr, c->end.x - ux * head - uy * head * 0.45, c->end.y - uy * head + ux * head * 0.45);
  cairo_line_to (cr, c->end.x - ux * head + uy * head * 0.45, c->end.y - uy * head - ux * head * 0.45);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
append_layout_centered (GtkSnapshot            *snapshot,
                        PangoLayout            *layout,
                        const graphene_point_t *center,
                        const GdkRGBA          *color,
                        const GdkRGBA          *pill,
                        double                  zoom)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (pill != NULL)
    {
      graphene_rect_t r = GRAPHENE_RECT_INIT (center->x - w / 2.0 - 4 * zoom, center->y - h / 2.0 - 1 * zoom,
                                              w + 8 * zoom, h + 2 * zoom);
      GskRoundedRect rounded;

      gsk_rounded_rect_init_from_rect (&rounded, &r, r.size.height / 2);
      gtk_snapshot_push_rounded_clip (snapshot, &rounded);
      gtk_snapshot_append_color (snapshot, pill, &r);
      gtk_snapshot_pop (snapshot);
    }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (center->x - w / 2.0), round (center->y - h / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static gboolean
on_path (SockscopeTcpStateView *self,
         guint                  t)
{
  for (guint i = 0; i < self->path_len; i++)
    if (self->path[i] == (int) t)
      return TRUE;
  return FALSE;
}

/* A state the path went through between two samples. */
static gboolean
passed (SockscopeTcpStateView *self,
        Box                    box)
{
  for (guint i = 0; i + 1 < self->path_len; i++)
    if (transitions[self->path[i]].to == box)
      return TRUE;
  return FALSE;
}

/* CLOSED after a close lights the bottom box, where the closing paths end. */
static Box
lit_box (SockscopeTcpStateView *self)
{
  if (self->transition >= 0 && transitions[self->transition].to == BOX_CLOSED_END)
    return BOX_CLOSED_END;
  return self->state;
}

static void
append_box (SockscopeTcpStateView *self,
            GtkSnapshot           *snapshot,
            Box                    box,
            const GdkRGBA         *fg,
            const GdkRGBA         *bg,
            const GdkRGBA         *accent_bg,
            const GdkRGBA         *accent_fg)
{
  const graphene_rect_t *r = &self->rects[box];
  gboolean current = box == lit_box (self);
  gboolean previous = box == self->previous || passed (self, box);
  g_autoptr(PangoLayout) layout = create_layout (self, boxes[box].label, TRUE);
  GskRoundedRect rounded;
  GdkRGBA fill = *bg, border = *fg;
  float width = (previous ? 2.5 : 1.5) * self->zoom;
  graphene_point_t center = rect_center (r);

  border.alpha = 0.35;
  if (current)
    fill = border = *accent_bg;
  else if (previous)
    border = *accent_bg;

  gsk_rounded_rect_init_from_rect (&rounded, r, 8 * self->zoom);
  if (current)
    gtk_snapshot_append_outset_shadow (snapshot, &rounded, &(GdkRGBA) { 0, 0, 0, 0.25 },
                                       0, 2 * self->zoom, 0, 6 * self->zoom);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, &fill, r);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_border (snapshot, &rounded,
                              (float[4]) { width, width, width, width },
                              (GdkRGBA[4]) { border, border, border, border });
  append_layout_centered (snapshot, layout, &center, current ? accent_fg : fg, NULL, self->zoom);
}

static void
append_legend (SockscopeTcpStateView *self,
               GtkSnapshot           *snapshot,
               const GdkRGBA         *fg,
               const GdkRGBA          paths[3])
{
  static const char *legend[] = {
    [PATH_CLIENT] = N_("Client: connects, closes first"),
    [PATH_SERVER] = N_("Server: listens, closes second"),
    [PATH_OTHER] = N_("Simultaneous open or close, abort"),
  };
  double x = self->rects[BOX_SYN_RECV].origin.x;
  double y = self->rects[BOX_CLOSED].origin.y;
  double line = 28 * self->zoom;
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, y, line + 4 * self->zoom, 3 * line));
  for (guint i = 0; i < G_N_ELEMENTS (legend); i++)
    {
      Curve c = { { x, y + (i + 0.5) * line }, { x + line / 2, y + (i + 0.5) * line }, { x + line, y + (i + 0.5) * line } };

      draw_arrow (cr, &c, &paths[i], (i == PATH_OTHER ? 1.2 : 2) * self->zoom, i == PATH_SERVER, 8 * self->zoom);
    }
  cairo_destroy (cr);

  for (guint i = 0; i < G_N_ELEMENTS (legend); i++)
    {
      g_autoptr(PangoLayout) layout = create_layout (self, _(legend[i]), FALSE);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + line + 8 * self->zoom, round (y + (i + 0.5) * line - h / 2.0)));
      gtk_snapshot_append_layout (snapshot, layout, fg);
      gtk_snapshot_restore (snapshot);
    }
}

/* Smaller than the machine needs at this zoom (a projector's zoom in a small pane): the whole
 * machine is drawn scaled down by this factor to fit, rather than a part of it. */
static double
fit_scale (SockscopeTcpStateView *self,
           int                    width,
           int                    height)
{
  double col, row, fit;

  if (width <= 0 || height <= 0)
    return 1.0;
  min_spacing (self, &col, &row);
  fit = MIN (width / (N_COLS * col + self->box_width + 2 * margin (self)),
             height / (N_ROWS * row + self->box_height + 2 * margin (self)));
  return MIN (fit, 1.0);
}

static void
sockscope_tcp_state_view_snapshot (GtkWidget   *widget,
                                   GtkSnapshot *snapshot)
{
  SockscopeTcpStateView *self = SOCKSCOPE_TCP_STATE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg, bg, accent_bg, accent_fg, paths[3];
  double fit = fit_scale (self, width, height);
  cairo_t *cr;

  if (fit < 1.0)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_scale (snapshot, fit, fit);
      width = (int) ceil (width / fit);
      height = (int) ceil (height / fit);
    }

  compute_layout (self, width, height);
  get_colors (self, &fg, &bg, &accent_bg, &accent_fg, paths);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint t = 0; t < G_N_ELEMENTS (transitions); t++)
    {
      Curve c = transition_curve (self, t);
      Path path = transitions[t].path;

      if (on_path (self, t))
        continue;
      draw_arrow (cr, &c, &paths[path], (path == PATH_OTHER ? 1.2 : 2) * self->zoom,
                  path == PATH_SERVER, 9 * self->zoom);
    }
  /* The path goes on top of the others, its last edge the boldest. */
  for (guint i = 0; i < self->path_len; i++)
    {
      Curve c = transition_curve (self, self->path[i]);
      gboolean last = i + 1 == self->path_len;

      draw_arrow (cr, &c, &accent_bg, (last ? 4.5 : 3.0) * self->zoom, FALSE, (last ? 15 : 12) * self->zoom);
    }
  cairo_destroy (cr);

  for (guint t = 0; t < G_N_ELEMENTS (transitions); t++)
    {
      Curve c = transition_curve (self, t);
      graphene_point_t at = curve_point (&c, transitions[t].label_t);
      g_autoptr(PangoLayout) layout = create_layout (self, transition_label (t), FALSE);
      gboolean last = on_path (self, t);
      GdkRGBA color = last ? accent_bg : paths[transitions[t].path];

      /* Two arrows bent far apart between close boxes leave no room between them: their
       * labels go outside, beside the curve, rather than on it. */
      if (fabs (transitions[t].bend) >= 0.2)
        {
          double dx = c.end.x - c.start.x, dy = c.end.y - c.start.y;
          double len = hypot (dx, dy);
          double nx = dy / len * (transitions[t].bend > 0 ? 1 : -1);
          double ny = -dx / len * (transitions[t].bend > 0 ? 1 : -1);
          int w, h;

          pango_layout_get_pixel_size (layout, &w, &h);
          at.x += nx * (fabs (nx) * w / 2 + fabs (ny) * h / 2 + 2 * self->zoom);
          at.y += ny * (fabs (nx) * w / 2 + fabs (ny) * h / 2 + 2 * self->zoom);
        }

      if (transitions[t].path == PATH_OTHER)
        color.alpha = 0.75;
      if (last)
        {
          PangoAttrList *attrs = pango_attr_list_new ();

          pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
          pango_layout_set_attributes (layout, attrs);
          pango_attr_list_unref (attrs);
        }
      append_layout_centered (snapshot, layout, &at, &color, &bg, self->zoom);
    }

  for (Box b = 0; b < N_BOXES; b++)
    append_box (self, snapshot, b, &fg, &bg, &accent_bg, &accent_fg);

  append_legend (self, snapshot, &fg, paths);
  if (fit < 1.0)
    gtk_snapshot_restore (snapshot);
}

static void
sockscope_tcp_state_view_measure (GtkWidget      *widget,
                                  GtkOrientation  orientation,
                                  int             for_size,
                                  int            *minimum,
                                  int            *natural,
                                  int            *minimum_baseline,
                                  int            *natural_baseline)
{
  SockscopeTcpStateView *self = SOCKSCOPE_TCP_STATE_VIEW (widget);
  double col, row, size;

  min_spacing (self, &col, &row);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    size = N_COLS * col + self->box_width;
  else
    size = N_ROWS * row + self->box_height;
  /* Below its size at this zoom it scales itself down to fit its pane (see snapshot), rather
   * than be cut, down to a fifth of it (its pane scrolls below that). */
  *minimum = ceil ((size + 2 * margin (self)) * 0.2);
  *natural = ceil (size * 1.25 + 2 * margin (self));
}

static Box
parse_state (const char *name)
{
  g_autofree char *canon = NULL;

  if (name == NULL)
    return BOX_NONE;

  canon = g_ascii_strup (name, -1);
  g_strdelimit (canon, "_", '-');
  for (Box b = 0; b < N_BOXES; b++)
    if (g_str_equal (canon, boxes[b].ss_name))
      return b;
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_str_equal (canon, aliases[i].name))
      return aliases[i].box;
  g_debug ("Unknown TCP state “%s”, shown as no state", name);
  return BOX_NONE;
}

/* The cheapest path along the drawn edges from one state to another (CLOSED: either box), each
 * edge costing 2, and 1 more off the usual client and server paths; its edges go to path.
 * Returns their number, 0 when there is none (or nothing moved). */
static guint
find_path (Box  from,
           Box  to,
           int *path)
{
  guint cost[N_BOXES];
  int via[N_BOXES];     /* the edge that reached a box the cheapest way, or -1 */
  gboolean done[N_BOXES] = { FALSE };
  Box end = BOX_NONE;
  guint n = 0;

  if (from == BOX_NONE || to == BOX_NONE || from == to)
    return 0;
  for (Box b = 0; b < N_BOXES; b++)
    {
      cost[b] = G_MAXUINT;
      via[b] = -1;
    }
  cost[from] = 0;
  /* Dijkstra over twelve boxes. */
  for (;;)
    {
      Box best = BOX_NONE;

      for (Box b = 0; b < N_BOXES; b++)
        if (!done[b] && cost[b] != G_MAXUINT && (best == BOX_NONE || cost[b] < cost[best]))
          best = b;
      if (best == BOX_NONE)
        break;
      done[best] = TRUE;
      if (best == to || (to == BOX_CLOSED && best == BOX_CLOSED_END))
        {
          end = best;
          break;
        }
      for (guint t = 0; t < G_N_ELEMENTS (transitions); t++)
        {
          guint c = cost[best] + 2 + (transitions[t].path == PATH_OTHER ? 1 : 0);

          if (transitions[t].from == best && c < cost[transitions[t].to])
            {
              cost[transitions[t].to] = c;
              via[transitions[t].to] = (int) t;
            }
        }
    }
  if (end == BOX_NONE)
    return 0;
  for (Box b = end; b != from; b = transitions[via[b]].from)
    n++;
  for (guint i = n; i > 0; i--)
    {
      path[i - 1] = via[end];
      end = transitions[via[end]].from;
    }
  return n;
}

static void
update_description (SockscopeTcpStateView *self)
{
  g_autofree char *description = NULL;

  if (self->state == BOX_NONE)
    description = g_strdup (_("No socket selected"));
  else if (self->previous == BOX_NONE)
    description = g_strdup_printf (_("Current state: %s"), boxes[self->state].label);
  else
    description = g_strdup_printf (_("Current state: %s (from %s)"),
                                   boxes[self->state].label, boxes[self->previous].label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/**
 * sockscope_tcp_state_view_set_state:
 * @state: (nullable): the socket's state as ss(8) names it ("ESTAB", "SYN-RECV", ...; the RFC
 *   names work too), or %NULL for none
 * @previous: (nullable): the state before it
 *
 * Lights up @state and, when the machine has one, the transition from @previous. An unknown
 * name counts as none.
 */
void
sockscope_tcp_state_view_set_state (SockscopeTcpStateView *self,
                                    const char            *state,
                                    const char            *previous)
{
  g_return_if_fail (SOCKSCOPE_IS_TCP_STATE_VIEW (self));

  self->state = parse_state (state);
  self->previous = self->state != BOX_NONE ? parse_state (previous) : BOX_NONE;
  self->path_len = find_path (self->previous, self->state, self->path);
  self->transition = self->path_len > 0 ? self->path[self->path_len - 1] : -1;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sockscope_tcp_state_view_get_title:
 *
 * The move shown, as ss(8) names the states: "ESTAB", "SYN-SENT → ESTAB", or with the states
 * passed between two samples, "CLOSE-WAIT → LAST-ACK → CLOSED (LAST-ACK passed between two
 * samples)".
 *
 * Returns: (transfer full) (nullable): the title, %NULL when no state is shown
 */
char *
sockscope_tcp_state_view_get_title (SockscopeTcpStateView *self)
{
  g_autoptr(GString) title = NULL;
  g_autoptr(GString) between = NULL;
  guint n_between = 0;

  g_return_val_if_fail (SOCKSCOPE_IS_TCP_STATE_VIEW (self), NULL);

  if (self->state == BOX_NONE)
    return NULL;
  title = g_string_new (NULL);
  if (self->previous != BOX_NONE && self->previous != self->state)
    g_string_append_printf (title, "%s → ", boxes[self->previous].ss_name);
  between = g_string_new (NULL);
  for (guint i = 0; i + 1 < self->path_len; i++)
    {
      const char *name = boxes[transitions[self->path[i]].to].ss_name;

      g_string_append_printf (title, "%s → ", name);
      g_string_append_printf (between, "%s%s", n_between++ > 0 ? ", " : "", name);
    }
  g_string_append (title, boxes[self->state].ss_name);
  if (n_between > 0)
    {
      g_string_append_c (title, ' ');
      /* TRANSLATORS: after "CLOSE-WAIT → LAST-ACK → CLOSED": the states the socket went through
       * that no sample of the lab saw; %s: "LAST-ACK" or "FIN-WAIT-2, TIME-WAIT" */
      g_string_append_printf (title, ngettext ("(%s passed between two samples)",
                                               "(%s passed between two samples)", n_between),
                              between->str);
    }
  return g_string_free (g_steal_pointer (&title), FALSE);
}

/**
 * sockscope_tcp_state_view_get_state:
 *
 * Returns: (nullable): the current state, as ss(8) names it
 */
const char *
sockscope_tcp_state_view_get_state (SockscopeTcpStateView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_TCP_STATE_VIEW (self), NULL);

  return self->state != BOX_NONE ? boxes[self->state].ss_name : NULL;
}

const char *
sockscope_tcp_state_view_get_previous (SockscopeTcpStateView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_TCP_STATE_VIEW (self), NULL);

  return self->previous != BOX_NONE ? boxes[self->previous].ss_name : NULL;
}

/**
 * sockscope_tcp_state_view_get_state_box:
 * @state: a state name, as for set_state(); "CLOSED" is the top box
 * @out: (out): the box, in widget coordinates
 *
 * Returns: whether @state names a box
 */
gboolean
sockscope_tcp_state_view_get_state_box (SockscopeTcpStateView *self,
                                        const char            *state,
                                        graphene_rect_t       *out)
{
  Box box;
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double fit;

  g_return_val_if_fail (SOCKSCOPE_IS_TCP_STATE_VIEW (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  fit = fit_scale (self, width, height);
  if ((box = parse_state (state)) == BOX_NONE)
    return FALSE;
  compute_layout (self, (int) ceil (width / fit), (int) ceil (height / fit));
  graphene_rect_scale (&self->rects[box], fit, fit, out);
  return TRUE;
}

void
sockscope_tcp_state_view_set_zoom (SockscopeTcpStateView *self,
                                   double                 zoom)
{
  g_return_if_fail (SOCKSCOPE_IS_TCP_STATE_VIEW (self));

  zoom = CLAMP (zoom, 1, 3);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

double
sockscope_tcp_state_view_get_zoom (SockscopeTcpStateView *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_TCP_STATE_VIEW (self), 1);

  return self->zoom;
}

GtkWidget *
sockscope_tcp_state_view_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_TCP_STATE_VIEW, NULL);
}

static void
sockscope_tcp_state_view_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  SockscopeTcpStateView *self = SOCKSCOPE_TCP_STATE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sockscope_tcp_state_view_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  SockscopeTcpStateView *self = SOCKSCOPE_TCP_STATE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      sockscope_tcp_state_view_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sockscope_tcp_state_view_class_init (SockscopeTcpStateViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sockscope_tcp_state_view_get_property;
  object_class->set_property = sockscope_tcp_state_view_set_property;

  widget_class->snapshot = sockscope_tcp_state_view_snapshot;
  widget_class->measure = sockscope_tcp_state_view_measure;

  /**
   * SockscopeTcpStateView:zoom:
   *
   * Scale of the text and the strokes, from 1 to 3 (for a projector).
   */
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1, 3, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "tcpstateview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sockscope_tcp_state_view_init (SockscopeTcpStateView *self)
{
  self->state = self->previous = BOX_NONE;
  self->transition = -1;
  self->path_len = 0;
  self->zoom = 1;
  self->client_actor = -1;
  self->server_actor = -1;
  gtk_widget_add_css_class (GTK_WIDGET (self), "view");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("TCP state machine"),
                                  -1);
  update_description (self);
}

/* Draws the client's and the server's paths in these actors' palette colours (-1: the
 * defaults). */
void
sockscope_tcp_state_view_set_path_actors (SockscopeTcpStateView *self,
                                          int                    client,
                                          int                    server)
{
  g_return_if_fail (SOCKSCOPE_IS_TCP_STATE_VIEW (self));

  self->client_actor = client;
  self->server_actor = server;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
