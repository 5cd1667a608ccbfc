/* test-journal.c — the edit journal against a real hangar-sandbox: batches
 * and merging, on disk before sent, order of one record's changes, faults
 * (5xx, dropped connections, broken answers, a 429 penalty), refusals,
 * conflicts, undo, crash recovery and the sender lock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-client.h"
#include "hangar-error.h"
#include "hangar-json.h"
#include "test-journal-common.h"

typedef struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  char              *base_id;
  char              *path;       /* the state database */
  HangarStore       *store;
  HangarJournal     *journal;
  GPtrArray         *ids;        /* the first records of the table */
} Fixture;

static guint path_counter;

/* ---- helpers ---- */

static void
wait_idle (HangarJournal *journal)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;

  hangar_journal_wait_idle_async (journal, NULL, hangar_test_wait_cb, wait);
  g_assert_true (hangar_journal_wait_idle_finish (journal, hangar_test_wait_run (wait), &error));
  g_assert_no_error (error);
}

static gboolean
change_settled_or_stuck (gpointer data)
{
  HangarJournalChange *change = data;
  HangarChangeState state = hangar_journal_change_get_state (change);

  return hangar_journal_change_get_persisted (change) &&
         (state == HANGAR_CHANGE_WRITTEN || state == HANGAR_CHANGE_FAILED || state == HANGAR_CHANGE_UNCERTAIN);
}

static void
wait_change (HangarJournalChange *change)
{
  hangar_test_wait_until (change_settled_or_stuck, change, "a change to be written, fail or be uncertain");
}

static gboolean
change_persisted (gpointer data)
{
  return hangar_journal_change_get_persisted (HANGAR_JOURNAL_CHANGE (data));
}

static JsonObject *
server_fields (Fixture    *fixture,
               const char *record_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", fixture->base_id, JOURNAL_TEST_TABLE, record_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (fixture->sandbox, path);

  return json_object_ref (json_object_get_object_member (json_node_get_object (node), "fields"));
}

static gboolean
server_has_record (Fixture    *fixture,
                   const char *record_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", fixture->base_id, JOURNAL_TEST_TABLE, record_id);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = hangar_test_sandbox_request (fixture->sandbox, "GET", path, fixture->sandbox->pat, NULL, &status);
  return status == 200;
}

static const char *
server_string (JsonObject *fields,
               const char *name)
{
  return json_object_get_string_member_with_default (fields, name, NULL);
}

/* How many records have Name = @name. */
static guint
count_named (Fixture    *fixture,
             const char *name)
{
  g_autofree char *formula = g_strdup_printf ("{Name}='%s'", name);
  g_autofree char *escaped = g_uri_escape_string (formula, NULL, TRUE);
  g_autofree char *query = g_strdup_printf ("filterByFormula=%s", escaped);
  g_autoptr(GPtrArray) ids = hangar_test_sandbox_list_ids (fixture->sandbox, fixture->base_id,
                                                           JOURNAL_TEST_TABLE, query);

  return ids->len;
}

static HangarJournal *
open_journal (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  HangarJournal *journal;

  journal = hangar_journal_new (fixture->store, fixture->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (journal);
  return journal;
}

static gint64
query_int (HangarStore *store,
           const char  *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStoreStmt) stmt = hangar_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* ---- fixture ---- */

static void
fixture_set_up_args (Fixture            *fixture,
                     const char * const *args)
{
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *query = g_strdup ("sort%5B0%5D%5Bfield%5D=Row&pageSize=100");

  fixture->sandbox = hangar_test_sandbox_startv (args);
  fixture->base_id = hangar_test_sandbox_base_id (fixture->sandbox, fixture->sandbox->pat, JOURNAL_TEST_BASE_NAME);
  g_assert_nonnull (fixture->base_id);
  source = hangar_static_token_source_new (fixture->sandbox->pat);
  fixture->client = hangar_client_new (fixture->sandbox->url, source);
  fixture->ids = hangar_test_sandbox_list_ids (fixture->sandbox, fixture->base_id, JOURNAL_TEST_TABLE, query);
  g_assert_cmpuint (fixture->ids->len, >=, 50);

  fixture->path = g_build_filename (g_get_user_data_dir (), "journal-test",
                                    g_strdup_printf ("%u", ++path_counter), "state.sqlite", NULL);
  fixture->store = hangar_store_open (fixture->path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  fixture->journal = open_journal (fixture);
  g_assert_true (hangar_journal_get_is_sender (fixture->journal));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--no-rate-limit", "--quiet", "--generate", JOURNAL_TEST_BASE_NAME ":200", NULL };

  fixture_set_up_args (fixture, args);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  HangarJournal *weak = fixture->journal;

  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  g_clear_object (&fixture->journal);
  /* Requests in flight hold it a moment; then it must go. */
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak, "the journal to be finalized");
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->ids, g_ptr_array_unref);
  g_free (fixture->base_id);
  g_free (fixture->path);
  hangar_test_sandbox_stop (fixture->sandbox);
}

static const char *
record_id (Fixture *fixture,
           guint    i)
{
  return g_ptr_array_index (fixture->ids, i);
}

/* ---- tests ---- */

typedef struct
{
  guint written;
  guint deleted;
} WrittenCount;

static void
written_cb (HangarJournal       *journal,
            HangarJournalChange *change,
            HangarRecord        *record,
            WrittenCount        *count)
{
  if (record != NULL)
    {
      count->written++;
      /* The server's answer, with its id. */
      g_assert_cmpstr (hangar_record_get_id (record), ==, hangar_journal_change_get_record_id (change));
    }
  else
    count->deleted++;
}

