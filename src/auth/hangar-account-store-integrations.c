/* hangar-account-store-integrations.c — saved OAuth integrations
 *
 * "Bring your own integration" once, connect several accounts with it. The
 * settings live in integrations.json next to accounts.json (mode 0600, no
 * secret); a client secret lives in its own keyring item. An account keeps
 * its own copy of what it was connected with (client id, redirect URI and
 * scopes in its metadata, the secret with its tokens), so editing or
 * removing a saved integration never breaks a connected account.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hangar-account-store-private.h"
#include "hangar-auth-error.h"
#include "hangar-json.h"
#include "hangar-redact.h"
#include "hangar-token-source.h"

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
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) notes = NULL;
  JsonNode *list;
  gsize length = 0;

  if (!_hangar_account_store_read_file (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return json_array_new ();
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  root = hangar_json_parse (contents, length, HANGAR_ACCOUNT_STORE_MAX_FILE_BYTES, &notes, &local_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (list = json_object_get_member (json_node_get_object (root), "integrations")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_FAILED,
                   _("The file %s is not a list of integrations%s%s"), path,
                   local_error != NULL ? ": " : "", local_error != NULL ? local_error->message : "");
      return NULL;
    }
  for (guint i = 0; notes != NULL && notes[i] != NULL; i++)
    g_warning ("%s: %s", path, notes[i]);
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
  g_autofree char *contents = NULL;

  if (!_hangar_auth_ensure_private_dir (dir, error))
    return FALSE;
  json_object_set_int_member (root, "version", HANGAR_ACCOUNT_STORE_FILE_VERSION);
  json_object_set_array_member (root, "integrations", json_array_ref (entries));
  node = json_node_init_object (json_node_alloc (), root);
  contents = hangar_json_to_string (node, 2);
  return g_file_set_contents_full (path, contents, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

static gint
find_integration (JsonArray  *entries,
                  const char *name)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);

      if (JSON_NODE_HOLDS_OBJECT (entry) &&
          g_strcmp0 (_hangar_auth_json_string (json_node_get_object (entry), "name"), name) == 0)
        return (gint) i;
    }
  return -1;
}

static HangarOAuthIntegration *
integration_from_entry (JsonObject *obj)
{
  g_auto(GStrv) scopes = _hangar_auth_json_strv (obj, "scopes");

  return hangar_oauth_integration_new (_hangar_auth_json_string (obj, "api_url"),
                                       _hangar_auth_json_string (obj, "oauth_url"),
                                       _hangar_auth_json_string (obj, "client_id"),
                                       NULL,
                                       _hangar_auth_json_string (obj, "redirect_uri"),
                                       scopes != NULL && scopes[0] != NULL ? (const char * const *) scopes : NULL);
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
      const char *name = JSON_NODE_HOLDS_OBJECT (entry) ? _hangar_auth_json_string (json_node_get_object (entry), "name") : NULL;

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
integration_secret_saved_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!_hangar_account_store_set_integration_secret_finish (HANGAR_ACCOUNT_STORE (object), result, &error))
    g_task_return_error (task, error);
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

  /* A replaced entry without a secret clears the old one. */
  _hangar_account_store_set_integration_secret_async (self, name, integration->client_secret, cancellable,
                                                      integration_secret_saved_cb, g_steal_pointer (&task));
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

  secret = _hangar_account_store_load_integration_secret_finish (HANGAR_ACCOUNT_STORE (object), result, &error);
  if (secret == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  hangar_redact_add_secret (secret);
  hangar_token_free (integration->client_secret);
  integration->client_secret = secret;
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
  _hangar_account_store_load_integration_secret_async (self, name, cancellable,
                                                       named_secret_cb, g_steal_pointer (&task));
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

  if (!_hangar_account_store_set_integration_secret_finish (self, result, &error))
    {
      g_task_return_error (task, error);
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
  g_task_set_task_data (task, g_strdup (name), g_free);
  _hangar_account_store_set_integration_secret_async (self, name, NULL, cancellable,
                                                      remove_integration_secret_cb, g_steal_pointer (&task));
}

gboolean
hangar_account_store_remove_integration_finish (HangarAccountStore  *self,
                                                GAsyncResult        *result,
                                                GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
