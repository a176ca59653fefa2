/* adapt-test.c: the window at the sizes a classroom uses, in French, with the five actors of
 * concurrent-fork at step 20, as a student in the back row or on a laptop would see it: the
 * diagram gets the height, nothing is allocated outside the window, the step list shows the
 * current step, presenter mode scales the tables and fits the state machine, actors are named by
 * their French labels in their palette colour, and a dark screenshot is opaque. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "sockscope-application.h"
#include "sockscope-language.h"
#include "sockscope-locale.h"
#include "sockscope-screenshot.h"
#include "sockscope-tcp-state-view.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

static SockscopeApplication *app;

/* The window's content at width×height (the decorations are not the picture). */
static void
resize (SockscopeWindow *window,
        int              width,
        int              height)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  for (int attempt = 0; attempt < 5; attempt++)
    {
      int w, h;

      while ((gtk_widget_get_width (content) == 0 || gtk_widget_get_width (content) == width - 1)
             && g_get_monotonic_time () < deadline)
        ui_test_spin (10);
      ui_test_spin (200);
      if (gtk_widget_get_width (content) == width && gtk_widget_get_height (content) == height)
        break;
      gtk_window_get_default_size (GTK_WINDOW (window), &w, &h);
      gtk_window_set_default_size (GTK_WINDOW (window), w + width - gtk_widget_get_width (content),
                                   h + height - gtk_widget_get_height (content));
    }
  /* The step list follows at the next frames. */
  ui_test_spin (400);
  /* Xvfb's screen is 2560 wide: a window as wide loses its invisible CSD border (10 px). */
  g_assert_cmpint (gtk_widget_get_width (content), >=, width - 12);
  g_assert_cmpint (gtk_widget_get_width (content), <=, width);
  g_assert_cmpint (gtk_widget_get_height (content), ==, height);
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every mapped widget lies inside the window's content and has at least its minimum size
 * (a paned may squeeze a child below it: that child is cut). What a scrolled window holds is
 * its own to show by scrolling, so the walk stops at it. */
static guint
count_cut (GtkWidget *widget,
           GtkWidget *content)
{
  graphene_rect_t r;
  guint n = 0;
  int min_w, min_h, extra_w, extra_h;
  GtkBorder css;

  if (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) == 0 || gtk_widget_get_height (widget) == 0)
    return 0;
  if (!gtk_widget_compute_bounds (widget, content, &r))
    return 0;
  /* Measures include the margins (the widget's and its CSS ones), bounds (the border box)
   * do not. */
  gtk_style_context_get_margin (gtk_widget_get_style_context (widget), &css);
  extra_w = gtk_widget_get_margin_start (widget) + gtk_widget_get_margin_end (widget) + css.left + css.right;
  extra_h = gtk_widget_get_margin_top (widget) + gtk_widget_get_margin_bottom (widget) + css.top + css.bottom;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, (int) r.size.width + extra_w, &min_h, NULL, NULL, NULL);
  min_w -= extra_w;
  min_h -= extra_h;
  /* 2 px: a header bar's border may lie on the window's edge. */
  if (r.origin.x < -2 || r.origin.y < -2 ||
      r.origin.x + r.size.width > gtk_widget_get_width (content) + 2 ||
      r.origin.y + r.size.height > gtk_widget_get_height (content) + 2 ||
      r.size.width + 1 < min_w || r.size.height + 1 < min_h)
    {
      g_test_message ("cut: %s.%s at %.0f,%.0f %.0f×%.0f (minimum %d×%d) in %d×%d",
                      G_OBJECT_TYPE_NAME (widget), gtk_widget_get_css_name (widget),
                      r.origin.x, r.origin.y, r.size.width, r.size.height, min_w, min_h,
                      gtk_widget_get_width (content), gtk_widget_get_height (content));
      n++;
    }
  if (GTK_IS_SCROLLED_WINDOW (widget) || GTK_IS_POPOVER (widget))
    return n;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_cut (child, content);
  return n;
}

static double
height_share (GtkWidget *widget,
              GtkWidget *of)
{
  return gtk_widget_get_height (widget) / (double) gtk_widget_get_height (of);
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (labels, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

static GtkLabel *
label_with_text (GtkWidget  *widget,
                 const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_labels (widget, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), text) == 0)
      return g_ptr_array_index (labels, i);
  return NULL;
}

