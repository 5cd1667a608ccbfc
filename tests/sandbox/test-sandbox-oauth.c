/* test-sandbox-oauth.c — the sandbox's OAuth 2.0 side, through real HTTP
 *
 * Two kinds of tests:
 *  - /hangar/sandbox/oauth/unit/…: the OAuth module behind an in-process
 *    SoupServer (own thread) with a fake core, so TTLs, grace windows and
 *    confidential integrations can be set directly;
 *  - /hangar/sandbox/oauth/…: a real hangar-sandbox process, the API
 *    (whoami, list bases) and the control API included.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "hangar-test-sandbox.h"
#include "sandbox-oauth.h"

#define STATE "state-0123456789abcdef"
#define SCOPES "data.records:read schema.bases:read"

/* ---------------------------------------------------------------------- */
/* HTTP helpers (blocking; tests only)                                     */
/* ---------------------------------------------------------------------- */

typedef struct
{
  guint       status;
  char       *location;
  char       *content_type;
  char       *cache_control;
  char       *body;
  JsonObject *json;
} Reply;

static void
reply_free (Reply *r)
{
  g_free (r->location);
  g_free (r->content_type);
  g_free (r->cache_control);
  g_free (r->body);
  g_clear_pointer (&r->json, json_object_unref);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static Reply *
http (const char *base_url,
      const char *method,
      const char *path_and_query,
      const char *content_type,
      const char *body,
      const char *authorization)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (base_url, path_and_query, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessageHeaders *resp;
  Reply *r = g_new0 (Reply, 1);
  gsize len = 0;
  const char *data;

  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) b = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, b);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  resp = soup_message_get_response_headers (msg);
  r->status = soup_message_get_status (msg);
  r->location = g_strdup (soup_message_headers_get_one (resp, "Location"));
  r->content_type = g_strdup (soup_message_headers_get_content_type (resp, NULL));
  r->cache_control = g_strdup (soup_message_headers_get_one (resp, "Cache-Control"));
  data = g_bytes_get_data (bytes, &len);
  r->body = g_strndup (data != NULL ? data : "", len);
  if (len > 0 && json_parser_load_from_data (parser, r->body, len, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    r->json = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return r;
}

static const char *
json_str (Reply      *r,
          const char *name)
{
  JsonNode *node;

  g_assert_nonnull (r->json);
  node = json_object_get_member (r->json, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
assert_oauth_error (Reply      *r,
                    guint       status,
                    const char *error)
{
  if (r->status != status || r->json == NULL || g_strcmp0 (json_str (r, "error"), error) != 0)
    g_error ("expected %u %s, got %u: %s", status, error, r->status, r->body);
  g_assert_nonnull (json_str (r, "error_description"));
  g_assert_cmpuint (json_object_get_size (r->json), ==, 2);
  g_assert_cmpstr (r->cache_control, ==, "no-store");
}

/* The redirect's query as a table; asserts it goes to @redirect_uri. */
static GHashTable *
redirect_params (Reply      *r,
                 const char *redirect_uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  GHashTable *params;

  if (r->status != 302)
    g_error ("expected a redirect, got %u: %s", r->status, r->body);
  g_assert_nonnull (r->location);
  g_assert_true (g_str_has_prefix (r->location, redirect_uri));
  uri = g_uri_parse (r->location, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, &error);
  g_assert_no_error (error);
  return params;
}

static void
assert_redirect_error (Reply      *r,
                       const char *redirect_uri,
                       const char *error,
                       const char *state)
{
  g_autoptr(GHashTable) params = redirect_params (r, redirect_uri);

  g_assert_cmpstr (g_hash_table_lookup (params, "error"), ==, error);
  g_assert_nonnull (g_hash_table_lookup (params, "error_description"));
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, state);
  g_assert_false (g_hash_table_contains (params, "code"));
  g_assert_cmpuint (g_hash_table_size (params), ==, state != NULL ? 3 : 2);
}

static void
assert_error_page (Reply *r)
{
  g_assert_cmpuint (r->status, ==, 400);
  g_assert_null (r->location);
  g_assert_cmpstr (r->content_type, ==, "text/html");
  g_assert_nonnull (strstr (r->body, "<!DOCTYPE html>"));
}

/* ---------------------------------------------------------------------- */
/* PKCE and authorize URLs                                                 */
/* ---------------------------------------------------------------------- */

typedef struct
{
  char verifier[129];
  char challenge[64];
} Pkce;

static void
pkce_make (Pkce *p,
           guint len)
{
  static const char charset[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize dlen = sizeof digest;
  g_autofree char *b64 = NULL;
  char *c;

  g_assert_cmpuint (len, <=, 128);
  for (guint i = 0; i < len; i++)
    p->verifier[i] = charset[g_random_int_range (0, sizeof charset - 1)];
  p->verifier[len] = '\0';
  g_checksum_update (sum, (const guchar *) p->verifier, len);
  g_checksum_get_digest (sum, digest, &dlen);
  b64 = g_base64_encode (digest, dlen);
  for (c = b64; *c != '\0'; c++)
    {
      if (*c == '+')
        *c = '-';
      else if (*c == '/')
        *c = '_';
      else if (*c == '=')
        *c = '\0';
    }
  g_strlcpy (p->challenge, b64, sizeof p->challenge);
  g_assert_cmpuint (strlen (p->challenge), ==, 43);
}

static void
add_param (GString    *s,
           const char *name,
           const char *value)
{
  g_string_append_c (s, strchr (s->str, '?') != NULL ? '&' : '?');
  g_string_append_uri_escaped (s, name, NULL, FALSE);
  g_string_append_c (s, '=');
  g_string_append_uri_escaped (s, value, NULL, FALSE);
}

/* /oauth2/v1/authorize with the standard parameters; @extra is appended raw. */
static char *
authorize_path (const char *client_id,
                const char *redirect_uri,
                const char *scope,
                const Pkce *pkce,
                const char *extra)
{
  GString *s = g_string_new ("/oauth2/v1/authorize");

  add_param (s, "client_id", client_id);
  add_param (s, "redirect_uri", redirect_uri);
  add_param (s, "response_type", "code");
  add_param (s, "scope", scope);
  add_param (s, "state", STATE);
  add_param (s, "code_challenge", pkce->challenge);
  add_param (s, "code_challenge_method", "S256");
  if (extra != NULL)
    g_string_append (s, extra);
  return g_string_free (s, FALSE);
}

static char *
form (const char *first_name,
      ...)
{
  GString *s = g_string_new (NULL);
  va_list ap;

  va_start (ap, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (ap, const char *))
    {
      const char *value = va_arg (ap, const char *);

      if (value == NULL)
        continue;
      if (s->len > 0)
        g_string_append_c (s, '&');
      g_string_append_uri_escaped (s, name, NULL, FALSE);
      g_string_append_c (s, '=');
      g_string_append_uri_escaped (s, value, NULL, FALSE);
    }
  va_end (ap);
  return g_string_free (s, FALSE);
}

static Reply *
token_post (const char *base_url,
            const char *body,
            const char *authorization)
{
  return http (base_url, "POST", "/oauth2/v1/token", "application/x-www-form-urlencoded", body, authorization);
}

static char *
basic (const char *id,
       const char *secret,
       gboolean    url_safe)
{
  g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
  g_autofree char *b64 = g_base64_encode ((const guchar *) pair, strlen (pair));

  if (url_safe)
    for (char *c = b64; *c != '\0'; c++)
      {
        if (*c == '+')
          *c = '-';
        else if (*c == '/')
          *c = '_';
      }
  return g_strconcat ("Basic ", b64, NULL);
}

/* Authorizes (expecting an immediate redirect) and returns the code. */
static char *
get_code (const char *base_url,
          const char *client_id,
          const char *redirect_uri,
          const char *scope,
          const Pkce *pkce)
{
  g_autofree char *path = authorize_path (client_id, redirect_uri, scope, pkce, NULL);
  g_autoptr(Reply) r = http (base_url, "GET", path, NULL, NULL, NULL);
  g_autoptr(GHashTable) params = redirect_params (r, redirect_uri);

  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, STATE);
  g_assert_nonnull (g_hash_table_lookup (params, "code"));
  /* code and state only */
  g_assert_cmpuint (g_hash_table_size (params), ==, 2);
  return g_strdup (g_hash_table_lookup (params, "code"));
}

static Reply *
exchange (const char *base_url,
          const char *client_id,
          const char *redirect_uri,
          const char *code,
          const char *verifier)
{
  g_autofree char *body = form ("grant_type", "authorization_code", "code", code,
                                "redirect_uri", redirect_uri, "code_verifier", verifier,
                                "client_id", client_id, NULL);

  return token_post (base_url, body, NULL);
}

static Reply *
refresh (const char *base_url,
         const char *client_id,
         const char *refresh_token)
{
  g_autofree char *body = form ("grant_type", "refresh_token", "refresh_token", refresh_token,
                                "client_id", client_id, NULL);

  return token_post (base_url, body, NULL);
}

static void
assert_token_success (Reply      *r,
                      const char *scope,
                      gint64      expires_in,
                      gint64      refresh_expires_in)
{
  if (r->status != 200 || r->json == NULL)
    g_error ("expected tokens, got %u: %s", r->status, r->body);
  g_assert_cmpuint (json_object_get_size (r->json), ==, 6);
  g_assert_nonnull (json_str (r, "access_token"));
  g_assert_nonnull (json_str (r, "refresh_token"));
  g_assert_false (g_str_has_prefix (json_str (r, "access_token"), "pat"));
  g_assert_cmpstr (json_str (r, "access_token"), !=, json_str (r, "refresh_token"));
  g_assert_cmpstr (json_str (r, "token_type"), ==, "Bearer");
  g_assert_cmpstr (json_str (r, "scope"), ==, scope);
  g_assert_cmpint (json_object_get_int_member (r->json, "expires_in"), ==, expires_in);
  g_assert_cmpint (json_object_get_int_member (r->json, "refresh_expires_in"), ==, refresh_expires_in);
  g_assert_cmpstr (r->cache_control, ==, "no-store");
}

/* ---------------------------------------------------------------------- */
/* In-process harness                                                      */
/* ---------------------------------------------------------------------- */

#define REDIRECT "http://localhost:4000/airtable-oauth"
#define INTEGRATION_NAME "Demo <b>&amp; \"App\""

static const SandboxOAuthUser fake_users[] = {
  { "usrAda0000000001", "ada@example.com", "Ada Lovelace" },
  { "usrGrace00000002", "grace@example.com", "Grace Hopper" },
};

static const SandboxOAuthBase fake_bases[] = {
  { "appRoadmap000001", "Product roadmap", "Product" },
  { "appContent000002", "Content calendar", "Marketing" },
  { "appHiring0000003", "Hiring <pipeline>", "Product" },
  { "appNavy0000000004", "Navy compilers", "Research" },
};

static GPtrArray *
fake_list_users (gpointer core)
{
  GPtrArray *users = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fake_users); i++)
    g_ptr_array_add (users, (gpointer) &fake_users[i]);
  return users;
}

