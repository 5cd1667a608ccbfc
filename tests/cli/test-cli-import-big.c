/* test-cli-import-big.c — a 100,000-row CSV imported by hangar-cli,
 * killed (SIGKILL) part way and run again: every row ends up in the table
 * exactly once, and the importer's memory stays bounded (it reads the file
 * as a stream). An upsert (3,000 rows: the sandbox matches merge fields by
 * scanning) killed part way resumes the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include <json-glib/json-glib.h>

#include "hangar-test.h"

#define N_ROWS 100000
/* Seconds a request may take (both runs): the resumed run first waits
 * this long after the killed one's last request. A write of 10 records to
 * the local sandbox takes far less, even on a loaded machine. */
#define RESUME_DEADLINE "5"

typedef struct
{
  HangarTestSandbox *sandbox;
  char              *base_id;
  char              *dir;
  gint64             requests_before;
} Fixture;

static GPtrArray *
cli_argv (Fixture            *fixture,
          const char * const *args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  g_ptr_array_add (argv, (char *) "--api-url");
  g_ptr_array_add (argv, fixture->sandbox->url);
  g_ptr_array_add (argv, (char *) "--token-env");
  g_ptr_array_add (argv, (char *) "HANGAR_TEST_TOKEN");
  g_ptr_array_add (argv, (char *) "--no-pacing");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

static const char * const *
cli_env (Fixture *fixture)
{
  static char *env[3];

  g_free (env[0]);
  env[0] = g_strconcat ("HANGAR_TEST_TOKEN=", fixture->sandbox->pat, NULL);
  env[1] = (char *) "AIRTABLE_TOKEN";
  return (const char * const *) env;
}

static HangarTestRun *
run_cli_v (Fixture            *fixture,
           const char * const *args)
{
  g_autoptr(GPtrArray) argv = cli_argv (fixture, args);
  HangarTestRun *run = hangar_test_run ((const char * const *) argv->pdata, cli_env (fixture), NULL);

  g_test_message ("exit %d; stderr: %s", run->status, run->err);
  return run;
}

#define run_cli(fixture, ...) run_cli_v ((fixture), (const char * const[]) { __VA_ARGS__, NULL })

static char *
create_table (Fixture    *fixture,
              const char *name)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", fixture->base_id);
  g_autofree char *spec = g_strdup_printf (
    "{\"name\":\"%s\",\"fields\":[{\"name\":\"Name\",\"type\":\"singleLineText\"},"
    " {\"name\":\"N\",\"type\":\"number\",\"options\":{\"precision\":0}},"
    " {\"name\":\"Note\",\"type\":\"multilineText\"},"
    " {\"name\":\"Done\",\"type\":\"checkbox\",\"options\":{\"icon\":\"check\",\"color\":\"greenBright\"}}]}", name);
  g_autoptr(JsonNode) table = NULL;
  guint status = 0;

  table = hangar_test_sandbox_request (fixture->sandbox, "POST", path, fixture->sandbox->pat, spec, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (table), "id"));
}

static char *
write_rows (Fixture    *fixture,
            const char *name,
            guint       n,
            guint       n_value)
{
  g_autoptr(GString) data = g_string_new ("Name,N,Note,Done\r\n");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (data, "Row %u,%u,", i, i + n_value);
      if (i % 7 == 0)
        g_string_append (data, "\"a note, with \"\"quotes\"\"\r\nand a second line\"");
      g_string_append (data, i % 2 ? ",checked\r\n" : ",\r\n");
    }
  g_file_set_contents (path, data->str, data->len, &error);
  g_assert_no_error (error);
  return path;
}

/* Name → N of every record of the table, failing on a name seen twice. */
static GHashTable *
names_once (Fixture    *fixture,
            const char *table_id)
{
  g_autoptr(HangarTestRun) run = run_cli (fixture, "records", "list", fixture->base_id, table_id,
                                          "--field", "Name", "--field", "N");
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpint (run->status, ==, 0);
  for (guint i = 0; run->lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *fields;
      const char *name;

      g_assert_true (json_parser_load_from_data (parser, run->lines[i], -1, NULL));
      fields = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "fields");
      name = json_object_get_string_member (fields, "Name");
      if (!g_hash_table_insert (names, g_strdup (name), GINT_TO_POINTER ((int) json_object_get_int_member (fields, "N"))))
        g_error ("“%s” is in the table twice", name);
    }
  return names;
}

static gboolean
some_written (gpointer data)
{
  Fixture *fixture = data;

  /* A hundred batches in: well under way, far from the end. */
  return hangar_test_sandbox_stat (fixture->sandbox, "requests") - fixture->requests_before >= 100;
}

