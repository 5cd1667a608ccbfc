/* hangar-oauth.h — OAuth 2.0 authorization code + PKCE for Airtable (no GTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "hangar-credentials.h"

G_BEGIN_DECLS

/**
 * HangarOAuthIntegration:
 * @api_url: API base, e.g. https://api.airtable.com (no trailing slash)
 * @oauth_url: OAuth base, e.g. https://airtable.com; the endpoints are
 *   @oauth_url + /oauth2/v1/authorize and /oauth2/v1/token
 * @client_id: the integration's client id
 * @client_secret: (nullable): the client secret, if the integration has one
 *   (a secret: kept in the keyring, never in a file)
 * @redirect_uri: a redirect URI registered for @client_id, e.g.
 *   http://localhost:4000/airtable-oauth
 * @scopes: the scopes to request (NULL-terminated)
 *
 * "Bring your own integration": what is needed to run the flow.
 */
typedef struct
{
  char  *api_url;
  char  *oauth_url;
  char  *client_id;
  char  *client_secret;
  char  *redirect_uri;
  char **scopes;
} HangarOAuthIntegration;

#define HANGAR_TYPE_OAUTH_INTEGRATION (hangar_oauth_integration_get_type ())
GType                   hangar_oauth_integration_get_type  (void);

/* @api_url / @oauth_url NULL = Airtable's; @scopes NULL = hangar_scopes_default(). */
HangarOAuthIntegration *hangar_oauth_integration_new       (const char         *api_url,
                                                            const char         *oauth_url,
                                                            const char         *client_id,
                                                            const char         *client_secret,
                                                            const char         *redirect_uri,
                                                            const char * const *scopes);
HangarOAuthIntegration *hangar_oauth_integration_copy      (const HangarOAuthIntegration *self);
void                    hangar_oauth_integration_free      (HangarOAuthIntegration       *self);
/* Checks the fields (URLs parse, redirect URI is https or loopback http, …). */
gboolean                hangar_oauth_integration_validate  (const HangarOAuthIntegration *self,
                                                            GError                      **error);
/* The sandbox's public integration, from the JSON line hangar-sandbox prints
 * on start (members "url", "client_id", "redirect_uri"). */
HangarOAuthIntegration *hangar_oauth_integration_new_from_sandbox_line (const char *json_line,
                                                                        GError    **error);
char                   *hangar_oauth_integration_dup_authorize_endpoint (const HangarOAuthIntegration *self);
char                   *hangar_oauth_integration_dup_token_endpoint     (const HangarOAuthIntegration *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarOAuthIntegration, hangar_oauth_integration_free)

/* --- PKCE and state: CSPRNG (getrandom(2)), never GRand ------------------ */

/* A code verifier of @length chars (43..128) from [A-Za-z0-9._-]. */
char     *hangar_oauth_generate_verifier   (guint length);
/* A state of 43 chars from [A-Za-z0-9._-]. */
char     *hangar_oauth_generate_state      (void);
/* base64url (no padding) of SHA-256(@verifier). */
char     *hangar_oauth_challenge_s256      (const char *verifier);
/* Fills @buffer from getrandom(2); aborts if the kernel has no entropy source. */
void      hangar_oauth_random_bytes        (guint8     *buffer,
                                            gsize       len);
/* Constant-time string comparison (length leaks, content does not). */
gboolean  hangar_oauth_secure_equal        (const char *a,
                                            const char *b);

/* The authorize URL: response_type=code, client_id, redirect_uri, scope,
 * state, code_challenge, code_challenge_method=S256. */
char     *hangar_oauth_build_authorize_uri (const HangarOAuthIntegration *integration,
                                            const char                   *state,
                                            const char                   *code_challenge);

/* TRUE when @uri is the registered @redirect_uri: scheme, host, port and path
 * equal after parsing (query and fragment ignored). */
gboolean  hangar_oauth_redirect_matches    (const char *redirect_uri,
                                            const char *uri);

/* Parses the redirect the browser was sent to. Returns the code, or NULL with
 * HANGAR_AUTH_ERROR_REDIRECT_MISMATCH (not our redirect URI),
 * _STATE_MISMATCH (constant-time compare), _CANCELLED (access_denied) or
 * _AUTHORIZATION (any other `error`, with its error_description). */
char     *hangar_oauth_parse_redirect      (const char  *redirect_uri,
                                            const char  *expected_state,
                                            const char  *uri,
                                            GError     **error);

