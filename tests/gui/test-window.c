/* test-window.c — the Hangar window against a real hangar-sandbox
 *
 * Real window, real WebKit consent dialog loading the sandbox's real consent
 * page, real keyring (libsecret file backend), real HTTP. The main context
 * is iterated until a condition holds; nothing sleeps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-account-page.h"
#include "hangar-account-row.h"
#include "hangar-add-account-dialog.h"
#include "hangar-connect.h"
#include "hangar-consent-private.h"
#include "hangar-record-grid.h"
#include "hangar-sidebar-private.h"
#include "hangar-test-consent.h"
#include "hangar-test-gui.h"
#include "hangar-window-private.h"

typedef struct
{
  HangarTestSandbox      *sandbox;
  HangarAccountStore     *store;
  HangarOAuthIntegration *integration;
  HangarWindow           *window;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;

  hangar_test_isolate_home ();
  /* The keyring file sits in HOME, outside the XDG dirs the leak scan reads. */
  hangar_test_use_file_keyring (NULL);

  /* @data: extra sandbox arguments ("--access-ttl", "4"), or none. */
  {
    g_autoptr(GPtrArray) args = g_ptr_array_new ();
    const char * const *extra = data;

    g_ptr_array_add (args, (char *) "--no-rate-limit");
    for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
      g_ptr_array_add (args, (char *) extra[i]);
    g_ptr_array_add (args, NULL);
    f->sandbox = hangar_test_sandbox_startv ((const char * const *) args->pdata);
  }
  store_path = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "hangar", "accounts.json", NULL);
  f->store = hangar_account_store_new_for_path (store_path, &error);
  g_assert_no_error (error);

  f->integration = hangar_oauth_integration_new (f->sandbox->url, f->sandbox->url,
                                                 f->sandbox->client_id, NULL,
                                                 f->sandbox->redirect_uri, NULL);
  f->window = g_object_ref_sink (hangar_window_new (NULL, f->store));
  hangar_window_set_sandbox (f->window, f->integration);
  gtk_window_present (GTK_WINDOW (f->window));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, f->window, "the window to map");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GtkWindow *weak_window = GTK_WINDOW (f->window);
  GtkWindow *dialog;

  while ((dialog = hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG)) != NULL)
    gtk_window_destroy (dialog);

  g_object_add_weak_pointer (G_OBJECT (weak_window), (gpointer *) &weak_window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  /* Pending callbacks may hold it a moment; then it must go. */
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_window, "the window to be finalized");

  hangar_account_store_flush (f->store, NULL);
  g_clear_object (&f->store);
  g_clear_pointer (&f->integration, hangar_oauth_integration_free);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
}

/* --- helpers for the consent flow ----------------------------------------- */

static HangarAddAccountDialog *
open_oauth_page (Fixture *f)
{
  HangarAddAccountDialog *dialog;
  GtkWidget *oauth_row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-account", NULL));
  dialog = HANGAR_ADD_ACCOUNT_DIALOG (hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (hangar_add_account_dialog_get_page (dialog), ==, "choose");

  /* As a user: pick "Sign in with Airtable". */
  oauth_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "oauth_row");
  g_signal_emit_by_name (oauth_row, "activated");
  g_assert_cmpstr (hangar_add_account_dialog_get_page (dialog), ==, "oauth");

  /* Sandbox mode pre-filled the integration. */
  {
    GtkWidget *client_id_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "client_id_row");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (client_id_row)), ==, f->sandbox->client_id);
  }
  return dialog;
}

static gboolean
consent_loaded (gpointer data)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)) &&
         hangar_consent_dialog_is_loaded (dialog);
}

/* Continues to sign-in and waits for the sandbox's consent page to be
 * loaded in the web view; returns the consent dialog. */
static GtkWindow *
start_consent (Fixture                *f,
               HangarAddAccountDialog *dialog)
{
  GtkWidget *button = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "oauth_button");
  g_autoptr(GObject) view = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *host = NULL;
  g_autofree char *expected_prefix = g_strconcat (f->sandbox->url, "/oauth2/v1/authorize", NULL);
  GtkWindow *consent;

  g_assert_true (gtk_widget_is_sensitive (button) && gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (hangar_add_account_dialog_get_message (dialog), ==, NULL);
  hangar_test_wait_until (consent_loaded, NULL, "the consent page to load");
  consent = hangar_consent_get_dialog ();

  /* WebKit is loaded now (and only now) through the module. */
  g_assert_true (hangar_consent_module_loaded ());
  g_object_get (consent, "web-view", &view, "host", &host, NULL);
  g_object_get (view, "uri", &uri, NULL);
  g_assert_true (g_str_has_prefix (uri, expected_prefix));
  g_assert_true (strstr (uri, "code_challenge_method=S256") != NULL);
  g_assert_true (g_str_has_prefix (f->sandbox->url + strlen ("http://"), host));
  return consent;
}

