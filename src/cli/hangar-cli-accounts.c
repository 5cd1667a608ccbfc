/* hangar-cli-accounts.c — accounts, connect, reconnect, disconnect, -a LABEL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hangar-auth.h"
#include "hangar-cli.h"
#include "hangar-request-log.h"

#define DEFAULT_REDIRECT_URI "http://127.0.0.1:8471/oauth/callback"
#define DEFAULT_TIMEOUT_S    300

static gboolean flush_registered;
/* Who the request log says made the requests of -a accounts. */
static const char *request_source = "cli";

/* A string wiped when freed (g_autoptr (HangarSecretString)). */
typedef char HangarSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarSecretString, hangar_token_free)

/* Metadata changes (last refresh, expiry, status) are written from an idle;
 * a short-lived CLI process writes them on exit. */
static void
flush_default_store_at_exit (void)
{
  HangarAccountStore *store = hangar_account_store_get_default ();
  g_autoptr(GError) error = NULL;

  if (!hangar_account_store_flush (store, &error))
    hangar_cli_fail (0, "could not save the accounts: %s", error->message);
}

static HangarAccountStore *
open_store (void)
{
  if (!flush_registered)
    {
      flush_registered = TRUE;
      atexit (flush_default_store_at_exit);
    }
  return hangar_account_store_get_default ();
}

static char *
format_time (gint64 unix_s)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_s <= 0)
    return g_strdup ("-");
  dt = g_date_time_new_from_unix_local (unix_s);
  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}

static const char *
status_nick (HangarAccountStatus status)
{
  switch (status)
    {
    case HANGAR_ACCOUNT_STATUS_PENDING: return "pending";
    case HANGAR_ACCOUNT_STATUS_ACTIVE: return "active";
    case HANGAR_ACCOUNT_STATUS_EXPIRED: return "expired";
    case HANGAR_ACCOUNT_STATUS_REVOKED: return "revoked";
    case HANGAR_ACCOUNT_STATUS_ERROR: return "error";
    default: return "unknown";
    }
}

/* ------------------------------------------------------------------------ */
/* accounts                                                                 */

static JsonNode *
account_to_json (HangarAccount *account)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  const char * const *scopes = hangar_account_get_scopes (account);
  g_auto(GStrv) missing = hangar_scopes_account_missing_all (account);
  JsonArray *array;

  json_object_set_string_member (obj, "label", hangar_account_get_label (account));
  json_object_set_string_member (obj, "id", hangar_account_get_id (account));
  json_object_set_string_member (obj, "kind",
                                 hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT ? "pat" : "oauth");
  json_object_set_string_member (obj, "status", status_nick (hangar_account_get_status (account)));
  if (hangar_account_get_status_reason (account) != NULL)
    json_object_set_string_member (obj, "reason", hangar_account_get_status_reason (account));
  else
    json_object_set_null_member (obj, "reason");
  if (hangar_account_get_user_id (account) != NULL)
    json_object_set_string_member (obj, "user_id", hangar_account_get_user_id (account));
  if (hangar_account_get_email (account) != NULL)
    json_object_set_string_member (obj, "email", hangar_account_get_email (account));
  else
    json_object_set_null_member (obj, "email");
  if (scopes != NULL)
    {
      array = json_array_new ();
      for (guint i = 0; scopes[i] != NULL; i++)
        json_array_add_string_element (array, scopes[i]);
      json_object_set_array_member (obj, "scopes", array);
    }
  else
    json_object_set_null_member (obj, "scopes");
  array = json_array_new ();
  for (guint i = 0; missing != NULL && missing[i] != NULL; i++)
    json_array_add_string_element (array, missing[i]);
  json_object_set_array_member (obj, "missing_scopes", array);
  if (hangar_account_get_api_url (account) != NULL)
    json_object_set_string_member (obj, "api_url", hangar_account_get_api_url (account));
  json_object_set_int_member (obj, "access_expires_at", hangar_account_get_access_expires_at (account));
  json_object_set_int_member (obj, "refresh_expires_at", hangar_account_get_refresh_expires_at (account));
  json_object_set_int_member (obj, "last_refresh", hangar_account_get_last_refresh (account));
  json_object_set_int_member (obj, "connected_at", hangar_account_get_connected_at (account));
  return json_node_init_object (json_node_alloc (), obj);
}

