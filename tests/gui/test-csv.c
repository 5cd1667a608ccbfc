/* test-csv.c — comments in the record panel, exporting the grid's view and
 * importing a CSV file from the window, against a real hangar-sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hangar-account-store.h"
#include "hangar-client.h"
#include "hangar-comments-panel.h"
#include "hangar-export-dialog.h"
#include "hangar-filter-editor.h"
#include "hangar-import-dialog.h"
#include "hangar-record-detail.h"
#include "hangar-record-grid-private.h"
#include "hangar-sort-editor.h"
#include "hangar-test-gui.h"

typedef struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  char              *base_id;
  GPtrArray         *tables;
  GtkWindow         *window;
  HangarRecordGrid  *grid;
  char              *dir;
} Fixture;

/* ---- helpers ---- */

static gboolean
grid_idle (gpointer data)
{
  return !hangar_record_grid_get_loading (data);
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

/* Waits for a load the caller starts next (or has just started). */
static void
wait_reload (HangarRecordGrid *grid)
{
  ReloadWait wait = { grid, hangar_record_grid_get_loading (grid) };
  gulong handler = g_signal_connect (grid, "notify::loading", G_CALLBACK (loading_cb), &wait);

  hangar_test_wait_until (reload_done, &wait, "the grid to load");
  g_signal_handler_disconnect (grid, handler);
}

static HangarTable *
table_named (Fixture    *fixture,
             const char *name)
{
  return hangar_table_list_lookup (fixture->tables, name);
}

static void
show (Fixture    *fixture,
      const char *table)
{
  hangar_record_grid_show_table_with_client (fixture->grid, fixture->client, fixture->base_id,
                                             table_named (fixture, table));
  wait_reload (fixture->grid);
}

static guint
count_records (Fixture    *fixture,
               const char *table)
{
  g_autoptr(GPtrArray) ids = hangar_test_sandbox_list_ids (fixture->sandbox, fixture->base_id, table, NULL);

  return ids->len;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *data)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, data, -1, &error);
  g_assert_no_error (error);
  return path;
}

typedef struct
{
  GtkWidget  *root;
  const char *needle;
} LabelWait;

static gboolean
label_contains (gpointer data)
{
  LabelWait *wait = data;

  return hangar_test_gui_find_label (wait->root, wait->needle) != NULL;
}

/* ---- fixture ---- */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) tables_node = NULL;
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "-q", NULL);
  fixture->base_id = hangar_test_sandbox_base_id (fixture->sandbox, fixture->sandbox->pat, "Product Roadmap");
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", fixture->base_id);
  tables_node = hangar_test_sandbox_get (fixture->sandbox, path);
  fixture->tables = hangar_table_list_from_json (tables_node, &error);
  g_assert_no_error (error);

  source = hangar_static_token_source_new (fixture->sandbox->pat);
  fixture->client = hangar_client_new (fixture->sandbox->url, source);
  fixture->dir = g_dir_make_tmp ("hangar-gui-csv-XXXXXX", NULL);

  fixture->grid = g_object_ref_sink (HANGAR_RECORD_GRID (hangar_record_grid_new ()));
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1280, 800);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->grid));
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  HangarRecordGrid *weak_grid = fixture->grid;
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  gtk_window_destroy (fixture->window);
  g_object_add_weak_pointer (G_OBJECT (weak_grid), (gpointer *) &weak_grid);
  g_clear_object (&fixture->grid);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_grid, "the grid to be finalized");
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->tables, g_ptr_array_unref);
  g_clear_pointer (&fixture->base_id, g_free);
  hangar_test_sandbox_stop (fixture->sandbox);
}

/* ---- comments ---- */

typedef struct
{
  HangarCommentsPanel *panel;
  guint                n;
} CommentsWait;

static gboolean
comments_shown (gpointer data)
{
  CommentsWait *wait = data;

  return !hangar_comments_panel_get_loading (wait->panel) &&
         hangar_comments_panel_get_n_comments (wait->panel) == wait->n;
}

static void
wait_comments (HangarCommentsPanel *panel,
               guint                n)
{
  CommentsWait wait = { panel, n };

  hangar_test_wait_until (comments_shown, &wait, "the comments to show");
}

