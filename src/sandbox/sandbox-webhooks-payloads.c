/* sandbox-webhooks-payloads.c — one change set becomes a payload for each
 * webhook it concerns
 *
 * The webhook's filters pick what it sees (data types, scope, change types,
 * sources, watched fields), its includes add unchanged and previous values.
 * A change that removes what a webhook's filters name (its table, view or a
 * watched field) gives that webhook one error payload, after which it
 * collects nothing. A change with more than SANDBOX_WEBHOOK_SPLIT record
 * entries is split over several payloads that share the timestamp, the
 * transaction number and the action. src/api/WEBHOOKS.md has the details.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-webhooks-private.h"

typedef enum
{
  ENTRY_CREATED,
  ENTRY_CHANGED,
  ENTRY_DESTROYED,
} EntryKind;

/* One record's part of a payload. */
typedef struct
{
  const char *table_id;
  const char *view_id;      /* NULL: changedTablesById[table] itself */
  EntryKind   kind;
  const char *record_id;
  JsonObject *value;        /* created and changed entries */
} Entry;

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->value, json_object_unref);
  g_free (entry);
}

static gboolean
allows (char      **list,
        const char *item)
{
  return list == NULL || g_strv_contains ((const char * const *) list, item);
}

static gboolean
wants (SandboxWebhook *hook,
       const char     *data_type)
{
  return g_strv_contains ((const char * const *) hook->data_types, data_type);
}

/* ------------------------------------------------------------ metadata */

static JsonObject *
user_object (SandboxServer *self,
             SandboxBase   *base,
             const char    *user_id)
{
  SandboxUser *user = sandbox_server_find_user (self, user_id);
  const char *level = sandbox_base_permission (base, user_id);
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", user_id);
  json_object_set_string_member (obj, "email", user != NULL ? user->email : "");
  json_object_set_string_member (obj, "permissionLevel", level != NULL ? level : "none");
  if (user != NULL)
    json_object_set_string_member (obj, "name", user->name);
  return obj;
}

static JsonObject *
action_metadata (SandboxServer  *self,
                 SandboxChanges *changes)
{
  JsonObject *action = json_object_new ();

  json_object_set_string_member (action, "source", changes->source);
  if (changes->user_id != NULL)
    {
      JsonObject *meta = json_object_new ();

      json_object_set_object_member (meta, "user", user_object (self, changes->base, changes->user_id));
      json_object_set_object_member (action, "sourceMetadata", meta);
    }
  else if (changes->source_metadata != NULL)
    json_object_set_object_member (action, "sourceMetadata", json_object_ref (changes->source_metadata));
  return action;
}

static gboolean
source_matches (SandboxWebhook *hook,
                SandboxChanges *changes)
{
  const char *view = NULL, *page = NULL;

  if (!allows (hook->from_sources, changes->source))
    return FALSE;
  if (changes->source_metadata != NULL)
    {
      view = json_object_get_string_member_with_default (changes->source_metadata, "viewId", NULL);
      page = json_object_get_string_member_with_default (changes->source_metadata, "pageId", NULL);
    }
  if (g_str_equal (changes->source, "formSubmission") && hook->form_view_id != NULL
      && g_strcmp0 (view, hook->form_view_id) != 0)
    return FALSE;
  if (g_str_equal (changes->source, "formPageSubmission") && hook->form_page_id != NULL
      && g_strcmp0 (page, hook->form_page_id) != 0)
    return FALSE;
  return TRUE;
}

/* The field ids a change destroys that the webhook's filters name. */
static gboolean
invalidates (SandboxChanges *changes,
             SandboxWebhook *hook)
{
  for (guint i = 0; i < changes->destroyed_tables->len; i++)
    if (g_strcmp0 (hook->scope_table_id, changes->destroyed_tables->pdata[i]) == 0)
      return TRUE;
  for (guint i = 0; i < changes->table_order->len; i++)
    {
      SandboxTableChange *tc = changes->table_order->pdata[i];

      for (guint f = 0; f < tc->destroyed_fields->len; f++)
        {
          const char *id = tc->destroyed_fields->pdata[f];

          if ((hook->watch_data != NULL && g_strv_contains ((const char * const *) hook->watch_data, id))
              || (hook->watch_schemas != NULL && g_strv_contains ((const char * const *) hook->watch_schemas, id)))
            return TRUE;
        }
    }
  return FALSE;
}

