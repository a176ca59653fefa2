/* sockscope-layout.c: the sequence diagram's geometry (see the header).
 *
 * The rule, in three passes over the rows laid out:
 * 1. Columns. A lifeline with an item in these rows is active and wants its widest box, its
 *    header and, with its neighbour, room for the labels of the arrows between them; an idle
 *    one is folded to its header's longest word. When the wants exceed the width, the widest
 *    columns give way first (one cap for all, found by bisection) down to eight characters;
 *    when they fit, the room left is shared by the active columns.
 * 2. Boxes. Each row holds one item, so a box may spread over its neighbours' columns, but
 *    never past the area's edges: it is as wide as the room on both sides of its lifeline
 *    allows, and its label wraps (at spaces and commas) to that width. A note or a tag goes on
 *    the side that has room.
 * 3. Rows. A row is as tall as its wrapped label; following, the rows are laid out up from
 *    the newest so that it is always in view, under the header band, never behind it.
 * All sizes are in units of one text line, so the same rule lays out pixels and cells. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sockscope-layout.h"

typedef struct
{
  const SockscopeLayoutParams *params;
  double zoom;
  double line_h;       /* sans */
  double mono_h;
  double bold_h;
  double margin;       /* at the left and right edges */
  double edge;         /* how close a box may come to an edge */
  double gap;          /* above and below a row's content */
  double col_gap;      /* between two headers */
  double tag_gap;      /* between a box and its tag */
  double drop;         /* how far an arrow slopes down */
  double label_gap;    /* between an arrow and its label */
  double head;         /* an arrowhead's length */
  double note_offset;  /* from a lifeline to the note beside it */
  double min_text;     /* the narrowest a label is wrapped to */
  double fold_w;       /* an idle column */
  double bar_half;
  double base_row_h;
} Ctx;

static double
text_width (const Ctx           *c,
            SockscopeLayoutFont  font,
            const char          *text,
            gssize               len)
{
  g_autofree char *copy = len >= 0 ? g_strndup (text, len) : NULL;
  double w = 0, h = 0;

  c->params->measure (c->params->measure_data, font, c->zoom, copy ? copy : text, &w, &h);
  return w;
}

static double
font_line_h (const Ctx           *c,
             SockscopeLayoutFont  font)
{
  return font == SOCKSCOPE_LAYOUT_MONO ? c->mono_h : font == SOCKSCOPE_LAYOUT_BOLD ? c->bold_h : c->line_h;
}

static void
ctx_init (Ctx                         *c,
          const SockscopeLayoutParams *params,
          double                       zoom)
{
  double w, h, em;

  c->params = params;
  c->zoom = zoom;
  params->measure (params->measure_data, SOCKSCOPE_LAYOUT_SANS, zoom, "Xg", &w, &h);
  c->line_h = MAX (h, 1);
  params->measure (params->measure_data, SOCKSCOPE_LAYOUT_MONO, zoom, "Xg", &w, &h);
  c->mono_h = MAX (h, 1);
  params->measure (params->measure_data, SOCKSCOPE_LAYOUT_BOLD, zoom, "Xg", &w, &h);
  c->bold_h = MAX (h, 1);
  em = c->line_h;
  if (params->cells)
    {
      c->margin = 0;
      c->edge = 0;
      c->gap = 0;
      c->col_gap = 1;
      c->tag_gap = 1;
      c->drop = 0;
      c->label_gap = 0;
      c->head = 1;
      c->note_offset = 2;
      c->fold_w = 3;
      c->bar_half = 0;
    }
  else
    {
      c->margin = 0.5 * em;
      c->edge = 0.2 * em;
      c->gap = 0.25 * em;
      c->col_gap = 0.5 * em;
      c->tag_gap = 0.35 * em;
      c->drop = 0.35 * em;
      c->label_gap = 0.2 * em;
      c->head = 0.8 * em;
      c->note_offset = 0.9 * em;
      c->fold_w = 2.5 * em;
      c->bar_half = 0.3 * em;
    }
  c->min_text = text_width (c, SOCKSCOPE_LAYOUT_MONO, "00000000", -1);
}

/* Box paddings of a layout at c's zoom. */
static void
set_pads (const Ctx       *c,
          SockscopeLayout *l)
{
  gboolean cells = c->params->cells;

  l->zoom = c->zoom;
  l->line_h = c->line_h;
  l->pad_x = cells ? 1 : 0.55 * c->line_h;
  l->pad_y = cells ? 0 : 0.3 * c->line_h;
  l->pill_pad_x = cells ? 1 : 0.45 * c->line_h;
  l->pill_pad_y = cells ? 0 : 0.12 * c->line_h;
}

/* ---- Wrapping ---------------------------------------------------------------------------- */

/* At a space; in a call (monospace) also after a comma, a bracket or a colon. */
static gboolean
breaks_before (SockscopeLayoutFont  font,
               const char          *start,
               const char          *at)
{
  return *at == ' ' ||
         (font == SOCKSCOPE_LAYOUT_MONO && at > start && strchr (",([/:", at[-1]) != NULL && at[-1] != '\0');
}