static gboolean
panel_knows_you (gpointer data)
{
  HangarCommentsPanel *panel = data;

  return hangar_comments_panel_get_n_comments (panel) > 0 &&
         hangar_comments_panel_is_own (panel, hangar_comments_panel_get_n_comments (panel) - 1);
}

static guint
server_comments (Fixture    *fixture,
                 const char *record_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/Projects/%s/comments", fixture->base_id, record_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (fixture->sandbox, path);

  return json_array_get_length (json_object_get_array_member (json_node_get_object (node), "comments"));
}

typedef struct
{
  HangarCommentsPanel *panel;
  guint                index;
  const char          *text;
} TextWait;

static gboolean
text_shown (gpointer data)
{
  TextWait *wait = data;

  return !hangar_comments_panel_get_loading (wait->panel) &&
         hangar_comments_panel_get_n_comments (wait->panel) > wait->index &&
         g_strcmp0 (hangar_comments_panel_get_text (wait->panel, wait->index), wait->text) == 0;
}

static void
test_comments (Fixture       *fixture,
               gconstpointer  data)
{
  HangarRecordDetail *detail = hangar_record_grid_get_detail (fixture->grid);
  HangarCommentsPanel *panel = hangar_record_detail_get_comments (detail);
  GtkSelectionModel *selection;
  g_autoptr(HangarRecord) first = NULL;
  HangarRecord *second;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;

  show (fixture, "Projects");
  selection = GTK_SELECTION_MODEL (hangar_record_grid_get_model (fixture->grid));
  gtk_selection_model_select_item (selection, 0, TRUE);
  first = g_list_model_get_item (G_LIST_MODEL (selection), 0);
  first_id = g_strdup (hangar_record_get_id (first));

  /* The demo record's two comments, newest last, the mention as a name. */
  wait_comments (panel, 2);
  g_assert_cmpstr (hangar_comments_panel_get_text (panel, 0), ==,
                   "@Dana Demo the crash on login is fixed in today's build.");
  g_assert_cmpstr (hangar_comments_panel_get_text (panel, 1), ==, "Beta build is on track for next week.");
  hangar_test_gui_wait_for_text (GTK_WIDGET (panel), "Beta build is on track for next week.");
  hangar_test_gui_wait_for_text (GTK_WIDGET (panel), "Priya Patel");
  /* Yours can be changed, a colleague's not (who you are: whoami). */
  hangar_test_wait_until (panel_knows_you, panel, "the panel to know the user");
  g_assert_false (hangar_comments_panel_is_own (panel, 0));
  g_assert_true (hangar_comments_panel_is_own (panel, 1));

  /* Add, edit, delete: on the server, and shown. */
  hangar_comments_panel_add (panel, "Added from the record panel");
  {
    TextWait wait = { panel, 2, "Added from the record panel" };

    hangar_test_wait_until (text_shown, &wait, "the new comment");
  }
  g_assert_cmpuint (server_comments (fixture, first_id), ==, 3);
  hangar_comments_panel_edit (panel, 2, "Changed in the record panel");
  {
    TextWait wait = { panel, 2, "Changed in the record panel" };

    hangar_test_wait_until (text_shown, &wait, "the changed comment");
  }
  hangar_test_gui_wait_for_text (GTK_WIDGET (panel), "(edited)");
  hangar_comments_panel_delete (panel, 2);
  wait_comments (panel, 2);
  g_assert_cmpuint (server_comments (fixture, first_id), ==, 2);

  /* Paged: 25 comments show 20, then the older 5 above them. */
  second = g_list_model_get_item (G_LIST_MODEL (selection), 1);
  second_id = g_strdup (hangar_record_get_id (second));
  g_object_unref (second);
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *path = g_strdup_printf ("/v0/%s/Projects/%s/comments", fixture->base_id, second_id);
      g_autofree char *body = g_strdup_printf ("{\"text\":\"Note %02u\"}", i);
      guint status = 0;
      g_autoptr(JsonNode) reply = hangar_test_sandbox_request (fixture->sandbox, "POST", path,
                                                               fixture->sandbox->pat, body, &status);

      g_assert_cmpuint (status, ==, 200);
    }
  gtk_selection_model_select_item (selection, 1, TRUE);
  wait_comments (panel, 20);
  g_assert_true (hangar_comments_panel_has_older (panel));
  g_assert_cmpstr (hangar_comments_panel_get_text (panel, 0), ==, "Note 05");
  g_assert_cmpstr (hangar_comments_panel_get_text (panel, 19), ==, "Note 24");
  hangar_comments_panel_load_older (panel);
  wait_comments (panel, 25);
  g_assert_false (hangar_comments_panel_has_older (panel));
  g_assert_cmpstr (hangar_comments_panel_get_text (panel, 0), ==, "Note 00");
  g_assert_cmpstr (hangar_comments_panel_get_text (panel, 24), ==, "Note 24");
}

