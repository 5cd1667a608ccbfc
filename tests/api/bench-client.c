/* bench-client.c — figures for the client (prints, asserts nothing)
 *
 *   ninja -C build tests/api/bench-client
 *   HANGAR_SANDBOX=build/src/sandbox/hangar-sandbox G_SLICE=always-malloc build/tests/api/bench-client [N_PACED] [N_UNPACED] [N_TEN] [N_LOG]
 *
 * 1. Paced full fetch of a generated 5,000-record table with the sandbox's
 *    default rate limits (5 req/s per base): records/s against the
 *    500 records/s ceiling (100 records per page × 5 pages/s), and how many
 *    429s the sandbox sent.
 * 2. Unpaced fetch (sandbox --no-rate-limit, client pacing off) of a
 *    generated 100,000-record table into a HangarRecordList: records/s end to
 *    end, and memory per record held in the model (RSS delta / n, after
 *    malloc_trim so freed parser memory is not counted).
 * 3. Memory per record for 10-field records: a table with 10 fields (text,
 *    numbers, a date, a select) filled with N_TEN records through the API
 *    (batch creates, unpaced), then fetched into a HangarRecordList.
 * 4. The request log's cost: N_LOG real requests (unpaced pages of a
 *    generated table) with the log attached, timing on the main thread
 *    what a finished request costs (the HangarRequestInfo and the log's
 *    handler: the entry, the hand-off of full batches to the worker);
 *    the same requests without the log, end to end; 100,000 entries
 *    appended in a row (main thread per entry, and how fast the worker
 *    writes them); and the database's size on disk for 10,000 entries.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

#include <glib/gstdio.h>
#include <malloc.h>

#include "hangar-request-log.h"

static gint64
rss_bytes (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  if (line == NULL)
    return 0;
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10) * 1024;
}

/* Bytes the heap hands out right now (glibc): exact, unlike RSS, which
 * fragmentation and earlier frees blur. */
static gint64
heap_in_use (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (gint64) (info.uordblks + info.hblkhd);
}

static HangarRecordList *
fetch_all (HangarClient *client,
           const char   *base_id,
           double       *seconds)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  HangarRecordList *list = hangar_record_list_new (client, base_id, "Records", NULL);
  gint64 start = g_get_monotonic_time ();

  hangar_record_list_load_all_async (list, NULL, hangar_test_wait_cb, wait);
  if (!hangar_record_list_load_all_finish (list, hangar_test_wait_run (wait), &error))
    g_error ("fetch failed: %s", error->message);
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return list;
}

static void
paced (guint n)
{
  g_autofree char *spec = g_strdup_printf ("Bench:%u", n);
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--quiet", "--generate", spec, NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, hangar_scheduler_get_default (), TRUE);
  g_autofree char *base_id = tc_find_base (client, "Bench");
  g_autoptr(HangarRecordList) list = NULL;
  double seconds = 0, rate;

  /* let the meta calls' slot pass so the fetch starts from a quiet base */
  hangar_test_run_for (300);
  list = fetch_all (client, base_id, &seconds);
  rate = g_list_model_get_n_items (G_LIST_MODEL (list)) / seconds;
  g_print ("1. paced fetch, default sandbox limits\n");
  g_print ("   records            %u (%u pages)\n", g_list_model_get_n_items (G_LIST_MODEL (list)),
           hangar_record_list_get_n_pages (list));
  g_print ("   time               %.2f s\n", seconds);
  g_print ("   throughput         %.1f records/s = %.1f %% of the 500 records/s ceiling\n", rate, rate / 5.0);
  g_print ("   429 answers        %" G_GINT64_FORMAT " (sandbox rate_limited counter %" G_GINT64_FORMAT ")\n",
           hangar_test_sandbox_stat (sandbox, "by_status.429"),
           hangar_test_sandbox_stat (sandbox, "rate_limited"));
}

