/* test-request-log.c — the request log: what a real client's requests
 * against a real sandbox leave in the account's STATE database, that no
 * token, cell value or query value ever reaches the file, the ring bound,
 * filters, the summary, two writers at once, and closing for removal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hangar-redact.h"
#include "hangar-request-log.h"
#include "hangar-test.h"

typedef struct
{
  char              *account;
  HangarTestSandbox *sandbox;
  HangarScheduler   *scheduler;
  HangarClient      *client;
  HangarRequestLog  *log;
  char              *base_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(GError) error = NULL;

  static guint n_accounts;

  /* GLib keeps the first XDG dirs of the process: an account of its own
   * per test keeps their databases apart. */
  hangar_test_isolate_home ();
  f->account = g_strdup_printf ("acc%016x", ++n_accounts);
  f->sandbox = hangar_test_sandbox_start ("--quiet", NULL);
  /* As the programs do: the token is known to the redactor. */
  hangar_redact_add_secret (f->sandbox->pat);
  source = hangar_static_token_source_new (f->sandbox->pat);
  f->scheduler = hangar_scheduler_new ();
  /* A 429 pauses the base for this long here instead of 30 s. */
  hangar_scheduler_set_penalty_ms (f->scheduler, 300);
  f->client = g_object_new (HANGAR_TYPE_CLIENT,
                            "api-url", f->sandbox->url,
                            "token-source", source,
                            "scheduler", f->scheduler,
                            NULL);
  g_assert_true (hangar_request_log_attach (f->client, f->account, "app", &error));
  g_assert_no_error (error);
  /* Attaching twice changes nothing (one row per request, not two). */
  g_assert_true (hangar_request_log_attach (f->client, f->account, "app", &error));
  f->log = hangar_request_log_get_for_account (f->account, &error);
  g_assert_no_error (error);
  f->base_id = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, "Product Roadmap");
  g_assert_nonnull (f->base_id);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->client);
  g_clear_object (&f->log);
  g_clear_object (&f->scheduler);
  g_clear_pointer (&f->base_id, g_free);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
  g_clear_pointer (&f->account, g_free);
}

static GPtrArray *
query (HangarRequestLog             *log,
       const HangarRequestLogFilter *filter)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = hangar_request_log_query (log, filter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

/* The newest row whose path starts with @prefix (the log is newest first). */
static HangarRequestLogEntry *
find_entry (GPtrArray  *entries,
            const char *method,
            const char *prefix)
{
  for (guint i = 0; i < entries->len; i++)
    {
      HangarRequestLogEntry *e = g_ptr_array_index (entries, i);

      if (g_str_equal (hangar_request_log_entry_get_method (e), method) &&
          g_str_has_prefix (hangar_request_log_entry_get_path (e), prefix))
        return e;
    }
  g_error ("No %s %s… in the log", method, prefix);
  return NULL;
}

static char *
read_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("");
  /* NULs in a database file would end the string early for strstr. */
  for (gsize i = 0; i < length; i++)
    if (contents[i] == '\0')
      contents[i] = '\n';
  return g_steal_pointer (&contents);
}

/* Every byte of the database and its WAL, as text. */
static char *
database_bytes (HangarRequestLog *log)
{
  g_autofree char *main_file = read_file (hangar_request_log_get_path (log));
  g_autofree char *wal_path = g_strconcat (hangar_request_log_get_path (log), "-wal", NULL);
  g_autofree char *wal = read_file (wal_path);

  return g_strconcat (main_file, "\n", wal, NULL);
}

