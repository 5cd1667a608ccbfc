/* test-views.c — the grid remembers itself across an app restart (view,
 * sort, filter, search, hidden fields, column order and widths, the last
 * table), follows fields by id when the schema changed between two runs or
 * while it is shown, and says what changed once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-record-grid-private.h"
#include "hangar-schema-watch.h"
#include "hangar-sidebar-private.h"
#include "hangar-sidebar-reveal.h"
#include "hangar-test-gui.h"
#include "hangar-view-state.h"
#include "hangar-window-private.h"

typedef struct
{
  HangarTestSandbox  *sandbox;
  HangarAccountStore *store;
  char               *store_path;
  char               *account_id;
  HangarWindow       *window;
  char               *base_id;
  char               *tasks_id;
} Fixture;

static HangarAccount *
account_of (Fixture *f)
{
  HangarAccount *account = hangar_account_store_lookup_by_id (f->store, f->account_id);

  g_assert_nonnull (account);
  return account;
}

static void
open_window (Fixture *f)
{
  f->window = g_object_ref_sink (hangar_window_new (NULL, f->store));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, f->window, "the window to map");
}

static void
close_window (Fixture *f)
{
  GtkWindow *weak_window = GTK_WINDOW (f->window);

  g_object_add_weak_pointer (G_OBJECT (weak_window), (gpointer *) &weak_window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_window, "the window to be finalized");
}

/* Quit and start again: the window and the account list go, new ones are
 * made from the same files. */
static void
restart (Fixture *f)
{
  HangarAccountStore *weak_store;
  g_autoptr(GError) error = NULL;

  close_window (f);
  g_assert_true (hangar_account_store_flush (f->store, &error));
  weak_store = f->store;
  g_object_add_weak_pointer (G_OBJECT (weak_store), (gpointer *) &weak_store);
  g_clear_object (&f->store);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_store, "the account list to be finalized");

  f->store = hangar_account_store_new_for_path (f->store_path, &error);
  g_assert_no_error (error);
  open_window (f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) tables = NULL;
  HangarAccount *account;

  hangar_test_isolate_home ();
  hangar_test_use_file_keyring (NULL);
  f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  f->base_id = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, "Product Roadmap");
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", f->base_id);
  tables = hangar_test_sandbox_get (f->sandbox, path);
  {
    JsonArray *array = json_object_get_array_member (json_node_get_object (tables), "tables");

    for (guint i = 0; i < json_array_get_length (array); i++)
      if (g_str_equal (json_object_get_string_member (json_array_get_object_element (array, i), "name"), "Tasks"))
        f->tasks_id = g_strdup (json_object_get_string_member (json_array_get_object_element (array, i), "id"));
  }

  f->store_path = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "hangar", "accounts.json", NULL);
  f->store = hangar_account_store_new_for_path (f->store_path, &error);
  g_assert_no_error (error);
  hangar_account_store_connect_pat_async (f->store, "Sandbox", f->sandbox->url, f->sandbox->pat, NULL,
                                          hangar_test_result_cb, &result);
  account = hangar_account_store_connect_pat_finish (f->store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  f->account_id = g_strdup (hangar_account_get_id (account));
  open_window (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_window (f);
  hangar_account_store_flush (f->store, NULL);
  g_clear_object (&f->store);
  g_free (f->store_path);
  g_free (f->account_id);
  g_free (f->base_id);
  g_free (f->tasks_id);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
}

/* ---- helpers ---- */

static HangarRecordGrid *
grid_of (Fixture *f)
{
  return HANGAR_RECORD_GRID (hangar_window_get_record_grid (f->window));
}

static gboolean
grid_shows_tasks (gpointer data)
{
  Fixture *f = data;
  GtkWidget *grid = hangar_window_get_record_grid (f->window);
  HangarTable *table = grid != NULL ? hangar_record_grid_get_table (HANGAR_RECORD_GRID (grid)) : NULL;

  return table != NULL && g_strcmp0 (hangar_table_get_id (table), f->tasks_id) == 0 &&
         g_strcmp0 (hangar_window_get_content_page (f->window), "grid") == 0 &&
         !hangar_record_grid_get_loading (HANGAR_RECORD_GRID (grid));
}

static void
wait_tasks (Fixture *f)
{
  hangar_test_wait_until (grid_shows_tasks, f, "the grid to show Tasks");
}

typedef struct
{
  HangarRecordGrid *grid;
  gboolean          started;
} ReloadWait;

static void
loading_cb (GObject    *grid,
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

/* Runs @change (which starts a load) and waits for that load to end. */
#define RELOAD(grid, change) \
  G_STMT_START { \
    ReloadWait _w = { (grid), FALSE }; \
    gulong _h = g_signal_connect ((grid), "notify::loading", G_CALLBACK (loading_cb), &_w); \
    change; \
    hangar_test_wait_until (reload_done, &_w, "the grid to load again"); \
    g_signal_handler_disconnect ((grid), _h); \
  } G_STMT_END

static GtkColumnViewColumn *
column_named (HangarRecordGrid *grid,
              const char       *name,
              guint            *out_position)
{
  GListModel *columns = gtk_column_view_get_columns (hangar_record_grid_get_column_view (grid));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), name) == 0)
        {
          if (out_position != NULL)
            *out_position = i;
          return column;
        }
    }
  return NULL;
}