/* --- One consent flow ---------------------------------------------------- */

#define HANGAR_TYPE_OAUTH_FLOW (hangar_oauth_flow_get_type ())

G_DECLARE_FINAL_TYPE (HangarOAuthFlow, hangar_oauth_flow, HANGAR, OAUTH_FLOW, GObject)

/* Generates a fresh verifier (128 chars) and state. */
HangarOAuthFlow              *hangar_oauth_flow_new                (const HangarOAuthIntegration *integration);
const HangarOAuthIntegration *hangar_oauth_flow_get_integration    (HangarOAuthFlow *self);
const char                   *hangar_oauth_flow_get_state          (HangarOAuthFlow *self);
/* The URL to open in the browser / web view. */
const char                   *hangar_oauth_flow_get_authorize_uri  (HangarOAuthFlow *self);
/* For a web view's decide-policy: is this navigation our redirect URI? */
gboolean                      hangar_oauth_flow_is_redirect        (HangarOAuthFlow *self,
                                                                    const char      *uri);
/* hangar_oauth_parse_redirect() with this flow's redirect URI and state. */
char                         *hangar_oauth_flow_parse_redirect     (HangarOAuthFlow *self,
                                                                    const char      *uri,
                                                                    GError         **error);

/* Exchanges @code at the token endpoint (form-encoded; Basic auth iff the
 * integration has a secret, client_id in the body otherwise). The result is
 * NOT stored anywhere: hangar_account_store_connect_oauth_async() does that
 * before the first use. @session may be NULL (a private one is used). */
void                          hangar_oauth_flow_exchange_code_async  (HangarOAuthFlow     *self,
                                                                      SoupSession         *session,
                                                                      const char          *code,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
HangarCredentials            *hangar_oauth_flow_exchange_code_finish (HangarOAuthFlow  *self,
                                                                      GAsyncResult     *result,
                                                                      GError          **error);

/* --- Token endpoint and whoami (used by the token source and the store) --- */

/* Lifetimes the token endpoint gives (expires_in, refresh_expires_in) must
 * be whole positive numbers of seconds; anything else fails with
 * HANGAR_AUTH_ERROR_INVALID_RESPONSE. Longer ones are believed only up to
 * these (Airtable's own are 60 minutes and 60 days): the token is then
 * refreshed early, which costs one request, instead of an expiry that
 * overflows or lies far in the future. Lifetimes count from when the
 * request left. */
#define HANGAR_OAUTH_MAX_ACCESS_LIFETIME_S  (G_GINT64_CONSTANT (24) * 3600)
#define HANGAR_OAUTH_MAX_REFRESH_LIFETIME_S (G_GINT64_CONSTANT (366) * 24 * 3600)

/* grant_type=refresh_token. Errors: HANGAR_AUTH_ERROR_INVALID_GRANT,
 * _CONFLICT (409), _INVALID_CLIENT, _NETWORK, _TOKEN_ENDPOINT, _INVALID_RESPONSE.
 * A response without a refresh_token keeps @refresh_token. */
void               hangar_oauth_refresh_async     (SoupSession                  *session,
                                                   const HangarOAuthIntegration *integration,
                                                   const char                   *refresh_token,
                                                   GCancellable                 *cancellable,
                                                   GAsyncReadyCallback           callback,
                                                   gpointer                      user_data);
HangarCredentials *hangar_oauth_refresh_finish    (GAsyncResult  *result,
                                                   GError       **error);

/**
 * HangarOAuthIdentity:
 * @user_id: usr…
 * @email: (nullable): only with user.email:read
 * @scopes: (nullable): only for OAuth tokens
 */
typedef struct
{
  char  *user_id;
  char  *email;
  char **scopes;
} HangarOAuthIdentity;

void                 hangar_oauth_identity_free  (HangarOAuthIdentity *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarOAuthIdentity, hangar_oauth_identity_free)

/* GET @api_url/v0/meta/whoami with @access_token. 401 gives
 * HANGAR_AUTH_ERROR_UNAUTHORIZED. */
void                 hangar_oauth_whoami_async   (SoupSession         *session,
                                                  const char          *api_url,
                                                  const char          *access_token,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
HangarOAuthIdentity *hangar_oauth_whoami_finish  (GAsyncResult  *result,
                                                  GError       **error);

G_END_DECLS
