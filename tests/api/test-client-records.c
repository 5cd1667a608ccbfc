/* test-client-records.c — records endpoints against a real hangar-sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

typedef struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  char              *base_id;
  char              *table_id;
  HangarTestWait            *wait;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->sandbox = hangar_test_sandbox_startv (NULL);
  f->client = tc_client_new (f->sandbox, NULL, NULL, TRUE);
  f->base_id = tc_find_base (f->client, NULL);
  f->table_id = tc_create_table (f->client, f->base_id, "Client test");
  f->wait = hangar_test_wait_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  hangar_test_wait_free (f->wait);
  g_free (f->table_id);
  g_free (f->base_id);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->client);
  hangar_test_sandbox_stop (f->sandbox);
}

static const char *
string_field (HangarRecord *record,
              const char   *name)
{
  JsonNode *node = hangar_record_get_field (record, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static HangarBatchResult *
create_many (Fixture    *f,
             GPtrArray  *fields,
             HangarWriteFlags flags)
{
  g_autoptr(GError) error = NULL;
  HangarBatchResult *result;

  hangar_test_wait_reset (f->wait);
  hangar_client_create_records_async (f->client, f->base_id, f->table_id, fields, flags,
                                      NULL, hangar_test_wait_cb, f->wait);
  result = hangar_client_create_records_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
test_single_crud (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"Ada\", \"Email\": \"ada@example.com\", \"Count\": 3}");
  g_autoptr(JsonObject) patch = tc_object ("{\"Count\": 4}");
  g_autoptr(JsonObject) put = tc_object ("{\"Name\": \"Ada L.\"}");
  g_autoptr(HangarRecord) created = NULL;
  g_autoptr(HangarRecord) got = NULL;
  g_autoptr(HangarRecord) patched = NULL;
  g_autoptr(HangarRecord) replaced = NULL;
  g_autoptr(HangarRecord) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  JsonNode *count;

  hangar_client_create_record_async (f->client, f->base_id, f->table_id, fields, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, f->wait);
  created = hangar_client_create_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  id = g_strdup (hangar_record_get_id (created));
  g_assert_true (g_str_has_prefix (id, "rec"));
  g_assert_cmpstr (string_field (created, "Name"), ==, "Ada");

  hangar_test_wait_reset (f->wait);
  hangar_client_get_record_async (f->client, f->base_id, f->table_id, id, NULL, NULL, hangar_test_wait_cb, f->wait);
  got = hangar_client_get_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_record_get_id (got), ==, id);
  g_assert_cmpstr (string_field (got, "Email"), ==, "ada@example.com");

  /* PATCH keeps the other fields */
  hangar_test_wait_reset (f->wait);
  hangar_client_update_record_async (f->client, f->base_id, f->table_id, id, patch, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, f->wait);
  patched = hangar_client_update_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  count = hangar_record_get_field (patched, "Count");
  g_assert_nonnull (count);
  g_assert_cmpint (json_node_get_int (count), ==, 4);
  g_assert_cmpstr (string_field (patched, "Name"), ==, "Ada");

  /* PUT clears what is not sent */
  hangar_test_wait_reset (f->wait);
  hangar_client_update_record_async (f->client, f->base_id, f->table_id, id, put, HANGAR_WRITE_REPLACE,
                                     NULL, hangar_test_wait_cb, f->wait);
  replaced = hangar_client_update_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (string_field (replaced, "Name"), ==, "Ada L.");
  g_assert_false (hangar_record_has_field (replaced, "Email"));
  g_assert_false (hangar_record_has_field (replaced, "Count"));

  hangar_test_wait_reset (f->wait);
  hangar_client_delete_record_async (f->client, f->base_id, f->table_id, id, NULL, hangar_test_wait_cb, f->wait);
  g_assert_true (hangar_client_delete_record_finish (f->client, hangar_test_wait_run (f->wait), &error));
  g_assert_no_error (error);

  hangar_test_wait_reset (f->wait);
  hangar_client_get_record_async (f->client, f->base_id, f->table_id, id, NULL, NULL, hangar_test_wait_cb, f->wait);
  missing = hangar_client_get_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_null (missing);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 404);
  g_assert_nonnull (hangar_api_error_get_server_type (error));
}

