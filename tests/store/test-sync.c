/* test-sync.c — keeping the cache current, against a real sandbox
 *
 * Another user edits through the sandbox's control API (as Airtable's web
 * app would); the sync must bring every change into the cache, exactly as
 * the API then lists the records.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-store-common.h"

#include "hangar-client-webhooks.h"
#include "hangar-sync-private.h"
#include "hangar-table-counts.h"

#define OTHER "other@hangar.test"

typedef struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  HangarStore       *store;
  HangarCache       *cache;
  HangarSync        *sync;
  char              *base_id;
  HangarTable       *table;
} Fixture;

static void
fixture_start_sync (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "test-sync.sqlite", NULL);

  fx->store = hangar_store_open (path, HANGAR_STORE_CACHE, &error);
  g_assert_no_error (error);
  fx->cache = hangar_cache_new (fx->store, &error);
  g_assert_no_error (error);
  fx->sync = hangar_sync_new (fx->client, fx->cache);
  /* Short intervals: the test waits for changes, not for a timer. */
  hangar_sync_set_poll_interval (fx->sync, 50);
  hangar_sync_set_refresh_interval (fx->sync, 100);
}

static void
fixture_stop_sync (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fx->sync);
  g_clear_object (&fx->cache);
  g_clear_object (&fx->store);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  const char *args[] = { "--no-rate-limit", NULL };

  fx->sandbox = hangar_test_sandbox_startv (args);
  fx->client = ts_client_new (fx->sandbox, NULL, FALSE);
  fx->table = ts_table (fx->sandbox, "Product Roadmap", "Tasks", &fx->base_id);
  /* Another user who may edit the base. */
  ts_control (fx->sandbox, "/__sandbox/share", "{\"base\":\"%s\",\"user\":\"" OTHER "\",\"permission\":\"create\"}",
              fx->base_id);
  fixture_start_sync (fx);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "test-sync.sqlite", NULL);

  fixture_stop_sync (fx);
  g_clear_object (&fx->client);
  g_clear_object (&fx->table);
  g_free (fx->base_id);
  hangar_test_sandbox_stop (fx->sandbox);
  hangar_store_delete_files (path, NULL);
}

/* A sandbox with a long round trip, and a client paced as the app's: a
 * table's fill reads several parts at once. (No rate limit at the sandbox:
 * the test's own listings are not paced.) */
static void
fixture_set_up_slow (Fixture       *fx,
                     gconstpointer  data)
{
  const char *args[] = { "--no-rate-limit", "--latency", "1000", NULL };

  fx->sandbox = hangar_test_sandbox_startv (args);
  fx->client = ts_client_new (fx->sandbox, NULL, TRUE);
  fx->table = ts_table (fx->sandbox, "Product Roadmap", "Tasks", &fx->base_id);
  fixture_start_sync (fx);
  /* The fill alone: no webhook made first. */
  hangar_sync_set_use_webhooks (fx->sync, FALSE);
}

/* ---- helpers ---- */

static const char *
table_id (Fixture *fx)
{
  return hangar_table_get_id (fx->table);
}

typedef struct
{
  HangarSync *sync;
  const char *base_id;
  const char *table_id;
} Watch;

static gboolean
filled_cb (gpointer data)
{
  Watch *w = data;
  HangarCacheTableState state;

  hangar_cache_get_table_state (hangar_sync_get_cache (w->sync), w->base_id, w->table_id, &state);
  return state.complete && !hangar_sync_get_filling (w->sync, w->base_id, w->table_id, NULL);
}

static void
wait_filled (Fixture *fx)
{
  Watch w = { fx->sync, fx->base_id, table_id (fx) };

  hangar_test_wait_until (filled_cb, &w, "the table to be cached completely");
}

static gboolean
mode_is_cb (gpointer data)
{
  Watch *w = data;

  return (int) hangar_sync_get_mode (w->sync, w->base_id) == GPOINTER_TO_INT (w->table_id);
}

