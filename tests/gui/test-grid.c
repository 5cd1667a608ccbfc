/* test-grid.c — the record grid against a real hangar-sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-client.h"
#include "hangar-comments-panel.h"
#include "hangar-filter-editor.h"
#include "hangar-record-detail.h"
#include "hangar-record-grid-private.h"
#include "hangar-sort-editor.h"
#include "hangar-test-gui.h"

typedef struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  char              *base_id;
  HangarTable       *table;
  GtkWindow         *window;
  HangarRecordGrid  *grid;
} Fixture;

/* ---- helpers ---- */

static gboolean
grid_loaded (gpointer data)
{
  HangarRecordGrid *grid = data;
  g_autofree char *error = NULL;
  gboolean loading = TRUE;

  g_object_get (grid, "loading", &loading, "error-message", &error, NULL);
  return !loading;
}

typedef struct
{
  HangarRecordGrid *grid;
  gboolean          started;
} ReloadWait;

static void
loading_notify_cb (GObject    *grid,
                   GParamSpec *pspec,
                   gpointer    data)
{
  ReloadWait *wait = data;

  if (hangar_record_grid_get_loading (wait->grid))
    wait->started = TRUE;
}

static gboolean
reload_done (gpointer data)
{
  ReloadWait *wait = data;

  return wait->started && !hangar_record_grid_get_loading (wait->grid);
}

/* Waits until a load started by the caller has finished: most actions start
 * it at once, the search entry after its debounce, so the load is seen
 * starting ("loading" TRUE, now or later) and then ending. */
static void
wait_reload (HangarRecordGrid *grid)
{
  ReloadWait wait = { grid, hangar_record_grid_get_loading (grid) };
  gulong handler = g_signal_connect (grid, "notify::loading", G_CALLBACK (loading_notify_cb), &wait);

  hangar_test_wait_until (reload_done, &wait, "the grid to load");
  g_signal_handler_disconnect (grid, handler);
}

/* Every record id of a direct listing (all pages) with @query appended. */
static GPtrArray *
direct_ids (Fixture    *fixture,
            const char *query)
{
  return hangar_test_sandbox_list_ids (fixture->sandbox, fixture->base_id,
                                       hangar_table_get_id (fixture->table), query);
}

static GPtrArray *
grid_ids (HangarRecordGrid *grid)
{
  GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (grid));
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (model, i);

      g_ptr_array_add (ids, g_strdup (hangar_record_get_id (record)));
    }
  return ids;
}

static void
assert_same_ids (GPtrArray *expected,
                 GPtrArray *actual)
{
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (actual, i), ==, g_ptr_array_index (expected, i));
}

static char *
escape (const char *text)
{
  return g_uri_escape_string (text, NULL, TRUE);
}

static gboolean
texts_contain (GPtrArray  *texts,
               const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* ---- fixture ---- */

static void
fixture_set_up_with (Fixture           *fixture,
                     const char * const *args)
{
  g_autoptr(JsonNode) bases = NULL;
  g_autoptr(JsonNode) tables_node = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonArray *array;

  fixture->sandbox = hangar_test_sandbox_startv (args);

  bases = hangar_test_sandbox_get (fixture->sandbox, "/v0/meta/bases");
  array = json_object_get_array_member (json_node_get_object (bases), "bases");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *base = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (base, "name"), "Product Roadmap") == 0)
        fixture->base_id = g_strdup (json_object_get_string_member (base, "id"));
    }
  g_assert_nonnull (fixture->base_id);

  path = g_strdup_printf ("/v0/meta/bases/%s/tables", fixture->base_id);
  tables_node = hangar_test_sandbox_get (fixture->sandbox, path);
  tables = hangar_table_list_from_json (tables_node, &error);
  g_assert_no_error (error);
  fixture->table = g_object_ref (hangar_table_list_lookup (tables, "Tasks"));
  g_assert_nonnull (fixture->table);

  source = hangar_static_token_source_new (fixture->sandbox->pat);
  fixture->client = hangar_client_new (fixture->sandbox->url, source);

  fixture->grid = g_object_ref_sink (HANGAR_RECORD_GRID (hangar_record_grid_new ()));
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1280, 800);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->grid));
  gtk_window_present (fixture->window);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  const char *args[] = { "--no-rate-limit", NULL };

  fixture_set_up_with (fixture, args);
  hangar_record_grid_show_table_with_client (fixture->grid, fixture->client, fixture->base_id, fixture->table);
  wait_reload (fixture->grid);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  HangarRecordGrid *weak_grid = fixture->grid;

  gtk_window_destroy (fixture->window);
  /* Answers in flight (link names, schema) may hold it a moment; then it
   * must go. */
  g_object_add_weak_pointer (G_OBJECT (weak_grid), (gpointer *) &weak_grid);
  g_clear_object (&fixture->grid);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_grid, "the grid to be finalized");
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->table);
  g_clear_pointer (&fixture->base_id, g_free);
  hangar_test_sandbox_stop (fixture->sandbox);
}

/* ---- tests ---- */

static void
test_grid_shows_table (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkColumnView *view = hangar_record_grid_get_column_view (fixture->grid);
  GPtrArray *fields = hangar_table_get_fields (fixture->table);
  g_autoptr(GPtrArray) expected = direct_ids (fixture, NULL);
  g_autoptr(GPtrArray) actual = grid_ids (fixture->grid);
  g_autoptr(JsonNode) first = NULL;
  g_autofree char *path = NULL;
  g_autofree char *error = NULL;
  const char *title;
  guint n = 0;

  g_object_get (fixture->grid, "error-message", &error, "n-records", &n, NULL);
  g_assert_null (error);
  g_assert_cmpuint (n, ==, expected->len);
  g_assert_cmpuint (expected->len, >, 0);

  /* One column per field, in the table's order. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (view)), ==, fields->len);
  for (guint i = 0; i < fields->len; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (gtk_column_view_get_columns (view), i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==,
                       hangar_field_get_name (g_ptr_array_index (fields, i)));
    }

  /* The same records in the same order as a direct request. */
  assert_same_ids (expected, actual);

  /* The first row's primary value is on screen. */
  path = g_strdup_printf ("/v0/%s/%s/%s", fixture->base_id, hangar_table_get_id (fixture->table),
                          (char *) g_ptr_array_index (expected, 0));
  first = hangar_test_sandbox_get (fixture->sandbox, path);
  title = json_object_get_string_member (json_object_get_object_member (json_node_get_object (first), "fields"),
                                         hangar_field_get_name (hangar_table_get_primary_field (fixture->table)));
  g_assert_nonnull (title);
  hangar_test_gui_wait_for_text (GTK_WIDGET (view), title);
}

