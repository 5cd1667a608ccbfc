/* test-grid-cache.c — the grid from the offline cache: restart offline,
 * sort / filter / search on cached rows, catching up, live updates from
 * another user, a damaged cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hangar-cache.h"
#include "hangar-client.h"
#include "hangar-filter-editor.h"
#include "hangar-record-grid-private.h"
#include "hangar-sort-editor.h"
#include "hangar-sync.h"
#include "hangar-test-gui.h"

#define OTHER "other@hangar.test"

typedef struct
{
  HangarTestSandbox *sandbox;
  char              *state_dir;
  char              *port;
  char              *base_id;
  HangarTable       *table;
  HangarClient      *client;
  HangarCache       *cache;
  HangarSync        *sync;
  GtkWindow         *window;
  HangarRecordGrid  *grid;
} Fixture;

/* ---- helpers ---- */

static gboolean
grid_loaded (gpointer data)
{
  return !hangar_record_grid_get_loading (HANGAR_RECORD_GRID (data));
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

/* Waits for a load from Airtable the caller started (see test-grid.c). */
static void
wait_reload (HangarRecordGrid *grid)
{
  ReloadWait wait = { grid, hangar_record_grid_get_loading (grid) };
  gulong handler = g_signal_connect (grid, "notify::loading", G_CALLBACK (loading_notify_cb), &wait);

  hangar_test_wait_until (reload_done, &wait, "the grid to load");
  g_signal_handler_disconnect (grid, handler);
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

typedef struct
{
  HangarRecordGrid *grid;
  const char       *needle;
} TextWait;

static gboolean
freshness_says_cb (gpointer data)
{
  TextWait *w = data;

  return strstr (hangar_record_grid_get_freshness_text (w->grid), w->needle) != NULL;
}

static void
wait_freshness (HangarRecordGrid *grid,
                const char       *needle)
{
  TextWait w = { grid, needle };

  hangar_test_wait_until (freshness_says_cb, &w, needle);
}

static gboolean
table_complete_cb (gpointer data)
{
  Fixture *fx = data;
  HangarCacheTableState state;

  hangar_cache_get_table_state (fx->cache, fx->base_id, hangar_table_get_id (fx->table), &state);
  return state.complete && !hangar_record_grid_get_loading (fx->grid);
}

static void
open_cache (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  fx->cache = hangar_cache_get_for_account ("grid-cache-test", &error);
  g_assert_no_error (error);
}

static void
show_grid (Fixture *fx)
{
  fx->sync = hangar_sync_new (fx->client, fx->cache);
  hangar_sync_set_poll_interval (fx->sync, 100);
  fx->grid = g_object_ref_sink (HANGAR_RECORD_GRID (hangar_record_grid_new ()));
  fx->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fx->window, 1280, 800);
  gtk_window_set_child (fx->window, GTK_WIDGET (fx->grid));
  gtk_window_present (fx->window);
  hangar_record_grid_set_sync (fx->grid, fx->sync);
  hangar_record_grid_show_table_with_client (fx->grid, fx->client, fx->base_id, fx->table);
}

static void
close_grid (Fixture *fx)
{
  HangarRecordGrid *weak_grid = fx->grid;
  HangarSync *weak_sync = fx->sync;

  gtk_window_destroy (fx->window);
  g_object_add_weak_pointer (G_OBJECT (weak_grid), (gpointer *) &weak_grid);
  g_object_add_weak_pointer (G_OBJECT (weak_sync), (gpointer *) &weak_sync);
  g_clear_object (&fx->grid);
  g_clear_object (&fx->sync);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_grid, "the grid to be finalized");
  /* Requests in flight hold the sync a moment; then it goes. */
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_sync, "the sync to be finalized");
}

