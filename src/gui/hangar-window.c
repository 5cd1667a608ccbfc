/* hangar-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-account-page.h"
#include "hangar-accounts-overview.h"
#include "hangar-add-account-dialog.h"
#include "hangar-base-page.h"
#include "hangar-changes-button.h"
#include "hangar-compat.h"
#include "hangar-connect.h"
#include "hangar-record-grid.h"
#include "hangar-redact.h"
#include "hangar-request-log.h"
#include "hangar-schema-sync.h"
#include "hangar-sidebar.h"
#include "hangar-sidebar-reveal.h"
#include "hangar-window-private.h"

struct _HangarWindow
{
  AdwApplicationWindow    parent_instance;

  AdwToastOverlay        *toast_overlay;
  AdwLeaflet             *leaflet;
  GtkBox                 *sidebar_box;
  GtkBox                 *content_box;
  AdwWindowTitle         *sidebar_title;
  AdwWindowTitle         *content_title;
  GtkButton              *back_button;
  GtkMenuButton          *table_menu_button;
  GtkStack               *content_stack;
  AdwStatusPage          *empty_page;
  AdwStatusPage          *select_page;
  HangarAccountPage      *account_page;
  GtkBox                 *grid_box;
  HangarChangesButton    *changes_button;

  HangarSidebar          *sidebar;
  GtkWidget              *record_grid;
  GtkWidget              *overview;
  gboolean                showing_overview;
  GtkWidget              *base_page;
  HangarSchemaSync       *schema_sync;
  HangarAccountStore     *store;
  HangarOAuthIntegration *sandbox;
  GSettings              *settings;
  GHashTable             *known_status;   /* HangarAccount* → status + 1 */
  GCancellable           *cancellable;
  char                   *last_toast;
  char                   *last_toast_action;
};

G_DEFINE_FINAL_TYPE (HangarWindow, hangar_window, ADW_TYPE_APPLICATION_WINDOW)

/* Where Airtable's documentation says a user revokes a third-party
 * integration (Account → Integrations), and Airtable's page of personal
 * access tokens. */
#define AIRTABLE_REVOKE_HELP_URL "https://support.airtable.com/docs/third-party-integrations-via-oauth-overview"
#define AIRTABLE_TOKENS_URL      "https://airtable.com/create/tokens"

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void account_status_cb (HangarAccount *account,
                               GParamSpec    *pspec,
                               HangarWindow  *self);

static void
show_toast_full (HangarWindow *self,
                 const char   *title,
                 const char   *button_label,
                 const char   *action_name,
                 GVariant     *target)
{
  /* Titles carry server text (error messages, base and account names): no
   * secret it may echo is shown, and since libadwaita 1.2 always parses
   * toast titles as markup, it is escaped. */
  g_autofree char *redacted = hangar_redact (title);
  g_autofree char *escaped = g_markup_escape_text (redacted, -1);
  AdwToast *toast = adw_toast_new (escaped);

  g_free (self->last_toast);
  self->last_toast = g_strdup (redacted);
  g_free (self->last_toast_action);
  self->last_toast_action = g_strdup (action_name);

  if (button_label != NULL && action_name != NULL)
    {
      adw_toast_set_button_label (toast, button_label);
      adw_toast_set_action_name (toast, action_name);
      if (target != NULL)
        adw_toast_set_action_target_value (toast, target);
      adw_toast_set_timeout (toast, 0);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    }
  else if (target != NULL)
    g_variant_unref (g_variant_ref_sink (target));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
hangar_window_toast (HangarWindow *self,
                     const char   *message)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  show_toast_full (self, message, NULL, NULL, NULL);
}

void
hangar_window_toast_reconnect (HangarWindow *self,
                               const char   *message,
                               const char   *account_id)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));
  g_return_if_fail (account_id != NULL);

  show_toast_full (self, message, _("_Reconnect"), "win.reconnect-account",
                   g_variant_new_string (account_id));
}

gboolean
hangar_window_show_account (HangarWindow *self,
                            const char   *account_id)
{
  HangarAccount *account;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), FALSE);

  account = account_id != NULL ? hangar_account_store_lookup_by_id (self->store, account_id) : NULL;
  if (account == NULL)
    return FALSE;
  hangar_sidebar_select_account (self->sidebar, account, FALSE);
  return TRUE;
}

