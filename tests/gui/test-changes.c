/* test-changes.c — the header bar's changes indicator and its list, in the
 * real window, with real clicks and keys (xdotool through Xvfb), against a
 * real hangar-sandbox:
 *
 *   - the indicator is in the window's header bar and counts a change
 *     Airtable refused; its list shows Airtable's message; Retry sends it
 *     again and Airtable has the value;
 *   - Discard drops a refused change: the cell shows Airtable's value again
 *     and nothing is written;
 *   - closing the window while a write is on its way asks; Wait (the
 *     default, Return) keeps the window until Airtable has it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-account-store.h"
#include "hangar-changes-button.h"
#include "hangar-journal.h"
#include "hangar-record-grid-private.h"
#include "hangar-sidebar-node.h"
#include "hangar-sidebar-private.h"
#include "hangar-sidebar.h"
#include "hangar-test-gui.h"
#include "hangar-test-input.h"
#include "hangar-window-private.h"

#define BASE_NAME  "Product Roadmap"
#define TABLE_NAME "People"
#define FIELD      "Name"

typedef struct
{
  HangarTestSandbox   *sandbox;
  HangarAccountStore  *store;
  HangarWindow        *window;
  HangarAccount       *account;
  HangarRecordGrid    *grid;
  HangarChangesButton *changes;
  char                *base_id;
  char                *table_id;
} Fixture;

/* ---- the window, an account, the table ---- */

static gboolean
bases_listed (gpointer data)
{
  Fixture *f = data;
  GListModel *bases = hangar_sidebar_get_account_children (hangar_window_get_sidebar (f->window), f->account);
  g_autoptr(GObject) first = NULL;

  if (bases == NULL || g_list_model_get_n_items (bases) == 0)
    return FALSE;
  first = g_list_model_get_item (bases, 0);
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) != HANGAR_SIDEBAR_NODE_LOADING;
}

typedef struct
{
  HangarSidebar     *sidebar;
  HangarSidebarNode *base;
} TablesWait;

static gboolean
tables_listed (gpointer data)
{
  TablesWait *w = data;
  GListModel *tables = hangar_sidebar_get_base_children (w->sidebar, w->base);
  g_autoptr(GObject) first = NULL;

  if (tables == NULL || g_list_model_get_n_items (tables) == 0)
    return FALSE;
  first = g_list_model_get_item (tables, 0);
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) != HANGAR_SIDEBAR_NODE_LOADING;
}

static gboolean
grid_ready (gpointer data)
{
  Fixture *f = data;
  GtkWidget *grid = hangar_window_get_record_grid (f->window);

  return grid != NULL && hangar_record_grid_get_journal (HANGAR_RECORD_GRID (grid)) != NULL &&
         !hangar_record_grid_get_loading (HANGAR_RECORD_GRID (grid)) &&
         g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (HANGAR_RECORD_GRID (grid)))) >= 3;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  HangarSidebar *sidebar;

  hangar_test_input_require ();
  hangar_test_isolate_home ();
  hangar_test_use_file_keyring (NULL);
  f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  f->base_id = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, BASE_NAME);
  store_path = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "hangar", "accounts.json", NULL);
  f->store = hangar_account_store_new_for_path (store_path, &error);
  g_assert_no_error (error);
  f->window = g_object_ref_sink (hangar_window_new (NULL, f->store));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, f->window, "the window to map");

  hangar_account_store_connect_pat_async (f->store, "Work", f->sandbox->url, f->sandbox->pat, NULL,
                                          hangar_test_wait_cb, wait);
  f->account = g_object_ref (hangar_account_store_connect_pat_finish (f->store, hangar_test_wait_run (wait), &error));
  g_assert_no_error (error);
  sidebar = hangar_window_get_sidebar (f->window);
  hangar_sidebar_select_account (sidebar, f->account, TRUE);
  hangar_test_wait_until (bases_listed, f, "the account's bases");
  {
    g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", f->base_id);
    g_autoptr(JsonNode) node = hangar_test_sandbox_get (f->sandbox, path);
    g_autoptr(GPtrArray) tables = hangar_table_list_from_json (node, &error);

    g_assert_no_error (error);
    f->table_id = g_strdup (hangar_table_get_id (hangar_table_list_lookup (tables, TABLE_NAME)));
  }
  {
    GListModel *bases = hangar_sidebar_get_account_children (sidebar, f->account);
    TablesWait w = { sidebar, NULL };

    for (guint i = 0; i < g_list_model_get_n_items (bases); i++)
      {
        g_autoptr(HangarSidebarNode) node = g_list_model_get_item (bases, i);

        if (hangar_sidebar_node_get_kind (node) == HANGAR_SIDEBAR_NODE_BASE &&
            g_strcmp0 (hangar_base_get_id (hangar_sidebar_node_get_base (node)), f->base_id) == 0)
          w.base = node;
      }
    g_assert_nonnull (w.base);
    hangar_sidebar_set_expanded (sidebar, w.base, TRUE);
    hangar_test_wait_until (tables_listed, &w, "the base's tables");
  }
  g_assert_true (hangar_sidebar_select_table (sidebar, f->account, f->table_id));
  hangar_test_wait_until (grid_ready, f, "the table's records");
  f->grid = HANGAR_RECORD_GRID (hangar_window_get_record_grid (f->window));
  f->changes = HANGAR_CHANGES_BUTTON (hangar_window_get_changes_button (f->window));
  hangar_test_gui_wait_for_frame (GTK_WIDGET (f->grid));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  g_clear_object (&f->account);
  g_clear_object (&f->store);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
  g_free (f->base_id);
  g_free (f->table_id);
}

