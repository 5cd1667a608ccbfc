/* sandbox-oauth-private.h — what the OAuth module's files share
 *
 * Integrations, grants (with their tokens' digests), authorization codes and
 * the consent pages waiting for a decision, and the functions the module's
 * files (sandbox-oauth*.c) share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sandbox-oauth.h"

G_BEGIN_DECLS

#define CLIENT_ID_MAX         64
#define PENDING_TTL_US        (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define MAX_PENDING           4096
#define MAX_ROTATED_PER_GRANT 64
#define STATE_VERSION         1

typedef struct
{
  char   client_id[CLIENT_ID_MAX]; /* in place so a pointer to it stays valid */
  char  *name;
  char  *secret_hash;              /* SHA-256 hex of the secret; NULL = public */
  GStrv  redirect_uris;
  GStrv  scopes;                   /* enabled for the integration */
} OAuthIntegration;

typedef struct _OAuthGrant OAuthGrant;

typedef struct
{
  char       *hash;
  OAuthGrant *grant;
  gint64      rotated_us;
} OAuthRotated;

struct _OAuthGrant
{
  char      *id;
  char      *user_id;
  char      *client_id;
  GStrv      scopes;            /* of the grant (and of its refresh tokens) */
  GPtrArray *base_ids;          /* of char* */
  gint64     created_us;

  char      *access_hash;       /* NULL when no live access token */
  GStrv      access_scopes;     /* may be a subset after a scoped refresh */
  gint64     access_expires_us;

  char      *refresh_hash;      /* NULL when none */
  gint64     refresh_expires_us;

  GPtrArray *rotated;           /* of OAuthRotated*, oldest first */
  char      *attempts_hash;     /* the refresh token the attempts are for */
  GArray    *attempts;          /* gint64 µs of its recent uses (not persisted) */
};

typedef struct
{
  char  *hash;
  char  *client_id;
  char  *redirect_uri;
  char  *user_id;
  char  *challenge;
  GStrv  scopes;
  GStrv  base_ids;
  gint64 expires_us;
} OAuthCode;

typedef struct
{
  char  *form_token;
  char  *client_id;
  char  *redirect_uri;
  char  *state;
  char  *challenge;
  GStrv  scopes;
  char  *user_id;               /* the account the page currently shows */
  gint64 created_us;
} OAuthPending;

struct _SandboxOAuth
{
  SandboxOAuthConfig    config;
  SandboxOAuthCoreFuncs funcs;
  gpointer              core;

  GHashTable *integrations;     /* client_id → OAuthIntegration* (owned) */
  GHashTable *grants;           /* id → OAuthGrant* (owned) */
  GHashTable *access_index;     /* hash → OAuthGrant* */
  GHashTable *refresh_index;    /* hash → OAuthGrant* */
  GHashTable *rotated_index;    /* hash → OAuthRotated* (owned by its grant) */
  GHashTable *codes;            /* hash → OAuthCode* (owned) */
  GHashTable *pending;          /* form token → OAuthPending* (owned) */

  guint64 refresh_count;
  guint64 token_request_count;
  guint64 exchange_count;
};

typedef struct
{
  char *name;
  char *value;
} OAuthFormField;

/* sandbox-oauth.c */
gint64 _sandbox_oauth_now_us (void);
char *_sandbox_oauth_base64url_encode (const guint8 *data,
                                       gsize         len);
char *_sandbox_oauth_random_token (const char *prefix,
                                   gsize       nbytes);
char *_sandbox_oauth_hash_secret (const char *secret);
gboolean _sandbox_oauth_digest_equal (const char *a,
                                      const char *b);
gboolean _sandbox_oauth_str_in_strv (const char * const *strv,
                                     const char         *s);
gboolean _sandbox_oauth_ptr_array_has_str (GPtrArray  *array,
                                           const char *s);
gboolean _sandbox_oauth_is_known_scope (const char *scope);
gboolean _sandbox_oauth_is_charset (const char *s,
                                    const char *extra);
void _sandbox_oauth_changed (SandboxOAuth *self);
void _sandbox_oauth_integration_free (OAuthIntegration *integ);
void _sandbox_oauth_rotated_free (OAuthRotated *r);
OAuthGrant *_sandbox_oauth_grant_new (const char *user_id,
                                 const char *client_id,
                                 const char * const *scopes,
                                 const char * const *base_ids);
void _sandbox_oauth_grant_free (OAuthGrant *grant);
void _sandbox_oauth_code_free (OAuthCode *code);
void _sandbox_oauth_pending_free (OAuthPending *p);
void _sandbox_oauth_form_field_free (OAuthFormField *f);
void _sandbox_oauth_grant_revoke (SandboxOAuth *self,
                                  OAuthGrant        *grant);
void _sandbox_oauth_grant_add_rotated (SandboxOAuth *self,
                                       OAuthGrant        *grant,
                                       char         *hash, /* transfer full */
                                       gint64        rotated_us);
void _sandbox_oauth_grant_issue_tokens (SandboxOAuth *self,
                                        OAuthGrant        *grant,
                                        const char * const *access_scopes,
                                        char        **out_access,
                                        char        **out_refresh);
OAuthIntegration *_sandbox_oauth_find_integration_by_name (SandboxOAuth *self,
                                                      const char   *name);

/* sandbox-oauth-http.c */
GPtrArray *_sandbox_oauth_form_parse (const char *data,
                                      gsize       len);
GHashTable *_sandbox_oauth_form_index (GPtrArray   *fields,
                                       GHashTable **out_repeated);
GBytes *_sandbox_oauth_request_body (SoupServerMessage *msg);
gboolean _sandbox_oauth_is_form_content_type (SoupServerMessage *msg);
GStrv _sandbox_oauth_parse_scopes (const char  *value,
                                   const char **why);
void _sandbox_oauth_respond_json_node (SoupServerMessage *msg,
                                       guint              status,
                                       JsonNode          *node);
void _sandbox_oauth_respond_oauth_error (SoupServerMessage *msg,
                                         guint              status,
                                         const char        *error,
                                         const char        *description);
void _sandbox_oauth_token_error (SoupServerMessage *msg,
                                 const char        *error,
                                 const char        *description);
void _sandbox_oauth_respond_html (SoupServerMessage *msg,
                                  guint              status,
                                  GString           *html);  /* transfer full */
void _sandbox_oauth_respond_error_page (SoupServerMessage *msg,
                                        guint              status,
                                        const char        *title,
                                        const char        *detail);
void _sandbox_oauth_append_query_param (GString    *s,
                                        const char *name,
                                        const char *value);
void _sandbox_oauth_respond_redirect (SoupServerMessage *msg,
                                      const char        *location);
void _sandbox_oauth_redirect_error (SoupServerMessage *msg,
                                    const char        *redirect_uri,
                                    const char        *error,
                                    const char        *description,
                                    const char        *state);
void _sandbox_oauth_respond_method_not_allowed (SoupServerMessage *msg,
                                                const char        *allow);

/* sandbox-oauth-authorize.c, sandbox-oauth-token.c */
void _sandbox_oauth_handle_authorize (SandboxOAuth      *self,
                                      SoupServerMessage *msg);
void _sandbox_oauth_handle_decision (SandboxOAuth      *self,
                                     SoupServerMessage *msg);
void _sandbox_oauth_handle_token (SandboxOAuth      *self,
                                  SoupServerMessage *msg);

G_END_DECLS
