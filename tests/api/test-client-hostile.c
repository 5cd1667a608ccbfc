/* test-client-hostile.c — the client against a server that misbehaves on
 * purpose (tests/api/hostile-server.c), over real HTTP on loopback
 *
 * Every case runs the client in a subprocess under a memory limit
 * (RLIMIT_AS, the address space it had plus 1 GiB) and a time limit (the
 * subprocess is killed after 60 s): no crash, no hang, bounded memory, and
 * the exact error each kind of hostile answer must give.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

#include <sys/resource.h>

#define CHILD_TIMEOUT_US (60 * G_USEC_PER_SEC)
#define MEMORY_HEADROOM  ((rlim_t) 1024 * 1024 * 1024)
/* A capped answer of 32 MiB plus what parsing a page costs stays far below. */
#define RESIDENT_GROWTH_MAX (256 * 1024 * 1024)
#define TEST_DEADLINE_S  2
#define TOKEN            "patHostileTest00001.0123456789abcdef0123456789abcdef"

static GSubprocess *server;

/* ---- waiting for one async result (each child runs one at a time) ---- */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Waiter;

static Waiter *
waiter_new (void)
{
  Waiter *waiter = g_new0 (Waiter, 1);

  waiter->loop = g_main_loop_new (NULL, FALSE);
  return waiter;
}

static void
waiter_free (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  g_main_loop_unref (waiter->loop);
  g_free (waiter);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Waiter, waiter_free)

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_assert_null (waiter->result);
  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

/* The result (owned by @waiter until waiter_reset() or waiter_free()); the
 * subprocess's time limit bounds the wait. */
static GAsyncResult *
waiter_run (Waiter *waiter)
{
  if (waiter->result == NULL)
    g_main_loop_run (waiter->loop);
  return waiter->result;
}

static void
waiter_reset (Waiter *waiter)
{
  g_clear_object (&waiter->result);
}

/* ---- the hostile server ---- */

static const char *
server_url (void)
{
  return g_getenv ("HANGAR_HOSTILE_URL");
}

static void
start_server (const char *argv0)
{
  g_autofree char *dir = g_path_get_dirname (argv0);
  g_autofree char *exe = g_build_filename (dir, "hostile-server", NULL);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             exe, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  info = hangar_json_parse (line, -1, 0, NULL, &error);
  g_assert_no_error (error);
  g_setenv ("HANGAR_HOSTILE_URL", json_object_get_string_member (json_node_get_object (info), "url"), TRUE);
}

/* How many requests the server saw for @name (a blocking GET, for asserts). */
static guint
server_count (const char *name)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GUri) uri = g_uri_parse (server_url (), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *request = g_strdup_printf ("GET /__count/%s HTTP/1.1\r\nHost: x\r\n\r\n", name);
  g_autoptr(GString) answer = g_string_new (NULL);
  char buf[1024];
  gssize n;
  const char *body;
  g_autoptr(JsonNode) node = NULL;

  connection = g_socket_client_connect_to_host (socket_client, g_uri_get_host (uri), g_uri_get_port (uri),
                                                NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (answer, buf, n);
  body = strstr (answer->str, "\r\n\r\n");
  g_assert_nonnull (body);
  node = hangar_json_parse (body + 4, -1, 0, NULL, &error);
  g_assert_no_error (error);
  return (guint) json_object_get_int_member (json_node_get_object (node), "count");
}

/* ---- the child's limits ---- */

static gint64
status_kib (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, key)) == NULL)
    return 0;
  return g_ascii_strtoll (line + strlen (key), NULL, 10);
}

static gint64 start_resident;

static void
limit_memory (void)
{
#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer reserves terabytes of shadow memory up front. */
  g_test_message ("no RLIMIT_AS under AddressSanitizer");
#else
  struct rlimit limit;

  limit.rlim_cur = limit.rlim_max = (rlim_t) status_kib ("VmSize:") * 1024 + MEMORY_HEADROOM;
  g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
#endif
  start_resident = status_kib ("VmHWM:") * 1024;
}

