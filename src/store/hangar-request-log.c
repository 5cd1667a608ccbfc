/* hangar-request-log.c — every request made for an account, in its STATE database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-request-log.h"

/* Queued entries are written when this many are waiting, or after a second. */
#define FLUSH_BATCH     100
#define FLUSH_DELAY_S   1

/* Version i → i + 1 of the component's tables. */
static const char * const schema_steps[] = {
  /* 1: the ring. seq is the rowid: new rows take MAX(seq) + 1, so the
   * newest CAPACITY rows are the ones above MAX(seq) - CAPACITY. Times in
   * ms since the epoch, durations in µs. */
  "CREATE TABLE log_request ("
  "  seq         INTEGER PRIMARY KEY,"
  "  at          INTEGER NOT NULL,"
  "  source      TEXT NOT NULL,"
  "  method      TEXT NOT NULL,"
  "  path        TEXT NOT NULL,"
  "  base_id     TEXT,"
  "  status      INTEGER NOT NULL,"
  "  duration_us INTEGER NOT NULL,"
  "  wait_us     INTEGER NOT NULL,"
  "  retries     INTEGER NOT NULL,"
  "  error_type  TEXT"
  ");",
};

#define SELECT_COLUMNS "seq, at, source, method, path, base_id, status, duration_us, wait_us, retries, error_type"
/* An error that is not the caller giving up. */
#define IS_ERROR_SQL "(error_type IS NOT NULL AND error_type <> 'CANCELLED')"

/* ------------------------------------------------------------------------ */
/* Entries                                                                   */

struct _HangarRequestLogEntry
{
  GObject  parent_instance;

  gint64   seq;
  gint64   time_ms;
  char    *source;
  char    *method;
  char    *path;
  char    *base_id;
  guint    status;
  gint64   duration_us;
  gint64   wait_us;
  guint    retries;
  char    *error_type;
};

G_DEFINE_FINAL_TYPE (HangarRequestLogEntry, hangar_request_log_entry, G_TYPE_OBJECT)

static void
hangar_request_log_entry_finalize (GObject *object)
{
  HangarRequestLogEntry *self = (HangarRequestLogEntry *) object;

  g_free (self->source);
  g_free (self->method);
  g_free (self->path);
  g_free (self->base_id);
  g_free (self->error_type);

  G_OBJECT_CLASS (hangar_request_log_entry_parent_class)->finalize (object);
}

static void
hangar_request_log_entry_class_init (HangarRequestLogEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_request_log_entry_finalize;
}

static void
hangar_request_log_entry_init (HangarRequestLogEntry *self)
{
}

/**
 * hangar_request_log_entry_new:
 *
 * Returns: (transfer full): an entry with these values, not yet written
 */
HangarRequestLogEntry *
hangar_request_log_entry_new (gint64      time_ms,
                              const char *source,
                              const char *method,
                              const char *path,
                              const char *base_id,
                              guint       status,
                              gint64      duration_us,
                              gint64      wait_us,
                              guint       retries,
                              const char *error_type)
{
  HangarRequestLogEntry *self = g_object_new (HANGAR_TYPE_REQUEST_LOG_ENTRY, NULL);

  self->time_ms = time_ms;
  self->source = g_strdup (source != NULL ? source : "");
  self->method = g_strdup (method != NULL ? method : "");
  self->path = g_strdup (path != NULL ? path : "");
  self->base_id = g_strdup (base_id);
  self->status = status;
  self->duration_us = duration_us;
  self->wait_us = wait_us;
  self->retries = retries;
  self->error_type = g_strdup (error_type);
  return self;
}

gint64
hangar_request_log_entry_get_seq (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), 0);
  return self->seq;
}

gint64
hangar_request_log_entry_get_time_ms (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), 0);
  return self->time_ms;
}

const char *
hangar_request_log_entry_get_source (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), NULL);
  return self->source;
}

const char *
hangar_request_log_entry_get_method (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), NULL);
  return self->method;
}

const char *
hangar_request_log_entry_get_path (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), NULL);
  return self->path;
}

const char *
hangar_request_log_entry_get_base_id (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), NULL);
  return self->base_id;
}

guint
hangar_request_log_entry_get_status (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), 0);
  return self->status;
}

gint64
hangar_request_log_entry_get_duration_us (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), 0);
  return self->duration_us;
}

