/* test-journal-kill.c — a process journalling and sending edits is killed
 * (SIGKILL) at the worst moments, and started again: no edit may be lost
 * and no record created twice.
 *
 * The process is journal-driver (beside this file). The moments:
 *
 *   before sending    the edits are on disk, nothing was sent
 *   in flight         the requests reached Airtable (the sandbox holds them
 *                     with a fault delay) and were applied after the
 *                     process died: creates whose answer never came
 *   in flight, lost   the same, but the connections were dropped instead:
 *                     nothing was applied
 *   mid-stream        300 edits under the sandbox's real rate limits, killed
 *                     after some were written
 *
 * Each prints a line of the table "edits made / edits on the server /
 * edits lost / duplicates created".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "test-journal-common.h"

#define HOLD_MS 3000

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
  GPtrArray        *lines;
  GCancellable     *cancellable;
  gboolean          eof;
} Driver;

typedef struct
{
  const char *name;
  guint       made;
  guint       on_server;
  guint       lost;
  guint       duplicates;
} Row;

static GArray *report;

static void read_next (Driver *driver);

static void
line_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  Driver *driver = user_data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), res, NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      driver->eof = TRUE;
      return;
    }
  g_test_message ("driver: %s", line);
  g_ptr_array_add (driver->lines, line);
  read_next (driver);
}

static void
read_next (Driver *driver)
{
  g_data_input_stream_read_line_async (driver->out, G_PRIORITY_DEFAULT, driver->cancellable, line_cb, driver);
}

static Driver *
driver_start (HangarTestSandbox  *sandbox,
              const char         *base_id,
              const char * const *args)
{
  g_autofree char *exe = g_test_build_filename (G_TEST_BUILT, "journal-driver", NULL);
  g_autofree char *url_env = g_strdup_printf ("JOURNAL_DRIVER_URL=%s", sandbox->url);
  g_autofree char *token_env = g_strdup_printf ("JOURNAL_DRIVER_TOKEN=%s", sandbox->pat);
  g_autofree char *base_env = g_strdup_printf ("JOURNAL_DRIVER_BASE=%s", base_id);
  const char *env[] = { url_env, token_env, base_env, NULL };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Driver *driver = g_new0 (Driver, 1);

  g_ptr_array_add (argv, exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  driver->process = hangar_test_spawn ((const char * const *) argv->pdata, env, TRUE);
  driver->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (driver->process));
  driver->in = g_object_ref (g_subprocess_get_stdin_pipe (driver->process));
  driver->lines = g_ptr_array_new_with_free_func (g_free);
  driver->cancellable = g_cancellable_new ();
  read_next (driver);
  return driver;
}

typedef struct
{
  Driver     *driver;
  const char *prefix;
  guint       at_least;   /* for "written N": N ≥ this */
  const char *found;
} LineWait;

static gboolean
has_line (gpointer data)
{
  LineWait *wait = data;

  for (guint i = 0; i < wait->driver->lines->len; i++)
    {
      const char *line = g_ptr_array_index (wait->driver->lines, i);

      if (g_str_has_prefix (line, wait->prefix) &&
          (wait->at_least == 0 || g_ascii_strtoull (line + strlen (wait->prefix), NULL, 10) >= wait->at_least))
        {
          wait->found = line;
          return TRUE;
        }
    }
  if (wait->driver->eof)
    g_error ("journal-driver ended without printing “%s”", wait->prefix);
  return FALSE;
}

static const char *
driver_wait_line (Driver     *driver,
                  const char *prefix,
                  guint       at_least)
{
  LineWait wait = { driver, prefix, at_least, NULL };
  g_autofree char *what = g_strdup_printf ("journal-driver to print “%s”", prefix);

  hangar_test_wait_until (has_line, &wait, what);
  return wait.found;
}

static void
driver_go (Driver *driver)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (driver->in, "go\n", 3, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
driver_exited (gpointer data)
{
  Driver *driver = data;

  return driver->eof;
}

static void
driver_free (Driver *driver)
{
  g_cancellable_cancel (driver->cancellable);
  g_clear_object (&driver->cancellable);
  g_clear_object (&driver->out);
  g_clear_object (&driver->in);
  g_clear_object (&driver->process);
  g_ptr_array_unref (driver->lines);
  g_free (driver);
}

/* SIGKILL, as `kill -9`: no handler runs, nothing is flushed. */
static void
driver_kill (Driver *driver)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (driver->process);
  g_subprocess_wait (driver->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (driver->process));
  g_assert_cmpint (g_subprocess_get_term_sig (driver->process), ==, 9);
  driver_free (driver);
}