static GPtrArray *
fake_list_user_bases (gpointer    core,
                      const char *user_id)
{
  GPtrArray *bases = g_ptr_array_new ();

  if (g_str_equal (user_id, fake_users[0].id))
    for (guint i = 0; i < 3; i++)
      g_ptr_array_add (bases, (gpointer) &fake_bases[i]);
  else if (g_str_equal (user_id, fake_users[1].id))
    g_ptr_array_add (bases, (gpointer) &fake_bases[3]);
  return bases;
}

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SandboxOAuth *oauth;
  GMutex        lock;
  GCond         ready_cond;
  gboolean      ready;
  char         *url;
  guint         changed;
  const char   *client_id;     /* public */
  const char   *secret_id;     /* confidential, secret SECRET */
  const char   *narrow_id;     /* public, data.records:read only */
} Harness;

#define SECRET "s3cr3t\?\?\?\?\?>>>>>~x"

static void
fake_changed (gpointer core)
{
  Harness *h = core;

  h->changed++;
}

static void
harness_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Harness *h = user_data;
  gboolean handled;

  g_mutex_lock (&h->lock);
  handled = sandbox_oauth_handle (h->oauth, msg, path, query);
  g_mutex_unlock (&h->lock);
  if (!handled)
    soup_server_message_set_status (msg, 404, NULL);
}

static gpointer
harness_thread (gpointer data)
{
  Harness *h = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (h->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, harness_handler, h, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_mutex_lock (&h->lock);
  h->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  h->ready = TRUE;
  g_cond_signal (&h->ready_cond);
  g_mutex_unlock (&h->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (h->loop);
  soup_server_disconnect (server);
  g_clear_object (&server);
  while (g_main_context_iteration (h->context, FALSE))
    ;
  g_main_context_pop_thread_default (h->context);
  return NULL;
}

static Harness *
harness_new (const SandboxOAuthConfig *config)
{
  static const char * const redirects[] = { REDIRECT, "http://127.0.0.1:4001/cb?x=1", NULL };
  static const char * const all_scopes[] = {
    "data.records:read", "data.records:write", "schema.bases:read", "user.email:read",
    "enterprise.auditLogs:read", NULL
  };
  static const char * const narrow[] = { "data.records:read", NULL };
  SandboxOAuthCoreFuncs funcs = { fake_list_users, fake_list_user_bases, fake_changed };
  Harness *h = g_new0 (Harness, 1);

  g_mutex_init (&h->lock);
  g_cond_init (&h->ready_cond);
  h->oauth = sandbox_oauth_new (config, &funcs, h);
  h->client_id = sandbox_oauth_add_integration (h->oauth, INTEGRATION_NAME, redirects, all_scopes, NULL);
  h->secret_id = sandbox_oauth_add_integration (h->oauth, "Confidential", redirects, all_scopes, SECRET);
  h->narrow_id = sandbox_oauth_add_integration (h->oauth, "Narrow", redirects, narrow, NULL);
  g_assert_cmpstr (h->client_id, !=, h->secret_id);
  h->context = g_main_context_new ();
  h->loop = g_main_loop_new (h->context, FALSE);
  h->thread = g_thread_new ("oauth-harness", harness_thread, h);
  g_mutex_lock (&h->lock);
  while (!h->ready)
    g_cond_wait (&h->ready_cond, &h->lock);
  g_mutex_unlock (&h->lock);
  return h;
}

static void
harness_free (Harness *h)
{
  g_main_loop_quit (h->loop);
  g_thread_join (h->thread);
  g_main_loop_unref (h->loop);
  g_main_context_unref (h->context);
  sandbox_oauth_free (h->oauth);
  g_mutex_clear (&h->lock);
  g_cond_clear (&h->ready_cond);
  g_free (h->url);
  g_free (h);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Harness, harness_free)

static SandboxOAuthTokenInfo *
harness_lookup (Harness    *h,
                const char *token)
{
  SandboxOAuthTokenInfo *info;

  g_mutex_lock (&h->lock);
  info = sandbox_oauth_lookup_access_token (h->oauth, token);
  g_mutex_unlock (&h->lock);
  return info;
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandboxOAuthTokenInfo, sandbox_oauth_token_info_free)

static Harness *
harness_auto (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE };

  return harness_new (&config);
}

/* ---------------------------------------------------------------------- */
/* Unit: authorize validation                                              */
/* ---------------------------------------------------------------------- */

static void
test_unit_authorize_no_redirect (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  struct { const char *client_id; const char *redirect; const char *extra; } cases[] = {
    { "nope", REDIRECT, NULL },                                       /* unknown client */
    { NULL, REDIRECT, NULL },                                         /* set below: own id */
    { NULL, "http://localhost:4000/other", NULL },                    /* unregistered */
    { NULL, "http://localhost:4001/airtable-oauth", NULL },           /* port differs */
    { NULL, REDIRECT "/", NULL },                                     /* not exact */
    { NULL, REDIRECT, "&redirect_uri=" REDIRECT },                    /* repeated */
    { NULL, REDIRECT, "&client_id=x" },                               /* repeated */
  };

  pkce_make (&pkce, 64);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(Reply) r = NULL;

      if (i == 1)
        continue;
      path = authorize_path (cases[i].client_id != NULL ? cases[i].client_id : h->client_id,
                             cases[i].redirect, SCOPES, &pkce, cases[i].extra);
      r = http (h->url, "GET", path, NULL, NULL, NULL);
      assert_error_page (r);
    }

  /* No client_id at all */
  {
    g_autoptr(Reply) r = http (h->url, "GET", "/oauth2/v1/authorize?redirect_uri=" REDIRECT, NULL, NULL, NULL);

    assert_error_page (r);
  }
}

