/* hangar-grid-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-grid-model.h"

/**
 * HangarGridModel:
 *
 * The rows of the grid: the records of a record list (which belongs to the
 * client and only grows, page by page), as the user should see them — a
 * record changed here shown with its change, a record deleted here hidden,
 * records created here added, and a "+" row at the end when records can
 * be created.
 *
 * The rows are an array of records (references, no copies) with an index
 * from id to row that is rebuilt only after rows moved. Replacing a row's
 * record emits ::record-changed rather than items-changed, so the row keeps
 * its widgets, selection and focus; the grid refreshes its cells.
 */

struct _HangarGridModel
{
  GObject                parent_instance;

  GListModel            *model;
  gulong                 items_changed_id;
  guint                  n_base_seen;   /* records of @model taken so far */

  GPtrArray             *rows;          /* HangarRecord shown, in order */
  guint                  n_tail;        /* rows after the listed ones: new records at the end, the "+" row */
  GHashTable            *index;         /* id (owned) → row + 1; valid when index_valid */
  gboolean               index_valid;
  GHashTable            *hidden;        /* ids */
  GHashTable            *local;         /* ids of rows added here (new records) */
  HangarRecord          *add_row;       /* when shown */

  HangarGridOverlayFunc  overlay;
  gpointer               overlay_data;
};

enum {
  RECORD_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void hangar_grid_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarGridModel, hangar_grid_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, hangar_grid_model_list_init))

/* ---- the index ---- */

static void
index_add (HangarGridModel *self,
           guint            row)
{
  HangarRecord *record = g_ptr_array_index (self->rows, row);

  if (self->index_valid)
    g_hash_table_insert (self->index, g_strdup (hangar_record_get_id (record)), GUINT_TO_POINTER (row + 1));
}

static guint
index_find (HangarGridModel *self,
            const char      *id)
{
  if (id == NULL)
    return G_MAXUINT;
  if (!self->index_valid)
    {
      g_hash_table_remove_all (self->index);
      for (guint i = 0; i < self->rows->len; i++)
        g_hash_table_insert (self->index, g_strdup (hangar_record_get_id (g_ptr_array_index (self->rows, i))),
                             GUINT_TO_POINTER (i + 1));
      self->index_valid = TRUE;
    }
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->index, id)) - 1;
}

static void
index_invalidate (HangarGridModel *self)
{
  self->index_valid = FALSE;
}

/* ---- the list ---- */

static void
items_changed_cb (GListModel      *model,
                  guint            position,
                  guint            removed,
                  guint            added,
                  HangarGridModel *self)
{
  guint n = g_list_model_get_n_items (model);
  guint insert_at;
  guint n_added = 0;

  if (removed > 0 || position != self->n_base_seen)
    {
      /* Not an append (a record list never does this): start over. */
      GListModel *keep = g_object_ref (model);

      hangar_grid_model_set_model (self, NULL);
      hangar_grid_model_set_model (self, keep);
      g_object_unref (keep);
      return;
    }

  insert_at = self->rows->len - self->n_tail;
  for (guint i = self->n_base_seen; i < n; i++)
    {
      g_autoptr(HangarRecord) record = g_list_model_get_item (model, i);
      g_autoptr(HangarRecord) shown = NULL;
      const char *id = hangar_record_get_id (record);
      gboolean hidden = FALSE;

      if (g_hash_table_contains (self->hidden, id) || g_hash_table_contains (self->local, id))
        continue;
      if (self->overlay != NULL)
        shown = self->overlay (record, &hidden, self->overlay_data);
      if (hidden)
        {
          g_hash_table_add (self->hidden, g_strdup (id));
          continue;
        }
      g_ptr_array_insert (self->rows, insert_at + n_added, g_object_ref (shown != NULL ? shown : record));
      n_added++;
    }
  self->n_base_seen = n;
  if (n_added == 0)
    return;
  if (self->n_tail > 0)
    index_invalidate (self);
  else
    for (guint i = insert_at; i < insert_at + n_added; i++)
      index_add (self, i);
  g_list_model_items_changed (G_LIST_MODEL (self), insert_at, 0, n_added);
}

static GType
hangar_grid_model_get_item_type (GListModel *list)
{
  return HANGAR_TYPE_RECORD;
}

static guint
hangar_grid_model_get_n_items (GListModel *list)
{
  return HANGAR_GRID_MODEL (list)->rows->len;
}

static gpointer
hangar_grid_model_get_item (GListModel *list,
                            guint       position)
{
  HangarGridModel *self = HANGAR_GRID_MODEL (list);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rows, position));
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
  g_ptr_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->index);

  G_OBJECT_CLASS (hangar_grid_model_parent_class)->dispose (object);
}

