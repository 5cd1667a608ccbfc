/* test-oauth.c — PKCE, state, authorize URL, redirect parsing, scopes (no network)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-auth-common.h"

static gboolean
all_url_safe (const char *s)
{
  for (; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '.' && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

static void
test_pkce_verifier (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint counts[256] = { 0 };

  for (guint len = 43; len <= 128; len++)
    {
      g_autofree char *v = hangar_oauth_generate_verifier (len);

      g_assert_cmpuint (strlen (v), ==, len);
      g_assert_true (all_url_safe (v));
    }
  /* Never the same twice; every character of the alphabet shows up. */
  for (guint i = 0; i < 200; i++)
    {
      char *v = hangar_oauth_generate_verifier (128);

      for (const char *p = v; *p; p++)
        counts[(guchar) *p]++;
      g_assert_false (g_hash_table_contains (seen, v));
      g_hash_table_add (seen, v);
    }
  for (const char *a = "ABCXYZabcxyz0189._-"; *a; a++)
    g_assert_cmpuint (counts[(guchar) *a], >, 0);
  g_assert_cmpuint (counts['~'], ==, 0);
}

static void
test_state (void)
{
  g_autofree char *a = hangar_oauth_generate_state ();
  g_autofree char *b = hangar_oauth_generate_state ();

  g_assert_cmpuint (strlen (a), >=, 16);
  g_assert_cmpuint (strlen (a), <=, 1024);
  g_assert_true (all_url_safe (a));
  g_assert_cmpstr (a, !=, b);
}

static void
test_challenge (void)
{
  /* RFC 7636 appendix B. */
  g_autofree char *c = hangar_oauth_challenge_s256 ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (c, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_secure_equal (void)
{
  g_assert_true (hangar_oauth_secure_equal ("abc", "abc"));
  g_assert_false (hangar_oauth_secure_equal ("abc", "abd"));
  g_assert_false (hangar_oauth_secure_equal ("abc", "abcd"));
  g_assert_false (hangar_oauth_secure_equal ("abcd", "abc"));
  g_assert_false (hangar_oauth_secure_equal ("", "a"));
  g_assert_false (hangar_oauth_secure_equal (NULL, "a"));
  g_assert_false (hangar_oauth_secure_equal ("a", NULL));
}

static void
test_authorize_uri (void)
{
  const char *scopes[] = { "data.records:read", "user.email:read", NULL };
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new ("https://api.airtable.com", "https://airtable.com", "client 1", NULL,
                                  "http://localhost:4000/airtable-oauth", scopes);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  const char *state = hangar_oauth_flow_get_state (flow);

  uri = g_uri_parse (hangar_oauth_flow_get_authorize_uri (flow), G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
  g_assert_cmpstr (g_uri_get_host (uri), ==, "airtable.com");
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/oauth2/v1/authorize");
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "client 1");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, "http://localhost:4000/airtable-oauth");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "data.records:read user.email:read");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, state);
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "code_challenge")), ==, 43);
  g_assert_true (all_url_safe (g_hash_table_lookup (params, "code_challenge")));
}

static void
test_redirect_matching (void)
{
  const char *reg = "http://localhost:4000/airtable-oauth";

  g_assert_true (hangar_oauth_redirect_matches (reg, "http://localhost:4000/airtable-oauth?code=x&state=y"));
  g_assert_true (hangar_oauth_redirect_matches (reg, "http://LOCALHOST:4000/airtable-oauth"));
  g_assert_true (hangar_oauth_redirect_matches ("https://example.com/cb", "https://example.com:443/cb?x=1"));
  /* Prefix tricks, other ports, hosts, schemes, paths and user info. */
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://localhost:4000/airtable-oauth.evil.example/"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://localhost:4000/airtable-oauth/more"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://localhost:4001/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://localhost.evil.example:4000/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "https://localhost:4000/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://evil@localhost:4000/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://127.0.0.1:4000/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "not a uri"));
  /* Equivalent spellings of the same host, port and path are the same… */
  g_assert_true (hangar_oauth_redirect_matches (reg, "HTTP://localhost:04000/airtable-oauth"));
  g_assert_true (hangar_oauth_redirect_matches ("http://localhost/cb", "http://localhost:80/cb"));
  g_assert_true (hangar_oauth_redirect_matches ("http://[::1]:9/cb", "http://[::1]:9/cb?code=1"));
  /* …other hosts in disguise are not. */
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://localhost.:4000/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://[::1]:4000/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://localhost:4000@evil.example/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://evil.example#@localhost:4000/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://user:pw@localhost:4000/airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://localhost:4000/Airtable-oauth"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "http://localhost:4000"));
  g_assert_false (hangar_oauth_redirect_matches (reg, "//localhost:4000/airtable-oauth"));
}

