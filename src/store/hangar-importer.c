/* hangar-importer.c — a CSV file into a table: the object, the scan, the
 * mapping, the preview, and reading rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-importer-private.h"

/**
 * HangarImporter:
 *
 * Imports a CSV file into a table, for the window and for `hangar-cli
 * records import`. It reads the file as a stream (one batch of rows in
 * memory at a time), so a file of any length imports in bounded memory.
 *
 * First the whole file is checked (hangar_importer_scan_async()): if any
 * line is not UTF-8, has broken quotes, another number of cells than the
 * header or is too long, nothing is imported and every problem is named by
 * its line. Then each column is mapped to a field (or skipped), the first
 * rows are previewed as they will be sent, and the run writes the rows in
 * batches of 10 (create, or upsert on merge fields), paced by the client.
 * Rows that cannot be converted, or that Airtable refuses, are reported
 * with the reason and written to a CSV of failed rows that can be fixed
 * and imported again. How resuming avoids duplicates is explained in
 * hangar-importer-run.c.
 */

G_DEFINE_FINAL_TYPE (HangarImporter, hangar_importer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_DONE,
  PROP_N_CREATED,
  PROP_N_UPDATED,
  PROP_N_FAILED,
  PROP_WAIT_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The types Airtable can merge an upsert on. */
static const HangarFieldType merge_types[] = {
  HANGAR_FIELD_TYPE_NUMBER, HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT, HANGAR_FIELD_TYPE_MULTILINE_TEXT,
  HANGAR_FIELD_TYPE_SINGLE_SELECT, HANGAR_FIELD_TYPE_MULTIPLE_SELECTS, HANGAR_FIELD_TYPE_DATE,
  HANGAR_FIELD_TYPE_EMAIL, HANGAR_FIELD_TYPE_URL, HANGAR_FIELD_TYPE_PHONE_NUMBER,
};

/* ------------------------------------------------------------------------ */
/* Rows, batches, the plan                                                   */

void
_hangar_import_row_free (ImportRow *row)
{
  if (row == NULL)
    return;
  g_strfreev (row->cells);
  g_clear_pointer (&row->fields, json_object_unref);
  g_free (row->problem);
  g_free (row->merge_key);
  g_free (row->created_time);
  g_free (row->record_id);
  g_free (row);
}

void
_hangar_import_row_fail (ImportRow  *row,
                         const char *problem)
{
  row->state = ROW_FAILED;
  g_clear_pointer (&row->fields, json_object_unref);
  g_free (row->problem);
  row->problem = g_strdup (problem);
}

void
_hangar_import_batch_free (ImportBatch *batch)
{
  if (batch == NULL)
    return;
  g_ptr_array_unref (batch->rows);
  g_free (batch->anchor);
  g_free (batch);
}

static void
plan_column_free (PlanColumn *column)
{
  g_clear_pointer (&column->csv, hangar_csv_field_free);
  g_free (column->field_id);
  g_free (column->field_name);
  g_free (column);
}

ImportPlan *
_hangar_import_plan_ref (ImportPlan *plan)
{
  g_atomic_int_inc (&plan->ref_count);
  return plan;
}

void
_hangar_import_plan_unref (ImportPlan *plan)
{
  if (plan == NULL || !g_atomic_int_dec_and_test (&plan->ref_count))
    return;
  g_ptr_array_unref (plan->columns);
  g_strfreev (plan->merge_ids);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportPlan, _hangar_import_plan_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportRow, _hangar_import_row_free)

static HangarField *
lookup_field (HangarImporter *self,
              const char     *name_or_id)
{
  return hangar_table_lookup_field (self->table, name_or_id);
}

static ImportPlan *
build_plan (HangarImporter *self)
{
  ImportPlan *plan = g_new0 (ImportPlan, 1);
  g_autoptr(GPtrArray) merge_ids = g_ptr_array_new ();

  plan->ref_count = 1;
  plan->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_column_free);
  plan->typecast = self->typecast;
  plan->n_columns = self->header->len - 1;
  plan->error_column = -1;

  for (guint i = 0; self->merge_fields != NULL && self->merge_fields[i] != NULL; i++)
    {
      HangarField *field = lookup_field (self, self->merge_fields[i]);

      if (field != NULL)
        g_ptr_array_add (merge_ids, g_strdup (hangar_field_get_id (field)));
    }
  if (merge_ids->len > 0)
    {
      g_ptr_array_add (merge_ids, NULL);
      plan->merge_ids = (char **) g_ptr_array_steal (merge_ids, NULL);
      plan->upsert = TRUE;
    }

  for (guint i = 0; i < plan->n_columns; i++)
    {
      PlanColumn *column = g_new0 (PlanColumn, 1);
      HangarField *field = g_ptr_array_index (self->mapping, i);

      if (field != NULL)
        {
          column->csv = hangar_csv_field_new (field);
          column->field_id = g_strdup (hangar_field_get_id (field));
          column->field_name = g_strdup (hangar_field_get_name (field));
          column->merge = plan->merge_ids != NULL && g_strv_contains ((const char * const *) plan->merge_ids,
                                                                      column->field_id);
        }
      if (g_strcmp0 (g_ptr_array_index (self->header, i), HANGAR_IMPORT_ERROR_COLUMN) == 0)
        plan->error_column = (int) i;
      g_ptr_array_add (plan->columns, column);
    }
  return plan;
}

