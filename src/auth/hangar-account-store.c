/* hangar-account-store.c — the account store: the object, its list of
 * accounts (a GListModel), lookups, get-or-create and removal
 *
 * The metadata file, the keyring, connecting and saved integrations live in
 * the other hangar-account-store-*.c files (see hangar-account-store-private.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "hangar-account-store-private.h"
#include "hangar-auth-error.h"
#include "hangar-error.h"
#include "hangar-oauth-token-source.h"
#include "hangar-token-source.h"

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarAccountStore, hangar_account_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static HangarAccountStore *default_store;

/* ------------------------------------------------------------------------ */
/* GListModel                                                               */

static GType
list_get_item_type (GListModel *model)
{
  return HANGAR_TYPE_ACCOUNT;
}

static guint
list_get_n_items (GListModel *model)
{
  return HANGAR_ACCOUNT_STORE (model)->accounts->len;
}

static gpointer
list_get_item (GListModel *model,
               guint       position)
{
  HangarAccountStore *self = HANGAR_ACCOUNT_STORE (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* ------------------------------------------------------------------------ */
/* The list                                                                 */

gboolean
_hangar_account_store_find (HangarAccountStore *self,
                            const char         *id,
                            guint              *position)
{
  for (guint i = 0; i < self->accounts->len; i++)
    if (g_strcmp0 (hangar_account_get_id (g_ptr_array_index (self->accounts, i)), id) == 0)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

static void
account_notify_cb (HangarAccount      *account,
                   GParamSpec         *pspec,
                   HangarAccountStore *self)
{
  _hangar_account_store_schedule_save (self);
}

void
_hangar_account_store_add (HangarAccountStore *self,
                           HangarAccount      *account)
{
  _hangar_account_set_store (account, self);
  g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb), self, 0);
  g_ptr_array_add (self->accounts, g_object_ref (account));
}

void
_hangar_account_store_drop_at (HangarAccountStore *self,
                               guint               position)
{
  HangarAccount *account = g_ptr_array_index (self->accounts, position);

  g_signal_handlers_disconnect_by_func (account, account_notify_cb, self);
  _hangar_account_set_store (account, NULL);
  g_ptr_array_remove_index (self->accounts, position);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
hangar_account_store_dispose (GObject *object)
{
  HangarAccountStore *self = HANGAR_ACCOUNT_STORE (object);

  if (self->save_source != 0)
    {
      g_autoptr(GError) error = NULL;

      g_clear_handle_id (&self->save_source, g_source_remove);
      if (!_hangar_account_store_write_file (self, &error))
        g_warning ("Could not save the accounts: %s", error->message);
    }
  _hangar_account_store_unwatch_file (self);
  while (self->accounts->len > 0)
    _hangar_account_store_drop_at (self, self->accounts->len - 1);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (hangar_account_store_parent_class)->dispose (object);
}

static void
hangar_account_store_finalize (GObject *object)
{
  HangarAccountStore *self = HANGAR_ACCOUNT_STORE (object);

  g_free (self->path);
  g_ptr_array_unref (self->accounts);
  g_hash_table_unref (self->removed_ids);
  g_free (self->last_contents);

  G_OBJECT_CLASS (hangar_account_store_parent_class)->finalize (object);
}

static void
hangar_account_store_class_init (HangarAccountStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_account_store_dispose;
  object_class->finalize = hangar_account_store_finalize;
}

static void
hangar_account_store_init (HangarAccountStore *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->removed_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->session = soup_session_new_with_options ("timeout", 30,
                                                 "user-agent", "Hangar/" PACKAGE_VERSION,
                                                 NULL);
}

/**
 * hangar_account_store_new_for_path:
 * @path: the metadata file
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the store, or %NULL if the file is unreadable
 */
HangarAccountStore *
hangar_account_store_new_for_path (const char  *path,
                                   GError     **error)
{
  g_autoptr(HangarAccountStore) self = g_object_new (HANGAR_TYPE_ACCOUNT_STORE, NULL);

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr(GError) dir_error = NULL;

    if (!_hangar_auth_ensure_private_dir (dir, &dir_error))
      g_debug ("%s", dir_error->message);
  }
  if (!hangar_account_store_reload (self, error))
    return NULL;

  _hangar_account_store_watch_file (self);
  return g_steal_pointer (&self);
}

/**
 * hangar_account_store_new:
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the store of $XDG_CONFIG_HOME/hangar/accounts.json
 */
HangarAccountStore *
hangar_account_store_new (GError **error)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "hangar", "accounts.json", NULL);

  return hangar_account_store_new_for_path (path, error);
}