static void
wait_mode (Fixture        *fx,
           HangarSyncMode  mode)
{
  Watch w = { fx->sync, fx->base_id, GINT_TO_POINTER (mode) };

  hangar_test_wait_until (mode_is_cb, &w, "the sync's mode");
}

/* A record id of the table (the first the API lists). */
static char *
some_record (Fixture *fx,
             guint    index)
{
  g_autoptr(GPtrArray) ids = hangar_test_sandbox_list_ids (fx->sandbox, fx->base_id, table_id (fx), NULL);

  g_assert_cmpuint (ids->len, >, index);
  return g_strdup (g_ptr_array_index (ids, index));
}

static void
edit_as_other (Fixture    *fx,
               const char *json_change)
{
  ts_control (fx->sandbox, "/__sandbox/edit", "{\"base\":\"%s\",\"table\":\"%s\",\"user\":\"" OTHER "\",%s}",
              fx->base_id, table_id (fx), json_change);
}

static guint
count_webhooks (Fixture *fx)
{
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", fx->base_id);
  g_autoptr(JsonNode) list = hangar_test_sandbox_get (fx->sandbox, path);

  return json_array_get_length (json_object_get_array_member (json_node_get_object (list), "webhooks"));
}

static gboolean
webhook_exists (Fixture    *fx,
                const char *id)
{
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", fx->base_id);
  g_autoptr(JsonNode) list = hangar_test_sandbox_get (fx->sandbox, path);
  JsonArray *hooks = json_object_get_array_member (json_node_get_object (list), "webhooks");

  for (guint i = 0; i < json_array_get_length (hooks); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (hooks, i), "id"), id))
      return TRUE;
  return FALSE;
}

typedef struct
{
  HangarSync *sync;
  const char *base_id;
  char       *old_id;
} HookWait;

static gboolean
new_webhook_cb (gpointer data)
{
  HookWait *w = data;
  const char *id = hangar_sync_get_webhook_id (w->sync, w->base_id);

  return id != NULL && g_strcmp0 (id, w->old_id) != 0 &&
         hangar_sync_get_mode (w->sync, w->base_id) == HANGAR_SYNC_MODE_LIVE;
}

typedef struct
{
  GListModel *model;
  guint       n;
  const char *name;   /* a Title some record must have */
} ModelWait;