/* Converts the cells of one row by the plan. */
static ImportRow *
convert_row (ImportPlan  *plan,
             guint64      index,
             guint64      line,
             GPtrArray   *cells)
{
  ImportRow *row = g_new0 (ImportRow, 1);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GString) key = NULL;
  guint n_problems = 0;

  row->index = index;
  row->line = line;
  row->cells = g_new0 (char *, cells->len + 1);
  for (guint i = 0; i < cells->len; i++)
    row->cells[i] = g_strdup (g_ptr_array_index (cells, i));
  row->state = ROW_PENDING;

  if (cells->len != plan->n_columns)
    {
      g_autofree char *problem = g_strdup_printf ("the row has %u cells, the header %u", cells->len, plan->n_columns);

      _hangar_import_row_fail (row, problem);
      return row;
    }

  row->fields = json_object_new ();
  if (plan->upsert)
    key = g_string_new (NULL);
  for (guint i = 0; i < plan->n_columns; i++)
    {
      PlanColumn *column = g_ptr_array_index (plan->columns, i);
      g_autoptr(GError) error = NULL;
      JsonNode *value = NULL;

      if (column->csv == NULL)
        continue;
      if (!hangar_csv_field_parse (column->csv, g_ptr_array_index (cells, i), plan->typecast, &value, &error))
        {
          if (n_problems++ < 3)
            g_string_append_printf (problems, "%s%s: %s", problems->len > 0 ? "; " : "",
                                    column->field_name, error->message);
          continue;
        }
      if (column->merge)
        {
          if (value == NULL)
            {
              if (n_problems++ < 3)
                g_string_append_printf (problems, "%s%s: empty, but the rows are matched on it",
                                        problems->len > 0 ? "; " : "", column->field_name);
              continue;
            }
          {
            g_autofree char *text = json_to_string (value, FALSE);

            g_string_append_printf (key, "%s\x1f%s\x1e", column->field_id, text);
          }
        }
      if (value != NULL)
        json_object_set_member (row->fields, column->field_id, value);
      else if (plan->upsert)
        /* An empty cell empties the field of a matched record (the column
         * is the truth for it); a new record just leaves it empty. */
        json_object_set_null_member (row->fields, column->field_id);
    }

  if (n_problems > 0)
    {
      if (n_problems > 3)
        g_string_append_printf (problems, " (and %u more)", n_problems - 3);
      _hangar_import_row_fail (row, problems->str);
    }
  else if (key != NULL)
    row->merge_key = g_string_free (g_steal_pointer (&key), FALSE);
  return row;
}

/* ------------------------------------------------------------------------ */
/* The scan                                                                  */

typedef struct
{
  GPtrArray *header;
  guint64    n_rows;
  char      *sha256;
  char       delimiter;
  GPtrArray *problems;
  guint      n_problems;
  GQuark     problem_domain;
  int        problem_code;
} ScanResult;

static void
scan_result_free (ScanResult *result)
{
  g_clear_pointer (&result->header, g_ptr_array_unref);
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_free (result->sha256);
  g_free (result);
}

