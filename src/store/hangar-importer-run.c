/* hangar-importer-run.c — HangarImporter's run: batches in file order, a
 * few requests in flight, progress saved as rows settle, resuming
 *
 * How an interrupted import resumes without duplicates:
 *
 * The file is read in order and cut into batches (10 records, the most
 * Airtable takes in one request). A row is *settled* when it is written or
 * has failed; progress keeps `rows_done`, the number of leading rows that
 * are all settled, with the counts, the length of the failed-rows file at
 * that point and the server's createdTime of the newest record created by
 * those rows. It is saved in the STATE database (synchronous=FULL) after
 * every IMPORT_SAVE_BATCHES batches or IMPORT_SAVE_USEC, and failed rows
 * reach their file before the progress that counts them.
 *
 * After an interruption (the process killed, the network gone, Cancel)
 * everything before `rows_done` is skipped and the failed-rows file is cut
 * back to its saved length. Rows after it may or may not have reached
 * Airtable: at most the batches that settled since the last save plus
 * those in flight, so the next IMPORT_UNCERTAIN_ROWS rows are *uncertain*.
 *
 *  - Upsert: sending them again is safe — a row that was written before is
 *    matched on its merge fields and updated with the same values.
 *  - Create: before sending, the records created in the table since a
 *    saved server time are listed (IS_AFTER(CREATED_TIME(), …)): a
 *    millisecond before the oldest *anchor* of the unsettled batches, the
 *    newest createdTime or server Date known when each was first sent.
 *    Whatever a batch created was created after its anchor (that answer
 *    came before it went out; the first batches are anchored on the Date
 *    of a small read made before them). Without an anchor (no Date header)
 *    the check looks from the start of the run, ten minutes early by this
 *    machine's clock. The records of settled rows created since that time
 *    are saved by id and left out. Each uncertain row is paired, in file
 *    order, with a distinct remaining record whose values are the same on
 *    the fields that can be compared; a paired row counts as written and is
 *    not sent again, the others are sent. Pairing in file order is right
 *    because batches are sent in file order and each is applied whole or
 *    not at all. If more records were created in the meantime than can be
 *    compared (IMPORT_CHECK_MAX), the import stops and says so rather than
 *    guess. Limit: if more than IMPORT_MARGIN_IDS records of settled rows
 *    share that span (not at Airtable's 50 records a second), a row with
 *    exactly the values of an earlier row could be taken for it.
 *
 * The same check runs during an import when a create's answer never came
 * (HANGAR_API_ERROR_UNCERTAIN_WRITE, or a success answer that cannot be
 * read): once no other request is in flight, so that every record of this
 * run other than the uncertain ones is known by id and left out.
 *
 * A check must also come after every write it looks for can have been
 * applied: Airtable applies a request that reached it even if its sender
 * died or gave up, so a write applied after the check would make its rows
 * be sent twice. A write is taken to be applied, if ever, within the
 * client's deadline (HangarClient:deadline, which ends a request that
 * long after it was sent) of being sent. So:
 *
 *  - The progress says until when a write of the run may still be applied
 *    (`writes_until`). A batch is sent only once a save made at most
 *    IMPORT_SAVE_USEC ago says: until IMPORT_SAVE_USEC after that save,
 *    plus a write's lifetime (the deadline and IMPORT_WRITES_SLACK_S); the
 *    save comes first if not. While any write is in flight the progress is
 *    saved every IMPORT_SAVE_USEC, since the client may retry a write after
 *    a pause. A write whose answer never came may be applied until its
 *    lifetime after it ended; a run that ends with every other write
 *    answered saves that (or 0).
 *  - A resume waits until `writes_until` has passed before its check.
 *  - A check during a run waits until the unanswered write's lifetime has
 *    passed since it ended (an answer that came but cannot be read needs
 *    no wait: it was applied); so does an unanswered upsert before it is
 *    sent again (applied late, it could create a record twice).
 *
 * The wait is shown (HangarImporter:wait-seconds) and Stop ends it. A
 * resume also asks for the records created in the second before its first
 * write (see probe()) only after its check: asked before, they could be
 * the interrupted run's newest records, and would be left out of it.
 *
 * A batch that Airtable refuses for a row-level reason (a value it cannot
 * take, an unknown option) is split and its rows are sent one by one, so
 * that only the rows at fault fail, each with Airtable's message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-importer-private.h"

typedef struct
{
  HangarImporter *self;
  ImportBatch    *batch;
  GPtrArray      *rows;     /* ImportRow* sent, in order (borrowed) */
} SendOp;

static void
send_op_free (SendOp *op)
{
  g_object_unref (op->self);
  g_ptr_array_unref (op->rows);
  g_free (op);
}

static void finish_run (HangarImporter *self);
static void flush_failed (HangarImporter *self);
static void trim_recent (HangarImporter *self);
static void probe (HangarImporter *self);

static gboolean
stopping (HangarImporter *self)
{
  return self->stop_error != NULL || g_cancellable_is_cancelled (self->cancellable);
}

void
_hangar_importer_stop (HangarImporter *self,
                       GError         *error)
{
  if (self->stop_error == NULL)
    self->stop_error = error;
  else
    g_error_free (error);
  /* Requests in flight run to their end, so that what they did is known. */
  _hangar_importer_pump (self);
}

/* ---- the failed-rows file ---- */

static void
append_failed_row (HangarImporter *self,
                   ImportRow      *row)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  g_autofree char *reason = NULL;
  g_autofree HangarCsvCellFlags *flags = NULL;
  guint n = self->plan->n_columns;

  if (self->failed_buffer == NULL)
    return;
  reason = g_strdup_printf ("line %" G_GUINT64_FORMAT ": %s", row->line, row->problem);
  for (guint i = 0; i < n; i++)
    {
      const char *cell = row->cells != NULL && g_strv_length (row->cells) > i ? row->cells[i] : "";

      g_ptr_array_add (cells, (char *) ((int) i == self->plan->error_column ? reason : cell));
    }
  if (self->plan->error_column < 0)
    g_ptr_array_add (cells, reason);
  /* The file is meant to be opened in a spreadsheet and fixed. */
  flags = g_new (HangarCsvCellFlags, cells->len);
  for (guint i = 0; i < cells->len; i++)
    flags[i] = HANGAR_CSV_CELL_GUARD;
  hangar_csv_append_row (self->failed_buffer, (const char * const *) cells->pdata, cells->len, flags, TRUE);
}

