/* test-field-spec.c — the schema rules checked before sending, options in
 * words, field references in formulas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-api.h"

static JsonObject *
object_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static GPtrArray *
demo_tables (void)
{
  static const char *json =
    "{\"tables\":["
    " {\"id\":\"tblTasks000000001\",\"name\":\"Tasks\",\"primaryFieldId\":\"fldTitle000000001\",\"fields\":["
    "   {\"id\":\"fldTitle000000001\",\"name\":\"Title\",\"type\":\"singleLineText\"},"
    "   {\"id\":\"fldPoints00000001\",\"name\":\"Points\",\"type\":\"number\",\"options\":{\"precision\":1}},"
    "   {\"id\":\"fldBudget00000001\",\"name\":\"Budget\",\"type\":\"currency\",\"options\":{\"precision\":2,\"symbol\":\"€\"}},"
    "   {\"id\":\"fldStatus00000001\",\"name\":\"Status\",\"type\":\"singleSelect\",\"options\":{\"choices\":["
    "      {\"id\":\"selA\",\"name\":\"Todo\",\"color\":\"redLight2\"},{\"id\":\"selB\",\"name\":\"Done\",\"color\":\"greenBright\"}]}},"
    "   {\"id\":\"fldProject0000001\",\"name\":\"Project\",\"type\":\"multipleRecordLinks\",\"options\":{"
    "      \"linkedTableId\":\"tblProjects000001\",\"isReversed\":false,\"prefersSingleRecordLink\":false,"
    "      \"inverseLinkFieldId\":\"fldTasks000000001\"}},"
    "   {\"id\":\"fldDouble00000001\",\"name\":\"Double\",\"type\":\"formula\",\"options\":{"
    "      \"formula\":\"{fldPoints00000001} * 2\",\"isValid\":true,\"referencedFieldIds\":[\"fldPoints00000001\"],"
    "      \"result\":{\"type\":\"number\",\"options\":{\"precision\":0}}}},"
    "   {\"id\":\"fldWhen000000001\",\"name\":\"When\",\"type\":\"dateTime\",\"options\":{"
    "      \"dateFormat\":{\"name\":\"iso\",\"format\":\"YYYY-MM-DD\"},\"timeFormat\":{\"name\":\"24hour\",\"format\":\"HH:mm\"},"
    "      \"timeZone\":\"Europe/Berlin\"}}],"
    "  \"views\":[{\"id\":\"viwGrid0000000001\",\"name\":\"Grid view\",\"type\":\"grid\"}]},"
    " {\"id\":\"tblProjects000001\",\"name\":\"Projects\",\"primaryFieldId\":\"fldName000000001\",\"fields\":["
    "   {\"id\":\"fldName000000001\",\"name\":\"Name\",\"type\":\"singleLineText\"},"
    "   {\"id\":\"fldTasks000000001\",\"name\":\"Tasks\",\"type\":\"multipleRecordLinks\",\"options\":{"
    "      \"linkedTableId\":\"tblTasks000000001\",\"isReversed\":false,\"prefersSingleRecordLink\":false,"
    "      \"inverseLinkFieldId\":\"fldProject0000001\"}},"
    "   {\"id\":\"fldTotal000000001\",\"name\":\"Total\",\"type\":\"rollup\",\"options\":{"
    "      \"isValid\":true,\"recordLinkFieldId\":\"fldTasks000000001\",\"fieldIdInLinkedTable\":\"fldPoints00000001\","
    "      \"referencedFieldIds\":[\"fldPoints00000001\"],\"result\":{\"type\":\"number\",\"options\":{\"precision\":1}}}}],"
    "  \"views\":[{\"id\":\"viwAll00000000001\",\"name\":\"All\",\"type\":\"grid\"}]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  GPtrArray *tables;

  g_assert_no_error (error);
  tables = hangar_table_list_from_json (node, &error);
  g_assert_no_error (error);
  return tables;
}

/* Checks @json as a new field of Tasks; returns the error message or NULL. */
static char *
check_field (const char *json,
             gboolean    primary)
{
  g_autoptr(GPtrArray) tables = demo_tables ();
  g_autoptr(JsonObject) spec = object_from (json);
  g_autoptr(GError) error = NULL;
  gboolean ok = hangar_field_spec_check (spec, primary ? NULL : hangar_table_list_lookup (tables, "Tasks"),
                                         NULL, tables, primary, &error);

  if (ok)
    {
      g_assert_no_error (error);
      return NULL;
    }
  g_assert_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_ARGUMENT);
  return g_strdup (error->message);
}

