/* sockscope-wire-panel.c: see the header. The controls are a few fixed choices rather than free
 * numbers: a teacher picks "20 %" in front of a class, and one pick is one command, one `wire`
 * event in the log, one note on the diagram's wire. */
#include "config.h"

#include <glib/gi18n.h>

#include "sockscope-wire-panel.h"

struct _SockscopeWirePanel
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkWidget          *status;
  GPtrArray          *controls;   /* the widgets made insensitive without a lab */
  SockscopeLabClient *client;
  GCancellable       *cancellable;
  char               *last_spec;
  guint               n_pending;
  gboolean            quiet;      /* setting a drop-down back without sending */
};

G_DEFINE_FINAL_TYPE (SockscopeWirePanel, sockscope_wire_panel, GTK_TYPE_WIDGET)

/* A choice: what the drop-down shows (translated when it is a word) and the spec word sent. */
typedef struct
{
  const char *label;
  const char *spec;
} Choice;

static const Choice loss_choices[] = {
  { "0 %", "loss=0%" }, { "5 %", "loss=5%" }, { "10 %", "loss=10%" }, { "20 %", "loss=20%" },
  { "50 %", "loss=50%" }, { "100 %", "loss=100%" }, { NULL, NULL },
};
static const Choice delay_choices[] = {
  { "0 ms", "delay=0ms" }, { "10 ms", "delay=10ms" }, { "50 ms", "delay=50ms" },
  { "100 ms", "delay=100ms" }, { "200 ms", "delay=200ms" }, { "500 ms", "delay=500ms" }, { NULL, NULL },
};
static const Choice dup_choices[] = {
  { NC_("wire", "off"), "dup=0%" }, { "10 %", "dup=10%" }, { "50 %", "dup=50%" }, { NULL, NULL },
};
static const Choice reorder_choices[] = {
  { NC_("wire", "off"), "reorder=0%" }, { "10 %", "reorder=10%" }, { "50 %", "reorder=50%" }, { NULL, NULL },
};
static const Choice rate_choices[] = {
  { NC_("wire", "unlimited"), "rate=off" }, { "10 kB/s", "rate=10kB/s" }, { "100 kB/s", "rate=100kB/s" },
  { "1 MB/s", "rate=1MB/s" }, { NULL, NULL },
};
static const Choice mtu_choices[] = {
  { "1500", "mtu=1500" }, { "1280", "mtu=1280" }, { NULL, NULL },
};

static void
set_status (SockscopeWirePanel *self,
            const char         *text)
{
  gtk_label_set_text (GTK_LABEL (self->status), text);
}

static void
on_wire_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SockscopeWirePanel *self = user_data;
  g_autoptr(GError) error = NULL;
  char *spec = g_object_get_data (G_OBJECT (result), "spec");

  if (!sockscope_lab_client_wire_finish (SOCKSCOPE_LAB_CLIENT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* TRANSLATORS: under the wire panel: the lab refused a change, "The wire refused “mtu=9”: …" */
      g_autofree char *text = g_strdup_printf (C_("wire", "The wire refused “%s”: %s"), spec ? spec : "", error->message);

      set_status (self, text);
    }
  self->n_pending--;
  g_object_unref (self);
}

void
sockscope_wire_panel_send (SockscopeWirePanel *self,
                           const char         *spec)
{
  g_autofree char *sent = NULL;

  g_return_if_fail (SOCKSCOPE_IS_WIRE_PANEL (self));
  g_return_if_fail (spec != NULL);

  if (self->client == NULL)
    return;
  g_free (self->last_spec);
  self->last_spec = g_strdup (spec);
  self->n_pending++;
  /* TRANSLATORS: under the wire panel: the change just sent to the lab, "Sent: loss=20%" */
  sent = g_strdup_printf (C_("wire", "Sent: %s"), spec);
  set_status (self, sent);
  sockscope_lab_client_wire_async (self->client, spec, 0, self->cancellable, on_wire_sent, g_object_ref (self));
}

static void
on_lose (GtkButton          *button,
         SockscopeWirePanel *self)
{
  sockscope_wire_panel_send (self, g_object_get_data (G_OBJECT (button), "spec"));
}

static void
on_repair (GtkButton          *button,
           SockscopeWirePanel *self)
{
  self->quiet = TRUE;
  for (guint i = 0; i < self->controls->len; i++)
    if (GTK_IS_DROP_DOWN (g_ptr_array_index (self->controls, i)))
      gtk_drop_down_set_selected (g_ptr_array_index (self->controls, i), 0);
  self->quiet = FALSE;
  sockscope_wire_panel_send (self, "clear");
}

static void
on_choice (GtkDropDown        *drop_down,
           GParamSpec         *pspec,
           SockscopeWirePanel *self)
{
  const Choice *choices = g_object_get_data (G_OBJECT (drop_down), "choices");
  guint selected = gtk_drop_down_get_selected (drop_down);

  if (self->quiet || selected == GTK_INVALID_LIST_POSITION)
    return;
  sockscope_wire_panel_send (self, choices[selected].spec);
}

static GtkWidget *
add_button (SockscopeWirePanel *self,
            GtkWidget          *box,
            const char         *label,
            const char         *spec,
            gboolean            suggested)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  g_object_set_data_full (G_OBJECT (button), "spec", g_strdup (spec), g_free);
  if (suggested)
    gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_set_hexpand (button, TRUE);
  g_signal_connect (button, "clicked", spec ? G_CALLBACK (on_lose) : G_CALLBACK (on_repair), self);
  gtk_box_append (GTK_BOX (box), button);
  g_ptr_array_add (self->controls, button);
  return button;
}

