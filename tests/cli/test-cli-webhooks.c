/* test-cli-webhooks.c — hangar-cli webhooks against a real sandbox: list,
 * create, payloads page by page, refresh, delete; bad usage sends nothing;
 * API errors exit 1 with the server's type; no token in any output.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "hangar-json.h"
#include "hangar-test.h"

static HangarTestRun *
run_cli_v (HangarTestSandbox *sandbox,
           const char        *first_arg,
           va_list            ap)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(HangarTestSecrets) secrets = hangar_test_secrets_new ();
  g_autofree char *token_env = g_strconcat ("HANGAR_TEST_TOKEN=", sandbox->pat, NULL);
  const char *env[] = { token_env, "AIRTABLE_TOKEN", NULL };
  HangarTestRun *run;

  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  g_ptr_array_add (argv, (char *) "--api-url");
  g_ptr_array_add (argv, sandbox->url);
  g_ptr_array_add (argv, (char *) "--token-env");
  g_ptr_array_add (argv, (char *) "HANGAR_TEST_TOKEN");
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);

  run = hangar_test_run ((const char * const *) argv->pdata, env, NULL);
  hangar_test_secrets_add (secrets, sandbox->pat);
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's stdout", run->out);
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's stderr", run->err);
  g_test_message ("exit %d; stderr: %s", run->status, run->err);
  return run;
}

static HangarTestRun *
run_cli (HangarTestSandbox *sandbox,
         const char        *first_arg,
         ...)
{
  HangarTestRun *run;
  va_list ap;

  va_start (ap, first_arg);
  run = run_cli_v (sandbox, first_arg, ap);
  va_end (ap);
  return run;
}

static JsonObject *
line_object (HangarTestRun *run,
             guint          i)
{
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (g_strv_length (run->lines), >, i);
  node = hangar_json_parse (run->lines[i], -1, 0, NULL, NULL);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
test_webhooks (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  g_autofree char *base = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Product Roadmap");
  g_autofree char *hook = NULL;
  g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks", base);
  gint64 before;

  /* Create: id, secret, expiry. */
  {
    g_autoptr(HangarTestRun) run = run_cli (sandbox, "webhooks", "create", base, "--data-type", "tableData",
                                            "--data-type", "tableFields", NULL);
    g_autoptr(JsonObject) made = NULL;

    g_assert_cmpint (run->status, ==, 0);
    made = line_object (run, 0);
    hook = g_strdup (json_object_get_string_member (made, "id"));
    g_assert_true (g_str_has_prefix (hook, "ach"));
    g_assert_true (json_object_has_member (made, "macSecretBase64"));
    g_assert_true (json_object_has_member (made, "expirationTime"));
  }

  /* List: one line per webhook, as Airtable describes it. */
  {
    g_autoptr(HangarTestRun) run = run_cli (sandbox, "webhooks", "list", base, NULL);
    g_autoptr(JsonObject) listed = NULL;

    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpuint (g_strv_length (run->lines), ==, 1);
    listed = line_object (run, 0);
    g_assert_cmpstr (json_object_get_string_member (listed, "id"), ==, hook);
    g_assert_true (json_object_get_boolean_member (listed, "isHookEnabled"));
    g_assert_false (json_object_has_member (listed, "macSecretBase64"));
  }

  /* Three writes, three payloads: read two pages of at most two. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"fields\":{\"Title\":\"cli %u\"}}", i);
      g_autoptr(JsonNode) made = NULL;
      guint status = 0;

      made = hangar_test_sandbox_request (sandbox, "POST", path, sandbox->pat, body, &status);
      g_assert_cmpuint (status, ==, 200);
    }
  {
    g_autoptr(HangarTestRun) run = run_cli (sandbox, "webhooks", "payloads", base, hook, "--limit", "2", "--all", NULL);
    g_autoptr(JsonObject) first = NULL;
    g_autoptr(JsonObject) second = NULL;

    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpuint (g_strv_length (run->lines), ==, 2);
    first = line_object (run, 0);
    second = line_object (run, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "payloads")), ==, 2);
    g_assert_true (json_object_get_boolean_member (first, "mightHaveMore"));
    g_assert_cmpint (json_object_get_int_member (first, "cursor"), ==, 3);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (second, "payloads")), ==, 1);
    g_assert_false (json_object_get_boolean_member (second, "mightHaveMore"));
    g_assert_cmpint (json_object_get_int_member (second, "cursor"), ==, 4);
  }
  {
    g_autoptr(HangarTestRun) run = run_cli (sandbox, "webhooks", "payloads", base, hook, "--cursor", "4", NULL);
    g_autoptr(JsonObject) page = NULL;

    g_assert_cmpint (run->status, ==, 0);
    page = line_object (run, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page, "payloads")), ==, 0);
    g_assert_cmpint (json_object_get_int_member (page, "cursor"), ==, 4);
  }

  /* Refresh: a new expiry. */
  {
    g_autoptr(HangarTestRun) run = run_cli (sandbox, "webhooks", "refresh", base, hook, NULL);
    g_autoptr(JsonObject) refreshed = NULL;

    g_assert_cmpint (run->status, ==, 0);
    refreshed = line_object (run, 0);
    g_assert_true (json_object_has_member (refreshed, "expirationTime"));
  }

  /* Bad usage: exit 2, nothing sent. */
  before = hangar_test_sandbox_stat (sandbox, "requests");
  {
    g_autoptr(HangarTestRun) a = run_cli (sandbox, "webhooks", "payloads", base, hook, "--cursor", "0", NULL);
    g_autoptr(HangarTestRun) b = run_cli (sandbox, "webhooks", "payloads", base, hook, "--limit", "51", NULL);
    g_autoptr(HangarTestRun) c = run_cli (sandbox, "webhooks", "create", base, "--spec", "{not json", NULL);
    g_autoptr(HangarTestRun) d = run_cli (sandbox, "webhooks", "delete", base, "..", NULL);
    g_autoptr(HangarTestRun) e = run_cli (sandbox, "webhooks", "frobnicate", base, NULL);
    g_autoptr(HangarTestRun) f = run_cli (sandbox, "webhooks", "list", NULL);
    g_autoptr(HangarTestRun) g = run_cli (sandbox, "webhooks", "create", base, "--spec", "{}", "--scope", "tblX", NULL);

    g_assert_cmpint (a->status, ==, 2);
    g_assert_cmpint (b->status, ==, 2);
    g_assert_cmpint (c->status, ==, 2);
    g_assert_cmpint (d->status, ==, 2);
    g_assert_cmpint (e->status, ==, 2);
    g_assert_cmpint (f->status, ==, 2);
    g_assert_cmpint (g->status, ==, 2);
  }
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "requests"), ==, before);

  /* The server refuses: exit 1 with its type. */
  {
    g_autoptr(HangarTestRun) run = run_cli (sandbox, "webhooks", "create", base, "--data-type", "nonsense", NULL);

    g_assert_cmpint (run->status, ==, 1);
    g_assert_nonnull (strstr (run->err, "INVALID_FILTERS"));
  }

  /* Delete; then it is gone (404: exit 1). */
  {
    g_autoptr(HangarTestRun) run = run_cli (sandbox, "webhooks", "delete", base, hook, NULL);
    g_autoptr(JsonObject) deleted = NULL;

    g_assert_cmpint (run->status, ==, 0);
    deleted = line_object (run, 0);
    g_assert_true (json_object_get_boolean_member (deleted, "deleted"));
  }
  {
    g_autoptr(HangarTestRun) run = run_cli (sandbox, "webhooks", "payloads", base, hook, NULL);
    g_autoptr(HangarTestRun) listed = run_cli (sandbox, "webhooks", "list", base, NULL);

    g_assert_cmpint (run->status, ==, 1);
    g_assert_cmpint (listed->status, ==, 0);
    g_assert_cmpuint (g_strv_length (listed->lines), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/cli/webhooks", test_webhooks);
  return g_test_run ();
}
