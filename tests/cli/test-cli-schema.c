/* test-cli-schema.c — schema create-table, create-field, update-table and
 * update-field: the built hangar-cli against a real hangar-sandbox; what
 * breaks Airtable's rules is refused before anything is written, and the
 * sandbox's request count shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "hangar-test.h"

typedef struct
{
  HangarTestSandbox *sandbox;
  char              *base_id;
} Fixture;

/* Runs hangar-cli against the sandbox with @token (through --token-env);
 * neither token shows in its output. */
static HangarTestRun *
run_cli_token (Fixture            *fixture,
               const char         *token,
               const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(HangarTestSecrets) secrets = hangar_test_secrets_new ();
  g_autofree char *token_env = g_strconcat ("HANGAR_TEST_TOKEN=", token, NULL);
  const char *env[] = { token_env, "AIRTABLE_TOKEN", NULL };
  HangarTestRun *run;

  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  g_ptr_array_add (argv, (char *) "--api-url");
  g_ptr_array_add (argv, fixture->sandbox->url);
  g_ptr_array_add (argv, (char *) "--token-env");
  g_ptr_array_add (argv, (char *) "HANGAR_TEST_TOKEN");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  run = hangar_test_run ((const char * const *) argv->pdata, env, NULL);
  hangar_test_secrets_add (secrets, token);
  hangar_test_secrets_add (secrets, fixture->sandbox->pat);
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's stdout", run->out);
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's stderr", run->err);
  g_test_message ("exit %d; stderr: %s", run->status, run->err);
  return run;
}

#define run_cli(fixture, ...) \
  run_cli_token ((fixture), (fixture)->sandbox->pat, (const char * const[]) { __VA_ARGS__, NULL })

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* The base's schema now, straight from the sandbox. */
static JsonObject *
table_now (Fixture    *fixture,
           const char *name)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", fixture->base_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (fixture->sandbox, path);
  JsonArray *tables = json_object_get_array_member (json_node_get_object (node), "tables");

  for (guint i = 0; i < json_array_get_length (tables); i++)
    {
      JsonObject *table = json_array_get_object_element (tables, i);

      if (g_str_equal (json_object_get_string_member (table, "name"), name))
        return json_object_ref (table);
    }
  return NULL;
}

static JsonObject *
field_of (JsonObject *table,
          const char *name)
{
  JsonArray *fields = json_object_get_array_member (table, "fields");

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);

      if (g_str_equal (json_object_get_string_member (field, "name"), name))
        return field;
    }
  return NULL;
}

static gint64
requests (Fixture *fixture)
{
  return hangar_test_sandbox_stat (fixture->sandbox, "requests");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  fixture->base_id = hangar_test_sandbox_base_id (fixture->sandbox, fixture->sandbox->pat, "Product Roadmap");
  g_assert_nonnull (fixture->base_id);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->sandbox, hangar_test_sandbox_stop);
  g_free (fixture->base_id);
}

/* A table with a field of several types and their options, then fields
 * added one by one, as Airtable answered them. */
