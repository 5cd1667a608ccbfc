/* hangar-schema-drift.c — how a table's fields changed since the app last
 * showed them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-schema-drift.h"
#include "hangar-view-state.h"

void
hangar_shown_field_free (HangarShownField *field)
{
  if (field == NULL)
    return;
  g_free (field->id);
  g_free (field->name);
  g_free (field->type);
  g_free (field);
}

GPtrArray *
hangar_shown_fields_from_table (HangarTable *table)
{
  GPtrArray *shown = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_shown_field_free);
  GPtrArray *fields;

  g_return_val_if_fail (HANGAR_IS_TABLE (table), shown);

  fields = hangar_table_get_fields (table);
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);
      HangarShownField *item = g_new0 (HangarShownField, 1);

      item->id = g_strdup (hangar_field_get_id (field));
      item->name = g_strdup (hangar_field_get_name (field));
      item->type = g_strdup (hangar_field_get_type_string (field));
      g_ptr_array_add (shown, item);
    }
  return shown;
}

void
hangar_schema_change_free (HangarSchemaChange *change)
{
  if (change == NULL)
    return;
  g_free (change->field_id);
  g_free (change->old_name);
  g_free (change->new_name);
  g_free (change->old_type);
  g_free (change->new_type);
  g_free (change);
}

void
hangar_table_drift_free (HangarTableDrift *drift)
{
  if (drift == NULL)
    return;
  g_free (drift->table_id);
  g_free (drift->table_name);
  g_clear_pointer (&drift->changes, g_ptr_array_unref);
  g_free (drift);
}

static const char *
type_words (const char *type)
{
  HangarFieldType known = hangar_field_type_from_string (type);

  return known != HANGAR_FIELD_TYPE_UNKNOWN ? hangar_field_type_get_display_name (known) : type;
}

char *
hangar_schema_change_describe (HangarSchemaChange *change)
{
  g_return_val_if_fail (change != NULL, NULL);

  if (change->flags & HANGAR_SCHEMA_CHANGE_ADDED)
    return g_strdup_printf ("“%s” was added", change->new_name);
  if (change->flags & HANGAR_SCHEMA_CHANGE_REMOVED)
    return g_strdup_printf ("“%s” was removed", change->old_name);
  if ((change->flags & HANGAR_SCHEMA_CHANGE_RENAMED) && (change->flags & HANGAR_SCHEMA_CHANGE_RETYPED))
    return g_strdup_printf ("“%s” was renamed to “%s” and changed from %s to %s",
                            change->old_name, change->new_name,
                            type_words (change->old_type), type_words (change->new_type));
  if (change->flags & HANGAR_SCHEMA_CHANGE_RENAMED)
    return g_strdup_printf ("“%s” was renamed to “%s”", change->old_name, change->new_name);
  return g_strdup_printf ("“%s” changed from %s to %s", change->new_name,
                          type_words (change->old_type), type_words (change->new_type));
}

static HangarSchemaChange *
change_new (HangarSchemaChangeFlags  flags,
            const char              *field_id,
            HangarShownField        *old,
            HangarField             *now)
{
  HangarSchemaChange *change = g_new0 (HangarSchemaChange, 1);

  change->flags = flags;
  change->field_id = g_strdup (field_id);
  if (old != NULL)
    {
      change->old_name = g_strdup (old->name);
      change->old_type = g_strdup (old->type);
    }
  if (now != NULL)
    {
      change->new_name = g_strdup (hangar_field_get_name (now));
      change->new_type = g_strdup (hangar_field_get_type_string (now));
    }
  return change;
}

GPtrArray *
hangar_schema_drift_compare (GPtrArray   *shown,
                             HangarTable *table)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_schema_change_free);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) now_ids = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *fields;

  g_return_val_if_fail (table == NULL || HANGAR_IS_TABLE (table), changes);

  if (shown == NULL || shown->len == 0)
    return changes;

  fields = table != NULL ? hangar_table_get_fields (table) : NULL;
  for (guint i = 0; i < shown->len; i++)
    {
      HangarShownField *old = g_ptr_array_index (shown, i);

      g_hash_table_insert (by_id, old->id, old);
    }
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    g_hash_table_add (now_ids, (gpointer) hangar_field_get_id (g_ptr_array_index (fields, i)));

  for (guint i = 0; i < shown->len; i++)
    {
      HangarShownField *old = g_ptr_array_index (shown, i);

      if (!g_hash_table_contains (now_ids, old->id))
        g_ptr_array_add (changes, change_new (HANGAR_SCHEMA_CHANGE_REMOVED, old->id, old, NULL));
    }
  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      HangarField *field = g_ptr_array_index (fields, i);
      HangarShownField *old = g_hash_table_lookup (by_id, hangar_field_get_id (field));
      HangarSchemaChangeFlags flags = 0;

      if (old == NULL)
        flags = HANGAR_SCHEMA_CHANGE_ADDED;
      else
        {
          if (g_strcmp0 (old->name, hangar_field_get_name (field)) != 0)
            flags |= HANGAR_SCHEMA_CHANGE_RENAMED;
          if (g_strcmp0 (old->type, hangar_field_get_type_string (field)) != 0)
            flags |= HANGAR_SCHEMA_CHANGE_RETYPED;
        }
      if (flags != 0)
        g_ptr_array_add (changes, change_new (flags, hangar_field_get_id (field), old, field));
    }
  return changes;
}

/* ---- the check a schema-change notice runs ---- */

