/* sandbox-store-write.c — writing cells: the per-type rules for a
 * written value, typecast, select options created on write, and links
 * kept in step with their inverse field
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-store-private.h"

/* ----------------------------------------------------------- cell writes */

static gboolean
set_error (char      **type,
           char      **message,
           const char *t,
           char       *m)
{
  *type = g_strdup (t);
  *message = m;
  return FALSE;
}

static gboolean
bad_value (SandboxField *field,
           char        **type,
           char        **message)
{
  return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                    g_strdup_printf ("Field \"%s\" cannot accept the provided value", field->name));
}

static char *
typecast_string (JsonNode *value)
{
  if (sandbox_node_is_string (value))
    return g_strdup (json_node_get_string (value));
  if (sandbox_node_is_type (value, G_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
  if (sandbox_node_is_type (value, G_TYPE_DOUBLE))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (value)));
    }
  if (sandbox_node_is_type (value, G_TYPE_BOOLEAN))
    return g_strdup (json_node_get_boolean (value) ? "true" : "false");
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = typecast_string (json_array_get_element (array, i));

          if (item == NULL)
            continue;
          if (s->len)
            g_string_append (s, ", ");
          g_string_append (s, item);
        }
      return g_string_free (s, FALSE);
    }
  return NULL;
}

static gboolean
typecast_number (JsonNode *value,
                 double   *out)
{
  if (sandbox_node_is_number (value))
    {
      *out = sandbox_node_number (value);
      return TRUE;
    }
  if (sandbox_node_is_string (value))
    {
      g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (value)));
      g_autoptr(GString) clean = g_string_new (NULL);
      char *end = NULL;

      for (const char *p = text; *p; p++)
        if (*p != ',' && *p != '$' && *p != ' ' && *p != '%')
          g_string_append_c (clean, *p);
      if (clean->len == 0)
        return FALSE;
      *out = g_ascii_strtod (clean->str, &end);
      return end != NULL && *end == '\0' && isfinite (*out);
    }
  if (sandbox_node_is_type (value, G_TYPE_BOOLEAN))
    {
      *out = json_node_get_boolean (value) ? 1 : 0;
      return TRUE;
    }
  return FALSE;
}

/* typecast of a duration written as the UI shows it: "1:30" (h:mm),
 * "1:30:15" or "1:30:15.5" (h:mm:ss[.S…]) → seconds. */
static gboolean
typecast_duration (const char *text,
                   double     *out)
{
  g_auto(GStrv) parts = NULL;
  guint n;
  double total = 0;

  if (strchr (text, ':') == NULL)
    return FALSE;
  parts = g_strsplit (text, ":", -1);
  n = g_strv_length (parts);
  if (n < 2 || n > 3)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      char *end = NULL;
      double v;

      g_strstrip (parts[i]);
      if (parts[i][0] == '\0' || !g_ascii_isdigit (parts[i][0]))
        return FALSE;
      v = g_ascii_strtod (parts[i], &end);
      if (end == NULL || *end != '\0' || (i < n - 1 && v != floor (v)) || (i > 0 && v >= 60))
        return FALSE;
      total += v * (i == 0 ? 3600 : i == 1 ? 60 : 1);
    }
  *out = total;
  return TRUE;
}

static JsonArray *
field_choices (SandboxField *field)
{
  JsonNode *node;

  if (field->options == NULL)
    field->options = json_object_new ();
  node = json_object_get_member (field->options, "choices");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      json_object_set_array_member (field->options, "choices", json_array_new ());
      node = json_object_get_member (field->options, "choices");
    }
  return json_node_get_array (node);
}

static const char *
find_choice (SandboxField *field,
             const char   *name)
{
  JsonArray *choices = field_choices (field);

  for (guint i = 0; i < json_array_get_length (choices); i++)
    {
      JsonObject *choice = json_array_get_object_element (choices, i);
      const char *cname = json_object_get_string_member_with_default (choice, "name", "");

      if (g_str_equal (cname, name) || g_str_equal (json_object_get_string_member_with_default (choice, "id", ""), name))
        return cname;
    }
  return NULL;
}