static void
failed_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(HangarImporter) self = user_data;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  self->writing_failed = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written, &error))
    {
      /* No more writes to it. */
      g_clear_object (&self->failed_out);
      if (self->failed_buffer != NULL)
        g_string_truncate (self->failed_buffer, 0);
      g_prefix_error (&error, "Could not write the failed rows: ");
      _hangar_importer_stop (self, g_steal_pointer (&error));
      return;
    }
  _hangar_importer_pump (self);
}

static gboolean failed_writes_idle (HangarImporter *self);

static void
flush_failed (HangarImporter *self)
{
  g_autofree char *text = NULL;
  gsize len;

  if (self->failed_out == NULL || self->writing_failed || self->failed_buffer == NULL ||
      self->failed_buffer->len == 0)
    return;
  len = self->failed_buffer->len;
  text = g_strndup (self->failed_buffer->str, len);
  g_string_truncate (self->failed_buffer, 0);
  self->writing_failed = TRUE;
  /* Counted now: the progress is saved only once the write is done. */
  self->run->failed_bytes += len;
  g_output_stream_write_all_async (self->failed_out, text, len, G_PRIORITY_DEFAULT, NULL,
                                   failed_written_cb, g_object_ref (self));
  g_object_set_data_full (G_OBJECT (self->failed_out), "hangar-pending", g_steal_pointer (&text), g_free);
}

static gboolean
failed_writes_idle (HangarImporter *self)
{
  return !self->writing_failed && (self->failed_buffer == NULL || self->failed_buffer->len == 0);
}

/* ---- progress ---- */

/* Saves the progress now. @writing: a write is about to be sent. With
 * writes in flight, those sent before the next save (at most
 * IMPORT_SAVE_USEC from now) may be applied until a write's lifetime after
 * that; the time is taken before the save, never later than the truth. */
static void
write_progress (HangarImporter *self,
                gboolean        writing)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  writing = writing || self->n_writing > 0;
  _hangar_importer_update_check_since (self);
  trim_recent (self);
  self->run->writes_until = self->uncertain_until;
  if (writing)
    self->run->writes_until = MAX (self->run->writes_until,
                                   (g_get_real_time () + IMPORT_SAVE_USEC + _hangar_importer_write_lifetime (self)) / 1000);
  if (!hangar_import_progress_save (self->store, self->run, &error))
    {
      /* Without saved progress a resume would check more rows; the import
       * itself goes on. */
      g_warning ("%s", error->message);
      return;
    }
  self->settled_since_save = 0;
  self->saved_at = now;
  self->saved_writing = writing;
}

void
_hangar_importer_save_progress (HangarImporter *self,
                                gboolean        force)
{
  gint64 now = g_get_monotonic_time ();

  if (self->store == NULL || self->run == NULL || !failed_writes_idle (self))
    return;
  if (!force && self->settled_since_save < IMPORT_SAVE_BATCHES && now - self->saved_at < IMPORT_SAVE_USEC)
    return;
  /* With writes in flight the save also says until when they were sent. */
  if (self->settled_since_save == 0 && !force && self->n_writing == 0)
    return;
  write_progress (self, FALSE);
}

/* Before a write goes out, the saved progress must say that writes are in
 * flight, as of at most IMPORT_SAVE_USEC ago: a resume waits for them on
 * that time. FALSE when that cannot be saved yet (failed rows are being
 * written; their callback pumps again). */
static gboolean
writes_recorded (HangarImporter *self)
{
  if (self->store == NULL || self->run == NULL)
    return TRUE;
  if (self->saved_writing && g_get_monotonic_time () - self->saved_at < IMPORT_SAVE_USEC)
    return TRUE;
  if (!failed_writes_idle (self))
    return FALSE;
  /* Should the save fail (warned about), the import goes on. */
  write_progress (self, TRUE);
  return TRUE;
}

/* Forgets the records created before the check's start (checks never look
 * at them) and keeps at most IMPORT_MARGIN_IDS of the settled ones, which
 * go into the saved progress. */
static void
trim_recent (HangarImporter *self)
{
  g_autoptr(GPtrArray) kept = NULL;
  GHashTable *tables[] = { self->recent_ids, self->settled_ids };
  GHashTableIter iter;
  gpointer id, created;

  if (self->run->check_since == NULL)
    return;
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_hash_table_iter_init (&iter, tables[t]);
      while (g_hash_table_iter_next (&iter, &id, &created))
        if (g_strcmp0 (created, self->run->check_since) < 0)
          g_hash_table_iter_remove (&iter);
    }

  kept = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->settled_ids);
  while (g_hash_table_iter_next (&iter, &id, &created) && kept->len < IMPORT_MARGIN_IDS)
    g_ptr_array_add (kept, id);
  g_ptr_array_add (kept, NULL);
  g_free (self->run->recent_ids);
  self->run->recent_ids = g_strjoinv (",", (char **) kept->pdata);
}

/* Where a check must start looking: a millisecond before the oldest
 * anchor of the unsettled batches (the newest createdTime known when each
 * was first sent) or, with none in flight, before the newest createdTime
 * known. Whatever an unsettled batch created was created after its
 * anchor: the anchor came with an answer received before it was sent. */
