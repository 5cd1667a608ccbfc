/* hangar-table-dialog.c — create a table with its fields, or rename one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-field-dialog.h"
#include "hangar-schema-widgets.h"
#include "hangar-table-dialog.h"

/**
 * HangarTableDialog:
 *
 * Creating: a name, a description and the fields, each defined in a
 * #HangarFieldDialog that sends nothing; Airtable creates the table with
 * all its fields in one request, the first being its primary field.
 * Editing: a table's name and description, the only things Airtable's API
 * changes on a table (fields are changed one by one on the base page).
 * Everything is checked with Airtable's rules as it is typed
 * (hangar_table_spec_check(), hangar_table_update_check()).
 */

struct _HangarTableDialog
{
  AdwWindow            parent_instance;

  /* template */
  AdwWindowTitle      *window_title;
  GtkWidget           *save_button;
  GtkSpinner          *spinner;
  GtkLabel            *error_label;
  AdwEntryRow         *name_row;
  GtkTextView         *description_view;
  GtkLabel            *description_hint;
  AdwPreferencesGroup *fields_group;
  GtkLabel            *problem_label;

  gboolean             editing;
  HangarClient        *client;
  HangarAccount       *account;
  HangarBase          *base;
  char                *base_id;
  HangarTable         *table;
  GPtrArray           *tables;
  GPtrArray           *fields;      /* JsonObject: the new table's fields */
  GPtrArray           *field_rows;  /* their rows in fields_group */
  GCancellable        *cancellable;
  char                *problem;
  char                *error;
  gboolean             busy;
};

G_DEFINE_FINAL_TYPE (HangarTableDialog, hangar_table_dialog, ADW_TYPE_WINDOW)

enum {
  TABLE_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void check_now (HangarTableDialog *self);

static char *
description_text (HangarTableDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
build (HangarTableDialog *self)
{
  JsonObject *object = json_object_new ();
  g_autofree char *description = description_text (self);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  if (self->editing)
    {
      if (g_strcmp0 (name, hangar_table_get_name (self->table)) != 0)
        json_object_set_string_member (object, "name", name);
      if (g_strcmp0 (description, hangar_table_get_description (self->table) != NULL
                                  ? hangar_table_get_description (self->table) : "") != 0)
        json_object_set_string_member (object, "description", description);
      return object;
    }

  json_object_set_string_member (object, "name", name);
  if (*description != '\0')
    json_object_set_string_member (object, "description", description);
  {
    JsonArray *fields = json_array_new ();

    for (guint i = 0; i < self->fields->len; i++)
      json_array_add_object_element (fields, json_object_ref (g_ptr_array_index (self->fields, i)));
    json_object_set_array_member (object, "fields", fields);
  }
  return object;
}

static void
update_save (HangarTableDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "table.save", !self->busy && self->problem == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
}

static void
check_now (HangarTableDialog *self)
{
  g_autoptr(JsonObject) object = build (self);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->editing && json_object_get_size (object) == 0)
    {
      g_free (self->problem);
      self->problem = g_strdup (_("Nothing is changed yet."));
    }
  else
    {
      ok = self->editing ? hangar_table_update_check (object, self->table, self->tables, &error)
                         : hangar_table_spec_check (object, self->tables, &error);
      g_free (self->problem);
      self->problem = ok ? NULL : g_strdup (error->message);
    }
  gtk_label_set_text (self->problem_label, self->problem != NULL ? self->problem : "");
  /* Nothing changed yet is no mistake: Save is only off. */
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label),
                          self->problem != NULL && !(self->editing && json_object_get_size (object) == 0));
  update_save (self);
}

static void
changed_cb (HangarTableDialog *self)
{
  check_now (self);
}

/* ---- the new table's fields ---- */

static void rebuild_field_rows (HangarTableDialog *self);

typedef struct
{
  HangarTableDialog *self;
  guint              index;   /* == fields->len: a new field */
} SpecTarget;

static void
spec_ready_cb (HangarFieldDialog *dialog,
               JsonObject        *spec,
               gpointer           user_data)
{
  SpecTarget *target = user_data;
  HangarTableDialog *self = target->self;

  if (target->index < self->fields->len)
    {
      json_object_unref (g_ptr_array_index (self->fields, target->index));
      g_ptr_array_index (self->fields, target->index) = json_object_ref (spec);
    }
  else
    g_ptr_array_add (self->fields, json_object_ref (spec));
  rebuild_field_rows (self);
  check_now (self);
}

static void
spec_target_free (gpointer data,
                  GClosure *closure)
{
  SpecTarget *target = data;

  g_object_unref (target->self);
  g_free (target);
}

