/* sandbox-control-data.c — control API routes that change data the way
 * Airtable's own UI, forms and automations would, share bases, and move
 * the webhooks' clock
 *
 *   POST /__sandbox/share     {"base", "user", "permission"}: a user's access to a base
 *   POST /__sandbox/edit      {"base", "table", "source"?, "user"?, "automationId"?,
 *                              "viewId"?, "pageId"?, "typecast"?, and one of
 *                              "create": {fields}, "update": {"id", "fields"},
 *                              "delete": "rec…"}
 *   POST /__sandbox/schema    {"base", "table", "action": "delete-field" | "delete-table" |
 *                              "retype-field", "field"?, "type"?, "options"?, "user"?}
 *   GET  /__sandbox/webhooks  every webhook, with its payload count
 *   POST /__sandbox/webhooks/clock          {"advance_ms"}
 *   POST /__sandbox/webhooks/expire         {"webhook"}
 *   POST /__sandbox/webhooks/drop-payloads  {"webhook"?}
 *   POST /__sandbox/webhooks/settings       {"retry_base_ms"}
 *
 * Edits made here reach webhooks with the action metadata of their source
 * ("client" with the user, "automation" with its id…), as edits in Airtable
 * itself would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-private.h"

static const char *
member_string (JsonObject *body,
               const char *member)
{
  JsonNode *node = body != NULL ? json_object_get_member (body, member) : NULL;

  return sandbox_node_is_string (node) ? json_node_get_string (node) : NULL;
}

static void
invalid (SoupServerMessage *msg,
         const char        *what)
{
  sandbox_respond_error (msg, 422, "INVALID_REQUEST_UNKNOWN", "%s", what);
}

static gboolean
find_table (SandboxServer     *self,
            SoupServerMessage *msg,
            JsonObject        *body,
            SandboxBase      **out_base,
            SandboxTable     **out_table)
{
  *out_base = sandbox_server_find_base (self, member_string (body, "base"));
  *out_table = *out_base != NULL && member_string (body, "table") != NULL
               ? sandbox_base_find_table (*out_base, member_string (body, "table")) : NULL;
  if (*out_table == NULL)
    {
      sandbox_respond_error (msg, 404, "NOT_FOUND", "Unknown base or table");
      return FALSE;
    }
  return TRUE;
}

static void
share (SandboxServer     *self,
       SoupServerMessage *msg,
       JsonObject        *body)
{
  static const char * const levels[] = { "none", "read", "comment", "edit", "create", NULL };
  SandboxBase *base = sandbox_server_find_base (self, member_string (body, "base"));
  SandboxUser *user = sandbox_server_find_user (self, member_string (body, "user"));
  const char *permission = member_string (body, "permission");
  g_autoptr(JsonObject) reply = json_object_new ();

  if (base == NULL || user == NULL || permission == NULL || !g_strv_contains (levels, permission))
    {
      invalid (msg, "Expected {\"base\": \"app…\", \"user\": id or email, \"permission\": none|read|comment|edit|create}");
      return;
    }
  if (g_str_equal (user->id, base->owner_id))
    {
      invalid (msg, "The owner of a base keeps creator access");
      return;
    }
  if (g_str_equal (permission, "none"))
    g_hash_table_remove (base->access, user->id);
  else
    g_hash_table_insert (base->access, g_strdup (user->id), g_strdup (permission));
  sandbox_server_changed (self);
  json_object_set_string_member (reply, "user", user->id);
  json_object_set_string_member (reply, "permission", permission);
  sandbox_respond_object (msg, 200, reply);
}

/* The source of an edit and its metadata, as webhook payloads show it. */
static gboolean
edit_source (SandboxServer     *self,
             SoupServerMessage *msg,
             JsonObject        *body,
             SandboxBase       *base,
             const char       **out_source,
             SandboxUser      **out_user,
             JsonObject       **out_metadata)
{
  static const char * const allowed[] = {
    "client", "formSubmission", "formPageSubmission", "automation", "system", "sync", "anonymousUser", NULL,
  };
  const char *source = member_string (body, "source") != NULL ? member_string (body, "source") : "client";
  const char *user_text = member_string (body, "user");

  *out_user = NULL;
  *out_metadata = NULL;
  if (!g_strv_contains (allowed, source))
    {
      invalid (msg, "source must be client, formSubmission, formPageSubmission, automation, system, sync or anonymousUser "
                    "(publicApi edits go through the API)");
      return FALSE;
    }
  if (g_str_equal (source, "client"))
    {
      *out_user = user_text != NULL ? sandbox_server_find_user (self, user_text) : sandbox_server_find_user (self, base->owner_id);
      if (*out_user == NULL || !sandbox_level_at_least (sandbox_base_permission (base, (*out_user)->id), "edit"))
        {
          invalid (msg, "The user must exist and be allowed to edit the base");
          return FALSE;
        }
    }
  else
    {
      const char *key = g_str_equal (source, "formSubmission") ? "viewId"
                        : g_str_equal (source, "formPageSubmission") ? "pageId"
                        : g_str_equal (source, "automation") ? "automationId" : NULL;

      if (key != NULL)
        {
          const char *value = member_string (body, key);

          if (value == NULL)
            {
              g_autofree char *text = g_strdup_printf ("A %s edit needs \"%s\"", source, key);

              invalid (msg, text);
              return FALSE;
            }
          *out_metadata = json_object_new ();
          json_object_set_string_member (*out_metadata, key, value);
        }
    }
  *out_source = source;
  return TRUE;
}

