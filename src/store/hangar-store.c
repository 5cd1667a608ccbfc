/* hangar-store.c — one SQLite database on the user's disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hangar-store.h"

/* How long a statement waits for another process's write to finish. Writes
 * are short transactions, so this is only reached when something is wrong. */
#define BUSY_TIMEOUT_MS 5000

/* The worker's side: its connection, used only from the pool's one thread.
 * Reference-counted, because the store may be finalized while a job still
 * runs (even on the worker thread itself, when that job held the last
 * reference); the last reference closes the connection. */
typedef struct
{
  gatomicrefcount  ref_count;
  char            *path;
  HangarStoreKind  kind;
  sqlite3         *db;
} Worker;

struct _HangarStore
{
  GObject          parent_instance;

  char            *path;
  HangarStoreKind  kind;
  char            *recovery_note;
  sqlite3         *db;
  GHashTable      *statements;   /* SQL text → sqlite3_stmt */
  GThreadPool     *pool;
  Worker          *worker;
};

typedef struct
{
  Worker              *worker;
  HangarStoreWorkFunc  func;
  gpointer             data;
  GDestroyNotify       data_destroy;
  GDestroyNotify       result_destroy;
  gpointer             result;      /* set on the worker thread */
  GError              *error;       /* set on the worker thread */
} Job;

G_DEFINE_FINAL_TYPE (HangarStore, hangar_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (hangar-store-error-quark, hangar_store_error)

static const char *component_table_sql =
  "CREATE TABLE IF NOT EXISTS hangar_component ("
  "  name    TEXT PRIMARY KEY NOT NULL,"
  "  version INTEGER NOT NULL"
  ")";

static int
code_for_rc (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return HANGAR_STORE_ERROR_CORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return HANGAR_STORE_ERROR_BUSY;
    case SQLITE_FULL:
      return HANGAR_STORE_ERROR_FULL;
    default:
      return HANGAR_STORE_ERROR_FAILED;
    }
}

gboolean
hangar_store_set_error (GError     **error,
                        sqlite3     *db,
                        int          rc,
                        const char  *doing)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  g_set_error (error, HANGAR_STORE_ERROR, code_for_rc (rc), "%s: %s", doing, detail);
  return FALSE;
}

static void
worker_unref (Worker *worker)
{
  if (worker == NULL || !g_atomic_ref_count_dec (&worker->ref_count))
    return;
  if (worker->db != NULL)
    sqlite3_close_v2 (worker->db);
  g_free (worker->path);
  g_free (worker);
}

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
job_free (Job *job)
{
  if (job->data_destroy != NULL && job->data != NULL)
    job->data_destroy (job->data);
  if (job->result_destroy != NULL && job->result != NULL)
    job->result_destroy (job->result);
  g_clear_error (&job->error);
  worker_unref (job->worker);
  g_free (job);
}

static gboolean
configure (sqlite3          *db,
           HangarStoreKind   kind,
           GError          **error)
{
  /* The journal must survive a killed process and a power cut (FULL); the
   * cache only a killed process (NORMAL is safe with WAL for that). */
  const char *sql = kind == HANGAR_STORE_STATE
                      ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                      : "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
  gint64 deadline = g_get_monotonic_time () + BUSY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  int rc;

  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);
  /* Several processes opening a new database at once each switch it to
   * WAL, a read lock wanting to become a write lock: SQLite answers BUSY
   * there at once rather than wait in the busy handler, where two of them
   * could deadlock (https://sqlite.org/c3ref/busy_handler.html). One of
   * them wins; the others wait and ask again. */
  while ((rc = sqlite3_exec (db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL)) != SQLITE_OK &&
         (rc & 0xff) == SQLITE_BUSY && g_get_monotonic_time () < deadline)
    g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return hangar_store_set_error (error, db, rc, "Could not set up the database");
  return TRUE;
}