static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(HangarTestRun) run = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) table = NULL;
  g_autoptr(JsonObject) projects = table_now (fixture, "Projects");
  g_autofree char *link_options = NULL;
  JsonObject *field;
  JsonArray *choices;

  run = run_cli (fixture, "schema", "create-table", fixture->base_id, "Bugs",
                 "--description", "Reported bugs",
                 "--field", "Title:singleLineText",
                 "--field", "Severity:singleSelect:{\"choices\":[{\"name\":\"High\",\"color\":\"redBright\"},{\"name\":\"Low\",\"color\":\"grayLight2\"}]}",
                 "-f", "Reported at:dateTime:{\"dateFormat\":{\"name\":\"european\"},\"timeFormat\":{\"name\":\"12hour\"},\"timeZone\":\"Europe/Paris\"}",
                 "-f", "Ratio: with colon:percent:{\"precision\":1}");
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  /* One line of JSON: the table Airtable created. */
  g_assert_cmpuint (g_strv_length (run->lines), ==, 1);
  answer = parse_object (run->lines[0]);
  g_assert_cmpstr (json_object_get_string_member (answer, "name"), ==, "Bugs");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (answer, "id"), "tbl"));

  table = table_now (fixture, "Bugs");
  g_assert_nonnull (table);
  g_assert_cmpstr (json_object_get_string_member (table, "description"), ==, "Reported bugs");
  g_assert_cmpstr (json_object_get_string_member (table, "primaryFieldId"), ==,
                   json_object_get_string_member (field_of (table, "Title"), "id"));
  choices = json_object_get_array_member (json_object_get_object_member (field_of (table, "Severity"), "options"), "choices");
  g_assert_cmpuint (json_array_get_length (choices), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (choices, 1), "color"), ==, "grayLight2");
  field = json_object_get_object_member (field_of (table, "Reported at"), "options");
  g_assert_cmpstr (json_object_get_string_member (field, "timeZone"), ==, "Europe/Paris");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (field, "timeFormat"), "format"), ==, "h:mma");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (field, "dateFormat"), "format"), ==, "D/M/YYYY");
  /* A name with a colon: the type is the first known one after a colon. */
  g_assert_nonnull (field_of (table, "Ratio: with colon"));

  /* Fields one by one: a rating, a checkbox, a link (Airtable adds the
   * inverse field in the linked table), currency, a description. */
  g_clear_pointer (&run, hangar_test_run_free);
  run = run_cli (fixture, "schema", "create-field", fixture->base_id, "Bugs", "Stars", "rating",
                 "--options", "{\"icon\":\"heart\",\"color\":\"pinkBright\",\"max\":7}", "--description", "How bad");
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&answer, json_object_unref);
  answer = parse_object (run->lines[0]);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (answer, "id"), "fld"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (answer, "options"), "max"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (answer, "description"), ==, "How bad");

  g_clear_pointer (&run, hangar_test_run_free);
  run = run_cli (fixture, "schema", "create-field", fixture->base_id, "Bugs", "Fixed", "checkbox",
                 "-o", "{\"icon\":\"thumbsUp\",\"color\":\"tealBright\"}");
  g_assert_cmpint (run->status, ==, 0);

  link_options = g_strdup_printf ("{\"linkedTableId\":\"%s\"}", json_object_get_string_member (projects, "id"));
  g_clear_pointer (&run, hangar_test_run_free);
  run = run_cli (fixture, "schema", "create-field", fixture->base_id, "bugs",
                 "Project", "multipleRecordLinks", "--options", link_options, "--pretty");
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&answer, json_object_unref);
  answer = parse_object (run->out);   /* --pretty: indented, still one object */
  g_assert_cmpuint (g_strv_length (run->lines), >, 1);
  {
    g_autoptr(JsonObject) projects_after = table_now (fixture, "Projects");
    const char *inverse_id = json_object_get_string_member (json_object_get_object_member (answer, "options"),
                                                            "inverseLinkFieldId");
    JsonObject *inverse = field_of (projects_after, "Bugs");

    g_assert_nonnull (inverse);
    g_assert_cmpstr (json_object_get_string_member (inverse, "id"), ==, inverse_id);
  }

  g_clear_pointer (&run, hangar_test_run_free);
  run = run_cli (fixture, "schema", "create-field", fixture->base_id, "Bugs", "Cost", "currency",
                 "--options", "{\"precision\":0,\"symbol\":\"kr\"}");
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&table, json_object_unref);
  table = table_now (fixture, "Bugs");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (field_of (table, "Cost"), "options"),
                                                  "symbol"), ==, "kr");
  g_assert_nonnull (field_of (table, "Fixed"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (table, "fields")), ==, 8);
}

/* Rename a table and a field, change descriptions and a formula; the
 * field keeps its id. */
