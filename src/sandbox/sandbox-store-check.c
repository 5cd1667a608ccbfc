/* sandbox-store-check.c — the shape of a state file, checked before it is
 * loaded
 *
 * The rest of the sandbox trusts the store: a select choice has a string
 * name, a link cell is an array of record ids, ids are unique. A state file
 * is read from disk, where it may have been damaged or edited, so everything
 * the code relies on is checked here first. A file that fails is refused
 * with the place of the first problem (the server does not start, and the
 * file is left as it is), never half-loaded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sandbox-store-private.h"

typedef struct
{
  GString    *where;   /* "bases[0].tables[2]…" */
  GError    **error;
  GHashTable *table_ids;
} Check;

static gboolean
bad (Check      *c,
     const char *member,
     const char *what)
{
  g_set_error (c->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s%s%s: %s",
               c->where->str, member != NULL && c->where->len > 0 ? "." : "",
               member != NULL ? member : "", what);
  return FALSE;
}

static gsize
enter (Check      *c,
       const char *member,
       gint        index)
{
  gsize mark = c->where->len;

  if (member != NULL)
    g_string_append_printf (c->where, "%s%s", c->where->len > 0 ? "." : "", member);
  if (index >= 0)
    g_string_append_printf (c->where, "[%d]", index);
  return mark;
}

static void
leave (Check *c,
       gsize  mark)
{
  g_string_truncate (c->where, mark);
}

static gboolean
is_string (JsonNode *node)
{
  return sandbox_node_is_string (node);
}

static gboolean
is_finite_number (JsonNode *node)
{
  return sandbox_node_is_number (node) && isfinite (sandbox_node_number (node));
}

static gboolean
is_array_of_strings (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    if (!is_string (json_array_get_element (json_node_get_array (node), i)))
      return FALSE;
  return TRUE;
}

/* An optional member: absent or null is fine, otherwise @test must hold. */
static gboolean
optional (Check       *c,
          JsonObject  *obj,
          const char  *member,
          gboolean   (*test) (JsonNode *),
          const char  *what)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || test (node))
    return TRUE;
  return bad (c, member, what);
}

static gboolean
required_string (Check      *c,
                 JsonObject *obj,
                 const char *member)
{
  if (is_string (json_object_get_member (obj, member)))
    return TRUE;
  return bad (c, member, "missing or not a string");
}

static gboolean
is_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node);
}

/* {name, format} objects of dateFormat / timeFormat */
static gboolean
is_format_object (JsonNode *node)
{
  JsonObject *obj;

  if (!is_object (node))
    return FALSE;
  obj = json_node_get_object (node);
  return is_string (json_object_get_member (obj, "name"))
         && (json_object_get_member (obj, "format") == NULL || is_string (json_object_get_member (obj, "format")));
}

static gboolean
check_options (Check      *c,
               JsonObject *options)
{
  static const char * const strings[] = {
    "linkedTableId", "inverseLinkFieldId", "recordLinkFieldId", "fieldIdInLinkedTable",
    "formula", "symbol", "durationFormat", "timeZone", "icon", "color", "viewIdForRecordSelection",
  };
  JsonNode *choices = json_object_get_member (options, "choices");
  JsonNode *result = json_object_get_member (options, "result");

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    if (!optional (c, options, strings[i], is_string, "not a string"))
      return FALSE;
  if (!optional (c, options, "precision", is_finite_number, "not a number")
      || !optional (c, options, "max", is_finite_number, "not a number")
      || !optional (c, options, "dateFormat", is_format_object, "not a {name, format} object")
      || !optional (c, options, "timeFormat", is_format_object, "not a {name, format} object"))
    return FALSE;
  if (choices != NULL && !JSON_NODE_HOLDS_NULL (choices))
    {
      if (!JSON_NODE_HOLDS_ARRAY (choices))
        return bad (c, "choices", "not an array");
      for (guint i = 0; i < json_array_get_length (json_node_get_array (choices)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (choices), i);
          gsize mark = enter (c, "choices", (gint) i);
          JsonObject *choice;

          if (!is_object (item))
            return bad (c, NULL, "not an object");
          choice = json_node_get_object (item);
          if (!required_string (c, choice, "id") || !required_string (c, choice, "name")
              || !optional (c, choice, "color", is_string, "not a string"))
            return FALSE;
          leave (c, mark);
        }
    }
  if (result != NULL && !JSON_NODE_HOLDS_NULL (result))
    {
      JsonObject *r;
      JsonNode *roptions;
      gsize mark;

      if (!is_object (result))
        return bad (c, "result", "not an object");
      r = json_node_get_object (result);
      mark = enter (c, "result", -1);
      if (!optional (c, r, "type", is_string, "not a string"))
        return FALSE;
      roptions = json_object_get_member (r, "options");
      if (roptions != NULL && !JSON_NODE_HOLDS_NULL (roptions))
        {
          gsize m2 = enter (c, "options", -1);

          if (!is_object (roptions))
            return bad (c, NULL, "not an object");
          if (!check_options (c, json_node_get_object (roptions)))
            return FALSE;
          leave (c, m2);
        }
      leave (c, mark);
    }
  return TRUE;
}

