/* test-cli-csv.c — hangar-cli against a real hangar-sandbox: comments
 * (list, add, edit, delete, mentions, someone else's), CSV export as the
 * window writes it (links and options by name, the formula guard), CSV
 * import (mapping, failed rows with reasons and their file, upsert,
 * typecast, linked records by name, a file imported twice) and hostile
 * files refused before anything is written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "hangar-test.h"

typedef struct
{
  HangarTestSandbox *sandbox;
  char              *base_id;
  char              *owners_id;
  char              *items_id;
  char              *dir;
} Fixture;

static HangarTestRun *
run_cli_v (Fixture            *fixture,
           const char         *input,
           const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(HangarTestSecrets) secrets = hangar_test_secrets_new ();
  g_autofree char *token_env = g_strconcat ("HANGAR_TEST_TOKEN=", fixture->sandbox->pat, NULL);
  const char *env[] = { token_env, "AIRTABLE_TOKEN", NULL };
  HangarTestRun *run;

  g_ptr_array_add (argv, (char *) HANGAR_CLI_PATH);
  g_ptr_array_add (argv, (char *) "--api-url");
  g_ptr_array_add (argv, fixture->sandbox->url);
  g_ptr_array_add (argv, (char *) "--token-env");
  g_ptr_array_add (argv, (char *) "HANGAR_TEST_TOKEN");
  g_ptr_array_add (argv, (char *) "--no-pacing");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  run = hangar_test_run ((const char * const *) argv->pdata, env, input);
  hangar_test_secrets_add (secrets, fixture->sandbox->pat);
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's stdout", run->out);
  hangar_test_secrets_assert_not_in_text (secrets, "hangar-cli's stderr", run->err);
  g_test_message ("exit %d; stderr: %s", run->status, run->err);
  return run;
}

#define run_cli(fixture, input, ...) \
  run_cli_v ((fixture), (input), (const char * const[]) { __VA_ARGS__, NULL })

static JsonNode *
parse_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
create_table (Fixture    *fixture,
              const char *spec)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", fixture->base_id);
  g_autoptr(JsonNode) table = NULL;
  guint status = 0;

  table = hangar_test_sandbox_request (fixture->sandbox, "POST", path, fixture->sandbox->pat, spec, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (table), "id"));
}

static char *
create_record (Fixture    *fixture,
               const char *table_id,
               const char *fields_json)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s", fixture->base_id, table_id);
  g_autofree char *body = g_strdup_printf ("{\"fields\":%s}", fields_json);
  g_autoptr(JsonNode) record = NULL;
  guint status = 0;

  record = hangar_test_sandbox_request (fixture->sandbox, "POST", path, fixture->sandbox->pat, body, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (record), "id"));
}

/* Every record of @table_id: record id → fields object. */
static GHashTable *
list_records (Fixture    *fixture,
              const char *table_id)
{
  g_autoptr(HangarTestRun) run = run_cli (fixture, NULL, "records", "list", fixture->base_id, table_id);
  GHashTable *records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);

  g_assert_cmpint (run->status, ==, 0);
  for (guint i = 0; run->lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = parse_line (run->lines[i]);
      JsonObject *record = json_node_get_object (node);

      g_hash_table_insert (records, g_strdup (json_object_get_string_member (record, "id")),
                           json_object_ref (json_object_get_object_member (record, "fields")));
    }
  return records;
}