/* 25 creates go in 3 requests; 12 updates of 12 records and three edits
 * of a 13th (merged into one) in 2. */
static void
test_batches (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(HangarJournalGroup) creates = hangar_journal_group_new ("Paste 25 rows");
  g_autoptr(HangarJournalGroup) updates = hangar_journal_group_new ("Paste 12 cells");
  WrittenCount count = { 0, 0 };
  guint64 before;
  g_autoptr(JsonObject) one = NULL;
  gulong handler;

  handler = g_signal_connect (fixture->journal, "record-written", G_CALLBACK (written_cb), &count);

  /* Nothing goes while sending is off: the three edits of one record are
   * then in the journal together. */
  hangar_journal_set_sending (fixture->journal, FALSE);
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("batch-create-%u", i);
      g_autoptr(JsonObject) fields = journal_test_fields ("Name", name, "Category", "Alpha", NULL);

      hangar_journal_group_add_create (creates, fixture->base_id, JOURNAL_TEST_TABLE, fields, FALSE);
    }
  hangar_journal_submit (fixture->journal, creates);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *notes = g_strdup_printf ("batch-update-%u", i);
      g_autoptr(JsonObject) fields = journal_test_fields ("Notes", notes, NULL);
      g_autoptr(JsonObject) previous = journal_test_fields ("Notes", NULL, NULL);

      hangar_journal_group_add_update (updates, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, i),
                                       fields, previous, FALSE);
    }
  hangar_journal_submit (fixture->journal, updates);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(HangarJournalGroup) edit = hangar_journal_group_new ("Edit a cell");
      g_autoptr(JsonObject) fields = i == 1 ? journal_test_fields ("Category", "Beta", NULL)
                                            : journal_test_fields ("Name", i == 0 ? "first" : "merged-last", NULL);

      hangar_journal_group_add_update (edit, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 20),
                                       fields, NULL, FALSE);
      hangar_journal_submit (fixture->journal, edit);
    }
  g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_PENDING), ==, 25 + 12 + 3);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_journal_get_changes (fixture->journal)), ==, 40);

  before = hangar_client_get_n_requests (fixture->client);
  hangar_journal_set_sending (fixture->journal, TRUE);
  wait_idle (fixture->journal);

  /* 3 for the creates, 2 for the updates: the three edits of one record
   * went as one record of the second update batch. */
  g_assert_cmpuint (hangar_client_get_n_requests (fixture->client) - before, ==, 5);
  g_assert_cmpuint (count.written, ==, 40);
  g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_FAILED), ==, 0);
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("batch-create-%u", i);

      g_assert_cmpuint (count_named (fixture, name), ==, 1);
    }
  one = server_fields (fixture, record_id (fixture, 20));
  g_assert_cmpstr (server_string (one, "Name"), ==, "merged-last");
  g_assert_cmpstr (server_string (one, "Category"), ==, "Beta");
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(JsonObject) fields = server_fields (fixture, record_id (fixture, i));
      g_autofree char *notes = g_strdup_printf ("batch-update-%u", i);

      g_assert_cmpstr (server_string (fields, "Notes"), ==, notes);
    }
  /* Creates carry their real ids now. */
  for (guint i = 0; i < hangar_journal_group_get_n_changes (creates); i++)
    {
      HangarJournalChange *change = g_ptr_array_index (hangar_journal_group_get_changes (creates), i);

      g_assert_true (g_str_has_prefix (hangar_journal_change_get_record_id (change), "rec"));
      g_assert_true (g_str_has_prefix (hangar_journal_change_get_local_id (change), HANGAR_LOCAL_ID_PREFIX));
    }
  g_signal_handler_disconnect (fixture->journal, handler);
}

/* A change is on disk, as pending, before anything is sent; a journal
 * opened afresh (as after a restart) finds it and sends it. */
static void
test_durable_first (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(HangarJournalGroup) group = hangar_journal_group_new ("Edit Notes");
  g_autoptr(JsonObject) fields = journal_test_fields ("Notes", "durable", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) other = NULL;
  g_autoptr(JsonObject) server = NULL;
  HangarJournalChange *change;
  guint64 before = hangar_client_get_n_requests (fixture->client);

  hangar_journal_set_sending (fixture->journal, FALSE);
  change = hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 3),
                                            fields, NULL, FALSE);
  hangar_journal_submit (fixture->journal, group);
  /* Shown at once, written to disk on the worker thread. */
  g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_PENDING), ==, 1);
  hangar_test_wait_until (change_persisted, change, "the change to be on disk");

  /* Another connection (another process would use one) sees it. */
  other = hangar_store_open (fixture->path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (other, "SELECT count(*) FROM journal_change WHERE state = 0"), ==, 1);
  g_assert_cmpint (query_int (other, "SELECT count(*) FROM journal_group WHERE label = 'Edit Notes'"), ==, 1);
  g_assert_cmpuint (hangar_client_get_n_requests (fixture->client), ==, before);

  /* The journal goes away unsent; a new one sends it. */
  g_clear_object (&fixture->journal);
  fixture->journal = open_journal (fixture);
  g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_PENDING), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_journal_get_changes (fixture->journal)), ==, 1);
  {
    g_autoptr(HangarJournalChange) loaded = g_list_model_get_item (hangar_journal_get_changes (fixture->journal), 0);

    g_assert_cmpstr (hangar_journal_change_get_label (loaded), ==, "Edit Notes");
  }
  wait_idle (fixture->journal);
  server = server_fields (fixture, record_id (fixture, 3));
  g_assert_cmpstr (server_string (server, "Notes"), ==, "durable");
  g_assert_cmpint (query_int (other, "SELECT count(*) FROM journal_change WHERE state = 2"), ==, 1);
}

