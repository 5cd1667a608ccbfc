/* hangar-cache.c — the offline copy of bases, schemas and records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "hangar-cache-private.h"
#include "hangar-error.h"
#include "hangar-json.h"

/**
 * HangarCache:
 *
 * The "cache" component of an account's CACHE database
 * (src/store/hangar-store.h): the bases the account sees, each base's
 * schema as the meta API gave it, and the records of the tables the user
 * opened — each record as its id, its creation time and its cells as
 * compact JSON keyed by field id (stable across renames, and the way
 * webhook payloads name fields). Everything here may be thrown away: it
 * fills again from Airtable.
 *
 * Rows are addressed by their SQLite rowid; HangarCachedRecords lists
 * rowids and reads the rows it shows. Every write goes through
 * hangar_cache_write_async() on the store's worker thread and is announced
 * with #HangarCache::records-changed, so that every list of the table
 * follows it.
 *
 * Damage. HangarStore rebuilds a file that does not open as a database
 * (hangar_cache_get_recovery_note() then says so). Damage deeper in the
 * file shows only when a statement reads it: the cache then stops writing,
 * says so (#HangarCache::damaged), and leaves a marker beside the file so
 * that the next start rebuilds it.
 */

G_DEFINE_FINAL_TYPE (HangarCache, hangar_cache, G_TYPE_OBJECT)

guint _hangar_cache_signals[HANGAR_CACHE_N_SIGNALS];

/* Version i → i + 1 of the "cache" component's tables. */
static const char * const schema_steps[] = {
  /* 1 */
  "CREATE TABLE cache_base ("
  "  base_id          TEXT PRIMARY KEY NOT NULL,"
  "  name             TEXT NOT NULL,"
  "  permission_level TEXT,"
  "  position         INTEGER NOT NULL,"
  "  fetched_us       INTEGER NOT NULL"
  ");"
  "CREATE TABLE cache_schema ("
  "  base_id    TEXT PRIMARY KEY NOT NULL,"
  "  tables     TEXT NOT NULL,"             /* {"tables": [...]}, as the meta API shows it */
  "  fetched_us INTEGER NOT NULL"
  ");"
  "CREATE TABLE cache_table ("
  "  id                INTEGER PRIMARY KEY,"
  "  base_id           TEXT NOT NULL,"
  "  table_id          TEXT NOT NULL,"
  "  complete          INTEGER NOT NULL DEFAULT 0,"
  "  synced_us         INTEGER NOT NULL DEFAULT 0,"
  "  modified_since_us INTEGER NOT NULL DEFAULT 0,"
  "  swept_us          INTEGER NOT NULL DEFAULT 0,"
  "  next_position     INTEGER NOT NULL DEFAULT 0,"
  "  generation        INTEGER NOT NULL DEFAULT 0,"
  "  fields            TEXT NOT NULL DEFAULT '',"  /* field ids at the last complete fetch */
  "  UNIQUE (base_id, table_id)"
  ");"
  "CREATE TABLE cache_record ("
  "  table_key  INTEGER NOT NULL REFERENCES cache_table (id) ON DELETE CASCADE,"
  "  record_id  TEXT NOT NULL,"
  "  position   INTEGER NOT NULL,"
  "  created_us INTEGER NOT NULL,"
  "  generation INTEGER NOT NULL DEFAULT 0,"
  "  cells      TEXT NOT NULL,"             /* compact JSON keyed by field id */
  "  UNIQUE (table_key, record_id)"
  ");"
  "CREATE INDEX cache_record_order ON cache_record (table_key, position);",
};

/* ---- helpers ---- */

void
hangar_cache_change_free (HangarCacheChange *change)
{
  if (change == NULL)
    return;
  g_free (change->base_id);
  g_free (change->table_id);
  g_clear_pointer (&change->inserted, g_array_unref);
  g_clear_pointer (&change->updated, g_array_unref);
  g_clear_pointer (&change->deleted, g_array_unref);
  g_free (change);
}

