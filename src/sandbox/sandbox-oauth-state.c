/* sandbox-oauth-state.c — integrations, grants and codes in and out of
 * the state file (digests only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox-oauth-private.h"
#include "sandbox-consent.h"

/* ---------------------------------------------------------------------- */
/* Persistence                                                             */
/* ---------------------------------------------------------------------- */

static void
add_strv_member (JsonBuilder        *b,
                 const char         *name,
                 const char * const *strv)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
}

static void
add_str_member (JsonBuilder *b,
                const char  *name,
                const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int_member (JsonBuilder *b,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

JsonNode *
sandbox_oauth_serialize (SandboxOAuth *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  add_int_member (b, "version", STATE_VERSION);

  json_builder_set_member_name (b, "integrations");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->integrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      OAuthIntegration *integ = value;

      json_builder_begin_object (b);
      add_str_member (b, "client_id", integ->client_id);
      add_str_member (b, "name", integ->name);
      add_str_member (b, "secret_sha256", integ->secret_hash);
      add_strv_member (b, "redirect_uris", (const char * const *) integ->redirect_uris);
      add_strv_member (b, "scopes", (const char * const *) integ->scopes);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "grants");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->grants);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      OAuthGrant *grant = value;

      g_ptr_array_add (grant->base_ids, NULL);
      json_builder_begin_object (b);
      add_str_member (b, "id", grant->id);
      add_str_member (b, "user_id", grant->user_id);
      add_str_member (b, "client_id", grant->client_id);
      add_strv_member (b, "scopes", (const char * const *) grant->scopes);
      add_strv_member (b, "base_ids", (const char * const *) grant->base_ids->pdata);
      add_int_member (b, "created_us", grant->created_us);
      add_str_member (b, "access_sha256", grant->access_hash);
      add_strv_member (b, "access_scopes", (const char * const *) grant->access_scopes);
      add_int_member (b, "access_expires_us", grant->access_expires_us);
      add_str_member (b, "refresh_sha256", grant->refresh_hash);
      add_int_member (b, "refresh_expires_us", grant->refresh_expires_us);
      json_builder_set_member_name (b, "rotated");
      json_builder_begin_array (b);
      for (guint i = 0; i < grant->rotated->len; i++)
        {
          OAuthRotated *r = g_ptr_array_index (grant->rotated, i);

          json_builder_begin_object (b);
          add_str_member (b, "sha256", r->hash);
          add_int_member (b, "rotated_us", r->rotated_us);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      g_ptr_array_remove_index (grant->base_ids, grant->base_ids->len - 1);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "codes");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      OAuthCode *code = value;

      json_builder_begin_object (b);
      add_str_member (b, "sha256", code->hash);
      add_str_member (b, "client_id", code->client_id);
      add_str_member (b, "redirect_uri", code->redirect_uri);
      add_str_member (b, "user_id", code->user_id);
      add_str_member (b, "challenge", code->challenge);
      add_strv_member (b, "scopes", (const char * const *) code->scopes);
      add_strv_member (b, "base_ids", (const char * const *) code->base_ids);
      add_int_member (b, "expires_us", code->expires_us);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Typed readers: each sets @error and returns FALSE on a wrong type. */
static gboolean
read_string (JsonObject  *obj,
             const char  *name,
             gboolean     nullable,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node != NULL && JSON_NODE_HOLDS_NULL (node) && nullable)
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: member “%s” is not a string", name);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_int (JsonObject  *obj,
          const char  *name,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: member “%s” is not an integer", name);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_strv (JsonObject  *obj,
           const char  *name,
           GStrv       *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: member “%s” is not an array", name);
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "OAuth state: “%s” holds a non-string", name);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static JsonArray *
read_array (JsonObject  *obj,
            const char  *name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: member “%s” is not an array", name);
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
element_object (JsonArray  *array,
                guint       i,
                GError    **error)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: an array element is not an object");
      return NULL;
    }
  return json_node_get_object (node);
}