/* The size in points the sockets table's "Acteur" header is drawn at. */
static double
header_points (SockscopeSocketsPane *sockets)
{
  GtkLabel *header = label_with_text (GTK_WIDGET (sockets), "Acteur");
  PangoFontDescription *font;
  double points;

  g_assert_nonnull (header);
  font = pango_context_get_font_description (gtk_widget_get_pango_context (GTK_WIDGET (header)));
  points = pango_font_description_get_size (font) / (double) PANGO_SCALE;
  if (pango_font_description_get_size_is_absolute (font))
    points = points * 72 / 96;
  return points;
}

/* No label of the sockets table is cut short by an ellipsis. */
static guint
count_ellipsized (GtkWidget *widget)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint n = 0;

  collect_labels (widget, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);

      if (pango_layout_is_ellipsized (gtk_label_get_layout (label)))
        {
          g_test_message ("ellipsized: “%s”", gtk_label_get_text (label));
          n++;
        }
    }
  return n;
}

/* The state machine lies wholly inside the sockets pane, and its side needs no sideways
 * scrolling (nor any, if whole). */
static void
assert_machine_fits (SockscopeSocketsPane *sockets,
                     gboolean              whole)
{
  GtkWidget *machine = find_type (GTK_WIDGET (sockets), SOCKSCOPE_TYPE_TCP_STATE_VIEW);
  GtkWidget *scroller = gtk_widget_get_ancestor (machine, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_rect_t r;

  g_assert_true (gtk_widget_compute_bounds (machine, GTK_WIDGET (sockets), &r));
  g_test_message ("state machine %.0f,%.0f %.0f×%.0f in %d×%d", r.origin.x, r.origin.y, r.size.width,
                  r.size.height, gtk_widget_get_width (GTK_WIDGET (sockets)), gtk_widget_get_height (GTK_WIDGET (sockets)));
  g_assert_cmpfloat (r.origin.x, >=, 0);
  g_assert_cmpfloat (r.origin.x + r.size.width, <=, gtk_widget_get_width (GTK_WIDGET (sockets)) + 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 1);
  if (!whole)
    return;
  g_assert_cmpfloat (r.origin.y, >=, 0);
  g_assert_cmpfloat (r.origin.y + r.size.height, <=, gtk_widget_get_height (GTK_WIDGET (sockets)) + 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (v), <=, gtk_adjustment_get_page_size (v) + 1);
}

/* Every column of the sockets table is in view: the table needs no sideways scrolling. */
static void
assert_table_whole (SockscopeSocketsPane *sockets)
{
  GtkWidget *table = find_type (GTK_WIDGET (sockets), GTK_TYPE_COLUMN_VIEW);
  GtkWidget *scroller = gtk_widget_get_ancestor (table, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));

  g_test_message ("sockets table %.0f px wide in %.0f", gtk_adjustment_get_upper (h), gtk_adjustment_get_page_size (h));
  g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 1);
}

static gboolean
column_shown (SockscopeSocketsPane *sockets,
              const char           *title)
{
  GtkColumnView *table = GTK_COLUMN_VIEW (find_type (GTK_WIDGET (sockets), GTK_TYPE_COLUMN_VIEW));
  GListModel *columns = gtk_column_view_get_columns (table);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return gtk_column_view_column_get_visible (column);
    }
  g_error ("no column %s", title);
}

/* Actors by their French labels, in their palette colour; never by their ids. */
static void
assert_actor_labels (SockscopeSocketsPane *sockets)
{
  GtkLabel *watcher = label_with_text (GTK_WIDGET (sockets), "Veilleur (serveur principal)");
  const char *ids[] = { "server", "worker1", "worker2", "client1", "client2" };

  g_assert_nonnull (watcher);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (watcher), "actor-tag"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (watcher), "actor-0"));
  g_assert_nonnull (label_with_text (GTK_WIDGET (sockets), "Exécutant 1 (fils)"));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_null (label_with_text (GTK_WIDGET (sockets), ids[i]));
}