static void
test_grid_links_show_names (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkColumnView *view = hangar_record_grid_get_column_view (fixture->grid);
  HangarField *project = hangar_table_lookup_field (fixture->table, "Project");
  GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (fixture->grid));
  g_autoptr(HangarRecord) record = g_list_model_get_item (model, 0);
  JsonNode *links = hangar_record_get_field (record, "Project");
  g_autoptr(JsonNode) linked = NULL;
  g_autofree char *path = NULL;
  const char *linked_id;
  const char *linked_name;
  JsonObject *options;

  g_assert_nonnull (project);
  g_assert_nonnull (links);
  linked_id = json_array_get_string_element (json_node_get_array (links), 0);
  options = hangar_field_get_options (project);
  path = g_strdup_printf ("/v0/%s/%s/%s", fixture->base_id,
                          json_object_get_string_member (options, "linkedTableId"), linked_id);
  linked = hangar_test_sandbox_get (fixture->sandbox, path);
  linked_name = json_object_get_string_member (json_object_get_object_member (json_node_get_object (linked), "fields"),
                                               "Name");

  /* The cell first shows the id, then the linked record's primary value once
   * the link cache has fetched it. */
  hangar_test_gui_wait_for_text (GTK_WIDGET (view), linked_name);
}

static void
test_grid_sort (Fixture       *fixture,
                gconstpointer  data)
{
  HangarSortEditor *sort = hangar_record_grid_get_sort_editor (fixture->grid);
  g_autoptr(GPtrArray) unsorted = grid_ids (fixture->grid);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) actual = NULL;
  gboolean differs = FALSE;

  /* Two sort keys: Points descending, then Title ascending. */
  hangar_sort_editor_add_sort (sort, "Points", TRUE);
  wait_reload (fixture->grid);
  hangar_sort_editor_add_sort (sort, "Title", FALSE);
  wait_reload (fixture->grid);

  expected = direct_ids (fixture,
                         "sort%5B0%5D%5Bfield%5D=Points&sort%5B0%5D%5Bdirection%5D=desc"
                         "&sort%5B1%5D%5Bfield%5D=Title&sort%5B1%5D%5Bdirection%5D=asc");
  actual = grid_ids (fixture->grid);
  assert_same_ids (expected, actual);

  for (guint i = 0; i < unsorted->len; i++)
    if (g_strcmp0 (g_ptr_array_index (unsorted, i), g_ptr_array_index (actual, i)) != 0)
      differs = TRUE;
  g_assert_true (differs);

  /* The row order follows the sort: Points never increase. */
  for (guint i = 1; i < actual->len; i++)
    {
      GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (fixture->grid));
      g_autoptr(HangarRecord) a = g_list_model_get_item (model, i - 1);
      g_autoptr(HangarRecord) b = g_list_model_get_item (model, i);
      JsonNode *pa = hangar_record_get_field (a, "Points");
      JsonNode *pb = hangar_record_get_field (b, "Points");

      if (pa != NULL && pb != NULL)
        g_assert_cmpint (json_node_get_int (pa), >=, json_node_get_int (pb));
    }

  /* A column header's "Sort Descending" replaces the sort with that field. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.sort-descending", "s", "Title"));
  wait_reload (fixture->grid);
  g_assert_cmpuint (hangar_sort_editor_get_n_sorts (sort), ==, 1);
  {
    g_autoptr(GPtrArray) by_title = direct_ids (fixture, "sort%5B0%5D%5Bfield%5D=Title&sort%5B0%5D%5Bdirection%5D=desc");
    g_autoptr(GPtrArray) shown = grid_ids (fixture->grid);

    assert_same_ids (by_title, shown);
  }
}

static void
test_grid_filter (Fixture       *fixture,
                  gconstpointer  data)
{
  HangarFilterEditor *filter = hangar_record_grid_get_filter_editor (fixture->grid);
  g_autofree char *formula = escape ("{Points}>3");
  g_autofree char *query = g_strdup_printf ("filterByFormula=%s", formula);
  g_autoptr(GPtrArray) all = grid_ids (fixture->grid);
  g_autoptr(GPtrArray) expected = direct_ids (fixture, query);
  g_autoptr(GPtrArray) actual = NULL;
  g_autofree char *error = NULL;
  g_autofree char *built = NULL;

  hangar_filter_editor_add_condition (filter, "Points", HANGAR_FILTER_GT, "3");
  hangar_filter_editor_apply (filter);
  wait_reload (fixture->grid);

  actual = grid_ids (fixture->grid);
  g_assert_cmpuint (expected->len, >, 0);
  g_assert_cmpuint (expected->len, <, all->len);
  assert_same_ids (expected, actual);

  /* A raw formula that does not parse: the server's 422 message shows and the
   * text typed stays in the editor. */
  hangar_filter_editor_set_raw_formula (filter, "AND({Points}>3,");
  hangar_filter_editor_apply (filter);
  wait_reload (fixture->grid);
  g_object_get (fixture->grid, "error-message", &error, NULL);
  g_assert_nonnull (error);
  built = hangar_filter_editor_build_formula (filter, NULL);
  g_assert_cmpstr (built, ==, "AND({Points}>3,");

  /* Fixed by hand: it loads again. */
  g_clear_pointer (&error, g_free);
  hangar_filter_editor_set_raw_formula (filter, "OR({Done}, {Points}>=8)");
  hangar_filter_editor_apply (filter);
  wait_reload (fixture->grid);
  g_object_get (fixture->grid, "error-message", &error, NULL);
  g_assert_null (error);
  {
    g_autofree char *f2 = escape ("OR({Done}, {Points}>=8)");
    g_autofree char *q2 = g_strdup_printf ("filterByFormula=%s", f2);
    g_autoptr(GPtrArray) expected2 = direct_ids (fixture, q2);
    g_autoptr(GPtrArray) actual2 = grid_ids (fixture->grid);

    assert_same_ids (expected2, actual2);
  }
}

