/* test-schema.c — the base page, the field and table dialogs and the way
 * from a grid's column header to a field, in a real window against a real
 * hangar-sandbox; typing and keys go through the X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-base-page.h"
#include "hangar-field-dialog.h"
#include "hangar-record-grid-private.h"
#include "hangar-schema-widgets.h"
#include "hangar-sidebar-private.h"
#include "hangar-sidebar-reveal.h"
#include "hangar-table-dialog.h"
#include "hangar-test-gui.h"
#include "hangar-window-private.h"

typedef struct
{
  HangarTestSandbox  *sandbox;
  HangarAccountStore *store;
  HangarAccount      *account;
  HangarWindow       *window;
  char               *base_id;
} Fixture;

/* ---- fixture ---- */

static HangarAccount *
connect_pat (HangarAccountStore *store,
             HangarTestSandbox  *sandbox)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  hangar_account_store_connect_pat_async (store, "Sandbox", sandbox->url, sandbox->pat, NULL,
                                          hangar_test_result_cb, &result);
  account = hangar_account_store_connect_pat_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return account;
}

/* An OAuth account granted @scopes only, through the sandbox's consent page. */
static HangarAccount *
connect_oauth (HangarAccountStore  *store,
               HangarTestSandbox   *sandbox,
               const char * const  *scopes)
{
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new (sandbox->url, sandbox->url, sandbox->client_id, NULL, sandbox->redirect_uri, scopes);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autofree char *redirect = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), NULL, FALSE);
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccount *account;

  code = hangar_oauth_flow_parse_redirect (flow, redirect, &error);
  g_assert_no_error (error);
  hangar_account_store_connect_oauth_async (store, "Limited", flow, code, NULL, hangar_test_result_cb, &result);
  account = hangar_account_store_connect_oauth_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return account;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;

  hangar_test_isolate_home ();
  hangar_test_use_file_keyring (NULL);
  f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--auto-approve", NULL);
  f->base_id = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, "Product Roadmap");
  store_path = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "hangar", "accounts.json", NULL);
  f->store = hangar_account_store_new_for_path (store_path, &error);
  g_assert_no_error (error);
  f->account = data != NULL ? connect_oauth (f->store, f->sandbox, data) : connect_pat (f->store, f->sandbox);

  f->window = g_object_ref_sink (hangar_window_new (NULL, f->store));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, f->window, "the window to map");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GtkWindow *weak_window = GTK_WINDOW (f->window);
  GtkWindow *dialog;

  while ((dialog = hangar_test_gui_find_toplevel (HANGAR_TYPE_FIELD_DIALOG)) != NULL ||
         (dialog = hangar_test_gui_find_toplevel (HANGAR_TYPE_TABLE_DIALOG)) != NULL)
    gtk_window_destroy (dialog);
  g_object_add_weak_pointer (G_OBJECT (weak_window), (gpointer *) &weak_window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_window, "the window to be finalized");
  hangar_account_store_flush (f->store, NULL);
  g_clear_object (&f->store);
  g_free (f->base_id);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
}

/* ---- helpers ---- */

static HangarBasePage *
page_of (Fixture *f)
{
  return HANGAR_BASE_PAGE (hangar_window_get_base_page (f->window));
}

typedef struct
{
  Fixture *f;
  gboolean tables;   /* the base's tables too */
} ListedWait;

static gboolean
listed (gpointer data)
{
  ListedWait *w = data;
  HangarSidebar *sidebar = hangar_window_get_sidebar (w->f->window);
  GListModel *bases = hangar_sidebar_get_account_children (sidebar, w->f->account);

  for (guint i = 0; bases != NULL && i < g_list_model_get_n_items (bases); i++)
    {
      g_autoptr(HangarSidebarNode) node = g_list_model_get_item (bases, i);
      GListModel *tables;
      g_autoptr(HangarSidebarNode) first = NULL;

      if (hangar_sidebar_node_get_kind (node) != HANGAR_SIDEBAR_NODE_BASE ||
          g_strcmp0 (hangar_base_get_id (hangar_sidebar_node_get_base (node)), w->f->base_id) != 0)
        continue;
      if (!w->tables)
        return TRUE;
      tables = hangar_sidebar_get_base_children (sidebar, node);
      if (tables == NULL || g_list_model_get_n_items (tables) == 0)
        return FALSE;
      first = g_list_model_get_item (tables, 0);
      return hangar_sidebar_node_get_kind (first) == HANGAR_SIDEBAR_NODE_TABLE;
    }
  return FALSE;
}

static gboolean
page_ready (gpointer data)
{
  Fixture *f = data;
  HangarBasePage *page = page_of (f);

  return g_strcmp0 (hangar_window_get_content_page (f->window), "base") == 0 &&
         !hangar_base_page_get_loading (page) &&
         g_strcmp0 (hangar_base_page_get_state (page), "schema") == 0;
}

/* Selects the demo base in the sidebar (with its tables listed when
 * @expand) and waits for its page. */
static HangarBasePage *
open_base (Fixture  *f,
           gboolean  expand)
{
  HangarSidebar *sidebar = hangar_window_get_sidebar (f->window);
  ListedWait w = { f, FALSE };

  hangar_sidebar_set_expanded (sidebar, f->account, TRUE);
  hangar_test_wait_until (listed, &w, "the account's bases in the sidebar");
  g_assert_true (hangar_sidebar_select_base (sidebar, f->account, f->base_id));
  if (expand)
    {
      GObject *node = hangar_sidebar_get_selected_item (sidebar);

      hangar_sidebar_set_expanded (sidebar, node, TRUE);
      w.tables = TRUE;
      hangar_test_wait_until (listed, &w, "the base's tables in the sidebar");
    }
  hangar_test_wait_until (page_ready, f, "the base page to show the schema");
  return page_of (f);
}

static HangarTable *
table_named (Fixture    *f,
             const char *name)
{
  HangarTable *table = hangar_table_list_lookup (hangar_base_page_get_tables (page_of (f)), name);

  g_assert_nonnull (table);
  return table;
}

static const char *
field_id (HangarTable *table,
          const char  *name)
{
  HangarField *field = hangar_table_lookup_field (table, name);

  g_assert_nonnull (field);
  return hangar_field_get_id (field);
}