static int
list_integrations (HangarAccountStore *store,
                   gboolean            jsonl)
{
  g_auto(GStrv) names = hangar_account_store_list_integrations (store);

  if (names[0] == NULL && !jsonl)
    hangar_cli_print_line ("No saved integrations. Save one with: hangar-cli connect LABEL --oauth --client-id ID "
                           "--save-integration NAME");
  for (guint i = 0; names[i] != NULL; i++)
    {
      gboolean has_secret = FALSE;
      g_autoptr(HangarOAuthIntegration) integ =
        hangar_account_store_lookup_integration (store, names[i], &has_secret);
      g_autofree char *scopes = NULL;

      if (integ == NULL)
        continue;
      scopes = g_strjoinv (" ", integ->scopes);
      if (jsonl)
        {
          g_autoptr(JsonObject) obj = json_object_new ();
          g_autoptr(JsonNode) node = NULL;
          JsonArray *array = json_array_new ();

          json_object_set_string_member (obj, "name", names[i]);
          json_object_set_string_member (obj, "client_id", integ->client_id);
          json_object_set_string_member (obj, "redirect_uri", integ->redirect_uri);
          json_object_set_string_member (obj, "api_url", integ->api_url);
          json_object_set_string_member (obj, "oauth_url", integ->oauth_url);
          for (guint j = 0; integ->scopes[j] != NULL; j++)
            json_array_add_string_element (array, integ->scopes[j]);
          json_object_set_array_member (obj, "scopes", array);
          json_object_set_boolean_member (obj, "client_secret_stored", has_secret);
          node = json_node_init_object (json_node_alloc (), obj);
          hangar_cli_print_json_line (node);
          continue;
        }
      hangar_cli_print_line ("%s", names[i]);
      hangar_cli_print_line ("  client id:      %s%s", integ->client_id, has_secret ? " (client secret in the keyring)" : "");
      hangar_cli_print_line ("  redirect uri:   %s", integ->redirect_uri);
      hangar_cli_print_line ("  api / oauth:    %s  %s", integ->api_url, integ->oauth_url);
      hangar_cli_print_line ("  scopes:         %s", scopes);
    }
  return HANGAR_CLI_EXIT_OK;
}

