/* explore-test.c: the window's explore mode, under Xvfb with GTK warnings fatal, driven through
 * its widgets as a learner drives it: Explore from the lesson picker, two actors added in the
 * add-actor row, calls typed in their entries (the candidates and the argument hint as they
 * type), Enter runs each one for real and the datagram reaches the diagram and the packet list;
 * a palette line clicked and run; a mistyped call shows the checker's message with the nearest
 * name and runs nothing; undo takes the last step back in a new lab; "Save as lesson…" through
 * its file chooser writes a lesson `sockscope-cli check` accepts and that joins the lesson list; "Go on
 * from here" at step 4 of udp-echo hands the lab over with its four steps. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#include "sockscope-application.h"
#include "sockscope-locale.h"
#include "sockscope-window-private.h"
#include "ui-test-util.h"

static SockscopeApplication *app;

typedef gboolean (*Condition) (SockscopeWindow *window);

static void
wait_for (SockscopeWindow *window,
          Condition        cond,
          guint            timeout_ms,
          const char      *what)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (!cond (window))
    {
      if (g_get_monotonic_time () > deadline)
        {
          SockscopeExplore *explore = sockscope_explore_pane_get_explore (sockscope_window_get_explore_pane (window));

          g_error ("timed out waiting for %s (exploring %d, lab %s, busy %d; banner: %s)", what,
                   sockscope_window_is_exploring (window),
                   explore == NULL ? "none" : sockscope_explore_is_running (explore) ? "up" : "down",
                   explore != NULL && sockscope_explore_is_busy (explore),
                   sockscope_window_get_error (window) ? sockscope_window_get_error (window) : "none");
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
explore_idle (SockscopeWindow *window)
{
  return sockscope_window_is_exploring (window) &&
         sockscope_explore_pane_is_idle (sockscope_window_get_explore_pane (window));
}

static gboolean
lesson_idle (SockscopeWindow *window)
{
  return sockscope_window_is_idle (window);
}

/* The first widget under @root of @type whose button label (or action) is @text. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label,
             const char *action)
{
  if (GTK_IS_BUTTON (root))
    {
      const char *l = gtk_button_get_label (GTK_BUTTON (root));
      const char *a = gtk_actionable_get_action_name (GTK_ACTIONABLE (root));

      if ((label != NULL && l != NULL && g_str_equal (l, label)) ||
          (action != NULL && g_strcmp0 (a, action) == 0))
        return root;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Types a line in an entry as the keyboard does: at the cursor, text changing as it goes. */
static void
type_text (GtkEntry   *entry,
           const char *text)
{
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = gtk_editable_get_position (GTK_EDITABLE (entry));
      char one[8] = { 0 };

      memcpy (one, p, g_utf8_next_char (p) - p);
      gtk_editable_insert_text (GTK_EDITABLE (entry), one, -1, &position);
      gtk_editable_set_position (GTK_EDITABLE (entry), position);
    }
  ui_test_spin (20);
}

static GtkWidget *
find_error_label (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "error"))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_error_label (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The label that says what an actor is doing ("blocked in recvfrom(): …"), the first one shown. */
static GtkWidget *
find_state_label (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root) &&
      g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), "blocked in "))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_state_label (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
print_labels (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root))
    g_test_message ("label: %s", gtk_label_get_text (GTK_LABEL (root)));
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    print_labels (c);
}

static void
add_actor (SockscopeWindow *window,
           const char      *name,
           guint            role)
{
  SockscopeExplorePane *pane = sockscope_window_get_explore_pane (window);
  GtkDropDown *roles = GTK_DROP_DOWN (find_type (GTK_WIDGET (pane), GTK_TYPE_DROP_DOWN));

  gtk_drop_down_set_selected (roles, role);
  type_text (sockscope_explore_pane_get_actor_entry (pane), name);
  gtk_widget_activate (find_button (GTK_WIDGET (pane), "_Add", NULL));
  ui_test_spin (400);
  wait_for (window, explore_idle, 10000, "the actor to be added");
  for (int i = 0; i < 500 && sockscope_explore_pane_get_entry (pane, name) == NULL; i++)
    ui_test_spin (10);
  if (sockscope_explore_pane_get_entry (pane, name) == NULL)
    g_error ("no entry for %s: %s", name, gtk_widget_get_visible (find_error_label (GTK_WIDGET (pane)))
             ? gtk_label_get_text (GTK_LABEL (find_error_label (GTK_WIDGET (pane)))) : "no message");
}

