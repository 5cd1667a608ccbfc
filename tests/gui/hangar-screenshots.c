/* hangar-screenshots.c — renders Hangar's main views to PNG (a tool, not a test)
 *
 *   hangar-screenshots DIR
 *
 * Runs the application as `hangar --sandbox` does, in a throw-away home
 * (config, data, cache and a file keyring in a new temporary directory),
 * with the sandbox on any free port, and walks its window through the main
 * views: main-empty, add-account, consent, account, grid, base-page,
 * base-page-narrow, field-dialog, activity, console, overview,
 * import-preview, editing (a date cell's editor over the grid), changes
 * (the changes list: one failed, two waiting out a 429) → DIR/<view>.png.
 * build-aux/hangar-screenshots.sh runs it under Xvfb.
 *
 * A small state machine: each step waits (polling the main loop, never
 * sleeping) until the view it needs is ready, saves it, then goes on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include <libsoup/soup.h>

#include "hangar-account-page.h"
#include "hangar-accounts-overview.h"
#include "hangar-activity-view.h"
#include "hangar-add-account-dialog.h"
#include "hangar-application-private.h"
#include "hangar-base-page.h"
#include "hangar-changes-button.h"
#include "hangar-field-dialog.h"
#include "hangar-compat.h"
#include "hangar-connect.h"
#include "hangar-consent-private.h"
#include "hangar-console-view.h"
#include "hangar-import-dialog.h"
#include "hangar-record-grid-private.h"
#include "hangar-request-log.h"
#include "hangar-sidebar-private.h"
#include "hangar-sidebar-reveal.h"
#include "hangar-test-consent.h"
#include "hangar-record-grid.h"
#include "hangar-window-private.h"

#define POLL_MS      100
#define SETTLE_TICKS 8        /* frames to let animations end before a shot */
#define MAX_TICKS    600      /* 60 s per step */

typedef struct _Shots Shots;
typedef gboolean (*ReadyFunc) (Shots *shots);
typedef void     (*StepFunc)  (Shots *shots);

struct _Shots
{
  HangarWindow  *window;
  char          *dir;
  char          *pat;
  GtkWindow     *dialog;
  HangarAccount *account;
  ReadyFunc      ready;
  StepFunc       next;
  guint          ticks;
  guint          settled;
  guint          failures;
  char          *table_id;    /* the grid's table (the one with most fields) */
};

static void step_add_account (Shots *shots);
static void select_first_table (Shots *shots);
static void step_activity (Shots *shots);
static void step_editing (Shots *shots);
static gboolean editor_ready (Shots *shots);

static void
shots_free (Shots *shots)
{
  g_clear_object (&shots->window);
  g_clear_object (&shots->account);
  g_free (shots->dir);
  g_free (shots->pat);
  g_free (shots->table_id);
  g_free (shots);
}

static int exit_status;