static void
assert_field_ok (const char *json)
{
  g_autofree char *message = check_field (json, FALSE);

  if (message != NULL)
    g_error ("%s refused: %s", json, message);
}

static void
assert_field_refused (const char *json,
                      const char *needle)
{
  g_autofree char *message = check_field (json, FALSE);

  if (message == NULL)
    g_error ("%s was accepted", json);
  if (strstr (message, needle) == NULL)
    g_error ("%s: “%s” does not say “%s”", json, message, needle);
}

static void
test_field_checks (void)
{
  /* Every creatable type in a plain form. */
  assert_field_ok ("{\"name\":\"Notes\",\"type\":\"multilineText\",\"description\":\"Anything\"}");
  assert_field_ok ("{\"name\":\"N\",\"type\":\"number\",\"options\":{\"precision\":8}}");
  assert_field_ok ("{\"name\":\"P\",\"type\":\"percent\",\"options\":{\"precision\":0}}");
  assert_field_ok ("{\"name\":\"C\",\"type\":\"currency\",\"options\":{\"precision\":7,\"symbol\":\"¥\"}}");
  assert_field_ok ("{\"name\":\"D\",\"type\":\"duration\",\"options\":{\"durationFormat\":\"h:mm:ss.SS\"}}");
  assert_field_ok ("{\"name\":\"R\",\"type\":\"rating\",\"options\":{\"icon\":\"heart\",\"color\":\"redBright\",\"max\":10}}");
  assert_field_ok ("{\"name\":\"B\",\"type\":\"checkbox\",\"options\":{\"icon\":\"xCheckbox\",\"color\":\"grayBright\"}}");
  assert_field_ok ("{\"name\":\"S\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"a\",\"color\":\"grayDark1\"},{\"name\":\"A\"}]}}");
  assert_field_ok ("{\"name\":\"M\",\"type\":\"multipleSelects\",\"options\":{\"choices\":[]}}");
  assert_field_ok ("{\"name\":\"Day\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"european\"}}}");
  assert_field_ok ("{\"name\":\"At\",\"type\":\"dateTime\",\"options\":{\"dateFormat\":{\"name\":\"us\",\"format\":\"M/D/YYYY\"},"
                   "\"timeFormat\":{\"name\":\"12hour\"},\"timeZone\":\"America/New_York\"}}");
  assert_field_ok ("{\"name\":\"At2\",\"type\":\"dateTime\",\"options\":{\"timeZone\":\"client\"}}");
  assert_field_ok ("{\"name\":\"Link\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"tblProjects000001\","
                   "\"viewIdForRecordSelection\":\"viwAll00000000001\"}}");
  assert_field_ok ("{\"name\":\"U\",\"type\":\"singleCollaborator\",\"options\":{}}");
  assert_field_ok ("{\"name\":\"Files\",\"type\":\"multipleAttachments\"}");
  assert_field_ok ("{\"name\":\"Code\",\"type\":\"barcode\",\"options\":null}");

  /* Names: blank, taken (ignoring case). */
  assert_field_refused ("{\"name\":\"  \",\"type\":\"number\"}", "not blank");
  assert_field_refused ("{\"type\":\"number\"}", "needs a name");
  assert_field_refused ("{\"name\":\"points\",\"type\":\"number\"}", "already has a field with this name");
  /* Types: unknown, computed. */
  assert_field_refused ("{\"name\":\"X\",\"type\":\"sparkle\"}", "not a field type");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"formula\",\"options\":{\"formula\":\"1\"}}", "cannot create Formula fields");
  assert_field_refused ("{\"name\":\"X\"}", "needs a type");
  /* Descriptions. */
  assert_field_refused ("{\"name\":\"X\",\"type\":\"email\",\"description\":\"\"}", "cannot be empty");
  {
    g_autofree char *long_text = g_strnfill (HANGAR_SCHEMA_MAX_DESCRIPTION + 1, 'x');
    g_autofree char *json = g_strdup_printf ("{\"name\":\"X\",\"type\":\"email\",\"description\":\"%s\"}", long_text);
    g_autofree char *ok_text = g_strnfill (HANGAR_SCHEMA_MAX_DESCRIPTION, 'x');
    g_autofree char *ok_json = g_strdup_printf ("{\"name\":\"X\",\"type\":\"email\",\"description\":\"%s\"}", ok_text);

    assert_field_refused (json, "20000");
    assert_field_ok (ok_json);
  }
  /* Options of each type. */
  assert_field_refused ("{\"name\":\"X\",\"type\":\"number\",\"options\":{\"precision\":9}}", "from 0 to 8");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"number\",\"options\":{\"precision\":1.5}}", "whole number");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"number\",\"options\":{\"precison\":1}}", "“precison” is not an option");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"currency\",\"options\":{\"precision\":8}}", "from 0 to 7");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"currency\",\"options\":{\"symbol\":5}}", "symbol must be text");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"duration\",\"options\":{\"durationFormat\":\"mm\"}}", "duration format");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"rating\",\"options\":{\"max\":11}}", "from 1 to 10");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"rating\",\"options\":{\"icon\":\"check\"}}", "icon");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"checkbox\",\"options\":{\"color\":\"redLight2\"}}", "colour");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"a\"},{\"name\":\"a\"}]}}",
                        "there twice");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"\"}]}}", "needs a name");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"singleSelect\",\"options\":{\"choices\":[{\"name\":\"a\",\"color\":\"mauve\"}]}}",
                        "colour");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"date\",\"options\":{\"dateFormat\":{\"name\":\"iso\",\"format\":\"D/M/YYYY\"}}}",
                        "goes with the format “YYYY-MM-DD”");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"date\",\"options\":{\"timeZone\":\"utc\"}}", "not an option");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"dateTime\",\"options\":{\"timeZone\":\"Mars/Olympus\"}}", "not a time zone");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"dateTime\",\"options\":{\"timeZone\":\"+02:00\"}}", "not a time zone");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"dateTime\",\"options\":{\"timeFormat\":{\"name\":\"13hour\"}}}", "time format");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"multipleRecordLinks\"}", "needs the table it links to");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"tblNope\"}}",
                        "not a table of this base");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"tblProjects000001\","
                        "\"viewIdForRecordSelection\":\"viwGrid0000000001\"}}", "not a view of Projects");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"tblProjects000001\","
                        "\"inverseLinkFieldId\":\"fldX\"}}", "set by Airtable");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"email\",\"options\":{\"precision\":1}}", "takes no options");
  assert_field_refused ("{\"name\":\"X\",\"type\":\"email\",\"id\":\"fldX\"}", "not part of a field definition");
}