static HangarTable *
tasks_table (Fixture *f)
{
  return hangar_record_grid_get_table (grid_of (f));
}

static const char *
tasks_field_id (Fixture    *f,
                const char *name)
{
  HangarField *field = hangar_table_lookup_field (tasks_table (f), name);

  g_assert_nonnull (field);
  return hangar_field_get_id (field);
}

/* A change through the meta API, as another app (or Airtable's UI) would. */
static void
patch_field (Fixture    *f,
             const char *field_id,
             const char *body)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields/%s", f->base_id, f->tasks_id, field_id);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = hangar_test_sandbox_request (f->sandbox, "PATCH", path, f->sandbox->pat, body, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
add_field (Fixture    *f,
           const char *body)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables/%s/fields", f->base_id, f->tasks_id);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  reply = hangar_test_sandbox_request (f->sandbox, "POST", path, f->sandbox->pat, body, &status);
  g_assert_cmpuint (status, ==, 200);
}

static gboolean
banner_shown (gpointer data)
{
  return hangar_drift_banner_get_revealed (HANGAR_DRIFT_BANNER (data));
}

/* ---- tests ---- */

/* Everything the user set on a table comes back after a restart, and the
 * table itself is opened again. */
static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  HangarRecordGrid *grid;
  HangarView *view;
  g_autofree char *view_id = NULL;
  guint position = 0;
  g_autoptr(HangarTestSecrets) secrets = hangar_test_secrets_new ();

  hangar_sidebar_reveal_table (hangar_window_get_sidebar (f->window), account_of (f), f->base_id, f->tasks_id);
  wait_tasks (f);
  grid = grid_of (f);
  /* Nothing changed since nothing was shown before. */
  g_assert_false (hangar_drift_banner_get_revealed (hangar_record_grid_get_drift_banner (grid)));

  view = g_ptr_array_index (hangar_table_get_views (tasks_table (f)), 0);
  view_id = g_strdup (hangar_view_get_id (view));
  RELOAD (grid, hangar_record_grid_set_view (grid, view_id));
  RELOAD (grid, hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (grid), "Points", TRUE));
  hangar_filter_editor_add_condition (hangar_record_grid_get_filter_editor (grid), "Title", HANGAR_FILTER_CONTAINS, "a");
  RELOAD (grid, hangar_filter_editor_apply (hangar_record_grid_get_filter_editor (grid)));
  RELOAD (grid, hangar_record_grid_set_search (grid, "e"));
  hangar_record_grid_set_field_visible (grid, "Labels", FALSE);
  gtk_column_view_column_set_fixed_width (column_named (grid, "Title", NULL), 333);
  /* As dragging a header does: Points moves to the second place. */
  gtk_column_view_insert_column (hangar_record_grid_get_column_view (grid), 1, column_named (grid, "Points", NULL));

  restart (f);
  /* The last table opens by itself. */
  wait_tasks (f);
  grid = grid_of (f);
  {
    gboolean descending = FALSE;

    g_assert_cmpuint (hangar_sort_editor_get_n_sorts (hangar_record_grid_get_sort_editor (grid)), ==, 1);
    g_assert_cmpstr (hangar_sort_editor_get_sort (hangar_record_grid_get_sort_editor (grid), 0, &descending), ==, "Points");
    g_assert_true (descending);
  }
  {
    HangarFilterEditor *filter = hangar_record_grid_get_filter_editor (grid);
    HangarFilterOp op = 0;
    const char *value = NULL;

    g_assert_cmpuint (hangar_filter_editor_get_n_conditions (filter), ==, 1);
    g_assert_cmpstr (hangar_filter_editor_get_condition (filter, 0, &op, &value), ==, "Title");
    g_assert_cmpint (op, ==, HANGAR_FILTER_CONTAINS);
    g_assert_cmpstr (value, ==, "a");
  }
  g_assert_cmpstr (grid->search_text, ==, "e");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (grid->search_entry)), ==, "e");
  g_assert_cmpstr (grid->view_id, ==, view_id);
  g_assert_nonnull (grid->filter_formula);
  g_assert_false (gtk_column_view_column_get_visible (column_named (grid, "Labels", NULL)));
  g_assert_cmpint (gtk_column_view_column_get_fixed_width (column_named (grid, "Title", NULL)), ==, 333);
  column_named (grid, "Points", &position);
  g_assert_cmpuint (position, ==, 1);
  /* The listing asked for all of it: the grid loaded without error. */
  {
    g_autofree char *error = NULL;

    g_object_get (grid, "error-message", &error, NULL);
    g_assert_null (error);
  }
  g_assert_false (hangar_drift_banner_get_revealed (hangar_record_grid_get_drift_banner (grid)));

  /* No token anywhere in what was kept. */
  hangar_test_secrets_add (secrets, f->sandbox->pat);
  hangar_test_secrets_assert_not_in_xdg_dirs (secrets);
}

