/* hangar-sync.c — keeping the offline cache current
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-error.h"
#include "hangar-fetch.h"
#include "hangar-json.h"
#include "hangar-formula.h"
#include "hangar-schema-watch.h"
#include "hangar-scopes.h"
#include "hangar-table-counts.h"
#include "hangar-sync-private.h"

/**
 * HangarSync:
 *
 * Keeps the cached tables of one account current while they are watched
 * (a grid shows them), in one of two ways per base:
 *
 * - Live (the account has webhook:manage): one webhook per base, without a
 *   notification URL, whose payloads are polled every few seconds — one
 *   request of the base's budget — and applied to the cache: created,
 *   changed and deleted records, and schema changes (the schema is fetched
 *   again and #HangarSync::schema-changed emitted). The webhook is checked
 *   now and then; an expired, missing or errored webhook, payloads lost to a
 *   week offline, or a hole in the cursors mean a new webhook and a complete
 *   fetch of the cached tables (src/api/WEBHOOKS.md, "A week offline").
 * - Polling (no scope, or the base's webhooks are full): every 30 s the
 *   records whose LAST_MODIFIED_TIME() is after the last refresh, and now
 *   and then an id-only listing to find deleted records.
 *
 * A table that is not cached yet (or must be fetched again) is fetched
 * completely first, through #HangarFetch (several parts at once when the
 * round trip asks for it), each page stored as it comes so the grid shows
 * it; payload polls of its base wait for that fetch and then catch up
 * from the cursor taken before it, so no change is missed.
 *
 * Offline (the network monitor says so, or a request failed for want of a
 * network) the sync keeps trying at a slower pace and catches up as soon as
 * the network is back; the cache meanwhile serves what it has.
 */

G_DEFINE_FINAL_TYPE (HangarSync, hangar_sync, G_TYPE_OBJECT)

guint _hangar_sync_signals[HANGAR_SYNC_N_SIGNALS];

enum {
  PROP_0,
  PROP_OFFLINE,
  PROP_USE_WEBHOOKS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Offline, try again at most this often. */
#define OFFLINE_RETRY_MS 15000

static void tick (SyncBase *base);
static void feed_count (HangarSync *self, const char *base_id, const char *table_id);
static void feed_all_counts (HangarSync *self);

/* ---- bases and tables ---- */

static void
sync_table_free (SyncTable *table)
{
  g_free (table->table_id);
  g_clear_object (&table->table);
  g_clear_error (&table->error);
  g_free (table);
}

static void
sync_base_free (SyncBase *base)
{
  g_clear_handle_id (&base->timer, g_source_remove);
  g_cancellable_cancel (base->cancellable);
  g_clear_object (&base->cancellable);
  g_hash_table_unref (base->tables);
  g_clear_pointer (&base->schema, g_ptr_array_unref);
  g_free (base->base_id);
  g_free (base->note);
  g_free (base->webhook_id);
  g_free (base);
}

static SyncBase *
get_base (HangarSync *self,
          const char *base_id)
{
  SyncBase *base = g_hash_table_lookup (self->bases, base_id);

  if (base == NULL)
    {
      base = g_new0 (SyncBase, 1);
      base->sync = self;
      base->base_id = g_strdup (base_id);
      base->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sync_table_free);
      base->cancellable = g_cancellable_new ();
      base->next_cursor = -1;
      base->cursor = 1;
      base->schema = hangar_cache_get_schema (self->cache, base_id, NULL, NULL);
      g_hash_table_insert (self->bases, base->base_id, base);
      _hangar_sync_load_webhook (base);
    }
  return base;
}

static SyncTable *
get_table (SyncBase   *base,
           const char *table_id)
{
  SyncTable *table = g_hash_table_lookup (base->tables, table_id);

  if (table == NULL)
    {
      table = g_new0 (SyncTable, 1);
      table->base = base;
      table->table_id = g_strdup (table_id);
      g_hash_table_insert (base->tables, table->table_id, table);
    }
  return table;
}

HangarTable *
_hangar_sync_lookup_table (SyncBase   *base,
                           const char *table_id)
{
  SyncTable *table = g_hash_table_lookup (base->tables, table_id);

  if (table != NULL && table->table != NULL)
    return table->table;
  if (base->schema != NULL)
    return hangar_table_list_lookup (base->schema, table_id);
  return NULL;
}

void
_hangar_sync_table_changed (SyncBase   *base,
                            const char *table_id)
{
  g_signal_emit (base->sync, _hangar_sync_signals[HANGAR_SYNC_SIGNAL_TABLE_CHANGED], 0, base->base_id, table_id);
}

void
_hangar_sync_set_mode (SyncBase       *base,
                       HangarSyncMode  mode,
                       const char     *note)
{
  if (base->mode == mode && g_strcmp0 (base->note, note) == 0)
    return;
  /* Decided: fetches and polls may start at once, not after an interval. */
  if (base->mode == HANGAR_SYNC_MODE_UNKNOWN && mode != HANGAR_SYNC_MODE_UNKNOWN)
    base->again = TRUE;
  base->mode = mode;
  g_free (base->note);
  base->note = g_strdup (note);
  if (note != NULL)
    g_message ("%s: %s", base->base_id, note);
  g_signal_emit (base->sync, _hangar_sync_signals[HANGAR_SYNC_SIGNAL_BASE_CHANGED], 0, base->base_id);
}