/**
 * hangar_account_store_get_default:
 *
 * Returns: (transfer none): the process-wide store
 */
HangarAccountStore *
hangar_account_store_get_default (void)
{
  if (default_store == NULL)
    {
      g_autoptr(GError) error = NULL;

      default_store = hangar_account_store_new (&error);
      if (default_store == NULL)
        {
          g_autofree char *path = g_build_filename (g_get_user_config_dir (), "hangar",
                                                    "accounts.json", NULL);

          /* An unreadable file: start empty rather than crash; do not overwrite it. */
          g_warning ("Could not read the accounts: %s", error->message);
          default_store = g_object_new (HANGAR_TYPE_ACCOUNT_STORE, NULL);
          default_store->path = g_strconcat (path, ".recovered", NULL);
        }
      g_object_add_weak_pointer (G_OBJECT (default_store), (gpointer *) &default_store);
    }
  return default_store;
}

const char *
hangar_account_store_get_path (HangarAccountStore *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), NULL);
  return self->path;
}

SoupSession *
hangar_account_store_get_session (HangarAccountStore *self)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), NULL);
  return self->session;
}

/* ------------------------------------------------------------------------ */
/* Lookup                                                                   */

/**
 * hangar_account_store_lookup_by_id:
 * @self: the store
 * @id: an account id
 *
 * Returns: (transfer none) (nullable): the account
 */
HangarAccount *
hangar_account_store_lookup_by_id (HangarAccountStore *self,
                                   const char         *id)
{
  guint pos;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), NULL);
  return _hangar_account_store_find (self, id, &pos) ? g_ptr_array_index (self->accounts, pos) : NULL;
}

/**
 * hangar_account_store_lookup_by_label:
 * @self: the store
 * @label: a label
 *
 * Returns: (transfer none) (nullable): the account
 */
HangarAccount *
hangar_account_store_lookup_by_label (HangarAccountStore *self,
                                      const char         *label)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    if (g_strcmp0 (hangar_account_get_label (g_ptr_array_index (self->accounts, i)), label) == 0)
      return g_ptr_array_index (self->accounts, i);
  return NULL;
}

/**
 * hangar_account_store_lookup_by_identifier:
 * @self: the store
 * @identifier: an identifier
 *
 * Returns: (transfer none) (nullable): the account
 */
HangarAccount *
hangar_account_store_lookup_by_identifier (HangarAccountStore *self,
                                           const char         *identifier)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    if (g_strcmp0 (hangar_account_get_identifier (g_ptr_array_index (self->accounts, i)), identifier) == 0)
      return g_ptr_array_index (self->accounts, i);
  return NULL;
}

static char *
new_account_id (void)
{
  guint8 bytes[8];
  GString *id = g_string_new ("acc");

  hangar_oauth_random_bytes (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (id, "%02x", bytes[i]);
  return g_string_free (id, FALSE);
}

/**
 * hangar_account_store_get_or_create:
 * @self: the store
 * @identifier: the account's identifier
 * @label: label for a new account
 * @kind: kind of a new account
 *
 * Returns: (transfer none): the account with @identifier
 */
HangarAccount *
hangar_account_store_get_or_create (HangarAccountStore *self,
                                    const char         *identifier,
                                    const char         *label,
                                    HangarAccountKind   kind)
{
  HangarAccount *existing;
  g_autoptr(HangarAccount) account = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), NULL);
  g_return_val_if_fail (identifier != NULL, NULL);

  existing = hangar_account_store_lookup_by_identifier (self, identifier);
  if (existing != NULL)
    return existing;

  id = new_account_id ();
  account = _hangar_account_new (id);
  _hangar_account_set_identifier (account, identifier);
  hangar_account_set_label (account, label ? label : identifier);
  _hangar_account_set_kind (account, kind);
  hangar_account_set_status (account, HANGAR_ACCOUNT_STATUS_PENDING, _("Not authorized yet"));
  _hangar_account_store_add (self, account);
  g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
  _hangar_account_store_schedule_save (self);
  return account;
}

/* ------------------------------------------------------------------------ */
/* Removal                                                                  */

