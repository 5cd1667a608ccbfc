/* test-cli-input.c — hangar-cli against hostile or careless input from the
 * user: stdin lines and --data too long or too deep, whitespace and CRLF
 * around valid lines. Run as a subprocess against a real hangar-sandbox,
 * whose request count shows that nothing was sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-cli-common.h"

#include <json-glib/json-glib.h>

#include "hangar-test-sandbox.h"

/* A limit on the CLI's address space far below what holding a 200 MB line
 * needs (the libraries and thread stacks take about 60 MB of it). */
#define RLIMIT_BYTES (160 * 1024 * 1024)

static HangarTestSandbox *sandbox;
static char *base_id;

static gint64
requests (void)
{
  return hangar_test_sandbox_stat (sandbox, "requests");
}

static CliRun *
run_cli (CliOptions  *opts,
         const char  *first_arg,
         ...)
{
  const char *env[] = { "HANGAR_TEST_TOKEN", sandbox->pat, NULL };
  CliOptions defaults = { 0 };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  CliRun *run;
  va_list ap;

  if (opts == NULL)
    opts = &defaults;
  opts->env = env;
  g_ptr_array_add (args, (char *) "--api-url");
  g_ptr_array_add (args, sandbox->url);
  g_ptr_array_add (args, (char *) "--token-env");
  g_ptr_array_add (args, (char *) "HANGAR_TEST_TOKEN");
  g_ptr_array_add (args, (char *) "--no-pacing");
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  run = cli_runv (opts, (const char * const *) args->pdata);
  g_assert_null (strstr (run->out, sandbox->pat));
  g_assert_null (strstr (run->err, sandbox->pat));
  return run;
}

/* A 200 MB line is refused without being read into memory (the limit
 * would kill a CLI that tried) and nothing is sent. */
static void
test_line_too_long (void)
{
  const char *writes[][2] = { { "create", NULL }, { "upsert", "--merge-on" } };
  gint64 before = requests ();

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      CliOptions opts = {
        .shell_input = "{ printf '{\"Name\":\"ok\"}\\n{\"Name\":\"'; "
                       "head -c 200000000 /dev/zero | tr '\\000' a; printf '\"}\\n{\"Name\":\"ok\"}\\n'; }",
        .rlimit_as = RLIMIT_BYTES,
      };
      g_autoptr(CliRun) run = NULL;

      run = run_cli (&opts, "records", writes[i][0], base_id, "People",
                     writes[i][1] ? writes[i][1] : "--typecast", writes[i][1] ? "Name" : NULL, NULL);
      g_assert_cmpint (run->status, ==, 2);
      g_assert_nonnull (strstr (run->err, "stdin line 2: longer than 2097152 bytes"));
      g_assert_nonnull (strstr (run->err, "nothing was sent"));
      g_assert_null (strstr (run->err, "line 1:"));
      g_assert_null (strstr (run->err, "line 3:"));
      g_assert_cmpstr (run->out, ==, "");
    }
  g_assert_cmpint (requests (), ==, before);
}

/* The limit is exact: 2 MB of JSON is read, one byte more is not. */
static void
test_line_limit_exact (void)
{
  /* {"Name":"…"} is 11 bytes besides the digits. */
  g_autofree char *at_limit = g_strdup_printf ("{\"Name\":\"%0*d\"}\n", 2097152 - 11, 0);
  g_autofree char *over = g_strdup_printf ("{\"Name\":\"%0*d\"}\r\n", 2097152 - 10, 0);
  gint64 before = requests ();

  /* At the limit it is read and parsed; the sandbox then refuses the
   * request body (its JSON wrapping is larger than 2 MB): exit 1, sent. */
  {
    CliOptions opts = { .input = at_limit };
    g_autoptr(CliRun) run = run_cli (&opts, "records", "create", base_id, "People", NULL);

    g_assert_cmpint (strlen (at_limit), ==, 2097152 + 1);
    g_assert_null (strstr (run->err, "longer than"));
    g_assert_cmpint (requests (), >, before);
  }
  before = requests ();
  {
    CliOptions opts = { .input = over };
    g_autoptr(CliRun) run = run_cli (&opts, "records", "create", base_id, "People", NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "stdin line 1: longer than 2097152 bytes"));
  }
  g_assert_cmpint (requests (), ==, before);
}

static char *
nested (const char *prefix,
        guint       depth,
        const char *suffix)
{
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  g_string_append (s, suffix);
  return g_string_free (s, FALSE);
}

/* Nesting that would overflow json-glib's recursion: exit 2, nothing sent,
 * from every command that reads JSON from the user. */
