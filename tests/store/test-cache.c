/* test-cache.c — the offline cache on real SQLite files: bases and schemas,
 * Airtable first and the cache when it cannot be reached, a damaged file,
 * sort / filter / search on cached records against what Airtable answers,
 * a schema changed between two runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-store-common.h"

#include <glib/gstdio.h>

#include "hangar-cache-query.h"
#include "hangar-formula.h"

#define ACCOUNT "cache-test"

static HangarCache *
open_cache (void)
{
  g_autoptr(GError) error = NULL;
  HangarCache *cache = hangar_cache_get_for_account (ACCOUNT, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cache);
  return cache;
}

static void
close_cache (HangarCache **cache)
{
  HangarCache *weak = *cache;

  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  g_clear_object (cache);
  /* Nothing else holds it: the file is closed. */
  g_assert_null (weak);
}

static gboolean
complete_cb (gpointer data)
{
  gpointer *args = data;
  HangarCacheTableState state;

  hangar_cache_get_table_state (args[0], args[1], args[2], &state);
  return state.complete && !hangar_sync_get_filling (args[3], args[1], args[2], NULL);
}

/* Fills the cache with @table through a sync (no webhook: one complete
 * fetch), then lets the sync go. */
static void
fill (HangarCache  *cache,
      HangarClient *client,
      const char   *base_id,
      HangarTable  *table)
{
  g_autoptr(HangarSync) sync = hangar_sync_new (client, cache);
  gpointer args[] = { cache, (gpointer) base_id, (gpointer) hangar_table_get_id (table), sync };

  hangar_sync_set_use_webhooks (sync, FALSE);
  hangar_sync_watch_table (sync, base_id, table);
  hangar_test_wait_until (complete_cb, args, "the table to be cached");
  hangar_sync_unwatch_table (sync, base_id, hangar_table_get_id (table));
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/* ---- bases and schemas ---- */

static void
test_bases_and_schema (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autoptr(HangarClient) client = ts_client_new (sandbox, NULL, FALSE);
  g_autoptr(HangarCache) cache = open_cache ();
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GPtrArray) online = NULL;
  g_autoptr(GPtrArray) offline = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GPtrArray) cached_tables = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_id = NULL;
  gboolean from_cache = TRUE;
  gint64 fetched = 0;

  hangar_cache_list_bases_async (cache, client, NULL, hangar_test_wait_cb, wait);
  online = hangar_cache_list_bases_finish (cache, hangar_test_wait_run (wait), &from_cache, &error);
  g_assert_no_error (error);
  g_assert_false (from_cache);
  g_assert_cmpuint (online->len, >, 0);
  base_id = g_strdup (hangar_base_get_id (g_ptr_array_index (online, 0)));

  hangar_test_wait_reset (wait);
  hangar_cache_get_base_schema_async (cache, client, base_id, NULL, hangar_test_wait_cb, wait);
  tables = hangar_cache_get_base_schema_finish (cache, hangar_test_wait_run (wait), &from_cache, &error);
  g_assert_no_error (error);
  g_assert_false (from_cache);

  /* Kept across a restart. */
  hangar_test_wait_reset (wait);
  close_cache (&cache);
  cache = open_cache ();
  g_assert_null (hangar_cache_get_recovery_note (cache));
  cached_tables = hangar_cache_get_schema (cache, base_id, &fetched, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cached_tables->len, ==, tables->len);
  g_assert_cmpint (fetched, >, 0);
  for (guint i = 0; i < tables->len; i++)
    {
      g_autoptr(JsonNode) a = hangar_table_to_json (g_ptr_array_index (tables, i));
      g_autoptr(JsonNode) b = hangar_table_to_json (g_ptr_array_index (cached_tables, i));

      g_assert_true (json_node_equal (a, b));
    }

  /* Airtable gone: the cached copy, said to be one. */
  g_clear_pointer (&sandbox, hangar_test_sandbox_stop);
  hangar_test_wait_reset (wait);
  hangar_cache_list_bases_async (cache, client, NULL, hangar_test_wait_cb, wait);
  offline = hangar_cache_list_bases_finish (cache, hangar_test_wait_run (wait), &from_cache, &error);
  g_assert_no_error (error);
  g_assert_true (from_cache);
  g_assert_cmpuint (offline->len, ==, online->len);
  for (guint i = 0; i < online->len; i++)
    g_assert_cmpstr (hangar_base_get_name (g_ptr_array_index (offline, i)), ==,
                     hangar_base_get_name (g_ptr_array_index (online, i)));
  g_clear_pointer (&cached_tables, g_ptr_array_unref);
  hangar_test_wait_reset (wait);
  hangar_cache_get_base_schema_async (cache, client, base_id, NULL, hangar_test_wait_cb, wait);
  cached_tables = hangar_cache_get_base_schema_finish (cache, hangar_test_wait_run (wait), &from_cache, &error);
  g_assert_no_error (error);
  g_assert_true (from_cache);
  /* A base never cached: the network error itself. */
  hangar_test_wait_reset (wait);
  hangar_cache_get_base_schema_async (cache, client, "appNEVERCACHEDXXX", NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_cache_get_base_schema_finish (cache, hangar_test_wait_run (wait), &from_cache, &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK);

  hangar_test_wait_reset (wait);
  close_cache (&cache);
  g_assert_true (hangar_store_delete_account (ACCOUNT, NULL));
}

