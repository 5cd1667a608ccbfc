/* hangar-account-store-connect.c — connecting an account
 *
 * With a personal access token or an OAuth authorization code: the new
 * tokens are stored in the keyring first, then whoami says who they belong
 * to, and only then does the account become ACTIVE. A reconnect keeps the
 * old secret until the new sign-in proved to be the same user, and puts it
 * back when it was not; a failed first connect leaves no account behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hangar-account-store-private.h"
#include "hangar-auth-error.h"
#include "hangar-ids.h"
#include "hangar-oauth-token-source.h"
#include "hangar-redact.h"

typedef struct
{
  char                   *label;
  HangarOAuthIntegration *integration;  /* OAuth; for a PAT only api_url is used */
  HangarAccountKind       kind;
  HangarCredentials      *creds;        /* the new tokens */
  HangarCredentials      *old_creds;    /* reconnect: what to restore on mismatch */
  gboolean                had_old_creds;
  HangarAccount          *existing;     /* reconnect target (label match) */
  HangarAccount          *account;      /* where creds are stored now */
  HangarOAuthIdentity    *identity;
  HangarAccount          *merge_into;   /* same user already connected elsewhere */
} Connect;

static void
connect_free (Connect *c)
{
  g_free (c->label);
  g_clear_pointer (&c->integration, hangar_oauth_integration_free);
  g_clear_pointer (&c->creds, hangar_credentials_free);
  g_clear_pointer (&c->old_creds, hangar_credentials_free);
  g_clear_object (&c->existing);
  g_clear_object (&c->account);
  g_clear_pointer (&c->identity, hangar_oauth_identity_free);
  g_clear_object (&c->merge_into);
  g_free (c);
}

char *
_hangar_account_store_make_identifier (HangarAccountKind  kind,
                                       const char        *api_url,
                                       const char        *oauth_url,
                                       const char        *client_id,
                                       const char        *user_id)
{
  if (kind == HANGAR_ACCOUNT_KIND_PAT)
    return g_strdup_printf ("pat|%s|%s", api_url, user_id);
  return g_strdup_printf ("oauth|%s|%s|%s", oauth_url, client_id, user_id);
}

static char *
connect_identifier (Connect *c)
{
  return _hangar_account_store_make_identifier (c->kind, c->integration->api_url, c->integration->oauth_url,
                                                c->integration->client_id, c->identity->user_id);
}

/* Fills the account from the connect data and makes it ACTIVE. */
static void
apply_connected (HangarAccountStore *self,
                 Connect            *c,
                 HangarAccount      *account)
{
  g_autofree char *identifier = connect_identifier (c);
  g_auto(GStrv) granted = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  HangarTokenSource *source;

  if (c->kind == HANGAR_ACCOUNT_KIND_OAUTH)
    {
      if (c->identity->scopes != NULL)
        granted = g_strdupv (c->identity->scopes);
      else if (c->creds->scope != NULL)
        granted = g_strsplit_set (c->creds->scope, " ", -1);
    }

  g_object_freeze_notify (G_OBJECT (account));
  _hangar_account_set_kind (account, c->kind);
  _hangar_account_set_identifier (account, identifier);
  _hangar_account_set_identity (account, c->identity->user_id, c->identity->email);
  _hangar_account_set_scopes (account, (const char * const *) granted);
  _hangar_account_set_integration (account, c->integration);
  _hangar_account_set_connected_at (account, now);
  _hangar_account_set_last_refresh (account, now);
  _hangar_account_set_expiry (account,
                              c->creds->access_expires_at / G_USEC_PER_SEC,
                              c->creds->refresh_expires_at / G_USEC_PER_SEC);
  hangar_account_set_status (account, HANGAR_ACCOUNT_STATUS_ACTIVE, NULL);
  g_object_thaw_notify (G_OBJECT (account));

  /* An invalidated client stays dead: give the account a fresh one. */
  source = account->token_source;
  if (source != NULL)
    {
      if (HANGAR_IS_OAUTH_TOKEN_SOURCE (source))
        hangar_oauth_token_source_forget (HANGAR_OAUTH_TOKEN_SOURCE (source));
      if (HANGAR_IS_OAUTH_TOKEN_SOURCE (source) &&
          _hangar_oauth_token_source_is_invalid (HANGAR_OAUTH_TOKEN_SOURCE (source)))
        _hangar_account_shutdown (account);
    }
}

