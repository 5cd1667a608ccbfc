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

/* Splits a path of HangarJsonNote into its segments: names (unescaped) and
 * indices ("[3]" stays as it is). NULL when it is not such a path. */
static GPtrArray *
split_path (const char *path)
{
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (g_free);
  const char *p = path;

  while (*p != '\0')
    {
      if (*p == '.')
        p++;
      if (*p == '[' && p[1] == '"')
        {
          /* ["name"]: a JSON string, then "]" */
          const char *q = p + 2;
          g_autoptr(JsonNode) node = NULL;
          g_autofree char *literal = NULL;

          while (*q != '\0' && *q != '"')
            q += (*q == '\\' && q[1] != '\0') ? 2 : 1;
          if (*q != '"' || q[1] != ']')
            return NULL;
          literal = g_strndup (p + 1, q + 1 - (p + 1));
          node = hangar_json_parse (literal, -1, 0, NULL, NULL);
          if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
            return NULL;
          g_ptr_array_add (segments, g_strdup (json_node_get_string (node)));
          p = q + 2;
        }
      else if (*p == '[')
        {
          const char *q = strchr (p, ']');

          if (q == NULL)
            return NULL;
          g_ptr_array_add (segments, g_strndup (p, q + 1 - p));
          p = q + 1;
        }
      else
        {
          gsize len = strcspn (p, ".[");

          if (len == 0)
            return NULL;
          g_ptr_array_add (segments, g_strndup (p, len));
          p += len;
        }
    }
  return g_steal_pointer (&segments);
}

char **
_hangar_notes_under (GPtrArray  *notes,
                     const char *prefix)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  gsize prefix_len = strlen (prefix);
  gboolean any = FALSE;

  if (notes == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < notes->len; i++)
    {
      HangarJsonNote *note = g_ptr_array_index (notes, i);
      const char *rest;
      g_autoptr(GPtrArray) segments = NULL;
      g_autofree char *text = NULL;

      if (strncmp (note->path, prefix, prefix_len) != 0)
        continue;
      rest = note->path + prefix_len;
      if (*rest != '\0' && *rest != '.' && *rest != '[' && prefix_len > 0)
        continue;   /* records[1] is not under records[10] */
      if (*rest == '.')
        rest++;

      segments = split_path (rest);
      if (segments != NULL && segments->len >= 2 && g_str_equal (g_ptr_array_index (segments, 0), "fields"))
        {
          g_autoptr(GString) deeper = g_string_new (NULL);

          for (guint k = 2; k < segments->len; k++)
            {
              const char *segment = g_ptr_array_index (segments, k);

              if (segment[0] != '[' && deeper->len > 0)
                g_string_append_c (deeper, '.');
              g_string_append (deeper, segment);
            }
          text = deeper->len > 0
                   ? g_strdup_printf ("field “%s” (at %s): %s", (char *) g_ptr_array_index (segments, 1),
                                      deeper->str, note->message)
                   : g_strdup_printf ("field “%s”: %s", (char *) g_ptr_array_index (segments, 1), note->message);
        }
      else if (*rest != '\0')
        text = g_strdup_printf ("“%s”: %s", rest, note->message);
      else
        text = g_strdup (note->message);
      g_strv_builder_add (builder, text);
      any = TRUE;
    }
  return any ? g_strv_builder_end (builder) : NULL;
}

char **
_hangar_notes_append (char **list,
                      char **more)
{
  g_autoptr(GStrvBuilder) builder = NULL;

  if (more == NULL)
    return list;
  if (list == NULL)
    return more;
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) list);
  g_strv_builder_addv (builder, (const char **) more);
  g_strfreev (list);
  g_strfreev (more);
  return g_strv_builder_end (builder);
}
