/* sandbox-oauth.c — the sandbox's OAuth 2.0 side: integrations,
 * grants and the tokens they produce, and the API the server core uses
 *
 * The authorize endpoint with its consent page is in sandbox-oauth-authorize.c,
 * the token endpoint (code exchange with PKCE S256, refresh with rotation, a
 * grace window for duplicate refreshes and reuse detection) in
 * sandbox-oauth-token.c, request parsing and answers in sandbox-oauth-http.c,
 * the state file part in sandbox-oauth-state.c.
 *
 * Secrets are never kept in clear beyond the request that creates them:
 * codes, access and refresh tokens and client secrets are stored as SHA-256
 * digests (in memory and in the state file), so a state directory holds no
 * usable credential. Nothing here logs a token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox-oauth-private.h"
#include "sandbox-consent.h"

/* The basic scopes of Airtable's scopes page, with the words the consent
 * page uses. Enterprise scopes are not offered: the sandbox has no
 * enterprise accounts, so requesting one gives invalid_scope. */
static const struct
{
  const char *scope;
  const char *description;
} known_scopes[] = {
  { "data.records:read",         "See the data in records" },
  { "data.records:write",        "Create, edit and delete records" },
  { "data.recordComments:read",  "See comments on records" },
  { "data.recordComments:write", "Create, edit and delete comments on records" },
  { "schema.bases:read",         "See the structure of bases, like table names and field types" },
  { "schema.bases:write",        "Change the structure of bases, like adding tables and fields" },
  { "workspacesAndBases:read",   "See workspaces, bases and views, including their collaborators" },
  { "webhook:manage",            "Create webhooks that report changes in your bases to this app, and see and delete them" },
  { "block:manage",              "Publish and manage custom extensions" },
  { "user.email:read",           "See your email address" },
};

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */
/* ---------------------------------------------------------------------- */

gint64
_sandbox_oauth_now_us (void)
{
  return g_get_real_time ();
}

static void
fill_random (guint8 *buf,
             gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n = getrandom (buf + done, len - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom() failed: %s", g_strerror (errno));
        }
      done += (gsize) n;
    }
}

char *
_sandbox_oauth_base64url_encode (const guint8 *data,
                                 gsize         len)
{
  char *s = g_base64_encode (data, len);
  gsize n;

  for (char *p = s; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  n = strlen (s);
  while (n > 0 && s[n - 1] == '=')
    s[--n] = '\0';
  return s;
}

/* @prefix + base64url of @nbytes random bytes from getrandom(). */
char *
_sandbox_oauth_random_token (const char *prefix,
                             gsize       nbytes)
{
  guint8 buf[64];
  g_autofree char *b64 = NULL;

  g_assert (nbytes <= sizeof buf);
  fill_random (buf, nbytes);
  b64 = _sandbox_oauth_base64url_encode (buf, nbytes);
  memset (buf, 0, sizeof buf);
  return g_strconcat (prefix, b64, NULL);
}

static char *
random_client_id (void)
{
  guint8 b[16];

  fill_random (b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
_sandbox_oauth_hash_secret (const char *secret)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

/* Compares two equal-length hex digests without an early exit. */
gboolean
_sandbox_oauth_digest_equal (const char *a,
                             const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint diff = (la != lb);

  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint) (a[i] ^ b[i]);
  return diff == 0;
}

gboolean
_sandbox_oauth_str_in_strv (const char * const *strv,
                            const char         *s)
{
  return strv != NULL && s != NULL && g_strv_contains (strv, s);
}

gboolean
_sandbox_oauth_ptr_array_has_str (GPtrArray  *array,
                                  const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), s))
      return TRUE;
  return FALSE;
}

gboolean
_sandbox_oauth_is_known_scope (const char *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_scopes); i++)
    if (g_str_equal (known_scopes[i].scope, scope))
      return TRUE;
  return FALSE;
}

const char *
sandbox_oauth_describe_scope (const char *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_scopes); i++)
    if (g_str_equal (known_scopes[i].scope, scope))
      return known_scopes[i].description;
  return scope;
}