/* ---- helpers ---- */

static char *
row_id (Fixture *f,
        guint    row)
{
  g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (hangar_record_grid_get_model (f->grid)), row);

  return g_strdup (hangar_record_get_id (record));
}

/* Whether the cell of @row shows exactly @text on screen. */
static gboolean
cell_shows (Fixture    *f,
            guint       row,
            const char *text)
{
  GtkWidget *cell = hangar_record_grid_get_cell_widget (f->grid, row, FIELD);

  return cell != NULL && hangar_test_gui_shows_text (cell, text);
}

typedef struct
{
  Fixture    *f;
  guint       row;
  const char *text;
} CellWait;

static gboolean
cell_says (gpointer data)
{
  CellWait *w = data;

  return cell_shows (w->f, w->row, w->text);
}

static char *
server_text (Fixture    *f,
             const char *record_id)
{
  g_autofree char *path = g_strdup_printf ("/v0/%s/%s/%s", f->base_id, f->table_id, record_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (f->sandbox, path);
  JsonObject *fields = json_object_get_object_member (json_node_get_object (node), "fields");

  return g_strdup (json_object_get_string_member_with_default (fields, FIELD, NULL));
}

static gboolean
editor_open (gpointer data)
{
  Fixture *f = data;
  HangarCellEditor *editor = hangar_record_grid_get_editor (f->grid);

  return editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor));
}

static gboolean
editor_closed (gpointer data)
{
  Fixture *f = data;

  return hangar_record_grid_get_editor (f->grid) == NULL;
}

typedef struct
{
  Fixture *f;
  guint    row;
} CursorWait;

static gboolean
cursor_on (gpointer data)
{
  CursorWait *w = data;
  HangarField *field = hangar_record_grid_get_cursor_field (w->f->grid);

  return field != NULL && g_str_equal (hangar_field_get_name (field), FIELD) &&
         hangar_record_grid_get_cursor_row (w->f->grid) == w->row;
}

/* Types @text over the cell of @row (real keys: typing starts the editor,
 * Return commits). */
static void
type_cell (Fixture    *f,
           guint       row,
           const char *text)
{
  GtkWidget *cell = hangar_record_grid_get_cell_widget (f->grid, row, FIELD);
  CursorWait w = { f, row };

  /* A click on the cell puts the cursor (and the keyboard) there. */
  g_assert_nonnull (cell);
  hangar_record_grid_set_cursor (f->grid, row + 1, FIELD);
  hangar_test_input_click (cell, 1, 1, NULL);
  hangar_test_wait_until (cursor_on, &w, "the click to put the cursor on the cell");
  hangar_test_input_type (GTK_WIDGET (f->grid), text);
  hangar_test_wait_until (editor_open, f, "the cell editor to open");
  hangar_test_input_keys (GTK_WIDGET (hangar_record_grid_get_editor (f->grid)), "Return");
  hangar_test_wait_until (editor_closed, f, "Return to commit the cell");
}