void
_hangar_importer_update_check_since (HangarImporter *self)
{
  const char *oldest = self->max_created;

  for (GList *l = self->batches.head; l != NULL; l = l->next)
    {
      ImportBatch *batch = l->data;

      /* Sent before any answer came: no bound but the start of the run. */
      if (batch->sent && batch->anchor == NULL)
        {
          g_clear_pointer (&self->run->check_since, g_free);
          return;
        }
      if (batch->anchor != NULL && (oldest == NULL || g_strcmp0 (batch->anchor, oldest) < 0))
        oldest = batch->anchor;
    }
  if (oldest != NULL)
    {
      g_free (self->run->check_since);
      self->run->check_since = _hangar_importer_just_before (oldest);
    }
}

static void
sample_failure (HangarImporter *self,
                ImportRow      *row)
{
  if (self->samples->len > IMPORT_MAX_SAMPLES)
    return;
  g_ptr_array_insert (self->samples, self->samples->len - 1,
                      g_strdup_printf ("line %" G_GUINT64_FORMAT ": %s", row->line, row->problem));
}

static gboolean
batch_settled (ImportBatch *batch)
{
  for (guint i = 0; i < batch->rows->len; i++)
    if (((ImportRow *) g_ptr_array_index (batch->rows, i))->state == ROW_PENDING)
      return FALSE;
  return TRUE;
}

/* Takes the settled batches off the front of the queue. */
static void
settle (HangarImporter *self)
{
  gboolean any = FALSE;

  while (!g_queue_is_empty (&self->batches))
    {
      ImportBatch *batch = g_queue_peek_head (&self->batches);

      /* Done, or every row settled while it waited (a check found them). */
      if (batch->state != BATCH_DONE &&
          !((batch->state == BATCH_NEW || batch->state == BATCH_READY) && batch_settled (batch)))
        break;
      g_queue_pop_head (&self->batches);
      for (guint i = 0; i < batch->rows->len; i++)
        {
          ImportRow *row = g_ptr_array_index (batch->rows, i);

          if (row->state == ROW_FAILED)
            {
              self->n_failed++;
              self->run->failed++;
              append_failed_row (self, row);
              sample_failure (self, row);
            }
          else if (row->created)
            {
              self->n_created++;
              self->run->created++;
              if (row->record_id != NULL && row->created_time != NULL)
                g_hash_table_insert (self->settled_ids, g_strdup (row->record_id), g_strdup (row->created_time));
            }
          else
            {
              self->n_updated++;
              self->run->updated++;
            }
          self->run->rows_done = row->index + 1;
        }
      self->n_done = self->run->rows_done;
      self->settled_since_save++;
      _hangar_import_batch_free (batch);
      any = TRUE;
    }
  if (any)
    {
      flush_failed (self);
      _hangar_importer_notify_counts (self);
    }
  _hangar_importer_save_progress (self, FALSE);
}

/* ---- sending ---- */

static gboolean
row_level_error (const GError *error)
{
  const char *type;

  if (error == NULL || error->domain != HANGAR_API_ERROR)
    return FALSE;
  if (error->code != HANGAR_API_ERROR_UNPROCESSABLE && error->code != HANGAR_API_ERROR_INVALID_REQUEST &&
      error->code != HANGAR_API_ERROR_REQUEST_TOO_LARGE)
    return FALSE;
  /* A field that is gone fails every row: the table changed. */
  type = hangar_api_error_get_server_type (error);
  return g_strcmp0 (type, "UNKNOWN_FIELD_NAME") != 0;
}

static char *
describe_server_error (const GError *error)
{
  const char *type = error->domain == HANGAR_API_ERROR ? hangar_api_error_get_server_type (error) : NULL;
  const char *message = error->domain == HANGAR_API_ERROR ? hangar_api_error_get_server_message (error) : NULL;

  if (type != NULL && message != NULL && message[0] != '\0')
    return g_strdup_printf ("Airtable refused it: %s (%s)", message, type);
  return g_strdup_printf ("Airtable refused it: %s", error->message);
}

/* Replaces @batch in the queue by one batch per pending row (failed rows
 * go along with the row before them). */