/* Whether @error means Airtable could not be reached at all. */
static gboolean
error_is_offline (const GError *error)
{
  return g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK) ||
         g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_TOKEN_EXPIRED);
}

static void
set_offline (HangarSync *self,
             gboolean    offline)
{
  if (self->offline == offline)
    return;
  self->offline = offline;
  g_debug ("Airtable is %s", offline ? "out of reach" : "reachable again");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
}

void
_hangar_sync_note_result (HangarSync   *self,
                          const GError *error)
{
  if (error == NULL)
    set_offline (self, FALSE);
  else if (error_is_offline (error))
    set_offline (self, TRUE);
}

void
_hangar_sync_mark_lost (SyncBase   *base,
                        const char *why)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) cached = hangar_cache_list_tables (base->sync->cache, base->base_id);
  gboolean any_complete = FALSE;

  for (guint i = 0; cached != NULL && cached[i] != NULL && !any_complete; i++)
    {
      HangarCacheTableState state;

      hangar_cache_get_table_state (base->sync->cache, base->base_id, strchr (cached[i], '/') + 1, &state);
      any_complete = state.complete;
    }
  /* Worth saying only when there was a copy that is now fetched again. */
  if (any_complete)
    g_message ("%s: %s; the cached tables of the base are fetched again", base->base_id, why);
  else
    g_debug ("%s: %s", base->base_id, why);
  if (!hangar_cache_mark_incomplete (base->sync->cache, base->base_id, NULL, &error))
    g_warning ("%s", error->message);
}

gboolean
_hangar_sync_base_filling (SyncBase *base)
{
  GHashTableIter iter;
  SyncTable *table;

  g_hash_table_iter_init (&iter, base->tables);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &table))
    if (table->filling)
      return TRUE;
  return FALSE;
}

void
_hangar_sync_tables_synced (SyncBase *base,
                            gint64    when)
{
  g_auto(GStrv) cached = hangar_cache_list_tables (base->sync->cache, base->base_id);

  for (guint i = 0; cached != NULL && cached[i] != NULL; i++)
    {
      const char *table_id = strchr (cached[i], '/') + 1;
      HangarCacheTableState state;
      g_autoptr(GError) error = NULL;

      hangar_cache_get_table_state (base->sync->cache, base->base_id, table_id, &state);
      if (!state.complete)
        continue;
      /* Every change up to @when is in: a later incremental refresh (if the
       * webhook goes away) can start from there. */
      if (!hangar_cache_set_table_synced (base->sync->cache, base->base_id, table_id, when,
                                          when - HANGAR_SYNC_CLOCK_MARGIN_US, 0, &error))
        g_debug ("%s", error->message);
      if (g_hash_table_contains (base->tables, table_id))
        {
          SyncTable *table = g_hash_table_lookup (base->tables, table_id);

          g_clear_error (&table->error);
          _hangar_sync_table_changed (base, table_id);
        }
    }
}

/* ---- schedule ---- */

static guint
interval_ms (SyncBase *base)
{
  HangarSync *self = base->sync;
  guint ms = base->mode == HANGAR_SYNC_MODE_POLLING ? self->refresh_ms : self->poll_ms;

  if (self->offline)
    ms = MAX (ms, OFFLINE_RETRY_MS);
  return ms;
}

static gboolean
tick_cb (gpointer data)
{
  SyncBase *base = data;

  base->timer = 0;
  tick (base);
  return G_SOURCE_REMOVE;
}

static void
schedule (SyncBase *base,
          guint     ms)
{
  g_clear_handle_id (&base->timer, g_source_remove);
  if (base->watchers == 0 || base->sync->invalidated)
    return;
  base->timer = g_timeout_add (ms, tick_cb, base);
}

void
_hangar_sync_step_done (SyncBase *base)
{
  base->busy = FALSE;
  if (base->again)
    {
      base->again = FALSE;
      schedule (base, 0);
      return;
    }
  schedule (base, interval_ms (base));
}

/* ---- complete fetches ---- */

/* A complete fetch of one table, through HangarFetch: several parts of the
 * table at once when the round trip asks for it, each page written to the
 * cache as it arrives (on the store's thread: the network and the disk
 * work side by side), in whatever order the parts deliver. The rows keep
 * that order (the grid shows them as they come, and the same order after a
 * restart); Airtable documents no order for a listing without a sort or a
 * view. Each page write in flight holds a reference. */
typedef struct
{
  gatomicrefcount ref_count;
  HangarSync   *sync;
  SyncBase     *base;
  SyncTable    *table;
  gint64        started_us;
  gint64        generation;
  guint         writes;        /* page writes in flight */
  gboolean      listed;        /* the last page came */
  gboolean      ended;
  GError       *error;         /* the first failure */
  GCancellable *cancellable;   /* the base's */
  GCancellable *stop;          /* the fetch's: the base's, or a failed write */
  gulong        stop_id;
  HangarFetch  *fetch;
  char         *fields;        /* the table's field ids when the fetch started */
} Fill;

