/* sandbox-oauth-token.c — POST /oauth2/v1/token: client authentication,
 * the authorization_code exchange and refresh with rotation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox-oauth-private.h"
#include "sandbox-consent.h"

/* ---------------------------------------------------------------------- */
/* Token                                                                   */
/* ---------------------------------------------------------------------- */

/* "Basic <b64(id:secret)>", standard or url-safe base64, padding optional. */
static gboolean
parse_basic (const char  *header,
             char       **out_id,
             char       **out_secret)
{
  g_autofree char *b64 = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize n, dlen = 0;
  const char *colon;

  if (g_ascii_strncasecmp (header, "Basic ", 6) != 0)
    return FALSE;
  header += 6;
  while (*header == ' ')
    header++;
  b64 = g_strdup (header);
  g_strchomp (b64);
  n = strlen (b64);
  while (n > 0 && b64[n - 1] == '=')
    b64[--n] = '\0';
  if (n == 0 || n % 4 == 1 || !_sandbox_oauth_is_charset (b64, "+/-_"))
    return FALSE;
  for (char *p = b64; *p != '\0'; p++)
    {
      if (*p == '-')
        *p = '+';
      else if (*p == '_')
        *p = '/';
    }
  {
    g_autoptr(GString) padded = g_string_new (b64);

    while (padded->len % 4 != 0)
      g_string_append_c (padded, '=');
    decoded = g_base64_decode (padded->str, &dlen);
  }
  if (decoded == NULL || dlen == 0 || memchr (decoded, '\0', dlen) != NULL)
    return FALSE;
  text = g_strndup ((const char *) decoded, dlen);
  memset (decoded, 0, dlen);
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  colon = strchr (text, ':');
  if (colon == NULL || colon == text)
    return FALSE;
  *out_id = g_strndup (text, colon - text);
  *out_secret = g_strdup (colon + 1);
  memset (text, 0, strlen (text));
  return TRUE;
}

/* Identifies and authenticates the client (Basic auth exactly when the
 * integration has a secret). On failure writes the
 * invalid_client response and returns NULL. */
static OAuthIntegration *
authenticate_client (SandboxOAuth      *self,
                     SoupServerMessage *msg,
                     GHashTable        *params)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *body_id = g_hash_table_lookup (params, "client_id");
  OAuthIntegration *integ;

  if (auth != NULL)
    {
      g_autofree char *id = NULL;
      g_autofree char *secret = NULL;
      g_autofree char *hash = NULL;

      if (!parse_basic (auth, &id, &secret))
        {
          _sandbox_oauth_token_error (msg, "invalid_client", "The Authorization header is not valid HTTP Basic authentication");
          return NULL;
        }
      hash = _sandbox_oauth_hash_secret (secret);
      memset (secret, 0, strlen (secret));
      if (body_id != NULL && !g_str_equal (body_id, id))
        {
          _sandbox_oauth_token_error (msg, "invalid_client", "The client_id in the body does not match the Authorization header");
          return NULL;
        }
      integ = g_hash_table_lookup (self->integrations, id);
      if (integ == NULL)
        {
          _sandbox_oauth_token_error (msg, "invalid_client", "Unknown client_id");
          return NULL;
        }
      if (integ->secret_hash == NULL)
        {
          _sandbox_oauth_token_error (msg, "invalid_client",
                                      "This integration has no client secret: do not send an Authorization header");
          return NULL;
        }
      if (!_sandbox_oauth_digest_equal (hash, integ->secret_hash))
        {
          _sandbox_oauth_token_error (msg, "invalid_client", "Invalid client credentials");
          return NULL;
        }
      return integ;
    }

  if (body_id == NULL)
    {
      _sandbox_oauth_token_error (msg, "invalid_client", "The client_id parameter is required for integrations without a client secret");
      return NULL;
    }
  integ = g_hash_table_lookup (self->integrations, body_id);
  if (integ == NULL)
    {
      _sandbox_oauth_token_error (msg, "invalid_client", "Unknown client_id");
      return NULL;
    }
  if (integ->secret_hash != NULL)
    {
      _sandbox_oauth_token_error (msg, "invalid_client",
                                  "This integration has a client secret: authenticate with HTTP Basic");
      return NULL;
    }
  return integ;
}

static void
respond_tokens (SandboxOAuth      *self,
                SoupServerMessage *msg,
                const char        *access,
                const char        *refresh,
                const char * const *scopes)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *scope = g_strjoinv (" ", (char **) scopes);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, access);
  json_builder_set_member_name (b, "refresh_token");
  json_builder_add_string_value (b, refresh);
  json_builder_set_member_name (b, "token_type");
  json_builder_add_string_value (b, "Bearer");
  json_builder_set_member_name (b, "scope");
  json_builder_add_string_value (b, scope);
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, self->config.access_ttl_s);
  json_builder_set_member_name (b, "refresh_expires_in");
  json_builder_add_int_value (b, self->config.refresh_ttl_s);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  _sandbox_oauth_respond_json_node (msg, 200, node);
}

