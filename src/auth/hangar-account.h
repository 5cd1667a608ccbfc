/* hangar-account.h — one connected Airtable account (no GTK)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/**
 * HangarAccountStatus:
 * @HANGAR_ACCOUNT_STATUS_PENDING: created, not yet authorized
 * @HANGAR_ACCOUNT_STATUS_ACTIVE: tokens work (or can be refreshed)
 * @HANGAR_ACCOUNT_STATUS_EXPIRED: a needed refresh could not be done (offline
 *   past expiry) or the refresh token is past its end
 * @HANGAR_ACCOUNT_STATUS_REVOKED: the grant is gone (refresh refused with
 *   `invalid_grant`, a personal access token refused with 401)
 * @HANGAR_ACCOUNT_STATUS_ERROR: configuration or unexpected failure
 *
 * Every status but ACTIVE comes with a human-readable
 * #HangarAccount:status-reason.
 */
typedef enum
{
  HANGAR_ACCOUNT_STATUS_PENDING,
  HANGAR_ACCOUNT_STATUS_ACTIVE,
  HANGAR_ACCOUNT_STATUS_EXPIRED,
  HANGAR_ACCOUNT_STATUS_REVOKED,
  HANGAR_ACCOUNT_STATUS_ERROR,
} HangarAccountStatus;

/**
 * HangarAccountKind:
 * @HANGAR_ACCOUNT_KIND_OAUTH: OAuth 2.0 (authorization code + PKCE), refreshing
 * @HANGAR_ACCOUNT_KIND_PAT: a personal access token
 */
typedef enum
{
  HANGAR_ACCOUNT_KIND_OAUTH,
  HANGAR_ACCOUNT_KIND_PAT,
} HangarAccountKind;

#define HANGAR_TYPE_ACCOUNT_STATUS (hangar_account_status_get_type ())
#define HANGAR_TYPE_ACCOUNT_KIND   (hangar_account_kind_get_type ())
GType hangar_account_status_get_type (void);
GType hangar_account_kind_get_type   (void);

/* Default Airtable endpoints. */
#define HANGAR_AIRTABLE_API_URL   "https://api.airtable.com"
#define HANGAR_AIRTABLE_OAUTH_URL "https://airtable.com"

#define HANGAR_TYPE_ACCOUNT (hangar_account_get_type ())

G_DECLARE_FINAL_TYPE (HangarAccount, hangar_account, HANGAR, ACCOUNT, GObject)

typedef struct _HangarAccountStore HangarAccountStore;

/*
 * Properties (all readable, notify with G_PARAM_EXPLICIT_NOTIFY; the store
 * saves the metadata file when one changes). Times are Unix seconds, 0 = unknown.
 *
 *   "id"                 string   stable, random, never reused ("acc" + 16 hex)
 *   "label"              string   the user's name for it (unique in the store)
 *   "identifier"         string   get-or-create key, see hangar_account_store_get_or_create()
 *   "kind"               HangarAccountKind
 *   "status"             HangarAccountStatus
 *   "status-reason"      string   human-readable, NULL when nothing to say
 *   "needs-attention"    boolean  status is not ACTIVE (read-only)
 *   "user-id"            string   Airtable user id (usr…) from whoami
 *   "email"              string   from whoami (needs user.email:read)
 *   "scopes"             GStrv    granted scopes (OAuth; NULL for a PAT: unknown)
 *   "requested-scopes"   GStrv    what the connect flow asked for (OAuth)
 *   "api-url"            string   e.g. https://api.airtable.com
 *   "oauth-url"          string   e.g. https://airtable.com (OAuth only)
 *   "client-id"          string   the OAuth integration's client id
 *   "redirect-uri"       string   the integration's registered redirect URI
 *   "connected-at"       int64
 *   "last-refresh"       int64
 *   "access-expires-at"  int64
 *   "refresh-expires-at" int64
 *   "client"             HangarClient (read-only, created on first read;
 *                        notified when a reconnect replaced a revoked one)
 */

const char          *hangar_account_get_id                 (HangarAccount *self);
const char          *hangar_account_get_label              (HangarAccount *self);
void                 hangar_account_set_label              (HangarAccount *self,
                                                            const char    *label);
const char          *hangar_account_get_identifier         (HangarAccount *self);
HangarAccountKind    hangar_account_get_kind               (HangarAccount *self);
HangarAccountStatus  hangar_account_get_status             (HangarAccount *self);
const char          *hangar_account_get_status_reason      (HangarAccount *self);
void                 hangar_account_set_status             (HangarAccount       *self,
                                                            HangarAccountStatus  status,
                                                            const char          *reason);
gboolean             hangar_account_get_needs_attention    (HangarAccount *self);
const char          *hangar_account_get_user_id            (HangarAccount *self);
const char          *hangar_account_get_email              (HangarAccount *self);
const char * const  *hangar_account_get_scopes             (HangarAccount *self);
const char * const  *hangar_account_get_requested_scopes   (HangarAccount *self);
gboolean             hangar_account_has_scope              (HangarAccount *self,
                                                            const char    *scope);
const char          *hangar_account_get_api_url            (HangarAccount *self);
const char          *hangar_account_get_oauth_url          (HangarAccount *self);
const char          *hangar_account_get_client_id          (HangarAccount *self);
const char          *hangar_account_get_redirect_uri       (HangarAccount *self);
gint64               hangar_account_get_connected_at       (HangarAccount *self);
gint64               hangar_account_get_last_refresh       (HangarAccount *self);
gint64               hangar_account_get_access_expires_at  (HangarAccount *self);
gint64               hangar_account_get_refresh_expires_at (HangarAccount *self);

/* Human-readable status name ("Active", "Revoked", …), translated. */
const char          *hangar_account_status_to_string       (HangarAccountStatus status);
const char          *hangar_account_kind_to_string         (HangarAccountKind   kind);

/* The store the account lives in (not owned; NULL once the store is gone). */
HangarAccountStore  *hangar_account_get_store              (HangarAccount *self);

/* The account's token source (a HangarOAuthTokenSource for both kinds),
 * created on first use. Transfer none. */
HangarTokenSource   *hangar_account_get_token_source       (HangarAccount *self);

/* The account's one HangarClient, created on first use with the account's
 * api-url and token source, so every panel of the app shares it (and its
 * rate limiter, cancellation and invalidation). Transfer none. */
HangarClient        *hangar_account_get_client             (HangarAccount *self);

/* Directory for cached data of this account: $XDG_CACHE_HOME/hangar/<id>
 * (not created here). Removed with the account. */
char                *hangar_account_dup_cache_dir          (HangarAccount *self);

G_END_DECLS