static Fill *
fill_ref (Fill *fill)
{
  g_atomic_ref_count_inc (&fill->ref_count);
  return fill;
}

static void
fill_unref (Fill *fill)
{
  if (!g_atomic_ref_count_dec (&fill->ref_count))
    return;
  /* Never inside the base's cancellation: the fetch and the writes end
   * from callbacks of their own. */
  g_cancellable_disconnect (fill->cancellable, fill->stop_id);
  g_clear_object (&fill->fetch);
  g_clear_object (&fill->stop);
  g_clear_object (&fill->cancellable);
  g_clear_error (&fill->error);
  g_free (fill->fields);
  g_object_unref (fill->sync);
  g_free (fill);
}

/* The fetch is over, well or not; once. */
static void
fill_end (Fill *fill)
{
  SyncTable *table = fill->table;

  if (fill->ended)
    return;
  fill->ended = TRUE;
  /* Cancelled: the base stopped (unwatched, or the account went); whoever
   * cancelled reset its state. */
  if (g_cancellable_is_cancelled (fill->cancellable))
    return;
  table->filling = FALSE;
  g_clear_error (&table->error);
  if (fill->error != NULL)
    {
      table->error = g_error_copy (fill->error);
      table->failed_us = g_get_monotonic_time ();
      g_debug ("Fetching %s/%s failed: %s", fill->base->base_id, table->table_id, fill->error->message);
    }
  else
    {
      g_debug ("Fetched %s/%s: %u records", fill->base->base_id, table->table_id, table->n_fetched);
      feed_count (fill->sync, fill->base->base_id, table->table_id);
    }
  _hangar_sync_table_changed (fill->base, table->table_id);
  /* Payloads waited for the fetch: poll now. */
  schedule (fill->base, 0);
}

static void
fill_fail (Fill         *fill,
           const GError *error)
{
  if (fill->error == NULL && error != NULL)
    fill->error = g_error_copy (error);
  /* No more pages: a write failed, or the fetch did. */
  g_cancellable_cancel (fill->stop);
  /* Writes still in flight, and the fetch, end it when they are done. */
  if (fill->writes == 0 && (fill->listed || fill->fetch == NULL || !hangar_fetch_get_running (fill->fetch)))
    fill_end (fill);
}

static void
fill_finished_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Fill *fill = user_data;
  g_autoptr(HangarCacheChange) change = NULL;
  g_autoptr(GError) error = NULL;

  change = hangar_cache_write_finish (HANGAR_CACHE (object), result, &error);
  if (change != NULL &&
      (!hangar_cache_set_table_synced (fill->sync->cache, fill->base->base_id, fill->table->table_id,
                                       fill->started_us, fill->started_us - HANGAR_SYNC_CLOCK_MARGIN_US,
                                       fill->started_us, &error) ||
       (fill->fields != NULL &&
        !hangar_cache_set_table_fields (fill->sync->cache, fill->base->base_id, fill->table->table_id,
                                        fill->fields, &error))))
    g_clear_pointer (&change, hangar_cache_change_free);
  fill->writes--;
  fill_fail (fill, error);
  fill_unref (fill);
}

/* Every page is listed and written: what this fetch did not see is gone. */
static void
fill_finish (Fill *fill)
{
  HangarCacheWrite *write = hangar_cache_write_new (fill->base->base_id, fill->table->table_id);

  fill->writes++;
  hangar_cache_write_finish_full (write, fill->generation);
  hangar_cache_write_async (fill->sync->cache, write, fill->cancellable, fill_finished_cb, fill_ref (fill));
}

static void
fill_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fill *fill = user_data;
  g_autoptr(HangarCacheChange) change = NULL;
  g_autoptr(GError) error = NULL;

  change = hangar_cache_write_finish (HANGAR_CACHE (object), result, &error);
  fill->writes--;
  if (change == NULL || fill->error != NULL || g_cancellable_is_cancelled (fill->cancellable))
    fill_fail (fill, error);
  else if (fill->listed && fill->writes == 0)
    fill_finish (fill);
  fill_unref (fill);
}

/* Each page's records that the fetch had not delivered before, as they
 * come (borrowed: the write takes references). */
static void
fill_page_cb (HangarFetch *fetch,
              GPtrArray   *records,
              gpointer     user_data)
{
  Fill *fill = user_data;
  HangarCacheWrite *write;

  if (fill->error != NULL || g_cancellable_is_cancelled (fill->cancellable))
    return;
  _hangar_sync_note_result (fill->sync, NULL);
  fill->table->n_fetched += records->len;
  _hangar_sync_table_changed (fill->base, fill->table->table_id);

  write = hangar_cache_write_new (fill->base->base_id, fill->table->table_id);
  hangar_cache_write_set_generation (write, fill->generation);
  hangar_cache_write_add_records (write, records);
  fill->writes++;
  hangar_cache_write_async (fill->sync->cache, write, fill->cancellable, fill_written_cb, fill_ref (fill));
}

