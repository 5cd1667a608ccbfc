/* hangar-sync-apply.c — applying webhook payloads to the cache
 *
 * A payload (src/api/WEBHOOKS.md, "Payloads") says per table which records
 * were created (all their cells), changed (the changed cells; null for a
 * cleared one) or destroyed, and which fields and tables changed. Cells are
 * in the V2 format and keyed by field id; the cache keeps the V1 (REST)
 * format, so each cell is converted with its field's type.
 *
 * Every member is type-checked before it is read. A payload that does not
 * have the documented shape cannot be applied faithfully: its tables are
 * fetched again completely instead (nothing is guessed, nothing lost).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-json.h"
#include "hangar-model-private.h"
#include "hangar-sync-private.h"

/* ---- V2 cells ---- */

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A collaborator as REST shows it: without the two members only payloads
 * carry. */
static JsonNode *
collaborator_v1 (JsonObject *object)
{
  JsonObject *copy = _hangar_json_object_deep_copy (object);

  json_object_remove_member (copy, "permissionLevel");
  json_object_remove_member (copy, "profilePicUrl");
  return json_node_init_object (json_node_alloc (), copy);
}

/* One element by its shape: a select choice → its name, a linked record →
 * its id, a collaborator → without the payload-only members. */
static JsonNode *
element_by_shape (JsonNode *value)
{
  JsonObject *object;
  const char *id;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    return _hangar_json_node_deep_copy (value);
  object = json_node_get_object (value);
  id = member_string (object, "id");
  if (id != NULL && g_str_has_prefix (id, "sel") && member_string (object, "name") != NULL)
    return string_node (member_string (object, "name"));
  if (id != NULL && g_str_has_prefix (id, "rec"))
    return string_node (id);
  if (id != NULL && g_str_has_prefix (id, "usr"))
    return collaborator_v1 (object);
  return _hangar_json_node_deep_copy (value);
}

/* {"valuesByLinkedRecordId": {rec: [v…]}, "linkedRecordIds": [rec…]} → [v…] */
static JsonNode *
lookup_v1 (JsonObject *object)
{
  JsonNode *by_id = json_object_get_member (object, "valuesByLinkedRecordId");
  JsonNode *ids = json_object_get_member (object, "linkedRecordIds");
  JsonArray *out = json_array_new ();

  if (by_id != NULL && JSON_NODE_HOLDS_OBJECT (by_id) && ids != NULL && JSON_NODE_HOLDS_ARRAY (ids))
    {
      JsonArray *order = json_node_get_array (ids);

      for (guint i = 0; i < json_array_get_length (order); i++)
        {
          JsonNode *id = json_array_get_element (order, i);
          JsonNode *values;

          if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
            continue;
          values = json_object_get_member (json_node_get_object (by_id), json_node_get_string (id));
          if (values == NULL)
            continue;
          if (JSON_NODE_HOLDS_ARRAY (values))
            for (guint j = 0; j < json_array_get_length (json_node_get_array (values)); j++)
              json_array_add_element (out, element_by_shape (json_array_get_element (json_node_get_array (values), j)));
          else if (!JSON_NODE_HOLDS_NULL (values))
            json_array_add_element (out, element_by_shape (values));
        }
    }
  return json_node_init_array (json_node_alloc (), out);
}

static JsonNode *
map_array (JsonNode *value)
{
  JsonArray *in = json_node_get_array (value);
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (in); i++)
    json_array_add_element (out, element_by_shape (json_array_get_element (in, i)));
  return json_node_init_array (json_node_alloc (), out);
}

/**
 * hangar_sync_cell_from_v2:
 * @field: (nullable): the cell's field, %NULL when not known
 * @value: a cell value of a payload (V2)
 *
 * Returns: (transfer full): the value as a REST listing gives it
 */