/* A new record, edited before Airtable answered, then deleted: each goes
 * in order, the edit into the create. */
static void
test_record_order (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(HangarJournalGroup) create = hangar_journal_group_new ("New record");
  g_autoptr(HangarJournalGroup) edit = hangar_journal_group_new ("Edit Name");
  g_autoptr(HangarJournalGroup) edit2 = hangar_journal_group_new ("Edit Notes");
  g_autoptr(HangarJournalGroup) remove = hangar_journal_group_new ("Delete record");
  g_autoptr(JsonObject) fields = journal_test_fields ("Name", "order-new", NULL);
  g_autoptr(JsonObject) rename = journal_test_fields ("Name", "order-renamed", NULL);
  g_autoptr(JsonObject) notes = journal_test_fields ("Notes", "order-notes", NULL);
  g_autoptr(GPtrArray) locals = NULL;
  HangarJournalChange *created;
  HangarJournalChange *edited;
  g_autofree char *local_id = NULL;
  g_autofree char *real_id = NULL;
  guint64 before = hangar_client_get_n_requests (fixture->client);

  /* Both journalled before the first is sent (otherwise the edit may
   * follow the answer to the create, as a second request). */
  hangar_journal_set_sending (fixture->journal, FALSE);
  created = hangar_journal_group_add_create (create, fixture->base_id, JOURNAL_TEST_TABLE, fields, FALSE);
  local_id = g_strdup (hangar_journal_change_get_record_id (created));
  g_assert_true (hangar_journal_is_local_id (local_id));
  hangar_journal_submit (fixture->journal, create);
  edited = hangar_journal_group_add_update (edit, fixture->base_id, JOURNAL_TEST_TABLE, local_id, rename, NULL, FALSE);
  hangar_journal_submit (fixture->journal, edit);
  hangar_test_wait_until (change_persisted, edited, "the edit to be on disk");

  /* The new record as the grid shows it meanwhile. */
  locals = hangar_journal_dup_local_records (fixture->journal, fixture->base_id, JOURNAL_TEST_TABLE);
  g_assert_cmpuint (locals->len, ==, 1);
  g_assert_cmpstr (json_node_get_string (hangar_record_get_field (g_ptr_array_index (locals, 0), "Name")), ==,
                   "order-renamed");

  hangar_journal_set_sending (fixture->journal, TRUE);
  wait_idle (fixture->journal);
  /* One request: the edit went into the create. */
  g_assert_cmpuint (hangar_client_get_n_requests (fixture->client) - before, ==, 1);
  real_id = g_strdup (hangar_journal_change_get_record_id (created));
  g_assert_true (g_str_has_prefix (real_id, "rec"));
  g_assert_cmpuint (count_named (fixture, "order-renamed"), ==, 1);
  g_assert_cmpuint (count_named (fixture, "order-new"), ==, 0);

  /* Later changes of it use the real id. */
  hangar_journal_group_add_update (edit2, fixture->base_id, JOURNAL_TEST_TABLE, real_id, notes, NULL, FALSE);
  hangar_journal_submit (fixture->journal, edit2);
  hangar_journal_group_add_delete (remove, fixture->base_id, JOURNAL_TEST_TABLE, real_id, NULL);
  hangar_journal_submit (fixture->journal, remove);
  wait_idle (fixture->journal);
  g_assert_false (server_has_record (fixture, real_id));
}

/* 503s and 500s on updates: retried (by the client, then by the journal
 * with backoff) until written. A connection dropped before an update's
 * answer: sent again. */
static void
test_faults_updates (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *faults[] = { "\"status\":503,\"retry_after\":0", "\"status\":500", "\"drop\":true",
                           "\"status\":502" };
  const guint counts[] = { 2, 4, 2, 3 };

  for (guint f = 0; f < G_N_ELEMENTS (faults); f++)
    {
      g_autoptr(HangarJournalGroup) group = hangar_journal_group_new ("Edit under faults");
      g_autofree char *body = g_strdup_printf ("{\"count\":%u,%s,\"path_prefix\":\"/v0/%s\"}",
                                               counts[f], faults[f], fixture->base_id);
      g_autofree char *value = g_strdup_printf ("fault-%u", f);
      g_autoptr(JsonObject) fields = journal_test_fields ("Notes", value, NULL);
      g_autoptr(JsonObject) server = NULL;
      HangarJournalChange *change;

      hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", body);
      change = hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE,
                                                record_id (fixture, 5 + f), fields, NULL, FALSE);
      hangar_journal_submit (fixture->journal, group);
      /* The journal's own backoff (1 s, 2 s, …) is real time. */
      wait_change (change);
      g_assert_cmpint (hangar_journal_change_get_state (change), ==, HANGAR_CHANGE_WRITTEN);
      server = server_fields (fixture, record_id (fixture, 5 + f));
      g_assert_cmpstr (server_string (server, "Notes"), ==, value);
      g_test_message ("%s ×%u: written after %u attempt(s)", faults[f], counts[f],
                      hangar_journal_change_get_attempts (change));
    }
  g_assert_cmpint (hangar_journal_get_pause (fixture->journal), ==, HANGAR_JOURNAL_PAUSE_NONE);
}

/* A create cut off before the server applied it (dropped, or a 500):
 * uncertain; the lookup finds nothing; sent again on the user's word:
 * exactly one record.
 * A create whose answer was broken (the server applied it): uncertain; the
 * lookup finds it: written, no duplicate. */
