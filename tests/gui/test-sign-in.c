/* test-sign-in.c — signing in with the browser, saved integrations in the
 * window, and Reconnect after a 403 asking for exactly the missing scopes
 *
 * The "browser" is tests/gui/hangar-test-browser, made the default handler
 * of http(s) URLs in this test's own HOME: Hangar's gtk_show_uri() really
 * launches it, it answers the sandbox's consent page as a user would and
 * follows the redirect to Hangar's loopback listener. Real sandbox, real
 * keyring (file backend), real windows under Xvfb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hangar-add-account-dialog.h"
#include "hangar-consent-private.h"
#include "hangar-record-grid-private.h"
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
  char                   *log_path;
  guint                   port;
} Fixture;

static guint
free_loopback_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (sock, addr, TRUE, &error));
  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_free (gpointer data)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, (guint16) GPOINTER_TO_UINT (data));

  return g_socket_bind (sock, addr, TRUE, NULL);
}

/* The test's browser: the default handler of web links in this HOME. */
static void
install_browser (void)
{
  g_autofree char *apps = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *desktop = g_build_filename (apps, "hangar-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_autofree char *entry = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                                            "Exec=%s %%u\nNoDisplay=true\n"
                                            "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
                                            HANGAR_TEST_BROWSER_PATH);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_true (g_file_set_contents (desktop, entry, -1, &error));
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (mimeapps, "[Default Applications]\n"
                                                "x-scheme-handler/http=hangar-test-browser.desktop\n"
                                                "x-scheme-handler/https=hangar-test-browser.desktop\n", -1, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  static guint n_fixture;
  guint status = 0;

  f->sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  /* An integration of its own, redirecting to a free port: tests elsewhere
   * may be waiting on the sandbox's usual one. */
  f->port = free_loopback_port ();
  redirect = g_strdup_printf ("http://127.0.0.1:%u/hangar-test/cb", f->port);
  body = g_strdup_printf ("{\"name\": \"sign-in test\", \"redirect_uris\": [\"%s\"]}", redirect);
  reply = hangar_test_sandbox_request (f->sandbox, "POST", "/__sandbox/integrations", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  f->integration = hangar_oauth_integration_new (f->sandbox->url, f->sandbox->url,
                                                 json_object_get_string_member (json_node_get_object (reply), "client_id"),
                                                 NULL, redirect, NULL);

  /* GLib keeps the first XDG dirs of the process: files of its own per test. */
  store_path = g_strdup_printf ("%s/hangar-%u/accounts.json", g_get_user_config_dir (), ++n_fixture);
  f->store = hangar_account_store_new_for_path (store_path, &error);
  g_assert_no_error (error);
  f->log_path = g_strdup_printf ("%s/browser-%u.log", g_get_home_dir (), n_fixture);
  g_setenv ("HANGAR_TEST_BROWSER_LOG", f->log_path, TRUE);
  g_setenv ("HANGAR_TEST_BROWSER_MODE", data != NULL ? data : "grant", TRUE);

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
  if ((dialog = hangar_consent_get_dialog ()) != NULL)
    gtk_window_destroy (dialog);
  g_object_add_weak_pointer (G_OBJECT (weak_window), (gpointer *) &weak_window);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->window);
  hangar_test_wait_until (hangar_test_pointer_is_null, &weak_window, "the window to be finalized");
  hangar_account_store_flush (f->store, NULL);
  g_clear_object (&f->store);
  g_clear_pointer (&f->integration, hangar_oauth_integration_free);
  g_clear_pointer (&f->log_path, g_free);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
}

/* ---- helpers ---- */

static gboolean
log_has (gpointer data)
{
  const char * const *what = data;   /* path, line */
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (what[0], &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  return g_strv_contains ((const char * const *) lines, what[1]);
}

static void
wait_for_browser (Fixture    *f,
                  const char *line)
{
  const char *what[] = { f->log_path, line };
  g_autofree char *description = g_strdup_printf ("the browser's “%s”", line);

  hangar_test_wait_until (log_has, what, description);
}

static GtkWidget *
child (gpointer    dialog,
       const char *name)
{
  GtkWidget *widget = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, name);

  g_assert_nonnull (widget);
  return widget;
}

static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button) && gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

