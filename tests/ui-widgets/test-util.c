/* test-util.c: presents widgets in real windows and waits until GTK has painted them, so the
 * tests see what a user sees. */
#include "config.h"

#include <adwaita.h>

#include "sockscope-screenshot.h"
#include "test-util.h"

void
test_ui_init (int    *argc,
              char ***argv)
{
  /* ui-env turns accessibility off; the test context records the properties we check. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

static void
on_after_paint (GdkFrameClock *clock,
                guint         *painted)
{
  (*painted)++;
}

/* Iterates the main loop until the widget's window has painted a few frames after this call:
 * lists lay out rows one frame and scroll to them the next. */
void
test_wait_for_draw (GtkWidget *widget)
{
  GdkFrameClock *clock;
  guint painted = 0;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gulong handler;

  while (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gtk_widget_queue_draw (GTK_WIDGET (gtk_widget_get_root (widget)));
  while (painted < 3)
    {
      if (painted > 0)
        gtk_widget_queue_draw (GTK_WIDGET (gtk_widget_get_root (widget)));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
}

GtkWidget *
test_show_in_window (GtkWidget *child,
                     int        width,
                     int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  test_wait_for_draw (child);
  return window;
}

void
test_set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

void
test_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autofree char *path = g_strdup_printf ("/tmp/sockscope-%s.png", name);
  g_autoptr(GError) error = NULL;

  test_wait_for_draw (widget);
  sockscope_screenshot_widget (widget, path, &error);
  g_assert_no_error (error);
  g_test_message ("rendered %s", path);
}

/* A mapped label showing exactly this text, or NULL. */
GtkWidget *
test_find_label (GtkWidget  *root,
                 const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = test_find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
test_find_descendant (GtkWidget *root,
                      GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = test_find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}