/* Between two runs a field is renamed and one added: the sort and the
 * hidden field follow the renamed one by id, and the banner says so, once. */
static void
test_drift_between_runs (Fixture       *f,
                         gconstpointer  data)
{
  HangarRecordGrid *grid;
  g_autofree char *points_id = NULL;
  const char *text;

  hangar_sidebar_reveal_table (hangar_window_get_sidebar (f->window), account_of (f), f->base_id, f->tasks_id);
  wait_tasks (f);
  grid = grid_of (f);
  points_id = g_strdup (tasks_field_id (f, "Points"));
  RELOAD (grid, hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (grid), "Points", TRUE));
  hangar_record_grid_set_field_visible (grid, "Points", FALSE);
  close_window (f);

  patch_field (f, points_id, "{\"name\":\"Score\"}");
  add_field (f, "{\"name\":\"Reviewer\",\"type\":\"singleLineText\"}");

  open_window (f);
  wait_tasks (f);
  grid = grid_of (f);
  hangar_test_wait_until (banner_shown, hangar_record_grid_get_drift_banner (grid), "the drift banner");
  text = hangar_drift_banner_get_text (hangar_record_grid_get_drift_banner (grid));
  g_assert_nonnull (strstr (text, "“Tasks” changed since you last saw it"));
  g_assert_nonnull (strstr (text, "“Points” was renamed to “Score”"));
  g_assert_nonnull (strstr (text, "“Reviewer” was added"));
  {
    gboolean descending = FALSE;

    g_assert_cmpstr (hangar_sort_editor_get_sort (hangar_record_grid_get_sort_editor (grid), 0, &descending), ==, "Score");
    g_assert_true (descending);
  }
  g_assert_false (gtk_column_view_column_get_visible (column_named (grid, "Score", NULL)));
  g_assert_true (gtk_column_view_column_get_visible (column_named (grid, "Reviewer", NULL)));

  /* Told once: the next run has nothing to say. */
  restart (f);
  wait_tasks (f);
  g_assert_false (hangar_drift_banner_get_revealed (hangar_record_grid_get_drift_banner (grid_of (f))));
}

