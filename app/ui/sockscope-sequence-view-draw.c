/* sockscope-sequence-view-draw.c: the diagram's frame. It draws what the layout computed
 * (sockscope-layout.c, through sockscope-sequence-view.c) and nothing else: the header band
 * with each actor's name in its colour, the lifelines, the activation bars, and each row's
 * box, pill or arrow with its wrapped label. Text and boxes are render nodes; arrows are small
 * cairo nodes (the shape the slide export draws too) because GTK 4.8 has no path nodes and its
 * GL renderer does not antialias rotated rectangles. */
#include "config.h"

#include <adwaita.h>

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sockscope-sequence-view-private.h"

/* Adwaita's palette, the darker shades on a light background and the lighter ones on a dark
 * background, so that lines and borders keep a contrast of about 3:1 either way. */
void
sockscope_sequence_view_update_colours (SockscopeSequenceView *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  Colours *c = &self->colours;

  gtk_style_context_get_color (context, &c->fg);
  c->dark = 0.2126 * c->fg.red + 0.7152 * c->fg.green + 0.0722 * c->fg.blue > 0.5;
  if (!gtk_style_context_lookup_color (context, "view_bg_color", &c->bg))
    gdk_rgba_parse (&c->bg, c->dark ? "#1e1e1e" : "#ffffff");
  if (!gtk_style_context_lookup_color (context, "accent_color", &c->accent))
    gdk_rgba_parse (&c->accent, c->dark ? "#78aeed" : "#1c71d8");
  if (!gtk_style_context_lookup_color (context, "error_color", &c->error))
    gdk_rgba_parse (&c->error, c->dark ? "#ff7b63" : "#c01c28");
  c->bg.alpha = 1.0;
  gdk_rgba_parse (&c->warning, c->dark ? "#f8e45c" : "#9c6e03");
  {
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

    c->high_contrast = adw_style_manager_get_high_contrast (adw_style_manager_get_default ()) ||
                       (root != NULL && gtk_widget_has_css_class (GTK_WIDGET (root), "high-contrast"));
  }
  c->dim = c->fg;
  c->dim.alpha = c->high_contrast ? 0.9 : 0.55;
  for (guint i = 0; i < SOCKSCOPE_N_STATE_FAMILIES; i++)
    {
      SockscopeRgb rgb = sockscope_diagram_state_family_colour (i, c->dark);

      c->family[i] = (GdkRGBA) { rgb.red, rgb.green, rgb.blue, 1 };
    }
}

/* The colour of the actor of lifeline index, as every view gives it. */
static GdkRGBA
actor_colour (SockscopeSequenceView *self,
              int                    index)
{
  SockscopeRgb rgb;

  if (index < 0)
    return self->colours.family[SOCKSCOPE_STATE_OTHER];
  rgb = sockscope_palette_actor ((guint) index, self->colours.dark);
  return (GdkRGBA) { rgb.red, rgb.green, rgb.blue, 1 };
}

static graphene_rect_t
to_graphene (const SockscopeLayoutRect *r)
{
  return GRAPHENE_RECT_INIT (r->x, r->y, r->width, r->height);
}