JsonNode *
hangar_sync_cell_from_v2 (HangarField *field,
                          JsonNode    *value)
{
  HangarFieldType type = field != NULL ? hangar_field_get_field_type (field) : HANGAR_FIELD_TYPE_UNKNOWN;

  g_return_val_if_fail (value != NULL, NULL);

  switch ((int) type)
    {
    case HANGAR_FIELD_TYPE_SINGLE_SELECT:
    case HANGAR_FIELD_TYPE_EXTERNAL_SYNC_SOURCE:
      if (JSON_NODE_HOLDS_OBJECT (value) && member_string (json_node_get_object (value), "name") != NULL)
        return string_node (member_string (json_node_get_object (value), "name"));
      return _hangar_json_node_deep_copy (value);
    case HANGAR_FIELD_TYPE_MULTIPLE_LOOKUP_VALUES:
      if (JSON_NODE_HOLDS_OBJECT (value))
        return lookup_v1 (json_node_get_object (value));
      return JSON_NODE_HOLDS_ARRAY (value) ? map_array (value) : _hangar_json_node_deep_copy (value);
    case HANGAR_FIELD_TYPE_MULTIPLE_SELECTS:
    case HANGAR_FIELD_TYPE_MULTIPLE_RECORD_LINKS:
    case HANGAR_FIELD_TYPE_MULTIPLE_COLLABORATORS:
      return JSON_NODE_HOLDS_ARRAY (value) ? map_array (value) : _hangar_json_node_deep_copy (value);
    case HANGAR_FIELD_TYPE_SINGLE_COLLABORATOR:
    case HANGAR_FIELD_TYPE_CREATED_BY:
    case HANGAR_FIELD_TYPE_LAST_MODIFIED_BY:
      if (JSON_NODE_HOLDS_OBJECT (value))
        return collaborator_v1 (json_node_get_object (value));
      return _hangar_json_node_deep_copy (value);
    case HANGAR_FIELD_TYPE_UNKNOWN:
      /* A field the schema does not have yet: the shape decides. */
      if (JSON_NODE_HOLDS_OBJECT (value) &&
          json_object_has_member (json_node_get_object (value), "valuesByLinkedRecordId"))
        return lookup_v1 (json_node_get_object (value));
      if (JSON_NODE_HOLDS_ARRAY (value))
        return map_array (value);
      return element_by_shape (value);
    default:
      return _hangar_json_node_deep_copy (value);
    }
}

/* ---- payloads ---- */

typedef struct
{
  HangarSync        *sync;
  SyncBase          *base;
  GCancellable      *cancellable;
  GHashTable        *writes;      /* table id → HangarCacheWrite */
  GQueue             order;       /* table ids, in first-seen order */
  gboolean           lost;
  gboolean           ok;
  HangarSyncApplied  done;
  gpointer           data;
} Apply;

static void
apply_free (Apply *apply)
{
  g_hash_table_unref (apply->writes);
  g_queue_clear_full (&apply->order, g_free);
  g_clear_object (&apply->cancellable);
  g_object_unref (apply->sync);
  g_free (apply);
}

static gboolean
table_cached (SyncBase   *base,
              const char *table_id)
{
  HangarCacheTableState state;

  hangar_cache_get_table_state (base->sync->cache, base->base_id, table_id, &state);
  return state.known;
}

static HangarCacheWrite *
write_for (Apply      *apply,
           const char *table_id)
{
  HangarCacheWrite *write = g_hash_table_lookup (apply->writes, table_id);

  if (write == NULL)
    {
      write = hangar_cache_write_new (apply->base->base_id, table_id);
      g_hash_table_insert (apply->writes, g_strdup (table_id), write);
      g_queue_push_tail (&apply->order, g_strdup (table_id));
    }
  return write;
}

/* Cells of a payload (V2, by field id) as the cache keeps them. NULL when
 * @cells is not an object of cells. */
static JsonObject *
convert_cells (SyncBase   *base,
               HangarTable *table,
               JsonNode   *cells,
               gboolean    keep_nulls)
{
  JsonObject *out;
  JsonObjectIter iter;
  const char *field_id;
  JsonNode *value;

  if (cells == NULL || !JSON_NODE_HOLDS_OBJECT (cells))
    return NULL;
  out = json_object_new ();
  json_object_iter_init (&iter, json_node_get_object (cells));
  while (json_object_iter_next (&iter, &field_id, &value))
    {
      HangarField *field = table != NULL ? hangar_table_lookup_field (table, field_id) : NULL;

      if (JSON_NODE_HOLDS_NULL (value))
        {
          if (keep_nulls)
            json_object_set_null_member (out, field_id);
          continue;
        }
      json_object_set_member (out, field_id, hangar_sync_cell_from_v2 (field, value));
    }
  return out;
}

static JsonNode *
cells_member (JsonObject *object,
              const char *container)
{
  JsonNode *inner = container != NULL ? json_object_get_member (object, container) : NULL;

  if (container != NULL)
    {
      if (inner == NULL || !JSON_NODE_HOLDS_OBJECT (inner))
        return NULL;
      object = json_node_get_object (inner);
    }
  return json_object_get_member (object, "cellValuesByFieldId");
}