/* Runs "resume" to the end. */
static void
driver_resume (HangarTestSandbox *sandbox,
               const char        *base_id,
               const char        *db)
{
  const char *args[] = { db, "resume", NULL };
  Driver *driver = driver_start (sandbox, base_id, args);
  const char *idle;

  idle = driver_wait_line (driver, "idle", 0);
  g_assert_nonnull (strstr (idle, "uncertain=0"));
  g_assert_nonnull (strstr (idle, "failed=0"));
  hangar_test_wait_until (driver_exited, driver, "journal-driver to exit");
  g_assert_true (g_subprocess_wait_check (driver->process, NULL, NULL));
  driver_free (driver);
}

/* The Name → count of every record named PREFIX-c-…, and the Notes of the
 * first @n_updates records. */
static void
check_server (HangarTestSandbox *sandbox,
              const char        *base_id,
              const char        *scenario,
              const char        *prefix,
              guint              n_creates,
              guint              n_updates)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *path = NULL;
  g_autofree char *offset = NULL;
  Row row = { scenario, n_creates + n_updates, 0, 0, 0 };

  /* Every record, page by page (the table is small), as a reader that
   * does not share the rate limit the driver used up. */
  hangar_test_sandbox_control (sandbox, "/__sandbox/reset-rate-limits", NULL);
  do
    {
      g_autofree char *escaped = offset != NULL ? g_uri_escape_string (offset, NULL, TRUE) : NULL;
      g_autoptr(JsonNode) page = NULL;
      JsonArray *records;

      g_free (path);
      path = g_strdup_printf ("/v0/%s/%s?sort%%5B0%%5D%%5Bfield%%5D=Row%s%s", base_id, JOURNAL_TEST_TABLE,
                              escaped != NULL ? "&offset=" : "", escaped != NULL ? escaped : "");
      page = hangar_test_sandbox_get (sandbox, path);
      records = json_object_get_array_member (json_node_get_object (page), "records");
      g_clear_pointer (&offset, g_free);
      offset = g_strdup (json_object_get_string_member_with_default (json_node_get_object (page), "offset", NULL));

      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *fields = json_object_get_object_member (json_array_get_object_element (records, i), "fields");
          const char *name = json_object_get_string_member_with_default (fields, "Name", "");
          gint64 row_number = json_object_get_int_member_with_default (fields, "Row", 0);
          g_autofree char *create_prefix = g_strdup_printf ("%s-c-", prefix);

          if (g_str_has_prefix (name, create_prefix))
            g_hash_table_insert (names, g_strdup (name),
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (names, name)) + 1));
          /* The driver updated the first records by Row. */
          if (row_number >= 1 && row_number <= (gint64) n_updates)
            {
              g_autofree char *expected = g_strdup_printf ("%s-u-%" G_GINT64_FORMAT, prefix, row_number - 1);

              if (g_strcmp0 (json_object_get_string_member_with_default (fields, "Notes", NULL), expected) == 0)
                row.on_server++;
              else
                {
                  g_test_message ("%s: update %s lost", scenario, expected);
                  row.lost++;
                }
            }
        }
    }
  while (offset != NULL);

  for (guint i = 0; i < n_creates; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-c-%u", prefix, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (names, name));

      if (n == 0)
        {
          g_test_message ("%s: create %s lost", scenario, name);
          row.lost++;
        }
      else
        row.on_server++;
      if (n > 1)
        {
          g_test_message ("%s: %s created %u times", scenario, name, n);
          row.duplicates += n - 1;
        }
    }

  g_array_append_val (report, row);
  g_assert_cmpuint (row.lost, ==, 0);
  g_assert_cmpuint (row.duplicates, ==, 0);
  g_assert_cmpuint (row.on_server, ==, row.made);
}

typedef struct
{
  HangarTestSandbox *sandbox;
  char              *base_id;
  char              *db;
} Fixture;

static guint fixture_counter;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean rate_limited = GPOINTER_TO_INT (data);
  const char *args_free[] = { "--no-rate-limit", "--quiet", "--generate", JOURNAL_TEST_BASE_NAME ":400", NULL };
  const char *args_limited[] = { "--quiet", "--generate", JOURNAL_TEST_BASE_NAME ":400", NULL };

  fixture->sandbox = hangar_test_sandbox_startv (rate_limited ? args_limited : args_free);
  fixture->base_id = hangar_test_sandbox_base_id (fixture->sandbox, fixture->sandbox->pat, JOURNAL_TEST_BASE_NAME);
  g_assert_nonnull (fixture->base_id);
  fixture->db = g_strdup_printf ("%s/kill-%u/state.sqlite", g_get_user_data_dir (), ++fixture_counter);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_free (fixture->base_id);
  g_free (fixture->db);
  hangar_test_sandbox_stop (fixture->sandbox);
}