typedef struct
{
  Fixture    *f;
  const char *column;
} ColumnWait;

static gboolean
column_shown (gpointer data)
{
  ColumnWait *w = data;
  GtkWidget *grid = hangar_window_get_record_grid (w->f->window);

  return grid != NULL && column_named (HANGAR_RECORD_GRID (grid), w->column, NULL) != NULL &&
         !hangar_record_grid_get_loading (HANGAR_RECORD_GRID (grid));
}

/* While the table is shown, "the schema of this base changed" (what a
 * webhook payload says): the grid takes the new schema, keeps its filter
 * on the renamed field, and says what changed. */
static void
test_drift_live (Fixture       *f,
                 gconstpointer  data)
{
  HangarRecordGrid *grid;
  g_autofree char *title_id = NULL;
  g_autofree char *formula_before = NULL;

  hangar_sidebar_reveal_table (hangar_window_get_sidebar (f->window), account_of (f), f->base_id, f->tasks_id);
  wait_tasks (f);
  grid = grid_of (f);
  title_id = g_strdup (tasks_field_id (f, "Title"));
  hangar_filter_editor_set_raw_formula (hangar_record_grid_get_filter_editor (grid), "FIND('a', {Title})");
  RELOAD (grid, hangar_filter_editor_apply (hangar_record_grid_get_filter_editor (grid)));
  formula_before = g_strdup (grid->filter_formula);

  patch_field (f, title_id, "{\"name\":\"Headline\"}");
  hangar_schema_watch_notify_base_changed (hangar_schema_watch_get_default (), f->account_id, f->base_id, f->tasks_id);
  {
    ColumnWait w = { f, "Headline" };

    hangar_test_wait_until (column_shown, &w, "the grid to show the renamed column");
  }
  grid = grid_of (f);
  hangar_test_wait_until (banner_shown, hangar_record_grid_get_drift_banner (grid), "the drift banner");
  g_assert_nonnull (strstr (hangar_drift_banner_get_text (hangar_record_grid_get_drift_banner (grid)),
                            "“Title” was renamed to “Headline”"));
  /* The raw filter follows the field: its text names it anew. */
  g_assert_cmpstr (formula_before, ==, "FIND('a', {Title})");
  g_assert_cmpstr (grid->filter_formula, ==, "FIND('a', {Headline})");
  {
    g_autofree char *error = NULL;

    g_object_get (grid, "error-message", &error, NULL);
    g_assert_null (error);
  }
  /* The sidebar's row is the same table, now with the new schema. */
  {
    GObject *item = hangar_sidebar_get_selected_item (hangar_window_get_sidebar (f->window));

    g_assert_true (HANGAR_IS_SIDEBAR_NODE (item));
    g_assert_nonnull (hangar_table_lookup_field (hangar_sidebar_node_get_table (HANGAR_SIDEBAR_NODE (item)), "Headline"));
  }

  /* Dismissed by the user. */
  hangar_drift_banner_dismiss (hangar_record_grid_get_drift_banner (grid));
  g_assert_false (hangar_drift_banner_get_revealed (hangar_record_grid_get_drift_banner (grid)));
}

static void
schema_control (Fixture    *f,
                const char *action,
                const char *field_id,
                const char *extra)
{
  g_autofree char *body = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"%s\",\"action\":\"%s\",\"field\":\"%s\"%s}",
                                           f->base_id, f->tasks_id, action, field_id, extra != NULL ? extra : "");

  hangar_test_sandbox_control (f->sandbox, "/__sandbox/schema", body);
}

