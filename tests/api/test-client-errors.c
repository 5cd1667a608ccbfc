/* test-client-errors.c — error mapping, retries, 401 handling, uncertain
 * writes and revocation, against a real hangar-sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

/* A token source that hands out @first until told about a 401, then @after. */
#define TEST_TYPE_TOKEN_SOURCE (test_token_source_get_type ())
G_DECLARE_FINAL_TYPE (TestTokenSource, test_token_source, TEST, TOKEN_SOURCE, GObject)

struct _TestTokenSource
{
  GObject  parent_instance;
  char    *first;
  char    *after;
  gboolean refreshed;
  guint    n_get;
  guint    n_unauthorized;
};

static void test_token_source_iface_init (HangarTokenSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestTokenSource, test_token_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HANGAR_TYPE_TOKEN_SOURCE, test_token_source_iface_init))

static void
tts_get_token_async (HangarTokenSource   *source,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  TestTokenSource *self = TEST_TOKEN_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  self->n_get++;
  g_task_return_pointer (task, g_strdup (self->refreshed ? self->after : self->first), g_free);
}

static char *
tts_get_token_finish (HangarTokenSource  *source,
                      GAsyncResult       *result,
                      GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
tts_handle_unauthorized_async (HangarTokenSource   *source,
                               const char          *rejected,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  TestTokenSource *self = TEST_TOKEN_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  self->n_unauthorized++;
  self->refreshed = TRUE;
  g_task_return_boolean (task, TRUE);
}

static gboolean
tts_handle_unauthorized_finish (HangarTokenSource  *source,
                                GAsyncResult       *result,
                                GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
test_token_source_iface_init (HangarTokenSourceInterface *iface)
{
  iface->get_token_async = tts_get_token_async;
  iface->get_token_finish = tts_get_token_finish;
  iface->handle_unauthorized_async = tts_handle_unauthorized_async;
  iface->handle_unauthorized_finish = tts_handle_unauthorized_finish;
}

static void
test_token_source_finalize (GObject *object)
{
  TestTokenSource *self = TEST_TOKEN_SOURCE (object);

  g_free (self->first);
  g_free (self->after);
  G_OBJECT_CLASS (test_token_source_parent_class)->finalize (object);
}

static void
test_token_source_class_init (TestTokenSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_token_source_finalize;
}

static void
test_token_source_init (TestTokenSource *self)
{
}

/* ------------------------------------------------------------------------ */

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
  f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  f->client = tc_client_new (f->sandbox, NULL, NULL, TRUE);
  f->base_id = tc_find_base (f->client, NULL);
  f->table_id = tc_create_table (f->client, f->base_id, "Errors");
  f->wait = hangar_test_wait_new ();
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

static GError *
response_error (guint       status,
                const char *body)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return hangar_api_error_new_from_response (status, "Reason", bytes);
}

static void
test_envelopes (void)
{
  GError *error;

  error = response_error (422, "{\"error\":{\"type\":\"INVALID_FILTER_BY_FORMULA\",\"message\":\"The formula is bad\"}}");
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA);
  g_assert_cmpstr (error->message, ==, "The formula is bad");
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "INVALID_FILTER_BY_FORMULA");
  g_assert_cmpstr (hangar_api_error_get_server_message (error), ==, "The formula is bad");
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 422);
  g_error_free (error);

  /* bare string */
  error = response_error (404, "{\"error\":\"NOT_FOUND\"}");
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "NOT_FOUND");
  g_assert_null (hangar_api_error_get_server_message (error));
  g_assert_nonnull (strstr (error->message, "NOT_FOUND"));
  g_error_free (error);

  /* object without message */
  error = response_error (404, "{\"error\":{\"type\":\"NOT_FOUND\"}}");
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "NOT_FOUND");
  g_assert_null (hangar_api_error_get_server_message (error));
  g_error_free (error);

  /* null */
  error = response_error (403, "{\"error\":null}");
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED);
  g_assert_null (hangar_api_error_get_server_type (error));
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 403);
  g_error_free (error);

  /* wrong member types are ignored, not trusted */
  error = response_error (422, "{\"error\":{\"type\":7,\"message\":[\"x\"]}}");
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNPROCESSABLE);
  g_assert_null (hangar_api_error_get_server_type (error));
  g_error_free (error);

  /* not JSON */
  error = response_error (400, "<html>Bad</html>");
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 400);
  g_error_free (error);
  error = response_error (502, "<html>502 Bad Gateway</html>");
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_SERVER_ERROR);
  g_error_free (error);

  /* empty body */
  error = response_error (404, NULL);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND);
  g_error_free (error);

  /* the rest of the table */
  g_assert_cmpint (hangar_api_error_code_for (401, "AUTHENTICATION_REQUIRED"), ==, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED);
  g_assert_cmpint (hangar_api_error_code_for (409, NULL), ==, HANGAR_API_ERROR_CONFLICT);
  g_assert_cmpint (hangar_api_error_code_for (413, NULL), ==, HANGAR_API_ERROR_REQUEST_TOO_LARGE);
  g_assert_cmpint (hangar_api_error_code_for (414, NULL), ==, HANGAR_API_ERROR_REQUEST_TOO_LARGE);
  g_assert_cmpint (hangar_api_error_code_for (422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"), ==, HANGAR_API_ERROR_ITERATOR_EXPIRED);
  g_assert_cmpint (hangar_api_error_code_for (422, "INVALID_REQUEST_UNKNOWN"), ==, HANGAR_API_ERROR_INVALID_REQUEST);
  g_assert_cmpint (hangar_api_error_code_for (422, "ROW_DOES_NOT_EXIST"), ==, HANGAR_API_ERROR_UNPROCESSABLE);
  g_assert_cmpint (hangar_api_error_code_for (429, "RATE_LIMIT_REACHED"), ==, HANGAR_API_ERROR_RATE_LIMITED);
  g_assert_cmpint (hangar_api_error_code_for (503, "RETRIABLE_ERROR"), ==, HANGAR_API_ERROR_SERVER_ERROR);
  g_assert_cmpint (hangar_api_error_code_for (418, NULL), ==, HANGAR_API_ERROR_FAILED);
}

static JsonNode *
generic (Fixture            *f,
         const char         *method,
         const char         *path,
         const char * const *query,
         const char         *body,
         guint              *status,
         GError            **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *body_node = NULL;

  if (body != NULL)
    {
      g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
      body_node = json_parser_get_root (parser);
    }
  hangar_test_wait_reset (f->wait);
  hangar_client_request_async (f->client, method, path, query, body_node, NULL, hangar_test_wait_cb, f->wait);
  return hangar_client_request_finish (f->client, hangar_test_wait_run (f->wait), status, error);
}

static void
test_real_shapes (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s", f->base_id, f->table_id);
  const char *query[] = { "maxRecords", "1", NULL };
  guint status = 0;

  /* the generic request: success with status */
  node = generic (f, "GET", path, query, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_true (json_object_has_member (json_node_get_object (node), "records"));
  g_clear_pointer (&node, json_node_unref);

  node = generic (f, "POST", path, NULL, "{\"fields\": {\"Name\": \"via request\"}}", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (node), "id"), "rec"));
  g_clear_pointer (&node, json_node_unref);

  /* unknown route: bare-string 404 */
  node = generic (f, "GET", "/v0/meta/no-such-thing", NULL, NULL, &status, &error);
  g_assert_null (node);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "NOT_FOUND");
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 404);
  g_clear_error (&error);

  /* a base the token cannot see */
  hangar_test_wait_reset (f->wait);
  hangar_client_list_records_page_async (f->client, "appNoSuchBase0000", "Table", NULL, NULL, NULL,
                                         hangar_test_wait_cb, f->wait);
  page = hangar_client_list_records_page_finish (f->client, hangar_test_wait_run (f->wait), NULL, &error);
  g_assert_null (page);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND");
  g_assert_true (g_str_has_prefix (hangar_api_error_get_server_message (error), "Invalid permissions"));
  g_assert_cmpstr (error->message, ==, hangar_api_error_get_server_message (error));
  g_clear_error (&error);

  /* a formula that does not parse */
  hangar_list_options_set_formula (options, "AND({Name}, ");
  hangar_test_wait_reset (f->wait);
  hangar_client_list_records_page_async (f->client, f->base_id, f->table_id, options, NULL, NULL,
                                         hangar_test_wait_cb, f->wait);
  page = hangar_client_list_records_page_finish (f->client, hangar_test_wait_run (f->wait), NULL, &error);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_FORMULA);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "INVALID_FILTER_BY_FORMULA");
  g_clear_error (&error);

  /* a garbage offset */
  hangar_test_wait_reset (f->wait);
  hangar_client_list_records_page_async (f->client, f->base_id, f->table_id, NULL, "10", NULL,
                                         hangar_test_wait_cb, f->wait);
  page = hangar_client_list_records_page_finish (f->client, hangar_test_wait_run (f->wait), NULL, &error);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNPROCESSABLE);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "INVALID_OFFSET_VALUE");
  g_clear_error (&error);

  /* a 2xx body that is not JSON */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 1, \"malformed\": true}");
  hangar_test_wait_reset (f->wait);
  hangar_client_list_records_page_async (f->client, f->base_id, f->table_id, NULL, NULL, NULL,
                                         hangar_test_wait_cb, f->wait);
  page = hangar_client_list_records_page_finish (f->client, hangar_test_wait_run (f->wait), NULL, &error);
  g_assert_null (page);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
}