static void
fill_fetched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fill *fill = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_fetch_run_finish (HANGAR_FETCH (object), result, &error))
    {
      /* Cancelled by the base, or after a failed write: said elsewhere. */
      if (!g_cancellable_is_cancelled (fill->stop))
        _hangar_sync_note_result (fill->sync, error);
      fill_fail (fill, g_cancellable_is_cancelled (fill->stop) ? NULL : error);
      fill_unref (fill);
      return;
    }
  fill->listed = TRUE;
  if (fill->error != NULL || g_cancellable_is_cancelled (fill->cancellable))
    fill_fail (fill, NULL);
  else if (fill->writes == 0)
    fill_finish (fill);
  fill_unref (fill);
}

/* Runs inside g_cancellable_cancel() of the base: only passes it on. */
static void
fill_base_cancelled_cb (GCancellable *cancellable,
                        gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
start_fill (SyncBase  *base,
            SyncTable *table)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarListOptions) options = NULL;
  Fill *fill;

  fill = g_new0 (Fill, 1);
  g_atomic_ref_count_init (&fill->ref_count);
  fill->sync = g_object_ref (base->sync);
  fill->base = base;
  fill->table = table;
  fill->started_us = g_get_real_time ();
  fill->cancellable = g_object_ref (base->cancellable);
  fill->stop = g_cancellable_new ();
  table->filling = TRUE;
  table->n_fetched = 0;
  fill->generation = hangar_cache_begin_full (base->sync->cache, base->base_id, table->table_id, &error);
  if (fill->generation < 0)
    {
      fill_fail (fill, error);
      fill_unref (fill);
      return;
    }
  fill->stop_id = g_cancellable_connect (fill->cancellable, G_CALLBACK (fill_base_cancelled_cb),
                                         g_object_ref (fill->stop), g_object_unref);
  options = hangar_list_options_new ();
  hangar_list_options_set_fields_by_id (options, TRUE);
  if (table->table != NULL)
    fill->fields = hangar_cache_fields_signature (table->table);

  fill->fetch = hangar_fetch_new (base->sync->client, base->base_id, table->table_id, options);
  hangar_fetch_set_keep_records (fill->fetch, FALSE);
  /* A table fetched again has about as many records as its copy (a small
   * one is read with one request). */
  hangar_fetch_set_expected_records (fill->fetch,
                                     hangar_cache_count_records (base->sync->cache, base->base_id, table->table_id));
  hangar_fetch_set_page_func (fill->fetch, fill_page_cb, fill, NULL);

  g_debug ("Fetching every record of %s/%s", base->base_id, table->table_id);
  _hangar_sync_table_changed (base, table->table_id);
  hangar_fetch_run_async (fill->fetch, fill->stop, fill_fetched_cb, fill_ref (fill));
  fill_unref (fill);
}

/* ---- the tick ---- */

static void
start_fills (SyncBase *base)
{
  GHashTableIter iter;
  SyncTable *table;
  gint64 now = g_get_monotonic_time ();

  if (_hangar_sync_base_filling (base))
    return;
  g_hash_table_iter_init (&iter, base->tables);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &table))
    {
      HangarCacheTableState state;

      if (table->watchers == 0 || table->refreshing)
        continue;
      /* After a failure, not before the next interval. */
      if (table->error != NULL && now - table->failed_us < (gint64) interval_ms (base) * 1000)
        continue;
      hangar_cache_get_table_state (base->sync->cache, base->base_id, table->table_id, &state);
      if (!state.complete)
        {
          start_fill (base, table);
          return;
        }
    }
}

static void
tick (SyncBase *base)
{
  HangarSync *self = base->sync;

  if (base->watchers == 0 || self->invalidated)
    return;
  if (hangar_cache_get_damaged (self->cache))
    return;
  if (base->busy)
    {
      schedule (base, interval_ms (base));
      return;
    }

  /* How the base is followed is decided first, so that a webhook exists
   * before a complete fetch starts and every change after it is caught. */
  if (base->mode == HANGAR_SYNC_MODE_UNKNOWN ||
      (base->mode == HANGAR_SYNC_MODE_LIVE &&
       g_get_monotonic_time () - base->health_us > (gint64) self->health_ms * 1000) ||
      (base->mode == HANGAR_SYNC_MODE_POLLING && base->blocked_until_us > 0 &&
       g_get_monotonic_time () > base->blocked_until_us))
    {
      base->busy = TRUE;
      _hangar_sync_webhook_step (base);
      return;
    }

  start_fills (base);
  if (base->mode == HANGAR_SYNC_MODE_LIVE)
    {
      if (_hangar_sync_base_filling (base))
        {
          schedule (base, interval_ms (base));
          return;
        }
      base->busy = TRUE;
      _hangar_sync_poll_step (base);
      return;
    }
  base->busy = TRUE;
  base->round++;
  _hangar_sync_refresh_next_table (base);
}

/* ---- schema ---- */

typedef struct
{
  HangarSync *sync;
  SyncBase   *base;
} SchemaFetch;