static gboolean
remove_tree (GFile         *file,
             GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GError) local_error = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &local_error);
  if (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, error) && info != NULL)
        if (!remove_tree (child, error))
          return FALSE;
    }
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE;

  if (!g_file_delete (file, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static void
forget_account (HangarAccountStore *self,
                HangarAccount      *account)
{
  g_autofree char *cache_dir = hangar_account_dup_cache_dir (account);
  g_autoptr(GFile) cache = g_file_new_for_path (cache_dir);
  g_autoptr(GError) error = NULL;
  guint pos;

  if (account->token_source != NULL)
    {
      g_autoptr(GError) reason = g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED, "%s",
                                              _("The account was removed"));
      hangar_token_source_emit_invalidated (account->token_source, reason);
    }
  if (_hangar_account_store_find (self, hangar_account_get_id (account), &pos))
    {
      g_hash_table_add (self->removed_ids, g_strdup (hangar_account_get_id (account)));
      _hangar_account_store_drop_at (self, pos);
      g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
    }
  if (!remove_tree (cache, &error))
    g_warning ("Could not remove %s: %s", cache_dir, error->message);
  if (!hangar_account_store_flush (self, &error))
    g_warning ("Could not save the accounts: %s", error->message);
}

static void
clear_secret_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarAccountStore *self = g_task_get_source_object (task);
  HangarAccount *account = g_task_get_task_data (task);
  GError *error = NULL;

  if (!_hangar_account_store_clear_secret_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  forget_account (self, account);
  g_task_return_boolean (task, TRUE);
}

/**
 * hangar_account_store_remove_async:
 * @self: the store
 * @account: the account to remove
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Clears the keyring item first; only then forgets the metadata and cache,
 * so a keyring failure never leaves an orphaned secret behind.
 */
void
hangar_account_store_remove_async (HangarAccountStore  *self,
                                   HangarAccount       *account,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));
  g_return_if_fail (HANGAR_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_remove_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  _hangar_account_store_clear_secret_async (self, account, cancellable, clear_secret_cb, task);
}

gboolean
hangar_account_store_remove_finish (HangarAccountStore  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}


/* ------------------------------------------------------------------------ */
/* The sandbox on another port                                              */

static gboolean
is_loopback_http_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (url == NULL || (uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL)) == NULL)
    return FALSE;
  host = g_uri_get_host (uri);
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
         g_uri_get_port (uri) > 0 &&
         host != NULL &&
         (g_str_equal (host, "127.0.0.1") ||
          g_ascii_strcasecmp (host, "localhost") == 0 ||
          g_str_equal (host, "::1"));
}

/**
 * hangar_account_store_move_sandbox_accounts:
 * @self: the store
 * @url: where the local sandbox listens now (`http://127.0.0.1:PORT`)
 *
 * See the header.
 *
 * Returns: how many accounts moved
 */
guint
hangar_account_store_move_sandbox_accounts (HangarAccountStore *self,
                                            const char         *url)
{
  g_autofree char *target = NULL;
  gsize len;
  guint moved = 0;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), 0);

  if (!is_loopback_http_url (url))
    return 0;
  target = g_strdup (url);
  len = strlen (target);
  while (len > 0 && target[len - 1] == '/')
    target[--len] = '\0';

  for (guint i = 0; i < self->accounts->len; i++)
    {
      HangarAccount *account = g_ptr_array_index (self->accounts, i);
      HangarAccountKind kind = hangar_account_get_kind (account);
      const char *user_id = hangar_account_get_user_id (account);
      const char *client_id = hangar_account_get_client_id (account);
      g_autofree char *identifier = NULL;

      if (!is_loopback_http_url (hangar_account_get_api_url (account)))
        continue;
      if (g_strcmp0 (hangar_account_get_api_url (account), target) == 0 &&
          (kind != HANGAR_ACCOUNT_KIND_OAUTH || g_strcmp0 (hangar_account_get_oauth_url (account), target) == 0))
        continue;

      /* The identifier names the URL too, so that signing in again finds
       * this account rather than making a twin. A pending account keeps
       * its "pending|label" one. */
      if (user_id != NULL && (kind == HANGAR_ACCOUNT_KIND_PAT || client_id != NULL))
        identifier = _hangar_account_store_make_identifier (kind, target, target, client_id, user_id);

      g_object_freeze_notify (G_OBJECT (account));
      _hangar_account_set_api_url (account, target);
      if (kind == HANGAR_ACCOUNT_KIND_OAUTH)
        _hangar_account_set_oauth_url (account, target);
      if (identifier != NULL)
        _hangar_account_set_identifier (account, identifier);
      /* A client made for the old address would keep using it. */
      _hangar_account_shutdown (account);
      g_object_thaw_notify (G_OBJECT (account));
      moved++;
    }

  return moved;
}