static void
test_grid_search (Fixture       *fixture,
                  gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (fixture->grid));
  g_autoptr(GPtrArray) all = grid_ids (fixture->grid);
  g_autoptr(GPtrArray) actual = NULL;
  g_autoptr(GPtrArray) local = g_ptr_array_new_with_free_func (g_free);
  const char *needle = "ON";   /* mixed case on purpose: the search ignores case */
  GPtrArray *fields = hangar_table_get_fields (fixture->table);

  /* The oracle: every loaded record with a text field containing the needle. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (model, i);
      gboolean match = FALSE;

      for (guint f = 0; f < fields->len; f++)
        {
          HangarField *field = g_ptr_array_index (fields, f);
          JsonNode *value = hangar_record_get_field (record, hangar_field_get_name (field));
          g_autofree char *lower = NULL;

          if (!hangar_field_is_text_like (field) || value == NULL)
            continue;
          lower = g_utf8_strdown (json_node_get_string (value), -1);
          if (strstr (lower, "on") != NULL)
            match = TRUE;
        }
      if (match)
        g_ptr_array_add (local, g_strdup (hangar_record_get_id (record)));
    }
  g_assert_cmpuint (local->len, >, 0);
  g_assert_cmpuint (local->len, <, all->len);

  hangar_record_grid_set_search (fixture->grid, needle);
  wait_reload (fixture->grid);   /* after the entry's debounce */
  actual = grid_ids (fixture->grid);
  assert_same_ids (local, actual);

  hangar_record_grid_set_search (fixture->grid, NULL);
  wait_reload (fixture->grid);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, all->len);
}

static void
test_grid_view (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *view = escape ("Open tasks");
  g_autofree char *query = g_strdup_printf ("view=%s", view);
  g_autoptr(GPtrArray) expected = direct_ids (fixture, query);
  g_autoptr(GPtrArray) actual = NULL;
  g_autoptr(GPtrArray) all = grid_ids (fixture->grid);

  hangar_record_grid_set_view (fixture->grid, "Open tasks");
  wait_reload (fixture->grid);
  actual = grid_ids (fixture->grid);
  g_assert_cmpuint (expected->len, <, all->len);
  assert_same_ids (expected, actual);
}

static void
test_grid_field_visibility (Fixture       *fixture,
                            gconstpointer  data)
{
  GListModel *columns = gtk_column_view_get_columns (hangar_record_grid_get_column_view (fixture->grid));
  guint visible = 0;

  hangar_record_grid_set_field_visible (fixture->grid, "Estimate", FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Estimate") == 0)
        g_assert_false (gtk_column_view_column_get_visible (column));
      if (gtk_column_view_column_get_visible (column))
        visible++;
    }
  g_assert_cmpuint (visible, ==, hangar_table_get_fields (fixture->table)->len - 1);

  hangar_record_grid_set_field_visible (fixture->grid, "Estimate", TRUE);
  visible = 0;
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      visible += gtk_column_view_column_get_visible (column);
    }
  g_assert_cmpuint (visible, ==, hangar_table_get_fields (fixture->table)->len);
}

static void
test_grid_detail (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkSelectionModel *model = hangar_record_grid_get_model (fixture->grid);
  HangarRecordDetail *detail = hangar_record_grid_get_detail (fixture->grid);
  GPtrArray *fields = hangar_table_get_fields (fixture->table);
  g_autoptr(HangarRecord) record = NULL;

  gtk_selection_model_select_item (model, 2, TRUE);
  record = g_list_model_get_item (G_LIST_MODEL (model), 2);
  g_assert_true (hangar_record_detail_get_record (detail) == record);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (detail)));
  g_assert_cmpuint (hangar_record_detail_get_n_fields (detail), ==, fields->len);

  for (guint i = 0; i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);
      const char *shown = hangar_record_detail_get_value_text (detail, hangar_field_get_name (field));
      JsonNode *value = hangar_record_get_field (record, hangar_field_get_name (field));

      g_assert_nonnull (shown);
      /* Empty cells show as empty, filled ones show something. */
      if (value == NULL)
        g_assert_cmpstr (shown, ==, "");
      else
        g_assert_cmpstr (shown, !=, "");
      if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_SINGLE_LINE_TEXT)
        g_assert_cmpstr (shown, ==, json_node_get_string (value));
    }
}

/* The first select chip in the Labels cell of @row (the cell holds a box
 * of chips). */
static GtkWidget *
first_chip (HangarRecordGrid *grid,
            guint             row)
{
  GtkWidget *cell = hangar_record_grid_get_cell_widget (grid, row, "Labels");

  g_assert_nonnull (cell);
  g_assert_true (GTK_IS_BOX (gtk_widget_get_first_child (cell)));
  return gtk_widget_get_first_child (gtk_widget_get_first_child (cell));
}

typedef struct
{
  HangarRecordDetail *detail;
  const char         *record_id;
} CommentsWait;

static gboolean
comments_read (gpointer data)
{
  CommentsWait *wait = data;
  HangarCommentsPanel *panel = hangar_record_detail_get_comments (wait->detail);

  return g_strcmp0 (hangar_comments_panel_get_record_id (panel), wait->record_id) == 0 &&
         !hangar_comments_panel_get_loading (panel);
}

/* Hidden, the record panel follows the cursor without a request or a
 * label set; shown, it has the cursor's record, its values and comments. */
