/* test-window-offline.c — the app restarted without Airtable: the window
 * lists the cached bases and tables, the grid shows the cached rows and says
 * it is offline; a disconnected account's cache goes with it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-account-store.h"
#include "hangar-cache.h"
#include "hangar-record-grid-private.h"
#include "hangar-sidebar-node.h"
#include "hangar-sidebar-private.h"
#include "hangar-sidebar.h"
#include "hangar-store.h"
#include "hangar-test-gui.h"
#include "hangar-window-private.h"

typedef struct
{
  HangarTestSandbox  *sandbox;
  HangarAccountStore *store;
  HangarWindow       *window;
  char               *store_path;
} Fixture;

typedef struct
{
  HangarSidebar     *sidebar;
  HangarAccount     *account;
  HangarSidebarNode *base_node;
} SidebarWait;

static gboolean
bases_listed (gpointer data)
{
  SidebarWait *w = data;
  GListModel *bases = hangar_sidebar_get_account_children (w->sidebar, w->account);
  g_autoptr(GObject) first = NULL;

  if (bases == NULL || g_list_model_get_n_items (bases) == 0)
    return FALSE;
  first = g_list_model_get_item (bases, 0);
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) != HANGAR_SIDEBAR_NODE_LOADING;
}

static gboolean
tables_listed (gpointer data)
{
  SidebarWait *w = data;
  GListModel *tables = hangar_sidebar_get_base_children (w->sidebar, w->base_node);
  g_autoptr(GObject) first = NULL;

  if (tables == NULL || g_list_model_get_n_items (tables) == 0)
    return FALSE;
  first = g_list_model_get_item (tables, 0);
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) != HANGAR_SIDEBAR_NODE_LOADING;
}

/* Finds the base named @name among the account's children and lists its
 * tables; returns its node. */
static HangarSidebarNode *
open_base (Fixture       *f,
           HangarAccount *account,
           const char    *name)
{
  SidebarWait w = { hangar_window_get_sidebar (f->window), account, NULL };
  GListModel *bases;

  hangar_sidebar_select_account (w.sidebar, account, TRUE);
  hangar_test_wait_until (bases_listed, &w, "the account's bases");
  bases = hangar_sidebar_get_account_children (w.sidebar, account);
  for (guint i = 0; i < g_list_model_get_n_items (bases); i++)
    {
      g_autoptr(HangarSidebarNode) node = g_list_model_get_item (bases, i);

      if (hangar_sidebar_node_get_kind (node) == HANGAR_SIDEBAR_NODE_BASE &&
          g_strcmp0 (hangar_base_get_name (hangar_sidebar_node_get_base (node)), name) == 0)
        w.base_node = node;
    }
  g_assert_nonnull (w.base_node);
  hangar_sidebar_set_expanded (w.sidebar, w.base_node, TRUE);
  hangar_test_wait_until (tables_listed, &w, "the base's tables");
  return w.base_node;
}

static HangarTable *
table_named (Fixture           *f,
             HangarSidebarNode *base_node,
             const char        *name)
{
  GListModel *tables = hangar_sidebar_get_base_children (hangar_window_get_sidebar (f->window), base_node);

  for (guint i = 0; i < g_list_model_get_n_items (tables); i++)
    {
      g_autoptr(HangarSidebarNode) node = g_list_model_get_item (tables, i);

      if (hangar_sidebar_node_get_kind (node) == HANGAR_SIDEBAR_NODE_TABLE &&
          g_strcmp0 (hangar_table_get_name (hangar_sidebar_node_get_table (node)), name) == 0)
        return hangar_sidebar_node_get_table (node);
    }
  g_error ("No table %s in the sidebar", name);
  return NULL;
}

typedef struct
{
  HangarWindow *window;
  const char   *needle;
} FreshWait;

static gboolean
freshness_says (gpointer data)
{
  FreshWait *w = data;
  GtkWidget *grid = hangar_window_get_record_grid (w->window);

  return grid != NULL && strstr (hangar_record_grid_get_freshness_text (HANGAR_RECORD_GRID (grid)), w->needle) != NULL;
}