static gboolean
needs_user (gpointer data)
{
  Fixture *f = data;

  return hangar_changes_button_count_attention (f->changes) == 1 &&
         hangar_changes_button_count_unsent (f->changes) == 0;
}

static gboolean
says_needs_you (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (hangar_changes_button_get_status_text (f->changes), "1 change needs you") == 0;
}

static gboolean
all_on_airtable (gpointer data)
{
  Fixture *f = data;

  return hangar_changes_button_count_attention (f->changes) == 0 &&
         hangar_changes_button_count_unsent (f->changes) == 0;
}

static GtkWidget *
menu_button (Fixture *f)
{
  GtkWidget *button = hangar_test_gui_find_widget (GTK_WIDGET (f->changes), GTK_TYPE_MENU_BUTTON);

  g_assert_nonnull (button);
  return button;
}

static GtkWidget *
list_popover (Fixture *f)
{
  return GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button (f))));
}

/* The list, opened with a real click on the indicator. */
static GtkWidget *
open_list (Fixture *f)
{
  GtkWidget *popover = list_popover (f);

  if (!gtk_widget_get_mapped (popover))
    hangar_test_input_click (menu_button (f), 1, 1, NULL);
  hangar_test_wait_until (hangar_test_gui_widget_mapped, popover, "the changes list to open");
  return popover;
}

/* The mapped button labelled @label (with its mnemonic) in @root's tree. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *label;
} ButtonWait;

static gboolean
button_shown (gpointer data)
{
  ButtonWait *w = data;

  return find_button (w->root, w->label) != NULL;
}

static void
click_button (GtkWidget  *root,
              const char *label)
{
  ButtonWait w = { root, label };
  g_autofree char *what = g_strdup_printf ("the %s button", label);

  hangar_test_wait_until (button_shown, &w, what);
  hangar_test_input_click (find_button (root, label), 1, 1, NULL);
}

typedef struct
{
  GtkWidget  *root;
  const char *needle;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *w = data;

  return hangar_test_gui_find_label (w->root, w->needle) != NULL;
}

/* Until a label in @root's tree says @needle (among other words). */
static void
wait_for_label (GtkWidget  *root,
                const char *needle)
{
  LabelWait w = { root, needle };
  g_autofree char *what = g_strdup_printf ("a label saying “%s”", needle);

  hangar_test_wait_until (label_shown, &w, what);
}

/* A write Airtable refuses (an injected 422, with its message). */
static void
refuse_next_write (Fixture *f)
{
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults",
                               "{\"count\": 1, \"status\": 422, \"method\": \"PATCH\"}");
}

/* ---- the tests ---- */

static void
test_retry (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *id = row_id (f, 0);
  g_autofree char *text = NULL;
  GtkWidget *popover;

  /* In the header bar, with nothing to count. */
  g_assert_true (gtk_widget_get_root (GTK_WIDGET (f->changes)) == GTK_ROOT (f->window));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, f->changes, "the changes indicator to show");
  g_assert_null (hangar_changes_button_get_badge_text (f->changes));

  refuse_next_write (f);
  type_cell (f, 0, "Refused once");
  hangar_test_wait_until (needs_user, f, "the refused change to need the user");
  /* (the badge and the status line follow the counts at the next idle) */
  hangar_test_wait_until (says_needs_you, f, "the indicator to say a change needs the user");
  g_assert_cmpstr (hangar_changes_button_get_badge_text (f->changes), ==, "1");
  text = server_text (f, id);
  g_assert_cmpstr (text, !=, "Refused once");

  popover = open_list (f);
  wait_for_label (popover, "Injected fault");
  click_button (popover, "_Retry");
  hangar_test_wait_until (all_on_airtable, f, "the retried change to be written");
  g_clear_pointer (&text, g_free);
  text = server_text (f, id);
  g_assert_cmpstr (text, ==, "Refused once");
  hangar_test_gui_wait_for_text (popover, "Every change is on Airtable");
  g_assert_null (hangar_changes_button_get_badge_text (f->changes));
  /* Escape closes the list (and gives the pointer back). */
  hangar_test_input_keys (popover, "Escape");
  hangar_test_wait_until (hangar_test_gui_widget_hidden, popover, "Escape to close the list");
}

