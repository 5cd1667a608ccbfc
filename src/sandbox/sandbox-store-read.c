/* sandbox-store-read.c — reading cells: computed fields (formula,
 * rollup, count, lookup, autoNumber, created/modified time and by) and
 * the view of a record that formulas get
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-store-private.h"

typedef struct
{
  SandboxServer *self;
  SandboxTable  *table;
  SandboxRecord *record;
} RecordCtx;

static int formula_depth;

/* ---------------------------------------------------------------- formula */

gboolean
sandbox_field_resolve_cb (const char  *name_or_id,
                          const char **out_id,
                          const char **out_type,
                          gpointer     data)
{
  SandboxTable *table = data;
  SandboxField *field = sandbox_table_find_field (table, name_or_id);

  if (field == NULL)
    return FALSE;
  *out_id = field->id;
  *out_type = field->type;
  return TRUE;
}

SandboxFormula *
sandbox_table_parse_formula (SandboxServer *self,
                             SandboxTable  *table,
                             const char    *text,
                             GError       **error)
{
  return sandbox_formula_parse (text, sandbox_field_resolve_cb, table, error);
}

static JsonNode *
formula_view_of (RecordCtx   *ctx,
                 SandboxField *field,
                 JsonNode     *value)
{
  /* Links appear as the linked records' primary values, collaborators as
   * names, attachments as file names: how Airtable formulas see them. */
  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    {
      if (value != NULL && JSON_NODE_HOLDS_OBJECT (value) && g_str_equal (field->type, "singleCollaborator"))
        {
          JsonNode *name = json_object_get_member (json_node_get_object (value), "name");
          JsonNode *copy = name != NULL ? json_node_copy (name) : NULL;

          json_node_unref (value);
          return copy;
        }
      if (value != NULL && JSON_NODE_HOLDS_OBJECT (value) && g_str_equal (field->type, "barcode"))
        {
          JsonNode *text = json_object_get_member (json_node_get_object (value), "text");
          JsonNode *copy = text != NULL ? json_node_copy (text) : NULL;

          json_node_unref (value);
          return copy;
        }
      return value;
    }

  if (g_str_equal (field->type, "multipleRecordLinks")
      || g_str_equal (field->type, "multipleCollaborators")
      || g_str_equal (field->type, "multipleAttachments"))
    {
      JsonArray *in = json_node_get_array (value);
      JsonArray *out = json_array_new ();
      JsonNode *result = json_node_new (JSON_NODE_ARRAY);
      SandboxTable *linked = NULL;

      if (g_str_equal (field->type, "multipleRecordLinks"))
        linked = sandbox_server_find_table_by_id (ctx->self, _sandbox_store_option_string (field, "linkedTableId"));

      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          JsonNode *item = json_array_get_element (in, i);

          if (linked != NULL && sandbox_node_is_string (item))
            {
              SandboxRecord *other = g_hash_table_lookup (linked->records_by_id, json_node_get_string (item));
              SandboxField *primary = sandbox_table_primary_field (linked);
              g_autoptr(JsonNode) pv = NULL;
              g_autofree char *text = NULL;

              if (other == NULL || primary == NULL)
                continue;
              pv = sandbox_record_get_cell (ctx->self, linked, other, primary);
              text = sandbox_cell_to_string (ctx->self, linked, primary, pv, NULL);
              json_array_add_string_element (out, text);
            }
          else if (JSON_NODE_HOLDS_OBJECT (item))
            {
              JsonObject *obj = json_node_get_object (item);
              const char *key = g_str_equal (field->type, "multipleAttachments") ? "filename" : "name";

              if (json_object_has_member (obj, key) && sandbox_node_is_string (json_object_get_member (obj, key)))
                json_array_add_string_element (out, json_object_get_string_member (obj, key));
            }
        }
      json_node_take_array (result, out);
      json_node_unref (value);
      return result;
    }
  return value;
}

