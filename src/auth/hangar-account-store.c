/* hangar-account-store.c — accounts.json + one libsecret item per account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hangar-account-private.h"
#include "hangar-account-store.h"
#include "hangar-auth-error.h"
#include "hangar-error.h"
#include "hangar-oauth-token-source.h"
#include "hangar-token-source.h"

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

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarAccountStore, hangar_account_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

#define FILE_FORMAT_VERSION 1

static HangarAccountStore *default_store;

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

gboolean
_hangar_auth_ensure_private_dir (const char  *dir,
                                 GError     **error)
{
  g_autofree char *base = g_path_get_basename (dir);
  GStatBuf st;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not create %s: %s", dir, g_strerror (errsv));
      return FALSE;
    }
  /* An older or hand-made directory may be readable by others. */
  if (g_str_equal (base, "hangar") && g_stat (dir, &st) == 0 &&
      st.st_uid == getuid () && (st.st_mode & 077) != 0 &&
      g_chmod (dir, 0700) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Could not make %s private: %s", dir, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Keyring                                                                  */

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
/* Metadata file                                                            */

static char *
serialize (HangarAccountStore *self,
           JsonArray          *foreign)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, FILE_FORMAT_VERSION);
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->accounts->len; i++)
    json_builder_add_value (builder, _hangar_account_to_json (g_ptr_array_index (self->accounts, i)));
  for (guint i = 0; foreign != NULL && i < json_array_get_length (foreign); i++)
    json_builder_add_value (builder, json_node_copy (json_array_get_element (foreign, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static JsonArray *
parse_accounts (const char  *contents,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root, *accounts;

  if (!json_parser_load_from_data (parser, contents, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (accounts = json_object_get_member (json_node_get_object (root), "accounts")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (accounts))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_FAILED,
                   "%s", "The accounts file has no \"accounts\" array");
      return NULL;
    }
  return json_array_ref (json_node_get_array (accounts));
}

static const char *
entry_id (JsonNode *entry)
{
  JsonNode *id;

  if (!JSON_NODE_HOLDS_OBJECT (entry))
    return NULL;
  id = json_object_get_member (json_node_get_object (entry), "id");
  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (id);
}

static gboolean
find_account (HangarAccountStore *self,
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

static gboolean apply_contents (HangarAccountStore  *self,
                                const char          *contents,
                                GError             **error);

static gboolean
write_file (HangarAccountStore  *self,
            GError             **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *on_disk = NULL;
  g_autoptr(JsonArray) disk_accounts = NULL;
  g_autoptr(JsonArray) foreign = json_array_new ();
  g_autofree char *contents = NULL;

  if (!_hangar_auth_ensure_private_dir (dir, error))
    return FALSE;

  /* Keep accounts another process added since we last read the file. */
  if (g_file_get_contents (self->path, &on_disk, NULL, NULL) &&
      (disk_accounts = parse_accounts (on_disk, NULL)) != NULL)
    {
      for (guint i = 0; i < json_array_get_length (disk_accounts); i++)
        {
          JsonNode *entry = json_array_get_element (disk_accounts, i);
          const char *id = entry_id (entry);
          guint pos;

          if (id != NULL && !find_account (self, id, &pos) &&
              !g_hash_table_contains (self->removed_ids, id))
            json_array_add_element (foreign, json_node_copy (entry));
        }
    }

  contents = serialize (self, foreign);
  if (on_disk != NULL && g_str_equal (on_disk, contents))
    {
      if (json_array_get_length (foreign) > 0)
        apply_contents (self, contents, NULL);
      g_free (self->last_contents);
      self->last_contents = g_steal_pointer (&contents);
      return TRUE;
    }
  if (!g_file_set_contents_full (self->path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, error))
    return FALSE;
  /* Show the accounts another process added here too. */
  if (json_array_get_length (foreign) > 0)
    apply_contents (self, contents, NULL);
  g_free (self->last_contents);
  self->last_contents = g_steal_pointer (&contents);
  return TRUE;
}

static gboolean
save_idle_cb (gpointer user_data)
{
  HangarAccountStore *self = user_data;
  g_autoptr(GError) error = NULL;

  self->save_source = 0;
  if (!write_file (self, &error))
    g_warning ("Could not save the accounts: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
schedule_save (HangarAccountStore *self)
{
  if (self->loading || self->save_source != 0)
    return;
  self->save_source = g_idle_add_full (G_PRIORITY_DEFAULT, save_idle_cb, self, NULL);
}

static void
account_notify_cb (HangarAccount      *account,
                   GParamSpec         *pspec,
                   HangarAccountStore *self)
{
  schedule_save (self);
}

static void
add_account (HangarAccountStore *self,
             HangarAccount      *account)
{
  _hangar_account_set_store (account, self);
  g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb), self, 0);
  g_ptr_array_add (self->accounts, g_object_ref (account));
}

static void
drop_account_at (HangarAccountStore *self,
                 guint               position)
{
  HangarAccount *account = g_ptr_array_index (self->accounts, position);

  g_signal_handlers_disconnect_by_func (account, account_notify_cb, self);
  _hangar_account_set_store (account, NULL);
  g_ptr_array_remove_index (self->accounts, position);
}

/* Makes the in-memory list equal to @contents, keeping the objects of
 * accounts that stay (their properties notify what changed). */
static gboolean
apply_contents (HangarAccountStore  *self,
                const char          *contents,
                GError             **error)
{
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  entries = parse_accounts (contents, error);
  if (entries == NULL)
    return FALSE;

  self->loading = TRUE;
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      const char *id = entry_id (entry);
      guint pos;

      if (id == NULL || g_hash_table_contains (seen, id))
        continue;
      g_hash_table_add (seen, (char *) id);
      if (find_account (self, id, &pos))
        _hangar_account_update_from_json (g_ptr_array_index (self->accounts, pos),
                                          json_node_get_object (entry));
      else if (!g_hash_table_contains (self->removed_ids, id))
        {
          g_autoptr(HangarAccount) account = _hangar_account_new (id);

          _hangar_account_update_from_json (account, json_node_get_object (entry));
          add_account (self, account);
          g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
        }
    }
  for (guint i = self->accounts->len; i > 0; i--)
    {
      HangarAccount *account = g_ptr_array_index (self->accounts, i - 1);

      if (!g_hash_table_contains (seen, hangar_account_get_id (account)))
        {
          /* Removed by another process: stop using it here too. */
          g_autoptr(GError) reason =
            g_error_new (HANGAR_API_ERROR, HANGAR_API_ERROR_REVOKED, "%s",
                         _("The account was removed"));
          if (account->token_source != NULL)
            hangar_token_source_emit_invalidated (account->token_source, reason);
          drop_account_at (self, i - 1);
          g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
        }
    }
  self->loading = FALSE;
  return TRUE;
}

/**
 * hangar_account_store_reload:
 * @self: the store
 * @error: return location for a #GError
 *
 * Re-reads the metadata file (a missing file means no accounts).
 *
 * Returns: %TRUE on success
 */
gboolean
hangar_account_store_reload (HangarAccountStore  *self,
                             GError             **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), FALSE);

  if (!g_file_get_contents (self->path, &contents, NULL, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      contents = g_strdup ("{\"version\":1,\"accounts\":[]}");
    }
  if (self->last_contents != NULL && g_str_equal (self->last_contents, contents))
    return TRUE;
  if (!apply_contents (self, contents, error))
    return FALSE;
  g_free (self->last_contents);
  self->last_contents = g_steal_pointer (&contents);
  return TRUE;
}

static void
file_changed_cb (GFileMonitor       *monitor,
                 GFile              *file,
                 GFile              *other,
                 GFileMonitorEvent   event,
                 HangarAccountStore *self)
{
  g_autoptr(GError) error = NULL;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT)
    return;
  if (!hangar_account_store_reload (self, &error))
    g_warning ("Could not re-read the accounts: %s", error->message);
}

/**
 * hangar_account_store_flush:
 * @self: the store
 * @error: return location for a #GError
 *
 * Writes pending metadata changes now.
 *
 * Returns: %TRUE on success
 */
gboolean
hangar_account_store_flush (HangarAccountStore  *self,
                            GError             **error)
{
  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);
  return write_file (self, error);
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
      if (!write_file (self, &error))
        g_warning ("Could not save the accounts: %s", error->message);
    }
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, file_changed_cb, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  while (self->accounts->len > 0)
    drop_account_at (self, self->accounts->len - 1);
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
  g_autoptr(GFile) file = NULL;

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

  file = g_file_new_for_path (path);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    {
      g_file_monitor_set_rate_limit (self->monitor, 100);
      g_signal_connect (self->monitor, "changed", G_CALLBACK (file_changed_cb), self);
    }
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
  return find_account (self, id, &pos) ? g_ptr_array_index (self->accounts, pos) : NULL;
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
  g_object_set (account,
                "identifier", identifier,
                "label", label ? label : identifier,
                "kind", kind,
                NULL);
  hangar_account_set_status (account, HANGAR_ACCOUNT_STATUS_PENDING, _("Not authorized yet"));
  add_account (self, account);
  g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
  schedule_save (self);
  return account;
}

