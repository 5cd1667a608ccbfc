/* hangar-model-private.c — JSON checking shared by the model classes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "hangar-model-private.h"

void
_hangar_set_invalid_response (GError     **error,
                              const char  *format,
                              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, HANGAR_API_ERROR, HANGAR_API_ERROR_INVALID_RESPONSE,
               "Invalid response: %s", message);
}

const char *
_hangar_json_node_type_name (JsonNode *node)
{
  if (node == NULL)
    return "nothing";

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return "a string";
        case G_TYPE_BOOLEAN:
          return "a boolean";
        case G_TYPE_INT64:
        case G_TYPE_DOUBLE:
          return "a number";
        default:
          return "a value";
        }
    default:
      return "something else";
    }
}

/* Returns the member node, or NULL when absent or null. Sets an error only
 * when a required member is missing. */
static JsonNode *
get_member (JsonObject  *object,
            const char  *member,
            gboolean     required,
            const char  *what,
            gboolean    *ok,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          _hangar_set_invalid_response (error, "%s has no “%s”", what, member);
          *ok = FALSE;
        }
      return NULL;
    }

  return node;
}

static gboolean
wrong_type (JsonNode    *node,
            const char  *member,
            const char  *what,
            const char  *expected,
            GError     **error)
{
  _hangar_set_invalid_response (error, "“%s” of %s is %s, not %s",
                                member, what, _hangar_json_node_type_name (node), expected);
  return FALSE;
}

gboolean
_hangar_json_get_string (JsonObject  *object,
                         const char  *member,
                         gboolean     required,
                         const char  *what,
                         const char **out_value,
                         GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);

  *out_value = NULL;
  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (node, member, what, "a string", error);

  *out_value = json_node_get_string (node);
  return TRUE;
}

gboolean
_hangar_json_get_object (JsonObject  *object,
                         const char  *member,
                         gboolean     required,
                         const char  *what,
                         JsonObject **out_value,
                         GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);

  *out_value = NULL;
  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (node, member, what, "an object", error);

  *out_value = json_node_get_object (node);
  return TRUE;
}

gboolean
_hangar_json_get_array (JsonObject  *object,
                        const char  *member,
                        gboolean     required,
                        const char  *what,
                        JsonArray  **out_value,
                        GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);

  *out_value = NULL;
  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (node, member, what, "an array", error);

  *out_value = json_node_get_array (node);
  return TRUE;
}

gboolean
_hangar_json_node_get_number (JsonNode *node,
                              double   *out_value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *out_value = (double) json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *out_value = json_node_get_double (node);
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
_hangar_json_get_int (JsonObject  *object,
                      const char  *member,
                      gboolean     required,
                      const char  *what,
                      gint64      *out_value,
                      GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);
  double value;

  if (node == NULL)
    return ok;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out_value = json_node_get_int (node);
      return TRUE;
    }

  /* 3.0 is an integer too; 3.5 or 1e300 is not. */
  if (_hangar_json_node_get_number (node, &value) &&
      value == (double) (gint64) value &&
      value >= -9.0e18 && value <= 9.0e18)
    {
      *out_value = (gint64) value;
      return TRUE;
    }

  return wrong_type (node, member, what, "an integer", error);
}

gboolean
_hangar_json_get_boolean (JsonObject  *object,
                          const char  *member,
                          gboolean     required,
                          const char  *what,
                          gboolean    *out_value,
                          GError     **error)
{
  gboolean ok;
  JsonNode *node = get_member (object, member, required, what, &ok, error);

  if (node == NULL)
    return ok;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (node, member, what, "a boolean", error);

  *out_value = json_node_get_boolean (node);
  return TRUE;
}

GDateTime *
_hangar_parse_timestamp (const char  *text,
                         const char  *what,
                         const char  *member,
                         GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *dt;

  /* A bare date or a time without zone is not what the API sends; the
   * default zone only matters for such input. */
  dt = text != NULL ? g_date_time_new_from_iso8601 (text, utc) : NULL;
  if (dt == NULL)
    {
      /* Do not echo huge garbage into messages. */
      g_autofree char *shown = text != NULL ? g_utf8_make_valid (text, MIN (strlen (text), 64)) : NULL;
      _hangar_set_invalid_response (error, "“%s” of %s is not an ISO 8601 time (“%s”)",
                                    member, what, shown != NULL ? shown : "");
    }
  return dt;
}

GPtrArray *
_hangar_model_list_from_json (JsonNode            *response,
                              const char          *member,
                              const char          *what,
                              HangarModelFromJson  ctor,
                              GError             **error)
{
  g_autoptr(GPtrArray) result = NULL;
  JsonArray *array;
  guint n;

  if (response == NULL || !JSON_NODE_HOLDS_OBJECT (response))
    {
      _hangar_set_invalid_response (error, "the %s response is %s, not an object",
                                    what, _hangar_json_node_type_name (response));
      return NULL;
    }

  if (!_hangar_json_get_array (json_node_get_object (response), member, TRUE,
                               "the response", &array, error))
    return NULL;

  n = json_array_get_length (array);
  result = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gpointer model;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          _hangar_set_invalid_response (error, "%s %u in “%s” is %s, not an object",
                                        what, i, member, _hangar_json_node_type_name (element));
          return NULL;
        }

      model = ctor (json_node_get_object (element), error);
      if (model == NULL)
        return NULL;
      g_ptr_array_add (result, model);
    }

  return g_steal_pointer (&result);
}

JsonObject *
_hangar_json_object_deep_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    json_object_set_member (copy, name, _hangar_json_node_deep_copy (member));

  return copy;
}

JsonNode *
_hangar_json_node_deep_copy (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(JsonObject) object = _hangar_json_object_deep_copy (json_node_get_object (node));
        return json_node_init_object (json_node_alloc (), object);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *src = json_node_get_array (node);
        g_autoptr(JsonArray) array = json_array_sized_new (json_array_get_length (src));

        for (guint i = 0; i < json_array_get_length (src); i++)
          json_array_add_element (array, _hangar_json_node_deep_copy (json_array_get_element (src, i)));
        return json_node_init_array (json_node_alloc (), array);
      }
    case JSON_NODE_NULL:
    case JSON_NODE_VALUE:
    default:
      return json_node_copy (node);
    }
}
