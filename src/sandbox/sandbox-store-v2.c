/* sandbox-store-v2.c — cells as webhook payloads show them, view membership,
 * and removing a field
 *
 * Webhook payloads use Airtable's "V2" cell values (field model page):
 * selects carry their choice's id and colour, links the linked record's
 * name, collaborators their permission level, and lookups group their
 * values by linked record. Everything else is as the REST API shows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-store-private.h"

static JsonNode *
object_node (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

static JsonObject *
choice_v2 (SandboxField *field,
           const char   *name)
{
  JsonNode *choices = field->options != NULL ? json_object_get_member (field->options, "choices") : NULL;
  JsonObject *out = json_object_new ();

  for (guint i = 0; choices != NULL && JSON_NODE_HOLDS_ARRAY (choices) && i < json_array_get_length (json_node_get_array (choices)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (choices), i);
      JsonObject *choice = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      JsonNode *cname = choice != NULL ? json_object_get_member (choice, "name") : NULL;

      if (sandbox_node_is_string (cname) && g_str_equal (json_node_get_string (cname), name))
        {
          JsonNode *id = json_object_get_member (choice, "id");
          JsonNode *color = json_object_get_member (choice, "color");

          if (sandbox_node_is_string (id))
            json_object_set_string_member (out, "id", json_node_get_string (id));
          json_object_set_string_member (out, "name", name);
          if (sandbox_node_is_string (color))
            json_object_set_string_member (out, "color", json_node_get_string (color));
          return out;
        }
    }
  json_object_set_string_member (out, "name", name);
  return out;
}

static JsonNode *
collaborator_v2 (SandboxTable *table,
                 JsonNode     *value)
{
  JsonObject *in = json_node_get_object (value);
  JsonObject *out = json_object_new ();
  GList *members = json_object_get_members (in);
  const char *id = json_object_get_string_member_with_default (in, "id", "");
  const char *level = table->base != NULL ? sandbox_base_permission (table->base, id) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (out, l->data, json_node_copy (json_object_get_member (in, l->data)));
  g_list_free (members);
  json_object_set_string_member (out, "permissionLevel", level != NULL ? level : "none");
  return object_node (out);
}

static JsonNode *
links_v2 (SandboxServer *self,
          SandboxField  *field,
          JsonNode      *value)
{
  SandboxTable *linked = sandbox_server_find_table_by_id (self, _sandbox_store_option_string (field, "linkedTableId"));
  SandboxField *primary = linked != NULL ? sandbox_table_primary_field (linked) : NULL;
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
    {
      const char *rid = sandbox_array_string (json_node_get_array (value), i);
      SandboxRecord *other = rid != NULL && linked != NULL ? g_hash_table_lookup (linked->records_by_id, rid) : NULL;
      JsonObject *link = json_object_new ();

      if (rid == NULL)
        {
          json_object_unref (link);
          continue;
        }
      json_object_set_string_member (link, "id", rid);
      if (other != NULL && primary != NULL)
        {
          g_autoptr(JsonNode) pv = sandbox_record_get_cell (self, linked, other, primary);
          g_autofree char *name = sandbox_cell_to_string (self, linked, primary, pv, NULL);

          json_object_set_string_member (link, "name", name);
        }
      json_array_add_object_element (out, link);
    }
  return array_node (out);
}

/* {"valuesByLinkedRecordId": {rec: [values]}, "linkedRecordIds": [...]} */
static JsonNode *
lookup_v2 (SandboxServer *self,
           SandboxTable  *table,
           SandboxRecord *record,
           SandboxField  *field)
{
  const char *link_id = _sandbox_store_option_string (field, "recordLinkFieldId");
  const char *target_id = _sandbox_store_option_string (field, "fieldIdInLinkedTable");
  SandboxField *link = link_id != NULL ? sandbox_table_find_field (table, link_id) : NULL;
  SandboxTable *linked = link != NULL ? sandbox_server_find_table_by_id (self, _sandbox_store_option_string (link, "linkedTableId")) : NULL;
  SandboxField *target = linked != NULL && target_id != NULL ? sandbox_table_find_field (linked, target_id) : NULL;
  g_autoptr(JsonNode) links = link != NULL ? sandbox_record_get_cell (self, table, record, link) : NULL;
  JsonObject *out = json_object_new ();
  JsonObject *by_record = json_object_new ();
  JsonArray *ids = json_array_new ();

  for (guint i = 0; target != NULL && links != NULL && JSON_NODE_HOLDS_ARRAY (links)
                    && i < json_array_get_length (json_node_get_array (links)); i++)
    {
      const char *rid = sandbox_array_string (json_node_get_array (links), i);
      SandboxRecord *other = rid != NULL ? g_hash_table_lookup (linked->records_by_id, rid) : NULL;
      g_autoptr(JsonNode) value = other != NULL ? sandbox_record_get_cell (self, linked, other, target) : NULL;
      JsonArray *values = json_array_new ();

      if (other == NULL)
        {
          json_array_unref (values);
          continue;
        }
      json_array_add_string_element (ids, rid);
      if (value != NULL && !sandbox_node_is_empty (value))
        {
          g_autoptr(JsonNode) v2 = sandbox_cell_to_v2 (self, linked, other, target, value);

          if (JSON_NODE_HOLDS_ARRAY (v2))
            for (guint j = 0; j < json_array_get_length (json_node_get_array (v2)); j++)
              json_array_add_element (values, json_node_copy (json_array_get_element (json_node_get_array (v2), j)));
          else
            json_array_add_element (values, json_node_copy (v2));
        }
      json_object_set_array_member (by_record, rid, values);
    }
  json_object_set_object_member (out, "valuesByLinkedRecordId", by_record);
  json_object_set_array_member (out, "linkedRecordIds", ids);
  return object_node (out);
}