static void
split_batch (HangarImporter *self,
             ImportBatch    *batch)
{
  GList *link = g_queue_find (&self->batches, batch);
  ImportBatch *current = NULL;
  gboolean current_pending = FALSE;
  gsize n = 0;
  g_autofree ImportRow **rows = (ImportRow **) g_ptr_array_steal (batch->rows, &n);

  g_assert (link != NULL);
  for (gsize i = 0; i < n; i++)
    {
      ImportRow *row = rows[i];

      if (current == NULL || (row->state == ROW_PENDING && current_pending))
        {
          current = g_new0 (ImportBatch, 1);
          current->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) _hangar_import_row_free);
          current->recheck = batch->recheck;
          current_pending = FALSE;
          g_queue_insert_before (&self->batches, link, current);
        }
      g_ptr_array_add (current->rows, row);
      if (row->state == ROW_PENDING)
        current_pending = TRUE;
    }
  g_queue_delete_link (&self->batches, link);
  _hangar_import_batch_free (batch);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendOp *op = user_data;
  HangarImporter *self = op->self;
  ImportBatch *batch = op->batch;
  g_autoptr(HangarBatchResult) written = NULL;
  g_autoptr(GError) error = NULL;
  HangarBatchItemStatus status;
  gboolean answered = FALSE;

  if (self->plan->upsert)
    written = hangar_client_upsert_records_finish (HANGAR_CLIENT (object), result, &error);
  else
    written = hangar_client_create_records_finish (HANGAR_CLIENT (object), result, &error);

  self->n_busy--;
  self->n_writing--;
  for (guint i = 0; i < op->rows->len; i++)
    {
      ImportRow *row = g_ptr_array_index (op->rows, i);

      if (row->merge_key != NULL)
        g_hash_table_remove (self->busy_keys, row->merge_key);
    }

  if (written == NULL)
    {
      /* Refused before anything was sent. */
      batch->state = BATCH_READY;
      _hangar_importer_stop (self, g_steal_pointer (&error));
      send_op_free (op);
      return;
    }

  status = hangar_batch_result_get_status (written, 0);
  /* A success answer that cannot be read: most likely applied, and
   * nothing of it can come later. */
  if ((status == HANGAR_BATCH_ITEM_FAILED || status == HANGAR_BATCH_ITEM_UNCERTAIN) &&
      g_error_matches (hangar_batch_result_get_item_error (written, 0), HANGAR_API_ERROR,
                       HANGAR_API_ERROR_INVALID_RESPONSE) &&
      hangar_api_error_get_http_status (hangar_batch_result_get_item_error (written, 0)) / 100 == 2)
    {
      status = HANGAR_BATCH_ITEM_UNCERTAIN;
      answered = TRUE;
    }
  switch (status)
    {
    case HANGAR_BATCH_ITEM_WRITTEN:
      for (guint i = 0; i < op->rows->len && i < hangar_batch_result_get_n_items (written); i++)
        {
          ImportRow *row = g_ptr_array_index (op->rows, i);
          HangarRecord *record = hangar_batch_result_get_record (written, i);

          row->state = ROW_WRITTEN;
          row->created = self->plan->upsert ? hangar_batch_result_get_created (written, i) : TRUE;
          g_clear_pointer (&row->fields, json_object_unref);
          if (row->created && record != NULL && hangar_record_get_created_time (record) != NULL)
            {
              GDateTime *time = hangar_record_get_created_time (record);
              g_autofree char *base = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

              row->created_time = g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (time) / 1000);
              row->record_id = g_strdup (hangar_record_get_id (record));
              g_hash_table_insert (self->recent_ids, g_strdup (row->record_id), g_strdup (row->created_time));
              if (g_strcmp0 (row->created_time, self->max_created) > 0)
                {
                  g_free (self->max_created);
                  self->max_created = g_strdup (row->created_time);
                }
            }
        }
      batch->state = BATCH_DONE;
      break;

    case HANGAR_BATCH_ITEM_FAILED:
      {
        const GError *item_error = hangar_batch_result_get_item_error (written, 0);

        if (!row_level_error (item_error))
          {
            batch->state = BATCH_READY;
            _hangar_importer_stop (self, g_error_copy (item_error != NULL ? item_error
                                                       : hangar_batch_result_get_error (written)));
            send_op_free (op);
            return;
          }
        if (op->rows->len > 1)
          split_batch (self, batch);
        else
          {
            g_autofree char *problem = describe_server_error (item_error);

            _hangar_import_row_fail (g_ptr_array_index (op->rows, 0), problem);
            batch->state = BATCH_DONE;
          }
      }
      break;

    case HANGAR_BATCH_ITEM_UNCERTAIN:
      /* Unanswered, it may still be applied: checked (or, after an
       * interruption, resumed) only once it no longer can. */
      if (!answered)
        {
          batch->applied_by = g_get_real_time () + _hangar_importer_write_lifetime (self);
          self->uncertain_until = MAX (self->uncertain_until, batch->applied_by / 1000);
        }
      batch->tries++;
      if (batch->tries >= 3)
        {
          batch->state = BATCH_READY;
          _hangar_importer_stop (self, g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE,
                                                    "Airtable did not answer three times in a row (line %"
                                                    G_GUINT64_FORMAT "); the import stopped and can be resumed",
                                                    ((ImportRow *) g_ptr_array_index (op->rows, 0))->line));
          send_op_free (op);
          return;
        }
      if (self->plan->upsert)
        /* Safe to send again: matched on the merge fields. */
        batch->state = BATCH_READY;
      else
        /* Checked once nothing else is in flight (see the pump). */
        batch->state = BATCH_CHECKING;
      break;

    case HANGAR_BATCH_ITEM_NOT_SENT:
    default:
      batch->state = BATCH_READY;
      if (!stopping (self))
        {
          const GError *why = hangar_batch_result_get_error (written);

          _hangar_importer_stop (self, why != NULL ? g_error_copy (why)
                                 : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
        }
      else
        _hangar_importer_pump (self);
      send_op_free (op);
      return;
    }

  send_op_free (op);
  _hangar_importer_pump (self);
}

static void
send_batch (HangarImporter *self,
            ImportBatch    *batch)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  SendOp *op = g_new0 (SendOp, 1);
  HangarWriteFlags flags = self->plan->typecast ? HANGAR_WRITE_TYPECAST : HANGAR_WRITE_NONE;

  op->self = g_object_ref (self);
  op->batch = batch;
  op->rows = g_ptr_array_new ();
  for (guint i = 0; i < batch->rows->len; i++)
    {
      ImportRow *row = g_ptr_array_index (batch->rows, i);

      if (row->state != ROW_PENDING)
        continue;
      g_ptr_array_add (op->rows, row);
      if (self->plan->upsert)
        {
          JsonObject *item = json_object_new ();

          json_object_set_object_member (item, "fields", json_object_ref (row->fields));
          g_ptr_array_add (items, item);
          g_hash_table_add (self->busy_keys, row->merge_key);
        }
      else
        g_ptr_array_add (items, json_object_ref (row->fields));
    }

  batch->state = BATCH_SENDING;
  self->n_busy++;
  self->n_writing++;
  _hangar_importer_start_heartbeat (self);
  if (!batch->sent)
    {
      /* What it creates is younger than the newest answer so far. */
      g_autoptr(GDateTime) server = hangar_client_dup_server_time (self->client);
      g_autoptr(GDateTime) utc = server != NULL ? g_date_time_to_utc (server) : NULL;
      g_autofree char *server_iso = utc != NULL ? g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z") : NULL;
      const char *newest = g_strcmp0 (server_iso, self->max_created) > 0 ? server_iso : self->max_created;

      batch->anchor = g_strdup (newest);
    }
  batch->sent = TRUE;
  /* Never cancelled: a write cut off in flight may still be applied after
   * the check that looks for it (a server that handles it late), so Stop
   * lets it end and learns what it did. */
  if (self->plan->upsert)
    hangar_client_upsert_records_async (self->client, self->base_id, hangar_table_get_id (self->table),
                                        (const char * const *) self->plan->merge_ids, items, flags,
                                        NULL, sent_cb, op);
  else
    hangar_client_create_records_async (self->client, self->base_id, hangar_table_get_id (self->table),
                                        items, flags, NULL, sent_cb, op);
}

