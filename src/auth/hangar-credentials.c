/* hangar-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "hangar-account-private.h"
#include "hangar-auth-error.h"
#include "hangar-credentials.h"
#include "hangar-json.h"
#include "hangar-redact.h"
#include "hangar-token-source.h"

/* A stored item is about 1 KB (two tokens, a secret, three numbers); one
 * far larger is not ours, and is refused before it is parsed. */
#define MAX_PAYLOAD_BYTES (64 * 1024)

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
  g_autoptr(JsonNode) root = NULL;
  GString *out;

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
  /* Sized once, so no copy of the secrets is left behind in a buffer that
   * grew and was freed unwiped. */
  out = g_string_sized_new (4096 + (self->access_token ? strlen (self->access_token) * 6 : 0) +
                            (self->refresh_token ? strlen (self->refresh_token) * 6 : 0) +
                            (self->client_secret ? strlen (self->client_secret) * 6 : 0));
  hangar_json_append (out, root, -1);
  _hangar_auth_wipe_json_strings (json_node_get_object (root));
  return g_string_free (out, FALSE);
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
  g_autoptr(HangarCredentials) creds = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_auto(GStrv) notes = NULL;
  JsonObject *obj;

  g_return_val_if_fail (json != NULL, NULL);

  /* The parser's message names a byte offset, never the text. */
  root = hangar_json_parse (json, -1, MAX_PAYLOAD_BYTES, &notes, &parse_error);
  if (root == NULL)
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING,
                   "The stored secret is not valid: %s", parse_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HANGAR_AUTH_ERROR, HANGAR_AUTH_ERROR_KEYRING,
                   "%s", "The stored secret is not a JSON object");
      return NULL;
    }
  obj = json_node_get_object (root);
  creds = hangar_credentials_new ();
  creds->access_token = g_strdup (_hangar_auth_json_string (obj, "access_token"));
  creds->refresh_token = g_strdup (_hangar_auth_json_string (obj, "refresh_token"));
  creds->client_secret = g_strdup (_hangar_auth_json_string (obj, "client_secret"));
  creds->access_expires_at = _hangar_auth_json_time (obj, "access_expires_at");
  creds->refresh_expires_at = _hangar_auth_json_time (obj, "refresh_expires_at");
  creds->issued_at = _hangar_auth_json_time (obj, "issued_at");

  /* The parser holds copies of the strings; wipe them before it frees them. */
  _hangar_auth_wipe_json_strings (obj);

  /* Secrets from the keyring enter the process here: no message shows
   * them, in any spelling, from now on. */
  hangar_redact_add_secret (creds->access_token);
  hangar_redact_add_secret (creds->refresh_token);
  hangar_redact_add_secret (creds->client_secret);

  return g_steal_pointer (&creds);
}
