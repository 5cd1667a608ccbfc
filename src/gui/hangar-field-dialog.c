/* hangar-field-dialog.c — create or edit a field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-field-dialog.h"
#include "hangar-schema-widgets.h"

/**
 * HangarFieldDialog:
 *
 * A #HangarFieldEditor with Cancel and Save. Save stays off while the form
 * breaks one of Airtable's rules (the editor says which); what Airtable
 * still refuses is shown above the form, as the server said it (a 403 as
 * the missing scope or permission), and nothing the user typed is lost.
 * In the "spec" mode nothing is sent: the definition goes to the table
 * dialog, which creates the table with all its fields at once.
 */

typedef enum
{
  MODE_CREATE,
  MODE_EDIT,
  MODE_SPEC,
} Mode;

struct _HangarFieldDialog
{
  AdwWindow          parent_instance;

  /* template */
  AdwWindowTitle    *window_title;
  GtkWidget         *save_button;
  GtkSpinner        *spinner;
  GtkLabel          *error_label;
  HangarFieldEditor *editor;

  Mode               mode;
  HangarClient      *client;
  HangarAccount     *account;
  HangarBase        *base;
  char              *base_id;
  HangarTable       *table;
  HangarField       *field;
  GCancellable      *cancellable;
  char              *error;
  gboolean           busy;
};

G_DEFINE_FINAL_TYPE (HangarFieldDialog, hangar_field_dialog, ADW_TYPE_WINDOW)

enum {
  FIELD_SAVED,
  SPEC_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_save (HangarFieldDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "field.save",
                                 !self->busy && hangar_field_editor_get_problem (self->editor) == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->editor), !self->busy);
}