static gboolean
has_pending (ImportBatch *batch)
{
  return !batch_settled (batch);
}

static gboolean
needs_names (HangarImporter *self)
{
  if (self->plan->typecast)
    return FALSE;
  for (guint i = 0; i < self->plan->columns->len; i++)
    {
      PlanColumn *column = g_ptr_array_index (self->plan->columns, i);

      if (column->csv != NULL && hangar_csv_field_get_linked_table (column->csv) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
keys_busy (HangarImporter *self,
           ImportBatch    *batch)
{
  for (guint i = 0; i < batch->rows->len; i++)
    {
      ImportRow *row = g_ptr_array_index (batch->rows, i);

      if (row->state == ROW_PENDING && row->merge_key != NULL && g_hash_table_contains (self->busy_keys, row->merge_key))
        return TRUE;
    }
  return FALSE;
}

static void
dispatch (HangarImporter *self)
{
  for (GList *l = self->batches.head; l != NULL && self->n_busy < IMPORT_WINDOW; l = l->next)
    {
      ImportBatch *batch = l->data;

      if (batch->state == BATCH_NEW)
        {
          if (!has_pending (batch))
            {
              batch->state = BATCH_DONE;
              continue;
            }
          if (needs_names (self))
            {
              batch->state = BATCH_NAMING;
              self->n_busy++;
              _hangar_importer_name_links (self, batch);
              /* An upsert keeps file order: later rows may update the
               * same records. */
              if (self->plan->upsert)
                break;
              continue;
            }
          batch->state = BATCH_READY;
        }
      if (batch->state == BATCH_READY)
        {
          if (!has_pending (batch))
            {
              batch->state = BATCH_DONE;
              continue;
            }
          if (self->plan->upsert && keys_busy (self, batch))
            break;
          /* An upsert whose answer never came is sent again once it can no
           * longer be applied: applied late, it could create a record the
           * second send created too. */
          if (batch->applied_by > g_get_real_time ())
            {
              _hangar_importer_start_wait (self, batch->applied_by, FALSE);
              break;
            }
          if (!writes_recorded (self))
            break;
          send_batch (self, batch);
          continue;
        }
      if (batch->state == BATCH_NAMING && self->plan->upsert)
        break;
    }
}

/* ---- reading ---- */

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HangarImporter) self = user_data;
  g_autoptr(GError) error = NULL;
  ImportBatch *batch = _hangar_importer_read_finish (self, result, &error);

  if (error != NULL)
    {
      g_prefix_error (&error, "Reading the file failed: ");
      _hangar_importer_stop (self, g_steal_pointer (&error));
      return;
    }
  if (batch != NULL)
    {
      ImportRow *first = g_ptr_array_index (batch->rows, 0);

      batch->recheck = first->index < self->recheck_until;
      g_queue_push_tail (&self->batches, batch);
    }
  _hangar_importer_pump (self);
}

static void
start_read (HangarImporter *self)
{
  _hangar_importer_read_async (self, self->cancellable, read_cb, g_object_ref (self));
}

/* ---- the loop ---- */

void
_hangar_importer_pump (HangarImporter *self)
{
  if (self->run_task == NULL)
    return;

  settle (self);

  if (stopping (self))
    {
      if (self->n_busy == 0 && !self->reading)
        finish_run (self);
      return;
    }
  if (self->wait_source != 0 || self->probing)
    return;
  if (self->eof && !self->reading && self->carry == NULL && g_queue_is_empty (&self->batches))
    {
      finish_run (self);
      return;
    }

  /* Rows an interrupted run may have sent: read them all, then check. */
  if (self->recheck_until > 0)
    {
      GPtrArray *zone;

      if (self->reading || self->rechecking)
        return;
      if (!self->eof && self->rows_read < self->recheck_until)
        {
          start_read (self);
          return;
        }
      zone = g_ptr_array_new ();
      for (GList *l = self->batches.head; l != NULL; l = l->next)
        {
          ImportBatch *batch = l->data;

          if (batch->recheck)
            {
              g_ptr_array_add (zone, batch);
              for (guint i = 0; i < batch->rows->len; i++)
                if (((ImportRow *) g_ptr_array_index (batch->rows, i))->state == ROW_PENDING)
                  self->n_rechecked++;
            }
        }
      self->recheck_until = 0;
      if (!self->plan->upsert && zone->len > 0)
        {
          self->rechecking = TRUE;
          self->n_busy++;
          _hangar_importer_check_written (self, zone);
          g_ptr_array_unref (zone);
          return;
        }
      /* Upsert: they are simply sent again. */
      g_ptr_array_unref (zone);
    }
  if (self->rechecking)
    return;
  /* A resume looks for the records created just before its first write
   * only now: before its check they would have hidden the interrupted
   * run's newest records from it. */
  if (self->probe_pending)
    {
      self->probe_pending = FALSE;
      probe (self);
      return;
    }

  /* A create whose answer never came: once no other request is in flight
   * (their records would be there unnamed), look its rows up. */
  {
    g_autoptr(GPtrArray) checking = g_ptr_array_new ();
    gboolean others = FALSE;

    for (GList *l = self->batches.head; l != NULL; l = l->next)
      {
        ImportBatch *batch = l->data;

        if (batch->state == BATCH_CHECKING)
          g_ptr_array_add (checking, batch);
        else if (batch->state == BATCH_SENDING || batch->state == BATCH_NAMING)
          others = TRUE;
      }
    if (checking->len > 0)
      {
        if (!others)
          {
            gint64 until = 0;

            /* Not before they can no longer be applied. */
            for (guint i = 0; i < checking->len; i++)
              until = MAX (until, ((ImportBatch *) g_ptr_array_index (checking, i))->applied_by);
            if (until > g_get_real_time ())
              {
                _hangar_importer_start_wait (self, until, FALSE);
                return;
              }
            self->rechecking = TRUE;
            self->n_busy++;
            _hangar_importer_check_written (self, checking);
          }
        return;
      }
  }

  dispatch (self);
  if ((!self->eof || self->carry != NULL) && !self->reading &&
      g_queue_get_length (&self->batches) < IMPORT_WINDOW + 2)
    start_read (self);
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarImporter *self = g_task_get_source_object (task);
  g_autoptr(GError) close_error = NULL;

  if (!g_io_stream_close_finish (G_IO_STREAM (object), result, &close_error) && self->stop_error == NULL)
    {
      self->stop_error = g_error_copy (close_error);
      g_prefix_error (&self->stop_error, "Could not write the failed rows: ");
    }
  if (self->stop_error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->stop_error));
  else if (g_cancellable_is_cancelled (self->cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "The import was cancelled");
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish_run (HangarImporter *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gboolean complete = !stopping (self);

  /* Failed rows reach their file before the progress that counts them. */
  flush_failed (self);
  if (!failed_writes_idle (self))
    return;

  task = g_steal_pointer (&self->run_task);
  g_clear_handle_id (&self->heartbeat_source, g_source_remove);
  _hangar_importer_end_wait (self);
  if (self->store != NULL && self->run != NULL)
    {
      /* Every write was answered, but one whose answer never came. */
      self->run->writes_until = self->uncertain_until;
      if (complete ? !hangar_import_progress_finish (self->store, self->run, &error)
                   : !hangar_import_progress_save (self->store, self->run, &error))
        g_warning ("%s", error->message);
    }
  _hangar_importer_notify_counts (self);

  g_clear_pointer (&self->reader, hangar_csv_reader_free);
  g_clear_object (&self->input);
  g_clear_object (&self->failed_out);
  if (self->failed_io != NULL)
    {
      GIOStream *io = g_steal_pointer (&self->failed_io);

      g_io_stream_close_async (io, G_PRIORITY_DEFAULT, NULL, closed_cb, g_steal_pointer (&task));
      g_object_unref (io);
      return;
    }
  if (self->stop_error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->stop_error));
  else if (!complete)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "The import was cancelled");
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- starting ---- */

static void
known_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HangarImporter) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = hangar_client_list_records_finish (HANGAR_CLIENT (object), result, &error);
  const char *time = g_object_get_data (G_OBJECT (self), "hangar-probe-time");

  self->probing = FALSE;
  if (records == NULL)
    {
      g_prefix_error (&error, "The table cannot be read: ");
      _hangar_importer_stop (self, g_steal_pointer (&error));
      return;
    }
  /* Records as young as the first anchor that were there before: never
   * taken for rows of this import. */
  for (guint i = 0; i < records->len && i < IMPORT_MARGIN_IDS; i++)
    {
      const char *id = hangar_record_get_id (g_ptr_array_index (records, i));

      g_hash_table_insert (self->settled_ids, g_strdup (id), g_strdup (time));
      g_hash_table_insert (self->recent_ids, g_strdup (id), g_strdup (time));
    }
  _hangar_importer_pump (self);
}