static void connect_stored_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static void connect_whoami_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static void connect_merged_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static void connect_pending_dropped_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
connect_finish_ok (GTask         *task,
                   HangarAccount *account)
{
  HangarAccountStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!hangar_account_store_flush (self, &error))
    g_warning ("Could not save the accounts: %s", error->message);
  g_task_return_pointer (task, g_object_ref (account), g_object_unref);
}

static void
connect_fail_cleanup_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = g_object_steal_data (G_OBJECT (task), "hangar-error");

  /* Best effort; the original error is what matters. */
  if (HANGAR_IS_ACCOUNT_STORE (object) && g_task_get_source_tag (G_TASK (result)) == hangar_account_store_remove_async)
    hangar_account_store_remove_finish (HANGAR_ACCOUNT_STORE (object), result, NULL);
  else
    hangar_account_store_save_credentials_finish (HANGAR_ACCOUNT_STORE (object), result, NULL);
  g_task_return_error (task, error);
}

/* Undo what was stored, then fail with @error. */
static void
connect_fail (GTask  *task,
              GError *error)
{
  HangarAccountStore *self = g_task_get_source_object (task);
  Connect *c = g_task_get_task_data (task);

  g_object_set_data (G_OBJECT (task), "hangar-error", error);
  if (c->account != NULL && c->existing == NULL)
    /* A new pending account: remove it and its secret. */
    hangar_account_store_remove_async (self, c->account, NULL, connect_fail_cleanup_cb, task);
  else if (c->account != NULL && c->had_old_creds)
    hangar_account_store_save_credentials_async (self, c->account, c->old_creds, NULL,
                                                 connect_fail_cleanup_cb, task);
  else
    {
      g_object_steal_data (G_OBJECT (task), "hangar-error");
      g_task_return_error (task, error);
      g_object_unref (task);
    }
}

static void
connect_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  HangarAccountStore *self = HANGAR_ACCOUNT_STORE (object);
  Connect *c = g_task_get_task_data (task);
  GError *error = NULL;

  if (!hangar_account_store_save_credentials_finish (self, result, &error))
    {
      connect_fail (task, error);
      return;
    }
  /* First use of the token: only now that it is safely stored. */
  hangar_oauth_whoami_async (self->session, c->integration->api_url, c->creds->access_token,
                             g_task_get_cancellable (task), connect_whoami_cb, task);
}

static void
connect_merged_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  HangarAccountStore *self = HANGAR_ACCOUNT_STORE (object);
  Connect *c = g_task_get_task_data (task);
  GError *error = NULL;

  if (!hangar_account_store_save_credentials_finish (self, result, &error))
    {
      connect_fail (task, error);
      return;
    }
  apply_connected (self, c, c->merge_into);
  /* Drop the pending duplicate (its secret too) before answering. */
  hangar_account_store_remove_async (self, c->account, NULL, connect_pending_dropped_cb, task);
}

static void
connect_pending_dropped_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GTask *task = user_data;
  Connect *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!hangar_account_store_remove_finish (HANGAR_ACCOUNT_STORE (object), result, &error))
    g_warning ("Could not remove the duplicate pending account: %s", error->message);
  connect_finish_ok (task, c->merge_into);
  g_object_unref (task);
}

