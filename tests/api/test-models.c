/* test-models.c — JSON → model, with malformed and unexpected input, and
 * cell value formatting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "hangar-api.h"

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonNode) node = parse (json);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* Asserts that parsing fails with INVALID_RESPONSE and a message that
 * contains @needle. */
#define assert_invalid(error, needle) G_STMT_START {                        \
    g_assert_error ((error), HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE); \
    if (strstr ((error)->message, (needle)) == NULL)                          \
      g_error ("message “%s” does not mention “%s”", (error)->message, (needle)); \
  } G_STMT_END

static void
test_record_valid (void)
{
  g_autoptr(JsonObject) object = parse_object (
    "{\"id\":\"rec560UJdUtocSouk\",\"createdTime\":\"2022-09-12T21:03:48.000Z\","
    " \"fields\":{\"Name\":\"Union Square\",\"Visited\":true,\"Tags\":[\"a\",\"b\"]},"
    " \"commentCount\":3, \"somethingNew\":{\"x\":1}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarRecord) record = hangar_record_new_from_json (object, &error);
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(JsonNode) write = NULL;
  g_autofree char *write_text = NULL;
  GDateTime *created;

  g_assert_no_error (error);
  g_assert_cmpstr (hangar_record_get_id (record), ==, "rec560UJdUtocSouk");
  created = hangar_record_get_created_time (record);
  g_assert_cmpint (g_date_time_get_year (created), ==, 2022);
  g_assert_cmpint (g_date_time_get_second (created), ==, 48);
  g_assert_cmpint (g_date_time_get_utc_offset (created), ==, 0);
  g_assert_true (hangar_record_has_field (record, "Name"));
  g_assert_false (hangar_record_has_field (record, "Missing"));
  g_assert_null (hangar_record_get_field (record, "Missing"));
  g_assert_cmpstr (json_node_get_string (hangar_record_get_field (record, "Name")), ==, "Union Square");
  g_assert_true (hangar_record_has_comment_count (record));
  g_assert_cmpint (hangar_record_get_comment_count (record), ==, 3);

  /* dup_fields is deep: changing the copy leaves the record alone */
  copy = hangar_record_dup_fields (record);
  json_array_add_string_element (json_object_get_array_member (copy, "Tags"), "c");
  json_object_set_string_member (copy, "Name", "changed");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (hangar_record_get_field (record, "Tags"))), ==, 2);
  g_assert_cmpstr (json_node_get_string (hangar_record_get_field (record, "Name")), ==, "Union Square");

  write = hangar_record_to_json (record, TRUE);
  write_text = json_to_string (write, FALSE);
  g_assert_nonnull (strstr (write_text, "\"id\":\"rec560UJdUtocSouk\""));
  g_assert_nonnull (strstr (write_text, "\"fields\":{\"Name\":\"Union Square\""));
  g_assert_null (strstr (write_text, "createdTime"));
}

static void
test_record_microseconds_and_empty (void)
{
  g_autoptr(JsonObject) object = parse_object (
    "{\"id\":\"recA\",\"createdTime\":\"2023-05-22T21:24:15.333134Z\",\"fields\":{}}");
  g_autoptr(JsonObject) no_fields = parse_object (
    "{\"id\":\"recB\",\"createdTime\":\"2023-05-22T21:24:15Z\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarRecord) a = hangar_record_new_from_json (object, &error);
  g_autoptr(HangarRecord) b = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_get_microsecond (hangar_record_get_created_time (a)), ==, 333134);
  g_assert_cmpuint (json_object_get_size (hangar_record_get_fields (a)), ==, 0);
  g_assert_false (hangar_record_has_comment_count (a));
  g_assert_cmpint (hangar_record_get_comment_count (a), ==, -1);

  b = hangar_record_new_from_json (no_fields, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hangar_record_get_fields (b));
  g_assert_cmpuint (json_object_get_size (hangar_record_get_fields (b)), ==, 0);
}