static void
test_network_error (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (sandbox->pat);
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"x\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup (sandbox->url);

  /* nothing listens there any more */
  g_clear_pointer (&sandbox, hangar_test_sandbox_stop);
  client = g_object_new (HANGAR_TYPE_CLIENT, "api-url", url, "token-source", source,
                         "scheduler", scheduler, NULL);

  hangar_client_whoami_async (client, NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_whoami_finish (client, hangar_test_wait_run (wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 0);
  g_assert_nonnull (strstr (error->message, "Could not reach Airtable: "));
  g_assert_cmpuint (strlen (error->message), >, strlen ("Could not reach Airtable: "));
  g_clear_error (&error);

  /* refused before sending: a create is a plain network error, not uncertain */
  hangar_test_wait_reset (wait);
  hangar_client_create_record_async (client, "appAAAAAAAAAAAAAA", "T", fields, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_create_record_finish (client, hangar_test_wait_run (wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK);
}

static guint
count_records (Fixture *f)
{
  g_autoptr(GPtrArray) records = tc_list_all (f->client, f->base_id, f->table_id, NULL);

  return records->len;
}

static void
test_retries (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarWhoami) me = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"retry\"}");
  g_autoptr(HangarRecord) record = NULL;
  gint64 before;

  /* an idempotent read survives two 500s (three tries) */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 2, \"status\": 500}");
  before = (gint64) hangar_client_get_n_requests (f->client);
  hangar_client_whoami_async (f->client, NULL, hangar_test_wait_cb, f->wait);
  me = hangar_client_whoami_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (me);
  g_assert_cmpint ((gint64) hangar_client_get_n_requests (f->client) - before, ==, 3);

  /* ... but not three */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 3, \"status\": 500}");
  before = (gint64) hangar_client_get_n_requests (f->client);
  hangar_test_wait_reset (f->wait);
  hangar_client_list_records_page_async (f->client, f->base_id, f->table_id, NULL, NULL, NULL,
                                         hangar_test_wait_cb, f->wait);
  page = hangar_client_list_records_page_finish (f->client, hangar_test_wait_run (f->wait), NULL, &error);
  g_assert_null (page);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_SERVER_ERROR);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 500);
  g_assert_cmpint ((gint64) hangar_client_get_n_requests (f->client) - before, ==, 3);
  g_clear_error (&error);

  /* a dropped connection on a read is retried */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 1, \"drop\": true}");
  hangar_test_wait_reset (f->wait);
  hangar_client_list_records_page_async (f->client, f->base_id, f->table_id, NULL, NULL, NULL,
                                         hangar_test_wait_cb, f->wait);
  page = hangar_client_list_records_page_finish (f->client, hangar_test_wait_run (f->wait), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);

  /* 503 with Retry-After: safe to repeat even a create */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 1, \"status\": 503, \"retry_after\": 1}");
  before = (gint64) hangar_client_get_n_requests (f->client);
  hangar_test_wait_reset (f->wait);
  hangar_client_create_record_async (f->client, f->base_id, f->table_id, fields, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, f->wait);
  record = hangar_client_create_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  g_assert_cmpint ((gint64) hangar_client_get_n_requests (f->client) - before, ==, 2);
  g_assert_cmpuint (count_records (f), ==, 1);
}