static char **
wrap (const Ctx           *c,
      SockscopeLayoutFont  font,
      const char          *text,
      double               max_width,
      double              *width,
      guint               *n_lines)
{
  GPtrArray *lines = g_ptr_array_new ();
  const char *p = text ? text : "";
  double widest = 0;

  /* A column made to fit a word exactly must not cut it for a rounding error. */
  max_width += 0.01;

  while (*p != '\0')
    {
      const char *end = NULL;
      double w = 0;

      while (*p == ' ')
        p++;
      if (*p == '\0')
        break;
      w = text_width (c, font, p, -1);
      if (w <= max_width)
        end = p + strlen (p);
      else
        {
          /* The longest run up to a break that fits. */
          for (const char *q = g_utf8_next_char (p); *q != '\0'; q = g_utf8_next_char (q))
            {
              double qw;

              if (!breaks_before (font, p, q))
                continue;
              qw = text_width (c, font, p, q - p);
              if (qw > max_width)
                break;
              end = q;
              w = qw;
            }
          /* A word longer than the line: cut it between characters. */
          if (end == NULL)
            {
              glong n = g_utf8_strlen (p, -1), lo = 1, hi = n;

              while (lo < hi)
                {
                  glong mid = (lo + hi + 1) / 2;

                  if (text_width (c, font, p, g_utf8_offset_to_pointer (p, mid) - p) <= max_width)
                    lo = mid;
                  else
                    hi = mid - 1;
                }
              end = g_utf8_offset_to_pointer (p, lo);
              w = text_width (c, font, p, end - p);
            }
        }
      {
        const char *trim = end;

        while (trim > p && trim[-1] == ' ')
          trim--;
        g_ptr_array_add (lines, g_strndup (p, trim - p));
        if (trim != end)
          w = text_width (c, font, p, trim - p);
      }
      widest = MAX (widest, w);
      p = end;
    }
  if (lines->len == 0)
    g_ptr_array_add (lines, g_strdup (""));
  *n_lines = lines->len;
  *width = widest;
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}

char **
sockscope_layout_wrap (const SockscopeLayoutParams *params,
                       SockscopeLayoutFont          font,
                       double                       zoom,
                       const char                  *text,
                       double                       max_width,
                       double                      *width,
                       guint                       *n_lines)
{
  Ctx c;

  ctx_init (&c, params, zoom);
  return wrap (&c, font, text, max_width, width, n_lines);
}

/* ---- Columns ----------------------------------------------------------------------------- */

static gboolean
is_arrow (const SockscopeLayoutRow *row)
{
  return row->kind == SOCKSCOPE_LAYOUT_PACKET || row->kind == SOCKSCOPE_LAYOUT_SPAWN ||
         (row->kind == SOCKSCOPE_LAYOUT_SIGNAL && row->from >= 0 && row->from != row->to);
}

/* A packet label's first word (its flags, "PSH,ACK") is drawn in bold at the label's size: the
 * width that takes beyond the regular weight the label was measured in. */
static double
emphasis_extra (const Ctx                *c,
                const SockscopeLayoutRow *row)
{
  const char *space;
  gssize len;

  if (row->kind != SOCKSCOPE_LAYOUT_PACKET || c->params->cells || row->text == NULL)
    return 0;
  space = strchr (row->text, ' ');
  len = space ? space - row->text : (gssize) strlen (row->text);
  /* SOCKSCOPE_LAYOUT_BOLD is also 1.1 times larger (a header): back to the label's size. */
  return MAX (0, text_width (c, SOCKSCOPE_LAYOUT_BOLD, row->text, len) / 1.1 -
                 text_width (c, SOCKSCOPE_LAYOUT_SANS, row->text, len));
}

static SockscopeLayoutFont
row_font (const SockscopeLayoutRow *row)
{
  return row->kind == SOCKSCOPE_LAYOUT_CALL || row->kind == SOCKSCOPE_LAYOUT_RESULT ||
         row->kind == SOCKSCOPE_LAYOUT_SPAWN ? SOCKSCOPE_LAYOUT_MONO : SOCKSCOPE_LAYOUT_SANS;
}

/* The lifeline a row's own box stands on (a note: the one it is beside), or -1. */
static int
row_lifeline (const SockscopeLayoutRow *row)
{
  if (is_arrow (row))
    return -1;
  return row->kind == SOCKSCOPE_LAYOUT_SIGNAL ? row->to : row->from;
}

static double
widest_word (const Ctx           *c,
             SockscopeLayoutFont  font,
             const char          *text)
{
  g_auto(GStrv) words = g_strsplit (text ? text : "", " ", -1);
  double widest = 0;

  for (guint i = 0; words[i] != NULL; i++)
    widest = MAX (widest, text_width (c, font, words[i], -1));
  return widest;
}

static void
column_clear (SockscopeLayoutColumn *column)
{
  g_clear_pointer (&column->lines, g_strfreev);
  column->n_lines = 0;
}