static void
test_content (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(HangarRecord) created = NULL;
  g_autoptr(HangarTestSecrets) never = hangar_test_secrets_new ();
  g_autofree char *bytes = NULL;
  g_autofree char *created_id = NULL;
  g_autofree char *record_path = NULL;
  g_autofree char *expected_list = NULL;
  g_autofree char *table_path = NULL;
  HangarRequestLogEntry *e;
  GStatBuf st;
  char *offset = NULL;
  gint64 before_ms = g_get_real_time () / 1000;

  /* 1. A listing whose formula carries a value that is only in the query. */
  hangar_list_options_set_formula (options, "{Name} = 'QUERYVALUE-7f3a'");
  hangar_list_options_set_page_size (options, 3);
  hangar_client_list_records_page_async (f->client, f->base_id, "People", options, NULL, NULL,
                                         hangar_test_wait_cb, wait);
  page = hangar_client_list_records_page_finish (f->client, hangar_test_wait_run (wait), &offset, &error);
  g_assert_no_error (error);
  g_free (offset);

  /* 2. A create whose body carries a cell value. */
  json_object_set_string_member (fields, "Name", "CELLVALUE-91bd");
  hangar_client_create_record_async (f->client, f->base_id, "People", fields, HANGAR_WRITE_NONE, NULL,
                                     hangar_test_wait_cb, wait);
  created = hangar_client_create_record_finish (f->client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  created_id = g_strdup (hangar_record_get_id (created));

  /* 3. A 404 for a record that does not exist. */
  hangar_client_get_record_async (f->client, f->base_id, "People", "recAAAAAAAAAAAAAA", NULL, NULL,
                                  hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_get_record_finish (f->client, hangar_test_wait_run (wait), &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* 4. A 503 answered once, then the retry succeeds. */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults",
                               "{\"count\": 1, \"status\": 503, \"retry_after\": 0}");
  hangar_client_whoami_async (f->client, NULL, hangar_test_wait_cb, wait);
  g_assert_nonnull (hangar_client_whoami_finish (f->client, hangar_test_wait_run (wait), &error));
  g_assert_no_error (error);

  /* 5. A 429 pauses the base; the request waits and is sent again. */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults",
                               "{\"count\": 1, \"status\": 429, \"path_prefix\": \"/v0/app\"}");
  record_path = g_strdup_printf ("/v0/%s/People/%s", f->base_id, created_id);
  hangar_client_request_async (f->client, "GET", record_path, NULL, NULL, NULL, hangar_test_wait_cb, wait);
  {
    g_autoptr(JsonNode) body = hangar_client_request_finish (f->client, hangar_test_wait_run (wait), NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (body);
  }

  /* 6. A connection dropped every time: a network error after retries. */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 3, \"drop\": true}");
  hangar_client_list_bases_async (f->client, NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_list_bases_finish (f->client, hangar_test_wait_run (wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_NETWORK);
  g_clear_error (&error);
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/clear-faults", NULL);

  entries = query (f->log, NULL);
  g_assert_cmpuint (entries->len, ==, 6);
  for (guint i = 0; i < entries->len; i++)
    {
      e = g_ptr_array_index (entries, i);
      g_assert_cmpstr (hangar_request_log_entry_get_source (e), ==, "app");
      g_assert_cmpint (hangar_request_log_entry_get_time_ms (e), >=, before_ms - 1000);
      g_assert_cmpint (hangar_request_log_entry_get_duration_us (e), >, 0);
      g_assert_cmpint (hangar_request_log_entry_get_seq (e), >, 0);
    }

  /* The listing: parameter names kept, values gone. */
  expected_list = g_strdup_printf ("/v0/%s/People?", f->base_id);
  table_path = g_strdup_printf ("/v0/%s/People", f->base_id);
  e = find_entry (entries, "GET", expected_list);
  g_assert_cmpuint (hangar_request_log_entry_get_status (e), ==, 200);
  g_assert_cmpstr (hangar_request_log_entry_get_base_id (e), ==, f->base_id);
  g_assert_nonnull (strstr (hangar_request_log_entry_get_path (e), "filterByFormula"));
  g_assert_nonnull (strstr (hangar_request_log_entry_get_path (e), "pageSize"));
  g_assert_null (strchr (hangar_request_log_entry_get_path (e), '='));
  g_assert_null (hangar_request_log_entry_get_error_type (e));
  g_assert_false (hangar_request_log_entry_is_error (e));

  e = find_entry (entries, "POST", "/v0/");
  g_assert_cmpstr (hangar_request_log_entry_get_path (e), ==, table_path);
  g_assert_cmpuint (hangar_request_log_entry_get_status (e), ==, 200);

  /* The 404: record id kept, Airtable's type recorded. */
  e = NULL;
  for (guint i = 0; i < entries->len && e == NULL; i++)
    if (strstr (hangar_request_log_entry_get_path (g_ptr_array_index (entries, i)), "recAAAAAAAAAAAAAA") != NULL)
      e = g_ptr_array_index (entries, i);
  g_assert_nonnull (e);
  g_assert_cmpuint (hangar_request_log_entry_get_status (e), ==, 404);
  g_assert_cmpstr (hangar_request_log_entry_get_error_type (e), ==, "MODEL_ID_NOT_FOUND");
  g_assert_true (hangar_request_log_entry_is_error (e));

  e = find_entry (entries, "GET", "/v0/meta/whoami");
  g_assert_cmpuint (hangar_request_log_entry_get_status (e), ==, 200);
  g_assert_cmpuint (hangar_request_log_entry_get_retries (e), ==, 1);
  g_assert_null (hangar_request_log_entry_get_base_id (e));

  e = find_entry (entries, "GET", record_path);
  g_assert_cmpstr (hangar_request_log_entry_get_path (e), ==, record_path);
  g_assert_cmpuint (hangar_request_log_entry_get_status (e), ==, 200);
  g_assert_cmpuint (hangar_request_log_entry_get_retries (e), ==, 1);
  /* It waited out the base's pause (300 ms here). */
  g_assert_cmpint (hangar_request_log_entry_get_wait_us (e), >=, 250000);

  e = find_entry (entries, "GET", "/v0/meta/bases");
  g_assert_cmpuint (hangar_request_log_entry_get_status (e), ==, 0);
  g_assert_cmpuint (hangar_request_log_entry_get_retries (e), ==, 2);
  g_assert_cmpstr (hangar_request_log_entry_get_error_type (e), ==, "NETWORK_ERROR");

  /* The file: private, and no token, cell value or query value in any byte. */
  g_assert_cmpint (g_stat (hangar_request_log_get_path (f->log), &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  bytes = database_bytes (f->log);
  g_assert_nonnull (strstr (bytes, "recAAAAAAAAAAAAAA"));  /* the scan sees the rows */
  hangar_test_secrets_add (never, f->sandbox->pat);
  hangar_test_secrets_add (never, "CELLVALUE-91bd");
  hangar_test_secrets_add (never, "QUERYVALUE-7f3a");
  hangar_test_secrets_assert_not_in_text (never, "the request log's database", bytes);
  {
    g_autofree char *dir = g_path_get_dirname (hangar_request_log_get_path (f->log));

    g_assert_cmpuint (hangar_test_secrets_assert_not_in_dir (never, dir), >, 0);
  }
}

/* A path that spells the token (a careless generic request) is redacted. */
static void
test_redacted_path (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *path = g_strdup_printf ("/v0/meta/whoami/%s", f->sandbox->pat);
  g_autofree char *bytes = NULL;
  const char * const query_args[] = { "token", f->sandbox->pat, "also", "QUERYVALUE-22", NULL };
  HangarRequestLogEntry *e;

  hangar_client_request_async (f->client, "GET", path, query_args, NULL, NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_request_finish (f->client, hangar_test_wait_run (wait), NULL, &error));
  g_assert_nonnull (error);

  entries = query (f->log, NULL);
  g_assert_cmpuint (entries->len, ==, 1);
  e = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (hangar_request_log_entry_get_path (e), ==, "/v0/meta/whoami/[token]?token&also");
  bytes = database_bytes (f->log);
  g_assert_false (hangar_test_text_contains_secret (bytes, f->sandbox->pat));
  g_assert_null (strstr (bytes, "QUERYVALUE-22"));
}

static void
test_filters_and_summary (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarRequestLogSummary) summary = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GPtrArray) base = NULL;
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 now_ms = g_get_real_time () / 1000;
  HangarRequestLogFilter filter = { 0 };

  /* An old row from another program, a success, a failure, a cancellation. */
  hangar_request_log_append (f->log, hangar_request_log_entry_new (now_ms - 3600 * 1000, "cli", "GET",
                                                                   "/v0/meta/bases", NULL, 200, 1000, 0, 0, NULL));
  hangar_client_get_base_schema_async (f->client, f->base_id, NULL, hangar_test_wait_cb, wait);
  g_assert_nonnull (hangar_client_get_base_schema_finish (f->client, hangar_test_wait_run (wait), &error));
  hangar_client_get_base_schema_async (f->client, "appNOTGRANTED0000", NULL, hangar_test_wait_cb, wait);
  g_assert_null (hangar_client_get_base_schema_finish (f->client, hangar_test_wait_run (wait), &error));
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  /* A slow answer, cancelled while it is on its way. */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults", "{\"count\": 1, \"delay_ms\": 5000}");
  hangar_client_whoami_async (f->client, cancellable, hangar_test_wait_cb, wait);
  g_cancellable_cancel (cancellable);
  g_assert_null (hangar_client_whoami_finish (f->client, hangar_test_wait_run (wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  all = query (f->log, NULL);
  g_assert_cmpuint (all->len, ==, 4);
  /* Newest first: the cancelled whoami, then the rest; the old row last. */
  g_assert_cmpstr (hangar_request_log_entry_get_error_type (g_ptr_array_index (all, 0)), ==, "CANCELLED");
  g_assert_cmpstr (hangar_request_log_entry_get_source (g_ptr_array_index (all, 3)), ==, "cli");

  filter.errors_only = TRUE;
  errors = query (f->log, &filter);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (hangar_request_log_entry_get_error_type (g_ptr_array_index (errors, 0)), ==,
                   "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND");
  g_assert_cmpuint (hangar_request_log_entry_get_status (g_ptr_array_index (errors, 0)), ==, 403);

  filter.errors_only = FALSE;
  filter.base_id = f->base_id;
  base = query (f->log, &filter);
  g_assert_cmpuint (base->len, ==, 1);
  g_assert_cmpstr (hangar_request_log_entry_get_base_id (g_ptr_array_index (base, 0)), ==, f->base_id);

  filter.base_id = NULL;
  filter.since_ms = now_ms - 60 * 1000;
  filter.limit = 2;
  recent = query (f->log, &filter);
  g_assert_cmpuint (recent->len, ==, 2);

  hangar_request_log_summary_async (f->log, NULL, hangar_test_wait_cb, wait);
  summary = hangar_request_log_summary_finish (f->log, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->n_entries, ==, 4);
  g_assert_cmpint (summary->last_success_ms, >=, now_ms - 1000);
  g_assert_nonnull (summary->last_error);
  g_assert_cmpuint (hangar_request_log_entry_get_status (summary->last_error), ==, 403);
  g_assert_cmpuint (g_strv_length (summary->base_ids), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) summary->base_ids, f->base_id));
  g_assert_true (g_strv_contains ((const char * const *) summary->base_ids, "appNOTGRANTED0000"));
}

typedef struct
{
  guint n_signalled;
} WrittenCount;

static void
entries_written_cb (HangarRequestLog *log,
                    GPtrArray        *entries,
                    WrittenCount     *count)
{
  count->n_signalled += entries->len;
}

static gboolean
all_written (gpointer data)
{
  WrittenCount *count = data;

  return count->n_signalled >= 150;
}

/* Batches go to the worker on their own (100 at once, the rest within a
 * second) and are announced; the ring keeps the newest 10,000. */
static void
test_batches_and_ring (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(HangarRequestLog) log = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  WrittenCount count = { 0 };
  gint64 t0 = 1700000000000;

  hangar_test_isolate_home ();
  path = g_build_filename (g_get_user_data_dir (), "ring", "state.sqlite", NULL);
  log = hangar_request_log_new_for_path (path, &error);
  g_assert_no_error (error);
  g_signal_connect (log, "entries-written", G_CALLBACK (entries_written_cb), &count);

  for (guint i = 0; i < 150; i++)
    hangar_request_log_append (log, hangar_request_log_entry_new (t0 + i, "app", "GET", "/v0/meta/bases",
                                                                  NULL, 200, 10, 0, 0, NULL));
  /* No flush here: the worker writes them by itself. */
  hangar_test_wait_until (all_written, &count, "the queued entries to be written");

  for (guint i = 150; i < HANGAR_REQUEST_LOG_CAPACITY + 250; i++)
    hangar_request_log_append (log, hangar_request_log_entry_new (t0 + i, "app", "GET", "/v0/meta/bases",
                                                                  NULL, 200, 10, 0, 0, NULL));
  g_assert_true (hangar_request_log_flush (log, &error));
  g_assert_no_error (error);
  entries = hangar_request_log_query (log, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, HANGAR_REQUEST_LOG_CAPACITY);
  /* The newest kept, the oldest 250 gone. */
  g_assert_cmpint (hangar_request_log_entry_get_time_ms (g_ptr_array_index (entries, 0)), ==,
                   t0 + HANGAR_REQUEST_LOG_CAPACITY + 249);
  g_assert_cmpint (hangar_request_log_entry_get_time_ms (g_ptr_array_index (entries, entries->len - 1)), ==,
                   t0 + 250);
  g_assert_cmpuint (count.n_signalled, ==, HANGAR_REQUEST_LOG_CAPACITY + 250);
}

/* Two writers on one database (the app and hangar-cli): nothing lost. */
static void
test_two_writers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(HangarRequestLog) a = NULL;
  g_autoptr(HangarRequestLog) b = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  hangar_test_isolate_home ();
  path = g_build_filename (g_get_user_data_dir (), "two", "state.sqlite", NULL);
  a = hangar_request_log_new_for_path (path, &error);
  g_assert_no_error (error);
  b = hangar_request_log_new_for_path (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 1000; i++)
    {
      hangar_request_log_append (a, hangar_request_log_entry_new (i, "app", "GET", "/a", NULL, 200, 1, 0, 0, NULL));
      hangar_request_log_append (b, hangar_request_log_entry_new (i, "cli", "GET", "/b", NULL, 200, 1, 0, 0, NULL));
    }
  g_assert_true (hangar_request_log_flush (a, &error));
  g_assert_true (hangar_request_log_flush (b, &error));
  entries = hangar_request_log_query (a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2000);
}

/* Removing the account: the log lets go of the database, which can then
 * be deleted; the client goes on working, unlogged. */
static void
test_forget (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = hangar_store_path_for_account (f->account, HANGAR_STORE_STATE);

  hangar_client_whoami_async (f->client, NULL, hangar_test_wait_cb, wait);
  g_assert_nonnull (hangar_client_whoami_finish (f->client, hangar_test_wait_run (wait), &error));
  g_clear_object (&f->log);

  hangar_request_log_forget_account (f->account);
  g_assert_true (hangar_store_delete_account (f->account, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  hangar_client_whoami_async (f->client, NULL, hangar_test_wait_cb, wait);
  g_assert_nonnull (hangar_client_whoami_finish (f->client, hangar_test_wait_run (wait), &error));
  hangar_request_log_flush_all ();
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/hangar/store/request-log/content", Fixture, NULL, fixture_setup, test_content, fixture_teardown);
  g_test_add ("/hangar/store/request-log/redacted-path", Fixture, NULL, fixture_setup, test_redacted_path, fixture_teardown);
  g_test_add ("/hangar/store/request-log/filters", Fixture, NULL, fixture_setup, test_filters_and_summary, fixture_teardown);
  g_test_add ("/hangar/store/request-log/forget", Fixture, NULL, fixture_setup, test_forget, fixture_teardown);
  g_test_add_func ("/hangar/store/request-log/ring", test_batches_and_ring);
  g_test_add_func ("/hangar/store/request-log/two-writers", test_two_writers);
  return g_test_run ();
}