static void
test_uncertain_write (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"maybe\"}");
  g_autoptr(GPtrArray) many = tc_make_fields ("Maybe", 15);
  g_autoptr(HangarRecord) record = NULL;
  g_autoptr(HangarBatchResult) batch = NULL;

  /* the connection drops after the create was sent: never re-sent */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 1, \"drop\": true}");
  hangar_client_create_record_async (f->client, f->base_id, f->table_id, fields, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, f->wait);
  record = hangar_client_create_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_null (record);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE);
  g_assert_nonnull (strstr (error->message, "not re-sent"));
  g_clear_error (&error);
  /* a re-send would have succeeded and created the record */
  g_assert_cmpuint (count_records (f), ==, 0);

  /* a 500 to a create: the same */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 1, \"status\": 500}");
  hangar_test_wait_reset (f->wait);
  hangar_client_create_record_async (f->client, f->base_id, f->table_id, fields, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, f->wait);
  g_assert_null (hangar_client_create_record_finish (f->client, hangar_test_wait_run (f->wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 500);
  g_clear_error (&error);
  g_assert_cmpuint (count_records (f), ==, 0);

  /* in a batch: the first chunk is uncertain, the rest is not sent */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 1, \"drop\": true}");
  hangar_test_wait_reset (f->wait);
  hangar_client_create_records_async (f->client, f->base_id, f->table_id, many, HANGAR_WRITE_NONE,
                                      NULL, hangar_test_wait_cb, f->wait);
  batch = hangar_client_create_records_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hangar_batch_result_get_status (batch, 0), ==, HANGAR_BATCH_ITEM_UNCERTAIN);
  g_assert_cmpint (hangar_batch_result_get_status (batch, 9), ==, HANGAR_BATCH_ITEM_UNCERTAIN);
  g_assert_cmpint (hangar_batch_result_get_status (batch, 10), ==, HANGAR_BATCH_ITEM_NOT_SENT);
  g_assert_cmpuint (hangar_batch_result_get_n_written (batch), ==, 0);
  g_assert_false (hangar_batch_result_propagate_error (batch, &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE);
  g_assert_cmpuint (count_records (f), ==, 0);
}