static void
test_unit_authorize_redirect_errors (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  g_autofree char *e_id = NULL;
  g_autofree char *e_ch = NULL;
  struct { const char *query; const char *error; const char *state; } cases[] = {
    /* response_type */
    { "response_type=token&scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "unsupported_response_type", STATE },
    { "scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_request", STATE },
    /* scope */
    { "response_type=code&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=data.records:read+data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=data.records:read++schema.bases:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=data.records:delete&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=webhook:manage&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    { "response_type=code&scope=enterprise.auditLogs:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_scope", STATE },
    /* state */
    { "response_type=code&scope=data.records:read&code_challenge=CH&code_challenge_method=S256", "invalid_request", NULL },
    { "response_type=code&scope=data.records:read&state=short&code_challenge=CH&code_challenge_method=S256", "invalid_request", "short" },
    { "response_type=code&scope=data.records:read&state=has%20a%20space%2Fslash-xx&code_challenge=CH&code_challenge_method=S256", "invalid_request", "has a space/slash-xx" },
    { "response_type=code&scope=data.records:read&state=" STATE "&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_request", NULL },
    /* PKCE */
    { "response_type=code&scope=data.records:read&state=" STATE "&code_challenge_method=S256", "invalid_request", STATE },
    { "response_type=code&scope=data.records:read&state=" STATE "&code_challenge=tooshort&code_challenge_method=S256", "invalid_request", STATE },
    { "response_type=code&scope=data.records:read&state=" STATE "&code_challenge=CH", "invalid_request", STATE },
    { "response_type=code&scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=plain", "invalid_request", STATE },
    /* repeated parameter */
    { "response_type=code&scope=data.records:read&scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_request", STATE },
    { "response_type=code&response_type=code&scope=data.records:read&state=" STATE "&code_challenge=CH&code_challenge_method=S256", "invalid_request", STATE },
  };

  pkce_make (&pkce, 43);
  e_id = g_uri_escape_string (h->client_id, NULL, FALSE);
  e_ch = g_strdup (pkce.challenge);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *q = NULL;
      g_autofree char *path = NULL;
      g_autoptr(Reply) r = NULL;
      g_auto(GStrv) parts = g_strsplit (cases[i].query, "=CH", -1);
      g_autofree char *sep = g_strconcat ("=", e_ch, NULL);

      q = g_strjoinv (sep, parts);
      path = g_strdup_printf ("/oauth2/v1/authorize?client_id=%s&redirect_uri=%s&%s",
                              e_id, "http%3A%2F%2Flocalhost%3A4000%2Fairtable-oauth", q);
      r = http (h->url, "GET", path, NULL, NULL, NULL);
      g_test_message ("case %u: %s", i, cases[i].query);
      assert_redirect_error (r, REDIRECT, cases[i].error, cases[i].state);
    }

  /* A scope the integration has not enabled */
  {
    g_autofree char *path = authorize_path (h->narrow_id, REDIRECT, SCOPES, &pkce, NULL);
    g_autoptr(Reply) r = http (h->url, "GET", path, NULL, NULL, NULL);

    assert_redirect_error (r, REDIRECT, "invalid_scope", STATE);
  }
}

static void
test_unit_authorize_accepts (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  g_autofree char *e_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *state = g_strnfill (1024, 'a');

  pkce_make (&pkce, 43);
  e_id = g_uri_escape_string (h->client_id, NULL, FALSE);

  /* '+' between scopes (URLSearchParams style), a 1024-char state, and a
   * redirect URI that has its own query. */
  path = g_strdup_printf ("/oauth2/v1/authorize?client_id=%s&redirect_uri=%s&response_type=code"
                          "&scope=data.records:read+user.email:read&state=%s&code_challenge=%s"
                          "&code_challenge_method=S256",
                          e_id, "http%3A%2F%2F127.0.0.1%3A4001%2Fcb%3Fx%3D1", state, pkce.challenge);
  r = http (h->url, "GET", path, NULL, NULL, NULL);
  params = redirect_params (r, "http://127.0.0.1:4001/cb?x=1&");
  g_assert_cmpstr (g_hash_table_lookup (params, "x"), ==, "1");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, state);
  g_assert_nonnull (g_hash_table_lookup (params, "code"));
  g_assert_false (g_hash_table_contains (params, "code_challenge"));
}

/* ---------------------------------------------------------------------- */
/* Unit: token endpoint                                                    */
/* ---------------------------------------------------------------------- */

static void
test_unit_token_errors (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  guint64 before;

  pkce_make (&pkce, 64);
  code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
  body = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
               "code_verifier", pkce.verifier, "client_id", h->client_id, NULL);
  before = sandbox_oauth_get_token_request_count (h->oauth);

  /* Content types other than form encoding */
  {
    g_autoptr(Reply) r = http (h->url, "POST", "/oauth2/v1/token", "application/json",
                               "{\"grant_type\":\"authorization_code\"}", NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
  {
    g_autoptr(Reply) r = http (h->url, "POST", "/oauth2/v1/token", "text/plain", body, NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
  /* Repeated parameters */
  {
    g_autofree char *dup = g_strconcat (body, "&client_id=", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, dup, NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
  /* Unsupported and missing grant types */
  {
    g_autofree char *b = form ("grant_type", "client_credentials", "client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "unsupported_grant_type");
  }
  {
    g_autofree char *b = form ("client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
  /* Client identification */
  {
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "client_id", "unknown", NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 401, "invalid_client");
  }
  /* Basic auth is forbidden for a public integration */
  {
    g_autofree char *auth = basic (h->client_id, "anything", FALSE);
    g_autoptr(Reply) r = token_post (h->url, body, auth);
    assert_oauth_error (r, 401, "invalid_client");
  }
  /* Wrong method, unknown route */
  {
    g_autoptr(Reply) r = http (h->url, "GET", "/oauth2/v1/token", NULL, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 405);
  }
  {
    g_autoptr(Reply) r = http (h->url, "GET", "/oauth2/v1/nope", NULL, NULL, NULL);
    g_assert_cmpuint (r->status, ==, 404);
  }

  /* None of the above consumed the code. */
  {
    g_autoptr(Reply) r = token_post (h->url, body, NULL);
    assert_token_success (r, SCOPES, 3600, 5184000);
  }
  g_assert_cmpuint (sandbox_oauth_get_token_request_count (h->oauth), ==, before + 9);
  g_assert_cmpuint (sandbox_oauth_get_exchange_count (h->oauth), ==, 1);
}

static void
test_unit_pkce_and_code_rules (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce, other;

  pkce_make (&pkce, 128);
  pkce_make (&other, 128);

  /* Wrong verifier: invalid_grant, and the code is gone even though the
   * exchange failed. */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autoptr(Reply) r1 = exchange (h->url, h->client_id, REDIRECT, code, other.verifier);
    g_autoptr(Reply) r2 = NULL;

    assert_oauth_error (r1, 400, "invalid_grant");
    r2 = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
    assert_oauth_error (r2, 400, "invalid_grant");
  }
  /* Reuse of a successful code */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autoptr(Reply) r1 = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
    g_autoptr(Reply) r2 = NULL;

    assert_token_success (r1, SCOPES, 3600, 5184000);
    r2 = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
    assert_oauth_error (r2, 400, "invalid_grant");
  }
  /* Verifier too short, too long for the charset, wrong charset */
  {
    const char *bad[] = { "abc", "has~tilde~which~airtable~does~not~allow~0123456789", NULL };

    for (guint i = 0; bad[i] != NULL; i++)
      {
        g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
        g_autoptr(Reply) r = exchange (h->url, h->client_id, REDIRECT, code, bad[i]);

        assert_oauth_error (r, 400, "invalid_grant");
      }
  }
  /* redirect_uri differs or is missing */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autoptr(Reply) r = exchange (h->url, h->client_id, "http://127.0.0.1:4001/cb?x=1", code, pkce.verifier);

    assert_oauth_error (r, 400, "invalid_grant");
  }
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code,
                               "code_verifier", pkce.verifier, "client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);

    assert_oauth_error (r, 400, "invalid_grant");
  }
  /* client_id differs (another registered public client) */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, "data.records:read", &pkce);
    g_autoptr(Reply) r = exchange (h->url, h->narrow_id, REDIRECT, code, pkce.verifier);

    assert_oauth_error (r, 400, "invalid_grant");
  }
  /* Unknown code */
  {
    g_autoptr(Reply) r = exchange (h->url, h->client_id, REDIRECT, "oacmadeup", pkce.verifier);

    assert_oauth_error (r, 400, "invalid_grant");
  }
  /* An extra code_challenge_method in the body is ignored */
  {
    g_autofree char *code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, "client_id", h->client_id,
                               "code_challenge_method", "S256", NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);

    assert_token_success (r, SCOPES, 3600, 5184000);
  }
}

static void
test_unit_code_expiry (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .code_ttl_s = 1 };
  g_autoptr(Harness) h = harness_new (&config);
  Pkce pkce;
  g_autofree char *code = NULL;
  g_autoptr(Reply) r = NULL;

  pkce_make (&pkce, 50);
  code = get_code (h->url, h->client_id, REDIRECT, SCOPES, &pkce);
  g_usleep (1200 * 1000);
  r = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
  assert_oauth_error (r, 400, "invalid_grant");
}

static void
test_unit_basic_auth (void)
{
  g_autoptr(Harness) h = harness_auto ();
  Pkce pkce;
  g_autofree char *std_auth = basic (h->secret_id, SECRET, FALSE);
  g_autofree char *url_auth = basic (h->secret_id, SECRET, TRUE);
  g_autofree char *bad_auth = basic (h->secret_id, "wrong", FALSE);
  g_autofree char *code = NULL;

  /* The secret was chosen so the encodings really differ. */
  g_assert_cmpstr (std_auth, !=, url_auth);
  pkce_make (&pkce, 60);

  code = get_code (h->url, h->secret_id, REDIRECT, SCOPES, &pkce);
  {
    /* Required: body client_id alone is not enough */
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, "client_id", h->secret_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, bad_auth);
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    g_autoptr(Reply) r = token_post (h->url, "grant_type=authorization_code&code=x", "Basic !!notbase64!!");
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    /* Body client_id must match the header */
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, "client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, std_auth);
    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    /* Standard base64, body client_id matching */
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, "client_id", h->secret_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, std_auth);
    assert_token_success (r, SCOPES, 3600, 5184000);
  }
  {
    /* URL-safe base64, no body client_id; then a refresh the same way */
    g_autofree char *code2 = get_code (h->url, h->secret_id, REDIRECT, SCOPES, &pkce);
    g_autofree char *b = form ("grant_type", "authorization_code", "code", code2, "redirect_uri", REDIRECT,
                               "code_verifier", pkce.verifier, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, url_auth);
    g_autofree char *rb = NULL;
    g_autoptr(Reply) r2 = NULL;

    assert_token_success (r, SCOPES, 3600, 5184000);
    rb = form ("grant_type", "refresh_token", "refresh_token", json_str (r, "refresh_token"), NULL);
    r2 = token_post (h->url, rb, NULL);
    assert_oauth_error (r2, 401, "invalid_client");
    g_clear_pointer (&r2, reply_free);
    r2 = token_post (h->url, rb, std_auth);
    assert_token_success (r2, SCOPES, 3600, 5184000);
  }
}