static void
add_choice (SockscopeWirePanel *self,
            GtkGrid            *grid,
            int                 row,
            const char         *name,
            const Choice       *choices)
{
  GtkWidget *label = gtk_label_new (name);
  g_autoptr(GPtrArray) strings = g_ptr_array_new ();
  GtkWidget *drop_down;

  for (guint i = 0; choices[i].label != NULL; i++)
    g_ptr_array_add (strings, (gpointer) (g_str_has_suffix (choices[i].spec, "=off") || g_str_has_suffix (choices[i].spec, "=0%") ?
                                          g_dpgettext2 (NULL, "wire", choices[i].label) : choices[i].label));
  g_ptr_array_add (strings, NULL);
  drop_down = gtk_drop_down_new_from_strings ((const char * const *) strings->pdata);
  g_object_set_data (G_OBJECT (drop_down), "choices", (gpointer) choices);
  gtk_widget_set_hexpand (drop_down, TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), drop_down);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, drop_down, 1, row, 1, 1);
  gtk_widget_set_name (drop_down, choices[0].spec);
  g_signal_connect (drop_down, "notify::selected", G_CALLBACK (on_choice), self);
  g_ptr_array_add (self->controls, drop_down);
}

static void
update_sensitive (SockscopeWirePanel *self)
{
  for (guint i = 0; i < self->controls->len; i++)
    gtk_widget_set_sensitive (g_ptr_array_index (self->controls, i), self->client != NULL);
}

void
sockscope_wire_panel_set_client (SockscopeWirePanel *self,
                                 SockscopeLabClient *client)
{
  g_return_if_fail (SOCKSCOPE_IS_WIRE_PANEL (self));

  if (self->client == client)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->client, client);
  /* A new run starts with a perfect wire (or the lesson's): the controls say so. */
  self->quiet = TRUE;
  for (guint i = 0; i < self->controls->len; i++)
    if (GTK_IS_DROP_DOWN (g_ptr_array_index (self->controls, i)))
      gtk_drop_down_set_selected (g_ptr_array_index (self->controls, i), 0);
  self->quiet = FALSE;
  set_status (self, "");
  update_sensitive (self);
}

const char *
sockscope_wire_panel_get_last_spec (SockscopeWirePanel *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_WIRE_PANEL (self), NULL);

  return self->last_spec;
}

guint
sockscope_wire_panel_get_n_pending (SockscopeWirePanel *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_WIRE_PANEL (self), 0);

  return self->n_pending;
}

const char *
sockscope_wire_panel_get_status (SockscopeWirePanel *self)
{
  g_return_val_if_fail (SOCKSCOPE_IS_WIRE_PANEL (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->status));
}

static void
sockscope_wire_panel_dispose (GObject *object)
{
  SockscopeWirePanel *self = SOCKSCOPE_WIRE_PANEL (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (sockscope_wire_panel_parent_class)->dispose (object);
}

static void
sockscope_wire_panel_finalize (GObject *object)
{
  SockscopeWirePanel *self = SOCKSCOPE_WIRE_PANEL (object);

  g_ptr_array_unref (self->controls);
  g_free (self->last_spec);
  G_OBJECT_CLASS (sockscope_wire_panel_parent_class)->finalize (object);
}

static void
sockscope_wire_panel_class_init (SockscopeWirePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sockscope_wire_panel_dispose;
  object_class->finalize = sockscope_wire_panel_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wirepanel");
}

static void
sockscope_wire_panel_init (SockscopeWirePanel *self)
{
  GtkWidget *title, *buttons, *grid;

  self->controls = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_margin_start (self->box, 6);
  gtk_widget_set_margin_end (self->box, 6);
  gtk_widget_set_margin_top (self->box, 6);
  gtk_widget_set_margin_bottom (self->box, 6);

  title = gtk_label_new (C_("wire", "Wire"));
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (self->box), title);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  add_button (self, buttons, C_("wire", "Lose the next packet →"), "dir=a>b,drop=next", TRUE);
  add_button (self, buttons, C_("wire", "Lose the next packet ←"), "dir=b>a,drop=next", TRUE);
  gtk_box_append (GTK_BOX (self->box), buttons);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  add_choice (self, GTK_GRID (grid), 0, C_("wire", "Loss"), loss_choices);
  add_choice (self, GTK_GRID (grid), 1, C_("wire", "Delay"), delay_choices);
  add_choice (self, GTK_GRID (grid), 2, C_("wire", "Duplicate"), dup_choices);
  add_choice (self, GTK_GRID (grid), 3, C_("wire", "Reorder"), reorder_choices);
  add_choice (self, GTK_GRID (grid), 4, C_("wire", "Rate"), rate_choices);
  add_choice (self, GTK_GRID (grid), 5, C_("wire", "MTU"), mtu_choices);
  gtk_box_append (GTK_BOX (self->box), grid);

  {
    GtkWidget *repair = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    add_button (self, repair, C_("wire", "Repair the wire"), NULL, FALSE);
    gtk_box_append (GTK_BOX (self->box), repair);
  }

  self->status = gtk_label_new ("");
  gtk_label_set_wrap (GTK_LABEL (self->status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (self->status), 40);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_box_append (GTK_BOX (self->box), self->status);
  update_sensitive (self);
}

GtkWidget *
sockscope_wire_panel_new (void)
{
  return g_object_new (SOCKSCOPE_TYPE_WIRE_PANEL, NULL);
}