static void
token_authorization_code (SandboxOAuth      *self,
                          SoupServerMessage *msg,
                          OAuthIntegration  *integ,
                          GHashTable        *params)
{
  const char *code_value = g_hash_table_lookup (params, "code");
  const char *redirect_uri = g_hash_table_lookup (params, "redirect_uri");
  const char *verifier = g_hash_table_lookup (params, "code_verifier");
  g_autofree char *hash = NULL;
  g_autofree char *computed = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  gpointer key = NULL, value = NULL;
  OAuthCode *code;
  OAuthGrant *grant;

  if (code_value == NULL || code_value[0] == '\0')
    {
      _sandbox_oauth_token_error (msg, "invalid_request", "The code parameter is missing");
      return;
    }
  hash = _sandbox_oauth_hash_secret (code_value);
  if (!g_hash_table_steal_extended (self->codes, hash, &key, &value))
    {
      _sandbox_oauth_token_error (msg, "invalid_grant", "The authorization code is invalid, expired or already used");
      return;
    }
  /* Single-use even if the exchange fails, as Airtable documents. */
  code = value;
  _sandbox_oauth_changed (self);

  if (code->expires_us <= _sandbox_oauth_now_us ())
    {
      _sandbox_oauth_code_free (code);
      _sandbox_oauth_token_error (msg, "invalid_grant", "The authorization code is invalid, expired or already used");
      return;
    }
  if (!g_str_equal (code->client_id, integ->client_id))
    {
      _sandbox_oauth_code_free (code);
      _sandbox_oauth_token_error (msg, "invalid_grant", "The authorization code was issued to another client");
      return;
    }
  if (redirect_uri == NULL || !g_str_equal (redirect_uri, code->redirect_uri))
    {
      _sandbox_oauth_code_free (code);
      _sandbox_oauth_token_error (msg, "invalid_grant", "The redirect_uri does not match the authorization request");
      return;
    }
  if (verifier == NULL || strlen (verifier) < 43 || strlen (verifier) > 128
      || !_sandbox_oauth_is_charset (verifier, "._-"))
    {
      _sandbox_oauth_code_free (code);
      _sandbox_oauth_token_error (msg, "invalid_grant",
                                  "The code_verifier must be 43 to 128 characters of A-Z a-z 0-9 . _ -");
      return;
    }
  {
    GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
    guint8 digest[32];
    gsize dlen = sizeof digest;

    g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
    g_checksum_get_digest (sum, digest, &dlen);
    g_checksum_free (sum);
    computed = _sandbox_oauth_base64url_encode (digest, dlen);
  }
  if (!g_str_equal (computed, code->challenge))
    {
      _sandbox_oauth_code_free (code);
      _sandbox_oauth_token_error (msg, "invalid_grant", "The code_verifier does not match the code_challenge");
      return;
    }

  grant = _sandbox_oauth_grant_new (code->user_id, code->client_id, (const char * const *) code->scopes,
                                    (const char * const *) code->base_ids);
  g_hash_table_replace (self->grants, grant->id, grant);
  _sandbox_oauth_grant_issue_tokens (self, grant, (const char * const *) code->scopes, &access, &refresh);
  _sandbox_oauth_code_free (code);
  self->exchange_count++;
  _sandbox_oauth_changed (self);

  respond_tokens (self, msg, access, refresh, (const char * const *) grant->access_scopes);
  memset (access, 0, strlen (access));
  memset (refresh, 0, strlen (refresh));
}

/* Counts a use of the refresh token @hash of @grant. TRUE when that token
 * was presented more than refresh_abuse_per_s times in the last second
 * (Airtable asks for "fewer than 10 refresh requests per second per token";
 * since its 2024-11-25 changelog only more than 10 per second revoke). A chain of sequential
 * rotations never trips it: each new token starts a new count. */
static gboolean
refresh_abused (SandboxOAuth *self,
                OAuthGrant   *grant,
                const char   *hash,
                gint64        now)
{
  guint keep = 0;

  if (self->config.refresh_abuse_per_s < 0)
    return FALSE;
  if (g_strcmp0 (grant->attempts_hash, hash) != 0)
    {
      g_free (grant->attempts_hash);
      grant->attempts_hash = g_strdup (hash);
      g_array_set_size (grant->attempts, 0);
    }
  for (guint i = 0; i < grant->attempts->len; i++)
    {
      gint64 t = g_array_index (grant->attempts, gint64, i);

      if (now - t < G_USEC_PER_SEC)
        g_array_index (grant->attempts, gint64, keep++) = t;
    }
  g_array_set_size (grant->attempts, keep);
  g_array_append_val (grant->attempts, now);
  return grant->attempts->len > (guint) self->config.refresh_abuse_per_s;
}