/* A token without the comment scopes: the panel says which scope, and
 * offers to reconnect. */
static gboolean
panel_has_message (gpointer data)
{
  return hangar_comments_panel_get_message (data) != NULL;
}

static void
account_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HangarAccount **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = hangar_account_store_connect_pat_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  g_assert_no_error (error);
}

static void
test_comments_scope (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) pat = hangar_test_sandbox_control_json (fixture->sandbox, "/__sandbox/pats",
    "{\"scopes\":[\"data.records:read\",\"schema.bases:read\"]}");
  const char *token = json_object_get_string_member (json_node_get_object (pat), "token");
  g_autofree char *store_path = g_build_filename (fixture->dir, "accounts.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarAccountStore) store = hangar_account_store_new_for_path (store_path, &error);
  HangarAccount *account = NULL;   /* the store's */
  HangarCommentsPanel *panel = hangar_record_detail_get_comments (hangar_record_grid_get_detail (fixture->grid));
  GtkSelectionModel *selection;

  g_assert_no_error (error);
  hangar_account_store_connect_pat_async (store, "Reader", fixture->sandbox->url, token, NULL, account_cb, &account);
  hangar_test_wait_until (hangar_test_pointer_is_set, &account, "the account to connect");

  hangar_record_grid_show_table (fixture->grid, account, fixture->base_id, table_named (fixture, "Projects"));
  wait_reload (fixture->grid);
  selection = GTK_SELECTION_MODEL (hangar_record_grid_get_model (fixture->grid));
  gtk_selection_model_select_item (selection, 0, TRUE);
  hangar_test_wait_until (panel_has_message, panel, "the panel to explain");
  g_assert_nonnull (strstr (hangar_comments_panel_get_message (panel), "data.recordComments:read"));
  g_assert_cmpuint (hangar_comments_panel_get_n_comments (panel), ==, 0);
  hangar_test_gui_wait_for_text (GTK_WIDGET (panel), "Reconnect…");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (hangar_test_gui_find_label (GTK_WIDGET (panel), "Reconnect"))));

  /* The grid's comment counts come with the records when asked for. */
  hangar_record_grid_set_show_comment_count (fixture->grid, TRUE);
  wait_reload (fixture->grid);
  {
    g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (selection), 0);

    g_assert_true (hangar_record_has_comment_count (record));
    g_assert_cmpint (hangar_record_get_comment_count (record), ==, 2);
  }
  hangar_test_gui_wait_for_text (GTK_WIDGET (fixture->grid), "2");
}

/* ---- export ---- */