static void
test_deep_nesting (void)
{
  g_autofree char *fields = nested ("{\"Name\":\"x\",\"Notes\":", 100000, "}\n");
  g_autofree char *update = nested ("{\"id\":\"rec00000000000000\",\"fields\":{\"Notes\":", 100000, "}}\n");
  g_autofree char *body = nested ("{\"records\":", 100000, "}");
  g_autofree char *path = g_strdup_printf ("/v0/%s/People", base_id);
  gint64 before = requests ();

  {
    CliOptions opts = { .input = fields };
    g_autoptr(CliRun) run = run_cli (&opts, "records", "create", base_id, "People", NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "stdin line 1: not JSON"));
    g_assert_nonnull (strstr (run->err, "nested deeper than 128 levels"));
    g_assert_nonnull (strstr (run->err, "nothing was sent"));
  }
  {
    CliOptions opts = { .input = update };
    g_autoptr(CliRun) run = run_cli (&opts, "records", "update", base_id, "People", NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "nested deeper than 128 levels"));
  }
  {
    CliOptions opts = { .input = fields };
    g_autoptr(CliRun) run = run_cli (&opts, "records", "upsert", base_id, "People", "--merge-on", "Name", NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "nested deeper than 128 levels"));
  }
  {
    CliOptions opts = { .input = body };
    g_autoptr(CliRun) run = run_cli (&opts, "request", "POST", path, "--data", "-", NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "--data is not JSON"));
    g_assert_nonnull (strstr (run->err, "nested deeper than 128 levels"));
  }
  {
    g_autofree char *arg = nested ("{\"records\":", 20000, "}");
    g_autoptr(CliRun) run = run_cli (NULL, "request", "POST", path, "--data", arg, NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "nested deeper than 128 levels"));
  }
  g_assert_cmpint (requests (), ==, before);
}

/* request --data - reads no more than could be sent. */
static void
test_data_too_long (void)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/People", base_id);
  CliOptions opts = {
    .shell_input = "{ printf '{\"records\":[{\"fields\":{\"Name\":\"'; head -c 200000000 /dev/zero | tr '\\000' a; "
                   "printf '\"}}]}'; }",
    .rlimit_as = RLIMIT_BYTES,
  };
  gint64 before = requests ();
  g_autoptr(CliRun) run = run_cli (&opts, "request", "POST", path, "--data", "-", NULL);

  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "stdin is longer than 2097152 bytes"));
  g_assert_nonnull (strstr (run->err, "nothing was sent"));
  g_assert_cmpint (requests (), ==, before);
}

/* Whitespace around a valid line, CRLF line ends, blank lines: accepted. */
static void
test_whitespace_and_crlf (void)
{
  CliOptions opts = {
    .input = "  {\"Name\":\"spaced\"}  \r\n"
             "\t{\"Name\":\"tabbed\"}\t\r\n"
             "\r\n"
             "   \n"
             "\xef\xbb\xbf{\"Name\":\"with a byte order mark\"}\n"
             "{\"Name\":\"last, no newline\"}",
  };
  g_autoptr(CliRun) run = run_cli (&opts, "records", "create", base_id, "People", NULL);
  g_auto(GStrv) lines = g_strsplit (run->out, "\n", -1);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  g_assert_cmpuint (g_strv_length (lines), ==, 5);  /* four records and the empty rest */
  g_assert_nonnull (strstr (lines[0], "\"Name\":\"spaced\""));
  g_assert_nonnull (strstr (lines[1], "\"Name\":\"tabbed\""));
  g_assert_nonnull (strstr (lines[2], "\"Name\":\"with a byte order mark\""));
  g_assert_nonnull (strstr (lines[3], "\"Name\":\"last, no newline\""));

  /* Bad lines are still reported by number, after blank ones too. */
  {
    CliOptions bad = { .input = "{\"Name\":\"a\"}\r\n\r\n{\"Name\":\"b\"\r\n\xff\xfe\n" };
    gint64 before = requests ();
    g_autoptr(CliRun) refused = run_cli (&bad, "records", "create", base_id, "People", NULL);

    g_assert_cmpint (refused->status, ==, 2);
    g_assert_nonnull (strstr (refused->err, "stdin line 3: not JSON"));
    g_assert_nonnull (strstr (refused->err, "stdin line 4: not JSON"));
    g_assert_nonnull (strstr (refused->err, "not UTF-8"));
    g_assert_cmpint (requests (), ==, before);
  }
}

/* "." and ".." (and anything else that is no identifier) as BASE, TABLE
 * or RECORD: URL normalisation would send the request to another endpoint
 * ("records delete appX .. recA" would be DELETE /v0/?records[]=recA).
 * Refused with exit 2 before anything is sent or read. */