/* ---------------------------------------------------------------------- */
/* Unit: refresh                                                           */
/* ---------------------------------------------------------------------- */

static Reply *
harness_tokens (Harness    *h,
                const char *scope)
{
  Pkce pkce;
  g_autofree char *code = NULL;
  Reply *r;

  pkce_make (&pkce, 80);
  code = get_code (h->url, h->client_id, REDIRECT, scope, &pkce);
  r = exchange (h->url, h->client_id, REDIRECT, code, pkce.verifier);
  assert_token_success (r, scope, json_object_get_int_member (r->json, "expires_in"),
                        json_object_get_int_member (r->json, "refresh_expires_in"));
  return r;
}

static void
test_unit_refresh_rotation (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .access_ttl_s = 120, .refresh_ttl_s = 900,
                                .refresh_grace_ms = 60000 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(Reply) t3 = NULL;
  g_autoptr(Reply) dup = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info1 = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info2 = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info3 = NULL;
  guint changed_before;

  g_assert_cmpint (json_object_get_int_member (t1->json, "expires_in"), ==, 120);
  g_assert_cmpint (json_object_get_int_member (t1->json, "refresh_expires_in"), ==, 900);
  info1 = harness_lookup (h, json_str (t1, "access_token"));
  g_assert_nonnull (info1);
  g_assert_cmpstr (info1->user_id, ==, fake_users[0].id);
  g_assert_cmpstr (info1->client_id, ==, h->client_id);
  g_assert_cmpuint (g_strv_length (info1->base_ids), ==, 3);
  g_clear_pointer (&info1, sandbox_oauth_token_info_free);

  changed_before = h->changed;
  t2 = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 120, 900);
  g_assert_cmpuint (h->changed, >, changed_before);
  g_assert_cmpuint (sandbox_oauth_get_refresh_count (h->oauth), ==, 1);

  /* The old access token is dead at once, the new one works. */
  info1 = harness_lookup (h, json_str (t1, "access_token"));
  g_assert_null (info1);
  info2 = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_nonnull (info2);

  /* A duplicate within the grace window: 409, and nothing is revoked. */
  dup = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  g_assert_cmpuint (dup->status, ==, 409);
  g_assert_cmpstr (json_str (dup, "error"), ==, "conflict");
  g_assert_nonnull (json_str (dup, "error_description"));
  g_clear_pointer (&info2, sandbox_oauth_token_info_free);
  info2 = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_nonnull (info2);

  t3 = refresh (h->url, h->client_id, json_str (t2, "refresh_token"));
  assert_token_success (t3, SCOPES, 120, 900);
  info3 = harness_lookup (h, json_str (t3, "access_token"));
  g_assert_nonnull (info3);
  g_assert_cmpuint (sandbox_oauth_get_refresh_count (h->oauth), ==, 2);

  /* Another client cannot use the refresh token. */
  {
    g_autoptr(Reply) r = refresh (h->url, h->narrow_id, json_str (t3, "refresh_token"));
    assert_oauth_error (r, 400, "invalid_grant");
  }
  /* Garbage refresh token */
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, "oarnothing");
    assert_oauth_error (r, 400, "invalid_grant");
  }
  {
    g_autofree char *b = form ("grant_type", "refresh_token", "client_id", h->client_id, NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "invalid_request");
  }
}

static void
test_unit_refresh_reuse (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .refresh_grace_ms = 50 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(Reply) reuse = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;

  t2 = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 3600, 5184000);
  g_usleep (200 * 1000);

  /* Reuse after the grace window: invalid_grant, and the whole grant dies. */
  reuse = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_oauth_error (reuse, 400, "invalid_grant");
  info = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_null (info);
  after = refresh (h->url, h->client_id, json_str (t2, "refresh_token"));
  assert_oauth_error (after, 400, "invalid_grant");
}

static void
test_unit_refresh_abuse (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .refresh_grace_ms = 60000, .refresh_abuse_per_s = 3 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;

  t2 = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 3600, 5184000);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Reply) dup = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
      g_assert_cmpuint (dup->status, ==, 409);
    }
  /* The fourth request within a second goes over the limit of 3. */
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
    g_autoptr(Reply) r2 = refresh (h->url, h->client_id, json_str (t2, "refresh_token"));

    assert_oauth_error (r, 400, "invalid_grant");
    assert_oauth_error (r2, 400, "invalid_grant");
  }
  info = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_null (info);
}

static void
test_unit_refresh_chain (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .refresh_abuse_per_s = 3 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t = harness_tokens (h, SCOPES);

  /* Sequential rotations are not abuse, however quick. */
  for (guint i = 0; i < 8; i++)
    {
      Reply *next = refresh (h->url, h->client_id, json_str (t, "refresh_token"));

      assert_token_success (next, SCOPES, 3600, 5184000);
      reply_free (t);
      t = next;
    }
}

static void
test_unit_refresh_expiry (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .refresh_ttl_s = 1 };
  g_autoptr(Harness) h = harness_new (&config);
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);

  g_assert_cmpint (json_object_get_int_member (t1->json, "refresh_expires_in"), ==, 1);
  g_usleep (1200 * 1000);
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
    assert_oauth_error (r, 400, "invalid_grant");
  }
}

static void
test_unit_refresh_scope (void)
{
  g_autoptr(Harness) h = harness_auto ();
  g_autoptr(Reply) t1 = harness_tokens (h, "data.records:read data.records:write user.email:read");
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;

  /* A scope outside the grant, and a malformed one */
  {
    g_autofree char *b = form ("grant_type", "refresh_token", "refresh_token", json_str (t1, "refresh_token"),
                               "client_id", h->client_id, "scope", "schema.bases:read", NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "invalid_scope");
  }
  {
    g_autofree char *b = form ("grant_type", "refresh_token", "refresh_token", json_str (t1, "refresh_token"),
                               "client_id", h->client_id, "scope", "", NULL);
    g_autoptr(Reply) r = token_post (h->url, b, NULL);
    assert_oauth_error (r, 400, "invalid_scope");
  }
  /* A subset: the new access token has exactly that scope */
  {
    g_autofree char *b = form ("grant_type", "refresh_token", "refresh_token", json_str (t1, "refresh_token"),
                               "client_id", h->client_id, "scope", "data.records:read", NULL);

    t2 = token_post (h->url, b, NULL);
    assert_token_success (t2, "data.records:read", 3600, 5184000);
  }
  info = harness_lookup (h, json_str (t2, "access_token"));
  g_assert_nonnull (info);
  g_assert_cmpuint (g_strv_length (info->scopes), ==, 1);
  g_assert_cmpstr (info->scopes[0], ==, "data.records:read");

  /* The next refresh without a scope gets the grant's full scope back. */
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, json_str (t2, "refresh_token"));
    assert_token_success (r, "data.records:read data.records:write user.email:read", 3600, 5184000);
  }
}

/* ---------------------------------------------------------------------- */
/* Unit: control operations and persistence                                */
/* ---------------------------------------------------------------------- */

static void
test_unit_control_operations (void)
{
  g_autoptr(Harness) h = harness_auto ();
  g_autoptr(Reply) a = harness_tokens (h, SCOPES);
  g_autoptr(Reply) b = harness_tokens (h, SCOPES);
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;
  guint n;

  /* Remove one base from every grant of the user */
  g_mutex_lock (&h->lock);
  n = sandbox_oauth_remove_base (h->oauth, fake_users[0].id, "appContent000002");
  g_mutex_unlock (&h->lock);
  g_assert_cmpuint (n, ==, 2);
  info = harness_lookup (h, json_str (a, "access_token"));
  g_assert_nonnull (info);
  g_assert_cmpuint (g_strv_length (info->base_ids), ==, 2);
  g_assert_false (g_strv_contains ((const char * const *) info->base_ids, "appContent000002"));
  g_clear_pointer (&info, sandbox_oauth_token_info_free);

  /* Expire access tokens: lookups fail, refresh still works */
  g_mutex_lock (&h->lock);
  n = sandbox_oauth_expire_access_tokens (h->oauth, NULL);
  g_mutex_unlock (&h->lock);
  g_assert_cmpuint (n, ==, 2);
  info = harness_lookup (h, json_str (a, "access_token"));
  g_assert_null (info);
  {
    g_autoptr(Reply) r = refresh (h->url, h->client_id, json_str (a, "refresh_token"));
    assert_token_success (r, SCOPES, 3600, 5184000);

    /* Revoke the user: every token of every grant dies */
    g_mutex_lock (&h->lock);
    n = sandbox_oauth_revoke_user (h->oauth, fake_users[0].id);
    g_mutex_unlock (&h->lock);
    g_assert_cmpuint (n, ==, 2);
    info = harness_lookup (h, json_str (r, "access_token"));
    g_assert_null (info);
    {
      g_autoptr(Reply) r2 = refresh (h->url, h->client_id, json_str (r, "refresh_token"));
      g_autoptr(Reply) r3 = refresh (h->url, h->client_id, json_str (b, "refresh_token"));

      assert_oauth_error (r2, 400, "invalid_grant");
      assert_oauth_error (r3, 400, "invalid_grant");
    }
  }
  g_mutex_lock (&h->lock);
  n = sandbox_oauth_revoke_user (h->oauth, NULL);
  g_mutex_unlock (&h->lock);
  g_assert_cmpuint (n, ==, 0);
}

