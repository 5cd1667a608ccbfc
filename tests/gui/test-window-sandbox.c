/* test-window-sandbox.c — `hangar --sandbox`, the real binary
 *
 * Starts the application as a user would, checks that it started its
 * sandbox (state under the user data dir, a live server), that WebKit is not
 * mapped into the process before any consent dialog, and that quitting stops
 * the sandbox. Then runs the application in this process twice, with the
 * sandbox's preferred port busy, and checks that the saved sandbox account
 * follows the sandbox to its new port.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "hangar-add-account-dialog.h"
#include "hangar-application-private.h"
#include "hangar-consent-private.h"
#include "hangar-sidebar-private.h"
#include "hangar-test-consent.h"
#include "hangar-test-gui.h"
#include "hangar-window-private.h"


static guint
http_status (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  if (body == NULL)
    return 0;
  return soup_message_get_status (msg);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_sandbox_mode (void)
{
  const char *binary = g_getenv ("HANGAR_BINARY");
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *stats = NULL;
  g_autofree char *maps_path = NULL;
  g_autofree char *maps = NULL;
  g_autofree char *state_dir = NULL;
  gboolean done = FALSE;

  g_assert_nonnull (binary);

  app = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, binary, "--sandbox", NULL);
  g_assert_no_error (error);

  /* The app says where its sandbox listens (the URL only, never a token). */
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (app));
  while (url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        g_error ("hangar exited before its sandbox was running");
      g_assert_null (strstr (line, "\"pat\""));
      if (g_str_has_prefix (line, "hangar: sandbox running at "))
        url = g_strdup (line + strlen ("hangar: sandbox running at "));
    }

  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  stats = g_strconcat (url, "/__sandbox/stats", NULL);
  g_assert_cmpuint (http_status (stats), ==, 200);

  /* Its state lives under the user data dir. */
  state_dir = g_build_filename (g_getenv ("XDG_DATA_HOME"), "hangar", "sandbox", NULL);
  g_assert_true (g_file_test (state_dir, G_FILE_TEST_IS_DIR));

  /* WebKit is not in the process: it loads only with a consent dialog. */
  maps_path = g_strdup_printf ("/proc/%s/maps", g_subprocess_get_identifier (app));
  g_assert_true (g_file_get_contents (maps_path, &maps, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (maps, "libwebkitgtk"));
  g_assert_null (strstr (maps, "libhangar-consent"));

  /* Quitting (SIGTERM is handled as app.quit) stops the sandbox. */
  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait_async (app, NULL, wait_cb, &done);
  hangar_test_wait_until (hangar_test_flag_is_set, &done, "hangar --sandbox to exit after SIGTERM");
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
  g_assert_cmpuint (http_status (stats), ==, 0);
}

/* --- the sandbox on another port: saved accounts follow it ---------------- */

static gboolean
consent_loaded (gpointer data)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog)) &&
         hangar_consent_dialog_is_loaded (dialog);
}

static gboolean
dialog_gone (gpointer data)
{
  return hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG) == NULL;
}

typedef struct
{
  HangarSidebar *sidebar;
  HangarAccount *account;
} BasesWait;

static gboolean
bases_listed (gpointer data)
{
  BasesWait *w = data;
  GListModel *bases = hangar_sidebar_get_account_children (w->sidebar, w->account);
  g_autoptr(GObject) first = NULL;

  if (bases == NULL || g_list_model_get_n_items (bases) == 0)
    return FALSE;
  first = g_list_model_get_item (bases, 0);
  return hangar_sidebar_node_get_kind (HANGAR_SIDEBAR_NODE (first)) == HANGAR_SIDEBAR_NODE_BASE;
}

typedef struct
{
  HangarApplication *app;
  HangarWindow      *window;
  gboolean           connect;      /* run 1: add an account; run 2: use it */
  guint              port;         /* the sandbox's preferred port, 0: the app's own */
  char              *url;          /* where the sandbox listened */
  char              *account_id;
  guint              n_bases;
} Run;

static const char *grant_script =
  "document.querySelectorAll('input[name=base]').forEach(function (c) { c.checked = true; });"
  "document.querySelector('button[value=grant]').click();";

static void
connect_account (Run *run)
{
  HangarAddAccountDialog *dialog;
  GtkWidget *widget;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (run->window), "win.add-account", NULL));
  dialog = HANGAR_ADD_ACCOUNT_DIALOG (hangar_test_gui_find_toplevel (HANGAR_TYPE_ADD_ACCOUNT_DIALOG));
  g_assert_nonnull (dialog);
  widget = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "oauth_row");
  g_signal_emit_by_name (widget, "activated");
  widget = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), HANGAR_TYPE_ADD_ACCOUNT_DIALOG, "oauth_button");
  g_signal_emit_by_name (widget, "clicked");
  hangar_test_wait_until (consent_loaded, NULL, "the sandbox's consent page");
  hangar_test_consent_run_script (hangar_consent_get_dialog (), grant_script);
  hangar_test_wait_until (dialog_gone, NULL, "the add-account dialog to finish");
}