/* ---------------------------------------------------------------- records */

static JsonNode *
value_or_null (JsonObject *values,
               const char *field_id)
{
  JsonNode *value = values != NULL ? json_object_get_member (values, field_id) : NULL;

  return value != NULL ? json_node_copy (value) : json_node_new (JSON_NODE_NULL);
}

static gboolean
included (SandboxWebhook *hook,
          const char     *field_id)
{
  return hook->include_all
         || (hook->include_fields != NULL && g_strv_contains ((const char * const *) hook->include_fields, field_id));
}

static JsonObject *
cells_object (JsonObject *values)
{
  JsonObject *obj = json_object_new ();

  json_object_set_object_member (obj, "cellValuesByFieldId", values);
  return obj;
}

/* {createdTime, cellValuesByFieldId} of a created record; with watched
 * fields, only those and the included ones */
static JsonObject *
created_entry (SandboxWebhook      *hook,
               SandboxRecordChange *rc)
{
  JsonObject *obj = json_object_new ();
  JsonObject *values = json_object_new ();
  g_autofree char *created = sandbox_format_time (rc->created_ms - rc->created_ms % 1000);
  GList *members = json_object_get_members (rc->after);

  for (GList *l = members; l != NULL; l = l->next)
    if (hook->watch_data == NULL || allows (hook->watch_data, l->data) || included (hook, l->data))
      json_object_set_member (values, l->data, json_node_copy (json_object_get_member (rc->after, l->data)));
  g_list_free (members);
  json_object_set_string_member (obj, "createdTime", created);
  json_object_set_object_member (obj, "cellValuesByFieldId", values);
  return obj;
}

/* {current, previous?, unchanged?} of a changed record, or NULL when none
 * of its changes is watched */
static JsonObject *
changed_entry (SandboxWebhook      *hook,
               SandboxRecordChange *rc)
{
  JsonObject *current = json_object_new ();
  JsonObject *previous = json_object_new ();
  JsonObject *unchanged = json_object_new ();
  JsonObject *obj;
  GList *members;

  for (guint i = 0; i < rc->changed->len; i++)
    {
      const char *id = rc->changed->pdata[i];

      if (!allows (hook->watch_data, id))
        continue;
      json_object_set_member (current, id, value_or_null (rc->after, id));
      json_object_set_member (previous, id, value_or_null (rc->before, id));
    }
  if (json_object_get_size (current) == 0)
    {
      json_object_unref (current);
      json_object_unref (previous);
      json_object_unref (unchanged);
      return NULL;
    }
  obj = json_object_new ();
  json_object_set_object_member (obj, "current", cells_object (current));
  if (hook->include_previous_cells)
    json_object_set_object_member (obj, "previous", cells_object (previous));
  else
    json_object_unref (previous);
  members = json_object_get_members (rc->after);
  for (GList *l = members; l != NULL; l = l->next)
    if (included (hook, l->data) && !json_object_has_member (current, l->data))
      json_object_set_member (unchanged, l->data, json_node_copy (json_object_get_member (rc->after, l->data)));
  g_list_free (members);
  if (hook->include_all || hook->include_fields != NULL)
    json_object_set_object_member (obj, "unchanged", cells_object (unchanged));
  else
    json_object_unref (unchanged);
  return obj;
}

static void
add_entry (GPtrArray  *entries,
           const char *table_id,
           const char *view_id,
           EntryKind   kind,
           const char *record_id,
           JsonObject *value)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->table_id = table_id;
  entry->view_id = view_id;
  entry->kind = kind;
  entry->record_id = record_id;
  entry->value = value;
  g_ptr_array_add (entries, entry);
}

