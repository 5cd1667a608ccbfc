/* hangar-export-dialog.c — exporting the grid's view to CSV, with progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-csv-export.h"
#include "hangar-export-dialog.h"

/**
 * HangarExportDialog:
 *
 * Asks for a file (GtkFileChooserNative: the file chooser portal in
 * Flatpak), then writes the listing to it page by page through
 * #HangarCsvExport, showing how far it came (a fraction when the number of
 * records is known, a pulse otherwise). The file gets a UTF-8 byte order
 * mark and CRLF line ends, what spreadsheets expect, and the formula guard
 * (src/api/hangar-csv.h). Cancel, or a failure, leaves no half-written
 * file: an existing file keeps its old contents (GIO replaces it only when
 * the new one is complete), a new one is deleted.
 */
struct _HangarExportDialog
{
  AdwWindow          parent_instance;

  GtkLabel          *heading_label;
  GtkLabel          *file_label;
  GtkProgressBar    *progress_bar;
  GtkLabel          *status_label;
  GtkButton         *cancel_button;
  GtkButton         *close_button;

  HangarCsvExport   *export;
  char              *table_name;
  char              *suggested_name;
  guint              expected;
  GFile             *file;
  gboolean           existed;
  GFileOutputStream *stream;
  GCancellable      *cancellable;
  GtkFileChooserNative *chooser;
  guint              pulse_id;
  gboolean           finished;
  GError            *error;
};

G_DEFINE_FINAL_TYPE (HangarExportDialog, hangar_export_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_progress (HangarExportDialog *self)
{
  guint n = hangar_csv_export_get_n_written (self->export);
  g_autofree char *text = NULL;

  if (self->expected > 0)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) n / self->expected));
      text = g_strdup_printf (g_dngettext (NULL, "%u of %u record", "%u of %u records", self->expected),
                              n, self->expected);
    }
  else
    text = g_strdup_printf (g_dngettext (NULL, "%u record so far", "%u records so far", n), n);
  gtk_label_set_text (self->status_label, text);
}

static void
written_notify_cb (HangarCsvExport    *export,
                   GParamSpec         *pspec,
                   HangarExportDialog *self)
{
  update_progress (self);
}

static gboolean
pulse_cb (gpointer user_data)
{
  HangarExportDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
finish (HangarExportDialog *self,
        GError             *error)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  self->finished = TRUE;
  self->error = error;
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->close_button));

  if (error == NULL)
    {
      guint n = hangar_csv_export_get_n_written (self->export);
      g_autofree char *heading = g_strdup_printf (g_dngettext (NULL, "Exported %u record", "Exported %u records", n), n);

      gtk_label_set_text (self->heading_label, heading);
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_label_set_text (self->status_label, "");
    }
  else
    {
      gtk_label_set_text (self->heading_label,
                          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                          ? _("Export cancelled") : _("Export failed"));
      gtk_label_set_text (self->status_label,
                          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                          ? (self->existed ? _("The file was left as it was.") : _("No file was written."))
                          : error->message);
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
}

static void
deleted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarExportDialog) self = user_data;
  GError *error = g_object_steal_data (G_OBJECT (self), "hangar-export-error");

  g_file_delete_finish (G_FILE (object), result, NULL);
  finish (self, error);
}

static void
aborted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarExportDialog) self = user_data;

  g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, NULL);
  g_clear_object (&self->stream);
  /* A file that did not exist before is not left half-written. */
  if (!self->existed)
    {
      g_file_delete_async (self->file, G_PRIORITY_DEFAULT, NULL, deleted_cb, g_object_ref (self));
      return;
    }
  finish (self, g_object_steal_data (G_OBJECT (self), "hangar-export-error"));
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarExportDialog) self = user_data;
  GError *error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &error))
    {
      g_clear_object (&self->stream);
      g_prefix_error (&error, "%s", _("Could not write the file: "));
      if (!self->existed)
        {
          g_object_set_data_full (G_OBJECT (self), "hangar-export-error", error, NULL);
          g_file_delete_async (self->file, G_PRIORITY_DEFAULT, NULL, deleted_cb, g_object_ref (self));
          return;
        }
      finish (self, error);
      return;
    }
  g_clear_object (&self->stream);
  finish (self, NULL);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarExportDialog) self = user_data;
  GError *error = NULL;

  if (hangar_csv_export_run_finish (HANGAR_CSV_EXPORT (object), result, &error))
    {
      g_output_stream_close_async (G_OUTPUT_STREAM (self->stream), G_PRIORITY_DEFAULT, NULL,
                                   closed_cb, g_object_ref (self));
      return;
    }
  /* Closing with a cancelled cancellable throws the new contents away. */
  {
    g_autoptr(GCancellable) abort = g_cancellable_new ();

    g_cancellable_cancel (abort);
    g_object_set_data_full (G_OBJECT (self), "hangar-export-error", error, NULL);
    g_output_stream_close_async (G_OUTPUT_STREAM (self->stream), G_PRIORITY_DEFAULT, abort,
                                 aborted_cb, g_object_ref (self));
  }
}

static void
replaced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HangarExportDialog) self = user_data;
  GError *error = NULL;

  self->stream = g_file_replace_finish (G_FILE (object), result, &error);
  if (self->stream == NULL)
    {
      g_prefix_error (&error, "%s", _("Could not write the file: "));
      finish (self, error);
      return;
    }
  hangar_csv_export_run_async (self->export, G_OUTPUT_STREAM (self->stream), self->cancellable,
                               exported_cb, g_object_ref (self));
}

