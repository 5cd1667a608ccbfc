/* hangar-cli-mcp-schema.c — checking tool arguments against their JSON Schema
 *
 * The schema each tool publishes in tools/list is the one its arguments are
 * checked against, so what an agent is told and what is enforced cannot
 * drift apart. Only the part of JSON Schema the tools use is understood;
 * a schema using anything else is refused when the server starts, so a
 * keyword can never be published and then silently not enforced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "hangar-cli-mcp-private.h"

static const char * const known_keywords[] = {
  "type", "description", "title", "default", "examples",
  "properties", "required", "additionalProperties", "minProperties", "maxProperties",
  "items", "minItems", "maxItems",
  "minLength", "maxLength",
  "minimum", "maximum",
  "enum",
  NULL
};

static const char * const known_types[] = {
  "string", "integer", "number", "boolean", "object", "array", "null", NULL
};

G_DEFINE_QUARK (hangar-cli-mcp-schema-error-quark, _hangar_cli_mcp_schema_error)

/* Checking the schemas themselves ----------------------------------------- */

static gboolean
check_schema (JsonNode    *schema,
              const char  *where,
              GError     **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (schema))
    {
      g_set_error (error, HANGAR_CLI_MCP_SCHEMA_ERROR, 0, "%s: a schema must be an object", where);
      return FALSE;
    }
  object = json_node_get_object (schema);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      if (!g_strv_contains (known_keywords, name))
        {
          g_set_error (error, HANGAR_CLI_MCP_SCHEMA_ERROR, 0, "%s: unsupported keyword “%s”", where, name);
          return FALSE;
        }
      if (g_str_equal (name, "type"))
        {
          if (JSON_NODE_HOLDS_ARRAY (member))
            {
              JsonArray *types = json_node_get_array (member);

              for (guint i = 0; i < json_array_get_length (types); i++)
                {
                  JsonNode *type = json_array_get_element (types, i);

                  if (json_node_get_value_type (type) != G_TYPE_STRING ||
                      !g_strv_contains (known_types, json_node_get_string (type)))
                    {
                      g_set_error (error, HANGAR_CLI_MCP_SCHEMA_ERROR, 0, "%s: unknown type", where);
                      return FALSE;
                    }
                }
            }
          else if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
                   !g_strv_contains (known_types, json_node_get_string (member)))
            {
              g_set_error (error, HANGAR_CLI_MCP_SCHEMA_ERROR, 0, "%s: unknown type", where);
              return FALSE;
            }
        }
      else if (g_str_equal (name, "properties"))
        {
          JsonObjectIter props;
          const char *prop;
          JsonNode *sub;

          if (!JSON_NODE_HOLDS_OBJECT (member))
            {
              g_set_error (error, HANGAR_CLI_MCP_SCHEMA_ERROR, 0, "%s: properties must be an object", where);
              return FALSE;
            }
          json_object_iter_init (&props, json_node_get_object (member));
          while (json_object_iter_next (&props, &prop, &sub))
            {
              g_autofree char *sub_where = g_strdup_printf ("%s.%s", where, prop);

              if (!check_schema (sub, sub_where, error))
                return FALSE;
            }
        }
      else if (g_str_equal (name, "items") ||
               (g_str_equal (name, "additionalProperties") && JSON_NODE_HOLDS_OBJECT (member)))
        {
          g_autofree char *sub_where = g_strdup_printf ("%s/%s", where, name);

          if (!check_schema (member, sub_where, error))
            return FALSE;
        }
      else if (g_str_equal (name, "required") && !JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, HANGAR_CLI_MCP_SCHEMA_ERROR, 0, "%s: required must be an array", where);
          return FALSE;
        }
      else if (g_str_equal (name, "enum") && !JSON_NODE_HOLDS_ARRAY (member))
        {
          g_set_error (error, HANGAR_CLI_MCP_SCHEMA_ERROR, 0, "%s: enum must be an array", where);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_hangar_cli_mcp_schema_check (JsonNode    *schema,
                              const char  *name,
                              GError     **error)
{
  return check_schema (schema, name, error);
}

/* Validating values ------------------------------------------------------- */

static gboolean
is_integer (JsonNode *value)
{
  double number;

  if (!JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  if (json_node_get_value_type (value) == G_TYPE_INT64)
    return TRUE;
  if (json_node_get_value_type (value) != G_TYPE_DOUBLE)
    return FALSE;
  number = json_node_get_double (value);
  return isfinite (number) && number == floor (number);
}

static gboolean
has_type (JsonNode   *value,
          const char *type)
{
  if (g_str_equal (type, "null"))
    return JSON_NODE_HOLDS_NULL (value);
  if (g_str_equal (type, "object"))
    return JSON_NODE_HOLDS_OBJECT (value);
  if (g_str_equal (type, "array"))
    return JSON_NODE_HOLDS_ARRAY (value);
  if (!JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  if (g_str_equal (type, "string"))
    return json_node_get_value_type (value) == G_TYPE_STRING;
  if (g_str_equal (type, "boolean"))
    return json_node_get_value_type (value) == G_TYPE_BOOLEAN;
  if (g_str_equal (type, "number"))
    return json_node_get_value_type (value) == G_TYPE_INT64 || json_node_get_value_type (value) == G_TYPE_DOUBLE;
  if (g_str_equal (type, "integer"))
    return is_integer (value);
  return FALSE;
}

/* "a string", "an integer", … for messages. */
static const char *
type_phrase (const char *type)
{
  if (g_str_equal (type, "integer") || g_str_equal (type, "object") || g_str_equal (type, "array"))
    return g_str_equal (type, "integer") ? "an integer" : g_str_equal (type, "object") ? "an object" : "an array";
  if (g_str_equal (type, "null"))
    return "null";
  if (g_str_equal (type, "string"))
    return "a string";
  if (g_str_equal (type, "number"))
    return "a number";
  return "a boolean";
}

/* What @value is, for messages. */
static const char *
value_phrase (JsonNode *value)
{
  if (JSON_NODE_HOLDS_OBJECT (value))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (value))
    return "an array";
  if (JSON_NODE_HOLDS_NULL (value))
    return "null";
  switch (json_node_get_value_type (value))
    {
    case G_TYPE_STRING: return "a string";
    case G_TYPE_BOOLEAN: return "a boolean";
    case G_TYPE_INT64: return "an integer";
    default: return "a number";
    }
}

static double
number_of (JsonNode *node)
{
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return json_node_get_double (node);
}

static gboolean
json_equal (JsonNode *a,
            JsonNode *b)
{
  if (JSON_NODE_HOLDS_VALUE (a) && JSON_NODE_HOLDS_VALUE (b))
    {
      GType ta = json_node_get_value_type (a), tb = json_node_get_value_type (b);

      if (ta == G_TYPE_STRING && tb == G_TYPE_STRING)
        return g_str_equal (json_node_get_string (a), json_node_get_string (b));
      if (ta == G_TYPE_BOOLEAN && tb == G_TYPE_BOOLEAN)
        return json_node_get_boolean (a) == json_node_get_boolean (b);
      if ((ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE) && (tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE))
        return number_of (a) == number_of (b);
      return FALSE;
    }
  return JSON_NODE_HOLDS_NULL (a) && JSON_NODE_HOLDS_NULL (b);
}

static gint64
int_member (JsonObject *schema,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = json_object_get_member (schema, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  return (gint64) number_of (node);
}

static gboolean
fail (GError    **error,
      const char *path,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError    **error,
      const char *path,
      const char *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HANGAR_CLI_MCP_SCHEMA_ERROR, 0, "%s: %s", path, what);
  return FALSE;
}

static gboolean validate (JsonObject  *schema,
                          JsonNode    *value,
                          const char  *path,
                          GError     **error);

static gboolean
validate_type (JsonObject  *schema,
               JsonNode    *value,
               const char  *path,
               GError     **error)
{
  JsonNode *type = json_object_get_member (schema, "type");
  g_autoptr(GString) wanted = NULL;

  if (type == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (type))
    {
      if (has_type (value, json_node_get_string (type)))
        return TRUE;
      return fail (error, path, "must be %s, not %s", type_phrase (json_node_get_string (type)),
                   value_phrase (value));
    }

  wanted = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (type)); i++)
    {
      const char *one = json_array_get_string_element (json_node_get_array (type), i);

      if (has_type (value, one))
        return TRUE;
      if (wanted->len > 0)
        g_string_append (wanted, " or ");
      g_string_append (wanted, type_phrase (one));
    }
  return fail (error, path, "must be %s, not %s", wanted->str, value_phrase (value));
}