static void
show_content (HangarWindow *self,
              const char   *page,
              const char   *title,
              const char   *subtitle)
{
  gtk_stack_set_visible_child_name (self->content_stack, page);
  /* Import and export belong to a table. */
  gtk_widget_set_visible (GTK_WIDGET (self->table_menu_button), g_str_equal (page, "grid"));
  adw_window_title_set_title (self->content_title, title != NULL ? title : "");
  adw_window_title_set_subtitle (self->content_title, subtitle);
}

static void
update_content (HangarWindow *self)
{
  GObject *item = hangar_sidebar_get_selected_item (self->sidebar);

  if (item == NULL && self->showing_overview)
    {
      show_content (self, "overview", _("Accounts"), _("Overview"));
      return;
    }
  self->showing_overview = FALSE;
  if (item == NULL)
    {
      if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
        show_content (self, "empty", NULL, NULL);
      else
        show_content (self, "select", NULL, NULL);
      return;
    }

  if (HANGAR_IS_ACCOUNT (item))
    {
      HangarAccount *account = HANGAR_ACCOUNT (item);

      hangar_account_page_set_account (self->account_page, account);
      show_content (self, "account", hangar_account_get_label (account), _("Account"));
    }
  else if (HANGAR_IS_SIDEBAR_NODE (item))
    {
      HangarSidebarNode *node = HANGAR_SIDEBAR_NODE (item);
      HangarBase *base = hangar_sidebar_node_get_base (node);
      HangarTable *table = hangar_sidebar_node_get_table (node);

      if (table != NULL && base != NULL)
        {
          if (self->record_grid == NULL)
            {
              self->record_grid = hangar_record_grid_new ();
              gtk_widget_set_vexpand (self->record_grid, TRUE);
              gtk_widget_set_hexpand (self->record_grid, TRUE);
              gtk_box_append (self->grid_box, self->record_grid);
            }
          /* By id: the grid may already show a newer schema of it. */
          if (hangar_record_grid_get_table (HANGAR_RECORD_GRID (self->record_grid)) == NULL ||
              g_strcmp0 (hangar_table_get_id (hangar_record_grid_get_table (HANGAR_RECORD_GRID (self->record_grid))),
                         hangar_table_get_id (table)) != 0)
            hangar_record_grid_show_table (HANGAR_RECORD_GRID (self->record_grid),
                                           hangar_sidebar_node_get_account (node),
                                           hangar_base_get_id (base), table);
          /* Editing follows the user's permission on the base. */
          hangar_record_grid_set_permission_level (HANGAR_RECORD_GRID (self->record_grid),
                                                   hangar_base_get_permission_level (base));
          show_content (self, "grid", hangar_table_get_name (table), hangar_base_get_name (base));
        }
      else if (base != NULL)
        {
          hangar_base_page_set_base (HANGAR_BASE_PAGE (self->base_page), hangar_sidebar_node_get_account (node), base);
          show_content (self, "base", hangar_base_get_name (base), _("Base"));
        }
    }

  /* Compact layout: show the content, unless an arrow key is only moving
   * through the sidebar (Enter opens the item then). */
  if (!hangar_sidebar_is_keyboard_moving (self->sidebar))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* From the base page: the table's records, in the grid. */
static void
open_table_cb (HangarBasePage *page,
               HangarTable    *table,
               HangarWindow   *self)
{
  HangarAccount *account = hangar_base_page_get_account (page);
  HangarBase *base = hangar_base_page_get_base (page);

  if (account != NULL && base != NULL)
    hangar_sidebar_reveal_table (self->sidebar, account, hangar_base_get_id (base), hangar_table_get_id (table));
}

static void
base_notice_cb (HangarBasePage *page,
                const char     *message,
                HangarWindow   *self)
{
  hangar_window_toast (self, message);
}

/* A base's schema changed and was read anew: the grid follows. */
static void
tables_changed_cb (HangarSchemaSync *sync,
                   HangarAccount    *account,
                   const char       *base_id,
                   GPtrArray        *tables,
                   HangarWindow     *self)
{
  GObject *item = hangar_sidebar_get_selected_item (self->sidebar);

  if (self->record_grid == NULL || !HANGAR_IS_SIDEBAR_NODE (item) ||
      hangar_sidebar_node_get_account (HANGAR_SIDEBAR_NODE (item)) != account ||
      hangar_sidebar_node_get_base (HANGAR_SIDEBAR_NODE (item)) == NULL ||
      g_strcmp0 (hangar_base_get_id (hangar_sidebar_node_get_base (HANGAR_SIDEBAR_NODE (item))), base_id) != 0)
    return;
  hangar_record_grid_schema_changed (HANGAR_RECORD_GRID (self->record_grid), tables);
}

/* From a grid column header: the field in the base's schema. */
static void
show_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GObject *item = hangar_sidebar_get_selected_item (self->sidebar);
  const char *base_id = NULL, *table_id = NULL, *field_id = NULL;
  HangarAccount *account;
  HangarBase *base;

  g_variant_get (parameter, "(&s&s&s)", &base_id, &table_id, &field_id);
  if (!HANGAR_IS_SIDEBAR_NODE (item))
    return;
  account = hangar_sidebar_node_get_account (HANGAR_SIDEBAR_NODE (item));
  base = hangar_sidebar_node_get_base (HANGAR_SIDEBAR_NODE (item));
  if (account == NULL || base == NULL || g_strcmp0 (hangar_base_get_id (base), base_id) != 0)
    return;
  /* The base's row, so that the sidebar says where the page is. */
  if (!hangar_sidebar_select_base (self->sidebar, account, base_id))
    {
      hangar_base_page_set_base (HANGAR_BASE_PAGE (self->base_page), account, base);
      show_content (self, "base", hangar_base_get_name (base), _("Base"));
    }
  hangar_base_page_show_field (HANGAR_BASE_PAGE (self->base_page), table_id, field_id);
}