/* A table of the base as the sandbox has it now (not through the app). */
static JsonObject *
sandbox_table (Fixture    *f,
               const char *name)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", f->base_id);
  g_autoptr(JsonNode) node = hangar_test_sandbox_get (f->sandbox, path);
  JsonArray *tables = json_object_get_array_member (json_node_get_object (node), "tables");

  for (guint i = 0; i < json_array_get_length (tables); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (tables, i), "name"), name))
      return json_object_ref (json_array_get_object_element (tables, i));
  return NULL;
}

static JsonObject *
sandbox_field (JsonObject *table,
               const char *name)
{
  JsonArray *fields = json_object_get_array_member (table, "fields");

  for (guint i = 0; i < json_array_get_length (fields); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (fields, i), "name"), name))
      return json_array_get_object_element (fields, i);
  return NULL;
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Waits until @dialog (weakly watched) has closed. */
static void
wait_closed (GtkWindow *dialog)
{
  GtkWindow *weak = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &weak);
  hangar_test_wait_until (window_gone, &weak, "the dialog to close");
}

static gboolean
no_problem (gpointer data)
{
  return hangar_field_editor_get_problem (HANGAR_FIELD_EDITOR (data)) == NULL;
}

typedef struct
{
  HangarFieldEditor *editor;
  const char        *needle;
} ProblemWait;

static gboolean
problem_says (gpointer data)
{
  ProblemWait *w = data;
  const char *problem = hangar_field_editor_get_problem (w->editor);

  return problem != NULL && strstr (problem, w->needle) != NULL;
}

static void
select_type (HangarFieldEditor *editor,
             HangarFieldType    type)
{
  guint n = 0;
  const HangarFieldType *types = hangar_field_creatable_types (&n);
  AdwComboRow *row = ADW_COMBO_ROW (hangar_field_editor_get_part (editor, "type"));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), hangar_field_type_to_string (type)))
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  (void) types;
  g_error ("the type chooser does not offer %s", hangar_field_type_to_string (type));
}

static void
select_combo (HangarFieldEditor *editor,
              const char        *part,
              const char        *words)
{
  AdwComboRow *row = ADW_COMBO_ROW (hangar_field_editor_get_part (editor, part));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), words))
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("%s offers no “%s”", part, words);
}

/* Types @text into @widget of @window as a user would (focus first). */
static void
type_into (GtkWindow  *window,
           GtkWidget  *widget,
           const char *text)
{
  g_assert_true (gtk_widget_grab_focus (widget));
  hangar_test_gui_type (window, text);
}

typedef struct
{
  GtkEditable *editable;
  const char  *text;
} TextWait;

static gboolean
text_is (gpointer data)
{
  TextWait *w = data;

  return g_strcmp0 (gtk_editable_get_text (w->editable), w->text) == 0;
}

static void
type_and_wait (GtkWindow  *window,
               GtkWidget  *widget,
               const char *text)
{
  g_autofree char *expected = g_strconcat (gtk_editable_get_text (GTK_EDITABLE (widget)), text, NULL);
  TextWait w = { GTK_EDITABLE (widget), expected };

  type_into (window, widget, text);
  hangar_test_wait_until (text_is, &w, "the typed text to arrive");
}

static gboolean
skip_without_input (void)
{
  if (hangar_test_gui_have_real_input ())
    return FALSE;
  g_test_skip ("needs xdotool and an X11 display for real key presses");
  return TRUE;
}

/* Opens a field's row (as a click does) and returns its details. */
static GtkWidget *
details_of (HangarBasePage *page,
            HangarTable    *table,
            const char     *name)
{
  GtkWidget *row = hangar_base_page_get_field_row (page, hangar_table_get_id (table), field_id (table, name));

  g_signal_emit_by_name (row, "activated");
  g_assert_true (hangar_base_page_get_field_open (page, hangar_table_get_id (table), field_id (table, name)));
  return hangar_base_page_get_field_details (page, hangar_table_get_id (table), field_id (table, name));
}

/* ---- tests ---- */

