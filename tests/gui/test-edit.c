/* test-edit.c — editing in the record grid with a real keyboard and mouse
 * (xdotool through Xvfb), against a real hangar-sandbox, through a real
 * journal; every test checks the sandbox's records through the API after
 *
 * One window and one grid for the whole file (tests run in order, each on
 * records of its own), to keep the GUI suite quick.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-cell-editor.h"
#include "hangar-client.h"
#include "hangar-journal.h"
#include "hangar-record-detail.h"
#include "hangar-record-grid-private.h"
#include "hangar-test-gui.h"
#include "hangar-test-input.h"

static struct
{
  HangarTestSandbox *sandbox;
  HangarClient      *client;
  HangarStore       *store;
  HangarJournal     *journal;
  char              *roadmap;     /* base ids */
  char              *content;
  GPtrArray         *roadmap_tables;
  GPtrArray         *content_tables;
  GtkWindow         *window;
  HangarRecordGrid  *grid;
  const char        *base_id;     /* what is shown */
  HangarTable       *table;
} F;

/* ---- helpers ---- */

static GPtrArray *
load_tables (const char *base_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (F.sandbox, path);
  g_autoptr(GError) error = NULL;
  GPtrArray *tables = hangar_table_list_from_json (node, &error);

  g_assert_no_error (error);
  return tables;
}

static gboolean
grid_idle (gpointer data)
{
  return !hangar_record_grid_get_loading (F.grid);
}

static void
show (const char *base_id,
      const char *table_name)
{
  GPtrArray *tables = g_strcmp0 (base_id, F.roadmap) == 0 ? F.roadmap_tables : F.content_tables;

  F.base_id = base_id;
  F.table = hangar_table_list_lookup (tables, table_name);
  g_assert_nonnull (F.table);
  hangar_record_grid_show_table_with_client (F.grid, F.client, base_id, F.table);
  hangar_record_grid_set_journal (F.grid, F.journal);
  hangar_test_wait_until (grid_idle, NULL, "the records to load");
  hangar_test_gui_wait_for_frame (GTK_WIDGET (F.grid));
  g_assert_null (hangar_record_grid_get_read_only_reason (F.grid));
}

static gboolean
journal_idle (gpointer data)
{
  return hangar_journal_count_unsent (F.journal) == 0;
}

/* Until every edit made is on Airtable (or refused). */
static void
wait_sent (void)
{
  hangar_test_wait_until (journal_idle, NULL, "the journal to send every edit");
}

static HangarRecord *
row_record (guint row)
{
  return g_list_model_get_item (G_LIST_MODEL (hangar_record_grid_get_model (F.grid)), row);
}

static JsonObject *
server_fields (const char *record_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", F.base_id, hangar_table_get_id (F.table), record_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (F.sandbox, path);

  return json_object_ref (json_object_get_object_member (json_node_get_object (node), "fields"));
}

static gboolean
server_has (const char *record_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", F.base_id, hangar_table_get_id (F.table), record_id);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = hangar_test_sandbox_request (F.sandbox, "GET", path, F.sandbox->pat, NULL, &status);
  return status == 200;
}

/* How many records of the shown table have @field = @text. */
static guint
server_count (const char *field,
              const char *text)
{
  g_autofree char *formula = g_strdup_printf ("{%s}='%s'", field, text);
  g_autofree char *escaped = g_uri_escape_string (formula, NULL, TRUE);
  g_autofree char *query = g_strdup_printf ("filterByFormula=%s", escaped);
  g_autoptr(GPtrArray) ids = hangar_test_sandbox_list_ids (F.sandbox, F.base_id, hangar_table_get_id (F.table), query);

  return ids->len;
}

typedef struct
{
  const char *record_id;
  const char *field;
  char       *expected;   /* the value as compact JSON; NULL: absent */
  gint64      last_check;
} ServerWait;