static HangarAddAccountDialog *
open_oauth_page (Fixture *f)
{
  HangarAddAccountDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-account", NULL));
  dialog = HANGAR_ADD_ACCOUNT_DIALOG (hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG));
  g_assert_nonnull (dialog);
  g_signal_emit_by_name (child (dialog, "oauth_row"), "activated");
  g_assert_cmpstr (hangar_add_account_dialog_get_page (dialog), ==, "oauth");
  return dialog;
}

static gboolean
no_add_dialog (gpointer data)
{
  return hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG) == NULL;
}

static gboolean
dialog_has_message (gpointer data)
{
  return hangar_add_account_dialog_get_message (HANGAR_ADD_ACCOUNT_DIALOG (data)) != NULL;
}

static HangarAccount *
only_account (Fixture *f)
{
  g_autoptr(HangarAccount) account = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 1);
  account = g_list_model_get_item (G_LIST_MODEL (f->store), 0);
  return account;
}

/* ---- the tests ---- */

/* "Sign in with your browser": no web view at all; the browser gets a page
 * saying it can be closed. */
static void
test_browser (Fixture       *f,
              gconstpointer  data)
{
  HangarAddAccountDialog *dialog = open_oauth_page (f);
  HangarAccount *account;

  click (child (dialog, "browser_button"));
  g_assert_cmpstr (hangar_add_account_dialog_get_page (dialog), ==, "progress");
  hangar_test_wait_until (no_add_dialog, NULL, "the account to be connected");
  wait_for_browser (f, "opened /oauth2/v1/authorize");
  wait_for_browser (f, "answer 200 closable");

  account = only_account (f);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpstr (hangar_account_get_client_id (account), ==, f->integration->client_id);
  /* The web view was never needed. */
  g_assert_false (hangar_consent_module_loaded ());
  hangar_test_wait_until (port_free, GUINT_TO_POINTER (f->port), "the listener's port to be free");
}

/* A forged answer on the listener is refused and the real one still
 * accepted. */
static void
test_forged (Fixture       *f,
             gconstpointer  data)
{
  HangarAddAccountDialog *dialog = open_oauth_page (f);

  click (child (dialog, "browser_button"));
  hangar_test_wait_until (no_add_dialog, NULL, "the account to be connected");
  wait_for_browser (f, "forged 400 -");
  wait_for_browser (f, "answer 200 closable");
  g_assert_cmpint (hangar_account_get_status (only_account (f)), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
}

/* Cancel on the consent page: nothing connected, and both sides say so. */
static void
test_denied (Fixture       *f,
             gconstpointer  data)
{
  HangarAddAccountDialog *dialog = open_oauth_page (f);

  click (child (dialog, "browser_button"));
  hangar_test_wait_until (dialog_has_message, dialog, "the dialog's message");
  g_assert_nonnull (strstr (hangar_add_account_dialog_get_message (dialog), "cancelled on the consent page"));
  wait_for_browser (f, "answer 200 closable");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
}

/* The user walks away: Cancel stops waiting and frees the port. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  HangarAddAccountDialog *dialog = open_oauth_page (f);
  GtkWidget *cancel;

  click (child (dialog, "browser_button"));
  wait_for_browser (f, "opened /oauth2/v1/authorize");
  g_assert_false (port_free (GUINT_TO_POINTER (f->port)));
  cancel = hangar_test_gui_find_widget (child (dialog, "progress_page"), GTK_TYPE_BUTTON);
  click (cancel);
  hangar_test_wait_until (dialog_has_message, dialog, "the dialog's message");
  g_assert_cmpstr (hangar_add_account_dialog_get_message (dialog), ==, "Sign-in was cancelled. Nothing was connected.");
  hangar_test_wait_until (port_free, GUINT_TO_POINTER (f->port), "the listener's port to be free");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
}

static gboolean
consent_loaded (gpointer data)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)) && hangar_consent_dialog_is_loaded (dialog);
}

static gboolean
consent_refused (gpointer data)
{
  g_autofree char *refusal = NULL;

  g_object_get (hangar_consent_get_dialog (), "refusal", &refusal, NULL);
  return refusal != NULL;
}

/* The consent dialog refuses another site (say a single sign-on page);
 * its "Open in Browser" finishes the same sign-in in the browser. */
static void
test_consent_to_browser (Fixture       *f,
                         gconstpointer  data)
{
  HangarAddAccountDialog *dialog = open_oauth_page (f);
  GtkWindow *consent;

  click (child (dialog, "oauth_button"));
  hangar_test_wait_until (consent_loaded, NULL, "the consent page");
  consent = hangar_consent_get_dialog ();
  {
    /* Another site: another origin (a loopback port nobody listens on). */
    g_autofree char *script = g_strdup_printf ("window.location.href = 'http://127.0.0.1:%u/sso';",
                                               free_loopback_port ());

    hangar_test_consent_run_script (consent, script);
  }
  hangar_test_wait_until (consent_refused, NULL, "the other site to be refused");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (consent), "consent.open-in-browser", NULL));
  wait_for_browser (f, "opened /oauth2/v1/authorize");
  hangar_test_wait_until (no_add_dialog, NULL, "the account to be connected");
  wait_for_browser (f, "answer 200 closable");
  g_assert_null (hangar_consent_get_dialog ());
  g_assert_cmpint (hangar_account_get_status (only_account (f)), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
}

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
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) == HANGAR_SIDEBAR_NODE_BASE;
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
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) == HANGAR_SIDEBAR_NODE_TABLE;
}