/* Enter in an actor's entry; waits for the lab's answer. */
static void
run_line (SockscopeWindow *window,
          const char      *actor,
          const char      *text)
{
  SockscopeExplorePane *pane = sockscope_window_get_explore_pane (window);
  GtkEntry *entry = sockscope_explore_pane_get_entry (pane, actor);

  type_text (entry, text);
  g_signal_emit_by_name (entry, "activate");
  ui_test_spin (20);
  wait_for (window, explore_idle, 10000, "the call to run");
  ui_test_spin (100);
}

static guint
count_items (SockscopeSequenceView *diagram,
             const char            *kind,
             const char            *prefix)
{
  guint n = 0;

  for (guint i = 0; i < sockscope_sequence_view_get_n_items (diagram); i++)
    {
      const char *k = NULL, *text = NULL;
      guint seq;
      int from, to;

      sockscope_sequence_view_get_item (diagram, i, &seq, &k, &text, &from, &to);
      if (g_strcmp0 (k, kind) == 0 && (prefix == NULL || g_str_has_prefix (text, prefix)))
        n++;
    }
  return n;
}

static gboolean
strv_has (char **words,
          const char *word)
{
  return words != NULL && g_strv_contains ((const char * const *) words, word);
}

/* The newest toplevel other than @except, once it is on screen. */
static GtkWidget *
wait_for_dialog (GtkWidget *except)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
        {
          g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i - 1);

          if (w != except && gtk_widget_get_mapped (w) && GTK_IS_WINDOW (w))
            return w;
        }
      ui_test_spin (20);
    }
  g_error ("no dialog showed up");
  return NULL;
}