gboolean
_sandbox_oauth_is_charset (const char *s,
                           const char *extra)
{
  for (const char *p = s; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (extra, *p) == NULL)
      return FALSE;
  return TRUE;
}

void
_sandbox_oauth_changed (SandboxOAuth *self)
{
  if (self->funcs.changed != NULL)
    self->funcs.changed (self->core);
}

/* ---------------------------------------------------------------------- */
/* Records                                                                 */
/* ---------------------------------------------------------------------- */

void
_sandbox_oauth_integration_free (OAuthIntegration *integ)
{
  g_free (integ->name);
  g_free (integ->secret_hash);
  g_strfreev (integ->redirect_uris);
  g_strfreev (integ->scopes);
  g_free (integ);
}

void
_sandbox_oauth_rotated_free (OAuthRotated *r)
{
  g_free (r->hash);
  g_free (r);
}

OAuthGrant *
_sandbox_oauth_grant_new (const char *user_id,
                          const char *client_id,
                          const char * const *scopes,
                          const char * const *base_ids)
{
  OAuthGrant *grant = g_new0 (OAuthGrant, 1);

  grant->id = _sandbox_oauth_random_token ("oag", 12);
  grant->user_id = g_strdup (user_id);
  grant->client_id = g_strdup (client_id);
  grant->scopes = g_strdupv ((char **) scopes);
  grant->base_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; base_ids != NULL && base_ids[i] != NULL; i++)
    g_ptr_array_add (grant->base_ids, g_strdup (base_ids[i]));
  grant->rotated = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_oauth_rotated_free);
  grant->attempts = g_array_new (FALSE, FALSE, sizeof (gint64));
  grant->created_us = _sandbox_oauth_now_us ();
  return grant;
}

void
_sandbox_oauth_grant_free (OAuthGrant *grant)
{
  g_free (grant->id);
  g_free (grant->user_id);
  g_free (grant->client_id);
  g_strfreev (grant->scopes);
  g_ptr_array_unref (grant->base_ids);
  g_free (grant->access_hash);
  g_strfreev (grant->access_scopes);
  g_free (grant->refresh_hash);
  g_ptr_array_unref (grant->rotated);
  g_array_unref (grant->attempts);
  g_free (grant->attempts_hash);
  g_free (grant);
}

void
_sandbox_oauth_code_free (OAuthCode *code)
{
  g_free (code->hash);
  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->user_id);
  g_free (code->challenge);
  g_strfreev (code->scopes);
  g_strfreev (code->base_ids);
  g_free (code);
}

void
_sandbox_oauth_pending_free (OAuthPending *p)
{
  g_free (p->form_token);
  g_free (p->client_id);
  g_free (p->redirect_uri);
  g_free (p->state);
  g_free (p->challenge);
  g_strfreev (p->scopes);
  g_free (p->user_id);
  g_free (p);
}

void
_sandbox_oauth_form_field_free (OAuthFormField *f)
{
  g_free (f->name);
  g_free (f->value);
  g_free (f);
}

/* Drops the grant's live tokens from the indexes. */
static void
grant_unindex_tokens (SandboxOAuth *self,
                      OAuthGrant   *grant)
{
  if (grant->access_hash != NULL)
    g_hash_table_remove (self->access_index, grant->access_hash);
  g_clear_pointer (&grant->access_hash, g_free);
  g_clear_pointer (&grant->access_scopes, g_strfreev);
  if (grant->refresh_hash != NULL)
    g_hash_table_remove (self->refresh_index, grant->refresh_hash);
  g_clear_pointer (&grant->refresh_hash, g_free);
}

/* Revokes a grant: every token it ever issued is dead from now on. */
void
_sandbox_oauth_grant_revoke (SandboxOAuth *self,
                             OAuthGrant   *grant)
{
  grant_unindex_tokens (self, grant);
  for (guint i = 0; i < grant->rotated->len; i++)
    {
      OAuthRotated *r = g_ptr_array_index (grant->rotated, i);

      g_hash_table_remove (self->rotated_index, r->hash);
    }
  g_hash_table_remove (self->grants, grant->id); /* frees it */
}

