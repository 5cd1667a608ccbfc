/* test-ids.c — identifiers and API URLs are checked before anything is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

static void
assert_segment_refused (const char *what,
                        const char *value,
                        const char *expected_message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hangar_check_path_segment (what, value, &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT);
  if (expected_message != NULL)
    g_assert_cmpstr (error->message, ==, expected_message);
}

static void
test_segments (void)
{
  g_autofree char *huge = g_strnfill (HANGAR_MAX_SEGMENT_BYTES + 1, 'a');
  g_autofree char *largest = g_strnfill (HANGAR_MAX_SEGMENT_BYTES, 'a');
  g_autoptr(GError) error = NULL;

  /* what Airtable uses, and names with any printable text */
  g_assert_true (hangar_check_path_segment ("base", "appLkNDICXNqxSDhG", NULL));
  g_assert_true (hangar_check_path_segment ("table", "Q/A: “quotes” & 100% ?#", NULL));
  g_assert_true (hangar_check_path_segment ("table", "...", NULL));
  g_assert_true (hangar_check_path_segment ("table", ".hidden", NULL));
  g_assert_true (hangar_check_path_segment ("field", "Größe 🚀", NULL));
  g_assert_true (hangar_check_path_segment ("table", largest, NULL));

  assert_segment_refused ("table", "..",
                          "table “..” is not a valid table name or id "
                          "(“.” and “..” would name another endpoint)");
  assert_segment_refused ("record", ".",
                          "record “.” is not a valid record id "
                          "(“.” and “..” would name another endpoint)");
  assert_segment_refused ("base", "", "base “” is not a valid base id (it is empty)");
  assert_segment_refused ("base", NULL, "base “” is not a valid base id (it is empty)");
  assert_segment_refused ("field", "a\nb",
                          "field “a\\nb” is not a valid field name or id (it contains a control character)");
  assert_segment_refused ("table", "a\x1b]0;owned\x07", NULL);
  assert_segment_refused ("table", "a\xc2\x85z", NULL);            /* C1 NEL */
  assert_segment_refused ("table", "a\xff\xfe", NULL);
  assert_segment_refused ("view", huge, NULL);

  /* the message never carries the raw control characters */
  g_assert_false (hangar_check_path_segment ("table", "x\x1b[31m", &error));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_nonnull (strstr (error->message, "\\x1b"));
  g_clear_error (&error);

  /* "/" can never split a segment */
  {
    g_autofree char *escaped = hangar_escape_segment ("a/b?c#d%e f..");

    g_assert_cmpstr (escaped, ==, "a%2Fb%3Fc%23d%25e%20f..");
  }
}

static void
assert_url_refused (const char *url,
                    const char *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hangar_check_api_url (url, &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("message for %s lacks “%s”: %s", url, fragment, error->message);
}

static void
test_urls (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hangar_check_api_url ("https://api.airtable.com", NULL));
  g_assert_true (hangar_check_api_url ("https://api.airtable.com/", NULL));
  g_assert_true (hangar_check_api_url ("https://proxy.example.org:8443/airtable", NULL));
  g_assert_true (hangar_check_api_url ("http://127.0.0.1:8470", NULL));
  g_assert_true (hangar_check_api_url ("http://127.9.8.7", NULL));
  g_assert_true (hangar_check_api_url ("http://[::1]:8470", NULL));
  g_assert_true (hangar_check_api_url ("http://localhost:8470", NULL));
  g_assert_true (hangar_check_api_url ("HTTP://LOCALHOST", NULL));

  assert_url_refused ("http://[bad", "“http://[bad” is not a usable API URL: ");
  assert_url_refused ("http://api.airtable.com", "plain http://");
  assert_url_refused ("http://10.0.0.1:8470", "plain http://");
  assert_url_refused ("http://128.0.0.1", "plain http://");
  assert_url_refused ("http://127.0.0.1.example.com", "plain http://");
  assert_url_refused ("http://localhost.example.com", "plain http://");
  assert_url_refused ("ftp://127.0.0.1", "only http:// and https://");
  assert_url_refused ("file:///etc/passwd", "only http:// and https://");
  assert_url_refused ("api.airtable.com", NULL);
  assert_url_refused ("https://", NULL);
  assert_url_refused ("https:///v0", "no host");
  assert_url_refused ("https://u:secretpassword@api.airtable.com", "user name or password");
  assert_url_refused ("https://api.airtable.com?x=1", "query");
  assert_url_refused ("https://api.airtable.com/#x", "fragment");
  assert_url_refused ("https://api.air table.com", "space");
  assert_url_refused ("", "empty");
  assert_url_refused (NULL, "empty");

  /* a password in the URL is never quoted back */
  g_assert_false (hangar_check_api_url ("https://user:hunter2hunter2@api.airtable.com", &error));
  g_assert_null (strstr (error->message, "hunter2"));
  g_clear_error (&error);
  g_assert_false (hangar_check_api_url ("http://user:hunter2hunter2@[bad", &error));
  g_assert_null (strstr (error->message, "hunter2"));
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  char              *base_id;
  HangarTestWait            *wait;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  f->client = tc_client_new (f->sandbox, NULL, NULL, TRUE);
  f->base_id = tc_find_base (f->client, NULL);
  f->wait = hangar_test_wait_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  hangar_test_wait_free (f->wait);
  g_free (f->base_id);
  g_clear_object (&f->client);
  hangar_test_sandbox_stop (f->sandbox);
}