static void
unpaced (guint n)
{
  g_autofree char *spec = g_strdup_printf ("Big:%u", n);
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--quiet", "--no-rate-limit", "--generate", spec, NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, "Big");
  g_autoptr(HangarRecordList) list = NULL;
  gint64 rss_before, rss_after, heap_before, heap_after;
  double seconds = 0;
  guint got;

  malloc_trim (0);
  rss_before = rss_bytes ();
  heap_before = heap_in_use ();
  list = fetch_all (client, base_id, &seconds);
  got = g_list_model_get_n_items (G_LIST_MODEL (list));
  heap_after = heap_in_use ();
  malloc_trim (0);
  rss_after = rss_bytes ();

  g_print ("2. unpaced fetch (sandbox --no-rate-limit, client pacing off)\n");
  g_print ("   records            %u (%u pages)\n", got, hangar_record_list_get_n_pages (list));
  g_print ("   time               %.2f s\n", seconds);
  g_print ("   throughput         %.0f records/s end to end\n", got / seconds);
  g_print ("   memory in model    %.0f bytes/record of heap (%+.1f MB for %u records; RSS %+.1f MB); "
           "7 fields, about 5.6 non-empty per record\n",
           (double) (heap_after - heap_before) / got, (heap_after - heap_before) / 1048576.0, got,
           (rss_after - rss_before) / 1048576.0);
}

static HangarRecordList *
fetch_table (HangarClient *client,
             const char   *base_id,
             const char   *table_id,
             double       *seconds)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  HangarRecordList *list = hangar_record_list_new (client, base_id, table_id, NULL);
  gint64 start = g_get_monotonic_time ();

  hangar_record_list_load_all_async (list, NULL, hangar_test_wait_cb, wait);
  if (!hangar_record_list_load_all_finish (list, hangar_test_wait_run (wait), &error))
    g_error ("fetch failed: %s", error->message);
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return list;
}

static void
ten_fields (guint n)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--quiet", "--no-rate-limit", NULL);
  g_autoptr(HangarClient) client = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (client, NULL);
  g_autoptr(JsonObject) spec = tc_object (
    "{\"name\": \"Ten\", \"fields\": ["
    "{\"name\": \"Name\", \"type\": \"singleLineText\"},"
    "{\"name\": \"Email\", \"type\": \"email\"},"
    "{\"name\": \"City\", \"type\": \"singleLineText\"},"
    "{\"name\": \"Phone\", \"type\": \"phoneNumber\"},"
    "{\"name\": \"Notes\", \"type\": \"multilineText\"},"
    "{\"name\": \"Amount\", \"type\": \"number\", \"options\": {\"precision\": 2}},"
    "{\"name\": \"Count\", \"type\": \"number\", \"options\": {\"precision\": 0}},"
    "{\"name\": \"Rating\", \"type\": \"rating\", \"options\": {\"icon\": \"star\", \"color\": \"yellowBright\", \"max\": 5}},"
    "{\"name\": \"Due\", \"type\": \"date\", \"options\": {\"dateFormat\": {\"name\": \"iso\"}}},"
    "{\"name\": \"Stage\", \"type\": \"singleSelect\", \"options\": {\"choices\": [{\"name\": \"Todo\"}, {\"name\": \"Doing\"}, {\"name\": \"Done\"}]}}"
    "]}");
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(HangarTable) table = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(HangarBatchResult) result = NULL;
  g_autoptr(HangarRecordList) list = NULL;
  g_autoptr(GError) error = NULL;
  const char *stages[] = { "Todo", "Doing", "Done" };
  gint64 rss_before, rss_after, heap_before, heap_after, start;
  double seconds = 0, fill_seconds;
  guint got;

  hangar_client_create_table_async (client, base_id, spec, NULL, hangar_test_wait_cb, wait);
  table = hangar_client_create_table_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *f = json_object_new ();
      g_autofree char *name = g_strdup_printf ("Person number %u", i);
      g_autofree char *email = g_strdup_printf ("person%u@example.com", i);
      g_autofree char *phone = g_strdup_printf ("+33 1 23 45 %02u %02u", i % 100, (i / 100) % 100);
      g_autofree char *due = g_strdup_printf ("2026-%02u-%02u", 1 + i % 12, 1 + i % 28);

      json_object_set_string_member (f, "Name", name);
      json_object_set_string_member (f, "Email", email);
      json_object_set_string_member (f, "City", i % 2 ? "Lyon" : "Marseille");
      json_object_set_string_member (f, "Phone", phone);
      json_object_set_string_member (f, "Notes", "A short note about this person.");
      json_object_set_double_member (f, "Amount", i * 1.25);
      json_object_set_int_member (f, "Count", i);
      json_object_set_int_member (f, "Rating", 1 + i % 5);
      json_object_set_string_member (f, "Due", due);
      json_object_set_string_member (f, "Stage", stages[i % 3]);
      g_ptr_array_add (fields, f);
    }
  start = g_get_monotonic_time ();
  hangar_client_create_records_async (client, base_id, hangar_table_get_id (table), fields,
                                      HANGAR_WRITE_NONE, NULL, hangar_test_wait_cb, wait);
  result = hangar_client_create_records_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  fill_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (!hangar_batch_result_is_complete (result))
    g_error ("fill failed: %s", hangar_batch_result_get_error (result)->message);
  g_clear_object (&result);
  g_ptr_array_set_size (fields, 0);

  malloc_trim (0);
  rss_before = rss_bytes ();
  heap_before = heap_in_use ();
  list = fetch_table (client, base_id, hangar_table_get_id (table), &seconds);
  got = g_list_model_get_n_items (G_LIST_MODEL (list));
  heap_after = heap_in_use ();
  malloc_trim (0);
  rss_after = rss_bytes ();

  /* HangarRecord keeps its cells as compact JSON text until first read:
   * also measure after every record's fields were read once. */
  for (guint i = 0; i < got; i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (list), i);

      hangar_record_get_fields (record);
    }

  g_print ("3. 10-field records (filled through the API, unpaced)\n");
  g_print ("   batch create       %u records in %u requests, %.2f s (%.0f records/s)\n",
           n, (n + 9) / 10, fill_seconds, n / fill_seconds);
  g_print ("   fetch              %u records in %.2f s (%.0f records/s)\n", got, seconds, got / seconds);
  g_print ("   memory in model    %.0f bytes/record of heap (%+.1f MB for %u records, 10 non-empty cells each; RSS %+.1f MB)\n",
           (double) (heap_after - heap_before) / got, (heap_after - heap_before) / 1048576.0, got,
           (rss_after - rss_before) / 1048576.0);
  g_print ("   after reading      %.0f bytes/record of heap once every record's cells were parsed\n",
           (double) (heap_in_use () - heap_before) / got);
}