static void
schema_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SchemaFetch *fetch = user_data;
  g_autoptr(HangarSync) self = fetch->sync;
  SyncBase *base = fetch->base;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GError) error = NULL;

  g_free (fetch);
  tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (object), result, &error);
  if (tables == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          _hangar_sync_note_result (self, error);
          /* Tried again after the next payloads. */
          base->schema_dirty = TRUE;
          g_debug ("The schema of %s could not be fetched again: %s", base->base_id, error->message);
        }
      return;
    }
  if (!hangar_cache_put_schema (self->cache, base->base_id, tables, &error))
    g_debug ("%s", error->message);
  g_clear_pointer (&base->schema, g_ptr_array_unref);
  base->schema = g_ptr_array_ref (tables);
  /* The tables the base watches follow their new schema. */
  {
    GHashTableIter iter;
    SyncTable *table;

    g_hash_table_iter_init (&iter, base->tables);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &table))
      {
        HangarTable *fresh = hangar_table_list_lookup (tables, table->table_id);

        if (fresh != NULL)
          g_set_object (&table->table, fresh);
      }
  }
  g_signal_emit (self, _hangar_sync_signals[HANGAR_SYNC_SIGNAL_SCHEMA_CHANGED], 0, base->base_id);
  /* Said where the app hears it: the sidebar, the base page and the grid
   * read the schema again and tell the user what drifted. */
  if (self->account_id != NULL)
    hangar_schema_watch_notify_base_changed (hangar_schema_watch_get_default (), self->account_id,
                                             base->base_id, NULL);
}

void
_hangar_sync_refresh_schema (SyncBase *base)
{
  SchemaFetch *fetch = g_new0 (SchemaFetch, 1);

  base->schema_dirty = FALSE;
  fetch->sync = g_object_ref (base->sync);
  fetch->base = base;
  hangar_client_get_base_schema_async (base->sync->client, base->base_id, base->cancellable, schema_cb, fetch);
}

/* ---- record counts ---- */

/* What the cache holds of a complete table is its record count, known
 * without asking: the base page shows it (hangar-table-counts.h). */
static void
feed_count (HangarSync *self,
            const char *base_id,
            const char *table_id)
{
  HangarCacheTableState state;

  if (self->account_id == NULL)
    return;
  hangar_cache_get_table_state (self->cache, base_id, table_id, &state);
  if (state.complete)
    hangar_table_counts_set (hangar_table_counts_get_default (), self->account_id, base_id, table_id,
                             hangar_cache_count_records (self->cache, base_id, table_id));
}

static void
feed_all_counts (HangarSync *self)
{
  g_auto(GStrv) cached = hangar_cache_list_tables (self->cache, NULL);

  for (guint i = 0; cached != NULL && cached[i] != NULL; i++)
    {
      g_autofree char *base_id = g_strndup (cached[i], strchr (cached[i], '/') - cached[i]);

      feed_count (self, base_id, strchr (cached[i], '/') + 1);
    }
}

static void
records_changed_cb (HangarCache       *cache,
                    HangarCacheChange *change,
                    HangarSync        *self)
{
  /* Only a change of how many there are is worth a count. */
  if (change->reset || (change->inserted != NULL && change->inserted->len > 0) ||
      (change->deleted != NULL && change->deleted->len > 0))
    feed_count (self, change->base_id, change->table_id);
}

/* ---- callbacks ---- */

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    HangarSync      *self)
{
  GHashTableIter iter;
  SyncBase *base;

  if (!available)
    {
      set_offline (self, TRUE);
      return;
    }
  /* Back (or a new network): catch up now rather than at the next tick. */
  g_hash_table_iter_init (&iter, self->bases);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &base))
    if (base->watchers > 0 && !base->busy)
      schedule (base, 0);
}

static void
token_invalidated_cb (HangarTokenSource *source,
                      const GError      *reason,
                      HangarSync        *self)
{
  GHashTableIter iter;
  SyncBase *base;

  /* The account is revoked or removed: nothing more is asked. */
  self->invalidated = TRUE;
  g_hash_table_iter_init (&iter, self->bases);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &base))
    {
      g_clear_handle_id (&base->timer, g_source_remove);
      g_cancellable_cancel (base->cancellable);
    }
}

/* ---- GObject ---- */

static void
hangar_sync_dispose (GObject *object)
{
  HangarSync *self = HANGAR_SYNC (object);

  g_cancellable_cancel (self->cancellable);
  if (self->cache != NULL)
    g_clear_signal_handler (&self->records_changed_id, self->cache);
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->monitor_id, self->monitor);
  if (self->client != NULL)
    g_clear_signal_handler (&self->invalidated_id, hangar_client_get_token_source (self->client));
  g_clear_pointer (&self->bases, g_hash_table_unref);
  g_clear_object (&self->monitor);
  g_clear_object (&self->client);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (hangar_sync_parent_class)->dispose (object);
}

static void
hangar_sync_finalize (GObject *object)
{
  HangarSync *self = HANGAR_SYNC (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->specification, json_object_unref);
  g_free (self->account_id);

  G_OBJECT_CLASS (hangar_sync_parent_class)->finalize (object);
}