void
hangar_cache_row_clear (HangarCacheRow *row)
{
  g_clear_pointer (&row->record_id, g_free);
  g_clear_pointer (&row->cells, g_free);
  row->rowid = 0;
  row->created_us = 0;
}

gboolean
_hangar_cache_check_damage (HangarCache  *self,
                            const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (!self->damaged && g_error_matches (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_CORRUPT))
    {
      self->damaged = TRUE;
      g_free (self->note);
      self->note = g_strdup_printf (_("The offline copy in %s is damaged (%s). Hangar stops using it "
                                      "and rebuilds it at the next start."),
                                    hangar_store_get_path (self->store), error->message);
      g_message ("%s", self->note);
      /* The next start deletes the file before opening it. */
      if (!g_file_set_contents (self->damage_marker, "damaged\n", -1, NULL))
        g_warning ("Could not mark %s for a rebuild", hangar_store_get_path (self->store));
      g_signal_emit (self, _hangar_cache_signals[HANGAR_CACHE_SIGNAL_DAMAGED], 0);
    }
  return TRUE;
}

gint64
_hangar_cache_table_key (sqlite3     *db,
                         const char  *base_id,
                         const char  *table_id,
                         gboolean     create,
                         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 key = 0;
  int rc;

  if (create)
    {
      rc = sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO cache_table (base_id, table_id) VALUES (?1, ?2)",
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_STATIC);
          rc = sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
      if (rc != SQLITE_DONE)
        {
          hangar_store_set_error (error, db, rc, "Could not note a cached table");
          return -1;
        }
    }

  rc = sqlite3_prepare_v2 (db, "SELECT id FROM cache_table WHERE base_id = ?1 AND table_id = ?2", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        key = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hangar_store_set_error (error, db, rc, "Could not read the cached tables");
      return -1;
    }
  return key;
}

/* A statement failed on the main connection: sets @error and checks it
 * for damage. Always FALSE. */
static gboolean
fail (HangarCache  *self,
      int           rc,
      const char   *doing,
      GError      **error)
{
  GError *local = NULL;

  hangar_store_set_error (&local, hangar_store_get_db (self->store), rc, doing);
  _hangar_cache_check_damage (self, local);
  g_propagate_error (error, local);
  return FALSE;
}

/* ---- GObject ---- */

static void
hangar_cache_finalize (GObject *object)
{
  HangarCache *self = (HangarCache *) object;

  g_clear_object (&self->store);
  g_free (self->note);
  g_free (self->damage_marker);

  G_OBJECT_CLASS (hangar_cache_parent_class)->finalize (object);
}