static int
run_list (int    argc,
          char **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *api_url = NULL;
  gboolean integrations = FALSE;
  GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "Output format: text (default) or jsonl", "FORMAT" },
    { "integrations", 0, 0, G_OPTION_ARG_NONE, &integrations, "List the saved OAuth integrations instead (never their secrets)", NULL },
    { "api-url", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &api_url, NULL, "URL" },
    { NULL }
  };
  HangarAccountStore *store;
  guint n;

  if (!hangar_cli_parse_options (entries, "— list the connected accounts (never their tokens)", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 1)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "accounts takes no arguments");
  if (format != NULL && !g_str_equal (format, "text") && !g_str_equal (format, "jsonl"))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown format “%s” (text or jsonl)", format);

  store = open_store ();
  if (integrations)
    return list_integrations (store, format != NULL && g_str_equal (format, "jsonl"));
  n = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (format != NULL && g_str_equal (format, "jsonl"))
    {
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);
          g_autoptr(JsonNode) node = account_to_json (account);

          hangar_cli_print_json_line (node);
        }
      return HANGAR_CLI_EXIT_OK;
    }

  if (n == 0)
    {
      hangar_cli_print_line ("No accounts. Connect one with: hangar-cli connect LABEL --pat-env VAR | --oauth …");
      return HANGAR_CLI_EXIT_OK;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarAccount) account = g_list_model_get_item (G_LIST_MODEL (store), i);
      const char * const *scopes = hangar_account_get_scopes (account);
      g_autofree char *scope_text = scopes ? g_strjoinv (" ", (char **) scopes) : g_strdup ("(not reported for personal access tokens)");
      g_autofree char *expiry = format_time (hangar_account_get_access_expires_at (account));
      g_autofree char *refresh = format_time (hangar_account_get_last_refresh (account));

      hangar_cli_print_line ("%s", hangar_account_get_label (account));
      hangar_cli_print_line ("  status:         %s%s%s", status_nick (hangar_account_get_status (account)),
                             hangar_account_get_status_reason (account) ? " — " : "",
                             hangar_account_get_status_reason (account) ? hangar_account_get_status_reason (account) : "");
      hangar_cli_print_line ("  kind:           %s", hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_PAT
                                          ? "personal access token" : "OAuth");
      hangar_cli_print_line ("  user:           %s (%s)",
                             hangar_account_get_email (account) ? hangar_account_get_email (account) : "email not shared",
                             hangar_account_get_user_id (account) ? hangar_account_get_user_id (account) : "-");
      hangar_cli_print_line ("  api:            %s", hangar_account_get_api_url (account) ? hangar_account_get_api_url (account) : "-");
      hangar_cli_print_line ("  scopes:         %s", scope_text);
      if (hangar_account_get_kind (account) == HANGAR_ACCOUNT_KIND_OAUTH)
        {
          hangar_cli_print_line ("  access expires: %s", expiry);
          hangar_cli_print_line ("  last refresh:   %s", refresh);
        }
    }
  return HANGAR_CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* The browser's answer, on the loopback redirect URI                       */

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits for @result or the timeout; TRUE when @result came. */
static gboolean
wait_with_timeout (GAsyncResult **result,
                   int            timeout_s)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (timeout_s, timeout_cb, &timed_out);

  while (*result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  return *result != NULL;
}

/* Runs the consent flow for @integration in the system browser (or prints
 * the URL), waits on the loopback redirect URI (hangar-oauth-listener.h:
 * 127.0.0.1 only, only GET on the exact path with the right Host and our
 * state), and connects @label. */
