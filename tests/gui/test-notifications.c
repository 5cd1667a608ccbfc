/* test-notifications.c — desktop notifications for accounts that need the
 * user, through the real GApplication and a notification server on the
 * test's private session bus
 *
 * (tests/lib/hangar-test-notify.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-account-page.h"
#include "hangar-add-account-dialog.h"
#include "hangar-api.h"
#include "hangar-application.h"
#include "hangar-notifier.h"
#include "hangar-test-gui.h"
#include "hangar-test-notify.h"
#include "hangar-window-private.h"

/* ---- the application and its accounts ----------------------------------- */

static HangarApplication *app;

static HangarAccount *
connect_oauth (HangarTestSandbox *sandbox,
               const char        *label,
               const char        *user_id)
{
  HangarAccountStore *store = hangar_application_get_store (app);
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new (sandbox->url, sandbox->url, sandbox->client_id, NULL, sandbox->redirect_uri, NULL);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  g_autofree char *code = NULL;
  HangarAccount *account;

  /* The consent page as a browser answers it: the real authorization. */
  location = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), user_id, FALSE);
  code = hangar_oauth_flow_parse_redirect (flow, location, &error);
  g_assert_no_error (error);
  hangar_account_store_connect_oauth_async (store, label, flow, code, NULL, hangar_test_wait_cb, wait);
  account = hangar_account_store_connect_oauth_finish (store, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  return account;
}

static gboolean
account_revoked (gpointer data)
{
  return hangar_account_get_status (HANGAR_ACCOUNT (data)) == HANGAR_ACCOUNT_STATUS_REVOKED;
}

/* The grant goes at Airtable; the next request finds out. */
static void
revoke_grant (HangarTestSandbox *sandbox,
        HangarAccount     *account,
        const char        *user_id)
{
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autofree char *body = user_id != NULL ? g_strdup_printf ("{\"user\": \"%s\"}", user_id) : g_strdup ("{}");
  g_autoptr(HangarWhoami) whoami = NULL;
  g_autoptr(GError) error = NULL;

  hangar_test_sandbox_control (sandbox, "/__sandbox/revoke", body);
  hangar_client_whoami_async (hangar_account_get_client (account), NULL, hangar_test_wait_cb, wait);
  whoami = hangar_client_whoami_finish (hangar_account_get_client (account), hangar_test_wait_run (wait), &error);
  g_assert_null (whoami);
  g_test_message ("whoami after the revocation: %s", error->message);
  hangar_test_wait_until (account_revoked, account, "the account to turn REVOKED");
}

/* The notification's button as GLib names it (detailed: action and target). */
static char *
reconnect_action (HangarAccount *account)
{
  g_autoptr(GVariant) target = g_variant_ref_sink (g_variant_new_string (hangar_account_get_id (account)));

  return g_action_print_detailed_name ("app.reconnect-account", target);
}

static gboolean
has_action (HangarTestNote *note,
            const char     *action)
{
  return g_strv_contains ((const char * const *) note->actions, action);
}

static HangarWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      return HANGAR_WINDOW (l->data);
  return NULL;
}

static gboolean
window_on_account (gpointer data)
{
  HangarWindow *window = main_window ();

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
         g_strcmp0 (hangar_window_get_content_page (window), "account") == 0 &&
         hangar_account_page_get_account (hangar_window_get_account_page (window)) == data;
}

static void
close_windows (void)
{
  GtkWindow *window;

  while ((window = (GtkWindow *) main_window ()) != NULL)
    gtk_window_destroy (window);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (l->data != NULL && gtk_widget_get_visible (l->data))
      gtk_window_destroy (l->data);
}

/* No window: the app runs on (held) and tells the desktop; the button of
 * the notification opens the window on the account. */
static void
test_no_window (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  HangarAccount *account = connect_oauth (sandbox, "Work", NULL);
  g_autofree char *reconnect = reconnect_action (account);
  guint before = hangar_test_notify_count ();
  HangarTestNote *note;

  close_windows ();
  g_assert_null (main_window ());
  revoke_grant (sandbox, account, NULL);

  note = hangar_test_notify_wait (before + 1);
  g_assert_nonnull (strstr (note->title, "“Work”"));
  g_assert_nonnull (strstr (note->title, "revoked"));
  g_assert_cmpstr (note->desktop_entry, ==, APP_ID);
  g_assert_true (has_action (note, "default"));
  g_assert_true (has_action (note, reconnect));
  g_assert_true (has_action (note, "Reconnect"));

  /* The same condition again is not told again. */
  g_object_notify (G_OBJECT (account), "status");
  /* Nothing more may arrive: give a stray one the time to. */
  hangar_test_run_for (300);
  g_assert_cmpuint (hangar_test_notify_count (), ==, before + 1);

  /* Its default action opens the window on the account. */
  hangar_test_notify_invoke (note->id, "default");
  hangar_test_wait_until (window_on_account, account, "the window on the account");
  close_windows ();
}

static gboolean
reconnect_page_shown (gpointer data)
{
  GtkWindow *dialog = hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG);

  return dialog != NULL && hangar_add_account_dialog_get_reconnecting (HANGAR_ADD_ACCOUNT_DIALOG (dialog)) &&
         g_strcmp0 (gtk_window_get_title (dialog), "Reconnect “Unfocused”") == 0;
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (data));
}