/* One table's changes. FALSE when they do not have the documented shape. */
static gboolean
apply_table (Apply      *apply,
             const char *table_id,
             JsonObject *changes)
{
  SyncBase *base = apply->base;
  HangarTable *table = _hangar_sync_lookup_table (base, table_id);
  const char *schema_members[] = { "changedMetadata", "createdFieldsById", "changedFieldsById", "destroyedFieldIds" };
  JsonObject *created = NULL;
  JsonObject *changed = NULL;
  JsonArray *destroyed = NULL;
  JsonArray *gone_fields = NULL;
  g_autoptr(GError) error = NULL;
  HangarCacheWrite *write;

  for (guint i = 0; i < G_N_ELEMENTS (schema_members); i++)
    if (json_object_has_member (changes, schema_members[i]))
      base->schema_dirty = TRUE;

  if (!_hangar_json_get_object (changes, "createdRecordsById", FALSE, "a payload", &created, &error) ||
      !_hangar_json_get_object (changes, "changedRecordsById", FALSE, "a payload", &changed, &error) ||
      !_hangar_json_get_array (changes, "destroyedRecordIds", FALSE, "a payload", &destroyed, &error) ||
      !_hangar_json_get_array (changes, "destroyedFieldIds", FALSE, "a payload", &gone_fields, &error))
    {
      g_warning ("A payload of %s does not have the documented shape: %s", base->base_id, error->message);
      return FALSE;
    }
  if (!table_cached (base, table_id))
    return TRUE;   /* nothing of it cached: nothing to change */

  write = write_for (apply, table_id);
  if (created != NULL)
    {
      JsonObjectIter iter;
      const char *record_id;
      JsonNode *record;

      json_object_iter_init (&iter, created);
      while (json_object_iter_next (&iter, &record_id, &record))
        {
          g_autoptr(JsonObject) cells = NULL;
          g_autoptr(JsonNode) node = NULL;
          g_autoptr(GDateTime) when = NULL;
          g_autofree char *text = NULL;
          const char *created_time;

          if (!JSON_NODE_HOLDS_OBJECT (record) ||
              (cells = convert_cells (base, table, cells_member (json_node_get_object (record), NULL), FALSE)) == NULL)
            {
              g_warning ("A created record %s in a payload of %s has no cells", record_id, base->base_id);
              return FALSE;
            }
          created_time = member_string (json_node_get_object (record), "createdTime");
          when = created_time != NULL ? _hangar_parse_timestamp (created_time, "a payload", "createdTime", NULL) : NULL;
          node = json_node_init_object (json_node_alloc (), cells);
          text = hangar_json_to_string (node, -1);
          hangar_cache_write_add_row (write, record_id,
                                      when != NULL ? g_date_time_to_unix (when) * G_USEC_PER_SEC +
                                                     g_date_time_get_microsecond (when) : 0,
                                      text);
        }
    }
  if (changed != NULL)
    {
      JsonObjectIter iter;
      const char *record_id;
      JsonNode *record;

      json_object_iter_init (&iter, changed);
      while (json_object_iter_next (&iter, &record_id, &record))
        {
          g_autoptr(JsonObject) cells = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (record) ||
              (cells = convert_cells (base, table, cells_member (json_node_get_object (record), "current"), TRUE)) == NULL)
            {
              g_warning ("A changed record %s in a payload of %s has no current cells", record_id, base->base_id);
              return FALSE;
            }
          hangar_cache_write_patch (write, record_id, cells);
        }
    }
  for (guint i = 0; destroyed != NULL && i < json_array_get_length (destroyed); i++)
    {
      JsonNode *id = json_array_get_element (destroyed, i);

      if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
        return FALSE;
      hangar_cache_write_delete (write, json_node_get_string (id));
    }
  if (gone_fields != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) ids = NULL;

      for (guint i = 0; i < json_array_get_length (gone_fields); i++)
        {
          JsonNode *id = json_array_get_element (gone_fields, i);
          const char *text;

          if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
            return FALSE;
          text = json_node_get_string (id);
          /* Ids go into a JSON path: only letters and digits. */
          for (const char *p = text; *p != '\0'; p++)
            if (!g_ascii_isalnum (*p))
              return FALSE;
          g_strv_builder_add (builder, text);
        }
      ids = g_strv_builder_end (builder);
      hangar_cache_write_drop_fields (write, (const char * const *) ids);
    }
  return TRUE;
}