/* The fields of the record whose Name is @name (NULL if none). */
static JsonObject *
find_by_name (GHashTable *records,
              const char *name)
{
  GHashTableIter iter;
  gpointer fields;

  g_hash_table_iter_init (&iter, records);
  while (g_hash_table_iter_next (&iter, NULL, &fields))
    if (g_strcmp0 (json_object_get_string_member_with_default (fields, "Name", NULL), name) == 0)
      return fields;
  return NULL;
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *data,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  fixture->base_id = hangar_test_sandbox_base_id (fixture->sandbox, fixture->sandbox->pat, "Product Roadmap");
  g_assert_nonnull (fixture->base_id);
  fixture->dir = g_dir_make_tmp ("hangar-csv-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);

  fixture->owners_id = create_table (fixture,
    "{\"name\":\"Owners\",\"fields\":[{\"name\":\"Name\",\"type\":\"singleLineText\"},"
    " {\"name\":\"Email\",\"type\":\"email\"}]}");
  create_record (fixture, fixture->owners_id, "{\"Name\":\"Ann\"}");
  create_record (fixture, fixture->owners_id, "{\"Name\":\"Bob\"}");
  create_record (fixture, fixture->owners_id, "{\"Name\":\"Bob\"}");
  create_record (fixture, fixture->owners_id, "{\"Name\":\"Carla, Jr.\"}");
  {
    g_autofree char *spec = g_strdup_printf (
      "{\"name\":\"Items\",\"fields\":[{\"name\":\"Name\",\"type\":\"singleLineText\"},"
      " {\"name\":\"Qty\",\"type\":\"number\",\"options\":{\"precision\":0}},"
      " {\"name\":\"Price\",\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}},"
      " {\"name\":\"Share\",\"type\":\"percent\",\"options\":{\"precision\":1}},"
      " {\"name\":\"Status\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"Todo\"},{\"name\":\"Done\"}]}},"
      " {\"name\":\"Tags\",\"type\":\"multipleSelects\",\"options\":{\"choices\":[{\"name\":\"a\"},{\"name\":\"b, c\"}]}},"
      " {\"name\":\"Owner\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"%s\"}},"
      " {\"name\":\"Due\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"iso\"}}},"
      " {\"name\":\"Done\",\"type\":\"checkbox\",\"options\":{\"icon\":\"check\",\"color\":\"greenBright\"}},"
      " {\"name\":\"Notes\",\"type\":\"multilineText\"}]}", fixture->owners_id);

    fixture->items_id = create_table (fixture, spec);
  }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) dir = g_file_new_for_path (fixture->dir);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, g_file_info_get_name (info), NULL);

      g_unlink (path);
      g_object_unref (info);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->sandbox, hangar_test_sandbox_stop);
  g_free (fixture->base_id);
  g_free (fixture->owners_id);
  g_free (fixture->items_id);
  g_free (fixture->dir);
}

/* ---- comments ---- */

