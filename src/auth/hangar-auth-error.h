/* hangar-auth-error.h — the HANGAR_AUTH_ERROR domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANGAR_AUTH_ERROR (hangar_auth_error_quark ())

/**
 * HangarAuthError:
 * @HANGAR_AUTH_ERROR_FAILED: anything not listed below
 * @HANGAR_AUTH_ERROR_CANCELLED: the user refused consent (`access_denied`);
 *   show no error, just end the flow
 * @HANGAR_AUTH_ERROR_STATE_MISMATCH: the redirect's `state` is not the one we sent
 * @HANGAR_AUTH_ERROR_REDIRECT_MISMATCH: the URI is not the registered redirect URI
 * @HANGAR_AUTH_ERROR_AUTHORIZATION: the authorization server redirected with an
 *   `error` other than `access_denied` (message carries `error_description`)
 * @HANGAR_AUTH_ERROR_INVALID_GRANT: the token endpoint answered `invalid_grant`
 *   (code reused or expired, refresh token revoked/rotated away/expired)
 * @HANGAR_AUTH_ERROR_INVALID_CLIENT: `invalid_client` (wrong id or secret)
 * @HANGAR_AUTH_ERROR_CONFLICT: 409: this refresh token was just refreshed
 * @HANGAR_AUTH_ERROR_TOKEN_ENDPOINT: any other error from the token endpoint
 * @HANGAR_AUTH_ERROR_NETWORK: no HTTP response at all
 * @HANGAR_AUTH_ERROR_INVALID_RESPONSE: a response that breaks the protocol
 * @HANGAR_AUTH_ERROR_UNAUTHORIZED: whoami (or another API call) answered 401
 * @HANGAR_AUTH_ERROR_IDENTITY_MISMATCH: reconnecting signed in as another user
 * @HANGAR_AUTH_ERROR_NOT_FOUND: no such account, or no stored secret
 * @HANGAR_AUTH_ERROR_EXISTS: an account with that label already exists
 * @HANGAR_AUTH_ERROR_KEYRING: the Secret Service failed
 * @HANGAR_AUTH_ERROR_INVALID_SETTINGS: bad client id / redirect URI / URL / label
 * @HANGAR_AUTH_ERROR_LOCKED: the per-account refresh lock could not be taken in time
 *
 * Errors of the accounts layer (src/auth).
 */
typedef enum
{
  HANGAR_AUTH_ERROR_FAILED,
  HANGAR_AUTH_ERROR_CANCELLED,
  HANGAR_AUTH_ERROR_STATE_MISMATCH,
  HANGAR_AUTH_ERROR_REDIRECT_MISMATCH,
  HANGAR_AUTH_ERROR_AUTHORIZATION,
  HANGAR_AUTH_ERROR_INVALID_GRANT,
  HANGAR_AUTH_ERROR_INVALID_CLIENT,
  HANGAR_AUTH_ERROR_CONFLICT,
  HANGAR_AUTH_ERROR_TOKEN_ENDPOINT,
  HANGAR_AUTH_ERROR_NETWORK,
  HANGAR_AUTH_ERROR_INVALID_RESPONSE,
  HANGAR_AUTH_ERROR_UNAUTHORIZED,
  HANGAR_AUTH_ERROR_IDENTITY_MISMATCH,
  HANGAR_AUTH_ERROR_NOT_FOUND,
  HANGAR_AUTH_ERROR_EXISTS,
  HANGAR_AUTH_ERROR_KEYRING,
  HANGAR_AUTH_ERROR_INVALID_SETTINGS,
  HANGAR_AUTH_ERROR_LOCKED,
} HangarAuthError;

GQuark hangar_auth_error_quark (void);

G_END_DECLS