static void
test_chunking (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) fields = tc_make_fields ("Chunk", 25);
  g_autoptr(HangarBatchResult) created = NULL;
  g_autoptr(HangarBatchResult) updated = NULL;
  g_autoptr(HangarBatchResult) deleted = NULL;
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) id_list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gint64 before;

  before = hangar_test_sandbox_stat (f->sandbox, "requests");
  created = create_many (f, fields, HANGAR_WRITE_NONE);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests") - before, ==, 3);
  g_assert_cmpuint (hangar_batch_result_get_n_requests (created), ==, 3);
  g_assert_cmpuint (hangar_batch_result_get_n_items (created), ==, 25);
  g_assert_cmpuint (hangar_batch_result_get_n_written (created), ==, 25);
  g_assert_true (hangar_batch_result_is_complete (created));
  g_assert_true (hangar_batch_result_propagate_error (created, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 25; i++)
    {
      HangarRecord *record = hangar_batch_result_get_record (created, i);
      g_autofree char *expected = g_strdup_printf ("Chunk %u", i);
      JsonObject *update = json_object_new ();
      JsonObject *fields_update = json_object_new ();

      g_assert_cmpint (hangar_batch_result_get_status (created, i), ==, HANGAR_BATCH_ITEM_WRITTEN);
      /* input order is kept */
      g_assert_cmpstr (string_field (record, "Name"), ==, expected);
      g_assert_true (g_hash_table_add (ids, g_strdup (hangar_batch_result_get_record_id (created, i))));
      g_ptr_array_add (id_list, g_strdup (hangar_batch_result_get_record_id (created, i)));

      json_object_set_string_member (update, "id", hangar_batch_result_get_record_id (created, i));
      json_object_set_int_member (fields_update, "Count", 100 + i);
      json_object_set_object_member (update, "fields", fields_update);
      g_ptr_array_add (updates, update);
    }

  before = hangar_test_sandbox_stat (f->sandbox, "requests");
  hangar_client_update_records_async (f->client, f->base_id, f->table_id, updates, HANGAR_WRITE_NONE,
                                      NULL, hangar_test_wait_cb, f->wait);
  updated = hangar_client_update_records_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests") - before, ==, 3);
  g_assert_true (hangar_batch_result_is_complete (updated));
  for (guint i = 0; i < 25; i++)
    {
      HangarRecord *record = hangar_batch_result_get_record (updated, i);

      g_assert_cmpint (json_node_get_int (hangar_record_get_field (record, "Count")), ==, 100 + i);
      /* PATCH kept the name */
      g_assert_nonnull (string_field (record, "Name"));
    }

  g_ptr_array_add (id_list, NULL);
  hangar_test_wait_reset (f->wait);
  before = hangar_test_sandbox_stat (f->sandbox, "requests");
  hangar_client_delete_records_async (f->client, f->base_id, f->table_id,
                                      (const char * const *) id_list->pdata, NULL, hangar_test_wait_cb, f->wait);
  deleted = hangar_client_delete_records_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests") - before, ==, 3);
  g_assert_true (hangar_batch_result_is_complete (deleted));
  g_assert_cmpstr (hangar_batch_result_get_record_id (deleted, 24), ==, g_ptr_array_index (id_list, 24));

  listed = tc_list_all (f->client, f->base_id, f->table_id, NULL);
  g_assert_cmpuint (listed->len, ==, 0);
}