/* Every table, field and view, with the options in words. */
static void
test_browse (Fixture       *f,
             gconstpointer  data)
{
  HangarBasePage *page = open_base (f, FALSE);
  HangarTable *projects = table_named (f, "Projects");
  HangarTable *tasks = table_named (f, "Tasks");
  GtkWidget *row;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *copied = NULL;

  g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "base");
  g_assert_cmpuint (hangar_base_page_get_tables (page)->len, ==, 3);
  g_assert_true (hangar_base_page_get_editable (page));
  g_assert_null (hangar_base_page_get_edit_reason (page));

  /* A group per table: its name and counts. */
  row = hangar_base_page_get_table_group (page, hangar_table_get_id (projects));
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (row)), ==, "Projects");
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (row)), " fields · "));

  /* A select: its choices as chips (in the details, made when opened). */
  row = hangar_base_page_get_field_row (page, hangar_table_get_id (projects), field_id (projects, "Status"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Single select");
  g_assert_null (hangar_base_page_get_field_details (page, hangar_table_get_id (projects), field_id (projects, "Status")));
  row = details_of (page, projects, "Status");
  g_assert_true (hangar_test_gui_shows_text (row, "Planned"));
  g_assert_true (hangar_test_gui_shows_text (row, "Blocked"));
  /* A link: its table and inverse field. */
  row = details_of (page, tasks, "Project");
  g_assert_true (hangar_test_gui_shows_text (row, "Links to Projects"));
  g_assert_true (hangar_test_gui_shows_text (row, "Inverse field: “Tasks” in Projects"));
  /* A formula, shown with field names although Airtable gives ids. */
  row = details_of (page, tasks, "Late");
  g_assert_true (hangar_test_gui_shows_text (row, "Formula: AND(NOT({Done}), IS_BEFORE({Due}, TODAY()))"));
  g_assert_true (hangar_test_gui_shows_text (row, "Result: Number"));
  /* A rollup, a currency, a rating. */
  row = details_of (page, projects, "Total estimate");
  g_assert_true (hangar_test_gui_shows_text (row, "Rolls up “Estimate” of the records linked through Tasks"));
  row = details_of (page, projects, "Budget");
  g_assert_true (hangar_test_gui_shows_text (row, "Currency symbol “$”"));
  row = details_of (page, projects, "Priority");
  g_assert_true (hangar_test_gui_shows_text (row, "Up to 5"));
  /* The primary field is marked; ids are shown. */
  row = hangar_base_page_get_field_row (page, hangar_table_get_id (tasks), field_id (tasks, "Title"));
  g_assert_true (hangar_test_gui_shows_text (row, "Primary"));
  g_assert_true (hangar_test_gui_shows_text (details_of (page, tasks, "Title"), field_id (tasks, "Title")));
  row = hangar_base_page_get_field_row (page, hangar_table_get_id (tasks), field_id (tasks, "Points"));
  g_assert_false (hangar_test_gui_shows_text (row, "Primary"));
  /* Opening twice closes. */
  g_assert_true (hangar_base_page_get_field_open (page, hangar_table_get_id (tasks), field_id (tasks, "Title")));
  g_signal_emit_by_name (hangar_base_page_get_field_row (page, hangar_table_get_id (tasks), field_id (tasks, "Title")),
                         "activated");
  g_assert_false (hangar_base_page_get_field_open (page, hangar_table_get_id (tasks), field_id (tasks, "Title")));
  g_assert_false (gtk_widget_get_visible (hangar_base_page_get_field_details (page, hangar_table_get_id (tasks),
                                                                             field_id (tasks, "Title"))));
  /* Views: name, type, id. */
  hangar_base_page_set_field_open (page, hangar_table_get_id (tasks), "views", TRUE);
  row = hangar_base_page_get_field_details (page, hangar_table_get_id (tasks), "views");
  {
    HangarView *view = g_ptr_array_index (hangar_table_get_views (tasks), 0);
    g_autofree char *words = NULL;

    g_assert_true (hangar_test_gui_shows_text (row, hangar_view_get_name (view)));
    words = g_strdup_printf ("Grid · %s", hangar_view_get_id (view));
    g_assert_cmpstr (hangar_view_get_view_type (view), ==, "grid");
    g_assert_true (hangar_test_gui_shows_text (row, words));
  }

  /* Copy an id: on the clipboard, and said in a toast. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.copy", "s", field_id (tasks, "Points")));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (page)), NULL, hangar_test_result_cb, &result);
  copied = gdk_clipboard_read_text_finish (gtk_widget_get_clipboard (GTK_WIDGET (page)),
                                           hangar_test_wait_result (&result), NULL);
  g_assert_cmpstr (copied, ==, field_id (tasks, "Points"));
  g_assert_nonnull (strstr (hangar_window_get_last_toast (f->window), field_id (tasks, "Points")));

  /* Names and descriptions are the server's text, shown as written, never
   * as markup. */
  {
    g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", f->base_id);
    g_autoptr(JsonNode) reply = NULL;
    guint status = 0;
    HangarTable *odd;

    reply = hangar_test_sandbox_request (f->sandbox, "POST", path, f->sandbox->pat,
                                         "{\"name\":\"<b>Odd</b> & Co\",\"description\":\"<i>not</i> italic &amp;\","
                                         "\"fields\":[{\"name\":\"<span color='red'>Name</span>\",\"type\":\"singleLineText\","
                                         "\"description\":\"a <u>b</u>\"}]}", &status);
    g_assert_cmpuint (status, ==, 200);
    hangar_base_page_reload (page);
    hangar_test_wait_until (page_ready, f, "the base page to read the schema again");
    odd = table_named (f, "<b>Odd</b> & Co");
    row = hangar_base_page_get_table_group (page, hangar_table_get_id (odd));
    g_assert_true (hangar_test_gui_shows_text (row, "<b>Odd</b> & Co"));
    g_assert_nonnull (hangar_test_gui_find_label (row, "<i>not</i> italic &amp;"));
    g_assert_true (hangar_test_gui_shows_text (details_of (page, odd, "<span color='red'>Name</span>"), "a <u>b</u>"));
  }
}

typedef struct
{
  HangarBasePage *page;
  HangarTable    *table;
  const char     *field;    /* a row that must be shown */
  gboolean        others;   /* other tables shown too */
} SearchWait;

static gboolean
search_shows (gpointer data)
{
  SearchWait *w = data;
  GPtrArray *tables = hangar_base_page_get_tables (w->page);
  GtkWidget *row = hangar_base_page_get_field_row (w->page, hangar_table_get_id (w->table), w->field);

  if (row == NULL || !gtk_widget_get_visible (row))
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    {
      HangarTable *table = g_ptr_array_index (tables, i);
      GtkWidget *group = hangar_base_page_get_table_group (w->page, hangar_table_get_id (table));

      if (table != w->table && gtk_widget_get_visible (group) != w->others)
        return FALSE;
    }
  return TRUE;
}

static gboolean
state_is (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (hangar_base_page_get_state (args[0]), args[1]) == 0;
}

static gboolean
focus_inside (gpointer data)
{
  gpointer *args = data;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (args[0]));

  return focus != NULL && (focus == args[1] || gtk_widget_is_ancestor (focus, args[1]));
}

/* Search through every table's fields, typed as a user types. */
static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  HangarBasePage *page;
  HangarTable *projects, *tasks;
  GtkWidget *entry;

  if (skip_without_input ())
    return;
  page = open_base (f, FALSE);
  projects = table_named (f, "Projects");
  tasks = table_named (f, "Tasks");
  entry = GTK_WIDGET (hangar_base_page_get_search_entry (page));

  /* Ctrl+F finds the search entry. */
  gtk_widget_grab_focus (hangar_base_page_get_field_row (page, hangar_table_get_id (tasks), field_id (tasks, "Title")));
  hangar_test_gui_key (GTK_WINDOW (f->window), "ctrl+f");
  {
    gpointer args[] = { f->window, entry };

    hangar_test_wait_until (focus_inside, args, "Ctrl+F to focus the search");
  }

  /* A name: only the fields that match, in their tables. */
  type_and_wait (GTK_WINDOW (f->window), entry, "budget");
  {
    SearchWait w = { page, projects, field_id (projects, "Budget"), FALSE };

    hangar_test_wait_until (search_shows, &w, "the search to show only Budget");
    g_assert_false (gtk_widget_get_visible (hangar_base_page_get_field_row (page, hangar_table_get_id (projects),
                                                                            field_id (projects, "Status"))));
  }

  /* Nothing matches: said so. */
  hangar_test_gui_type (GTK_WINDOW (f->window), " zz-nothing");
  {
    gpointer args[] = { page, (gpointer) "no-match" };

    hangar_test_wait_until (state_is, args, "the page to say nothing matches");
  }

  /* Escape clears the search: everything is back. */
  hangar_test_gui_key (GTK_WINDOW (f->window), "Escape");
  {
    SearchWait w = { page, projects, field_id (projects, "Status"), TRUE };
    gpointer args[] = { page, (gpointer) "schema" };

    hangar_test_wait_until (search_shows, &w, "Escape to clear the search");
    hangar_test_wait_until (state_is, args, "the schema to show again");
  }

  /* Types and ids are searched too. */
  hangar_test_gui_type (GTK_WINDOW (f->window), field_id (tasks, "Points"));
  {
    SearchWait w = { page, tasks, field_id (tasks, "Points"), FALSE };

    hangar_test_wait_until (search_shows, &w, "the search to find a field by id");
    g_assert_false (gtk_widget_get_visible (hangar_base_page_get_field_row (page, hangar_table_get_id (tasks),
                                                                            field_id (tasks, "Title"))));
  }

  /* Down leaves the entry for the first row shown. */
  hangar_test_gui_key (GTK_WINDOW (f->window), "Down");
  {
    gpointer args[] = { f->window,
                        hangar_base_page_get_field_row (page, hangar_table_get_id (tasks), field_id (tasks, "Points")) };

    hangar_test_wait_until (focus_inside, args, "Down to move to the field found");
  }
}