static void
test_grid_detail_hidden (Fixture       *fixture,
                         gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (fixture->grid));
  HangarRecordDetail *detail = hangar_record_grid_get_detail (fixture->grid);
  g_autoptr(HangarRecord) last = NULL;
  CommentsWait wait = { detail, NULL };

  gtk_toggle_button_set_active (fixture->grid->detail_button, FALSE);
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (detail)));
  /* Until what the open table asked for has come (the linked tables'
   * names, the panel's first comments): half a second without a request. */
  for (guint tries = 0;; tries++)
    {
      g_assert_cmpuint (tries, <, 60);
      hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/reset-stats", NULL);
      hangar_test_run_for (500);
      if (hangar_test_sandbox_stat (fixture->sandbox, "requests") == 0)
        break;
    }

  for (guint row = 1; row <= 4; row++)
    {
      hangar_record_grid_set_cursor (fixture->grid, row, "Title");
      hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
    }
  last = g_list_model_get_item (model, 4);
  g_assert_true (hangar_record_detail_get_record (detail) == last);
  /* Longer than the panel waits before it reads comments. */
  hangar_test_run_for (1000);
  g_assert_cmpint (hangar_test_sandbox_stat (fixture->sandbox, "requests"), ==, 0);

  gtk_toggle_button_set_active (fixture->grid->detail_button, TRUE);
  hangar_test_wait_until (hangar_test_gui_widget_mapped, detail, "the record panel");
  g_assert_cmpstr (hangar_record_detail_get_value_text (detail, "Title"), ==,
                   json_node_get_string (hangar_record_get_field (last, "Title")));
  hangar_test_gui_wait_for_text (GTK_WIDGET (detail), json_node_get_string (hangar_record_get_field (last, "Title")));
  wait.record_id = hangar_record_get_id (last);
  hangar_test_wait_until (comments_read, &wait, "the comments of the cursor's record");
  g_assert_cmpint (hangar_test_sandbox_stat (fixture->sandbox, "requests"), >=, 1);
}

static void
test_grid_replace_record (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkSelectionModel *model = hangar_record_grid_get_model (fixture->grid);
  HangarRecordDetail *detail = hangar_record_grid_get_detail (fixture->grid);
  GtkColumnView *view = hangar_record_grid_get_column_view (fixture->grid);
  g_autoptr(HangarRecord) before = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_autoptr(HangarRecord) after = NULL;
  g_autoptr(HangarRecord) shown = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", fixture->base_id, hangar_table_get_id (fixture->table),
                                           hangar_record_get_id (before));
  guint status = 0;
  GtkWidget *chip;

  gtk_selection_model_select_item (model, 1, TRUE);
  hangar_test_gui_wait_for_frame (GTK_WIDGET (view));
  chip = first_chip (fixture->grid, 1);
  g_assert_true (GTK_IS_LABEL (chip));
  g_object_add_weak_pointer (G_OBJECT (chip), (gpointer *) &chip);

  /* An edit made elsewhere (here: straight to the sandbox), then the new
   * version goes through the grid's record-changed path. */
  answer = hangar_test_sandbox_request (fixture->sandbox, "PATCH", path, fixture->sandbox->pat,
                                        "{\"fields\":{\"Title\":\"Renamed by the test\"}}", &status);
  g_assert_cmpuint (status, ==, 200);
  after = hangar_record_new_from_json (json_node_get_object (answer), &error);
  g_assert_no_error (error);

  g_assert_true (hangar_record_grid_replace_record (fixture->grid, after));
  shown = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_assert_true (shown == after);
  g_assert_true (gtk_selection_model_is_selected (model, 1));
  g_assert_cmpstr (hangar_record_detail_get_value_text (detail, "Title"), ==, "Renamed by the test");

  hangar_test_gui_wait_for_text (GTK_WIDGET (view), "Renamed by the test");
  hangar_test_gui_collect_texts (GTK_WIDGET (view), texts);
  g_assert_false (texts_contain (texts, json_node_get_string (hangar_record_get_field (before, "Title"))));

  /* Only the changed cell was made again: the row's other cells kept their
   * widgets, through the new version and through a selection moved away
   * (which GTK 4.8 answers by binding the row's cells again). */
  gtk_selection_model_select_item (model, 2, TRUE);
  hangar_test_gui_wait_for_frame (GTK_WIDGET (view));
  g_assert_nonnull (chip);
  g_assert_true (first_chip (fixture->grid, 1) == chip);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (chip)), ==,
                   json_array_get_string_element (json_node_get_array (hangar_record_get_field (after, "Labels")), 0));
  g_object_remove_weak_pointer (G_OBJECT (chip), (gpointer *) &chip);

  /* A changed value is shown: the chips made again. */
  g_clear_pointer (&answer, json_node_unref);
  g_clear_object (&after);
  answer = hangar_test_sandbox_request (fixture->sandbox, "PATCH", path, fixture->sandbox->pat,
                                        "{\"fields\":{\"Labels\":[\"chore\",\"bug\"]}}", &status);
  g_assert_cmpuint (status, ==, 200);
  after = hangar_record_new_from_json (json_node_get_object (answer), &error);
  g_assert_no_error (error);
  g_assert_true (hangar_record_grid_replace_record (fixture->grid, after));
  hangar_test_gui_wait_for_frame (GTK_WIDGET (view));
  chip = first_chip (fixture->grid, 1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (chip)), ==, "chore");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_next_sibling (chip))), ==, "bug");
  g_assert_null (gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (chip)));
}

static void
test_grid_load_failed_retry (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) expected = grid_ids (fixture->grid);
  g_autoptr(GPtrArray) actual = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = g_strdup_printf ("{\"count\":1,\"status\":404,\"path_prefix\":\"/v0/%s/%s\"}",
                                           fixture->base_id, hangar_table_get_id (fixture->table));
  g_autofree char *error = NULL;
  guint status = 0;
  guint n = G_MAXUINT;

  answer = hangar_test_sandbox_request (fixture->sandbox, "POST", "/__sandbox/faults", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);

  /* Reload: the one faulty answer fails the load, visibly. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.reload", NULL));
  wait_reload (fixture->grid);
  g_object_get (fixture->grid, "error-message", &error, "n-records", &n, NULL);
  g_assert_nonnull (error);
  g_assert_cmpuint (n, ==, 0);

  /* Retry: the records come back. */
  g_clear_pointer (&error, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.retry", NULL));
  wait_reload (fixture->grid);
  g_object_get (fixture->grid, "error-message", &error, NULL);
  g_assert_null (error);
  actual = grid_ids (fixture->grid);
  assert_same_ids (expected, actual);
}

