/* test-consent.c — the consent dialog's interception, in isolation
 *
 * A real hangar-sandbox plays Airtable; a local SoupServer listens at the
 * integration's redirect URI and counts requests: the web view must never
 * load it. Forged and error redirects end the flow with the right error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "hangar-connect.h"
#include "hangar-consent.h"
#include "hangar-test-gui.h"

typedef struct
{
  HangarTestSandbox      *sandbox;
  SoupServer             *redirect_server;
  guint                   redirect_hits;
  char                   *redirect_uri;
  HangarAccountStore     *store;
  HangarOAuthIntegration *integration;
  /* result of the flow */
  gboolean                done;
  HangarAccount          *account;
  GError                 *error;
} Fixture;

static void
redirect_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Fixture *f = user_data;

  f->redirect_hits++;
  soup_server_message_set_status (msg, 200, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *body = NULL;
  g_autofree char *store_path = NULL;
  GSList *uris;

  hangar_test_isolate_home ();
  hangar_test_use_file_keyring (NULL);

  /* Something really listens at the redirect URI, to catch any load. */
  f->redirect_server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->redirect_server, NULL, redirect_handler, f, NULL);
  soup_server_listen_local (f->redirect_server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->redirect_server);
  f->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/oauth/callback", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->sandbox = hangar_test_sandbox_start ((const char *) data, NULL);
  body = g_strdup_printf ("{\"name\": \"Consent test\", \"redirect_uris\": [\"%s\"]}", f->redirect_uri);
  reply = hangar_test_sandbox_control_json (f->sandbox, "/__sandbox/integrations", body);

  f->integration = hangar_oauth_integration_new (f->sandbox->url, f->sandbox->url,
                                                 json_object_get_string_member (json_node_get_object (reply), "client_id"),
                                                 NULL, f->redirect_uri, NULL);
  store_path = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "hangar", "accounts.json", NULL);
  f->store = hangar_account_store_new_for_path (store_path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->account);
  g_clear_error (&f->error);
  g_clear_object (&f->store);
  g_clear_pointer (&f->integration, hangar_oauth_integration_free);
  g_clear_pointer (&f->sandbox, hangar_test_sandbox_stop);
  soup_server_disconnect (f->redirect_server);
  g_clear_object (&f->redirect_server);
  g_free (f->redirect_uri);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;

  f->account = hangar_connect_oauth_finish (result, &f->error);
  f->done = TRUE;
}

static gboolean
flow_done (gpointer data)
{
  return ((Fixture *) data)->done;
}

static gboolean
consent_loaded (gpointer data)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();

  return dialog != NULL && hangar_consent_dialog_is_loaded (dialog);
}

/* The state the flow sent, read back from the page's authorize URL. */
static char *
dup_flow_state (void)
{
  g_autoptr(GObject) view = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) params = NULL;

  g_object_get (hangar_consent_get_dialog (), "web-view", &view, NULL);
  g_object_get (view, "uri", &uri, NULL);
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  g_assert_nonnull (parsed);
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  return g_strdup (g_hash_table_lookup (params, "state"));
}

static void
navigate (const char *uri)
{
  g_autofree char *script = g_strdup_printf ("window.location.href = '%s';", uri);

  hangar_consent_run_script (hangar_consent_get_dialog (), script);
}