static void
open_window (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = hangar_account_store_new_for_path (f->store_path, &error);
  g_assert_no_error (error);
  f->window = g_object_ref_sink (hangar_window_new (NULL, f->store));
  gtk_window_present (GTK_WINDOW (f->window));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, f->window, "the window to map");
}

/* "Quit": the window and the account list go, and with them the cache. */
static void
close_window (Fixture *f)
{
  GtkWindow *weak_window = GTK_WINDOW (f->window);
  HangarAccountStore *weak_store = f->store;

  g_assert_true (hangar_account_store_flush (f->store, NULL));
  g_object_add_weak_pointer (G_OBJECT (weak_window), (gpointer *) &weak_window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_window, "the window to be finalized");
  g_object_add_weak_pointer (G_OBJECT (weak_store), (gpointer *) &weak_store);
  g_clear_object (&f->store);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_store, "the account list to be finalized");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *state = NULL;

  hangar_test_isolate_home ();
  hangar_test_use_file_keyring (NULL);
  state = g_build_filename (g_get_home_dir (), "sandbox-state", NULL);
  f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--state-dir", state, NULL);
  f->store_path = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "hangar", "accounts.json", NULL);
  open_window (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    close_window (f);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
  g_free (f->store_path);
}

static void
test_restart_offline (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *account_id = NULL;
  g_autoptr(GPtrArray) online_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) server_ids = NULL;
  HangarSidebarNode *base_node;
  HangarAccount *account;
  GtkWidget *grid;
  FreshWait fresh;

  /* Answers in a random order (each held 0–250 ms), so that the table's
   * first fill, read in parts, gets its parts back out of order. */
  hangar_test_sandbox_control (f->sandbox, "/__sandbox/latency", "{\"ms\": 0, \"jitter_ms\": 250}");
  /* Connected with a personal access token; the Tasks table opened once. */
  hangar_account_store_connect_pat_async (f->store, "Work", f->sandbox->url, f->sandbox->pat, NULL,
                                          hangar_test_wait_cb, wait);
  /* transfer none: the list keeps it */
  account = hangar_account_store_connect_pat_finish (f->store, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  account_id = g_strdup (hangar_account_get_id (account));
  base_node = open_base (f, account, "Product Roadmap");
  g_assert_true (hangar_sidebar_select_table (hangar_window_get_sidebar (f->window), account,
                                              hangar_table_get_id (table_named (f, base_node, "Tasks"))));
  fresh.window = f->window;
  fresh.needle = "Live · updated";
  hangar_test_wait_until (freshness_says, &fresh, "the table to be cached and live");
  grid = hangar_window_get_record_grid (f->window);
  {
    GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (HANGAR_RECORD_GRID (grid)));

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(HangarRecord) record = g_list_model_get_item (model, i);

        if (!hangar_grid_model_is_add_row (record))
          g_ptr_array_add (online_ids, g_strdup (hangar_record_get_id (record)));
      }
  }
  g_assert_cmpuint (online_ids->len, >, 0);
  /* The order Airtable lists the table in (no view, no sort: the order its
   * records were made). A first fill read in parts (under load, when the
   * round trip looks long) shows rows in the order the parts came until the
   * table opens again (src/store/hangar-cache-write.c). */
  {
    g_autofree char *base_id = hangar_test_sandbox_base_id (f->sandbox, f->sandbox->pat, "Product Roadmap");

    server_ids = hangar_test_sandbox_list_ids (f->sandbox, base_id,
                                               hangar_table_get_id (table_named (f, base_node, "Tasks")), NULL);
  }
  g_assert_cmpuint (server_ids->len, ==, online_ids->len);
  hangar_test_wait_reset (wait);
  close_window (f);

  /* Airtable is out of reach; the app starts again. */
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
  open_window (f);
  account = hangar_account_store_lookup_by_id (f->store, account_id);
  g_assert_nonnull (account);
  /* The cached bases and tables are listed, and the table opens. */
  base_node = open_base (f, account, "Product Roadmap");
  g_assert_true (hangar_sidebar_select_table (hangar_window_get_sidebar (f->window), account,
                                              hangar_table_get_id (table_named (f, base_node, "Tasks"))));
  grid = hangar_window_get_record_grid (f->window);
  g_assert_nonnull (grid);
  {
    GListModel *model = G_LIST_MODEL (hangar_record_grid_get_model (HANGAR_RECORD_GRID (grid)));

    /* The records shown online, in Airtable's order (the "+" row, when
     * there is one, after them). */
    g_assert_cmpuint (g_list_model_get_n_items (model), >=, online_ids->len);
    for (guint i = 0; i < server_ids->len; i++)
      {
        g_autoptr(HangarRecord) record = g_list_model_get_item (model, i);

        g_assert_cmpstr (hangar_record_get_id (record), ==, g_ptr_array_index (server_ids, i));
        g_assert_true (g_ptr_array_find_with_equal_func (online_ids, hangar_record_get_id (record), g_str_equal, NULL));
      }
    for (guint i = server_ids->len; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(HangarRecord) record = g_list_model_get_item (model, i);

        g_assert_true (hangar_grid_model_is_add_row (record));
      }
  }
  fresh.window = f->window;
  fresh.needle = "Offline — showing data from";
  hangar_test_wait_until (freshness_says, &fresh, "the grid to say it is offline");
  hangar_test_gui_wait_for_text (GTK_WIDGET (hangar_record_grid_get_column_view (HANGAR_RECORD_GRID (grid))),
                                 "Wireframes");
}

