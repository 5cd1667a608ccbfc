/* sandbox-changes.c — what one request changed in a base, for webhooks
 *
 * A change set is opened on a base around every request (or control
 * action) that may write to it, and only when the base has webhooks. The
 * store reports each record it creates, touches or destroys, and the meta
 * API each table and field it creates or changes (sandbox-store.c,
 * sandbox-store-write.c, sandbox-meta.c). The first time a record is
 * touched its cells are copied as webhook payloads show them (V2 values by
 * field id, computed fields included), and so are the records linked to it,
 * whose lookups, rollups and counts may follow. At the end the same copy is
 * taken again; the differences are the change, and sandbox-webhooks-payloads.c
 * turns them into one payload per interested webhook.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-webhooks-private.h"

static void
record_change_free (SandboxRecordChange *rc)
{
  g_free (rc->key);
  g_free (rc->table_id);
  g_free (rc->record_id);
  g_clear_pointer (&rc->before, json_object_unref);
  g_clear_pointer (&rc->after, json_object_unref);
  g_clear_pointer (&rc->before_views, g_hash_table_unref);
  g_clear_pointer (&rc->after_views, g_hash_table_unref);
  g_clear_pointer (&rc->changed, g_ptr_array_unref);
  g_free (rc);
}

static void
table_change_free (SandboxTableChange *tc)
{
  g_free (tc->table_id);
  g_clear_pointer (&tc->previous_metadata, json_object_unref);
  g_ptr_array_unref (tc->created_fields);
  g_hash_table_unref (tc->changed_fields);
  g_ptr_array_unref (tc->destroyed_fields);
  g_free (tc);
}

static void
changes_free (SandboxChanges *changes)
{
  if (changes == NULL)
    return;
  g_free (changes->source);
  g_free (changes->user_id);
  g_clear_pointer (&changes->source_metadata, json_object_unref);
  g_hash_table_unref (changes->records);
  g_ptr_array_unref (changes->record_order);
  g_hash_table_unref (changes->tables);
  g_ptr_array_unref (changes->table_order);
  g_ptr_array_unref (changes->created_tables);
  g_ptr_array_unref (changes->destroyed_tables);
  g_hash_table_unref (changes->scope_views);
  g_free (changes);
}

/* The views some webhook of the base scopes itself to: a record's presence
 * in them is noted before and after. */
static void
collect_scope_views (SandboxChanges *changes)
{
  SandboxBase *base = changes->base;

  for (guint i = 0; base->webhooks != NULL && i < base->webhooks->len; i++)
    {
      SandboxWebhook *hook = base->webhooks->pdata[i];

      if (hook->scope_view_id != NULL)
        g_hash_table_add (changes->scope_views, hook->scope_view_id);
    }
}

SandboxChanges *
sandbox_changes_begin (SandboxServer *self,
                       SandboxBase   *base,
                       const char    *source,
                       const char    *user_id,
                       JsonObject    *source_metadata)
{
  SandboxChanges *changes;

  if (base == NULL || base->changes != NULL || base->webhooks == NULL || base->webhooks->len == 0)
    return NULL;
  changes = g_new0 (SandboxChanges, 1);
  changes->server = self;
  changes->base = base;
  changes->source = g_strdup (source);
  changes->user_id = g_strdup (user_id);
  changes->source_metadata = source_metadata != NULL ? json_object_ref (source_metadata) : NULL;
  changes->records = g_hash_table_new (g_str_hash, g_str_equal);
  changes->record_order = g_ptr_array_new_with_free_func ((GDestroyNotify) record_change_free);
  changes->tables = g_hash_table_new (g_str_hash, g_str_equal);
  changes->table_order = g_ptr_array_new_with_free_func ((GDestroyNotify) table_change_free);
  changes->created_tables = g_ptr_array_new_with_free_func (g_free);
  changes->destroyed_tables = g_ptr_array_new_with_free_func (g_free);
  changes->scope_views = g_hash_table_new (g_str_hash, g_str_equal);
  collect_scope_views (changes);
  base->changes = changes;
  return changes;
}

/* The record as webhook payloads show it: every non-empty cell as a V2
 * value, by field id. */
static JsonObject *
snapshot (SandboxServer *self,
          SandboxTable  *table,
          SandboxRecord *record)
{
  JsonObject *out = json_object_new ();

  for (guint i = 0; i < table->fields->len; i++)
    {
      SandboxField *field = table->fields->pdata[i];
      g_autoptr(JsonNode) value = sandbox_record_get_cell (self, table, record, field);

      if (value != NULL && !sandbox_node_is_empty (value))
        json_object_set_member (out, field->id, sandbox_cell_to_v2 (self, table, record, field, value));
    }
  return out;
}