static void
test_table_checks (void)
{
  g_autoptr(GPtrArray) tables = demo_tables ();
  struct { const char *json; const char *needle; } cases[] = {
    { "{\"name\":\"New\",\"fields\":[{\"name\":\"Name\",\"type\":\"singleLineText\"},{\"name\":\"Done\",\"type\":\"checkbox\"}]}", NULL },
    { "{\"name\":\"New\",\"description\":\"d\",\"fields\":[{\"name\":\"When\",\"type\":\"date\"}]}", NULL },
    { "{\"name\":\"tasks\",\"fields\":[{\"name\":\"Name\",\"type\":\"singleLineText\"}]}", "already has a table" },
    { "{\"name\":\"New\",\"fields\":[]}", "at least one field" },
    { "{\"name\":\"New\"}", "at least one field" },
    { "{\"name\":\"New\",\"fields\":[{\"name\":\"Done\",\"type\":\"checkbox\"}]}", "cannot be a table's primary" },
    { "{\"name\":\"New\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"},{\"name\":\"a\",\"type\":\"email\"}]}",
      "two fields would have this name" },
    { "{\"name\":\"New\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"},"
      "{\"name\":\"L\",\"type\":\"multipleRecordLinks\",\"options\":{\"linkedTableId\":\"tblTasks000000001\"}}]}", NULL },
    { "{\"name\":\"\",\"fields\":[{\"name\":\"A\",\"type\":\"singleLineText\"}]}", "not blank" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) spec = object_from (cases[i].json);
      g_autoptr(GError) error = NULL;
      gboolean ok = hangar_table_spec_check (spec, tables, &error);

      g_test_message ("%s", cases[i].json);
      if (cases[i].needle == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_nonnull (strstr (error->message, cases[i].needle));
        }
    }
}