static void
hangar_cache_class_init (HangarCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_cache_finalize;

  /**
   * HangarCache::records-changed:
   * @cache: the cache
   * @change: (type gpointer): a #HangarCacheChange (transfer none)
   *
   * Records of a table were written (inserted, changed or deleted).
   */
  _hangar_cache_signals[HANGAR_CACHE_SIGNAL_RECORDS_CHANGED] =
    g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * HangarCache::damaged:
   *
   * Damage was found in the file while it was used; see
   * hangar_cache_get_recovery_note().
   */
  _hangar_cache_signals[HANGAR_CACHE_SIGNAL_DAMAGED] =
    g_signal_new ("damaged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hangar_cache_init (HangarCache *self)
{
}

/* ---- public API ---- */

HangarCache *
hangar_cache_new (HangarStore  *store,
                  GError      **error)
{
  g_autoptr(HangarCache) self = NULL;

  g_return_val_if_fail (HANGAR_IS_STORE (store), NULL);

  if (!hangar_store_ensure_schema (store, "cache", schema_steps, G_N_ELEMENTS (schema_steps), error))
    return NULL;

  self = g_object_new (HANGAR_TYPE_CACHE, NULL);
  self->store = g_object_ref (store);
  self->damage_marker = g_strconcat (hangar_store_get_path (store), ".damaged", NULL);
  if (hangar_store_get_recovery_note (store) != NULL)
    self->note = g_strdup (hangar_store_get_recovery_note (store));
  return g_steal_pointer (&self);
}

/* account id → HangarCache, weak */
static GHashTable *shared_caches;

static void
shared_cache_gone (gpointer  data,
                   GObject  *where_the_object_was)
{
  g_hash_table_remove (shared_caches, data);
}

/**
 * hangar_cache_get_for_account:
 * @account_id: the account
 * @error: return location for a #GError
 *
 * The account's cache, shared in the process while someone holds it. A
 * file marked as damaged by an earlier run is deleted first and rebuilt
 * empty; one written by a newer Hangar (which this one cannot read) too,
 * since the cache is only a copy.
 *
 * Returns: (transfer full): the cache
 */
HangarCache *
hangar_cache_get_for_account (const char  *account_id,
                              GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *rebuilt = NULL;
  g_autoptr(HangarStore) store = NULL;
  g_autoptr(GError) local = NULL;
  HangarCache *self;
  char *key;

  g_return_val_if_fail (account_id != NULL, NULL);

  if (shared_caches == NULL)
    shared_caches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self = g_hash_table_lookup (shared_caches, account_id);
  if (self != NULL)
    return g_object_ref (self);

  path = hangar_store_path_for_account (account_id, HANGAR_STORE_CACHE);
  marker = g_strconcat (path, ".damaged", NULL);
  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      if (!hangar_store_delete_files (path, error))
        return NULL;
      g_unlink (marker);
      rebuilt = g_strdup_printf (_("The offline copy in %s was damaged and has been rebuilt; it fills "
                                   "again from Airtable."), path);
    }

  store = hangar_store_get_for_account (account_id, HANGAR_STORE_CACHE, error);
  if (store == NULL)
    return NULL;
  self = hangar_cache_new (store, &local);
  if (self == NULL && g_error_matches (local, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_NEWER))
    {
      /* Only a copy: start afresh rather than refuse to work. */
      g_message ("%s", local->message);
      g_clear_object (&store);
      if (!hangar_store_delete_files (path, error))
        return NULL;
      store = hangar_store_get_for_account (account_id, HANGAR_STORE_CACHE, error);
      if (store == NULL)
        return NULL;
      g_clear_error (&local);
      self = hangar_cache_new (store, &local);
    }
  if (self == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (rebuilt != NULL && self->note == NULL)
    self->note = g_steal_pointer (&rebuilt);

  key = g_strdup (account_id);
  g_hash_table_insert (shared_caches, key, self);
  g_object_weak_ref (G_OBJECT (self), shared_cache_gone, key);
  return self;
}

HangarStore *
hangar_cache_get_store (HangarCache *self)
{
  g_return_val_if_fail (HANGAR_IS_CACHE (self), NULL);
  return self->store;
}

const char *
hangar_cache_get_recovery_note (HangarCache *self)
{
  g_return_val_if_fail (HANGAR_IS_CACHE (self), NULL);
  return self->note;
}

gboolean
hangar_cache_get_damaged (HangarCache *self)
{
  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);
  return self->damaged;
}

/* ---- bases and schemas ---- */

gboolean
hangar_cache_put_bases (HangarCache  *self,
                        GPtrArray    *bases,
                        GError      **error)
{
  gint64 now = g_get_real_time ();
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (bases != NULL, FALSE);

  if (self->damaged)
    return TRUE;
  if (!hangar_store_begin (self->store, error))
    return FALSE;
  {
    g_autoptr(HangarStoreStmt) clear = hangar_store_prepare (self->store, "DELETE FROM cache_base", error);

    if (clear == NULL)
      goto failed;
    if ((rc = sqlite3_step (clear)) != SQLITE_DONE)
      {
        fail (self, rc, "Could not update the cached bases", error);
        goto failed;
      }
  }
  for (guint i = 0; i < bases->len; i++)
    {
      HangarBase *base = g_ptr_array_index (bases, i);
      g_autoptr(HangarStoreStmt) insert =
        hangar_store_prepare (self->store,
                              "INSERT OR REPLACE INTO cache_base (base_id, name, permission_level, position, fetched_us) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)", error);

      if (insert == NULL)
        goto failed;
      sqlite3_bind_text (insert, 1, hangar_base_get_id (base), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 2, hangar_base_get_name (base), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 3, hangar_base_get_permission_level (base), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (insert, 4, i);
      sqlite3_bind_int64 (insert, 5, now);
      if ((rc = sqlite3_step (insert)) != SQLITE_DONE)
        {
          fail (self, rc, "Could not update the cached bases", error);
          goto failed;
        }
    }
  return hangar_store_commit (self->store, error);

failed:
  hangar_store_rollback (self->store);
  return FALSE;
}

/**
 * hangar_cache_get_bases:
 * @self: a #HangarCache
 * @out_fetched_us: (out) (optional): when they were fetched, 0 if never
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type HangarBase): the cached bases
 */
GPtrArray *
hangar_cache_get_bases (HangarCache  *self,
                        gint64       *out_fetched_us,
                        GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 fetched = 0;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), NULL);

  stmt = hangar_store_prepare (self->store,
                               "SELECT base_id, name, permission_level, fetched_us FROM cache_base ORDER BY position",
                               error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(GError) bad = NULL;
      HangarBase *base;

      json_object_set_string_member (object, "id", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (object, "name", (const char *) sqlite3_column_text (stmt, 1));
      if (sqlite3_column_type (stmt, 2) == SQLITE_TEXT)
        json_object_set_string_member (object, "permissionLevel", (const char *) sqlite3_column_text (stmt, 2));
      base = hangar_base_new_from_json (object, &bad);
      if (base == NULL)
        {
          g_debug ("A cached base does not read back: %s", bad->message);
          continue;
        }
      g_ptr_array_add (bases, base);
      fetched = sqlite3_column_int64 (stmt, 3);
    }
  if (rc != SQLITE_DONE)
    {
      fail (self, rc, "Could not read the cached bases", error);
      return NULL;
    }
  if (out_fetched_us != NULL)
    *out_fetched_us = fetched;
  return g_steal_pointer (&bases);
}

gboolean
hangar_cache_put_schema (HangarCache  *self,
                         const char   *base_id,
                         GPtrArray    *tables,
                         GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonArray *array = json_array_new ();
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (base_id != NULL && tables != NULL, FALSE);

  if (self->damaged)
    return TRUE;
  for (guint i = 0; i < tables->len; i++)
    json_array_add_element (array, hangar_table_to_json (g_ptr_array_index (tables, i)));
  json_object_set_array_member (root, "tables", array);
  node = json_node_init_object (json_node_alloc (), root);
  text = hangar_json_to_string (node, -1);

  stmt = hangar_store_prepare (self->store,
                               "INSERT OR REPLACE INTO cache_schema (base_id, tables, fetched_us) VALUES (?1, ?2, ?3)",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return fail (self, rc, "Could not store a schema", error);
  return TRUE;
}

/**
 * hangar_cache_get_schema:
 * @self: a #HangarCache
 * @base_id: the base
 * @out_fetched_us: (out) (optional): when it was fetched
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable) (element-type HangarTable): the
 *   cached tables, %NULL without an error when the base was never cached
 */
GPtrArray *
hangar_cache_get_schema (HangarCache  *self,
                         const char   *base_id,
                         gint64       *out_fetched_us,
                         GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) bad = NULL;
  GPtrArray *tables;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), NULL);
  g_return_val_if_fail (base_id != NULL, NULL);

  stmt = hangar_store_prepare (self->store, "SELECT tables, fetched_us FROM cache_schema WHERE base_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      fail (self, rc, "Could not read a cached schema", error);
      return NULL;
    }
  root = hangar_json_parse ((const char *) sqlite3_column_text (stmt, 0), sqlite3_column_bytes (stmt, 0), 0, NULL, &bad);
  tables = root != NULL ? hangar_table_list_from_json (root, &bad) : NULL;
  if (tables == NULL)
    {
      /* Our own text that does not read back: as good as not cached. */
      g_warning ("The cached schema of %s does not read back: %s", base_id, bad->message);
      return NULL;
    }
  if (out_fetched_us != NULL)
    *out_fetched_us = sqlite3_column_int64 (stmt, 1);
  return tables;
}

