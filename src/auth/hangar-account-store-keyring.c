/* hangar-account-store-keyring.c — the store's secrets in the Secret Service
 *
 * Two libsecret schemas: one item per account (HANGAR_SECRET_SCHEMA_NAME:
 * access and refresh token, their expiries, a client secret, as one JSON
 * object) and one per saved integration that has a client secret
 * (HANGAR_INTEGRATION_SCHEMA_NAME). Nothing else in the store talks to
 * libsecret.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "hangar-account-store-private.h"
#include "hangar-auth-error.h"
#include "hangar-token-source.h"

/* ------------------------------------------------------------------------ */
/* Schemas and the backend                                                  */

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    HANGAR_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "generation", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static const SecretSchema *
get_integration_schema (void)
{
  static const SecretSchema schema = {
    HANGAR_INTEGRATION_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "integration", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "generation", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

/* libsecret's file backend (tests, and Flatpak through the Secret portal)
 * reads the keyring file once per backend instance and rewrites it whole.
 * Another process (hangar-cli next to the app) may have changed it, so
 * drop the cached instance before each operation: the next one re-reads. */
static void
keyring_prepare (void)
{
  static int file_backend = -1;

  if (file_backend < 0)
    file_backend = g_strcmp0 (g_getenv ("SECRET_BACKEND"), "file") == 0 ||
                   g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
  if (file_backend)
    secret_service_disconnect ();
}

static GError *
keyring_error (GError *error)
{
  GError *ret;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  ret = g_error_new (HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING,
                     _("The keyring failed: %s"), error->message);
  g_error_free (error);
  return ret;
}

/* ------------------------------------------------------------------------ */
/* Account secrets                                                          */

static void
store_secret_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * hangar_account_store_save_credentials_async:
 * @self: the store
 * @account: the account
 * @credentials: what to store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when stored
 * @user_data: data for @callback
 *
 * Replaces the account's keyring item.
 */
void
hangar_account_store_save_credentials_async (HangarAccountStore      *self,
                                             HangarAccount           *account,
                                             const HangarCredentials *credentials,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data)
{
  GTask *task;
  g_autofree char *label = NULL;
  char *payload;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));
  g_return_if_fail (credentials != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_save_credentials_async);
  label = g_strdup_printf (_("Hangar: Airtable account “%s”"), hangar_account_get_label (account));
  payload = hangar_credentials_to_json (credentials);
  keyring_prepare ();
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, payload,
                         cancellable, store_secret_cb, task,
                         "account-id", hangar_account_get_id (account),
                         "generation", HANGAR_SECRET_GENERATION,
                         NULL);
  hangar_token_free (payload);
}

gboolean
hangar_account_store_save_credentials_finish (HangarAccountStore  *self,
                                              GAsyncResult        *result,
                                              GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_secret_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *payload;
  HangarCredentials *creds;

  payload = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }
  if (payload == NULL)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND,
                               "%s", _("No credentials are stored for this account"));
      return;
    }
  creds = hangar_credentials_from_json (payload, &error);
  secret_password_free (payload);
  if (creds == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, creds, (GDestroyNotify) hangar_credentials_free);
}

/**
 * hangar_account_store_load_credentials_async:
 * @self: the store
 * @account: the account
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Reads the account's keyring item.
 */
void
hangar_account_store_load_credentials_async (HangarAccountStore  *self,
                                             HangarAccount       *account,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_load_credentials_async);
  keyring_prepare ();
  secret_password_lookup (get_schema (), cancellable, lookup_secret_cb, task,
                          "account-id", hangar_account_get_id (account),
                          "generation", HANGAR_SECRET_GENERATION,
                          NULL);
}

/**
 * hangar_account_store_load_credentials_finish:
 * @self: the store
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the credentials
 */
HangarCredentials *
hangar_account_store_load_credentials_finish (HangarAccountStore  *self,
                                              GAsyncResult        *result,
                                              GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_integration_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarAccount *account = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarCredentials) creds = NULL;
  HangarOAuthIntegration *integration;

  creds = hangar_account_store_load_credentials_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (creds == NULL && !g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  integration = _hangar_account_dup_integration (account);
  if (creds != NULL && creds->client_secret != NULL)
    integration->client_secret = g_strdup (creds->client_secret);
  g_task_return_pointer (task, integration, (GDestroyNotify) hangar_oauth_integration_free);
}

/**
 * hangar_account_store_load_integration_async:
 * @self: the store
 * @account: an OAuth account
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * The integration the account was connected with, client secret included.
 */
void
hangar_account_store_load_integration_async (HangarAccountStore  *self,
                                             HangarAccount       *account,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_load_integration_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  hangar_account_store_load_credentials_async (self, account, cancellable, load_integration_cb, task);
}

HangarOAuthIntegration *
hangar_account_store_load_integration_finish (HangarAccountStore  *self,
                                              GAsyncResult        *result,
                                              GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Clearing an account's item                                               */

static void
clear_account_secret_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
_hangar_account_store_clear_secret_async (HangarAccountStore  *self,
                                          HangarAccount       *account,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _hangar_account_store_clear_secret_async);
  keyring_prepare ();
  /* Without "generation": items of every generation go. */
  secret_password_clear (get_schema (), cancellable, clear_account_secret_cb, task,
                         "account-id", hangar_account_get_id (account),
                         NULL);
}

gboolean
_hangar_account_store_clear_secret_finish (HangarAccountStore  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Saved integrations' client secrets                                       */

static void
integration_secret_done_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  gboolean storing = GPOINTER_TO_INT (g_task_get_task_data (task));
  GError *error = NULL;

  if (storing)
    secret_password_store_finish (result, &error);
  else
    secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
_hangar_account_store_set_integration_secret_async (HangarAccountStore  *self,
                                                    const char          *name,
                                                    const char          *secret,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _hangar_account_store_set_integration_secret_async);
  keyring_prepare ();
  if (secret != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("Hangar: OAuth client secret of “%s”"), name);

      g_task_set_task_data (task, GINT_TO_POINTER (TRUE), NULL);
      secret_password_store (get_integration_schema (), SECRET_COLLECTION_DEFAULT, label,
                             secret, cancellable, integration_secret_done_cb, task,
                             "integration", name,
                             "generation", HANGAR_SECRET_GENERATION,
                             NULL);
    }
  else
    secret_password_clear (get_integration_schema (), cancellable, integration_secret_done_cb, task,
                           "integration", name,
                           NULL);
}

gboolean
_hangar_account_store_set_integration_secret_finish (HangarAccountStore  *self,
                                                     GAsyncResult        *result,
                                                     GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
integration_secret_loaded_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }
  if (secret == NULL)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND,
                               "%s", _("The integration's client secret is missing from the keyring — save the integration again"));
      return;
    }
  g_task_return_pointer (task, g_strdup (secret), (GDestroyNotify) hangar_token_free);
  secret_password_free (secret);
}

void
_hangar_account_store_load_integration_secret_async (HangarAccountStore  *self,
                                                     const char          *name,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _hangar_account_store_load_integration_secret_async);
  keyring_prepare ();
  secret_password_lookup (get_integration_schema (), cancellable, integration_secret_loaded_cb, task,
                          "integration", name,
                          "generation", HANGAR_SECRET_GENERATION,
                          NULL);
}

char *
_hangar_account_store_load_integration_secret_finish (HangarAccountStore  *self,
                                                      GAsyncResult        *result,
                                                      GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
