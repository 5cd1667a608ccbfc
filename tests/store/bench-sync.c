/* bench-sync.c — what the cache and live sync cost: requests to re-open a
 * table with a few changes, memory and disk per record
 *
 *   HANGAR_SANDBOX=_build/src/sandbox/hangar-sandbox _build/tests/store/bench-sync [--records N] [--changes K]
 *
 * Starts hangar-sandbox with a generated table of N records (default
 * 50,000), fills a cache with it (a webhook is made first), stops the
 * sync, lets another user change K records (default 10), then opens the
 * table again as the app does and counts the requests until the cache holds
 * every change: with the webhook, without it (LAST_MODIFIED_TIME()), and a
 * full reload for comparison (every page, as without a cache). It also
 * prints heap bytes per record in the cached list model and in the
 * page-by-page HangarRecordList, and the cache's bytes per record on disk.
 * Prints figures; asserts nothing about time.
 *
 * With --fill-latency MS it only fills a cache with the table, as the first
 * open of a table does, against a sandbox with its default rate limits and
 * MS of latency on every answer, paced as the app is: wall time, records/s
 * against the ceiling of 5 requests/s × 100 records, requests and 429s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-store-common.h"

#include <malloc.h>
#include <sys/stat.h>

#include "hangar-record-list.h"

typedef struct
{
  HangarCache *cache;
  HangarSync  *sync;
  const char  *base_id;
  const char  *table_id;
} Ctx;

static gboolean
complete_cb (gpointer data)
{
  Ctx *ctx = data;
  HangarCacheTableState state;

  hangar_cache_get_table_state (ctx->cache, ctx->base_id, ctx->table_id, &state);
  return state.complete && !hangar_sync_get_filling (ctx->sync, ctx->base_id, ctx->table_id, NULL);
}

typedef struct
{
  HangarCache *cache;
  const char  *base_id;
  const char  *table_id;
  GPtrArray   *ids;
  const char  *title;
} Changed;

static gboolean
changes_in_cb (gpointer data)
{
  Changed *c = data;

  for (guint i = 0; i < c->ids->len; i++)
    {
      HangarCacheRow row = { 0 };
      gboolean in;

      if (!hangar_cache_read_record (c->cache, c->base_id, c->table_id, g_ptr_array_index (c->ids, i), &row))
        return FALSE;
      in = strstr (row.cells, c->title) != NULL;
      hangar_cache_row_clear (&row);
      if (!in)
        return FALSE;
    }
  return TRUE;
}

static gboolean
model_listed_cb (gpointer data)
{
  return !hangar_cached_records_get_loading (HANGAR_CACHED_RECORDS (data));
}

static gsize
heap_used (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
}

/* The first open's fill alone, paced, at @latency_ms. */
static int
bench_fill (int n_records,
            int latency_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarTestSandbox) sandbox = NULL;
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarCache) cache = NULL;
  g_autoptr(HangarTable) table = NULL;
  g_autoptr(HangarSync) sync = NULL;
  g_autofree char *base_id = NULL;
  g_autofree char *generate = g_strdup_printf ("Bench:%d", n_records);
  g_autofree char *latency = g_strdup_printf ("%d", latency_ms);
  gint64 t0;
  double wall;
  Ctx ctx;

  /* A paced fill of 50,000 records takes minutes: that is the figure. */
  g_setenv ("HANGAR_TEST_WAIT_S", "1800", FALSE);
  sandbox = hangar_test_sandbox_start ("--quiet", "--generate", generate, "--latency", latency, NULL);
  client = ts_client_new (sandbox, NULL, TRUE);
  table = ts_table (sandbox, "Bench", "Records", &base_id);
  cache = hangar_cache_get_for_account ("bench-fill", &error);
  g_assert_no_error (error);
  sync = hangar_sync_new (client, cache);
  /* The fill alone: no webhook made first. */
  hangar_sync_set_use_webhooks (sync, FALSE);
  ctx = (Ctx) { cache, sync, base_id, hangar_table_get_id (table) };

  hangar_test_sandbox_control (sandbox, "/__sandbox/reset-stats", NULL);
  t0 = g_get_monotonic_time ();
  hangar_sync_watch_table (sync, base_id, table);
  hangar_test_wait_until (complete_cb, &ctx, "the fill");
  wall = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("Fill of %d records at %d ms latency, paced (ceiling 500 records/s): %.2f s, %.0f records/s "
           "(%.1f %%), %" G_GINT64_FORMAT " requests, %" G_GINT64_FORMAT " answered 429, %u records cached\n",
           n_records, latency_ms, wall, n_records / wall, 100 * n_records / wall / 500,
           hangar_test_sandbox_stat (sandbox, "requests"), hangar_test_sandbox_stat (sandbox, "by_status.429"),
           hangar_cache_count_records (cache, base_id, ctx.table_id));
  hangar_sync_unwatch_table (sync, base_id, ctx.table_id);
  return 0;
}