static void
note_problem (ScanResult   *result,
              const GError *error)
{
  if (result->n_problems++ == 0)
    {
      result->problem_domain = error->domain;
      result->problem_code = error->code;
    }
  if (result->problems->len < 20)
    g_ptr_array_add (result->problems, g_strdup (error->message));
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HangarImporter *self = source_object;
  ScanResult *result = g_new0 (ScanResult, 1);
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(HangarCsvReader) reader = NULL;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  GError *error = NULL;
  guint n_columns;

  result->problems = g_ptr_array_new_with_free_func (g_free);

  /* The identity of the file: the hash of its bytes. */
  raw = g_file_read (self->file, cancellable, &error);
  if (raw == NULL)
    goto fail;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (raw), buffer, 64 * 1024, cancellable, &error);

      if (n < 0)
        goto fail;
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
    }
  result->sha256 = g_strdup (g_checksum_get_string (checksum));

  stream = g_file_read (self->file, cancellable, &error);
  if (stream == NULL)
    goto fail;
  reader = hangar_csv_reader_new (G_INPUT_STREAM (stream), 0);

  /* The header. */
  for (;;)
    {
      if (hangar_csv_reader_next (reader, cells, cancellable, &error))
        break;
      if (error == NULL)
        {
          g_set_error (&error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_EMPTY, "%s",
                       "The file is empty: there is not even a header row");
          goto fail;
        }
      if (hangar_csv_reader_at_end (reader) || g_error_matches (error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_IO) ||
          error->domain != HANGAR_CSV_ERROR)
        goto fail;
      /* A broken header line: the file cannot be read column by column. */
      g_prefix_error (&error, "The header: ");
      goto fail;
    }
  result->header = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < cells->len; i++)
    g_ptr_array_add (result->header, g_strdup (g_ptr_array_index (cells, i)));
  g_ptr_array_add (result->header, NULL);
  n_columns = cells->len;
  result->delimiter = hangar_csv_reader_get_delimiter (reader);

  /* Every row. */
  for (;;)
    {
      if (hangar_csv_reader_next (reader, cells, cancellable, &error))
        {
          result->n_rows++;
          if (cells->len != n_columns)
            {
              g_autoptr(GError) columns = g_error_new (HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_COLUMNS,
                                                       "line %" G_GUINT64_FORMAT ": %u cells, but the header has %u",
                                                       hangar_csv_reader_get_line (reader), cells->len, n_columns);

              note_problem (result, columns);
            }
          continue;
        }
      if (error == NULL)
        break;
      if (error->domain != HANGAR_CSV_ERROR || error->code == HANGAR_CSV_ERROR_IO)
        goto fail;
      result->n_rows++;
      note_problem (result, error);
      g_clear_error (&error);
      if (hangar_csv_reader_at_end (reader))
        break;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) scan_result_free);
  return;

fail:
  scan_result_free (result);
  g_task_return_error (task, error);
}

/* ------------------------------------------------------------------------ */
/* Reading rows for the run (in a thread, one batch at a time)               */

typedef struct
{
  ImportPlan *plan;
  guint64     skip;   /* data rows to pass over first */
} ReadData;