static gboolean
reconnect_dialog_shown (gpointer data)
{
  GtkWindow *dialog = hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG);

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

static gboolean
dialog_gone (gpointer data)
{
  return hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG) == NULL;
}

static gboolean
dialog_shows_message (gpointer data)
{
  return hangar_add_account_dialog_get_message (HANGAR_ADD_ACCOUNT_DIALOG (data)) != NULL;
}

typedef struct
{
  HangarSidebar     *sidebar;
  HangarAccount     *account;
  HangarSidebarNode *base_node;
} SidebarWait;

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

static const char *grant_script =
  "document.querySelectorAll('input[name=base]').forEach(function (c) { c.checked = true; });"
  "document.querySelector('button[value=grant]').click();";

/* The whole flow through the UI; returns the connected account. */
static HangarAccount *
connect_through_consent (Fixture *f)
{
  HangarAddAccountDialog *dialog = open_oauth_page (f);
  GtkWindow *consent = start_consent (f, dialog);
  HangarAccount *account;
  SidebarWait w;

  /* Submit the real page as a user would: tick the bases, press Grant. The
   * sandbox then redirects to the redirect URI, which the dialog intercepts. */
  hangar_test_consent_run_script (consent, grant_script);
  hangar_test_wait_until (dialog_gone, NULL, "the add-account dialog to finish");
  g_assert_null (hangar_consent_get_dialog ());

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 1);
  account = g_list_model_get_item (G_LIST_MODEL (f->store), 0);
  g_object_unref (account); /* the store keeps it */
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpint (hangar_account_get_kind (account), ==, HANGAR_ACCOUNT_KIND_OAUTH);
  g_assert_nonnull (hangar_account_get_user_id (account));
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "exchanges"), ==, 1);

  /* The window shows it: selected, its page, and its bases below it. */
  g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "account");
  g_assert_true (hangar_account_page_get_account (hangar_window_get_account_page (f->window)) == account);
  w.sidebar = hangar_window_get_sidebar (f->window);
  w.account = account;
  hangar_test_wait_until (bases_listed, &w, "the account's bases in the sidebar");
  {
    GListModel *bases = hangar_sidebar_get_account_children (w.sidebar, account);
    g_autoptr(GObject) first = g_list_model_get_item (bases, 0);

    g_assert_cmpint (hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)), ==, HANGAR_SIDEBAR_NODE_BASE);
    g_assert_nonnull (hangar_sidebar_node_get_text (HANGAR_SIDEBAR_NODE (first)));
  }
  return account;
}

static gboolean
row_visible (gpointer data)
{
  SidebarWait *w = data;
  return hangar_sidebar_get_account_row (w->sidebar, w->account) != NULL;
}

static GtkLabel *
account_badge (Fixture       *f,
               HangarAccount *account)
{
  SidebarWait w = { hangar_window_get_sidebar (f->window), account, NULL };

  hangar_test_wait_until (row_visible, &w, "the account row");
  return hangar_account_row_get_badge (HANGAR_ACCOUNT_ROW (hangar_sidebar_get_account_row (w.sidebar, account)));
}

static void
load_creds_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  HangarCredentials **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = hangar_account_store_load_credentials_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
store_empty (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (data)) == 0;
}

static gboolean
content_is_empty (gpointer data)
{
  return g_strcmp0 (hangar_window_get_content_page (HANGAR_WINDOW (data)), "empty") == 0;
}

static gboolean creds_gone;

static void
read_text_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(char **) user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

static void
load_creds_gone_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  HangarCredentials *creds;

  creds = hangar_account_store_load_credentials_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  g_assert_null (creds);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND);
  *(gboolean *) user_data = TRUE;
}

/* --- tests ------------------------------------------------------------------ */

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

/* Server text (error messages, base names) must show as typed: libadwaita
 * 1.2 parses toast titles as markup, so the window escapes them. */
