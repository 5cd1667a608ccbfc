/* bench-client.c — figures for the client (prints, asserts nothing)
 *
 *   ninja -C build tests/api/bench-client
 *   HANGAR_SANDBOX=build/src/sandbox/hangar-sandbox build/tests/api/bench-client [N_PACED] [N_UNPACED]
 *
 * 1. Paced full fetch of a generated 5,000-record table with the sandbox's
 *    default rate limits (5 req/s per base): records/s against the
 *    500 records/s ceiling (100 records per page × 5 pages/s), and how many
 *    429s the sandbox sent.
 * 2. Unpaced fetch (sandbox --no-rate-limit, client pacing off) of a
 *    generated 100,000-record table into a HangarRecordList: records/s end to
 *    end, and memory per record held in the model (RSS delta / n, after
 *    malloc_trim so freed parser memory is not counted).
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

static HangarRecordList *
fetch_all (HangarClient *client,
           const char   *base_id,
           double       *seconds)
{
  g_autoptr(TcWait) wait = tc_wait_new ();
  g_autoptr(GError) error = NULL;
  HangarRecordList *list = hangar_record_list_new (client, base_id, "Records", NULL);
  gint64 start = g_get_monotonic_time ();

  hangar_record_list_load_all_async (list, NULL, tc_wait_cb, wait);
  if (!hangar_record_list_load_all_finish (list, tc_wait_run (wait), &error))
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
  tc_spin (300);
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
  gint64 rss_before, rss_after;
  double seconds = 0;
  guint got;

  malloc_trim (0);
  rss_before = rss_bytes ();
  list = fetch_all (client, base_id, &seconds);
  got = g_list_model_get_n_items (G_LIST_MODEL (list));
  malloc_trim (0);
  rss_after = rss_bytes ();

  g_print ("2. unpaced fetch (sandbox --no-rate-limit, client pacing off)\n");
  g_print ("   records            %u (%u pages)\n", got, hangar_record_list_get_n_pages (list));
  g_print ("   time               %.2f s\n", seconds);
  g_print ("   throughput         %.0f records/s end to end\n", got / seconds);
  g_print ("   memory in model    %.0f bytes/record (RSS %+.1f MB for %u records; 7 fields, ~6.4 set per record)\n",
           (double) (rss_after - rss_before) / got, (rss_after - rss_before) / 1048576.0, got);
}

int
main (int   argc,
      char *argv[])
{
  guint n_paced = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 5000;
  guint n_unpaced = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 100000;

  hangar_test_isolate_home ();
  if (n_paced > 0)
    paced (n_paced);
  if (n_unpaced > 0)
    unpaced (n_unpaced);
  return 0;
}