static void
test_before_sending (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *args[] = { fixture->db, "journal", "before", "10", "20", "hold", NULL };
  Driver *driver = driver_start (fixture->sandbox, fixture->base_id, args);
  gint64 requests;

  driver_wait_line (driver, "ready", 0);
  requests = hangar_test_sandbox_stat (fixture->sandbox, "requests");
  driver_go (driver);
  driver_wait_line (driver, "journalled", 0);
  driver_kill (driver);
  /* Nothing reached Airtable. */
  g_assert_cmpint (hangar_test_sandbox_stat (fixture->sandbox, "requests"), ==, requests);

  driver_resume (fixture->sandbox, fixture->base_id, fixture->db);
  check_server (fixture->sandbox, fixture->base_id, "killed after journalling, before sending", "before", 10, 20);
}

static gboolean
faults_taken (gpointer data)
{
  HangarTestSandbox *sandbox = data;
  g_autoptr(JsonNode) answer = hangar_test_sandbox_control_json (sandbox, "/__sandbox/faults", "{\"count\":0}");

  return json_object_get_int_member (json_node_get_object (answer), "pending") == 0;
}

/* 10 creates (one request) and 20 updates (two): three requests, held by
 * the sandbox; the process dies before any answer. */
static void
run_in_flight (Fixture    *fixture,
               const char *prefix,
               const char *scenario,
               gboolean    dropped)
{
  const char *args[] = { fixture->db, "journal", prefix, "10", "20", "send", NULL };
  g_autofree char *fault = g_strdup_printf ("{\"count\":3,\"delay_ms\":%d,%s\"path_prefix\":\"/v0/%s\"}",
                                            HOLD_MS, dropped ? "\"drop\":true," : "", fixture->base_id);
  Driver *driver = driver_start (fixture->sandbox, fixture->base_id, args);

  driver_wait_line (driver, "ready", 0);
  hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", fault);
  driver_go (driver);
  /* All three requests are at the sandbox, held. */
  hangar_test_wait_until (faults_taken, fixture->sandbox, "the three writes to reach the sandbox");
  driver_kill (driver);
  /* The sandbox applies (or drops) them after the delay, with nobody left
   * to read the answer: real time is what is under test here. */
  hangar_test_run_for (HOLD_MS + 1000);

  driver_resume (fixture->sandbox, fixture->base_id, fixture->db);
  check_server (fixture->sandbox, fixture->base_id, scenario, prefix, 10, 20);
}

static void
test_in_flight (Fixture       *fixture,
                gconstpointer  data)
{
  run_in_flight (fixture, "flight", "killed while sending (applied late)", FALSE);
}

static void
test_in_flight_lost (Fixture       *fixture,
                     gconstpointer  data)
{
  run_in_flight (fixture, "dropped", "killed while sending (never applied)", TRUE);
}

/* 100 creates and 200 updates at the sandbox's real rate limit, killed
 * once 50 of them (half the creates) are written. */
static void
test_mid_stream (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *args[] = { fixture->db, "journal", "stream", "100", "200", "send", NULL };
  Driver *driver = driver_start (fixture->sandbox, fixture->base_id, args);

  driver_wait_line (driver, "ready", 0);
  driver_go (driver);
  driver_wait_line (driver, "written ", 50);
  driver_kill (driver);

  driver_resume (fixture->sandbox, fixture->base_id, fixture->db);
  check_server (fixture->sandbox, fixture->base_id, "killed mid-stream (300 edits, rate limits on)", "stream", 100, 200);
}

static void
print_report (void)
{
  g_print ("\n%-48s %6s %10s %6s %11s\n", "scenario", "made", "on server", "lost", "duplicates");
  for (guint i = 0; i < report->len; i++)
    {
      Row *row = &g_array_index (report, Row, i);

      g_print ("%-48s %6u %10u %6u %11u\n", row->name, row->made, row->on_server, row->lost, row->duplicates);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  report = g_array_new (FALSE, FALSE, sizeof (Row));

  g_test_add ("/hangar/store/journal-kill/before-sending", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_before_sending, fixture_tear_down);
  g_test_add ("/hangar/store/journal-kill/in-flight", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_in_flight, fixture_tear_down);
  g_test_add ("/hangar/store/journal-kill/in-flight-lost", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_in_flight_lost, fixture_tear_down);
  g_test_add ("/hangar/store/journal-kill/mid-stream", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_mid_stream, fixture_tear_down);

  status = g_test_run ();
  print_report ();
  g_array_unref (report);
  return status;
}