static void
test_redirect_parsing (void)
{
  const char *reg = "http://127.0.0.1:8471/oauth/callback";
  const char *state = "s-123_abc.DEF";
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  char *tmp;

  /* Success; extra parameters are ignored. */
  code = hangar_oauth_parse_redirect (reg, state,
                                      "http://127.0.0.1:8471/oauth/callback?code=c0de&state=s-123_abc.DEF"
                                      "&code_challenge_method=S256&extra=1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "c0de");

  /* State mismatch, missing state. */
  tmp = hangar_oauth_parse_redirect (reg, state, "http://127.0.0.1:8471/oauth/callback?code=c0de&state=s-123_abc.DEG", &error);
  g_assert_null (tmp);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);
  tmp = hangar_oauth_parse_redirect (reg, state, "http://127.0.0.1:8471/oauth/callback?code=c0de", &error);
  g_assert_null (tmp);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);

  /* A foreign redirect is not ours, even with the right state. */
  tmp = hangar_oauth_parse_redirect (reg, state, "http://127.0.0.1:8472/oauth/callback?code=c0de&state=s-123_abc.DEF", &error);
  g_assert_null (tmp);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_REDIRECT_MISMATCH);
  g_clear_error (&error);

  /* access_denied is "cancelled"; other errors keep their description. */
  tmp = hangar_oauth_parse_redirect (reg, state, "http://127.0.0.1:8471/oauth/callback?error=access_denied"
                                     "&error_description=no&state=s-123_abc.DEF", &error);
  g_assert_null (tmp);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_CANCELLED);
  g_clear_error (&error);
  tmp = hangar_oauth_parse_redirect (reg, state, "http://127.0.0.1:8471/oauth/callback?error=invalid_scope"
                                     "&error_description=Bad+scope+x&state=s-123_abc.DEF", &error);
  g_assert_null (tmp);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_AUTHORIZATION);
  g_assert_nonnull (strstr (error->message, "invalid_scope"));
  g_assert_nonnull (strstr (error->message, "Bad scope x"));
  g_clear_error (&error);
  /* A repeated state is never ours; a repeated code with our state is refused. */
  tmp = hangar_oauth_parse_redirect (reg, state, "http://127.0.0.1:8471/oauth/callback?code=c0de"
                                     "&state=s-123_abc.DEF&state=s-123_abc.DEF", &error);
  g_assert_null (tmp);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);
  tmp = hangar_oauth_parse_redirect (reg, state, "http://127.0.0.1:8471/oauth/callback?code=c0de"
                                     "&state=s-123_abc.DEF&code=evil", &error);
  g_assert_null (tmp);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  /* An error with a forged state is a state mismatch, not a cancel. */
  tmp = hangar_oauth_parse_redirect (reg, state, "http://127.0.0.1:8471/oauth/callback?error=access_denied&state=zzz", &error);
  g_assert_null (tmp);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_STATE_MISMATCH);
  g_clear_error (&error);
}