static void
test_sizes (void)
{
  static const struct { int width, height; } sizes[] = { { 1280, 720 }, { 1600, 1000 }, { 2560, 1440 } };
  SockscopeWindow *window = sockscope_window_new (app);
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  SockscopeLessonPane *lesson_pane = sockscope_window_get_lesson_pane (window);
  SockscopeSocketsPane *sockets = sockscope_window_get_sockets_pane (window);
  GtkWidget *diagram = GTK_WIDGET (sockscope_window_get_diagram (window));
  GtkWidget *diagram_pane = gtk_widget_get_ancestor (diagram, GTK_TYPE_OVERLAY);
  GtkWidget *main_paned = gtk_widget_get_ancestor (diagram_pane, GTK_TYPE_PANED);
  GtkWidget *bottom;
  double normal_points, presenter_points;

  main_paned = gtk_widget_get_ancestor (gtk_widget_get_parent (main_paned), GTK_TYPE_PANED);
  bottom = gtk_paned_get_end_child (GTK_PANED (main_paned));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_prepare (window, "concurrent-fork", 20);
  g_assert_cmpuint (sockscope_lesson_pane_get_position (lesson_pane), ==, 20);
  sockscope_window_show_pane (window, "sockets");

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_test_message ("%d×%d", sizes[i].width, sizes[i].height);
      resize (window, sizes[i].width, sizes[i].height);
      /* The diagram has the height, the page below a bounded share. */
      g_test_message ("diagram %.2f of the window, the page below %.2f of the panes",
                      height_share (diagram_pane, content), height_share (bottom, main_paned));
      g_assert_cmpfloat (height_share (diagram_pane, content), >=, 0.55);
      g_assert_cmpfloat (height_share (bottom, main_paned), <=, 0.36);
      g_assert_cmpuint (count_cut (content, content), ==, 0);
      g_assert_true (sockscope_lesson_pane_step_in_view (lesson_pane, 20));
      assert_actor_labels (sockets);
      /* The page below is 30 % of the height (160 px at 1280×720): the machine's side may
       * scroll down to its queue gauges, never sideways. At 1280 px beside the lesson the
       * French table goes compact and still scrolls a little. */
      assert_machine_fits (sockets, FALSE);
      if (sizes[i].width >= 1600)
        assert_table_whole (sockets);
      else
        g_assert_false (column_shown (sockets, "Type"));
    }
  normal_points = header_points (sockets);

  /* A teacher who drags the separator to give the page below 45 % keeps it through a resize. */
  gtk_paned_set_position (GTK_PANED (main_paned), (int) (gtk_widget_get_height (main_paned) * 0.55));
  resize (window, 1600, 1000);
  g_test_message ("dragged: the page below %.2f of the panes", height_share (bottom, main_paned));
  g_assert_cmpfloat (fabs (height_share (bottom, main_paned) - 0.45), <, 0.02);
  gtk_paned_set_position (GTK_PANED (main_paned), (int) (gtk_widget_get_height (main_paned) * 0.7));

  /* Presenter mode at 200 % on a 1080p projector. */
  resize (window, 1920, 1080);
  sockscope_window_set_no_fullscreen (window, TRUE);
  sockscope_window_set_presenter (window, TRUE);
  sockscope_window_set_presenter_zoom (window, 2.0);
  /* The lesson's flap slides away; on a loaded machine its frames come late. */
  {
    AdwFlap *flap = ADW_FLAP (find_type (content, ADW_TYPE_FLAP));
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (adw_flap_get_reveal_progress (flap) > 0 && g_get_monotonic_time () < deadline)
      ui_test_spin (10);
  }
  ui_test_spin (600);
  presenter_points = header_points (sockets);
  g_test_message ("sockets header %.1f pt, %.1f pt in presenter mode", normal_points, presenter_points);
  g_assert_cmpfloat (presenter_points, >=, 1.9 * normal_points);
  g_assert_cmpuint (count_cut (content, content), ==, 0);
  g_assert_cmpuint (count_ellipsized (GTK_WIDGET (sockets)), ==, 0);
  assert_machine_fits (sockets, TRUE);
  assert_table_whole (sockets);
  assert_actor_labels (sockets);
  sockscope_window_set_presenter (window, FALSE);
  ui_test_spin (300);

  /* History moves: the list follows back to step 5. */
  {
    GtkAdjustment *history = sockscope_lesson_pane_get_history (lesson_pane);

    resize (window, 1280, 720);
    while (sockscope_lesson_pane_get_position (lesson_pane) > 5)
      {
        gtk_adjustment_set_value (history, gtk_adjustment_get_value (history) - 1);
        ui_test_spin (5);
      }
    ui_test_spin (300);
    g_assert_true (sockscope_lesson_pane_step_in_view (lesson_pane, 5));
    g_assert_false (sockscope_lesson_pane_step_in_view (lesson_pane, 20));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

/* A dark-style picture is opaque to its corners (a slide or a web page behind it must not show
 * through), and its background is dark. */
static void
test_dark_screenshot (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.sockscope.Sockscope");
  SockscopeWindow *window = sockscope_window_new (app);
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  g_autofree char *dir = g_dir_make_tmp ("sockscope-adapt-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "dark.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  int width, height;

  g_settings_set_enum (settings, "style", 2);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_prepare (window, "tcp-handshake", 3);
  ui_test_spin (500);
  g_assert_true (sockscope_screenshot_widget (content, path, &error));
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc (width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);
  {
    const int corners[4][2] = { { 0, 0 }, { width - 1, 0 }, { 0, height - 1 }, { width - 1, height - 1 } };

    for (guint i = 0; i < 4; i++)
      {
        /* gdk_texture_download: cairo's ARGB32, premultiplied, little-endian: B G R A. */
        const guchar *p = pixels + (corners[i][1] * width + corners[i][0]) * 4;

        g_test_message ("corner %u: B%u G%u R%u A%u", i, p[0], p[1], p[2], p[3]);
        g_assert_cmpuint (p[3], ==, 255);
        g_assert_cmpuint (p[0] + p[1] + p[2], <, 3 * 128);
      }
  }
  g_settings_reset (settings, "style");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
  g_unlink (path);
  g_rmdir (dir);
}

static double
luminance (const GdkRGBA *c)
{
  double rgb[3] = { c->red, c->green, c->blue };

  for (guint i = 0; i < 3; i++)
    rgb[i] = rgb[i] <= 0.03928 ? rgb[i] / 12.92 : pow ((rgb[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

/* WCAG's contrast ratio of two colours, 1 to 21. */
static double
contrast (const GdkRGBA *a,
          const GdkRGBA *b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

static GtkWidget *
find_class (GtkWidget  *widget,
            const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* High contrast: the current step's row is the accent, and the actor pill on it reads at 7:1
 * (a pill in its palette colour on the accent would not). SOCKSCOPE_TEST_SHOTS=DIR keeps the
 * window's picture, to look at. */
static void
test_high_contrast (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.sockscope.Sockscope");
  SockscopeWindow *window = sockscope_window_new (app);
  const char *dir = g_getenv ("SOCKSCOPE_TEST_SHOTS");
  GtkWidget *lesson_pane = GTK_WIDGET (sockscope_window_get_lesson_pane (window));
  GtkWidget *row, *pill;
  GdkRGBA accent, fg;

  g_settings_set_enum (settings, "style", 3);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_prepare (window, "tcp-handshake", 3);
  ui_test_spin (500);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));
  row = find_class (lesson_pane, "step-current");
  g_assert_nonnull (row);
  pill = find_class (row, "actor-tag");
  g_assert_nonnull (pill);
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (row), "accent_bg_color", &accent));
  gtk_style_context_get_color (gtk_widget_get_style_context (pill), &fg);
  g_test_message ("pill on the current step: contrast %.1f", contrast (&fg, &accent));
  g_assert_cmpfloat (contrast (&fg, &accent), >=, 7.0);
  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, "high-contrast.png", NULL);
      g_autoptr(GError) error = NULL;

      if (!sockscope_screenshot_widget (adw_application_window_get_content (ADW_APPLICATION_WINDOW (window)), path, &error))
        g_test_message ("%s", error->message);
    }
  g_settings_reset (settings, "style");
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}


/* Every mapped widget of the lesson pane (what a scrolled window holds aside: it scrolls) lies
 * inside the window and outside @other. */
static guint
count_outside (GtkWidget             *widget,
               GtkWidget             *content,
               const graphene_rect_t *other)
{
  graphene_rect_t r, overlap;
  guint n = 0;

  if (!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) == 0 || gtk_widget_get_height (widget) == 0 ||
      !gtk_widget_compute_bounds (widget, content, &r))
    return 0;
  if (r.origin.x < 0 || r.origin.y < 0 ||
      r.origin.x + r.size.width > gtk_widget_get_width (content) ||
      r.origin.y + r.size.height > gtk_widget_get_height (content) ||
      (graphene_rect_intersection (&r, other, &overlap) && overlap.size.width >= 1 && overlap.size.height >= 1))
    {
      g_test_message ("outside: %s.%s at %.0f,%.0f %.0f×%.0f%s%s", G_OBJECT_TYPE_NAME (widget),
                      gtk_widget_get_css_name (widget), r.origin.x, r.origin.y, r.size.width, r.size.height,
                      GTK_IS_LABEL (widget) ? " " : "", GTK_IS_LABEL (widget) ? gtk_label_get_text (GTK_LABEL (widget)) : "");
      n++;
    }
  if (GTK_IS_SCROLLED_WINDOW (widget))
    return n;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_outside (child, content, other);
  return n;
}

/* On a laptop (1280×720) a step with a long text, after a long description: the lesson pane
 * keeps to its side of the window (its text scrolls) instead of being widened past the
 * window's left edge and overflowing onto the packets, and the step just run is in view. */
static void
test_short_window (void)
{
  SockscopeWindow *window = sockscope_window_new (app);
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  GtkWidget *lesson_pane = GTK_WIDGET (sockscope_window_get_lesson_pane (window));
  GtkWidget *packets = GTK_WIDGET (sockscope_window_get_packets_pane (window));
  GtkWidget *step_card = find_class (lesson_pane, "explanation-card");
  GtkWidget *text_scroller = gtk_widget_get_ancestor (step_card, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t pane, table, card, text;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_prepare (window, "tcp-retransmission", 9);
  resize (window, 1280, 720);
  g_assert_true (gtk_widget_compute_bounds (lesson_pane, content, &pane));
  g_assert_true (gtk_widget_compute_bounds (packets, content, &table));
  g_test_message ("lesson pane %.0f,%.0f %.0f×%.0f, packets %.0f,%.0f %.0f×%.0f", pane.origin.x, pane.origin.y,
                  pane.size.width, pane.size.height, table.origin.x, table.origin.y, table.size.width, table.size.height);
  g_assert_cmpfloat (pane.origin.x, >=, 0);
  g_assert_cmpfloat (pane.origin.x + pane.size.width, <=, table.origin.x);
  g_assert_cmpuint (count_outside (lesson_pane, content, &table), ==, 0);
  g_assert_cmpuint (count_cut (lesson_pane, content), ==, 0);
  /* The step card is shown from its top, and the current step in the list. */
  g_assert_nonnull (text_scroller);
  g_assert_true (gtk_widget_compute_bounds (step_card, text_scroller, &card));
  g_assert_true (gtk_widget_compute_bounds (text_scroller, text_scroller, &text));
  g_test_message ("step card at %.0f in a text %.0f px tall", card.origin.y, text.size.height);
  g_assert_cmpfloat (card.origin.y, >=, 0);
  g_assert_cmpfloat (card.origin.y, <, text.size.height / 2);
  g_assert_true (sockscope_lesson_pane_step_in_view (SOCKSCOPE_LESSON_PANE (lesson_pane), 9));
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (100);
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-adapt-XXXXXX", NULL);

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* French, as --lang fr does. */
  app = ui_test_init (&argc, &argv, "fr");

  g_test_add_func ("/adapt/short-window", test_short_window);
  g_test_add_func ("/adapt/sizes", test_sizes);
  g_test_add_func ("/adapt/dark-screenshot", test_dark_screenshot);
  g_test_add_func ("/adapt/high-contrast", test_high_contrast);
  return g_test_run ();
}