static void
hangar_sync_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HangarSync *self = HANGAR_SYNC (object);

  switch (prop_id)
    {
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    case PROP_USE_WEBHOOKS:
      g_value_set_boolean (value, self->use_webhooks);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_sync_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  HangarSync *self = HANGAR_SYNC (object);

  switch (prop_id)
    {
    case PROP_USE_WEBHOOKS:
      hangar_sync_set_use_webhooks (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_sync_class_init (HangarSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_sync_dispose;
  object_class->finalize = hangar_sync_finalize;
  object_class->get_property = hangar_sync_get_property;
  object_class->set_property = hangar_sync_set_property;

  /** HangarSync:offline: Airtable cannot be reached */
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /** HangarSync:use-webhooks: follow bases through webhooks where possible */
  properties[PROP_USE_WEBHOOKS] =
    g_param_spec_boolean ("use-webhooks", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarSync::table-changed:
   * @sync: the sync
   * @base_id: the base
   * @table_id: the table
   *
   * A table's fetch started, progressed or ended, a sync of it succeeded
   * or failed: its freshness, filling state or error changed.
   */
  _hangar_sync_signals[HANGAR_SYNC_SIGNAL_TABLE_CHANGED] =
    g_signal_new ("table-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * HangarSync::base-changed:
   * @sync: the sync
   * @base_id: the base
   *
   * How the base is followed (live or polling) or why changed.
   */
  _hangar_sync_signals[HANGAR_SYNC_SIGNAL_BASE_CHANGED] =
    g_signal_new ("base-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * HangarSync::schema-changed:
   * @sync: the sync
   * @base_id: the base
   *
   * Payloads said fields or tables of the base changed; the schema was
   * fetched again and is in the cache (hangar_cache_get_schema()). This is
   * where schema drift is told.
   */
  _hangar_sync_signals[HANGAR_SYNC_SIGNAL_SCHEMA_CHANGED] =
    g_signal_new ("schema-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hangar_sync_init (HangarSync *self)
{
  self->bases = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sync_base_free);
  self->cancellable = g_cancellable_new ();
  self->use_webhooks = TRUE;
  self->poll_ms = 5000;
  self->refresh_ms = 30000;
  self->health_ms = 5 * 60 * 1000;
  /* Between id-only listings that find deleted records (polling mode): a
   * listing of every id costs a request per 100 records. */
  self->sweep_us = (gint64) G_USEC_PER_SEC * 60 * 60 * 6;
}

/* ---- public API ---- */

/**
 * hangar_sync_new:
 * @client: the account's client
 * @cache: the account's cache
 *
 * Returns: (transfer full): a sync for them
 */
HangarSync *
hangar_sync_new (HangarClient *client,
                 HangarCache  *cache)
{
  HangarSync *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (HANGAR_IS_CACHE (cache), NULL);

  self = g_object_new (HANGAR_TYPE_SYNC, NULL);
  self->client = g_object_ref (client);
  self->cache = g_object_ref (cache);
  if (!_hangar_sync_ensure_schema (self, &error))
    g_warning ("The webhook cursors cannot be kept: %s", error->message);
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->monitor_id = g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  if (!g_network_monitor_get_network_available (self->monitor))
    self->offline = TRUE;
  self->invalidated_id = g_signal_connect (hangar_client_get_token_source (client), "invalidated",
                                           G_CALLBACK (token_invalidated_cb), self);
  self->records_changed_id = g_signal_connect (cache, "records-changed", G_CALLBACK (records_changed_cb), self);
  return self;
}

/* account id → HangarSync, weak */
static GHashTable *shared_syncs;

static void
shared_sync_gone (gpointer  data,
                  GObject  *where_the_object_was)
{
  g_hash_table_remove (shared_syncs, data);
}

/**
 * hangar_sync_get_for_account:
 * @account: the account
 * @error: return location for a #GError (the cache cannot be opened)
 *
 * Returns: (transfer full): the account's sync
 */
HangarSync *
hangar_sync_get_for_account (HangarAccount  *account,
                             GError        **error)
{
  g_autoptr(HangarCache) cache = NULL;
  HangarSync *self;
  char *key;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT (account), NULL);

  if (shared_syncs == NULL)
    shared_syncs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self = g_hash_table_lookup (shared_syncs, hangar_account_get_id (account));
  if (self != NULL)
    {
      hangar_sync_set_use_webhooks (self, hangar_scopes_account_can (account, HANGAR_CAPABILITY_LIVE_SYNC));
      return g_object_ref (self);
    }

  cache = hangar_cache_get_for_account (hangar_account_get_id (account), error);
  if (cache == NULL)
    return NULL;
  self = hangar_sync_new (hangar_account_get_client (account), cache);
  self->account_id = g_strdup (hangar_account_get_id (account));
  hangar_sync_set_use_webhooks (self, hangar_scopes_account_can (account, HANGAR_CAPABILITY_LIVE_SYNC));
  feed_all_counts (self);

  key = g_strdup (hangar_account_get_id (account));
  g_hash_table_insert (shared_syncs, key, self);
  g_object_weak_ref (G_OBJECT (self), shared_sync_gone, key);
  return self;
}

HangarClient *
hangar_sync_get_client (HangarSync *self)
{
  g_return_val_if_fail (HANGAR_IS_SYNC (self), NULL);
  return self->client;
}

HangarCache *
hangar_sync_get_cache (HangarSync *self)
{
  g_return_val_if_fail (HANGAR_IS_SYNC (self), NULL);
  return self->cache;
}

gboolean
hangar_sync_get_offline (HangarSync *self)
{
  g_return_val_if_fail (HANGAR_IS_SYNC (self), FALSE);
  return self->offline;
}

gboolean
hangar_sync_get_use_webhooks (HangarSync *self)
{
  g_return_val_if_fail (HANGAR_IS_SYNC (self), FALSE);
  return self->use_webhooks;
}

void
hangar_sync_set_use_webhooks (HangarSync *self,
                              gboolean    use_webhooks)
{
  GHashTableIter iter;
  SyncBase *base;

  g_return_if_fail (HANGAR_IS_SYNC (self));

  use_webhooks = !!use_webhooks;
  if (self->use_webhooks == use_webhooks)
    return;
  self->use_webhooks = use_webhooks;
  /* Decided again at the next tick. */
  g_hash_table_iter_init (&iter, self->bases);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &base))
    {
      base->blocked_until_us = 0;
      if (!base->busy)
        base->mode = HANGAR_SYNC_MODE_UNKNOWN;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_WEBHOOKS]);
}

void
hangar_sync_set_poll_interval (HangarSync *self,
                               guint       ms)
{
  g_return_if_fail (HANGAR_IS_SYNC (self));
  self->poll_ms = MAX (ms, 1);
}

void
hangar_sync_set_refresh_interval (HangarSync *self,
                                  guint       ms)
{
  g_return_if_fail (HANGAR_IS_SYNC (self));
  self->refresh_ms = MAX (ms, 1);
}

void
hangar_sync_set_sweep_interval (HangarSync *self,
                                guint       ms)
{
  g_return_if_fail (HANGAR_IS_SYNC (self));
  self->sweep_us = (gint64) ms * 1000;
}

void
_hangar_sync_set_specification (HangarSync *self,
                                JsonObject *specification)
{
  g_clear_pointer (&self->specification, json_object_unref);
  self->specification = specification != NULL ? json_object_ref (specification) : NULL;
}

JsonObject *
_hangar_sync_dup_own_specification (HangarSync *self)
{
  if (self->specification != NULL)
    return _hangar_json_object_deep_copy (self->specification);
  return hangar_sync_dup_specification ();
}

void
_hangar_sync_set_account_id (HangarSync *self,
                             const char *account_id)
{
  g_free (self->account_id);
  self->account_id = g_strdup (account_id);
  feed_all_counts (self);
}

void
hangar_sync_set_health_interval (HangarSync *self,
                                 guint       ms)
{
  g_return_if_fail (HANGAR_IS_SYNC (self));
  self->health_ms = ms;
}

/**
 * hangar_sync_watch_table:
 * @self: a #HangarSync
 * @base_id: the base
 * @table: the table
 *
 * Starts keeping @table current: its first sync starts at once.
 */
void
hangar_sync_watch_table (HangarSync  *self,
                         const char  *base_id,
                         HangarTable *table)
{
  SyncBase *base;
  SyncTable *entry;

  g_return_if_fail (HANGAR_IS_SYNC (self));
  g_return_if_fail (base_id != NULL && HANGAR_IS_TABLE (table));

  base = get_base (self, base_id);
  entry = get_table (base, hangar_table_get_id (table));
  g_set_object (&entry->table, table);
  if (base->schema == NULL)
    {
      /* No schema cached (a bare client): what the caller knows. */
      base->schema = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (base->schema, g_object_ref (table));
    }
  entry->watchers++;
  base->watchers++;
  entry->due = TRUE;
  g_clear_error (&entry->error);

  /* A field added since the last complete fetch: its values may be in
   * records no change since then touched (a new formula), so fetch them. */
  {
    g_autofree char *known = hangar_cache_get_table_fields (self->cache, base_id, hangar_table_get_id (table));
    g_autofree char *now = hangar_cache_fields_signature (table);
    g_auto(GStrv) before = known != NULL && *known != '\0' ? g_strsplit (known, ",", -1) : NULL;
    g_auto(GStrv) after = g_strsplit (now, ",", -1);

    for (guint i = 0; before != NULL && after[i] != NULL; i++)
      if (!g_strv_contains ((const char * const *) before, after[i]))
        {
          g_autoptr(GError) error = NULL;

          g_debug ("%s/%s has a new field %s: fetched again", base_id, hangar_table_get_id (table), after[i]);
          if (!hangar_cache_mark_incomplete (self->cache, base_id, hangar_table_get_id (table), &error))
            g_warning ("%s", error->message);
          break;
        }
  }
  if (!base->busy)
    schedule (base, 0);
}

void
hangar_sync_unwatch_table (HangarSync *self,
                           const char *base_id,
                           const char *table_id)
{
  SyncBase *base;
  SyncTable *entry;

  g_return_if_fail (HANGAR_IS_SYNC (self));

  base = self->bases != NULL ? g_hash_table_lookup (self->bases, base_id) : NULL;
  entry = base != NULL ? g_hash_table_lookup (base->tables, table_id) : NULL;
  g_return_if_fail (entry != NULL && entry->watchers > 0);

  entry->watchers--;
  base->watchers--;
  if (base->watchers == 0)
    {
      /* Nothing shown from the base: stop asking, and drop what is in
       * flight (a complete fetch starts again next time; what it stored
       * stays). */
      g_clear_handle_id (&base->timer, g_source_remove);
      g_cancellable_cancel (base->cancellable);
      g_clear_object (&base->cancellable);
      base->cancellable = g_cancellable_new ();
      base->busy = FALSE;
      base->again = FALSE;
      {
        GHashTableIter iter;
        SyncTable *table;

        g_hash_table_iter_init (&iter, base->tables);
        while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &table))
          {
            table->filling = FALSE;
            table->refreshing = FALSE;
          }
      }
    }
}

void
hangar_sync_refresh_now (HangarSync *self,
                         const char *base_id,
                         gboolean    full)
{
  SyncBase *base;
  GHashTableIter iter;
  SyncTable *table;

  g_return_if_fail (HANGAR_IS_SYNC (self));

  base = g_hash_table_lookup (self->bases, base_id);
  if (base == NULL || base->watchers == 0)
    return;
  g_hash_table_iter_init (&iter, base->tables);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &table))
    {
      g_autoptr(GError) error = NULL;

      g_clear_error (&table->error);
      if (full && table->watchers > 0 && !table->filling &&
          !hangar_cache_mark_incomplete (self->cache, base_id, table->table_id, &error))
        g_warning ("%s", error->message);
      if (!full && table->watchers > 0)
        /* Due now, not at the end of the interval. */
        table->due = TRUE;
    }
  if (base->busy)
    base->again = TRUE;
  else
    schedule (base, 0);
}