static void
test_unauthorized_retry (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TestTokenSource) source = g_object_new (TEST_TYPE_TOKEN_SOURCE, NULL);
  g_autoptr(TestTokenSource) stubborn = g_object_new (TEST_TYPE_TOKEN_SOURCE, NULL);
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarClient) client2 = NULL;
  g_autoptr(HangarWhoami) me = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;

  source->first = g_strdup ("patStaleToken0000.0000");
  source->after = g_strdup (f->sandbox->pat);
  client = g_object_new (HANGAR_TYPE_CLIENT, "api-url", f->sandbox->url, "token-source", source,
                         "scheduler", scheduler, NULL);

  before = 0;
  hangar_client_whoami_async (client, NULL, hangar_test_wait_cb, f->wait);
  me = hangar_client_whoami_finish (client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (me);
  g_assert_cmpuint (source->n_unauthorized, ==, 1);
  g_assert_cmpuint (source->n_get, ==, 2);
  g_assert_cmpint ((gint64) hangar_client_get_n_requests (client) - before, ==, 2);

  /* a second 401 is final: exactly one retry */
  stubborn->first = g_strdup ("patStaleToken0000.0000");
  stubborn->after = g_strdup ("patStillStale0000.0000");
  client2 = g_object_new (HANGAR_TYPE_CLIENT, "api-url", f->sandbox->url, "token-source", stubborn,
                          "scheduler", scheduler, NULL);
  before = 0;
  hangar_test_wait_reset (f->wait);
  hangar_client_whoami_async (client2, NULL, hangar_test_wait_cb, f->wait);
  g_assert_null (hangar_client_whoami_finish (client2, hangar_test_wait_run (f->wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED);
  g_assert_cmpstr (hangar_api_error_get_server_type (error), ==, "AUTHENTICATION_REQUIRED");
  g_assert_cmpuint (stubborn->n_unauthorized, ==, 1);
  g_assert_cmpint ((gint64) hangar_client_get_n_requests (client2) - before, ==, 2);
}

static void
test_static_token_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(HangarClient) client = tc_client_new (f->sandbox, "patWrongToken0000.0000", NULL, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  gint64 before;

  hangar_client_whoami_async (client, NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_whoami_finish (client, hangar_test_wait_run (wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED);
  g_assert_true (hangar_client_get_invalidated (client));
  g_clear_error (&error);

  /* no request leaves any more */
  before = hangar_test_sandbox_stat (f->sandbox, "requests");
  hangar_test_wait_reset (wait);
  hangar_client_list_bases_async (client, NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_list_bases_finish (client, hangar_test_wait_run (wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_AUTHENTICATION_REQUIRED);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests"), ==, before);
}

typedef struct
{
  guint   pending;
  guint   revoked;
  guint   other;
  GMainLoop *loop;
} Tally;

static void
tally_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Tally *tally = user_data;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;

  page = hangar_client_list_records_page_finish (HANGAR_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED))
    tally->revoked++;
  else
    tally->other++;
  if (--tally->pending == 0)
    g_main_loop_quit (tally->loop);
}

typedef struct
{
  HangarClient *client;
  guint64       n;
} SentWait;

/* The client has handed at least @n requests to libsoup. */
static gboolean
client_sent (gpointer data)
{
  SentWait *w = data;

  return hangar_client_get_n_requests (w->client) >= w->n;
}

static void
test_invalidated_stops_all (void)
{
  /* default rate limits and pacing: most requests wait in the scheduler */
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_startv (NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, TRUE);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) reason = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED, "Access was revoked");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autofree char *base_id = tc_find_base (client, NULL);
  Tally tally = { 0, 0, 0, loop };
  SentWait sent;
  gint64 before;

  /* one request stuck in the server, nine queued behind the base's pacing */
  hangar_test_sandbox_control (sandbox, "/__sandbox/faults", "{\"count\": 10, \"delay_ms\": 3000}");
  before = (gint64) hangar_client_get_n_requests (client);
  for (guint i = 0; i < 10; i++)
    {
      tally.pending++;
      hangar_client_list_records_page_async (client, base_id, "Anything", NULL, NULL, NULL, tally_cb, &tally);
    }
  sent.client = client;
  sent.n = (guint64) before + 1;
  hangar_test_wait_until (client_sent, &sent, "the first request on the wire");

  hangar_token_source_emit_invalidated (hangar_client_get_token_source (client), reason);
  g_main_loop_run (loop);
  g_assert_cmpuint (tally.revoked, ==, 10);
  g_assert_cmpuint (tally.other, ==, 0);
  g_assert_true (hangar_client_get_invalidated (client));

  /* at most what was already on the wire (one, maybe two paced ones) left */
  g_assert_cmpint ((gint64) hangar_client_get_n_requests (client) - before, <=, 2);

  /* later calls fail at once, without a request: a whoami reaching the
   * sandbox would take the trap set for it (the delayed requests still on
   * the server keep their own fault) */
  hangar_test_sandbox_control (sandbox, "/__sandbox/clear-faults", "{}");
  hangar_test_sandbox_control (sandbox, "/__sandbox/faults",
                               "{\"count\": 1, \"status\": 418, \"path_prefix\": \"/v0/meta/whoami\"}");
  hangar_client_whoami_async (client, NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_whoami_finish (client, hangar_test_wait_run (wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED);
  g_assert_cmpuint (hangar_client_get_n_requests (client), <=, 3);
  {
    guint status = 0;
    g_autoptr(JsonNode) trap = hangar_test_sandbox_request (sandbox, "GET", "/v0/meta/whoami", sandbox->pat,
                                                            NULL, &status);

    g_assert_cmpuint (status, ==, 418);
  }
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HangarTestWait) other = hangar_test_wait_new ();
  g_autoptr(HangarTestWait) third = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarWhoami) me = NULL;
  SentWait sent = { f->client, 0 };

  /* a caller's cancellable cancels only its own call */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 1, \"delay_ms\": 1500, \"path_prefix\": \"/v0/meta/bases\"}");
  sent.n = hangar_client_get_n_requests (f->client) + 2;
  hangar_client_list_bases_async (f->client, cancellable, hangar_test_wait_cb, f->wait);
  hangar_client_whoami_async (f->client, NULL, hangar_test_wait_cb, other);
  hangar_test_wait_until (client_sent, &sent, "both requests on the wire");
  g_cancellable_cancel (cancellable);
  g_assert_null (hangar_client_list_bases_finish (f->client, hangar_test_wait_run (f->wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  me = hangar_client_whoami_finish (f->client, hangar_test_wait_run (other), &error);
  g_assert_no_error (error);
  g_clear_object (&me);

  /* cancel_all stops everything in flight; the client stays usable */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 2, \"delay_ms\": 1500}");
  sent.n = hangar_client_get_n_requests (f->client) + 2;
  hangar_client_list_bases_async (f->client, NULL, hangar_test_wait_cb, f->wait);
  hangar_client_whoami_async (f->client, NULL, hangar_test_wait_cb, other);
  hangar_test_wait_until (client_sent, &sent, "both requests on the wire");
  hangar_client_cancel_all (f->client);
  g_assert_null (hangar_client_list_bases_finish (f->client, hangar_test_wait_run (f->wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (hangar_client_whoami_finish (f->client, hangar_test_wait_run (other), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (hangar_client_get_invalidated (f->client));

  hangar_test_sandbox_control (f->sandbox, "/__sandbox/clear-faults", "{}");
  hangar_client_whoami_async (f->client, NULL, hangar_test_wait_cb, third);
  me = hangar_client_whoami_finish (f->client, hangar_test_wait_run (third), &error);
  g_assert_no_error (error);
  g_assert_nonnull (me);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  g_test_add_func ("/hangar/api/client/errors/envelopes", test_envelopes);
  ADD ("/hangar/api/client/errors/real-shapes", test_real_shapes);
  g_test_add_func ("/hangar/api/client/errors/network", test_network_error);
  ADD ("/hangar/api/client/errors/retries", test_retries);
  ADD ("/hangar/api/client/errors/uncertain-write", test_uncertain_write);
  ADD ("/hangar/api/client/errors/unauthorized-retry", test_unauthorized_retry);
  ADD ("/hangar/api/client/errors/static-token-refused", test_static_token_refused);
  ADD ("/hangar/api/client/errors/cancel", test_cancel);
  g_test_add_func ("/hangar/api/client/errors/invalidated-stops-all", test_invalidated_stops_all);
#undef ADD

  return g_test_run ();
}