static void
test_faults_creates (Fixture       *fixture,
                     gconstpointer  data)
{
  struct { const char *fault; const char *name; HangarLookupResult expected; } cases[] = {
    { "\"drop\":true", "dropped-create", HANGAR_LOOKUP_NOT_FOUND },
    { "\"malformed\":true", "malformed-create", HANGAR_LOOKUP_FOUND },
    /* (the sandbox answers an injected 500 without applying the write) */
    { "\"status\":500", "failed-500-create", HANGAR_LOOKUP_NOT_FOUND },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(HangarJournalGroup) group = hangar_journal_group_new ("New record");
      g_autoptr(JsonObject) fields = journal_test_fields ("Name", cases[c].name, "Notes", "x", NULL);
      g_autofree char *body = g_strdup_printf ("{\"count\":1,%s,\"path_prefix\":\"/v0/%s\"}",
                                               cases[c].fault, fixture->base_id);
      g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *found_id = NULL;
      HangarJournalChange *change;
      HangarLookupResult found;

      hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", body);
      change = hangar_journal_group_add_create (group, fixture->base_id, JOURNAL_TEST_TABLE, fields, FALSE);
      hangar_journal_submit (fixture->journal, group);
      wait_change (change);
      g_assert_cmpint (hangar_journal_change_get_state (change), ==, HANGAR_CHANGE_UNCERTAIN);
      g_assert_nonnull (hangar_journal_change_get_message (change));
      g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_UNCERTAIN), ==, 1);
      /* Never re-sent blind: the journal is idle with it uncertain. */
      wait_idle (fixture->journal);
      g_assert_cmpint (hangar_journal_change_get_state (change), ==, HANGAR_CHANGE_UNCERTAIN);

      hangar_journal_lookup_async (fixture->journal, change, NULL, hangar_test_wait_cb, wait);
      found = hangar_journal_lookup_finish (fixture->journal, hangar_test_wait_run (wait), &found_id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (found, ==, cases[c].expected);
      if (found == HANGAR_LOOKUP_FOUND)
        {
          g_assert_cmpint (hangar_journal_change_get_state (change), ==, HANGAR_CHANGE_WRITTEN);
          g_assert_cmpstr (hangar_journal_change_get_record_id (change), ==, found_id);
        }
      else
        {
          g_assert_cmpint (hangar_journal_change_get_state (change), ==, HANGAR_CHANGE_UNCERTAIN);
          g_assert_nonnull (strstr (hangar_journal_change_get_message (change), "no such record"));
          g_assert_true (hangar_journal_change_get_not_found (change));
          g_assert_true (hangar_journal_retry (fixture->journal, change, &error));
          g_assert_no_error (error);
          wait_change (change);
          g_assert_cmpint (hangar_journal_change_get_state (change), ==, HANGAR_CHANGE_WRITTEN);
        }
      g_assert_cmpuint (count_named (fixture, cases[c].name), ==, 1);
      g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_UNCERTAIN), ==, 0);
    }
}

typedef struct
{
  gboolean saw_rate_limited;
} PauseSeen;

static void
pause_notify_cb (HangarJournal *journal,
                 GParamSpec    *pspec,
                 PauseSeen     *seen)
{
  if (hangar_journal_get_pause (journal) == HANGAR_JOURNAL_PAUSE_RATE_LIMITED)
    {
      seen->saw_rate_limited = TRUE;
      g_assert_cmpint (hangar_journal_get_paused_until (journal), >, 0);
    }
}

/* A 429: the base pauses (the journal shows it, with its end), the changes
 * wait, then go. */
static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(HangarJournalGroup) group = hangar_journal_group_new ("Paste 30 cells");
  g_autofree char *body = g_strdup_printf ("{\"count\":1,\"status\":429,\"path_prefix\":\"/v0/%s\"}", fixture->base_id);
  PauseSeen seen = { FALSE };
  gulong handler;

  hangar_scheduler_set_penalty_ms (hangar_client_get_scheduler (fixture->client), 1500);
  hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", body);
  handler = g_signal_connect (fixture->journal, "notify::pause", G_CALLBACK (pause_notify_cb), &seen);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *notes = g_strdup_printf ("rate-%u", i);
      g_autoptr(JsonObject) fields = journal_test_fields ("Notes", notes, NULL);

      hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, i),
                                       fields, NULL, FALSE);
    }
  hangar_journal_submit (fixture->journal, group);
  wait_idle (fixture->journal);
  g_signal_handler_disconnect (fixture->journal, handler);

  g_assert_true (seen.saw_rate_limited);
  g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_FAILED), ==, 0);
  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(JsonObject) fields = server_fields (fixture, record_id (fixture, i));
      g_autofree char *notes = g_strdup_printf ("rate-%u", i);

      g_assert_cmpstr (server_string (fields, "Notes"), ==, notes);
    }
  g_assert_cmpint (hangar_test_sandbox_stat (fixture->sandbox, "by_status.429"), ==, 1);
}

static void
refused_cb (HangarJournal       *journal,
            HangarJournalChange *change,
            const GError        *error,
            guint               *n)
{
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_PERMISSION_DENIED);
  (*n)++;
}