static gboolean
table_is (GPtrArray  *ids,
          const char *table_id)
{
  return g_ptr_array_find_with_equal_func (ids, table_id, g_str_equal, NULL);
}

static void
record_entries (SandboxChanges *changes,
                SandboxWebhook *hook,
                GPtrArray      *entries)
{
  for (guint i = 0; i < changes->record_order->len; i++)
    {
      SandboxRecordChange *rc = changes->record_order->pdata[i];
      const char *view = hook->scope_view_id;
      gboolean was = !rc->created && (view == NULL || g_hash_table_contains (rc->before_views, view));
      gboolean is = !rc->destroyed && (view == NULL || g_hash_table_contains (rc->after_views, view));
      EntryKind kind;
      JsonObject *value = NULL;

      if (rc->created && rc->destroyed)
        continue;
      if (hook->scope_table_id != NULL && !g_str_equal (rc->table_id, hook->scope_table_id))
        continue;
      if (table_is (changes->created_tables, rc->table_id) || table_is (changes->destroyed_tables, rc->table_id))
        continue;
      if (rc->created)
        kind = ENTRY_CREATED;
      else if (rc->destroyed)
        kind = ENTRY_DESTROYED;
      else if (rc->changed->len > 0)
        kind = ENTRY_CHANGED;
      else
        continue;

      /* the table's own maps: with a view scope, records seen in the view
       * before or after */
      if (was || is)
        {
          if (kind == ENTRY_CREATED && allows (hook->change_types, "add"))
            add_entry (entries, rc->table_id, NULL, kind, rc->record_id, created_entry (hook, rc));
          else if (kind == ENTRY_DESTROYED && allows (hook->change_types, "remove"))
            add_entry (entries, rc->table_id, NULL, kind, rc->record_id, NULL);
          else if (kind == ENTRY_CHANGED && allows (hook->change_types, "update")
                   && (value = changed_entry (hook, rc)) != NULL)
            add_entry (entries, rc->table_id, NULL, kind, rc->record_id, value);
        }
      if (view == NULL)
        continue;
      /* the view's maps: a record that became visible is created there, one
       * that left it (or was deleted) destroyed */
      if (!was && is && allows (hook->change_types, "add"))
        add_entry (entries, rc->table_id, view, ENTRY_CREATED, rc->record_id, created_entry (hook, rc));
      else if (was && !is && allows (hook->change_types, "remove"))
        add_entry (entries, rc->table_id, view, ENTRY_DESTROYED, rc->record_id, NULL);
      else if (was && is && kind == ENTRY_CHANGED && allows (hook->change_types, "update")
               && (value = changed_entry (hook, rc)) != NULL)
        add_entry (entries, rc->table_id, view, ENTRY_CHANGED, rc->record_id, value);
    }
}

/* ---------------------------------------------------------------- schema */

static JsonObject *
field_def (SandboxField *field)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "type", field->type);
  json_object_set_string_member (obj, "name", field->name);
  return obj;
}

