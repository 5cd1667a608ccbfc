/* test-view-state.c — the "views" component: settings kept by field id
 * across reopening the database, schema drift, and settings fitted to a
 * changed schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>

#include "hangar-api.h"
#include "hangar-json.h"
#include "hangar-test.h"
#include "hangar-token-source.h"
#include "hangar-view-state.h"

/* Warnings the code under test logs on purpose are collected here. */
static GString *warnings;

static GLogWriterOutput
writer (GLogLevelFlags   level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  if (warnings != NULL && (level & G_LOG_LEVEL_WARNING))
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE"))
          g_string_append_printf (warnings, "%s\n", (const char *) fields[i].value);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static HangarTable *
table_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  HangarTable *table;

  g_assert_no_error (error);
  table = hangar_table_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  return table;
}

/* Tasks as first shown, and after a rename (Points → Score), a retype
 * (Estimate: number → singleLineText), a removal (Notes) and an addition
 * (Owner). */
static const char *tasks_before =
  "{\"id\":\"tblTasks000000001\",\"name\":\"Tasks\",\"primaryFieldId\":\"fldTitle000000001\","
  " \"fields\":["
  "  {\"id\":\"fldTitle000000001\",\"name\":\"Title\",\"type\":\"singleLineText\"},"
  "  {\"id\":\"fldPoints00000001\",\"name\":\"Points\",\"type\":\"number\",\"options\":{\"precision\":0}},"
  "  {\"id\":\"fldEstimate000001\",\"name\":\"Estimate\",\"type\":\"number\",\"options\":{\"precision\":1}},"
  "  {\"id\":\"fldNotes000000001\",\"name\":\"Notes\",\"type\":\"multilineText\"}],"
  " \"views\":[{\"id\":\"viwGrid0000000001\",\"name\":\"Grid view\",\"type\":\"grid\"},"
  "            {\"id\":\"viwOpen0000000001\",\"name\":\"Open\",\"type\":\"grid\"}]}";
static const char *tasks_after =
  "{\"id\":\"tblTasks000000001\",\"name\":\"Tasks\",\"primaryFieldId\":\"fldTitle000000001\","
  " \"fields\":["
  "  {\"id\":\"fldTitle000000001\",\"name\":\"Title\",\"type\":\"singleLineText\"},"
  "  {\"id\":\"fldPoints00000001\",\"name\":\"Score\",\"type\":\"number\",\"options\":{\"precision\":0}},"
  "  {\"id\":\"fldEstimate000001\",\"name\":\"Estimate\",\"type\":\"singleLineText\"},"
  "  {\"id\":\"fldOwner000000001\",\"name\":\"Owner\",\"type\":\"singleCollaborator\"}],"
  " \"views\":[{\"id\":\"viwGrid0000000001\",\"name\":\"Grid view\",\"type\":\"grid\"}]}";

static HangarViewState *
open_state (const char *account)
{
  g_autoptr(GError) error = NULL;
  HangarViewState *state = hangar_view_state_new_for_account (account, &error);

  g_assert_no_error (error);
  g_assert_nonnull (state);
  return state;
}

/* Settings saved, the database closed and opened again (an app restart):
 * the same settings come back, and nothing else of a table's. */
