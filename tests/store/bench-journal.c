/* bench-journal.c — a paste of ROWS × 5 cells into a table of TABLE
 * records, through the edit journal, until every write is on the server.
 * Not a test: it prints figures and asserts no timing.
 *
 * The sandbox runs with its default rate limits (5 requests/s per base);
 * the ceiling is 10 records a request at 5 requests/s = 50 records/s. The
 * grid's paste builds exactly this: one group of updates, one per record,
 * handed to hangar_journal_submit().
 *
 * Usage: HANGAR_SANDBOX=_build/src/sandbox/hangar-sandbox \
 *          _build/tests/store/bench-journal [ROWS] [TABLE]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "hangar-api.h"
#include "hangar-auth.h"
#include "hangar-journal.h"
#include "hangar-store.h"
#include "hangar-test.h"
#include "test-journal-common.h"

#define CEILING_RECORDS_PER_S 50.0

/* The first @rows ids in Row order, a page each 250 ms: under the
 * sandbox's 5 requests/s, so the write budget starts untouched. */
static GPtrArray *
first_ids (HangarTestSandbox *sandbox,
           const char        *base_id,
           guint              rows)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *offset = NULL;

  do
    {
      g_autofree char *escaped = offset != NULL ? g_uri_escape_string (offset, NULL, TRUE) : NULL;
      g_autofree char *path = g_strdup_printf ("/v0/%s/%s?sort%%5B0%%5D%%5Bfield%%5D=Row&maxRecords=%u%s%s",
                                               base_id, JOURNAL_TEST_TABLE, rows,
                                               escaped != NULL ? "&offset=" : "", escaped != NULL ? escaped : "");
      g_autoptr(JsonNode) page = hangar_test_sandbox_get (sandbox, path);
      JsonArray *records = json_object_get_array_member (json_node_get_object (page), "records");

      for (guint i = 0; i < json_array_get_length (records); i++)
        g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (records, i),
                                                                        "id")));
      g_clear_pointer (&offset, g_free);
      offset = g_strdup (json_object_get_string_member_with_default (json_node_get_object (page), "offset", NULL));
      g_usleep (250 * 1000);
    }
  while (offset != NULL);
  return ids;
}

static gboolean
idle_done (gpointer data)
{
  return *(gboolean *) data;
}

static void
idle_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hangar_journal_wait_idle_finish (HANGAR_JOURNAL (source), result, &error))
    g_error ("waiting for the journal: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  guint rows = argc > 1 ? (guint) atoi (argv[1]) : 1000;
  guint table = argc > 2 ? (guint) atoi (argv[2]) : 10000;
  g_autofree char *spec = g_strdup_printf ("%s:%u", JOURNAL_TEST_BASE_NAME, table);
  const char *args[] = { "--quiet", "--generate", spec, NULL };
  g_autofree char *path = NULL;
  g_autofree char *base_id = NULL;
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarStore) store = NULL;
  g_autoptr(HangarJournal) journal = NULL;
  g_autoptr(HangarJournalGroup) group = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  HangarTestSandbox *sandbox;
  gint64 requests_before, limited_before, t0, t_submitted, t_done;
  gboolean done = FALSE;
  double seconds, rate;

  hangar_test_isolate_home ();
  if (rows == 0 || table < rows)
    g_error ("usage: bench-journal [ROWS] [TABLE] with 0 < ROWS ≤ TABLE");

  g_print ("Starting the sandbox with %u records (default rate limits)…\n", table);
  sandbox = hangar_test_sandbox_startv (args);
  base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, JOURNAL_TEST_BASE_NAME);
  ids = first_ids (sandbox, base_id, rows);
  g_assert_cmpuint (ids->len, ==, rows);

  source = hangar_static_token_source_new (sandbox->pat);
  client = hangar_client_new (sandbox->url, source);
  path = g_build_filename (g_get_user_data_dir (), "bench", "state.sqlite", NULL);
  store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  journal = hangar_journal_new (store, client, &error);
  g_assert_no_error (error);

  /* The paste: five cells a row (text, number, select, long text, checkbox). */
  group = hangar_journal_group_new ("Paste");
  for (guint i = 0; i < rows; i++)
    {
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autofree char *name = g_strdup_printf ("pasted %u", i);
      g_autofree char *notes = g_strdup_printf ("Pasted line %u\nof the bench", i);

      json_object_set_string_member (fields, "Name", name);
      json_object_set_double_member (fields, "Number", i * 1.5);
      json_object_set_string_member (fields, "Category", (i % 2) ? "Alpha" : "Beta");
      json_object_set_string_member (fields, "Notes", notes);
      json_object_set_boolean_member (fields, "Done", i % 3 == 0);
      hangar_journal_group_add_update (group, base_id, JOURNAL_TEST_TABLE, g_ptr_array_index (ids, i),
                                       fields, NULL, FALSE);
    }

  requests_before = hangar_test_sandbox_stat (sandbox, "requests");
  limited_before = hangar_test_sandbox_stat (sandbox, "rate_limited");
  t0 = g_get_monotonic_time ();
  hangar_journal_submit (journal, group);
  t_submitted = g_get_monotonic_time ();
  hangar_journal_wait_idle_async (journal, NULL, idle_cb, &done);
  hangar_test_wait_until (idle_done, &done, "every write to be on the server");
  t_done = g_get_monotonic_time ();

  requests_before = hangar_test_sandbox_stat (sandbox, "requests") - requests_before;
  limited_before = hangar_test_sandbox_stat (sandbox, "rate_limited") - limited_before;
  g_assert_cmpuint (hangar_journal_count (journal, HANGAR_CHANGE_WRITTEN), ==, rows);
  g_usleep (G_USEC_PER_SEC);
  found = first_ids (sandbox, base_id, rows);
  {
    /* Each of them holds its pasted name. */
    guint pasted = 0;

    for (guint i = 0; i < found->len; i++)
      {
        g_autofree char *record = g_strdup_printf ("/v0/%s/%s/%s", base_id, JOURNAL_TEST_TABLE,
                                                   (char *) g_ptr_array_index (found, i));
        g_autofree char *want = g_strdup_printf ("pasted %u", i);
        g_autoptr(JsonNode) node = NULL;

        if (i % 100 != 0)
          continue;   /* a sample, at the sandbox's pace */
        node = hangar_test_sandbox_get (sandbox, record);
        pasted += g_strcmp0 (json_object_get_string_member_with_default (
                               json_object_get_object_member (json_node_get_object (node), "fields"), "Name", ""),
                             want) == 0;
        g_usleep (250 * 1000);
      }
    g_print ("\n%u of %u sampled records hold their pasted name\n", pasted, (found->len + 99) / 100);
  }
  seconds = (t_done - t0) / (double) G_USEC_PER_SEC;
  rate = rows / seconds;
  g_print ("\npaste of %u × 5 cells into a %u-record table, default sandbox limits\n", rows, table);
  g_print ("  journalled (one transaction, on the main thread): %.1f ms\n", (t_submitted - t0) / 1000.0);
  g_print ("  every write on the server after:                  %.2f s\n", seconds);
  g_print ("  requests: %" G_GINT64_FORMAT ", of which answered 429: %" G_GINT64_FORMAT "\n",
           requests_before, limited_before);
  g_print ("  throughput: %.1f records/s = %.1f %% of the %.0f records/s ceiling (10 a request × 5 requests/s)\n",
           rate, 100.0 * rate / CEILING_RECORDS_PER_S, CEILING_RECORDS_PER_S);

  g_clear_object (&journal);
  hangar_test_sandbox_stop (sandbox);
  return 0;
}
