/* hangar-import-progress.c — how far a CSV import came, in the STATE database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-import-progress.h"

static const char * const steps[] = {
  /* 0 → 1 */
  "CREATE TABLE import_run ("
  "  id           INTEGER PRIMARY KEY,"
  "  file_sha256  TEXT NOT NULL,"
  "  base_id      TEXT NOT NULL,"
  "  table_id     TEXT NOT NULL,"
  "  settings     TEXT NOT NULL,"
  "  file_name    TEXT NOT NULL,"
  "  total_rows   INTEGER NOT NULL,"
  "  rows_done    INTEGER NOT NULL DEFAULT 0,"
  "  created      INTEGER NOT NULL DEFAULT 0,"
  "  updated      INTEGER NOT NULL DEFAULT 0,"
  "  failed       INTEGER NOT NULL DEFAULT 0,"
  "  failed_path  TEXT,"
  "  failed_bytes INTEGER NOT NULL DEFAULT 0,"
  "  check_since TEXT,"
  "  recent_ids   TEXT,"
  "  started_at   INTEGER NOT NULL,"
  "  updated_at   INTEGER NOT NULL,"
  "  finished_at  INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (file_sha256, base_id, table_id)"
  ");",
  /* 1 → 2: -1 for runs saved before it: not known. */
  "ALTER TABLE import_run ADD COLUMN writes_until INTEGER NOT NULL DEFAULT -1;",
};

void
hangar_import_run_free (HangarImportRun *run)
{
  if (run == NULL)
    return;
  g_free (run->file_sha256);
  g_free (run->base_id);
  g_free (run->table_id);
  g_free (run->settings);
  g_free (run->file_name);
  g_free (run->failed_path);
  g_free (run->check_since);
  g_free (run->recent_ids);
  g_free (run);
}

