/* test-client-meta.c — whoami and the meta (schema) API against a real sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

static void
test_meta (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_startv (NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, TRUE);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarWhoami) me = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(HangarTable) updated = NULL;
  g_autoptr(HangarField) field = NULL;
  g_autoptr(HangarField) renamed = NULL;
  g_autoptr(JsonObject) table_changes = tc_object ("{\"name\": \"Renamed table\", \"description\": \"Now with a description\"}");
  g_autoptr(JsonObject) field_spec = tc_object ("{\"name\": \"Stage\", \"type\": \"singleSelect\", "
                                                "\"options\": {\"choices\": [{\"name\": \"Todo\"}, {\"name\": \"Done\"}]}}");
  g_autoptr(JsonObject) field_changes = tc_object ("{\"name\": \"Status\", \"description\": \"Where it is\"}");
  g_autoptr(JsonObject) bad_field = tc_object ("{\"name\": \"status\", \"type\": \"singleLineText\"}");
  g_autofree char *base_id = NULL;
  g_autofree char *table_id = NULL;
  HangarTable *found;

  hangar_client_whoami_async (client, NULL, hangar_test_wait_cb, wait);
  me = hangar_client_whoami_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hangar_whoami_get_user_id (me), "usr"));

  hangar_test_wait_reset (wait);
  hangar_client_list_bases_async (client, NULL, hangar_test_wait_cb, wait);
  bases = hangar_client_list_bases_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bases->len, >, 0);
  for (guint i = 0; i < bases->len; i++)
    g_assert_true (g_str_has_prefix (hangar_base_get_id (g_ptr_array_index (bases, i)), "app"));

  base_id = tc_find_base (client, NULL);
  table_id = tc_create_table (client, base_id, "Meta test");

  hangar_test_wait_reset (wait);
  hangar_client_get_base_schema_async (client, base_id, NULL, hangar_test_wait_cb, wait);
  tables = hangar_client_get_base_schema_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  found = hangar_table_list_lookup (tables, table_id);
  g_assert_nonnull (found);
  g_assert_cmpstr (hangar_table_get_name (found), ==, "Meta test");
  g_assert_cmpuint (hangar_table_get_fields (found)->len, ==, 4);
  g_assert_cmpstr (hangar_field_get_name (hangar_table_get_primary_field (found)), ==, "Name");

  hangar_test_wait_reset (wait);
  hangar_client_update_table_async (client, base_id, table_id, table_changes, NULL, hangar_test_wait_cb, wait);
  updated = hangar_client_update_table_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_table_get_name (updated), ==, "Renamed table");
  g_assert_cmpstr (hangar_table_get_description (updated), ==, "Now with a description");

  hangar_test_wait_reset (wait);
  hangar_client_create_field_async (client, base_id, table_id, field_spec, NULL, hangar_test_wait_cb, wait);
  field = hangar_client_create_field_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hangar_field_get_id (field), "fld"));
  g_assert_cmpint (hangar_field_get_field_type (field), ==, HANGAR_FIELD_TYPE_SINGLE_SELECT);

  hangar_test_wait_reset (wait);
  hangar_client_update_field_async (client, base_id, table_id, hangar_field_get_id (field), field_changes,
                                    NULL, hangar_test_wait_cb, wait);
  renamed = hangar_client_update_field_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_field_get_name (renamed), ==, "Status");
  g_assert_cmpstr (hangar_field_get_description (renamed), ==, "Where it is");

  /* names are unique ignoring case: a 422 with the server's type */
  hangar_test_wait_reset (wait);
  hangar_client_create_field_async (client, base_id, table_id, bad_field, NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_create_field_finish (client, hangar_test_wait_run (wait), &error));
  g_assert_true (error->domain == HANGAR_API_ERROR);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 422);
  g_assert_nonnull (hangar_api_error_get_server_type (error));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/api/client/meta/endpoints", test_meta);

  return g_test_run ();
}
