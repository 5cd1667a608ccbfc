/* sandbox-oauth-authorize.c — GET /oauth2/v1/authorize and the consent
 * page's decision
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
/* Authorize                                                               */
/* ---------------------------------------------------------------------- */

static GPtrArray *
list_users (SandboxOAuth *self)
{
  GPtrArray *users = NULL;

  if (self->funcs.list_users != NULL)
    users = self->funcs.list_users (self->core);
  if (users == NULL)
    users = g_ptr_array_new ();
  return users;
}

static GPtrArray *
list_user_bases (SandboxOAuth *self,
                 const char   *user_id)
{
  GPtrArray *bases = NULL;

  if (self->funcs.list_user_bases != NULL)
    bases = self->funcs.list_user_bases (self->core, user_id);
  if (bases == NULL)
    bases = g_ptr_array_new ();
  return bases;
}

static gboolean
user_exists (SandboxOAuth *self,
             const char   *user_id)
{
  g_autoptr(GPtrArray) users = list_users (self);

  for (guint i = 0; i < users->len; i++)
    if (g_str_equal (((SandboxOAuthUser *) g_ptr_array_index (users, i))->id, user_id))
      return TRUE;
  return FALSE;
}

/* Issues a code for a decided authorization and redirects to the client. */
static void
issue_code_and_redirect (SandboxOAuth       *self,
                         SoupServerMessage  *msg,
                         const char         *client_id,
                         const char         *redirect_uri,
                         const char         *state,
                         const char         *challenge,
                         const char * const *scopes,
                         const char         *user_id,
                         const char * const *base_ids)
{
  g_autofree char *code_value = _sandbox_oauth_random_token ("oac", 32);
  g_autoptr(GString) loc = g_string_new (redirect_uri);
  OAuthCode *code = g_new0 (OAuthCode, 1);

  code->hash = _sandbox_oauth_hash_secret (code_value);
  code->client_id = g_strdup (client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->user_id = g_strdup (user_id);
  code->challenge = g_strdup (challenge);
  code->scopes = g_strdupv ((char **) scopes);
  code->base_ids = g_strdupv ((char **) base_ids);
  code->expires_us = _sandbox_oauth_now_us () + self->config.code_ttl_s * G_USEC_PER_SEC;
  g_hash_table_replace (self->codes, code->hash, code);
  _sandbox_oauth_changed (self);

  /* code and state only (changelog 2025-03-13: no code_challenge echo). */
  _sandbox_oauth_append_query_param (loc, "code", code_value);
  _sandbox_oauth_append_query_param (loc, "state", state);
  _sandbox_oauth_respond_redirect (msg, loc->str);
}

static void
render_consent (SandboxOAuth      *self,
                SoupServerMessage *msg,
                OAuthPending      *pending, /* owned by self->pending */
                const char        *message)
{
  g_autoptr(GPtrArray) users = list_users (self);
  g_autoptr(GPtrArray) bases = list_user_bases (self, pending->user_id);
  OAuthIntegration *integ = g_hash_table_lookup (self->integrations, pending->client_id);
  SandboxConsentPage page = { 0 };

  page.integration_name = integ != NULL ? integ->name : pending->client_id;
  page.redirect_uri = pending->redirect_uri;
  page.form_token = pending->form_token;
  page.action = "/oauth2/v1/authorize/decision";
  page.users = users;
  page.current_user_id = pending->user_id;
  page.scopes = (const char * const *) pending->scopes;
  page.bases = bases;
  page.message = message;
  _sandbox_oauth_respond_html (msg, 200, sandbox_consent_render (&page));
}

void
_sandbox_oauth_handle_authorize (SandboxOAuth      *self,
                                 SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *raw = g_uri_get_query (uri);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) repeated = NULL;
  g_auto(GStrv) scopes = NULL;
  const char *client_id, *redirect_uri, *response_type, *scope, *state;
  const char *challenge, *method, *why = NULL;
  OAuthIntegration *integ;

  fields = _sandbox_oauth_form_parse (raw != NULL ? raw : "", raw != NULL ? strlen (raw) : 0);
  if (fields == NULL)
    {
      _sandbox_oauth_respond_error_page (msg, 400, "This authorization request is malformed",
                                         "Its query string has a bad percent-escape or is not valid UTF-8. "
                                         "The application that sent you here built a broken link.");
      return;
    }
  params = _sandbox_oauth_form_index (fields, &repeated);

  /* client_id and redirect_uri first: when either is wrong there is nowhere
   * safe to redirect to, so the user gets an error page, as Airtable does. */
  client_id = g_hash_table_lookup (params, "client_id");
  redirect_uri = g_hash_table_lookup (params, "redirect_uri");
  if (client_id == NULL || g_hash_table_contains (repeated, "client_id"))
    {
      _sandbox_oauth_respond_error_page (msg, 400, "Unknown integration",
                                         "The request has no client_id, or more than one. "
                                         "The application that sent you here is misconfigured.");
      return;
    }
  integ = g_hash_table_lookup (self->integrations, client_id);
  if (integ == NULL)
    {
      _sandbox_oauth_respond_error_page (msg, 400, "Unknown integration",
                                         "No integration has this client_id. "
                                         "The application that sent you here is misconfigured.");
      return;
    }
  if (redirect_uri == NULL || g_hash_table_contains (repeated, "redirect_uri")
      || !_sandbox_oauth_str_in_strv ((const char * const *) integ->redirect_uris, redirect_uri))
    {
      _sandbox_oauth_respond_error_page (msg, 400, "Invalid redirect URI",
                                         "The redirect_uri is missing or is not registered for this integration. "
                                         "For your safety you were not sent back to the application.");
      return;
    }

  /* From here on errors go back to the client. state is echoed only when
   * the request carried exactly one. */
  state = g_hash_table_contains (repeated, "state") ? NULL : g_hash_table_lookup (params, "state");

  if (g_hash_table_size (repeated) > 0)
    {
      _sandbox_oauth_redirect_error (msg, redirect_uri, "invalid_request",
                                     "A parameter was given more than once", state);
      return;
    }

  response_type = g_hash_table_lookup (params, "response_type");
  if (response_type == NULL)
    {
      _sandbox_oauth_redirect_error (msg, redirect_uri, "invalid_request",
                                     "The response_type parameter is missing", state);
      return;
    }
  if (!g_str_equal (response_type, "code"))
    {
      _sandbox_oauth_redirect_error (msg, redirect_uri, "unsupported_response_type",
                                     "The response_type must be code", state);
      return;
    }

  scope = g_hash_table_lookup (params, "scope");
  scopes = _sandbox_oauth_parse_scopes (scope, &why);
  if (scopes == NULL)
    {
      _sandbox_oauth_redirect_error (msg, redirect_uri, "invalid_scope", why, state);
      return;
    }
  for (guint i = 0; scopes[i] != NULL; i++)
    if (!_sandbox_oauth_str_in_strv ((const char * const *) integ->scopes, scopes[i]))
      {
        _sandbox_oauth_redirect_error (msg, redirect_uri, "invalid_scope",
                                       "The scope parameter names a scope that is not enabled for this integration",
                                       state);
        return;
      }

  if (state == NULL || strlen (state) < 16 || strlen (state) > 1024
      || !_sandbox_oauth_is_charset (state, "._-"))
    {
      _sandbox_oauth_redirect_error (msg, redirect_uri, "invalid_request",
                                     "The state parameter must be 16 to 1024 characters of A-Z a-z 0-9 . _ -",
                                     state);
      return;
    }

  challenge = g_hash_table_lookup (params, "code_challenge");
  method = g_hash_table_lookup (params, "code_challenge_method");
  if (challenge == NULL || strlen (challenge) != 43 || !_sandbox_oauth_is_charset (challenge, "_-"))
    {
      _sandbox_oauth_redirect_error (msg, redirect_uri, "invalid_request",
                                     "The code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)",
                                     state);
      return;
    }
  if (method == NULL || !g_str_equal (method, "S256"))
    {
      _sandbox_oauth_redirect_error (msg, redirect_uri, "invalid_request",
                                     "The code_challenge_method must be S256", state);
      return;
    }

  if (self->config.auto_deny)
    {
      _sandbox_oauth_redirect_error (msg, redirect_uri, "access_denied",
                                     "The user did not grant access to the integration", state);
      return;
    }

  if (self->config.auto_approve)
    {
      g_autoptr(GPtrArray) users = list_users (self);
      g_autoptr(GPtrArray) bases = NULL;
      g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
      g_auto(GStrv) base_ids = NULL;
      SandboxOAuthUser *user;

      if (users->len == 0)
        {
          _sandbox_oauth_redirect_error (msg, redirect_uri, "server_error", "The sandbox has no users", state);
          return;
        }
      user = g_ptr_array_index (users, 0);
      bases = list_user_bases (self, user->id);
      for (guint i = 0; i < bases->len; i++)
        g_strv_builder_add (ids, ((SandboxOAuthBase *) g_ptr_array_index (bases, i))->id);
      base_ids = g_strv_builder_end (ids);
      issue_code_and_redirect (self, msg, client_id, redirect_uri, state, challenge,
                               (const char * const *) scopes, user->id,
                               (const char * const *) base_ids);
      return;
    }

  {
    g_autoptr(GPtrArray) users = list_users (self);
    OAuthPending *pending;

    if (users->len == 0)
      {
        _sandbox_oauth_redirect_error (msg, redirect_uri, "server_error", "The sandbox has no users", state);
        return;
      }
    if (g_hash_table_size (self->pending) >= MAX_PENDING)
      {
        _sandbox_oauth_redirect_error (msg, redirect_uri, "temporarily_unavailable",
                                       "Too many authorizations are waiting for an answer", state);
        return;
      }
    pending = g_new0 (OAuthPending, 1);
    pending->form_token = _sandbox_oauth_random_token ("", 24);
    pending->client_id = g_strdup (client_id);
    pending->redirect_uri = g_strdup (redirect_uri);
    pending->state = g_strdup (state);
    pending->challenge = g_strdup (challenge);
    pending->scopes = g_steal_pointer (&scopes);
    pending->user_id = g_strdup (((SandboxOAuthUser *) g_ptr_array_index (users, 0))->id);
    pending->created_us = _sandbox_oauth_now_us ();
    g_hash_table_replace (self->pending, pending->form_token, pending);
    render_consent (self, msg, pending, NULL);
  }
}