JsonNode *
sandbox_formula_cell_cb (const char *field_id,
                         gpointer    data)
{
  RecordCtx *ctx = data;
  SandboxField *field;

  if (g_str_equal (field_id, SANDBOX_FORMULA_CREATED_TIME) || g_str_equal (field_id, SANDBOX_FORMULA_LAST_MODIFIED_TIME))
    {
      gboolean created = g_str_equal (field_id, SANDBOX_FORMULA_CREATED_TIME) || ctx->record->modified_ms == 0;
      g_autofree char *text = sandbox_format_time (created ? ctx->record->created_ms : ctx->record->modified_ms);

      return sandbox_string_node (text);
    }
  field = sandbox_table_find_field (ctx->table, field_id);
  if (field == NULL)
    return NULL;
  return formula_view_of (ctx, field, sandbox_record_get_cell (ctx->self, ctx->table, ctx->record, field));
}

gboolean
sandbox_record_matches (SandboxServer  *self,
                        SandboxTable   *table,
                        SandboxRecord  *record,
                        SandboxFormula *formula,
                        GDateTime      *now)
{
  RecordCtx ctx = { self, table, record };

  return sandbox_formula_matches (formula, sandbox_formula_cell_cb, &ctx, record->id, now);
}

/* ------------------------------------------------------------- cell reads */

static JsonNode *
linked_values (SandboxServer *self,
               SandboxTable  *table,
               SandboxRecord *record,
               SandboxField  *field,
               gboolean       flatten)
{
  const char *link_id = _sandbox_store_option_string (field, "recordLinkFieldId");
  const char *target_id = _sandbox_store_option_string (field, "fieldIdInLinkedTable");
  SandboxField *link = link_id != NULL ? sandbox_table_find_field (table, link_id) : NULL;
  SandboxTable *linked;
  SandboxField *target;
  JsonNode *links;
  JsonArray *out;
  JsonNode *result;

  if (link == NULL || target_id == NULL)
    return NULL;
  linked = sandbox_server_find_table_by_id (self, _sandbox_store_option_string (link, "linkedTableId"));
  if (linked == NULL || (target = sandbox_table_find_field (linked, target_id)) == NULL)
    return NULL;
  links = json_object_get_member (record->cells, link->id);
  if (links == NULL || !JSON_NODE_HOLDS_ARRAY (links))
    return NULL;

  out = json_array_new ();
  for (guint i = 0; i < json_array_get_length (json_node_get_array (links)); i++)
    {
      const char *rid = json_array_get_string_element (json_node_get_array (links), i);
      SandboxRecord *other = rid != NULL ? g_hash_table_lookup (linked->records_by_id, rid) : NULL;
      JsonNode *value;

      if (other == NULL)
        continue;
      value = sandbox_record_get_cell (self, linked, other, target);
      if (value == NULL)
        continue;
      if (flatten && JSON_NODE_HOLDS_ARRAY (value))
        {
          for (guint j = 0; j < json_array_get_length (json_node_get_array (value)); j++)
            json_array_add_element (out, json_node_copy (json_array_get_element (json_node_get_array (value), j)));
          json_node_unref (value);
        }
      else
        json_array_add_element (out, value);
    }
  result = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (result, out);
  return result;
}

/* JSON has no NaN or Infinity: such formula results read as
 * {"specialValue":"NaN"} / {"specialValue":"Infinity"}. */
static JsonNode *
finite_or_special (JsonNode *node)
{
  if (node != NULL && sandbox_node_is_type (node, G_TYPE_DOUBLE) && !isfinite (json_node_get_double (node)))
    {
      double v = json_node_get_double (node);
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "specialValue", isnan (v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
      json_node_unref (node);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, obj);
    }
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (sandbox_node_is_type (item, G_TYPE_DOUBLE) && !isfinite (json_node_get_double (item)))
            json_node_init_null (item);
        }
    }
  return node;
}