void
_sandbox_oauth_grant_add_rotated (SandboxOAuth *self,
                                  OAuthGrant   *grant,
                                  char         *hash, /* transfer full */
                                  gint64        rotated_us)
{
  OAuthRotated *r = g_new0 (OAuthRotated, 1);

  r->hash = hash;
  r->grant = grant;
  r->rotated_us = rotated_us;
  g_ptr_array_add (grant->rotated, r);
  g_hash_table_replace (self->rotated_index, r->hash, r);

  while (grant->rotated->len > MAX_ROTATED_PER_GRANT)
    {
      OAuthRotated *oldest = g_ptr_array_index (grant->rotated, 0);

      g_hash_table_remove (self->rotated_index, oldest->hash);
      g_ptr_array_remove_index (grant->rotated, 0);
    }
}

/* Issues a fresh access/refresh pair for @grant, returning the tokens in
 * clear (only the caller's response ever sees them). */
void
_sandbox_oauth_grant_issue_tokens (SandboxOAuth       *self,
                                   OAuthGrant         *grant,
                                   const char * const *access_scopes,
                                   char              **out_access,
                                   char              **out_refresh)
{
  char *access = _sandbox_oauth_random_token ("oaa", 32);
  char *refresh = _sandbox_oauth_random_token ("oar", 32);
  gint64 now = _sandbox_oauth_now_us ();

  grant_unindex_tokens (self, grant);

  grant->access_hash = _sandbox_oauth_hash_secret (access);
  grant->access_scopes = g_strdupv ((char **) access_scopes);
  grant->access_expires_us = now + self->config.access_ttl_s * G_USEC_PER_SEC;
  g_hash_table_replace (self->access_index, grant->access_hash, grant);

  grant->refresh_hash = _sandbox_oauth_hash_secret (refresh);
  grant->refresh_expires_us = now + self->config.refresh_ttl_s * G_USEC_PER_SEC;
  g_hash_table_replace (self->refresh_index, grant->refresh_hash, grant);

  *out_access = access;
  *out_refresh = refresh;
}

OAuthIntegration *
_sandbox_oauth_find_integration_by_name (SandboxOAuth *self,
                                         const char   *name)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->integrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      OAuthIntegration *integ = value;

      if (g_str_equal (integ->name, name))
        return integ;
    }
  return NULL;
}

static void
prune (SandboxOAuth *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = _sandbox_oauth_now_us ();

  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((OAuthCode *) value)->expires_us <= now)
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((OAuthPending *) value)->created_us + PENDING_TTL_US <= now)
      g_hash_table_iter_remove (&iter);
}

/* ---------------------------------------------------------------------- */
/* Public API                                                              */
/* ---------------------------------------------------------------------- */

SandboxOAuth *
sandbox_oauth_new (const SandboxOAuthConfig    *config,
                   const SandboxOAuthCoreFuncs *funcs,
                   gpointer                     core)
{
  SandboxOAuth *self = g_new0 (SandboxOAuth, 1);

  if (config != NULL)
    self->config = *config;
  if (self->config.access_ttl_s <= 0)
    self->config.access_ttl_s = 3600;
  if (self->config.refresh_ttl_s <= 0)
    self->config.refresh_ttl_s = 5184000;
  if (self->config.code_ttl_s <= 0)
    self->config.code_ttl_s = 600;
  if (self->config.refresh_grace_ms <= 0)
    self->config.refresh_grace_ms = 2000;
  if (self->config.refresh_abuse_per_s == 0)
    self->config.refresh_abuse_per_s = 10;
  if (funcs != NULL)
    self->funcs = *funcs;
  self->core = core;

  self->integrations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                              (GDestroyNotify) _sandbox_oauth_integration_free);
  self->grants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _sandbox_oauth_grant_free);
  self->access_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->refresh_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->rotated_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _sandbox_oauth_code_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _sandbox_oauth_pending_free);
  return self;
}

