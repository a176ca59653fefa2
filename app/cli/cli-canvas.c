/* cli-canvas.c: rows of text for a terminal (see the header). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli-canvas.h"
#include "sockscope-palette.h"

struct _CliCanvas
{
  guint    width;
  gboolean colour;
};

typedef struct
{
  gunichar ch;       /* 0: the second half of a wide character */
  int      colour;
  gboolean bold;
} Cell;

struct _CliRow
{
  CliCanvas *canvas;
  Cell      *cells;
};

CliCanvas *
cli_canvas_new (void)
{
  CliCanvas *self = g_new0 (CliCanvas, 1);
  const char *columns = g_getenv ("COLUMNS");
  const char *term = g_getenv ("TERM");
  struct winsize ws;

  self->width = 80;
  if (columns != NULL && atoi (columns) > 0)
    self->width = (guint) atoi (columns);
  else if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    self->width = ws.ws_col;
  self->width = CLAMP (self->width, 40, 1000);
  self->colour = isatty (STDOUT_FILENO) && g_getenv ("NO_COLOR") == NULL &&
                 (term == NULL || !g_str_equal (term, "dumb"));
  return self;
}

void
cli_canvas_free (CliCanvas *self)
{
  g_free (self);
}

guint
cli_canvas_get_width (CliCanvas *self)
{
  return self->width;
}

CliRow *
cli_row_new (CliCanvas *canvas)
{
  CliRow *row = g_new0 (CliRow, 1);

  row->canvas = canvas;
  row->cells = g_new (Cell, canvas->width);
  for (guint i = 0; i < canvas->width; i++)
    row->cells[i] = (Cell) { ' ', CLI_PLAIN, FALSE };
  return row;
}

static guint
char_width (gunichar c)
{
  /* printable ASCII and the box-drawing lines (lifelines, arrows): most of what a ladder prints */
  if ((c >= 0x20 && c < 0x7f) || (c >= 0x2500 && c <= 0x257f))
    return 1;
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

guint
cli_row_put (CliRow     *row,
             guint       x,
             const char *text,
             int         colour,
             gboolean    bold)
{
  guint start = x;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = (guchar) *p < 0x80 ? (gunichar) *p : g_utf8_get_char (p);
      guint w = char_width (c);

      if (w == 0)
        continue;
      if (x + w > row->canvas->width)
        break;
      row->cells[x] = (Cell) { c, colour, bold };
      if (w == 2)
        row->cells[x + 1] = (Cell) { 0, colour, bold };
      x += w;
    }
  return x - start;
}

/* The nearest colour of xterm's 6×6×6 cube. */
static int
xterm_256 (SockscopeRgb rgb)
{
  return 16 + 36 * (int) (rgb.red * 5 + 0.5) + 6 * (int) (rgb.green * 5 + 0.5) + (int) (rgb.blue * 5 + 0.5);
}

static void
append_style (GString *out,
              int      colour,
              gboolean bold)
{
  g_string_append (out, "\033[0");
  if (bold)
    g_string_append (out, ";1");
  if (colour == CLI_DIM)
    g_string_append (out, ";2");
  else if (colour == CLI_ERROR)
    g_string_append (out, ";31");
  else if (colour >= 0)
    g_string_append_printf (out, ";38;5;%d", xterm_256 (sockscope_palette_actor ((guint) colour, FALSE)));
  g_string_append_c (out, 'm');
}

void
cli_row_print (CliRow *row)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint end = row->canvas->width;
  int colour = CLI_PLAIN;
  gboolean bold = FALSE;

  while (end > 0 && row->cells[end - 1].ch == ' ')
    end--;
  for (guint i = 0; i < end; i++)
    {
      Cell *cell = &row->cells[i];

      if (cell->ch == 0)
        continue;
      if (row->canvas->colour && (cell->colour != colour || cell->bold != bold) && cell->ch != ' ')
        {
          append_style (out, cell->colour, cell->bold);
          colour = cell->colour;
          bold = cell->bold;
        }
      if (cell->ch < 0x80)
        g_string_append_c (out, (char) cell->ch);
      else
        g_string_append_unichar (out, cell->ch);
    }
  if (row->canvas->colour && (colour != CLI_PLAIN || bold))
    g_string_append (out, "\033[0m");
  g_string_append_c (out, '\n');
  fwrite (out->str, 1, out->len, stdout);
  g_free (row->cells);
  g_free (row);
}

guint
cli_text_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    width += (guchar) *p >= 0x20 && (guchar) *p < 0x7f ? 1 : char_width (g_utf8_get_char (p));
  return width;
}

char **
cli_text_wrap (const char *text,
               guint       width)
{
  GStrvBuilder *lines;
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) line = NULL;
  guint line_width = 0;
  char **result;
  gsize len = 0;

  width = MAX (width, 8);
  /* Most texts are a short line of printable ASCII, its words one space apart: one line as it
   * is (what the words' loop below would give). */
  while (len <= width && (guchar) text[len] >= 0x20 && (guchar) text[len] < 0x7f &&
         !(text[len] == ' ' && (len == 0 || text[len + 1] == ' ' || text[len + 1] == '\0')))
    len++;
  if (text[len] == '\0' && len <= width)
    {
      result = g_new (char *, 2);
      result[0] = g_strdup (text);
      result[1] = NULL;
      return result;
    }

  lines = g_strv_builder_new ();
  words = g_strsplit (text, " ", -1);
  line = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];
      guint w = cli_text_width (word);

      if (w == 0)
        continue;
      if (line_width > 0 && line_width + 1 + w > width)
        {
          g_strv_builder_add (lines, line->str);
          g_string_truncate (line, 0);
          line_width = 0;
        }
      /* A word longer than a line is cut where the line ends. */
      while (w > width - line_width - (line_width > 0 ? 1 : 0) && w > width / 2)
        {
          guint room = width - line_width - (line_width > 0 ? 1 : 0);
          const char *p = word;
          guint taken = 0;

          while (*p != '\0' && taken + char_width (g_utf8_get_char (p)) <= room)
            {
              taken += char_width (g_utf8_get_char (p));
              p = g_utf8_next_char (p);
            }
          if (line_width > 0)
            g_string_append_c (line, ' ');
          g_string_append_len (line, word, p - word);
          g_strv_builder_add (lines, line->str);
          g_string_truncate (line, 0);
          line_width = 0;
          word = p;
          w = cli_text_width (word);
        }
      if (w == 0)
        continue;
      if (line_width > 0)
        {
          g_string_append_c (line, ' ');
          line_width++;
        }
      g_string_append (line, word);
      line_width += w;
    }
  if (line->len > 0 || g_strv_length (words) == 0)
    g_strv_builder_add (lines, line->str);
  result = g_strv_builder_end (lines);
  g_strv_builder_unref (lines);
  if (result[0] == NULL)
    {
      g_strfreev (result);
      result = g_new0 (char *, 2);
      result[0] = g_strdup ("");
    }
  return result;
}