static void
item_opened_cb (HangarSidebar *sidebar,
                HangarWindow  *self)
{
  if (hangar_sidebar_get_selected_item (sidebar) != NULL)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
selected_item_cb (HangarSidebar *sidebar,
                  GParamSpec    *pspec,
                  HangarWindow  *self)
{
  update_content (self);
}

static void
load_failed_cb (HangarSidebar *sidebar,
                HangarAccount *account,
                const char    *message,
                HangarWindow  *self)
{
  hangar_window_toast (self, message);
}

static void
track_account (HangarWindow  *self,
               HangarAccount *account)
{
  if (g_hash_table_contains (self->known_status, account))
    return;

  g_hash_table_insert (self->known_status, account,
                       GINT_TO_POINTER (hangar_account_get_status (account) + 1));
  g_signal_connect_object (account, "notify::status", G_CALLBACK (account_status_cb), self, 0);
}

static void
store_items_changed_cb (GListModel   *model,
                        guint         position,
                        guint         removed,
                        guint         added,
                        HangarWindow *self)
{
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (model, position + i);
      track_account (self, account);
    }

  if (removed > 0)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->known_status);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (hangar_account_store_lookup_by_id (self->store, hangar_account_get_id (key)) != key)
          {
            g_signal_handlers_disconnect_by_data (key, self);
            g_hash_table_iter_remove (&iter);
          }
    }

  if (hangar_sidebar_get_selected_item (self->sidebar) == NULL)
    update_content (self);
}