static gboolean
grid_shows (gpointer data)
{
  gpointer *args = data;
  Fixture *f = args[0];
  GtkWidget *grid = hangar_window_get_record_grid (f->window);

  return grid != NULL && g_strcmp0 (hangar_window_get_content_page (f->window), "grid") == 0 &&
         hangar_record_grid_get_table (HANGAR_RECORD_GRID (grid)) != NULL &&
         g_strcmp0 (hangar_table_get_id (hangar_record_grid_get_table (HANGAR_RECORD_GRID (grid))), args[1]) == 0;
}

static gboolean
row_shown_and_focused (gpointer data)
{
  gpointer *args = data;
  Fixture *f = args[0];
  GtkWidget *row = args[1];
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return g_strcmp0 (hangar_window_get_content_page (f->window), "base") == 0 &&
         GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "hangar-open")) &&
         focus != NULL && (focus == row || gtk_widget_is_ancestor (focus, row));
}

/* The base page opens a table in the grid; a column header's menu leads
 * back to its field on the base page. */
static void
test_open_and_jump (Fixture       *f,
                    gconstpointer  data)
{
  HangarBasePage *page = open_base (f, FALSE);
  HangarTable *tasks = table_named (f, "Tasks");
  g_autofree char *tasks_id = g_strdup (hangar_table_get_id (tasks));
  g_autofree char *points_id = g_strdup (field_id (tasks, "Points"));
  GtkWidget *grid;
  GtkColumnView *view;
  GListModel *columns;
  gboolean found = FALSE;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.open-table", "s", tasks_id));
  {
    gpointer args[] = { f, tasks_id };

    hangar_test_wait_until (grid_shows, args, "the grid to show Tasks");
  }
  /* The sidebar says where we are. */
  {
    GObject *item = hangar_sidebar_get_selected_item (hangar_window_get_sidebar (f->window));

    g_assert_true (HANGAR_IS_SIDEBAR_NODE (item));
    g_assert_cmpstr (hangar_table_get_id (hangar_sidebar_node_get_table (HANGAR_SIDEBAR_NODE (item))), ==, tasks_id);
  }

  /* The Points column's header menu has "Show Field in Schema". */
  grid = hangar_window_get_record_grid (f->window);
  view = hangar_record_grid_get_column_view (HANGAR_RECORD_GRID (grid));
  columns = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      GMenuModel *menu = gtk_column_view_column_get_header_menu (column);
      HangarField *field = g_object_get_data (G_OBJECT (column), "hangar-field");

      if (g_strcmp0 (hangar_field_get_id (field), points_id) != 0)
        continue;
      for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
        {
          GMenuModel *section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);

          for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
            {
              g_autofree char *action = NULL;
              g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (section, j, G_MENU_ATTRIBUTE_TARGET, NULL);

              g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_ACTION, "s", &action);
              if (g_strcmp0 (action, "win.show-field") == 0)
                {
                  const char *b = NULL, *t = NULL, *fld = NULL;

                  g_variant_get (target, "(&s&s&s)", &b, &t, &fld);
                  g_assert_cmpstr (b, ==, f->base_id);
                  g_assert_cmpstr (t, ==, tasks_id);
                  g_assert_cmpstr (fld, ==, points_id);
                  found = TRUE;
                }
            }
          g_clear_object (&section);
        }
    }
  g_assert_true (found);

  /* What the item does: the base page, the field opened and focused. */
  g_assert_true (gtk_widget_activate_action (grid, "win.show-field", "(sss)", f->base_id, tasks_id, points_id));
  {
    gpointer args[] = { f, hangar_base_page_get_field_row (page, tasks_id, points_id) };

    hangar_test_wait_until (row_shown_and_focused, args, "the field in the base page");
  }
}

typedef struct
{
  Fixture    *f;
  const char *table;
  const char *field;
} FieldWait;

static gboolean
page_has_field (gpointer data)
{
  FieldWait *w = data;
  GPtrArray *tables = hangar_base_page_get_tables (page_of (w->f));
  HangarTable *table = tables != NULL ? hangar_table_list_lookup (tables, w->table) : NULL;
  HangarField *field = table != NULL ? hangar_table_lookup_field (table, w->field) : NULL;

  return field != NULL && !hangar_base_page_get_loading (page_of (w->f)) &&
         hangar_base_page_get_field_row (page_of (w->f), hangar_table_get_id (table), hangar_field_get_id (field)) != NULL;
}

static gboolean
dialog_has_error (gpointer data)
{
  return hangar_field_dialog_get_error (HANGAR_FIELD_DIALOG (data)) != NULL &&
         !hangar_field_dialog_get_busy (HANGAR_FIELD_DIALOG (data));
}

/* A new field through the dialog: typed, checked, refused while wrong,
 * then created with its options. */
