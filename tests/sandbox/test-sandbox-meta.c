/* test-sandbox-meta.c — whoami and the meta API of hangar-sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "test-sandbox-common.h"

static HangarTestSandbox *
start (void)
{
  return hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
}

static JsonObject *
find_named (JsonArray  *array,
            const char *name)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (obj, "name"), name) == 0)
        return obj;
    }
  return NULL;
}

static void
test_whoami (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autoptr(JsonObject) me = sb_call (sb, "GET", "/v0/meta/whoami", sb->pat, NULL, 200);
  g_autoptr(JsonObject) token = sb_call (sb, "POST", "/__sandbox/pats", NULL, "{\"scopes\":[\"data.records:read\"]}", 200);
  g_autoptr(JsonObject) narrow = sb_call (sb, "GET", "/v0/meta/whoami", json_object_get_string_member (token, "token"), NULL, 200);

  g_assert_cmpstr (json_object_get_string_member (me, "id"), ==, json_object_get_string_member (sb->info, "user_id"));
  g_assert_cmpstr (json_object_get_string_member (me, "email"), ==, "demo@hangar.test");
  g_assert_false (json_object_has_member (me, "scopes"));   /* PATs never list scopes */
  /* no user.email:read: no email; whoami itself needs no scope */
  g_assert_cmpstr (json_object_get_string_member (narrow, "id"), ==, json_object_get_string_member (me, "id"));
  g_assert_false (json_object_has_member (narrow, "email"));
}

static void
test_list_bases (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autoptr(JsonObject) reply = sb_call (sb, "GET", "/v0/meta/bases", sb->pat, NULL, 200);
  JsonArray *bases = json_object_get_array_member (reply, "bases");
  JsonObject *roadmap = find_named (bases, "Product Roadmap");

  g_assert_cmpuint (json_array_get_length (bases), ==, 2);
  g_assert_nonnull (roadmap);
  g_assert_nonnull (find_named (bases, "Content Calendar"));
  g_assert_null (find_named (bases, "Garden Club"));
  g_assert_cmpstr (json_object_get_string_member (roadmap, "permissionLevel"), ==, "create");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (roadmap, "id"), "app"));
  g_assert_false (json_object_has_member (reply, "offset"));
  {
    g_autoptr(JsonObject) bad = sb_call (sb, "GET", "/v0/meta/bases?offset=garbage", sb->pat, NULL, 422);

    sb_assert_error (bad, "INVALID_OFFSET_VALUE");
  }
}

static void
test_bases_paging (void)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HangarTestSandbox) sb = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autofree char *next = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* 999 generated bases + the 2 demo bases = 1001: two pages */
  g_ptr_array_add (args, g_strdup ("--no-rate-limit"));
  g_ptr_array_add (args, g_strdup ("--quiet"));
  for (guint i = 0; i < 999; i++)
    {
      g_ptr_array_add (args, g_strdup ("--generate"));
      g_ptr_array_add (args, g_strdup_printf ("Empty %03u:0", i));
    }
  g_ptr_array_add (args, NULL);
  sb = hangar_test_sandbox_startv ((const char * const *) args->pdata);

  first = sb_call (sb, "GET", "/v0/meta/bases", sb->pat, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "bases")), ==, 1000);
  g_assert_true (json_object_has_member (first, "offset"));
  next = g_strdup_printf ("/v0/meta/bases?offset=%s", json_object_get_string_member (first, "offset"));
  second = sb_call (sb, "GET", next, sb->pat, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (second, "bases")), ==, 1);
  g_assert_false (json_object_has_member (second, "offset"));
  for (guint p = 0; p < 2; p++)
    {
      JsonArray *bases = json_object_get_array_member (p == 0 ? first : second, "bases");

      for (guint i = 0; i < json_array_get_length (bases); i++)
        {
          const char *id = json_object_get_string_member (json_array_get_object_element (bases, i), "id");

          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, g_strdup (id));
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1001);
}

