/* hangar-account-store.h — the list of accounts: metadata file + keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "hangar-account.h"
#include "hangar-credentials.h"
#include "hangar-oauth.h"

G_BEGIN_DECLS

/* The libsecret schema: attributes "account-id" (string) and "generation"
 * (string, HANGAR_SECRET_GENERATION; bump it when the secret format changes
 * and old items stop matching). */
#define HANGAR_SECRET_SCHEMA_NAME "io.github.tablehangar.Hangar.Account"
#define HANGAR_SECRET_GENERATION  "1"
/* Saved integrations' client secrets: attributes "integration" (its name)
 * and "generation". */
#define HANGAR_INTEGRATION_SCHEMA_NAME "io.github.tablehangar.Hangar.Integration"

/*
 * HangarAccountStore: a GListModel of HangarAccount.
 *
 * Non-secret metadata lives in $XDG_CONFIG_HOME/hangar/accounts.json
 * (written atomically with mode 0600, re-read when another process changes
 * it); secrets live only in the Secret Service, one item per account.
 *
 * Identifiers (the get-or-create key):
 *   "oauth|<oauth-url>|<client-id>|<user-id>"  a connected OAuth account
 *   "pat|<api-url>|<user-id>"                  a connected PAT account
 *   "pending|<label>"                          before whoami told who it is
 */
#define HANGAR_TYPE_ACCOUNT_STORE (hangar_account_store_get_type ())

G_DECLARE_FINAL_TYPE (HangarAccountStore, hangar_account_store, HANGAR, ACCOUNT_STORE, GObject)

/* Loads $XDG_CONFIG_HOME/hangar/accounts.json (a missing file = no accounts). */
HangarAccountStore *hangar_account_store_new              (GError            **error);
/* Same, with an explicit metadata file (tests). */
HangarAccountStore *hangar_account_store_new_for_path     (const char         *path,
                                                           GError            **error);
/* A process-wide default store (created on first use; transfer none). */
HangarAccountStore *hangar_account_store_get_default      (void);

const char         *hangar_account_store_get_path         (HangarAccountStore *self);
/* Re-reads the file now (also done automatically by a file monitor). */
gboolean            hangar_account_store_reload           (HangarAccountStore *self,
                                                           GError            **error);
/* Writes pending metadata changes now (they are otherwise written from an idle). */
gboolean            hangar_account_store_flush            (HangarAccountStore *self,
                                                           GError            **error);

HangarAccount      *hangar_account_store_lookup_by_id         (HangarAccountStore *self,
                                                               const char         *id);
HangarAccount      *hangar_account_store_lookup_by_label      (HangarAccountStore *self,
                                                               const char         *label);
HangarAccount      *hangar_account_store_lookup_by_identifier (HangarAccountStore *self,
                                                               const char         *identifier);

/* Returns the account with @identifier, creating it (PENDING, with @label and
 * @kind) if there is none. Idempotent. Transfer none. */
HangarAccount      *hangar_account_store_get_or_create    (HangarAccountStore *self,
                                                           const char         *identifier,
                                                           const char         *label,
                                                           HangarAccountKind   kind);

/* hangar-sandbox prefers one port but takes any free one when that is busy:
 * this points every account of a local sandbox (an http API URL on
 * 127.0.0.1, localhost or [::1]) at @url, where the sandbox listens now —
 * its API URL, its OAuth URL and the identifier, which names the URL — so
 * the saved tokens (kept in the sandbox's state) keep working. Accounts of
 * any other server are never touched, and @url itself must be a loopback
 * http URL (otherwise nothing moves). A moved account's client is replaced
 * ("client" is notified). The file is saved from an idle, or by
 * hangar_account_store_flush(). Returns how many accounts moved. */
guint               hangar_account_store_move_sandbox_accounts (HangarAccountStore *self,
                                                                const char         *url);

/* Removes the account: clears its keyring item, its metadata and
 * $XDG_CACHE_HOME/hangar/<id>/. */