static gboolean
dialog_finished (gpointer data)
{
  return hangar_export_dialog_get_finished (data);
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "tasks.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) ids = NULL;
  GtkColumnView *view = hangar_record_grid_get_column_view (fixture->grid);
  HangarExportDialog *dialog;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n;

  show (fixture, "Tasks");
  /* What the grid shows: filtered on Points > 3, sorted by Points
   * (descending), "Due" hidden, and "Points" moved to the front. */
  hangar_filter_editor_add_condition (hangar_record_grid_get_filter_editor (fixture->grid), "Points",
                                      HANGAR_FILTER_GT, "3");
  hangar_filter_editor_apply (hangar_record_grid_get_filter_editor (fixture->grid));
  wait_reload (fixture->grid);
  hangar_sort_editor_add_sort (hangar_record_grid_get_sort_editor (fixture->grid), "Points", TRUE);
  wait_reload (fixture->grid);
  hangar_record_grid_set_field_visible (fixture->grid, "Due", FALSE);
  {
    GListModel *columns = gtk_column_view_get_columns (view);

    for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

        if (g_strcmp0 (gtk_column_view_column_get_title (column), "Points") == 0)
          {
            gtk_column_view_remove_column (view, column);
            gtk_column_view_insert_column (view, 0, column);
            break;
          }
      }
  }

  dialog = HANGAR_EXPORT_DIALOG (hangar_record_grid_export_csv (fixture->grid, file));
  g_assert_nonnull (dialog);
  hangar_test_wait_until (dialog_finished, dialog, "the export to finish");
  g_assert_null (hangar_export_dialog_get_error (dialog));
  /* Every record the filter lets through (not only the loaded ones), in
   * the grid's order. */
  ids = hangar_test_sandbox_list_ids (fixture->sandbox, fixture->base_id, "Tasks",
                                      "filterByFormula=%7BPoints%7D%3E3"
                                      "&sort%5B0%5D%5Bfield%5D=Points&sort%5B0%5D%5Bdirection%5D=desc");
  g_assert_cmpuint (ids->len, >, 0);
  g_assert_cmpuint (ids->len, <, count_records (fixture, "Tasks"));
  {
    g_autofree char *done = g_strdup_printf ("Exported %u records", ids->len);

    hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), done);
  }

  contents = read_file (path);
  /* For spreadsheets: a byte order mark and CRLF. */
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF"));
  lines = g_strsplit (contents + 3, "\r\n", -1);
  g_assert_null (strstr (lines[0], "Due"));
  g_assert_true (g_str_has_prefix (lines[0], "Points,Title,Project,Assignee,Done,"));
  /* Linked records by name. */
  n = g_strv_length (lines);
  g_assert_cmpuint (n, ==, ids->len + 2);   /* the header, then "" after the last CRLF */
  g_assert_cmpstr (lines[n - 1], ==, "");
  /* Each row passes the filter, in the sort's order. */
  for (guint i = 1; i + 1 < n; i++)
    {
      guint64 points = g_ascii_strtoull (lines[i], NULL, 10);

      g_assert_cmpuint (points, >, 3);
      g_assert_cmpuint (points, <=, g_ascii_strtoull (lines[i - 1 > 0 ? i - 1 : 1], NULL, 10));
    }
  g_assert_true (g_str_has_prefix (lines[1], "13,Migrate warehouse,Data platform,\"Sam Okafor,Priya Patel\",,24:00,chore,"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Cancelled at once: no file is left behind. */
  {
    g_autofree char *other = g_build_filename (fixture->dir, "cancelled.csv", NULL);
    g_autoptr(GFile) other_file = g_file_new_for_path (other);

    hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", "{\"count\":3,\"delay_ms\":2000}");
    dialog = HANGAR_EXPORT_DIALOG (hangar_record_grid_export_csv (fixture->grid, other_file));
    hangar_export_dialog_cancel (dialog);
    hangar_test_wait_until (dialog_finished, dialog, "the export to stop");
    g_assert_error (hangar_export_dialog_get_error (dialog), G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
    hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "No file was written.");
    gtk_window_destroy (GTK_WINDOW (dialog));
    hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/clear-faults", NULL);
  }
}

/* ---- import ---- */

typedef struct
{
  HangarImportDialog *dialog;
  const char         *page;
} PageWait;

static gboolean
on_page (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (hangar_import_dialog_get_page (wait->dialog), wait->page) == 0;
}

static void
wait_page (HangarImportDialog *dialog,
           const char         *page)
{
  PageWait wait = { dialog, page };
  g_autofree char *what = g_strdup_printf ("the import's %s page", page);

  hangar_test_wait_until (on_page, &wait, what);
}

static void
imported_cb (HangarImportDialog *dialog,
             gboolean           *imported)
{
  *imported = TRUE;
}

/* The copy is complete: its last row is there. */
static gboolean
file_has_review_row (gpointer data)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (data, &contents, NULL, NULL) && strstr (contents, "Review,2,yes") != NULL &&
         g_str_has_suffix (contents, "\r\n");
}