static void
test_create_field (Fixture       *f,
                   gconstpointer  data)
{
  HangarBasePage *page;
  HangarTable *tasks;
  HangarFieldDialog *dialog;
  HangarFieldEditor *editor;
  g_autoptr(JsonObject) table = NULL;
  JsonObject *field, *options;
  gint64 before;

  if (skip_without_input ())
    return;
  page = open_base (f, FALSE);
  tasks = table_named (f, "Tasks");

  dialog = HANGAR_FIELD_DIALOG (hangar_base_page_add_field (page, hangar_table_get_id (tasks)));
  g_assert_nonnull (dialog);
  editor = hangar_field_dialog_get_editor (dialog);

  /* A name Tasks has (ignoring case): said, and Save does nothing. */
  type_and_wait (GTK_WINDOW (dialog), hangar_field_editor_get_part (editor, "name"), "POINTS");
  {
    ProblemWait w = { editor, "already has a field with this name" };

    hangar_test_wait_until (problem_says, &w, "the dialog to refuse the name");
  }
  before = hangar_test_sandbox_stat (f->sandbox, "requests");
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+Return");
  /* Checking that nothing happens needs time to pass. */
  hangar_test_run_for (300);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "requests"), ==, before);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  /* A date-time field with a time zone Airtable does not know. */
  gtk_editable_set_text (GTK_EDITABLE (hangar_field_editor_get_part (editor, "name")), "");
  type_and_wait (GTK_WINDOW (dialog), hangar_field_editor_get_part (editor, "name"), "Reviewed at");
  select_type (editor, HANGAR_FIELD_TYPE_DATE_TIME);
  select_combo (editor, "time-zone", "Other…");
  select_combo (editor, "time-format", hangar_field_describe_time_format ("12hour"));
  type_and_wait (GTK_WINDOW (dialog), hangar_field_editor_get_part (editor, "time-zone-other"), "Mars/Olympus");
  {
    ProblemWait w = { editor, "is not a time zone" };

    hangar_test_wait_until (problem_says, &w, "the dialog to refuse the time zone");
  }
  gtk_editable_set_text (GTK_EDITABLE (hangar_field_editor_get_part (editor, "time-zone-other")), "");
  type_and_wait (GTK_WINDOW (dialog), hangar_field_editor_get_part (editor, "time-zone-other"), "Europe/Berlin");
  hangar_test_wait_until (no_problem, editor, "the form to be right");

  /* Airtable refuses: its answer is shown, the form kept. */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/faults",
                               "{\"count\":1,\"status\":403,\"path_prefix\":\"/v0/meta/bases\"}");
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+Return");
  hangar_test_wait_until (dialog_has_error, dialog, "the dialog to show Airtable's refusal");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hangar_field_editor_get_part (editor, "name"))), ==, "Reviewed at");
  g_assert_null (sandbox_field (table = sandbox_table (f, "Tasks"), "Reviewed at"));
  g_clear_pointer (&table, json_object_unref);

  /* Again: created, with its options; the page shows it. */
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+Return");
  wait_closed (GTK_WINDOW (dialog));
  table = sandbox_table (f, "Tasks");
  field = sandbox_field (table, "Reviewed at");
  g_assert_nonnull (field);
  g_assert_cmpstr (json_object_get_string_member (field, "type"), ==, "dateTime");
  options = json_object_get_object_member (field, "options");
  g_assert_cmpstr (json_object_get_string_member (options, "timeZone"), ==, "Europe/Berlin");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (options, "timeFormat"), "name"), ==, "12hour");
  {
    FieldWait w = { f, "Tasks", "Reviewed at" };

    hangar_test_wait_until (page_has_field, &w, "the page to show the new field");
  }
  g_assert_nonnull (strstr (hangar_window_get_last_toast (f->window), "Reviewed at"));

  /* A single select with choices and colours, and a description. */
  dialog = HANGAR_FIELD_DIALOG (hangar_base_page_add_field (page, hangar_table_get_id (table_named (f, "Tasks"))));
  editor = hangar_field_dialog_get_editor (dialog);
  type_and_wait (GTK_WINDOW (dialog), hangar_field_editor_get_part (editor, "name"), "Risk");
  select_type (editor, HANGAR_FIELD_TYPE_SINGLE_SELECT);
  for (guint i = 0; i < 2; i++)
    {
      g_signal_emit_by_name (hangar_field_editor_get_part (editor, "add-choice"), "clicked");
      type_and_wait (GTK_WINDOW (dialog), GTK_WIDGET (hangar_field_editor_get_choice_entry (editor, i)),
                     i == 0 ? "Low" : "High");
    }
  gtk_drop_down_set_selected (hangar_field_editor_get_choice_color (editor, 1), 26);   /* redBright */
  type_into (GTK_WINDOW (dialog), hangar_field_editor_get_part (editor, "description"), "How likely it slips");
  hangar_test_wait_until (no_problem, editor, "the form to be right");
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+Return");
  wait_closed (GTK_WINDOW (dialog));
  g_clear_pointer (&table, json_object_unref);
  table = sandbox_table (f, "Tasks");
  field = sandbox_field (table, "Risk");
  g_assert_nonnull (field);
  g_assert_cmpstr (json_object_get_string_member (field, "description"), ==, "How likely it slips");
  {
    JsonArray *choices = json_object_get_array_member (json_object_get_object_member (field, "options"), "choices");

    g_assert_cmpuint (json_array_get_length (choices), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (choices, 0), "name"), ==, "Low");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (choices, 1), "color"), ==,
                     hangar_field_choice_colors ()[26]);
  }
}

typedef struct
{
  GtkTextView *view;
  const char  *text;
} BufferWait;

