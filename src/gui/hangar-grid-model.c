/* hangar-grid-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-grid-model.h"

/**
 * HangarGridModel:
 *
 * Passes a record list through unchanged, except for records replaced with
 * hangar_grid_model_replace_record(): the path an edit takes into the grid
 * (the list itself belongs to the client and only grows). Replacing emits
 * items-changed for that one row, so the column view binds its cells again
 * and only that row is redrawn.
 */

struct _HangarGridModel
{
  GObject     parent_instance;

  GListModel *model;
  gulong      items_changed_id;
  GHashTable *replaced;  /* record id → HangarRecord */
};

static void hangar_grid_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarGridModel, hangar_grid_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, hangar_grid_model_list_init))

static void
items_changed_cb (GListModel      *model,
                  guint            position,
                  guint            removed,
                  guint            added,
                  HangarGridModel *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static GType
hangar_grid_model_get_item_type (GListModel *list)
{
  return HANGAR_TYPE_RECORD;
}

static guint
hangar_grid_model_get_n_items (GListModel *list)
{
  HangarGridModel *self = HANGAR_GRID_MODEL (list);

  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}

static gpointer
hangar_grid_model_get_item (GListModel *list,
                            guint       position)
{
  HangarGridModel *self = HANGAR_GRID_MODEL (list);
  g_autoptr(HangarRecord) record = NULL;
  HangarRecord *replacement;

  if (self->model == NULL)
    return NULL;
  record = g_list_model_get_item (self->model, position);
  if (record == NULL)
    return NULL;
  replacement = g_hash_table_lookup (self->replaced, hangar_record_get_id (record));
  if (replacement != NULL)
    return g_object_ref (replacement);
  return g_steal_pointer (&record);
}

static void
hangar_grid_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = hangar_grid_model_get_item_type;
  iface->get_n_items = hangar_grid_model_get_n_items;
  iface->get_item = hangar_grid_model_get_item;
}

static void
hangar_grid_model_dispose (GObject *object)
{
  HangarGridModel *self = HANGAR_GRID_MODEL (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->items_changed_id, self->model);
  g_clear_object (&self->model);
  g_hash_table_remove_all (self->replaced);

  G_OBJECT_CLASS (hangar_grid_model_parent_class)->dispose (object);
}

static void
hangar_grid_model_finalize (GObject *object)
{
  HangarGridModel *self = HANGAR_GRID_MODEL (object);

  g_hash_table_unref (self->replaced);

  G_OBJECT_CLASS (hangar_grid_model_parent_class)->finalize (object);
}

static void
hangar_grid_model_class_init (HangarGridModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_grid_model_dispose;
  object_class->finalize = hangar_grid_model_finalize;
}

static void
hangar_grid_model_init (HangarGridModel *self)
{
  self->replaced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

HangarGridModel *
hangar_grid_model_new (void)
{
  return g_object_new (HANGAR_TYPE_GRID_MODEL, NULL);
}

/**
 * hangar_grid_model_set_model:
 * @self: a #HangarGridModel
 * @model: (nullable): a #GListModel of #HangarRecord
 *
 * Shows @model's records (all rows change).
 */
void
hangar_grid_model_set_model (HangarGridModel *self,
                             GListModel      *model)
{
  guint old_n;
  guint new_n;

  g_return_if_fail (HANGAR_IS_GRID_MODEL (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  old_n = hangar_grid_model_get_n_items (G_LIST_MODEL (self));
  if (self->model != NULL)
    g_clear_signal_handler (&self->items_changed_id, self->model);
  g_set_object (&self->model, model);
  g_hash_table_remove_all (self->replaced);
  if (model != NULL)
    self->items_changed_id = g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), self);
  new_n = hangar_grid_model_get_n_items (G_LIST_MODEL (self));

  if (old_n > 0 || new_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, new_n);
}

GListModel *
hangar_grid_model_get_model (HangarGridModel *self)
{
  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), NULL);

  return self->model;
}

/**
 * hangar_grid_model_replace_record:
 * @self: a #HangarGridModel
 * @record: the new version of a loaded record
 *
 * Returns: the row of @record, or %G_MAXUINT when no loaded record has its id
 */
guint
hangar_grid_model_replace_record (HangarGridModel *self,
                                  HangarRecord    *record)
{
  const char *id;
  guint n;

  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), G_MAXUINT);
  g_return_val_if_fail (HANGAR_IS_RECORD (record), G_MAXUINT);

  if (self->model == NULL)
    return G_MAXUINT;

  id = hangar_record_get_id (record);
  n = g_list_model_get_n_items (self->model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarRecord) item = g_list_model_get_item (self->model, i);

      if (g_strcmp0 (hangar_record_get_id (item), id) == 0)
        {
          g_hash_table_replace (self->replaced, g_strdup (id), g_object_ref (record));
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
          return i;
        }
    }
  return G_MAXUINT;
}