static void
queried_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HangarExportDialog) self = user_data;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (object), result, NULL);

  self->existed = info != NULL;
  g_file_replace_async (self->file, NULL, FALSE, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                        replaced_cb, g_object_ref (self));
}

static void
begin (HangarExportDialog *self,
       GFile              *file)
{
  g_autofree char *heading = g_strdup_printf (_("Exporting “%s”…"), self->table_name);
  g_autofree char *name = g_file_get_parse_name (file);

  g_set_object (&self->file, file);
  gtk_label_set_text (self->heading_label, heading);
  gtk_label_set_text (self->file_label, name);
  update_progress (self);
  if (self->expected == 0)
    self->pulse_id = g_timeout_add (120, pulse_cb, self);
  gtk_window_present (GTK_WINDOW (self));
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                           self->cancellable, queried_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog    *chooser,
                     int                 response,
                     HangarExportDialog *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (file != NULL)
    begin (self, file);
  else
    gtk_window_destroy (GTK_WINDOW (self));
  /* The chooser's hold on the dialog. */
  g_object_unref (self);
}

static void
cancel_clicked_cb (HangarExportDialog *self)
{
  hangar_export_dialog_cancel (self);
}

static gboolean
hangar_export_dialog_close_request (GtkWindow *window)
{
  HangarExportDialog *self = HANGAR_EXPORT_DIALOG (window);

  /* Closing while it runs cancels. */
  if (!self->finished)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (hangar_export_dialog_parent_class)->close_request (window);
}

static void
hangar_export_dialog_dispose (GObject *object)
{
  HangarExportDialog *self = HANGAR_EXPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->export != NULL)
    g_signal_handlers_disconnect_by_data (self->export, self);
  g_clear_object (&self->export);
  g_clear_object (&self->stream);
  g_clear_object (&self->file);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (hangar_export_dialog_parent_class)->dispose (object);
}

static void
hangar_export_dialog_finalize (GObject *object)
{
  HangarExportDialog *self = HANGAR_EXPORT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->table_name);
  g_free (self->suggested_name);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (hangar_export_dialog_parent_class)->finalize (object);
}

static void
hangar_export_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarExportDialog *self = HANGAR_EXPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_FINISHED:
      g_value_set_boolean (value, self->finished);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_export_dialog_class_init (HangarExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hangar_export_dialog_dispose;
  object_class->finalize = hangar_export_dialog_finalize;
  object_class->get_property = hangar_export_dialog_get_property;
  window_class->close_request = hangar_export_dialog_close_request;

  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tablehangar/Hangar/hangar-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarExportDialog, heading_label);
  gtk_widget_class_bind_template_child (widget_class, HangarExportDialog, file_label);
  gtk_widget_class_bind_template_child (widget_class, HangarExportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarExportDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, HangarExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HangarExportDialog, close_button);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_export_dialog_init (HangarExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * hangar_export_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @client: the client that lists the records
 * @base_id: the base
 * @table: the table
 * @fields: (element-type HangarField): the columns, in order
 * @options: (nullable): view, filter, sort
 * @suggested_name: the file name offered
 *
 * Returns: (transfer none): a new dialog (it keeps itself alive while it
 *   is shown); call hangar_export_dialog_start()
 */
HangarExportDialog *
hangar_export_dialog_new (GtkWindow               *parent,
                          HangarClient            *client,
                          const char              *base_id,
                          HangarTable             *table,
                          GPtrArray               *fields,
                          const HangarListOptions *options,
                          const char              *suggested_name)
{
  HangarExportDialog *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);

  self = g_object_new (HANGAR_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  self->export = hangar_csv_export_new (client, base_id, hangar_table_get_id (table), fields, NULL, options,
                                        HANGAR_CSV_FORMATTER_NONE);
  hangar_csv_export_set_for_spreadsheets (self->export, TRUE);
  g_signal_connect (self->export, "notify::n-written", G_CALLBACK (written_notify_cb), self);
  self->table_name = g_strdup (hangar_table_get_name (table));
  self->suggested_name = g_strdup (suggested_name);
  return self;
}

void
hangar_export_dialog_set_expected (HangarExportDialog *self,
                                   guint               n_records)
{
  g_return_if_fail (HANGAR_IS_EXPORT_DIALOG (self));
  self->expected = n_records;
}

GtkWindow *
hangar_export_dialog_start (HangarExportDialog *self,
                            GFile              *file)
{
  GtkWindow *parent;
  g_autoptr(GtkFileFilter) csv = NULL;
  g_autoptr(GtkFileFilter) all = NULL;

  g_return_val_if_fail (HANGAR_IS_EXPORT_DIALOG (self), NULL);

  if (file != NULL)
    {
      begin (self, file);
      return GTK_WINDOW (self);
    }

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  self->chooser = gtk_file_chooser_native_new (_("Export to CSV"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), self->suggested_name);
  csv = gtk_file_filter_new ();
  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), csv);
  all = gtk_file_filter_new ();
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
  return GTK_WINDOW (self);
}

gboolean
hangar_export_dialog_get_finished (HangarExportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_EXPORT_DIALOG (self), FALSE);
  return self->finished;
}

const GError *
hangar_export_dialog_get_error (HangarExportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_EXPORT_DIALOG (self), NULL);
  return self->error;
}

guint
hangar_export_dialog_get_n_written (HangarExportDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_EXPORT_DIALOG (self), 0);
  return self->export != NULL ? hangar_csv_export_get_n_written (self->export) : 0;
}

void
hangar_export_dialog_cancel (HangarExportDialog *self)
{
  g_return_if_fail (HANGAR_IS_EXPORT_DIALOG (self));
  g_cancellable_cancel (self->cancellable);
}
