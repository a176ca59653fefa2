/* sockscope-programs-pane.c: the "Your programs" side pane (it takes the lesson pane's place in
 * the window).  The learner lists programs (an executable, a .py, a .c) with their arguments, in
 * the order they start; Run starts them traced in a fresh lab (SockscopeProgramsRun) whose log
 * the window shows as a lesson's.  Step holds every socket call: Next lets the actor shown go
 * (a drop-down chooses another among those waiting); Play lets one go every so often; Run lets
 * them run; Stop kills them.  A .c that does not compile shows the compiler's errors and nothing
 * runs.  Terminal opens a shell inside the lab (SockscopeTerminal) at the window's bottom; the
 * programs started from it are listed as they appear in the run's log. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sockscope-event-log.h"
#include "sockscope-actor-style.h"
#include "sockscope-programs-pane.h"
#include "sockscope-terminal.h"

struct _SockscopeProgramsPane
{
  GtkBox                parent_instance;

  GtkListBox           *list;
  GtkToggleButton      *mode_buttons[3];   /* SockscopeTraceMode */
  GtkWidget            *speed_box;
  GtkScale             *speed;
  GtkWidget            *run_button;
  GtkWidget            *next_button;
  GtkWidget            *stop_button;
  GtkWidget            *terminal_button;
  GtkDropDown          *next_drop;
  GtkStringList        *held_model;
  GtkLabel             *next_label;
  GtkWidget            *errors_box;
  GtkLabel             *errors;
  GtkLabel             *status;
  GtkScale             *history;
  GtkWidget            *history_box;
  GtkSwitch            *hosts_switch;       /* two hosts joined by the wire */
  GtkWidget            *hosts_box;          /* their names */
  GtkEditable          *host_entries[2];
  GtkStringList        *host_model;         /* the two names, for each program's host */
  GtkWidget            *started_box;        /* the programs started from the terminal */
  GtkListBox           *started;

  /* The run's log read so far for the programs started from the terminal: its top-level actors
   * after the @listed ones the run started itself, each listed with its command line. */
  SockscopeEventLog    *log;
  guint                 scanned;
  guint                 n_top;
  guint                 listed;
  GHashTable           *actors;             /* the actors seen, in the order of their lifelines */

  SockscopeProgramsRun *run;
  GtkWidget            *terminal;
  gboolean              terminal_wanted;   /* a lab is being started for the terminal */
  GCancellable         *cancellable;
  guint                 starting_listed;    /* the programs the run being started runs */
  SockscopeTraceMode    mode;
  char                 *next_text;
  gboolean              updating;
};

G_DEFINE_FINAL_TYPE (SockscopeProgramsPane, sockscope_programs_pane, GTK_TYPE_BOX)

enum { RUN_STARTED, TERMINAL_OPENED, TERMINAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_status (SockscopeProgramsPane *self,
            const char            *text)
{
  gtk_label_set_text (self->status, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status), text != NULL && *text != '\0');
}

/* ---- the list of programs ---- */

static const char *
kind_of (const char *path)
{
  if (g_str_has_suffix (path, ".c"))
    return _("C source: compiled with cc -g, then run");
  if (g_str_has_suffix (path, ".py"))
    return _("Python script: run with python3");
  return _("a program");
}

static void
move_row (GtkWidget *button,
          int        delta)
{
  GtkWidget *row = gtk_widget_get_ancestor (button, GTK_TYPE_LIST_BOX_ROW);
  GtkListBox *list = GTK_LIST_BOX (gtk_widget_get_parent (row));
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)) + delta;

  if (index < 0)
    return;
  g_object_ref (row);
  gtk_list_box_remove (list, row);
  gtk_list_box_insert (list, row, index);
  g_object_unref (row);
}

static void
on_up (GtkWidget *button)
{
  move_row (button, -1);
}

static void
on_down (GtkWidget *button)
{
  move_row (button, 1);
}

static void
on_remove (GtkWidget *button)
{
  GtkWidget *row = gtk_widget_get_ancestor (button, GTK_TYPE_LIST_BOX_ROW);

  gtk_list_box_remove (GTK_LIST_BOX (gtk_widget_get_parent (row)), row);
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             GCallback   callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect (button, "clicked", callback, NULL);
  return button;
}