static void
test_import (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = write_file (fixture,
    "tasks.csv",
    "Title,Points,Done,Project,Estimate,Notes about it\n"
    "Write the docs,3,checked,Mobile app 2.0,1:30,first\n"
    "Ship it,five,,Website redesign,,second\n"
    "Review,2,yes,No such project,0:45,third\n"
    "Plan,1,,Data platform,2:00,fourth\n");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *state_path = g_build_filename (fixture->dir, "state.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = hangar_store_open (state_path, HANGAR_STORE_STATE, &error);
  HangarImportDialog *dialog;
  HangarImporter *importer;
  GPtrArray *preview;
  gboolean imported = FALSE;
  guint before;

  g_assert_no_error (error);
  show (fixture, "Tasks");
  before = count_records (fixture, "Tasks");

  dialog = hangar_import_dialog_new (NULL, fixture->client, NULL, fixture->base_id, table_named (fixture, "Tasks"));
  hangar_import_dialog_set_progress_store (dialog, store);
  g_signal_connect (dialog, "imported", G_CALLBACK (imported_cb), &imported);
  hangar_import_dialog_start (dialog, file);
  wait_page (dialog, "mapping");

  /* Matched by name; "Notes about it" has no field of that name. */
  importer = hangar_import_dialog_get_importer (dialog);
  g_assert_cmpstr (hangar_field_get_name (hangar_importer_get_mapping (importer, 0)), ==, "Title");
  g_assert_cmpstr (hangar_field_get_name (hangar_importer_get_mapping (importer, 3)), ==, "Project");
  g_assert_null (hangar_importer_get_mapping (importer, 5));
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "Notes about it");
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "Write the docs");   /* a sample */
  hangar_import_dialog_map_column (dialog, 5, NULL);

  /* The preview marks the rows that will fail, with the reasons. */
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "preview");
  preview = hangar_import_dialog_get_preview (dialog);
  g_assert_cmpuint (preview->len, ==, 4);
  g_assert_false (hangar_import_preview_row_fails (g_ptr_array_index (preview, 0)));
  g_assert_true (hangar_import_preview_row_fails (g_ptr_array_index (preview, 1)));
  g_assert_false (hangar_import_preview_row_fails (g_ptr_array_index (preview, 2)));  /* its link is looked up later */
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog), "1 will fail"));
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "Points: “five” is not a number");
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "1:30");

  /* Import: two rows written, two failed with their reasons. */
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "report");
  g_assert_cmpuint (hangar_importer_get_n_created (importer), ==, 2);
  g_assert_cmpuint (hangar_importer_get_n_failed (importer), ==, 2);
  g_assert_true (imported);
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog), "line 3: Points: “five” is not a number"));
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog),
                            "line 4: Project: no record in Projects is named “No such project”"));
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "Import Finished");
  g_assert_cmpuint (count_records (fixture, "Tasks"), ==, before + 2);
  /* The grid lists the table again. */
  hangar_test_wait_until (grid_idle, fixture->grid, "the grid to list the imported rows");

  /* The failed rows, saved, with the reason in a last column. */
  {
    g_autofree char *saved_path = g_build_filename (fixture->dir, "failed.csv", NULL);
    g_autoptr(GFile) saved = g_file_new_for_path (saved_path);
    g_autofree char *contents = NULL;

    hangar_import_dialog_save_failed (dialog, saved);
    hangar_test_wait_until (file_has_review_row, saved_path, "the failed rows to be saved");
    contents = read_file (saved_path);
    g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBFTitle,Points,Done,Project,Estimate,Notes about it,Import error\r\n"));
    g_assert_nonnull (strstr (contents, "Ship it,five,,Website redesign,,second,line 3: Points: “five” is not a number\r\n"));
    g_assert_nonnull (strstr (contents, "Review,2,yes,No such project,0:45,third,line 4: Project:"));
  }
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The same file again would add its rows again: said so, nothing sent. */
  dialog = hangar_import_dialog_new (NULL, fixture->client, NULL, fixture->base_id, table_named (fixture, "Tasks"));
  hangar_import_dialog_set_progress_store (dialog, store);
  hangar_import_dialog_start (dialog, file);
  wait_page (dialog, "mapping");
  {
    LabelWait wait = { GTK_WIDGET (dialog), "Creating records again would add its rows a second time" };

    hangar_test_wait_until (label_contains, &wait, "the note on the earlier import");
  }
  hangar_import_dialog_map_column (dialog, 5, NULL);
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "preview");
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "problem");
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog), "This file was imported into this table on"));
  g_assert_cmpuint (count_records (fixture, "Tasks"), ==, before + 2);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Title → its record's fields, for every record of Tasks, page by page;
 * a title seen twice aborts the test. */
