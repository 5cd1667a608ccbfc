/* journal-driver.c — a process that journals and sends edits, for
 * test-journal-kill, which kills it (SIGKILL) at chosen moments and runs it
 * again to see that nothing was lost and nothing created twice.
 *
 *   journal-driver STATE_DB journal PREFIX N_CREATES N_UPDATES hold|send
 *   journal-driver STATE_DB resume
 *
 * The sandbox's URL and base id come from JOURNAL_DRIVER_URL and
 * JOURNAL_DRIVER_BASE, its token from JOURNAL_DRIVER_TOKEN (never the
 * command line). "journal" lists the first N_UPDATES records of the table
 * (by Row), prints "ready" and waits for a line on stdin (the test sets up
 * its faults meanwhile); then journals one group of N_CREATES creates (Name
 * PREFIX-c-I) and one of N_UPDATES updates (Notes PREFIX-u-I) and prints
 * "journalled N" once both are on disk. With "hold" it then waits to be
 * killed, sending nothing; with "send" it prints "sending N" and
 * "written N" as the journal goes and "idle" at the end. "resume" opens
 * the journal (recovery), looks up every uncertain create, creates again
 * the ones Airtable does not have, and prints "idle written=… failed=…
 * uncertain=…" when nothing is left to send.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hangar-client.h"
#include "hangar-journal.h"
#include "hangar-store.h"
#include "test-journal-common.h"

static guint n_written;
static guint last_sending;

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static G_NORETURN void
die (const char *what,
     GError     *error)
{
  g_printerr ("journal-driver: %s: %s\n", what, error != NULL ? error->message : "failed");
  exit (1);
}

static void
written_cb (HangarJournal       *journal,
            HangarJournalChange *change,
            HangarRecord        *record,
            gpointer             data)
{
  say ("written %u", ++n_written);
}

static void
sending_cb (HangarJournal *journal,
            GParamSpec    *pspec,
            gpointer       data)
{
  guint n = hangar_journal_count (journal, HANGAR_CHANGE_SENDING);

  if (n > last_sending)
    say ("sending %u", n);
  last_sending = n;
}

static GPtrArray *
first_ids (HangarClient *client,
           const char   *base_id,
           guint         n)
{
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  hangar_list_options_add_sort (options, "Row", FALSE);
  hangar_list_options_set_max_records (options, n);
  hangar_client_list_records_async (client, base_id, JOURNAL_TEST_TABLE, options, NULL,
                                    hangar_test_result_cb, &result);
  records = hangar_client_list_records_finish (client, hangar_test_wait_result (&result), &error);
  if (records == NULL)
    die ("listing records", error);
  for (guint i = 0; i < records->len && i < n; i++)
    g_ptr_array_add (ids, g_strdup (hangar_record_get_id (g_ptr_array_index (records, i))));
  return ids;
}

static gboolean
all_persisted (gpointer data)
{
  GPtrArray *groups = data;

  for (guint g = 0; g < groups->len; g++)
    {
      GPtrArray *changes = hangar_journal_group_get_changes (g_ptr_array_index (groups, g));

      for (guint i = 0; i < changes->len; i++)
        if (!hangar_journal_change_get_persisted (g_ptr_array_index (changes, i)))
          return FALSE;
    }
  return TRUE;
}

static void
wait_idle (HangarJournal *journal)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hangar_journal_wait_idle_async (journal, NULL, hangar_test_result_cb, &result);
  if (!hangar_journal_wait_idle_finish (journal, hangar_test_wait_result (&result), &error))
    die ("waiting", error);
}

static int
run_journal (HangarJournal *journal,
             HangarClient  *client,
             const char    *base_id,
             const char    *prefix,
             guint          n_creates,
             guint          n_updates,
             gboolean       hold)
{
  g_autoptr(GPtrArray) ids = first_ids (client, base_id, n_updates);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HangarJournalGroup) creates = hangar_journal_group_new ("Paste new rows");
  g_autoptr(HangarJournalGroup) updates = hangar_journal_group_new ("Paste cells");
  char line[64];

  say ("ready");
  if (fgets (line, sizeof line, stdin) == NULL)
    return 1;

  if (hold)
    hangar_journal_set_sending (journal, FALSE);
  for (guint i = 0; i < n_creates; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-c-%u", prefix, i);
      g_autoptr(JsonObject) fields = journal_test_fields ("Name", name, "Notes", "created by the driver", NULL);

      hangar_journal_group_add_create (creates, base_id, JOURNAL_TEST_TABLE, fields, FALSE);
    }
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *notes = g_strdup_printf ("%s-u-%u", prefix, i);
      g_autoptr(JsonObject) fields = journal_test_fields ("Notes", notes, NULL);

      hangar_journal_group_add_update (updates, base_id, JOURNAL_TEST_TABLE, g_ptr_array_index (ids, i),
                                       fields, NULL, FALSE);
    }
  g_ptr_array_add (groups, g_object_ref (creates));
  g_ptr_array_add (groups, g_object_ref (updates));
  hangar_journal_submit (journal, creates);
  hangar_journal_submit (journal, updates);
  hangar_test_wait_until (all_persisted, groups, "the edits to be on disk");
  say ("journalled %u", n_creates + ids->len);

  if (hold)
    {
      /* Killed here: journalled, nothing sent. */
      GMainLoop *loop = g_main_loop_new (NULL, FALSE);

      g_main_loop_run (loop);
      return 0;
    }
  wait_idle (journal);
  say ("idle written=%u", n_written);
  return 0;
}

