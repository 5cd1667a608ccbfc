/* test-consent.c — the consent dialog's interception, in isolation
 *
 * A real hangar-sandbox plays Airtable; a local SoupServer listens at the
 * integration's redirect URI and counts requests: the web view must never
 * load it. A forged redirect (wrong state) is ignored; an error redirect
 * ends the flow with the right error.
 *
 * The hostile test loads pages of a loopback test server into the dialog
 * (downloads of three kinds, another origin, forged redirects from the page
 * and from a frame) and checks that nothing was downloaded or replaced, no
 * other origin was contacted, the sign-in kept waiting, and a real sign-in
 * through the sandbox's consent page still completes afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hangar-connect.h"
#include "hangar-consent-private.h"
#include "hangar-test-consent.h"
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

/* Navigations to the redirect URI the dialog ignored, counted from its debug
 * messages (every message still goes to the default writer). */
static guint n_ignored_redirects;

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
        strstr (fields[i].value, "ignored a navigation to the redirect URI") != NULL)
      n_ignored_redirects++;

  if ((level & G_LOG_LEVEL_DEBUG) && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

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

  hangar_test_consent_run_script (hangar_consent_get_dialog (), script);
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

static gboolean
redirect_ignored (gpointer data)
{
  return n_ignored_redirects > GPOINTER_TO_UINT (data);
}

static void
test_state_mismatch (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *forged = g_strdup_printf ("%s?code=stolen&state=forged0000000000000000", f->redirect_uri);
  guint ignored = n_ignored_redirects;

  hangar_connect_oauth_async (NULL, f->store, "Consent", f->integration, NULL, connected_cb, f);
  hangar_test_wait_until (consent_loaded, NULL, "the consent page");
  navigate (forged);
  hangar_test_wait_until (redirect_ignored, GUINT_TO_POINTER (ignored), "the forged redirect to be ignored");

  /* Not the answer to this sign-in: the dialog keeps waiting for it. */
  g_assert_false (f->done);
  g_assert_nonnull (hangar_consent_get_dialog ());
  g_assert_cmpuint (f->redirect_hits, ==, 0);

  gtk_window_close (hangar_consent_get_dialog ());
  hangar_test_wait_until (flow_done, f, "the flow");
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
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

/* ---- hostile pages ---- */

#define HOSTILE_PREFIX "hangar-hostile-"
#define HOSTILE_BODY   "HOSTILE PAYLOAD"
#define DECOY_BODY     "the user's own file"

typedef struct
{
  SoupServer *server;
  char       *origin;        /* http://127.0.0.1:PORT */
  GHashTable *hits;          /* path → count */
  const char *redirect_uri;
  const char *state;
} Hostile;

static void
hostile_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Hostile *h = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *html = NULL;

  g_hash_table_insert (h->hits, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (h->hits, path)) + 1));
  soup_server_message_set_status (msg, 200, NULL);

  if (g_str_equal (path, "/authorize"))
    html = g_strdup ("<html><body><h1>Sign in</h1>"
                     "<a id='dl' href='/link-file' download='" HOSTILE_PREFIX "link.txt'>Get the file</a>"
                     "</body></html>");
  else if (g_str_equal (path, "/link-file"))
    {
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, HOSTILE_BODY, strlen (HOSTILE_BODY));
      return;
    }
  else if (g_str_equal (path, "/attach"))
    {
      soup_message_headers_append (headers, "Content-Disposition",
                                   "attachment; filename=\"" HOSTILE_PREFIX "attach.txt\"");
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, HOSTILE_BODY, strlen (HOSTILE_BODY));
      return;
    }
  else if (g_str_equal (path, "/" HOSTILE_PREFIX "unknown.bin"))
    {
      soup_server_message_set_response (msg, "application/x-hangar-hostile", SOUP_MEMORY_STATIC,
                                        HOSTILE_BODY, strlen (HOSTILE_BODY));
      return;
    }
  else if (g_str_equal (path, "/framed"))
    html = g_strdup ("<html><body><p>A page with a frame</p><iframe src='/frame'></iframe></body></html>");
  else if (g_str_equal (path, "/frame"))
    html = g_strdup_printf ("<html><body><script>window.location.href = '%s?code=framed&state=%s';</script>"
                            "</body></html>", h->redirect_uri, "forged-in-a-frame");
  else
    html = g_strdup ("<html><body>Elsewhere</body></html>");

  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_TAKE, html, strlen (html));
  g_steal_pointer (&html);
}

