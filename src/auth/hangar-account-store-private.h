/* hangar-account-store-private.h — what the account store's files share
 *
 * HangarAccountStore is one class over several files, one concern each:
 *
 *   hangar-account-store.c               the object, the GListModel, lookups,
 *                                        get-or-create, removal
 *   hangar-account-store-file.c          accounts.json: read, merge with other
 *                                        processes' changes, atomic write, monitor
 *   hangar-account-store-keyring.c       libsecret, both schemas: account
 *                                        secrets and saved integrations' secrets
 *   hangar-account-store-connect.c       connecting with a personal access
 *                                        token or an OAuth code
 *   hangar-account-store-integrations.c  saved OAuth integrations
 *                                        (integrations.json)
 *
 * Only the keyring file talks to libsecret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hangar-account-private.h"
#include "hangar-account-store.h"

G_BEGIN_DECLS

struct _HangarAccountStore
{
  GObject       parent_instance;

  char         *path;
  GPtrArray    *accounts;        /* of HangarAccount* */
  GHashTable   *removed_ids;     /* ids removed here, not to be merged back from disk */
  GFileMonitor *monitor;
  guint         save_source;
  char         *last_contents;   /* what we last read or wrote */
  gboolean      loading;
  SoupSession  *session;
};

/* The "version" member of accounts.json and integrations.json. */
#define HANGAR_ACCOUNT_STORE_FILE_VERSION 1
/* An account takes about 1 KB of accounts.json and an integration less of
 * integrations.json: 4 MiB is thousands of them. A larger file is not ours
 * and is refused before it is read. */
#define HANGAR_ACCOUNT_STORE_MAX_FILE_BYTES (4 * 1024 * 1024)

/* --- hangar-account-store.c ---------------------------------------------- */

/* The position of the account with @id in the list. */
gboolean  _hangar_account_store_find            (HangarAccountStore  *self,
                                                 const char          *id,
                                                 guint               *position);
/* Appends @account (the caller emits items-changed) and saves the metadata
 * whenever one of its properties changes. */
void      _hangar_account_store_add             (HangarAccountStore  *self,
                                                 HangarAccount       *account);
/* Takes the account at @position out of the list (the caller emits
 * items-changed). */
void      _hangar_account_store_drop_at         (HangarAccountStore  *self,
                                                 guint                position);

/* --- hangar-account-store-file.c ----------------------------------------- */

/* Reads a metadata file of at most HANGAR_ACCOUNT_STORE_MAX_FILE_BYTES
 * (NUL-terminated; the length excludes the NUL). A missing file fails with
 * G_FILE_ERROR_NOENT. */
gboolean  _hangar_account_store_read_file       (const char          *path,
                                                 char               **out_contents,
                                                 gsize               *out_length,
                                                 GError             **error);
/* Writes accounts.json now, keeping accounts another process added. */
gboolean  _hangar_account_store_write_file      (HangarAccountStore  *self,
                                                 GError             **error);
/* Writes accounts.json from an idle (once, however many changes come). */
void      _hangar_account_store_schedule_save   (HangarAccountStore  *self);
/* Starts and stops following changes other processes make to the file. */
void      _hangar_account_store_watch_file      (HangarAccountStore  *self);
void      _hangar_account_store_unwatch_file    (HangarAccountStore  *self);

/* --- hangar-account-store-keyring.c -------------------------------------- */

/* Clears the account's keyring item (every generation). */
void      _hangar_account_store_clear_secret_async              (HangarAccountStore   *self,
                                                                 HangarAccount        *account,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
gboolean  _hangar_account_store_clear_secret_finish             (HangarAccountStore   *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);
/* Stores @secret as the client secret of the saved integration @name, or
 * clears it when @secret is NULL. */
void      _hangar_account_store_set_integration_secret_async    (HangarAccountStore   *self,
                                                                 const char           *name,
                                                                 const char           *secret,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
gboolean  _hangar_account_store_set_integration_secret_finish   (HangarAccountStore   *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);
/* The client secret of the saved integration @name (free it with
 * hangar_token_free()); HANGAR_AUTH_ERROR_NOT_FOUND when none is kept. */
void      _hangar_account_store_load_integration_secret_async   (HangarAccountStore   *self,
                                                                 const char           *name,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
char     *_hangar_account_store_load_integration_secret_finish  (HangarAccountStore   *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);

/* --- hangar-account-store-connect.c -------------------------------------- */

/* The get-or-create key of a connected account (see hangar-account-store.h):
 * "pat|<api-url>|<user-id>" or "oauth|<oauth-url>|<client-id>|<user-id>". */
char     *_hangar_account_store_make_identifier (HangarAccountKind    kind,
                                                 const char          *api_url,
                                                 const char          *oauth_url,
                                                 const char          *client_id,
                                                 const char          *user_id);

G_END_DECLS