static gboolean
model_shows_cb (gpointer data)
{
  ModelWait *w = data;
  guint n = g_list_model_get_n_items (w->model);

  if (n != w->n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (w->model, i);
      JsonNode *name = hangar_record_get_field (record, "Title");

      if (name != NULL && g_strcmp0 (json_node_get_string (name), w->name) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
count_signal_cb (guint *count)
{
  (*count)++;
}

typedef struct
{
  Fixture    *fx;
  const char *id;
} GoneWait;

/* The webhook is gone from the base's listing. */
static gboolean
webhook_gone_cb (gpointer data)
{
  GoneWait *w = data;

  return !webhook_exists (w->fx, w->id);
}

/* ---- tests ---- */

/* First open: a webhook is made, the table fetched; then another user's
 * creates, changes and deletes reach the cache, cell for cell as the API
 * lists them (select, links, collaborators, computed fields…). */
static void
test_live (Fixture       *fx,
           gconstpointer  data)
{
  g_autofree char *first = some_record (fx, 0);
  g_autofree char *second = some_record (fx, 1);
  g_autofree char *third = some_record (fx, 2);
  g_autofree char *change = NULL;
  g_autoptr(HangarCachedRecords) model = hangar_cached_records_new (fx->cache, fx->base_id, fx->table, NULL);
  gint64 requests;
  guint64 count = 0;

  _hangar_sync_set_account_id (fx->sync, "sync-test");
  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_filled (fx);
  wait_mode (fx, HANGAR_SYNC_MODE_LIVE);
  g_assert_nonnull (hangar_sync_get_webhook_id (fx->sync, fx->base_id));
  g_assert_true (webhook_exists (fx, hangar_sync_get_webhook_id (fx->sync, fx->base_id)));
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));

  /* Text, a select, a number, a checkbox… */
  change = g_strdup_printf ("\"update\":{\"id\":\"%s\",\"fields\":{\"Title\":\"Changed by another user\"}}", first);
  edit_as_other (fx, change);
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  g_free (change);
  change = g_strdup_printf ("\"update\":{\"id\":\"%s\",\"fields\":{\"Labels\":[\"bug\",\"chore\"],\"Points\":13,\"Done\":true}}", second);
  edit_as_other (fx, change);
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  /* …a cleared cell, links and what they change on the other side… */
  g_free (change);
  change = g_strdup_printf ("\"typecast\":true,\"update\":{\"id\":\"%s\",\"fields\":{\"Labels\":null,\"Points\":null,\"Project\":[\"Website redesign\"]}}", second);
  edit_as_other (fx, change);
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  /* …a new record, a deleted one. */
  edit_as_other (fx, "\"create\":{\"Title\":\"Made elsewhere\",\"Labels\":[\"feature\"],\"Estimate\":5400}");
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  g_free (change);
  change = g_strdup_printf ("\"delete\":\"%s\"", third);
  edit_as_other (fx, change);
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));

  /* The model followed: one more, one less, and the changed cells. */
  {
    ModelWait w = { G_LIST_MODEL (model), 0, "Made elsewhere" };

    w.n = hangar_cache_count_records (fx->cache, fx->base_id, table_id (fx));
    hangar_test_wait_until (model_shows_cb, &w, "the model to follow the cache");
    g_assert_cmpuint (hangar_cached_records_find (model, third), ==, G_MAXUINT);
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (model),
                                                              hangar_cached_records_find (model, first));

      g_assert_cmpstr (json_node_get_string (hangar_record_get_field (record, "Title")), ==, "Changed by another user");
    }
  }

  /* The record count is known without asking (for the base page). */
  g_assert_true (hangar_table_counts_lookup (hangar_table_counts_get_default (), "sync-test", fx->base_id,
                                             table_id (fx), &count));
  g_assert_cmpuint (count, ==, hangar_cache_count_records (fx->cache, fx->base_id, table_id (fx)));

  /* Quiet: one request per poll, nothing else. */
  requests = hangar_test_sandbox_stat (fx->sandbox, "requests");
  hangar_test_run_for (300);  /* real time is the point: polls happen on a timer */
  g_assert_cmpint (hangar_test_sandbox_stat (fx->sandbox, "requests") - requests, <=, 300 / 50 + 2);

  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}


/* 62 × 8 records "recSKEWSKEWSKEW" + one of 62 + one of 8 characters in 4
 * pairs that differ only in case: parts are cut by the last character. */
static guint
make_skewed (Fixture *fx)
{
  static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  static const char last_chars[] = "qQzZaA0m";
  guint n = 0;

  for (guint chunk = 0; chunk < 62; chunk += 31)
    {
      g_autoptr(GString) body = g_string_new (NULL);

      g_string_append_printf (body, "{\"base\":\"%s\",\"table\":\"%s\",\"create\":[", fx->base_id, table_id (fx));
      for (guint i = chunk; i < chunk + 31; i++)
        for (guint j = 0; j < 8; j++, n++)
          g_string_append_printf (body, "%s{\"id\":\"recSKEWSKEWSKEW%c%c\",\"fields\":{\"Title\":\"skewed %u\"}}",
                                  i == chunk && j == 0 ? "" : ",", alnum[i], last_chars[j], n);
      g_string_append (body, "]}");
      hangar_test_sandbox_control (fx->sandbox, "/__sandbox/edit", body->str);
    }
  return n;
}