static gboolean
grid_rate_limited (gpointer data)
{
  gboolean limited = FALSE;

  g_object_get (data, "rate-limited", &limited, NULL);
  return limited;
}

static gboolean
grid_not_rate_limited (gpointer data)
{
  return !grid_rate_limited (data);
}

static void
test_grid_rate_limit_banner (void)
{
  const char *args[] = { "--no-rate-limit", NULL };
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) actual = NULL;
  g_autofree char *fault = NULL;
  const char *text;

  fixture_set_up_with (&fixture, args);
  /* The client pauses the base for 2 s (not Airtable's 30) after a 429. */
  hangar_scheduler_set_penalty_ms (hangar_client_get_scheduler (fixture.client), 2000);
  expected = direct_ids (&fixture, NULL);

  /* Airtable's 429 (the sandbox's own body for it) to the grid's first
   * request for the records. */
  fault = g_strdup_printf ("{\"count\":1,\"status\":429,\"path_prefix\":\"/v0/%s/%s\"}",
                           fixture.base_id, hangar_table_get_id (fixture.table));
  hangar_test_sandbox_control (fixture.sandbox, "/__sandbox/faults", fault);

  hangar_record_grid_show_table_with_client (fixture.grid, fixture.client, fixture.base_id, fixture.table);
  hangar_test_wait_until (grid_rate_limited, fixture.grid, "the rate-limit banner");
  text = hangar_record_grid_get_rate_text (fixture.grid);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "resuming in"));

  /* The pause ends by itself, the banner goes and the records arrive. */
  hangar_test_wait_until (grid_not_rate_limited, fixture.grid, "the end of the pause");
  wait_reload (fixture.grid);
  actual = grid_ids (fixture.grid);
  assert_same_ids (expected, actual);

  fixture_tear_down (&fixture, NULL);
}

static gboolean
client_sent_one (gpointer data)
{
  return hangar_client_get_n_requests (HANGAR_CLIENT (data)) > 0;
}

/* Every request in flight holds the client; when they have all come back
 * (cancelled), only the test's reference is left. */
static gboolean
client_released (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

static void
test_grid_dispose_while_loading (void)
{
  const char *args[] = { "--no-rate-limit", NULL };
  Fixture fixture = { 0 };
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  fixture_set_up_with (&fixture, args);
  /* Every answer takes 1.5 s: the grid goes away while its requests (records,
   * schema for link names) are in flight. */
  answer = hangar_test_sandbox_request (fixture.sandbox, "POST", "/__sandbox/faults", NULL,
                                        "{\"count\":10,\"delay_ms\":1500}", &status);
  g_assert_cmpuint (status, ==, 200);

  hangar_record_grid_show_table_with_client (fixture.grid, fixture.client, fixture.base_id, fixture.table);
  hangar_test_wait_until (client_sent_one, fixture.client, "the first request on the wire");
  g_assert_true (hangar_record_grid_get_loading (fixture.grid));

  gtk_window_destroy (fixture.window);
  /* Nothing in flight keeps the grid alive; dispose cancels the loads. */
  g_assert_finalize_object (fixture.grid);
  /* The cancelled requests come back later and touch nothing. */
  hangar_test_wait_until (client_released, fixture.client, "the cancelled requests to come back");

  g_clear_object (&fixture.client);
  g_clear_object (&fixture.table);
  g_clear_pointer (&fixture.base_id, g_free);
  hangar_test_sandbox_stop (fixture.sandbox);
}

static gboolean
grid_has_rows (gpointer data)
{
  guint n = 0;

  g_object_get (data, "n-records", &n, NULL);
  return n > 0 && grid_loaded (data);
}

typedef struct
{
  HangarRecordGrid *grid;
  guint             n;
} GrowWait;

static gboolean
grid_grew (gpointer data)
{
  GrowWait *wait = data;
  guint n = 0;

  g_object_get (wait->grid, "n-records", &n, NULL);
  return n > wait->n && grid_loaded (wait->grid);
}

static guint
grid_n_records (HangarRecordGrid *grid)
{
  guint n = 0;

  g_object_get (grid, "n-records", &n, NULL);
  return n;
}

/* Lets the view lay out what it has and ask for what it needs (the grid
 * loads more from an idle after a layout near the end), until a frame
 * passes in which it asked for nothing. */
static void
wait_settled (HangarRecordGrid *grid)
{
  guint n;

  do
    {
      n = grid_n_records (grid);
      hangar_test_gui_wait_for_frame (GTK_WIDGET (grid));
      for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
        ;
      hangar_test_wait_until (grid_loaded, grid, "the grid to load what the view asked for");
    }
  while (grid_n_records (grid) != n);
}

/* A big table loads on demand: the first page(s) at once, nothing more in
 * the background, the next page when the view is scrolled near the end. */
static void
test_grid_lazy_paging (void)
{
  const char *args[] = { "--no-rate-limit", "--generate", "Lazy:1000", "--quiet", NULL };
  Fixture fixture = { 0 };
  g_autofree char *lazy_base = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) tables_node = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) actual = NULL;
  GtkAdjustment *adjustment;
  HangarTable *lazy;
  gint64 requests;
  gint64 requests_after_scroll;
  guint n_first;
  guint scrolls = 0;

  fixture_set_up_with (&fixture, args);
  lazy_base = hangar_test_sandbox_base_id (fixture.sandbox, fixture.sandbox->pat, "Lazy");
  g_assert_nonnull (lazy_base);
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", lazy_base);
  tables_node = hangar_test_sandbox_get (fixture.sandbox, path);
  tables = hangar_table_list_from_json (tables_node, &error);
  g_assert_no_error (error);
  lazy = hangar_table_list_lookup (tables, "Records");
  g_assert_nonnull (lazy);
  /* (the record panel, hidden, reads no comments: only pages are counted) */
  gtk_toggle_button_set_active (fixture.grid->detail_button, FALSE);
  hangar_test_sandbox_control (fixture.sandbox, "/__sandbox/reset-stats", NULL);
  g_assert_cmpint (hangar_test_sandbox_stat (fixture.sandbox, "requests"), ==, 0);

  hangar_record_grid_show_table_with_client (fixture.grid, fixture.client, lazy_base, lazy);
  hangar_test_wait_until (grid_has_rows, fixture.grid, "the first page");
  /* Whatever the view asks for while it fills the screen. */
  wait_settled (fixture.grid);
  requests = hangar_test_sandbox_stat (fixture.sandbox, "requests");
  n_first = grid_n_records (fixture.grid);
  g_test_message ("after show_table: %u records, %" G_GINT64_FORMAT " requests", n_first, requests);
  g_assert_cmpint (requests, >=, 1);
  g_assert_cmpint (requests, <=, 4);
  g_assert_cmpuint (n_first, >=, 100);
  g_assert_cmpuint (n_first, <=, 300);
  g_assert_cmpuint (n_first % 100, ==, 0);
  g_assert_nonnull (strstr (hangar_record_grid_get_count_text (fixture.grid), "scroll for more"));

  /* Nothing keeps loading in the background: no request for a while (real
   * time is the behaviour here). */
  hangar_test_run_for (1500);
  g_assert_cmpint (hangar_test_sandbox_stat (fixture.sandbox, "requests"), ==, requests);
  g_assert_cmpuint (grid_n_records (fixture.grid), ==, n_first);

  /* Scrolled to the end: the next page comes. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (hangar_record_grid_get_column_view (fixture.grid)));
  g_assert_cmpfloat (gtk_adjustment_get_page_size (adjustment), >, 0);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  {
    GrowWait wait = { fixture.grid, n_first };

    hangar_test_wait_until (grid_grew, &wait, "the next page after scrolling");
  }
  wait_settled (fixture.grid);
  requests_after_scroll = hangar_test_sandbox_stat (fixture.sandbox, "requests");
  g_assert_cmpint (requests_after_scroll, >, requests);
  g_assert_cmpint (requests_after_scroll, <=, requests + 3);
  g_assert_cmpuint (grid_n_records (fixture.grid), >, n_first);
  g_assert_cmpuint (grid_n_records (fixture.grid), <, 1000);

  /* Scrolling on reaches the end of the table: every record, in order. */
  while (strstr (hangar_record_grid_get_count_text (fixture.grid), "scroll for more") != NULL)
    {
      GrowWait wait = { fixture.grid, grid_n_records (fixture.grid) };

      g_assert_cmpuint (++scrolls, <, 20);
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
      hangar_test_wait_until (grid_grew, &wait, "more records after scrolling");
      wait_settled (fixture.grid);
    }
  g_assert_cmpuint (grid_n_records (fixture.grid), ==, 1000);
  g_assert_cmpstr (hangar_record_grid_get_count_text (fixture.grid), ==, "1000 records");
  {
    /* direct_ids() lists the fixture's table: point it at this one. */
    HangarTable *saved_table = fixture.table;
    char *saved_base = fixture.base_id;

    fixture.table = lazy;
    fixture.base_id = lazy_base;
    expected = direct_ids (&fixture, NULL);
    fixture.table = saved_table;
    fixture.base_id = saved_base;
  }
  actual = grid_ids (fixture.grid);
  assert_same_ids (expected, actual);

  fixture_tear_down (&fixture, NULL);
}