static void
test_server_text_plain (Fixture       *f,
                        gconstpointer  data)
{
  const char *hostile = "R&D <b>base</b> 5 < 6 &amp;";
  LabelWait w = { GTK_WIDGET (f->window), "R&D" };
  GtkLabel *label;

  hangar_window_toast (f->window, hostile);
  hangar_test_wait_until (label_shown, &w, "the toast to show");
  label = hangar_test_gui_find_label (GTK_WIDGET (f->window), "R&D");
  g_assert_cmpstr (gtk_label_get_text (label), ==, hostile);
  g_assert_cmpstr (hangar_window_get_last_toast (f->window), ==, hostile);
}

static void
test_window_empty (Fixture       *f,
                   gconstpointer  data)
{
  GtkWindow *dialog;

  g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);

  /* WebKit is not loaded just by opening the window or the add dialog. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-account", NULL));
  dialog = hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (hangar_consent_module_loaded ());
  gtk_window_destroy (dialog);

  /* Its size is kept in GSettings when it closes. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    gtk_window_set_default_size (GTK_WINDOW (f->window), 812, 604);
    gtk_window_close (GTK_WINDOW (f->window));
    g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 812);
    g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 604);
    g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  }
}

static void
test_consent_grant (Fixture       *f,
                    gconstpointer  data)
{
  HangarAccount *account = connect_through_consent (f);
  HangarCredentials *creds = NULL;
  GtkLabel *badge = account_badge (f, account);
  g_autoptr(HangarTestSecrets) secrets = hangar_test_secrets_new ();

  g_assert_cmpstr (gtk_label_get_text (badge), ==, hangar_account_status_to_string (HANGAR_ACCOUNT_STATUS_ACTIVE));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (badge), "status-active"));

  /* No token in any file under the XDG dirs (the metadata file included). */
  hangar_account_store_flush (f->store, NULL);
  hangar_account_store_load_credentials_async (f->store, account, NULL, load_creds_cb, &creds);
  hangar_test_wait_until (hangar_test_pointer_is_set, &creds, "the stored credentials");
  g_assert_nonnull (creds->access_token);
  g_assert_nonnull (creds->refresh_token);
  hangar_test_secrets_add (secrets, creds->access_token);
  hangar_test_secrets_add (secrets, creds->refresh_token);
  /* The scan really read something: at least the account list. */
  g_assert_cmpuint (hangar_test_secrets_assert_not_in_xdg_dirs (secrets), >, 0);
  hangar_credentials_free (creds);

  /* A base taken out of the grant: its tables cannot be listed, and the
   * sidebar says why (the 403 explained), not just "forbidden". */
  {
    HangarSidebar *sidebar = hangar_window_get_sidebar (f->window);
    GListModel *bases = hangar_sidebar_get_account_children (sidebar, account);
    g_autoptr(GObject) base_node = g_list_model_get_item (bases, 0);
    HangarBase *base = hangar_sidebar_node_get_base (HANGAR_SIDEBAR_NODE (base_node));
    g_autofree char *body = g_strdup_printf ("{\"base\": \"%s\"}", hangar_base_get_id (base));
    g_autoptr(JsonNode) reply = NULL;
    g_autoptr(GObject) first = NULL;
    SidebarWait w = { sidebar, account };
    guint status = 0;

    reply = hangar_test_sandbox_request (f->sandbox, "POST", "/__sandbox/remove-base", NULL, body, &status);
    g_assert_cmpuint (status, ==, 200);
    hangar_sidebar_set_expanded (sidebar, base_node, TRUE);
    w.base_node = HANGAR_SIDEBAR_NODE (base_node);
    hangar_test_wait_until (tables_listed, &w, "the base's tables (or why not)");
    first = g_list_model_get_item (hangar_sidebar_get_base_children (sidebar, w.base_node), 0);
    g_assert_cmpint (hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)), ==, HANGAR_SIDEBAR_NODE_MESSAGE);
    g_assert_nonnull (strstr (hangar_sidebar_node_get_text (HANGAR_SIDEBAR_NODE (first)), hangar_base_get_name (base)));
    /* A missing base grant does not break the account. */
    g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  }

  /* Disconnect, confirmed in the message dialog: account and secret gone. */
  {
    GtkWindow *confirm;
    g_autofree char *id = g_strdup (hangar_account_get_id (account));
    g_autoptr(HangarAccount) keep = g_object_ref (account);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.disconnect-account", "s", id));
    confirm = hangar_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_nonnull (confirm);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "confirm");
    hangar_test_wait_until (store_empty, f->store, "the account to be removed");
    hangar_test_wait_until (content_is_empty, f->window, "the empty state");
    g_assert_null (hangar_account_store_lookup_by_id (f->store, id));

    hangar_account_store_load_credentials_async (f->store, keep, NULL, load_creds_gone_cb, &creds_gone);
    hangar_test_wait_until (hangar_test_flag_is_set, &creds_gone, "the keyring lookup");
  }
}