static void
test_partial_batch (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) fields = tc_make_fields ("Part", 25);
  g_autoptr(HangarBatchResult) stopped = NULL;
  g_autoptr(HangarBatchResult) continued = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  /* record 13 (index 12) names a field that does not exist */
  json_object_set_string_member (g_ptr_array_index (fields, 12), "No such field", "x");

  stopped = create_many (f, fields, HANGAR_WRITE_NONE);
  g_assert_cmpuint (hangar_batch_result_get_n_written (stopped), ==, 10);
  g_assert_false (hangar_batch_result_is_complete (stopped));
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (hangar_batch_result_get_status (stopped, i), ==, HANGAR_BATCH_ITEM_WRITTEN);
  for (guint i = 10; i < 20; i++)
    {
      const GError *item_error = hangar_batch_result_get_item_error (stopped, i);

      g_assert_cmpint (hangar_batch_result_get_status (stopped, i), ==, HANGAR_BATCH_ITEM_FAILED);
      g_assert_error ((GError *) item_error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNPROCESSABLE);
      g_assert_cmpstr (hangar_api_error_get_server_type (item_error), ==, "UNKNOWN_FIELD_NAME");
      g_assert_null (hangar_batch_result_get_record (stopped, i));
    }
  for (guint i = 20; i < 25; i++)
    g_assert_cmpint (hangar_batch_result_get_status (stopped, i), ==, HANGAR_BATCH_ITEM_NOT_SENT);
  g_assert_false (hangar_batch_result_propagate_error (stopped, &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PARTIAL);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "UNKNOWN_FIELD_NAME");
  summary = hangar_batch_result_describe (stopped);
  g_assert_nonnull (strstr (summary, "10 of 25 records written (1–10)"));
  g_assert_nonnull (strstr (summary, "not written: 11–20"));
  g_assert_nonnull (strstr (summary, "not sent: 21–25"));
  g_clear_error (&error);

  continued = create_many (f, fields, HANGAR_WRITE_CONTINUE_ON_ERROR);
  g_assert_cmpuint (hangar_batch_result_get_n_written (continued), ==, 15);
  g_assert_cmpint (hangar_batch_result_get_status (continued, 9), ==, HANGAR_BATCH_ITEM_WRITTEN);
  g_assert_cmpint (hangar_batch_result_get_status (continued, 15), ==, HANGAR_BATCH_ITEM_FAILED);
  g_assert_cmpint (hangar_batch_result_get_status (continued, 20), ==, HANGAR_BATCH_ITEM_WRITTEN);

  /* exactly what the results say is in the table */
  listed = tc_list_all (f->client, f->base_id, f->table_id, NULL);
  g_assert_cmpuint (listed->len, ==, 25);
}