static gboolean
server_shows (gpointer data)
{
  ServerWait *wait = data;
  g_autoptr(JsonObject) fields = NULL;
  JsonNode *value;
  g_autofree char *text = NULL;

  /* A request per check: not more than ten a second. */
  if (g_get_monotonic_time () - wait->last_check < 100000)
    return FALSE;
  wait->last_check = g_get_monotonic_time ();
  fields = server_fields (wait->record_id);
  value = json_object_get_member (fields, wait->field);
  if (value == NULL)
    return wait->expected == NULL;
  text = json_to_string (value, FALSE);
  return g_strcmp0 (text, wait->expected) == 0;
}

/* Until Airtable has @expected_json (NULL: nothing) in @field of the
 * record: what the user did went all the way. */
static void
wait_server (const char *record_id,
             const char *field,
             const char *expected_json)
{
  ServerWait wait = { record_id, field, g_strdup (expected_json), 0 };
  g_autofree char *what = g_strdup_printf ("Airtable to have %s in %s", expected_json ? expected_json : "nothing", field);

  hangar_test_wait_until (server_shows, &wait, what);
  g_free (wait.expected);
}

static GtkWidget *
cell (guint       row,
      const char *field)
{
  GtkWidget *widget = hangar_record_grid_get_cell_widget (F.grid, row, field);

  if (widget == NULL)
    g_error ("The cell of row %u, %s is not on screen", row, field);
  return widget;
}

typedef struct
{
  guint       row;
  const char *field;
} Place;

static gboolean
cursor_at (gpointer data)
{
  Place *place = data;

  return hangar_record_grid_get_cursor_field (F.grid) != NULL &&
         hangar_record_grid_get_cursor_row (F.grid) == place->row &&
         g_str_equal (hangar_field_get_name (hangar_record_grid_get_cursor_field (F.grid)), place->field);
}

/* A real click on the row's first cell, then Right (real keys) until the
 * cursor is on @field: columns off screen scroll into view as it goes. */
static void
put_cursor (guint       row,
            const char *field)
{
  g_autoptr(GPtrArray) fields = _hangar_record_grid_visible_fields (F.grid);
  Place first = { row, hangar_field_get_name (g_ptr_array_index (fields, 0)) };
  Place wanted = { row, field };

  /* Elsewhere first, so that the click is seen to move it. */
  hangar_record_grid_set_cursor (F.grid, row + 1, first.field);
  hangar_test_input_click (cell (row, first.field), 1, 1, NULL);
  hangar_test_wait_until (cursor_at, &first, "the cursor to move to the clicked cell");
  for (guint i = 1; i < fields->len && !cursor_at (&wanted); i++)
    {
      Place next = { row, hangar_field_get_name (g_ptr_array_index (fields, i)) };

      hangar_test_input_keys (GTK_WIDGET (F.grid), "Right");
      hangar_test_wait_until (cursor_at, &next, "Right to move the cursor");
    }
  g_assert_true (cursor_at (&wanted));
}

static gboolean
editor_open (gpointer data)
{
  HangarCellEditor *editor = hangar_record_grid_get_editor (F.grid);
  GtkWidget *wanted;
  GtkRoot *root;
  GtkWidget *focus;

  if (editor == NULL || !gtk_widget_get_mapped (GTK_WIDGET (editor)))
    return FALSE;
  wanted = hangar_cell_editor_get_focus_widget (editor);
  root = gtk_widget_get_root (GTK_WIDGET (editor));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  /* (an entry's keyboard focus is on the text inside it) */
  return wanted != NULL && focus != NULL && (focus == wanted || gtk_widget_is_ancestor (focus, wanted));
}

static gboolean
editor_closed (gpointer data)
{
  return hangar_record_grid_get_editor (F.grid) == NULL;
}

static void
wait_editor (void)
{
  hangar_test_wait_until (editor_open, NULL, "the cell editor to open with the keyboard");
}

