/* hangar-cache-write.c — HangarCache's writes to records, on the worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-cache-private.h"
#include "hangar-json.h"

/* One write job. Built on the main thread, then owned by the worker until
 * it completes; nothing in it is shared with the main thread meanwhile. */
struct _HangarCacheWrite
{
  char       *base_id;
  char       *table_id;
  GPtrArray  *records;      /* HangarRecord (by field id), owned by this job only */
  GPtrArray  *rows;         /* HangarCacheRow* */
  GPtrArray  *patch_ids;    /* char* */
  GPtrArray  *patches;      /* JsonObject* */
  GPtrArray  *deletes;      /* char* */
  GStrv       drop_fields;
  GHashTable *keep_only;    /* record id set, or NULL */
  gint64      generation;   /* > 0: a full fetch's page */
  gint64      finish_full;  /* > 0: end of that full fetch */
};

static void
row_free (HangarCacheRow *row)
{
  hangar_cache_row_clear (row);
  g_free (row);
}

HangarCacheWrite *
hangar_cache_write_new (const char *base_id,
                        const char *table_id)
{
  HangarCacheWrite *write = g_new0 (HangarCacheWrite, 1);

  g_return_val_if_fail (base_id != NULL && table_id != NULL, NULL);

  write->base_id = g_strdup (base_id);
  write->table_id = g_strdup (table_id);
  write->records = g_ptr_array_new_with_free_func (g_object_unref);
  write->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  write->patch_ids = g_ptr_array_new_with_free_func (g_free);
  write->patches = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  write->deletes = g_ptr_array_new_with_free_func (g_free);
  return write;
}

void
hangar_cache_write_free (HangarCacheWrite *write)
{
  if (write == NULL)
    return;
  g_free (write->base_id);
  g_free (write->table_id);
  g_ptr_array_unref (write->records);
  g_ptr_array_unref (write->rows);
  g_ptr_array_unref (write->patch_ids);
  g_ptr_array_unref (write->patches);
  g_ptr_array_unref (write->deletes);
  g_strfreev (write->drop_fields);
  g_clear_pointer (&write->keep_only, g_hash_table_unref);
  g_free (write);
}

/**
 * hangar_cache_write_add_records:
 * @write: a write
 * @records: (element-type HangarRecord): records listed with
 *   returnFieldsByFieldId; a reference to each is taken, and they must not
 *   be used elsewhere until the write completes (their cells are read on
 *   the worker thread)
 */
void
hangar_cache_write_add_records (HangarCacheWrite *write,
                                GPtrArray        *records)
{
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (write->records, g_object_ref (g_ptr_array_index (records, i)));
}

void
hangar_cache_write_add_row (HangarCacheWrite *write,
                            const char       *record_id,
                            gint64            created_us,
                            const char       *cells)
{
  HangarCacheRow *row = g_new0 (HangarCacheRow, 1);

  row->record_id = g_strdup (record_id);
  row->created_us = created_us;
  row->cells = g_strdup (cells != NULL ? cells : "{}");
  g_ptr_array_add (write->rows, row);
}

void
hangar_cache_write_patch (HangarCacheWrite *write,
                          const char       *record_id,
                          JsonObject       *cells)
{
  g_ptr_array_add (write->patch_ids, g_strdup (record_id));
  g_ptr_array_add (write->patches, _hangar_json_object_deep_copy (cells));
}

void
hangar_cache_write_delete (HangarCacheWrite *write,
                           const char       *record_id)
{
  g_ptr_array_add (write->deletes, g_strdup (record_id));
}

void
hangar_cache_write_drop_fields (HangarCacheWrite   *write,
                                const char * const *field_ids)
{
  g_auto(GStrv) old = g_steal_pointer (&write->drop_fields);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (old != NULL)
    g_strv_builder_addv (builder, (const char **) old);
  g_strv_builder_addv (builder, (const char **) field_ids);
  write->drop_fields = g_strv_builder_end (builder);
}

void
hangar_cache_write_set_generation (HangarCacheWrite *write,
                                   gint64            generation)
{
  write->generation = generation;
}

void
hangar_cache_write_finish_full (HangarCacheWrite *write,
                                gint64            generation)
{
  write->finish_full = generation;
}