/* Icon-only buttons (a GtkImage child, no text): in the toolbar and in the
 * sort and filter editors. Each must have an accessible label. */
static void
assert_icon_buttons_named (GtkWidget *widget,
                           guint     *n_checked)
{
  if (GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (widget) &&
      GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget))))
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("An icon-only %s (%s) has no accessible label", G_OBJECT_TYPE_NAME (widget),
                 gtk_widget_get_tooltip_text (widget));
      (*n_checked)++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    assert_icon_buttons_named (child, n_checked);
}

/* Keyboard access: Tab reaches every toolbar control, icon-only buttons
 * have accessible names, Escape closes the toolbar's popovers. */
static void
test_grid_keyboard (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *toolbar = gtk_widget_get_first_child (GTK_WIDGET (fixture->grid));
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GHashTable) reached = g_hash_table_new (NULL, NULL);
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  guint n_named = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (toolbar); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child))
      g_ptr_array_add (controls, child);
  /* View, Sort, Filter, Fields, search, new record, edit menu, reload, details. */
  g_assert_cmpuint (controls->len, ==, 9);

  /* Tab, as the Tab key moves focus, from the start of the window. */
  gtk_window_set_focus (fixture->window, NULL);
  for (guint i = 0; i < 80 && g_hash_table_size (reached) < controls->len; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD))
        gtk_window_set_focus (fixture->window, NULL);   /* wrapped around */
      focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
      for (guint c = 0; c < controls->len && focus != NULL; c++)
        if (focus == g_ptr_array_index (controls, c) ||
            gtk_widget_is_ancestor (focus, g_ptr_array_index (controls, c)))
          g_hash_table_add (reached, g_ptr_array_index (controls, c));
    }
  for (guint c = 0; c < controls->len; c++)
    if (!g_hash_table_contains (reached, g_ptr_array_index (controls, c)) &&
        gtk_widget_is_sensitive (g_ptr_array_index (controls, c)))   /* (New record: off without an account) */
      g_error ("Tab never reaches the toolbar's %s (%s)",
               G_OBJECT_TYPE_NAME (g_ptr_array_index (controls, c)),
               gtk_widget_get_tooltip_text (g_ptr_array_index (controls, c)));

  /* Accessible names: toolbar, and editor rows with their icon buttons. */
  hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (fixture->grid), "Points", TRUE);
  wait_reload (fixture->grid);
  hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (fixture->grid), "Title", FALSE);
  wait_reload (fixture->grid);
  hangar_filter_editor_add_condition (hangar_record_grid_get_filter_editor (fixture->grid), "Points",
                                      HANGAR_FILTER_GT, "1");
  assert_icon_buttons_named (toolbar, &n_named);
  g_assert_cmpuint (n_named, >=, 2);   /* reload, details */
  assert_icon_buttons_named (GTK_WIDGET (hangar_record_grid_get_sort_editor (fixture->grid)), &n_named);
  assert_icon_buttons_named (GTK_WIDGET (hangar_record_grid_get_filter_editor (fixture->grid)), &n_named);
  g_assert_cmpuint (n_named, >=, 2 + 6 + 1);
  for (guint c = 0; c < controls->len; c++)
    {
      GtkWidget *control = g_ptr_array_index (controls, c);

      /* Menu buttons are named by their visible label; the rest by a label. */
      if (!GTK_IS_MENU_BUTTON (control))
        g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (control), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }

  /* Escape closes each popover: a real key press through the X server. */
  if (xdotool == NULL)
    {
      g_test_message ("xdotool is not installed: Escape not pressed");
      return;
    }
  for (guint c = 0; c < controls->len; c++)
    {
      GtkWidget *control = g_ptr_array_index (controls, c);
      GtkPopover *popover;
      g_autoptr(GError) error = NULL;
      int wait_status = 0;
      const char *argv[] = { xdotool, "key", "Escape", NULL };

      if (!GTK_IS_MENU_BUTTON (control))
        continue;
      popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (control));
      gtk_menu_button_popup (GTK_MENU_BUTTON (control));
      hangar_test_wait_until (hangar_test_gui_widget_mapped, popover, "the popover to open");
      /* On screen, and the X server has seen it, before the key goes there. */
      hangar_test_gui_wait_for_frame (GTK_WIDGET (popover));
      gdk_display_sync (gtk_widget_get_display (GTK_WIDGET (popover)));
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                                   &wait_status, &error));
      g_assert_no_error (error);
      hangar_test_wait_until (hangar_test_gui_widget_hidden, popover, "Escape to close the popover");
      g_test_message ("Escape closed the popover of %s", gtk_widget_get_tooltip_text (control));

      /* The filter popover again, typing in a condition's value entry. */
      if (gtk_menu_button_get_popover (GTK_MENU_BUTTON (control)) ==
          GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (hangar_record_grid_get_filter_editor (fixture->grid)),
                                                GTK_TYPE_POPOVER)))
        {
          GtkWidget *entry = hangar_test_gui_find_widget (GTK_WIDGET (hangar_record_grid_get_filter_editor (fixture->grid)),
                                          GTK_TYPE_ENTRY);

          g_assert_nonnull (entry);
          gtk_menu_button_popup (GTK_MENU_BUTTON (control));
          hangar_test_wait_until (hangar_test_gui_widget_mapped, popover, "the popover to open");
          g_assert_true (gtk_widget_grab_focus (entry));
          hangar_test_gui_wait_for_frame (GTK_WIDGET (popover));
          gdk_display_sync (gtk_widget_get_display (GTK_WIDGET (popover)));
          g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                                       &wait_status, &error));
          hangar_test_wait_until (hangar_test_gui_widget_hidden, popover, "Escape in the value entry to close the popover");
          g_test_message ("Escape in a condition's value entry closed the filter popover");
        }
    }
}