static void
finish (Shots *shots)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (shots->window));

  /* build-aux/hangar-screenshots.sh checks that every file was written. */
  g_printerr ("hangar-screenshots: done (%u failed)\n", shots->failures);
  if (shots->failures > 0)
    exit_status = 1;
  shots_free (shots);
  if (app != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
save (Shots      *shots,
      GtkWidget  *widget,
      const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (shots->dir, file, NULL);

  if (!hangar_compat_save_widget_png (widget, path, &error))
    {
      shots->failures++;
      g_printerr ("hangar-screenshots: %s: %s\n", name, error->message);
      return;
    }
  g_printerr ("hangar-screenshots: wrote %s\n", path);
}

/* @window with @popover (a native surface of its own, so not in the
 * window's own rendering) drawn over it where it is on screen. */
static void
save_with_popover (Shots      *shots,
                   GtkWidget  *window,
                   GtkWidget  *popover,
                   const char *name)
{
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (shots->dir, file, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  double window_x, window_y, popover_x, popover_y;
  g_autoptr(GdkPaintable) window_paintable = gtk_widget_paintable_new (window);
  g_autoptr(GdkPaintable) popover_paintable = gtk_widget_paintable_new (popover);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (renderer == NULL || surface == NULL || !GDK_IS_POPUP (surface) || width <= 0 || height <= 0)
    {
      shots->failures++;
      g_printerr ("hangar-screenshots: %s: the popover is not on screen\n", name);
      return;
    }
  /* The popup's place is given relative to the window's surface; each
   * widget sits in its surface at the surface transform (the shadow). */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
  gdk_paintable_snapshot (window_paintable, GDK_SNAPSHOT (snapshot), width, height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (gdk_popup_get_position_x (GDK_POPUP (surface)) + popover_x - window_x,
                                                          gdk_popup_get_position_y (GDK_POPUP (surface)) + popover_y - window_y));
  gdk_paintable_snapshot (popover_paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (popover), gtk_widget_get_height (popover));
  gtk_snapshot_restore (snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      shots->failures++;
      g_printerr ("hangar-screenshots: could not write %s\n", path);
      return;
    }
  g_printerr ("hangar-screenshots: wrote %s\n", path);
}

/* A call of the sandbox's control API (src/sandbox/README.md). */
static gboolean
sandbox_control (const char *route,
                 const char *body)
{
  HangarSandboxLauncher *sandbox = _hangar_application_get_sandbox (HANGAR_APPLICATION (g_application_get_default ()));
  g_autofree char *uri = g_strconcat (hangar_sandbox_launcher_get_url (sandbox), "/__sandbox/", route, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  if (reply == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_printerr ("hangar-screenshots: sandbox %s: %s\n", route,
                  error != NULL ? error->message : soup_message_get_reason_phrase (msg));
      return FALSE;
    }
  return TRUE;
}

static gboolean
poll_cb (gpointer user_data)
{
  Shots *shots = user_data;

  if (shots->ready != NULL && !shots->ready (shots))
    {
      if (++shots->ticks > MAX_TICKS)
        {
          g_printerr ("hangar-screenshots: timed out waiting for a view\n");
          shots->failures++;
          finish (shots);
          return G_SOURCE_REMOVE;
        }
      return G_SOURCE_CONTINUE;
    }

  /* Ready: give rendering a few more ticks to settle. */
  if (shots->settled++ < SETTLE_TICKS)
    return G_SOURCE_CONTINUE;

  shots->ticks = 0;
  shots->settled = 0;
  shots->ready = NULL;
  shots->next (shots);
  return G_SOURCE_REMOVE;
}

static void
wait_then (Shots     *shots,
           ReadyFunc  ready,
           StepFunc   next)
{
  shots->ready = ready;
  shots->next = next;
  g_timeout_add (POLL_MS, poll_cb, shots);
}

static gboolean
window_ready (Shots *shots)
{
  return gtk_widget_get_mapped (GTK_WIDGET (shots->window)) &&
         hangar_window_get_sandbox (shots->window) != NULL;
}

static gboolean
dialog_ready (Shots *shots)
{
  return shots->dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (shots->dialog));
}

/* Whether @widget shows more than one colour: the web process paints the
 * page some time after the load ended, and under load that may take long. */
static gboolean
has_drawn (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  GskRenderer *renderer;

  if (native == NULL || (renderer = gtk_native_get_renderer (native)) == NULL || width <= 0 || height <= 0)
    return FALSE;
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return FALSE;
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  for (gsize i = 4; i < (gsize) width * height * 4; i += 4)
    if (memcmp (pixels + i, pixels, 4) != 0)
      return TRUE;
  return FALSE;
}

static gboolean
consent_ready (Shots *shots)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();
  g_autoptr(GtkWidget) web_view = NULL;

  if (dialog == NULL || !gtk_widget_get_mapped (GTK_WIDGET (dialog)) ||
      !hangar_consent_dialog_is_loaded (dialog))
    return FALSE;

  g_object_get (dialog, "web-view", &web_view, NULL);
  return web_view != NULL && has_drawn (web_view);
}

static gboolean
account_ready (Shots *shots)
{
  HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);
  GListModel *bases;
  g_autoptr(GObject) first = NULL;

  if (shots->account == NULL)
    return FALSE;
  bases = hangar_sidebar_get_account_children (sidebar, shots->account);
  if (bases == NULL || g_list_model_get_n_items (bases) == 0)
    return FALSE;
  first = g_list_model_get_item (bases, 0);
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) != HANGAR_SIDEBAR_NODE_LOADING;
}

static gboolean
tables_ready (Shots *shots)
{
  HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);
  GListModel *bases = hangar_sidebar_get_account_children (sidebar, shots->account);
  g_autoptr(GObject) base = g_list_model_get_item (bases, 0);
  GListModel *tables = hangar_sidebar_get_base_children (sidebar, HANGAR_SIDEBAR_NODE (base));
  g_autoptr(GObject) first = NULL;

  if (tables == NULL || g_list_model_get_n_items (tables) == 0)
    return FALSE;
  first = g_list_model_get_item (tables, 0);
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) == HANGAR_SIDEBAR_NODE_TABLE;
}

