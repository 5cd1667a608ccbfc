/* test-client-webhooks.c — the webhook calls against a real sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

#define SPEC "{\"options\":{\"filters\":{\"dataTypes\":[\"tableData\",\"tableFields\"]}}}"

static GPtrArray *
list_webhooks (HangarClient *client,
               const char   *base_id,
               GError      **error)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();

  hangar_client_list_webhooks_async (client, base_id, NULL, hangar_test_wait_cb, wait);
  return hangar_client_list_webhooks_finish (client, hangar_test_wait_run (wait), error);
}

static HangarWebhookPage *
list_payloads (HangarClient *client,
               const char   *base_id,
               const char   *webhook_id,
               gint64        cursor,
               guint         limit,
               GError      **error)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();

  hangar_client_list_webhook_payloads_async (client, base_id, webhook_id, cursor, limit, NULL,
                                             hangar_test_wait_cb, wait);
  return hangar_client_list_webhook_payloads_finish (client, hangar_test_wait_run (wait), error);
}

/* Create, list, payloads page by page, refresh, delete. */
static void
test_lifecycle (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(JsonObject) spec = tc_object (SPEC);
  g_autoptr(HangarWebhook) created = NULL;
  g_autoptr(GPtrArray) hooks = NULL;
  g_autoptr(HangarWebhookPage) page = NULL;
  g_autoptr(GDateTime) expiry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_id = tc_find_base (client, NULL);
  g_autofree char *table_id = tc_create_table (client, base_id, "Hooked");
  g_autoptr(GPtrArray) fields = tc_make_fields ("p", 3);
  g_autoptr(HangarBatchResult) batch = NULL;
  HangarWebhook *listed = NULL;
  JsonObject *changed;

  hangar_client_create_webhook_async (client, base_id, spec, NULL, NULL, hangar_test_wait_cb, wait);
  created = hangar_client_create_webhook_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hangar_webhook_get_id (created), "ach"));
  g_assert_nonnull (hangar_webhook_get_mac_secret (created));
  g_assert_nonnull (hangar_webhook_get_expiration_time (created));

  hooks = list_webhooks (client, base_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < hooks->len; i++)
    if (g_str_equal (hangar_webhook_get_id (g_ptr_array_index (hooks, i)), hangar_webhook_get_id (created)))
      listed = g_ptr_array_index (hooks, i);
  g_assert_nonnull (listed);
  g_assert_cmpint (hangar_webhook_get_cursor_for_next_payload (listed), ==, 1);
  g_assert_true (hangar_webhook_get_is_hook_enabled (listed));
  g_assert_null (hangar_webhook_get_notification_url (listed));
  g_assert_null (hangar_webhook_get_mac_secret (listed));
  g_assert_nonnull (hangar_webhook_get_specification (listed));

  /* Three separate writes: three payloads, read two and then one. */
  for (guint i = 0; i < fields->len; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

      g_ptr_array_add (one, json_object_ref (g_ptr_array_index (fields, i)));
      hangar_test_wait_reset (wait);
      hangar_client_create_records_async (client, base_id, table_id, one, HANGAR_WRITE_NONE, NULL,
                                          hangar_test_wait_cb, wait);
      batch = hangar_client_create_records_finish (client, hangar_test_wait_run (wait), &error);
      g_assert_no_error (error);
      g_clear_object (&batch);
    }

  page = list_payloads (client, base_id, hangar_webhook_get_id (created), 1, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->payloads->len, ==, 2);
  g_assert_cmpint (page->cursor, ==, 3);
  g_assert_true (page->might_have_more);
  changed = json_object_get_object_member (json_object_get_object_member (g_ptr_array_index (page->payloads, 0),
                                                                          "changedTablesById"), table_id);
  g_assert_true (json_object_has_member (changed, "createdRecordsById"));
  g_clear_pointer (&page, hangar_webhook_page_free);

  page = list_payloads (client, base_id, hangar_webhook_get_id (created), 3, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->payloads->len, ==, 1);
  g_assert_cmpint (page->cursor, ==, 4);
  g_assert_false (page->might_have_more);
  g_clear_pointer (&page, hangar_webhook_page_free);

  /* Nothing new: the same cursor back. */
  page = list_payloads (client, base_id, hangar_webhook_get_id (created), 4, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->payloads->len, ==, 0);
  g_assert_cmpint (page->cursor, ==, 4);
  g_clear_pointer (&page, hangar_webhook_page_free);

  hangar_test_wait_reset (wait);
  hangar_client_refresh_webhook_async (client, base_id, hangar_webhook_get_id (created), NULL,
                                       hangar_test_wait_cb, wait);
  expiry = hangar_client_refresh_webhook_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (expiry);

  hangar_test_wait_reset (wait);
  hangar_client_delete_webhook_async (client, base_id, hangar_webhook_get_id (created), NULL,
                                      hangar_test_wait_cb, wait);
  g_assert_true (hangar_client_delete_webhook_finish (client, hangar_test_wait_run (wait), &error));
  g_assert_no_error (error);

  /* Gone: its payloads are a 404. */
  page = list_payloads (client, base_id, hangar_webhook_get_id (created), 1, 0, &error);
  g_assert_null (page);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND);
}

/* Refused before sending, and the server's errors kept. */
static void
test_errors (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(JsonObject) spec = tc_object (SPEC);
  g_autoptr(JsonObject) bad_spec = tc_object ("{\"options\":{\"filters\":{\"dataTypes\":[\"nonsense\"]}}}");
  g_autoptr(GError) error = NULL;
  g_autofree char *base_id = tc_find_base (client, NULL);
  g_autoptr(HangarWebhookPage) page = NULL;
  g_autoptr(HangarWebhook) hook = NULL;
  g_autoptr(GPtrArray) hooks = NULL;
  gint64 before = hangar_test_sandbox_stat (sandbox, "requests");
  guint created = 0;

  page = list_payloads (client, base_id, "achXXXXXXXXXXXXXX", 0, 0, &error);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  page = list_payloads (client, base_id, "..", 1, 0, &error);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "requests"), ==, before);

  hangar_client_create_webhook_async (client, base_id, bad_spec, NULL, NULL, hangar_test_wait_cb, wait);
  hook = hangar_client_create_webhook_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_null (hook);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNPROCESSABLE);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "INVALID_FILTERS");
  g_clear_error (&error);

  /* The base's limit of ten: the eleventh is refused with its own type. */
  for (guint i = 0; i < 11; i++)
    {
      hangar_test_wait_reset (wait);
      hangar_client_create_webhook_async (client, base_id, spec, NULL, NULL, hangar_test_wait_cb, wait);
      hook = hangar_client_create_webhook_finish (client, hangar_test_wait_run (wait), &error);
      if (hook == NULL)
        break;
      created++;
      g_clear_object (&hook);
    }
  g_assert_cmpuint (created, ==, 10);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNPROCESSABLE);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "TOO_MANY_WEBHOOKS_IN_BASE");
  g_clear_error (&error);

  hooks = list_webhooks (client, base_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hooks->len, ==, 10);

  /* An answer that is not the documented shape. */
  hangar_test_sandbox_control (sandbox, "/__sandbox/faults", "{\"count\":1,\"malformed\":true}");
  g_clear_pointer (&hooks, g_ptr_array_unref);
  hooks = list_webhooks (client, base_id, &error);
  g_assert_null (hooks);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/api/client/webhooks/lifecycle", test_lifecycle);
  g_test_add_func ("/hangar/api/client/webhooks/errors", test_errors);
  return g_test_run ();
}