static void
add_choice (SandboxField *field,
            const char   *name)
{
  JsonArray *choices = field_choices (field);
  JsonObject *choice = json_object_new ();
  g_autofree char *id = sandbox_new_id ("sel");

  json_object_set_string_member (choice, "id", id);
  json_object_set_string_member (choice, "name", name);
  json_object_set_string_member (choice, "color",
                                 _sandbox_store_select_colors[json_array_get_length (choices) % G_N_ELEMENTS (_sandbox_store_select_colors)]);
  json_array_add_object_element (choices, choice);
}

/* Checks a select value; with typecast unknown options are collected in
 * @new_options (created only when the whole request is valid). */
static gboolean
convert_choice (SandboxField *field,
                const char   *name,
                gboolean      typecast,
                GPtrArray    *new_options,
                const char  **out_name,
                char        **type,
                char        **message)
{
  const char *found = find_choice (field, name);

  if (found != NULL)
    {
      *out_name = found;
      return TRUE;
    }
  if (!typecast)
    return set_error (type, message, "INVALID_MULTIPLE_CHOICE_OPTIONS",
                      g_strdup_printf ("Insufficient permissions to create new select option \"%s\"", name));
  *out_name = name;
  if (new_options != NULL)
    g_ptr_array_add (new_options, g_strdup (name));
  return TRUE;
}

JsonObject *
_sandbox_store_collaborator_object (SandboxUser *user)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", user->id);
  json_object_set_string_member (obj, "email", user->email);
  json_object_set_string_member (obj, "name", user->name);
  return obj;
}

static SandboxUser *
convert_collaborator (SandboxServer *self,
                      JsonNode      *item,
                      gboolean       typecast)
{
  if (sandbox_node_is_string (item))
    return sandbox_server_find_user (self, json_node_get_string (item));
  if (item != NULL && JSON_NODE_HOLDS_OBJECT (item))
    {
      JsonObject *obj = json_node_get_object (item);
      JsonNode *id = json_object_get_member (obj, "id");
      JsonNode *email = json_object_get_member (obj, "email");

      if (sandbox_node_is_string (id))
        return sandbox_server_find_user (self, json_node_get_string (id));
      if (sandbox_node_is_string (email))
        return sandbox_server_find_user (self, json_node_get_string (email));
    }
  return NULL;
}

static const char *
guess_mime (const char *filename)
{
  const char *dot = strrchr (filename, '.');

  if (dot == NULL)
    return "application/octet-stream";
  if (g_ascii_strcasecmp (dot, ".png") == 0)
    return "image/png";
  if (g_ascii_strcasecmp (dot, ".jpg") == 0 || g_ascii_strcasecmp (dot, ".jpeg") == 0)
    return "image/jpeg";
  if (g_ascii_strcasecmp (dot, ".svg") == 0)
    return "image/svg+xml";
  if (g_ascii_strcasecmp (dot, ".pdf") == 0)
    return "application/pdf";
  if (g_ascii_strcasecmp (dot, ".txt") == 0 || g_ascii_strcasecmp (dot, ".md") == 0)
    return "text/plain";
  return "application/octet-stream";
}