static int
run_oauth_flow (HangarAccountStore     *store,
                const char             *label,
                HangarOAuthIntegration *integration,
                gboolean                no_browser,
                int                     timeout_s,
                const char             *save_as)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarOAuthFlow) flow = NULL;
  g_autoptr(HangarOAuthListener) listener = NULL;
  g_autoptr(GAsyncResult) waited = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(HangarSecretString) uri = NULL;
  g_autoptr(HangarSecretString) code = NULL;
  HangarAccount *account = NULL;
  int status;

  if (!hangar_oauth_integration_validate (integration, &error))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s", error->message);

  flow = hangar_oauth_flow_new (integration);
  listener = hangar_oauth_listener_new (flow, &error);
  if (listener == NULL)
    return hangar_cli_fail (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS)
                            ? HANGAR_CLI_EXIT_USAGE : HANGAR_CLI_EXIT_ERROR, "%s", error->message);

  if (no_browser)
    {
      printf ("%s\n", hangar_oauth_flow_get_authorize_uri (flow));
      fflush (stdout);
      hangar_cli_fail (0, "open the URL above in a browser; waiting for the answer on %s",
                       integration->redirect_uri);
    }
  else
    {
      hangar_cli_fail (0, "opening the browser to sign in; waiting for the answer on %s",
                       integration->redirect_uri);
      if (!g_app_info_launch_default_for_uri (hangar_oauth_flow_get_authorize_uri (flow), NULL, &error))
        {
          hangar_cli_fail (0, "could not open a browser (%s); open this URL:", error->message);
          printf ("%s\n", hangar_oauth_flow_get_authorize_uri (flow));
          fflush (stdout);
          g_clear_error (&error);
        }
    }

  hangar_oauth_listener_wait_async (listener, NULL, hangar_cli_wait_callback, &waited);
  if (!wait_with_timeout (&waited, timeout_s))
    return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "no answer from the browser within %d s", timeout_s);
  uri = hangar_oauth_listener_wait_finish (listener, waited, &error);
  if (uri != NULL)
    code = hangar_oauth_flow_parse_redirect (flow, uri, &error);

  if (code != NULL)
    {
      hangar_account_store_connect_oauth_async (store, label, flow, code, NULL, hangar_cli_wait_callback, &connected);
      account = hangar_account_store_connect_oauth_finish (store, hangar_cli_wait (&connected), &error);
    }

  /* Answer the browser, and let the page reach it before exiting. */
  if (account != NULL)
    {
      g_autofree char *text = g_strdup_printf ("Hangar is now connected to Airtable as “%s”. You can close this tab.",
                                               hangar_account_get_label (account));

      hangar_oauth_listener_respond (listener, TRUE, "Connected", text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("%s You can close this tab.", error->message);

      hangar_oauth_listener_respond (listener, g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED),
                                     "Not connected", text);
    }
  for (int i = 0; i < 20 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  if (account == NULL)
    {
      if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED))
        return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "cancelled: access was not granted");
      return hangar_cli_report_error (error);
    }

  hangar_cli_print_line ("Connected “%s” as %s (%s): %s", hangar_account_get_label (account),
                         hangar_account_get_email (account) ? hangar_account_get_email (account) : "email not shared",
                         hangar_account_get_user_id (account),
                         status_nick (hangar_account_get_status (account)));
  status = HANGAR_CLI_EXIT_OK;
  if (save_as != NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) save_error = NULL;

      hangar_account_store_save_integration_async (store, save_as, integration, NULL,
                                                   hangar_cli_wait_callback, &result);
      if (!hangar_account_store_save_integration_finish (store, hangar_cli_wait (&result), &save_error))
        status = hangar_cli_report_error (save_error);
      else
        hangar_cli_print_line ("Saved the integration as “%s”: connect more accounts with --oauth --integration %s",
                               save_as, save_as);
    }
  return status;
}

static int
connect_pat (HangarAccountStore *store,
             const char         *label,
             const char         *api_url,
             const char         *pat_env)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *token = g_getenv (pat_env);
  HangarAccount *account;

  if (token == NULL || *token == '\0')
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "environment variable %s is not set", pat_env);
  hangar_redact_add_secret (token);

  hangar_account_store_connect_pat_async (store, label, api_url, token, NULL,
                                          hangar_cli_wait_callback, &result);
  account = hangar_account_store_connect_pat_finish (store, hangar_cli_wait (&result), &error);
  if (account == NULL)
    return hangar_cli_report_error (error);
  hangar_cli_print_line ("Connected “%s” as %s (%s): %s", hangar_account_get_label (account),
                         hangar_account_get_email (account) ? hangar_account_get_email (account) : "email not shared",
                         hangar_account_get_user_id (account),
                         status_nick (hangar_account_get_status (account)));
  return HANGAR_CLI_EXIT_OK;
}

static char *
default_oauth_url (const char *api_url)
{
  /* Airtable splits API and OAuth hosts; a local sandbox serves both. */
  if (api_url == NULL || g_str_has_prefix (api_url, HANGAR_AIRTABLE_API_URL))
    return g_strdup (HANGAR_AIRTABLE_OAUTH_URL);
  return g_strdup (api_url);
}