/* Between two runs a field is deleted (in Airtable's UI; the sandbox's
 * control API stands in) and another retyped: the sort and the filter
 * condition on the deleted one are dropped with a message naming it, the
 * one on the retyped field stays; the banner lists both changes. */
static void
test_drift_delete_retype (Fixture       *f,
                          gconstpointer  data)
{
  HangarRecordGrid *grid;
  g_autofree char *due_id = NULL;
  g_autofree char *estimate_id = NULL;
  const char *text;

  hangar_sidebar_reveal_table (hangar_window_get_sidebar (f->window), account_of (f), f->base_id, f->tasks_id);
  wait_tasks (f);
  grid = grid_of (f);
  due_id = g_strdup (tasks_field_id (f, "Due"));
  estimate_id = g_strdup (tasks_field_id (f, "Estimate"));
  RELOAD (grid, hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (grid), "Due", FALSE));
  RELOAD (grid, hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (grid), "Estimate", TRUE));
  hangar_filter_editor_add_condition (hangar_record_grid_get_filter_editor (grid), "Due", HANGAR_FILTER_IS_NOT_EMPTY, NULL);
  RELOAD (grid, hangar_filter_editor_apply (hangar_record_grid_get_filter_editor (grid)));
  gtk_column_view_column_set_fixed_width (column_named (grid, "Due", NULL), 222);
  close_window (f);

  schema_control (f, "delete-field", due_id, NULL);
  schema_control (f, "retype-field", estimate_id, ",\"type\":\"number\",\"options\":{\"precision\":2}");

  open_window (f);
  wait_tasks (f);
  grid = grid_of (f);
  hangar_test_wait_until (banner_shown, hangar_record_grid_get_drift_banner (grid), "the drift banner");
  text = hangar_drift_banner_get_text (hangar_record_grid_get_drift_banner (grid));
  g_assert_nonnull (strstr (text, "“Due” was removed"));
  g_assert_nonnull (strstr (text, "“Estimate” changed from Duration to Number"));
  g_assert_nonnull (strstr (text, "The sort on “Due” was removed: the field is gone."));
  g_assert_nonnull (strstr (text, "A filter condition on “Due” was removed: the field is gone."));
  /* What is left applies, and loads. */
  {
    gboolean descending = FALSE;
    g_autofree char *error = NULL;

    g_assert_cmpuint (hangar_sort_editor_get_n_sorts (hangar_record_grid_get_sort_editor (grid)), ==, 1);
    g_assert_cmpstr (hangar_sort_editor_get_sort (hangar_record_grid_get_sort_editor (grid), 0, &descending), ==, "Estimate");
    g_assert_true (descending);
    g_assert_cmpuint (hangar_filter_editor_get_n_conditions (hangar_record_grid_get_filter_editor (grid)), ==, 0);
    g_assert_null (grid->filter_formula);
    g_assert_null (column_named (grid, "Due", NULL));
    g_object_get (grid, "error-message", &error, NULL);
    g_assert_null (error);
  }

  /* The dropped settings stay dropped; nothing more to tell. */
  restart (f);
  wait_tasks (f);
  grid = grid_of (f);
  g_assert_false (hangar_drift_banner_get_revealed (hangar_record_grid_get_drift_banner (grid)));
  g_assert_cmpuint (hangar_sort_editor_get_n_sorts (hangar_record_grid_get_sort_editor (grid)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);

  g_test_add ("/hangar/gui/views/restart", Fixture, NULL, fixture_setup, test_restart, fixture_teardown);
  g_test_add ("/hangar/gui/views/drift-between-runs", Fixture, NULL, fixture_setup, test_drift_between_runs, fixture_teardown);
  g_test_add ("/hangar/gui/views/drift-live", Fixture, NULL, fixture_setup, test_drift_live, fixture_teardown);
  g_test_add ("/hangar/gui/views/drift-delete-retype", Fixture, NULL, fixture_setup, test_drift_delete_retype,
              fixture_teardown);

  return g_test_run ();
}