static GHashTable *
tasks_by_title (Fixture *fixture)
{
  GHashTable *titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  g_autofree char *offset = NULL;

  do
    {
      g_autofree char *escaped = offset != NULL ? g_uri_escape_string (offset, NULL, FALSE) : NULL;
      g_autofree char *path = g_strdup_printf ("/v0/%s/Tasks?pageSize=100%s%s", fixture->base_id,
                                               escaped != NULL ? "&offset=" : "", escaped != NULL ? escaped : "");
      g_autoptr(JsonNode) page = hangar_test_sandbox_get (fixture->sandbox, path);
      JsonObject *object = json_node_get_object (page);
      JsonArray *records = json_object_get_array_member (object, "records");

      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *fields = json_object_get_object_member (json_array_get_object_element (records, i), "fields");
          const char *title = json_object_get_string_member_with_default (fields, "Title", NULL);

          if (title == NULL)
            continue;
          if (g_hash_table_contains (titles, title))
            g_error ("“%s” was imported twice", title);
          g_hash_table_insert (titles, g_strdup (title), json_object_ref (fields));
        }
      g_free (offset);
      offset = g_strdup (json_object_get_string_member_with_default (object, "offset", NULL));
    }
  while (offset != NULL);
  return titles;
}

static gboolean
created_some (gpointer data)
{
  return hangar_importer_get_n_created (data) >= 30;
}

/* A create whose connection is dropped unanswered may still be applied:
 * the import waits, saying so, before it looks for its rows; Stop ends
 * the wait. Importing again first waits for that request too, then every
 * row is there once. */
static void
test_import_unanswered (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GString) rows = g_string_new ("Title,Points\n");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *state_path = g_build_filename (fixture->dir, "state.sqlite", NULL);
  g_autofree char *fault = g_strdup_printf ("{\"count\":1,\"drop\":true,\"method\":\"POST\","
                                            "\"path_prefix\":\"/v0/%s/\"}", fixture->base_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = hangar_store_open (state_path, HANGAR_STORE_STATE, &error);
  g_autoptr(GHashTable) titles = NULL;
  HangarImportDialog *dialog;
  HangarImporter *importer;
  guint before;

  g_assert_no_error (error);
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (rows, "Unanswered %03u,%u\n", i, i % 10);
  path = write_file (fixture, "unanswered.csv", rows->str);
  file = g_file_new_for_path (path);
  show (fixture, "Tasks");
  before = count_records (fixture, "Tasks");

  /* The wait lasts a little longer than this: Stop comes well before. */
  hangar_client_set_deadline (fixture->client, 10);
  hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", fault);
  dialog = hangar_import_dialog_new (NULL, fixture->client, NULL, fixture->base_id, table_named (fixture, "Tasks"));
  hangar_import_dialog_set_progress_store (dialog, store);
  hangar_import_dialog_start (dialog, file);
  wait_page (dialog, "mapping");
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "preview");
  hangar_import_dialog_next (dialog);
  importer = hangar_import_dialog_get_importer (dialog);
  {
    LabelWait wait = { GTK_WIDGET (dialog), "seconds for a request whose answer never came…" };

    hangar_test_wait_until (label_contains, &wait, "the wait for the unanswered request to be shown");
  }
  g_assert_cmpuint (hangar_importer_get_wait_seconds (importer), >, 0);
  g_assert_false (hangar_importer_get_waiting_for_interrupted (importer));
  hangar_import_dialog_stop (dialog);
  wait_page (dialog, "report");
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "Import Stopped");
  g_assert_cmpuint (hangar_importer_get_wait_seconds (importer), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Again: it waits for the unanswered request (until its deadline has
   * passed since it ended), then checks and writes what is missing. */
  hangar_client_set_deadline (fixture->client, HANGAR_DEFAULT_DEADLINE);
  dialog = hangar_import_dialog_new (NULL, fixture->client, NULL, fixture->base_id, table_named (fixture, "Tasks"));
  hangar_import_dialog_set_progress_store (dialog, store);
  hangar_import_dialog_start (dialog, file);
  wait_page (dialog, "mapping");
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "preview");
  hangar_import_dialog_next (dialog);
  {
    LabelWait wait = { GTK_WIDGET (dialog), "seconds for the requests of the interrupted import…" };

    hangar_test_wait_until (label_contains, &wait, "the wait for the interrupted import's requests to be shown");
  }
  wait_page (dialog, "report");
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "Import Finished");
  importer = hangar_import_dialog_get_importer (dialog);
  g_assert_cmpuint (hangar_importer_get_n_failed (importer), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_cmpuint (count_records (fixture, "Tasks"), ==, before + 40);
  titles = tasks_by_title (fixture);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *title = g_strdup_printf ("Unanswered %03u", i);

      g_assert_true (g_hash_table_contains (titles, title));
    }
}