static int
run_connect (int       argc,
             char    **argv,
             gboolean  reconnect)
{
  g_autofree char *pat_env = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *oauth_url = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *secret_env = NULL;
  g_autofree char *redirect_uri = NULL;
  g_autofree char *integration_name = NULL;
  g_autofree char *save_integration = NULL;
  g_auto(GStrv) scopes = NULL;
  gboolean oauth = FALSE;
  gboolean no_browser = FALSE;
  int timeout_s = DEFAULT_TIMEOUT_S;
  GOptionEntry entries[] = {
    { "pat-env", 0, 0, G_OPTION_ARG_STRING, &pat_env, "Connect with the personal access token in environment variable VAR", "VAR" },
    { "oauth", 0, 0, G_OPTION_ARG_NONE, &oauth, "Connect with OAuth (your own integration)", NULL },
    { "integration", 0, 0, G_OPTION_ARG_STRING, &integration_name, "Use the saved OAuth integration NAME (see accounts --integrations)", "NAME" },
    { "save-integration", 0, 0, G_OPTION_ARG_STRING, &save_integration, "After connecting, save these OAuth settings (and the secret, in the keyring) as NAME", "NAME" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, "OAuth client id (default: $HANGAR_OAUTH_CLIENT_ID)", "ID" },
    { "client-secret-env", 0, 0, G_OPTION_ARG_STRING, &secret_env, "Read the OAuth client secret from VAR (kept in the keyring)", "VAR" },
    { "redirect-uri", 0, 0, G_OPTION_ARG_STRING, &redirect_uri, "Registered loopback redirect URI (default " DEFAULT_REDIRECT_URI ")", "URI" },
    { "scope", 0, 0, G_OPTION_ARG_STRING_ARRAY, &scopes, "Scope to request (repeatable; default: every scope Hangar uses)", "SCOPE" },
    { "api-url", 0, 0, G_OPTION_ARG_STRING, &api_url, "API base URL (default " HANGAR_AIRTABLE_API_URL ")", "URL" },
    { "oauth-url", 0, 0, G_OPTION_ARG_STRING, &oauth_url, "OAuth base URL (default " HANGAR_AIRTABLE_OAUTH_URL ", or the API URL when that is not Airtable's)", "URL" },
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &no_browser, "Print the authorization URL instead of opening a browser", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, "Seconds to wait for the browser (default 300)", "S" },
    { NULL }
  };
  HangarAccountStore *store;
  HangarAccount *existing;
  const char *label;

  if (!hangar_cli_parse_options (entries, reconnect ? "LABEL — sign in again" : "LABEL — connect an Airtable account",
                                 &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (argc != 2)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "%s needs exactly one LABEL", argv[0]);
  label = argv[1];
  if (timeout_s <= 0)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--timeout must be positive");

  store = open_store ();
  existing = hangar_account_store_lookup_by_label (store, label);

  if (reconnect)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarOAuthIntegration) integration = NULL;

      if (existing == NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "no account labelled “%s” (see hangar-cli accounts)", label);
      if (hangar_account_get_kind (existing) == HANGAR_ACCOUNT_KIND_PAT)
        {
          if (pat_env == NULL)
            return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                                    "“%s” uses a personal access token: reconnect it with --pat-env VAR", label);
          return connect_pat (store, label, hangar_account_get_api_url (existing), pat_env);
        }
      hangar_account_store_load_integration_async (store, existing, NULL, hangar_cli_wait_callback, &result);
      integration = hangar_account_store_load_integration_finish (store, hangar_cli_wait (&result), &error);
      if (integration == NULL)
        return hangar_cli_report_error (error);
      if (scopes != NULL)
        {
          g_strfreev (integration->scopes);
          integration->scopes = g_steal_pointer (&scopes);
        }
      return run_oauth_flow (store, label, integration, no_browser, timeout_s, NULL);
    }

  if (existing != NULL && hangar_account_get_status (existing) != HANGAR_ACCOUNT_STATUS_PENDING)
    return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR,
                            "an account labelled “%s” exists already (use reconnect, or disconnect it first)", label);
  if (integration_name != NULL && pat_env == NULL)
    oauth = TRUE;  /* --integration NAME implies --oauth */
  if ((pat_env != NULL) == oauth)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "connect needs either --pat-env VAR or --oauth");
  if (pat_env != NULL && (integration_name != NULL || save_integration != NULL))
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "--integration and --save-integration go with --oauth");

  if (pat_env != NULL)
    return connect_pat (store, label, api_url, pat_env);

  if (integration_name != NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarOAuthIntegration) integration = NULL;

      if (client_id != NULL || secret_env != NULL || redirect_uri != NULL || api_url != NULL ||
          oauth_url != NULL || save_integration != NULL)
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                                "--integration takes its settings from the saved integration; "
                                "only --scope, --no-browser and --timeout go with it");
      hangar_account_store_load_named_integration_async (store, integration_name, NULL,
                                                         hangar_cli_wait_callback, &result);
      integration = hangar_account_store_load_named_integration_finish (store, hangar_cli_wait (&result), &error);
      if (integration == NULL)
        return hangar_cli_report_error (error);
      if (scopes != NULL)
        {
          g_strfreev (integration->scopes);
          integration->scopes = g_steal_pointer (&scopes);
        }
      return run_oauth_flow (store, label, integration, no_browser, timeout_s, NULL);
    }

  {
    g_autoptr(HangarOAuthIntegration) integration = NULL;
    g_autofree char *the_oauth_url = oauth_url ? g_strdup (oauth_url) : default_oauth_url (api_url);
    const char *secret = NULL;

    if (client_id == NULL && g_getenv ("HANGAR_OAUTH_CLIENT_ID") != NULL)
      client_id = g_strdup (g_getenv ("HANGAR_OAUTH_CLIENT_ID"));
    if (client_id == NULL)
      return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE,
                              "--oauth needs --client-id ID (register an integration at https://airtable.com/create/oauth)");
    if (secret_env != NULL)
      {
        secret = g_getenv (secret_env);
        if (secret == NULL || *secret == '\0')
          return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "environment variable %s is not set", secret_env);
        hangar_redact_add_secret (secret);
      }
    integration = hangar_oauth_integration_new (api_url, the_oauth_url, client_id, secret,
                                                redirect_uri ? redirect_uri : DEFAULT_REDIRECT_URI,
                                                (const char * const *) scopes);
    return run_oauth_flow (store, label, integration, no_browser, timeout_s, save_integration);
  }
}

