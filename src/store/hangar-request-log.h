/* hangar-request-log.h — every request made for an account, in its STATE database
 *
 * The "request-log" component of the store contract: one row per operation
 * a HangarClient sent for the account (after its retries) — when, from which
 * program ("app", "cli", "mcp"), method, path with record ids but no query
 * values, base, final HTTP status, duration, time spent waiting for the rate
 * limit, retries, and Airtable's error type. Never a token (paths pass
 * hangar_redact()), never a cell value, never a query value or a body. A
 * bounded ring: the newest HANGAR_REQUEST_LOG_CAPACITY rows per account.
 *
 * Writing never slows a request down: a finished request only appends an
 * entry in memory; entries are written in batches on the store's worker
 * thread, every second or every 100 entries, and at exit with
 * hangar_request_log_flush_all().
 *
 * Any HangarClient user logs its requests with one call:
 *
 *   hangar_request_log_attach (client, hangar_account_get_id (account), "mcp", NULL);
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hangar-api.h"
#include "hangar-auth.h"
#include "hangar-store.h"

G_BEGIN_DECLS

/* Rows kept per account. */
#define HANGAR_REQUEST_LOG_CAPACITY 10000

/* ---- one row ---------------------------------------------------------- */

#define HANGAR_TYPE_REQUEST_LOG_ENTRY (hangar_request_log_entry_get_type ())
G_DECLARE_FINAL_TYPE (HangarRequestLogEntry, hangar_request_log_entry, HANGAR, REQUEST_LOG_ENTRY, GObject)

/* Row number, increasing in the order rows were written; 0 until written. */
gint64       hangar_request_log_entry_get_seq         (HangarRequestLogEntry *self);
/* When the request started, in milliseconds since the epoch. */
gint64       hangar_request_log_entry_get_time_ms     (HangarRequestLogEntry *self);
/* "app", "cli", "mcp", … */
const char  *hangar_request_log_entry_get_source      (HangarRequestLogEntry *self);
const char  *hangar_request_log_entry_get_method      (HangarRequestLogEntry *self);
/* Path with the query's parameter names only (hangar_request_info_dup_log_path()). */
const char  *hangar_request_log_entry_get_path        (HangarRequestLogEntry *self);
const char  *hangar_request_log_entry_get_base_id     (HangarRequestLogEntry *self);
/* 0 when no answer came. */
guint        hangar_request_log_entry_get_status      (HangarRequestLogEntry *self);
gint64       hangar_request_log_entry_get_duration_us (HangarRequestLogEntry *self);
gint64       hangar_request_log_entry_get_wait_us     (HangarRequestLogEntry *self);
guint        hangar_request_log_entry_get_retries     (HangarRequestLogEntry *self);
/* NULL on success (hangar_request_info_get_error_type()). */
const char  *hangar_request_log_entry_get_error_type  (HangarRequestLogEntry *self);
/* An error that is not a cancellation. */
gboolean     hangar_request_log_entry_is_error        (HangarRequestLogEntry *self);

/* An entry built from values (tests, benchmarks). */
HangarRequestLogEntry *hangar_request_log_entry_new   (gint64      time_ms,
                                                       const char *source,
                                                       const char *method,
                                                       const char *path,
                                                       const char *base_id,
                                                       guint       status,
                                                       gint64      duration_us,
                                                       gint64      wait_us,
                                                       guint       retries,
                                                       const char *error_type);

/* ---- the log of one account --------------------------------------------- */

#define HANGAR_TYPE_REQUEST_LOG (hangar_request_log_get_type ())
G_DECLARE_FINAL_TYPE (HangarRequestLog, hangar_request_log, HANGAR, REQUEST_LOG, GObject)

/* The process's log for @account_id (its STATE database), opened on first
 * use and shared; main thread only. Returns a new reference. */
HangarRequestLog *hangar_request_log_get_for_account (const char        *account_id,
                                                      GError           **error);