gint64
hangar_request_log_entry_get_wait_us (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), 0);
  return self->wait_us;
}

guint
hangar_request_log_entry_get_retries (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), 0);
  return self->retries;
}

const char *
hangar_request_log_entry_get_error_type (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), NULL);
  return self->error_type;
}

gboolean
hangar_request_log_entry_is_error (HangarRequestLogEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (self), FALSE);
  return self->error_type != NULL && !g_str_equal (self->error_type, "CANCELLED");
}

/* ------------------------------------------------------------------------ */
/* The log                                                                   */

struct _HangarRequestLog
{
  GObject      parent_instance;

  char        *account_id;   /* NULL for a log opened by path */
  char        *path;
  HangarStore *store;        /* NULL once closed */
  GPtrArray   *pending;      /* HangarRequestLogEntry, oldest first */
  guint        flush_id;
  guint        n_in_flight;  /* batches handed to the worker */
  gboolean     warned;
};

G_DEFINE_FINAL_TYPE (HangarRequestLog, hangar_request_log, G_TYPE_OBJECT)

enum {
  ENTRIES_WRITTEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* account id → HangarRequestLog (weak), and every live log (for flush_all). */
static GHashTable *shared_logs;
static GList *live_logs;

static void flush_async (HangarRequestLog *self);

/* Writes @batch in one transaction and trims the ring. Runs on the worker
 * (or, for hangar_request_log_flush(), on the main connection). */
static gboolean
write_batch (sqlite3    *db,
             GPtrArray  *batch,
             GError    **error)
{
  sqlite3_stmt *insert = NULL;
  sqlite3_stmt *trim = NULL;
  int rc;

  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return hangar_store_set_error (error, db, rc, "Could not write the request log");

  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO log_request (at, source, method, path, base_id, status, "
                           "duration_us, wait_us, retries, error_type) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           -1, &insert, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < batch->len; i++)
    {
      HangarRequestLogEntry *entry = g_ptr_array_index (batch, i);

      sqlite3_bind_int64 (insert, 1, entry->time_ms);
      sqlite3_bind_text (insert, 2, entry->source, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, entry->method, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 4, entry->path, -1, SQLITE_STATIC);
      if (entry->base_id != NULL)
        sqlite3_bind_text (insert, 5, entry->base_id, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (insert, 5);
      sqlite3_bind_int64 (insert, 6, entry->status);
      sqlite3_bind_int64 (insert, 7, entry->duration_us);
      sqlite3_bind_int64 (insert, 8, entry->wait_us);
      sqlite3_bind_int64 (insert, 9, entry->retries);
      if (entry->error_type != NULL)
        sqlite3_bind_text (insert, 10, entry->error_type, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (insert, 10);
      rc = sqlite3_step (insert);
      if (rc == SQLITE_DONE)
        {
          entry->seq = sqlite3_last_insert_rowid (db);
          rc = sqlite3_reset (insert);
        }
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM log_request WHERE seq <= "
                                 "(SELECT MAX(seq) FROM log_request) - ?1", -1, &trim, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (trim, 1, HANGAR_REQUEST_LOG_CAPACITY);
      rc = sqlite3_step (trim);
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    hangar_store_set_error (error, db, rc, "Could not write the request log");
  sqlite3_finalize (insert);
  sqlite3_finalize (trim);
  if (rc != SQLITE_OK)
    {
      if (!sqlite3_get_autocommit (db))
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static gpointer
write_batch_func (sqlite3       *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GPtrArray *batch = data;

  if (!write_batch (db, batch, error))
    return NULL;
  return g_ptr_array_ref (batch);
}

static void
warn_once (HangarRequestLog *self,
           const GError     *error)
{
  /* The log is a record of what happened, never a reason for a request
   * to fail: say it once, drop the batch, go on. */
  if (self->warned)
    return;
  self->warned = TRUE;
  g_warning ("The request log %s could not be written: %s", self->path, error->message);
}

static void
batch_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HangarRequestLog) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *batch;

  self->n_in_flight--;
  batch = hangar_store_run_finish (HANGAR_STORE (object), result, &error);
  if (batch == NULL)
    {
      warn_once (self, error);
      return;
    }
  g_signal_emit (self, signals[ENTRIES_WRITTEN], 0, batch);
  g_ptr_array_unref (batch);
}

/* Hands what is queued to the worker. */
static void
flush_async (HangarRequestLog *self)
{
  GPtrArray *batch;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->pending->len == 0 || self->store == NULL)
    return;

  batch = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->n_in_flight++;
  hangar_store_run_async (self->store, write_batch_func, batch, (GDestroyNotify) g_ptr_array_unref,
                          (GDestroyNotify) g_ptr_array_unref, NULL, batch_written_cb, g_object_ref (self));
}

static gboolean
flush_timeout_cb (gpointer user_data)
{
  HangarRequestLog *self = user_data;

  self->flush_id = 0;
  flush_async (self);
  return G_SOURCE_REMOVE;
}

static void
hangar_request_log_dispose (GObject *object)
{
  HangarRequestLog *self = (HangarRequestLog *) object;

  /* Nothing queued is lost when the last user lets go. */
  if (self->store != NULL && self->pending != NULL && self->pending->len > 0)
    {
      g_autoptr(GError) error = NULL;

      if (!write_batch (hangar_store_get_db (self->store), self->pending, &error))
        warn_once (self, error);
      g_ptr_array_set_size (self->pending, 0);
    }
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hangar_request_log_parent_class)->dispose (object);
}

static void
hangar_request_log_finalize (GObject *object)
{
  HangarRequestLog *self = (HangarRequestLog *) object;

  live_logs = g_list_remove (live_logs, self);
  if (self->account_id != NULL && shared_logs != NULL &&
      g_hash_table_lookup (shared_logs, self->account_id) == self)
    g_hash_table_remove (shared_logs, self->account_id);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_free (self->account_id);
  g_free (self->path);

  G_OBJECT_CLASS (hangar_request_log_parent_class)->finalize (object);
}

static void
hangar_request_log_class_init (HangarRequestLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_request_log_dispose;
  object_class->finalize = hangar_request_log_finalize;

  /**
   * HangarRequestLog::entries-written:
   * @self: the log
   * @entries: (element-type HangarRequestLogEntry): what was written, oldest first
   *
   * A batch of this process's entries is in the database now.
   */
  signals[ENTRIES_WRITTEN] =
    g_signal_new ("entries-written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
hangar_request_log_init (HangarRequestLog *self)
{
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  live_logs = g_list_prepend (live_logs, self);
}

static HangarRequestLog *
log_new (HangarStore  *store,
         GError      **error)
{
  HangarRequestLog *self;

  if (!hangar_store_ensure_schema (store, "request-log", schema_steps, G_N_ELEMENTS (schema_steps), error))
    return NULL;
  self = g_object_new (HANGAR_TYPE_REQUEST_LOG, NULL);
  self->store = g_object_ref (store);
  self->path = g_strdup (hangar_store_get_path (store));
  return self;
}

/**
 * hangar_request_log_new_for_path:
 * @path: a STATE database file
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the log kept in that database
 */
HangarRequestLog *
hangar_request_log_new_for_path (const char  *path,
                                 GError     **error)
{
  g_autoptr(HangarStore) store = hangar_store_open (path, HANGAR_STORE_STATE, error);

  if (store == NULL)
    return NULL;
  return log_new (store, error);
}

/**
 * hangar_request_log_get_for_account:
 * @account_id: an account's id
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the account's log, shared in the process
 */
HangarRequestLog *
hangar_request_log_get_for_account (const char  *account_id,
                                    GError     **error)
{
  g_autoptr(HangarStore) store = NULL;
  HangarRequestLog *self;

  g_return_val_if_fail (account_id != NULL, NULL);

  if (shared_logs == NULL)
    shared_logs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self = g_hash_table_lookup (shared_logs, account_id);
  if (self != NULL)
    return g_object_ref (self);

  store = hangar_store_get_for_account (account_id, HANGAR_STORE_STATE, error);
  if (store == NULL)
    return NULL;
  self = log_new (store, error);
  if (self == NULL)
    return NULL;
  self->account_id = g_strdup (account_id);
  g_hash_table_insert (shared_logs, g_strdup (account_id), self);
  return self;
}

const char *
hangar_request_log_get_path (HangarRequestLog *self)
{
  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG (self), NULL);
  return self->path;
}

/**
 * hangar_request_log_append:
 * @self: a #HangarRequestLog
 * @entry: (transfer full): the entry to write
 *
 * Queues @entry; it is written on the worker thread within a second (or
 * at once when a batch is full). Never blocks.
 */
void
hangar_request_log_append (HangarRequestLog      *self,
                           HangarRequestLogEntry *entry)
{
  g_return_if_fail (HANGAR_IS_REQUEST_LOG (self));
  g_return_if_fail (HANGAR_IS_REQUEST_LOG_ENTRY (entry));

  if (self->store == NULL)
    {
      /* Closed: the account was removed. */
      g_object_unref (entry);
      return;
    }
  /* A database that cannot keep up never makes memory grow without end:
   * past a whole ring, the oldest queued entries go. */
  if (self->pending->len >= HANGAR_REQUEST_LOG_CAPACITY)
    g_ptr_array_remove_index (self->pending, 0);
  g_ptr_array_add (self->pending, entry);

  if (self->pending->len >= FLUSH_BATCH)
    flush_async (self);
  else if (self->flush_id == 0)
    self->flush_id = g_timeout_add_seconds (FLUSH_DELAY_S, flush_timeout_cb, self);
}

/**
 * hangar_request_log_add_info:
 * @self: a #HangarRequestLog
 * @info: what a request did
 * @source: "app", "cli", "mcp", …
 *
 * Queues the loggable part of @info: no query value, no body, the path
 * redacted (hangar_request_info_dup_log_path()).
 */
void
hangar_request_log_add_info (HangarRequestLog  *self,
                             HangarRequestInfo *info,
                             const char        *source)
{
  HangarRequestLogEntry *entry;

  g_return_if_fail (HANGAR_IS_REQUEST_LOG (self));
  g_return_if_fail (info != NULL);

  entry = g_object_new (HANGAR_TYPE_REQUEST_LOG_ENTRY, NULL);
  entry->time_ms = hangar_request_info_get_started_at (info) / 1000;
  entry->source = g_strdup (source != NULL ? source : "");
  entry->method = g_strdup (hangar_request_info_get_method (info));
  entry->path = hangar_request_info_dup_log_path (info);
  entry->base_id = g_strdup (hangar_request_info_get_base_id (info));
  entry->status = hangar_request_info_get_status (info);
  entry->duration_us = hangar_request_info_get_duration_us (info);
  entry->wait_us = hangar_request_info_get_wait_us (info);
  entry->retries = hangar_request_info_get_retries (info);
  entry->error_type = g_strdup (hangar_request_info_get_error_type (info));
  hangar_request_log_append (self, entry);
}

/**
 * hangar_request_log_flush:
 * @self: a #HangarRequestLog
 * @error: return location for a #GError
 *
 * Waits for the batches the worker has (iterating the thread-default main
 * context), then writes what is still queued on the main connection.
 */
gboolean
hangar_request_log_flush (HangarRequestLog  *self,
                          GError           **error)
{
  g_autoptr(GPtrArray) batch = NULL;

  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG (self), FALSE);

  g_object_ref (self);
  while (self->n_in_flight > 0)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_object_unref (self);

  if (self->store == NULL || self->pending->len == 0)
    return TRUE;
  batch = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  if (!write_batch (hangar_store_get_db (self->store), batch, error))
    return FALSE;
  g_signal_emit (self, signals[ENTRIES_WRITTEN], 0, batch);
  return TRUE;
}

/**
 * hangar_request_log_flush_all:
 *
 * Flushes every log open in the process; for the end of a program.
 */
void
hangar_request_log_flush_all (void)
{
  g_autoptr(GPtrArray) logs = g_ptr_array_new_with_free_func (g_object_unref);

  for (GList *l = live_logs; l != NULL; l = l->next)
    g_ptr_array_add (logs, g_object_ref (l->data));
  for (guint i = 0; i < logs->len; i++)
    {
      HangarRequestLog *log = g_ptr_array_index (logs, i);
      g_autoptr(GError) error = NULL;

      if (!hangar_request_log_flush (log, &error))
        warn_once (log, error);
    }
}

/**
 * hangar_request_log_forget_account:
 * @account_id: a removed account's id
 *
 * Writes what is queued, then closes the account's log: the database is
 * released (so hangar_store_delete_account() can delete it) and nothing
 * more is logged for this account in this process.
 */
void
hangar_request_log_forget_account (const char *account_id)
{
  HangarRequestLog *self;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (account_id != NULL);

  if (shared_logs == NULL || (self = g_hash_table_lookup (shared_logs, account_id)) == NULL)
    return;
  g_object_ref (self);
  g_hash_table_remove (shared_logs, account_id);
  if (!hangar_request_log_flush (self, &error))
    warn_once (self, error);
  g_clear_object (&self->store);
  g_object_unref (self);
}

/* ---- attaching to clients ---- */

typedef struct
{
  HangarRequestLog *log;
  char             *source;
} Attachment;

static void
attachment_free (gpointer  data,
                 GClosure *closure)
{
  Attachment *attachment = data;

  g_clear_object (&attachment->log);
  g_free (attachment->source);
  g_free (attachment);
}

static void
request_finished_cb (HangarClient      *client,
                     HangarRequestInfo *info,
                     Attachment        *attachment)
{
  hangar_request_log_add_info (attachment->log, info, attachment->source);
}

#define ATTACHMENT_KEY "hangar-request-log-handler"

/**
 * hangar_request_log_attach:
 * @client: a #HangarClient
 * @account_id: the account @client acts for
 * @source: who makes the requests: "app", "cli", "mcp", …
 * @error: return location for a #GError
 *
 * From now on every request @client finishes is logged. A client is
 * attached once; later calls return %TRUE and change nothing.
 *
 * Returns: %FALSE when the log cannot be opened (the client works unlogged)
 */
gboolean
hangar_request_log_attach (HangarClient  *client,
                           const char    *account_id,
                           const char    *source,
                           GError       **error)
{
  g_autoptr(HangarRequestLog) log = NULL;
  Attachment *attachment;
  gulong handler;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);

  if (g_object_get_data (G_OBJECT (client), ATTACHMENT_KEY) != NULL)
    return TRUE;
  log = hangar_request_log_get_for_account (account_id, error);
  if (log == NULL)
    return FALSE;

  attachment = g_new0 (Attachment, 1);
  attachment->log = g_steal_pointer (&log);
  attachment->source = g_strdup (source != NULL ? source : "app");
  handler = g_signal_connect_data (client, "request-finished", G_CALLBACK (request_finished_cb),
                                   attachment, attachment_free, 0);
  g_object_set_data (G_OBJECT (client), ATTACHMENT_KEY, GSIZE_TO_POINTER ((gsize) handler));
  return TRUE;
}

/**
 * hangar_request_log_detach:
 * @client: a #HangarClient
 *
 * Stops logging @client's requests.
 */
void
hangar_request_log_detach (HangarClient *client)
{
  gulong handler;

  g_return_if_fail (HANGAR_IS_CLIENT (client));

  handler = (gulong) GPOINTER_TO_SIZE (g_object_steal_data (G_OBJECT (client), ATTACHMENT_KEY));
  if (handler != 0)
    g_signal_handler_disconnect (client, handler);
}

/* ---- every account of a store ---- */

typedef struct
{
  HangarAccountStore *store;     /* not owned: the tracker lives on it */
  char               *source;
  GHashTable         *accounts;  /* id → HangarAccount (ref) */
} Tracker;

#define TRACKER_KEY "hangar-request-log-tracker"

static void
attach_account (Tracker       *tracker,
                HangarAccount *account)
{
  g_autoptr(GError) error = NULL;

  /* A pending account's client would be made before its API URL is
   * known; it is attached once connected. */
  if (hangar_account_get_status (account) == HANGAR_ACCOUNT_STATUS_PENDING)
    return;
  if (!hangar_request_log_attach (hangar_account_get_client (account), hangar_account_get_id (account),
                                  tracker->source, &error))
    g_warning ("Requests of “%s” are not logged: %s", hangar_account_get_label (account), error->message);
}

static void
account_client_cb (HangarAccount *account,
                   GParamSpec    *pspec,
                   Tracker       *tracker)
{
  /* Connected at last, or a reconnect replaced a revoked client: log it
   * (attaching a client twice changes nothing). */
  attach_account (tracker, account);
}

static void
tracker_free (gpointer data)
{
  Tracker *tracker = data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, tracker->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_signal_handlers_disconnect_by_data (value, tracker);
  g_hash_table_unref (tracker->accounts);
  g_free (tracker->source);
  g_free (tracker);
}

static void
store_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        Tracker    *tracker)
{
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (model, position + i);
      const char *id = hangar_account_get_id (account);

      if (g_hash_table_contains (tracker->accounts, id))
        continue;
      g_hash_table_insert (tracker->accounts, g_strdup (id), g_object_ref (account));
      g_signal_connect (account, "notify::client", G_CALLBACK (account_client_cb), tracker);
      g_signal_connect (account, "notify::status", G_CALLBACK (account_client_cb), tracker);
      attach_account (tracker, account);
    }