static gboolean
fetched_some_cb (gpointer data)
{
  Watch *w = data;
  guint n = 0;

  return hangar_sync_get_filling (w->sync, w->base_id, w->table_id, &n) && n > 0;
}

typedef struct
{
  HangarCachedRecords *model;
  guint                n;
} Listed;

static gboolean
listed_cb (gpointer data)
{
  Listed *l = data;

  return !hangar_cached_records_get_loading (l->model) && g_list_model_get_n_items (G_LIST_MODEL (l->model)) == l->n;
}

static void
count_removed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *total)
{
  *total += removed;
}

/* A fill in parts — several cursors at once, as under a long round trip —
 * stores every record exactly once (pages come in whatever order the parts
 * answer), on a table whose ids are skewed and a server that compares text
 * with or without case; the rows a grid showed as they came stay put, and
 * after a restart the table is in the order its records were made.
 * Stopped halfway (the table no longer watched), it sends nothing
 * more. */
static void
test_partitioned_fill (Fixture       *fx,
                       gconstpointer  data)
{
  guint n_skewed = make_skewed (fx);
  Watch w = { fx->sync, fx->base_id, table_id (fx) };
  g_autoptr(HangarCachedRecords) live = hangar_cached_records_new (fx->cache, fx->base_id, fx->table, NULL);
  guint removed = 0;

  g_signal_connect (live, "items-changed", G_CALLBACK (count_removed_cb), &removed);
  for (guint fold = 0; fold < 2; fold++)
    {
      g_autoptr(GError) error = NULL;

      hangar_test_sandbox_control (fx->sandbox, "/__sandbox/formula",
                                   fold ? "{\"case_insensitive\":true}" : "{\"case_insensitive\":false}");
      hangar_test_sandbox_control (fx->sandbox, "/__sandbox/latency", "{\"ms\":1000}");
      hangar_test_sandbox_control (fx->sandbox, "/__sandbox/reset-stats", "{}");
      /* The second time over a complete copy, as after a week offline:
       * every record is fetched again. */
      if (fold == 1)
        {
          g_assert_true (hangar_cache_mark_incomplete (fx->cache, fx->base_id, table_id (fx), &error));
          g_assert_no_error (error);
        }
      hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
      wait_filled (fx);
      hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
      /* Requests were answered side by side: the table was read in parts. */
      g_assert_cmpint (hangar_test_sandbox_stat (fx->sandbox, "max_in_flight"), >=, 2);

      /* Every record the server lists, once, with its cells. */
      hangar_test_sandbox_control (fx->sandbox, "/__sandbox/latency", "{\"ms\":0}");
      ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
      g_assert_cmpuint (hangar_cache_count_records (fx->cache, fx->base_id, table_id (fx)), >, n_skewed);

      /* The rows shown as they came stay where they are (nothing moves
       * under the user); reopened, the table has the same records. */
      {
        guint n = hangar_cache_count_records (fx->cache, fx->base_id, table_id (fx));
        g_autoptr(HangarCachedRecords) reopened = hangar_cached_records_new (fx->cache, fx->base_id, fx->table, NULL);
        Listed l1 = { live, n };
        Listed l2 = { reopened, n };

        hangar_test_wait_until (listed_cb, &l1, "the model shown during the fill to hold every row");
        hangar_test_wait_until (listed_cb, &l2, "the cached rows, read again");
        g_autoptr(GHashTable) shown_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

        for (guint i = 0; i < n; i++)
          {
            g_autoptr(HangarRecord) shown = g_list_model_get_item (G_LIST_MODEL (live), i);

            g_hash_table_add (shown_ids, g_strdup (hangar_record_get_id (shown)));
          }
        g_assert_cmpuint (g_hash_table_size (shown_ids), ==, n);
        g_assert_cmpuint (removed, ==, 0);
        for (guint i = 0; i < n; i++)
          {
            g_autoptr(HangarRecord) again = g_list_model_get_item (G_LIST_MODEL (reopened), i);

            g_assert_true (g_hash_table_contains (shown_ids, hangar_record_get_id (again)));
          }
        /* That order is the one the records were made in (as Airtable
         * lists a table with no view or sort), not the one the parts came
         * in. */
        for (guint i = 1; i < n; i++)
          {
            g_autoptr(HangarRecord) before = g_list_model_get_item (G_LIST_MODEL (reopened), i - 1);
            g_autoptr(HangarRecord) after = g_list_model_get_item (G_LIST_MODEL (reopened), i);

            g_assert_cmpint (g_date_time_compare (hangar_record_get_created_time (before),
                                                  hangar_record_get_created_time (after)), <=, 0);
          }
      }
    }

  /* Stopped halfway: the fill ends, and no request follows. */
  {
    g_autoptr(GError) error = NULL;
    gint64 requests;

    hangar_test_sandbox_control (fx->sandbox, "/__sandbox/latency", "{\"ms\":1000}");
    g_assert_true (hangar_cache_mark_incomplete (fx->cache, fx->base_id, table_id (fx), &error));
    g_assert_no_error (error);
    hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
    hangar_test_wait_until (fetched_some_cb, &w, "the first page of the fill");
    hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
    g_assert_false (hangar_sync_get_filling (fx->sync, fx->base_id, table_id (fx), NULL));
    /* Real time is the point: the requests that were out end (the sandbox
     * counts a request when it is over), then nothing more may be sent —
     * a fetch still running would send a page every round trip. */
    hangar_test_run_for (1200);
    requests = hangar_test_sandbox_stat (fx->sandbox, "requests");
    hangar_test_run_for (1200);
    g_assert_cmpint (hangar_test_sandbox_stat (fx->sandbox, "requests"), ==, requests);
  }
}