static void
test_connect_pat (Fixture       *f,
                  gconstpointer  data)
{
  HangarAddAccountDialog *dialog;
  GtkWidget *pat_row, *token_row, *button;
  HangarAccount *account;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-account", NULL));
  dialog = HANGAR_ADD_ACCOUNT_DIALOG (hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG));
  pat_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "pat_row");
  g_signal_emit_by_name (pat_row, "activated");
  g_assert_cmpstr (hangar_add_account_dialog_get_page (dialog), ==, "pat");

  token_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "token_row");
  button = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "pat_button");

  /* A token Airtable (the sandbox) refuses: an error, no account. */
  gtk_editable_set_text (GTK_EDITABLE (token_row), "patNOTREAL00000.0000000000000000000000000000000000000000000000000000000000000000");
  g_signal_emit_by_name (button, "clicked");
  hangar_test_wait_until (dialog_shows_message, dialog, "the refused-token message");
  g_assert_cmpstr (hangar_add_account_dialog_get_page (dialog), ==, "pat");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
  /* The entry does not keep the token. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (token_row)), ==, "");

  /* The sandbox's real token: validated with whoami, ACTIVE. */
  gtk_editable_set_text (GTK_EDITABLE (token_row), f->sandbox->pat);
  g_signal_emit_by_name (button, "clicked");
  hangar_test_wait_until (dialog_gone, NULL, "the add-account dialog to finish");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 1);
  account = g_list_model_get_item (G_LIST_MODEL (f->store), 0);
  g_object_unref (account);
  g_assert_cmpint (hangar_account_get_kind (account), ==, HANGAR_ACCOUNT_KIND_PAT);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpstr (gtk_label_get_text (account_badge (f, account)), ==,
                   hangar_account_status_to_string (HANGAR_ACCOUNT_STATUS_ACTIVE));
  g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "account");

  /* EXPIRED (e.g. offline past expiry) offers Reconnect at once, too. */
  hangar_account_set_status (account, HANGAR_ACCOUNT_STATUS_EXPIRED, "Offline past the token's expiry");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (account_badge (f, account)), "status-expired"));
  g_assert_nonnull (strstr (hangar_window_get_last_toast (f->window), "Offline past the token's expiry"));
  g_assert_cmpstr (hangar_window_get_last_toast_action (f->window), ==, "win.reconnect-account");
}

static void
test_consent_deny (Fixture       *f,
                   gconstpointer  data)
{
  HangarAddAccountDialog *dialog = open_oauth_page (f);
  GtkWindow *consent = start_consent (f, dialog);
  g_autofree char *lower = NULL;

  /* The redirect URL to register can be copied. */
  {
    GtkWidget *copy = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "copy_redirect_button");
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (dialog));
    g_autofree char *text = NULL;

    (void) copy;
    g_signal_emit_by_name (copy, "clicked");
    gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &text);
    hangar_test_wait_until (hangar_test_pointer_is_set, &text, "the clipboard");
    g_assert_cmpstr (text, ==, f->sandbox->redirect_uri);
  }

  /* Cancel on the consent page: the sandbox redirects with access_denied. */
  hangar_test_consent_run_script (consent, "document.querySelector('button[value=cancel]').click();");
  hangar_test_wait_until (dialog_shows_message, dialog, "the cancelled message");
  g_assert_null (hangar_consent_get_dialog ());
  g_assert_cmpstr (hangar_add_account_dialog_get_page (dialog), ==, "oauth");
  lower = g_utf8_strdown (hangar_add_account_dialog_get_message (dialog), -1);
  g_assert_nonnull (strstr (lower, "cancelled"));
  {
    GtkWidget *label = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "oauth_message");
    /* Shown as information, not as an error. */
    g_assert_false (gtk_widget_has_css_class (label, "error"));
  }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (f->store)); i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (f->store), i);
      g_assert_cmpint (hangar_account_get_status (account), !=, HANGAR_ACCOUNT_STATUS_ACTIVE);
    }
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "exchanges"), ==, 0);

  /* Closing the consent window is a cancel too. */
  g_clear_pointer (&lower, g_free);
  consent = start_consent (f, dialog);
  gtk_window_close (consent);
  hangar_test_wait_until (dialog_shows_message, dialog, "the cancelled message");
  lower = g_utf8_strdown (hangar_add_account_dialog_get_message (dialog), -1);
  g_assert_nonnull (strstr (lower, "cancelled"));
  g_assert_null (hangar_consent_get_dialog ());
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "exchanges"), ==, 0);
}