static gboolean
run_script_cb (gpointer data)
{
  Run *run = data;
  HangarAccountStore *store = hangar_application_get_store (run->app);
  const HangarOAuthIntegration *sandbox;
  g_autoptr(HangarAccount) account = NULL;
  BasesWait w;

  hangar_test_wait_until (hangar_test_gui_widget_mapped, run->window, "the window to map");
  /* The window appears once the sandbox runs, with its integration. */
  sandbox = hangar_window_get_sandbox (run->window);
  g_assert_nonnull (sandbox);
  run->url = g_strdup (sandbox->api_url);

  if (run->connect)
    {
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
      connect_account (run);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  account = g_list_model_get_item (G_LIST_MODEL (store), 0);
  run->account_id = g_strdup (hangar_account_get_id (account));
  g_assert_cmpstr (hangar_account_get_api_url (account), ==, run->url);
  g_assert_cmpstr (hangar_account_get_oauth_url (account), ==, run->url);
  g_assert_true (g_str_has_prefix (hangar_account_get_identifier (account), "oauth|"));
  g_assert_nonnull (strstr (hangar_account_get_identifier (account), run->url));

  /* As a user: open the account in the sidebar; its bases are listed. */
  w.sidebar = hangar_window_get_sidebar (run->window);
  w.account = account;
  hangar_sidebar_select_account (w.sidebar, account, TRUE);
  hangar_test_wait_until (bases_listed, &w, "the account's bases in the sidebar");
  run->n_bases = g_list_model_get_n_items (hangar_sidebar_get_account_children (w.sidebar, account));
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);

  g_action_group_activate_action (G_ACTION_GROUP (run->app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 Run            *run)
{
  if (!HANGAR_IS_WINDOW (window) || run->window != NULL)
    return;
  run->window = HANGAR_WINDOW (window);
  g_idle_add (run_script_cb, run);
}

static void
run_app (Run *run)
{
  char *argv[] = { (char *) "hangar", (char *) "--sandbox", NULL };
  int status;

  run->app = hangar_application_new ();
  if (run->port != 0)
    _hangar_application_set_sandbox_port (run->app, run->port);
  g_signal_connect (run->app, "window-added", G_CALLBACK (window_added_cb), run);
  status = g_application_run (G_APPLICATION (run->app), 2, argv);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (run->window);
  g_assert_nonnull (run->url);
  g_clear_object (&run->app);
}

static guint
url_port (const char *url)
{
  const char *colon = strrchr (url, ':');

  g_assert_nonnull (colon);
  return (guint) g_ascii_strtoull (colon + 1, NULL, 10);
}

/* Holds a free port of 127.0.0.1 (any: port 0), so that no one else, the
 * sandbox included, can take it; returns the port. */
static GSocketListener *
occupy_free_port (guint *out_port)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return g_steal_pointer (&listener);
}

/* Holds 127.0.0.1:@port so the sandbox cannot take it (NULL when something
 * else already holds it: busy either way). */
static GSocketListener *
occupy_port (guint port)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  if (!g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
      return NULL;
    }
  return g_steal_pointer (&listener);
}

static void
test_sandbox_port_moves (void)
{
  guint preferred_port = 0;
  /* A preferred port of the test's own, held for the whole test: the
   * usual 8470 may be taken and freed at any time by another run. */
  g_autoptr(GSocketListener) preferred = occupy_free_port (&preferred_port);
  g_autoptr(GSocketListener) first_port = NULL;
  Run first = { .connect = TRUE, .port = preferred_port };
  Run second = { .connect = FALSE, .port = preferred_port };

  /* Run 1: the preferred port is busy, so the sandbox takes another one;
   * connect an account through the consent page there. */
  run_app (&first);
  g_assert_cmpuint (url_port (first.url), !=, preferred_port);
  g_assert_cmpuint (first.n_bases, >, 0);

  /* Run 2, same XDG dirs: the first run's port is busy now too, so the
   * sandbox surely listens elsewhere; the saved account follows it, keeps
   * its tokens and lists its bases. */
  first_port = occupy_port (url_port (first.url));
  run_app (&second);
  g_assert_cmpstr (second.url, !=, first.url);
  g_assert_cmpuint (url_port (second.url), !=, preferred_port);
  g_assert_cmpstr (second.account_id, ==, first.account_id);
  g_assert_cmpuint (second.n_bases, ==, first.n_bases);

  /* And it was saved that way. */
  {
    g_autofree char *path = g_build_filename (g_get_user_config_dir (), "hangar", "sandbox", "accounts.json", NULL);
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, second.url));
    g_assert_null (strstr (contents, first.url));
  }

  g_free (first.url);
  g_free (first.account_id);
  g_free (second.url);
  g_free (second.account_id);
}

int
main (int   argc,
      char *argv[])
{
  /* Fresh dirs before GTK starts: GLib keeps the first g_get_user_*_dir()
   * answer for the process, and both in-process runs must share them. */
  hangar_test_isolate_home ();
  hangar_test_gui_init (&argc, &argv);
  hangar_test_use_file_keyring (NULL);
  g_assert_cmpstr (g_get_user_config_dir (), ==, g_getenv ("XDG_CONFIG_HOME"));

  g_test_add_func ("/hangar/gui/window/sandbox-mode", test_sandbox_mode);
  g_test_add_func ("/hangar/gui/window/sandbox-port-moves", test_sandbox_port_moves);

  return g_test_run ();
}