void
sandbox_oauth_free (SandboxOAuth *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->rotated_index);
  g_hash_table_unref (self->refresh_index);
  g_hash_table_unref (self->access_index);
  g_hash_table_unref (self->grants);
  g_hash_table_unref (self->integrations);
  g_free (self);
}

static GStrv
filter_known_scopes (const char * const *scopes)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (known_scopes); i++)
    if (scopes == NULL || _sandbox_oauth_str_in_strv (scopes, known_scopes[i].scope))
      g_strv_builder_add (builder, known_scopes[i].scope);
  return g_strv_builder_end (builder);
}

const char *
sandbox_oauth_add_integration (SandboxOAuth       *self,
                               const char         *name,
                               const char * const *redirect_uris,
                               const char * const *allowed_scopes,
                               const char         *client_secret)
{
  OAuthIntegration *integ;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* Idempotent by name, so a restart with --state-dir keeps the client id
   * that applications have stored. */
  integ = _sandbox_oauth_find_integration_by_name (self, name);
  if (integ == NULL)
    {
      g_autofree char *id = random_client_id ();

      integ = g_new0 (OAuthIntegration, 1);
      g_strlcpy (integ->client_id, id, sizeof integ->client_id);
      integ->name = g_strdup (name);
      g_hash_table_replace (self->integrations, integ->client_id, integ);
    }
  g_clear_pointer (&integ->redirect_uris, g_strfreev);
  g_clear_pointer (&integ->scopes, g_strfreev);
  g_clear_pointer (&integ->secret_hash, g_free);
  integ->redirect_uris = g_strdupv ((char **) redirect_uris);
  if (integ->redirect_uris == NULL)
    integ->redirect_uris = g_new0 (char *, 1);
  integ->scopes = filter_known_scopes (allowed_scopes);
  if (client_secret != NULL)
    integ->secret_hash = _sandbox_oauth_hash_secret (client_secret);
  _sandbox_oauth_changed (self);
  return integ->client_id;
}

gboolean
sandbox_oauth_handle (SandboxOAuth      *self,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query)
{
  const char *method;

  g_return_val_if_fail (self != NULL, FALSE);

  if (path == NULL || !g_str_has_prefix (path, "/oauth2/v1/"))
    return FALSE;

  prune (self);
  method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/oauth2/v1/authorize"))
    {
      if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD"))
        _sandbox_oauth_handle_authorize (self, msg);
      else
        _sandbox_oauth_respond_method_not_allowed (msg, "GET");
    }
  else if (g_str_equal (path, "/oauth2/v1/authorize/decision"))
    {
      if (g_str_equal (method, "POST"))
        _sandbox_oauth_handle_decision (self, msg);
      else
        _sandbox_oauth_respond_method_not_allowed (msg, "POST");
    }
  else if (g_str_equal (path, "/oauth2/v1/token"))
    {
      if (g_str_equal (method, "POST"))
        {
          self->token_request_count++;
          _sandbox_oauth_handle_token (self, msg);
        }
      else
        _sandbox_oauth_respond_method_not_allowed (msg, "POST");
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"NOT_FOUND\"}", strlen ("{\"error\":\"NOT_FOUND\"}"));
    }
  return TRUE;
}

SandboxOAuthTokenInfo *
sandbox_oauth_lookup_access_token (SandboxOAuth *self,
                                   const char   *token)
{
  g_autofree char *hash = NULL;
  SandboxOAuthTokenInfo *info;
  OAuthGrant *grant;

  g_return_val_if_fail (self != NULL, NULL);

  if (token == NULL || token[0] == '\0')
    return NULL;
  hash = _sandbox_oauth_hash_secret (token);
  grant = g_hash_table_lookup (self->access_index, hash);
  if (grant == NULL || grant->access_expires_us <= _sandbox_oauth_now_us ())
    return NULL;

  info = g_new0 (SandboxOAuthTokenInfo, 1);
  info->user_id = g_strdup (grant->user_id);
  info->client_id = g_strdup (grant->client_id);
  info->scopes = g_strdupv (grant->access_scopes);
  info->base_ids = g_new0 (char *, grant->base_ids->len + 1);
  for (guint i = 0; i < grant->base_ids->len; i++)
    info->base_ids[i] = g_strdup (g_ptr_array_index (grant->base_ids, i));
  return info;
}