static sqlite3 *
open_connection (const char       *path,
                 HangarStoreKind   kind,
                 GError          **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      hangar_store_set_error (error, db, rc, "Could not open the database");
      sqlite3_close_v2 (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  if (!configure (db, kind, error))
    {
      sqlite3_close_v2 (db);
      return NULL;
    }
  return db;
}

/* The file must exist with mode 0600 before SQLite opens it: SQLite creates
 * new files with the process umask, and gives the -wal and -shm files the
 * main file's mode. */
static gboolean
ensure_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  /* The account's own directory: nobody else may list it. */
  if (g_chmod (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not make %s private: %s", dir, g_strerror (saved));
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not open %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (fchmod (fd, 0600) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not make %s private: %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* TRUE when the file reads as a sound database. A cache can grow large, so
 * it only gets the cheap check (the header and the schema page, which is
 * what a stray or truncated file fails); the state database is small and
 * precious, so it gets SQLite's quick check of every page. */
static gboolean
check_sound (sqlite3          *db,
             HangarStoreKind   kind,
             GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *sql = kind == HANGAR_STORE_STATE ? "PRAGMA quick_check" : "SELECT count(*) FROM sqlite_master";
  gboolean ok = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *answer = (const char *) sqlite3_column_text (stmt, 0);

      ok = kind != HANGAR_STORE_STATE || g_strcmp0 (answer, "ok") == 0;
      if (!ok)
        {
          /* The check lists every bad page under a heading; the first
           * finding says enough. */
          const char *text = answer != NULL ? answer : "no answer";
          g_autofree char *first = NULL;

          if (g_str_has_prefix (text, "*** ") && strchr (text, '\n') != NULL)
            text = strchr (text, '\n') + 1;
          first = g_strndup (text, strcspn (text, "\n"));

          g_set_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_CORRUPT,
                       "the check found: %s", first);
        }
    }
  else
    hangar_store_set_error (error, db, rc, "The database cannot be read");
  sqlite3_finalize (stmt);
  return ok;
}

static void
remove_files (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

/* Moves the damaged state database and its side files out of the way, all
 * under one new name, so nothing the user wrote is lost. */
static char *
move_aside (const char  *path,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autofree char *aside = NULL;

  for (guint n = 0; aside == NULL; n++)
    {
      g_autofree char *candidate = n == 0
                                     ? g_strdup_printf ("%s.damaged-%s", path, stamp)
                                     : g_strdup_printf ("%s.damaged-%s-%u", path, stamp, n);

      if (!g_file_test (candidate, G_FILE_TEST_EXISTS))
        aside = g_steal_pointer (&candidate);
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, suffixes[i], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Could not move the damaged database %s aside: %s", from, g_strerror (saved));
          return NULL;
        }
    }
  return g_steal_pointer (&aside);
}

static gboolean
ensure_component_table (sqlite3  *db,
                        GError  **error)
{
  int rc = sqlite3_exec (db, component_table_sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return hangar_store_set_error (error, db, rc, "Could not set up the database");
  return TRUE;
}

/* Completes the task on the thread that owns its context, so that every
 * reference the job held is dropped there and the store is only ever
 * finalized on its own thread. */
static gboolean
complete_in_owner (gpointer data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);

  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&job->result), job->result_destroy);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
worker_run (gpointer data,
            gpointer pool_data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!g_cancellable_set_error_if_cancelled (cancellable, &job->error) &&
      (job->worker->db != NULL ||
       (job->worker->db = open_connection (job->worker->path, job->worker->kind, &job->error)) != NULL))
    {
      job->result = job->func (job->worker->db, job->data, cancellable, &job->error);
      if (job->result != NULL)
        g_clear_error (&job->error);
      else if (job->error == NULL)
        g_set_error_literal (&job->error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_FAILED,
                             "The database operation failed");
    }

  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              complete_in_owner, task, NULL);
}