/* Airtable refuses: a bad value fails with Airtable's message, and its
 * batch-mates are written (each sent alone to find it); a 403 fails and is
 * reported; the failed change can be edited and sent again. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(HangarJournalGroup) group = hangar_journal_group_new ("Paste 3 cells");
  g_autoptr(JsonObject) good1 = journal_test_fields ("Notes", "good-1", NULL);
  g_autoptr(JsonObject) bad = journal_test_fields ("Row", "7", NULL);       /* autonumber: computed */
  g_autoptr(JsonObject) good2 = journal_test_fields ("Notes", "good-2", NULL);
  g_autoptr(JsonObject) fixed = journal_test_fields ("Notes", "fixed", NULL);
  g_autoptr(JsonObject) server = NULL;
  g_autoptr(GError) error = NULL;
  HangarJournalChange *c1, *c2, *c3;

  c1 = hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 30), good1, NULL, FALSE);
  c2 = hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 31), bad, NULL, FALSE);
  c3 = hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 32), good2, NULL, FALSE);
  hangar_journal_submit (fixture->journal, group);
  wait_idle (fixture->journal);
  g_assert_cmpint (hangar_journal_change_get_state (c1), ==, HANGAR_CHANGE_WRITTEN);
  g_assert_cmpint (hangar_journal_change_get_state (c3), ==, HANGAR_CHANGE_WRITTEN);
  g_assert_cmpint (hangar_journal_change_get_state (c2), ==, HANGAR_CHANGE_FAILED);
  g_assert_nonnull (strstr (hangar_journal_change_get_message (c2), "computed"));
  g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_FAILED), ==, 1);

  /* Fixed by the user and sent again. */
  g_assert_true (hangar_journal_edit (c2, fixed, &error));
  g_assert_no_error (error);
  wait_idle (fixture->journal);
  g_assert_cmpint (hangar_journal_change_get_state (c2), ==, HANGAR_CHANGE_WRITTEN);
  server = server_fields (fixture, record_id (fixture, 31));
  g_assert_cmpstr (server_string (server, "Notes"), ==, "fixed");

  /* A read-only token: 403, reported once per change. */
  {
    g_autoptr(JsonNode) answer = hangar_test_sandbox_control_json (fixture->sandbox, "/__sandbox/pats",
                                                                   "{\"scopes\":[\"data.records:read\",\"schema.bases:read\"]}");
    const char *token = json_object_get_string_member (json_node_get_object (answer), "token");
    g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (token);
    g_autoptr(HangarClient) reader = hangar_client_new (fixture->sandbox->url, source);
    g_autoptr(HangarJournalGroup) denied = hangar_journal_group_new ("Edit Notes");
    g_autoptr(JsonObject) fields = journal_test_fields ("Notes", "never", NULL);
    guint n_refused = 0;
    gulong handler;
    HangarJournalChange *change;

    hangar_journal_set_client (fixture->journal, reader);
    handler = g_signal_connect (fixture->journal, "write-refused", G_CALLBACK (refused_cb), &n_refused);
    change = hangar_journal_group_add_update (denied, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 33),
                                              fields, NULL, FALSE);
    hangar_journal_submit (fixture->journal, denied);
    wait_change (change);
    g_assert_cmpint (hangar_journal_change_get_state (change), ==, HANGAR_CHANGE_FAILED);
    g_assert_cmpuint (n_refused, ==, 1);
    g_signal_handler_disconnect (fixture->journal, handler);

    /* Discarded: never sent, off the counts. */
    g_assert_true (hangar_journal_discard (fixture->journal, change, &error));
    g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_FAILED), ==, 0);
    g_assert_true (hangar_journal_change_is_settled (change));
    hangar_journal_set_client (fixture->journal, fixture->client);
  }
}

/* A refresh shows a value changed on the server under a pending edit:
 * conflict, held back; keep mine sends it, take theirs drops it. */