static void
test_schema (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autoptr(JsonObject) reply = sb_call (sb, "GET", path, sb->pat, NULL, 200);
  JsonArray *tables = json_object_get_array_member (reply, "tables");
  JsonObject *projects = find_named (tables, "Projects");
  JsonArray *fields = json_object_get_array_member (projects, "fields");
  JsonObject *name = find_named (fields, "Name");
  JsonObject *status = find_named (fields, "Status");
  JsonObject *views;
  g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (json_array_get_length (tables), ==, 3);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (projects, "id"), "tbl"));
  g_assert_cmpstr (json_object_get_string_member (projects, "primaryFieldId"), ==, json_object_get_string_member (name, "id"));
  g_assert_cmpstr (json_object_get_string_member (name, "type"), ==, "singleLineText");
  g_assert_false (json_object_has_member (name, "options"));       /* left out when empty */
  g_assert_false (json_object_has_member (name, "description"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (status, "options"), "choices")), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (json_object_get_object_member (status, "options"), "choices"), 0), "color"),
                   ==, "grayLight2");

  /* most field types appear in the demo */
  for (guint t = 0; t < json_array_get_length (tables); t++)
    {
      JsonArray *tf = json_object_get_array_member (json_array_get_object_element (tables, t), "fields");

      for (guint i = 0; i < json_array_get_length (tf); i++)
        g_hash_table_add (types, (gpointer) json_object_get_string_member (json_array_get_object_element (tf, i), "type"));
    }
  {
    const char *expected[] = { "singleLineText", "multilineText", "email", "phoneNumber", "number", "percent", "currency",
                               "duration", "rating", "checkbox", "singleSelect", "multipleSelects", "singleCollaborator",
                               "multipleRecordLinks", "date", "dateTime", "multipleAttachments", "formula", "rollup",
                               "count", "autoNumber", "createdTime" };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_true (g_hash_table_contains (types, expected[i]));
  }

  views = find_named (json_object_get_array_member (projects, "views"), "Board");
  g_assert_cmpstr (json_object_get_string_member (views, "type"), ==, "kanban");
  g_assert_false (json_object_has_member (find_named (json_object_get_array_member (projects, "views"), "All projects"), "visibleFieldIds"));
  {
    g_autofree char *p = g_strdup_printf ("%s?include%%5B%%5D=visibleFieldIds", path);
    g_autoptr(JsonObject) with = sb_call (sb, "GET", p, sb->pat, NULL, 200);
    JsonObject *proj = find_named (json_object_get_array_member (with, "tables"), "Projects");
    JsonObject *all = find_named (json_object_get_array_member (proj, "views"), "All projects");
    JsonObject *active = find_named (json_object_get_array_member (proj, "views"), "Active projects");
    JsonObject *board = find_named (json_object_get_array_member (proj, "views"), "Board");

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (all, "visibleFieldIds")), ==,
                      json_array_get_length (json_object_get_array_member (proj, "fields")));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (active, "visibleFieldIds")), ==,
                      json_array_get_length (json_object_get_array_member (proj, "fields")) - 2);
    g_assert_false (json_object_has_member (board, "visibleFieldIds"));   /* grid views only */
  }
}

