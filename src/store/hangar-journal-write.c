/* hangar-journal-write.c — changes onto disk: a submitted group inserted in
 * one transaction on the store's worker (nothing is sent before it is
 * there), the state of changes saved as they move, and a created record's
 * real id given to the changes that named it by its local one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-journal-private.h"
#include "hangar-json.h"

/* ---- saving states ---- */

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

static void
bind_object (sqlite3_stmt *stmt,
             int           column,
             JsonObject   *object)
{
  g_autofree char *text = _hangar_journal_object_to_text (object);

  bind_text (stmt, column, text);
}

gboolean
_hangar_journal_persist_in (HangarJournal  *self,
                            GPtrArray      *changes,
                            GError        **error)
{
  static const char *sql =
    "UPDATE journal_change SET state = ?1, record_id = ?2, fields = ?3, previous = ?4, solo = ?5,"
    " conflict = ?6, message = ?7, attempts = ?8, lookup_done = ?9, sent_at = ?10, done_at = ?11"
    " WHERE id = ?12";
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < changes->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (changes, i);
      g_autoptr(HangarStoreStmt) stmt = NULL;
      int rc;

      if (!change->persisted)
        continue;
      stmt = hangar_store_prepare (self->store, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int (stmt, 1, change->state);
      bind_text (stmt, 2, change->record_id);
      bind_object (stmt, 3, change->fields);
      bind_object (stmt, 4, change->previous);
      sqlite3_bind_int (stmt, 5, change->solo);
      bind_object (stmt, 6, change->conflict);
      bind_text (stmt, 7, change->message);
      sqlite3_bind_int (stmt, 8, change->attempts);
      sqlite3_bind_int (stmt, 9, change->lookup_done);
      sqlite3_bind_int64 (stmt, 10, change->sent_at);
      sqlite3_bind_int64 (stmt, 11, change->state == HANGAR_CHANGE_WRITTEN ? now : 0);
      sqlite3_bind_int64 (stmt, 12, change->id);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        return hangar_store_set_error (error, hangar_store_get_db (self->store), rc,
                                       "Could not save the state of a change");
    }
  return TRUE;
}

gboolean
_hangar_journal_persist (HangarJournal  *self,
                         GPtrArray      *changes,
                         GError        **error)
{
  if (!hangar_store_begin (self->store, error))
    return FALSE;
  if (!_hangar_journal_persist_in (self, changes, error))
    {
      hangar_store_rollback (self->store);
      return FALSE;
    }
  return hangar_store_commit (self->store, error);
}

gboolean
_hangar_journal_persist_one (HangarJournal        *self,
                             HangarJournalChange  *change,
                             GError              **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, change);
  return _hangar_journal_persist (self, one, error);
}

void
_hangar_journal_rename_record (HangarJournal *self,
                               const char    *local_id,
                               const char    *record_id)
{
  GPtrArray *list;
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  if (g_hash_table_steal_extended (self->by_record, local_id, (gpointer *) &key, (gpointer *) &list))
    {
      GPtrArray *target = _hangar_journal_record_list (self, record_id, TRUE);

      for (guint i = 0; i < list->len; i++)
        {
          HangarJournalChange *change = g_ptr_array_index (list, i);

          _hangar_journal_change_set_record_id (change, record_id);
          g_ptr_array_add (target, change);
        }
      g_ptr_array_unref (list);
    }

  stmt = hangar_store_prepare (self->store, "UPDATE journal_change SET record_id = ?1 WHERE record_id = ?2", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, record_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, local_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        hangar_store_set_error (&error, hangar_store_get_db (self->store), sqlite3_errcode (hangar_store_get_db (self->store)),
                                "Could not give the new record its id");
    }
  if (error != NULL)
    g_warning ("%s", error->message);
}

/* ---- submitting ---- */

typedef struct
{
  char       *label;
  gint64      created_at;
  GPtrArray  *rows;     /* Row */
} InsertJob;

typedef struct
{
  int     kind;
  char   *base_id;
  char   *table_id;
  char   *record_id;
  char   *local_id;
  char   *fields;
  char   *previous;
  int     typecast;
  gint64  created_at;
} Row;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_free (row->base_id);
  g_free (row->table_id);
  g_free (row->record_id);
  g_free (row->local_id);
  g_free (row->fields);
  g_free (row->previous);
  g_free (row);
}

static void
insert_job_free (gpointer data)
{
  InsertJob *job = data;

  g_free (job->label);
  g_ptr_array_unref (job->rows);
  g_free (job);
}

typedef struct
{
  gint64  group_id;
  GArray *ids;
} InsertResult;

static void
insert_result_free (gpointer data)
{
  InsertResult *result = data;

  g_array_unref (result->ids);
  g_free (result);
}