static void
start_sandbox (Fixture *fx)
{
  const char *first[] = { "--no-rate-limit", "--state-dir", fx->state_dir, NULL };
  const char *again[] = { "--no-rate-limit", "--state-dir", fx->state_dir, "--port", fx->port, NULL };

  fx->sandbox = hangar_test_sandbox_startv (fx->port == NULL ? first : again);
  if (fx->port == NULL)
    fx->port = g_strdup (strrchr (fx->sandbox->url, ':') + 1);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(JsonNode) tables_node = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(HangarTokenSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *share = NULL;

  fx->state_dir = g_build_filename (g_get_home_dir (), "sandbox-state", NULL);
  start_sandbox (fx);
  fx->base_id = hangar_test_sandbox_base_id (fx->sandbox, fx->sandbox->pat, "Product Roadmap");
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", fx->base_id);
  tables_node = hangar_test_sandbox_get (fx->sandbox, path);
  tables = hangar_table_list_from_json (tables_node, &error);
  g_assert_no_error (error);
  fx->table = g_object_ref (hangar_table_list_lookup (tables, "Tasks"));
  share = g_strdup_printf ("{\"base\":\"%s\",\"user\":\"" OTHER "\",\"permission\":\"edit\"}", fx->base_id);
  hangar_test_sandbox_control (fx->sandbox, "/__sandbox/share", share);

  source = hangar_static_token_source_new (fx->sandbox->pat);
  fx->client = hangar_client_new (fx->sandbox->url, source);
  hangar_client_set_pacing (fx->client, FALSE);
  open_cache (fx);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  if (fx->grid != NULL)
    close_grid (fx);
  g_clear_object (&fx->cache);
  g_clear_object (&fx->client);
  g_clear_object (&fx->table);
  g_free (fx->base_id);
  g_clear_pointer (&fx->sandbox, hangar_test_sandbox_stop);
  hangar_store_delete_account ("grid-cache-test", NULL);
  g_free (fx->state_dir);
  g_free (fx->port);
}

/* ---- queries the grid runs: online by Airtable, offline on the cache ---- */

typedef enum
{
  QUERY_SORT,
  QUERY_FILTER_NUMBER,
  QUERY_FILTER_CONTAINS,
  QUERY_FILTER_LABEL,
  QUERY_FILTER_DATE,
  QUERY_FILTER_ANY,
  QUERY_SEARCH,
  N_QUERIES
} Query;

static void
set_query (HangarRecordGrid *grid,
           Query             query)
{
  HangarSortEditor *sort = hangar_record_grid_get_sort_editor (grid);
  HangarFilterEditor *filter = hangar_record_grid_get_filter_editor (grid);

  switch (query)
    {
    case QUERY_SORT:
      hangar_sort_editor_add_sort (sort, "Points", TRUE);
      hangar_sort_editor_add_sort (sort, "Title", FALSE);
      break;
    case QUERY_FILTER_NUMBER:
      hangar_filter_editor_add_condition (filter, "Points", HANGAR_FILTER_GT, "3");
      hangar_filter_editor_apply (filter);
      break;
    case QUERY_FILTER_CONTAINS:
      hangar_filter_editor_add_condition (filter, "Title", HANGAR_FILTER_CONTAINS, "IN");
      hangar_filter_editor_apply (filter);
      break;
    case QUERY_FILTER_LABEL:
      hangar_filter_editor_add_condition (filter, "Labels", HANGAR_FILTER_CONTAINS, "bug");
      hangar_filter_editor_apply (filter);
      break;
    case QUERY_FILTER_DATE:
      hangar_filter_editor_add_condition (filter, "Due", HANGAR_FILTER_BEFORE, "2030-01-01");
      hangar_filter_editor_add_condition (filter, "Done", HANGAR_FILTER_NOT_CHECKED, NULL);
      hangar_filter_editor_apply (filter);
      break;
    case QUERY_FILTER_ANY:
      hangar_filter_editor_set_match_any (filter, TRUE);
      hangar_filter_editor_add_condition (filter, "Points", HANGAR_FILTER_IS_EMPTY, NULL);
      hangar_filter_editor_add_condition (filter, "Title", HANGAR_FILTER_IS, "Wireframes");
      hangar_filter_editor_apply (filter);
      break;
    case QUERY_SEARCH:
      hangar_record_grid_set_search (grid, "o");
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
clear_query (HangarRecordGrid *grid,
             Query             query)
{
  HangarSortEditor *sort = hangar_record_grid_get_sort_editor (grid);
  HangarFilterEditor *filter = hangar_record_grid_get_filter_editor (grid);

  if (query == QUERY_SORT)
    hangar_sort_editor_clear (sort);
  else if (query == QUERY_SEARCH)
    hangar_record_grid_set_search (grid, NULL);
  else
    {
      hangar_filter_editor_clear (filter);
      hangar_filter_editor_apply (filter);
    }
}

typedef struct
{
  HangarRecordGrid *grid;
  GtkWidget        *view;
  const char       *text;
  guint             n;
} Gone;

static gboolean
gone_cb (gpointer data)
{
  Gone *gone = data;

  return !hangar_test_gui_shows_text (gone->view, gone->text) &&
         g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (gone->grid))) == gone->n;
}

/* ---- tests ---- */

/* The app restarted without a network: the cached rows at once, said to be
 * offline; sort, filter and search give what Airtable gave; the network
 * back, the grid catches up. */
static void
test_offline_restart (Fixture       *fx,
                      gconstpointer  data)
{
  GPtrArray *online[N_QUERIES];
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *change = NULL;
  guint n_first = 0;

  /* Online: the table is cached, and Airtable answers each query. */
  show_grid (fx);
  hangar_test_wait_until (table_complete_cb, fx, "the table to be cached");
  wait_freshness (fx->grid, "Live");
  all = grid_ids (fx->grid);
  g_assert_cmpuint (all->len, >, 3);
  for (Query q = 0; q < N_QUERIES; q++)
    {
      set_query (fx->grid, q);
      wait_reload (fx->grid);
      online[q] = grid_ids (fx->grid);
      g_assert_cmpuint (online[q]->len, >, 0);
      clear_query (fx->grid, q);
      hangar_test_wait_until (grid_loaded, fx->grid, "the table again");
    }
  close_grid (fx);

  /* Airtable is gone; the app starts again. */
  g_clear_pointer (&fx->sandbox, hangar_test_sandbox_stop);
  show_grid (fx);
  /* The first rows are there before the main loop ran once. */
  g_object_get (fx->grid, "n-records", &n_first, NULL);
  g_assert_cmpuint (n_first, ==, all->len);
  hangar_test_wait_until (grid_loaded, fx->grid, "the cached rows");
  assert_same_ids (all, grid_ids (fx->grid));
  wait_freshness (fx->grid, "Offline — showing data from");
  hangar_test_gui_wait_for_text (GTK_WIDGET (hangar_record_grid_get_column_view (fx->grid)), "Wireframes");

  for (Query q = 0; q < N_QUERIES; q++)
    {
      g_autoptr(GPtrArray) offline = NULL;

      set_query (fx->grid, q);
      /* Worked out on the store's thread: wait for the rows it gives. */
      hangar_test_run_for (q == QUERY_SEARCH ? 400 : 0);  /* the search entry's debounce is real time */
      hangar_test_wait_until (grid_loaded, fx->grid, "the offline query");
      offline = grid_ids (fx->grid);
      g_test_message ("query %d: %u online, %u offline", q, online[q]->len, offline->len);
      assert_same_ids (online[q], offline);
      g_assert_null (hangar_record_grid_get_offline_note (fx->grid));
      clear_query (fx->grid, q);
      hangar_test_run_for (q == QUERY_SEARCH ? 400 : 0);
      hangar_test_wait_until (grid_loaded, fx->grid, "the table again");
      g_ptr_array_unref (online[q]);
    }

  /* A formula beyond the filter editor's: said, not silently wrong. */
  hangar_filter_editor_set_raw_formula (hangar_record_grid_get_filter_editor (fx->grid), "LEN({Title}) > 8");
  hangar_filter_editor_apply (hangar_record_grid_get_filter_editor (fx->grid));
  hangar_test_wait_until (grid_loaded, fx->grid, "the unfiltered rows");
  g_assert_nonnull (hangar_record_grid_get_offline_note (fx->grid));
  g_assert_nonnull (strstr (hangar_record_grid_get_offline_note (fx->grid), "not available offline"));
  assert_same_ids (all, grid_ids (fx->grid));
  hangar_filter_editor_clear (hangar_record_grid_get_filter_editor (fx->grid));
  hangar_filter_editor_apply (hangar_record_grid_get_filter_editor (fx->grid));

  /* Airtable is back (and another user changed a record meanwhile); a
   * reload catches up, and the rows are live again. */
  start_sandbox (fx);
  change = g_strdup_printf ("{\"base\":\"%s\",\"table\":\"Tasks\",\"user\":\"" OTHER "\","
                            "\"update\":{\"id\":\"%s\",\"fields\":{\"Title\":\"Changed while you were away\"}}}",
                            fx->base_id, (char *) g_ptr_array_index (all, 0));
  hangar_test_sandbox_control (fx->sandbox, "/__sandbox/edit", change);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->grid), "grid.reload", NULL));
  wait_freshness (fx->grid, "Live");
  hangar_test_gui_wait_for_text (GTK_WIDGET (hangar_record_grid_get_column_view (fx->grid)),
                                 "Changed while you were away");
}

