/* test-util.h: real windows for widget tests. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void       test_ui_init          (int         *argc,
                                  char      ***argv);
GtkWidget *test_show_in_window   (GtkWidget   *child,
                                  int          width,
                                  int          height);
void       test_wait_for_draw    (GtkWidget   *widget);
void       test_set_dark         (gboolean     dark);
void       test_screenshot       (GtkWidget   *widget,
                                  const char  *name);
GtkWidget *test_find_label       (GtkWidget   *root,
                                  const char  *text);
GtkWidget *test_find_descendant  (GtkWidget   *root,
                                  GType        type);

G_END_DECLS