static gboolean
list_done_cb (gpointer data)
{
  HangarRecordList *list = data;

  return hangar_record_list_get_complete (list) || hangar_record_list_get_failed (list) != NULL;
}

int
main (int   argc,
      char *argv[])
{
  int n_records = 50000;
  int n_changes = 10;
  int fill_latency = -1;
  GOptionEntry entries[] = {
    { "records", 0, 0, G_OPTION_ARG_INT, &n_records, "Records in the table (50000)", "N" },
    { "changes", 0, 0, G_OPTION_ARG_INT, &n_changes, "Records another user changes (10)", "K" },
    { "fill-latency", 0, 0, G_OPTION_ARG_INT, &fill_latency,
      "Only time the first fill, paced, with MS of latency on every answer", "MS" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— requests and memory of the cache and live sync");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarTestSandbox) sandbox = NULL;
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarCache) cache = NULL;
  g_autoptr(HangarTable) table = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base_id = NULL;
  g_autofree char *generate = NULL;
  g_autofree char *share = NULL;
  g_autofree char *path = NULL;
  const char *table_id;
  gint64 t0, requests;
  struct stat st;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  if (fill_latency >= 0)
    return bench_fill (n_records, fill_latency);

  generate = g_strdup_printf ("Bench:%d", n_records);
  sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", "--generate", generate, NULL);
  client = ts_client_new (sandbox, NULL, FALSE);
  table = ts_table (sandbox, "Bench", "Records", &base_id);
  table_id = hangar_table_get_id (table);
  cache = hangar_cache_get_for_account ("bench", &error);
  g_assert_no_error (error);
  share = g_strdup_printf ("{\"base\":\"%s\",\"user\":\"other@hangar.test\",\"permission\":\"edit\"}", base_id);
  hangar_test_sandbox_control (sandbox, "/__sandbox/share", share);

  g_print ("Table of %d records, %d changed by another user while the app is closed\n\n", n_records, n_changes);

  /* First open: a webhook, then every record. */
  {
    g_autoptr(HangarSync) sync = hangar_sync_new (client, cache);
    Ctx ctx = { cache, sync, base_id, table_id };

    hangar_test_sandbox_control (sandbox, "/__sandbox/reset-stats", NULL);
    t0 = g_get_monotonic_time ();
    hangar_sync_watch_table (sync, base_id, table);
    hangar_test_wait_until (complete_cb, &ctx, "the first fill");
    g_print ("First open, cache filled:      %6.2f s, %" G_GINT64_FORMAT " requests\n",
             (g_get_monotonic_time () - t0) / 1e6, hangar_test_sandbox_stat (sandbox, "requests"));
    hangar_sync_unwatch_table (sync, base_id, table_id);
  }

  /* Another user changes K records while the app is closed. */
  ids = hangar_test_sandbox_list_ids (sandbox, base_id, table_id, "fields%5B%5D=Name");
  for (int i = 0; i < n_changes; i++)
    {
      const char *id = g_ptr_array_index (ids, (guint) i * (ids->len / MAX (n_changes, 1)));
      g_autofree char *body = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Records\",\"user\":\"other@hangar.test\","
                                               "\"update\":{\"id\":\"%s\",\"fields\":{\"Name\":\"changed while closed\"}}}",
                                               base_id, id);

      hangar_test_sandbox_control (sandbox, "/__sandbox/edit", body);
      g_ptr_array_add (changed, g_strdup (id));
    }

  /* Re-open with the webhook: check it, read its payloads. */
  {
    g_autoptr(HangarSync) sync = hangar_sync_new (client, cache);
    Changed c = { cache, base_id, table_id, changed, "changed while closed" };

    hangar_test_sandbox_control (sandbox, "/__sandbox/reset-stats", NULL);
    t0 = g_get_monotonic_time ();
    hangar_sync_watch_table (sync, base_id, table);
    hangar_test_wait_until (changes_in_cb, &c, "the changes through payloads");
    requests = hangar_test_sandbox_stat (sandbox, "requests");
    g_print ("Re-open, live (webhook):       %6.3f s, %" G_GINT64_FORMAT " requests\n",
             (g_get_monotonic_time () - t0) / 1e6, requests);
    hangar_sync_unwatch_table (sync, base_id, table_id);
  }

  /* The same without webhook:manage: the records changed since the last
   * sync, by LAST_MODIFIED_TIME(). */
  {
    g_autoptr(HangarSync) sync = hangar_sync_new (client, cache);
    Changed c = { cache, base_id, table_id, changed, "changed again" };

    for (guint i = 0; i < changed->len; i++)
      {
        g_autofree char *body = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Records\",\"user\":\"other@hangar.test\","
                                                 "\"update\":{\"id\":\"%s\",\"fields\":{\"Name\":\"changed again\"}}}",
                                                 base_id, (char *) g_ptr_array_index (changed, i));

        hangar_test_sandbox_control (sandbox, "/__sandbox/edit", body);
      }
    hangar_sync_set_use_webhooks (sync, FALSE);
    hangar_test_sandbox_control (sandbox, "/__sandbox/reset-stats", NULL);
    t0 = g_get_monotonic_time ();
    hangar_sync_watch_table (sync, base_id, table);
    hangar_test_wait_until (changes_in_cb, &c, "the changes by modification time");
    requests = hangar_test_sandbox_stat (sandbox, "requests");
    g_print ("Re-open, no webhook:           %6.3f s, %" G_GINT64_FORMAT " requests (plus %d for the id sweep every 6 h)\n",
             (g_get_monotonic_time () - t0) / 1e6, requests, (n_records + 99) / 100);
    hangar_sync_unwatch_table (sync, base_id, table_id);
  }

  /* A full reload, as without a cache: every page. */
  {
    g_autoptr(HangarRecordList) list = hangar_record_list_new (client, base_id, table_id, NULL);
    gsize before = heap_used ();
    gsize after;

    hangar_test_sandbox_control (sandbox, "/__sandbox/reset-stats", NULL);
    t0 = g_get_monotonic_time ();
    hangar_record_list_load_all (list);
    hangar_test_wait_until (list_done_cb, list, "the full reload");
    after = heap_used ();
    g_print ("Full reload (no cache):        %6.2f s, %" G_GINT64_FORMAT " requests\n\n",
             (g_get_monotonic_time () - t0) / 1e6, hangar_test_sandbox_stat (sandbox, "requests"));
    g_print ("Memory per loaded record (HangarRecordList, %u records): %.0f bytes\n",
             hangar_record_list_get_n_loaded (list),
             (double) (after - before) / hangar_record_list_get_n_loaded (list));
  }

  /* The cached list model: the rowids, and the records of a screenful
   * (and the rows near it) built. */
  {
    gsize before = heap_used ();
    g_autoptr(HangarCachedRecords) model = hangar_cached_records_new (cache, base_id, table, NULL);
    guint n;
    gsize after;

    hangar_test_wait_until (model_listed_cb, model, "the cached rows");
    n = g_list_model_get_n_items (G_LIST_MODEL (model));
    for (guint i = 0; i < 60 && i < n; i++)
      g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
    after = heap_used ();
    g_print ("Memory per cached record (HangarCachedRecords, %u records, %u built): %.1f bytes\n",
             n, hangar_cached_records_get_n_built (model), (double) (after - before) / MAX (n, 1));
  }

  path = hangar_store_path_for_account ("bench", HANGAR_STORE_CACHE);
  if (stat (path, &st) == 0)
    g_print ("Cache on disk: %.1f MiB, %.0f bytes per record (cells as compact JSON by field id)\n",
             st.st_size / 1048576.0, (double) st.st_size / n_records);
  return 0;
}
