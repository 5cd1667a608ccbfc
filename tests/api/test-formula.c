/* test-formula.c — the formula builder: output table, and hostile values
 * round-tripped through a real hangar-sandbox's filterByFormula
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "hangar-api.h"
#include "hangar-test-sandbox.h"

static void
check (HangarFormula *formula,
       const char    *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (formula);
  text = hangar_formula_to_string (formula);
  g_assert_cmpstr (text, ==, expected);
  hangar_formula_unref (formula);
}

static void
test_builder_output (void)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (2023, 12, 1, 12, 34, 56.789);
  g_autoptr(GTimeZone) plus2 = g_time_zone_new_offset (2 * 3600);
  g_autoptr(GDateTime) local = g_date_time_new (plus2, 2023, 12, 1, 1, 0, 0);
  const char *ids[] = { "recA", "recB", NULL };
  const char *no_ids[] = { NULL };
  HangarFormula *shared;

  /* leaves */
  check (hangar_formula_field ("Name"), "{Name}");
  check (hangar_formula_field ("First Name"), "{First Name}");
  check (hangar_formula_field ("a}b"), "{a\\}b}");
  check (hangar_formula_field ("back\\slash"), "{back\\\\slash}");
  check (hangar_formula_field ("ends\\"), "{ends\\\\}");
  check (hangar_formula_field ("{x}}"), "{{x\\}\\}}");
  check (hangar_formula_field ("fld1VnoyuotSTyxW1"), "{fld1VnoyuotSTyxW1}");
  check (hangar_formula_string ("Guest's"), "'Guest\\'s'");
  check (hangar_formula_string ("a\\b"), "'a\\\\b'");
  check (hangar_formula_string ("say \"hi\""), "'say \"hi\"'");
  check (hangar_formula_string ("line1\nline2"), "'line1\nline2'");
  check (hangar_formula_string ("🚀 ü"), "'🚀 ü'");
  check (hangar_formula_string (""), "''");
  check (hangar_formula_string ("'); DROP TABLE x; --"), "'\\'); DROP TABLE x; --'");
  check (hangar_formula_number (2.5), "2.5");
  check (hangar_formula_number (0.1), "0.1");
  check (hangar_formula_number (-3), "-3");
  check (hangar_formula_number (-0.0), "0");
  check (hangar_formula_number (1e21), "1000000000000000000000");
  check (hangar_formula_number (1e-7), "0.0000001");
  check (hangar_formula_number (123456789.125), "123456789.125");
  check (hangar_formula_number (1.0 / 3.0), "0.3333333333333333");
  check (hangar_formula_int (G_GINT64_CONSTANT (-9007199254740993)), "-9007199254740993");
  check (hangar_formula_boolean (TRUE), "TRUE()");
  check (hangar_formula_boolean (FALSE), "FALSE()");
  check (hangar_formula_date (2023, 12, 1), "DATETIME_PARSE('2023-12-01')");
  check (hangar_formula_datetime (dt), "DATETIME_PARSE('2023-12-01T12:34:56.789Z')");
  check (hangar_formula_datetime (local), "DATETIME_PARSE('2023-11-30T23:00:00.000Z')");
  check (hangar_formula_blank (), "BLANK()");
  check (hangar_formula_record_id (), "RECORD_ID()");
  check (hangar_formula_raw ("1+1"), "(1+1)");

  /* comparisons */
  check (hangar_formula_eq (hangar_formula_field ("Name"), hangar_formula_string ("x")), "{Name}='x'");
  check (hangar_formula_ne (hangar_formula_field ("N"), hangar_formula_number (1)), "{N}!=1");
  check (hangar_formula_lt (hangar_formula_field ("N"), hangar_formula_number (1)), "{N}<1");
  check (hangar_formula_gt (hangar_formula_field ("N"), hangar_formula_number (-1)), "{N}>-1");
  check (hangar_formula_le (hangar_formula_field ("N"), hangar_formula_number (1)), "{N}<=1");
  check (hangar_formula_ge (hangar_formula_field ("N"), hangar_formula_number (1)), "{N}>=1");
  check (hangar_formula_eq (hangar_formula_eq (hangar_formula_field ("A"), hangar_formula_int (1)),
                            hangar_formula_boolean (TRUE)),
         "({A}=1)=TRUE()");

  /* logic */
  check (hangar_formula_and (hangar_formula_field_equals ("First Name", "John"),
                             hangar_formula_ge (hangar_formula_field ("Age"), hangar_formula_int (21)),
                             NULL),
         "AND({First Name}='John', {Age}>=21)");
  check (hangar_formula_or (hangar_formula_field ("A"), NULL), "OR({A})");
  check (hangar_formula_xor (hangar_formula_field ("A"), hangar_formula_field ("B"), hangar_formula_field ("C"), NULL),
         "XOR({A}, {B}, {C})");
  check (hangar_formula_not (hangar_formula_field_equals ("S", "Done")), "NOT({S}='Done')");
  check (hangar_formula_if (hangar_formula_field ("Done"), hangar_formula_string ("y"), hangar_formula_string ("n")),
         "IF({Done}, 'y', 'n')");

  /* functions and helpers */
  check (hangar_formula_ge (hangar_formula_call ("DATETIME_DIFF",
                                                 hangar_formula_call ("TODAY", NULL),
                                                 hangar_formula_field ("Purchase Date"),
                                                 hangar_formula_string ("days"),
                                                 NULL),
                            hangar_formula_int (7)),
         "DATETIME_DIFF(TODAY(), {Purchase Date}, 'days')>=7");
  check (hangar_formula_find (hangar_formula_string ("x"), hangar_formula_field ("T")), "FIND('x', {T})");
  check (hangar_formula_search (hangar_formula_string ("x"), hangar_formula_field ("T")), "SEARCH('x', {T})");
  check (hangar_formula_lower (hangar_formula_field ("T")), "LOWER({T})");
  check (hangar_formula_arrayjoin (hangar_formula_field ("Tags"), NULL), "ARRAYJOIN({Tags})");
  check (hangar_formula_arrayjoin (hangar_formula_field ("Tags"), ", "), "ARRAYJOIN({Tags}, ', ')");
  check (hangar_formula_is_blank (hangar_formula_field ("F")), "{F}=BLANK()");
  check (hangar_formula_is_not_blank (hangar_formula_field ("F")), "NOT({F}=BLANK())");
  check (hangar_formula_is_empty_text (hangar_formula_field ("F")), "{F}=''");
  check (hangar_formula_contains_text (hangar_formula_field ("Notes"), "O'Neil", FALSE),
         "FIND(LOWER('O\\'Neil'), LOWER({Notes}))>0");
  check (hangar_formula_contains_text (hangar_formula_field ("Notes"), "x", TRUE), "FIND('x', {Notes})>0");
  check (hangar_formula_record_id_in (ids), "OR(RECORD_ID()='recA', RECORD_ID()='recB')");
  check (hangar_formula_record_id_in (no_ids), "FALSE()");

  /* one node used twice */
  shared = hangar_formula_field ("S");
  check (hangar_formula_or (hangar_formula_eq (hangar_formula_ref (shared), hangar_formula_string ("a")),
                            hangar_formula_eq (shared, hangar_formula_string ("b")),
                            NULL),
         "OR({S}='a', {S}='b')");

  /* text helpers */
  {
    g_autofree char *s = hangar_formula_quote_string ("it's");
    g_autofree char *f = hangar_formula_quote_field ("x}");
    g_autofree char *n = hangar_formula_format_number (1.5);

    g_assert_cmpstr (s, ==, "'it\\'s'");
    g_assert_cmpstr (f, ==, "{x\\}}");
    g_assert_cmpstr (n, ==, "1.5");
  }
}

