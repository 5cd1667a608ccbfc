/* sandbox-records-write.c — create, update (PATCH/PUT, single and batch),
 * upsert and delete, all-or-nothing per request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox-records-private.h"

typedef struct
{
  SandboxRecord *record;      /* NULL: create */
  GPtrArray     *fields;      /* SandboxField* */
  GPtrArray     *values;      /* JsonNode* or NULL (clear) */
  gboolean       created;
} WritePlan;

static void
write_plan_free (WritePlan *plan)
{
  g_ptr_array_unref (plan->fields);
  g_ptr_array_unref (plan->values);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WritePlan, write_plan_free)

static void
maybe_node_unref (gpointer node)
{
  if (node != NULL)
    json_node_unref (node);
}

/* --------------------------------------------------------------- writes */

/* Reads "typecast" and "returnFieldsByFieldId" from a write body. */
static gboolean
write_flags (SoupServerMessage *msg,
             JsonObject        *body,
             GPtrArray         *query,
             gboolean          *typecast,
             gboolean          *by_id)
{
  JsonNode *tc = json_object_get_member (body, "typecast");
  JsonNode *bi = json_object_get_member (body, "returnFieldsByFieldId");

  *typecast = FALSE;
  *by_id = sandbox_query_bool (sandbox_query_get (query, "returnFieldsByFieldId"));
  if (tc != NULL && !JSON_NODE_HOLDS_NULL (tc))
    {
      if (!sandbox_node_is_type (tc, G_TYPE_BOOLEAN))
        {
          sandbox_respond_invalid_request (msg);
          return FALSE;
        }
      *typecast = json_node_get_boolean (tc);
    }
  if (bi != NULL && !JSON_NODE_HOLDS_NULL (bi))
    {
      if (!sandbox_node_is_type (bi, G_TYPE_BOOLEAN))
        {
          sandbox_respond_invalid_request (msg);
          return FALSE;
        }
      *by_id = json_node_get_boolean (bi);
    }
  return TRUE;
}

/* Validates one record's "fields" object and adds the converted cells to
 * @plan. Responds and returns FALSE on the first problem. */
static gboolean
plan_fields (SandboxServer     *self,
             SoupServerMessage *msg,
             SandboxTable      *table,
             JsonNode          *fields_node,
             gboolean           typecast,
             WritePlan         *plan)
{
  JsonObject *fields;
  GList *members;

  if (fields_node == NULL || !JSON_NODE_HOLDS_OBJECT (fields_node))
    {
      sandbox_respond_error (msg, 422, "INVALID_REQUEST_MISSING_FIELDS", "Could not find field \"fields\" in the request body");
      return FALSE;
    }
  fields = json_node_get_object (fields_node);
  members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    {
      SandboxField *field = sandbox_table_find_field (table, l->data);
      JsonNode *out = NULL;
      g_autofree char *etype = NULL;
      g_autofree char *emessage = NULL;
      guint index;

      if (field == NULL)
        {
          _sandbox_records_respond_unknown_field (msg, l->data);
          g_list_free (members);
          return FALSE;
        }
      if (!sandbox_cell_convert (self, table, field, json_object_get_member (fields, l->data), typecast,
                                 &out, &etype, &emessage))
        {
          sandbox_respond_error (msg, 422, etype, "%s", emessage);
          g_list_free (members);
          return FALSE;
        }
      if (g_ptr_array_find (plan->fields, field, &index))
        {
          g_ptr_array_remove_index (plan->fields, index);
          g_ptr_array_remove_index (plan->values, index);
        }
      g_ptr_array_add (plan->fields, field);
      g_ptr_array_add (plan->values, out);
    }
  g_list_free (members);
  return TRUE;
}

static WritePlan *
write_plan_new (SandboxRecord *record)
{
  WritePlan *plan = g_new0 (WritePlan, 1);

  plan->record = record;
  plan->fields = g_ptr_array_new ();
  plan->values = g_ptr_array_new_with_free_func (maybe_node_unref);
  return plan;
}