/* ---- network first, then the cache ---- */

/* Whether @error means Airtable could not be reached (or could not answer),
 * so that the cached copy is the best there is. Refusals (403, 404, a
 * revoked grant) are not: the user must see those. */
static gboolean
error_means_unreachable (const GError *error)
{
  return g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK) ||
         g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_SERVER_ERROR) ||
         g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_TOKEN_EXPIRED) ||
         g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_RATE_LIMITED);
}

typedef struct
{
  char     *base_id;
  gboolean  from_cache;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_free (data->base_id);
  g_free (data);
}

static void
bases_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarCache *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) bases = hangar_client_list_bases_finish (HANGAR_CLIENT (object), result, &error);
  g_autoptr(GPtrArray) cached = NULL;

  if (bases != NULL)
    {
      if (!hangar_cache_put_bases (self, bases, &local))
        g_debug ("Could not cache the bases: %s", local->message);
      g_task_return_pointer (task, g_steal_pointer (&bases), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  if (error_means_unreachable (error))
    cached = hangar_cache_get_bases (self, NULL, &local);
  if (cached != NULL && cached->len > 0)
    {
      g_debug ("Bases from the cache: %s", error->message);
      data->from_cache = TRUE;
      g_task_return_pointer (task, g_steal_pointer (&cached), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

void
hangar_cache_list_bases_async (HangarCache         *self,
                               HangarClient        *client,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HANGAR_IS_CACHE (self));
  g_return_if_fail (HANGAR_IS_CLIENT (client));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_cache_list_bases_async);
  g_task_set_task_data (task, g_new0 (FetchData, 1), (GDestroyNotify) fetch_data_free);
  hangar_client_list_bases_async (client, cancellable, bases_cb, task);
}

/**
 * hangar_cache_list_bases_finish:
 * @self: a #HangarCache
 * @result: the result
 * @out_from_cache: (out) (optional): whether the bases are the cached copy
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type HangarBase): the bases
 */
GPtrArray *
hangar_cache_list_bases_finish (HangarCache   *self,
                                GAsyncResult  *result,
                                gboolean      *out_from_cache,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_from_cache != NULL)
    *out_from_cache = ((FetchData *) g_task_get_task_data (G_TASK (result)))->from_cache;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
schema_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarCache *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (object), result, &error);
  g_autoptr(GPtrArray) cached = NULL;

  if (tables != NULL)
    {
      if (!hangar_cache_put_schema (self, data->base_id, tables, &local))
        g_debug ("Could not cache the schema of %s: %s", data->base_id, local->message);
      g_task_return_pointer (task, g_steal_pointer (&tables), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  if (error_means_unreachable (error))
    cached = hangar_cache_get_schema (self, data->base_id, NULL, &local);
  if (cached != NULL)
    {
      g_debug ("Schema of %s from the cache: %s", data->base_id, error->message);
      data->from_cache = TRUE;
      g_task_return_pointer (task, g_steal_pointer (&cached), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

void
hangar_cache_get_base_schema_async (HangarCache         *self,
                                    HangarClient        *client,
                                    const char          *base_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  FetchData *data;

  g_return_if_fail (HANGAR_IS_CACHE (self));
  g_return_if_fail (HANGAR_IS_CLIENT (client));
  g_return_if_fail (base_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_cache_get_base_schema_async);
  data = g_new0 (FetchData, 1);
  data->base_id = g_strdup (base_id);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  hangar_client_get_base_schema_async (client, base_id, cancellable, schema_cb, task);
}

/**
 * hangar_cache_get_base_schema_finish:
 * @self: a #HangarCache
 * @result: the result
 * @out_from_cache: (out) (optional): whether the tables are the cached copy
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type HangarTable): the tables
 */
GPtrArray *
hangar_cache_get_base_schema_finish (HangarCache   *self,
                                     GAsyncResult  *result,
                                     gboolean      *out_from_cache,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_from_cache != NULL)
    *out_from_cache = ((FetchData *) g_task_get_task_data (G_TASK (result)))->from_cache;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- tables ---- */

void
hangar_cache_get_table_state (HangarCache           *self,
                              const char            *base_id,
                              const char            *table_id,
                              HangarCacheTableState *out)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_return_if_fail (HANGAR_IS_CACHE (self));
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  stmt = hangar_store_prepare (self->store,
                               "SELECT id, complete, synced_us, modified_since_us, swept_us FROM cache_table "
                               "WHERE base_id = ?1 AND table_id = ?2", &error);
  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        fail (self, rc, "Could not read a cached table", NULL);
      return;
    }
  out->known = TRUE;
  out->complete = sqlite3_column_int (stmt, 1) != 0;
  out->synced_us = sqlite3_column_int64 (stmt, 2);
  out->modified_since_us = sqlite3_column_int64 (stmt, 3);
  out->swept_us = sqlite3_column_int64 (stmt, 4);
}

guint
hangar_cache_count_records (HangarCache *self,
                            const char  *base_id,
                            const char  *table_id)
{
  g_autoptr(HangarStoreStmt) count = NULL;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), 0);

  count = hangar_store_prepare (self->store,
                                "SELECT count(*) FROM cache_record r JOIN cache_table t ON t.id = r.table_key "
                                "WHERE t.base_id = ?1 AND t.table_id = ?2", NULL);
  if (count == NULL)
    return 0;
  sqlite3_bind_text (count, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (count, 2, table_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (count);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (count, 0);
  fail (self, rc, "Could not count cached records", NULL);
  return 0;
}

gboolean
hangar_cache_set_table_synced (HangarCache  *self,
                               const char   *base_id,
                               const char   *table_id,
                               gint64        synced_us,
                               gint64        modified_since_us,
                               gint64        swept_us,
                               GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);

  if (self->damaged)
    return TRUE;
  if (_hangar_cache_table_key (hangar_store_get_db (self->store), base_id, table_id, TRUE, error) < 0)
    return FALSE;
  stmt = hangar_store_prepare (self->store,
                               "UPDATE cache_table SET synced_us = max (synced_us, ?3),"
                               " modified_since_us = CASE WHEN ?4 > 0 THEN ?4 ELSE modified_since_us END,"
                               " swept_us = CASE WHEN ?5 > 0 THEN ?5 ELSE swept_us END "
                               "WHERE base_id = ?1 AND table_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, synced_us);
  sqlite3_bind_int64 (stmt, 4, modified_since_us);
  sqlite3_bind_int64 (stmt, 5, swept_us);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return fail (self, rc, "Could not note a sync", error);
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The sorted field ids of @table, comma-separated. */
char *
hangar_cache_fields_signature (HangarTable *table)
{
  GPtrArray *fields = hangar_table_get_fields (table);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    g_ptr_array_add (ids, (gpointer) hangar_field_get_id (g_ptr_array_index (fields, i)));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (",", (char **) ids->pdata);
}

gboolean
hangar_cache_set_table_fields (HangarCache  *self,
                               const char   *base_id,
                               const char   *table_id,
                               const char   *signature,
                               GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);

  if (self->damaged)
    return TRUE;
  stmt = hangar_store_prepare (self->store, "UPDATE cache_table SET fields = ?3 WHERE base_id = ?1 AND table_id = ?2",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, signature, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return fail (self, rc, "Could not note a table's fields", error);
  return TRUE;
}

char *
hangar_cache_get_table_fields (HangarCache *self,
                               const char  *base_id,
                               const char  *table_id)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), NULL);

  stmt = hangar_store_prepare (self->store, "SELECT fields FROM cache_table WHERE base_id = ?1 AND table_id = ?2", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
hangar_cache_mark_incomplete (HangarCache  *self,
                              const char   *base_id,
                              const char   *table_id,
                              GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (base_id != NULL, FALSE);

  if (self->damaged)
    return TRUE;
  stmt = hangar_store_prepare (self->store,
                               "UPDATE cache_table SET complete = 0 WHERE base_id = ?1 AND (?2 IS NULL OR table_id = ?2)",
                               error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (stmt)) != SQLITE_DONE)
    return fail (self, rc, "Could not mark cached tables for a new fetch", error);
  return TRUE;
}

gboolean
hangar_cache_drop_table (HangarCache  *self,
                         const char   *base_id,
                         const char   *table_id,
                         GError      **error)
{
  g_autoptr(HangarStoreStmt) records = NULL;
  g_autoptr(HangarStoreStmt) table = NULL;
  gint64 key;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);

  if (self->damaged)
    return TRUE;
  key = _hangar_cache_table_key (hangar_store_get_db (self->store), base_id, table_id, FALSE, error);
  if (key <= 0)
    return key == 0;
  if (!hangar_store_begin (self->store, error))
    return FALSE;
  records = hangar_store_prepare (self->store, "DELETE FROM cache_record WHERE table_key = ?1", error);
  table = records != NULL ? hangar_store_prepare (self->store, "DELETE FROM cache_table WHERE id = ?1", error) : NULL;
  if (table == NULL)
    {
      hangar_store_rollback (self->store);
      return FALSE;
    }
  sqlite3_bind_int64 (records, 1, key);
  sqlite3_bind_int64 (table, 1, key);
  if ((rc = sqlite3_step (records)) != SQLITE_DONE || (rc = sqlite3_step (table)) != SQLITE_DONE)
    {
      hangar_store_rollback (self->store);
      return fail (self, rc, "Could not forget a cached table", error);
    }
  if (!hangar_store_commit (self->store, error))
    return FALSE;

  {
    HangarCacheChange *change = g_new0 (HangarCacheChange, 1);

    change->base_id = g_strdup (base_id);
    change->table_id = g_strdup (table_id);
    change->reset = TRUE;
    g_signal_emit (self, _hangar_cache_signals[HANGAR_CACHE_SIGNAL_RECORDS_CHANGED], 0, change);
    hangar_cache_change_free (change);
  }
  return TRUE;
}

char **
hangar_cache_list_tables (HangarCache *self,
                          const char  *base_id)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(HangarStoreStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), NULL);

  stmt = hangar_store_prepare (self->store,
                               "SELECT base_id, table_id FROM cache_table WHERE ?1 IS NULL OR base_id = ?1 "
                               "ORDER BY base_id, table_id", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *pair = g_strdup_printf ("%s/%s", sqlite3_column_text (stmt, 0),
                                                   sqlite3_column_text (stmt, 1));

          g_strv_builder_add (builder, pair);
        }
      if (rc != SQLITE_DONE)
        fail (self, rc, "Could not list the cached tables", NULL);
    }
  return g_strv_builder_end (builder);
}