static void
test_builder_misuse (void)
{
  HangarFormula *f;

  /* Programmer errors are criticals and give NULL, never bad text. */
  g_test_expect_message ("Hangar", G_LOG_LEVEL_CRITICAL, "*");
  f = hangar_formula_call ("BAD NAME", hangar_formula_int (1), NULL);
  g_test_assert_expected_messages ();
  g_assert_null (f);

  g_test_expect_message ("Hangar", G_LOG_LEVEL_CRITICAL, "*");
  f = hangar_formula_call ("X)+(Y", NULL);
  g_test_assert_expected_messages ();
  g_assert_null (f);

  g_test_expect_message ("Hangar", G_LOG_LEVEL_CRITICAL, "*");
  f = hangar_formula_field ("");
  g_test_assert_expected_messages ();
  g_assert_null (f);

  g_test_expect_message ("Hangar", G_LOG_LEVEL_CRITICAL, "*isfinite*");
  f = hangar_formula_number (NAN);
  g_test_assert_expected_messages ();
  g_assert_null (f);

  g_test_expect_message ("Hangar", G_LOG_LEVEL_CRITICAL, "*");
  f = hangar_formula_and (NULL, NULL);
  g_test_assert_expected_messages ();
  g_assert_null (f);

  g_test_expect_message ("Hangar", G_LOG_LEVEL_CRITICAL, "*");
  f = hangar_formula_date (2023, 2, 30);
  g_test_assert_expected_messages ();
  g_assert_null (f);
}