static gboolean
validate_object (JsonObject  *schema,
                 JsonObject  *object,
                 const char  *path,
                 GError     **error)
{
  JsonObject *properties = json_object_has_member (schema, "properties")
                           ? json_object_get_object_member (schema, "properties") : NULL;
  JsonNode *additional = json_object_get_member (schema, "additionalProperties");
  JsonArray *required = json_object_has_member (schema, "required")
                        ? json_object_get_array_member (schema, "required") : NULL;
  guint size = json_object_get_size (object);
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
    {
      const char *needed = json_array_get_string_element (required, i);

      if (!json_object_has_member (object, needed))
        return fail (error, path, "“%s” is required", needed);
    }
  if (size < (guint) int_member (schema, "minProperties", 0))
    return fail (error, path, "must have at least %" G_GINT64_FORMAT " member%s",
                 int_member (schema, "minProperties", 0), int_member (schema, "minProperties", 0) == 1 ? "" : "s");
  if (json_object_has_member (schema, "maxProperties") && size > (guint) int_member (schema, "maxProperties", 0))
    return fail (error, path, "must have at most %" G_GINT64_FORMAT " members",
                 int_member (schema, "maxProperties", 0));

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      JsonNode *sub = properties != NULL ? json_object_get_member (properties, name) : NULL;
      g_autofree char *sub_path = NULL;

      if (sub == NULL)
        {
          if (additional != NULL && JSON_NODE_HOLDS_VALUE (additional) && !json_node_get_boolean (additional))
            {
              g_autoptr(GString) known = g_string_new (NULL);
              g_autoptr(GList) names = properties != NULL ? json_object_get_members (properties) : NULL;

              for (GList *l = names; l != NULL; l = l->next)
                g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "", (const char *) l->data);
              return fail (error, path, "unknown member “%s” (known: %s)", name, known->str);
            }
          if (additional == NULL || !JSON_NODE_HOLDS_OBJECT (additional))
            continue;
          sub = additional;
        }
      sub_path = g_strdup_printf ("%s.%s", path, name);
      if (!validate (json_node_get_object (sub), member, sub_path, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
validate (JsonObject  *schema,
          JsonNode    *value,
          const char  *path,
          GError     **error)
{
  JsonNode *enumeration = json_object_get_member (schema, "enum");

  if (!validate_type (schema, value, path, error))
    return FALSE;

  if (enumeration != NULL)
    {
      JsonArray *choices = json_node_get_array (enumeration);
      g_autoptr(GString) listed = g_string_new (NULL);
      gboolean found = FALSE;

      for (guint i = 0; i < json_array_get_length (choices) && !found; i++)
        {
          JsonNode *choice = json_array_get_element (choices, i);

          found = json_equal (choice, value);
          if (listed->len > 0)
            g_string_append (listed, ", ");
          hangar_json_append (listed, choice, -1);
        }
      if (!found)
        return fail (error, path, "must be one of %s", listed->str);
    }

  if (JSON_NODE_HOLDS_OBJECT (value))
    return validate_object (schema, json_node_get_object (value), path, error);

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      guint length = json_array_get_length (array);
      JsonNode *items = json_object_get_member (schema, "items");

      if (json_object_has_member (schema, "minItems") && length < (guint) int_member (schema, "minItems", 0))
        return fail (error, path, "must have at least %" G_GINT64_FORMAT " element%s",
                     int_member (schema, "minItems", 0), int_member (schema, "minItems", 0) == 1 ? "" : "s");
      if (json_object_has_member (schema, "maxItems") && length > (guint) int_member (schema, "maxItems", 0))
        return fail (error, path, "must have at most %" G_GINT64_FORMAT " elements (it has %u)",
                     int_member (schema, "maxItems", 0), length);
      for (guint i = 0; items != NULL && i < length; i++)
        {
          g_autofree char *sub_path = g_strdup_printf ("%s[%u]", path, i);

          if (!validate (json_node_get_object (items), json_array_get_element (array, i), sub_path, error))
            return FALSE;
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      glong length = g_utf8_strlen (json_node_get_string (value), -1);

      if (json_object_has_member (schema, "minLength") && length < int_member (schema, "minLength", 0))
        return fail (error, path, length == 0 ? "must not be empty" : "must be at least %" G_GINT64_FORMAT " characters long",
                     int_member (schema, "minLength", 0));
      if (json_object_has_member (schema, "maxLength") && length > int_member (schema, "maxLength", 0))
        return fail (error, path, "must be at most %" G_GINT64_FORMAT " characters long",
                     int_member (schema, "maxLength", 0));
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (value) &&
      (json_node_get_value_type (value) == G_TYPE_INT64 || json_node_get_value_type (value) == G_TYPE_DOUBLE))
    {
      double number = number_of (value);
      JsonNode *minimum = json_object_get_member (schema, "minimum");
      JsonNode *maximum = json_object_get_member (schema, "maximum");

      if (minimum != NULL && number < number_of (minimum))
        {
          g_autofree char *text = hangar_json_to_string (minimum, -1);
          return fail (error, path, "must be at least %s", text);
        }
      if (maximum != NULL && number > number_of (maximum))
        {
          g_autofree char *text = hangar_json_to_string (maximum, -1);
          return fail (error, path, "must be at most %s", text);
        }
    }
  return TRUE;
}

gboolean
_hangar_cli_mcp_schema_validate (JsonNode    *schema,
                                 JsonNode    *value,
                                 const char  *root_name,
                                 GError     **error)
{
  g_return_val_if_fail (JSON_NODE_HOLDS_OBJECT (schema), FALSE);

  return validate (json_node_get_object (schema), value, root_name, error);
}
