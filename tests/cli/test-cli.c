/* test-cli.c — the built hangar-cli, run as a subprocess against a real
 * hangar-sandbox: every data command, JSON lines and CSV, batches, upsert,
 * errors and exit statuses; the token never appears in the output.
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
  char              *table_id;
} Fixture;

/* Runs hangar-cli with the sandbox's URL and token (through --token-env)
 * and @input on stdin. Asserts that the token appears in neither stdout nor
 * stderr. */
static HangarTestRun *
run_cli_full (Fixture    *fixture,
              const char *token,
              const char *input,
              const char *first_arg,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(HangarTestSecrets) secrets = hangar_test_secrets_new ();
  g_autofree char *token_env = g_strconcat ("HANGAR_TEST_TOKEN=", token, NULL);
  const char *env[] = { token_env, "AIRTABLE_TOKEN", NULL };
  HangarTestRun *run;
  va_list ap;

  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  g_ptr_array_add (argv, (char *) "--api-url");
  g_ptr_array_add (argv, fixture->sandbox->url);
  g_ptr_array_add (argv, (char *) "--token-env");
  g_ptr_array_add (argv, (char *) "HANGAR_TEST_TOKEN");
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  run = hangar_test_run ((const char * const *) argv->pdata, env, input);

  hangar_test_secrets_add (secrets, token);
  hangar_test_secrets_add (secrets, fixture->sandbox->pat);
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's stdout", run->out);
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's stderr", run->err);

  g_test_message ("exit %d; stderr: %s", run->status, run->err);
  return run;
}

#define run_cli(fixture, input, ...) \
  run_cli_full ((fixture), (fixture)->sandbox->pat, (input), __VA_ARGS__, NULL)

static JsonNode *
parse_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The number of records the table has now, asked of the sandbox directly. */
static guint
count_records (Fixture    *fixture,
               const char *formula)
{
  g_autofree char *encoded = formula != NULL ? g_uri_escape_string (formula, NULL, FALSE) : NULL;
  g_autofree char *query = g_strdup_printf ("pageSize=100%s%s", encoded ? "&filterByFormula=" : "",
                                            encoded ? encoded : "");
  g_autoptr(GPtrArray) ids = hangar_test_sandbox_list_ids (fixture->sandbox, fixture->base_id,
                                                          fixture->table_id, query);

  return ids->len;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) bases = NULL;
  g_autoptr(JsonNode) table = NULL;
  g_autofree char *path = NULL;
  guint status = 0;
  JsonArray *array;

  fixture->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);

  bases = hangar_test_sandbox_request (fixture->sandbox, "GET", "/v0/meta/bases", fixture->sandbox->pat, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  array = json_object_get_array_member (json_node_get_object (bases), "bases");
  for (guint i = 0; i < json_array_get_length (array) && fixture->base_id == NULL; i++)
    {
      JsonObject *base = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (base, "permissionLevel"), "create") == 0)
        fixture->base_id = g_strdup (json_object_get_string_member (base, "id"));
    }
  g_assert_nonnull (fixture->base_id);

  path = g_strdup_printf ("/v0/meta/bases/%s/tables", fixture->base_id);
  table = hangar_test_sandbox_request (fixture->sandbox, "POST", path, fixture->sandbox->pat,
    "{\"name\":\"CLI\",\"fields\":["
    " {\"name\":\"Name\",\"type\":\"singleLineText\"},"
    " {\"name\":\"Num\",\"type\":\"number\",\"options\":{\"precision\":1}},"
    " {\"name\":\"Notes\",\"type\":\"multilineText\"},"
    " {\"name\":\"Email\",\"type\":\"email\"},"
    " {\"name\":\"Share\",\"type\":\"percent\",\"options\":{\"precision\":0}},"
    " {\"name\":\"Done\",\"type\":\"checkbox\",\"options\":{\"icon\":\"check\",\"color\":\"greenBright\"}}]}",
    &status);
  g_assert_cmpuint (status, ==, 200);
  fixture->table_id = g_strdup (json_object_get_string_member (json_node_get_object (table), "id"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->sandbox, hangar_test_sandbox_stop);
  g_free (fixture->base_id);
  g_free (fixture->table_id);
}