/* Two users: one edits through the API, the other's grid shows it within
 * seconds without a reload — a change, a new record, a deleted one. */
static void
test_live_two_users (Fixture       *fx,
                     gconstpointer  data)
{
  const char *other_pat = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) answer = NULL;
  GtkWidget *view;
  guint status = 0;

  for (guint i = 0; i < 8 && other_pat == NULL; i++)
    if (g_strcmp0 (hangar_test_sandbox_user (fx->sandbox, i, "email"), OTHER) == 0)
      other_pat = hangar_test_sandbox_user (fx->sandbox, i, "pat");
  g_assert_nonnull (other_pat);

  show_grid (fx);
  view = GTK_WIDGET (hangar_record_grid_get_column_view (fx->grid));
  hangar_test_wait_until (table_complete_cb, fx, "the table to be cached");
  wait_freshness (fx->grid, "Live");
  before = grid_ids (fx->grid);

  path = g_strdup_printf ("/v0/%s/Tasks/%s", fx->base_id, (char *) g_ptr_array_index (before, 1));
  answer = hangar_test_sandbox_request (fx->sandbox, "PATCH", path, other_pat,
                                        "{\"fields\":{\"Title\":\"Edited by Oskar\"}}", &status);
  g_assert_cmpuint (status, ==, 200);
  hangar_test_gui_wait_for_text (view, "Edited by Oskar");

  g_free (path);
  path = g_strdup_printf ("/v0/%s/Tasks", fx->base_id);
  created = hangar_test_sandbox_request (fx->sandbox, "POST", path, other_pat,
                                         "{\"fields\":{\"Title\":\"Oskar's new task\"}}", &status);
  g_assert_cmpuint (status, ==, 200);
  hangar_test_gui_wait_for_text (view, "Oskar's new task");

  g_clear_pointer (&answer, json_node_unref);
  g_free (path);
  path = g_strdup_printf ("/v0/%s/Tasks/%s", fx->base_id, (char *) g_ptr_array_index (before, 1));
  answer = hangar_test_sandbox_request (fx->sandbox, "DELETE", path, other_pat, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  {
    Gone gone = { fx->grid, view, "Edited by Oskar", before->len };

    /* One more and one less than before. */
    hangar_test_wait_until (gone_cb, &gone, "the deleted record to leave the grid");
  }
}