static void
paint_arrow (cairo_t       *cr,
             double         dx,
             double         dy,
             double         progress,
             double         width,
             gboolean       dashed,
             const GdkRGBA *colour,
             const GdkRGBA *halo,
             const GdkRGBA *lost)
{
  SockscopeRgb c = { colour->red, colour->green, colour->blue };
  SockscopeRgb h = { halo ? halo->red : 0, halo ? halo->green : 0, halo ? halo->blue : 0 };

  if (lost != NULL)
    {
      /* lost with alpha 0: still on its way at the last row, a shaft alone */
      SockscopeRgb x = { lost->red, lost->green, lost->blue };

      sockscope_diagram_paint_lost (cr, dx, dy, progress, width, dashed, &c, lost->alpha > 0 ? &x : NULL,
                                    halo ? &h : NULL, halo ? halo->alpha : 0);
      return;
    }
  sockscope_diagram_paint_arrow (cr, dx, dy, progress, width, dashed, &c, halo ? &h : NULL,
                                 halo ? halo->alpha : 0);
}

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
            const GdkRGBA         *halo,
            const GdkRGBA         *lost)
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
      paint_arrow (cr, dx, dy, progress, width, dashed, colour, halo, lost);
      cairo_destroy (cr);
      return;
    }

  key = g_strdup_printf ("%g %g %g %d %d %d %08x %08x", dx, dy, width, dashed,
                         lost == NULL ? 0 : lost->alpha > 0 ? 1 : 2, scale,
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
      paint_arrow (cr, dx, dy, 1.0, width, dashed, colour, halo, lost);
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


typedef struct
{
  GtkSnapshot   *snapshot;
  const GdkRGBA *colour;
} ShowLine;

static void
show_line (PangoLayout *layout,
           double       x,
           double       y,
           gpointer     data)
{
  const ShowLine *show = data;

  draw_layout (show->snapshot, layout, x, y, show->colour);
}

/* A box's wrapped lines; bytes [bold_start, bold_end) of the whole text in bold, and in
 * emphasis when it is given. */
static void
draw_lines (SockscopeSequenceView     *self,
            GtkSnapshot               *snapshot,
            const SockscopeLayout     *l,
            SockscopeLayoutFont        font,
            const char                *text,
            char                     **lines,
            const SockscopeLayoutRect *box,
            double                     pad_x,
            double                     pad_y,
            gsize                      bold_start,
            gsize                      bold_end,
            const GdkRGBA             *emphasis)
{
  SockscopeRgb em = { emphasis ? emphasis->red : 0, emphasis ? emphasis->green : 0, emphasis ? emphasis->blue : 0 };
  ShowLine show = { snapshot, &self->colours.fg };

  sockscope_diagram_fonts_show (self->fonts, font, l->zoom, text, lines, box, pad_x, pad_y, bold_start, bold_end,
                                emphasis ? &em : NULL, show_line, &show);
}

static const GdkRGBA *
arrow_colour (SockscopeSequenceView *self,
              const Item            *item,
              GdkRGBA               *storage)
{
  if (item->kind == ITEM_SIGNAL)
    return &self->colours.warning;
  if (item->kind == ITEM_PACKET && (item->flags & ITEM_KERNEL || item->cause_seq == 0 || item->from < 0))
    return &self->colours.family[SOCKSCOPE_STATE_OTHER];
  *storage = actor_colour (self, item->from);
  return storage;
}

static void
draw_arrow_row (SockscopeSequenceView    *self,
                GtkSnapshot              *snapshot,
                const SockscopeLayout    *l,
                const Item               *item,
                const SockscopeLayoutBox *box,
                double                    progress)
{
  const Colours *c = &self->colours;
  gboolean selected = item->seq == self->selected;
  gboolean highlighted = is_highlighted (self, item);
  GdkRGBA storage;
  const GdkRGBA *colour = selected ? &c->accent : arrow_colour (self, item, &storage);
  const char *text = sockscope_sequence_view_item_text (self, item);
  const char *space = strchr (text, ' ');
  GdkRGBA halo = c->accent, border = *colour;
  const GdkRGBA open_end = { 0, 0, 0, 0 };   /* a shaft alone: it arrives after the last row */
  graphene_rect_t pill = to_graphene (&box->box);
  double xb = box->xb, z = l->zoom;
  gsize bold_end = item->kind == ITEM_PACKET ? (space ? (gsize) (space - text) : strlen (text))
                 : item->kind == ITEM_SIGNAL ? strlen (text) : 0;

  halo.alpha = 0.25;
  if (item->kind == ITEM_SPAWN)
    {
      /* The created actor's lifeline begins at a dot where the arrow ends. */
      double r = 4 * z;

      fill_rounded (snapshot, &GRAPHENE_RECT_INIT (box->xb - r, box->yb - r, 2 * r, 2 * r), r, colour);
      xb += xb > box->xa ? -r : r;
    }
  draw_arrow (self, snapshot, box->xa, box->ya, xb, box->yb, progress, (highlighted ? 3.0 : 2.0) * z,
              (item->flags & ITEM_KERNEL) != 0 || item->kind == ITEM_SIGNAL, colour, selected ? &halo : NULL,
              box->cut ? &c->error : box->late ? &open_end : NULL);

  if (progress < 1.0)
    gtk_snapshot_push_opacity (snapshot, progress);
  border.alpha = highlighted || self->colours.high_contrast ? 1.0 : 0.6;
  draw_box (self, snapshot, &pill, pill.size.height / 2, colour, highlighted ? 0.18 : 0.07, &border,
            (highlighted ? 2.0 : 1.0) * z);
  /* The flags, first word of a packet's label, are what a learner looks for. */
  draw_lines (self, snapshot, l, item->kind == ITEM_SPAWN ? SOCKSCOPE_LAYOUT_MONO : SOCKSCOPE_LAYOUT_SANS, text,
              box->lines, &box->box, l->pill_pad_x, l->pill_pad_y, 0, bold_end, NULL);
  if (progress < 1.0)
    gtk_snapshot_pop (snapshot);
}

static void
draw_call (SockscopeSequenceView    *self,
           GtkSnapshot              *snapshot,
           const SockscopeLayout    *l,
           const Item               *item,
           const SockscopeLayoutBox *box,
           gint64                    now)
{
  const Colours *c = &self->colours;
  double z = l->zoom;
  gboolean highlighted = is_highlighted (self, item);
  gboolean blocked = item->kind == ITEM_CALL && sockscope_sequence_view_is_blocked (self, item);
  gboolean live = self->position == G_MAXUINT;
  const char *text = sockscope_sequence_view_item_text (self, item);
  GdkRGBA tint = actor_colour (self, item->from);
  GdkRGBA border = highlighted ? c->accent : tint;
  graphene_rect_t rect = to_graphene (&box->box);
  /* What came back stands out: bold, and red when it is an error. */
  gboolean has_result = item->kind == ITEM_RESULT || (item->split > 0 && text != item->call_text);

  draw_box (self, snapshot, &rect, 6 * z, &tint, 0.10, &border, (highlighted ? 3.0 : 1.5) * z);
  if (blocked)
    {
      GdkRGBA stripe = c->warning;
      double phase = 0;

      if (sockscope_sequence_view_animates (self) && live)
        phase = fmod (now * self->animation_speed / PULSE_PERIOD_US, 1.0);
      stripe.alpha = 0.18;
      draw_hatch (snapshot, &rect, 6 * z, &stripe, z, phase);
    }
  draw_lines (self, snapshot, l, SOCKSCOPE_LAYOUT_MONO, text, box->lines, &box->box, l->pad_x, l->pad_y,
              has_result ? item->split : 0, has_result ? strlen (text) : 0,
              has_result && (item->flags & ITEM_ERROR) ? &c->error : NULL);

  /* A call that blocked keeps its tag once it returned: its result is further down. */
  if (box->tag.width > 0)
    {
      GdkRGBA tag = c->warning;
      graphene_rect_t pill = to_graphene (&box->tag);
      char *lines[] = { (char *) _("blocked"), NULL };

      if (blocked && sockscope_sequence_view_animates (self) && live)
        tag.alpha = 0.65 + 0.35 * cos (2 * G_PI * now * self->animation_speed / PULSE_PERIOD_US);
      draw_box (self, snapshot, &pill, pill.size.height / 2, &tag, 0.15, &tag, 1.5 * z);
      draw_lines (self, snapshot, l, SOCKSCOPE_LAYOUT_SANS, lines[0], lines, &box->tag, l->pill_pad_x,
                  l->pill_pad_y, 0, 0, NULL);
    }
}

/* An actor's end: a cross ends its lifeline; how it ended is written beside it. A signal
 * without an arrow is the same kind of note, with a mark on the lifeline that gets it. */
static void
draw_note (SockscopeSequenceView    *self,
           GtkSnapshot              *snapshot,
           const SockscopeLayout    *l,
           const Item               *item,
           const SockscopeLayoutBox *box)
{
  const Colours *c = &self->colours;
  gboolean selected = item->seq == self->selected;
  const GdkRGBA *colour = item->kind == ITEM_SIGNAL ? &c->warning
                        : (item->flags & ITEM_ERROR) ? &c->error : &c->fg;
  double x = box->xa, y = box->ya, r = 7 * l->zoom;
  graphene_rect_t pill = to_graphene (&box->box);
  const char *text = sockscope_sequence_view_item_text (self, item);
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 2 * r, y - 2 * r, 4 * r, 4 * r));
  gdk_cairo_set_source_rgba (cr, colour);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 3 * l->zoom);
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

  draw_box (self, snapshot, &pill, pill.size.height / 2,
            item->kind == ITEM_EXIT && !(item->flags & ITEM_ERROR) ? &c->dim : colour,
            0.15, selected ? &c->accent : colour, (selected ? 3.0 : 1.5) * l->zoom);
  draw_lines (self, snapshot, l, SOCKSCOPE_LAYOUT_SANS, text, box->lines, &box->box, l->pill_pad_x, l->pill_pad_y,
              0, item->kind == ITEM_SIGNAL ? strlen (text) : 0, NULL);
}

