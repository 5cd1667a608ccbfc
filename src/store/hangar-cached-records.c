/* hangar-cached-records.c — a GListModel of a table's cached records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-cached-records.h"

/**
 * HangarCachedRecords:
 *
 * The cached records of one table as a #GListModel of #HangarRecord (keyed
 * by field name, as a listing by name gives them), read lazily: the model
 * holds only the ordered rowids (8 bytes a record) and builds a record when
 * a view asks for its row, keeping the last few hundred built.
 *
 * Opening shows rows at once: the first rows of the table's own order are
 * read on the spot (an index walk), the full order (or a sorted, filtered
 * or searched one) is worked out on the store's worker thread and arrives
 * as one #GListModel::items-changed. Made with
 * hangar_cached_records_new_held(), only a screenful is read and the full
 * order is not even asked for until the view has drawn it: the first frame
 * does not share the machine with the whole table's query.
 *
 * The model follows #HangarCache::records-changed for its table: a changed
 * record is read again (items-changed for its row), new records are
 * appended, deleted ones removed; with a sort, filter or search the order
 * is worked out again.
 */

/* Rows read at once when the model is made without knowing the screen
 * (hangar_cached_records_new_held() is told): a tall screenful. A view
 * builds a row for each at once (GTK 4.8's list views build up to 200),
 * so more would only delay the first frame. */
#define FIRST_ROWS  60
/* Records kept built. */
#define MAX_BUILT   400

struct _HangarCachedRecords
{
  GObject           parent_instance;

  HangarCache      *cache;
  char             *base_id;
  HangarTable      *table;
  HangarCacheQuery *query;        /* NULL: plain */
  GHashTable       *names;        /* field id → name */

  GArray           *rowids;       /* gint64 */
  GHashTable       *built;        /* rowid (gint64*) → HangarRecord */
  GQueue            built_order;  /* gint64* keys, oldest first */
  GCancellable     *cancellable;
  GError           *failed;
  gulong            changed_id;
  gboolean          loading;
  gboolean          reload_again; /* a change came while the order was worked out */
  gboolean          redraw_all;   /* rows changed in place too: every row is read again */
  GArray           *pending;      /* an order held back (hangar_cached_records_hold()) */
  gboolean          hold;
  gboolean          deferred;     /* held before the order was asked for: asked when let go */
};

static void hangar_cached_records_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HangarCachedRecords, hangar_cached_records, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, hangar_cached_records_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_FAILED,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_listing (HangarCachedRecords *self);

static void
set_loading (HangarCachedRecords *self,
             gboolean             loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
forget_built (HangarCachedRecords *self)
{
  g_hash_table_remove_all (self->built);
  g_queue_clear (&self->built_order);
}

static void
forget_one (HangarCachedRecords *self,
            gint64               rowid)
{
  GList *link;

  if (!g_hash_table_contains (self->built, &rowid))
    return;
  for (link = self->built_order.head; link != NULL; link = link->next)
    if (*(gint64 *) link->data == rowid)
      {
        g_queue_delete_link (&self->built_order, link);
        break;
      }
  g_hash_table_remove (self->built, &rowid);
}

static guint
index_of (HangarCachedRecords *self,
          gint64               rowid)
{
  for (guint i = 0; i < self->rowids->len; i++)
    if (g_array_index (self->rowids, gint64, i) == rowid)
      return i;
  return G_MAXUINT;
}

/* Replaces every row with @rowids (taken). */
static void
replace_all (HangarCachedRecords *self,
             GArray              *rowids)
{
  guint old_n = self->rowids->len;
  guint same = 0;

  /* The first rows shown at once are usually the start of the full
   * list: then only the rest is added, and the view keeps its place. */
  while (!self->redraw_all && same < old_n && same < rowids->len &&
         g_array_index (self->rowids, gint64, same) == g_array_index (rowids, gint64, same))
    same++;

  g_array_unref (self->rowids);
  self->rowids = rowids;
  self->redraw_all = FALSE;
  if (same < old_n)
    forget_built (self);
  if (same < old_n || rowids->len != old_n)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), same, old_n - same, rowids->len - same);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
}

/* The order is known (@rowids, taken): shown, or worked out again when a
 * change came meanwhile. */
