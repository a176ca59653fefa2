/* cli-canvas.h: rows of text for a terminal, composed cell by cell and printed no wider than
 * the terminal: its width (COLUMNS, else the tty's, else 80) and whether it takes colour (a tty,
 * NO_COLOR unset, TERM not dumb). The ladder draws on it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CliCanvas CliCanvas;
typedef struct _CliRow    CliRow;

/* Colours: an actor's palette index (sockscope-palette.h), or one of these. */
#define CLI_PLAIN  (-1)
#define CLI_DIM    (-2)
#define CLI_ERROR  (-3)

CliCanvas *cli_canvas_new          (void);
void       cli_canvas_free         (CliCanvas  *self);
guint      cli_canvas_get_width    (CliCanvas  *self);

CliRow    *cli_row_new             (CliCanvas  *canvas);
/* Writes @text from cell @x on, clipped at the row's end; returns the cells it took. */
guint      cli_row_put             (CliRow     *row,
                                    guint       x,
                                    const char *text,
                                    int         colour,
                                    gboolean    bold);
/* Prints the row (trailing blanks dropped) and frees it. */
void       cli_row_print           (CliRow     *row);

/* The cells @text takes on a terminal (wide characters take two). */
guint      cli_text_width          (const char *text);
/* @text cut into lines of at most @width cells, at spaces where it can. */
char     **cli_text_wrap           (const char *text,
                                    guint       width);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliCanvas, cli_canvas_free)

G_END_DECLS