static void
test_settings_round_trip (void)
{
  g_autoptr(HangarViewSettings) settings = hangar_view_settings_new ();
  g_autoptr(HangarViewSettings) loaded = NULL;
  g_autoptr(HangarTable) table = table_from (tasks_before);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  HangarViewState *state = open_state ("acct-round-trip");
  HangarViewState *weak = state;
  HangarViewSort *sort;

  settings->view_id = g_strdup ("viwOpen0000000001");
  hangar_view_settings_add_sort (settings, "fldPoints00000001", TRUE);
  hangar_view_settings_add_sort (settings, "fldTitle000000001", FALSE);
  settings->filter_match_any = TRUE;
  hangar_view_settings_add_condition (settings, "fldNotes000000001", "contains", "urgent 'now'");
  hangar_view_settings_add_condition (settings, "fldEstimate000001", "is-empty", NULL);
  settings->search = g_strdup ("café");
  g_ptr_array_add (settings->hidden, g_strdup ("fldNotes000000001"));
  g_ptr_array_add (settings->order, g_strdup ("fldPoints00000001"));
  g_ptr_array_add (settings->order, g_strdup ("fldTitle000000001"));
  g_hash_table_insert (settings->widths, g_strdup ("fldTitle000000001"), GINT_TO_POINTER (333));

  g_assert_true (hangar_view_state_save_settings (state, "appBase0000000001", "tblTasks000000001", settings, &error));
  g_assert_no_error (error);
  g_assert_true (hangar_view_state_set_last_table (state, "appBase0000000001", "tblTasks000000001", &error));
  g_assert_no_error (error);

  /* "Restart": every reference goes, so the database is closed. */
  g_object_add_weak_pointer (G_OBJECT (state), (gpointer *) &weak);
  g_object_unref (state);
  g_assert_null (weak);
  state = open_state ("acct-round-trip");

  loaded = hangar_view_state_load_settings (state, "appBase0000000001", "tblTasks000000001");
  g_assert_nonnull (loaded);
  {
    g_autoptr(JsonNode) na = hangar_view_settings_to_json (settings);
    g_autoptr(JsonNode) nb = hangar_view_settings_to_json (loaded);

    a = hangar_json_to_string (na, -1);
    b = hangar_json_to_string (nb, -1);
  }
  g_assert_cmpstr (a, ==, b);
  sort = g_ptr_array_index (loaded->sorts, 0);
  g_assert_cmpstr (sort->field_id, ==, "fldPoints00000001");
  g_assert_true (sort->descending);
  g_assert_cmpstr (loaded->search, ==, "café");

  /* Another table and another base have nothing. */
  g_assert_null (hangar_view_state_load_settings (state, "appBase0000000001", "tblOther000000001"));
  g_assert_null (hangar_view_state_load_settings (state, "appBase0000000002", "tblTasks000000001"));

  /* The last table, in the base and in the account. */
  {
    g_autofree char *base = NULL;
    g_autofree char *tbl = NULL;

    g_assert_true (hangar_view_state_get_last_table (state, NULL, &base, &tbl, NULL));
    g_assert_cmpstr (base, ==, "appBase0000000001");
    g_assert_cmpstr (tbl, ==, "tblTasks000000001");
    g_assert_false (hangar_view_state_get_last_table (state, "appBase0000000002", NULL, NULL, NULL));
  }

  /* Empty settings forget the row. */
  {
    g_autoptr(HangarViewSettings) empty = hangar_view_settings_new ();

    g_assert_true (hangar_view_state_save_settings (state, "appBase0000000001", "tblTasks000000001", empty, &error));
    g_assert_null (hangar_view_state_load_settings (state, "appBase0000000001", "tblTasks000000001"));
  }
  g_object_unref (state);
  (void) table;
}

/* The state database holds field ids and what the user typed, nothing of
 * the records. */
static void
test_no_record_data (void)
{
  g_autoptr(HangarViewState) state = open_state ("acct-no-data");
  g_autoptr(HangarViewSettings) settings = hangar_view_settings_new ();
  g_autoptr(HangarTable) table = table_from (tasks_before);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = hangar_store_path_for_account ("acct-no-data", HANGAR_STORE_STATE);
  g_autofree char *contents = NULL;
  gsize length = 0;

  hangar_view_settings_add_sort (settings, "fldPoints00000001", FALSE);
  g_assert_true (hangar_view_state_save_settings (state, "appBase0000000001", "tblTasks000000001", settings, &error));
  g_assert_true (hangar_view_state_save_shown_fields (state, "appBase0000000001", table, &error));
  g_assert_no_error (error);
  g_clear_object (&state);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_nonnull (memmem (contents, length, "fldPoints00000001", strlen ("fldPoints00000001")));
  g_assert_null (memmem (contents, length, "\"fields\"", strlen ("\"fields\"")));
}