/**
 * hangar_cache_write_keep_only:
 * @write: a write
 * @ids: (element-type utf8 utf8): every record id of the table (a set; a
 *   reference is taken)
 */
void
hangar_cache_write_keep_only (HangarCacheWrite *write,
                              GHashTable       *ids)
{
  g_clear_pointer (&write->keep_only, g_hash_table_unref);
  write->keep_only = g_hash_table_ref (ids);
}

gint64
hangar_cache_begin_full (HangarCache  *self,
                         const char   *base_id,
                         const char   *table_id,
                         GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  sqlite3 *db;
  gint64 key;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), -1);

  db = hangar_store_get_db (self->store);
  key = _hangar_cache_table_key (db, base_id, table_id, TRUE, error);
  if (key <= 0)
    return -1;
  stmt = hangar_store_prepare (self->store,
                               "UPDATE cache_table SET generation = generation + 1 WHERE id = ?1 "
                               "RETURNING generation", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      GError *local = NULL;

      hangar_store_set_error (&local, db, rc, "Could not start a full fetch");
      _hangar_cache_check_damage (self, local);
      g_propagate_error (error, local);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* ---- on the worker thread ---- */

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *find;
  sqlite3_stmt *insert;
  sqlite3_stmt *update;
  sqlite3_stmt *touch;
  sqlite3_stmt *remove;
  gint64        key;
  gint64        next_position;
  gint64        generation;
  HangarCacheChange *change;
} Writer;

static void
writer_clear (Writer *w)
{
  sqlite3_finalize (w->find);
  sqlite3_finalize (w->insert);
  sqlite3_finalize (w->update);
  sqlite3_finalize (w->touch);
  sqlite3_finalize (w->remove);
}

static gboolean
prepare (Writer        *w,
         const char    *sql,
         sqlite3_stmt **out,
         GError       **error)
{
  int rc = sqlite3_prepare_v2 (w->db, sql, -1, out, NULL);

  if (rc != SQLITE_OK)
    return hangar_store_set_error (error, w->db, rc, "Could not prepare a cache statement");
  return TRUE;
}

/* Finds @record_id: its rowid and (when @cells is given) its cells; 0
 * when not cached. */