static gboolean
account_revoked (gpointer data)
{
  return hangar_account_get_status (HANGAR_ACCOUNT (data)) == HANGAR_ACCOUNT_STATUS_REVOKED;
}

static gboolean
account_active (gpointer data)
{
  return hangar_account_get_status (HANGAR_ACCOUNT (data)) == HANGAR_ACCOUNT_STATUS_ACTIVE;
}

static gboolean
test_finished (gpointer data)
{
  const char *result = hangar_account_page_get_test_result (HANGAR_ACCOUNT_PAGE (data));

  return result != NULL && (g_str_has_prefix (result, "Works") || g_str_has_prefix (result, "Failed"));
}

static void
test_revoke_badge (Fixture       *f,
                   gconstpointer  data)
{
  HangarAccount *account = connect_through_consent (f);
  g_autoptr(JsonNode) reply = NULL;
  GtkLabel *badge;
  guint status = 0;
  g_autofree char *lower = NULL;

  badge = account_badge (f, account);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (badge), "status-active"));

  /* Bases → tables → the record grid in the content area. */
  {
    HangarSidebar *sidebar = hangar_window_get_sidebar (f->window);
    GListModel *bases = hangar_sidebar_get_account_children (sidebar, account);
    g_autoptr(GObject) base_node = g_list_model_get_item (bases, 0);
    g_autoptr(GObject) table_node = NULL;
    HangarTable *table;
    SidebarWait w = { sidebar, account, HANGAR_SIDEBAR_NODE (base_node) };

    hangar_sidebar_set_expanded (sidebar, base_node, TRUE);
    hangar_test_wait_until (tables_listed, &w, "the base's tables");
    table_node = g_list_model_get_item (hangar_sidebar_get_base_children (sidebar, w.base_node), 0);
    g_assert_cmpint (hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (table_node)), ==, HANGAR_SIDEBAR_NODE_TABLE);
    table = hangar_sidebar_node_get_table (HANGAR_SIDEBAR_NODE (table_node));
    g_assert_true (hangar_sidebar_select_table (sidebar, account, hangar_table_get_id (table)));
    g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "grid");
    g_assert_true (HANGAR_IS_RECORD_GRID (hangar_window_get_record_grid (f->window)));
    g_assert_true (hangar_record_grid_get_table (HANGAR_RECORD_GRID (hangar_window_get_record_grid (f->window))) == table);

    /* Back to the account page for the rest. */
    hangar_sidebar_select_account (sidebar, account, FALSE);
    g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "account");
  }

  reply = hangar_test_sandbox_request (f->sandbox, "POST", "/__sandbox/revoke", NULL, "{}", &status);
  g_assert_cmpuint (status, ==, 200);

  /* The next call notices: 401, the refresh is refused, REVOKED. */
  hangar_account_page_test_connection (hangar_window_get_account_page (f->window));
  hangar_test_wait_until (account_revoked, account, "the account to turn REVOKED");

  badge = account_badge (f, account);
  g_assert_cmpstr (gtk_label_get_text (badge), ==, hangar_account_status_to_string (HANGAR_ACCOUNT_STATUS_REVOKED));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (badge), "status-revoked"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (badge), "status-active"));

  g_assert_nonnull (hangar_window_get_last_toast (f->window));
  lower = g_utf8_strdown (hangar_window_get_last_toast (f->window), -1);
  g_assert_nonnull (strstr (lower, "revoked"));
  g_assert_cmpstr (hangar_window_get_last_toast_action (f->window), ==, "win.reconnect-account");

  /* The toast's Reconnect: the reconnect page (the name fixed, the
   * integration it was connected with), then the consent page again, same
   * user, ACTIVE again. */
  {
    GtkWindow *consent;
    HangarAccountPage *page = hangar_window_get_account_page (f->window);
    HangarAddAccountDialog *dialog;
    GtkWidget *button;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.reconnect-account", "s",
                                               hangar_account_get_id (account)));
    hangar_test_wait_until (reconnect_dialog_shown, NULL, "the reconnect page");
    dialog = HANGAR_ADD_ACCOUNT_DIALOG (hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG));
    g_assert_true (hangar_add_account_dialog_get_reconnecting (dialog));
    g_assert_cmpstr (hangar_add_account_dialog_get_page (dialog), ==, "oauth");
    button = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "oauth_button");
    g_signal_emit_by_name (button, "clicked");
    hangar_test_wait_until (consent_loaded, NULL, "the consent page for the reconnect");
    consent = hangar_consent_get_dialog ();
    hangar_test_consent_run_script (consent, grant_script);
    hangar_test_wait_until (account_active, account, "the account to be ACTIVE again");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 1);

    badge = account_badge (f, account);
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (badge), "status-active"));

    /* And it works: whoami through the account's client. */
    hangar_account_page_set_account (page, account);
    hangar_account_page_test_connection (page);
    hangar_test_wait_until (test_finished, page, "the connection test");
    g_assert_true (g_str_has_prefix (hangar_account_page_get_test_result (page), "Works"));
  }
}

