/* sandbox-store-schema.c — validation of a new field's options (the
 * write form of Airtable's field model) into the form the schema returns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-store-private.h"

/* ------------------------------------------------------ schema validation */

static const char * const all_colors_bases[] = {
  "blue", "cyan", "teal", "green", "yellow", "orange", "red", "pink", "purple", "gray", NULL,
};

static gboolean
valid_color (const char *color,
             gboolean    bright_only)
{
  for (guint i = 0; all_colors_bases[i] != NULL; i++)
    {
      const char *suffixes[] = { "Light2", "Light1", "Bright", "Dark1" };

      if (!g_str_has_prefix (color, all_colors_bases[i]))
        continue;
      for (guint j = bright_only ? 2 : 0; j < (bright_only ? 3u : 4u); j++)
        if (g_str_equal (color + strlen (all_colors_bases[i]), suffixes[j]))
          return TRUE;
    }
  return FALSE;
}

/* Validates the write form of a new field's options (Airtable's field model)
 * and returns the read form to store. Link fields are completed by the
 * caller. */
gboolean
sandbox_field_options_validate (SandboxServer *self,
                                SandboxBase   *base,
                                const char    *type,
                                JsonNode      *options,
                                JsonObject   **out_options,
                                char         **message)
{
  JsonObject *in = NULL;
  g_autoptr(JsonObject) out = json_object_new ();

  *out_options = NULL;
  if (_sandbox_store_type_in (type, _sandbox_store_computed_types))
    {
      *message = g_strdup_printf ("Field type %s cannot be created through the API", type);
      return FALSE;
    }
  if (!_sandbox_store_type_in (type, _sandbox_store_known_types))
    {
      *message = g_strdup_printf ("Unknown field type \"%s\"", type);
      return FALSE;
    }
  if (options != NULL && !JSON_NODE_HOLDS_NULL (options))
    {
      if (!JSON_NODE_HOLDS_OBJECT (options))
        {
          *message = g_strdup ("options must be an object");
          return FALSE;
        }
      in = json_node_get_object (options);
    }

#define IN_MEMBER(name) (in != NULL ? json_object_get_member (in, name) : NULL)

  if (g_str_equal (type, "number") || g_str_equal (type, "percent") || g_str_equal (type, "currency"))
    {
      JsonNode *p = IN_MEMBER ("precision");
      JsonNode *sym = IN_MEMBER ("symbol");
      int max = g_str_equal (type, "currency") ? 7 : 8;

      if (p != NULL && (!sandbox_node_is_type (p, G_TYPE_INT64) || json_node_get_int (p) < 0 || json_node_get_int (p) > max))
        {
          *message = g_strdup_printf ("options.precision must be an integer from 0 to %d", max);
          return FALSE;
        }
      json_object_set_int_member (out, "precision", p != NULL ? json_node_get_int (p) : (g_str_equal (type, "currency") ? 2 : 0));
      if (g_str_equal (type, "currency"))
        {
          if (sym != NULL && !sandbox_node_is_string (sym))
            {
              *message = g_strdup ("options.symbol must be a string");
              return FALSE;
            }
          json_object_set_string_member (out, "symbol", sym != NULL ? json_node_get_string (sym) : "$");
        }
    }
  else if (g_str_equal (type, "duration"))
    {
      JsonNode *f = IN_MEMBER ("durationFormat");
      const char *formats[] = { "h:mm", "h:mm:ss", "h:mm:ss.S", "h:mm:ss.SS", "h:mm:ss.SSS", NULL };

      if (f != NULL && (!sandbox_node_is_string (f) || !g_strv_contains (formats, json_node_get_string (f))))
        {
          *message = g_strdup ("options.durationFormat is invalid");
          return FALSE;
        }
      json_object_set_string_member (out, "durationFormat", f != NULL ? json_node_get_string (f) : "h:mm");
    }
  else if (g_str_equal (type, "rating") || g_str_equal (type, "checkbox"))
    {
      JsonNode *icon = IN_MEMBER ("icon");
      JsonNode *color = IN_MEMBER ("color");
      JsonNode *max = IN_MEMBER ("max");
      const char *rating_icons[] = { "star", "heart", "thumbsUp", "flag", "dot", NULL };
      const char *check_icons[] = { "check", "xCheckbox", "star", "heart", "thumbsUp", "flag", "dot", NULL };
      gboolean rating = g_str_equal (type, "rating");

      if (icon != NULL && (!sandbox_node_is_string (icon) || !g_strv_contains (rating ? rating_icons : check_icons, json_node_get_string (icon))))
        {
          *message = g_strdup ("options.icon is invalid");
          return FALSE;
        }
      if (color != NULL && (!sandbox_node_is_string (color) || !valid_color (json_node_get_string (color), TRUE)))
        {
          *message = g_strdup ("options.color is invalid");
          return FALSE;
        }
      if (rating && max != NULL && (!sandbox_node_is_type (max, G_TYPE_INT64) || json_node_get_int (max) < 1 || json_node_get_int (max) > 10))
        {
          *message = g_strdup ("options.max must be an integer from 1 to 10");
          return FALSE;
        }
      json_object_set_string_member (out, "icon", icon != NULL ? json_node_get_string (icon) : (rating ? "star" : "check"));
      json_object_set_string_member (out, "color", color != NULL ? json_node_get_string (color) : (rating ? "yellowBright" : "greenBright"));
      if (rating)
        json_object_set_int_member (out, "max", max != NULL ? json_node_get_int (max) : 5);
    }
  else if (g_str_equal (type, "singleSelect") || g_str_equal (type, "multipleSelects"))
    {
      JsonNode *choices = IN_MEMBER ("choices");
      JsonArray *result = json_array_new ();

      json_object_set_array_member (out, "choices", result);
      if (choices != NULL && !JSON_NODE_HOLDS_ARRAY (choices))
        {
          *message = g_strdup ("options.choices must be an array");
          return FALSE;
        }
      for (guint i = 0; choices != NULL && i < json_array_get_length (json_node_get_array (choices)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (choices), i);
          JsonObject *c;
          JsonNode *name, *color;
          JsonObject *choice;
          g_autofree char *id = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              *message = g_strdup ("every choice must be an object");
              return FALSE;
            }
          c = json_node_get_object (item);
          name = json_object_get_member (c, "name");
          color = json_object_get_member (c, "color");
          if (!sandbox_node_is_string (name) || *json_node_get_string (name) == '\0')
            {
              *message = g_strdup ("every choice needs a non-empty name");
              return FALSE;
            }
          if (color != NULL && (!sandbox_node_is_string (color) || !valid_color (json_node_get_string (color), FALSE)))
            {
              *message = g_strdup_printf ("choice color is invalid");
              return FALSE;
            }
          for (guint j = 0; j < json_array_get_length (result); j++)
            if (g_str_equal (json_object_get_string_member (json_array_get_object_element (result, j), "name"),
                             json_node_get_string (name)))
              {
                *message = g_strdup_printf ("duplicate choice name \"%s\"", json_node_get_string (name));
                return FALSE;
              }
          choice = json_object_new ();
          id = sandbox_new_id ("sel");
          json_object_set_string_member (choice, "id", id);
          json_object_set_string_member (choice, "name", json_node_get_string (name));
          json_object_set_string_member (choice, "color", color != NULL ? json_node_get_string (color)
                                                              : _sandbox_store_select_colors[i % G_N_ELEMENTS (_sandbox_store_select_colors)]);
          json_array_add_object_element (result, choice);
        }
    }
  else if (g_str_equal (type, "date") || g_str_equal (type, "dateTime"))
    {
      JsonNode *df = IN_MEMBER ("dateFormat");
      JsonNode *tf = IN_MEMBER ("timeFormat");
      JsonNode *tz = IN_MEMBER ("timeZone");
      const char *names[] = { "local", "friendly", "us", "european", "iso", NULL };
      const char *formats[] = { "l", "LL", "M/D/YYYY", "D/M/YYYY", "YYYY-MM-DD", NULL };
      JsonObject *date_format = json_object_new ();
      const char *name = "iso";

      json_object_set_object_member (out, "dateFormat", date_format);
      if (df != NULL)
        {
          JsonNode *n = JSON_NODE_HOLDS_OBJECT (df) ? json_object_get_member (json_node_get_object (df), "name") : NULL;
          JsonNode *f = JSON_NODE_HOLDS_OBJECT (df) ? json_object_get_member (json_node_get_object (df), "format") : NULL;
          guint idx = 0;

          if (!sandbox_node_is_string (n) || !g_strv_contains (names, json_node_get_string (n)))
            {
              *message = g_strdup ("options.dateFormat.name is invalid");
              return FALSE;
            }
          name = json_node_get_string (n);
          while (!g_str_equal (names[idx], name))
            idx++;
          if (f != NULL && (!sandbox_node_is_string (f) || !g_str_equal (json_node_get_string (f), formats[idx])))
            {
              *message = g_strdup ("options.dateFormat.format does not match its name");
              return FALSE;
            }
        }
      for (guint idx = 0; names[idx] != NULL; idx++)
        if (g_str_equal (names[idx], name))
          {
            json_object_set_string_member (date_format, "name", names[idx]);
            json_object_set_string_member (date_format, "format", formats[idx]);
          }
      if (g_str_equal (type, "dateTime"))
        {
          JsonObject *time_format = json_object_new ();
          const char *tname = "24hour";

          if (tf != NULL)
            {
              JsonNode *n = JSON_NODE_HOLDS_OBJECT (tf) ? json_object_get_member (json_node_get_object (tf), "name") : NULL;

              if (!sandbox_node_is_string (n) || (!g_str_equal (json_node_get_string (n), "12hour") && !g_str_equal (json_node_get_string (n), "24hour")))
                {
                  json_object_unref (time_format);
                  *message = g_strdup ("options.timeFormat.name is invalid");
                  return FALSE;
                }
              tname = json_node_get_string (n);
            }
          json_object_set_string_member (time_format, "name", tname);
          json_object_set_string_member (time_format, "format", g_str_equal (tname, "12hour") ? "h:mma" : "HH:mm");
          json_object_set_object_member (out, "timeFormat", time_format);
          if (tz != NULL && !sandbox_node_is_string (tz))
            {
              *message = g_strdup ("options.timeZone must be a string");
              return FALSE;
            }
          json_object_set_string_member (out, "timeZone", tz != NULL ? json_node_get_string (tz) : "utc");
        }
    }
  else if (g_str_equal (type, "multipleRecordLinks"))
    {
      JsonNode *linked = IN_MEMBER ("linkedTableId");
      JsonNode *view = IN_MEMBER ("viewIdForRecordSelection");

      if (!sandbox_node_is_string (linked) || sandbox_base_find_table_by_id (base, json_node_get_string (linked)) == NULL)
        {
          *message = g_strdup ("options.linkedTableId must name a table of this base");
          return FALSE;
        }
      json_object_set_string_member (out, "linkedTableId", json_node_get_string (linked));
      json_object_set_boolean_member (out, "isReversed", FALSE);
      json_object_set_boolean_member (out, "prefersSingleRecordLink", FALSE);
      if (sandbox_node_is_string (view))
        json_object_set_string_member (out, "viewIdForRecordSelection", json_node_get_string (view));
    }
  else if (g_str_equal (type, "multipleAttachments"))
    json_object_set_boolean_member (out, "isReversed", FALSE);
  else if (in != NULL && json_object_get_size (in) > 0 && !g_str_equal (type, "singleCollaborator")
           && !g_str_equal (type, "multipleCollaborators"))
    {
      *message = g_strdup_printf ("Field type %s takes no options", type);
      return FALSE;
    }
#undef IN_MEMBER

  *out_options = json_object_get_size (out) > 0 ? g_steal_pointer (&out) : NULL;
  return TRUE;
}