/* Round trip through the sandbox ------------------------------------------------- */

static const char * const hostile_values[] = {
  "O'Brien",
  "back\\slash",
  "ends with backslash\\",
  "\\'",
  "say \"hi\"",
  "line1\nline2",
  "tab\there",
  "🚀 Rocket ümlaut",
  "'); DROP TABLE records; --",
  "' OR 1=1 OR '",
  "}{",
  "{Name}",
  "a,b",
  "plain",
  "\\n literally",
};

/* Field names that need escaping, each with the value its record holds. */
static const char * const hostile_fields[] = {
  "We}ird",
  "Back\\slash",
  "Back\\slash}",
  "Quote's \"field\"",
  "{Braces}",
  "Emoji 🚀",
  "multi }} close",
};

typedef struct
{
  HangarTestSandbox *sandbox;
  char              *base_id;
  char              *table_id;
  GHashTable        *ids;  /* hostile value → record id */
} Fixture;

static JsonNode *
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *body,
         guint       expected_status)
{
  guint status = 0;
  JsonNode *node = hangar_test_sandbox_request (fixture->sandbox, method, path,
                                                fixture->sandbox->pat, body, &status);

  if (status != expected_status)
    {
      g_autofree char *text = node != NULL ? json_to_string (node, FALSE) : g_strdup ("(empty)");
      g_error ("%s %s: status %u, expected %u: %s", method, path, status, expected_status, text);
    }
  return node;
}

