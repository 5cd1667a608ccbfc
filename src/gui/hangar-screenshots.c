/* hangar-screenshots.c
 *
 * A small state machine: each step waits (polling the main loop, never
 * sleeping) until the view it needs is ready, saves it, then goes on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account-page.h"
#include "hangar-add-account-dialog.h"
#include "hangar-compat.h"
#include "hangar-connect.h"
#include "hangar-consent.h"
#include "hangar-screenshots.h"
#include "hangar-sidebar-private.h"

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
};

static void step_add_account (Shots *shots);
static void select_first_table (Shots *shots);

static void
shots_free (Shots *shots)
{
  g_clear_object (&shots->window);
  g_clear_object (&shots->account);
  g_free (shots->dir);
  g_free (shots->pat);
  g_free (shots);
}

static void
finish (Shots *shots)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (shots->window));

  /* build-aux/hangar-screenshots.sh checks that every file was written. */
  g_printerr ("hangar-screenshots: done (%u failed)\n", shots->failures);
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

static gboolean
consent_ready (Shots *shots)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();
  static guint loaded_ticks;

  if (dialog == NULL || !gtk_widget_get_mapped (GTK_WIDGET (dialog)) ||
      !hangar_consent_dialog_is_loaded (dialog))
    return FALSE;

  /* The web process paints a little after the load ends. */
  return ++loaded_ticks > 20;
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

static void
step_done (Shots *shots)
{
  save (shots, GTK_WIDGET (shots->window), "grid");
  finish (shots);
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
    hangar_sidebar_select_table (sidebar, shots->account, hangar_table_get_id (best));
  wait_then (shots, grid_ready, step_done);
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
  hangar_consent_run_script (dialog,
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

void
hangar_screenshots_run (HangarWindow *window,
                        const char   *dir,
                        const char   *pat)
{
  Shots *shots = g_new0 (Shots, 1);

  shots->window = g_object_ref (window);
  shots->dir = g_strdup (dir);
  shots->pat = g_strdup (pat);
  g_mkdir_with_parents (dir, 0755);

  wait_then (shots, window_ready, step_add_account);
}