static JsonObject *
new_attachment (const char *url,
                const char *filename)
{
  JsonObject *att = json_object_new ();
  g_autofree char *id = sandbox_new_id ("att");
  const char *mime;

  if (filename == NULL)
    {
      const char *slash = strrchr (url, '/');

      filename = slash != NULL && slash[1] ? slash + 1 : "file";
    }
  mime = guess_mime (filename);
  json_object_set_string_member (att, "id", id);
  json_object_set_string_member (att, "url", url);
  json_object_set_string_member (att, "filename", filename);
  json_object_set_int_member (att, "size", 1024 + (gint64) strlen (filename) * 37);
  json_object_set_string_member (att, "type", mime);
  if (g_str_has_prefix (mime, "image/"))
    {
      JsonObject *thumbs = json_object_new ();
      const struct { const char *name; int w, h; } sizes[] = {
        { "small", 36, 36 }, { "large", 512, 512 }, { "full", 3000, 3000 },
      };

      json_object_set_int_member (att, "width", 640);
      json_object_set_int_member (att, "height", 640);
      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          JsonObject *t = json_object_new ();

          json_object_set_string_member (t, "url", url);
          json_object_set_int_member (t, "width", sizes[i].w);
          json_object_set_int_member (t, "height", sizes[i].h);
          json_object_set_object_member (thumbs, sizes[i].name, t);
        }
      json_object_set_object_member (att, "thumbnails", thumbs);
    }
  return att;
}

JsonObject *
sandbox_attachment_new (const char *url,
                        const char *filename,
                        const char *mime,
                        gint64      size)
{
  JsonObject *att = new_attachment (url, filename);

  if (mime != NULL)
    json_object_set_string_member (att, "type", mime);
  if (size >= 0)
    json_object_set_int_member (att, "size", size);
  return att;
}

static gboolean
convert_date (SandboxField *field,
              const char   *text,
              gboolean      typecast,
              JsonNode    **out)
{
  gint64 ms;
  gboolean date_only;
  g_autoptr(GTimeZone) zone = NULL;
  const char *tz = _sandbox_store_option_string (field, "timeZone");

  if (g_str_equal (field->type, "dateTime") && tz != NULL && !g_str_equal (tz, "utc") && !g_str_equal (tz, "client"))
    zone = g_time_zone_new_identifier (tz);
  if (!sandbox_parse_time (text, zone, &ms, &date_only))
    return FALSE;
  if (g_str_equal (field->type, "date"))
    {
      g_autoptr(GDateTime) dt = NULL;
      g_autofree char *f = NULL;

      if (!date_only && !typecast && strlen (text) > 10)
        {
          /* a full timestamp in a date field: Airtable keeps the date part */
        }
      dt = g_date_time_new_from_unix_utc (ms / 1000);
      f = g_date_time_format (dt, "%Y-%m-%d");
      *out = sandbox_string_node (f);
    }
  else
    {
      g_autofree char *f = sandbox_format_time (ms);

      *out = sandbox_string_node (f);
    }
  return TRUE;
}

/* The per-type cell rules of Airtable's field model, with typecast. @out is NULL for a
 * cleared cell. New select options are added only by _commit_choices. */