/* Starts the import and kills it with SIGKILL part way. */
static void
import_and_kill (Fixture            *fixture,
                 const char * const *args)
{
  g_autoptr(GPtrArray) argv = cli_argv (fixture, args);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(HangarTestRun) run = NULL;

  fixture->requests_before = hangar_test_sandbox_stat (fixture->sandbox, "requests");
  process = hangar_test_spawn ((const char * const *) argv->pdata, cli_env (fixture), FALSE);
  hangar_test_wait_until (some_written, fixture, "the import to be under way");
  g_subprocess_send_signal (process, SIGKILL);
  run = hangar_test_finish (g_steal_pointer (&process), NULL);
  g_assert_cmpint (run->status, ==, -1);
}

static glong
children_max_rss_kb (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* A create the killed run had sent that the sandbox applies only later
 * (held back for LATE_HOLD_MS, past the kill), as Airtable may apply a
 * request whose sender died: the resumed run waits for it before looking
 * at what was written, so its rows are found and not sent again. */
#define LATE_ROWS    100
#define LATE_HOLD_MS 3000
#define LATE_DEADLINE "5"   /* more than the hold: the server answers in time */

typedef struct
{
  Fixture    *fixture;
  const char *table_id;
  gint64      until;
} LateWait;

static gboolean
late_stalled (gpointer data)
{
  LateWait *wait = data;
  g_autoptr(GPtrArray) ids = hangar_test_sandbox_list_ids (wait->fixture->sandbox, wait->fixture->base_id,
                                                          wait->table_id, NULL);

  /* The batches after the held one are written; the import waits for it
   * (its read-ahead is full). */
  return ids->len >= 40;
}

static gboolean
late_applied (gpointer data)
{
  LateWait *wait = data;

  /* The sandbox's timer for the held request has fired. */
  return g_get_monotonic_time () >= wait->until;
}

static void
test_late_request (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *table_id = create_table (fixture, "Late");
  g_autofree char *path = write_rows (fixture, "late.csv", LATE_ROWS, 0);
  g_autofree char *fault = g_strdup_printf ("{\"count\":1,\"delay_ms\":%d,\"path_prefix\":\"/v0/%s/%s\","
                                            "\"method\":\"POST\"}", LATE_HOLD_MS, fixture->base_id, table_id);
  const char * const args[] = { "records", "import", fixture->base_id, "Late", path, "--deadline", LATE_DEADLINE, NULL };
  g_autoptr(GPtrArray) argv = cli_argv (fixture, args);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(HangarTestRun) killed = NULL;
  g_autoptr(HangarTestRun) resumed = NULL;
  g_autoptr(GHashTable) names = NULL;
  LateWait wait = { fixture, table_id, 0 };

  /* The first create is held back. */
  hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", fault);
  wait.until = g_get_monotonic_time () + LATE_HOLD_MS * 1000 + G_USEC_PER_SEC;
  process = hangar_test_spawn ((const char * const *) argv->pdata, cli_env (fixture), FALSE);
  hangar_test_wait_until (late_stalled, &wait, "the batches after the held one");
  g_subprocess_send_signal (process, SIGKILL);
  killed = hangar_test_finish (g_steal_pointer (&process), NULL);
  g_assert_cmpint (killed->status, ==, -1);

  resumed = run_cli_v (fixture, args);
  g_assert_cmpint (resumed->status, ==, 0);
  g_assert_nonnull (strstr (resumed->out, "\"done\":100"));
  g_assert_nonnull (strstr (resumed->out, "\"failed\":0"));

  /* Had the resumed run not waited, the held request would add its rows
   * a second time now. */
  hangar_test_wait_until (late_applied, &wait, "the held request to be applied");
  names = names_once (fixture, table_id);
  g_assert_cmpuint (g_hash_table_size (names), ==, LATE_ROWS);
  for (guint i = 0; i < LATE_ROWS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Row %u", i);

      g_assert_true (g_hash_table_contains (names, name));
    }
  g_assert_nonnull (strstr (resumed->err, "waiting"));
  g_assert_nonnull (strstr (resumed->err, "for the requests of the interrupted import"));
}

static void
test_create_resume (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *table_id = create_table (fixture, "Big");
  g_autofree char *path = write_rows (fixture, "big.csv", N_ROWS, 0);
  g_autoptr(HangarTestRun) resumed = NULL;
  g_autoptr(GHashTable) names = NULL;
  glong rss_kb;

  import_and_kill (fixture, (const char * const[]) { "records", "import", fixture->base_id, "Big", path,
                                                     "--deadline", RESUME_DEADLINE, NULL });
  {
    g_autoptr(GPtrArray) partial = hangar_test_sandbox_list_ids (fixture->sandbox, fixture->base_id, table_id, NULL);

    g_test_message ("%u records when the import was killed", partial->len);
    g_assert_cmpuint (partial->len, >, 0);
    g_assert_cmpuint (partial->len, <, N_ROWS);
  }

  resumed = run_cli (fixture, "records", "import", fixture->base_id, "Big", path, "--deadline", RESUME_DEADLINE);
  g_assert_cmpint (resumed->status, ==, 0);
  g_assert_nonnull (strstr (resumed->err, "resumed an interrupted import after row"));
  g_assert_nonnull (strstr (resumed->out, "\"done\":100000"));
  g_assert_nonnull (strstr (resumed->out, "\"failed\":0"));

  /* Reading the file as a stream: a 100,000-row file costs the importer
   * no more memory than a small one (the rows are a few MB as text and
   * would be well over 100 MB as records). */
  rss_kb = children_max_rss_kb ();
  g_test_message ("largest hangar-cli resident size: %ld KiB", rss_kb);
  g_assert_cmpint (rss_kb, <, 64 * 1024);

  names = names_once (fixture, table_id);
  g_assert_cmpuint (g_hash_table_size (names), ==, N_ROWS);
  for (guint i = 0; i < N_ROWS; i += 997)
    {
      g_autofree char *name = g_strdup_printf ("Row %u", i);

      g_assert_true (g_hash_table_contains (names, name));
    }

  /* Run once more: the file was imported, nothing is added. */
  {
    g_autoptr(HangarTestRun) again = run_cli (fixture, "records", "import", fixture->base_id, "Big", path);

    g_assert_cmpint (again->status, ==, 2);
    g_assert_nonnull (strstr (again->err, "This file was imported into this table"));
  }
}

static void
test_upsert_resume (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *table_id = create_table (fixture, "Upserted");
  g_autofree char *first = write_rows (fixture, "first.csv", 3000, 0);
  g_autofree char *second = write_rows (fixture, "second.csv", 3000, 1000000);
  g_autoptr(HangarTestRun) created = run_cli (fixture, "records", "import", fixture->base_id, "Upserted", first);
  g_autoptr(HangarTestRun) resumed = NULL;
  g_autoptr(GHashTable) names = NULL;

  g_assert_cmpint (created->status, ==, 0);
  import_and_kill (fixture, (const char * const[]) { "records", "import", fixture->base_id, "Upserted", second,
                                                     "--merge-on", "Name", "--deadline", RESUME_DEADLINE, NULL });
  resumed = run_cli (fixture, "records", "import", fixture->base_id, "Upserted", second, "--merge-on", "Name",
                     "--deadline", RESUME_DEADLINE);
  g_assert_cmpint (resumed->status, ==, 0);
  g_assert_nonnull (strstr (resumed->err, "resumed an interrupted import after row"));

  names = names_once (fixture, table_id);
  g_assert_cmpuint (g_hash_table_size (names), ==, 3000);
  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Row %u", i);

      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (names, name)), ==, 1000000 + i);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  fixture->base_id = hangar_test_sandbox_base_id (fixture->sandbox, fixture->sandbox->pat, "Product Roadmap");
  fixture->dir = g_dir_make_tmp ("hangar-big-XXXXXX", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *names[] = { "big.csv", "big-failed.csv", "first.csv", "first-failed.csv", "second.csv", "second-failed.csv",
                          "late.csv", "late-failed.csv" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->sandbox, hangar_test_sandbox_stop);
  g_free (fixture->base_id);
  g_free (fixture->dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  /* The hang guard: resuming 100,000 rows (after a wait for the killed
   * run's requests) takes up to a minute on a loaded machine; a hang is
   * still caught. */
  g_setenv ("HANGAR_TEST_WAIT_S", "240", FALSE);

  g_test_add ("/hangar/cli/import-big/create-killed-resumed", Fixture, NULL, fixture_set_up, test_create_resume,
              fixture_tear_down);
  g_test_add ("/hangar/cli/import-big/create-late-request", Fixture, NULL, fixture_set_up, test_late_request,
              fixture_tear_down);
  g_test_add ("/hangar/cli/import-big/upsert-killed-resumed", Fixture, NULL, fixture_set_up, test_upsert_resume,
              fixture_tear_down);

  return g_test_run ();
}