static gboolean
window_inactive (gpointer data)
{
  return !gtk_window_is_active (GTK_WINDOW (data));
}

/* A focused window shows a toast and the desktop is left alone; once the
 * focus is elsewhere, the desktop is told. */
static void
test_focus (void)
{
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", NULL);
  const char *other_user = hangar_test_sandbox_user (sandbox, 1, "id");
  HangarAccount *first = connect_oauth (sandbox, "Focused", NULL);
  HangarAccount *second = connect_oauth (sandbox, "Unfocused", other_user);
  g_autofree char *reconnect = reconnect_action (second);
  GtkWidget *elsewhere;
  HangarWindow *window;
  guint before;
  HangarTestNote *note;

  g_application_activate (G_APPLICATION (app));
  window = main_window ();
  g_assert_nonnull (window);
  hangar_test_wait_until (window_active, window, "the window to have the focus");

  before = hangar_test_notify_count ();
  revoke_grant (sandbox, first, NULL);
  g_assert_nonnull (hangar_window_get_last_toast (window));
  g_assert_nonnull (strstr (hangar_window_get_last_toast (window), "Focused"));
  /* Nothing may arrive: give a stray notification the time to. */
  hangar_test_run_for (300);
  g_assert_cmpuint (hangar_test_notify_count (), ==, before);

  /* Another window takes the focus. */
  elsewhere = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (elsewhere));
  hangar_test_wait_until (window_inactive, window, "the window to lose the focus");

  revoke_grant (sandbox, second, other_user);
  note = hangar_test_notify_wait (before + 1);
  g_assert_nonnull (strstr (note->title, "“Unfocused”"));
  g_assert_true (has_action (note, reconnect));

  /* Its Reconnect button: the window on that account, its reconnect page. */
  gtk_window_destroy (GTK_WINDOW (elsewhere));
  hangar_test_notify_invoke (note->id, reconnect);
  hangar_test_wait_until (window_on_account, second, "the window on the account");
  hangar_test_wait_until (reconnect_page_shown, second, "the reconnect page");
  close_windows ();
}

static gboolean
closed_reached (gpointer data)
{
  return hangar_test_notify_closed () >= GPOINTER_TO_UINT (data);
}

/* A refresh token within 7 days of its end: told once, not after every
 * refresh; withdrawn when the account is connected anew with a long one. */
static void
test_refresh_ending (void)
{
  /* Refresh tokens of 6 days, access tokens of 4 s. */
  g_autoptr(HangarTestSandbox) sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--refresh-ttl", "518400",
                                                                    "--access-ttl", "4", NULL);
  HangarAccount *account;
  g_autoptr(HangarTestWait) wait = hangar_test_wait_new ();
  g_autoptr(GError) error = NULL;
  gint64 first_end;
  guint before = hangar_test_notify_count ();
  guint closed_before = hangar_test_notify_closed ();
  HangarTestNote *note;

  close_windows ();
  account = connect_oauth (sandbox, "Ending", NULL);
  note = hangar_test_notify_wait (before + 1);
  g_assert_nonnull (strstr (note->title, "“Ending” must sign in again within 6 days"));
  g_assert_true (has_action (note, "Reconnect"));

  /* A refresh rotates the pair: a new end, still within 7 days. */
  first_end = hangar_account_get_refresh_expires_at (account);
  hangar_test_sandbox_control (sandbox, "/__sandbox/expire-tokens", "{}");
  for (guint i = 0; i < 50 && hangar_account_get_refresh_expires_at (account) == first_end; i++)
    {
      g_autoptr(HangarWhoami) whoami = NULL;

      hangar_client_whoami_async (hangar_account_get_client (account), NULL, hangar_test_wait_cb, wait);
      whoami = hangar_client_whoami_finish (hangar_account_get_client (account), hangar_test_wait_run (wait), &error);
      g_assert_no_error (error);
      if (hangar_account_get_refresh_expires_at (account) == first_end)
        /* The access token lives 4 s: the next call after it refreshes. */
        hangar_test_run_for (1000);
    }
  g_assert_cmpint (hangar_account_get_refresh_expires_at (account), !=, first_end);
  hangar_test_run_for (300);
  g_assert_cmpuint (hangar_test_notify_count (), ==, before + 1);

  /* The account is removed: its notification goes with it. */
  hangar_account_store_remove_async (hangar_application_get_store (app), account, NULL, hangar_test_wait_cb, wait);
  g_assert_true (hangar_account_store_remove_finish (hangar_application_get_store (app), hangar_test_wait_run (wait), &error));
  hangar_test_wait_until (closed_reached, GUINT_TO_POINTER (closed_before + 1), "the notification to be withdrawn");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  /* gtk_test_init() runs g_test_init() too. */
  hangar_test_gui_init (&argc, &argv);
  hangar_test_use_file_keyring (NULL);

  hangar_test_notify_start ();
  app = hangar_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* Closing the last window must not end the test's application. */
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/hangar/gui/notifications/no-window", test_no_window);
  g_test_add_func ("/hangar/gui/notifications/focus", test_focus);
  g_test_add_func ("/hangar/gui/notifications/refresh-ending", test_refresh_ending);
  return g_test_run ();
}