static GHashTable *
visible_views (SandboxChanges *changes,
               SandboxTable   *table,
               SandboxRecord  *record)
{
  GHashTable *out = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < table->views->len; i++)
    {
      SandboxView *view = table->views->pdata[i];

      if (g_hash_table_contains (changes->scope_views, view->id)
          && sandbox_view_shows_record (changes->server, table, view, record))
        g_hash_table_add (out, view->id);
    }
  return out;
}

static SandboxRecordChange *
lookup (SandboxChanges *changes,
        SandboxTable   *table,
        const char     *record_id)
{
  g_autofree char *key = g_strconcat (table->id, "/", record_id, NULL);

  return g_hash_table_lookup (changes->records, key);
}

static SandboxRecordChange *
add (SandboxChanges *changes,
     SandboxTable   *table,
     SandboxRecord  *record)
{
  SandboxRecordChange *rc = g_new0 (SandboxRecordChange, 1);

  rc->table_id = g_strdup (table->id);
  rc->record_id = g_strdup (record->id);
  rc->created_ms = record->created_ms;
  rc->key = g_strconcat (table->id, "/", record->id, NULL);
  g_ptr_array_add (changes->record_order, rc);
  g_hash_table_insert (changes->records, rc->key, rc);
  return rc;
}

static void touch (SandboxChanges *changes, SandboxTable *table, SandboxRecord *record, gboolean neighbours);

/* The records @record links to: their lookups, rollups and counts may
 * follow what happens to @record. */
static void
touch_neighbours (SandboxChanges *changes,
                  SandboxTable   *table,
                  SandboxRecord  *record)
{
  for (guint i = 0; i < table->fields->len; i++)
    {
      SandboxField *field = table->fields->pdata[i];
      SandboxTable *linked;
      JsonNode *cell;

      if (!g_str_equal (field->type, "multipleRecordLinks"))
        continue;
      linked = sandbox_server_find_table_by_id (changes->server, _sandbox_webhooks_option (field, "linkedTableId"));
      cell = json_object_get_member (record->cells, field->id);
      if (linked == NULL || cell == NULL || !JSON_NODE_HOLDS_ARRAY (cell))
        continue;
      for (guint j = 0; j < json_array_get_length (json_node_get_array (cell)); j++)
        {
          const char *rid = sandbox_array_string (json_node_get_array (cell), j);
          SandboxRecord *other = rid != NULL ? g_hash_table_lookup (linked->records_by_id, rid) : NULL;

          if (other != NULL)
            touch (changes, linked, other, FALSE);
        }
    }
}

static void
touch (SandboxChanges *changes,
       SandboxTable   *table,
       SandboxRecord  *record,
       gboolean        neighbours)
{
  SandboxRecordChange *rc = lookup (changes, table, record->id);

  if (rc == NULL)
    {
      rc = add (changes, table, record);
      rc->before = snapshot (changes->server, table, record);
      rc->before_views = visible_views (changes, table, record);
    }
  if (neighbours && !rc->neighbours_touched)
    {
      rc->neighbours_touched = TRUE;
      touch_neighbours (changes, table, record);
    }
}

void
sandbox_changes_touch (SandboxTable  *table,
                       SandboxRecord *record)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;

  if (changes != NULL)
    touch (changes, table, record, TRUE);
}

void
sandbox_changes_touch_linked (SandboxTable  *table,
                              SandboxRecord *record)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;

  if (changes != NULL)
    touch (changes, table, record, FALSE);
}

void
sandbox_changes_created (SandboxTable  *table,
                         SandboxRecord *record)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;
  SandboxRecordChange *rc;

  if (changes == NULL || lookup (changes, table, record->id) != NULL)
    return;
  rc = add (changes, table, record);
  rc->created = TRUE;
}

void
sandbox_changes_destroyed (SandboxTable  *table,
                           SandboxRecord *record)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;
  SandboxRecordChange *rc;

  if (changes == NULL)
    return;
  touch (changes, table, record, TRUE);
  rc = lookup (changes, table, record->id);
  rc->destroyed = TRUE;
}

static SandboxTableChange *
table_change (SandboxChanges *changes,
              SandboxTable   *table)
{
  SandboxTableChange *tc = g_hash_table_lookup (changes->tables, table->id);

  if (tc == NULL)
    {
      tc = g_new0 (SandboxTableChange, 1);
      tc->table_id = g_strdup (table->id);
      tc->created_fields = g_ptr_array_new_with_free_func (g_free);
      tc->changed_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
      tc->destroyed_fields = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (changes->table_order, tc);
      g_hash_table_insert (changes->tables, tc->table_id, tc);
    }
  return tc;
}

static gboolean
table_created_here (SandboxChanges *changes,
                    const char     *table_id)
{
  return g_ptr_array_find_with_equal_func (changes->created_tables, table_id, g_str_equal, NULL);
}