static void
test_record_values_kept (void)
{
  /* Records keep their values as compact text until read: everything
   * must come back exactly. */
  g_autoptr(JsonObject) object = parse_object (
    "{\"id\":\"recK\",\"createdTime\":\"1969-12-31T23:59:58.500Z\",\"fields\":{"
    "\"Big\":9007199254740993,\"Tenth\":0.1,\"Neg\":-2.5e-300,\"Text\":\"“quotes” \\\"x\\\" \\\\ 🚀\\nz\","
    "\"Nested\":{\"a\":[1,{\"b\":null},true]},\"Empty\":\"\",\"Null\":null}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarRecord) record = hangar_record_new_from_json (object, &error);
  g_autoptr(GDateTime) created = NULL;
  JsonNode *nested;

  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (hangar_record_get_field (record, "Big")), ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_cmpfloat (json_node_get_double (hangar_record_get_field (record, "Tenth")), ==, 0.1);
  g_assert_cmpfloat (json_node_get_double (hangar_record_get_field (record, "Neg")), ==, -2.5e-300);
  g_assert_cmpstr (json_node_get_string (hangar_record_get_field (record, "Text")), ==, "“quotes” \"x\" \\ 🚀\nz");
  g_assert_cmpstr (json_node_get_string (hangar_record_get_field (record, "Empty")), ==, "");
  g_assert_null (hangar_record_get_field (record, "Null"));
  nested = hangar_record_get_field (record, "Nested");
  g_assert_true (json_array_get_boolean_element (json_object_get_array_member (json_node_get_object (nested), "a"), 2));

  g_object_get (record, "created-time", &created, NULL);
  g_assert_cmpint (g_date_time_to_unix (created), ==, -2);
  g_clear_object (&record);
  g_clear_pointer (&object, json_object_unref);

  /* Doubles json-glib 1.6 would write as "1e+20.0" (not JSON): the fields
   * must read back, all of them (found by tests/api/fuzz-models). */
  object = parse_object ("{\"id\":\"recL\",\"createdTime\":\"2024-01-01T00:00:00.000Z\",\"fields\":{"
                         "\"Huge\":1e20,\"Tiny\":5e-324,\"Name\":\"kept\"}}");
  record = hangar_record_new_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (json_node_get_double (hangar_record_get_field (record, "Huge")), ==, 1e20);
  g_assert_cmpfloat (json_node_get_double (hangar_record_get_field (record, "Tiny")), ==, 5e-324);
  g_assert_cmpstr (json_node_get_string (hangar_record_get_field (record, "Name")), ==, "kept");
  g_assert_cmpint (g_date_time_get_microsecond (created), ==, 500000);
  g_assert_true (hangar_record_get_created_time (record) == hangar_record_get_created_time (record));
}

static void
test_record_malformed (void)
{
  static const struct { const char *json; const char *needle; } cases[] = {
    { "{}", "“id”" },
    { "{\"id\":null,\"createdTime\":\"2022-09-12T21:03:48.000Z\"}", "“id”" },
    { "{\"id\":17,\"createdTime\":\"2022-09-12T21:03:48.000Z\"}", "a number, not a string" },
    { "{\"id\":[\"rec\"],\"createdTime\":\"2022-09-12T21:03:48.000Z\"}", "an array, not a string" },
    { "{\"id\":\"recA\"}", "“createdTime”" },
    { "{\"id\":\"recA\",\"createdTime\":\"yesterday\"}", "not an ISO 8601" },
    { "{\"id\":\"recA\",\"createdTime\":12345}", "not a string" },
    { "{\"id\":\"recA\",\"createdTime\":\"2022-09-12T21:03:48.000Z\",\"fields\":[]}", "an array, not an object" },
    { "{\"id\":\"recA\",\"createdTime\":\"2022-09-12T21:03:48.000Z\",\"fields\":\"x\"}", "a string, not an object" },
    { "{\"id\":\"recA\",\"createdTime\":\"2022-09-12T21:03:48.000Z\",\"commentCount\":\"3\"}", "not an integer" },
    { "{\"id\":\"recA\",\"createdTime\":\"2022-09-12T21:03:48.000Z\",\"commentCount\":1.5}", "not an integer" },
    { "{\"id\":\"recA\",\"createdTime\":\"2022-09-12T21:03:48.000Z\",\"commentCount\":true}", "not an integer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = parse_object (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarRecord) record = hangar_record_new_from_json (object, &error);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (record);
      assert_invalid (error, cases[i].needle);
    }
}

static void
test_record_list (void)
{
  static const struct { const char *json; const char *needle; } bad[] = {
    { "[]", "not an object" },
    { "\"records\"", "not an object" },
    { "null", "not an object" },
    { "{}", "“records”" },
    { "{\"records\":{}}", "not an array" },
    { "{\"records\":[1]}", "record 0" },
    { "{\"records\":[{\"id\":\"recA\",\"createdTime\":\"2022-09-12T21:03:48.000Z\"},null]}", "record 1" },
    { "{\"records\":[{\"id\":\"recA\",\"createdTime\":\"2022-09-12T21:03:48.000Z\"},{\"id\":\"recB\"}]}", "createdTime" },
  };
  g_autoptr(JsonNode) good = parse (
    "{\"records\":[{\"id\":\"recA\",\"createdTime\":\"2022-09-12T21:03:48.000Z\",\"fields\":{\"N\":1}},"
    "{\"id\":\"recB\",\"createdTime\":\"2022-09-12T21:03:49.000Z\",\"fields\":{}}],\"offset\":\"itrX/recB\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = hangar_record_list_from_json (good, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpstr (hangar_record_get_id (g_ptr_array_index (records, 1)), ==, "recB");

  g_assert_null (hangar_record_list_from_json (NULL, &error));
  assert_invalid (error, "not an object");
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = parse (bad[i].json);
      g_autoptr(GPtrArray) list = NULL;

      g_test_message ("case %u: %s", i, bad[i].json);
      list = hangar_record_list_from_json (node, &error);
      g_assert_null (list);
      assert_invalid (error, bad[i].needle);
      g_clear_error (&error);
    }
}

static void
test_record_huge (void)
{
  /* A 4 MB string value and a 2 MB id: accepted as data, no crash, and the
   * error messages never echo megabytes. */
  gsize n = 4 * 1024 * 1024;
  g_autofree char *big = g_malloc (n + 1);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) bad = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarRecord) record = NULL;
  g_autoptr(HangarRecord) none = NULL;

  memset (big, 'x', n);
  big[n] = '\0';
  json_object_set_string_member (fields, "Notes", big);
  json_object_set_string_member (object, "id", "recHuge");
  json_object_set_string_member (object, "createdTime", "2022-09-12T21:03:48.000Z");
  json_object_set_object_member (object, "fields", json_object_ref (fields));
  record = hangar_record_new_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (json_node_get_string (hangar_record_get_field (record, "Notes"))), ==, n);

  json_object_set_string_member (bad, "id", "recHuge");
  json_object_set_string_member (bad, "createdTime", big);
  none = hangar_record_new_from_json (bad, &error);
  g_assert_null (none);
  assert_invalid (error, "not an ISO 8601");
  g_assert_cmpuint (strlen (error->message), <, 300);
}