static void
assert_memory_bounded (void)
{
  gint64 grown = status_kib ("VmHWM:") * 1024 - start_resident;

  g_test_message ("resident peak grew by %" G_GINT64_FORMAT " KiB", grown / 1024);
  g_assert_cmpint (grown, <, RESIDENT_GROWTH_MAX);
}

static HangarClient *
client_for (const char *name)
{
  g_autofree char *url = g_strconcat (server_url (), "/", name, NULL);
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (TOKEN);
  g_autoptr(HangarScheduler) scheduler = hangar_scheduler_new ();
  HangarClient *client;

  client = g_object_new (HANGAR_TYPE_CLIENT, "api-url", url, "token-source", source,
                         "scheduler", scheduler, "pacing", FALSE, NULL);
  hangar_client_set_deadline (client, TEST_DEADLINE_S);
  return client;
}

/* Runs the calling test's body in a subprocess under the limits. */
#define IN_CHILD()                                                         \
  G_STMT_START {                                                           \
    if (!g_test_subprocess ())                                             \
      {                                                                    \
        g_test_trap_subprocess (NULL, CHILD_TIMEOUT_US, G_TEST_SUBPROCESS_DEFAULT); \
        g_test_trap_assert_passed ();                                      \
        return;                                                            \
      }                                                                    \
    limit_memory ();                                                       \
  } G_STMT_END

/* ---- operations ---- */

static GError *
whoami_error (HangarClient *client)
{
  g_autoptr(Waiter) wait = waiter_new ();
  g_autoptr(HangarWhoami) me = NULL;
  GError *error = NULL;

  hangar_client_whoami_async (client, NULL, waiter_cb, wait);
  me = hangar_client_whoami_finish (client, waiter_run (wait), &error);
  g_assert_null (me);
  g_assert_nonnull (error);
  return error;
}

static GError *
page_error (HangarClient *client)
{
  g_autoptr(Waiter) wait = waiter_new ();
  g_autoptr(GPtrArray) page = NULL;
  GError *error = NULL;

  hangar_client_list_records_page_async (client, "appHostileBase001", "Table", NULL, NULL, NULL,
                                         waiter_cb, wait);
  page = hangar_client_list_records_page_finish (client, waiter_run (wait), NULL, &error);
  g_assert_null (page);
  g_assert_nonnull (error);
  return error;
}

static GError *
list_all_error (HangarClient *client)
{
  g_autoptr(Waiter) wait = waiter_new ();
  g_autoptr(GPtrArray) records = NULL;
  GError *error = NULL;

  hangar_client_list_records_async (client, "appHostileBase001", "Table", NULL, NULL, waiter_cb, wait);
  records = hangar_client_list_records_finish (client, waiter_run (wait), &error);
  g_assert_null (records);
  g_assert_nonnull (error);
  return error;
}

static GError *
create_error (HangarClient *client)
{
  g_autoptr(Waiter) wait = waiter_new ();
  g_autoptr(JsonObject) fields = tc_object ("{\"Name\": \"x\"}");
  g_autoptr(HangarRecord) record = NULL;
  GError *error = NULL;

  hangar_client_create_record_async (client, "appHostileBase001", "Table", fields, HANGAR_WRITE_NONE,
                                     NULL, waiter_cb, wait);
  record = hangar_client_create_record_finish (client, waiter_run (wait), &error);
  g_assert_null (record);
  g_assert_nonnull (error);
  return error;
}

/* ---- hangs ---- */

static void
test_trickle_body (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;

  IN_CHILD ();
  client = client_for ("trickle-body");
  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "timed out"));
  /* final: not retried */
  g_assert_cmpuint (hangar_client_get_n_requests (client), ==, 1);
  g_clear_error (&error);

  /* a create that timed out may have been applied */
  error = create_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE);
  g_assert_nonnull (strstr (error->message, "timed out"));
  assert_memory_bounded ();
}