static gboolean
read_row (HangarCache    *self,
          sqlite3_stmt   *stmt,
          HangarCacheRow *out)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        fail (self, rc, "Could not read a cached record", NULL);
      return FALSE;
    }
  out->rowid = sqlite3_column_int64 (stmt, 0);
  out->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  out->created_us = sqlite3_column_int64 (stmt, 2);
  out->cells = g_strndup ((const char *) sqlite3_column_text (stmt, 3), sqlite3_column_bytes (stmt, 3));
  return TRUE;
}

gboolean
hangar_cache_read_row (HangarCache    *self,
                       gint64          rowid,
                       HangarCacheRow *out)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);

  stmt = hangar_store_prepare (self->store,
                               "SELECT rowid, record_id, created_us, cells FROM cache_record WHERE rowid = ?1", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  return read_row (self, stmt, out);
}

gboolean
hangar_cache_read_record (HangarCache    *self,
                          const char     *base_id,
                          const char     *table_id,
                          const char     *record_id,
                          HangarCacheRow *out)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), FALSE);

  stmt = hangar_store_prepare (self->store,
                               "SELECT r.rowid, r.record_id, r.created_us, r.cells FROM cache_record r "
                               "JOIN cache_table t ON t.id = r.table_key "
                               "WHERE t.base_id = ?1 AND t.table_id = ?2 AND r.record_id = ?3", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, record_id, -1, SQLITE_TRANSIENT);
  return read_row (self, stmt, out);
}