static void
test_explore (void)
{
  SockscopeWindow *window = sockscope_window_new (app);
  SockscopeExplorePane *pane = sockscope_window_get_explore_pane (window);
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  SockscopePacketsPane *packets = sockscope_window_get_packets_pane (window);
  SockscopeCodePane *code = sockscope_window_get_code_pane (window);
  g_autofree char *dir = g_dir_make_tmp ("sockscope-explore-XXXXXX", NULL);
  g_autofree char *saved = g_build_filename (dir, "my-udp.lesson", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *cell = NULL;
  const char *outcome = NULL;
  const char *hint;
  const char *message;
  GtkWidget *button, *dialog;
  SockscopeExplore *explore;
  guint n_events, n_steps, n_calls;

  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 1000);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, "udp-echo");
  wait_for (window, lesson_idle, 10000, "the lesson's lab");

  /* Explore, from the lesson picker (the Lessons popover): an empty lab, no actor yet. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find-lesson", NULL));
  ui_test_spin (200);
  button = find_button (GTK_WIDGET (sockscope_window_get_lesson_picker (window)), NULL, "win.explore");
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  wait_for (window, explore_idle, 10000, "an empty lab");
  explore = sockscope_explore_pane_get_explore (pane);
  g_assert_true (sockscope_window_is_exploring (window));
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 0);
  g_assert_cmpuint (sockscope_sequence_view_get_n_lifelines (diagram), ==, 0);

  add_actor (window, "server", 0);
  add_actor (window, "client", 1);
  g_assert_cmpuint (sockscope_sequence_view_get_n_lifelines (diagram), ==, 2);
  /* Before the first call the code pane shows each actor's program, still empty. */
  for (guint i = 0; i < 2; i++)
    {
      const char *actor = i == 0 ? "server" : "client";
      g_autofree char *head = sockscope_code_pane_get_line_text (code, actor, 1);
      g_autofree char *main_line = sockscope_code_pane_get_line_text (code, actor, 3);

      g_assert_nonnull (sockscope_code_pane_get_view (code, actor));
      g_assert_nonnull (head);
      g_assert_true (g_str_has_prefix (head, i == 0 ? "/* server" : "/* client"));
      g_assert_cmpstr (main_line, ==, "int main(void)");
    }

  /* Typing: candidates for the word at the end, the argument hint of the call being typed. */
  type_text (sockscope_explore_pane_get_entry (pane, "server"), "s = socket(AF_INET, SOCK_DG");
  words = sockscope_explore_pane_get_candidates (pane, "server");
  g_assert_true (strv_has (words, "SOCK_DGRAM"));
  g_clear_pointer (&words, g_strfreev);
  /* The completion's choice replaces the word being typed, not the line. */
  {
    GtkEntry *entry = sockscope_explore_pane_get_entry (pane, "server");
    GtkEntryCompletion *completion = gtk_entry_get_completion (entry);
    GtkTreeModel *model = gtk_entry_completion_get_model (completion);
    GtkTreeIter iter;
    gboolean handled = FALSE, found = FALSE;

    for (gboolean more = gtk_tree_model_get_iter_first (model, &iter); more && !found;
         more = found ? FALSE : gtk_tree_model_iter_next (model, &iter))
      {
        g_autofree char *word = NULL;

        gtk_tree_model_get (model, &iter, 0, &word, -1);
        found = g_strcmp0 (word, "SOCK_DGRAM") == 0;
      }
    g_assert_true (found);
    g_signal_emit_by_name (completion, "match-selected", model, &iter, &handled);
    g_assert_true (handled);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "s = socket(AF_INET, SOCK_DGRAM");
    /* Tab completes too: the only candidate, in place. */
    type_text (entry, "s = socket(AF_INET, SOCK_DG");
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (entry));
      gboolean tabbed = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (controllers) && !tabbed; i++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

          if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
              gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
            g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Tab, 0, (GdkModifierType) 0, &tabbed);
        }
      g_assert_true (tabbed);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "s = socket(AF_INET, SOCK_DGRAM");
    }
    /* After a comma, no word yet: no list of every constant. */
    type_text (entry, "s = socket(AF_INET, ");
    words = sockscope_explore_pane_get_candidates (pane, "server");
    g_assert_cmpuint (g_strv_length (words), ==, 0);
    g_clear_pointer (&words, g_strfreev);
  }
  hint = sockscope_explore_pane_get_hint (pane, "server");
  g_assert_nonnull (hint);
  g_assert_true (g_str_has_prefix (hint, "socket("));

  run_line (window, "server", "s = socket(AF_INET, SOCK_DGRAM, 0)");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (sockscope_explore_pane_get_entry (pane, "server"))), ==, "");
  g_assert_null (sockscope_explore_pane_get_message (pane, "server"));
  g_assert_cmpuint (count_items (diagram, "call", "socket(AF_INET, SOCK_DGRAM, 0)"), ==, 1);
  /* The code is generated as the steps come, with each call's outcome. */
  g_assert_cmpuint (sockscope_code_pane_get_current_line (code, "server", &outcome), >, 0);
  g_assert_nonnull (outcome);
  g_assert_true (strstr (outcome, "3") != NULL);

  run_line (window, "server", "bind(s, 127.0.0.1:7777)");
  run_line (window, "client", "c = socket(AF_INET, SOCK_DGRAM, 0)");
  /* The addresses seen in the lab are candidates too. */
  type_text (sockscope_explore_pane_get_entry (pane, "client"), "sendto(c, \"ping\", 0, 127");
  words = sockscope_explore_pane_get_candidates (pane, "client");
  g_assert_true (strv_has (words, "127.0.0.1:7777"));
  g_clear_pointer (&words, g_strfreev);
  hint = sockscope_explore_pane_get_hint (pane, "client");
  g_assert_nonnull (hint);
  g_assert_true (g_str_has_prefix (hint, "sendto("));
  run_line (window, "client", "sendto(c, \"ping\", 0, 127.0.0.1:7777)");

  /* The datagram reaches the diagram, from the client's lifeline to the server's, and the list. */
  ui_test_spin (300);
  g_assert_cmpuint (count_items (diagram, "packet", NULL), ==, 1);
  g_assert_cmpuint (sockscope_packets_pane_get_n_rows (packets), ==, 1);
  cell = sockscope_packets_pane_get_cell (packets, 0, "protocol");
  g_assert_cmpstr (cell, ==, "UDP");
  g_clear_pointer (&cell, g_free);
  cell = sockscope_packets_pane_get_cell (packets, 0, "from");
  g_assert_cmpstr (cell, ==, "Client");
  g_clear_pointer (&cell, g_free);
  cell = sockscope_packets_pane_get_cell (packets, 0, "to");
  g_assert_cmpstr (cell, ==, "Server");
  g_clear_pointer (&cell, g_free);

  /* The palette offers the server's recvfrom now that a datagram waits: a click fills the
   * entry, Enter runs it. */
  button = NULL;
  for (GtkWidget *c = gtk_widget_get_first_child (sockscope_explore_pane_get_palette (pane, "server"));
       c != NULL && button == NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_BUTTON (c) && strstr (gtk_button_get_label (GTK_BUTTON (c)), "recvfrom(s") != NULL)
      button = c;
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  ui_test_spin (400);   /* an activated button clicks once its pressed look has shown */
  g_assert_true (strstr (gtk_editable_get_text (GTK_EDITABLE (sockscope_explore_pane_get_entry (pane, "server"))),
                         "recvfrom(s") != NULL);
  g_signal_emit_by_name (sockscope_explore_pane_get_entry (pane, "server"), "activate");
  ui_test_spin (20);
  wait_for (window, explore_idle, 10000, "the palette's call to run");
  ui_test_spin (200);
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 5);
  g_assert_cmpuint (count_items (diagram, "call", "recvfrom("), ==, 1);

  /* A mistyped call: the checker's message under the entry, the nearest name in it, nothing run. */
  n_events = sockscope_window_get_n_events (window);
  run_line (window, "client", "n = recvfrm(c, 64, 0)");
  message = sockscope_explore_pane_get_message (pane, "client");
  g_test_message ("mistyped: %s", message);
  g_assert_nonnull (message);
  g_assert_true (strstr (message, "recvfrom") != NULL);
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 5);
  ui_test_spin (300);
  g_assert_cmpuint (sockscope_window_get_n_events (window), ==, n_events);
  /* The line stays, to be corrected. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (sockscope_explore_pane_get_entry (pane, "client"))), ==,
                   "n = recvfrm(c, 64, 0)");
  run_line (window, "client", "n = recvfrom(c, 64, 0)");
  g_assert_null (sockscope_explore_pane_get_message (pane, "client"));
  g_assert_true (sockscope_explore_is_blocked (explore, "client"));
  /* A blocked actor makes no other call: its card says so, the message names who can go. */
  g_assert_true (strstr (gtk_label_get_text (GTK_LABEL (find_state_label (GTK_WIDGET (pane)))), "recvfrom") != NULL);
  n_events = sockscope_window_get_n_events (window);
  run_line (window, "client", "close(c)");
  message = sockscope_explore_pane_get_message (pane, "client");
  g_test_message ("blocked: %s", message);
  g_assert_nonnull (message);
  g_assert_true (strstr (message, "blocked") != NULL);
  g_assert_true (strstr (message, "server") != NULL);
  g_assert_cmpuint (sockscope_window_get_n_events (window), ==, n_events);
  run_line (window, "server", "sendto(s, n, 0, peer)");
  ui_test_spin (300);
  g_assert_false (sockscope_explore_is_blocked (explore, "client"));
  g_assert_cmpuint (count_items (diagram, "packet", NULL), ==, 2);

  /* Undo: a new lab replays all but the last step. */
  n_steps = sockscope_explore_get_n_steps (explore);
  n_calls = count_items (diagram, "call", NULL);
  gtk_widget_activate (find_button (GTK_WIDGET (pane), "_Undo Last Step", NULL));
  ui_test_spin (400);
  wait_for (window, explore_idle, 20000, "the undo's replay");
  ui_test_spin (400);
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, n_steps - 1);
  g_assert_cmpuint (count_items (diagram, "packet", NULL), ==, 1);
  g_assert_cmpuint (count_items (diagram, "call", NULL), ==, n_calls - 1);
  g_assert_true (sockscope_explore_is_blocked (explore, "client"));
  run_line (window, "server", "sendto(s, n, 0, peer)");
  ui_test_spin (300);
  g_assert_cmpuint (count_items (diagram, "packet", NULL), ==, 2);

  /* Save as lesson…: its file chooser, a folder of this test's; the checker accepts the file
   * and the lesson list has it at once. */
  gtk_widget_activate (find_button (GTK_WIDGET (pane), "_Save as Lesson…", NULL));
  dialog = wait_for_dialog (GTK_WIDGET (window));
  g_assert_true (GTK_IS_FILE_CHOOSER (dialog));
  ui_test_spin (500);   /* the chooser has loaded the folder it opened on (your lessons') */
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL));
  ui_test_spin (500);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "my-udp.lesson");
  ui_test_spin (200);
  {
    g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
    g_autofree char *path = g_file_get_path (file);

    g_assert_cmpstr (path, ==, saved);
  }
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  ui_test_spin (300);
  for (int i = 0; i < 200 && !g_file_test (saved, G_FILE_TEST_IS_REGULAR); i++)
    ui_test_spin (10);
  if (!g_file_test (saved, G_FILE_TEST_IS_REGULAR))
    print_labels (GTK_WIDGET (pane));
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *cli = g_build_filename (g_getenv ("SOCKSCOPE_BUILD_ROOT"), "app", "cli", "sockscope-cli", NULL);
    const char *argv[] = { cli, "check", saved, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_no_error (error);
    g_test_message ("sockscope-cli check: %s%s", out, err);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  lesson = sockscope_lesson_new_from_file (saved, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sockscope_lesson_get_n_steps (lesson), ==, 7);
  g_assert_cmpuint (sockscope_lesson_get_n_actors (lesson), ==, 2);
  g_assert_cmpstr (sockscope_lesson_get_step (lesson, 4)->call, ==, "sendto");
  g_assert_nonnull (sockscope_step_get_text (sockscope_lesson_get_step (lesson, 4), "fr"));
  {
    GtkListBox *list = sockscope_lesson_picker_get_list (sockscope_window_get_lesson_picker (window));
    gboolean listed = FALSE;

    for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL; row = gtk_widget_get_next_sibling (row))
      listed = listed || g_strcmp0 (gtk_widget_get_tooltip_text (row), saved) == 0;
    g_assert_true (listed);
  }

  /* Go on from here: udp-echo at step 4, its four steps done by the lab, then the learner's. */
  sockscope_window_open_lesson (window, "udp-echo");
  wait_for (window, lesson_idle, 10000, "the lesson's lab");
  g_assert_false (sockscope_window_is_exploring (window));
  for (int i = 0; i < 4; i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL));
      ui_test_spin (5);
      wait_for (window, lesson_idle, 10000, "the step");
    }
  gtk_widget_activate (find_button (GTK_WIDGET (window), NULL, "win.explore-here"));
  wait_for (window, explore_idle, 20000, "the lesson replayed up to step 4");
  ui_test_spin (300);
  explore = sockscope_explore_pane_get_explore (pane);
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 4);
  g_assert_cmpuint (count_items (diagram, "packet", NULL), ==, 1);
  run_line (window, "server", "n = recvfrom(s, 4, 0) -> peer");
  g_assert_null (sockscope_explore_pane_get_message (pane, "server"));
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 5);

  g_clear_object (&lesson);
  g_remove (saved);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (300);
}