static gboolean
is_collaborator (JsonNode *node)
{
  JsonObject *obj;

  if (!is_object (node))
    return FALSE;
  obj = json_node_get_object (node);
  return is_string (json_object_get_member (obj, "id"))
         && (json_object_get_member (obj, "email") == NULL || is_string (json_object_get_member (obj, "email")))
         && (json_object_get_member (obj, "name") == NULL || is_string (json_object_get_member (obj, "name")));
}

static gboolean
is_attachment (JsonNode *node)
{
  JsonObject *obj;
  JsonNode *thumbs;

  if (!is_object (node))
    return FALSE;
  obj = json_node_get_object (node);
  for (guint i = 0; i < 4; i++)
    {
      const char *member = (const char *[]) { "id", "url", "filename", "type" }[i];
      JsonNode *m = json_object_get_member (obj, member);

      if (m != NULL && !is_string (m))
        return FALSE;
    }
  if (!is_string (json_object_get_member (obj, "url")))
    return FALSE;
  thumbs = json_object_get_member (obj, "thumbnails");
  if (thumbs != NULL)
    {
      GList *members;
      gboolean ok = TRUE;

      if (!is_object (thumbs))
        return FALSE;
      members = json_object_get_members (json_node_get_object (thumbs));
      for (GList *l = members; l != NULL && ok; l = l->next)
        {
          JsonNode *t = json_object_get_member (json_node_get_object (thumbs), l->data);

          ok = is_object (t) && (json_object_get_member (json_node_get_object (t), "url") == NULL
                                 || is_string (json_object_get_member (json_node_get_object (t), "url")));
        }
      g_list_free (members);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
every_item (JsonNode *node,
            gboolean (*test) (JsonNode *))
{
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    if (!test (json_array_get_element (json_node_get_array (node), i)))
      return FALSE;
  return TRUE;
}

/* Whether @value is a stored cell of a field of @type as the store writes
 * it (sandbox-store-write.c). Cells of computed fields are never read. */
static gboolean
cell_shape_ok (const char *type,
               JsonNode   *value)
{
  if (_sandbox_store_type_in (type, _sandbox_store_computed_types))
    return TRUE;
  if (_sandbox_store_type_in (type, (const char * const[]) { "singleLineText", "multilineText", "richText", "email",
                                                             "url", "phoneNumber", "singleSelect", "date",
                                                             "dateTime", NULL }))
    return is_string (value);
  if (_sandbox_store_type_in (type, (const char * const[]) { "number", "percent", "currency", "duration", "rating", NULL }))
    return is_finite_number (value);
  if (g_str_equal (type, "checkbox"))
    return sandbox_node_is_type (value, G_TYPE_BOOLEAN);
  if (g_str_equal (type, "multipleSelects") || g_str_equal (type, "multipleRecordLinks"))
    return is_array_of_strings (value);
  if (g_str_equal (type, "singleCollaborator"))
    return is_collaborator (value);
  if (g_str_equal (type, "multipleCollaborators"))
    return every_item (value, is_collaborator);
  if (g_str_equal (type, "multipleAttachments"))
    return every_item (value, is_attachment);
  if (g_str_equal (type, "barcode"))
    return is_object (value) && is_string (json_object_get_member (json_node_get_object (value), "text"));
  return FALSE;
}

static gboolean
check_table (Check      *c,
             JsonObject *table)
{
  JsonNode *fields = json_object_get_member (table, "fields");
  JsonNode *views = json_object_get_member (table, "views");
  JsonNode *records = json_object_get_member (table, "records");
  g_autoptr(GHashTable) field_types = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) record_ids = g_hash_table_new (g_str_hash, g_str_equal);

  if (!required_string (c, table, "id") || !optional (c, table, "name", is_string, "not a string")
      || !optional (c, table, "description", is_string, "not a string")
      || !optional (c, table, "primary_field_id", is_string, "not a string"))
    return FALSE;
  if (!g_hash_table_add (c->table_ids, (gpointer) json_object_get_string_member (table, "id")))
    return bad (c, "id", "the same table id twice");

  if (fields != NULL && !JSON_NODE_HOLDS_ARRAY (fields))
    return bad (c, "fields", "not an array");
  for (guint i = 0; fields != NULL && i < json_array_get_length (json_node_get_array (fields)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (fields), i);
      gsize mark = enter (c, "fields", (gint) i);
      JsonObject *field;
      const char *type;
      JsonNode *options;

      if (!is_object (item))
        return bad (c, NULL, "not an object");
      field = json_node_get_object (item);
      if (!required_string (c, field, "id") || !required_string (c, field, "type")
          || !optional (c, field, "name", is_string, "not a string")
          || !optional (c, field, "description", is_string, "not a string"))
        return FALSE;
      type = json_object_get_string_member (field, "type");
      if (!_sandbox_store_type_in (type, _sandbox_store_known_types)
          && !_sandbox_store_type_in (type, _sandbox_store_computed_types))
        return bad (c, "type", "not a field type the sandbox knows");
      if (!g_hash_table_insert (field_types, (gpointer) json_object_get_string_member (field, "id"), (gpointer) type))
        return bad (c, "id", "the same field id twice");
      options = json_object_get_member (field, "options");
      if (options != NULL && !JSON_NODE_HOLDS_NULL (options))
        {
          gsize m2 = enter (c, "options", -1);

          if (!is_object (options))
            return bad (c, NULL, "not an object");
          if (!check_options (c, json_node_get_object (options)))
            return FALSE;
          leave (c, m2);
        }
      leave (c, mark);
    }

  if (views != NULL && !JSON_NODE_HOLDS_ARRAY (views))
    return bad (c, "views", "not an array");
  for (guint i = 0; views != NULL && i < json_array_get_length (json_node_get_array (views)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (views), i);
      gsize mark = enter (c, "views", (gint) i);
      JsonObject *view;
      JsonNode *sort;

      if (!is_object (item))
        return bad (c, NULL, "not an object");
      view = json_node_get_object (item);
      if (!required_string (c, view, "id") || !optional (c, view, "name", is_string, "not a string")
          || !optional (c, view, "type", is_string, "not a string")
          || !optional (c, view, "filter", is_string, "not a string")
          || !optional (c, view, "hidden", is_array_of_strings, "not an array of field ids"))
        return FALSE;
      sort = json_object_get_member (view, "sort");
      if (sort != NULL && !JSON_NODE_HOLDS_NULL (sort))
        {
          if (!JSON_NODE_HOLDS_ARRAY (sort))
            return bad (c, "sort", "not an array");
          for (guint s = 0; s < json_array_get_length (json_node_get_array (sort)); s++)
            {
              JsonNode *key = json_array_get_element (json_node_get_array (sort), s);

              if (!is_object (key) || !is_string (json_object_get_member (json_node_get_object (key), "field"))
                  || (json_object_get_member (json_node_get_object (key), "direction") != NULL
                      && !is_string (json_object_get_member (json_node_get_object (key), "direction"))))
                return bad (c, "sort", "not an array of {field, direction} objects");
            }
        }
      leave (c, mark);
    }

  if (records != NULL && !JSON_NODE_HOLDS_ARRAY (records))
    return bad (c, "records", "not an array");
  for (guint i = 0; records != NULL && i < json_array_get_length (json_node_get_array (records)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (records), i);
      gsize mark = enter (c, "records", (gint) i);
      JsonObject *record;
      JsonNode *cells, *comments;

      if (!is_object (item))
        return bad (c, NULL, "not an object");
      record = json_node_get_object (item);
      if (!required_string (c, record, "id") || !optional (c, record, "created_by", is_string, "not a string")
          || !optional (c, record, "modified_by", is_string, "not a string"))
        return FALSE;
      if (!g_hash_table_add (record_ids, (gpointer) json_object_get_string_member (record, "id")))
        return bad (c, "id", "the same record id twice");
      cells = json_object_get_member (record, "cells");
      if (cells != NULL && !is_object (cells))
        return bad (c, "cells", "not an object");
      if (cells != NULL)
        {
          GList *members = json_object_get_members (json_node_get_object (cells));

          for (GList *l = members; l != NULL; l = l->next)
            {
              const char *type = g_hash_table_lookup (field_types, l->data);

              if (type != NULL && !cell_shape_ok (type, json_object_get_member (json_node_get_object (cells), l->data)))
                {
                  g_autofree char *member = g_strdup_printf ("cells.%s", (const char *) l->data);

                  g_list_free (members);
                  return bad (c, member, "not a value of the field's type");
                }
            }
          g_list_free (members);
        }
      comments = json_object_get_member (record, "comments");
      if (comments != NULL && !JSON_NODE_HOLDS_ARRAY (comments))
        return bad (c, "comments", "not an array");
      for (guint k = 0; comments != NULL && k < json_array_get_length (json_node_get_array (comments)); k++)
        {
          JsonNode *co = json_array_get_element (json_node_get_array (comments), k);
          gsize m2 = enter (c, "comments", (gint) k);

          if (!is_object (co))
            return bad (c, NULL, "not an object");
          if (!required_string (c, json_node_get_object (co), "id")
              || !optional (c, json_node_get_object (co), "author_id", is_string, "not a string")
              || !optional (c, json_node_get_object (co), "text", is_string, "not a string")
              || !optional (c, json_node_get_object (co), "parent_id", is_string, "not a string"))
            return FALSE;
          leave (c, m2);
        }
      leave (c, mark);
    }
  return TRUE;
}

gboolean
_sandbox_store_check_state (JsonNode *root,
                            GError  **error)
{
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(GHashTable) table_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) user_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) base_ids = g_hash_table_new (g_str_hash, g_str_equal);
  Check c = { where, error, table_ids };
  JsonObject *obj;
  JsonNode *users, *bases, *version;

  if (!is_object (root))
    return bad (&c, NULL, "the state is not a JSON object");
  obj = json_node_get_object (root);
  version = json_object_get_member (obj, "version");
  if (version != NULL && !(sandbox_node_is_type (version, G_TYPE_INT64) && json_node_get_int (version) == 1))
    return bad (&c, "version", "not a state version this sandbox knows (1)");
  users = json_object_get_member (obj, "users");
  bases = json_object_get_member (obj, "bases");
  if (users == NULL || !JSON_NODE_HOLDS_ARRAY (users) || json_array_get_length (json_node_get_array (users)) == 0)
    return bad (&c, "users", "missing, empty or not an array");
  if (bases == NULL || !JSON_NODE_HOLDS_ARRAY (bases))
    return bad (&c, "bases", "missing or not an array");

  for (guint i = 0; i < json_array_get_length (json_node_get_array (users)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (users), i);
      gsize mark = enter (&c, "users", (gint) i);
      JsonObject *user;
      JsonNode *pats;

      if (!is_object (item))
        return bad (&c, NULL, "not an object");
      user = json_node_get_object (item);
      if (!required_string (&c, user, "id") || !required_string (&c, user, "email")
          || !optional (&c, user, "name", is_string, "not a string")
          || !optional (&c, user, "workspace_id", is_string, "not a string")
          || !optional (&c, user, "workspace_name", is_string, "not a string"))
        return FALSE;
      if (!g_hash_table_add (user_ids, (gpointer) json_object_get_string_member (user, "id")))
        return bad (&c, "id", "the same user id twice");
      pats = json_object_get_member (user, "pats");
      if (pats != NULL && !JSON_NODE_HOLDS_ARRAY (pats))
        return bad (&c, "pats", "not an array");
      for (guint j = 0; pats != NULL && j < json_array_get_length (json_node_get_array (pats)); j++)
        {
          JsonNode *p = json_array_get_element (json_node_get_array (pats), j);
          gsize m2 = enter (&c, "pats", (gint) j);

          if (!is_object (p))
            return bad (&c, NULL, "not an object");
          if (!required_string (&c, json_node_get_object (p), "token")
              || !optional (&c, json_node_get_object (p), "name", is_string, "not a string")
              || !optional (&c, json_node_get_object (p), "scopes", is_array_of_strings, "not an array of strings"))
            return FALSE;
          leave (&c, m2);
        }
      leave (&c, mark);
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (bases)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (bases), i);
      gsize mark = enter (&c, "bases", (gint) i);
      JsonObject *base;
      JsonNode *access, *tables;

      if (!is_object (item))
        return bad (&c, NULL, "not an object");
      base = json_node_get_object (item);
      if (!required_string (&c, base, "id") || !optional (&c, base, "name", is_string, "not a string")
          || !optional (&c, base, "owner_id", is_string, "not a string")
          || !optional (&c, base, "generated_spec", is_string, "not a string"))
        return FALSE;
      if (!g_hash_table_add (base_ids, (gpointer) json_object_get_string_member (base, "id")))
        return bad (&c, "id", "the same base id twice");
      access = json_object_get_member (base, "access");
      if (access != NULL && !is_object (access))
        return bad (&c, "access", "not an object");
      tables = json_object_get_member (base, "tables");
      if (tables != NULL && !JSON_NODE_HOLDS_ARRAY (tables))
        return bad (&c, "tables", "not an array");
      for (guint t = 0; tables != NULL && t < json_array_get_length (json_node_get_array (tables)); t++)
        {
          JsonNode *to = json_array_get_element (json_node_get_array (tables), t);
          gsize m2 = enter (&c, "tables", (gint) t);

          if (!is_object (to))
            return bad (&c, NULL, "not an object");
          if (!check_table (&c, json_node_get_object (to)))
            return FALSE;
          leave (&c, m2);
        }
      leave (&c, mark);
    }
  return TRUE;
}