/* Stopped part way, then the same file again: it resumes, and every row is
 * there once. Then updating matching records (upsert on Title, typecast
 * on) changes them instead of adding rows. */
static void
test_import_resume (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) rows = g_string_new ("Title,Points\n");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *state_path = g_build_filename (fixture->dir, "state.sqlite", NULL);
  g_autofree char *fault = g_strdup_printf ("{\"count\":10000,\"delay_ms\":300,\"method\":\"POST\","
                                            "\"path_prefix\":\"/v0/%s/\"}", fixture->base_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarStore) store = hangar_store_open (state_path, HANGAR_STORE_STATE, &error);
  g_autoptr(GHashTable) titles = NULL;
  HangarImportDialog *dialog;
  HangarImporter *importer;
  guint64 stopped;
  guint before;

  g_assert_no_error (error);
  for (guint i = 0; i < 150; i++)
    g_string_append_printf (rows, "Resumed %03u,%u\n", i, i % 10);
  path = write_file (fixture, "resume.csv", rows->str);
  file = g_file_new_for_path (path);
  show (fixture, "Tasks");
  before = count_records (fixture, "Tasks");

  /* Writes answered slowly, so that Stop comes part way. */
  hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/faults", fault);
  dialog = hangar_import_dialog_new (NULL, fixture->client, NULL, fixture->base_id, table_named (fixture, "Tasks"));
  hangar_import_dialog_set_progress_store (dialog, store);
  hangar_import_dialog_start (dialog, file);
  wait_page (dialog, "mapping");
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "preview");
  hangar_import_dialog_next (dialog);
  importer = hangar_import_dialog_get_importer (dialog);
  hangar_test_wait_until (created_some, importer, "the first rows to be written");
  hangar_import_dialog_stop (dialog);
  wait_page (dialog, "report");
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "Import Stopped");
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog), "resumes where it stopped"));
  stopped = hangar_importer_get_n_created (importer);
  g_assert_cmpuint (stopped, <, 150);
  gtk_window_destroy (GTK_WINDOW (dialog));
  hangar_test_sandbox_control (fixture->sandbox, "/__sandbox/clear-faults", NULL);
  g_assert_cmpuint (count_records (fixture, "Tasks"), <, before + 150);

  /* Again: the earlier run is named, and the import resumes after it. */
  dialog = hangar_import_dialog_new (NULL, fixture->client, NULL, fixture->base_id, table_named (fixture, "Tasks"));
  hangar_import_dialog_set_progress_store (dialog, store);
  hangar_import_dialog_start (dialog, file);
  wait_page (dialog, "mapping");
  {
    LabelWait wait = { GTK_WIDGET (dialog), "Importing with the same settings resumes it without duplicating rows" };

    hangar_test_wait_until (label_contains, &wait, "the note on the stopped import");
  }
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "preview");
  hangar_import_dialog_next (dialog);
  wait_page (dialog, "report");
  importer = hangar_import_dialog_get_importer (dialog);
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "Import Finished");
  g_assert_cmpuint (hangar_importer_get_n_resumed (importer), >, 0);
  g_assert_cmpuint (hangar_importer_get_n_failed (importer), ==, 0);
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog), "Resumed after row"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (count_records (fixture, "Tasks"), ==, before + 150);
  titles = tasks_by_title (fixture);
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *title = g_strdup_printf ("Resumed %03u", i);

      g_assert_true (g_hash_table_contains (titles, title));
    }
  g_clear_pointer (&titles, g_hash_table_unref);

  /* Upsert on Title with typecast: two rows match and change (one with a
   * label Tasks does not have yet), one is new. */
  {
    const char *merge[] = { "Title", NULL };
    g_autofree char *update_path = write_file (fixture, "update.csv",
                                               "Title,Points,Labels\n"
                                               "Resumed 000,99,chore\n"
                                               "Resumed 001,98,\"chore,urgent\"\n"
                                               "Brand new,1,\n");
    g_autoptr(GFile) update = g_file_new_for_path (update_path);
    JsonObject *fields;
    JsonArray *labels;

    dialog = hangar_import_dialog_new (NULL, fixture->client, NULL, fixture->base_id, table_named (fixture, "Tasks"));
    hangar_import_dialog_set_progress_store (dialog, store);
    hangar_import_dialog_start (dialog, update);
    wait_page (dialog, "mapping");
    hangar_import_dialog_set_upsert (dialog, merge);
    hangar_import_dialog_set_typecast (dialog, TRUE);
    hangar_import_dialog_next (dialog);
    wait_page (dialog, "preview");
    /* Typecast on: the unknown label is not marked as failing. */
    g_assert_false (hangar_import_preview_row_fails (g_ptr_array_index (hangar_import_dialog_get_preview (dialog), 1)));
    hangar_import_dialog_next (dialog);
    wait_page (dialog, "report");
    importer = hangar_import_dialog_get_importer (dialog);
    g_assert_cmpuint (hangar_importer_get_n_updated (importer), ==, 2);
    g_assert_cmpuint (hangar_importer_get_n_created (importer), ==, 1);
    g_assert_cmpuint (hangar_importer_get_n_failed (importer), ==, 0);
    gtk_window_destroy (GTK_WINDOW (dialog));

    g_assert_cmpuint (count_records (fixture, "Tasks"), ==, before + 151);
    titles = tasks_by_title (fixture);
    fields = g_hash_table_lookup (titles, "Resumed 000");
    g_assert_cmpint (json_object_get_int_member (fields, "Points"), ==, 99);
    fields = g_hash_table_lookup (titles, "Resumed 001");
    g_assert_cmpint (json_object_get_int_member (fields, "Points"), ==, 98);
    labels = json_object_get_array_member (fields, "Labels");
    g_assert_cmpuint (json_array_get_length (labels), ==, 2);
    g_assert_cmpstr (json_array_get_string_element (labels, 1), ==, "urgent");
    g_assert_true (g_hash_table_contains (titles, "Brand new"));
  }
}