static void
read_data_free (ReadData *data)
{
  _hangar_import_plan_unref (data->plan);
  g_free (data);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HangarImporter *self = source_object;
  ReadData *data = task_data;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  ImportBatch *batch = NULL;
  guint pending = 0;
  GError *error = NULL;

  if (!self->header_read)
    {
      /* The header was checked by the scan. */
      self->header_read = TRUE;
      if (!hangar_csv_reader_next (self->reader, cells, cancellable, &error))
        {
          if (error == NULL)
            self->eof = TRUE;
          else if (error->domain != HANGAR_CSV_ERROR || error->code == HANGAR_CSV_ERROR_IO)
            goto fail;
          g_clear_error (&error);
        }
    }

  /* A row held back from the last batch comes first. */
  if (self->carry != NULL)
    {
      ImportRow *row = g_steal_pointer (&self->carry);

      batch = g_new0 (ImportBatch, 1);
      batch->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) _hangar_import_row_free);
      g_ptr_array_add (batch->rows, row);
      pending = 1;
      if (row->merge_key != NULL)
        g_hash_table_add (keys, row->merge_key);
    }
  else if (self->eof)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  while (!self->eof)
    {
      g_autoptr(GError) row_error = NULL;
      ImportRow *row;
      guint64 line;

      if (hangar_csv_reader_next (self->reader, cells, cancellable, &row_error))
        line = hangar_csv_reader_get_line (self->reader);
      else if (row_error == NULL)
        {
          self->eof = TRUE;
          break;
        }
      else if (row_error->domain != HANGAR_CSV_ERROR || row_error->code == HANGAR_CSV_ERROR_IO)
        {
          error = g_steal_pointer (&row_error);
          goto fail;
        }
      else
        {
          /* The file changed since it was checked: the row fails, named. */
          line = hangar_csv_reader_get_line (self->reader);
          if (hangar_csv_reader_at_end (self->reader))
            self->eof = TRUE;
        }

      if (self->rows_read < data->skip)
        {
          self->rows_read++;
          continue;
        }

      if (row_error != NULL)
        {
          g_ptr_array_set_size (cells, 0);
          row = convert_row (data->plan, self->rows_read, line, cells);
          _hangar_import_row_fail (row, row_error->message);
        }
      else
        row = convert_row (data->plan, self->rows_read, line, cells);
      self->rows_read++;

      if (batch == NULL)
        {
          batch = g_new0 (ImportBatch, 1);
          batch->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) _hangar_import_row_free);
        }
      g_ptr_array_add (batch->rows, row);
      if (row->state == ROW_PENDING)
        {
          pending++;
          /* Two rows with the same merge values in one request would both
           * count as new: the second one goes in the next batch. */
          if (row->merge_key != NULL && !g_hash_table_add (keys, row->merge_key))
            {
              g_ptr_array_steal_index (batch->rows, batch->rows->len - 1);
              pending--;
              /* Put it back as the first row of the next read. */
              self->carry = row;
              break;
            }
        }
      if (pending >= IMPORT_BATCH_RECORDS || batch->rows->len >= IMPORT_BATCH_MAX_ROWS)
        break;
    }

  g_task_return_pointer (task, batch, (GDestroyNotify) _hangar_import_batch_free);
  return;

fail:
  _hangar_import_batch_free (batch);
  g_task_return_error (task, error);
}

void
_hangar_importer_read_async (HangarImporter      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ReadData *data = g_new0 (ReadData, 1);

  g_return_if_fail (!self->reading);

  data->plan = _hangar_import_plan_ref (self->plan);
  data->skip = self->run != NULL ? self->run->rows_done : 0;
  g_task_set_source_tag (task, _hangar_importer_read_async);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  self->reading = TRUE;
  g_task_run_in_thread (task, read_thread);
}

ImportBatch *
_hangar_importer_read_finish (HangarImporter  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  self->reading = FALSE;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
_hangar_importer_notify_counts (HangarImporter *self)
{
  for (guint i = PROP_N_DONE; i <= PROP_N_FAILED; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
}

void
_hangar_importer_notify_wait (HangarImporter *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAIT_SECONDS]);
}

/* ------------------------------------------------------------------------ */
/* The preview                                                               */

void
hangar_import_preview_row_free (HangarImportPreviewRow *row)
{
  if (row == NULL)
    return;
  g_clear_pointer (&row->cells, g_ptr_array_unref);
  g_clear_pointer (&row->values, g_ptr_array_unref);
  g_clear_pointer (&row->problems, g_ptr_array_unref);
  g_free (row->row_problem);
  g_free (row);
}

gboolean
hangar_import_preview_row_fails (HangarImportPreviewRow *row)
{
  g_return_val_if_fail (row != NULL, FALSE);

  if (row->row_problem != NULL)
    return TRUE;
  for (guint i = 0; i < row->problems->len; i++)
    if (g_ptr_array_index (row->problems, i) != NULL)
      return TRUE;
  return FALSE;
}

typedef struct
{
  ImportPlan *plan;
  guint       n_rows;
} PreviewData;

static void
preview_data_free (PreviewData *data)
{
  _hangar_import_plan_unref (data->plan);
  g_free (data);
}

