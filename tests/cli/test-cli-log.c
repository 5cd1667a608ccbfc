/* test-cli-log.c — requests made with `hangar-cli -a LABEL` land in the
 * account's request log, `hangar-cli log` shows it with its filters, several
 * processes write it at once, no token or query value reaches the file,
 * and disconnect deletes it. Real processes, a real sandbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "hangar-test.h"

typedef struct
{
  HangarTestSandbox *sandbox;
  HangarTestSecrets *secrets;
} Fixture;

static HangarTestRun *
cli (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  HangarTestRun *run;
  va_list ap;

  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  run = hangar_test_run ((const char * const *) argv->pdata, NULL, NULL);
  hangar_test_secrets_assert_not_in_text (f->secrets, "hangar-cli's stdout", run->out);
  hangar_test_secrets_assert_not_in_text (f->secrets, "hangar-cli's stderr", run->err);
  return run;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HangarTestRun) run = NULL;

  hangar_test_isolate_home ();
  hangar_test_use_file_keyring (NULL);
  /* Six processes at once would share 5 requests/s per base otherwise. */
  f->sandbox = hangar_test_sandbox_start ("--quiet", "--no-rate-limit", NULL);
  f->secrets = hangar_test_secrets_new ();
  hangar_test_secrets_add (f->secrets, f->sandbox->pat);
  g_setenv ("TEST_PAT", f->sandbox->pat, TRUE);

  run = cli (f, "connect", "work", "--pat-env", "TEST_PAT", "--api-url", f->sandbox->url, NULL);
  g_assert_cmpint (run->status, ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unsetenv ("TEST_PAT");
  g_clear_pointer (&f->secrets, hangar_test_secrets_free);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
}

static JsonObject *
parse_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
state_path (void)
{
  /* The one account's directory under the data dir. */
  g_autofree char *dir = g_build_filename (g_getenv ("XDG_DATA_HOME"), "hangar", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "acc"))
      return g_build_filename (dir, name, "state.sqlite", NULL);
  return NULL;
}

static void
test_log (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(HangarTestRun) bases = NULL;
  g_autoptr(HangarTestRun) denied = NULL;
  g_autoptr(HangarTestRun) whoami = NULL;
  g_autoptr(HangarTestRun) text = NULL;
  g_autoptr(HangarTestRun) errors = NULL;
  g_autoptr(HangarTestRun) recent = NULL;
  g_autoptr(HangarTestRun) future = NULL;
  g_autoptr(HangarTestRun) base = NULL;
  g_autoptr(HangarTestRun) bad_since = NULL;
  g_autoptr(HangarTestRun) no_account = NULL;
  g_autoptr(HangarTestSecrets) values = hangar_test_secrets_new ();
  g_autoptr(JsonObject) row = NULL;
  g_autofree char *path = NULL;

  /* Nothing logged yet: connecting talks to the token endpoint, not the API. */
  text = cli (f, "log", NULL);
  g_assert_cmpint (text->status, ==, 0);
  g_assert_cmpuint (g_strv_length (text->lines), ==, 0);
  g_clear_pointer (&text, hangar_test_run_free);

  bases = cli (f, "-a", "work", "bases", NULL);
  g_assert_cmpint (bases->status, ==, 0);
  denied = cli (f, "-a", "work", "schema", "appNOTGRANTED0000", NULL);
  g_assert_cmpint (denied->status, ==, 1);
  whoami = cli (f, "-a", "work", "request", "GET", "/v0/meta/whoami", "-p", "q=QUERYVALUE-55", NULL);
  g_assert_cmpint (whoami->status, ==, 0);

  text = cli (f, "log", NULL);
  g_assert_cmpint (text->status, ==, 0);
  g_assert_cmpuint (g_strv_length (text->lines), ==, 3);
  /* Oldest first, with the account, the program, method, status and path. */
  g_assert_nonnull (strstr (text->lines[0], "  work  cli  GET    200 "));
  g_assert_nonnull (strstr (text->lines[0], "/v0/meta/bases"));
  g_assert_nonnull (strstr (text->lines[1], " 403 "));
  g_assert_nonnull (strstr (text->lines[1], "/v0/meta/bases/appNOTGRANTED0000/tables"));
  g_assert_nonnull (strstr (text->lines[1], "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND"));
  g_assert_nonnull (strstr (text->lines[2], "/v0/meta/whoami?q"));
  g_assert_null (strstr (text->out, "QUERYVALUE"));

  errors = cli (f, "log", "--errors", "--format", "jsonl", NULL);
  g_assert_cmpint (errors->status, ==, 0);
  g_assert_cmpuint (g_strv_length (errors->lines), ==, 1);
  row = parse_line (errors->lines[0]);
  g_assert_cmpstr (json_object_get_string_member (row, "account"), ==, "work");
  g_assert_cmpstr (json_object_get_string_member (row, "source"), ==, "cli");
  g_assert_cmpstr (json_object_get_string_member (row, "method"), ==, "GET");
  g_assert_cmpint (json_object_get_int_member (row, "status"), ==, 403);
  g_assert_cmpstr (json_object_get_string_member (row, "base"), ==, "appNOTGRANTED0000");
  g_assert_cmpstr (json_object_get_string_member (row, "error_type"), ==, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND");
  g_assert_cmpint (json_object_get_int_member (row, "retries"), ==, 0);
  g_assert_cmpfloat (json_object_get_double_member (row, "duration_ms"), >, 0);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (row, "time"), "Z"));

  recent = cli (f, "-a", "work", "log", "--since", "1h", NULL);
  g_assert_cmpuint (g_strv_length (recent->lines), ==, 3);
  future = cli (f, "log", "-a", "work", "--since", "2999-01-01", NULL);
  g_assert_cmpint (future->status, ==, 0);
  g_assert_cmpuint (g_strv_length (future->lines), ==, 0);
  base = cli (f, "log", "--base", "appNOTGRANTED0000", "--format", "jsonl", NULL);
  g_assert_cmpuint (g_strv_length (base->lines), ==, 1);

  bad_since = cli (f, "log", "--since", "yesterday-ish", NULL);
  g_assert_cmpint (bad_since->status, ==, 2);
  no_account = cli (f, "log", "-a", "nobody", NULL);
  g_assert_cmpint (no_account->status, ==, 1);

  /* The database never holds the token or a query value. */
  path = state_path ();
  g_assert_nonnull (path);
  hangar_test_secrets_add (values, "QUERYVALUE-55");
  hangar_test_secrets_add (values, f->sandbox->pat);
  g_assert_cmpuint (hangar_test_secrets_assert_not_in_xdg_dirs (values), >, 0);
}