static void
connect_have_identity (GTask *task)
{
  HangarAccountStore *self = g_task_get_source_object (task);
  Connect *c = g_task_get_task_data (task);
  g_autofree char *identifier = connect_identifier (c);
  HangarAccount *same;

  if (c->existing != NULL && hangar_account_get_user_id (c->existing) != NULL &&
      g_strcmp0 (hangar_account_get_user_id (c->existing), c->identity->user_id) != 0)
    {
      connect_fail (task, g_error_new (HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_IDENTITY_MISMATCH,
                                       _("Signed in as %s, but the account “%s” belongs to %s"),
                                       c->identity->email ? c->identity->email : c->identity->user_id,
                                       c->label,
                                       hangar_account_get_email (c->existing)
                                         ? hangar_account_get_email (c->existing)
                                         : hangar_account_get_user_id (c->existing)));
      return;
    }

  same = hangar_account_store_lookup_by_identifier (self, identifier);
  if (same != NULL && same != c->account)
    {
      /* The same user of the same integration is already connected under
       * another label: update that account instead of making a twin. */
      c->merge_into = g_object_ref (same);
      hangar_account_store_save_credentials_async (self, same, c->creds, NULL, connect_merged_cb, task);
      return;
    }

  apply_connected (self, c, c->account);
  connect_finish_ok (task, c->account);
  g_object_unref (task);
}

static void
connect_whoami_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Connect *c = g_task_get_task_data (task);
  GError *error = NULL;

  c->identity = hangar_oauth_whoami_finish (result, &error);
  if (c->identity == NULL)
    {
      if (g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_UNAUTHORIZED))
        g_prefix_error (&error, "%s", c->kind == HANGAR_ACCOUNT_KIND_PAT
                                        ? _("The personal access token was refused: ")
                                        : _("The new access token was refused: "));
      connect_fail (task, error);
      return;
    }
  connect_have_identity (task);
}

static void
connect_old_creds_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  HangarAccountStore *self = HANGAR_ACCOUNT_STORE (object);
  Connect *c = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  c->old_creds = hangar_account_store_load_credentials_finish (self, result, &error);
  c->had_old_creds = (c->old_creds != NULL);
  if (c->old_creds == NULL && !g_error_matches (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND))
    {
      g_clear_object (&c->account);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  hangar_account_store_save_credentials_async (self, c->account, c->creds,
                                               g_task_get_cancellable (task), connect_stored_cb, task);
}

/* Stores c->creds under the target account (the existing one, after saving
 * its old secret for a rollback, or a new PENDING one), then whoami. */
static void
connect_store_and_verify (GTask *task)
{
  HangarAccountStore *self = g_task_get_source_object (task);
  Connect *c = g_task_get_task_data (task);

  if (c->existing != NULL)
    {
      c->account = g_object_ref (c->existing);
      hangar_account_store_load_credentials_async (self, c->account, g_task_get_cancellable (task),
                                                   connect_old_creds_cb, task);
      return;
    }
  {
    g_autofree char *pending = g_strdup_printf ("pending|%s", c->label);
    HangarAccount *account = hangar_account_store_get_or_create (self, pending, c->label, c->kind);

    c->account = g_object_ref (account);
    _hangar_account_set_integration (account, c->integration);
  }
  hangar_account_store_save_credentials_async (self, c->account, c->creds,
                                               g_task_get_cancellable (task), connect_stored_cb, task);
}

static gboolean
connect_check_label (HangarAccountStore  *self,
                     Connect             *c,
                     GError             **error)
{
  HangarAccount *existing;

  if (c->label == NULL || *c->label == '\0' || strchr (c->label, '|') != NULL)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                   "%s", _("An account label must be non-empty and must not contain “|”"));
      return FALSE;
    }
  existing = hangar_account_store_lookup_by_label (self, c->label);
  if (existing != NULL && hangar_account_get_status (existing) == HANGAR_ACCOUNT_STATUS_PENDING)
    existing = NULL;  /* a left-over pending account: reuse it as new */
  if (existing != NULL && hangar_account_get_kind (existing) != c->kind)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_EXISTS,
                   _("The account “%s” uses %s; disconnect it first or pick another label"),
                   c->label, hangar_account_kind_to_string (hangar_account_get_kind (existing)));
      return FALSE;
    }
  c->existing = existing ? g_object_ref (existing) : NULL;
  return TRUE;
}