static void
test_conflicts (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  for (guint keep = 0; keep < 2; keep++)
    {
      const char *id = record_id (fixture, 40 + keep);
      g_autoptr(JsonObject) before = server_fields (fixture, id);
      g_autoptr(HangarJournalGroup) group = hangar_journal_group_new ("Edit Name");
      g_autoptr(JsonObject) mine = journal_test_fields ("Name", keep ? "mine-kept" : "mine-dropped", NULL);
      g_autoptr(JsonObject) previous = journal_test_fields ("Name", server_string (before, "Name"), NULL);
      g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", fixture->base_id, JOURNAL_TEST_TABLE, id);
      g_autoptr(JsonNode) theirs = NULL;
      g_autoptr(HangarRecord) refreshed = NULL;
      g_autoptr(HangarRecord) shown = NULL;
      g_autoptr(JsonObject) after = NULL;
      HangarJournalChange *change;
      guint status = 0;

      hangar_journal_set_sending (fixture->journal, FALSE);
      change = hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE, id, mine, previous, FALSE);
      hangar_journal_submit (fixture->journal, group);

      /* Someone else, meanwhile. */
      theirs = hangar_test_sandbox_request (fixture->sandbox, "PATCH", path, fixture->sandbox->pat,
                                            "{\"fields\":{\"Name\":\"theirs\"}}", &status);
      g_assert_cmpuint (status, ==, 200);
      refreshed = hangar_record_new_from_json (json_node_get_object (theirs), &error);
      g_assert_no_error (error);

      /* A refresh that still shows the old value is no conflict. */
      {
        g_autoptr(HangarRecord) stale = hangar_record_new (id, NULL, before);

        g_assert_false (hangar_journal_observe_record (fixture->journal, fixture->base_id, JOURNAL_TEST_TABLE, stale));
      }
      g_assert_true (hangar_journal_observe_record (fixture->journal, fixture->base_id, JOURNAL_TEST_TABLE, refreshed));
      g_assert_nonnull (hangar_journal_change_get_conflict (change));
      g_assert_cmpstr (json_object_get_string_member (hangar_journal_change_get_conflict (change), "Name"), ==, "theirs");
      g_assert_cmpuint (hangar_journal_count_conflicts (fixture->journal), ==, 1);
      /* The grid still shows mine (with the conflict marked). */
      shown = hangar_journal_overlay_record (fixture->journal, refreshed, NULL);
      g_assert_cmpstr (json_node_get_string (hangar_record_get_field (shown, "Name")), ==,
                       keep ? "mine-kept" : "mine-dropped");

      /* Held back even when sending. */
      hangar_journal_set_sending (fixture->journal, TRUE);
      wait_idle (fixture->journal);
      hangar_test_wait_until (change_persisted, change, "the change to be on disk");
      after = server_fields (fixture, id);
      g_assert_cmpstr (server_string (after, "Name"), ==, "theirs");
      g_assert_cmpint (hangar_journal_change_get_state (change), ==, HANGAR_CHANGE_PENDING);

      g_assert_true (hangar_journal_resolve_conflict (fixture->journal, change, keep, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (hangar_journal_count_conflicts (fixture->journal), ==, 0);
      wait_idle (fixture->journal);
      g_clear_pointer (&after, json_object_unref);
      after = server_fields (fixture, id);
      g_assert_cmpstr (server_string (after, "Name"), ==, keep ? "mine-kept" : "theirs");
      g_assert_true (hangar_journal_change_is_settled (change));
    }
}

/* Undo writes the inverse: updates put the values before back, a create
 * is deleted, a delete is created again (new id, same fields). Redo is the
 * inverse of the undo. */
static void
test_undo (Fixture       *fixture,
           gconstpointer  data)
{
  const char *id = record_id (fixture, 50);
  g_autoptr(JsonObject) before = server_fields (fixture, id);
  g_autoptr(HangarJournalGroup) edit = hangar_journal_group_new ("Paste 2 cells");
  g_autoptr(HangarJournalGroup) undo = NULL;
  g_autoptr(HangarJournalGroup) redo = NULL;
  g_autoptr(JsonObject) fields = journal_test_fields ("Name", "undo-me", "Notes", "undo-notes", NULL);
  g_autoptr(JsonObject) previous = journal_test_fields ("Name", server_string (before, "Name"),
                                                        "Notes", server_string (before, "Notes"), NULL);
  g_autoptr(JsonObject) server = NULL;
  g_autoptr(GError) error = NULL;

  hangar_journal_group_add_update (edit, fixture->base_id, JOURNAL_TEST_TABLE, id, fields, previous, FALSE);
  hangar_journal_submit (fixture->journal, edit);
  wait_idle (fixture->journal);

  undo = hangar_journal_group_new_inverse (edit, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_journal_group_get_label (undo), ==, "Undo Paste 2 cells");
  hangar_journal_submit (fixture->journal, undo);
  wait_idle (fixture->journal);
  server = server_fields (fixture, id);
  g_assert_cmpstr (server_string (server, "Name"), ==, server_string (before, "Name"));
  g_assert_cmpstr (server_string (server, "Notes"), ==, server_string (before, "Notes"));

  redo = hangar_journal_group_new_inverse (undo, "Redo Paste 2 cells", &error);
  hangar_journal_submit (fixture->journal, redo);
  wait_idle (fixture->journal);
  g_clear_pointer (&server, json_object_unref);
  server = server_fields (fixture, id);
  g_assert_cmpstr (server_string (server, "Name"), ==, "undo-me");

  /* Delete and undo: the record comes back under a new id. */
  {
    const char *victim = record_id (fixture, 51);
    g_autoptr(JsonObject) victim_fields = server_fields (fixture, victim);
    g_autoptr(HangarJournalGroup) remove = hangar_journal_group_new ("Delete 1 record");
    g_autoptr(HangarJournalGroup) restore = NULL;
    g_autoptr(JsonObject) writable = _hangar_json_object_deep_copy (victim_fields);
    HangarJournalChange *create;
    g_autofree char *name = g_strdup (server_string (victim_fields, "Name"));

    json_object_remove_member (writable, "Row");   /* computed */
    hangar_journal_group_add_delete (remove, fixture->base_id, JOURNAL_TEST_TABLE, victim, writable);
    hangar_journal_submit (fixture->journal, remove);
    wait_idle (fixture->journal);
    g_assert_false (server_has_record (fixture, victim));

    restore = hangar_journal_group_new_inverse (remove, NULL, &error);
    g_assert_no_error (error);
    create = g_ptr_array_index (hangar_journal_group_get_changes (restore), 0);
    g_assert_cmpint (hangar_journal_change_get_kind (create), ==, HANGAR_CHANGE_CREATE);
    g_assert_cmpstr (hangar_journal_change_get_restores_id (create), ==, victim);
    hangar_journal_submit (fixture->journal, restore);
    wait_idle (fixture->journal);
    g_assert_cmpuint (count_named (fixture, name), ==, 1);
    g_assert_cmpstr (hangar_journal_change_get_record_id (create), !=, victim);
    g_assert_true (server_has_record (fixture, hangar_journal_change_get_record_id (create)));
  }
}

static gboolean
lookups_done (gpointer data)
{
  HangarJournalChange **pair = data;
  const char *message = hangar_journal_change_get_message (pair[1]);

  return hangar_journal_change_get_state (pair[0]) == HANGAR_CHANGE_WRITTEN &&
         hangar_journal_change_get_not_found (pair[1]) &&
         message != NULL && strstr (message, "no such record") != NULL;
}

/* What a crash leaves: changes marked "sending" in the database. Opening
 * the journal sends updates and deletes again and makes creates uncertain,
 * then looks them up. */
static void
test_recovery (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(HangarJournalGroup) group = hangar_journal_group_new ("Paste");
  g_autoptr(JsonObject) update = journal_test_fields ("Notes", "recovered", NULL);
  g_autoptr(JsonObject) create_sent = journal_test_fields ("Name", "recovery-was-sent", NULL);
  g_autoptr(JsonObject) create_lost = journal_test_fields ("Name", "recovery-never-arrived", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) server = NULL;
  HangarJournalChange *changes[4];
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s", fixture->base_id, JOURNAL_TEST_TABLE);
  g_autoptr(JsonNode) created = NULL;
  guint status = 0;

  hangar_journal_set_sending (fixture->journal, FALSE);
  changes[0] = hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 60), update, NULL, FALSE);
  changes[1] = hangar_journal_group_add_create (group, fixture->base_id, JOURNAL_TEST_TABLE, create_sent, FALSE);
  changes[2] = hangar_journal_group_add_create (group, fixture->base_id, JOURNAL_TEST_TABLE, create_lost, FALSE);
  changes[3] = hangar_journal_group_add_delete (group, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 61), NULL);
  hangar_journal_submit (fixture->journal, group);
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    hangar_test_wait_until (change_persisted, changes[i], "the change to be on disk");
  g_clear_object (&fixture->journal);

  /* As the process left it: all four were out; the first create had reached
   * Airtable, the second had not. */
  g_assert_true (hangar_store_exec (fixture->store, "UPDATE journal_change SET state = 1, attempts = 1", &error));
  created = hangar_test_sandbox_request (fixture->sandbox, "POST", path, fixture->sandbox->pat,
                                         "{\"fields\":{\"Name\":\"recovery-was-sent\"}}", &status);
  g_assert_cmpuint (status, ==, 200);

  fixture->journal = open_journal (fixture);
  g_assert_cmpuint (hangar_journal_count (fixture->journal, HANGAR_CHANGE_SENDING), ==, 0);
  wait_idle (fixture->journal);
  /* The lookups run by themselves after a restart. */
  {
    g_autoptr(GListModel) model = g_object_ref (hangar_journal_get_changes (fixture->journal));
    HangarJournalChange *sent = NULL, *lost = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(HangarJournalChange) change = g_list_model_get_item (model, i);
        JsonObject *fields = hangar_journal_change_get_fields (change);

        if (g_strcmp0 (json_object_get_string_member_with_default (fields, "Name", ""), "recovery-was-sent") == 0)
          sent = change;
        if (g_strcmp0 (json_object_get_string_member_with_default (fields, "Name", ""), "recovery-never-arrived") == 0)
          lost = change;
      }
    g_assert_nonnull (sent);
    g_assert_nonnull (lost);
    HangarJournalChange *pair[2] = { sent, lost };

    hangar_test_wait_until (lookups_done, pair, "both uncertain creates to be looked up");
    g_assert_cmpint (hangar_journal_change_get_state (lost), ==, HANGAR_CHANGE_UNCERTAIN);
  }
  server = server_fields (fixture, record_id (fixture, 60));
  g_assert_cmpstr (server_string (server, "Notes"), ==, "recovered");
  g_assert_false (server_has_record (fixture, record_id (fixture, 61)));
  g_assert_cmpuint (count_named (fixture, "recovery-was-sent"), ==, 1);
  g_assert_cmpuint (count_named (fixture, "recovery-never-arrived"), ==, 0);
}