/* A change of the wire's rules: a pill on the wire. */
static void
draw_wire_note (SockscopeSequenceView    *self,
                GtkSnapshot              *snapshot,
                const SockscopeLayout    *l,
                const Item               *item,
                const SockscopeLayoutBox *box)
{
  const Colours *c = &self->colours;
  gboolean selected = item->seq == self->selected;
  graphene_rect_t pill = to_graphene (&box->box);

  draw_box (self, snapshot, &pill, pill.size.height / 2, &c->warning, 0.15,
            selected ? &c->accent : &c->warning, (selected ? 3.0 : 1.5) * l->zoom);
  draw_lines (self, snapshot, l, SOCKSCOPE_LAYOUT_SANS, item->text, box->lines, &box->box, l->pill_pad_x,
              l->pill_pad_y, 0, 0, NULL);
}

/* Two hosts: a band above each host's actors with its name and address, and the wire between
 * them, thick, from the bands down: a lost packet stops on it. */
static void
draw_hosts (SockscopeSequenceView *self,
            GtkSnapshot           *snapshot,
            const SockscopeLayout *l,
            gboolean               band)
{
  const Colours *c = &self->colours;
  double dx = -sockscope_sequence_view_hvalue (self), z = l->zoom;

  if (!band)
    {
      double bottom = l->n_rows > 0 ? l->rows[l->n_rows - 1].y + l->rows[l->n_rows - 1].height : l->header_h;
      GdkRGBA wire = c->fg;

      if (l->wire_x <= 0)
        return;
      wire.alpha = c->high_contrast ? 0.6 : 0.18;
      gtk_snapshot_append_color (snapshot, &wire,
                                 &GRAPHENE_RECT_INIT (l->wire_x + dx - 3 * z, l->header_h, 6 * z, MAX (bottom - l->header_h, 0)));
      return;
    }
  for (guint h = 0; h < l->n_hosts; h++)
    {
      const SockscopeLayoutHost *host = &l->hosts[h];
      SockscopeLayoutRect rect = host->band, text;
      g_autofree char *label = NULL;
      graphene_rect_t g;
      double widest = 0;

      if (!host->shown)
        continue;
      rect.x += dx;
      g = to_graphene (&rect);
      draw_box (self, snapshot, &g, 6 * z, &c->fg, 0.06, &c->dim, 1.5 * z);
      for (guint i = 0; i < host->n_lines; i++)
        {
          double w = 0, th = 0;

          sockscope_diagram_fonts_measure (self->fonts, SOCKSCOPE_LAYOUT_BOLD, l->zoom, host->lines[i], &w, &th);
          widest = MAX (widest, w);
        }
      text = rect;
      text.width = MIN (rect.width, widest + 2 * l->pad_x);
      text.x = rect.x + (rect.width - text.width) / 2;
      label = g_strjoinv (" ", host->lines);
      draw_lines (self, snapshot, l, SOCKSCOPE_LAYOUT_BOLD, label, host->lines, &text, l->pad_x, l->pad_y, 0, 0, NULL);
    }
  if (l->wire_x > 0 && l->n_hosts > 1)
    {
      GdkRGBA wire = c->fg;
      double top = l->hosts[0].band.y + l->hosts[0].band.height / 2;

      wire.alpha = c->high_contrast ? 0.6 : 0.18;
      gtk_snapshot_append_color (snapshot, &wire,
                                 &GRAPHENE_RECT_INIT (l->wire_x + dx - 3 * z, top, 6 * z, MAX (l->header_h - top, 0)));
    }
}