/* ---- damage ---- */

static void
test_damaged_file (void)
{
  g_autofree char *path = hangar_store_path_for_account (ACCOUNT, HANGAR_STORE_CACHE);
  g_autoptr(HangarCache) cache = open_cache ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bases = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_true (hangar_cache_put_bases (cache, bases, &error));
  close_cache (&cache);

  /* Not a database at all: rebuilt at open, and said so. */
  g_assert_true (g_file_set_contents (path, "garbage, not a database", -1, NULL));
  cache = open_cache ();
  g_assert_nonnull (hangar_cache_get_recovery_note (cache));
  g_assert_nonnull (strstr (hangar_cache_get_recovery_note (cache), "rebuilt"));
  g_assert_false (hangar_cache_get_damaged (cache));
  close_cache (&cache);
  g_assert_true (hangar_store_delete_account (ACCOUNT, NULL));
}

/* Damage past the first pages shows only when the records are read: the
 * cache stops writing, says so, and the next start rebuilds it. */
static void
test_damaged_in_use (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--generate", "Damage:3000", NULL);
  g_autoptr(HangarClient) client = ts_client_new (sandbox, NULL, FALSE);
  g_autofree char *path = hangar_store_path_for_account (ACCOUNT, HANGAR_STORE_CACHE);
  g_autofree char *base_id = NULL;
  g_autoptr(HangarTable) table = ts_table (sandbox, "Damage", "Records", &base_id);
  g_autoptr(HangarCache) cache = open_cache ();
  g_autoptr(HangarCacheQuery) query = hangar_cache_query_new (table);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint damaged_signals = 0;

  fill (cache, client, base_id, table);
  close_cache (&cache);

  /* Overwrite the middle of the file (record pages), keep the start. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 256 * 1024);
  memset (contents + length / 2, 0xa5, 64 * 1024);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  cache = open_cache ();
  g_signal_connect_swapped (cache, "damaged", G_CALLBACK (count_cb), &damaged_signals);
  g_assert_null (hangar_cache_get_recovery_note (cache));   /* the start reads fine */
  /* A search reads every record. */
  hangar_cache_query_set_search (query, "zzz");
  hangar_cache_list_rowids_async (cache, base_id, hangar_table_get_id (table), query, NULL, hangar_test_wait_cb, wait);
  rowids = hangar_cache_list_rowids_finish (cache, hangar_test_wait_run (wait), &error);
  g_assert_null (rowids);
  g_assert_error (error, HANGAR_STORE_ERROR, HANGAR_STORE_ERROR_CORRUPT);
  g_assert_true (hangar_cache_get_damaged (cache));
  g_assert_cmpuint (damaged_signals, ==, 1);
  g_assert_nonnull (strstr (hangar_cache_get_recovery_note (cache), "damaged"));
  hangar_test_wait_reset (wait);
  close_cache (&cache);

  cache = open_cache ();
  g_assert_false (hangar_cache_get_damaged (cache));
  g_assert_nonnull (strstr (hangar_cache_get_recovery_note (cache), "rebuilt"));
  {
    HangarCacheTableState state;

    hangar_cache_get_table_state (cache, base_id, hangar_table_get_id (table), &state);
    g_assert_false (state.known);
  }
  close_cache (&cache);
  g_assert_true (hangar_store_delete_account (ACCOUNT, NULL));
}