static char *
describe_all (GPtrArray *changes)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < changes->len; i++)
    {
      g_autofree char *line = hangar_schema_change_describe (g_ptr_array_index (changes, i));

      g_string_append_printf (text, "%s%s", i > 0 ? "; " : "", line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Rename, retype, removal and addition between two runs, told once. */
static void
test_drift (void)
{
  g_autoptr(HangarTable) before = table_from (tasks_before);
  g_autoptr(HangarTable) after = table_from (tasks_after);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *text = NULL;
  HangarViewState *state = open_state ("acct-drift");

  /* Never shown: nothing to tell. */
  g_assert_null (hangar_view_state_load_shown_fields (state, "appBase0000000001", "tblTasks000000001"));
  changes = hangar_schema_drift_compare (NULL, after);
  g_assert_cmpuint (changes->len, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);

  g_assert_true (hangar_view_state_save_shown_fields (state, "appBase0000000001", before, &error));
  g_assert_no_error (error);
  g_object_unref (state);

  /* The next run. */
  state = open_state ("acct-drift");
  shown = hangar_view_state_load_shown_fields (state, "appBase0000000001", "tblTasks000000001");
  g_assert_nonnull (shown);
  g_assert_cmpuint (shown->len, ==, 4);
  changes = hangar_schema_drift_compare (shown, after);
  text = describe_all (changes);
  g_assert_cmpstr (text, ==,
                   "“Notes” was removed; "
                   "“Points” was renamed to “Score”; "
                   "“Estimate” changed from Number to Single line text; "
                   "“Owner” was added");

  /* Once told, the new schema is what was shown: nothing more to tell. */
  g_assert_true (hangar_view_state_save_shown_fields (state, "appBase0000000001", after, &error));
  g_clear_pointer (&shown, g_ptr_array_unref);
  g_clear_pointer (&changes, g_ptr_array_unref);
  shown = hangar_view_state_load_shown_fields (state, "appBase0000000001", "tblTasks000000001");
  changes = hangar_schema_drift_compare (shown, after);
  g_assert_cmpuint (changes->len, ==, 0);

  /* A table that is gone: all its fields removed. */
  g_clear_pointer (&changes, g_ptr_array_unref);
  changes = hangar_schema_drift_compare (shown, NULL);
  g_assert_cmpuint (changes->len, ==, 4);
  {
    g_auto(GStrv) tables = hangar_view_state_list_shown_tables (state, "appBase0000000001");

    g_assert_cmpuint (g_strv_length (tables), ==, 2);
    g_assert_cmpstr (tables[0], ==, "tblTasks000000001");
    g_assert_cmpstr (tables[1], ==, "Tasks");
  }
  g_object_unref (state);
}

/* Settings saved against the first schema, fitted to the second: the sort
 * and condition on the renamed field follow it by id; those on the removed
 * field are dropped with a message naming it; the raw formula follows the
 * rename; the gone view is dropped; widths and order of gone fields go. */
static void
test_reconcile (void)
{
  g_autoptr(HangarTable) before = table_from (tasks_before);
  g_autoptr(HangarTable) after = table_from (tasks_after);
  g_autoptr(HangarViewSettings) settings = hangar_view_settings_new ();
  g_autoptr(GPtrArray) shown = hangar_shown_fields_from_table (before);
  g_auto(GStrv) messages = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *named = NULL;
  guint missing = 99;

  settings->view_id = g_strdup ("viwOpen0000000001");
  hangar_view_settings_add_sort (settings, "fldPoints00000001", TRUE);
  hangar_view_settings_add_sort (settings, "fldNotes000000001", FALSE);
  hangar_view_settings_add_condition (settings, "fldPoints00000001", "gt", "3");
  hangar_view_settings_add_condition (settings, "fldNotes000000001", "contains", "x");
  g_ptr_array_add (settings->hidden, g_strdup ("fldNotes000000001"));
  g_ptr_array_add (settings->hidden, g_strdup ("fldPoints00000001"));
  g_ptr_array_add (settings->order, g_strdup ("fldNotes000000001"));
  g_ptr_array_add (settings->order, g_strdup ("fldPoints00000001"));
  g_ptr_array_add (settings->order, g_strdup ("fldTitle000000001"));
  g_ptr_array_add (settings->order, g_strdup ("fldEstimate000001"));
  g_hash_table_insert (settings->widths, g_strdup ("fldNotes000000001"), GINT_TO_POINTER (50));
  g_hash_table_insert (settings->widths, g_strdup ("fldPoints00000001"), GINT_TO_POINTER (77));

  /* The raw formula is kept with ids: braced and bare names, strings alone. */
  stored = hangar_view_settings_formula_to_ids ("AND({Points} > 2, Points < 9, {Title} = 'Points {Points}', LEN(Title))",
                                                before);
  g_assert_cmpstr (stored, ==,
                   "AND({fldPoints00000001} > 2, {fldPoints00000001} < 9, "
                   "{fldTitle000000001} = 'Points {Points}', LEN({fldTitle000000001}))");
  settings->filter_formula = g_strdup (stored);
  settings->filter_is_formula = TRUE;

  messages = hangar_view_settings_reconcile (settings, after, shown);
  g_assert_cmpuint (g_strv_length (messages), ==, 3);
  g_assert_cmpstr (messages[0], ==, "The view you had chosen is gone; all records are shown.");
  g_assert_cmpstr (messages[1], ==, "The sort on “Notes” was removed: the field is gone.");
  g_assert_cmpstr (messages[2], ==, "A filter condition on “Notes” was removed: the field is gone.");

  g_assert_null (settings->view_id);
  g_assert_cmpuint (settings->sorts->len, ==, 1);
  g_assert_cmpstr (((HangarViewSort *) g_ptr_array_index (settings->sorts, 0))->field_id, ==, "fldPoints00000001");
  g_assert_cmpuint (settings->conditions->len, ==, 1);
  g_assert_cmpuint (settings->hidden->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (settings->hidden, 0), ==, "fldPoints00000001");
  /* Order: the saved one without Notes, then Owner (new) at the end. */
  g_assert_cmpuint (settings->order->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (settings->order, 0), ==, "fldPoints00000001");
  g_assert_cmpstr (g_ptr_array_index (settings->order, 3), ==, "fldOwner000000001");
  g_assert_false (g_hash_table_contains (settings->widths, "fldNotes000000001"));
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (settings->widths, "fldPoints00000001")), ==, 77);

  /* The formula shows the new name. */
  named = hangar_view_settings_formula_to_names (settings->filter_formula, after, &missing);
  g_assert_cmpuint (missing, ==, 0);
  g_assert_cmpstr (named, ==, "AND({Score} > 2, {Score} < 9, {Title} = 'Points {Points}', LEN({Title}))");

  /* A formula on a removed field is dropped whole, with a message. */
  {
    g_autoptr(HangarViewSettings) other = hangar_view_settings_new ();
    g_auto(GStrv) more = NULL;

    other->filter_is_formula = TRUE;
    other->filter_formula = hangar_view_settings_formula_to_ids ("{Notes} = 'x'", before);
    more = hangar_view_settings_reconcile (other, after, shown);
    g_assert_cmpuint (g_strv_length (more), ==, 1);
    g_assert_nonnull (strstr (more[0], "filter formula was removed"));
    g_assert_null (other->filter_formula);
    g_assert_false (other->filter_is_formula);
  }
}