static void
place_header (const Ctx                     *c,
              const SockscopeLayout         *l,
              SockscopeLayoutColumn         *column,
              const char                    *label,
              gboolean                       thread)
{
  double w, room = MAX (column->width - c->col_gap - 2 * l->pill_pad_x, c->line_h);
  double h;

  column_clear (column);
  column->lines = wrap (c, SOCKSCOPE_LAYOUT_BOLD, label, room, &w, &column->n_lines);
  h = column->n_lines * c->bold_h + 2 * l->pad_y;
  column->header = (SockscopeLayoutRect) { column->x - (w + 2 * l->pill_pad_x) / 2, c->gap + l->host_h,
                                           w + 2 * l->pill_pad_x, h };
  column->tag = (SockscopeLayoutRect) { 0 };
  if (thread && c->params->thread_tag != NULL)
    {
      double tw = text_width (c, SOCKSCOPE_LAYOUT_SANS, c->params->thread_tag, -1) + 2 * l->pill_pad_x;

      column->tag = (SockscopeLayoutRect) { column->x - tw / 2, c->gap + l->host_h + h + c->tag_gap, tw,
                                            c->line_h + 2 * l->pill_pad_y };
    }
}

static double
header_bottom (const SockscopeLayoutColumn *column)
{
  if (!column->shown)
    return 0;
  return column->tag.width > 0 ? column->tag.y + column->tag.height : column->header.y + column->header.height;
}

static void
hosts_clear (SockscopeLayout *l)
{
  for (guint h = 0; h < SOCKSCOPE_LAYOUT_MAX_HOSTS; h++)
    {
      g_clear_pointer (&l->hosts[h].lines, g_strfreev);
      memset (&l->hosts[h], 0, sizeof l->hosts[h]);
    }
  l->n_hosts = 0;
  l->wire_x = -1;
  l->host_h = 0;
}

/* The drawing order with each host's actors together: the hosts in the order their first actor
 * comes, the lifelines with no host last; within a host, the order given. */
static void
group_by_host (const SockscopeLayoutLifeline *lifelines,
               const guint                   *order,
               guint                          n,
               guint                         *grouped)
{
  g_autofree gboolean *taken = g_new0 (gboolean, n + 1);
  guint filled = 0, max_rank = 0;

  for (guint k = 0; k < n; k++)
    if (lifelines[k].host != NULL)
      max_rank = MAX (max_rank, MIN (lifelines[k].host_rank, 64));
  for (guint rank = 0; rank <= max_rank; rank++)
    for (guint k = 0; k < n; k++)
      {
        const char *host = lifelines[order[k]].host;

        if (taken[order[k]] || host == NULL || MIN (lifelines[order[k]].host_rank, 64) != rank)
          continue;
        for (guint j = k; j < n; j++)
          if (!taken[order[j]] && g_strcmp0 (lifelines[order[j]].host, host) == 0)
            {
              taken[order[j]] = TRUE;
              grouped[filled++] = order[j];
            }
      }
  for (guint k = 0; k < n; k++)
    if (!taken[order[k]])
      grouped[filled++] = order[k];
}