static void
test_account_row_badge (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hangar-row-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "accounts.json", NULL);
  g_autoptr(HangarAccountStore) store = hangar_account_store_new_for_path (path, &error);
  HangarAccount *account;
  GtkWidget *row;
  GtkWidget *page;
  GtkLabel *badge;
  static const struct {
    HangarAccountStatus status;
    const char *css;
  } cases[] = {
    { HANGAR_ACCOUNT_STATUS_ACTIVE, "status-active" },
    { HANGAR_ACCOUNT_STATUS_EXPIRED, "status-expired" },
    { HANGAR_ACCOUNT_STATUS_REVOKED, "status-revoked" },
    { HANGAR_ACCOUNT_STATUS_ERROR, "status-error" },
    { HANGAR_ACCOUNT_STATUS_PENDING, "status-pending" },
  };

  g_assert_no_error (error);
  account = hangar_account_store_get_or_create (store, "pending|Row", "Row", HANGAR_ACCOUNT_KIND_OAUTH);
  row = g_object_ref_sink (hangar_account_row_new (account));
  page = g_object_ref_sink (hangar_account_page_new ());
  hangar_account_page_set_account (HANGAR_ACCOUNT_PAGE (page), account);
  badge = hangar_account_row_get_badge (HANGAR_ACCOUNT_ROW (row));

  /* Each status: its own words (never colour alone) and its own class. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      hangar_account_set_status (account, cases[i].status,
                                 cases[i].status == HANGAR_ACCOUNT_STATUS_ACTIVE ? NULL : "Because");
      g_assert_cmpstr (gtk_label_get_text (badge), ==, hangar_account_status_to_string (cases[i].status));
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (badge), cases[i].css));
      for (guint j = 0; j < G_N_ELEMENTS (cases); j++)
        if (j != i)
          g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (badge), cases[j].css));
    }

  /* Server text is never markup in the row. */
  hangar_account_set_label (account, "<b>R&D</b>");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_template_child (row, HANGAR_TYPE_ACCOUNT_ROW, "label"))), ==, "<b>R&D</b>");

  g_assert_finalize_object (row);
  g_assert_finalize_object (page);
}

static void
test_revoke_proactive (Fixture       *f,
                       gconstpointer  data)
{
  HangarAccount *account = connect_through_consent (f);
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;
  gint64 requests_before;

  /* No call from the test after this: the token source's own timer
   * refreshes before the short-lived access token expires, is refused, and
   * the badge follows by itself. */
  reply = hangar_test_sandbox_request (f->sandbox, "POST", "/__sandbox/revoke", NULL, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  requests_before = hangar_test_sandbox_stat (f->sandbox, "refreshes");
  hangar_test_wait_until (account_revoked, account, "the proactive refresh to find the grant revoked");

  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (account_badge (f, account)), "status-revoked"));
  g_assert_cmpstr (hangar_window_get_last_toast_action (f->window), ==, "win.reconnect-account");
  /* It was the refresh that failed: no successful refresh happened. */
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "refreshes"), ==, requests_before);
}