/* A cache file that is not a database: rebuilt, the user told, the table
 * fetched again. */
static void
test_damaged_cache (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *path = hangar_store_path_for_account ("grid-cache-test", HANGAR_STORE_CACHE);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GError) error = NULL;

  show_grid (fx);
  hangar_test_wait_until (table_complete_cb, fx, "the table to be cached");
  close_grid (fx);
  {
    HangarCache *weak_cache = fx->cache;

    /* Nothing else holds it: the file is closed. */
    g_object_add_weak_pointer (G_OBJECT (weak_cache), (gpointer *) &weak_cache);
    g_clear_object (&fx->cache);
    g_assert_null (weak_cache);
  }

  g_assert_true (g_file_set_contents (path, "This is not an SQLite database, not even close. ", -1, &error));
  g_assert_no_error (error);
  g_unlink (wal);

  open_cache (fx);
  g_assert_nonnull (strstr (hangar_cache_get_recovery_note (fx->cache), "damaged"));
  g_assert_nonnull (strstr (hangar_cache_get_recovery_note (fx->cache), "rebuilt"));
  show_grid (fx);
  /* The grid told the user (a toast in the window; here, outside one, the
   * note it showed is remembered on the cache so it is told once). */
  g_assert_cmpstr (g_object_get_data (G_OBJECT (fx->cache), "hangar-grid-note-shown"), ==,
                   hangar_cache_get_recovery_note (fx->cache));
  hangar_test_wait_until (table_complete_cb, fx, "the table to be cached again");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (fx->grid))), >, 0);
}