/* Widths of the shown columns (in drawing order) for the rows [first, last). */
static void
place_columns (const Ctx                     *c,
               SockscopeLayout               *l,
               const SockscopeLayoutLifeline *lifelines,
               const guint                   *order,
               guint                          n_lifelines,
               const SockscopeLayoutRow      *rows,
               guint                          first,
               guint                          last)
{
  const SockscopeLayoutParams *p = c->params;
  g_autofree double *want = g_new0 (double, n_lifelines + 1);
  g_autofree double *least = g_new0 (double, n_lifelines + 1);
  g_autofree double *width = g_new0 (double, n_lifelines + 1);
  g_autofree int *position = g_new0 (int, n_lifelines + 1);
  g_autofree gboolean *active = g_new0 (gboolean, n_lifelines + 1);
  double gutter = 0, avail, fixed = 0, sum = 0, x, total;
  guint n_shown = 0, n_active = 0;
  g_autofree guint *grouped = g_new0 (guint, n_lifelines + 1);
  const char *hosts[SOCKSCOPE_LAYOUT_MAX_HOSTS] = { NULL };
  guint n_hosts = 0;
  double wire_w = c->params->cells ? 5 : 3.2 * c->line_h;

  /* A lifeline a row is drawn on has a column, whatever the caller thought. */
  g_autofree gboolean *shown = g_new0 (gboolean, n_lifelines + 1);

  for (guint i = 0; i < n_lifelines; i++)
    {
      position[i] = -1;
      shown[i] = lifelines[i].shown;
    }
  for (guint r = first; r < last; r++)
    {
      if (rows[r].from >= 0 && (guint) rows[r].from < n_lifelines)
        shown[rows[r].from] = TRUE;
      if (rows[r].to >= 0 && (guint) rows[r].to < n_lifelines)
        shown[rows[r].to] = TRUE;
    }
  group_by_host (lifelines, order, n_lifelines, grouped);
  order = grouped;
  hosts_clear (l);
  for (guint k = 0; k < n_lifelines; k++)
    if (shown[order[k]])
      {
        const char *host = lifelines[order[k]].host;

        position[order[k]] = (int) n_shown++;
        if (host != NULL && n_hosts < SOCKSCOPE_LAYOUT_MAX_HOSTS && (n_hosts == 0 || g_strcmp0 (hosts[n_hosts - 1], host) != 0))
          hosts[n_hosts++] = host;
      }
  if (n_hosts > 0)
    l->host_h = c->bold_h + 2 * l->pad_y + c->gap;
  /* A gap between two hosts' columns: the wire, where a lost packet stops. */
  if (n_hosts > 1)
    fixed += (n_hosts - 1) * wire_w;

  /* What each active column wants for the boxes on its lifeline. */
  for (guint r = first; r < last; r++)
    {
      const SockscopeLayoutRow *row = &rows[r];
      int on = row_lifeline (row);

      if (is_arrow (row))
        {
          if (row->from >= 0 && (guint) row->from < n_lifelines)
            active[row->from] = TRUE;
          if (row->to >= 0 && (guint) row->to < n_lifelines)
            active[row->to] = TRUE;
          continue;
        }
      if (on < 0 || (guint) on >= n_lifelines)
        continue;
      active[on] = TRUE;
      if (row->kind == SOCKSCOPE_LAYOUT_EXIT || row->kind == SOCKSCOPE_LAYOUT_SIGNAL)
        continue;   /* a note goes beside its lifeline, over the neighbouring column */
      {
        gboolean boxed = row->kind != SOCKSCOPE_LAYOUT_STATE;
        double w = text_width (c, row_font (row), row->text, -1) + 2 * (boxed ? l->pad_x : l->pill_pad_x);

        if (row->tagged && p->blocked_tag != NULL)
          w += c->tag_gap + text_width (c, SOCKSCOPE_LAYOUT_SANS, p->blocked_tag, -1) + 2 * l->pill_pad_x;
        want[on] = MAX (want[on], w + c->col_gap);
      }
    }

  for (guint i = 0; i < n_lifelines; i++)
    {
      double word = widest_word (c, SOCKSCOPE_LAYOUT_BOLD, lifelines[i].label) + 2 * l->pill_pad_x + c->col_gap;
      double whole = text_width (c, SOCKSCOPE_LAYOUT_BOLD, lifelines[i].label ? lifelines[i].label : "", -1) +
                     2 * l->pill_pad_x + c->col_gap;

      if (position[i] < 0)
        continue;
      if (lifelines[i].thread && p->thread_tag != NULL)
        word = MAX (word, text_width (c, SOCKSCOPE_LAYOUT_SANS, p->thread_tag, -1) + 2 * l->pill_pad_x + c->col_gap);
      if (active[i])
        {
          least[i] = MAX (word, c->min_text + 2 * l->pad_x + c->col_gap);
          want[i] = MAX (MAX (want[i], whole), least[i]);
          n_active++;
        }
      else
        {
          least[i] = want[i] = MAX (word, c->fold_w);
          fixed += least[i];
        }
    }

  /* A host's name and address want the room of its columns together: the widest word at
   * least, the whole label on one line when there is room. */
  for (guint h = 0; h < n_hosts; h++)
    {
      double whole = text_width (c, SOCKSCOPE_LAYOUT_BOLD, hosts[h], -1) + 2 * l->pill_pad_x + 2 * l->pad_x + c->col_gap;
      double word = widest_word (c, SOCKSCOPE_LAYOUT_BOLD, hosts[h]) + 2 * l->pill_pad_x + 2 * l->pad_x + c->col_gap;
      double sum_want = 0, sum_least = 0;
      guint n_in = 0, n_active_in = 0;

      for (guint i = 0; i < n_lifelines; i++)
        if (position[i] >= 0 && g_strcmp0 (lifelines[i].host, hosts[h]) == 0)
          {
            sum_want += want[i];
            sum_least += least[i];
            n_in++;
            n_active_in += active[i] ? 1 : 0;
          }
      if (n_in == 0)
        continue;
      for (guint i = 0; i < n_lifelines; i++)
        {
          double add_least, add_want;

          if (position[i] < 0 || g_strcmp0 (lifelines[i].host, hosts[h]) != 0 || (n_active_in > 0 && !active[i]))
            continue;
          add_least = MAX (0, word - sum_least) / (n_active_in > 0 ? n_active_in : n_in);
          add_want = MAX (0, whole - sum_want) / (n_active_in > 0 ? n_active_in : n_in);
          least[i] += add_least;
          want[i] = MAX (want[i] + add_want, least[i]);
          if (!active[i])
            {
              /* an idle column has one width */
              fixed += want[i] - (least[i] - add_least);
              least[i] = want[i];
            }
        }
    }

  /* The label of an arrow between two columns wants the room between their lifelines. */
  for (guint r = first; r < last; r++)
    {
      const SockscopeLayoutRow *row = &rows[r];
      int a, b;
      double need, span = 0;

      if (!is_arrow (row) || row->from < 0 || row->to < 0 || (guint) row->from >= n_lifelines ||
          (guint) row->to >= n_lifelines || position[row->from] < 0 || position[row->to] < 0 ||
          row->from == row->to)
        continue;
      a = position[row->from] < position[row->to] ? row->from : row->to;
      b = a == row->from ? row->to : row->from;
      need = text_width (c, row_font (row), row->text, -1) + 2 * l->pill_pad_x + 2 * c->head;
      for (guint i = 0; i < n_lifelines; i++)
        if (position[i] > position[a] && position[i] < position[b])
          span += want[i];
      span += want[a] / 2 + want[b] / 2;
      if (span < need)
        {
          want[a] += (need - span) / 2;
          want[b] += (need - span) / 2;
        }
    }

  if (p->outside_label != NULL)
    gutter = text_width (c, SOCKSCOPE_LAYOUT_BOLD, p->outside_label, -1) + 2 * l->pill_pad_x + c->col_gap;
  avail = p->width - 2 * c->margin - gutter;

  for (guint i = 0; i < n_lifelines; i++)
    if (position[i] >= 0 && active[i])
      sum += want[i];
  if (fixed + sum <= avail)
    {
      /* Room to spare: the active columns share it (all of them when none is active). */
      double extra = (avail - fixed - sum) / MAX (n_active ? n_active : n_shown, 1);

      for (guint i = 0; i < n_lifelines; i++)
        if (position[i] >= 0)
          width[i] = want[i] + (active[i] || n_active == 0 ? extra : 0);
    }
  else
    {
      /* The widest give way first: one cap for every active column. */
      double lo = 0, hi = 0;

      for (guint i = 0; i < n_lifelines; i++)
        if (position[i] >= 0 && active[i])
          hi = MAX (hi, want[i]);
      for (int iter = 0; iter < 40; iter++)
        {
          double cap = (lo + hi) / 2, t = fixed;

          for (guint i = 0; i < n_lifelines; i++)
            if (position[i] >= 0 && active[i])
              t += MAX (least[i], MIN (want[i], cap));
          if (t > avail)
            hi = cap;
          else
            lo = cap;
        }
      for (guint i = 0; i < n_lifelines; i++)
        if (position[i] >= 0)
          width[i] = active[i] ? MAX (least[i], MIN (want[i], lo)) : least[i];
    }

  /* Place them. */
  x = c->margin + gutter;
  total = 0;
  {
    const char *previous = NULL;
    int host = -1;

    for (guint k = 0; k < n_lifelines; k++)
      {
        guint i = order[k];
        const char *name = lifelines[i].host;

        if (position[i] < 0)
          continue;
        if (name != NULL && g_strcmp0 (name, previous) != 0 && host + 1 < SOCKSCOPE_LAYOUT_MAX_HOSTS)
          {
            if (host >= 0)
              {
                if (host == 0)
                  l->wire_x = x + wire_w / 2;
                x += wire_w;
                total += wire_w;
              }
            host++;
            l->hosts[host].shown = TRUE;
            l->hosts[host].band = (SockscopeLayoutRect) { x, 0, 0, 0 };
            g_free (l->hosts[host].lines);
            l->hosts[host].lines = (char **) g_strdup (name);   /* the label, until wrapped */
          }
        previous = name;
        if (host >= 0 && name != NULL)
          l->hosts[host].band.width = x + width[i] - l->hosts[host].band.x;
        x += width[i];
      }
    l->n_hosts = (guint) (host + 1);
    for (guint h = 0; h < l->n_hosts; h++)
      {
        SockscopeLayoutHost *band = &l->hosts[h];
        g_autofree char *label = (char *) band->lines;
        double inset = c->params->cells ? 0 : 0.2 * c->line_h, tw;

        band->lines = wrap (c, SOCKSCOPE_LAYOUT_BOLD, label, MAX (band->band.width - 2 * inset - 2 * l->pill_pad_x, c->line_h),
                            &tw, &band->n_lines);
        band->band.x += inset;
        band->band.width = MAX (band->band.width - 2 * inset, 1);
        band->band.y = c->gap;
        band->band.height = l->host_h - c->gap;
        if (band->n_lines > 1)
          {
            /* A narrow host: its label on more lines, the headers lower. */
            double extra = (band->n_lines - 1) * c->bold_h;

            band->band.height += extra;
            l->host_h = MAX (l->host_h, band->band.height + c->gap);
          }
      }
    for (guint h = 0; h < l->n_hosts; h++)
      l->hosts[h].band.height = l->host_h - c->gap;
  }
  x = c->margin + gutter;
  total = 0;
  for (guint k = 0; k < n_lifelines; k++)
    {
      guint i = order[k];
      SockscopeLayoutColumn *column = &l->columns[i];

      column->shown = position[i] >= 0;
      if (!column->shown)
        continue;
      if (l->n_hosts > 1 && k > 0 && lifelines[i].host != NULL)
        {
          /* the wire's gap before the first column of every host but the first */
          for (guint j = k; j-- > 0;)
            if (position[order[j]] >= 0)
              {
                if (lifelines[order[j]].host != NULL && g_strcmp0 (lifelines[order[j]].host, lifelines[i].host) != 0)
                  {
                    x += wire_w;
                    total += wire_w;
                  }
                break;
              }
        }
      column->folded = !active[i];
      column->left = x;
      column->width = width[i];
      column->x = x + width[i] / 2;
      x += width[i];
      total += width[i];
      place_header (c, l, column, lifelines[i].label, lifelines[i].thread);
    }
  l->content_width = MAX (p->width, c->margin * 2 + gutter + total);

  column_clear (&l->outside);
  l->outside.shown = p->outside_label != NULL;
  if (l->outside.shown)
    {
      l->outside.left = c->margin;
      l->outside.width = gutter;
      l->outside.x = c->margin + gutter / 2;
      place_header (c, l, &l->outside, p->outside_label, FALSE);
    }

  l->header_h = header_bottom (&l->outside);
  for (guint i = 0; i < n_lifelines; i++)
    l->header_h = MAX (l->header_h, header_bottom (&l->columns[i]));
  l->header_h += c->gap;
}

