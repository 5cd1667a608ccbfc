/* hangar-link-cache.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hangar-client.h"
#include "hangar-formula.h"
#include "hangar-link-cache.h"

/**
 * HangarLinkCache:
 *
 * Linked-record cells hold `rec…` ids; people want the linked records'
 * primary values. The cache keeps one map per linked table (record id →
 * display text). A lookup of an unknown id queues it; queued ids are fetched
 * a moment later in batches with `filterByFormula=OR(RECORD_ID()='rec…',…)`
 * and only the primary field, so scrolling a grid costs a few requests rather
 * than one per cell. Ids the server does not return (deleted records) are
 * remembered as unknown and shown by id. All requests share one cancellable.
 */

#define BATCH_IDS   40
#define FLUSH_DELAY 40 /* ms: collect the ids of all cells bound in one frame */

typedef struct
{
  char        *table_id;
  HangarField *primary;
  GHashTable  *values;   /* record id → text ("" when not found) */
  GHashTable  *pending;  /* record id set, not yet requested */
  GHashTable  *fetching; /* record id set, in flight */
} TableCache;

struct _HangarLinkCache
{
  GObject       parent_instance;

  HangarClient *client;
  char         *base_id;
  GHashTable   *tables;  /* table id → TableCache */
  GCancellable *cancellable;
  guint         flush_id;
};

G_DEFINE_FINAL_TYPE (HangarLinkCache, hangar_link_cache, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  HangarLinkCache *self;
  char            *table_id;
  GPtrArray       *ids;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_object_unref (data->self);
  g_free (data->table_id);
  g_ptr_array_unref (data->ids);
  g_free (data);
}

static void
table_cache_free (gpointer data)
{
  TableCache *cache = data;

  g_free (cache->table_id);
  g_clear_object (&cache->primary);
  g_hash_table_unref (cache->values);
  g_hash_table_unref (cache->pending);
  g_hash_table_unref (cache->fetching);
  g_free (cache);
}

static TableCache *
ensure_table (HangarLinkCache *self,
              const char      *table_id)
{
  TableCache *cache = g_hash_table_lookup (self->tables, table_id);

  if (cache == NULL)
    {
      cache = g_new0 (TableCache, 1);
      cache->table_id = g_strdup (table_id);
      cache->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      cache->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      cache->fetching = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->tables, cache->table_id, cache);
    }
  return cache;
}

static void
list_records_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FetchData *data = user_data;
  HangarLinkCache *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  TableCache *cache;

  records = hangar_client_list_records_finish (HANGAR_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fetch_data_free (data);
      return;
    }

  cache = g_hash_table_lookup (self->tables, data->table_id);
  if (cache == NULL)
    {
      fetch_data_free (data);
      return;
    }

  if (error != NULL)
    g_debug ("Could not fetch linked records of %s: %s", data->table_id, error->message);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      HangarRecord *record = g_ptr_array_index (records, i);
      JsonNode *value = hangar_record_get_field (record, hangar_field_get_name (cache->primary));

      g_hash_table_replace (cache->values,
                            g_strdup (hangar_record_get_id (record)),
                            hangar_field_format_value (cache->primary, value));
    }

  /* Whatever did not come back (deleted, or the request failed) is shown by
   * id and not asked for again. */
  for (guint i = 0; i < data->ids->len; i++)
    {
      const char *id = g_ptr_array_index (data->ids, i);

      g_hash_table_remove (cache->fetching, id);
      if (!g_hash_table_contains (cache->values, id))
        g_hash_table_insert (cache->values, g_strdup (id), g_strdup (""));
    }

  fetch_data_free (data);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