void
sockscope_programs_pane_add_program (SockscopeProgramsPane *self,
                                     const char            *path,
                                     const char            *args)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autofree char *base = g_path_get_basename (path);
  GtkWidget *name = gtk_label_new (base);
  GtkWidget *kind = gtk_label_new (kind_of (path));
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *host;

  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_PANE (self));

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_set_tooltip_text (name, path);
  gtk_label_set_xalign (GTK_LABEL (kind), 0);
  gtk_widget_add_css_class (kind, "dim-label");
  gtk_widget_add_css_class (kind, "caption");
  gtk_widget_set_hexpand (names, TRUE);
  gtk_box_append (GTK_BOX (names), name);
  gtk_box_append (GTK_BOX (names), kind);
  gtk_box_append (GTK_BOX (top), names);
  gtk_box_append (GTK_BOX (top), icon_button ("go-up-symbolic", _("Start it earlier"), G_CALLBACK (on_up)));
  gtk_box_append (GTK_BOX (top), icon_button ("go-down-symbolic", _("Start it later"), G_CALLBACK (on_down)));
  gtk_box_append (GTK_BOX (top), icon_button ("list-remove-symbolic", _("Remove it from the list"), G_CALLBACK (on_remove)));
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("arguments (none)"));
  gtk_editable_set_text (GTK_EDITABLE (entry), args != NULL ? args : "");
  gtk_widget_set_hexpand (entry, TRUE);
  /* With two hosts, the host it runs on: the first program (a server) on a, the others on b. */
  host = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->host_model)), NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (host), sockscope_programs_pane_get_n_programs (self) == 0 ? 0 : 1);
  gtk_widget_set_tooltip_text (host, _("The host it runs on"));
  gtk_widget_set_valign (host, GTK_ALIGN_CENTER);
  g_object_bind_property (self->hosts_switch, "active", host, "visible", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (bottom), entry);
  gtk_box_append (GTK_BOX (bottom), host);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), bottom);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "path", g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (row), "args", entry);
  g_object_set_data (G_OBJECT (row), "host", host);
  gtk_list_box_append (self->list, row);
  gtk_widget_set_visible (GTK_WIDGET (self->list), TRUE);
}

/* ---- two hosts ---- */

static const char *
host_name (SockscopeProgramsPane *self,
           guint                  h)
{
  const char *name = gtk_editable_get_text (self->host_entries[h]);

  return *name != '\0' ? name : h == 0 ? "alice" : "bob";
}

/* The drop-downs name the hosts as the entries do. */
static void
on_host_name_changed (SockscopeProgramsPane *self)
{
  const char *names[] = { host_name (self, 0), host_name (self, 1), NULL };
  GtkListBoxRow *row;
  g_autoptr(GArray) selected = g_array_new (FALSE, FALSE, sizeof (guint));

  /* (a splice of the model resets each drop-down's choice: kept) */
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    {
      guint h = gtk_drop_down_get_selected (g_object_get_data (G_OBJECT (row), "host"));

      g_array_append_val (selected, h);
    }
  gtk_string_list_splice (self->host_model, 0, 2, names);
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    gtk_drop_down_set_selected (g_object_get_data (G_OBJECT (row), "host"), g_array_index (selected, guint, i));
}

void
sockscope_programs_pane_set_hosts (SockscopeProgramsPane *self,
                                   gboolean               two_hosts,
                                   const char            *a,
                                   const char            *b)
{
  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_PANE (self));
  if (a != NULL)
    gtk_editable_set_text (self->host_entries[0], a);
  if (b != NULL)
    gtk_editable_set_text (self->host_entries[1], b);
  gtk_switch_set_active (self->hosts_switch, two_hosts);
}

void
sockscope_programs_pane_set_program_host (SockscopeProgramsPane *self,
                                          guint                  index,
                                          const char            *host)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) index);

  g_return_if_fail (row != NULL);
  gtk_drop_down_set_selected (g_object_get_data (G_OBJECT (row), "host"), g_strcmp0 (host, "b") == 0 ? 1 : 0);
}

/* A name the lab takes (letters, digits, '-', '.'; not localhost), or why not. */
static char *
host_name_problem (SockscopeProgramsPane *self)
{
  for (guint h = 0; h < 2; h++)
    {
      const char *name = host_name (self, h);
      gboolean ok = strlen (name) <= 63 && name[0] != '-' && name[strlen (name) - 1] != '-' &&
                    g_ascii_strcasecmp (name, "localhost") != 0;

      for (const char *p = name; ok && *p != '\0'; p++)
        ok = g_ascii_isalnum (*p) || *p == '-' || *p == '.';
      if (!ok)
        return g_strdup_printf (_("“%s” is not a host name: letters, digits, “-” and “.” only."), name);
    }
  if (g_ascii_strcasecmp (host_name (self, 0), host_name (self, 1)) == 0)
    return g_strdup_printf (_("The two hosts need two names, not “%s” twice."), host_name (self, 0));
  return NULL;
}