static gboolean
cell_convert_full (SandboxServer *self,
                   SandboxTable  *table,
                   SandboxField  *field,
                   JsonNode      *value,
                   gboolean       typecast,
                   GPtrArray     *new_options,
                   JsonNode     **out,
                   char         **type,
                   char         **message)
{
  const char *t = field->type;

  *out = NULL;
  if (sandbox_field_is_computed (field))
    return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                      g_strdup_printf ("Field \"%s\" cannot accept a value because the field is computed", field->name));

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;

  if (_sandbox_store_type_in (t, (const char * const[]) { "singleLineText", "multilineText", "richText", "email", "url", "phoneNumber", NULL }))
    {
      g_autofree char *text = NULL;

      if (sandbox_node_is_string (value))
        text = g_strdup (json_node_get_string (value));
      else if (typecast)
        text = typecast_string (value);
      if (text == NULL)
        return bad_value (field, type, message);
      if (*text)
        *out = sandbox_string_node (text);
      return TRUE;
    }

  if (_sandbox_store_type_in (t, (const char * const[]) { "number", "percent", "currency", "duration", "rating", NULL }))
    {
      double v;

      if (sandbox_node_is_number (value))
        v = sandbox_node_number (value);
      else if (typecast && g_str_equal (t, "duration") && sandbox_node_is_string (value)
               && typecast_duration (json_node_get_string (value), &v))
        ;
      else if (!typecast || !typecast_number (value, &v))
        return bad_value (field, type, message);
      if (!isfinite (v) || fabs (v) > 9e15)   /* beyond exact doubles: refused, see README */
        return bad_value (field, type, message);
      if (g_str_equal (t, "rating"))
        {
          double max = _sandbox_store_option_number (field, "max", 5);

          if (v != floor (v) || v < 0 || v > max)
            return bad_value (field, type, message);
          if (v == 0)
            return TRUE;
        }
      if (g_str_equal (t, "number") && _sandbox_store_option_number (field, "precision", 8) == 0 && v != floor (v))
        v = floor (v + 0.5);
      *out = sandbox_number_node (v);
      return TRUE;
    }

  if (g_str_equal (t, "checkbox"))
    {
      gboolean b;

      if (sandbox_node_is_type (value, G_TYPE_BOOLEAN))
        b = json_node_get_boolean (value);
      else if (typecast && sandbox_node_is_string (value))
        {
          const char *s = json_node_get_string (value);

          b = g_ascii_strcasecmp (s, "true") == 0 || g_str_equal (s, "1") || g_ascii_strcasecmp (s, "yes") == 0
              || g_ascii_strcasecmp (s, "checked") == 0 || g_ascii_strcasecmp (s, "x") == 0;
        }
      else if (typecast && sandbox_node_is_number (value))
        b = sandbox_node_number (value) != 0;
      else
        return bad_value (field, type, message);
      if (b)
        {
          *out = json_node_new (JSON_NODE_VALUE);
          json_node_set_boolean (*out, TRUE);
        }
      return TRUE;
    }

  if (g_str_equal (t, "singleSelect"))
    {
      g_autofree char *text = sandbox_node_is_string (value) ? g_strdup (json_node_get_string (value))
                                                     : (typecast ? typecast_string (value) : NULL);
      const char *name;

      if (text == NULL || JSON_NODE_HOLDS_ARRAY (value))
        return bad_value (field, type, message);
      if (*text == '\0')
        return TRUE;
      if (!convert_choice (field, text, typecast, new_options, &name, type, message))
        return FALSE;
      *out = sandbox_string_node (name);
      return TRUE;
    }

  if (g_str_equal (t, "multipleSelects"))
    {
      JsonArray *result = json_array_new ();
      g_auto(GStrv) parts = NULL;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *in = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (in); i++)
            {
              JsonNode *item = json_array_get_element (in, i);
              char *text = sandbox_node_is_string (item) ? g_strdup (json_node_get_string (item))
                                                 : (typecast ? typecast_string (item) : NULL);

              if (text == NULL)
                {
                  json_array_unref (result);
                  return bad_value (field, type, message);
                }
              g_ptr_array_add (names, text);
            }
        }
      else if (typecast && sandbox_node_is_string (value))
        {
          parts = g_strsplit (json_node_get_string (value), ",", -1);
          for (guint i = 0; parts[i] != NULL; i++)
            {
              g_strstrip (parts[i]);
              if (*parts[i])
                g_ptr_array_add (names, g_strdup (parts[i]));
            }
        }
      else
        {
          json_array_unref (result);
          return bad_value (field, type, message);
        }

      for (guint i = 0; i < names->len; i++)
        {
          const char *name;
          gboolean dup = FALSE;

          if (!convert_choice (field, names->pdata[i], typecast, new_options, &name, type, message))
            {
              json_array_unref (result);
              return FALSE;
            }
          for (guint j = 0; j < json_array_get_length (result); j++)
            if (g_str_equal (json_array_get_string_element (result, j), name))
              dup = TRUE;
          if (!dup)
            json_array_add_string_element (result, name);
        }
      if (json_array_get_length (result) > 0)
        {
          *out = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (*out, result);
        }
      else
        json_array_unref (result);
      return TRUE;
    }

  if (g_str_equal (t, "singleCollaborator"))
    {
      SandboxUser *user = convert_collaborator (self, value, typecast);

      if (user == NULL)
        return bad_value (field, type, message);
      *out = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (*out, _sandbox_store_collaborator_object (user));
      return TRUE;
    }

  if (g_str_equal (t, "multipleCollaborators"))
    {
      JsonArray *result;
      JsonArray *in;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return bad_value (field, type, message);
      in = json_node_get_array (value);
      result = json_array_new ();
      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          SandboxUser *user = convert_collaborator (self, json_array_get_element (in, i), typecast);

          if (user == NULL)
            {
              json_array_unref (result);
              return bad_value (field, type, message);
            }
          json_array_add_object_element (result, _sandbox_store_collaborator_object (user));
        }
      if (json_array_get_length (result) > 0)
        {
          *out = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (*out, result);
        }
      else
        json_array_unref (result);
      return TRUE;
    }

  if (g_str_equal (t, "multipleRecordLinks"))
    {
      SandboxTable *linked = sandbox_server_find_table_by_id (self, _sandbox_store_option_string (field, "linkedTableId"));
      g_autoptr(GPtrArray) items = g_ptr_array_new ();
      JsonArray *result;

      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
            g_ptr_array_add (items, json_array_get_element (json_node_get_array (value), i));
        }
      else if (typecast && sandbox_node_is_string (value))
        g_ptr_array_add (items, value);
      else
        return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                          g_strdup_printf ("Value for field \"%s\" is not an array of record IDs.", field->name));
      if (linked == NULL)
        return bad_value (field, type, message);

      result = json_array_new ();
      for (guint i = 0; i < items->len; i++)
        {
          JsonNode *item = items->pdata[i];
          const char *rid = NULL;

          if (sandbox_node_is_string (item))
            rid = json_node_get_string (item);
          else if (JSON_NODE_HOLDS_OBJECT (item) && sandbox_node_is_string (json_object_get_member (json_node_get_object (item), "id")))
            rid = json_object_get_string_member (json_node_get_object (item), "id");
          if (rid == NULL)
            {
              json_array_unref (result);
              return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                                g_strdup_printf ("Value for field \"%s\" is not an array of record IDs.", field->name));
            }
          if (!g_hash_table_contains (linked->records_by_id, rid) && typecast)
            {
              /* typecast matches a linked record by its primary value */
              SandboxField *primary = sandbox_table_primary_field (linked);

              for (guint r = 0; primary != NULL && r < linked->records->len; r++)
                {
                  SandboxRecord *other = linked->records->pdata[r];
                  JsonNode *pv = json_object_get_member (other->cells, primary->id);

                  if (sandbox_node_is_string (pv) && g_str_equal (json_node_get_string (pv), rid))
                    {
                      rid = other->id;
                      break;
                    }
                }
            }
          if (!g_hash_table_contains (linked->records_by_id, rid))
            {
              json_array_unref (result);
              return set_error (type, message, "ROW_DOES_NOT_EXIST",
                                g_strdup_printf ("Record ID %s does not exist in table %s", rid, linked->name));
            }
          json_array_add_string_element (result, rid);
        }
      if (json_array_get_length (result) > 0)
        {
          *out = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (*out, result);
        }
      else
        json_array_unref (result);
      return TRUE;
    }

  if (g_str_equal (t, "date") || g_str_equal (t, "dateTime"))
    {
      if (!sandbox_node_is_string (value))
        return bad_value (field, type, message);
      if (*json_node_get_string (value) == '\0')
        return TRUE;
      if (!convert_date (field, json_node_get_string (value), typecast, out))
        return set_error (type, message, "INVALID_VALUE_FOR_COLUMN",
                          g_strdup_printf ("Cannot parse value \"%s\" for field %s", json_node_get_string (value), field->name));
      return TRUE;
    }

  if (g_str_equal (t, "multipleAttachments"))
    {
      JsonArray *in;
      JsonArray *result;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return bad_value (field, type, message);
      in = json_node_get_array (value);
      result = json_array_new ();
      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          JsonNode *item = json_array_get_element (in, i);
          JsonObject *obj = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
          JsonNode *url = obj != NULL ? json_object_get_member (obj, "url") : NULL;
          JsonNode *id = obj != NULL ? json_object_get_member (obj, "id") : NULL;
          JsonNode *filename = obj != NULL ? json_object_get_member (obj, "filename") : NULL;

          if (sandbox_node_is_string (url))
            {
              const char *u = json_node_get_string (url);

              /* keep our own absolute attachment urls relative, so they survive a port change */
              if (self->url != NULL && g_str_has_prefix (u, self->url) && g_str_has_prefix (u + strlen (self->url), "/__sandbox/"))
                u += strlen (self->url);
              if (filename != NULL && !sandbox_node_is_string (filename))
                {
                  json_array_unref (result);
                  return bad_value (field, type, message);
                }
              json_array_add_object_element (result, new_attachment (u, filename != NULL ? json_node_get_string (filename) : NULL));
              if (sandbox_node_is_string (id))
                json_object_set_string_member (json_array_get_object_element (result, json_array_get_length (result) - 1),
                                               "id", json_node_get_string (id));
            }
          else if (sandbox_node_is_string (id))
            {
              /* keep an existing attachment of this field, found in any record */
              JsonObject *found = NULL;

              for (guint r = 0; r < table->records->len && found == NULL; r++)
                {
                  SandboxRecord *rec = table->records->pdata[r];
                  JsonNode *cell = json_object_get_member (rec->cells, field->id);

                  for (guint k = 0; cell != NULL && JSON_NODE_HOLDS_ARRAY (cell) && k < json_array_get_length (json_node_get_array (cell)); k++)
                    {
                      JsonObject *att = json_array_get_object_element (json_node_get_array (cell), k);

                      if (att != NULL && g_strcmp0 (json_object_get_string_member_with_default (att, "id", ""), json_node_get_string (id)) == 0)
                        {
                          found = att;
                          break;
                        }
                    }
                }
              if (found == NULL)
                {
                  json_array_unref (result);
                  return set_error (type, message, "INVALID_ATTACHMENT_OBJECT",
                                    g_strdup_printf ("Invalid attachment object for field %s", field->name));
                }
              json_array_add_element (result, json_node_init_object (json_node_alloc (), found));
            }
          else
            {
              json_array_unref (result);
              return set_error (type, message, "INVALID_ATTACHMENT_OBJECT",
                                g_strdup_printf ("Invalid attachment object for field %s", field->name));
            }
        }
      if (json_array_get_length (result) > 0)
        {
          *out = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (*out, result);
        }
      else
        json_array_unref (result);
      return TRUE;
    }

  if (g_str_equal (t, "barcode"))
    {
      if (JSON_NODE_HOLDS_OBJECT (value) && sandbox_node_is_string (json_object_get_member (json_node_get_object (value), "text")))
        {
          *out = json_node_copy (value);
          return TRUE;
        }
      if (typecast && sandbox_node_is_string (value))
        {
          JsonObject *obj = json_object_new ();

          json_object_set_string_member (obj, "text", json_node_get_string (value));
          *out = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (*out, obj);
          return TRUE;
        }
      return bad_value (field, type, message);
    }

  return bad_value (field, type, message);
}