/* ---- Rows -------------------------------------------------------------------------------- */

double
sockscope_layout_lifeline_x (const SockscopeLayout *self,
                             int                    lifeline)
{
  if (lifeline < 0 || (guint) lifeline >= self->n_columns)
    return self->outside.x;
  return self->columns[lifeline].x;
}

/* A box on x: centred when it can be, else moved along its row to stay in the area (a row
 * holds one item); its label wraps beyond the room centred on x or 60 % of the width, the
 * greater. A tag goes to its right, or to its left at the right edge. */
static void
centred_box (const Ctx             *c,
             const SockscopeLayout *l,
             SockscopeLayoutBox    *box,
             SockscopeLayoutFont    font,
             const char            *text,
             double                 x,
             double                 pad_x,
             double                 pad_y,
             const char            *tag)
{
  double lo = c->edge, hi = l->content_width - c->edge, avail = hi - lo;
  double tag_w = tag ? text_width (c, SOCKSCOPE_LAYOUT_SANS, tag, -1) + 2 * l->pill_pad_x : 0;
  double tag_room = tag ? c->tag_gap + tag_w : 0;
  double room = MIN (avail - tag_room, MAX (2 * MIN (x - lo, hi - x) - tag_room, 0.6 * avail));
  double tw, w, bx;

  room = MAX (room, c->min_text + 2 * pad_x);
  box->lines = wrap (c, font, text, room - 2 * pad_x, &tw, &box->n_lines);
  w = tw + 2 * pad_x;
  bx = x - w / 2;
  box->box.width = w;
  box->box.height = box->n_lines * font_line_h (c, font) + 2 * pad_y;
  if (tag)
    {
      gboolean on_right = bx + w + tag_room <= hi || bx - tag_room < lo;

      if (on_right)
        bx = MAX (lo, MIN (bx, hi - tag_room - w));
      else
        bx = MIN (bx, hi - w);
      box->tag.width = tag_w;
      box->tag.height = c->line_h + 2 * l->pill_pad_y;
      box->tag.x = on_right ? bx + w + c->tag_gap : bx - c->tag_gap - tag_w;
    }
  else
    bx = CLAMP (bx, lo, MAX (lo, hi - w));
  box->box.x = bx;
}