static void
account_status_cb (HangarAccount *account,
                   GParamSpec    *pspec,
                   HangarWindow  *self)
{
  HangarAccountStatus status = hangar_account_get_status (account);
  int previous = GPOINTER_TO_INT (g_hash_table_lookup (self->known_status, account)) - 1;
  g_autofree char *title = NULL;
  const char *reason = hangar_account_get_status_reason (account);

  g_hash_table_insert (self->known_status, account, GINT_TO_POINTER (status + 1));
  if ((int) status == previous)
    return;

  /* Working again (reconnected, or another process refreshed): list anew. */
  if (status == HANGAR_ACCOUNT_STATUS_ACTIVE)
    {
      hangar_sidebar_reload_account (self->sidebar, account);
      return;
    }

  /* The badge follows the account by itself; here only the toast. */
  if (status == HANGAR_ACCOUNT_STATUS_REVOKED)
    title = reason != NULL
      ? g_strdup_printf (_("Access for “%s” was revoked: %s"), hangar_account_get_label (account), reason)
      : g_strdup_printf (_("Access for “%s” was revoked"), hangar_account_get_label (account));
  else if (status == HANGAR_ACCOUNT_STATUS_EXPIRED)
    title = reason != NULL
      ? g_strdup_printf (_("“%s” needs to sign in again: %s"), hangar_account_get_label (account), reason)
      : g_strdup_printf (_("“%s” needs to sign in again"), hangar_account_get_label (account));
  else
    return;

  show_toast_full (self, title, _("_Reconnect"), "win.reconnect-account",
                   g_variant_new_string (hangar_account_get_id (account)));
}

static void
account_added_cb (HangarAddAccountDialog *dialog,
                  HangarAccount          *account,
                  HangarWindow           *self)
{
  g_autofree char *text = g_strdup_printf (_("Connected “%s”"), hangar_account_get_label (account));

  /* Its bases are listed by the expansion (or by the ACTIVE transition). */
  track_account (self, account);
  hangar_sidebar_select_account (self->sidebar, account, TRUE);
  hangar_window_toast (self, text);
}

GtkWindow *
hangar_window_add_account (HangarWindow *self)
{
  HangarAddAccountDialog *dialog;

  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);

  dialog = hangar_add_account_dialog_new (GTK_WINDOW (self), self->store, self->sandbox);
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (account_added_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  hangar_window_add_account (HANGAR_WINDOW (widget));
}

/* The accounts overview in the content area; nothing selected in the
 * sidebar, so a click on any item leaves it. */
void
hangar_window_show_overview (HangarWindow *self)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));

  self->showing_overview = TRUE;
  hangar_sidebar_unselect (self->sidebar);
  update_content (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
show_overview_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  hangar_window_show_overview (HANGAR_WINDOW (widget));
}

static void
csv_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  if (self->record_grid == NULL || !g_str_equal (gtk_stack_get_visible_child_name (self->content_stack), "grid"))
    return;
  if (g_str_equal (action_name, "win.import-csv"))
    hangar_record_grid_import_csv (HANGAR_RECORD_GRID (self->record_grid), NULL);
  else
    hangar_record_grid_export_csv (HANGAR_RECORD_GRID (self->record_grid), NULL);
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  adw_leaflet_navigate (HANGAR_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

typedef struct
{
  HangarWindow  *self;
  HangarAccount *account;
  char         **missing_scopes;   /* a reconnect asks for these too */
} AccountOp;

static AccountOp *
account_op_new (HangarWindow  *self,
                HangarAccount *account)
{
  AccountOp *op = g_new0 (AccountOp, 1);

  op->self = g_object_ref (self);
  op->account = g_object_ref (account);
  return op;
}

static void
account_op_free (AccountOp *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->account);
  g_strfreev (op->missing_scopes);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccountOp, account_op_free)

static void
reconnected_cb (HangarAddAccountDialog *dialog,
                HangarAccount          *account,
                HangarWindow           *self)
{
  g_autofree char *text = g_strdup_printf (_("Reconnected “%s”"), hangar_account_get_label (account));

  /* The status turning ACTIVE lists its bases again. */
  hangar_window_toast (self, text);
}