/* Converts every cell of @fields; responds and returns FALSE on the first problem. */
static gboolean
convert_fields (SandboxServer     *self,
                SoupServerMessage *msg,
                SandboxTable      *table,
                JsonNode          *fields_node,
                gboolean           typecast,
                GPtrArray         *fields,
                GPtrArray         *values)
{
  JsonObject *obj;
  GList *members;

  if (fields_node == NULL || !JSON_NODE_HOLDS_OBJECT (fields_node))
    {
      invalid (msg, "Expected a \"fields\" object");
      return FALSE;
    }
  obj = json_node_get_object (fields_node);
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      SandboxField *field = sandbox_table_find_field (table, l->data);
      JsonNode *out = NULL;
      g_autofree char *etype = NULL;
      g_autofree char *emessage = NULL;

      if (field == NULL)
        {
          sandbox_respond_error (msg, 422, "UNKNOWN_FIELD_NAME", "Unknown field name: \"%s\"", (const char *) l->data);
          g_list_free (members);
          return FALSE;
        }
      if (!sandbox_cell_convert (self, table, field, json_object_get_member (obj, l->data), typecast, &out, &etype, &emessage))
        {
          sandbox_respond_error (msg, 422, etype, "%s", emessage);
          g_list_free (members);
          return FALSE;
        }
      g_ptr_array_add (fields, field);
      g_ptr_array_add (values, out);
    }
  g_list_free (members);
  return TRUE;
}

static void
maybe_unref (gpointer node)
{
  if (node != NULL)
    json_node_unref (node);
}

