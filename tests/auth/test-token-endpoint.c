/* test-token-endpoint.c — a broken or hostile OAuth token endpoint:
 * lifetimes that are absurd, negative, zero or not whole numbers; answers
 * that are too deep, too large or never end; settings that would send a
 * secret in clear text.
 *
 * The endpoint is a SoupServer in this process, on 127.0.0.1 only; the
 * keyring is libsecret's file backend.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "test-auth-common.h"

#include "hangar-oauth-token-source.h"

#define DAY_US   (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

typedef struct
{
  SoupServer *server;
  char       *url;
  char       *token_body;   /* what the token endpoint answers (200) */
  gboolean    endless;      /* answer with a chunked body that never ends */
  guint       token_hits;
  guint64     endless_sent;
} Endpoint;

static void
endless_chunk_cb (SoupServerMessage *msg,
                  Endpoint          *ep)
{
  static char chunk[4096];

  if (chunk[0] == '\0')
    memset (chunk, '[', sizeof chunk);
  /* A client that stopped reading is gone; stop after far more than it
   * may keep, in case it did not stop. */
  if (ep->endless_sent > 64 * 1024 * 1024)
    {
      soup_message_body_complete (soup_server_message_get_response_body (msg));
      return;
    }
  ep->endless_sent += sizeof chunk;
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                            chunk, sizeof chunk);
}

static void
token_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Endpoint *ep = user_data;

  ep->token_hits++;
  soup_server_message_set_status (msg, 200, NULL);
  if (ep->endless)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (headers, "application/json", NULL);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (endless_chunk_cb), ep);
      endless_chunk_cb (msg, ep);
      return;
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    ep->token_body, strlen (ep->token_body));
}

static void
whoami_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  const char *body = "{\"id\":\"usrHOSTILE0000001\",\"email\":\"hostile@example.test\"}";

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body, strlen (body));
}

static Endpoint *
endpoint_new (void)
{
  Endpoint *ep = g_new0 (Endpoint, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  ep->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (ep->server, "/oauth2/v1/token", token_cb, ep, NULL);
  soup_server_add_handler (ep->server, "/v0/meta/whoami", whoami_cb, ep, NULL);
  /* Loopback only. */
  g_assert_true (soup_server_listen_local (ep->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (ep->server);
  ep->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return ep;
}

static void
endpoint_free (Endpoint *ep)
{
  soup_server_disconnect (ep->server);
  g_object_unref (ep->server);
  g_free (ep->url);
  g_free (ep->token_body);
  g_free (ep);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Endpoint, endpoint_free)

static HangarCredentials *
refresh_with (Endpoint    *ep,
              const char  *body,
              GError     **error)
{
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new (ep->url, ep->url, "client-id-1", NULL, "http://127.0.0.1:9/cb", NULL);
  g_autoptr(GAsyncResult) result = NULL;

  g_free (ep->token_body);
  ep->token_body = g_strdup (body);
  hangar_oauth_refresh_async (NULL, integration, "oarOLDREFRESHTOKEN", NULL, hangar_test_result_cb, &result);
  return hangar_oauth_refresh_finish (hangar_test_wait_result (&result), error);
}

/* Lifetimes far beyond anything real are believed up to a day (access)
 * and 366 days (refresh): never an expiry that overflows into the past. */
static void
test_lifetimes_clamped (void)
{
  g_autoptr(Endpoint) ep = endpoint_new ();
  struct { const char *expires_in; const char *refresh_expires_in; gint64 access_us; gint64 refresh_us; } cases[] = {
    { "3600", "5184000", G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, G_GINT64_CONSTANT (5184000) * G_USEC_PER_SEC },
    { "3600.0", NULL, G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, 0 },
    { "86401", "31708800", DAY_US, 366 * DAY_US },
    { "9223372036854775807", "9223372036854775807", DAY_US, 366 * DAY_US },
    { "99999999999999999999999999", "1e300", DAY_US, 366 * DAY_US },
    { "1e20", "4611686018427387904", DAY_US, 366 * DAY_US },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarCredentials) creds = NULL;
      g_autofree char *body = NULL;
      gint64 before = g_get_real_time ();

      body = g_strdup_printf ("{\"access_token\":\"oaaNEWACCESS%u\",\"refresh_token\":\"oarNEWREFRESH%u\","
                              "\"token_type\":\"Bearer\",\"expires_in\":%s%s%s}",
                              i, i, cases[i].expires_in,
                              cases[i].refresh_expires_in ? ",\"refresh_expires_in\":" : "",
                              cases[i].refresh_expires_in ? cases[i].refresh_expires_in : "");
      creds = refresh_with (ep, body, &error);
      g_assert_no_error (error);
      g_assert_nonnull (creds);
      g_assert_cmpint (creds->issued_at, >=, before);
      g_assert_cmpint (creds->issued_at, <=, g_get_real_time ());
      g_assert_cmpint (creds->access_expires_at - creds->issued_at, ==, cases[i].access_us);
      if (cases[i].refresh_us > 0)
        g_assert_cmpint (creds->refresh_expires_at - creds->issued_at, ==, cases[i].refresh_us);
      else
        g_assert_cmpint (creds->refresh_expires_at, ==, 0);
    }
}

/* Negative, zero, fractional or non-numeric lifetimes are the server's
 * mistake: a clear error, never a token that looks expired (or eternal). */
static void
test_lifetimes_refused (void)
{
  g_autoptr(Endpoint) ep = endpoint_new ();
  struct { const char *members; const char *expect; } cases[] = {
    { "\"expires_in\":0", "expires_in is 0" },
    { "\"expires_in\":-3600", "expires_in is -3600" },
    { "\"expires_in\":-1e300", "expires_in is -1e+300" },
    { "\"expires_in\":3600.5", "expires_in is a number, not a whole number" },
    { "\"expires_in\":\"3600\"", "expires_in is a string" },
    { "\"expires_in\":true", "expires_in is a boolean" },
    { "\"expires_in\":null", "has no expires_in" },
    { "\"expires_in\":1e999999", "has no expires_in" },
    { "\"token_type\":\"Bearer\"", "has no expires_in" },
    { "\"expires_in\":3600,\"refresh_expires_in\":0", "refresh_expires_in is 0" },
    { "\"expires_in\":3600,\"refresh_expires_in\":-5", "refresh_expires_in is -5" },
    { "\"expires_in\":3600,\"refresh_expires_in\":[1]", "refresh_expires_in is an array" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarCredentials) creds = NULL;
      g_autofree char *body = g_strdup_printf ("{\"access_token\":\"oaaNEWACCESS\",%s}", cases[i].members);

      creds = refresh_with (ep, body, &error);
      g_assert_null (creds);
      g_test_message ("%s: %s", cases[i].members, error->message);
      g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].expect));
    }
}