static void
test_discard (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = row_id (f, 1);
  g_autofree char *before = server_text (f, id);
  g_autofree char *after = NULL;
  CellWait server = { f, 1, before };
  GtkWidget *popover;

  refuse_next_write (f);
  type_cell (f, 1, "Never on Airtable");
  hangar_test_wait_until (needs_user, f, "the refused change to need the user");
  /* The cell shows what Airtable has (src/gui/hangar-record-grid-edit.c);
   * what the user typed is kept in the list, with Airtable's reason. */
  hangar_test_wait_until (cell_says, &server, "the cell to show Airtable's value");

  popover = open_list (f);
  wait_for_label (popover, "Injected fault");
  wait_for_label (popover, "Never on Airtable");
  click_button (popover, "_Discard");
  hangar_test_wait_until (all_on_airtable, f, "the discarded change to go");
  /* Gone from the list; nothing was written. */
  g_assert_null (hangar_test_gui_find_label (popover, "Never on Airtable"));
  g_assert_true (cell_shows (f, 1, before));
  hangar_test_input_keys (popover, "Escape");
  hangar_test_wait_until (hangar_test_gui_widget_hidden, popover, "Escape to close the list");
  after = server_text (f, id);
  g_assert_cmpstr (after, ==, before);
}

/* A write answered 429 waits out Airtable's pause (30 s, as Airtable
 * refuses a base's requests that long), then goes: the list says what it
 * waits for, not "Sending…". */
static void
test_rate_limited (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *id = row_id (f, 3);
  g_autofree char *text = NULL;
  GtkWidget *popover;

  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults",
                               "{\"count\": 1, \"status\": 429, \"retry_after\": 30, \"method\": \"PATCH\"}");
  type_cell (f, 3, "After the pause");
  popover = open_list (f);
  wait_for_label (popover, "Waiting: Airtable asked us to slow down");
  wait_for_label (popover, "Airtable asked us to slow down — sending again in");
  hangar_test_wait_until (all_on_airtable, f, "the change to be written after the pause");
  text = server_text (f, id);
  g_assert_cmpstr (text, ==, "After the pause");
  hangar_test_gui_wait_for_text (popover, "Every change is on Airtable");
  hangar_test_input_keys (popover, "Escape");
  hangar_test_wait_until (hangar_test_gui_widget_hidden, popover, "Escape to close the list");
}

static gboolean
question_shown (gpointer data)
{
  return hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
sending (gpointer data)
{
  Fixture *f = data;

  return hangar_journal_count (hangar_record_grid_get_journal (f->grid), HANGAR_CHANGE_SENDING) == 1;
}

static void
test_close_waits (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *id = row_id (f, 2);
  g_autofree char *text = NULL;
  GtkWindow *weak_window = GTK_WINDOW (f->window);
  GtkWindow *question;
  g_autofree char *heading = NULL;

  /* The sandbox holds the write a few seconds before it answers. */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults",
                               "{\"count\": 1, \"delay_ms\": 3000, \"method\": \"PATCH\"}");
  type_cell (f, 2, "Sent before closing");
  hangar_test_wait_until (sending, f, "the write to be on its way");

  gtk_window_close (GTK_WINDOW (f->window));
  hangar_test_wait_until (question_shown, NULL, "the window to ask before closing");
  question = hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_object_get (question, "heading", &heading, NULL);
  g_assert_cmpstr (heading, ==, "1 Change Is Not on Airtable Yet");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));

  /* Wait is the default: Return. The window stays until Airtable has it. */
  hangar_test_input_keys (GTK_WIDGET (question), "Return");
  g_object_add_weak_pointer (G_OBJECT (weak_window), (gpointer *) &weak_window);
  g_clear_object (&f->window);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_window, "the window to close once the write is done");
  text = server_text (f, id);
  g_assert_cmpstr (text, ==, "Sent before closing");
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);

  g_test_add ("/hangar/gui/changes/retry", Fixture, NULL, fixture_setup, test_retry, fixture_teardown);
  g_test_add ("/hangar/gui/changes/discard", Fixture, NULL, fixture_setup, test_discard, fixture_teardown);
  g_test_add ("/hangar/gui/changes/rate-limited", Fixture, NULL, fixture_setup, test_rate_limited, fixture_teardown);
  g_test_add ("/hangar/gui/changes/close-waits", Fixture, NULL, fixture_setup, test_close_waits, fixture_teardown);
  return g_test_run ();
}