void
sockscope_programs_pane_clear (SockscopeProgramsPane *self)
{
  GtkWidget *row;

  while ((row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, 0))) != NULL)
    gtk_list_box_remove (self->list, row);
}

guint
sockscope_programs_pane_get_n_programs (SockscopeProgramsPane *self)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (self->list, (int) n) != NULL)
    n++;
  return n;
}

static GPtrArray *
programs (SockscopeProgramsPane *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) sockscope_program_free);
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    g_ptr_array_add (list, sockscope_program_new_on_host (g_object_get_data (G_OBJECT (row), "path"),
                                                          gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "args")),
                                                          gtk_drop_down_get_selected (g_object_get_data (G_OBJECT (row), "host")) == 1
                                                          ? "b" : "a"));
  return list;
}

static void
on_file_response (GtkNativeDialog       *chooser,
                  int                    response,
                  SockscopeProgramsPane *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        sockscope_programs_pane_add_program (self, path, NULL);
    }
  g_object_unref (chooser);
}

static void
on_add (SockscopeProgramsPane *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Add a Program"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the programs started from the terminal ---- */

/* A row: the actor's name in its lifeline's colour (@index: its lifeline). The lab names a
 * program started from the shell at its exec, after its command; no command line is logged. */
static void
add_started (SockscopeProgramsPane *self,
             const char            *actor,
             guint                  index)
{
  GtkWidget *caption = gtk_label_new (_("traced: its lifeline in the diagram"));
  GtkWidget *row;

  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_widget_set_hexpand (caption, TRUE);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_add_css_class (caption, "caption");
  row = sockscope_actor_style_tag_row (actor, (int) index, caption, 8);
  g_object_set_data_full (G_OBJECT (row), "line", g_strdup (actor), g_free);
  gtk_list_box_append (self->started, row);
}

/* The list shows what to run; once the terminal's programs ran and nothing is listed, they take
 * its place (not "No program yet" beside a terminal full of traced programs). */
static void
update_lists (SockscopeProgramsPane *self)
{
  gboolean started = gtk_list_box_get_row_at_index (self->started, 0) != NULL;

  gtk_widget_set_visible (self->started_box, started);
  gtk_widget_set_visible (GTK_WIDGET (self->list), !started || sockscope_programs_pane_get_n_programs (self) > 0);
}

static void
scan_log (SockscopeProgramsPane *self)
{
  guint n = sockscope_event_log_get_n_events (self->log);

  for (; self->scanned < n; self->scanned++)
    {
      g_autoptr(JsonObject) e = NULL;
      JsonNode *parent;
      const char *actor;

      if (sockscope_event_log_get_event_type (self->log, self->scanned) != SOCKSCOPE_EVENT_ACTOR)
        continue;
      e = sockscope_event_log_parse (self->log, self->scanned);
      actor = json_object_get_string_member_with_default (e, "actor", "");
      parent = json_object_get_member (e, "parent");
      if (g_hash_table_contains (self->actors, actor))
        continue;
      g_hash_table_add (self->actors, g_strdup (actor));
      /* the programs the run started itself come first; children and threads are theirs */
      if ((parent == NULL || JSON_NODE_HOLDS_NULL (parent)) && ++self->n_top > self->listed)
        add_started (self, actor, g_hash_table_size (self->actors) - 1);
    }
  update_lists (self);
}

static void
forget_log (SockscopeProgramsPane *self)
{
  GtkWidget *row;

  if (self->log != NULL)
    g_signal_handlers_disconnect_by_func (self->log, scan_log, self);
  g_clear_object (&self->log);
  self->scanned = self->n_top = self->listed = 0;
  g_hash_table_remove_all (self->actors);
  while ((row = GTK_WIDGET (gtk_list_box_get_row_at_index (self->started, 0))) != NULL)
    gtk_list_box_remove (self->started, row);
  update_lists (self);
}

/* ---- the run ---- */

static void
update (SockscopeProgramsPane *self)
{
  GPtrArray *held = self->run != NULL ? sockscope_programs_run_get_held (self->run) : NULL;
  const char *next = self->run != NULL ? sockscope_programs_run_get_next_actor (self->run) : NULL;
  gboolean running = self->run != NULL && sockscope_programs_run_is_running (self->run);
  guint n_strings = g_list_model_get_n_items (G_LIST_MODEL (self->held_model));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint selected = GTK_INVALID_LIST_POSITION;

  self->updating = TRUE;
  for (guint i = 0; held != NULL && i < held->len; i++)
    {
      g_ptr_array_add (names, g_ptr_array_index (held, i));
      if (g_strcmp0 (g_ptr_array_index (held, i), next) == 0)
        selected = i;
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->held_model, 0, n_strings, (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->next_drop, selected);
  self->updating = FALSE;

  g_clear_pointer (&self->next_text, g_free);
  if (next != NULL)
    {
      self->next_text = g_strdup_printf ("%s · %s", next, sockscope_programs_run_get_held_call (self->run, next));
      gtk_label_set_text (self->next_label, self->next_text);
    }
  else if (self->run == NULL)
    gtk_label_set_text (self->next_label, "");
  else
    gtk_label_set_text (self->next_label, self->mode == SOCKSCOPE_TRACE_RUN ? _("The programs run freely.")
                                          : _("No program waits before a call."));
  gtk_widget_set_visible (GTK_WIDGET (self->next_label), self->run != NULL);
  gtk_widget_set_visible (self->history_box, self->run != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_drop), held != NULL && held->len > 1);
  gtk_widget_set_sensitive (self->next_button, next != NULL && self->mode != SOCKSCOPE_TRACE_RUN);
  gtk_widget_set_sensitive (self->stop_button, running);
  gtk_widget_set_visible (self->speed_box, self->mode == SOCKSCOPE_TRACE_PLAY);

  if (self->run != NULL && sockscope_programs_run_get_problem (self->run) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not run: %s"), sockscope_programs_run_get_problem (self->run));

      set_status (self, text);
    }
  else if (self->run != NULL && running)
    {
      guint n = sockscope_programs_run_get_n_alive (self->run);
      g_autofree char *text = g_strdup_printf (ngettext ("%u traced process or thread alive.",
                                                         "%u traced processes and threads alive.", n), n);
      set_status (self, text);
    }
  else if (self->run != NULL && sockscope_programs_run_get_n_alive (self->run) == 0 &&
           sockscope_event_log_get_n_events (sockscope_programs_run_get_log (self->run)) > 0)
    set_status (self, self->terminal != NULL ? _("Every program has ended. Start others from the terminal, or Run again.")
                                             : _("Every program has ended. Scrub through the history, or Run again."));
}

static void
on_drop_selected (SockscopeProgramsPane *self)
{
  guint i = gtk_drop_down_get_selected (self->next_drop);

  if (self->updating || self->run == NULL || i == GTK_INVALID_LIST_POSITION)
    return;
  sockscope_programs_run_choose (self->run, gtk_string_list_get_string (self->held_model, i));
}

static void
on_terminal_closed (SockscopeProgramsPane *self,
                    GtkWidget             *terminal)
{
  g_autoptr(GtkWidget) gone = NULL;

  if (terminal != self->terminal)
    return;
  gone = g_steal_pointer (&self->terminal);
  g_signal_handlers_disconnect_by_data (gone, self);
  g_signal_emit (self, signals[TERMINAL_CLOSED], 0, gone);
  update (self);
}

static void
drop_run (SockscopeProgramsPane *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->terminal != NULL)
    sockscope_terminal_close (SOCKSCOPE_TERMINAL (self->terminal));
  if (self->run != NULL)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
  self->terminal_wanted = FALSE;
}

