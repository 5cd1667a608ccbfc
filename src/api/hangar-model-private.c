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