static void
hangar_grid_model_finalize (GObject *object)
{
  HangarGridModel *self = HANGAR_GRID_MODEL (object);

  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->index);
  g_hash_table_unref (self->hidden);
  g_hash_table_unref (self->local);
  g_clear_object (&self->add_row);

  G_OBJECT_CLASS (hangar_grid_model_parent_class)->finalize (object);
}

static void
hangar_grid_model_class_init (HangarGridModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_grid_model_dispose;
  object_class->finalize = hangar_grid_model_finalize;

  /**
   * HangarGridModel::record-changed:
   * @self: the model
   * @position: the row
   * @record: the record it shows now
   *
   * A row shows another version of its record.
   */
  signals[RECORD_CHANGED] =
    g_signal_new ("record-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, HANGAR_TYPE_RECORD);
}

static void
hangar_grid_model_init (HangarGridModel *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->local = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->index_valid = TRUE;
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
 * Shows @model's records (all rows change). New rows that have no real id
 * yet are kept at the end.
 */
void
hangar_grid_model_set_model (HangarGridModel *self,
                             GListModel      *model)
{
  guint old_n;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (HANGAR_IS_GRID_MODEL (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  old_n = self->rows->len;
  if (self->model != NULL)
    g_clear_signal_handler (&self->items_changed_id, self->model);
  g_set_object (&self->model, model);

  /* New records not created yet stay (a reload cannot list them). */
  for (guint i = 0; i < self->rows->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (self->rows, i);
      const char *id = hangar_record_get_id (record);

      if (g_hash_table_contains (self->local, id) && !g_str_has_prefix (id, "rec"))
        g_ptr_array_add (keep, g_object_ref (record));
    }
  g_ptr_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->hidden);
  g_hash_table_remove_all (self->local);
  self->n_base_seen = 0;
  self->n_tail = 0;
  for (guint i = 0; i < keep->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (keep, i);

      g_ptr_array_add (self->rows, g_object_ref (record));
      g_hash_table_add (self->local, g_strdup (hangar_record_get_id (record)));
      self->n_tail++;
    }
  if (self->add_row != NULL)
    {
      g_ptr_array_add (self->rows, g_object_ref (self->add_row));
      self->n_tail++;
    }
  index_invalidate (self);

  if (model != NULL)
    self->items_changed_id = g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), self);
  if (old_n > 0 || self->rows->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->rows->len);
  if (model != NULL && g_list_model_get_n_items (model) > 0)
    items_changed_cb (model, 0, 0, g_list_model_get_n_items (model), self);
}

GListModel *
hangar_grid_model_get_model (HangarGridModel *self)
{
  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), NULL);

  return self->model;
}

void
hangar_grid_model_set_overlay (HangarGridModel       *self,
                               HangarGridOverlayFunc  func,
                               gpointer               user_data)
{
  g_return_if_fail (HANGAR_IS_GRID_MODEL (self));

  self->overlay = func;
  self->overlay_data = user_data;
}

/**
 * hangar_grid_model_replace_record:
 * @self: a #HangarGridModel
 * @record: the new version of a record shown
 *
 * Returns: the row of @record, or %G_MAXUINT when no row has its id
 */
guint
hangar_grid_model_replace_record (HangarGridModel *self,
                                  HangarRecord    *record)
{
  guint row;

  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), G_MAXUINT);
  g_return_val_if_fail (HANGAR_IS_RECORD (record), G_MAXUINT);

  row = index_find (self, hangar_record_get_id (record));
  if (row == G_MAXUINT)
    return G_MAXUINT;
  if (g_ptr_array_index (self->rows, row) != record)
    {
      g_object_unref (g_ptr_array_index (self->rows, row));
      g_ptr_array_index (self->rows, row) = g_object_ref (record);
    }
  g_signal_emit (self, signals[RECORD_CHANGED], 0, row, record);
  return row;
}

HangarRecord *
hangar_grid_model_peek (HangarGridModel *self,
                        guint            position)
{
  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), NULL);

  return position < self->rows->len ? g_ptr_array_index (self->rows, position) : NULL;
}

guint
hangar_grid_model_find (HangarGridModel *self,
                        const char      *record_id)
{
  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), G_MAXUINT);

  return index_find (self, record_id);
}

HangarRecord *
hangar_grid_model_resolve (HangarGridModel *self,
                           HangarRecord    *record)
{
  guint row;

  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), record);

  if (record == NULL)
    return NULL;
  row = index_find (self, hangar_record_get_id (record));
  return row != G_MAXUINT ? g_ptr_array_index (self->rows, row) : record;
}