GtkWindow *
hangar_table_dialog_edit_field (HangarTableDialog *self,
                                guint              index)
{
  g_autoptr(GPtrArray) siblings = g_ptr_array_new ();
  HangarFieldDialog *dialog;
  SpecTarget *target;

  g_return_val_if_fail (HANGAR_IS_TABLE_DIALOG (self), NULL);
  g_return_val_if_fail (index <= self->fields->len, NULL);

  /* The other fields, for unique names. */
  for (guint i = 0; i < self->fields->len; i++)
    if (i != index)
      g_ptr_array_add (siblings, g_ptr_array_index (self->fields, i));
  dialog = hangar_field_dialog_new_spec (GTK_WINDOW (self), self->tables, siblings, index == 0,
                                         index < self->fields->len ? g_ptr_array_index (self->fields, index) : NULL);
  target = g_new0 (SpecTarget, 1);
  target->self = g_object_ref (self);
  target->index = index;
  g_signal_connect_data (dialog, "spec-ready", G_CALLBACK (spec_ready_cb), target, spec_target_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
edit_field_cb (GtkButton         *button,
               HangarTableDialog *self)
{
  hangar_table_dialog_edit_field (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

static void
remove_field_cb (GtkButton         *button,
                 HangarTableDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (index < self->fields->len)
    g_ptr_array_remove_index (self->fields, index);
  rebuild_field_rows (self);
  check_now (self);
}

static GtkWidget *
icon_button (const char *icon,
             const char *label,
             guint       index)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (index));
  return button;
}

static void
rebuild_field_rows (HangarTableDialog *self)
{
  for (guint i = 0; i < self->field_rows->len; i++)
    adw_preferences_group_remove (self->fields_group, g_ptr_array_index (self->field_rows, i));
  g_ptr_array_set_size (self->field_rows, 0);

  for (guint i = 0; i < self->fields->len; i++)
    {
      JsonObject *spec = g_ptr_array_index (self->fields, i);
      HangarFieldType type = hangar_field_type_from_string (member_string (spec, "type"));
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;
      g_autofree char *subtitle = NULL;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), member_string (spec, "name"));
      subtitle = i == 0 ? g_strdup_printf (_("%s · primary field"), hangar_field_type_get_display_name (type))
                        : g_strdup (hangar_field_type_get_display_name (type));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (hangar_field_type_get_icon_name (type)));

      button = icon_button ("document-edit-symbolic", _("Edit Field"), i);
      g_signal_connect (button, "clicked", G_CALLBACK (edit_field_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      button = icon_button ("user-trash-symbolic", _("Remove Field"), i);
      g_signal_connect (button, "clicked", G_CALLBACK (remove_field_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

      adw_preferences_group_add (self->fields_group, row);
      g_ptr_array_add (self->field_rows, row);
    }
}

static void
add_field_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HangarTableDialog *self = HANGAR_TABLE_DIALOG (widget);

  hangar_table_dialog_edit_field (self, self->fields->len);
}

/* ---- saving ---- */

static void
set_error (HangarTableDialog *self,
           const char        *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarTableDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarTable) table = NULL;

  if (self->editing)
    table = hangar_client_update_table_finish (HANGAR_CLIENT (source), result, &error);
  else
    table = hangar_client_create_table_finish (HANGAR_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  update_save (self);
  if (table == NULL)
    {
      g_autofree char *message = hangar_schema_describe_error (self->account, self->base,
                                                               self->editing
                                                               ? _("Airtable did not change the table")
                                                               : _("Airtable did not create the table"),
                                                               error);

      set_error (self, message);
      return;
    }
  g_signal_emit (self, signals[TABLE_SAVED], 0, table);
  gtk_window_close (GTK_WINDOW (self));
}

void
hangar_table_dialog_save (HangarTableDialog *self)
{
  g_autoptr(JsonObject) object = NULL;

  g_return_if_fail (HANGAR_IS_TABLE_DIALOG (self));

  if (self->busy || self->problem != NULL)
    return;
  object = build (self);
  set_error (self, NULL);
  self->busy = TRUE;
  update_save (self);
  if (self->editing)
    hangar_client_update_table_async (self->client, self->base_id, hangar_table_get_id (self->table), object,
                                      self->cancellable, saved_cb, g_object_ref (self));
  else
    hangar_client_create_table_async (self->client, self->base_id, object,
                                      self->cancellable, saved_cb, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  hangar_table_dialog_save (HANGAR_TABLE_DIALOG (widget));
}

/* ---- GObject ---- */

static void
hangar_table_dialog_dispose (GObject *object)
{
  HangarTableDialog *self = HANGAR_TABLE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_TABLE_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->account);
  g_clear_object (&self->base);
  g_clear_object (&self->table);
  g_clear_pointer (&self->tables, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_table_dialog_parent_class)->dispose (object);
}

static void
hangar_table_dialog_finalize (GObject *object)
{
  HangarTableDialog *self = HANGAR_TABLE_DIALOG (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->field_rows, g_ptr_array_unref);
  g_free (self->base_id);
  g_free (self->problem);
  g_free (self->error);

  G_OBJECT_CLASS (hangar_table_dialog_parent_class)->finalize (object);
}

static void
hangar_table_dialog_class_init (HangarTableDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_table_dialog_dispose;
  object_class->finalize = hangar_table_dialog_finalize;

  /**
   * HangarTableDialog::table-saved:
   * @table: the table as Airtable answered
   */
  signals[TABLE_SAVED] =
    g_signal_new ("table-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_TABLE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-table-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, description_view);
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, description_hint);
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, HangarTableDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);

  gtk_widget_class_install_action (widget_class, "table.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "table.add-field", NULL, add_field_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_table_dialog_init (HangarTableDialog *self)
{
  hangar_schema_ensure_style ();
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);
  gtk_widget_init_template (GTK_WIDGET (self));
  hangar_schema_add_save_shortcuts (GTK_WIDGET (self), "table.save");
  self->cancellable = g_cancellable_new ();
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->field_rows = g_ptr_array_new ();
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->description_view), "changed",
                            G_CALLBACK (changed_cb), self);
}