static gboolean
buffer_is (gpointer data)
{
  BufferWait *w = data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (w->view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strcmp0 (text, w->text) == 0;
}

/* Rename a field and change its description; change a formula; what the
 * API cannot change is shown with the reason. */
static void
test_edit_field (Fixture       *f,
                 gconstpointer  data)
{
  HangarBasePage *page;
  HangarTable *tasks;
  HangarFieldDialog *dialog;
  HangarFieldEditor *editor;
  g_autofree char *points_id = NULL;
  g_autoptr(JsonObject) table = NULL;

  if (skip_without_input ())
    return;
  page = open_base (f, FALSE);
  tasks = table_named (f, "Tasks");
  points_id = g_strdup (field_id (tasks, "Points"));

  dialog = HANGAR_FIELD_DIALOG (hangar_base_page_edit_field (page, hangar_table_get_id (tasks), points_id));
  editor = hangar_field_dialog_get_editor (dialog);
  /* Nothing changed yet: nothing to save. */
  g_assert_nonnull (hangar_field_editor_get_problem (editor));
  /* The number's options stay as they are, and the dialog says why. */
  g_assert_nonnull (hangar_field_editor_get_part (editor, "fixed-reason"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hangar_field_editor_get_part (editor, "fixed-reason"))),
                            "change the options in Airtable"));
  g_assert_true (hangar_test_gui_shows_text (GTK_WIDGET (editor), "Whole numbers"));

  g_assert_true (gtk_widget_grab_focus (hangar_field_editor_get_part (editor, "name")));
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+a");
  hangar_test_gui_type (GTK_WINDOW (dialog), "Story points");
  {
    TextWait w = { GTK_EDITABLE (hangar_field_editor_get_part (editor, "name")), "Story points" };

    hangar_test_wait_until (text_is, &w, "the new name to be typed");
  }
  type_into (GTK_WINDOW (dialog), hangar_field_editor_get_part (editor, "description"), "Fibonacci, please");
  {
    BufferWait w = { GTK_TEXT_VIEW (hangar_field_editor_get_part (editor, "description")), "Fibonacci, please" };

    hangar_test_wait_until (buffer_is, &w, "the description to be typed");
  }
  hangar_test_wait_until (no_problem, editor, "the change to be right");
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+Return");
  wait_closed (GTK_WINDOW (dialog));

  table = sandbox_table (f, "Tasks");
  g_assert_null (sandbox_field (table, "Points"));
  g_assert_cmpstr (json_object_get_string_member (sandbox_field (table, "Story points"), "id"), ==, points_id);
  g_assert_cmpstr (json_object_get_string_member (sandbox_field (table, "Story points"), "description"), ==,
                   "Fibonacci, please");
  {
    FieldWait w = { f, "Tasks", "Story points" };

    hangar_test_wait_until (page_has_field, &w, "the page to show the new name");
  }

  /* A formula's text can change; it is shown and saved with names. */
  tasks = table_named (f, "Tasks");
  dialog = HANGAR_FIELD_DIALOG (hangar_base_page_edit_field (page, hangar_table_get_id (tasks), field_id (tasks, "Late")));
  editor = hangar_field_dialog_get_editor (dialog);
  {
    GtkWidget *formula = hangar_field_editor_get_part (editor, "formula");
    BufferWait w = { GTK_TEXT_VIEW (formula), "AND(NOT({Done}), {Story points} > 3)" };

    g_assert_nonnull (formula);
    g_assert_true (gtk_widget_grab_focus (formula));
    hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+a");
    hangar_test_gui_type (GTK_WINDOW (dialog), w.text);
    hangar_test_wait_until (buffer_is, &w, "the formula to be typed");
  }
  hangar_test_wait_until (no_problem, editor, "the formula change to be right");
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+Return");
  wait_closed (GTK_WINDOW (dialog));
  g_clear_pointer (&table, json_object_unref);
  table = sandbox_table (f, "Tasks");
  {
    g_autofree char *expected = g_strdup_printf ("{%s} > 3", points_id);
    const char *formula = json_object_get_string_member (json_object_get_object_member (sandbox_field (table, "Late"),
                                                                                       "options"), "formula");

    g_assert_nonnull (strstr (formula, expected));
  }

  /* A link field's options: read only, with the reason. */
  tasks = table_named (f, "Tasks");
  dialog = HANGAR_FIELD_DIALOG (hangar_base_page_edit_field (page, hangar_table_get_id (tasks), field_id (tasks, "Project")));
  editor = hangar_field_dialog_get_editor (dialog);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (hangar_field_editor_get_part (editor, "fixed-reason"))),
                            "options of a link field"));
  g_assert_true (hangar_test_gui_shows_text (GTK_WIDGET (editor), "Links to Projects"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

typedef struct
{
  Fixture    *f;
  const char *name;
} NodeWait;

static gboolean
sidebar_lists (gpointer data)
{
  NodeWait *w = data;
  HangarSidebar *sidebar = hangar_window_get_sidebar (w->f->window);
  GListModel *bases = hangar_sidebar_get_account_children (sidebar, w->f->account);

  for (guint i = 0; bases != NULL && i < g_list_model_get_n_items (bases); i++)
    {
      g_autoptr(HangarSidebarNode) base = g_list_model_get_item (bases, i);
      GListModel *tables = hangar_sidebar_get_base_children (sidebar, base);

      for (guint j = 0; tables != NULL && j < g_list_model_get_n_items (tables); j++)
        {
          g_autoptr(HangarSidebarNode) node = g_list_model_get_item (tables, j);

          if (g_strcmp0 (hangar_sidebar_node_get_text (node), w->name) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
table_dialog_ready (gpointer data)
{
  return hangar_table_dialog_get_problem (HANGAR_TABLE_DIALOG (data)) == NULL;
}

/* A new table with its fields, then renamed; the sidebar follows. */
static void
test_create_table (Fixture       *f,
                   gconstpointer  data)
{
  HangarBasePage *page;
  HangarTableDialog *dialog;
  HangarFieldDialog *field_dialog;
  HangarFieldEditor *editor;
  g_autoptr(JsonObject) table = NULL;
  g_autoptr(JsonObject) projects = NULL;

  if (skip_without_input ())
    return;
  page = open_base (f, TRUE);

  dialog = HANGAR_TABLE_DIALOG (hangar_base_page_new_table (page));
  g_assert_nonnull (dialog);
  /* It starts with a primary field, "Name". */
  g_assert_cmpuint (hangar_table_dialog_get_fields (dialog)->len, ==, 1);
  type_and_wait (GTK_WINDOW (dialog), GTK_WIDGET (hangar_table_dialog_get_name_row (dialog)), "Releases");
  type_into (GTK_WINDOW (dialog), GTK_WIDGET (hangar_table_dialog_get_description (dialog)), "What ships when");
  {
    BufferWait w = { hangar_table_dialog_get_description (dialog), "What ships when" };

    hangar_test_wait_until (buffer_is, &w, "the description to be typed");
  }

  /* The primary field may only take the types Airtable allows there. */
  field_dialog = HANGAR_FIELD_DIALOG (hangar_table_dialog_edit_field (dialog, 0));
  editor = hangar_field_dialog_get_editor (field_dialog);
  {
    GListModel *types = adw_combo_row_get_model (ADW_COMBO_ROW (hangar_field_editor_get_part (editor, "type")));

    for (guint i = 0; i < g_list_model_get_n_items (types); i++)
      {
        g_autoptr(GtkStringObject) item = g_list_model_get_item (types, i);

        g_assert_cmpstr (gtk_string_object_get_string (item), !=, "checkbox");
        g_assert_cmpstr (gtk_string_object_get_string (item), !=, "multipleRecordLinks");
      }
  }
  gtk_window_destroy (GTK_WINDOW (field_dialog));

  /* Two more fields, defined in the field dialog (nothing sent yet). */
  field_dialog = HANGAR_FIELD_DIALOG (hangar_table_dialog_edit_field (dialog, 1));
  editor = hangar_field_dialog_get_editor (field_dialog);
  type_and_wait (GTK_WINDOW (field_dialog), hangar_field_editor_get_part (editor, "name"), "Ships on");
  select_type (editor, HANGAR_FIELD_TYPE_DATE);
  select_combo (editor, "date-format", hangar_field_describe_date_format ("european"));
  hangar_test_wait_until (no_problem, editor, "the field to be right");
  hangar_test_gui_key (GTK_WINDOW (field_dialog), "ctrl+Return");
  wait_closed (GTK_WINDOW (field_dialog));
  g_assert_cmpuint (hangar_table_dialog_get_fields (dialog)->len, ==, 2);

  field_dialog = HANGAR_FIELD_DIALOG (hangar_table_dialog_edit_field (dialog, 2));
  editor = hangar_field_dialog_get_editor (field_dialog);
  type_and_wait (GTK_WINDOW (field_dialog), hangar_field_editor_get_part (editor, "name"), "Projects");
  select_type (editor, HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS);
  select_combo (editor, "linked-table", "Projects");
  hangar_test_wait_until (no_problem, editor, "the link to be right");
  hangar_test_gui_key (GTK_WINDOW (field_dialog), "ctrl+Return");
  wait_closed (GTK_WINDOW (field_dialog));

  hangar_test_wait_until (table_dialog_ready, dialog, "the table to be right");
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+Return");
  wait_closed (GTK_WINDOW (dialog));

  table = sandbox_table (f, "Releases");
  g_assert_nonnull (table);
  g_assert_cmpstr (json_object_get_string_member (table, "description"), ==, "What ships when");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (table, "fields")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_object_get_object_member (
                     sandbox_field (table, "Ships on"), "options"), "dateFormat"), "name"), ==, "european");
  projects = sandbox_table (f, "Projects");
  g_assert_nonnull (sandbox_field (projects, "Releases"));   /* the inverse link Airtable added */
  {
    NodeWait w = { f, "Releases" };

    hangar_test_wait_until (sidebar_lists, &w, "the sidebar to list the new table");
  }
  {
    FieldWait w = { f, "Releases", "Ships on" };

    hangar_test_wait_until (page_has_field, &w, "the page to show the new table");
  }

  /* Renamed: the sidebar's row follows in place. */
  dialog = HANGAR_TABLE_DIALOG (hangar_base_page_edit_table (page, hangar_table_get_id (table_named (f, "Releases"))));
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (hangar_table_dialog_get_name_row (dialog))));
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+a");
  hangar_test_gui_type (GTK_WINDOW (dialog), "Launches");
  {
    TextWait w = { hangar_table_dialog_get_name_row (dialog), "Launches" };

    hangar_test_wait_until (text_is, &w, "the new name to be typed");
  }
  hangar_test_wait_until (table_dialog_ready, dialog, "the rename to be right");
  hangar_test_gui_key (GTK_WINDOW (dialog), "ctrl+Return");
  wait_closed (GTK_WINDOW (dialog));
  g_clear_pointer (&table, json_object_unref);
  table = sandbox_table (f, "Launches");
  g_assert_nonnull (table);
  {
    NodeWait w = { f, "Launches" };

    hangar_test_wait_until (sidebar_lists, &w, "the sidebar to show the new name");
  }
}

/* Without the schema.bases:write scope the editor is off, and says why. */
static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  HangarBasePage *page = open_base (f, FALSE);
  g_autoptr(HangarBase) base = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"id\":\"appX\",\"name\":\"Shared\",\"permissionLevel\":\"edit\"}", &error);
  g_autofree char *reason = NULL;

  g_assert_false (hangar_base_page_get_editable (page));
  g_assert_nonnull (strstr (hangar_base_page_get_edit_reason (page), "schema.bases:write"));
  g_assert_true (hangar_test_gui_shows_text (GTK_WIDGET (page), hangar_base_page_get_edit_reason (page)));
  g_assert_null (hangar_base_page_new_table (page));
  g_assert_null (hangar_test_gui_find_toplevel (HANGAR_TYPE_TABLE_DIALOG));
  {
    HangarTable *tasks = table_named (f, "Tasks");

    g_assert_null (hangar_base_page_edit_field (page, hangar_table_get_id (tasks), field_id (tasks, "Points")));
  }

  /* Reading still works in full. */
  g_assert_cmpuint (hangar_base_page_get_tables (page)->len, ==, 3);

  /* The Creator permission is needed too. */
  base = hangar_base_new_from_json (json_node_get_object (node), &error);
  g_assert_no_error (error);
  g_assert_false (hangar_schema_can_edit (NULL, base, &reason));
  g_assert_nonnull (strstr (reason, "Creator permission"));
}