static void
test_comments (Fixture       *fixture,
               gconstpointer  data)
{
  const char *demo_id = hangar_test_sandbox_user (fixture->sandbox, 0, "id");
  g_autofree char *record = create_record (fixture, fixture->items_id, "{\"Name\":\"Talked about\"}");
  g_autofree char *text = g_strdup_printf ("Please check, @[%s]", demo_id);
  g_autoptr(HangarTestRun) added = run_cli (fixture, NULL, "comments", "add", fixture->base_id, "Items", record, text);
  g_autoptr(HangarTestRun) second = run_cli (fixture, "From stdin\n", "comments", "add", fixture->base_id,
                                             fixture->items_id, record, "-");
  g_autoptr(HangarTestRun) list = NULL;
  g_autoptr(HangarTestRun) paged = NULL;
  g_autoptr(HangarTestRun) edited = NULL;
  g_autoptr(HangarTestRun) deleted = NULL;
  g_autoptr(HangarTestRun) again = NULL;
  g_autoptr(JsonNode) first_node = NULL;
  g_autoptr(JsonNode) edited_node = NULL;
  g_autofree char *first_id = NULL;
  JsonObject *comment;

  g_assert_cmpint (added->status, ==, 0);
  first_node = parse_line (added->lines[0]);
  comment = json_node_get_object (first_node);
  first_id = g_strdup (json_object_get_string_member (comment, "id"));
  g_assert_cmpstr (json_object_get_string_member (comment, "text"), ==, text);
  g_assert_cmpstr (json_object_get_string_member (comment, "displayText"), ==, "Please check, @Dana Demo");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (comment, "author"), "email"),
                   ==, "demo@hangar.test");
  g_assert_cmpint (second->status, ==, 0);
  g_assert_nonnull (strstr (second->lines[0], "\"text\":\"From stdin\""));

  /* Newest first, every page. */
  list = run_cli (fixture, NULL, "comments", "list", fixture->base_id, "Items", record);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_cmpuint (g_strv_length (list->lines), ==, 2);
  g_assert_nonnull (strstr (list->lines[0], "From stdin"));
  g_assert_nonnull (strstr (list->lines[1], first_id));
  paged = run_cli (fixture, NULL, "comments", "list", fixture->base_id, "Items", record, "--page-size", "1");
  g_assert_cmpint (paged->status, ==, 0);
  g_assert_cmpstr (paged->out, ==, list->out);

  edited = run_cli (fixture, NULL, "comments", "edit", fixture->base_id, "Items", record, first_id, "Done, thanks");
  g_assert_cmpint (edited->status, ==, 0);
  edited_node = parse_line (edited->lines[0]);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (edited_node), "text"), ==, "Done, thanks");
  g_assert_true (json_object_has_member (json_node_get_object (edited_node), "lastUpdatedTime"));

  deleted = run_cli (fixture, NULL, "comments", "delete", fixture->base_id, "Items", record, first_id);
  g_assert_cmpint (deleted->status, ==, 0);
  g_assert_nonnull (strstr (deleted->out, "\"deleted\":true"));
  again = run_cli (fixture, NULL, "comments", "delete", fixture->base_id, "Items", record, first_id);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_nonnull (strstr (again->err, "MODEL_ID_NOT_FOUND"));

  /* A colleague's comment (the demo data's first project): shown with the
   * mention as a name, and not ours to change. */
  {
    g_autofree char *path = g_strdup_printf ("/v0/%s/Projects?maxRecords=1&sort%%5B0%%5D%%5Bfield%%5D=Code",
                                             fixture->base_id);
    g_autoptr(JsonNode) page = hangar_test_sandbox_get (fixture->sandbox, path);
    const char *project = json_object_get_string_member (
      json_array_get_object_element (json_object_get_array_member (json_node_get_object (page), "records"), 0), "id");
    g_autoptr(HangarTestRun) theirs = run_cli (fixture, NULL, "comments", "list", fixture->base_id, "Projects", project);
    g_autoptr(JsonNode) colleague = NULL;
    g_autoptr(HangarTestRun) refused = NULL;
    g_autoptr(HangarTestRun) kept = NULL;

    g_assert_cmpint (theirs->status, ==, 0);
    g_assert_cmpuint (g_strv_length (theirs->lines), ==, 2);
    colleague = parse_line (theirs->lines[1]);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (colleague), "displayText"), ==,
                     "@Dana Demo the crash on login is fixed in today's build.");
    refused = run_cli (fixture, NULL, "comments", "edit", fixture->base_id, "Projects", project,
                       json_object_get_string_member (json_node_get_object (colleague), "id"), "mine now");
    g_assert_cmpint (refused->status, ==, 1);
    g_assert_nonnull (strstr (refused->err, "INVALID_PERMISSIONS"));
    kept = run_cli (fixture, NULL, "comments", "list", fixture->base_id, "Projects", project);
    g_assert_cmpstr (kept->out, ==, theirs->out);
  }

  /* Refused before anything is sent. */
  {
    g_autoptr(HangarTestRun) empty = run_cli (fixture, NULL, "comments", "add", fixture->base_id, "Items", record, "");
    g_autoptr(HangarTestRun) dots = run_cli (fixture, NULL, "comments", "delete", fixture->base_id, "Items", record, "..");
    g_autoptr(HangarTestRun) after = run_cli (fixture, NULL, "comments", "list", fixture->base_id, "Items", record);

    g_assert_cmpint (empty->status, ==, 2);
    g_assert_nonnull (strstr (empty->err, "the text is empty; nothing was sent"));
    g_assert_cmpint (dots->status, ==, 2);
    g_assert_cmpuint (g_strv_length (after->lines), ==, 1);
  }
}