static void
test_trickle_headers (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;

  IN_CHILD ();
  client = client_for ("trickle-headers");
  error = page_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "timed out"));
  g_assert_cmpuint (hangar_client_get_n_requests (client), ==, 1);
  assert_memory_bounded ();
}

static void
test_repeated_pages (void)
{
  const char *cases[] = { "repeat-offset", "same-records", "empty-pages" };
  const guint expected_requests[] = { 2, 2, HANGAR_PAGE_GUARD_MAX_EMPTY_PAGES + 1 };

  IN_CHILD ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HangarClient) client = client_for (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(Waiter) wait = waiter_new ();
      g_autoptr(GPtrArray) bases = NULL;
      g_autoptr(HangarRecordList) list = NULL;
      guint before = server_count (cases[i]);

      /* every record of a table */
      error = list_all_error (client);
      g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
      g_assert_true (g_str_has_prefix (error->message, "The server repeated a page"));
      g_assert_cmpuint (server_count (cases[i]) - before, ==, expected_requests[i]);
      g_clear_error (&error);

      /* the list model the grid uses */
      before = server_count (cases[i]);
      list = hangar_record_list_new (client, "appHostileBase001", "Table", NULL);
      hangar_record_list_load_all_async (list, NULL, waiter_cb, wait);
      g_assert_false (hangar_record_list_load_all_finish (list, waiter_run (wait), &error));
      g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
      g_assert_true (g_str_has_prefix (hangar_record_list_get_failed (list)->message, "The server repeated a page"));
      g_assert_cmpuint (server_count (cases[i]) - before, ==, expected_requests[i]);
      g_assert_cmpuint (hangar_record_list_get_n_loaded (list), <=, 1);
      g_clear_error (&error);

      /* the bases, paged the same way */
      before = server_count (cases[i]);
      waiter_reset (wait);
      hangar_client_list_bases_async (client, NULL, waiter_cb, wait);
      bases = hangar_client_list_bases_finish (client, waiter_run (wait), &error);
      g_assert_null (bases);
      g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
      g_assert_true (g_str_has_prefix (error->message, "The server repeated a page"));
      g_assert_cmpuint (server_count (cases[i]) - before, ==, expected_requests[i]);
    }
}

/* ---- unbounded memory ---- */

static void
test_endless_body (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;

  IN_CHILD ();
  client = client_for ("endless");
  error = page_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "larger than the 32.0"));
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 200);
  g_assert_cmpuint (hangar_client_get_n_requests (client), ==, 1);
  g_clear_error (&error);

  /* a 200 that announces 10 GB is refused before reading */
  g_clear_object (&client);
  client = client_for ("huge-length");
  error = page_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "larger than"));
  assert_memory_bounded ();
}

static void
test_endless_error_body (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;

  IN_CHILD ();
  /* a 5xx: judged by its status (and retried, as a 500 to a read is) */
  client = client_for ("endless-error");
  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_SERVER_ERROR);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 500);
  g_assert_cmpuint (hangar_client_get_n_requests (client), ==, 3);
  g_clear_error (&error);
  g_clear_object (&client);

  client = client_for ("endless-404");
  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "not read"));
  assert_memory_bounded ();
}

/* ---- crashes ---- */

static void
test_deep_nesting (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Waiter) wait = waiter_new ();
  g_autoptr(GPtrArray) result = NULL;

  IN_CHILD ();
  client = client_for ("deep");

  error = page_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "nested deeper than"));
  g_clear_error (&error);

  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  hangar_client_list_bases_async (client, NULL, waiter_cb, wait);
  result = hangar_client_list_bases_finish (client, waiter_run (wait), &error);
  g_assert_null (result);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "nested deeper than"));
  g_clear_error (&error);

  waiter_reset (wait);
  hangar_client_get_base_schema_async (client, "appHostileBase001", NULL, waiter_cb, wait);
  result = hangar_client_get_base_schema_finish (client, waiter_run (wait), &error);
  g_assert_null (result);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "nested deeper than"));
  g_clear_error (&error);

  /* an error body nested too deep is not an error envelope */
  g_clear_object (&client);
  client = client_for ("deep-error");
  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 422);
  assert_memory_bounded ();
}

