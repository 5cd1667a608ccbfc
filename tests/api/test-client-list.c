/* test-client-list.c — HangarRecordList against a real hangar-sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

#define N_RECORDS 250

typedef struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  char              *base_id;
  char              *table_id;
  HangarTestWait            *wait;
  guint              n_changes;
  guint              n_added;
} Fixture;

static void
fill_table (Fixture *f,
            guint    n)
{
  g_autoptr(GPtrArray) fields = tc_make_fields ("Row", n);
  g_autoptr(HangarBatchResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hangar_test_wait_reset (f->wait);
  hangar_client_create_records_async (f->client, f->base_id, f->table_id, fields, HANGAR_WRITE_NONE,
                                      NULL, hangar_test_wait_cb, f->wait);
  result = hangar_client_create_records_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_true (hangar_batch_result_is_complete (result));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *ttl = data;

  if (ttl != NULL)
    f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--iterator-ttl", ttl, NULL);
  else
    f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  /* no pacing needed without server limits: keeps the suite quick */
  f->client = tc_client_new (f->sandbox, NULL, NULL, FALSE);
  f->base_id = tc_find_base (f->client, NULL);
  f->table_id = tc_create_table (f->client, f->base_id, "List model");
  f->wait = hangar_test_wait_new ();
  fill_table (f, N_RECORDS);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  hangar_test_wait_free (f->wait);
  g_free (f->table_id);
  g_free (f->base_id);
  g_clear_object (&f->client);
  hangar_test_sandbox_stop (f->sandbox);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Fixture *f = user_data;

  /* the list only ever appends */
  g_assert_cmpuint (removed, ==, 0);
  g_assert_cmpuint (position, ==, g_list_model_get_n_items (model) - added);
  f->n_changes++;
  f->n_added += added;
}

static gboolean
list_idle (gpointer list)
{
  return !hangar_record_list_get_loading (HANGAR_RECORD_LIST (list));
}

static void
wait_not_loading (HangarRecordList *list)
{
  hangar_test_wait_until (list_idle, list, "the page in flight");
}

typedef struct
{
  HangarRecordList *list;
  guint             n;
} LoadedWait;

static gboolean
list_holds (gpointer data)
{
  LoadedWait *w = data;

  return hangar_record_list_get_n_loaded (w->list) >= w->n || hangar_record_list_get_failed (w->list) != NULL;
}

/* Lets the loop run until the list holds at least @n records (or failed). */
static void
wait_loaded (HangarRecordList *list,
             guint             n)
{
  LoadedWait w = { list, n };

  hangar_test_wait_until (list_holds, &w, "the list to hold enough records");
  wait_not_loading (list);
}

static void
assert_unique (GListModel *model,
               guint       expected)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = g_list_model_get_n_items (model);

  g_assert_cmpuint (n, ==, expected);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_add (ids, g_strdup (hangar_record_get_id (record))));
    }
}

static void
test_pages (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(HangarRecordList) list = hangar_record_list_new (f->client, f->base_id, f->table_id, NULL);
  g_autoptr(GError) error = NULL;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), f);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == HANGAR_TYPE_RECORD);
  g_assert_false (hangar_record_list_get_loading (list));

  /* asking for the size starts loading (on the next main loop turn) */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_false (hangar_record_list_get_loading (list));
  wait_loaded (list, 1);
  g_assert_cmpuint (hangar_record_list_get_n_loaded (list), ==, 100);
  g_assert_false (hangar_record_list_get_complete (list));

  hangar_record_list_load_all_async (list, NULL, hangar_test_wait_cb, f->wait);
  g_assert_true (hangar_record_list_load_all_finish (list, hangar_test_wait_run (f->wait), &error));
  g_assert_no_error (error);
  g_assert_true (hangar_record_list_get_complete (list));
  g_assert_false (hangar_record_list_get_loading (list));
  g_assert_null (hangar_record_list_get_failed (list));
  g_assert_cmpuint (hangar_record_list_get_n_loaded (list), ==, N_RECORDS);
  /* one items-changed per page: 100 + 100 + 50 */
  g_assert_cmpuint (f->n_changes, ==, 3);
  g_assert_cmpuint (f->n_added, ==, N_RECORDS);
  assert_unique (G_LIST_MODEL (list), N_RECORDS);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), N_RECORDS));
}

static void
test_load_more_and_stop (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(HangarRecordList) list = NULL;
  g_autoptr(HangarRecord) item = NULL;
  g_autoptr(GError) error = NULL;

  hangar_list_options_set_page_size (options, 50);
  list = hangar_record_list_new (f->client, f->base_id, f->table_id, options);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), f);

  hangar_record_list_load_more (list);
  g_assert_true (hangar_record_list_get_loading (list));
  wait_not_loading (list);
  g_assert_cmpuint (hangar_record_list_get_n_loaded (list), ==, 50);

  /* stop while a page is in flight: nothing arrives, nothing restarts */
  hangar_record_list_load_more (list);
  hangar_record_list_stop (list);
  g_assert_false (hangar_record_list_get_loading (list));
  item = g_list_model_get_item (G_LIST_MODEL (list), 49);   /* near the end: would prefetch */
  g_assert_nonnull (item);
  /* nothing may arrive for a while: real time is the behaviour here */
  hangar_test_run_for (300);
  g_assert_cmpuint (hangar_record_list_get_n_loaded (list), ==, 50);
  g_assert_false (hangar_record_list_get_loading (list));
  g_assert_cmpuint (f->n_changes, ==, 1);

  /* reading near the end of what is loaded fetches the next page */
  hangar_record_list_load_more (list);
  wait_not_loading (list);
  g_assert_cmpuint (hangar_record_list_get_n_loaded (list), ==, 100);
  g_clear_object (&item);
  item = g_list_model_get_item (G_LIST_MODEL (list), 80);
  wait_loaded (list, 101);
  g_assert_cmpuint (hangar_record_list_get_n_loaded (list), ==, 150);

  hangar_record_list_load_all_async (list, NULL, hangar_test_wait_cb, f->wait);
  g_assert_true (hangar_record_list_load_all_finish (list, hangar_test_wait_run (f->wait), &error));
  assert_unique (G_LIST_MODEL (list), N_RECORDS);
  g_assert_cmpuint (f->n_changes, ==, 5);
}