/* A log in the STATE database at @path (tests, tools). */
HangarRequestLog *hangar_request_log_new_for_path    (const char        *path,
                                                      GError           **error);
const char       *hangar_request_log_get_path        (HangarRequestLog  *self);

/* Logs every request @client finishes from now on, as @source, in the log
 * of @account_id. Idempotent per client (a second call changes nothing).
 * FALSE with @error when the database cannot be opened: the client then
 * works unlogged. */
gboolean          hangar_request_log_attach          (HangarClient      *client,
                                                      const char        *account_id,
                                                      const char        *source,
                                                      GError           **error);
void              hangar_request_log_detach          (HangarClient      *client);
/* Attaches the client of every account in @store, now and as accounts are
 * added or reconnected (a new client); a removed account's log is closed
 * (hangar_request_log_forget_account()). Idempotent per store. */
void              hangar_request_log_attach_accounts (HangarAccountStore *store,
                                                      const char        *source);

/* Queues @entry (taken) to be written; a source of tests and benchmarks. */
void              hangar_request_log_append          (HangarRequestLog  *self,
                                                      HangarRequestLogEntry *entry);
/* Queues what @info says (the request-finished handler's work). */
void              hangar_request_log_add_info        (HangarRequestLog  *self,
                                                      HangarRequestInfo *info,
                                                      const char        *source);

/* Writes what is queued now, on the calling (main) thread, after the
 * batches already handed to the worker. For exits and tests. */
gboolean          hangar_request_log_flush           (HangarRequestLog  *self,
                                                      GError           **error);
/* hangar_request_log_flush() on every open log of the process (at exit). */
void              hangar_request_log_flush_all       (void);
/* Writes what is queued and closes the log of @account_id, so its
 * database can be deleted with the account; later requests of that account
 * are no longer logged. */
void              hangar_request_log_forget_account  (const char        *account_id);

/* ---- reading ----------------------------------------------------------- */

typedef struct
{
  gboolean    errors_only;  /* errors (not cancellations) only */
  const char *base_id;      /* NULL: every base (and none) */
  gint64      since_ms;     /* 0: from the start */
  guint       limit;        /* 0: HANGAR_REQUEST_LOG_CAPACITY */
} HangarRequestLogFilter;

/* The rows matching @filter (NULL: all), newest first, read on the worker
 * thread after everything queued so far was written. */
void              hangar_request_log_query_async     (HangarRequestLog             *self,
                                                      const HangarRequestLogFilter *filter,
                                                      GCancellable                 *cancellable,
                                                      GAsyncReadyCallback           callback,
                                                      gpointer                      user_data);
/* Returns: (transfer full) (element-type HangarRequestLogEntry) */
GPtrArray        *hangar_request_log_query_finish    (HangarRequestLog  *self,
                                                      GAsyncResult      *result,
                                                      GError           **error);
/* The same, at once on the main connection (the CLI, tests). */
GPtrArray        *hangar_request_log_query           (HangarRequestLog             *self,
                                                      const HangarRequestLogFilter *filter,
                                                      GError                      **error);

/* The health of an account at a glance. */
typedef struct
{
  guint                  n_entries;
  gint64                 last_success_ms;  /* 0: none */
  HangarRequestLogEntry *last_error;       /* NULL: none */
  char                 **base_ids;         /* every base in the log, sorted */
} HangarRequestLogSummary;

void                     hangar_request_log_summary_free   (HangarRequestLogSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarRequestLogSummary, hangar_request_log_summary_free)

void                     hangar_request_log_summary_async  (HangarRequestLog    *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
HangarRequestLogSummary *hangar_request_log_summary_finish (HangarRequestLog    *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

/*
 * Signal "entries-written" (GPtrArray *entries): emitted on the main thread
 * after a batch of this process's entries was written (oldest first). Rows
 * written by other processes are seen by the next query.
 */

G_END_DECLS