/* A cached table longer than a screen, opened in a window on screen: at
 * once only the rows that fill it; until a frame with them is drawn the
 * rest is not listed and the sync sends nothing; then every row, and the
 * sync refreshes. (The sync has a client of its own here, so that its
 * requests are told from the grid's.) */
static gboolean
first_fill_done_cb (gpointer data)
{
  gpointer *args = data;
  HangarCacheTableState state;

  hangar_cache_get_table_state (args[0], args[1], args[2], &state);
  return state.complete && !hangar_sync_get_filling (args[3], args[1], args[2], NULL);
}

static gboolean
requests_sent_cb (gpointer data)
{
  gpointer *args = data;

  return hangar_client_get_n_requests (args[0]) > GPOINTER_TO_SIZE (args[1]);
}

typedef struct
{
  HangarClient     *client;     /* the sync's */
  HangarRecordGrid *grid;
  gboolean          painted;
  gboolean          in_time;    /* drawn before the grid stopped waiting for it */
  guint64           requests;   /* sent by the end of the first frame */
  guint             n_rows;     /* in the model then */
} FirstFrame;

static void
first_frame_cb (GdkFrameClock *clock,
                FirstFrame    *first)
{
  if (first->painted)
    return;
  first->painted = TRUE;
  /* Connected before the grid's own handler: the grid has not seen it. */
  first->in_time = first->grid->first_frame_timeout != 0;
  first->requests = hangar_client_get_n_requests (first->client);
  first->n_rows = g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (first->grid)));
}