/* Creates @n records Name "R<i>", Num i, Email r<i>@x.io through the CLI
 * (so in chunks of 10) and returns their ids in input order. */
static char **
create_records (Fixture *fixture,
                guint    n)
{
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(HangarTestRun) run = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  for (guint i = 0; i < n; i++)
    g_string_append_printf (input, "{\"Name\":\"R%u\",\"Num\":%u,\"Email\":\"r%u@x.io\"}\n", i, i, i);

  run = run_cli (fixture, input->str, "records", "create", fixture->base_id, fixture->table_id);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  g_assert_cmpuint (g_strv_length (run->lines), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonNode) node = parse_line (run->lines[i]);
      JsonObject *record = json_node_get_object (node);
      g_autofree char *name = g_strdup_printf ("R%u", i);

      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "fields"), "Name"), ==, name);
      g_strv_builder_add (ids, json_object_get_string_member (record, "id"));
    }
  return g_strv_builder_end (ids);
}

static void
test_bases_schema (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(HangarTestRun) bases = run_cli (fixture, NULL, "bases");
  g_autoptr(HangarTestRun) csv = run_cli (fixture, NULL, "bases", "--format", "csv");
  g_autoptr(HangarTestRun) schema = run_cli (fixture, NULL, "schema", fixture->base_id);
  g_autoptr(JsonNode) node = NULL;
  gboolean found = FALSE;
  JsonArray *tables;

  g_assert_cmpint (bases->status, ==, 0);
  g_assert_cmpuint (g_strv_length (bases->lines), >=, 1);
  for (guint i = 0; bases->lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) line = parse_line (bases->lines[i]);
      JsonObject *base = json_node_get_object (line);

      g_assert_true (json_object_has_member (base, "name"));
      g_assert_true (json_object_has_member (base, "permissionLevel"));
      found |= g_str_equal (json_object_get_string_member (base, "id"), fixture->base_id);
    }
  g_assert_true (found);

  g_assert_cmpint (csv->status, ==, 0);
  g_assert_cmpstr (csv->lines[0], ==, "id,name,permissionLevel");
  g_assert_cmpuint (g_strv_length (csv->lines), ==, g_strv_length (bases->lines) + 1);

  g_assert_cmpint (schema->status, ==, 0);
  node = parse_line (schema->out);
  tables = json_object_get_array_member (json_node_get_object (node), "tables");
  found = FALSE;
  for (guint i = 0; i < json_array_get_length (tables); i++)
    {
      JsonObject *table = json_array_get_object_element (tables, i);

      if (g_str_equal (json_object_get_string_member (table, "id"), fixture->table_id))
        {
          JsonArray *fields = json_object_get_array_member (table, "fields");
          JsonObject *num = json_array_get_object_element (fields, 1);

          found = TRUE;
          g_assert_cmpstr (json_object_get_string_member (table, "name"), ==, "CLI");
          g_assert_cmpuint (json_array_get_length (fields), ==, 6);
          g_assert_cmpstr (json_object_get_string_member (num, "type"), ==, "number");
          g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (num, "options"), "precision"), ==, 1);
          g_assert_true (g_str_has_prefix (json_object_get_string_member (num, "id"), "fld"));
        }
    }
  g_assert_true (found);
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  g_auto(GStrv) ids = create_records (fixture, 235);
  g_autoptr(HangarTestRun) all = NULL;
  g_autoptr(HangarTestRun) paged = NULL;
  g_autoptr(HangarTestRun) max = NULL;
  g_autoptr(HangarTestRun) sorted = NULL;
  g_autoptr(HangarTestRun) fields = NULL;
  g_autoptr(HangarTestRun) formula = NULL;
  g_autoptr(HangarTestRun) where = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (count_records (fixture, NULL), ==, 235);

  /* all pages, every record once */
  all = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id);
  g_assert_cmpint (all->status, ==, 0);
  g_assert_cmpuint (g_strv_length (all->lines), ==, 235);
  for (guint i = 0; all->lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = parse_line (all->lines[i]);
      const char *id = json_object_get_string_member (json_node_get_object (node), "id");

      g_assert_true (g_strv_contains ((const char * const *) ids, id));
      g_assert_true (g_hash_table_add (seen, (gpointer) g_intern_string (id)));
      g_assert_true (json_object_has_member (json_node_get_object (node), "createdTime"));
    }

  /* small pages: many requests, same records */
  paged = run_cli (fixture, NULL, "records", "list", fixture->base_id, "CLI", "--page-size", "7");
  g_assert_cmpint (paged->status, ==, 0);
  g_assert_cmpuint (g_strv_length (paged->lines), ==, 235);

  max = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id, "--max", "15", "--page-size", "4");
  g_assert_cmpint (max->status, ==, 0);
  g_assert_cmpuint (g_strv_length (max->lines), ==, 15);

  /* --sort -Num: descending; --field: only that field */
  sorted = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id,
                    "--sort", "-Num", "--max", "3");
  g_assert_cmpint (sorted->status, ==, 0);
  g_assert_cmpuint (g_strv_length (sorted->lines), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) node = parse_line (sorted->lines[i]);
      JsonObject *f = json_object_get_object_member (json_node_get_object (node), "fields");

      g_assert_cmpint (json_object_get_int_member (f, "Num"), ==, 234 - i);
    }

  fields = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id,
                    "--field", "Email", "--sort", "Num", "--max", "2");
  g_assert_cmpint (fields->status, ==, 0);
  {
    g_autoptr(JsonNode) node = parse_line (fields->lines[0]);
    JsonObject *f = json_object_get_object_member (json_node_get_object (node), "fields");

    g_assert_cmpuint (json_object_get_size (f), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (f, "Email"), ==, "r0@x.io");
  }

  formula = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id,
                     "--formula", "AND({Num}>=10, {Num}<20)");
  g_assert_cmpint (formula->status, ==, 0);
  g_assert_cmpuint (g_strv_length (formula->lines), ==, 10);

  where = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id,
                   "--where", "Name=R42", "--formula", "{Num}=42");
  g_assert_cmpint (where->status, ==, 0);
  g_assert_cmpuint (g_strv_length (where->lines), ==, 1);
  g_assert_nonnull (strstr (where->lines[0], ids[42]));
}

