/* hangar-account-private.h — what the store and token source share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-account.h"
#include "hangar-oauth.h"

G_BEGIN_DECLS

struct _HangarAccount
{
  GObject              parent_instance;

  char                *id;
  char                *label;
  char                *identifier;
  HangarAccountKind    kind;
  HangarAccountStatus  status;
  char                *status_reason;
  char                *user_id;
  char                *email;
  char               **scopes;
  char               **requested_scopes;
  char                *api_url;
  char                *oauth_url;
  char                *client_id;
  char                *redirect_uri;
  gint64               connected_at;
  gint64               last_refresh;
  gint64               access_expires_at;
  gint64               refresh_expires_at;

  GWeakRef             store;
  HangarTokenSource   *token_source;
  HangarClient        *client;
};

HangarAccount          *_hangar_account_new              (const char         *id);
void                    _hangar_account_set_store        (HangarAccount      *self,
                                                          HangarAccountStore *store);
/* Metadata <-> JSON object (one entry of accounts.json). */
JsonNode               *_hangar_account_to_json          (HangarAccount      *self);
gboolean                _hangar_account_update_from_json (HangarAccount      *self,
                                                          JsonObject         *obj);
/* Typed setters: the only way the metadata changes besides
 * hangar_account_set_label() and hangar_account_set_status(). Each notifies
 * what changed, and the store then saves the file. Times are Unix seconds
 * (negative counts as 0, unknown). */
void                    _hangar_account_set_identifier   (HangarAccount      *self,
                                                          const char         *identifier);
void                    _hangar_account_set_identity     (HangarAccount      *self,
                                                          const char         *user_id,
                                                          const char         *email);
void                    _hangar_account_set_scopes       (HangarAccount      *self,
                                                          const char * const *scopes);
void                    _hangar_account_set_api_url      (HangarAccount      *self,
                                                          const char         *api_url);
void                    _hangar_account_set_oauth_url    (HangarAccount      *self,
                                                          const char         *oauth_url);
/* The API URL, and for an OAuth account (set the kind first) the OAuth URL,
 * client id, redirect URI and requested scopes; never the client secret. */
void                    _hangar_account_set_integration  (HangarAccount                *self,
                                                          const HangarOAuthIntegration *integration);
void                    _hangar_account_set_connected_at (HangarAccount      *self,
                                                          gint64              unix_s);
void                    _hangar_account_set_last_refresh (HangarAccount      *self,
                                                          gint64              unix_s);
void                    _hangar_account_set_expiry       (HangarAccount      *self,
                                                          gint64              access_expires_at,
                                                          gint64              refresh_expires_at);
void                    _hangar_account_set_kind         (HangarAccount      *self,
                                                          HangarAccountKind   kind);
/* The integration settings from the metadata (no client secret). */
HangarOAuthIntegration *_hangar_account_dup_integration  (HangarAccount      *self);
/* Drops the client and token source (on removal). */
void                    _hangar_account_shutdown         (HangarAccount      *self);

typedef struct _HangarOAuthTokenSource HangarOAuthTokenSource;
gboolean                _hangar_oauth_token_source_is_invalid (HangarOAuthTokenSource *self);

/* The wall clock the token lifecycle uses (Unix µs): g_get_real_time() plus
 * a skew that only tests set, to make the wall clock jump ahead while the
 * main loop's monotonic timers stand still — what a suspend looks like to a
 * process. Token issue times and expiry checks both read it, so they agree. */
gint64                  _hangar_auth_get_real_time       (void);
void                    _hangar_auth_set_clock_skew      (gint64 skew_us);

/* Members of the JSON objects the accounts layer keeps (accounts.json,
 * integrations.json, keyring payloads), read with hangar-json's typed
 * getters: NULL / 0 when missing or of another type. A time is a
 * non-negative integer (anything else: 0, unknown). */
const char             *_hangar_auth_json_string         (JsonObject  *obj,
                                                          const char  *member);
gint64                  _hangar_auth_json_time           (JsonObject  *obj,
                                                          const char  *member);
char                  **_hangar_auth_json_strv           (JsonObject  *obj,
                                                          const char  *member);
/* json-glib keeps its own copies of string values: wipe those that held
 * secrets before the nodes are freed. */
void                    _hangar_auth_wipe_json_strings   (JsonObject  *obj);

/* Creates @dir (mode 0700) and, when it is Hangar's own directory (named
 * "hangar", owned by us), takes away any group/other access it had. */
gboolean                _hangar_auth_ensure_private_dir  (const char  *dir,
                                                          GError     **error);

/* Makes every live OAuth token source re-check its expiry now (what the
 * logind PrepareForSleep(false) handler does after a resume). */
void                    _hangar_oauth_token_source_recheck_all (void);
/* TRUE once the resume listener is subscribed on the system bus (FALSE
 * while connecting, and for good when there is no system bus). */
gboolean                _hangar_oauth_token_source_resume_watch_active (void);

G_END_DECLS
