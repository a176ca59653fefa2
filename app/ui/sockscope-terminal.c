/* sockscope-terminal.c: a terminal inside the lab.
 *
 * The pty handoff: this widget makes the pseudo-terminal (a VtePty: the app holds the master,
 * VTE draws what comes out of it) and sends the lab its slave's name in the `terminal` command
 * (docs/LAB-PROTOCOL.md "A terminal in the lab"); the lab's mount namespace shares the host's
 * /dev/pts, so the lab opens the slave itself as the controlling terminal of an interactive bash
 * it traces: no file descriptor crosses the control socket, whose both ends read text lines.
 * The pty is given to VTE only once the shell has the slave open (a master with no slave reads
 * EIO, which VTE takes for the end).  Closing the terminal, or the shell's exit, kills the shell
 * and everything started from it (`terminal_close`). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* ptsname_r */
#endif
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdlib.h>
#include <vte/vte.h>

#include "sockscope-terminal.h"

struct _SockscopeTerminal
{
  GtkBox                parent_instance;

  SockscopeProgramsRun *run;
  VteTerminal          *vte;
  VtePty               *pty;
  GtkLabel             *status;
  GCancellable         *cancellable;
  char                 *cwd;
  char                 *error;
  guint                 terminal;     /* the lab's number for it, 0 until it runs */
  gboolean              closed;
};

G_DEFINE_FINAL_TYPE (SockscopeTerminal, sockscope_terminal, GTK_TYPE_BOX)

enum { CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
close_shell (SockscopeTerminal *self)
{
  if (self->run != NULL && self->terminal != 0)
    sockscope_programs_run_close_terminal (self->run, self->terminal);
  self->terminal = 0;
}

static void
sockscope_terminal_dispose (GObject *object)
{
  SockscopeTerminal *self = SOCKSCOPE_TERMINAL (object);

  g_cancellable_cancel (self->cancellable);
  close_shell (self);
  g_clear_object (&self->run);
  g_clear_object (&self->pty);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sockscope_terminal_parent_class)->dispose (object);
}

static void
sockscope_terminal_finalize (GObject *object)
{
  SockscopeTerminal *self = SOCKSCOPE_TERMINAL (object);

  g_free (self->cwd);
  g_free (self->error);
  G_OBJECT_CLASS (sockscope_terminal_parent_class)->finalize (object);
}

static void
sockscope_terminal_class_init (SockscopeTerminalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sockscope_terminal_dispose;
  object_class->finalize = sockscope_terminal_finalize;

  /**
   * SockscopeTerminal::closed:
   *
   * The terminal was closed (its button) or its shell ended: what it started is killed.
   */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
sockscope_terminal_close (SockscopeTerminal *self)
{
  g_return_if_fail (SOCKSCOPE_IS_TERMINAL (self));
  if (self->closed)
    return;
  self->closed = TRUE;
  close_shell (self);
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
on_eof (SockscopeTerminal *self)
{
  sockscope_terminal_close (self);
}

static void
show_error (SockscopeTerminal *self,
            const char        *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->status, message);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "error");
}

static void
on_opened (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SockscopeTerminal) self = user_data;
  g_autoptr(GError) error = NULL;
  guint terminal = sockscope_programs_run_open_terminal_finish (SOCKSCOPE_PROGRAMS_RUN (object), result, &error);

  if (terminal == 0)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The lab's terminal did not start: %s"), error->message);
      show_error (self, message);
      return;
    }
  if (self->closed)
    {
      sockscope_programs_run_close_terminal (self->run, terminal);
      return;
    }
  self->terminal = terminal;
  /* The shell holds the slave now: VTE may read the master. */
  vte_terminal_set_pty (self->vte, self->pty);
  gtk_widget_grab_focus (GTK_WIDGET (self->vte));
}

static void
start_shell (SockscopeTerminal *self)
{
  g_autoptr(GError) error = NULL;
  char name[64];

  self->pty = vte_pty_new_sync (VTE_PTY_DEFAULT, self->cancellable, &error);
  if (self->pty == NULL || ptsname_r (vte_pty_get_fd (self->pty), name, sizeof name) != 0)
    {
      g_autofree char *message = g_strdup_printf (_("No pseudo-terminal for the lab's terminal: %s"),
                                                  error != NULL ? error->message : g_strerror (errno));
      show_error (self, message);
      return;
    }
  sockscope_programs_run_open_terminal_async (self->run, name, self->cwd,
                                              (guint) vte_terminal_get_row_count (self->vte),
                                              (guint) vte_terminal_get_column_count (self->vte),
                                              self->cancellable, on_opened, g_object_ref (self));
}

static void
sockscope_terminal_init (SockscopeTerminal *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->cancellable = g_cancellable_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "lab-terminal");

  self->status = GTK_LABEL (gtk_label_new (_("A shell inside the lab: every program started here is traced and gets its lifeline.")));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "caption");
  gtk_widget_set_tooltip_text (close, _("Close the terminal: its shell and every program started from it end"));
  gtk_widget_add_css_class (close, "flat");
  g_signal_connect_object (close, "clicked", G_CALLBACK (sockscope_terminal_close), self, G_CONNECT_SWAPPED);
  gtk_widget_set_margin_start (bar, 8);
  gtk_widget_set_margin_end (bar, 4);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->status));
  gtk_box_append (GTK_BOX (bar), close);
  gtk_box_append (GTK_BOX (self), bar);

  self->vte = VTE_TERMINAL (vte_terminal_new ());
  vte_terminal_set_scrollback_lines (self->vte, 2000);
  vte_terminal_set_size (self->vte, 100, 12);
  g_signal_connect_object (self->vte, "eof", G_CALLBACK (on_eof), self, G_CONNECT_SWAPPED);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->vte));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (self), scroller);
}

GtkWidget *
sockscope_terminal_new (SockscopeProgramsRun *run,
                        const char           *cwd)
{
  SockscopeTerminal *self = g_object_new (SOCKSCOPE_TYPE_TERMINAL, NULL);

  self->run = g_object_ref (run);
  self->cwd = g_strdup (cwd);
  start_shell (self);
  return GTK_WIDGET (self);
}

gboolean
sockscope_terminal_is_ready (SockscopeTerminal *self)
{
  return self->terminal != 0;
}

void
sockscope_terminal_type (SockscopeTerminal *self,
                         const char        *text)
{
  g_return_if_fail (SOCKSCOPE_IS_TERMINAL (self));
  vte_terminal_feed_child (self->vte, text, -1);
}

char *
sockscope_terminal_get_text (SockscopeTerminal *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_TERMINAL (self), NULL);
  return vte_terminal_get_text (self->vte, NULL, NULL, NULL);
}

const char *
sockscope_terminal_get_error (SockscopeTerminal *self)
{
  return self->error;
}