static gboolean
grid_ready (Shots *shots)
{
  /* The record grid loads pages on its own; give it time to show rows. */
  return ++shots->settled > 20 || g_strcmp0 (hangar_window_get_content_page (shots->window), "grid") != 0;
}

static gboolean
import_preview_ready (Shots *shots)
{
  return shots->dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (shots->dialog)) &&
         g_strcmp0 (hangar_import_dialog_get_page (HANGAR_IMPORT_DIALOG (shots->dialog)), "preview") == 0;
}

static gboolean
import_mapping_ready (Shots *shots)
{
  return shots->dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (shots->dialog)) &&
         g_strcmp0 (hangar_import_dialog_get_page (HANGAR_IMPORT_DIALOG (shots->dialog)), "mapping") == 0;
}

/* ---- editing: a cell editor over the grid, the changes list ---- */

static HangarRecordGrid *
shots_grid (Shots *shots)
{
  return HANGAR_RECORD_GRID (hangar_window_get_record_grid (shots->window));
}

static gboolean
rows_ready (Shots *shots)
{
  HangarRecordGrid *grid = shots_grid (shots);

  return g_strcmp0 (hangar_window_get_content_page (shots->window), "grid") == 0 &&
         !hangar_record_grid_get_loading (grid) &&
         g_list_model_get_n_items (G_LIST_MODEL (hangar_record_grid_get_model (grid))) >= 5;
}

static const char *
row_id (Shots *shots,
        guint  row)
{
  g_autoptr(HangarRecord) record = g_list_model_get_item (G_LIST_MODEL (hangar_record_grid_get_model (shots_grid (shots))), row);

  /* The model keeps the record: the id stays valid while the row does. */
  return record != NULL ? hangar_record_get_id (record) : NULL;
}

/* A write as the grid's own editors make it (one group, one undo step). */
static void
write_cell (Shots      *shots,
            guint       row,
            const char *field_name,
            JsonNode   *value)
{
  HangarRecordGrid *grid = shots_grid (shots);
  HangarField *field = hangar_table_lookup_field (hangar_record_grid_get_table (grid), field_name);
  g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func (_hangar_cell_write_free);
  HangarCellWrite *write = g_new0 (HangarCellWrite, 1);
  g_autofree char *label = g_strdup_printf (_("Edit %s"), field_name);

  write->record_id = g_strdup (row_id (shots, row));
  write->field = field;
  write->value = value;
  g_ptr_array_add (writes, write);
  if (field == NULL || write->record_id == NULL || _hangar_record_grid_write_cells (grid, label, writes) == NULL)
    {
      g_printerr ("hangar-screenshots: could not edit %s\n", field_name);
      shots->failures++;
    }
}

static GtkWidget *
changes_popover (Shots *shots)
{
  GtkWidget *child = gtk_widget_get_first_child (hangar_window_get_changes_button (shots->window));

  for (; child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_MENU_BUTTON (child))
      return GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (child)));
  return NULL;
}

static gboolean
changes_ready (Shots *shots)
{
  GtkWidget *popover = changes_popover (shots);

  return popover != NULL && gtk_widget_get_mapped (popover) && ++shots->settled > 6;
}

static void
step_changes_shot (Shots *shots)
{
  save_with_popover (shots, GTK_WIDGET (shots->window), changes_popover (shots), "changes");
  gtk_popover_popdown (GTK_POPOVER (changes_popover (shots)));
  sandbox_control ("clear-faults", "{}");
  sandbox_control ("reset-rate-limits", "{}");
  /* What "Keep for Later" does: the window closes without asking. */
  g_object_set_data (G_OBJECT (shots->window), "hangar-changes-closing", GINT_TO_POINTER (TRUE));
  finish (shots);
}

static gboolean
rate_limited (Shots *shots)
{
  return hangar_journal_get_pause (hangar_record_grid_get_journal (shots_grid (shots))) == HANGAR_JOURNAL_PAUSE_RATE_LIMITED;
}

static void
step_changes_list (Shots *shots)
{
  /* The list is wider than the space right of its button: a popover may
   * go past the window's edge (not the screen's), and the screenshot holds
   * the window only. As wide as the screen, the window holds it all. */
  gtk_window_set_default_size (GTK_WINDOW (shots->window), 1280, 770);
  hangar_changes_button_popup (HANGAR_CHANGES_BUTTON (hangar_window_get_changes_button (shots->window)));
  wait_then (shots, changes_ready, step_changes_shot);
}

static gboolean
one_failed (Shots *shots)
{
  return hangar_journal_count (hangar_record_grid_get_journal (shots_grid (shots)), HANGAR_CHANGE_FAILED) > 0;
}