/* A damaged row (not JSON, or written by a newer Hangar) is not used, and
 * the next save replaces it. */
static void
test_damaged_row (void)
{
  g_autoptr(HangarViewState) state = open_state ("acct-damaged");
  g_autoptr(HangarViewSettings) settings = hangar_view_settings_new ();
  g_autoptr(GError) error = NULL;
  HangarStore *store = hangar_view_state_get_store (state);

  g_assert_true (hangar_store_exec (store,
                                    "INSERT INTO view_setting VALUES ('appB', 'tblA', '{not json', 0);"
                                    "INSERT INTO view_setting VALUES ('appB', 'tblB', '{\"version\":99}', 0);",
                                    &error));
  g_assert_no_error (error);
  warnings = g_string_new (NULL);
  g_assert_null (hangar_view_state_load_settings (state, "appB", "tblA"));
  g_assert_nonnull (strstr (warnings->str, "are damaged and were not used"));
  g_string_truncate (warnings, 0);
  g_assert_null (hangar_view_state_load_settings (state, "appB", "tblB"));
  g_assert_nonnull (strstr (warnings->str, "newer Hangar"));
  g_string_free (g_steal_pointer (&warnings), TRUE);

  settings->search = g_strdup ("again");
  g_assert_true (hangar_view_state_save_settings (state, "appB", "tblA", settings, &error));
  g_assert_no_error (error);
  {
    g_autoptr(HangarViewSettings) loaded = hangar_view_state_load_settings (state, "appB", "tblA");

    g_assert_cmpstr (loaded->search, ==, "again");
  }
}