/* The lab killed while exploring: the pane says so at once, in one message, and offers to
 * restart the lab and replay; the replay gives the steps back in a new lab, and the learner goes
 * on. Nothing crashes (warnings are fatal). */
static void
test_lab_dies (void)
{
  SockscopeWindow *window = sockscope_window_new (app);
  SockscopeExplorePane *pane = sockscope_window_get_explore_pane (window);
  SockscopeSequenceView *diagram = sockscope_window_get_diagram (window);
  SockscopeExplore *explore;
  GtkWidget *replay;
  const char *status;
  GPid pid;

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.explore", NULL));
  wait_for (window, explore_idle, 10000, "an empty lab");
  add_actor (window, "server", 0);
  run_line (window, "server", "s = socket(AF_INET, SOCK_DGRAM, 0)");
  run_line (window, "server", "bind(s, 127.0.0.1:7777)");
  explore = sockscope_explore_pane_get_explore (pane);
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 2);
  replay = sockscope_explore_pane_get_replay_button (pane);
  g_assert_false (gtk_widget_get_visible (replay));

  pid = sockscope_explore_get_lab_pid (explore);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  for (int i = 0; i < 1000 && !gtk_widget_get_visible (replay); i++)
    ui_test_spin (10);
  status = sockscope_explore_pane_get_status (pane);
  g_test_message ("status: %s", status);
  g_assert_nonnull (status);
  g_assert_true (g_str_has_prefix (status, "The lab has stopped: "));
  g_assert_nonnull (strstr (status, "killed by signal"));
  g_assert_true (gtk_widget_get_visible (replay));
  g_assert_true (sockscope_window_is_exploring (window));
  /* Nothing runs in a dead lab: the entry waits. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (sockscope_explore_pane_get_entry (pane, "server"))));
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 2);

  gtk_widget_activate (replay);
  ui_test_spin (200);
  wait_for (window, explore_idle, 20000, "the replay in a new lab");
  ui_test_spin (300);
  g_assert_false (gtk_widget_get_visible (replay));
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 2);
  g_assert_cmpint (sockscope_explore_get_lab_pid (explore), !=, pid);
  g_assert_cmpuint (count_items (diagram, "call", NULL), ==, 2);
  run_line (window, "server", "close(s)");
  g_assert_null (sockscope_explore_pane_get_message (pane, "server"));
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 3);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (300);
}

static gboolean
label_shown (GtkWidget  *root,
             const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (label_shown (c, text))
      return TRUE;
  return FALSE;
}

static gboolean
new_window_explores (SockscopeWindow *old)
{
  SockscopeWindow *window = ui_test_only_window (app);

  return window != NULL && window != old && explore_idle (window);
}

/* The UI language changed while exploring: the window is made again in French and explores on
 * with the same lab, steps and actors (one added with no step yet too); a call runs there. */