static void
test_integration_validate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarOAuthIntegration) ok =
    hangar_oauth_integration_new (NULL, NULL, "id", NULL, "http://localhost:4000/cb", NULL);
  g_autoptr(HangarOAuthIntegration) plain_http =
    hangar_oauth_integration_new (NULL, NULL, "id", NULL, "http://example.com/cb", NULL);
  g_autoptr(HangarOAuthIntegration) no_id =
    hangar_oauth_integration_new (NULL, NULL, "", NULL, "http://localhost:4000/cb", NULL);
  g_autoptr(HangarOAuthIntegration) sandbox =
    hangar_oauth_integration_new_from_sandbox_line ("{\"url\":\"http://127.0.0.1:5\",\"client_id\":\"c\","
                                                    "\"redirect_uri\":\"http://127.0.0.1:8471/oauth/callback\"}",
                                                    &error);

  g_assert_no_error (error);
  g_assert_true (hangar_oauth_integration_validate (ok, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ok->api_url, ==, "https://api.airtable.com");
  g_assert_cmpstr (ok->oauth_url, ==, "https://airtable.com");
  g_assert_true (g_strv_contains ((const char * const *) ok->scopes, "data.records:read"));
  g_assert_false (hangar_oauth_integration_validate (plain_http, &error));
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
  g_clear_error (&error);
  g_assert_false (hangar_oauth_integration_validate (no_id, &error));
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
  g_clear_error (&error);
  {
    /* A broken line (it carries the demo PAT) fails without quoting it. */
    g_autoptr(GError) bad_error = NULL;
    g_autoptr(HangarOAuthIntegration) broken =
      hangar_oauth_integration_new_from_sandbox_line ("{\"pat\":patSECRETDEMO.0123456789}", &bad_error);

    g_assert_null (broken);
    g_assert_error (bad_error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
    g_assert_null (strstr (bad_error->message, "patSECRET"));
  }
  g_assert_cmpstr (sandbox->oauth_url, ==, "http://127.0.0.1:5");
  g_assert_cmpstr (sandbox->client_id, ==, "c");
  g_assert_true (hangar_oauth_integration_validate (sandbox, &error));
}

static void
test_credentials_json (void)
{
  g_autoptr(HangarCredentials) c = hangar_credentials_new ();
  g_autoptr(HangarCredentials) back = NULL;
  g_autoptr(GError) error = NULL;
  char *json;

  c->access_token = g_strdup ("oaaA");
  c->refresh_token = g_strdup ("oarB");
  c->access_expires_at = G_GINT64_CONSTANT (1795816626000000);
  c->refresh_expires_at = G_GINT64_CONSTANT (1801000628000000);
  c->issued_at = 42;
  c->client_secret = g_strdup ("sec");
  c->scope = g_strdup ("not stored");
  json = hangar_credentials_to_json (c);
  back = hangar_credentials_from_json (json, &error);
  hangar_token_free (json);
  g_assert_no_error (error);
  g_assert_cmpstr (back->access_token, ==, "oaaA");
  g_assert_cmpstr (back->refresh_token, ==, "oarB");
  g_assert_cmpint (back->access_expires_at, ==, c->access_expires_at);
  g_assert_cmpint (back->refresh_expires_at, ==, c->refresh_expires_at);
  g_assert_cmpint (back->issued_at, ==, 42);
  g_assert_cmpstr (back->client_secret, ==, "sec");
  g_assert_null (back->scope);

  g_assert_null (hangar_credentials_from_json ("[1]", &error));
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING);
}

static void
test_margin (void)
{
  /* 5 minutes for Airtable's hour; half of a short sandbox TTL. */
  g_assert_cmpint (hangar_oauth_token_source_margin_for (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC), ==,
                   300 * G_USEC_PER_SEC);
  g_assert_cmpint (hangar_oauth_token_source_margin_for (20 * G_USEC_PER_SEC), ==, 10 * G_USEC_PER_SEC);
  g_assert_cmpint (hangar_oauth_token_source_margin_for (4 * G_USEC_PER_SEC), ==, 2 * G_USEC_PER_SEC);
  /* The drain before a refresh: 3 s at most, half the margin for short ones. */
  g_assert_cmpint (hangar_oauth_token_source_drain_for (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC), ==,
                   3 * G_USEC_PER_SEC);
  g_assert_cmpint (hangar_oauth_token_source_drain_for (4 * G_USEC_PER_SEC), ==, G_USEC_PER_SEC);
  g_assert_cmpint (hangar_oauth_token_source_drain_for (8 * G_USEC_PER_SEC), ==, 2 * G_USEC_PER_SEC);
}

/* ---- A token endpoint that echoes what it was sent --------------------- */

typedef struct
{
  guint  status;
  char  *body_format;  /* "@@" stands for the posted form and Authorization header */
} Echo;