static void
test_grid_empty (void)
{
  HangarRecordGrid *grid = g_object_ref_sink (HANGAR_RECORD_GRID (hangar_record_grid_new ()));

  g_assert_null (hangar_record_grid_get_table (grid));
  g_assert_false (hangar_record_grid_get_loading (grid));
  g_assert_finalize_object (grid);
}

static GtkWidget *
grid_child (Fixture    *fixture,
            const char *name)
{
  GtkWidget *child = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (fixture->grid),
                                                                 HANGAR_TYPE_RECORD_GRID, name);

  g_assert_nonnull (child);
  return child;
}

static gboolean
grid_at_most_360 (gpointer data)
{
  int width = gtk_widget_get_width (GTK_WIDGET (data));

  return width > 0 && width <= 360;
}

static gboolean
grid_at_least_1100 (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) >= 1100;
}

/* @child is shown, mapped, and lies inside the grid's width. */
static void
assert_reachable (Fixture    *fixture,
                  const char *name)
{
  GtkWidget *child = grid_child (fixture, name);
  graphene_rect_t bounds;

  g_test_message ("reachable: %s", name);
  g_assert_true (gtk_widget_get_visible (child));
  g_assert_true (gtk_widget_get_mapped (child));
  g_assert_true (gtk_widget_get_sensitive (child) || g_str_equal (name, "view_dropdown"));
  g_assert_true (gtk_widget_compute_bounds (child, GTK_WIDGET (fixture->grid), &bounds));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.size.width, >, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (fixture->grid)));
}

/* Narrow (360 px): the grid asks for no more than that, the toolbar is
 * icon-only with every control still there, the detail panel is hidden
 * and opens in place of the grid, search is a toggle; wide (1200 px) the
 * labelled toolbar, the entry and the detail panel are back. */