static JsonNode *
computed_cell (SandboxServer *self,
               SandboxTable  *table,
               SandboxRecord *record,
               SandboxField  *field)
{
  if (g_str_equal (field->type, "autoNumber"))
    return sandbox_number_node ((double) record->autonumber);

  if (g_str_equal (field->type, "lastModifiedTime"))
    {
      /* any cell of the record (the sandbox does not narrow it to referencedFieldIds) */
      g_autofree char *text = sandbox_format_time (record->modified_ms != 0 ? record->modified_ms : record->created_ms);

      return sandbox_string_node (text);
    }

  if (g_str_equal (field->type, "createdBy") || g_str_equal (field->type, "lastModifiedBy"))
    {
      const char *id = g_str_equal (field->type, "createdBy") || record->modified_by == NULL
                       ? record->created_by : record->modified_by;
      SandboxUser *user;
      JsonNode *node;

      if (id == NULL)
        id = table->base->owner_id;   /* demo and generated records: the base's owner */
      user = sandbox_server_find_user (self, id);

      if (user == NULL)
        return NULL;
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, _sandbox_store_collaborator_object (user));
      return node;
    }

  if (g_str_equal (field->type, "createdTime"))
    {
      g_autofree char *text = sandbox_format_time (record->created_ms);

      return sandbox_string_node (text);
    }

  if (g_str_equal (field->type, "count"))
    {
      const char *link_id = _sandbox_store_option_string (field, "recordLinkFieldId");
      SandboxField *link = link_id != NULL ? sandbox_table_find_field (table, link_id) : NULL;
      g_autoptr(JsonNode) links = link != NULL ? sandbox_record_get_cell (self, table, record, link) : NULL;

      return sandbox_number_node (links != NULL && JSON_NODE_HOLDS_ARRAY (links)
                          ? json_array_get_length (json_node_get_array (links)) : 0);
    }

  if (g_str_equal (field->type, "multipleLookupValues"))
    return linked_values (self, table, record, field, TRUE);

  if (g_str_equal (field->type, "rollup"))
    {
      /* The sandbox's rollups sum numbers and join anything else. */
      g_autoptr(JsonNode) values = linked_values (self, table, record, field, TRUE);
      JsonArray *array;
      double sum = 0;
      gboolean numeric = TRUE;
      g_autoptr(GString) joined = g_string_new (NULL);

      if (values == NULL)
        return sandbox_number_node (0);
      array = json_node_get_array (values);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (sandbox_node_is_number (item))
            sum += sandbox_node_number (item);
          else
            numeric = FALSE;
          if (sandbox_node_is_string (item))
            g_string_append_printf (joined, "%s%s", joined->len ? ", " : "", json_node_get_string (item));
        }
      if (numeric)
        return sandbox_number_node (sum);
      return sandbox_string_node (joined->str);
    }

  if (g_str_equal (field->type, "formula"))
    {
      RecordCtx ctx = { self, table, record };
      g_autoptr(GDateTime) now = NULL;
      JsonNode *result;

      if (formula_depth > 8)
        {
          JsonObject *err = json_object_new ();

          result = json_node_new (JSON_NODE_OBJECT);
          json_object_set_string_member (err, "error", "#ERROR!");
          json_node_take_object (result, err);
          return result;
        }
      if (field->formula == NULL && !field->formula_failed)
        {
          const char *text = _sandbox_store_option_string (field, "formula");

          field->formula = text != NULL ? sandbox_table_parse_formula (self, table, text, NULL) : NULL;
          field->formula_failed = field->formula == NULL;
        }
      if (field->formula == NULL)
        {
          JsonObject *err = json_object_new ();

          result = json_node_new (JSON_NODE_OBJECT);
          json_object_set_string_member (err, "error", "#ERROR!");
          json_node_take_object (result, err);
          return result;
        }
      now = g_date_time_new_now_utc ();
      formula_depth++;
      result = sandbox_formula_evaluate (field->formula, sandbox_formula_cell_cb, &ctx, record->id, now);
      formula_depth--;
      return finite_or_special (result);
    }

  return NULL;
}

