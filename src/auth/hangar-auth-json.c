/* hangar-auth-json.c — reading what the accounts layer keeps as JSON
 *
 * accounts.json, integrations.json and the keyring payloads are parsed by
 * hangar_json_parse() (src/api/hangar-json.h); these read their members
 * through its typed getters, for values where "missing" and "of another
 * type" both simply mean "not set".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-account-private.h"
#include "hangar-json.h"

const char *
_hangar_auth_json_string (JsonObject *obj,
                          const char *member)
{
  const char *value = NULL;

  if (obj == NULL || !_hangar_json_get_string (obj, member, FALSE, "the stored metadata", &value, NULL))
    return NULL;
  return value;
}

gint64
_hangar_auth_json_time (JsonObject *obj,
                        const char *member)
{
  gint64 value = 0;

  if (obj == NULL || !_hangar_json_get_int (obj, member, FALSE, "the stored metadata", &value, NULL))
    return 0;
  return MAX (value, 0);
}

char **
_hangar_auth_json_strv (JsonObject *obj,
                        const char *member)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array = NULL;

  if (obj == NULL || !_hangar_json_get_array (obj, member, FALSE, "the stored metadata", &array, NULL) || array == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (item));
    }
  return g_strv_builder_end (builder);
}

void
_hangar_auth_wipe_json_strings (JsonObject *obj)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (obj == NULL)
    return;
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &name, &node))
    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      {
        const char *s = json_node_get_string (node);

        explicit_bzero ((char *) s, strlen (s));
      }
}