gboolean
sandbox_cell_convert (SandboxServer *self,
                      SandboxTable  *table,
                      SandboxField  *field,
                      JsonNode      *value,
                      gboolean       typecast,
                      JsonNode     **out,
                      char         **error_type,
                      char         **error_message)
{
  g_autoptr(GPtrArray) new_options = g_ptr_array_new_with_free_func (g_free);

  if (!cell_convert_full (self, table, field, value, typecast, new_options, out, error_type, error_message))
    return FALSE;
  for (guint i = 0; i < new_options->len; i++)
    {
      g_ptr_array_add (self->pending_choices, g_strdup (field->id));
      g_ptr_array_add (self->pending_choices, g_strdup (new_options->pdata[i]));
    }
  return TRUE;
}

void
sandbox_pending_choices_commit (SandboxServer *self,
                                SandboxTable  *table)
{
  for (guint i = 0; i + 1 < self->pending_choices->len; i += 2)
    {
      SandboxField *field = sandbox_table_find_field (table, self->pending_choices->pdata[i]);

      if (field != NULL && find_choice (field, self->pending_choices->pdata[i + 1]) == NULL)
        add_choice (field, self->pending_choices->pdata[i + 1]);
    }
  g_ptr_array_set_size (self->pending_choices, 0);
}