static gboolean
change_settled (gpointer data)
{
  return hangar_journal_change_get_state (data) == HANGAR_CHANGE_WRITTEN;
}

/* A new record then filled in (the grid's "+" then typing): the create and
 * the update of its local id go out as one request. When its answer is
 * lost — live, or because the process died — the create holds every value
 * that was sent, so the lookup can find the record; nothing is created
 * twice. */
static void
test_folded_create (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *fault = g_strdup_printf ("{\"count\":1,\"malformed\":true,\"path_prefix\":\"/v0/%s\"}",
                                            fixture->base_id);
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s", fixture->base_id, JOURNAL_TEST_TABLE);
  g_autoptr(GError) error = NULL;

  /* Live: the answer cannot be read. */
  {
    g_autoptr(HangarJournalGroup) create_group = hangar_journal_group_new ("New record");
    g_autoptr(HangarJournalGroup) edit_group = hangar_journal_group_new ("Edit Name");
    g_autoptr(JsonObject) empty = json_object_new ();
    g_autoptr(JsonObject) name = journal_test_fields ("Name", "folded-live", NULL);
    g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
    HangarJournalChange *create, *update;

    hangar_journal_set_sending (fixture->journal, FALSE);
    create = hangar_journal_group_add_create (create_group, fixture->base_id, JOURNAL_TEST_TABLE, empty, FALSE);
    hangar_journal_submit (fixture->journal, create_group);
    update = hangar_journal_group_add_update (edit_group, fixture->base_id, JOURNAL_TEST_TABLE,
                                              hangar_journal_change_get_record_id (create), name, NULL, FALSE);
    hangar_journal_submit (fixture->journal, edit_group);
    hangar_test_wait_until (change_persisted, update, "the update to be on disk");
    hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", fault);
    hangar_journal_set_sending (fixture->journal, TRUE);
    wait_change (create);
    g_assert_cmpint (hangar_journal_change_get_state (create), ==, HANGAR_CHANGE_UNCERTAIN);
    g_assert_cmpint (hangar_journal_change_get_state (update), ==, HANGAR_CHANGE_WRITTEN);
    g_assert_cmpstr (json_object_get_string_member_with_default (hangar_journal_change_get_fields (create), "Name", ""),
                     ==, "folded-live");

    hangar_journal_lookup_async (fixture->journal, create, NULL, hangar_test_wait_cb, wait);
    g_assert_cmpint (hangar_journal_lookup_finish (fixture->journal, hangar_test_wait_run (wait), NULL, &error),
                     ==, HANGAR_LOOKUP_FOUND);
    g_assert_no_error (error);
    g_assert_cmpuint (count_named (fixture, "folded-live"), ==, 1);
  }

  /* After a crash: both were "sending" on disk, and the record was made. */
  {
    g_autoptr(HangarJournalGroup) create_group = hangar_journal_group_new ("New record");
    g_autoptr(HangarJournalGroup) edit_group = hangar_journal_group_new ("Edit Name");
    g_autoptr(JsonObject) empty = json_object_new ();
    g_autoptr(JsonObject) name = journal_test_fields ("Name", "folded-crash", NULL);
    g_autoptr(JsonNode) created = NULL;
    g_autoptr(HangarJournalChange) found = NULL;
    HangarJournalChange *update;
    guint status = 0;

    hangar_journal_set_sending (fixture->journal, FALSE);
    hangar_journal_group_add_create (create_group, fixture->base_id, JOURNAL_TEST_TABLE, empty, FALSE);
    hangar_journal_submit (fixture->journal, create_group);
    update = hangar_journal_group_add_update (edit_group, fixture->base_id, JOURNAL_TEST_TABLE,
                                              hangar_journal_change_get_record_id (
                                                hangar_journal_group_get_changes (create_group)->pdata[0]),
                                              name, NULL, FALSE);
    hangar_journal_submit (fixture->journal, edit_group);
    hangar_test_wait_until (change_persisted, update, "the update to be on disk");
    g_clear_object (&fixture->journal);

    g_assert_true (hangar_store_exec (fixture->store, "UPDATE journal_change SET state = 1, attempts = 1 WHERE state = 0",
                                      &error));
    created = hangar_test_sandbox_request (fixture->sandbox, "POST", path, fixture->sandbox->pat,
                                           "{\"fields\":{\"Name\":\"folded-crash\"}}", &status);
    g_assert_cmpuint (status, ==, 200);

    fixture->journal = open_journal (fixture);
    {
      GListModel *model = hangar_journal_get_changes (fixture->journal);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(HangarJournalChange) change = g_list_model_get_item (model, i);

          /* One change: the create, with the name it was sent with. */
          g_assert_cmpint (hangar_journal_change_get_kind (change), ==, HANGAR_CHANGE_CREATE);
          if (g_strcmp0 (json_object_get_string_member_with_default (hangar_journal_change_get_fields (change),
                                                                     "Name", ""), "folded-crash") == 0)
            found = g_object_ref (change);
        }
    }
    g_assert_nonnull (found);
    hangar_test_wait_until (change_settled, found, "the create to be found");
    wait_idle (fixture->journal);
    g_assert_cmpuint (count_named (fixture, "folded-crash"), ==, 1);
    g_assert_cmpuint (hangar_journal_count_unsent (fixture->journal), ==, 0);
  }
}