/* ---- export ---- */

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GHashTable) owners = list_records (fixture, fixture->owners_id);
  const char *ann = NULL, *carla = NULL;
  GHashTableIter iter;
  gpointer id, fields;
  g_autofree char *hostile = NULL;
  g_autoptr(HangarTestRun) csv = NULL;
  g_autoptr(HangarTestRun) raw = NULL;

  g_hash_table_iter_init (&iter, owners);
  while (g_hash_table_iter_next (&iter, &id, &fields))
    {
      if (g_str_equal (json_object_get_string_member (fields, "Name"), "Ann"))
        ann = id;
      if (g_str_equal (json_object_get_string_member (fields, "Name"), "Carla, Jr."))
        carla = id;
    }
  hostile = g_strdup_printf ("{\"Name\":\"=HYPERLINK(\\\"http://x\\\")\",\"Qty\":-3,\"Price\":1234.5,\"Share\":0.125,"
                             "\"Status\":\"Done\",\"Tags\":[\"a\",\"b, c\"],\"Owner\":[\"%s\",\"%s\"],"
                             "\"Due\":\"2024-03-01\",\"Done\":true,\"Notes\":\"two\\nlines\"}", ann, carla);
  g_free (create_record (fixture, fixture->items_id, hostile));
  g_free (create_record (fixture, fixture->items_id, "{\"Name\":\"Plain\"}"));

  csv = run_cli (fixture, NULL, "records", "list", fixture->base_id, "Items", "--format", "csv", "--sort", "Name");
  g_assert_cmpint (csv->status, ==, 0);
  g_assert_cmpstr (csv->lines[0], ==, "id,Name,Qty,Price,Share,Status,Tags,Owner,Due,Done,Notes");
  /* Formula text gets an apostrophe; numbers, options and linked records
   * by name as Airtable's export writes them. */
  g_assert_nonnull (strstr (csv->lines[1], ",\"'=HYPERLINK(\"\"http://x\"\")\",-3,$1234.50,12.5%,Done,"
                                           "\"a,\"\"b, c\"\"\",\"Ann,\"\"Carla, Jr.\"\"\",2024-03-01,checked,\"two"));
  g_assert_cmpstr (csv->lines[2], ==, "lines\"");
  g_assert_true (g_str_has_suffix (csv->lines[3], ",Plain,,,,,,,,,"));

  raw = run_cli (fixture, NULL, "records", "list", fixture->base_id, "Items", "--format", "csv", "--sort", "Name",
                 "--no-formula-guard");
  g_assert_cmpint (raw->status, ==, 0);
  g_assert_nonnull (strstr (raw->lines[1], ",\"=HYPERLINK(\"\"http://x\"\")\",-3,"));

  /* What is exported imports back as the same values (the id column is
   * not a field: it is skipped, and said so). */
  {
    g_autofree char *path = write_file (fixture, "export.csv", csv->out, -1);
    g_autofree char *copy_spec = g_strdup_printf (
      "{\"name\":\"Copy\",\"fields\":[{\"name\":\"Name\",\"type\":\"singleLineText\"},"
      " {\"name\":\"Qty\",\"type\":\"number\",\"options\":{\"precision\":0}},"
      " {\"name\":\"Price\",\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}},"
      " {\"name\":\"Share\",\"type\":\"percent\",\"options\":{\"precision\":1}},"
      " {\"name\":\"Status\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"Todo\"},{\"name\":\"Done\"}]}},"
      " {\"name\":\"Tags\",\"type\":\"multipleSelects\",\"options\":{\"choices\":[{\"name\":\"a\"},{\"name\":\"b, c\"}]}},"
      " {\"name\":\"Owner\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"%s\"}},"
      " {\"name\":\"Due\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"iso\"}}},"
      " {\"name\":\"Done\",\"type\":\"checkbox\",\"options\":{\"icon\":\"check\",\"color\":\"greenBright\"}},"
      " {\"name\":\"Notes\",\"type\":\"multilineText\"}]}", fixture->owners_id);
    g_autofree char *copy_id = create_table (fixture, copy_spec);
    g_autoptr(HangarTestRun) imported = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Copy", path);
    g_autoptr(GHashTable) originals = list_records (fixture, fixture->items_id);
    g_autoptr(GHashTable) copies = list_records (fixture, copy_id);
    const char *names[] = { "=HYPERLINK(\"http://x\")", "Plain" };

    g_assert_cmpint (imported->status, ==, 0);
    g_assert_nonnull (strstr (imported->err, "not imported (no field of that name"));
    g_assert_nonnull (strstr (imported->err, "“id”"));
    g_assert_cmpuint (g_hash_table_size (copies), ==, 2);
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        JsonObject *a = find_by_name (originals, names[i]);
        JsonObject *b = find_by_name (copies, names[i]);
        g_autoptr(JsonNode) na = json_node_init_object (json_node_alloc (), a);
        g_autoptr(JsonNode) nb = json_node_init_object (json_node_alloc (), b);
        g_autofree char *ta = NULL;
        g_autofree char *tb = NULL;

        g_assert_nonnull (b);
        ta = json_to_string (na, FALSE);
        tb = json_to_string (nb, FALSE);
        g_assert_cmpstr (ta, ==, tb);
      }
  }
}