/* Several hangar-cli processes logging into one database at once. */
static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  GSubprocess *procs[6];
  g_autoptr(HangarTestRun) log = NULL;
  g_autofree char *base = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, "Product Roadmap");
  g_autoptr(GPtrArray) ids = hangar_test_sandbox_list_ids (f->sandbox, base, "People", NULL);
  guint pages = (ids->len + 1) / 2;

  g_assert_cmpuint (ids->len, >, 2);
  for (guint i = 0; i < G_N_ELEMENTS (procs); i++)
    {
      const char *argv[] = { HANGAR_CLI_PATH, "--no-pacing", "-a", "work", "records", "list", base, "People", "--page-size", "2", NULL };

      procs[i] = hangar_test_spawn (argv, NULL, FALSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (procs); i++)
    {
      g_autoptr(HangarTestRun) run = hangar_test_finish (procs[i], NULL);

      g_assert_cmpint (run->status, ==, 0);
      /* Each one opened the log, also the ones that created it at once. */
      g_assert_null (strstr (run->err, "not logged"));
      g_object_unref (procs[i]);
    }

  /* Every page of every process logged. */
  log = cli (f, "log", "--format", "jsonl", NULL);
  g_assert_cmpint (log->status, ==, 0);
  g_assert_cmpuint (g_strv_length (log->lines), ==, G_N_ELEMENTS (procs) * pages);
}

/* The MCP server's calls are in the log as its own. */
static void
test_mcp (Fixture       *f,
          gconstpointer  data)
{
  const char *argv[] = { HANGAR_CLI_PATH, "mcp", "-a", "work", NULL };
  const char *input =
    "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
    "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}\n"
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_bases\",\"arguments\":{}}}\n";
  g_autoptr(HangarTestRun) served = hangar_test_run (argv, NULL, input);
  g_autoptr(HangarTestRun) log = cli (f, "log", "--format", "jsonl", NULL);
  g_autoptr(JsonObject) row = NULL;

  g_assert_cmpint (served->status, ==, 0);
  g_assert_nonnull (strstr (served->out, "\"id\":1"));
  g_assert_cmpuint (g_strv_length (log->lines), ==, 1);
  row = parse_line (log->lines[0]);
  g_assert_cmpstr (json_object_get_string_member (row, "source"), ==, "mcp");
  g_assert_cmpstr (json_object_get_string_member (row, "path"), ==, "/v0/meta/bases");
  g_assert_cmpint (json_object_get_int_member (row, "status"), ==, 200);
}

/* Disconnecting deletes the account's local databases with it. */
static void
test_disconnect (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HangarTestRun) bases = cli (f, "-a", "work", "bases", NULL);
  g_autoptr(HangarTestRun) gone = NULL;
  g_autofree char *path = state_path ();

  g_assert_cmpint (bases->status, ==, 0);
  g_assert_nonnull (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  gone = cli (f, "disconnect", "work", NULL);
  g_assert_cmpint (gone->status, ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/hangar/cli/log/filters", Fixture, NULL, fixture_setup, test_log, fixture_teardown);
  g_test_add ("/hangar/cli/log/concurrent", Fixture, NULL, fixture_setup, test_concurrent, fixture_teardown);
  g_test_add ("/hangar/cli/log/disconnect", Fixture, NULL, fixture_setup, test_disconnect, fixture_teardown);
  g_test_add ("/hangar/cli/log/mcp", Fixture, NULL, fixture_setup, test_mcp, fixture_teardown);
  return g_test_run ();
}
