/* bench-client.c — figures for the client (prints, asserts nothing)
 *
 *   ninja -C build tests/api/bench-client
 *   HANGAR_SANDBOX=build/src/sandbox/hangar-sandbox G_SLICE=always-malloc build/tests/api/bench-client [N_PACED] [N_UNPACED] [N_TEN]
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
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-client-common.h"

#include <malloc.h>

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

int
main (int   argc,
      char *argv[])
{
  guint n_paced = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 5000;
  guint n_unpaced = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 100000;
  guint n_ten = argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 20000;

  hangar_test_isolate_home ();
  if (n_paced > 0)
    paced (n_paced);
  if (n_unpaced > 0)
    unpaced (n_unpaced);
  if (n_ten > 0)
    ten_fields (n_ten);
  return 0;
}