/* changedMetadata and the field maps of one table, in a fresh object */
static JsonObject *
schema_parts (SandboxServer      *self,
              SandboxChanges     *changes,
              SandboxWebhook     *hook,
              SandboxTableChange *tc,
              gboolean            force_destroyed)
{
  SandboxTable *table = sandbox_base_find_table_by_id (changes->base, tc->table_id);
  JsonObject *obj = json_object_new ();

  if (table == NULL)
    return obj;
  if (tc->previous_metadata != NULL && wants (hook, "tableMetadata") && allows (hook->change_types, "update"))
    {
      JsonObject *current = json_object_new ();
      JsonObject *meta = json_object_new ();

      json_object_set_string_member (current, "name", table->name);
      if (table->description != NULL)
        json_object_set_string_member (current, "description", table->description);
      else
        json_object_set_null_member (current, "description");
      json_object_set_object_member (meta, "current", current);
      json_object_set_object_member (meta, "previous", json_object_ref (tc->previous_metadata));
      json_object_set_object_member (obj, "changedMetadata", meta);
    }
  if (wants (hook, "tableFields"))
    {
      JsonObject *created = json_object_new ();
      JsonObject *changed = json_object_new ();
      GHashTableIter iter;
      gpointer key, value;

      for (guint i = 0; hook->watch_schemas == NULL && allows (hook->change_types, "add") && i < tc->created_fields->len; i++)
        {
          SandboxField *field = sandbox_table_find_field (table, tc->created_fields->pdata[i]);

          if (field != NULL)
            json_object_set_object_member (created, field->id, field_def (field));
        }
      g_hash_table_iter_init (&iter, tc->changed_fields);
      while (allows (hook->change_types, "update") && g_hash_table_iter_next (&iter, &key, &value))
        {
          SandboxField *field = sandbox_table_find_field (table, key);
          JsonObject *previous = value;
          JsonObject *cur = json_object_new ();
          JsonObject *prev = json_object_new ();
          JsonObject *entry;

          if (field == NULL || !allows (hook->watch_schemas, key))
            {
              json_object_unref (cur);
              json_object_unref (prev);
              continue;
            }
          /* only the attributes that changed */
          if (!g_str_equal (field->type, json_object_get_string_member (previous, "type")))
            {
              json_object_set_string_member (cur, "type", field->type);
              json_object_set_string_member (prev, "type", json_object_get_string_member (previous, "type"));
            }
          if (!g_str_equal (field->name, json_object_get_string_member (previous, "name")))
            {
              json_object_set_string_member (cur, "name", field->name);
              json_object_set_string_member (prev, "name", json_object_get_string_member (previous, "name"));
            }
          if (json_object_get_size (cur) == 0)
            {
              json_object_unref (cur);
              json_object_unref (prev);
              continue;
            }
          entry = json_object_new ();
          json_object_set_object_member (entry, "current", cur);
          if (hook->include_previous_fields)
            json_object_set_object_member (entry, "previous", prev);
          else
            json_object_unref (prev);
          json_object_set_object_member (changed, key, entry);
        }
      if (json_object_get_size (created) > 0)
        json_object_set_object_member (obj, "createdFieldsById", created);
      else
        json_object_unref (created);
      if (json_object_get_size (changed) > 0)
        json_object_set_object_member (obj, "changedFieldsById", changed);
      else
        json_object_unref (changed);
    }
  if ((wants (hook, "tableFields") && allows (hook->change_types, "remove")) || force_destroyed)
    {
      JsonArray *destroyed = json_array_new ();

      for (guint i = 0; i < tc->destroyed_fields->len; i++)
        if (force_destroyed || allows (hook->watch_schemas, tc->destroyed_fields->pdata[i]))
          json_array_add_string_element (destroyed, tc->destroyed_fields->pdata[i]);
      if (json_array_get_length (destroyed) > 0)
        json_object_set_array_member (obj, "destroyedFieldIds", destroyed);
      else
        json_array_unref (destroyed);
    }
  return obj;
}

static JsonObject *
created_table (SandboxServer  *self,
               SandboxChanges *changes,
               SandboxWebhook *hook,
               const char     *table_id)
{
  SandboxTable *table = sandbox_base_find_table_by_id (changes->base, table_id);
  JsonObject *obj = json_object_new ();

  if (table == NULL)
    return obj;
  if (wants (hook, "tableMetadata"))
    {
      JsonObject *meta = json_object_new ();

      json_object_set_string_member (meta, "name", table->name);
      if (table->description != NULL)
        json_object_set_string_member (meta, "description", table->description);
      else
        json_object_set_null_member (meta, "description");
      json_object_set_object_member (obj, "metadata", meta);
    }
  if (wants (hook, "tableFields"))
    {
      JsonObject *fields = json_object_new ();

      for (guint i = 0; i < table->fields->len; i++)
        json_object_set_object_member (fields, ((SandboxField *) table->fields->pdata[i])->id,
                                       field_def (table->fields->pdata[i]));
      json_object_set_object_member (obj, "fieldsById", fields);
    }
  if (wants (hook, "tableData"))
    json_object_set_object_member (obj, "recordsById", json_object_new ());
  return obj;
}