static char *
node_to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) bases = NULL;
  g_autoptr(JsonNode) table = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) spec = NULL;
  g_autofree char *spec_text = NULL;
  g_autofree char *path = NULL;
  JsonArray *array;

  fixture->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  fixture->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  bases = request (fixture, "GET", "/v0/meta/bases", NULL, 200);
  array = json_object_get_array_member (json_node_get_object (bases), "bases");
  for (guint i = 0; i < json_array_get_length (array) && fixture->base_id == NULL; i++)
    {
      JsonObject *base = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (base, "permissionLevel"), "create") == 0)
        fixture->base_id = g_strdup (json_object_get_string_member (base, "id"));
    }
  g_assert_nonnull (fixture->base_id);

  /* A table whose field names need escaping. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Hostile");
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Name");
  json_builder_set_member_name (builder, "type");
  /* long text: single line text turns newlines into spaces */
  json_builder_add_string_value (builder, "multilineText");
  json_builder_end_object (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Score");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "number");
  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "precision");
  json_builder_add_int_value (builder, 2);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (hostile_fields); i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, hostile_fields[i]);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "singleLineText");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  spec = json_builder_get_root (builder);
  spec_text = node_to_string (spec);

  path = g_strdup_printf ("/v0/meta/bases/%s/tables", fixture->base_id);
  table = request (fixture, "POST", path, spec_text, 200);
  fixture->table_id = g_strdup (json_object_get_string_member (json_node_get_object (table), "id"));
  g_assert_nonnull (fixture->table_id);

  /* One record per hostile value (Score = its index + 0.5), and in the
   * i-th hostile field the value "value-i" for record i. Batches of 10. */
  for (guint start = 0; start < G_N_ELEMENTS (hostile_values); start += 10)
    {
      g_autoptr(JsonBuilder) records = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(JsonNode) created = NULL;
      g_autofree char *body_text = NULL;
      g_autofree char *records_path = g_strdup_printf ("/v0/%s/%s", fixture->base_id, fixture->table_id);
      JsonArray *out;

      json_builder_begin_object (records);
      json_builder_set_member_name (records, "records");
      json_builder_begin_array (records);
      for (guint i = start; i < MIN (start + 10, G_N_ELEMENTS (hostile_values)); i++)
        {
          json_builder_begin_object (records);
          json_builder_set_member_name (records, "fields");
          json_builder_begin_object (records);
          json_builder_set_member_name (records, "Name");
          json_builder_add_string_value (records, hostile_values[i]);
          json_builder_set_member_name (records, "Score");
          json_builder_add_double_value (records, i + 0.5);
          if (i < G_N_ELEMENTS (hostile_fields))
            {
              g_autofree char *value = g_strdup_printf ("value-%u", i);

              json_builder_set_member_name (records, hostile_fields[i]);
              json_builder_add_string_value (records, value);
            }
          json_builder_end_object (records);
          json_builder_end_object (records);
        }
      json_builder_end_array (records);
      json_builder_end_object (records);
      body = json_builder_get_root (records);
      body_text = node_to_string (body);

      created = request (fixture, "POST", records_path, body_text, 200);
      out = json_object_get_array_member (json_node_get_object (created), "records");
      for (guint k = 0; k < json_array_get_length (out); k++)
        {
          JsonObject *record = json_array_get_object_element (out, k);

          g_hash_table_insert (fixture->ids, g_strdup (hostile_values[start + k]),
                               g_strdup (json_object_get_string_member (record, "id")));
        }
    }
  g_assert_cmpuint (g_hash_table_size (fixture->ids), ==, G_N_ELEMENTS (hostile_values));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->sandbox, hangar_test_sandbox_stop);
  g_clear_pointer (&fixture->ids, g_hash_table_unref);
  g_free (fixture->base_id);
  g_free (fixture->table_id);
}

/* Lists with @formula (GET, filterByFormula percent-encoded) and returns
 * the ids of the records, sorted. */
static char **
list_ids (Fixture       *fixture,
          HangarFormula *formula)
{
  g_autofree char *text = hangar_formula_to_string (formula);
  g_autofree char *encoded = g_uri_escape_string (text, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s?filterByFormula=%s",
                                           fixture->base_id, fixture->table_id, encoded);
  g_autoptr(JsonNode) page = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint status = 0;
  JsonArray *records;

  page = hangar_test_sandbox_request (fixture->sandbox, "GET", path, fixture->sandbox->pat, NULL, &status);
  if (status != 200)
    {
      g_autofree char *body = page != NULL ? json_to_string (page, FALSE) : g_strdup ("");
      g_error ("formula %s: status %u: %s", text, status, body);
    }
  g_assert_false (json_object_has_member (json_node_get_object (page), "offset"));
  records = json_object_get_array_member (json_node_get_object (page), "records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (records, i), "id")));
  g_ptr_array_sort (ids, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (ids, NULL);

  hangar_formula_unref (formula);
  return (char **) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

static void
assert_only (Fixture    *fixture,
             char      **ids,
             const char *value)
{
  const char *expected = g_hash_table_lookup (fixture->ids, value);

  g_assert_nonnull (expected);
  if (g_strv_length (ids) != 1 || g_strcmp0 (ids[0], expected) != 0)
    {
      g_autofree char *got = g_strjoinv (",", ids);
      g_error ("expected only the record of “%s” (%s), got [%s]", value, expected, got);
    }
}

static void
test_roundtrip_values (Fixture       *fixture,
                       gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile_values); i++)
    {
      g_auto(GStrv) ids = NULL;

      g_test_message ("value %u: %s", i, hostile_values[i]);
      ids = list_ids (fixture, hangar_formula_field_equals ("Name", hostile_values[i]));
      assert_only (fixture, ids, hostile_values[i]);
    }
}

static void
test_roundtrip_field_names (Fixture       *fixture,
                            gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile_fields); i++)
    {
      g_autofree char *value = g_strdup_printf ("value-%u", i);
      g_auto(GStrv) ids = NULL;
      g_auto(GStrv) blank = NULL;

      g_test_message ("field %u: %s", i, hostile_fields[i]);
      ids = list_ids (fixture, hangar_formula_field_equals (hostile_fields[i], value));
      assert_only (fixture, ids, hostile_values[i]);

      /* every other record has that field blank */
      blank = list_ids (fixture, hangar_formula_not (hangar_formula_is_blank (hangar_formula_field (hostile_fields[i]))));
      assert_only (fixture, blank, hostile_values[i]);
    }
}