JsonNode *
sandbox_cell_to_v2 (SandboxServer *self,
                    SandboxTable  *table,
                    SandboxRecord *record,
                    SandboxField  *field,
                    JsonNode      *value)
{
  const char *type = field->type;

  if (g_str_equal (type, "singleSelect") && sandbox_node_is_string (value))
    return object_node (choice_v2 (field, json_node_get_string (value)));
  if (g_str_equal (type, "multipleSelects") && JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *out = json_array_new ();

      for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
        {
          const char *name = sandbox_array_string (json_node_get_array (value), i);

          if (name != NULL)
            json_array_add_object_element (out, choice_v2 (field, name));
        }
      return array_node (out);
    }
  if (g_str_equal (type, "multipleRecordLinks") && JSON_NODE_HOLDS_ARRAY (value))
    return links_v2 (self, field, value);
  if (g_str_equal (type, "multipleLookupValues") && record != NULL)
    return lookup_v2 (self, table, record, field);
  if (_sandbox_store_type_in (type, (const char * const[]) { "singleCollaborator", "createdBy", "lastModifiedBy", NULL })
      && JSON_NODE_HOLDS_OBJECT (value))
    return collaborator_v2 (table, value);
  if (g_str_equal (type, "multipleCollaborators") && JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *out = json_array_new ();

      for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (value), i);

          if (JSON_NODE_HOLDS_OBJECT (item))
            json_array_add_element (out, collaborator_v2 (table, item));
        }
      return array_node (out);
    }
  return json_node_copy (value);
}

gboolean
sandbox_view_shows_record (SandboxServer *self,
                           SandboxTable  *table,
                           SandboxView   *view,
                           SandboxRecord *record)
{
  g_autoptr(SandboxFormula) formula = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (view->filter == NULL)
    return TRUE;
  formula = sandbox_table_parse_formula (self, table, view->filter, NULL);
  if (formula == NULL)
    return TRUE;   /* as listing does: a filter that no longer parses keeps everything */
  now = g_date_time_new_now_utc ();
  return sandbox_record_matches (self, table, record, formula, now);
}

/* Drops @field from @table: its cells, its place in views, and the other
 * side of a link (which goes too, as a link has two sides). The primary
 * field cannot be removed; the caller checks. */
void
sandbox_table_remove_field (SandboxServer *self,
                            SandboxTable  *table,
                            SandboxField  *field)
{
  g_autofree char *id = g_strdup (field->id);

  if (g_str_equal (field->type, "multipleRecordLinks"))
    {
      SandboxTable *linked = sandbox_server_find_table_by_id (self, _sandbox_store_option_string (field, "linkedTableId"));
      const char *inverse_id = _sandbox_store_option_string (field, "inverseLinkFieldId");
      SandboxField *inverse = linked != NULL && inverse_id != NULL ? sandbox_table_find_field (linked, inverse_id) : NULL;

      if (inverse != NULL && inverse != field)
        {
          /* the other side forgets this one first, so that it does not come back here */
          if (inverse->options != NULL)
            json_object_remove_member (inverse->options, "inverseLinkFieldId");
          sandbox_table_remove_field (self, linked, inverse);
        }
    }
  sandbox_changes_field_destroyed (table, field);
  for (guint i = 0; i < table->records->len; i++)
    json_object_remove_member (((SandboxRecord *) table->records->pdata[i])->cells, id);
  for (guint i = 0; i < table->views->len; i++)
    {
      SandboxView *view = table->views->pdata[i];

      if (view->hidden_field_ids != NULL)
        {
          GStrvBuilder *kept = g_strv_builder_new ();

          for (guint j = 0; view->hidden_field_ids[j] != NULL; j++)
            if (!g_str_equal (view->hidden_field_ids[j], id))
              g_strv_builder_add (kept, view->hidden_field_ids[j]);
          g_strfreev (view->hidden_field_ids);
          view->hidden_field_ids = g_strv_builder_end (kept);
          g_strv_builder_unref (kept);
        }
    }
  g_ptr_array_remove (table->fields, field);   /* frees it */
}
