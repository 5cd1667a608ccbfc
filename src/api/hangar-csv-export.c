/* hangar-csv-export.c — a listing of records written to a CSV file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-client.h"
#include "hangar-csv-export.h"
#include "hangar-error.h"
#include "hangar-field.h"
#include "hangar-list-options.h"
#include "hangar-record.h"
#include "hangar-table.h"

/* An expired listing starts over at most this often. */
#define MAX_RESTARTS 3

/**
 * HangarCsvExport:
 *
 * Lists a table page by page (with a view, filter and sort as given) and
 * writes each page to a stream as soon as it came, through a
 * #HangarCsvFormatter: memory holds one page and the names of linked
 * records, whatever the size of the table. When Airtable's listing
 * expires (`LIST_RECORDS_ITERATOR_NOT_AVAILABLE`) it starts over and skips
 * the records already written, so nothing is written twice or left out;
 * a server that hands out the same offset again is stopped with an error.
 */
struct _HangarCsvExport
{
  GObject                  parent_instance;

  HangarClient            *client;
  char                    *base_id;
  char                    *table_id;
  GPtrArray               *columns;    /* HangarField* */
  GPtrArray               *tables;     /* HangarTable*, nullable */
  HangarListOptions       *options;
  HangarCsvFormatterFlags  flags;
  gboolean                 spreadsheets;
  guint                    n_written;

  /* while running */
  HangarCsvFormatter      *formatter;
  GOutputStream           *stream;
  GHashTable              *written;    /* record ids */
  GHashTable              *offsets;
  char                    *offset;
  guint                    restarts;
  GPtrArray               *page;
  GString                 *text;
};

G_DEFINE_FINAL_TYPE (HangarCsvExport, hangar_csv_export, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_WRITTEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void fetch_page (GTask *task);

static gboolean
needs_link_names (HangarCsvExport *self)
{
  for (guint i = 0; i < self->columns->len; i++)
    {
      g_autoptr(HangarCsvField) column = hangar_csv_field_new (g_ptr_array_index (self->columns, i));

      if (hangar_csv_field_get_linked_table (column) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
fail_task (GTask  *task,
                   GError *error)
{
  if (error == NULL)
    return FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
  return TRUE;
}

static void
finish_run (HangarCsvExport *self)
{
  g_clear_object (&self->formatter);
  g_clear_object (&self->stream);
  g_clear_pointer (&self->written, g_hash_table_unref);
  g_clear_pointer (&self->offsets, g_hash_table_unref);
  g_clear_pointer (&self->offset, g_free);
  g_clear_pointer (&self->page, g_ptr_array_unref);
  if (self->text != NULL)
    g_string_free (g_steal_pointer (&self->text), TRUE);
}

static void
page_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  HangarCsvExport *self = g_task_get_source_object (task);
  GError *error = NULL;
  guint n = self->page != NULL ? self->page->len : 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_prefix_error (&error, "Writing the file failed: ");
      fail_task (task, error);
      return;
    }
  g_clear_pointer (&self->page, g_ptr_array_unref);
  if (n > 0)
    {
      self->n_written += n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WRITTEN]);
    }

  if (self->offset == NULL && !g_task_get_task_data (task))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, NULL, NULL);
  fetch_page (task);
}

static void
write_text (GTask *task)
{
  HangarCsvExport *self = g_task_get_source_object (task);

  g_output_stream_write_all_async (self->stream, self->text->str, self->text->len, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), page_written_cb, task);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  HangarCsvExport *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!hangar_csv_formatter_resolve_finish (HANGAR_CSV_FORMATTER (object), result, &error))
    {
      fail_task (task, error);
      return;
    }
  g_string_truncate (self->text, 0);
  for (guint i = 0; i < self->page->len; i++)
    hangar_csv_formatter_append_record (self->formatter, self->text, g_ptr_array_index (self->page, i),
                                        self->spreadsheets);
  write_text (task);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  HangarCsvExport *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *next = NULL;
  GError *error = NULL;

  page = hangar_client_list_records_page_finish (HANGAR_CLIENT (object), result, &next, &error);
  if (page == NULL)
    {
      if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_ITERATOR_EXPIRED) &&
          self->restarts < MAX_RESTARTS)
        {
          /* Start over; what was written already is skipped. */
          g_clear_error (&error);
          self->restarts++;
          g_clear_pointer (&self->offset, g_free);
          g_hash_table_remove_all (self->offsets);
          fetch_page (task);
          return;
        }
      fail_task (task, error);
      return;
    }

  if (next != NULL && !g_hash_table_add (self->offsets, g_strdup (next)))
    {
      fail_task (task, g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
                                            "The server returned a listing offset it had returned before; "
                                            "the export stopped after %u records", self->n_written));
      return;
    }
  g_free (self->offset);
  self->offset = g_steal_pointer (&next);

  self->page = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < page->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (page, i);

      if (g_hash_table_add (self->written, g_strdup (hangar_record_get_id (record))))
        g_ptr_array_add (self->page, g_object_ref (record));
    }
  hangar_csv_formatter_resolve_async (self->formatter, self->page, g_task_get_cancellable (task),
                                      resolved_cb, task);
}

static void
fetch_page (GTask *task)
{
  HangarCsvExport *self = g_task_get_source_object (task);

  hangar_client_list_records_page_async (self->client, self->base_id, self->table_id, self->options,
                                         self->offset, g_task_get_cancellable (task), page_cb, task);
}