static void
draw_state (SockscopeSequenceView    *self,
            GtkSnapshot              *snapshot,
            const SockscopeLayout    *l,
            const Item               *item,
            const SockscopeLayoutBox *box)
{
  const Colours *c = &self->colours;
  const GdkRGBA *family = &c->family[item->family];
  gboolean selected = item->seq == self->selected;
  graphene_rect_t pill = to_graphene (&box->box);
  const char *text = sockscope_sequence_view_item_text (self, item);

  draw_box (self, snapshot, &pill, pill.size.height / 2, family, 0.22,
            selected ? &c->accent : family, (selected ? 3.0 : 1.5) * l->zoom);
  draw_lines (self, snapshot, l, SOCKSCOPE_LAYOUT_SANS, text, box->lines, &box->box, l->pill_pad_x, l->pill_pad_y,
              item->split, strlen (text), NULL);
}

static gboolean
draw_bar (SockscopeSequenceView *self,
          guint                  index,
          gpointer               data)
{
  GtkSnapshot *snapshot = data;
  const Item *item = item_get (self, index);
  const Colours *c = &self->colours;
  graphene_rect_t bar;
  GdkRGBA tint, border;

  if (index >= self->n_visible || !sockscope_sequence_view_call_bar (self, index, &bar))
    return FALSE;
  tint = actor_colour (self, item->from);
  border = is_highlighted (self, item) ? c->accent : tint;
  border.alpha = is_highlighted (self, item) || c->high_contrast ? 1.0 : 0.5;
  draw_box (self, snapshot, &bar, 2 * self->zoom, &tint, 0.12, &border, 1.0 * self->zoom);
  if (sockscope_sequence_view_shows_seq (self, item->blocked_seq))
    {
      GdkRGBA stripe = c->warning;

      stripe.alpha = 0.30;
      draw_hatch (snapshot, &bar, 2 * self->zoom, &stripe, self->zoom, 0);
    }
  return FALSE;
}