static void
test_csv (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(HangarTestRun) created = NULL;
  g_autoptr(HangarTestRun) csv = NULL;
  g_autoptr(HangarTestRun) some = NULL;
  g_autoptr(HangarTestRun) where = NULL;

  created = run_cli (fixture,
                     "{\"Name\":\"Plain\",\"Num\":2.25,\"Share\":0.5,\"Done\":true}\n"
                     "{\"Name\":\"Comma, \\\"quoted\\\"\",\"Notes\":\"two\\nlines\"}\n"
                     "{\"Name\":\"O'Brien\"}\n",
                     "records", "create", fixture->base_id, fixture->table_id);
  g_assert_cmpint (created->status, ==, 0);

  csv = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id,
                 "--format", "csv", "--sort", "Name");
  g_assert_cmpint (csv->status, ==, 0);
  g_assert_cmpstr (csv->lines[0], ==, "id,Name,Num,Notes,Email,Share,Done");
  /* sorted by Name: "Comma…", "O'Brien", "Plain"; the quoted cell spans two lines */
  g_assert_true (g_str_has_suffix (csv->lines[1], ",\"Comma, \"\"quoted\"\"\",,\"two"));
  g_assert_cmpstr (csv->lines[2], ==, "lines\",,,");
  g_assert_true (g_str_has_suffix (csv->lines[3], ",O'Brien,,,,,"));
  g_assert_true (g_str_has_suffix (csv->lines[4], ",Plain,2.3,,,50%,checked") ||  /* 2.25 rounds half to even */
                 g_str_has_suffix (csv->lines[4], ",Plain,2.2,,,50%,checked"));
  g_assert_null (csv->lines[5]);

  some = run_cli (fixture, NULL, "records", "list", fixture->base_id, "CLI",
                  "--format", "csv", "--field", "Done", "--field", "Name", "--sort", "-Name");
  g_assert_cmpint (some->status, ==, 0);
  g_assert_cmpstr (some->lines[0], ==, "id,Done,Name");
  g_assert_true (g_str_has_suffix (some->lines[1], ",checked,Plain"));

  /* --where quotes the value: a quote in it is no formula injection */
  where = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id,
                   "--where", "Name=O'Brien", "--format", "csv");
  g_assert_cmpint (where->status, ==, 0);
  g_assert_cmpuint (g_strv_length (where->lines), ==, 2);
  g_assert_true (g_str_has_suffix (where->lines[1], ",O'Brien,,,,,"));
}