static gint64
find_row (Writer      *w,
          const char  *record_id,
          char       **cells,
          GError     **error)
{
  gint64 rowid = 0;
  int rc;

  sqlite3_reset (w->find);
  sqlite3_bind_int64 (w->find, 1, w->key);
  sqlite3_bind_text (w->find, 2, record_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (w->find);
  if (rc == SQLITE_ROW)
    {
      rowid = sqlite3_column_int64 (w->find, 0);
      if (cells != NULL)
        *cells = g_strndup ((const char *) sqlite3_column_text (w->find, 1), sqlite3_column_bytes (w->find, 1));
    }
  else if (rc != SQLITE_DONE)
    {
      hangar_store_set_error (error, w->db, rc, "Could not read a cached record");
      rowid = -1;
    }
  sqlite3_reset (w->find);
  return rowid;
}

static gboolean
step_done (Writer      *w,
           sqlite3_stmt *stmt,
           const char  *doing,
           GError     **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return hangar_store_set_error (error, w->db, rc, doing);
  return TRUE;
}

/* Inserts or replaces one full record. */
static gboolean
put_row (Writer      *w,
         const char  *record_id,
         gint64       created_us,
         const char  *cells,
         GError     **error)
{
  g_autofree char *old = NULL;
  gint64 rowid = find_row (w, record_id, &old, error);

  if (rowid < 0)
    return FALSE;
  if (rowid == 0)
    {
      sqlite3_bind_int64 (w->insert, 1, w->key);
      sqlite3_bind_text (w->insert, 2, record_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (w->insert, 3, w->next_position++);
      sqlite3_bind_int64 (w->insert, 4, created_us);
      sqlite3_bind_int64 (w->insert, 5, w->generation);
      sqlite3_bind_text (w->insert, 6, cells, -1, SQLITE_STATIC);
      if (!step_done (w, w->insert, "Could not cache a record", error))
        return FALSE;
      rowid = sqlite3_last_insert_rowid (w->db);
      g_array_append_val (w->change->inserted, rowid);
      return TRUE;
    }
  if (g_strcmp0 (old, cells) != 0)
    {
      sqlite3_bind_text (w->update, 1, cells, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (w->update, 2, w->generation);
      sqlite3_bind_int64 (w->update, 3, rowid);
      if (!step_done (w, w->update, "Could not update a cached record", error))
        return FALSE;
      g_array_append_val (w->change->updated, rowid);
    }
  else if (w->generation > 0)
    {
      sqlite3_bind_int64 (w->touch, 1, w->generation);
      sqlite3_bind_int64 (w->touch, 2, rowid);
      if (!step_done (w, w->touch, "Could not update a cached record", error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
patch_row (Writer      *w,
           const char  *record_id,
           JsonObject  *patch,
           GError     **error)
{
  g_autofree char *old = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) bad = NULL;
  gint64 rowid = find_row (w, record_id, &old, error);
  JsonObjectIter iter;
  const char *field_id;
  JsonNode *value;
  JsonObject *cells;

  if (rowid <= 0)
    return rowid == 0;   /* not cached: the next fetch brings it whole */

  root = hangar_json_parse (old, -1, 0, NULL, &bad);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      /* Our own text that does not read back; the patch alone is all we know. */
      g_warning ("The cached cells of %s do not read back: %s", record_id, bad != NULL ? bad->message : "not an object");
      g_clear_pointer (&root, json_node_unref);
      root = json_node_init_object (json_node_alloc (), json_object_new ());
    }
  cells = json_node_get_object (root);
  json_object_iter_init (&iter, patch);
  while (json_object_iter_next (&iter, &field_id, &value))
    {
      if (JSON_NODE_HOLDS_NULL (value))
        json_object_remove_member (cells, field_id);
      else
        json_object_set_member (cells, field_id, _hangar_json_node_deep_copy (value));
    }
  text = hangar_json_to_string (root, -1);
  if (g_strcmp0 (text, old) == 0)
    return TRUE;

  sqlite3_bind_text (w->update, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (w->update, 2, w->generation);
  sqlite3_bind_int64 (w->update, 3, rowid);
  if (!step_done (w, w->update, "Could not update a cached record", error))
    return FALSE;
  g_array_append_val (w->change->updated, rowid);
  return TRUE;
}

static gboolean
delete_row (Writer      *w,
            gint64       rowid,
            GError     **error)
{
  sqlite3_bind_int64 (w->remove, 1, rowid);
  if (!step_done (w, w->remove, "Could not delete a cached record", error))
    return FALSE;
  g_array_append_val (w->change->deleted, rowid);
  return TRUE;
}

/* Deletes every row of the table that @keep says to drop. */
typedef gboolean (*KeepFunc) (sqlite3_stmt *row, gpointer data);

static gboolean
delete_unless (Writer      *w,
               const char  *sql,
               KeepFunc     keep,
               gpointer     data,
               GError     **error)
{
  g_autoptr(GArray) doomed = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *scan = NULL;
  int rc;

  if (!prepare (w, sql, &scan, error))
    return FALSE;
  sqlite3_bind_int64 (scan, 1, w->key);
  sqlite3_bind_int64 (scan, 2, w->generation);
  while ((rc = sqlite3_step (scan)) == SQLITE_ROW)
    if (!keep (scan, data))
      {
        gint64 rowid = sqlite3_column_int64 (scan, 0);

        g_array_append_val (doomed, rowid);
      }
  sqlite3_finalize (scan);
  if (rc != SQLITE_DONE)
    return hangar_store_set_error (error, w->db, rc, "Could not read the cached records");
  for (guint i = 0; i < doomed->len; i++)
    if (!delete_row (w, g_array_index (doomed, gint64, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
keep_in_set (sqlite3_stmt *row,
             gpointer      data)
{
  return g_hash_table_contains (data, sqlite3_column_text (row, 1));
}

static gboolean
keep_none (sqlite3_stmt *row,
           gpointer      data)
{
  return FALSE;
}

/* The cells of a record listed by field id, as compact JSON: the text the
 * record holds, not parsed and written again. */
static char *
record_cells (HangarRecord *record)
{
  return hangar_record_dup_fields_text (record);
}

static gint64
record_created_us (HangarRecord *record)
{
  GDateTime *created = hangar_record_get_created_time (record);

  if (created == NULL)
    return 0;
  return g_date_time_to_unix (created) * G_USEC_PER_SEC + g_date_time_get_microsecond (created);
}

/* A full fetch reads a table in parts side by side (hangar-fetch.c), and
 * its records are stored as the parts come. A table with no view or sort
 * shows them in the order they were made, as Airtable lists such a table;
 * those made at the same instant keep the order they came in. Rows on
 * screen stay where they are (nothing moves under the user's cursor or
 * editor); the table opens in this order next time. On the store's
 * worker, once per full fetch: 145 ms for 20,000 records all moved
 * (tests/store/bench-sync.c --records 20000 --fill-latency 300). */
static gboolean
order_by_creation (Writer  *w,
                   GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!prepare (w, "UPDATE cache_record SET position = o.n"
                   " FROM (SELECT rowid AS r, row_number () OVER (ORDER BY created_us, position) - 1 AS n"
                   "       FROM cache_record WHERE table_key = ?1) AS o"
                   " WHERE cache_record.rowid = o.r AND cache_record.position <> o.n", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, w->key);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return hangar_store_set_error (error, w->db, rc, "Could not put the cached records in order");

  if (!prepare (w, "SELECT count (*) FROM cache_record WHERE table_key = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, w->key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    w->next_position = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return hangar_store_set_error (error, w->db, rc, "Could not count the cached records");
  return TRUE;
}

static gboolean
run_write (Writer           *w,
           HangarCacheWrite *write,
           GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  w->key = _hangar_cache_table_key (w->db, write->base_id, write->table_id, TRUE, error);
  if (w->key <= 0)
    return FALSE;

  if (!prepare (w, "SELECT next_position FROM cache_table WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, w->key);
  rc = sqlite3_step (stmt);
  w->next_position = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return hangar_store_set_error (error, w->db, rc, "Could not read a cached table");

  if (!prepare (w, "SELECT rowid, cells FROM cache_record WHERE table_key = ?1 AND record_id = ?2", &w->find, error) ||
      !prepare (w, "INSERT INTO cache_record (table_key, record_id, position, created_us, generation, cells) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &w->insert, error) ||
      !prepare (w, "UPDATE cache_record SET cells = ?1, generation = max (generation, ?2) WHERE rowid = ?3",
                &w->update, error) ||
      !prepare (w, "UPDATE cache_record SET generation = max (generation, ?1) WHERE rowid = ?2", &w->touch, error) ||
      !prepare (w, "DELETE FROM cache_record WHERE rowid = ?1", &w->remove, error))
    return FALSE;

  for (guint i = 0; i < write->records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (write->records, i);
      g_autofree char *cells = record_cells (record);

      if (!put_row (w, hangar_record_get_id (record), record_created_us (record), cells, error))
        return FALSE;
    }
  for (guint i = 0; i < write->rows->len; i++)
    {
      HangarCacheRow *row = g_ptr_array_index (write->rows, i);

      if (!put_row (w, row->record_id, row->created_us, row->cells, error))
        return FALSE;
    }
  for (guint i = 0; i < write->patches->len; i++)
    if (!patch_row (w, g_ptr_array_index (write->patch_ids, i), g_ptr_array_index (write->patches, i), error))
      return FALSE;
  for (guint i = 0; i < write->deletes->len; i++)
    {
      gint64 rowid = find_row (w, g_ptr_array_index (write->deletes, i), NULL, error);

      if (rowid < 0 || (rowid > 0 && !delete_row (w, rowid, error)))
        return FALSE;
    }

  if (write->drop_fields != NULL && write->drop_fields[0] != NULL)
    {
      g_autoptr(GString) sql = g_string_new ("UPDATE cache_record SET cells = json_remove (cells");

      /* Field ids are letters and digits (checked by the caller), so they
       * are safe in a JSON path; still, each goes in as a parameter. */
      for (guint i = 0; write->drop_fields[i] != NULL; i++)
        g_string_append_printf (sql, ", '$.' || ?%u", i + 2);
      g_string_append (sql, ") WHERE table_key = ?1");
      if (!prepare (w, sql->str, &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, w->key);
      for (guint i = 0; write->drop_fields[i] != NULL; i++)
        sqlite3_bind_text (stmt, i + 2, write->drop_fields[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return hangar_store_set_error (error, w->db, rc, "Could not drop fields from the cache");
      w->change->reset = TRUE;
    }

  if (write->keep_only != NULL &&
      !delete_unless (w, "SELECT rowid, record_id FROM cache_record WHERE table_key = ?1 AND ?2 = ?2",
                      keep_in_set, write->keep_only, error))
    return FALSE;

  if (write->finish_full > 0)
    {
      w->generation = write->finish_full;
      if (!delete_unless (w, "SELECT rowid, record_id FROM cache_record WHERE table_key = ?1 AND generation < ?2",
                          keep_none, NULL, error))
        return FALSE;
      if (!prepare (w, "UPDATE cache_table SET complete = 1 WHERE id = ?1", &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, w->key);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return hangar_store_set_error (error, w->db, rc, "Could not mark a table complete");
      if (!order_by_creation (w, error))
        return FALSE;
    }

  if (!prepare (w, "UPDATE cache_table SET next_position = ?2 WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, w->key);
  sqlite3_bind_int64 (stmt, 2, w->next_position);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return hangar_store_set_error (error, w->db, rc, "Could not update a cached table");
  return TRUE;
}

static gpointer
write_job (sqlite3       *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  HangarCacheWrite *write = data;
  Writer w = { 0 };
  HangarCacheChange *change;
  gboolean ok;
  int rc;

  change = g_new0 (HangarCacheChange, 1);
  change->base_id = g_strdup (write->base_id);
  change->table_id = g_strdup (write->table_id);
  change->inserted = g_array_new (FALSE, FALSE, sizeof (gint64));
  change->updated = g_array_new (FALSE, FALSE, sizeof (gint64));
  change->deleted = g_array_new (FALSE, FALSE, sizeof (gint64));

  w.db = db;
  w.generation = write->generation;
  w.change = change;

  /* One short transaction per write: a page of records, one payload. */
  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      hangar_store_set_error (error, db, rc, "Could not write to the cache");
      hangar_cache_change_free (change);
      return NULL;
    }
  ok = run_write (&w, write, error);
  writer_clear (&w);
  if (ok)
    {
      rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        ok = hangar_store_set_error (error, db, rc, "Could not write to the cache");
    }
  if (!ok)
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      hangar_cache_change_free (change);
      return NULL;
    }
  return change;
}

static void
write_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarCache *self = g_task_get_source_object (task);
  GError *error = NULL;
  HangarCacheChange *change = hangar_store_run_finish (HANGAR_STORE (object), result, &error);

  if (change == NULL)
    {
      _hangar_cache_check_damage (self, error);
      g_task_return_error (task, error);
      return;
    }
  if (change->reset || change->inserted->len > 0 || change->updated->len > 0 || change->deleted->len > 0)
    g_signal_emit (self, _hangar_cache_signals[HANGAR_CACHE_SIGNAL_RECORDS_CHANGED], 0, change);
  g_task_return_pointer (task, change, (GDestroyNotify) hangar_cache_change_free);
}

void
hangar_cache_write_async (HangarCache         *self,
                          HangarCacheWrite    *write,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HANGAR_IS_CACHE (self));
  g_return_if_fail (write != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_cache_write_async);
  if (self->damaged)
    {
      g_task_return_new_error (task, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_CORRUPT, "%s", self->note);
      hangar_cache_write_free (write);
      g_object_unref (task);
      return;
    }
  /* The job is not cancelled half way: a write either happens or not. */
  hangar_store_run_async (self->store, write_job, write, (GDestroyNotify) hangar_cache_write_free,
                          (GDestroyNotify) hangar_cache_change_free, NULL, write_done_cb, task);
}

/**
 * hangar_cache_write_finish:
 * @self: a #HangarCache
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): what changed
 */
HangarCacheChange *
hangar_cache_write_finish (HangarCache   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