static void
apply_plan (SandboxServer *self,
            SandboxTable  *table,
            WritePlan     *plan,
            gboolean       destructive)
{
  sandbox_pending_choices_commit (self, table);
  if (plan->record == NULL)
    {
      plan->record = sandbox_record_new (table);
      plan->created = TRUE;
      if (self->acting_user_id != NULL)
        {
          g_free (plan->record->created_by);
          plan->record->created_by = g_strdup (self->acting_user_id);
        }
    }
  if (destructive)
    for (guint i = 0; i < table->fields->len; i++)
      {
        SandboxField *field = table->fields->pdata[i];

        if (!sandbox_field_is_computed (field) && !g_ptr_array_find (plan->fields, field, NULL))
          sandbox_record_set_cell (self, table, plan->record, field, NULL);
      }
  for (guint i = 0; i < plan->fields->len; i++)
    sandbox_record_set_cell (self, table, plan->record, plan->fields->pdata[i], plan->values->pdata[i]);
  if (!plan->created)
    {
      plan->record->modified_ms = g_get_real_time () / 1000;
      g_free (plan->record->modified_by);
      plan->record->modified_by = g_strdup (self->acting_user_id);
    }
}

static void
respond_invalid_records (SoupServerMessage *msg)
{
  sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                         "You must provide an array of up to 10 record objects, each with an 'id' ID field and a 'fields' object for cell values.");
}

void
_sandbox_records_handle_create (SandboxServer     *self,
                                SoupServerMessage *msg,
                                SandboxTable      *table,
                                JsonObject        *body,
                                GPtrArray         *query)
{
  gboolean typecast, by_id;
  JsonNode *records = json_object_get_member (body, "records");
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) write_plan_free);

  if (!write_flags (msg, body, query, &typecast, &by_id))
    return;

  if (records != NULL)
    {
      JsonArray *array;
      JsonArray *out;
      g_autoptr(JsonObject) reply = json_object_new ();

      if (!JSON_NODE_HOLDS_ARRAY (records))
        {
          sandbox_respond_invalid_request (msg);
          return;
        }
      array = json_node_get_array (records);
      if (json_array_get_length (array) > BATCH_MAX)
        {
          sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                 "A maximum of 10 records can be created per request but you have provided %u.",
                                 json_array_get_length (array));
          return;
        }
      if (json_array_get_length (array) == 0)
        {
          sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                 "You must provide an array of up to 10 record objects, each with a 'fields' object for cell values.");
          return;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          WritePlan *plan = write_plan_new (NULL);

          g_ptr_array_add (plans, plan);
          if (!JSON_NODE_HOLDS_OBJECT (item))
            {
              sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                     "You must provide an array of up to 10 record objects, each with a 'fields' object for cell values.");
              return;
            }
          if (!plan_fields (self, msg, table, json_object_get_member (json_node_get_object (item), "fields"), typecast, plan))
            return;
        }
      out = json_array_new ();
      for (guint i = 0; i < plans->len; i++)
        {
          WritePlan *plan = plans->pdata[i];

          apply_plan (self, table, plan, FALSE);
          json_array_add_object_element (out, sandbox_record_to_json (self, table, plan->record, NULL, by_id, FALSE, NULL, NULL));
        }
      json_object_set_array_member (reply, "records", out);
      sandbox_server_changed (self);
      sandbox_respond_object (msg, 200, reply);
      return;
    }

  {
    WritePlan *plan = write_plan_new (NULL);
    g_autoptr(JsonObject) reply = NULL;

    g_ptr_array_add (plans, plan);
    if (!plan_fields (self, msg, table, json_object_get_member (body, "fields"), typecast, plan))
      return;
    apply_plan (self, table, plan, FALSE);
    reply = sandbox_record_to_json (self, table, plan->record, NULL, by_id, FALSE, NULL, NULL);
    sandbox_server_changed (self);
    sandbox_respond_object (msg, 200, reply);
  }
}

static const char * const merge_types[] = {
  "number", "singleLineText", "multilineText", "singleSelect", "multipleSelects", "date",
  "email", "url", "phoneNumber", NULL,
};