static void
test_get_update_replace_delete (Fixture       *fixture,
                                gconstpointer  data)
{
  g_auto(GStrv) ids = create_records (fixture, 25);
  g_autoptr(GString) updates = g_string_new (NULL);
  g_autoptr(HangarTestRun) get = NULL;
  g_autoptr(HangarTestRun) update = NULL;
  g_autoptr(HangarTestRun) replace = NULL;
  g_autoptr(HangarTestRun) del = NULL;
  g_autoptr(HangarTestRun) gone = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *replace_input = NULL;
  JsonObject *fields;

  get = run_cli (fixture, NULL, "records", "get", fixture->base_id, fixture->table_id, ids[3]);
  g_assert_cmpint (get->status, ==, 0);
  g_assert_cmpuint (g_strv_length (get->lines), ==, 1);
  node = parse_line (get->lines[0]);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "id"), ==, ids[3]);
  g_clear_pointer (&node, json_node_unref);

  /* update 12 records (two chunks): PATCH keeps the other fields */
  for (guint i = 0; i < 12; i++)
    g_string_append_printf (updates, "{\"id\":\"%s\",\"fields\":{\"Num\":%u}}\n", ids[i], 1000 + i);
  update = run_cli (fixture, updates->str, "records", "update", fixture->base_id, fixture->table_id);
  g_assert_cmpint (update->status, ==, 0);
  g_assert_cmpuint (g_strv_length (update->lines), ==, 12);
  g_assert_cmpuint (count_records (fixture, "AND({Num}>=1000, {Email}!='')"), ==, 12);

  /* replace (PUT) clears what is not sent */
  replace_input = g_strdup_printf ("{\"id\":\"%s\",\"fields\":{\"Name\":\"Only name\"}}\n", ids[20]);
  replace = run_cli (fixture, replace_input, "records", "replace", fixture->base_id, fixture->table_id);
  g_assert_cmpint (replace->status, ==, 0);
  node = parse_line (replace->lines[0]);
  fields = json_object_get_object_member (json_node_get_object (node), "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "Name"), ==, "Only name");
  g_assert_false (json_object_has_member (fields, "Email"));
  g_assert_false (json_object_has_member (fields, "Num"));

  /* delete 12 (two chunks) */
  del = run_cli (fixture, NULL, "records", "delete", fixture->base_id, fixture->table_id,
                 ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7], ids[8], ids[9], ids[10], ids[11]);
  g_assert_cmpint (del->status, ==, 0);
  g_assert_cmpuint (g_strv_length (del->lines), ==, 12);
  g_assert_nonnull (strstr (del->lines[11], ids[11]));
  g_assert_nonnull (strstr (del->lines[11], "\"deleted\":true"));
  g_assert_cmpuint (count_records (fixture, NULL), ==, 13);

  gone = run_cli (fixture, NULL, "records", "get", fixture->base_id, fixture->table_id, ids[0]);
  g_assert_cmpint (gone->status, ==, 1);
  g_assert_true (g_str_has_prefix (gone->err, "hangar-cli: "));
  g_assert_nonnull (strstr (gone->err, "NOT_FOUND"));
  g_assert_cmpstr (gone->out, ==, "");
}