/* On the store's worker thread: one transaction for the whole group. */
static gpointer
insert_job_run (sqlite3       *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  InsertJob *job = data;
  InsertResult *result = g_new0 (InsertResult, 1);
  sqlite3_stmt *stmt = NULL;
  int rc;

  result->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), job->rows->len);

  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  rc = sqlite3_prepare_v2 (db, "INSERT INTO journal_group (label, created_at) VALUES (?1, ?2)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (stmt, 1, job->label, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, job->created_at);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  stmt = NULL;
  if (rc != SQLITE_DONE)
    goto fail;
  result->group_id = sqlite3_last_insert_rowid (db);

  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO journal_change (group_id, kind, state, base_id, table_id, record_id,"
                           " local_id, fields, previous, typecast, created_at)"
                           " VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  for (guint i = 0; i < job->rows->len; i++)
    {
      Row *row = g_ptr_array_index (job->rows, i);
      gint64 id;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, result->group_id);
      sqlite3_bind_int (stmt, 2, row->kind);
      sqlite3_bind_text (stmt, 3, row->base_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, row->table_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, row->record_id, -1, SQLITE_STATIC);
      if (row->local_id != NULL)
        sqlite3_bind_text (stmt, 6, row->local_id, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 6);
      sqlite3_bind_text (stmt, 7, row->fields, -1, SQLITE_STATIC);
      if (row->previous != NULL)
        sqlite3_bind_text (stmt, 8, row->previous, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 8);
      sqlite3_bind_int (stmt, 9, row->typecast);
      sqlite3_bind_int64 (stmt, 10, row->created_at);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_DONE)
        goto fail;
      id = sqlite3_last_insert_rowid (db);
      g_array_append_val (result->ids, id);
    }
  sqlite3_finalize (stmt);
  stmt = NULL;

  rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  return result;

fail:
  hangar_store_set_error (error, db, rc, "Could not save the change on this computer");
  if (stmt != NULL)
    sqlite3_finalize (stmt);
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  insert_result_free (result);
  return NULL;
}

static void
inserted_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(HangarJournalGroup) group = user_data;
  HangarJournal *self = HANGAR_JOURNAL (g_object_get_data (G_OBJECT (group), "hangar-journal"));
  g_autoptr(GError) error = NULL;
  InsertResult *result = hangar_store_run_finish (HANGAR_STORE (source), res, &error);
  g_autoptr(GPtrArray) again = g_ptr_array_new ();
  g_autoptr(HangarJournal) keep = g_object_ref (self);

  g_object_set_data (G_OBJECT (group), "hangar-journal", NULL);
  if (result == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Not sent: %s"), error->message);

      g_warning ("The journal could not save “%s”: %s", group->label, error->message);
      for (guint i = 0; i < group->changes->len; i++)
        {
          HangarJournalChange *change = g_ptr_array_index (group->changes, i);

          if (!change->discarded)
            _hangar_journal_set_state (self, change, HANGAR_CHANGE_FAILED, message);
        }
      _hangar_journal_check_idle (self);
      return;
    }

  group->db_id = result->group_id;
  for (guint i = 0; i < group->changes->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (group->changes, i);

      change->id = g_array_index (result->ids, gint64, i);
      change->persisted = TRUE;
      _hangar_journal_change_notify (change, "persisted");
      /* What happened while it was being written (a create that became
       * written under its real id before, a conflict, a discard). */
      if (change->discarded || change->conflict != NULL ||
          g_strcmp0 (change->record_id, change->local_id != NULL ? change->local_id : change->record_id) != 0)
        g_ptr_array_add (again, change);
    }
  insert_result_free (result);

  for (guint i = 0; i < again->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (again, i);

      if (change->discarded)
        {
          g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (self->store,
                                                                  "DELETE FROM journal_change WHERE id = ?1", NULL);

          if (stmt != NULL)
            {
              sqlite3_bind_int64 (stmt, 1, change->id);
              sqlite3_step (stmt);
            }
          g_ptr_array_remove_index_fast (again, i--);
        }
    }
  if (again->len > 0 && !_hangar_journal_persist (self, again, &error))
    g_warning ("%s", error->message);

  _hangar_journal_kick (self);
}

/**
 * hangar_journal_submit:
 * @self: a #HangarJournal
 * @group: a group not submitted yet
 *
 * Journals @group and sends it once it is on disk.
 */
void
hangar_journal_submit (HangarJournal      *self,
                       HangarJournalGroup *group)
{
  InsertJob *job;
  g_autoptr(GHashTable) records = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (HANGAR_IS_JOURNAL (self));
  g_return_if_fail (HANGAR_IS_JOURNAL_GROUP (group));
  g_return_if_fail (!group->submitted);

  group->submitted = TRUE;
  if (group->changes->len == 0)
    return;

  job = g_new0 (InsertJob, 1);
  job->label = g_strdup (group->label);
  job->created_at = group->created_at;
  job->rows = g_ptr_array_new_full (group->changes->len, row_free);

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < group->changes->len; i++)
    {
      HangarJournalChange *change = g_ptr_array_index (group->changes, i);
      Row *row = g_new0 (Row, 1);

      row->kind = change->kind;
      row->base_id = g_strdup (change->base_id);
      row->table_id = g_strdup (change->table_id);
      row->record_id = g_strdup (change->record_id);
      row->local_id = g_strdup (change->local_id);
      row->fields = _hangar_journal_object_to_text (change->fields);
      row->previous = _hangar_journal_object_to_text (change->previous);
      row->typecast = change->typecast;
      row->created_at = change->created_at;
      g_ptr_array_add (job->rows, row);

      _hangar_journal_open_change (self, change);
      g_hash_table_add (records, change->record_id);
    }
  g_list_store_splice (self->model, g_list_model_get_n_items (G_LIST_MODEL (self->model)), 0,
                       group->changes->pdata, group->changes->len);
  g_object_thaw_notify (G_OBJECT (self));

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, records);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      _hangar_journal_emit_record_changed (self, key);
  }

  /* The journal stays until its group is on disk (a short job). */
  g_object_set_data_full (G_OBJECT (group), "hangar-journal", g_object_ref (self), g_object_unref);
  hangar_store_run_async (self->store, insert_job_run, job, insert_job_free, insert_result_free,
                          NULL, inserted_cb, g_object_ref (group));
}