static void
make_terminal (SockscopeProgramsPane *self)
{
  g_autofree char *cwd = g_get_current_dir ();

  self->terminal = g_object_ref_sink (sockscope_terminal_new (self->run, cwd));
  g_signal_connect_object (self->terminal, "closed", G_CALLBACK (on_terminal_closed), self, G_CONNECT_SWAPPED);
  g_signal_emit (self, signals[TERMINAL_OPENED], 0, self->terminal);
}

static void
on_run_started (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SockscopeProgramsPane *self = user_data;
  SockscopeProgramsRun *run = SOCKSCOPE_PROGRAMS_RUN (object);
  g_autoptr(GError) error = NULL;

  if (!sockscope_programs_run_start_finish (run, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED))
        {
          gtk_label_set_text (self->errors, error->message);
          gtk_widget_set_visible (self->errors_box, TRUE);
          set_status (self, _("Nothing ran: a program does not compile."));
        }
      else
        set_status (self, error->message);
      if (run == self->run)
        drop_run (self);
      update (self);
      return;
    }
  if (run != self->run)
    return;
  forget_log (self);
  self->log = g_object_ref (sockscope_programs_run_get_log (run));
  self->listed = self->starting_listed;
  g_signal_connect_object (self->log, "items-changed", G_CALLBACK (scan_log), self, G_CONNECT_SWAPPED);
  scan_log (self);
  g_signal_emit (self, signals[RUN_STARTED], 0, run);
  if (self->terminal_wanted)
    {
      self->terminal_wanted = FALSE;
      make_terminal (self);
    }
  update (self);
}