static gboolean
grid_failed (gpointer data)
{
  g_autofree char *message = NULL;

  g_object_get (data, "error-message", &message, NULL);
  return message != NULL;
}

static gboolean
grid_loaded (gpointer data)
{
  g_autofree char *message = NULL;
  guint n = 0;

  g_object_get (data, "error-message", &message, "n-records", &n, NULL);
  return message == NULL && n > 0;
}

static gboolean
reconnect_dialog_shown (gpointer data)
{
  GtkWindow *dialog = hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG);

  return dialog != NULL && hangar_add_account_dialog_get_reconnecting (HANGAR_ADD_ACCOUNT_DIALOG (dialog));
}

static gboolean
has_records_scope (gpointer data)
{
  return hangar_account_has_scope (HANGAR_ACCOUNT (data), "data.records:read");
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  hangar_test_result_cb (object, result, user_data);
}

/* A saved integration offered in the window; its account lacks a scope,
 * the grid says which, and Reconnect asks for it — and gets it. */
static void
test_saved_and_missing_scope (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(HangarOAuthIntegration) team = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char * const few[] = { "schema.bases:read", "user.email:read", NULL };
  HangarAddAccountDialog *dialog;
  HangarAccount *account;
  SidebarWait w = { hangar_window_get_sidebar (f->window), NULL, NULL };
  g_autoptr(GObject) base_node = NULL;
  g_autoptr(GObject) table_node = NULL;
  GtkWidget *grid;
  GtkWidget *reconnect;
  const char * const *asked;

  /* Saved once (as `hangar-cli connect --save-integration` does), with
   * fewer scopes than Hangar uses. */
  team = hangar_oauth_integration_copy (f->integration);
  g_strfreev (team->scopes);
  team->scopes = g_strdupv ((char **) few);
  hangar_account_store_save_integration_async (f->store, "Team", team, NULL, saved_cb, &result);
  g_assert_true (hangar_account_store_save_integration_finish (f->store, hangar_test_wait_result (&result), &error));
  g_assert_no_error (error);

  dialog = open_oauth_page (f);
  g_assert_true (gtk_widget_get_visible (child (dialog, "saved_row")));
  /* Something else typed in first: the saved integration replaces it. */
  gtk_editable_set_text (GTK_EDITABLE (child (dialog, "client_id_row")), "typed-by-hand");
  g_assert_true (hangar_add_account_dialog_select_saved (dialog, "Team"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (dialog, "client_id_row"))), ==, f->integration->client_id);
  g_assert_false (gtk_widget_get_sensitive (child (dialog, "client_id_row")));
  click (child (dialog, "browser_button"));
  hangar_test_wait_until (no_add_dialog, NULL, "the account to be connected");
  account = only_account (f);
  g_assert_true (hangar_account_has_scope (account, "schema.bases:read"));
  g_assert_false (hangar_account_has_scope (account, "data.records:read"));

  /* Its first table: Airtable refuses the records (403). */
  w.account = account;
  hangar_sidebar_set_expanded (w.sidebar, account, TRUE);
  hangar_test_wait_until (bases_listed, &w, "the bases");
  base_node = g_list_model_get_item (hangar_sidebar_get_account_children (w.sidebar, account), 0);
  w.base_node = HANGAR_SIDEBAR_NODE (base_node);
  hangar_sidebar_set_expanded (w.sidebar, base_node, TRUE);
  hangar_test_wait_until (tables_listed, &w, "the tables");
  table_node = g_list_model_get_item (hangar_sidebar_get_base_children (w.sidebar, w.base_node), 0);
  g_assert_true (hangar_sidebar_select_table (w.sidebar, account,
                                              hangar_table_get_id (hangar_sidebar_node_get_table (HANGAR_SIDEBAR_NODE (table_node)))));
  grid = hangar_window_get_record_grid (f->window);
  hangar_test_wait_until (grid_failed, grid, "the records to be refused");

  /* Said as the scope that is missing, with Reconnect. */
  {
    GtkLabel *label = GTK_LABEL (gtk_widget_get_template_child (grid, HANGAR_TYPE_RECORD_GRID, "error_label"));

    g_assert_nonnull (strstr (gtk_label_get_text (label), "lacks the scope data.records:read"));
  }
  reconnect = (GtkWidget *) gtk_widget_get_template_child (grid, HANGAR_TYPE_RECORD_GRID, "reconnect_button");
  click (reconnect);
  hangar_test_wait_until (reconnect_dialog_shown, NULL, "the reconnect page");
  dialog = HANGAR_ADD_ACCOUNT_DIALOG (hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG));

  /* What it had, plus exactly the missing one. */
  asked = hangar_add_account_dialog_get_scopes (dialog);
  g_assert_cmpuint (g_strv_length ((char **) asked), ==, 3);
  g_assert_true (g_strv_contains (asked, "schema.bases:read"));
  g_assert_true (g_strv_contains (asked, "user.email:read"));
  g_assert_true (g_strv_contains (asked, "data.records:read"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (child (dialog, "scopes_row"))),
                            "data.records:read (missing until now)"));
  g_assert_false (gtk_widget_get_sensitive (child (dialog, "label_row")));

  click (child (dialog, "browser_button"));
  hangar_test_wait_until (has_records_scope, account, "the account to have the records scope");
  hangar_test_wait_until (no_add_dialog, NULL, "the reconnect page to close");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 1);

  /* Retry: the records come. */
  g_assert_true (gtk_widget_activate_action (grid, "grid.retry", NULL));
  hangar_test_wait_until (grid_loaded, grid, "the records");
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);
  hangar_test_use_file_keyring (NULL);
  install_browser ();

  /* First: it checks that WebKit was never loaded. */
  g_test_add ("/hangar/gui/sign-in/browser", Fixture, "grant", fixture_setup, test_browser, fixture_teardown);
  g_test_add ("/hangar/gui/sign-in/forged", Fixture, "forge", fixture_setup, test_forged, fixture_teardown);
  g_test_add ("/hangar/gui/sign-in/denied", Fixture, "deny", fixture_setup, test_denied, fixture_teardown);
  g_test_add ("/hangar/gui/sign-in/cancel", Fixture, "ignore", fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/hangar/gui/sign-in/saved-and-missing-scope", Fixture, "grant", fixture_setup,
              test_saved_and_missing_scope, fixture_teardown);
  g_test_add ("/hangar/gui/sign-in/consent-to-browser", Fixture, "grant", fixture_setup,
              test_consent_to_browser, fixture_teardown);
  return g_test_run ();
}