/* One sender per account: a second journal on the same database records
 * changes and sends them once the first is gone. */
static void
test_sender_lock (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store2 = hangar_store_open (fixture->path, HANGAR_STORE_STATE, &error);
  g_autoptr(HangarJournal) second = NULL;
  g_autoptr(HangarJournalGroup) group = hangar_journal_group_new ("Edit Notes");
  g_autoptr(JsonObject) fields = journal_test_fields ("Notes", "from-the-second", NULL);
  g_autoptr(JsonObject) server = NULL;
  HangarJournal *weak = fixture->journal;
  HangarJournalChange *change;

  g_assert_no_error (error);
  second = hangar_journal_new (store2, fixture->client, &error);
  g_assert_no_error (error);
  g_assert_false (hangar_journal_get_is_sender (second));

  change = hangar_journal_group_add_update (group, fixture->base_id, JOURNAL_TEST_TABLE, record_id (fixture, 70),
                                            fields, NULL, FALSE);
  hangar_journal_submit (second, group);
  hangar_test_wait_until (change_persisted, change, "the change to be on disk");

  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  g_clear_object (&fixture->journal);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak, "the first journal to be finalized");
  /* The second takes over (it polls the lock) and sends. */
  hangar_test_wait_until ((HangarTestCondition) hangar_journal_get_is_sender, second, "the second journal to send");
  wait_idle (second);
  server = server_fields (fixture, record_id (fixture, 70));
  g_assert_cmpstr (server_string (server, "Notes"), ==, "from-the-second");
  fixture->journal = g_steal_pointer (&second);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

#define ADD(path, func) g_test_add ("/hangar/store/journal/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("batches", test_batches);
  ADD ("durable-first", test_durable_first);
  ADD ("record-order", test_record_order);
  ADD ("faults-updates", test_faults_updates);
  ADD ("faults-creates", test_faults_creates);
  ADD ("refused", test_refused);
  ADD ("conflicts", test_conflicts);
  ADD ("undo", test_undo);
  ADD ("recovery", test_recovery);
  ADD ("folded-create", test_folded_create);
  ADD ("sender-lock", test_sender_lock);
#undef ADD
  g_test_add ("/hangar/store/journal/rate-limited", Fixture, NULL, fixture_set_up, test_rate_limited, fixture_tear_down);

  return g_test_run ();
}