static HangarTableDialog *
dialog_new (GtkWindow     *parent,
            HangarClient  *client,
            HangarAccount *account,
            HangarBase    *base,
            const char    *base_id,
            GPtrArray     *tables)
{
  HangarTableDialog *self = g_object_new (HANGAR_TYPE_TABLE_DIALOG, "transient-for", parent, NULL);

  self->client = g_object_ref (client);
  self->account = account != NULL ? g_object_ref (account) : NULL;
  self->base = base != NULL ? g_object_ref (base) : NULL;
  self->base_id = g_strdup (base_id);
  self->tables = tables != NULL ? g_ptr_array_ref (tables) : NULL;
  return self;
}

HangarTableDialog *
hangar_table_dialog_new_create (GtkWindow     *parent,
                                HangarClient  *client,
                                HangarAccount *account,
                                HangarBase    *base,
                                const char    *base_id,
                                GPtrArray     *tables)
{
  HangarTableDialog *self;
  g_autoptr(JsonObject) first = json_object_new ();

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);

  self = dialog_new (parent, client, account, base, base_id, tables);
  gtk_window_set_title (GTK_WINDOW (self), _("New Table"));
  adw_window_title_set_title (self->window_title, _("New Table"));
  gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Create"));
  json_object_set_string_member (first, "name", _("Name"));
  json_object_set_string_member (first, "type", "singleLineText");
  g_ptr_array_add (self->fields, g_steal_pointer (&first));
  rebuild_field_rows (self);
  check_now (self);
  return self;
}

HangarTableDialog *
hangar_table_dialog_new_edit (GtkWindow     *parent,
                              HangarClient  *client,
                              HangarAccount *account,
                              HangarBase    *base,
                              const char    *base_id,
                              HangarTable   *table,
                              GPtrArray     *tables)
{
  HangarTableDialog *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);

  self = dialog_new (parent, client, account, base, base_id, tables);
  self->editing = TRUE;
  self->table = g_object_ref (table);
  gtk_window_set_title (GTK_WINDOW (self), _("Edit Table"));
  adw_window_title_set_title (self->window_title, _("Edit Table"));
  adw_window_title_set_subtitle (self->window_title, hangar_table_get_name (table));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), hangar_table_get_name (table));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                            hangar_table_get_description (table) != NULL ? hangar_table_get_description (table) : "",
                            -1);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->description_hint), TRUE);
  check_now (self);
  return self;
}

GtkEditable *
hangar_table_dialog_get_name_row (HangarTableDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE_DIALOG (self), NULL);
  return GTK_EDITABLE (self->name_row);
}

GtkTextView *
hangar_table_dialog_get_description (HangarTableDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE_DIALOG (self), NULL);
  return self->description_view;
}

GPtrArray *
hangar_table_dialog_get_fields (HangarTableDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE_DIALOG (self), NULL);
  return self->fields;
}

void
hangar_table_dialog_add_field (HangarTableDialog *self,
                               JsonObject        *spec)
{
  g_return_if_fail (HANGAR_IS_TABLE_DIALOG (self));

  g_ptr_array_add (self->fields, json_object_ref (spec));
  rebuild_field_rows (self);
  check_now (self);
}

const char *
hangar_table_dialog_get_problem (HangarTableDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE_DIALOG (self), NULL);
  return self->problem;
}

const char *
hangar_table_dialog_get_error (HangarTableDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_TABLE_DIALOG (self), NULL);
  return self->error;
}