/* ---- offline queries against what Airtable answers ---- */

static gboolean
not_loading_cb (gpointer data)
{
  return !hangar_cached_records_get_loading (data);
}

static GPtrArray *
local_ids (HangarCache      *cache,
           const char       *base_id,
           HangarTable      *table,
           HangarCacheQuery *query)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GArray) rowids = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  hangar_cache_list_rowids_async (cache, base_id, hangar_table_get_id (table), query, NULL, hangar_test_wait_cb, wait);
  rowids = hangar_cache_list_rowids_finish (cache, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rowids->len; i++)
    {
      HangarCacheRow row = { 0 };

      g_assert_true (hangar_cache_read_row (cache, g_array_index (rowids, gint64, i), &row));
      g_ptr_array_add (ids, g_steal_pointer (&row.record_id));
      hangar_cache_row_clear (&row);
    }
  return ids;
}

static char *
escape (const char *text)
{
  return g_uri_escape_string (text, NULL, TRUE);
}

static void
assert_same (GPtrArray  *server,
             GPtrArray  *local,
             const char *what)
{
  g_test_message ("%s: %u on the server, %u offline", what, server->len, local->len);
  g_assert_cmpuint (local->len, ==, server->len);
  for (guint i = 0; i < server->len; i++)
    g_assert_cmpstr (g_ptr_array_index (local, i), ==, g_ptr_array_index (server, i));
}