static void
start (SockscopeProgramsPane *self,
       GPtrArray             *list)
{
  drop_run (self);
  gtk_widget_set_visible (self->errors_box, FALSE);
  gtk_label_set_text (self->errors, "");
  self->cancellable = g_cancellable_new ();
  self->starting_listed = list->len;
  self->run = sockscope_programs_run_new ();
  sockscope_programs_run_set_interval (self->run, (guint) gtk_range_get_value (GTK_RANGE (self->speed)));
  if (gtk_switch_get_active (self->hosts_switch) && list->len > 0)
    sockscope_programs_run_set_hosts (self->run, host_name (self, 0), host_name (self, 1));
  g_signal_connect_object (self->run, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  set_status (self, list->len > 0 ? _("Starting the lab and your programs…") : _("Starting the lab…"));
  sockscope_programs_run_start_async (self->run, list, self->mode, self->cancellable, on_run_started, self);
}

void
sockscope_programs_pane_run (SockscopeProgramsPane *self)
{
  g_autoptr(GPtrArray) list = programs (self);
  g_autofree char *problem = NULL;

  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_PANE (self));
  if (list->len == 0)
    {
      set_status (self, _("Add a program first: an executable, a .py or a .c."));
      return;
    }
  if (gtk_switch_get_active (self->hosts_switch) && (problem = host_name_problem (self)) != NULL)
    {
      set_status (self, problem);
      return;
    }
  start (self, list);
}

void
sockscope_programs_pane_open_terminal (SockscopeProgramsPane *self)
{
  g_autoptr(GPtrArray) none = NULL;

  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_PANE (self));
  if (self->terminal != NULL)
    {
      g_signal_emit (self, signals[TERMINAL_OPENED], 0, self->terminal);
      return;
    }
  /* The lab of the programs shown, if it runs: the terminal's programs join them (on one host:
   * a shell on neither of two hosts would reach nothing, so a lab of its own then). */
  if (self->run != NULL && sockscope_programs_run_is_lab_up (self->run) && !sockscope_programs_run_has_hosts (self->run))
    {
      make_terminal (self);
      update (self);
      return;
    }
  none = g_ptr_array_new ();
  start (self, none);
  self->terminal_wanted = TRUE;
}

void
sockscope_programs_pane_set_mode (SockscopeProgramsPane *self,
                                  SockscopeTraceMode     mode)
{
  self->mode = mode;
  if (!gtk_toggle_button_get_active (self->mode_buttons[mode]))
    gtk_toggle_button_set_active (self->mode_buttons[mode], TRUE);
  if (self->run != NULL)
    sockscope_programs_run_set_mode (self->run, mode);
  update (self);
}

static void
on_mode_toggled (GtkToggleButton       *button,
                 SockscopeProgramsPane *self)
{
  for (guint m = 0; m < G_N_ELEMENTS (self->mode_buttons); m++)
    if (button == self->mode_buttons[m] && gtk_toggle_button_get_active (button) && self->mode != m)
      sockscope_programs_pane_set_mode (self, (SockscopeTraceMode) m);
}

void
sockscope_programs_pane_next (SockscopeProgramsPane *self)
{
  if (self->run != NULL)
    sockscope_programs_run_next (self->run);
}

static void
on_stop (SockscopeProgramsPane *self)
{
  if (self->run != NULL)
    sockscope_programs_run_stop (self->run);
}

static void
on_speed (SockscopeProgramsPane *self)
{
  if (self->run != NULL)
    sockscope_programs_run_set_interval (self->run, (guint) gtk_range_get_value (GTK_RANGE (self->speed)));
}

void
sockscope_programs_pane_leave (SockscopeProgramsPane *self)
{
  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_PANE (self));
  drop_run (self);
  forget_log (self);
  update (self);
}

/* ---- the widget ---- */