static void
test_upsert (Fixture       *fixture,
             gconstpointer  data)
{
  g_auto(GStrv) ids = create_records (fixture, 5);
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(HangarTestRun) upsert = NULL;
  g_autoptr(HangarTestRun) no_merge = NULL;
  g_autoptr(HangarTestRun) missing = NULL;

  /* 5 existing emails (updated) + 8 new (created): 13 lines, two chunks */
  for (guint i = 0; i < 13; i++)
    g_string_append_printf (input, "{\"Email\":\"r%u@x.io\",\"Name\":\"U%u\"}\n", i, i);
  upsert = run_cli (fixture, input->str, "records", "upsert", fixture->base_id, fixture->table_id,
                    "--merge-on", "Email");
  g_assert_cmpint (upsert->status, ==, 0);
  g_assert_cmpuint (g_strv_length (upsert->lines), ==, 13);
  g_assert_nonnull (strstr (upsert->lines[2], ids[2]));
  g_assert_cmpuint (count_records (fixture, NULL), ==, 13);
  g_assert_cmpuint (count_records (fixture, "LEFT({Name}, 1)='U'"), ==, 13);

  no_merge = run_cli (fixture, input->str, "records", "upsert", fixture->base_id, fixture->table_id);
  g_assert_cmpint (no_merge->status, ==, 2);
  g_assert_nonnull (strstr (no_merge->err, "--merge-on"));

  /* a record without the merge field: nothing sent, the line named */
  missing = run_cli (fixture, "{\"Email\":\"z@x.io\"}\n{\"Name\":\"no email\"}\n",
                     "records", "upsert", fixture->base_id, fixture->table_id, "--merge-on", "Email");
  g_assert_cmpint (missing->status, ==, 2);
  g_assert_nonnull (strstr (missing->err, "stdin line 2: missing merge field “Email”"));
  g_assert_cmpuint (count_records (fixture, NULL), ==, 13);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GString) partial_input = g_string_new (NULL);
  g_autoptr(HangarTestRun) formula = NULL;
  g_autoptr(HangarTestRun) bad_lines = NULL;
  g_autoptr(HangarTestRun) partial = NULL;
  g_autoptr(HangarTestRun) bad_token = NULL;
  g_autoptr(HangarTestRun) unknown_table = NULL;
  g_autoptr(HangarTestRun) usage = NULL;
  g_autoptr(HangarTestRun) bad_update = NULL;
  g_auto(GStrv) err_lines = NULL;

  formula = run_cli (fixture, NULL, "records", "list", fixture->base_id, fixture->table_id, "--formula", "{Num}=(");
  g_assert_cmpint (formula->status, ==, 1);
  g_assert_true (g_str_has_prefix (formula->err, "hangar-cli: INVALID_FILTER_BY_FORMULA: "));
  g_assert_true (g_str_has_suffix (formula->err, "\n"));
  g_assert_true (strchr (formula->err, '\n') == formula->err + strlen (formula->err) - 1);  /* one line */
  g_assert_cmpstr (formula->out, ==, "");

  /* bad stdin lines: each reported with its number, nothing sent */
  bad_lines = run_cli (fixture,
                       "{\"Name\":\"fine\"}\nnot json\n\n[1,2]\n{\"Name\":\"also fine\"}\n\"text\"\n",
                       "records", "create", fixture->base_id, fixture->table_id);
  g_assert_cmpint (bad_lines->status, ==, 2);
  g_assert_nonnull (strstr (bad_lines->err, "stdin line 2: not JSON"));
  g_assert_nonnull (strstr (bad_lines->err, "stdin line 4: not a JSON object"));
  g_assert_nonnull (strstr (bad_lines->err, "stdin line 6: not a JSON object"));
  g_assert_null (strstr (bad_lines->err, "stdin line 1:"));
  g_assert_nonnull (strstr (bad_lines->err, "nothing was sent"));
  g_assert_cmpuint (count_records (fixture, NULL), ==, 0);

  bad_update = run_cli (fixture, "{\"id\":\"recX\",\"fields\":{},\"typo\":1}\n{\"fields\":{}}\n",
                        "records", "update", fixture->base_id, fixture->table_id);
  g_assert_cmpint (bad_update->status, ==, 2);
  g_assert_nonnull (strstr (bad_update->err, "stdin line 1: unexpected member “typo”"));
  g_assert_nonnull (strstr (bad_update->err, "stdin line 2: needs"));

  /* a partial batch: chunk 1 written, chunk 2 refused (unknown field) */
  for (guint i = 0; i < 12; i++)
    g_string_append_printf (partial_input, i == 11 ? "{\"Nope\":%u}\n" : "{\"Name\":\"P%u\"}\n", i);
  partial = run_cli (fixture, partial_input->str, "records", "create", fixture->base_id, fixture->table_id);
  g_assert_cmpint (partial->status, ==, 3);
  g_assert_cmpuint (g_strv_length (partial->lines), ==, 10);
  err_lines = g_strsplit (partial->err, "\n", -1);
  g_assert_true (g_str_has_prefix (err_lines[0], "hangar-cli: UNKNOWN_FIELD_NAME: "));
  g_assert_nonnull (strstr (partial->err, "written: 10 of 12 (stdin lines 1-10)"));
  g_assert_nonnull (strstr (partial->err, "not written (refused): stdin lines 11-12"));
  g_assert_cmpuint (count_records (fixture, NULL), ==, 10);

  /* a wrong token: an authentication error, and that token not shown either */
  bad_token = run_cli_full (fixture, "patWRONGtoken0000.0123456789abcdef", NULL, "bases", NULL);
  g_assert_cmpint (bad_token->status, ==, 1);
  g_assert_nonnull (strstr (bad_token->err, "AUTHENTICATION_REQUIRED"));

  unknown_table = run_cli (fixture, NULL, "records", "list", fixture->base_id, "No such table");
  g_assert_cmpint (unknown_table->status, ==, 1);
  g_assert_true (g_str_has_prefix (unknown_table->err, "hangar-cli: "));
  g_assert_nonnull (strstr (unknown_table->err, "NOT_FOUND"));

  usage = run_cli (fixture, NULL, "records", "frobnicate");
  g_assert_cmpint (usage->status, ==, 2);
}