static void
test_grid_narrow (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char * const buttons[] = { "sort_button", "filter_button", "fields_button" };
  static const char * const contents[] = { "sort_content", "filter_content", "fields_content" };
  static const char * const controls[] = {
    "view_dropdown", "sort_button", "filter_button", "fields_button", "search_toggle",
    "reload_button", "detail_button",
  };
  GtkWidget *detail = GTK_WIDGET (hangar_record_grid_get_detail (fixture->grid));
  GtkWidget *entry = grid_child (fixture, "search_entry");
  GtkWidget *content = grid_child (fixture, "content_stack");
  GtkWidget *sort_popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (grid_child (fixture, "sort_button"))));
  guint n_all;
  int min = 0, nat = 0;

  /* Wide, as the fixture opens it. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->grid)), >, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    g_assert_true (gtk_menu_button_get_child (GTK_MENU_BUTTON (grid_child (fixture, buttons[i]))) ==
                   grid_child (fixture, contents[i]));
  g_assert_true (gtk_widget_get_mapped (entry));
  g_assert_false (gtk_widget_get_visible (grid_child (fixture, "search_toggle")));
  g_assert_true (gtk_widget_get_mapped (detail));
  /* The wide layout needs more than a phone's width... */
  gtk_widget_measure (grid_child (fixture, "toolbar"), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_test_message ("wide toolbar: min %d", min);
  g_assert_cmpint (min + gtk_widget_get_width (detail), >, 360);

  /* ...yet the window goes down to 360 px. */
  gtk_window_set_default_size (fixture->window, 360, 800);
  hangar_test_wait_until (grid_at_most_360, fixture->grid, "the grid to be 360 px wide");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  gtk_widget_measure (GTK_WIDGET (fixture->grid), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_test_message ("narrow grid: min %d, nat %d", min, nat);
  g_assert_cmpint (min, <=, 360);
  gtk_widget_measure (GTK_WIDGET (fixture->window), GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (min, <=, 360);

  /* Icon-only buttons, each with a tooltip; everything in reach. */
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkMenuButton *button = GTK_MENU_BUTTON (grid_child (fixture, buttons[i]));

      g_assert_nonnull (gtk_menu_button_get_icon_name (button));
      g_assert_false (gtk_widget_get_parent (grid_child (fixture, contents[i])) == GTK_WIDGET (button));
      g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (button)));
    }
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    assert_reachable (fixture, controls[i]);
  g_assert_nonnull (gtk_widget_get_tooltip_text (grid_child (fixture, "view_dropdown")));
  g_assert_nonnull (gtk_widget_get_tooltip_text (grid_child (fixture, "search_toggle")));
  g_assert_false (gtk_widget_get_visible (entry));
  g_assert_false (gtk_widget_get_visible (detail));
  g_assert_true (gtk_widget_get_mapped (content));

  /* The sort popover still opens. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.show-sort", NULL));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, sort_popover, "the sort popover");
  gtk_popover_popdown (GTK_POPOVER (sort_popover));

  /* The detail panel opens in place of the grid, and closes again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.toggle-detail", NULL));
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  g_assert_true (gtk_widget_get_mapped (detail));
  g_assert_false (gtk_widget_get_visible (content));
  assert_reachable (fixture, "detail");
  assert_reachable (fixture, "detail_button");
  g_assert_nonnull (hangar_record_detail_get_record (HANGAR_RECORD_DETAIL (detail)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.toggle-detail", NULL));
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  g_assert_false (gtk_widget_get_visible (detail));
  g_assert_true (gtk_widget_get_mapped (content));
  /* Enter on a row opens it the same way; Escape goes back to the grid. */
  g_signal_emit_by_name (grid_child (fixture, "column_view"), "activate", 1);
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  g_assert_true (gtk_widget_get_mapped (detail));
  g_assert_false (gtk_widget_get_visible (content));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.close-detail", NULL));
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  g_assert_false (gtk_widget_get_visible (detail));
  g_assert_true (gtk_widget_get_mapped (content));
  /* (Escape's action is off when there is nothing to close.) */
  gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.close-detail", NULL);
  g_assert_false (gtk_widget_get_visible (detail));
  g_assert_true (gtk_widget_get_mapped (content));

  /* Ctrl+F's action: the entry takes the toolbar's place and searches. */
  n_all = g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (fixture->grid)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.focus-search", NULL));
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  assert_reachable (fixture, "search_entry");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (grid_child (fixture, "search_toggle"))));
  g_assert_false (gtk_widget_get_visible (grid_child (fixture, "sort_button")));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Crash");
  wait_reload (fixture->grid);   /* after the entry's debounce */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (fixture->grid))), <, n_all);
  /* Escape gives the toolbar back; the search stays applied. */
  g_signal_emit_by_name (entry, "stop-search");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  g_assert_false (gtk_widget_get_visible (entry));
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    assert_reachable (fixture, controls[i]);

  /* Wide again. */
  gtk_window_set_default_size (fixture->window, 1200, 800);
  hangar_test_wait_until (grid_at_least_1100, fixture->grid, "the grid to be 1200 px wide");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (fixture->grid));
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    g_assert_true (gtk_menu_button_get_child (GTK_MENU_BUTTON (grid_child (fixture, buttons[i]))) ==
                   grid_child (fixture, contents[i]));
  g_assert_true (gtk_widget_get_mapped (entry));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Crash");
  g_assert_false (gtk_widget_get_visible (grid_child (fixture, "search_toggle")));
  g_assert_true (gtk_widget_get_mapped (detail));
  g_assert_true (gtk_widget_get_mapped (content));
  assert_reachable (fixture, "detail");
  /* Wide, Escape does not close the panel beside the grid. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->grid), "grid.close-detail", NULL);
  g_assert_true (gtk_widget_get_visible (detail));
}

int
main (int   argc,
      char *argv[])
{

  hangar_test_isolate_home ();
  g_setenv ("TZ", "UTC", TRUE);
  hangar_test_gui_init (&argc, &argv);

  g_test_add_func ("/hangar/gui/grid/empty", test_grid_empty);
  g_test_add ("/hangar/gui/grid/shows-table", Fixture, NULL, fixture_set_up, test_grid_shows_table, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/links", Fixture, NULL, fixture_set_up, test_grid_links_show_names, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/sort", Fixture, NULL, fixture_set_up, test_grid_sort, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/filter", Fixture, NULL, fixture_set_up, test_grid_filter, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/search", Fixture, NULL, fixture_set_up, test_grid_search, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/view", Fixture, NULL, fixture_set_up, test_grid_view, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/field-visibility", Fixture, NULL, fixture_set_up, test_grid_field_visibility, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/detail", Fixture, NULL, fixture_set_up, test_grid_detail, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/detail-hidden", Fixture, NULL, fixture_set_up, test_grid_detail_hidden, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/replace-record", Fixture, NULL, fixture_set_up, test_grid_replace_record, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/load-failed-retry", Fixture, NULL, fixture_set_up, test_grid_load_failed_retry, fixture_tear_down);
  g_test_add_func ("/hangar/gui/grid/dispose-while-loading", test_grid_dispose_while_loading);
  g_test_add_func ("/hangar/gui/grid/rate-limit-banner", test_grid_rate_limit_banner);
  g_test_add_func ("/hangar/gui/grid/lazy-paging", test_grid_lazy_paging);
  g_test_add ("/hangar/gui/grid/narrow", Fixture, NULL, fixture_set_up, test_grid_narrow, fixture_tear_down);
  g_test_add ("/hangar/gui/grid/keyboard", Fixture, NULL, fixture_set_up, test_grid_keyboard, fixture_tear_down);

  return g_test_run ();
}