static void
test_update (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonObject) tasks = table_now (fixture, "Tasks");
  g_autofree char *points_id = g_strdup (json_object_get_string_member (field_of (tasks, "Points"), "id"));
  g_autoptr(HangarTestRun) run = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) after = NULL;

  run = run_cli (fixture, "schema", "update-field", fixture->base_id, "Tasks", "points",
                 "--name", "Story points", "--description", "Fibonacci, please");
  g_assert_cmpint (run->status, ==, 0);
  answer = parse_object (run->lines[0]);
  g_assert_cmpstr (json_object_get_string_member (answer, "id"), ==, points_id);
  g_assert_cmpstr (json_object_get_string_member (answer, "name"), ==, "Story points");

  /* By id too. */
  g_clear_pointer (&run, hangar_test_run_free);
  run = run_cli (fixture, "schema", "update-field", fixture->base_id, json_object_get_string_member (tasks, "id"),
                 points_id, "--name", "Points");
  g_assert_cmpint (run->status, ==, 0);

  /* A formula field's text. */
  g_clear_pointer (&run, hangar_test_run_free);
  run = run_cli (fixture, "schema", "update-field", fixture->base_id, "Tasks", "Late",
                 "--formula", "AND(NOT({Done}), {Points} > 3)");
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&answer, json_object_unref);
  answer = parse_object (run->lines[0]);
  {
    const char *formula = json_object_get_string_member (json_object_get_object_member (answer, "options"), "formula");
    g_autofree char *expected = g_strdup_printf ("{%s} > 3", points_id);

    /* Airtable answers with field ids in the formula. */
    g_assert_nonnull (strstr (formula, expected));
  }

  g_clear_pointer (&run, hangar_test_run_free);
  run = run_cli (fixture, "schema", "update-table", fixture->base_id, "Tasks", "--name", "Jobs",
                 "--description", "Everything to do");
  g_assert_cmpint (run->status, ==, 0);
  after = table_now (fixture, "Jobs");
  g_assert_nonnull (after);
  g_assert_cmpstr (json_object_get_string_member (after, "id"), ==, json_object_get_string_member (tasks, "id"));
  g_assert_cmpstr (json_object_get_string_member (after, "description"), ==, "Everything to do");
  g_assert_null (table_now (fixture, "Tasks"));
}

typedef struct
{
  const char *args[12];
  const char *needle;
  gint64      n_requests;   /* 0: refused before anything was sent; 1: after reading the schema */
} Refusal;