typedef struct
{
  HangarJournal *journal;
  guint          pending_lookups;
} Resume;

static void
lookup_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(HangarJournalChange) change = user_data;
  Resume *resume = g_object_get_data (G_OBJECT (change), "driver-resume");
  g_autoptr(GError) error = NULL;
  HangarLookupResult found = hangar_journal_lookup_finish (HANGAR_JOURNAL (source), res, NULL, &error);

  resume->pending_lookups--;
  if (error != NULL)
    {
      say ("lookup-failed %s", error->message);
      return;
    }
  switch (found)
    {
    case HANGAR_LOOKUP_FOUND:
      say ("lookup found");
      break;
    case HANGAR_LOOKUP_NOT_FOUND:
      /* The user's decision, here made by the driver: create it again. */
      say ("lookup not-found");
      if (!hangar_journal_retry (resume->journal, change, &error))
        die ("retrying", error);
      break;
    case HANGAR_LOOKUP_AMBIGUOUS:
    case HANGAR_LOOKUP_CANNOT_TELL:
    default:
      if (hangar_journal_change_get_state (change) == HANGAR_CHANGE_UNCERTAIN)
        say ("lookup undecided %s", hangar_journal_change_get_message (change));
      break;
    }
}

static gboolean
lookups_done (gpointer data)
{
  Resume *resume = data;

  return resume->pending_lookups == 0;
}

static int
run_resume (HangarJournal *journal)
{
  GListModel *changes = hangar_journal_get_changes (journal);
  Resume resume = { journal, 0 };

  say ("resumed pending=%u uncertain=%u", hangar_journal_count (journal, HANGAR_CHANGE_PENDING),
       hangar_journal_count (journal, HANGAR_CHANGE_UNCERTAIN));
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr(HangarJournalChange) change = g_list_model_get_item (changes, i);

      if (hangar_journal_change_get_kind (change) != HANGAR_CHANGE_CREATE ||
          hangar_journal_change_get_state (change) != HANGAR_CHANGE_UNCERTAIN)
        continue;
      resume.pending_lookups++;
      g_object_set_data (G_OBJECT (change), "driver-resume", &resume);
      hangar_journal_lookup_async (journal, change, NULL, lookup_cb, g_object_ref (change));
    }
  hangar_test_wait_until (lookups_done, &resume, "the lookups of uncertain creates");
  wait_idle (journal);
  say ("idle written=%u failed=%u uncertain=%u", n_written,
       hangar_journal_count (journal, HANGAR_CHANGE_FAILED),
       hangar_journal_count (journal, HANGAR_CHANGE_UNCERTAIN));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  const char *url = g_getenv ("JOURNAL_DRIVER_URL");
  const char *token = g_getenv ("JOURNAL_DRIVER_TOKEN");
  const char *base_id = g_getenv ("JOURNAL_DRIVER_BASE");
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(HangarClient) client = NULL;
  g_autoptr(HangarStore) store = NULL;
  g_autoptr(HangarJournal) journal = NULL;
  g_autoptr(GError) error = NULL;

  if (argc < 3 || url == NULL || token == NULL || base_id == NULL)
    {
      g_printerr ("usage: journal-driver STATE_DB journal PREFIX N_CREATES N_UPDATES hold|send\n"
                  "       journal-driver STATE_DB resume\n"
                  "(with JOURNAL_DRIVER_URL, JOURNAL_DRIVER_TOKEN and JOURNAL_DRIVER_BASE set)\n");
      return 2;
    }

  source = hangar_static_token_source_new (token);
  client = hangar_client_new (url, source);
  store = hangar_store_open (argv[1], HANGAR_STORE_STATE, &error);
  if (store == NULL)
    die ("opening the state database", error);
  journal = hangar_journal_new (store, client, &error);
  if (journal == NULL)
    die ("opening the journal", error);
  if (!hangar_journal_get_is_sender (journal))
    die ("opening the journal", NULL);
  g_signal_connect (journal, "record-written", G_CALLBACK (written_cb), NULL);
  g_signal_connect (journal, "notify::n-sending", G_CALLBACK (sending_cb), NULL);

  if (g_str_equal (argv[2], "journal") && argc == 7)
    return run_journal (journal, client, base_id, argv[3], atoi (argv[4]), atoi (argv[5]),
                        g_str_equal (argv[6], "hold"));
  if (g_str_equal (argv[2], "resume"))
    return run_resume (journal);
  g_printerr ("journal-driver: unknown mode %s\n", argv[2]);
  return 2;
}