typedef struct
{
  gint64 started;
  gint64 total_us;
  guint  n;
} HandlerClock;

static void
clock_start_cb (HangarClient      *client,
                HangarRequestInfo *info,
                HandlerClock      *clock)
{
  clock->started = g_get_monotonic_time ();
}

static void
clock_stop_cb (HangarClient      *client,
               HangarRequestInfo *info,
               HandlerClock      *clock)
{
  clock->total_us += g_get_monotonic_time () - clock->started;
  clock->n++;
}

/* Pages of @table until @n requests were made (starting over at the end). */
static double
make_requests (HangarClient *client,
               const char   *base_id,
               guint         n)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autofree char *offset = NULL;
  gint64 start = g_get_monotonic_time ();

  hangar_list_options_set_page_size (options, 10);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) page = NULL;
      g_autoptr(GError) error = NULL;
      char *next = NULL;

      hangar_client_list_records_page_async (client, base_id, "Records", options, offset, NULL,
                                             hangar_test_wait_cb, wait);
      page = hangar_client_list_records_page_finish (client, hangar_test_wait_run (wait), &next, &error);
      if (page == NULL)
        g_error ("request failed: %s", error->message);
      g_free (offset);
      offset = next;
    }
  return (g_get_monotonic_time () - start) / (double) n;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