/* Lays out row at y; returns its height. */
static double
place_row (const Ctx                *c,
           const SockscopeLayout    *l,
           const SockscopeLayoutRow *row,
           double                    y,
           SockscopeLayoutBox       *box)
{
  double lo = c->edge, hi = l->content_width - c->edge;
  SockscopeLayoutFont font = row_font (row);
  double h = 0;

  memset (box, 0, sizeof *box);
  box->y = y;
  if (is_arrow (row))
    {
      double xa = sockscope_layout_lifeline_x (l, row->from);
      double xb = sockscope_layout_lifeline_x (l, row->to);
      double direction, centre, room, tw, pill_h;

      if (row->from == row->to || fabs (xb - xa) < 1)
        xb = xa + MAX (2 * c->line_h, l->columns[MAX (row->from, 0)].width * 0.3);
      direction = xb >= xa ? 1 : -1;
      xa += direction * (row->inset_from ? c->bar_half : 0);
      xb -= direction * (row->inset_to ? c->bar_half : 0);
      centre = (xa + xb) / 2;
      /* Between the two ends; over them (a row holds one item) rather than on three lines. */
      room = MAX (fabs (xb - xa) - 2 * c->head,
                  MIN (text_width (c, font, row->text, -1) + 2 * l->pill_pad_x, 0.6 * (hi - lo)));
      room = MIN (MAX (room, c->min_text + 2 * l->pill_pad_x), hi - lo);
      box->lines = wrap (c, font, row->text, room - 2 * l->pill_pad_x, &tw, &box->n_lines);
      tw += emphasis_extra (c, row);
      pill_h = box->n_lines * font_line_h (c, font) + 2 * l->pill_pad_y;
      box->box = (SockscopeLayoutRect) { centre - (tw + 2 * l->pill_pad_x) / 2, y + c->gap,
                                         tw + 2 * l->pill_pad_x, pill_h };
      box->box.x = CLAMP (box->box.x, lo, MAX (lo, hi - box->box.width));
      box->arrow = TRUE;
      box->xa = xa;
      box->xb = xb;
      if (row->dropped && row->kind == SOCKSCOPE_LAYOUT_PACKET)
        {
          /* Lost on the wire: the arrow stops on it (half-way when no wire is drawn). */
          gboolean crosses = l->wire_x > 0 && l->wire_x > MIN (xa, xb) && l->wire_x < MAX (xa, xb);

          box->xb = crosses ? l->wire_x : (xa + xb) / 2;
          box->cut = TRUE;
        }
      box->ya = box->box.y + pill_h + c->label_gap + (c->params->cells ? 0 : c->line_h * 0.15);
      box->yb = box->ya + (row->kind == SOCKSCOPE_LAYOUT_SPAWN ? 0 : c->drop);
      h = box->yb - y + c->gap + (c->params->cells ? 1 : c->line_h * 0.25);
    }
  else if (row->kind == SOCKSCOPE_LAYOUT_EXIT || row->kind == SOCKSCOPE_LAYOUT_SIGNAL)
    {
      double x = sockscope_layout_lifeline_x (l, row_lifeline (row));
      double natural = text_width (c, font, row->text, -1) + 2 * l->pill_pad_x;
      double right = hi - (x + c->note_offset), left = (x - c->note_offset) - lo;
      gboolean on_right = natural <= right || right >= left;
      double tw;

      box->lines = wrap (c, font, row->text, MAX (on_right ? right : left, c->min_text) - 2 * l->pill_pad_x,
                         &tw, &box->n_lines);
      box->box.width = tw + 2 * l->pill_pad_x;
      box->box.height = box->n_lines * c->line_h + 2 * l->pill_pad_y;
      box->box.x = on_right ? x + c->note_offset : x - c->note_offset - box->box.width;
      box->xa = x;
    }
  else if (row->kind == SOCKSCOPE_LAYOUT_WIRE)
    centred_box (c, l, box, font, row->text, l->wire_x > 0 ? l->wire_x : l->content_width / 2,
                 l->pill_pad_x, l->pill_pad_y, NULL);
  else
    {
      gboolean boxed = row->kind != SOCKSCOPE_LAYOUT_STATE;

      centred_box (c, l, box, font, row->text, sockscope_layout_lifeline_x (l, row->from),
                   boxed ? l->pad_x : l->pill_pad_x, boxed ? l->pad_y : l->pill_pad_y,
                   row->tagged ? c->params->blocked_tag : NULL);
    }
  if (!box->arrow)
    {
      h = MAX (c->base_row_h, box->box.height + 2 * c->gap);
      box->box.y = y + (h - box->box.height) / 2;
      box->ya = y + h / 2;
      if (box->tag.width > 0)
        box->tag.y = y + (h - box->tag.height) / 2;
    }
  box->height = h;
  return h;
}