static void
test_dropped (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;
  guint before = 0;

  IN_CHILD ();
  client = client_for ("drop");
  before = server_count ("drop");
  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK);
  g_assert_cmpuint (server_count ("drop") - before, ==, 3);
  g_clear_error (&error);

  before = server_count ("drop");
  error = create_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNCERTAIN_WRITE);
  g_assert_cmpuint (server_count ("drop") - before, ==, 1);
}

static void
test_no_redirect (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;
  guint ok_before;

  IN_CHILD ();
  client = client_for ("redirect");
  ok_before = server_count ("ok");
  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_FAILED);
  g_assert_cmpuint (hangar_api_error_get_http_status (error), ==, 302);
  /* the Location was not followed */
  g_assert_cmpuint (server_count ("ok"), ==, ok_before);
}

/* ---- silent loss ---- */

static void
test_numbers (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Waiter) wait = waiter_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(HangarRecordList) list = NULL;
  HangarRecord *record;
  const char * const *notes;
  JsonNode *value;
  double big = 0;

  IN_CHILD ();
  client = client_for ("numbers");
  hangar_client_list_records_page_async (client, "appHostileBase001", "Table", NULL, NULL, NULL,
                                         waiter_cb, wait);
  page = hangar_client_list_records_page_finish (client, waiter_run (wait), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);

  /* the other fields of the record are all there */
  record = g_ptr_array_index (page, 0);
  g_assert_cmpstr (json_node_get_string (hangar_record_get_field (record, "Name")), ==, "kept");
  g_assert_cmpint (json_node_get_int (hangar_record_get_field (record, "Fine")), ==, 42);
  /* beyond the double range: empty, and said */
  g_assert_null (hangar_record_get_field (record, "Inf"));
  /* beyond 64 bits: the nearest double, never -1 or a clamped integer */
  value = hangar_record_get_field (record, "Big");
  g_assert_nonnull (value);
  g_assert_true (_hangar_json_node_get_number (value, &big));
  g_assert_cmpfloat (big, ==, 1208925819614629174706176.0);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (hangar_record_get_field (record, "List"))), ==, 3);

  notes = hangar_record_get_notes (record);
  g_assert_nonnull (notes);
  g_assert_cmpuint (g_strv_length ((char **) notes), ==, 3);
  g_assert_cmpstr (notes[0], ==, "field “Inf”: the number 1e999999 is out of range and was read as null");
  g_assert_cmpstr (notes[1], ==, "field “Big”: the integer 1208925819614629174706176 is beyond 64 bits "
                                 "and was read as 1.2089258196146292e+24");
  g_assert_cmpstr (notes[2], ==, "field “List” (at [1]): the number -1e400 is out of range and was read as null");
  g_assert_null (hangar_record_get_notes (g_ptr_array_index (page, 1)));

  /* the list model gathers them */
  list = hangar_record_list_new (client, "appHostileBase001", "Table", NULL);
  waiter_reset (wait);
  hangar_record_list_load_all_async (list, NULL, waiter_cb, wait);
  g_assert_true (hangar_record_list_load_all_finish (list, waiter_run (wait), &error));
  g_assert_no_error (error);
  notes = hangar_record_list_get_notes (list);
  g_assert_nonnull (notes);
  g_assert_cmpuint (g_strv_length ((char **) notes), ==, 3);
  g_assert_true (g_str_has_prefix (notes[0], "record recNumbers0000001: field “Inf”: "));
}

