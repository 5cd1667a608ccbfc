/* hangar-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "hangar-auth-error.h"
#include "hangar-credentials.h"
#include "hangar-token-source.h"

G_DEFINE_BOXED_TYPE (HangarCredentials, hangar_credentials,
                     hangar_credentials_copy, hangar_credentials_free)

/**
 * hangar_credentials_new:
 *
 * Returns: (transfer full): empty credentials
 */
HangarCredentials *
hangar_credentials_new (void)
{
  return g_new0 (HangarCredentials, 1);
}

/**
 * hangar_credentials_copy:
 * @self: credentials
 *
 * Returns: (transfer full): a deep copy
 */
HangarCredentials *
hangar_credentials_copy (const HangarCredentials *self)
{
  HangarCredentials *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = hangar_credentials_new ();
  copy->access_token = g_strdup (self->access_token);
  copy->refresh_token = g_strdup (self->refresh_token);
  copy->access_expires_at = self->access_expires_at;
  copy->refresh_expires_at = self->refresh_expires_at;
  copy->issued_at = self->issued_at;
  copy->client_secret = g_strdup (self->client_secret);
  copy->scope = g_strdup (self->scope);
  return copy;
}

/**
 * hangar_credentials_free:
 * @self: (nullable): credentials
 *
 * Wipes every secret string, then frees.
 */
void
hangar_credentials_free (HangarCredentials *self)
{
  if (self == NULL)
    return;
  hangar_token_free (self->access_token);
  hangar_token_free (self->refresh_token);
  hangar_token_free (self->client_secret);
  g_free (self->scope);
  g_free (self);
}

/* json-glib keeps its own copies of string values: wipe them before the
 * nodes are freed. */
static void
wipe_strings (JsonObject *obj)
{
  GList *members = json_object_get_members (obj);

  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *node = json_object_get_member (obj, m->data);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (node);
          explicit_bzero ((char *) s, strlen (s));
        }
    }
  g_list_free (members);
}

/**
 * hangar_credentials_to_json:
 * @self: credentials
 *
 * Returns: (transfer full): the keyring payload; free with hangar_token_free()
 */
char *
hangar_credentials_to_json (const HangarCredentials *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *payload;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  if (self->access_token != NULL)
    json_builder_add_string_value (builder, self->access_token);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "refresh_token");
  if (self->refresh_token != NULL)
    json_builder_add_string_value (builder, self->refresh_token);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "access_expires_at");
  json_builder_add_int_value (builder, self->access_expires_at);
  json_builder_set_member_name (builder, "refresh_expires_at");
  json_builder_add_int_value (builder, self->refresh_expires_at);
  json_builder_set_member_name (builder, "issued_at");
  json_builder_add_int_value (builder, self->issued_at);
  if (self->client_secret != NULL)
    {
      json_builder_set_member_name (builder, "client_secret");
      json_builder_add_string_value (builder, self->client_secret);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  payload = json_generator_to_data (gen, NULL);
  wipe_strings (json_node_get_object (root));
  return payload;
}

static char *
dup_string_member (JsonObject *obj,
                   const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gint64
get_int_member (JsonObject *obj,
                const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return 0;
}

/**
 * hangar_credentials_from_json:
 * @json: a keyring payload
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the credentials, or %NULL
 */
HangarCredentials *
hangar_credentials_from_json (const char  *json,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(HangarCredentials) creds = NULL;
  JsonObject *obj;
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING,
                   "%s", "The stored secret is not valid JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING,
                   "%s", "The stored secret is not a JSON object");
      return NULL;
    }
  obj = json_node_get_object (root);
  creds = hangar_credentials_new ();
  creds->access_token = dup_string_member (obj, "access_token");
  creds->refresh_token = dup_string_member (obj, "refresh_token");
  creds->client_secret = dup_string_member (obj, "client_secret");
  creds->access_expires_at = get_int_member (obj, "access_expires_at");
  creds->refresh_expires_at = get_int_member (obj, "refresh_expires_at");
  creds->issued_at = get_int_member (obj, "issued_at");

  /* The parser holds copies of the strings; wipe them before it frees them. */
  wipe_strings (obj);

  return g_steal_pointer (&creds);
}