static void
token_refresh (SandboxOAuth      *self,
               SoupServerMessage *msg,
               OAuthIntegration  *integ,
               GHashTable        *params)
{
  const char *refresh_value = g_hash_table_lookup (params, "refresh_token");
  const char *scope = g_hash_table_lookup (params, "scope");
  g_autofree char *hash = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_auto(GStrv) scopes = NULL;
  OAuthGrant *grant;
  OAuthRotated *rotated;
  gint64 now = _sandbox_oauth_now_us ();

  if (refresh_value == NULL || refresh_value[0] == '\0')
    {
      _sandbox_oauth_token_error (msg, "invalid_request", "The refresh_token parameter is missing");
      return;
    }
  hash = _sandbox_oauth_hash_secret (refresh_value);

  rotated = g_hash_table_lookup (self->rotated_index, hash);
  grant = rotated != NULL ? rotated->grant : g_hash_table_lookup (self->refresh_index, hash);
  if (grant != NULL && g_str_equal (grant->client_id, integ->client_id)
      && refresh_abused (self, grant, hash, now))
    {
      _sandbox_oauth_grant_revoke (self, grant);
      _sandbox_oauth_changed (self);
      _sandbox_oauth_token_error (msg, "invalid_grant",
                                  "Too many refresh requests for this authorization; it has been revoked");
      return;
    }

  if (rotated != NULL && g_str_equal (rotated->grant->client_id, integ->client_id))
    {
      if (now - rotated->rotated_us < self->config.refresh_grace_ms * 1000)
        {
          /* A duplicate of a refresh that just succeeded: no harm done. */
          _sandbox_oauth_respond_oauth_error (msg, 409, "conflict",
                                              "This refresh token was just used; use the tokens returned by that request");
          return;
        }
      /* Reuse of a rotated token: assume it leaked and kill the grant. */
      _sandbox_oauth_grant_revoke (self, rotated->grant);
      _sandbox_oauth_changed (self);
      _sandbox_oauth_token_error (msg, "invalid_grant", "The refresh token was already used; the authorization has been revoked");
      return;
    }

  grant = g_hash_table_lookup (self->refresh_index, hash);
  if (grant == NULL || !g_str_equal (grant->client_id, integ->client_id))
    {
      _sandbox_oauth_token_error (msg, "invalid_grant", "The refresh token is invalid, expired or revoked");
      return;
    }
  if (grant->refresh_expires_us <= now)
    {
      _sandbox_oauth_grant_revoke (self, grant);
      _sandbox_oauth_changed (self);
      _sandbox_oauth_token_error (msg, "invalid_grant", "The refresh token is invalid, expired or revoked");
      return;
    }

  if (scope != NULL)
    {
      const char *why = NULL;

      scopes = _sandbox_oauth_parse_scopes (scope, &why);
      if (scopes == NULL)
        {
          _sandbox_oauth_token_error (msg, "invalid_scope", why);
          return;
        }
      for (guint i = 0; scopes[i] != NULL; i++)
        if (!_sandbox_oauth_str_in_strv ((const char * const *) grant->scopes, scopes[i]))
          {
            _sandbox_oauth_token_error (msg, "invalid_scope", "The requested scope exceeds the scope of the grant");
            return;
          }
    }
  else
    scopes = g_strdupv (grant->scopes);

  /* Rotation: the old refresh token moves to the rotated list (for the
   * grace window and reuse detection) and the old access token dies. */
  _sandbox_oauth_grant_add_rotated (self, grant, g_strdup (grant->refresh_hash), now);
  _sandbox_oauth_grant_issue_tokens (self, grant, (const char * const *) scopes, &access, &refresh);
  self->refresh_count++;
  _sandbox_oauth_changed (self);

  respond_tokens (self, msg, access, refresh, (const char * const *) grant->access_scopes);
  memset (access, 0, strlen (access));
  memset (refresh, 0, strlen (refresh));
}

void
_sandbox_oauth_handle_token (SandboxOAuth      *self,
                             SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) repeated = NULL;
  const char *grant_type;
  const char *data;
  gsize len = 0;
  OAuthIntegration *integ;

  if (!_sandbox_oauth_is_form_content_type (msg))
    {
      _sandbox_oauth_token_error (msg, "invalid_request", "The Content-Type must be application/x-www-form-urlencoded");
      return;
    }
  body = _sandbox_oauth_request_body (msg);
  data = g_bytes_get_data (body, &len);
  fields = _sandbox_oauth_form_parse (data != NULL ? data : "", len);
  if (fields == NULL)
    {
      _sandbox_oauth_token_error (msg, "invalid_request", "The request body is not valid form data");
      return;
    }
  params = _sandbox_oauth_form_index (fields, &repeated);
  if (g_hash_table_size (repeated) > 0)
    {
      _sandbox_oauth_token_error (msg, "invalid_request", "A parameter was given more than once");
      return;
    }

  integ = authenticate_client (self, msg, params);
  if (integ == NULL)
    return;

  grant_type = g_hash_table_lookup (params, "grant_type");
  if (grant_type == NULL)
    _sandbox_oauth_token_error (msg, "invalid_request", "The grant_type parameter is missing");
  else if (g_str_equal (grant_type, "authorization_code"))
    token_authorization_code (self, msg, integ, params);
  else if (g_str_equal (grant_type, "refresh_token"))
    token_refresh (self, msg, integ, params);
  else
    _sandbox_oauth_token_error (msg, "unsupported_grant_type", "The grant_type must be authorization_code or refresh_token");
}