static void
assert_refused_locally (Fixture      *f,
                        GError       *error,
                        gint64        sandbox_before,
                        guint64       client_before)
{
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (hangar_client_get_n_requests (f->client), ==, client_before);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests"), ==, sandbox_before);
}

static void
test_nothing_sent (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"x\"}");
  g_autoptr(GPtrArray) many = tc_make_fields ("Dot", 3);
  const char *ids[] = { "recAAAAAAAAAAAAAA", "..", NULL };
  const char *merge[] = { "Name", NULL };
  gint64 sandbox_before;
  guint64 client_before;
  GError *error = NULL;

  /* (the control API's own requests are not counted) */
  sandbox_before = hangar_test_sandbox_stat (f->sandbox, "requests");
  client_before = hangar_client_get_n_requests (f->client);

/* @succeeded reads the result `res` into `error` and must be FALSE */
#define RUN(call, succeeded)                                                \
  G_STMT_START {                                                            \
    GAsyncResult *res;                                                      \
    hangar_test_wait_reset (f->wait);                                                \
    call;                                                                   \
    res = hangar_test_wait_run (f->wait);                                            \
    g_assert_false (succeeded);                                             \
    assert_refused_locally (f, error, sandbox_before, client_before);       \
    g_clear_error (&error);                                                 \
  } G_STMT_END

  /* the DELETE that URL normalisation would turn into DELETE /v0/?records[]= */
  RUN (hangar_client_delete_record_async (f->client, "appXXXXXXXXXXXXXX", "..", "recA", NULL, hangar_test_wait_cb, f->wait),
       hangar_client_delete_record_finish (f->client, res, &error));
  RUN (hangar_client_delete_record_async (f->client, f->base_id, "Table", ".", NULL, hangar_test_wait_cb, f->wait),
       hangar_client_delete_record_finish (f->client, res, &error));
  RUN (hangar_client_delete_records_async (f->client, f->base_id, "..", ids, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_delete_records_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_delete_records_async (f->client, f->base_id, "Table", ids, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_delete_records_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_get_record_async (f->client, "..", "Table", "recA", NULL, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_get_record_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_list_records_page_async (f->client, f->base_id, "", NULL, NULL, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_list_records_page_finish (f->client, res, NULL, &error) != NULL);
  RUN (hangar_client_create_record_async (f->client, f->base_id, "a\nb", fields, HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_create_record_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_update_record_async (f->client, f->base_id, "T", "..", fields, HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_update_record_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_create_records_async (f->client, ".", "T", many, HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_create_records_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_upsert_records_async (f->client, f->base_id, "..", merge, many, HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_upsert_records_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_list_comments_async (f->client, f->base_id, "T", "..", NULL, hangar_test_wait_cb, f->wait),
       hangar_client_list_comments_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_create_comment_async (f->client, f->base_id, "..", "recA", "hi", NULL, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_create_comment_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_get_base_schema_async (f->client, "..", NULL, hangar_test_wait_cb, f->wait),
       hangar_client_get_base_schema_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_create_table_async (f->client, "..", fields, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_create_table_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_update_table_async (f->client, f->base_id, "..", fields, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_update_table_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_create_field_async (f->client, f->base_id, ".", fields, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_create_field_finish (f->client, res, &error) != NULL);
  RUN (hangar_client_update_field_async (f->client, f->base_id, "tblX", "..", fields, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_update_field_finish (f->client, res, &error) != NULL);
  /* the generic request: dot segments in any spelling */
  RUN (hangar_client_request_async (f->client, "DELETE", "/v0/appX/../recA", NULL, NULL, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_request_finish (f->client, res, NULL, &error) != NULL);
  RUN (hangar_client_request_async (f->client, "GET", "/v0/%2e%2E/meta/whoami", NULL, NULL, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_request_finish (f->client, res, NULL, &error) != NULL);
  RUN (hangar_client_request_async (f->client, "GET", "/v0/meta/whoami#x", NULL, NULL, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_request_finish (f->client, res, NULL, &error) != NULL);
  RUN (hangar_client_request_async (f->client, "GET", "/v0/meta/who ami", NULL, NULL, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_request_finish (f->client, res, NULL, &error) != NULL);
  RUN (hangar_client_request_async (f->client, "GET", "/v0/%zz", NULL, NULL, NULL, hangar_test_wait_cb, f->wait),
       hangar_client_request_finish (f->client, res, NULL, &error) != NULL);
#undef RUN
}

/* A name with "/", "?", "#", "%" and ".." in it reaches the table of that
 * name as one segment. */
static void
test_names_encoded (Fixture       *f,
                    gconstpointer  data)
{
  const char *name = "Q/A ?#% ..";
  g_autofree char *table_id = tc_create_table (f->client, f->base_id, name);
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"slash\"}");
  g_autoptr(HangarRecord) created = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  const char *query[] = { "maxRecords", "5", NULL };
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  hangar_client_create_record_async (f->client, f->base_id, name, fields, HANGAR_WRITE_NONE,
                                     NULL, hangar_test_wait_cb, f->wait);
  created = hangar_client_create_record_finish (f->client, hangar_test_wait_run (f->wait), &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);

  records = tc_list_all (f->client, f->base_id, table_id, NULL);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (hangar_record_get_id (g_ptr_array_index (records, 0)), ==, hangar_record_get_id (created));

  /* a query after "?" in a generic request's path is kept */
  hangar_test_wait_reset (f->wait);
  hangar_client_request_async (f->client, "GET", "/v0/meta/whoami?x=1", query, NULL, NULL, hangar_test_wait_cb, f->wait);
  node = hangar_client_request_finish (f->client, hangar_test_wait_run (f->wait), &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_bad_api_url (Fixture       *f,
                  gconstpointer  data)
{
  const char *urls[] = {
    "http://[bad",
    "ftp://127.0.0.1:1",
    "http://example.com",
    "https://user:pw@127.0.0.1",
    NULL
  };

  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (f->sandbox->pat);
      g_autoptr(HangarClient) client = hangar_client_new (urls[i], source);
      g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) expected = NULL;

      g_assert_false (hangar_check_api_url (urls[i], &expected));

      hangar_client_whoami_async (client, NULL, hangar_test_wait_cb, wait);
      g_assert_null (hangar_client_whoami_finish (client, hangar_test_wait_run (wait), &error));
      g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, expected->message);
      g_assert_cmpuint (hangar_client_get_n_requests (client), ==, 0);
    }

  /* the sandbox's own loopback URL is fine */
  g_assert_true (hangar_check_api_url (f->sandbox->url, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/api/ids/segments", test_segments);
  g_test_add_func ("/hangar/api/ids/urls", test_urls);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/hangar/api/ids/nothing-sent", test_nothing_sent);
  ADD ("/hangar/api/ids/names-encoded", test_names_encoded);
  ADD ("/hangar/api/ids/bad-api-url", test_bad_api_url);
#undef ADD

  return g_test_run ();
}