fetch_batch (HangarLinkCache *self,
             TableCache      *cache,
             GPtrArray       *ids)
{
  g_autoptr(HangarListOptions) options = hangar_list_options_new ();
  g_autoptr(HangarFormula) formula = NULL;
  g_autofree char *text = NULL;
  FetchData *data;

  g_ptr_array_add (ids, NULL);
  formula = hangar_formula_record_id_in ((const char * const *) ids->pdata);
  g_ptr_array_remove_index (ids, ids->len - 1);
  text = hangar_formula_to_string (formula);

  hangar_list_options_add_field (options, hangar_field_get_name (cache->primary));
  hangar_list_options_set_formula (options, text);

  data = g_new0 (FetchData, 1);
  data->self = g_object_ref (self);
  data->table_id = g_strdup (cache->table_id);
  data->ids = g_ptr_array_ref (ids);

  hangar_client_list_records_async (self->client, self->base_id, cache->table_id, options,
                                    self->cancellable, list_records_cb, data);
}

static gboolean
flush_cb (gpointer user_data)
{
  HangarLinkCache *self = user_data;
  GHashTableIter iter;
  TableCache *cache;

  self->flush_id = 0;

  g_hash_table_iter_init (&iter, self->tables);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cache))
    {
      g_autoptr(GPtrArray) batch = NULL;
      GHashTableIter pending;
      const char *id;

      if (cache->primary == NULL || g_hash_table_size (cache->pending) == 0)
        continue;

      g_hash_table_iter_init (&pending, cache->pending);
      while (g_hash_table_iter_next (&pending, (gpointer *) &id, NULL))
        {
          if (batch == NULL)
            batch = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (batch, g_strdup (id));
          g_hash_table_add (cache->fetching, g_strdup (id));
          if (batch->len == BATCH_IDS)
            {
              fetch_batch (self, cache, batch);
              g_clear_pointer (&batch, g_ptr_array_unref);
            }
        }
      if (batch != NULL)
        fetch_batch (self, cache, batch);
      g_hash_table_remove_all (cache->pending);
    }

  return G_SOURCE_REMOVE;
}

static void
hangar_link_cache_dispose (GObject *object)
{
  HangarLinkCache *self = HANGAR_LINK_CACHE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (hangar_link_cache_parent_class)->dispose (object);
}

static void
hangar_link_cache_finalize (GObject *object)
{
  HangarLinkCache *self = HANGAR_LINK_CACHE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tables, g_hash_table_unref);
  g_free (self->base_id);

  G_OBJECT_CLASS (hangar_link_cache_parent_class)->finalize (object);
}