static void
sockscope_programs_pane_dispose (GObject *object)
{
  SockscopeProgramsPane *self = SOCKSCOPE_PROGRAMS_PANE (object);

  drop_run (self);
  if (self->log != NULL)
    g_signal_handlers_disconnect_by_func (self->log, scan_log, self);
  g_clear_object (&self->log);
  G_OBJECT_CLASS (sockscope_programs_pane_parent_class)->dispose (object);
}

static void
sockscope_programs_pane_finalize (GObject *object)
{
  SockscopeProgramsPane *self = SOCKSCOPE_PROGRAMS_PANE (object);

  g_free (self->next_text);
  g_clear_pointer (&self->actors, g_hash_table_unref);
  g_clear_object (&self->held_model);
  g_clear_object (&self->host_model);
  G_OBJECT_CLASS (sockscope_programs_pane_parent_class)->finalize (object);
}

static void
sockscope_programs_pane_class_init (SockscopeProgramsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sockscope_programs_pane_dispose;
  object_class->finalize = sockscope_programs_pane_finalize;

  /**
   * SockscopeProgramsPane::run-started:
   * @run: the run, whose log the window shows
   */
  signals[RUN_STARTED] = g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, SOCKSCOPE_TYPE_PROGRAMS_RUN);
  /**
   * SockscopeProgramsPane::terminal-opened:
   * @terminal: the lab's terminal, for the window to show
   */
  signals[TERMINAL_OPENED] = g_signal_new ("terminal-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, GTK_TYPE_WIDGET);
  /**
   * SockscopeProgramsPane::terminal-closed:
   * @terminal: the terminal closed, for the window to remove
   */
  signals[TERMINAL_CLOSED] = g_signal_new ("terminal-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, GTK_TYPE_WIDGET);
}

static GtkWidget *
text_button (const char *label,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_hexpand (button, TRUE);
  return button;
}

static GtkWidget *
section (const char *title)
{
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 8);
  return label;
}

