/* hangar-credentials.h — the secret part of an account (kept in the keyring)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * HangarCredentials:
 * @access_token: OAuth access token, or the personal access token
 * @refresh_token: (nullable): OAuth refresh token
 * @access_expires_at: Unix time in microseconds, 0 = never (PAT)
 * @refresh_expires_at: Unix time in microseconds, 0 = unknown
 * @issued_at: when @access_token was obtained, Unix µs (sizes the refresh margin)
 * @client_secret: (nullable): the OAuth integration's client secret
 * @scope: (nullable): granted scopes as the token endpoint returned them
 *   (space-separated; not stored in the keyring, it goes to the metadata)
 *
 * One secret item per account, stored as a JSON object. Free with
 * hangar_credentials_free(), which wipes the strings.
 */
typedef struct
{
  char   *access_token;
  char   *refresh_token;
  gint64  access_expires_at;
  gint64  refresh_expires_at;
  gint64  issued_at;
  char   *client_secret;
  char   *scope;
} HangarCredentials;

#define HANGAR_TYPE_CREDENTIALS (hangar_credentials_get_type ())
GType              hangar_credentials_get_type  (void);

HangarCredentials *hangar_credentials_new       (void);
HangarCredentials *hangar_credentials_copy      (const HangarCredentials *self);
void               hangar_credentials_free      (HangarCredentials       *self);

/* Serialisation for the keyring item: a JSON object with access_token,
 * refresh_token, access_expires_at, refresh_expires_at, issued_at (µs) and
 * client_secret. The returned string must be wiped: use hangar_token_free(). */
char              *hangar_credentials_to_json   (const HangarCredentials *self);
HangarCredentials *hangar_credentials_from_json (const char              *json,
                                                 GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarCredentials, hangar_credentials_free)

G_END_DECLS