void
sandbox_pending_choices_discard (SandboxServer *self)
{
  g_ptr_array_set_size (self->pending_choices, 0);
}

static void
link_array_edit (JsonObject *cells,
                 const char *field_id,
                 const char *rid,
                 gboolean    add)
{
  JsonNode *node = json_object_get_member (cells, field_id);
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  if (array != NULL)
    for (guint i = 0; i < json_array_get_length (array); i++)
      if (g_strcmp0 (json_array_get_string_element (array, i), rid) == 0)
        {
          if (!add)
            {
              json_array_remove_element (array, i);
              if (json_array_get_length (array) == 0)
                json_object_remove_member (cells, field_id);
            }
          return;
        }
  if (!add)
    return;
  if (array == NULL)
    {
      json_object_set_array_member (cells, field_id, json_array_new ());
      array = json_object_get_array_member (cells, field_id);
    }
  json_array_add_string_element (array, rid);
}

void
sandbox_record_set_cell (SandboxServer *self,
                         SandboxTable  *table,
                         SandboxRecord *record,
                         SandboxField  *field,
                         JsonNode      *value)
{
  sandbox_changes_touch (table, record);
  if (g_str_equal (field->type, "multipleRecordLinks"))
    {
      SandboxTable *linked = sandbox_server_find_table_by_id (self, _sandbox_store_option_string (field, "linkedTableId"));
      const char *inverse_id = _sandbox_store_option_string (field, "inverseLinkFieldId");
      SandboxField *inverse = linked != NULL && inverse_id != NULL ? sandbox_table_find_field (linked, inverse_id) : NULL;

      if (inverse != NULL)
        {
          JsonNode *old = json_object_get_member (record->cells, field->id);
          JsonArray *old_a = old != NULL && JSON_NODE_HOLDS_ARRAY (old) ? json_node_get_array (old) : NULL;
          JsonArray *new_a = value != NULL && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;

          for (guint i = 0; old_a != NULL && i < json_array_get_length (old_a); i++)
            {
              SandboxRecord *other = g_hash_table_lookup (linked->records_by_id, json_array_get_string_element (old_a, i));

              if (other != NULL)
                {
                  sandbox_changes_touch_linked (linked, other);
                  link_array_edit (other->cells, inverse->id, record->id, FALSE);
                }
            }
          for (guint i = 0; new_a != NULL && i < json_array_get_length (new_a); i++)
            {
              SandboxRecord *other = g_hash_table_lookup (linked->records_by_id, json_array_get_string_element (new_a, i));

              if (other != NULL)
                {
                  sandbox_changes_touch_linked (linked, other);
                  link_array_edit (other->cells, inverse->id, record->id, TRUE);
                }
            }
        }
    }

  if (value == NULL || sandbox_node_is_empty (value))
    json_object_remove_member (record->cells, field->id);
  else
    json_object_set_member (record->cells, field->id, json_node_copy (value));
}

/* Deletes @record, keeping the links of other records in step. */
void
sandbox_record_delete (SandboxServer *self,
                       SandboxTable  *table,
                       SandboxRecord *record)
{
  for (guint i = 0; i < table->fields->len; i++)
    {
      SandboxField *field = table->fields->pdata[i];

      if (g_str_equal (field->type, "multipleRecordLinks"))
        sandbox_record_set_cell (self, table, record, field, NULL);
    }
  sandbox_table_remove_record (table, record);
}