static void
sockscope_programs_pane_init (SockscopeProgramsPane *self)
{
  static const char *mode_labels[] = { N_("_Step"), N_("_Play"), N_("_Run freely") };
  static const char *mode_tips[] = {
    N_("Every traced process stops before each socket call; Next lets the one shown go"),
    N_("Step by itself: one held call let go at the pace below"),
    N_("No stop: the programs run as they would, traced"),
  };
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (_("Your programs"));
  GtkWidget *intro = gtk_label_new (_("Your own clients and servers, run in the lab and traced: every socket call, "
                                      "the packets it causes and the sockets' states. They start in this order, "
                                      "each once the one before it waits."));
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add a Program…"));
  GtkWidget *modes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *controls = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *next_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *next_caption = gtk_label_new (_("Next lets go:"));
  GtkWidget *speed_label = gtk_label_new (_("Pause between calls (ms)"));
  GtkWidget *errors_title = gtk_label_new (_("The compiler's errors (nothing ran)"));
  GtkWidget *placeholder = gtk_label_new (_("No program yet. Add your server, then its client."));
  GtkWidget *hosts_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *hosts_label = gtk_label_new (_("Two hosts, joined by a wire"));

  self->mode = SOCKSCOPE_TRACE_STEP;
  self->host_model = gtk_string_list_new ((const char * const []) { "alice", "bob", NULL });
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "programs-pane");
  /* Its rows expand in its own width; the pane does not take the window's (as the explore
   * pane: a page of the flap's stack that expands makes the flap take the window). */
  gtk_widget_set_hexpand (GTK_WIDGET (self), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 30);
  gtk_widget_add_css_class (intro, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), intro);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (placeholder), 30);
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (self->list, placeholder);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->list));
  self->actors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->started_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->started = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->started, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->started), "boxed-list");
  gtk_box_append (GTK_BOX (self->started_box), section (_("Started from the terminal")));
  gtk_box_append (GTK_BOX (self->started_box), GTK_WIDGET (self->started));
  gtk_widget_set_visible (self->started_box, FALSE);
  gtk_box_append (GTK_BOX (box), self->started_box);
  g_signal_connect_object (add, "clicked", G_CALLBACK (on_add), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), add);

  /* Two hosts joined by the wire (sockscope-cli trace --hosts=A,B): a name for each, a host for
   * each program; the window's Wire button then breaks the wire between them. */
  gtk_box_append (GTK_BOX (box), section (_("Hosts")));
  gtk_label_set_xalign (GTK_LABEL (hosts_label), 0);
  gtk_label_set_wrap (GTK_LABEL (hosts_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (hosts_label), 24);
  gtk_widget_set_hexpand (hosts_label, TRUE);
  self->hosts_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->hosts_switch), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->hosts_switch),
                               _("Each program on one of two hosts, a (192.0.2.1) and b (192.0.2.2), joined by a wire you can break"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->hosts_switch), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Two hosts"), -1);
  gtk_box_append (GTK_BOX (hosts_row), hosts_label);
  gtk_box_append (GTK_BOX (hosts_row), GTK_WIDGET (self->hosts_switch));
  gtk_box_append (GTK_BOX (box), hosts_row);
  self->hosts_box = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->hosts_box), 4);
  gtk_grid_set_column_spacing (GTK_GRID (self->hosts_box), 8);
  for (guint h = 0; h < 2; h++)
    {
      static const char *captions[] = { N_("Host a · 192.0.2.1"), N_("Host b · 192.0.2.2") };
      static const char *defaults[] = { "alice", "bob" };
      GtkWidget *caption = gtk_label_new (_(captions[h]));
      GtkWidget *name = gtk_entry_new ();

      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_editable_set_text (GTK_EDITABLE (name), defaults[h]);
      gtk_entry_set_placeholder_text (GTK_ENTRY (name), defaults[h]);
      gtk_editable_set_width_chars (GTK_EDITABLE (name), 10);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_set_tooltip_text (name, _("Its name: the other host's programs reach it by this name"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (name), GTK_ACCESSIBLE_PROPERTY_LABEL, _(captions[h]), -1);
      self->host_entries[h] = GTK_EDITABLE (name);
      g_signal_connect_object (name, "changed", G_CALLBACK (on_host_name_changed), self, G_CONNECT_SWAPPED);
      gtk_grid_attach (GTK_GRID (self->hosts_box), caption, 0, (int) h, 1, 1);
      gtk_grid_attach (GTK_GRID (self->hosts_box), name, 1, (int) h, 1, 1);
    }
  g_object_bind_property (self->hosts_switch, "active", self->hosts_box, "visible", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), self->hosts_box);

  gtk_box_append (GTK_BOX (box), section (_("How they run")));
  gtk_widget_add_css_class (modes, "linked");
  for (guint m = 0; m < G_N_ELEMENTS (self->mode_buttons); m++)
    {
      self->mode_buttons[m] = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_mnemonic (_(mode_labels[m])));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->mode_buttons[m]), _(mode_tips[m]));
      gtk_widget_set_hexpand (GTK_WIDGET (self->mode_buttons[m]), TRUE);
      if (m > 0)
        gtk_toggle_button_set_group (self->mode_buttons[m], self->mode_buttons[0]);
      g_signal_connect (self->mode_buttons[m], "toggled", G_CALLBACK (on_mode_toggled), self);
      gtk_box_append (GTK_BOX (modes), GTK_WIDGET (self->mode_buttons[m]));
    }
  gtk_toggle_button_set_active (self->mode_buttons[SOCKSCOPE_TRACE_STEP], TRUE);
  gtk_box_append (GTK_BOX (box), modes);

  self->speed_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->speed = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 100, 2000, 100));
  gtk_range_set_value (GTK_RANGE (self->speed), 700);
  gtk_scale_set_draw_value (self->speed, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->speed), TRUE);
  g_signal_connect_object (self->speed, "value-changed", G_CALLBACK (on_speed), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (self->speed_box), speed_label);
  gtk_box_append (GTK_BOX (self->speed_box), GTK_WIDGET (self->speed));
  gtk_box_append (GTK_BOX (box), self->speed_box);

  self->run_button = text_button (_("R_un"), _("Run the programs in a fresh lab, traced"));
  gtk_widget_add_css_class (self->run_button, "suggested-action");
  g_signal_connect_object (self->run_button, "clicked", G_CALLBACK (sockscope_programs_pane_run), self, G_CONNECT_SWAPPED);
  self->next_button = text_button (_("_Next"), _("Let the call shown go"));
  g_signal_connect_object (self->next_button, "clicked", G_CALLBACK (sockscope_programs_pane_next), self, G_CONNECT_SWAPPED);
  self->stop_button = text_button (_("S_top"), _("Kill every traced program"));
  gtk_widget_add_css_class (self->stop_button, "destructive-action");
  g_signal_connect_object (self->stop_button, "clicked", G_CALLBACK (on_stop), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (controls), self->run_button);
  gtk_box_append (GTK_BOX (controls), self->next_button);
  gtk_box_append (GTK_BOX (controls), self->stop_button);
  gtk_box_append (GTK_BOX (box), controls);

  /* Which actor Next lets go is always on screen; the drop-down picks another one waiting. */
  gtk_widget_add_css_class (next_caption, "dim-label");
  self->held_model = gtk_string_list_new (NULL);
  self->next_drop = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (self->held_model)), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->next_drop), _("The program Next lets go, among those waiting"));
  g_signal_connect_object (self->next_drop, "notify::selected", G_CALLBACK (on_drop_selected), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (next_row), next_caption);
  gtk_box_append (GTK_BOX (next_row), GTK_WIDGET (self->next_drop));
  gtk_box_append (GTK_BOX (box), next_row);
  self->next_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->next_label, 0);
  gtk_label_set_wrap (self->next_label, TRUE);
  gtk_label_set_max_width_chars (self->next_label, 30);
  gtk_label_set_wrap_mode (self->next_label, PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (GTK_WIDGET (self->next_label), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (self->next_label), "programs-next");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->next_label));

  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_max_width_chars (self->status, 30);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status));

  self->errors_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_label_set_xalign (GTK_LABEL (errors_title), 0);
  gtk_widget_add_css_class (errors_title, "heading");
  gtk_widget_add_css_class (errors_title, "error");
  self->errors = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->errors, 0);
  gtk_label_set_wrap (self->errors, TRUE);
  gtk_label_set_max_width_chars (self->errors, 30);
  gtk_label_set_wrap_mode (self->errors, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->errors, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->errors), "monospace");
  gtk_box_append (GTK_BOX (self->errors_box), errors_title);
  gtk_box_append (GTK_BOX (self->errors_box), GTK_WIDGET (self->errors));
  gtk_widget_set_visible (self->errors_box, FALSE);
  gtk_box_append (GTK_BOX (box), self->errors_box);

  /* The window's history (its adjustment, sockscope_programs_pane_set_history): scrub back
   * through the run as through a lesson's. */
  self->history_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (self->history_box), section (_("History")));
  self->history = GTK_SCALE (gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, NULL));
  gtk_scale_set_draw_value (self->history, FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->history), _("Back through what happened, event by event (Left, Right)"));
  gtk_box_append (GTK_BOX (self->history_box), GTK_WIDGET (self->history));
  gtk_box_append (GTK_BOX (box), self->history_box);

  gtk_box_append (GTK_BOX (box), section (_("Terminal")));
  self->terminal_button = text_button (_("Open a _Terminal in the Lab"),
                                       _("A shell inside the lab: nc, ss, python3… every program started there is traced"));
  g_signal_connect_object (self->terminal_button, "clicked", G_CALLBACK (sockscope_programs_pane_open_terminal), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), self->terminal_button);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (self), scroller);
  set_status (self, NULL);
  update (self);
}