static int
run_disconnect (int    argc,
                char **argv)
{
  g_autofree char *api_url = NULL;
  g_autofree char *integration_name = NULL;
  GOptionEntry entries[] = {
    { "api-url", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &api_url, NULL, "URL" },
    { "integration", 0, 0, G_OPTION_ARG_STRING, &integration_name, "Forget the saved OAuth integration NAME and its secret instead (no LABEL)", "NAME" },
    { NULL }
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarAccountStore *store;
  HangarAccount *account;
  g_autofree char *label = NULL;
  g_autofree char *id = NULL;

  if (!hangar_cli_parse_options (entries, "LABEL — forget an account, its tokens and its cache", &argc, &argv))
    return HANGAR_CLI_EXIT_USAGE;
  if (integration_name != NULL)
    {
      if (argc != 1)
        return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "disconnect --integration NAME takes no LABEL");
      store = open_store ();
      hangar_account_store_remove_integration_async (store, integration_name, NULL,
                                                     hangar_cli_wait_callback, &result);
      if (!hangar_account_store_remove_integration_finish (store, hangar_cli_wait (&result), &error))
        return hangar_cli_report_error (error);
      hangar_cli_print_line ("Forgot the integration “%s” (accounts connected with it keep working)", integration_name);
      return HANGAR_CLI_EXIT_OK;
    }
  if (argc != 2)
    return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "disconnect needs exactly one LABEL");

  store = open_store ();
  account = hangar_account_store_lookup_by_label (store, argv[1]);
  if (account == NULL)
    return hangar_cli_fail (HANGAR_CLI_EXIT_ERROR, "no account labelled “%s” (see hangar-cli accounts)", argv[1]);
  label = g_strdup (hangar_account_get_label (account));
  id = g_strdup (hangar_account_get_id (account));
  hangar_account_store_remove_async (store, account, NULL, hangar_cli_wait_callback, &result);
  if (!hangar_account_store_remove_finish (store, hangar_cli_wait (&result), &error))
    return hangar_cli_report_error (error);
  /* Its local databases (request log, …) go with it. */
  hangar_request_log_forget_account (id);
  if (!hangar_store_delete_account (id, &error))
    hangar_cli_fail (0, "could not delete the local data of “%s”: %s", label, error->message);
  hangar_cli_print_line ("Disconnected “%s”", label);
  return HANGAR_CLI_EXIT_OK;
}