/* Before the token is stored or sent: https, or plain http to this machine
 * only (src/api/hangar-ids.h). */
static gboolean
connect_check_api_url (Connect  *c,
                       GError  **error)
{
  g_autoptr(GError) local_error = NULL;

  if (hangar_check_api_url (c->integration->api_url, &local_error))
    return TRUE;
  g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS, "%s", local_error->message);
  return FALSE;
}

/**
 * hangar_account_store_connect_pat_async:
 * @self: the store
 * @label: the account's label
 * @api_url: (nullable): API base, %NULL for Airtable's
 * @token: the personal access token
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the account
 * @user_data: data for @callback
 *
 * See the header.
 */
void
hangar_account_store_connect_pat_async (HangarAccountStore  *self,
                                        const char          *label,
                                        const char          *api_url,
                                        const char          *token,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;
  Connect *c;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_connect_pat_async);
  c = g_new0 (Connect, 1);
  c->label = g_strdup (label);
  c->kind = HANGAR_ACCOUNT_KIND_PAT;
  c->integration = hangar_oauth_integration_new (api_url, NULL, "", NULL, "", NULL);
  c->creds = hangar_credentials_new ();
  /* A personal access token enters the process here. */
  hangar_redact_add_secret (token);
  c->creds->access_token = g_strdup (token);
  c->creds->issued_at = g_get_real_time ();
  g_task_set_task_data (task, c, (GDestroyNotify) connect_free);

  if (token == NULL || *token == '\0')
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
                               "%s", _("The personal access token is empty"));
      g_object_unref (task);
      return;
    }
  if (!connect_check_label (self, c, &error) || !connect_check_api_url (c, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  connect_store_and_verify (task);
}

HangarAccount *
hangar_account_store_connect_pat_finish (HangarAccountStore  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_autoptr(HangarAccount) account = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  account = g_task_propagate_pointer (G_TASK (result), error);
  /* The store keeps it alive: transfer none. */
  return account;
}

static void
connect_exchanged_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  Connect *c = g_task_get_task_data (task);
  GError *error = NULL;

  c->creds = hangar_oauth_flow_exchange_code_finish (HANGAR_OAUTH_FLOW (object), result, &error);
  if (c->creds == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  connect_store_and_verify (task);
}

/**
 * hangar_account_store_connect_oauth_async:
 * @self: the store
 * @label: the account's label
 * @flow: the consent flow that produced @code
 * @code: the authorization code
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the account
 * @user_data: data for @callback
 *
 * See the header.
 */
void
hangar_account_store_connect_oauth_async (HangarAccountStore  *self,
                                          const char          *label,
                                          HangarOAuthFlow     *flow,
                                          const char          *code,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  Connect *c;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));
  g_return_if_fail (HANGAR_IS_OAUTH_FLOW (flow));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_connect_oauth_async);
  c = g_new0 (Connect, 1);
  c->label = g_strdup (label);
  c->kind = HANGAR_ACCOUNT_KIND_OAUTH;
  c->integration = hangar_oauth_integration_copy (hangar_oauth_flow_get_integration (flow));
  g_task_set_task_data (task, c, (GDestroyNotify) connect_free);

  if (!connect_check_label (self, c, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  hangar_oauth_flow_exchange_code_async (flow, self->session, code, cancellable,
                                         connect_exchanged_cb, task);
}

HangarAccount *
hangar_account_store_connect_oauth_finish (HangarAccountStore  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_autoptr(HangarAccount) account = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  account = g_task_propagate_pointer (G_TASK (result), error);
  return account;
}