typedef struct
{
  HangarViewState *state;
  char            *base_id;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_object (&data->state);
  g_free (data->base_id);
  g_free (data);
}

static void
schema_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = hangar_client_get_base_schema_finish (HANGAR_CLIENT (source), result, &error);
  g_auto(GStrv) shown_tables = NULL;
  GPtrArray *drifts;

  if (tables == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  drifts = g_ptr_array_new_with_free_func ((GDestroyNotify) hangar_table_drift_free);
  shown_tables = hangar_view_state_list_shown_tables (data->state, data->base_id);
  for (guint i = 0; shown_tables != NULL && shown_tables[i] != NULL && shown_tables[i + 1] != NULL; i += 2)
    {
      const char *table_id = shown_tables[i];
      HangarTable *table = hangar_table_list_lookup (tables, table_id);
      g_autoptr(GPtrArray) shown = hangar_view_state_load_shown_fields (data->state, data->base_id, table_id);
      g_autoptr(GPtrArray) changes = NULL;

      /* A table that is gone: every field it had is removed. */
      changes = hangar_schema_drift_compare (shown, table);
      if (changes->len > 0)
        {
          HangarTableDrift *drift = g_new0 (HangarTableDrift, 1);

          drift->table_id = g_strdup (table_id);
          drift->table_name = g_strdup (table != NULL ? hangar_table_get_name (table) : shown_tables[i + 1]);
          drift->changes = g_steal_pointer (&changes);
          g_ptr_array_add (drifts, drift);
        }
    }
  g_task_return_pointer (task, drifts, (GDestroyNotify) g_ptr_array_unref);
}

void
hangar_schema_drift_check_async (HangarViewState     *state,
                                 HangarClient        *client,
                                 const char          *base_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (HANGAR_IS_VIEW_STATE (state));
  g_return_if_fail (HANGAR_IS_CLIENT (client));
  g_return_if_fail (base_id != NULL);

  task = g_task_new (state, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_schema_drift_check_async);
  data = g_new0 (CheckData, 1);
  data->state = g_object_ref (state);
  data->base_id = g_strdup (base_id);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  hangar_client_get_base_schema_async (client, base_id, cancellable, schema_cb, g_steal_pointer (&task));
}

GPtrArray *
hangar_schema_drift_check_finish (HangarViewState  *state,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, state), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hangar_schema_drift_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