/* ------------------------------------------------------------------------ */
/* Secrets                                                                  */

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
  if (find_account (self, hangar_account_get_id (account), &pos))
    {
      g_hash_table_add (self->removed_ids, g_strdup (hangar_account_get_id (account)));
      drop_account_at (self, pos);
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

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
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
  keyring_prepare ();
  secret_password_clear (get_schema (), cancellable, clear_secret_cb, task,
                         "account-id", hangar_account_get_id (account),
                         NULL);
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
/* Connecting                                                               */

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

static char *
make_identifier (HangarAccountKind             kind,
                 const HangarOAuthIntegration *integration,
                 const char                   *user_id)
{
  if (kind == HANGAR_ACCOUNT_KIND_PAT)
    return g_strdup_printf ("pat|%s|%s", integration->api_url, user_id);
  return g_strdup_printf ("oauth|%s|%s|%s", integration->oauth_url, integration->client_id, user_id);
}

/* Fills the account from the connect data and makes it ACTIVE. */
static void
apply_connected (HangarAccountStore *self,
                 Connect            *c,
                 HangarAccount      *account)
{
  g_autofree char *identifier = make_identifier (c->kind, c->integration, c->identity->user_id);
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
  g_object_set (account,
                "identifier", identifier,
                "user-id", c->identity->user_id,
                "email", c->identity->email,
                "scopes", granted,
                "api-url", c->integration->api_url,
                "connected-at", now,
                "last-refresh", now,
                "access-expires-at", c->creds->access_expires_at / G_USEC_PER_SEC,
                "refresh-expires-at", c->creds->refresh_expires_at / G_USEC_PER_SEC,
                NULL);
  if (c->kind == HANGAR_ACCOUNT_KIND_OAUTH)
    g_object_set (account,
                  "oauth-url", c->integration->oauth_url,
                  "client-id", c->integration->client_id,
                  "redirect-uri", c->integration->redirect_uri,
                  "requested-scopes", c->integration->scopes,
                  NULL);
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
  g_autofree char *identifier = make_identifier (c->kind, c->integration, c->identity->user_id);
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
    g_object_set (account, "api-url", c->integration->api_url, NULL);
    if (c->kind == HANGAR_ACCOUNT_KIND_OAUTH)
      g_object_set (account,
                    "oauth-url", c->integration->oauth_url,
                    "client-id", c->integration->client_id,
                    "redirect-uri", c->integration->redirect_uri,
                    "requested-scopes", c->integration->scopes,
                    NULL);
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
  if (!connect_check_label (self, c, &error))
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

/* ------------------------------------------------------------------------ */
/* Saved OAuth integrations                                                 */

/* "Bring your own integration" once, connect several accounts with it. The
 * settings live in integrations.json next to accounts.json (mode 0600, no
 * secret); a client secret lives in its own keyring item. An account keeps
 * its own copy of what it was connected with (client id, redirect URI and
 * scopes in its metadata, the secret with its tokens), so editing or
 * removing a saved integration never breaks a connected account. */

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

static char *
integrations_path (HangarAccountStore *self)
{
  g_autofree char *dir = g_path_get_dirname (self->path);

  return g_build_filename (dir, "integrations.json", NULL);
}

static gboolean
integration_name_valid (const char  *name,
                        GError     **error)
{
  if (name != NULL && *name != '\0' && strlen (name) <= 200 && g_utf8_validate (name, -1, NULL))
    {
      const char *p;

      for (p = name; *p != '\0'; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f || *p == '|')
          break;
      if (*p == '\0')
        return TRUE;
    }
  g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_INVALID_SETTINGS,
               "%s", _("An integration name must be non-empty text without “|” or control characters"));
  return FALSE;
}

/* The entries of integrations.json (a missing file = none). */
static JsonArray *
read_integrations (HangarAccountStore  *self,
                   GError             **error)
{
  g_autofree char *path = integrations_path (self);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root, *list;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return json_array_new ();
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, contents, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (list = json_object_get_member (json_node_get_object (root), "integrations")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_FAILED,
                   _("The file %s is not a list of integrations"), path);
      return NULL;
    }
  return json_array_ref (json_node_get_array (list));
}