static GtkWidget *
editor_widget (void)
{
  return GTK_WIDGET (hangar_record_grid_get_editor (F.grid));
}

/* Keys to the grid (where the cursor is). */
static void
keys (const char *names)
{
  hangar_test_input_keys (GTK_WIDGET (F.grid), names);
}

static const char *
string_of (JsonObject *fields,
           const char *name)
{
  return json_object_get_string_member_with_default (fields, name, NULL);
}

/* ---- tests ---- */

/* Typing starts editing with the character; Enter commits and moves down;
 * Escape cancels. */
static void
test_text (void)
{
  g_autoptr(HangarRecord) first = NULL;
  g_autoptr(HangarRecord) second = NULL;
  g_autoptr(JsonObject) fields = NULL;

  show (F.roadmap, "Tasks");
  first = row_record (0);
  second = row_record (1);
  put_cursor (0, "Title");
  hangar_test_input_type (GTK_WIDGET (F.grid), "R");
  wait_editor ();
  hangar_test_input_type (editor_widget (), "enamed by keys");
  keys ("Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit");
  g_assert_cmpuint (hangar_record_grid_get_cursor_row (F.grid), ==, 1);
  wait_sent ();
  fields = server_fields (hangar_record_get_id (first));
  g_assert_cmpstr (string_of (fields, "Title"), ==, "Renamed by keys");
  /* The grid shows Airtable's answer. */
  hangar_test_gui_wait_for_text (GTK_WIDGET (F.grid), "Renamed by keys");

  /* F2 opens with the value; Escape leaves it as it was. */
  keys ("F2");
  wait_editor ();
  hangar_test_input_type (editor_widget (), " never saved");
  keys ("Escape");
  hangar_test_wait_until (editor_closed, NULL, "Escape to cancel");
  wait_sent ();
  g_clear_pointer (&fields, json_object_unref);
  fields = server_fields (hangar_record_get_id (second));
  g_assert_cmpstr (string_of (fields, "Title"), ==,
                   json_node_get_string (hangar_record_get_field (second, "Title")));
}

/* Numbers in the locale with the field's precision; a value that is not a
 * number is refused in the editor, which stays open. */
static void
test_numbers (void)
{
  g_autoptr(HangarRecord) task = NULL;
  g_autoptr(JsonObject) fields = NULL;

  show (F.roadmap, "Tasks");
  task = row_record (2);
  put_cursor (2, "Points");
  hangar_test_input_type (GTK_WIDGET (F.grid), "4x");
  wait_editor ();
  keys ("Return");
  hangar_test_wait_until ((HangarTestCondition) hangar_cell_editor_get_error, hangar_record_grid_get_editor (F.grid),
                          "the editor to refuse “4x”");
  g_assert_nonnull (strstr (hangar_cell_editor_get_error (hangar_record_grid_get_editor (F.grid)), "not a number"));
  keys ("BackSpace Return");
  hangar_test_wait_until (editor_closed, NULL, "Enter to commit 4");

  /* Duration h:mm, Tab moves right. */
  put_cursor (2, "Estimate");
  hangar_test_input_type (GTK_WIDGET (F.grid), "1:30");
  wait_editor ();
  keys ("Tab");
  hangar_test_wait_until (editor_closed, NULL, "Tab to commit");
  g_assert_cmpstr (hangar_field_get_name (hangar_record_grid_get_cursor_field (F.grid)), !=, "Estimate");
  wait_sent ();
  fields = server_fields (hangar_record_get_id (task));
  g_assert_cmpint (json_object_get_int_member (fields, "Points"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (fields, "Estimate"), ==, 5400);

  /* Currency and percent (Projects). */
  show (F.roadmap, "Projects");
  {
    g_autoptr(HangarRecord) project = row_record (0);
    g_autoptr(JsonObject) pfields = NULL;

    put_cursor (0, "Budget");
    hangar_test_input_type (GTK_WIDGET (F.grid), "$1234.567");
    wait_editor ();
    keys ("Return");
    hangar_test_wait_until (editor_closed, NULL, "Enter to commit the budget");
    put_cursor (0, "Progress");
    hangar_test_input_type (GTK_WIDGET (F.grid), "45");
    wait_editor ();
    keys ("Return");
    hangar_test_wait_until (editor_closed, NULL, "Enter to commit the progress");
    wait_sent ();
    pfields = server_fields (hangar_record_get_id (project));
    /* Two decimals for this currency field. */
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (pfields, "Budget"), 1234.57, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (pfields, "Progress"), 0.45, 1e-9);
  }
}