static void
test_field_types (void)
{
  static const char * const known[] = {
    "singleLineText", "multilineText", "richText", "email", "url", "phoneNumber", "number",
    "percent", "currency", "duration", "rating", "checkbox", "singleSelect", "multipleSelects",
    "singleCollaborator", "multipleCollaborators", "multipleRecordLinks", "date", "dateTime",
    "multipleAttachments", "barcode", "formula", "rollup", "count", "multipleLookupValues",
    "autoNumber", "button", "createdTime", "lastModifiedTime", "createdBy", "lastModifiedBy",
    "aiText", "externalSyncSource", "manualSort",
  };
  static const char * const computed[] = {
    "formula", "rollup", "count", "multipleLookupValues", "autoNumber", "button", "createdTime",
    "lastModifiedTime", "createdBy", "lastModifiedBy", "aiText", "externalSyncSource", "manualSort",
  };
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  GEnumClass *klass;

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      HangarFieldType type = hangar_field_type_from_string (known[i]);

      g_assert_cmpint (type, !=, HANGAR_FIELD_TYPE_UNKNOWN);
      g_assert_false (g_hash_table_contains (seen, GINT_TO_POINTER (type)));
      g_hash_table_add (seen, GINT_TO_POINTER (type));
      g_assert_cmpstr (hangar_field_type_to_string (type), ==, known[i]);
      g_assert_nonnull (hangar_field_type_get_display_name (type));
      g_assert_true (g_str_has_suffix (hangar_field_type_get_icon_name (type), "-symbolic") ||
                     g_str_equal (hangar_field_type_get_icon_name (type), "emblem-symbolic-link"));
      g_assert_cmpint (hangar_field_type_is_computed (type), ==,
                       g_strv_contains (computed, known[i]));
    }

  /* every enum value is covered by the table above, plus UNKNOWN */
  klass = g_type_class_ref (HANGAR_TYPE_FIELD_TYPE);
  g_assert_cmpuint (klass->n_values, ==, G_N_ELEMENTS (known) + 1);
  g_type_class_unref (klass);

  g_assert_cmpint (hangar_field_type_from_string ("hologram"), ==, HANGAR_FIELD_TYPE_UNKNOWN);
  g_assert_cmpint (hangar_field_type_from_string (NULL), ==, HANGAR_FIELD_TYPE_UNKNOWN);
  g_assert_cmpint (hangar_field_type_from_string ("SingleLineText"), ==, HANGAR_FIELD_TYPE_UNKNOWN);
  g_assert_null (hangar_field_type_to_string (HANGAR_FIELD_TYPE_UNKNOWN));
  g_assert_true (hangar_field_type_is_computed (HANGAR_FIELD_TYPE_UNKNOWN));
  g_assert_true (hangar_field_type_is_text_like (HANGAR_FIELD_TYPE_EMAIL));
  g_assert_false (hangar_field_type_is_text_like (HANGAR_FIELD_TYPE_NUMBER));
  g_assert_cmpstr (hangar_field_type_get_display_name ((HangarFieldType) 999), ==, "Unknown type");
}