static gboolean
write_integrations (HangarAccountStore  *self,
                    JsonArray           *entries,
                    GError             **error)
{
  g_autofree char *path = integrations_path (self);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *contents = NULL;

  if (!_hangar_auth_ensure_private_dir (dir, error))
    return FALSE;
  json_object_set_int_member (root, "version", FILE_FORMAT_VERSION);
  json_object_set_array_member (root, "integrations", json_array_ref (entries));
  node = json_node_init_object (json_node_alloc (), root);
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  contents = json_generator_to_data (gen, NULL);
  return g_file_set_contents_full (path, contents, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

static const char *
entry_string (JsonObject *obj,
              const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint
find_integration (JsonArray  *entries,
                  const char *name)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);

      if (JSON_NODE_HOLDS_OBJECT (entry) &&
          g_strcmp0 (entry_string (json_node_get_object (entry), "name"), name) == 0)
        return (gint) i;
    }
  return -1;
}

static HangarOAuthIntegration *
integration_from_entry (JsonObject *obj)
{
  JsonNode *scopes = json_object_get_member (obj, "scopes");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  if (scopes != NULL && JSON_NODE_HOLDS_ARRAY (scopes))
    {
      JsonArray *array = json_node_get_array (scopes);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }
  strv = g_strv_builder_end (builder);
  return hangar_oauth_integration_new (entry_string (obj, "api_url"),
                                       entry_string (obj, "oauth_url"),
                                       entry_string (obj, "client_id"),
                                       NULL,
                                       entry_string (obj, "redirect_uri"),
                                       strv[0] != NULL ? (const char * const *) strv : NULL);
}