/* ---- import ---- */

static const char import_csv[] =
  "Name,Qty,Price,Share,Status,Tags,Owner,Due,Done,Notes,Extra\r\n"
  "Good,\"1,200\",$5.50,50%,Done,\"a,\"\"b, c\"\"\",\"Ann,\"\"Carla, Jr.\"\"\",2024-02-29,yes,\"line one\r\nline two\",x\r\n"
  "Bad option,1,,,Later,,,,,,\r\n"
  "Bad number,twelve,,,,,,,,,\r\n"
  "Ambiguous,1,,,,,Bob,,,,\r\n"
  "Nobody,1,,,,,Zed,,,,\r\n"
  "'=1+1,2,,,Todo,,,2024-03-01,,,\r\n";

static void
test_import (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = write_file (fixture, "items.csv", import_csv, -1);
  g_autofree char *failed_path = g_build_filename (fixture->dir, "items-failed.csv", NULL);
  g_autoptr(HangarTestRun) run = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items", path);
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GHashTable) records = list_records (fixture, fixture->items_id);
  g_autofree char *failed = NULL;
  JsonObject *good, *formula;

  /* 2 written, 4 failed: exit 3, a report, the reasons, the failed file. */
  g_assert_cmpint (run->status, ==, 3);
  report = parse_line (run->lines[0]);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report), "created"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report), "failed"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (report), "failedCsv"), ==, failed_path);
  g_assert_nonnull (strstr (run->err, "“Extra”"));
  g_assert_nonnull (strstr (run->err, "4 rows failed"));

  g_assert_cmpuint (g_hash_table_size (records), ==, 2);
  good = find_by_name (records, "Good");
  g_assert_nonnull (good);
  g_assert_cmpint (json_object_get_int_member (good, "Qty"), ==, 1200);
  g_assert_cmpfloat (json_object_get_double_member (good, "Price"), ==, 5.5);
  g_assert_cmpfloat (json_object_get_double_member (good, "Share"), ==, 0.5);
  g_assert_cmpstr (json_object_get_string_member (good, "Status"), ==, "Done");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (good, "Tags")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (good, "Tags"), 1), ==, "b, c");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (good, "Owner")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (good, "Due"), ==, "2024-02-29");
  g_assert_true (json_object_get_boolean_member (good, "Done"));
  g_assert_cmpstr (json_object_get_string_member (good, "Notes"), ==, "line one\nline two");
  /* The apostrophe of the formula guard is taken off again. */
  formula = find_by_name (records, "=1+1");
  g_assert_nonnull (formula);

  g_assert_true (g_file_get_contents (failed_path, &failed, NULL, NULL));
  g_assert_true (g_str_has_prefix (failed, "\xEF\xBB\xBFName,Qty,Price,Share,Status,Tags,Owner,Due,Done,Notes,Extra,Import error\r\n"));
  g_assert_nonnull (strstr (failed, "Bad option,1,,,Later,,,,,,,line 4: Status: “Later” is not an option of Status "
                                    "(turn on typecast to add it)\r\n"));
  g_assert_nonnull (strstr (failed, "Bad number,twelve,,,,,,,,,,line 5: Qty: “twelve” is not a number\r\n"));
  g_assert_nonnull (strstr (failed, "Ambiguous,1,,,,,Bob,,,,,line 6: Owner: several records in Owners are named "
                                    "“Bob”; use the record id\r\n"));
  g_assert_nonnull (strstr (failed, "Nobody,1,,,,,Zed,,,,,line 7: Owner: no record in Owners is named “Zed”"));

  /* The same file again would add its rows again: refused. */
  {
    g_autoptr(HangarTestRun) twice = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items", path);
    g_autoptr(GHashTable) after = list_records (fixture, fixture->items_id);

    g_assert_cmpint (twice->status, ==, 2);
    g_assert_nonnull (strstr (twice->err, "This file was imported into this table on"));
    g_assert_cmpuint (g_hash_table_size (after), ==, 2);
  }

  /* The failed rows, fixed, import as they are: the reasons column is not
   * a field. */
  {
    g_autofree char *fixed = NULL;
    g_autofree char *fixed_path = NULL;
    g_autoptr(HangarTestRun) again = NULL;
    g_autoptr(GHashTable) after = NULL;
    g_autoptr(GRegex) later = g_regex_new ("Later", 0, 0, NULL);
    g_autoptr(GRegex) twelve = g_regex_new ("twelve", 0, 0, NULL);
    g_autoptr(GRegex) bob = g_regex_new (",Bob,", 0, 0, NULL);
    g_autoptr(GRegex) zed = g_regex_new (",Zed,", 0, 0, NULL);
    char *tmp;

    fixed = g_regex_replace_literal (later, failed, -1, 0, "Todo", 0, NULL);
    tmp = g_regex_replace_literal (twelve, fixed, -1, 0, "12", 0, NULL);
    g_free (fixed);
    fixed = g_regex_replace_literal (bob, tmp, -1, 0, ",Ann,", 0, NULL);
    g_free (tmp);
    tmp = g_regex_replace_literal (zed, fixed, -1, 0, ",,", 0, NULL);
    g_free (fixed);
    fixed = tmp;
    fixed_path = write_file (fixture, "fixed.csv", fixed, -1);
    again = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items", fixed_path);
    g_assert_cmpint (again->status, ==, 0);
    g_assert_null (strstr (again->err, "Import error"));
    after = list_records (fixture, fixture->items_id);
    g_assert_cmpuint (g_hash_table_size (after), ==, 6);
    g_assert_cmpint (json_object_get_int_member (find_by_name (after, "Bad number"), "Qty"), ==, 12);
    /* Nothing failed: no failed-rows file is left behind. */
    {
      g_autofree char *fixed_failed = g_build_filename (fixture->dir, "fixed-failed.csv", NULL);

      g_assert_false (g_file_test (fixed_failed, G_FILE_TEST_EXISTS));
    }
  }

  /* Upsert on Name: the same rows update, nothing is created; typecast
   * adds the unknown option. */
  {
    const char *update = "Name,Qty,Status\nGood,7,Later\nNew one,1,Todo\n";
    g_autofree char *update_path = write_file (fixture, "update.csv", update, -1);
    g_autoptr(HangarTestRun) upsert = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items",
                                               update_path, "--merge-on", "Name", "--typecast");
    g_autoptr(JsonNode) upsert_report = NULL;
    g_autoptr(GHashTable) after = list_records (fixture, fixture->items_id);

    g_assert_cmpint (upsert->status, ==, 0);
    upsert_report = parse_line (upsert->lines[0]);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (upsert_report), "updated"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (upsert_report), "created"), ==, 1);
    g_assert_cmpuint (g_hash_table_size (after), ==, 7);
    g_assert_cmpint (json_object_get_int_member (find_by_name (after, "Good"), "Qty"), ==, 7);
    g_assert_cmpstr (json_object_get_string_member (find_by_name (after, "Good"), "Status"), ==, "Later");
    /* An upsert may run again: it matches. */
    {
      g_autoptr(HangarTestRun) repeat = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items",
                                                 update_path, "--merge-on", "Name", "--typecast");
      g_autoptr(GHashTable) same = list_records (fixture, fixture->items_id);

      g_assert_cmpint (repeat->status, ==, 0);
      g_assert_cmpuint (g_hash_table_size (same), ==, 7);
    }
  }

  /* Settings refused before anything is sent. */
  {
    g_autoptr(HangarTestRun) bad_merge = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items",
                                                  path, "--merge-on", "Owner", "--restart");
    g_autoptr(HangarTestRun) bad_map = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items",
                                                path, "--map", "Extra=Nope");
    g_autoptr(HangarTestRun) no_table = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Nope", path);
    g_autoptr(GHashTable) after = list_records (fixture, fixture->items_id);

    g_assert_cmpint (bad_merge->status, ==, 2);
    g_assert_nonnull (strstr (bad_merge->err, "Airtable cannot match rows on Owner"));
    g_assert_cmpint (bad_map->status, ==, 2);
    g_assert_nonnull (strstr (bad_map->err, "the table has no field “Nope”"));
    g_assert_cmpint (no_table->status, ==, 2);
    g_assert_cmpuint (g_hash_table_size (after), ==, 7);
  }
}