static void
test_first_screen (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--quiet",
                                                                    "--generate", "Long:400", NULL);
  g_autoptr(HangarTokenSource) source = hangar_static_token_source_new (sandbox->pat);
  g_autoptr(HangarClient) client = hangar_client_new (sandbox->url, source);
  g_autoptr(HangarClient) sync_client = hangar_client_new (sandbox->url, source);
  g_autofree char *base_id = hangar_test_sandbox_base_id (sandbox, sandbox->pat, "Long");
  g_autofree char *path = g_strdup_printf ("/v0/meta/bases/%s/tables", base_id);
  g_autoptr(JsonNode) tables_node = hangar_test_sandbox_get (sandbox, path);
  g_autoptr(GPtrArray) tables = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  HangarTable *table;
  HangarRecordGrid *grid;
  GtkWindow *window;
  gpointer args[4];
  guint64 sent;
  guint n_first;
  FirstFrame first = { sync_client };
  gulong handler;

  hangar_client_set_pacing (client, FALSE);
  hangar_client_set_pacing (sync_client, FALSE);
  tables = hangar_table_list_from_json (tables_node, &error);
  g_assert_no_error (error);
  table = hangar_table_list_lookup (tables, "Records");
  all = hangar_test_sandbox_list_ids (sandbox, base_id, hangar_table_get_id (table), NULL);
  g_assert_cmpuint (all->len, ==, 400);

  /* Cached once... */
  {
    g_autoptr(HangarCache) cache = hangar_cache_get_for_account ("grid-cache-first", &error);
    g_autoptr(HangarSync) sync = NULL;

    g_assert_no_error (error);
    sync = hangar_sync_new (client, cache);
    args[0] = cache;
    args[1] = base_id;
    args[2] = (gpointer) hangar_table_get_id (table);
    args[3] = sync;
    hangar_sync_watch_table (sync, base_id, table);
    hangar_test_wait_until (first_fill_done_cb, args, "the table to be cached");
    hangar_sync_unwatch_table (sync, base_id, hangar_table_get_id (table));
  }

  /* ... and opened again, as after a restart, in a window on screen. */
  {
    g_autoptr(HangarCache) cache = hangar_cache_get_for_account ("grid-cache-first", &error);
    g_autoptr(HangarSync) sync = NULL;
    HangarRecordGrid *weak_grid;

    g_assert_no_error (error);
    sync = hangar_sync_new (sync_client, cache);
    grid = g_object_ref_sink (HANGAR_RECORD_GRID (hangar_record_grid_new ()));
    window = GTK_WINDOW (gtk_window_new ());
    gtk_window_set_default_size (window, 900, 500);
    gtk_window_set_child (window, GTK_WIDGET (grid));
    gtk_window_present (window);
    hangar_test_gui_wait_for_frame (GTK_WIDGET (window));
    hangar_record_grid_set_sync (grid, sync);
    sent = hangar_client_get_n_requests (sync_client);
    first.grid = grid;
    handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                                G_CALLBACK (first_frame_cb), &first);
    hangar_record_grid_show_table_with_client (grid, client, base_id, table);

    n_first = g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (grid)));
    g_test_message ("first screen: %u rows", n_first);
    g_assert_cmpuint (n_first, >, 10);       /* 500 pixels of rows */
    g_assert_cmpuint (n_first, <, 60);
    g_assert_true (hangar_record_grid_get_loading (grid));

    /* Until the first frame is drawn: no request, no other row. */
    hangar_test_wait_until (hangar_test_flag_is_set, &first.painted, "the first frame");
    g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), handler);
    if (first.in_time)
      {
        g_assert_cmpuint (first.requests, ==, sent);
        g_assert_cmpuint (first.n_rows, ==, n_first);
      }
    else
      /* Not drawn for seconds (a machine far too busy): the grid went on. */
      g_test_message ("the first frame came after the grid stopped waiting: not checked");

    /* Then the rest of the table, in the table's order, and a refresh. */
    hangar_test_wait_until (grid_loaded, grid, "every row");
    assert_same_ids (all, grid_ids (grid));
    args[0] = sync_client;
    args[1] = GSIZE_TO_POINTER (sent);
    hangar_test_wait_until (requests_sent_cb, args, "the sync to refresh the table");

    weak_grid = grid;
    g_object_add_weak_pointer (G_OBJECT (weak_grid), (gpointer *) &weak_grid);
    gtk_window_destroy (window);
    g_object_unref (grid);
    hangar_test_wait_until (hangar_test_pointer_is_null, &weak_grid, "the grid to be finalized");
  }
  hangar_store_delete_account ("grid-cache-first", NULL);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);
  hangar_test_isolate_home ();

  g_test_add ("/hangar/gui/grid-cache/offline-restart", Fixture, NULL, fixture_set_up, test_offline_restart,
              fixture_tear_down);
  g_test_add ("/hangar/gui/grid-cache/live-two-users", Fixture, NULL, fixture_set_up, test_live_two_users,
              fixture_tear_down);
  g_test_add ("/hangar/gui/grid-cache/damaged-cache", Fixture, NULL, fixture_set_up, test_damaged_cache,
              fixture_tear_down);
  g_test_add_func ("/hangar/gui/grid-cache/first-screen", test_first_screen);
  return g_test_run ();
}