static void
hangar_store_finalize (GObject *object)
{
  HangarStore *self = (HangarStore *) object;

  /* Nothing is queued or running: every job holds a reference to us until
   * it has completed on this thread (complete_in_owner). */
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  worker_unref (self->worker);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);
  g_free (self->recovery_note);

  G_OBJECT_CLASS (hangar_store_parent_class)->finalize (object);
}

static void
hangar_store_class_init (HangarStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_store_finalize;
}

static void
hangar_store_init (HangarStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
}

char *
hangar_store_path_for_account (const char      *account_id,
                               HangarStoreKind  kind)
{
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', NULL);
  g_return_val_if_fail (strchr (account_id, '/') == NULL && strcmp (account_id, ".") != 0 &&
                        strcmp (account_id, "..") != 0, NULL);

  if (kind == HANGAR_STORE_CACHE)
    return g_build_filename (g_get_user_cache_dir (), "hangar", account_id, "cache.sqlite", NULL);
  return g_build_filename (g_get_user_data_dir (), "hangar", account_id, "state.sqlite", NULL);
}

HangarStore *
hangar_store_open (const char       *path,
                   HangarStoreKind   kind,
                   GError          **error)
{
  g_autoptr(HangarStore) self = NULL;
  g_autoptr(GError) damage = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->kind = kind;

  if (!ensure_private_file (path, error))
    return NULL;

  self->db = open_connection (path, kind, &damage);
  if (self->db != NULL && !check_sound (self->db, kind, &damage))
    g_clear_pointer (&self->db, sqlite3_close_v2);

  if (self->db == NULL)
    {
      /* Only damage is recovered; a full disk or a permission problem is
       * the user's to know about, and recovering would not help. */
      if (!g_error_matches (damage, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_CORRUPT))
        {
          g_propagate_error (error, g_steal_pointer (&damage));
          return NULL;
        }

      if (kind == HANGAR_STORE_CACHE)
        {
          remove_files (path);
          self->recovery_note = g_strdup_printf (_("The offline copy in %s was damaged (%s) and has "
                                                   "been rebuilt; it fills again from Airtable."),
                                                 path, damage->message);
        }
      else
        {
          g_autofree char *aside = move_aside (path, error);

          if (aside == NULL)
            return NULL;
          self->recovery_note = g_strdup_printf (_("The database %s was damaged (%s). It was kept as "
                                                   "%s and a new one was started."),
                                                 path, damage->message, aside);
        }
      g_message ("%s", self->recovery_note);

      if (!ensure_private_file (path, error))
        return NULL;
      self->db = open_connection (path, kind, error);
      if (self->db == NULL)
        return NULL;
    }

  if (!ensure_component_table (self->db, error))
    return NULL;

  self->worker = g_new0 (Worker, 1);
  g_atomic_ref_count_init (&self->worker->ref_count);
  self->worker->path = g_strdup (path);
  self->worker->kind = kind;
  self->pool = g_thread_pool_new (worker_run, NULL, 1, FALSE, NULL);

  return g_steal_pointer (&self);
}

/* path → HangarStore, weak: a database closes when its last user lets go. */
static GHashTable *shared_stores;
/* Paths of removed accounts' databases that were still open: deleted once
 * closed (hangar_store_delete_account_when_released()). */
static GHashTable *pending_deletes;

static gboolean
delete_pending (gpointer data)
{
  const char *path = data;
  g_autoptr(GError) error = NULL;

  /* Opened again meanwhile: wait for that user to let go too. */
  if (shared_stores != NULL && g_hash_table_contains (shared_stores, path))
    return G_SOURCE_REMOVE;
  g_hash_table_remove (pending_deletes, path);
  if (!hangar_store_delete_files (path, &error))
    g_warning ("Could not delete %s: %s", path, error->message);
  return G_SOURCE_REMOVE;
}