static gboolean
cells_equal (JsonNode *a,
             JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

void
_sandbox_records_handle_update_batch (SandboxServer     *self,
                                      SoupServerMessage *msg,
                                      SandboxTable      *table,
                                      JsonObject        *body,
                                      GPtrArray         *query,
                                      gboolean           destructive)
{
  gboolean typecast, by_id;
  JsonNode *records = json_object_get_member (body, "records");
  JsonNode *upsert = json_object_get_member (body, "performUpsert");
  g_autoptr(GPtrArray) merge = NULL;
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) write_plan_free);
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *array;
  JsonArray *out;
  JsonArray *created = NULL, *updated = NULL;

  if (!write_flags (msg, body, query, &typecast, &by_id))
    return;
  if (records == NULL || !JSON_NODE_HOLDS_ARRAY (records))
    {
      respond_invalid_records (msg);
      return;
    }
  array = json_node_get_array (records);
  if (json_array_get_length (array) == 0 || json_array_get_length (array) > BATCH_MAX)
    {
      respond_invalid_records (msg);
      return;
    }

  if (upsert != NULL && !JSON_NODE_HOLDS_NULL (upsert))
    {
      JsonNode *fields_on = JSON_NODE_HOLDS_OBJECT (upsert) ? json_object_get_member (json_node_get_object (upsert), "fieldsToMergeOn") : NULL;
      JsonArray *names;

      if (fields_on == NULL || !JSON_NODE_HOLDS_ARRAY (fields_on)
          || json_array_get_length (json_node_get_array (fields_on)) < 1
          || json_array_get_length (json_node_get_array (fields_on)) > 3)
        {
          sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN",
                                 "Invalid request: performUpsert.fieldsToMergeOn must be an array of 1 to 3 field names or ids.");
          return;
        }
      names = json_node_get_array (fields_on);
      merge = g_ptr_array_new ();
      for (guint i = 0; i < json_array_get_length (names); i++)
        {
          JsonNode *n = json_array_get_element (names, i);
          SandboxField *field;

          if (!sandbox_node_is_type (n, G_TYPE_STRING))
            {
              sandbox_respond_invalid_request (msg);
              return;
            }
          field = sandbox_table_find_field (table, json_node_get_string (n));
          if (field == NULL)
            {
              _sandbox_records_respond_unknown_field (msg, json_node_get_string (n));
              return;
            }
          if (sandbox_field_is_computed (field) || !g_strv_contains (merge_types, field->type))
            {
              sandbox_respond_error (msg, 422, "INVALID_FIELD_TO_MERGE_ON",
                                     "Field \"%s\" cannot be used in fieldsToMergeOn (type %s)", field->name, field->type);
              return;
            }
          g_ptr_array_add (merge, field);
        }
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *obj;
      JsonNode *id;
      WritePlan *plan;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          respond_invalid_records (msg);
          return;
        }
      obj = json_node_get_object (item);
      id = json_object_get_member (obj, "id");
      if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "fields") != NULL ? json_object_get_member (obj, "fields") : item)
          || json_object_get_member (obj, "fields") == NULL
          || (id != NULL && !sandbox_node_is_type (id, G_TYPE_STRING))
          || (id == NULL && merge == NULL))
        {
          respond_invalid_records (msg);
          return;
        }
      plan = write_plan_new (NULL);
      g_ptr_array_add (plans, plan);
      if (id != NULL)
        {
          plan->record = g_hash_table_lookup (table->records_by_id, json_node_get_string (id));
          if (plan->record == NULL)
            {
              sandbox_respond_error (msg, 422, "ROW_DOES_NOT_EXIST",
                                     "Record ID %s does not exist in this table", json_node_get_string (id));
              return;
            }
        }
      if (!plan_fields (self, msg, table, json_object_get_member (obj, "fields"), typecast, plan))
        return;

      if (id == NULL)
        {
          /* upsert: find the one record whose merge fields equal this one's */
          SandboxRecord *match = NULL;
          guint matches = 0;
          g_autoptr(GPtrArray) wanted = g_ptr_array_new ();

          for (guint m = 0; m < merge->len; m++)
            {
              guint index;

              if (!g_ptr_array_find (plan->fields, merge->pdata[m], &index))
                {
                  sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                         "Record #%u lacks the merge field \"%s\"", i, ((SandboxField *) merge->pdata[m])->name);
                  return;
                }
              g_ptr_array_add (wanted, plan->values->pdata[index]);
            }
          for (guint r = 0; r < table->records->len; r++)
            {
              SandboxRecord *rec = table->records->pdata[r];
              gboolean same = TRUE;

              for (guint m = 0; m < merge->len && same; m++)
                same = cells_equal (json_object_get_member (rec->cells, ((SandboxField *) merge->pdata[m])->id), wanted->pdata[m]);
              if (same)
                {
                  match = rec;
                  matches++;
                }
            }
          if (matches > 1)
            {
              sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                                     "Cannot upsert record #%u: %u records in table %s match the fields to merge on",
                                     i, matches, table->name);
              return;
            }
          plan->record = match;
        }
    }

  out = json_array_new ();
  if (merge != NULL)
    {
      created = json_array_new ();
      updated = json_array_new ();
    }
  for (guint i = 0; i < plans->len; i++)
    {
      WritePlan *plan = plans->pdata[i];

      apply_plan (self, table, plan, destructive);
      json_array_add_object_element (out, sandbox_record_to_json (self, table, plan->record, NULL, by_id, FALSE, NULL, NULL));
      if (merge != NULL)
        json_array_add_string_element (plan->created ? created : updated, plan->record->id);
    }
  json_object_set_array_member (reply, "records", out);
  if (merge != NULL)
    {
      json_object_set_array_member (reply, "createdRecords", created);
      json_object_set_array_member (reply, "updatedRecords", updated);
    }
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