static void
test_request (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s", fixture->base_id, fixture->table_id);
  g_autoptr(HangarTestRun) whoami = run_cli (fixture, NULL, "request", "GET", "/v0/meta/whoami");
  g_autoptr(HangarTestRun) post = NULL;
  g_autoptr(HangarTestRun) get = NULL;
  g_autoptr(HangarTestRun) stdin_post = NULL;
  g_autoptr(HangarTestRun) bad = NULL;
  g_autoptr(HangarTestRun) not_json = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (whoami->status, ==, 0);
  node = parse_line (whoami->out);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (node), "id"), "usr"));
  g_clear_pointer (&node, json_node_unref);

  post = run_cli (fixture, NULL, "request", "POST", path, "--data", "{\"fields\":{\"Name\":\"via request\"}}");
  g_assert_cmpint (post->status, ==, 0);
  node = parse_line (post->out);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (node), "id"), "rec"));

  stdin_post = run_cli (fixture, "{\"records\":[{\"fields\":{\"Name\":\"a\"}},{\"fields\":{\"Name\":\"b\"}}]}",
                        "request", "post", path, "--data", "-", "--compact");
  g_assert_cmpint (stdin_post->status, ==, 0);
  g_assert_cmpuint (g_strv_length (stdin_post->lines), ==, 1);

  get = run_cli (fixture, NULL, "request", "GET", path, "--param", "filterByFormula={Name}='a'",
                 "--param", "fields[]=Name", "--compact");
  g_assert_cmpint (get->status, ==, 0);
  g_assert_nonnull (strstr (get->out, "\"Name\":\"a\""));
  g_assert_null (strstr (get->out, "via request"));
  g_assert_cmpuint (count_records (fixture, NULL), ==, 3);

  bad = run_cli (fixture, NULL, "request", "GET", "/v0/meta/bases/appNOPENOPENOPENO/tables");
  g_assert_cmpint (bad->status, ==, 1);
  g_assert_true (g_str_has_prefix (bad->err, "hangar-cli: "));

  not_json = run_cli (fixture, NULL, "request", "POST", path, "--data", "{nope");
  g_assert_cmpint (not_json->status, ==, 2);
}