/* The webhook expires (e.g. the computer slept a week): the periodic check
 * finds it off, deletes it (it is ours), makes a new one and fetches the
 * table again, so a change made meanwhile is not lost. */
static void
test_expired (Fixture       *fx,
              gconstpointer  data)
{
  g_autofree char *first = some_record (fx, 0);
  g_autofree char *change = NULL;
  g_autofree char *old_id = NULL;
  HookWait w = { fx->sync, fx->base_id, NULL };

  hangar_sync_set_health_interval (fx->sync, 100);
  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_filled (fx);
  wait_mode (fx, HANGAR_SYNC_MODE_LIVE);
  old_id = g_strdup (hangar_sync_get_webhook_id (fx->sync, fx->base_id));

  ts_control (fx->sandbox, "/__sandbox/webhooks/expire", "{\"webhook\":\"%s\"}", old_id);
  change = g_strdup_printf ("\"update\":{\"id\":\"%s\",\"fields\":{\"Title\":\"While it was expired\"}}", first);
  edit_as_other (fx, change);

  w.old_id = old_id;
  hangar_test_wait_until (new_webhook_cb, &w, "a new webhook");
  wait_filled (fx);
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  g_assert_false (webhook_exists (fx, old_id));
  g_assert_cmpuint (count_webhooks (fx), ==, 1);

  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

/* A week offline: the app is closed, another user edits, the payloads are
 * deleted for age (the webhook itself still alive). On the next start the
 * hole in the cursors is seen and the table fetched again. */
static void
test_week_offline_payloads (Fixture       *fx,
                            gconstpointer  data)
{
  g_autofree char *first = some_record (fx, 0);
  g_autofree char *change = NULL;
  g_autofree char *hook = NULL;

  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_filled (fx);
  wait_mode (fx, HANGAR_SYNC_MODE_LIVE);
  hook = g_strdup (hangar_sync_get_webhook_id (fx->sync, fx->base_id));
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
  fixture_stop_sync (fx);

  change = g_strdup_printf ("\"update\":{\"id\":\"%s\",\"fields\":{\"Title\":\"Lost payload\"}}", first);
  edit_as_other (fx, change);
  edit_as_other (fx, "\"create\":{\"Title\":\"Also lost\"}");
  ts_control (fx->sandbox, "/__sandbox/webhooks/drop-payloads", "{\"webhook\":\"%s\"}", hook);

  fixture_start_sync (fx);
  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_mode (fx, HANGAR_SYNC_MODE_LIVE);
  /* The same webhook, still enabled: kept, its cursor moved past the hole. */
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  g_assert_cmpstr (hangar_sync_get_webhook_id (fx->sync, fx->base_id), ==, hook);
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

/* More than a week: the webhook expired and its payloads are gone. A new
 * webhook, the table fetched again. */
static void
test_week_offline_expired (Fixture       *fx,
                           gconstpointer  data)
{
  g_autofree char *first = some_record (fx, 0);
  g_autofree char *change = NULL;
  g_autofree char *hook = NULL;
  HookWait w = { NULL, NULL, NULL };

  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_filled (fx);
  wait_mode (fx, HANGAR_SYNC_MODE_LIVE);
  hook = g_strdup (hangar_sync_get_webhook_id (fx->sync, fx->base_id));
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
  fixture_stop_sync (fx);

  change = g_strdup_printf ("\"update\":{\"id\":\"%s\",\"fields\":{\"Title\":\"Eight days later\"}}", first);
  edit_as_other (fx, change);
  /* Eight days on the webhooks' clock: expired, payloads deleted. */
  ts_control (fx->sandbox, "/__sandbox/webhooks/clock", "{\"advance_ms\":%" G_GINT64_FORMAT "}",
              (gint64) 8 * 24 * 3600 * 1000);

  fixture_start_sync (fx);
  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  w.sync = fx->sync;
  w.base_id = fx->base_id;
  w.old_id = hook;
  hangar_test_wait_until (new_webhook_cb, &w, "a new webhook");
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  /* Ours, dead: deleted (it would count against the limit for a week). */
  g_assert_false (webhook_exists (fx, hook));
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

/* An error payload (a watched field was deleted): the webhook is replaced,
 * the table fetched again, the field gone from the cache. */
static void
test_error_payload (Fixture       *fx,
                    gconstpointer  data)
{
  HangarField *points = hangar_table_lookup_field (fx->table, "Points");
  HangarField *title = hangar_table_lookup_field (fx->table, "Title");
  g_autofree char *spec_text = g_strdup_printf ("{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\",\"tableFields\"],"
                                                "\"watchDataInFieldIds\":[\"%s\",\"%s\"]}}}",
                                                hangar_field_get_id (title), hangar_field_get_id (points));
  g_autoptr(JsonNode) spec = hangar_json_parse (spec_text, -1, 0, NULL, NULL);
  g_autofree char *hook = NULL;
  HookWait w = { fx->sync, fx->base_id, NULL };
  GoneWait gone = { fx, NULL };
  guint schema_changes = 0;

  g_signal_connect_swapped (fx->sync, "schema-changed", G_CALLBACK (count_signal_cb), &schema_changes);
  _hangar_sync_set_specification (fx->sync, json_node_get_object (spec));
  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_filled (fx);
  wait_mode (fx, HANGAR_SYNC_MODE_LIVE);
  hook = g_strdup (hangar_sync_get_webhook_id (fx->sync, fx->base_id));

  ts_control (fx->sandbox, "/__sandbox/schema",
              "{\"base\":\"%s\",\"table\":\"%s\",\"action\":\"delete-field\",\"field\":\"%s\",\"user\":\"" OTHER "\"}",
              fx->base_id, table_id (fx), hangar_field_get_id (points));
  /* Seen: the webhook errored, ours is deleted. */
  gone.id = hook;
  hangar_test_wait_until (webhook_gone_cb, &gone, "the errored webhook to be deleted");
  /* With the default specification (the field is gone, the narrow one
   * cannot be made again), a new webhook and a complete fetch. */
  _hangar_sync_set_specification (fx->sync, NULL);
  w.old_id = hook;
  hangar_test_wait_until (new_webhook_cb, &w, "a new webhook");
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  hangar_test_wait_until (hangar_test_flag_is_set, &schema_changes, "the schema to be read again");
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

/* The base already has ten webhooks (none of them ours): live sync is off,
 * said so, and changed records are fetched instead; the others' webhooks
 * are left alone. */
static void
test_limit (Fixture       *fx,
            gconstpointer  data)
{
  g_autofree char *first = some_record (fx, 0);
  g_autofree char *change = NULL;
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", fx->base_id);

  for (guint i = 0; i < 10; i++)
    {
      guint status = 0;
      g_autoptr(JsonNode) made = hangar_test_sandbox_request (fx->sandbox, "POST", path, fx->sandbox->pat,
                                                              "{\"specification\":{\"options\":{\"filters\":"
                                                              "{\"dataTypes\":[\"tableMetadata\"]}}}}", &status);

      g_assert_cmpuint (status, ==, 200);
    }
  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_filled (fx);
  wait_mode (fx, HANGAR_SYNC_MODE_POLLING);
  g_assert_nonnull (strstr (hangar_sync_get_note (fx->sync, fx->base_id), "10 webhooks"));

  change = g_strdup_printf ("\"update\":{\"id\":\"%s\",\"fields\":{\"Title\":\"Polled, not pushed\"}}", first);
  edit_as_other (fx, change);
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  g_assert_cmpuint (count_webhooks (fx), ==, 10);
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

/* A token without webhook:manage: a 403, said so; changed records come by
 * LAST_MODIFIED_TIME(), deleted ones by a sweep of the ids. */
static void
test_without_scope (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *first = some_record (fx, 0);
  g_autofree char *second = some_record (fx, 1);
  g_autofree char *change = NULL;
  g_autoptr(JsonNode) made = hangar_test_sandbox_control_json (fx->sandbox, "/__sandbox/pats",
                                                               "{\"scopes\":[\"data.records:read\",\"schema.bases:read\"]}");
  const char *token = json_object_get_string_member (json_node_get_object (made), "token");

  fixture_stop_sync (fx);
  g_clear_object (&fx->client);
  fx->client = ts_client_new (fx->sandbox, token, FALSE);
  fixture_start_sync (fx);
  hangar_sync_set_sweep_interval (fx->sync, 200);

  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_filled (fx);
  wait_mode (fx, HANGAR_SYNC_MODE_POLLING);
  g_assert_nonnull (strstr (hangar_sync_get_note (fx->sync, fx->base_id), "webhook:manage"));

  change = g_strdup_printf ("\"update\":{\"id\":\"%s\",\"fields\":{\"Title\":\"Found by its modification time\"}}", first);
  edit_as_other (fx, change);
  edit_as_other (fx, "\"create\":{\"Title\":\"New, found the same way\"}");
  g_free (change);
  change = g_strdup_printf ("\"delete\":\"%s\"", second);
  edit_as_other (fx, change);
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));
  g_assert_cmpuint (count_webhooks (fx), ==, 0);
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

/* Cleaning up deletes the webhooks this app made, and only those. */
static void
test_cleanup (Fixture       *fx,
              gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/v0/bases/%s/webhooks", fx->base_id);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(JsonNode) theirs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = NULL;
  guint status = 0;

  theirs = hangar_test_sandbox_request (fx->sandbox, "POST", path, fx->sandbox->pat,
                                        "{\"specification\":{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\"]}}}}",
                                        &status);
  g_assert_cmpuint (status, ==, 200);
  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_mode (fx, HANGAR_SYNC_MODE_LIVE);
  ours = g_strdup (hangar_sync_get_webhook_id (fx->sync, fx->base_id));
  g_assert_cmpuint (count_webhooks (fx), ==, 2);

  hangar_sync_delete_own_webhooks_async (fx->sync, fx->base_id, NULL, hangar_test_wait_cb, wait);
  g_assert_true (hangar_sync_delete_own_webhooks_finish (fx->sync, hangar_test_wait_run (wait), &error));
  g_assert_no_error (error);
  g_assert_false (webhook_exists (fx, ours));
  g_assert_true (webhook_exists (fx, json_object_get_string_member (json_node_get_object (theirs), "id")));
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

/* A field deleted and one added by another user: the cache drops the
 * field's cells, reads the schema again and says so. */
static void
test_schema_change (Fixture       *fx,
                    gconstpointer  data)
{
  HangarField *labels = hangar_table_lookup_field (fx->table, "Labels");
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields", fx->base_id, table_id (fx));
  g_autoptr(JsonNode) added = NULL;
  g_autoptr(GPtrArray) schema = NULL;
  guint schema_changes = 0;
  guint status = 0;
  HangarTable *cached;

  g_signal_connect_swapped (fx->sync, "schema-changed", G_CALLBACK (count_signal_cb), &schema_changes);
  hangar_sync_watch_table (fx->sync, fx->base_id, fx->table);
  wait_filled (fx);
  wait_mode (fx, HANGAR_SYNC_MODE_LIVE);

  ts_control (fx->sandbox, "/__sandbox/schema",
              "{\"base\":\"%s\",\"table\":\"%s\",\"action\":\"delete-field\",\"field\":\"%s\",\"user\":\"" OTHER "\"}",
              fx->base_id, table_id (fx), hangar_field_get_id (labels));
  added = hangar_test_sandbox_request (fx->sandbox, "POST", path, fx->sandbox->pat,
                                       "{\"name\":\"Effort\",\"type\":\"number\",\"options\":{\"precision\":1}}", &status);
  g_assert_cmpuint (status, ==, 200);
  hangar_test_wait_until (hangar_test_flag_is_set, &schema_changes, "the schema to be read again");
  ts_wait_cache_matches (fx->cache, fx->sandbox, fx->base_id, table_id (fx));

  schema = hangar_cache_get_schema (fx->cache, fx->base_id, NULL, NULL);
  cached = hangar_table_list_lookup (schema, table_id (fx));
  g_assert_null (hangar_table_lookup_field (cached, "Labels"));
  g_assert_nonnull (hangar_table_lookup_field (cached, "Effort"));
  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add ("/hangar/store/sync/live", Fixture, NULL, fixture_set_up, test_live, fixture_tear_down);
  g_test_add ("/hangar/store/sync/expired", Fixture, NULL, fixture_set_up, test_expired, fixture_tear_down);
  g_test_add ("/hangar/store/sync/week-offline-payloads", Fixture, NULL, fixture_set_up, test_week_offline_payloads,
              fixture_tear_down);
  g_test_add ("/hangar/store/sync/week-offline-expired", Fixture, NULL, fixture_set_up, test_week_offline_expired,
              fixture_tear_down);
  g_test_add ("/hangar/store/sync/error-payload", Fixture, NULL, fixture_set_up, test_error_payload, fixture_tear_down);
  g_test_add ("/hangar/store/sync/limit", Fixture, NULL, fixture_set_up, test_limit, fixture_tear_down);
  g_test_add ("/hangar/store/sync/without-scope", Fixture, NULL, fixture_set_up, test_without_scope, fixture_tear_down);
  g_test_add ("/hangar/store/sync/cleanup", Fixture, NULL, fixture_set_up, test_cleanup, fixture_tear_down);
  g_test_add ("/hangar/store/sync/schema-change", Fixture, NULL, fixture_set_up, test_schema_change, fixture_tear_down);
  g_test_add ("/hangar/store/sync/partitioned-fill", Fixture, NULL, fixture_set_up_slow, test_partitioned_fill,
              fixture_tear_down);
  return g_test_run ();
}