static void
test_queries (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--generate", "Queries:600", NULL);
  g_autoptr(HangarClient) client = ts_client_new (sandbox, NULL, FALSE);
  g_autofree char *base_id = NULL;
  g_autoptr(HangarTable) table = ts_table (sandbox, "Queries", "Records", &base_id);
  g_autoptr(HangarCache) cache = open_cache ();
  /* Formulas as the grid's filter editor writes them (hangar-formula.h). */
  HangarFormula *formulas[] = {
    hangar_formula_gt (hangar_formula_field ("Number"), hangar_formula_number (5000)),
    hangar_formula_le (hangar_formula_field ("Number"), hangar_formula_number (120.5)),
    hangar_formula_eq (hangar_formula_field ("Category"), hangar_formula_string ("Beta")),
    hangar_formula_ne (hangar_formula_field ("Category"), hangar_formula_string ("Beta")),
    hangar_formula_contains_text (hangar_formula_field ("Name"), "APPLE", FALSE),
    hangar_formula_not (hangar_formula_contains_text (hangar_formula_field ("Name"), "stone", FALSE)),
    hangar_formula_eq (hangar_formula_field ("Done"), hangar_formula_boolean (TRUE)),
    hangar_formula_not (hangar_formula_field ("Done")),
    hangar_formula_is_blank (hangar_formula_field ("Notes")),
    hangar_formula_is_not_blank (hangar_formula_field ("Notes")),
    hangar_formula_call ("IS_BEFORE", hangar_formula_field ("Date"), hangar_formula_date (2022, 1, 1), NULL),
    hangar_formula_call ("IS_AFTER", hangar_formula_field ("Date"), hangar_formula_date (2027, 6, 30), NULL),
    hangar_formula_call ("IS_SAME", hangar_formula_field ("Date"), hangar_formula_date (2021, 5, 5),
                         hangar_formula_string ("day"), NULL),
    hangar_formula_and (hangar_formula_eq (hangar_formula_field ("Category"), hangar_formula_string ("Gamma")),
                        hangar_formula_gt (hangar_formula_field ("Number"), hangar_formula_number (2500)),
                        hangar_formula_not (hangar_formula_field ("Done")), NULL),
    hangar_formula_or (hangar_formula_eq (hangar_formula_field ("Name"), hangar_formula_string ("apple river 7")),
                       hangar_formula_lt (hangar_formula_field ("Row"), hangar_formula_number (4)), NULL),
  };
  const struct { const char *field; gboolean descending; } sorts[][2] = {
    { { "Number", TRUE }, { NULL, FALSE } },
    { { "Category", FALSE }, { "Name", FALSE } },
    { { "Done", TRUE }, { "Date", FALSE } },
    { { "Name", TRUE }, { NULL, FALSE } },
  };
  /* Beyond the subset: refused, never approximated. */
  const char *unsupported[] = {
    "LEN({Name}) > 10", "{Number} * 2 > 50", "{Name} & 'x' = 'a'", "REGEX_MATCH({Name}, 'a')",
    "{Unknown field} = 1", "{Number} = 'text'", "{Category} = 3", "IS_SAME({Name}, DATETIME_PARSE('2021-01-01'), 'day')",
  };

  fill (cache, client, base_id, table);

  for (guint i = 0; i < G_N_ELEMENTS (formulas); i++)
    {
      g_autofree char *text = hangar_formula_to_string (formulas[i]);
      g_autofree char *escaped = escape (text);
      g_autofree char *query_text = g_strdup_printf ("filterByFormula=%s", escaped);
      g_autoptr(GPtrArray) server = hangar_test_sandbox_list_ids (sandbox, base_id, hangar_table_get_id (table), query_text);
      g_autoptr(HangarCacheQuery) query = hangar_cache_query_new (table);
      g_autoptr(GPtrArray) local = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (hangar_cache_query_set_formula (query, text, &error));
      g_assert_no_error (error);
      local = local_ids (cache, base_id, table, query);
      assert_same (server, local, text);
      hangar_formula_unref (formulas[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (sorts); i++)
    {
      g_autoptr(GString) query_text = g_string_new (NULL);
      g_autoptr(HangarCacheQuery) query = hangar_cache_query_new (table);
      g_autoptr(GPtrArray) server = NULL;
      g_autoptr(GPtrArray) local = NULL;

      for (guint j = 0; j < 2 && sorts[i][j].field != NULL; j++)
        {
          g_autoptr(GError) error = NULL;

          g_string_append_printf (query_text, "%ssort%%5B%u%%5D%%5Bfield%%5D=%s&sort%%5B%u%%5D%%5Bdirection%%5D=%s",
                                  j > 0 ? "&" : "", j, sorts[i][j].field, j, sorts[i][j].descending ? "desc" : "asc");
          g_assert_true (hangar_cache_query_add_sort (query, sorts[i][j].field, sorts[i][j].descending, &error));
        }
      server = hangar_test_sandbox_list_ids (sandbox, base_id, hangar_table_get_id (table), query_text->str);
      local = local_ids (cache, base_id, table, query);
      assert_same (server, local, query_text->str);
    }

  /* Search: text fields, any case — as the grid's search formula. */
  {
    g_autoptr(HangarCacheQuery) query = hangar_cache_query_new (table);
    g_autoptr(HangarFormula) search =
      hangar_formula_or (hangar_formula_search (hangar_formula_lower (hangar_formula_string ("QUARTZ")),
                                                hangar_formula_lower (hangar_formula_field ("Name"))),
                         hangar_formula_search (hangar_formula_lower (hangar_formula_string ("QUARTZ")),
                                                hangar_formula_lower (hangar_formula_field ("Notes"))), NULL);
    g_autofree char *text = hangar_formula_to_string (search);
    g_autofree char *escaped = escape (text);
    g_autofree char *query_text = g_strdup_printf ("filterByFormula=%s", escaped);
    g_autoptr(GPtrArray) server = hangar_test_sandbox_list_ids (sandbox, base_id, hangar_table_get_id (table), query_text);
    g_autoptr(GPtrArray) local = NULL;

    hangar_cache_query_set_search (query, "QUARTZ");
    local = local_ids (cache, base_id, table, query);
    assert_same (server, local, "search");
    g_assert_cmpuint (local->len, >, 0);
  }

  for (guint i = 0; i < G_N_ELEMENTS (unsupported); i++)
    {
      g_autoptr(HangarCacheQuery) query = hangar_cache_query_new (table);
      g_autoptr(GError) error = NULL;

      g_test_message ("unsupported: %s", unsupported[i]);
      g_assert_false (hangar_cache_query_set_formula (query, unsupported[i], &error));
      g_assert_error (error, HANGAR_CACHE_QUERY_ERROR, HANGAR_CACHE_QUERY_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "not available offline"));
      g_assert_true (hangar_cache_query_is_plain (query));
    }

  /* The table as the grid opens it: its first rows at once; held (while
   * they are drawn), the rest waits; let go, every record in the table's
   * order. */
  {
    g_autoptr(HangarCachedRecords) model = hangar_cached_records_new (cache, base_id, table, NULL);
    g_autoptr(GPtrArray) server = hangar_test_sandbox_list_ids (sandbox, base_id, hangar_table_get_id (table), NULL);
    g_autoptr(HangarCacheQuery) plain = hangar_cache_query_new (table);
    g_autoptr(GPtrArray) everything = NULL;
    guint n_first = g_list_model_get_n_items (G_LIST_MODEL (model));

    g_assert_cmpuint (n_first, >, 0);
    g_assert_cmpuint (n_first, <, 600);
    hangar_cached_records_hold (model, TRUE);
    /* The store's one thread works in order: once a listing asked for
     * later is back, the model's is too, and was held. */
    everything = local_ids (cache, base_id, table, plain);
    g_assert_cmpuint (everything->len, ==, 600);
    g_assert_true (hangar_cached_records_get_loading (model));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n_first);
    hangar_cached_records_hold (model, FALSE);
    g_assert_false (hangar_cached_records_get_loading (model));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 600);
    for (guint i = 0; i < server->len; i++)
      {
        g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (model), i);

        g_assert_cmpstr (hangar_record_get_id (record), ==, g_ptr_array_index (server, i));
      }
  }

  /* Made held (as the grid does for a window on screen): only a screenful,
   * and the order is not even asked for until let go — then it holds what
   * was written meanwhile (a deleted record, one of the screenful). */
  {
    g_autoptr(HangarCachedRecords) model = hangar_cached_records_new_held (cache, base_id, table, 25);
    g_autoptr(GPtrArray) server = hangar_test_sandbox_list_ids (sandbox, base_id, hangar_table_get_id (table), NULL);
    g_autoptr(HangarCacheQuery) plain = hangar_cache_query_new (table);
    g_autoptr(GPtrArray) everything = NULL;
    g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
    g_autoptr(HangarCacheChange) change = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *gone = g_strdup (g_ptr_array_index (server, 3));
    HangarCacheWrite *write = hangar_cache_write_new (base_id, hangar_table_get_id (table));
    guint n;

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 25);
    g_assert_true (hangar_cached_records_get_loading (model));
    for (guint i = 0; i < 25; i++)
      {
        g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (model), i);

        g_assert_cmpstr (hangar_record_get_id (record), ==, g_ptr_array_index (server, i));
      }
    hangar_cache_write_delete (write, gone);
    hangar_cache_write_async (cache, write, NULL, hangar_test_wait_cb, wait);
    change = hangar_cache_write_finish (cache, hangar_test_wait_run (wait), &error);
    g_assert_no_error (error);
    /* Still held: the screenful stays as it is while a listing asked for
     * after the write comes back. */
    everything = local_ids (cache, base_id, table, plain);
    g_assert_cmpuint (everything->len, ==, 599);
    g_assert_true (hangar_cached_records_get_loading (model));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 25);

    hangar_cached_records_hold (model, FALSE);
    hangar_test_wait_until (not_loading_cb, model, "the held model's order");
    n = g_list_model_get_n_items (G_LIST_MODEL (model));
    g_assert_cmpuint (n, ==, 599);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (model), i);

        g_assert_cmpstr (hangar_record_get_id (record), ==, g_ptr_array_index (everything, i));
        g_assert_cmpstr (hangar_record_get_id (record), !=, gone);
      }
  }

  close_cache (&cache);
  g_assert_true (hangar_store_delete_account (ACCOUNT, NULL));
}