static gboolean
question_shown (gpointer data)
{
  return hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
question_gone (gpointer data)
{
  return hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

static gboolean
file_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

/* Disconnecting the account whose table the grid shows (live, requests
 * in flight) deletes its offline copy and its state too. */
static void
test_disconnect_deletes_cache (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_path = NULL;
  g_autofree char *state_path = NULL;
  g_autofree char *account_id = NULL;
  HangarSidebarNode *base_node;
  HangarAccount *account;
  GtkWindow *question;
  FreshWait fresh;

  hangar_account_store_connect_pat_async (f->store, "Work", f->sandbox->url, f->sandbox->pat, NULL,
                                          hangar_test_wait_cb, wait);
  account = hangar_account_store_connect_pat_finish (f->store, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  account_id = g_strdup (hangar_account_get_id (account));
  base_node = open_base (f, account, "Product Roadmap");
  g_assert_true (hangar_sidebar_select_table (hangar_window_get_sidebar (f->window), account,
                                              hangar_table_get_id (table_named (f, base_node, "Tasks"))));
  fresh.window = f->window;
  fresh.needle = "Live · updated";
  hangar_test_wait_until (freshness_says, &fresh, "the table to be cached and live");
  cache_path = hangar_store_path_for_account (account_id, HANGAR_STORE_CACHE);
  state_path = hangar_store_path_for_account (account_id, HANGAR_STORE_STATE);
  g_assert_true (g_file_test (cache_path, G_FILE_TEST_EXISTS));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.disconnect-account", "s", account_id));
  hangar_test_wait_until (question_shown, NULL, "the confirmation");
  question = hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (question), "confirm");
  gtk_window_close (question);
  hangar_test_wait_until (question_gone, NULL, "the confirmation to close");

  /* The window is still open; its grid let go of the account. */
  hangar_test_wait_until (file_gone, cache_path, "the offline copy to be deleted");
  hangar_test_wait_until (file_gone, state_path, "the state database to be deleted");
  g_assert_null (hangar_record_grid_get_table (HANGAR_RECORD_GRID (hangar_window_get_record_grid (f->window))));
  g_assert_null (hangar_account_store_lookup_by_id (f->store, account_id));
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);

  g_test_add ("/hangar/gui/window-offline/restart", Fixture, NULL, fixture_setup, test_restart_offline,
              fixture_teardown);
  g_test_add ("/hangar/gui/window-offline/disconnect", Fixture, NULL, fixture_setup,
              test_disconnect_deletes_cache, fixture_teardown);
  return g_test_run ();
}