/**
 * hangar_cli_accounts_run:
 *
 * See hangar-cli.h.
 */
int
hangar_cli_accounts_run (const char  *command,
                         int          argc,
                         char       **argv)
{
  if (g_str_equal (command, "accounts"))
    return run_list (argc, argv);
  if (g_str_equal (command, "connect"))
    return run_connect (argc, argv, FALSE);
  if (g_str_equal (command, "reconnect"))
    return run_connect (argc, argv, TRUE);
  if (g_str_equal (command, "disconnect"))
    return run_disconnect (argc, argv);
  return hangar_cli_fail (HANGAR_CLI_EXIT_USAGE, "unknown command “%s”", command);
}

static gboolean
same_url (const char *a,
          const char *b)
{
  gsize la = strlen (a), lb = strlen (b);

  while (la > 0 && a[la - 1] == '/')
    la--;
  while (lb > 0 && b[lb - 1] == '/')
    lb--;
  return la == lb && strncmp (a, b, la) == 0;
}

void
hangar_cli_set_request_source (const char *source)
{
  request_source = g_intern_string (source);
}

/**
 * hangar_cli_open_account_client:
 *
 * See hangar-cli.h. The account's tokens only ever go to the account's own
 * API URL: a different --api-url is refused.
 */
HangarClient *
hangar_cli_open_account_client (const char  *label,
                                const char  *api_url_override,
                                GError     **error)
{
  HangarAccountStore *store = open_store ();
  HangarAccount *account = hangar_account_store_lookup_by_label (store, label);
  HangarAccountStatus status;

  if (account == NULL)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND,
                   "no account labelled “%s” (see hangar-cli accounts)", label);
      return NULL;
    }
  if (api_url_override != NULL && hangar_account_get_api_url (account) != NULL &&
      !same_url (api_url_override, hangar_account_get_api_url (account)))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   "the account “%s” belongs to %s; its token is not sent to %s",
                   label, hangar_account_get_api_url (account), api_url_override);
      return NULL;
    }
  status = hangar_account_get_status (account);
  if (status == HANGAR_ACCOUNT_STATUS_REVOKED || status == HANGAR_ACCOUNT_STATUS_PENDING)
    {
      g_set_error (error, HANGAR_API_ERROR,
                   status == HANGAR_ACCOUNT_STATUS_REVOKED ? HANGAR_API_ERROR_REVOKED : HANGAR_API_ERROR_FAILED,
                   "the account “%s” is %s%s%s — run: hangar-cli reconnect %s", label, status_nick (status),
                   hangar_account_get_status_reason (account) ? ": " : "",
                   hangar_account_get_status_reason (account) ? hangar_account_get_status_reason (account) : "",
                   label);
      return NULL;
    }
  {
    HangarClient *client = hangar_account_get_client (account);
    g_autoptr(GError) log_error = NULL;

    /* Every request made for the account is in its request log. */
    if (!hangar_request_log_attach (client, hangar_account_get_id (account), request_source, &log_error))
      hangar_cli_fail (0, "the requests are not logged: %s", log_error->message);
    return g_object_ref (client);
  }
}