/* Too deep, too large, never ending: refused, nothing kept past the cap. */
static void
test_answers_hostile (void)
{
  g_autoptr(Endpoint) ep = endpoint_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarCredentials) creds = NULL;
  GString *deep = g_string_new ("{\"access_token\":\"oaaX\",\"expires_in\":3600,\"scope\":");
  g_autofree char *huge = NULL;

  /* 100,000 levels would overflow json-glib's recursion. */
  for (guint i = 0; i < 30000; i++)
    g_string_append_c (deep, '[');
  creds = refresh_with (ep, deep->str, &error);
  g_assert_null (creds);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE);
  g_test_message ("30,000 levels: %s", error->message);
  g_assert_nonnull (strstr (error->message, "nested deeper than"));
  g_clear_error (&error);

  g_string_truncate (deep, strlen ("{\"access_token\":\"oaaX\",\"expires_in\":3600,\"scope\":"));
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  creds = refresh_with (ep, deep->str, &error);
  g_assert_null (creds);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "not a JSON object"));
  g_clear_error (&error);
  g_string_free (deep, TRUE);

  huge = g_strdup_printf ("{\"access_token\":\"oaaX\",\"expires_in\":3600,\"pad\":\"%0*d\"}", 200000, 0);
  creds = refresh_with (ep, huge, &error);
  g_assert_null (creds);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "larger than 65536 bytes"));
  g_clear_error (&error);

  ep->endless = TRUE;
  creds = refresh_with (ep, "", &error);
  g_assert_null (creds);
  g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "larger than 65536 bytes"));
  g_test_message ("endless answer: %s after the server sent %" G_GUINT64_FORMAT " bytes",
                  error->message, ep->endless_sent);
}

/* The whole way: connecting with an endpoint that claims an eternal token
 * gives an ACTIVE account with a sane expiry, and the token is handed out
 * without asking the endpoint again. */