/* Two edits that Airtable answers with 429: they wait out the penalty. */
static void
step_changes_waiting (Shots *shots)
{
  sandbox_control ("faults", "{\"count\": 1, \"status\": 429, \"method\": \"PATCH\"}");
  write_cell (shots, 0, "Notes", json_node_init_string (json_node_alloc (), "Beta opens to 200 testers in January."));
  write_cell (shots, 2, "Status", json_node_init_string (json_node_alloc (), "In progress"));
  wait_then (shots, rate_limited, step_changes_list);
}

/* An edit of a record someone else has just deleted: it fails. */
static void
step_changes (Shots *shots)
{
  HangarRecordGrid *grid = shots_grid (shots);
  g_autofree char *body = g_strdup_printf ("{\"base\": \"%s\", \"table\": \"%s\", \"delete\": \"%s\"}",
                                           hangar_record_grid_get_base_id (grid), shots->table_id, row_id (shots, 4));

  if (!sandbox_control ("edit", body))
    {
      shots->failures++;
      finish (shots);
      return;
    }
  write_cell (shots, 4, "Status", json_node_init_string (json_node_alloc (), "Done"));
  wait_then (shots, one_failed, step_changes_waiting);
}

static void
step_editing_shot (Shots *shots)
{
  HangarRecordGrid *grid = shots_grid (shots);
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (hangar_record_grid_get_editor (grid)), GTK_TYPE_POPOVER);

  save_with_popover (shots, GTK_WIDGET (shots->window), popover, "editing");
  _hangar_record_grid_close_editor (grid, FALSE);
  step_changes (shots);
}

/* A date cell's editor: typed input and the calendar. */
static void
step_editing (Shots *shots)
{
  HangarRecordGrid *grid = shots_grid (shots);
  HangarField *field = hangar_table_lookup_field (hangar_record_grid_get_table (grid), "Deadline");

  if (field == NULL)
    {
      g_printerr ("hangar-screenshots: the table has no Deadline field\n");
      shots->failures++;
      finish (shots);
      return;
    }
  _hangar_record_grid_set_cursor (grid, 1, field, FALSE);
  _hangar_record_grid_edit_cell (grid, NULL);
  wait_then (shots, editor_ready, step_editing_shot);
}

static void
step_import_done (Shots *shots)
{
  HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);

  save (shots, GTK_WIDGET (shots->dialog), "import-preview");
  gtk_window_destroy (shots->dialog);
  shots->dialog = NULL;
  /* Last, as they leave changes behind: editing in the grid. */
  hangar_sidebar_select_table (sidebar, shots->account, shots->table_id);
  wait_then (shots, rows_ready, step_editing);
}

static void
step_import_preview (Shots *shots)
{
  hangar_import_dialog_next (HANGAR_IMPORT_DIALOG (shots->dialog));
  wait_then (shots, import_preview_ready, step_import_done);
}

/* A CSV for the grid's table (the demo's Projects), some of its rows with
 * values that will fail, to show the preview marking them. */
static void
step_import (Shots *shots)
{
  static const char csv[] =
    "Name,Status,Budget,Start,Tags,Owner,Progress,Priority,Notes\n"
    "Partner portal,Planned,\"$64,000\",2027-01-11,\"Web,Growth\",Marco Rossi,0%,4,Kick-off in January\n"
    "Billing revamp,In progress,38500,2026-12-01,Infra,Sam Okafor,35%,5,\"Invoices, refunds\"\n"
    "Design system 2,Someday,12000,2026-12-15,Web,Lena Fischer,10%,3,\n"
    "Onboarding tour,Planned,9k,2026-02-30,Mobile,Priya Patel,0%,2,Short video\n"
    "Search upgrade,Planned,21000,2027-02-01,Web,Priya Patel,0%,4,Faster results\n"
    "Status page,Done,4000,2026-10-20,Infra,Sam Okafor,100%,3,\n";
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "New projects.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *grid = hangar_window_get_record_grid (shots->window);

  if (grid == NULL || !g_file_set_contents (path, csv, -1, NULL))
    {
      shots->failures++;
      finish (shots);
      return;
    }
  shots->dialog = hangar_record_grid_import_csv (HANGAR_RECORD_GRID (grid), file);
  gtk_window_set_default_size (shots->dialog, 1100, 560);
  wait_then (shots, import_mapping_ready, step_import_preview);
}

static void
step_admin_done (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->window), "overview");
  step_import (shots);
}