static char *
attachment_url (SandboxServer *self,
                const char    *stored)
{
  if (stored != NULL && g_str_has_prefix (stored, "/__sandbox/"))
    return g_strconcat (self->url != NULL ? self->url : "", stored, NULL);
  return g_strdup (stored);
}

static JsonNode *
absolute_attachments (SandboxServer *self,
                      JsonNode      *value)
{
  JsonArray *in = json_node_get_array (value);
  JsonArray *out = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < json_array_get_length (in); i++)
    {
      JsonObject *src = json_array_get_object_element (in, i);
      JsonObject *copy = json_object_new ();
      GList *members = json_object_get_members (src);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *m = json_object_get_member (src, l->data);

          if (g_str_equal (l->data, "url") && sandbox_node_is_string (m))
            {
              g_autofree char *url = attachment_url (self, json_node_get_string (m));

              json_object_set_string_member (copy, "url", url);
            }
          else if (g_str_equal (l->data, "thumbnails") && JSON_NODE_HOLDS_OBJECT (m))
            {
              JsonObject *thumbs = json_node_get_object (m);
              JsonObject *tcopy = json_object_new ();
              GList *sizes = json_object_get_members (thumbs);

              for (GList *s = sizes; s != NULL; s = s->next)
                {
                  JsonObject *t = json_object_get_object_member (thumbs, s->data);
                  JsonObject *t2 = json_object_new ();

                  if (t != NULL)
                    {
                      g_autofree char *url = attachment_url (self, json_object_get_string_member_with_default (t, "url", ""));

                      json_object_set_string_member (t2, "url", url);
                      json_object_set_int_member (t2, "width", json_object_get_int_member_with_default (t, "width", 0));
                      json_object_set_int_member (t2, "height", json_object_get_int_member_with_default (t, "height", 0));
                    }
                  json_object_set_object_member (tcopy, s->data, t2);
                }
              g_list_free (sizes);
              json_object_set_object_member (copy, "thumbnails", tcopy);
            }
          else
            json_object_set_member (copy, l->data, json_node_copy (m));
        }
      g_list_free (members);
      json_array_add_object_element (out, copy);
    }
  json_node_take_array (node, out);
  return node;
}

JsonNode *
sandbox_record_get_cell (SandboxServer *self,
                         SandboxTable  *table,
                         SandboxRecord *record,
                         SandboxField  *field)
{
  JsonNode *stored;

  if (sandbox_field_is_computed (field))
    {
      JsonNode *value = computed_cell (self, table, record, field);

      if (value != NULL && sandbox_node_is_empty (value))
        g_clear_pointer (&value, json_node_unref);
      return value;
    }

  stored = json_object_get_member (record->cells, field->id);
  if (stored == NULL)
    return NULL;

  if (g_str_equal (field->type, "multipleRecordLinks") && JSON_NODE_HOLDS_ARRAY (stored))
    {
      /* Drop links to records deleted since. */
      SandboxTable *linked = sandbox_server_find_table_by_id (self, _sandbox_store_option_string (field, "linkedTableId"));
      JsonArray *in = json_node_get_array (stored);
      JsonArray *out = json_array_new ();
      JsonNode *node;

      for (guint i = 0; i < json_array_get_length (in); i++)
        {
          const char *rid = json_array_get_string_element (in, i);

          if (linked != NULL && rid != NULL && g_hash_table_contains (linked->records_by_id, rid))
            json_array_add_string_element (out, rid);
        }
      if (json_array_get_length (out) == 0)
        {
          json_array_unref (out);
          return NULL;
        }
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, out);
      return node;
    }

  if (g_str_equal (field->type, "multipleAttachments") && JSON_NODE_HOLDS_ARRAY (stored))
    return absolute_attachments (self, stored);

  return json_node_copy (stored);
}