void
hangar_grid_model_set_hidden (HangarGridModel *self,
                              const char      *record_id,
                              gboolean         hidden)
{
  guint row;

  g_return_if_fail (HANGAR_IS_GRID_MODEL (self));
  g_return_if_fail (record_id != NULL);

  if (!hidden)
    {
      /* Shown again: it comes back with the next listing (a reload); rows
       * are not re-inserted in the middle of what is loaded. */
      g_hash_table_remove (self->hidden, record_id);
      return;
    }
  if (g_hash_table_contains (self->hidden, record_id))
    return;
  g_hash_table_add (self->hidden, g_strdup (record_id));
  row = index_find (self, record_id);
  if (row == G_MAXUINT)
    return;
  if (row >= self->rows->len - self->n_tail)
    self->n_tail--;
  g_hash_table_remove (self->local, record_id);
  g_ptr_array_remove_index (self->rows, row);
  index_invalidate (self);
  g_list_model_items_changed (G_LIST_MODEL (self), row, 1, 0);
}

gboolean
hangar_grid_model_is_hidden (HangarGridModel *self,
                             const char      *record_id)
{
  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), FALSE);

  return record_id != NULL && g_hash_table_contains (self->hidden, record_id);
}

guint
hangar_grid_model_add_local (HangarGridModel *self,
                             HangarRecord    *record,
                             const char      *after_id)
{
  guint row;

  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), G_MAXUINT);
  g_return_val_if_fail (HANGAR_IS_RECORD (record), G_MAXUINT);

  row = index_find (self, hangar_record_get_id (record));
  if (row != G_MAXUINT)
    return hangar_grid_model_replace_record (self, record);

  row = after_id != NULL ? index_find (self, after_id) : G_MAXUINT;
  if (row != G_MAXUINT && row < self->rows->len - self->n_tail)
    row++;
  else
    {
      /* At the end of the records, before the "+" row. */
      row = self->rows->len - (self->add_row != NULL ? 1 : 0);
      self->n_tail++;
    }
  g_hash_table_add (self->local, g_strdup (hangar_record_get_id (record)));
  g_ptr_array_insert (self->rows, row, g_object_ref (record));
  index_invalidate (self);
  g_list_model_items_changed (G_LIST_MODEL (self), row, 0, 1);
  return row;
}

gboolean
hangar_grid_model_rename (HangarGridModel *self,
                          const char      *old_id,
                          HangarRecord    *record)
{
  guint row;

  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), FALSE);
  g_return_val_if_fail (old_id != NULL && HANGAR_IS_RECORD (record), FALSE);

  row = index_find (self, old_id);
  if (row == G_MAXUINT)
    return FALSE;
  g_hash_table_remove (self->local, old_id);
  g_hash_table_add (self->local, g_strdup (hangar_record_get_id (record)));
  g_object_unref (g_ptr_array_index (self->rows, row));
  g_ptr_array_index (self->rows, row) = g_object_ref (record);
  g_hash_table_remove (self->index, old_id);
  index_add (self, row);
  g_signal_emit (self, signals[RECORD_CHANGED], 0, row, record);
  return TRUE;
}

void
hangar_grid_model_remove_local (HangarGridModel *self,
                                const char      *record_id)
{
  guint row;

  g_return_if_fail (HANGAR_IS_GRID_MODEL (self));

  if (record_id == NULL || !g_hash_table_contains (self->local, record_id))
    return;
  row = index_find (self, record_id);
  g_hash_table_remove (self->local, record_id);
  if (row == G_MAXUINT)
    return;
  if (row >= self->rows->len - self->n_tail)
    self->n_tail--;
  g_ptr_array_remove_index (self->rows, row);
  index_invalidate (self);
  g_list_model_items_changed (G_LIST_MODEL (self), row, 1, 0);
}

void
hangar_grid_model_set_add_row (HangarGridModel *self,
                               gboolean         shown)
{
  g_return_if_fail (HANGAR_IS_GRID_MODEL (self));

  if ((self->add_row != NULL) == !!shown)
    return;
  if (shown)
    {
      self->add_row = hangar_record_new (HANGAR_GRID_ADD_ROW_ID, NULL, NULL);
      g_ptr_array_add (self->rows, g_object_ref (self->add_row));
      self->n_tail++;
      index_add (self, self->rows->len - 1);
      g_list_model_items_changed (G_LIST_MODEL (self), self->rows->len - 1, 0, 1);
    }
  else
    {
      guint row = self->rows->len - 1;

      g_clear_object (&self->add_row);
      g_ptr_array_remove_index (self->rows, row);
      self->n_tail--;
      index_invalidate (self);
      g_list_model_items_changed (G_LIST_MODEL (self), row, 1, 0);
    }
}

gboolean
hangar_grid_model_get_add_row (HangarGridModel *self)
{
  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), FALSE);

  return self->add_row != NULL;
}

gboolean
hangar_grid_model_is_add_row (HangarRecord *record)
{
  return record != NULL && g_strcmp0 (hangar_record_get_id (record), HANGAR_GRID_ADD_ROW_ID) == 0;
}

guint
hangar_grid_model_get_n_records (HangarGridModel *self)
{
  g_return_val_if_fail (HANGAR_IS_GRID_MODEL (self), 0);

  return self->rows->len - (self->add_row != NULL ? 1 : 0);
}