  if (removed > 0)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, tracker->accounts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (hangar_account_store_lookup_by_id (tracker->store, key) != value)
          {
            g_signal_handlers_disconnect_by_data (value, tracker);
            hangar_request_log_forget_account (key);
            g_hash_table_iter_remove (&iter);
          }
    }
}

/**
 * hangar_request_log_attach_accounts:
 * @store: the account store
 * @source: "app", …
 *
 * Logs the requests of every account of @store, as long as @store lives.
 */
void
hangar_request_log_attach_accounts (HangarAccountStore *store,
                                    const char         *source)
{
  Tracker *tracker;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (store));

  if (g_object_get_data (G_OBJECT (store), TRACKER_KEY) != NULL)
    return;
  tracker = g_new0 (Tracker, 1);
  tracker->store = store;
  tracker->source = g_strdup (source != NULL ? source : "app");
  tracker->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_object_set_data_full (G_OBJECT (store), TRACKER_KEY, tracker, tracker_free);
  g_signal_connect (store, "items-changed", G_CALLBACK (store_items_changed_cb), tracker);
  store_items_changed_cb (G_LIST_MODEL (store), 0, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), tracker);
}

/* ---- reading ---- */

typedef struct
{
  gboolean  errors_only;
  char     *base_id;
  gint64    since_ms;
  guint     limit;
} Filter;