GtkWidget *
sockscope_programs_pane_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_PROGRAMS_PANE, NULL);
}

void
sockscope_programs_pane_set_history (SockscopeProgramsPane *self,
                                     GtkAdjustment         *history)
{
  g_return_if_fail (SOCKSCOPE_IS_PROGRAMS_PANE (self));
  gtk_range_set_adjustment (GTK_RANGE (self->history), history);
}

GtkAdjustment *
sockscope_programs_pane_get_history (SockscopeProgramsPane *self)
{
  return gtk_range_get_adjustment (GTK_RANGE (self->history));
}

SockscopeProgramsRun *
sockscope_programs_pane_get_run (SockscopeProgramsPane *self)
{
  return self->run;
}

GtkWidget *
sockscope_programs_pane_get_terminal (SockscopeProgramsPane *self)
{
  return self->terminal;
}

const char *
sockscope_programs_pane_get_errors (SockscopeProgramsPane *self)
{
  return gtk_widget_get_visible (self->errors_box) ? gtk_label_get_text (self->errors) : NULL;
}

const char *
sockscope_programs_pane_get_status (SockscopeProgramsPane *self)
{
  return gtk_label_get_text (self->status);
}

const char *
sockscope_programs_pane_get_next_text (SockscopeProgramsPane *self)
{
  return self->next_text;
}

/* For tests: the programs started from the terminal, "ACTOR\n" each, in order. */
char *
sockscope_programs_pane_get_started (SockscopeProgramsPane *self)
{
  GString *lines = g_string_new (NULL);
  GtkListBoxRow *row;

  g_return_val_if_fail (SOCKSCOPE_IS_PROGRAMS_PANE (self), NULL);
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->started, i)) != NULL; i++)
    g_string_append_printf (lines, "%s\n", (const char *) g_object_get_data (G_OBJECT (row), "line"));
  return g_string_free (lines, FALSE);
}
