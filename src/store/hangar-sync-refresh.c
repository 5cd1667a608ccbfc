/* hangar-sync-refresh.c — a HangarSync without webhooks: records changed
 * since the last refresh, and a periodic sweep of ids for deletions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "hangar-error.h"
#include "hangar-formula.h"
#include "hangar-json.h"
#include "hangar-sync-private.h"

/* ---- incremental refresh and sweep (no webhook) ---- */

typedef struct
{
  HangarSync *sync;
  SyncBase   *base;
  SyncTable  *table;
  gint64      started_us;
  gboolean    sweep;
  guint       restarts;
  HangarListOptions *options;
  GHashTable *ids;          /* sweep: every id seen */
  GCancellable *cancellable;
} Refresh;


typedef struct
{
  gpointer  refresh;
  char     *offset;
} PageWrite;

static void
refresh_free (Refresh *refresh)
{
  g_clear_pointer (&refresh->options, hangar_list_options_free);
  g_clear_pointer (&refresh->ids, g_hash_table_unref);
  g_clear_object (&refresh->cancellable);
  g_object_unref (refresh->sync);
  g_free (refresh);
}

static void
refresh_end (Refresh      *refresh,
             const GError *error)
{
  SyncBase *base = refresh->base;
  SyncTable *table = refresh->table;

  /* Cancelled: the base stopped (unwatched, or the account went); whoever
   * cancelled reset its state. */
  if (g_cancellable_is_cancelled (refresh->cancellable))
    {
      refresh_free (refresh);
      return;
    }
  table->refreshing = FALSE;
  g_clear_error (&table->error);
  if (error != NULL)
    {
      table->error = g_error_copy (error);
      table->failed_us = g_get_monotonic_time ();
    }
  _hangar_sync_table_changed (base, table->table_id);
  refresh_free (refresh);
  _hangar_sync_refresh_next_table (base);
}

static void refresh_page (Refresh *refresh, const char *offset);

static void
refresh_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PageWrite *page = user_data;
  Refresh *refresh = page->refresh;
  g_autofree char *offset = g_steal_pointer (&page->offset);
  g_autoptr(HangarCacheChange) change = NULL;
  g_autoptr(GError) error = NULL;

  g_free (page);
  change = hangar_cache_write_finish (HANGAR_CACHE (object), result, &error);
  if (change == NULL)
    {
      refresh_end (refresh, error);
      return;
    }
  if (offset != NULL)
    {
      refresh_page (refresh, offset);
      return;
    }
  if (!hangar_cache_set_table_synced (refresh->sync->cache, refresh->base->base_id, refresh->table->table_id,
                                      refresh->started_us, refresh->sweep ? 0 : refresh->started_us,
                                      refresh->sweep ? refresh->started_us : 0, &error))
    {
      refresh_end (refresh, error);
      return;
    }
  refresh_end (refresh, NULL);
}

static void
refresh_page_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Refresh *refresh = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *offset = NULL;
  HangarCacheWrite *write;
  PageWrite *page;

  records = hangar_client_list_records_page_finish (HANGAR_CLIENT (object), result, &offset, &error);
  if (g_cancellable_is_cancelled (refresh->cancellable))
    {
      refresh_end (refresh, NULL);
      return;
    }
  _hangar_sync_note_result (refresh->sync, error);
  if (records == NULL && g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_ITERATOR_EXPIRED) &&
      refresh->restarts < HANGAR_SYNC_MAX_RESTARTS)
    {
      refresh->restarts++;
      if (refresh->ids != NULL)
        g_hash_table_remove_all (refresh->ids);
      refresh_page (refresh, NULL);
      return;
    }
  if (records == NULL)
    {
      refresh_end (refresh, error);
      return;
    }

  write = hangar_cache_write_new (refresh->base->base_id, refresh->table->table_id);
  if (refresh->sweep)
    {
      for (guint i = 0; i < records->len; i++)
        g_hash_table_add (refresh->ids, g_strdup (hangar_record_get_id (g_ptr_array_index (records, i))));
      if (offset == NULL)
        hangar_cache_write_keep_only (write, refresh->ids);
    }
  else
    hangar_cache_write_add_records (write, records);
  page = g_new0 (PageWrite, 1);
  page->refresh = refresh;
  page->offset = g_steal_pointer (&offset);
  hangar_cache_write_async (refresh->sync->cache, write, refresh->cancellable, refresh_written_cb, page);
}

static void
refresh_page (Refresh    *refresh,
              const char *offset)
{
  hangar_client_list_records_page_async (refresh->sync->client, refresh->base->base_id, refresh->table->table_id,
                                         refresh->options, offset, refresh->cancellable, refresh_page_cb, refresh);
}

/* The next watched, complete table of the base that is due; the step ends
 * when there is none. */
void
_hangar_sync_refresh_next_table (SyncBase *base)
{
  GHashTableIter iter;
  SyncTable *table;
  gint64 now = g_get_real_time ();

  g_hash_table_iter_init (&iter, base->tables);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &table))
    {
      HangarCacheTableState state;
      Refresh *refresh;
      gboolean sweep;

      /* One refresh or sweep per table per round. */
      if (table->watchers == 0 || table->filling || table->refreshing || table->round == base->round)
        continue;
      hangar_cache_get_table_state (base->sync->cache, base->base_id, table->table_id, &state);
      if (!state.complete)
        continue;
      /* Changed records when due (a table just opened or reloaded is due
       * now), a sweep for deleted ones when due; when both are, they take
       * turns, so that neither starves the other on a slow machine. */
      {
        gboolean refresh_due = table->due || state.synced_us < now - (gint64) base->sync->refresh_ms * 1000 / 2;
        gboolean sweep_due = state.swept_us < now - base->sync->sweep_us;

        if (!refresh_due && !sweep_due)
          continue;
        sweep = sweep_due && (!refresh_due || !table->swept_last);
        table->swept_last = sweep;
        table->round = base->round;
        if (!sweep)
          table->due = FALSE;
      }

      refresh = g_new0 (Refresh, 1);
      refresh->sync = g_object_ref (base->sync);
      refresh->base = base;
      refresh->table = table;
      refresh->started_us = now;
      refresh->sweep = sweep;
      refresh->cancellable = g_object_ref (base->cancellable);
      refresh->options = hangar_list_options_new ();
      hangar_list_options_set_fields_by_id (refresh->options, TRUE);
      if (sweep)
        {
          HangarTable *model = table->table;
          const char *primary = model != NULL ? hangar_table_get_primary_field_id (model) : NULL;

          /* Ids only: the primary field's cells, the lightest there is. */
          if (primary != NULL)
            hangar_list_options_add_field (refresh->options, primary);
          refresh->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
        }
      else
        {
          gint64 since_us = MAX (state.modified_since_us - HANGAR_SYNC_CLOCK_MARGIN_US, 0);
          g_autoptr(GDateTime) since = g_date_time_new_from_unix_utc (since_us / G_USEC_PER_SEC);
          g_autoptr(HangarFormula) formula =
            hangar_formula_call ("IS_AFTER", hangar_formula_raw ("LAST_MODIFIED_TIME()"),
                                 hangar_formula_datetime (since), NULL);
          g_autofree char *text = hangar_formula_to_string (formula);

          hangar_list_options_set_formula (refresh->options, text);
        }
      g_debug ("%s %s/%s", sweep ? "Looking for deleted records in" : "Fetching records changed in",
               base->base_id, table->table_id);
      table->refreshing = TRUE;
      refresh_page (refresh, NULL);
      return;
    }
  _hangar_sync_step_done (base);
}