static void
draw_header (SockscopeSequenceView *self,
             GtkSnapshot           *snapshot,
             const SockscopeLayout *l,
             double                 width)
{
  const Colours *c = &self->colours;
  double z = l->zoom, dx = -sockscope_sequence_view_hvalue (self);
  GdkRGBA line = c->fg;

  gtk_snapshot_append_color (snapshot, &c->bg, &GRAPHENE_RECT_INIT (0, 0, width, l->header_h));
  line.alpha = 0.15;
  gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (0, l->header_h - 1, width, 1));

  for (int i = -1; i < (int) l->n_columns; i++)
    {
      const SockscopeLayoutColumn *column = i < 0 ? &l->outside : &l->columns[i];
      GdkRGBA colour = i < 0 ? c->dim : actor_colour (self, i);
      SockscopeLayoutRect header = column->header, tag = column->tag;
      g_autofree char *label = NULL;
      graphene_rect_t rect;

      if (!column->shown)
        continue;
      header.x += dx;
      tag.x += dx;
      rect = to_graphene (&header);
      label = g_strjoinv (" ", column->lines);
      draw_box (self, snapshot, &rect, 8 * z, &colour, i < 0 ? 0.05 : 0.15, &colour, 1.5 * z);
      draw_lines (self, snapshot, l, SOCKSCOPE_LAYOUT_BOLD, label, column->lines, &header, l->pad_x, l->pad_y,
                  0, 0, NULL);
      if (tag.width > 0)
        {
          char *lines[] = { (char *) _("thread"), NULL };

          rect = to_graphene (&tag);
          draw_box (self, snapshot, &rect, rect.size.height / 2, &c->family[SOCKSCOPE_STATE_OTHER], 0.12,
                    &c->family[SOCKSCOPE_STATE_OTHER], 1.0 * z);
          draw_lines (self, snapshot, l, SOCKSCOPE_LAYOUT_SANS, lines[0], lines, &tag, l->pill_pad_x,
                      l->pill_pad_y, 0, 0, NULL);
        }
    }
}