static gboolean
overview_ready (Shots *shots)
{
  GtkWidget *overview = hangar_window_get_overview (shots->window);
  g_autofree char *text = NULL;

  if (!gtk_widget_get_mapped (overview))
    return FALSE;
  /* The request log read: last success and last error are shown. */
  text = hangar_accounts_overview_dup_cell_text (HANGAR_ACCOUNTS_OVERVIEW (overview), 0, "success");
  return text != NULL && g_strcmp0 (text, "…") != 0;
}

static void
step_overview (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->window), "console");
  hangar_window_show_overview (shots->window);
  wait_then (shots, overview_ready, step_admin_done);
}

static gboolean
console_ready (Shots *shots)
{
  HangarConsoleView *console =
    HANGAR_CONSOLE_VIEW (hangar_account_page_get_console_view (hangar_window_get_account_page (shots->window)));

  return !hangar_console_view_get_busy (console) && hangar_console_view_get_status_text (console) != NULL;
}

static void
step_console (Shots *shots)
{
  HangarAccountPage *page = hangar_window_get_account_page (shots->window);
  HangarConsoleView *console = HANGAR_CONSOLE_VIEW (hangar_account_page_get_console_view (page));
  HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);
  GListModel *bases = hangar_sidebar_get_account_children (sidebar, shots->account);
  g_autoptr(GObject) base = g_list_model_get_item (bases, 0);
  g_autofree char *path = g_strdup_printf ("/v0/%s/People",
                                           hangar_base_get_id (hangar_sidebar_node_get_base (HANGAR_SIDEBAR_NODE (base))));

  save (shots, GTK_WIDGET (shots->window), "activity");
  hangar_account_page_show_view (page, "console");
  hangar_console_view_set_request (console, "GET", path, "maxRecords=2\nfields[]=Name\nfields[]=Role", NULL);
  hangar_console_view_send (console);
  wait_then (shots, console_ready, step_overview);
}

static gboolean
activity_ready (Shots *shots)
{
  HangarActivityView *activity =
    HANGAR_ACTIVITY_VIEW (hangar_account_page_get_activity_view (hangar_window_get_account_page (shots->window)));
  GListModel *entries = hangar_activity_view_get_entries (activity);
  guint n = g_list_model_get_n_items (entries);

  /* The earlier requests and the refused one are written within a second,
   * then shown; the refused one among the newest (live sync's polls of the
   * base's webhook payloads go on meanwhile). */
  if (hangar_activity_view_get_loading (activity) || n < 4)
    return FALSE;
  for (guint i = 0; i < MIN (n, 8); i++)
    {
      g_autoptr(HangarRequestLogEntry) entry = g_list_model_get_item (entries, i);

      if (hangar_request_log_entry_is_error (entry))
        return TRUE;
    }
  return FALSE;
}

static void
refused_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (object), result, NULL);
}

static void
step_activity (Shots *shots)
{
  HangarAccountPage *page = hangar_window_get_account_page (shots->window);

  /* A refused request too, as the log and the overview show them. */
  hangar_client_get_base_schema_async (hangar_account_get_client (shots->account), "appNOTGRANTED0000", NULL,
                                       refused_cb, NULL);
  hangar_window_show_account (shots->window, hangar_account_get_id (shots->account));
  hangar_account_page_show_view (page, "activity");
  wait_then (shots, activity_ready, step_console);
}

static gboolean
wide_again (Shots *shots)
{
  return gtk_widget_get_width (GTK_WIDGET (shots->window)) >= 1000 && ++shots->settled > 6;
}

static void
step_done (Shots *shots)
{
  gtk_window_destroy (shots->dialog);
  shots->dialog = NULL;
  /* The admin views, at the usual size again. */
  gtk_window_set_default_size (GTK_WINDOW (shots->window), 1240, 780);
  wait_then (shots, wide_again, step_activity);
}

static gboolean
field_dialog_ready (Shots *shots)
{
  return dialog_ready (shots) && ++shots->settled > 4;
}

static void
step_field_dialog_shot (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->dialog), "field-dialog");
  step_done (shots);
}

static HangarTable *
base_page_table (Shots      *shots,
                 const char *name)
{
  HangarBasePage *page = HANGAR_BASE_PAGE (hangar_window_get_base_page (shots->window));

  return hangar_table_list_lookup (hangar_base_page_get_tables (page), name);
}