/* ---- hostile files ---- */

typedef struct
{
  const char *name;
  const char *data;
  gssize      len;
  const char *message;   /* part of stderr */
} Hostile;

static void
test_hostile (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GString) huge = g_string_new ("Name,Notes\nok,1\nlong,\"");
  const Hostile cases[] = {
    { "columns.csv", "Name,Qty\nA,1\nB,2,3\nC\n", -1,
      "(2 problems; nothing was sent):\nhangar-cli:   line 3: 3 cells, but the header has 2\n"
      "hangar-cli:   line 4: 1 cells, but the header has 2\n" },
    { "latin1.csv", "Name,Notes\nCaf\xE9,x\n", -1,
      "line 2, column 1: byte 0xE9 at character 4 of the cell is not UTF-8" },
    { "utf16.csv", "\xFF\xFEN\0a\0m\0e\0", 10, "line 1: the file is in UTF-16; save it as UTF-8" },
    { "quote.csv", "Name,Notes\nA,\"never closed\nB,2\n", -1, "line 2, column 2: the quote opened here is never closed" },
    { "after-quote.csv", "Name,Notes\n\"A\"B,1\n", -1, "line 2, column 1: text after the closing quote" },
    { "nul.csv", "Name,Notes\nA,b\0c\n", 15, "line 2, column 2: a NUL byte" },
    { "empty.csv", "", 0, "The file is empty" },
    { "header.csv", "Name,Notes\r\n", -1, "The file has a header but no rows" },
    { "huge.csv", NULL, 0, "line 3, column 2: a cell longer than 400000 bytes (is a quote opened here never closed?)" },
  };

  /* 8 MB in one cell: read past, never kept, and named. */
  for (guint i = 0; i < 8 * 1024; i++)
    g_string_append (huge, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_string_append (huge, "\"\nlast,1\n");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file (fixture, cases[i].name, cases[i].data != NULL ? cases[i].data : huge->str,
                                          cases[i].data != NULL ? cases[i].len : (gssize) huge->len);
      g_autoptr(HangarTestRun) run = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items", path);

      g_test_message ("case %s", cases[i].name);
      g_assert_cmpint (run->status, ==, 2);
      g_assert_nonnull (strstr (run->err, cases[i].message));
      g_assert_cmpstr (run->out, ==, "");
    }
  {
    g_autoptr(GHashTable) records = list_records (fixture, fixture->items_id);

    g_assert_cmpuint (g_hash_table_size (records), ==, 0);
  }

  /* Careless but valid: a byte order mark, CRLF, semicolons, quotes and
   * line breaks in cells, blank lines. */
  {
    const char *careless = "\xEF\xBB\xBFName;Notes;Qty\r\n\"A; \"\"quoted\"\"\";\"one\r\ntwo\";1\r\n\r\nB;;2\r\n";
    g_autofree char *path = write_file (fixture, "careless.csv", careless, -1);
    g_autoptr(HangarTestRun) run = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items", path);
    g_autoptr(GHashTable) records = list_records (fixture, fixture->items_id);
    JsonObject *a = find_by_name (records, "A; \"quoted\"");

    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpuint (g_hash_table_size (records), ==, 2);
    g_assert_nonnull (a);
    g_assert_cmpstr (json_object_get_string_member (a, "Notes"), ==, "one\ntwo");
    g_assert_cmpint (json_object_get_int_member (find_by_name (records, "B"), "Qty"), ==, 2);
  }
}