static void
edit (SandboxServer     *self,
      SoupServerMessage *msg,
      JsonObject        *body)
{
  SandboxBase *base;
  SandboxTable *table;
  const char *source;
  SandboxUser *user;
  g_autoptr(JsonObject) metadata = NULL;
  JsonNode *create = json_object_get_member (body, "create");
  JsonNode *update = json_object_get_member (body, "update");
  const char *delete_id = member_string (body, "delete");
  JsonNode *typecast_node = json_object_get_member (body, "typecast");
  gboolean typecast = sandbox_node_is_type (typecast_node, G_TYPE_BOOLEAN) && json_node_get_boolean (typecast_node);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (maybe_unref);
  SandboxRecord *record = NULL;
  SandboxChanges *changes;
  g_autoptr(JsonObject) reply = NULL;

  if (!find_table (self, msg, body, &base, &table)
      || !edit_source (self, msg, body, base, &source, &user, &metadata))
    return;
  if ((create != NULL) + (update != NULL) + (delete_id != NULL) != 1)
    {
      invalid (msg, "Give exactly one of \"create\": {fields}, \"update\": {\"id\", \"fields\"}, \"delete\": \"rec…\"");
      return;
    }
  sandbox_pending_choices_discard (self);
  if (update != NULL)
    {
      const char *id = JSON_NODE_HOLDS_OBJECT (update) ? member_string (json_node_get_object (update), "id") : NULL;

      record = id != NULL ? g_hash_table_lookup (table->records_by_id, id) : NULL;
      if (record == NULL)
        {
          sandbox_respond_error (msg, 404, "MODEL_ID_NOT_FOUND", "Record not found");
          return;
        }
      if (!convert_fields (self, msg, table, json_object_get_member (json_node_get_object (update), "fields"), typecast,
                           fields, values))
        return;
    }
  else if (create != NULL && !convert_fields (self, msg, table, create, typecast, fields, values))
    return;
  else if (delete_id != NULL && (record = g_hash_table_lookup (table->records_by_id, delete_id)) == NULL)
    {
      sandbox_respond_error (msg, 404, "MODEL_ID_NOT_FOUND", "Record not found");
      return;
    }

  changes = sandbox_changes_begin (self, base, source, user != NULL ? user->id : NULL, metadata);
  sandbox_pending_choices_commit (self, table);
  if (delete_id != NULL)
    {
      reply = json_object_new ();
      json_object_set_string_member (reply, "id", record->id);
      json_object_set_boolean_member (reply, "deleted", TRUE);
      sandbox_record_delete (self, table, record);
    }
  else
    {
      if (record == NULL)
        {
          record = sandbox_record_new (table);
          record->created_by = g_strdup (user != NULL ? user->id : NULL);
        }
      else
        {
          record->modified_ms = g_get_real_time () / 1000;
          g_free (record->modified_by);
          record->modified_by = g_strdup (user != NULL ? user->id : NULL);
        }
      for (guint i = 0; i < fields->len; i++)
        sandbox_record_set_cell (self, table, record, fields->pdata[i], values->pdata[i]);
      reply = sandbox_record_to_json (self, table, record, NULL, FALSE, FALSE, NULL, NULL);
    }
  sandbox_changes_end (changes, TRUE);
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

static void
schema (SandboxServer     *self,
        SoupServerMessage *msg,
        JsonObject        *body)
{
  const char *action = member_string (body, "action");
  SandboxBase *base;
  SandboxTable *table;
  SandboxUser *user;
  SandboxChanges *changes;
  g_autoptr(JsonObject) reply = json_object_new ();

  if (!find_table (self, msg, body, &base, &table))
    return;
  user = sandbox_server_find_user (self, member_string (body, "user") != NULL ? member_string (body, "user") : base->owner_id);
  if (user == NULL || !sandbox_level_at_least (sandbox_base_permission (base, user->id), "create"))
    {
      invalid (msg, "The user must exist and have creator access to the base");
      return;
    }
  if (g_strcmp0 (action, "delete-field") == 0)
    {
      SandboxField *field = member_string (body, "field") != NULL ? sandbox_table_find_field (table, member_string (body, "field")) : NULL;

      if (field == NULL)
        {
          sandbox_respond_error (msg, 404, "NOT_FOUND", "Unknown field");
          return;
        }
      if (g_strcmp0 (field->id, table->primary_field_id) == 0)
        {
          invalid (msg, "The primary field cannot be deleted");
          return;
        }
      json_object_set_string_member (reply, "deleted", field->id);
      changes = sandbox_changes_begin (self, base, "client", user->id, NULL);
      sandbox_table_remove_field (self, table, field);
      sandbox_changes_end (changes, TRUE);
    }
  else if (g_strcmp0 (action, "retype-field") == 0)
    {
      /* What changing a field's type in Airtable's UI does: each cell is
       * converted from its text, as typecast would, or cleared. */
      SandboxField *field = member_string (body, "field") != NULL ? sandbox_table_find_field (table, member_string (body, "field")) : NULL;
      const char *type = member_string (body, "type");
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
      JsonObject *options = NULL;
      g_autofree char *message = NULL;

      if (field == NULL)
        {
          sandbox_respond_error (msg, 404, "NOT_FOUND", "Unknown field");
          return;
        }
      if (type == NULL || g_str_equal (type, "multipleRecordLinks") || g_str_equal (field->type, "multipleRecordLinks") ||
          g_strcmp0 (field->id, table->primary_field_id) == 0)
        {
          invalid (msg, "retype-field needs \"type\", and changes neither links nor the primary field");
          return;
        }
      if (!sandbox_field_options_validate (self, base, type, json_object_get_member (body, "options"), &options, &message))
        {
          invalid (msg, message);
          return;
        }
      for (guint i = 0; i < table->records->len; i++)
        {
          g_autoptr(JsonNode) value = sandbox_record_get_cell (self, table, table->records->pdata[i], field);

          g_ptr_array_add (texts, value != NULL ? sandbox_cell_to_string (self, table, field, value, utc) : NULL);
        }
      json_object_set_string_member (reply, "retyped", field->id);
      changes = sandbox_changes_begin (self, base, "client", user->id, NULL);
      g_free (field->type);
      field->type = g_strdup (type);
      g_clear_pointer (&field->options, json_object_unref);
      field->options = options;
      sandbox_changes_field_changed (table, field);
      sandbox_pending_choices_discard (self);
      for (guint i = 0; i < table->records->len; i++)
        {
          g_autoptr(JsonNode) text = texts->pdata[i] != NULL ? sandbox_string_node (texts->pdata[i]) : NULL;
          JsonNode *out = NULL;
          g_autofree char *etype = NULL;
          g_autofree char *emessage = NULL;

          if (text == NULL || !sandbox_cell_convert (self, table, field, text, TRUE, &out, &etype, &emessage))
            out = NULL;
          sandbox_record_set_cell (self, table, table->records->pdata[i], field, out);
          if (out != NULL)
            json_node_unref (out);
        }
      sandbox_pending_choices_commit (self, table);
      sandbox_changes_end (changes, TRUE);
    }
  else if (g_strcmp0 (action, "delete-table") == 0)
    {
      if (base->tables->len < 2)
        {
          invalid (msg, "The last table of a base cannot be deleted");
          return;
        }
      json_object_set_string_member (reply, "deleted", table->id);
      changes = sandbox_changes_begin (self, base, "client", user->id, NULL);
      /* links into the table go with it */
      for (guint t = 0; t < base->tables->len; t++)
        {
          SandboxTable *other = base->tables->pdata[t];

          for (guint f = other->fields->len; other != table && f > 0; f--)
            {
              SandboxField *field = other->fields->pdata[f - 1];
              JsonNode *linked = field->options != NULL ? json_object_get_member (field->options, "linkedTableId") : NULL;

              if (g_str_equal (field->type, "multipleRecordLinks") && sandbox_node_is_string (linked)
                  && g_str_equal (json_node_get_string (linked), table->id)
                  && g_strcmp0 (field->id, other->primary_field_id) != 0)
                {
                  if (field->options != NULL)
                    json_object_remove_member (field->options, "inverseLinkFieldId");
                  sandbox_table_remove_field (self, other, field);
                  f = MIN (f, other->fields->len + 1);
                }
            }
        }
      sandbox_changes_table_destroyed (table);
      g_ptr_array_remove (base->tables, table);   /* frees it */
      sandbox_changes_end (changes, TRUE);
    }
  else
    {
      invalid (msg, "action must be delete-field, delete-table or retype-field");
      return;
    }
  g_hash_table_remove_all (self->iterators);   /* listings of what changed shape */
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

static void
webhooks_route (SandboxServer     *self,
                SoupServerMessage *msg,
                const char        *what,
                JsonObject        *body)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  SandboxWebhook *hook = sandbox_webhooks_find (self, member_string (body, "webhook"), NULL);

  if (g_str_equal (what, "clock"))
    {
      JsonNode *advance = body != NULL ? json_object_get_member (body, "advance_ms") : NULL;
      g_autofree char *now = NULL;

      if (!sandbox_node_is_type (advance, G_TYPE_INT64) || json_node_get_int (advance) < 0
          || json_node_get_int (advance) > G_GINT64_CONSTANT (3650) * 24 * 3600 * 1000)
        {
          invalid (msg, "Expected {\"advance_ms\": 0..315360000000}");
          return;
        }
      self->webhook_clock_offset_ms += json_node_get_int (advance);
      sandbox_webhooks_sweep_all (self);
      now = sandbox_format_time (g_get_real_time () / 1000 + self->webhook_clock_offset_ms);
      json_object_set_string_member (reply, "now", now);
      json_object_set_int_member (reply, "offset_ms", self->webhook_clock_offset_ms);
    }
  else if (g_str_equal (what, "expire") || g_str_equal (what, "drop-payloads"))
    {
      if (hook == NULL && (g_str_equal (what, "expire") || member_string (body, "webhook") != NULL))
        {
          sandbox_respond_error (msg, 404, "NOT_FOUND", "Unknown webhook");
          return;
        }
      if (g_str_equal (what, "expire"))
        {
          sandbox_webhook_expire_now (self, hook);
          sandbox_webhooks_sweep_all (self);
          json_object_set_object_member (reply, "webhook", sandbox_webhook_debug_json (self, hook));
        }
      else
        {
          guint n = 0;

          for (guint i = 0; hook == NULL && i < self->bases->len; i++)
            {
              SandboxBase *base = self->bases->pdata[i];

              for (guint j = 0; base->webhooks != NULL && j < base->webhooks->len; j++)
                n += sandbox_webhook_drop_payloads (base->webhooks->pdata[j]);
            }
          if (hook != NULL)
            n = sandbox_webhook_drop_payloads (hook);
          json_object_set_int_member (reply, "dropped", n);
        }
    }
  else if (g_str_equal (what, "settings"))
    {
      JsonNode *retry = body != NULL ? json_object_get_member (body, "retry_base_ms") : NULL;

      if (!sandbox_node_is_type (retry, G_TYPE_INT64) || json_node_get_int (retry) < 1 || json_node_get_int (retry) > 600000)
        {
          invalid (msg, "Expected {\"retry_base_ms\": 1..600000}");
          return;
        }
      self->webhook_retry_base_ms = (guint) json_node_get_int (retry);
      json_object_set_int_member (reply, "retry_base_ms", self->webhook_retry_base_ms);
    }
  else
    {
      sandbox_respond_not_found (msg);
      return;
    }
  sandbox_server_changed (self);
  sandbox_respond_object (msg, 200, reply);
}

gboolean
sandbox_control_handle_data (SandboxServer     *self,
                             SoupServerMessage *msg,
                             const char        *name,
                             const char        *method,
                             JsonObject        *body)
{
  if (g_str_equal (name, "webhooks") && g_str_equal (method, "GET"))
    {
      g_autoptr(JsonObject) reply = json_object_new ();
      JsonArray *list = json_array_new ();

      sandbox_webhooks_sweep_all (self);
      for (guint i = 0; i < self->bases->len; i++)
        {
          SandboxBase *base = self->bases->pdata[i];

          for (guint j = 0; base->webhooks != NULL && j < base->webhooks->len; j++)
            json_array_add_object_element (list, sandbox_webhook_debug_json (self, base->webhooks->pdata[j]));
        }
      json_object_set_array_member (reply, "webhooks", list);
      json_object_set_int_member (reply, "pings_sent", (gint64) self->pings_sent);
      json_object_set_int_member (reply, "pings_failed", (gint64) self->pings_failed);
      sandbox_respond_object (msg, 200, reply);
      return TRUE;
    }
  if (!g_str_equal (method, "POST"))
    return FALSE;
  if (g_str_equal (name, "share"))
    share (self, msg, body);
  else if ((g_str_equal (name, "edit") || g_str_equal (name, "schema")) && body == NULL)
    invalid (msg, "Expected a JSON object");
  else if (g_str_equal (name, "edit"))
    edit (self, msg, body);
  else if (g_str_equal (name, "schema"))
    schema (self, msg, body);
  else if (g_str_has_prefix (name, "webhooks/"))
    webhooks_route (self, msg, name + strlen ("webhooks/"), body);
  else
    return FALSE;
  return TRUE;
}