static Filter *
filter_copy (const HangarRequestLogFilter *filter)
{
  Filter *copy = g_new0 (Filter, 1);

  if (filter != NULL)
    {
      copy->errors_only = filter->errors_only;
      copy->base_id = g_strdup (filter->base_id);
      copy->since_ms = filter->since_ms;
      copy->limit = filter->limit;
    }
  if (copy->limit == 0 || copy->limit > HANGAR_REQUEST_LOG_CAPACITY)
    copy->limit = HANGAR_REQUEST_LOG_CAPACITY;
  return copy;
}

static void
filter_free (gpointer data)
{
  Filter *filter = data;

  g_free (filter->base_id);
  g_free (filter);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Filter, filter_free)

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static HangarRequestLogEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  HangarRequestLogEntry *entry = g_object_new (HANGAR_TYPE_REQUEST_LOG_ENTRY, NULL);

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->time_ms = sqlite3_column_int64 (stmt, 1);
  entry->source = dup_column (stmt, 2);
  entry->method = dup_column (stmt, 3);
  entry->path = dup_column (stmt, 4);
  entry->base_id = dup_column (stmt, 5);
  entry->status = (guint) CLAMP (sqlite3_column_int64 (stmt, 6), 0, G_MAXUINT);
  entry->duration_us = sqlite3_column_int64 (stmt, 7);
  entry->wait_us = sqlite3_column_int64 (stmt, 8);
  entry->retries = (guint) CLAMP (sqlite3_column_int64 (stmt, 9), 0, G_MAXUINT);
  entry->error_type = dup_column (stmt, 10);
  if (entry->source == NULL)
    entry->source = g_strdup ("");
  if (entry->method == NULL)
    entry->method = g_strdup ("");
  if (entry->path == NULL)
    entry->path = g_strdup ("");
  return entry;
}