HangarSyncMode
hangar_sync_get_mode (HangarSync *self,
                      const char *base_id)
{
  SyncBase *base;

  g_return_val_if_fail (HANGAR_IS_SYNC (self), HANGAR_SYNC_MODE_UNKNOWN);

  base = g_hash_table_lookup (self->bases, base_id);
  return base != NULL ? base->mode : HANGAR_SYNC_MODE_UNKNOWN;
}

const char *
hangar_sync_get_note (HangarSync *self,
                      const char *base_id)
{
  SyncBase *base;

  g_return_val_if_fail (HANGAR_IS_SYNC (self), NULL);

  base = g_hash_table_lookup (self->bases, base_id);
  return base != NULL ? base->note : NULL;
}

gboolean
hangar_sync_get_filling (HangarSync *self,
                         const char *base_id,
                         const char *table_id,
                         guint      *out_n_fetched)
{
  SyncBase *base;
  SyncTable *table;

  g_return_val_if_fail (HANGAR_IS_SYNC (self), FALSE);

  base = g_hash_table_lookup (self->bases, base_id);
  table = base != NULL ? g_hash_table_lookup (base->tables, table_id) : NULL;
  if (out_n_fetched != NULL)
    *out_n_fetched = table != NULL ? table->n_fetched : 0;
  return table != NULL && table->filling;
}

