/* sandbox-oauth.h — the sandbox's OAuth 2.0 side (Airtable's OAuth reference:
 * authorization code with PKCE, refresh tokens that rotate)
 *
 * Integrations (client ids, secrets, redirect URIs), the authorize endpoint
 * with its HTML consent page, the token endpoint (code exchange, refresh with
 * rotation, grace window, reuse detection), and the grants and OAuth tokens
 * they produce. The server core (sandbox-server.c) owns routing, users,
 * personal access tokens, bases and the control API, and asks this module
 * about OAuth bearer tokens.
 *
 * Wiring (sandbox-server.c / sandbox-main.c): the command line fills
 * SandboxOAuthConfig — --access-ttl, --refresh-ttl, --code-ttl,
 * --refresh-grace-ms, --auto-approve, --auto-deny. The core deserializes the
 * stored OAuth state before it registers the demo integrations
 * (sandbox_oauth_add_integration() is idempotent by name, so client ids
 * survive restarts with --state-dir). OAuth access tokens start with "oaa"
 * (refresh "oar"), never with "pat".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _SandboxOAuth SandboxOAuth;

typedef struct
{
  gint64   access_ttl_s;        /* default 3600 */
  gint64   refresh_ttl_s;       /* default 5184000 (60 days) */
  gint64   code_ttl_s;          /* default 600 */
  gint64   refresh_grace_ms;    /* duplicate refresh within this window → 409; default 2000 */
  gboolean auto_approve;        /* skip the consent page: grant every base of the user */
  gboolean auto_deny;           /* skip the consent page: answer access_denied (wins over auto_approve) */
  gint64   refresh_abuse_per_s; /* one refresh token presented more often than this per second
                                 * revokes its grant; default (0) 10, negative = never */
} SandboxOAuthConfig;

/* What the core tells this module about users and their bases (for the
 * consent page and for checking grants). All strings are owned by the core
 * and live as long as the SandboxOAuth. */
typedef struct
{
  const char *id;        /* usr… */
  const char *email;
  const char *name;
} SandboxOAuthUser;

typedef struct
{
  const char *id;        /* app… */
  const char *name;
  const char *workspace; /* display name of its workspace */
} SandboxOAuthBase;

typedef struct
{
  /* Users who can sign in on the consent page; the first is the default. */
  GPtrArray *(*list_users)      (gpointer core);            /* of SandboxOAuthUser*, container only */
  GPtrArray *(*list_user_bases) (gpointer core,
                                 const char *user_id);      /* of SandboxOAuthBase*, container only */
  /* Called after any change that must be persisted (new grant, rotation…). */
  void       (*changed)         (gpointer core);
} SandboxOAuthCoreFuncs;

/* What a valid OAuth access token stands for. */
typedef struct
{
  char  *user_id;
  char  *client_id;
  char **scopes;     /* granted scopes */
  char **base_ids;   /* granted bases (may shrink with sandbox_oauth_remove_base) */
} SandboxOAuthTokenInfo;

SandboxOAuth          *sandbox_oauth_new                    (const SandboxOAuthConfig    *config,
                                                             const SandboxOAuthCoreFuncs *funcs,
                                                             gpointer                     core);
void                   sandbox_oauth_free                   (SandboxOAuth *self);

/* Registers an integration. @client_secret NULL = public client. Returns the
 * new client id (owned by @self). @redirect_uris: NULL-terminated. */
const char            *sandbox_oauth_add_integration        (SandboxOAuth       *self,
                                                             const char         *name,
                                                             const char * const *redirect_uris,
                                                             const char * const *allowed_scopes,
                                                             const char         *client_secret);

/* Handles every request under /oauth2/v1/ (authorize, the consent form's
 * POST, token). Returns FALSE for any other path. Synchronous. */
gboolean               sandbox_oauth_handle                 (SandboxOAuth       *self,
                                                             SoupServerMessage  *msg,
                                                             const char         *path,
                                                             GHashTable         *query);

/* Looks up an OAuth access token. NULL when unknown, expired, rotated away
 * or revoked. Free with sandbox_oauth_token_info_free(). */
SandboxOAuthTokenInfo *sandbox_oauth_lookup_access_token    (SandboxOAuth       *self,
                                                             const char         *token);
void                   sandbox_oauth_token_info_free        (SandboxOAuthTokenInfo *info);

/* Control API operations. @user_id NULL means every user. Return how many
 * grants / tokens were affected. */
guint                  sandbox_oauth_revoke_user            (SandboxOAuth *self,
                                                             const char   *user_id);
guint                  sandbox_oauth_remove_base            (SandboxOAuth *self,
                                                             const char   *user_id,
                                                             const char   *base_id);
guint                  sandbox_oauth_expire_access_tokens   (SandboxOAuth *self,
                                                             const char   *user_id);

/* Counters for GET /__sandbox/stats. */
guint64                sandbox_oauth_get_refresh_count      (SandboxOAuth *self); /* successful refreshes */
guint64                sandbox_oauth_get_token_request_count(SandboxOAuth *self); /* every POST to /token */
guint64                sandbox_oauth_get_exchange_count     (SandboxOAuth *self); /* successful code exchanges */

/* Persistence (the core writes the state directory). The state holds only
 * SHA-256 digests of codes, tokens and client secrets, never the values. */
JsonNode              *sandbox_oauth_serialize              (SandboxOAuth *self);
gboolean               sandbox_oauth_deserialize            (SandboxOAuth *self,
                                                             JsonNode     *node,
                                                             GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandboxOAuth, sandbox_oauth_free)

G_END_DECLS