static GPtrArray *
run_query (sqlite3       *db,
           const Filter  *filter,
           GError       **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT " SELECT_COLUMNS " FROM log_request "
                           "WHERE (?1 = 0 OR " IS_ERROR_SQL ") AND (?2 IS NULL OR base_id = ?2) AND at >= ?3 "
                           "ORDER BY at DESC, seq DESC LIMIT ?4",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      hangar_store_set_error (error, db, rc, "Could not read the request log");
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_bind_int (stmt, 1, filter->errors_only ? 1 : 0);
  if (filter->base_id != NULL)
    sqlite3_bind_text (stmt, 2, filter->base_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, filter->since_ms);
  sqlite3_bind_int64 (stmt, 4, filter->limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      hangar_store_set_error (error, db, rc, "Could not read the request log");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static gpointer
query_func (sqlite3       *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  return run_query (db, data, error);
}

static gboolean
check_open (HangarRequestLog  *self,
            GError           **error)
{
  if (self->store != NULL)
    return TRUE;
  g_set_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_FAILED,
               "The request log %s was closed (the account was removed)", self->path);
  return FALSE;
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *entries = hangar_store_run_finish (HANGAR_STORE (object), result, &error);

  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * hangar_request_log_query_async:
 * @self: a #HangarRequestLog
 * @filter: (nullable): what to read
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the entries
 * @user_data: data for @callback
 *
 * Reads on the worker thread, after everything queued so far was written.
 */
void
hangar_request_log_query_async (HangarRequestLog             *self,
                                const HangarRequestLogFilter *filter,
                                GCancellable                 *cancellable,
                                GAsyncReadyCallback           callback,
                                gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_REQUEST_LOG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_request_log_query_async);
  if (!check_open (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* The worker runs jobs in order: the query sees this batch. */
  flush_async (self);
  hangar_store_run_async (self->store, query_func, filter_copy (filter), filter_free,
                          (GDestroyNotify) g_ptr_array_unref, cancellable, query_done_cb,
                          g_steal_pointer (&task));
}

GPtrArray *
hangar_request_log_query_finish (HangarRequestLog  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hangar_request_log_query:
 * @self: a #HangarRequestLog
 * @filter: (nullable): what to read
 * @error: return location for a #GError
 *
 * Flushes, then reads on the main connection.
 *
 * Returns: (transfer full) (element-type HangarRequestLogEntry): newest first
 */
GPtrArray *
hangar_request_log_query (HangarRequestLog             *self,
                          const HangarRequestLogFilter *filter,
                          GError                      **error)
{
  g_autoptr(Filter) copy = NULL;

  g_return_val_if_fail (HANGAR_IS_REQUEST_LOG (self), NULL);

  if (!hangar_request_log_flush (self, error) || !check_open (self, error))
    return NULL;
  copy = filter_copy (filter);
  return run_query (hangar_store_get_db (self->store), copy, error);
}

void
hangar_request_log_summary_free (HangarRequestLogSummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_object (&summary->last_error);
  g_strfreev (summary->base_ids);
  g_free (summary);
}

static gpointer
summary_func (sqlite3       *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(HangarRequestLogSummary) summary = g_new0 (HangarRequestLogSummary, 1);
  g_autoptr(GStrvBuilder) bases = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM log_request", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      summary->n_entries = (guint) sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT at FROM log_request WHERE error_type IS NULL "
                                 "ORDER BY seq DESC LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    summary->last_success_ms = sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    rc = SQLITE_OK;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT " SELECT_COLUMNS " FROM log_request WHERE " IS_ERROR_SQL
                                 " ORDER BY seq DESC LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    summary->last_error = entry_from_row (stmt);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    rc = SQLITE_OK;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT DISTINCT base_id FROM log_request WHERE base_id IS NOT NULL "
                                 "ORDER BY base_id", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_strv_builder_add (bases, (const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }
  if (rc == SQLITE_DONE)
    rc = SQLITE_OK;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (rc != SQLITE_OK)
    {
      hangar_store_set_error (error, db, rc, "Could not read the request log");
      return NULL;
    }
  summary->base_ids = g_strv_builder_end (bases);
  return g_steal_pointer (&summary);
}

static void
summary_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  HangarRequestLogSummary *summary = hangar_store_run_finish (HANGAR_STORE (object), result, &error);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) hangar_request_log_summary_free);
}

/**
 * hangar_request_log_summary_async:
 * @self: a #HangarRequestLog
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the summary
 * @user_data: data for @callback
 *
 * How many rows there are, the last success, the last error and the bases
 * seen, read on the worker after what is queued was written.
 */
void
hangar_request_log_summary_async (HangarRequestLog    *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_REQUEST_LOG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_request_log_summary_async);
  if (!check_open (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  flush_async (self);
  hangar_store_run_async (self->store, summary_func, NULL, NULL,
                          (GDestroyNotify) hangar_request_log_summary_free, cancellable, summary_done_cb,
                          g_steal_pointer (&task));
}

HangarRequestLogSummary *
hangar_request_log_summary_finish (HangarRequestLog  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