static void
probed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarImporter) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = hangar_client_list_records_page_finish (HANGAR_CLIENT (object), result, NULL, &error);
  g_autoptr(GDateTime) server = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(HangarListOptions) options = NULL;
  g_autoptr(HangarFormula) formula = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *since = NULL;
  g_autofree char *text = NULL;

  if (page == NULL)
    {
      self->probing = FALSE;
      g_prefix_error (&error, "The table cannot be read: ");
      _hangar_importer_stop (self, g_steal_pointer (&error));
      return;
    }
  server = hangar_client_dup_server_time (self->client);
  if (server == NULL)
    {
      self->probing = FALSE;
      _hangar_importer_pump (self);
      return;
    }
  utc = g_date_time_to_utc (server);
  iso = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.000Z");
  since = _hangar_importer_just_before (iso);
  formula = hangar_formula_call ("IS_AFTER", hangar_formula_call ("CREATED_TIME", NULL),
                                 hangar_formula_call ("DATETIME_PARSE", hangar_formula_string (since), NULL), NULL);
  text = hangar_formula_to_string (formula);
  options = hangar_list_options_new ();
  hangar_list_options_set_formula (options, text);
  hangar_list_options_set_max_records (options, IMPORT_MARGIN_IDS);
  hangar_list_options_set_fields_by_id (options, TRUE);
  if (hangar_table_get_primary_field (self->table) != NULL)
    hangar_list_options_add_field (options, hangar_field_get_id (hangar_table_get_primary_field (self->table)));
  g_object_set_data_full (G_OBJECT (self), "hangar-probe-time", g_steal_pointer (&iso), g_free);
  hangar_client_list_records_async (self->client, self->base_id, hangar_table_get_id (self->table), options,
                                    self->cancellable, known_cb, g_object_ref (self));
}

/* Before the first write: a small read (the table can be reached, and the
 * answer's Date is the server's clock), then the records created in the
 * second before that Date, which a check must never take for this
 * import's rows (the created times of its first batches are bounded by
 * that Date, to the second). */
static void
probe (HangarImporter *self)
{
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  HangarField *primary = hangar_table_get_primary_field (self->table);

  hangar_list_options_set_max_records (options, 1);
  hangar_list_options_set_page_size (options, 1);
  if (primary != NULL)
    hangar_list_options_add_field (options, hangar_field_get_id (primary));
  hangar_list_options_set_fields_by_id (options, TRUE);
  self->probing = TRUE;
  hangar_client_list_records_page_async (self->client, self->base_id, hangar_table_get_id (self->table), options,
                                         NULL, self->cancellable, probed_cb, g_object_ref (self));
}