/**
 * hangar_account_store_list_integrations:
 * @self: the store
 *
 * Returns: (transfer full): the names of the saved integrations, in the
 *   order they were saved (an unreadable file lists none)
 */
char **
hangar_account_store_list_integrations (HangarAccountStore *self)
{
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), NULL);

  entries = read_integrations (self, NULL);
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      const char *name = JSON_NODE_HOLDS_OBJECT (entry) ? entry_string (json_node_get_object (entry), "name") : NULL;

      if (name != NULL)
        g_strv_builder_add (builder, name);
    }
  return g_strv_builder_end (builder);
}

/**
 * hangar_account_store_lookup_integration:
 * @self: the store
 * @name: an integration name
 * @has_secret: (out) (optional): whether a client secret is kept for it
 *
 * Returns: (transfer full) (nullable): the saved settings, without the
 *   client secret (see hangar_account_store_load_named_integration_async())
 */
HangarOAuthIntegration *
hangar_account_store_lookup_integration (HangarAccountStore *self,
                                         const char         *name,
                                         gboolean           *has_secret)
{
  g_autoptr(JsonArray) entries = NULL;
  JsonObject *obj;
  JsonNode *secret;
  gint pos;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), NULL);

  entries = read_integrations (self, NULL);
  if (entries == NULL || name == NULL || (pos = find_integration (entries, name)) < 0)
    return NULL;
  obj = json_array_get_object_element (entries, (guint) pos);
  secret = json_object_get_member (obj, "has_secret");
  if (has_secret != NULL)
    *has_secret = secret != NULL && JSON_NODE_HOLDS_VALUE (secret) &&
                  json_node_get_value_type (secret) == G_TYPE_BOOLEAN && json_node_get_boolean (secret);
  return integration_from_entry (obj);
}

static void
integration_secret_done_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_get_source_tag (task) == hangar_account_store_save_integration_async &&
      g_task_get_task_data (task) != NULL)
    secret_password_store_finish (result, &error);
  else
    secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * hangar_account_store_save_integration_async:
 * @self: the store
 * @name: a name for it ("Work integration")
 * @integration: the settings; its client secret (if any) goes to the keyring
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * Saves (or replaces) a reusable integration. The settings are validated
 * first; a replaced entry without a secret clears the old secret.
 */