typedef struct
{
  HangarTestSandbox *sandbox;
  gint64             iterators;
} IteratorWait;

static gboolean
iterators_are (gpointer data)
{
  IteratorWait *w = data;

  return hangar_test_sandbox_stat (w->sandbox, "iterators") == w->iterators;
}

/* An iterator that expires while the CLI is blocked writing its output:
 * the listing restarts and prints every record exactly once. */
static void
test_list_iterator_expired (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q",
                                                                     "--generate", "Big:1500",
                                                                     "--iterator-ttl", "0.3", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(HangarTestRun) run = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Big");
  g_autofree char *token_env = g_strconcat ("HANGAR_TEST_TOKEN=", sandbox->pat, NULL);
  const char *env[] = { token_env, NULL };
  const char *out;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_nonnull (base_id);
  {
    const char *argv[] = { HANGAR_CLI_PATH, "--api-url", sandbox->url, "--token-env", "HANGAR_TEST_TOKEN",
                           "--no-pacing", "records", "list", base_id, "Records", NULL };

    process = hangar_test_spawn (argv, env, FALSE);
  }

  /* 1500 records are far more than a pipe holds: the CLI blocks part way,
   * its listing open; idle past the TTL, the sandbox drops the listing
   * (its sweep runs every 2 s). */
  {
    IteratorWait open = { sandbox, 1 };
    IteratorWait dropped = { sandbox, 0 };

    hangar_test_wait_until (iterators_are, &open, "the CLI's listing to start");
    hangar_test_wait_until (iterators_are, &dropped, "the blocked listing to expire");
  }
  run = hangar_test_finish (process, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  out = run->out;

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;

      if (lines[i][0] == '\0')
        continue;
      node = parse_line (lines[i]);
      g_assert_true (g_hash_table_add (seen, g_strdup (json_object_get_string_member (json_node_get_object (node), "id"))));
      n++;
    }
  g_assert_cmpuint (n, ==, 1500);
  /* the restart did happen */
  g_assert_cmpint (hangar_test_sandbox_stat (sandbox, "by_status.422"), >=, 1);
}

/* Runs hangar-cli with @args alone (no sandbox, no token); returns stdout. */
static char *
run_plain (int                *status,
           const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(HangarTestRun) run = NULL;

  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  run = hangar_test_run ((const char * const *) argv->pdata, NULL, NULL);
  g_assert_cmpint (run->status, >=, 0);
  *status = run->status;
  return g_steal_pointer (&run->out);
}

/* True when @text has @word with no letter, digit or '-' right around it. */
static gboolean
mentions (const char *text,
          const char *word)
{
  gsize len = strlen (word);

  for (const char *p = strstr (text, word); p != NULL; p = strstr (p + 1, word))
    {
      char before = p > text ? p[-1] : ' ';
      char after = p[len];

      if (!g_ascii_isalnum (before) && before != '-' && !g_ascii_isalnum (after) && after != '-')
        return TRUE;
    }
  return FALSE;
}

/* "--help" and "help" list every command and subcommand, and every option
 * that any command's own --help shows (so an option added to a command but
 * not to the usage text fails here). */