/* What a webhook's "the schema changed" runs: the base's schema read
 * again and compared with every table shown before. Real sandbox. */
static void
test_drift_check (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet", NULL);
  g_autofree char *base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Product Roadmap");
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (sandbox->pat);
  g_autoptr(HangarClient) client = hangar_client_new (sandbox->url, source);
  g_autoptr(HangarViewState) state = open_state ("acct-drift-check");
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GPtrArray) drifts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) reply = NULL;
  HangarTable *tasks;
  HangarTableDrift *drift;
  guint status = 0;

  hangar_client_get_base_schema_async (client, base_id, NULL, hangar_test_wait_cb, wait);
  tables = hangar_client_get_base_schema_finish (client, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  tasks = hangar_table_list_lookup (tables, "Tasks");
  g_assert_true (hangar_view_state_save_shown_fields (state, base_id, tasks, &error));

  /* Nothing changed yet. */
  hangar_schema_drift_check_async (state, client, base_id, NULL, hangar_test_wait_cb, wait);
  drifts = hangar_schema_drift_check_finish (state, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drifts->len, ==, 0);
  g_clear_pointer (&drifts, g_ptr_array_unref);

  /* A rename of a Tasks field and a new field in People (never shown). */
  path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields/%s", base_id, hangar_table_get_id (tasks),
                          hangar_field_get_id (hangar_table_lookup_field (tasks, "Points")));
  reply = hangar_test_sandbox_request (sandbox, "PATCH", path, sandbox->pat, "{\"name\":\"Score\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&reply, json_node_unref);
  g_free (path);
  path = g_strdup_printf ("/v0/meta/bases/%s/tables/People/fields", base_id);
  reply = hangar_test_sandbox_request (sandbox, "POST", path, sandbox->pat,
                                       "{\"name\":\"Nickname\",\"type\":\"singleLineText\"}", &status);
  g_assert_cmpuint (status, ==, 200);

  hangar_schema_drift_check_async (state, client, base_id, NULL, hangar_test_wait_cb, wait);
  drifts = hangar_schema_drift_check_finish (state, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drifts->len, ==, 1);
  drift = g_ptr_array_index (drifts, 0);
  g_assert_cmpstr (drift->table_id, ==, hangar_table_get_id (tasks));
  g_assert_cmpuint (drift->changes->len, ==, 1);
  {
    g_autofree char *text = hangar_schema_change_describe (g_ptr_array_index (drift->changes, 0));

    g_assert_cmpstr (text, ==, "“Points” was renamed to “Score”");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();
  g_log_set_writer_func (writer, NULL, NULL);

  g_test_add_func ("/hangar/store/views/round-trip", test_settings_round_trip);
  g_test_add_func ("/hangar/store/views/no-record-data", test_no_record_data);
  g_test_add_func ("/hangar/store/views/drift", test_drift);
  g_test_add_func ("/hangar/store/views/reconcile", test_reconcile);
  g_test_add_func ("/hangar/store/views/damaged-row", test_damaged_row);
  g_test_add_func ("/hangar/store/views/drift-check", test_drift_check);

  return g_test_run ();
}