static void
test_connect_with_absurd_lifetime (void)
{
  g_autoptr(Endpoint) ep = endpoint_new ();
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  g_autoptr(HangarOAuthIntegration) integration =
    hangar_oauth_integration_new (ep->url, ep->url, "client-id-1", NULL, "http://127.0.0.1:9/cb", NULL);
  g_autoptr(HangarOAuthFlow) flow = hangar_oauth_flow_new (integration);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  HangarAccount *account;
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;

  ep->token_body = g_strdup ("{\"access_token\":\"oaaETERNALACCESS\",\"refresh_token\":\"oarETERNALREFRESH\","
                             "\"expires_in\":1e30,\"refresh_expires_in\":9223372036854775807}");
  hangar_account_store_connect_oauth_async (store, "eternal", flow, "code-0123456789", NULL, hangar_test_result_cb, &result);
  account = hangar_account_store_connect_oauth_finish (store, hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
  g_assert_cmpint (hangar_account_get_access_expires_at (account), >=, now_s + 86400 - 5);
  g_assert_cmpint (hangar_account_get_access_expires_at (account), <=, now_s + 86400 + 5);
  g_assert_cmpint (hangar_account_get_refresh_expires_at (account), >=, now_s + 366 * 86400 - 5);
  g_assert_cmpint (hangar_account_get_refresh_expires_at (account), <=, now_s + 366 * 86400 + 5);
  g_assert_cmpuint (ep->token_hits, ==, 1);

  g_clear_object (&result);
  hangar_token_source_get_token_async (hangar_account_get_token_source (account), NULL, hangar_test_result_cb, &result);
  token = hangar_token_source_get_token_finish (hangar_account_get_token_source (account),
                                                hangar_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "oaaETERNALACCESS");
  g_assert_cmpuint (ep->token_hits, ==, 1);
  g_assert_cmpint (hangar_account_get_status (account), ==, HANGAR_ACCOUNT_STATUS_ACTIVE);
}

/* Tokens, codes and secrets go over https, or plain http to this machine:
 * settings that say otherwise (a typo, an edited accounts.json) are refused
 * before anything is stored or sent. */
static void
test_unsafe_urls_refused (void)
{
  g_autoptr(HangarAccountStore) store = ta_new_store ();
  const char *urls[] = { "http://example.com", "http://10.1.2.3:8470", "ftp://127.0.0.1:21", "http://[bad" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(HangarOAuthIntegration) integration =
        hangar_oauth_integration_new (urls[i], urls[i], "client-id-1", NULL, "http://127.0.0.1:9/cb", NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarCredentials) creds = NULL;
      g_autoptr(HangarOAuthIdentity) identity = NULL;
      HangarAccount *account;

      hangar_account_store_connect_pat_async (store, "unsafe", urls[i], "patUNSAFE0123456789", NULL,
                                              hangar_test_result_cb, &result);
      account = hangar_account_store_connect_pat_finish (store, hangar_test_wait_result (&result), &error);
      g_assert_null (account);
      g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
      g_test_message ("%s: %s", urls[i], error->message);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
      g_clear_error (&error);
      g_clear_object (&result);

      hangar_oauth_refresh_async (NULL, integration, "oarUNSAFE0123456789", NULL, hangar_test_result_cb, &result);
      creds = hangar_oauth_refresh_finish (hangar_test_wait_result (&result), &error);
      g_assert_null (creds);
      g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
      g_clear_error (&error);
      g_clear_object (&result);

      hangar_oauth_whoami_async (NULL, urls[i], "oaaUNSAFE0123456789", NULL, hangar_test_result_cb, &result);
      identity = hangar_oauth_whoami_finish (hangar_test_wait_result (&result), &error);
      g_assert_null (identity);
      g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
      g_clear_error (&error);

      g_assert_false (hangar_oauth_integration_validate (integration, &error));
      g_assert_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ta_init_environment ();

  g_test_add_func ("/hangar/auth/token-endpoint/lifetimes-clamped", test_lifetimes_clamped);
  g_test_add_func ("/hangar/auth/token-endpoint/lifetimes-refused", test_lifetimes_refused);
  g_test_add_func ("/hangar/auth/token-endpoint/answers-hostile", test_answers_hostile);
  g_test_add_func ("/hangar/auth/token-endpoint/connect-absurd-lifetime", test_connect_with_absurd_lifetime);
  g_test_add_func ("/hangar/auth/token-endpoint/unsafe-urls-refused", test_unsafe_urls_refused);

  return g_test_run ();
}