static gboolean
apply_payload (Apply      *apply,
               JsonObject *payload)
{
  SyncBase *base = apply->base;
  JsonObject *changed = NULL;
  JsonObject *created_tables = NULL;
  JsonArray *destroyed_tables = NULL;
  g_autoptr(GError) error = NULL;
  gboolean is_error = FALSE;

  if (!_hangar_json_get_boolean (payload, "error", FALSE, "a payload", &is_error, &error) ||
      !_hangar_json_get_object (payload, "changedTablesById", FALSE, "a payload", &changed, &error) ||
      !_hangar_json_get_object (payload, "createdTablesById", FALSE, "a payload", &created_tables, &error) ||
      !_hangar_json_get_array (payload, "destroyedTableIds", FALSE, "a payload", &destroyed_tables, &error))
    {
      g_warning ("A payload of %s does not have the documented shape: %s", base->base_id, error->message);
      return FALSE;
    }
  if (is_error)
    {
      const char *code = member_string (payload, "code");

      g_message ("The webhook of %s reports an error (%s)", base->base_id, code != NULL ? code : "no code");
      apply->lost = TRUE;
    }
  if (created_tables != NULL || destroyed_tables != NULL)
    base->schema_dirty = TRUE;

  for (guint i = 0; destroyed_tables != NULL && i < json_array_get_length (destroyed_tables); i++)
    {
      JsonNode *id = json_array_get_element (destroyed_tables, i);
      g_autoptr(GError) local = NULL;

      if (!JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
        return FALSE;
      if (!hangar_cache_drop_table (base->sync->cache, base->base_id, json_node_get_string (id), &local))
        g_warning ("%s", local->message);
    }

  if (changed != NULL)
    {
      JsonObjectIter iter;
      const char *table_id;
      JsonNode *changes;

      json_object_iter_init (&iter, changed);
      while (json_object_iter_next (&iter, &table_id, &changes))
        if (!JSON_NODE_HOLDS_OBJECT (changes) || !apply_table (apply, table_id, json_node_get_object (changes)))
          return FALSE;
    }
  return TRUE;
}

static void apply_next (Apply *apply);

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Apply *apply = user_data;
  g_autoptr(HangarCacheChange) change = NULL;
  g_autoptr(GError) error = NULL;

  change = hangar_cache_write_finish (HANGAR_CACHE (object), result, &error);
  if (change == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Payloads of %s could not be stored: %s", apply->base->base_id, error->message);
      apply->ok = FALSE;
    }
  apply_next (apply);
}

static void
apply_next (Apply *apply)
{
  g_autofree char *table_id = g_queue_pop_head (&apply->order);
  HangarSyncApplied done;
  SyncBase *base;
  gpointer data;
  gboolean ok, lost;

  if (table_id != NULL && apply->ok && !g_cancellable_is_cancelled (apply->cancellable))
    {
      g_autofree char *key = NULL;
      HangarCacheWrite *write = NULL;

      /* Taken out whole: the write goes to the cache, the key is ours. */
      g_hash_table_steal_extended (apply->writes, table_id, (gpointer *) &key, (gpointer *) &write);
      hangar_cache_write_async (apply->sync->cache, write, apply->cancellable, written_cb, apply);
      return;
    }

  done = apply->done;
  data = apply->data;
  base = apply->base;
  ok = apply->ok;
  lost = apply->lost;
  apply_free (apply);
  done (base, ok, lost, data);
}

void
_hangar_sync_apply_payloads (SyncBase          *base,
                             GPtrArray         *payloads,
                             HangarSyncApplied  done,
                             gpointer           data)
{
  Apply *apply = g_new0 (Apply, 1);
  gboolean malformed = FALSE;

  apply->sync = g_object_ref (base->sync);
  apply->base = base;
  apply->cancellable = g_object_ref (base->cancellable);
  apply->writes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) hangar_cache_write_free);
  apply->ok = TRUE;
  apply->done = done;
  apply->data = data;

  /* In order: one write per table gathers a page's changes in the order
   * they happened (creates, then changes, then deletes of each record). */
  for (guint i = 0; i < payloads->len && !malformed; i++)
    malformed = !apply_payload (apply, g_ptr_array_index (payloads, i));
  if (malformed)
    /* Skipping it could lose a change: the tables are fetched again. */
    _hangar_sync_mark_lost (base, "a payload did not have the documented shape");
  apply_next (apply);
}