static void
box_clear (SockscopeLayoutBox *box)
{
  g_clear_pointer (&box->lines, g_strfreev);
}

static void
clear_rows (SockscopeLayout *l)
{
  for (guint i = 0; i < l->n_rows; i++)
    box_clear (&l->rows[i]);
  g_clear_pointer (&l->rows, g_free);
  l->n_rows = 0;
}

/* Lays out rows [first, last) from the header down; keeps as many as the anchor wants. */
static void
place_rows (const Ctx                *c,
            SockscopeLayout          *l,
            const SockscopeLayoutRow *rows,
            guint                     first,
            guint                     last,
            SockscopeLayoutAnchor     anchor,
            double                    height)
{
  guint n = last - first, keep_from = 0, keep_to = n;
  double y, room = height - l->header_h;

  clear_rows (l);
  l->rows = g_new0 (SockscopeLayoutBox, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    place_row (c, l, &rows[first + i], 0, &l->rows[i]);

  if (anchor == SOCKSCOPE_LAYOUT_TOP)
    {
      double used = 0;

      for (keep_to = 0; keep_to < n; keep_to++)
        {
          if (keep_to > 0 && used + l->rows[keep_to].height > room)
            break;
          used += l->rows[keep_to].height;
        }
    }
  else if (anchor == SOCKSCOPE_LAYOUT_BOTTOM)
    {
      double used = 0;

      for (keep_from = n; keep_from > 0; keep_from--)
        {
          if (keep_from < n && used + l->rows[keep_from - 1].height > room)
            break;
          used += l->rows[keep_from - 1].height;
        }
    }
  for (guint i = 0; i < keep_from; i++)
    box_clear (&l->rows[i]);
  for (guint i = keep_to; i < n; i++)
    box_clear (&l->rows[i]);
  if (keep_from > 0)
    memmove (l->rows, l->rows + keep_from, (keep_to - keep_from) * sizeof (SockscopeLayoutBox));
  l->first = first + keep_from;
  l->n_rows = keep_to - keep_from;

  /* Down from the header. */
  y = l->header_h;
  for (guint i = 0; i < l->n_rows; i++)
    {
      SockscopeLayoutBox *box = &l->rows[i];
      double dy = y - box->y;

      box->y += dy;
      box->box.y += dy;
      box->ya += dy;
      box->yb += dy;
      if (box->tag.width > 0)
        box->tag.y += dy;
      y += box->height;
    }
  l->content_height = y;
}

/* An arrow the wire delivered late ends where the rows' times reach its arrival: between the
 * last row before it and the first one at or after it, in proportion to their times. */
static void
place_arrivals (SockscopeLayout          *l,
                const SockscopeLayoutRow *rows)
{
  double bottom = l->n_rows > 0 ? l->rows[l->n_rows - 1].y + l->rows[l->n_rows - 1].height : l->header_h;

  for (guint i = 0; i < l->n_rows; i++)
    {
      const SockscopeLayoutRow *row = &rows[l->first + i];
      SockscopeLayoutBox *box = &l->rows[i];
      double y0 = box->yb, y = -1;
      gint64 t0 = row->t_ns;

      if (!box->arrow || box->cut || row->arrive_ns <= 0 || row->t_ns <= 0 || row->arrive_ns <= row->t_ns)
        continue;
      for (guint k = i + 1; k < l->n_rows; k++)
        {
          const SockscopeLayoutRow *next = &rows[l->first + k];
          double yk = l->rows[k].ya;

          if (next->t_ns <= 0)
            continue;
          if (next->t_ns >= row->arrive_ns)
            {
              y = next->t_ns > t0 ? y0 + (yk - y0) * (double) (row->arrive_ns - t0) / (double) (next->t_ns - t0) : yk;
              break;
            }
          if (yk > y0)
            {
              y0 = yk;
              t0 = next->t_ns;
            }
        }
      if (y < 0)
        {
          y = bottom;
          box->late = TRUE;
        }
      box->yb = MAX (box->yb, y);
    }
}

static void
set_focus (SockscopeLayout *l,
           guint            current)
{
  const SockscopeLayoutBox *box = sockscope_layout_get_row (l, current);

  l->focus_x0 = l->focus_x1 = -1;
  if (box == NULL)
    return;
  l->focus_x0 = box->box.x;
  l->focus_x1 = box->box.x + box->box.width;
  if (box->arrow)
    {
      l->focus_x0 = MIN (l->focus_x0, MIN (box->xa, box->xb));
      l->focus_x1 = MAX (l->focus_x1, MAX (box->xa, box->xb));
    }
  if (box->tag.width > 0)
    {
      l->focus_x0 = MIN (l->focus_x0, box->tag.x);
      l->focus_x1 = MAX (l->focus_x1, box->tag.x + box->tag.width);
    }
}

SockscopeLayout *
sockscope_layout_new (const SockscopeLayoutParams   *params,
                      const SockscopeLayoutLifeline *lifelines,
                      const guint                   *order,
                      guint                          n_lifelines,
                      const SockscopeLayoutRow      *rows,
                      guint                          n_rows,
                      guint                          current)
{
  SockscopeLayout *l = g_new0 (SockscopeLayout, 1);
  double zoom = params->zoom > 0 ? params->zoom : 1;
  double min_zoom = params->min_zoom > 0 ? MIN (params->min_zoom, zoom) : zoom;

  l->n_columns = n_lifelines;
  l->columns = g_new0 (SockscopeLayoutColumn, MAX (n_lifelines, 1));
  l->wire_x = -1;

  for (int attempt = 0; attempt < 8; attempt++)
    {
      Ctx c;
      guint first = 0, last = n_rows;
      gboolean too_tall, too_wide;

      ctx_init (&c, params, zoom);
      set_pads (&c, l);
      c.base_row_h = c.mono_h + 2 * l->pad_y + 2 * c.gap;
      /* A first guess of the rows that fit, for the columns; the rows trim it exactly. */
      if (!params->fit && params->anchor != SOCKSCOPE_LAYOUT_ALL)
        {
          guint fit = (guint) MAX (1, ceil (params->height / c.base_row_h));

          if (params->anchor == SOCKSCOPE_LAYOUT_TOP)
            last = MIN (n_rows, fit);
          else
            first = n_rows > fit ? n_rows - fit : 0;
        }
      place_columns (&c, l, lifelines, order, n_lifelines, rows, first, last);
      place_rows (&c, l, rows, first, last,
                  params->fit && zoom > min_zoom ? SOCKSCOPE_LAYOUT_ALL : params->anchor, params->height);
      too_tall = params->fit && l->content_height > params->height;
      too_wide = l->content_width > params->width + 0.5;
      if ((!too_tall && !too_wide) || zoom <= min_zoom)
        {
          /* Fitting at its smallest and still too tall: anchored as asked. */
          if (params->fit && l->content_height > params->height && params->anchor != SOCKSCOPE_LAYOUT_ALL)
            {
              place_columns (&c, l, lifelines, order, n_lifelines, rows, first, last);
              place_rows (&c, l, rows, first, last, params->anchor, params->height);
            }
          break;
        }
      /* Too wide for the pane even with every column at its least, or (fitting) too tall:
       * smaller text, down to min_zoom. */
      zoom = MAX (min_zoom, zoom * MAX (0.5, MIN (0.97, MIN (too_tall ? (params->height - l->header_h) /
                                                                       MAX (l->content_height - l->header_h, 1) : 1,
                                                           too_wide ? params->width / l->content_width : 1))));
    }
  place_arrivals (l, rows);
  set_focus (l, current);
  return l;
}

const SockscopeLayoutBox *
sockscope_layout_get_row (const SockscopeLayout *self,
                          guint                  index)
{
  if (index < self->first || index - self->first >= self->n_rows)
    return NULL;
  return &self->rows[index - self->first];
}

void
sockscope_layout_free (SockscopeLayout *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_columns; i++)
    column_clear (&self->columns[i]);
  column_clear (&self->outside);
  hosts_clear (self);
  g_free (self->columns);
  clear_rows (self);
  g_free (self);
}

guint
sockscope_layout_follow_start (const SockscopeLayoutParams *params,
                               guint                        n_rows)
{
  double w = 0, h = 0;
  guint fit;

  params->measure (params->measure_data, SOCKSCOPE_LAYOUT_SANS, params->zoom > 0 ? params->zoom : 1, "Xg", &w, &h);
  /* No row is shorter than 1.6 lines: more than these never fit. */
  fit = (guint) ceil (MAX (params->height, 1) / MAX (h * 1.6, 1)) + 2;
  return n_rows > fit ? n_rows - fit : 0;
}
