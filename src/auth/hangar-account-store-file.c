/* hangar-account-store-file.c — accounts.json, the store's metadata file
 *
 * No secret is ever written here. The file is rewritten whole and atomically
 * (mode 0600, its directory 0700); before each write the file on disk is read
 * again so that accounts another process (hangar-cli next to the app) added
 * meanwhile are kept, and a file monitor re-reads it when another process
 * changed it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hangar-account-store-private.h"
#include "hangar-auth-error.h"
#include "hangar-error.h"
#include "hangar-json.h"
#include "hangar-token-source.h"

gboolean
_hangar_account_store_read_file (const char  *path,
                                 char       **out_contents,
                                 gsize       *out_length,
                                 GError     **error)
{
  g_autofree char *contents = NULL;
  struct stat st;
  gsize done = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                   "Could not open %s: %s", path, g_strerror (errsv));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) ||
      st.st_size > HANGAR_ACCOUNT_STORE_MAX_FILE_BYTES)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "%s is not a regular file of at most %d bytes", path, HANGAR_ACCOUNT_STORE_MAX_FILE_BYTES);
      close (fd);
      return FALSE;
    }
  /* One byte more than the size: a file still growing is caught too. */
  contents = g_malloc ((gsize) st.st_size + 2);
  while (done <= (gsize) st.st_size)
    {
      ssize_t n = read (fd, contents + done, (gsize) st.st_size + 1 - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
                       "Could not read %s: %s", path, g_strerror (errsv));
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  close (fd);
  if (done > (gsize) st.st_size)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "%s changed while it was read", path);
      return FALSE;
    }
  contents[done] = '\0';
  *out_contents = g_steal_pointer (&contents);
  if (out_length != NULL)
    *out_length = done;
  return TRUE;
}

static char *
serialize (HangarAccountStore *self,
           JsonArray          *foreign)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, HANGAR_ACCOUNT_STORE_FILE_VERSION);
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->accounts->len; i++)
    json_builder_add_value (builder, _hangar_account_to_json (g_ptr_array_index (self->accounts, i)));
  for (guint i = 0; foreign != NULL && i < json_array_get_length (foreign); i++)
    json_builder_add_value (builder, json_node_copy (json_array_get_element (foreign, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return hangar_json_to_string (root, 2);
}

static JsonArray *
parse_accounts (const char  *contents,
                gsize        length,
                GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_auto(GStrv) notes = NULL;
  JsonNode *accounts;

  root = hangar_json_parse (contents, length, HANGAR_ACCOUNT_STORE_MAX_FILE_BYTES, &notes, &parse_error);
  if (root == NULL)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_FAILED,
                   "The accounts file is not valid: %s", parse_error->message);
      return NULL;
    }
  /* We never write such values; someone edited the file. */
  for (guint i = 0; notes != NULL && notes[i] != NULL; i++)
    g_warning ("The accounts file: %s", notes[i]);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
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
  return JSON_NODE_HOLDS_OBJECT (entry) ? _hangar_auth_json_string (json_node_get_object (entry), "id") : NULL;
}

static gboolean apply_contents (HangarAccountStore  *self,
                                const char          *contents,
                                gsize                length,
                                GError             **error);

gboolean
_hangar_account_store_write_file (HangarAccountStore  *self,
                                  GError             **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *on_disk = NULL;
  gsize on_disk_len = 0;
  g_autoptr(JsonArray) disk_accounts = NULL;
  g_autoptr(JsonArray) foreign = json_array_new ();
  g_autofree char *contents = NULL;

  if (!_hangar_auth_ensure_private_dir (dir, error))
    return FALSE;

  /* Keep accounts another process added since we last read the file. */
  if (_hangar_account_store_read_file (self->path, &on_disk, &on_disk_len, NULL) &&
      (disk_accounts = parse_accounts (on_disk, on_disk_len, NULL)) != NULL)
    {
      for (guint i = 0; i < json_array_get_length (disk_accounts); i++)
        {
          JsonNode *entry = json_array_get_element (disk_accounts, i);
          const char *id = entry_id (entry);
          guint pos;

          if (id != NULL && !_hangar_account_store_find (self, id, &pos) &&
              !g_hash_table_contains (self->removed_ids, id))
            json_array_add_element (foreign, json_node_copy (entry));
        }
    }

  contents = serialize (self, foreign);
  if (on_disk != NULL && g_str_equal (on_disk, contents))
    {
      if (json_array_get_length (foreign) > 0)
        apply_contents (self, contents, strlen (contents), NULL);
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
    apply_contents (self, contents, strlen (contents), NULL);
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
  if (!_hangar_account_store_write_file (self, &error))
    g_warning ("Could not save the accounts: %s", error->message);
  return G_SOURCE_REMOVE;
}

void
_hangar_account_store_schedule_save (HangarAccountStore *self)
{
  if (self->loading || self->save_source != 0)
    return;
  self->save_source = g_idle_add_full (G_PRIORITY_DEFAULT, save_idle_cb, self, NULL);
}

/* Makes the in-memory list equal to @contents, keeping the objects of
 * accounts that stay (their properties notify what changed). */
static gboolean
apply_contents (HangarAccountStore  *self,
                const char          *contents,
                gsize                length,
                GError             **error)
{
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  entries = parse_accounts (contents, length, error);
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
      if (_hangar_account_store_find (self, id, &pos))
        _hangar_account_update_from_json (g_ptr_array_index (self->accounts, pos),
                                          json_node_get_object (entry));
      else if (!g_hash_table_contains (self->removed_ids, id))
        {
          g_autoptr(HangarAccount) account = _hangar_account_new (id);

          _hangar_account_update_from_json (account, json_node_get_object (entry));
          _hangar_account_store_add (self, account);
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
          _hangar_account_store_drop_at (self, i - 1);
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
  gsize length = 0;

  g_return_val_if_fail (HANGAR_IS_ACCOUNT_STORE (self), FALSE);

  if (!_hangar_account_store_read_file (self->path, &contents, &length, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      contents = g_strdup ("{\"version\":1,\"accounts\":[]}");
      length = strlen (contents);
    }
  if (self->last_contents != NULL && g_str_equal (self->last_contents, contents))
    return TRUE;
  if (!apply_contents (self, contents, length, error))
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
  return _hangar_account_store_write_file (self, error);
}

void
_hangar_account_store_watch_file (HangarAccountStore *self)
{
  g_autoptr(GFile) file = g_file_new_for_path (self->path);

  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    {
      g_file_monitor_set_rate_limit (self->monitor, 100);
      g_signal_connect (self->monitor, "changed", G_CALLBACK (file_changed_cb), self);
    }
}

void
_hangar_account_store_unwatch_file (HangarAccountStore *self)
{
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->monitor, file_changed_cb, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
}