static char *
describe_value (PlanColumn *column,
                JsonNode   *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (value) ? "checked" : "unchecked");
  return hangar_csv_field_format (column->csv, value, NULL, NULL);
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  HangarImporter *self = source_object;
  PreviewData *data = task_data;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(HangarCsvReader) reader = NULL;
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_import_preview_row_free);
  GError *error = NULL;
  gboolean header = TRUE;

  stream = g_file_read (self->file, cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  reader = hangar_csv_reader_new (G_INPUT_STREAM (stream), self->delimiter);

  while (rows->len < data->n_rows)
    {
      HangarImportPreviewRow *preview;
      g_autoptr(GError) row_error = NULL;

      if (!hangar_csv_reader_next (reader, cells, cancellable, &row_error))
        {
          if (row_error == NULL)
            break;
          if (row_error->domain != HANGAR_CSV_ERROR || row_error->code == HANGAR_CSV_ERROR_IO)
            {
              g_task_return_error (task, g_steal_pointer (&row_error));
              return;
            }
        }
      if (header)
        {
          header = FALSE;
          continue;
        }

      preview = g_new0 (HangarImportPreviewRow, 1);
      preview->line = hangar_csv_reader_get_line (reader);
      preview->cells = g_ptr_array_new_with_free_func (g_free);
      preview->values = g_ptr_array_new_with_free_func (g_free);
      preview->problems = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < data->plan->n_columns; i++)
        {
          PlanColumn *column = g_ptr_array_index (data->plan->columns, i);
          const char *text = i < cells->len ? g_ptr_array_index (cells, i) : "";
          g_autoptr(JsonNode) value = NULL;
          g_autoptr(GError) cell_error = NULL;

          g_ptr_array_add (preview->cells, g_strdup (text));
          if (column->csv == NULL || row_error != NULL)
            {
              g_ptr_array_add (preview->values, NULL);
              g_ptr_array_add (preview->problems, NULL);
            }
          else if (!hangar_csv_field_parse (column->csv, text, data->plan->typecast, &value, &cell_error))
            {
              g_ptr_array_add (preview->values, NULL);
              g_ptr_array_add (preview->problems, g_strdup (cell_error->message));
            }
          else if (column->merge && value == NULL)
            {
              g_ptr_array_add (preview->values, NULL);
              g_ptr_array_add (preview->problems, g_strdup ("empty, but the rows are matched on it"));
            }
          else
            {
              g_ptr_array_add (preview->values, describe_value (column, value));
              g_ptr_array_add (preview->problems, NULL);
            }
        }
      if (row_error != NULL)
        preview->row_problem = g_strdup (row_error->message);
      else if (cells->len != data->plan->n_columns)
        preview->row_problem = g_strdup_printf ("the row has %u cells, the header %u",
                                                cells->len, data->plan->n_columns);
      g_ptr_array_add (rows, preview);
      if (hangar_csv_reader_at_end (reader))
        break;
    }

  g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
hangar_importer_dispose (GObject *object)
{
  HangarImporter *self = HANGAR_IMPORTER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_importer_parent_class)->dispose (object);
}

static void
hangar_importer_finalize (GObject *object)
{
  HangarImporter *self = HANGAR_IMPORTER (object);

  g_free (self->base_id);
  g_clear_object (&self->table);
  g_clear_object (&self->file);
  g_clear_pointer (&self->header, g_ptr_array_unref);
  g_free (self->sha256);
  g_clear_pointer (&self->mapping, g_ptr_array_unref);
  g_strfreev (self->merge_fields);
  g_clear_object (&self->failed_file);
  g_clear_pointer (&self->previous, hangar_import_run_free);
  g_clear_pointer (&self->plan, _hangar_import_plan_unref);
  g_clear_pointer (&self->run, hangar_import_run_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->reader, hangar_csv_reader_free);
  g_clear_object (&self->input);
  g_clear_object (&self->failed_out);
  g_clear_object (&self->failed_io);
  if (self->failed_buffer != NULL)
    g_string_free (g_steal_pointer (&self->failed_buffer), TRUE);
  g_free (self->settings);
  g_queue_clear_full (&self->batches, (GDestroyNotify) _hangar_import_batch_free);
  g_clear_pointer (&self->carry, _hangar_import_row_free);
  g_clear_pointer (&self->busy_keys, g_hash_table_unref);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->recent_ids, g_hash_table_unref);
  g_clear_pointer (&self->settled_ids, g_hash_table_unref);
  g_free (self->max_created);
  g_free (self->start_time);
  g_clear_error (&self->stop_error);
  g_clear_pointer (&self->samples, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_importer_parent_class)->finalize (object);
}