static void
set_error (HangarFieldDialog *self,
           const char        *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
problem_cb (HangarFieldDialog *self)
{
  update_save (self);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarFieldDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarField) field = NULL;

  if (self->mode == MODE_CREATE)
    field = hangar_client_create_field_finish (HANGAR_CLIENT (source), result, &error);
  else
    field = hangar_client_update_field_finish (HANGAR_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  update_save (self);
  if (field == NULL)
    {
      g_autofree char *message = hangar_schema_describe_error (self->account, self->base,
                                                               self->mode == MODE_CREATE
                                                               ? _("Airtable did not create the field")
                                                               : _("Airtable did not change the field"),
                                                               error);

      set_error (self, message);
      return;
    }
  g_signal_emit (self, signals[FIELD_SAVED], 0, field);
  gtk_window_close (GTK_WINDOW (self));
}

void
hangar_field_dialog_save (HangarFieldDialog *self)
{
  g_autoptr(JsonObject) object = NULL;

  g_return_if_fail (HANGAR_IS_FIELD_DIALOG (self));

  if (self->busy || hangar_field_editor_get_problem (self->editor) != NULL)
    return;
  object = hangar_field_editor_build (self->editor);
  set_error (self, NULL);

  if (self->mode == MODE_SPEC)
    {
      g_signal_emit (self, signals[SPEC_READY], 0, object);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  self->busy = TRUE;
  update_save (self);
  if (self->mode == MODE_CREATE)
    hangar_client_create_field_async (self->client, self->base_id, hangar_table_get_id (self->table), object,
                                      self->cancellable, saved_cb, g_object_ref (self));
  else
    hangar_client_update_field_async (self->client, self->base_id, hangar_table_get_id (self->table),
                                      hangar_field_get_id (self->field), object,
                                      self->cancellable, saved_cb, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  hangar_field_dialog_save (HANGAR_FIELD_DIALOG (widget));
}

static void
hangar_field_dialog_dispose (GObject *object)
{
  HangarFieldDialog *self = HANGAR_FIELD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_FIELD_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->account);
  g_clear_object (&self->base);
  g_clear_object (&self->table);
  g_clear_object (&self->field);

  G_OBJECT_CLASS (hangar_field_dialog_parent_class)->dispose (object);
}

static void
hangar_field_dialog_finalize (GObject *object)
{
  HangarFieldDialog *self = HANGAR_FIELD_DIALOG (object);

  g_free (self->base_id);
  g_free (self->error);

  G_OBJECT_CLASS (hangar_field_dialog_parent_class)->finalize (object);
}

static void
hangar_field_dialog_class_init (HangarFieldDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_field_dialog_dispose;
  object_class->finalize = hangar_field_dialog_finalize;

  /**
   * HangarFieldDialog::field-saved:
   * @field: the field as Airtable answered
   */
  signals[FIELD_SAVED] =
    g_signal_new ("field-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_FIELD);
  /**
   * HangarFieldDialog::spec-ready:
   * @definition: the field's definition (a #JsonObject)
   */
  signals[SPEC_READY] =
    g_signal_new ("spec-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);

  g_type_ensure (HANGAR_TYPE_FIELD_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-field-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarFieldDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, HangarFieldDialog, editor);
  gtk_widget_class_bind_template_callback (widget_class, problem_cb);

  gtk_widget_class_install_action (widget_class, "field.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_field_dialog_init (HangarFieldDialog *self)
{
  hangar_schema_ensure_style ();
  gtk_widget_init_template (GTK_WIDGET (self));
  hangar_schema_add_save_shortcuts (GTK_WIDGET (self), "field.save");
  self->cancellable = g_cancellable_new ();
}

static HangarFieldDialog *
dialog_new (GtkWindow     *parent,
            Mode           mode,
            HangarClient  *client,
            HangarAccount *account,
            HangarBase    *base,
            const char    *base_id,
            HangarTable   *table)
{
  HangarFieldDialog *self = g_object_new (HANGAR_TYPE_FIELD_DIALOG, "transient-for", parent, NULL);

  self->mode = mode;
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->account = account != NULL ? g_object_ref (account) : NULL;
  self->base = base != NULL ? g_object_ref (base) : NULL;
  self->base_id = g_strdup (base_id);
  self->table = table != NULL ? g_object_ref (table) : NULL;
  return self;
}

HangarFieldDialog *
hangar_field_dialog_new_create (GtkWindow     *parent,
                                HangarClient  *client,
                                HangarAccount *account,
                                HangarBase    *base,
                                const char    *base_id,
                                HangarTable   *table,
                                GPtrArray     *tables)
{
  HangarFieldDialog *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);

  self = dialog_new (parent, MODE_CREATE, client, account, base, base_id, table);
  gtk_window_set_title (GTK_WINDOW (self), _("New Field"));
  adw_window_title_set_title (self->window_title, _("New Field"));
  adw_window_title_set_subtitle (self->window_title, hangar_table_get_name (table));
  gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Create"));
  hangar_field_editor_set_create (self->editor, table, tables, NULL, FALSE, NULL);
  update_save (self);
  return self;
}

HangarFieldDialog *
hangar_field_dialog_new_edit (GtkWindow     *parent,
                              HangarClient  *client,
                              HangarAccount *account,
                              HangarBase    *base,
                              const char    *base_id,
                              HangarTable   *table,
                              HangarField   *field,
                              GPtrArray     *tables)
{
  HangarFieldDialog *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);
  g_return_val_if_fail (HANGAR_IS_FIELD (field), NULL);

  self = dialog_new (parent, MODE_EDIT, client, account, base, base_id, table);
  self->field = g_object_ref (field);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Field"));
  adw_window_title_set_title (self->window_title, _("Edit Field"));
  adw_window_title_set_subtitle (self->window_title, hangar_table_get_name (table));
  hangar_field_editor_set_edit (self->editor, table, field, tables);
  update_save (self);
  return self;
}

HangarFieldDialog *
hangar_field_dialog_new_spec (GtkWindow  *parent,
                              GPtrArray  *tables,
                              GPtrArray  *siblings,
                              gboolean    primary,
                              JsonObject *spec)
{
  HangarFieldDialog *self = dialog_new (parent, MODE_SPEC, NULL, NULL, NULL, NULL, NULL);

  gtk_window_set_title (GTK_WINDOW (self), spec != NULL ? _("Edit Field") : _("New Field"));
  adw_window_title_set_title (self->window_title, spec != NULL ? _("Edit Field") : _("New Field"));
  adw_window_title_set_subtitle (self->window_title, primary ? _("Primary field") : NULL);
  gtk_button_set_label (GTK_BUTTON (self->save_button), spec != NULL ? _("_Done") : _("_Add"));
  hangar_field_editor_set_create (self->editor, NULL, tables, siblings, primary, spec);
  update_save (self);
  return self;
}

HangarFieldEditor *
hangar_field_dialog_get_editor (HangarFieldDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD_DIALOG (self), NULL);
  return self->editor;
}

const char *
hangar_field_dialog_get_error (HangarFieldDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD_DIALOG (self), NULL);
  return self->error;
}

gboolean
hangar_field_dialog_get_busy (HangarFieldDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_FIELD_DIALOG (self), FALSE);
  return self->busy;
}