static void
test_import_hostile (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = write_file (fixture, "broken.csv", "Title,Points\nOne,1\nTwo,2,extra\n\"Three,3\n");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  HangarImportDialog *dialog;

  show (fixture, "Tasks");
  dialog = hangar_import_dialog_new (NULL, fixture->client, NULL, fixture->base_id, table_named (fixture, "Tasks"));
  hangar_import_dialog_start (dialog, file);
  wait_page (dialog, "problem");
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog), "nothing was sent"));
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog), "line 3: 3 cells, but the header has 2"));
  g_assert_nonnull (strstr (hangar_import_dialog_get_text (dialog),
                            "line 4, column 1: the quote opened here is never closed"));
  hangar_test_gui_wait_for_text (GTK_WIDGET (dialog), "This File Cannot Be Imported");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);
  hangar_test_isolate_home ();
  hangar_test_use_file_keyring (NULL);

  g_test_add ("/hangar/gui/csv/comments", Fixture, NULL, fixture_set_up, test_comments, fixture_tear_down);
  g_test_add ("/hangar/gui/csv/comments-scope", Fixture, NULL, fixture_set_up, test_comments_scope, fixture_tear_down);
  g_test_add ("/hangar/gui/csv/export", Fixture, NULL, fixture_set_up, test_export, fixture_tear_down);
  g_test_add ("/hangar/gui/csv/import", Fixture, NULL, fixture_set_up, test_import, fixture_tear_down);
  g_test_add ("/hangar/gui/csv/import-resume", Fixture, NULL, fixture_set_up, test_import_resume, fixture_tear_down);
  g_test_add ("/hangar/gui/csv/import-unanswered", Fixture, NULL, fixture_set_up, test_import_unanswered,
              fixture_tear_down);
  g_test_add ("/hangar/gui/csv/import-hostile", Fixture, NULL, fixture_set_up, test_import_hostile, fixture_tear_down);

  return g_test_run ();
}