static void
apply_listing (HangarCachedRecords *self,
               GArray              *rowids)
{
  replace_all (self, rowids);
  if (self->reload_again)
    {
      self->reload_again = FALSE;
      start_listing (self);
      return;
    }
  set_loading (self, FALSE);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HangarCachedRecords *self;
  g_autoptr(GError) error = NULL;
  GArray *rowids = hangar_cache_list_rowids_finish (HANGAR_CACHE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* dispose cancelled: @user_data may be gone */
  self = HANGAR_CACHED_RECORDS (user_data);

  if (rowids == NULL)
    {
      g_clear_error (&self->failed);
      self->failed = g_steal_pointer (&error);
      set_loading (self, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
      return;
    }
  /* The first rows are shown and the view is being drawn: the rest of the
   * table waits until the caller lets go. */
  if (self->hold && self->rowids->len > 0)
    {
      g_clear_pointer (&self->pending, g_array_unref);
      self->pending = rowids;
      return;
    }
  apply_listing (self, rowids);
}

static void
start_listing (HangarCachedRecords *self)
{
  g_autoptr(HangarCacheQuery) plain = NULL;

  set_loading (self, TRUE);
  if (self->query == NULL)
    plain = hangar_cache_query_new (self->table);
  /* No reference to self: dispose cancels, and listed_cb checks. */
  hangar_cache_list_rowids_async (self->cache, self->base_id, hangar_table_get_id (self->table),
                                  self->query != NULL ? self->query : plain, self->cancellable,
                                  listed_cb, self);
}

static void
records_changed_cb (HangarCache         *cache,
                    HangarCacheChange   *change,
                    HangarCachedRecords *self)
{
  if (g_strcmp0 (change->base_id, self->base_id) != 0 ||
      g_strcmp0 (change->table_id, hangar_table_get_id (self->table)) != 0)
    return;

  /* Records read again whatever else happens. */
  for (guint i = 0; change->updated != NULL && i < change->updated->len; i++)
    forget_one (self, g_array_index (change->updated, gint64, i));

  /* Many records gone at once (a sweep, a fetch over): the order is
   * worked out again rather than removed one by one. */
  if (change->reset || self->query != NULL || (change->deleted != NULL && change->deleted->len > 16))
    {
      /* The order may change: work it out again (the rows in view are
       * read again as it arrives). */
      if (change->reset || (change->updated != NULL && change->updated->len > 0))
        self->redraw_all = TRUE;
      if (change->reset)
        forget_built (self);
      /* An order not yet asked for will hold this change anyway. */
      if (self->deferred)
        ;
      else if (self->loading)
        self->reload_again = TRUE;
      else
        start_listing (self);
      if (self->query != NULL && !change->reset)
        for (guint i = 0; change->updated != NULL && i < change->updated->len; i++)
          {
            guint pos = index_of (self, g_array_index (change->updated, gint64, i));

            if (pos != G_MAXUINT)
              g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 1);
          }
      return;
    }

  /* While the full order is worked out, it already holds this change
   * (writes and listings run in order on one thread); the first rows on
   * show only need their changed records redrawn. */
  if (change->updated != NULL && change->updated->len > 16)
    {
      /* Many at once (a page of payloads, a fetch): one pass over the rows. */
      g_autoptr(GHashTable) changed = g_hash_table_new (g_int64_hash, g_int64_equal);

      for (guint i = 0; i < change->updated->len; i++)
        g_hash_table_add (changed, &g_array_index (change->updated, gint64, i));
      for (guint pos = 0; pos < self->rowids->len; pos++)
        if (g_hash_table_contains (changed, &g_array_index (self->rowids, gint64, pos)))
          g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 1);
    }
  else
    for (guint i = 0; change->updated != NULL && i < change->updated->len; i++)
      {
        guint pos = index_of (self, g_array_index (change->updated, gint64, i));

        if (pos != G_MAXUINT)
          g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 1);
      }
  if (self->loading)
    return;

  for (guint i = 0; change->deleted != NULL && i < change->deleted->len; i++)
    {
      gint64 rowid = g_array_index (change->deleted, gint64, i);
      guint pos = index_of (self, rowid);

      if (pos == G_MAXUINT)
        continue;
      forget_one (self, rowid);
      g_array_remove_index (self->rowids, pos);
      g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
    }
  if (change->inserted != NULL && change->inserted->len > 0)
    {
      guint old_n = self->rowids->len;

      g_array_append_vals (self->rowids, change->inserted->data, change->inserted->len);
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, change->inserted->len);
    }
  if ((change->deleted != NULL && change->deleted->len > 0) || (change->inserted != NULL && change->inserted->len > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* ---- GListModel ---- */

static GType
hangar_cached_records_get_item_type (GListModel *model)
{
  return HANGAR_TYPE_RECORD;
}

static guint
hangar_cached_records_get_n_items (GListModel *model)
{
  return HANGAR_CACHED_RECORDS (model)->rowids->len;
}

static gpointer
hangar_cached_records_get_item (GListModel *model,
                                guint       position)
{
  HangarCachedRecords *self = HANGAR_CACHED_RECORDS (model);
  HangarCacheRow row = { 0 };
  HangarRecord *record;
  gint64 rowid;
  gint64 *key;

  if (position >= self->rowids->len)
    return NULL;
  rowid = g_array_index (self->rowids, gint64, position);
  record = g_hash_table_lookup (self->built, &rowid);
  if (record != NULL)
    return g_object_ref (record);

  if (hangar_cache_read_row (self->cache, rowid, &row))
    record = hangar_cache_row_to_record (&row, self->names);
  else
    /* Deleted a moment ago; its removal from the list is on its way. */
    record = hangar_record_new ("", NULL, NULL);
  hangar_cache_row_clear (&row);

  key = g_memdup2 (&rowid, sizeof rowid);
  g_hash_table_insert (self->built, key, g_object_ref (record));
  g_queue_push_tail (&self->built_order, key);
  while (self->built_order.length > MAX_BUILT)
    g_hash_table_remove (self->built, g_queue_pop_head (&self->built_order));
  return record;
}

static void
hangar_cached_records_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hangar_cached_records_get_item_type;
  iface->get_n_items = hangar_cached_records_get_n_items;
  iface->get_item = hangar_cached_records_get_item;
}

/* ---- GObject ---- */

static void
hangar_cached_records_dispose (GObject *object)
{
  HangarCachedRecords *self = HANGAR_CACHED_RECORDS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->pending, g_array_unref);
  if (self->cache != NULL)
    g_clear_signal_handler (&self->changed_id, self->cache);
  g_clear_object (&self->cache);
  forget_built (self);

  G_OBJECT_CLASS (hangar_cached_records_parent_class)->dispose (object);
}