static void
test_redirect_not_loaded (Fixture       *f,
                          gconstpointer  data)
{
  /* --auto-approve: the sandbox redirects at once with a code. */
  hangar_connect_oauth_async (NULL, f->store, "Consent", f->integration, NULL, connected_cb, f);
  hangar_test_wait_until (flow_done, f, "the flow");

  g_assert_no_error (f->error);
  g_assert_nonnull (f->account);
  g_assert_cmpint (hangar_account_get_status (f->account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpstr (hangar_account_get_redirect_uri (f->account), ==, f->redirect_uri);
  /* The code reached us through decide-policy, not through the server. */
  g_assert_cmpuint (f->redirect_hits, ==, 0);
  g_assert_null (hangar_consent_get_dialog ());
}

static void
test_state_mismatch (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *forged = g_strdup_printf ("%s?code=stolen&state=forged0000000000000000", f->redirect_uri);

  hangar_connect_oauth_async (NULL, f->store, "Consent", f->integration, NULL, connected_cb, f);
  hangar_test_wait_until (consent_loaded, NULL, "the consent page");
  navigate (forged);
  hangar_test_wait_until (flow_done, f, "the flow");

  g_assert_error (f->error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH);
  g_assert_false (hangar_connect_error_is_cancel (f->error));
  g_assert_null (f->account);
  g_assert_cmpuint (f->redirect_hits, ==, 0);
  g_assert_cmpint (hangar_test_sandbox_stat (f->sandbox, "exchanges"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
}

static void
test_error_redirect (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *state = NULL;
  g_autofree char *error_uri = NULL;

  hangar_connect_oauth_async (NULL, f->store, "Consent", f->integration, NULL, connected_cb, f);
  hangar_test_wait_until (consent_loaded, NULL, "the consent page");
  state = dup_flow_state ();
  error_uri = g_strdup_printf ("%s?error=invalid_scope&error_description=Scope+not+enabled&state=%s",
                               f->redirect_uri, state);
  navigate (error_uri);
  hangar_test_wait_until (flow_done, f, "the flow");

  /* A clear message with the server's description; not a "cancel". */
  g_assert_error (f->error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_AUTHORIZATION);
  g_assert_nonnull (strstr (f->error->message, "Scope not enabled"));
  g_assert_false (hangar_connect_error_is_cancel (f->error));
  g_assert_cmpuint (f->redirect_hits, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
}

static void
test_cancellable_closes (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  hangar_connect_oauth_async (NULL, f->store, "Consent", f->integration, cancellable, connected_cb, f);
  hangar_test_wait_until (consent_loaded, NULL, "the consent page");
  g_cancellable_cancel (cancellable);
  hangar_test_wait_until (flow_done, f, "the flow");

  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (hangar_connect_error_is_cancel (f->error));
  g_assert_null (hangar_consent_get_dialog ());
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
}

static gboolean
error_page_shown (gpointer data)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();
  GtkStack *stack;

  if (dialog == NULL)
    return FALSE;
  stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (dialog), G_OBJECT_TYPE (dialog), "stack"));
  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "error") == 0;
}

static void
test_load_error (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HangarOAuthIntegration) unreachable = hangar_oauth_integration_copy (f->integration);
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* A loopback port that nothing listens on once the listener is gone. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  g_free (unreachable->oauth_url);
  unreachable->oauth_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  hangar_connect_oauth_async (NULL, f->store, "Consent", unreachable, NULL, connected_cb, f);
  hangar_test_wait_until (error_page_shown, NULL, "the load error page");
  g_assert_false (f->done);

  /* The user gives up: a cancel, nothing stored. */
  gtk_window_close (hangar_consent_get_dialog ());
  hangar_test_wait_until (flow_done, f, "the flow");
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  hangar_test_gui_init (&argc, &argv);

  g_test_add ("/hangar/gui/consent/redirect-not-loaded", Fixture, "--auto-approve",
              fixture_setup, test_redirect_not_loaded, fixture_teardown);
  g_test_add ("/hangar/gui/consent/state-mismatch", Fixture, "--no-rate-limit",
              fixture_setup, test_state_mismatch, fixture_teardown);
  g_test_add ("/hangar/gui/consent/error-redirect", Fixture, "--no-rate-limit",
              fixture_setup, test_error_redirect, fixture_teardown);
  g_test_add ("/hangar/gui/consent/load-error", Fixture, "--no-rate-limit",
              fixture_setup, test_load_error, fixture_teardown);
  g_test_add ("/hangar/gui/consent/cancellable", Fixture, "--no-rate-limit",
              fixture_setup, test_cancellable_closes, fixture_teardown);

  return g_test_run ();
}