static void
load_integration_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(AccountOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarOAuthIntegration) integration = NULL;
  HangarAddAccountDialog *dialog;

  integration = hangar_account_store_load_integration_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (integration == NULL)
    {
      g_autofree char *text = hangar_connect_describe_error (_("Could not reconnect"), error);
      hangar_window_toast (op->self, text);
      return;
    }

  /* The reconnect page: the integration it was connected with (or a saved
   * one), the scopes it had plus what it lacks, in the consent dialog or
   * the browser. */
  dialog = hangar_add_account_dialog_new (GTK_WINDOW (op->self), op->self->store, op->self->sandbox);
  hangar_add_account_dialog_set_reconnect (dialog, op->account, integration,
                                           (const char * const *) op->missing_scopes);
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (reconnected_cb), op->self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reconnect_account (HangarWindow        *self,
                   HangarAccount       *account,
                   const char * const  *missing_scopes)
{
  AccountOp *op;

  if (hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT)
    {
      HangarAddAccountDialog *dialog = HANGAR_ADD_ACCOUNT_DIALOG (hangar_window_add_account (self));

      hangar_add_account_dialog_set_label (dialog, hangar_account_get_label (account));
      hangar_add_account_dialog_show_page (dialog, "pat");
      return;
    }

  op = account_op_new (self, account);
  op->missing_scopes = g_strdupv ((char **) missing_scopes);
  hangar_account_store_load_integration_async (self->store, account, self->cancellable,
                                               load_integration_cb, op);
}

static void
reconnect_account_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarAccount *account = hangar_account_store_lookup_by_id (self->store, g_variant_get_string (parameter, NULL));

  if (account != NULL)
    reconnect_account (self, account, NULL);
}

/* After a 403: reconnect asking for exactly the scopes that were missing
 * (none when a base was not granted: the consent page is where to tick it). */
static void
reconnect_with_scopes_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autofree const char **scopes = NULL;
  const char *id = NULL;
  HangarAccount *account;

  g_variant_get (parameter, "(&s^a&s)", &id, &scopes);
  account = hangar_account_store_lookup_by_id (self->store, id);
  if (account != NULL)
    reconnect_account (self, account, scopes);
}

static void
remove_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AccountOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!hangar_account_store_remove_finish (HANGAR_ACCOUNT_STORE (object), result, &error))
    text = hangar_connect_describe_error (_("Could not disconnect"), error);
  else
    {
      g_autoptr(GError) delete_error = NULL;

      /* Its local databases (the request log, …) go with it, once every
       * part of the app has let go of them. */
      hangar_request_log_forget_account (hangar_account_get_id (op->account));
      if (op->self->record_grid != NULL)
        hangar_record_grid_forget_account (HANGAR_RECORD_GRID (op->self->record_grid), op->account);
      if (!hangar_store_delete_account_when_released (hangar_account_get_id (op->account), &delete_error))
        g_warning ("Could not delete the local data of %s: %s", hangar_account_get_id (op->account),
                   delete_error->message);
      text = g_strdup_printf (_("Disconnected “%s”"), hangar_account_get_label (op->account));
    }
  hangar_window_toast (op->self, text);
  update_content (op->self);
}

static void
disconnect_confirmed_cb (gboolean confirmed,
                         gpointer user_data)
{
  g_autoptr(AccountOp) op = user_data;

  if (!confirmed)
    return;

  hangar_account_store_remove_async (op->self->store, op->account, NULL, remove_done_cb, op);
  op = NULL;
}

static void
disconnect_account_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarAccount *account = hangar_account_store_lookup_by_id (self->store, g_variant_get_string (parameter, NULL));
  g_autofree char *heading = NULL;
  const char *body, *link_label, *link_uri;
  GtkWindow *dialog;
  GtkWidget *link;

  if (account == NULL)
    return;

  heading = g_strdup_printf (_("Disconnect “%s”?"), hangar_account_get_label (account));
  /* Forgetting an account here does not end its access at Airtable: say
   * so, and where to end it. */
  if (hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT)
    {
      body = _("Hangar forgets this account on this computer: the token is deleted from your keyring, "
               "and the account's cached data and request log are removed. This does not delete the "
               "personal access token at Airtable: it keeps working for whoever has a copy until you "
               "delete it on Airtable's token page.");
      link_label = _("Open Airtable's Token Page");
      link_uri = AIRTABLE_TOKENS_URL;
    }
  else
    {
      body = _("Hangar forgets this account on this computer: its tokens are deleted from your keyring, "
               "and its cached data and request log are removed. This does not revoke Hangar's access "
               "at Airtable: the grant stays valid there until you revoke it in your Airtable account "
               "(Account → Integrations).");
      link_label = _("How to Revoke Access at Airtable");
      link_uri = AIRTABLE_REVOKE_HELP_URL;
    }
  dialog = hangar_compat_confirm (GTK_WINDOW (self), heading, body, _("_Disconnect"), TRUE,
                                  disconnect_confirmed_cb, account_op_new (self, account));
  link = gtk_link_button_new_with_label (link_uri, link_label);
  gtk_widget_set_halign (link, GTK_ALIGN_CENTER);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), link);
}