void
_sandbox_records_handle_update_one (SandboxServer     *self,
                                    SoupServerMessage *msg,
                                    SandboxTable      *table,
                                    const char        *record_id,
                                    JsonObject        *body,
                                    GPtrArray         *query,
                                    gboolean           destructive)
{
  gboolean typecast, by_id;
  SandboxRecord *record = g_hash_table_lookup (table->records_by_id, record_id);
  g_autoptr(WritePlan) plan = NULL;
  g_autoptr(JsonObject) reply = NULL;

  if (record == NULL)
    {
      _sandbox_records_respond_record_not_found (msg);
      return;
    }
  if (!write_flags (msg, body, query, &typecast, &by_id))
    return;
  plan = write_plan_new (record);
  if (!plan_fields (self, msg, table, json_object_get_member (body, "fields"), typecast, plan))
    return;
  apply_plan (self, table, plan, destructive);
  reply = sandbox_record_to_json (self, table, record, NULL, by_id, FALSE, NULL, NULL);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

void
_sandbox_records_handle_delete_batch (SandboxServer     *self,
                                      SoupServerMessage *msg,
                                      SandboxTable      *table,
                                      GPtrArray         *query)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *out;

  for (guint i = 0; i + 1 < query->len; i += 2)
    if (g_str_equal (query->pdata[i], "records[]") || g_str_equal (query->pdata[i], "records")
        || g_str_has_prefix (query->pdata[i], "records["))
      g_ptr_array_add (ids, query->pdata[i + 1]);
  if (ids->len == 0 || ids->len > BATCH_MAX)
    {
      sandbox_respond_error (msg, 422, "INVALID_RECORDS",
                             "You must provide an array of up to 10 record IDs in records[].");
      return;
    }
  for (guint i = 0; i < ids->len; i++)
    if (!g_hash_table_contains (table->records_by_id, ids->pdata[i]))
      {
        sandbox_respond_error (msg, 422, "ROW_DOES_NOT_EXIST", "Record ID %s does not exist in this table",
                               (char *) ids->pdata[i]);
        return;
      }
  out = json_array_new ();
  for (guint i = 0; i < ids->len; i++)
    {
      SandboxRecord *record = g_hash_table_lookup (table->records_by_id, ids->pdata[i]);
      JsonObject *d = json_object_new ();

      json_object_set_string_member (d, "id", ids->pdata[i]);
      json_object_set_boolean_member (d, "deleted", TRUE);
      json_array_add_object_element (out, d);
      if (record != NULL)   /* the same id twice */
        sandbox_record_delete (self, table, record);
    }
  json_object_set_array_member (reply, "records", out);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}