void
sandbox_changes_table_created (SandboxTable *table)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;

  if (changes != NULL)
    g_ptr_array_add (changes->created_tables, g_strdup (table->id));
}

void
sandbox_changes_table_metadata (SandboxTable *table)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;
  SandboxTableChange *tc;

  if (changes == NULL || table_created_here (changes, table->id))
    return;
  tc = table_change (changes, table);
  if (tc->previous_metadata == NULL)
    {
      tc->previous_metadata = json_object_new ();
      json_object_set_string_member (tc->previous_metadata, "name", table->name);
      if (table->description != NULL)
        json_object_set_string_member (tc->previous_metadata, "description", table->description);
      else
        json_object_set_null_member (tc->previous_metadata, "description");
    }
}

void
sandbox_changes_table_destroyed (SandboxTable *table)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;

  if (changes != NULL)
    g_ptr_array_add (changes->destroyed_tables, g_strdup (table->id));
}

void
sandbox_changes_field_created (SandboxTable *table,
                               SandboxField *field)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;

  if (changes == NULL || table_created_here (changes, table->id))
    return;
  g_ptr_array_add (table_change (changes, table)->created_fields, g_strdup (field->id));
}

void
sandbox_changes_field_changed (SandboxTable *table,
                               SandboxField *field)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;
  SandboxTableChange *tc;

  if (changes == NULL || table_created_here (changes, table->id))
    return;
  tc = table_change (changes, table);
  if (g_ptr_array_find_with_equal_func (tc->created_fields, field->id, g_str_equal, NULL)
      || g_hash_table_contains (tc->changed_fields, field->id))
    return;
  {
    JsonObject *previous = json_object_new ();

    json_object_set_string_member (previous, "type", field->type);
    json_object_set_string_member (previous, "name", field->name);
    g_hash_table_insert (tc->changed_fields, g_strdup (field->id), previous);
  }
}

void
sandbox_changes_field_destroyed (SandboxTable *table,
                                 SandboxField *field)
{
  SandboxChanges *changes = table->base != NULL ? table->base->changes : NULL;

  if (changes == NULL || table_created_here (changes, table->id))
    return;
  g_ptr_array_add (table_change (changes, table)->destroyed_fields, g_strdup (field->id));
}

/* Fills each record change's after-state and the list of fields whose
 * value changed; drops records that ended as they began. */
static void
settle (SandboxChanges *changes)
{
  for (guint i = 0; i < changes->record_order->len; i++)
    {
      SandboxRecordChange *rc = changes->record_order->pdata[i];
      SandboxTable *table = sandbox_server_find_table_by_id (changes->server, rc->table_id);
      SandboxRecord *record = table != NULL ? g_hash_table_lookup (table->records_by_id, rc->record_id) : NULL;
      GList *members;

      if (record == NULL || rc->destroyed || table->base != changes->base)
        {
          rc->destroyed = TRUE;
          continue;
        }
      rc->after = snapshot (changes->server, table, record);
      rc->after_views = visible_views (changes, table, record);
      rc->changed = g_ptr_array_new_with_free_func (g_free);
      members = json_object_get_members (rc->after);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *before = rc->before != NULL ? json_object_get_member (rc->before, l->data) : NULL;

          if (before == NULL || !json_node_equal (before, json_object_get_member (rc->after, l->data)))
            g_ptr_array_add (rc->changed, g_strdup (l->data));
        }
      g_list_free (members);
      if (rc->before != NULL)
        {
          members = json_object_get_members (rc->before);
          for (GList *l = members; l != NULL; l = l->next)
            if (!json_object_has_member (rc->after, l->data))
              g_ptr_array_add (rc->changed, g_strdup (l->data));
          g_list_free (members);
        }
    }
}

static gboolean
is_empty (SandboxChanges *changes)
{
  for (guint i = 0; i < changes->record_order->len; i++)
    {
      SandboxRecordChange *rc = changes->record_order->pdata[i];

      if (rc->created != rc->destroyed || (rc->changed != NULL && rc->changed->len > 0))
        return FALSE;
    }
  for (guint i = 0; i < changes->table_order->len; i++)
    {
      SandboxTableChange *tc = changes->table_order->pdata[i];

      if (tc->previous_metadata != NULL || tc->created_fields->len > 0
          || g_hash_table_size (tc->changed_fields) > 0 || tc->destroyed_fields->len > 0)
        return FALSE;
    }
  return changes->created_tables->len == 0 && changes->destroyed_tables->len == 0;
}

void
sandbox_changes_end (SandboxChanges *changes,
                     gboolean        commit)
{
  if (changes == NULL)
    return;
  changes->base->changes = NULL;
  if (commit)
    {
      settle (changes);
      if (!is_empty (changes))
        _sandbox_webhooks_deliver (changes->server, changes);
    }
  changes_free (changes);
}