static gboolean
hangar_window_close_request (GtkWindow *window)
{
  HangarWindow *self = HANGAR_WINDOW (window);

  /* Changes not on Airtable yet: wait for them, or keep them for later. */
  if (hangar_changes_button_confirm_close (self->changes_button, window))
    return TRUE;

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (hangar_window_parent_class)->close_request (window);
}

static void
arm_token_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char *token;

  /* Only to start the source's refresh timer; failures show on the badge. */
  token = hangar_token_source_get_token_finish (HANGAR_TOKEN_SOURCE (object), result, &error);
  if (token != NULL)
    hangar_token_free (token);
}

/* Saved OAuth accounts: load their tokens now, so the proactive refresh
 * runs (and a revoked grant shows on the badge) without waiting for a click. */
static void
arm_token_sources (HangarWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      HangarAccountStatus status = hangar_account_get_status (account);

      if (hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_OAUTH &&
          (status == HANGAR_ACCOUNT_STATUS_ACTIVE || status == HANGAR_ACCOUNT_STATUS_EXPIRED))
        hangar_token_source_get_token_async (hangar_account_get_token_source (account),
                                             self->cancellable, arm_token_cb, NULL);
    }
}

static void
changes_attention_cb (HangarChangesButton *button,
                      guint                n,
                      HangarWindow        *self)
{
  g_autofree char *title = g_strdup_printf (g_dngettext (NULL, "%u change from last time needs you",
                                                         "%u changes from last time need you", n), n);

  show_toast_full (self, title, _("_Review"), "win.show-changes", NULL);
}

static void
show_changes_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  hangar_changes_button_popup (HANGAR_WINDOW (widget)->changes_button);
}

static void
hangar_window_constructed (GObject *object)
{
  HangarWindow *self = (HangarWindow *)object;

  G_OBJECT_CLASS (hangar_window_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  self->sidebar = HANGAR_SIDEBAR (hangar_sidebar_new (self->store));
  gtk_widget_set_vexpand (GTK_WIDGET (self->sidebar), TRUE);
  gtk_box_append (self->sidebar_box, GTK_WIDGET (self->sidebar));
  g_signal_connect (self->sidebar, "notify::selected-item", G_CALLBACK (selected_item_cb), self);
  g_signal_connect (self->sidebar, "load-failed", G_CALLBACK (load_failed_cb), self);
  g_signal_connect (self->sidebar, "item-opened", G_CALLBACK (item_opened_cb), self);

  /* Every account's requests go into its request log (the application
   * does this at start too; once per store). */
  hangar_request_log_attach_accounts (self->store, "app");
  self->overview = hangar_accounts_overview_new (self->store);
  gtk_stack_add_named (self->content_stack, self->overview, "overview");
  /* A base's schema: its page, and what follows a change of it. */
  self->base_page = hangar_base_page_new ();
  gtk_stack_add_named (self->content_stack, self->base_page, "base");
  g_signal_connect_object (self->base_page, "open-table", G_CALLBACK (open_table_cb), self, 0);
  g_signal_connect_object (self->base_page, "notice", G_CALLBACK (base_notice_cb), self, 0);
  self->schema_sync = hangar_schema_sync_new (self->store, self->sidebar);
  g_signal_connect_object (self->schema_sync, "tables-changed", G_CALLBACK (tables_changed_cb), self, 0);

  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (store_items_changed_cb), self, 0);
  store_items_changed_cb (G_LIST_MODEL (self->store), 0, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->store)), self);
  /* Every account's journal: what a previous run left is sent now. */
  g_signal_connect (self->changes_button, "attention", G_CALLBACK (changes_attention_cb), self);
  hangar_changes_button_set_account_store (self->changes_button, self->store);
  update_content (self);
  arm_token_sources (self);
  /* Where the user was last time. */
  hangar_sidebar_reveal_last_table (self->sidebar, self->store);
}

