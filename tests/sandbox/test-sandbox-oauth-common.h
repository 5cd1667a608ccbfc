/* test-sandbox-oauth-common.h — blocking HTTP helpers, PKCE, and an
 * in-process harness around the OAuth module, shared by the OAuth tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

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

static inline void
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

static inline Reply *
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

static inline const char *
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

static inline void
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
static inline GHashTable *
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

static inline void
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

static inline void
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

static inline void
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

static inline void
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
static inline char *
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

static inline char *
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

static inline Reply *
token_post (const char *base_url,
            const char *body,
            const char *authorization)
{
  return http (base_url, "POST", "/oauth2/v1/token", "application/x-www-form-urlencoded", body, authorization);
}

static inline char *
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
static inline char *
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

static inline Reply *
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

static inline Reply *
refresh (const char *base_url,
         const char *client_id,
         const char *refresh_token)
{
  g_autofree char *body = form ("grant_type", "refresh_token", "refresh_token", refresh_token,
                                "client_id", client_id, NULL);

  return token_post (base_url, body, NULL);
}

static inline void
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

static inline GPtrArray *
fake_list_users (gpointer core)
{
  GPtrArray *users = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fake_users); i++)
    g_ptr_array_add (users, (gpointer) &fake_users[i]);
  return users;
}

static inline GPtrArray *
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

static inline void
fake_changed (gpointer core)
{
  Harness *h = core;

  h->changed++;
}

static inline void
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

static inline gpointer
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

static inline Harness *
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

static inline void
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

static inline SandboxOAuthTokenInfo *
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

static inline Harness *
harness_auto (void)
{
  SandboxOAuthConfig config = { .auto_approve = TRUE };

  return harness_new (&config);
}

/* ---------------------------------------------------------------------- */
/* Unit: consent page                                                      */
/* ---------------------------------------------------------------------- */

static inline char *
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

static inline gboolean
has_base_checkbox (const char *html,
                   const char *base_id)
{
  g_autofree char *needle = g_strdup_printf ("type=\"checkbox\" name=\"base\" value=\"%s\"", base_id);

  return strstr (html, needle) != NULL;
}

static inline guint
count_str (const char *hay,
           const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (hay, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static inline Reply *
decide (const char *base_url,
        const char *body)
{
  return http (base_url, "POST", "/oauth2/v1/authorize/decision",
               "application/x-www-form-urlencoded", body, NULL);
}