static void
start_writing (GTask *task)
{
  HangarCsvExport *self = g_task_get_source_object (task);
  const char * const *header;

  self->formatter = hangar_csv_formatter_new (self->client, self->base_id, self->columns, self->tables,
                                              self->flags);
  header = hangar_csv_formatter_get_header (self->formatter);
  self->text = g_string_new (NULL);
  if (self->spreadsheets)
    g_string_append (self->text, "\xEF\xBB\xBF");
  /* Field names are the user's text too: guarded like any cell. */
  {
    g_autofree HangarCsvCellFlags *flags = g_new (HangarCsvCellFlags, hangar_csv_formatter_get_n_columns (self->formatter));

    for (guint i = 0; i < hangar_csv_formatter_get_n_columns (self->formatter); i++)
      flags[i] = (self->flags & HANGAR_CSV_FORMATTER_NO_GUARD) ? HANGAR_CSV_CELL_PLAIN : HANGAR_CSV_CELL_GUARD;
    hangar_csv_append_row (self->text, header, hangar_csv_formatter_get_n_columns (self->formatter), flags,
                           self->spreadsheets);
  }
  /* The header, then the first page (task data marks "more to come"). */
  g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
  write_text (task);
}

static void
schema_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  HangarCsvExport *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GPtrArray *tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail_task (task, g_steal_pointer (&error));
      return;
    }
  /* Without the schema links are written as record ids. */
  if (tables == NULL)
    g_debug ("No base schema for linked record names: %s", error->message);
  self->tables = tables;
  start_writing (task);
}

static void
hangar_csv_export_dispose (GObject *object)
{
  HangarCsvExport *self = HANGAR_CSV_EXPORT (object);

  finish_run (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (hangar_csv_export_parent_class)->dispose (object);
}

static void
hangar_csv_export_finalize (GObject *object)
{
  HangarCsvExport *self = HANGAR_CSV_EXPORT (object);

  g_free (self->base_id);
  g_free (self->table_id);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->tables, g_ptr_array_unref);
  g_clear_pointer (&self->options, hangar_list_options_free);

  G_OBJECT_CLASS (hangar_csv_export_parent_class)->finalize (object);
}

static void
hangar_csv_export_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarCsvExport *self = HANGAR_CSV_EXPORT (object);

  switch (prop_id)
    {
    case PROP_N_WRITTEN:
      g_value_set_uint (value, self->n_written);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_csv_export_class_init (HangarCsvExportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_csv_export_dispose;
  object_class->finalize = hangar_csv_export_finalize;
  object_class->get_property = hangar_csv_export_get_property;

  properties[PROP_N_WRITTEN] =
    g_param_spec_uint ("n-written", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_csv_export_init (HangarCsvExport *self)
{
}

/**
 * hangar_csv_export_new:
 * @client: the client to list with
 * @base_id: the base
 * @table_id: the table
 * @columns: (element-type HangarField): the columns, in order
 * @tables: (element-type HangarTable) (nullable): the base schema
 * @options: (nullable): the listing's view, filter and sort
 * @flags: record ids, formula guard
 *
 * Returns: (transfer full): a new export, not started
 */
HangarCsvExport *
hangar_csv_export_new (HangarClient            *client,
                       const char              *base_id,
                       const char              *table_id,
                       GPtrArray               *columns,
                       GPtrArray               *tables,
                       const HangarListOptions *options,
                       HangarCsvFormatterFlags  flags)
{
  HangarCsvExport *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (base_id != NULL && table_id != NULL, NULL);
  g_return_val_if_fail (columns != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_CSV_EXPORT, NULL);
  self->client = g_object_ref (client);
  self->base_id = g_strdup (base_id);
  self->table_id = g_strdup (table_id);
  self->columns = g_ptr_array_ref (columns);
  self->tables = tables != NULL ? g_ptr_array_ref (tables) : NULL;
  self->options = options != NULL ? hangar_list_options_copy (options) : hangar_list_options_new ();
  self->flags = flags;

  /* Only what is written is fetched. */
  if (hangar_list_options_get_n_fields (self->options) == 0)
    for (guint i = 0; i < columns->len; i++)
      hangar_list_options_add_field (self->options, hangar_field_get_name (g_ptr_array_index (columns, i)));
  return self;
}

void
hangar_csv_export_set_for_spreadsheets (HangarCsvExport *self,
                                        gboolean         spreadsheets)
{
  g_return_if_fail (HANGAR_IS_CSV_EXPORT (self));
  self->spreadsheets = spreadsheets;
}

guint
hangar_csv_export_get_n_written (HangarCsvExport *self)
{
  g_return_val_if_fail (HANGAR_IS_CSV_EXPORT (self), 0);
  return self->n_written;
}

/**
 * hangar_csv_export_run_async:
 * @self: a #HangarCsvExport
 * @stream: where the CSV goes (not closed here)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every record is written, or on the first error
 * @user_data: data for @callback
 *
 * Runs once.
 */
void
hangar_csv_export_run_async (HangarCsvExport     *self,
                             GOutputStream       *stream,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HANGAR_IS_CSV_EXPORT (self));
  g_return_if_fail (G_IS_OUTPUT_STREAM (stream));
  g_return_if_fail (self->stream == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_csv_export_run_async);
  self->stream = g_object_ref (stream);
  self->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->n_written = 0;

  if (self->tables == NULL && needs_link_names (self))
    hangar_client_get_base_schema_async (self->client, self->base_id, cancellable, schema_cb, task);
  else
    start_writing (task);
}

gboolean
hangar_csv_export_run_finish (HangarCsvExport  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  gboolean ok;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  ok = g_task_propagate_boolean (G_TASK (result), error);
  finish_run (self);
  return ok;
}