static void
test_upsert (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) fields = tc_make_fields ("Up", 3);
  g_autoptr(HangarBatchResult) created = NULL;
  g_autoptr(HangarBatchResult) upserted = NULL;
  g_autoptr(HangarBatchResult) refused = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  const char *merge[] = { "Email", NULL };
  const char *too_many[] = { "Name", "Email", "Count", "Notes", NULL };
  const char *none[] = { NULL };
  gint64 before;

  created = create_many (f, fields, HANGAR_WRITE_NONE);
  g_assert_true (hangar_batch_result_is_complete (created));

  /* two updates by merge field, two creates */
  g_ptr_array_add (records, tc_object ("{\"fields\": {\"Email\": \"Up0@example.com\", \"Count\": 50}}"));
  g_ptr_array_add (records, tc_object ("{\"fields\": {\"Email\": \"new1@example.com\", \"Name\": \"New 1\"}}"));
  g_ptr_array_add (records, tc_object ("{\"fields\": {\"Email\": \"Up2@example.com\", \"Count\": 52}}"));
  g_ptr_array_add (records, tc_object ("{\"fields\": {\"Email\": \"new2@example.com\", \"Name\": \"New 2\"}}"));

  hangar_client_upsert_records_async (f->client, f->base_id, f->table_id, merge, records,
                                      HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, f->wait);
  upserted = hangar_client_upsert_records_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_true (hangar_batch_result_is_complete (upserted));
  g_assert_false (hangar_batch_result_get_created (upserted, 0));
  g_assert_true (hangar_batch_result_get_created (upserted, 1));
  g_assert_false (hangar_batch_result_get_created (upserted, 2));
  g_assert_true (hangar_batch_result_get_created (upserted, 3));
  g_assert_cmpstr (hangar_batch_result_get_record_id (upserted, 0), ==,
                   hangar_batch_result_get_record_id (created, 0));
  g_assert_cmpint (json_node_get_int (hangar_record_get_field (hangar_batch_result_get_record (upserted, 2), "Count")), ==, 52);
  /* PATCH upsert kept the name of the matched record */
  g_assert_cmpstr (string_field (hangar_batch_result_get_record (upserted, 0), "Name"), ==, "Up 0");

  listed = tc_list_all (f->client, f->base_id, f->table_id, NULL);
  g_assert_cmpuint (listed->len, ==, 5);

  /* refused before anything is sent */
  before = hangar_test_sandbox_stat (f->sandbox, "requests");
  g_ptr_array_add (records, tc_object ("{\"fields\": {\"Name\": \"no email\"}}"));
  hangar_test_wait_reset (f->wait);
  hangar_client_upsert_records_async (f->client, f->base_id, f->table_id, merge, records,
                                      HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, f->wait);
  refused = hangar_client_upsert_records_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_null (refused);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "Record 5"));
  g_clear_error (&error);

  hangar_test_wait_reset (f->wait);
  hangar_client_upsert_records_async (f->client, f->base_id, f->table_id, too_many, records,
                                      HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, f->wait);
  g_assert_null (hangar_client_upsert_records_finish (f->client, hangar_test_wait_run (f->wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  hangar_test_wait_reset (f->wait);
  hangar_client_upsert_records_async (f->client, f->base_id, f->table_id, none, records,
                                      HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, f->wait);
  g_assert_null (hangar_client_upsert_records_finish (f->client, hangar_test_wait_run (f->wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_REQUEST);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests"), ==, before);
}

static void
test_list_options (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) fields = tc_make_fields ("Opt", 12);
  g_autoptr(HangarBatchResult) created = NULL;
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *offset = NULL;

  created = create_many (f, fields, HANGAR_WRITE_NONE);
  g_assert_true (hangar_batch_result_is_complete (created));

  /* formula + sort desc + projection + maxRecords */
  hangar_list_options_set_formula (options, "{Count} >= 4");
  hangar_list_options_add_sort (options, "Count", TRUE);
  hangar_list_options_add_field (options, "Name");
  hangar_list_options_add_field (options, "Count");
  hangar_list_options_set_max_records (options, 5);
  records = tc_list_all (f->client, f->base_id, f->table_id, options);
  g_assert_cmpuint (records->len, ==, 5);
  for (guint i = 0; i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);

      g_assert_cmpint (json_node_get_int (hangar_record_get_field (record, "Count")), ==, 11 - i);
      g_assert_false (hangar_record_has_field (record, "Email"));
      g_assert_true (hangar_record_has_field (record, "Name"));
    }
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&options, hangar_list_options_free);

  /* pageSize: one page at a time with an offset */
  options = hangar_list_options_new ();
  hangar_list_options_set_page_size (options, 5);
  hangar_list_options_add_sort (options, "Count", FALSE);
  hangar_client_list_records_page_async (f->client, f->base_id, f->table_id, options, NULL,
                                         NULL, hangar_test_wait_cb, f->wait);
  page = hangar_client_list_records_page_finish (f->client, hangar_test_wait_run (f->wait), &offset, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 5);
  g_assert_nonnull (offset);
  g_assert_true (g_str_has_prefix (offset, "itr"));
  records = tc_list_all (f->client, f->base_id, f->table_id, options);
  g_assert_cmpuint (records->len, ==, 12);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&options, hangar_list_options_free);

  /* field ids, comment counts, string cells */
  options = hangar_list_options_new ();
  hangar_list_options_set_fields_by_id (options, TRUE);
  hangar_list_options_set_comment_count (options, TRUE);
  hangar_list_options_set_max_records (options, 1);
  records = tc_list_all (f->client, f->base_id, f->table_id, options);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_false (hangar_record_has_field (g_ptr_array_index (records, 0), "Name"));
  {
    JsonObject *by_id = hangar_record_get_fields (g_ptr_array_index (records, 0));
    g_autoptr(GList) names = json_object_get_members (by_id);

    g_assert_nonnull (names);
    for (GList *l = names; l != NULL; l = l->next)
      g_assert_true (g_str_has_prefix (l->data, "fld"));
  }
  g_assert_true (hangar_record_has_comment_count (g_ptr_array_index (records, 0)));
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&options, hangar_list_options_free);

  options = hangar_list_options_new ();
  hangar_list_options_set_cell_format_string (options, "Europe/Paris", "fr");
  hangar_list_options_set_formula (options, "{Count} = 7");
  records = tc_list_all (f->client, f->base_id, f->table_id, options);
  g_assert_cmpuint (records->len, ==, 1);
  {
    JsonNode *count = hangar_record_get_field (g_ptr_array_index (records, 0), "Count");

    /* every cell is a string with cellFormat=string */
    g_assert_nonnull (count);
    g_assert_cmpint (json_node_get_value_type (count), ==, G_TYPE_STRING);
  }
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&options, hangar_list_options_free);

  /* a view by name (the default grid view shows every record) */
  options = hangar_list_options_new ();
  hangar_list_options_set_view (options, "Grid view");
  records = tc_list_all (f->client, f->base_id, f->table_id, options);
  g_assert_cmpuint (records->len, ==, 12);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&options, hangar_list_options_free);

  /* the same through POST listRecords */
  options = hangar_list_options_new ();
  hangar_list_options_set_force_post (options, TRUE);
  hangar_list_options_set_page_size (options, 5);
  hangar_list_options_set_formula (options, "{Count} < 11");
  records = tc_list_all (f->client, f->base_id, f->table_id, options);
  g_assert_cmpuint (records->len, ==, 11);
}