static void
test_roundtrip_helpers (Fixture       *fixture,
                        gconstpointer  data)
{
  g_auto(GStrv) a = NULL;
  g_auto(GStrv) b = NULL;
  g_auto(GStrv) c = NULL;
  g_auto(GStrv) d = NULL;
  g_auto(GStrv) e = NULL;
  g_auto(GStrv) f = NULL;
  g_auto(GStrv) g = NULL;
  const char *pair[] = { NULL, NULL, NULL };

  /* case-insensitive contains, with a needle that needs quoting */
  a = list_ids (fixture, hangar_formula_contains_text (hangar_formula_field ("Name"), "ROCKET Ü", FALSE));
  assert_only (fixture, a, "🚀 Rocket ümlaut");
  b = list_ids (fixture, hangar_formula_contains_text (hangar_formula_field ("Name"), "DROP TABLE", TRUE));
  assert_only (fixture, b, "'); DROP TABLE records; --");
  c = list_ids (fixture, hangar_formula_contains_text (hangar_formula_field ("Name"), "drop table", TRUE));
  g_assert_cmpuint (g_strv_length (c), ==, 0);

  /* numbers: Score is index + 0.5 */
  d = list_ids (fixture, hangar_formula_and (hangar_formula_gt (hangar_formula_field ("Score"), hangar_formula_number (1.75)),
                                             hangar_formula_lt (hangar_formula_field ("Score"), hangar_formula_number (2.75)),
                                             NULL));
  assert_only (fixture, d, hostile_values[2]);

  /* RECORD_ID() with OR, and XOR */
  pair[0] = g_hash_table_lookup (fixture->ids, "plain");
  pair[1] = g_hash_table_lookup (fixture->ids, "a,b");
  e = list_ids (fixture, hangar_formula_record_id_in (pair));
  g_assert_cmpuint (g_strv_length (e), ==, 2);
  f = list_ids (fixture, hangar_formula_xor (hangar_formula_record_id_in (pair),
                                             hangar_formula_field_equals ("Name", "plain"),
                                             NULL));
  assert_only (fixture, f, "a,b");

  /* an injection attempt stays a value: a contradiction matches nothing */
  g = list_ids (fixture, hangar_formula_and (hangar_formula_field_equals ("Name", "' OR 1=1 OR '"),
                                             hangar_formula_field_equals ("Name", "plain"),
                                             NULL));
  g_assert_cmpuint (g_strv_length (g), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/formula/builder-output", test_builder_output);
  g_test_add_func ("/hangar/formula/builder-misuse", test_builder_misuse);
  g_test_add ("/hangar/formula/roundtrip/values", Fixture, NULL,
              fixture_set_up, test_roundtrip_values, fixture_tear_down);
  g_test_add ("/hangar/formula/roundtrip/field-names", Fixture, NULL,
              fixture_set_up, test_roundtrip_field_names, fixture_tear_down);
  g_test_add ("/hangar/formula/roundtrip/helpers", Fixture, NULL,
              fixture_set_up, test_roundtrip_helpers, fixture_tear_down);

  return g_test_run ();
}
