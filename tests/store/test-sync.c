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
  ts_control (fx->sandbox, "/__sandbox/share", "{\"base\":\"%s\",\"user\":\"" OTHER "\",\"permission\":\"edit\"}",
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
    HangarCacheTableState state;
    ModelWait w = { G_LIST_MODEL (model), 0, "Made elsewhere" };

    hangar_cache_get_table_state (fx->cache, fx->base_id, table_id (fx), &state);
    w.n = state.n_records;
    hangar_test_wait_until (model_shows_cb, &w, "the model to follow the cache");
    g_assert_cmpuint (hangar_cached_records_find (model, third), ==, G_MAXUINT);
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (model),
                                                              hangar_cached_records_find (model, first));

      g_assert_cmpstr (json_node_get_string (hangar_record_get_field (record, "Title")), ==, "Changed by another user");
    }
  }

  /* Quiet: one request per poll, nothing else. */
  requests = hangar_test_sandbox_stat (fx->sandbox, "requests");
  hangar_test_run_for (300);  /* real time is the point: polls happen on a timer */
  g_assert_cmpint (hangar_test_sandbox_stat (fx->sandbox, "requests") - requests, <=, 300 / 50 + 2);

  hangar_sync_unwatch_table (fx->sync, fx->base_id, table_id (fx));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add ("/hangar/store/sync/live", Fixture, NULL, fixture_set_up, test_live, fixture_tear_down);
  return g_test_run ();
}