/* Each breaks a rule: exit 2, a clear message, no write (the schema is
 * what it was), and nothing sent at all when the schema was not needed. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  const Refusal cases[] = {
    { { "create-field", "BASE", "Tasks", "X", "number", "--options", "{\"precision\":9}" }, "from 0 to 8", 0 },
    { { "create-field", "BASE", "Tasks", "X", "number", "--options", "{precision:1}" }, "is not JSON", 0 },
    { { "create-field", "BASE", "Tasks", "X", "number", "--options", "[1]" }, "must be a JSON object", 0 },
    { { "create-field", "BASE", "Tasks", "X", "formula", "--options", "{\"formula\":\"1\"}" }, "cannot create Formula", 0 },
    { { "create-field", "BASE", "Tasks", "X", "sparkles" }, "not a field type", 0 },
    { { "create-field", "BASE", "Tasks", "X", "singleSelect", "-o", "{\"choices\":[{\"name\":\"a\",\"color\":\"blue\"}]}" },
      "colour", 0 },
    { { "create-field", "BASE", "Tasks", "X", "dateTime", "-o", "{\"timeZone\":\"Nowhere/City\"}" }, "not a time zone", 0 },
    { { "create-field", "BASE", "Tasks", "X", "email", "--description", "" }, "cannot be empty", 0 },
    { { "create-table", "BASE", "New", "--field", "Done:checkbox" }, "primary", 0 },
    { { "create-table", "BASE", "New" }, "at least one --field", 0 },
    { { "create-table", "BASE", "New", "--field", "Name" }, "is not NAME:TYPE", 0 },
    { { "create-table", "BASE", "New", "--field", "A:singleLineText", "--field", "a:email" }, "two fields", 0 },
    { { "update-field", "BASE", "Tasks", "Points" }, "nothing to change", 0 },
    { { "update-table", "BASE", "Tasks" }, "nothing to change", 0 },
    { { "update-field", "BASE", "Tasks", "Late", "--formula", "1", "--options", "{}" }, "not both", 0 },
    { { "create-field", "BASE", "..", "X", "email" }, "", 0 },
    /* These need the base's schema: one read, no write. */
    { { "create-table", "BASE", "tasks", "--field", "Name:singleLineText" }, "already has a table", 1 },
    { { "create-field", "BASE", "Tasks", "title", "email" }, "already has a field", 1 },
    { { "create-field", "BASE", "Nope", "X", "email" }, "no table “Nope”", 1 },
    { { "create-field", "BASE", "Tasks", "L", "multipleRecordLinks", "-o", "{\"linkedTableId\":\"tblNOPE\"}" },
      "not a table of this base", 1 },
    { { "update-field", "BASE", "Tasks", "Points", "--options", "{\"precision\":2}" }, "change the options in Airtable", 1 },
    { { "update-field", "BASE", "Tasks", "Project", "-o", "{\"linkedTableId\":\"x\"}" }, "options of a link field", 1 },
    { { "update-field", "BASE", "Tasks", "Nope", "--name", "X" }, "has no field “Nope”", 1 },
    { { "update-field", "BASE", "Tasks", "Points", "--name", "TITLE" }, "already has a field named “Title”", 1 },
    { { "update-table", "BASE", "Tasks", "--name", "people" }, "already has a table named “People”", 1 },
    { { "update-table", "BASE", "Tasks", "--description", "" }, "cannot be empty", 1 },
  };
  g_autoptr(JsonObject) before = table_now (fixture, "Tasks");
  g_autofree char *before_text = NULL;

  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), before);

    before_text = json_to_string (node, FALSE);
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autoptr(HangarTestRun) run = NULL;
      gint64 n_before = requests (fixture);

      g_ptr_array_add (args, (char *) "schema");
      for (guint a = 0; a < G_N_ELEMENTS (cases[i].args) && cases[i].args[a] != NULL; a++)
        g_ptr_array_add (args, (char *) (g_str_equal (cases[i].args[a], "BASE") ? fixture->base_id : cases[i].args[a]));
      g_ptr_array_add (args, NULL);
      run = run_cli_token (fixture, fixture->sandbox->pat, (const char * const *) args->pdata);

      g_assert_cmpint (run->status, ==, 2);
      g_assert_cmpstr (run->out, ==, "");
      g_assert_nonnull (strstr (run->err, cases[i].needle));
      g_assert_nonnull (strstr (run->err, cases[i].n_requests == 0 ? "nothing was sent" : "nothing was written"));
      g_assert_cmpint (requests (fixture) - n_before, ==, cases[i].n_requests);
    }

  /* Nothing changed. */
  {
    g_autoptr(JsonObject) after = table_now (fixture, "Tasks");
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), after);
    g_autofree char *after_text = json_to_string (node, FALSE);

    g_assert_cmpstr (after_text, ==, before_text);
    g_assert_null (table_now (fixture, "New"));
  }
}

/* What only the server can say (no schema.bases:write scope) comes back
 * as its type and message, exit 1. */
static void
test_server_refusal (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) pat = hangar_test_sandbox_control_json (fixture->sandbox, "/__sandbox/pats",
                                                             "{\"scopes\":[\"schema.bases:read\",\"data.records:read\"]}");
  const char *token = json_object_get_string_member (json_node_get_object (pat), "token");
  g_autoptr(HangarTestRun) run = run_cli_token (fixture, token,
                                                (const char * const[]) { "schema", "create-field", fixture->base_id,
                                                                         "Tasks", "X", "email", NULL });

  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND"));
  g_assert_null (field_of (table_now (fixture, "Tasks"), "X"));
}

/* The read form still works beside the subcommands. */
static void
test_read (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(HangarTestRun) run = run_cli (fixture, "schema", fixture->base_id, "--compact");
  g_autoptr(JsonObject) schema = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (g_strv_length (run->lines), ==, 1);
  schema = parse_object (run->lines[0]);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (schema, "tables")), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add ("/hangar/cli/schema/create", Fixture, NULL, fixture_set_up, test_create, fixture_tear_down);
  g_test_add ("/hangar/cli/schema/update", Fixture, NULL, fixture_set_up, test_update, fixture_tear_down);
  g_test_add ("/hangar/cli/schema/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/hangar/cli/schema/server-refusal", Fixture, NULL, fixture_set_up, test_server_refusal, fixture_tear_down);
  g_test_add ("/hangar/cli/schema/read", Fixture, NULL, fixture_set_up, test_read, fixture_tear_down);

  return g_test_run ();
}