/* 360 px: the page fits, texts wrap. */
static void
test_narrow (Fixture       *f,
             gconstpointer  data)
{
  HangarBasePage *page;
  int minimum = 0, natural = 0;

  gtk_window_set_default_size (GTK_WINDOW (f->window), 360, 720);
  page = open_base (f, FALSE);
  hangar_test_gui_wait_for_frame (GTK_WIDGET (page));
  gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), <=, 400);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (page)), <=, 360);
}

typedef struct
{
  HangarBasePage *page;
  const char     *table_id;
  guint           n_rows;     /* rows made */
} RowsWait;

/* The rows a group shows, in order, as field names ("views" for the
 * views row); hidden ones left out. */
static char *
shown_rows (HangarBasePage *page,
            HangarTable    *table)
{
  GtkWidget *group = hangar_base_page_get_table_group (page, hangar_table_get_id (table));
  GPtrArray *fields = hangar_table_get_fields (table);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *list = NULL;

  for (guint i = 0; i <= fields->len && list == NULL; i++)
    {
      GtkWidget *row = hangar_base_page_get_field_row (page, hangar_table_get_id (table),
                                                       i < fields->len ? hangar_field_get_id (g_ptr_array_index (fields, i)) : "views");

      if (row != NULL)
        list = gtk_widget_get_parent (row);
    }
  g_assert_nonnull (group);
  for (GtkWidget *row = list != NULL ? gtk_widget_get_first_child (list) : NULL; row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row) && gtk_widget_get_visible (row))
      g_string_append_printf (text, "%s%s", text->len > 0 ? "|" : "",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A base of more than 150 fields: tables show their fields on demand; the
 * search makes and shows the fields it finds, in their places. */
static void
test_large_base (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", f->base_id);
  HangarBasePage *page;
  HangarTable *bench;
  g_autofree char *rows = NULL;

  for (guint t = 0; t < 10; t++)
    {
      g_autoptr(GString) spec = g_string_new (NULL);
      g_autoptr(JsonNode) reply = NULL;
      guint status = 0;

      g_string_append_printf (spec, "{\"name\":\"Big %u\",\"fields\":[", t);
      for (guint i = 0; i < 30; i++)
        g_string_append_printf (spec, "%s{\"name\":\"Field %u\",\"type\":\"%s\"}", i > 0 ? "," : "", i,
                                i % 3 == 1 ? "number" : "singleLineText");
      g_string_append (spec, "]}");
      reply = hangar_test_sandbox_request (f->sandbox, "POST", path, f->sandbox->pat, spec->str, &status);
      g_assert_cmpuint (status, ==, 200);
    }
  page = open_base (f, FALSE);
  bench = table_named (f, "Big 3");

  /* Folded: no field rows yet, a row offers them. */
  g_assert_null (hangar_base_page_get_field_row (page, hangar_table_get_id (bench), field_id (bench, "Field 0")));
  g_assert_true (hangar_test_gui_shows_text (hangar_base_page_get_table_group (page, hangar_table_get_id (bench)),
                                             "Show its 30 fields"));

  /* A search makes the rows it finds, in field order. */
  gtk_editable_set_text (hangar_base_page_get_search_entry (page), "field 2");
  g_signal_emit_by_name (hangar_base_page_get_search_entry (page), "search-changed");
  rows = shown_rows (page, bench);
  g_assert_cmpstr (rows, ==, "Field 2|Field 20|Field 21|Field 22|Field 23|Field 24|Field 25|Field 26|Field 27|Field 28|Field 29");
  g_clear_pointer (&rows, g_free);
  gtk_editable_set_text (hangar_base_page_get_search_entry (page), "field 1");
  g_signal_emit_by_name (hangar_base_page_get_search_entry (page), "search-changed");
  rows = shown_rows (page, bench);
  g_assert_cmpstr (rows, ==, "Field 1|Field 10|Field 11|Field 12|Field 13|Field 14|Field 15|Field 16|Field 17|Field 18|Field 19");
  g_clear_pointer (&rows, g_free);

  /* No search: folded again, with the one row that offers the fields. */
  gtk_editable_set_text (hangar_base_page_get_search_entry (page), "");
  g_signal_emit_by_name (hangar_base_page_get_search_entry (page), "search-changed");
  rows = shown_rows (page, bench);
  g_assert_cmpstr (rows, ==, "Show its 30 fields");
  g_clear_pointer (&rows, g_free);

  /* Shown on purpose (from the grid's header): its table unfolds, the
   * field is opened. */
  hangar_base_page_show_field (page, hangar_table_get_id (bench), field_id (bench, "Field 5"));
  g_assert_true (hangar_base_page_get_field_open (page, hangar_table_get_id (bench), field_id (bench, "Field 5")));
  g_assert_true (gtk_widget_get_visible (hangar_base_page_get_field_row (page, hangar_table_get_id (bench),
                                                                        field_id (bench, "Field 5"))));
  rows = shown_rows (page, bench);
  g_assert_true (g_str_has_prefix (rows, "Field 0|Field 1|Field 2|Field 3|Field 4|Field 5|Field 6|"));
  g_assert_true (g_str_has_suffix (rows, "|Field 29|Views"));
  g_clear_pointer (&rows, g_free);

  /* "Show its fields": all of them, in order. */
  bench = table_named (f, "Big 4");
  {
    GtkWidget *group = hangar_base_page_get_table_group (page, hangar_table_get_id (bench));
    GtkWidget *unfold = hangar_test_gui_find_label (group, "Show its 30 fields") != NULL
                        ? gtk_widget_get_ancestor (GTK_WIDGET (hangar_test_gui_find_label (group, "Show its 30 fields")),
                                                   ADW_TYPE_ACTION_ROW) : NULL;
    GString *expected = g_string_new (NULL);

    g_assert_nonnull (unfold);
    g_signal_emit_by_name (unfold, "activated");
    for (guint i = 0; i < 30; i++)
      g_string_append_printf (expected, "Field %u|", i);
    g_string_append (expected, "Views");
    rows = shown_rows (page, bench);
    g_assert_cmpstr (rows, ==, expected->str);
    g_string_free (expected, TRUE);
  }
}

int
main (int   argc,
      char *argv[])
{
  static const char * const read_only_scopes[] = { "data.records:read", "schema.bases:read", "user.email:read", NULL };

  hangar_test_gui_init (&argc, &argv);
  /* Keyboard focus moves between the window and its dialogs through the X
   * server, which without a window manager does not always tell a text
   * entry it lost the focus; its cursor blink then warns. Blinking is not
   * under test. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add ("/hangar/gui/schema/browse", Fixture, NULL, fixture_setup, test_browse, fixture_teardown);
  g_test_add ("/hangar/gui/schema/search", Fixture, NULL, fixture_setup, test_search, fixture_teardown);
  g_test_add ("/hangar/gui/schema/open-and-jump", Fixture, NULL, fixture_setup, test_open_and_jump, fixture_teardown);
  g_test_add ("/hangar/gui/schema/create-field", Fixture, NULL, fixture_setup, test_create_field, fixture_teardown);
  g_test_add ("/hangar/gui/schema/edit-field", Fixture, NULL, fixture_setup, test_edit_field, fixture_teardown);
  g_test_add ("/hangar/gui/schema/create-table", Fixture, NULL, fixture_setup, test_create_table, fixture_teardown);
  g_test_add ("/hangar/gui/schema/read-only", Fixture, read_only_scopes, fixture_setup, test_read_only, fixture_teardown);
  g_test_add ("/hangar/gui/schema/narrow", Fixture, NULL, fixture_setup, test_narrow, fixture_teardown);
  g_test_add ("/hangar/gui/schema/large-base", Fixture, NULL, fixture_setup, test_large_base, fixture_teardown);

  return g_test_run ();
}