static void
test_field_unknown_type_preserved (void)
{
  g_autoptr(JsonObject) object = parse_object (
    "{\"id\":\"fldHolo\",\"name\":\"Hologram\",\"type\":\"hologram3d\","
    " \"options\":{\"depth\":3,\"layers\":[\"a\",{\"b\":null}]},\"newKey\":1}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarField) field = hangar_field_new_from_json (object, &error);
  g_autoptr(JsonNode) write = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (hangar_field_get_field_type (field), ==, HANGAR_FIELD_TYPE_UNKNOWN);
  g_assert_cmpstr (hangar_field_get_type_string (field), ==, "hologram3d");
  g_assert_cmpint (json_object_get_int_member (hangar_field_get_options (field), "depth"), ==, 3);
  g_assert_true (hangar_field_is_computed (field));
  g_assert_null (hangar_field_get_description (field));

  write = hangar_field_to_json (field);
  text = json_to_string (write, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"name\":\"Hologram\",\"type\":\"hologram3d\","
                   "\"options\":{\"depth\":3,\"layers\":[\"a\",{\"b\":null}]}}");
}

static void
test_field_malformed (void)
{
  static const struct { const char *json; const char *needle; } cases[] = {
    { "{\"name\":\"A\",\"type\":\"number\"}", "“id”" },
    { "{\"id\":\"fldA\",\"type\":\"number\"}", "“name”" },
    { "{\"id\":\"fldA\",\"name\":\"A\"}", "“type”" },
    { "{\"id\":\"fldA\",\"name\":\"A\",\"type\":7}", "not a string" },
    { "{\"id\":\"fldA\",\"name\":\"A\",\"type\":\"number\",\"options\":\"p=2\"}", "not an object" },
    { "{\"id\":\"fldA\",\"name\":\"A\",\"type\":\"number\",\"options\":[1]}", "not an object" },
    { "{\"id\":\"fldA\",\"name\":{},\"type\":\"number\"}", "not a string" },
    { "{\"id\":\"fldA\",\"name\":\"A\",\"type\":\"number\",\"description\":false}", "not a string" },
  };
  g_autoptr(JsonObject) null_options = parse_object (
    "{\"id\":\"fldS\",\"name\":\"Sort\",\"type\":\"manualSort\",\"options\":null}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarField) field = hangar_field_new_from_json (null_options, &error);

  g_assert_no_error (error);
  g_assert_null (hangar_field_get_options (field));
  g_assert_cmpint (hangar_field_get_field_type (field), ==, HANGAR_FIELD_TYPE_MANUAL_SORT);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = parse_object (cases[i].json);
      g_autoptr(HangarField) bad = NULL;

      g_test_message ("case %u: %s", i, cases[i].json);
      bad = hangar_field_new_from_json (object, &error);
      g_assert_null (bad);
      assert_invalid (error, cases[i].needle);
      g_clear_error (&error);
    }
}

static const char *schema_json =
  "{\"tables\":[{\"id\":\"tblA\",\"name\":\"Tasks\",\"description\":\"to do\",\"primaryFieldId\":\"fldName\","
  "  \"fields\":["
  "   {\"id\":\"fldName\",\"name\":\"Name\",\"type\":\"singleLineText\"},"
  "   {\"id\":\"fldStat\",\"name\":\"Status\",\"type\":\"singleSelect\",\"description\":\"where\","
  "    \"options\":{\"choices\":[{\"id\":\"selA\",\"name\":\"Todo\",\"color\":\"redLight2\"},"
  "                           {\"id\":\"selB\",\"name\":\"Done\"},{\"bogus\":1}]}},"
  "   {\"id\":\"fldNew\",\"name\":\"Future\",\"type\":\"teleporter\",\"options\":{\"range\":9}}],"
  "  \"views\":[{\"id\":\"viwA\",\"name\":\"Grid view\",\"type\":\"grid\",\"visibleFieldIds\":[\"fldName\"]},"
  "            {\"id\":\"viwB\",\"name\":\"Board\",\"type\":\"kanban\"}],"
  "  \"dateDependencySettings\":{}},"
  " {\"id\":\"tblB\",\"name\":\"People\",\"primaryFieldId\":\"fldP\","
  "  \"fields\":[{\"id\":\"fldP\",\"name\":\"Who\",\"type\":\"email\"}]}]}";

static void
test_table_schema (void)
{
  g_autoptr(JsonNode) node = parse (schema_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_table_list_from_json (node, &error);
  g_auto(GStrv) choices = NULL;
  HangarTable *tasks, *people;
  HangarField *status;
  HangarView *grid;

  g_assert_no_error (error);
  g_assert_cmpuint (tables->len, ==, 2);
  tasks = hangar_table_list_lookup (tables, "Tasks");
  g_assert_true (tasks == hangar_table_list_lookup (tables, "tblA"));
  g_assert_null (hangar_table_list_lookup (tables, "Nope"));
  g_assert_cmpstr (hangar_table_get_description (tasks), ==, "to do");
  g_assert_cmpuint (hangar_table_get_fields (tasks)->len, ==, 3);
  g_assert_cmpstr (hangar_field_get_name (hangar_table_get_primary_field (tasks)), ==, "Name");

  status = hangar_table_lookup_field (tasks, "Status");
  g_assert_nonnull (status);
  g_assert_true (status == hangar_table_lookup_field (tasks, "fldStat"));
  g_assert_true (status == hangar_table_lookup_field (tasks, "STATUS"));
  g_assert_null (hangar_table_lookup_field (tasks, "Stat"));
  g_assert_cmpstr (hangar_field_get_description (status), ==, "where");
  choices = hangar_field_dup_choice_names (status);
  g_assert_cmpuint (g_strv_length (choices), ==, 2);
  g_assert_cmpstr (choices[1], ==, "Done");
  g_assert_cmpint (hangar_field_get_field_type (hangar_table_lookup_field (tasks, "Future")), ==,
                   HANGAR_FIELD_TYPE_UNKNOWN);

  grid = hangar_table_lookup_view (tasks, "Grid view");
  g_assert_cmpstr (hangar_view_get_view_type (grid), ==, "grid");
  g_assert_cmpstr (hangar_view_get_visible_field_ids (grid)[0], ==, "fldName");
  g_assert_null (hangar_view_get_visible_field_ids (hangar_table_lookup_view (tasks, "viwB")));

  /* to_json gives the schema back: parse it again and compare */
  {
    g_autoptr(JsonNode) again = hangar_table_to_json (tasks);
    g_autoptr(HangarTable) copy = hangar_table_new_from_json (json_node_get_object (again), &error);
    g_autoptr(JsonNode) twice = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_no_error (error);
    twice = hangar_table_to_json (copy);
    a = json_to_string (again, FALSE);
    b = json_to_string (twice, FALSE);
    g_assert_cmpstr (a, ==, b);
    g_assert_nonnull (strstr (a, "\"type\":\"teleporter\",\"options\":{\"range\":9}"));
    g_assert_nonnull (strstr (a, "\"visibleFieldIds\":[\"fldName\"]"));
    g_assert_cmpstr (hangar_table_get_primary_field_id (copy), ==, "fldName");
  }

  people = hangar_table_list_lookup (tables, "tblB");
  g_assert_cmpuint (hangar_table_get_views (people)->len, ==, 0);
  g_assert_null (hangar_table_get_description (people));
}

static void
test_table_malformed (void)
{
  static const struct { const char *json; const char *needle; } cases[] = {
    { "{\"tables\":[{\"name\":\"T\",\"primaryFieldId\":\"f\",\"fields\":[]}]}", "“id”" },
    { "{\"tables\":[{\"id\":\"tblA\",\"primaryFieldId\":\"f\",\"fields\":[]}]}", "Table tblA: " },
    { "{\"tables\":[{\"id\":\"tblA\",\"name\":\"T\",\"fields\":[]}]}", "primaryFieldId" },
    { "{\"tables\":[{\"id\":\"tblA\",\"name\":\"T\",\"primaryFieldId\":\"f\"}]}", "“fields”" },
    { "{\"tables\":[{\"id\":\"tblA\",\"name\":\"T\",\"primaryFieldId\":\"f\",\"fields\":{}}]}", "not an array" },
    { "{\"tables\":[{\"id\":\"tblA\",\"name\":\"T\",\"primaryFieldId\":\"f\",\"fields\":[3]}]}", "fields[0]" },
    { "{\"tables\":[{\"id\":\"tblA\",\"name\":\"T\",\"primaryFieldId\":\"f\",\"fields\":[{\"id\":\"fldX\",\"name\":\"X\"}]}]}", "Field fldX" },
    { "{\"tables\":[{\"id\":\"tblA\",\"name\":\"T\",\"primaryFieldId\":\"f\",\"fields\":[],\"views\":[{\"id\":\"viw\",\"name\":\"V\"}]}]}", "“type”" },
    { "{\"tables\":[{\"id\":\"tblA\",\"name\":\"T\",\"primaryFieldId\":\"f\",\"fields\":[],\"views\":[{\"id\":\"viw\",\"name\":\"V\",\"type\":\"grid\",\"visibleFieldIds\":[1]}]}]}", "visibleFieldIds[0]" },
    { "{\"tables\":null}", "“tables”" },
    { "{\"tables\":[[]]}", "table 0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) tables = NULL;

      g_test_message ("case %u: %s", i, cases[i].json);
      tables = hangar_table_list_from_json (node, &error);
      g_assert_null (tables);
      assert_invalid (error, cases[i].needle);
    }
}

static void
test_base_whoami_comment (void)
{
  g_autoptr(JsonNode) bases_node = parse (
    "{\"bases\":[{\"id\":\"appA\",\"name\":\"Apartment Hunting\",\"permissionLevel\":\"create\"},"
    "{\"id\":\"appB\",\"name\":\"Tracker\",\"permissionLevel\":\"read\",\"extra\":[1]}],\"offset\":\"itr/appB\"}");
  g_autoptr(JsonNode) bad_bases = parse ("{\"bases\":[{\"id\":\"appA\",\"name\":\"A\"}]}");
  g_autoptr(JsonObject) who = parse_object (
    "{\"id\":\"usrL2PNC5o3H4lBEi\",\"email\":\"foo@bar.com\",\"scopes\":[\"data.records:read\",\"user.email:read\"]}");
  g_autoptr(JsonObject) who_pat = parse_object ("{\"id\":\"usrL2PNC5o3H4lBEi\"}");
  g_autoptr(JsonObject) who_bad = parse_object ("{\"id\":\"usr\",\"scopes\":[\"a\",2]}");
  g_autoptr(JsonObject) who_bad2 = parse_object ("{\"id\":\"usr\",\"scopes\":\"a b\"}");
  g_autoptr(JsonNode) comments_node = parse (
    "{\"comments\":[{\"id\":\"comB5z37Mg9zaEPw6\",\"author\":{\"id\":\"usrA\",\"email\":\"a@x.io\",\"name\":\"Ann\"},"
    "\"text\":\"Hi @[usrB]\",\"createdTime\":\"2023-01-01T10:00:00.000Z\",\"lastUpdatedTime\":null,"
    "\"reactions\":[]}],\"offset\":null}");
  g_autoptr(JsonObject) comment_bad = parse_object (
    "{\"id\":\"comA\",\"author\":\"usrA\",\"text\":\"x\",\"createdTime\":\"2023-01-01T10:00:00.000Z\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bases = hangar_base_list_from_json (bases_node, &error);
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(HangarWhoami) whoami = NULL;
  g_autoptr(HangarWhoami) whoami_pat = NULL;
  g_autoptr(HangarWhoami) whoami_bad = NULL;
  g_autoptr(GPtrArray) comments = NULL;
  g_autoptr(HangarComment) comment = NULL;
  HangarComment *c;

  g_assert_no_error (error);
  g_assert_cmpuint (bases->len, ==, 2);
  g_assert_true (hangar_base_can_edit (g_ptr_array_index (bases, 0)));
  g_assert_false (hangar_base_can_edit (g_ptr_array_index (bases, 1)));
  g_assert_cmpstr (hangar_base_get_permission_level (g_ptr_array_index (bases, 1)), ==, "read");

  none = hangar_base_list_from_json (bad_bases, &error);
  g_assert_null (none);
  assert_invalid (error, "permissionLevel");
  g_clear_error (&error);

  whoami = hangar_whoami_new_from_json (who, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hangar_whoami_get_email (whoami), ==, "foo@bar.com");
  g_assert_true (hangar_whoami_has_scope (whoami, "user.email:read"));
  g_assert_false (hangar_whoami_has_scope (whoami, "schema.bases:write"));
  whoami_pat = hangar_whoami_new_from_json (who_pat, &error);
  g_assert_no_error (error);
  g_assert_null (hangar_whoami_get_email (whoami_pat));
  g_assert_null (hangar_whoami_get_scopes (whoami_pat));
  whoami_bad = hangar_whoami_new_from_json (who_bad, &error);
  g_assert_null (whoami_bad);
  assert_invalid (error, "scopes[1]");
  g_clear_error (&error);
  whoami_bad = hangar_whoami_new_from_json (who_bad2, &error);
  g_assert_null (whoami_bad);
  assert_invalid (error, "not an array");
  g_clear_error (&error);

  comments = hangar_comment_list_from_json (comments_node, &error);
  g_assert_no_error (error);
  c = g_ptr_array_index (comments, 0);
  g_assert_cmpstr (hangar_comment_get_author_name (c), ==, "Ann");
  g_assert_cmpstr (hangar_comment_get_text (c), ==, "Hi @[usrB]");
  g_assert_null (hangar_comment_get_last_updated_time (c));
  comment = hangar_comment_new_from_json (comment_bad, &error);
  g_assert_null (comment);
  assert_invalid (error, "“author”");
}

/* Value formatting --------------------------------------------------------- */

static void
test_format_values (void)
{
  static const struct {
    const char *field;   /* field JSON, or NULL for no field */
    const char *value;   /* cell JSON, or NULL for an empty cell */
    const char *expected;
  } cases[] = {
    { NULL, NULL, "" },
    { NULL, "\"plain\"", "plain" },
    { NULL, "42", "42" },
    { NULL, "0.1", "0.1" },
    { NULL, "-2.5", "-2.5" },
    { NULL, "true", "true" },
    { NULL, "[\"a\",\"b\"]", "a, b" },
    { NULL, "{\"weird\":[1]}", "{\"weird\":[1]}" },
    { "{\"type\":\"number\",\"options\":{\"precision\":2}}", "3", "3.00" },
    { "{\"type\":\"number\",\"options\":{\"precision\":0}}", "2.5", "2" },  /* round half to even in printf */
    { "{\"type\":\"number\",\"options\":{\"precision\":1}}", "-0.04", "0.0" },
    { "{\"type\":\"number\"}", "1234567.125", "1234567.125" },
    { "{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}", "1.5", "$1.50" },
    { "{\"type\":\"currency\",\"options\":{\"precision\":0,\"symbol\":\"€\"}}", "-12", "-€12" },
    { "{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}", "-0.001", "$0.00" },
    { "{\"type\":\"percent\",\"options\":{\"precision\":1}}", "0.123", "12.3%" },
    { "{\"type\":\"percent\"}", "0.123", "12.3%" },
    { "{\"type\":\"percent\",\"options\":{\"precision\":0}}", "1", "100%" },
    { "{\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm\"}}", "3725", "1:02" },
    { "{\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm:ss\"}}", "3725", "1:02:05" },
    { "{\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm:ss.S\"}}", "3725.25", "1:02:05.3" },
    { "{\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm:ss.SSS\"}}", "59.9999", "0:01:00.000" },
    { "{\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm\"}}", "-90", "-0:01" },
    { "{\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm\"}}", "360000", "100:00" },
    { "{\"type\":\"duration\"}", "59", "0:00" },
    { "{\"type\":\"checkbox\"}", "true", "true" },
    { "{\"type\":\"checkbox\"}", "false", "" },
    { "{\"type\":\"checkbox\"}", NULL, "" },
    { "{\"type\":\"rating\",\"options\":{\"max\":5}}", "4", "4" },
    { "{\"type\":\"singleSelect\"}", "\"Todo\"", "Todo" },
    { "{\"type\":\"multipleSelects\"}", "[\"Red\",\"Green, light\"]", "Red, Green, light" },
    { "{\"type\":\"singleCollaborator\"}", "{\"id\":\"usrA\",\"email\":\"a@x.io\",\"name\":\"Ann\"}", "Ann" },
    { "{\"type\":\"singleCollaborator\"}", "{\"id\":\"usrA\",\"email\":\"a@x.io\"}", "a@x.io" },
    { "{\"type\":\"multipleCollaborators\"}",
      "[{\"id\":\"usrA\",\"name\":\"Ann\"},{\"id\":\"usrB\",\"email\":\"b@x.io\"}]", "Ann, b@x.io" },
    { "{\"type\":\"multipleAttachments\"}",
      "[{\"id\":\"att1\",\"url\":\"https://x/a.png\",\"filename\":\"a.png\",\"size\":3},"
      " {\"id\":\"att2\",\"url\":\"https://x/b\",\"filename\":\"b.pdf\"}]", "a.png, b.pdf" },
    { "{\"type\":\"multipleRecordLinks\"}", "[\"recA\",\"recB\"]", "recA, recB" },
    { "{\"type\":\"date\"}", "\"2022-09-05\"", "2022-09-05" },
    { "{\"type\":\"dateTime\"}", "\"2022-09-05T07:00:00.000Z\"", "2022-09-05T07:00:00.000Z" },
    { "{\"type\":\"barcode\"}", "{\"text\":\"0123\",\"type\":\"upce\"}", "0123" },
    { "{\"type\":\"button\"}", "{\"label\":\"Open\",\"url\":null}", "Open" },
    { "{\"type\":\"aiText\"}", "{\"state\":\"generated\",\"isStale\":false,\"value\":\"Summary\"}", "Summary" },
    { "{\"type\":\"aiText\"}", "{\"state\":\"error\",\"errorType\":\"x\",\"isStale\":false,\"value\":null}", "#ERROR!" },
    { "{\"type\":\"aiText\"}", "{\"state\":\"loading\",\"isStale\":false,\"value\":null}", "" },
    { "{\"type\":\"formula\",\"options\":{\"result\":{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"£\"}}}}",
      "7", "£7.00" },
    { "{\"type\":\"formula\",\"options\":{\"result\":null}}", "{\"error\":\"#ERROR!\"}", "#ERROR!" },
    { "{\"type\":\"formula\"}", "{\"specialValue\":\"NaN\"}", "NaN" },
    { "{\"type\":\"formula\",\"options\":{\"result\":{\"type\":\"formula\"}}}", "1.5", "1.5" },
    { "{\"type\":\"multipleLookupValues\",\"options\":{\"result\":{\"type\":\"percent\",\"options\":{\"precision\":0}}}}",
      "[0.5,null,0.25]", "50%, 25%" },
    { "{\"type\":\"rollup\"}", "12", "12" },
    { "{\"type\":\"createdBy\"}", "{\"id\":\"usrA\",\"email\":\"a@x.io\",\"name\":\"Ann\"}", "Ann" },
    { "{\"type\":\"hologram\",\"options\":{\"precision\":3}}", "1.5", "1.5" },
    { "{\"type\":\"number\",\"options\":{\"precision\":\"two\"}}", "1.5", "1.5" },
    { "{\"type\":\"duration\",\"options\":{\"durationFormat\":7}}", "3600", "1:00" },
  };

  /* The plain (CSV) output must not depend on the user's locale. */
  setlocale (LC_NUMERIC, "de_DE.UTF-8");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HangarField) field = NULL;
      g_autoptr(JsonNode) value = cases[i].value != NULL ? parse (cases[i].value) : NULL;
      g_autofree char *text = NULL;

      if (cases[i].field != NULL)
        {
          g_autoptr(JsonObject) object = parse_object (cases[i].field);
          g_autoptr(GError) error = NULL;

          json_object_set_string_member (object, "id", "fldX");
          json_object_set_string_member (object, "name", "X");
          field = hangar_field_new_from_json (object, &error);
          g_assert_no_error (error);
        }

      text = hangar_field_format_value_plain (field, value);
      g_test_message ("case %u: %s / %s → “%s”", i, cases[i].field, cases[i].value, text);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  setlocale (LC_NUMERIC, "C");
}

static HangarField *
field_from (const char *json)
{
  g_autoptr(JsonObject) object = parse_object (json);
  g_autoptr(GError) error = NULL;
  HangarField *field;

  json_object_set_string_member (object, "id", "fldX");
  json_object_set_string_member (object, "name", "X");
  field = hangar_field_new_from_json (object, &error);
  g_assert_no_error (error);
  return field;
}

/* Display formatting with given separators: the same in every environment. */
static void
test_format_display (void)
{
  static const struct {
    const char *decimal_point;
    const char *thousands_sep;
    const char *grouping;
    const char *field;
    const char *value;
    const char *expected;
  } cases[] = {
    /* en_US-like */
    { ".", ",", "\3\3", "{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}", "120000", "$120,000.00" },
    { ".", ",", "\3\3", "{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}", "-1234567.5", "-$1,234,567.50" },
    { ".", ",", "\3\3", "{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}", "999.999", "$1,000.00" },
    { ".", ",", "\3\3", "{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}", "12", "$12.00" },
    { ".", ",", "\3\3", "{\"type\":\"number\",\"options\":{\"precision\":1}}", "1234567.25", "1,234,567.2" },
    { ".", ",", "\3\3", "{\"type\":\"number\",\"options\":{\"precision\":0}}", "-1000", "-1,000" },
    { ".", ",", "\3\3", "{\"type\":\"number\"}", "1234567.125", "1,234,567.125" },
    { ".", ",", "\3\3", "{\"type\":\"number\"}", "100", "100" },
    { ".", ",", "\3\3", "{\"type\":\"number\"}", "1e300", "1e+300" },
    { ".", ",", "\3\3", "{\"type\":\"percent\",\"options\":{\"precision\":1}}", "123.456", "12,345.6%" },
    { ".", ",", "\3\3", "{\"type\":\"percent\"}", "0.123", "12.3%" },
    /* de_DE-like */
    { ",", ".", "\3\3", "{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"€\"}}", "120000", "€120.000,00" },
    { ",", ".", "\3\3", "{\"type\":\"number\",\"options\":{\"precision\":3}}", "-0.5", "-0,500" },
    { ",", ".", "\3\3", "{\"type\":\"percent\",\"options\":{\"precision\":2}}", "0.12345", "12,35%" },
    /* fr_FR-like: narrow no-break space */
    { ",", "\u202f", "\3", "{\"type\":\"number\",\"options\":{\"precision\":2}}", "1234567.891", "1\u202f234\u202f567,89" },
    /* en_IN-like: 3 then 2s */
    { ".", ",", "\3\2", "{\"type\":\"number\",\"options\":{\"precision\":0}}", "123456789", "12,34,56,789" },
    /* One group only, then none */
    { ".", ",", "\3\177", "{\"type\":\"number\",\"options\":{\"precision\":0}}", "123456789", "123456,789" },
    /* C-like: no grouping */
    { ".", "", "", "{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}", "120000", "$120000.00" },
    /* Not grouped: durations, autonumbers, text */
    { ",", ".", "\3", "{\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm\"}}", "3725", "1:02" },
    { ".", ",", "\3", "{\"type\":\"autoNumber\"}", "12345", "12345" },
    { ".", ",", "\3", "{\"type\":\"singleLineText\"}", "\"1234567\"", "1234567" },
    /* Results of computed fields follow their result type. */
    { ".", ",", "\3", "{\"type\":\"formula\",\"options\":{\"result\":{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"£\"}}}}",
      "7000", "£7,000.00" },
    { ",", ".", "\3", "{\"type\":\"multipleLookupValues\",\"options\":{\"result\":{\"type\":\"number\",\"options\":{\"precision\":1}}}}",
      "[1500,2.25]", "1.500,0, 2,2" },
    /* Ratings as stars up to max. */
    { ".", ",", "\3", "{\"type\":\"rating\",\"options\":{\"max\":5}}", "3", "★★★☆☆" },
    { ".", ",", "\3", "{\"type\":\"rating\",\"options\":{\"max\":10}}", "10", "★★★★★★★★★★" },
    { ".", ",", "\3", "{\"type\":\"rating\"}", "1", "★☆☆☆☆" },
    { ".", ",", "\3", "{\"type\":\"rating\",\"options\":{\"max\":3}}", "7", "★★★" },
    { ".", ",", "\3", "{\"type\":\"rating\",\"options\":{\"max\":4}}", "0", "☆☆☆☆" },
    { ".", ",", "\3", "{\"type\":\"rating\",\"options\":{\"max\":5}}", NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HangarField) field = field_from (cases[i].field);
      g_autoptr(JsonNode) value = cases[i].value != NULL ? parse (cases[i].value) : NULL;
      g_autofree char *text = hangar_field_format_value_with_separators (field, value,
                                                                         cases[i].decimal_point,
                                                                         cases[i].thousands_sep,
                                                                         cases[i].grouping);

      g_test_message ("case %u: %s / %s → “%s”", i, cases[i].field, cases[i].value, text);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

/* hangar_field_format_value() takes its separators from the C library's
 * current LC_NUMERIC, and the plain variant never does. */
static void
test_format_locale (void)
{
  g_autoptr(HangarField) currency = field_from ("{\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"$\"}}");
  g_autoptr(HangarField) rating = field_from ("{\"type\":\"rating\",\"options\":{\"max\":5}}");
  g_autoptr(JsonNode) value = parse ("120000.5");
  g_autoptr(JsonNode) stars = parse ("2");
  const char *locales[] = { "C", "C.UTF-8", "en_US.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8" };
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  guint tried = 0;

  for (guint i = 0; i < G_N_ELEMENTS (locales); i++)
    {
      g_autofree char *shown = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *plain = NULL;
      g_autofree char *rated = NULL;
      g_autofree char *rated_plain = NULL;
      const struct lconv *conv;

      if (setlocale (LC_NUMERIC, locales[i]) == NULL)
        {
          g_test_message ("locale %s is not installed", locales[i]);
          continue;
        }
      tried++;
      conv = localeconv ();
      expected = hangar_field_format_value_with_separators (currency, value, conv->decimal_point,
                                                            conv->thousands_sep, conv->grouping);
      shown = hangar_field_format_value (currency, value);
      plain = hangar_field_format_value_plain (currency, value);
      rated = hangar_field_format_value (rating, stars);
      rated_plain = hangar_field_format_value_plain (rating, stars);
      g_test_message ("%s: “%s”", locales[i], shown);
      g_assert_cmpstr (shown, ==, expected);
      g_assert_cmpstr (plain, ==, "$120000.50");
      g_assert_cmpstr (rated, ==, "★★☆☆☆");
      g_assert_cmpstr (rated_plain, ==, "2");
      if (g_str_equal (locales[i], "C"))
        g_assert_cmpstr (shown, ==, "$120000.50");
    }
  g_assert_cmpuint (tried, >=, 1);
  setlocale (LC_NUMERIC, saved);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/models/record/valid", test_record_valid);
  g_test_add_func ("/hangar/models/record/microseconds-and-empty", test_record_microseconds_and_empty);
  g_test_add_func ("/hangar/models/record/values-kept", test_record_values_kept);
  g_test_add_func ("/hangar/models/record/malformed", test_record_malformed);
  g_test_add_func ("/hangar/models/record/list", test_record_list);
  g_test_add_func ("/hangar/models/record/huge", test_record_huge);
  g_test_add_func ("/hangar/models/field/types", test_field_types);
  g_test_add_func ("/hangar/models/field/unknown-type-preserved", test_field_unknown_type_preserved);
  g_test_add_func ("/hangar/models/field/malformed", test_field_malformed);
  g_test_add_func ("/hangar/models/table/schema", test_table_schema);
  g_test_add_func ("/hangar/models/table/malformed", test_table_malformed);
  g_test_add_func ("/hangar/models/base-whoami-comment", test_base_whoami_comment);
  g_test_add_func ("/hangar/models/format-values", test_format_values);
  g_test_add_func ("/hangar/models/format-display", test_format_display);
  g_test_add_func ("/hangar/models/format-locale", test_format_locale);

  return g_test_run ();
}