static void
echo_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Echo *echo = user_data;
  SoupMessageBody *req = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (req);
  g_autofree char *form = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *both = g_strdup_printf ("%s %s", form, auth ? auth : "");
  g_autoptr(GString) body = g_string_new (echo->body_format);

  /* Quote-safe enough for JSON: the form has no quotes or backslashes. */
  g_string_replace (body, "@@", both, 0);
  soup_server_message_set_status (msg, echo->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body->str, body->len);
}

static char *
start_echo (SoupServer *server,
            Echo       *echo)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  char *url;

  soup_server_add_handler (server, "/oauth2/v1/token", echo_cb, echo, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  /* no trailing slash */
  if (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  return url;
}

static void
assert_clean (const GError *error,
              const char   *what,
              const char   *secret)
{
  g_autofree char *escaped = g_uri_escape_string (secret, NULL, FALSE);

  g_assert_nonnull (error);
  g_test_message ("%s: %s", what, error->message);
  g_assert_null (strstr (error->message, secret));
  g_assert_null (strstr (error->message, escaped));
}

static void
test_token_errors_redacted (void)
{
  const char *refresh = "oarREFRESH-TOKEN.must/never+leak";
  const char *secret = "CLIENT-SECRET-never-leak";
  const char *formats[] = {
    "{\"error\":\"invalid_grant\",\"error_description\":\"bad: @@\"}",
    "{\"error\":\"invalid_request\",\"error_description\":\"echo @@\"}",
    "{\"error\":\"@@\"}",
    "not json at all: @@",
    "{\"access_token\": @@",
  };
  guint statuses[] = { 400, 400, 401, 500, 200 };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
      Echo echo = { statuses[i], (char *) formats[i] };
      g_autofree char *url = start_echo (server, &echo);
      g_autoptr(HangarOAuthIntegration) integration =
        hangar_oauth_integration_new (url, url, "client-id-1", secret, "http://127.0.0.1:9/cb", NULL);
      g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarCredentials) creds = NULL;
      const char *code = "CODE-from-the-redirect-123";
      g_autofree char *pair = g_strconcat ("client-id-1:", secret, NULL);
      g_autofree char *basic = g_base64_encode ((const guchar *) pair, strlen (pair));

      hangar_oauth_refresh_async (NULL, integration, refresh, NULL, hangar_test_result_cb, &result);
      creds = hangar_oauth_refresh_finish (hangar_test_wait_result (&result), &error);
      g_assert_null (creds);
      assert_clean (error, "refresh", refresh);
      assert_clean (error, "refresh", secret);
      assert_clean (error, "refresh", basic);
      g_clear_error (&error);
      g_clear_object (&result);

      hangar_oauth_flow_exchange_code_async (flow, NULL, code, NULL, hangar_test_result_cb, &result);
      creds = hangar_oauth_flow_exchange_code_finish (flow, hangar_test_wait_result (&result), &error);
      g_assert_null (creds);
      assert_clean (error, "exchange", code);
      assert_clean (error, "exchange", secret);
      assert_clean (error, "exchange", basic);
      /* The verifier went out too: where it is echoed, it is redacted. */
      if (strstr (error->message, "code_verifier=") != NULL)
        g_assert_nonnull (strstr (error->message, "code_verifier=[token]"));
      if (i < 2)
        g_assert_nonnull (strstr (error->message, "[token]"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hangar/auth/pkce/verifier", test_pkce_verifier);
  g_test_add_func ("/hangar/auth/pkce/state", test_state);
  g_test_add_func ("/hangar/auth/pkce/challenge", test_challenge);
  g_test_add_func ("/hangar/auth/secure-equal", test_secure_equal);
  g_test_add_func ("/hangar/auth/authorize-uri", test_authorize_uri);
  g_test_add_func ("/hangar/auth/redirect/matching", test_redirect_matching);
  g_test_add_func ("/hangar/auth/redirect/parsing", test_redirect_parsing);
  g_test_add_func ("/hangar/auth/integration/validate", test_integration_validate);
  g_test_add_func ("/hangar/auth/credentials/json", test_credentials_json);
  g_test_add_func ("/hangar/auth/refresh/margin", test_margin);
  g_test_add_func ("/hangar/auth/token-errors-redacted", test_token_errors_redacted);

  return g_test_run ();
}