/* A new single-select field with its choices and colours. */
static void
step_field_dialog (Shots *shots)
{
  HangarBasePage *page = HANGAR_BASE_PAGE (hangar_window_get_base_page (shots->window));
  HangarFieldEditor *editor;
  GtkWidget *type;
  const char *names[] = { "Idea", "Planned", "Building", "Shipped" };
  const char *colors[] = { "grayLight2", "blueLight1", "orangeBright", "greenBright" };
  guint n_types = 0;
  const HangarFieldType *types = hangar_field_creatable_types (&n_types);

  gtk_window_set_default_size (GTK_WINDOW (shots->window), 1200, 800);
  shots->dialog = hangar_base_page_add_field (page, hangar_table_get_id (base_page_table (shots, "Projects")));
  editor = hangar_field_dialog_get_editor (HANGAR_FIELD_DIALOG (shots->dialog));
  gtk_editable_set_text (GTK_EDITABLE (hangar_field_editor_get_part (editor, "name")), "Stage");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (hangar_field_editor_get_part (editor, "description"))),
                            "Where the project is, from idea to release", -1);
  type = hangar_field_editor_get_part (editor, "type");
  for (guint i = 0; i < n_types; i++)
    if (types[i] == HANGAR_FIELD_TYPE_SINGLE_SELECT)
      adw_combo_row_set_selected (ADW_COMBO_ROW (type), i);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char * const *all = hangar_field_choice_colors ();

      g_signal_emit_by_name (hangar_field_editor_get_part (editor, "add-choice"), "clicked");
      gtk_editable_set_text (hangar_field_editor_get_choice_entry (editor, i), names[i]);
      for (guint c = 0; all[c] != NULL; c++)
        if (g_str_equal (all[c], colors[i]))
          gtk_drop_down_set_selected (hangar_field_editor_get_choice_color (editor, i), c);
    }
  wait_then (shots, field_dialog_ready, step_field_dialog_shot);
}

static gboolean
narrow_ready (Shots *shots)
{
  return gtk_widget_get_width (GTK_WIDGET (shots->window)) <= 400 && ++shots->settled > 6;
}

static void
step_base_page_narrow (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->window), "base-page-narrow");
  step_field_dialog (shots);
}

static gboolean
base_page_ready (Shots *shots)
{
  HangarBasePage *page = HANGAR_BASE_PAGE (hangar_window_get_base_page (shots->window));

  return g_strcmp0 (hangar_window_get_content_page (shots->window), "base") == 0 &&
         !hangar_base_page_get_loading (page) && g_strcmp0 (hangar_base_page_get_state (page), "schema") == 0;
}

static gboolean
base_page_expanded (Shots *shots)
{
  return ++shots->settled > 6;
}

static void
step_base_page_shot (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->window), "base-page");
  gtk_window_set_default_size (GTK_WINDOW (shots->window), 360, 760);
  wait_then (shots, narrow_ready, step_base_page_narrow);
}

/* The Projects table, with a select, a link and a formula opened. */
static void
step_base_page (Shots *shots)
{
  HangarBasePage *page = HANGAR_BASE_PAGE (hangar_window_get_base_page (shots->window));
  HangarTable *projects = base_page_table (shots, "Projects");
  const char *open[] = { "Status", "Owner", "Summary" };

  for (guint i = 0; projects != NULL && i < G_N_ELEMENTS (open); i++)
    {
      HangarField *field = hangar_table_lookup_field (projects, open[i]);
      if (field != NULL)
        hangar_base_page_set_field_open (page, hangar_table_get_id (projects), hangar_field_get_id (field), TRUE);
    }
  if (projects != NULL && hangar_table_lookup_field (projects, "Status") != NULL)
    hangar_base_page_show_field (page, hangar_table_get_id (projects),
                                 hangar_field_get_id (hangar_table_lookup_field (projects, "Status")));
  wait_then (shots, base_page_expanded, step_base_page_shot);
}

static gboolean
editor_ready (Shots *shots)
{
  HangarRecordGrid *grid = HANGAR_RECORD_GRID (hangar_window_get_record_grid (shots->window));
  HangarCellEditor *editor = hangar_record_grid_get_editor (grid);

  return editor != NULL && gtk_widget_get_mapped (GTK_WIDGET (editor));
}

static void
step_base_page_from_grid (Shots *shots)
{
  HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);
  GListModel *bases = hangar_sidebar_get_account_children (sidebar, shots->account);
  g_autoptr(GObject) base = g_list_model_get_item (bases, 0);

  hangar_sidebar_select_base (sidebar, shots->account,
                              hangar_base_get_id (hangar_sidebar_node_get_base (HANGAR_SIDEBAR_NODE (base))));
  wait_then (shots, base_page_ready, step_base_page);
}