typedef struct
{
  char          *sha256;
  gboolean       resume;
  guint64        failed_bytes;
  GFile         *failed_file;
  GFileInputStream *input;
  GIOStream     *failed_io;
  char          *failed_header;   /* the failed file's header row, written when it is new */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->sha256);
  g_clear_object (&data->failed_file);
  g_clear_object (&data->input);
  g_clear_object (&data->failed_io);
  g_free (data->failed_header);
  g_free (data);
}

/* In a thread: the file must still be the one that was checked; the
 * failed-rows file is opened to append (cut back to what the saved
 * progress counts) or created. */
static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HangarImporter *self = source_object;
  OpenData *data = task_data;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GFileInputStream) raw = NULL;
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  GError *error = NULL;

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
  if (!g_str_equal (g_checksum_get_string (checksum), data->sha256))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_WOULD_MERGE, "%s",
                   "The file changed since it was checked; check it again before importing");
      goto fail;
    }
  data->input = g_file_read (self->file, cancellable, &error);
  if (data->input == NULL)
    goto fail;

  if (data->failed_file != NULL)
    {
      if (data->resume && g_file_query_exists (data->failed_file, cancellable))
        {
          GFileIOStream *io = g_file_open_readwrite (data->failed_file, cancellable, &error);

          if (io == NULL)
            goto fail;
          data->failed_io = G_IO_STREAM (io);
          /* Rows after the saved progress are written again. */
          if (!g_seekable_truncate (G_SEEKABLE (io), data->failed_bytes, cancellable, &error) ||
              !g_seekable_seek (G_SEEKABLE (io), 0, G_SEEK_END, cancellable, &error))
            goto fail;
        }
      else
        {
          GFileIOStream *io = g_file_replace_readwrite (data->failed_file, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                                        cancellable, &error);
          GOutputStream *out;
          gsize written = 0;

          if (io == NULL)
            goto fail;
          data->failed_io = G_IO_STREAM (io);
          out = g_io_stream_get_output_stream (data->failed_io);
          if (!g_output_stream_write_all (out, data->failed_header, strlen (data->failed_header), &written,
                                          cancellable, &error))
            goto fail;
          data->failed_bytes = written;
        }
    }
  g_task_return_boolean (task, TRUE);
  return;

fail:
  g_task_return_error (task, error);
}

static char *
describe_settings (HangarImporter *self)
{
  GString *out = g_string_new ("v1");

  g_string_append_printf (out, ";mode=%s", self->plan->upsert ? "upsert" : "create");
  if (self->plan->merge_ids != NULL)
    {
      g_autofree char *merge = g_strjoinv (",", self->plan->merge_ids);

      g_string_append_printf (out, ";merge=%s", merge);
    }
  g_string_append_printf (out, ";typecast=%d;columns=", self->plan->typecast ? 1 : 0);
  for (guint i = 0; i < self->plan->columns->len; i++)
    {
      PlanColumn *column = g_ptr_array_index (self->plan->columns, i);

      g_string_append_printf (out, "%s%s", i > 0 ? "," : "", column->field_id != NULL ? column->field_id : "-");
    }
  return g_string_free (out, FALSE);
}

static char *
failed_header (HangarImporter *self)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  GString *out = g_string_new ("\xEF\xBB\xBF");

  for (guint i = 0; i + 1 < self->header->len; i++)
    g_ptr_array_add (cells, g_ptr_array_index (self->header, i));
  if (self->plan->error_column < 0)
    g_ptr_array_add (cells, (char *) HANGAR_IMPORT_ERROR_COLUMN);
  hangar_csv_append_row (out, (const char * const *) cells->pdata, cells->len, NULL, TRUE);
  return g_string_free (out, FALSE);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *open_task = G_TASK (result);
  HangarImporter *self = HANGAR_IMPORTER (object);
  OpenData *data = g_task_get_task_data (open_task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (open_task, &error))
    {
      GTask *task = g_steal_pointer (&self->run_task);

      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  self->input = G_INPUT_STREAM (g_steal_pointer (&data->input));
  self->reader = hangar_csv_reader_new (self->input, self->delimiter);
  if (data->failed_io != NULL)
    {
      self->failed_io = g_steal_pointer (&data->failed_io);
      self->failed_out = g_object_ref (g_io_stream_get_output_stream (self->failed_io));
      self->failed_buffer = g_string_new (NULL);
    }

  if (self->store != NULL)
    {
      if (data->resume)
        {
          self->run->failed_bytes = data->failed_bytes;
          if (!hangar_import_progress_save (self->store, self->run, &error))
            g_warning ("%s", error->message);
        }
      else
        {
          if (!hangar_import_progress_start (self->store, self->run, &error))
            {
              g_prefix_error (&error, "Could not keep the import's progress: ");
              g_task_return_error (self->run_task, g_steal_pointer (&error));
              g_clear_object (&self->run_task);
              return;
            }
          self->run->failed_bytes = data->failed_bytes;
        }
    }
  else
    self->run->failed_bytes = data->failed_bytes;

  self->saved_at = g_get_monotonic_time ();
  self->saved_writing = FALSE;
  _hangar_importer_notify_counts (self);
  if (data->resume)
    {
      self->probe_pending = TRUE;
      _hangar_importer_wait_for_writes (self);
    }
  else
    probe (self);
}

/**
 * hangar_importer_run_async:
 * @self: a scanned, mapped #HangarImporter
 * @cancellable: (nullable): stops the import (what is in flight ends first)
 * @callback: called when every row is settled, or the import stopped
 * @user_data: data for @callback
 */