const GError *
hangar_sync_get_error (HangarSync *self,
                       const char *base_id,
                       const char *table_id)
{
  SyncBase *base;
  SyncTable *table;

  g_return_val_if_fail (HANGAR_IS_SYNC (self), NULL);

  base = g_hash_table_lookup (self->bases, base_id);
  table = base != NULL ? g_hash_table_lookup (base->tables, table_id) : NULL;
  return table != NULL ? table->error : NULL;
}

gint64
hangar_sync_get_synced_us (HangarSync *self,
                           const char *base_id,
                           const char *table_id)
{
  HangarCacheTableState state;

  g_return_val_if_fail (HANGAR_IS_SYNC (self), 0);

  hangar_cache_get_table_state (self->cache, base_id, table_id, &state);
  return state.synced_us;
}

const char *
hangar_sync_get_webhook_id (HangarSync *self,
                            const char *base_id)
{
  SyncBase *base;

  g_return_val_if_fail (HANGAR_IS_SYNC (self), NULL);

  base = g_hash_table_lookup (self->bases, base_id);
  return base != NULL ? base->webhook_id : NULL;
}

/**
 * hangar_sync_dup_specification:
 *
 * Returns: (transfer full): `{"options": {"filters": {"dataTypes":
 *   ["tableData", "tableFields", "tableMetadata"]}}}`
 */
JsonObject *
hangar_sync_dup_specification (void)
{
  JsonObject *spec = json_object_new ();
  JsonObject *options = json_object_new ();
  JsonObject *filters = json_object_new ();
  JsonArray *types = json_array_new ();

  json_array_add_string_element (types, "tableData");
  json_array_add_string_element (types, "tableFields");
  json_array_add_string_element (types, "tableMetadata");
  json_object_set_array_member (filters, "dataTypes", types);
  json_object_set_object_member (options, "filters", filters);
  json_object_set_object_member (spec, "options", options);
  return spec;
}