static void
test_iterator_restart (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HangarRecordList) list = hangar_record_list_new (f->client, f->base_id, f->table_id, NULL);
  g_autoptr(GPtrArray) first_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"Late arrival\"}");
  g_autoptr(HangarRecord) late = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), f);
  hangar_record_list_load_more (list);
  wait_not_loading (list);
  g_assert_cmpuint (hangar_record_list_get_n_loaded (list), ==, 100);
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_ptr_array_add (first_ids, g_strdup (hangar_record_get_id (record)));
    }

  /* a record created meanwhile, then the iterator times out */
  hangar_client_create_record_async (f->client, f->base_id, f->table_id, fields, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, f->wait);
  late = hangar_client_create_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  /* The sandbox expires an idle listing by its clock (--iterator-ttl),
   * so real time is the behaviour here. The TTL is long enough that the
   * other pages, back to back, never meet it on a loaded machine. */
  hangar_test_run_for (2200);

  hangar_test_wait_reset (f->wait);
  hangar_record_list_load_all_async (list, NULL, hangar_test_wait_cb, f->wait);
  g_assert_true (hangar_record_list_load_all_finish (list, hangar_test_wait_run (f->wait), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (hangar_record_list_get_n_restarts (list), ==, 1);
  g_assert_true (hangar_record_list_get_complete (list));
  /* nothing lost (the late record is in), nothing duplicated */
  assert_unique (G_LIST_MODEL (list), N_RECORDS + 1);
  g_assert_nonnull (hangar_record_list_lookup (list, hangar_record_get_id (late)));
  /* the records shown before the restart kept their places */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpstr (hangar_record_get_id (record), ==, g_ptr_array_index (first_ids, i));
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (f->n_added, ==, n);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "by_status.422"), >=, 1);
}

static void
test_failed (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(HangarRecordList) list = NULL;
  g_autoptr(GError) error = NULL;
  const GError *failed;
  GError *prop = NULL;

  hangar_list_options_set_formula (options, "{Name} = 'unterminated");
  list = hangar_record_list_new (f->client, f->base_id, f->table_id, options);
  hangar_record_list_load_all_async (list, NULL, hangar_test_wait_cb, f->wait);
  g_assert_false (hangar_record_list_load_all_finish (list, hangar_test_wait_run (f->wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA);

  failed = hangar_record_list_get_failed (list);
  g_assert_error ((GError *) failed, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA);
  g_object_get (list, "failed", &prop, NULL);
  g_assert_error (prop, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA);
  g_error_free (prop);
  g_assert_false (hangar_record_list_get_complete (list));
  g_assert_false (hangar_record_list_get_loading (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

static void
test_cancel_load_all (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HangarRecordList) list = hangar_record_list_new (f->client, f->base_id, f->table_id, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  hangar_record_list_load_all_async (list, cancellable, hangar_test_wait_cb, f->wait);
  g_cancellable_cancel (cancellable);
  g_assert_false (hangar_record_list_load_all_finish (list, hangar_test_wait_run (f->wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (hangar_record_list_get_loading (list));
  g_assert_false (hangar_record_list_get_complete (list));
  g_assert_null (hangar_record_list_get_failed (list));
}

static void
test_many_pages (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet",
                                                                    "--generate", "Many:2345", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, "Many");
  g_autoptr(HangarRecordList) list = hangar_record_list_new (client, base_id, "Records", NULL);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;

  hangar_record_list_load_all_async (list, NULL, hangar_test_wait_cb, wait);
  g_assert_true (hangar_record_list_load_all_finish (list, hangar_test_wait_run (wait), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hangar_record_list_get_n_pages (list), ==, 24);
  assert_unique (G_LIST_MODEL (list), 2345);

  /* the same through the all-pages call */
  all = tc_list_all (client, base_id, "Records", NULL);
  g_assert_cmpuint (all->len, ==, 2345);
  for (guint i = 0; i < all->len; i++)
    g_assert_true (g_hash_table_add (ids, (gpointer) hangar_record_get_id (g_ptr_array_index (all, i))));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add ("/hangar/api/client/list/pages", Fixture, NULL, fixture_setup, test_pages, fixture_teardown);
  g_test_add ("/hangar/api/client/list/load-more-and-stop", Fixture, NULL, fixture_setup,
              test_load_more_and_stop, fixture_teardown);
  g_test_add ("/hangar/api/client/list/iterator-restart", Fixture, "2", fixture_setup,
              test_iterator_restart, fixture_teardown);
  g_test_add_func ("/hangar/api/client/list/many-pages", test_many_pages);
  g_test_add ("/hangar/api/client/list/failed", Fixture, NULL, fixture_setup, test_failed, fixture_teardown);
  g_test_add ("/hangar/api/client/list/cancel-load-all", Fixture, NULL, fixture_setup,
              test_cancel_load_all, fixture_teardown);

  return g_test_run ();
}