static void
hangar_cached_records_finalize (GObject *object)
{
  HangarCachedRecords *self = HANGAR_CACHED_RECORDS (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->table);
  g_clear_pointer (&self->query, hangar_cache_query_free);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_pointer (&self->built, g_hash_table_unref);
  g_clear_error (&self->failed);
  g_free (self->base_id);

  G_OBJECT_CLASS (hangar_cached_records_parent_class)->finalize (object);
}

static void
hangar_cached_records_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarCachedRecords *self = HANGAR_CACHED_RECORDS (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_FAILED:
      g_value_set_boxed (value, self->failed);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rowids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_cached_records_class_init (HangarCachedRecordsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_cached_records_dispose;
  object_class->finalize = hangar_cached_records_finalize;
  object_class->get_property = hangar_cached_records_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FAILED] =
    g_param_spec_boxed ("failed", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_cached_records_init (HangarCachedRecords *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->built = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();
}

/**
 * hangar_cached_records_new:
 * @cache: the account's cache
 * @base_id: the base
 * @table: the table (its fields name the cells)
 * @query: (nullable): sort, filter and search; %NULL for every record in
 *   the table's order
 *
 * Returns: (transfer full): the model, with the first rows already in it
 *   when @query is %NULL
 */
static HangarCachedRecords *
create (HangarCache *cache,
        const char  *base_id,
        HangarTable *table)
{
  HangarCachedRecords *self = g_object_new (HANGAR_TYPE_CACHED_RECORDS, NULL);

  self->cache = g_object_ref (cache);
  self->base_id = g_strdup (base_id);
  self->table = g_object_ref (table);
  self->names = hangar_cache_names_by_id (table);
  self->changed_id = g_signal_connect (cache, "records-changed", G_CALLBACK (records_changed_cb), self);
  return self;
}

static void
read_first_rows (HangarCachedRecords *self,
                 guint                n)
{
  g_array_unref (self->rowids);
  self->rowids = hangar_cache_first_rowids (self->cache, self->base_id, hangar_table_get_id (self->table), n);
}

HangarCachedRecords *
hangar_cached_records_new (HangarCache      *cache,
                           const char       *base_id,
                           HangarTable      *table,
                           HangarCacheQuery *query)
{
  HangarCachedRecords *self;

  g_return_val_if_fail (HANGAR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (base_id != NULL && HANGAR_IS_TABLE (table), NULL);

  self = create (cache, base_id, table);
  if (query == NULL || hangar_cache_query_is_plain (query))
    read_first_rows (self, FIRST_ROWS);
  else
    self->query = hangar_cache_query_copy (query);   /* the caller's may change */
  start_listing (self);
  return self;
}

/**
 * hangar_cached_records_new_held:
 * @cache: the account's cache
 * @base_id: the base
 * @table: the table (its fields name the cells)
 * @n_first: how many rows to read now (a screenful)
 *
 * Every record of @table in the table's order, like
 * hangar_cached_records_new() with no query, but held: only the first
 * @n_first rows are in it, and the full order is asked for only when
 * hangar_cached_records_hold() lets go (it is #HangarCachedRecords:loading
 * until it is known). With no row cached, not held.
 *
 * Returns: (transfer full): the model
 */
HangarCachedRecords *
hangar_cached_records_new_held (HangarCache *cache,
                                const char  *base_id,
                                HangarTable *table,
                                guint        n_first)
{
  HangarCachedRecords *self;

  g_return_val_if_fail (HANGAR_IS_CACHE (cache), NULL);
  g_return_val_if_fail (base_id != NULL && HANGAR_IS_TABLE (table), NULL);

  self = create (cache, base_id, table);
  read_first_rows (self, MAX (n_first, 1));
  if (self->rowids->len == 0)
    start_listing (self);
  else
    {
      self->hold = self->deferred = TRUE;
      self->loading = TRUE;
    }
  return self;
}

/**
 * hangar_cached_records_hold:
 * @self: a #HangarCachedRecords
 * @hold: whether to hold
 *
 * While held, an order worked out on the store's thread is not applied
 * yet: the rows shown stay as they are (a view can draw the first rows
 * without building rows for the rest first). Letting go applies it.
 */
void
hangar_cached_records_hold (HangarCachedRecords *self,
                            gboolean             hold)
{
  g_return_if_fail (HANGAR_IS_CACHED_RECORDS (self));

  self->hold = hold;
  if (!hold && self->deferred)
    {
      self->deferred = FALSE;
      start_listing (self);
    }
  else if (!hold && self->pending != NULL)
    apply_listing (self, g_steal_pointer (&self->pending));
}

gboolean
hangar_cached_records_get_loading (HangarCachedRecords *self)
{
  g_return_val_if_fail (HANGAR_IS_CACHED_RECORDS (self), FALSE);
  return self->loading;
}

const GError *
hangar_cached_records_get_failed (HangarCachedRecords *self)
{
  g_return_val_if_fail (HANGAR_IS_CACHED_RECORDS (self), NULL);
  return self->failed;
}

const char *
hangar_cached_records_get_base_id (HangarCachedRecords *self)
{
  g_return_val_if_fail (HANGAR_IS_CACHED_RECORDS (self), NULL);
  return self->base_id;
}

HangarTable *
hangar_cached_records_get_table (HangarCachedRecords *self)
{
  g_return_val_if_fail (HANGAR_IS_CACHED_RECORDS (self), NULL);
  return self->table;
}

void
hangar_cached_records_set_table (HangarCachedRecords *self,
                                 HangarTable         *table)
{
  g_return_if_fail (HANGAR_IS_CACHED_RECORDS (self));
  g_return_if_fail (HANGAR_IS_TABLE (table));
  g_return_if_fail (g_strcmp0 (hangar_table_get_id (table), hangar_table_get_id (self->table)) == 0);

  g_set_object (&self->table, table);
  g_clear_pointer (&self->names, g_hash_table_unref);
  self->names = hangar_cache_names_by_id (table);
  forget_built (self);
  if (self->rowids->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, self->rowids->len, self->rowids->len);
}

guint
hangar_cached_records_find (HangarCachedRecords *self,
                            const char          *record_id)
{
  HangarCacheRow row = { 0 };
  guint pos = G_MAXUINT;

  g_return_val_if_fail (HANGAR_IS_CACHED_RECORDS (self), G_MAXUINT);

  if (hangar_cache_read_record (self->cache, self->base_id, hangar_table_get_id (self->table), record_id, &row))
    pos = index_of (self, row.rowid);
  hangar_cache_row_clear (&row);
  return pos;
}

guint
hangar_cached_records_get_n_built (HangarCachedRecords *self)
{
  g_return_val_if_fail (HANGAR_IS_CACHED_RECORDS (self), 0);
  return g_hash_table_size (self->built);
}