/* Gives @pending a new single-use form token and shows the page again. */
static void
rerender_consent (SandboxOAuth      *self,
                  SoupServerMessage *msg,
                  OAuthPending      *pending, /* transfer full */
                  const char        *message)
{
  g_free (pending->form_token);
  pending->form_token = _sandbox_oauth_random_token ("", 24);
  g_hash_table_replace (self->pending, pending->form_token, pending);
  render_consent (self, msg, pending, message);
}

void
_sandbox_oauth_handle_decision (SandboxOAuth      *self,
                                SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) repeated = NULL;
  g_autoptr(GPtrArray) user_bases = NULL;
  g_autoptr(GPtrArray) chosen = NULL;
  const char *token, *action, *user_id;
  gpointer stolen_key = NULL, stolen_value = NULL;
  OAuthPending *pending;
  gsize len = 0;
  const char *data;

  if (!_sandbox_oauth_is_form_content_type (msg))
    {
      _sandbox_oauth_respond_error_page (msg, 400, "Bad request", "The form was not sent as a web form.");
      return;
    }
  body = _sandbox_oauth_request_body (msg);
  data = g_bytes_get_data (body, &len);
  fields = _sandbox_oauth_form_parse (data != NULL ? data : "", len);
  if (fields == NULL)
    {
      _sandbox_oauth_respond_error_page (msg, 400, "Bad request", "The form data is malformed.");
      return;
    }
  params = _sandbox_oauth_form_index (fields, &repeated);

  token = g_hash_table_lookup (params, "form_token");
  if (token == NULL || g_hash_table_contains (repeated, "form_token")
      || !g_hash_table_steal_extended (self->pending, token, &stolen_key, &stolen_value))
    {
      _sandbox_oauth_respond_error_page (msg, 400, "This page has expired",
                                         "This authorization request was already answered or has expired. "
                                         "Go back to the application and connect again.");
      return;
    }
  /* The token is single-use: it is out of the table now, whatever happens. */
  pending = stolen_value;

  if (pending->created_us + PENDING_TTL_US <= _sandbox_oauth_now_us ())
    {
      _sandbox_oauth_pending_free (pending);
      _sandbox_oauth_respond_error_page (msg, 400, "This page has expired",
                                         "This authorization request is too old. "
                                         "Go back to the application and connect again.");
      return;
    }

  action = g_hash_table_lookup (params, "action");
  if (action == NULL || g_hash_table_contains (repeated, "action"))
    {
      rerender_consent (self, msg, pending, "Choose Grant access or Cancel.");
      return;
    }

  if (g_str_equal (action, "cancel"))
    {
      _sandbox_oauth_redirect_error (msg, pending->redirect_uri, "access_denied",
                                     "The user did not grant access to the integration", pending->state);
      _sandbox_oauth_pending_free (pending);
      return;
    }

  user_id = g_hash_table_lookup (params, "user");
  if (user_id != NULL && !g_hash_table_contains (repeated, "user")
      && !g_str_equal (user_id, pending->user_id))
    {
      if (!user_exists (self, user_id))
        {
          rerender_consent (self, msg, pending, "That account does not exist.");
          return;
        }
      g_free (pending->user_id);
      pending->user_id = g_strdup (user_id);
      rerender_consent (self, msg, pending,
                        g_str_equal (action, "grant") ? "You switched accounts: choose the bases to grant for this account." : NULL);
      return;
    }

  if (g_str_equal (action, "switch"))
    {
      rerender_consent (self, msg, pending, NULL);
      return;
    }
  if (!g_str_equal (action, "grant"))
    {
      rerender_consent (self, msg, pending, "Choose Grant access or Cancel.");
      return;
    }

  /* Grant: every ticked base must belong to the shown account. */
  user_bases = list_user_bases (self, pending->user_id);
  chosen = g_ptr_array_new ();
  for (guint i = 0; i < fields->len; i++)
    {
      OAuthFormField *f = g_ptr_array_index (fields, i);
      gboolean found = FALSE;

      if (!g_str_equal (f->name, "base"))
        continue;
      for (guint j = 0; j < user_bases->len && !found; j++)
        found = g_str_equal (((SandboxOAuthBase *) g_ptr_array_index (user_bases, j))->id, f->value);
      if (!found)
        {
          rerender_consent (self, msg, pending, "One of the chosen bases is not available to this account.");
          return;
        }
      if (!_sandbox_oauth_ptr_array_has_str (chosen, f->value))
        g_ptr_array_add (chosen, f->value);
    }
  if (chosen->len == 0)
    {
      rerender_consent (self, msg, pending, "Choose at least one base to grant access to.");
      return;
    }
  g_ptr_array_add (chosen, NULL);

  issue_code_and_redirect (self, msg, pending->client_id, pending->redirect_uri, pending->state,
                           pending->challenge, (const char * const *) pending->scopes,
                           pending->user_id, (const char * const *) chosen->pdata);
  _sandbox_oauth_pending_free (pending);
}