static void
test_create_table (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autoptr(JsonObject) schema = sb_call (sb, "GET", path, sb->pat, NULL, 200);
  const char *people_id = json_object_get_string_member (find_named (json_object_get_array_member (schema, "tables"), "People"), "id");
  g_autofree char *body = g_strdup_printf (
    "{\"name\":\"Bugs\",\"description\":\"Known bugs\",\"fields\":["
    "{\"name\":\"Summary\",\"type\":\"singleLineText\",\"description\":\"One line\"},"
    "{\"name\":\"Severity\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"Low\"},{\"name\":\"High\",\"color\":\"redBright\"}]}},"
    "{\"name\":\"Fixed\",\"type\":\"checkbox\",\"options\":{\"icon\":\"check\",\"color\":\"greenBright\"}},"
    "{\"name\":\"Reporter\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"%s\"}},"
    "{\"name\":\"Cost\",\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"€\"}}]}", people_id);
  g_autoptr(JsonObject) table = sb_call (sb, "POST", path, sb->pat, body, 200);
  JsonArray *fields = json_object_get_array_member (table, "fields");

  g_assert_cmpstr (json_object_get_string_member (table, "name"), ==, "Bugs");
  g_assert_cmpstr (json_object_get_string_member (table, "description"), ==, "Known bugs");
  g_assert_cmpuint (json_array_get_length (fields), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (table, "primaryFieldId"), ==,
                   json_object_get_string_member (json_array_get_object_element (fields, 0), "id"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 0), "description"), ==, "One line");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (table, "views"), 0), "name"),
                   ==, "Grid view");
  {
    JsonObject *link = find_named (fields, "Reporter");
    JsonObject *options = json_object_get_object_member (link, "options");
    g_autoptr(JsonObject) after = sb_call (sb, "GET", path, sb->pat, NULL, 200);
    JsonObject *people = find_named (json_object_get_array_member (after, "tables"), "People");
    JsonObject *inverse = find_named (json_object_get_array_member (people, "fields"), "Bugs");

    g_assert_cmpstr (json_object_get_string_member (options, "linkedTableId"), ==, people_id);
    g_assert_nonnull (inverse);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (inverse, "options"), "inverseLinkFieldId"), ==,
                     json_object_get_string_member (link, "id"));
  }

  /* validation */
  {
    struct { const char *body; const char *type; } cases[] = {
      { "{\"name\":\"bugs\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"}]}", "DUPLICATE_TABLE_NAME" },
      { "{\"name\":\"\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"}]}", "INVALID_TABLE_NAME" },
      { "{\"name\":\"T1\",\"fields\":[]}", "INVALID_REQUEST_UNKNOWN" },
      { "{\"name\":\"T2\"}", "INVALID_REQUEST_UNKNOWN" },
      { "{\"name\":\"T3\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"},{\"name\":\"a\",\"type\":\"number\"}]}", "DUPLICATE_OR_EMPTY_FIELD_NAME" },
      { "{\"name\":\"T4\",\"fields\":[{\"name\":\"\",\"type\":\"singleLineText\"}]}", "DUPLICATE_OR_EMPTY_FIELD_NAME" },
      { "{\"name\":\"T5\",\"fields\":[{\"name\":\"Done\",\"type\":\"checkbox\"}]}", "INVALID_PRIMARY_FIELD_TYPE" },
      { "{\"name\":\"T6\",\"fields\":[{\"name\":\"A\",\"type\":\"formula\"}]}", "UNSUPPORTED_FIELD_TYPE_FOR_CREATE" },
      { "{\"name\":\"T7\",\"fields\":[{\"name\":\"A\",\"type\":\"noSuchType\"}]}", "UNSUPPORTED_FIELD_TYPE_FOR_CREATE" },
      { "{\"name\":\"T8\",\"fields\":[{\"name\":\"A\",\"type\":\"number\",\"options\":{\"precision\":12}}]}", "INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE" },
      { "{\"name\":\"T9\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"},{\"name\":\"S\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"x\",\"color\":\"mauve\"}]}}]}", "INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE" },
      { "{\"name\":\"T10\",\"description\":\"\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"}]}", "INVALID_REQUEST_UNKNOWN" },
      { "{\"name\":\"T11\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"},{\"name\":\"L\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"tblAAAAAAAAAAAAAA\"}}]}", "INVALID_FIELD_TYPE_OPTIONS_FOR_CREATE" },
      { "{\"name\":5,\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"}]}", "INVALID_TABLE_NAME" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(JsonObject) reply = sb_call (sb, "POST", path, sb->pat, cases[i].body, 422);

        sb_assert_error (reply, cases[i].type);
      }
  }
  {
    g_autoptr(GString) longtext = g_string_new ("{\"name\":\"T12\",\"description\":\"");
    g_autoptr(JsonObject) reply = NULL;

    for (guint i = 0; i < 20001; i++)
      g_string_append_c (longtext, 'x');
    g_string_append (longtext, "\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"}]}");
    reply = sb_call (sb, "POST", path, sb->pat, longtext->str, 422);
    sb_assert_error (reply, "INVALID_REQUEST_UNKNOWN");
  }
  /* nothing was created by the failures */
  {
    g_autoptr(JsonObject) after = sb_call (sb, "GET", path, sb->pat, NULL, 200);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "tables")), ==, 4);
  }
  /* records in the new table */
  {
    g_autofree char *rp = g_strdup_printf ("/v0/%s/Bugs", base);
    g_autoptr(JsonObject) record = sb_call (sb, "POST", rp, sb->pat, "{\"fields\":{\"Summary\":\"Crash\",\"Severity\":\"High\",\"Cost\":9.5}}", 200);

    g_assert_cmpstr (json_object_get_string_member (sb_fields (record), "Severity"), ==, "High");
  }
}