static void
request_log (guint n)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--quiet", "--no-rate-limit", "--generate", "Log:2000", NULL);
  g_autoptr(HangarClient) plain = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autoptr(HangarClient) logged = tc_client_new (sandbox, NULL, NULL, FALSE);
  g_autofree char *base_id = tc_find_base (plain, "Log");
  g_autoptr(HangarRequestLog) log = NULL;
  g_autoptr(HangarRequestLog) disk = NULL;
  g_autoptr(HangarStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *disk_path = NULL;
  g_autofree char *wal_path = NULL;
  HandlerClock clock = { 0 };
  double plain_us, logged_us, append_us, write_s;
  gint64 start;
  const guint n_append = 100000;

  /* Timestamps around the log's own handler: before it and after it. */
  g_signal_connect (logged, "request-finished", G_CALLBACK (clock_start_cb), &clock);
  if (!hangar_request_log_attach (logged, "accbench000000001", "app", &error))
    g_error ("%s", error->message);
  g_signal_connect_after (logged, "request-finished", G_CALLBACK (clock_stop_cb), &clock);
  log = hangar_request_log_get_for_account ("accbench000000001", &error);

  /* Warm both up (connections, caches), then alternate. */
  make_requests (plain, base_id, 50);
  make_requests (logged, base_id, 50);
  clock.total_us = 0;
  clock.n = 0;
  plain_us = make_requests (plain, base_id, n);
  logged_us = make_requests (logged, base_id, n);
  if (!hangar_request_log_flush (log, &error))
    g_error ("%s", error->message);

  g_print ("4. request log (%u unpaced requests each, 10-record pages)\n", n);
  g_print ("   log handler        %.1f us per request on the main thread (entry, path, batch hand-off)\n",
           clock.total_us / (double) MAX (clock.n, 1));
  g_print ("   end to end         %.0f us per request without the log, %.0f us with it (%+.0f us; network noise included)\n",
           plain_us, logged_us, logged_us - plain_us);

  /* What every finished request builds, observed or not. */
  {
    g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
    g_autoptr(GBytes) body = g_bytes_new_static ("{}", 2);

    start = g_get_monotonic_time ();
    for (guint i = 0; i < n_append; i++)
      hangar_request_info_unref (_hangar_request_info_new ("GET", "/v0/appAbCdEfGhIjKlMn0/tblAbCdEfGhIjKlMn",
                                                           "pageSize=10&offset=itrAbC%2FrecXyZ", "appAbCdEfGhIjKlMn0",
                                                           g_get_real_time (), 48213, 0, 0, 200, NULL, headers, body));
    g_print ("   request info       %.2f us per request (built for every request, observed or not)\n",
             (g_get_monotonic_time () - start) / (double) n_append);
  }

  /* Appending alone, as fast as the main thread can. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_append; i++)
    hangar_request_log_append (log, hangar_request_log_entry_new (g_get_real_time () / 1000, "app", "GET",
                                                                  "/v0/appAbCdEfGhIjKlMn0/tblAbCdEfGhIjKlMn?pageSize&offset",
                                                                  "appAbCdEfGhIjKlMn0", 200, 48213, 0, 0, NULL));
  append_us = (g_get_monotonic_time () - start) / (double) n_append;
  if (!hangar_request_log_flush (log, &error))
    g_error ("%s", error->message);
  write_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_print ("   appending          %.2f us per entry on the main thread; %u entries written in %.2f s (%.0f/s)\n",
           append_us, n_append, write_s, n_append / write_s);

  /* Size on disk: exactly 10,000 typical rows, the WAL folded in. */
  disk_path = g_build_filename (g_get_user_data_dir (), "bench-log", "state.sqlite", NULL);
  wal_path = g_strconcat (disk_path, "-wal", NULL);
  disk = hangar_request_log_new_for_path (disk_path, &error);
  if (disk == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < HANGAR_REQUEST_LOG_CAPACITY; i++)
    {
      g_autofree char *path = i % 3 == 0 ? g_strdup_printf ("/v0/appAbCdEfGhIjKlMn0/tblAbCdEfGhIjKlMn?pageSize&offset")
                            : i % 3 == 1 ? g_strdup_printf ("/v0/appAbCdEfGhIjKlMn0/tblAbCdEfGhIjKlMn/rec%014u", i)
                            : g_strdup ("/v0/meta/bases/appAbCdEfGhIjKlMn0/tables");

      hangar_request_log_append (disk, hangar_request_log_entry_new (g_get_real_time () / 1000 + i, "app",
                                                                     i % 3 == 1 ? "PATCH" : "GET", path,
                                                                     "appAbCdEfGhIjKlMn0", i % 50 == 0 ? 422 : 200,
                                                                     20000 + i, i % 7 == 0 ? 150000 : 0, i % 20 == 0,
                                                                     i % 50 == 0 ? "INVALID_VALUE_FOR_COLUMN" : NULL));
    }
  if (!hangar_request_log_flush (disk, &error))
    g_error ("%s", error->message);
  store = hangar_store_open (disk_path, HANGAR_STORE_STATE, &error);
  if (store == NULL || !hangar_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", &error))
    g_error ("%s", error->message);
  g_print ("   on disk            %.0f KiB for %u entries (%.0f bytes/entry; WAL %" G_GINT64_FORMAT " bytes after checkpoint)\n",
           file_size (disk_path) / 1024.0, HANGAR_REQUEST_LOG_CAPACITY,
           file_size (disk_path) / (double) HANGAR_REQUEST_LOG_CAPACITY, file_size (wal_path));
}

int
main (int   argc,
      char *argv[])
{
  guint n_paced = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 5000;
  guint n_unpaced = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 100000;
  guint n_ten = argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 20000;
  guint n_log = argc > 4 ? (guint) g_ascii_strtoull (argv[4], NULL, 10) : 2000;

  hangar_test_isolate_home ();
  if (n_paced > 0)
    paced (n_paced);
  if (n_unpaced > 0)
    unpaced (n_unpaced);
  if (n_ten > 0)
    ten_fields (n_ten);
  if (n_log > 0)
    request_log (n_log);
  return 0;
}
