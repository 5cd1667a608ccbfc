/* test-background.c — "Run in Background": the real application, run with
 * g_application_run() as `hangar` runs it, under Xvfb, with a real sandbox
 * and a notification server on the test's private session bus
 * (tests/lib/hangar-test-notify.h).
 *
 * Each case runs in a process of its own (g_test_trap_subprocess()), as
 * the application does, and runs the application's main loop; its steps run from idles
 * inside it. A step counts in steps_run only while the application has not
 * shut down (g_application_run() still dispatches what is pending after its
 * shutdown): that a step counted proves the application was still alive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "hangar-api.h"
#include "hangar-application-private.h"
#include "hangar-background.h"
#include "hangar-test-gui.h"
#include "hangar-test-notify.h"
#include "hangar-window.h"

static HangarApplication *app;
static HangarTestSandbox *sandbox;
static GSettings *settings;
static guint steps_run;
static gboolean shut_down;

/* Counts a step if the application still runs. */
static gboolean
step (void)
{
  if (shut_down)
    return FALSE;
  steps_run++;
  return TRUE;
}

static void
shutdown_cb (GApplication *application,
             gpointer      user_data)
{
  shut_down = TRUE;
}

/* ---- a fake org.freedesktop.portal.Desktop ------------------------------- */

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "      <arg type='o' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static struct
{
  GDBusConnection *connection;
  gboolean         owned;
  gboolean         allow;
  guint            n_requests;
  char            *reason;
  gboolean         autostart;
  gboolean         had_token;
} portal;

static void
portal_method_cb (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *path,
                  const char            *interface,
                  const char            *method,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unique = g_strdup (sender + 1);
  g_autofree char *handle = NULL;
  const char *parent, *token = NULL;
  GVariantBuilder results;

  g_variant_get (parameters, "(&s@a{sv})", &parent, &options);
  portal.n_requests++;
  g_clear_pointer (&portal.reason, g_free);
  g_variant_lookup (options, "reason", "s", &portal.reason);
  portal.autostart = TRUE;
  g_variant_lookup (options, "autostart", "b", &portal.autostart);
  portal.had_token = g_variant_lookup (options, "handle_token", "&s", &token);
  g_assert_true (portal.had_token);

  /* The handle as the portal documentation defines it. */
  g_strdelimit (unique, ".", '_');
  handle = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", unique, token);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background", g_variant_new_boolean (portal.allow));
  g_variant_builder_add (&results, "{sv}", "autostart", g_variant_new_boolean (FALSE));
  g_dbus_connection_emit_signal (connection, sender, handle, "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(ua{sv})", 0, &results), &error);
  g_assert_no_error (error);
}

static void
portal_acquired_cb (GDBusConnection *connection,
                    const char      *name,
                    gpointer         user_data)
{
  portal.owned = TRUE;
}