static void
test_dot_segments (void)
{
  const char *bad[] = { ".", "..", "", "tab\tle", "new\nline" };
  gint64 before = requests ();

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      struct { const char *args[8]; const char *what; } cases[] = {
        { { "schema", bad[i], NULL }, "base" },
        { { "records", "list", base_id, bad[i], NULL }, "table" },
        { { "records", "list", bad[i], "People", NULL }, "base" },
        { { "records", "get", base_id, "People", bad[i], NULL }, "record" },
        { { "records", "create", base_id, bad[i], NULL }, "table" },
        { { "records", "upsert", bad[i], "People", "--merge-on", "Name", NULL }, "base" },
        { { "records", "delete", base_id, "People", "recAAAAAAAAAAAAAA", bad[i], NULL }, "record" },
        { { "records", "delete", base_id, bad[i], "recAAAAAAAAAAAAAA", NULL }, "table" },
      };

      for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
        {
          const char *env[] = { "HANGAR_TEST_TOKEN", sandbox->pat, NULL };
          g_autoptr(GPtrArray) args = g_ptr_array_new ();
          CliOptions opts = { .input = "{\"Name\":\"never sent\"}\n", .env = env };
          g_autoptr(CliRun) run = NULL;

          g_ptr_array_add (args, (char *) "--api-url");
          g_ptr_array_add (args, sandbox->url);
          g_ptr_array_add (args, (char *) "--token-env");
          g_ptr_array_add (args, (char *) "HANGAR_TEST_TOKEN");
          for (guint a = 0; cases[c].args[a] != NULL; a++)
            g_ptr_array_add (args, (char *) cases[c].args[a]);
          g_ptr_array_add (args, NULL);
          run = cli_runv (&opts, (const char * const *) args->pdata);
          g_assert_cmpint (run->status, ==, 2);
          g_assert_nonnull (strstr (run->err, cases[c].what));
          g_assert_nonnull (strstr (run->err, "nothing was sent"));
          g_assert_false (has_raw_control (run->err, "\n\t"));
        }
    }

  /* The generic request: the path is checked by the client library. */
  {
    const char *paths[] = { "/v0/appX/../meta/whoami", "/v0/%2e%2e/meta/whoami", "/v0/./meta/bases" };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autoptr(CliRun) run = run_cli (NULL, "request", "GET", paths[i], NULL);

        g_assert_cmpint (run->status, ==, 2);
        g_assert_nonnull (strstr (run->err, "segment"));
      }
  }
  /* An update line whose id is no record id. */
  {
    CliOptions opts = { .input = "{\"id\":\"..\",\"fields\":{\"Name\":\"x\"}}\n" };
    g_autoptr(CliRun) run = run_cli (&opts, "records", "update", base_id, "People", NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "stdin line 1"));
  }
  g_assert_cmpint (requests (), ==, before);
}

/* A token goes over https, or plain http to this machine; nothing but
 * http(s) is a URL for the API. Refused with exit 2, nothing sent. */
static void
test_api_url (void)
{
  const char *bad[] = {
    "http://example.com", "http://10.0.0.1:8470", "http://[bad", "ftp://127.0.0.1:21",
    "file:///etc/passwd", "javascript:alert(1)", "https://user:pw@example.com",
    "https://example.com/?q=1", "https://example.com/#x", "example.com", "", "http://127.0.0.1:99999",
  };
  const char *env[] = { "HANGAR_TEST_TOKEN", sandbox->pat, "HANGAR_TEST_PAT", sandbox->pat, NULL };
  gint64 before = requests ();

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *data_args[] = { "--api-url", bad[i], "--token-env", "HANGAR_TEST_TOKEN", "bases", NULL };
      const char *connect_args[] = { "--api-url", bad[i], "connect", "never", "--pat-env", "HANGAR_TEST_PAT", NULL };
      CliOptions opts = { .env = env };
      g_autoptr(CliRun) data = cli_runv (&opts, data_args);
      g_autoptr(CliRun) connect = cli_runv (&opts, connect_args);

      g_assert_cmpint (data->status, ==, 2);
      g_assert_nonnull (strstr (data->err, "--api-url"));
      g_assert_cmpint (connect->status, ==, 2);
      g_assert_null (strstr (data->err, sandbox->pat));
    }
  /* Loopback http is fine (this is how the sandbox is reached). */
  {
    g_autoptr(CliRun) run = run_cli (NULL, "bases", NULL);

    g_assert_cmpint (run->status, ==, 0);
    before++;
  }
  g_assert_cmpint (requests (), ==, before);
  /* No account was left behind by the refused connects. */
  {
    const char *args[] = { "accounts", "--format", "jsonl", NULL };
    g_autoptr(CliRun) run = cli_runv (NULL, args);

    g_assert_cmpint (run->status, ==, 0);
    g_assert_null (strstr (run->out, "\"never\""));
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  signal (SIGPIPE, SIG_IGN);

  sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Product Roadmap");
  g_assert_nonnull (base_id);

  g_test_add_func ("/hangar/cli/input/line-too-long", test_line_too_long);
  g_test_add_func ("/hangar/cli/input/line-limit-exact", test_line_limit_exact);
  g_test_add_func ("/hangar/cli/input/deep-nesting", test_deep_nesting);
  g_test_add_func ("/hangar/cli/input/data-too-long", test_data_too_long);
  g_test_add_func ("/hangar/cli/input/whitespace-and-crlf", test_whitespace_and_crlf);
  g_test_add_func ("/hangar/cli/input/dot-segments", test_dot_segments);
  g_test_add_func ("/hangar/cli/input/api-url", test_api_url);

  status = g_test_run ();
  hangar_test_sandbox_stop (sandbox);
  g_free (base_id);
  return status;
}