static void
test_language (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.sockscope.Sockscope");
  SockscopeWindow *window = sockscope_window_new (app);
  SockscopeWindow *french;
  SockscopeExplorePane *pane;
  SockscopeExplore *explore;
  GPid pid;

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.explore", NULL));
  wait_for (window, explore_idle, 10000, "an empty lab");
  add_actor (window, "server", 0);
  run_line (window, "server", "s = socket(AF_INET, SOCK_DGRAM, 0)");
  run_line (window, "server", "bind(s, 127.0.0.1:7777)");
  add_actor (window, "client", 1);
  explore = sockscope_explore_pane_get_explore (sockscope_window_get_explore_pane (window));
  pid = sockscope_explore_get_lab_pid (explore);
  g_assert_true (label_shown (GTK_WIDGET (window), "Steps done"));

  g_settings_set_string (settings, "language", "fr");
  wait_for (window, new_window_explores, 10000, "the window to explore on in French");
  french = ui_test_only_window (app);
  ui_test_spin (300);
  pane = sockscope_window_get_explore_pane (french);
  g_assert_true (sockscope_window_is_exploring (french));
  g_assert_true (sockscope_explore_pane_get_explore (pane) == explore);
  g_assert_cmpint (sockscope_explore_get_lab_pid (explore), ==, pid);
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 2);
  g_assert_nonnull (sockscope_explore_pane_get_entry (pane, "server"));
  g_assert_nonnull (sockscope_explore_pane_get_entry (pane, "client"));
  g_assert_true (label_shown (GTK_WIDGET (french), "Étapes faites"));
  g_assert_false (label_shown (GTK_WIDGET (french), "Steps done"));
  /* The diagram shows what the lab did before: both calls, both lifelines. */
  g_assert_cmpuint (count_items (sockscope_window_get_diagram (french), "call", NULL), ==, 2);
  g_assert_cmpuint (sockscope_sequence_view_get_n_lifelines (sockscope_window_get_diagram (french)), ==, 2);
  run_line (french, "client", "c = socket(AF_INET, SOCK_DGRAM, 0)");
  g_assert_null (sockscope_explore_pane_get_message (pane, "client"));
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 3);

  g_settings_set_string (settings, "language", "");
  wait_for (french, new_window_explores, 10000, "the window to explore on in English");
  window = ui_test_only_window (app);
  g_assert_cmpuint (sockscope_explore_get_n_steps (sockscope_explore_pane_get_explore (sockscope_window_get_explore_pane (window))), ==, 3);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (300);
}