static void
test_update_checks (void)
{
  g_autoptr(GPtrArray) tables = demo_tables ();
  HangarTable *tasks = hangar_table_list_lookup (tables, "Tasks");
  struct { const char *field; const char *json; const char *needle; } cases[] = {
    { "Points", "{\"name\":\"Score\"}", NULL },
    { "Points", "{\"name\":\"POINTS\"}", NULL },   /* its own name, other case */
    { "Points", "{\"description\":\"How big\"}", NULL },
    { "Points", "{\"name\":\"title\"}", "already has a field named “Title”" },
    { "Points", "{}", "nothing to change" },
    { "Points", "{\"type\":\"currency\",\"name\":\"Y\"}", "cannot change a field's type" },
    { "Points", "{\"type\":\"number\",\"name\":\"Y\"}", NULL },
    { "Points", "{\"options\":{\"precision\":2}}", "change the options in Airtable" },
    { "Project", "{\"options\":{\"linkedTableId\":\"tblTasks000000001\"}}", "options of a link field" },
    { "Double", "{\"options\":{\"formula\":\"{Points} * 3\"}}", NULL },
    { "Double", "{\"options\":{\"formula\":\" \"}}", "cannot be empty" },
    { "Double", "{\"options\":{\"formula\":\"1\",\"result\":{}}}", "only the formula's text" },
    { "Points", "{\"description\":\"\"}", "cannot be empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) changes = object_from (cases[i].json);
      g_autoptr(GError) error = NULL;
      gboolean ok = hangar_field_update_check (changes, tasks, hangar_table_lookup_field (tasks, cases[i].field), &error);

      g_test_message ("%s %s", cases[i].field, cases[i].json);
      if (cases[i].needle == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_nonnull (strstr (error->message, cases[i].needle));
        }
    }

  /* Tables: rename, taken name, nothing. */
  {
    g_autoptr(JsonObject) rename = object_from ("{\"name\":\"Jobs\"}");
    g_autoptr(JsonObject) taken = object_from ("{\"name\":\"PROJECTS\"}");
    g_autoptr(JsonObject) nothing = object_from ("{}");
    g_autoptr(GError) error = NULL;

    g_assert_true (hangar_table_update_check (rename, tasks, tables, &error));
    g_assert_false (hangar_table_update_check (taken, tasks, tables, &error));
    g_assert_nonnull (strstr (error->message, "already has a table named “Projects”"));
    g_clear_error (&error);
    g_assert_false (hangar_table_update_check (nothing, tasks, tables, &error));
  }
}

static char *
joined (char **lines)
{
  return g_strjoinv (" | ", lines);
}

static void
test_describe (void)
{
  g_autoptr(GPtrArray) tables = demo_tables ();
  HangarTable *tasks = hangar_table_list_lookup (tables, "Tasks");
  HangarTable *projects = hangar_table_list_lookup (tables, "Projects");
  struct { HangarTable *table; const char *field; const char *expected; } cases[] = {
    { tasks, "Points", "1 decimal place" },
    { tasks, "Budget", "Currency symbol “€” | 2 decimal places" },
    { tasks, "Status", "2 choices: Todo (Red, lightest), Done (Green, bright)" },
    { tasks, "Project", "Links to Projects | Inverse field: “Tasks” in Projects" },
    { tasks, "Double", "Formula: {Points} * 2 | Result: Number | Whole numbers" },
    { tasks, "When", "Date format: ISO (2024-03-05) | Time format: 24-hour (15:30) | Time zone: Europe/Berlin" },
    { tasks, "Title", "" },
    { projects, "Total", "Rolls up “Points” of the records linked through Tasks | "
                         "Function: not given by Airtable's API | Result: Number | 1 decimal place" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) lines = hangar_field_describe_options (hangar_table_lookup_field (cases[i].table, cases[i].field),
                                                           cases[i].table, tables);
      g_autofree char *text = joined (lines);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
  g_assert_true (hangar_field_type_is_creatable (HANGAR_FIELD_TYPE_BARCODE));
  g_assert_false (hangar_field_type_is_creatable (HANGAR_FIELD_TYPE_FORMULA));
  g_assert_true (hangar_field_type_can_be_primary (HANGAR_FIELD_TYPE_DATE_TIME));
  g_assert_false (hangar_field_type_can_be_primary (HANGAR_FIELD_TYPE_CHECKBOX));
  g_assert_cmpuint (g_strv_length ((char **) hangar_field_choice_colors ()), ==, 40);
  g_assert_null (hangar_field_options_fixed_reason (hangar_table_lookup_field (tasks, "Double")));
  g_assert_nonnull (hangar_field_options_fixed_reason (hangar_table_lookup_field (tasks, "Points")));
}

static char *
upper_cb (const char *ref,
          gboolean    braced,
          gpointer    user_data)
{
  /* Knows "Points", "Due date" and "a}b"; bare words only when asked. */
  if (!braced && !GPOINTER_TO_INT (user_data))
    return NULL;
  if (g_str_equal (ref, "Points") || g_str_equal (ref, "Due date") || g_str_equal (ref, "a}b"))
    return g_ascii_strup (ref, -1);
  return NULL;
}

static void
test_formula_refs (void)
{
  struct { const char *in; const char *out; guint unknown; } cases[] = {
    { "{Points} > 2", "{POINTS} > 2", 0 },
    { "Points > 2", "{POINTS} > 2", 0 },
    { "AND({Due date}, 'Points {Points}', \"{Points}\\\" Points\")", "AND({DUE DATE}, 'Points {Points}', \"{Points}\\\" Points\")", 0 },
    { "{a\\}b} = 1", "{A\\}B} = 1", 0 },
    { "{Nope} + Nope + Points2 + 1e5 + 3Points", "{Nope} + Nope + Points2 + 1e5 + 3Points", 1 },
    { "LEN(Points) + Points (1)", "LEN({POINTS}) + Points (1)", 0 },
    { "{unclosed", "{unclosed", 0 },
    { "'unterminated {Points}", "'unterminated {Points}", 0 },
    { "", "", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint unknown = 99;
      g_autofree char *out = hangar_formula_rewrite_refs (cases[i].in, upper_cb, GINT_TO_POINTER (TRUE), &unknown);

      g_assert_cmpstr (out, ==, cases[i].out);
      g_assert_cmpuint (unknown, ==, cases[i].unknown);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/api/field-spec/fields", test_field_checks);
  g_test_add_func ("/hangar/api/field-spec/tables", test_table_checks);
  g_test_add_func ("/hangar/api/field-spec/updates", test_update_checks);
  g_test_add_func ("/hangar/api/field-spec/describe", test_describe);
  g_test_add_func ("/hangar/api/field-spec/formula-refs", test_formula_refs);

  return g_test_run ();
}