static void
shared_store_gone (gpointer  data,
                   GObject  *where_the_object_was)
{
  /* The store is still being disposed here: delete its files once it has
   * closed its connections. */
  if (pending_deletes != NULL && g_hash_table_contains (pending_deletes, data))
    g_idle_add_full (G_PRIORITY_DEFAULT, delete_pending, g_strdup (data), g_free);
  g_hash_table_remove (shared_stores, data);
}

HangarStore *
hangar_store_get_for_account (const char       *account_id,
                              HangarStoreKind   kind,
                              GError          **error)
{
  g_autofree char *path = hangar_store_path_for_account (account_id, kind);
  HangarStore *store;
  char *key;

  g_return_val_if_fail (path != NULL, NULL);

  if (shared_stores == NULL)
    shared_stores = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  store = g_hash_table_lookup (shared_stores, path);
  if (store != NULL)
    return g_object_ref (store);

  store = hangar_store_open (path, kind, error);
  if (store == NULL)
    return NULL;
  key = g_strdup (path);
  g_hash_table_insert (shared_stores, key, store);
  /* Removing the entry frees @key, after which the notify touches nothing. */
  g_object_weak_ref (G_OBJECT (store), shared_store_gone, key);
  return store;
}

gboolean
hangar_store_delete_account (const char  *account_id,
                             GError     **error)
{
  HangarStoreKind kinds[] = { HANGAR_STORE_CACHE, HANGAR_STORE_STATE };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *path = hangar_store_path_for_account (account_id, kinds[i]);

      if (shared_stores != NULL && g_hash_table_contains (shared_stores, path))
        {
          g_set_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_FAILED,
                       "The database %s is still in use", path);
          return FALSE;
        }
      if (!hangar_store_delete_files (path, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
hangar_store_delete_account_when_released (const char  *account_id,
                                           GError     **error)
{
  HangarStoreKind kinds[] = { HANGAR_STORE_CACHE, HANGAR_STORE_STATE };

  g_return_val_if_fail (account_id != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *path = hangar_store_path_for_account (account_id, kinds[i]);

      if (shared_stores != NULL && g_hash_table_contains (shared_stores, path))
        {
          if (pending_deletes == NULL)
            pending_deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_add (pending_deletes, g_steal_pointer (&path));
        }
      else if (!hangar_store_delete_files (path, error))
        return FALSE;
    }
  return TRUE;
}

const char *
hangar_store_get_path (HangarStore *self)
{
  g_return_val_if_fail (HANGAR_IS_STORE (self), NULL);
  return self->path;
}

HangarStoreKind
hangar_store_get_kind (HangarStore *self)
{
  g_return_val_if_fail (HANGAR_IS_STORE (self), HANGAR_STORE_CACHE);
  return self->kind;
}

const char *
hangar_store_get_recovery_note (HangarStore *self)
{
  g_return_val_if_fail (HANGAR_IS_STORE (self), NULL);
  return self->recovery_note;
}

sqlite3 *
hangar_store_get_db (HangarStore *self)
{
  g_return_val_if_fail (HANGAR_IS_STORE (self), NULL);
  return self->db;
}

HangarStoreStmt *
hangar_store_prepare (HangarStore  *self,
                      const char   *sql,
                      GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (HANGAR_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);

      if (rc != SQLITE_OK)
        {
          hangar_store_set_error (error, self->db, rc, "Could not prepare a statement");
          sqlite3_finalize (stmt);
          return NULL;
        }
      g_hash_table_insert (self->statements, g_strdup (sql), stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

void
hangar_store_stmt_release (HangarStoreStmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
hangar_store_exec (HangarStore  *self,
                   const char   *sql,
                   GError      **error)
{
  int rc;

  g_return_val_if_fail (HANGAR_IS_STORE (self), FALSE);

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return hangar_store_set_error (error, self->db, rc, "A database statement failed");
  return TRUE;
}

gboolean
hangar_store_begin (HangarStore  *self,
                    GError      **error)
{
  return hangar_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
hangar_store_commit (HangarStore  *self,
                     GError      **error)
{
  if (!hangar_store_exec (self, "COMMIT", error))
    {
      hangar_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
hangar_store_rollback (HangarStore *self)
{
  g_return_if_fail (HANGAR_IS_STORE (self));

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gint64
component_version (HangarStore  *self,
                   const char   *component,
                   GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (self, "SELECT version FROM hangar_component WHERE name = ?1", error);
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, component, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    return 0;
  hangar_store_set_error (error, self->db, rc, "Could not read the database's version");
  return -1;
}

static gboolean
set_component_version (HangarStore  *self,
                       const char   *component,
                       gint64        version,
                       GError      **error)
{
  g_autoptr(HangarStoreStmt) stmt =
    hangar_store_prepare (self, "INSERT INTO hangar_component (name, version) VALUES (?1, ?2) "
                                "ON CONFLICT (name) DO UPDATE SET version = excluded.version", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, component, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, version);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return hangar_store_set_error (error, self->db, rc, "Could not record the database's version");
  return TRUE;
}

gboolean
hangar_store_ensure_schema (HangarStore         *self,
                            const char          *component,
                            const char * const  *steps,
                            guint                n_steps,
                            GError             **error)
{
  gint64 version;

  g_return_val_if_fail (HANGAR_IS_STORE (self), FALSE);
  g_return_val_if_fail (component != NULL, FALSE);

  version = component_version (self, component, error);
  if (version < 0)
    return FALSE;

  if (version > (gint64) n_steps)
    {
      g_set_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_NEWER,
                   "%s was written by a newer version of Hangar (%s version %" G_GINT64_FORMAT
                   ", this one knows %u); it is left untouched",
                   self->path, component, version, n_steps);
      return FALSE;
    }

  while ((guint) version < n_steps)
    {
      guint i;
      int rc;

      if (!hangar_store_begin (self, error))
        return FALSE;
      /* Read again under the write lock: another process (the app and
       * hangar-cli start at once) may have taken the tables up meanwhile,
       * and a step run twice fails ("table … already exists"). */
      version = component_version (self, component, error);
      if (version < 0 || version > (gint64) n_steps)
        {
          hangar_store_rollback (self);
          if (version > (gint64) n_steps)
            g_set_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_NEWER,
                         "%s was written by a newer version of Hangar (%s version %" G_GINT64_FORMAT
                         ", this one knows %u); it is left untouched",
                         self->path, component, version, n_steps);
          return FALSE;
        }
      if ((guint) version == n_steps)
        {
          hangar_store_rollback (self);
          break;
        }
      i = (guint) version;
      rc = sqlite3_exec (self->db, steps[i], NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          g_autofree char *doing = g_strdup_printf ("Could not update the %s tables to version %u",
                                                    component, i + 1);

          hangar_store_set_error (error, self->db, rc, doing);
          hangar_store_rollback (self);
          return FALSE;
        }
      if (!set_component_version (self, component, i + 1, error))
        {
          hangar_store_rollback (self);
          return FALSE;
        }
      if (!hangar_store_commit (self, error))
        return FALSE;
      version = i + 1;
    }
  return TRUE;
}

void
hangar_store_run_async (HangarStore         *self,
                        HangarStoreWorkFunc  func,
                        gpointer             data,
                        GDestroyNotify       data_destroy,
                        GDestroyNotify       result_destroy,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;
  Job *job;

  g_return_if_fail (HANGAR_IS_STORE (self));
  g_return_if_fail (func != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_store_run_async);
  job = g_new0 (Job, 1);
  job->worker = worker_ref (self->worker);
  job->func = func;
  job->data = data;
  job->data_destroy = data_destroy;
  job->result_destroy = result_destroy;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  /* The pool holds the task (and so us) until the job has run. */
  g_thread_pool_push (self->pool, task, NULL);
}

gpointer
hangar_store_run_finish (HangarStore   *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
hangar_store_delete_files (const char  *path,
                           GError     **error)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Could not delete %s: %s", file, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}