static void
test_long_formula (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) fields = tc_make_fields ("Long", 30);
  g_autoptr(HangarBatchResult) created = NULL;
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GString *formula = g_string_new ("OR(");
  gint64 before_414;

  created = create_many (f, fields, HANGAR_WRITE_NONE);
  g_assert_true (hangar_batch_result_is_complete (created));

  /* the 12 even records among the first 24, padded with ids that match
   * nothing until the URL would be far past 16,000 characters */
  for (guint i = 0; i < 24; i += 2)
    g_string_append_printf (formula, "%sRECORD_ID()='%s'", i ? "," : "",
                            hangar_batch_result_get_record_id (created, i));
  for (guint i = 0; formula->len < 20000; i++)
    g_string_append_printf (formula, ",RECORD_ID()='recNoSuchRecord%04u'", i);
  g_string_append (formula, ")");

  hangar_list_options_set_formula (options, formula->str);
  hangar_list_options_set_page_size (options, 5);   /* three pages, offset in the body */
  before_414 = hangar_test_sandbox_stat (f->sandbox, "by_status.414");
  records = tc_list_all (f->client, f->base_id, f->table_id, options);
  g_assert_cmpuint (records->len, ==, 12);
  for (guint i = 0; i < records->len; i++)
    g_assert_true (g_hash_table_add (seen, (gpointer) hangar_record_get_id (g_ptr_array_index (records, i))));
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "by_status.414"), ==, before_414);
  g_string_free (formula, TRUE);
}

static void
test_comments (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"Commented\"}");
  g_autoptr(HangarRecord) record = NULL;
  g_autoptr(HangarComment) first = NULL;
  g_autoptr(HangarComment) reply = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(GError) error = NULL;

  hangar_client_create_record_async (f->client, f->base_id, f->table_id, fields, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, f->wait);
  record = hangar_client_create_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);

  hangar_test_wait_reset (f->wait);
  hangar_client_create_comment_async (f->client, f->base_id, f->table_id, hangar_record_get_id (record),
                                      "First <b>comment</b>", NULL, NULL, hangar_test_wait_cb, f->wait);
  first = hangar_client_create_comment_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_comment_get_text (first), ==, "First <b>comment</b>");

  hangar_test_wait_reset (f->wait);
  hangar_client_create_comment_async (f->client, f->base_id, f->table_id, hangar_record_get_id (record),
                                      "A reply", hangar_comment_get_id (first), NULL, hangar_test_wait_cb, f->wait);
  reply = hangar_client_create_comment_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_comment_get_parent_comment_id (reply), ==, hangar_comment_get_id (first));

  hangar_test_wait_reset (f->wait);
  hangar_client_list_comments_async (f->client, f->base_id, f->table_id, hangar_record_get_id (record),
                                     NULL, hangar_test_wait_cb, f->wait);
  comments = hangar_client_list_comments_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (comments->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/hangar/api/client/records/single-crud", test_single_crud);
  ADD ("/hangar/api/client/records/chunking", test_chunking);
  ADD ("/hangar/api/client/records/partial-batch", test_partial_batch);
  ADD ("/hangar/api/client/records/upsert", test_upsert);
  ADD ("/hangar/api/client/records/list-options", test_list_options);
  ADD ("/hangar/api/client/records/long-formula-post", test_long_formula);
  ADD ("/hangar/api/client/records/comments", test_comments);
#undef ADD

  return g_test_run ();
}