static void
draw_lifelines (SockscopeSequenceView *self,
                GtkSnapshot           *snapshot,
                const SockscopeLayout *l,
                guint                  first)
{
  double dx = -sockscope_sequence_view_hvalue (self), z = l->zoom;
  double bottom = l->n_rows > 0 ? l->rows[l->n_rows - 1].y + l->rows[l->n_rows - 1].height : l->header_h;
  GdkRGBA dim = self->colours.fg;

  dim.alpha = self->colours.high_contrast ? 0.9 : 0.35;
  if (l->outside.shown)
    draw_dashed_vline (snapshot, l->outside.x + dx, l->header_h, bottom, 1.0 * z, 8 * z, 0.6f, &dim);
  for (guint i = 0; i < l->n_columns; i++)
    {
      const Lifeline *line = g_ptr_array_index (self->lifelines, i);
      GdkRGBA colour = actor_colour (self, (int) i);
      double top = l->header_h, end = bottom;

      if (!l->columns[i].shown)
        continue;
      colour.alpha = self->colours.high_contrast ? 1.0 : 0.7;
      /* A created actor's lifeline runs from its creation to its end. */
      if (line->parent >= 0 && !line->implicit && line->spawn_row >= first && line->spawn_row < first + l->n_rows)
        top = l->rows[line->spawn_row - first].yb;
      if (line->exit_row >= first && line->exit_row < first + l->n_rows)
        end = l->rows[line->exit_row - first].ya;
      /* A thread's is dotted: it runs inside its process and shares its sockets. */
      if (line->thread)
        draw_dashed_vline (snapshot, l->columns[i].x + dx, top, end, 3.0 * z, 7 * z, 0.45f, &colour);
      else
        draw_dashed_vline (snapshot, l->columns[i].x + dx, top, end, 1.5 * z, 8 * z, 0.6f, &colour);
    }
}

void
sockscope_sequence_view_snapshot (GtkWidget   *widget,
                                  GtkSnapshot *snapshot)
{
  SockscopeSequenceView *self = SOCKSCOPE_SEQUENCE_VIEW (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 now = clock ? gdk_frame_clock_get_frame_time (clock) : g_get_monotonic_time ();
  double width = gtk_widget_get_width (widget);
  const SockscopeLayout *l;
  guint first, row;

  l = sockscope_sequence_view_ensure_layout (self, &first);
  if (self->selected != 0 && sockscope_sequence_view_lookup (self, self->selected, &row) != NULL &&
      row >= first && row < first + l->n_rows && row < self->n_visible)
    {
      GdkRGBA band = self->colours.accent;
      const SockscopeLayoutBox *box = &l->rows[row - first];

      band.alpha = 0.08;
      gtk_snapshot_append_color (snapshot, &band, &GRAPHENE_RECT_INIT (0, box->y, width, box->height));
    }

  draw_hosts (self, snapshot, l, FALSE);
  draw_lifelines (self, snapshot, l, first);
  if (l->n_rows > 0)
    {
      sockscope_sequence_view_foreach_bar (self, first, first + l->n_rows - 1, draw_bar, snapshot);
      for (guint i = 0; i < l->n_rows; i++)
        {
          const Item *item = item_get (self, first + i);
          SockscopeLayoutBox box;

          if (!sockscope_sequence_view_row_box (self, first + i, &box))
            continue;
          switch ((ItemKind) item->kind)
            {
            case ITEM_CALL:
            case ITEM_RESULT:
              draw_call (self, snapshot, l, item, &box, now);
              break;
            case ITEM_STATE:
              draw_state (self, snapshot, l, item, &box);
              break;
            case ITEM_PACKET:
            case ITEM_SPAWN:
            case ITEM_SIGNAL:
              if (box.arrow)
                draw_arrow_row (self, snapshot, l, item, &box, animation_progress (self, first + i, now));
              else
                draw_note (self, snapshot, l, item, &box);
              break;
            case ITEM_EXIT:
              draw_note (self, snapshot, l, item, &box);
              break;
            case ITEM_WIRE:
              draw_wire_note (self, snapshot, l, item, &box);
              break;
            default:
              g_assert_not_reached ();
            }
        }
    }
  draw_header (self, snapshot, l, width);
  draw_hosts (self, snapshot, l, TRUE);
}

gboolean
sockscope_sequence_view_blocked_call_shown (SockscopeSequenceView *self)
{
  const SockscopeLayout *l;
  guint first;

  if (!sockscope_sequence_view_animates (self) || self->position != G_MAXUINT ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return FALSE;
  /* Without a layout yet (items are arriving), any blocked call will do: the tick checks
   * again at the next frame, once the rows are laid out. Laying out here for each item of a
   * burst would cost more than the frame. */
  l = self->layout;
  first = self->layout_rows;
  for (guint i = 0; i < self->open_calls->len; i++)
    {
      guint index = g_array_index (self->open_calls, guint, i);

      if ((l == NULL || (index >= first && index < first + l->n_rows)) &&
          sockscope_sequence_view_is_blocked (self, item_get (self, index)))
        return TRUE;
    }
  return FALSE;
}