static void
test_update_table_and_fields (void)
{
  g_autoptr(HangarTestSandbox) sb = start ();
  g_autofree char *base = sb_demo_base (sb);
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base);
  g_autoptr(JsonObject) schema = sb_call (sb, "GET", path, sb->pat, NULL, 200);
  JsonObject *tasks = find_named (json_object_get_array_member (schema, "tables"), "Tasks");
  const char *tasks_id = json_object_get_string_member (tasks, "id");
  const char *title_id = json_object_get_string_member (tasks, "primaryFieldId");
  const char *late_id = json_object_get_string_member (find_named (json_object_get_array_member (tasks, "fields"), "Late"), "id");
  const char *points_id = json_object_get_string_member (find_named (json_object_get_array_member (tasks, "fields"), "Points"), "id");
  g_autofree char *table_path = g_strdup_printf ("%s/%s", path, tasks_id);
  g_autofree char *fields_path = g_strdup_printf ("%s/%s/fields", path, tasks_id);
  g_autofree char *title_path = g_strdup_printf ("%s/%s", fields_path, title_id);
  g_autofree char *late_path = g_strdup_printf ("%s/%s", fields_path, late_id);

  /* update table */
  {
    g_autoptr(JsonObject) table = sb_call (sb, "PATCH", table_path, sb->pat, "{\"name\":\"Work items\",\"description\":\"All the work\"}", 200);

    g_assert_cmpstr (json_object_get_string_member (table, "name"), ==, "Work items");
    g_assert_cmpstr (json_object_get_string_member (table, "description"), ==, "All the work");
    g_assert_true (json_object_has_member (table, "fields"));
    g_assert_true (json_object_has_member (table, "views"));
  }
  {
    g_autoptr(JsonObject) dup = sb_call (sb, "PATCH", table_path, sb->pat, "{\"name\":\"PROJECTS\"}", 422);
    g_autoptr(JsonObject) none = sb_call (sb, "PATCH", table_path, sb->pat, "{}", 422);

    sb_assert_error (dup, "DUPLICATE_TABLE_NAME");
    sb_assert_error (none, "INVALID_REQUEST_UNKNOWN");
  }
  /* the table is reachable under its new name */
  {
    g_autofree char *rp = g_strdup_printf ("/v0/%s/Work%%20items?maxRecords=1", base);
    g_autoptr(JsonObject) page = sb_call (sb, "GET", rp, sb->pat, NULL, 200);

    g_assert_cmpuint (json_array_get_length (sb_records (page)), ==, 1);
  }

  /* create field */
  {
    g_autoptr(JsonObject) field = sb_call (sb, "POST", fields_path, sb->pat,
                                           "{\"name\":\"Effort\",\"type\":\"rating\",\"options\":{\"max\":3,\"icon\":\"flag\",\"color\":\"redBright\"},\"description\":\"How hard\"}", 200);
    g_autoptr(JsonObject) dup = sb_call (sb, "POST", fields_path, sb->pat, "{\"name\":\"effort\",\"type\":\"number\"}", 422);
    g_autoptr(JsonObject) computed = sb_call (sb, "POST", fields_path, sb->pat, "{\"name\":\"N\",\"type\":\"autoNumber\"}", 422);

    g_assert_true (g_str_has_prefix (json_object_get_string_member (field, "id"), "fld"));
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (field, "options"), "max"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (field, "description"), ==, "How hard");
    sb_assert_error (dup, "DUPLICATE_OR_EMPTY_FIELD_NAME");
    sb_assert_error (computed, "UNSUPPORTED_FIELD_TYPE_FOR_CREATE");
  }
  /* update field: name and description; no type change; options only for formulas */
  {
    g_autoptr(JsonObject) field = sb_call (sb, "PATCH", title_path, sb->pat, "{\"name\":\"Task\",\"description\":\"What to do\"}", 200);
    g_autoptr(JsonObject) type = sb_call (sb, "PATCH", title_path, sb->pat, "{\"type\":\"number\"}", 422);
    g_autoptr(JsonObject) options = sb_call (sb, "PATCH", title_path, sb->pat, "{\"options\":{\"formula\":\"1\"}}", 422);
    g_autoptr(JsonObject) dup = sb_call (sb, "PATCH", title_path, sb->pat, "{\"name\":\"POINTS\"}", 422);
    g_autoptr(JsonObject) empty = sb_call (sb, "PATCH", title_path, sb->pat, "{}", 422);

    g_assert_cmpstr (json_object_get_string_member (field, "name"), ==, "Task");
    g_assert_cmpstr (json_object_get_string_member (field, "description"), ==, "What to do");
    sb_assert_error (type, "INVALID_REQUEST_UNKNOWN");
    sb_assert_error (options, "INVALID_FIELD_TYPE_OPTIONS_FOR_UPDATE");
    sb_assert_error (dup, "DUPLICATE_OR_EMPTY_FIELD_NAME");
    sb_assert_error (empty, "INVALID_REQUEST_UNKNOWN");
  }
  /* the renamed field is used by name in writes */
  {
    g_autofree char *rp = g_strdup_printf ("/v0/%s/%s", base, tasks_id);
    g_autoptr(JsonObject) record = sb_call (sb, "POST", rp, sb->pat, "{\"fields\":{\"Task\":\"renamed works\",\"Points\":4}}", 200);

    g_assert_cmpstr (json_object_get_string_member (sb_fields (record), "Task"), ==, "renamed works");
  }
  /* a formula field's formula can change; the computed cells follow */
  {
    g_autoptr(JsonObject) field = sb_call (sb, "PATCH", late_path, sb->pat, "{\"options\":{\"formula\":\"{Points} * 2\"}}", 200);
    g_autoptr(JsonObject) bad = sb_call (sb, "PATCH", late_path, sb->pat, "{\"options\":{\"formula\":\"{Points} * (\"}}", 422);
    g_autofree char *rp = g_strdup_printf ("/v0/%s/%s?filterByFormula=%%7BPoints%%7D%%3D4", base, tasks_id);
    g_autoptr(JsonObject) page = sb_call (sb, "GET", rp, sb->pat, NULL, 200);
    JsonObject *options = json_object_get_object_member (field, "options");
    g_autofree char *with_id = g_strdup_printf ("{%s} * 2", points_id);

    /* formula options come back with {fld…} references */
    g_assert_cmpstr (json_object_get_string_member (options, "formula"), ==, with_id);
    g_assert_true (json_object_get_boolean_member (options, "isValid"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (options, "referencedFieldIds")), ==, 1);
    sb_assert_error (bad, "INVALID_FIELD_TYPE_OPTIONS_FOR_UPDATE");
    g_assert_cmpint (json_object_get_int_member (sb_fields (json_array_get_object_element (sb_records (page), 0)), "Late"), ==, 8);
  }
  /* huge and non-finite formula results still make valid JSON */
  {
    const char *formulas[] = { "{\"options\":{\"formula\":\"{Points} * 1e300 + 1e300\"}}",
                               "{\"options\":{\"formula\":\"{Points} / 0\"}}",
                               "{\"options\":{\"formula\":\"0 / 0\"}}" };

    for (guint i = 0; i < G_N_ELEMENTS (formulas); i++)
      {
        g_autoptr(JsonObject) field = sb_call (sb, "PATCH", late_path, sb->pat, formulas[i], 200);
        g_autofree char *rp = g_strdup_printf ("/v0/%s/%s?pageSize=3", base, tasks_id);
        g_autoptr(JsonObject) page = sb_call (sb, "GET", rp, sb->pat, NULL, 200);

        g_assert_cmpuint (json_array_get_length (sb_records (page)), ==, 3);
      }
  }
  {
    g_autofree char *p = g_strdup_printf ("%s/fldAAAAAAAAAAAAAA", fields_path);
    g_autoptr(JsonObject) reply = sb_call (sb, "PATCH", p, sb->pat, "{\"name\":\"x\"}", 404);

    sb_assert_error (reply, "FIELD_NOT_FOUND");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/meta/whoami", test_whoami);
  g_test_add_func ("/hangar/sandbox/meta/list-bases", test_list_bases);
  g_test_add_func ("/hangar/sandbox/meta/bases-paging", test_bases_paging);
  g_test_add_func ("/hangar/sandbox/meta/schema", test_schema);
  g_test_add_func ("/hangar/sandbox/meta/create-table", test_create_table);
  g_test_add_func ("/hangar/sandbox/meta/update-table-and-fields", test_update_table_and_fields);
  return g_test_run ();
}
