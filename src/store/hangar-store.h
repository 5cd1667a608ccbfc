/* hangar-store.h — one SQLite database on the user's disk
 *
 * libhangar keeps two databases per account: a *cache* (bases, schemas,
 * records, webhook cursors) under the user cache directory, which may be
 * thrown away and rebuilt at any time, and a *state* database (the edit
 * journal, the request log, remembered view settings) under the user data
 * directory, which holds the user's own work and is never deleted behind
 * their back. Neither ever holds a token. Both are files of mode 0600 in
 * directories of mode 0700, in WAL mode so that the app and hangar-cli can
 * use one account at the same time.
 *
 * HangarStore is the open database. Components (journal, cache, log, …)
 * each own their tables and declare them with hangar_store_ensure_schema(),
 * versioned per component, so they evolve independently. Short statements
 * run on the calling (main) thread; bulk work runs on the store's one worker
 * thread with hangar_store_run_async().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define HANGAR_STORE_ERROR (hangar_store_error_quark ())

typedef enum
{
  HANGAR_STORE_ERROR_FAILED,   /* any other SQLite or file error */
  HANGAR_STORE_ERROR_CORRUPT,  /* the file is damaged or not a database */
  HANGAR_STORE_ERROR_BUSY,     /* another process held the database too long */
  HANGAR_STORE_ERROR_FULL,     /* the disk is full */
  HANGAR_STORE_ERROR_NEWER,    /* written by a newer Hangar that this one cannot read */
} HangarStoreError;

typedef enum
{
  HANGAR_STORE_CACHE,  /* disposable: damaged → replaced by an empty one */
  HANGAR_STORE_STATE,  /* the user's work: damaged → moved aside, never deleted */
} HangarStoreKind;

#define HANGAR_TYPE_STORE (hangar_store_get_type ())
G_DECLARE_FINAL_TYPE (HangarStore, hangar_store, HANGAR, STORE, GObject)

GQuark        hangar_store_error_quark         (void);

/* Where the database of @kind for the account @account_id lives: under
 * $XDG_CACHE_HOME/hangar/ or $XDG_DATA_HOME/hangar/. @account_id must be a
 * plain name (no separators), as HangarAccount identifiers are. */
char         *hangar_store_path_for_account    (const char       *account_id,
                                                HangarStoreKind   kind);

/* The process's one open database of @kind for @account_id, opened on first
 * use (see hangar_store_open()) and shared by every component after that;
 * main thread only. Returns a new reference. */
HangarStore  *hangar_store_get_for_account     (const char       *account_id,
                                                HangarStoreKind   kind,
                                                GError          **error);

/* Deletes both databases of @account_id (when the account is removed). The
 * shared instances must have been released by everyone first. */
gboolean      hangar_store_delete_account      (const char       *account_id,
                                                GError          **error);
/* The same, for a database still open somewhere in this process (a
 * request in flight, a grid still showing a table): that one is deleted as
 * soon as its last user lets go. Main thread only. */
gboolean      hangar_store_delete_account_when_released (const char  *account_id,
                                                         GError     **error);

/* Opens (creating it, its directory and its parents as needed) the database
 * at @path. A file that is not a database or fails SQLite's quick check is
 * recovered according to @kind — a cache is recreated empty, a state
 * database is renamed to "<path>.damaged-<time>" and a new one created —
 * and hangar_store_get_recovery_note() then says what happened and where
 * the old file went. Fails only when no usable database can be had. */
HangarStore  *hangar_store_open                (const char       *path,
                                                HangarStoreKind   kind,
                                                GError          **error);

const char   *hangar_store_get_path            (HangarStore      *self);
HangarStoreKind hangar_store_get_kind          (HangarStore      *self);

/* A sentence for the user when the file had to be recovered at open, NULL
 * otherwise. */
const char   *hangar_store_get_recovery_note   (HangarStore      *self);

/* Brings the tables of @component up to date: @steps[i] is the SQL script
 * that takes the component from version i to i + 1; the scripts not yet
 * applied run in one transaction each, in order. A database where the
 * component is at a version beyond @n_steps was written by a newer Hangar:
 * HANGAR_STORE_ERROR_NEWER, and nothing is changed (the owner of a cache
 * may then close it, hangar_store_delete_files() and open it afresh). */
gboolean      hangar_store_ensure_schema       (HangarStore        *self,
                                                const char         *component,
                                                const char * const *steps,
                                                guint               n_steps,
                                                GError            **error);

/* The main-thread connection, for a component's own statements. */
sqlite3      *hangar_store_get_db              (HangarStore      *self);

/* A prepared statement for @sql on the main-thread connection, reset and
 * with its bindings cleared, cached by the text of @sql. NULL with @error
 * when it does not compile. Hold it in a g_autoptr(HangarStoreStmt): that
 * resets it when it goes out of scope, so no read stays open by mistake. */
typedef sqlite3_stmt HangarStoreStmt;
HangarStoreStmt *hangar_store_prepare          (HangarStore      *self,
                                                const char       *sql,
                                                GError          **error);
void          hangar_store_stmt_release        (HangarStoreStmt  *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarStoreStmt, hangar_store_stmt_release)

/* Runs @sql (one or more statements, no results) on the main connection. */
gboolean      hangar_store_exec                (HangarStore      *self,
                                                const char       *sql,
                                                GError          **error);

/* Transactions on the main connection. BEGIN IMMEDIATE, so a writer learns
 * of a busy database before it does any work. */
gboolean      hangar_store_begin               (HangarStore      *self,
                                                GError          **error);
gboolean      hangar_store_commit              (HangarStore      *self,
                                                GError          **error);
void          hangar_store_rollback            (HangarStore      *self);

/* Sets @error from the last result of @db (@rc) with a prefix naming what
 * was being done. Always returns FALSE. */
gboolean      hangar_store_set_error           (GError          **error,
                                                sqlite3          *db,
                                                int               rc,
                                                const char       *doing);

/* Work on the store's worker thread, with its own connection (@db). The
 * function runs there, jobs in the order they were queued; @callback runs
 * in the caller's main context. Return a non-NULL pointer for success (it is
 * freed with @result_destroy when nobody takes it), or NULL with @error. */
typedef gpointer (*HangarStoreWorkFunc) (sqlite3       *db,
                                         gpointer       data,
                                         GCancellable  *cancellable,
                                         GError       **error);

void          hangar_store_run_async           (HangarStore         *self,
                                                HangarStoreWorkFunc  func,
                                                gpointer             data,
                                                GDestroyNotify       data_destroy,
                                                GDestroyNotify       result_destroy,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gpointer      hangar_store_run_finish          (HangarStore      *self,
                                                GAsyncResult     *result,
                                                GError          **error);

/* Deletes the database at @path with its -wal and -shm files; missing files
 * are fine. Every HangarStore on @path must be closed first. Used when an
 * account is removed, and to start a cache afresh. */
gboolean      hangar_store_delete_files        (const char       *path,
                                                GError          **error);

G_END_DECLS