/**
 * hangar_cache_first_rowids:
 * @self: a #HangarCache
 * @base_id: the base
 * @table_id: the table
 * @limit: how many
 *
 * Returns: (transfer full) (element-type gint64): rowids in the table's order
 */
GArray *
hangar_cache_first_rowids (HangarCache *self,
                           const char  *base_id,
                           const char  *table_id,
                           guint        limit)
{
  GArray *rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(HangarStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), rowids);

  stmt = hangar_store_prepare (self->store,
                               "SELECT r.rowid FROM cache_record r JOIN cache_table t ON t.id = r.table_key "
                               "WHERE t.base_id = ?1 AND t.table_id = ?2 ORDER BY r.position LIMIT ?3", NULL);
  if (stmt == NULL)
    return rowids;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rowids, rowid);
    }
  if (rc != SQLITE_DONE)
    fail (self, rc, "Could not read the cached records", NULL);
  return rowids;
}

/**
 * hangar_cache_names_by_id:
 * @table: a table
 *
 * Returns: (transfer full): field id → field name (both owned by the table)
 */
GHashTable *
hangar_cache_names_by_id (HangarTable *table)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GPtrArray *fields = hangar_table_get_fields (table);

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);

      if (hangar_field_get_id (field) != NULL)
        g_hash_table_insert (names, g_strdup (hangar_field_get_id (field)), g_strdup (hangar_field_get_name (field)));
    }
  return names;
}