void
hangar_account_store_save_integration_async (HangarAccountStore           *self,
                                             const char                   *name,
                                             const HangarOAuthIntegration *integration,
                                             GCancellable                 *cancellable,
                                             GAsyncReadyCallback           callback,
                                             gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  JsonArray *scopes;
  gint pos;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));
  g_return_if_fail (integration != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_save_integration_async);
  if (!integration_name_valid (name, &error) ||
      !hangar_oauth_integration_validate (integration, &error) ||
      (entries = read_integrations (self, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  obj = json_object_new ();
  json_object_set_string_member (obj, "name", name);
  json_object_set_string_member (obj, "api_url", integration->api_url);
  json_object_set_string_member (obj, "oauth_url", integration->oauth_url);
  json_object_set_string_member (obj, "client_id", integration->client_id);
  json_object_set_string_member (obj, "redirect_uri", integration->redirect_uri);
  scopes = json_array_new ();
  for (guint i = 0; integration->scopes != NULL && integration->scopes[i] != NULL; i++)
    json_array_add_string_element (scopes, integration->scopes[i]);
  json_object_set_array_member (obj, "scopes", scopes);
  json_object_set_boolean_member (obj, "has_secret", integration->client_secret != NULL);

  pos = find_integration (entries, name);
  if (pos >= 0)
    json_array_remove_element (entries, (guint) pos);
  json_array_add_object_element (entries, g_steal_pointer (&obj));
  if (!write_integrations (self, entries, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  keyring_prepare ();
  if (integration->client_secret != NULL)
    {
      label = g_strdup_printf (_("Hangar: OAuth client secret of “%s”"), name);
      g_task_set_task_data (task, GINT_TO_POINTER (1), NULL);
      secret_password_store (get_integration_schema (), SECRET_COLLECTION_DEFAULT, label,
                             integration->client_secret, cancellable,
                             integration_secret_done_cb, g_steal_pointer (&task),
                             "integration", name,
                             "generation", HANGAR_SECRET_GENERATION,
                             NULL);
    }
  else
    secret_password_clear (get_integration_schema (), cancellable,
                           integration_secret_done_cb, g_steal_pointer (&task),
                           "integration", name,
                           NULL);
}

gboolean
hangar_account_store_save_integration_finish (HangarAccountStore  *self,
                                              GAsyncResult        *result,
                                              GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
named_secret_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarOAuthIntegration *integration = g_task_get_task_data (task);
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
  integration->client_secret = g_strdup (secret);
  secret_password_free (secret);
  g_task_return_pointer (task, hangar_oauth_integration_copy (integration),
                         (GDestroyNotify) hangar_oauth_integration_free);
}

/**
 * hangar_account_store_load_named_integration_async:
 * @self: the store
 * @name: a saved integration's name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the integration
 * @user_data: data for @callback
 *
 * The saved integration, client secret (from the keyring) included. Fails
 * with %HANGAR_AUTH_ERROR_NOT_FOUND when there is none by that name.
 */
void
hangar_account_store_load_named_integration_async (HangarAccountStore  *self,
                                                   const char          *name,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  HangarOAuthIntegration *integration;
  gboolean has_secret = FALSE;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_load_named_integration_async);
  integration = hangar_account_store_lookup_integration (self, name, &has_secret);
  if (integration == NULL)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND,
                               _("No integration named “%s” is saved"), name ? name : "");
      return;
    }
  if (!has_secret)
    {
      g_task_return_pointer (task, integration, (GDestroyNotify) hangar_oauth_integration_free);
      return;
    }
  g_task_set_task_data (task, integration, (GDestroyNotify) hangar_oauth_integration_free);
  keyring_prepare ();
  secret_password_lookup (get_integration_schema (), cancellable, named_secret_cb, g_steal_pointer (&task),
                          "integration", name,
                          "generation", HANGAR_SECRET_GENERATION,
                          NULL);
}

HangarOAuthIntegration *
hangar_account_store_load_named_integration_finish (HangarAccountStore  *self,
                                                    GAsyncResult        *result,
                                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
remove_integration_secret_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarAccountStore *self = g_task_get_source_object (task);
  const char *name = g_task_get_task_data (task);
  g_autoptr(JsonArray) entries = NULL;
  GError *error = NULL;
  gint pos;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }
  /* Re-read: another process may have changed the file meanwhile. */
  entries = read_integrations (self, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  pos = find_integration (entries, name);
  if (pos >= 0)
    {
      json_array_remove_element (entries, (guint) pos);
      if (!write_integrations (self, entries, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * hangar_account_store_remove_integration_async:
 * @self: the store
 * @name: a saved integration's name
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when removed
 * @user_data: data for @callback
 *
 * Forgets the integration and clears its secret. Accounts connected with it
 * keep working (they hold their own copy).
 */
void
hangar_account_store_remove_integration_async (HangarAccountStore  *self,
                                               const char          *name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gint pos;

  g_return_if_fail (HANGAR_IS_ACCOUNT_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_account_store_remove_integration_async);
  entries = read_integrations (self, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  pos = name != NULL ? find_integration (entries, name) : -1;
  if (pos < 0)
    {
      g_task_return_new_error (task, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_NOT_FOUND,
                               _("No integration named “%s” is saved"), name ? name : "");
      return;
    }
  /* The secret first: a keyring failure must not orphan it. */
  keyring_prepare ();
  g_task_set_task_data (task, g_strdup (name), g_free);
  secret_password_clear (get_integration_schema (), cancellable,
                         remove_integration_secret_cb, g_steal_pointer (&task),
                         "integration", name,
                         NULL);
}

gboolean
hangar_account_store_remove_integration_finish (HangarAccountStore  *self,
                                                GAsyncResult        *result,
                                                GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