static void
portal_start (void)
{
  static const GDBusInterfaceVTable vtable = { portal_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (portal_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);

  if (portal.connection != NULL)
    return;
  g_assert_no_error (error);
  portal.connection = g_dbus_connection_new_for_address_sync (address,
                                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                              NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (portal.connection, "/org/freedesktop/portal/desktop",
                                     info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (portal.connection, "org.freedesktop.portal.Desktop",
                                G_BUS_NAME_OWNER_FLAGS_NONE, portal_acquired_cb, NULL, NULL, NULL);
  hangar_test_wait_until (hangar_test_flag_is_set, &portal.owned, "the portal's name");
}

/* ---- the application ----------------------------------------------------- */

static HangarWindow *
main_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      return HANGAR_WINDOW (l->data);
  return NULL;
}

static gboolean
window_mapped (gpointer data)
{
  HangarWindow *window = main_window ();

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
no_window (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

/* Closes the window as its close button does (its close-request runs). */
static void
close_window (void)
{
  hangar_test_wait_until (window_mapped, NULL, "the window");
  gtk_window_close (GTK_WINDOW (main_window ()));
  hangar_test_wait_until (no_window, NULL, "the window to close");
}

static HangarAccount *
connect_oauth (const char *label)
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

  location = hangar_test_sandbox_consent (sandbox, hangar_oauth_flow_get_authorize_uri (flow), NULL, FALSE);
  code = hangar_oauth_flow_parse_redirect (flow, location, &error);
  g_assert_no_error (error);
  hangar_account_store_connect_oauth_async (store, label, flow, code, NULL, hangar_test_wait_cb, wait);
  account = hangar_account_store_connect_oauth_finish (store, hangar_test_wait_run (wait), &error);
  g_assert_no_error (error);
  return account;
}

/* Runs the application as main() does, @first as its first step; returns
 * the exit status. The application is not finalized: the process ends
 * with the case, as `hangar` ends after g_application_run(), and GLib's
 * freedesktop notification backend does not keep itself alive for a
 * Notify call still in flight when its application goes. */
static int
run_app (GSourceFunc first)
{
  int status;

  hangar_test_notify_start ();
  app = hangar_application_new ();
  steps_run = 0;
  shut_down = FALSE;
  g_signal_connect (app, "shutdown", G_CALLBACK (shutdown_cb), NULL);
  g_idle_add (first, NULL);
  status = g_application_run (G_APPLICATION (app), 0, NULL);
  return status;
}

/* ---- off: the application ends with its window --------------------------- */

static gboolean
off_after_close (gpointer data)
{
  step ();
  return G_SOURCE_REMOVE;
}

static gboolean
off_close (gpointer data)
{
  g_assert_true (step ());
  g_assert_false (hangar_background_get_held (_hangar_application_get_background (app)));
  close_window ();
  g_idle_add (off_after_close, NULL);
  return G_SOURCE_REMOVE;
}

static void
test_off (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  g_assert_cmpint (run_app (off_close), ==, 0);
  /* The application ended when the window closed: the next step never ran. */
  g_assert_cmpuint (steps_run, ==, 1);
}

/* ---- on: the application outlives its window ----------------------------- */

static gboolean
on_after_off (gpointer data)
{
  step ();
  return G_SOURCE_REMOVE;
}

static gboolean
on_background (gpointer data)
{
  HangarBackground *background = _hangar_application_get_background (app);
  HangarAccount *account = data;
  guint before = hangar_test_notify_count ();
  HangarTestNote *note;

  /* Still running, with no window. */
  g_assert_true (step ());
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_true (hangar_background_get_held (background));

  /* The grant goes at Airtable; nobody makes a request: the proactive
   * refresh (access tokens of 4 s) finds out, and the desktop is told. */
  hangar_test_sandbox_control (sandbox, "/__sandbox/revoke", "{}");
  note = hangar_test_notify_wait (before + 1);
  g_assert_nonnull (strstr (note->title, "“Watched”"));
  g_assert_nonnull (strstr (note->title, "revoked"));
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_REVOKED);

  /* Activating (the launcher, `hangar` again) opens a window again. */
  g_application_activate (G_APPLICATION (app));
  hangar_test_wait_until (window_mapped, NULL, "the window again");
  g_assert_false (hangar_background_get_held (background));

  /* Closed again, then the setting is turned off: the application ends. */
  close_window ();
  g_assert_true (hangar_background_get_held (background));
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  g_idle_add (on_after_off, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_close (gpointer data)
{
  HangarAccount *account;

  g_assert_true (step ());
  account = connect_oauth ("Watched");
  close_window ();
  g_idle_add (on_background, account);
  return G_SOURCE_REMOVE;
}

static void
test_on (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  sandbox = hangar_test_sandbox_start ("--no-rate-limit", "--access-ttl", "4", NULL);
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_assert_cmpint (run_app (on_close), ==, 0);
  /* The setting turned off with no window ended the application before
   * on_after_off could run. */
  g_assert_cmpuint (steps_run, ==, 2);
  g_clear_pointer (&sandbox, hangar_test_sandbox_stop);
}

/* ---- Flatpak: the background portal decides ----------------------------- */

static gboolean
portal_after (gpointer data)
{
  if (!step ())
    return G_SOURCE_REMOVE;
  /* Allowed: still running with no window; Ctrl+Q quits for real. */
  g_assert_true (hangar_background_get_held (_hangar_application_get_background (app)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
portal_answered (gpointer data)
{
  return !hangar_background_get_asking (data);
}

static gboolean
portal_close (gpointer data)
{
  HangarBackground *background = _hangar_application_get_background (app);
  guint before = portal.n_requests;

  g_assert_true (step ());
  hangar_background_set_use_portal (background, TRUE);
  close_window ();
  /* The request goes out as the application goes to the background. */
  hangar_test_wait_until (hangar_test_flag_is_set, &portal.had_token, "the portal request");
  g_assert_cmpuint (portal.n_requests, ==, before + 1);
  g_assert_nonnull (strstr (portal.reason, "notifications"));
  g_assert_false (portal.autostart);
  /* The answer reaches the application (refused, it ends here). */
  hangar_test_wait_until (portal_answered, background, "the portal's answer to arrive");
  g_idle_add (portal_after, NULL);
  return G_SOURCE_REMOVE;
}

static void
test_portal (gconstpointer data)
{
  guint notes_before = hangar_test_notify_count ();

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }
  portal_start ();
  portal.allow = GPOINTER_TO_INT (data);
  portal.had_token = FALSE;
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_assert_cmpint (run_app (portal_close), ==, 0);
  if (portal.allow)
    {
      /* portal_after ran, and its quit ended the application. */
      g_assert_cmpuint (steps_run, ==, 2);
      g_assert_cmpuint (hangar_test_notify_count (), ==, notes_before);
    }
  else
    {
      HangarTestNote *note = hangar_test_notify_wait (notes_before + 1);

      /* Refused: it said so and quit on close, as without the setting. */
      g_assert_cmpuint (steps_run, ==, 1);
      g_assert_cmpstr (note->title, ==, "Hangar cannot run in the background");
    }
  g_settings_set_boolean (settings, "run-in-background", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);
  hangar_test_use_file_keyring (NULL);
  settings = g_settings_new (APP_ID);

  g_test_add_func ("/hangar/gui/background/off", test_off);
  g_test_add_func ("/hangar/gui/background/on", test_on);
  g_test_add_data_func ("/hangar/gui/background/portal-allowed", GINT_TO_POINTER (TRUE), test_portal);
  g_test_add_data_func ("/hangar/gui/background/portal-refused", GINT_TO_POINTER (FALSE), test_portal);
  return g_test_run ();
}