static void
test_restart_live (Fixture       *f,
                   gconstpointer  data)
{
  HangarAccount *account = connect_through_consent (f);
  g_autofree char *id = g_strdup (hangar_account_get_id (account));
  g_autofree char *path = g_strdup (hangar_account_store_get_path (f->store));
  GtkWindow *weak_window = GTK_WINDOW (f->window);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  HangarAccount *reloaded;
  guint status = 0;

  /* "Quit": the window and the account list go away. */
  g_assert_true (hangar_account_store_flush (f->store, &error));
  g_assert_no_error (error);
  g_object_add_weak_pointer (G_OBJECT (weak_window), (gpointer *) &weak_window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_window, "the first window to be finalized");
  /* The short-lived token may be in the middle of its refresh, which holds
   * the list until it is stored; then it must go. */
  {
    HangarAccountStore *weak_store = f->store;

    g_object_add_weak_pointer (G_OBJECT (weak_store), (gpointer *) &weak_store);
    g_clear_object (&f->store);
    hangar_test_wait_until (hangar_test_pointer_is_null, &weak_store, "the first account list to be finalized");
  }

  /* "Start again": a new list from the same file, a new window. */
  f->store = hangar_account_store_new_for_path (path, &error);
  g_assert_no_error (error);
  reloaded = hangar_account_store_lookup_by_id (f->store, id);
  g_assert_nonnull (reloaded);
  g_assert_cmpint (hangar_account_get_status (reloaded), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  f->window = g_object_ref_sink (hangar_window_new (NULL, f->store));
  gtk_window_present (GTK_WINDOW (f->window));
  hangar_test_wait_until (hangar_test_gui_widget_mapped, f->window, "the second window to map");

  /* Nobody clicks anything: the restored account's refresh timer runs and
   * finds the grant gone. */
  reply = hangar_test_sandbox_request (f->sandbox, "POST", "/__sandbox/revoke", NULL, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  hangar_test_wait_until (account_revoked, reloaded, "the restored account to turn REVOKED");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (account_badge (f, reloaded)), "status-revoked"));
}

static gboolean
leaflet_folded (gpointer data)
{
  return adw_leaflet_get_folded (ADW_LEAFLET (data));
}

static gboolean
leaflet_unfolded (gpointer data)
{
  return !adw_leaflet_get_folded (ADW_LEAFLET (data));
}

static gboolean
window_at_most_400 (gpointer data)
{
  int width = gtk_widget_get_width (GTK_WIDGET (data));

  return width > 0 && width <= 400;
}

/* The compact layout: at 400 px the leaflet folds; choosing an item shows
 * the content with a Back button, Back shows the sidebar again. */