/**
 * hangar_cache_row_to_record:
 * @row: a cached row
 * @names_by_id: field id → name (hangar_cache_names_by_id())
 *
 * Returns: (transfer full): the record, keyed by field name
 */
HangarRecord *
hangar_cache_row_to_record (const HangarCacheRow *row,
                            GHashTable           *names_by_id)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) created = NULL;

  g_return_val_if_fail (row != NULL, NULL);

  root = row->cells != NULL ? hangar_json_parse (row->cells, -1, 0, NULL, &error) : NULL;
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObjectIter iter;
      const char *id;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (root));
      while (json_object_iter_next (&iter, &id, &value))
        {
          const char *name = g_hash_table_lookup (names_by_id, id);

          if (name != NULL && !JSON_NODE_HOLDS_NULL (value))
            json_object_set_member (fields, name, json_node_ref (value));
        }
    }
  else if (row->cells != NULL)
    g_warning ("The cached cells of %s do not read back: %s", row->record_id,
               error != NULL ? error->message : "not an object");

  if (row->created_us > 0)
    {
      g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (row->created_us / G_USEC_PER_SEC);

      created = g_date_time_add (seconds, row->created_us % G_USEC_PER_SEC);
    }
  return hangar_record_new (row->record_id, created, fields);
}

gint64
hangar_cache_get_table_bytes (HangarCache *self,
                              const char  *base_id,
                              const char  *table_id)
{
  g_autoptr(HangarStoreStmt) stmt = NULL;

  g_return_val_if_fail (HANGAR_IS_CACHE (self), 0);

  /* The row's content plus SQLite's record header and the index entries,
   * roughly: what a row costs in the file. */
  stmt = hangar_store_prepare (self->store,
                               "SELECT sum (length (r.cells) + length (r.record_id) * 2 + 40) "
                               "FROM cache_record r JOIN cache_table t ON t.id = r.table_key "
                               "WHERE t.base_id = ?1 AND t.table_id = ?2", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, base_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, table_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}