static Hostile *
hostile_new (const char *redirect_uri)
{
  Hostile *h = g_new0 (Hostile, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  h->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  h->redirect_uri = redirect_uri;
  h->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (h->server, NULL, hostile_handler, h, NULL);
  /* Loopback only. */
  soup_server_listen_local (h->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (h->server);
  h->origin = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return h;
}

static void
hostile_free (Hostile *h)
{
  soup_server_disconnect (h->server);
  g_clear_object (&h->server);
  g_hash_table_unref (h->hits);
  g_free (h->origin);
  g_free (h);
}

static guint
hostile_hits (Hostile    *h,
              const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (h->hits, path));
}

/* Every file under @dir (up to @depth levels) whose name starts with the
 * hostile prefix or that WebKit would be writing (.wkdownload), with its
 * contents, in @found. */
static void
scan (const char *dir,
      int         depth,
      GHashTable *found)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_prefix (name, HOSTILE_PREFIX) || g_str_has_suffix (name, ".wkdownload"))
        {
          g_autofree char *contents = NULL;

          g_file_get_contents (path, &contents, NULL, NULL);
          g_hash_table_insert (found, g_strdup (path), g_strdup (contents != NULL ? contents : ""));
        }
      if (depth > 0 && g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        scan (path, depth - 1, found);
    }
}

/* Where a download could land: HOME (as the process and its children see
 * it), the XDG directories, the download folder, the working directory and
 * the temporary one. */
static GHashTable *
scan_everywhere (void)
{
  GHashTable *found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *cwd = g_get_current_dir ();
  const char *env[] = { "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR",
                        "XDG_DOWNLOAD_DIR" };

  for (guint i = 0; i < G_N_ELEMENTS (env); i++)
    if (g_getenv (env[i]) != NULL)
      scan (g_getenv (env[i]), 6, found);
  scan (g_get_home_dir (), 6, found);
  if (g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD) != NULL)
    scan (g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD), 6, found);
  scan (cwd, 2, found);
  /* Shared with other processes (other runs of this test keep their homes
   * there): only the files right in it. */
  scan (g_get_tmp_dir (), 0, found);
  return found;
}

typedef struct
{
  gboolean  done;
  char     *uri;
  GError   *error;
} HostileFlow;

static gboolean
match_redirect_cb (const char *uri,
                   gpointer    user_data)
{
  const char *redirect_uri = user_data;
  gsize n = strlen (redirect_uri);

  return strncmp (uri, redirect_uri, n) == 0 && (uri[n] == '\0' || uri[n] == '?');
}

static void
hostile_flow_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HostileFlow *flow = user_data;

  flow->uri = hangar_consent_run_finish (result, &flow->error);
  flow->done = TRUE;
}

static gboolean
hostile_flow_done (gpointer data)
{
  return ((HostileFlow *) data)->done;
}

static char *
dup_refusal (void)
{
  char *refusal = NULL;

  if (hangar_consent_get_dialog () != NULL)
    g_object_get (hangar_consent_get_dialog (), "refusal", &refusal, NULL);
  return refusal;
}

static gboolean
refused (gpointer data)
{
  g_autofree char *refusal = dup_refusal ();

  return refusal != NULL;
}

/* Waits for the dialog's refusal, checks its wording and goes back to the
 * page, as the user would. */
static void
expect_refusal (const char *what,
                const char *wording)
{
  g_autofree char *refusal = NULL;

  hangar_test_wait_until (refused, NULL, what);
  refusal = dup_refusal ();
  g_assert_nonnull (strstr (refusal, wording));
  gtk_widget_activate_action (GTK_WIDGET (hangar_consent_get_dialog ()), "consent.back", NULL);
  g_clear_pointer (&refusal, g_free);
  refusal = dup_refusal ();
  g_assert_null (refusal);
}

static gboolean
page_loaded_at (gpointer data)
{
  GtkWindow *dialog = hangar_consent_get_dialog ();
  g_autoptr(GObject) view = NULL;
  g_autofree char *uri = NULL;

  if (dialog == NULL || !hangar_consent_dialog_is_loaded (dialog))
    return FALSE;
  g_object_get (dialog, "web-view", &view, NULL);
  g_object_get (view, "uri", &uri, NULL);
  return g_str_has_suffix (uri, data);
}