static void
test_help (void)
{
  static const char * const commands[][2] = {
    { "bases", NULL }, { "schema", NULL }, { "request", NULL },
    { "records", "list" }, { "records", "get" }, { "records", "create" },
    { "records", "update" }, { "records", "replace" }, { "records", "upsert" },
    { "records", "delete" },
    { "comments", "list" }, { "comments", "add" }, { "comments", "edit" }, { "comments", "delete" },
    { "schema", "create-table" }, { "schema", "create-field" }, { "schema", "update-table" },
    { "schema", "update-field" },
    { "accounts", NULL }, { "connect", NULL }, { "reconnect", NULL }, { "disconnect", NULL },
  };
  const char * const help_args[] = { "--help", NULL };
  const char * const help_cmd[] = { "help", NULL };
  g_autofree char *usage = NULL;
  g_autofree char *usage2 = NULL;
  g_autoptr(GRegex) option_re = g_regex_new ("^\\s+(?:-[a-zA-Z], )?(--[a-z][a-z-]*)", G_REGEX_MULTILINE, 0, NULL);
  int status;
  guint n_options = 0;

  usage = run_plain (&status, help_args);
  g_assert_cmpint (status, ==, 0);
  usage2 = run_plain (&status, help_cmd);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (usage, ==, usage2);
  g_assert_true (mentions (usage, "help"));
  g_assert_true (mentions (usage, "--version"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char * const args[] = { "help", commands[i][0], commands[i][1], NULL };
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *own = NULL;

      g_test_message ("command %s %s", commands[i][0], commands[i][1] ? commands[i][1] : "");
      g_assert_true (mentions (usage, commands[i][0]));
      if (commands[i][1] != NULL)
        g_assert_true (mentions (usage, commands[i][1]));

      /* the command exists, and its own help lists its options */
      own = run_plain (&status, args);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (own, "Usage:"));
      {
        g_autofree char *name = g_strjoin (" ", "hangar-cli", commands[i][0], commands[i][1], NULL);

        g_assert_nonnull (strstr (own, name));
      }
      if (strstr (own, "Application Options:") == NULL)
        continue;  /* records get, records delete: no options */
      g_regex_match (option_re, strstr (own, "Application Options:"), 0, &match);
      while (g_match_info_matches (match))
        {
          g_autofree char *option = g_match_info_fetch (match, 1);

          g_test_message ("  option %s", option);
          g_assert_true (mentions (usage, option));
          n_options++;
          g_match_info_next (match, NULL);
        }
    }
  /* the regex did find the options (connect alone has a dozen) */
  g_assert_cmpuint (n_options, >=, 30);

  /* the options named in the brief of the accounts commands, spelled out */
  {
    static const char * const account_options[] = {
      "--pat-env", "--oauth", "--client-id", "--client-secret-env", "--redirect-uri", "--scope",
      "--api-url", "--oauth-url", "--no-browser", "--save-integration", "--integration",
      "--integrations", "--format", "--timeout",
    };

    for (guint i = 0; i < G_N_ELEMENTS (account_options); i++)
      g_assert_true (mentions (usage, account_options[i]));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/cli/help", test_help);
  g_test_add ("/hangar/cli/bases-schema", Fixture, NULL, fixture_set_up, test_bases_schema, fixture_tear_down);
  g_test_add ("/hangar/cli/records/list", Fixture, NULL, fixture_set_up, test_list, fixture_tear_down);
  g_test_add_func ("/hangar/cli/records/list-iterator-expired", test_list_iterator_expired);
  g_test_add ("/hangar/cli/records/csv", Fixture, NULL, fixture_set_up, test_csv, fixture_tear_down);
  g_test_add ("/hangar/cli/records/get-update-replace-delete", Fixture, NULL,
              fixture_set_up, test_get_update_replace_delete, fixture_tear_down);
  g_test_add ("/hangar/cli/records/upsert", Fixture, NULL, fixture_set_up, test_upsert, fixture_tear_down);
  g_test_add ("/hangar/cli/errors", Fixture, NULL, fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/hangar/cli/request", Fixture, NULL, fixture_set_up, test_request, fixture_tear_down);

  return g_test_run ();
}