/* Answers that never come, or come broken, in the middle of an import:
 * the rows of that request are looked up, sent again only if they were
 * not written, and nothing is duplicated. */
static void
test_lost_answers (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GString) rows = g_string_new ("Name,Qty\n");
  g_autofree char *path = NULL;
  g_autofree char *prefix = g_strdup_printf ("/v0/%s/%s", fixture->base_id, fixture->items_id);
  /* The second time the rows are those of the first import: a check
   * must not take the older records for the new rows. */
  const char *faults[] = { "\"malformed\":true", "\"drop\":true" };

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (rows, "Lost %u,%u\n", i, i);
  path = write_file (fixture, "lost.csv", rows->str, -1);

  for (guint f = 0; f < G_N_ELEMENTS (faults); f++)
    {
      g_autofree char *fault = g_strdup_printf ("{\"count\":1,%s,\"path_prefix\":\"%s\",\"method\":\"POST\"}",
                                                faults[f], prefix);
      g_autoptr(HangarTestRun) run = NULL;
      g_autoptr(GHashTable) records = NULL;

      g_test_message ("fault %s", faults[f]);
      /* The fault hits the first write. */
      hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", fault);
      /* A request dropped unanswered may still be applied: the check
       * waits until it no longer can, its deadline (short here). */
      run = run_cli (fixture, NULL, "records", "import", fixture->base_id, "Items", path, "--restart",
                     "--deadline", "5");
      g_assert_cmpint (run->status, ==, 0);
      records = list_records (fixture, fixture->items_id);
      g_assert_cmpuint (g_hash_table_size (records), ==, 60 * (f + 1));
      for (guint i = 0; i < 60; i++)
        {
          g_autofree char *name = g_strdup_printf ("Lost %u", i);

          g_assert_nonnull (find_by_name (records, name));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add ("/hangar/cli/csv/comments", Fixture, NULL, fixture_set_up, test_comments, fixture_tear_down);
  g_test_add ("/hangar/cli/csv/export", Fixture, NULL, fixture_set_up, test_export, fixture_tear_down);
  g_test_add ("/hangar/cli/csv/import", Fixture, NULL, fixture_set_up, test_import, fixture_tear_down);
  g_test_add ("/hangar/cli/csv/hostile", Fixture, NULL, fixture_set_up, test_hostile, fixture_tear_down);
  g_test_add ("/hangar/cli/csv/lost-answers", Fixture, NULL, fixture_set_up, test_lost_answers, fixture_tear_down);

  return g_test_run ();
}