static void
test_hostile_pages (Fixture       *f,
                    gconstpointer  data)
{
  Hostile *page = hostile_new (f->redirect_uri);
  Hostile *elsewhere = hostile_new (f->redirect_uri);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *authorize = NULL;
  g_autofree char *forged = NULL;
  const char *suggested[] = { HOSTILE_PREFIX "link.txt", HOSTILE_PREFIX "attach.txt", HOSTILE_PREFIX "unknown.bin" };
  g_autoptr(GPtrArray) decoys = g_ptr_array_new_with_free_func (g_free);
  HostileFlow flow = { 0 };
  guint ignored;

  /* This process's own home (see main()), never the real one. */
  g_assert_nonnull (strstr (g_get_home_dir (), "hangar-test-"));

  /* The user's own files with the names the pages suggest, where WebKit
   * downloads (the download folder, else HOME): a download must neither
   * write next to them nor replace them. */
  for (guint i = 0; i < G_N_ELEMENTS (suggested); i++)
    {
      g_ptr_array_add (decoys, g_build_filename (g_get_home_dir (), suggested[i], NULL));
      if (g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD) != NULL)
        {
          g_mkdir_with_parents (g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD), 0700);
          g_ptr_array_add (decoys, g_build_filename (g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD),
                                                     suggested[i], NULL));
        }
    }
  for (guint i = 0; i < decoys->len; i++)
    g_assert_true (g_file_set_contents (g_ptr_array_index (decoys, i), DECOY_BODY, -1, NULL));
  before = scan_everywhere ();

  authorize = g_strdup_printf ("%s/authorize?client_id=hostile&state=the-real-state", page->origin);
  hangar_consent_run_async (NULL, authorize, match_redirect_cb, f->redirect_uri, NULL, NULL,
                            hostile_flow_cb, &flow);
  hangar_test_wait_until (page_loaded_at, (gpointer) "/authorize?client_id=hostile&state=the-real-state", "the page");

  /* 1. A link with a download attribute, clicked. */
  hangar_test_consent_run_script (hangar_consent_get_dialog (), "document.getElementById('dl').click();");
  expect_refusal ("the link's download to be refused", "never saves files");

  /* 2. A response that asks to be saved (Content-Disposition: attachment). */
  navigate ("/attach");
  expect_refusal ("the attachment to be refused", "never saves files");
  g_assert_cmpuint (hostile_hits (page, "/attach"), ==, 1);

  /* 3. A response of a type the view cannot show. */
  navigate ("/" HOSTILE_PREFIX "unknown.bin");
  expect_refusal ("the unknown type to be refused", "never saves files");
  g_assert_cmpuint (hostile_hits (page, "/" HOSTILE_PREFIX "unknown.bin"), ==, 1);

  /* 4. Another origin (another loopback port): refused before any request. */
  {
    g_autofree char *other = g_strdup_printf ("%s/elsewhere", elsewhere->origin);

    navigate (other);
    expect_refusal ("the other origin to be refused", "not part of signing in");
    g_assert_cmpuint (hostile_hits (elsewhere, "/elsewhere"), ==, 0);
  }

  /* 5. A forged redirect from the page: wrong state, ignored. */
  ignored = n_ignored_redirects;
  forged = g_strdup_printf ("%s?code=forged&state=not-the-real-state", f->redirect_uri);
  navigate (forged);
  hangar_test_wait_until (redirect_ignored, GUINT_TO_POINTER (ignored), "the page's forged redirect to be ignored");
  g_assert_false (flow.done);

  /* 6. The same from a frame of the page. */
  ignored = n_ignored_redirects;
  navigate ("/framed");
  hangar_test_wait_until (redirect_ignored, GUINT_TO_POINTER (ignored), "the frame's forged redirect to be ignored");
  g_assert_cmpuint (hostile_hits (page, "/frame"), ==, 1);
  g_assert_false (flow.done);
  g_assert_nonnull (hangar_consent_get_dialog ());

  /* The redirect URI was never loaded, the other origin never contacted. */
  g_assert_cmpuint (f->redirect_hits, ==, 0);
  g_assert_cmpuint (g_hash_table_size (elsewhere->hits), ==, 0);

  /* The user gives up on this page. */
  gtk_window_close (hangar_consent_get_dialog ());
  hangar_test_wait_until (hostile_flow_done, &flow, "the hostile flow");
  g_assert_error (flow.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (flow.uri);
  g_clear_error (&flow.error);

  /* Nothing was written anywhere, nothing was replaced. */
  after = scan_everywhere ();
  {
    GHashTableIter iter;
    gpointer path, contents;

    g_hash_table_iter_init (&iter, after);
    while (g_hash_table_iter_next (&iter, &path, &contents))
      {
        if (!g_hash_table_contains (before, path))
          g_error ("A file appeared: %s", (char *) path);
        g_assert_cmpstr (contents, ==, g_hash_table_lookup (before, path));
      }
    g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (before));
  }
  for (guint i = 0; i < decoys->len; i++)
    {
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (g_ptr_array_index (decoys, i), &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, DECOY_BODY);
    }

  /* And a real sign-in through the sandbox's consent page still completes. */
  hangar_connect_oauth_async (NULL, f->store, "Consent", f->integration, NULL, connected_cb, f);
  hangar_test_wait_until (consent_loaded, NULL, "the sandbox's consent page");
  hangar_test_consent_run_script (hangar_consent_get_dialog (),
                                  "document.querySelectorAll('input[name=base]').forEach(function (c) { c.checked = true; });"
                                  "document.querySelector('button[value=grant]').click();");
  hangar_test_wait_until (flow_done, f, "the real sign-in");
  g_assert_no_error (f->error);
  g_assert_nonnull (f->account);
  g_assert_cmpint (hangar_account_get_status (f->account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpuint (f->redirect_hits, ==, 0);

  for (guint i = 0; i < decoys->len; i++)
    g_unlink (g_ptr_array_index (decoys, i));
  hostile_free (page);
  hostile_free (elsewhere);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything logs: counts the dialog's ignored redirects. */
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_log_set_debug_enabled (TRUE);
  /* A home of this process's own before GTK starts: GLib keeps the first
   * answer of g_get_home_dir() and the XDG dirs, and WebKit downloads to
   * those; the hostile test must look there, never in the real HOME nor in
   * a directory another run of this test shares. */
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
  g_test_add ("/hangar/gui/consent/hostile-pages", Fixture, "--no-rate-limit",
              fixture_setup, test_hostile_pages, fixture_teardown);

  return g_test_run ();
}