static void
hangar_importer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HangarImporter *self = HANGAR_IMPORTER (object);

  switch (prop_id)
    {
    case PROP_N_DONE:
      g_value_set_uint64 (value, self->n_done);
      break;
    case PROP_N_CREATED:
      g_value_set_uint64 (value, self->n_created);
      break;
    case PROP_N_UPDATED:
      g_value_set_uint64 (value, self->n_updated);
      break;
    case PROP_N_FAILED:
      g_value_set_uint64 (value, self->n_failed);
      break;
    case PROP_WAIT_SECONDS:
      g_value_set_uint (value, self->wait_seconds);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_importer_class_init (HangarImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_importer_dispose;
  object_class->finalize = hangar_importer_finalize;
  object_class->get_property = hangar_importer_get_property;

  /**
   * HangarImporter:n-done:
   *
   * Data rows settled (written or failed), those of an earlier run
   * included.
   */
  properties[PROP_N_DONE] =
    g_param_spec_uint64 ("n-done", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_CREATED] =
    g_param_spec_uint64 ("n-created", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_UPDATED] =
    g_param_spec_uint64 ("n-updated", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_FAILED] =
    g_param_spec_uint64 ("n-failed", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * HangarImporter:wait-seconds:
   *
   * While the import waits for writes that may still be applied — those
   * an interrupted run may have had on their way, or one of this run whose
   * answer never came — before it looks at what they wrote (so that none is
   * applied after that), the seconds left; else 0. Stopping ends the wait.
   */
  properties[PROP_WAIT_SECONDS] =
    g_param_spec_uint ("wait-seconds", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mapping_entry_free (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

static void
hangar_importer_init (HangarImporter *self)
{
  g_queue_init (&self->batches);
  self->mapping = g_ptr_array_new_with_free_func (mapping_entry_free);
  self->samples = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->samples, NULL);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

/**
 * hangar_importer_new:
 * @client: the client that writes
 * @base_id: the base
 * @table: the table, with its fields
 * @file: the CSV file
 *
 * Returns: (transfer full): a new importer; scan the file first
 */
HangarImporter *
hangar_importer_new (HangarClient *client,
                     const char   *base_id,
                     HangarTable  *table,
                     GFile        *file)
{
  HangarImporter *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (base_id != NULL, NULL);
  g_return_val_if_fail (HANGAR_IS_TABLE (table), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (HANGAR_TYPE_IMPORTER, NULL);
  self->client = g_object_ref (client);
  self->base_id = g_strdup (base_id);
  self->table = g_object_ref (table);
  self->file = g_object_ref (file);
  return self;
}

HangarTable *
hangar_importer_get_table (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), NULL);
  return self->table;
}

GFile *
hangar_importer_get_file (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), NULL);
  return self->file;
}

void
hangar_importer_scan_async (HangarImporter      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_IMPORTER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_importer_scan_async);
  g_task_run_in_thread (task, scan_thread);
}

gboolean
hangar_importer_scan_finish (HangarImporter  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  ScanResult *scan;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  scan = g_task_propagate_pointer (G_TASK (result), error);
  if (scan == NULL)
    return FALSE;

  if (scan->n_problems > 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      g_string_append_printf (message,
                              g_dngettext (NULL, "The file cannot be imported as it is (%u problem; nothing was sent):",
                                           "The file cannot be imported as it is (%u problems; nothing was sent):",
                                           scan->n_problems), scan->n_problems);
      for (guint i = 0; i < scan->problems->len; i++)
        g_string_append_printf (message, "\n%s", (char *) g_ptr_array_index (scan->problems, i));
      if (scan->n_problems > scan->problems->len)
        g_string_append_printf (message, "\n… and %u more", scan->n_problems - scan->problems->len);
      g_set_error_literal (error, scan->problem_domain, scan->problem_code, message->str);
      scan_result_free (scan);
      return FALSE;
    }
  if (scan->n_rows == 0)
    {
      g_set_error (error, HANGAR_CSV_ERROR, HANGAR_CSV_ERROR_EMPTY, "%s",
                   "The file has a header but no rows: nothing to import");
      scan_result_free (scan);
      return FALSE;
    }

  g_clear_pointer (&self->header, g_ptr_array_unref);
  self->header = g_steal_pointer (&scan->header);
  self->n_rows = scan->n_rows;
  g_free (self->sha256);
  self->sha256 = g_steal_pointer (&scan->sha256);
  self->delimiter = scan->delimiter;
  self->scanned = TRUE;
  scan_result_free (scan);

  g_ptr_array_set_size (self->mapping, 0);
  for (guint i = 0; i + 1 < self->header->len; i++)
    g_ptr_array_add (self->mapping, NULL);

  g_clear_pointer (&self->previous, hangar_import_run_free);
  if (self->store != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (!hangar_import_progress_ensure (self->store, &local_error) ||
          ((self->previous = hangar_import_progress_lookup (self->store, self->sha256, self->base_id,
                                                            hangar_table_get_id (self->table), &local_error)) == NULL &&
           local_error != NULL))
        g_warning ("Could not read the progress of earlier imports: %s", local_error->message);
    }
  return TRUE;
}

guint
hangar_importer_get_n_columns (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->header != NULL ? self->header->len - 1 : 0;
}

const char * const *
hangar_importer_get_header (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), NULL);
  return self->header != NULL ? (const char * const *) self->header->pdata : NULL;
}