gboolean
hangar_import_progress_ensure (HangarStore  *store,
                               GError      **error)
{
  g_return_val_if_fail (HANGAR_IS_STORE (store), FALSE);
  return hangar_store_ensure_schema (store, "import", steps, G_N_ELEMENTS (steps), error);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

HangarImportRun *
hangar_import_progress_lookup (HangarStore  *store,
                               const char   *file_sha256,
                               const char   *base_id,
                               const char   *table_id,
                               GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  HangarImportRun *run;
  int rc;

  g_return_val_if_fail (HANGAR_IS_STORE (store), NULL);

  stmt = hangar_store_prepare (store,
                               "SELECT id, settings, file_name, total_rows, rows_done, created, updated, failed,"
                               " failed_path, failed_bytes, check_since, started_at, updated_at, finished_at,"
                               " recent_ids, writes_until"
                               " FROM import_run WHERE file_sha256 = ? AND base_id = ? AND table_id = ?",
                               error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, file_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, table_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      hangar_store_set_error (error, hangar_store_get_db (store), rc, "Could not read the import progress");
      return NULL;
    }

  run = g_new0 (HangarImportRun, 1);
  run->id = sqlite3_column_int64 (stmt, 0);
  run->file_sha256 = g_strdup (file_sha256);
  run->base_id = g_strdup (base_id);
  run->table_id = g_strdup (table_id);
  run->settings = column_text (stmt, 1);
  run->file_name = column_text (stmt, 2);
  run->total_rows = sqlite3_column_int64 (stmt, 3);
  run->rows_done = sqlite3_column_int64 (stmt, 4);
  run->created = sqlite3_column_int64 (stmt, 5);
  run->updated = sqlite3_column_int64 (stmt, 6);
  run->failed = sqlite3_column_int64 (stmt, 7);
  run->failed_path = column_text (stmt, 8);
  run->failed_bytes = sqlite3_column_int64 (stmt, 9);
  run->check_since = column_text (stmt, 10);
  run->started_at = sqlite3_column_int64 (stmt, 11);
  run->updated_at = sqlite3_column_int64 (stmt, 12);
  run->finished_at = sqlite3_column_int64 (stmt, 13);
  run->recent_ids = column_text (stmt, 14);
  run->writes_until = sqlite3_column_int64 (stmt, 15);
  return run;
}

gboolean
hangar_import_progress_start (HangarStore      *store,
                              HangarImportRun  *run,
                              GError          **error)
{
  g_autoptr(HangarStoreStmt) del = NULL;
  g_autoptr(HangarStoreStmt) stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int rc;

  g_return_val_if_fail (HANGAR_IS_STORE (store), FALSE);

  if (!hangar_store_begin (store, error))
    return FALSE;
  del = hangar_store_prepare (store, "DELETE FROM import_run WHERE file_sha256 = ? AND base_id = ? AND table_id = ?",
                              error);
  if (del == NULL)
    goto fail;
  sqlite3_bind_text (del, 1, run->file_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (del, 2, run->base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (del, 3, run->table_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (del);
  if (rc != SQLITE_DONE)
    {
      hangar_store_set_error (error, hangar_store_get_db (store), rc, "Could not save the import progress");
      goto fail;
    }

  stmt = hangar_store_prepare (store,
                               "INSERT INTO import_run (file_sha256, base_id, table_id, settings, file_name,"
                               " total_rows, rows_done, created, updated, failed, failed_path, failed_bytes,"
                               " check_since, started_at, updated_at, writes_until)"
                               " VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, 0, NULL, ?, ?, 0)",
                               error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, run->file_sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, run->base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, run->table_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, run->settings, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, run->file_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, (sqlite3_int64) run->total_rows);
  sqlite3_bind_text (stmt, 7, run->failed_path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, now);
  sqlite3_bind_int64 (stmt, 9, now);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      hangar_store_set_error (error, hangar_store_get_db (store), rc, "Could not save the import progress");
      goto fail;
    }
  run->id = sqlite3_last_insert_rowid (hangar_store_get_db (store));
  run->rows_done = run->created = run->updated = run->failed = run->failed_bytes = 0;
  g_clear_pointer (&run->check_since, g_free);
  g_clear_pointer (&run->recent_ids, g_free);
  run->started_at = run->updated_at = now;
  run->finished_at = 0;
  run->writes_until = 0;
  /* Release the statements before COMMIT: no read stays open. */
  g_clear_pointer (&del, hangar_store_stmt_release);
  g_clear_pointer (&stmt, hangar_store_stmt_release);
  return hangar_store_commit (store, error);

fail:
  g_clear_pointer (&del, hangar_store_stmt_release);
  g_clear_pointer (&stmt, hangar_store_stmt_release);
  hangar_store_rollback (store);
  return FALSE;
}

static gboolean
update_run (HangarStore      *store,
            HangarImportRun  *run,
            gboolean          finished,
            GError          **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int rc;

  stmt = hangar_store_prepare (store,
                               "UPDATE import_run SET rows_done = ?, created = ?, updated = ?, failed = ?,"
                               " failed_bytes = ?, check_since = ?, updated_at = ?, finished_at = ?,"
                               " recent_ids = ?, writes_until = ? WHERE id = ?",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) run->rows_done);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) run->created);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64) run->updated);
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) run->failed);
  sqlite3_bind_int64 (stmt, 5, (sqlite3_int64) run->failed_bytes);
  sqlite3_bind_text (stmt, 6, run->check_since, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, finished ? now : 0);
  sqlite3_bind_text (stmt, 9, run->recent_ids, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 10, run->writes_until);
  sqlite3_bind_int64 (stmt, 11, run->id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return hangar_store_set_error (error, hangar_store_get_db (store), rc, "Could not save the import progress");
  run->updated_at = now;
  if (finished)
    run->finished_at = now;
  return TRUE;
}

gboolean
hangar_import_progress_save (HangarStore      *store,
                             HangarImportRun  *run,
                             GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_STORE (store), FALSE);
  return update_run (store, run, FALSE, error);
}

gboolean
hangar_import_progress_finish (HangarStore      *store,
                               HangarImportRun  *run,
                               GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_STORE (store), FALSE);
  return update_run (store, run, TRUE, error);
}