/* ---- a schema changed between two runs ---- */

static void
test_schema_between_runs (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autoptr(HangarClient) client = ts_client_new (sandbox, NULL, FALSE);
  g_autofree char *base_id = NULL;
  g_autoptr(HangarTable) before = ts_table (sandbox, "Product Roadmap", "Tasks", &base_id);
  g_autoptr(HangarTable) after = NULL;
  g_autoptr(HangarCache) cache = open_cache ();
  g_autoptr(HangarCachedRecords) model = NULL;
  g_autoptr(HangarRecord) first = NULL;
  g_autoptr(JsonNode) renamed = NULL;
  g_autoptr(GHashTable) server = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  HangarField *points = hangar_table_lookup_field (before, "Points");
  HangarField *labels = hangar_table_lookup_field (before, "Labels");
  guint status = 0;

  fill (cache, client, base_id, before);
  close_cache (&cache);

  /* Between the runs: Points renamed, Labels deleted, a field added. */
  path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields/%s", base_id, hangar_table_get_id (before),
                          hangar_field_get_id (points));
  renamed = hangar_test_sandbox_request (sandbox, "PATCH", path, sandbox->pat, "{\"name\":\"Score\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  body = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"%s\",\"action\":\"delete-field\",\"field\":\"%s\"}",
                          base_id, hangar_table_get_id (before), hangar_field_get_id (labels));
  hangar_test_sandbox_control (sandbox, "/__sandbox/schema", body);
  g_free (path);
  path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields", base_id, hangar_table_get_id (before));
  g_clear_pointer (&renamed, json_node_unref);
  renamed = hangar_test_sandbox_request (sandbox, "POST", path, sandbox->pat,
                                         "{\"name\":\"Effort\",\"type\":\"number\",\"options\":{\"precision\":0}}", &status);
  g_assert_cmpuint (status, ==, 200);

  /* The next run: the schema as it is now. Rows show at once, by the new
   * names (cells are kept by field id); the new field means a new fetch. */
  after = ts_table (sandbox, "Product Roadmap", "Tasks", NULL);
  cache = open_cache ();
  model = hangar_cached_records_new (cache, base_id, after, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_nonnull (hangar_record_get_field (first, "Score"));
  g_assert_null (hangar_record_get_field (first, "Points"));
  g_assert_null (hangar_record_get_field (first, "Labels"));
  {
    HangarCacheTableState state;
    g_autoptr(HangarSync) sync = hangar_sync_new (client, cache);

    hangar_sync_set_use_webhooks (sync, FALSE);
    hangar_sync_watch_table (sync, base_id, after);
    hangar_cache_get_table_state (cache, base_id, hangar_table_get_id (after), &state);
    g_assert_false (state.complete);
    {
      gpointer args[] = { cache, base_id, (gpointer) hangar_table_get_id (after), sync };

      hangar_test_wait_until (complete_cb, args, "the table to be fetched again");
    }
    hangar_sync_unwatch_table (sync, base_id, hangar_table_get_id (after));
  }
  ts_wait_cache_matches (cache, sandbox, base_id, hangar_table_get_id (after));
  g_clear_object (&first);
  g_clear_object (&model);
  close_cache (&cache);
  g_assert_true (hangar_store_delete_account (ACCOUNT, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/store/cache/bases-and-schema", test_bases_and_schema);
  g_test_add_func ("/hangar/store/cache/damaged-file", test_damaged_file);
  g_test_add_func ("/hangar/store/cache/damaged-in-use", test_damaged_in_use);
  g_test_add_func ("/hangar/store/cache/queries", test_queries);
  g_test_add_func ("/hangar/store/cache/schema-between-runs", test_schema_between_runs);
  return g_test_run ();
}