guint64
hangar_importer_get_n_rows (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->n_rows;
}

const char *
hangar_importer_get_file_sha256 (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), NULL);
  return self->sha256;
}

/* "Due date" and "due_date" and "DueDate" are the same name here. */
static char *
loose_name (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && c != '_' && c != '-')
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

void
hangar_importer_auto_map (HangarImporter *self)
{
  GPtrArray *fields;
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);

  g_return_if_fail (HANGAR_IS_IMPORTER (self));
  g_return_if_fail (self->scanned);

  fields = hangar_table_get_fields (self->table);
  for (guint pass = 0; pass < 2; pass++)
    for (guint c = 0; c + 1 < self->header->len; c++)
      {
        const char *name = g_ptr_array_index (self->header, c);
        g_autofree char *loose = loose_name (name);

        if (pass == 0)
          g_clear_object ((HangarField **) &g_ptr_array_index (self->mapping, c));
        else if (g_ptr_array_index (self->mapping, c) != NULL)
          continue;
        if (name[0] == '\0' || g_str_equal (name, HANGAR_IMPORT_ERROR_COLUMN))
          continue;
        for (guint f = 0; f < fields->len; f++)
          {
            HangarField *field = g_ptr_array_index (fields, f);
            g_autofree char *field_loose = NULL;

            if (hangar_field_is_computed (field) || g_hash_table_contains (used, field))
              continue;
            if (pass == 0 && !g_str_equal (hangar_field_get_name (field), name))
              continue;
            if (pass == 1)
              {
                field_loose = loose_name (hangar_field_get_name (field));
                if (!g_str_equal (field_loose, loose))
                  continue;
              }
            g_ptr_array_index (self->mapping, c) = g_object_ref (field);
            g_hash_table_add (used, field);
            break;
          }
      }
}

void
hangar_importer_set_mapping (HangarImporter *self,
                             guint           column,
                             HangarField    *field)
{
  g_return_if_fail (HANGAR_IS_IMPORTER (self));
  g_return_if_fail (column < self->mapping->len);

  g_clear_object ((HangarField **) &g_ptr_array_index (self->mapping, column));
  if (field != NULL)
    g_ptr_array_index (self->mapping, column) = g_object_ref (field);
}

HangarField *
hangar_importer_get_mapping (HangarImporter *self,
                             guint           column)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), NULL);
  g_return_val_if_fail (column < self->mapping->len, NULL);

  return g_ptr_array_index (self->mapping, column);
}

void
hangar_importer_set_merge_fields (HangarImporter     *self,
                                  const char * const *fields)
{
  g_return_if_fail (HANGAR_IS_IMPORTER (self));

  g_strfreev (self->merge_fields);
  self->merge_fields = fields != NULL && fields[0] != NULL ? g_strdupv ((char **) fields) : NULL;
}

const char * const *
hangar_importer_get_merge_fields (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), NULL);
  return (const char * const *) self->merge_fields;
}

void
hangar_importer_set_typecast (HangarImporter *self,
                              gboolean        typecast)
{
  g_return_if_fail (HANGAR_IS_IMPORTER (self));
  self->typecast = typecast;
}

gboolean
hangar_importer_get_typecast (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), FALSE);
  return self->typecast;
}