static void
test_precision (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Waiter) wait = waiter_new ();
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(JsonNode) value = json_node_init_double (json_node_alloc (), 1.5);
  GPtrArray *fields;
  g_autofree char *shown = NULL;

  IN_CHILD ();
  client = client_for ("precision");
  hangar_client_get_base_schema_async (client, "appHostileBase001", NULL, waiter_cb, wait);
  tables = hangar_client_get_base_schema_finish (client, waiter_run (wait), &error);
  g_assert_no_error (error);
  fields = hangar_table_get_fields (g_ptr_array_index (tables, 0));
  g_assert_cmpuint (fields->len, ==, 6);

  /* 1e30: kept in the options, used as the most Airtable allows, and said */
  g_assert_cmpfloat (json_object_get_double_member (hangar_field_get_options (g_ptr_array_index (fields, 1)), "precision"),
                     ==, 1e30);
  g_assert_cmpstr (hangar_field_get_notes (g_ptr_array_index (fields, 1))[0], ==,
                   "“options.precision” is 1e+30, more than the 8 decimals Airtable allows; numbers are shown with 8");
  shown = hangar_field_format_value_plain (g_ptr_array_index (fields, 1), value);
  g_assert_cmpstr (shown, ==, "1.50000000");
  /* 1e999: null, with the parse's note */
  g_assert_cmpstr (hangar_field_get_notes (g_ptr_array_index (fields, 2))[0], ==,
                   "“options.precision”: the number 1e999 is out of range and was read as null");
  /* 2^80-ish: both notes */
  g_assert_cmpuint (g_strv_length ((char **) hangar_field_get_notes (g_ptr_array_index (fields, 3))), ==, 2);
  /* -1: said, not used */
  g_assert_nonnull (strstr (hangar_field_get_notes (g_ptr_array_index (fields, 4))[0], "not a number of decimals"));
  /* a fine one has none */
  g_assert_null (hangar_field_get_notes (g_ptr_array_index (fields, 5)));
}

/* ---- secrets ---- */

static void
assert_no_token (const char *text)
{
  g_autofree char *escaped = g_uri_escape_string (TOKEN, NULL, FALSE);

  if (text == NULL)
    return;
  g_assert_null (strstr (text, TOKEN));
  g_assert_null (strstr (text, "0123456789abcdef0123456789abcdef"));
  g_assert_null (strstr (text, escaped));
}

static void
test_echoed_secret (void)
{
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(GError) error = NULL;

  IN_CHILD ();
  client = client_for ("echo-secret");
  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNPROCESSABLE);
  assert_no_token (error->message);
  assert_no_token (hangar_api_error_get_server_type (error));
  assert_no_token (hangar_api_error_get_server_message (error));
  g_assert_nonnull (strstr (error->message, HANGAR_REDACTED));
  g_clear_error (&error);
  g_clear_object (&client);

  client = client_for ("echo-secret-reason");
  error = whoami_error (client);
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_UNPROCESSABLE);
  assert_no_token (error->message);
  g_assert_cmpstr (error->message, ==, "HTTP 422 Bad " HANGAR_REDACTED);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  if (server_url () == NULL)
    start_server (argv[0]);

  g_test_add_func ("/hangar/api/hostile/trickle-body", test_trickle_body);
  g_test_add_func ("/hangar/api/hostile/trickle-headers", test_trickle_headers);
  g_test_add_func ("/hangar/api/hostile/repeated-pages", test_repeated_pages);
  g_test_add_func ("/hangar/api/hostile/endless-body", test_endless_body);
  g_test_add_func ("/hangar/api/hostile/endless-error-body", test_endless_error_body);
  g_test_add_func ("/hangar/api/hostile/deep-nesting", test_deep_nesting);
  g_test_add_func ("/hangar/api/hostile/dropped", test_dropped);
  g_test_add_func ("/hangar/api/hostile/no-redirect", test_no_redirect);
  g_test_add_func ("/hangar/api/hostile/numbers", test_numbers);
  g_test_add_func ("/hangar/api/hostile/precision", test_precision);
  g_test_add_func ("/hangar/api/hostile/echoed-secret", test_echoed_secret);

  status = g_test_run ();
  if (server != NULL)
    {
      g_subprocess_force_exit (server);
      g_subprocess_wait (server, NULL, NULL);
      g_clear_object (&server);
    }
  return status;
}