/* ---------------------------------------------------------------- assembly */

static JsonObject *
member_object (JsonObject *parent,
               const char *name)
{
  if (!json_object_has_member (parent, name))
    json_object_set_object_member (parent, name, json_object_new ());
  return json_object_get_object_member (parent, name);
}

static JsonArray *
member_array (JsonObject *parent,
              const char *name)
{
  if (!json_object_has_member (parent, name))
    json_object_set_array_member (parent, name, json_array_new ());
  return json_object_get_array_member (parent, name);
}

static void
place_entry (JsonObject *changed_tables,
             Entry      *entry)
{
  JsonObject *table = member_object (changed_tables, entry->table_id);
  JsonObject *target = entry->view_id != NULL ? member_object (member_object (table, "changedViewsById"), entry->view_id)
                                              : table;

  switch (entry->kind)
    {
    case ENTRY_CREATED:
      json_object_set_object_member (member_object (target, "createdRecordsById"), entry->record_id,
                                     json_object_ref (entry->value));
      break;
    case ENTRY_CHANGED:
      json_object_set_object_member (member_object (target, "changedRecordsById"), entry->record_id,
                                     json_object_ref (entry->value));
      break;
    case ENTRY_DESTROYED:
    default:
      json_array_add_string_element (member_array (target, "destroyedRecordIds"), entry->record_id);
      break;
    }
}

/* A table object's members in the order Airtable's documentation shows. */
static JsonObject *
ordered_table (JsonObject *in)
{
  static const char * const order[] = {
    "changedMetadata", "createdFieldsById", "changedFieldsById", "destroyedFieldIds",
    "createdRecordsById", "changedRecordsById", "destroyedRecordIds", "changedViewsById",
  };
  JsonObject *out = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      JsonNode *member = json_object_get_member (in, order[i]);

      if (member != NULL)
        json_object_set_member (out, order[i], json_node_copy (member));
    }
  return out;
}

static void
append_payload (SandboxServer  *self,
                SandboxWebhook *hook,
                JsonObject     *payload,
                gint64          now)
{
  SandboxPayload *stored = g_new0 (SandboxPayload, 1);

  stored->cursor = hook->cursor_next++;
  stored->created_ms = now;
  stored->payload = payload;
  g_ptr_array_add (hook->payloads, stored);
}