static void
test_unit_persistence (void)
{
  g_autoptr(Harness) h = harness_auto ();
  g_autoptr(Reply) t1 = harness_tokens (h, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SandboxOAuthTokenInfo) info = NULL;
  SandboxOAuthCoreFuncs funcs = { fake_list_users, fake_list_user_bases, NULL };
  static const char * const redirects[] = { REDIRECT, NULL };
  SandboxOAuth *fresh;
  const char *fresh_id;

  /* Rotate once so the state has a rotated token too. */
  t2 = refresh (h->url, h->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 3600, 5184000);

  g_mutex_lock (&h->lock);
  state = sandbox_oauth_serialize (h->oauth);
  g_mutex_unlock (&h->lock);
  json_generator_set_root (gen, state);
  text = json_generator_to_data (gen, NULL);

  /* No usable credential in the state */
  g_assert_null (strstr (text, json_str (t1, "access_token")));
  g_assert_null (strstr (text, json_str (t2, "access_token")));
  g_assert_null (strstr (text, json_str (t2, "refresh_token")));
  g_assert_null (strstr (text, SECRET));

  /* A new instance (as after a restart) that registers the same
   * integration first and loads the state afterwards. */
  fresh = sandbox_oauth_new (NULL, &funcs, NULL);
  fresh_id = sandbox_oauth_add_integration (fresh, INTEGRATION_NAME, redirects, NULL, NULL);
  g_assert_cmpstr (fresh_id, !=, h->client_id);
  g_assert_true (sandbox_oauth_deserialize (fresh, state, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fresh_id, ==, h->client_id);

  info = sandbox_oauth_lookup_access_token (fresh, json_str (t2, "access_token"));
  g_assert_nonnull (info);
  g_assert_cmpstr (info->client_id, ==, h->client_id);
  g_assert_cmpuint (g_strv_length (info->base_ids), ==, 3);
  g_clear_pointer (&info, sandbox_oauth_token_info_free);
  info = sandbox_oauth_lookup_access_token (fresh, json_str (t1, "access_token"));
  g_assert_null (info);

  /* Garbage states are refused without touching the live state. */
  {
    const char *bad[] = { "[]", "{\"version\":1}", "{\"version\":99,\"integrations\":[],\"grants\":[],\"codes\":[]}",
                          "{\"version\":1,\"integrations\":[],\"grants\":[{\"id\":1}],\"codes\":[]}", NULL };

    for (guint i = 0; bad[i] != NULL; i++)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        g_autoptr(GError) e = NULL;

        g_assert_true (json_parser_load_from_data (parser, bad[i], -1, NULL));
        g_assert_false (sandbox_oauth_deserialize (fresh, json_parser_get_root (parser), &e));
        g_assert_nonnull (e);
      }
  }
  info = sandbox_oauth_lookup_access_token (fresh, json_str (t2, "access_token"));
  g_assert_nonnull (info);
  sandbox_oauth_free (fresh);
}

/* ---------------------------------------------------------------------- */
/* Unit: consent page                                                      */
/* ---------------------------------------------------------------------- */

static char *
extract_form_token (const char *html)
{
  const char *marker = "name=\"form_token\" value=\"";
  const char *p = strstr (html, marker);
  const char *end;

  g_assert_nonnull (p);
  p += strlen (marker);
  end = strchr (p, '"');
  g_assert_nonnull (end);
  return g_strndup (p, end - p);
}

static gboolean
has_base_checkbox (const char *html,
                   const char *base_id)
{
  g_autofree char *needle = g_strdup_printf ("type=\"checkbox\" name=\"base\" value=\"%s\"", base_id);

  return strstr (html, needle) != NULL;
}

static guint
count_str (const char *hay,
           const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (hay, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static Reply *
decide (const char *base_url,
        const char *body)
{
  return http (base_url, "POST", "/oauth2/v1/authorize/decision",
               "application/x-www-form-urlencoded", body, NULL);
}

static void
test_unit_consent (void)
{
  g_autoptr(Harness) h = harness_new (NULL);
  Pkce pkce;
  g_autofree char *path = NULL;
  g_autoptr(Reply) page = NULL;
  g_autofree char *token = NULL;

  pkce_make (&pkce, 70);
  path = authorize_path (h->client_id, REDIRECT, SCOPES, &pkce, NULL);
  page = http (h->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (page->content_type, ==, "text/html");
  /* Name escaped, scopes in words, one checkbox per base of the default
   * user, the account selector, both buttons, no scripts or remote files. */
  g_assert_nonnull (strstr (page->body, "Demo &lt;b&gt;&amp;amp; &quot;App&quot;"));
  g_assert_null (strstr (page->body, "<b>&amp;"));
  g_assert_nonnull (strstr (page->body, "See the data in records"));
  g_assert_nonnull (strstr (page->body, "See the structure of bases"));
  g_assert_true (has_base_checkbox (page->body, "appRoadmap000001"));
  g_assert_true (has_base_checkbox (page->body, "appContent000002"));
  g_assert_true (has_base_checkbox (page->body, "appHiring0000003"));
  g_assert_false (has_base_checkbox (page->body, "appNavy0000000004"));
  g_assert_cmpuint (count_str (page->body, "type=\"checkbox\""), ==, 3);
  g_assert_nonnull (strstr (page->body, "Hiring &lt;pipeline&gt;"));
  g_assert_cmpuint (count_str (page->body, "<legend>"), ==, 2); /* Product, Marketing */
  g_assert_nonnull (strstr (page->body, "Signed in as"));
  g_assert_nonnull (strstr (page->body, "<option value=\"usrAda0000000001\" selected>"));
  g_assert_nonnull (strstr (page->body, "value=\"grant\""));
  g_assert_nonnull (strstr (page->body, "value=\"cancel\""));
  g_assert_nonnull (strstr (page->body, "action=\"/oauth2/v1/authorize/decision\""));
  g_assert_null (strstr (page->body, "<script"));
  g_assert_null (strstr (page->body, "src="));
  token = extract_form_token (page->body);
  g_assert_cmpuint (strlen (token), >=, 32);

  /* Grant with nothing ticked: the page comes back with a message and a
   * new token; the old token is spent. */
  {
    g_autofree char *b = form ("form_token", token, "user", fake_users[0].id, "action", "grant", NULL);
    g_autoptr(Reply) r = decide (h->url, b);
    g_autofree char *again = NULL;
    g_autoptr(Reply) r2 = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_nonnull (strstr (r->body, "Choose at least one base"));
    r2 = decide (h->url, b);
    assert_error_page (r2);
    again = extract_form_token (r->body);
    g_assert_cmpstr (again, !=, token);
    g_free (token);
    token = g_steal_pointer (&again);
  }

  /* Switch account: the other user's bases */
  {
    g_autofree char *b = form ("form_token", token, "user", fake_users[1].id, "action", "switch", NULL);
    g_autoptr(Reply) r = decide (h->url, b);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (has_base_checkbox (r->body, "appNavy0000000004"));
    g_assert_false (has_base_checkbox (r->body, "appRoadmap000001"));
    g_assert_nonnull (strstr (r->body, "<option value=\"usrGrace00000002\" selected>"));
    g_free (token);
    token = extract_form_token (r->body);
  }

  /* A base of another account is refused (page again) */
  {
    g_autofree char *b = form ("form_token", token, "user", fake_users[1].id, "base", "appRoadmap000001",
                               "action", "grant", NULL);
    g_autoptr(Reply) r = decide (h->url, b);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_nonnull (strstr (r->body, "not available"));
    g_free (token);
    token = extract_form_token (r->body);
  }

  /* Grant one base: a code and the state only; its token has that base. */
  {
    g_autofree char *b = form ("form_token", token, "user", fake_users[1].id, "base", "appNavy0000000004",
                               "action", "grant", NULL);
    g_autoptr(Reply) r = decide (h->url, b);
    g_autoptr(GHashTable) params = redirect_params (r, REDIRECT);
    g_autoptr(Reply) t = NULL;
    g_autoptr(SandboxOAuthTokenInfo) info = NULL;

    g_assert_cmpuint (g_hash_table_size (params), ==, 2);
    g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, STATE);
    t = exchange (h->url, h->client_id, REDIRECT, g_hash_table_lookup (params, "code"), pkce.verifier);
    assert_token_success (t, SCOPES, 3600, 5184000);
    info = harness_lookup (h, json_str (t, "access_token"));
    g_assert_nonnull (info);
    g_assert_cmpstr (info->user_id, ==, fake_users[1].id);
    g_assert_cmpuint (g_strv_length (info->base_ids), ==, 1);
    g_assert_cmpstr (info->base_ids[0], ==, "appNavy0000000004");

    /* The token of a decided request is spent. */
    {
      g_autoptr(Reply) r2 = decide (h->url, b);
      assert_error_page (r2);
    }
  }

  /* Cancel: access_denied with the state */
  {
    g_autoptr(Reply) p = http (h->url, "GET", path, NULL, NULL, NULL);
    g_autofree char *t = extract_form_token (p->body);
    g_autofree char *b = form ("form_token", t, "action", "cancel", NULL);
    g_autoptr(Reply) r = decide (h->url, b);

    assert_redirect_error (r, REDIRECT, "access_denied", STATE);
  }

  /* Forged or missing tokens, wrong content type */
  {
    g_autoptr(Reply) r1 = decide (h->url, "form_token=forged&action=grant&base=appRoadmap000001");
    g_autoptr(Reply) r2 = decide (h->url, "action=grant");
    g_autoptr(Reply) r3 = http (h->url, "POST", "/oauth2/v1/authorize/decision", "application/json", "{}", NULL);
    g_autoptr(Reply) r4 = http (h->url, "GET", "/oauth2/v1/authorize/decision", NULL, NULL, NULL);

    assert_error_page (r1);
    assert_error_page (r2);
    assert_error_page (r3);
    g_assert_cmpuint (r4->status, ==, 405);
  }
}

static void
test_unit_auto_deny (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE, .auto_deny = TRUE };
  g_autoptr(Harness) h = harness_new (&config);
  Pkce pkce;
  g_autofree char *path = NULL;
  g_autoptr(Reply) r = NULL;
  g_autoptr(Reply) bad = NULL;

  pkce_make (&pkce, 43);
  path = authorize_path (h->client_id, REDIRECT, SCOPES, &pkce, NULL);
  r = http (h->url, "GET", path, NULL, NULL, NULL);
  assert_redirect_error (r, REDIRECT, "access_denied", STATE);

  /* Validation still comes first */
  g_free (path);
  path = authorize_path (h->client_id, REDIRECT, "nope:scope", &pkce, NULL);
  bad = http (h->url, "GET", path, NULL, NULL, NULL);
  assert_redirect_error (bad, REDIRECT, "invalid_scope", STATE);
}

/* ---------------------------------------------------------------------- */
/* Real hangar-sandbox process                                             */
/* ---------------------------------------------------------------------- */

static JsonNode *
api_get (HangarTestSandbox *sb,
         const char        *path,
         const char        *bearer,
         guint             *status)
{
  return hangar_test_sandbox_request (sb, "GET", path, bearer, NULL, status);
}

/* The ids of the bases @bearer can list, sorted. */
static GPtrArray *
list_base_ids (HangarTestSandbox *sb,
               const char        *bearer)
{
  g_autoptr(JsonNode) node = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *bases;
  guint status = 0;

  node = api_get (sb, "/v0/meta/bases", bearer, &status);
  g_assert_cmpuint (status, ==, 200);
  bases = json_object_get_array_member (json_node_get_object (node), "bases");
  for (guint i = 0; i < json_array_get_length (bases); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_array_get_object_element (bases, i), "id")));
  return ids;
}