static void
test_narrow (Fixture       *f,
             gconstpointer  data)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (gtk_widget_get_template_child (GTK_WIDGET (f->window), HANGAR_TYPE_WINDOW, "leaflet"));
  GtkWidget *sidebar_box = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (f->window), HANGAR_TYPE_WINDOW, "sidebar_box");
  GtkWidget *content_box = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (f->window), HANGAR_TYPE_WINDOW, "content_box");
  GtkWidget *back = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (f->window), HANGAR_TYPE_WINDOW, "back_button");
  HangarSidebar *sidebar = hangar_window_get_sidebar (f->window);
  HangarAccount *account;
  g_autoptr(GObject) base_node = NULL;
  g_autoptr(GObject) table_node = NULL;
  SidebarWait w;

  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_false (gtk_widget_get_visible (back));

  gtk_window_set_default_size (GTK_WINDOW (f->window), 400, 700);
  hangar_test_wait_until (leaflet_folded, leaflet, "the leaflet to fold");
  hangar_test_wait_until (window_at_most_400, f->window, "the window to be 400 px wide");

  /* Connecting selects the account: its page, with a way back. */
  account = connect_through_consent (f);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == content_box);
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (back)), ==, "win.go-back");
  /* The account page fits the narrow window. */
  hangar_test_wait_until (window_at_most_400, f->window, "the account page to fit 400 px");

  /* Back (the button's action) shows the sidebar. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.go-back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == sidebar_box);

  /* A table chosen in the sidebar opens the grid, Back returns again. */
  w.sidebar = sidebar;
  w.account = account;
  base_node = g_list_model_get_item (hangar_sidebar_get_account_children (sidebar, account), 0);
  hangar_sidebar_set_expanded (sidebar, base_node, TRUE);
  w.base_node = HANGAR_SIDEBAR_NODE (base_node);
  hangar_test_wait_until (tables_listed, &w, "the base's tables");
  table_node = g_list_model_get_item (hangar_sidebar_get_base_children (sidebar, w.base_node), 0);
  g_assert_cmpint (hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (table_node)), ==, HANGAR_SIDEBAR_NODE_TABLE);
  g_assert_true (hangar_sidebar_select_table (sidebar, account,
                                              hangar_table_get_id (hangar_sidebar_node_get_table (HANGAR_SIDEBAR_NODE (table_node)))));
  g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "grid");
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == content_box);
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.go-back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == sidebar_box);

  /* Enter (the list's activate-item) on the selected table opens it again. */
  {
    GtkWidget *scroller = gtk_widget_get_first_child (GTK_WIDGET (sidebar));
    GtkWidget *list = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
    GtkSingleSelection *model = GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
    guint position = gtk_single_selection_get_selected (model);

    g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
    g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", position));
    g_assert_true (adw_leaflet_get_visible_child (leaflet) == content_box);
    g_assert_cmpstr (hangar_window_get_content_page (f->window), ==, "grid");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.go-back", NULL));
  }

  /* Wide again: side by side, no Back button. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 720);
  hangar_test_wait_until (leaflet_unfolded, leaflet, "the content beside the sidebar");
  g_assert_true (gtk_widget_get_mapped (content_box) && gtk_widget_get_mapped (sidebar_box));
  g_assert_false (gtk_widget_get_visible (back));
}

static const char *short_ttl_args[] = { "--access-ttl", "4", NULL };

/* What the add-account dialog and the reconnect toast say about failures. */
static void
test_describe_error (void)
{
  g_autoptr(GError) keyring = g_error_new_literal (HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING,
                                                   "The name org.freedesktop.secrets was not provided");
  g_autoptr(GError) denied = g_error_new_literal (HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED, "x");
  g_autoptr(GError) other = g_error_new_literal (HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_FAILED, "Boom");
  g_autofree char *a = hangar_connect_describe_error ("Could not connect", keyring);
  g_autofree char *b = hangar_connect_describe_error ("Could not reconnect", denied);
  g_autofree char *c = hangar_connect_describe_error ("Could not connect", other);

  /* A missing Secret Service says what to do, and keeps the detail. */
  g_assert_true (g_str_has_prefix (a, "Could not connect: "));
  g_assert_nonnull (strstr (a, "GNOME Keyring"));
  g_assert_nonnull (strstr (a, "org.freedesktop.secrets"));
  g_assert_nonnull (strstr (b, "not granted"));
  g_assert_cmpstr (c, ==, "Could not connect: Boom");
}

int
main (int   argc,
      char *argv[])
{
  /* A home of this process's own before GTK starts: GLib keeps the first
   * answer of g_get_home_dir() and the XDG dirs for the whole process. */
  hangar_test_gui_init (&argc, &argv);

  g_test_add_func ("/hangar/gui/window/account-row-badge", test_account_row_badge);
  g_test_add_func ("/hangar/gui/window/describe-error", test_describe_error);
  g_test_add ("/hangar/gui/window/empty", Fixture, NULL, fixture_setup, test_window_empty, fixture_teardown);
  g_test_add ("/hangar/gui/consent/grant", Fixture, NULL, fixture_setup, test_consent_grant, fixture_teardown);
  g_test_add ("/hangar/gui/consent/deny", Fixture, NULL, fixture_setup, test_consent_deny, fixture_teardown);
  g_test_add ("/hangar/gui/window/connect-pat", Fixture, NULL, fixture_setup, test_connect_pat, fixture_teardown);
  g_test_add ("/hangar/gui/window/revoke-proactive", Fixture, short_ttl_args, fixture_setup, test_revoke_proactive, fixture_teardown);
  g_test_add ("/hangar/gui/window/restart-live", Fixture, short_ttl_args, fixture_setup, test_restart_live, fixture_teardown);
  g_test_add ("/hangar/gui/window/revoke-badge", Fixture, NULL, fixture_setup, test_revoke_badge, fixture_teardown);
  g_test_add ("/hangar/gui/window/narrow", Fixture, NULL, fixture_setup, test_narrow, fixture_teardown);
  g_test_add ("/hangar/gui/window/server-text-plain", Fixture, NULL, fixture_setup, test_server_text_plain, fixture_teardown);

  return g_test_run ();
}