static void
hangar_link_cache_class_init (HangarLinkCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_link_cache_dispose;
  object_class->finalize = hangar_link_cache_finalize;

  /**
   * HangarLinkCache::changed:
   *
   * Newly fetched primary values arrived; cells showing links re-render.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
hangar_link_cache_init (HangarLinkCache *self)
{
  self->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, table_cache_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * hangar_link_cache_new:
 * @client: the client to fetch with
 * @base_id: the base of the linked tables
 *
 * Returns: (transfer full): a new, empty cache
 */
HangarLinkCache *
hangar_link_cache_new (HangarClient *client,
                       const char   *base_id)
{
  HangarLinkCache *self;

  g_return_val_if_fail (HANGAR_IS_CLIENT (client), NULL);
  g_return_val_if_fail (base_id != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_LINK_CACHE, NULL);
  self->client = g_object_ref (client);
  self->base_id = g_strdup (base_id);
  return self;
}

/**
 * hangar_link_cache_set_primary_field:
 * @self: a #HangarLinkCache
 * @table_id: a linked table
 * @primary_field: that table's primary field
 *
 * Enables lookups in @table_id. Emits #HangarLinkCache::changed so cells
 * bound before the schema was known ask again.
 */
void
hangar_link_cache_set_primary_field (HangarLinkCache *self,
                                     const char      *table_id,
                                     HangarField     *primary_field)
{
  TableCache *cache;

  g_return_if_fail (HANGAR_IS_LINK_CACHE (self));
  g_return_if_fail (table_id != NULL);
  g_return_if_fail (HANGAR_IS_FIELD (primary_field));

  cache = ensure_table (self, table_id);
  if (cache->primary == primary_field)
    return;
  g_set_object (&cache->primary, primary_field);
  g_hash_table_remove_all (cache->values);
  g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * hangar_link_cache_lookup:
 * @self: a #HangarLinkCache
 * @table_id: the linked table
 * @record_id: a record of it
 *
 * Returns: (nullable): the primary value, "" when the record was not found,
 *   %NULL while unknown (a fetch is then queued)
 */
const char *
hangar_link_cache_lookup (HangarLinkCache *self,
                          const char      *table_id,
                          const char      *record_id)
{
  TableCache *cache;
  const char *value;

  g_return_val_if_fail (HANGAR_IS_LINK_CACHE (self), NULL);

  if (table_id == NULL || record_id == NULL)
    return NULL;
  cache = g_hash_table_lookup (self->tables, table_id);
  if (cache == NULL || cache->primary == NULL)
    return NULL;

  value = g_hash_table_lookup (cache->values, record_id);
  if (value != NULL)
    return value;

  if (!g_hash_table_contains (cache->fetching, record_id) &&
      !g_hash_table_contains (cache->pending, record_id))
    {
      g_hash_table_add (cache->pending, g_strdup (record_id));
      if (self->flush_id == 0)
        self->flush_id = g_timeout_add (FLUSH_DELAY, flush_cb, self);
    }
  return NULL;
}

/**
 * hangar_link_cache_cancel:
 * @self: a #HangarLinkCache
 *
 * Cancels every fetch in flight and forgets the queued ones.
 */
void
hangar_link_cache_cancel (HangarLinkCache *self)
{
  GHashTableIter iter;
  TableCache *cache;

  g_return_if_fail (HANGAR_IS_LINK_CACHE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->flush_id, g_source_remove);

  g_hash_table_iter_init (&iter, self->tables);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cache))
    {
      g_hash_table_remove_all (cache->pending);
      g_hash_table_remove_all (cache->fetching);
    }
}

/**
 * hangar_link_cache_get_primary_field:
 * @self: a #HangarLinkCache
 * @table_id: a linked table
 *
 * Returns: (transfer none) (nullable): its primary field, when known
 */
HangarField *
hangar_link_cache_get_primary_field (HangarLinkCache *self,
                                     const char      *table_id)
{
  TableCache *cache;

  g_return_val_if_fail (HANGAR_IS_LINK_CACHE (self), NULL);

  cache = table_id != NULL ? g_hash_table_lookup (self->tables, table_id) : NULL;
  return cache != NULL ? cache->primary : NULL;
}

/**
 * hangar_link_cache_remember:
 * @self: a #HangarLinkCache
 * @table_id: a linked table
 * @record_id: a record of it
 * @text: its primary value (as a search found it)
 *
 * Records a primary value learnt elsewhere (the link picker's search), so
 * a link just added shows its name at once.
 */
void
hangar_link_cache_remember (HangarLinkCache *self,
                            const char      *table_id,
                            const char      *record_id,
                            const char      *text)
{
  TableCache *cache;

  g_return_if_fail (HANGAR_IS_LINK_CACHE (self));
  g_return_if_fail (table_id != NULL && record_id != NULL);

  cache = ensure_table (self, table_id);
  g_hash_table_replace (cache->values, g_strdup (record_id), g_strdup (text != NULL ? text : ""));
  g_hash_table_remove (cache->pending, record_id);
}

HangarClient *
hangar_link_cache_get_client (HangarLinkCache *self)
{
  g_return_val_if_fail (HANGAR_IS_LINK_CACHE (self), NULL);

  return self->client;
}

const char *
hangar_link_cache_get_base_id (HangarLinkCache *self)
{
  g_return_val_if_fail (HANGAR_IS_LINK_CACHE (self), NULL);

  return self->base_id;
}