void                hangar_account_store_remove_async     (HangarAccountStore  *self,
                                                           HangarAccount       *account,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean            hangar_account_store_remove_finish    (HangarAccountStore  *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* --- Secrets (async libsecret) -------------------------------------------- */

void                hangar_account_store_save_credentials_async  (HangarAccountStore      *self,
                                                                  HangarAccount           *account,
                                                                  const HangarCredentials *credentials,
                                                                  GCancellable            *cancellable,
                                                                  GAsyncReadyCallback      callback,
                                                                  gpointer                 user_data);
gboolean            hangar_account_store_save_credentials_finish (HangarAccountStore  *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);
/* Fails with HANGAR_AUTH_ERROR_NOT_FOUND when the account has no secret. */
void                hangar_account_store_load_credentials_async  (HangarAccountStore  *self,
                                                                  HangarAccount       *account,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
HangarCredentials  *hangar_account_store_load_credentials_finish (HangarAccountStore  *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

/* The account's OAuth integration (URLs, client id, redirect URI, requested
 * scopes from the metadata; the client secret from the keyring), e.g. to
 * reconnect it. */
void                    hangar_account_store_load_integration_async  (HangarAccountStore  *self,
                                                                      HangarAccount       *account,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
HangarOAuthIntegration *hangar_account_store_load_integration_finish (HangarAccountStore  *self,
                                                                      GAsyncResult        *result,
                                                                      GError             **error);

/* --- Connecting ----------------------------------------------------------- */

/* Connects (or, when an account labelled @label exists, reconnects) with a
 * personal access token: the PAT is stored in the keyring, validated with
 * whoami, and the account becomes ACTIVE. A refused token fails with
 * HANGAR_AUTH_ERROR_UNAUTHORIZED and leaves no new account behind.
 * @api_url NULL = Airtable. */
void                hangar_account_store_connect_pat_async    (HangarAccountStore  *self,
                                                               const char          *label,
                                                               const char          *api_url,
                                                               const char          *token,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
HangarAccount      *hangar_account_store_connect_pat_finish   (HangarAccountStore  *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* Finishes a consent flow: exchanges @code (from hangar_oauth_flow_parse_redirect()),
 * stores the tokens (and the client secret) in the keyring BEFORE their first
 * use, asks whoami who signed in, and makes the account ACTIVE. With an
 * existing account labelled @label this is a reconnect, which must sign in as
 * the same user (HANGAR_AUTH_ERROR_IDENTITY_MISMATCH otherwise). Signing in
 * again as a user of an existing account updates that account. Transfer none. */
void                hangar_account_store_connect_oauth_async  (HangarAccountStore  *self,
                                                               const char          *label,
                                                               HangarOAuthFlow     *flow,
                                                               const char          *code,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
HangarAccount      *hangar_account_store_connect_oauth_finish (HangarAccountStore  *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* --- Saved OAuth integrations --------------------------------------------- */

/* Bring your own integration once, connect several accounts with it. The
 * settings are kept in integrations.json next to the accounts file (0600,
 * no secret), the client secret in its own keyring item. A connected account
 * keeps its own copy, so editing or removing a saved integration never
 * breaks it (reconnect it to pick up a new secret). */
char                  **hangar_account_store_list_integrations  (HangarAccountStore *self);
/* Without the client secret; @has_secret tells whether one is kept. */
HangarOAuthIntegration *hangar_account_store_lookup_integration (HangarAccountStore *self,
                                                                 const char         *name,
                                                                 gboolean           *has_secret);
/* Validates @integration, then saves (or replaces) it under @name. */
void                    hangar_account_store_save_integration_async   (HangarAccountStore           *self,
                                                                       const char                   *name,
                                                                       const HangarOAuthIntegration *integration,
                                                                       GCancellable                 *cancellable,
                                                                       GAsyncReadyCallback           callback,
                                                                       gpointer                      user_data);
gboolean                hangar_account_store_save_integration_finish  (HangarAccountStore  *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
/* With the client secret from the keyring; HANGAR_AUTH_ERROR_NOT_FOUND
 * when nothing is saved under @name. */
void                    hangar_account_store_load_named_integration_async  (HangarAccountStore  *self,
                                                                            const char          *name,
                                                                            GCancellable        *cancellable,
                                                                            GAsyncReadyCallback  callback,
                                                                            gpointer             user_data);
HangarOAuthIntegration *hangar_account_store_load_named_integration_finish (HangarAccountStore  *self,
                                                                            GAsyncResult        *result,
                                                                            GError             **error);
/* Forgets the integration and clears its secret. */
void                    hangar_account_store_remove_integration_async  (HangarAccountStore  *self,
                                                                        const char          *name,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);
gboolean                hangar_account_store_remove_integration_finish (HangarAccountStore  *self,
                                                                        GAsyncResult        *result,
                                                                        GError             **error);

/* The HTTP session the accounts layer uses for the token endpoint and whoami
 * (one per store; no cookie jar). */
SoupSession        *hangar_account_store_get_session      (HangarAccountStore *self);

G_END_DECLS