static void
deliver_to (SandboxServer  *self,
            SandboxChanges *changes,
            SandboxWebhook *hook,
            JsonObject     *action,
            gint64          transaction,
            gint64          now)
{
  gboolean error = invalidates (changes, hook);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autoptr(JsonObject) schema = json_object_new ();   /* table id → schema parts */
  JsonArray *destroyed_tables = json_array_new ();
  g_autoptr(JsonObject) created_tables_obj = json_object_new ();
  guint n_chunks;

  if (!error && !source_matches (hook, changes))
    {
      json_array_unref (destroyed_tables);
      return;
    }
  if (wants (hook, "tableData"))
    record_entries (changes, hook, entries);
  for (guint i = 0; i < changes->table_order->len; i++)
    {
      SandboxTableChange *tc = changes->table_order->pdata[i];
      JsonObject *parts;

      if (hook->scope_table_id != NULL && !g_str_equal (tc->table_id, hook->scope_table_id))
        continue;
      parts = schema_parts (self, changes, hook, tc, error);
      if (json_object_get_size (parts) > 0)
        json_object_set_object_member (schema, tc->table_id, parts);
      else
        json_object_unref (parts);
    }
  if (hook->scope_table_id == NULL && allows (hook->change_types, "add"))
    for (guint i = 0; i < changes->created_tables->len; i++)
      {
        JsonObject *entry = created_table (self, changes, hook, changes->created_tables->pdata[i]);

        if (json_object_get_size (entry) > 0)
          json_object_set_object_member (created_tables_obj, changes->created_tables->pdata[i], entry);
        else
          json_object_unref (entry);
      }
  for (guint i = 0; i < changes->destroyed_tables->len; i++)
    if ((hook->scope_table_id == NULL && allows (hook->change_types, "remove"))
        || g_strcmp0 (hook->scope_table_id, changes->destroyed_tables->pdata[i]) == 0)
      json_array_add_string_element (destroyed_tables, changes->destroyed_tables->pdata[i]);

  if (entries->len == 0 && json_object_get_size (schema) == 0 && json_object_get_size (created_tables_obj) == 0
      && json_array_get_length (destroyed_tables) == 0 && !error)
    {
      json_array_unref (destroyed_tables);
      return;
    }

  n_chunks = MAX (1u, (entries->len + SANDBOX_WEBHOOK_SPLIT - 1) / SANDBOX_WEBHOOK_SPLIT);
  for (guint chunk = 0; chunk < n_chunks; chunk++)
    {
      JsonObject *payload = json_object_new ();
      g_autoptr(JsonObject) tables = json_object_new ();
      g_autofree char *timestamp = sandbox_format_time (now);
      GList *members;

      json_object_set_string_member (payload, "timestamp", timestamp);
      json_object_set_int_member (payload, "baseTransactionNumber", transaction);
      json_object_set_object_member (payload, "actionMetadata", json_object_ref (action));
      json_object_set_string_member (payload, "payloadFormat", "v0");
      if (chunk == 0)
        {
          members = json_object_get_members (schema);
          for (GList *l = members; l != NULL; l = l->next)
            {
              JsonObject *parts = json_object_get_object_member (schema, l->data);
              JsonObject *target = member_object (tables, l->data);
              GList *pm = json_object_get_members (parts);

              for (GList *p = pm; p != NULL; p = p->next)
                json_object_set_member (target, p->data, json_node_copy (json_object_get_member (parts, p->data)));
              g_list_free (pm);
            }
          g_list_free (members);
        }
      for (guint i = chunk * SANDBOX_WEBHOOK_SPLIT; i < entries->len && i < (chunk + 1) * SANDBOX_WEBHOOK_SPLIT; i++)
        place_entry (tables, entries->pdata[i]);
      if (json_object_get_size (tables) > 0)
        {
          JsonObject *ordered = json_object_new ();

          members = json_object_get_members (tables);
          for (GList *l = members; l != NULL; l = l->next)
            json_object_set_object_member (ordered, l->data, ordered_table (json_object_get_object_member (tables, l->data)));
          g_list_free (members);
          json_object_set_object_member (payload, "changedTablesById", ordered);
        }
      if (chunk == 0 && json_object_get_size (created_tables_obj) > 0)
        json_object_set_object_member (payload, "createdTablesById", json_object_ref (created_tables_obj));
      if (chunk == 0 && json_array_get_length (destroyed_tables) > 0)
        json_object_set_array_member (payload, "destroyedTableIds", json_array_ref (destroyed_tables));
      if (error && chunk == n_chunks - 1)
        {
          json_object_set_boolean_member (payload, "error", TRUE);
          json_object_set_string_member (payload, "code", "INVALID_HOOK");
        }
      append_payload (self, hook, payload, now);
    }
  json_array_unref (destroyed_tables);
  if (error)
    {
      /* the specification names something that is gone: no more payloads */
      hook->enabled = FALSE;
      hook->errored = TRUE;
    }
  if (hook->notifications)
    _sandbox_webhooks_ping_soon (self, hook);
}

void
_sandbox_webhooks_deliver (SandboxServer  *self,
                           SandboxChanges *changes)
{
  SandboxBase *base = changes->base;
  g_autoptr(JsonObject) action = NULL;
  gint64 now = _sandbox_webhooks_now_ms (self);
  gint64 transaction;

  _sandbox_webhooks_sweep (self, base);
  if (base->webhooks == NULL)
    return;
  transaction = ++base->transaction_number;
  action = action_metadata (self, changes);
  for (guint i = 0; i < base->webhooks->len; i++)
    {
      SandboxWebhook *hook = base->webhooks->pdata[i];

      if (_sandbox_webhooks_active (self, hook))
        deliver_to (self, changes, hook, action, transaction, now);
    }
  sandbox_server_changed (self);
}