static gboolean
ptr_array_contains_str (GPtrArray  *array,
                        const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), s))
      return TRUE;
  return FALSE;
}

static Reply *
process_tokens (HangarTestSandbox *sb,
                const char        *scope)
{
  Pkce pkce;
  g_autofree char *code = NULL;
  Reply *r;

  pkce_make (&pkce, 96);
  code = get_code (sb->url, sb->client_id, sb->redirect_uri, scope, &pkce);
  r = exchange (sb->url, sb->client_id, sb->redirect_uri, code, pkce.verifier);
  if (r->status != 200)
    g_error ("exchange failed: %u %s", r->status, r->body);
  return r;
}

static void
test_process_full_flow (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", NULL);
  g_autoptr(Reply) t = process_tokens (sb, "data.records:read schema.bases:read user.email:read");
  g_autoptr(JsonNode) who = NULL;
  g_autoptr(JsonNode) pat_who = NULL;
  g_autoptr(GPtrArray) oauth_bases = NULL;
  g_autoptr(GPtrArray) pat_bases = NULL;
  JsonObject *obj;
  JsonArray *scopes;
  guint status = 0;

  assert_token_success (t, "data.records:read schema.bases:read user.email:read", 3600, 5184000);

  who = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
  g_assert_cmpuint (status, ==, 200);
  obj = json_node_get_object (who);
  pat_who = api_get (sb, "/v0/meta/whoami", sb->pat, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj, "id"), ==,
                   json_object_get_string_member (json_node_get_object (pat_who), "id"));
  scopes = json_object_get_array_member (obj, "scopes");
  g_assert_nonnull (scopes);
  g_assert_cmpuint (json_array_get_length (scopes), ==, 3);
  g_assert_true (json_object_has_member (obj, "email"));

  /* Auto-approve grants every base of the default user. */
  oauth_bases = list_base_ids (sb, json_str (t, "access_token"));
  pat_bases = list_base_ids (sb, sb->pat);
  g_assert_cmpuint (oauth_bases->len, >, 0);
  g_assert_cmpuint (oauth_bases->len, ==, pat_bases->len);
}

static void
test_process_consent_page (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_startv (NULL);
  g_autoptr(GPtrArray) pat_bases = list_base_ids (sb, sb->pat);
  g_autoptr(Reply) page = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *default_user = NULL;
  Pkce pkce;

  pkce_make (&pkce, 43);
  path = authorize_path (sb->client_id, sb->redirect_uri, SCOPES, &pkce, NULL);
  page = http (sb->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (page->content_type, ==, "text/html");
  g_assert_nonnull (strstr (page->body, "<form method=\"post\""));
  g_assert_nonnull (strstr (page->body, "wants to access your Airtable bases"));
  g_assert_nonnull (strstr (page->body, "See the data in records"));
  for (guint i = 0; i < pat_bases->len; i++)
    g_assert_true (has_base_checkbox (page->body, g_ptr_array_index (pat_bases, i)));
  g_assert_cmpuint (count_str (page->body, "type=\"checkbox\""), ==, pat_bases->len);
  token = extract_form_token (page->body);
  {
    const char *p = strstr (page->body, "<option value=\"");
    g_assert_nonnull (p);
    p += strlen ("<option value=\"");
    default_user = g_strndup (p, strchr (p, '"') - p);
  }

  /* Grant exactly one base: the token lists exactly that base. */
  {
    g_autofree char *b = form ("form_token", token, "user", default_user,
                               "base", g_ptr_array_index (pat_bases, 0), "action", "grant", NULL);
    g_autoptr(Reply) r = decide (sb->url, b);
    g_autoptr(GHashTable) params = redirect_params (r, sb->redirect_uri);
    g_autoptr(Reply) t = NULL;
    g_autoptr(GPtrArray) ids = NULL;

    g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, STATE);
    t = exchange (sb->url, sb->client_id, sb->redirect_uri, g_hash_table_lookup (params, "code"), pkce.verifier);
    assert_token_success (t, SCOPES, 3600, 5184000);
    ids = list_base_ids (sb, json_str (t, "access_token"));
    g_assert_cmpuint (ids->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, g_ptr_array_index (pat_bases, 0));
  }

  /* Cancel → access_denied */
  {
    g_autoptr(Reply) p = http (sb->url, "GET", path, NULL, NULL, NULL);
    g_autofree char *t = extract_form_token (p->body);
    g_autofree char *b = form ("form_token", t, "action", "cancel", NULL);
    g_autoptr(Reply) r = decide (sb->url, b);

    assert_redirect_error (r, sb->redirect_uri, "access_denied", STATE);
  }

  /* Unknown client: an error page, no redirect */
  {
    g_autofree char *bad = authorize_path ("not-a-client", sb->redirect_uri, SCOPES, &pkce, NULL);
    g_autoptr(Reply) r = http (sb->url, "GET", bad, NULL, NULL, NULL);

    assert_error_page (r);
  }
}

static void
test_process_consent_switch_user (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_startv (NULL);
  JsonArray *users = json_object_get_array_member (sb->info, "users");
  JsonObject *first, *second;
  g_autoptr(GPtrArray) first_bases = NULL;
  g_autoptr(GPtrArray) second_bases = NULL;
  g_autoptr(Reply) page = NULL;
  g_autoptr(Reply) switched = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *body = NULL;
  Pkce pkce;

  g_assert_nonnull (users);
  g_assert_cmpuint (json_array_get_length (users), >=, 2);
  first = json_array_get_object_element (users, 0);
  second = json_array_get_object_element (users, 1);
  first_bases = list_base_ids (sb, json_object_get_string_member (first, "pat"));
  second_bases = list_base_ids (sb, json_object_get_string_member (second, "pat"));
  g_assert_cmpuint (second_bases->len, >, 0);

  pkce_make (&pkce, 100);
  path = authorize_path (sb->client_id, sb->redirect_uri, SCOPES, &pkce, NULL);
  page = http (sb->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  token = extract_form_token (page->body);

  body = form ("form_token", token, "user", json_object_get_string_member (second, "id"),
               "action", "switch", NULL);
  switched = decide (sb->url, body);
  g_assert_cmpuint (switched->status, ==, 200);
  for (guint i = 0; i < second_bases->len; i++)
    g_assert_true (has_base_checkbox (switched->body, g_ptr_array_index (second_bases, i)));
  for (guint i = 0; i < first_bases->len; i++)
    if (!ptr_array_contains_str (second_bases, g_ptr_array_index (first_bases, i)))
      g_assert_false (has_base_checkbox (switched->body, g_ptr_array_index (first_bases, i)));

  g_free (token);
  token = extract_form_token (switched->body);
  g_free (body);
  body = form ("form_token", token, "user", json_object_get_string_member (second, "id"),
               "base", g_ptr_array_index (second_bases, 0), "action", "grant", NULL);
  {
    g_autoptr(Reply) r = decide (sb->url, body);
    g_autoptr(GHashTable) params = redirect_params (r, sb->redirect_uri);
    g_autoptr(Reply) t = exchange (sb->url, sb->client_id, sb->redirect_uri,
                                   g_hash_table_lookup (params, "code"), pkce.verifier);
    g_autoptr(JsonNode) who = NULL;
    g_autoptr(GPtrArray) ids = NULL;
    guint status = 0;

    assert_token_success (t, SCOPES, 3600, 5184000);
    who = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (who), "id"), ==,
                     json_object_get_string_member (second, "id"));
    ids = list_base_ids (sb, json_str (t, "access_token"));
    g_assert_cmpuint (ids->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, g_ptr_array_index (second_bases, 0));
  }
}