void
sandbox_oauth_token_info_free (SandboxOAuthTokenInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->user_id);
  g_free (info->client_id);
  g_strfreev (info->scopes);
  g_strfreev (info->base_ids);
  g_free (info);
}

static GPtrArray *
grants_of_user (SandboxOAuth *self,
                const char   *user_id)
{
  GPtrArray *matches = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->grants);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      OAuthGrant *grant = value;

      if (user_id == NULL || g_str_equal (grant->user_id, user_id))
        g_ptr_array_add (matches, grant);
    }
  return matches;
}

guint
sandbox_oauth_revoke_user (SandboxOAuth *self,
                           const char   *user_id)
{
  g_autoptr(GPtrArray) matches = NULL;
  GHashTableIter iter;
  gpointer value;
  guint codes = 0;
  guint count;

  g_return_val_if_fail (self != NULL, 0);

  matches = grants_of_user (self, user_id);
  count = matches->len;
  for (guint i = 0; i < matches->len; i++)
    _sandbox_oauth_grant_revoke (self, g_ptr_array_index (matches, i));

  /* Codes not yet exchanged stand for grants too. */
  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (user_id == NULL || g_str_equal (((OAuthCode *) value)->user_id, user_id))
      {
        g_hash_table_iter_remove (&iter);
        codes++;
      }

  if (count > 0 || codes > 0)
    _sandbox_oauth_changed (self);
  return count;
}

guint
sandbox_oauth_remove_base (SandboxOAuth *self,
                           const char   *user_id,
                           const char   *base_id)
{
  g_autoptr(GPtrArray) matches = NULL;
  GHashTableIter iter;
  gpointer value;
  gboolean any = FALSE;
  guint count = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (base_id != NULL, 0);

  matches = grants_of_user (self, user_id);
  for (guint i = 0; i < matches->len; i++)
    {
      OAuthGrant *grant = g_ptr_array_index (matches, i);

      for (guint j = 0; j < grant->base_ids->len; j++)
        if (g_str_equal (g_ptr_array_index (grant->base_ids, j), base_id))
          {
            g_ptr_array_remove_index (grant->base_ids, j);
            count++;
            break;
          }
    }

  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      OAuthCode *code = value;

      if ((user_id == NULL || g_str_equal (code->user_id, user_id))
          && _sandbox_oauth_str_in_strv ((const char * const *) code->base_ids, base_id))
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

          for (guint j = 0; code->base_ids[j] != NULL; j++)
            if (!g_str_equal (code->base_ids[j], base_id))
              g_strv_builder_add (builder, code->base_ids[j]);
          g_strfreev (code->base_ids);
          code->base_ids = g_strv_builder_end (builder);
          any = TRUE;
        }
    }

  if (count > 0 || any)
    _sandbox_oauth_changed (self);
  return count;
}

guint
sandbox_oauth_expire_access_tokens (SandboxOAuth *self,
                                    const char   *user_id)
{
  g_autoptr(GPtrArray) matches = NULL;
  gint64 now = _sandbox_oauth_now_us ();
  guint count = 0;

  g_return_val_if_fail (self != NULL, 0);

  matches = grants_of_user (self, user_id);
  for (guint i = 0; i < matches->len; i++)
    {
      OAuthGrant *grant = g_ptr_array_index (matches, i);

      if (grant->access_hash != NULL && grant->access_expires_us > now)
        {
          grant->access_expires_us = now - 1;
          count++;
        }
    }
  if (count > 0)
    _sandbox_oauth_changed (self);
  return count;
}

guint64
sandbox_oauth_get_refresh_count (SandboxOAuth *self)
{
  return self->refresh_count;
}

guint64
sandbox_oauth_get_token_request_count (SandboxOAuth *self)
{
  return self->token_request_count;
}

guint64
sandbox_oauth_get_exchange_count (SandboxOAuth *self)
{
  return self->exchange_count;
}