static GtkWidget *
wait_for_chooser (void)
{
  for (int i = 0; i < 500; i++)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint j = 0; j < g_list_model_get_n_items (toplevels); j++)
        {
          g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, j);

          if (GTK_IS_FILE_CHOOSER (w) && gtk_widget_get_mapped (w))
            return w;
        }
      ui_test_spin (20);
    }
  g_error ("no file chooser showed up");
  return NULL;
}

/* Export → Session file in explore mode writes the exploration (not the lesson recorded before
 * it), with its lesson embedded: the session opens in a window and `replay` reads it. */
static void
test_session (void)
{
  SockscopeWindow *window;
  SockscopeExplore *explore;
  g_autofree char *dir = g_dir_make_tmp ("sockscope-explore-session-XXXXXX", NULL);
  g_autofree char *saved = g_build_filename (dir, "mine.sockscope", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog, *chooser;

  /* Lessons are recorded, as for a learner: the window has a recording when explore begins. */
  g_unsetenv ("SOCKSCOPE_NO_RECORDING");
  window = sockscope_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  sockscope_window_open_lesson (window, "tcp-handshake");
  wait_for (window, lesson_idle, 10000, "the lesson's lab");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.next", NULL));
  wait_for (window, lesson_idle, 10000, "the step");
  g_assert_nonnull (sockscope_window_get_session_path (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.explore", NULL));
  wait_for (window, explore_idle, 10000, "an empty lab");
  g_setenv ("SOCKSCOPE_NO_RECORDING", "1", TRUE);
  add_actor (window, "server", 0);
  add_actor (window, "client", 1);
  run_line (window, "server", "s = socket(AF_INET, SOCK_DGRAM, 0)");
  run_line (window, "server", "bind(s, 127.0.0.1:7777)");
  run_line (window, "client", "c = socket(AF_INET, SOCK_DGRAM, 0)");
  run_line (window, "client", "sendto(c, \"ping\", 0, 127.0.0.1:7777)");
  explore = sockscope_explore_pane_get_explore (sockscope_window_get_explore_pane (window));
  g_assert_cmpuint (sockscope_explore_get_n_steps (explore), ==, 4);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  dialog = wait_for_dialog (GTK_WIDGET (window));
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_type (dialog, GTK_TYPE_DROP_DOWN)), 4);   /* Session file */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "export");
  chooser = wait_for_chooser ();
  ui_test_spin (500);
  g_assert_true (gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL));
  ui_test_spin (300);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "mine.sockscope");
  ui_test_spin (100);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  for (int i = 0; i < 500 && !g_file_test (saved, G_FILE_TEST_IS_REGULAR); i++)
    ui_test_spin (10);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));

  /* `replay` reads it: the explore's lesson, its four calls, the datagram. */
  {
    g_autofree char *cli = g_build_filename (g_getenv ("SOCKSCOPE_BUILD_ROOT"), "app", "cli", "sockscope-cli", NULL);
    const char *argv[] = { cli, "replay", saved, "--json", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_auto(GStrv) lines = NULL;
    guint calls = 0, packets = 0;
    int status = -1;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_no_error (error);
    g_test_message ("replay: %s", err);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    lines = g_strsplit (out, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        calls += strstr (lines[i], "\"type\":\"call\"") != NULL;
        packets += strstr (lines[i], "\"type\":\"packet\"") != NULL;
        /* Nothing of the lesson recorded before explore began. */
        g_assert_null (strstr (lines[i], "SOCK_STREAM"));
      }
    g_assert_cmpuint (calls, ==, 4);
    g_assert_cmpuint (packets, ==, 1);
  }

  /* The window opens it as a session, with its embedded lesson's steps. */
  sockscope_window_open_file (window, saved);
  for (int i = 0; i < 500 && sockscope_window_get_replayed_session (window) == NULL; i++)
    ui_test_spin (10);
  ui_test_spin (300);
  g_assert_null (sockscope_window_get_error (window));
  g_assert_cmpstr (sockscope_window_get_replayed_session (window), ==, saved);
  g_assert_false (sockscope_window_is_exploring (window));
  g_assert_cmpuint (count_items (sockscope_window_get_diagram (window), "call", NULL), ==, 4);
  g_assert_cmpuint (count_items (sockscope_window_get_diagram (window), "packet", NULL), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (300);
  g_remove (saved);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("sockscope-explore-home-XXXXXX", NULL);

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("SOCKSCOPE_NO_RECORDING", "1", TRUE);
  app = ui_test_init (&argc, &argv, NULL);

  g_test_add_func ("/explore/window", test_explore);
  g_test_add_func ("/explore/lab-dies", test_lab_dies);
  g_test_add_func ("/explore/language", test_language);
  g_test_add_func ("/explore/session", test_session);
  return g_test_run ();
}