gboolean
hangar_importer_check (HangarImporter  *self,
                       GError         **error)
{
  g_autoptr(GHashTable) mapped = g_hash_table_new (NULL, NULL);
  guint n_merge;

  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), FALSE);

  if (!self->scanned)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "%s", "The file has not been checked yet");
      return FALSE;
    }
  for (guint c = 0; c < self->mapping->len; c++)
    {
      HangarField *field = g_ptr_array_index (self->mapping, c);

      if (field == NULL)
        continue;
      if (hangar_field_is_computed (field))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "%s is computed by Airtable and cannot be imported into", hangar_field_get_name (field));
          return FALSE;
        }
      if (!g_hash_table_add (mapped, field))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Two columns go to the field %s", hangar_field_get_name (field));
          return FALSE;
        }
    }
  if (g_hash_table_size (mapped) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                   "No column goes to a field: map at least one");
      return FALSE;
    }

  n_merge = self->merge_fields != NULL ? g_strv_length (self->merge_fields) : 0;
  if (n_merge > 3)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
                   "Airtable matches rows on at most 3 fields");
      return FALSE;
    }
  for (guint i = 0; i < n_merge; i++)
    {
      HangarField *field = lookup_field (self, self->merge_fields[i]);
      gboolean allowed = FALSE;

      if (field == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "There is no field “%s” to match rows on", self->merge_fields[i]);
          return FALSE;
        }
      if (!g_hash_table_contains (mapped, field))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Rows are matched on %s, but no column goes to it", hangar_field_get_name (field));
          return FALSE;
        }
      for (guint t = 0; t < G_N_ELEMENTS (merge_types); t++)
        if (hangar_field_get_field_type (field) == merge_types[t])
          allowed = TRUE;
      if (!allowed)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Airtable cannot match rows on %s (a %s field); it can on text, number, select, "
                       "date, email, URL and phone fields",
                       hangar_field_get_name (field), hangar_field_get_display_name (field));
          return FALSE;
        }
    }
  return TRUE;
}

void
hangar_importer_preview_async (HangarImporter      *self,
                               guint                n_rows,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PreviewData *data;

  g_return_if_fail (HANGAR_IS_IMPORTER (self));
  g_return_if_fail (self->scanned);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_importer_preview_async);
  data = g_new0 (PreviewData, 1);
  data->plan = build_plan (self);
  data->n_rows = n_rows > 0 ? n_rows : HANGAR_IMPORT_PREVIEW_ROWS;
  g_task_set_task_data (task, data, (GDestroyNotify) preview_data_free);
  g_task_run_in_thread (task, preview_thread);
}

GPtrArray *
hangar_importer_preview_finish (HangarImporter  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hangar_importer_set_progress_store (HangarImporter *self,
                                    HangarStore    *store)
{
  g_return_if_fail (HANGAR_IS_IMPORTER (self));
  g_set_object (&self->store, store);
}

void
hangar_importer_set_failed_file (HangarImporter *self,
                                 GFile          *failed_file)
{
  g_return_if_fail (HANGAR_IS_IMPORTER (self));
  g_set_object (&self->failed_file, failed_file);
}

void
hangar_importer_set_resume (HangarImporter     *self,
                            HangarImportResume  resume)
{
  g_return_if_fail (HANGAR_IS_IMPORTER (self));
  self->resume = resume;
}

const HangarImportRun *
hangar_importer_get_previous_run (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), NULL);
  return self->previous;
}

ImportPlan *
_hangar_importer_build_plan (HangarImporter *self)
{
  return build_plan (self);
}

guint64
hangar_importer_get_n_done (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->n_done;
}

guint64
hangar_importer_get_n_created (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->n_created;
}

guint64
hangar_importer_get_n_updated (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->n_updated;
}

guint64
hangar_importer_get_n_failed (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->n_failed;
}

guint64
hangar_importer_get_n_resumed (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->n_resumed;
}

guint64
hangar_importer_get_n_rechecked (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->n_rechecked;
}

guint
hangar_importer_get_wait_seconds (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), 0);
  return self->wait_seconds;
}

gboolean
hangar_importer_get_waiting_for_interrupted (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), FALSE);
  return self->wait_seconds > 0 && self->wait_interrupted;
}

const char * const *
hangar_importer_get_failure_samples (HangarImporter *self)
{
  g_return_val_if_fail (HANGAR_IS_IMPORTER (self), NULL);
  return (const char * const *) self->samples->pdata;
}