static void
test_process_registered_integration (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_startv (NULL);
  g_autoptr(JsonNode) reg = NULL;
  g_autoptr(Reply) page = NULL;
  g_autofree char *path = NULL;
  const char *id;
  guint status = 0;
  Pkce pkce;

  reg = hangar_test_sandbox_request (sb, "POST", "/__sandbox/integrations", NULL,
                                     "{\"name\":\"<script>alert(1)</script> & Co\","
                                     "\"redirect_uris\":[\"http://localhost:9999/cb\"],"
                                     "\"scopes\":[\"data.records:read\"]}", &status);
  g_assert_cmpuint (status, ==, 200);
  id = json_object_get_string_member (json_node_get_object (reg), "client_id");
  g_assert_nonnull (id);

  /* The name is shown escaped; the integration's scope list is enforced. */
  pkce_make (&pkce, 43);
  path = authorize_path (id, "http://localhost:9999/cb", "data.records:read", &pkce, NULL);
  page = http (sb->url, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
  g_assert_null (strstr (page->body, "<script"));
  g_free (path);
  path = authorize_path (id, "http://localhost:9999/cb", SCOPES, &pkce, NULL);
  {
    g_autoptr(Reply) r = http (sb->url, "GET", path, NULL, NULL, NULL);

    assert_redirect_error (r, "http://localhost:9999/cb", "invalid_scope", STATE);
  }
  /* Its redirect URI is not the demo integration's */
  g_free (path);
  path = authorize_path (sb->client_id, "http://localhost:9999/cb", SCOPES, &pkce, NULL);
  {
    g_autoptr(Reply) r = http (sb->url, "GET", path, NULL, NULL, NULL);

    assert_error_page (r);
  }
}

static void
test_process_rotation_and_revoke (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit", NULL);
  g_autoptr(Reply) t1 = process_tokens (sb, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(Reply) dup = NULL;
  g_autoptr(JsonNode) n = NULL;
  guint status = 0;
  gint64 refreshes_before = hangar_test_sandbox_stat (sb, "refreshes");

  t2 = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 3600, 5184000);
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "refreshes"), ==, refreshes_before + 1);

  /* The rotated-away access token: 401 at the API; the new one works */
  n = api_get (sb, "/v0/meta/whoami", json_str (t1, "access_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&n, json_node_unref);
  n = api_get (sb, "/v0/meta/whoami", json_str (t2, "access_token"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&n, json_node_unref);

  /* Duplicate refresh within the (default 2 s) grace window → 409 */
  dup = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
  g_assert_cmpuint (dup->status, ==, 409);

  /* Revoke through the control API: access 401, refresh invalid_grant */
  n = hangar_test_sandbox_request (sb, "POST", "/__sandbox/revoke", NULL, "{}", &status);
  g_assert_cmpuint (status / 100, ==, 2);
  g_clear_pointer (&n, json_node_unref);
  n = api_get (sb, "/v0/meta/whoami", json_str (t2, "access_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  {
    g_autoptr(Reply) r = refresh (sb->url, sb->client_id, json_str (t2, "refresh_token"));
    assert_oauth_error (r, 400, "invalid_grant");
  }
}

static void
test_process_control_switches (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit", NULL);
  g_autoptr(Reply) t = process_tokens (sb, SCOPES);
  g_autoptr(GPtrArray) before = list_base_ids (sb, json_str (t, "access_token"));
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(JsonNode) n = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *req = NULL;
  g_autofree char *path = NULL;
  guint status = 0;

  g_assert_cmpint (hangar_test_sandbox_stat (sb, "exchanges"), ==, 1);
  g_assert_cmpuint (before->len, >=, 2);

  /* Remove one base from the grant: gone from the list, 403 on its schema */
  removed = g_strdup (g_ptr_array_index (before, 0));
  req = g_strdup_printf ("{\"base\":\"%s\"}", removed);
  n = hangar_test_sandbox_request (sb, "POST", "/__sandbox/remove-base", NULL, req, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&n, json_node_unref);
  after = list_base_ids (sb, json_str (t, "access_token"));
  g_assert_cmpuint (after->len, ==, before->len - 1);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (g_ptr_array_index (after, i), !=, removed);
  path = g_strdup_printf ("/v0/meta/bases/%s/tables", removed);
  n = api_get (sb, path, json_str (t, "access_token"), &status);
  g_assert_cmpuint (status, ==, 403);
  g_clear_pointer (&n, json_node_unref);

  /* Expire access tokens now: 401, and a refresh brings access back */
  n = hangar_test_sandbox_request (sb, "POST", "/__sandbox/expire-tokens", NULL, "{}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&n, json_node_unref);
  n = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&n, json_node_unref);
  {
    g_autoptr(Reply) r = refresh (sb->url, sb->client_id, json_str (t, "refresh_token"));
    g_autoptr(GPtrArray) ids = NULL;

    assert_token_success (r, SCOPES, 3600, 5184000);
    n = api_get (sb, "/v0/meta/whoami", json_str (r, "access_token"), &status);
    g_assert_cmpuint (status, ==, 200);
    /* The removed base stays removed after the refresh. */
    ids = list_base_ids (sb, json_str (r, "access_token"));
    g_assert_cmpuint (ids->len, ==, before->len - 1);
  }
}

static void
test_process_confidential_client (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", NULL);
  const char *id = json_object_get_string_member (sb->info, "confidential_client_id");
  const char *secret = json_object_get_string_member (sb->info, "confidential_client_secret");
  g_autofree char *auth = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  Pkce pkce;

  g_assert_nonnull (id);
  g_assert_nonnull (secret);
  g_assert_cmpstr (id, !=, "");
  auth = basic (id, secret, TRUE);
  pkce_make (&pkce, 43);
  code = get_code (sb->url, id, sb->redirect_uri, SCOPES, &pkce);
  body = form ("grant_type", "authorization_code", "code", code, "redirect_uri", sb->redirect_uri,
               "code_verifier", pkce.verifier, NULL);
  {
    /* Without the header: invalid_client (401), and the code survives */
    g_autofree char *b = g_strconcat (body, "&client_id=", id, NULL);
    g_autoptr(Reply) r = token_post (sb->url, b, NULL);

    assert_oauth_error (r, 401, "invalid_client");
  }
  {
    g_autoptr(Reply) r = token_post (sb->url, body, auth);

    assert_token_success (r, SCOPES, 3600, 5184000);
  }
  /* The public client must not send one */
  {
    g_autofree char *pub = basic (sb->client_id, "x", FALSE);
    g_autoptr(Reply) r = token_post (sb->url, "grant_type=refresh_token&refresh_token=oarx", pub);

    assert_oauth_error (r, 401, "invalid_client");
  }
}

static void
test_process_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hangar-oauth-state-XXXXXX", &error);
  g_autoptr(Reply) t = NULL;
  g_autofree char *client_id = NULL;
  g_autoptr(JsonNode) n = NULL;
  guint status = 0;

  g_assert_no_error (error);
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--state-dir", dir, NULL);

    t = process_tokens (sb, SCOPES);
    client_id = g_strdup (sb->client_id);
  }
  {
    g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--state-dir", dir, NULL);
    g_autoptr(Reply) r = NULL;

    /* Same integration, the access token still works, the refresh rotates */
    g_assert_cmpstr (sb->client_id, ==, client_id);
    n = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
    g_assert_cmpuint (status, ==, 200);
    g_clear_pointer (&n, json_node_unref);
    r = refresh (sb->url, sb->client_id, json_str (t, "refresh_token"));
    assert_token_success (r, SCOPES, 3600, 5184000);
    n = api_get (sb, "/v0/meta/whoami", json_str (t, "access_token"), &status);
    g_assert_cmpuint (status, ==, 401);
    g_clear_pointer (&n, json_node_unref);

    /* The state directory holds no usable token */
    {
      g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
      const char *name;

      g_assert_no_error (error);
      while ((name = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autofree char *contents = NULL;

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)
              || !g_file_get_contents (path, &contents, NULL, NULL))
            continue;
          g_assert_null (strstr (contents, json_str (t, "access_token")));
          g_assert_null (strstr (contents, json_str (r, "access_token")));
          g_assert_null (strstr (contents, json_str (r, "refresh_token")));
        }
    }
  }
}