gboolean
sandbox_oauth_deserialize (SandboxOAuth *self,
                           JsonNode     *node,
                           GError      **error)
{
  g_autoptr(GHashTable) grants = NULL;
  g_autoptr(GHashTable) codes = NULL;
  g_autoptr(GPtrArray) integrations = NULL;
  JsonObject *root;
  JsonArray *array;
  gint64 version = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "OAuth state: not an object");
      return FALSE;
    }
  root = json_node_get_object (node);
  if (!read_int (root, "version", &version, error))
    return FALSE;
  if (version != STATE_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "OAuth state: unsupported version %" G_GINT64_FORMAT, version);
      return FALSE;
    }

  /* Parse everything first; the live state changes only on success. */
  integrations = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_oauth_integration_free);
  if ((array = read_array (root, "integrations", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = element_object (array, i, error);
      g_autofree char *id = NULL;
      OAuthIntegration *integ;

      if (obj == NULL || !read_string (obj, "client_id", FALSE, &id, error))
        return FALSE;
      if (strlen (id) == 0 || strlen (id) >= CLIENT_ID_MAX)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "OAuth state: bad client id");
          return FALSE;
        }
      integ = g_new0 (OAuthIntegration, 1);
      g_ptr_array_add (integrations, integ);
      g_strlcpy (integ->client_id, id, sizeof integ->client_id);
      if (!read_string (obj, "name", FALSE, &integ->name, error)
          || !read_string (obj, "secret_sha256", TRUE, &integ->secret_hash, error)
          || !read_strv (obj, "redirect_uris", &integ->redirect_uris, error)
          || !read_strv (obj, "scopes", &integ->scopes, error))
        return FALSE;
    }

  grants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _sandbox_oauth_grant_free);
  if ((array = read_array (root, "grants", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = element_object (array, i, error);
      g_auto(GStrv) base_ids = NULL;
      JsonArray *rotated;
      OAuthGrant *grant;

      if (obj == NULL)
        return FALSE;
      grant = g_new0 (OAuthGrant, 1);
      grant->base_ids = g_ptr_array_new_with_free_func (g_free);
      grant->rotated = g_ptr_array_new_with_free_func ((GDestroyNotify) _sandbox_oauth_rotated_free);
      grant->attempts = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (!read_string (obj, "id", FALSE, &grant->id, error))
        {
          _sandbox_oauth_grant_free (grant);
          return FALSE;
        }
      g_hash_table_replace (grants, grant->id, grant);
      if (!read_string (obj, "user_id", FALSE, &grant->user_id, error)
          || !read_string (obj, "client_id", FALSE, &grant->client_id, error)
          || !read_strv (obj, "scopes", &grant->scopes, error)
          || !read_strv (obj, "base_ids", &base_ids, error)
          || !read_int (obj, "created_us", &grant->created_us, error)
          || !read_string (obj, "access_sha256", TRUE, &grant->access_hash, error)
          || !read_strv (obj, "access_scopes", &grant->access_scopes, error)
          || !read_int (obj, "access_expires_us", &grant->access_expires_us, error)
          || !read_string (obj, "refresh_sha256", TRUE, &grant->refresh_hash, error)
          || !read_int (obj, "refresh_expires_us", &grant->refresh_expires_us, error)
          || (rotated = read_array (obj, "rotated", error)) == NULL)
        return FALSE;
      for (guint j = 0; base_ids[j] != NULL; j++)
        g_ptr_array_add (grant->base_ids, g_strdup (base_ids[j]));
      for (guint j = 0; j < json_array_get_length (rotated); j++)
        {
          JsonObject *robj = element_object (rotated, j, error);
          OAuthRotated *r;

          if (robj == NULL)
            return FALSE;
          r = g_new0 (OAuthRotated, 1);
          r->grant = grant;
          g_ptr_array_add (grant->rotated, r);
          if (!read_string (robj, "sha256", FALSE, &r->hash, error)
              || !read_int (robj, "rotated_us", &r->rotated_us, error))
            return FALSE;
        }
    }

  codes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _sandbox_oauth_code_free);
  if ((array = read_array (root, "codes", error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = element_object (array, i, error);
      OAuthCode *code;

      if (obj == NULL)
        return FALSE;
      code = g_new0 (OAuthCode, 1);
      if (!read_string (obj, "sha256", FALSE, &code->hash, error))
        {
          _sandbox_oauth_code_free (code);
          return FALSE;
        }
      g_hash_table_replace (codes, code->hash, code);
      if (!read_string (obj, "client_id", FALSE, &code->client_id, error)
          || !read_string (obj, "redirect_uri", FALSE, &code->redirect_uri, error)
          || !read_string (obj, "user_id", FALSE, &code->user_id, error)
          || !read_string (obj, "challenge", FALSE, &code->challenge, error)
          || !read_strv (obj, "scopes", &code->scopes, error)
          || !read_strv (obj, "base_ids", &code->base_ids, error)
          || !read_int (obj, "expires_us", &code->expires_us, error))
        return FALSE;
    }

  /* Commit. Integrations registered during this run keep their pointer but
   * take the stored client id when the names match (see the header). */
  for (guint i = 0; i < integrations->len; i++)
    {
      OAuthIntegration *stored = g_ptr_array_index (integrations, i);
      OAuthIntegration *live = _sandbox_oauth_find_integration_by_name (self, stored->name);

      if (live != NULL)
        {
          if (!g_str_equal (live->client_id, stored->client_id)
              && !g_hash_table_contains (self->integrations, stored->client_id))
            {
              g_hash_table_steal (self->integrations, live->client_id);
              g_strlcpy (live->client_id, stored->client_id, sizeof live->client_id);
              g_hash_table_replace (self->integrations, live->client_id, live);
            }
          /* The configuration of this run (URIs, scopes, secret) wins. */
        }
      else if (!g_hash_table_contains (self->integrations, stored->client_id))
        {
          g_ptr_array_index (integrations, i) = NULL;
          g_hash_table_replace (self->integrations, stored->client_id, stored);
        }
    }
  g_ptr_array_set_free_func (integrations, NULL);
  for (guint i = 0; i < integrations->len; i++)
    if (g_ptr_array_index (integrations, i) != NULL)
      _sandbox_oauth_integration_free (g_ptr_array_index (integrations, i));

  g_hash_table_remove_all (self->access_index);
  g_hash_table_remove_all (self->refresh_index);
  g_hash_table_remove_all (self->rotated_index);
  g_clear_pointer (&self->grants, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  self->grants = g_steal_pointer (&grants);
  self->codes = g_steal_pointer (&codes);
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->grants);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        OAuthGrant *grant = value;

        if (grant->access_hash != NULL)
          g_hash_table_replace (self->access_index, grant->access_hash, grant);
        if (grant->refresh_hash != NULL)
          g_hash_table_replace (self->refresh_index, grant->refresh_hash, grant);
        for (guint j = 0; j < grant->rotated->len; j++)
          {
            OAuthRotated *r = g_ptr_array_index (grant->rotated, j);

            g_hash_table_replace (self->rotated_index, r->hash, r);
          }
      }
  }
  return TRUE;
}