/* Space toggles a checkbox, and a click on the cursor's checkbox cell. */
static void
test_checkbox (void)
{
  g_autoptr(HangarRecord) task = NULL;
  gboolean before;

  show (F.roadmap, "Tasks");
  task = row_record (3);
  before = hangar_record_get_field (task, "Done") != NULL;
  put_cursor (3, "Done");
  keys ("space");
  wait_server (hangar_record_get_id (task), "Done", before ? NULL : "true");

  /* A second click on the cell it is on: back. */
  hangar_test_input_click (cell (3, "Done"), 1, 1, NULL);
  wait_server (hangar_record_get_id (task), "Done", before ? "true" : NULL);
}

/* A computed field offers no editor and says why. */
static void
test_computed (void)
{
  show (F.roadmap, "Tasks");
  put_cursor (0, "ID");
  keys ("Return");
  hangar_test_wait_until ((HangarTestCondition) hangar_record_grid_get_edit_message, F.grid,
                          "the grid to say why");
  g_assert_null (hangar_record_grid_get_editor (F.grid));
  g_assert_nonnull (strstr (hangar_record_grid_get_edit_message (F.grid), "cannot be edited"));
  g_assert_nonnull (strstr (hangar_record_grid_get_edit_message (F.grid), "ID"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *args[] = { "--no-rate-limit", "--quiet", NULL };
  int status;

  hangar_test_isolate_home ();
  g_setenv ("TZ", "UTC", TRUE);
  hangar_test_gui_init (&argc, &argv);
  hangar_test_input_require ();

  F.sandbox = hangar_test_sandbox_startv (args);
  F.roadmap = hangar_test_sandbox_base_id (F.sandbox, F.sandbox->pat, "Product Roadmap");
  F.content = hangar_test_sandbox_base_id (F.sandbox, F.sandbox->pat, "Content Calendar");
  F.roadmap_tables = load_tables (F.roadmap);
  F.content_tables = load_tables (F.content);
  source = hangar_static_token_source_new (F.sandbox->pat);
  F.client = hangar_client_new (F.sandbox->url, source);
  path = g_build_filename (g_get_user_data_dir (), "hangar", "edit-test", "state.sqlite", NULL);
  F.store = hangar_store_open (path, HANGAR_STORE_STATE, &error);
  g_assert_no_error (error);
  F.journal = hangar_journal_new (F.store, F.client, &error);
  g_assert_no_error (error);

  F.grid = g_object_ref_sink (HANGAR_RECORD_GRID (hangar_record_grid_new ()));
  F.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (F.window, 1280, 800);
  gtk_window_set_child (F.window, GTK_WIDGET (F.grid));
  gtk_window_present (F.window);

  g_test_add_func ("/hangar/gui/edit/text", test_text);
  g_test_add_func ("/hangar/gui/edit/numbers", test_numbers);
  g_test_add_func ("/hangar/gui/edit/checkbox", test_checkbox);
  g_test_add_func ("/hangar/gui/edit/computed", test_computed);

  status = g_test_run ();

  gtk_window_destroy (F.window);
  g_clear_object (&F.grid);
  g_clear_object (&F.journal);
  g_clear_object (&F.store);
  g_clear_object (&F.client);
  hangar_test_sandbox_stop (F.sandbox);
  return status;
}