/* The cell editor of a single select: its searchable list of options (the
 * editor is a popover of its own, saved alone). */
static void
step_cell_editor_shot (Shots *shots)
{
  HangarRecordGrid *grid = HANGAR_RECORD_GRID (hangar_window_get_record_grid (shots->window));
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (hangar_record_grid_get_editor (grid)), GTK_TYPE_POPOVER);

  save (shots, popover, "cell-editor");
  _hangar_record_grid_close_editor (grid, FALSE);
  step_base_page_from_grid (shots);
}

static void
step_grid_shot (Shots *shots)
{
  HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);
  HangarRecordGrid *grid = HANGAR_RECORD_GRID (hangar_window_get_record_grid (shots->window));
  HangarTable *table = hangar_record_grid_get_table (grid);
  GListModel *bases = hangar_sidebar_get_account_children (sidebar, shots->account);
  g_autoptr(GObject) base = g_list_model_get_item (bases, 0);
  GPtrArray *fields = table != NULL ? hangar_table_get_fields (table) : NULL;

  save (shots, GTK_WIDGET (shots->window), "grid");
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);

      if (hangar_field_get_field_type (field) == HANGAR_FIELD_TYPE_SINGLE_SELECT)
        {
          hangar_record_grid_set_cursor (grid, 1, hangar_field_get_name (field));
          _hangar_record_grid_edit_cell (grid, NULL);
          wait_then (shots, editor_ready, step_cell_editor_shot);
          return;
        }
    }
  hangar_sidebar_select_base (sidebar, shots->account,
                              hangar_base_get_id (hangar_sidebar_node_get_base (HANGAR_SIDEBAR_NODE (base))));
  wait_then (shots, base_page_ready, step_base_page);
}

static void
step_grid (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->window), "account");

  /* Expand the first base, then open its first table. */
  {
    HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);
    GListModel *bases = hangar_sidebar_get_account_children (sidebar, shots->account);
    g_autoptr(GObject) base = g_list_model_get_item (bases, 0);

    hangar_sidebar_set_expanded (sidebar, base, TRUE);
  }

  wait_then (shots, tables_ready, select_first_table);
}

static void
select_first_table (Shots *shots)
{
  HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);
  GListModel *bases = hangar_sidebar_get_account_children (sidebar, shots->account);
  g_autoptr(GObject) base = g_list_model_get_item (bases, 0);
  GListModel *tables = hangar_sidebar_get_base_children (sidebar, HANGAR_SIDEBAR_NODE (base));
  HangarTable *best = NULL;

  /* The table with the most fields shows the most kinds of cells. */
  for (guint i = 0; i < g_list_model_get_n_items (tables); i++)
    {
      g_autoptr(GObject) node = g_list_model_get_item (tables, i);
      HangarTable *table = hangar_sidebar_node_get_table (HANGAR_SIDEBAR_NODE (node));

      if (table != NULL &&
          (best == NULL || hangar_table_get_fields (table)->len > hangar_table_get_fields (best)->len))
        best = table;
    }

  if (best != NULL)
    {
      shots->table_id = g_strdup (hangar_table_get_id (best));
      hangar_sidebar_select_table (sidebar, shots->account, shots->table_id);
    }
  wait_then (shots, grid_ready, step_grid_shot);
}

static void
step_account_page (Shots *shots)
{
  HangarSidebar *sidebar = hangar_window_get_sidebar (shots->window);

  hangar_sidebar_select_account (sidebar, shots->account, TRUE);
  wait_then (shots, account_ready, step_grid);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Shots *shots = user_data;
  g_autoptr(GError) error = NULL;

  if (HANGAR_IS_ACCOUNT_STORE (object))
    {
      HangarAccount *account = hangar_account_store_connect_pat_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
      shots->account = account != NULL ? g_object_ref (account) : NULL;
    }
  else
    shots->account = hangar_connect_oauth_finish (result, &error);

  if (shots->account == NULL)
    {
      g_printerr ("hangar-screenshots: could not connect: %s\n", error->message);
      if (shots->pat != NULL && !HANGAR_IS_ACCOUNT_STORE (object))
        {
          hangar_account_store_connect_pat_async (hangar_window_get_store (shots->window), "Sandbox",
                                                  hangar_window_get_sandbox (shots->window)->api_url,
                                                  shots->pat, NULL, connected_cb, shots);
          return;
        }
      shots->failures++;
      finish (shots);
      return;
    }

  step_account_page (shots);
}