void
hangar_importer_run_async (HangarImporter      *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) open_task = NULL;
  OpenData *data;
  g_autofree char *settings = NULL;
  g_autoptr(HangarImportRun) previous = NULL;

  g_return_if_fail (HANGAR_IS_IMPORTER (self));
  g_return_if_fail (self->run_task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_importer_run_async);
  if (!hangar_importer_check (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&self->plan, _hangar_import_plan_unref);
  self->plan = _hangar_importer_build_plan (self);
  settings = describe_settings (self);
  g_clear_object (&self->cancellable);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  g_clear_pointer (&self->busy_keys, g_hash_table_unref);
  self->busy_keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_clear_pointer (&self->names, g_hash_table_unref);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  g_clear_pointer (&self->recent_ids, g_hash_table_unref);
  self->recent_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_clear_pointer (&self->settled_ids, g_hash_table_unref);
  self->settled_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_clear_pointer (&self->max_created, g_free);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    /* Before any record is created here: a generous margin for clocks. */
    g_autoptr(GDateTime) start = g_date_time_add_minutes (now, -10);

    g_free (self->start_time);
    self->start_time = g_date_time_format (start, "%Y-%m-%dT%H:%M:%S.000Z");
  }

  data = g_new0 (OpenData, 1);
  data->sha256 = g_strdup (self->sha256);
  data->failed_file = self->failed_file != NULL ? g_object_ref (self->failed_file) : NULL;
  data->failed_header = failed_header (self);

  g_clear_pointer (&self->run, hangar_import_run_free);
  if (self->store != NULL)
    {
      if (!hangar_import_progress_ensure (self->store, &error) ||
          ((previous = hangar_import_progress_lookup (self->store, self->sha256, self->base_id,
                                                      hangar_table_get_id (self->table), &error)) == NULL &&
           error != NULL))
        {
          g_prefix_error (&error, "Could not read the progress of earlier imports: ");
          g_task_return_error (task, g_steal_pointer (&error));
          open_data_free (data);
          return;
        }
    }

  /* An upsert is safe to run again from the first row (rows written
   * before are matched and updated), unless it can resume. */
  if (previous != NULL && self->plan->upsert &&
      (previous->finished_at != 0 || !g_str_equal (previous->settings, settings)))
    g_clear_pointer (&previous, hangar_import_run_free);

  if (previous != NULL && self->resume == HANGAR_IMPORT_RESUME_AUTO)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (previous->finished_at != 0 ? previous->finished_at
                                                                   : previous->updated_at);
      g_autofree char *date = g_date_time_format (when, "%Y-%m-%d %H:%M");

      if (previous->finished_at != 0)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                                   "This file was imported into this table on %s (%" G_GUINT64_FORMAT " created, %"
                                   G_GUINT64_FORMAT " updated, %" G_GUINT64_FORMAT " failed); importing it again "
                                   "would add its rows once more", date, previous->created, previous->updated,
                                   previous->failed);
          open_data_free (data);
          return;
        }
      if (!g_str_equal (previous->settings, settings))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                                   "An import of this file into this table stopped on %s after %" G_GUINT64_FORMAT
                                   " of %" G_GUINT64_FORMAT " rows, with other settings (columns, matching or "
                                   "typecast); use the same settings to resume it, or start again",
                                   date, previous->rows_done, previous->total_rows);
          open_data_free (data);
          return;
        }
      /* Resume. */
      self->run = g_steal_pointer (&previous);
      /* A check without a saved bound looks from the interrupted run's
       * start (this machine's clock, with a generous margin). */
      {
        g_autoptr(GDateTime) started = g_date_time_new_from_unix_utc (self->run->started_at);
        g_autoptr(GDateTime) start = g_date_time_add_minutes (started, -10);

        g_free (self->start_time);
        self->start_time = g_date_time_format (start, "%Y-%m-%dT%H:%M:%S.000Z");
      }
      data->resume = TRUE;
      data->failed_bytes = self->run->failed_bytes;
      if (self->run->failed_path != NULL)
        {
          g_clear_object (&data->failed_file);
          data->failed_file = g_file_new_for_path (self->run->failed_path);
        }
      self->n_resumed = self->run->rows_done;
      self->n_done = self->run->rows_done;
      self->n_created = self->run->created;
      self->n_updated = self->run->updated;
      self->n_failed = self->run->failed;
      self->recheck_until = self->run->rows_done + IMPORT_UNCERTAIN_ROWS;
      /* Every record the interrupted run created is older than this. */
      self->max_created = g_strdup (self->run->check_since);
      /* The records settled just before the interruption are known. */
      if (self->run->recent_ids != NULL && self->run->check_since != NULL)
        {
          g_auto(GStrv) ids = g_strsplit (self->run->recent_ids, ",", -1);

          for (guint i = 0; ids[i] != NULL; i++)
            if (ids[i][0] != '\0')
              {
                g_hash_table_insert (self->settled_ids, g_strdup (ids[i]), g_strdup (self->run->check_since));
                g_hash_table_insert (self->recent_ids, g_strdup (ids[i]), g_strdup (self->run->check_since));
              }
        }
    }
  else
    {
      self->run = g_new0 (HangarImportRun, 1);
      self->run->file_sha256 = g_strdup (self->sha256);
      self->run->base_id = g_strdup (self->base_id);
      self->run->table_id = g_strdup (hangar_table_get_id (self->table));
      self->run->settings = g_strdup (settings);
      self->run->file_name = g_file_get_basename (self->file);
      self->run->total_rows = self->n_rows;
      self->run->failed_path = self->failed_file != NULL ? g_file_get_path (self->failed_file) : NULL;
      self->n_resumed = self->n_done = self->n_created = self->n_updated = self->n_failed = 0;
      self->recheck_until = 0;
    }
  g_free (self->settings);
  self->settings = g_steal_pointer (&settings);

  self->rows_read = 0;
  self->header_read = FALSE;
  self->eof = FALSE;
  self->n_rechecked = 0;
  self->rechecking = FALSE;
  self->probe_pending = self->probing = FALSE;
  self->n_writing = 0;
  self->uncertain_until = 0;
  self->run_task = g_steal_pointer (&task);

  open_task = g_task_new (self, self->cancellable, opened_cb, NULL);
  g_task_set_task_data (open_task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (open_task, open_thread);
}

gboolean
hangar_importer_run_finish (HangarImporter  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