static void
hangar_window_dispose (GObject *object)
{
  HangarWindow *self = (HangarWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->known_status != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->known_status);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_signal_handlers_disconnect_by_data (key, self);
      g_clear_pointer (&self->known_status, g_hash_table_unref);
    }

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->schema_sync);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_WINDOW);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->sandbox, hangar_oauth_integration_free);

  G_OBJECT_CLASS (hangar_window_parent_class)->dispose (object);
}

static void
hangar_window_finalize (GObject *object)
{
  HangarWindow *self = (HangarWindow *)object;

  g_free (self->last_toast);
  g_free (self->last_toast_action);

  G_OBJECT_CLASS (hangar_window_parent_class)->finalize (object);
}

static void
hangar_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_window_class_init (HangarWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hangar_window_constructed;
  object_class->dispose = hangar_window_dispose;
  object_class->finalize = hangar_window_finalize;
  object_class->get_property = hangar_window_get_property;
  object_class->set_property = hangar_window_set_property;
  window_class->close_request = hangar_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HANGAR_TYPE_ACCOUNT_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HANGAR_TYPE_ACCOUNT_PAGE);
  g_type_ensure (HANGAR_TYPE_CHANGES_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/tablehangar/Hangar/hangar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, table_menu_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, select_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, account_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, grid_box);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, changes_button);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "win.show-changes", NULL, show_changes_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.import-csv", NULL, csv_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv", NULL, csv_action);
  gtk_widget_class_install_action (widget_class, "win.show-overview", NULL, show_overview_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect-account", "s", reconnect_account_action);
  gtk_widget_class_install_action (widget_class, "win.reconnect-with-scopes", "(sas)", reconnect_with_scopes_action);
  gtk_widget_class_install_action (widget_class, "win.disconnect-account", "s", disconnect_account_action);
  gtk_widget_class_install_action (widget_class, "win.show-field", "(sss)", show_field_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add-account", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
hangar_window_init (HangarWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The app's icon by its id, which differs in a development build. */
  adw_status_page_set_icon_name (self->empty_page, APP_ID);

  self->cancellable = g_cancellable_new ();
  self->known_status = g_hash_table_new (NULL, NULL);

  /* Without the installed schema (a bare build tree) the size is simply not kept. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APP_ID);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  else
    gtk_window_set_default_size (GTK_WINDOW (self), 1100, 720);
}

HangarWindow *
hangar_window_new (GtkApplication     *application,
                   HangarAccountStore *store)
{
  return g_object_new (HANGAR_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

GtkWidget *
hangar_window_get_changes_button (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->changes_button);
}

HangarAccountStore *
hangar_window_get_store (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->store;
}

void
hangar_window_set_sandbox (HangarWindow                 *self,
                           const HangarOAuthIntegration *integration)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));

  g_clear_pointer (&self->sandbox, hangar_oauth_integration_free);
  if (integration != NULL)
    self->sandbox = hangar_oauth_integration_copy (integration);

  adw_window_title_set_subtitle (self->sidebar_title, integration != NULL ? _("Sandbox") : NULL);
  adw_status_page_set_description (self->empty_page,
                                   integration != NULL
                                   ? _("The local sandbox is running with demo data. Add an account to sign in through its consent page.")
                                   : _("Connect an Airtable account to browse its bases and records."));
}

const HangarOAuthIntegration *
hangar_window_get_sandbox (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->sandbox;
}

const char *
hangar_window_get_content_page (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->content_stack);
}

HangarSidebar *
hangar_window_get_sidebar (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->sidebar;
}

HangarAccountPage *
hangar_window_get_account_page (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->account_page;
}

GtkWidget *
hangar_window_get_overview (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->overview;
}

GtkWidget *
hangar_window_get_record_grid (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->record_grid;
}

const char *
hangar_window_get_last_toast (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->last_toast;
}

const char *
hangar_window_get_last_toast_action (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->last_toast_action;
}

GtkWidget *
hangar_window_get_base_page (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return self->base_page;
}