static void
step_grant (Shots *shots)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();

  save (shots, GTK_WIDGET (dialog), "consent");
  /* Submit the real consent page, as a user would. */
  hangar_test_consent_run_script (dialog,
                                  "document.querySelectorAll('input[name=base]').forEach(function (c) { c.checked = true; });"
                                  "document.querySelector('button[value=grant]').click();");
}

static void
step_consent (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->dialog), "add-account");
  gtk_window_destroy (shots->dialog);
  shots->dialog = NULL;

  hangar_connect_oauth_async (GTK_WINDOW (shots->window), hangar_window_get_store (shots->window),
                              "Sandbox", hangar_window_get_sandbox (shots->window), NULL,
                              connected_cb, shots);
  wait_then (shots, consent_ready, step_grant);
}

static void
step_add_account (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->window), "main-empty");

  shots->dialog = hangar_window_add_account (shots->window);
  hangar_add_account_dialog_show_page (HANGAR_ADD_ACCOUNT_DIALOG (shots->dialog), "oauth");
  wait_then (shots, dialog_ready, step_consent);
}

static char *shots_dir;

static void
start (HangarWindow *window)
{
  GApplication *app = g_application_get_default ();
  HangarSandboxLauncher *sandbox = _hangar_application_get_sandbox (HANGAR_APPLICATION (app));
  Shots *shots;

  /* In sandbox mode the window waits for the sandbox: no URL now means it
   * could not start (the window says why). */
  if (sandbox == NULL || hangar_sandbox_launcher_get_url (sandbox) == NULL)
    {
      g_printerr ("hangar-screenshots: the sandbox did not start\n");
      exit_status = 1;
      g_application_quit (app);
      return;
    }

  shots = g_new0 (Shots, 1);
  shots->window = g_object_ref (window);
  shots->dir = g_strdup (shots_dir);
  /* Only used when OAuth fails: the account is then connected with it. */
  shots->pat = g_strdup (hangar_sandbox_launcher_get_pat (sandbox));
  g_mkdir_with_parents (shots->dir, 0755);

  wait_then (shots, window_ready, step_add_account);
}

static gboolean
start_idle_cb (gpointer user_data)
{
  g_autoptr(HangarWindow) window = user_data;

  start (window);
  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 gpointer        user_data)
{
  static gboolean started;

  if (!HANGAR_IS_WINDOW (window) || started)
    return;
  started = TRUE;
  /* Screenshots have one size, whatever the settings say. */
  gtk_window_set_default_size (window, 1240, 780);
  /* After the application has handed the window its sandbox. */
  g_idle_add (start_idle_cb, g_object_ref (window));
}

/* A private home for the run: the account list, the sandbox's state and
 * the keyring never touch the user's own. */
static char *
isolate_home (void)
{
  g_autoptr(GError) error = NULL;
  char *home = g_dir_make_tmp ("hangar-screenshots-XXXXXX", &error);
  const char *dirs[][2] = {
    { "XDG_CONFIG_HOME", "config" }, { "XDG_DATA_HOME", "data" },
    { "XDG_CACHE_HOME", "cache" }, { "XDG_STATE_HOME", "state" },
  };

  if (home == NULL)
    g_error ("hangar-screenshots: %s", error->message);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (home, dirs[i][1], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_setenv (dirs[i][0], dir, TRUE);
    }
  {
    g_autofree char *keyring = g_build_filename (home, "keyring", NULL);

    g_setenv ("SECRET_BACKEND", "file", TRUE);
    g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
    g_setenv ("SECRET_FILE_TEST_PASSWORD", "screenshots", TRUE);
  }
  return home;
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                               NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      remove_tree (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HangarApplication) app = NULL;
  g_autofree char *home = NULL;
  char *app_argv[] = { (char *) "hangar", (char *) "--sandbox", NULL };
  int status;

  if (argc != 2)
    {
      g_printerr ("Usage: hangar-screenshots DIR\n");
      return 2;
    }

  setlocale (LC_ALL, "");
  /* The build tree's translations when the script names them. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("HANGAR_LOCALEDIR") != NULL ? g_getenv ("HANGAR_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  shots_dir = g_canonicalize_filename (argv[1], NULL);
  home = isolate_home ();

  app = hangar_application_new ();
  /* Any free port: a running `hangar --sandbox` may hold the usual one. */
  _hangar_application_set_sandbox_port (app, 0);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
  status = g_application_run (G_APPLICATION (app), 2, app_argv);
  g_clear_object (&app);

  {
    g_autoptr(GFile) dir = g_file_new_for_path (home);

    remove_tree (dir);
  }
  g_free (shots_dir);
  return status != 0 ? status : exit_status;
}