static void
test_process_ttls_and_reuse (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--access-ttl", "1",
                                                               "--refresh-ttl", "30", NULL);
  g_autoptr(Reply) t1 = process_tokens (sb, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(Reply) t3 = NULL;
  g_autoptr(JsonNode) n = NULL;
  guint status = 0;

  assert_token_success (t1, SCOPES, 1, 30);

  /* The access token dies after --access-ttl; a refresh brings a new one. */
  g_usleep (1300 * 1000);
  n = api_get (sb, "/v0/meta/whoami", json_str (t1, "access_token"), &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&n, json_node_unref);
  t2 = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
  assert_token_success (t2, SCOPES, 1, 30);
  t3 = refresh (sb->url, sb->client_id, json_str (t2, "refresh_token"));
  assert_token_success (t3, SCOPES, 1, 30);
  n = api_get (sb, "/v0/meta/whoami", json_str (t3, "access_token"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&n, json_node_unref);

  /* Reusing a rotated refresh token after the grace window (2 s by
   * default) revokes the whole grant. */
  g_usleep (2300 * 1000);
  {
    g_autoptr(Reply) reuse = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
    g_autoptr(Reply) latest = refresh (sb->url, sb->client_id, json_str (t3, "refresh_token"));

    assert_oauth_error (reuse, 400, "invalid_grant");
    assert_oauth_error (latest, 400, "invalid_grant");
  }
}

/* --code-ttl: a code works inside its lifetime and is invalid_grant after. */
static void
test_process_code_ttl (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit",
                                                               "--code-ttl", "1", NULL);
  Pkce fresh, stale;
  g_autofree char *fresh_code = NULL;
  g_autofree char *stale_code = NULL;
  g_autoptr(Reply) ok = NULL;
  g_autoptr(Reply) late = NULL;

  pkce_make (&fresh, 60);
  fresh_code = get_code (sb->url, sb->client_id, sb->redirect_uri, SCOPES, &fresh);
  ok = exchange (sb->url, sb->client_id, sb->redirect_uri, fresh_code, fresh.verifier);
  assert_token_success (ok, SCOPES, 3600, 5184000);

  pkce_make (&stale, 61);
  stale_code = get_code (sb->url, sb->client_id, sb->redirect_uri, SCOPES, &stale);
  g_usleep (1500 * 1000);
  late = exchange (sb->url, sb->client_id, sb->redirect_uri, stale_code, stale.verifier);
  assert_oauth_error (late, 400, "invalid_grant");
  g_assert_cmpint (hangar_test_sandbox_stat (sb, "exchanges"), ==, 1);
}

/* --refresh-grace-ms longer than the default: a duplicate refresh after the
 * default 2 s still gets 409 and harms nothing; after the window the same
 * token is reuse: invalid_grant and the whole grant is revoked. */
static void
test_process_refresh_grace (void)
{
  g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_start ("--auto-approve", "--no-rate-limit",
                                                               "--refresh-grace-ms", "5000", NULL);
  g_autoptr(Reply) t1 = process_tokens (sb, SCOPES);
  g_autoptr(Reply) t2 = NULL;
  g_autoptr(JsonNode) n = NULL;
  gint64 start_us;
  guint status = 0;

  t2 = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
  start_us = g_get_monotonic_time ();
  assert_token_success (t2, SCOPES, 3600, 5184000);

  g_usleep (2500 * 1000);
  {
    g_autoptr(Reply) dup = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));

    /* Only meaningful while still inside the 5 s window (a very slow
     * machine could overshoot it; then the reuse branch below applies). */
    if (g_get_monotonic_time () - start_us < 4500 * 1000)
      {
        g_assert_cmpuint (dup->status, ==, 409);
        g_assert_nonnull (dup->json);
        g_assert_cmpstr (json_str (dup, "error"), ==, "conflict");
        n = api_get (sb, "/v0/meta/whoami", json_str (t2, "access_token"), &status);
        g_assert_cmpuint (status, ==, 200);
        g_clear_pointer (&n, json_node_unref);
      }
    else
      g_test_message ("machine too slow for the grace-window half of this test");
  }

  /* Past the window: reuse of t1's refresh token revokes everything. */
  while (g_get_monotonic_time () - start_us < 5500 * 1000)
    g_usleep (100 * 1000);
  {
    g_autoptr(Reply) reuse = refresh (sb->url, sb->client_id, json_str (t1, "refresh_token"));
    g_autoptr(Reply) latest = NULL;

    assert_oauth_error (reuse, 400, "invalid_grant");
    n = api_get (sb, "/v0/meta/whoami", json_str (t2, "access_token"), &status);
    g_assert_cmpuint (status, ==, 401);
    latest = refresh (sb->url, sb->client_id, json_str (t2, "refresh_token"));
    assert_oauth_error (latest, 400, "invalid_grant");
  }
}

/* --auto-deny: no consent page, access_denied with the state, no code;
 * validation errors still come first; wins over --auto-approve. */
static void
test_process_auto_deny (void)
{
  const char *variants[][3] = {
    { "--auto-deny", NULL, NULL },
    { "--auto-deny", "--auto-approve", NULL },
  };

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr(HangarTestSandbox) sb = hangar_test_sandbox_startv (variants[v]);
      Pkce pkce;
      g_autofree char *path = NULL;
      g_autofree char *bad_path = NULL;
      g_autoptr(Reply) r = NULL;
      g_autoptr(Reply) bad = NULL;
      g_autoptr(Reply) unknown = NULL;
      g_autofree char *unknown_path = NULL;

      pkce_make (&pkce, 70);
      path = authorize_path (sb->client_id, sb->redirect_uri, SCOPES, &pkce, NULL);
      r = http (sb->url, "GET", path, NULL, NULL, NULL);
      assert_redirect_error (r, sb->redirect_uri, "access_denied", STATE);

      bad_path = authorize_path (sb->client_id, sb->redirect_uri, "nope:scope", &pkce, NULL);
      bad = http (sb->url, "GET", bad_path, NULL, NULL, NULL);
      assert_redirect_error (bad, sb->redirect_uri, "invalid_scope", STATE);

      /* an unknown client never redirects, deny mode or not */
      unknown_path = authorize_path ("not-a-client", sb->redirect_uri, SCOPES, &pkce, NULL);
      unknown = http (sb->url, "GET", unknown_path, NULL, NULL, NULL);
      assert_error_page (unknown);

      g_assert_cmpint (hangar_test_sandbox_stat (sb, "exchanges"), ==, 0);
    }
}

/* Out-of-range values of the new options stop the sandbox with exit 2. */
static void
test_process_option_ranges (void)
{
  const char *sandbox = g_getenv ("HANGAR_SANDBOX");
  const char *bad[][2] = {
    { "--code-ttl", "0" },
    { "--refresh-grace-ms", "-5" },
    { "--code-ttl", "soon" },
  };

  g_assert_nonnull (sandbox);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                   &error, sandbox, "--port", "0", bad[i][0], bad[i][1], NULL);

      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (p, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (p));
      g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 2);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_test_isolate_home ();

  g_test_add_func ("/hangar/sandbox/oauth/unit/authorize-no-redirect", test_unit_authorize_no_redirect);
  g_test_add_func ("/hangar/sandbox/oauth/unit/authorize-redirect-errors", test_unit_authorize_redirect_errors);
  g_test_add_func ("/hangar/sandbox/oauth/unit/authorize-accepts", test_unit_authorize_accepts);
  g_test_add_func ("/hangar/sandbox/oauth/unit/token-errors", test_unit_token_errors);
  g_test_add_func ("/hangar/sandbox/oauth/unit/pkce-and-code-rules", test_unit_pkce_and_code_rules);
  g_test_add_func ("/hangar/sandbox/oauth/unit/code-expiry", test_unit_code_expiry);
  g_test_add_func ("/hangar/sandbox/oauth/unit/basic-auth", test_unit_basic_auth);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-rotation", test_unit_refresh_rotation);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-reuse", test_unit_refresh_reuse);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-abuse", test_unit_refresh_abuse);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-chain", test_unit_refresh_chain);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-expiry", test_unit_refresh_expiry);
  g_test_add_func ("/hangar/sandbox/oauth/unit/refresh-scope", test_unit_refresh_scope);
  g_test_add_func ("/hangar/sandbox/oauth/unit/control-operations", test_unit_control_operations);
  g_test_add_func ("/hangar/sandbox/oauth/unit/persistence", test_unit_persistence);
  g_test_add_func ("/hangar/sandbox/oauth/unit/consent", test_unit_consent);
  g_test_add_func ("/hangar/sandbox/oauth/unit/auto-deny", test_unit_auto_deny);

  g_test_add_func ("/hangar/sandbox/oauth/full-flow", test_process_full_flow);
  g_test_add_func ("/hangar/sandbox/oauth/consent-page", test_process_consent_page);
  g_test_add_func ("/hangar/sandbox/oauth/consent-switch-user", test_process_consent_switch_user);
  g_test_add_func ("/hangar/sandbox/oauth/registered-integration", test_process_registered_integration);
  g_test_add_func ("/hangar/sandbox/oauth/rotation-and-revoke", test_process_rotation_and_revoke);
  g_test_add_func ("/hangar/sandbox/oauth/control-switches", test_process_control_switches);
  g_test_add_func ("/hangar/sandbox/oauth/confidential-client", test_process_confidential_client);
  g_test_add_func ("/hangar/sandbox/oauth/restart", test_process_restart);
  g_test_add_func ("/hangar/sandbox/oauth/ttls-and-reuse", test_process_ttls_and_reuse);
  g_test_add_func ("/hangar/sandbox/oauth/code-ttl", test_process_code_ttl);
  g_test_add_func ("/hangar/sandbox/oauth/refresh-grace", test_process_refresh_grace);
  g_test_add_func ("/hangar/sandbox/oauth/auto-deny", test_process_auto_deny);
  g_test_add_func ("/hangar/sandbox/oauth/option-ranges", test_process_option_ranges);

  return g_test_run ();
}
